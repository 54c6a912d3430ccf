/*
 * ccr.c: client configuration request files (<SMS Unique ID>.CCR in
 * CCR.BOX), written by Client Setup, merged when a second request comes
 * before the manager took the first, and annotated by the manager when
 * processing fails (docs/protocol.md, ".CCR request files").
 *
 * A request file crosses a trust boundary twice (client to server share,
 * share to the manager running as a service), so every field is checked
 * on the way in and on the way out, and rewrites go through ini_set so
 * lines this code does not own are kept byte for byte.
 */
#include "climon/ccr.h"

#include <stdio.h>
#include <string.h>

#define KEY_MACHINE "Machine Name"
#define KEY_DOMAIN "Domain"
#define KEY_INITIAL "Initial Request Date"
#define KEY_LATEST "Latest Request Date"
#define KEY_COUNT "Client Request Count"
#define KEY_P_INITIAL "Initial Processing Attempt"
#define KEY_P_RETRY "Retry Interval Start"
#define KEY_P_LATEST "Latest Processing Attempt"
#define KEY_P_ATTEMPTS "Number of Processing Attempts"
#define KEY_P_ERROR "Last Error Code"

/* Years a request may carry: four digits, and nothing before the PC. */
#define CCR_YEAR_MIN 1980u
#define CCR_YEAR_MAX 9999u

/* Room for one value read from a request: longer is malformed anyway. */
#define FIELD_MAX 64

/* Working space for chained ini_set calls. */
#define WORK_BYTES (CCR_MAX_BYTES + 1024u)

/* ---- Texts ---- */

const char *ccr_status_text(ccr_status st)
{
    switch (st) {
    case CCR_OK:
        return "ok";
    case CCR_ERR_FILE:
        return "file rejected";
    case CCR_ERR_TOO_LARGE:
        return "request file larger than 8192 bytes";
    case CCR_ERR_NO_REQUEST:
        return "no [" CCR_SECTION_REQUEST "] section";
    case CCR_ERR_BAD_MACHINE:
        return "machine name missing or not a NetBIOS name";
    case CCR_ERR_BAD_DOMAIN:
        return "domain name missing or not a NetBIOS name";
    case CCR_ERR_BAD_ID:
        return "SMS Unique ID not 1-32 letters or digits";
    case CCR_ERR_BAD_DATE:
        return "date missing, not MM/DD/YYYY H:MM, or impossible";
    case CCR_ERR_BAD_COUNT:
        return "count missing, zero, not a number, or over 1000000";
    case CCR_ERR_BAD_PROCESSING:
        return "[" CCR_SECTION_PROCESSING "] field missing or malformed";
    case CCR_ERR_NO_SPACE:
        return "output buffer too small";
    }
    return "unknown request status";
}

size_t ccr_error_format(const ccr_error *err, char *buf, size_t cap)
{
    if (!err)
        return ini_field_error_format(buf, cap, "request file", false, NULL, NULL, 0,
                                      "no error information");
    return ini_field_error_format(buf, cap, "request file", err->status == CCR_ERR_FILE, &err->ini,
                                  err->key, sizeof err->key, ccr_status_text(err->status));
}

static ccr_status fail(ccr_error *err, ccr_status st, const char *key)
{
    if (err) {
        err->status = st;
        ini_key_copy(err->key, sizeof err->key, key);
    }
    return st;
}

