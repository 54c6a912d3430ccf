/*
 * climon.h: private header of climon.exe: the tray agent and, for servers,
 * the service. (The agent's decisions are not here: they are the core's
 * decision machine, src/core/agent.c, climon/agent.h.)
 *
 * Both are thin Win32 shells over that machine. Every agent_step runs on
 * the thread that owns the engine (engine.c);
 * workers (directory watch, registry watch, I/O jobs, Client Setup) only
 * wait, do their I/O and post the result to the hidden window as a
 * message. One file per concern:
 *
 *   main.c      wWinMain: command line, single instance, dispatch
 *   cmdline.c   the command line: verb and switches
 *   config.c    paths and settings: switch > policy > SMS.INI
 *   engine.c    agent_step and the actions; jobs go to a runner
 *   host.c      the engine's home in the window or the service: runner,
 *               owner lock, watches, and the messages they post
 *   service.c   the Windows service (/service) and its install and removal
 *   sessions.c  the other users signed in (for the restart prompt)
 *   owner.c     which session's agent does the machine's work; its state
 *   runner.c    where jobs run: threaded (tray, service) or inline (/check)
 *   jobs.c      the I/O behind FORWARD, READ_VERSIONS, READ_REPORT, and
 *               the answer for a job that could not run
 *   forward.c   .RAW files to the inventory box, crash-safe
 *   fsio.c      the Win32 calls a test fakes (share errors Wine cannot make)
 *   failclass.c Win32 errors -> agent_failure, in one place
 *   setupexec.c Client Setup as a child process with a timeout
 *   watcher.c   the watch threads' shared start, stop and post
 *   stacktrim.c gives back the stack pages a waiting or ending thread left
 *   dirwatch.c  directory change notifications on the inventory folder
 *   regwatch.c  registry change notifications on Client Services
 *   report.c    reads the manager's report from the registry
 *   window.c    the hidden top-level window and its procedure
 *   wndstate.c  a window procedure's state from its window's creation
 *   agentlog.c  opening the agent's log, its first lines
 *   tray.c      the notification icon and its menu
 *   notifystate.c  busy or quiet user (a test fakes it)
 *   prompt.c    the restart / logoff prompt
 *   restart.c   carrying out a restart or logoff (or the lab's hook)
 *   res.c       the string table and menu, in the user's language
 *   lang.c      which language, its plural rule, numbers
 *   countdown.c the final countdown window
 *   comctl.c    the common controls, loaded when a window first needs them
 *   statuswnd.c the status window
 *   checkcmd.c  /check
 *   console.c   console output for every command
 *   autostart.c /install, /uninstall (Run keys), /quit
 *   timefmt.c   agent_time <-> Windows time, local offset
 */
#ifndef CLIMON_AGENT_PRIVATE_H
#define CLIMON_AGENT_PRIVATE_H

#include <windows.h>
#include <shtypes.h> /* KNOWNFOLDERID */
#include <stdint.h>

#include "climon/agent.h"
#include "climon/state.h"
#include "logfile.h"

#define CLIMON_WNDCLASS L"Climon.Agent"
#define CLIMON_STATUS_WNDCLASS L"Climon.Status"
#define CLIMON_MUTEX L"Local\\Climon.Agent"
#define CLIMON_MSG_SHOW_STATUS L"Climon.ShowStatus" /* RegisterWindowMessage */
#define CLIMON_MSG_QUIT L"Climon.Quit"

#define CLIMON_PATH_MAX 1024   /* room for long (\\?\-less) UNC paths */
#define MIN_SETUP_TIMEOUT_S 1u /* /setuptimeout and SetupTimeoutSeconds */
#define MAX_SETUP_TIMEOUT_S 86400u
#define CLIMON_CMD_MAX 2048
#define CLIMON_ACCOUNT_MAX 257 /* DOMAIN\name: 15 + 1 + 240, and the NUL */

/* Exit codes of the command-line forms. */
enum {
    CLIMON_EXIT_OK = 0,
    CLIMON_EXIT_DIFFERS = 1, /* /check: versions differ; others: failed */
    CLIMON_EXIT_UNKNOWN = 2,
    CLIMON_EXIT_NO_AGENT = 3, /* the tray agent could not start: no window */
    CLIMON_EXIT_USAGE = 64
};

/* Messages the hidden window handles. */
enum {
    WMAPP_NOTIFYCALLBACK = WM_APP + 1, /* the notification icon */
    WMAPP_EVENT,      /* lParam: agent_event * from a worker (HeapAlloc; the window frees) */
    WMAPP_INVENTORY,  /* dirwatch: the inventory folder changed */
    WMAPP_REGCHANGE,  /* regwatch: Client Services changed */
    WMAPP_SHOWMENU,   /* posted click: wParam x, lParam y */
    WMAPP_OPENSTATUS, /* posted click: open the status window */
    WMAPP_PROMPT,     /* run the prompt outside agent_step's action loop */
    WMAPP_OWNER,      /* owner.c: wParam OWNER_TOOK_OVER or OWNER_MACHINE_CHANGED */
    WMAPP_SESSIONS    /* the service: a user signed in or out */
};

