/*
 * report.c: the admin's compliance page (ccm --report <share> <folder>,
 * ccm.h; docs/admin-guide.md "The compliance page").
 *
 * Reads every <share>\CLIMON.BOX\*.INI through the core's clistatus_read
 * (the box is written by clients: nothing in it is trusted, the file's
 * name must be the ID inside), sorts each client into a bucket, and
 * writes <folder>\compliance.html (one file: inline style and SVG, no
 * script, everything from a client HTML-escaped) and compliance.csv (one
 * row per report, formula-safe). Read only: it needs no manager lock and
 * runs beside a manager's pass.
 *
 * Speed (10,000 reports under 2 s, docs/performance.md): one listing with
 * large fetches, the size from the listing (an oversized file is refused
 * unread), one open and one read of at most 4097 bytes per file into a
 * stack buffer, the page built in memory and written once.
 */
#include "ccm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "climon/clistatus.h"
#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

/* Rows the page lists before it points at the CSV, which has them all. */
#define PAGE_OVERDUE_MAX 1000
#define PAGE_REFUSED_MAX 200
#define PAGE_ERRORS_MAX 200
#define PAGE_VERSIONS_MAX 50

typedef struct client {
    clistatus s;
    char file[CCR_ID_MAX + 8]; /* its file's name as listed (<stem>.INI, any case) */
    unsigned char bucket;
    bool overdue;
} client;

typedef struct refused {
    char name[MAX_PATH * 3]; /* the file's name, UTF-8 */
    char why[200];
} refused;

typedef struct report {
    client *c;
    unsigned n, cap;
    refused *r;
    unsigned nr, capr;
    unsigned count[CLISTATUS_B_COUNT];
    unsigned noverdue;
    int64_t now;
    int64_t silent_s;
} report;

/* ---- a growing buffer (HeapAlloc: ccm's programs allocate so) ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static bool sb_room(sbuf *b, size_t more)
{
    size_t want;
    char *np;

    if (b->oom)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    want = b->cap ? b->cap : 64 * 1024;
    while (want < b->len + more + 1)
        want *= 2;
    np = b->p ? HeapReAlloc(GetProcessHeap(), 0, b->p, want) : HeapAlloc(GetProcessHeap(), 0, want);
    if (!np) {
        b->oom = true;
        return false;
    }
    b->p = np;
    b->cap = want;
    return true;
}

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (!sb_room(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

#ifdef __GNUC__
__attribute__((format(gnu_printf, 2, 3)))
#endif
static void
sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Text for HTML, in an element or a quoted attribute. */
static void sb_html(sbuf *b, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        const char *e = NULL;
        switch (*s) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '"':
            e = "&quot;";
            break;
        case '\'':
            e = "&#39;";
            break;
        default:
            continue;
        }
        sb_add(b, run, (size_t)(s - run));
        sb_str(b, e);
        run = s + 1;
    }
    sb_add(b, run, (size_t)(s - run));
}

/* A CSV field, always quoted. One that a spreadsheet would take for a
 * formula (= + - @, tab, CR first) gets a leading apostrophe: a client's
 * text must not run in the admin's spreadsheet. */
static void sb_csv(sbuf *b, const char *s)
{
    sb_str(b, "\"");
    if (strchr("=+-@\t\r", s[0]) && s[0])
        sb_str(b, "'");
    for (const char *run = s;; s++) {
        if (*s == '"' || !*s) {
            sb_add(b, run, (size_t)(s - run));
            if (!*s)
                break;
            sb_str(b, "\"\"");
            run = s + 1;
        }
    }
    sb_str(b, "\"");
}

static void sb_free(sbuf *b)
{
    if (b->p)
        HeapFree(GetProcessHeap(), 0, b->p);
    memset(b, 0, sizeof *b);
}

/* ---- reading the box ---- */

static bool grow(void **p, unsigned *cap, unsigned need, size_t size)
{
    unsigned want;
    void *np;

    if (need <= *cap)
        return true;
    want = *cap ? *cap * 2 : 1024;
    np = *p ? HeapReAlloc(GetProcessHeap(), 0, *p, (size_t)want * size)
            : HeapAlloc(GetProcessHeap(), 0, (size_t)want * size);
    if (!np)
        return false;
    *p = np;
    *cap = want;
    return true;
}

