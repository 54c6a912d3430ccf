/*
 * copylist.h: CopyListVersion and the copy list for NT clients (CL_NT.TXT).
 *
 * CopyListVersion is a DWORD time stamp written by the site. It is compared
 * as an unsigned value, never as text, and a version that is missing, empty,
 * not a decimal number or over 4294967295 is *unknown*: unknown is never
 * "different", so it never starts Client Setup and never leads to a prompt.
 *
 * The rest of CL_NT.TXT (components, kinds, files) is Climon's own decision;
 * docs/protocol.md defines it. Pure functions over the caller's bytes; no
 * allocation, no I/O.
 */
#ifndef CLIMON_COPYLIST_H
#define CLIMON_COPYLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "climon/ini.h"

typedef enum clv_status {
    CLV_OK = 0,
    CLV_MISSING,     /* no CopyListVersion key (or no [SMS] section) */
    CLV_EMPTY,       /* key present, value empty */
    CLV_NOT_NUMERIC, /* anything but decimal digits after trimming: "-1", "12a", "0x10" */
    CLV_OVERFLOW,    /* digits, but over UINT32_MAX */
    CLV_FILE_ERROR,  /* the file itself was rejected: see clv.file_error */
    CLV_UNREADABLE   /* the caller could not read the file (set by the shell) */
} clv_status;

typedef struct clv {
    clv_status status;
    uint32_t value;       /* meaningful only when status == CLV_OK */
    ini_error file_error; /* meaningful only when status == CLV_FILE_ERROR */
} clv;

typedef enum clv_result {
    CLV_SAME = 0,    /* both known and equal */
    CLV_DIFFERS = 1, /* both known and not equal */
    CLV_UNKNOWN = 2  /* either one unknown */
} clv_result;

/* Parses a trimmed decimal text into *out. Leading zeros are allowed. */
clv_status clv_parse(const char *text, uint32_t *out);

/* CopyListVersion from SMS.INI, [SMS] section only. */
clv copylist_local_version(const void *sms_ini, size_t len);

/* CopyListVersion from CL_NT.TXT: the first such line in any section. */
clv copylist_server_version(const void *cl_nt, size_t len);

clv_result clv_compare(const clv *local, const clv *server);

/* "up-to-date", "differs", "unknown". */
const char *clv_result_name(clv_result r);

/* Short English text for a status: "missing", "not a number", ... */
const char *clv_status_text(clv_status st);

/* One explanation line for an admin, e.g.
 * "server copy list is newer (1764000100 > 1764000000): Client Setup should run"
 * or "local CopyListVersion is unknown (not a number): no action".
 * Returns strlen of the full text, like snprintf. */
size_t clv_explain(const clv *local, const clv *server, char *buf, size_t cap);

/* Writes v as decimal, or "unknown" when it is not CLV_OK. */
size_t clv_format(const clv *v, char *buf, size_t cap);

/* ---- Components (docs/protocol.md, "CL_NT.TXT") ---- */

#define COPYLIST_MAX_COMPONENTS 32
#define COPYLIST_MAX_FILES 16
#define COPYLIST_NAME_MAX 32    /* component name, [A-Za-z0-9_] */
#define COPYLIST_DISPLAY_MAX 64 /* display name, printable, no control chars */
#define COPYLIST_VERSION_MAX 23 /* dotted numbers, e.g. 1.2.0.1234 */
#define COPYLIST_FILE_MAX 64    /* plain file name, no path */

typedef enum copylist_kind {
    COPYLIST_SERVICE = 0, /* an NT service: changing it needs a restart */
    COPYLIST_PROGRAM = 1  /* a user-session program: changing it needs a logoff */
} copylist_kind;

typedef struct copylist_component {
    char name[COPYLIST_NAME_MAX + 1];
    char display[COPYLIST_DISPLAY_MAX + 1];
    char version[COPYLIST_VERSION_MAX + 1];
    copylist_kind kind;
    unsigned nfiles;
    char files[COPYLIST_MAX_FILES][COPYLIST_FILE_MAX + 1];
} copylist_component;

