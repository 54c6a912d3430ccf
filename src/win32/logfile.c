/*
 * logfile.c: CMTrace log file with one rollover (logfile.h).
 */
#include "logfile.h"
#include "tzbias.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

BOOL logfile_open(logfile *lf, const wchar_t *path, const char *component, uint64_t max_bytes)
{
    memset(lf, 0, sizeof *lf);
    lf->h = INVALID_HANDLE_VALUE;
    snprintf(lf->component, sizeof lf->component, "%s", component ? component : "climon");
    lf->max_bytes = max_bytes ? max_bytes : 1024u * 1024u;
    InitializeCriticalSection(&lf->lock);
    if (!path || !path[0])
        return TRUE;
    /* Cut at MAX_PATH (as once), a long SMSPath put the log in a file of
     * another name: the whole path or none (issue 17.7). */
    if (wcslen(path) >= LOGFILE_PATH_MAX ||
        !fileio_long_path(path, lf->open_path, FILEIO_LONG_PATH_MAX)) {
        lf->open_path[0] = 0;
        lf->refused = TRUE;
        return FALSE;
    }
    wcscpy(lf->path, path);
    {
        /* Its folder too: <SMSPath>\LOGS may not exist yet. A folder that
         * cannot be made is no error here: the first write says why. */
        wchar_t dir[FILEIO_LONG_PATH_MAX], *slash;
        wcscpy(dir, lf->open_path);
        slash = wcsrchr(dir, L'\\');
        if (slash && slash > dir && slash[-1] != L':') {
            *slash = 0;
            fileio_mkdirs(dir);
        }
    }
    return TRUE;
}

static void close_file(logfile *lf)
{
    if (lf->h != INVALID_HANDLE_VALUE) {
        CloseHandle(lf->h);
        lf->h = INVALID_HANDLE_VALUE;
    }
}

void logfile_close(logfile *lf)
{
    close_file(lf);
    DeleteCriticalSection(&lf->lock);
}

void logfile_hold(logfile *lf)
{
    EnterCriticalSection(&lf->lock);
    lf->holds++;
    LeaveCriticalSection(&lf->lock);
}

void logfile_release(logfile *lf)
{
    EnterCriticalSection(&lf->lock);
    if (lf->holds > 0 && --lf->holds == 0)
        close_file(lf);
    LeaveCriticalSection(&lf->lock);
}

static void now_for_log(cmlog_time *t)
{
    SYSTEMTIME st;
    long bias = tz_bias_minutes();

    GetLocalTime(&st);
    t->year = st.wYear;
    t->month = st.wMonth;
    t->day = st.wDay;
    t->hour = st.wHour;
    t->minute = st.wMinute;
    t->second = st.wSecond;
    t->millisecond = st.wMilliseconds;
    t->bias_minutes = (int)bias;
}

/* Before a line of `adding` bytes: rolls the file over when it is full,
 * and lets go of a held handle whose file is no longer the one the name
 * shows (another process rolled it over, or it was deleted). The name's
 * size and the handle's differ then; a writer of another process between
 * the two reads makes them differ too, and costs one reopen. */
static void prepare(logfile *lf, size_t adding)
{
    WIN32_FILE_ATTRIBUTE_DATA fa;
    wchar_t old[FILEIO_LONG_PATH_MAX];
    LARGE_INTEGER held;
    uint64_t size;
    size_t n;

    if (!GetFileAttributesExW(lf->open_path, GetFileExInfoStandard, &fa)) {
        close_file(lf);
        return;
    }
    size = ((uint64_t)fa.nFileSizeHigh << 32) | fa.nFileSizeLow;
    if (lf->h != INVALID_HANDLE_VALUE &&
        (!GetFileSizeEx(lf->h, &held) || (uint64_t)held.QuadPart != size))
        close_file(lf);
    if (!cmlog_should_roll(size, adding, lf->max_bytes))
        return;
    /* Closed first: the next line must go to the new file, not follow
     * the old one to its new name. */
    close_file(lf);
    /* CLIMON.LOG -> CLIMON.LO_, the SMS convention for the one old log. */
    n = wcslen(lf->open_path);
    wmemcpy(old, lf->open_path, n + 1);
    if (n > 0)
        old[n - 1] = L'_';
    MoveFileExW(lf->open_path, old, MOVEFILE_REPLACE_EXISTING);
}

void logfile_write(logfile *lf, cmlog_type type, const char *file, const char *fmt, ...)
{
    char text[768];
    char line[CMLOG_LINE_MAX];
    const char *base = file;
    cmlog_time t;
    va_list ap;
    size_t len;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (file) {
        for (const char *p = file; *p; p++)
            if (*p == '/' || *p == '\\')
                base = p + 1;
    }
    now_for_log(&t);
    len =
        cmlog_format(line, sizeof line, &t, type, lf->component, GetCurrentThreadId(), base, text);

    EnterCriticalSection(&lf->lock);
    if (lf->echo_stderr && type != CMLOG_INFO)
        fprintf(stderr, "%s: %s\n", type == CMLOG_ERROR ? "error" : "warning", text);
    if (lf->open_path[0]) {
        prepare(lf, len);
        if (lf->h == INVALID_HANDLE_VALUE)
            lf->h = CreateFileW(lf->open_path, FILE_APPEND_DATA | FILE_READ_ATTRIBUTES,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                                OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (lf->h != INVALID_HANDLE_VALUE) {
            DWORD put;
            WriteFile(lf->h, line, (DWORD)len, &put, NULL);
            if (lf->holds == 0)
                close_file(lf);
        }
    }
    LeaveCriticalSection(&lf->lock);
}
