/*
 * report.c: what the Client Configuration Manager says it changed, read
 * from HKLM\SOFTWARE\Microsoft\SMS\Client Services, and whether our
 * request is still waiting in CCR.BOX.
 *
 * On doubt nothing is pending: a value of the wrong type is logged and
 * read as absent, so a damaged key can never start a prompt. Only Reboot
 * Required is what SMS 1.2 documents; the key's last-write time tells one
 * change from the next where the site writes no Change Id.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "fileio.h"
#include "regread.h"
#include "winstr.h"

static BOOL read_dword(HKEY k, const wchar_t *name, DWORD *out, BOOL *wrong_type, logfile *lf)
{
    DWORD v = 0, rc = regread_dword(k, NULL, name, &v);
    char n8[64];

    if (rc == ERROR_FILE_NOT_FOUND)
        return FALSE;
    if (rc != ERROR_SUCCESS) {
        winstr_to_utf8(name, n8, sizeof n8);
        LOG_WARN(lf, "Client Services value \"%s\" is not a DWORD; taken as absent", n8);
        if (wrong_type)
            *wrong_type = TRUE;
        return FALSE;
    }
    *out = v;
    return TRUE;
}

/* Cuts UTF-8 text to cap - 1 bytes without splitting a character. */
static void copy_utf8_cut(char *out, size_t cap, const char *in)
{
    size_t n = strlen(in);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)in[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, in, n);
    out[n] = 0;
}

static void read_components(HKEY k, agent_report *r, logfile *lf)
{
    char u[4096];
    DWORD rc = regread_sz_utf8(k, NULL, REGV_CHANGED_COMPONENTS, u, sizeof u);

    if (rc == ERROR_FILE_NOT_FOUND)
        return;
    if (rc != ERROR_SUCCESS) {
        LOG_WARN(lf, "Client Services \"Changed Components\" unreadable or not a string");
        return;
    }
    copy_utf8_cut(r->components, sizeof r->components, u);
}

static agent_time last_write(HKEY k)
{
    FILETIME ft;
    if (RegQueryInfoKeyW(k, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &ft) !=
        ERROR_SUCCESS)
        return 0;
    return time_from_filetime(&ft);
}

static BOOL read_sz(HKEY k, const wchar_t *name, char *out, size_t cap)
{
    return regread_sz_utf8(k, NULL, name, out, cap) == ERROR_SUCCESS;
}

/* The component subkeys, where the key has them (our lab's Components\<NAME>
 * with Display Name and Installed Version; a key of another layout gives
 * its subkey names), each with its last-write time: the core picks those
 * written with the flag when the site does not name them. */
static void read_component_keys(HKEY services, agent_report *r)
{
    HKEY comps = NULL, parent = services;
    wchar_t name[256];
    DWORD n;

    if (RegOpenKeyExW(services, REG_COMPONENTS_SUBKEY, 0,
                      KEY_ENUMERATE_SUB_KEYS | KEY_QUERY_VALUE | KEY_WOW64_64KEY,
                      &comps) == ERROR_SUCCESS)
        parent = comps;
    BOOL complete = FALSE;
    for (DWORD i = 0; i < 1024; i++) {
        HKEY c;
        char shown[AGENT_COMPONENT_TEXT], version[32];
        agent_component *ac;
        n = 256;
        LSTATUS rc = RegEnumKeyExW(parent, i, name, &n, NULL, NULL, NULL, NULL);
        if (rc == ERROR_NO_MORE_ITEMS) {
            complete = TRUE;
            break;
        }
        if (r->ncomponents == AGENT_REPORT_COMPONENTS)
            break; /* more than a report carries: not all of them */
        if (rc != ERROR_SUCCESS ||
            (parent == services && _wcsicmp(name, REG_COMPONENTS_SUBKEY) == 0))
            continue;
        if (RegOpenKeyExW(parent, name, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &c) != ERROR_SUCCESS)
            continue;
        ac = &r->component[r->ncomponents];
        if (!read_sz(c, REGV_DISPLAY_NAME, shown, sizeof shown) &&
            !winstr_to_utf8(name, shown, sizeof shown))
            shown[0] = 0;
        if (read_sz(c, REGV_INSTALLED_VERSION, version, sizeof version) && version[0])
            snprintf(ac->text, sizeof ac->text, "%.40s %.20s", shown, version);
        else
            snprintf(ac->text, sizeof ac->text, "%s", shown);
        ac->written = last_write(c);
        RegCloseKey(c);
        if (ac->text[0])
            r->ncomponents++;
    }
    if (comps)
        RegCloseKey(comps);
    r->components_read = complete;
}

BOOL report_request_queued(const wchar_t *ccr_box, const char *unique_id)
{
    wchar_t id[48], name[64], path[CLIMON_PATH_MAX];

    if (!ccr_box[0] || !unique_id[0] || !winstr_from_utf8(unique_id, id, 48))
        return FALSE;
    _snwprintf(name, 64, L"%ls.CCR", id);
    name[63] = 0;
    return path_join(path, CLIMON_PATH_MAX, ccr_box, name) && fileio_exists(path);
}

void report_read(const wchar_t *ccr_box, const char *unique_id, logfile *lf, agent_report *r)
{
    HKEY k = NULL;
    LSTATUS rc;
    DWORD v;

    memset(r, 0, sizeof *r);
    r->prompt_allowed = TRUE;
    rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, REG_CLIENT_SERVICES, 0,
                       KEY_QUERY_VALUE | KEY_ENUMERATE_SUB_KEYS | KEY_WOW64_64KEY, &k);
    if (rc == ERROR_SUCCESS) {
        if (read_dword(k, REGV_REBOOT_REQUIRED, &v, NULL, lf))
            r->restart = v == 1;
        if (read_dword(k, REGV_LOGOFF_REQUIRED, &v, NULL, lf))
            r->logoff = v == 1;
        if (read_dword(k, REGV_PROMPT_FOR_RESTART, &v, NULL, lf))
            r->prompt_allowed = v != 0;
        if (read_dword(k, REGV_CHANGE_ID, &v, NULL, lf))
            r->change_id = v;
        read_components(k, r, lf);
        r->written = last_write(k);
        /* Every report, flag or not: the core names a change by what
         * differs from the last look. */
        read_component_keys(k, r);
        RegCloseKey(k);
    } else if (rc != ERROR_FILE_NOT_FOUND) {
        char why[200];
        LOG_WARN(lf, "cannot open Client Services: %s", win_strerror((DWORD)rc, why, sizeof why));
    }

    r->request_queued = report_request_queued(ccr_box, unique_id);
    LOG_INFO(lf,
             "report: restart=%d logoff=%d change_id=%lu written=%llu prompt_allowed=%d queued=%d "
             "components=\"%s\" subkeys=%u",
             r->restart, r->logoff, (unsigned long)r->change_id, (unsigned long long)r->written,
             r->prompt_allowed, r->request_queued, r->components, r->ncomponents);
}
