/*
 * agentlog.c: the agent's own log (CMTrace format, logfile.h): opened
 * where the configuration says, else beside the state (never under a cut
 * name), and the configuration it starts with written first, so an admin
 * reading a log sees which files and share the lines are about.
 */
#include "climon.h"

#include <wchar.h>

#include "fileio.h"
#include "winstr.h"

static BOOL open_log_at(logfile *lf, const wchar_t *path, const climon_config *cfg)
{
    return logfile_open(lf, path, "climon", (uint64_t)cfg->log_max_kb * 1024u);
}

void agentlog_open(logfile *lf, const climon_config *cfg)
{
    wchar_t fallback[CLIMON_PATH_MAX];
    char p8[CLIMON_PATH_MAX];

    if (open_log_at(lf, cfg->log_path, cfg))
        return;
    /* Refused (too long): the state folder's log, never a cut name. */
    logfile_close(lf);
    winstr_to_utf8(cfg->log_path, p8, sizeof p8);
    if (cfg->state_dir[0] && path_join(fallback, CLIMON_PATH_MAX, cfg->state_dir, L"CLIMON.LOG"))
        open_log_at(lf, fallback, cfg);
    else
        logfile_open(lf, NULL, "climon", 0);
    LOG_ERROR(lf, "the log file %s (%u characters) cannot be used: logging here instead", p8,
              (unsigned)wcslen(cfg->log_path));
}

static const char *source_name(config_source s)
{
    switch (s) {
    case SRC_SWITCH:
        return "the command line";
    case SRC_POLICY:
        return "policy";
    case SRC_SMSINI:
        return "SMS.INI";
    case SRC_DEFAULT:
        break;
    }
    return "the default";
}

void agentlog_config(logfile *lf, const climon_config *cfg, const char *mode)
{
    char a[CLIMON_PATH_MAX], b[CLIMON_PATH_MAX], c[CLIMON_PATH_MAX];

    LOG_INFO(lf, "Climon %s %s starting (process %lu)", CLIMON_VERSION, mode,
             (unsigned long)GetCurrentProcessId());
    winstr_to_utf8(cfg->sms_ini, a, sizeof a);
    winstr_to_utf8(cfg->share, b, sizeof b);
    winstr_to_utf8(cfg->invdata, c, sizeof c);
    LOG_INFO(lf, "SMS.INI %s; share %s; inventory folder %s; site %s, ID %s", a,
             b[0] ? b : "(unknown)", c[0] ? c : "(unknown)",
             cfg->site_code[0] ? cfg->site_code : "?", cfg->unique_id[0] ? cfg->unique_id : "?");
    /* Where each came from: an admin asking "why this share" finds it here. */
    LOG_INFO(lf, "from: SMS.INI path %s, share %s, inventory folder %s, log %s, Client Setup %s",
             source_name(cfg->src_smsini), source_name(cfg->src_share),
             source_name(cfg->src_invdata), source_name(cfg->src_log), source_name(cfg->src_setup));
    if (cfg->smsini_error[0])
        LOG_ERROR(lf, "%s", cfg->smsini_error);
    if (cfg->log_error[0])
        LOG_ERROR(lf, "%s", cfg->log_error);
    if (cfg->policy_error[0])
        LOG_ERROR(lf, "%s", cfg->policy_error);
    if (cfg->core.restart_window.days) {
        char w[48];
        maintwin_format(&cfg->core.restart_window, w, sizeof w);
        LOG_INFO(lf, "maintenance window for a restart nobody is signed in to: %s", w);
    }
}
