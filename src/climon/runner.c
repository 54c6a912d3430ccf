/*
 * runner.c: where a job's I/O runs and how its answer comes back.
 *
 * The engine hands every job to a runner and gets each answer back as one
 * agent_event to feed. Two kinds exist: threaded (the tray agent and the
 * service: worker threads fed a queue for a pass, the answer posted to a
 * window, so a slow share never freezes the message loop) and inline
 * (/check: the job runs at once and its answer waits in a queue until the
 * engine takes it, so the core still sees one step at a time, in order).
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

/* A pass runs one job at a time and a report read one more beside it
 * (engine.c): two workers do; the rest is room for a job whose worker is
 * still handing its answer over. A job finding every worker busy waits in
 * the queue for the first one free. */
#define WORKERS_MAX 4
/* Workers started and not yet reaped: the live ones and those ended by a
 * trim since the last start. */
#define WORKER_SLOTS 16
/* Each worker's stack reservation (0: the program's default). */
#define WORKER_STACK_RESERVE 0

typedef struct job {
    struct job *next;
    job_kind kind;
    climon_config cfg; /* a copy: the worker owns it */
    job_input in;      /* likewise */
    agent_event *ev;   /* the answer, made with the job: a worker never lacks one */
} job;

/* A worker is started when a job finds none idle and then takes the next
 * jobs as they come, so the jobs of a pass after the first no longer each
 * pay for a thread's start. When the engine has nothing left to do
 * (runner_trim) the idle ones end: under Wine each live thread keeps
 * about 1 MB resident, and an idle agent needs none of them. */
typedef struct threaded {
    runner base;
    HWND to;
    CRITICAL_SECTION lock;
    job *head, *tail; /* submitted, not taken by a worker yet */
    LONG pending;     /* submitted, answer not posted yet */
    unsigned idle;    /* workers waiting (or about to) and not promised a job */
    unsigned alive;   /* workers started and not ended */
    unsigned trim;    /* idle workers asked to end */
    unsigned nslots;
    HANDLE slots[WORKER_SLOTS];
    HANDLE ready; /* semaphore: a count for each job promised or end asked */
    HANDLE quit;  /* runner_free: waiting workers end */
    HANDLE done;  /* set while nothing is pending */
} threaded;

static void post_answer(threaded *t, agent_event *ev)
{
    /* A window already gone cannot take it: free it here. */
    if (!PostMessageW(t->to, WMAPP_EVENT, 0, (LPARAM)ev))
        HeapFree(GetProcessHeap(), 0, ev);
}

/* The next job, or NULL and the caller counted idle. Under the lock. */
static job *next_locked(threaded *t)
{
    job *j = t->head;

    if (j) {
        t->head = j->next;
        if (!t->head)
            t->tail = NULL;
    } else {
        t->idle++;
    }
    return j;
}

static DWORD WINAPI worker(LPVOID param)
{
    threaded *t = param;
    HANDLE waits[2];
    job *j;

    waits[0] = t->ready;
    waits[1] = t->quit;
    EnterCriticalSection(&t->lock);
    j = next_locked(t);
    LeaveCriticalSection(&t->lock);
    for (;;) {
        job *finished;
        while (!j) {
            if (WaitForMultipleObjects(2, waits, FALSE, INFINITE) != WAIT_OBJECT_0)
                return 0;
            EnterCriticalSection(&t->lock);
            if (t->trim > 0) {
                t->trim--;
                /* A job that came meanwhile, with every other worker busy
                 * or ending, is still taken. */
                if (!t->head) {
                    t->alive--;
                    LeaveCriticalSection(&t->lock);
                    return 0;
                }
            }
            j = next_locked(t);
            LeaveCriticalSection(&t->lock);
        }
        job_run(j->kind, &j->cfg, &j->in, t->base.lf, t->base.cancel, j->ev);
        finished = j;
        /* Counted idle before the answer goes: the trim that answer may
         * bring finds this worker. */
        EnterCriticalSection(&t->lock);
        j = next_locked(t);
        LeaveCriticalSection(&t->lock);
        post_answer(t, finished->ev);
        HeapFree(GetProcessHeap(), 0, finished);
        EnterCriticalSection(&t->lock);
        if (--t->pending == 0)
            SetEvent(t->done);
        LeaveCriticalSection(&t->lock);
    }
}

/* The one place a worker thread is made. */
static HANDLE start_worker(threaded *t)
{
    return CreateThread(NULL, WORKER_STACK_RESERVE, worker, t, STACK_SIZE_PARAM_IS_A_RESERVATION,
                        NULL);
}

/* Closes the handles of workers that ended. Under the lock. */
static void reap_locked(threaded *t)
{
    unsigned k = 0;

    for (unsigned i = 0; i < t->nslots; i++) {
        if (WaitForSingleObject(t->slots[i], 0) == WAIT_OBJECT_0)
            CloseHandle(t->slots[i]);
        else
            t->slots[k++] = t->slots[i];
    }
    t->nslots = k;
}

/* Keeps h so that runner_free can wait for it. Under the lock. */
static void keep_locked(threaded *t, HANDLE h)
{
    reap_locked(t);
    if (t->nslots == WORKER_SLOTS) {
        /* Only workers on their way out fill the rest: one ends soon. */
        WaitForMultipleObjects(t->nslots, t->slots, FALSE, 1000);
        reap_locked(t);
    }
    if (t->nslots < WORKER_SLOTS)
        t->slots[t->nslots++] = h;
    else
        CloseHandle(h); /* not seen: bounded by WORKERS_MAX live ones */
}

