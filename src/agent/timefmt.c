/*
 * timefmt.c: the core counts seconds since 1970 (UTC); Windows counts
 * 100 ns since 1601. Also the session's boot and logon times the core
 * needs to tell "the user restarted / logged on again on their own".
 */
#include "climon.h"

#include <wchar.h>
#include <wtsapi32.h>

#define EPOCH_DIFF_S 11644473600ull /* 1601-01-01 to 1970-01-01 */

agent_time time_from_filetime(const FILETIME *ft)
{
    ULARGE_INTEGER u;
    u.LowPart = ft->dwLowDateTime;
    u.HighPart = ft->dwHighDateTime;
    u.QuadPart /= 10000000ull;
    return u.QuadPart > EPOCH_DIFF_S ? u.QuadPart - EPOCH_DIFF_S : 0;
}

static void filetime_from_time(agent_time t, FILETIME *ft)
{
    ULARGE_INTEGER u;
    u.QuadPart = (t + EPOCH_DIFF_S) * 10000000ull;
    ft->dwLowDateTime = u.LowPart;
    ft->dwHighDateTime = u.HighPart;
}

agent_time time_now(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return time_from_filetime(&ft);
}

int32_t time_local_offset(void)
{
    TIME_ZONE_INFORMATION tz;
    DWORD which = GetTimeZoneInformation(&tz);
    LONG bias = tz.Bias; /* UTC = local + bias */

    if (which == TIME_ZONE_ID_DAYLIGHT)
        bias += tz.DaylightBias;
    else if (which == TIME_ZONE_ID_STANDARD)
        bias += tz.StandardBias;
    return (int32_t)(-bias * 60);
}

agent_time time_boot(void)
{
    agent_time now = time_now();
    agent_time up = GetTickCount64() / 1000u;
    agent_time boot = now > up ? now - up : 0;
    /* The two clocks are read apart and drift: round to the minute so the
     * same boot always gives the same time. */
    return (boot + 30u) / 60u * 60u;
}

/* The session's logon time from Terminal Services; 0 when it has none
 * (Wine, or a service host without sessions). */
static agent_time wts_logon_time(void)
{
    WTSINFOW *info = NULL;
    DWORD bytes = 0;
    agent_time t = 0;

    if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSSessionInfo,
                                    (LPWSTR *)&info, &bytes) &&
        info && bytes >= sizeof *info && info->LogonTime.QuadPart > 0) {
        FILETIME ft;
        ft.dwLowDateTime = (DWORD)info->LogonTime.LowPart;
        ft.dwHighDateTime = (DWORD)info->LogonTime.HighPart;
        t = time_from_filetime(&ft);
    }
    if (info)
        WTSFreeMemory(info);
    return t;
}

/* Start time of the session's shell (Explorer): it starts at logon and
 * lives as long as the session. 0 when there is none. */
static agent_time shell_start_time(void)
{
    FILETIME created, exited, kernel, user;
    HWND shell = GetShellWindow();
    DWORD pid = 0;
    HANDLE p;
    agent_time t = 0;

    if (!shell || !GetWindowThreadProcessId(shell, &pid) || !pid)
        return 0;
    p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!p)
        return 0;
    if (GetProcessTimes(p, &created, &exited, &kernel, &user))
        t = time_from_filetime(&created);
    CloseHandle(p);
    return t;
}

agent_time time_logon(void)
{
    agent_time t = wts_logon_time();

    /* Not our own start time as a fallback: an agent restarted by hand
     * would look like a new logon and clear a pending logoff that never
     * happened. Unknown (0) never counts as a new logon: the logoff is
     * then cleared by a restart only, the safe side. */
    if (t == 0)
        t = shell_start_time();
    return t;
}

void time_format_local(agent_time t, wchar_t *out, size_t cap)
{
    FILETIME ft;
    SYSTEMTIME utc, local;
    wchar_t date[64], clock[32];

    out[0] = 0;
    if (t == 0 || cap == 0)
        return;
    filetime_from_time(t, &ft);
    if (!FileTimeToSystemTime(&ft, &utc) || !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local))
        return;
    if (!GetDateFormatEx(LOCALE_NAME_USER_DEFAULT, DATE_SHORTDATE, &local, NULL, date, 64, NULL))
        date[0] = 0;
    if (!GetTimeFormatEx(LOCALE_NAME_USER_DEFAULT, TIME_NOSECONDS, &local, NULL, clock, 32))
        clock[0] = 0;
    _snwprintf(out, cap, L"%ls %ls", date, clock);
    out[cap - 1] = 0;
}
