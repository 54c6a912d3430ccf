/*
 * agent.h: Climon's decision machine.
 *
 * The Win32 shell turns what happens (a .RAW file appears, Client Setup
 * exits, the manager writes the registry, the user clicks, a timer fires)
 * into agent_event values and feeds them to agent_step(), which updates the
 * state and returns the actions to carry out. The machine does no I/O,
 * reads no clock (time comes in every event) and allocates nothing, so
 * every rule below is tested without Windows:
 *
 *  - Client Setup runs only when both CopyListVersions are known and
 *    differ; never twice for the same server version unless the last run
 *    failed; after failures it backs off (doubling, capped) and gives up on
 *    that version after cfg->setup_max_failures, and it is only ever
 *    retried from an inventory pass or an explicit check, never a timer.
 *  - An inventory file still open for writing is left for later; a pass
 *    that only found such files checks nothing and looks again on a
 *    doubling timer (AGENT_BUSY_RETRY_FIRST_S, AGENT_BUSY_RETRIES times).
 *  - A share that cannot be reached is retried on a doubling timer
 *    (cfg->share_retry_base_s up to cfg->share_retry_max_s), never faster:
 *    the old Client Monitor locked accounts retrying every 60 s.
 *  - A share that refuses the user's credentials (AGENT_FAIL_CREDENTIALS)
 *    is not tried again at all, by no timer, pass or check, until the
 *    credentials are refreshed (AGENT_EV_CREDENTIALS_REFRESHED: the
 *    session unlocked, or a new logon); the block survives an agent
 *    restart within the same logon. A local problem (AGENT_FAIL_LOCAL) is
 *    no share failure: no backoff, and the versions are still compared.
 *    A full inventory box backs off as the share does, and the versions
 *    are still compared.
 *  - The user is prompted only for a change the manager reported, once per
 *    change, and only when the site and the admin allow prompts. A restart
 *    pending wins over a logoff pending; a restart or a new logon the user
 *    makes on their own clears what it satisfies.
 *  - A change needs no help from the site to be told from the next: a
 *    Change Id when the site gives one (our lab's extension), else the
 *    Client Services key's last-write time. A flag written before this boot
 *    was applied by the restart since (Q270697): never prompted again.
 *  - The restart ladder: deferrals end at the admin's deadline and after
 *    the admin's count; then a final countdown that cannot be postponed
 *    ends in the restart. A PC away (off, asleep, nobody logged on) at the
 *    deadline gets a grace period from its return; a countdown that ended
 *    while it slept starts again: never an instant restart.
 *  - Client Setup is judged by what it left (SMS.INI's CopyListVersion,
 *    our request in CCR.BOX), never by its exit code: SMS 1.2's CLI_NT.EXE
 *    documents none.
 */
#ifndef CLIMON_AGENT_H
#define CLIMON_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "climon/copylist.h"
#include "climon/maintwin.h"

#define AGENT_TEXT_MAX 255       /* log lines, error texts */
#define AGENT_COMPONENTS_MAX 255 /* "Inventory Agent 1.2.1, Remote Control 2.0" */
#define AGENT_MAX_ACTIONS 16
#define AGENT_BUSY_RETRY_FIRST_S 5u /* then 10, 20, 40, 80, 160 */
#define AGENT_BUSY_RETRIES 6u
#define AGENT_REPORT_COMPONENTS 16 /* component subkeys a report carries */
#define AGENT_COMPONENT_TEXT 64    /* "Inventory Agent 1.2.1" */

typedef uint64_t agent_time; /* seconds since 1970-01-01 UTC */

/* agent_state.last_setup_exit when Client Setup gave no exit code. */
#define AGENT_SETUP_TIMED_OUT (-1)
#define AGENT_SETUP_NOT_STARTED (-2)

/* Why a job on the share failed; the shell maps Win32 errors to these in
 * one place (src/climon/failclass.c), the core decides what each means. */
typedef enum agent_failure {
    AGENT_FAIL_SHARE = 0,   /* the share could not be reached (also: not said) */
    AGENT_FAIL_CREDENTIALS, /* the server refused the user's credentials */
    AGENT_FAIL_BOX_FULL,    /* the inventory box has no room */
    AGENT_FAIL_LOCAL        /* this computer: inventory folder, a local file, settings */
} agent_failure;

/* Inventory files already in the box that could not be deleted from the
 * inventory folder (read-only beyond our reach, denied): remembered, so
 * they are not delivered again once the site empties the box. */
