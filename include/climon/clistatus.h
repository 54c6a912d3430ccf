/*
 * clistatus.h: a client's report to its site, <share>\CLIMON.BOX\<SMS
 * Unique ID>.INI (docs/protocol.md, "Client status files"), and the same
 * facts as a custom MIF for SMS inventory (<SMSPath>\NOIDMIFS\CLIMON.MIF).
 *
 * The agent formats it after every pass and every answer to a prompt; the
 * site's report (ccm --report) reads thousands of them. The box is written
 * by clients, so the reader trusts nothing: a bounded size, every field
 * checked as the .CCR fields are, the file's name checked against the ID
 * inside it. Pure functions over caller buffers; no allocation, no I/O.
 */
#ifndef CLIMON_CLISTATUS_H
#define CLIMON_CLISTATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "climon/ccr.h"
#include "climon/ini.h"

#define CLISTATUS_SECTION "Climon Status"
#define CLISTATUS_FORMAT 1
/* A status file is well under 1 KiB; four times that is hostile. */
#define CLISTATUS_MAX_BYTES 4096u
#define CLISTATUS_TEXT_MAX 255   /* Last Error, as the agent keeps it */
#define CLISTATUS_VERSION_MAX 23 /* Agent Version, dotted numbers */
/* The end of year 9999: later is damage, not a date. */
#define CLISTATUS_TIME_MAX 253402300799ll

typedef enum clistatus_result {
    CLISTATUS_RESULT_NONE = 0, /* no pass has compared versions yet */
    CLISTATUS_RESULT_SAME,
    CLISTATUS_RESULT_DIFFERS,
    CLISTATUS_RESULT_UNKNOWN
} clistatus_result;

typedef enum clistatus_pending {
    CLISTATUS_PENDING_NONE = 0,
    CLISTATUS_PENDING_LOGOFF,
    CLISTATUS_PENDING_RESTART
} clistatus_pending;

/* Times are seconds since 1970-01-01 UTC; 0 is none or unknown. */
typedef struct clistatus {
    char id[CCR_ID_MAX + 1];        /* SMS Unique ID, also the file's stem */
    char machine[CCR_NAME_MAX + 1]; /* NetBIOS name */
    char agent_version[CLISTATUS_VERSION_MAX + 1];
    bool local_known, server_known; /* CopyListVersion known on each side */
    uint32_t local_version, server_version;
    int64_t written;   /* when the client wrote this report (required) */
    int64_t last_pass; /* 0: no pass yet */
    clistatus_result last_result;
    int64_t request_since; /* a .CCR with the manager since; 0: none */
    clistatus_pending pending;
    int64_t pending_since;                   /* required when something is pending */
    uint32_t deferrals;                      /* postponements of the pending change */
    int64_t deadline;                        /* when the user may defer no more; 0: none */
    char last_error[CLISTATUS_TEXT_MAX + 1]; /* UTF-8, no control characters; "" none */
    int64_t last_boot;
} clistatus;

typedef enum clistatus_status {
    CLISTATUS_OK = 0,
    CLISTATUS_ERR_FILE,         /* the INI layer refused the file: see err->ini */
    CLISTATUS_ERR_TOO_LARGE,    /* over CLISTATUS_MAX_BYTES */
    CLISTATUS_ERR_NO_SECTION,   /* no [Climon Status] */
    CLISTATUS_ERR_FORMAT,       /* Format missing or not 1 (a newer agent: not guessed at) */
    CLISTATUS_ERR_BAD_ID,       /* SMS Unique ID missing or not [A-Za-z0-9]{1,32} */
    CLISTATUS_ERR_OTHER_CLIENT, /* the ID inside is not the file's name */
    CLISTATUS_ERR_BAD_MACHINE,  /* Machine Name missing or not a NetBIOS name */
    CLISTATUS_ERR_BAD_FIELD,    /* a field missing or out of range: err->key */
    CLISTATUS_ERR_NO_END,       /* no End=1: a file cut short */
    CLISTATUS_ERR_NO_SPACE      /* output buffer too small */
} clistatus_status;

typedef struct clistatus_error {
    clistatus_status status;
    ini_error ini; /* for CLISTATUS_ERR_FILE */
    char key[40];  /* the key at fault, if any */
} clistatus_error;

const char *clistatus_status_text(clistatus_status st);
/* One line of English for err ("Pending Since: field missing or out of
 * range"). Returns strlen of the full text, like snprintf. */
size_t clistatus_error_format(const clistatus_error *err, char *buf, size_t cap);

/* Dotted decimal numbers, each part 1 to 9 digits, at most 23 characters. */
bool clistatus_version_ok(const char *v);

/* Writes s as a status file (8-bit, CRLF) into out. Every field is checked
 * first (the same rules as reading, so what the agent writes the site
 * reads); Last Error is made safe instead: control characters become
 * spaces, bytes that are not UTF-8 become '?', and it is cut at 255 bytes
 * on a character boundary. */
clistatus_status clistatus_format(const clistatus *s, char *out, size_t cap, size_t *out_len,
                                  clistatus_error *err);

/* Reads a status file. stem (may be NULL) is the file's name without
 * ".INI": when given, it must be an SMS Unique ID (else CLISTATUS_ERR_BAD_ID
 * with key "file name") and the ID inside must be it (case-insensitive), so
 * a client cannot report for another. *out is zeroed on any error. */
clistatus_status clistatus_read(const void *data, size_t len, const char *stem, clistatus *out,
                                clistatus_error *err);

/* The same facts as a DMTF MIF for SMS's inventory (NOIDMIFS): one
 * component "Climon", one group "Climon Status". Strings are quoted with
 * '\\' and '"' escaped. Returns false when out is too small or a field is
 * invalid (as for clistatus_format). */
bool clistatus_mif_format(const clistatus *s, char *out, size_t cap, size_t *out_len);

/* ---- The admin's buckets (ccm --report) ---- */

typedef enum clistatus_bucket {
    CLISTATUS_B_CURRENT = 0, /* versions the same, nothing pending, no error */
    CLISTATUS_B_REQUEST,     /* a request with the manager, or versions differ */
    CLISTATUS_B_RESTART_1D,  /* restart or logoff pending under a day */
    CLISTATUS_B_RESTART_3D,  /* ... 1 to 3 days */
    CLISTATUS_B_RESTART_OLD, /* ... over 3 days */
    CLISTATUS_B_ERROR,       /* the last pass failed (or no pass yet) */
    CLISTATUS_B_SILENT,      /* no report for silent_s */
    CLISTATUS_B_COUNT
} clistatus_bucket;

/* Short machine name ("restart-1-3d") and the page's label. */
const char *clistatus_bucket_name(clistatus_bucket b);
const char *clistatus_bucket_label(clistatus_bucket b);

/* Where a client stands at `now`: silent first (what it said is stale),
 * then restart or logoff pending by its age, then error, request, current.
 * A pending restart outranks an error: the user is the one to act. */
clistatus_bucket clistatus_classify(const clistatus *s, int64_t now, int64_t silent_s);

/* Overdue: a restart or logoff pending past its deadline, or (no deadline)
 * for over 3 days. */
bool clistatus_overdue(const clistatus *s, int64_t now);

/* "2026-12-02 04:30 UTC" ("" for 0), for the page and the MIF. */
void clistatus_time_text(int64_t t, char *buf, size_t cap);

#endif
