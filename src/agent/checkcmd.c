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

int checkcmd_run(const cmd_line *cl)
{
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

    engine_init(e, cfg, &lf, NULL);
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
    fresh = e->found && e->st.has_result && e->st.last_check >= started;
    memset(&none, 0, sizeof none);
    none.status = CLV_UNREADABLE;
    if (fresh)
        r = e->found_server.status == CLV_UNREADABLE
                ? CLV_UNKNOWN
                : clv_compare(&e->found_local, &e->found_server);
    clv_format(fresh ? &e->found_local : &none, lv, sizeof lv);
    clv_format(fresh ? &e->found_server : &none, sv, sizeof sv);
    if (fresh)
        clv_explain(&e->found_local, &e->found_server, explain, sizeof explain);
    else
        snprintf(explain, sizeof explain, "no versions read: %s",
                 e->st.last_error[0] ? e->st.last_error : "the pass did not get that far");
    console_printf("local_version=%s\nserver_version=%s\nresult=%s\nexplanation=%s\n", lv, sv,
                   clv_result_name(r), explain);
    if (!e->setup_finished)
        console_printf("setup_exit=none\n");
    else if (e->setup_how == AGENT_EV_SETUP_EXITED)
        console_printf("setup_exit=%ld\n", (long)e->setup_exit);
    else
        console_printf("setup_exit=%s\n",
                       e->setup_how == AGENT_EV_SETUP_TIMED_OUT ? "timeout" : "not-started");
    if (e->setup_finished) {
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
    if (cfg)
        HeapFree(GetProcessHeap(), 0, cfg);
    if (e)
        HeapFree(GetProcessHeap(), 0, e);
    return rc;
}
