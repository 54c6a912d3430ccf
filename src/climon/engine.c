/*
 * engine.c: runs the core's agent_step and carries out its actions.
 *
 * The state has one owner, the thread that feeds it: engine_feed is only
 * called there. The I/O of an action is a job handed to the engine's
 * runner (runner.c says where it runs); each answer comes back through
 * engine_answer, one step at a time, in order.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>

#include "climon/state.h"
#include "fileio.h"
#include "winstr.h"

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

void engine_init(engine *e, const climon_config *cfg, logfile *lf, runner *run)
{
    memset(e, 0, sizeof *e);
    e->cfg = *cfg;
    e->lf = lf;
    e->run = run;
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
    /* The folder is made only when the write finds it missing: a save
     * is on the path between a pass's jobs, and it is there after the first. */
    err = fileio_write_atomic(path, buf, len);
    if (err == ERROR_PATH_NOT_FOUND) {
        err = fileio_mkdirs(e->cfg.state_dir);
        if (err == ERROR_SUCCESS)
            err = fileio_write_atomic(path, buf, len);
    }
    if (err != ERROR_SUCCESS)
        LOG_ERROR(e->lf, "cannot save the state: %s", win_strerror(err, why, sizeof why));
}

static void start_job(engine *e, job_kind kind)
{
    job_input in;

    if (kind == JOB_REPORT) {
        /* One report read at a time, so answers come in the order they
         * were read; a change during a read asks for one more. */
        if (e->report_running) {
            e->report_again = TRUE;
            return;
        }
        e->report_running = TRUE;
    }
    input_of(e, &in);
    if (!e->run || !runner_submit(e->run, kind, &e->cfg, &in)) {
        /* No answer will come (a report that could not start): the next
         * change or pass reads again. */
        if (kind == JOB_REPORT) {
            e->report_running = FALSE;
            e->report_again = FALSE;
        }
    }
}

static void carry_out(engine *e, const agent_action *a)
{
    switch (a->type) {
    case AGENT_ACT_FORWARD:
        /* Each pass takes SMS.INI as it is now, before the job copies cfg. */
        if (e->cl) {
            unsigned changed = config_refresh(e->cl, &e->cfg, e->lf, &e->cw);
            if (changed && e->ui.smsini_changed)
                e->ui.smsini_changed(e, changed);
        }
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
        if (e->ui.prompt)
            e->ui.prompt(e, a);
        else
            LOG_INFO(e->lf, "no prompt without the tray agent; status only");
        break;
    case AGENT_ACT_COUNTDOWN:
        if (e->ui.countdown)
            e->ui.countdown(e, a);
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

/* A pass's lines come in a burst from this thread and the worker's: one
 * open handle for them instead of an open and a close each. Only until
 * Client Setup starts or the pass ends, so that between passes (and
 * during a long Client Setup) an admin may delete the log. */
static void hold_log_in_pass(engine *e, BOOL step_done)
{
    BOOL want = e->st.phase == AGENT_PHASE_FORWARDING || e->st.phase == AGENT_PHASE_CHECKING;

    if (!e->lf || want == e->log_held)
        return;
    /* Taken before the step's actions, given back after them: the lines
     * of the step that starts Client Setup still share the handle. */
    if (want && !step_done) {
        logfile_hold(e->lf);
        e->log_held = TRUE;
    } else if (!want && step_done) {
        logfile_release(e->lf);
        e->log_held = FALSE;
    }
}

void engine_feed(engine *e, agent_event *ev)
{
    agent_actions acts;

    ev->now = time_now();
    ev->local_offset_s = time_local_offset_at(ev->now);
    /* Only a maintenance window's rule needs them; asked for each event so
     * that a sign-out seen late is not a restart on a stale count. */
    if (agent_counts_users(&e->cfg.core) && !ev->users_known) {
        unsigned users = 0;
        ev->users_known = sessions_signed_in(!e->cfg.service, &users) != FALSE;
        ev->users = users;
    }
    ev->has_next_day_offset = true;
    ev->next_day_offset_s = time_local_offset_at(ev->now + 86400u);
    ev->uptime_s = time_uptime();
    if (e->ui.observe)
        e->ui.observe(e, ev);
    agent_phase was = e->st.phase;
    agent_step(&e->st, &e->cfg.core, ev, &acts);
    hold_log_in_pass(e, FALSE);
    for (unsigned i = 0; i < acts.n; i++)
        carry_out(e, &acts.a[i]);
    hold_log_in_pass(e, TRUE);
    /* A pass ended, a prompt was answered, the manager reported: the site
     * hears it, from the machine's owner only (the others' passes are its). */
    if (e->cfg.core.machine_work &&
        ((was != AGENT_PHASE_IDLE && e->st.phase == AGENT_PHASE_IDLE) ||
         ev->type == AGENT_EV_USER_CHOICE || ev->type == AGENT_EV_REPORT))
        statusout_post(e);
}

void engine_answer(engine *e, agent_event *ev)
{
    BOOL report = ev->type == AGENT_EV_REPORT;

    engine_feed(e, ev);
    if (report) {
        e->report_running = FALSE;
        if (e->report_again) {
            e->report_again = FALSE;
            start_job(e, JOB_REPORT);
        }
    }
    /* The pass and the report read are over: the workers need not wait
     * through the idle hours (the next pass starts one again). */
    if (e->run && e->st.phase == AGENT_PHASE_IDLE && !e->report_running)
        runner_trim(e->run);
}

void engine_read_report(engine *e)
{
    start_job(e, JOB_REPORT);
}

void engine_drain(engine *e)
{
    agent_event ev;

    while (e->run && runner_take(e->run, &ev))
        engine_answer(e, &ev);
}
