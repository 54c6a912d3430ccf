/*
 * programs.c: user-session programs, which Client Setup installs itself
 * (clisetup.h).
 *
 * Programs run in the user's session, so the user's own logon is when they
 * can be replaced; services are the manager's. A program whose files are
 * free is replaced now, every file staged before any is renamed; one that
 * is running is left whole and named for a logoff, and the next run of
 * Client Setup (at logon) finds it still differing and installs it then.
 */
#include "clisetup.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

typedef struct file_plan {
    wchar_t src[SITE_PATH_MAX];
    wchar_t dst[SITE_PATH_MAX];
    wchar_t tmp[SITE_PATH_MAX];
} file_plan;

static void note_logoff(clisetup_run_ctx *ctx, const copylist_delta_item *it, const char *display,
                        const wchar_t *busy)
{
    char text[COPYLIST_DISPLAY_MAX + COPYLIST_VERSION_MAX + 16], p8[SITE_PATH_MAX * 3];

    site_change_text(it, display, text, sizeof text);
    if (!site_list_add(ctx->logoff_changed, sizeof ctx->logoff_changed, text))
        SLOG_WARN(&ctx->log, "too many changes to list for the logoff prompt; %s left out", text);
    SLOG_WARN(&ctx->log, "%s is in use (%s): it changes at the next logon", text,
              site_u8(busy, p8, sizeof p8));
}

static void drop_staged(file_plan *plan, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (plan[i].tmp[0]) {
            DeleteFileW(plan[i].tmp);
            plan[i].tmp[0] = 0;
        }
}

static DWORD install_program(clisetup_run_ctx *ctx, const copylist_delta_item *it,
                             const copylist_component *c, file_plan *plan)
{
    wchar_t from[SITE_PATH_MAX];
    char p8[SITE_PATH_MAX * 3], e[160];
    DWORD err = ERROR_SUCCESS;
    unsigned staged = 0;

    if (!path_join(from, SITE_PATH_MAX, ctx->opts->share, SITE_W(SHARE_COMPONENT_DIR)))
        return ERROR_FILENAME_EXCED_RANGE;
    for (unsigned i = 0; i < c->nfiles; i++) {
        /* The parser let only plain file names through; checked again here
         * because this is where a name turns into a path. */
        if (!copylist_file_name_ok(c->files[i]) ||
            !site_join_u8(plan[i].src, SITE_PATH_MAX, from, c->files[i]) ||
            !site_join_u8(plan[i].dst, SITE_PATH_MAX, ctx->client.bin, c->files[i])) {
            SLOG_ERROR(&ctx->log, "program %s: file name %s cannot be used", c->name, c->files[i]);
            return ERROR_INVALID_NAME;
        }
        plan[i].tmp[0] = 0;
    }
    for (unsigned i = 0; i < c->nfiles; i++) {
        if (sitecopy_in_use(plan[i].dst)) {
            note_logoff(ctx, it, c->display, plan[i].dst);
            return ERROR_SUCCESS;
        }
    }
    for (staged = 0; staged < c->nfiles; staged++) {
        err = sitecopy_stage(plan[staged].src, plan[staged].dst, plan[staged].tmp, SITE_PATH_MAX);
        if (err != ERROR_SUCCESS) {
            SLOG_ERROR(&ctx->log, "program %s: cannot copy %s: %s", c->name,
                       site_u8(plan[staged].src, p8, sizeof p8), win_strerror(err, e, sizeof e));
            goto out;
        }
    }
    for (unsigned i = 0; i < c->nfiles; i++) {
        err = sitecopy_commit(plan[i].tmp, plan[i].dst);
        plan[i].tmp[0] = 0;
        if (err != ERROR_SUCCESS) {
            if (sitecopy_is_in_use_error(err)) {
                /* Taken between the check and the rename: a logoff again. */
                note_logoff(ctx, it, c->display, plan[i].dst);
                err = ERROR_SUCCESS;
            } else {
                SLOG_ERROR(&ctx->log, "program %s: cannot replace %s: %s", c->name,
                           site_u8(plan[i].dst, p8, sizeof p8), win_strerror(err, e, sizeof e));
            }
            goto out;
        }
    }
    err = clientreg_set_installed(&ctx->reg, c, it->from);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "program %s: files copied but the registry could not record it: %s",
                   c->name, win_strerror(err, e, sizeof e));
        goto out;
    }
    SLOG_INFO(&ctx->log, "program %s (%s) %s %s: %u file(s) in %s", c->name, c->display,
              it->change == COPYLIST_ADD ? "installed" : "upgraded to", c->version, c->nfiles,
              site_u8(ctx->client.bin, p8, sizeof p8));
