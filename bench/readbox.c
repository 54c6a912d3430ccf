/*
 * readbox.c: figure 9's floor (docs/performance.md): lists a folder's
 * *.INI files and reads each, exactly the I/O `ccm --report` does on
 * CLIMON.BOX (one listing with large fetches, one open and one read of at
 * most 4097 bytes per file) and nothing else, so the figure shows what
 * the parsing and the page cost above the file system under Wine.
 *
 *   readbox <folder> [threads]   prints files=N bytes=B ms=T (its own clock)
 * threads (default 1): the files are listed first, then read by this many
 * threads, as ccm --report's readers do (REPORT_READERS).
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define MAX_FILES 200000
static wchar_t (*g_names)[MAX_PATH];
static unsigned g_n;
static volatile LONG g_next;
static const wchar_t *g_dir;
static volatile LONG64 g_bytes;

static DWORD WINAPI reader(void *arg)
{
    unsigned char data[4097];
    wchar_t path[MAX_PATH];
    LONG i;
    (void)arg;
    while ((i = InterlockedIncrement(&g_next) - 1) < (LONG)g_n) {
        HANDLE fh;
        DWORD got = 0;
        if (_snwprintf(path, MAX_PATH, L"%ls\\%ls", g_dir, g_names[i]) < 0)
            continue;
        fh = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        if (fh == INVALID_HANDLE_VALUE)
            continue;
        if (ReadFile(fh, data, sizeof data, &got, NULL))
            InterlockedAdd64(&g_bytes, got);
        CloseHandle(fh);
    }
    return 0;
}

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
    wchar_t pattern[MAX_PATH], path[MAX_PATH];
    unsigned char data[4097];
    WIN32_FIND_DATAW fd;
    LARGE_INTEGER f, t0, t1;
    unsigned long long bytes = 0;
    unsigned files = 0;
    HANDLE h;

    unsigned threads = argc > 2 ? (unsigned)_wtoi(argv[2]) : 1;
    if (argc < 2 || argc > 3 || threads < 1 || threads > 16 ||
        _snwprintf(pattern, MAX_PATH, L"%ls\\*", argv[1]) < 0) {
        fputs("usage: readbox <folder> [threads]\n", stderr);
        return 64;
    }
    g_dir = argv[1];
    if (threads > 1 && !(g_names = HeapAlloc(GetProcessHeap(), 0, sizeof *g_names * MAX_FILES)))
        return 70;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    h = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL,
                         FIND_FIRST_EX_LARGE_FETCH);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "readbox: cannot list (%lu)\n", GetLastError());
        return 74;
    }
    do {
        size_t n = wcslen(fd.cFileName);
        HANDLE fh;
        DWORD got = 0;
        if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || n < 5 ||
            _wcsicmp(fd.cFileName + n - 4, L".INI") != 0)
            continue;
        if (threads > 1) {
            if (g_n < MAX_FILES)
                memcpy(g_names[g_n++], fd.cFileName, sizeof fd.cFileName);
            files++;
            continue;
        }
        if (_snwprintf(path, MAX_PATH, L"%ls\\%ls", argv[1], fd.cFileName) < 0)
            continue;
        fh = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        if (fh == INVALID_HANDLE_VALUE)
            continue;
        if (ReadFile(fh, data, sizeof data, &got, NULL))
            bytes += got;
        CloseHandle(fh);
        files++;
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    if (threads > 1) {
        HANDLE th[16];
        unsigned nt = 0;
        for (unsigned i = 1; i < threads; i++)
            if ((th[nt] = CreateThread(NULL, 64 * 1024, reader, NULL, 0, NULL)))
                nt++;
        reader(NULL);
        if (nt)
            WaitForMultipleObjects(nt, th, TRUE, INFINITE);
        bytes = (unsigned long long)g_bytes;
    }
    QueryPerformanceCounter(&t1);
    printf("files=%u bytes=%llu ms=%.1f\n", files, bytes,
           (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)f.QuadPart);
    return 0;
}
