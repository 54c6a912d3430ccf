/*
 * corpus_run.c: runs hostile input files through the core's parsers and
 * prints one outcome line per file, for tests/corpus/corpus-run.sh to
 * compare with tests/corpus/expected.tsv.
 *
 *   corpus_run PARSER FILE [PARSER FILE ...]
 *
 * PARSER is one of
 *   smsini  SMS.INI: copylist_local_version, then ini_set of CopyListVersion
 *           (what Client Setup does to the file)
 *   clnt    CL_NT.TXT: copylist_server_version and copylist_parse
 *   ccr     a .CCR request: ccr_read, then ccr_merge and ccr_set_processing
 *           (what Client Setup and the manager do to it)
 *   status  a client status file (CLIMON.BOX\<id>.INI): clistatus_read with
 *           the file's name as the stem, then clistatus_format of what was
 *           read (what the agent would write must read back the same)
 *
 * Outcomes (names are the core's status enums, lower case, prefix dropped):
 *   smsini  version=ok:<n> | version=unknown:<clv>[:<ini>]
 *   clnt    version=... copylist=ok:<components> | copylist=err:<status>[:<ini>][@<component>]
 *   ccr     ccr=ok:<machine>/<domain>/<count>[/processing] | ccr=err:<status>[:<ini>][@<key>]
 *   status  status=ok:<id>/<machine>/<pending>/<result> | status=err:<status>[:<ini>][@<key>]
 *
 * Besides the outcome, each file is pushed through the writers that would
 * meet it in the field, and their results are checked against the reader's
 * (a merge of a refused request must fail too; a parse that accepts a file
 * name must accept it by copylist_file_name_ok as well). A broken
 * invariant prints "INVARIANT ..." on stderr and makes the exit status 3,
 * so a hostile file that the writers handle wrongly fails the test even
 * when its outcome line is right.
 * Exit 0 all fine, 2 a file could not be read, 3 an invariant broke,
 * 64 usage.
 *
 * Built natively (also under ASan/UBSan in native-asan) and as a Windows
 * .exe run under Wine, so the same bytes meet both builds of the core.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "climon/ccr.h"
#include "climon/clistatus.h"
#include "climon/copylist.h"
#include "climon/ini.h"

#ifdef _WIN32
#include <wchar.h>
typedef wchar_t pchar;
#define PSTR(s) L##s
#define pfopen(p) _wfopen((p), L"rb")
#define pcmp wcscmp
#else
typedef char pchar;
#define PSTR(s) s
#define pfopen(p) fopen((p), "rb")
#define pcmp strcmp
#endif

/* One byte more than the INI layer accepts, so an oversize file reaches
 * the core and is refused there, as the agent's own reader does it. */
#define READ_CAP (INI_MAX_FILE_BYTES + 1u)
#define MAX_STEM 260

static unsigned char g_buf[READ_CAP];
static unsigned char g_out[READ_CAP + 8192u];
static copylist g_list;
static int g_broken;

