/*
 * ccr.h: client configuration requests, <SMS Unique ID>.CCR in CCR.BOX.
 *
 * Client Setup writes [NT Client Configuration Request]; a second request
 * for the same client before the manager took the first is merged into it
 * (Latest Request Date, Client Request Count). The manager writes
 * [Request Processing] when processing fails. Every value written is
 * validated first, so a machine or domain name cannot inject a line, a key
 * or a section. Pure functions over caller buffers; no allocation, no I/O.
 */
#ifndef CLIMON_CCR_H
#define CLIMON_CCR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "climon/ini.h"

#define CCR_SECTION_REQUEST "NT Client Configuration Request"
#define CCR_SECTION_PROCESSING "Request Processing"

#define CCR_NAME_MAX 15 /* NetBIOS machine and domain names */
#define CCR_ID_MAX 32   /* SMS Unique ID, also the file name stem */
#define CCR_DATE_MAX 16 /* "MM/DD/YYYY H:MM" */
#define CCR_MAX_COUNT 1000000u
#define CCR_MAX_BYTES 8192u /* a request file is small; larger is hostile */

/* Calendar time as the request files write it (local time, minutes). */
typedef struct ccr_time {
    unsigned year, month, day, hour, minute;
} ccr_time;

typedef struct ccr_request {
    char machine[CCR_NAME_MAX + 1];
    char domain[CCR_NAME_MAX + 1];
    ccr_time initial;
    ccr_time latest;
    uint32_t count; /* Client Request Count, >= 1 */
} ccr_request;

typedef struct ccr_processing {
    bool present; /* the section exists */
    ccr_time initial_attempt;
    ccr_time retry_start;
    ccr_time latest_attempt;
    uint32_t attempts;
    uint32_t last_error; /* Win32 error code */
} ccr_processing;

typedef enum ccr_status {
    CCR_OK = 0,
    CCR_ERR_FILE,        /* the INI layer rejected the file: see err->ini */
    CCR_ERR_TOO_LARGE,   /* over CCR_MAX_BYTES */
    CCR_ERR_NO_REQUEST,  /* no [NT Client Configuration Request] section */
    CCR_ERR_BAD_MACHINE, /* machine name missing or not a valid NetBIOS name */
    CCR_ERR_BAD_DOMAIN,
    CCR_ERR_BAD_ID,         /* SMS Unique ID not [A-Za-z0-9]{1,32} */
    CCR_ERR_BAD_DATE,       /* a date missing or not MM/DD/YYYY H:MM, or impossible */
    CCR_ERR_BAD_COUNT,      /* count missing, zero, not a number, or over CCR_MAX_COUNT */
    CCR_ERR_BAD_PROCESSING, /* [Request Processing] present but malformed */
    CCR_ERR_NO_SPACE        /* output buffer too small */
} ccr_status;

typedef struct ccr_error {
    ccr_status status;
    ini_error ini; /* for CCR_ERR_FILE */
    char key[40];  /* the key at fault, if any */
} ccr_error;

const char *ccr_status_text(ccr_status st);
size_t ccr_error_format(const ccr_error *err, char *buf, size_t cap);

/* NetBIOS name: 1..15 chars, letters, digits and - _ $ ! # % & ' ( ) ^ ~ { }
 * . @ only; never space, control chars, = [ ] ; , \ / : * ? " < > |. */
bool ccr_name_ok(const char *name);
/* SMS Unique ID: 1..32 of [A-Za-z0-9]. It becomes a file name. */
bool ccr_id_ok(const char *id);
bool ccr_time_ok(const ccr_time *t);

/* "MM/DD/YYYY H:MM"; returns false (and writes "") for an invalid time. */
bool ccr_time_format(const ccr_time *t, char *buf, size_t cap);
bool ccr_time_parse(const char *text, ccr_time *out);

/* Writes a new request file (CRLF, 8-bit) for req into out.
 * Errors: CCR_ERR_BAD_* when a field is invalid (nothing written),
 * CCR_ERR_NO_SPACE. */
ccr_status ccr_write(const ccr_request *req, char *out, size_t cap, size_t *out_len,
                     ccr_error *err);

/* Merges a new request at time `now` into an existing file: Latest Request
 * Date = now, Client Request Count + 1 (capped at CCR_MAX_COUNT), every
 * other byte kept. An existing file that is not a valid request (hostile,
 * truncated) is an error, and the caller writes a fresh one with ccr_write
 * instead, keeping the bad one aside for the admin. */
ccr_status ccr_merge(const void *existing, size_t len, const ccr_time *now, char *out, size_t cap,
                     size_t *out_len, ccr_error *err);

/* Reads a request file. proc may be NULL. Every field is validated as on
 * writing: a request the agent or the manager acts on is always well-formed. */
ccr_status ccr_read(const void *data, size_t len, ccr_request *req, ccr_processing *proc,
                    ccr_error *err);

/* Writes [Request Processing] into a request (replacing the section's keys
 * or appending it), every other byte kept. */
ccr_status ccr_set_processing(const void *existing, size_t len, const ccr_processing *proc,
                              char *out, size_t cap, size_t *out_len, ccr_error *err);

/* A bound on the output size of ccr_merge / ccr_set_processing for an
 * input of len bytes. */
size_t ccr_output_bound(size_t len);

#endif
