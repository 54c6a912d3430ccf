/*
 * test_agent_statusout.c: the report a pass leaves for the site (issue
 * 15.1, src/climon/statusout.c), from the real climon.exe /check under
 * Wine: <share>\CLIMON.BOX\<id>.INI that the site's reader accepts with
 * the pass's facts, <SMSPath>\NOIDMIFS\CLIMON.MIF, no .TMP left, a
 * .TMP of its own beside another agent's, and a share without the box
 * (or away) that never fails the pass.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "agent_fixture.h"
#include "climon/clistatus.h"

static fx_lab lab;

static int teardown_one(void **state)
{
    (void)state;
    fx_client_services_clear();
    fx_lab_remove(&lab);
    return 0;
}

static DWORD check(char **out)
{
    wchar_t args[8192], sw[4096];
    DWORD code;
    fx_lab_switches(&lab, sw, 4096);
    _snwprintf(args, 8192, L"/check %ls", sw);
    args[8191] = 0;
    assert_int_equal(fx_run_climon(args, 120000, out, &code), 0);
    return code;
}

static void box_path(wchar_t *box, wchar_t *ini)
{
    fx_join(box, lab.share, L"CLIMON.BOX");
    fx_join(ini, box, L"SKZ01000.INI");
}

/* Reads the report as the site does (clistatus_read, the name as the ID). */
static void read_report(clistatus *s)
{
    wchar_t box[FX_PATH], ini[FX_PATH];
    char *text;
    clistatus_error e;

    box_path(box, ini);
    text = fx_read_text(ini);
    assert_non_null(text);
    if (clistatus_read(text, strlen(text), "SKZ01000", s, &e) != CLISTATUS_OK) {
        char why[200];
        clistatus_error_format(&e, why, sizeof why);
        fail_msg("the site refuses the report: %s\n%s", why, text);
    }
    free(text);
    assert_int_equal(fx_count(box, L"*.TMP"), 0);
}

static void test_a_pass_leaves_a_report_the_site_reads(void **state)
{
    wchar_t box[FX_PATH], ini[FX_PATH], mif[FX_PATH];
    char *out, *m;
    clistatus s;
    (void)state;

    assert_int_equal(fx_lab_make(&lab, "status-same", "835643765", "835643765"), 0);
    fx_client_services_clear();
    box_path(box, ini);
    assert_true(CreateDirectoryW(box, NULL));
    assert_int_equal(check(&out), 0);
    free(out);
    read_report(&s);
    assert_string_equal(s.id, "SKZ01000");
    assert_true(s.machine[0] != '\0');
    assert_true(s.local_known && s.local_version == 835643765u);
    assert_true(s.server_known && s.server_version == 835643765u);
    assert_int_equal(s.last_result, CLISTATUS_RESULT_SAME);
    assert_int_equal(s.pending, CLISTATUS_PENDING_NONE);
    assert_true(s.last_pass > 1700000000 && s.written >= s.last_pass);
    assert_string_equal(s.last_error, "");

    fx_join(mif, lab.sms_path, L"NOIDMIFS\\CLIMON.MIF");
    m = fx_read_text(mif);
    assert_non_null(m);
    assert_non_null(strstr(m, "Start Component"));
    assert_non_null(strstr(m, "Name = \"Climon Status\""));
    assert_non_null(strstr(m, "Value = \"835643765\""));
    free(m);
}

static void test_a_pending_restart_is_reported_with_its_since(void **state)
{
    wchar_t box[FX_PATH], ini[FX_PATH];
    char *out;
    clistatus s;
    (void)state;

    assert_int_equal(fx_lab_make(&lab, "status-pending", "5", "5"), 0);
    fx_client_services_set(1, 0, 4711, L"Inventory Agent 1.2.1");
    box_path(box, ini);
    assert_true(CreateDirectoryW(box, NULL));
    assert_int_equal(check(&out), 0);
    free(out);
    read_report(&s);
    assert_int_equal(s.pending, CLISTATUS_PENDING_RESTART);
    assert_true(s.pending_since > 1700000000);
}

static void test_an_unknown_server_version_is_reported_as_an_error(void **state)
{
    wchar_t box[FX_PATH], ini[FX_PATH];
    char *out;
    clistatus s;
    (void)state;

    /* No CL_NT.TXT: the server's version is unknown, the pass an error. */
    assert_int_equal(fx_lab_make(&lab, "status-unknown", "5", NULL), 0);
    fx_client_services_clear();
    box_path(box, ini);
    assert_true(CreateDirectoryW(box, NULL));
    assert_int_equal(check(&out), 2);
    free(out);
    read_report(&s);
    assert_int_equal(s.last_result, CLISTATUS_RESULT_UNKNOWN);
    assert_false(s.server_known);
    assert_true(s.last_error[0] != '\0');
}