static void invariant(const char *what, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static void invariant(const char *what, ...)
{
    va_list ap;
    fputs("INVARIANT ", stderr);
    va_start(ap, what);
    vfprintf(stderr, what, ap);
    va_end(ap);
    fputc('\n', stderr);
    g_broken = 1;
}

/* Every enum value named, so a new status breaks the build (-Wswitch)
 * rather than printing a number the manifest cannot know. */
static const char *ini_name(ini_status st)
{
    switch (st) {
    case INI_OK:
        return "ok";
    case INI_NOT_FOUND:
        return "not-found";
    case INI_ERR_TOO_LARGE:
        return "too-large";
    case INI_ERR_LINE_TOO_LONG:
        return "line-too-long";
    case INI_ERR_BINARY:
        return "binary";
    case INI_ERR_ENCODING:
        return "encoding";
    case INI_ERR_VALUE_TOO_LONG:
        return "value-too-long";
    case INI_ERR_BAD_VALUE:
        return "bad-value";
    case INI_ERR_NO_SPACE:
        return "no-space";
    }
    return "?";
}

static const char *clv_name(clv_status st)
{
    switch (st) {
    case CLV_OK:
        return "ok";
    case CLV_MISSING:
        return "missing";
    case CLV_EMPTY:
        return "empty";
    case CLV_NOT_NUMERIC:
        return "not-numeric";
    case CLV_OVERFLOW:
        return "overflow";
    case CLV_FILE_ERROR:
        return "file-error";
    case CLV_UNREADABLE:
        return "unreadable";
    }
    return "?";
}

static const char *copylist_name(copylist_status st)
{
    switch (st) {
    case COPYLIST_OK:
        return "ok";
    case COPYLIST_ERR_FILE:
        return "file";
    case COPYLIST_ERR_TOO_MANY:
        return "too-many";
    case COPYLIST_ERR_BAD_NAME:
        return "bad-name";
    case COPYLIST_ERR_BAD_KIND:
        return "bad-kind";
    case COPYLIST_ERR_BAD_VERSION:
        return "bad-version";
    case COPYLIST_ERR_BAD_FILE:
        return "bad-file";
    case COPYLIST_ERR_NO_SECTION:
        return "no-section";
    case COPYLIST_ERR_DUPLICATE:
        return "duplicate";
    }
    return "?";
}

static const char *ccr_name(ccr_status st)
{
    switch (st) {
    case CCR_OK:
        return "ok";
    case CCR_ERR_FILE:
        return "file";
    case CCR_ERR_TOO_LARGE:
        return "too-large";
    case CCR_ERR_NO_REQUEST:
        return "no-request";
    case CCR_ERR_BAD_MACHINE:
        return "bad-machine";
    case CCR_ERR_BAD_DOMAIN:
        return "bad-domain";
    case CCR_ERR_BAD_ID:
        return "bad-id";
    case CCR_ERR_BAD_DATE:
        return "bad-date";
    case CCR_ERR_BAD_COUNT:
        return "bad-count";
    case CCR_ERR_BAD_PROCESSING:
        return "bad-processing";
    case CCR_ERR_NO_SPACE:
        return "no-space";
    }
    return "?";
}

/* "ok:835643765", "unknown:missing", "unknown:file-error:binary". */
static void format_version(const clv *v, char *buf, size_t cap)
{
    if (v->status == CLV_OK)
        snprintf(buf, cap, "ok:%lu", (unsigned long)v->value);
    else if (v->status == CLV_FILE_ERROR)
        snprintf(buf, cap, "unknown:file-error:%s", ini_name(v->file_error.status));
    else
        snprintf(buf, cap, "unknown:%s", clv_name(v->status));
}

/* The bytes Client Setup would rewrite: CopyListVersion in [SMS]. A file
 * the reader refused must be refused by the writer with the same status;
 * a file it read must take the new value and read back with it. */
static void check_smsini_writer(const unsigned char *d, size_t len, const clv *v)
{
    static const char newv[] = "1764000000";
    size_t n = 0;
    ini_error e;
    ini_status st = ini_set(d, len, "SMS", "CopyListVersion", newv, g_out, sizeof g_out, &n, &e);
    ini_status chk = ini_check(d, len, NULL, NULL);

    if (chk != INI_OK) {
        if (st != chk)
            invariant("ini_set on a file ini_check refuses (%s) returned %s", ini_name(chk),
                      ini_name(st));
        if (v->status != CLV_FILE_ERROR)
            invariant("ini_check refuses the file (%s) but its version is %s", ini_name(chk),
                      clv_name(v->status));
        return;
    }
    if (st == INI_ERR_LINE_TOO_LONG || st == INI_ERR_TOO_LARGE)
        return; /* the new line would not fit: refused, not cut */
    if (st != INI_OK) {
        invariant("ini_set on a readable file failed: %s", ini_name(st));
        return;
    }
    if (n > ini_set_bound(len, "SMS", "CopyListVersion", newv))
        invariant("ini_set wrote %lu bytes, over its own bound", (unsigned long)n);
    {
        clv after = copylist_local_version(g_out, n);
        if (after.status != CLV_OK || after.value != 1764000000u)
            invariant("after ini_set the version reads %s, not 1764000000", clv_name(after.status));
    }
}

static void run_smsini(const unsigned char *d, size_t len, char *out, size_t cap)
{
    clv v = copylist_local_version(d, len);
    char vb[96];
    format_version(&v, vb, sizeof vb);
    snprintf(out, cap, "version=%s", vb);
    check_smsini_writer(d, len, &v);
}

static void run_clnt(const unsigned char *d, size_t len, char *out, size_t cap)
{
    clv v = copylist_server_version(d, len);
    copylist_error ce;
    copylist_status st;
    char vb[96], cb[160];

    memset(&g_list, 0, sizeof g_list);
    memset(&ce, 0, sizeof ce);
    st = copylist_parse(d, len, &g_list, &ce);
    format_version(&v, vb, sizeof vb);
    if (st == COPYLIST_OK) {
        snprintf(cb, sizeof cb, "ok:%u", g_list.ncomponents);
        /* Nothing accepted may name a path: the manager copies these. */
        for (unsigned i = 0; i < g_list.ncomponents; i++) {
            const copylist_component *c = &g_list.comp[i];
            if (!copylist_name_ok(c->name))
                invariant("accepted component name \"%s\"", c->name);
            if (c->nfiles == 0 || c->nfiles > COPYLIST_MAX_FILES)
                invariant("component %s accepted with %u files", c->name, c->nfiles);
            for (unsigned k = 0; k < c->nfiles && k < COPYLIST_MAX_FILES; k++)
                if (!copylist_file_name_ok(c->files[k]))
                    invariant("component %s: accepted file name \"%s\"", c->name, c->files[k]);
        }
    } else if (st == COPYLIST_ERR_FILE) {
        snprintf(cb, sizeof cb, "err:file:%s", ini_name(ce.ini.status));
    } else if (ce.where[0]) {
        snprintf(cb, sizeof cb, "err:%s@%s", copylist_name(st), ce.where);
    } else {
        snprintf(cb, sizeof cb, "err:%s", copylist_name(st));
    }
    /* copylist_parse's version is the same reading as the one-line reader
     * ("the version is still parsed on its own", docs/protocol.md), also
     * after a file error: a refused file is an unknown version, never 0. */
    if (g_list.version.status != v.status || g_list.version.value != v.value)
        invariant("copylist_parse version %s differs from copylist_server_version %s",
                  clv_name(g_list.version.status), clv_name(v.status));
    snprintf(out, cap, "version=%s copylist=%s", vb, cb);
}

static void check_ccr_writers(const unsigned char *d, size_t len, ccr_status read_st,
                              const ccr_request *req)
{
    static const ccr_time now = {2026, 11, 24, 9, 5};
    ccr_processing p = {true, {2026, 11, 24, 9, 0}, {2026, 11, 24, 9, 0}, {2026, 11, 24, 9, 5}, 2,
                        5};
    size_t n = 0, cap = ccr_output_bound(len);
    ccr_error e;
    ccr_status st;
    ccr_request after;

    if (cap > sizeof g_out)
        cap = sizeof g_out;
    st = ccr_merge(d, len, &now, (char *)g_out, cap, &n, &e);
    if (read_st != CCR_OK) {
        if (st == CCR_OK)
            invariant("ccr_merge accepted a request ccr_read refuses (%s)", ccr_name(read_st));
    } else if (st == CCR_OK) {
        uint32_t want = req->count < CCR_MAX_COUNT ? req->count + 1 : CCR_MAX_COUNT;
        if (ccr_read(g_out, n, &after, NULL, NULL) != CCR_OK)
            invariant("ccr_merge wrote a request ccr_read refuses");
        else if (after.count != want || strcmp(after.machine, req->machine) != 0 ||
                 strcmp(after.domain, req->domain) != 0)
            invariant("ccr_merge: count %lu (want %lu) or names changed",
                      (unsigned long)after.count, (unsigned long)want);
    } else if (st != CCR_ERR_TOO_LARGE &&
               !(st == CCR_ERR_FILE && e.ini.status == INI_ERR_LINE_TOO_LONG)) {
        invariant("ccr_merge of a valid request failed: %s", ccr_name(st));
    }

    /* The manager's write: ccr_set_processing repairs [Request Processing]
     * but must never accept a damaged request section. */
    st = ccr_set_processing(d, len, &p, (char *)g_out, cap, &n, &e);
    if (st == CCR_OK) {
        ccr_processing got;
        if (ccr_read(g_out, n, &after, &got, NULL) != CCR_OK)
            invariant("ccr_set_processing wrote a request ccr_read refuses");
        else if (!got.present || got.attempts != 2 || got.last_error != 5)
            invariant("ccr_set_processing: processing section not as written");
    } else if (read_st == CCR_OK && st != CCR_ERR_TOO_LARGE &&
               !(st == CCR_ERR_FILE && e.ini.status == INI_ERR_LINE_TOO_LONG)) {
        invariant("ccr_set_processing of a valid request failed: %s", ccr_name(st));
    }
}

static void run_ccr(const unsigned char *d, size_t len, char *out, size_t cap)
{
    ccr_request req;
    ccr_processing proc;
    ccr_error e;
    ccr_status st;

    memset(&e, 0, sizeof e);
    st = ccr_read(d, len, &req, &proc, &e);
    if (st == CCR_OK) {
        /* What a reader acts on must be valid by the writer's own rules. */
        if (!ccr_name_ok(req.machine) || !ccr_name_ok(req.domain) || !ccr_time_ok(&req.initial) ||
            !ccr_time_ok(&req.latest) || req.count < 1 || req.count > CCR_MAX_COUNT)
            invariant("ccr_read accepted a field its writer would refuse");
        snprintf(out, cap, "ccr=ok:%s/%s/%lu%s", req.machine, req.domain, (unsigned long)req.count,
                 proc.present ? "/processing" : "");
    } else if (st == CCR_ERR_FILE) {
        snprintf(out, cap, "ccr=err:file:%s", ini_name(e.ini.status));
    } else if (e.key[0]) {
        snprintf(out, cap, "ccr=err:%s@%s", ccr_name(st), e.key);
    } else {
        snprintf(out, cap, "ccr=err:%s", ccr_name(st));
    }
    check_ccr_writers(d, len, st, &req);
}

static const char *clistatus_name(clistatus_status st)
{
    switch (st) {
    case CLISTATUS_OK:
        return "ok";
    case CLISTATUS_ERR_FILE:
        return "file";
    case CLISTATUS_ERR_TOO_LARGE:
        return "too-large";
    case CLISTATUS_ERR_NO_SECTION:
        return "no-section";
    case CLISTATUS_ERR_FORMAT:
        return "format";
    case CLISTATUS_ERR_BAD_ID:
        return "bad-id";
    case CLISTATUS_ERR_OTHER_CLIENT:
        return "other-client";
    case CLISTATUS_ERR_BAD_MACHINE:
        return "bad-machine";
    case CLISTATUS_ERR_BAD_FIELD:
        return "bad-field";
    case CLISTATUS_ERR_NO_END:
        return "no-end";
    case CLISTATUS_ERR_NO_SPACE:
        return "no-space";
    }
    return "?";
}

/* The file's name without its folder and ".ini", as the site takes the
 * client's ID from it (non-ASCII as '?', which is no ID). */
static void stem_of(const pchar *path, char *out, size_t cap)
{
    const pchar *base = path;
    size_t n = 0;

    for (const pchar *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    for (; base[n] && n + 1 < cap; n++)
        out[n] = ((unsigned long)base[n] < 0x80) ? (char)base[n] : '?';
    out[n] = '\0';
    if (n > 4 && out[n - 4] == '.' && ini_name_eq(out + n - 3, "ini"))
        out[n - 4] = '\0';
}

static void run_status(const pchar *path, const unsigned char *d, size_t len, char *out, size_t cap)
{
    static const char *const pending[] = {"none", "logoff", "restart"};
    static const char *const result[] = {"none", "same", "differs", "unknown"};
    char stem[MAX_STEM];
    clistatus s, again;
    clistatus_error e;
    clistatus_status st;

    stem_of(path, stem, sizeof stem);
    memset(&e, 0, sizeof e);
    st = clistatus_read(d, len, stem, &s, &e);
    if (st == CLISTATUS_OK) {
        size_t n = 0;
        snprintf(out, cap, "status=ok:%s/%s/%s/%s", s.id, s.machine, pending[s.pending],
                 result[s.last_result]);
        /* What the site accepted, the agent's writer writes back the same. */
        if (clistatus_format(&s, (char *)g_out, sizeof g_out, &n, NULL) != CLISTATUS_OK)
            invariant("clistatus_format refuses what clistatus_read accepted");
        else if (clistatus_read(g_out, n, stem, &again, NULL) != CLISTATUS_OK ||
                 memcmp(&again, &s, sizeof s) != 0)
            invariant("a status file read, written and read again differs");
    } else if (st == CLISTATUS_ERR_FILE) {
        snprintf(out, cap, "status=err:file:%s", ini_name(e.ini.status));
    } else if (e.key[0]) {
        snprintf(out, cap, "status=err:%s@%s", clistatus_name(st), e.key);
    } else {
        snprintf(out, cap, "status=err:%s", clistatus_name(st));
    }
}

static long read_whole(const pchar *path)
{
    FILE *f = pfopen(path);
    size_t n;
    if (!f)
        return -1;
    n = fread(g_buf, 1, READ_CAP, f);
    if (ferror(f)) {
        fclose(f);
        return -1;
    }
    fclose(f);
    return (long)n;
}

#ifdef _WIN32
int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
#else
int main(int argc, char **argv)
#endif
{
    int rc = 0;

    if (argc < 3 || (argc - 1) % 2 != 0) {
        fputs("usage: corpus_run smsini|clnt|ccr|status FILE [PARSER FILE ...]\n", stderr);
        return 64;
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        const pchar *parser = argv[i], *path = argv[i + 1];
        char line[512];
        long n;

        g_broken = 0;
        n = read_whole(path);
        if (n < 0) {
            printf("unreadable:%s\n", strerror(errno));
            rc = rc ? rc : 2;
            continue;
        }
        if (!pcmp(parser, PSTR("smsini"))) {
            run_smsini(g_buf, (size_t)n, line, sizeof line);
        } else if (!pcmp(parser, PSTR("clnt"))) {
            run_clnt(g_buf, (size_t)n, line, sizeof line);
        } else if (!pcmp(parser, PSTR("ccr"))) {
            run_ccr(g_buf, (size_t)n, line, sizeof line);
        } else if (!pcmp(parser, PSTR("status"))) {
            run_status(path, g_buf, (size_t)n, line, sizeof line);
        } else {
            fputs("corpus_run: parser must be smsini, clnt, ccr or status\n", stderr);
            return 64;
        }
        printf("%s\n", line);
        if (g_broken) {
            fprintf(stderr, "  (file %d of the command line)\n", (i + 1) / 2);
            rc = 3;
        }
    }
    fflush(stdout);
    return rc;
}
