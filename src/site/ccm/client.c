/*
 * client.c: where the client of a request is (ccm.h, docs/protocol.md
 * "## Client Configuration Manager").
 *
 * SMS's manager reached a client over the network: its admin share for
 * files, its registry remotely. Climon's manager is given each client by a
 * client record the site keeps in <share>\CLIENTS\<SMS Unique ID>.INI:
 *
 *   [Client]
 *   SMS.INI=C:\SMS.INI               where the client's SMS.INI is, as the
 *                                    manager can open it (local or UNC)
 *   Registry=SOFTWARE\Microsoft\SMS\Client Services   (optional, under HKLM)
 *   Machine Name=LABPC01             (optional: must match the request)
 *
 * The records are the site's, never a client's (Client Setup does not
 * write them), so a client cannot point the manager at another client's
 * files. The client's own SMS.INI must carry the same SMS Unique ID and
 * gives SMSPath, where BIN is.
 */
#include "ccm.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "fileio.h"
#include "winstr.h"

#define RECORD_SECTION "Client"
#define RECORD_MAX_BYTES (64u * 1024u)

/* A key path under HKLM\SOFTWARE, as the registry functions take it. */
static bool regkey_ok(const char *k)
{
    size_t n = strlen(k);

    if (n < 10 || n > 200 || _strnicmp(k, "SOFTWARE\\", 9) != 0 || k[n - 1] == '\\')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)k[i];
        if (ch < 0x20 || ch == 0x7f || (ch == '\\' && k[i + 1] == '\\'))
            return false;
    }
    return true;
}

DWORD ccm_client_find(ccm_ctx *ctx, const char *id, const ccr_request *req, ccm_client *c,
                      char *why, size_t cap)
{
    wchar_t dir[SITE_PATH_MAX], path[SITE_PATH_MAX];
    unsigned char *rec = NULL, *ini = NULL;
    size_t rec_len = 0, ini_len = 0;
    char name[CCR_ID_MAX + 8], text[SITE_PATH_MAX * 3], p8[SITE_PATH_MAX * 3], e[160];
    DWORD err;

    memset(c, 0, sizeof *c);
    why[0] = 0;
    snprintf(c->id, sizeof c->id, "%s", id);
    snprintf(name, sizeof name, "%s.INI", id);
    if (!path_join(dir, SITE_PATH_MAX, ctx->share, CCM_CLIENTS_DIR) ||
        !site_join_u8(path, SITE_PATH_MAX, dir, name))
        return ERROR_FILENAME_EXCED_RANGE;
    err = fileio_read(path, RECORD_MAX_BYTES, &rec, &rec_len);
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) {
        snprintf(why, cap, "unknown client %s: the site has no CLIENTS\\%s", id, name);
        err = ERROR_NOT_FOUND;
        goto out;
    }
    if (err != ERROR_SUCCESS) {
        snprintf(why, cap, "client record CLIENTS\\%s cannot be read: %s", name,
                 win_strerror(err, e, sizeof e));
        goto out;
    }
    if (ini_get(rec, rec_len, RECORD_SECTION, "SMS.INI", text, sizeof text, NULL) != INI_OK ||
        !winstr_from_utf8(text, c->smsini, SITE_PATH_MAX) || !site_path_ok(c->smsini)) {
        snprintf(why, cap,
                 "client record CLIENTS\\%s: [Client] SMS.INI missing or not an absolute path",
                 name);
        err = ERROR_BAD_CONFIGURATION;
        goto out;
    }
    switch (ini_get(rec, rec_len, RECORD_SECTION, "Registry", text, sizeof text, NULL)) {
    case INI_NOT_FOUND:
        wcscpy(c->regkey, REG_CLIENT_SERVICES);
        break;
    case INI_OK:
        if (regkey_ok(text) && winstr_from_utf8(text, c->regkey, 256))
            break;
        /* fall through */
    default:
        snprintf(why, cap,
                 "client record CLIENTS\\%s: [Client] Registry must be a key under SOFTWARE\\",
                 name);
        err = ERROR_BAD_CONFIGURATION;
        goto out;
    }
    if (ini_get(rec, rec_len, RECORD_SECTION, "Machine Name", text, sizeof text, NULL) == INI_OK &&
        req && !ini_name_eq(text, req->machine)) {
        snprintf(why, cap, "request from machine %s but the site's record of %s says %s",
                 req->machine, id, text);
        err = ERROR_INVALID_DATA;
        goto out;
    }

    err = fileio_read(c->smsini, INI_MAX_FILE_BYTES, &ini, &ini_len);
    if (err != ERROR_SUCCESS) {
        snprintf(why, cap, "client %s cannot be reached: %s: %s", id,
                 site_u8(c->smsini, p8, sizeof p8), win_strerror(err, e, sizeof e));
        goto out;
    }
    if (ini_get(ini, ini_len, SMSINI_SECTION_SMS, SMSINI_KEY_UNIQUE_ID, text, sizeof text, NULL) !=
            INI_OK ||
        !ini_name_eq(text, id)) {
        snprintf(why, cap, "%s is not the SMS.INI of client %s", site_u8(c->smsini, p8, sizeof p8),
                 id);
        err = ERROR_INVALID_DATA;
        goto out;
    }
    if (ini_get(ini, ini_len, SMSINI_SECTION_SMS, SMSINI_KEY_SMS_PATH, text, sizeof text, NULL) !=
            INI_OK ||
        !winstr_from_utf8(text, dir, SITE_PATH_MAX) || !site_path_ok(dir) ||
        !path_join(c->bin, SITE_PATH_MAX, dir, L"BIN")) {
        snprintf(why, cap, "client %s: SMSPath in %s is missing or not an absolute folder", id,
                 site_u8(c->smsini, p8, sizeof p8));
        err = ERROR_INVALID_DATA;
        goto out;
    }
out:
    fileio_free(rec);
    fileio_free(ini);
    return err;
}
