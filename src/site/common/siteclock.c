/*
 * siteclock.c: the request files' clock (site.h). Requests carry local
 * times to the minute ("MM/DD/YYYY H:MM", ccr.h); retry waits are
 * differences of those, so a plain day count is enough and no time zone
 * rule can make a wait negative.
 */
#include "site.h"

#include "climon/civil.h"

void siteclock_now(ccr_time *t)
{
    SYSTEMTIME st;

    GetLocalTime(&st);
    t->year = st.wYear;
    t->month = st.wMonth;
    t->day = st.wDay;
    t->hour = st.wHour;
    t->minute = st.wMinute;
}

int64_t siteclock_minutes(const ccr_time *t)
{
    return (civil_days_from_date((int64_t)t->year, t->month, t->day) * 24 + t->hour) * 60 +
           t->minute;
}

void siteclock_from_minutes(int64_t minutes, ccr_time *t)
{
    int64_t days = civil_floor_div(minutes, 1440), rem = minutes - days * 1440;
    civil_date c = civil_date_from_days(days);
    t->year = (unsigned)c.year;
    t->month = c.month;
    t->day = c.day;
    t->hour = (unsigned)(rem / 60);
    t->minute = (unsigned)(rem % 60);
}
