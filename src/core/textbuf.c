/*
 * textbuf.c: pieces of text into a bounded buffer (textbuf.h).
 */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>

void textbuf_put(writer *w, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (w->full)
        return;
    va_start(ap, fmt);
    n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= w->cap - w->len) {
        w->full = true;
        return;
    }
    w->len += (size_t)n;
}
