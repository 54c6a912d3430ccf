/*
 * forward.c: moves inventory (*.RAW) from the client's INVDATA folder to
 * the logon server's inventory box, as the Client Monitor did: copy as
 * .TMP, rename to a unique .RAW, delete the local file.
 *
 * Crash-safe and duplicate-free: the unique name is derived from the file
 * itself (the last characters of the SMS Unique ID and an FNV-1a hash of
 * its bytes), so a run that stopped between the rename and the delete is
 * recognised at the next start: the target exists with the same bytes, and
 * only the local file is deleted. A stale .TMP of the same name is simply
 * overwritten. A different file that happens to hash alike moves on to
 * the next name (the hash is re-seeded with the attempt number), so
 * nothing is ever overwritten in the box.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "fileio.h"
#include "winstr.h"

#define FNV_PRIME 16777619u
#define NAME_ATTEMPTS 8u
#define IO_CHUNK (64u * 1024u)

typedef enum fwd_result { FWD_MOVED, FWD_ALREADY, FWD_BUSY, FWD_FAILED } fwd_result;

uint32_t forward_fnv1a(uint32_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

void forward_unique_stem(const char *unique_id, uint32_t hash, unsigned n, wchar_t *out, size_t cap)
{
    wchar_t tail[5] = L"0000";
    size_t len = unique_id ? strlen(unique_id) : 0;
    unsigned char nb = (unsigned char)n;

    /* The last 4 letters or digits of the ID tell an admin whose file it
     * is; padded with zeros for a short or missing ID. */
    for (int i = 3, j = (int)len - 1; i >= 0 && j >= 0; j--) {
        char c = unique_id[j];
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
            tail[i--] = (wchar_t)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    if (n > 0)
        hash = forward_fnv1a(hash, &nb, 1);
    _snwprintf(out, cap, L"%ls%08X", tail, (unsigned)hash);
    out[cap - 1] = 0;
}

static void set_err(char *err, size_t cap, const char *what, const wchar_t *path, DWORD code)
{
    char p[512], why[200];
    if (!err[0]) {
        winstr_to_utf8(path, p, sizeof p);
        snprintf(err, cap, "%s %s: %s", what, p, win_strerror(code, why, sizeof why));
    }
}

/* Hash of everything h holds, read from the start. */
static DWORD hash_handle(HANDLE h, unsigned char *buf, uint32_t *hash, ULONGLONG *size)
{
    LARGE_INTEGER zero = {0};
    DWORD got;
    uint32_t v = FORWARD_FNV_SEED;
    ULONGLONG total = 0;

    if (!SetFilePointerEx(h, zero, NULL, FILE_BEGIN))
        return GetLastError();
    for (;;) {
        if (!ReadFile(h, buf, IO_CHUNK, &got, NULL))
            return GetLastError();
        if (got == 0)
            break;
        v = forward_fnv1a(v, buf, got);
        total += got;
    }
    *hash = v;
    *size = total;
    return ERROR_SUCCESS;
}

/* TRUE when the file at path has exactly the bytes of h. */
static BOOL same_bytes(HANDLE h, ULONGLONG size, const wchar_t *path, unsigned char *a,
                       unsigned char *b)
{
    LARGE_INTEGER zero = {0}, other;
    HANDLE t;
    BOOL same = FALSE;

    t = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (t == INVALID_HANDLE_VALUE)
        return FALSE;
    if (!GetFileSizeEx(t, &other) || (ULONGLONG)other.QuadPart != size ||
        !SetFilePointerEx(h, zero, NULL, FILE_BEGIN))
        goto out;
    for (;;) {
        DWORD ga = 0, gb = 0;
        if (!ReadFile(h, a, IO_CHUNK, &ga, NULL) || !ReadFile(t, b, IO_CHUNK, &gb, NULL))
            goto out;
        if (ga != gb || memcmp(a, b, ga) != 0)
            goto out;
        if (ga == 0)
            break;
    }
    same = TRUE;
out:
    CloseHandle(t);
    return same;
}

