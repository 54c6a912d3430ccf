/*
 * sitelog.c: the site programs' log (site.h). Every line goes to the
 * CMTrace log file; warnings and errors also to stderr (logfile.h does
 * that), information lines to stdout only with /v or -v, so a console run
 * shows what an admin needs without opening the log. In a batch
 * (sitelog_batch) information lines are written a block at a time, in the
 * same format and with the same rollover as logfile.c.
 */
#include "site.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "fileio.h"

void sitelog_open(sitelog *sl, const wchar_t *path, const char *component, bool verbose)
{
    logfile_open(&sl->lf, path, component, 0);
    sl->lf.echo_stderr = TRUE;
    sl->verbose = verbose;
    sl->open = true;
    sl->batch = NULL;
    sl->batch_len = 0;
    sl->batch_bias = 0;
    sl->batch_bias_at = 0;
}

static void flush_locked(sitelog *sl);

void sitelog_move(sitelog *sl, const wchar_t *path)
{
    char component[sizeof sl->lf.component];

    if (!sl->open)
        return;
    /* logfile_open makes the folder; a log that cannot be made is dropped,
     * not fatal. */
    memcpy(component, sl->lf.component, sizeof component);
    EnterCriticalSection(&sl->lf.lock);
    flush_locked(sl); /* kept lines belong to the old file */
    LeaveCriticalSection(&sl->lf.lock);
    logfile_close(&sl->lf);
    logfile_open(&sl->lf, path, component, 0);
    sl->lf.echo_stderr = TRUE;
}

/* Writes the kept lines; the caller holds sl->lf.lock. */
static void flush_locked(sitelog *sl)
{
    WIN32_FILE_ATTRIBUTE_DATA fa;
    HANDLE h;
    DWORD put;

    if (!sl->batch_len || !sl->lf.path[0]) {
        sl->batch_len = 0;
        return;
    }
    if (GetFileAttributesExW(sl->lf.path, GetFileExInfoStandard, &fa) &&
        cmlog_should_roll(((uint64_t)fa.nFileSizeHigh << 32) | fa.nFileSizeLow, sl->batch_len,
                          sl->lf.max_bytes)) {
        wchar_t old[MAX_PATH];
        size_t n = wcslen(sl->lf.path);
        wmemcpy(old, sl->lf.path, n + 1);
        old[n - 1] = L'_'; /* CLICFG.LOG -> CLICFG.LO_, as logfile.c */
        MoveFileExW(sl->lf.path, old, MOVEFILE_REPLACE_EXISTING);
    }
    h = CreateFileW(sl->lf.path, FILE_APPEND_DATA,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_ALWAYS,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        WriteFile(h, sl->batch, (DWORD)sl->batch_len, &put, NULL);
        CloseHandle(h);
    }
    sl->batch_len = 0;
}

void sitelog_batch(sitelog *sl, bool on)
{
    if (!sl->open)
        return;
    EnterCriticalSection(&sl->lf.lock);
    flush_locked(sl);
    if (on && !sl->batch)
        sl->batch = HeapAlloc(GetProcessHeap(), 0, SITELOG_BATCH_BYTES);
    if (!on && sl->batch) {
        HeapFree(GetProcessHeap(), 0, sl->batch);
        sl->batch = NULL;
    }
    LeaveCriticalSection(&sl->lf.lock);
}

void sitelog_close(sitelog *sl)
{
    if (sl->open) {
        sitelog_batch(sl, false);
        logfile_close(&sl->lf);
    }
    sl->open = false;
}

/* One information line into the batch, as logfile_write formats it. */
static void batch_line(sitelog *sl, const char *file, const char *text)
{
    char line[CMLOG_LINE_MAX];
    const char *base = file;
    SYSTEMTIME st;
    cmlog_time t;
    size_t len;
    unsigned at;

    for (const char *p = file; p && *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    GetLocalTime(&st);
    at = (unsigned)st.wDay * 1440u + st.wHour * 60u + st.wMinute + 1u;
    if (sl->batch_bias_at != at) {
        TIME_ZONE_INFORMATION tz;
        DWORD which = GetTimeZoneInformation(&tz);
        sl->batch_bias = (int)(tz.Bias + (which == TIME_ZONE_ID_DAYLIGHT   ? tz.DaylightBias
                                          : which == TIME_ZONE_ID_STANDARD ? tz.StandardBias
                                                                           : 0));
        sl->batch_bias_at = at;
    }
    t.year = st.wYear;
    t.month = st.wMonth;
    t.day = st.wDay;
    t.hour = st.wHour;
    t.minute = st.wMinute;
    t.second = st.wSecond;
    t.millisecond = st.wMilliseconds;
    t.bias_minutes = sl->batch_bias;
    len = cmlog_format(line, sizeof line, &t, CMLOG_INFO, sl->lf.component, GetCurrentThreadId(),
                       base, text);
    if (sl->batch_len + len > SITELOG_BATCH_BYTES)
        flush_locked(sl);
    memcpy(sl->batch + sl->batch_len, line, len);
    sl->batch_len += len;
}

void sitelog_write(sitelog *sl, cmlog_type type, const char *file, const char *fmt, ...)
{
    char text[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!sl->open) {
        fprintf(stderr, "%s\n", text);
        return;
    }
    EnterCriticalSection(&sl->lf.lock);
    if (sl->batch && type == CMLOG_INFO) {
        batch_line(sl, file, text);
    } else {
        flush_locked(sl); /* what came before it, first */
        logfile_write(&sl->lf, type, file, "%s", text);
    }
    LeaveCriticalSection(&sl->lf.lock);
    if (sl->verbose && type == CMLOG_INFO) {
        printf("%s\n", text);
        fflush(stdout);
    }
}
