/*
 * restart.c: carries out AGENT_ACT_RESTART and AGENT_ACT_LOGOFF: asks
 * Windows to restart or log off the ordinary way, never forced, so every
 * program may still ask about unsaved work (and may refuse: the core
 * comes back an hour later).
 *
 * With /restart-hook:<file> (labs, tests) the restart or logoff is a line
 * appended to that file instead.
 */
#include "climon.h"

#include <string.h>

#include "winstr.h"

#include "climon-rc.h"

/* How long the other signed-in users are warned before the restart. */
#define OTHERS_GRACE_S 300u

#ifndef ERROR_SHUTDOWN_USERS_LOGGED_ON /* winerror.h of newer SDKs only */
#define ERROR_SHUTDOWN_USERS_LOGGED_ON 1191L
#endif

static BOOL enable_shutdown_privilege(void)
{
    HANDLE tok = NULL;
    TOKEN_PRIVILEGES tp;
    BOOL ok = FALSE;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &tok))
        return FALSE;
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    if (!LookupPrivilegeValueW(NULL, SE_SHUTDOWN_NAME, &tp.Privileges[0].Luid))
        goto out;
    AdjustTokenPrivileges(tok, FALSE, &tp, 0, NULL, NULL);
    ok = GetLastError() == ERROR_SUCCESS;
out:
    CloseHandle(tok);
    return ok;
}

static void append_hook(const wchar_t *path, const char *line, logfile *lf)
{
    HANDLE h = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    char why[200], p8[512];
    DWORD put;

    winstr_to_utf8(path, p8, sizeof p8);
    if (h == INVALID_HANDLE_VALUE) {
        LOG_ERROR(lf, "cannot write the restart hook %s: %s", p8,
                  win_strerror(GetLastError(), why, sizeof why));
        return;
    }
    WriteFile(h, line, (DWORD)strlen(line), &put, NULL);
    WriteFile(h, "\r\n", 2, &put, NULL);
    CloseHandle(h);
    LOG_INFO(lf, "restart hook: wrote \"%s\" to %s instead of asking Windows", line, p8);
}

void restart_carry_out(const climon_config *cfg, logfile *lf, BOOL logoff)
{
    const DWORD reason = SHTDN_REASON_MAJOR_APPLICATION | SHTDN_REASON_MINOR_INSTALLATION |
                         SHTDN_REASON_FLAG_PLANNED;
    char why[200];

    if (cfg->restart_hook[0]) {
        append_hook(cfg->restart_hook, logoff ? "logoff" : "restart", lf);
        return;
    }
    if (logoff) {
        /* No EWX_FORCE: programs get to ask about unsaved work. */
        LOG_INFO(lf, "logging off as the user chose");
        if (!ExitWindowsEx(EWX_LOGOFF, reason))
            LOG_ERROR(lf, "log off refused: %s", win_strerror(GetLastError(), why, sizeof why));
        return;
    }
    LOG_INFO(lf, "restarting as the user chose");
    if (!enable_shutdown_privilege())
        LOG_WARN(lf, "could not enable the shutdown privilege");
    DWORD err = InitiateShutdownW(NULL, NULL, 0, SHUTDOWN_RESTART, reason);
    if (err == ERROR_SUCCESS)
        return;
    if (err == ERROR_SHUTDOWN_USERS_LOGGED_ON) {
        /* Other users are signed in (the prompt said so): Windows warns
         * them and gives them OTHERS_GRACE_S to save their work before
         * their sessions end; this session's programs still ask about
         * theirs (no SHUTDOWN_FORCE_SELF). */
        wchar_t msg[256];
        res_string(IDS_RESTART_OTHERS_MSG, msg, 256);
        err = InitiateShutdownW(NULL, msg, OTHERS_GRACE_S, SHUTDOWN_RESTART | SHUTDOWN_FORCE_OTHERS,
                                reason);
        if (err == ERROR_SUCCESS) {
            LOG_INFO(lf, "other users are signed in: Windows warns them and restarts in %u s",
                     OTHERS_GRACE_S);
            return;
        }
        LOG_ERROR(lf, "restart refused: %s", win_strerror(err, why, sizeof why));
        return;
    }
    if (!ExitWindowsEx(EWX_REBOOT, reason))
        LOG_ERROR(lf, "restart refused: %s", win_strerror(GetLastError(), why, sizeof why));
}
