/*
 * planted_dll.c: a stand-in for a DLL an attacker plants where the agent
 * might look for one by name (the share, the current directory). The test
 * copies it under system DLL names (version.dll, uxtheme.dll, dwmapi.dll,
 * ...). When any process loads it, DllMain appends
 *
 *   loaded=<this DLL's path> into=<the process's image path>
 *
 * to the file named by CLIMON_RECORD_DLL (else "<this DLL's path>.loaded")
 * and still returns TRUE, so a load is recorded even when the process then
 * fails to find the exports it wanted.
 */
#include <windows.h>

#include <stdio.h>
#include <string.h>

BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved)
{
    wchar_t me[MAX_PATH], exe[MAX_PATH], rec[MAX_PATH + 8];
    char line[MAX_PATH * 7];
    char me8[MAX_PATH * 3], exe8[MAX_PATH * 3];
    HANDLE h;
    DWORD put;
    (void)reserved;

    if (reason != DLL_PROCESS_ATTACH)
        return TRUE;
    GetModuleFileNameW(self, me, MAX_PATH);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    if (!GetEnvironmentVariableW(L"CLIMON_RECORD_DLL", rec, MAX_PATH))
        _snwprintf(rec, MAX_PATH + 8, L"%ls.loaded", me);
    rec[MAX_PATH + 7] = 0;
    WideCharToMultiByte(CP_UTF8, 0, me, -1, me8, sizeof me8, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, exe, -1, exe8, sizeof exe8, NULL, NULL);
    snprintf(line, sizeof line, "loaded=%s into=%s\r\n", me8, exe8);
    h = CreateFileW(rec, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS, 0,
                    NULL);
    if (h != INVALID_HANDLE_VALUE) {
        WriteFile(h, line, (DWORD)strlen(line), &put, NULL);
        CloseHandle(h);
    }
    return TRUE;
}
