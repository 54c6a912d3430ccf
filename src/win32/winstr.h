/*
 * winstr.h: UTF-8 <-> UTF-16 conversion into fixed buffers, and Win32
 * error codes as text. The core speaks UTF-8; Win32 speaks UTF-16.
 */
#ifndef CLIMON_WIN32_WINSTR_H
#define CLIMON_WIN32_WINSTR_H

#include <windows.h>
#include <stddef.h>

/* Convert, always NUL-terminating out (cap > 0). FALSE when the text does
 * not fit or is not valid: out is then "". */
BOOL winstr_to_utf8(const wchar_t *in, char *out, size_t cap);
BOOL winstr_from_utf8(const char *in, wchar_t *out, size_t cap);
/* An INI value's bytes (SMS.INI: UTF-8, or 8-bit in the ANSI code page
 * on old clients) as UTF-16; FALSE when it does not convert or fit. */
BOOL winstr_from_ini(const char *in, wchar_t *out, size_t cap);
/* in into out when it fits (with its NUL); else out "" and FALSE. */
BOOL winstr_copy(wchar_t *out, size_t cap, const wchar_t *in);

/* "The system cannot find the file specified. (2)" in UTF-8, without the
 * trailing line break FormatMessage adds. Returns buf. */
const char *win_strerror(DWORD err, char *buf, size_t cap);

#endif
