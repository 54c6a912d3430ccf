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

void logfile_close(logfile *lf)
{
    DeleteCriticalSection(&lf->lock);
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

static void roll_if_needed(logfile *lf, size_t adding)
{
    WIN32_FILE_ATTRIBUTE_DATA fa;
    wchar_t old[FILEIO_LONG_PATH_MAX];
    size_t n;

    if (!GetFileAttributesExW(lf->open_path, GetFileExInfoStandard, &fa))
        return;
    if (!cmlog_should_roll(((uint64_t)fa.nFileSizeHigh << 32) | fa.nFileSizeLow, adding,
                           lf->max_bytes))
        return;
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
        HANDLE h;
        roll_if_needed(lf, len);
        h = CreateFileW(lf->open_path, FILE_APPEND_DATA,
                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_ALWAYS,
                        FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            DWORD put;
            WriteFile(h, line, (DWORD)len, &put, NULL);
            CloseHandle(h);
        }
    }
    LeaveCriticalSection(&lf->lock);
}
