/*
 * fileio.c: bounded whole-file reads and atomic replacement (fileio.h).
 */
#include "fileio.h"

#include <string.h>
#include <wchar.h>

void fileio_free(void *data)
{
    if (data)
        HeapFree(GetProcessHeap(), 0, data);
}

DWORD fileio_read_handle(HANDLE h, size_t max, unsigned char **data, size_t *len)
{
    DWORD err = ERROR_SUCCESS;
    LARGE_INTEGER size;
    unsigned char *buf = NULL;
    size_t got = 0;

    *data = NULL;
    *len = 0;
    if (!GetFileSizeEx(h, &size))
        return GetLastError();
    if (size.QuadPart < 0 || (unsigned long long)size.QuadPart > max)
        return ERROR_FILE_TOO_LARGE;
    buf = HeapAlloc(GetProcessHeap(), 0, (size_t)size.QuadPart + 1);
    if (!buf)
        return ERROR_NOT_ENOUGH_MEMORY;
    /* The file may shrink or grow while we read: read to EOF, up to max. */
    while (got < (size_t)size.QuadPart) {
        DWORD chunk = 0;
        DWORD want = (DWORD)((size_t)size.QuadPart - got > 0x100000 ? 0x100000
                                                                    : (size_t)size.QuadPart - got);
        if (!ReadFile(h, buf + got, want, &chunk, NULL)) {
            err = GetLastError();
            fileio_free(buf);
            return err;
        }
        if (chunk == 0)
            break;
        got += chunk;
    }
    buf[got] = 0;
    *data = buf;
    *len = got;
    return ERROR_SUCCESS;
}

DWORD fileio_read(const wchar_t *path, size_t max, unsigned char **data, size_t *len)
{
    DWORD err;
    HANDLE h;

    *data = NULL;
    *len = 0;
    h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    err = fileio_read_handle(h, max, data, len);
    CloseHandle(h);
    return err;
}

/* The low 32 bits of this process's creation time: with the pid, a name
 * no other live process has, even one in another Wine prefix, whose pids
 * repeat (two agents of one client both write its CLIMON.MIF). */
static DWORD process_started(void)
{
    static volatile LONG started;
    FILETIME created, exited, kernel, user;

    if (started == 0 && GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user))
        InterlockedExchange(&started, (LONG)(created.dwLowDateTime | 1));
    return (DWORD)started;
}

