/*
 * cmlog.h: log lines in the format CMTrace (and Configuration Manager's
 * other log viewers) read:
 *
 *   <![LOG[text]LOG]!><time="13:49:09.123+060" date="11-24-2026"
 *   component="climon" context="" type="1" thread="1234" file="agent.c">
 *
 * time is local, the bias is minutes *added to local time to get UTC*
 * as CMTrace expects (UTC+1 writes -060... see cmlog_format). Text is made
 * safe first: control characters become spaces and the "]LOG]!>" closing
 * mark cannot appear inside it. Pure formatting; the shell writes the
 * file and decides on rollover with cmlog_should_roll().
 */
#ifndef CLIMON_CMLOG_H
#define CLIMON_CMLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMLOG_LINE_MAX 1024 /* a formatted line, CRLF included; longer text is cut */

typedef enum cmlog_type { CMLOG_INFO = 1, CMLOG_WARNING = 2, CMLOG_ERROR = 3 } cmlog_type;

typedef struct cmlog_time {
    unsigned year, month, day, hour, minute, second, millisecond; /* local time */
    int bias_minutes; /* UTC = local + bias (Windows' TIME_ZONE_INFORMATION.Bias) */
} cmlog_time;

/* Formats one line ending in CRLF into buf (cap >= CMLOG_LINE_MAX is always
 * enough). component and file may be NULL. Returns the length written. */
size_t cmlog_format(char *buf, size_t cap, const cmlog_time *t, cmlog_type type,
                    const char *component, uint32_t thread, const char *file, const char *text);

/* True when writing `adding` more bytes to a log of `size` bytes would pass
 * `max_bytes`, so the shell should rename it to .LO_ and start anew. */
bool cmlog_should_roll(uint64_t size, size_t adding, uint64_t max_bytes);

/* Parses one formatted line back (for tests and the status window's "last
 * lines"): copies the text out; false when the line is not in the format. */
bool cmlog_parse(const char *line, char *text, size_t cap, cmlog_type *type);

#endif
