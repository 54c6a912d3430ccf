/*
 * config.c: where the agent finds things and how it behaves.
 *
 * Three layers, the first that says something wins: a command-line switch
 * (labs and tests), the admin's policy under HKLM\SOFTWARE\Policies\Climon,
 * then the client's SMS.INI. SMS.INI is read through the core's INI reader,
 * so a damaged, binary or oversized file is a clear error, never a guess:
 * the paths it would have given stay empty and every pass reports the
 * error instead of acting on half a file.
 */
#include "climon.h"

#include <shlobj.h>
#include <shlwapi.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/ccr.h"
#include "climon/ini.h"
#include "climon/smsini.h"
#include "climon/protocol.h"
#include "argvquote.h"
#include "fileio.h"
#include "regread.h"
#include "winstr.h"

#define DEFAULT_SETUP_TIMEOUT_S 600u
#define DEFAULT_LOG_MAX_KB 1024u
/* Not configured: the first pass at once, as before the policy existed.
 * The ADMX proposes 60 minutes when an admin enables it: the smallest
 * window with which the storm simulation (docs/performance.md) keeps
 * 10,000 clients of one logon server to one pass each. */
#define DEFAULT_STARTUP_JITTER_MIN 0u
#define MAX_STARTUP_JITTER_MIN 480u

BOOL config_policy_sz(const wchar_t *name, wchar_t *out, size_t cap)
{
    return regread_sz(HKEY_LOCAL_MACHINE, REG_POLICY_KEY, name, out, cap) == ERROR_SUCCESS &&
           out[0];
}

BOOL config_policy_dword(const wchar_t *name, DWORD *out)
{
    return regread_dword(HKEY_LOCAL_MACHINE, REG_POLICY_KEY, name, out) == ERROR_SUCCESS;
}

/* ServerRestartWindow ("Sun 02:00-04:00"): a value that is not a window
 * is no window (status only), and the log says why. */
static void config_restart_window(climon_config *cfg)
{
    wchar_t w[128];
    char text[4 * 128];
    maintwin_status ms;
    memset(&cfg->core.restart_window, 0, sizeof cfg->core.restart_window);
    if (!config_policy_sz(L"ServerRestartWindow", w, 128))
        return;
    if (!winstr_to_utf8(w, text, sizeof text))
        snprintf(text, sizeof text, "?");
    ms = maintwin_parse(text, &cfg->core.restart_window);
    if (ms != MAINTWIN_OK && ms != MAINTWIN_EMPTY)
        snprintf(cfg->policy_error, sizeof cfg->policy_error,
                 "policy ServerRestartWindow \"%.40s\" refused (%s): no maintenance window", text,
                 maintwin_status_text(ms));
}

/* "S:\SMS SHR\" names the same folder as "S:\SMS SHR", but a trailing
 * separator breaks what is built from it: "<share>\X86.BIN" gets a double
 * one, and a quoted "/p:" argument would end in \" (issue 17.3). A
 * drive's root keeps its separator ("S:" alone is relative). */
static void trim_separators(wchar_t *path)
{
    size_t n = wcslen(path);
    while (n > 0 && (path[n - 1] == L'\\' || path[n - 1] == L'/')) {
        if (n <= 2 || (n == 3 && path[1] == L':'))
            break; /* "\", "\\" (a UNC prefix), "X:\" */
        path[--n] = 0;
    }
}

void config_known_dir(const KNOWNFOLDERID *id, const wchar_t *env_name, wchar_t *out, size_t cap)
{
    PWSTR known = NULL;
    out[0] = 0;
    if (SUCCEEDED(SHGetKnownFolderPath(id, 0, NULL, &known)) && known)
        path_join(out, cap, known, L"Climon");
    CoTaskMemFree(known);
    if (!out[0] && env_name) {
        wchar_t env[MAX_PATH];
        DWORD n = GetEnvironmentVariableW(env_name, env, MAX_PATH);
        if (n > 0 && n < MAX_PATH)
            path_join(out, cap, env, L"Climon");
    }
}

