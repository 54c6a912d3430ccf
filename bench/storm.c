/*
 * storm.c: the logon storm, simulated (docs/performance.md, "The logon
 * storm"). Every client is the core's own decision machine (agent_step,
 * climon/agent.h) on a virtual clock; the logon server is a model with a
 * capacity. Nothing here decides what an agent does: the simulator only
 * answers the actions agent_step returns, as the Win32 shell would, after
 * the time the model server takes.
 *
 * The morning: a new CopyListVersion was published overnight, so every
 * client's first pass finds the versions differ and runs Client Setup.
 * Clients log on between 08:00 and 09:00: a normal curve around 08:20
 * (sd 12 minutes), cut to that hour (--logon-mean, --logon-sd). The agent
 * starts at logon (AGENT_EV_START) with no inventory file waiting.
 *
 * The server, per simulated second:
 *   - share operations (reading CL_NT.TXT): a queue served at
 *     --ops-per-s (200) in arrival order; one that waited longer than
 *     --op-timeout (45 s, an SMB request's patience) fails, and the agent
 *     gets CL_NT.TXT unreadable (its share backoff: 5, 10, 20... minutes);
 *   - Client Setup runs: each reads --setup-mb (4 MB: CLI_NT.EXE and the
 *     files of what changed) from the server, whose --mbit (100) are shared
 *     equally by the runs in progress (processor sharing); a run that has
 *     not finished after --setup-timeout (600 s, SetupTimeoutSeconds) is
 *     stopped by the shell and counted as failed (the core's setup
 *     backoff); a finished run exits 10 (a request filed with the
 *     manager) and the client has the new version: it is current.
 * The load on the server is the number of Client Setup runs it serves at
 * once (what makes each one slower, like a load average); the share
 * operations per second and the requests filed per second are reported
 * beside it.
 *
 *   climon-storm --clients N [--jitter-min W] [--compare] [--svg F] [--tsv F]
 *                [--sweep W1,W2,...] [model options above] [--seed S]
 *
 * --compare runs without jitter and with W and prints both; --svg draws
 * both runs' load over the morning. --sweep runs each W and says which is
 * the smallest that cuts the peak by 10 times with every client current
 * within W plus one pass. Output: key=value lines.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "climon/agent.h"

#define T0 1764057600ull /* 2025-11-25 08:00 UTC: the virtual clock starts here */
#define OLD_VERSION 41u
#define NEW_VERSION 42u
#define MAX_T (24u * 3600u) /* a morning that lasts a day has failed */

typedef struct model {
    unsigned clients;
    double jitter_min;
    double logon_mean_min, logon_sd_min;
    double ops_per_s, op_timeout_s;
    double setup_mb, mbit, setup_timeout_s;
    uint64_t seed;
} model;

typedef struct client {
    agent_state st;
    agent_time logon;
    agent_time timer_at;   /* the timer asked for; 0: none */
    agent_time current_at; /* 0: not yet */
    unsigned checks;       /* passes that read CL_NT.TXT from the server */
    uint32_t key;
} client;

/* ---- events: a binary heap by time ---- */

enum { EV_START, EV_TIMER, EV_VERSIONS_OK, EV_VERSIONS_FAIL, EV_SETUP_OK, EV_SETUP_TIMEOUT };

typedef struct event {
    agent_time t;
    uint32_t who;
    uint8_t kind;
} event;

typedef struct heap {
    event *e;
    size_t n, cap;
} heap;

static void heap_push(heap *h, agent_time t, uint32_t who, int kind)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->e = realloc(h->e, h->cap * sizeof *h->e);
        if (!h->e) {
            fputs("climon-storm: out of memory\n", stderr);
            exit(1);
        }
    }
    size_t i = h->n++;
    event x = {t, who, (uint8_t)kind};
    while (i > 0 && h->e[(i - 1) / 2].t > t) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = x;
}

static event heap_pop(heap *h)
{
    event top = h->e[0], last = h->e[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->e[c + 1].t < h->e[c].t)
            c++;
        if (h->e[c].t >= last.t)
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->n)
        h->e[i] = last;
    return top;
}

/* ---- FIFO queues of client numbers with their start times ---- */

typedef struct job {
    uint32_t who;
    agent_time since;
    double v0; /* setup: the shared progress when it started */
} job;