static bool add_refused(report *r, const char *name, const char *why)
{
    refused *x;

    if (!grow((void **)&r->r, &r->capr, r->nr + 1, sizeof *r->r))
        return false;
    x = &r->r[r->nr++];
    snprintf(x->name, sizeof x->name, "%s", name);
    snprintf(x->why, sizeof x->why, "%s", why);
    return true;
}

/* True when name ends in ".INI" (any case): the reports. A .TMP is a
 * report being written. */
static bool is_report(const wchar_t *name, size_t *stem_len)
{
    size_t n = wcslen(name);
    if (n < 5 || _wcsicmp(name + n - 4, L".INI") != 0)
        return false;
    *stem_len = n - 4;
    return true;
}

/* One file of the listing and, once read, what it said. */
typedef struct entry {
    wchar_t name[MAX_PATH];
    DWORD size_high, size_low;
    size_t stem_len;
    bool ok; /* s is a valid report */
    clistatus s;
    char why[200]; /* else why not */
} entry;

typedef struct reader {
    const wchar_t *box;
    entry *e;
    unsigned n;
    volatile LONG next; /* the next entry a worker takes */
} reader;

/* Reads and parses one file into its entry; touches nothing shared, so
 * workers run it side by side. */
static void read_one(const wchar_t *box, entry *en)
{
    unsigned char data[CLISTATUS_MAX_BYTES + 1];
    wchar_t path[SITE_PATH_MAX], wstem[MAX_PATH];
    char stem[MAX_PATH * 3], e[160];
    clistatus_error err;
    HANDLE h;
    DWORD got = 0;

    en->ok = false;
    if (en->size_high || en->size_low > CLISTATUS_MAX_BYTES) {
        snprintf(en->why, sizeof en->why, "%s", clistatus_status_text(CLISTATUS_ERR_TOO_LARGE));
        return;
    }
    memcpy(wstem, en->name, en->stem_len * sizeof(wchar_t));
    wstem[en->stem_len] = L'\0';
    if (!winstr_to_utf8(wstem, stem, sizeof stem) || !ccr_id_ok(stem)) {
        snprintf(en->why, sizeof en->why, "file name: not an SMS Unique ID");
        return;
    }
    if (!path_join(path, SITE_PATH_MAX, box, en->name)) {
        snprintf(en->why, sizeof en->why, "path too long");
        return;
    }
    h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        snprintf(en->why, sizeof en->why, "cannot be read: %s",
                 win_strerror(GetLastError(), e, sizeof e));
        return;
    }
    /* One byte over the bound: a file that grew since the listing is
     * refused as too large, never cut. */
    if (!ReadFile(h, data, sizeof data, &got, NULL)) {
        snprintf(en->why, sizeof en->why, "cannot be read: %s",
                 win_strerror(GetLastError(), e, sizeof e));
        CloseHandle(h);
        return;
    }
    CloseHandle(h);
    if (clistatus_read(data, got, stem, &en->s, &err) != CLISTATUS_OK) {
        clistatus_error_format(&err, en->why, sizeof en->why);
        return;
    }
    en->ok = true;
}

static DWORD WINAPI reader_main(void *arg)
{
    reader *rd = arg;
    LONG i;

    while ((i = InterlockedIncrement(&rd->next) - 1) < (LONG)rd->n)
        read_one(rd->box, &rd->e[i]);
    return 0;
}

/* Under Wine every open is a round trip to the wineserver, most of a
 * report's time: a reader per processor (at most 4) keeps it busy while
 * each parses. More readers than processors measured slower (figure 9:
 * 2 cores, 10,000 files: 1 reader 2.1-2.5 s, 2 readers 1.1-1.3 s, 4
 * readers 1.3-1.4 s). */
#define REPORT_READERS 4
#define REPORT_FILES_PER_READER 256

