/*
 * fake_setup.c: a stand-in Client Setup (published as X86.BIN\CLI_NT.EXE in
 * the bench lab) that records the moment it starts, for figure 1 of
 * docs/performance.md (latency from a .RAW appearing to Client Setup
 * starting).
 *
 * The first thing wmain does is read QueryPerformanceCounter and
 * GetSystemTimePreciseAsFileTime; it appends
 *   qpc=<counter> freq=<frequency> ft=<FILETIME, 100 ns> pid=<id> cmd=<command line>
 * to the file named by CLIMON_BENCH_RECORD (inherited from the agent's
 * environment), then sets the named event CLIMON_BENCH_EVENT (if given) so
 * the driver (benchtool) knows without polling, and exits with
 * CLIMON_BENCH_EXIT (default 0, "done, nothing for the manager").
 * "Starting" therefore includes the process creation under Wine, up to the
 * program's own first instruction.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv)
{
    LARGE_INTEGER qpc, freq;
    FILETIME ft;
    wchar_t path[1024], v[128];
    char cmd[2048], line[2300];
    DWORD code = 0, put;
    HANDLE h, ev;
    ULARGE_INTEGER u;
    int n;

    QueryPerformanceCounter(&qpc);
    GetSystemTimePreciseAsFileTime(&ft);
    (void)argc;
    (void)argv;
    QueryPerformanceFrequency(&freq);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;

    if (GetEnvironmentVariableW(L"CLIMON_BENCH_EXIT", v, 128))
        code = (DWORD)wcstoul(v, NULL, 10);
    if (GetEnvironmentVariableW(L"CLIMON_BENCH_RECORD", path, 1024)) {
        WideCharToMultiByte(CP_UTF8, 0, GetCommandLineW(), -1, cmd, sizeof cmd, NULL, NULL);
        cmd[sizeof cmd - 1] = 0;
        n = snprintf(line, sizeof line, "qpc=%lld freq=%lld ft=%llu pid=%lu cmd=%s\r\n",
                     (long long)qpc.QuadPart, (long long)freq.QuadPart,
                     (unsigned long long)u.QuadPart, (unsigned long)GetCurrentProcessId(), cmd);
        h = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                        OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            WriteFile(h, line,
                      (DWORD)(n > 0 ? (size_t)n < sizeof line ? n : (int)sizeof line - 1 : 0), &put,
                      NULL);
            CloseHandle(h);
        }
    }
    if (GetEnvironmentVariableW(L"CLIMON_BENCH_EVENT", v, 128)) {
        ev = OpenEventW(EVENT_MODIFY_STATE, FALSE, v);
        if (ev) {
            SetEvent(ev);
            CloseHandle(ev);
        }
    }
    return (int)code;
}