/* Timer ids on the hidden window. */
enum {
    TIMER_AGENT = 1,         /* AGENT_ACT_SCHEDULE */
    TIMER_TRAY_RETRY = 2,    /* NIM_ADD failed: the shell is not ready */
    TIMER_PROMPT_QUIET = 3,  /* the user is busy (presentation, full screen) */
    TIMER_PROMPT_DIALOG = 4, /* balloon shown; the dialog follows */
    TIMER_BALLOON_QUIET = 5  /* a balloon held through the user's quiet time */
};

/* ---- config.c ---- */

typedef enum config_source { SRC_DEFAULT = 0, SRC_SMSINI, SRC_POLICY, SRC_SWITCH } config_source;

typedef struct climon_config {
    wchar_t sms_ini[CLIMON_PATH_MAX];
    wchar_t share[CLIMON_PATH_MAX];    /* logon server share, "" when unknown */
    wchar_t invdata[CLIMON_PATH_MAX];  /* local inventory folder */
    wchar_t inv_box[CLIMON_PATH_MAX];  /* <share>\INVENTRY.BOX */
    wchar_t ccr_box[CLIMON_PATH_MAX];  /* <share>\CCR.BOX */
    wchar_t sms_path[CLIMON_PATH_MAX]; /* C:\MS\SMS */
    wchar_t state_dir[CLIMON_PATH_MAX];
    wchar_t log_path[CLIMON_PATH_MAX];
    wchar_t setup_cmd[CLIMON_CMD_MAX]; /* full command line, "" = the default */
    wchar_t restart_hook[CLIMON_PATH_MAX];
    DWORD setup_timeout_s;
    DWORD log_max_kb;
    config_source src_share, src_invdata, src_smsini, src_log, src_setup;
    /* From SMS.INI, for the status window and the unique names (UTF-8). */
    char site_code[16];
    char unique_id[40];
    char logon_server[64];
    agent_config core;
    /* Why SMS.INI could not be used, "" when it could (UTF-8). */
    char smsini_error[256];
    /* Why the log is not where the settings say, "" when it is (UTF-8). */
    char log_error[256];
    /* Why a policy value was refused, "" when none was (UTF-8). */
    char policy_error[160];
    /* The service (no user's session of its own), not a tray agent. */
    BOOL service;
} climon_config;

typedef enum cmd_verb {
    VERB_RUN = 0, /* the tray agent */
    VERB_CHECK,
    VERB_INSTALL,
    VERB_INSTALL_MACHINE,
    VERB_UNINSTALL,
    VERB_QUIT,
    VERB_HELP,
    VERB_SERVICE,          /* /service: run as the service (the SCM starts it so) */
    VERB_INSTALL_SERVICE,  /* /install:service (administrator) */
    VERB_UNINSTALL_SERVICE /* /uninstall:service (administrator) */
} cmd_verb;

typedef struct cmd_line {
    cmd_verb verb;
    BOOL show_status; /* /status: open the status window at start */
    /* Overrides; "" when not given. */
    wchar_t smsini[CLIMON_PATH_MAX];
    wchar_t share[CLIMON_PATH_MAX];
    wchar_t invdata[CLIMON_PATH_MAX];
    wchar_t statedir[CLIMON_PATH_MAX];
    wchar_t log[CLIMON_PATH_MAX];
    wchar_t setup[CLIMON_CMD_MAX];
    wchar_t restart_hook[CLIMON_PATH_MAX];
    wchar_t account[CLIMON_ACCOUNT_MAX]; /* /account: the service's, with /install:service */
    DWORD setup_timeout_s;               /* 0: not given */
    DWORD session;   /* /session: (tests) this agent's session id; 0: the real one */
    char error[256]; /* usage error, "" when none */
} cmd_line;

/* Parses argv (without argv[0]). Returns FALSE on a usage error, with
 * cl->error saying what. */
BOOL cmdline_parse(int argc, const wchar_t *const *argv, cmd_line *cl);

/* Fills cfg from the switches, the policy key and SMS.INI, in that order
 * of precedence. Never fails: what cannot be read stays "" and
 * cfg->smsini_error says why, so the agent runs and shows the error. */
void config_load(const cmd_line *cl, climon_config *cfg);

/* Fills cfg (zeroed first) with only what config_load takes from SMS.INI
 * and the switches and policy that beat it: what a pass re-reads. */
void config_reread_smsini(const cmd_line *cl, climon_config *cfg);

/* What config_adopt_smsini changed (bits). */
enum { CONFIG_CHANGED_INVDATA = 1u, CONFIG_CHANGED_SHARE = 2u, CONFIG_CHANGED_OTHER = 4u };

/* A pass re-reads SMS.INI (Client Setup or an admin may have changed it):
 * takes into cfg what fresh (config_reread_smsini) found in
 * it: the share and its boxes, INVDATA, SMSPath, site code, logon server,
 * Unique ID. Only a clean read replaces known paths: when fresh could not
 * read SMS.INI, cfg keeps what it had (an unreadable file is no reason to
 * forget the share) and the error is logged. Changes are logged. */
