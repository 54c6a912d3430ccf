/*
 * maintwin.h: a maintenance window (policy ServerRestartWindow), the only
 * time the service may restart a server nobody is signed in to. Text as
 * an admin writes it: days, then a span of local time,
 *
 *     Sun 02:00-04:00      Mon-Fri 22:00-02:00      Sat,Sun 01:30-05:00
 *     Daily 03:00-04:00
 *
 * Day names in English, three letters, any case; a range wraps (Fri-Mon).
 * A span whose end is not after its start runs over midnight and belongs
 * to the day it starts on. Pure: times are local seconds since
 * 1970-01-01 00:00 (agent_time plus the local offset).
 */
#ifndef CLIMON_MAINTWIN_H
#define CLIMON_MAINTWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct maintwin {
    uint8_t days;       /* bit 0 Sunday .. bit 6 Saturday; 0: no window */
    uint16_t start_min; /* minutes after local midnight, 0..1439 */
    uint16_t end_min;   /* the same; <= start_min: the next day's */
} maintwin;

typedef enum maintwin_status {
    MAINTWIN_OK = 0,
    MAINTWIN_EMPTY,    /* nothing given: no window */
    MAINTWIN_BAD_DAYS, /* a day name or range is not one */
    MAINTWIN_BAD_TIME, /* not HH:MM-HH:MM, or out of range */
    MAINTWIN_TOO_LONG  /* more than 64 characters: not a window */
} maintwin_status;

/* Parses text (NUL-terminated); on any error *w is no window. */
maintwin_status maintwin_parse(const char *text, maintwin *w);
/* "days HH:MM-HH:MM" (as parsed, in its canonical spelling); "" for none. */
size_t maintwin_format(const maintwin *w, char *buf, size_t cap);
const char *maintwin_status_text(maintwin_status s);

/* Whether local second t lies in the window; when it does and open_start
 * is given, the local second that window opened. */
bool maintwin_contains(const maintwin *w, int64_t t, int64_t *open_start);
/* The first local second after t at which the window opens; 0: never
 * (no window). */
int64_t maintwin_next_open(const maintwin *w, int64_t t);

#endif
