/*
 * test_clisetup_run.c: one run of Client Setup against a real share
 * folder, a real SMS.INI and a sandbox Client Services key, under Wine:
 * what it files, what it installs itself, what it asks a logoff for, and
 * that bad input or a failed write leaves the client as it was.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "clisetup.h"
#include "climon/protocol.h"
#include "fileio.h"
#include "site_fixture.h"
#include "winstr.h"

static int setup(void **state)
{
    return fx_test_setup(state, "clisetup");
}

static int run(site_fx *fx)
{
    clisetup_opts o;

    memset(&o, 0, sizeof o);
    wcscpy(o.share, fx->share);
    wcscpy(o.smsini, fx->c.smsini);
    o.reg_root = HKEY_LOCAL_MACHINE;
    wcscpy(o.reg_key, fx->c.regkey);
    return clisetup_run(&o);
}

static void client_has_current_services(site_fx *fx)
{
    fx_installed(&fx->c, "INV32CLI", "1.2.0", "service", "INV32CLI.EXE|INVMIF.DLL");
    fx_installed(&fx->c, "PCMSVC32", "1.2.0", "service", "PCMSVC32.EXE");
}

static void client_has_apps(site_fx *fx, const char *version)
{
    char text[64];
    fx_installed(&fx->c, "SMSAPPS", version, "program", "SMSAPPS.EXE");
    snprintf(text, sizeof text, "payload\r\nversion=%s\r\n", version);
    fx_write_text(fx->c.bin, "SMSAPPS.EXE", text);
}

static void smsini_version_is(site_fx *fx, const char *v)
{
    char want[64];
    char *ini = fx_read(fx->c.root, "SMS.INI", NULL);
    assert_non_null(ini);
    snprintf(want, sizeof want, "CopyListVersion=%s\r\n", v);
    assert_non_null(strstr(ini, want));
    fx_free(ini);
}

static void test_clisetup_first_run_installs_programs_and_files_a_request(void **state)
{
    site_fx *fx = *state;
    char *ccr, v[32];
    size_t len;
    ccr_request req;

    fx_publish(fx, 200, "1.2.0", "1.2.0", "1.0.0");
    assert_int_equal(run(fx), SETUP_EXIT_REQUEST_FILED);

    ccr = fx_read(fx->box, "TST00001.CCR", &len);
    assert_non_null(ccr);
    assert_int_equal(ccr_read(ccr, len, &req, NULL, NULL), CCR_OK);
    assert_string_equal(req.machine, "TSTPC01");
    assert_string_equal(req.domain, "TSTDOM");
    assert_int_equal(req.count, 1);
    fx_free(ccr);

    /* Programs are Client Setup's own; services wait for the manager. */
    assert_true(fx_payload_is(fx->c.bin, "SMSAPPS.EXE", "1.0.0"));
    assert_true(fx_sz(&fx->c, "SMSAPPS", "Installed Version", v, sizeof v));
    assert_string_equal(v, "1.0.0");
    assert_false(fx_exists(fx->c.bin, "INV32CLI.EXE"));
    assert_false(fx_sz(&fx->c, "INV32CLI", "Installed Version", v, sizeof v));
    assert_true(fx_sz(&fx->c, "INV32CLI", "Desired Version", v, sizeof v));
    assert_string_equal(v, "1.2.0");
    assert_true(fx_sz(&fx->c, "INV32CLI", "Kind", v, sizeof v));
    assert_string_equal(v, "service");
    assert_true(fx_sz(&fx->c, "INV32CLI", "Display Name", v, sizeof v));
    assert_string_equal(v, "Inventory Agent");

    smsini_version_is(fx, "200");
    assert_true(fx_log_has(fx->c.logs, "CLISETUP.LOG", "request filed"));
    assert_int_equal(fx_dword(&fx->c, NULL, "Logoff Required"), FX_ABSENT);
}

static void test_clisetup_nothing_to_do_exits_0_without_request(void **state)
{
    site_fx *fx = *state;

    client_has_current_services(fx);
    client_has_apps(fx, "1.0.0");
    fx_publish(fx, 300, "1.2.0", "1.2.0", "1.0.0");
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    assert_int_equal(fx_count(fx->box, "*"), 0);
    smsini_version_is(fx, "300");
    assert_int_equal(fx_dword(&fx->c, NULL, "Logoff Required"), FX_ABSENT);
    assert_int_equal(fx_dword(&fx->c, NULL, "Change Id"), FX_ABSENT);
    assert_true(fx_log_has(fx->c.logs, "CLISETUP.LOG", "no request for the manager"));
}