unsigned config_adopt_smsini(climon_config *cfg, const climon_config *fresh, logfile *lf);
/* What tells a pass whether SMS.INI or the policy may have changed since
 * the last re-read: a change notification on SMS.INI's folder and one on
 * HKLM\SOFTWARE\Policies, each only looked at (never waited on) when a
 * pass starts. Zeroed: nothing watched yet. Owned by one thread (the
 * registry's notification belongs to the thread that asked for it). */
typedef struct config_watch {
    HANDLE dir;                      /* FindFirstChangeNotificationW, or NULL */
    HKEY key;                        /* HKLM\SOFTWARE\Policies, or NULL */
    HANDLE reg;                      /* the event RegNotifyChangeKeyValue sets, or NULL */
    BOOL armed;                      /* both watches stand since the last re-read */
    BOOL dirty;                      /* the last re-read did not read SMS.INI cleanly */
    wchar_t path[CLIMON_PATH_MAX];   /* the SMS.INI the last re-read read */
    wchar_t folder[CLIMON_PATH_MAX]; /* the folder dir watches */
} config_watch;

/* Both in one: re-reads SMS.INI as the switches in cl say and adopts it
 * into cfg; what changed (0 as well when out of memory). With a watch
 * (may be NULL: always read), only when SMS.INI's folder or the policy
 * changed since the last clean read, or nothing could be watched. */
unsigned config_refresh(const cmd_line *cl, climon_config *cfg, logfile *lf, config_watch *w);
void config_watch_stop(config_watch *w);

/* <known folder>\Climon ("" when Windows names no such folder and the
 * environment variable env_name, when given, is not set either). */
void config_known_dir(const KNOWNFOLDERID *id, const wchar_t *env_name, wchar_t *out, size_t cap);

/* Reads the policy value name from HKLM\SOFTWARE\Policies\Climon. */
BOOL config_policy_sz(const wchar_t *name, wchar_t *out, size_t cap);
BOOL config_policy_dword(const wchar_t *name, DWORD *out);

/* The default Client Setup command for cfg: "<share>\X86.BIN\CLI_NT.EXE" /p:<share>. */
BOOL config_setup_command(const climon_config *cfg, wchar_t *cmd, size_t cap);

/* The state file: <state_dir>\state.ini. */
BOOL config_state_path(const climon_config *cfg, wchar_t *out, size_t cap);

/* ---- timefmt.c ---- */

agent_time time_now(void);
int32_t time_local_offset(void);
/* Local time minus UTC at t (seconds), by the time-zone rules for t. */
int32_t time_local_offset_at(agent_time t);
agent_time time_from_filetime(const FILETIME *ft);
/* The boot instant Windows records (NtQuerySystemInformation), exact;
 * now - uptime when it cannot be read. */
agent_time time_boot(void);
/* Seconds since boot on a clock that no clock change moves; 0 when that
 * clock is not of the boot time_boot gives (Wine). */
uint64_t time_uptime(void);
/* Windows' count of boots (BootId, Windows 8 and later); 0 unknown. */
uint32_t time_boot_id(void);
/* Fills an AGENT_EV_START's boot time, logon time and boot id. */
void time_start_event(agent_event *ev);
/* Logon time of this session; see docs/agent.md for the fallback. */
agent_time time_logon(void);
/* "2026-11-24 13:49" in local time, or the "never" string when t == 0. */
void time_format_local(agent_time t, wchar_t *out, size_t cap);
/* Timer id of hwnd fires at the wall-clock time at (at once when it is
 * past; SetTimer's limit of about 24 days: a later wake re-schedules);
 * at == 0 kills it. */
void time_set_timer(HWND hwnd, UINT_PTR id, agent_time at);

/* ---- forward.c ---- */

/* 32-bit FNV-1a over bytes, continuing from h (start with FORWARD_FNV_SEED). */
#define FORWARD_FNV_SEED 2166136261u
uint32_t forward_fnv1a(uint32_t h, const void *data, size_t len);

/* The stem of the unique name in the inventory box for a file whose bytes
 * hash to hash, on attempt n (0 first; a different file already holding
 * a name moves to the next): the last 4 characters of the SMS Unique ID
 * and 8 hex digits, e.g. "1000A1B2C3D4". */
void forward_unique_stem(const char *unique_id, uint32_t hash, unsigned n, wchar_t *out,
                         size_t cap);

/* A claim on an inventory file: the agent that renamed it to its claim
 * name, and when. */
typedef struct forward_claim {
    DWORD pid;        /* the claiming process */
    uint32_t started; /* low 32 bits of its creation FILETIME: a reused pid is not it */
    uint32_t boot;    /* time_boot() of its kernel: only there can its process be looked up */
    uint32_t at;      /* when it claimed (time_now(), low 32 bits) */
} forward_claim;

typedef enum forward_claim_state {
    FORWARD_CLAIM_OURS,  /* this process's */
    FORWARD_CLAIM_LIVE,  /* another agent's, at it (or nobody can tell): left alone */
    FORWARD_CLAIM_GONE,  /* its process is no more: taken back */
    FORWARD_CLAIM_STALE, /* older than CLAIM_STALE_S (or that far ahead): taken back */
} forward_claim_state;

