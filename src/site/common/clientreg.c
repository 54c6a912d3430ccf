/*
 * clientreg.c: a client's Client Services key (site.h, climon/protocol.h).
 *
 * Client Setup writes here what the client should run (Desired Version)
 * and, for programs it installs itself, what it has; the manager writes
 * what it installed and, when that needs a restart, Reboot Required with
 * the list of what changed. The agent reads the same key, so every value
 * read back is checked as if hostile: a component name must be one the
 * copy list could have named, a version dotted numbers, a file a plain
 * file name.
 */
#include "site.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "regread.h"
#include "winstr.h"

#define REG_ACCESS (KEY_READ | KEY_WRITE | KEY_WOW64_64KEY)

DWORD clientreg_open(HKEY root, const wchar_t *key, clientreg *reg)
{
    LSTATUS rc;

    reg->services = NULL;
    reg->components = NULL;
    reg->nkept = 0;
    rc = RegCreateKeyExW(root, key, 0, NULL, 0, REG_ACCESS, NULL, &reg->services, NULL);
    if (rc != ERROR_SUCCESS)
        return (DWORD)rc;
    rc = RegCreateKeyExW(reg->services, REG_COMPONENTS_SUBKEY, 0, NULL, 0, REG_ACCESS, NULL,
                         &reg->components, NULL);
    if (rc != ERROR_SUCCESS) {
        RegCloseKey(reg->services);
        reg->services = NULL;
    }
    return (DWORD)rc;
}

void clientreg_close(clientreg *reg)
{
    for (unsigned i = 0; i < reg->nkept; i++)
        RegCloseKey(reg->kept[i]);
    reg->nkept = 0;
    if (reg->components)
        RegCloseKey(reg->components);
    if (reg->services)
        RegCloseKey(reg->services);
    reg->components = NULL;
    reg->services = NULL;
}

DWORD clientreg_get_dword(HKEY key, const wchar_t *value, DWORD *out)
{
    return regread_dword(key, NULL, value, out);
}

/* Writes of a value that is already there are skipped: the key's
 * last-write time is how an agent of a real site tells one change from the
 * next, so nothing may touch it for no change. */
/* The write itself, for a value whose old value is known to differ. */
static DWORD put_dword(HKEY key, const wchar_t *value, DWORD v)
{
    return (DWORD)RegSetValueExW(key, value, 0, REG_DWORD, (const BYTE *)&v, sizeof v);
}

DWORD clientreg_put_dword(HKEY key, const wchar_t *value, DWORD v)
{
    return put_dword(key, value, v);
}

/* Where component name's key is in reg's kept table, or -1. */
static int kept_index(const clientreg *reg, const char *name)
{
    for (unsigned i = 0; i < reg->nkept; i++)
        if (ini_name_eq(reg->kept_name[i], name))
            return (int)i;
    return -1;
}

/* The kept key of component name, or NULL. */
static HKEY kept_key(const clientreg *reg, const char *name)
{
    int i = kept_index(reg, name);
    return i < 0 ? NULL : reg->kept[i];
}

DWORD clientreg_set_dword(HKEY key, const wchar_t *value, DWORD v)
{
    DWORD was;
    if (clientreg_get_dword(key, value, &was) == ERROR_SUCCESS && was == v)
        return ERROR_SUCCESS;
    return put_dword(key, value, v);
}

DWORD clientreg_get_sz(HKEY key, const wchar_t *value, char *out, size_t cap)
{
    DWORD err = regread_sz_utf8(key, NULL, value, out, cap);

    /* Too long or not convertible: the value is not one we wrote. */
    return err == ERROR_MORE_DATA || err == ERROR_NO_UNICODE_TRANSLATION ? ERROR_INVALID_DATA : err;
}

DWORD clientreg_set_sz(HKEY key, const wchar_t *value, const char *utf8)
{
    wchar_t buf[1024];

    wchar_t was[1024];

    if (!winstr_from_utf8(utf8, buf, sizeof buf / sizeof buf[0]))
        return ERROR_INVALID_DATA;
    if (regread_sz(key, NULL, value, was, sizeof was / sizeof was[0]) == ERROR_SUCCESS &&
        wcscmp(was, buf) == 0)
        return ERROR_SUCCESS; /* unchanged: see clientreg_set_dword */
    return (DWORD)RegSetValueExW(key, value, 0, REG_SZ, (const BYTE *)buf,
                                 (DWORD)((wcslen(buf) + 1) * sizeof(wchar_t)));
}

