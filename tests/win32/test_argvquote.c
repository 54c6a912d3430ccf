/*
 * test_argvquote.c: an argument quoted by argv_quote_append reads back
 * whole and unchanged through CommandLineToArgvW (the rules Client
 * Setup's runtime splits its command line by), for the shapes that break
 * naive quoting: trailing backslashes, backslashes before inner quotes,
 * blanks, tabs, the empty string.
 */
#include <windows.h>
#include <shellapi.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "argvquote.h"

static const wchar_t *const nasty[] = {
    L"S:\\SMS SHR\\",
    L"S:\\SMS SHR\\\\",
    L"\\\\SRV\\SMS SHR",
    L"plain",
    L"C:\\no\\spaces\\",
    L"",
    L"a \"quoted\" word",
    L"back\\\"slash quote",
    L"two\\\\\"slashes quote",
    L"tab\there",
    L"\\",
    L"\"",
    L"ends with quote\"",
};

static void test_quoted_arguments_read_back_whole(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
        wchar_t line[512] = L"\"C:\\Site Root\\CLI_NT.EXE\" ";
        LPWSTR *argv;
        int argc = 0;
        assert_true(argv_quote_append(line, 512, nasty[i]));
        wcscat(line, L" next");
        argv = CommandLineToArgvW(line, &argc);
        assert_non_null(argv);
        assert_int_equal(argc, 3);
        assert_true(wcscmp(argv[0], L"C:\\Site Root\\CLI_NT.EXE") == 0);
        assert_true(wcscmp(argv[1], nasty[i]) == 0);
        assert_true(wcscmp(argv[2], L"next") == 0);
        LocalFree(argv);
    }
}

static void test_switch_value_quoted_after_its_prefix(void **state)
{
    wchar_t line[256] = L"x.exe /p:";
    LPWSTR *argv;
    int argc = 0;
    (void)state;
    assert_true(argv_quote_append(line, 256, L"S:\\SMS SHR\\"));
    assert_true(wcscmp(line, L"x.exe /p:\"S:\\SMS SHR\\\\\"") == 0);
    argv = CommandLineToArgvW(line, &argc);
    assert_int_equal(argc, 2);
    assert_true(wcscmp(argv[1], L"/p:S:\\SMS SHR\\") == 0);
    LocalFree(argv);
}

static void test_plain_argument_is_left_as_is_and_too_long_changes_nothing(void **state)
{
    wchar_t small[8] = L"ab";
    (void)state;
    assert_true(argv_quote_append(small, 8, L"cd"));
    assert_true(wcscmp(small, L"abcd") == 0);
    assert_false(argv_quote_append(small, 8, L"with space"));
    assert_true(wcscmp(small, L"abcd") == 0);
    assert_false(argv_quote_append(small, 8, L"four"));
    assert_true(wcscmp(small, L"abcd") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_arguments_read_back_whole),
        cmocka_unit_test(test_switch_value_quoted_after_its_prefix),
        cmocka_unit_test(test_plain_argument_is_left_as_is_and_too_long_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
