/*
 * logfile.h: the CMTrace log file of a Climon program (CLIMON.LOG,
 * CLISETUP.LOG, CLICFG.LOG).
 *
 * Lines come from cmlog_format (UTF-8). The file is opened with append
 * access and full sharing, so an admin can open, copy or delete it while
 * the program runs; past max_bytes it is renamed to "<name>.LO_" (one
 * rollover, as SMS does) and started anew. Each line is written at once
 * (no buffer in the process: a crash loses no line written). Logging never
 * fails the caller: a line that cannot be written is dropped. Safe to call
 * from several threads (a critical section orders the lines).
 *
 * Outside a hold the file is opened and closed for each line. Between
 * logfile_hold and logfile_release (the agent's pass, a burst of lines
 * that must not wait for an open each) one handle stays open; the file
 * behind the name is checked at each line, so a rollover by another
 * process or a delete seen through the name reopens it.
 */
#ifndef CLIMON_WIN32_LOGFILE_H
#define CLIMON_WIN32_LOGFILE_H

#include <windows.h>
#include <stdint.h>

#include "climon/cmlog.h"
#include "fileio.h"

/* The longest log path taken, as the agent's configuration allows (1023
 * characters); a longer one is refused, never cut. */
#define LOGFILE_PATH_MAX 1024

typedef struct logfile {
    wchar_t path[LOGFILE_PATH_MAX];          /* as given, "" for none */
    wchar_t open_path[FILEIO_LONG_PATH_MAX]; /* absolute, \\?\ when long */
    BOOL refused;                            /* a path was given and could not be taken */
    char component[32];
    uint64_t max_bytes;
    BOOL echo_stderr; /* console programs also print warnings and errors */
    CRITICAL_SECTION lock;
    HANDLE h;   /* open while held; INVALID_HANDLE_VALUE otherwise */
    LONG holds; /* logfile_hold minus logfile_release */
} logfile;

/* path may be NULL or "" for no file (echo only). max_bytes 0 = 1 MiB.
 * FALSE (and refused set, no file) when path is LOGFILE_PATH_MAX
 * characters or more, or cannot be made absolute: the lines then go
 * nowhere (or to stderr), never to a file of a cut name. */
BOOL logfile_open(logfile *lf, const wchar_t *path, const char *component, uint64_t max_bytes);
void logfile_close(logfile *lf);

/* Keeps the file open from now until the matching release (holds nest; any
 * thread). Under Wine a file deleted while open goes only when its last
 * handle closes, so the lines of a hold that outlives a delete are lost
 * with it: hold for bursts, never for the program's life. */
void logfile_hold(logfile *lf);
void logfile_release(logfile *lf);

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
