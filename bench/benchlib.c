/*
 * benchlib.c: the bench helpers' shared pieces (benchlib.h).
 */
#include "benchlib.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

const char *bench_program = "bench";

void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", bench_program);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
    exit(2);
}

LONGLONG bench_qpc_now(void)
{
    LARGE_INTEGER q;
    QueryPerformanceCounter(&q);
    return q.QuadPart;
}

double bench_qpc_ms(LONGLONG from, LONGLONG to)
{
    static LARGE_INTEGER f;
    if (!f.QuadPart)
        QueryPerformanceFrequency(&f);
    return (double)(to - from) * 1000.0 / (double)f.QuadPart;
}

const wchar_t *bench_opt(int argc, wchar_t **argv, const wchar_t *name, const wchar_t *def)
{
    size_t n = wcslen(name);
    for (int i = 2; i < argc; i++)
        if (wcsncmp(argv[i], L"--", 2) == 0 && wcsncmp(argv[i] + 2, name, n) == 0 &&
            argv[i][2 + n] == L'=')
            return argv[i] + 3 + n;
    if (!def)
        bench_die("missing --%ls=", name);
    return def;
}

unsigned bench_opt_u(int argc, wchar_t **argv, const wchar_t *name, const wchar_t *def)
{
    return (unsigned)wcstoul(bench_opt(argc, argv, name, def), NULL, 10);
}

BOOL bench_write_file(const wchar_t *path, const void *data, DWORD len)
{
    HANDLE h =
        CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD put = 0;
    BOOL ok;
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    ok = WriteFile(h, data, len, &put, NULL) && put == len;
    CloseHandle(h);
    return ok;
}

ULONGLONG bench_file_size(const wchar_t *path)
{
    WIN32_FILE_ATTRIBUTE_DATA fa;
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &fa))
        return 0;
    return ((ULONGLONG)fa.nFileSizeHigh << 32) | fa.nFileSizeLow;
}
