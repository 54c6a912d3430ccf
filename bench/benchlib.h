/*
 * benchlib.h: what the bench's Windows helpers (benchtool.c, floor.c)
 * share: a fatal error, the QueryPerformanceCounter clock both time by,
 * "--name=value" options after the verb, and plain file writes.
 */
#ifndef CLIMON_BENCHLIB_H
#define CLIMON_BENCHLIB_H

#include <windows.h>

/* The program's name in its error lines; set by each wmain. */
extern const char *bench_program;

/* Prints "<program>: <message>" to stderr and exits 2. */
void bench_die(const char *fmt, ...);

LONGLONG bench_qpc_now(void);
double bench_qpc_ms(LONGLONG from, LONGLONG to);

/* The value of --name= among argv[2..], else def; no def: bench_die. */
const wchar_t *bench_opt(int argc, wchar_t **argv, const wchar_t *name, const wchar_t *def);
unsigned bench_opt_u(int argc, wchar_t **argv, const wchar_t *name, const wchar_t *def);

/* CREATE_ALWAYS and all of data; FALSE on any failure. */
BOOL bench_write_file(const wchar_t *path, const void *data, DWORD len);
/* 0 when the file is not there. */
ULONGLONG bench_file_size(const wchar_t *path);

#endif
