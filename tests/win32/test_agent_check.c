/*
 * test_agent_check.c: `climon.exe /check` end to end under Wine: the real
 * program against a lab client and share, its output read from a pipe,
 * its exit code 0 / 1 / 2 / 64.
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

static fx_lab lab;

static int teardown_one(void **state)
{
    (void)state;
    fx_client_services_clear();
    fx_lab_remove(&lab);
    return 0;
}

static DWORD check(const wchar_t *extra, char **out)
{
    wchar_t args[8192], sw[4096];
    DWORD code;
    fx_lab_switches(&lab, sw, 4096);
    _snwprintf(args, 8192, L"/check %ls %ls", sw, extra ? extra : L"");
    args[8191] = 0;
    assert_int_equal(fx_run_climon(args, 120000, out, &code), 0);
    return code;
}

static void test_check_same_versions_exits_0_and_says_so(void **state)
{
    char *out;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-same", "835643765", "835643765"), 0);
    fx_client_services_clear();
    assert_int_equal(check(NULL, &out), 0);
    assert_non_null(strstr(out, "local_version=835643765\n"));
    assert_non_null(strstr(out, "server_version=835643765\n"));
    assert_non_null(strstr(out, "result=up-to-date\n"));
    assert_non_null(strstr(out, "explanation="));
    assert_non_null(strstr(out, "setup_exit=none\n"));
    assert_non_null(strstr(out, "pending=none\n"));
    free(out);
}

static void test_check_differs_runs_setup_once_and_exits_1(void **state)
{
    char *out, *rec, *ini, *at;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-differs", "835643765", "835650000"), 0);
    fx_client_services_clear();
    assert_int_equal(check(NULL, &out), 1);
    assert_non_null(strstr(out, "result=differs\n"));
    assert_non_null(strstr(out, "setup_exit=0\n"));
    free(out);
    rec = fx_read_text(lab.record);
    assert_non_null(rec);
    assert_non_null(strstr(rec, "CLI_NT.EXE\" /p:"));
    free(rec);
    /* The run did its work: SMS.INI has the server's version. */
    ini = fx_read_text(lab.sms_ini);
    assert_non_null(ini);
    at = ini ? strstr(ini, "CopyListVersion=835650000") : NULL;
    assert_non_null(at);
    /* An old SMS.INI is put back: setup already ran for this server
     * version, and the saved state says so. */
    memcpy(at, "CopyListVersion=835643765", 25);
    assert_int_equal(fx_write_text(lab.sms_ini, ini), 0);
    free(ini);
    DeleteFileW(lab.record);
    assert_int_equal(check(NULL, &out), 1);
    assert_non_null(strstr(out, "setup_exit=none\n"));
    free(out);
    assert_null(fx_read_text(lab.record));
}

static void test_check_failing_setup_reports_its_exit_code(void **state)
{
    char *out;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-fail", "1", "2"), 0);
    fx_client_services_clear();
    SetEnvironmentVariableW(L"CLIMON_FAKE_EXIT", L"74");
    assert_int_equal(check(NULL, &out), 1);
    assert_non_null(strstr(out, "setup_exit=74\n"));
    assert_non_null(strstr(out, "error="));
    free(out);
}

/* SMS 1.2's CLI_NT.EXE documents no exit codes: the run is judged by what
 * it left in SMS.INI and CCR.BOX, and any code is only logged. */
static void test_check_judges_setup_by_what_it_left_not_its_exit_code(void **state)
{
    char *out, *log;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-left", "1", "2"), 0);
    fx_client_services_clear();
    SetEnvironmentVariableW(L"CLIMON_FAKE_EXIT", L"255");
    SetEnvironmentVariableW(L"CLIMON_FAKE_LEAVES", L"version,request");
    assert_int_equal(check(NULL, &out), 1);
    assert_non_null(strstr(out, "setup_exit=255\n"));
    assert_non_null(strstr(out, "local_version_after_setup=2\n"));
    assert_non_null(strstr(out, "setup_result=done\n"));
    assert_null(strstr(out, "error="));
    free(out);
    log = fx_read_text(lab.log);
    assert_non_null(log);
    assert_non_null(strstr(log, "exited with code 255 (not a code Climon knows"));
    assert_non_null(strstr(log, "our request is in CCR.BOX"));
    free(log);
    fx_lab_remove(&lab);

    /* Exit 0, but SMS.INI left as it was: not done, whatever 0 means. */
    assert_int_equal(fx_lab_make(&lab, "check-left0", "1", "2"), 0);
    SetEnvironmentVariableW(L"CLIMON_FAKE_EXIT", L"0");
    SetEnvironmentVariableW(L"CLIMON_FAKE_LEAVES", L"nothing");
    assert_int_equal(check(NULL, &out), 1);
    assert_non_null(strstr(out, "setup_exit=0\n"));
    assert_non_null(strstr(out, "setup_result=failed\n"));
    assert_non_null(
        strstr(out, "error=Client Setup for version 2 failed (exit 0, SMS.INI left at 1)"));
    free(out);
    SetEnvironmentVariableW(L"CLIMON_FAKE_LEAVES", NULL);
}