/* This process's claim at now. */
void forward_claim_self(forward_claim *c, agent_time now);
/* "<raw>.<pid>-<started>-<boot>-<at>.CLM" (hex but the pid); FALSE when
 * it does not fit in cap. */
BOOL forward_claim_name(const wchar_t *raw, const forward_claim *c, wchar_t *out, size_t cap);
/* The .RAW name a claim's file name was (raw, cap) and its claim; FALSE
 * for a name that is not one. */
BOOL forward_claim_parse(const wchar_t *name, wchar_t *raw, size_t cap, forward_claim *c);
/* What to do with claim c found by self at now (looks up c's process). */
forward_claim_state forward_claim_judge(const forward_claim *c, const forward_claim *self,
                                        agent_time now);

/* TRUE when invdata holds a *.RAW file or a claim to take back (a local
 * look, no share). */
BOOL forward_any(const wchar_t *invdata);

typedef struct forward_result {
    uint32_t count;     /* files now in the box (moved, or found there from before) */
    uint32_t busy;      /* left for later: still being written, or another agent
                           is delivering the same file right now */
    uint32_t others;    /* claimed or gone before we could claim them: another agent's */
    agent_kept kept;    /* in the box, and still in invdata: could not be deleted */
    agent_failure fail; /* when forward_all is FALSE: the class of err */
    char err[AGENT_TEXT_MAX + 1];
} forward_result;

/* Moves every *.RAW in invdata into inv_box (claim it by a rename in
 * invdata, copy as this agent's .TMP, rename to the unique .RAW, delete
 * the claim), then the claims left by agents that are gone. Another
 * agent's claim, or a file it took first, is r->others, never an error. known: files delivered
 * before that could not be deleted (may be NULL); one still there with the same bytes is not
 * delivered again, only its delete tried again. Returns FALSE with r->err and r->fail set when any
 * file could not be moved; the files that could not be moved stay where they are. Refuses (FALSE,
 * local) an inventory folder that is the inventory box or inside it:
 * nothing is moved or deleted then. */
BOOL forward_all(const wchar_t *invdata, const wchar_t *inv_box, const char *unique_id,
                 const agent_kept *known, logfile *lf, forward_result *r);

/* ---- fsio.c ---- */

/* Each the Win32 call of its name (see fsio.c for why they are here). */
HANDLE fsio_open(const wchar_t *path, DWORD access, DWORD share, DWORD disposition, DWORD flags);
BOOL fsio_write(HANDLE h, const void *buf, DWORD len, DWORD *put);
BOOL fsio_move(const wchar_t *from, const wchar_t *to, DWORD flags);
BOOL fsio_free_space(const wchar_t *dir, ULONGLONG *free_bytes);
DWORD fsio_read_file(const wchar_t *path, size_t max, unsigned char **data, size_t *len);
BOOL fsio_create_process(const wchar_t *app, wchar_t *line, DWORD flags, STARTUPINFOW *si,
                         PROCESS_INFORMATION *pi);

/* ---- failclass.c ---- */

BOOL failclass_is_credentials(DWORD err);
/* The file or folder is not there (any more): for a local file another
 * agent took, not an error. */
BOOL failclass_vanished(DWORD err);
/* An error met on the logon server share. For one met writing need bytes
 * into dir (else dir NULL), a write fault with no room there is a full box. */
agent_failure failclass_share(DWORD err, const wchar_t *dir, ULONGLONG need);
/* An error met on this computer's files: local (or credentials). */
agent_failure failclass_local(DWORD err);

/* ---- setupexec.c ---- */

typedef enum setup_outcome { SETUP_EXITED = 0, SETUP_TIMED_OUT, SETUP_NOT_STARTED } setup_outcome;

/* Splits a command line into the application: the quoted first token, or
 * unquoted, everything up to the first ".exe" followed by a blank (so a
 * path with spaces cannot run a planted shorter prefix). FALSE when there
 * is none, or it is not a full path to an .exe. */
BOOL setupexec_app_of(const wchar_t *cmd, wchar_t *app, size_t cap);

/* Runs cmd (no shell, no window), waits up to timeout_s (0 = 600), kills
 * it on expiry. cancel (may be NULL) stops the wait early (the child is
 * left to finish: killing Client Setup mid-write would be worse). */
/* The guard beside SMS.INI that one agent holds while its Client Setup
 * runs (CLIMON.LCK; docs/reliability.md). */
typedef enum setup_guard {
    SETUP_GUARD_TAKEN,    /* ours at once */
    SETUP_GUARD_WAITED,   /* ours after another agent's run ended */
    SETUP_GUARD_NONE,     /* none could be made (logged): run without */
    SETUP_GUARD_CANCELLED /* the agent stops */
} setup_guard;
/* Takes the guard of the SMS.INI at sms_ini, waiting while another
 * agent's (fresh: younger than timeout_s + 60 s) is there; a stale one is
 * taken back. *held: release with setupexec_guard_release. */
