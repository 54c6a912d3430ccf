/*
 * clistatus.c: a client's status report, CLIMON.BOX\<id>.INI, and its MIF
 * twin (docs/protocol.md, "Client status files").
 *
 * The file crosses from a client to the site, and the site puts what it
 * says in front of the admin, so it is read as the .CCR files are: bounded
 * first, then every key checked, the file's name against the ID inside
 * (one client cannot speak for another), End=1 last (a file cut short is
 * refused, not half believed). The reader makes one pass over the lines
 * and keeps the first of each key, as the profile API does, so a site
 * reading ten thousand files pays for each line once.
 */
#include "climon/clistatus.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "climon/civil.h"
#include "textbuf.h"

#define NAMES(a) (sizeof(a) / sizeof((a)[0]))

static const char *const result_names[] = {"none", "same", "differs", "unknown"};
static const char *const pending_names[] = {"none", "logoff", "restart"};

/* The keys, in the order they are written. */
enum {
    K_FORMAT,
    K_ID,
    K_MACHINE,
    K_AGENT,
    K_WRITTEN,
    K_LOCAL,
    K_SERVER,
    K_LAST_PASS,
    K_LAST_RESULT,
    K_REQUEST,
    K_PENDING,
    K_PENDING_SINCE,
    K_DEFERRALS,
    K_DEADLINE,
    K_LAST_ERROR,
    K_LAST_BOOT,
    K_END,
    K_COUNT
};

static const char *const key_names[K_COUNT] = {"Format",
                                               "SMS Unique ID",
                                               "Machine Name",
                                               "Agent Version",
                                               "Written",
                                               "Local Copy List Version",
                                               "Server Copy List Version",
                                               "Last Pass",
                                               "Last Result",
                                               "Request Since",
                                               "Pending",
                                               "Pending Since",
                                               "Deferrals Used",
                                               "Deadline",
                                               "Last Error",
                                               "Last Boot",
                                               "End"};

/* ---- Texts ---- */

const char *clistatus_status_text(clistatus_status st)
{
    switch (st) {
    case CLISTATUS_OK:
        return "ok";
    case CLISTATUS_ERR_FILE:
        return "file rejected";
    case CLISTATUS_ERR_TOO_LARGE:
        return "status file larger than 4096 bytes";
    case CLISTATUS_ERR_NO_SECTION:
        return "no [" CLISTATUS_SECTION "] section";
    case CLISTATUS_ERR_FORMAT:
        return "Format missing or not 1";
    case CLISTATUS_ERR_BAD_ID:
        return "SMS Unique ID missing or not 1-32 letters or digits";
    case CLISTATUS_ERR_OTHER_CLIENT:
        return "not the file's name (a report for another client)";
    case CLISTATUS_ERR_BAD_MACHINE:
        return "machine name missing or not a NetBIOS name";
    case CLISTATUS_ERR_BAD_FIELD:
        return "field missing or out of range";
    case CLISTATUS_ERR_NO_END:
        return "no End=1 (file cut short)";
    case CLISTATUS_ERR_NO_SPACE:
        return "output buffer too small";
    }
    return "unknown status";
}

size_t clistatus_error_format(const clistatus_error *err, char *buf, size_t cap)
{
    if (!err)
        return ini_field_error_format(buf, cap, "status file", false, NULL, NULL, 0,
                                      "no error information");
    return ini_field_error_format(buf, cap, "status file", err->status == CLISTATUS_ERR_FILE,
                                  &err->ini, err->key, sizeof err->key,
                                  clistatus_status_text(err->status));
}

static clistatus_status fail(clistatus_error *err, clistatus_status st, const char *key)
{
    if (err) {
        err->status = st;
        ini_key_copy(err->key, sizeof err->key, key);
    }
    return st;
}

/* ---- Fields ---- */

