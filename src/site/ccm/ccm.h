/*
 * ccm.h: the Client Configuration Manager (ccm.exe). Private to
 * src/site/ccm; shared by its files and its tests (tests/win32/test_ccm*.c).
 *
 * A pass takes every request in <share>\CCR.BOX and the due ones in
 * CCR.BOX\RETRY, finds the client each names (a client record in
 * <share>\CLIENTS), brings the client's services to the copy list, and
 * deletes the request. A request it cannot carry out waits in RETRY with
 * [Request Processing] filled in, with a doubling wait, until the site's
 * retry duration is over; then it goes to CCR.BOX\BAD. Every decision is
 * logged in <share>\LOGS\CLICFG.LOG.
 */
#ifndef CLIMON_CCM_H
#define CLIMON_CCM_H

#include <windows.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "climon/ccr.h"
#include "climon/clistatus.h"
#include "climon/copylist.h"
#include "site.h"

#define CCM_BAD_DIR L"BAD"         /* CCR.BOX\BAD: requests given up on */
#define CCM_WORK_DIR L"WORK"       /* CCR.BOX\WORK: requests being carried out */
#define CCM_CLIENTS_DIR L"CLIENTS" /* <share>\CLIENTS\<SMS Unique ID>.INI */
#define CCM_SITE_FILE L"SITE.INI"  /* <share>\SITE.INI [Site] */
#define CCM_LOGS_DIR L"LOGS"       /* <share>\LOGS */
#define CCM_LOG_NAME L"CLICFG.LOG"
#define CCM_LOCK_NAME L"CCM.LCK" /* in LOGS: one manager per share */
#define CCM_CLAIM_EXT L".CCW"    /* a request the manager has taken */
/* Requests carried out at once. A request's time is mostly waiting: on the
 * client's files and registry (over the network at a real site), and
 * under Wine on the wineserver for every call; a few in flight hide that
 * wait. Small enough that a site's file server never sees a storm from
 * its own manager. */
#define CCM_WORKERS 4
#define CCM_LOCK_STRIPES 64 /* client locks, by registry key and BIN folder */

/* Exit codes (sysexits, as Client Setup's). */
#define CCM_EXIT_OK 0
#define CCM_EXIT_USAGE 64
#define CCM_EXIT_BAD_INPUT 65 /* CL_NT.TXT refused: no request is touched */
#define CCM_EXIT_IO 74        /* the share cannot be read */
#define CCM_EXIT_BUSY 75      /* another manager holds the share */

/* ---- siteconf.c: <share>\SITE.INI [Site] ---- */

typedef struct ccm_site {
    DWORD prompt_for_restart;    /* Prompt for Restart, 1 */
    uint32_t retry_duration_min; /* Retry Duration Minutes, 1440 */
    uint32_t retry_first_min;    /* Retry First Wait Minutes, 5 */
    uint32_t retry_max_min;      /* Retry Max Wait Minutes, 240 */
    bool documented_only;        /* Documented Only: write only Reboot Required, 0 */
} ccm_site;

void ccm_site_default(ccm_site *s);
/* Reads SITE.INI's bytes into s (defaults for what is missing). A value
 * that is present but not a number in range is reported in why (one line
 * each, joined) and left at its default; returns false then. */
bool ccm_site_parse(const unsigned char *data, size_t len, ccm_site *s, char *why, size_t cap);

/* ---- retry.c: waits between attempts ---- */

/* Minutes to wait after `attempts` failed attempts: first * 2^(attempts-1),
 * capped at max (and never below 1). */
uint32_t ccm_retry_wait(const ccm_site *s, uint32_t attempts);
/* The next attempt is due at latest_attempt + wait. */
bool ccm_retry_due(const ccm_site *s, const ccr_processing *p, int64_t now_min);
/* The retry duration, counted from Retry Interval Start, is over. */
bool ccm_retry_expired(const ccm_site *s, const ccr_processing *p, int64_t now_min);
/* Records one more failed attempt at now. */
void ccm_retry_note(ccr_processing *p, const ccr_time *now, DWORD err);

/* ---- the pass ---- */

