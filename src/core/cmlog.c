/*
 * cmlog.c: formats and parses log lines in the CMTrace format, so an admin
 * can read CLIMON.LOG with the same viewer as the site's own logs.
 *
 * Everything lands in the caller's buffer; nothing is allocated or written
 * anywhere else. Text is made safe while it is copied: a control character
 * (a CR or LF would start a new, fake line) becomes a space, and the
 * closing mark "]LOG]!>" is broken by turning its first ']' into ')', so a
 * message can never end its own entry early. Attribute values (component,
 * file) lose their quotes and control characters for the same reason.
 */
#include "climon/cmlog.h"

#include <stdio.h>
#include <string.h>

#define CMLOG_OPEN "<![LOG["
#define CMLOG_CLOSE "]LOG]!>"
#define CMLOG_CLOSE_LEN 7
#define CMLOG_ATTR_MAX 64    /* component and file names are cut to this */
#define CMLOG_ELLIPSIS "..." /* marks text that was cut */

/* A byte that would let text escape its place: C0 controls and DEL. */
static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

static unsigned clamp_u(unsigned v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Copies an attribute value, made safe, cut to CMLOG_ATTR_MAX bytes. */
static void safe_attr(char *dst, const char *src)
{
    size_t n = 0;
    if (src != NULL) {
        for (; src[n] != '\0' && n < CMLOG_ATTR_MAX; n++) {
            unsigned char c = (unsigned char)src[n];
            dst[n] = is_control(c) ? ' ' : c == '"' ? '\'' : (char)c;
        }
    }
    dst[n] = '\0';
}

/* Length of the longest prefix of text, at most max bytes, that does not
 * end inside a UTF-8 sequence (a cut sequence shows as garbage). */
static size_t utf8_cut(const char *text, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Appends text to dst (room for n bytes + NUL), made safe. */
static size_t put_text(char *dst, const char *text, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        dst[k++] = is_control(c) ? ' ' : (char)c;
        /* Replacing a ']' never creates a new mark: the mark has no border
         * (no proper prefix equals a suffix), so occurrences cannot overlap
         * in a way this misses. */
        if (k >= CMLOG_CLOSE_LEN &&
            memcmp(dst + k - CMLOG_CLOSE_LEN, CMLOG_CLOSE, CMLOG_CLOSE_LEN) == 0)
            dst[k - CMLOG_CLOSE_LEN] = ')';
    }
    dst[k] = '\0';
    return k;
}

size_t cmlog_format(char *buf, size_t cap, const cmlog_time *t, cmlog_type type,
                    const char *component, uint32_t thread, const char *file, const char *text)
{
    if (buf == NULL || cap == 0)
        return 0;
    buf[0] = '\0';
    if (t == NULL)
        return 0;
    if (type < CMLOG_INFO || type > CMLOG_ERROR)
        type = CMLOG_ERROR; /* an unknown severity is shown, not hidden */

    char comp[CMLOG_ATTR_MAX + 1], fname[CMLOG_ATTR_MAX + 1];
    safe_attr(comp, component);
    safe_attr(fname, file);

    /* Three digits after the sign, as CMTrace reads it; real biases are
     * within -840..+720 minutes. */
    int bias = t->bias_minutes < -999 ? -999 : t->bias_minutes > 999 ? 999 : t->bias_minutes;
    char tail[320];
    int tl = snprintf(tail, sizeof tail,
                      "<time=\"%02u:%02u:%02u.%03u%c%03d\" date=\"%02u-%02u-%04u\" "
                      "component=\"%s\" context=\"\" type=\"%d\" thread=\"%lu\" file=\"%s\">\r\n",
                      clamp_u(t->hour, 0, 23), clamp_u(t->minute, 0, 59), clamp_u(t->second, 0, 59),
                      clamp_u(t->millisecond, 0, 999), bias < 0 ? '-' : '+',
                      bias < 0 ? -bias : bias, clamp_u(t->month, 1, 12), clamp_u(t->day, 1, 31),
                      clamp_u(t->year, 1601, 9999), comp, (int)type, (unsigned long)thread, fname);
    if (tl < 0 || (size_t)tl >= sizeof tail)
        return 0;

    size_t limit = cap < CMLOG_LINE_MAX ? cap : CMLOG_LINE_MAX; /* NUL included */
    size_t fixed = strlen(CMLOG_OPEN) + CMLOG_CLOSE_LEN + (size_t)tl;
    if (limit < fixed + 1)
        return 0;
    size_t room = limit - fixed - 1;

    const char *src = text != NULL ? text : "";
    size_t len = strlen(src);
    size_t n;
    bool cut = len > room;
    if (cut) {
        size_t ell = strlen(CMLOG_ELLIPSIS);
        n = room >= ell ? utf8_cut(src, len, room - ell) : 0;
    } else {
        n = len;
    }

    size_t pos = 0;
    memcpy(buf, CMLOG_OPEN, strlen(CMLOG_OPEN));
    pos += strlen(CMLOG_OPEN);
    pos += put_text(buf + pos, src, n);
    if (cut && room >= strlen(CMLOG_ELLIPSIS)) {
        /* The ellipsis cannot complete a mark: it holds no '>'. */
        memcpy(buf + pos, CMLOG_ELLIPSIS, strlen(CMLOG_ELLIPSIS));
        pos += strlen(CMLOG_ELLIPSIS);
    }
    memcpy(buf + pos, CMLOG_CLOSE, CMLOG_CLOSE_LEN);
    pos += CMLOG_CLOSE_LEN;
    memcpy(buf + pos, tail, (size_t)tl + 1);
    return pos + (size_t)tl;
}

bool cmlog_should_roll(uint64_t size, size_t adding, uint64_t max_bytes)
{
    /* Rolling an empty log gains nothing: a line longer than the limit is
     * written to a fresh file rather than rolling it away forever. */
    if (size == 0)
        return false;
    if ((uint64_t)adding > max_bytes)
        return true;
    return size > max_bytes - (uint64_t)adding;
}

/* Finds the value of attribute name in the attribute list attrs (which ends
 * at '>'); returns its start and length, or NULL. */
static const char *find_attr(const char *attrs, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    const char *p = attrs;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '>' || *p == '\0')
            return NULL;
        const char *eq = strchr(p, '=');
        if (eq == NULL || eq[1] != '"')
            return NULL;
        const char *v = eq + 2;
        const char *end = strchr(v, '"');
        if (end == NULL)
            return NULL;
        if ((size_t)(eq - p) == nl && memcmp(p, name, nl) == 0) {
            *vlen = (size_t)(end - v);
            return v;
        }
        p = end + 1;
    }
}