setup_guard setupexec_guard_take(const wchar_t *sms_ini, DWORD timeout_s, HANDLE cancel,
                                 logfile *lf, HANDLE *held);
void setupexec_guard_release(HANDLE held);
setup_outcome setupexec_run(const wchar_t *cmd, DWORD timeout_s, HANDLE cancel, logfile *lf,
                            DWORD *exit_code, char *err, size_t cap);
/* The same; *start_error (may be NULL) gets the Win32 error of a start
 * that failed (ERROR_SUCCESS otherwise), for failclass_share. */
setup_outcome setupexec_run_ex(const wchar_t *cmd, DWORD timeout_s, HANDLE cancel, logfile *lf,
                               DWORD *exit_code, DWORD *start_error, char *err, size_t cap);

/* ---- report.c ---- */

/* Reads Client Services into r (absent key: nothing pending), and
 * request_queued from <ccr_box>\<unique_id>.CCR. */
void report_read(const wchar_t *ccr_box, const char *unique_id, logfile *lf, agent_report *r);
/* TRUE when <ccr_box>\<unique_id>.CCR is there: a request waits for the manager. */
BOOL report_request_queued(const wchar_t *ccr_box, const char *unique_id);

/* ---- dirwatch.c / regwatch.c ---- */

typedef struct watcher {
    HANDLE thread;
    HANDLE stop; /* manual-reset event */
    HWND hwnd;   /* posts here */
    UINT msg;
    logfile *lf;
    volatile LONG posted; /* 1 while msg waits in the queue */
    wchar_t path[CLIMON_PATH_MAX];
} watcher;

/* Posts msg to hwnd at once whenever a file is added or written in dir. */
BOOL dirwatch_start(watcher *w, const wchar_t *dir, HWND hwnd, UINT msg, logfile *lf);
/* Posts msg at once whenever Client Services changes (or the key appears). */
BOOL regwatch_start(watcher *w, HWND hwnd, UINT msg, logfile *lf);
/* Worker side: posts msg unless one is already queued. UI side: call
 * watcher_taken on receiving msg, before reading, so a change after the
 * read posts again. */
void watcher_post(watcher *w);
void watcher_taken(watcher *w);
void watcher_stop(watcher *w);
/* watcher.c: the thread body (dirwatch.c's or regwatch.c's wait) on a new
 * thread with w set up for path; FALSE when it cannot start. */
BOOL watcher_start(watcher *w, const wchar_t *path, LPTHREAD_START_ROUTINE body, HWND hwnd,
                   UINT msg, logfile *lf);

/* ---- stacktrim.c ---- */

/* Lets the system drop this thread's stack pages below the caller's frame
 * (Wine's thread start leaves about 960 KB of them resident): for a
 * thread about to wait for long, or to end. */
void stacktrim_now(void);

/* ---- service.c ---- */

/* /service: hands the thread to the service control manager until the
 * service stops; CLIMON_EXIT_USAGE when not started by it. */
int service_run(const cmd_line *cl);
/* /install:service registers "<path>" /service (plus the path switches
 * given) as the automatic service Climon and starts it; /uninstall:service
 * stops and removes it. Both print what happened. */
int service_install(const cmd_line *cl);
int service_uninstall(void);

/* ---- owner.c ---- */

/* Which session's agent does the machine's work, and what it found. */
typedef struct owner {
    HANDLE mutex, thread, stop, decided;
    BOOL holds; /* the lock is held by owner_start's thread, not o->thread */
    volatile LONG is_owner;
    volatile LONG posted; /* an OWNER_MACHINE_CHANGED not yet taken */
    BOOL publish_failed;
    BOOL published;     /* last is what the file holds */
    agent_machine last; /* as last written, its Updated aside */
    DWORD session;
    HWND hwnd;
    UINT msg;
    logfile *lf;
    wchar_t dir[CLIMON_PATH_MAX];  /* %ProgramData%\Climon */
    wchar_t path[CLIMON_PATH_MAX]; /* its machine-<key>.ini */
} owner;
/* msg's wParam: this agent now owns the machine's work; or the owner's
 * machine state changed (owner_taken, then owner_read). */
enum { OWNER_TOOK_OVER = 1, OWNER_MACHINE_CHANGED = 2 };
/* Decides (waits at most 10 s) whether this agent is the owner; later
 * changes are posted to hwnd as msg. session 0: the process's own. FALSE:
 * no lock could be made, and this agent works as the owner (logged). */
BOOL owner_start(owner *o, const climon_config *cfg, DWORD session, HWND hwnd, UINT msg,
                 logfile *lf);
BOOL owner_is(const owner *o);
void owner_taken(owner *o);
/* The owner: writes st's machine part for the others (atomic; a failure
 * logged once). Others: nothing. */
void owner_publish(owner *o, const agent_state *st);
/* The owner's last published state, checked; FALSE when none or refused. */
BOOL owner_read(owner *o, agent_machine *m);
/* Releases the lock (the next agent takes over). */
void owner_stop(owner *o);

/* ---- jobs.c ---- */

typedef enum job_kind { JOB_FORWARD, JOB_VERSIONS, JOB_SETUP, JOB_REPORT } job_kind;

