/*
 * civil.h: days since 1970-01-01 <-> calendar dates, proleptic Gregorian
 * (Howard Hinnant's algorithms). The one home of the calendar: the agent's
 * log times, the request files' dates and the manager's retry waits all
 * count days this way. Pure arithmetic, valid for any int64 day count the
 * callers use (years -9999 to 9999 and far beyond).
 */
#ifndef CLIMON_CIVIL_H
#define CLIMON_CIVIL_H

#include <stdint.h>

typedef struct civil_date {
    int64_t year;
    unsigned month; /* 1..12 */
    unsigned day;   /* 1..31 */
} civil_date;

/* Days from 1970-01-01 to the date (negative before it). month and day are
 * taken as given: the caller checks their range. */
int64_t civil_days_from_date(int64_t year, unsigned month, unsigned day);

/* The date of a day count. */
civil_date civil_date_from_days(int64_t days);

/* floor(a / b) for b > 0: the day of a second or minute count before 1970. */
int64_t civil_floor_div(int64_t a, int64_t b);

#endif
