/*
 * res.c: the agent's resources: user text comes from the string table
 * (res/climon.rc), never from the code, so it can be translated.
 */
#include "climon.h"

const wchar_t *res_string(UINT id, wchar_t *buf, int cap)
{
    /* The module of this code, whichever program links it (climon.exe or
     * a test): its string table is the one linked with it. */
    if (cap > 0 && LoadStringW(GetModuleHandleW(NULL), id, buf, cap) <= 0)
        buf[0] = 0;
    return buf;
}
