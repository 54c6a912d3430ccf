/*
 * engine.c: runs the core's agent_step and carries out its actions.
 *
 * The state has one owner, the UI thread: engine_feed is only called
 * there. In the tray agent the I/O of an action runs on a worker thread
 * that posts its answer back (WMAPP_EVENT), so a slow share or a hung
 * Client Setup never freezes the icon. In /check (hwnd NULL) the same
 * jobs run inline and their answers queue up until engine_drain feeds
 * them, one step at a time, in order.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>

#include "climon/state.h"
#include "fileio.h"
#include "winstr.h"

typedef struct job {
    job_kind kind;
    engine *e;
    HWND hwnd;
    climon_config cfg; /* a copy: the worker owns it */
    job_input in;      /* likewise */
} job;

/* What a job needs from the state, as it is when the job starts. */
static void input_of(const engine *e, job_input *in)
{
    memset(in, 0, sizeof *in);
    in->kept = e->st.kept;
    in->share_blocked = e->st.creds_refused_at != 0;
    in->request_queued = e->st.request_since != 0;
}

void engine_event_init(agent_event *ev, agent_event_type type)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
}

static void load_state(engine *e)
{
    wchar_t path[CLIMON_PATH_MAX];
    unsigned char *data = NULL;
    size_t len = 0;
    char why[200], p8[512];
    state_error se;
    DWORD err;

    agent_state_init(&e->st);
    if (!config_state_path(&e->cfg, path, CLIMON_PATH_MAX)) {
        LOG_WARN(e->lf, "no folder for the state file: starting from nothing known");
        return;
    }
    winstr_to_utf8(path, p8, sizeof p8);
    err = fileio_read(path, 4u * STATE_MAX_BYTES, &data, &len);
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) {
        LOG_INFO(e->lf, "no saved state at %s: a first start", p8);
        return;
    }
    if (err != ERROR_SUCCESS) {
        LOG_ERROR(e->lf, "cannot read the state %s: %s; starting from nothing known", p8,
                  win_strerror(err, why, sizeof why));
        return;
    }
    if (state_parse(data, len, &e->st, &se) != STATE_OK) {
        /* state_parse leaves the default state: nothing pending, never a prompt. */
        state_error_format(&se, why, sizeof why);
        LOG_ERROR(e->lf, "state %s rejected (%s): starting from nothing known", p8, why);
    } else {
        LOG_INFO(e->lf, "state loaded from %s", p8);
    }
    fileio_free(data);
}

void engine_init(engine *e, const climon_config *cfg, logfile *lf, HWND hwnd)
{
    memset(e, 0, sizeof *e);
    e->cfg = *cfg;
    e->lf = lf;
    e->hwnd = hwnd;
    e->setup_exit = -1;
    e->cancel = CreateEventW(NULL, TRUE, FALSE, NULL);
    e->jobs_idle = CreateEventW(NULL, TRUE, TRUE, NULL);
    InitializeCriticalSection(&e->jobs_lock);
    load_state(e);
}

void engine_save(engine *e)
{
    wchar_t path[CLIMON_PATH_MAX];
    char buf[STATE_MAX_BYTES], why[200];
    size_t len;
    DWORD err;

    if (!config_state_path(&e->cfg, path, CLIMON_PATH_MAX))
        return;
    len = state_format(&e->st, buf, sizeof buf);
    if (len == 0) {
        LOG_ERROR(e->lf, "state too large to save");
        return;
    }
    err = fileio_mkdirs(e->cfg.state_dir);
    if (err == ERROR_SUCCESS)
        err = fileio_write_atomic(path, buf, len);
    if (err != ERROR_SUCCESS)
        LOG_ERROR(e->lf, "cannot save the state: %s", win_strerror(err, why, sizeof why));
}

static void jobs_enter(engine *e)
{
    EnterCriticalSection(&e->jobs_lock);
    if (e->jobs_running++ == 0)
        ResetEvent(e->jobs_idle);
    LeaveCriticalSection(&e->jobs_lock);
}

static void jobs_leave(engine *e)
{
    EnterCriticalSection(&e->jobs_lock);
    if (--e->jobs_running == 0)
        SetEvent(e->jobs_idle);
    LeaveCriticalSection(&e->jobs_lock);
}

