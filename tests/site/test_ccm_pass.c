/*
 * test_ccm_pass.c: passes of the Client Configuration Manager over a real
 * share folder, real client folders and sandbox Client Services keys under
 * Wine, with the clock set by the test: installing, the restart report
 * only for a real change, and every failure path (unknown client, client
 * away, a locked file, a damaged request, the retry duration running out).
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

#include "ccm.h"
#include "fileio.h"
#include "site_fixture.h"

static const ccr_time t0 = {2026, 11, 24, 10, 0};
static ccm_counts last;

static int setup(void **state)
{
    return fx_test_setup(state, "ccm");
}

/* One pass at t0 + minutes. */
static int pass_at(site_fx *fx, unsigned minutes)
{
    static ccm_ctx ctx;
    int rc;

    assert_true(ccm_ctx_init(&ctx, fx->share, false));
    ctx.fixed_now = true;
    siteclock_from_minutes(siteclock_minutes(&t0) + minutes, &ctx.now);
    rc = ccm_pass(&ctx);
    last = ctx.counts;
    ccm_ctx_free(&ctx);
    return rc;
}

static void read_retry(site_fx *fx, ccr_processing *proc)
{
    char *data;
    size_t len;
    ccr_request req;

    data = fx_read(fx->retry, "TST00001.CCR", &len);
    assert_non_null(data);
    assert_int_equal(ccr_read(data, len, &req, proc, NULL), CCR_OK);
    assert_string_equal(req.machine, "TSTPC01");
    fx_free(data);
}

static void box_is_empty(site_fx *fx)
{
    assert_int_equal(fx_count(fx->box, "*.CCR"), 0);
    assert_int_equal(fx_count(fx->box, "*.CCW"), 0);
}

static void test_ccm_installs_services_and_asks_for_a_restart(void **state)
{
    site_fx *fx = *state;
    char v[256];

    fx_register(fx, &fx->c);
    fx_publish(fx, 200, "1.2.0", "1.2.0", "1.0.0");
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.requests, 1);
    assert_int_equal(last.done, 1);
    assert_int_equal(last.changed, 1);
    box_is_empty(fx);

    assert_true(fx_payload_is(fx->c.bin, "INV32CLI.EXE", "1.2.0"));
    assert_true(fx_payload_is(fx->c.bin, "INVMIF.DLL", "1.2.0"));
    assert_true(fx_payload_is(fx->c.bin, "PCMSVC32.EXE", "1.2.0"));
    /* Programs are Client Setup's, in the user's session. */
    assert_false(fx_exists(fx->c.bin, "SMSAPPS.EXE"));
    assert_int_equal(fx_count(fx->c.bin, "*.new"), 0);
    assert_true(fx_sz(&fx->c, "INV32CLI", "Installed Version", v, sizeof v));
    assert_string_equal(v, "1.2.0");
    assert_true(fx_sz(&fx->c, "INV32CLI", "Display Name", v, sizeof v));
    assert_string_equal(v, "Inventory Agent");
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), 1);
    assert_true(fx_sz(&fx->c, NULL, "Changed Components", v, sizeof v));
    assert_string_equal(v, "Inventory Agent 1.2.0, Package Command Manager 1.2.0");
    assert_int_equal(fx_dword(&fx->c, NULL, "Change Id"), 1);
    assert_int_equal(fx_dword(&fx->c, NULL, "Prompt for Restart"), 1);
    assert_true(fx_log_has(fx->share, "LOGS\\CLICFG.LOG", "Reboot Required"));
}

static void test_ccm_nothing_to_change_deletes_the_request_without_a_restart(void **state)
{
    site_fx *fx = *state;

    fx_register(fx, &fx->c);
    fx_installed(&fx->c, "INV32CLI", "1.2.0", "service", "INV32CLI.EXE|INVMIF.DLL");
    fx_installed(&fx->c, "PCMSVC32", "1.2.0.0", "service", "PCMSVC32.EXE");
    fx_publish(fx, 200, "1.2.0", "1.2", "1.0.0");
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.done, 1);
    assert_int_equal(last.changed, 0);
    box_is_empty(fx);
    assert_int_equal(fx_count(fx->retry, "*"), 0);
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), FX_ABSENT);
    assert_int_equal(fx_dword(&fx->c, NULL, "Change Id"), FX_ABSENT);
    assert_int_equal(fx_dword(&fx->c, NULL, "Prompt for Restart"), 1);
    assert_int_equal(fx_count(fx->c.bin, "*"), 0);
}