static void test_clisetup_only_a_program_changed_copies_it_without_request(void **state)
{
    site_fx *fx = *state;
    char v[32];

    client_has_current_services(fx);
    client_has_apps(fx, "1.0.0");
    fx_publish(fx, 300, "1.2.0", "1.2.0", "1.0.1");
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    assert_int_equal(fx_count(fx->box, "*"), 0);
    assert_true(fx_payload_is(fx->c.bin, "SMSAPPS.EXE", "1.0.1"));
    assert_true(fx_sz(&fx->c, "SMSAPPS", "Installed Version", v, sizeof v));
    assert_string_equal(v, "1.0.1");
    assert_int_equal(fx_dword(&fx->c, NULL, "Logoff Required"), FX_ABSENT);
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), FX_ABSENT);
    assert_int_equal(fx_count(fx->c.bin, "*.new"), 0);
}

static void test_clisetup_program_in_use_asks_for_logoff_and_keeps_it(void **state)
{
    site_fx *fx = *state;
    wchar_t p[MAX_PATH];
    char v[128];
    HANDLE running;

    client_has_current_services(fx);
    client_has_apps(fx, "1.0.0");
    fx_publish(fx, 300, "1.2.0", "1.2.0", "1.0.1");
    /* Open as a running program's image is: readers welcome, no delete. */
    path_join(p, MAX_PATH, fx->c.bin, L"SMSAPPS.EXE");
    running = CreateFileW(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(running != INVALID_HANDLE_VALUE);

    assert_int_equal(run(fx), SETUP_EXIT_LOGOFF_NEEDED);
    CloseHandle(running);
    assert_true(fx_payload_is(fx->c.bin, "SMSAPPS.EXE", "1.0.0"));
    assert_true(fx_sz(&fx->c, "SMSAPPS", "Installed Version", v, sizeof v));
    assert_string_equal(v, "1.0.0");
    assert_int_equal(fx_dword(&fx->c, NULL, "Logoff Required"), 1);
    assert_true(fx_sz(&fx->c, NULL, "Changed Components", v, sizeof v));
    assert_string_equal(v, "SMS Client Applications 1.0.1");
    assert_int_equal(fx_dword(&fx->c, NULL, "Change Id"), 1);
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), FX_ABSENT);
    assert_int_equal(fx_count(fx->box, "*"), 0);
    assert_int_equal(fx_count(fx->c.bin, "*.new"), 0);
    smsini_version_is(fx, "300");

    /* At the next logon the program is free and Client Setup finishes. */
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    assert_true(fx_payload_is(fx->c.bin, "SMSAPPS.EXE", "1.0.1"));
}

static void test_clisetup_logoff_while_a_restart_is_pending_names_both(void **state)
{
    site_fx *fx = *state;
    wchar_t p[MAX_PATH];
    char v[256];
    HKEY k;
    HANDLE running;
    static const wchar_t pending[] = L"Inventory Agent 1.2.0";

    client_has_current_services(fx);
    client_has_apps(fx, "1.0.0");
    fx_set_dword(&fx->c, "Reboot Required", 1);
    fx_set_dword(&fx->c, "Change Id", 7);
    assert_int_equal(
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, fx->c.regkey, 0, KEY_WRITE | KEY_WOW64_64KEY, &k),
        ERROR_SUCCESS);
    RegSetValueExW(k, L"Changed Components", 0, REG_SZ, (const BYTE *)pending, sizeof pending);
    RegCloseKey(k);
    fx_publish(fx, 300, "1.2.0", "1.2.0", "1.0.1");
    path_join(p, MAX_PATH, fx->c.bin, L"SMSAPPS.EXE");
    running = CreateFileW(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(running != INVALID_HANDLE_VALUE);
    assert_int_equal(run(fx), SETUP_EXIT_LOGOFF_NEEDED);
    CloseHandle(running);
    assert_true(fx_sz(&fx->c, NULL, "Changed Components", v, sizeof v));
    assert_string_equal(v, "Inventory Agent 1.2.0, SMS Client Applications 1.0.1");
    assert_int_equal(fx_dword(&fx->c, NULL, "Change Id"), 8);
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), 1);
    assert_int_equal(fx_dword(&fx->c, NULL, "Logoff Required"), 1);
}

