/*
 * holdfile.c: another process holding a file, for the end-to-end and
 * fault tests: opens PATH with no sharing at all (as a running program's
 * image or an editor with a lock would keep it), prints "held", and keeps
 * it open for SECONDS (default 600) or until killed.
 *   holdfile PATH [SECONDS]
 * Exit 0 after the time, 1 when the file could not be opened.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv)
{
    HANDLE h;
    DWORD secs = 600;

    if (argc < 2)
        return 64;
    if (argc > 2)
        secs = (DWORD)wcstoul(argv[2], NULL, 10);
    h = CreateFileW(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("cannot open: error %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("held\n");
    fflush(stdout);
    Sleep(secs * 1000u);
    CloseHandle(h);
    return 0;
}
