/*
 * service.c: the Windows service Climon for servers where nobody logs on
 * (issue 13), as the seed's inventory agent service (CLIMONNT) did:
 * /install:service, /uninstall:service, and /service, the service itself.
 *
 * The service does the machine's work with no UI: the same engine and
 * jobs as the tray agent, on a message-only window in the service's own
 * thread, prompts off (status only). It takes the machine's owner lock
 * (owner.c) at start, before anyone logs on, so while it runs the tray
 * agents watch and prompt their users and do none of that work.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <wtsapi32.h>

#include "argvquote.h"
#include "climon-rc.h"
#include "winstr.h"

#define SERVICE_NAME L"Climon"
#define SERVICE_WNDCLASS L"Climon.Service"
#define SERVICE_LOG_NAME L"CLIMONSV.LOG"
#define STOP_WAIT_MS 20000u

typedef struct service {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    HWND hwnd;
    host host;
    logfile log;
    cmd_line cl;
} service;

static service *g_svc; /* the SCM's callbacks take no context of ours */

static void report(service *s, DWORD state, DWORD exit_code, DWORD wait_ms)
{
    static DWORD checkpoint = 1;
    s->status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s->status.dwCurrentState = state;
    /* A message-only window hears no broadcasts: resume and a clock change
     * come as controls, and are posted to it as the messages a window gets. */
    s->status.dwControlsAccepted = state == SERVICE_RUNNING
                                       ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN |
                                             SERVICE_ACCEPT_POWEREVENT | SERVICE_ACCEPT_TIMECHANGE |
                                             SERVICE_ACCEPT_SESSIONCHANGE
                                       : 0;
    s->status.dwWin32ExitCode = exit_code;
    s->status.dwServiceSpecificExitCode = 0;
    s->status.dwWaitHint = wait_ms;
    s->status.dwCheckPoint =
        (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : checkpoint++;
    SetServiceStatus(s->handle, &s->status);
}

static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID ctx)
{
    service *s = ctx;
    (void)data;
    switch (code) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        report(s, SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_MS);
        PostMessageW(s->hwnd, WM_CLOSE, 0, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_POWEREVENT:
        if (type == PBT_APMRESUMEAUTOMATIC && s->hwnd)
            PostMessageW(s->hwnd, WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_TIMECHANGE:
        if (s->hwnd)
            PostMessageW(s->hwnd, WM_TIMECHANGE, 0, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_SESSIONCHANGE:
        /* A sign-out may free a restart waiting in the maintenance window. */
        if ((type == WTS_SESSION_LOGOFF || type == WTS_SESSION_LOGON) && s->hwnd)
            PostMessageW(s->hwnd, WMAPP_SESSIONS, 0, 0);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    }
    return ERROR_CALL_NOT_IMPLEMENTED;
}

static LRESULT CALLBACK ServiceWndProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    LRESULT r;
    service *s = (service *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);
    if (msg == WM_NCCREATE) {
        SetWindowLongPtrW(hwnd, GWLP_USERDATA, (LONG_PTR)((CREATESTRUCTW *)lp)->lpCreateParams);
        return TRUE;
    }
    if (!s)
        return DefWindowProcW(hwnd, msg, wp, lp);
    if (host_dispatch(&s->host, msg, wp, lp, &r))
        return r;
    switch (msg) {
    case WM_CLOSE:
        DestroyWindow(hwnd);
        return 0;
    case WM_DESTROY:
        PostQuitMessage(0);
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

/* A program path with a blank and no quotes in the service's command
 * line is the classic unquoted service path: Windows would try
 * "C:\Program.exe" first, as LocalSystem. /install:service always quotes;
 * an installer that did not (Wine's msi writes the MSI's ServiceInstall
 * unquoted) is mended here, by the service itself, at its start. */
static void quote_own_path(logfile *lf)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), svc = NULL;
    QUERY_SERVICE_CONFIGW *qc = NULL;
    wchar_t exe[CLIMON_PATH_MAX], cmd[CLIMON_CMD_MAX];
    DWORD need = 0, n = GetModuleFileNameW(NULL, exe, CLIMON_PATH_MAX);
    size_t len = n ? wcslen(exe) : 0;
    const wchar_t *path;

    if (scm)
        svc = OpenServiceW(scm, SERVICE_NAME, SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG);
    if (!svc || n == 0 || n >= CLIMON_PATH_MAX)
        goto out;
    QueryServiceConfigW(svc, NULL, 0, &need);
    qc = need ? HeapAlloc(GetProcessHeap(), 0, need) : NULL;
    if (!qc || !QueryServiceConfigW(svc, qc, need, &need) || !qc->lpBinaryPathName)
        goto out;
    path = qc->lpBinaryPathName;
    /* Only our own program, unquoted, with a blank in it. */
    if (path[0] == L'"' || !wcschr(exe, L' ') || _wcsnicmp(path, exe, len) != 0 ||
        (path[len] != 0 && path[len] != L' '))
        goto out;
    if (_snwprintf(cmd, CLIMON_CMD_MAX, L"\"%ls\"%ls", exe, path + len) < 0)
        goto out;
    cmd[CLIMON_CMD_MAX - 1] = 0;
    if (ChangeServiceConfigW(svc, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, cmd,
                             NULL, NULL, NULL, NULL, NULL, NULL))
        LOG_WARN(lf, "the service's command line was not quoted (an unquoted service path): "
                     "quoted it");
    else
        LOG_ERROR(lf, "the service's command line is not quoted and could not be mended (%lu)",
                  (unsigned long)GetLastError());
out:
    if (qc)
        HeapFree(GetProcessHeap(), 0, qc);
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
}

/* The service's log: <SMSPath>\LOGS\CLIMONSV.LOG, beside the agent's. */
static void service_log_path(climon_config *cfg)
{
    wchar_t dir[CLIMON_PATH_MAX];
    wchar_t *slash;
    if (!cfg->log_path[0] || wcslen(cfg->log_path) >= CLIMON_PATH_MAX)
        return;
    wcscpy(dir, cfg->log_path);
    slash = wcsrchr(dir, L'\\');
    if (!slash)
        return;
    *slash = 0;
    path_join(cfg->log_path, CLIMON_PATH_MAX, dir, SERVICE_LOG_NAME);
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    service *s = g_svc;
    climon_config *cfg = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *cfg);
    WNDCLASSEXW wc;
    MSG m;
    (void)argc;
    (void)argv;

    s->handle = RegisterServiceCtrlHandlerExW(SERVICE_NAME, control, s);
    if (!s->handle || !cfg)
        return;
    report(s, SERVICE_START_PENDING, NO_ERROR, 10000);
    config_load(&s->cl, cfg);
    if (!s->cl.log[0])
        service_log_path(cfg);
    /* Nobody to ask: status only, or a restart inside the admin's
     * maintenance window (ServerRestartWindow, docs/agent.md). */
    cfg->core.prompts_enabled = false;
    cfg->service = TRUE;
    agentlog_open(&s->log, cfg);
    agentlog_config(&s->log, cfg, "service");
    quote_own_path(&s->log);

    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = ServiceWndProc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = SERVICE_WNDCLASS;
    RegisterClassExW(&wc);
    s->hwnd = CreateWindowExW(0, SERVICE_WNDCLASS, L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                              wc.hInstance, s);
    if (!s->hwnd || !host_start(&s->host, s->hwnd, cfg, &s->cl, 0, &s->log)) {
        LOG_ERROR(&s->log, "cannot make the service's window or job runner");
        report(s, SERVICE_STOPPED, ERROR_NOT_ENOUGH_MEMORY, 0);
        return;
    }
    HeapFree(GetProcessHeap(), 0, cfg);
    report(s, SERVICE_RUNNING, NO_ERROR, 0);
    LOG_INFO(&s->log, "service running");
    host_begin(&s->host);
    /* The service's thread mostly waits from here on. */
    stacktrim_now();
    while (GetMessageW(&m, NULL, 0, 0) > 0) {
        TranslateMessage(&m);
        DispatchMessageW(&m);
    }

    report(s, SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_MS);
    host_stop(&s->host);
    LOG_INFO(&s->log, "service stopped");
    logfile_close(&s->log);
    report(s, SERVICE_STOPPED, NO_ERROR, 0);
}

