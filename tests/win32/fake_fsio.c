/*
 * fake_fsio.c: fsio.c's functions for tests (fake_fsio.h).
 */
#include "fake_fsio.h"

#include <string.h>
#include <wchar.h>

#include "climon.h"
#include "fileio.h"

#define MAX_CALLS 4096
#define MAX_HANDLES 64
#define PATH_CAP 1024

static struct {
    fake_op op;
    wchar_t path[PATH_CAP];
} calls[MAX_CALLS];
static unsigned ncalls;

static struct {
    BOOL on;
    wchar_t part[PATH_CAP];
    DWORD err;
} rules[FAKE_OPS];

static struct {
    void (*fn)(const wchar_t *path);
    wchar_t part[PATH_CAP];
} hooks[FAKE_OPS];

static struct {
    HANDLE h;
    wchar_t path[PATH_CAP];
} handles[MAX_HANDLES];

static BOOL free_set;
static ULONGLONG free_bytes;

static BOOL contains(const wchar_t *path, const wchar_t *part)
{
    size_t n;
    if (!part || !part[0])
        return TRUE;
    n = wcslen(part);
    for (const wchar_t *p = path; *p; p++)
        if (_wcsnicmp(p, part, n) == 0)
            return TRUE;
    return FALSE;
}

void fake_fsio_reset(void)
{
    memset(rules, 0, sizeof rules);
    memset(hooks, 0, sizeof hooks);
    memset(handles, 0, sizeof handles);
    ncalls = 0;
    free_set = FALSE;
}

void fake_fsio_fail(fake_op op, const wchar_t *part, DWORD err)
{
    rules[op].on = err != ERROR_SUCCESS;
    rules[op].err = err;
    wcsncpy(rules[op].part, part ? part : L"", PATH_CAP - 1);
}

void fake_fsio_before(fake_op op, const wchar_t *part, void (*fn)(const wchar_t *path))
{
    hooks[op].fn = fn;
    wcsncpy(hooks[op].part, part ? part : L"", PATH_CAP - 1);
}

void fake_fsio_set_free_space(ULONGLONG bytes)
{
    free_set = TRUE;
    free_bytes = bytes;
}

unsigned fake_fsio_calls(fake_op op, const wchar_t *part)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ncalls; i++)
        n += calls[i].op == op && contains(calls[i].path, part);
    return n;
}

/* Counts the call; runs a hook; TRUE when a rule makes it fail (the
 * error is set). */
static BOOL enter(fake_op op, const wchar_t *path)
{
    if (ncalls < MAX_CALLS) {
        calls[ncalls].op = op;
        wcsncpy(calls[ncalls].path, path ? path : L"", PATH_CAP - 1);
        ncalls++;
    }
    if (hooks[op].fn && contains(path ? path : L"", hooks[op].part)) {
        void (*fn)(const wchar_t *) = hooks[op].fn;
        hooks[op].fn = NULL;
        fn(path);
    }
    if (rules[op].on && contains(path ? path : L"", rules[op].part)) {
        SetLastError(rules[op].err);
        return TRUE;
    }
    return FALSE;
}

static const wchar_t *path_of(HANDLE h)
{
    for (unsigned i = 0; i < MAX_HANDLES; i++)
        if (handles[i].h == h)
            return handles[i].path;
    return L"";
}

HANDLE fsio_open(const wchar_t *path, DWORD access, DWORD share, DWORD disposition, DWORD flags)
{
    HANDLE h;
    if (enter(FAKE_OPEN, path))
        return INVALID_HANDLE_VALUE;
    h = CreateFileW(path, access, share, NULL, disposition, flags, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        static unsigned next;
        unsigned i = next++ % MAX_HANDLES;
        /* A value Windows hands out again names this file now: an older
         * slot with it would give path_of another file's path. */
        for (unsigned k = 0; k < MAX_HANDLES; k++)
            if (handles[k].h == h)
                handles[k].h = NULL;
        handles[i].h = h;
        wcsncpy(handles[i].path, path, PATH_CAP - 1);
    }
    return h;
}

BOOL fsio_write(HANDLE h, const void *buf, DWORD len, DWORD *put)
{
    *put = 0;
    if (enter(FAKE_WRITE, path_of(h)))
        return FALSE;
    return WriteFile(h, buf, len, put, NULL);
}

BOOL fsio_move(const wchar_t *from, const wchar_t *to, DWORD flags)
{
    if (enter(FAKE_MOVE, from))
        return FALSE;
    return MoveFileExW(from, to, flags);
}

BOOL fsio_free_space(const wchar_t *dir, ULONGLONG *bytes)
{
    ULARGE_INTEGER avail;
    if (enter(FAKE_FREE_SPACE, dir))
        return FALSE;
    if (free_set) {
        *bytes = free_bytes;
        return TRUE;
    }
    if (!GetDiskFreeSpaceExW(dir, &avail, NULL, NULL))
        return FALSE;
    *bytes = avail.QuadPart;
    return TRUE;
}

DWORD fsio_read_file(const wchar_t *path, size_t max, unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (enter(FAKE_READ_FILE, path))
        return GetLastError();
    return fileio_read(path, max, data, len);
}

BOOL fsio_create_process(const wchar_t *app, wchar_t *line, DWORD flags, STARTUPINFOW *si,
                         PROCESS_INFORMATION *pi)
{
    if (enter(FAKE_CREATE_PROCESS, app))
        return FALSE;
    return CreateProcessW(app, line, NULL, NULL, FALSE, flags, NULL, NULL, si, pi);
}