static DWORD copy_to(HANDLE h, const wchar_t *dst, unsigned char *buf)
{
    LARGE_INTEGER zero = {0};
    DWORD err = ERROR_SUCCESS, got, put;
    HANDLE t;

    if (!SetFilePointerEx(h, zero, NULL, FILE_BEGIN))
        return GetLastError();
    /* CREATE_ALWAYS: a .TMP left by a run that stopped midway is ours. */
    t = CreateFileW(dst, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (t == INVALID_HANDLE_VALUE)
        return GetLastError();
    for (;;) {
        if (!ReadFile(h, buf, IO_CHUNK, &got, NULL)) {
            err = GetLastError();
            goto out;
        }
        if (got == 0)
            break;
        if (!WriteFile(t, buf, got, &put, NULL) || put != got) {
            err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
            goto out;
        }
    }
    /* The rename must never publish a file whose bytes are not down. */
    if (!FlushFileBuffers(t))
        err = GetLastError();
out:
    CloseHandle(t);
    if (err != ERROR_SUCCESS)
        DeleteFileW(dst);
    return err;
}

static fwd_result forward_one(const wchar_t *local, const wchar_t *box, const char *unique_id,
                              logfile *lf, unsigned char *a, unsigned char *b, char *err,
                              size_t cap)
{
    wchar_t stem[32], name[48], target[CLIMON_PATH_MAX], tmp[CLIMON_PATH_MAX];
    char l8[512], t8[512], why[200];
    fwd_result res = FWD_FAILED;
    uint32_t hash = 0;
    ULONGLONG size = 0;
    DWORD e;
    unsigned n;
    HANDLE h;

    winstr_to_utf8(local, l8, sizeof l8);
    /* No write sharing: while the inventory agent still writes the file
     * this fails, and its closing the file wakes the watch again. */
    h = CreateFileW(local, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                    FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        e = GetLastError();
        if (e == ERROR_SHARING_VIOLATION || e == ERROR_LOCK_VIOLATION) {
            LOG_INFO(lf, "%s is still being written; it goes when it is closed", l8);
            return FWD_BUSY;
        }
        set_err(err, cap, "cannot open", local, e);
        LOG_ERROR(lf, "cannot open %s: %s", l8, win_strerror(e, why, sizeof why));
        return FWD_FAILED;
    }
    if ((e = hash_handle(h, a, &hash, &size)) != ERROR_SUCCESS) {
        set_err(err, cap, "cannot read", local, e);
        LOG_ERROR(lf, "cannot read %s: %s", l8, win_strerror(e, why, sizeof why));
        goto out;
    }

    for (n = 0; n < NAME_ATTEMPTS; n++) {
        forward_unique_stem(unique_id, hash, n, stem, 32);
        _snwprintf(name, 48, L"%ls.RAW", stem);
        if (!path_join(target, CLIMON_PATH_MAX, box, name)) {
            set_err(err, cap, "path too long:", box, ERROR_FILENAME_EXCED_RANGE);
            goto out;
        }
        if (!fileio_exists(target))
            break;
        if (same_bytes(h, size, target, a, b)) {
            /* A run stopped after the rename and before the delete. */
            winstr_to_utf8(target, t8, sizeof t8);
            LOG_INFO(lf, "%s is already in the box as %s; deleting the local copy", l8, t8);
            res = FWD_ALREADY;
            goto delete_local;
        }
    }
    if (n == NAME_ATTEMPTS) {
        set_err(err, cap, "no free unique name in", box, ERROR_FILE_EXISTS);
        LOG_ERROR(lf, "no free unique name for %s", l8);
        goto out;
    }

    _snwprintf(name, 48, L"%ls.TMP", stem);
    path_join(tmp, CLIMON_PATH_MAX, box, name);
    winstr_to_utf8(target, t8, sizeof t8);
    if ((e = copy_to(h, tmp, a)) != ERROR_SUCCESS) {
        set_err(err, cap, "cannot copy to", tmp, e);
        LOG_ERROR(lf, "copying %s to the box failed: %s", l8, win_strerror(e, why, sizeof why));
        goto out;
    }
    /* No MOVEFILE_REPLACE_EXISTING: a name in the box is never replaced. */
    if (!MoveFileExW(tmp, target, MOVEFILE_WRITE_THROUGH)) {
        e = GetLastError();
        DeleteFileW(tmp);
        if ((e == ERROR_ALREADY_EXISTS || e == ERROR_FILE_EXISTS) &&
            same_bytes(h, size, target, a, b)) {
            res = FWD_ALREADY;
            goto delete_local;
        }
        set_err(err, cap, "cannot rename into", target, e);
        LOG_ERROR(lf, "renaming into %s failed: %s", t8, win_strerror(e, why, sizeof why));
        goto out;
    }
    LOG_INFO(lf, "forwarded %s to %s (%llu bytes)", l8, t8, (unsigned long long)size);
    res = FWD_MOVED;

delete_local:
    CloseHandle(h);
    h = INVALID_HANDLE_VALUE;
    if (!DeleteFileW(local)) {
        /* The file is in the box; the next pass finds it there and only
         * deletes the local copy. */
        e = GetLastError();
        LOG_WARN(lf, "%s is in the box but could not be deleted: %s", l8,
                 win_strerror(e, why, sizeof why));
    }
out:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    return res;
}

static BOOL is_raw(const wchar_t *name)
{
    /* FindFirstFile's "*.RAW" also matches "X.RAWX" through its short
     * name: check the extension itself. */
    const wchar_t *dot = wcsrchr(name, L'.');
    return dot && _wcsicmp(dot, L".RAW") == 0;
}

BOOL forward_any(const wchar_t *invdata)
{
    wchar_t pattern[CLIMON_PATH_MAX];
    WIN32_FIND_DATAW fd;
    HANDLE find;
    BOOL any = FALSE;

    if (!invdata[0] || !path_join(pattern, CLIMON_PATH_MAX, invdata, L"*.RAW"))
        return FALSE;
    find = FindFirstFileW(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE)
        return FALSE;
    do
        any = !(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && is_raw(fd.cFileName);
    while (!any && FindNextFileW(find, &fd));
    FindClose(find);
    return any;
}

BOOL forward_all(const wchar_t *invdata, const wchar_t *inv_box, const char *unique_id, logfile *lf,
                 uint32_t *count, uint32_t *busy, char *err, size_t cap)
{
    wchar_t pattern[CLIMON_PATH_MAX], local[CLIMON_PATH_MAX];
    unsigned char *a = NULL, *b = NULL;
    WIN32_FIND_DATAW fd;
    HANDLE find = INVALID_HANDLE_VALUE;
    BOOL ok = FALSE, box_checked = FALSE;
    DWORD attr, e;

    *count = 0;
    *busy = 0;
    err[0] = 0;
    if (!invdata[0]) {
        snprintf(err, cap, "no inventory folder configured (SMS.INI SMSInvDataPath)");
        return FALSE;
    }
    if (!path_join(pattern, CLIMON_PATH_MAX, invdata, L"*.RAW")) {
        set_err(err, cap, "path too long:", invdata, ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    a = HeapAlloc(GetProcessHeap(), 0, IO_CHUNK);
    b = HeapAlloc(GetProcessHeap(), 0, IO_CHUNK);
    if (!a || !b) {
        snprintf(err, cap, "out of memory");
        goto out;
    }
    find = FindFirstFileW(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE) {
        e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_NO_MORE_FILES) {
            ok = TRUE; /* nothing to forward */
            goto out;
        }
        set_err(err, cap, "cannot list", invdata, e);
        goto out;
    }
    ok = TRUE;
    do {
        if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !is_raw(fd.cFileName))
            continue;
        if (!box_checked) {
            /* The box is the server's folder: never create it, only find it. */
            attr = GetFileAttributesW(inv_box[0] ? inv_box : L"?");
            if (!inv_box[0] || attr == INVALID_FILE_ATTRIBUTES ||
                !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
                e = inv_box[0] ? GetLastError() : ERROR_PATH_NOT_FOUND;
                if (!inv_box[0])
                    snprintf(err, cap,
                             "no logon server share configured (SMS.INI LastLogonServerPath)");
                else
                    set_err(err, cap, "cannot reach the inventory box", inv_box,
                            e ? e : ERROR_PATH_NOT_FOUND);
                LOG_ERROR(lf, "%s", err);
                ok = FALSE;
                goto out;
            }
            box_checked = TRUE;
        }
        if (!path_join(local, CLIMON_PATH_MAX, invdata, fd.cFileName))
            continue;
        switch (forward_one(local, inv_box, unique_id, lf, a, b, err, cap)) {
        case FWD_MOVED:
        case FWD_ALREADY:
            (*count)++;
            break;
        case FWD_BUSY:
            (*busy)++;
            break;
        case FWD_FAILED:
            ok = FALSE;
            break;
        }
    } while (FindNextFileW(find, &fd));
out:
    if (find != INVALID_HANDLE_VALUE)
        FindClose(find);
    if (a)
        HeapFree(GetProcessHeap(), 0, a);
    if (b)
        HeapFree(GetProcessHeap(), 0, b);
    return ok;
}