/* Dotted numbers, as copylist_parse accepts them. */
static bool version_ok(const char *v)
{
    size_t n = strlen(v);
    bool digit = false;

    if (n == 0 || n > COPYLIST_VERSION_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] >= '0' && v[i] <= '9') {
            digit = true;
        } else if (v[i] == '.' && digit) {
            digit = false;
        } else {
            return false;
        }
    }
    return digit;
}

static DWORD open_component(const clientreg *reg, const char *name, bool create, HKEY *out)
{
    wchar_t wname[COPYLIST_NAME_MAX + 1];

    *out = NULL;
    if (!copylist_name_ok(name) || !winstr_from_utf8(name, wname, COPYLIST_NAME_MAX + 1))
        return ERROR_INVALID_NAME;
    if (create)
        return (DWORD)RegCreateKeyExW(reg->components, wname, 0, NULL, 0, REG_ACCESS, NULL, out,
                                      NULL);
    return (DWORD)RegOpenKeyExW(reg->components, wname, 0, REG_ACCESS, out);
}

/* Where the copy list first names name, or -1 when it does not list it. */
static int listed_index(const copylist *list, const char *name)
{
    for (unsigned i = 0; list && i < list->ncomponents && i < COPYLIST_MAX_COMPONENTS; i++)
        if (ini_name_eq(list->comp[i].name, name))
            return (int)i;
    return -1;
}

/* One Components\<name> as read_installed takes it, with the kind the
 * copy list gives it (-1: not listed, the key's own Kind is read): 1 added
 * to *n, 0 for a key that is only desired, -1 for one that is damaged (or
 * no room), -2 when there is no such key. */
static int read_one(clientreg *reg, const wchar_t *wname, const char *name, int listed,
                    copylist_installed *out, unsigned cap, unsigned *n)
{
    copylist_installed one;
    char kind[16];
    HKEY k;
    LSTATUS rc;
    /* A listed component is the one set_installed may write next. */
    bool keep = listed >= 0 && reg->nkept < CLIENTREG_KEPT && !kept_key(reg, name);

    memset(&one, 0, sizeof one);
    snprintf(one.name, sizeof one.name, "%s", name);
    rc = RegOpenKeyExW(reg->components, wname, 0, keep ? REG_ACCESS : KEY_READ | KEY_WOW64_64KEY,
                       &k);
    if (rc == ERROR_ACCESS_DENIED && keep) {
        /* Readable, not writable: read as before; a write fails on its own. */
        keep = false;
        rc = RegOpenKeyExW(reg->components, wname, 0, KEY_READ | KEY_WOW64_64KEY, &k);
    }
    if (rc != ERROR_SUCCESS)
        return rc == ERROR_FILE_NOT_FOUND ? -2 : -1;
    rc = (LSTATUS)clientreg_get_sz(k, REGV_INSTALLED_VERSION, one.version, sizeof one.version);
    /* The recorded Kind only decides how a removal is reported; a
     * component the copy list names is never removed, so its Kind is
     * not worth a registry call per client. */
    if (listed >= 0)
        one.kind = (copylist_kind)listed;
    else if (rc == ERROR_SUCCESS &&
             clientreg_get_sz(k, REGV_KIND, kind, sizeof kind) == ERROR_SUCCESS)
        one.kind = strcmp(kind, "program") == 0 ? COPYLIST_PROGRAM : COPYLIST_SERVICE;
    else
        one.kind = COPYLIST_SERVICE; /* no Kind: the cautious guess, a restart */
    if (keep) {
        reg->kept[reg->nkept] = k;
        snprintf(reg->kept_name[reg->nkept++], COPYLIST_NAME_MAX + 1, "%s", name);
    } else {
        RegCloseKey(k);
    }
    if (rc == ERROR_FILE_NOT_FOUND)
        return 0; /* desired only: not installed */
    if (rc != ERROR_SUCCESS || !version_ok(one.version) || *n >= cap)
        return -1;
    out[(*n)++] = one;
    return 1;
}

