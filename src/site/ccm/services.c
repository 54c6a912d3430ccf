/*
 * services.c: bringing one client's services to the copy list (ccm.h).
 *
 * Only services are the manager's: programs run in the user's session and
 * Client Setup replaces them there. The work is planned whole first (every
 * file to copy or delete), then every target is checked for being in use
 * and every new file staged beside its target; only then are files
 * renamed into place, component by component, each followed by its
 * Installed Version. A locked file therefore fails the request before
 * anything changed, and the request is retried later.
 *
 * The restart report (Reboot Required, Changed Components, Change Id) is
 * written only when a service really changed and the site allows prompts:
 * a request that finds nothing to do must not make the client prompt
 * (Q174961's last paragraph, Q270697).
 */
#include "ccm.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

typedef struct step {
    unsigned item; /* index into the delta */
    bool remove;
    wchar_t src[SITE_PATH_MAX];
    wchar_t dst[SITE_PATH_MAX];
    wchar_t tmp[SITE_PATH_MAX];
    HANDLE staged; /* tmp, held open until its rename (sitecopy_stage_open) */
} step;

typedef struct plan {
    copylist_delta delta;
    copylist_installed installed[2 * COPYLIST_MAX_COMPONENTS];
    step *steps; /* as many as the delta's files (plan_files) */
    unsigned nsteps, room;
} plan;

static void drop_staged(plan *p)
{
    for (unsigned i = 0; i < p->nsteps; i++)
        if (p->steps[i].tmp[0]) {
            sitecopy_drop_open(&p->steps[i].staged, p->steps[i].tmp);
            p->steps[i].tmp[0] = 0;
        }
}

