/*
 * test_agent_install.c: /install, /install:machine and /uninstall write
 * and remove the Run entries with the quoted full path of climon.exe.
 * (The ERROR_ACCESS_DENIED message of /install:machine cannot be shown
 * here: Wine does not enforce registry ACLs, not even a read-only DACL.)
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_writes_quoted_full_path_and_uninstall_removes_both),
        cmocka_unit_test(test_quit_without_an_agent_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
