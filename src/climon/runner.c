/*
 * runner.c: where a job's I/O runs and how its answer comes back.
 *
 * The engine hands every job to a runner and gets each answer back as one
 * agent_event to feed. Two kinds exist: threaded (the tray agent and the
 * service: a worker thread per job, the answer posted to a window, so a
 * slow share never freezes the message loop) and inline (/check: the job
 * runs at once and its answer waits in a queue until the engine takes it,
 * so the core still sees one step at a time, in order).
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>

#include "winstr.h"

struct runner {
    BOOL (*submit)(runner *r, job_kind kind, const climon_config *cfg, const job_input *in);
    BOOL (*take)(runner *r, agent_event *out);
    logfile *lf;
    HANDLE cancel; /* set at shutdown: a running job stops waiting */
};

/* ---- threaded ---- */

typedef struct threaded {
    runner base;
    HWND to;
    CRITICAL_SECTION lock;
    LONG running;
    HANDLE idle; /* set while no worker runs */
} threaded;

typedef struct job {
    job_kind kind;
    threaded *t;
    climon_config cfg; /* a copy: the worker owns it */
    job_input in;      /* likewise */
} job;

static void threaded_enter(threaded *t)
{
    EnterCriticalSection(&t->lock);
    if (t->running++ == 0)
        ResetEvent(t->idle);
    LeaveCriticalSection(&t->lock);
}

static void threaded_leave(threaded *t)
{
    EnterCriticalSection(&t->lock);
    if (--t->running == 0)
        SetEvent(t->idle);
    LeaveCriticalSection(&t->lock);
}

static void post_answer(threaded *t, agent_event *ev)
{
    /* A window already gone cannot take it: free it here. */
    if (!PostMessageW(t->to, WMAPP_EVENT, 0, (LPARAM)ev))
        HeapFree(GetProcessHeap(), 0, ev);
}

static DWORD WINAPI job_thread(LPVOID param)
{
    job *j = param;
    threaded *t = j->t;
    agent_event *ev = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ev);

    if (ev) {
        job_run(j->kind, &j->cfg, &j->in, t->base.lf, t->base.cancel, ev);
        post_answer(t, ev);
    }
    HeapFree(GetProcessHeap(), 0, j);
    threaded_leave(t);
    return 0;
}

static BOOL threaded_submit(runner *r, job_kind kind, const climon_config *cfg, const job_input *in)
{
    threaded *t = (threaded *)r;
    job *j = HeapAlloc(GetProcessHeap(), 0, sizeof *j);
    HANDLE h = NULL;
    DWORD err = ERROR_NOT_ENOUGH_MEMORY;
    agent_event *f;
    char why[200];

    if (j) {
        j->kind = kind;
        j->t = t;
        j->cfg = *cfg;
        j->in = *in;
        threaded_enter(t);
        h = CreateThread(NULL, 0, job_thread, j, 0, NULL);
        if (h) {
            CloseHandle(h);
            return TRUE;
        }
        err = GetLastError();
        threaded_leave(t);
        HeapFree(GetProcessHeap(), 0, j);
    }
    LOG_ERROR(r->lf, "cannot start a worker: %s", win_strerror(err, why, sizeof why));
    /* Answer anyway so the core does not wait forever in a phase. */
    f = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *f);
    if (f && job_failed(kind, "cannot start a worker thread", f)) {
        post_answer(t, f);
        return TRUE;
    }
    if (f)
        HeapFree(GetProcessHeap(), 0, f);
    return FALSE;
}

static BOOL threaded_take(runner *r, agent_event *out)
{
    (void)r;
    (void)out;
    return FALSE; /* answers arrive as WMAPP_EVENT */
}

runner *runner_threaded(HWND to, logfile *lf)
{
    threaded *t = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *t);

    if (!t)
        return NULL;
    t->base.submit = threaded_submit;
    t->base.take = threaded_take;
    t->base.lf = lf;
    t->base.cancel = CreateEventW(NULL, TRUE, FALSE, NULL);
    t->to = to;
    t->idle = CreateEventW(NULL, TRUE, TRUE, NULL);
    InitializeCriticalSection(&t->lock);
    if (!t->base.cancel || !t->idle) {
        runner_free(&t->base, 0);
        return NULL;
    }
    return &t->base;
}

/* ---- inline ---- */

#define INLINE_QUEUE 8

typedef struct inline_runner {
    runner base;
    agent_event queue[INLINE_QUEUE];
    unsigned head, len;
} inline_runner;

static BOOL inline_submit(runner *r, job_kind kind, const climon_config *cfg, const job_input *in)
{
    inline_runner *q = (inline_runner *)r;
    agent_event ev;

    memset(&ev, 0, sizeof ev);
    job_run(kind, cfg, in, r->lf, r->cancel, &ev);
    if (q->len == INLINE_QUEUE) {
        LOG_ERROR(r->lf, "event queue full: an answer was dropped");
        return FALSE;
    }
    q->queue[(q->head + q->len) % INLINE_QUEUE] = ev;
    q->len++;
    return TRUE;
}

static BOOL inline_take(runner *r, agent_event *out)
{
    inline_runner *q = (inline_runner *)r;

    if (q->len == 0)
        return FALSE;
    *out = q->queue[q->head];
    q->head = (q->head + 1) % INLINE_QUEUE;
    q->len--;
    return TRUE;
}

runner *runner_inline(logfile *lf)
{
    inline_runner *q = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *q);

    if (!q)
        return NULL;
    q->base.submit = inline_submit;
    q->base.take = inline_take;
    q->base.lf = lf;
    /* Setup's wait watches it even inline: no event, no runner. */
    q->base.cancel = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!q->base.cancel) {
        runner_free(&q->base, 0);
        return NULL;
    }
    return &q->base;
}

/* ---- the interface ---- */

BOOL runner_submit(runner *r, job_kind kind, const climon_config *cfg, const job_input *in)
{
    return r->submit(r, kind, cfg, in);
}

BOOL runner_is_inline(const runner *r)
{
    return r->submit == inline_submit;
}

BOOL runner_take(runner *r, agent_event *out)
{
    return r->take(r, out);
}

void runner_free(runner *r, DWORD wait_ms)
{
    if (!r)
        return;
    if (r->cancel)
        SetEvent(r->cancel);
    if (r->submit == threaded_submit) {
        threaded *t = (threaded *)r;
        if (WaitForSingleObject(t->idle, wait_ms) != WAIT_OBJECT_0) {
            /* A worker still holds t: leave it rather than free under it. */
            LOG_WARN(r->lf, "workers still busy at exit; leaving them");
            return;
        }
        DeleteCriticalSection(&t->lock);
        if (t->idle)
            CloseHandle(t->idle);
    }
    if (r->cancel)
        CloseHandle(r->cancel);
    HeapFree(GetProcessHeap(), 0, r);
}
