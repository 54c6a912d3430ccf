/*
 * host.c: the engine's home in a long-running process, the tray agent's
 * window or the service's. Both need the same pieces around one engine
 * (a threaded runner, the machine's owner lock, the inventory and registry
 * watches, the engine's timer) and answer the same messages; only what a
 * user sees differs, and that stays in window.c.
 */
#include "climon.h"

#include <stddef.h>

host *host_of(engine *e)
{
    return (host *)((char *)e - offsetof(host, eng));
}

static void watch_inventory(host *h, const char *why)
{
    if (!dirwatch_start(&h->dir, h->eng.cfg.invdata, h->hwnd, WMAPP_INVENTORY, h->lf))
        LOG_WARN(h->lf,
                 "no inventory folder to watch%s: passes run at start, on Check now "
                 "and on retries only",
                 why);
}

/* ---- the engine's callbacks, as far as the host answers them ---- */

static void ui_schedule(engine *e, agent_time at)
{
    time_set_timer(host_of(e)->hwnd, TIMER_AGENT, at);
}

static void ui_status(engine *e)
{
    host_publish(host_of(e));
}

static void ui_smsini_changed(engine *e, unsigned changed)
{
    host_smsini_changed(host_of(e), changed);
}

BOOL host_start(host *h, HWND hwnd, climon_config *cfg, const cmd_line *cl, DWORD session,
                logfile *lf)
{
    h->hwnd = hwnd;
    h->lf = lf;
    h->run = runner_threaded(hwnd, lf);
    if (!h->run)
        return FALSE;
    owner_start(&h->own, cfg, session, hwnd, WMAPP_OWNER, lf);
    cfg->core.machine_work = owner_is(&h->own);
    engine_init(&h->eng, cfg, lf, h->run);
    h->eng.cl = cl;
    h->eng.ui.schedule = ui_schedule;
    h->eng.ui.status = ui_status;
    h->eng.ui.smsini_changed = ui_smsini_changed;
    return TRUE;
}

void host_begin(host *h)
{
    agent_event ev;
    /* A watcher (another agent does the machine's work) needs no
     * inventory watch until it takes over. */
    if (h->eng.cfg.core.machine_work)
        watch_inventory(h, "");
    if (!regwatch_start(&h->reg, h->hwnd, WMAPP_REGCHANGE, h->lf))
        LOG_ERROR(h->lf, "cannot start the registry watch");
    engine_event_init(&ev, AGENT_EV_START);
    time_start_event(&ev);
    engine_feed(&h->eng, &ev);
}

void host_feed(host *h, agent_event_type type)
{
    agent_event ev;
    engine_event_init(&ev, type);
    engine_feed(&h->eng, &ev);
}

void host_publish(host *h)
{
    owner_publish(&h->own, &h->eng.st);
}

void host_smsini_changed(host *h, unsigned changed)
{
    /* Watch the folder SMS.INI names now; the pass forwards what is
     * already in it. A watcher has no watch to move. */
    if ((changed & CONFIG_CHANGED_INVDATA) && h->eng.cfg.core.machine_work) {
        watcher_stop(&h->dir);
        watch_inventory(h, " now");
    }
}

static void on_owner(host *h, WPARAM what)
{
    agent_event *ev;

    if (what == OWNER_TOOK_OVER) {
        LOG_INFO(h->lf,
                 "session %lu: the agent that did this PC's checks is gone; this one "
                 "does them now",
                 (unsigned long)h->own.session);
        h->eng.cfg.core.machine_work = true;
        watch_inventory(h, "");
        host_feed(h, AGENT_EV_TOOK_OVER);
        return;
    }
    owner_taken(&h->own);
    /* Too big for the stack of a window procedure's caller chain. */
    ev = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ev);
    if (!ev)
        return;
    engine_event_init(ev, AGENT_EV_MACHINE);
    if (!h->eng.cfg.core.machine_work && owner_read(&h->own, &ev->machine))
        engine_feed(&h->eng, ev);
    HeapFree(GetProcessHeap(), 0, ev);
}

BOOL host_dispatch(host *h, UINT msg, WPARAM wp, LPARAM lp, LRESULT *result)
{
    *result = 0;
    switch (msg) {
    case WMAPP_EVENT:
        engine_answer(&h->eng, (agent_event *)lp);
        HeapFree(GetProcessHeap(), 0, (agent_event *)lp);
        return TRUE;
    case WMAPP_INVENTORY:
        watcher_taken(&h->dir);
        /* Our own deletions wake the watch too: a pass only for files. */
        if (forward_any(h->eng.cfg.invdata))
            host_feed(h, AGENT_EV_INVENTORY);
        return TRUE;
    case WMAPP_REGCHANGE:
        watcher_taken(&h->reg);
        engine_read_report(&h->eng);
        return TRUE;
    case WMAPP_OWNER:
        on_owner(h, wp);
        return TRUE;
    case WMAPP_SESSIONS:
        host_feed(h, AGENT_EV_SESSIONS_CHANGED);
        return TRUE;
    case WM_TIMER:
        if (wp != TIMER_AGENT)
            return FALSE;
        KillTimer(h->hwnd, TIMER_AGENT);
        host_feed(h, AGENT_EV_TIMER);
        return TRUE;
    case WM_POWERBROADCAST:
        /* Timers did not run while the PC slept: what was due is due now. */
        if (wp == PBT_APMRESUMEAUTOMATIC)
            host_feed(h, AGENT_EV_RESUMED);
        *result = TRUE;
        return TRUE;
    case WM_TIMECHANGE:
        host_feed(h, AGENT_EV_CLOCK_CHANGED);
        return TRUE;
    }
    return FALSE;
}

void host_stop(host *h)
{
    KillTimer(h->hwnd, TIMER_AGENT);
    watcher_stop(&h->dir);
    watcher_stop(&h->reg);
    if (h->run)
        runner_free(h->run, 3000);
    /* After the last job: the next owner must not start Client Setup
     * while ours still runs. */
    owner_stop(&h->own);
    engine_save(&h->eng);
}
