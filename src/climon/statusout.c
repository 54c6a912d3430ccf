/*
 * statusout.c: the client's report to its site (issue 15.1;
 * docs/protocol.md, "Client status files"): after each pass and each
 * answer to a prompt, <share>\CLIMON.BOX\<SMS Unique ID>.INI (written as
 * <id>.<pid>-<started>.TMP, flushed, renamed) and <SMSPath>\NOIDMIFS\CLIMON.MIF (replaced
 * atomically), both formatted by the core (clistatus.c).
 *
 * The share may be away or hang for a minute in an SMB time-out, and a
 * report must never hold up a pass or the icon: the tray agent writes on
 * a worker of its own and the UI thread only hands it the bytes. A report
 * that comes while one is being written replaces the waiting one (the
 * last report wins), so a hung share costs one thread, never a pile. A
 * failure is logged when it starts and when it ends, not at every pass.
 * /check (no window) writes inline, as its other jobs run.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>

#include "climon/clistatus.h"
#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

#define MIF_MAX 8192

struct statusout {
    CRITICAL_SECTION lock;
    logfile *lf;
    BOOL running; /* a writer thread is alive */
    BOOL waiting; /* bytes below not yet written */
    wchar_t box[CLIMON_PATH_MAX], id[CCR_ID_MAX + 1], mifdir[CLIMON_PATH_MAX];
    char ini[CLISTATUS_MAX_BYTES], mif[MIF_MAX];
    size_t ini_len, mif_len;
    DWORD last_box_err, last_mif_err; /* what was logged last, so it is said once */
};

/* What the site sees, from the agent's state. */
static BOOL status_of(const engine *e, clistatus *s)
{
    const agent_state *st = &e->st;
    wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;

    memset(s, 0, sizeof *s);
    if (!ccr_id_ok(e->cfg.unique_id))
        return FALSE;
    snprintf(s->id, sizeof s->id, "%s", e->cfg.unique_id);
    if (!GetComputerNameW(name, &n) || !winstr_to_utf8(name, s->machine, sizeof s->machine))
        return FALSE;
    snprintf(s->agent_version, sizeof s->agent_version, "%s", CLIMON_VERSION);
    s->written = (int64_t)time_now();
    s->local_known = st->local.status == CLV_OK;
    s->local_version = s->local_known ? st->local.value : 0;
    s->server_known = st->server.status == CLV_OK;
    s->server_version = s->server_known ? st->server.value : 0;
    s->last_pass = (int64_t)st->last_pass;
    s->last_result = !st->has_result                  ? CLISTATUS_RESULT_NONE
                     : st->last_result == CLV_SAME    ? CLISTATUS_RESULT_SAME
                     : st->last_result == CLV_DIFFERS ? CLISTATUS_RESULT_DIFFERS
                                                      : CLISTATUS_RESULT_UNKNOWN;
    s->request_since = (int64_t)st->request_since;
    s->pending = st->pending == AGENT_PENDING_RESTART  ? CLISTATUS_PENDING_RESTART
                 : st->pending == AGENT_PENDING_LOGOFF ? CLISTATUS_PENDING_LOGOFF
                                                       : CLISTATUS_PENDING_NONE;
    s->pending_since = s->pending != CLISTATUS_PENDING_NONE ? (int64_t)st->pending_since : 0;
    if (s->pending != CLISTATUS_PENDING_NONE && s->pending_since == 0)
        s->pending_since = s->written; /* a state from before the record: now is the best bound */
    s->deferrals = st->deferrals_used;
    if (s->pending != CLISTATUS_PENDING_NONE && e->cfg.core.deadline_s)
        s->deadline = s->pending_since + (int64_t)e->cfg.core.deadline_s;
    snprintf(s->last_error, sizeof s->last_error, "%s",
             st->last_error[0] ? st->last_error : st->forward_error);
    s->last_boot = (int64_t)time_boot();
    return TRUE;
}

/* A writer's .TMP older than this is a crashed agent's (a live one's
 * lives for one write, an SMB time-out at most): removed. */
#define STALE_TMP_S 3600

/* Removes <id>.*.TMP left in the box by a writer that is gone: by age,
 * as its process may have lived in another session or prefix, where it
 * cannot be looked up. A clock that steps only makes one early or late. */
