/*
 * pass.c: one pass of the manager over the request box (ccm.h).
 *
 * A new request is first claimed by renaming it to WORK\<id>.CCW, so that a
 * request Client Setup files while the manager works on the client is a
 * new file, processed next, and never lost in a delete. The claim goes to
 * a folder of its own, which holds only the requests in hand: a new name
 * in CCR.BOX itself would cost a look through the whole box where names
 * are matched without case by a scan (Wine, some file servers), making a
 * pass over n requests take n * n. The copy list and the site settings are
 * read once per pass; a copy list that is missing or refused stops the
 * pass before any request is touched.
 *
 * Requests are carried out by CCM_WORKERS threads at once (ccm.h says
 * why). Each request is a different client (one <id>.CCR each), the new
 * ones all before any retry, as one thread would; two records that name
 * the same registry key or BIN folder are still taken one at a time.
 */
#include "ccm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

void ccm_count(ccm_ctx *ctx, unsigned *count)
{
    EnterCriticalSection(&ctx->count_lock);
    (*count)++;
    LeaveCriticalSection(&ctx->count_lock);
}

bool ccm_ctx_init(ccm_ctx *ctx, const wchar_t *share, bool verbose)
{
    wchar_t logs[SITE_PATH_MAX], log[SITE_PATH_MAX];

    memset(ctx, 0, sizeof *ctx);
    InitializeCriticalSection(&ctx->count_lock);
    InitializeCriticalSection(&ctx->cache_lock);
    for (unsigned i = 0; i < CCM_LOCK_STRIPES; i++)
        InitializeCriticalSection(&ctx->client_lock[i]);
    ctx->workers = CCM_WORKERS;
    ccm_site_default(&ctx->site);
    if (wcslen(share) >= SITE_PATH_MAX)
        return false;
    wcscpy(ctx->share, share);
    if (!path_join(ctx->box, SITE_PATH_MAX, share, SITE_W(SHARE_CCR_BOX)) ||
        !path_join(ctx->retry, SITE_PATH_MAX, ctx->box, SITE_W(SHARE_CCR_RETRY)) ||
        !path_join(ctx->bad, SITE_PATH_MAX, ctx->box, CCM_BAD_DIR) ||
        !path_join(ctx->work, SITE_PATH_MAX, ctx->box, CCM_WORK_DIR) ||
        !path_join(logs, SITE_PATH_MAX, share, CCM_LOGS_DIR) ||
        !path_join(log, SITE_PATH_MAX, logs, CCM_LOG_NAME))
        return false;
    sitelog_open(&ctx->log, NULL, "ccm", verbose);
    sitelog_move(&ctx->log, log);
    ctx->list = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ctx->list);
    ctx->cache =
        HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, CCM_CACHE_FILES * sizeof *ctx->cache);
    return ctx->list != NULL && ctx->cache != NULL;
}

void ccm_ctx_free(ccm_ctx *ctx)
{
    if (ctx->list)
        HeapFree(GetProcessHeap(), 0, ctx->list);
    ctx->list = NULL;
    if (ctx->cache) {
        ccm_cache_clear(ctx);
        HeapFree(GetProcessHeap(), 0, ctx->cache);
    }
    ctx->cache = NULL;
    sitelog_close(&ctx->log);
    for (unsigned i = 0; i < CCM_LOCK_STRIPES; i++)
        DeleteCriticalSection(&ctx->client_lock[i]);
    DeleteCriticalSection(&ctx->cache_lock);
    DeleteCriticalSection(&ctx->count_lock);
}

static void load_site(ccm_ctx *ctx)
{
    wchar_t path[SITE_PATH_MAX];
    unsigned char *data = NULL;
    size_t len = 0;
    char why[300], e[160];
    DWORD err;

    ccm_site_default(&ctx->site);
    if (!path_join(path, SITE_PATH_MAX, ctx->share, CCM_SITE_FILE))
        return;
    err = fileio_read(path, INI_MAX_FILE_BYTES, &data, &len);
    if (err == ERROR_FILE_NOT_FOUND)
        return;
    if (err != ERROR_SUCCESS) {
        SLOG_WARN(&ctx->log, "SITE.INI cannot be read (%s): the defaults apply",
                  win_strerror(err, e, sizeof e));
        return;
    }
    if (!ccm_site_parse(data, len, &ctx->site, why, sizeof why))
        SLOG_WARN(&ctx->log, "SITE.INI: %s; the default is used instead", why);
    fileio_free(data);
    if (ctx->documented_forced)
        ctx->site.documented_only = true;
}

