/*
 * siteclock.c: the request files' clock (site.h). Requests carry local
 * times to the minute ("MM/DD/YYYY H:MM", ccr.h); retry waits are
 * differences of those, so a plain day count is enough and no time zone
 * rule can make a wait negative.
 */
#include "site.h"

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

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int64_t siteclock_minutes(const ccr_time *t)
{
    return (days_from_civil((int64_t)t->year, t->month, t->day) * 24 + t->hour) * 60 + t->minute;
}

void siteclock_from_minutes(int64_t minutes, ccr_time *t)
{
    int64_t z = (minutes >= 0 ? minutes : minutes - 1439) / 1440;
    int64_t rem = minutes - z * 1440;
    int64_t era, y;
    unsigned doe, yoe, doy, mp, d, m;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    t->year = (unsigned)(y + (m <= 2));
    t->month = m;
    t->day = d;
    t->hour = (unsigned)(rem / 60);
    t->minute = (unsigned)(rem % 60);
}