bool clistatus_version_ok(const char *v)
{
    size_t i, part = 0;

    if (!v || !v[0] || strlen(v) > CLISTATUS_VERSION_MAX)
        return false;
    for (i = 0; v[i]; i++) {
        if (v[i] >= '0' && v[i] <= '9') {
            if (++part > 9)
                return false;
        } else if (v[i] == '.' && part > 0) {
            part = 0;
        } else {
            return false;
        }
    }
    return part > 0;
}

static bool time_ok(int64_t t)
{
    return t >= 0 && t <= CLISTATUS_TIME_MAX;
}

/* Well-formed UTF-8 (no overlongs, no surrogates) without control
 * characters: text the page can show after escaping. */
static bool text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    if (n > CLISTATUS_TEXT_MAX)
        return false;
    while (*p) {
        unsigned c = *p, need, cp, i;
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (i = 1; i <= need; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3fu);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        p += need + 1;
    }
    return true;
}

/* Last Error made writable: control characters to spaces, bytes that are
 * not UTF-8 to '?', cut at CLISTATUS_TEXT_MAX on a character boundary. */
static void text_clean(const char *in, char *out)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t o = 0;

    while (*p) {
        unsigned c = *p;
        size_t n = 1, k;
        char one[5];

        one[0] = (char)c;
        if (c < 0x20 || c == 0x7f) {
            one[0] = ' ';
        } else if (c >= 0x80) {
            n = c >= 0xc2 && c <= 0xdf   ? 2
                : c >= 0xe0 && c <= 0xef ? 3
                : c >= 0xf0 && c <= 0xf4 ? 4
                                         : 0;
            for (k = 0; k < n && p[k]; k++)
                one[k] = (char)p[k];
            one[k] = '\0';
            if (n == 0 || k < n || !text_ok(one)) {
                one[0] = '?';
                n = 1;
            }
        }
        if (o + n > CLISTATUS_TEXT_MAX)
            break;
        memcpy(out + o, one, n);
        o += n;
        p += n;
    }
    out[o] = '\0';
}

/* Decimal digits only (leading zeros by value), at most max. */
static bool parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;

    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned long long)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static int name_index(const char *const *names, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (ini_name_eq(names[i], v))
            return (int)i;
    return -1;
}

static bool fields_ok(const clistatus *s, clistatus_error *err, bool check_text)
{
    clistatus_status st = CLISTATUS_OK;
    const char *key = NULL;

    if (!ccr_id_ok(s->id))
        st = CLISTATUS_ERR_BAD_ID, key = key_names[K_ID];
    else if (!ccr_name_ok(s->machine))
        st = CLISTATUS_ERR_BAD_MACHINE, key = key_names[K_MACHINE];
    else if (!clistatus_version_ok(s->agent_version))
        key = key_names[K_AGENT];
    else if (!time_ok(s->written) || s->written == 0)
        key = key_names[K_WRITTEN];
    else if (!time_ok(s->last_pass))
        key = key_names[K_LAST_PASS];
    else if ((unsigned)s->last_result >= NAMES(result_names))
        key = key_names[K_LAST_RESULT];
    else if (!time_ok(s->request_since))
        key = key_names[K_REQUEST];
    else if ((unsigned)s->pending >= NAMES(pending_names))
        key = key_names[K_PENDING];
    else if (!time_ok(s->pending_since) ||
             (s->pending != CLISTATUS_PENDING_NONE) != (s->pending_since != 0))
        key = key_names[K_PENDING_SINCE];
    else if (!time_ok(s->deadline))
        key = key_names[K_DEADLINE];
    else if (check_text && !text_ok(s->last_error))
        key = key_names[K_LAST_ERROR];
    else if (!time_ok(s->last_boot))
        key = key_names[K_LAST_BOOT];
    if (key) {
        fail(err, st == CLISTATUS_OK ? CLISTATUS_ERR_BAD_FIELD : st, key);
        return false;
    }
    return true;
}

/* ---- Writing ---- */

static void put_version(writer *w, const char *key, bool known, uint32_t v)
{
    if (known)
        textbuf_put(w, "%s=%lu\r\n", key, (unsigned long)v);
    else
        textbuf_put(w, "%s=\r\n", key);
}