static void remove_stale_tmps(const wchar_t *box, const wchar_t *id)
{
    wchar_t pattern[CLIMON_PATH_MAX], name[CCR_ID_MAX + 8], p[CLIMON_PATH_MAX];
    WIN32_FIND_DATAW fd;
    FILETIME now_ft;
    ULARGE_INTEGER now, at;
    HANDLE find;
    size_t n;

    _snwprintf(name, CCR_ID_MAX + 8, L"%ls.*", id);
    name[CCR_ID_MAX + 7] = L'\0';
    if (!path_join(pattern, CLIMON_PATH_MAX, box, name))
        return;
    find = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
    if (find == INVALID_HANDLE_VALUE)
        return;
    GetSystemTimeAsFileTime(&now_ft);
    now.LowPart = now_ft.dwLowDateTime;
    now.HighPart = now_ft.dwHighDateTime;
    do {
        n = wcslen(fd.cFileName);
        at.LowPart = fd.ftLastWriteTime.dwLowDateTime;
        at.HighPart = fd.ftLastWriteTime.dwHighDateTime;
        if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && n > 4 &&
            _wcsicmp(fd.cFileName + n - 4, L".TMP") == 0 && now.QuadPart > at.QuadPart &&
            now.QuadPart - at.QuadPart > (ULONGLONG)STALE_TMP_S * 10000000u &&
            path_join(p, CLIMON_PATH_MAX, box, fd.cFileName))
            DeleteFileW(p);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
}

/* <dir>\<id>.<pid>-<started>.TMP written and flushed, then renamed over
 * <id>.INI, through the share's seam (fsio.c) as the forwarding does.
 * The .TMP is this process's own: two agents of one client (two
 * sessions, or two prefixes whose pids repeat) never write one file, so
 * neither renames the other's bytes away from it. */
