/*
 * holdfile.c: another process holding a file, for the end-to-end and
 * fault tests: opens PATH with no sharing at all (as a running program's
 * image or an editor with a lock would keep it), prints "held", and keeps
 * it open for SECONDS (default 600) or until killed.
 *   holdfile PATH [SECONDS]
 * Or, with --write, a slow writer, as an inventory agent writes its .RAW
 * in place: creates PATH (read sharing only), prints "writing", writes
 * CHUNKS lines of text MS milliseconds apart, then closes it and prints
 * "closed".
 *   holdfile --write PATH CHUNKS MS
 * Exit 0 after the time, 1 when the file could not be opened.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv);

static int slow_write(const wchar_t *path, unsigned chunks, DWORD ms)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    char line[96];
    DWORD put;

    if (h == INVALID_HANDLE_VALUE) {
        printf("cannot create: error %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("writing\n");
    fflush(stdout);
    for (unsigned i = 0; i < chunks; i++) {
        int n = snprintf(line, sizeof line, i ? "Chunk%u=%lu\r\n" : "[Inventory]\r\nTick=%u%lu\r\n",
                         i, (unsigned long)GetTickCount());
        if (!WriteFile(h, line, (DWORD)n, &put, NULL) || put != (DWORD)n) {
            printf("write failed: error %lu\n", (unsigned long)GetLastError());
            CloseHandle(h);
            return 1;
        }
        Sleep(ms);
    }
    CloseHandle(h);
    printf("closed\n");
    fflush(stdout);
    return 0;
}

int wmain(int argc, wchar_t **argv)
{
    HANDLE h;
    DWORD secs = 600;

    if (argc == 5 && wcscmp(argv[1], L"--write") == 0)
        return slow_write(argv[2], (unsigned)wcstoul(argv[3], NULL, 10),
                          (DWORD)wcstoul(argv[4], NULL, 10));
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