/* A value the core found usable, as Windows text; FALSE (and the reason
 * in cfg->smsini_error, the first kept) when it was not usable or does
 * not fit here. */
static BOOL take(const smsini_value *v, const char *key, wchar_t *out, size_t cap,
                 climon_config *cfg)
{
    out[0] = 0;
    if (v->status == SMSINI_BAD && !cfg->smsini_error[0])
        snprintf(cfg->smsini_error, sizeof cfg->smsini_error, "%s", v->why);
    if (v->status != SMSINI_OK)
        return FALSE;
    if (winstr_from_ini(v->text, out, cap))
        return TRUE;
    if (!cfg->smsini_error[0])
        snprintf(cfg->smsini_error, sizeof cfg->smsini_error,
                 "SMS.INI %s is not readable text: not used", key);
    return FALSE;
}

/* Reads SMS.INI (cfg->sms_ini) into rec; a file that cannot be read or
 * that the INI layer refuses is the error, and rec then says nothing. */
static void load_smsini(climon_config *cfg, smsini_record *rec)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char why[200];
    DWORD err = fileio_read(cfg->sms_ini, INI_MAX_FILE_BYTES, &data, &len);

    memset(rec, 0, sizeof *rec);
    if (err != ERROR_SUCCESS) {
        char p[512];
        winstr_to_utf8(cfg->sms_ini, p, sizeof p);
        snprintf(cfg->smsini_error, sizeof cfg->smsini_error, "cannot read SMS.INI %s: %s", p,
                 win_strerror(err, why, sizeof why));
        return;
    }
    smsini_read(data, len, rec);
    fileio_free(data);
    if (!rec->file_ok) {
        ini_error_format(&rec->file_error, why, sizeof why);
        snprintf(cfg->smsini_error, sizeof cfg->smsini_error, "SMS.INI rejected: %s", why);
    }
}

/* The order of every setting, written once: the command line's switch
 * (labs, tests), then the admin's policy value; SRC_DEFAULT (and out "")
 * when neither says anything, and the caller looks in SMS.INI or takes
 * its default. A value that does not fit is taken as not given. */
static config_source pick(const wchar_t *given, const wchar_t *policy, wchar_t *out, size_t cap)
{
    wchar_t v[CLIMON_CMD_MAX];
    if (given[0] && winstr_copy(out, cap, given))
        return SRC_SWITCH;
    if (policy && config_policy_sz(policy, v, CLIMON_CMD_MAX) && winstr_copy(out, cap, v))
        return SRC_POLICY;
    out[0] = 0;
    return SRC_DEFAULT;
}

/* Everything that comes from SMS.INI (with the switches and policy that
 * beat it): the file's path, SMSPath, the share and its boxes, INVDATA,
 * site code, logon server, Unique ID. SMS.INI is read by the core's one
 * set of rules (climon/smsini.h), the same Client Setup reads it by. */
