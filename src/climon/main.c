/*
 * main.c: climon.exe's entry point. Locks the process down first, reads
 * the command line, and hands over to the command asked for: the tray
 * agent (the default), /check, /install, /install:machine, /uninstall,
 * /quit, and the service's /service, /install:service, /uninstall:service. The tray agent runs once
 * per session: a second start asks the first to show its status window and exits.
 */
#include "climon.h"

#include <shellapi.h>
#include <stdio.h>

#include "climon-rc.h"
#include "secure.h"
#include "winstr.h"

int WINAPI wWinMain(HINSTANCE hinst, HINSTANCE prev, PWSTR cmdline, int show);

static void usage(BOOL error)
{
    wchar_t w[1024];
    char u[2048];
    res_string(IDS_USAGE, w, 1024);
    winstr_to_utf8(w, u, sizeof u);
    if (error)
        console_eprintf("%s\n", u);
    else
        console_printf("%s\n", u);
}

/* One agent per session. Another one running: ask it to show its status
 * and say so. Returns FALSE when this process should exit. */
static BOOL first_instance(HANDLE *mutex, DWORD session)
{
    wchar_t name[64];
    HWND other;

    /* A test's /session: is a session of its own. */
    if (session)
        _snwprintf(name, 64, L"%ls.%lu", CLIMON_MUTEX, (unsigned long)session);
    else
        _snwprintf(name, 64, L"%ls", CLIMON_MUTEX);
    name[63] = 0;
    *mutex = CreateMutexW(NULL, FALSE, name);
    if (*mutex && GetLastError() != ERROR_ALREADY_EXISTS)
        return TRUE;
    other = FindWindowW(CLIMON_WNDCLASS, NULL);
    if (other) {
        DWORD pid = 0;
        GetWindowThreadProcessId(other, &pid);
        /* Let it take the foreground for the window it opens. */
        AllowSetForegroundWindow(pid);
        PostMessageW(other, RegisterWindowMessageW(CLIMON_MSG_SHOW_STATUS), 0, 0);
    }
    return FALSE;
}

int WINAPI wWinMain(HINSTANCE hinst, HINSTANCE prev, PWSTR cmdline, int show)
{
    cmd_line *cl;
    wchar_t **argv;
    int argc = 0, rc;
    HANDLE mutex = NULL;
    (void)prev;
    (void)cmdline;
    (void)show; /* the agent's window is never shown */

    secure_process_init();
    cl = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *cl);
    argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!cl || !argv)
        return CLIMON_EXIT_USAGE;
    if (!cmdline_parse(argc - 1, (const wchar_t *const *)(argv + 1), cl)) {
        console_init();
        console_eprintf("climon: %s\n", cl->error);
        usage(TRUE);
        rc = CLIMON_EXIT_USAGE;
        goto out;
    }
    switch (cl->verb) {
    case VERB_HELP:
        console_init();
        usage(FALSE);
        rc = CLIMON_EXIT_OK;
        break;
    case VERB_CHECK:
        console_init();
        rc = checkcmd_run(cl);
        break;
    case VERB_INSTALL:
    case VERB_INSTALL_MACHINE:
    case VERB_UNINSTALL:
    case VERB_QUIT:
        console_init();
        rc = autostart_run(cl);
        break;
    case VERB_SERVICE:
        rc = service_run(cl);
        break;
    case VERB_INSTALL_SERVICE:
        console_init();
        rc = service_install(cl);
        break;
    case VERB_UNINSTALL_SERVICE:
        console_init();
        rc = service_uninstall();
        break;
    case VERB_RUN:
    default:
        if (!first_instance(&mutex, cl->session)) {
            rc = CLIMON_EXIT_OK;
            break;
        }
        rc = window_run(hinst, cl);
        break;
    }
out:
    LocalFree(argv);
    HeapFree(GetProcessHeap(), 0, cl);
    if (mutex)
        CloseHandle(mutex);
    return rc;
}