static void clear_err(ccr_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

/* ---- Fields ---- */

bool ccr_name_ok(const char *name)
{
    static const char extra[] = "-_$!#%&'()^~{}.@";
    size_t i;

    if (!name || !name[0])
        return false;
    for (i = 0; name[i]; i++) {
        char c = name[i];
        if (i >= CCR_NAME_MAX)
            return false;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            continue;
        if (!strchr(extra, c))
            return false;
    }
    return true;
}

bool ccr_id_ok(const char *id)
{
    size_t i;

    if (!id || !id[0])
        return false;
    for (i = 0; id[i]; i++) {
        char c = id[i];
        if (i >= CCR_ID_MAX)
            return false;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static unsigned days_in_month(unsigned year, unsigned month)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    if (month == 2 && leap)
        return 29;
    return days[month - 1];
}

bool ccr_time_ok(const ccr_time *t)
{
    if (!t)
        return false;
    if (t->year < CCR_YEAR_MIN || t->year > CCR_YEAR_MAX || t->month < 1 || t->month > 12)
        return false;
    if (t->day < 1 || t->day > days_in_month(t->year, t->month))
        return false;
    return t->hour <= 23 && t->minute <= 59;
}

bool ccr_time_format(const ccr_time *t, char *buf, size_t cap)
{
    int n;

    if (buf && cap > 0)
        buf[0] = '\0';
    if (!buf || !ccr_time_ok(t))
        return false;
    n = snprintf(buf, cap, "%02u/%02u/%04u %u:%02u", t->month, t->day, t->year, t->hour, t->minute);
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            buf[0] = '\0';
        return false;
    }
    return true;
}

/* Exactly min..max decimal digits at *p; advances *p. */
static bool take_digits(const char **p, unsigned min, unsigned max, unsigned *out)
{
    unsigned n = 0, v = 0;

    while (n < max && (*p)[0] >= '0' && (*p)[0] <= '9') {
        v = v * 10 + (unsigned)((*p)[0] - '0');
        (*p)++;
        n++;
    }
    if (n < min || ((*p)[0] >= '0' && (*p)[0] <= '9'))
        return false;
    *out = v;
    return true;
}

bool ccr_time_parse(const char *text, ccr_time *out)
{
    const char *p = text;
    ccr_time t;

    if (out)
        memset(out, 0, sizeof *out);
    if (!text)
        return false;
    /* Month and day zero-padded, a single space, hour padded or not. */
    if (!take_digits(&p, 2, 2, &t.month) || *p++ != '/' || !take_digits(&p, 2, 2, &t.day) ||
        *p++ != '/' || !take_digits(&p, 4, 4, &t.year) || *p++ != ' ' ||
        !take_digits(&p, 1, 2, &t.hour) || *p++ != ':' || !take_digits(&p, 2, 2, &t.minute) ||
        *p != '\0')
        return false;
    if (!ccr_time_ok(&t))
        return false;
    if (out)
        *out = t;
    return true;
}

/* Decimal digits only (leading zeros allowed), value min..max. */
static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;

    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return false;
    }
    if (v < min)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* ---- Reading ---- */

enum { SEC_REQ = 0, SEC_PROC = 1 };

typedef struct field {
    int section;
    const char *key;
    bool present, too_long;
    char value[FIELD_MAX];
} field;

enum {
    F_MACHINE,
    F_DOMAIN,
    F_INITIAL,
    F_LATEST,
    F_COUNT,
    F_P_INITIAL,
    F_P_RETRY,
    F_P_LATEST,
    F_P_ATTEMPTS,
    F_P_ERROR,
    F_COUNT_ALL
};

static const struct {
    int section;
    const char *key;
} field_names[F_COUNT_ALL] = {
    {SEC_REQ, KEY_MACHINE},  {SEC_REQ, KEY_DOMAIN},    {SEC_REQ, KEY_INITIAL},
    {SEC_REQ, KEY_LATEST},   {SEC_REQ, KEY_COUNT},     {SEC_PROC, KEY_P_INITIAL},
    {SEC_PROC, KEY_P_RETRY}, {SEC_PROC, KEY_P_LATEST}, {SEC_PROC, KEY_P_ATTEMPTS},
    {SEC_PROC, KEY_P_ERROR},
};

static bool time_field(const field *f, ccr_time *t)
{
    return f->present && !f->too_long && ccr_time_parse(f->value, t);
}

static bool proc_field_ok(const ccr_processing *p, const char **bad_key)
{
    if (!ccr_time_ok(&p->initial_attempt))
        *bad_key = KEY_P_INITIAL;
    else if (!ccr_time_ok(&p->retry_start))
        *bad_key = KEY_P_RETRY;
    else if (!ccr_time_ok(&p->latest_attempt))
        *bad_key = KEY_P_LATEST;
    else if (p->attempts < 1 || p->attempts > CCR_MAX_COUNT)
        *bad_key = KEY_P_ATTEMPTS;
    else
        return true;
    return false;
}