static DWORD write_box(const wchar_t *box, const wchar_t *id, const char *data, size_t len)
{
    wchar_t tmp[CLIMON_PATH_MAX], dst[CLIMON_PATH_MAX], name[CCR_ID_MAX + 32];
    forward_claim self;
    HANDLE h;
    DWORD put = 0, err = ERROR_SUCCESS;
    int n;

    forward_claim_self(&self, time_now());
    n = _snwprintf(name, CCR_ID_MAX + 32, L"%ls.%lu-%08X.TMP", id, (unsigned long)self.pid,
                   (unsigned)self.started);
    if (n < 0 || n >= CCR_ID_MAX + 32 || !path_join(tmp, CLIMON_PATH_MAX, box, name))
        return ERROR_FILENAME_EXCED_RANGE;
    _snwprintf(name, CCR_ID_MAX + 32, L"%ls.INI", id);
    if (!path_join(dst, CLIMON_PATH_MAX, box, name))
        return ERROR_FILENAME_EXCED_RANGE;
    h = fsio_open(tmp, GENERIC_WRITE, 0, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    if (!fsio_write(h, data, (DWORD)len, &put) || put != len || !FlushFileBuffers(h))
        err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
    CloseHandle(h);
    if (err == ERROR_SUCCESS &&
        !fsio_move(tmp, dst, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        err = GetLastError();
    if (err != ERROR_SUCCESS)
        DeleteFileW(tmp);
    else
        remove_stale_tmps(box, id);
    return err;
}

static void note(statusout *so, DWORD *last, DWORD err, const char *what, const wchar_t *where)
{
    char p8[512], why[200];

    if (err == *last)
        return;
    winstr_to_utf8(where, p8, sizeof p8);
    if (err == ERROR_SUCCESS)
        LOG_INFO(so->lf, "%s written again to %s", what, p8);
    else
        LOG_WARN(so->lf, "%s not written to %s: %s (the pass goes on; the next one tries again)",
                 what, p8, win_strerror(err, why, sizeof why));
    *last = err;
}

/* Writes what is waiting until nothing is; the lock is never held over
 * the file system. */
static void write_waiting(statusout *so)
{
    wchar_t box[CLIMON_PATH_MAX], id[CCR_ID_MAX + 1], mifdir[CLIMON_PATH_MAX], mif[CLIMON_PATH_MAX];
    char ini[CLISTATUS_MAX_BYTES], m[MIF_MAX];
    size_t ini_len, mif_len;
    DWORD err;

    for (;;) {
        EnterCriticalSection(&so->lock);
        if (!so->waiting) {
            so->running = FALSE;
            LeaveCriticalSection(&so->lock);
            return;
        }
        memcpy(box, so->box, sizeof box);
        memcpy(id, so->id, sizeof id);
        memcpy(mifdir, so->mifdir, sizeof mifdir);
        memcpy(ini, so->ini, so->ini_len);
        memcpy(m, so->mif, so->mif_len);
        ini_len = so->ini_len;
        mif_len = so->mif_len;
        so->waiting = FALSE;
        LeaveCriticalSection(&so->lock);

        /* The box is the site's folder: a client never makes it. No box
         * path: no share known, or the share is blocked or away. */
        if (!box[0])
            err = so->last_box_err;
        else if (GetFileAttributesW(box) == INVALID_FILE_ATTRIBUTES)
            err = GetLastError();
        else
            err = write_box(box, id, ini, ini_len);
        if (box[0])
            note(so, &so->last_box_err, err, "status report", box);
        if (mifdir[0]) {
            err = fileio_mkdirs(mifdir);
            if (err == ERROR_SUCCESS &&
                !path_join(mif, CLIMON_PATH_MAX, mifdir, L"" CLIMON_MIF_NAME))
                err = ERROR_FILENAME_EXCED_RANGE;
            if (err == ERROR_SUCCESS)
                err = fileio_write_atomic(mif, m, mif_len);
            note(so, &so->last_mif_err, err, "inventory MIF", mifdir);
        }
    }
}

static DWORD WINAPI writer_main(void *arg)
{
    write_waiting(arg);
    /* It ends now: its stack pages go back (Wine frees an ended thread's
     * stack only at the next thread's end). */
    stacktrim_now();
    return 0;
}

void statusout_post(engine *e)
{
    statusout *so = e->status_out;
    clistatus s;
    clistatus_error err;
    char why[200];
    BOOL start;

    if (!so) {
        so = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *so);
        if (!so)
            return;
        InitializeCriticalSection(&so->lock);
        so->lf = e->lf;
        e->status_out = so; /* lives as long as the process: a writer may outlive the engine */
    }
    if (!status_of(e, &s)) {
        LOG_INFO(e->lf, "no status report: no valid SMS Unique ID or computer name");
        return;
    }
    EnterCriticalSection(&so->lock);
    if (clistatus_format(&s, so->ini, sizeof so->ini, &so->ini_len, &err) != CLISTATUS_OK ||
        !clistatus_mif_format(&s, so->mif, sizeof so->mif, &so->mif_len)) {
        LeaveCriticalSection(&so->lock);
        clistatus_error_format(&err, why, sizeof why);
        LOG_ERROR(e->lf, "status report not formatted: %s", why);
        return;
    }
    so->box[0] = L'\0';
    /* Every touch of a share that refuses the password is a logon attempt
     * (the lockouts of Q184858): the report waits for the pass that gets
     * through. A share merely away is tried: on this writer's thread, and
     * only when a pass ends, so no more often than the passes. */
    if (e->cfg.share[0] && !e->st.creds_refused_at)
        path_join(so->box, CLIMON_PATH_MAX, e->cfg.share, L"" SHARE_STATUS_BOX);
    winstr_from_utf8(s.id, so->id, CCR_ID_MAX + 1);
    so->mifdir[0] = L'\0';
    if (e->cfg.sms_path[0])
        path_join(so->mifdir, CLIMON_PATH_MAX, e->cfg.sms_path, L"" SMS_NOIDMIFS_DIR);
    so->waiting = TRUE;
    start = !so->running;
    if (start)
        so->running = TRUE;
    LeaveCriticalSection(&so->lock);
    if (!start)
        return; /* the writer at work takes these bytes next */
    if (!e->run || runner_is_inline(e->run)) {
        /* /check: a one-shot command may wait for its own report. */
        write_waiting(so);
        return;
    }
    HANDLE t =
        CreateThread(NULL, 64 * 1024, writer_main, so, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (t) {
        CloseHandle(t);
    } else {
        EnterCriticalSection(&so->lock);
        so->running = FALSE; /* the next report tries again */
        LeaveCriticalSection(&so->lock);
        LOG_WARN(e->lf, "cannot start the status report's writer: %s",
                 win_strerror(GetLastError(), why, sizeof why));
    }
}