int service_run(const cmd_line *cl)
{
    SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)SERVICE_NAME, service_main}, {NULL, NULL}};
    g_svc = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *g_svc);
    if (!g_svc)
        return CLIMON_EXIT_NO_AGENT;
    g_svc->cl = *cl;
    if (!StartServiceCtrlDispatcherW(table)) {
        console_init();
        console_eprintf("climon: /service is for the service control manager (%lu); use "
                        "/install:service\n",
                        (unsigned long)GetLastError());
        return CLIMON_EXIT_USAGE;
    }
    return CLIMON_EXIT_OK;
}

/* ---- /install:service, /uninstall:service ---- */

/* A line of the string table with its one %ls: arg, or err's text. */
static void say_arg(UINT id, const wchar_t *arg, BOOL is_error)
{
    wchar_t fmt[512], w[1024];
    char u[2048];
    res_string(id, fmt, 512);
    _snwprintf(w, 1024, fmt, arg);
    w[1023] = 0;
    winstr_to_utf8(w, u, sizeof u);
    if (is_error)
        console_eprintf("%s\n", u);
    else
        console_printf("%s\n", u);
}

static void say(UINT id, DWORD err)
{
    wchar_t why[256];
    why[0] = 0;
    if (err) {
        FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0,
                       why, 256, NULL);
        for (size_t n = wcslen(why); n && (why[n - 1] == L'\n' || why[n - 1] == L'\r'); n--)
            why[n - 1] = 0;
        if (!why[0])
            _snwprintf(why, 256, L"error %lu", (unsigned long)err);
    }
    say_arg(id, why, err != 0);
}