DWORD clientreg_read_installed(clientreg *reg, const copylist *list, copylist_installed *out,
                               unsigned cap, unsigned *n, unsigned *skipped)
{
    unsigned bad = 0, keys = 0, nlisted = list ? list->ncomponents : 0;
    DWORD nsub = 0;
    LSTATUS rc;

    *n = 0;
    if (nlisted > COPYLIST_MAX_COMPONENTS)
        nlisted = COPYLIST_MAX_COMPONENTS;
    /* The components the copy list names are opened by name, and the key
     * is listed only when it holds others (a removal): on a client that
     * is up to date with its list that is one registry call per component
     * fewer, and no enumeration (docs/performance.md, the manager). */
    rc = RegQueryInfoKeyW(reg->components, NULL, NULL, NULL, &nsub, NULL, NULL, NULL, NULL, NULL,
                          NULL, NULL);
    if (rc != ERROR_SUCCESS)
        return (DWORD)rc;
    for (unsigned i = 0; i < nlisted && keys < nsub; i++) {
        const char *name = list->comp[i].name;
        wchar_t wname[COPYLIST_NAME_MAX + 1];
        int got;

        /* A name listed twice is read once (the parser refuses that, but
         * the key count below must not count one key twice). */
        if (!copylist_name_ok(name) || listed_index(list, name) != (int)i ||
            !winstr_from_utf8(name, wname, COPYLIST_NAME_MAX + 1))
            continue;
        got = read_one(reg, wname, name, (int)list->comp[i].kind, out, cap, n);
        if (got == -2)
            continue; /* not on this client yet */
        keys++;
        bad += got < 0;
    }
    for (DWORD i = 0; keys < nsub; i++) {
        wchar_t wname[256];
        DWORD len = 256;
        char name[COPYLIST_NAME_MAX + 1];

        rc = RegEnumKeyExW(reg->components, i, wname, &len, NULL, NULL, NULL, NULL);
        if (rc == ERROR_NO_MORE_ITEMS)
            break;
        if (rc == ERROR_MORE_DATA) {
            bad++;
            continue;
        }
        if (rc != ERROR_SUCCESS)
            return (DWORD)rc;
        if (!winstr_to_utf8(wname, name, sizeof name) || !copylist_name_ok(name)) {
            bad++;
            continue;
        }
        if (listed_index(list, name) >= 0)
            continue; /* read above, by name */
        if (read_one(reg, wname, name, -1, out, cap, n) < 0)
            bad++; /* -2 too: listed a moment ago, gone or unreadable now */
    }
    if (skipped)
        *skipped = bad;
    return ERROR_SUCCESS;
}

static const char *kind_text(copylist_kind k)
{
    return k == COPYLIST_PROGRAM ? "program" : "service";
}

DWORD clientreg_set_desired(const clientreg *reg, const copylist_component *c)
{
    HKEY k;
    DWORD err = open_component(reg, c->name, true, &k);

    if (err != ERROR_SUCCESS)
        return err;
    err = clientreg_set_sz(k, REGV_DESIRED_VERSION, c->version);
    if (err == ERROR_SUCCESS)
        err = clientreg_set_sz(k, REGV_KIND, kind_text(c->kind));
    if (err == ERROR_SUCCESS)
        err = clientreg_set_sz(k, REGV_DISPLAY_NAME, c->display[0] ? c->display : c->name);
    RegCloseKey(k);
    return err;
}

DWORD clientreg_clear_desired(const clientreg *reg, const char *name)
{
    HKEY k;
    DWORD err = open_component(reg, name, false, &k);

    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return err;
    err = (DWORD)RegDeleteValueW(k, REGV_DESIRED_VERSION);
    RegCloseKey(k);
    return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
}

/* The write itself, for a value that is about to change anyway. */
static DWORD put_sz(HKEY key, const wchar_t *value, const char *utf8)
{
    wchar_t buf[1024];

    if (!winstr_from_utf8(utf8, buf, sizeof buf / sizeof buf[0]))
        return ERROR_INVALID_DATA;
    return (DWORD)RegSetValueExW(key, value, 0, REG_SZ, (const BYTE *)buf,
                                 (DWORD)((wcslen(buf) + 1) * sizeof(wchar_t)));
}

