/*
 * test_agent_statusout.c: the report a pass leaves for the site (issue
 * 15.1, src/climon/statusout.c), from the real climon.exe /check under
 * Wine: <share>\CLIMON.BOX\<id>.INI that the site's reader accepts with
 * the pass's facts, <SMSPath>\NOIDMIFS\CLIMON.MIF, no .TMP left, and a
 * share without the box (or away) that never fails the pass.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_a_pass_leaves_a_report_the_site_reads, teardown_one),
        cmocka_unit_test_teardown(test_a_pending_restart_is_reported_with_its_since, teardown_one),
        cmocka_unit_test_teardown(test_an_unknown_server_version_is_reported_as_an_error,
                                  teardown_one),
        cmocka_unit_test_teardown(test_a_share_without_the_box_never_fails_the_pass, teardown_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