typedef struct fifo {
    job *j;
    size_t head, tail, cap;
} fifo;

static void fifo_push(fifo *q, job x)
{
    if (q->tail == q->cap) {
        if (q->head > 0) {
            memmove(q->j, q->j + q->head, (q->tail - q->head) * sizeof *q->j);
            q->tail -= q->head;
            q->head = 0;
        } else {
            q->cap = q->cap ? q->cap * 2 : 1024;
            q->j = realloc(q->j, q->cap * sizeof *q->j);
            if (!q->j) {
                fputs("climon-storm: out of memory\n", stderr);
                exit(1);
            }
        }
    }
    q->j[q->tail++] = x;
}

static size_t fifo_len(const fifo *q)
{
    return q->tail - q->head;
}

/* ---- the run ---- */

typedef struct result {
    unsigned clients, current;
    double jitter_min;
    unsigned peak_setups;           /* Client Setup runs at once */
    unsigned peak_ops_per_s;        /* share operations arriving in one second */
    unsigned peak_queue;            /* share operations waiting */
    unsigned peak_requests_per_min; /* requests filed with the manager in a minute */
    unsigned share_failures, setup_timeouts;
    agent_time last_logon, all_current; /* seconds after 08:00 */
    agent_time worst_after_logon;       /* the longest logon -> current */
    unsigned max_checks;                /* the most passes a client needed */
    agent_time quiet_at;                /* the server's last work of the morning */
    uint64_t steps;
    /* per minute, for the plot */
    unsigned minutes;
    unsigned *setups_per_min; /* the largest number at once in each minute */
    unsigned *current_per_min;
} result;

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double rng_unit(uint64_t *s)
{
    return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(uint64_t *s)
{
    double u = rng_unit(s), v = rng_unit(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

typedef struct world {
    const model *m;
    agent_config cfg;
    client *c;
    heap ev;
    fifo ops, setups;
    double served; /* share operations the second's capacity has left */
    double v;      /* processor sharing: MB each run has had so far */
    unsigned ops_this_s, req_this_min;
    result *r;
} world;

static void act(world *w, uint32_t who, agent_time now, const agent_actions *a)
{
    client *c = &w->c[who];
    for (unsigned i = 0; i < a->n; i++) {
        const agent_action *x = &a->a[i];
        switch (x->type) {
        case AGENT_ACT_FORWARD: {
            /* No inventory file at logon: the forward is local. */
            agent_event e;
            agent_actions out;
            memset(&e, 0, sizeof e);
            e.type = AGENT_EV_FORWARDED;
            e.now = now;
            e.ok = true;
            w->cfg.jitter_key = c->key;
            agent_step(&c->st, &w->cfg, &e, &out);
            w->r->steps++;
            act(w, who, now, &out);
            break;
        }
        case AGENT_ACT_READ_VERSIONS:
            c->checks++;
            fifo_push(&w->ops, (job){who, now, 0});
            w->ops_this_s++;
            break;
        case AGENT_ACT_RUN_SETUP:
            fifo_push(&w->setups, (job){who, now, w->v});
            break;
        case AGENT_ACT_READ_REPORT: {
            agent_event e;
            agent_actions out;
            memset(&e, 0, sizeof e);
            e.type = AGENT_EV_REPORT;
            e.now = now;
            e.report.prompt_allowed = true;
            w->cfg.jitter_key = c->key;
            agent_step(&c->st, &w->cfg, &e, &out);
            w->r->steps++;
            act(w, who, now, &out);
            break;
        }
        case AGENT_ACT_SCHEDULE:
            c->timer_at = x->at;
            if (x->at)
                heap_push(&w->ev, x->at, who, EV_TIMER);
            break;
        default:
            break;
        }
    }
    if (!c->current_at && c->st.local.status == CLV_OK && c->st.local.value == NEW_VERSION) {
        c->current_at = now;
        w->r->current++;
    }
}

static void feed(world *w, const event *x)
{
    client *c = &w->c[x->who];
    agent_event e;
    agent_actions out;

    memset(&e, 0, sizeof e);
    e.now = x->t;
    switch (x->kind) {
    case EV_START:
        e.type = AGENT_EV_START;
        e.boot_time = x->t - 60;
        e.logon_time = x->t;
        break;
    case EV_TIMER:
        if (c->timer_at != x->t)
            return; /* replaced by a later SCHEDULE */
        c->timer_at = 0;
        e.type = AGENT_EV_TIMER;
        break;
    case EV_VERSIONS_OK:
    case EV_VERSIONS_FAIL:
        e.type = AGENT_EV_VERSIONS;
        e.local.status = CLV_OK;
        e.local.value = c->st.local.status == CLV_OK ? c->st.local.value : OLD_VERSION;
        if (x->kind == EV_VERSIONS_OK) {
            e.server.status = CLV_OK;
            e.server.value = NEW_VERSION;
        } else {
            e.server.status = CLV_UNREADABLE;
        }
        break;
    case EV_SETUP_OK:
        e.type = AGENT_EV_SETUP_EXITED;
        e.exit_code = 10; /* a request filed with the manager */
        e.has_local = true;
        e.local.status = CLV_OK;
        e.local.value = NEW_VERSION;
        w->req_this_min++;
        break;
    case EV_SETUP_TIMEOUT:
        e.type = AGENT_EV_SETUP_TIMED_OUT;
        break;
    }
    w->cfg.jitter_key = c->key;
    agent_step(&c->st, &w->cfg, &e, &out);
    w->r->steps++;
    act(w, x->who, x->t, &out);
}

/* One second of the server. */
static void serve(world *w, agent_time now)
{
    const model *m = w->m;
    /* Share operations: capacity per second, oldest first; one that waited
     * too long has failed by the time it would be served. */
    w->served += m->ops_per_s;
    if (w->served > m->ops_per_s)
        w->served = m->ops_per_s;
    while (fifo_len(&w->ops) > 0) {
        job *j = &w->ops.j[w->ops.head];
        if ((double)(now - j->since) > m->op_timeout_s) {
            heap_push(&w->ev, now, j->who, EV_VERSIONS_FAIL);
            w->r->share_failures++;
            w->ops.head++;
            continue;
        }
        if (w->served < 1.0)
            break;
        w->served -= 1.0;
        heap_push(&w->ev, now + 1, j->who, EV_VERSIONS_OK);
        w->ops.head++;
    }
    /* Client Setup runs share the bandwidth equally: all get the same MB
     * per second, so they finish (or time out) in the order they began. */
    size_t n = fifo_len(&w->setups);
    if (n > 0)
        w->v += m->mbit / 8.0 / (double)n;
    while (fifo_len(&w->setups) > 0) {
        job *j = &w->setups.j[w->setups.head];
        if (w->v - j->v0 >= m->setup_mb) {
            heap_push(&w->ev, now + 1, j->who, EV_SETUP_OK);
        } else if ((double)(now - j->since) >= m->setup_timeout_s) {
            heap_push(&w->ev, now + 1, j->who, EV_SETUP_TIMEOUT);
            w->r->setup_timeouts++;
        } else {
            break;
        }
        w->setups.head++;
    }
}

static void simulate(const model *m, result *r)
{
    world w;
    uint64_t rng = m->seed ? m->seed : 0x9e3779b97f4a7c15ull;
    agent_time end = 0;

    memset(&w, 0, sizeof w);
    memset(r, 0, sizeof *r);
    w.m = m;
    w.r = r;
    agent_config_default(&w.cfg);
    w.cfg.startup_jitter_s = (uint32_t)(m->jitter_min * 60.0);
    w.c = calloc(m->clients, sizeof *w.c);
    r->minutes = MAX_T / 60;
    r->setups_per_min = calloc(r->minutes, sizeof *r->setups_per_min);
    r->current_per_min = calloc(r->minutes, sizeof *r->current_per_min);
    if (!w.c || !r->setups_per_min || !r->current_per_min) {
        fputs("climon-storm: out of memory\n", stderr);
        exit(1);
    }
    r->clients = m->clients;
    r->jitter_min = m->jitter_min;
    for (uint32_t i = 0; i < m->clients; i++) {
        char id[16];
        double at;
        do
            at = m->logon_mean_min + m->logon_sd_min * rng_normal(&rng);
        while (at < 0.0 || at >= 60.0);
        snprintf(id, sizeof id, "SIM%05u", (unsigned)i);
        agent_state_init(&w.c[i].st);
        w.c[i].st.local.status = CLV_OK;
        w.c[i].st.local.value = OLD_VERSION;
        w.c[i].key = agent_jitter_key(id);
        w.c[i].logon = T0 + (agent_time)(at * 60.0);
        if (w.c[i].logon - T0 > r->last_logon)
            r->last_logon = w.c[i].logon - T0;
        heap_push(&w.ev, w.c[i].logon, i, EV_START);
    }

    for (agent_time t = T0; t < T0 + MAX_T; t++) {
        while (w.ev.n > 0 && w.ev.e[0].t <= t) {
            event x = heap_pop(&w.ev);
            feed(&w, &x);
        }
        serve(&w, t);
        unsigned minute = (unsigned)((t - T0) / 60);
        size_t active = fifo_len(&w.setups);
        if (active > r->peak_setups)
            r->peak_setups = (unsigned)active;
        if (active > r->setups_per_min[minute])
            r->setups_per_min[minute] = (unsigned)active;
        r->current_per_min[minute] = r->current;
        if (w.ops_this_s > r->peak_ops_per_s)
            r->peak_ops_per_s = w.ops_this_s;
        if (fifo_len(&w.ops) > r->peak_queue)
            r->peak_queue = (unsigned)fifo_len(&w.ops);
        w.ops_this_s = 0;
        if ((t - T0) % 60 == 59) {
            if (w.req_this_min > r->peak_requests_per_min)
                r->peak_requests_per_min = w.req_this_min;
            w.req_this_min = 0;
        }
        /* Done when every client is current, or when nothing more will
         * happen this morning: a client whose Client Setup failed waits for
         * its next inventory pass or Check now (never a timer: agent.h). */
        if ((r->current == m->clients || w.ev.n == 0) && fifo_len(&w.setups) == 0 &&
            fifo_len(&w.ops) == 0) {
            end = t;
            break;
        }
    }
    r->all_current = end && r->current == m->clients ? end - T0 : 0;
    r->quiet_at = end ? end - T0 : 0;
    r->minutes = (unsigned)((end ? end - T0 : MAX_T - 1) / 60 + 1);
    for (uint32_t i = 0; i < m->clients; i++) {
        if (w.c[i].current_at && w.c[i].current_at - w.c[i].logon > r->worst_after_logon)
            r->worst_after_logon = w.c[i].current_at - w.c[i].logon;
        if (w.c[i].checks > r->max_checks)
            r->max_checks = w.c[i].checks;
    }
    free(w.c);
    free(w.ev.e);
    free(w.ops.j);
    free(w.setups.j);
}

static void result_free(result *r)
{
    free(r->setups_per_min);
    free(r->current_per_min);
}

static void print(const char *tag, const result *r)
{
    printf("%sclients=%u\n", tag, r->clients);
    printf("%sjitter_min=%.0f\n", tag, r->jitter_min);
    printf("%scurrent=%u\n", tag, r->current);
    printf("%speak_setups_at_once=%u\n", tag, r->peak_setups);
    printf("%speak_share_ops_per_s=%u\n", tag, r->peak_ops_per_s);
    printf("%speak_share_queue=%u\n", tag, r->peak_queue);
    printf("%speak_requests_per_min=%u\n", tag, r->peak_requests_per_min);
    printf("%sshare_failures=%u\n", tag, r->share_failures);
    printf("%ssetup_timeouts=%u\n", tag, r->setup_timeouts);
    printf("%slast_logon_min=%.1f\n", tag, (double)r->last_logon / 60.0);
    printf("%sall_current_min=%.1f\n", tag, r->all_current ? (double)r->all_current / 60.0 : -1.0);
    printf("%snot_current=%u\n", tag, r->clients - r->current);
    printf("%sserver_last_work_min=%.1f\n", tag, (double)r->quiet_at / 60.0);
    printf("%sworst_logon_to_current_min=%.1f\n", tag, (double)r->worst_after_logon / 60.0);
    printf("%smost_passes_per_client=%u\n", tag, r->max_checks);
    printf("%sagent_steps=%llu\n", tag, (unsigned long long)r->steps);
}

/* Both runs' load (Client Setup runs at once, the most in each minute)
 * and the share of clients current, over the morning. */
static int write_svg(const char *path, const result *a, const result *b)
{
    FILE *f = fopen(path, "w");
    const double W = 760, H = 420, L = 70, R = 60, T = 40, B = 50;
    unsigned minutes = a->minutes > b->minutes ? a->minutes : b->minutes, ymax = 1;
    const result *runs[2] = {a, b};
    const char *colours[2] = {"#c0392b", "#2471a3"};

    if (!f)
        return 1;
    if (minutes < 60)
        minutes = 60;
    for (unsigned k = 0; k < 2; k++)
        for (unsigned i = 0; i < runs[k]->minutes; i++)
            if (runs[k]->setups_per_min[i] > ymax)
                ymax = runs[k]->setups_per_min[i];
    fprintf(
        f,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        "font-family=\"sans-serif\" font-size=\"12\">\n"
        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
        "<text x=\"%.0f\" y=\"20\" font-size=\"14\">Logon storm, %u clients: Client Setup runs "
        "at once on the logon server (left axis), clients current (dashed, right axis)</text>\n",
        W, H, L, a->clients);
    fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", L,
            H - B, W - R, H - B);
    fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", L, T,
            L, H - B);
    for (unsigned m = 0; m <= minutes; m += minutes > 240 ? 60 : 30) {
        double x = L + (W - L - R) * m / minutes;
        fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%02u:%02u</text>\n", x,
                H - B + 16, 8 + m / 60, m % 60);
    }
    for (unsigned k = 0; k <= 4; k++) {
        double y = H - B - (H - T - B) * k / 4.0;
        fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%u</text>\n", L - 6, y + 4,
                ymax * k / 4);
        fprintf(f, "<text x=\"%.0f\" y=\"%.1f\">%u%%</text>\n", W - R + 6, y + 4, 25 * k);
    }
    for (unsigned k = 0; k < 2; k++) {
        const result *r = runs[k];
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                colours[k]);
        for (unsigned i = 0; i < r->minutes; i++)
            fprintf(f, "%.1f,%.1f ", L + (W - L - R) * (i + 0.5) / minutes,
                    H - B - (H - T - B) * r->setups_per_min[i] / ymax);
        fprintf(f, "\"/>\n<polyline fill=\"none\" stroke=\"%s\" stroke-dasharray=\"4 3\" points=\"",
                colours[k]);
        for (unsigned i = 0; i < r->minutes; i++)
            fprintf(f, "%.1f,%.1f ", L + (W - L - R) * (i + 0.5) / minutes,
                    H - B - (H - T - B) * r->current_per_min[i] / r->clients);
        fprintf(f,
                "\"/>\n<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">%s: peak %u at once, all "
                "current at %02u:%02u</text>\n",
                L + 250, T + 16 + 16 * k, colours[k],
                r->jitter_min > 0 ? "start-up jitter" : "no jitter", r->peak_setups,
                (unsigned)(8 + r->all_current / 3600), (unsigned)(r->all_current / 60 % 60));
        if (r->jitter_min > 0)
            fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">(%.0f minutes)</text>\n",
                    L + 250 + 330, T + 16 + 16 * k, colours[k], r->jitter_min);
    }
    fprintf(f, "</svg>\n");
    return fclose(f) != 0;
}