typedef struct ccm_counts {
    unsigned requests; /* taken up this pass (new and due retries) */
    unsigned done;     /* carried out and deleted */
    unsigned changed;  /* of those, clients whose services changed */
    unsigned retry;    /* failed: waiting in RETRY */
    unsigned bad;      /* moved to BAD */
    unsigned waiting;  /* in RETRY and not yet due */
} ccm_counts;

/* The component files of X86.BIN, read once per pass and copied from
 * memory to every client (ccm_install). A file over the bounds is copied
 * from the share each time. */
#define CCM_CACHE_FILE_MAX (16u * 1024u * 1024u)
#define CCM_CACHE_TOTAL_MAX (64u * 1024u * 1024u)
#define CCM_CACHE_FILES (COPYLIST_MAX_COMPONENTS * COPYLIST_MAX_FILES)
typedef struct ccm_cached {
    wchar_t src[SITE_PATH_MAX];
    unsigned char *data; /* NULL: not cached (too large, or unreadable: copied as before) */
    size_t len;
} ccm_cached;

/* File names of a folder (box.c), below. */
typedef struct ccm_names ccm_names;

typedef struct ccm_ctx {
    wchar_t share[SITE_PATH_MAX];
    wchar_t box[SITE_PATH_MAX];   /* CCR.BOX */
    wchar_t retry[SITE_PATH_MAX]; /* CCR.BOX\RETRY */
    wchar_t bad[SITE_PATH_MAX];   /* CCR.BOX\BAD */
    wchar_t work[SITE_PATH_MAX];  /* CCR.BOX\WORK: claims */
    sitelog log;
    ccm_site site;
    copylist *list; /* CL_NT.TXT, read once per pass (heap) */
    ccr_time now;
    int64_t now_min;
    bool fixed_now;         /* --now: tests and labs set the clock */
    bool documented_forced; /* --documented-only, whatever SITE.INI says */
    ccm_counts counts;
    unsigned workers; /* CCM_WORKERS; 1 carries requests out one at a time */
    /* Workers share the context: counts change under count_lock, and two
     * requests that name the same registry key or BIN folder (two records
     * of one machine) are carried out one after the other. */
    CRITICAL_SECTION count_lock;
    CRITICAL_SECTION client_lock[CCM_LOCK_STRIPES];
    CRITICAL_SECTION cache_lock;
    ccm_cached *cache; /* heap, CCM_CACHE_FILES; emptied at the end of each pass */
    unsigned ncache;
    size_t cache_bytes;
    /* RETRY as listed at the start of the pass (sorted), so a new request
     * finds the one it supersedes without a look on disk; only this
     * manager writes RETRY (the share's lock). */
    wchar_t (*in_retry)[MAX_PATH];
    unsigned nin_retry;
    bool retry_listed;
    unsigned listings; /* folders listed this pass: a few, whatever the box holds */
    /* ccm_watch: every pass's counts added up, and an event (may be NULL)
     * set after each pass, for whoever waits on the watch (tests). */
    ccm_counts watched;
    HANDLE pass_event;
} ccm_ctx;

/* Adds one to a count of ctx (workers share it). */
void ccm_count(ccm_ctx *ctx, unsigned *count);

/* Sets up ctx for share (full path) and opens the log. */
bool ccm_ctx_init(ccm_ctx *ctx, const wchar_t *share, bool verbose);
void ccm_ctx_free(ccm_ctx *ctx);

/* box.c: one pass over CCR.BOX and RETRY; returns a CCM_EXIT_* code. */
int ccm_pass(ccm_ctx *ctx);

/* ---- box.c: the request folders ---- */

/* File names in dir that end in ext (".CCR"), case-insensitive, taken
 * before any is moved so a pass never sees a file twice. */
struct ccm_names {
    wchar_t (*name)[MAX_PATH];
    unsigned n, cap;
};

DWORD ccm_box_list(const wchar_t *dir, const wchar_t *ext, ccm_names *out);
void ccm_names_free(ccm_names *names);

/* Claims the request src by renaming it to claim (never over a file),
 * then reads it (at most max bytes; ERROR_FILE_TOO_LARGE) through the
 * same handle: one open where a rename and a read by name take two.
 * *claimed says whether the rename was made; *data is from HeapAlloc
 * (fileio_free), NUL-terminated. With held, a claimed file's handle is
 * left open there for ccm_box_release. */
DWORD ccm_box_claim(const wchar_t *src, const wchar_t *claim, size_t max, unsigned char **data,
                    size_t *len, bool *claimed, HANDLE *held);