clistatus_status clistatus_format(const clistatus *s, char *out, size_t cap, size_t *out_len,
                                  clistatus_error *err)
{
    writer w = {out, cap, 0, false};
    char text[CLISTATUS_TEXT_MAX + 1];

    if (err)
        memset(err, 0, sizeof *err);
    if (out_len)
        *out_len = 0;
    if (!s || !out || cap == 0)
        return fail(err, CLISTATUS_ERR_NO_SPACE, NULL);
    out[0] = '\0';
    if (!fields_ok(s, err, false))
        return err ? err->status : CLISTATUS_ERR_BAD_FIELD;
    text_clean(s->last_error, text);

    textbuf_put(&w, "[%s]\r\n", CLISTATUS_SECTION);
    textbuf_put(&w, "%s=%d\r\n", key_names[K_FORMAT], CLISTATUS_FORMAT);
    textbuf_put(&w, "%s=%s\r\n", key_names[K_ID], s->id);
    textbuf_put(&w, "%s=%s\r\n", key_names[K_MACHINE], s->machine);
    textbuf_put(&w, "%s=%s\r\n", key_names[K_AGENT], s->agent_version);
    textbuf_put(&w, "%s=%lld\r\n", key_names[K_WRITTEN], (long long)s->written);
    put_version(&w, key_names[K_LOCAL], s->local_known, s->local_version);
    put_version(&w, key_names[K_SERVER], s->server_known, s->server_version);
    textbuf_put(&w, "%s=%lld\r\n", key_names[K_LAST_PASS], (long long)s->last_pass);
    textbuf_put(&w, "%s=%s\r\n", key_names[K_LAST_RESULT], result_names[s->last_result]);
    textbuf_put(&w, "%s=%lld\r\n", key_names[K_REQUEST], (long long)s->request_since);
    textbuf_put(&w, "%s=%s\r\n", key_names[K_PENDING], pending_names[s->pending]);
    textbuf_put(&w, "%s=%lld\r\n", key_names[K_PENDING_SINCE], (long long)s->pending_since);
    textbuf_put(&w, "%s=%lu\r\n", key_names[K_DEFERRALS], (unsigned long)s->deferrals);
    textbuf_put(&w, "%s=%lld\r\n", key_names[K_DEADLINE], (long long)s->deadline);
    textbuf_put(&w, "%s=%s\r\n", key_names[K_LAST_ERROR], text);
    textbuf_put(&w, "%s=%lld\r\n", key_names[K_LAST_BOOT], (long long)s->last_boot);
    textbuf_put(&w, "%s=1\r\n", key_names[K_END]);
    if (w.full) {
        out[0] = '\0';
        return fail(err, CLISTATUS_ERR_NO_SPACE, NULL);
    }
    if (out_len)
        *out_len = w.len;
    return CLISTATUS_OK;
}

/* ---- Reading ---- */

/* The first value of each key in the first [Climon Status] section. */
typedef struct seen {
    bool section, done; /* met the section; left it (a later one is not read) */
    bool have[K_COUNT];
    char value[K_COUNT][CLISTATUS_TEXT_MAX + 1];
} seen;

static bool get_time(const seen *sn, int k, int64_t *out)
{
    unsigned long long v;
    if (!sn->have[k] || !parse_u64(sn->value[k], (unsigned long long)CLISTATUS_TIME_MAX, &v))
        return false;
    *out = (int64_t)v;
    return true;
}

static bool get_version(const seen *sn, int k, bool *known, uint32_t *out)
{
    unsigned long long v;
    if (!sn->have[k])
        return false;
    if (!sn->value[k][0]) {
        *known = false;
        *out = 0;
        return true;
    }
    if (!parse_u64(sn->value[k], 4294967295ull, &v))
        return false;
    *known = true;
    *out = (uint32_t)v;
    return true;
}

