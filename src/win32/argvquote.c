/*
 * argvquote.c: quoting one command-line argument (argvquote.h).
 */
#include "argvquote.h"

#include <wchar.h>

static BOOL needs_quotes(const wchar_t *arg)
{
    return arg[0] == 0 || wcspbrk(arg, L" \t\n\v\"") != NULL;
}

BOOL argv_quote_append(wchar_t *out, size_t cap, const wchar_t *arg)
{
    size_t len = wcslen(out), n = len;

#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (n + 1 >= cap)                                                                          \
            goto too_long;                                                                         \
        out[n++] = (c);                                                                            \
    } while (0)

    if (!needs_quotes(arg)) {
        for (const wchar_t *p = arg; *p; p++)
            PUT(*p);
        out[n] = 0;
        return TRUE;
    }
    PUT(L'"');
    for (const wchar_t *p = arg;; p++) {
        size_t slashes = 0;
        while (*p == L'\\') {
            slashes++;
            p++;
        }
        if (*p == 0) {
            /* Before the closing quote: every backslash doubled. */
            for (size_t i = 0; i < slashes * 2; i++)
                PUT(L'\\');
            break;
        }
        if (*p == L'"') {
            /* Doubled, then one more to make the quote a character. */
            for (size_t i = 0; i < slashes * 2 + 1; i++)
                PUT(L'\\');
            PUT(L'"');
            continue;
        }
        for (size_t i = 0; i < slashes; i++)
            PUT(L'\\');
        PUT(*p);
    }
    PUT(L'"');
    out[n] = 0;
    return TRUE;
#undef PUT

too_long:
    out[len] = 0;
    return FALSE;
}
