/*
 * autostart.c: /install, /install:machine, /uninstall: the Run entries that
 * start the agent at logon, and /quit.
 *
 * The value is the full path of climon.exe in quotes, so a path with
 * spaces cannot start "C:\Program.exe". /install:machine writes HKLM,
 * which needs an administrator: the agent never asks for elevation
 * (asInvoker); it says plainly that the rights are missing.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon-rc.h"
#include "climon/protocol.h"
#include "winstr.h"

DWORD autostart_set_run(HKEY root, const wchar_t *exe_path)
{
    wchar_t value[CLIMON_PATH_MAX + 3];
    HKEY k = NULL;
    LSTATUS rc;
    int n = _snwprintf(value, CLIMON_PATH_MAX + 3, L"\"%ls\"", exe_path);

    if (n < 0 || n >= CLIMON_PATH_MAX + 3)
        return ERROR_FILENAME_EXCED_RANGE;
    rc = RegCreateKeyExW(root, REG_RUN_KEY, 0, NULL, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &k,
                         NULL);
    if (rc != ERROR_SUCCESS)
        return (DWORD)rc;
    rc = RegSetValueExW(k, REG_RUN_VALUE, 0, REG_SZ, (const BYTE *)value,
                        (DWORD)((wcslen(value) + 1) * sizeof(wchar_t)));
    RegCloseKey(k);
    return (DWORD)rc;
}

DWORD autostart_remove_run(HKEY root)
{
    HKEY k = NULL;
    LSTATUS rc = RegOpenKeyExW(root, REG_RUN_KEY, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, &k);

    if (rc == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (rc != ERROR_SUCCESS)
        return (DWORD)rc;
    rc = RegDeleteValueW(k, REG_RUN_VALUE);
    RegCloseKey(k);
    return rc == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : (DWORD)rc;
}

static void say(UINT id, const char *arg, BOOL error, logfile *lf)
{
    wchar_t fmt[512], w[1024], wa[512];
    char u[2048];

    res_string(id, fmt, 512);
    if (!arg || !winstr_from_utf8(arg, wa, 512))
        wa[0] = 0;
    _snwprintf(w, 1024, fmt, wa);
    w[1023] = 0;
    winstr_to_utf8(w, u, sizeof u);
    if (error) {
        console_eprintf("climon: %s\n", u);
        LOG_ERROR(lf, "%s", u);
    } else {
        console_printf("%s\n", u);
        LOG_INFO(lf, "%s", u);
    }
}

static int quit_running(logfile *lf)
{
    HWND w = FindWindowW(CLIMON_WNDCLASS, NULL);
    if (!w) {
        say(IDS_NOT_RUNNING, NULL, FALSE, lf);
        return CLIMON_EXIT_OK;
    }
    PostMessageW(w, RegisterWindowMessageW(CLIMON_MSG_QUIT), 0, 0);
    say(IDS_QUIT_SENT, NULL, FALSE, lf);
    return CLIMON_EXIT_OK;
}

int autostart_report(cmd_verb verb, DWORD err_user, DWORD err_machine, logfile *lf)
{
    char why[200];
    int rc = CLIMON_EXIT_OK;

    switch (verb) {
    case VERB_INSTALL:
        if (err_user == ERROR_SUCCESS) {
            say(IDS_INSTALLED_USER, NULL, FALSE, lf);
        } else {
            say(IDS_INSTALL_FAILED, win_strerror(err_user, why, sizeof why), TRUE, lf);
            rc = CLIMON_EXIT_DIFFERS;
        }
        break;
    case VERB_INSTALL_MACHINE:
        if (err_machine == ERROR_SUCCESS) {
            say(IDS_INSTALLED_MACHINE, NULL, FALSE, lf);
        } else if (err_machine == ERROR_ACCESS_DENIED) {
            /* Never elevate: say what it takes and the per-user way. */
            say(IDS_INSTALL_DENIED, NULL, TRUE, lf);
            rc = CLIMON_EXIT_DIFFERS;
        } else {
            say(IDS_INSTALL_FAILED, win_strerror(err_machine, why, sizeof why), TRUE, lf);
            rc = CLIMON_EXIT_DIFFERS;
        }
        break;
    case VERB_UNINSTALL:
        if (err_user != ERROR_SUCCESS) {
            say(IDS_INSTALL_FAILED, win_strerror(err_user, why, sizeof why), TRUE, lf);
            rc = CLIMON_EXIT_DIFFERS;
        }
        if (err_machine == ERROR_ACCESS_DENIED) {
            say(IDS_UNINSTALL_DENIED, NULL, TRUE, lf);
            rc = CLIMON_EXIT_DIFFERS;
        } else if (err_machine != ERROR_SUCCESS) {
            say(IDS_INSTALL_FAILED, win_strerror(err_machine, why, sizeof why), TRUE, lf);
            rc = CLIMON_EXIT_DIFFERS;
        }
        if (rc == CLIMON_EXIT_OK)
            say(IDS_UNINSTALLED, NULL, FALSE, lf);
        break;
    default:
        break;
    }
    return rc;
}

int autostart_run(const cmd_line *cl)
{
    wchar_t exe[CLIMON_PATH_MAX];
    climon_config *cfg = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *cfg);
    logfile lf;
    DWORD n, err_user = ERROR_SUCCESS, err_machine = ERROR_SUCCESS;

    if (!cfg)
        return CLIMON_EXIT_DIFFERS;
    config_load(cl, cfg);
    agentlog_open(&lf, cfg);
    HeapFree(GetProcessHeap(), 0, cfg);

    if (cl->verb == VERB_QUIT)
        return quit_running(&lf);

    n = GetModuleFileNameW(NULL, exe, CLIMON_PATH_MAX);
    if (n == 0 || n >= CLIMON_PATH_MAX) {
        say(IDS_INSTALL_FAILED, "cannot find climon.exe's own path", TRUE, &lf);
        return CLIMON_EXIT_DIFFERS;
    }
    switch (cl->verb) {
    case VERB_INSTALL:
        err_user = autostart_set_run(HKEY_CURRENT_USER, exe);
        break;
    case VERB_INSTALL_MACHINE:
        err_machine = autostart_set_run(HKEY_LOCAL_MACHINE, exe);
        break;
    case VERB_UNINSTALL:
        err_user = autostart_remove_run(HKEY_CURRENT_USER);
        err_machine = autostart_remove_run(HKEY_LOCAL_MACHINE);
        break;
    default:
        break;
    }
    return autostart_report(cl->verb, err_user, err_machine, &lf);
}