#define AGENT_KEPT_MAX 8
#define AGENT_KEPT_NAME_MAX 63 /* longer names are not remembered */
typedef struct agent_kept_file {
    char name[AGENT_KEPT_NAME_MAX + 1]; /* file name in the inventory folder (UTF-8) */
    uint32_t hash;                      /* FNV-1a of its bytes, as in its name in the box */
} agent_kept_file;
typedef struct agent_kept {
    uint32_t n;
    agent_kept_file f[AGENT_KEPT_MAX];
} agent_kept;

typedef enum agent_pending {
    AGENT_PENDING_NONE = 0,
    AGENT_PENDING_LOGOFF = 1,
    AGENT_PENDING_RESTART = 2 /* greater wins */
} agent_pending;

typedef enum agent_phase { /* not persisted */
                           AGENT_PHASE_IDLE = 0,
                           AGENT_PHASE_FORWARDING,
                           AGENT_PHASE_CHECKING,
                           AGENT_PHASE_SETUP
} agent_phase;

/* What the icon and tooltip show, most urgent first. */
typedef enum agent_icon {
    AGENT_ICON_UP_TO_DATE = 0,
    AGENT_ICON_CHECKING,
    AGENT_ICON_REQUEST_PENDING, /* a request is with the manager */
    AGENT_ICON_ACTION_NEEDED,   /* restart or logoff pending */
    AGENT_ICON_ERROR            /* last pass failed: share away, setup failing */
} agent_icon;

/* Deferral choices offered with the prompt (bit mask). */
enum {
    AGENT_CHOICE_1H = 1u << 0,
    AGENT_CHOICE_4H = 1u << 1,
    AGENT_CHOICE_TOMORROW = 1u << 2 /* 09:00 local time the next day */
};

typedef enum agent_choice {
    AGENT_USER_RESTART_NOW = 0,
    AGENT_USER_LOGOFF_NOW,
    AGENT_USER_LATER_1H,
    AGENT_USER_LATER_4H,
    AGENT_USER_LATER_TOMORROW,
    AGENT_USER_DISMISSED /* closed without a choice: as Later 1 hour */
} agent_choice;

typedef struct agent_config {
    uint32_t setup_retry_base_s;  /* first wait after a failed setup (900) */
    uint32_t setup_retry_max_s;   /* cap of the doubling (86400) */
    uint32_t setup_max_failures;  /* then wait for a new server version (5) */
    uint32_t share_retry_base_s;  /* first wait after the share failed (300) */
    uint32_t share_retry_max_s;   /* cap (14400) */
    bool prompts_enabled;         /* admin policy; false: status only */
    uint32_t deadline_s;          /* 0 none; else deferrals end this long after the change */
    uint32_t quiet_after_logon_s; /* no prompt this soon after logon (0) */
    unsigned deferral_choices;    /* AGENT_CHOICE_* the admin allows (all three) */
    uint32_t max_deferrals;       /* 0 no limit; else the countdown follows the last one */
    uint32_t countdown_s;         /* the final countdown (900); never under 60 */
    uint32_t grace_s;             /* away at the deadline: this long from the return (7200) */
    /* Start-up jitter (policy StartupJitterMinutes): the first pass after
     * AGENT_EV_START waits agent_startup_delay_s(), a per-client offset
     * in [0, startup_jitter_s), so that a site's logons do not all reach
     * the logon server at once. 0: at once. Check now never waits. */
    uint32_t startup_jitter_s;
    uint32_t jitter_key; /* agent_jitter_key() of the SMS Unique ID, from the shell */
    /* This agent does the machine's work (forwarding, the version check,
     * Client Setup). false: another session's agent or the service does
     * it; this one reads the manager's report and prompts its user only,
     * and shows the machine's state (AGENT_EV_MACHINE). */
    bool machine_work;
    /* Policy ServerRestartWindow: with prompts off (the service), a restart
     * the manager reports is carried out inside this window when nobody is
     * signed in to the PC (agent_event.users); none: status only. */
    maintwin restart_window;
} agent_config;

/* Whether the window's rule may need agent_event.users: the shell asks
 * Windows who is signed in only then. */
bool agent_counts_users(const agent_config *cfg);

#define AGENT_NO_LIMIT UINT32_MAX /* agent_action.deferrals_left without MaxDeferrals */

void agent_config_default(agent_config *cfg);

/* Up to AGENT_REPORT_COMPONENTS 32-bit hashes. */
typedef struct agent_hashes {
    uint32_t n;
    uint32_t h[AGENT_REPORT_COMPONENTS];
} agent_hashes;

/* A component subkey of Client Services, as the shell found it. */
typedef struct agent_component {
    char text[AGENT_COMPONENT_TEXT]; /* display name and installed version */
    agent_time written;              /* the subkey's last-write time; 0 unknown */
} agent_component;

