/*
 * statuswnd.c: the status window: what the agent knows, in words.
 *
 * A plain window with static controls in two columns, laid out from the
 * system's message font at the window's DPI (SystemParametersInfoForDpi),
 * and laid out again on WM_DPICHANGED. It reads the engine's state on
 * every AGENT_ACT_STATUS, so it updates while open. Esc closes it (the
 * message loop runs IsDialogMessage for it, which turns Esc into IDCANCEL).
 *
 * For keyboard and screen-reader users (issue 14.5) every value is a
 * read-only edit control that Tab reaches, each created right after its
 * label: a screen reader names a field by the static text before it, so
 * it reads "Deadline: <date>" together, and the user can tab from field
 * to field and select a value to copy. The buttons have access keys;
 * Close is the default button and has the focus when the window opens,
 * its focus rectangle shown. Colours are the system's (COLOR_WINDOW,
 * COLOR_WINDOWTEXT): a high-contrast theme draws it in its own colours.
 */
#include "climon.h"

#include <shellapi.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon-rc.h"
#include "winstr.h"

#define ID_VALUE_FIRST 300
#define ID_LABEL_FIRST 400
#define ID_CHECK_NOW 450
#define ID_OPEN_LOG 451
#define LABEL_W 170 /* at 96 DPI */
#define VALUE_W 440
#define MARGIN 12

static HFONT g_font;

static UINT window_dpi(HWND hwnd)
{
    UINT dpi = hwnd ? GetDpiForWindow(hwnd) : 0;
    return dpi ? dpi : 96;
}

static void make_font(UINT dpi)
{
    NONCLIENTMETRICSW ncm;
    if (g_font)
        DeleteObject(g_font);
    g_font = NULL;
    memset(&ncm, 0, sizeof ncm);
    ncm.cbSize = sizeof ncm;
    if (SystemParametersInfoForDpi(SPI_GETNONCLIENTMETRICS, sizeof ncm, &ncm, 0, dpi))
        g_font = CreateFontIndirectW(&ncm.lfMessageFont);
}

static int font_height(HWND hwnd)
{
    HDC dc = GetDC(hwnd);
    TEXTMETRICW tm;
    HGDIOBJ old = SelectObject(dc, g_font ? (HGDIOBJ)g_font : GetStockObject(DEFAULT_GUI_FONT));
    GetTextMetricsW(dc, &tm);
    SelectObject(dc, old);
    ReleaseDC(hwnd, dc);
    return tm.tmHeight;
}

/* The buttons' width: 88 px at 96 DPI, or the widest caption and room
 * around it (German captions are longer than English ones). */
static int button_width(HWND hwnd, UINT dpi)
{
    static const int ids[] = {ID_CHECK_NOW, ID_OPEN_LOG, IDCANCEL};
    int w = MulDiv(88, (int)dpi, 96), pad = MulDiv(24, (int)dpi, 96);
    HDC dc = GetDC(hwnd);
    HGDIOBJ old = SelectObject(dc, g_font ? (HGDIOBJ)g_font : GetStockObject(DEFAULT_GUI_FONT));
    wchar_t text[128];
    SIZE sz;

    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        int n = GetDlgItemTextW(hwnd, ids[i], text, 128);
        if (n > 0 && GetTextExtentPoint32W(dc, text, n, &sz) && sz.cx + pad > w)
            w = sz.cx + pad;
    }
    SelectObject(dc, old);
    ReleaseDC(hwnd, dc);
    return w;
}

