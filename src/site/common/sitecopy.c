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

#include "fileio.h"

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

/* The temporary file beside dst, created for writing and, with keep, for
 * the rename by handle that commits it. A new name first: CREATE_ALWAYS
 * would truncate (one more call to the file system under Wine) a file
 * that is only there after a crash. */
static DWORD open_tmp(const wchar_t *dst, wchar_t *tmp, size_t cap, bool keep, HANDLE *out)
{
    DWORD access = GENERIC_WRITE | (keep ? DELETE : 0);
    int n;

    *out = INVALID_HANDLE_VALUE;
    n = _snwprintf(tmp, cap, L"%ls.%lu.new", dst, (unsigned long)GetCurrentProcessId());
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            tmp[0] = 0;
        return ERROR_FILENAME_EXCED_RANGE;
    }
    *out = CreateFileW(tmp, access, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (*out == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_EXISTS)
        *out = CreateFileW(tmp, access, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (*out == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        tmp[0] = 0;
        return err;
    }
    return ERROR_SUCCESS;
}

static DWORD write_all(HANDLE out, const void *data, size_t len)
{
    DWORD put = 0;

    if (len > SITE_COPY_MAX_BYTES)
        return ERROR_FILE_TOO_LARGE;
    if (len && !WriteFile(out, data, (DWORD)len, &put, NULL))
        return GetLastError();
    if (put != len)
        return ERROR_WRITE_FAULT;
    return FlushFileBuffers(out) ? ERROR_SUCCESS : GetLastError();
}

DWORD sitecopy_stage_open(const wchar_t *src, const void *data, size_t len, const wchar_t *dst,
                          wchar_t *tmp, size_t cap, HANDLE *staged)
{
    HANDLE in = INVALID_HANDLE_VALUE, out = INVALID_HANDLE_VALUE;
    DWORD err;

    if (staged)
        *staged = INVALID_HANDLE_VALUE;
    if (!src && len > SITE_COPY_MAX_BYTES) {
        if (cap)
            tmp[0] = 0;
        return ERROR_FILE_TOO_LARGE;
    }
    if (src) {
        in = CreateFileW(src, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                         OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        if (in == INVALID_HANDLE_VALUE) {
            if (cap)
                tmp[0] = 0;
            return GetLastError();
        }
    }
    err = open_tmp(dst, tmp, cap, staged != NULL, &out);
    if (err == ERROR_SUCCESS)
        err = src ? copy_all(in, out) : write_all(out, data, len);
    if (in != INVALID_HANDLE_VALUE)
        CloseHandle(in);
    if (out != INVALID_HANDLE_VALUE) {
        if (err == ERROR_SUCCESS && staged) {
            *staged = out;
            return ERROR_SUCCESS;
        }
        CloseHandle(out);
        if (err != ERROR_SUCCESS) {
            DeleteFileW(tmp);
            tmp[0] = 0;
        }
    }
    return err;
}

DWORD sitecopy_stage(const wchar_t *src, const wchar_t *dst, wchar_t *tmp, size_t cap)
{
    return sitecopy_stage_open(src, NULL, 0, dst, tmp, cap, NULL);
}

DWORD sitecopy_stage_bytes(const void *data, size_t len, const wchar_t *dst, wchar_t *tmp,
                           size_t cap)
{
    return sitecopy_stage_open(NULL, data, len, dst, tmp, cap, NULL);
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

DWORD sitecopy_commit_open(HANDLE *staged, const wchar_t *tmp, const wchar_t *dst)
{
    /* The data was flushed when it was staged; the rename is the same
     * same-volume rename MoveFileExW makes (write-through only matters
     * for a move done as a copy). */
    DWORD err = fileio_rename_handle(*staged, dst, TRUE);

    CloseHandle(*staged);
    *staged = INVALID_HANDLE_VALUE;
    if (err != ERROR_SUCCESS)
        DeleteFileW(tmp);
    return err;
}

void sitecopy_drop_open(HANDLE *staged, const wchar_t *tmp)
{
    if (*staged != INVALID_HANDLE_VALUE) {
        CloseHandle(*staged);
        *staged = INVALID_HANDLE_VALUE;
    }
    if (tmp[0])
        DeleteFileW(tmp);
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
