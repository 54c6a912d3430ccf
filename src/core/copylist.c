/*
 * copylist.c: CopyListVersion (SMS.INI against CL_NT.TXT) and the copy
 * list's components, as docs/protocol.md ("CL_NT.TXT") defines them.
 *
 * The version decides whether Client Setup runs, so anything doubtful
 * about it is "unknown", and unknown never counts as a difference: a
 * damaged file must not start setup or a restart prompt (Q270697). The
 * component list names files the manager copies onto clients, so every
 * name is checked so that none can reach outside its folder.
 */
#include "climon/copylist.h"

#include <stdio.h>
#include <string.h>

/* ---- CopyListVersion ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

clv_status clv_parse(const char *text, uint32_t *out)
{
    const char *s = text, *e;
    uint64_t v = 0;
    bool over = false;

    if (out)
        *out = 0;
    if (!text)
        return CLV_MISSING;
    while (is_blank(*s))
        s++;
    e = s + strlen(s);
    while (e > s && is_blank(e[-1]))
        e--;
    if (s == e)
        return CLV_EMPTY;
    for (const char *p = s; p < e; p++) {
        if (*p < '0' || *p > '9')
            return CLV_NOT_NUMERIC;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX) {
            over = true;
            v = UINT32_MAX; /* keeps scanning for a non-digit */
        }
    }
    if (over)
        return CLV_OVERFLOW;
    if (out)
        *out = (uint32_t)v;
    return CLV_OK;
}

static clv version_from(const void *data, size_t len, const char *section)
{
    char buf[INI_MAX_LINE_BYTES + 1];
    clv v;
    ini_status st;

    memset(&v, 0, sizeof v);
    st = ini_get(data, len, section, "CopyListVersion", buf, sizeof buf, &v.file_error);
    switch (st) {
    case INI_OK:
        v.status = clv_parse(buf, &v.value);
        memset(&v.file_error, 0, sizeof v.file_error);
        break;
    case INI_NOT_FOUND:
        v.status = CLV_MISSING;
        memset(&v.file_error, 0, sizeof v.file_error);
        break;
    default:
        v.status = CLV_FILE_ERROR;
        break;
    }
    if (v.status != CLV_OK)
        v.value = 0;
    return v;
}

clv copylist_local_version(const void *sms_ini, size_t len)
{
    return version_from(sms_ini, len, "SMS");
}

clv copylist_server_version(const void *cl_nt, size_t len)
{
    return version_from(cl_nt, len, NULL);
}

clv_result clv_compare(const clv *local, const clv *server)
{
    if (!local || !server || local->status != CLV_OK || server->status != CLV_OK)
        return CLV_UNKNOWN;
    return local->value == server->value ? CLV_SAME : CLV_DIFFERS;
}

