/*
 * state.c: the agent's persisted state as INI text (docs/protocol.md,
 * "Persisted state").
 *
 * One key per field, numbers in decimal, times in seconds since 1970 UTC,
 * so an admin can read the file and the parser can check every value. The
 * reader is strict: every key must be present and in range, and the file
 * must end with "End=1", so a file cut short by a full disk is refused
 * rather than half believed. On any error the caller gets the default
 * state, which knows nothing and has nothing pending: it never prompts and
 * never runs Client Setup by itself.
 *
 * The fields, their keys and whether a file may lack them are one table,
 * statefields.h: format and parse below both run over it, and the agent's
 * "did a persisted field change" over the same table. Keys added to
 * format 1 later may be missing: a file of an older agent is read with
 * their defaults, not thrown away with the pending change it holds.
 */
#include "climon/state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "statefields.h"
#include "textbuf.h"

/* Times past the end of year 9999 are damage, not dates. */
#define STATE_TIME_MAX 253402300799ull
/* Uptime in seconds: a machine up for more than a few centuries is damage. */
#define STATE_UPTIME_MAX (1000ull * 365 * 86400)

static const char *const pending_names[] = {"none", "logoff", "restart"};
static const char *const clv_names[] = {"ok",       "missing",    "empty",     "not-numeric",
                                        "overflow", "file-error", "unreadable"};
static const char *const result_names[] = {"same", "differs", "unknown"};
#define NAMES(a) (sizeof(a) / sizeof((a)[0]))
#define INI_STATUS_LAST INI_ERR_NO_SPACE

typedef char state_text[AGENT_TEXT_MAX + 1];
_Static_assert(sizeof(((agent_state *)0)->components) == sizeof(state_text), "TEXT fields");
_Static_assert(sizeof(((agent_state *)0)->last_error) == sizeof(state_text), "TEXT fields");
_Static_assert(sizeof(((agent_state *)0)->forward_error) == sizeof(state_text), "TEXT fields");
_Static_assert(sizeof(((agent_machine *)0)->last_error) == sizeof(state_text), "TEXT fields");
_Static_assert(sizeof(((agent_machine *)0)->forward_error) == sizeof(state_text), "TEXT fields");

/* ---- writing: put_<kind>(w, key, &field) ---- */

static const char *name_of(const char *const *names, size_t n, unsigned v)
{
    return v < n ? names[v] : "invalid"; /* refused when read back */
}

static void put_BOOL(writer *w, const char *key, const bool *v)
{
    textbuf_put(w, "%s=%d\r\n", key, *v ? 1 : 0);
}

static void put_U32(writer *w, const char *key, const uint32_t *v)
{
    textbuf_put(w, "%s=%lu\r\n", key, (unsigned long)*v);
}

static void put_I32(writer *w, const char *key, const int32_t *v)
{
    textbuf_put(w, "%s=%ld\r\n", key, (long)*v);
}

static void put_TIME(writer *w, const char *key, const agent_time *v)
{
    textbuf_put(w, "%s=%llu\r\n", key, (unsigned long long)*v);
}

static void put_UPTIME(writer *w, const char *key, const uint64_t *v)
{
    textbuf_put(w, "%s=%llu\r\n", key, (unsigned long long)*v);
}

static void put_PENDING(writer *w, const char *key, const agent_pending *v)
{
    textbuf_put(w, "%s=%s\r\n", key, name_of(pending_names, NAMES(pending_names), (unsigned)*v));
}

static void put_RESULT(writer *w, const char *key, const clv_result *v)
{
    textbuf_put(w, "%s=%s\r\n", key, name_of(result_names, NAMES(result_names), (unsigned)*v));
}

/* A text value as one INI line: control characters become spaces (they
 * cannot stand in a value) and outer spaces go (the reader trims them). */
