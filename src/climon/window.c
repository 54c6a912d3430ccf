/*
 * window.c: the agent's hidden top-level window, its message loop and the
 * one window procedure, which only dispatches to on_<message> handlers.
 *
 * Top-level, not message-only: only top-level windows hear the
 * "TaskbarCreated" broadcast that tells us Explorer restarted and our
 * notification icon is gone. The window is never shown.
 */
#include "climon.h"

#include <commctrl.h>
#include <stdio.h>
#include <wtsapi32.h>
#include <string.h>
#include <wchar.h>

#include "climon-rc.h"
#include "fileio.h"
#include "winstr.h"

/* ---- what the engine asks of the window ---- */

/* The engine's callbacks carry the window's state as their context. */
static climon_app *app_of(engine *e)
{
    return (climon_app *)e->ui.ctx;
}

static void ui_status(engine *e)
{
    climon_app *a = app_of(e);
    /* What the other sessions' agents show: as often as ours changes. */
    host_publish(&a->host);
    tray_update(a);
    statuswnd_update(a);
    countdown_update(a);
    /* The site cleared the change while the dialog was up: close it. */
    if (a->prompt_hwnd && a->host.eng.st.pending == AGENT_PENDING_NONE)
        PostMessageW(a->prompt_hwnd, TDM_CLICK_BUTTON, IDCANCEL, 0);
}

static void ui_prompt(engine *e, const agent_action *act)
{
    climon_app *a = app_of(e);
    a->prompt_req = *act;
    /* Outside the action loop: the dialog runs a nested message loop, and
     * agent_step must never run inside another agent_step. */
    PostMessageW(a->hwnd, WMAPP_PROMPT, 0, 0);
}

static void ui_announce(engine *e, const char *text)
{
    climon_app *a = app_of(e);
    wchar_t fmt[256], comps[AGENT_TEXT_MAX + 1], msg[512];
    if (winstr_from_utf8(text, comps, AGENT_TEXT_MAX + 1) && comps[0]) {
        res_string(IDS_BALLOON_UPDATED_TEXT, fmt, 256);
        _snwprintf(msg, 512, fmt, comps);
        msg[511] = 0;
    } else {
        res_string(IDS_BALLOON_UPDATED_PLAIN, msg, 512);
    }
    tray_balloon(a, IDS_BALLOON_UPDATED_TITLE, msg);
    LOG_INFO(&a->log, "announced: components updated (%s)", text);
}

static void ui_smsini_changed(engine *e, unsigned changed)
{
    climon_app *a = app_of(e);
    host_smsini_changed(&a->host, changed);
    statuswnd_update(a);
}

static void ui_countdown(engine *e, const agent_action *act)
{
    climon_app *a = app_of(e);
    a->countdown_req = *act;
    /* A prompt still up answers for nothing now: the countdown replaces it. */
    if (a->prompt_hwnd)
        PostMessageW(a->prompt_hwnd, TDM_CLICK_BUTTON, IDCANCEL, 0);
    countdown_show(a);
}

static void ui_warn_credentials(engine *e)
{
    climon_app *a = app_of(e);
    wchar_t text[256];
    res_string(IDS_CREDS_REFUSED, text, 256);
    if (!tray_balloon(a, IDS_CREDS_TITLE, text))
        LOG_WARN(e->lf, "no balloon for the refused credentials (no icon yet); the status says it");
    else
        LOG_INFO(e->lf, "balloon: the logon server refused the current password");
}

static void feed_choice(climon_app *a, agent_choice c)
{
    agent_event ev;
    engine_event_init(&ev, AGENT_EV_USER_CHOICE);
    ev.choice = c;
    engine_feed(&a->host.eng, &ev);
}

/* ---- handlers ---- */