static void test_ccm_prompt_for_restart_0_installs_without_the_restart_flag(void **state)
{
    site_fx *fx = *state;
    char v[32];

    fx_write_text(fx->share, "SITE.INI", "[Site]\r\nPrompt for Restart=0\r\n");
    fx_register(fx, &fx->c);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.changed, 1);
    assert_true(fx_sz(&fx->c, "INV32CLI", "Installed Version", v, sizeof v));
    assert_int_equal(fx_dword(&fx->c, NULL, "Prompt for Restart"), 0);
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), FX_ABSENT);
    assert_int_equal(fx_dword(&fx->c, NULL, "Change Id"), FX_ABSENT);
}

static void test_ccm_unknown_client_waits_in_retry_with_processing_filled(void **state)
{
    site_fx *fx = *state;
    ccr_processing proc;

    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0); /* no CLIENTS\TST00001.INI */
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.retry, 1);
    assert_int_equal(last.done, 0);
    box_is_empty(fx);
    read_retry(fx, &proc);
    assert_true(proc.present);
    assert_int_equal(proc.attempts, 1);
    assert_int_equal(proc.last_error, ERROR_NOT_FOUND);
    assert_memory_equal(&proc.initial_attempt, &t0, sizeof t0);
    assert_true(fx_log_has(fx->share, "LOGS\\CLICFG.LOG", "unknown client TST00001"));
    assert_int_equal(fx_count(fx->c.bin, "*"), 0);
}

static void test_ccm_client_that_vanished_waits_in_retry(void **state)
{
    site_fx *fx = *state;
    ccr_processing proc;

    fx_register(fx, &fx->c);
    DeleteFileW(fx->c.smsini);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    read_retry(fx, &proc);
    assert_int_equal(proc.last_error, ERROR_FILE_NOT_FOUND);
    assert_true(fx_log_has(fx->share, "LOGS\\CLICFG.LOG", "cannot be reached"));
}

/* The BIN is made when the first file finds no folder, not looked for on
 * every request first. */
static void test_ccm_client_without_a_bin_folder_gets_one_and_its_services(void **state)
{
    site_fx *fx = *state;
    char v[32];

    fx_register(fx, &fx->c);
    assert_true(RemoveDirectoryW(fx->c.bin));
    fx_publish(fx, 200, "1.2.0", "1.2.0", NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.done, 1);
    assert_int_equal(last.changed, 1);
    assert_true(fx_payload_is(fx->c.bin, "INV32CLI.EXE", "1.2.0"));
    assert_true(fx_payload_is(fx->c.bin, "PCMSVC32.EXE", "1.2.0"));
    assert_int_equal(fx_count(fx->c.bin, "*.new"), 0);
    assert_true(fx_sz(&fx->c, "INV32CLI", "Installed Version", v, sizeof v));
    assert_string_equal(v, "1.2.0");
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), 1);
}

/* A file where the BIN should be: no folder can be made, nothing is
 * installed or reported, the request waits in RETRY with the reason. */
static void test_ccm_file_in_place_of_the_bin_folder_waits_in_retry_unchanged(void **state)
{
    site_fx *fx = *state;
    ccr_processing proc;
    char v[32];

    fx_register(fx, &fx->c);
    assert_true(RemoveDirectoryW(fx->c.bin));
    fx_write_text(fx->c.smspath, "BIN", "version=not a folder\r\n");
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.retry, 1);
    assert_int_equal(last.changed, 0);
    read_retry(fx, &proc);
    assert_int_equal(proc.last_error, ERROR_ALREADY_EXISTS);
    assert_true(fx_log_has(fx->share, "LOGS\\CLICFG.LOG", "cannot create"));
    assert_true(fx_payload_is(fx->c.smspath, "BIN", "not a folder"));
    assert_false(fx_sz(&fx->c, "INV32CLI", "Installed Version", v, sizeof v));
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), FX_ABSENT);
}

