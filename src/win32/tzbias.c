/*
 * tzbias.c: the minutes UTC is ahead of local time now, daylight saving
 * in or out (tzbias.h). The log's time stamps and the agent's local
 * offset both take it from here.
 */
#include "tzbias.h"

long tz_bias_minutes(void)
{
    TIME_ZONE_INFORMATION tz;
    DWORD which = GetTimeZoneInformation(&tz);
    long bias = tz.Bias; /* UTC = local + bias */

    if (which == TIME_ZONE_ID_DAYLIGHT)
        bias += tz.DaylightBias;
    else if (which == TIME_ZONE_ID_STANDARD)
        bias += tz.StandardBias;
    return bias;
}