static int write_tsv(const char *path, const result *a, const result *b)
{
    FILE *f = fopen(path, "w");
    unsigned minutes = a->minutes > b->minutes ? a->minutes : b->minutes;
    if (!f)
        return 1;
    fprintf(f, "minute\tsetups_no_jitter\tcurrent_no_jitter\tsetups_jitter\tcurrent_jitter\n");
    for (unsigned i = 0; i < minutes; i++)
        fprintf(f, "%u\t%u\t%u\t%u\t%u\n", i, i < a->minutes ? a->setups_per_min[i] : 0,
                i < a->minutes ? a->current_per_min[i] : a->current,
                i < b->minutes ? b->setups_per_min[i] : 0,
                i < b->minutes ? b->current_per_min[i] : b->current);
    return fclose(f) != 0;
}

/* The run with jitter meets the goal: every client current, the peak cut
 * by 10 times, and every client current within the jitter window plus one
 * pass: its delayed first pass was its only one (no share failure, no
 * Client Setup stopped and run again). */
static bool meets(const result *base, const result *j)
{
    return j->current == j->clients && j->peak_setups * 10 <= base->peak_setups &&
           j->max_checks == 1;
}

static double arg_d(int argc, char **argv, const char *name, double def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return strtod(argv[i + 1], NULL);
    return def;
}