const char *clv_result_name(clv_result r)
{
    switch (r) {
    case CLV_SAME:
        return "up-to-date";
    case CLV_DIFFERS:
        return "differs";
    case CLV_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *clv_status_text(clv_status st)
{
    switch (st) {
    case CLV_OK:
        return "ok";
    case CLV_MISSING:
        return "missing";
    case CLV_EMPTY:
        return "empty";
    case CLV_NOT_NUMERIC:
        return "not a number";
    case CLV_OVERFLOW:
        return "over 4294967295";
    case CLV_FILE_ERROR:
        return "file rejected";
    case CLV_UNREADABLE:
        return "file could not be read";
    }
    return "unknown status";
}

size_t clv_format(const clv *v, char *buf, size_t cap)
{
    char dummy[1];
    int n;

    if (!buf || cap == 0) {
        buf = dummy;
        cap = 1;
    }
    if (v && v->status == CLV_OK)
        n = snprintf(buf, cap, "%lu", (unsigned long)v->value);
    else
        n = snprintf(buf, cap, "unknown");
    return n < 0 ? 0 : (size_t)n;
}

/* "(not a number)" or "(file rejected: line 3: ...)". */
static void why_unknown(const clv *v, char *buf, size_t cap)
{
    if (!v) {
        snprintf(buf, cap, "no information");
    } else if (v->status == CLV_FILE_ERROR) {
        char e[192];
        ini_error_format(&v->file_error, e, sizeof e);
        snprintf(buf, cap, "file rejected: %s", e);
    } else {
        snprintf(buf, cap, "%s", clv_status_text(v->status));
    }
}

size_t clv_explain(const clv *local, const clv *server, char *buf, size_t cap)
{
    char dummy[1], a[256], b[256];
    bool lk = local && local->status == CLV_OK, sk = server && server->status == CLV_OK;
    int n;

    if (!buf || cap == 0) {
        buf = dummy;
        cap = 1;
    }
    if (lk && sk) {
        unsigned long l = local->value, s = server->value;
        if (l == s)
            n = snprintf(buf, cap, "CopyListVersion %lu on both sides: up to date, no action", l);
        else if (s > l)
            n = snprintf(buf, cap, "server copy list is newer (%lu > %lu): Client Setup should run",
                         s, l);
        else
            n = snprintf(buf, cap, "server copy list is older (%lu < %lu): Client Setup should run",
                         s, l);
    } else if (!lk && !sk) {
        why_unknown(local, a, sizeof a);
        why_unknown(server, b, sizeof b);
        n = snprintf(buf, cap,
                     "local CopyListVersion is unknown (%s) and server CopyListVersion is "
                     "unknown (%s): no action",
                     a, b);
    } else if (!lk) {
        why_unknown(local, a, sizeof a);
        n = snprintf(buf, cap, "local CopyListVersion is unknown (%s): no action", a);
    } else {
        why_unknown(server, b, sizeof b);
        n = snprintf(buf, cap, "server CopyListVersion is unknown (%s): no action", b);
    }
    return n < 0 ? 0 : (size_t)n;
}

/* ---- Names ---- */

bool copylist_name_ok(const char *name)
{
    size_t i;

    if (!name || !name[0])
        return false;
    for (i = 0; name[i]; i++) {
        char c = name[i];
        if (i >= COPYLIST_NAME_MAX)
            return false;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

static bool name_eq_n(const char *a, size_t n, const char *b)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z')
            x = (char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z')
            y = (char)(y - 'a' + 'A');
        if (x != y || y == '\0')
            return false;
    }
    return b[n] == '\0';
}

/* Windows opens a device for these names whatever the extension
 * ("NUL.TXT" is NUL), so a copy would never land in the folder. */
static bool device_name(const char *name)
{
    static const char *const dev[] = {"CON",  "PRN",  "AUX",  "NUL",  "COM0", "COM1",
                                      "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
                                      "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3",
                                      "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};
    const char *dot = strchr(name, '.');
    size_t stem = dot ? (size_t)(dot - name) : strlen(name), i;

    for (i = 0; i < sizeof dev / sizeof dev[0]; i++)
        if (name_eq_n(name, stem, dev[i]))
            return true;
    return false;
}

bool copylist_file_name_ok(const char *name)
{
    size_t i;

    if (!name || !name[0])
        return false;
    for (i = 0; name[i]; i++) {
        char c = name[i];
        if (i >= COPYLIST_FILE_MAX)
            return false;
        /* The character set alone keeps out '\', '/', ':' and wildcards. */
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    /* No leading dot ("..", ".", "..x"), no trailing dot (Windows drops it,
     * so "A.EXE." would be another name than the one checked). */
    if (name[0] == '.' || name[i - 1] == '.')
        return false;
    return !device_name(name);
}

/* Dotted decimal numbers, each part 1..9 digits, at most
 * COPYLIST_VERSION_MAX characters. */
static bool version_ok(const char *v)
{
    size_t i, digits = 0;

    if (!v || !v[0])
        return false;
    for (i = 0; v[i]; i++) {
        if (i >= COPYLIST_VERSION_MAX)
            return false;
        if (v[i] >= '0' && v[i] <= '9') {
            if (++digits > 9)
                return false;
        } else if (v[i] == '.' && digits > 0) {
            digits = 0;
        } else {
            return false;
        }
    }
    return digits > 0;
}

/* Compares the digit runs a[0..na) and b[0..nb) by value. */
static int cmp_number(const char *a, size_t na, const char *b, size_t nb)
{
    while (na > 0 && *a == '0') {
        a++;
        na--;
    }
    while (nb > 0 && *b == '0') {
        b++;
        nb--;
    }
    if (na != nb)
        return na < nb ? -1 : 1;
    for (; na > 0; a++, b++, na--)
        if (*a != *b)
            return *a < *b ? -1 : 1;
    return 0;
}

int copylist_version_cmp(const char *a, const char *b)
{
    bool va = version_ok(a), vb = version_ok(b);

    /* A version that is not dotted numbers is older than any that is, so
     * a damaged installed version always leads to an upgrade. */
    if (!va || !vb) {
        int c;
        if (va != vb)
            return va ? 1 : -1;
        c = strcmp(a ? a : "", b ? b : "");
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    /* Missing parts count as 0: "1.2" equals "1.2.0". */
    while (*a || *b) {
        size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");
        int c = cmp_number(a, na, b, nb);
        if (c)
            return c;
        a += na;
        b += nb;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
    }
    return 0;
}

/* ---- Parsing CL_NT.TXT ---- */

static copylist_status fail(copylist_error *err, copylist_status st, const char *where)
{
    if (err) {
        err->status = st;
        if (where) {
            /* A bad name from the file goes into an admin's message:
             * printable ASCII only. */
            size_t i;
            for (i = 0; i < COPYLIST_NAME_MAX && where[i]; i++) {
                char c = where[i];
                err->where[i] = (c >= 0x20 && c < 0x7F) ? c : '?';
            }
            err->where[i] = '\0';
        }
    }
    return st;
}

static bool display_ok(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++) {
        if (i >= COPYLIST_DISPLAY_MAX)
            return false;
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return false;
    }
    return true;
}

/* Splits "A.EXE, B.DLL" into comp->files. An empty piece (",,", a
 * trailing comma) is an error: it is a damaged list, not a shorter one. */
static copylist_status parse_files(const char *list, copylist_component *comp)
{
    const char *p = list;

    comp->nfiles = 0;
    for (;;) {
        const char *s = p, *e = strchr(p, ',');
        char name[COPYLIST_FILE_MAX + 1];
        size_t n;
        unsigned i;

        if (!e)
            e = p + strlen(p);
        p = e;
        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        n = (size_t)(e - s);
        if (n == 0 || n > COPYLIST_FILE_MAX)
            return COPYLIST_ERR_BAD_FILE;
        memcpy(name, s, n);
        name[n] = '\0';
        if (!copylist_file_name_ok(name))
            return COPYLIST_ERR_BAD_FILE;
        for (i = 0; i < comp->nfiles; i++)
            if (ini_name_eq(comp->files[i], name))
                return COPYLIST_ERR_BAD_FILE; /* listed twice */
        if (comp->nfiles >= COPYLIST_MAX_FILES)
            return COPYLIST_ERR_TOO_MANY;
        memcpy(comp->files[comp->nfiles++], name, n + 1);
        if (*p == '\0')
            return COPYLIST_OK;
        p++; /* past the comma */
    }
}

/* Where each component's section stands while we walk the file. */
enum { SEEN_NONE = 0, SEEN_IN, SEEN_DONE };

copylist_status copylist_parse(const void *data, size_t len, copylist *out, copylist_error *err)
{
    ini_iter it;
    ini_item item;
    unsigned char seen[COPYLIST_MAX_COMPONENTS];
    bool has_version[COPYLIST_MAX_COMPONENTS], has_files[COPYLIST_MAX_COMPONENTS];
    bool has_display[COPYLIST_MAX_COMPONENTS];
    int in_components = SEEN_NONE, cur = -1;
    unsigned i;

    if (err)
        memset(err, 0, sizeof *err);
    if (!out)
        return fail(err, COPYLIST_ERR_FILE, NULL);
    memset(out, 0, sizeof *out);
    memset(seen, 0, sizeof seen);
    memset(has_version, 0, sizeof has_version);
    memset(has_files, 0, sizeof has_files);
    memset(has_display, 0, sizeof has_display);

    /* Before the file check: a refused file must read as an unknown
     * version (CLV_FILE_ERROR), never as a zeroed "valid 0". */
    out->version = copylist_server_version(data, len);
    if (ini_iter_init(&it, data, len, err ? &err->ini : NULL) != INI_OK)
        return fail(err, COPYLIST_ERR_FILE, NULL);

    /* Pass 1: [Components], in install order (first such section only). */
    while (ini_iter_next(&it, &item)) {
        if (item.kind == INI_ITEM_SECTION) {
            if (in_components == SEEN_IN)
                break;
            if (ini_name_eq(item.section, "Components"))
                in_components = SEEN_IN;
            continue;
        }
        if (in_components != SEEN_IN || item.kind != INI_ITEM_KEY)
            continue;
        if (!copylist_name_ok(item.key))
            return fail(err, COPYLIST_ERR_BAD_NAME, item.key);
        for (i = 0; i < out->ncomponents; i++)
            if (ini_name_eq(out->comp[i].name, item.key))
                return fail(err, COPYLIST_ERR_DUPLICATE, item.key);
        if (out->ncomponents >= COPYLIST_MAX_COMPONENTS)
            return fail(err, COPYLIST_ERR_TOO_MANY, item.key);
        {
            copylist_component *c = &out->comp[out->ncomponents];
            if (ini_name_eq(item.value, "service"))
                c->kind = COPYLIST_SERVICE;
            else if (ini_name_eq(item.value, "program"))
                c->kind = COPYLIST_PROGRAM;
            else
                return fail(err, COPYLIST_ERR_BAD_KIND, item.key);
            memcpy(c->name, item.key, strlen(item.key) + 1);
            out->ncomponents++;
        }
    }

    /* Pass 2: each component's own section (the first of its name). */
    if (out->ncomponents > 0) {
        ini_iter_init(&it, data, len, NULL);
        while (ini_iter_next(&it, &item)) {
            copylist_component *c;
            if (item.kind == INI_ITEM_SECTION) {
                if (cur >= 0)
                    seen[cur] = SEEN_DONE;
                cur = -1;
                for (i = 0; i < out->ncomponents; i++)
                    if (ini_name_eq(out->comp[i].name, item.section) && seen[i] == SEEN_NONE) {
                        seen[i] = SEEN_IN;
                        cur = (int)i;
                    }
                continue;
            }
            if (cur < 0 || item.kind != INI_ITEM_KEY)
                continue;
            c = &out->comp[cur];
            if (ini_name_eq(item.key, "Version") && !has_version[cur]) {
                has_version[cur] = true;
                if (!version_ok(item.value))
                    return fail(err, COPYLIST_ERR_BAD_VERSION, c->name);
                memcpy(c->version, item.value, strlen(item.value) + 1);
            } else if (ini_name_eq(item.key, "Display Name") && !has_display[cur]) {
                has_display[cur] = true;
                if (!item.value[0] || !display_ok(item.value))
                    return fail(err, COPYLIST_ERR_BAD_NAME, c->name);
                memcpy(c->display, item.value, strlen(item.value) + 1);
            } else if (ini_name_eq(item.key, "Files") && !has_files[cur]) {
                copylist_status st;
                has_files[cur] = true;
                st = parse_files(item.value, c);
                if (st != COPYLIST_OK)
                    return fail(err, st, c->name);
            }
        }
    }

    for (i = 0; i < out->ncomponents; i++) {
        copylist_component *c = &out->comp[i];
        if (seen[i] == SEEN_NONE)
            return fail(err, COPYLIST_ERR_NO_SECTION, c->name);
        if (!has_version[i])
            return fail(err, COPYLIST_ERR_BAD_VERSION, c->name);
        if (!has_files[i])
            return fail(err, COPYLIST_ERR_BAD_FILE, c->name);
        if (!has_display[i])
            memcpy(c->display, c->name, sizeof c->name);
    }
    return COPYLIST_OK;
}

static const char *copylist_status_text(copylist_status st)
{
    switch (st) {
    case COPYLIST_OK:
        return "ok";
    case COPYLIST_ERR_FILE:
        return "file rejected";
    case COPYLIST_ERR_TOO_MANY:
        return "too many components (over 32) or files (over 16)";
    case COPYLIST_ERR_BAD_NAME:
        return "name not 1-32 letters, digits or '_', or display name not 1-64 printable "
               "characters";
    case COPYLIST_ERR_BAD_KIND:
        return "kind neither \"service\" nor \"program\"";
    case COPYLIST_ERR_BAD_VERSION:
        return "Version missing or not dotted numbers";
    case COPYLIST_ERR_BAD_FILE:
        return "Files missing, or a file name escapes its folder (path, \"..\", drive, device "
               "or bad character)";
    case COPYLIST_ERR_NO_SECTION:
        return "listed in [Components] but has no section";
    case COPYLIST_ERR_DUPLICATE:
        return "listed twice in [Components]";
    }
    return "unknown copy list status";
}

size_t copylist_error_format(const copylist_error *err, char *buf, size_t cap)
{
    char dummy[1], e[192];
    int n;

    if (!buf || cap == 0) {
        buf = dummy;
        cap = 1;
    }
    if (!err)
        n = snprintf(buf, cap, "no error information");
    else if (err->status == COPYLIST_ERR_FILE) {
        ini_error_format(&err->ini, e, sizeof e);
        n = snprintf(buf, cap, "CL_NT.TXT rejected: %s", e);
    } else if (err->where[0])
        n = snprintf(buf, cap, "component %s: %s", err->where, copylist_status_text(err->status));
    else
        n = snprintf(buf, cap, "%s", copylist_status_text(err->status));
    return n < 0 ? 0 : (size_t)n;
}

/* ---- Delta ---- */

/* Copies at most cap - 1 bytes of a caller's fixed array, which need not
 * hold a NUL. */
static void copy_fixed(char *dst, size_t cap, const char *src, size_t src_cap)
{
    size_t n = 0;
    while (n < src_cap && n + 1 < cap && src[n])
        n++;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void copylist_diff(const copylist *list, const copylist_installed *installed, unsigned n,
                   copylist_delta *out)
{
    const unsigned cap = sizeof out->item / sizeof out->item[0];
    unsigned ncomp, i, j;

    memset(out, 0, sizeof *out);
    ncomp = list ? list->ncomponents : 0;
    if (ncomp > COPYLIST_MAX_COMPONENTS)
        ncomp = COPYLIST_MAX_COMPONENTS;
    if (!installed)
        n = 0;

    for (i = 0; i < ncomp && out->n < cap; i++) {
        const copylist_component *c = &list->comp[i];
        copylist_delta_item *d = &out->item[out->n];
        char name[COPYLIST_NAME_MAX + 1], want[COPYLIST_VERSION_MAX + 1];
        char have[COPYLIST_VERSION_MAX + 1];
        bool found = false;

        copy_fixed(name, sizeof name, c->name, sizeof c->name);
        copy_fixed(want, sizeof want, c->version, sizeof c->version);
        for (j = 0; j < n && !found; j++) {
            char iname[COPYLIST_NAME_MAX + 1];
            copy_fixed(iname, sizeof iname, installed[j].name, sizeof installed[j].name);
            if (ini_name_eq(iname, name)) {
                found = true;
                copy_fixed(have, sizeof have, installed[j].version, sizeof installed[j].version);
            }
        }
        if (found && copylist_version_cmp(have, want) == 0)
            continue;
        d->change = found ? COPYLIST_UPGRADE : COPYLIST_ADD;
        d->kind = c->kind;
        memcpy(d->name, name, sizeof name);
        if (found)
            memcpy(d->from, have, sizeof have);
        memcpy(d->to, want, sizeof want);
        d->index = (int)i;
        out->n++;
    }
    /* Removals: installed, not listed; each name once. */
    for (j = 0; j < n && out->n < cap; j++) {
        copylist_delta_item *d = &out->item[out->n];
        char name[COPYLIST_NAME_MAX + 1];
        bool drop = false;
        unsigned k;

        copy_fixed(name, sizeof name, installed[j].name, sizeof installed[j].name);
        for (i = 0; i < ncomp && !drop; i++) {
            char lname[COPYLIST_NAME_MAX + 1];
            copy_fixed(lname, sizeof lname, list->comp[i].name, sizeof list->comp[i].name);
            drop = ini_name_eq(lname, name);
        }
        for (k = 0; k < j && !drop; k++) {
            char earlier[COPYLIST_NAME_MAX + 1];
            copy_fixed(earlier, sizeof earlier, installed[k].name, sizeof installed[k].name);
            drop = ini_name_eq(earlier, name);
        }
        if (drop)
            continue;
        d->change = COPYLIST_REMOVE;
        d->kind = installed[j].kind;
        memcpy(d->name, name, sizeof name);
        copy_fixed(d->from, sizeof d->from, installed[j].version, sizeof installed[j].version);
        d->index = -1;
        out->n++;
    }
}

bool copylist_delta_has(const copylist_delta *d, copylist_kind kind)
{
    unsigned i;

    if (!d)
        return false;
    for (i = 0; i < d->n && i < sizeof d->item / sizeof d->item[0]; i++)
        if (d->item[i].kind == kind)
            return true;
    return false;
}
