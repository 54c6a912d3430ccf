/*
 * setup.c: one run of Client Setup, start to exit code (clisetup.h).
 *
 * Everything is read and checked before anything is written: a copy list
 * that names a file outside its folder, or an SMS.INI without an SMS
 * Unique ID, stops the run with the client exactly as it was. Writes then
 * go from the least to the most committing: the registry record of intent,
 * the programs, the request for the manager, and CopyListVersion in
 * SMS.INI last, so that any failure before it leaves the old version there
 * and the agent runs Client Setup again.
 *
 * One run at a time per SMS.INI: the logon script, an admin and the
 * agents of several sessions may each start Client Setup. A run holds
 * CLISETUP.LCK beside SMS.INI (created new, deleted on close, so a killed
 * run leaves none); another run waits for it, then reads SMS.INI afresh
 * and, when the waited-for run brought it to the copy list's version,
 * does nothing (docs/reliability.md, "Several agents, no shared lock").
 */
#include "clisetup.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

static int read_copylist(clisetup_run_ctx *ctx)
{
    wchar_t path[SITE_PATH_MAX];
    unsigned char *data = NULL;
    size_t len = 0;
    char p8[SITE_PATH_MAX * 3], e[160], line[200];
    copylist_error ce;
    copylist_status st;
    DWORD err;
    int rc = SETUP_EXIT_OK;

    if (!path_join(path, SITE_PATH_MAX, ctx->opts->share, SITE_W(SHARE_COPYLIST_FILE)))
        return SETUP_EXIT_USAGE;
    err = fileio_read(path, INI_MAX_FILE_BYTES, &data, &len);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot read the copy list %s: %s", site_u8(path, p8, sizeof p8),
                   win_strerror(err, e, sizeof e));
        return err == ERROR_FILE_TOO_LARGE ? SETUP_EXIT_BAD_INPUT : SETUP_EXIT_IO;
    }
    st = copylist_parse(data, len, ctx->list, &ce);
    if (st != COPYLIST_OK) {
        copylist_error_format(&ce, line, sizeof line);
        SLOG_ERROR(&ctx->log, "copy list %s refused, nothing changed: %s",
                   site_u8(path, p8, sizeof p8), line);
        rc = SETUP_EXIT_BAD_INPUT;
    } else if (ctx->list->version.status != CLV_OK) {
        SLOG_ERROR(&ctx->log, "copy list %s has no usable CopyListVersion (%s), nothing changed",
                   site_u8(path, p8, sizeof p8), clv_status_text(ctx->list->version.status));
        rc = SETUP_EXIT_BAD_INPUT;
    }
    fileio_free(data);
    return rc;
}

/* Desired Version for everything listed; removed components lose theirs. */
static DWORD record_intent(clisetup_run_ctx *ctx)
{
    DWORD err;

    for (unsigned i = 0; i < ctx->list->ncomponents; i++) {
        err = clientreg_set_desired(&ctx->reg, &ctx->list->comp[i]);
        if (err != ERROR_SUCCESS)
            return err;
    }
    for (unsigned i = 0; i < ctx->delta.n; i++) {
        if (ctx->delta.item[i].change != COPYLIST_REMOVE)
            continue;
        err = clientreg_clear_desired(&ctx->reg, ctx->delta.item[i].name);
        if (err != ERROR_SUCCESS)
            return err;
    }
    return ERROR_SUCCESS;
}

static void log_delta(clisetup_run_ctx *ctx)
{
    static const char *const what[] = {"add", "upgrade", "remove"};

    if (ctx->delta.n == 0)
        SLOG_INFO(&ctx->log, "the client already has every component the copy list names");
    for (unsigned i = 0; i < ctx->delta.n; i++) {
        const copylist_delta_item *it = &ctx->delta.item[i];
        SLOG_INFO(&ctx->log, "%s %s %s: %s -> %s", what[it->change],
                  it->kind == COPYLIST_SERVICE ? "service" : "program", it->name,
                  it->from[0] ? it->from : "(none)", it->to[0] ? it->to : "(none)");
    }
}

