/*
 * jobs.c: the I/O behind the core's actions, as one function per action
 * that fills the event answering it. The same code runs on a worker
 * thread in the tray agent and inline in /check, so both take the same
 * path through the file system, the share and the registry.
 *
 * Only copies of the configuration are used here (workers get their own),
 * and only the log is shared (it locks).
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>

#include "climon/copylist.h"
#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

/* What the core accepts; a larger file is refused unread and reported as
 * the core would (too large), not as a share failure. */
#define VERSION_READ_MAX (INI_MAX_FILE_BYTES)

/* *read_err (may be NULL) gets the Win32 error when the file could not be
 * read, ERROR_SUCCESS otherwise; ERROR_PATH_NOT_FOUND with no path known. */
static clv read_version(const wchar_t *path, BOOL server, const char *what, logfile *lf,
                        DWORD *read_err, char *err_text, size_t err_cap)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char p8[512], why[200];
    DWORD err;
    clv v;

    memset(&v, 0, sizeof v);
    v.status = CLV_UNREADABLE;
    if (read_err)
        *read_err = ERROR_SUCCESS;
    if (!path[0]) {
        if (read_err)
            *read_err = ERROR_PATH_NOT_FOUND;
        if (err_text)
            snprintf(err_text, err_cap, "no path known for %s (see the SMS.INI errors)", what);
        LOG_ERROR(lf, "%s: no path known (see SMS.INI errors above)", what);
        return v;
    }
    winstr_to_utf8(path, p8, sizeof p8);
    /* The copy list is on the share: through the seam a test fakes. */
    err = server ? fsio_read_file(path, VERSION_READ_MAX, &data, &len)
                 : fileio_read(path, VERSION_READ_MAX, &data, &len);
    if (err == ERROR_FILE_TOO_LARGE) {
        /* Too large is the file's fault, not the share's: the core says so. */
        v.status = CLV_FILE_ERROR;
        v.file_error.status = INI_ERR_TOO_LARGE;
        v.file_error.line = 0;
        LOG_ERROR(lf, "%s %s is over %u bytes: rejected", what, p8, INI_MAX_FILE_BYTES);
        return v;
    }
    if (err != ERROR_SUCCESS) {
        if (read_err)
            *read_err = err;
        if (err_text)
            snprintf(err_text, err_cap, "cannot read %s %s: %s", what, p8,
                     win_strerror(err, why, sizeof why));
        LOG_ERROR(lf, "cannot read %s %s: %s", what, p8, win_strerror(err, why, sizeof why));
        return v;
    }
    v = server ? copylist_server_version(data, len) : copylist_local_version(data, len);
    fileio_free(data);
    if (v.status == CLV_FILE_ERROR) {
        ini_error_format(&v.file_error, why, sizeof why);
        LOG_ERROR(lf, "%s %s rejected: %s", what, p8, why);
    } else if (v.status != CLV_OK) {
        LOG_WARN(lf, "%s %s: CopyListVersion %s", what, p8, clv_status_text(v.status));
    } else {
        LOG_INFO(lf, "%s %s: CopyListVersion %lu", what, p8, (unsigned long)v.value);
    }
    return v;
}

static void job_forward(const climon_config *cfg, const job_input *in, logfile *lf, agent_event *ev)
{
    forward_result *r = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *r);

    ev->type = AGENT_EV_FORWARDED;
    if ((!cfg->invdata[0] || !cfg->inv_box[0]) && cfg->smsini_error[0]) {
        /* SMS.INI is this computer's: a local problem, not the share's. */
        ev->ok = false;
        ev->fail = AGENT_FAIL_LOCAL;
        snprintf(ev->error, sizeof ev->error, "%s", cfg->smsini_error);
        LOG_ERROR(lf, "cannot forward inventory: %s", cfg->smsini_error);
        goto out;
    }
    if (!r) {
        ev->ok = false;
        ev->fail = AGENT_FAIL_LOCAL;
        snprintf(ev->error, sizeof ev->error, "out of memory");
        goto out;
    }
    ev->ok = forward_all(cfg->invdata, cfg->inv_box, cfg->unique_id, in ? &in->kept : NULL, lf, r);
    ev->count = r->count;
    ev->busy = r->busy;
    ev->others = r->others;
    ev->kept = r->kept;
    ev->fail = r->fail;
    snprintf(ev->error, sizeof ev->error, "%s", r->err);
    if (!ev->ok)
        LOG_WARN(lf, "forward failed (%s): %s", agent_failure_name(ev->fail), ev->error);
out:
    if (r)
        HeapFree(GetProcessHeap(), 0, r);
}

static void job_versions(const climon_config *cfg, logfile *lf, agent_event *ev)
{
    wchar_t cl[CLIMON_PATH_MAX];
    char explain[300];

    DWORD err = ERROR_SUCCESS;

    ev->type = AGENT_EV_VERSIONS;
    ev->local = read_version(cfg->sms_ini, FALSE, "SMS.INI", lf, NULL, NULL, 0);
    cl[0] = 0;
    if (cfg->share[0])
        path_join(cl, CLIMON_PATH_MAX, cfg->share, L"" SHARE_COPYLIST_FILE);
    ev->server = read_version(cl, TRUE, "CL_NT.TXT", lf, &err, ev->error, sizeof ev->error);
    if (ev->server.status == CLV_UNREADABLE)
        /* No share known is the settings' problem; else the share's. */
        ev->fail = !cl[0] ? AGENT_FAIL_LOCAL : failclass_share(err, NULL, 0);
    clv_explain(&ev->local, &ev->server, explain, sizeof explain);
    LOG_INFO(lf, "%s", explain);
}

