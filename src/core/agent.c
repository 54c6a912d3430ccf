/*
 * agent.c: Climon's decision machine (see agent.h for the rules).
 *
 * agent_step() dispatches each event to one handler. Handlers change the
 * state and collect two kinds of output in a step: log lines and commands
 * (FORWARD, RUN_SETUP, PROMPT...). finish() then puts them in the order the
 * shell carries them out:
 *
 *   LOG..., SAVE_STATE (if a persisted field changed), STATUS (if anything
 *   the icon or status window shows changed), commands..., SCHEDULE
 *
 * Saving before the commands means that a restart or logoff the user asked
 * for, or a crash of the shell, never loses what was decided. Whether to
 * save is found by comparing the persisted fields before and after the
 * step, so no handler can forget it.
 *
 * A step whose commands are all jobs (FORWARD, READ_VERSIONS, RUN_SETUP,
 * READ_REPORT: I/O the shell starts on a worker and does not wait for)
 * puts SAVE_STATE and STATUS after them instead, so that the next job of
 * a pass does not wait for a flushed file and an icon (docs/agent.md,
 * "State saves"). A crash cannot tell the two orders apart: the save is
 * still made in the same step, before the shell takes another event, and
 * what a job does before it is either a read (versions, report) or
 * something a crash at that moment already makes the next pass repeat in
 * the old order too (a forward's crash-safe moves; a Client Setup started
 * and not seen to end runs again whether or not SetupRan was on disk,
 * and no failure is counted for it either way).
 */
#include "climon/agent.h"

#include "climon/civil.h"
#include "climon/protocol.h"

#include "statefields.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HOUR_S 3600u
#define DAY_S 86400u

/* Logon times come from the shell's clocks and may jitter by a second or
 * two between runs; a real new logon moves them by far more than this. */
#define AGENT_SAME_INSTANT_S 30u
/* Uptime is read in whole seconds at two moments: it may seem to go back
 * by this much without a restart. */
#define AGENT_UPTIME_JITTER_S 2u
/* A component subkey written this long before the flag is not part of the
 * change the flag reports (the manager writes both in one go). */
#define AGENT_COMPONENT_WINDOW_S HOUR_S
/* A pass whose answer never came (a lost event) would block every later
 * pass; one this old is taken as lost. Client Setup's own time-out is the
 * shell's and much shorter. */
#define AGENT_PASS_STALE_S (4u * HOUR_S)
/* No retry timer is ever shorter than this, whatever the configuration. */
#define AGENT_MIN_RETRY_S 60u
/* The farthest deferral the agent sets itself: tomorrow 09:00 local is at
 * most 33 hours away. A saved deferral farther than this (plus the quiet
 * time after logon) comes from a clock set backwards. */
#define AGENT_DEFER_MAX_S (36u * HOUR_S)
/* A saved time is only taken as wrong (the clock was set back) when it
 * lies this far past the farthest the agent could have set it. */
#define AGENT_CLOCK_SLACK_S HOUR_S
/* Times are printed up to the end of year 9999. */
#define AGENT_TIME_PRINT_MAX 253402300799ull

#define STEP_LOGS 9
#define STEP_CMDS 4 /* 9 + SAVE_STATE + STATUS + 4 + SCHEDULE = AGENT_MAX_ACTIONS */

#if defined(__GNUC__)
#define AGENT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define AGENT_PRINTF(f, a)
#endif

typedef struct step {
    agent_state *st;
    const agent_config *cfg;
    const agent_event *ev;
    agent_time now;
    bool force_status;
    unsigned nlogs, ncmds;
    agent_action logs[STEP_LOGS];
    agent_action cmds[STEP_CMDS];
    agent_action spare;
} step;

/* ---- small helpers ---- */

void agent_config_default(agent_config *cfg)
{
    if (cfg == NULL)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->setup_retry_base_s = 900;
    cfg->setup_retry_max_s = 86400;
    cfg->setup_max_failures = 5;
    cfg->share_retry_base_s = 300;
    cfg->share_retry_max_s = 14400;
    cfg->prompts_enabled = true;
    cfg->deadline_s = 0;
    cfg->quiet_after_logon_s = 0;
    cfg->deferral_choices = AGENT_CHOICE_1H | AGENT_CHOICE_4H | AGENT_CHOICE_TOMORROW;
    cfg->max_deferrals = 0;
    cfg->countdown_s = 15u * 60u;
    cfg->grace_s = 2u * HOUR_S;
    cfg->machine_work = true;
}

void agent_state_init(agent_state *st)
{
    if (st == NULL)
        return;
    memset(st, 0, sizeof *st);
    st->phase = AGENT_PHASE_IDLE;
    st->pending = AGENT_PENDING_NONE;
    st->local.status = CLV_MISSING;
    st->server.status = CLV_MISSING;
    st->last_result = CLV_UNKNOWN;
}

const char *agent_pending_name(agent_pending p)
{
    switch (p) {
    case AGENT_PENDING_NONE:
        return "none";
    case AGENT_PENDING_LOGOFF:
        return "logoff";
    case AGENT_PENDING_RESTART:
        return "restart";
    }
    return "invalid";
}

const char *agent_icon_name(agent_icon i)
{
    switch (i) {
    case AGENT_ICON_UP_TO_DATE:
        return "up-to-date";
    case AGENT_ICON_CHECKING:
        return "checking";
    case AGENT_ICON_REQUEST_PENDING:
        return "request-pending";
    case AGENT_ICON_ACTION_NEEDED:
        return "action-needed";
    case AGENT_ICON_ERROR:
        return "error";
    }
    return "invalid";
}

const char *agent_failure_name(agent_failure f)
{
    switch (f) {
    case AGENT_FAIL_SHARE:
        return "share";
    case AGENT_FAIL_CREDENTIALS:
        return "credentials";
    case AGENT_FAIL_BOX_FULL:
        return "box-full";
    case AGENT_FAIL_LOCAL:
        return "local";
    }
    return "invalid";
}

/* Most urgent first, in the enum's own order: an error means the agent
 * cannot vouch for anything (not even that a pending change is current),
 * so it outranks a pending action; the tooltip still names the action. */
agent_icon agent_icon_of(const agent_state *st)
{
    if (st == NULL)
        return AGENT_ICON_ERROR;
    if (st->last_error[0] != '\0' || st->forward_error[0] != '\0')
        return AGENT_ICON_ERROR;
    if (st->pending != AGENT_PENDING_NONE)
        return AGENT_ICON_ACTION_NEEDED;
    if (st->request_since != 0)
        return AGENT_ICON_REQUEST_PENDING;
    if (st->phase != AGENT_PHASE_IDLE)
        return AGENT_ICON_CHECKING;
    return AGENT_ICON_UP_TO_DATE;
}

static agent_time min_time(agent_time a, agent_time b)
{
    return a < b ? a : b;
}

static agent_time time_diff(agent_time a, agent_time b)
{
    return a > b ? a - b : b - a;
}

/* Both known and apart by more than the clocks' jitter. */
static bool instant_changed(agent_time was, agent_time now_value)
{
    return was != 0 && now_value != 0 && time_diff(was, now_value) > AGENT_SAME_INSTANT_S;
}

/* min(base * 2^(n-1), max), n >= 1; never below AGENT_MIN_RETRY_S. */
static agent_time backoff_s(uint32_t base, uint32_t max, uint32_t n)
{
    agent_time b = base < AGENT_MIN_RETRY_S ? AGENT_MIN_RETRY_S : base;
    agent_time m = max < b ? b : max;
    agent_time d = b;
    for (uint32_t i = 1; i < n && d < m; i++)
        d *= 2;
    return d > m ? m : d;
}

static agent_time share_max_s(const agent_config *cfg)
{
    return backoff_s(cfg->share_retry_base_s, cfg->share_retry_max_s, UINT32_MAX);
}

static agent_time setup_max_s(const agent_config *cfg)
{
    return backoff_s(cfg->setup_retry_base_s, cfg->setup_retry_max_s, UINT32_MAX);
}

/* A cap of 0 would never let Client Setup run at all: at least one run. */
static uint32_t setup_cap(const agent_config *cfg)
{
    return cfg->setup_max_failures == 0 ? 1 : cfg->setup_max_failures;
}

/* Copies at most cap-1 bytes of src (which may lack a NUL within its
 * array of src_size bytes), control characters as spaces, trimmed. */
