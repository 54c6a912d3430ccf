/*
 * test_agent_autostart.c: /install, /install:machine and /uninstall write
 * and remove the Run entries with the quoted full path of climon.exe.
 * Wine does not enforce registry ACLs, not even a read-only DACL, so a
 * real ERROR_ACCESS_DENIED cannot be had here: what the verbs say for it
 * is tested through autostart_report, with this program carrying the
 * agent's string table (climon.rc).
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
#include "climon.h"
#include "climon/protocol.h"

static int run_value(HKEY root, wchar_t *out, DWORD cap_bytes)
{
    return RegGetValueW(root, REG_RUN_KEY, REG_RUN_VALUE, RRF_RT_REG_SZ, NULL, out, &cap_bytes) ==
           ERROR_SUCCESS;
}

static DWORD climon(const wchar_t *args, char **out)
{
    DWORD code;
    assert_int_equal(fx_run_climon(args, 60000, out, &code), 0);
    return code;
}

static void test_install_writes_quoted_full_path_and_uninstall_removes_both(void **state)
{
    wchar_t exe[FX_PATH], want[FX_PATH + 2], got[FX_PATH + 2];
    char *out;
    (void)state;
    assert_int_equal(fx_program("CLIMON_EXE", exe), 0);
    _snwprintf(want, FX_PATH + 2, L"\"%ls\"", exe);

    assert_int_equal(climon(L"/install", &out), 0);
    assert_non_null(strstr(out, "each logon"));
    free(out);
    assert_true(run_value(HKEY_CURRENT_USER, got, sizeof got));
    assert_true(_wcsicmp(got, want) == 0);

    assert_int_equal(climon(L"/install:machine", &out), 0);
    free(out);
    assert_true(run_value(HKEY_LOCAL_MACHINE, got, sizeof got));
    assert_true(_wcsicmp(got, want) == 0);

    assert_int_equal(climon(L"/uninstall", &out), 0);
    free(out);
    assert_false(run_value(HKEY_CURRENT_USER, got, sizeof got));
    assert_false(run_value(HKEY_LOCAL_MACHINE, got, sizeof got));
    /* Nothing left to remove is still success. */
    assert_int_equal(climon(L"/uninstall", &out), 0);
    free(out);
}

static void test_quit_without_an_agent_says_so(void **state)
{
    char *out;
    (void)state;
    assert_int_equal(climon(L"/quit", &out), 0);
    assert_non_null(strstr(out, "not running"));
    free(out);
}

/* autostart_report's log lines and exit code for one verb and its errors. */
static char *report_of(cmd_verb verb, DWORD err_user, DWORD err_machine, int *rc)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    logfile lf;
    char *text;

    GetTempPathW(MAX_PATH, dir);
    _snwprintf(path, MAX_PATH, L"%lsclimon-install-report-%lu.log", dir,
               (unsigned long)GetCurrentProcessId());
    DeleteFileW(path);
    logfile_open(&lf, path, "climon", 0);
    *rc = autostart_report(verb, err_user, err_machine, &lf);
    logfile_close(&lf);
    text = fx_read_text(path);
    DeleteFileW(path);
    assert_non_null(text);
    return text;
}

static void test_install_machine_without_admin_rights_says_so_and_fails(void **state)
{
    int rc;
    char *log;
    (void)state;
    log = report_of(VERB_INSTALL_MACHINE, ERROR_SUCCESS, ERROR_ACCESS_DENIED, &rc);
    assert_int_not_equal(rc, CLIMON_EXIT_OK);
    /* The string table's words, an error in the log, and the way out. */
    assert_non_null(strstr(log, "needs an administrator"));
    assert_non_null(strstr(log, "use /install for this user only"));
    assert_non_null(strstr(log, "type=\"3\""));
    free(log);
}

static void test_uninstall_without_admin_rights_keeps_machine_entry_and_says_so(void **state)
{
    int rc;
    char *log;
    (void)state;
    log = report_of(VERB_UNINSTALL, ERROR_SUCCESS, ERROR_ACCESS_DENIED, &rc);
    assert_int_not_equal(rc, CLIMON_EXIT_OK);
    assert_non_null(strstr(log, "machine-wide Run entry stays"));
    assert_null(strstr(log, "no longer start")); /* no success line beside it */
    free(log);
}

static void test_install_other_errors_name_the_system_reason(void **state)
{
    int rc;
    char *log;
    (void)state;
    log = report_of(VERB_INSTALL_MACHINE, ERROR_SUCCESS, ERROR_FILENAME_EXCED_RANGE, &rc);
    assert_int_not_equal(rc, CLIMON_EXIT_OK);
    assert_null(strstr(log, "needs an administrator"));
    assert_non_null(strstr(log, "(206)")); /* win_strerror: the code with the text */
    free(log);
    log = report_of(VERB_INSTALL, ERROR_SUCCESS, ERROR_SUCCESS, &rc);
    assert_int_equal(rc, CLIMON_EXIT_OK);
    assert_non_null(strstr(log, "each logon"));
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_machine_without_admin_rights_says_so_and_fails),
        cmocka_unit_test(test_uninstall_without_admin_rights_keeps_machine_entry_and_says_so),
        cmocka_unit_test(test_install_other_errors_name_the_system_reason),
        cmocka_unit_test(test_install_writes_quoted_full_path_and_uninstall_removes_both),
        cmocka_unit_test(test_quit_without_an_agent_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