clistatus_status clistatus_read(const void *data, size_t len, const char *stem, clistatus *out,
                                clistatus_error *err)
{
    ini_iter it;
    ini_item item;
    seen sn;
    clistatus s;
    ini_status ist;
    unsigned long long v;
    int k;

    if (err)
        memset(err, 0, sizeof *err);
    if (out)
        memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    if (len > CLISTATUS_MAX_BYTES)
        return fail(err, CLISTATUS_ERR_TOO_LARGE, NULL);
    ist = ini_iter_init(&it, data, len, err ? &err->ini : NULL);
    if (ist != INI_OK)
        return fail(err, CLISTATUS_ERR_FILE, NULL);
    /* The name is the site's key for the client: one that is no ID (a
     * path, a wildcard, "CON") is refused whatever the file says. */
    if (stem && !ccr_id_ok(stem))
        return fail(err, CLISTATUS_ERR_BAD_ID, "file name");

    memset(&sn, 0, sizeof sn);
    while (!sn.done && ini_iter_next(&it, &item)) {
        if (item.kind == INI_ITEM_SECTION) {
            if (sn.section)
                sn.done = true;
            else if (ini_name_eq(item.section, CLISTATUS_SECTION))
                sn.section = true;
            continue;
        }
        if (!sn.section || item.kind != INI_ITEM_KEY)
            continue;
        for (k = 0; k < K_COUNT; k++) {
            if (!sn.have[k] && ini_name_eq(item.key, key_names[k])) {
                size_t n = strlen(item.value);
                if (n > CLISTATUS_TEXT_MAX)
                    return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[k]);
                memcpy(sn.value[k], item.value, n + 1);
                sn.have[k] = true;
                break;
            }
        }
    }
    if (!sn.section)
        return fail(err, CLISTATUS_ERR_NO_SECTION, NULL);
    if (!sn.have[K_FORMAT] || strcmp(sn.value[K_FORMAT], "1") != 0)
        return fail(err, CLISTATUS_ERR_FORMAT, key_names[K_FORMAT]);
    if (!sn.have[K_ID] || !ccr_id_ok(sn.value[K_ID]))
        return fail(err, CLISTATUS_ERR_BAD_ID, key_names[K_ID]);
    if (stem && !ini_name_eq(stem, sn.value[K_ID]))
        return fail(err, CLISTATUS_ERR_OTHER_CLIENT, key_names[K_ID]);
    strcpy(s.id, sn.value[K_ID]);
    if (!sn.have[K_MACHINE] || !ccr_name_ok(sn.value[K_MACHINE]))
        return fail(err, CLISTATUS_ERR_BAD_MACHINE, key_names[K_MACHINE]);
    strcpy(s.machine, sn.value[K_MACHINE]);
    if (!sn.have[K_AGENT] || !clistatus_version_ok(sn.value[K_AGENT]))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_AGENT]);
    strcpy(s.agent_version, sn.value[K_AGENT]);
    if (!get_time(&sn, K_WRITTEN, &s.written) || s.written == 0)
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_WRITTEN]);
    if (!get_version(&sn, K_LOCAL, &s.local_known, &s.local_version))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_LOCAL]);
    if (!get_version(&sn, K_SERVER, &s.server_known, &s.server_version))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_SERVER]);
    if (!get_time(&sn, K_LAST_PASS, &s.last_pass))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_LAST_PASS]);
    k = sn.have[K_LAST_RESULT]
            ? name_index(result_names, NAMES(result_names), sn.value[K_LAST_RESULT])
            : -1;
    if (k < 0)
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_LAST_RESULT]);
    s.last_result = (clistatus_result)k;
    if (!get_time(&sn, K_REQUEST, &s.request_since))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_REQUEST]);
    k = sn.have[K_PENDING] ? name_index(pending_names, NAMES(pending_names), sn.value[K_PENDING])
                           : -1;
    if (k < 0)
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_PENDING]);
    s.pending = (clistatus_pending)k;
    /* Something pending has a since, nothing pending none: the page ages
     * a pending restart by it. */
    if (!get_time(&sn, K_PENDING_SINCE, &s.pending_since) ||
        (s.pending != CLISTATUS_PENDING_NONE) != (s.pending_since != 0))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_PENDING_SINCE]);
    if (!sn.have[K_DEFERRALS] || !parse_u64(sn.value[K_DEFERRALS], 4294967295ull, &v))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_DEFERRALS]);
    s.deferrals = (uint32_t)v;
    if (!get_time(&sn, K_DEADLINE, &s.deadline))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_DEADLINE]);
    if (!sn.have[K_LAST_ERROR] || !text_ok(sn.value[K_LAST_ERROR]))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_LAST_ERROR]);
    strcpy(s.last_error, sn.value[K_LAST_ERROR]);
    if (!get_time(&sn, K_LAST_BOOT, &s.last_boot))
        return fail(err, CLISTATUS_ERR_BAD_FIELD, key_names[K_LAST_BOOT]);
    if (!sn.have[K_END] || strcmp(sn.value[K_END], "1") != 0)
        return fail(err, CLISTATUS_ERR_NO_END, key_names[K_END]);
    if (out)
        *out = s;
    return CLISTATUS_OK;
}

