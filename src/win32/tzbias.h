/*
 * tzbias.h: the time zone's bias now: UTC = local time + bias minutes.
 */
#ifndef CLIMON_WIN32_TZBIAS_H
#define CLIMON_WIN32_TZBIAS_H

#include <windows.h>

long tz_bias_minutes(void);

#endif