static void test_a_share_without_the_box_never_fails_the_pass(void **state)
{
    wchar_t box[FX_PATH], ini[FX_PATH];
    char *out;
    (void)state;

    assert_int_equal(fx_lab_make(&lab, "status-nobox", "835643765", "835643765"), 0);
    fx_client_services_clear();
    assert_int_equal(check(&out), 0);
    assert_non_null(strstr(out, "result=up-to-date\n"));
    free(out);
    box_path(box, ini);
    /* A client never makes the site's folder. */
    assert_int_equal(GetFileAttributesW(box), INVALID_FILE_ATTRIBUTES);
}

/* Makes box\name with last write time age_s ago; returns it open (share
 * none, as a writer at work holds its .TMP) when keep_open, else closed. */
static HANDLE plant_tmp(const wchar_t *box, const wchar_t *name, int age_s, BOOL keep_open)
{
    wchar_t p[FX_PATH];
    FILETIME ft;
    ULARGE_INTEGER t;
    DWORD put;
    HANDLE h;

    fx_join(p, box, name);
    h = CreateFileW(p, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(h, "[Climon Status]\r\n", 17, &put, NULL));
    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    t.QuadPart -= (ULONGLONG)age_s * 10000000u;
    ft.dwLowDateTime = t.LowPart;
    ft.dwHighDateTime = t.HighPart;
    assert_true(SetFileTime(h, NULL, NULL, &ft));
    if (keep_open)
        return h;
    CloseHandle(h);
    return INVALID_HANDLE_VALUE;
}

static BOOL in_box(const wchar_t *box, const wchar_t *name)
{
    wchar_t p[FX_PATH];
    fx_join(p, box, name);
    return GetFileAttributesW(p) != INVALID_FILE_ATTRIBUTES;
}

/* Two agents of one client (two sessions, or two prefixes whose pids
 * repeat) wrote one <id>.TMP and renamed each other's bytes away: the
 * loser logged "File not found". Each writes its own now; a crashed
 * writer's leftover goes, a live one's and another client's stay. */
static void test_another_writers_tmp_holds_nothing_up_and_a_stale_one_goes(void **state)
{
    wchar_t box[FX_PATH], ini[FX_PATH];
    char *out, *text;
    clistatus s;
    clistatus_error e;
    HANDLE busy;
    (void)state;

    assert_int_equal(fx_lab_make(&lab, "status-tmps", "835643765", "835643765"), 0);
    fx_client_services_clear();
    box_path(box, ini);
    assert_true(CreateDirectoryW(box, NULL));
    busy = plant_tmp(box, L"SKZ01000.TMP", 0, TRUE);           /* an older agent at work */
    plant_tmp(box, L"SKZ01000.2A-0000BEEF.TMP", 0, FALSE);     /* another agent, just now */
    plant_tmp(box, L"SKZ01000.3C-0000F00D.TMP", 7200, FALSE);  /* a crashed one, 2 h ago */
    plant_tmp(box, L"SKZ010001.4E-0000CAFE.TMP", 7200, FALSE); /* another client's */
    assert_int_equal(check(&out), 0);
    free(out);
    CloseHandle(busy);

    text = fx_read_text(ini);
    assert_non_null(text);
    assert_int_equal(clistatus_read(text, strlen(text), "SKZ01000", &s, &e), CLISTATUS_OK);
    assert_int_equal(s.last_result, CLISTATUS_RESULT_SAME);
    free(text);
    assert_true(in_box(box, L"SKZ01000.TMP"));
    assert_true(in_box(box, L"SKZ01000.2A-0000BEEF.TMP"));
    assert_false(in_box(box, L"SKZ01000.3C-0000F00D.TMP"));
    assert_true(in_box(box, L"SKZ010001.4E-0000CAFE.TMP"));
    assert_int_equal(fx_count(box, L"*.TMP"), 3); /* none of its own left */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_a_pass_leaves_a_report_the_site_reads, teardown_one),
        cmocka_unit_test_teardown(test_a_pending_restart_is_reported_with_its_since, teardown_one),
        cmocka_unit_test_teardown(test_an_unknown_server_version_is_reported_as_an_error,
                                  teardown_one),
        cmocka_unit_test_teardown(test_a_share_without_the_box_never_fails_the_pass, teardown_one),
        cmocka_unit_test_teardown(test_another_writers_tmp_holds_nothing_up_and_a_stale_one_goes,
                                  teardown_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