typedef struct copylist {
    clv version;
    unsigned ncomponents;
    copylist_component comp[COPYLIST_MAX_COMPONENTS];
} copylist;

typedef enum copylist_status {
    COPYLIST_OK = 0,
    COPYLIST_ERR_FILE,        /* the INI layer rejected the file: see err.ini */
    COPYLIST_ERR_TOO_MANY,    /* over COPYLIST_MAX_COMPONENTS or _MAX_FILES */
    COPYLIST_ERR_BAD_NAME,    /* component name not [A-Za-z0-9_]{1,32} */
    COPYLIST_ERR_BAD_KIND,    /* Kind neither "service" nor "program" */
    COPYLIST_ERR_BAD_VERSION, /* Version missing or not dotted numbers */
    COPYLIST_ERR_BAD_FILE,    /* a file name with a path, "..", a drive or bad chars */
    COPYLIST_ERR_NO_SECTION,  /* a listed component has no section */
    COPYLIST_ERR_DUPLICATE    /* a component listed twice */
} copylist_status;

typedef struct copylist_error {
    copylist_status status;
    ini_error ini;                     /* for COPYLIST_ERR_FILE */
    char where[COPYLIST_NAME_MAX + 1]; /* component concerned, if any */
} copylist_error;

/* Parses a whole CL_NT.TXT. On error *out holds what was parsed before it
 * and must not be acted on. The version is parsed as copylist_server_version
 * and its status does not make the parse fail. */
copylist_status copylist_parse(const void *data, size_t len, copylist *out, copylist_error *err);

/* One line of English for err, e.g. "component PCM: file name escapes its folder". */
size_t copylist_error_format(const copylist_error *err, char *buf, size_t cap);

/* A plain file name: 1..64 chars of [A-Za-z0-9._-], not "." or "..", no
 * leading dot-dot, no path separator, drive or device name (CON, NUL, ...). */
bool copylist_file_name_ok(const char *name);

/* A component name: 1..32 chars of [A-Za-z0-9_]. */
bool copylist_name_ok(const char *name);

/* Compares dotted versions numerically ("1.10" > "1.9"): <0, 0, >0. */
int copylist_version_cmp(const char *a, const char *b);

/* ---- What a client needs (used by Client Setup and the manager) ---- */

typedef enum copylist_change {
    COPYLIST_ADD = 0, /* listed, not installed */
    COPYLIST_UPGRADE, /* listed with another version than installed */
    COPYLIST_REMOVE   /* installed, no longer listed */
} copylist_change;

typedef struct copylist_installed {
    char name[COPYLIST_NAME_MAX + 1];
    char version[COPYLIST_VERSION_MAX + 1];
    copylist_kind kind;
} copylist_installed;

typedef struct copylist_delta_item {
    copylist_change change;
    copylist_kind kind;
    char name[COPYLIST_NAME_MAX + 1];
    char from[COPYLIST_VERSION_MAX + 1]; /* "" for ADD */
    char to[COPYLIST_VERSION_MAX + 1];   /* "" for REMOVE */
    int index;                           /* into list->comp, -1 for REMOVE */
} copylist_delta_item;

typedef struct copylist_delta {
    unsigned n;
    copylist_delta_item item[2 * COPYLIST_MAX_COMPONENTS];
} copylist_delta;

/* What turns `installed` (n entries) into `list`: one item per component
 * added, changed in version, or removed, in the copy list's order then the
 * removed ones. Equal versions (by copylist_version_cmp) are no change. */
void copylist_diff(const copylist *list, const copylist_installed *installed, unsigned n,
                   copylist_delta *out);

/* True when any item of the delta has the given kind. */
bool copylist_delta_has(const copylist_delta *d, copylist_kind kind);

#endif
