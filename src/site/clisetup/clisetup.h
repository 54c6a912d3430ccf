/*
 * clisetup.h: Client Setup (clisetup.exe, published on the share as
 * X86.BIN\CLI_NT.EXE). Private to src/site/clisetup; declarations shared
 * by its files and by its tests (tests/win32/test_clisetup*.c).
 *
 * One run: read the client's SMS.INI and the share's CL_NT.TXT, record
 * what the client should run under Client Services\Components, install
 * user-session programs itself (or, when one is in use, ask for a logoff),
 * file <SMS Unique ID>.CCR in CCR.BOX only when a service must change, and
 * last record the new CopyListVersion in SMS.INI. Exit codes are
 * SETUP_EXIT_* (climon/protocol.h).
 */
#ifndef CLIMON_CLISETUP_H
#define CLIMON_CLISETUP_H

#include <windows.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "climon/ccr.h"
#include "climon/copylist.h"
#include "site.h"

#define CLISETUP_LOG_NAME L"CLISETUP.LOG"

typedef struct clisetup_opts {
    wchar_t share[SITE_PATH_MAX];  /* /p: full path, no trailing backslash */
    wchar_t smsini[SITE_PATH_MAX]; /* /smsini: or %SystemDrive%\SMS.INI */
    bool verbose;                  /* /v */
    bool help;                     /* /? */
    HKEY reg_root;                 /* HKEY_LOCAL_MACHINE; tests keep it */
    wchar_t reg_key[256];          /* REG_CLIENT_SERVICES; tests use a sandbox key */
} clisetup_opts;

/* args.c: fills o (defaults first). Returns false with a one-line reason
 * in why for a command line that must exit SETUP_EXIT_USAGE. */
bool clisetup_parse_args(int argc, wchar_t **argv, clisetup_opts *o, char *why, size_t cap);
void clisetup_usage(FILE *to);

/* What Client Setup needs from SMS.INI. */
typedef struct clisetup_client {
    char id[CCR_ID_MAX + 1];         /* SMS Unique ID */
    char machine[CCR_NAME_MAX + 1];  /* [Local] MachineName, else the computer name */
    char domain[CCR_NAME_MAX + 1];   /* [Servers] Domain, else WORKGROUP */
    wchar_t sms_path[SITE_PATH_MAX]; /* SMSPath */
    wchar_t bin[SITE_PATH_MAX];      /* SMSPath\BIN */
    wchar_t log[SITE_PATH_MAX];      /* SMSPath\LOGS\CLISETUP.LOG */
    clv version;                     /* CopyListVersion as it stands */
} clisetup_client;

/* smsini.c: reads the fields above from SMS.INI's bytes; false with a
 * reason for a file Client Setup must not act on. */
bool clisetup_read_client(const unsigned char *ini, size_t len, clisetup_client *c, char *why,
                          size_t cap);

/* smsini.c: rewrites SMS.INI with CopyListVersion = version and
 * LastLogonServerPath = share, every other byte as it was, through a
 * temporary file and an atomic rename. Nothing is written when the bytes
 * would not change. ERROR_INVALID_DATA when the INI layer refused. */
DWORD clisetup_update_smsini(const wchar_t *path, const unsigned char *ini, size_t len,
                             uint32_t version, const wchar_t *share, char *why, size_t cap);

/* The state of one run. */
typedef struct clisetup_run_ctx {
    const clisetup_opts *opts;
    sitelog log;
    clisetup_client client;
    copylist *list;       /* the share's CL_NT.TXT (heap) */
    copylist_delta delta; /* what the client lacks */
    clientreg reg;
    char logoff_changed[SITE_CHANGED_MAX + 1]; /* programs waiting for a logoff */
    bool request_filed;
    bool documented_only; /* the share's SITE.INI: play SMS 1.2's CLI_NT.EXE */
} clisetup_run_ctx;

/* programs.c: installs, upgrades and removes the delta's programs in
 * <SMSPath>\BIN. A program in use is left as it is and named in
 * ctx->logoff_changed. Returns an error only for what a rerun cannot fix
 * by itself (a file missing from the share, a disk error): exit 74. */
DWORD clisetup_install_programs(clisetup_run_ctx *ctx);

/* request.c: files or merges <share>\CCR.BOX\<id>.CCR. A damaged existing
 * request is kept aside as <id>.BAD and a fresh one written. */
DWORD clisetup_file_request(clisetup_run_ctx *ctx);

/* setup.c: the whole run; returns a SETUP_EXIT_* code. */
int clisetup_run(const clisetup_opts *o);

#endif