static int load_copylist(ccm_ctx *ctx)
{
    wchar_t path[SITE_PATH_MAX];
    unsigned char *data = NULL;
    size_t len = 0;
    char p8[SITE_PATH_MAX * 3], e[160], line[200];
    copylist_error ce;
    DWORD err;
    int rc = CCM_EXIT_OK;

    if (!path_join(path, SITE_PATH_MAX, ctx->share, SITE_W(SHARE_COPYLIST_FILE)))
        return CCM_EXIT_USAGE;
    err = fileio_read(path, INI_MAX_FILE_BYTES, &data, &len);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot read the copy list %s: %s; requests left waiting",
                   site_u8(path, p8, sizeof p8), win_strerror(err, e, sizeof e));
        return err == ERROR_FILE_TOO_LARGE ? CCM_EXIT_BAD_INPUT : CCM_EXIT_IO;
    }
    if (copylist_parse(data, len, ctx->list, &ce) != COPYLIST_OK) {
        copylist_error_format(&ce, line, sizeof line);
        SLOG_ERROR(&ctx->log, "copy list %s refused: %s; requests left waiting",
                   site_u8(path, p8, sizeof p8), line);
        rc = CCM_EXIT_BAD_INPUT;
    }
    fileio_free(data);
    return rc;
}

/* Validates a request read whole; ERROR_INVALID_DATA: damaged. err is
 * the read's own error. */
static DWORD check_request(DWORD err, const unsigned char *data, size_t len, ccr_request *req,
                           ccr_processing *proc, char *why, size_t cap)
{
    ccr_error ce;

    why[0] = 0;
    if (err == ERROR_FILE_TOO_LARGE) {
        snprintf(why, cap, "larger than %u bytes", CCR_MAX_BYTES);
        return ERROR_INVALID_DATA;
    }
    if (err != ERROR_SUCCESS) {
        win_strerror(err, why, cap);
        return err;
    }
    if (ccr_read(data, len, req, proc, &ce) != CCR_OK) {
        ccr_error_format(&ce, why, cap);
        return ERROR_INVALID_DATA;
    }
    return ERROR_SUCCESS;
}

/* Reads and validates a request file. ERROR_INVALID_DATA: damaged. */
static DWORD read_request(const wchar_t *path, unsigned char **data, size_t *len, ccr_request *req,
                          ccr_processing *proc, char *why, size_t cap)
{
    DWORD err = fileio_read(path, CCR_MAX_BYTES, data, len);

    return check_request(err, *data, *len, req, proc, why, cap);
}

static void set_aside(ccm_ctx *ctx, const wchar_t *src, const wchar_t *stem, const void *bytes,
                      size_t len, const char *reason)
{
    wchar_t dst[SITE_PATH_MAX];
    char s8[SITE_PATH_MAX * 3], d8[SITE_PATH_MAX * 3], e[160];
    DWORD err = ccm_box_to_bad(ctx, src, stem, bytes, len, dst, SITE_PATH_MAX);

    if (err == ERROR_SUCCESS) {
        ccm_count(ctx, &ctx->counts.bad);
        SLOG_ERROR(&ctx->log, "request %s moved to %s: %s", site_u8(src, s8, sizeof s8),
                   site_u8(dst, d8, sizeof d8), reason);
    } else {
        SLOG_ERROR(&ctx->log, "request %s should go to BAD (%s) but cannot be moved: %s",
                   site_u8(src, s8, sizeof s8), reason, win_strerror(err, e, sizeof e));
    }
}

/* A failed attempt: the request, with [Request Processing] brought up to
 * date, waits in RETRY, or goes to BAD when the retry duration is over.
 * Returns true when it went to BAD. */
