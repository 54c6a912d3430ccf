/*
 * countdown.c: the final countdown (AGENT_ACT_COUNTDOWN): the last rung of
 * the restart ladder, at the admin's deadline or after the last
 * postponement (docs/agent.md, "The restart ladder").
 *
 * A small window over the notification area that stays on top without
 * ever taking the focus (WS_EX_NOACTIVATE: the user's typing goes on where
 * it was), shows the time left and offers "Restart now". It has no close
 * box and no Later: the core will not take one. When the time is up the
 * core's own timer asks Windows to restart; this window only shows it, so
 * a hung window can never restart anyone early or late. The second
 * ticker runs only while the window is up.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon-rc.h"
#include "winstr.h"

#define CLIMON_COUNTDOWN_WNDCLASS L"Climon.Countdown"
#define ID_TEXT 500
#define ID_ACT 501
#define TIMER_TICK 1
#define WIDTH 380 /* at 96 DPI */
#define HEIGHT 150
#define MARGIN 12

static HFONT g_font;

static void countdown_text(climon_app *a, wchar_t *out, size_t cap)
{
    agent_time now = time_now(), end = a->countdown_req.at;
    unsigned long left = end > now ? (unsigned long)(end - now) : 0;
    wchar_t fmt[256], clock[32], comps[AGENT_TEXT_MAX + 1];
    BOOL logoff = a->countdown_req.pending == AGENT_PENDING_LOGOFF;

    _snwprintf(clock, 32, L"%lu:%02lu", left / 60, left % 60);
    clock[31] = 0;
    res_string(logoff ? IDS_COUNTDOWN_LOGOFF_FMT : IDS_COUNTDOWN_RESTART_FMT, fmt, 256);
    if (!winstr_from_utf8(a->countdown_req.text, comps, AGENT_TEXT_MAX + 1) || !comps[0])
        res_string(IDS_PROMPT_NO_COMPONENTS, comps, AGENT_TEXT_MAX + 1);
    _snwprintf(out, cap, fmt, clock, comps);
    out[cap - 1] = 0;
}

static void on_tick(HWND hwnd, climon_app *a)
{
    wchar_t text[512];
    countdown_text(a, text, 512);
    SetDlgItemTextW(hwnd, ID_TEXT, text);
    /* Screen readers hear the time left change (a live region). */
    NotifyWinEvent(EVENT_OBJECT_LIVEREGIONCHANGED, GetDlgItem(hwnd, ID_TEXT), OBJID_CLIENT,
                   CHILDID_SELF);
}

