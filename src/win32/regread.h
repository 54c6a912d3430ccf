/*
 * regread.h: registry values read one way for every program (the agent's
 * report and policy, the site's Client Services records): typed, always
 * terminated, the type checked. Each returns a Win32 error:
 * ERROR_SUCCESS; ERROR_FILE_NOT_FOUND when the key or value is absent;
 * ERROR_UNSUPPORTED_TYPE when it is there but of another type;
 * ERROR_MORE_DATA when a string does not fit; else why it failed.
 */
#ifndef CLIMON_WIN32_REGREAD_H
#define CLIMON_WIN32_REGREAD_H

#include <windows.h>
#include <stddef.h>

/* key\sub (sub NULL: key itself), value name. */
DWORD regread_dword(HKEY key, const wchar_t *sub, const wchar_t *name, DWORD *out);
/* REG_SZ, or REG_EXPAND_SZ not expanded; out "" on any error. */
DWORD regread_sz(HKEY key, const wchar_t *sub, const wchar_t *name, wchar_t *out, size_t cap);
/* The same as UTF-8 (ERROR_NO_UNICODE_TRANSLATION when it does not convert). */
DWORD regread_sz_utf8(HKEY key, const wchar_t *sub, const wchar_t *name, char *out, size_t cap);

#endif