/* The manager's report, as the shell read it from the Client Services key.
 * Only restart is what SMS 1.2 documents; the rest is used when present. */
/* A 32-bit key of a client's name (FNV-1a, without case): the same client
 * gets the same offset at every start, clients spread evenly. */
uint32_t agent_jitter_key(const char *name);
/* The first pass's delay after a start, in [0, startup_jitter_s). */
uint32_t agent_startup_delay_s(const agent_config *cfg);

/* The manager's report, as the shell read it from the Client Services key. */
typedef struct agent_report {
    bool restart;        /* Reboot Required = 1 */
    bool logoff;         /* Logoff Required = 1 (our lab's extension) */
    bool prompt_allowed; /* Prompt for Restart != 0 (absent = allowed) */
    bool request_queued; /* our .CCR is still in CCR.BOX */
    uint32_t change_id;  /* Change Id; 0 = none given (a real site gives none) */
    agent_time written;  /* the key's last-write time (RegQueryInfoKeyW); 0 unknown */
    char components[AGENT_COMPONENTS_MAX + 1]; /* Changed Components; "" none */
    bool components_read;                      /* the subkeys below are all the key has */
    unsigned ncomponents;                      /* component subkeys, when the key has them */
    agent_component component[AGENT_REPORT_COMPONENTS];
} agent_report;

/* Persisted across agent restarts (state.h reads and writes it), plus the
 * phase. Zero-initialise, or agent_state_init(). */
typedef struct agent_state {
    agent_phase phase;

    /* The pass in progress; not persisted. */
    agent_time pass_started; /* a pass older than a few hours is taken as lost */
    bool pass_by_user;       /* CHECK_NOW: may skip a setup backoff wait, not the cap */
    bool pass_again;         /* INVENTORY during a pass: forward again when it ends */
    bool pass_busy_retry;    /* the pass is a retry of files that were being written */
    bool pass_for_files;     /* started by an inventory file: none forwarded, no check */
    /* Inventory files still being written; not persisted (a start forwards
     * whatever is left). Retried on a doubling timer, a bounded number of
     * times after the last change, since closing a file need not wake the
     * directory watch. */
    uint32_t busy_retries;
    agent_time busy_retry_at; /* 0: none scheduled */

    /* The first pass after a start, waiting out the start-up jitter; not
     * persisted (a new start draws it again). 0: none waiting. */
    agent_time start_pass_at;
    agent_time started_at; /* when AGENT_EV_START came */

    /* Session identity, from AGENT_EV_START; not persisted. */
    agent_time boot_time;
    agent_time logon_time;
    uint64_t start_uptime; /* uptime at START (s) */
    uint32_t boot_id;      /* 0: unknown */
    uint32_t prompt_seq;   /* the PROMPT an answer must name; not persisted */

    /* Client Setup bookkeeping */
    bool setup_ran;            /* setup_version is meaningful */
    uint32_t setup_version;    /* server CopyListVersion of the last run */
    bool setup_ok;             /* that run succeeded */
    uint32_t setup_failures;   /* consecutive failed runs for setup_version */
    agent_time setup_retry_at; /* no new run before (after a failure) */
    int32_t last_setup_exit;   /* exit code, or AGENT_SETUP_TIMED_OUT / _NOT_STARTED */

    /* Share reachability */
    uint32_t share_failures;
    agent_time share_retry_at; /* 0: none scheduled */

    /* Request filed and not yet answered */
    agent_time request_since; /* 0: none */

    /* Change reported by the manager */
    agent_pending pending;
    agent_time pending_since;
    agent_time pending_boot;   /* boot time when it was reported */
    agent_time pending_logon;  /* logon time when it was reported */
    uint64_t pending_uptime;   /* uptime when it was reported (s); 0 unknown */
    uint32_t pending_boot_id;  /* boot id when it was reported; 0 unknown */
    uint32_t change_id;        /* the site's Change Id; 0 none */
    agent_time change_written; /* the key's last-write time for the change; 0 unknown */
    uint32_t done_change_id;   /* a change already satisfied: never prompt for it again */
    agent_time done_written;   /* its key write time, 0 unknown */
    agent_time done_at;        /* when the last change was done; 0 never */
    /* The component subkeys as the last report found them (a hash of each
     * one's name and version), so that a change the site does not name is
     * named by what differs. */
    bool seen_known;
    agent_hashes seen;
    char components[AGENT_COMPONENTS_MAX + 1];
    agent_time deferred_until; /* 0: not deferred */
    agent_time prompted_at;    /* 0: not yet shown for this change */
    uint32_t deferrals_used;   /* for this change */
    agent_time countdown_end;  /* the final countdown runs until then; 0 none */
    agent_time awake_since;    /* START or the last resume; not persisted */
    bool announce_updated;     /* a restart satisfied a change: say so once */

    /* For the status window */
    agent_time last_pass;    /* last inventory pass */
    uint32_t last_forwarded; /* .RAW files it forwarded */
    agent_time last_check;
    clv local;
    clv server;
    clv_result last_result;
    bool has_result;
    char last_error[AGENT_TEXT_MAX + 1]; /* "" when the last pass was clean */

    /* Failure classes (persisted; see agent_failure). */
    agent_time creds_refused_at;            /* 0: none; else no share attempt until refreshed */
    agent_time creds_refused_logon;         /* the logon it happened in: a new one lifts it */
    agent_time creds_refused_boot;          /* the boot it happened in: a restart lifts it */
    char forward_error[AGENT_TEXT_MAX + 1]; /* the last forward's local or box-full problem */
    agent_kept kept;                        /* delivered, could not be deleted */
    agent_time window_restart_at;           /* the maintenance window's last restart asked */
} agent_state;