static void test_ccm_locked_file_fails_untouched_then_the_retry_succeeds(void **state)
{
    site_fx *fx = *state;
    wchar_t p[MAX_PATH];
    ccr_processing proc;
    char v[32];
    HANDLE running;

    fx_register(fx, &fx->c);
    fx_installed(&fx->c, "INV32CLI", "1.2.0", "service", "INV32CLI.EXE|INVMIF.DLL");
    fx_write_text(fx->c.bin, "INV32CLI.EXE", "version=1.2.0\r\n");
    fx_write_text(fx->c.bin, "INVMIF.DLL", "version=1.2.0\r\n");
    fx_publish(fx, 300, "1.2.1", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    path_join(p, MAX_PATH, fx->c.bin, L"INV32CLI.EXE");
    running = CreateFileW(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(running != INVALID_HANDLE_VALUE);

    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.retry, 1);
    read_retry(fx, &proc);
    assert_int_equal(proc.last_error, ERROR_SHARING_VIOLATION);
    /* Nothing of the component changed, not even its other file. */
    assert_true(fx_payload_is(fx->c.bin, "INV32CLI.EXE", "1.2.0"));
    assert_true(fx_payload_is(fx->c.bin, "INVMIF.DLL", "1.2.0"));
    assert_int_equal(fx_count(fx->c.bin, "*.new"), 0);
    assert_true(fx_sz(&fx->c, "INV32CLI", "Installed Version", v, sizeof v));
    assert_string_equal(v, "1.2.0");
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), FX_ABSENT);

    /* Still locked at the first retry: the wait doubles. */
    assert_int_equal(pass_at(fx, 4), CCM_EXIT_OK);
    assert_int_equal(last.waiting, 1);
    assert_int_equal(last.requests, 0);
    assert_int_equal(pass_at(fx, 5), CCM_EXIT_OK);
    assert_int_equal(last.retry, 1);
    read_retry(fx, &proc);
    assert_int_equal(proc.attempts, 2);
    CloseHandle(running);
    assert_int_equal(pass_at(fx, 14), CCM_EXIT_OK);
    assert_int_equal(last.waiting, 1);
    assert_int_equal(pass_at(fx, 15), CCM_EXIT_OK);
    assert_int_equal(last.done, 1);
    assert_int_equal(fx_count(fx->retry, "*"), 0);
    assert_true(fx_payload_is(fx->c.bin, "INV32CLI.EXE", "1.2.1"));
    assert_int_equal(fx_dword(&fx->c, NULL, "Reboot Required"), 1);
    assert_true(fx_sz(&fx->c, NULL, "Changed Components", v, sizeof v));
    assert_string_equal(v, "Inventory Agent 1.2.1");
}

static void test_ccm_gives_up_after_the_retry_duration_and_keeps_the_request(void **state)
{
    site_fx *fx = *state;

    fx_write_text(fx->share, "SITE.INI", "[Site]\r\nRetry Duration Minutes=60\r\n");
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(fx_count(fx->retry, "*.CCR"), 1);
    assert_int_equal(pass_at(fx, 59), CCM_EXIT_OK);
    assert_int_equal(fx_count(fx->bad, "*"), 0);
    assert_int_equal(pass_at(fx, 60), CCM_EXIT_OK);
    assert_int_equal(last.bad, 1);
    assert_int_equal(fx_count(fx->retry, "*"), 0);
    assert_int_equal(fx_count(fx->bad, "TST00001-*.CCR"), 1);
    assert_true(fx_log_has(fx->share, "LOGS\\CLICFG.LOG", "gave up"));
}

static void test_ccm_new_request_past_the_duration_goes_to_bad_once(void **state)
{
    site_fx *fx = *state;

    fx_write_text(fx->share, "SITE.INI", "[Site]\r\nRetry Duration Minutes=60\r\n");
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 61), CCM_EXIT_OK);
    assert_int_equal(last.bad, 1);
    assert_int_equal(fx_count(fx->retry, "*"), 0);
    assert_int_equal(fx_count(fx->bad, "*"), 1);
    box_is_empty(fx);
}

static void test_ccm_damaged_request_goes_to_bad_unchanged(void **state)
{
    site_fx *fx = *state;
    static const char junk[] = "[NT Client Configuration Request]\r\nClient Request Count=x\r\n";
    char *kept;
    size_t len;
    WIN32_FIND_DATAW fd;
    HANDLE h;
    wchar_t pat[MAX_PATH];
    char name[MAX_PATH];

    fx_register(fx, &fx->c);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_write_text(fx->box, "TST00001.CCR", junk);
    fx_write_text(fx->box, "not-an-id.CCR", "whatever");
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.bad, 2);
    box_is_empty(fx);
    assert_int_equal(fx_count(fx->bad, "*"), 2);
    path_join(pat, MAX_PATH, fx->bad, L"TST00001-*");
    h = FindFirstFileW(pat, &fd);
    assert_true(h != INVALID_HANDLE_VALUE);
    FindClose(h);
    WideCharToMultiByte(CP_UTF8, 0, fd.cFileName, -1, name, sizeof name, NULL, NULL);
    kept = fx_read(fx->bad, name, &len);
    assert_non_null(kept);
    assert_int_equal(len, strlen(junk));
    assert_memory_equal(kept, junk, len);
    fx_free(kept);
    assert_int_equal(fx_count(fx->c.bin, "*"), 0);
}

