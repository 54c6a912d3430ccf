/*
 * sitelog.c: the site programs' log (site.h). Every line goes to the
 * CMTrace log file; warnings and errors also to stderr (logfile.h does
 * that), information lines to stdout only with /v or -v, so a console run
 * shows what an admin needs without opening the log.
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
}

void sitelog_move(sitelog *sl, const wchar_t *path)
{
    wchar_t dir[SITE_PATH_MAX];
    wchar_t *slash;
    char component[sizeof sl->lf.component];

    if (!sl->open)
        return;
    if (wcslen(path) < SITE_PATH_MAX) {
        wcscpy(dir, path);
        slash = wcsrchr(dir, L'\\');
        if (slash) {
            *slash = 0;
            fileio_mkdirs(dir); /* a log that cannot be made is dropped, not fatal */
        }
    }
    memcpy(component, sl->lf.component, sizeof component);
    logfile_close(&sl->lf);
    logfile_open(&sl->lf, path, component, 0);
    sl->lf.echo_stderr = TRUE;
}

void sitelog_close(sitelog *sl)
{
    if (sl->open)
        logfile_close(&sl->lf);
    sl->open = false;
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
    logfile_write(&sl->lf, type, file, "%s", text);
    if (sl->verbose && type == CMLOG_INFO) {
        printf("%s\n", text);
        fflush(stdout);
    }
}
