/*
 * smsini.h: the client record in SMS.INI, read by one set of rules for the
 * agent and for Client Setup (docs/protocol.md, "SMS.INI").
 *
 * smsini_read takes the file's bytes and fills the record: each value
 * with what became of it (absent, usable, or there but not usable, and
 * why). Values are the bytes the INI layer gives (UTF-8 for UTF-8 and
 * UTF-16 files, the file's own bytes for 8-bit ones: the shell converts
 * them, UTF-8 first, else the ANSI code page). Paths are checked here:
 * absolute (X:\... or \\server\share...), no control character, no
 * wildcard, no "." or ".." segment, at most SMSINI_PATH_CHARS characters,
 * trailing separators removed (a drive's root keeps its one). Who may do
 * without a value (the agent runs and says why; Client Setup stops) is the
 * caller's rule, not this file's.
 */
#ifndef CLIMON_SMSINI_H
#define CLIMON_SMSINI_H

#include <stdbool.h>
#include <stddef.h>

#include "climon/ccr.h"
#include "climon/copylist.h"
#include "climon/ini.h"

#define SMSINI_PATH_CHARS 1023                    /* the longest path taken */
#define SMSINI_PATH_BYTES (4 * SMSINI_PATH_CHARS) /* its UTF-8 at the most */
#define SMSINI_WHY_MAX 160

typedef enum smsini_status {
    SMSINI_ABSENT = 0, /* no such key, or an empty value */
    SMSINI_OK,
    SMSINI_BAD /* there, but not usable: why says so */
} smsini_status;

typedef struct smsini_value {
    smsini_status status;
    char text[SMSINI_PATH_BYTES + 1]; /* "" unless SMSINI_OK */
    char why[SMSINI_WHY_MAX];         /* SMSINI_BAD: "SMSPath is not an absolute folder" */
} smsini_value;

typedef struct smsini_record {
    bool file_ok;                   /* false: the INI layer refused the file, nothing else is set */
    ini_error file_error;           /* why, when !file_ok */
    smsini_value unique_id;         /* [SMS] SMS Unique ID: ccr_id_ok */
    smsini_value sms_path;          /* [SMS] SMSPath */
    smsini_value invdata_path;      /* [SMS] SMSInvDataPath */
    smsini_value logon_server_path; /* [SMS] LastLogonServerPath: the share */
    smsini_value inventory_box;     /* [SMS] InventoryCollectionPoint: a plain folder name */
    smsini_value ccr_box;           /* [SMS] ConfigurationRequestPath: a plain folder name */
    smsini_value site_code;         /* [SMS] SiteCode: up to 15 bytes */
    smsini_value logon_server;      /* [Servers] CurrentLogonServer: up to 63 bytes */
    smsini_value machine_name;      /* [Local] MachineName: ccr_name_ok */
    smsini_value domain;            /* [Servers] Domain: ccr_name_ok */
    clv version;                    /* [SMS] CopyListVersion (copylist_local_version) */
} smsini_record;

/* Reads the record from SMS.INI's bytes. Never fails: what could not be
 * used says why in its value. */
void smsini_read(const void *data, size_t len, smsini_record *rec);

/* The path rules above, on UTF-8 text; trims trailing separators in place.
 * False for "" too. */
bool smsini_path_ok(char *path);

/* The first reason a value of rec was not usable, "" when none. */
const char *smsini_first_problem(const smsini_record *rec);

#endif