static void put_chars(writer *w, const char *key, const char *text, size_t size)
{
    char clean[AGENT_TEXT_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < size && text[i] != '\0' && n + 1 < sizeof clean; i++) {
        unsigned char c = (unsigned char)text[i];
        clean[n++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    while (n > 0 && clean[n - 1] == ' ')
        n--;
    clean[n] = '\0';
    size_t lead = 0;
    while (clean[lead] == ' ')
        lead++;
    textbuf_put(w, "%s=%s\r\n", key, clean + lead);
}

static void put_TEXT(writer *w, const char *key, const state_text *v)
{
    put_chars(w, key, *v, sizeof *v);
}

static void put_CLV(writer *w, const char *prefix, const clv *v)
{
    textbuf_put(w, "%sVersion=%lu\r\n", prefix, (unsigned long)v->value);
    textbuf_put(w, "%sVersionStatus=%s\r\n", prefix,
                name_of(clv_names, NAMES(clv_names), (unsigned)v->status));
    textbuf_put(w, "%sFileError=%lu\r\n", prefix, (unsigned long)v->file_error.status);
    textbuf_put(w, "%sFileErrorLine=%lu\r\n", prefix, (unsigned long)v->file_error.line);
}

static void put_HASHES(writer *w, const char *key, const agent_hashes *v)
{
    textbuf_put(w, "%s=", key);
    for (uint32_t i = 0; i < v->n && i < AGENT_REPORT_COMPONENTS; i++)
        textbuf_put(w, "%s%08lX", i ? "," : "", (unsigned long)v->h[i]);
    textbuf_put(w, "\r\n");
}

static void put_KEPT(writer *w, const char *key, const agent_kept *v)
{
    uint32_t n = v->n > AGENT_KEPT_MAX ? AGENT_KEPT_MAX : v->n;
    textbuf_put(w, "%s=%lu\r\n", key, (unsigned long)n);
    for (uint32_t i = 0; i < n; i++) {
        char k[16], value[AGENT_KEPT_NAME_MAX + 16];
        snprintf(k, sizeof k, "Kept%lu", (unsigned long)(i + 1));
        snprintf(value, sizeof value, "%08lX %s", (unsigned long)v->f[i].hash, v->f[i].name);
        put_chars(w, k, value, sizeof value);
    }
}

/* A file's head (comment lines, section, Format) and its End line; the
 * length, or 0 (buf "") when it did not fit. */
static writer file_begin(char *buf, size_t cap, const char *comment, const char *section)
{
    writer w = {buf, cap < STATE_MAX_BYTES ? cap : STATE_MAX_BYTES, 0, false};
    textbuf_put(&w, "%s", comment);
    textbuf_put(&w, "[%s]\r\n", section);
    textbuf_put(&w, "Format=%d\r\n", STATE_FORMAT_VERSION);
    return w;
}

static size_t file_end(writer *w)
{
    textbuf_put(w, "End=1\r\n");
    if (w->full) {
        w->buf[0] = '\0';
        return 0;
    }
    return w->len;
}

size_t state_format(const agent_state *st, char *buf, size_t cap)
{
    if (st == NULL || buf == NULL || cap == 0)
        return 0;
    writer w = file_begin(buf, cap,
                          "; Climon's state: written by climon.exe, read at its start "
                          "(docs/protocol.md).\r\n"
                          "; Times are seconds since 1970-01-01 UTC. Delete the file to start "
                          "afresh.\r\n",
                          STATE_SECTION);
#define PUT_FIELD(kind, field, key, required) put_##kind(&w, key, &st->field);
    STATE_FIELDS(PUT_FIELD)
#undef PUT_FIELD
    return file_end(&w);
}

/* ---- reading: get_<kind>(r, key, &field, required) ---- */

typedef struct reader {
    const void *data;
    size_t len;
    state_error *err;
    const char *section;
} reader;

static bool field_error(reader *r, const char *key, ini_status why)
{
    r->err->status = STATE_ERR_FIELD;
    r->err->ini.status = why; /* INI_NOT_FOUND: missing; INI_OK: out of range */
    r->err->ini.line = 0;
    snprintf(r->err->key, sizeof r->err->key, "%s", key);
    return false;
}

/* The value of key into out. A required key that is missing is an error;
 * an optional one is *found false and out "". */
static bool value(reader *r, const char *key, char *out, size_t cap, bool required, bool *found)
{
    ini_error ie;
    ini_status s = ini_get(r->data, r->len, r->section, key, out, cap, &ie);
    *found = s == INI_OK;
    if (s == INI_NOT_FOUND && !required) {
        out[0] = '\0';
        return true;
    }
    if (s != INI_OK)
        return field_error(r, key, s == INI_ERR_VALUE_TOO_LONG ? s : INI_NOT_FOUND);
    return true;
}

/* Decimal digits only, at most max. */
static bool parse_u64(const char *s, unsigned long long max, unsigned long long *v)
{
    unsigned long long x = 0;
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (x > max / 10 || (x == max / 10 && d > max % 10))
            return false;
        x = x * 10 + d;
    }
    *v = x;
    return true;
}

/* A number up to max; an optional key that is missing is 0. */
static bool number(reader *r, const char *key, unsigned long long max, bool required,
                   unsigned long long *v)
{
    char text[32];
    bool found;
    if (!value(r, key, text, sizeof text, required, &found))
        return false;
    if (!found) {
        *v = 0;
        return true;
    }
    if (!parse_u64(text, max, v))
        return field_error(r, key, INI_OK);
    return true;
}

/* get_<kind> of the number kinds: decimal up to max (BOOL: 0 or 1). */
#define GET_NUMBER(kind, type, max)                                                                \
    static bool get_##kind(reader *r, const char *key, type *out, bool required)                   \
    {                                                                                              \
        unsigned long long v;                                                                      \
        if (!number(r, key, max, required, &v))                                                    \
            return false;                                                                          \
        *out = (type)v;                                                                            \
        return true;                                                                               \
    }
GET_NUMBER(U32, uint32_t, UINT32_MAX)
GET_NUMBER(TIME, agent_time, STATE_TIME_MAX)
GET_NUMBER(UPTIME, uint64_t, STATE_UPTIME_MAX)
#undef GET_NUMBER

static bool get_BOOL(reader *r, const char *key, bool *out, bool required)
{
    unsigned long long v;
    if (!number(r, key, 1, required, &v))
        return false;
    *out = v == 1;
    return true;
}

static bool get_I32(reader *r, const char *key, int32_t *out, bool required)
{
    char text[32];
    bool found;
    unsigned long long v;
    if (!value(r, key, text, sizeof text, required, &found))
        return false;
    if (!found) {
        *out = 0;
        return true;
    }
    bool neg = text[0] == '-';
    if (!parse_u64(text + neg, neg ? 2147483648ull : 2147483647ull, &v))
        return field_error(r, key, INI_OK);
    *out = neg ? (int32_t)(-(long long)v) : (int32_t)v;
    return true;
}

/* One of names (exact spelling, as written); a missing optional key is the
 * first. */
static bool get_name(reader *r, const char *key, const char *const *names, size_t n, bool required,
                     unsigned *out)
{
    char text[32];
    bool found;
    if (!value(r, key, text, sizeof text, required, &found))
        return false;
    if (!found) {
        *out = 0;
        return true;
    }
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    return field_error(r, key, INI_OK);
}

static bool get_PENDING(reader *r, const char *key, agent_pending *out, bool required)
{
    unsigned v;
    if (!get_name(r, key, pending_names, NAMES(pending_names), required, &v))
        return false;
    *out = (agent_pending)v;
    return true;
}

static bool get_RESULT(reader *r, const char *key, clv_result *out, bool required)
{
    unsigned v;
    if (!get_name(r, key, result_names, NAMES(result_names), required, &v))
        return false;
    *out = (clv_result)v;
    return true;
}

static bool get_TEXT(reader *r, const char *key, state_text *out, bool required)
{
    bool found;
    return value(r, key, *out, sizeof *out, required, &found);
}

static bool get_CLV(reader *r, const char *prefix, clv *v, bool required)
{
    char key[32];
    unsigned status;
    uint32_t fe, line;
    snprintf(key, sizeof key, "%sVersion", prefix);
    if (!get_U32(r, key, &v->value, required))
        return false;
    snprintf(key, sizeof key, "%sVersionStatus", prefix);
    if (!get_name(r, key, clv_names, NAMES(clv_names), required, &status))
        return false;
    v->status = (clv_status)status;
    snprintf(key, sizeof key, "%sFileError", prefix);
    if (!get_U32(r, key, &fe, required))
        return false;
    if (fe > (uint32_t)INI_STATUS_LAST)
        return field_error(r, key, INI_OK);
    v->file_error.status = (ini_status)fe;
    snprintf(key, sizeof key, "%sFileErrorLine", prefix);
    if (!get_U32(r, key, &line, required))
        return false;
    v->file_error.line = line;
    return true;
}

/* "1A2B3C4D,..." (at most AGENT_REPORT_COMPONENTS hashes); "" none. */
static bool get_HASHES(reader *r, const char *key, agent_hashes *out, bool required)
{
    char text[AGENT_REPORT_COMPONENTS * 9 + 8];
    bool found;
    out->n = 0;
    if (!value(r, key, text, sizeof text, required, &found))
        return false;
    for (const char *p = text; *p != '\0';) {
        uint32_t v = 0;
        unsigned digits = 0;
        for (; digits < 8; digits++, p++) {
            char c = *p;
            unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 16u;
            if (d == 16u)
                break;
            v = v << 4 | d;
        }
        if (digits != 8 || out->n >= AGENT_REPORT_COMPONENTS || (*p != ',' && *p != '\0') ||
            (*p == ',' && p[1] == '\0'))
            return field_error(r, key, INI_OK);
        out->h[out->n++] = v;
        if (*p == ',')
            p++;
    }
    return true;
}

/* "<8 hex digits> <file name>": a plain file name, as FindFirstFile gives. */
static bool parse_kept(const char *text, agent_kept_file *f)
{
    uint32_t h = 0;
    for (int i = 0; i < 8; i++) {
        char c = text[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                            : 16u;
        if (d == 16u)
            return false;
        h = h << 4 | d;
    }
    const char *name = text + 9;
    size_t n = strlen(name);
    if (text[8] != ' ' || n == 0 || n > AGENT_KEPT_NAME_MAX || strpbrk(name, "\\/:*?\"<>|"))
        return false;
    memcpy(f->name, name, n + 1);
    f->hash = h;
    return true;
}

static bool get_KEPT(reader *r, const char *key, agent_kept *out, bool required)
{
    if (!get_U32(r, key, &out->n, required))
        return false;
    if (out->n > AGENT_KEPT_MAX)
        return field_error(r, key, INI_OK);
    for (uint32_t i = 0; i < out->n; i++) {
        char k[16], text[AGENT_KEPT_NAME_MAX + 16];
        bool found;
        snprintf(k, sizeof k, "Kept%lu", (unsigned long)(i + 1));
        /* Each one KeptFiles counts must be there, whatever KeptFiles is. */
        if (!value(r, k, text, sizeof text, true, &found))
            return false;
        if (!parse_kept(text, &out->f[i]))
            return field_error(r, k, INI_OK);
    }
    return true;
}

/* The last line: a file cut anywhere before it lacks it or has "End=". */
static bool end_line(reader *r)
{
    char end[8];
    bool found;
    if (!value(r, "End", end, sizeof end, true, &found))
        return false;
    if (strcmp(end, "1") != 0)
        return field_error(r, "End", INI_OK);
    return true;
}

static bool get_fields(reader *r, agent_state *st)
{
#define GET_FIELD(kind, field, key, required) &&get_##kind(r, key, &st->field, required)
    if (!(true STATE_FIELDS(GET_FIELD)))
        return false;
#undef GET_FIELD
    return end_line(r);
}

/* The file as a whole: INI that the INI layer takes, and section's
 * Format=STATE_FORMAT_VERSION. false with err filled otherwise. */
static bool file_ok(const void *data, size_t len, const char *section, state_error *err)
{
    ini_status s = ini_check(data, len, NULL, &err->ini);
    if (s != INI_OK) {
        err->status = STATE_ERR_FILE;
        err->ini.status = s;
        return false;
    }
    memset(&err->ini, 0, sizeof err->ini);

    char format[16], want[16];
    ini_error ie;
    snprintf(want, sizeof want, "%d", STATE_FORMAT_VERSION);
    if (ini_get(data, len, section, "Format", format, sizeof format, &ie) != INI_OK ||
        strcmp(format, want) != 0) {
        /* A newer agent's file is not guessed at: its fields may mean more. */
        err->status = STATE_ERR_VERSION;
        snprintf(err->key, sizeof err->key, "Format");
        return false;
    }
    return true;
}

/* Both parsers' start: a NULL file is an empty one, and its head is
 * checked before any field is read. */
static bool parse_begin(reader *r, const void *data, size_t len, const char *section)
{
    if (data == NULL) {
        data = "";
        len = 0;
    }
    r->data = data;
    r->len = len;
    r->section = section;
    return file_ok(data, len, section, r->err);
}

/* The caller's error record, or local when it gave none; cleared. */
static state_error *error_of(state_error *err, state_error *local)
{
    if (err == NULL)
        err = local;
    memset(err, 0, sizeof *err);
    return err;
}

state_status state_parse(const void *data, size_t len, agent_state *st, state_error *err)
{
    state_error local_err;
    reader r;
    agent_state tmp;
    err = error_of(err, &local_err);
    if (st == NULL)
        return STATE_ERR_FILE;
    agent_state_init(st);
    r.err = err;
    agent_state_init(&tmp);
    if (!parse_begin(&r, data, len, STATE_SECTION) || !get_fields(&r, &tmp))
        return err->status; /* *st stays the default */
    *st = tmp;
    err->status = STATE_OK;
    return STATE_OK;
}

size_t state_format_machine(const agent_machine *m, char *buf, size_t cap)
{
    if (m == NULL || buf == NULL || cap == 0)
        return 0;
    writer w = file_begin(buf, cap,
                          "; This PC's checks, by the agent that does them (docs/protocol.md).\r\n",
                          MACHINE_SECTION);
#define PUT_FIELD(kind, field, key, required) put_##kind(&w, key, &m->field);
    MACHINE_FIELDS(PUT_FIELD)
#undef PUT_FIELD
    return file_end(&w);
}

static bool get_machine_fields(reader *r, agent_machine *m)
{
#define GET_FIELD(kind, field, key, required) &&get_##kind(r, key, &m->field, required)
    if (!(true MACHINE_FIELDS(GET_FIELD)))
        return false;
#undef GET_FIELD
    return end_line(r);
}

state_status state_parse_machine(const void *data, size_t len, agent_machine *m, state_error *err)
{
    state_error local_err;
    reader r;
    agent_machine tmp;
    err = error_of(err, &local_err);
    if (m == NULL)
        return STATE_ERR_FILE;
    memset(m, 0, sizeof *m);
    r.err = err;
    memset(&tmp, 0, sizeof tmp);
    if (!parse_begin(&r, data, len, MACHINE_SECTION) || !get_machine_fields(&r, &tmp))
        return err->status;
    *m = tmp;
    err->status = STATE_OK;
    return STATE_OK;
}

size_t state_error_format(const state_error *err, char *buf, size_t cap)
{
    char detail[96];
    int n;
    if (err == NULL)
        return 0;
    switch (err->status) {
    case STATE_OK:
        n = snprintf(buf, cap, "state file read");
        break;
    case STATE_ERR_FILE:
        ini_error_format(&err->ini, detail, sizeof detail);
        n = snprintf(buf, cap, "state file rejected: %s", detail);
        break;
    case STATE_ERR_VERSION:
        n = snprintf(buf, cap,
                     "state file has no Format=%d (damaged, or written by a newer Climon)",
                     STATE_FORMAT_VERSION);
        break;
    case STATE_ERR_FIELD:
        n = snprintf(buf, cap, "state file field %s %s", err->key,
                     err->ini.status == INI_NOT_FOUND            ? "is missing (file cut short?)"
                     : err->ini.status == INI_ERR_VALUE_TOO_LONG ? "is too long"
                                                                 : "is out of range");
        break;
    default:
        n = snprintf(buf, cap, "state file: unknown error %d", (int)err->status);
        break;
    }
    return n < 0 ? 0 : (size_t)n;
}
