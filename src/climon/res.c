/*
 * res.c: the agent's resources: user text comes from the string table
 * (res/climon-*.rc2), never from the code, so it can be translated.
 *
 * Strings and the menu are loaded in the language lang.c picks, through
 * FindResourceEx rather than LoadString/LoadMenu (which choose a language
 * of their own, differently on Windows and under Wine). A string missing
 * in that language comes in English, so a half-done translation shows
 * English words, never an empty label.
 */
#include "climon.h"

#include <string.h>

#define RES_FALLBACK MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US)

/* The module of this code, whichever program links it (climon.exe or a
 * test): its resources are the ones linked with it. */
static HMODULE module(void)
{
    return GetModuleHandleW(NULL);
}

/* The string table keeps strings in blocks of 16 (block id / 16 + 1), each
 * a length-prefixed UTF-16 string with no terminator. Copies string id
 * in lang into buf; FALSE when that language has no such string. */
static BOOL load_in(LANGID lang, UINT id, wchar_t *buf, int cap)
{
    HRSRC r = FindResourceExW(module(), (LPCWSTR)RT_STRING, MAKEINTRESOURCEW((id >> 4) + 1), lang);
    HGLOBAL g = r ? LoadResource(module(), r) : NULL;
    const WCHAR *p = g ? (const WCHAR *)LockResource(g) : NULL;
    const WCHAR *end;
    UINT len;

    if (!p)
        return FALSE;
    end = (const WCHAR *)((const BYTE *)p + SizeofResource(module(), r));
    for (UINT i = 0; i < (id & 15u); i++) {
        if (p >= end)
            return FALSE;
        p += 1 + *p;
    }
    if (p >= end || *p == 0)
        return FALSE;
    len = *p++;
    if (p + len > end)
        return FALSE;
    if (len >= (UINT)cap)
        len = (UINT)cap - 1; /* cut, as LoadString does */
    memcpy(buf, p, len * sizeof *buf);
    buf[len] = 0;
    return TRUE;
}

const wchar_t *res_string_in(LANGID lang, UINT id, wchar_t *buf, int cap)
{
    if (cap <= 0)
        return buf;
    if (!load_in(lang, id, buf, cap) && !load_in(RES_FALLBACK, id, buf, cap))
        buf[0] = 0;
    return buf;
}

const wchar_t *res_string(UINT id, wchar_t *buf, int cap)
{
    return res_string_in(lang_user(), id, buf, cap);
}

const wchar_t *res_plural(UINT id_one, unsigned long n, wchar_t *buf, int cap)
{
    LANGID lang = lang_user();
    return res_string_in(lang, id_one + lang_plural_form(lang, n), buf, cap);
}

HMENU res_menu(UINT id)
{
    HRSRC r = FindResourceExW(module(), (LPCWSTR)RT_MENU, MAKEINTRESOURCEW(id), lang_user());
    HGLOBAL g;

    if (!r)
        r = FindResourceExW(module(), (LPCWSTR)RT_MENU, MAKEINTRESOURCEW(id), RES_FALLBACK);
    g = r ? LoadResource(module(), r) : NULL;
    return g ? LoadMenuIndirectW((const MENUTEMPLATEW *)LockResource(g)) : NULL;
}