static const char *arg_s(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static bool arg_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    model m;
    result base, with;
    const char *svg = arg_s(argc, argv, "--svg"), *tsv = arg_s(argc, argv, "--tsv");
    const char *sweep = arg_s(argc, argv, "--sweep");
    int rc = 0;

    m.clients = (unsigned)arg_d(argc, argv, "--clients", 10000);
    m.jitter_min = arg_d(argc, argv, "--jitter-min", 0);
    m.logon_mean_min = arg_d(argc, argv, "--logon-mean", 20);
    m.logon_sd_min = arg_d(argc, argv, "--logon-sd", 12);
    m.ops_per_s = arg_d(argc, argv, "--ops-per-s", 200);
    m.op_timeout_s = arg_d(argc, argv, "--op-timeout", 45);
    m.setup_mb = arg_d(argc, argv, "--setup-mb", 4);
    m.mbit = arg_d(argc, argv, "--mbit", 100);
    m.setup_timeout_s = arg_d(argc, argv, "--setup-timeout", 600);
    m.seed = (uint64_t)arg_d(argc, argv, "--seed", 1);
    if (m.clients == 0 || m.clients > 1000000 || m.ops_per_s <= 0 || m.mbit <= 0 ||
        m.setup_mb <= 0 || m.jitter_min < 0 || m.jitter_min > 1440) {
        fputs("usage: climon-storm --clients N [--jitter-min W] [--compare] [--svg F] [--tsv F]\n"
              "       [--sweep W1,W2,...] [--logon-mean MIN] [--logon-sd MIN] [--ops-per-s R]\n"
              "       [--op-timeout S] [--setup-mb MB] [--mbit MBIT] [--setup-timeout S] "
              "[--seed S]\n",
              stderr);
        return 64;
    }
    printf("model: logons 08:00-09:00 around 08:%02.0f (sd %.0f min); share %.0f ops/s, "
           "timeout %.0f s; Client Setup %.1f MB over %.0f Mbit/s shared, timeout %.0f s\n",
           m.logon_mean_min, m.logon_sd_min, m.ops_per_s, m.op_timeout_s, m.setup_mb, m.mbit,
           m.setup_timeout_s);

    if (sweep) {
        model z = m;
        z.jitter_min = 0;
        simulate(&z, &base);
        print("base_", &base);
        const char *p = sweep;
        double chosen = -1;
        while (*p) {
            char *end;
            double wmin = strtod(p, &end);
            if (end == p)
                break;
            z.jitter_min = wmin;
            simulate(&z, &with);
            printf("sweep jitter_min=%.0f peak_setups_at_once=%u peak_fall=%.1f "
                   "all_current_min=%.1f worst_logon_to_current_min=%.1f meets=%d\n",
                   wmin, with.peak_setups,
                   with.peak_setups ? (double)base.peak_setups / with.peak_setups : 0.0,
                   with.all_current ? (double)with.all_current / 60.0 : -1.0,
                   (double)with.worst_after_logon / 60.0, meets(&base, &with));
            if (chosen < 0 && meets(&base, &with))
                chosen = wmin;
            result_free(&with);
            p = *end == ',' ? end + 1 : end;
        }
        printf("sweep_smallest_meeting_min=%.0f\n", chosen);
        result_free(&base);
        return 0;
    }

    if (!arg_flag(argc, argv, "--compare")) {
        simulate(&m, &with);
        print("", &with);
        rc = with.current == with.clients ? 0 : 1;
        result_free(&with);
        return rc;
    }
    {
        model z = m;
        z.jitter_min = 0;
        simulate(&z, &base);
    }
    simulate(&m, &with);
    print("no_jitter_", &base);
    print("jitter_", &with);
    printf("peak_fall=%.1f\n", with.peak_setups ? (double)base.peak_setups / with.peak_setups : 0);
    printf("goal_met=%d\n", meets(&base, &with));
    if (arg_flag(argc, argv, "--require-goal") && !meets(&base, &with))
        rc = 3;
    if (svg && write_svg(svg, &base, &with))
        rc = 2;
    if (tsv && write_tsv(tsv, &base, &with))
        rc = 2;
    result_free(&base);
    result_free(&with);
    return rc;
}