static LRESULT CALLBACK CountdownWndProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    climon_app *a = window_app(hwnd, msg, lp);
    switch (msg) {
    case WM_TIMER:
        if (wp == TIMER_TICK && a)
            on_tick(hwnd, a);
        return 0;
    case WM_COMMAND:
        if (LOWORD(wp) == ID_ACT && a) {
            agent_event ev;
            engine_event_init(&ev, AGENT_EV_USER_CHOICE);
            ev.choice = a->countdown_req.pending == AGENT_PENDING_LOGOFF ? AGENT_USER_LOGOFF_NOW
                                                                         : AGENT_USER_RESTART_NOW;
            LOG_INFO(&a->log, "countdown: the user chose to %s now",
                     ev.choice == AGENT_USER_LOGOFF_NOW ? "log off" : "restart");
            engine_feed(&a->host.eng, &ev);
        }
        return 0;
    case WM_CTLCOLORSTATIC:
        /* The text on the window's own system colour (high contrast too). */
        SetTextColor((HDC)wp, GetSysColor(COLOR_WINDOWTEXT));
        SetBkColor((HDC)wp, GetSysColor(COLOR_WINDOW));
        return (LRESULT)GetSysColorBrush(COLOR_WINDOW);
    case WM_MOUSEACTIVATE:
        return MA_NOACTIVATE; /* a click on a button never takes the focus */
    case WM_CLOSE:
        return 0; /* Alt+F4 and the like: it cannot be put off */
    case WM_DESTROY:
        KillTimer(hwnd, TIMER_TICK);
        if (a)
            a->countdown = NULL;
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

static BOOL register_class(HINSTANCE hinst)
{
    static BOOL registered;
    WNDCLASSEXW wc;

    if (registered)
        return TRUE;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = CountdownWndProc;
    wc.hInstance = hinst;
    wc.hIcon = LoadIconW(hinst, MAKEINTRESOURCEW(IDI_CLIMON));
    wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
    wc.hbrBackground = GetSysColorBrush(COLOR_WINDOW); /* system colours: high contrast too */
    wc.lpszClassName = CLIMON_COUNTDOWN_WNDCLASS;
    registered = RegisterClassExW(&wc) != 0;
    return registered;
}

static void place(HWND hwnd)
{
    RECT work;
    UINT dpi = GetDpiForWindow(hwnd);
    int w, h, m;

    if (!dpi)
        dpi = 96;
    w = MulDiv(WIDTH, (int)dpi, 96);
    h = MulDiv(HEIGHT, (int)dpi, 96);
    m = MulDiv(MARGIN, (int)dpi, 96);
    if (!SystemParametersInfoW(SPI_GETWORKAREA, 0, &work, 0))
        SetRect(&work, 0, 0, GetSystemMetrics(SM_CXSCREEN), GetSystemMetrics(SM_CYSCREEN));
    /* Above the notification area, where the user's eye goes for Climon. */
    SetWindowPos(hwnd, HWND_TOPMOST, work.right - w - m, work.bottom - h - m, w, h, SWP_NOACTIVATE);
    {
        RECT rc;
        NONCLIENTMETRICSW ncm;
        GetClientRect(hwnd, &rc);
        memset(&ncm, 0, sizeof ncm);
        ncm.cbSize = sizeof ncm;
        if (!g_font &&
            SystemParametersInfoForDpi(SPI_GETNONCLIENTMETRICS, sizeof ncm, &ncm, 0, dpi))
            g_font = CreateFontIndirectW(&ncm.lfMessageFont);
        MoveWindow(GetDlgItem(hwnd, ID_TEXT), m, m, rc.right - 2 * m, rc.bottom - 4 * m - m, TRUE);
        MoveWindow(GetDlgItem(hwnd, ID_ACT), rc.right - m - MulDiv(120, (int)dpi, 96),
                   rc.bottom - m - MulDiv(26, (int)dpi, 96), MulDiv(120, (int)dpi, 96),
                   MulDiv(26, (int)dpi, 96), TRUE);
        if (g_font) {
            SendDlgItemMessageW(hwnd, ID_TEXT, WM_SETFONT, (WPARAM)g_font, TRUE);
            SendDlgItemMessageW(hwnd, ID_ACT, WM_SETFONT, (WPARAM)g_font, TRUE);
        }
    }
}

void countdown_show(climon_app *a)
{
    wchar_t title[128], act[64];
    BOOL logoff = a->countdown_req.pending == AGENT_PENDING_LOGOFF;

    if (!a->countdown) {
        comctl_load(); /* its controls are v6 ones, as the prompt's */
        if (!register_class(a->hinst))
            return;
        a->countdown = CreateWindowExW(
            WS_EX_TOPMOST | WS_EX_NOACTIVATE | WS_EX_TOOLWINDOW, CLIMON_COUNTDOWN_WNDCLASS,
            res_string(IDS_COUNTDOWN_TITLE, title, 128), WS_POPUP | WS_CAPTION | WS_BORDER, 0, 0,
            WIDTH, HEIGHT, NULL, NULL, a->hinst, a);
        if (!a->countdown) {
            LOG_ERROR(&a->log, "cannot show the final countdown");
            return;
        }
        CreateWindowExW(0, L"STATIC", L"", WS_CHILD | WS_VISIBLE | SS_LEFT, 0, 0, 10, 10,
                        a->countdown, (HMENU)(INT_PTR)ID_TEXT, a->hinst, NULL);
        CreateWindowExW(0, L"BUTTON", L"", WS_CHILD | WS_VISIBLE | WS_TABSTOP | BS_PUSHBUTTON, 0, 0,
                        10, 10, a->countdown, (HMENU)(INT_PTR)ID_ACT, a->hinst, NULL);
    }
    SetDlgItemTextW(a->countdown, ID_ACT,
                    res_string(logoff ? IDS_PROMPT_LOGOFF_NOW : IDS_PROMPT_RESTART_NOW, act, 64));
    place(a->countdown);
    on_tick(a->countdown, a);
    SetTimer(a->countdown, TIMER_TICK, 1000, NULL);
    ShowWindow(a->countdown, SW_SHOWNOACTIVATE);
    LOG_INFO(&a->log, "final countdown shown");
}

void countdown_update(climon_app *a)
{
    /* Over (restart asked, the user chose, the change done or cleared). */
    if (a->countdown &&
        (a->host.eng.st.countdown_end == 0 || a->host.eng.st.pending == AGENT_PENDING_NONE)) {
        DestroyWindow(a->countdown);
        a->countdown = NULL;
    }
}
