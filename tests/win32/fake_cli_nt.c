/*
 * fake_cli_nt.c: a stand-in for Client Setup (CLI_NT.EXE) in the agent's
 * tests. Appends "pid=<n> cmd=<its command line>" to the file named by
 * CLIMON_FAKE_RECORD, sleeps CLIMON_FAKE_SLEEP_MS milliseconds if set,
 * leaves what CLIMON_FAKE_LEAVES says, appends "done", and exits with
 * CLIMON_FAKE_EXIT (default 0).
 *
 * The agent judges a run by what it left, as with SMS 1.2's CLI_NT.EXE
 * (which documents no exit codes), so the fake leaves what a run would:
 *   CLIMON_FAKE_LEAVES=version   SMS.INI (CLIMON_FAKE_SMSINI) gets the
 *                                CopyListVersion of <share>\CL_NT.TXT
 *   CLIMON_FAKE_LEAVES=request   <share>\CCR.BOX\<SMS Unique ID>.CCR filed
 *   both ("version,request"), or "nothing"
 * Unset, it leaves what our lab's Client Setup does for the exit code: the
 * version for 0, 10 and 11 (and a request for 10); nothing otherwise.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "climon/copylist.h"
#include "climon/ini.h"
#include "climon/protocol.h"
#include "stub_record.h"

int wmain(int argc, wchar_t **argv);

static char *read_all(const wchar_t *path, size_t *len)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);
    DWORD size, got = 0;
    char *buf;

    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    size = GetFileSize(h, NULL);
    buf = malloc((size_t)size + 1);
    if (buf && !ReadFile(h, buf, size, &got, NULL))
        got = 0;
    CloseHandle(h);
    if (buf) {
        buf[got] = 0;
        *len = got;
    }
    return buf;
}

static void write_all(const wchar_t *path, const void *data, size_t len)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD put;
    if (h == INVALID_HANDLE_VALUE)
        return;
    WriteFile(h, data, (DWORD)len, &put, NULL);
    CloseHandle(h);
}

static void leave(const wchar_t *share, const wchar_t *leaves)
{
    wchar_t smsini[1024], path[1024], id[64];
    char *ini, *cl, value[32], uid[48], *out;
    size_t ini_len = 0, cl_len = 0, out_len = 0;

    if (!share || !GetEnvironmentVariableW(L"CLIMON_FAKE_SMSINI", smsini, 1024))
        return;
    ini = read_all(smsini, &ini_len);
    if (!ini)
        return;
    if (wcsstr(leaves, L"version")) {
        _snwprintf(path, 1024, L"%ls\\CL_NT.TXT", share);
        path[1023] = 0;
        cl = read_all(path, &cl_len);
        if (cl) {
            clv v = copylist_server_version(cl, cl_len);
            if (v.status == CLV_OK) {
                snprintf(value, sizeof value, "%lu", (unsigned long)v.value);
                size_t cap =
                    ini_set_bound(ini_len, SMSINI_SECTION_SMS, SMSINI_KEY_COPYLIST_VERSION, value);
                out = malloc(cap);
                if (out && ini_set(ini, ini_len, SMSINI_SECTION_SMS, SMSINI_KEY_COPYLIST_VERSION,
                                   value, out, cap, &out_len, NULL) == INI_OK)
                    write_all(smsini, out, out_len);
                free(out);
            }
            free(cl);
        }
    }
    if (wcsstr(leaves, L"request") &&
        ini_get(ini, ini_len, SMSINI_SECTION_SMS, SMSINI_KEY_UNIQUE_ID, uid, sizeof uid, NULL) ==
            INI_OK) {
        const char req[] = "[NT Client Configuration Request]\r\nMachine Name=LABPC01\r\n";
        MultiByteToWideChar(CP_UTF8, 0, uid, -1, id, 64);
        _snwprintf(path, 1024, L"%ls\\CCR.BOX\\%ls.CCR", share, id);
        path[1023] = 0;
        write_all(path, req, sizeof req - 1);
    }
    free(ini);
}

int wmain(int argc, wchar_t **argv)
{
    wchar_t path[1024], v[64], leaves[64];
    const wchar_t *share = NULL;
    char cmd[4096], line[4200];
    DWORD code = 0;

    for (int i = 1; i < argc; i++)
        if (_wcsnicmp(argv[i], L"/p:", 3) == 0)
            share = argv[i] + 3;
    if (GetEnvironmentVariableW(L"CLIMON_FAKE_EXIT", v, 64))
        code = (DWORD)wcstoul(v, NULL, 10);
    if (GetEnvironmentVariableW(L"CLIMON_FAKE_RECORD", path, 1024)) {
        WideCharToMultiByte(CP_UTF8, 0, GetCommandLineW(), -1, cmd, sizeof cmd, NULL, NULL);
        snprintf(line, sizeof line, "pid=%lu cmd=%s", GetCurrentProcessId(), cmd);
        stub_record(path, line);
    }
    if (GetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", v, 64))
        Sleep((DWORD)wcstoul(v, NULL, 10));
    if (!GetEnvironmentVariableW(L"CLIMON_FAKE_LEAVES", leaves, 64))
        wcscpy(leaves, code == SETUP_EXIT_REQUEST_FILED ? L"version,request"
                       : code == SETUP_EXIT_OK || code == SETUP_EXIT_LOGOFF_NEEDED ? L"version"
                                                                                   : L"nothing");
    leave(share, leaves);
    if (GetEnvironmentVariableW(L"CLIMON_FAKE_RECORD", path, 1024))
        stub_record(path, "done");
    return (int)code;
}