DWORD fileio_write_atomic(const wchar_t *path, const void *data, size_t len)
{
    wchar_t tmp[MAX_PATH * 2];
    DWORD err = ERROR_SUCCESS;
    const unsigned char *p = data;
    size_t done = 0;
    HANDLE h;
    int n;

    n = _snwprintf(tmp, sizeof tmp / sizeof tmp[0], L"%ls.%lu-%08X.tmp", path,
                   GetCurrentProcessId(), (unsigned)process_started());
    if (n < 0 || (size_t)n >= sizeof tmp / sizeof tmp[0])
        return ERROR_FILENAME_EXCED_RANGE;
    h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    while (done < len) {
        DWORD put = 0;
        DWORD want = (DWORD)(len - done > 0x100000 ? 0x100000 : len - done);
        if (!WriteFile(h, p + done, want, &put, NULL)) {
            err = GetLastError();
            break;
        }
        done += put;
    }
    /* Flush before the rename: the rename must never expose a file whose
     * data is not on disk yet. */
    if (err == ERROR_SUCCESS && !FlushFileBuffers(h))
        err = GetLastError();
    CloseHandle(h);
    if (err == ERROR_SUCCESS &&
        !MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        err = GetLastError();
    if (err != ERROR_SUCCESS)
        DeleteFileW(tmp);
    return err;
}

BOOL fileio_long_path(const wchar_t *path, wchar_t *out, size_t cap)
{
    wchar_t full[FILEIO_LONG_PATH_MAX];
    DWORD n;

    if (cap == 0)
        return FALSE;
    out[0] = 0;
    if (wcsncmp(path, L"\\\\?\\", 4) == 0) {
        if (wcslen(path) + 1 > cap)
            return FALSE;
        wcscpy(out, path);
        return TRUE;
    }
    n = GetFullPathNameW(path, FILEIO_LONG_PATH_MAX, full, NULL);
    if (n == 0 || n >= FILEIO_LONG_PATH_MAX)
        return FALSE;
    /* 248: CreateDirectoryW's limit, the lowest of the plain calls. */
    if (n < 248) {
        if ((size_t)n + 1 > cap)
            return FALSE;
        wcscpy(out, full);
        return TRUE;
    }
    if (full[0] == L'\\' && full[1] == L'\\') {
        /* \\server\share\... -> \\?\UNC\server\share\... */
        if ((size_t)n + 7 > cap)
            return FALSE;
        _snwprintf(out, cap, L"\\\\?\\UNC\\%ls", full + 2);
    } else {
        if ((size_t)n + 5 > cap)
            return FALSE;
        _snwprintf(out, cap, L"\\\\?\\%ls", full);
    }
    out[cap - 1] = 0;
    return TRUE;
}

static DWORD mkdirs_long(wchar_t *buf)
{
    size_t n = wcslen(buf);
    DWORD attr;

    while (n > 0 && (buf[n - 1] == L'\\' || buf[n - 1] == L'/'))
        buf[--n] = 0;
    attr = GetFileAttributesW(buf);
    if (attr != INVALID_FILE_ATTRIBUTES)
        return (attr & FILE_ATTRIBUTE_DIRECTORY) ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS;
    for (size_t i = n; i > 0; i--) {
        if (buf[i - 1] == L'\\' || buf[i - 1] == L'/') {
            DWORD err;
            wchar_t save = buf[i - 1];
            if (i - 1 == 0 || buf[i - 2] == L':' || buf[i - 2] == L'\\' || buf[i - 2] == L'?')
                break; /* root, drive or UNC prefix: it exists or cannot be made */
            buf[i - 1] = 0;
            err = mkdirs_long(buf);
            buf[i - 1] = save;
            if (err != ERROR_SUCCESS)
                return err;
            break;
        }
    }
    if (!CreateDirectoryW(buf, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        return GetLastError();
    return ERROR_SUCCESS;
}

DWORD fileio_mkdirs(const wchar_t *dir)
{
    wchar_t buf[FILEIO_LONG_PATH_MAX];

    if (!dir[0] || !fileio_long_path(dir, buf, FILEIO_LONG_PATH_MAX))
        return ERROR_BAD_PATHNAME;
    return mkdirs_long(buf);
}

BOOL path_join(wchar_t *out, size_t cap, const wchar_t *a, const wchar_t *b)
{
    size_t la = wcslen(a), lb = wcslen(b);
    BOOL sep = la > 0 && a[la - 1] != L'\\' && a[la - 1] != L'/';

    if (la + (sep ? 1 : 0) + lb + 1 > cap) {
        if (cap)
            out[0] = 0;
        return FALSE;
    }
    wmemmove(out, a, la);
    if (sep)
        out[la++] = L'\\';
    wmemmove(out + la, b, lb);
    out[la + lb] = 0;
    return TRUE;
}

DWORD fileio_rename_handle(HANDLE h, const wchar_t *path, BOOL replace)
{
    union {
        FILE_RENAME_INFO info;
        unsigned char room[sizeof(FILE_RENAME_INFO) + FILEIO_LONG_PATH_MAX * sizeof(wchar_t)];
    } u;
    size_t n;

    memset(&u.info, 0, sizeof u.info);
    /* A full path, as MoveFileExW would resolve it; the long form when
     * the plain one is too long. */
    if (!fileio_long_path(path, u.info.FileName, FILEIO_LONG_PATH_MAX))
        return ERROR_BAD_PATHNAME;
    n = wcslen(u.info.FileName);
    u.info.ReplaceIfExists = replace ? TRUE : FALSE;
    u.info.RootDirectory = NULL;
    u.info.FileNameLength = (DWORD)(n * sizeof(wchar_t));
    if (!SetFileInformationByHandle(h, FileRenameInfo, &u.info,
                                    (DWORD)(sizeof u.info + n * sizeof(wchar_t))))
        return GetLastError();
    return ERROR_SUCCESS;
}

BOOL fileio_exists(const wchar_t *path)
{
    DWORD attr = GetFileAttributesW(path);
    return attr != INVALID_FILE_ATTRIBUTES && !(attr & FILE_ATTRIBUTE_DIRECTORY);
}