/* Reads and validates a request. check_proc: a present but malformed
 * [Request Processing] is an error (ccr_set_processing reads without it,
 * since it is about to replace that section's keys). */
static ccr_status read_request(const void *data, size_t len, ccr_request *req, ccr_processing *proc,
                               bool check_proc, ccr_error *err)
{
    field f[F_COUNT_ALL];
    ini_iter it;
    ini_item item;
    int state[2] = {0, 0}; /* 0 before, 1 inside the first, 2 past it */
    int cur = -1;
    unsigned i;
    ccr_request r;
    ccr_processing p;

    clear_err(err);
    memset(&r, 0, sizeof r);
    memset(&p, 0, sizeof p);
    if (req)
        *req = r;
    if (proc)
        *proc = p;
    if (len > CCR_MAX_BYTES)
        return fail(err, CCR_ERR_TOO_LARGE, NULL);
    if (ini_iter_init(&it, data, len, err ? &err->ini : NULL) != INI_OK)
        return fail(err, CCR_ERR_FILE, NULL);

    memset(f, 0, sizeof f);
    for (i = 0; i < F_COUNT_ALL; i++) {
        f[i].section = field_names[i].section;
        f[i].key = field_names[i].key;
    }
    /* One pass; first section of each name, first key within it. */
    while (ini_iter_next(&it, &item)) {
        if (item.kind == INI_ITEM_SECTION) {
            if (cur >= 0)
                state[cur] = 2;
            cur = -1;
            if (ini_name_eq(item.section, CCR_SECTION_REQUEST) && state[SEC_REQ] == 0)
                cur = SEC_REQ;
            else if (ini_name_eq(item.section, CCR_SECTION_PROCESSING) && state[SEC_PROC] == 0)
                cur = SEC_PROC;
            if (cur >= 0)
                state[cur] = 1;
            continue;
        }
        if (cur < 0 || item.kind != INI_ITEM_KEY)
            continue;
        for (i = 0; i < F_COUNT_ALL; i++) {
            size_t n;
            if (f[i].section != cur || f[i].present || !ini_name_eq(item.key, f[i].key))
                continue;
            f[i].present = true;
            n = strlen(item.value);
            if (n >= FIELD_MAX)
                f[i].too_long = true;
            else
                memcpy(f[i].value, item.value, n + 1);
            break;
        }
    }

    if (state[SEC_REQ] == 0)
        return fail(err, CCR_ERR_NO_REQUEST, NULL);
    if (!f[F_MACHINE].present || f[F_MACHINE].too_long || !ccr_name_ok(f[F_MACHINE].value))
        return fail(err, CCR_ERR_BAD_MACHINE, KEY_MACHINE);
    if (!f[F_DOMAIN].present || f[F_DOMAIN].too_long || !ccr_name_ok(f[F_DOMAIN].value))
        return fail(err, CCR_ERR_BAD_DOMAIN, KEY_DOMAIN);
    if (!time_field(&f[F_INITIAL], &r.initial))
        return fail(err, CCR_ERR_BAD_DATE, KEY_INITIAL);
    if (!time_field(&f[F_LATEST], &r.latest))
        return fail(err, CCR_ERR_BAD_DATE, KEY_LATEST);
    if (!f[F_COUNT].present || f[F_COUNT].too_long ||
        !parse_u32(f[F_COUNT].value, 1, CCR_MAX_COUNT, &r.count))
        return fail(err, CCR_ERR_BAD_COUNT, KEY_COUNT);
    memcpy(r.machine, f[F_MACHINE].value, strlen(f[F_MACHINE].value) + 1);
    memcpy(r.domain, f[F_DOMAIN].value, strlen(f[F_DOMAIN].value) + 1);

    if (state[SEC_PROC] != 0 && check_proc) {
        p.present = true;
        if (!time_field(&f[F_P_INITIAL], &p.initial_attempt))
            return fail(err, CCR_ERR_BAD_PROCESSING, KEY_P_INITIAL);
        if (!time_field(&f[F_P_RETRY], &p.retry_start))
            return fail(err, CCR_ERR_BAD_PROCESSING, KEY_P_RETRY);
        if (!time_field(&f[F_P_LATEST], &p.latest_attempt))
            return fail(err, CCR_ERR_BAD_PROCESSING, KEY_P_LATEST);
        if (!f[F_P_ATTEMPTS].present || f[F_P_ATTEMPTS].too_long ||
            !parse_u32(f[F_P_ATTEMPTS].value, 1, CCR_MAX_COUNT, &p.attempts))
            return fail(err, CCR_ERR_BAD_PROCESSING, KEY_P_ATTEMPTS);
        if (!f[F_P_ERROR].present || f[F_P_ERROR].too_long ||
            !parse_u32(f[F_P_ERROR].value, 0, UINT32_MAX, &p.last_error))
            return fail(err, CCR_ERR_BAD_PROCESSING, KEY_P_ERROR);
    }
    if (req)
        *req = r;
    if (proc)
        *proc = p;
    return CCR_OK;
}

