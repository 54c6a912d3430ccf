/*
 * smsini.c: the client's SMS.INI, read and rewritten (clisetup.h).
 *
 * Q161216: a failed rewrite of SMS.INI once left clients broken. The file
 * is never edited in place: ini_set builds the new bytes with only the
 * changed values different, and fileio_write_atomic replaces the file
 * through a flushed temporary file, so a failure at any point leaves the
 * old file whole.
 */
#include "clisetup.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "climon/smsini.h"
#include "fileio.h"
#include "winstr.h"

/* The core's one reading of SMS.INI (climon/smsini.h), the agent's too;
 * Client Setup's own rule is only which values it cannot do without. */
bool clisetup_read_client(const unsigned char *ini, size_t len, clisetup_client *c, char *why,
                          size_t cap)
{
    smsini_record *rec = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *rec);
    char line[160];
    bool ok = false;

    memset(c, 0, sizeof *c);
    why[0] = 0;
    if (!rec) {
        snprintf(why, cap, "out of memory");
        return false;
    }
    smsini_read(ini, len, rec);
    if (!rec->file_ok) {
        ini_error_format(&rec->file_error, line, sizeof line);
        snprintf(why, cap, "SMS.INI rejected: %s", line);
        goto out;
    }
    if (rec->unique_id.status != SMSINI_OK) {
        snprintf(why, cap, "%s",
                 rec->unique_id.status == SMSINI_BAD
                     ? rec->unique_id.why
                     : "SMS.INI [SMS] SMS Unique ID is missing or not 1-32 letters and digits");
        goto out;
    }
    snprintf(c->id, sizeof c->id, "%s", rec->unique_id.text);
    if (rec->sms_path.status != SMSINI_OK ||
        !winstr_from_ini(rec->sms_path.text, c->sms_path, SITE_PATH_MAX) ||
        !site_path_ok(c->sms_path)) {
        snprintf(why, cap, "%s",
                 rec->sms_path.status == SMSINI_BAD
                     ? rec->sms_path.why
                     : "SMS.INI [SMS] SMSPath is missing or not an absolute folder");
        goto out;
    }
    if (!path_join(c->bin, SITE_PATH_MAX, c->sms_path, L"BIN") ||
        !path_join(c->log, SITE_PATH_MAX, c->sms_path, L"LOGS\\" CLISETUP_LOG_NAME)) {
        snprintf(why, cap, "SMS.INI [SMS] SMSPath is too long");
        goto out;
    }
    if (rec->machine_name.status == SMSINI_BAD) {
        snprintf(why, cap, "SMS.INI [Local] MachineName is not a valid computer name");
        goto out;
    } else if (rec->machine_name.status == SMSINI_OK) {
        snprintf(c->machine, sizeof c->machine, "%s", rec->machine_name.text);
    } else {
        wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
        DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
        if (!GetComputerNameW(name, &n) || !winstr_to_utf8(name, c->machine, sizeof c->machine) ||
            !ccr_name_ok(c->machine)) {
            snprintf(why, cap, "no [Local] MachineName in SMS.INI and no usable computer name");
            goto out;
        }
    }
    if (rec->domain.status == SMSINI_BAD) {
        snprintf(why, cap, "SMS.INI [Servers] Domain is not a valid domain name");
        goto out;
    }
    snprintf(c->domain, sizeof c->domain, "%s",
             rec->domain.status == SMSINI_OK ? rec->domain.text : "WORKGROUP");
    c->version = rec->version;
    ok = true;
out:
    HeapFree(GetProcessHeap(), 0, rec);
    return ok;
}

/* One ini_set into a new heap buffer; *out replaces *cur on success. */
static ini_status set_one(unsigned char **cur, size_t *cur_len, bool *owned, const char *section,
                          const char *key, const char *value, ini_error *ie)
{
    size_t cap = ini_set_bound(*cur_len, section, key, value), out_len = 0;
    unsigned char *out = HeapAlloc(GetProcessHeap(), 0, cap ? cap : 1);
    ini_status st;

    if (!out)
        return INI_ERR_NO_SPACE;
    st = ini_set(*cur, *cur_len, section, key, value, out, cap, &out_len, ie);
    if (st != INI_OK) {
        HeapFree(GetProcessHeap(), 0, out);
        return st;
    }
    if (*owned)
        HeapFree(GetProcessHeap(), 0, *cur);
    *cur = out;
    *cur_len = out_len;
    *owned = true;
    return INI_OK;
}

DWORD clisetup_update_smsini(const wchar_t *path, const unsigned char *ini, size_t len,
                             uint32_t version, const wchar_t *share, char *why, size_t cap)
{
    unsigned char *cur = (unsigned char *)ini;
    size_t cur_len = len;
    bool owned = false;
    char vtext[16], share8[SITE_PATH_MAX * 3], have[SITE_PATH_MAX * 3];
    ini_error ie;
    ini_status st;
    DWORD err = ERROR_SUCCESS, attrs;

    why[0] = 0;
    memset(&ie, 0, sizeof ie);
    snprintf(vtext, sizeof vtext, "%lu", (unsigned long)version);
    st = set_one(&cur, &cur_len, &owned, SMSINI_SECTION_SMS, SMSINI_KEY_COPYLIST_VERSION, vtext,
                 &ie);
    if (st != INI_OK)
        goto refused;
    /* The server Client Setup ran from is the client's logon server now;
     * the agent finds CL_NT.TXT through this value. */
    if (share && winstr_to_utf8(share, share8, sizeof share8) && ini_value_ok(share8) &&
        !(ini_get(cur, cur_len, SMSINI_SECTION_SMS, SMSINI_KEY_LOGON_SERVER_PATH, have, sizeof have,
                  NULL) == INI_OK &&
          _stricmp(have, share8) == 0)) {
        st = set_one(&cur, &cur_len, &owned, SMSINI_SECTION_SMS, SMSINI_KEY_LOGON_SERVER_PATH,
                     share8, &ie);
        if (st != INI_OK)
            goto refused;
    }
    if (cur_len == len && memcmp(cur, ini, len) == 0)
        goto out; /* already says so: leave the file alone */
    attrs = GetFileAttributesW(path);
    err = fileio_write_atomic(path, cur, cur_len);
    if (err != ERROR_SUCCESS) {
        char e[160];
        snprintf(why, cap, "could not replace SMS.INI (it is unchanged): %s",
                 win_strerror(err, e, sizeof e));
        goto out;
    }
    /* SMS.INI is hidden; the new file must look like the old one. */
    if (attrs != INVALID_FILE_ATTRIBUTES &&
        (attrs & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM)))
        SetFileAttributesW(
            path, attrs & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE));
    goto out;
refused : {
    char line[160];
    ie.status = st;
    ini_error_format(&ie, line, sizeof line);
    snprintf(why, cap, "SMS.INI could not be rewritten: %s", line);
    err = ERROR_INVALID_DATA;
}
out:
    if (owned)
        HeapFree(GetProcessHeap(), 0, cur);
    return err;
}
