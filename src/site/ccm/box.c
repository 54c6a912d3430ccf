/*
 * box.c: listing CCR.BOX and RETRY, and setting requests aside in BAD
 * (ccm.h).
 *
 * Nothing a client wrote is ever deleted unread: a request the manager
 * cannot use (a name that is not an SMS Unique ID, a damaged file, a
 * client that stayed away past the retry duration) is moved to
 * CCR.BOX\BAD with the time in its name, for the admin to read.
 */
#include "ccm.h"

#include <stdio.h>
#include <wchar.h>

#include "fileio.h"

void ccm_names_free(ccm_names *names)
{
    if (names->name)
        HeapFree(GetProcessHeap(), 0, names->name);
    names->name = NULL;
    names->n = names->cap = 0;
}

static bool ends_with(const wchar_t *s, const wchar_t *ext)
{
    size_t n = wcslen(s), m = wcslen(ext);

    return n > m && _wcsicmp(s + n - m, ext) == 0;
}

DWORD ccm_box_list(const wchar_t *dir, const wchar_t *ext, ccm_names *out)
{
    wchar_t pattern[SITE_PATH_MAX];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    DWORD err = ERROR_SUCCESS;

    out->name = NULL;
    out->n = out->cap = 0;
    if (!path_join(pattern, SITE_PATH_MAX, dir, L"*"))
        return ERROR_FILENAME_EXCED_RANGE;
    h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_NO_MORE_FILES ? ERROR_SUCCESS : err;
    }
    do {
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            continue;
        /* Matched here, not by the pattern: "*.CCR" would also match
         * through 8.3 short names. */
        if (!ends_with(fd.cFileName, ext))
            continue;
        if (out->n == out->cap) {
            unsigned cap = out->cap ? out->cap * 2 : 64;
            void *p = out->name
                          ? HeapReAlloc(GetProcessHeap(), 0, out->name, cap * sizeof *out->name)
                          : HeapAlloc(GetProcessHeap(), 0, cap * sizeof *out->name);
            if (!p) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                goto out;
            }
            out->name = p;
            out->cap = cap;
        }
        wcscpy(out->name[out->n++], fd.cFileName);
    } while (FindNextFileW(h, &fd));
    if (GetLastError() != ERROR_NO_MORE_FILES)
        err = GetLastError();
out:
    FindClose(h);
    if (err != ERROR_SUCCESS)
        ccm_names_free(out);
    return err;
}

DWORD ccm_box_claim(const wchar_t *src, const wchar_t *claim, size_t max, unsigned char **data,
                    size_t *len, bool *claimed, HANDLE *held)
{
    DWORD err;
    HANDLE h;

    *data = NULL;
    *len = 0;
    *claimed = false;
    if (held)
        *held = INVALID_HANDLE_VALUE;
    /* Shared as MoveFileExW opens a file to rename it: a reader of the
     * box is never refused. */
    h = CreateFileW(src, GENERIC_READ | DELETE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    err = fileio_rename_handle(h, claim, FALSE);
    if (err != ERROR_SUCCESS)
        goto out;
    *claimed = true;
    /* Read after the rename: what is read is what was claimed, and a
     * request filed meanwhile is a new file in the box. */
    err = fileio_read_handle(h, max, data, len);
    if (held) {
        *held = h;
        return err;
    }
out:
    CloseHandle(h);
    return err;
}

bool ccm_box_release(HANDLE *held, bool done)
{
    FILE_DISPOSITION_INFO gone = {TRUE};

    if (*held == INVALID_HANDLE_VALUE)
        return false;
    /* Deleted through the handle that claimed it: a delete by name would
     * open the file again (a look-up and a server call more). Only this
     * manager writes WORK, so the name is still the claim's. */
    if (done)
        done = SetFileInformationByHandle(*held, FileDispositionInfo, &gone, sizeof gone) != 0;
    CloseHandle(*held);
    *held = INVALID_HANDLE_VALUE;
    return done;
}

DWORD ccm_box_to_bad(ccm_ctx *ctx, const wchar_t *src, const wchar_t *stem, const void *bytes,
                     size_t len, wchar_t *dst, size_t cap)
{
    wchar_t name[MAX_PATH];
    DWORD err = ERROR_FILE_EXISTS;

    err = fileio_mkdirs(ctx->bad);
    if (err != ERROR_SUCCESS)
        return err;
    for (unsigned n = 1; n < 100; n++) {
        if (n == 1)
            _snwprintf(name, MAX_PATH, L"%.64ls-%04u%02u%02u%02u%02u.CCR", stem, ctx->now.year,
                       ctx->now.month, ctx->now.day, ctx->now.hour, ctx->now.minute);
        else
            _snwprintf(name, MAX_PATH, L"%.64ls-%04u%02u%02u%02u%02u-%u.CCR", stem, ctx->now.year,
                       ctx->now.month, ctx->now.day, ctx->now.hour, ctx->now.minute, n);
        if (!path_join(dst, cap, ctx->bad, name))
            return ERROR_FILENAME_EXCED_RANGE;
        if (GetFileAttributesW(dst) != INVALID_FILE_ATTRIBUTES)
            continue;
        if (bytes) {
            err = fileio_write_atomic(dst, bytes, len);
            if (err == ERROR_SUCCESS && !DeleteFileW(src) && GetLastError() != ERROR_FILE_NOT_FOUND)
                err = GetLastError();
        } else {
            err = MoveFileExW(src, dst, MOVEFILE_WRITE_THROUGH) ? ERROR_SUCCESS : GetLastError();
        }
        if (err != ERROR_ALREADY_EXISTS && err != ERROR_FILE_EXISTS)
            return err;
    }
    return ERROR_FILE_EXISTS;
}
