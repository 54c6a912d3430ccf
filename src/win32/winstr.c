/*
 * winstr.c: UTF-8/UTF-16 conversion and error text (winstr.h).
 */
#include "winstr.h"

#include <stdio.h>
#include <wchar.h>

BOOL winstr_to_utf8(const wchar_t *in, char *out, size_t cap)
{
    int n;

    if (cap == 0)
        return FALSE;
    out[0] = 0;
    if (cap > INT_MAX)
        cap = INT_MAX;
    n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, in, -1, out, (int)cap, NULL, NULL);
    if (n <= 0) {
        out[0] = 0;
        return FALSE;
    }
    return TRUE;
}

BOOL winstr_from_utf8(const char *in, wchar_t *out, size_t cap)
{
    int n;

    if (cap == 0)
        return FALSE;
    out[0] = 0;
    if (cap > INT_MAX)
        cap = INT_MAX;
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, in, -1, out, (int)cap);
    if (n <= 0) {
        out[0] = 0;
        return FALSE;
    }
    return TRUE;
}

const char *win_strerror(DWORD err, char *buf, size_t cap)
{
    wchar_t msg[512];
    char text[1024];
    DWORD n;

    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err,
                       MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), msg,
                       (DWORD)(sizeof msg / sizeof msg[0]), NULL);
    while (n > 0 &&
           (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L' ' || msg[n - 1] == L'.'))
        msg[--n] = 0;
    if (n == 0 || !winstr_to_utf8(msg, text, sizeof text))
        snprintf(buf, cap, "error %lu", (unsigned long)err);
    else
        snprintf(buf, cap, "%s (%lu)", text, (unsigned long)err);
    return buf;
}

BOOL winstr_copy(wchar_t *out, size_t cap, const wchar_t *in)
{
    size_t n = wcslen(in);
    if (n + 1 > cap) {
        if (cap)
            out[0] = 0;
        return FALSE;
    }
    wmemcpy(out, in, n + 1);
    return TRUE;
}

/* SMS.INI is ANSI on old clients and UTF-8 on ours: UTF-8 when it is
 * valid, else the ANSI code page. */
BOOL winstr_from_ini(const char *in, wchar_t *out, size_t cap)
{
    if (winstr_from_utf8(in, out, cap))
        return TRUE;
    if (cap == 0)
        return FALSE;
    if (MultiByteToWideChar(CP_ACP, 0, in, -1, out, cap > INT_MAX ? INT_MAX : (int)cap) > 0)
        return TRUE;
    out[0] = 0;
    return FALSE;
}
