/*
 * timefmt.c: the core counts seconds since 1970 (UTC); Windows counts
 * 100 ns since 1601. Also the session's boot and logon times the core
 * needs to tell "the user restarted / logged on again on their own".
 */
#include "climon.h"

#include "tzbias.h"

#include <string.h>
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

int32_t time_local_offset_at(agent_time t)
{
    FILETIME ft;
    SYSTEMTIME utc, local;
    FILETIME lft;
    ULARGE_INTEGER a, b;

    /* The offset Windows' time-zone rules give for that moment (daylight
     * saving in or out), not the one in force now. */
    filetime_from_time(t, &ft);
    if (!FileTimeToSystemTime(&ft, &utc) || !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local) ||
        !SystemTimeToFileTime(&local, &lft))
        return time_local_offset();
    a.LowPart = lft.dwLowDateTime;
    a.HighPart = lft.dwHighDateTime;
    b.LowPart = ft.dwLowDateTime;
    b.HighPart = ft.dwHighDateTime;
    return (int32_t)(((long long)a.QuadPart - (long long)b.QuadPart) / 10000000ll);
}

int32_t time_local_offset(void)
{
    return (int32_t)(-tz_bias_minutes() * 60);
}

/* SYSTEM_TIMEOFDAY_INFORMATION (winternl.h has no complete one). */
typedef struct timeofday_info {
    LARGE_INTEGER boot_time;
    LARGE_INTEGER current_time;
    LARGE_INTEGER time_zone_bias;
    ULONG time_zone_id;
    ULONG reserved;
    ULONGLONG boot_time_bias;
    ULONGLONG sleep_time_bias;
} timeofday_info;

typedef LONG(NTAPI *query_system_information_fn)(int cls, void *info, ULONG len, ULONG *ret);
#define SYSTEM_TIMEOFDAY_INFORMATION_CLASS 3

agent_time time_boot(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll"); /* always loaded: no search */
    query_system_information_fn query =
        ntdll ? (query_system_information_fn)(void (*)(void))GetProcAddress(
                    ntdll, "NtQuerySystemInformation")
              : NULL;
    timeofday_info ti;
    ULONG got = 0;

    /* The boot instant Windows itself records, to the 100 ns: the same
     * value every time it is read in one boot (a clock step moves it, which
     * the core allows for). now - uptime, read from two clocks, jitters. */
    memset(&ti, 0, sizeof ti);
    if (query && query(SYSTEM_TIMEOFDAY_INFORMATION_CLASS, &ti, sizeof ti, &got) >= 0 &&
        got >= sizeof(LARGE_INTEGER) && ti.boot_time.QuadPart > 0) {
        FILETIME ft;
        ft.dwLowDateTime = ti.boot_time.LowPart;
        ft.dwHighDateTime = (DWORD)ti.boot_time.HighPart;
        return time_from_filetime(&ft);
    }
    {
        agent_time now = time_now(), up = GetTickCount64() / 1000u;
        return now > up ? now - up : 0;
    }
}

/* Slack between the two readings of a consistent pair. */
#define UPTIME_SLACK_S 120u

uint64_t time_uptime(void)
{
    static int consistent = -1;
    uint64_t up = GetTickCount64() / 1000u;

    /* GetTickCount64 counts from the boot and is never stepped with the
     * wall clock; the boot time Windows records is "now - that", so the
     * two agree. Under Wine they do not: the tick count is the host's,
     * the boot time the wineserver's start. An uptime that is not of this
     * boot is worse than none, so it is then unknown (0) and the core
     * judges a restart by the boot time alone. Decided once. */
    if (consistent < 0) {
        agent_time now = time_now(), boot = time_boot();
        consistent = boot != 0 && now >= boot && up <= (now - boot) + UPTIME_SLACK_S &&
                     (now - boot) <= up + UPTIME_SLACK_S;
    }
    return consistent ? up : 0;
}

uint32_t time_boot_id(void)
{
    DWORD id = 0, bytes = sizeof id, type = 0;
    HKEY k;

    /* Windows 8 and later count boots here; older Windows and Wine have no
     * such value, and the core then judges by uptime and boot time. */
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE,
                      L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Memory "
                      L"Management\\PrefetchParameters",
                      0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &k) != ERROR_SUCCESS)
        return 0;
    if (RegQueryValueExW(k, L"BootId", NULL, &type, (BYTE *)&id, &bytes) != ERROR_SUCCESS ||
        type != REG_DWORD || bytes != sizeof id)
        id = 0;
    RegCloseKey(k);
    return id;
}

void time_start_event(agent_event *ev)
{
    ev->boot_time = time_boot();
    ev->logon_time = time_logon();
    ev->boot_id = time_boot_id();
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

void time_set_timer(HWND hwnd, UINT_PTR id, agent_time at)
{
    agent_time now = time_now();
    ULONGLONG ms;

    if (at == 0) {
        KillTimer(hwnd, id);
        return;
    }
    ms = at > now ? (at - now) * 1000ull : 0;
    if (ms > USER_TIMER_MAXIMUM - 1)
        ms = USER_TIMER_MAXIMUM - 1;
    if (ms < USER_TIMER_MINIMUM)
        ms = USER_TIMER_MINIMUM;
    SetTimer(hwnd, id, (UINT)ms, NULL);
}