static bool fail_request(ccm_ctx *ctx, const char *id, const wchar_t *stem, const wchar_t *from,
                         const unsigned char *bytes, size_t len, ccr_processing *proc, DWORD err,
                         const char *why)
{
    wchar_t dst[SITE_PATH_MAX];
    char name[CCR_ID_MAX + 8], line[200], e[160], at[CCR_DATE_MAX + 1];
    unsigned char *out = NULL;
    size_t cap = ccr_output_bound(len), out_len = 0;
    ccr_error ce;
    ccr_time next;
    DWORD werr;
    bool to_bad = false;

    ccm_retry_note(proc, &ctx->now, err);
    out = HeapAlloc(GetProcessHeap(), 0, cap);
    if (!out) {
        SLOG_ERROR(&ctx->log,
                   "request of %s failed (%s) and could not be rescheduled: out of memory", id,
                   why);
        return false;
    }
    if (ccr_set_processing(bytes, len, proc, (char *)out, cap, &out_len, &ce) != CCR_OK) {
        ccr_error_format(&ce, line, sizeof line);
        set_aside(ctx, from, stem, NULL, 0, line);
        to_bad = true;
        goto out;
    }
    if (ccm_retry_expired(&ctx->site, proc, ctx->now_min)) {
        snprintf(line, sizeof line, "gave up after %lu attempts over %lu minutes; last error: %s",
                 (unsigned long)proc->attempts, (unsigned long)ctx->site.retry_duration_min, why);
        set_aside(ctx, from, stem, out, out_len, line);
        to_bad = true;
        goto out;
    }
    snprintf(name, sizeof name, "%s.CCR", id);
    if (!site_join_u8(dst, SITE_PATH_MAX, ctx->retry, name)) {
        SLOG_ERROR(&ctx->log, "request of %s: retry path too long", id);
        goto out;
    }
    werr = fileio_write_atomic(dst, out, out_len);
    if (werr != ERROR_SUCCESS) {
        /* The request stays where it is and is taken up again next pass. */
        SLOG_ERROR(&ctx->log, "request of %s failed (%s) and cannot be written to RETRY: %s", id,
                   why, win_strerror(werr, e, sizeof e));
        goto out;
    }
    if (_wcsicmp(from, dst) != 0)
        DeleteFileW(from);
    ccm_count(ctx, &ctx->counts.retry);
    siteclock_from_minutes(siteclock_minutes(&proc->latest_attempt) +
                               ccm_retry_wait(&ctx->site, proc->attempts),
                           &next);
    ccr_time_format(&next, at, sizeof at);
    SLOG_WARN(&ctx->log, "request of %s failed (attempt %lu, error %lu): %s; next attempt after %s",
              id, (unsigned long)proc->attempts, (unsigned long)err, why, at);
out:
    HeapFree(GetProcessHeap(), 0, out);
    return to_bad;
}

/* The lock stripe of a registry key or folder (case-insensitive FNV-1a). */
static unsigned stripe_of(const wchar_t *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        wchar_t c = *s >= L'a' && *s <= L'z' ? (wchar_t)(*s - 32) : *s;
        h = (h ^ (uint32_t)c) * 16777619u;
    }
    return h % CCM_LOCK_STRIPES;
}

/* Finds the client and brings its services to the copy list. */
static DWORD carry_out(ccm_ctx *ctx, const char *id, const ccr_request *req, char *why, size_t cap)
{
    ccm_client client;
    bool changed = false;
    unsigned a, b;
    DWORD err;

    err = ccm_client_find(ctx, id, req, &client, why, cap);
    if (err != ERROR_SUCCESS)
        return err;
    /* Lower stripe first, so two workers never wait on each other. */
    a = stripe_of(client.regkey);
    b = stripe_of(client.bin);
    if (b < a) {
        unsigned t = a;
        a = b;
        b = t;
    }
    EnterCriticalSection(&ctx->client_lock[a]);
    if (b != a)
        EnterCriticalSection(&ctx->client_lock[b]);
    err = ccm_install(ctx, &client, &changed, why, cap);
    if (b != a)
        LeaveCriticalSection(&ctx->client_lock[b]);
    LeaveCriticalSection(&ctx->client_lock[a]);
    if (changed)
        ccm_count(ctx, &ctx->counts.changed);
    return err;
}

static int name_cmp(const void *a, const void *b)
{
    return _wcsicmp(a, b);
}

/* A RETRY copy of this request's client (names as listed at the start). */
static bool in_retry(ccm_ctx *ctx, const wchar_t *file, const wchar_t *path)
{
    if (!ctx->retry_listed)
        return fileio_exists(path);
    return ctx->nin_retry &&
           bsearch(file, ctx->in_retry, ctx->nin_retry, sizeof *ctx->in_retry, name_cmp) != NULL;
}

static bool stem_of(const wchar_t *file, wchar_t *stem, char *id, size_t idcap)
{
    size_t n = wcslen(file);

    if (n < 5 || n - 4 >= MAX_PATH)
        return false;
    wmemcpy(stem, file, n - 4);
    stem[n - 4] = 0;
    return winstr_to_utf8(stem, id, idcap) && ccr_id_ok(id);
}