static void read_all(reader *rd)
{
    HANDLE th[REPORT_READERS];
    unsigned want = rd->n / REPORT_FILES_PER_READER + 1, nt = 0;
    SYSTEM_INFO si;

    GetSystemInfo(&si);
    if (want > si.dwNumberOfProcessors)
        want = si.dwNumberOfProcessors;
    if (want > REPORT_READERS)
        want = REPORT_READERS;
    rd->next = 0;
    for (unsigned i = 1; i < want; i++) {
        th[nt] =
            CreateThread(NULL, 64 * 1024, reader_main, rd, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (th[nt])
            nt++;
    }
    reader_main(rd); /* this thread reads too; alone when no thread started */
    if (nt)
        WaitForMultipleObjects(nt, th, TRUE, INFINITE);
    for (unsigned i = 0; i < nt; i++)
        CloseHandle(th[i]);
}

static DWORD read_box(report *r, const wchar_t *share)
{
    wchar_t box[SITE_PATH_MAX], pattern[SITE_PATH_MAX];
    WIN32_FIND_DATAW fd;
    reader rd;
    unsigned cap = 0;
    HANDLE h;
    DWORD err = ERROR_SUCCESS;
    size_t stem_len;

    memset(&rd, 0, sizeof rd);
    if (!path_join(box, SITE_PATH_MAX, share, SITE_W(SHARE_STATUS_BOX)) ||
        !path_join(pattern, SITE_PATH_MAX, box, L"*"))
        return ERROR_FILENAME_EXCED_RANGE;
    rd.box = box;
    /* Listed whole before any is read: the counts are of one moment's box. */
    h = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL,
                         FIND_FIRST_EX_LARGE_FETCH);
    if (h == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        /* No box yet: no client has reported, an empty site. */
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND ? ERROR_SUCCESS : err;
    }
    do {
        entry *en;
        if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !is_report(fd.cFileName, &stem_len))
            continue;
        if (!grow((void **)&rd.e, &cap, rd.n + 1, sizeof *rd.e)) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        en = &rd.e[rd.n++];
        memcpy(en->name, fd.cFileName, sizeof en->name);
        en->size_high = fd.nFileSizeHigh;
        en->size_low = fd.nFileSizeLow;
        en->stem_len = stem_len;
    } while (FindNextFileW(h, &fd));
    if (err == ERROR_SUCCESS && GetLastError() != ERROR_NO_MORE_FILES)
        err = GetLastError();
    FindClose(h);

    if (err == ERROR_SUCCESS && rd.n)
        read_all(&rd);
    for (unsigned i = 0; err == ERROR_SUCCESS && i < rd.n; i++) {
        entry *en = &rd.e[i];
        if (!en->ok) {
            char name[MAX_PATH * 3];
            if (!winstr_to_utf8(en->name, name, sizeof name))
                snprintf(name, sizeof name, "(a name that is not Unicode)");
            if (!add_refused(r, name, en->why))
                err = ERROR_NOT_ENOUGH_MEMORY;
            continue;
        }
        if (!grow((void **)&r->c, &r->cap, r->n + 1, sizeof *r->c)) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        client *c = &r->c[r->n++];
        c->s = en->s;
        if (!winstr_to_utf8(en->name, c->file, sizeof c->file))
            snprintf(c->file, sizeof c->file, "%s.INI", c->s.id);
        c->bucket = (unsigned char)clistatus_classify(&c->s, r->now, r->silent_s);
        c->overdue = c->bucket != CLISTATUS_B_SILENT && clistatus_overdue(&c->s, r->now);
        r->count[c->bucket]++;
        r->noverdue += c->overdue;
    }
    if (rd.e)
        HeapFree(GetProcessHeap(), 0, rd.e);
    return err;
}

/* ---- the page ---- */