/* Takes j out of the queue if no worker took it yet. */
static BOOL unqueue(threaded *t, job *j)
{
    job **p;

    for (p = &t->head; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            t->tail = NULL;
            for (job *q = t->head; q; q = q->next)
                t->tail = q;
            return TRUE;
        }
    }
    return FALSE;
}

static BOOL threaded_submit(runner *r, job_kind kind, const climon_config *cfg, const job_input *in)
{
    threaded *t = (threaded *)r;
    job *j = HeapAlloc(GetProcessHeap(), 0, sizeof *j);
    agent_event *ev = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *ev);
    BOOL wake = FALSE, grow = FALSE, taken_back;
    DWORD err = ERROR_NOT_ENOUGH_MEMORY;
    HANDLE h;
    char why[200];

    if (!j || !ev) {
        if (j)
            HeapFree(GetProcessHeap(), 0, j);
        if (ev)
            HeapFree(GetProcessHeap(), 0, ev);
        LOG_ERROR(r->lf, "cannot start a job: %s", win_strerror(err, why, sizeof why));
        return FALSE;
    }
    j->next = NULL;
    j->kind = kind;
    j->cfg = *cfg;
    j->in = *in;
    j->ev = ev;
    EnterCriticalSection(&t->lock);
    if (t->tail)
        t->tail->next = j;
    else
        t->head = j;
    t->tail = j;
    if (t->pending++ == 0)
        ResetEvent(t->done);
    if (t->idle > 0) {
        t->idle--;
        wake = TRUE;
    } else if (t->alive < WORKERS_MAX) {
        t->alive++;
        grow = TRUE;
    }
    LeaveCriticalSection(&t->lock);
    if (wake) {
        ReleaseSemaphore(t->ready, 1, NULL);
        return TRUE;
    }
    if (!grow)
        return TRUE; /* every worker busy: the first one free takes it */
    h = start_worker(t);
    EnterCriticalSection(&t->lock);
    if (h) {
        keep_locked(t, h);
        LeaveCriticalSection(&t->lock);
        return TRUE;
    }
    err = GetLastError();
    t->alive--;
    /* No new worker: a busy one may still take it; with none at all the
     * job is answered here, so the core does not wait forever in a phase. */
    taken_back = t->alive == 0 && unqueue(t, j);
    if (taken_back && --t->pending == 0)
        SetEvent(t->done);
    LeaveCriticalSection(&t->lock);
    LOG_ERROR(r->lf, "cannot start a worker: %s", win_strerror(err, why, sizeof why));
    if (!taken_back)
        return TRUE;
    HeapFree(GetProcessHeap(), 0, j);
    if (job_failed(kind, "cannot start a worker thread", ev)) {
        post_answer(t, ev);
        return TRUE;
    }
    HeapFree(GetProcessHeap(), 0, ev);
    return FALSE;
}

static void threaded_trim(threaded *t)
{
    unsigned n;

    EnterCriticalSection(&t->lock);
    n = t->idle;
    t->idle = 0;
    t->trim += n;
    LeaveCriticalSection(&t->lock);
    if (n)
        ReleaseSemaphore(t->ready, (LONG)n, NULL);
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
    InitializeCriticalSection(&t->lock);
    t->ready = CreateSemaphoreW(NULL, 0, 0x7fffffff, NULL);
    t->quit = CreateEventW(NULL, TRUE, FALSE, NULL);
    t->done = CreateEventW(NULL, TRUE, TRUE, NULL);
    if (!t->base.cancel || !t->ready || !t->quit || !t->done) {
        runner_free(&t->base, 0);
        return NULL;
    }
    return &t->base;
}

/* After every answer is posted: the workers end; FALSE when one is still
 * busy after wait_ms, and t must then stay. */
static BOOL threaded_stop(threaded *t, DWORD wait_ms)
{
    if (t->done && WaitForSingleObject(t->done, wait_ms) != WAIT_OBJECT_0)
        return FALSE;
    if (t->quit)
        SetEvent(t->quit);
    /* They only wait: each ends as soon as it sees quit. */
    if (t->nslots && WaitForMultipleObjects(t->nslots, t->slots, TRUE,
                                            wait_ms > 1000 ? wait_ms : 1000) == WAIT_TIMEOUT)
        return FALSE;
    for (unsigned i = 0; i < t->nslots; i++)
        CloseHandle(t->slots[i]);
    DeleteCriticalSection(&t->lock);
    if (t->ready)
        CloseHandle(t->ready);
    if (t->quit)
        CloseHandle(t->quit);
    if (t->done)
        CloseHandle(t->done);
    return TRUE;
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

void runner_trim(runner *r)
{
    if (r && r->submit == threaded_submit)
        threaded_trim((threaded *)r);
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
    if (r->submit == threaded_submit && !threaded_stop((threaded *)r, wait_ms)) {
        /* A worker still holds t: leave it rather than free under it. */
        LOG_WARN(r->lf, "workers still busy at exit; leaving them");
        return;
    }
    if (r->cancel)
        CloseHandle(r->cancel);
    HeapFree(GetProcessHeap(), 0, r);
}
