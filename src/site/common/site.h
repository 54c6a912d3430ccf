/*
 * site.h: what Client Setup (clisetup.exe) and the Client Configuration
 * Manager (ccm.exe) share and nothing else uses: a client's Client
 * Services registry key, staged file replacement, the request clock, path
 * checks and a log that can also speak on the console. Private to src/site;
 * the names both sides of the protocol share live in climon/protocol.h.
 */
#ifndef CLIMON_SITE_H
#define CLIMON_SITE_H

#include <windows.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "climon/ccr.h"
#include "climon/copylist.h"
#include "logfile.h"

/* A narrow string literal of protocol.h as a wide one. */
#define SITE_W_(s) L##s
#define SITE_W(s) SITE_W_(s)

/* Under Components\<NAME>: the files a component put into <SMSPath>\BIN
 * (REG_MULTI_SZ), so that removing it later does not depend on a copy
 * list that no longer names it. */
#define SITE_REGV_FILES L"Files"

/* Changed Components, as the agent reads it (AGENT_COMPONENTS_MAX). */
#define SITE_CHANGED_MAX 255

/* Longest path we build; every join is checked against it. */
#define SITE_PATH_MAX MAX_PATH

/* Largest component file copied from the share (a sanity bound). */
#define SITE_COPY_MAX_BYTES (256u * 1024u * 1024u)

/* ---- sitelog.c: CMTrace log plus console ---- */

typedef struct sitelog {
    logfile lf;
    bool verbose; /* also print information lines on stdout */
    bool open;
    char *batch; /* sitelog_batch: information lines not yet in the file */
    size_t batch_len;
    /* The batch's time zone bias, taken once a minute (under Wine each
     * GetTimeZoneInformation looks at the zone file twice). */
    int batch_bias;
    unsigned batch_bias_at; /* day * 1440 + minute it was taken + 1; 0: never */
} sitelog;

/* path may be NULL (console only until sitelog_move). Warnings and errors
 * always go to stderr as well. */
void sitelog_open(sitelog *sl, const wchar_t *path, const char *component, bool verbose);
/* Starts writing to path (its folder is created if missing). */
void sitelog_move(sitelog *sl, const wchar_t *path);
void sitelog_close(sitelog *sl);
/* on: information lines are kept and written SITELOG_BATCH_BYTES at a time
 * (a pass over thousands of requests would otherwise open the log for
 * every line); a warning or an error writes what is kept first, then
 * itself, at once. off: writes what is kept. */
#define SITELOG_BATCH_BYTES (32u * 1024u)
void sitelog_batch(sitelog *sl, bool on);
void sitelog_write(sitelog *sl, cmlog_type type, const char *file, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(gnu_printf, 4, 5)))
#endif
    ;

#define SLOG_INFO(sl, ...) sitelog_write((sl), CMLOG_INFO, __FILE__, __VA_ARGS__)
#define SLOG_WARN(sl, ...) sitelog_write((sl), CMLOG_WARNING, __FILE__, __VA_ARGS__)
#define SLOG_ERROR(sl, ...) sitelog_write((sl), CMLOG_ERROR, __FILE__, __VA_ARGS__)

/* ---- sitepath.c ---- */

/* UTF-8 for log lines; "?" when the path cannot be converted. Returns buf. */
const char *site_u8(const wchar_t *w, char *buf, size_t cap);

/* out = dir "\" name where name is UTF-8 (a component file or an ID the
 * core validated). FALSE when it does not convert or does not fit. */
BOOL site_join_u8(wchar_t *out, size_t cap, const wchar_t *dir, const char *name);

/* An absolute local or UNC path without control characters, wildcards or
 * ".." segments, short enough to have files joined onto it. */
bool site_path_ok(const wchar_t *path);

/* Copies path into out as a full path without trailing backslashes (a
 * drive root keeps its one). FALSE when it does not fit or is not valid. */
BOOL site_full_path(const wchar_t *path, wchar_t *out, size_t cap);

/* ---- sitemode.c: a documented-only site (SITE.INI [Site] Documented Only=1) ---- */

/* True when SITE.INI's bytes say Documented Only=1: the manager writes only
 * Reboot Required, Client Setup no Logoff Required and no exit codes. */
bool site_documented_only(const void *site_ini, size_t len);
/* The same, read from <share>\SITE.INI; false when it cannot be read. */
bool site_read_documented_only(const wchar_t *share);

/* ---- siteclock.c: request dates (local time, minutes) ---- */

void siteclock_now(ccr_time *t);
/* Minutes since 1970-01-01 of a calendar time, counted as if it were UTC
 * (only differences are used). */
int64_t siteclock_minutes(const ccr_time *t);
void siteclock_from_minutes(int64_t minutes, ccr_time *t);

/* ---- sitecopy.c: replacing files another process may hold ---- */

/* Copies src into a new flushed temporary file beside dst
 * ("<dst>.<pid>.new"), whose name goes to tmp. Nothing is left behind on
 * failure. */
DWORD sitecopy_stage(const wchar_t *src, const wchar_t *dst, wchar_t *tmp, size_t cap);
/* The same from bytes in memory (a file the caller read once for many
 * clients). */
DWORD sitecopy_stage_bytes(const void *data, size_t len, const wchar_t *dst, wchar_t *tmp,
                           size_t cap);
