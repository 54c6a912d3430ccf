/*
 * checkcmd.c: /check, one inventory pass without the GUI (console.c
 * prints its lines).
 *
 * /check prints key=value lines (local_version, server_version, result,
 * explanation, setup_exit, pending; error when there is one) and exits 0
 * up to date, 1 differs, 2 unknown, 64 usage.
 */
#include "climon.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "climon/copylist.h"
#include "winstr.h"

/* What this run did: the versions the check found (the result it
 * reports; Client Setup may change SMS.INI afterwards) and how Client
 * Setup ended. */
typedef struct check_found {
    BOOL versions;
    clv local, server;
    BOOL setup_finished;
    int32_t setup_exit;         /* -1: timed out or did not start */
    agent_event_type setup_how; /* SETUP_EXITED, _TIMED_OUT or _NOT_STARTED */
} check_found;

static void observe(engine *e, const agent_event *ev)
{
    check_found *f = e->ui.ctx;

    if (ev->type == AGENT_EV_VERSIONS) {
        f->versions = TRUE;
        f->local = ev->local;
        f->server = ev->server;
    }
    if (ev->type == AGENT_EV_SETUP_EXITED || ev->type == AGENT_EV_SETUP_TIMED_OUT ||
        ev->type == AGENT_EV_SETUP_NOT_STARTED) {
        f->setup_finished = TRUE;
        f->setup_how = ev->type;
        f->setup_exit = ev->type == AGENT_EV_SETUP_EXITED ? ev->exit_code : -1;
    }
}

int checkcmd_run(const cmd_line *cl)
{
    check_found found;
    runner *run = NULL;
    climon_config *cfg = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *cfg);
    engine *e = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *e);
    char lv[32], sv[32], explain[512];
    logfile lf;
    agent_event ev;
    agent_time started;
    clv_result r = CLV_UNKNOWN;
    clv none;
    BOOL fresh;
    int rc = CLIMON_EXIT_UNKNOWN;

    if (!cfg || !e) {
        console_eprintf("climon: out of memory\n");
        goto out;
    }
    config_load(cl, cfg);
    /* /check reports; it never asks the user anything. */
    cfg->core.prompts_enabled = false;
    agentlog_open(&lf, cfg);
    agentlog_config(&lf, cfg, "/check");
    if (cfg->smsini_error[0])
        console_eprintf("climon: %s\n", cfg->smsini_error);

    run = runner_inline(&lf);
    if (!run) {
        console_eprintf("climon: out of memory\n");
        goto out;
    }
    memset(&found, 0, sizeof found);
    engine_init(e, cfg, &lf, run);
    e->ui.ctx = &found;
    e->ui.observe = observe;
    /* An admin's explicit check is one attempt, not the retry loop the
     * share backoff guards against: it does not wait for the retry time. */
    e->st.share_retry_at = 0;
    started = time_now();

    engine_event_init(&ev, AGENT_EV_START);
    time_start_event(&ev);
    engine_feed(e, &ev);
    engine_event_init(&ev, AGENT_EV_CHECK_NOW);
    engine_feed(e, &ev);
    engine_drain(e);

    /* Only a result of this run counts; the saved one may be days old.
     * The result is what the check found, before Client Setup ran. */
    fresh = found.versions && e->st.has_result && e->st.last_check >= started;
    memset(&none, 0, sizeof none);
    none.status = CLV_UNREADABLE;
    if (fresh)
        r = found.server.status == CLV_UNREADABLE ? CLV_UNKNOWN
                                                  : clv_compare(&found.local, &found.server);
    clv_format(fresh ? &found.local : &none, lv, sizeof lv);
    clv_format(fresh ? &found.server : &none, sv, sizeof sv);
    if (fresh)
        clv_explain(&found.local, &found.server, explain, sizeof explain);
    else
        snprintf(explain, sizeof explain, "no versions read: %s",
                 e->st.last_error[0] ? e->st.last_error : "the pass did not get that far");
    console_printf("local_version=%s\nserver_version=%s\nresult=%s\nexplanation=%s\n", lv, sv,
                   clv_result_name(r), explain);
    if (!found.setup_finished)
        console_printf("setup_exit=none\n");
    else if (found.setup_how == AGENT_EV_SETUP_EXITED)
        console_printf("setup_exit=%ld\n", (long)found.setup_exit);
    else
        console_printf("setup_exit=%s\n",
                       found.setup_how == AGENT_EV_SETUP_TIMED_OUT ? "timeout" : "not-started");
    if (found.setup_finished) {
        /* Client Setup is judged by what it left: say what that is. */
        clv_format(&e->st.local, lv, sizeof lv);
        console_printf("local_version_after_setup=%s\nsetup_result=%s\n", lv,
                       e->st.setup_ok ? "done" : "failed");
    }
    console_printf("pending=%s\n", agent_pending_name(e->st.pending));
    if (e->st.forward_error[0] && e->st.last_error[0])
        console_printf("error=%s; %s\n", e->st.forward_error, e->st.last_error);
    else if (e->st.forward_error[0] || e->st.last_error[0])
        console_printf("error=%s\n", e->st.last_error[0] ? e->st.last_error : e->st.forward_error);
    LOG_INFO(&lf, "/check: result %s, pending %s", clv_result_name(r),
             agent_pending_name(e->st.pending));
    engine_save(e);
    rc = r == CLV_SAME      ? CLIMON_EXIT_OK
         : r == CLV_DIFFERS ? CLIMON_EXIT_DIFFERS
                            : CLIMON_EXIT_UNKNOWN;
out:
    runner_free(run, 0);
    if (cfg)
        HeapFree(GetProcessHeap(), 0, cfg);
    if (e)
        HeapFree(GetProcessHeap(), 0, e);
    return rc;
}
