/*
 * stub_record.c: the record file of the tests' stand-in programs
 * (stub_record.h).
 */
#include "stub_record.h"

#include <windows.h>

#include <string.h>

void stub_record(const wchar_t *path, const char *line)
{
    HANDLE h = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_ALWAYS, 0, NULL);
    DWORD put;
    if (h == INVALID_HANDLE_VALUE)
        return;
    WriteFile(h, line, (DWORD)strlen(line), &put, NULL);
    WriteFile(h, "\r\n", 2, &put, NULL);
    CloseHandle(h);
}