/* Renames tmp over dst (replace, write-through). tmp is removed on failure. */
DWORD sitecopy_commit(const wchar_t *tmp, const wchar_t *dst);
/* The same, from src or (src NULL) from data, with the temporary file
 * left open in *staged (write and DELETE access, no sharing) so that
 * sitecopy_commit_open renames it without opening it again by name;
 * staged NULL closes it, as sitecopy_stage does. */
DWORD sitecopy_stage_open(const wchar_t *src, const void *data, size_t len, const wchar_t *dst,
                          wchar_t *tmp, size_t cap, HANDLE *staged);
/* Renames the staged file over dst by its handle and closes it (*staged
 * becomes INVALID_HANDLE_VALUE); tmp is removed on failure. */
DWORD sitecopy_commit_open(HANDLE *staged, const wchar_t *tmp, const wchar_t *dst);
/* Closes a staged file that will not be committed and removes tmp. */
void sitecopy_drop_open(HANDLE *staged, const wchar_t *tmp);
/* TRUE when dst exists and another process holds it open (a running
 * program, an open log): replacing it now would fail half-way. */
bool sitecopy_in_use(const wchar_t *path);
/* TRUE for the errors a replace or delete gives on a file in use. */
bool sitecopy_is_in_use_error(DWORD err);

/* ---- clientreg.c: HKLM\<key> = a client's Client Services key ---- */

#define CLIENTREG_KEPT 16 /* component keys read_installed keeps open */

typedef struct clientreg {
    HKEY services;   /* ...\Client Services */
    HKEY components; /* ...\Client Services\Components */
    /* The listed components' keys read_installed opened (read and write),
     * kept until clientreg_close so that set_installed writes through them:
     * under Wine each open and close is a wineserver round trip. */
    HKEY kept[CLIENTREG_KEPT];
    char kept_name[CLIENTREG_KEPT][COPYLIST_NAME_MAX + 1];
    unsigned nkept;
} clientreg;

/* Opens (creating when missing) key under root and its Components subkey. */
DWORD clientreg_open(HKEY root, const wchar_t *key, clientreg *reg);
/* Closes every key reg holds, the kept component keys too. */
void clientreg_close(clientreg *reg);

/* What the client has: every Components\<NAME> with a valid name and an
 * Installed Version (entries with bad names or versions are skipped and
 * counted in *skipped, which may be NULL). The Kind of a component list
 * (may be NULL) names is taken from list, not read; the keys of those
 * components are kept open in reg (see clientreg). */
DWORD clientreg_read_installed(clientreg *reg, const copylist *list, copylist_installed *out,
                               unsigned cap, unsigned *n, unsigned *skipped);

/* Components\<NAME>: Desired Version (Client Setup's record of intent). */
DWORD clientreg_set_desired(const clientreg *reg, const copylist_component *c);
/* Components\<NAME>: the desired value removed (the site dropped it). */
DWORD clientreg_clear_desired(const clientreg *reg, const char *name);
/* Components\<NAME>: Installed Version, Kind, Display Name and Files.
 * was_version is the Installed Version the caller just read ("" for none),
 * NULL when it is not known. */
DWORD clientreg_set_installed(const clientreg *reg, const copylist_component *c,
                              const char *was_version);
/* Deletes Components\<NAME> (an absent key is success). */
DWORD clientreg_delete_component(clientreg *reg, const char *name);
/* The Files a component recorded, each checked with copylist_file_name_ok
 * (a bad one fails the call with ERROR_INVALID_DATA). */
DWORD clientreg_get_files(const clientreg *reg, const char *name,
                          char files[COPYLIST_MAX_FILES][COPYLIST_FILE_MAX + 1], unsigned *n);

/* The Display Name a component recorded, else its name. */
void clientreg_get_display(const clientreg *reg, const char *name, char *out, size_t cap);

DWORD clientreg_get_dword(HKEY key, const wchar_t *value, DWORD *out);
DWORD clientreg_set_dword(HKEY key, const wchar_t *value, DWORD v);
/* The same without reading first: only where the key's last-write time
 * moves anyway (a change report follows). */
DWORD clientreg_put_dword(HKEY key, const wchar_t *value, DWORD v);
DWORD clientreg_get_sz(HKEY key, const wchar_t *value, char *out, size_t cap);
DWORD clientreg_set_sz(HKEY key, const wchar_t *value, const char *utf8);

/* Reports a change to the agent: flag (Reboot Required or Logoff Required)
 * = 1, `changed` added to Changed Components (appended to the list still
 * pending when either flag was already set, whole items only, at most
 * SITE_CHANGED_MAX bytes), and a new Change Id. *change_id (may be NULL)
 * receives it. */
DWORD clientreg_report_change(const clientreg *reg, const wchar_t *flag, const char *changed,
                              DWORD *change_id);

/* Reports a change as SMS 1.2's manager does: Reboot Required = 1 and
 * nothing else. The value is deleted first so that the key's last-write
 * time moves even when it was already 1 (Wine's registry skips a write of
 * the same data; Windows' does not). */
DWORD clientreg_report_documented(const clientreg *reg);

/* Appends "item" to a ", "-separated list in buf unless it is already
 * there or would not fit. Returns false when it did not fit. */
bool site_list_add(char *buf, size_t cap, const char *item);

/* "Inventory Agent 1.2.1" or "Inventory Agent (removed)" for one item of
 * a delta; display is the copy list's or the registry's display name. */
void site_change_text(const copylist_delta_item *it, const char *display, char *out, size_t cap);

#endif