static BOOL names(const wchar_t *given, const wchar_t *a, const wchar_t *b)
{
    return _wcsicmp(given, a) == 0 || (b && _wcsicmp(given, b) == 0);
}

/* The account the admin named with /account: as CreateServiceW takes it
 * (NULL: LocalSystem) and as it is shown. Only accounts Windows runs a
 * service as without a password: a password on a command line would be
 * in every process list and shell history. FALSE: another account. */
static BOOL service_account(const wchar_t *given, const wchar_t **start_name, const wchar_t **shown)
{
    size_t n = wcslen(given);
    const wchar_t *slash = wcschr(given, L'\\');
    *start_name = NULL;
    *shown = L"LocalSystem";
    if (n == 0 || names(given, L"LocalSystem", L".\\LocalSystem"))
        return TRUE;
    if (names(given, L"LocalService", L"NT AUTHORITY\\LocalService")) {
        *start_name = *shown = L"NT AUTHORITY\\LocalService";
        return TRUE;
    }
    if (names(given, L"NetworkService", L"NT AUTHORITY\\NetworkService")) {
        *start_name = *shown = L"NT AUTHORITY\\NetworkService";
        return TRUE;
    }
    /* The service's virtual account, or a (group) managed service
     * account: DOMAIN\name$, its password kept by the domain. */
    if (names(given, L"NT SERVICE\\Climon", NULL) ||
        (slash && slash != given && n >= 2 && given[n - 1] == L'$' && slash + 2 < given + n &&
         !wcschr(slash + 1, L'\\'))) {
        *start_name = *shown = given;
        return TRUE;
    }
    return FALSE;
}

/* "<full path>\climon.exe" /service, and the path switches given with
 * /install:service (labs), each quoted by CommandLineToArgvW's rules. */
static BOOL service_command(const cmd_line *cl, wchar_t *out, size_t cap)
{
    static const struct {
        const wchar_t *name;
        size_t off;
    } keep[] = {{L"/smsini:", offsetof(cmd_line, smsini)},
                {L"/share:", offsetof(cmd_line, share)},
                {L"/invdata:", offsetof(cmd_line, invdata)},
                {L"/statedir:", offsetof(cmd_line, statedir)},
                {L"/log:", offsetof(cmd_line, log)},
                {L"/restart-hook:", offsetof(cmd_line, restart_hook)}};
    wchar_t exe[CLIMON_PATH_MAX], arg[CLIMON_PATH_MAX + 16];
    DWORD n = GetModuleFileNameW(NULL, exe, CLIMON_PATH_MAX);

    if (n == 0 || n >= CLIMON_PATH_MAX)
        return FALSE;
    /* The program name always in plain quotes (its own rules); then each
     * argument after a blank, quoted as it needs. */
    if (_snwprintf(out, cap, L"\"%ls\" /service", exe) < 0)
        return FALSE;
    out[cap - 1] = 0;
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const wchar_t *v = (const wchar_t *)((const char *)cl + keep[i].off);
        size_t len = wcslen(out);
        if (!v[0])
            continue;
        _snwprintf(arg, CLIMON_PATH_MAX + 16, L"%ls%ls", keep[i].name, v);
        arg[CLIMON_PATH_MAX + 15] = 0;
        if (len + 2 >= cap)
            return FALSE;
        out[len] = L' ';
        out[len + 1] = 0;
        if (!argv_quote_append(out, cap, arg))
            return FALSE;
    }
    return TRUE;
}