/* ---- The MIF ---- */

void clistatus_time_text(int64_t t, char *buf, size_t cap)
{
    civil_date d;
    int64_t day, sec;

    if (!buf || cap == 0)
        return;
    buf[0] = '\0';
    if (t <= 0 || t > CLISTATUS_TIME_MAX)
        return;
    day = civil_floor_div(t, 86400);
    sec = t - day * 86400;
    d = civil_date_from_days(day);
    snprintf(buf, cap, "%04lld-%02u-%02u %02lld:%02lld UTC", (long long)d.year, d.month, d.day,
             (long long)(sec / 3600), (long long)(sec / 60 % 60));
}

/* DMTF date: "yyyymmddHHMMSS.uuuuuu+ooo", UTC. */
static void mif_date(int64_t t, char *buf, size_t cap)
{
    civil_date d;
    int64_t day, sec;

    if (t <= 0) {
        snprintf(buf, cap, "00000000000000.000000+000");
        return;
    }
    day = civil_floor_div(t, 86400);
    sec = t - day * 86400;
    d = civil_date_from_days(day);
    snprintf(buf, cap, "%04lld%02u%02u%02lld%02lld%02lld.000000+000", (long long)d.year, d.month,
             d.day, (long long)(sec / 3600), (long long)(sec / 60 % 60), (long long)(sec % 60));
}

static void mif_string(writer *w, unsigned id, const char *name, const char *value)
{
    char esc[2 * CLISTATUS_TEXT_MAX + 1];
    size_t o = 0;

    for (const char *p = value; *p && o + 2 < sizeof esc; p++) {
        if (*p == '"' || *p == '\\')
            esc[o++] = '\\';
        esc[o++] = *p;
    }
    esc[o] = '\0';
    textbuf_put(
        w,
        "        Start Attribute\r\n            Name = \"%s\"\r\n            ID = %u\r\n"
        "            Type = String(%u)\r\n            Value = \"%s\"\r\n        End Attribute\r\n",
        name, id, (unsigned)(CLISTATUS_TEXT_MAX + 1), esc);
}

static void mif_int(writer *w, unsigned id, const char *name, unsigned long v)
{
    textbuf_put(
        w,
        "        Start Attribute\r\n            Name = \"%s\"\r\n            ID = %u\r\n"
        "            Type = Integer\r\n            Value = %lu\r\n        End Attribute\r\n",
        name, id, v);
}

static void mif_date_attr(writer *w, unsigned id, const char *name, int64_t t)
{
    char d[64];
    mif_date(t, d, sizeof d);
    textbuf_put(
        w,
        "        Start Attribute\r\n            Name = \"%s\"\r\n            ID = %u\r\n"
        "            Type = Date\r\n            Value = \"%s\"\r\n        End Attribute\r\n",
        name, id, d);
}