/* Closes a held claim, deleting it first when done; returns whether it
 * was deleted. */
bool ccm_box_release(HANDLE *held, bool done);

/* Moves a request aside into CCR.BOX\BAD as <stem>-<YYYYMMDDHHMM>.CCR
 * (never over an earlier one). With bytes, those are written there
 * (atomically) and src deleted; without, src is renamed. */
DWORD ccm_box_to_bad(ccm_ctx *ctx, const wchar_t *src, const wchar_t *stem, const void *bytes,
                     size_t len, wchar_t *dst, size_t cap);

/* ---- client.c: where a client is ---- */

typedef struct ccm_client {
    char id[CCR_ID_MAX + 1];
    wchar_t smsini[SITE_PATH_MAX]; /* its SMS.INI */
    wchar_t bin[SITE_PATH_MAX];    /* its SMSPath\BIN */
    wchar_t regkey[256];           /* its Client Services key under HKLM */
} ccm_client;

/* Finds the client of a request from <share>\CLIENTS\<id>.INI and its
 * SMS.INI. Errors: ERROR_NOT_FOUND (no record: an unknown client),
 * ERROR_BAD_CONFIGURATION (a record that is not usable), the file error of
 * an SMS.INI that cannot be read (the client is away), ERROR_INVALID_DATA
 * (an SMS.INI of another client or without SMSPath). why says which. */
DWORD ccm_client_find(ccm_ctx *ctx, const char *id, const ccr_request *req, ccm_client *c,
                      char *why, size_t cap);

/* ---- services.c: bringing a client's services to the copy list ---- */

/* Installs, upgrades and removes the services that differ; when it
 * changed something and the site allows prompts, sets Reboot Required,
 * Changed Components and a new Change Id. Always copies Prompt for
 * Restart. *changed is set when a service changed. */
DWORD ccm_install(ccm_ctx *ctx, const ccm_client *c, bool *changed, char *why, size_t cap);
/* Frees the pass's copies of the component files. */
void ccm_cache_clear(ccm_ctx *ctx);

/* ---- lock.c: one manager per share ---- */

/* Opens <share>\LOGS\CCM.LCK exclusively (deleted on close). Returns
 * INVALID_HANDLE_VALUE with *err = ERROR_SHARING_VIOLATION when another
 * manager has it. */
HANDLE ccm_lock(const wchar_t *share, DWORD *err);

/* ---- args.c, watch.c, main.c ---- */

typedef struct ccm_opts {
    wchar_t share[SITE_PATH_MAX];
    bool once, watch, report, verbose, help;
    wchar_t report_dir[SITE_PATH_MAX]; /* --report <share> <folder> */
    uint32_t silent_days;              /* --silent-days N: no report for N days is silent, 7 */
    bool documented_only;              /* --documented-only: play SMS 1.2's manager */
    bool have_now;
    ccr_time now;         /* --now "MM/DD/YYYY H:MM" */
    uint32_t watch_for_s; /* --for N: stop watching after N seconds (0: never) */
} ccm_opts;

bool ccm_parse_args(int argc, wchar_t **argv, ccm_opts *o, char *why, size_t cap);
void ccm_usage(FILE *to);

/* ---- report.c: the compliance page (ccm --report) ---- */

#define CCM_SILENT_DAYS_DEFAULT 7

typedef struct ccm_report_counts {
    unsigned clients, refused, overdue;
    unsigned bucket[CLISTATUS_B_COUNT];
} ccm_report_counts;

/* Reads <share>\CLIMON.BOX\*.INI and writes <report_dir>\compliance.html
 * and compliance.csv (docs/admin-guide.md). counts may be NULL. Returns
 * CCM_EXIT_OK, or CCM_EXIT_IO when the box cannot be listed or the folder
 * not written (said on stderr). A missing box is an empty site. */
int ccm_report(const ccm_opts *o, ccm_report_counts *counts);

/* Runs passes as requests arrive until stopped (Ctrl+C, --for,
 * ccm_watch_stop). */
int ccm_watch(ccm_ctx *ctx, const ccm_opts *o);
/* Ends a running ccm_watch after its current pass, as Ctrl+C does. */
void ccm_watch_stop(void);

#endif