ccr_status ccr_read(const void *data, size_t len, ccr_request *req, ccr_processing *proc,
                    ccr_error *err)
{
    return read_request(data, len, req, proc, true, err);
}

/* ---- Writing ---- */

static ccr_status check_request(const ccr_request *req, ccr_error *err)
{
    if (!req || !memchr(req->machine, '\0', sizeof req->machine) || !ccr_name_ok(req->machine))
        return fail(err, CCR_ERR_BAD_MACHINE, KEY_MACHINE);
    if (!memchr(req->domain, '\0', sizeof req->domain) || !ccr_name_ok(req->domain))
        return fail(err, CCR_ERR_BAD_DOMAIN, KEY_DOMAIN);
    if (!ccr_time_ok(&req->initial))
        return fail(err, CCR_ERR_BAD_DATE, KEY_INITIAL);
    if (!ccr_time_ok(&req->latest))
        return fail(err, CCR_ERR_BAD_DATE, KEY_LATEST);
    if (req->count < 1 || req->count > CCR_MAX_COUNT)
        return fail(err, CCR_ERR_BAD_COUNT, KEY_COUNT);
    return CCR_OK;
}

ccr_status ccr_write(const ccr_request *req, char *out, size_t cap, size_t *out_len, ccr_error *err)
{
    char initial[CCR_DATE_MAX + 1], latest[CCR_DATE_MAX + 1];
    ccr_status st;
    int n;

    clear_err(err);
    if (out_len)
        *out_len = 0;
    st = check_request(req, err);
    if (st != CCR_OK)
        return st;
    ccr_time_format(&req->initial, initial, sizeof initial);
    ccr_time_format(&req->latest, latest, sizeof latest);
    if (!out || cap == 0)
        return fail(err, CCR_ERR_NO_SPACE, NULL);
    n = snprintf(out, cap,
                 "[" CCR_SECTION_REQUEST "]\r\n" KEY_MACHINE "=%s\r\n" KEY_DOMAIN
                 "=%s\r\n" KEY_INITIAL "=%s\r\n" KEY_LATEST "=%s\r\n" KEY_COUNT "=%lu\r\n",
                 req->machine, req->domain, initial, latest, (unsigned long)req->count);
    if (n < 0 || (size_t)n >= cap) {
        out[0] = '\0';
        return fail(err, CCR_ERR_NO_SPACE, NULL);
    }
    if (out_len)
        *out_len = (size_t)n;
    return CCR_OK;
}

size_t ccr_output_bound(size_t len)
{
    /* Appending [Request Processing] with its five keys takes under 450
     * bytes even in UTF-16; replacing values adds less. */
    return len > SIZE_MAX - 1024u ? SIZE_MAX : len + 1024u;
}