static DWORD WINAPI job_thread(LPVOID param)
{
    job *j = param;
    engine *e = j->e;
    agent_event *ev = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ev);

    if (ev) {
        job_run(j->kind, &j->cfg, &j->in, e->lf, e->cancel, ev);
        /* A window already gone cannot take it: free it here. */
        if (!PostMessageW(j->hwnd, WMAPP_EVENT, 0, (LPARAM)ev))
            HeapFree(GetProcessHeap(), 0, ev);
    }
    HeapFree(GetProcessHeap(), 0, j);
    jobs_leave(e);
    return 0;
}

static void start_job(engine *e, job_kind kind)
{
    agent_event ev;
    job_input in;
    job *j;
    HANDLE t;

    if (kind == JOB_REPORT && e->hwnd) {
        if (e->report_running) {
            e->report_again = TRUE;
            return;
        }
        e->report_running = TRUE;
    }
    if (!e->hwnd) {
        engine_event_init(&ev, AGENT_EV_TIMER);
        input_of(e, &in);
        job_run(kind, &e->cfg, &in, e->lf, e->cancel, &ev);
        if (e->qlen < sizeof e->queue / sizeof e->queue[0]) {
            e->queue[(e->qhead + e->qlen) % (sizeof e->queue / sizeof e->queue[0])] = ev;
            e->qlen++;
        } else {
            LOG_ERROR(e->lf, "event queue full: an answer was dropped");
        }
        return;
    }
    j = HeapAlloc(GetProcessHeap(), 0, sizeof *j);
    if (!j)
        goto fail;
    j->kind = kind;
    j->e = e;
    j->hwnd = e->hwnd;
    j->cfg = e->cfg;
    input_of(e, &j->in);
    jobs_enter(e);
    t = CreateThread(NULL, 0, job_thread, j, 0, NULL);
    if (!t) {
        jobs_leave(e);
        HeapFree(GetProcessHeap(), 0, j);
        goto fail;
    }
    CloseHandle(t);
    return;
fail:
    /* Answer anyway so the core does not wait forever in a phase. */
    {
        char why[200];
        agent_event *f = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *f);
        LOG_ERROR(e->lf, "cannot start a worker: %s",
                  win_strerror(GetLastError(), why, sizeof why));
        if (!f)
            return;
        switch (kind) {
        case JOB_FORWARD:
            f->type = AGENT_EV_FORWARDED;
            f->fail = AGENT_FAIL_LOCAL; /* this computer's trouble, not the share's */
            snprintf(f->error, sizeof f->error, "cannot start a worker thread");
            break;
        case JOB_VERSIONS:
            f->type = AGENT_EV_VERSIONS;
            f->local.status = CLV_UNREADABLE;
            f->server.status = CLV_UNREADABLE;
            f->fail = AGENT_FAIL_LOCAL;
            break;
        case JOB_SETUP:
            f->type = AGENT_EV_SETUP_NOT_STARTED;
            snprintf(f->error, sizeof f->error, "cannot start a worker thread");
            break;
        case JOB_REPORT:
            /* Nothing read: the next change or pass reads again. */
            e->report_running = FALSE;
            e->report_again = FALSE;
            HeapFree(GetProcessHeap(), 0, f);
            return;
        }
        if (!PostMessageW(e->hwnd, WMAPP_EVENT, 0, (LPARAM)f))
            HeapFree(GetProcessHeap(), 0, f);
    }
}

