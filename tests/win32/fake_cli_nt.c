/*
 * fake_cli_nt.c: a stand-in for Client Setup (CLI_NT.EXE) in the agent's
 * tests. Appends "pid=<n> cmd=<its command line>" to the file named by
 * CLIMON_FAKE_RECORD, sleeps CLIMON_FAKE_SLEEP_MS milliseconds if set,
 * appends "done", and exits with CLIMON_FAKE_EXIT (default 0).
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>

#include "stub_record.h"

int wmain(void);

int wmain(void)
{
    wchar_t path[1024], v[64];
    char cmd[4096], line[4200];
    DWORD code = 0;

    if (GetEnvironmentVariableW(L"CLIMON_FAKE_EXIT", v, 64))
        code = (DWORD)wcstoul(v, NULL, 10);
    if (GetEnvironmentVariableW(L"CLIMON_FAKE_RECORD", path, 1024)) {
        WideCharToMultiByte(CP_UTF8, 0, GetCommandLineW(), -1, cmd, sizeof cmd, NULL, NULL);
        snprintf(line, sizeof line, "pid=%lu cmd=%s", GetCurrentProcessId(), cmd);
        stub_record(path, line);
    }
    if (GetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", v, 64))
        Sleep((DWORD)wcstoul(v, NULL, 10));
    if (GetEnvironmentVariableW(L"CLIMON_FAKE_RECORD", path, 1024))
        stub_record(path, "done");
    return (int)code;
}