static void read_smsini_part(const cmd_line *cl, climon_config *cfg)
{
    smsini_record *rec = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *rec);
    wchar_t name[128];

    /* SMS.INI itself */
    if ((cfg->src_smsini = pick(cl->smsini, L"SmsIni", cfg->sms_ini, CLIMON_PATH_MAX)) ==
        SRC_DEFAULT) {
        wchar_t drive[16];
        DWORD n = GetEnvironmentVariableW(L"SystemDrive", drive, 16);
        if (n == 0 || n >= 16)
            winstr_copy(drive, 16, L"C:");
        _snwprintf(cfg->sms_ini, CLIMON_PATH_MAX, L"%ls\\SMS.INI", drive);
        cfg->sms_ini[CLIMON_PATH_MAX - 1] = 0;
    }
    if (!rec) {
        snprintf(cfg->smsini_error, sizeof cfg->smsini_error, "out of memory reading SMS.INI");
        return;
    }
    load_smsini(cfg, rec);

    take(&rec->sms_path, SMSINI_KEY_SMS_PATH, cfg->sms_path, CLIMON_PATH_MAX, cfg);

    if ((cfg->src_share = pick(cl->share, L"LogonServerPath", cfg->share, CLIMON_PATH_MAX)) ==
            SRC_DEFAULT &&
        take(&rec->logon_server_path, SMSINI_KEY_LOGON_SERVER_PATH, cfg->share, CLIMON_PATH_MAX,
             cfg))
        cfg->src_share = SRC_SMSINI;
    trim_separators(cfg->share);

    if ((cfg->src_invdata = pick(cl->invdata, L"InvDataPath", cfg->invdata, CLIMON_PATH_MAX)) !=
        SRC_DEFAULT) {
        /* given */
    } else if (take(&rec->invdata_path, SMSINI_KEY_INVDATA_PATH, cfg->invdata, CLIMON_PATH_MAX,
                    cfg)) {
        cfg->src_invdata = SRC_SMSINI;
    } else if (rec->invdata_path.status == SMSINI_ABSENT && cfg->sms_path[0]) {
        /* Only a folder SMS.INI does not name: one it names and that
         * cannot be used is an error, not a reason to guess. */
        path_join(cfg->invdata, CLIMON_PATH_MAX, cfg->sms_path, L"INVDATA");
        cfg->src_invdata = SRC_SMSINI;
    }

    /* The boxes: a plain folder name of the share, else the default. */
    if (!take(&rec->inventory_box, SMSINI_KEY_INVENTORY_BOX, name, 128, cfg))
        winstr_copy(name, 128, L"" SHARE_INVENTORY_BOX);
    if (cfg->share[0])
        path_join(cfg->inv_box, CLIMON_PATH_MAX, cfg->share, name);
    if (!take(&rec->ccr_box, SMSINI_KEY_CCR_BOX, name, 128, cfg))
        winstr_copy(name, 128, L"" SHARE_CCR_BOX);
    if (cfg->share[0])
        path_join(cfg->ccr_box, CLIMON_PATH_MAX, cfg->share, name);

    if (rec->site_code.status == SMSINI_OK)
        snprintf(cfg->site_code, sizeof cfg->site_code, "%s", rec->site_code.text);
    if (rec->logon_server.status == SMSINI_OK)
        snprintf(cfg->logon_server, sizeof cfg->logon_server, "%s", rec->logon_server.text);
    /* The Unique ID becomes part of file names on the share: only a valid
     * one is used. */
    if (rec->unique_id.status == SMSINI_OK)
        snprintf(cfg->unique_id, sizeof cfg->unique_id, "%s", rec->unique_id.text);
    else if (rec->unique_id.status == SMSINI_BAD && !cfg->smsini_error[0])
        snprintf(cfg->smsini_error, sizeof cfg->smsini_error, "%s", rec->unique_id.why);
    HeapFree(GetProcessHeap(), 0, rec);
}

void config_reread_smsini(const cmd_line *cl, climon_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    read_smsini_part(cl, cfg);
}

