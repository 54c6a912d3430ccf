/*
 * logfile.h: the CMTrace log file of a Climon program (CLIMON.LOG,
 * CLISETUP.LOG, CLICFG.LOG).
 *
 * Lines come from cmlog_format (UTF-8). The file is opened for each line
 * with append access and full sharing, so an admin can open, copy or
 * delete it while the program runs; past max_bytes it is renamed to
 * "<name>.LO_" (one rollover, as SMS does) and started anew. Logging never
 * fails the caller: a line that cannot be written is dropped. Safe to call
 * from several threads (a critical section orders the lines).
 */
#ifndef CLIMON_WIN32_LOGFILE_H
#define CLIMON_WIN32_LOGFILE_H

#include <windows.h>
#include <stdint.h>

#include "climon/cmlog.h"

typedef struct logfile {
    wchar_t path[MAX_PATH];
    char component[32];
    uint64_t max_bytes;
    BOOL echo_stderr; /* console programs also print warnings and errors */
    CRITICAL_SECTION lock;
} logfile;

/* path may be NULL or "" for no file (echo only). max_bytes 0 = 1 MiB. */
void logfile_open(logfile *lf, const wchar_t *path, const char *component, uint64_t max_bytes);
void logfile_close(logfile *lf);

/* printf-style, UTF-8. file is the source file name for CMTrace's column. */
void logfile_write(logfile *lf, cmlog_type type, const char *file, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(gnu_printf, 4, 5)))
#endif
    ;

#define LOG_INFO(lf, ...) logfile_write((lf), CMLOG_INFO, __FILE__, __VA_ARGS__)
#define LOG_WARN(lf, ...) logfile_write((lf), CMLOG_WARNING, __FILE__, __VA_ARGS__)
#define LOG_ERROR(lf, ...) logfile_write((lf), CMLOG_ERROR, __FILE__, __VA_ARGS__)

#endif