static void job_setup(const climon_config *cfg, logfile *lf, HANDLE cancel, agent_event *ev)
{
    wchar_t cmd[CLIMON_CMD_MAX], cl[CLIMON_PATH_MAX];
    DWORD code = 0, start_err = ERROR_SUCCESS;
    HANDLE guard = INVALID_HANDLE_VALUE;
    clv local, server;

    if (!config_setup_command(cfg, cmd, CLIMON_CMD_MAX)) {
        ev->type = AGENT_EV_SETUP_NOT_STARTED;
        snprintf(ev->error, sizeof ev->error,
                 "no setup command: the logon server share is unknown");
        LOG_ERROR(lf, "%s", ev->error);
        return;
    }
    /* One Client Setup at a time for this SMS.INI, whichever agent (of
     * whichever session or kernel) runs it; the owner lock cannot say
     * so where agents share no kernel objects. */
    if (setupexec_guard_take(cfg->sms_ini, cfg->setup_timeout_s, cancel, lf, &guard) ==
        SETUP_GUARD_CANCELLED) {
        ev->type = AGENT_EV_SETUP_TIMED_OUT;
        snprintf(ev->error, sizeof ev->error,
                 "agent stopped while another agent's Client Setup ran");
        return;
    }
    /* Read again under the guard: an agent whose run ended between our
     * check and now has done the work. */
    cl[0] = 0;
    if (cfg->share[0])
        path_join(cl, CLIMON_PATH_MAX, cfg->share, L"" SHARE_COPYLIST_FILE);
    local = read_version(cfg->sms_ini, FALSE, "SMS.INI", lf, NULL, NULL, 0);
    server = cl[0] ? read_version(cl, TRUE, "CL_NT.TXT", lf, NULL, NULL, 0) : local;
    if (cl[0] && clv_compare(&local, &server) == CLV_SAME) {
        setupexec_guard_release(guard);
        LOG_INFO(lf,
                 "SMS.INI is at the server's CopyListVersion %lu already (another agent's "
                 "Client Setup): not started",
                 (unsigned long)local.value);
        ev->type = AGENT_EV_SETUP_EXITED;
        ev->setup_by_other = true;
        ev->local = local;
        ev->has_local = true;
        ev->request_filed = report_request_queued(cfg->ccr_box, cfg->unique_id);
        return;
    }
    switch (setupexec_run_ex(cmd, cfg->setup_timeout_s, cancel, lf, &code, &start_err, ev->error,
                             sizeof ev->error)) {
    case SETUP_EXITED:
        ev->type = AGENT_EV_SETUP_EXITED;
        ev->exit_code = (int32_t)code;
        /* Judged by what the run left, not by the code: SMS 1.2's
         * CLI_NT.EXE documents none. */
        ev->local = read_version(cfg->sms_ini, FALSE, "SMS.INI", lf, NULL, NULL, 0);
        ev->has_local = true;
        ev->request_filed = report_request_queued(cfg->ccr_box, cfg->unique_id);
        break;
    case SETUP_TIMED_OUT:
        ev->type = AGENT_EV_SETUP_TIMED_OUT;
        break;
    case SETUP_NOT_STARTED:
        ev->type = AGENT_EV_SETUP_NOT_STARTED;
        /* Only a refused password changes what the core does with it. */
        ev->fail = failclass_share(start_err, NULL, 0);
        break;
    }
    /* After SMS.INI was read: the next agent finds it current. */
    setupexec_guard_release(guard);
}

static void job_report(const climon_config *cfg, const job_input *in, logfile *lf, agent_event *ev)
{
    ev->type = AGENT_EV_REPORT;
    if (in && in->share_blocked) {
        /* The request's .CCR is on the share, which refused the
         * credentials: not looked at (every look is a logon attempt);
         * the request stays as last known. */
        report_read(L"", cfg->unique_id, lf, &ev->report);
        ev->report.request_queued = in->request_queued != FALSE;
        LOG_INFO(lf, "the request box is not looked at while the credentials are refused");
        return;
    }
    report_read(cfg->ccr_box, cfg->unique_id, lf, &ev->report);
}

BOOL job_failed(job_kind kind, const char *why, agent_event *ev)
{
    memset(ev, 0, sizeof *ev);
    switch (kind) {
    case JOB_FORWARD:
        ev->type = AGENT_EV_FORWARDED;
        ev->fail = AGENT_FAIL_LOCAL; /* this computer's trouble, not the share's */
        break;
    case JOB_VERSIONS:
        ev->type = AGENT_EV_VERSIONS;
        ev->local.status = CLV_UNREADABLE;
        ev->server.status = CLV_UNREADABLE;
        ev->fail = AGENT_FAIL_LOCAL;
        break;
    case JOB_SETUP:
        ev->type = AGENT_EV_SETUP_NOT_STARTED;
        break;
    case JOB_REPORT:
        /* Nothing read: the next change or pass reads again. */
        ev->type = AGENT_EV_REPORT;
        return FALSE;
    }
    snprintf(ev->error, sizeof ev->error, "%s", why);
    return TRUE;
}

void job_run(job_kind kind, const climon_config *cfg, const job_input *in, logfile *lf,
             HANDLE cancel, agent_event *ev)
{
    switch (kind) {
    case JOB_FORWARD:
        job_forward(cfg, in, lf, ev);
        break;
    case JOB_VERSIONS:
        job_versions(cfg, lf, ev);
        break;
    case JOB_SETUP:
        job_setup(cfg, lf, cancel, ev);
        break;
    case JOB_REPORT:
        job_report(cfg, in, lf, ev);
        break;
    }
    /* The worker ends or waits after this: its stack pages go back, or
     * they stay resident until the next thread exits (under Wine). */
    stacktrim_now();
}
