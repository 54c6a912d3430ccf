/*
 * smsini.c: SMS.INI's client record (smsini.h).
 */
#include "climon/smsini.h"

#include <stdio.h>
#include <string.h>

#include "climon/protocol.h"

static bool is_sep(char c)
{
    return c == '\\' || c == '/';
}

/* Characters of UTF-8 text (8-bit bytes count one each). */
static size_t chars_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

bool smsini_path_ok(char *path)
{
    size_t n = strlen(path);
    /* "S:\SMS SHR\" names the folder "S:\SMS SHR", but a separator at the
     * end breaks what is built on it (a double one, or a quoted argument
     * ending in \"): trimmed, a drive's root keeping its one. */
    while (n > 3 && is_sep(path[n - 1]))
        path[--n] = '\0';
    if (n < 3 || chars_of(path) > SMSINI_PATH_CHARS)
        return false;
    bool drive =
        ((path[0] | 0x20) >= 'a' && (path[0] | 0x20) <= 'z' && path[1] == ':' && is_sep(path[2]));
    bool unc = is_sep(path[0]) && is_sep(path[1]) && !is_sep(path[2]);
    if (!drive && !unc)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c < 0x20 || c == 0x7f || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' ||
            c == '|' || (c == ':' && i != 1))
            return false;
    }
    /* No "." or ".." segment: a path must say where it goes. */
    const char *seg = path;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || is_sep(path[i])) {
            size_t len = (size_t)(path + i - seg);
            if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
                return false;
            seg = path + i + 1;
        }
    }
    return true;
}

/* A folder of the share by name only: anything with a path in it would let
 * SMS.INI point the agent somewhere else entirely. */
static bool plain_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    return strpbrk(s, "\\/:*?\"<>|") == NULL;
}

typedef enum value_rule { RULE_PATH, RULE_PLAIN_NAME, RULE_ID, RULE_NAME, RULE_TEXT } value_rule;

static void get(const void *data, size_t len, const char *section, const char *key, value_rule rule,
                size_t max_bytes, smsini_value *v)
{
    ini_error ie;
    memset(v, 0, sizeof *v);
    ini_status s = ini_get(data, len, section, key, v->text, sizeof v->text, &ie);
    if (s == INI_NOT_FOUND || (s == INI_OK && v->text[0] == '\0')) {
        v->text[0] = '\0';
        return; /* SMSINI_ABSENT */
    }
    if (s == INI_ERR_VALUE_TOO_LONG) {
        v->status = SMSINI_BAD;
        v->text[0] = '\0';
        snprintf(v->why, sizeof v->why,
                 "SMS.INI %s is over %u characters long, over the %u "
                 "allowed: not used",
                 key, (unsigned)SMSINI_PATH_CHARS, (unsigned)SMSINI_PATH_CHARS);
        return;
    }
    if (s != INI_OK) {
        v->status = SMSINI_BAD;
        v->text[0] = '\0';
        snprintf(v->why, sizeof v->why, "SMS.INI %s cannot be read: not used", key);
        return;
    }
    bool ok;
    const char *what;
    switch (rule) {
    case RULE_PATH:
        ok = smsini_path_ok(v->text);
        what = "is not an absolute folder path";
        break;
    case RULE_PLAIN_NAME:
        ok = plain_name_ok(v->text);
        what = "is not a plain folder name";
        break;
    case RULE_ID:
        ok = ccr_id_ok(v->text);
        what = "is not 1 to 32 letters and digits";
        break;
    case RULE_NAME:
        ok = ccr_name_ok(v->text);
        what = "is not a valid NetBIOS name";
        break;
    case RULE_TEXT:
    default:
        ok = strlen(v->text) <= max_bytes;
        what = "is too long";
        break;
    }
    if (ok) {
        v->status = SMSINI_OK;
        return;
    }
    v->status = SMSINI_BAD;
    if (rule == RULE_PATH && chars_of(v->text) > SMSINI_PATH_CHARS)
        snprintf(v->why, sizeof v->why,
                 "SMS.INI %s is %lu characters long, over the %u allowed: "
                 "not used",
                 key, (unsigned long)chars_of(v->text), (unsigned)SMSINI_PATH_CHARS);
    else
        snprintf(v->why, sizeof v->why, "SMS.INI %s %s: not used", key, what);
    v->text[0] = '\0';
}

void smsini_read(const void *data, size_t len, smsini_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->version.status = CLV_MISSING;
    if (data == NULL)
        data = "";
    if (ini_check(data, len, NULL, &rec->file_error) != INI_OK)
        return;
    rec->file_ok = true;
    get(data, len, SMSINI_SECTION_SMS, SMSINI_KEY_UNIQUE_ID, RULE_ID, 0, &rec->unique_id);
    get(data, len, SMSINI_SECTION_SMS, SMSINI_KEY_SMS_PATH, RULE_PATH, 0, &rec->sms_path);
    get(data, len, SMSINI_SECTION_SMS, SMSINI_KEY_INVDATA_PATH, RULE_PATH, 0, &rec->invdata_path);
    get(data, len, SMSINI_SECTION_SMS, SMSINI_KEY_LOGON_SERVER_PATH, RULE_PATH, 0,
        &rec->logon_server_path);
    get(data, len, SMSINI_SECTION_SMS, SMSINI_KEY_INVENTORY_BOX, RULE_PLAIN_NAME, 0,
        &rec->inventory_box);
    get(data, len, SMSINI_SECTION_SMS, SMSINI_KEY_CCR_BOX, RULE_PLAIN_NAME, 0, &rec->ccr_box);
    get(data, len, SMSINI_SECTION_SMS, SMSINI_KEY_SITE_CODE, RULE_TEXT, 15, &rec->site_code);
    get(data, len, SMSINI_SECTION_SERVERS, SMSINI_KEY_LOGON_SERVER, RULE_TEXT, 63,
        &rec->logon_server);
    get(data, len, SMSINI_SECTION_LOCAL, SMSINI_KEY_MACHINE_NAME, RULE_NAME, 0, &rec->machine_name);
    get(data, len, SMSINI_SECTION_SERVERS, SMSINI_KEY_DOMAIN, RULE_NAME, 0, &rec->domain);
    rec->version = copylist_local_version(data, len);
}

const char *smsini_first_problem(const smsini_record *rec)
{
    const smsini_value *all[] = {
        &rec->unique_id,     &rec->sms_path, &rec->invdata_path, &rec->logon_server_path,
        &rec->inventory_box, &rec->ccr_box,  &rec->site_code,    &rec->logon_server,
        &rec->machine_name,  &rec->domain};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->status == SMSINI_BAD)
            return all[i]->why;
    return "";
}