/* One ini_set step of a chained rewrite. */
static ccr_status set_step(const void *in, size_t in_len, const char *section, const char *key,
                           const char *value, void *out, size_t cap, size_t *out_len,
                           ccr_error *err)
{
    ini_error ie;
    ini_status st = ini_set(in, in_len, section, key, value, out, cap, out_len, &ie);

    if (st == INI_OK)
        return CCR_OK;
    if (err)
        err->ini = ie;
    if (st == INI_ERR_NO_SPACE)
        return fail(err, CCR_ERR_NO_SPACE, NULL);
    return fail(err, CCR_ERR_FILE, NULL);
}

/* The result of a rewrite must read back as a valid request. */
static ccr_status verify(const void *out, size_t n, size_t *out_len, ccr_error *err)
{
    ccr_status st = ccr_read(out, n, NULL, NULL, err);
    if (st == CCR_OK && out_len)
        *out_len = n;
    return st;
}

ccr_status ccr_merge(const void *existing, size_t len, const ccr_time *now, char *out, size_t cap,
                     size_t *out_len, ccr_error *err)
{
    unsigned char tmp[WORK_BYTES];
    char date[CCR_DATE_MAX + 1], count[16];
    size_t n1, n2;
    ccr_request req;
    ccr_status st;

    if (out_len)
        *out_len = 0;
    clear_err(err);
    if (!ccr_time_format(now, date, sizeof date))
        return fail(err, CCR_ERR_BAD_DATE, KEY_LATEST);
    st = ccr_read(existing, len, &req, NULL, err);
    if (st != CCR_OK)
        return st;
    if (req.count < CCR_MAX_COUNT)
        req.count++;
    snprintf(count, sizeof count, "%lu", (unsigned long)req.count);

    st = set_step(existing, len, CCR_SECTION_REQUEST, KEY_LATEST, date, tmp, sizeof tmp, &n1, err);
    if (st == CCR_OK)
        st = set_step(tmp, n1, CCR_SECTION_REQUEST, KEY_COUNT, count, out, cap, &n2, err);
    if (st != CCR_OK)
        return st;
    return verify(out, n2, out_len, err);
}

ccr_status ccr_set_processing(const void *existing, size_t len, const ccr_processing *proc,
                              char *out, size_t cap, size_t *out_len, ccr_error *err)
{
    unsigned char tmp[WORK_BYTES];
    char v[5][CCR_DATE_MAX + 1];
    static const char *const keys[5] = {KEY_P_INITIAL, KEY_P_RETRY, KEY_P_LATEST, KEY_P_ATTEMPTS,
                                        KEY_P_ERROR};
    const char *bad = NULL;
    size_t n = len;
    ccr_status st;
    int i;

    if (out_len)
        *out_len = 0;
    clear_err(err);
    if (!proc || !proc_field_ok(proc, &bad))
        return fail(err, CCR_ERR_BAD_PROCESSING, bad ? bad : KEY_P_INITIAL);
    st = read_request(existing, len, NULL, NULL, false, err);
    if (st != CCR_OK)
        return st;
    ccr_time_format(&proc->initial_attempt, v[0], sizeof v[0]);
    ccr_time_format(&proc->retry_start, v[1], sizeof v[1]);
    ccr_time_format(&proc->latest_attempt, v[2], sizeof v[2]);
    snprintf(v[3], sizeof v[3], "%lu", (unsigned long)proc->attempts);
    snprintf(v[4], sizeof v[4], "%lu", (unsigned long)proc->last_error);

    /* Five steps alternate between out and tmp, ending in out:
     * existing -> out -> tmp -> out -> tmp -> out. */
    for (i = 0; i < 5 && st == CCR_OK; i++) {
        const void *src = i == 0 ? existing : (i % 2 ? (const void *)out : (const void *)tmp);
        void *dst = i % 2 ? (void *)tmp : (void *)out;
        size_t dcap = i % 2 ? sizeof tmp : cap;
        st = set_step(src, n, CCR_SECTION_PROCESSING, keys[i], v[i], dst, dcap, &n, err);
    }
    if (st != CCR_OK)
        return st;
    return verify(out, n, out_len, err);
}