static void test_clisetup_second_request_is_merged_into_the_waiting_one(void **state)
{
    site_fx *fx = *state;
    char *ccr;
    size_t len;
    ccr_request req;

    fx_publish(fx, 200, "1.2.0", "1.2.0", NULL);
    assert_int_equal(run(fx), SETUP_EXIT_REQUEST_FILED);
    fx_publish(fx, 201, "1.2.1", "1.2.0", NULL);
    assert_int_equal(run(fx), SETUP_EXIT_REQUEST_FILED);
    assert_int_equal(fx_count(fx->box, "*"), 1);
    ccr = fx_read(fx->box, "TST00001.CCR", &len);
    assert_non_null(ccr);
    assert_int_equal(ccr_read(ccr, len, &req, NULL, NULL), CCR_OK);
    assert_int_equal(req.count, 2);
    fx_free(ccr);
    smsini_version_is(fx, "201");
}

static void test_clisetup_damaged_request_is_kept_as_bad_and_a_fresh_one_filed(void **state)
{
    site_fx *fx = *state;
    static const char junk[] = "[NT Client Configuration Request]\r\nMachine Name=A=B\r\n";
    char *bad, *ccr;
    size_t len;
    ccr_request req;

    fx_write_text(fx->box, "TST00001.CCR", junk);
    fx_publish(fx, 200, "1.2.0", "1.2.0", NULL);
    assert_int_equal(run(fx), SETUP_EXIT_REQUEST_FILED);
    bad = fx_read(fx->box, "TST00001.BAD", &len);
    assert_non_null(bad);
    assert_int_equal(len, strlen(junk));
    assert_memory_equal(bad, junk, len);
    fx_free(bad);
    ccr = fx_read(fx->box, "TST00001.CCR", &len);
    assert_non_null(ccr);
    assert_int_equal(ccr_read(ccr, len, &req, NULL, NULL), CCR_OK);
    assert_int_equal(req.count, 1);
    fx_free(ccr);
    assert_true(fx_log_has(fx->c.logs, "CLISETUP.LOG", "damaged"));
}

static void test_clisetup_hostile_copylist_is_refused_and_nothing_changes(void **state)
{
    site_fx *fx = *state;
    char *before, *after, v[32];
    size_t blen, alen;

    fx_write_text(
        fx->share, "CL_NT.TXT",
        "[Copy List]\r\nCopyListVersion=666\r\n[Components]\r\nSMSAPPS=program\r\n"
        "[SMSAPPS]\r\nVersion=6.6.6\r\nFiles=..\\..\\..\\WINDOWS\\SYSTEM32\\EVIL.DLL\r\n");
    before = fx_read(fx->c.root, "SMS.INI", &blen);
    assert_int_equal(run(fx), SETUP_EXIT_BAD_INPUT);
    after = fx_read(fx->c.root, "SMS.INI", &alen);
    assert_int_equal(alen, blen);
    assert_memory_equal(after, before, blen);
    fx_free(before);
    fx_free(after);
    assert_false(fx_sz(&fx->c, "SMSAPPS", "Desired Version", v, sizeof v));
    assert_int_equal(fx_count(fx->box, "*"), 0);
    assert_int_equal(fx_count(fx->c.bin, "*"), 0);
    assert_true(fx_log_has(fx->c.logs, "CLISETUP.LOG", "refused"));
}

static void test_clisetup_smsini_rewrite_changes_only_the_version_bytes(void **state)
{
    site_fx *fx = *state;
    char share[MAX_PATH * 3], sp[MAX_PATH * 3], text[2048], want[2048], *after;
    size_t len;
    DWORD attrs;

    winstr_to_utf8(fx->share, share, sizeof share);
    winstr_to_utf8(fx->c.smspath, sp, sizeof sp);
    /* LF line ends, odd spacing, comments, unknown keys and sections. */
    snprintf(text, sizeof text,
             "; hand-edited\n[Servers]\nDomain = TSTDOM   \n\n[SMS]\n  CopyListVersion =  0100  \n"
             "SMS Unique ID=TST00001\nSMSPath=%s\nLastLogonServerPath=%s\nOdd Key=x=y\n"
             "[Local]\nMachineName=TSTPC01\n[Extra]\nkeep=me\n",
             sp, share);
    snprintf(
        want, sizeof want,
        "; hand-edited\n[Servers]\nDomain = TSTDOM   \n\n[SMS]\n  CopyListVersion =  4000000000  \n"
        "SMS Unique ID=TST00001\nSMSPath=%s\nLastLogonServerPath=%s\nOdd Key=x=y\n"
        "[Local]\nMachineName=TSTPC01\n[Extra]\nkeep=me\n",
        sp, share);
    fx_write_text(fx->c.root, "SMS.INI", text);
    SetFileAttributesW(fx->c.smsini, FILE_ATTRIBUTE_HIDDEN);
    client_has_current_services(fx);
    fx_publish(fx, 4000000000ul, "1.2.0", "1.2.0", NULL);
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    after = fx_read(fx->c.root, "SMS.INI", &len);
    assert_non_null(after);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(after, want, len);
    fx_free(after);
    attrs = GetFileAttributesW(fx->c.smsini);
    assert_true(attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_HIDDEN));
}