/* A request whose name is no SMS Unique ID is set aside under its name
 * without the extension: FALSE. TRUE when the name gives stem and id. */
static bool name_ok(ccm_ctx *ctx, const wchar_t *path, const wchar_t *file, wchar_t *stem, char *id,
                    size_t id_cap)
{
    wchar_t plain[MAX_PATH];
    size_t n;
    if (stem_of(file, stem, id, id_cap))
        return true;
    n = wcslen(file);
    if (n >= MAX_PATH)
        n = MAX_PATH - 1;
    wmemcpy(plain, file, n);
    plain[n] = 0;
    if (n > 4)
        plain[n - 4] = 0;
    set_aside(ctx, path, plain, NULL, 0, "its name is not an SMS Unique ID");
    return false;
}

static void process_new(ccm_ctx *ctx, const wchar_t *file)
{
    wchar_t stem[MAX_PATH], src[SITE_PATH_MAX], work[SITE_PATH_MAX], retry[SITE_PATH_MAX];
    char id[CCR_ID_MAX + 1], why[400], p8[SITE_PATH_MAX * 3], e[160];
    unsigned char *data = NULL, *old = NULL;
    size_t len = 0, old_len = 0;
    ccr_request req, old_req;
    ccr_processing proc, old_proc;
    bool had_retry, claimed = false;
    HANDLE held = INVALID_HANDLE_VALUE;
    DWORD err;

    memset(&proc, 0, sizeof proc);
    if (!path_join(src, SITE_PATH_MAX, ctx->box, file))
        return;
    if (!name_ok(ctx, src, file, stem, id, sizeof id)) {
        ccm_count(ctx, &ctx->counts.requests);
        return;
    }
    if (!path_join(work, SITE_PATH_MAX, ctx->work, stem) || wcslen(work) + 5 > SITE_PATH_MAX)
        return;
    wcscat(work, CCM_CLAIM_EXT);
    err = ccm_box_claim(src, work, CCR_MAX_BYTES, &data, &len, &claimed, &held);
    if (!claimed) {
        if (err != ERROR_FILE_NOT_FOUND)
            SLOG_WARN(&ctx->log, "request %s cannot be taken now (%s); next pass",
                      site_u8(src, p8, sizeof p8), win_strerror(err, e, sizeof e));
        return;
    }
    ccm_count(ctx, &ctx->counts.requests);
    err = check_request(err, data, len, &req, NULL, why, sizeof why);
    if (err != ERROR_SUCCESS)
        ccm_box_release(&held, false); /* moved by name below */
    if (err == ERROR_INVALID_DATA) {
        set_aside(ctx, work, stem, NULL, 0, why);
        goto out;
    }
    if (err != ERROR_SUCCESS) {
        MoveFileExW(work, src, 0); /* back in the box for the next pass */
        SLOG_ERROR(&ctx->log, "request %s cannot be read: %s", id, why);
        goto out;
    }
    /* An older request of this client waiting in RETRY: this one
     * supersedes it, and carries on its attempt count and dates. */
    path_join(retry, SITE_PATH_MAX, ctx->retry, file);
    had_retry = in_retry(ctx, file, retry);
    if (had_retry &&
        read_request(retry, &old, &old_len, &old_req, &old_proc, why, sizeof why) == ERROR_SUCCESS)
        proc = old_proc;
    SLOG_INFO(&ctx->log, "request of %s (%s, %lu request(s) since %02u/%02u/%04u %u:%02u)", id,
              req.machine, (unsigned long)req.count, req.initial.month, req.initial.day,
              req.initial.year, req.initial.hour, req.initial.minute);
    err = carry_out(ctx, id, &req, why, sizeof why);
    if (err == ERROR_SUCCESS) {
        if (!ccm_box_release(&held, true))
            DeleteFileW(work);
        if (had_retry)
            DeleteFileW(retry);
        ccm_count(ctx, &ctx->counts.done);
        SLOG_INFO(&ctx->log, "request of %s done and deleted", id);
    } else {
        ccm_box_release(&held, false);
        /* Gone to BAD with the attempts it carried on: the RETRY copy it
         * superseded goes too, or it would be given up on twice. */
        if (fail_request(ctx, id, stem, work, data, len, &proc, err, why) && old)
            DeleteFileW(retry);
    }
out:
    ccm_box_release(&held, false);
    fileio_free(data);
    fileio_free(old);
}

