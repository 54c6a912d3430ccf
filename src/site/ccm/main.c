/*
 * main.c: ccm.exe's entry point. Harden the process, take the share's
 * manager lock, run one pass or watch.
 */
#include "ccm.h"

#include <stdio.h>

#include "secure.h"
#include "winstr.h"

/* The wide entry point (-municode); mingw declares no prototype for it. */
int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
    ccm_opts opts;
    ccm_ctx *ctx = NULL;
    HANDLE lock = INVALID_HANDLE_VALUE;
    char why[300], e[160];
    DWORD err;
    int rc;

    /* Paths are made absolute before hardening moves the working folder. */
    if (!ccm_parse_args(argc, argv, &opts, why, sizeof why)) {
        fprintf(stderr, "ccm: %s\n", why);
        ccm_usage(stderr);
        return CCM_EXIT_USAGE;
    }
    if (opts.help) {
        ccm_usage(stdout);
        return CCM_EXIT_OK;
    }
    if (!secure_process_init())
        fputs("ccm: warning: could not restrict the DLL search path\n", stderr);
    /* The page only reads the box: no manager lock, no log of the share. */
    if (opts.report) {
        ccm_report_counts c;
        char dir[SITE_PATH_MAX * 3];
        rc = ccm_report(&opts, &c);
        if (rc == CCM_EXIT_OK)
            printf("ccm: %u client(s), %u overdue, %u report(s) refused: %s\\compliance.html\n",
                   c.clients, c.overdue, c.refused, site_u8(opts.report_dir, dir, sizeof dir));
        return rc;
    }
    ctx = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ctx);
    if (!ctx || !ccm_ctx_init(ctx, opts.share, opts.verbose)) {
        fputs("ccm: cannot start (out of memory or share path too long)\n", stderr);
        rc = CCM_EXIT_IO;
        goto out;
    }
    lock = ccm_lock(opts.share, &err);
    if (lock == INVALID_HANDLE_VALUE) {
        if (err == ERROR_SHARING_VIOLATION) {
            SLOG_ERROR(&ctx->log, "another manager is running on this share");
            rc = CCM_EXIT_BUSY;
        } else {
            SLOG_ERROR(&ctx->log, "cannot take the manager lock: %s",
                       win_strerror(err, e, sizeof e));
            rc = CCM_EXIT_IO;
        }
        goto out;
    }
    ctx->documented_forced = opts.documented_only;
    if (opts.have_now) {
        ctx->now = opts.now;
        ctx->fixed_now = true;
    }
    if (opts.watch) {
        rc = ccm_watch(ctx, &opts);
    } else {
        rc = ccm_pass(ctx);
        if (rc == CCM_EXIT_OK)
            printf("ccm: %u request(s): %u done, %u changed, %u to retry, %u to BAD, %u waiting\n",
                   ctx->counts.requests, ctx->counts.done, ctx->counts.changed, ctx->counts.retry,
                   ctx->counts.bad, ctx->counts.waiting);
    }
out:
    if (lock != INVALID_HANDLE_VALUE)
        CloseHandle(lock);
    if (ctx) {
        ccm_ctx_free(ctx);
        HeapFree(GetProcessHeap(), 0, ctx);
    }
    return rc;
}