DWORD clientreg_set_installed(const clientreg *reg, const copylist_component *c,
                              const char *was_version)
{
    wchar_t files[COPYLIST_MAX_FILES * (COPYLIST_FILE_MAX + 1) + 1], wname[COPYLIST_NAME_MAX + 1];
    size_t pos = 0;
    DWORD err, disposition = 0;
    bool moves;
    HKEY k, kept;

    for (unsigned i = 0; i < c->nfiles; i++) {
        if (!winstr_from_utf8(c->files[i], files + pos, COPYLIST_FILE_MAX + 1))
            return ERROR_INVALID_DATA;
        pos += wcslen(files + pos) + 1;
    }
    files[pos++] = 0;
    if (!copylist_name_ok(c->name) || !winstr_from_utf8(c->name, wname, COPYLIST_NAME_MAX + 1))
        return ERROR_INVALID_NAME;
    kept = kept_key(reg, c->name);
    if (kept) {
        k = kept;
        disposition = REG_OPENED_EXISTING_KEY;
    } else {
        err = (DWORD)RegCreateKeyExW(reg->components, wname, 0, NULL, 0, REG_ACCESS, NULL, &k,
                                     &disposition);
        if (err != ERROR_SUCCESS)
            return err;
    }
    /* A new key, or an Installed Version that is about to change: the
     * key's last-write time moves whatever else is written, so the other
     * values are written without being read first (three registry calls
     * fewer per component). */
    moves =
        disposition == REG_CREATED_NEW_KEY || (was_version && strcmp(was_version, c->version) != 0);
    err = (DWORD)RegSetValueExW(k, SITE_REGV_FILES, 0, REG_MULTI_SZ, (const BYTE *)files,
                                (DWORD)(pos * sizeof(wchar_t)));
    if (err == ERROR_SUCCESS)
        err = moves ? put_sz(k, REGV_KIND, kind_text(c->kind))
                    : clientreg_set_sz(k, REGV_KIND, kind_text(c->kind));
    if (err == ERROR_SUCCESS) {
        const char *display = c->display[0] ? c->display : c->name;
        err = moves ? put_sz(k, REGV_DISPLAY_NAME, display)
                    : clientreg_set_sz(k, REGV_DISPLAY_NAME, display);
    }
    /* Installed Version last: it is what says the component is there. */
    if (err == ERROR_SUCCESS)
        err = moves ? put_sz(k, REGV_INSTALLED_VERSION, c->version)
                    : clientreg_set_sz(k, REGV_INSTALLED_VERSION, c->version);
    if (!kept)
        RegCloseKey(k);
    return err;
}

DWORD clientreg_delete_component(clientreg *reg, const char *name)
{
    wchar_t wname[COPYLIST_NAME_MAX + 1];
    LSTATUS rc;

    if (!copylist_name_ok(name) || !winstr_from_utf8(name, wname, COPYLIST_NAME_MAX + 1))
        return ERROR_INVALID_NAME;
    /* A kept handle of a deleted key would only fail the next write. */
    int i = kept_index(reg, name);
    if (i >= 0) {
        RegCloseKey(reg->kept[i]);
        reg->kept[i] = reg->kept[--reg->nkept];
        memcpy(reg->kept_name[i], reg->kept_name[reg->nkept], sizeof reg->kept_name[i]);
    }
    rc = RegDeleteKeyW(reg->components, wname);
    return rc == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : (DWORD)rc;
}

DWORD clientreg_get_files(const clientreg *reg, const char *name,
                          char files[COPYLIST_MAX_FILES][COPYLIST_FILE_MAX + 1], unsigned *n)
{
    wchar_t buf[COPYLIST_MAX_FILES * (COPYLIST_FILE_MAX + 1) + 2];
    DWORD cb = sizeof buf - 2 * sizeof(wchar_t);
    HKEY k;
    DWORD err;

    *n = 0;
    err = open_component(reg, name, false, &k);
    if (err != ERROR_SUCCESS)
        return err;
    memset(buf, 0, sizeof buf);
    err = (DWORD)RegGetValueW(k, NULL, SITE_REGV_FILES, RRF_RT_REG_MULTI_SZ, NULL, buf, &cb);
    RegCloseKey(k);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS; /* nothing recorded: nothing to delete */
    if (err != ERROR_SUCCESS)
        return err == ERROR_MORE_DATA ? ERROR_INVALID_DATA : err;
    for (const wchar_t *p = buf; *p; p += wcslen(p) + 1) {
        if (*n >= COPYLIST_MAX_FILES || !winstr_to_utf8(p, files[*n], COPYLIST_FILE_MAX + 1) ||
            !copylist_file_name_ok(files[*n]))
            return ERROR_INVALID_DATA;
        (*n)++;
    }
    return ERROR_SUCCESS;
}

void clientreg_get_display(const clientreg *reg, const char *name, char *out, size_t cap)
{
    HKEY k;

    out[0] = 0;
    if (open_component(reg, name, false, &k) == ERROR_SUCCESS) {
        if (clientreg_get_sz(k, REGV_DISPLAY_NAME, out, cap) != ERROR_SUCCESS || !ini_value_ok(out))
            out[0] = 0;
        RegCloseKey(k);
    }
    if (!out[0])
        snprintf(out, cap, "%s", name);
}