static void process_retry(ccm_ctx *ctx, const wchar_t *file)
{
    wchar_t stem[MAX_PATH], path[SITE_PATH_MAX];
    char id[CCR_ID_MAX + 1], why[400];
    unsigned char *data = NULL;
    size_t len = 0;
    ccr_request req;
    ccr_processing proc;
    DWORD err;

    if (!path_join(path, SITE_PATH_MAX, ctx->retry, file))
        return;
    if (!name_ok(ctx, path, file, stem, id, sizeof id))
        return;
    memset(&proc, 0, sizeof proc);
    err = read_request(path, &data, &len, &req, &proc, why, sizeof why);
    if (err == ERROR_INVALID_DATA) {
        set_aside(ctx, path, stem, NULL, 0, why);
        goto out;
    }
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "request %s in RETRY cannot be read: %s", id, why);
        goto out;
    }
    if (ccm_retry_expired(&ctx->site, &proc, ctx->now_min)) {
        snprintf(why, sizeof why, "gave up after %lu attempts over %lu minutes; last error %lu",
                 (unsigned long)proc.attempts, (unsigned long)ctx->site.retry_duration_min,
                 (unsigned long)proc.last_error);
        set_aside(ctx, path, stem, NULL, 0, why);
        goto out;
    }
    if (!ccm_retry_due(&ctx->site, &proc, ctx->now_min)) {
        ccm_count(ctx, &ctx->counts.waiting);
        goto out;
    }
    ccm_count(ctx, &ctx->counts.requests);
    SLOG_INFO(&ctx->log, "request of %s: attempt %lu (retry)", id,
              (unsigned long)proc.attempts + 1);
    err = carry_out(ctx, id, &req, why, sizeof why);
    if (err == ERROR_SUCCESS) {
        DeleteFileW(path);
        ccm_count(ctx, &ctx->counts.done);
        SLOG_INFO(&ctx->log, "request of %s done on retry and deleted", id);
    } else {
        (void)fail_request(ctx, id, stem, path, data, len, &proc, err, why);
    }
out:
    fileio_free(data);
}

/* A .CCW left by a manager that stopped half-way goes back in the box,
 * unless the client has filed a newer request meanwhile. Claims are in
 * WORK; managers before it left them in CCR.BOX itself. */
/* Every listing of a pass goes through here: a pass lists each folder a
 * fixed number of times, never once per request (the wait under Wine
 * grows with the folder, so a listing per request makes a pass n * n). */
static DWORD list_dir(ccm_ctx *ctx, const wchar_t *dir, const wchar_t *ext, ccm_names *out)
{
    ctx->listings++;
    return ccm_box_list(dir, ext, out);
}

static void recover_claims(ccm_ctx *ctx, const wchar_t *dir)
{
    ccm_names names;
    wchar_t work[SITE_PATH_MAX], src[SITE_PATH_MAX];
    char p8[SITE_PATH_MAX * 3];

    if (list_dir(ctx, dir, CCM_CLAIM_EXT, &names) != ERROR_SUCCESS)
        return;
    for (unsigned i = 0; i < names.n; i++) {
        if (!path_join(work, SITE_PATH_MAX, dir, names.name[i]) ||
            !path_join(src, SITE_PATH_MAX, ctx->box, names.name[i]))
            continue;
        wcscpy(src + wcslen(src) - 4, L".CCR");
        if (fileio_exists(src)) {
            DeleteFileW(work);
            SLOG_WARN(&ctx->log, "unfinished %s dropped: a newer request is waiting",
                      site_u8(work, p8, sizeof p8));
        } else if (MoveFileExW(work, src, 0)) {
            SLOG_WARN(&ctx->log, "unfinished %s put back in the box", site_u8(src, p8, sizeof p8));
        }
    }
    ccm_names_free(&names);
}

/* One list of requests, carried out by up to ctx->workers threads that
 * take the next name in turn; the caller's thread is one of them. */
typedef struct batch {
    ccm_ctx *ctx;
    const ccm_names *names;
    void (*one)(ccm_ctx *ctx, const wchar_t *file);
    volatile LONG next;
} batch;

static DWORD WINAPI batch_worker(LPVOID param)
{
    batch *b = param;

    for (;;) {
        LONG i = InterlockedIncrement(&b->next) - 1;
        if (i < 0 || (unsigned)i >= b->names->n)
            return 0;
        b->one(b->ctx, b->names->name[i]);
    }
}

