/*
 * textbuf.h: text written into a caller's buffer a piece at a time, for
 * the core's file formats (state.c, clistatus.c). Private to src/core.
 * A piece that does not fit sets full and is dropped, as is every later
 * one: the writer checks full once at the end.
 */
#ifndef CLIMON_CORE_TEXTBUF_H
#define CLIMON_CORE_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct writer {
    char *buf;
    size_t cap, len;
    bool full;
} writer;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void textbuf_put(writer *w, const char *fmt, ...);

#endif