out:
    drop_staged(plan, c->nfiles);
    return err;
}

static DWORD remove_program(clisetup_run_ctx *ctx, const copylist_delta_item *it)
{
    char files[COPYLIST_MAX_FILES][COPYLIST_FILE_MAX + 1];
    char display[COPYLIST_DISPLAY_MAX + 1], p8[SITE_PATH_MAX * 3], e[160];
    wchar_t dst[SITE_PATH_MAX];
    unsigned n = 0;
    DWORD err;

    clientreg_get_display(&ctx->reg, it->name, display, sizeof display);
    err = clientreg_get_files(&ctx->reg, it->name, files, &n);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "program %s: its recorded file list is damaged; files left in place",
                   it->name);
        n = 0;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!site_join_u8(dst, SITE_PATH_MAX, ctx->client.bin, files[i]))
            continue;
        if (sitecopy_in_use(dst)) {
            note_logoff(ctx, it, display, dst);
            return ERROR_SUCCESS;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (!site_join_u8(dst, SITE_PATH_MAX, ctx->client.bin, files[i]))
            continue;
        if (!DeleteFileW(dst)) {
            err = GetLastError();
            if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
                continue;
            if (sitecopy_is_in_use_error(err)) {
                note_logoff(ctx, it, display, dst);
                return ERROR_SUCCESS;
            }
            SLOG_ERROR(&ctx->log, "program %s: cannot delete %s: %s", it->name,
                       site_u8(dst, p8, sizeof p8), win_strerror(err, e, sizeof e));
            return err;
        }
    }
    err = clientreg_delete_component(&ctx->reg, it->name);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "program %s: files removed but its registry key stays: %s", it->name,
                   win_strerror(err, e, sizeof e));
        return err;
    }
    SLOG_INFO(&ctx->log, "program %s (%s) removed", it->name, display);
    return ERROR_SUCCESS;
}

DWORD clisetup_install_programs(clisetup_run_ctx *ctx)
{
    file_plan *plan = NULL;
    bool any = false;
    DWORD err = ERROR_SUCCESS;
    char p8[SITE_PATH_MAX * 3], e[160];

    for (unsigned i = 0; i < ctx->delta.n; i++)
        any = any || ctx->delta.item[i].kind == COPYLIST_PROGRAM;
    if (!any)
        return ERROR_SUCCESS;
    err = fileio_mkdirs(ctx->client.bin);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot create %s: %s", site_u8(ctx->client.bin, p8, sizeof p8),
                   win_strerror(err, e, sizeof e));
        return err;
    }
    plan = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, COPYLIST_MAX_FILES * sizeof *plan);
    if (!plan)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (unsigned i = 0; i < ctx->delta.n && err == ERROR_SUCCESS; i++) {
        const copylist_delta_item *it = &ctx->delta.item[i];
        if (it->kind != COPYLIST_PROGRAM)
            continue;
        if (it->change == COPYLIST_REMOVE)
            err = remove_program(ctx, it);
        else if (it->index >= 0 && (unsigned)it->index < ctx->list->ncomponents)
            err = install_program(ctx, it, &ctx->list->comp[it->index], plan);
    }
    HeapFree(GetProcessHeap(), 0, plan);
    return err;
}