/* What a job takes from the state besides the configuration (a copy:
 * workers own it). */
typedef struct job_input {
    agent_kept kept;     /* JOB_FORWARD: files delivered that could not be deleted */
    BOOL share_blocked;  /* the credentials were refused: JOB_REPORT leaves the share be */
    BOOL request_queued; /* JOB_REPORT while blocked: the request as last known */
} job_input;

/* Does the I/O of one action and fills ev (type, payload) for the core.
 * in may be NULL (nothing known). */
void job_run(job_kind kind, const climon_config *cfg, const job_input *in, logfile *lf,
             HANDLE cancel, agent_event *ev);
/* The answer for a job that could not run (why: the error text): FALSE
 * when the core takes none (a report: the next change reads again). */
BOOL job_failed(job_kind kind, const char *why, agent_event *ev);

/* ---- runner.c ---- */

/* Where jobs run and how their answers come back. Owned by whoever made
 * it; runner_free stops waiting jobs (cancel) and waits at most wait_ms. */
typedef struct runner runner;
/* Each job on its own thread; its answer is posted to `to` as WMAPP_EVENT
 * (a HeapAlloc'd agent_event the receiver frees). NULL: out of memory. */
runner *runner_threaded(HWND to, logfile *lf);
/* Each job at once; its answer waits for runner_take (/check). */
runner *runner_inline(logfile *lf);
/* FALSE: no answer will come for this job. */
BOOL runner_submit(runner *r, job_kind kind, const climon_config *cfg, const job_input *in);
/* Nothing is left to do for now: the workers that wait end (the next
 * job starts one again). */
void runner_trim(runner *r);
/* TRUE for runner_inline's kind: everything runs on the caller's thread. */
BOOL runner_is_inline(const runner *r);
/* The next waiting answer (inline only); FALSE when none waits. */
BOOL runner_take(runner *r, agent_event *out);
void runner_free(runner *r, DWORD wait_ms);

/* ---- engine.c ---- */

typedef struct engine engine;
typedef struct statusout statusout; /* statusout.c */

/* What the tray agent does with the actions only a GUI has; all NULL in
 * /check, where they are logged and dropped. */
typedef struct engine_ui {
    void (*status)(engine *e); /* AGENT_ACT_STATUS */
    /* AGENT_ACT_PROMPT and _COUNTDOWN: the action is the payload (copy
     * what is kept; it is gone after the call). */
    void (*prompt)(engine *e, const agent_action *a);
    void (*countdown)(engine *e, const agent_action *a);
    void (*announce)(engine *e, const char *text); /* AGENT_ACT_ANNOUNCE */
    void (*schedule)(engine *e, agent_time at);    /* AGENT_ACT_SCHEDULE */
    /* A pass re-read SMS.INI and these CONFIG_CHANGED_* bits changed: move
     * the inventory watch (INVDATA), show the new values. */
    void (*smsini_changed)(engine *e, unsigned changed);
    void (*warn_credentials)(engine *e); /* AGENT_ACT_WARN_CREDENTIALS */
    /* Every event, before the core takes it (/check records what it found). */
    void (*observe)(engine *e, const agent_event *ev);
    void *ctx; /* the callbacks' context (the tray agent's climon_app) */
} engine_ui;

struct engine {
    agent_state st;
    climon_config cfg;
    logfile *lf;
    runner *run; /* not owned */
    /* The switches that beat SMS.INI, for its re-read before each pass
     * (not owned); NULL: not re-read (/check reads it once). */
    const cmd_line *cl;
    engine_ui ui;
    BOOL report_running; /* one report read at a time */
    BOOL report_again;   /* a change came during the read: one more */
    BOOL setup_started;
    agent_time setup_started_at; /* for the status: a long run is not a hung one */
    statusout *status_out;       /* the site's status report's writer (statusout.c) */
    BOOL log_held;               /* logfile_hold for the pass's burst of lines */
    config_watch cw;             /* when a pass must re-read SMS.INI (config.c) */
};

/* Loads the state file (damaged or missing: the default state, logged).
 * Jobs go to run (not owned; it must outlive the engine's last job). */
void engine_init(engine *e, const climon_config *cfg, logfile *lf, runner *run);
/* Fills ev->now and the local offset, runs agent_step and carries out
 * the actions. The feeding thread only. */
void engine_feed(engine *e, agent_event *ev);
/* A job's answer (a threaded runner's WMAPP_EVENT, or runner_take): feeds
 * it; the caller still owns ev. */
void engine_answer(engine *e, agent_event *ev);
/* Client Services changed: read the report (a job) and feed it. */
void engine_read_report(engine *e);
/* Inline runner: feeds waiting answers until none is left. */
void engine_drain(engine *e);
void engine_event_init(agent_event *ev, agent_event_type type);
void engine_save(engine *e);

/* ---- statusout.c: the report to the site (CLIMON.BOX) and CLIMON.MIF ---- */

/* Hands the state as it is now to the status writer: a worker in the
 * tray agent (never waits on the share), inline in /check. UI thread. */
void statusout_post(engine *e);

/* ---- agentlog.c ---- */