void agent_state_init(agent_state *st);

typedef enum agent_event_type {
    AGENT_EV_START,                 /* boot_time, logon_time */
    AGENT_EV_INVENTORY,             /* a .RAW appeared, or files were left at start */
    AGENT_EV_CHECK_NOW,             /* the user or /check asked for a pass now */
    AGENT_EV_FORWARDED,             /* ok, count, error */
    AGENT_EV_VERSIONS,              /* local, server (CLV_UNREADABLE: could not read) */
    AGENT_EV_SETUP_EXITED,          /* exit_code */
    AGENT_EV_SETUP_NOT_STARTED,     /* error: CreateProcess failed, file missing */
    AGENT_EV_SETUP_TIMED_OUT,       /* the shell killed it */
    AGENT_EV_REPORT,                /* report */
    AGENT_EV_USER_CHOICE,           /* choice */
    AGENT_EV_TIMER,                 /* the time asked for by AGENT_ACT_SCHEDULE came */
    AGENT_EV_SESSION_ENDING,        /* WM_ENDSESSION: save, nothing else */
    AGENT_EV_CREDENTIALS_REFRESHED, /* session unlocked or a new logon: try the share again */
    AGENT_EV_RESUMED,               /* the PC woke from sleep: re-anchor timers, grace */
    AGENT_EV_CLOCK_CHANGED,         /* WM_TIMECHANGE: re-anchor timers */
    AGENT_EV_TOOK_OVER,             /* this agent now does the machine's work: a pass */
    AGENT_EV_MACHINE,               /* the owner's machine state (machine), for the status */
    AGENT_EV_SESSIONS_CHANGED       /* a user signed in or out (the service): users */
} agent_event_type;

/* What the machine's owner (one session's agent, or the service) found
 * for the whole machine; the other sessions' agents show it. A file of
 * users' writing: shown, never acted on. */
typedef struct agent_machine {
    uint32_t owner_session; /* the session of the agent that wrote it */
    agent_time updated;
    bool busy; /* a pass or Client Setup was running */
    agent_time last_pass, last_check;
    clv local, server;
    bool has_result;
    clv_result last_result;
    bool setup_ran, setup_ok;
    uint32_t setup_version, setup_failures;
    agent_time request_since;
    char last_error[AGENT_TEXT_MAX + 1];
    char forward_error[AGENT_TEXT_MAX + 1];
} agent_machine;