#define GUARD_NAME L"CLISETUP.LCK"
#define GUARD_POLL_MS 250u
/* How long a run waits for another; and a guard this old guards no run:
 * its holder went with the power (a killed run's guard goes with it). */
#define GUARD_WAIT_S 600u
#define GUARD_STALE_S 900u

typedef enum guard_result { GUARD_TAKEN, GUARD_WAITED, GUARD_NONE, GUARD_BUSY } guard_result;

static LONGLONG guard_age_s(const wchar_t *path, BOOL *exists)
{
    WIN32_FILE_ATTRIBUTE_DATA a;
    FILETIME now;
    ULARGE_INTEGER n, w;

    *exists = GetFileAttributesExW(path, GetFileExInfoStandard, &a);
    if (!*exists)
        return 0;
    GetSystemTimeAsFileTime(&now);
    n.LowPart = now.dwLowDateTime;
    n.HighPart = now.dwHighDateTime;
    w.LowPart = a.ftLastWriteTime.dwLowDateTime;
    w.HighPart = a.ftLastWriteTime.dwHighDateTime;
    return ((LONGLONG)n.QuadPart - (LONGLONG)w.QuadPart) / 10000000LL;
}

/* Takes the guard beside smsini (*held: close it to release). */
static guard_result take_guard(clisetup_run_ctx *ctx, const wchar_t *smsini, HANDLE *held)
{
    wchar_t path[SITE_PATH_MAX], dir[SITE_PATH_MAX], aside[SITE_PATH_MAX + 32];
    const wchar_t *slash = wcsrchr(smsini, L'\\');
    char p8[SITE_PATH_MAX * 3], e8[160];
    DWORD e, waited_ms = 0;
    BOOL said = FALSE, exists;
    LONGLONG age;
    HANDLE h;

    *held = INVALID_HANDLE_VALUE;
    if (!slash || (size_t)(slash - smsini) >= SITE_PATH_MAX)
        return GUARD_NONE;
    wmemcpy(dir, smsini, (size_t)(slash - smsini));
    dir[slash - smsini] = 0;
    if (!path_join(path, SITE_PATH_MAX, dir, GUARD_NAME))
        return GUARD_NONE;
    site_u8(path, p8, sizeof p8);
    for (;;) {
        h = CreateFileW(path, GENERIC_WRITE | DELETE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                        CREATE_NEW, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            char text[48];
            DWORD put;
            int n =
                snprintf(text, sizeof text, "pid=%lu\r\n", (unsigned long)GetCurrentProcessId());
            WriteFile(h, text, n > 0 ? (DWORD)n : 0, &put, NULL);
            *held = h;
            return said ? GUARD_WAITED : GUARD_TAKEN;
        }
        e = GetLastError();
        /* Access denied and no guard: a folder this run may not write
         * (the rewrite of SMS.INI then says so). */
        if ((e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS && e != ERROR_ACCESS_DENIED) ||
            (e == ERROR_ACCESS_DENIED && GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)) {
            /* No folder, say: the read of SMS.INI says what is wrong. */
            SLOG_WARN(&ctx->log, "cannot make the guard %s: %s; going on without it", p8,
                      win_strerror(e, e8, sizeof e8));
            return GUARD_NONE;
        }
        age = guard_age_s(path, &exists);
        if (exists && (age > (LONGLONG)GUARD_STALE_S || age < -(LONGLONG)GUARD_STALE_S)) {
            _snwprintf(aside, SITE_PATH_MAX + 32, L"%ls.%lu.old", path,
                       (unsigned long)GetCurrentProcessId());
            aside[SITE_PATH_MAX + 31] = 0;
            if (MoveFileExW(path, aside, MOVEFILE_REPLACE_EXISTING)) {
                DeleteFileW(aside);
                SLOG_INFO(&ctx->log, "took back the guard %s, made %lld s ago", p8, (long long)age);
            }
            continue;
        }
        if (!said) {
            SLOG_INFO(&ctx->log, "another Client Setup runs for this client (%s): waiting", p8);
            said = TRUE;
        }
        if (waited_ms >= GUARD_WAIT_S * 1000u) {
            SLOG_ERROR(&ctx->log, "another Client Setup still runs after %u s (%s): nothing done",
                       GUARD_WAIT_S, p8);
            return GUARD_BUSY;
        }
        Sleep(GUARD_POLL_MS);
        waited_ms += GUARD_POLL_MS;
    }
}