static void run_batch(ccm_ctx *ctx, const ccm_names *names,
                      void (*one)(ccm_ctx *ctx, const wchar_t *file))
{
    HANDLE t[CCM_WORKERS];
    unsigned nt = 0, want = ctx->workers > CCM_WORKERS ? CCM_WORKERS : ctx->workers;
    batch b = {ctx, names, one, 0};

    /* Threads only pay off over a few requests each. */
    if (want > names->n / 8)
        want = names->n / 8;
    for (unsigned i = 1; i < want; i++) {
        t[nt] = CreateThread(NULL, 0, batch_worker, &b, 0, NULL);
        if (t[nt])
            nt++; /* fewer threads: the others still take every request */
    }
    batch_worker(&b);
    if (nt) {
        WaitForMultipleObjects(nt, t, TRUE, INFINITE);
        for (unsigned i = 0; i < nt; i++)
            CloseHandle(t[i]);
    }
}

static int pass_body(ccm_ctx *ctx);

int ccm_pass(ccm_ctx *ctx)
{
    int rc;

    memset(&ctx->counts, 0, sizeof ctx->counts);
    ctx->listings = 0;
    sitelog_batch(&ctx->log, true);
    rc = pass_body(ctx);
    ccm_cache_clear(ctx); /* the next pass reads the share anew */
    sitelog_batch(&ctx->log, false);
    return rc;
}

static int pass_body(ccm_ctx *ctx)
{
    ccm_names fresh = {NULL, 0, 0}, retry = {NULL, 0, 0};
    char p8[SITE_PATH_MAX * 3], e[160];
    DWORD err, attrs;
    int rc;

    if (!ctx->fixed_now)
        siteclock_now(&ctx->now);
    ctx->now_min = siteclock_minutes(&ctx->now);
    attrs = GetFileAttributesW(ctx->box);
    if (attrs == INVALID_FILE_ATTRIBUTES || !(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        err = attrs == INVALID_FILE_ATTRIBUTES ? GetLastError() : ERROR_DIRECTORY;
        SLOG_ERROR(&ctx->log, "request box %s is not there: %s", site_u8(ctx->box, p8, sizeof p8),
                   win_strerror(err, e, sizeof e));
        return CCM_EXIT_IO;
    }
    load_site(ctx);
    rc = load_copylist(ctx);
    if (rc != CCM_EXIT_OK)
        return rc;
    if ((err = fileio_mkdirs(ctx->retry)) != ERROR_SUCCESS ||
        (err = fileio_mkdirs(ctx->bad)) != ERROR_SUCCESS ||
        (err = fileio_mkdirs(ctx->work)) != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot create RETRY, BAD or WORK under %s: %s",
                   site_u8(ctx->box, p8, sizeof p8), win_strerror(err, e, sizeof e));
        return CCM_EXIT_IO;
    }
    recover_claims(ctx, ctx->box);
    recover_claims(ctx, ctx->work);
    err = list_dir(ctx, ctx->box, L".CCR", &fresh);
    if (err == ERROR_SUCCESS) {
        ccm_names listed;
        ctx->retry_listed = list_dir(ctx, ctx->retry, L".CCR", &listed) == ERROR_SUCCESS;
        if (ctx->retry_listed && listed.n)
            qsort(listed.name, listed.n, sizeof *listed.name, name_cmp);
        ctx->in_retry = ctx->retry_listed ? listed.name : NULL;
        ctx->nin_retry = ctx->retry_listed ? listed.n : 0;
        run_batch(ctx, &fresh, process_new);
        if (ctx->retry_listed)
            ccm_names_free(&listed);
        ctx->in_retry = NULL;
        ctx->nin_retry = 0;
        ctx->retry_listed = false;
        /* After the new ones: a retry they superseded is gone by now. */
        err = list_dir(ctx, ctx->retry, L".CCR", &retry);
    }
    if (err == ERROR_SUCCESS)
        run_batch(ctx, &retry, process_retry);
    ccm_names_free(&fresh);
    ccm_names_free(&retry);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot list the request box: %s", win_strerror(err, e, sizeof e));
        return CCM_EXIT_IO;
    }
    if (ctx->counts.requests || ctx->counts.bad)
        SLOG_INFO(&ctx->log,
                  "pass: %u request(s), %u done (%u changed a client), %u to retry, %u to BAD, "
                  "%u waiting",
                  ctx->counts.requests, ctx->counts.done, ctx->counts.changed, ctx->counts.retry,
                  ctx->counts.bad, ctx->counts.waiting);
    return CCM_EXIT_OK;
}
