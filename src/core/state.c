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
 * state_format() and state_parse() list the same keys in the same order;
 * the round-trip test sets every field and would catch one forgotten.
 *
 * Keys added to format 1 later (the failure classes' block: CredRefusedAt
 * and the like) may be missing: a file of an agent before them is read
 * with their defaults, not thrown away with the pending change it holds.
 * When present they are checked like every other key.
 */
#include "climon/state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Times past the end of year 9999 are damage, not dates. */
#define STATE_TIME_MAX 253402300799ull

static const char *const pending_names[] = {"none", "logoff", "restart"};
static const char *const clv_names[] = {"ok",       "missing",    "empty",     "not-numeric",
                                        "overflow", "file-error", "unreadable"};
static const char *const result_names[] = {"same", "differs", "unknown"};
#define NAMES(a) (sizeof(a) / sizeof((a)[0]))
#define INI_STATUS_LAST INI_ERR_NO_SPACE

/* ---- writing ---- */

typedef struct writer {
    char *buf;
    size_t cap, len;
    bool full;
} writer;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
put(writer *w, const char *fmt, ...)
{
    if (w->full)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= w->cap - w->len) {
        w->full = true;
        return;
    }
    w->len += (size_t)n;
}

static void put_time(writer *w, const char *key, agent_time t)
{
    put(w, "%s=%llu\r\n", key, (unsigned long long)t);
}

static void put_u32(writer *w, const char *key, uint32_t v)
{
    put(w, "%s=%lu\r\n", key, (unsigned long)v);
}

static void put_bool(writer *w, const char *key, bool v)
{
    put(w, "%s=%d\r\n", key, v ? 1 : 0);
}

static const char *name_of(const char *const *names, size_t n, unsigned v)
{
    return v < n ? names[v] : "invalid"; /* refused when read back */
}

/* A text value as one INI line: control characters become spaces (they
 * cannot stand in a value) and outer spaces go (the reader trims them). */
static void put_text(writer *w, const char *key, const char *text, size_t size)
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
    put(w, "%s=%s\r\n", key, clean + lead);
}

static void put_clv(writer *w, const char *prefix, const clv *v)
{
    char key[32];
    snprintf(key, sizeof key, "%sVersion", prefix);
    put_u32(w, key, v->value);
    put(w, "%sVersionStatus=%s\r\n", prefix,
        name_of(clv_names, NAMES(clv_names), (unsigned)v->status));
    snprintf(key, sizeof key, "%sFileError", prefix);
    put_u32(w, key, (uint32_t)v->file_error.status);
    snprintf(key, sizeof key, "%sFileErrorLine", prefix);
    put_u32(w, key, v->file_error.line);
}

/* The failure classes' block (issue 11.5, 11.6, 17.4, 17.6). */
static void put_failures(writer *w, const agent_state *st)
{
    uint32_t n = st->kept.n > AGENT_KEPT_MAX ? AGENT_KEPT_MAX : st->kept.n;
    put_time(w, "CredRefusedAt", st->creds_refused_at);
    put_time(w, "CredRefusedLogon", st->creds_refused_logon);
    put_time(w, "CredRefusedBoot", st->creds_refused_boot);
    put_text(w, "ForwardError", st->forward_error, sizeof st->forward_error);
    put_u32(w, "KeptFiles", n);
    for (uint32_t i = 0; i < n; i++) {
        char key[16], value[AGENT_KEPT_NAME_MAX + 16];
        snprintf(key, sizeof key, "Kept%lu", (unsigned long)(i + 1));
        snprintf(value, sizeof value, "%08lX %s", (unsigned long)st->kept.f[i].hash,
                 st->kept.f[i].name);
        put_text(w, key, value, sizeof value);
    }
}