int clisetup_run(const clisetup_opts *o)
{
    clisetup_run_ctx *ctx;
    copylist_installed *installed = NULL;
    unsigned char *ini = NULL;
    size_t ini_len = 0;
    unsigned ninstalled = 0, skipped = 0;
    char p8[SITE_PATH_MAX * 3], s8[SITE_PATH_MAX * 3], e[160], why[300];
    DWORD err;
    int rc = SETUP_EXIT_OK;
    HANDLE held = INVALID_HANDLE_VALUE;
    guard_result guard;

    ctx = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ctx);
    if (!ctx) {
        fputs("error: out of memory\n", stderr);
        return SETUP_EXIT_IO;
    }
    ctx->opts = o;
    ctx->documented_only = site_read_documented_only(o->share);
    sitelog_open(&ctx->log, NULL, "clisetup", o->verbose);
    ctx->list = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ctx->list);
    installed = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY,
                          2 * COPYLIST_MAX_COMPONENTS * sizeof *installed);
    if (!ctx->list || !installed) {
        SLOG_ERROR(&ctx->log, "out of memory");
        rc = SETUP_EXIT_IO;
        goto out;
    }

    /* 0. Alone: SMS.INI is read once no other run can still write it. */
    guard = take_guard(ctx, o->smsini, &held);
    if (guard == GUARD_BUSY) {
        rc = SETUP_EXIT_IO;
        goto out;
    }

    /* 1. The client: until SMSPath is known the log is the console only. */
    err = fileio_read(o->smsini, INI_MAX_FILE_BYTES, &ini, &ini_len);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot read %s: %s", site_u8(o->smsini, p8, sizeof p8),
                   win_strerror(err, e, sizeof e));
        rc = err == ERROR_FILE_TOO_LARGE ? SETUP_EXIT_BAD_INPUT : SETUP_EXIT_IO;
        goto out;
    }
    if (!clisetup_read_client(ini, ini_len, &ctx->client, why, sizeof why)) {
        SLOG_ERROR(&ctx->log, "%s: %s", site_u8(o->smsini, p8, sizeof p8), why);
        rc = SETUP_EXIT_BAD_INPUT;
        goto out;
    }
    sitelog_move(&ctx->log, ctx->client.log);
    SLOG_INFO(&ctx->log, "Client Setup %s for %s (%s) from %s, SMS.INI %s", CLIMON_VERSION,
              ctx->client.id, ctx->client.machine, site_u8(o->share, s8, sizeof s8),
              site_u8(o->smsini, p8, sizeof p8));

    /* 2. The site's copy list, whole and valid, before anything changes. */
    rc = read_copylist(ctx);
    if (rc != SETUP_EXIT_OK)
        goto out;
    {
        char lv[16], sv[16];
        clv_format(&ctx->client.version, lv, sizeof lv);
        clv_format(&ctx->list->version, sv, sizeof sv);
        SLOG_INFO(&ctx->log, "CopyListVersion: SMS.INI %s, server %s, %u component(s) listed", lv,
                  sv, ctx->list->ncomponents);
    }

    if (guard == GUARD_WAITED && ctx->client.version.status == CLV_OK &&
        clv_compare(&ctx->client.version, &ctx->list->version) == CLV_SAME) {
        SLOG_INFO(&ctx->log,
                  "the Client Setup waited for brought SMS.INI to CopyListVersion %lu: nothing "
                  "to do",
                  (unsigned long)ctx->client.version.value);
        rc = SETUP_EXIT_OK;
        goto out;
    }

    /* 3. What the client has. */
    err = clientreg_open(o->reg_root, o->reg_key, &ctx->reg);
    if (err == ERROR_SUCCESS)
        err = clientreg_read_installed(&ctx->reg, ctx->list, installed, 2 * COPYLIST_MAX_COMPONENTS,
                                       &ninstalled, &skipped);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot read the Client Services registry key: %s",
                   win_strerror(err, e, sizeof e));
        rc = SETUP_EXIT_IO;
        goto out;
    }
    if (skipped)
        SLOG_WARN(&ctx->log, "%u damaged entr%s under Client Services\\Components ignored", skipped,
                  skipped == 1 ? "y" : "ies");
    copylist_diff(ctx->list, installed, ninstalled, &ctx->delta);
    log_delta(ctx);

    /* 4. Intent, programs, request. */
    err = record_intent(ctx);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "cannot record the desired components: %s",
                   win_strerror(err, e, sizeof e));
        rc = SETUP_EXIT_IO;
        goto out;
    }
    if (clisetup_install_programs(ctx) != ERROR_SUCCESS) {
        rc = SETUP_EXIT_IO;
        goto out;
    }
    if (copylist_delta_has(&ctx->delta, COPYLIST_SERVICE)) {
        if (clisetup_file_request(ctx) != ERROR_SUCCESS) {
            rc = SETUP_EXIT_IO;
            goto out;
        }
    } else {
        SLOG_INFO(&ctx->log, "no service to add, upgrade or remove: no request for the manager");
    }
    if (ctx->logoff_changed[0] && ctx->documented_only) {
        /* SMS 1.2 documents no way to tell the client monitor: the
         * programs are installed at the next logon, when Client Setup runs
         * from the logon script. */
        SLOG_INFO(&ctx->log,
                  "programs in use wait for the next logon: %s (not reported: a "
                  "documented-only site has no Logoff Required)",
                  ctx->logoff_changed);
    } else if (ctx->logoff_changed[0]) {
        DWORD id = 0;
        err = clientreg_report_change(&ctx->reg, REGV_LOGOFF_REQUIRED, ctx->logoff_changed, &id);
        if (err != ERROR_SUCCESS) {
            SLOG_ERROR(&ctx->log, "cannot record the logoff needed: %s",
                       win_strerror(err, e, sizeof e));
            rc = SETUP_EXIT_IO;
            goto out;
        }
        SLOG_INFO(&ctx->log, "logoff needed for: %s (Change Id %lu)", ctx->logoff_changed,
                  (unsigned long)id);
    }

    /* 5. Last, the version: from now on the agent takes this one as done. */
    err = clisetup_update_smsini(o->smsini, ini, ini_len, ctx->list->version.value, o->share, why,
                                 sizeof why);
    if (err != ERROR_SUCCESS) {
        SLOG_ERROR(&ctx->log, "%s", why);
        rc = err == ERROR_INVALID_DATA ? SETUP_EXIT_BAD_INPUT : SETUP_EXIT_IO;
        goto out;
    }
    SLOG_INFO(&ctx->log, "SMS.INI CopyListVersion is %lu", (unsigned long)ctx->list->version.value);
    rc = ctx->request_filed       ? SETUP_EXIT_REQUEST_FILED
         : ctx->logoff_changed[0] ? SETUP_EXIT_LOGOFF_NEEDED
                                  : SETUP_EXIT_OK;
out:
    if (ctx->documented_only && rc != SETUP_EXIT_USAGE) {
        /* SMS 1.2's CLI_NT.EXE documents no exit codes: the lab plays the
         * worst case, a 0 that says nothing, so the agent must judge the
         * run by what it left. */
        SLOG_INFO(&ctx->log,
                  "Client Setup result %d; exits with 0 (a documented-only site has no "
                  "exit codes)",
                  rc);
        rc = SETUP_EXIT_OK;
    }
    SLOG_INFO(&ctx->log, "Client Setup exits with %d", rc);
    if (held != INVALID_HANDLE_VALUE)
        CloseHandle(held); /* after every write: the next run reads them */
    clientreg_close(&ctx->reg);
    fileio_free(ini);
    if (installed)
        HeapFree(GetProcessHeap(), 0, installed);
    if (ctx->list)
        HeapFree(GetProcessHeap(), 0, ctx->list);
    sitelog_close(&ctx->log);
    HeapFree(GetProcessHeap(), 0, ctx);
    return rc;
}