static BOOL wait_state(SC_HANDLE svc, DWORD want, DWORD ms)
{
    SERVICE_STATUS st;
    for (DWORD waited = 0; waited <= ms; waited += 250) {
        if (!QueryServiceStatus(svc, &st))
            return FALSE;
        if (st.dwCurrentState == want)
            return TRUE;
        Sleep(250); /* a one-shot admin command: bounded */
    }
    return FALSE;
}

int service_install(const cmd_line *cl)
{
    wchar_t cmd[CLIMON_CMD_MAX];
    SERVICE_DESCRIPTIONW desc;
    wchar_t text[256];
    const wchar_t *account, *shown;
    SC_HANDLE scm, svc;
    DWORD err;

    if (!service_account(cl->account, &account, &shown)) {
        say_arg(IDS_SERVICE_ACCOUNT, cl->account, TRUE);
        return CLIMON_EXIT_USAGE;
    }
    if (!service_command(cl, cmd, CLIMON_CMD_MAX)) {
        say(IDS_SERVICE_FAILED, ERROR_FILENAME_EXCED_RANGE);
        return CLIMON_EXIT_UNKNOWN;
    }
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE);
    if (!scm) {
        err = GetLastError();
        say(err == ERROR_ACCESS_DENIED ? IDS_SERVICE_DENIED : IDS_SERVICE_FAILED, err);
        return CLIMON_EXIT_UNKNOWN;
    }
    svc = CreateServiceW(scm, SERVICE_NAME, L"Climon SMS client monitor",
                         SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_QUERY_STATUS,
                         SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, cmd,
                         NULL, NULL, NULL, account, NULL);
    if (!svc && GetLastError() == ERROR_SERVICE_EXISTS) {
        svc = OpenServiceW(scm, SERVICE_NAME,
                           SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_QUERY_STATUS);
        if (svc)
            ChangeServiceConfigW(svc, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                                 SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL,
                                 account ? account : L"LocalSystem", NULL, NULL);
    }
    if (!svc) {
        err = GetLastError();
        CloseServiceHandle(scm);
        say(err == ERROR_ACCESS_DENIED ? IDS_SERVICE_DENIED : IDS_SERVICE_FAILED, err);
        return CLIMON_EXIT_UNKNOWN;
    }
    res_string(IDS_SERVICE_DESCRIPTION, text, 256);
    desc.lpDescription = text;
    ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &desc);
    if (!StartServiceW(svc, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
        err = GetLastError();
        CloseServiceHandle(svc);
        CloseServiceHandle(scm);
        say(IDS_SERVICE_NOT_STARTED, err);
        return CLIMON_EXIT_UNKNOWN;
    }
    wait_state(svc, SERVICE_RUNNING, 15000);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    say_arg(IDS_SERVICE_INSTALLED, shown, FALSE);
    return CLIMON_EXIT_OK;
}

int service_uninstall(void)
{
    SERVICE_STATUS st;
    SC_HANDLE scm, svc;
    DWORD err;

    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    svc =
        scm ? OpenServiceW(scm, SERVICE_NAME, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE) : NULL;
    if (!svc) {
        err = GetLastError();
        if (scm)
            CloseServiceHandle(scm);
        if (err == ERROR_SERVICE_DOES_NOT_EXIST) {
            say(IDS_SERVICE_REMOVED, 0);
            return CLIMON_EXIT_OK;
        }
        say(err == ERROR_ACCESS_DENIED ? IDS_SERVICE_DENIED : IDS_SERVICE_FAILED, err);
        return CLIMON_EXIT_UNKNOWN;
    }
    if (ControlService(svc, SERVICE_CONTROL_STOP, &st))
        wait_state(svc, SERVICE_STOPPED, STOP_WAIT_MS);
    if (!DeleteService(svc) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE) {
        err = GetLastError();
        CloseServiceHandle(svc);
        CloseServiceHandle(scm);
        say(IDS_SERVICE_FAILED, err);
        return CLIMON_EXIT_UNKNOWN;
    }
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    say(IDS_SERVICE_REMOVED, 0);
    return CLIMON_EXIT_OK;
}