static void copy_clean(char *dst, size_t cap, const char *src, size_t src_size)
{
    size_t n = 0;
    for (size_t i = 0; i < src_size && src[i] != '\0' && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[n++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
    size_t lead = 0;
    while (dst[lead] == ' ')
        lead++;
    if (lead > 0)
        memmove(dst, dst + lead, n - lead + 1);
}

/* "2026-11-24 14:04" in local time, or "never" for 0. */
static void fmt_time(char *buf, size_t cap, agent_time t, int32_t offset)
{
    if (t == 0) {
        snprintf(buf, cap, "never");
        return;
    }
    if (t > AGENT_TIME_PRINT_MAX)
        t = AGENT_TIME_PRINT_MAX;
    long long lt = (long long)t + offset;
    if (lt < 0)
        lt = 0;
    long long days = lt / (long long)DAY_S, secs = lt % (long long)DAY_S;
    civil_date c = civil_date_from_days(days);
    /* The result is checked so the compiler does not warn of truncation:
     * callers pass 24 bytes, enough for any year up to 9999. */
    if (snprintf(buf, cap, "%04lld-%02u-%02u %02lld:%02lld", (long long)c.year, c.month, c.day,
                 secs / 3600, secs % 3600 / 60) < 0)
        buf[0] = '\0';
}

/* ---- collecting output ---- */

static void say(step *s, agent_level level, const char *fmt, ...) AGENT_PRINTF(3, 4);
static void say(step *s, agent_level level, const char *fmt, ...)
{
    if (s->nlogs >= STEP_LOGS)
        return; /* bounded: the decisions themselves are never dropped */
    agent_action *a = &s->logs[s->nlogs++];
    memset(a, 0, sizeof *a);
    a->type = AGENT_ACT_LOG;
    a->level = level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->text, sizeof a->text, fmt, ap);
    va_end(ap);
}

static agent_action *command(step *s, agent_action_type type)
{
    /* No handler issues more than STEP_CMDS; past it, the spare slot keeps
     * the caller safe and the command is dropped. */
    agent_action *a = s->ncmds < STEP_CMDS ? &s->cmds[s->ncmds++] : &s->spare;
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static void set_error(step *s, const char *fmt, ...) AGENT_PRINTF(2, 3);
static void set_error(step *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->st->last_error, sizeof s->st->last_error, fmt, ap);
    va_end(ap);
}

static void when(const step *s, agent_time t, char *buf, size_t cap)
{
    fmt_time(buf, cap, t, s->ev->local_offset_s);
}

/* ---- persisted fields: what SAVE_STATE is about ---- */

/* same_<kind>: the table's kinds compared as state_format writes them. */
#define SAME_SCALAR(kind, type)                                                                    \
    static bool same_##kind(const type *a, const type *b)                                          \
    {                                                                                              \
        return *a == *b;                                                                           \
    }
SAME_SCALAR(BOOL, bool)
SAME_SCALAR(U32, uint32_t)
SAME_SCALAR(I32, int32_t)
SAME_SCALAR(TIME, agent_time)
SAME_SCALAR(UPTIME, uint64_t)
SAME_SCALAR(PENDING, agent_pending)
SAME_SCALAR(RESULT, clv_result)
#undef SAME_SCALAR

static bool same_TEXT(const char (*a)[AGENT_TEXT_MAX + 1], const char (*b)[AGENT_TEXT_MAX + 1])
{
    return strcmp(*a, *b) == 0;
}

/* A value that means nothing for its status (not OK) is not compared. */
static bool same_CLV(const clv *a, const clv *b)
{
    if (a->status != b->status)
        return false;
    if (a->status == CLV_OK && a->value != b->value)
        return false;
    if (a->status == CLV_FILE_ERROR &&
        (a->file_error.status != b->file_error.status || a->file_error.line != b->file_error.line))
        return false;
    return true;
}

static bool same_HASHES(const agent_hashes *a, const agent_hashes *b)
{
    if (a->n != b->n)
        return false;
    for (uint32_t i = 0; i < a->n && i < AGENT_REPORT_COMPONENTS; i++)
        if (a->h[i] != b->h[i])
            return false;
    return true;
}

static bool same_KEPT(const agent_kept *a, const agent_kept *b)
{
    if (a->n != b->n)
        return false;
    for (uint32_t i = 0; i < a->n && i < AGENT_KEPT_MAX; i++)
        if (a->f[i].hash != b->f[i].hash || strcmp(a->f[i].name, b->f[i].name) != 0)
            return false;
    return true;
}

/* Every field state_format writes: the one table (statefields.h). */
static bool persisted_equal(const agent_state *a, const agent_state *b)
{
#define SAME_FIELD(kind, field, key, required) &&same_##kind(&a->field, &b->field)
    return true STATE_FIELDS(SAME_FIELD);
#undef SAME_FIELD
}

/* ---- the pending change ---- */

/* Which change a flag is: the site's Change Id when either side has one
 * (our lab's extension), else the key's last-write time. Both unknown is
 * "the same": a change that cannot be told apart is not prompted twice. */
static bool same_change(uint32_t id_a, agent_time written_a, uint32_t id_b, agent_time written_b)
{
    if (id_a != 0 || id_b != 0)
        return id_a == id_b;
    return written_a == written_b;
}

/* "change 3" with a Change Id, else "the change written <time>". */
static const char *change_label(const step *s, uint32_t id, agent_time written, char *buf,
                                size_t cap)
{
    char t[24];
    if (id != 0) {
        snprintf(buf, cap, "change %lu", (unsigned long)id);
    } else if (written != 0) {
        when(s, written, t, sizeof t);
        snprintf(buf, cap, "the change written %s", t);
    } else {
        snprintf(buf, cap, "a change of unknown time");
    }
    return buf;
}

static const char *pending_label(const step *s, char *buf, size_t cap)
{
    return change_label(s, s->st->change_id, s->st->change_written, buf, cap);
}

static void clear_pending(agent_state *st)
{
    st->pending = AGENT_PENDING_NONE;
    st->pending_since = 0;
    st->pending_boot = 0;
    st->pending_logon = 0;
    st->pending_uptime = 0;
    st->pending_boot_id = 0;
    st->change_written = 0;
    st->deferred_until = 0;
    st->prompted_at = 0;
    st->deferrals_used = 0;
    st->countdown_end = 0;
}

/* Did the machine restart since the pending change was recorded? Decided
 * without trusting the wall clock, which may be stepped at any time: a
 * boot id when Windows gives one; else uptime going back; else a boot
 * that lies after the moment of the record, which is pending_uptime past
 * the old boot (a clock step smaller than that cannot fake it). Boot
 * times alone would not do: Windows moves its recorded boot time with
 * every clock step. Unknown (0) never counts as a restart. */
static bool restarted_since(const agent_state *st, agent_time boot, uint64_t uptime,
                            uint32_t boot_id)
{
    if (boot_id != 0 && st->boot_id != 0)
        return boot_id != st->boot_id;
    if (uptime != 0 && st->start_uptime != 0 && st->start_uptime + AGENT_UPTIME_JITTER_S < uptime)
        return true;
    if (boot == 0 || st->boot_time == 0)
        return false;
    agent_time margin = uptime > AGENT_SAME_INSTANT_S ? uptime : AGENT_SAME_INSTANT_S;
    return st->boot_time > boot + margin;
}

static bool rebooted_since_record(const agent_state *st)
{
    return restarted_since(st, st->pending_boot, st->pending_uptime, st->pending_boot_id);
}

/* 0: no deadline. */
static agent_time deadline_in(const agent_state *st, const agent_config *cfg)
{
    if (cfg->deadline_s == 0 || st->pending_since == 0)
        return 0;
    return st->pending_since + cfg->deadline_s;
}

/* When the final countdown starts: at the deadline; for a PC that was
 * away when it came (off, asleep, nobody logged on: the agent's start or
 * the resume is after it), the grace period from its return. 0: never. */
agent_time agent_countdown_due(const agent_state *st, const agent_config *cfg)
{
    if (st == NULL || cfg == NULL || st->pending == AGENT_PENDING_NONE)
        return 0;
    agent_time dl = deadline_in(st, cfg);
    if (dl == 0)
        return 0;
    if (st->awake_since > dl)
        return st->awake_since + cfg->grace_s;
    return dl;
}

uint32_t agent_deferrals_left(const agent_state *st, const agent_config *cfg)
{
    if (st == NULL || cfg == NULL || cfg->max_deferrals == 0)
        return AGENT_NO_LIMIT;
    return st->deferrals_used >= cfg->max_deferrals ? 0 : cfg->max_deferrals - st->deferrals_used;
}

static agent_time countdown_due(const step *s)
{
    return agent_countdown_due(s->st, s->cfg);
}

static bool deferrals_spent(const step *s)
{
    return agent_deferrals_left(s->st, s->cfg) == 0;
}

static uint32_t deferrals_left(const step *s)
{
    return agent_deferrals_left(s->st, s->cfg);
}

static agent_time countdown_length(const step *s)
{
    return s->cfg->countdown_s < AGENT_MIN_RETRY_S ? AGENT_MIN_RETRY_S : s->cfg->countdown_s;
}

/* 09:00 local time on the day after now, in the offset that day has (a
 * daylight-saving change overnight moves it by the hour). */
static agent_time tomorrow_nine(const step *s)
{
    int32_t then = s->ev->has_next_day_offset ? s->ev->next_day_offset_s : s->ev->local_offset_s;
    long long local = (long long)s->now + s->ev->local_offset_s;
    long long day = local - (local % (long long)DAY_S + (long long)DAY_S) % (long long)DAY_S;
    long long t = day + (long long)DAY_S + 9 * (long long)HOUR_S - then;
    return t <= (long long)s->now ? s->now + HOUR_S : (agent_time)t;
}

static unsigned prompt_choices(const step *s)
{
    agent_time dl = countdown_due(s);
    unsigned c = 0;
    if (deferrals_spent(s))
        return 0;
    if (dl == 0 || s->now + HOUR_S < dl)
        c |= AGENT_CHOICE_1H;
    if (dl == 0 || s->now + 4 * HOUR_S < dl)
        c |= AGENT_CHOICE_4H;
    if (dl == 0 || tomorrow_nine(s) < dl)
        c |= AGENT_CHOICE_TOMORROW;
    /* Admin policy may narrow the choices; none left means the dialog
     * offers the action and the 1-hour reminder, as past a deadline. */
    return c & s->cfg->deferral_choices;
}

/* The last rung: a countdown no one can postpone, ending in the restart
 * (or logoff) Windows carries out with every program asking about unsaved
 * work (never forced). */
static void start_countdown(step *s, const char *why)
{
    agent_state *st = s->st;
    char t[24], label[64];
    st->countdown_end = s->now + countdown_length(s);
    st->deferred_until = 0;
    st->prompted_at = s->now;
    agent_action *a = command(s, AGENT_ACT_COUNTDOWN);
    a->at = st->countdown_end;
    a->pending = st->pending;
    snprintf(a->text, sizeof a->text, "%s", st->components);
    when(s, st->countdown_end, t, sizeof t);
    say(s, AGENT_LOG_WARNING, "%s: final countdown for the %s of %s: %s at %s", why,
        agent_pending_name(st->pending), pending_label(s, label, sizeof label),
        st->pending == AGENT_PENDING_LOGOFF ? "log off" : "restart", t);
}

static void end_countdown(step *s)
{
    agent_state *st = s->st;
    char label[64];
    pending_label(s, label, sizeof label);
    if (s->st->awake_since > st->countdown_end) {
        /* It ran out while the PC was away: the user has not seen it end. */
        start_countdown(s, "the countdown ran out while the PC was away: again from now");
        return;
    }
    st->countdown_end = 0;
    /* If Windows does not restart (a program asked about unsaved work and
     * the user said no), the ladder starts again in an hour. */
    st->deferred_until = s->now + HOUR_S;
    say(s, AGENT_LOG_WARNING, "final countdown over: asking Windows to %s for %s",
        st->pending == AGENT_PENDING_LOGOFF ? "log off" : "restart", label);
    command(s, st->pending == AGENT_PENDING_LOGOFF ? AGENT_ACT_LOGOFF : AGENT_ACT_RESTART);
}

static void prompt(step *s, const char *why)
{
    agent_state *st = s->st;
    agent_time due = countdown_due(s);
    if (deferrals_spent(s) || (due != 0 && s->now >= due)) {
        start_countdown(s, deferrals_spent(s) ? "every postponement used" : "the deadline came");
        return;
    }
    unsigned choices = prompt_choices(s);
    st->prompted_at = s->now;
    st->deferred_until = 0;
    if (++st->prompt_seq == 0)
        st->prompt_seq = 1; /* 0 is "not an answer to a prompt" */
    agent_action *a = command(s, AGENT_ACT_PROMPT);
    a->pending = st->pending;
    a->choices = choices;
    a->seq = st->prompt_seq;
    a->deferrals_left = deferrals_left(s);
    a->deadline = due;
    snprintf(a->text, sizeof a->text, "%s", st->components);
    char dl[24], label[64];
    when(s, due, dl, sizeof dl);
    say(s, AGENT_LOG_INFO,
        "%s: prompting for a %s (%s: %s); deferrals offered 0x%x, %s%lu left, deadline %s", why,
        agent_pending_name(st->pending), pending_label(s, label, sizeof label),
        st->components[0] ? st->components : "no components named", choices,
        s->cfg->max_deferrals ? "" : "no limit, ", (unsigned long)deferrals_left(s),
        due ? dl : "none");
}

/* The window's opening in UTC; the local offset is the event's (a
 * daylight-saving change inside the span moves it by that hour, and the
 * timer then finds the window not yet open and waits again). */
static agent_time window_utc(const step *s, int64_t local)
{
    int64_t t = local - s->ev->local_offset_s;
    return t <= 0 ? 0 : (agent_time)t;
}

bool agent_counts_users(const agent_config *cfg)
{
    return cfg->restart_window.days != 0 && !cfg->prompts_enabled;
}

static bool window_applies(const step *s)
{
    return s->st->pending == AGENT_PENDING_RESTART && agent_counts_users(s->cfg);
}

static int64_t local_now(const step *s)
{
    return (int64_t)s->now + s->ev->local_offset_s;
}

/* When the window open now opened (UTC); 0 when it is not open. */
static agent_time window_opened(const step *s)
{
    int64_t open = 0;
    if (!maintwin_contains(&s->cfg->restart_window, local_now(s), &open))
        return 0;
    agent_time t = window_utc(s, open);
    return t == 0 ? 1 : t; /* an opening before 1970 is still open */
}

static bool asked_in_window(const agent_state *st, agent_time opened)
{
    return st->window_restart_at != 0 && st->window_restart_at >= opened;
}

/* The service's rule for a restart nobody can be asked about: inside the
 * admin's maintenance window, once per window, and only when the shell
 * knows that nobody is signed in. TRUE when it asked for the restart. */
static bool window_restart(step *s)
{
    agent_state *st = s->st;
    const maintwin *w = &s->cfg->restart_window;
    char span[48], t[24];
    agent_time opened;

    if (!window_applies(s))
        return false;
    maintwin_format(w, span, sizeof span);
    opened = window_opened(s);
    if (opened == 0) {
        when(s, window_utc(s, maintwin_next_open(w, local_now(s))), t, sizeof t);
        say(s, AGENT_LOG_INFO,
            "restart pending; prompts are off: the maintenance window (%s) "
            "opens at %s",
            span, t);
        return false;
    }
    if (asked_in_window(st, opened)) {
        when(s, st->window_restart_at, t, sizeof t);
        say(s, AGENT_LOG_WARNING,
            "restart pending; asked for once in this window already (at %s) and still pending: "
            "the next window",
            t);
        return false;
    }
    if (!s->ev->users_known) {
        say(s, AGENT_LOG_WARNING,
            "restart pending in the maintenance window (%s), but who is signed in is not known: "
            "no restart on a guess",
            span);
        return false;
    }
    if (s->ev->users != 0) {
        say(s, AGENT_LOG_INFO,
            "restart pending in the maintenance window (%s); %lu user(s) signed in: their agents "
            "ask them, and this one waits for them to sign out",
            span, (unsigned long)s->ev->users);
        return false;
    }
    st->window_restart_at = s->now;
    say(s, AGENT_LOG_INFO,
        "restart pending; nobody is signed in and the maintenance window (%s) is open: "
        "restarting",
        span);
    command(s, AGENT_ACT_RESTART);
    return true;
}

/* The window is open and its restart not yet asked for: for the timer. */
static bool window_due(const step *s)
{
    agent_time opened;
    if (!window_applies(s) || (opened = window_opened(s)) == 0)
        return false;
    return !asked_in_window(s->st, opened);
}

/* Shows the prompt unless something says not now; prompt_allowed is the
 * site's Prompt for Restart. */
static void maybe_prompt(step *s, bool prompt_allowed)
{
    agent_state *st = s->st;
    char t[24], label[64];
    pending_label(s, label, sizeof label);
    if (st->countdown_end != 0) {
        when(s, st->countdown_end, t, sizeof t);
        say(s, AGENT_LOG_INFO, "the final countdown for %s runs until %s: no prompt", label, t);
        return;
    }
    if (st->prompted_at != 0 && st->deferred_until == 0) {
        when(s, st->prompted_at, t, sizeof t);
        say(s, AGENT_LOG_INFO, "%s was already shown at %s and not deferred: no new prompt", label,
            t);
        return;
    }
    if (st->deferred_until > s->now) {
        when(s, st->deferred_until, t, sizeof t);
        say(s, AGENT_LOG_INFO, "%s for %s is deferred until %s", agent_pending_name(st->pending),
            label, t);
        return;
    }
    if (!prompt_allowed) {
        say(s, AGENT_LOG_INFO, "%s pending for %s; the site's Prompt for Restart is 0: status only",
            agent_pending_name(st->pending), label);
        return;
    }
    if (!s->cfg->prompts_enabled) {
        if (window_applies(s)) {
            window_restart(s);
            return;
        }
        say(s, AGENT_LOG_INFO, "%s pending for %s; prompts are off by policy: status only",
            agent_pending_name(st->pending), label);
        return;
    }
    agent_time quiet_end = st->logon_time + s->cfg->quiet_after_logon_s;
    if (s->cfg->quiet_after_logon_s != 0 && st->logon_time != 0 && s->now < quiet_end) {
        st->deferred_until = quiet_end;
        when(s, quiet_end, t, sizeof t);
        say(s, AGENT_LOG_INFO,
            "%s pending for %s; too soon after logon (quiet %lu s): prompt at %s",
            agent_pending_name(st->pending), label, (unsigned long)s->cfg->quiet_after_logon_s, t);
        return;
    }
    prompt(s, "change reported");
}

/* The user (or Windows) did what the change needed. */
static void satisfy(step *s, const char *how)
{
    agent_state *st = s->st;
    char label[64];
    say(s, AGENT_LOG_INFO, "%s pending for %s is satisfied by %s: components updated (%s)",
        agent_pending_name(st->pending), pending_label(s, label, sizeof label), how,
        st->components[0] ? st->components : "none named");
    st->done_change_id = st->change_id;
    st->done_written = st->change_written;
    st->done_at = s->now;
    clear_pending(st);
    st->announce_updated = true;
}

/* Appends item to a ", " list, whole items only. */
static void list_add(char *list, size_t cap, const char *item)
{
    size_t have = strlen(list), n = strlen(item);
    if (n == 0 || have + (have ? 2 : 0) + n + 1 > cap)
        return;
    snprintf(list + have, cap - have, "%s%s", have ? ", " : "", item);
}

/* What the change touched: the site's Changed Components when it names
 * them; else the component subkeys written with the flag: not before our
 * request was filed (Client Setup writes a changed component's intent,
 * the manager its version, then the flag), nor before the last change
 * done, nor more than an hour before the flag when the request is not
 * known; else "" and the prompt says it plainly. */
/* FNV-1a of a component's text (its name and version as the shell read
 * them), cleaned as it would be shown. */
static uint32_t component_hash(const agent_component *c)
{
    char text[AGENT_COMPONENT_TEXT];
    uint32_t h = 2166136261u;
    copy_clean(text, sizeof text, c->text, sizeof c->text);
    for (const char *p = text; *p != '\0'; p++) {
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    return h;
}

static unsigned report_components(const agent_report *r)
{
    return r->ncomponents < AGENT_REPORT_COMPONENTS ? r->ncomponents : AGENT_REPORT_COMPONENTS;
}

static bool seen_before(const agent_state *st, uint32_t h)
{
    for (uint32_t i = 0; i < st->seen.n && i < AGENT_REPORT_COMPONENTS; i++)
        if (st->seen.h[i] == h)
            return true;
    return false;
}

/* What the key's components are now, as of the first look and of each
 * report of a change: the next change is named by what differs. Reports
 * without a flag leave it: the manager writes a component's version a
 * moment before the flag, and a look in between must not hide it. */
static void remember_components(agent_state *st, const agent_report *r)
{
    if (!r->components_read || (st->seen_known && !r->restart && !r->logoff))
        return;
    unsigned n = report_components(r);
    memset(&st->seen, 0, sizeof st->seen);
    for (unsigned i = 0; i < n; i++)
        st->seen.h[i] = component_hash(&r->component[i]);
    st->seen.n = n;
    st->seen_known = true;
}

static void change_components(const step *s, const agent_report *r, agent_time request, char *out,
                              size_t cap)
{
    copy_clean(out, cap, r->components, sizeof r->components);
    if (out[0] != '\0')
        return;
    if (s->st->seen_known && r->components_read) {
        /* The subkeys that differ from the last report: what changed. */
        for (unsigned i = 0; i < report_components(r); i++) {
            char text[AGENT_COMPONENT_TEXT];
            if (seen_before(s->st, component_hash(&r->component[i])))
                continue;
            copy_clean(text, sizeof text, r->component[i].text, sizeof r->component[i].text);
            list_add(out, cap, text);
        }
        return;
    }
    /* No earlier look at the key (a first start): the subkeys written with
     * the flag, by their times. */
    if (r->written == 0)
        return;
    agent_time lo =
        r->written > AGENT_COMPONENT_WINDOW_S ? r->written - AGENT_COMPONENT_WINDOW_S : 0;
    if (request > AGENT_SAME_INSTANT_S && request - AGENT_SAME_INSTANT_S > lo &&
        request <= r->written)
        lo = request - AGENT_SAME_INSTANT_S;
    if (s->st->done_written > lo)
        lo = s->st->done_written;
    unsigned n =
        r->ncomponents < AGENT_REPORT_COMPONENTS ? r->ncomponents : AGENT_REPORT_COMPONENTS;
    for (unsigned i = 0; i < n; i++) {
        const agent_component *c = &r->component[i];
        char text[AGENT_COMPONENT_TEXT];
        if (c->written <= lo || c->written > r->written + AGENT_SAME_INSTANT_S)
            continue;
        copy_clean(text, sizeof text, c->text, sizeof c->text);
        list_add(out, cap, text);
    }
}

static void record_change(step *s, agent_pending want, const agent_report *r, const char *comps)
{
    agent_state *st = s->st;
    agent_pending was = st->pending;
    bool another = was != AGENT_PENDING_NONE &&
                   !same_change(st->change_id, st->change_written, r->change_id, r->written);
    if (was == AGENT_PENDING_NONE) {
        st->pending_since = s->now;
        st->pending_boot = st->boot_time;
        st->pending_logon = st->logon_time;
        st->pending_uptime = s->ev->uptime_s;
        st->pending_boot_id = st->boot_id;
        st->deferred_until = 0;
        st->prompted_at = 0;
    }
    if (want > st->pending)
        st->pending = want;
    if (another) {
        st->prompted_at = 0; /* another change: worth one prompt of its own */
        st->deferrals_used = 0;
    }
    if (was == AGENT_PENDING_LOGOFF && st->pending == AGENT_PENDING_RESTART)
        st->prompted_at = 0; /* the user was asked to log off; now it is a restart */
    st->change_id = r->change_id;
    st->change_written = r->written;
    if (comps[0] != '\0' || was == AGENT_PENDING_NONE)
        snprintf(st->components, sizeof st->components, "%s", comps);
    st->request_since = 0;

    char since[24], label[64];
    when(s, st->pending_since, since, sizeof since);
    change_label(s, r->change_id, r->written, label, sizeof label);
    if (want < st->pending)
        say(s, AGENT_LOG_INFO,
            "manager reports a %s for %s; a restart is pending and wins: still restart",
            agent_pending_name(want), label);
    else
        say(s, AGENT_LOG_INFO, "manager reports a %s for %s (%s): pending since %s",
            agent_pending_name(st->pending), label,
            st->components[0] ? st->components : "no components named", since);
}

/* A flag with nothing pending: already done, or applied by a restart (or
 * a logon) since it was written? Q270697: a flag the site never clears
 * must not bring a prompt after every restart. True when not to record. */
static bool flag_done(step *s, agent_pending want, const agent_report *r)
{
    agent_state *st = s->st;
    char label[64], t[24], b[24];
    bool has_done = st->done_at != 0 || st->done_change_id != 0 || st->done_written != 0;

    change_label(s, r->change_id, r->written, label, sizeof label);
    if (has_done && same_change(st->done_change_id, st->done_written, r->change_id, r->written)) {
        if (r->change_id == 0 && r->written == 0)
            say(s, AGENT_LOG_WARNING,
                "manager reports a %s, but neither a Change Id nor the key's write time tells it "
                "from the change already done: not prompted",
                agent_pending_name(want));
        else
            say(s, AGENT_LOG_INFO, "manager reports a %s for %s, already done: ignored",
                agent_pending_name(want), label);
        return true;
    }
    /* Written before this boot (or, for a logoff, this logon): the restart
     * or logon since has applied it. The slack keeps a flag written just
     * after boot, read with a clock a few seconds off, a change. */
    agent_time since = want == AGENT_PENDING_LOGOFF && st->logon_time > st->boot_time
                           ? st->logon_time
                           : st->boot_time;
    if (r->written != 0 && since != 0 && r->written + AGENT_SAME_INSTANT_S < since) {
        when(s, r->written, t, sizeof t);
        when(s, since, b, sizeof b);
        say(s, AGENT_LOG_INFO,
            "%s flag written %s, before this %s (%s): applied by it, no prompt for %s",
            agent_pending_name(want), t, since == st->boot_time ? "boot" : "logon", b, label);
        st->done_change_id = r->change_id;
        st->done_written = r->written;
        st->done_at = s->now;
        return true;
    }
    return false;
}

/* ---- passes: forward, read versions, maybe run setup ---- */

static void share_failed(step *s, const char *detail)
{
    agent_state *st = s->st;
    if (st->share_failures < UINT32_MAX)
        st->share_failures++;
    agent_time d =
        backoff_s(s->cfg->share_retry_base_s, s->cfg->share_retry_max_s, st->share_failures);
    st->share_retry_at = s->now + d;
    set_error(s, "logon server share unreachable: %s", detail);
    char t[24];
    when(s, st->share_retry_at, t, sizeof t);
    say(s, AGENT_LOG_WARNING,
        "logon server share unreachable (%s), failure %lu: next try %s (in %llu s)", detail,
        (unsigned long)st->share_failures, t, (unsigned long long)d);
}

/* ---- failure classes (agent_failure) ---- */

static bool creds_blocked(const agent_state *st)
{
    return st->creds_refused_at != 0;
}

/* The share refused the user's credentials. Another try with the same
 * ones can only fail again and counts towards locking the account
 * (Q184858, Q191828): none at all, by no timer, pass or check, until the
 * credentials may have changed (an unlock, a new logon). */
static void creds_refused(step *s, const char *where, const char *detail)
{
    agent_state *st = s->st;
    st->creds_refused_at = s->now;
    st->creds_refused_logon = st->logon_time;
    st->creds_refused_boot = st->boot_time;
    st->share_retry_at = 0; /* no timer: only a refresh tries again */
    set_error(s,
              "the logon server refused your credentials (%.120s): no attempt until you lock and "
              "unlock the computer or log on again",
              detail);
    say(s, AGENT_LOG_ERROR,
        "%s: the logon server refused the credentials (%s): no attempt with them until the "
        "session is unlocked or a new logon",
        where, detail);
    command(s, AGENT_ACT_WARN_CREDENTIALS);
}

static void creds_lift(step *s, const char *how)
{
    agent_state *st = s->st;
    char t[24];
    when(s, st->creds_refused_at, t, sizeof t);
    say(s, AGENT_LOG_INFO,
        "%s: the credentials refused at %s may be new: trying the logon server once", how, t);
    st->creds_refused_at = 0;
    st->creds_refused_logon = 0;
    st->creds_refused_boot = 0;
}

/* At start: a new logon brings the password typed at it, and a restart
 * means a new logon. An unknown logon time cannot tell a new logon from
 * an agent restarted by hand: the block stays (the lockout-safe side),
 * and the words it shows say what lifts it, an unlock. */
static void creds_on_start(step *s)
{
    agent_state *st = s->st;
    if (!creds_blocked(st))
        return;
    if (instant_changed(st->creds_refused_logon, st->logon_time))
        creds_lift(s, "a new logon");
    else if (restarted_since(st, st->creds_refused_boot, 0, 0))
        creds_lift(s, "a restart"); /* judged as a pending restart is: a clock step is none */
}

/* A full box is the site's to empty: backed off as the share is. */
static void box_full(step *s, const char *detail)
{
    agent_state *st = s->st;
    if (st->share_failures < UINT32_MAX)
        st->share_failures++;
    agent_time d =
        backoff_s(s->cfg->share_retry_base_s, s->cfg->share_retry_max_s, st->share_failures);
    st->share_retry_at = s->now + d;
    snprintf(st->forward_error, sizeof st->forward_error,
             "the inventory box on the logon server is full: %.180s", detail);
    char t[24];
    when(s, st->share_retry_at, t, sizeof t);
    say(s, AGENT_LOG_WARNING,
        "the inventory box on the logon server is full (%s), failure %lu: the files stay here, "
        "next try %s (in %llu s); reading the versions anyway",
        detail, (unsigned long)st->share_failures, t, (unsigned long long)d);
}

/* A forward that failed, by its class. TRUE when the pass goes on to
 * read the versions (the problem was not the share's reachability). */
static bool forward_failed(step *s)
{
    agent_state *st = s->st;
    char detail[AGENT_TEXT_MAX + 1];
    copy_clean(detail, sizeof detail, s->ev->error, sizeof s->ev->error);
    const char *d = detail[0] ? detail : "no detail";
    switch (s->ev->fail) {
    case AGENT_FAIL_CREDENTIALS:
        st->forward_error[0] = '\0';
        creds_refused(s, "forwarding inventory", d);
        return false;
    case AGENT_FAIL_LOCAL:
        /* Nothing the share did: no share failure, no backoff (issue 17.4). */
        snprintf(st->forward_error, sizeof st->forward_error,
                 "inventory not forwarded, a problem on this computer: %.180s", d);
        say(s, AGENT_LOG_WARNING,
            "inventory not forwarded, a local problem, not the logon server's (%s): no retry "
            "timer; reading the versions anyway",
            d);
        return true;
    case AGENT_FAIL_BOX_FULL:
        box_full(s, d);
        return true;
    case AGENT_FAIL_SHARE:
    default:
        st->forward_error[0] = '\0';
        share_failed(s, d);
        return false;
    }
}

/* CL_NT.TXT could not be read, by the class of why. */
static void server_unreadable(step *s)
{
    char detail[AGENT_TEXT_MAX + 1];
    copy_clean(detail, sizeof detail, s->ev->error, sizeof s->ev->error);
    switch (s->ev->fail) {
    case AGENT_FAIL_CREDENTIALS:
        creds_refused(s, "reading CL_NT.TXT", detail[0] ? detail : "no detail");
        return;
    case AGENT_FAIL_LOCAL:
        set_error(s, "CopyListVersion unknown: server (%.200s)",
                  detail[0] ? detail : "no logon server share known");
        say(s, AGENT_LOG_WARNING, "CL_NT.TXT not read, a local problem (%s): no retry timer",
            detail[0] ? detail : "no logon server share known");
        return;
    case AGENT_FAIL_SHARE:
    case AGENT_FAIL_BOX_FULL:
    default:
        share_failed(s, "CL_NT.TXT could not be read");
        return;
    }
}

/* Files in the box that the inventory folder still holds (issue 17.6),
 * so they are not delivered again when the site empties the box. A pass
 * that went through every file (ok) tells what is there now; one that
 * stopped early may not have seen them all, so what was known stays. */
static void note_kept(step *s)
{
    agent_state *st = s->st;
    const agent_kept *k = &s->ev->kept;
    uint32_t n = k->n > AGENT_KEPT_MAX ? AGENT_KEPT_MAX : k->n, added = 0;
    agent_kept next;
    char first[AGENT_KEPT_NAME_MAX + 1] = "";

    memset(&next, 0, sizeof next);
    if (!s->ev->ok)
        next = st->kept;
    for (uint32_t i = 0; i < n; i++) {
        char name[AGENT_KEPT_NAME_MAX + 1];
        uint32_t j;
        bool known_before = false;
        copy_clean(name, sizeof name, k->f[i].name, sizeof k->f[i].name);
        if (name[0] == '\0')
            continue;
        for (j = 0; j < st->kept.n && j < AGENT_KEPT_MAX; j++)
            known_before |=
                st->kept.f[j].hash == k->f[i].hash && strcmp(st->kept.f[j].name, name) == 0;
        for (j = 0; j < next.n; j++)
            if (strcmp(next.f[j].name, name) == 0)
                break;
        if (j == next.n) {
            if (next.n == AGENT_KEPT_MAX) {
                /* Bounded: the oldest is forgotten (at worst delivered
                 * again; the site takes a second copy of an inventory). */
                say(s, AGENT_LOG_WARNING,
                    "%s can no longer be remembered as delivered (%u at most): it may be "
                    "delivered again",
                    next.f[0].name, AGENT_KEPT_MAX);
                memmove(&next.f[0], &next.f[1], (AGENT_KEPT_MAX - 1) * sizeof next.f[0]);
                next.n--;
            }
            j = next.n++;
        }
        snprintf(next.f[j].name, sizeof next.f[j].name, "%s", name);
        next.f[j].hash = k->f[i].hash;
        if (!known_before && added++ == 0)
            snprintf(first, sizeof first, "%s", name);
    }
    if (added > 0)
        say(s, AGENT_LOG_WARNING,
            "%lu inventory file(s) in the box could not be deleted from the inventory folder "
            "(%s%s): remembered as delivered, not delivered again",
            (unsigned long)added, first, added > 1 ? ", ..." : "");
    st->kept = next;
}

static bool pass_stale(const step *s)
{
    return time_diff(s->now, s->st->pass_started) >= AGENT_PASS_STALE_S;
}

/* Returns true when a pass started now (not queued, not waiting). */
static bool start_pass(step *s, bool by_user, const char *why)
{
    agent_state *st = s->st;
    if (!s->cfg->machine_work) {
        /* Once per machine: another session's agent (or the service) owns
         * forwarding, the check and Client Setup; two would race. */
        say(s, AGENT_LOG_INFO, "%s: this PC's checks are done by another session's agent", why);
        if (by_user)
            s->force_status = true;
        return false;
    }
    if (creds_blocked(st)) {
        char t[24];
        when(s, st->creds_refused_at, t, sizeof t);
        say(s, AGENT_LOG_INFO,
            "%s: the logon server refused your credentials at %s: no attempt until the "
            "computer is unlocked or a new logon",
            why, t);
        if (by_user)
            s->force_status = true; /* the check shows why it did nothing */
        return false;
    }
    if (st->phase != AGENT_PHASE_IDLE) {
        if (!pass_stale(s)) {
            if (by_user && st->phase != AGENT_PHASE_SETUP) {
                st->pass_by_user = true;
                say(s, AGENT_LOG_INFO,
                    "%s: a pass is already running; it counts as asked by the user", why);
            } else if (by_user) {
                say(s, AGENT_LOG_INFO, "%s: Client Setup is running; its result will be read", why);
            } else {
                st->pass_again = true;
                say(s, AGENT_LOG_INFO, "%s: a pass is running; forwarding again when it ends", why);
            }
            return false;
        }
        char t[24];
        when(s, st->pass_started, t, sizeof t);
        say(s, AGENT_LOG_WARNING, "the pass started %s never finished: starting anew", t);
        st->phase = AGENT_PHASE_IDLE;
    }
    if (st->share_retry_at > s->now) {
        char t[24];
        when(s, st->share_retry_at, t, sizeof t);
        say(s, AGENT_LOG_INFO, "%s: the share failed %lu time(s); waiting for the retry at %s", why,
            (unsigned long)st->share_failures, t);
        return false;
    }
    st->share_retry_at = 0;
    st->phase = AGENT_PHASE_FORWARDING;
    st->pass_started = s->now;
    st->pass_by_user = by_user;
    st->pass_again = false;
    st->pass_busy_retry = false;
    st->pass_for_files = false;
    say(s, AGENT_LOG_INFO, "%s: forwarding inventory files", why);
    command(s, AGENT_ACT_FORWARD);
    return true;
}

static void end_pass(step *s)
{
    agent_state *st = s->st;
    bool again = st->pass_again;
    st->phase = AGENT_PHASE_IDLE;
    st->pass_by_user = false;
    st->pass_again = false;
    if (again && start_pass(s, false, "inventory files came during the last pass"))
        st->pass_for_files = true;
}

static bool ignore_out_of_phase(step *s, agent_phase expected, const char *what)
{
    static const char *const names[] = {"idle", "forwarding", "checking", "setup"};
    if (s->st->phase == expected)
        return false;
    unsigned p = (unsigned)s->st->phase;
    say(s, AGENT_LOG_WARNING, "%s while %s: ignored", what,
        p < 4 ? names[p] : "in an unknown phase");
    return true;
}

/* The last failed run in words, so that a later pass that only waits out
 * the backoff still says why ("timed out"), not a bare sentinel code. */
static const char *setup_failure_text(int32_t code, char *buf, size_t cap)
{
    if (code == AGENT_SETUP_TIMED_OUT)
        return "timed out";
    if (code == AGENT_SETUP_NOT_STARTED)
        return "did not start";
    snprintf(buf, cap, "exit %ld", (long)code);
    return buf;
}

static void run_or_skip_setup(step *s)
{
    agent_state *st = s->st;
    uint32_t v = st->server.value;
    bool same = st->setup_ran && st->setup_version == v;
    uint32_t cap = setup_cap(s->cfg);
    char t[24], why[24];

    if (same && st->setup_ok) {
        st->last_error[0] = '\0';
        say(s, AGENT_LOG_INFO,
            "local %lu, server %lu: Client Setup already ran for this version (exit %ld): not "
            "again",
            (unsigned long)st->local.value, (unsigned long)v, (long)st->last_setup_exit);
        end_pass(s);
        return;
    }
    if (same && st->setup_failures >= cap) {
        set_error(s,
                  "Client Setup failed %lu times for version %lu (last: %s): waiting for a new "
                  "server version",
                  (unsigned long)st->setup_failures, (unsigned long)v,
                  setup_failure_text(st->last_setup_exit, why, sizeof why));
        say(s, AGENT_LOG_WARNING,
            "local %lu, server %lu: Client Setup failed %lu of %lu times (last exit %ld): "
            "no more runs until the server version changes",
            (unsigned long)st->local.value, (unsigned long)v, (unsigned long)st->setup_failures,
            (unsigned long)cap, (long)st->last_setup_exit);
        end_pass(s);
        return;
    }
    if (same && st->setup_retry_at > s->now) {
        when(s, st->setup_retry_at, t, sizeof t);
        if (!st->pass_by_user) {
            set_error(s, "Client Setup failed (%s); next try after %s",
                      setup_failure_text(st->last_setup_exit, why, sizeof why), t);
            say(s, AGENT_LOG_INFO,
                "local %lu, server %lu: Client Setup failed %lu of %lu times (last exit %ld): "
                "next try not before %s",
                (unsigned long)st->local.value, (unsigned long)v, (unsigned long)st->setup_failures,
                (unsigned long)cap, (long)st->last_setup_exit, t);
            end_pass(s);
            return;
        }
        say(s, AGENT_LOG_INFO,
            "check asked by the user: not waiting until %s after failure %lu of %lu", t,
            (unsigned long)st->setup_failures, (unsigned long)cap);
    }
    if (!same) {
        if (st->setup_ran && st->setup_failures != 0)
            say(s, AGENT_LOG_INFO,
                "server version %lu is new (last run for %lu): failure count reset",
                (unsigned long)v, (unsigned long)st->setup_version);
        st->setup_failures = 0;
        st->setup_retry_at = 0;
    }
    /* Marked as run before it runs: if the agent dies meanwhile, the run
     * is neither a success nor a failure and the next pass tries again. */
    st->setup_ran = true;
    st->setup_version = v;
    st->setup_ok = false;
    st->last_error[0] = '\0';
    st->phase = AGENT_PHASE_SETUP;
    say(s, AGENT_LOG_INFO,
        "local %lu, server %lu differ: running Client Setup (failures so far %lu of %lu)",
        (unsigned long)st->local.value, (unsigned long)v, (unsigned long)st->setup_failures,
        (unsigned long)cap);
    command(s, AGENT_ACT_RUN_SETUP)->version = v;
}

/* ---- the start-up jitter ---- */

uint32_t agent_jitter_key(const char *name)
{
    uint32_t h = 2166136261u;
    for (const char *p = name; p != NULL && *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 32);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

uint32_t agent_startup_delay_s(const agent_config *cfg)
{
    if (cfg == NULL || cfg->startup_jitter_s == 0)
        return 0;
    /* FNV-1a alone leaves neighbouring IDs (LAB00001, LAB00002) close
     * in the low bits: a finaliser spreads them over the window. */
    uint32_t h = cfg->jitter_key;
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    return h % cfg->startup_jitter_s;
}

/* At a start: true when the first pass waits for its offset. */
static bool jitter_start(step *s)
{
    agent_state *st = s->st;
    uint32_t d = agent_startup_delay_s(s->cfg);
    st->started_at = s->now;
    st->start_pass_at = 0;
    if (d == 0)
        return false;
    st->start_pass_at = s->now + d;
    char t[24];
    when(s, st->start_pass_at, t, sizeof t);
    say(s, AGENT_LOG_INFO,
        "start: first pass at %s (in %lu s: start-up jitter of up to %lu min); Check now runs at "
        "once",
        t, (unsigned long)d, (unsigned long)(s->cfg->startup_jitter_s / 60u));
    return true;
}

/* At a timer: the delayed first pass, unless a pass since the start has
 * checked the versions already. Returns true when it was due. */
static bool jitter_due(step *s)
{
    agent_state *st = s->st;
    if (st->start_pass_at == 0 || st->start_pass_at > s->now)
        return false;
    if (st->last_check != 0 && st->last_check >= st->started_at) {
        st->start_pass_at = 0;
        say(s, AGENT_LOG_INFO, "start-up jitter over: a pass since the start has checked already");
        return true;
    }
    if (st->phase != AGENT_PHASE_IDLE) {
        /* Its check is coming; look once more afterwards. */
        st->start_pass_at = s->now + AGENT_MIN_RETRY_S;
        return true;
    }
    st->start_pass_at = 0;
    start_pass(s, false, "start (after the start-up jitter): files left from before");
    return true;
}

/* ---- one handler per event ---- */

static bool ladder_due(step *s);

static void on_start(step *s)
{
    agent_state *st = s->st;
    const agent_event *ev = s->ev;
    char b[24], l[24], label[64];
    st->boot_time = ev->boot_time;
    st->logon_time = ev->logon_time;
    st->start_uptime = ev->uptime_s;
    st->boot_id = ev->boot_id;
    st->awake_since = s->now; /* a deadline that came before is a PC's return */
    st->phase = AGENT_PHASE_IDLE;
    st->pass_by_user = false;
    st->pass_again = false;
    s->force_status = true; /* the shell's first icon */
    when(s, st->boot_time, b, sizeof b);
    when(s, st->logon_time, l, sizeof l);
    say(s, AGENT_LOG_INFO, "start: boot %s (up %llu s, boot id %lu), logon %s; pending %s (%s)", b,
        (unsigned long long)st->start_uptime, (unsigned long)st->boot_id, l,
        agent_pending_name(st->pending), pending_label(s, label, sizeof label));

    bool rebooted = rebooted_since_record(st);
    bool new_logon = instant_changed(st->pending_logon, st->logon_time);
    if (st->pending == AGENT_PENDING_RESTART && rebooted)
        satisfy(s, "a restart");
    else if (st->pending == AGENT_PENDING_LOGOFF && (rebooted || new_logon))
        satisfy(s, rebooted ? "a restart" : "a new logon");

    if (st->countdown_end > s->now) {
        /* The agent was restarted during the final countdown: show it again. */
        agent_action *a = command(s, AGENT_ACT_COUNTDOWN);
        a->at = st->countdown_end;
        a->pending = st->pending;
        snprintf(a->text, sizeof a->text, "%s", st->components);
    } else if (st->countdown_end != 0) {
        ladder_due(s); /* ran out while the agent was away: again, never at once */
    }
    if (st->announce_updated) {
        agent_action *a = command(s, AGENT_ACT_ANNOUNCE);
        snprintf(a->text, sizeof a->text, "%s", st->components);
        st->announce_updated = false;
    }
    creds_on_start(s);
    if (!jitter_start(s))
        start_pass(s, false, "start: files left from before");
    say(s, AGENT_LOG_INFO, "reading the manager's report");
    command(s, AGENT_ACT_READ_REPORT);
}

static void on_inventory(step *s, bool by_user)
{
    /* A pass an inventory file started is for that file: when the pass
     * before took it (one change often signals twice), it has nothing to do. */
    if (start_pass(s, by_user, by_user ? "check asked" : "inventory file appeared") && !by_user)
        s->st->pass_for_files = true;
}

/* Files left open for writing: look again later. A pass a change
 * started restarts the doubling (the writer is alive); a timed retry that
 * still finds them doubles it, up to AGENT_BUSY_RETRIES, then waits for
 * the next change. */
static void note_busy(step *s)
{
    agent_state *st = s->st;
    uint32_t busy = s->ev->busy;
    if (busy == 0) {
        st->busy_retries = 0;
        st->busy_retry_at = 0;
        return;
    }
    if (!st->pass_busy_retry)
        st->busy_retries = 0;
    if (st->busy_retries >= AGENT_BUSY_RETRIES) {
        st->busy_retry_at = 0;
        say(s, AGENT_LOG_WARNING,
            "%lu inventory file(s) still open for writing after %u retries: "
            "waiting for the next change",
            (unsigned long)busy, AGENT_BUSY_RETRIES);
        return;
    }
    uint32_t wait = AGENT_BUSY_RETRY_FIRST_S << st->busy_retries;
    st->busy_retries++;
    st->busy_retry_at = s->now + wait;
    say(s, AGENT_LOG_INFO, "%lu inventory file(s) still being written: looking again in %lu s",
        (unsigned long)busy, (unsigned long)wait);
}

static void on_forwarded(step *s)
{
    agent_state *st = s->st;
    bool partly = false; /* a local or box problem: the versions are still read */
    if (ignore_out_of_phase(s, AGENT_PHASE_FORWARDING, "forward result"))
        return;
    note_kept(s);
    if (s->ev->others > 0)
        say(s, AGENT_LOG_INFO,
            "%lu inventory file(s) were delivered by another agent (another session's Climon): "
            "not an error",
            (unsigned long)s->ev->others);
    if (!s->ev->ok) {
        if (!forward_failed(s)) {
            end_pass(s);
            return;
        }
        partly = true;
    } else {
        st->share_failures = 0;
        st->share_retry_at = 0;
        st->forward_error[0] = '\0';
    }
    note_busy(s);
    if (!partly && s->ev->count == 0 && s->ev->busy > 0 && !st->pass_by_user) {
        /* Only files still being written: the check waits for them, so a
         * writer's every write does not cost a look at the share. */
        end_pass(s);
        return;
    }
    if (!partly && s->ev->count == 0 && st->pass_for_files && !st->pass_by_user) {
        say(s, AGENT_LOG_INFO,
            "no inventory file left to forward (the pass before took it): "
            "no check");
        end_pass(s);
        return;
    }
    st->last_pass = s->now;
    st->last_forwarded = s->ev->count;
    st->last_error[0] = '\0';
    st->phase = AGENT_PHASE_CHECKING;
    say(s, AGENT_LOG_INFO, "forwarded %lu inventory file(s): reading CopyListVersions",
        (unsigned long)s->ev->count);
    command(s, AGENT_ACT_READ_VERSIONS);
}

static void on_versions(step *s)
{
    agent_state *st = s->st;
    if (ignore_out_of_phase(s, AGENT_PHASE_CHECKING, "versions"))
        return;
    st->local = s->ev->local;
    st->server = s->ev->server;
    st->last_check = s->now;
    st->has_result = true;
    if (st->server.status == CLV_UNREADABLE) {
        st->last_result = CLV_UNKNOWN;
        server_unreadable(s);
        end_pass(s);
        return;
    }
    clv_result r = clv_compare(&st->local, &st->server);
    st->last_result = r;
    char lv[24], sv[24];
    clv_format(&st->local, lv, sizeof lv);
    clv_format(&st->server, sv, sizeof sv);
    switch (r) {
    case CLV_SAME:
        st->last_error[0] = '\0';
        say(s, AGENT_LOG_INFO, "local %s, server %s: up to date", lv, sv);
        end_pass(s);
        return;
    case CLV_DIFFERS:
        run_or_skip_setup(s);
        return;
    case CLV_UNKNOWN:
    default:
        break;
    }
    /* Unknown is never "different": explain which side, run nothing. */
    char why[128];
    bool lk = st->local.status == CLV_OK, sk = st->server.status == CLV_OK;
    if (!lk && !sk)
        snprintf(why, sizeof why, "local (%s) and server (%s)", clv_status_text(st->local.status),
                 clv_status_text(st->server.status));
    else if (!lk)
        snprintf(why, sizeof why, "local (%s)", clv_status_text(st->local.status));
    else
        snprintf(why, sizeof why, "server (%s)", clv_status_text(st->server.status));
    set_error(s, "CopyListVersion unknown: %s", why);
    say(s, AGENT_LOG_WARNING,
        "local %s, server %s: CopyListVersion unknown on the %s side: Client Setup not run", lv, sv,
        why);
    end_pass(s);
}

/* Our lab's Client Setup names its exit codes (climon/protocol.h); SMS
 * 1.2's CLI_NT.EXE documents none, so a code only ever adds words to the
 * log and never decides. */
static const char *setup_code_words(int32_t code)
{
    switch (code) {
    case SETUP_EXIT_OK:
        return " (ours: done, nothing for the manager)";
    case SETUP_EXIT_REQUEST_FILED:
        return " (ours: request filed)";
    case SETUP_EXIT_LOGOFF_NEEDED:
        return " (ours: programs in use wait for a logoff)";
    case SETUP_EXIT_USAGE:
        return " (ours: bad command line)";
    case SETUP_EXIT_BAD_INPUT:
        return " (ours: SMS.INI or CL_NT.TXT refused)";
    case SETUP_EXIT_IO:
        return " (ours: a file or the registry could not be written)";
    default:
        return " (not a code Climon knows: judged by what the run left)";
    }
}

/* A run is judged by what it left: Client Setup writes the server's
 * CopyListVersion into SMS.INI last, so SMS.INI at the server's version
 * means it got through; our request in CCR.BOX means the manager has work. */
static void on_setup_result(step *s)
{
    agent_state *st = s->st;
    const agent_event *ev = s->ev;
    if (ignore_out_of_phase(s, AGENT_PHASE_SETUP, "Client Setup result"))
        return;
    if (ev->type == AGENT_EV_SETUP_NOT_STARTED && ev->fail == AGENT_FAIL_CREDENTIALS) {
        /* The share would not let it start: not a failure of Client Setup
         * (no step towards giving up on the version); it runs once the
         * credentials are refreshed. */
        char detail[AGENT_TEXT_MAX + 1];
        copy_clean(detail, sizeof detail, ev->error, sizeof ev->error);
        creds_refused(s, "starting Client Setup", detail[0] ? detail : "no detail");
        command(s, AGENT_ACT_READ_REPORT);
        end_pass(s);
        return;
    }
    int32_t code = ev->type == AGENT_EV_SETUP_EXITED      ? ev->exit_code
                   : ev->type == AGENT_EV_SETUP_TIMED_OUT ? AGENT_SETUP_TIMED_OUT
                                                          : AGENT_SETUP_NOT_STARTED;
    unsigned long v = (unsigned long)st->setup_version;
    char lv[24] = "unread", what[AGENT_TEXT_MAX + 1];
    bool done = false;
    st->last_setup_exit = code;
    if (ev->type == AGENT_EV_SETUP_EXITED) {
        /* Client Setup rewrote SMS.INI: show the version it wrote now,
         * not the one read before it ran. */
        if (ev->has_local) {
            st->local = ev->local;
            st->last_result = clv_compare(&st->local, &st->server);
            st->has_result = true;
            clv_format(&st->local, lv, sizeof lv);
            done = st->last_result == CLV_SAME;
        }
        if (ev->request_filed && st->request_since == 0)
            st->request_since = s->now;
        if (ev->setup_by_other)
            say(s, AGENT_LOG_INFO,
                "Client Setup for version %lu was run by another agent (another session's "
                "Climon): SMS.INI now %s, not run again; %s",
                v, lv,
                ev->request_filed ? "our request is in CCR.BOX" : "no request of ours in CCR.BOX");
        else
            say(s, AGENT_LOG_INFO,
                "Client Setup for version %lu exited with code %ld%s; SMS.INI now %s; %s", v,
                (long)code, setup_code_words(code), lv,
                ev->request_filed ? "our request is in CCR.BOX" : "no request of ours in CCR.BOX");
    }
    if (done) {
        st->setup_ok = true;
        st->setup_failures = 0;
        st->setup_retry_at = 0;
        st->last_error[0] = '\0';
        say(s, AGENT_LOG_INFO, "Client Setup for version %lu did its work: %s", v,
            ev->request_filed ? "a request waits for the manager"
                              : "SMS.INI is current, nothing queued for the manager");
    } else if (ev->setup_by_other && ev->type == AGENT_EV_SETUP_EXITED) {
        /* Nothing of ours ran, so nothing of ours failed: the next pass
         * runs it. */
        st->setup_ran = false;
        say(s, AGENT_LOG_INFO,
            "another agent's Client Setup left SMS.INI at %s: this agent runs it at its next pass",
            lv);
    } else {
        if (ev->type == AGENT_EV_SETUP_EXITED) {
            snprintf(what, sizeof what, "exit %ld, SMS.INI left at %s", (long)code, lv);
        } else if (ev->type == AGENT_EV_SETUP_TIMED_OUT) {
            snprintf(what, sizeof what, "timed out");
        } else {
            char detail[AGENT_TEXT_MAX + 1];
            copy_clean(detail, sizeof detail, ev->error, sizeof ev->error);
            snprintf(what, sizeof what, "did not start: %.200s", detail[0] ? detail : "no detail");
        }
        st->setup_ok = false;
        if (st->setup_failures < UINT32_MAX)
            st->setup_failures++;
        agent_time d =
            backoff_s(s->cfg->setup_retry_base_s, s->cfg->setup_retry_max_s, st->setup_failures);
        st->setup_retry_at = s->now + d;
        char t[24];
        when(s, st->setup_retry_at, t, sizeof t);
        set_error(s, "Client Setup for version %lu failed (%.180s)", v, what);
        if (st->setup_failures >= setup_cap(s->cfg))
            say(s, AGENT_LOG_ERROR,
                "Client Setup for version %lu failed (%s): failure %lu of %lu, no more runs for "
                "this version",
                v, what, (unsigned long)st->setup_failures, (unsigned long)setup_cap(s->cfg));
        else
            say(s, AGENT_LOG_WARNING,
                "Client Setup for version %lu failed (%s): failure %lu of %lu, next try not before "
                "%s (in %llu s)",
                v, what, (unsigned long)st->setup_failures, (unsigned long)setup_cap(s->cfg), t,
                (unsigned long long)d);
    }
    command(s, AGENT_ACT_READ_REPORT);
    end_pass(s);
}

static void take_report(step *s)
{
    agent_state *st = s->st;
    const agent_report *r = &s->ev->report;
    agent_pending want = r->restart  ? AGENT_PENDING_RESTART
                         : r->logoff ? AGENT_PENDING_LOGOFF
                                     : AGENT_PENDING_NONE;
    char comps[AGENT_COMPONENTS_MAX + 1], label[64];
    agent_time request = st->request_since; /* before the lines below clear it */

    if (!r->request_queued && st->request_since != 0) {
        say(s, AGENT_LOG_INFO, "the manager took the request: none queued");
        st->request_since = 0;
    } else if (r->request_queued && st->request_since == 0 && want == AGENT_PENDING_NONE) {
        say(s, AGENT_LOG_INFO, "a request of this client is queued for the manager");
        st->request_since = s->now;
    }

    if (want == AGENT_PENDING_NONE) {
        if (st->pending != AGENT_PENDING_NONE) {
            say(s, AGENT_LOG_INFO, "manager no longer reports the %s for %s: the site cleared it",
                agent_pending_name(st->pending), pending_label(s, label, sizeof label));
            clear_pending(st);
        } else {
            say(s, AGENT_LOG_INFO, "manager reports no restart or logoff");
        }
        return;
    }
    if (st->pending == AGENT_PENDING_NONE && flag_done(s, want, r))
        return;
    change_components(s, r, request, comps, sizeof comps);
    record_change(s, want, r, comps);
    maybe_prompt(s, r->prompt_allowed);
}

static void on_report(step *s)
{
    take_report(s);
    remember_components(s->st, &s->ev->report);
}

static void defer(step *s, agent_time until, const char *choice)
{
    agent_state *st = s->st;
    agent_time dl = countdown_due(s);
    const char *note = "";
    char label[64], t[24];
    pending_label(s, label, sizeof label);
    if (st->countdown_end != 0) {
        say(s, AGENT_LOG_INFO,
            "user chose %s during the final countdown of %s: it cannot be "
            "postponed",
            choice, label);
        return;
    }
    if (dl != 0 && s->now >= dl) {
        /* An old dialog answered after the deadline: the countdown now. */
        start_countdown(s, "the deadline came");
        return;
    }
    if (dl != 0 && until > dl) {
        until = dl;
        note = " (the admin's deadline)";
    }
    if (st->deferrals_used < UINT32_MAX)
        st->deferrals_used++;
    st->deferred_until = until;
    when(s, until, t, sizeof t);
    say(s, AGENT_LOG_INFO, "user chose %s for the %s of %s: reminder at %s%s (postponement %lu%s)",
        choice, agent_pending_name(st->pending), label, t, note, (unsigned long)st->deferrals_used,
        s->cfg->max_deferrals ? " of the admin's limit" : "");
}

static void on_user_choice(step *s)
{
    agent_state *st = s->st;
    agent_choice c = s->ev->choice;
    uint32_t seq = s->ev->prompt_seq;
    char label[64];
    if (st->pending == AGENT_PENDING_NONE) {
        say(s, AGENT_LOG_WARNING, "user choice %d with nothing pending: ignored", (int)c);
        return;
    }
    pending_label(s, label, sizeof label);
    /* An answer to a prompt that a newer one replaced (the change became
     * a restart, or another came, while the dialog was up) says nothing
     * of the change pending now: the newer prompt stands. Only a restart
     * is taken, as it applies every change. Menu commands carry seq 0. */
    if (seq != 0 && seq != st->prompt_seq &&
        !(c == AGENT_USER_RESTART_NOW && st->pending == AGENT_PENDING_RESTART)) {
        say(s, AGENT_LOG_INFO,
            "user choice %d answers prompt %lu, but prompt %lu (%s of %s) replaced it: ignored",
            (int)c, (unsigned long)seq, (unsigned long)st->prompt_seq,
            agent_pending_name(st->pending), label);
        return;
    }
    switch (c) {
    case AGENT_USER_RESTART_NOW:
        /* A reminder in case Windows does not restart (an application
         * refused): a restart clears it at the next start. */
        st->deferred_until = s->now + HOUR_S;
        st->countdown_end = 0;
        say(s, AGENT_LOG_INFO, "user chose to restart now for %s", label);
        command(s, AGENT_ACT_RESTART);
        return;
    case AGENT_USER_LOGOFF_NOW:
        if (st->pending != AGENT_PENDING_LOGOFF) {
            say(s, AGENT_LOG_WARNING,
                "user chose to log off, but %s needs a restart: a logoff would not apply it; "
                "ignored",
                label);
            return;
        }
        st->deferred_until = s->now + HOUR_S;
        st->countdown_end = 0;
        say(s, AGENT_LOG_INFO, "user chose to log off now for %s", label);
        command(s, AGENT_ACT_LOGOFF);
        return;
    case AGENT_USER_LATER_1H:
        defer(s, s->now + HOUR_S, "later (1 hour)");
        return;
    case AGENT_USER_LATER_4H:
        defer(s, s->now + 4 * HOUR_S, "later (4 hours)");
        return;
    case AGENT_USER_LATER_TOMORROW:
        defer(s, tomorrow_nine(s), "later (tomorrow 09:00)");
        return;
    case AGENT_USER_DISMISSED:
        defer(s, s->now + HOUR_S, "to close the prompt");
        return;
    }
    say(s, AGENT_LOG_WARNING, "unknown user choice %d: ignored", (int)c);
}

/* The ladder's next rung, when it is due: the countdown's end, the
 * deadline (for a change the user was shown), or a deferral's end. */
static bool ladder_due(step *s)
{
    agent_state *st = s->st;
    agent_time dl = countdown_due(s);
    if (st->pending == AGENT_PENDING_NONE)
        return false;
    if (st->countdown_end != 0) {
        if (st->countdown_end > s->now)
            return false;
        end_countdown(s);
        return true;
    }
    bool deadline = dl != 0 && dl <= s->now && st->prompted_at != 0;
    bool deferral = st->deferred_until != 0 && st->deferred_until <= s->now;
    if (!deadline && !deferral)
        return false;
    if (s->cfg->prompts_enabled)
        prompt(s, deadline ? "deadline reached" : "deferral ended");
    else
        say(s, AGENT_LOG_INFO, "%s; prompts are off by policy: status only",
            deadline ? "deadline reached" : "deferral ended");
    return true;
}

/* The PC woke up, or its clock changed: every timer is a wall-clock time,
 * so what is due now happens now and the next wake is computed afresh. A
 * deadline that came while the PC slept gives it the grace period. */
static void on_reanchor(step *s, bool resumed)
{
    char t[24];
    if (resumed)
        s->st->awake_since = s->now;
    when(s, s->now, t, sizeof t);
    say(s, AGENT_LOG_INFO, "%s at %s: timers re-anchored",
        resumed ? "the PC resumed" : "the clock changed", t);
    if (ladder_due(s))
        return;
    if (s->st->share_retry_at != 0 && s->st->share_retry_at <= s->now)
        start_pass(s, false, "share retry due");
}

static void on_credentials_refreshed(step *s)
{
    if (!creds_blocked(s->st)) {
        say(s, AGENT_LOG_INFO, "session unlocked or a new logon: nothing was refused");
        return;
    }
    creds_lift(s, "the session was unlocked or a new logon");
    start_pass(s, false, "credentials refreshed");
}

static void on_took_over(step *s)
{
    if (!s->cfg->machine_work) {
        say(s, AGENT_LOG_WARNING, "took over the machine's work, but the shell says not: ignored");
        return;
    }
    s->force_status = true;
    start_pass(s, false, "this agent now does the machine's work");
}

/* The owner's findings replace this agent's view of the machine (it
 * checks nothing itself); what is the user's own (a pending change, the
 * deferrals) stays. */
static void on_machine(step *s)
{
    agent_state *st = s->st;
    const agent_machine *m = &s->ev->machine;
    if (s->cfg->machine_work) {
        say(s, AGENT_LOG_INFO, "machine state from session %lu ignored: this agent is the owner",
            (unsigned long)m->owner_session);
        return;
    }
    st->last_pass = m->last_pass;
    st->last_check = m->last_check;
    st->local = m->local;
    st->server = m->server;
    st->has_result = m->has_result;
    st->last_result = m->last_result;
    st->setup_ran = m->setup_ran;
    st->setup_ok = m->setup_ok;
    st->setup_version = m->setup_version;
    st->setup_failures = m->setup_failures;
    st->request_since = m->request_since;
    copy_clean(st->last_error, sizeof st->last_error, m->last_error, sizeof m->last_error);
    copy_clean(st->forward_error, sizeof st->forward_error, m->forward_error,
               sizeof m->forward_error);
    s->force_status = true;
}

void agent_machine_of(const agent_state *st, uint32_t session, agent_time now, agent_machine *m)
{
    memset(m, 0, sizeof *m);
    m->owner_session = session;
    m->updated = now;
    m->busy = st->phase != AGENT_PHASE_IDLE;
    m->last_pass = st->last_pass;
    m->last_check = st->last_check;
    m->local = st->local;
    m->server = st->server;
    m->has_result = st->has_result;
    m->last_result = st->last_result;
    m->setup_ran = st->setup_ran;
    m->setup_ok = st->setup_ok;
    m->setup_version = st->setup_version;
    m->setup_failures = st->setup_failures;
    m->request_since = st->request_since;
    snprintf(m->last_error, sizeof m->last_error, "%s", st->last_error);
    snprintf(m->forward_error, sizeof m->forward_error, "%s", st->forward_error);
}

static void on_timer(step *s)
{
    agent_state *st = s->st;
    bool due = ladder_due(s);
    if (st->share_retry_at != 0 && st->share_retry_at <= s->now) {
        due = true;
        start_pass(s, false, "share retry due");
    }
    if (st->busy_retry_at != 0 && st->busy_retry_at <= s->now) {
        due = true;
        st->busy_retry_at = 0;
        /* A retry keeps the doubling going; queued behind a running pass
         * it counts as a change (that pass is one). */
        if (start_pass(s, false, "inventory file(s) were being written"))
            st->pass_busy_retry = st->pass_for_files = true;
    }
    if (jitter_due(s))
        due = true;
    if (window_due(s)) {
        due = true;
        window_restart(s);
    }
    if (!due)
        say(s, AGENT_LOG_INFO, "timer: nothing due");
}

/* Sets *t to limit when it lies more than the slack past it. The slack
 * keeps a clock corrected by seconds from rewriting the state each step. */
static bool bound_time(agent_time *t, agent_time limit)
{
    if (*t <= limit + AGENT_CLOCK_SLACK_S)
        return false;
    *t = limit;
    return true;
}

/* A clock set backwards leaves saved times far ahead: bound each one by the
 * farthest the agent itself could have set, so nothing waits for years. */
static void clamp_clock(step *s)
{
    agent_state *st = s->st;
    agent_time now = s->now;
    bool clamped = false;

    clamped |=
        bound_time(&st->deferred_until, now + AGENT_DEFER_MAX_S + s->cfg->quiet_after_logon_s);
    clamped |= bound_time(&st->share_retry_at, now + share_max_s(s->cfg));
    clamped |= bound_time(&st->busy_retry_at,
                          now + ((agent_time)AGENT_BUSY_RETRY_FIRST_S << AGENT_BUSY_RETRIES));
    clamped |= bound_time(&st->setup_retry_at, now + setup_max_s(s->cfg));
    clamped |= bound_time(&st->start_pass_at, now + s->cfg->startup_jitter_s);
    clamped |= bound_time(&st->pending_since, now);
    clamped |= bound_time(&st->countdown_end, now + countdown_length(s));
    clamped |= bound_time(&st->request_since, now);
    clamped |= bound_time(&st->window_restart_at, now);
    if (clamped)
        say(s, AGENT_LOG_WARNING,
            "saved times lie far ahead (clock set backwards?): bounded from now");
}

static agent_time earliest(agent_time t, agent_time u, agent_time now)
{
    if (u <= now)
        return t;
    return t == 0 ? u : min_time(t, u);
}

/* The earliest future time something is due; 0 when nothing is. */
static agent_time next_wake(const step *s)
{
    const agent_state *st = s->st;
    agent_time now = s->now, t = 0;
    if (st->pending != AGENT_PENDING_NONE) {
        t = earliest(t, st->deferred_until, now);
        t = earliest(t, st->countdown_end, now);
        if (st->countdown_end == 0 && st->prompted_at != 0)
            t = earliest(t, countdown_due(s), now);
    }
    if (st->share_retry_at > now)
        t = t == 0 ? st->share_retry_at : min_time(t, st->share_retry_at);
    if (st->busy_retry_at > now)
        t = t == 0 ? st->busy_retry_at : min_time(t, st->busy_retry_at);
    if (st->start_pass_at > now)
        t = t == 0 ? st->start_pass_at : min_time(t, st->start_pass_at);
    if (window_applies(s)) {
        /* The next opening: inside an open window a restart not taken
         * waits for a sign-out (AGENT_EV_SESSIONS_CHANGED), never a poll. */
        agent_time open = window_utc(s, maintwin_next_open(&s->cfg->restart_window, local_now(s)));
        if (open > now)
            t = t == 0 ? open : min_time(t, open);
    }
    return t;
}

static void push(agent_actions *out, const agent_action *a)
{
    if (out->n < AGENT_MAX_ACTIONS)
        out->a[out->n++] = *a;
}

static void push_type(agent_actions *out, agent_action_type type, agent_time at)
{
    agent_action a;
    memset(&a, 0, sizeof a);
    a.type = type;
    a.at = at;
    push(out, &a);
}

/* The commands whose I/O the shell runs as a job and does not wait for. */
static bool is_job(agent_action_type t)
{
    return t == AGENT_ACT_FORWARD || t == AGENT_ACT_READ_VERSIONS || t == AGENT_ACT_RUN_SETUP ||
           t == AGENT_ACT_READ_REPORT;
}

static void finish(const step *s, const agent_state *before, agent_icon icon_before,
                   agent_actions *out)
{
    const agent_state *st = s->st;
    bool save = !persisted_equal(before, st);
    bool status =
        s->force_status || save || before->phase != st->phase || icon_before != agent_icon_of(st);
    bool jobs_first = s->ncmds > 0;

    for (unsigned i = 0; i < s->ncmds; i++)
        jobs_first = jobs_first && is_job(s->cmds[i].type);
    for (unsigned i = 0; i < s->nlogs; i++)
        push(out, &s->logs[i]);
    if (jobs_first)
        for (unsigned i = 0; i < s->ncmds; i++)
            push(out, &s->cmds[i]);
    if (save)
        push_type(out, AGENT_ACT_SAVE_STATE, 0);
    if (status)
        push_type(out, AGENT_ACT_STATUS, 0);
    if (!jobs_first)
        for (unsigned i = 0; i < s->ncmds; i++)
            push(out, &s->cmds[i]);
    push_type(out, AGENT_ACT_SCHEDULE, next_wake(s));
}

void agent_step(agent_state *st, const agent_config *cfg, const agent_event *ev, agent_actions *out)
{
    if (out == NULL)
        return;
    out->n = 0;
    if (st == NULL || cfg == NULL || ev == NULL)
        return;
    if (ev->type == AGENT_EV_SESSION_ENDING) {
        /* Windows is ending the session: save and never stand in its way. */
        push_type(out, AGENT_ACT_SAVE_STATE, 0);
        return;
    }

    step s;
    memset(&s, 0, sizeof s);
    s.st = st;
    s.cfg = cfg;
    s.ev = ev;
    s.now = ev->now;
    agent_state before = *st;
    agent_icon icon_before = agent_icon_of(st);

    clamp_clock(&s);
    switch (ev->type) {
    case AGENT_EV_START:
        on_start(&s);
        break;
    case AGENT_EV_INVENTORY:
        on_inventory(&s, false);
        break;
    case AGENT_EV_CHECK_NOW:
        on_inventory(&s, true);
        break;
    case AGENT_EV_FORWARDED:
        on_forwarded(&s);
        break;
    case AGENT_EV_VERSIONS:
        on_versions(&s);
        break;
    case AGENT_EV_SETUP_EXITED:
    case AGENT_EV_SETUP_NOT_STARTED:
    case AGENT_EV_SETUP_TIMED_OUT:
        on_setup_result(&s);
        break;
    case AGENT_EV_REPORT:
        on_report(&s);
        break;
    case AGENT_EV_USER_CHOICE:
        on_user_choice(&s);
        break;
    case AGENT_EV_TIMER:
        on_timer(&s);
        break;
    case AGENT_EV_SESSION_ENDING:
        break; /* handled above */
    case AGENT_EV_RESUMED:
        on_reanchor(&s, true);
        break;
    case AGENT_EV_CLOCK_CHANGED:
        on_reanchor(&s, false);
        break;
    case AGENT_EV_CREDENTIALS_REFRESHED:
        on_credentials_refreshed(&s);
        break;
    case AGENT_EV_TOOK_OVER:
        on_took_over(&s);
        break;
    case AGENT_EV_MACHINE:
        on_machine(&s);
        break;
    case AGENT_EV_SESSIONS_CHANGED:
        /* Someone signed out: the window's restart may be free to go. */
        window_restart(&s);
        break;
    default:
        say(&s, AGENT_LOG_WARNING, "unknown event %d: ignored", (int)ev->type);
        break;
    }
    finish(&s, &before, icon_before, out);
}