/* The attribute list is well formed: name="value" pairs, then '>' and
 * nothing but an optional line end. */
static bool attrs_ok(const char *p)
{
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '>')
            break;
        const char *eq = strchr(p, '=');
        if (eq == NULL || eq == p || eq[1] != '"')
            return false;
        for (const char *q = p; q < eq; q++)
            if (*q == ' ' || *q == '>' || *q == '"')
                return false;
        const char *end = strchr(eq + 2, '"');
        if (end == NULL)
            return false;
        p = end + 1;
    }
    p++;
    return strcmp(p, "") == 0 || strcmp(p, "\n") == 0 || strcmp(p, "\r\n") == 0;
}

bool cmlog_parse(const char *line, char *text, size_t cap, cmlog_type *type)
{
    if (line == NULL || text == NULL || cap == 0)
        return false;
    text[0] = '\0';
    size_t ol = strlen(CMLOG_OPEN);
    if (strncmp(line, CMLOG_OPEN, ol) != 0)
        return false;
    const char *body = line + ol;
    const char *close = strstr(body, CMLOG_CLOSE);
    if (close == NULL || close[CMLOG_CLOSE_LEN] != '<')
        return false;
    const char *attrs = close + CMLOG_CLOSE_LEN + 1;
    if (!attrs_ok(attrs))
        return false;

    size_t vl;
    if (find_attr(attrs, "time", &vl) == NULL || find_attr(attrs, "date", &vl) == NULL)
        return false;
    const char *tv = find_attr(attrs, "type", &vl);
    if (tv == NULL || vl != 1 || tv[0] < '1' || tv[0] > '3')
        return false;

    size_t n = (size_t)(close - body);
    if (n >= cap)
        n = utf8_cut(body, n, cap - 1);
    memcpy(text, body, n);
    text[n] = '\0';
    if (type != NULL)
        *type = (cmlog_type)(tv[0] - '0');
    return true;
}
