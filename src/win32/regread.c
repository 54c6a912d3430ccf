/*
 * regread.c: typed registry reads (regread.h). RegGetValueW checks the type
 * and terminates strings, which RegQueryValueExW leaves to the caller.
 */
#include "regread.h"

#include "winstr.h"

DWORD regread_dword(HKEY key, const wchar_t *sub, const wchar_t *name, DWORD *out)
{
    DWORD v = 0, bytes = sizeof v;
    LSTATUS rc = RegGetValueW(key, sub, name, RRF_RT_REG_DWORD, NULL, &v, &bytes);
    if (rc == ERROR_SUCCESS)
        *out = v;
    return (DWORD)rc;
}

DWORD regread_sz(HKEY key, const wchar_t *sub, const wchar_t *name, wchar_t *out, size_t cap)
{
    DWORD bytes;
    LSTATUS rc;

    if (cap == 0)
        return ERROR_MORE_DATA;
    bytes = (DWORD)(cap > 0x7fffffff / sizeof(wchar_t) ? 0x7fffffff : cap * sizeof(wchar_t));
    rc = RegGetValueW(key, sub, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL,
                      out, &bytes);
    if (rc != ERROR_SUCCESS)
        out[0] = 0;
    return (DWORD)rc;
}

DWORD regread_sz_utf8(HKEY key, const wchar_t *sub, const wchar_t *name, char *out, size_t cap)
{
    wchar_t w[1024];
    DWORD err = regread_sz(key, sub, name, w, sizeof w / sizeof w[0]);

    if (cap)
        out[0] = 0;
    if (err != ERROR_SUCCESS)
        return err;
    return winstr_to_utf8(w, out, cap) ? ERROR_SUCCESS : ERROR_NO_UNICODE_TRANSLATION;
}
