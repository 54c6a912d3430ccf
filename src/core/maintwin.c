/*
 * maintwin.c: a maintenance window's text and its times (maintwin.h).
 */
#include "climon/maintwin.h"

#include <stdio.h>
#include <string.h>

#include "climon/civil.h"

#define MAINTWIN_TEXT_MAX 64
#define DAY_S 86400

static const char *const day_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int day_of(const char *p)
{
    for (int d = 0; d < 7; d++)
        if (lower(p[0]) == lower(day_names[d][0]) && lower(p[1]) == lower(day_names[d][1]) &&
            lower(p[2]) == lower(day_names[d][2]))
            return d;
    return -1;
}

static bool word_is(const char *p, size_t n, const char *w)
{
    if (strlen(w) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != lower(w[i]))
            return false;
    return true;
}

/* "Mon", "Mon-Fri", "Sat,Sun", "Daily" in [p, p + n). */
static bool parse_days(const char *p, size_t n, uint8_t *days)
{
    *days = 0;
    if (word_is(p, n, "daily")) {
        *days = 0x7f;
        return true;
    }
    size_t i = 0;
    while (i < n) {
        if (n - i < 3)
            return false;
        int a = day_of(p + i), b;
        if (a < 0)
            return false;
        i += 3;
        b = a;
        if (i < n && p[i] == '-') {
            if (n - i < 4 || (b = day_of(p + i + 1)) < 0)
                return false;
            i += 4;
        }
        for (int d = a;; d = (d + 1) % 7) {
            *days |= (uint8_t)(1u << d);
            if (d == b)
                break;
        }
        if (i < n) {
            if (p[i] != ',' || i + 1 == n)
                return false;
            i++;
        }
    }
    return *days != 0;
}

static bool parse_hhmm(const char *p, uint16_t *min)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] != ':' || p[3] < '0' ||
        p[3] > '9' || p[4] < '0' || p[4] > '9')
        return false;
    unsigned h = (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
    unsigned m = (unsigned)(p[3] - '0') * 10 + (unsigned)(p[4] - '0');
    if (h > 23 || m > 59)
        return false;
    *min = (uint16_t)(h * 60 + m);
    return true;
}

maintwin_status maintwin_parse(const char *text, maintwin *w)
{
    maintwin tmp;
    if (w == NULL)
        return MAINTWIN_EMPTY;
    memset(w, 0, sizeof *w);
    if (text == NULL)
        return MAINTWIN_EMPTY;
    size_t len = 0;
    while (len <= MAINTWIN_TEXT_MAX && text[len])
        len++;
    if (len > MAINTWIN_TEXT_MAX)
        return MAINTWIN_TOO_LONG;
    while (len && (text[0] == ' ' || text[0] == '\t')) {
        text++;
        len--;
    }
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (len == 0)
        return MAINTWIN_EMPTY;
    const char *sp = memchr(text, ' ', len);
    if (sp == NULL)
        return MAINTWIN_BAD_TIME;
    memset(&tmp, 0, sizeof tmp);
    if (!parse_days(text, (size_t)(sp - text), &tmp.days))
        return MAINTWIN_BAD_DAYS;
    const char *t = sp;
    while (*t == ' ')
        t++;
    if ((size_t)(text + len - t) != 11 || t[5] != '-' || !parse_hhmm(t, &tmp.start_min) ||
        !parse_hhmm(t + 6, &tmp.end_min))
        return MAINTWIN_BAD_TIME;
    *w = tmp;
    return MAINTWIN_OK;
}

size_t maintwin_format(const maintwin *w, char *buf, size_t cap)
{
    char days[40] = "";
    size_t n = 0;
    int r;
    if (buf == NULL || cap == 0)
        return 0;
    buf[0] = 0;
    if (w == NULL || w->days == 0)
        return 0;
    if (w->days == 0x7f) {
        snprintf(days, sizeof days, "Daily");
    } else {
        for (int d = 0; d < 7; d++)
            if (w->days & (1u << d)) {
                snprintf(days + n, sizeof days - n, "%s%s", n ? "," : "", day_names[d]);
                n = strlen(days);
            }
    }
    r = snprintf(buf, cap, "%s %02u:%02u-%02u:%02u", days, w->start_min / 60u, w->start_min % 60u,
                 w->end_min / 60u, w->end_min % 60u);
    if (r < 0 || (size_t)r >= cap) {
        buf[0] = 0;
        return 0;
    }
    return (size_t)r;
}

const char *maintwin_status_text(maintwin_status s)
{
    switch (s) {
    case MAINTWIN_OK:
        return "a window";
    case MAINTWIN_EMPTY:
        return "empty";
    case MAINTWIN_BAD_DAYS:
        return "the days are not Daily or day names (Sun, Mon-Fri, Sat,Sun)";
    case MAINTWIN_BAD_TIME:
        return "the times are not HH:MM-HH:MM";
    case MAINTWIN_TOO_LONG:
        return "longer than 64 characters";
    }
    return "invalid";
}

static int64_t span_s(const maintwin *w)
{
    int64_t m = (int64_t)w->end_min - w->start_min;
    return (m <= 0 ? m + 1440 : m) * 60;
}

/* The opening on day (days since 1970), when the window opens that day. */
static bool opens_on(const maintwin *w, int64_t day, int64_t *open)
{
    /* 1970-01-01 was a Thursday (4). */
    int64_t dow = (day % 7 + 7 + 4) % 7;
    if (!(w->days & (1u << dow)))
        return false;
    *open = day * DAY_S + (int64_t)w->start_min * 60;
    return true;
}

bool maintwin_contains(const maintwin *w, int64_t t, int64_t *open_start)
{
    int64_t open, today;
    if (w == NULL || w->days == 0)
        return false;
    today = civil_floor_div(t, DAY_S);
    /* A span over midnight may have opened yesterday. */
    for (int64_t day = today - 1; day <= today; day++)
        if (opens_on(w, day, &open) && t >= open && t < open + span_s(w)) {
            if (open_start)
                *open_start = open;
            return true;
        }
    return false;
}

int64_t maintwin_next_open(const maintwin *w, int64_t t)
{
    int64_t open, today;
    if (w == NULL || w->days == 0)
        return 0;
    today = civil_floor_div(t, DAY_S);
    for (int64_t day = today; day <= today + 7; day++)
        if (opens_on(w, day, &open) && open > t)
            return open;
    return 0;
}