size_t state_format(const agent_state *st, char *buf, size_t cap)
{
    if (st == NULL || buf == NULL || cap == 0)
        return 0;
    size_t limit = cap < STATE_MAX_BYTES ? cap : STATE_MAX_BYTES;
    writer w = {buf, limit, 0, false};
    put(&w, "; Climon's state: written by climon.exe, read at its start (docs/protocol.md).\r\n");
    put(&w, "; Times are seconds since 1970-01-01 UTC. Delete the file to start afresh.\r\n");
    put(&w, "[%s]\r\n", STATE_SECTION);
    put(&w, "Format=%d\r\n", STATE_FORMAT_VERSION);
    put_bool(&w, "SetupRan", st->setup_ran);
    put_u32(&w, "SetupVersion", st->setup_version);
    put_bool(&w, "SetupOk", st->setup_ok);
    put_u32(&w, "SetupFailures", st->setup_failures);
    put_time(&w, "SetupRetryAt", st->setup_retry_at);
    put(&w, "LastSetupExit=%ld\r\n", (long)st->last_setup_exit);
    put_u32(&w, "ShareFailures", st->share_failures);
    put_time(&w, "ShareRetryAt", st->share_retry_at);
    put_time(&w, "RequestSince", st->request_since);
    put(&w, "Pending=%s\r\n", name_of(pending_names, NAMES(pending_names), (unsigned)st->pending));
    put_time(&w, "PendingSince", st->pending_since);
    put_time(&w, "PendingBoot", st->pending_boot);
    put_time(&w, "PendingLogon", st->pending_logon);
    put(&w, "PendingUptime=%llu\r\n", (unsigned long long)st->pending_uptime);
    put_u32(&w, "PendingBootId", st->pending_boot_id);
    put_u32(&w, "ChangeId", st->change_id);
    put_time(&w, "ChangeWritten", st->change_written);
    put_u32(&w, "DoneChangeId", st->done_change_id);
    put_time(&w, "DoneWritten", st->done_written);
    put_time(&w, "DoneAt", st->done_at);
    put_bool(&w, "SeenKnown", st->seen_known);
    put(&w, "SeenComponents=");
    for (uint32_t i = 0; i < st->seen_n && i < AGENT_REPORT_COMPONENTS; i++)
        put(&w, "%s%08lX", i ? "," : "", (unsigned long)st->seen[i]);
    put(&w, "\r\n");
    put_text(&w, "Components", st->components, sizeof st->components);
    put_time(&w, "DeferredUntil", st->deferred_until);
    put_time(&w, "PromptedAt", st->prompted_at);
    put_u32(&w, "DeferralsUsed", st->deferrals_used);
    put_time(&w, "CountdownEnd", st->countdown_end);
    put_bool(&w, "AnnounceUpdated", st->announce_updated);
    put_time(&w, "LastPass", st->last_pass);
    put_u32(&w, "LastForwarded", st->last_forwarded);
    put_time(&w, "LastCheck", st->last_check);
    put_clv(&w, "Local", &st->local);
    put_clv(&w, "Server", &st->server);
    put_bool(&w, "HasResult", st->has_result);
    put(&w, "LastResult=%s\r\n",
        name_of(result_names, NAMES(result_names), (unsigned)st->last_result));
    put_text(&w, "LastError", st->last_error, sizeof st->last_error);
    put_failures(&w, st);
    put(&w, "End=1\r\n");
    if (w.full) {
        buf[0] = '\0';
        return 0;
    }
    return w.len;
}

/* ---- reading ---- */

typedef struct reader {
    const void *data;
    size_t len;
    state_error *err;
} reader;

static bool field_error(reader *r, const char *key, ini_status why)
{
    r->err->status = STATE_ERR_FIELD;
    r->err->ini.status = why; /* INI_NOT_FOUND: missing; INI_OK: out of range */
    r->err->ini.line = 0;
    snprintf(r->err->key, sizeof r->err->key, "%s", key);
    return false;
}