/* Opens the log the configuration names (logfile_open makes its folder);
 * one refused as too long is replaced by CLIMON.LOG beside the state. */
void agentlog_open(logfile *lf, const climon_config *cfg);
/* The program, mode and configuration as the log's first lines. */
void agentlog_config(logfile *lf, const climon_config *cfg, const char *mode);

/* ---- host.c ---- */

/* The engine at home in a long-running process (the tray agent's window,
 * the service's): its threaded runner, the machine's owner lock and the
 * inventory and registry watches, all posting to hwnd. Embedded in its
 * process's state, which lives as long as the process (a job still busy
 * at exit may touch it). */
typedef struct host {
    HWND hwnd;
    engine eng;
    logfile *lf; /* not owned */
    watcher dir, reg;
    runner *run;
    owner own;
} host;

/* The host an engine's callbacks were given. */
host *host_of(engine *e);
/* The runner, the owner lock (decided here) and the engine; FALSE when
 * no runner could be made. cfg's machine_work is set from the lock; cl
 * (not owned) is kept for SMS.INI's re-reads. eng.ui starts with the
 * host's schedule (TIMER_AGENT), status (the machine state for the other
 * sessions) and smsini_changed (moves the inventory watch); a caller that
 * shows more replaces them and calls host_publish, host_smsini_changed. */
BOOL host_start(host *h, HWND hwnd, climon_config *cfg, const cmd_line *cl, DWORD session,
                logfile *lf);
/* The watches (an owner's inventory watch, the registry's) and the first
 * pass (AGENT_EV_START). */
void host_begin(host *h);
void host_feed(host *h, agent_event_type type);
void host_publish(host *h);
void host_smsini_changed(host *h, unsigned changed);
/* The engine's messages (WMAPP_EVENT, _INVENTORY, _REGCHANGE, _OWNER,
 * _SESSIONS, TIMER_AGENT, resume, clock change): TRUE when msg was one,
 * with *result what the window procedure returns for it. */
BOOL host_dispatch(host *h, UINT msg, WPARAM wp, LPARAM lp, LRESULT *result);
/* Watches, jobs (waited for a while), the owner lock; saves the state. */
void host_stop(host *h);

/* ---- window.c ---- */

typedef struct climon_app {
    HINSTANCE hinst;
    HWND hwnd;
    HWND status;
    host host; /* the engine, its runner, watches and owner lock */
    logfile log;
    UINT msg_taskbar_created, msg_show_status, msg_quit;
    /* tray */
    BOOL icon_added;
    unsigned icon_adds;     /* NIM_ADD successes, for the log and tests */
    unsigned tray_attempts; /* consecutive failed NIM_ADD */
    agent_icon icon_shown;
    BOOL icon_valid;
    /* prompt */
    BOOL prompt_open;
    /* a balloon held through quiet time */
    BOOL held;
    UINT held_title;
    unsigned held_looks;
    wchar_t held_text[256];
    BOOL prompt_due;            /* balloon shown, the dialog follows */
    agent_action prompt_req;    /* the PROMPT the dialog shows (its payload) */
    agent_action countdown_req; /* the COUNTDOWN the window shows */
    BOOL prompt_superseded;     /* a newer PROMPT came while the dialog was up */
    uint32_t prompt_open_seq;   /* the PROMPT the open dialog answers */
    HWND prompt_hwnd;           /* the Task Dialog while it is shown */
    HWND countdown;             /* the final countdown while it is shown */
    cmd_line cl;                /* the switches, for re-reading the configuration */
    unsigned quiet_retries;
    BOOL wts_registered; /* session notifications (unlock, logon) */
} climon_app;

/* For every window procedure of the agent: the climon_app its window was
 * created with (CreateWindowEx's last argument); NULL before WM_NCCREATE. */
climon_app *window_app(HWND hwnd, UINT msg, LPARAM lp);
/* The tray agent until it exits; CLIMON_EXIT_NO_AGENT when it cannot run. */
int window_run(HINSTANCE hinst, const cmd_line *cl);
/* TRUE for the WM_WTSSESSION_CHANGE codes after which the user's
 * credentials may be new (unlock, logon, a remote reconnect). */
BOOL window_session_refreshes_credentials(WPARAM code);

/* ---- tray.c ---- */

/* Seconds before NIM_ADD try failures + 1: 1, 2, 4 ... 60; 0 after
 * the last try (then only TaskbarCreated adds it). */
unsigned tray_retry_delay_s(unsigned failures);
/* The icon of a state at size x size px (8..256), drawn for that size;
 * the caller destroys it. NULL for a size out of range or no GDI memory. */
HICON tray_make_icon(agent_icon icon, int size);
void tray_add(climon_app *a);
void tray_on_retry_timer(climon_app *a);
void tray_update(climon_app *a);
void tray_remove(climon_app *a);
/* A balloon; the texts are string ids. FALSE when the shell refused it. */
BOOL tray_balloon(climon_app *a, UINT title_id, const wchar_t *text);
void tray_on_notify(climon_app *a, WPARAM wp, LPARAM lp);
/* TIMER_BALLOON_QUIET: send the held balloon once quiet time is over. */
void tray_on_quiet_timer(climon_app *a);