static void test_clisetup_smsini_in_utf16_stays_utf16(void **state)
{
    site_fx *fx = *state;
    wchar_t text[1024];
    char sp[MAX_PATH * 3], *after;
    unsigned char buf[4096];
    size_t len, n;
    char value[32];

    winstr_to_utf8(fx->c.smspath, sp, sizeof sp);
    n = (size_t)_snwprintf(text, 1024,
                           L"\xFEFF[SMS]\r\nCopyListVersion=100\r\nSMS Unique ID=TST00001\r\n"
                           L"SMSPath=%hs\r\n[Local]\r\nMachineName=TSTPC01\r\n",
                           sp);
    memcpy(buf, text, n * 2);
    fx_write(fx->c.root, "SMS.INI", buf, n * 2);
    client_has_current_services(fx);
    fx_publish(fx, 500, "1.2.0", "1.2.0", NULL);
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    after = fx_read(fx->c.root, "SMS.INI", &len);
    assert_non_null(after);
    assert_int_equal((unsigned char)after[0], 0xFF);
    assert_int_equal((unsigned char)after[1], 0xFE);
    assert_int_equal(ini_get(after, len, "SMS", "CopyListVersion", value, sizeof value, NULL),
                     INI_OK);
    assert_string_equal(value, "500");
    fx_free(after);
}