static void test_ccm_removed_service_loses_its_files_and_key(void **state)
{
    site_fx *fx = *state;
    char v[256];

    fx_register(fx, &fx->c);
    fx_installed(&fx->c, "INV32CLI", "1.2.0", "service", "INV32CLI.EXE|INVMIF.DLL");
    fx_installed(&fx->c, "PCMSVC32", "1.2.0", "service", "PCMSVC32.EXE");
    fx_write_text(fx->c.bin, "PCMSVC32.EXE", "version=1.2.0\r\n");
    fx_publish(fx, 300, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.changed, 1);
    assert_false(fx_exists(fx->c.bin, "PCMSVC32.EXE"));
    assert_false(fx_sz(&fx->c, "PCMSVC32", "Kind", v, sizeof v));
    assert_true(fx_sz(&fx->c, NULL, "Changed Components", v, sizeof v));
    assert_string_equal(v, "PCMSVC32 (removed)");
}

/* The components the copy list names are read by name and the key is
 * listed only for the others: a damaged listed entry, a removal and a key
 * no copy list could name must all still be found. */
static void test_ccm_damaged_entries_beside_listed_ones_are_skipped_and_removals_found(void **state)
{
    site_fx *fx = *state;
    char v[256];

    fx_register(fx, &fx->c);
    fx_installed(&fx->c, "INV32CLI", "1.x", "service", "INV32CLI.EXE|INVMIF.DLL");
    fx_installed(&fx->c, "OLDSVC", "1.0.0", "service", "OLDSVC.EXE");
    fx_write_text(fx->c.bin, "OLDSVC.EXE", "version=1.0.0\r\n");
    fx_installed(&fx->c, "BAD NAME", "1.0.0", "service", "X.EXE");
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.done, 1);
    assert_int_equal(last.changed, 1);
    /* The damaged entry counts as not installed: the service is put in. */
    assert_true(fx_payload_is(fx->c.bin, "INV32CLI.EXE", "1.2.0"));
    assert_true(fx_sz(&fx->c, "INV32CLI", "Installed Version", v, sizeof v));
    assert_string_equal(v, "1.2.0");
    assert_false(fx_exists(fx->c.bin, "OLDSVC.EXE"));
    assert_false(fx_sz(&fx->c, "OLDSVC", "Kind", v, sizeof v));
    assert_true(fx_sz(&fx->c, NULL, "Changed Components", v, sizeof v));
    assert_string_equal(v, "Inventory Agent 1.2.0, OLDSVC (removed)");
    /* A key no copy list could name is the client's business, not removed. */
    assert_true(fx_sz(&fx->c, "BAD NAME", "Kind", v, sizeof v));
    assert_true(fx_log_has(fx->share, "LOGS\\CLICFG.LOG", "2 damaged component entries ignored"));
}

static void test_ccm_refused_copylist_leaves_every_request_waiting(void **state)
{
    site_fx *fx = *state;

    fx_register(fx, &fx->c);
    fx_write_text(fx->share, "CL_NT.TXT",
                  "[Copy List]\r\nCopyListVersion=9\r\n[Components]\r\nX=service\r\n"
                  "[X]\r\nVersion=1\r\nFiles=C:\\WINDOWS\\X.EXE\r\n");
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_BAD_INPUT);
    assert_true(fx_exists(fx->box, "TST00001.CCR"));
    assert_int_equal(fx_count(fx->retry, "*"), 0);
    assert_int_equal(fx_count(fx->c.bin, "*"), 0);
}

static void test_ccm_new_request_supersedes_the_one_in_retry(void **state)
{
    site_fx *fx = *state;
    ccr_processing proc;

    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    /* The client files again; still unknown: the attempts carry on. */
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 1), CCM_EXIT_OK);
    box_is_empty(fx);
    read_retry(fx, &proc);
    assert_int_equal(proc.attempts, 2);
    assert_memory_equal(&proc.initial_attempt, &t0, sizeof t0);
    /* Now the site knows it; the next new request clears both. */
    fx_register(fx, &fx->c);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 2), CCM_EXIT_OK);
    assert_int_equal(last.done, 1);
    assert_int_equal(fx_count(fx->retry, "*"), 0);
    box_is_empty(fx);
}