static DWORD plan_files(ccm_ctx *ctx, const ccm_client *c, const clientreg *reg, plan *p, char *why,
                        size_t cap)
{
    wchar_t from[SITE_PATH_MAX];

    if (!path_join(from, SITE_PATH_MAX, ctx->share, SITE_W(SHARE_COMPONENT_DIR)))
        return ERROR_FILENAME_EXCED_RANGE;
    /* Room for what this client needs, not for the largest copy list: a
     * plan sized for every component's every file is most of a megabyte,
     * which the heap maps and unmaps, page by page, for each request. */
    p->room = 0;
    for (unsigned i = 0; i < p->delta.n; i++) {
        const copylist_delta_item *it = &p->delta.item[i];
        if (it->kind == COPYLIST_SERVICE)
            p->room += it->change == COPYLIST_REMOVE ? COPYLIST_MAX_FILES
                                                     : ctx->list->comp[it->index].nfiles;
    }
    p->steps = p->room ? HeapAlloc(GetProcessHeap(), 0, p->room * sizeof *p->steps) : NULL;
    if (p->room && !p->steps) {
        snprintf(why, cap, "out of memory");
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (unsigned i = 0; i < p->delta.n; i++) {
        const copylist_delta_item *it = &p->delta.item[i];
        char files[COPYLIST_MAX_FILES][COPYLIST_FILE_MAX + 1];
        unsigned n = 0;

        if (it->kind != COPYLIST_SERVICE)
            continue;
        if (it->change == COPYLIST_REMOVE) {
            DWORD err = clientreg_get_files(reg, it->name, files, &n);
            if (err != ERROR_SUCCESS) {
                snprintf(why, cap, "service %s: its recorded file list is damaged", it->name);
                return ERROR_INVALID_DATA;
            }
        } else {
            const copylist_component *comp = &ctx->list->comp[it->index];
            n = comp->nfiles;
            memcpy(files, comp->files, sizeof files);
        }
        for (unsigned f = 0; f < n; f++) {
            step *s = &p->steps[p->nsteps];
            /* Names were checked by the parser (or by clientreg_get_files);
             * checked again where they become paths. */
            if (p->nsteps >= p->room || !copylist_file_name_ok(files[f]) ||
                !site_join_u8(s->dst, SITE_PATH_MAX, c->bin, files[f]) ||
                (it->change != COPYLIST_REMOVE &&
                 !site_join_u8(s->src, SITE_PATH_MAX, from, files[f]))) {
                snprintf(why, cap, "service %s: file %s cannot be used", it->name, files[f]);
                return ERROR_INVALID_NAME;
            }
            s->item = i;
            s->remove = it->change == COPYLIST_REMOVE;
            s->tmp[0] = 0;
            s->staged = INVALID_HANDLE_VALUE;
            p->nsteps++;
        }
    }
    return ERROR_SUCCESS;
}

void ccm_cache_clear(ccm_ctx *ctx)
{
    for (unsigned i = 0; i < ctx->ncache; i++)
        fileio_free(ctx->cache[i].data);
    ctx->ncache = 0;
    ctx->cache_bytes = 0;
}

/* The pass's copy of a share file, read on first use; NULL when it is not
 * kept (the caller copies from the share as before). */
static const ccm_cached *cached(ccm_ctx *ctx, const wchar_t *src)
{
    const ccm_cached *found = NULL;
    ccm_cached *c;

    EnterCriticalSection(&ctx->cache_lock);
    for (unsigned i = 0; i < ctx->ncache && !found; i++)
        if (_wcsicmp(ctx->cache[i].src, src) == 0)
            found = &ctx->cache[i];
    if (!found && ctx->cache && ctx->ncache < CCM_CACHE_FILES) {
        c = &ctx->cache[ctx->ncache++];
        wcscpy(c->src, src);
        c->data = NULL;
        c->len = 0;
        if (fileio_read(src, CCM_CACHE_FILE_MAX, &c->data, &c->len) != ERROR_SUCCESS ||
            ctx->cache_bytes + c->len > CCM_CACHE_TOTAL_MAX) {
            fileio_free(c->data);
            c->data = NULL; /* an error is found again, and reported, by the copy */
        } else {
            ctx->cache_bytes += c->len;
        }
        found = c;
    }
    LeaveCriticalSection(&ctx->cache_lock);
    return found && found->data ? found : NULL;
}

static DWORD stage_one(ccm_ctx *ctx, step *s)
{
    const ccm_cached *c = cached(ctx, s->src);

    return c ? sitecopy_stage_open(NULL, c->data, c->len, s->dst, s->tmp, SITE_PATH_MAX, &s->staged)
             : sitecopy_stage_open(s->src, NULL, 0, s->dst, s->tmp, SITE_PATH_MAX, &s->staged);
}

/* The client's BIN is made only when a file finds no folder to go in: every
 * client Client Setup has run on has one, and looking first would cost each
 * request one more trip to the client's file system (its admin share, on a
 * real site) for nothing. */
static DWORD stage_all(ccm_ctx *ctx, const ccm_client *cl, plan *p, char *why, size_t cap)
{
    char p8[SITE_PATH_MAX * 3], e[160];
    bool made = false;
    DWORD err;

    for (unsigned i = 0; i < p->nsteps; i++) {
        if (sitecopy_in_use(p->steps[i].dst)) {
            snprintf(why, cap, "%s is in use", site_u8(p->steps[i].dst, p8, sizeof p8));
            return ERROR_SHARING_VIOLATION;
        }
    }
    for (unsigned i = 0; i < p->nsteps; i++) {
        step *s = &p->steps[i];
        if (s->remove)
            continue;
        err = stage_one(ctx, s);
        if (err == ERROR_PATH_NOT_FOUND && !made) {
            made = true;
            err = fileio_mkdirs(cl->bin);
            if (err != ERROR_SUCCESS) {
                snprintf(why, cap, "cannot create %s: %s", site_u8(cl->bin, p8, sizeof p8),
                         win_strerror(err, e, sizeof e));
                return err;
            }
            err = stage_one(ctx, s);
        }
        if (err != ERROR_SUCCESS) {
            snprintf(why, cap, "cannot copy %s: %s", site_u8(s->src, p8, sizeof p8),
                     win_strerror(err, e, sizeof e));
            return err;
        }
    }
    return ERROR_SUCCESS;
}

/* Files then registry, one component at a time, in the delta's order. */
static DWORD commit_all(ccm_ctx *ctx, const ccm_client *c, clientreg *reg, plan *p, char *changed,
                        size_t changed_cap, char *why, size_t cap)
{
    char p8[SITE_PATH_MAX * 3], e[160], text[COPYLIST_DISPLAY_MAX + COPYLIST_VERSION_MAX + 16];
    unsigned s = 0;
    DWORD err = ERROR_SUCCESS;

    for (unsigned i = 0; i < p->delta.n; i++) {
        const copylist_delta_item *it = &p->delta.item[i];
        char display[COPYLIST_DISPLAY_MAX + 1];

        if (it->kind != COPYLIST_SERVICE)
            continue;
        if (it->change == COPYLIST_REMOVE)
            clientreg_get_display(reg, it->name, display, sizeof display);
        else
            snprintf(display, sizeof display, "%s", ctx->list->comp[it->index].display);
        for (; s < p->nsteps && p->steps[s].item == i; s++) {
            step *st = &p->steps[s];
            if (st->remove) {
                if (!DeleteFileW(st->dst) && GetLastError() != ERROR_FILE_NOT_FOUND)
                    err = GetLastError();
            } else {
                err = sitecopy_commit_open(&st->staged, st->tmp, st->dst);
                st->tmp[0] = 0;
            }
            if (err != ERROR_SUCCESS) {
                snprintf(why, cap, "cannot %s %s: %s", st->remove ? "delete" : "replace",
                         site_u8(st->dst, p8, sizeof p8), win_strerror(err, e, sizeof e));
                return err;
            }
        }
        if (it->change == COPYLIST_REMOVE)
            err = clientreg_delete_component(reg, it->name);
        else
            err = clientreg_set_installed(reg, &ctx->list->comp[it->index], it->from);
        if (err != ERROR_SUCCESS) {
            snprintf(why, cap, "service %s: files in place but the registry refused: %s", it->name,
                     win_strerror(err, e, sizeof e));
            return err;
        }
        site_change_text(it, display, text, sizeof text);
        SLOG_INFO(&ctx->log, "client %s: service %s %s (%s)", c->id, it->name,
                  it->change == COPYLIST_ADD       ? "installed"
                  : it->change == COPYLIST_UPGRADE ? "upgraded"
                                                   : "removed",
                  text);
        if (!site_list_add(changed, changed_cap, text))
            SLOG_WARN(&ctx->log, "Changed Components is full; %s not listed", text);
    }
    return ERROR_SUCCESS;
}

DWORD ccm_install(ccm_ctx *ctx, const ccm_client *c, bool *changed, char *why, size_t cap)
{
    clientreg reg;
    plan *p = NULL;
    char list[SITE_CHANGED_MAX + 1] = "", e[160];
    unsigned ninstalled = 0, skipped = 0, nservices = 0;
    DWORD err, report, id = 0;
    /* Our lab's extension: the site's setting travels with every request,
     * change or not (SMS 1.2 documents no such value for the client). It
     * is written at the end: read first, so that an unchanged value does
     * not move the key's time, unless a change report moves it anyway. */
    bool prompt_due = !ctx->site.documented_only;

    memset(&reg, 0, sizeof reg);
    *changed = false;
    why[0] = 0;
    err = clientreg_open(HKEY_LOCAL_MACHINE, c->regkey, &reg);
    if (err != ERROR_SUCCESS) {
        snprintf(why, cap, "cannot open the client's Client Services key: %s",
                 win_strerror(err, e, sizeof e));
        goto out;
    }
    p = HeapAlloc(GetProcessHeap(), 0, sizeof *p);
    if (!p) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        snprintf(why, cap, "out of memory");
        goto out;
    }
    p->steps = NULL;
    p->nsteps = p->room = 0;
    p->delta.n = 0;
    err = clientreg_read_installed(&reg, ctx->list, p->installed, 2 * COPYLIST_MAX_COMPONENTS,
                                   &ninstalled, &skipped);
    if (err != ERROR_SUCCESS) {
        snprintf(why, cap, "cannot read the client's components: %s",
                 win_strerror(err, e, sizeof e));
        goto out;
    }
    if (skipped)
        SLOG_WARN(&ctx->log, "client %s: %u damaged component entr%s ignored", c->id, skipped,
                  skipped == 1 ? "y" : "ies");
    copylist_diff(ctx->list, p->installed, ninstalled, &p->delta);
    for (unsigned i = 0; i < p->delta.n; i++)
        nservices += p->delta.item[i].kind == COPYLIST_SERVICE;
    if (nservices == 0) {
        SLOG_INFO(&ctx->log, "client %s: its services already match the copy list; nothing to do",
                  c->id);
        goto out;
    }
    err = plan_files(ctx, c, &reg, p, why, cap);
    if (err != ERROR_SUCCESS)
        goto out;
    err = stage_all(ctx, c, p, why, cap);
    if (err != ERROR_SUCCESS)
        goto out;
    err = commit_all(ctx, c, &reg, p, list, sizeof list, why, cap);
    /* What did change is reported even when a later component failed: the
     * retry will only see, and list, what is still missing. */
    if (!list[0])
        goto out;
    *changed = true;
    if (ctx->site.prompt_for_restart == 0) {
        SLOG_INFO(&ctx->log,
                  "client %s: changed %s; the site's Prompt for Restart is 0, no restart requested",
                  c->id, list);
        goto out;
    }
    if (ctx->site.documented_only) {
        report = clientreg_report_documented(&reg);
        if (report == ERROR_SUCCESS) {
            SLOG_INFO(&ctx->log, "client %s: Reboot Required (documented values only): %s", c->id,
                      list);
            goto out;
        }
    } else {
        report = clientreg_put_dword(reg.services, REGV_PROMPT_FOR_RESTART,
                                     ctx->site.prompt_for_restart);
        prompt_due = report != ERROR_SUCCESS;
        if (report == ERROR_SUCCESS)
            report = clientreg_report_change(&reg, REGV_REBOOT_REQUIRED, list, &id);
    }
    if (report != ERROR_SUCCESS) {
        if (err == ERROR_SUCCESS) {
            err = report;
            snprintf(why, cap, "services changed but Reboot Required could not be set: %s",
                     win_strerror(report, e, sizeof e));
        }
        goto out;
    }
    SLOG_INFO(&ctx->log, "client %s: Reboot Required, Change Id %lu: %s", c->id, (unsigned long)id,
              list);
out:
    if (prompt_due && reg.services) {
        DWORD perr = clientreg_set_dword(reg.services, REGV_PROMPT_FOR_RESTART,
                                         ctx->site.prompt_for_restart);
        if (perr != ERROR_SUCCESS && err == ERROR_SUCCESS) {
            err = perr;
            snprintf(why, cap, "cannot write Prompt for Restart: %s",
                     win_strerror(perr, e, sizeof e));
        }
    }
    if (p) {
        drop_staged(p);
        if (p->steps)
            HeapFree(GetProcessHeap(), 0, p->steps);
        HeapFree(GetProcessHeap(), 0, p);
    }
    clientreg_close(&reg);
    return err;
}