static void layout(HWND hwnd, BOOL resize)
{
    UINT dpi = window_dpi(hwnd);
    int m = MulDiv(MARGIN, (int)dpi, 96), lw = MulDiv(LABEL_W, (int)dpi, 96);
    int vw = MulDiv(VALUE_W, (int)dpi, 96), h = font_height(hwnd), row = h * 3 / 2;
    int bw = button_width(hwnd, dpi), bh = h * 2, y = m;
    HWND close = GetDlgItem(hwnd, IDCANCEL);

    for (int i = 0; i < IDS_ST_ROWS; i++, y += row) {
        HWND l = GetDlgItem(hwnd, ID_LABEL_FIRST + i), v = GetDlgItem(hwnd, ID_VALUE_FIRST + i);
        SendMessageW(l, WM_SETFONT, (WPARAM)g_font, FALSE);
        SendMessageW(v, WM_SETFONT, (WPARAM)g_font, FALSE);
        MoveWindow(l, m, y, lw, h + 2, FALSE);
        MoveWindow(v, m + lw, y, vw, h + 2, FALSE);
    }
    y += m / 2;
    SendMessageW(close, WM_SETFONT, (WPARAM)g_font, FALSE);
    MoveWindow(close, m + lw + vw - bw, y, bw, bh, FALSE);
    /* Check now and Open log left of Close, as the tray menu has them. */
    for (int i = 0; i < 2; i++) {
        HWND b = GetDlgItem(hwnd, i == 0 ? ID_CHECK_NOW : ID_OPEN_LOG);
        SendMessageW(b, WM_SETFONT, (WPARAM)g_font, FALSE);
        MoveWindow(b, m + lw + vw - bw * (3 - i) - m * (2 - i), y, bw, bh, FALSE);
    }
    if (resize) {
        RECT r = {0, 0, m * 2 + lw + vw, y + bh + m};
        AdjustWindowRectExForDpi(&r, (DWORD)GetWindowLongPtrW(hwnd, GWL_STYLE), FALSE,
                                 (DWORD)GetWindowLongPtrW(hwnd, GWL_EXSTYLE), dpi);
        SetWindowPos(hwnd, NULL, 0, 0, r.right - r.left, r.bottom - r.top,
                     SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
    }
    InvalidateRect(hwnd, NULL, TRUE);
}

static void on_create(HWND hwnd, climon_app *a)
{
    HINSTANCE hi = a->hinst;
    wchar_t text[128];

    make_font(window_dpi(hwnd));
    for (int i = 0; i < IDS_ST_ROWS; i++) {
        CreateWindowExW(0, L"STATIC", res_string(IDS_ST_FIRST_LABEL + (UINT)i, text, 128),
                        WS_CHILD | WS_VISIBLE | SS_LEFT | SS_NOPREFIX, 0, 0, 10, 10, hwnd,
                        (HMENU)(INT_PTR)(ID_LABEL_FIRST + i), hi, NULL);
        CreateWindowExW(0, L"EDIT", L"",
                        WS_CHILD | WS_VISIBLE | WS_TABSTOP | ES_LEFT | ES_READONLY | ES_AUTOHSCROLL,
                        0, 0, 10, 10, hwnd, (HMENU)(INT_PTR)(ID_VALUE_FIRST + i), hi, NULL);
    }
    CreateWindowExW(0, L"BUTTON", res_string(IDS_ST_CHECK_NOW, text, 128),
                    WS_CHILD | WS_VISIBLE | WS_TABSTOP | BS_PUSHBUTTON, 0, 0, 10, 10, hwnd,
                    (HMENU)(INT_PTR)ID_CHECK_NOW, hi, NULL);
    CreateWindowExW(0, L"BUTTON", res_string(IDS_ST_OPEN_LOG, text, 128),
                    WS_CHILD | WS_VISIBLE | WS_TABSTOP | BS_PUSHBUTTON, 0, 0, 10, 10, hwnd,
                    (HMENU)(INT_PTR)ID_OPEN_LOG, hi, NULL);
    CreateWindowExW(0, L"BUTTON", res_string(IDS_CLOSE, text, 128),
                    WS_CHILD | WS_VISIBLE | WS_TABSTOP | BS_DEFPUSHBUTTON, 0, 0, 10, 10, hwnd,
                    (HMENU)(INT_PTR)IDCANCEL, hi, NULL);
    layout(hwnd, TRUE);
}

static void on_dpichanged(HWND hwnd, UINT dpi, const RECT *suggested)
{
    make_font(dpi);
    SetWindowPos(hwnd, NULL, suggested->left, suggested->top, suggested->right - suggested->left,
                 suggested->bottom - suggested->top, SWP_NOZORDER | SWP_NOACTIVATE);
    layout(hwnd, TRUE);
}

/* The log in whatever the user opens .LOG files with (CMTrace on an SMS
 * admin's machine, Notepad elsewhere): a document, not a program we run. */
static void open_log(climon_app *a)
{
    SHELLEXECUTEINFOW sei;
    char why[200];

    if (!a->host.eng.cfg.log_path[0])
        return;
    memset(&sei, 0, sizeof sei);
    sei.cbSize = sizeof sei;
    sei.fMask = SEE_MASK_FLAG_NO_UI;
    sei.lpVerb = L"open";
    sei.lpFile = a->host.eng.cfg.log_path;
    sei.nShow = SW_SHOWNORMAL;
    if (!ShellExecuteExW(&sei))
        LOG_WARN(&a->log, "cannot open the log: %s", win_strerror(GetLastError(), why, sizeof why));
}

static LRESULT CALLBACK StatusWndProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    climon_app *a = window_app(hwnd, msg, lp);

    if (!a)
        return DefWindowProcW(hwnd, msg, wp, lp);
    switch (msg) {
    case WM_CREATE:
        on_create(hwnd, a);
        return 0;
    case WM_DPICHANGED:
        on_dpichanged(hwnd, HIWORD(wp), (const RECT *)lp);
        return 0;
    case WM_COMMAND:
        if (LOWORD(wp) == IDCANCEL || LOWORD(wp) == IDOK)
            DestroyWindow(hwnd);
        else if (LOWORD(wp) == ID_CHECK_NOW)
            PostMessageW(a->hwnd, WM_COMMAND, IDM_CHECK_NOW, 0);
        else if (LOWORD(wp) == ID_OPEN_LOG)
            open_log(a);
        return 0;
    case WM_KEYDOWN:
        if (wp == VK_ESCAPE)
            DestroyWindow(hwnd);
        return 0;
    case WM_CTLCOLORSTATIC:
        /* Labels and the read-only values: the window's system colours,
         * text too (the DC's default is black, unreadable on a dark
         * high-contrast theme). */
        SetTextColor((HDC)wp, GetSysColor(COLOR_WINDOWTEXT));
        SetBkColor((HDC)wp, GetSysColor(COLOR_WINDOW));
        return (LRESULT)GetSysColorBrush(COLOR_WINDOW);
    case DM_GETDEFID:
        /* Enter anywhere in the window is Close (IsDialogMessage asks). */
        return MAKELRESULT(IDCANCEL, DC_HASDEFID);
    case WM_ACTIVATE:
        /* As a dialog does: the focus comes back to where it was. */
        if (LOWORD(wp) == WA_INACTIVE) {
            HWND f = GetFocus();
            if (f && IsChild(hwnd, f))
                SetPropW(hwnd, L"Climon.Focus", f);
        } else {
            HWND f = (HWND)GetPropW(hwnd, L"Climon.Focus");
            SetFocus(f && IsChild(hwnd, f) ? f : GetDlgItem(hwnd, IDCANCEL));
        }
        return 0;
    case WM_SYSCOLORCHANGE:
        /* A theme change (high contrast on or off): draw anew. */
        InvalidateRect(hwnd, NULL, TRUE);
        return 0;
    case WM_DESTROY:
        RemovePropW(hwnd, L"Climon.Focus");
        if (a->status == hwnd)
            a->status = NULL;
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

/* Only a value that changed is set: setting an edit's text moves its
 * caret and selection, which the user (or a screen reader) may be in. */
static void set_row(HWND hwnd, int row, const wchar_t *text)
{
    wchar_t now[1024];
    GetDlgItemTextW(hwnd, ID_VALUE_FIRST + row, now, 1024);
    if (wcscmp(now, text) != 0)
        SetDlgItemTextW(hwnd, ID_VALUE_FIRST + row, text);
}

static void when_or(agent_time t, UINT none_id, wchar_t *out, size_t cap)
{
    if (t)
        time_format_local(t, out, cap);
    else
        res_string(none_id, out, (int)cap);
}

static void u8(const char *s, UINT empty_id, wchar_t *out, size_t cap)
{
    if (!s[0] || !winstr_from_utf8(s, out, cap))
        res_string(empty_id, out, (int)cap);
}

/* The one line that answers "what do I have to do, and by when". */
static void todo_line(climon_app *a, wchar_t *out, size_t cap)
{
    const agent_state *st = &a->host.eng.st;
    agent_time due = agent_countdown_due(st, &a->host.eng.cfg.core);
    BOOL logoff = st->pending == AGENT_PENDING_LOGOFF;
    wchar_t fmt[256], t[128];
    UINT id;

    if (st->creds_refused_at != 0 && st->pending == AGENT_PENDING_NONE) {
        res_string(IDS_CREDS_REFUSED, out, (int)cap); /* lock and unlock: the user can */
    } else if (st->pending != AGENT_PENDING_NONE && st->countdown_end) {
        time_format_local(st->countdown_end, t, 128);
        _snwprintf(out, cap, res_string(IDS_TODO_COUNTDOWN, fmt, 256), t);
    } else if (st->pending != AGENT_PENDING_NONE && due) {
        time_format_local(due, t, 128);
        _snwprintf(out, cap,
                   res_string(logoff ? IDS_TODO_LOGOFF_BY : IDS_TODO_RESTART_BY, fmt, 256), t);
    } else {
        id = st->pending != AGENT_PENDING_NONE ? (logoff ? IDS_TODO_LOGOFF : IDS_TODO_RESTART)
             : st->last_error[0]               ? IDS_TODO_ERROR
             : st->request_since               ? IDS_TODO_WAIT
                                               : IDS_TODO_NOTHING;
        res_string(id, out, (int)cap);
    }
    out[cap - 1] = 0;
}

/* The error row: refused credentials in plain words from the string
 * table; else what the last pass met (the check's error, the forward's
 * local or box-full problem), else SMS.INI's. */
static void error_row(const agent_state *st, const climon_config *cfg, wchar_t *out, size_t cap)
{
    char both[2 * AGENT_TEXT_MAX + 4];
    if (st->creds_refused_at != 0) {
        res_string(IDS_CREDS_REFUSED, out, (int)cap);
        return;
    }
    if (st->last_error[0] && st->forward_error[0])
        snprintf(both, sizeof both, "%s; %s", st->forward_error, st->last_error);
    else
        snprintf(both, sizeof both, "%s",
                 st->last_error[0]      ? st->last_error
                 : st->forward_error[0] ? st->forward_error
                                        : cfg->smsini_error);
    u8(both, IDS_NO_ERROR, out, cap);
}

void statuswnd_update(climon_app *a)
{
    const agent_state *st = &a->host.eng.st;
    const climon_config *cfg = &a->host.eng.cfg;
    wchar_t v[1024], fmt[256], t1[128], t2[AGENT_TEXT_MAX + 1];
    char c8[32], c9[32];
    HWND w = a->status;
    int row = 0;

    if (!w)
        return;
    todo_line(a, v, 1024);
    set_row(w, row++, v);
    u8(cfg->site_code, IDS_UNKNOWN, v, 1024);
    set_row(w, row++, v);
    u8(cfg->unique_id, IDS_UNKNOWN, v, 1024);
    set_row(w, row++, v);
    u8(cfg->logon_server, IDS_UNKNOWN, t2, AGENT_TEXT_MAX + 1);
    if (cfg->share[0])
        _snwprintf(v, 1024, L"%ls (%ls)", t2, cfg->share);
    else
        _snwprintf(v, 1024, L"%ls", t2);
    v[1023] = 0;
    set_row(w, row++, v);

    clv_format(&st->local, c8, sizeof c8);
    clv_format(&st->server, c9, sizeof c9);
    winstr_from_utf8(c8, t1, 128);
    winstr_from_utf8(c9, t2, AGENT_TEXT_MAX + 1);
    _snwprintf(v, 1024, res_string(IDS_VERSIONS_FMT, fmt, 256), t1, t2);
    v[1023] = 0;
    set_row(w, row++, v);

    if (st->last_pass) {
        wchar_t n[32];
        time_format_local(st->last_pass, t1, 128);
        lang_format_count(st->last_forwarded, n, 32);
        _snwprintf(v, 1024, res_plural(IDS_PASS_FILES_ONE, st->last_forwarded, fmt, 256), t1, n);
        v[1023] = 0;
        if (st->kept.n > 0) {
            /* Files delivered that could not be deleted (issue 17.6). */
            wchar_t pass[1024];
            wcscpy(pass, v);
            lang_format_count(st->kept.n, n, 32);
            _snwprintf(v, 1024, res_plural(IDS_PASS_KEPT_ONE, st->kept.n, fmt, 256), pass, n);
            v[1023] = 0;
        }
    } else {
        res_string(IDS_NEVER, v, 1024);
    }
    set_row(w, row++, v);

    if (st->phase == AGENT_PHASE_SETUP && a->host.eng.setup_started_at) {
        /* A run copying files over a slow link takes minutes: say since
         * when it runs and until when it may, so it does not look hung. */
        DWORD limit = cfg->setup_timeout_s ? cfg->setup_timeout_s : 600;
        time_format_local(a->host.eng.setup_started_at, t1, 128);
        time_format_local(a->host.eng.setup_started_at + limit, t2, AGENT_TEXT_MAX + 1);
        _snwprintf(v, 1024, res_string(IDS_SETUP_RUNNING_FMT, fmt, 256), t1, t2);
        v[1023] = 0;
    } else if (st->has_result && st->last_check) {
        time_format_local(st->last_check, t1, 128);
        res_string(st->last_result == CLV_SAME      ? IDS_RESULT_SAME
                   : st->last_result == CLV_DIFFERS ? IDS_RESULT_DIFFERS
                                                    : IDS_RESULT_UNKNOWN,
                   t2, AGENT_TEXT_MAX + 1);
        _snwprintf(v, 1024, res_string(IDS_CHECK_FMT, fmt, 256), t1, t2);
        v[1023] = 0;
    } else {
        res_string(IDS_NEVER, v, 1024);
    }
    set_row(w, row++, v);

    when_or(st->request_since, IDS_NONE, v, 1024);
    set_row(w, row++, v);

    if (st->pending != AGENT_PENDING_NONE) {
        time_format_local(st->pending_since, t1, 128);
        u8(st->components, IDS_PROMPT_NO_COMPONENTS, t2, AGENT_TEXT_MAX + 1);
        _snwprintf(
            v, 1024,
            res_string(st->pending == AGENT_PENDING_LOGOFF ? IDS_CHANGE_LOGOFF : IDS_CHANGE_RESTART,
                       fmt, 256),
            t1, t2);
        v[1023] = 0;
    } else {
        res_string(IDS_NONE, v, 1024);
    }
    set_row(w, row++, v);

    when_or(agent_countdown_due(st, &cfg->core), IDS_NONE, v, 1024);
    set_row(w, row++, v);

    if (st->pending == AGENT_PENDING_NONE) {
        res_string(IDS_NONE, v, 1024);
    } else if (agent_deferrals_left(st, &cfg->core) == AGENT_NO_LIMIT) {
        res_string(IDS_LEFT_NO_LIMIT, v, 1024);
    } else {
        _snwprintf(v, 1024, res_string(IDS_LEFT_FMT, fmt, 256),
                   (unsigned long)agent_deferrals_left(st, &cfg->core),
                   (unsigned long)cfg->core.max_deferrals);
        v[1023] = 0;
    }
    set_row(w, row++, v);

    when_or(st->pending != AGENT_PENDING_NONE ? st->deferred_until : 0, IDS_NOT_DEFERRED, v, 1024);
    set_row(w, row++, v);

    error_row(st, cfg, v, 1024);
    set_row(w, row++, v);

    /* Where the log really is (the configured path may have been refused). */
    if (a->log.path[0])
        set_row(w, row++, a->log.path);
    else
        set_row(w, row++, res_string(IDS_NO_LOG, v, 1024));
}

/* Where the notification icon is: the shell's answer, else the
 * notification area of the taskbar, else FALSE. */
static BOOL icon_rect(climon_app *a, RECT *r)
{
    NOTIFYICONIDENTIFIER nii;
    HWND tray, area;

    memset(&nii, 0, sizeof nii);
    nii.cbSize = sizeof nii;
    nii.hWnd = a->hwnd;
    nii.uID = 1;
    if (SUCCEEDED(Shell_NotifyIconGetRect(&nii, r)))
        return TRUE;
    tray = FindWindowW(L"Shell_TrayWnd", NULL);
    area = tray ? FindWindowExW(tray, NULL, L"TrayNotifyWnd", NULL) : NULL;
    return (area && GetWindowRect(area, r)) || (tray && GetWindowRect(tray, r));
}

/* Next to the notification icon, as Windows' own flyouts open: against the
 * taskbar's edge (the side of the work area the icon lies beyond), lined
 * up with the icon, inside the work area of the icon's monitor. Without
 * an icon rectangle (Wine's shell has none), the work area's corner at
 * the usual place of the notification area. CalculatePopupWindowPosition
 * would do it, but Wine does not implement it and a missing function must
 * never cost the agent. */
static void place_by_icon(climon_app *a)
{
    RECT icon, win, work;
    MONITORINFO mi;
    HMONITOR mon;
    int w, h, x, y;
    BOOL have = icon_rect(a, &icon);

    GetWindowRect(a->status, &win);
    w = win.right - win.left;
    h = win.bottom - win.top;
    mon = have ? MonitorFromRect(&icon, MONITOR_DEFAULTTOPRIMARY)
               : MonitorFromWindow(a->status, MONITOR_DEFAULTTOPRIMARY);
    memset(&mi, 0, sizeof mi);
    mi.cbSize = sizeof mi;
    if (mon && GetMonitorInfoW(mon, &mi))
        work = mi.rcWork;
    else if (!SystemParametersInfoW(SPI_GETWORKAREA, 0, &work, 0))
        SetRect(&work, 0, 0, GetSystemMetrics(SM_CXSCREEN), GetSystemMetrics(SM_CYSCREEN));
    if (!have)
        SetRect(&icon, work.right - 1, work.bottom, work.right, work.bottom + 1);
    if (icon.top >= work.bottom || (icon.bottom > work.bottom && icon.top >= work.top)) {
        x = icon.right - w; /* taskbar at the bottom (and the fallback) */
        y = work.bottom - h;
    } else if (icon.bottom <= work.top) {
        x = icon.right - w;
        y = work.top;
    } else if (icon.right <= work.left) {
        x = work.left;
        y = icon.bottom - h;
    } else {
        x = work.right - w;
        y = icon.bottom - h;
    }
    if (x + w > work.right)
        x = work.right - w;
    if (y + h > work.bottom)
        y = work.bottom - h;
    if (x < work.left)
        x = work.left;
    if (y < work.top)
        y = work.top;
    SetWindowPos(a->status, NULL, x, y, 0, 0, SWP_NOSIZE | SWP_NOZORDER | SWP_NOACTIVATE);
}

void statuswnd_open(climon_app *a)
{
    static BOOL registered;
    wchar_t title[128];

    if (a->status) {
        ShowWindow(a->status, SW_SHOWNORMAL);
        SetForegroundWindow(a->status);
        return;
    }
    comctl_load(); /* the first window with controls: v6 ones */
    if (!registered) {
        WNDCLASSEXW wc;
        memset(&wc, 0, sizeof wc);
        wc.cbSize = sizeof wc;
        wc.lpfnWndProc = StatusWndProc;
        wc.hInstance = a->hinst;
        wc.hIcon = LoadIconW(a->hinst, MAKEINTRESOURCEW(IDI_CLIMON));
        wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
        wc.hbrBackground = GetSysColorBrush(COLOR_WINDOW);
        wc.lpszClassName = CLIMON_STATUS_WNDCLASS;
        registered = RegisterClassExW(&wc) != 0;
        if (!registered)
            return;
    }
    a->status = CreateWindowExW(WS_EX_CONTROLPARENT, CLIMON_STATUS_WNDCLASS,
                                res_string(IDS_ST_TITLE, title, 128),
                                WS_OVERLAPPED | WS_CAPTION | WS_SYSMENU | WS_MINIMIZEBOX,
                                CW_USEDEFAULT, CW_USEDEFAULT, 400, 300, NULL, NULL, a->hinst, a);
    if (!a->status) {
        LOG_ERROR(&a->log, "cannot open the status window");
        return;
    }
    place_by_icon(a);
    statuswnd_update(a);
    /* The focus visible from the start: the window is often opened from
     * the keyboard (Win+B, Enter on the icon). */
    SendMessageW(a->status, WM_CHANGEUISTATE, MAKEWPARAM(UIS_CLEAR, UISF_HIDEFOCUS), 0);
    ShowWindow(a->status, SW_SHOWNORMAL);
    SetForegroundWindow(a->status);
    SetFocus(GetDlgItem(a->status, IDCANCEL));
    LOG_INFO(&a->log, "status window opened");
}

void statuswnd_close(climon_app *a)
{
    if (a->status)
        DestroyWindow(a->status);
    a->status = NULL;
}
