/*
 * request.c: the client configuration request, <SMS Unique ID>.CCR in the
 * share's CCR.BOX (clisetup.h, climon/ccr.h).
 *
 * A request already waiting for the manager is merged (Latest Request
 * Date, Client Request Count), as SMS did. One that is not a valid request
 * (truncated, hostile, too large) is not trusted and not lost: it is kept
 * as <id>.BAD for the admin and a fresh request takes its place. Every
 * field goes through ccr_write / ccr_merge, which validate it.
 */
#include "clisetup.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

static DWORD write_fresh(clisetup_run_ctx *ctx, const wchar_t *path, const ccr_time *now)
{
    char out[1024], line[160];
    size_t len = 0;
    ccr_request req;
    ccr_error ce;
    ccr_status st;

    memset(&req, 0, sizeof req);
    snprintf(req.machine, sizeof req.machine, "%s", ctx->client.machine);
    snprintf(req.domain, sizeof req.domain, "%s", ctx->client.domain);
    req.initial = *now;
    req.latest = *now;
    req.count = 1;
    st = ccr_write(&req, out, sizeof out, &len, &ce);
    if (st != CCR_OK) {
        ccr_error_format(&ce, line, sizeof line);
        SLOG_ERROR(&ctx->log, "request not written: %s", line);
        return ERROR_INVALID_DATA;
    }
    return fileio_write_atomic(path, out, len);
}

DWORD clisetup_file_request(clisetup_run_ctx *ctx)
{
    wchar_t box[SITE_PATH_MAX], path[SITE_PATH_MAX], bad[SITE_PATH_MAX];
    char name[CCR_ID_MAX + 8], p8[SITE_PATH_MAX * 3], e[160], line[160];
    unsigned char *old = NULL, *merged = NULL;
    size_t old_len = 0, merged_len = 0, cap;
    ccr_time now;
    ccr_error ce;
    ccr_status st;
    DWORD err, attrs;

    siteclock_now(&now);
    snprintf(name, sizeof name, "%s.CCR", ctx->client.id);
    if (!path_join(box, SITE_PATH_MAX, ctx->opts->share, SITE_W(SHARE_CCR_BOX)) ||
        !site_join_u8(path, SITE_PATH_MAX, box, name))
        return ERROR_FILENAME_EXCED_RANGE;
    /* CCR.BOX is the site's folder: a client never creates it. */
    attrs = GetFileAttributesW(box);
    if (attrs == INVALID_FILE_ATTRIBUTES || !(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        err = attrs == INVALID_FILE_ATTRIBUTES ? GetLastError() : ERROR_DIRECTORY;
        SLOG_ERROR(&ctx->log, "request box %s is not there: %s", site_u8(box, p8, sizeof p8),
                   win_strerror(err, e, sizeof e));
        return err;
    }
    err = fileio_read(path, CCR_MAX_BYTES, &old, &old_len);
    if (err == ERROR_FILE_NOT_FOUND) {
        err = write_fresh(ctx, path, &now);
        if (err == ERROR_SUCCESS)
            SLOG_INFO(&ctx->log, "request filed: %s", site_u8(path, p8, sizeof p8));
        goto out;
    }
    if (err == ERROR_SUCCESS) {
        cap = ccr_output_bound(old_len);
        merged = HeapAlloc(GetProcessHeap(), 0, cap);
        if (!merged) {
            err = ERROR_NOT_ENOUGH_MEMORY;
            goto out;
        }
        st = ccr_merge(old, old_len, &now, (char *)merged, cap, &merged_len, &ce);
        if (st == CCR_OK) {
            err = fileio_write_atomic(path, merged, merged_len);
            if (err == ERROR_SUCCESS)
                SLOG_INFO(&ctx->log, "request merged into the one still waiting: %s",
                          site_u8(path, p8, sizeof p8));
            goto out;
        }
        ccr_error_format(&ce, line, sizeof line);
    } else if (err == ERROR_FILE_TOO_LARGE) {
        snprintf(line, sizeof line, "larger than %u bytes", CCR_MAX_BYTES);
    } else {
        goto out; /* could not read it: leave it, fail the run */
    }
    /* Damaged: keep it aside, then file a fresh one. */
    snprintf(name, sizeof name, "%s.BAD", ctx->client.id);
    if (!site_join_u8(bad, SITE_PATH_MAX, box, name)) {
        err = ERROR_FILENAME_EXCED_RANGE;
        goto out;
    }
    SLOG_WARN(&ctx->log, "the waiting request %s is damaged (%s): kept as %s, a new one filed",
              site_u8(path, p8, sizeof p8), line, name);
    if (!MoveFileExW(path, bad, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        err = GetLastError();
        goto out;
    }
    err = write_fresh(ctx, path, &now);
out:
    if (err != ERROR_SUCCESS)
        SLOG_ERROR(&ctx->log, "could not file the request %s: %s", site_u8(path, p8, sizeof p8),
                   win_strerror(err, e, sizeof e));
    else
        ctx->request_filed = true;
    fileio_free(old);
    if (merged)
        HeapFree(GetProcessHeap(), 0, merged);
    return err;
}