static void on_timer(climon_app *a, UINT_PTR id)
{
    switch (id) {
    case TIMER_TRAY_RETRY:
        tray_on_retry_timer(a);
        break;
    case TIMER_PROMPT_QUIET:
        prompt_on_quiet_timer(a);
        break;
    case TIMER_PROMPT_DIALOG:
        prompt_on_dialog_timer(a);
        break;
    case TIMER_BALLOON_QUIET:
        tray_on_quiet_timer(a);
        break;
    }
}

static void on_command(climon_app *a, UINT id)
{
    switch (id) {
    case IDM_STATUS:
        statuswnd_open(a);
        break;
    case IDM_CHECK_NOW:
        host_feed(&a->host, AGENT_EV_CHECK_NOW);
        /* A check that may not touch the share shows why. */
        if (a->host.eng.st.creds_refused_at != 0)
            statuswnd_open(a);
        break;
    case IDM_RESTART_NOW:
        feed_choice(a, AGENT_USER_RESTART_NOW);
        break;
    case IDM_LOGOFF_NOW:
        feed_choice(a, AGENT_USER_LOGOFF_NOW);
        break;
    case IDM_EXIT:
        DestroyWindow(a->hwnd);
        break;
    }
}

static void on_endsession(climon_app *a, BOOL ending)
{
    if (!ending)
        return;
    LOG_INFO(&a->log, "the session is ending: saving the state");
    host_feed(&a->host, AGENT_EV_SESSION_ENDING);
}

BOOL window_session_refreshes_credentials(WPARAM code)
{
    /* An unlock asks for the password (Windows refreshes the cached
     * credentials with it), as does a logon; a remote reconnect logs on
     * anew. A lock, a logoff or a console switch bring nothing new. */
    return code == WTS_SESSION_UNLOCK || code == WTS_SESSION_LOGON || code == WTS_REMOTE_CONNECT;
}

static void on_session_change(climon_app *a, WPARAM code)
{
    if (!window_session_refreshes_credentials(code))
        return;
    LOG_INFO(&a->log, "session change %lu: the credentials may be new", (unsigned long)code);
    host_feed(&a->host, AGENT_EV_CREDENTIALS_REFRESHED);
}

static void on_destroy(climon_app *a)
{
    if (a->wts_registered)
        WTSUnRegisterSessionNotification(a->hwnd);
    a->wts_registered = FALSE;
    KillTimer(a->hwnd, TIMER_TRAY_RETRY);
    KillTimer(a->hwnd, TIMER_PROMPT_QUIET);
    KillTimer(a->hwnd, TIMER_PROMPT_DIALOG);
    KillTimer(a->hwnd, TIMER_BALLOON_QUIET);
    statuswnd_close(a);
    tray_remove(a);
    PostQuitMessage(0);
}

