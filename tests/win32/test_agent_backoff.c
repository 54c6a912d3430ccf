/*
 * test_agent_backoff.c: the agent's own retry timers stay bounded: the
 * notification icon's NIM_ADD retries (1, 2, 4 ... 60 s, then only
 * TaskbarCreated) and the held prompt's looks while the user presents
 * (1 min doubling to 15 min).
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "climon.h"

static void test_tray_retry_doubles_from_1s_to_60s_then_stops(void **state)
{
    static const unsigned want[] = {1, 2, 4, 8, 16, 32, 60, 60};
    unsigned total = 0, n;
    (void)state;
    for (n = 0; n < sizeof want / sizeof want[0]; n++)
        assert_int_equal(tray_retry_delay_s(n + 1), want[n]);
    for (n = 1; tray_retry_delay_s(n) != 0; n++) {
        assert_true(tray_retry_delay_s(n) <= 60);
        total += tray_retry_delay_s(n);
    }
    assert_true(n > 8 && n < 100); /* bounded number of tries */
    assert_true(total < 30 * 60);  /* within half an hour */
    assert_int_equal(tray_retry_delay_s(0), 0);
}

static void test_busy_user_prompt_waits_1_min_doubling_to_15(void **state)
{
    (void)state;
    assert_int_equal(prompt_quiet_delay_ms(1), 60000);
    assert_int_equal(prompt_quiet_delay_ms(2), 120000);
    assert_int_equal(prompt_quiet_delay_ms(3), 240000);
    assert_int_equal(prompt_quiet_delay_ms(4), 480000);
    assert_int_equal(prompt_quiet_delay_ms(5), 900000);
    assert_int_equal(prompt_quiet_delay_ms(1000), 900000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tray_retry_doubles_from_1s_to_60s_then_stops),
        cmocka_unit_test(test_busy_user_prompt_waits_1_min_doubling_to_15),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