void config_load(const cmd_line *cl, climon_config *cfg)
{
    DWORD d;

    memset(cfg, 0, sizeof *cfg);
    agent_config_default(&cfg->core);
    read_smsini_part(cl, cfg);

    if (pick(cl->statedir, NULL, cfg->state_dir, CLIMON_PATH_MAX) == SRC_DEFAULT)
        config_known_dir(&FOLDERID_LocalAppData, L"LOCALAPPDATA", cfg->state_dir, CLIMON_PATH_MAX);

    if ((cfg->src_log = pick(cl->log, L"LogFile", cfg->log_path, CLIMON_PATH_MAX)) != SRC_DEFAULT) {
        /* given */
    } else if (cfg->sms_path[0] &&
               path_join(cfg->log_path, CLIMON_PATH_MAX, cfg->sms_path, L"LOGS\\CLIMON.LOG")) {
        cfg->src_log = SRC_SMSINI;
    } else if (cfg->state_dir[0]) {
        if (cfg->sms_path[0])
            snprintf(cfg->log_error, sizeof cfg->log_error,
                     "<SMSPath>\\LOGS\\CLIMON.LOG would be over %u characters: logging in the "
                     "state folder",
                     CLIMON_PATH_MAX - 1);
        /* No SMSPath to log under: log beside the state so the error that
         * caused it is still written somewhere the user can find. */
        path_join(cfg->log_path, CLIMON_PATH_MAX, cfg->state_dir, L"CLIMON.LOG");
    }

    cfg->src_setup = pick(cl->setup, L"SetupCommand", cfg->setup_cmd, CLIMON_CMD_MAX);
    cfg->setup_timeout_s = DEFAULT_SETUP_TIMEOUT_S;
    if (cl->setup_timeout_s)
        cfg->setup_timeout_s = cl->setup_timeout_s;
    else if (config_policy_dword(L"SetupTimeoutSeconds", &d) && d >= MIN_SETUP_TIMEOUT_S &&
             d <= MAX_SETUP_TIMEOUT_S)
        cfg->setup_timeout_s = d;

    winstr_copy(cfg->restart_hook, CLIMON_PATH_MAX, cl->restart_hook);

    cfg->log_max_kb = DEFAULT_LOG_MAX_KB;
    if (config_policy_dword(L"LogMaxKB", &d) && d >= 16 && d <= 64u * 1024u)
        cfg->log_max_kb = d;
    if (config_policy_dword(L"PromptsEnabled", &d))
        cfg->core.prompts_enabled = d != 0;
    if (config_policy_dword(L"DeadlineHours", &d) && d <= 24u * 365u)
        cfg->core.deadline_s = d * 3600u;
    /* A mask of AGENT_CHOICE_* (1: in 1 hour, 2: in 4 hours, 4: tomorrow). */
    if (config_policy_dword(L"DeferralChoices", &d) && d <= 7u)
        cfg->core.deferral_choices = d;
    if (config_policy_dword(L"QuietAfterLogonMinutes", &d) && d <= 24u * 60u)
        cfg->core.quiet_after_logon_s = d * 60u;
    /* The restart ladder (docs/agent.md): a count of postponements, the
     * final countdown, the grace period of a PC away at the deadline. */
    if (config_policy_dword(L"MaxDeferrals", &d) && d <= 100u)
        cfg->core.max_deferrals = d;
    if (config_policy_dword(L"FinalCountdownMinutes", &d) && d >= 1u && d <= 24u * 60u)
        cfg->core.countdown_s = d * 60u;
    if (config_policy_dword(L"GracePeriodHours", &d) && d <= 24u * 7u)
        cfg->core.grace_s = d * 3600u;
    config_restart_window(cfg);
    cfg->core.startup_jitter_s = DEFAULT_STARTUP_JITTER_MIN * 60u;
    if (config_policy_dword(L"StartupJitterMinutes", &d) && d <= MAX_STARTUP_JITTER_MIN)
        cfg->core.startup_jitter_s = d * 60u;
    /* Each client its own offset, the same at every logon: from its SMS
     * Unique ID, else its computer name. */
    if (cfg->unique_id[0]) {
        cfg->core.jitter_key = agent_jitter_key(cfg->unique_id);
    } else {
        wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
        char n8[4 * (MAX_COMPUTERNAME_LENGTH + 1)];
        DWORD len = MAX_COMPUTERNAME_LENGTH + 1;
        if (GetComputerNameW(name, &len) && winstr_to_utf8(name, n8, sizeof n8))
            cfg->core.jitter_key = agent_jitter_key(n8);
    }
}

BOOL config_setup_command(const climon_config *cfg, wchar_t *cmd, size_t cap)
{
    wchar_t exe[CLIMON_PATH_MAX];
    int n;
    if (cfg->setup_cmd[0])
        return winstr_copy(cmd, cap, cfg->setup_cmd);
    if (!cfg->share[0] || !path_join(exe, CLIMON_PATH_MAX, cfg->share, L"" SHARE_SETUP_RELPATH)) {
        cmd[0] = 0;
        return FALSE;
    }
    /* The program name is quoted plainly (argv[0] has no escapes); the
     * share after /p: by the argument rules (argvquote.h), so that no
     * backslash before a quote can escape it. */
    n = _snwprintf(cmd, cap, L"\"%ls\" /p:", exe);
    if (n < 0 || (size_t)n >= cap || !argv_quote_append(cmd, cap, cfg->share)) {
        cmd[0] = 0;
        return FALSE;
    }
    return TRUE;
}

