/*
 * test_civil.c: the calendar: known dates, leap years, every day of four
 * centuries there and back, and dates before 1970.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "climon/civil.h"

static void assert_date(int64_t days, int64_t y, unsigned m, unsigned d)
{
    civil_date c = civil_date_from_days(days);
    assert_int_equal(c.year, y);
    assert_int_equal(c.month, m);
    assert_int_equal(c.day, d);
    assert_int_equal(civil_days_from_date(y, m, d), days);
}

static void test_civil_known_dates(void **state)
{
    (void)state;
    assert_date(0, 1970, 1, 1);
    assert_date(-1, 1969, 12, 31);
    assert_date(20416, 2025, 11, 24); /* 1764000000 s / 86400 */
    assert_date(11016, 2000, 2, 29);  /* a leap day of a century divisible by 400 */
    assert_date(-25508, 1900, 3, 1);  /* 1900 had no 29 February */
    assert_date(2932896, 9999, 12, 31);
    assert_date(-719468, 0, 3, 1);
}

static void test_civil_every_day_of_four_centuries_round_trips(void **state)
{
    (void)state;
    civil_date prev = civil_date_from_days(-146097 - 1);
    for (int64_t d = -146097; d <= 146097; d++) {
        civil_date c = civil_date_from_days(d);
        assert_int_equal(civil_days_from_date(c.year, c.month, c.day), d);
        /* The next day of the calendar, month and year turning over. */
        if (c.day != 1)
            assert_int_equal(c.day, prev.day + 1);
        else
            assert_true(prev.day >= 28 && (c.month == prev.month % 12 + 1));
        prev = c;
    }
}

static void test_civil_floor_division_for_times_before_1970(void **state)
{
    (void)state;
    assert_int_equal(civil_floor_div(-1, 86400), -1);
    assert_int_equal(civil_floor_div(-86400, 86400), -1);
    assert_int_equal(civil_floor_div(-86401, 86400), -2);
    assert_int_equal(civil_floor_div(86399, 86400), 0);
    assert_int_equal(civil_floor_div(0, 1440), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_known_dates),
        cmocka_unit_test(test_civil_every_day_of_four_centuries_round_trips),
        cmocka_unit_test(test_civil_floor_division_for_times_before_1970),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