static bool get(reader *r, const char *key, char *out, size_t cap)
{
    ini_error ie;
    ini_status s = ini_get(r->data, r->len, STATE_SECTION, key, out, cap, &ie);
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

static bool get_num(reader *r, const char *key, unsigned long long max, unsigned long long *v)
{
    char text[32];
    if (!get(r, key, text, sizeof text))
        return false;
    if (!parse_u64(text, max, v))
        return field_error(r, key, INI_OK);
    return true;
}

static bool get_time(reader *r, const char *key, agent_time *t)
{
    unsigned long long v;
    if (!get_num(r, key, STATE_TIME_MAX, &v))
        return false;
    *t = (agent_time)v;
    return true;
}

static bool get_u32(reader *r, const char *key, uint32_t *out)
{
    unsigned long long v;
    if (!get_num(r, key, UINT32_MAX, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool get_bool(reader *r, const char *key, bool *out)
{
    unsigned long long v;
    if (!get_num(r, key, 1, &v))
        return false;
    *out = v == 1;
    return true;
}

static bool get_i32(reader *r, const char *key, int32_t *out)
{
    char text[32];
    if (!get(r, key, text, sizeof text))
        return false;
    bool neg = text[0] == '-';
    unsigned long long v;
    if (!parse_u64(text + neg, neg ? 2147483648ull : 2147483647ull, &v))
        return field_error(r, key, INI_OK);
    *out = neg ? (int32_t)(-(long long)v) : (int32_t)v;
    return true;
}

/* Keys added after Format=1 was first written: a file from an older
 * Climon lacks them, and they read as 0 (unknown), which the machine
 * takes on the safe side. Present, they are checked like any other.
 * "End=1" still tells a file cut short. */
/* An optional key (see the top): absent is true with *found false. */
static bool get_opt(reader *r, const char *key, char *out, size_t cap, bool *found)
{
    ini_error ie;
    ini_status s = ini_get(r->data, r->len, STATE_SECTION, key, out, cap, &ie);
    *found = s == INI_OK;
    if (s == INI_NOT_FOUND) {
        out[0] = '\0';
        return true;
    }
    if (s != INI_OK)
        return field_error(r, key, s == INI_ERR_VALUE_TOO_LONG ? s : INI_NOT_FOUND);
    return true;
}

static bool get_opt_num(reader *r, const char *key, unsigned long long max, unsigned long long *v)
{
    char text[32];
    bool found;
    if (!get_opt(r, key, text, sizeof text, &found))
        return false;
    if (!found) {
        *v = 0;
        return true;
    }
    if (!parse_u64(text, max, v))
        return field_error(r, key, INI_OK);
    return true;
}

static bool get_opt_time(reader *r, const char *key, agent_time *t)
{
    unsigned long long v;
    if (!get_opt_num(r, key, STATE_TIME_MAX, &v))
        return false;
    *t = (agent_time)v;
    return true;
}

static bool get_opt_u32(reader *r, const char *key, uint32_t *out)
{
    unsigned long long v;
    if (!get_opt_num(r, key, UINT32_MAX, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "1A2B3C4D,..." (at most AGENT_REPORT_COMPONENTS hashes); "" none. */
static bool get_opt_hashes(reader *r, const char *key, uint32_t *out, uint32_t *n)
{
    char text[AGENT_REPORT_COMPONENTS * 9 + 8];
    bool found;
    *n = 0;
    if (!get_opt(r, key, text, sizeof text, &found))
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
        if (digits != 8 || *n >= AGENT_REPORT_COMPONENTS || (*p != ',' && *p != '\0') ||
            (*p == ',' && p[1] == '\0'))
            return field_error(r, key, INI_OK);
        out[(*n)++] = v;
        if (*p == ',')
            p++;
    }
    return true;
}

static bool get_opt_bool(reader *r, const char *key, bool *out)
{
    unsigned long long v;
    if (!get_opt_num(r, key, 1, &v))
        return false;
    *out = v == 1;
    return true;
}

/* Uptime in seconds: a machine up for more than a few centuries is damage. */
#define STATE_UPTIME_MAX (1000ull * 365 * 86400)

static bool get_opt_uptime(reader *r, const char *key, uint64_t *out)
{
    unsigned long long v;
    if (!get_opt_num(r, key, STATE_UPTIME_MAX, &v))
        return false;
    *out = (uint64_t)v;
    return true;
}

/* One of names (exact spelling, as written). */
static bool get_name(reader *r, const char *key, const char *const *names, size_t n, unsigned *out)
{
    char text[32];
    if (!get(r, key, text, sizeof text))
        return false;
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    return field_error(r, key, INI_OK);
}

static bool get_clv(reader *r, const char *prefix, clv *v)
{
    char key[32];
    unsigned status;
    uint32_t fe, line;
    snprintf(key, sizeof key, "%sVersion", prefix);
    if (!get_u32(r, key, &v->value))
        return false;
    snprintf(key, sizeof key, "%sVersionStatus", prefix);
    if (!get_name(r, key, clv_names, NAMES(clv_names), &status))
        return false;
    v->status = (clv_status)status;
    snprintf(key, sizeof key, "%sFileError", prefix);
    if (!get_u32(r, key, &fe))
        return false;
    if (fe > (uint32_t)INI_STATUS_LAST)
        return field_error(r, key, INI_OK);
    v->file_error.status = (ini_status)fe;
    snprintf(key, sizeof key, "%sFileErrorLine", prefix);
    if (!get_u32(r, key, &line))
        return false;
    v->file_error.line = line;
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

static bool get_failures(reader *r, agent_state *st)
{
    unsigned long long v;
    bool found;
    if (!get_opt_num(r, "CredRefusedAt", STATE_TIME_MAX, &v))
        return false;
    st->creds_refused_at = (agent_time)v;
    if (!get_opt_num(r, "CredRefusedLogon", STATE_TIME_MAX, &v))
        return false;
    st->creds_refused_logon = (agent_time)v;
    if (!get_opt_num(r, "CredRefusedBoot", STATE_TIME_MAX, &v))
        return false;
    st->creds_refused_boot = (agent_time)v;
    if (!get_opt(r, "ForwardError", st->forward_error, sizeof st->forward_error, &found))
        return false;
    if (!get_opt_num(r, "KeptFiles", AGENT_KEPT_MAX, &v))
        return false;
    st->kept.n = (uint32_t)v;
    for (uint32_t i = 0; i < st->kept.n; i++) {
        char key[16], text[AGENT_KEPT_NAME_MAX + 16];
        snprintf(key, sizeof key, "Kept%lu", (unsigned long)(i + 1));
        if (!get(r, key, text, sizeof text))
            return false;
        if (!parse_kept(text, &st->kept.f[i]))
            return field_error(r, key, INI_OK);
    }
    return true;
}

static bool get_fields(reader *r, agent_state *st)
{
    unsigned pending, result;
    char end[8];
    bool ok =
        get_bool(r, "SetupRan", &st->setup_ran) && get_u32(r, "SetupVersion", &st->setup_version) &&
        get_bool(r, "SetupOk", &st->setup_ok) && get_u32(r, "SetupFailures", &st->setup_failures) &&
        get_time(r, "SetupRetryAt", &st->setup_retry_at) &&
        get_i32(r, "LastSetupExit", &st->last_setup_exit) &&
        get_u32(r, "ShareFailures", &st->share_failures) &&
        get_time(r, "ShareRetryAt", &st->share_retry_at) &&
        get_time(r, "RequestSince", &st->request_since) &&
        get_name(r, "Pending", pending_names, NAMES(pending_names), &pending) &&
        get_time(r, "PendingSince", &st->pending_since) &&
        get_time(r, "PendingBoot", &st->pending_boot) &&
        get_time(r, "PendingLogon", &st->pending_logon) &&
        get_opt_uptime(r, "PendingUptime", &st->pending_uptime) &&
        get_opt_u32(r, "PendingBootId", &st->pending_boot_id) &&
        get_u32(r, "ChangeId", &st->change_id) &&
        get_opt_time(r, "ChangeWritten", &st->change_written) &&
        get_u32(r, "DoneChangeId", &st->done_change_id) &&
        get_opt_time(r, "DoneWritten", &st->done_written) &&
        get_opt_time(r, "DoneAt", &st->done_at) && get_opt_bool(r, "SeenKnown", &st->seen_known) &&
        get_opt_hashes(r, "SeenComponents", st->seen, &st->seen_n) &&
        get(r, "Components", st->components, sizeof st->components) &&
        get_time(r, "DeferredUntil", &st->deferred_until) &&
        get_time(r, "PromptedAt", &st->prompted_at) &&
        get_opt_u32(r, "DeferralsUsed", &st->deferrals_used) &&
        get_opt_time(r, "CountdownEnd", &st->countdown_end) &&
        get_bool(r, "AnnounceUpdated", &st->announce_updated) &&
        get_time(r, "LastPass", &st->last_pass) &&
        get_u32(r, "LastForwarded", &st->last_forwarded) &&
        get_time(r, "LastCheck", &st->last_check) && get_clv(r, "Local", &st->local) &&
        get_clv(r, "Server", &st->server) && get_bool(r, "HasResult", &st->has_result) &&
        get_name(r, "LastResult", result_names, NAMES(result_names), &result) &&
        get(r, "LastError", st->last_error, sizeof st->last_error) && get_failures(r, st) &&
        get(r, "End", end, sizeof end);
    if (!ok)
        return false;
    /* The last line: a file cut anywhere before it lacks it or has "End=". */
    if (strcmp(end, "1") != 0)
        return field_error(r, "End", INI_OK);
    st->pending = (agent_pending)pending;
    st->last_result = (clv_result)result;
    return true;
}

state_status state_parse(const void *data, size_t len, agent_state *st, state_error *err)
{
    state_error local_err;
    if (err == NULL)
        err = &local_err;
    memset(err, 0, sizeof *err);
    if (st == NULL)
        return STATE_ERR_FILE;
    agent_state_init(st);
    if (data == NULL) {
        data = "";
        len = 0;
    }

    ini_status s = ini_check(data, len, NULL, &err->ini);
    if (s != INI_OK) {
        err->status = STATE_ERR_FILE;
        err->ini.status = s;
        return err->status;
    }
    memset(&err->ini, 0, sizeof err->ini);

    char format[16], want[16];
    ini_error ie;
    snprintf(want, sizeof want, "%d", STATE_FORMAT_VERSION);
    if (ini_get(data, len, STATE_SECTION, "Format", format, sizeof format, &ie) != INI_OK ||
        strcmp(format, want) != 0) {
        /* A newer agent's file is not guessed at: its fields may mean more. */
        err->status = STATE_ERR_VERSION;
        snprintf(err->key, sizeof err->key, "Format");
        return err->status;
    }

    agent_state tmp;
    agent_state_init(&tmp);
    reader r = {data, len, err};
    if (!get_fields(&r, &tmp))
        return err->status; /* *st stays the default */
    *st = tmp;
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