static void test_ccm_request_left_claimed_by_a_stopped_manager_is_processed(void **state)
{
    site_fx *fx = *state;
    wchar_t from[MAX_PATH], to[MAX_PATH];

    fx_register(fx, &fx->c);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    path_join(from, MAX_PATH, fx->box, L"TST00001.CCR");
    path_join(to, MAX_PATH, fx->box, L"TST00001.CCW");
    assert_true(MoveFileW(from, to));
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.done, 1);
    box_is_empty(fx);
    assert_true(fx_payload_is(fx->c.bin, "INV32CLI.EXE", "1.2.0"));
}

static void test_ccm_request_left_in_work_by_a_stopped_manager_is_processed(void **state)
{
    site_fx *fx = *state;
    wchar_t from[MAX_PATH], work[MAX_PATH], to[MAX_PATH];

    fx_register(fx, &fx->c);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    path_join(from, MAX_PATH, fx->box, L"TST00001.CCR");
    path_join(work, MAX_PATH, fx->box, L"WORK");
    assert_true(CreateDirectoryW(work, NULL) || GetLastError() == ERROR_ALREADY_EXISTS);
    path_join(to, MAX_PATH, work, L"TST00001.CCW");
    assert_true(MoveFileW(from, to));
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    assert_int_equal(last.done, 1);
    box_is_empty(fx);
    assert_int_equal(fx_count(work, "*"), 0);
    assert_true(fx_payload_is(fx->c.bin, "INV32CLI.EXE", "1.2.0"));
}

static void test_ccm_restart_still_pending_keeps_the_earlier_change_listed(void **state)
{
    site_fx *fx = *state;
    char v[256];

    fx_register(fx, &fx->c);
    fx_publish(fx, 200, "1.2.0", NULL, NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 0), CCM_EXIT_OK);
    fx_publish(fx, 201, "1.2.0", "2.0", NULL);
    fx_request(fx, &fx->c, &t0);
    assert_int_equal(pass_at(fx, 1), CCM_EXIT_OK);
    assert_true(fx_sz(&fx->c, NULL, "Changed Components", v, sizeof v));
    assert_string_equal(v, "Inventory Agent 1.2.0, Package Command Manager 2.0");
    assert_int_equal(fx_dword(&fx->c, NULL, "Change Id"), 2);
}

static void test_ccm_one_manager_per_share(void **state)
{
    site_fx *fx = *state;
    HANDLE a, b;
    DWORD err;

    a = ccm_lock(fx->share, &err);
    assert_true(a != INVALID_HANDLE_VALUE);
    b = ccm_lock(fx->share, &err);
    assert_true(b == INVALID_HANDLE_VALUE);
    assert_int_equal(err, ERROR_SHARING_VIOLATION);
    CloseHandle(a);
    b = ccm_lock(fx->share, &err);
    assert_true(b != INVALID_HANDLE_VALUE);
    CloseHandle(b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_ccm_installs_services_and_asks_for_a_restart),
        T(test_ccm_nothing_to_change_deletes_the_request_without_a_restart),
        T(test_ccm_prompt_for_restart_0_installs_without_the_restart_flag),
        T(test_ccm_unknown_client_waits_in_retry_with_processing_filled),
        T(test_ccm_client_that_vanished_waits_in_retry),
        T(test_ccm_client_without_a_bin_folder_gets_one_and_its_services),
        T(test_ccm_file_in_place_of_the_bin_folder_waits_in_retry_unchanged),
        T(test_ccm_locked_file_fails_untouched_then_the_retry_succeeds),
        T(test_ccm_gives_up_after_the_retry_duration_and_keeps_the_request),
        T(test_ccm_new_request_past_the_duration_goes_to_bad_once),
        T(test_ccm_damaged_request_goes_to_bad_unchanged),
        T(test_ccm_removed_service_loses_its_files_and_key),
        T(test_ccm_damaged_entries_beside_listed_ones_are_skipped_and_removals_found),
        T(test_ccm_refused_copylist_leaves_every_request_waiting),
        T(test_ccm_new_request_supersedes_the_one_in_retry),
        T(test_ccm_request_left_claimed_by_a_stopped_manager_is_processed),
        T(test_ccm_request_left_in_work_by_a_stopped_manager_is_processed),
        T(test_ccm_restart_still_pending_keeps_the_earlier_change_listed),
        T(test_ccm_one_manager_per_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