static LRESULT CALLBACK AgentWndProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    LRESULT r;
    climon_app *a = window_app(hwnd, msg, lp);

    if (!a)
        return DefWindowProcW(hwnd, msg, wp, lp);
    if (host_dispatch(&a->host, msg, wp, lp, &r))
        return r;

    /* Registered messages first: they are not constants. */
    if (msg != 0 && msg == a->msg_taskbar_created) {
        LOG_INFO(&a->log, "the taskbar was (re)created: adding the icon again");
        a->icon_added = FALSE;
        a->tray_attempts = 0;
        tray_add(a);
        return 0;
    }
    if (msg != 0 && msg == a->msg_show_status) {
        statuswnd_open(a);
        return 0;
    }
    if (msg != 0 && msg == a->msg_quit) {
        LOG_INFO(&a->log, "asked to exit (/quit)");
        DestroyWindow(hwnd);
        return 0;
    }
    switch (msg) {
    case WMAPP_NOTIFYCALLBACK:
        tray_on_notify(a, wp, lp);
        return 0;
    case WMAPP_SHOWMENU:
        tray_show_menu(a, (int)(short)LOWORD(wp), (int)(short)HIWORD(wp));
        return 0;
    case WMAPP_OPENSTATUS:
        statuswnd_open(a);
        return 0;
    case WMAPP_PROMPT:
        prompt_begin(a);
        return 0;
    case WM_TIMER:
        on_timer(a, wp);
        return 0;
    case WM_COMMAND:
        on_command(a, LOWORD(wp));
        return 0;
    case WM_WTSSESSION_CHANGE:
        on_session_change(a, wp);
        return 0;
    case WM_QUERYENDSESSION:
        return TRUE; /* never stand in the way of a logoff or shutdown */
    case WM_ENDSESSION:
        on_endsession(a, (BOOL)wp);
        return 0;
    case WM_DESTROY:
        on_destroy(a);
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

int window_run(HINSTANCE hinst, const cmd_line *cl)
{
    climon_config *cfg;
    climon_app *a;
    WNDCLASSEXW wc;
    MSG m;

    /* The agent's state for the life of the process: never freed, as a
     * worker still busy at exit (runner_free leaves it) may touch it. */
    a = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *a);
    cfg = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *cfg);
    if (!a || !cfg)
        return CLIMON_EXIT_NO_AGENT;
    a->hinst = hinst;
    a->cl = *cl;
    config_load(cl, cfg);
    agentlog_open(&a->log, cfg);
    agentlog_config(&a->log, cfg, "tray agent");

    a->msg_taskbar_created = RegisterWindowMessageW(L"TaskbarCreated");
    a->msg_show_status = RegisterWindowMessageW(CLIMON_MSG_SHOW_STATUS);
    a->msg_quit = RegisterWindowMessageW(CLIMON_MSG_QUIT);

    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = AgentWndProc;
    wc.hInstance = hinst;
    wc.hIcon = LoadIconW(hinst, MAKEINTRESOURCEW(IDI_CLIMON));
    wc.lpszClassName = CLIMON_WNDCLASS;
    if (!RegisterClassExW(&wc)) {
        LOG_ERROR(&a->log, "cannot register the window class");
        return CLIMON_EXIT_NO_AGENT;
    }
    a->hwnd = CreateWindowExW(0, CLIMON_WNDCLASS, L"Climon", WS_OVERLAPPEDWINDOW, CW_USEDEFAULT,
                              CW_USEDEFAULT, 100, 100, NULL, NULL, hinst, a);
    if (!a->hwnd) {
        LOG_ERROR(&a->log, "cannot create the agent window");
        return CLIMON_EXIT_NO_AGENT;
    }

    if (!host_start(&a->host, a->hwnd, cfg, &a->cl, cl->session, &a->log)) {
        LOG_ERROR(&a->log, "cannot make the job runner: out of memory");
        return CLIMON_EXIT_NO_AGENT;
    }
    a->host.eng.ui.ctx = a;
    a->host.eng.ui.status = ui_status;
    a->host.eng.ui.prompt = ui_prompt;
    a->host.eng.ui.announce = ui_announce;
    a->host.eng.ui.smsini_changed = ui_smsini_changed;
    a->host.eng.ui.countdown = ui_countdown;
    a->host.eng.ui.warn_credentials = ui_warn_credentials;
    /* Unlock and logon tell us the credentials may be new: the only way
     * out of a block on refused credentials (issue 11.5). */
    a->wts_registered = WTSRegisterSessionNotification(a->hwnd, NOTIFY_FOR_THIS_SESSION);
    if (!a->wts_registered)
        LOG_WARN(&a->log,
                 "no session notifications: refused credentials are tried again at the next "
                 "logon only");
    HeapFree(GetProcessHeap(), 0, cfg);

    tray_add(a);
    host_begin(&a->host);
    if (cl->show_status)
        statuswnd_open(a);

    /* The UI thread mostly waits from here on: what its start and the
     * set-up above touched goes back. */
    stacktrim_now();
    while (GetMessageW(&m, NULL, 0, 0) > 0) {
        if (a->status && IsDialogMessageW(a->status, &m))
            continue;
        TranslateMessage(&m);
        DispatchMessageW(&m);
    }

    host_stop(&a->host);
    LOG_INFO(&a->log, "Climon exits");
    return CLIMON_EXIT_OK;
}
