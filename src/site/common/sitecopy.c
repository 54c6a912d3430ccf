/*
 * sitecopy.c: putting component files into a client's BIN folder (site.h).
 *
 * A file is first copied whole into a temporary file beside its target and
 * flushed, then renamed over it, so the target is always either the old
 * file or the new one. Callers stage every file of a change before they
 * commit any, and check first that no target is in use: a running program
 * or service cannot be replaced, and finding that out half-way would leave
 * a component with files of two versions.
 */
#include "site.h"

#include <wchar.h>

static DWORD copy_all(HANDLE in, HANDLE out)
{
    static const DWORD chunk = 64 * 1024;
    unsigned char *buf;
    DWORD err = ERROR_SUCCESS;
    unsigned long long total = 0;

    buf = HeapAlloc(GetProcessHeap(), 0, chunk);
    if (!buf)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (;;) {
        DWORD got = 0, put = 0;
        if (!ReadFile(in, buf, chunk, &got, NULL)) {
            err = GetLastError();
            goto out;
        }
        if (got == 0)
            break;
        total += got;
        if (total > SITE_COPY_MAX_BYTES) {
            err = ERROR_FILE_TOO_LARGE;
            goto out;
        }
        if (!WriteFile(out, buf, got, &put, NULL)) {
            err = GetLastError();
            goto out;
        }
        if (put != got) {
            err = ERROR_WRITE_FAULT;
            goto out;
        }
    }
    if (!FlushFileBuffers(out))
        err = GetLastError();
out:
    HeapFree(GetProcessHeap(), 0, buf);
    return err;
}

DWORD sitecopy_stage(const wchar_t *src, const wchar_t *dst, wchar_t *tmp, size_t cap)
{
    HANDLE in = INVALID_HANDLE_VALUE, out = INVALID_HANDLE_VALUE;
    DWORD err = ERROR_SUCCESS;
    int n;

    n = _snwprintf(tmp, cap, L"%ls.%lu.new", dst, (unsigned long)GetCurrentProcessId());
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            tmp[0] = 0;
        return ERROR_FILENAME_EXCED_RANGE;
    }
    in = CreateFileW(src, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                     FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (in == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        tmp[0] = 0;
        goto out;
    }
    out = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        tmp[0] = 0;
        goto out;
    }
    err = copy_all(in, out);
out:
    if (in != INVALID_HANDLE_VALUE)
        CloseHandle(in);
    if (out != INVALID_HANDLE_VALUE) {
        CloseHandle(out);
        if (err != ERROR_SUCCESS) {
            DeleteFileW(tmp);
            tmp[0] = 0;
        }
    }
    return err;
}

DWORD sitecopy_stage_bytes(const void *data, size_t len, const wchar_t *dst, wchar_t *tmp,
                           size_t cap)
{
    HANDLE out;
    DWORD err = ERROR_SUCCESS, put = 0;
    int n;

    n = _snwprintf(tmp, cap, L"%ls.%lu.new", dst, (unsigned long)GetCurrentProcessId());
    if (n < 0 || (size_t)n >= cap || len > SITE_COPY_MAX_BYTES) {
        if (cap)
            tmp[0] = 0;
        return n < 0 || (size_t)n >= cap ? ERROR_FILENAME_EXCED_RANGE : ERROR_FILE_TOO_LARGE;
    }
    out = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        tmp[0] = 0;
        return GetLastError();
    }
    if (len && !WriteFile(out, data, (DWORD)len, &put, NULL))
        err = GetLastError();
    else if (put != len)
        err = ERROR_WRITE_FAULT;
    if (err == ERROR_SUCCESS && !FlushFileBuffers(out))
        err = GetLastError();
    CloseHandle(out);
    if (err != ERROR_SUCCESS) {
        DeleteFileW(tmp);
        tmp[0] = 0;
    }
    return err;
}

DWORD sitecopy_commit(const wchar_t *tmp, const wchar_t *dst)
{
    DWORD err = ERROR_SUCCESS;

    if (!MoveFileExW(tmp, dst, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        err = GetLastError();
        DeleteFileW(tmp);
    }
    return err;
}

bool sitecopy_is_in_use_error(DWORD err)
{
    return err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION ||
           err == ERROR_USER_MAPPED_FILE || err == ERROR_ACCESS_DENIED;
}

bool sitecopy_in_use(const wchar_t *path)
{
    HANDLE h;
    DWORD err;

    /* An exclusive open fails while anyone else holds the file, whatever
     * sharing they allowed; it is closed at once and changes nothing. */
    h = CreateFileW(path, GENERIC_READ | DELETE, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                    NULL);
    if (h != INVALID_HANDLE_VALUE) {
        CloseHandle(h);
        return false;
    }
    err = GetLastError();
    return err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION ||
           err == ERROR_USER_MAPPED_FILE;
}