static void test_clisetup_smsini_that_cannot_be_replaced_is_left_whole(void **state)
{
    site_fx *fx = *state;
    char *before, *after;
    size_t blen, alen;
    HANDLE h;

    client_has_current_services(fx);
    fx_publish(fx, 300, "1.2.0", "1.2.0", NULL);
    before = fx_read(fx->c.root, "SMS.INI", &blen);
    /* Another program holds SMS.INI without delete sharing: the rename
     * over it must fail, and the old file stay as it was. */
    h = CreateFileW(fx->c.smsini, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_int_equal(run(fx), SETUP_EXIT_IO);
    CloseHandle(h);
    after = fx_read(fx->c.root, "SMS.INI", &alen);
    assert_int_equal(alen, blen);
    assert_memory_equal(after, before, blen);
    fx_free(before);
    fx_free(after);
    assert_int_equal(fx_count(fx->c.root, "*.tmp"), 0);
    assert_true(fx_log_has(fx->c.logs, "CLISETUP.LOG", "unchanged"));
    /* Once free, the next run does it. */
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    smsini_version_is(fx, "300");
}

static void test_clisetup_missing_copylist_is_an_io_error(void **state)
{
    site_fx *fx = *state;

    assert_int_equal(run(fx), SETUP_EXIT_IO);
    smsini_version_is(fx, "100");
}

static void test_clisetup_smsini_without_unique_id_is_bad_input(void **state)
{
    site_fx *fx = *state;

    fx_write_text(fx->c.root, "SMS.INI", "[SMS]\r\nCopyListVersion=1\r\nSMSPath=C:\\MS\\SMS\r\n");
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    assert_int_equal(run(fx), SETUP_EXIT_BAD_INPUT);
    assert_int_equal(fx_count(fx->box, "*"), 0);
}

static void test_clisetup_missing_smsini_is_an_io_error(void **state)
{
    site_fx *fx = *state;

    DeleteFileW(fx->c.smsini);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    assert_int_equal(run(fx), SETUP_EXIT_IO);
}

static void test_clisetup_removed_program_is_deleted(void **state)
{
    site_fx *fx = *state;
    char v[32];

    client_has_current_services(fx);
    client_has_apps(fx, "1.0.0");
    fx_publish(fx, 300, "1.2.0", "1.2.0", NULL);
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    assert_false(fx_exists(fx->c.bin, "SMSAPPS.EXE"));
    assert_false(fx_sz(&fx->c, "SMSAPPS", "Kind", v, sizeof v));
    assert_int_equal(fx_count(fx->box, "*"), 0);
}

static void test_clisetup_request_box_missing_fails_and_keeps_the_old_version(void **state)
{
    site_fx *fx = *state;

    RemoveDirectoryW(fx->box);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    assert_int_equal(run(fx), SETUP_EXIT_IO);
    /* The agent sees the versions still differ and runs it again later. */
    smsini_version_is(fx, "100");
}

/* Issue 13: another Client Setup of this client (the logon script's, an
 * admin's, another session's agent's) holds the guard beside SMS.INI;
 * this run waits, and since that run brought SMS.INI to the version, it
 * files nothing and changes nothing. */
static site_fx *other_fx;
static HANDLE other_guard;
static DWORD WINAPI other_run_ends(LPVOID unused)
{
    (void)unused;
    Sleep(600);
    fx_smsini(&other_fx->c, "300");
    CloseHandle(other_guard);
    return 0;
}

static void test_clisetup_waits_for_another_run_and_does_not_do_its_work_again(void **state)
{
    site_fx *fx = *state;
    wchar_t guard[MAX_PATH];
    ULONGLONG t0;
    HANDLE t;

    client_has_current_services(fx);
    fx_publish(fx, 300, "1.3.0", "1.2.0", NULL); /* alone, this run would file a request */
    wcscpy(guard, fx->c.smsini);
    wcscpy(wcsrchr(guard, L'\\') + 1, L"CLISETUP.LCK");
    other_guard = CreateFileW(guard, GENERIC_WRITE | DELETE, FILE_SHARE_READ | FILE_SHARE_DELETE,
                              NULL, CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(other_guard != INVALID_HANDLE_VALUE);
    other_fx = fx;
    t = CreateThread(NULL, 0, other_run_ends, NULL, 0, NULL);
    t0 = GetTickCount64();
    assert_int_equal(run(fx), SETUP_EXIT_OK);
    assert_true(GetTickCount64() - t0 >= 500);
    WaitForSingleObject(t, 5000);
    CloseHandle(t);
    assert_int_equal(fx_count(fx->box, "*"), 0);
    smsini_version_is(fx, "300");
    assert_true(fx_log_has(fx->c.logs, "CLISETUP.LOG", "nothing to do"));
    assert_true(GetFileAttributesW(guard) == INVALID_FILE_ATTRIBUTES);

    /* Alone, the same run files its request. */
    fx_smsini(&fx->c, "100");
    assert_int_equal(run(fx), SETUP_EXIT_REQUEST_FILED);
    assert_int_equal(fx_count(fx->box, "*.CCR"), 1);
}

static void test_clisetup_program_file_missing_from_share_fails_cleanly(void **state)
{
    site_fx *fx = *state;
    wchar_t p[MAX_PATH];

    client_has_current_services(fx);
    fx_publish(fx, 300, "1.2.0", "1.2.0", "1.0.0");
    path_join(p, MAX_PATH, fx->bin86, L"SMSAPPS.EXE");
    DeleteFileW(p);
    assert_int_equal(run(fx), SETUP_EXIT_IO);
    assert_int_equal(fx_count(fx->c.bin, "*"), 0);
    smsini_version_is(fx, "100");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_clisetup_first_run_installs_programs_and_files_a_request),
        T(test_clisetup_nothing_to_do_exits_0_without_request),
        T(test_clisetup_only_a_program_changed_copies_it_without_request),
        T(test_clisetup_program_in_use_asks_for_logoff_and_keeps_it),
        T(test_clisetup_logoff_while_a_restart_is_pending_names_both),
        T(test_clisetup_second_request_is_merged_into_the_waiting_one),
        T(test_clisetup_damaged_request_is_kept_as_bad_and_a_fresh_one_filed),
        T(test_clisetup_hostile_copylist_is_refused_and_nothing_changes),
        T(test_clisetup_smsini_rewrite_changes_only_the_version_bytes),
        T(test_clisetup_smsini_in_utf16_stays_utf16),
        T(test_clisetup_smsini_that_cannot_be_replaced_is_left_whole),
        T(test_clisetup_missing_copylist_is_an_io_error),
        T(test_clisetup_smsini_without_unique_id_is_bad_input),
        T(test_clisetup_missing_smsini_is_an_io_error),
        T(test_clisetup_removed_program_is_deleted),
        T(test_clisetup_request_box_missing_fails_and_keeps_the_old_version),
        T(test_clisetup_waits_for_another_run_and_does_not_do_its_work_again),
        T(test_clisetup_program_file_missing_from_share_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
