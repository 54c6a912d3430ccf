/*
 * test_clisetup_args.c: Client Setup's command line: what it takes, what
 * it refuses (and so exits 64 for), and where SMS.INI is by default.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "clisetup.h"

static bool parse(clisetup_opts *o, char *why, int argc, ...)
{
    wchar_t *argv[16];
    va_list ap;

    static wchar_t name[] = L"CLI_NT.EXE";

    argv[0] = name;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, wchar_t *);
    va_end(ap);
    return clisetup_parse_args(argc, argv, o, why, 300);
}

static void test_clisetup_args_share_is_required(void **state)
{
    clisetup_opts o;
    char why[300];
    (void)state;

    assert_false(parse(&o, why, 2, L"/v"));
    assert_non_null(strstr(why, "/p:"));
}

static void test_clisetup_args_accepts_share_verbose_and_smsini_any_case(void **state)
{
    clisetup_opts o;
    char why[300];
    (void)state;

    assert_true(parse(&o, why, 4, L"/P:S:\\SMS_SHR\\", L"/V", L"-smsini:D:\\lab\\SMS.INI"));
    assert_true(wcscmp(o.share, L"S:\\SMS_SHR") == 0);
    assert_true(wcscmp(o.smsini, L"D:\\lab\\SMS.INI") == 0);
    assert_true(o.verbose);
    assert_true(o.reg_root == HKEY_LOCAL_MACHINE);
    assert_true(wcscmp(o.reg_key, L"SOFTWARE\\Microsoft\\SMS\\Client Services") == 0);
}

static void test_clisetup_args_smsini_defaults_to_system_drive_root(void **state)
{
    clisetup_opts o;
    char why[300];
    (void)state;

    SetEnvironmentVariableW(L"SystemDrive", L"D:");
    assert_true(parse(&o, why, 2, L"/p:\\\\SRV\\SMS_SHR"));
    assert_true(wcscmp(o.smsini, L"D:\\SMS.INI") == 0);
    assert_true(wcscmp(o.share, L"\\\\SRV\\SMS_SHR") == 0);
    SetEnvironmentVariableW(L"SystemDrive", L"C:");
}

static void test_clisetup_args_unknown_switch_is_refused(void **state)
{
    clisetup_opts o;
    char why[300];
    (void)state;

    assert_false(parse(&o, why, 3, L"/p:S:\\SMS_SHR", L"/x"));
    assert_non_null(strstr(why, "/x"));
    assert_false(parse(&o, why, 3, L"/p:S:\\SMS_SHR", L"extra"));
}

static void test_clisetup_args_sms_switches_it_does_not_do_are_refused_by_name(void **state)
{
    clisetup_opts o;
    char why[300];
    (void)state;

    assert_false(parse(&o, why, 3, L"/p:S:\\SMS_SHR", L"/r"));
    assert_non_null(strstr(why, "does not support"));
    assert_false(parse(&o, why, 3, L"/p:S:\\SMS_SHR", L"/d:C"));
    assert_non_null(strstr(why, "does not support"));
}

static void test_clisetup_args_share_given_twice_or_empty_is_refused(void **state)
{
    clisetup_opts o;
    char why[300];
    (void)state;

    assert_false(parse(&o, why, 3, L"/p:S:\\A", L"/p:S:\\B"));
    assert_false(parse(&o, why, 2, L"/p:"));
    assert_false(parse(&o, why, 2, L"/p:S:\\A\\..\\B*"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clisetup_args_share_is_required),
        cmocka_unit_test(test_clisetup_args_accepts_share_verbose_and_smsini_any_case),
        cmocka_unit_test(test_clisetup_args_smsini_defaults_to_system_drive_root),
        cmocka_unit_test(test_clisetup_args_unknown_switch_is_refused),
        cmocka_unit_test(test_clisetup_args_sms_switches_it_does_not_do_are_refused_by_name),
        cmocka_unit_test(test_clisetup_args_share_given_twice_or_empty_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