bool clistatus_mif_format(const clistatus *s, char *out, size_t cap, size_t *out_len)
{
    writer w = {out, cap, 0, false};
    char text[CLISTATUS_TEXT_MAX + 1], num[16];
    unsigned id = 1;

    if (out_len)
        *out_len = 0;
    if (!s || !out || cap == 0 || !fields_ok(s, NULL, false))
        return false;
    out[0] = '\0';
    text_clean(s->last_error, text);
    textbuf_put(&w, "Start Component\r\n    Name = \"Climon\"\r\n    Start Group\r\n"
                    "        Name = \"Climon Status\"\r\n        ID = 1\r\n"
                    "        Class = \"CLIMON|STATUS|1.0\"\r\n");
    mif_string(&w, id++, "Agent Version", s->agent_version);
    snprintf(num, sizeof num, "%lu", (unsigned long)s->local_version);
    mif_string(&w, id++, "Local Copy List Version", s->local_known ? num : "");
    snprintf(num, sizeof num, "%lu", (unsigned long)s->server_version);
    mif_string(&w, id++, "Server Copy List Version", s->server_known ? num : "");
    mif_date_attr(&w, id++, "Last Pass", s->last_pass);
    mif_string(&w, id++, "Last Result", result_names[s->last_result]);
    mif_date_attr(&w, id++, "Request Since", s->request_since);
    mif_string(&w, id++, "Pending", pending_names[s->pending]);
    mif_date_attr(&w, id++, "Pending Since", s->pending_since);
    mif_int(&w, id++, "Deferrals Used", (unsigned long)s->deferrals);
    mif_date_attr(&w, id++, "Deadline", s->deadline);
    mif_string(&w, id++, "Last Error", text);
    mif_date_attr(&w, id++, "Last Boot", s->last_boot);
    mif_date_attr(&w, id++, "Written", s->written);
    textbuf_put(&w, "    End Group\r\nEnd Component\r\n");
    if (w.full) {
        out[0] = '\0';
        return false;
    }
    if (out_len)
        *out_len = w.len;
    return true;
}

/* ---- Buckets ---- */

#define DAY_S 86400
#define OVERDUE_S (3 * DAY_S)

const char *clistatus_bucket_name(clistatus_bucket b)
{
    static const char *const n[CLISTATUS_B_COUNT] = {
        "current", "request", "restart-under-1d", "restart-1-3d", "restart-over-3d",
        "error",   "silent"};
    return (unsigned)b < CLISTATUS_B_COUNT ? n[b] : "?";
}

const char *clistatus_bucket_label(clistatus_bucket b)
{
    static const char *const n[CLISTATUS_B_COUNT] = {"Current",
                                                     "Request pending",
                                                     "Restart pending, under 1 day",
                                                     "Restart pending, 1 to 3 days",
                                                     "Restart pending, over 3 days",
                                                     "In error",
                                                     "Silent"};
    return (unsigned)b < CLISTATUS_B_COUNT ? n[b] : "?";
}

clistatus_bucket clistatus_classify(const clistatus *s, int64_t now, int64_t silent_s)
{
    int64_t age;

    /* A report from the future (a client's clock ahead) is not silent. */
    if (now - s->written > silent_s)
        return CLISTATUS_B_SILENT;
    if (s->pending != CLISTATUS_PENDING_NONE) {
        age = now - s->pending_since;
        if (age < DAY_S)
            return CLISTATUS_B_RESTART_1D;
        return age <= OVERDUE_S ? CLISTATUS_B_RESTART_3D : CLISTATUS_B_RESTART_OLD;
    }
    if (s->last_result == CLISTATUS_RESULT_UNKNOWN || s->last_result == CLISTATUS_RESULT_NONE ||
        s->last_error[0])
        return CLISTATUS_B_ERROR;
    if (s->request_since != 0 || s->last_result == CLISTATUS_RESULT_DIFFERS)
        return CLISTATUS_B_REQUEST;
    return CLISTATUS_B_CURRENT;
}

bool clistatus_overdue(const clistatus *s, int64_t now)
{
    if (s->pending == CLISTATUS_PENDING_NONE)
        return false;
    if (s->deadline != 0)
        return now > s->deadline;
    return now - s->pending_since > OVERDUE_S;
}
