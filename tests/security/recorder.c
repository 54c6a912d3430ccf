/*
 * recorder.c: a stand-in program for the security, corpus, end-to-end and
 * fault tests. It proves what ran and how: each start appends one line
 *
 *   ran=<its own full path> parent=<parent's image name> pid=<n> cmd=<command line>
 *
 * to the file named by CLIMON_RECORD (else to "<its own path>.ran"), so a
 * test can tell the real Client Setup from a planted "C:\Program.exe"
 * copy of the same binary, and see whether a shell (cmd.exe) stood between
 * the agent and its child. Then, from the environment:
 *   CLIMON_RECORD_SLEEP_MS  sleeps this long first (a hanging setup)
 *   CLIMON_RECORD_CRASH=1   ends as a crash would (status 0xC0000005),
 *                           without Wine's crash dialog
 *   CLIMON_RECORD_EXIT      exit code otherwise (default 0)
 * and appends "done pid=<n>" when it ends normally.
 */
#include <windows.h>
#include <tlhelp32.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "stub_record.h"

int wmain(void);

/* The image name of the parent process, "?" when it is gone. */
static void parent_image(char *out, size_t cap)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe;
    DWORD me = GetCurrentProcessId(), parent = 0;

    snprintf(out, cap, "?");
    if (snap == INVALID_HANDLE_VALUE)
        return;
    pe.dwSize = sizeof pe;
    for (BOOL more = Process32FirstW(snap, &pe); more; more = Process32NextW(snap, &pe))
        if (pe.th32ProcessID == me)
            parent = pe.th32ParentProcessID;
    pe.dwSize = sizeof pe;
    for (BOOL more = Process32FirstW(snap, &pe); more && parent; more = Process32NextW(snap, &pe))
        if (pe.th32ProcessID == parent) {
            WideCharToMultiByte(CP_UTF8, 0, pe.szExeFile, -1, out, (int)cap, NULL, NULL);
            break;
        }
    CloseHandle(snap);
}

int wmain(void)
{
    wchar_t self[MAX_PATH], rec[MAX_PATH + 8], v[64];
    char self8[MAX_PATH * 3], cmd8[4096], parent[MAX_PATH * 3], line[6000];
    DWORD code = 0;

    GetModuleFileNameW(NULL, self, MAX_PATH);
    if (!GetEnvironmentVariableW(L"CLIMON_RECORD", rec, MAX_PATH))
        _snwprintf(rec, MAX_PATH + 8, L"%ls.ran", self);
    rec[MAX_PATH + 7] = 0;
    WideCharToMultiByte(CP_UTF8, 0, self, -1, self8, sizeof self8, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, GetCommandLineW(), -1, cmd8, sizeof cmd8, NULL, NULL);
    parent_image(parent, sizeof parent);
    snprintf(line, sizeof line, "ran=%s parent=%s pid=%lu cmd=%s", self8, parent,
             (unsigned long)GetCurrentProcessId(), cmd8);
    stub_record(rec, line);

    if (GetEnvironmentVariableW(L"CLIMON_RECORD_SLEEP_MS", v, 64))
        Sleep((DWORD)wcstoul(v, NULL, 10));
    if (GetEnvironmentVariableW(L"CLIMON_RECORD_CRASH", v, 64) && v[0] == L'1')
        TerminateProcess(GetCurrentProcess(), 0xC0000005u);
    if (GetEnvironmentVariableW(L"CLIMON_RECORD_EXIT", v, 64))
        code = (DWORD)wcstoul(v, NULL, 10);
    snprintf(line, sizeof line, "done pid=%lu", (unsigned long)GetCurrentProcessId());
    stub_record(rec, line);
    return (int)code;
}