BOOL config_state_path(const climon_config *cfg, wchar_t *out, size_t cap)
{
    if (!cfg->state_dir[0]) {
        out[0] = 0;
        return FALSE;
    }
    return path_join(out, cap, cfg->state_dir, L"state.ini");
}

/* One path from SMS.INI taken over, logged when it changed. */
static BOOL adopt_path(wchar_t *have, const wchar_t *fresh, const char *what, logfile *lf)
{
    char was[512], now[512];
    /* A key gone is unknown, not a change: the last known path stays. */
    if (!fresh[0] || wcscmp(have, fresh) == 0)
        return FALSE;
    winstr_to_utf8(have, was, sizeof was);
    winstr_to_utf8(fresh, now, sizeof now);
    LOG_INFO(lf, "SMS.INI changed: %s is now \"%s\" (was \"%s\")", what, now, was);
    wcscpy(have, fresh);
    return TRUE;
}

static BOOL adopt_text(char *have, size_t cap, const char *fresh, const char *what, logfile *lf)
{
    if (!fresh[0] || strcmp(have, fresh) == 0)
        return FALSE;
    LOG_INFO(lf, "SMS.INI changed: %s is now \"%s\" (was \"%s\")", what, fresh, have);
    snprintf(have, cap, "%s", fresh);
    return TRUE;
}

unsigned config_adopt_smsini(climon_config *cfg, const climon_config *fresh, logfile *lf)
{
    unsigned changed = 0;

    if (fresh->smsini_error[0] && !fresh->share[0] && !fresh->invdata[0]) {
        /* Nothing usable now (locked, being rewritten, damaged): keep the
         * paths known, say why once per different reason. */
        if (strcmp(cfg->smsini_error, fresh->smsini_error) != 0)
            LOG_WARN(lf, "%s; keeping the paths read before", fresh->smsini_error);
        if (!cfg->share[0] && !cfg->invdata[0])
            snprintf(cfg->smsini_error, sizeof cfg->smsini_error, "%s", fresh->smsini_error);
        return 0;
    }
    if (adopt_path(cfg->share, fresh->share, "the logon server share", lf))
        changed |= CONFIG_CHANGED_SHARE;
    if (adopt_path(cfg->inv_box, fresh->inv_box, "the inventory box", lf))
        changed |= CONFIG_CHANGED_SHARE;
    if (adopt_path(cfg->ccr_box, fresh->ccr_box, "the request box", lf))
        changed |= CONFIG_CHANGED_SHARE;
    if (adopt_path(cfg->invdata, fresh->invdata, "the inventory folder", lf))
        changed |= CONFIG_CHANGED_INVDATA;
    if (adopt_path(cfg->sms_path, fresh->sms_path, "SMSPath", lf))
        changed |= CONFIG_CHANGED_OTHER;
    if (adopt_text(cfg->site_code, sizeof cfg->site_code, fresh->site_code, "the site code", lf) |
        adopt_text(cfg->logon_server, sizeof cfg->logon_server, fresh->logon_server,
                   "the logon server", lf) |
        adopt_text(cfg->unique_id, sizeof cfg->unique_id, fresh->unique_id, "the SMS Unique ID",
                   lf))
        changed |= CONFIG_CHANGED_OTHER;
    cfg->src_share = fresh->src_share;
    cfg->src_invdata = fresh->src_invdata;
    if (strcmp(cfg->smsini_error, fresh->smsini_error) != 0) {
        if (fresh->smsini_error[0])
            LOG_ERROR(lf, "%s", fresh->smsini_error);
        else
            LOG_INFO(lf, "SMS.INI reads cleanly again");
        snprintf(cfg->smsini_error, sizeof cfg->smsini_error, "%s", fresh->smsini_error);
    }
    return changed;
}