static const char *const bucket_colour[CLISTATUS_B_COUNT] = {
    "#2e7d32", "#1565c0", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a", "#757575"};

static const char *pending_text(clistatus_pending p)
{
    return p == CLISTATUS_PENDING_RESTART  ? "restart"
           : p == CLISTATUS_PENDING_LOGOFF ? "logoff"
                                           : "none";
}

static const char *result_text(clistatus_result r)
{
    static const char *const n[] = {"none", "same", "differs", "unknown"};
    return (unsigned)r < 4 ? n[r] : "?";
}

static int by_pending_since(const void *a, const void *b)
{
    const client *x = *(const client *const *)a, *y = *(const client *const *)b;
    if (x->s.pending_since != y->s.pending_since)
        return x->s.pending_since < y->s.pending_since ? -1 : 1;
    return strcmp(x->s.id, y->s.id);
}

typedef struct vcount {
    uint32_t version;
    bool known;
    unsigned n;
} vcount;

static int by_version(const void *a, const void *b)
{
    const vcount *x = a, *y = b;
    if (x->known != y->known)
        return x->known ? -1 : 1;
    if (x->version != y->version)
        return x->version > y->version ? -1 : 1;
    return 0;
}

/* The CopyListVersion spread, newest first, unknown last: sorted values
 * then counted runs (vc has room for r->n entries). */
static unsigned spread(const report *r, bool server, vcount *vc)
{
    unsigned n = 0, out = 0;

    for (unsigned i = 0; i < r->n; i++) {
        vc[n].known = server ? r->c[i].s.server_known : r->c[i].s.local_known;
        vc[n].version = server ? r->c[i].s.server_version : r->c[i].s.local_version;
        if (!vc[n].known)
            vc[n].version = 0;
        vc[n].n = 1;
        n++;
    }
    qsort(vc, n, sizeof *vc, by_version);
    for (unsigned i = 0; i < n; i++) {
        if (out && vc[out - 1].known == vc[i].known && vc[out - 1].version == vc[i].version)
            vc[out - 1].n++;
        else
            vc[out++] = vc[i];
    }
    return out;
}

static void page_style(sbuf *b)
{
    sb_str(b, "<style>\n"
              "body{font-family:Segoe UI,DejaVu Sans,Arial,sans-serif;margin:24px;color:#212121}\n"
              "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}\n"
              ".meta{color:#616161;margin:0 0 16px}\n"
              "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 8px;"
              "text-align:left;vertical-align:top}th{background:#eee}\n"
              "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
              ".sw{display:inline-block;width:12px;height:12px;margin-right:6px}\n"
              ".more{color:#616161}\n"
              "</style>\n");
}

static void page_chart(sbuf *b, const report *r)
{
    const unsigned bar_h = 26, gap = 8, label_w = 240, bar_w = 380;
    unsigned max = 1, y = 10;

    for (int i = 0; i < CLISTATUS_B_COUNT; i++)
        if (r->count[i] > max)
            max = r->count[i];
    sb_fmt(b,
           "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart\" width=\"%u\" height=\"%u\" "
           "role=\"img\" aria-label=\"Clients by state\">\n",
           label_w + bar_w + 90, 20 + CLISTATUS_B_COUNT * (bar_h + gap));
    for (int i = 0; i < CLISTATUS_B_COUNT; i++, y += bar_h + gap) {
        unsigned w = (unsigned)((unsigned long long)r->count[i] * bar_w / max);
        if (r->count[i] && w < 2)
            w = 2;
        sb_fmt(b,
               "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" font-size=\"14\">%s</text>"
               "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\">"
               "<title>%s: %u</title></rect>"
               "<text x=\"%u\" y=\"%u\" font-size=\"14\">%u</text>\n",
               label_w - 8, y + 18, clistatus_bucket_label((clistatus_bucket)i), label_w, y, w,
               bar_h, bucket_colour[i], clistatus_bucket_label((clistatus_bucket)i), r->count[i],
               label_w + w + 6, y + 18, r->count[i]);
    }
    sb_str(b, "</svg>\n");
}

static void page_versions(sbuf *b, const report *r, vcount *vc, bool server)
{
    unsigned n = spread(r, server, vc);

    sb_fmt(b, "<table id=\"%s\"><tr><th>%s CopyListVersion</th><th>Clients</th></tr>\n",
           server ? "server-versions" : "local-versions", server ? "Server" : "Client");
    for (unsigned i = 0; i < n && i < PAGE_VERSIONS_MAX; i++) {
        if (vc[i].known)
            sb_fmt(b, "<tr><td>%lu</td><td class=\"n\">%u</td></tr>\n",
                   (unsigned long)vc[i].version, vc[i].n);
        else
            sb_fmt(b, "<tr><td>unknown</td><td class=\"n\">%u</td></tr>\n", vc[i].n);
    }
    if (n > PAGE_VERSIONS_MAX)
        sb_fmt(b, "<tr><td colspan=\"2\" class=\"more\">and %u more versions</td></tr>\n",
               n - PAGE_VERSIONS_MAX);
    sb_str(b, "</table>\n");
}

/* The clients whose last pass failed, with what they said. */
static void page_errors(sbuf *b, const report *r)
{
    char t[40];
    unsigned shown = 0;

    sb_fmt(b, "<h2>Clients in error (%u)</h2>\n", r->count[CLISTATUS_B_ERROR]);
    sb_str(b, "<table id=\"errors\"><tr><th>Machine</th><th>SMS Unique ID</th><th>Last pass</th>"
              "<th>Result</th><th>Last error</th></tr>\n");
    for (unsigned i = 0; i < r->n && shown < PAGE_ERRORS_MAX; i++) {
        const clistatus *s = &r->c[i].s;
        if (r->c[i].bucket != CLISTATUS_B_ERROR)
            continue;
        shown++;
        clistatus_time_text(s->last_pass, t, sizeof t);
        sb_str(b, "<tr><td>");
        sb_html(b, s->machine);
        sb_str(b, "</td><td>");
        sb_html(b, s->id);
        sb_fmt(b, "</td><td>%s</td><td>%s</td><td>", t[0] ? t : "never",
               result_text(s->last_result));
        sb_html(b, s->last_error);
        sb_str(b, "</td></tr>\n");
    }
    if (r->count[CLISTATUS_B_ERROR] > shown)
        sb_fmt(b, "<tr><td colspan=\"5\" class=\"more\">and %u more (compliance.csv)</td></tr>\n",
               r->count[CLISTATUS_B_ERROR] - shown);
    sb_str(b, "</table>\n");
}

static bool page(sbuf *b, const report *r, const char *share8)
{
    char now[40], t[40], t2[40];
    client **od = NULL;
    vcount *vc = NULL;
    unsigned nod = 0;

    if (r->n) {
        od = HeapAlloc(GetProcessHeap(), 0, sizeof *od * r->n);
        vc = HeapAlloc(GetProcessHeap(), 0, sizeof *vc * r->n);
        if (!od || !vc) {
            if (od)
                HeapFree(GetProcessHeap(), 0, od);
            if (vc)
                HeapFree(GetProcessHeap(), 0, vc);
            return false;
        }
    }
    clistatus_time_text(r->now, now, sizeof now);
    sb_str(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              "<title>Climon compliance</title>\n");
    page_style(b);
    sb_str(b, "</head><body>\n<h1>Climon compliance</h1>\n<p class=\"meta\">Share ");
    sb_html(b, share8);
    sb_fmt(b,
           " &middot; <span id=\"clients\">%u</span> clients reporting &middot; "
           "<span id=\"refused-count\">%u</span> reports refused &middot; written %s &middot; "
           "silent after %lld days</p>\n",
           r->n, r->nr, now, (long long)(r->silent_s / 86400));

    sb_str(b, "<h2>Clients by state</h2>\n");
    page_chart(b, r);
    sb_str(b, "<table id=\"summary\"><tr><th>State</th><th>Clients</th></tr>\n");
    for (int i = 0; i < CLISTATUS_B_COUNT; i++)
        sb_fmt(b,
               "<tr><td><span class=\"sw\" style=\"background:%s\"></span>%s</td>"
               "<td class=\"n\" id=\"n-%s\">%u</td></tr>\n",
               bucket_colour[i], clistatus_bucket_label((clistatus_bucket)i),
               clistatus_bucket_name((clistatus_bucket)i), r->count[i]);
    sb_str(b, "</table>\n");

    for (unsigned i = 0; i < r->n; i++)
        if (r->c[i].overdue)
            od[nod++] = &r->c[i];
    if (nod)
        qsort(od, nod, sizeof *od, by_pending_since);
    sb_fmt(b,
           "<h2>Overdue clients (<span id=\"overdue-count\">%u</span>)</h2>\n"
           "<p class=\"meta\">A restart or logoff pending past its deadline, or for over 3 days "
           "without one; oldest first.</p>\n",
           nod);
    sb_str(b, "<table id=\"overdue\"><tr><th>Machine</th><th>SMS Unique ID</th><th>Pending</th>"
              "<th>Since</th><th>Days</th><th>Deferrals used</th><th>Deadline</th>"
              "<th>Last error</th></tr>\n");
    for (unsigned i = 0; i < nod && i < PAGE_OVERDUE_MAX; i++) {
        const clistatus *s = &od[i]->s;
        clistatus_time_text(s->pending_since, t, sizeof t);
        clistatus_time_text(s->deadline, t2, sizeof t2);
        sb_str(b, "<tr><td>");
        sb_html(b, s->machine);
        sb_str(b, "</td><td>");
        sb_html(b, s->id);
        sb_fmt(b, "</td><td>%s</td><td>%s</td><td class=\"n\">%lld</td><td class=\"n\">%lu</td>",
               pending_text(s->pending), t, (long long)((r->now - s->pending_since) / 86400),
               (unsigned long)s->deferrals);
        sb_fmt(b, "<td>%s</td><td>", t2[0] ? t2 : "none");
        sb_html(b, s->last_error);
        sb_str(b, "</td></tr>\n");
    }
    if (nod > PAGE_OVERDUE_MAX)
        sb_fmt(b,
               "<tr><td colspan=\"8\" class=\"more\">and %u more: every client is in "
               "compliance.csv</td></tr>\n",
               nod - PAGE_OVERDUE_MAX);
    sb_str(b, "</table>\n");

    page_errors(b, r);

    sb_str(b, "<h2>CopyListVersion spread</h2>\n<div style=\"display:flex;gap:32px\">\n");
    page_versions(b, r, vc, false);
    page_versions(b, r, vc, true);
    sb_str(b, "</div>\n");

    sb_str(b, "<h2>Refused reports</h2>\n<p class=\"meta\">Files in CLIMON.BOX that are not a "
              "valid report: nothing in them is counted above.</p>\n"
              "<table id=\"refused\"><tr><th>File</th><th>Why</th></tr>\n");
    for (unsigned i = 0; i < r->nr && i < PAGE_REFUSED_MAX; i++) {
        sb_str(b, "<tr><td>");
        sb_html(b, r->r[i].name);
        sb_str(b, "</td><td>");
        sb_html(b, r->r[i].why);
        sb_str(b, "</td></tr>\n");
    }
    if (r->nr > PAGE_REFUSED_MAX)
        sb_fmt(b, "<tr><td colspan=\"2\" class=\"more\">and %u more (compliance.csv)</td></tr>\n",
               r->nr - PAGE_REFUSED_MAX);
    sb_str(b, "</table>\n</body></html>\n");
    if (od)
        HeapFree(GetProcessHeap(), 0, od);
    if (vc)
        HeapFree(GetProcessHeap(), 0, vc);
    return !b->oom;
}

/* ---- the CSV ---- */

static void csv_time(sbuf *b, int64_t t)
{
    char s[40];
    clistatus_time_text(t, s, sizeof s);
    sb_csv(b, s);
}

static bool csv(sbuf *b, const report *r)
{
    char num[24];

    /* A UTF-8 BOM: spreadsheets otherwise read the file as ANSI. */
    sb_str(b, "\xEF\xBB\xBF"
              "file,sms_unique_id,machine_name,bucket,overdue,pending,pending_since,"
              "deferrals_used,deadline,local_copylist_version,server_copylist_version,"
              "last_result,last_pass,written,agent_version,last_error\r\n");
    for (unsigned i = 0; i < r->n; i++) {
        const clistatus *s = &r->c[i].s;
        sb_csv(b, r->c[i].file);
        sb_str(b, ",");
        sb_csv(b, s->id);
        sb_str(b, ",");
        sb_csv(b, s->machine);
        sb_fmt(b, ",%s,%d,%s,", clistatus_bucket_name((clistatus_bucket)r->c[i].bucket),
               r->c[i].overdue ? 1 : 0, pending_text(s->pending));
        csv_time(b, s->pending_since);
        sb_fmt(b, ",%lu,", (unsigned long)s->deferrals);
        csv_time(b, s->deadline);
        snprintf(num, sizeof num, "%lu", (unsigned long)s->local_version);
        sb_fmt(b, ",%s,", s->local_known ? num : "");
        snprintf(num, sizeof num, "%lu", (unsigned long)s->server_version);
        sb_fmt(b, "%s,%s,", s->server_known ? num : "", result_text(s->last_result));
        csv_time(b, s->last_pass);
        sb_str(b, ",");
        csv_time(b, s->written);
        sb_fmt(b, ",%s,", s->agent_version);
        sb_csv(b, s->last_error);
        sb_str(b, "\r\n");
    }
    for (unsigned i = 0; i < r->nr; i++) {
        sb_csv(b, r->r[i].name);
        sb_str(b, ",,,refused,0,,,,,,,,,,,");
        sb_csv(b, r->r[i].why);
        sb_str(b, "\r\n");
    }
    return !b->oom;
}

/* ---- the command ---- */

static int64_t unix_now(void)
{
    FILETIME ft;
    ULARGE_INTEGER u;

    GetSystemTimeAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    return (int64_t)(u.QuadPart / 10000000ull) - 11644473600ll;
}

int ccm_report(const ccm_opts *o, ccm_report_counts *counts)
{
    report r;
    sbuf html = {0}, text = {0};
    wchar_t path[SITE_PATH_MAX];
    char share8[SITE_PATH_MAX * 3], e[160], p8[SITE_PATH_MAX * 3];
    DWORD err;
    int rc = CCM_EXIT_IO;

    memset(&r, 0, sizeof r);
    if (counts)
        memset(counts, 0, sizeof *counts);
    r.now = unix_now();
    r.silent_s = (int64_t)o->silent_days * 86400;
    site_u8(o->share, share8, sizeof share8);
    err = read_box(&r, o->share);
    if (err != ERROR_SUCCESS) {
        fprintf(stderr, "ccm: cannot list %s\\%s: %s\n", share8, SHARE_STATUS_BOX,
                win_strerror(err, e, sizeof e));
        goto out;
    }
    if (!page(&html, &r, share8) || !csv(&text, &r)) {
        fputs("ccm: out of memory writing the report\n", stderr);
        goto out;
    }
    err = fileio_mkdirs(o->report_dir);
    if (err == ERROR_SUCCESS && path_join(path, SITE_PATH_MAX, o->report_dir, L"compliance.html"))
        err = fileio_write_atomic(path, html.p, html.len);
    if (err == ERROR_SUCCESS && path_join(path, SITE_PATH_MAX, o->report_dir, L"compliance.csv"))
        err = fileio_write_atomic(path, text.p, text.len);
    if (err != ERROR_SUCCESS) {
        fprintf(stderr, "ccm: cannot write the report in %s: %s\n",
                site_u8(o->report_dir, p8, sizeof p8), win_strerror(err, e, sizeof e));
        goto out;
    }
    if (counts) {
        counts->clients = r.n;
        counts->refused = r.nr;
        counts->overdue = r.noverdue;
        memcpy(counts->bucket, r.count, sizeof counts->bucket);
    }
    rc = CCM_EXIT_OK;
out:
    sb_free(&html);
    sb_free(&text);
    if (r.c)
        HeapFree(GetProcessHeap(), 0, r.c);
    if (r.r)
        HeapFree(GetProcessHeap(), 0, r.r);
    return rc;
}