typedef struct agent_event {
    agent_event_type type;
    agent_time now;
    int32_t local_offset_s; /* local time minus UTC, for "tomorrow" */
    bool has_next_day_offset;
    int32_t next_day_offset_s; /* the same 24 h from now (a daylight-saving change) */
    uint64_t uptime_s; /* every event: seconds since boot on a clock no step moves; 0 unknown */

    agent_time boot_time;  /* START: the boot instant Windows records */
    agent_time logon_time; /* START */
    uint32_t boot_id;      /* START: Windows' count of boots; 0 unknown */
    bool ok;               /* FORWARDED */
    uint32_t count;        /* FORWARDED: files moved */
    uint32_t busy;         /* FORWARDED: files left, still open for writing */
    clv local, server;     /* VERSIONS */
    bool has_local;        /* SETUP_EXITED: local = SMS.INI read again after setup */
    bool request_filed;    /* SETUP_EXITED: our .CCR is in CCR.BOX after the run */
    int32_t exit_code;     /* SETUP_EXITED: logged, never judged */
    /* SETUP_EXITED: none was started; another agent's Client Setup (the
     * guard beside SMS.INI was its) had brought SMS.INI to the server's
     * version, read again in local. */
    bool setup_by_other;
    agent_report report;            /* REPORT */
    agent_choice choice;            /* USER_CHOICE */
    uint32_t prompt_seq;            /* USER_CHOICE: the seq of the PROMPT answered */
    char error[AGENT_TEXT_MAX + 1]; /* FORWARDED (not ok), SETUP_NOT_STARTED, VERSIONS */
    /* FORWARDED (not ok), VERSIONS (server unreadable), SETUP_NOT_STARTED: why. */
    agent_failure fail;
    uint32_t others;       /* FORWARDED: files another agent (session) delivered */
    agent_kept kept;       /* FORWARDED: files delivered earlier or now, still in the folder */
    agent_machine machine; /* MACHINE */
    /* Every event, when the shell counts them (a maintenance window is
     * set): the users signed in to the PC, this process's session too.
     * users_known false: not known, and nothing is restarted on a guess. */
    bool users_known;
    uint32_t users;
} agent_event;

typedef enum agent_action_type {
    AGENT_ACT_FORWARD,       /* move .RAW files to the inventory box; answer FORWARDED */
    AGENT_ACT_READ_VERSIONS, /* read both CopyListVersions; answer VERSIONS */
    AGENT_ACT_RUN_SETUP,     /* start Client Setup; answer SETUP_* ; version = server */
    AGENT_ACT_READ_REPORT,   /* read Client Services; answer REPORT */
    AGENT_ACT_PROMPT,        /* balloon then dialog: pending, choices, text = components */
    AGENT_ACT_ANNOUNCE,      /* say once: components updated; text = components */
    AGENT_ACT_RESTART,       /* the user chose to restart: ask Windows */
    AGENT_ACT_LOGOFF,        /* the user chose to log off */
    AGENT_ACT_SCHEDULE,      /* next AGENT_EV_TIMER at `at`; at == 0: no timer */
    AGENT_ACT_LOG,           /* level, text */
    AGENT_ACT_SAVE_STATE,
    AGENT_ACT_STATUS,           /* icon, tooltip or status window may have changed */
    AGENT_ACT_WARN_CREDENTIALS, /* say once: lock and unlock to refresh the password */
    AGENT_ACT_COUNTDOWN         /* the final countdown: at = its end, pending, text = components */
} agent_action_type;

typedef enum agent_level {
    AGENT_LOG_INFO = 1,
    AGENT_LOG_WARNING = 2,
    AGENT_LOG_ERROR = 3
} agent_level;

typedef struct agent_action {
    agent_action_type type;
    agent_time at;           /* SCHEDULE */
    uint32_t version;        /* RUN_SETUP */
    agent_pending pending;   /* PROMPT */
    unsigned choices;        /* PROMPT: AGENT_CHOICE_* allowed */
    uint32_t seq;            /* PROMPT: the answer's USER_CHOICE carries it back */
    uint32_t deferrals_left; /* PROMPT: AGENT_NO_LIMIT, or how many are left */
    agent_time deadline;     /* PROMPT: when the countdown comes; 0 none */
    agent_level level;       /* LOG */
    char text[AGENT_TEXT_MAX + 1];
} agent_action;

typedef struct agent_actions {
    unsigned n;
    agent_action a[AGENT_MAX_ACTIONS];
} agent_actions;

/* Applies ev to st and fills out (cleared first) with the actions, in the
 * order to carry them out. Never fails; an event that makes no sense in the
 * current phase is logged and ignored. */
void agent_step(agent_state *st, const agent_config *cfg, const agent_event *ev,
                agent_actions *out);

agent_icon agent_icon_of(const agent_state *st);
/* The machine's part of st, as the owner publishes it. */
void agent_machine_of(const agent_state *st, uint32_t session, agent_time now, agent_machine *m);
/* When the final countdown of the pending change comes (the deadline, or
 * the grace period's end for a PC away at it); 0: none. */
agent_time agent_countdown_due(const agent_state *st, const agent_config *cfg);
/* Postponements the user has left for the pending change; AGENT_NO_LIMIT. */
uint32_t agent_deferrals_left(const agent_state *st, const agent_config *cfg);
const char *agent_pending_name(agent_pending p); /* "none", "logoff", "restart" */
const char *agent_icon_name(agent_icon i);       /* "up-to-date", "checking", ... */
const char *agent_failure_name(agent_failure f); /* "share", "credentials", ... */

#endif