bool site_list_add(char *buf, size_t cap, const char *item)
{
    size_t have = strlen(buf), len = strlen(item);
    const char *p = buf;

    if (len == 0)
        return true;
    while (*p) {
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && memcmp(p, item, len) == 0)
            return true;
        p += n;
        if (end)
            p += 2;
    }
    if (have + (have ? 2 : 0) + len + 1 > cap)
        return false;
    if (have) {
        memcpy(buf + have, ", ", 2);
        have += 2;
    }
    memcpy(buf + have, item, len + 1);
    return true;
}

void site_change_text(const copylist_delta_item *it, const char *display, char *out, size_t cap)
{
    const char *name = display && display[0] ? display : it->name;

    if (it->change == COPYLIST_REMOVE)
        snprintf(out, cap, "%s (removed)", name);
    else
        snprintf(out, cap, "%s %s", name, it->to);
}

DWORD clientreg_report_change(const clientreg *reg, const wchar_t *flag, const char *changed,
                              DWORD *change_id)
{
    char list[SITE_CHANGED_MAX + 1] = "", was_list[SITE_CHANGED_MAX + 1] = "";
    DWORD reboot = 0, logoff = 0, id = 0, err;
    bool have_list = false;
    const char *p = changed;

    /* Still pending from an earlier change (a restart or a logoff: both
     * share the one list): the user has not acted yet, so the new prompt
     * must name both. What is read here is not read again before the
     * writes below, which skip a value that would not change. */
    if (clientreg_get_dword(reg->services, REGV_REBOOT_REQUIRED, &reboot) != ERROR_SUCCESS)
        reboot = 0;
    if (reboot != 1 &&
        clientreg_get_dword(reg->services, REGV_LOGOFF_REQUIRED, &logoff) != ERROR_SUCCESS)
        logoff = 0;
    if (reboot == 1 || logoff == 1) {
        have_list = clientreg_get_sz(reg->services, REGV_CHANGED_COMPONENTS, list, sizeof list) ==
                    ERROR_SUCCESS;
        if (have_list)
            memcpy(was_list, list, sizeof list);
        else
            list[0] = 0; /* as an empty list, as before */
    }
    while (*p) {
        char item[SITE_CHANGED_MAX + 1];
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n < sizeof item) {
            memcpy(item, p, n);
            item[n] = 0;
            if (!site_list_add(list, sizeof list, item))
                break; /* whole items only; the rest is in the logs */
        }
        p += n;
        if (end)
            p += 2;
    }
    /* The Change Id below always changes, and with it the key's time, so
     * the list is not read again to spare a write: only a list known to
     * be the same is left alone. */
    if (have_list && strcmp(list, was_list) == 0)
        err = ERROR_SUCCESS;
    else
        err = put_sz(reg->services, REGV_CHANGED_COMPONENTS, list);
    if (err != ERROR_SUCCESS)
        return err;
    clientreg_get_dword(reg->services, REGV_CHANGE_ID, &id);
    id = id + 1 == 0 ? 1 : id + 1;
    /* A new Change Id always differs from the one just read. */
    err = put_dword(reg->services, REGV_CHANGE_ID, id);
    /* The flag last: whoever sees it set finds the rest already written.
     * Reboot Required was read above, and Logoff Required when no restart
     * was pending: those are not read again. */
    if (err == ERROR_SUCCESS) {
        if (wcscmp(flag, REGV_REBOOT_REQUIRED) == 0)
            err = reboot == 1 ? ERROR_SUCCESS : put_dword(reg->services, flag, 1);
        else if (wcscmp(flag, REGV_LOGOFF_REQUIRED) == 0 && reboot != 1)
            err = logoff == 1 ? ERROR_SUCCESS : put_dword(reg->services, flag, 1);
        else
            err = clientreg_set_dword(reg->services, flag, 1);
    }
    if (err == ERROR_SUCCESS && change_id)
        *change_id = id;
    return err;
}

DWORD clientreg_report_documented(const clientreg *reg)
{
    DWORD one = 1;
    LSTATUS rc = RegDeleteValueW(reg->services, REGV_REBOOT_REQUIRED);

    if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND)
        return (DWORD)rc;
    return (DWORD)RegSetValueExW(reg->services, REGV_REBOOT_REQUIRED, 0, REG_DWORD,
                                 (const BYTE *)&one, sizeof one);
}
