/*
 * fileio.h: whole-file reads with a bound, and atomic replacement.
 *
 * Every file Climon, Client Setup or the manager owns is replaced through
 * a temporary file in the same folder, flushed, then renamed over the old
 * one (MoveFileExW with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH),
 * so a crash or a full disk leaves either the old file or the new one,
 * never a mix (the SMS.INI corruption of Q161216).
 * Functions return a Win32 error code (ERROR_SUCCESS on success).
 */
#ifndef CLIMON_WIN32_FILEIO_H
#define CLIMON_WIN32_FILEIO_H

#include <windows.h>
#include <stddef.h>

/* Reads all of path into a buffer from HeapAlloc (free with fileio_free),
 * NUL-terminated for convenience (the NUL is not counted in *len). A file
 * larger than max bytes is not read: ERROR_FILE_TOO_LARGE. Opens with
 * full sharing so a reader never blocks the site's writers. */
DWORD fileio_read(const wchar_t *path, size_t max, unsigned char **data, size_t *len);
/* The same from an open handle, from its current position (the caller
 * keeps and closes h). */
DWORD fileio_read_handle(HANDLE h, size_t max, unsigned char **data, size_t *len);
void fileio_free(void *data);

/* Replaces path with data atomically (see above). The temporary file is
 * "<path>.<pid>-<started>.tmp" (the process's creation time, low 32 bits
 * in hex: its own even where pids repeat) and is removed on any failure. */
DWORD fileio_write_atomic(const wchar_t *path, const void *data, size_t len);

/* Room for a configured path (1023 characters, as the agent's settings
 * allow) made absolute and given the \\?\UNC\ prefix. */
#define FILEIO_LONG_PATH_MAX 1040

/* path made absolute (GetFullPathNameW), and when it is too long for the
 * plain Win32 calls (a folder's limit is 248 characters, a file's 260)
 * given the \\?\ (or \\?\UNC\) prefix that lifts the limit. FALSE when it
 * does not fit in cap. A path that already has the prefix stays as is. */
BOOL fileio_long_path(const wchar_t *path, wchar_t *out, size_t cap);

/* Creates dir and its missing parents (any length, see fileio_long_path).
 * An existing directory is success. */
DWORD fileio_mkdirs(const wchar_t *dir);

/* out = a "\" b, NUL-terminated; FALSE when it does not fit in cap chars. */
BOOL path_join(wchar_t *out, size_t cap, const wchar_t *a, const wchar_t *b);

/* Renames the file open as h (opened with DELETE access) to path, over an
 * existing file when replace. The same rename MoveFileExW makes, without
 * opening the file again by name: under Wine every open is a round trip
 * to the wineserver, and a caller that already holds the file saves it. */
DWORD fileio_rename_handle(HANDLE h, const wchar_t *path, BOOL replace);

/* TRUE when path names an existing file (not a directory). */
BOOL fileio_exists(const wchar_t *path);

#endif