static void test_check_hung_setup_is_stopped_at_the_timeout(void **state)
{
    char *out;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-hang", "1", "2"), 0);
    fx_client_services_clear();
    SetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", L"120000");
    assert_int_equal(check(L"/setuptimeout:2", &out), 1);
    assert_non_null(strstr(out, "setup_exit=timeout\n"));
    free(out);
    SetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", NULL);
}

static void test_check_unreadable_copy_list_is_unknown_and_runs_nothing(void **state)
{
    char *out;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-unknown", "835643765", NULL), 0);
    fx_client_services_clear();
    assert_int_equal(check(NULL, &out), 2);
    assert_non_null(strstr(out, "result=unknown\n"));
    assert_non_null(strstr(out, "setup_exit=none\n"));
    free(out);
    assert_null(fx_read_text(lab.record));
}

static void test_check_binary_smsini_is_unknown(void **state)
{
    static const char bin[] = "[SMS]\r\nCopyListVersion=1\0\0\0garbage";
    char *out;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-binary", "1", "2"), 0);
    fx_client_services_clear();
    fx_write(lab.sms_ini, bin, sizeof bin - 1);
    assert_int_equal(check(NULL, &out), 2);
    assert_non_null(strstr(out, "result=unknown\n"));
    assert_non_null(strstr(out, "SMS.INI rejected"));
    free(out);
    assert_null(fx_read_text(lab.record));
}

static void test_check_forwards_inventory_first(void **state)
{
    wchar_t p[FX_PATH];
    char *out;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-forward", "5", "5"), 0);
    fx_client_services_clear();
    fx_join(p, lab.invdata, L"A.RAW");
    fx_write_text(p, "inventory");
    assert_int_equal(check(NULL, &out), 0);
    free(out);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
}

static void test_check_reports_the_pending_restart(void **state)
{
    char *out;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "check-pending", "5", "5"), 0);
    fx_client_services_set(1, 0, 4711, L"Inventory Agent 1.2.1");
    assert_int_equal(check(NULL, &out), 0);
    assert_non_null(strstr(out, "pending=restart\n"));
    free(out);
}

static void test_check_usage_error_exits_64(void **state)
{
    char *out;
    DWORD code;
    (void)state;
    assert_int_equal(fx_run_climon(L"/check /nonsense", 60000, &out, &code), 0);
    assert_int_equal(code, 64);
    assert_non_null(strstr(out, "unknown argument"));
    assert_non_null(strstr(out, "usage:"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_check_same_versions_exits_0_and_says_so, teardown_one),
        cmocka_unit_test_teardown(test_check_differs_runs_setup_once_and_exits_1, teardown_one),
        cmocka_unit_test_teardown(test_check_failing_setup_reports_its_exit_code, teardown_one),
        cmocka_unit_test_teardown(test_check_judges_setup_by_what_it_left_not_its_exit_code,
                                  teardown_one),
        cmocka_unit_test_teardown(test_check_hung_setup_is_stopped_at_the_timeout, teardown_one),
        cmocka_unit_test_teardown(test_check_unreadable_copy_list_is_unknown_and_runs_nothing,
                                  teardown_one),
        cmocka_unit_test_teardown(test_check_binary_smsini_is_unknown, teardown_one),
        cmocka_unit_test_teardown(test_check_forwards_inventory_first, teardown_one),
        cmocka_unit_test_teardown(test_check_reports_the_pending_restart, teardown_one),
        cmocka_unit_test(test_check_usage_error_exits_64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