static void carry_out(engine *e, const agent_action *a)
{
    switch (a->type) {
    case AGENT_ACT_FORWARD:
        /* Each pass takes SMS.INI as it is now, before the job copies cfg. */
        if (e->ui.refresh)
            e->ui.refresh(e);
        start_job(e, JOB_FORWARD);
        break;
    case AGENT_ACT_READ_VERSIONS:
        start_job(e, JOB_VERSIONS);
        break;
    case AGENT_ACT_RUN_SETUP:
        e->setup_started = TRUE;
        e->setup_started_at = time_now();
        start_job(e, JOB_SETUP);
        break;
    case AGENT_ACT_READ_REPORT:
        start_job(e, JOB_REPORT);
        break;
    case AGENT_ACT_PROMPT:
        e->prompt_pending = a->pending;
        e->prompt_choices = a->choices;
        e->prompt_seq = a->seq;
        e->prompt_deferrals_left = a->deferrals_left;
        e->prompt_deadline = a->deadline;
        snprintf(e->prompt_text, sizeof e->prompt_text, "%s", a->text);
        if (e->ui.prompt)
            e->ui.prompt(e);
        else
            LOG_INFO(e->lf, "no prompt without the tray agent; status only");
        break;
    case AGENT_ACT_COUNTDOWN:
        e->countdown_end = a->at;
        e->countdown_pending = a->pending;
        snprintf(e->countdown_text, sizeof e->countdown_text, "%s", a->text);
        if (e->ui.countdown)
            e->ui.countdown(e);
        else
            LOG_INFO(e->lf, "no countdown without the tray agent; status only");
        break;
    case AGENT_ACT_ANNOUNCE:
        if (e->ui.announce)
            e->ui.announce(e, a->text);
        break;
    case AGENT_ACT_RESTART:
        restart_carry_out(&e->cfg, e->lf, FALSE);
        break;
    case AGENT_ACT_LOGOFF:
        restart_carry_out(&e->cfg, e->lf, TRUE);
        break;
    case AGENT_ACT_SCHEDULE:
        if (e->ui.schedule)
            e->ui.schedule(e, a->at);
        break;
    case AGENT_ACT_LOG:
        logfile_write(e->lf,
                      a->level == AGENT_LOG_ERROR     ? CMLOG_ERROR
                      : a->level == AGENT_LOG_WARNING ? CMLOG_WARNING
                                                      : CMLOG_INFO,
                      "agent.c", "%s", a->text);
        break;
    case AGENT_ACT_SAVE_STATE:
        engine_save(e);
        break;
    case AGENT_ACT_STATUS:
        if (e->ui.status)
            e->ui.status(e);
        break;
    case AGENT_ACT_WARN_CREDENTIALS:
        if (e->ui.warn_credentials)
            e->ui.warn_credentials(e);
        else
            LOG_INFO(e->lf, "no balloon without the tray agent; the error says it");
        break;
    }
}

void engine_feed(engine *e, agent_event *ev)
{
    agent_actions acts;

    ev->now = time_now();
    ev->local_offset_s = time_local_offset_at(ev->now);
    ev->has_next_day_offset = true;
    ev->next_day_offset_s = time_local_offset_at(ev->now + 86400u);
    ev->uptime_s = time_uptime();
    if (ev->type == AGENT_EV_VERSIONS) {
        e->found = TRUE;
        e->found_local = ev->local;
        e->found_server = ev->server;
    }
    if (ev->type == AGENT_EV_SETUP_EXITED || ev->type == AGENT_EV_SETUP_TIMED_OUT ||
        ev->type == AGENT_EV_SETUP_NOT_STARTED) {
        e->setup_finished = TRUE;
        e->setup_how = ev->type;
        e->setup_exit = ev->type == AGENT_EV_SETUP_EXITED ? ev->exit_code : -1;
    }
    agent_phase was = e->st.phase;
    agent_step(&e->st, &e->cfg.core, ev, &acts);
    for (unsigned i = 0; i < acts.n; i++)
        carry_out(e, &acts.a[i]);
    /* A pass ended, a prompt was answered, the manager reported: the site hears it. */
    if ((was != AGENT_PHASE_IDLE && e->st.phase == AGENT_PHASE_IDLE) ||
        ev->type == AGENT_EV_USER_CHOICE || ev->type == AGENT_EV_REPORT)
        statusout_post(e);
}

void engine_on_worker_event(engine *e, agent_event *ev)
{
    BOOL report = ev->type == AGENT_EV_REPORT;
    engine_feed(e, ev);
    HeapFree(GetProcessHeap(), 0, ev);
    if (report) {
        e->report_running = FALSE;
        if (e->report_again) {
            e->report_again = FALSE;
            start_job(e, JOB_REPORT);
        }
    }
}

void engine_read_report(engine *e)
{
    start_job(e, JOB_REPORT);
}

void engine_drain(engine *e)
{
    while (e->qlen > 0) {
        agent_event ev = e->queue[e->qhead];
        e->qhead = (e->qhead + 1) % (sizeof e->queue / sizeof e->queue[0]);
        e->qlen--;
        engine_feed(e, &ev);
    }
}

void engine_shutdown(engine *e, DWORD wait_ms)
{
    SetEvent(e->cancel);
    if (WaitForSingleObject(e->jobs_idle, wait_ms) != WAIT_OBJECT_0)
        LOG_WARN(e->lf, "workers still busy at exit; leaving them");
}
