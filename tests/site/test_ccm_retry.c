/*
 * test_ccm_retry.c: the manager's pure rules: the doubling, capped wait
 * between attempts, when the retry duration is over, the request clock
 * across month and year ends, SITE.INI's settings and the command line.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "ccm.h"

static const ccr_time t0 = {2026, 11, 24, 10, 0};

static void test_ccm_retry_wait_doubles_from_the_first_wait_up_to_the_cap(void **state)
{
    ccm_site s;
    (void)state;

    ccm_site_default(&s);
    assert_int_equal(ccm_retry_wait(&s, 1), 5);
    assert_int_equal(ccm_retry_wait(&s, 2), 10);
    assert_int_equal(ccm_retry_wait(&s, 3), 20);
    assert_int_equal(ccm_retry_wait(&s, 6), 160);
    assert_int_equal(ccm_retry_wait(&s, 7), 240);
    assert_int_equal(ccm_retry_wait(&s, 1000000), 240);
    assert_int_equal(ccm_retry_wait(&s, 0), 5);
}

static void test_ccm_retry_is_due_only_after_the_wait(void **state)
{
    ccm_site s;
    ccr_processing p;
    int64_t m0 = siteclock_minutes(&t0);
    (void)state;

    ccm_site_default(&s);
    memset(&p, 0, sizeof p);
    assert_true(ccm_retry_due(&s, &p, m0)); /* never tried: due */
    ccm_retry_note(&p, &t0, ERROR_SHARING_VIOLATION);
    assert_int_equal(p.attempts, 1);
    assert_false(ccm_retry_due(&s, &p, m0 + 4));
    assert_true(ccm_retry_due(&s, &p, m0 + 5));
}

static void test_ccm_retry_expires_after_the_duration_from_the_first_failure(void **state)
{
    ccm_site s;
    ccr_processing p;
    ccr_time later;
    int64_t m0 = siteclock_minutes(&t0);
    (void)state;

    ccm_site_default(&s);
    memset(&p, 0, sizeof p);
    ccm_retry_note(&p, &t0, 5);
    siteclock_from_minutes(m0 + 700, &later);
    ccm_retry_note(&p, &later, 32);
    assert_int_equal(p.attempts, 2);
    assert_int_equal(p.last_error, 32);
    assert_memory_equal(&p.initial_attempt, &t0, sizeof t0);
    assert_memory_equal(&p.retry_start, &t0, sizeof t0);
    assert_false(ccm_retry_expired(&s, &p, m0 + 1439));
    assert_true(ccm_retry_expired(&s, &p, m0 + 1440));
}

static void test_ccm_clock_counts_minutes_across_year_ends(void **state)
{
    const ccr_time nye = {2026, 12, 31, 23, 58};
    const ccr_time leap = {2028, 2, 28, 23, 0};
    ccr_time t;
    (void)state;

    siteclock_from_minutes(siteclock_minutes(&nye) + 5, &t);
    assert_int_equal(t.year, 2027);
    assert_int_equal(t.month, 1);
    assert_int_equal(t.day, 1);
    assert_int_equal(t.hour, 0);
    assert_int_equal(t.minute, 3);
    siteclock_from_minutes(siteclock_minutes(&leap) + 24 * 60, &t);
    assert_int_equal(t.month, 2);
    assert_int_equal(t.day, 29);
    assert_int_equal(siteclock_minutes(&(ccr_time){1970, 1, 1, 0, 1}), 1);
}

static void test_ccm_site_ini_values_and_defaults(void **state)
{
    static const char ini[] = "[Site]\r\nPrompt for Restart=0\r\nRetry Duration Minutes=60\r\n"
                              "Retry First Wait Minutes=2\r\n";
    ccm_site s;
    char why[300];
    (void)state;

    assert_true(ccm_site_parse((const unsigned char *)"", 0, &s, why, sizeof why));
    assert_int_equal(s.prompt_for_restart, 1);
    assert_int_equal(s.retry_duration_min, 1440);
    assert_true(ccm_site_parse((const unsigned char *)ini, sizeof ini - 1, &s, why, sizeof why));
    assert_int_equal(s.prompt_for_restart, 0);
    assert_int_equal(s.retry_duration_min, 60);
    assert_int_equal(s.retry_first_min, 2);
    assert_int_equal(s.retry_max_min, 240);
}

static void test_ccm_site_ini_bad_value_is_reported_and_the_default_kept(void **state)
{
    static const char ini[] = "[Site]\r\nPrompt for Restart=no\r\nRetry Duration Minutes=0\r\n";
    ccm_site s;
    char why[300];
    (void)state;

    assert_false(ccm_site_parse((const unsigned char *)ini, sizeof ini - 1, &s, why, sizeof why));
    assert_int_equal(s.prompt_for_restart, 1);
    assert_int_equal(s.retry_duration_min, 1440);
    assert_non_null(strstr(why, "Prompt for Restart"));
    assert_non_null(strstr(why, "Retry Duration Minutes"));
}

static bool parse(ccm_opts *o, int argc, ...)
{
    static wchar_t name[] = L"ccm.exe";
    wchar_t *argv[16];
    char why[300];
    va_list ap;

    argv[0] = name;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, wchar_t *);
    va_end(ap);
    return ccm_parse_args(argc, argv, o, why, sizeof why);
}

static void test_ccm_args_once_watch_now_and_for(void **state)
{
    ccm_opts o;
    (void)state;

    assert_true(parse(&o, 3, L"--once", L"S:\\SMS_SHR\\"));
    assert_true(o.once && !o.watch);
    assert_true(wcscmp(o.share, L"S:\\SMS_SHR") == 0);
    assert_true(parse(&o, 5, L"--once", L"S:\\SMS_SHR", L"--now", L"11/24/2026 9:05"));
    assert_true(o.have_now);
    assert_int_equal(o.now.hour, 9);
    assert_true(parse(&o, 5, L"--watch", L"S:\\SMS_SHR", L"--for", L"30"));
    assert_true(o.watch);
    assert_int_equal(o.watch_for_s, 30);
}

static void test_ccm_args_refuses_what_it_does_not_know(void **state)
{
    ccm_opts o;
    (void)state;

    assert_false(parse(&o, 1));
    assert_false(parse(&o, 2, L"--once"));
    assert_false(parse(&o, 4, L"--once", L"S:\\A", L"--bogus"));
    assert_false(parse(&o, 5, L"--once", L"S:\\A", L"--watch", L"S:\\B"));
    assert_false(parse(&o, 5, L"--once", L"S:\\A", L"--now", L"yesterday"));
    assert_false(parse(&o, 5, L"--watch", L"S:\\A", L"--for", L"0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ccm_retry_wait_doubles_from_the_first_wait_up_to_the_cap),
        cmocka_unit_test(test_ccm_retry_is_due_only_after_the_wait),
        cmocka_unit_test(test_ccm_retry_expires_after_the_duration_from_the_first_failure),
        cmocka_unit_test(test_ccm_clock_counts_minutes_across_year_ends),
        cmocka_unit_test(test_ccm_site_ini_values_and_defaults),
        cmocka_unit_test(test_ccm_site_ini_bad_value_is_reported_and_the_default_kept),
        cmocka_unit_test(test_ccm_args_once_watch_now_and_for),
        cmocka_unit_test(test_ccm_args_refuses_what_it_does_not_know),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