void config_watch_stop(config_watch *w)
{
    if (w->dir)
        FindCloseChangeNotification(w->dir);
    if (w->key)
        RegCloseKey(w->key);
    if (w->reg)
        CloseHandle(w->reg);
    w->dir = NULL;
    w->key = NULL;
    w->reg = NULL;
    w->armed = FALSE;
}

static BOOL watch_policy(config_watch *w)
{
    /* The parent: the Climon key itself may come later, with its first
     * value. Group Policy rewrites the tree at each refresh: a re-read. */
    return RegNotifyChangeKeyValue(w->key, TRUE,
                                   REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET, w->reg,
                                   TRUE) == ERROR_SUCCESS;
}

/* Both watches set up anew, before the read that follows, so a change
 * while it reads is seen by the next pass. */
static void watch_arm(config_watch *w, const wchar_t *sms_ini)
{
    wchar_t *slash;

    config_watch_stop(w);
    if (sms_ini != w->path && !winstr_copy(w->path, CLIMON_PATH_MAX, sms_ini))
        w->path[0] = 0;
    if (!winstr_copy(w->folder, CLIMON_PATH_MAX, sms_ini))
        return;
    slash = wcsrchr(w->folder, L'\\');
    if (!slash)
        return;
    slash[slash > w->folder && slash[-1] == L':' ? 1 : 0] = 0; /* "C:\SMS.INI": "C:\" */
    w->dir = FindFirstChangeNotificationW(
        w->folder, FALSE,
        FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
    if (w->dir == INVALID_HANDLE_VALUE)
        w->dir = NULL;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Policies", 0, KEY_NOTIFY, &w->key) !=
        ERROR_SUCCESS)
        w->key = NULL;
    w->reg = CreateEventW(NULL, FALSE, FALSE, NULL);
    w->armed = w->dir && w->key && w->reg && watch_policy(w);
}

/* Whether a re-read is due: nothing watched (then every pass reads, as
 * without a watch), the last read not clean, or a change seen. Taking a
 * change re-arms its watch first. */
static BOOL watch_due(config_watch *w, const wchar_t *sms_ini)
{
    BOOL due = w->dirty;

    if (!w->armed) {
        watch_arm(w, sms_ini);
        return TRUE;
    }
    if (WaitForSingleObject(w->dir, 0) == WAIT_OBJECT_0) {
        due = TRUE;
        if (!FindNextChangeNotification(w->dir))
            w->armed = FALSE;
    }
    if (WaitForSingleObject(w->reg, 0) == WAIT_OBJECT_0) {
        due = TRUE;
        if (!watch_policy(w))
            w->armed = FALSE;
    }
    return due;
}

unsigned config_refresh(const cmd_line *cl, climon_config *cfg, logfile *lf, config_watch *w)
{
    climon_config *fresh;
    unsigned changed;

    if (w && !watch_due(w, w->path[0] ? w->path : cfg->sms_ini))
        return 0;
    fresh = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *fresh);
    if (!fresh) {
        if (w)
            w->dirty = TRUE;
        return 0;
    }
    config_reread_smsini(cl, fresh);
    changed = config_adopt_smsini(cfg, fresh, lf);
    if (w) {
        /* A file that could not be read (locked, damaged) may read again
         * without a change the folder's watch would see: the next pass
         * tries again. The path may have moved with the policy, too. */
        w->dirty = fresh->smsini_error[0] != 0;
        if (wcscmp(fresh->sms_ini, w->path) != 0) {
            /* The policy names another SMS.INI: its folder is watched
             * from the next pass, which reads it once more. */
            winstr_copy(w->path, CLIMON_PATH_MAX, fresh->sms_ini);
            w->armed = FALSE;
        }
    }
    HeapFree(GetProcessHeap(), 0, fresh);
    return changed;
}