/* ---- notifystate.c ---- */

typedef enum notify_mood { NOTIFY_OK = 0, NOTIFY_BUSY, NOTIFY_QUIET } notify_mood;
/* Busy: presenting, full screen, "busy"; quiet: Windows' quiet time. */
notify_mood notify_mood_now(void);
void tray_show_menu(climon_app *a, int x, int y);

/* ---- prompt.c ---- */

/* AGENT_ACT_PROMPT reached the window: balloon, then the dialog, unless
 * the user is presenting (then a bounded backoff timer retries). */
void prompt_begin(climon_app *a);
/* The prompt's footer: postponements left, the deadline, and (others > 0)
 * how many other users are signed in; "" when there is nothing to say. */
void prompt_footer(const agent_action *req, uint32_t max_deferrals, unsigned others, wchar_t *out,
                   size_t cap);
/* Wait before looking again after the n-th busy look: 1 min doubling, at
 * most 15 min. */
unsigned prompt_quiet_delay_ms(unsigned n);
void prompt_on_quiet_timer(climon_app *a);
void prompt_on_dialog_timer(climon_app *a);

/* TRUE when the user should not be disturbed (QUNS_BUSY and the like). */
BOOL prompt_user_busy(void);

/* ---- restart.c ---- */

/* AGENT_ACT_RESTART / _LOGOFF: never forced; with a hook, a line in the
 * hook file instead. */
void restart_carry_out(const climon_config *cfg, logfile *lf, BOOL logoff);

/* ---- res.c ---- */

/* Loads a string table entry in the user's language (lang_user) into buf;
 * English when that language lacks it, "" when missing. Returns buf. */
const wchar_t *res_string(UINT id, wchar_t *buf, int cap);
/* The same in lang (for tests and the language check). */
const wchar_t *res_string_in(LANGID lang, UINT id, wchar_t *buf, int cap);
/* The form of a plural message for n: id_one (the _ONE entry) or the
 * entries after it, by the language's rule (lang_plural_form). */
const wchar_t *res_plural(UINT id_one, unsigned long n, wchar_t *buf, int cap);
/* A menu resource in the user's language; the caller destroys it. */
HMENU res_menu(UINT id);

/* ---- lang.c ---- */

/* Which of our languages a Windows display language gets: German for any
 * German, else English (the fallback). */
LANGID lang_pick(LANGID ui);
/* lang_pick of the user's display language. */
LANGID lang_user(void);
/* The plural form of n in lang: 0 the "one" form, 1 the "other". */
unsigned lang_plural_form(LANGID lang, unsigned long n);
/* n with the user's digit grouping ("1,234", "1.234"). */
void lang_format_count(unsigned long n, wchar_t *out, size_t cap);

/* ---- sessions.c ---- */

/* Users signed in to this PC in sessions other than own (active or
 * disconnected, session 0 aside); 0 when Windows does not say. */
unsigned sessions_other_users(DWORD own);
/* Every user signed in to the PC; this process's own session counts
 * unless it is the service's (a service has no user, whatever session
 * number it runs in). FALSE when Windows would not say. */
BOOL sessions_signed_in(BOOL count_own, unsigned *users);

/* ---- comctl.c ---- */

/* Loads and initialises the common controls (v6, by the manifest) if not
 * yet loaded: before the first status or countdown window. FALSE when
 * comctl32 cannot be loaded (the windows then get user32's controls). */
BOOL comctl_load(void);
/* TaskDialogIndirect from the loaded comctl32 (loading it first). */
struct _TASKDIALOGCONFIG;
HRESULT comctl_task_dialog(const struct _TASKDIALOGCONFIG *tdc, int *button, int *radio);

/* ---- countdown.c ---- */

void countdown_show(climon_app *a);
/* Closes the window when the countdown is over. */
void countdown_update(climon_app *a);

/* ---- statuswnd.c ---- */

void statuswnd_open(climon_app *a);
void statuswnd_update(climon_app *a);
void statuswnd_close(climon_app *a);

/* ---- console.c ---- */

/* Console output that works from cmd.exe, a pipe, a file and Wine. */
void console_init(void);
void console_printf(const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(gnu_printf, 1, 2)))
#endif
    ;
void console_eprintf(const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(gnu_printf, 1, 2)))
#endif
    ;
/* ---- checkcmd.c ---- */

int checkcmd_run(const cmd_line *cl);

/* ---- autostart.c ---- */

int autostart_run(const cmd_line *cl);
/* Sets or removes the Run value under root; returns a Win32 error. */
DWORD autostart_set_run(HKEY root, const wchar_t *exe_path);
DWORD autostart_remove_run(HKEY root);
/* What a verb says for the errors of its registry writes (the user's and
 * the machine's Run value; ERROR_SUCCESS where not touched), on the
 * console and in the log; returns the exit code. Separate from the writes
 * so the access-denied wording is tested where Wine grants every write. */
int autostart_report(cmd_verb verb, DWORD err_user, DWORD err_machine, logfile *lf);

#endif
