/*
 * tray.c: the notification icon, its tooltip, balloons and menu.
 *
 * NOTIFYICON_VERSION_4: clicks arrive as NIN_SELECT / NIN_KEYSELECT /
 * WM_CONTEXTMENU with the position in wParam. A click is posted back to
 * the window so the menu or the status window runs outside the shell's
 * notification callback. At logon the agent may start before Explorer's
 * taskbar is ready: NIM_ADD is retried on a doubling timer (1 s up to
 * 60 s, at most TRAY_MAX_ATTEMPTS times), and TaskbarCreated adds it again
 * whenever Explorer (re)starts.
 */
#include "climon.h"

#include <commctrl.h>
#include <shellapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "climon-rc.h"
#include "climon/icondraw.h"

#define TRAY_UID 1
#define TRAY_RETRY_MAX_S 60u
#define TRAY_MAX_ATTEMPTS 20u

/* The state's icon at size x size px, drawn (icondraw.c) into a 32-bit
 * DIB: an icon of exactly the small-icon size of any DPI. The mask is set
 * where the icon is fully transparent, for whoever draws it without its
 * alpha. NULL when GDI has no memory for it. */
HICON tray_make_icon(agent_icon icon, int size)
{
    BITMAPINFO bi;
    ICONINFO ii;
    void *bits = NULL;
    BYTE *mask;
    HICON h = NULL;
    int stride = (size + 15) / 16 * 2; /* a monochrome bitmap's rows are WORD-aligned */

    if (size < ICONDRAW_MIN || size > ICONDRAW_MAX)
        return NULL;
    memset(&bi, 0, sizeof bi);
    bi.bmiHeader.biSize = sizeof bi.bmiHeader;
    bi.bmiHeader.biWidth = size;
    bi.bmiHeader.biHeight = -size; /* top-down, as icondraw_render writes */
    bi.bmiHeader.biPlanes = 1;
    bi.bmiHeader.biBitCount = 32;
    bi.bmiHeader.biCompression = BI_RGB;
    mask = calloc((size_t)stride, (size_t)size);
    memset(&ii, 0, sizeof ii);
    ii.fIcon = TRUE;
    ii.hbmColor = CreateDIBSection(NULL, &bi, DIB_RGB_COLORS, &bits, NULL, 0);
    if (mask && ii.hbmColor && icondraw_render(icon, size, bits) == 0) {
        const uint32_t *px = bits;

        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                if (!(px[y * size + x] >> 24))
                    mask[y * stride + x / 8] |= (BYTE)(0x80u >> (x % 8));
        ii.hbmMask = CreateBitmap(size, size, 1, 1, mask);
        if (ii.hbmMask)
            h = CreateIconIndirect(&ii);
    }
    if (ii.hbmMask)
        DeleteObject(ii.hbmMask);
    if (ii.hbmColor)
        DeleteObject(ii.hbmColor);
    free(mask);
    return h;
}

static UINT tip_id(const climon_app *a, agent_icon i)
{
    if (i == AGENT_ICON_ACTION_NEEDED && a->host.eng.st.pending == AGENT_PENDING_LOGOFF)
        return IDS_TIP_ACTION_LOGOFF;
    return IDS_TIP_FIRST + (UINT)i;
}

static void base(const climon_app *a, NOTIFYICONDATAW *nid)
{
    memset(nid, 0, sizeof *nid);
    nid->cbSize = sizeof *nid;
    nid->hWnd = a->hwnd;
    nid->uID = TRAY_UID;
}

/* The icon and tooltip for the current state. The caller destroys *icon. */
static void fill_state(const climon_app *a, NOTIFYICONDATAW *nid, HICON *icon)
{
    agent_icon i = agent_icon_of(&a->host.eng.st);

    /* The small icon's size at this DPI, as LoadIconMetric(LIM_SMALL)
     * gives, but from user32: comctl32 is not loaded at start (comctl.c). */
    *icon = tray_make_icon(i, GetSystemMetrics(SM_CXSMICON));
    nid->uFlags |= NIF_TIP | NIF_SHOWTIP;
    if (*icon) {
        nid->uFlags |= NIF_ICON;
        nid->hIcon = *icon;
    }
    res_string(tip_id(a, i), nid->szTip, (int)(sizeof nid->szTip / sizeof nid->szTip[0]));
}

unsigned tray_retry_delay_s(unsigned failures)
{
    if (failures == 0 || failures > TRAY_MAX_ATTEMPTS)
        return 0;
    return failures >= 7 ? TRAY_RETRY_MAX_S : 1u << (failures - 1);
}

void tray_add(climon_app *a)
{
    NOTIFYICONDATAW nid;
    HICON icon;
    unsigned delay;

    KillTimer(a->hwnd, TIMER_TRAY_RETRY);
    base(a, &nid);
    nid.uFlags = NIF_MESSAGE;
    nid.uCallbackMessage = WMAPP_NOTIFYCALLBACK;
    fill_state(a, &nid, &icon);
    if (Shell_NotifyIconW(NIM_ADD, &nid)) {
        nid.uVersion = NOTIFYICON_VERSION_4;
        Shell_NotifyIconW(NIM_SETVERSION, &nid);
        a->icon_added = TRUE;
        a->icon_adds++;
        a->tray_attempts = 0;
        a->icon_shown = agent_icon_of(&a->host.eng.st);
        a->icon_valid = TRUE;
        LOG_INFO(&a->log, "notification icon added (add %u): %s", a->icon_adds,
                 agent_icon_name(a->icon_shown));
    } else {
        a->tray_attempts++;
        delay = tray_retry_delay_s(a->tray_attempts);
        if (delay == 0) {
            LOG_WARN(&a->log, "the shell took no icon after %u tries: waiting for TaskbarCreated",
                     TRAY_MAX_ATTEMPTS);
        } else {
            LOG_INFO(&a->log, "the shell is not ready for the icon (try %u): again in %u s",
                     a->tray_attempts, delay);
            SetTimer(a->hwnd, TIMER_TRAY_RETRY, delay * 1000u, NULL);
        }
    }
    if (icon)
        DestroyIcon(icon);
}

void tray_on_retry_timer(climon_app *a)
{
    KillTimer(a->hwnd, TIMER_TRAY_RETRY);
    if (!a->icon_added)
        tray_add(a);
}

void tray_update(climon_app *a)
{
    NOTIFYICONDATAW nid;
    HICON icon;

    if (!a->icon_added)
        return;
    base(a, &nid);
    fill_state(a, &nid, &icon);
    if (Shell_NotifyIconW(NIM_MODIFY, &nid)) {
        agent_icon now = agent_icon_of(&a->host.eng.st);
        if (!a->icon_valid || now != a->icon_shown)
            LOG_INFO(&a->log, "icon: %s", agent_icon_name(now));
        a->icon_shown = now;
        a->icon_valid = TRUE;
    } else {
        /* Explorer lost it without telling: add it again. */
        a->icon_added = FALSE;
        tray_add(a);
    }
    if (icon)
        DestroyIcon(icon);
}

void tray_remove(climon_app *a)
{
    NOTIFYICONDATAW nid;
    if (!a->icon_added)
        return;
    base(a, &nid);
    Shell_NotifyIconW(NIM_DELETE, &nid);
    a->icon_added = FALSE;
}

static BOOL send_balloon(climon_app *a, UINT title_id, const wchar_t *text)
{
    NOTIFYICONDATAW nid;

    base(a, &nid);
    nid.uFlags = NIF_INFO;
    /* The shell holds the balloon while the user is in quiet time. */
    nid.dwInfoFlags = NIIF_INFO | NIIF_RESPECT_QUIET_TIME;
    res_string(title_id, nid.szInfoTitle,
               (int)(sizeof nid.szInfoTitle / sizeof nid.szInfoTitle[0]));
    wcsncpy(nid.szInfo, text, sizeof nid.szInfo / sizeof nid.szInfo[0] - 1);
    return Shell_NotifyIconW(NIM_MODIFY, &nid);
}

/* In quiet time (the first hour after a user's first logon) the shell
 * drops a balloon sent with NIIF_RESPECT_QUIET_TIME, it does not queue it:
 * the newest one is kept here and sent when quiet time is over, looked at
 * on the busy-user backoff (1 min doubling to 15). The caller never relies
 * on it: the prompt's dialog follows anyway. */
BOOL tray_balloon(climon_app *a, UINT title_id, const wchar_t *text)
{
    if (!a->icon_added)
        return FALSE;
    if (notify_mood_now() == NOTIFY_QUIET) {
        a->held_title = title_id;
        wcsncpy(a->held_text, text, sizeof a->held_text / sizeof a->held_text[0] - 1);
        a->held_text[sizeof a->held_text / sizeof a->held_text[0] - 1] = 0;
        if (!a->held) {
            a->held = TRUE;
            a->held_looks = 0;
            SetTimer(a->hwnd, TIMER_BALLOON_QUIET, prompt_quiet_delay_ms(++a->held_looks), NULL);
        }
        LOG_INFO(&a->log, "quiet time: the balloon is held until it is over");
        return FALSE;
    }
    return send_balloon(a, title_id, text);
}

void tray_on_quiet_timer(climon_app *a)
{
    KillTimer(a->hwnd, TIMER_BALLOON_QUIET);
    if (!a->held)
        return;
    if (notify_mood_now() == NOTIFY_QUIET) {
        SetTimer(a->hwnd, TIMER_BALLOON_QUIET, prompt_quiet_delay_ms(++a->held_looks), NULL);
        return;
    }
    a->held = FALSE;
    if (a->icon_added && send_balloon(a, a->held_title, a->held_text))
        LOG_INFO(&a->log, "quiet time over: the held balloon was shown");
}

void tray_on_notify(climon_app *a, WPARAM wp, LPARAM lp)
{
    switch (LOWORD(lp)) {
    case NIN_SELECT:
    case NIN_KEYSELECT:
        PostMessageW(a->hwnd, WMAPP_OPENSTATUS, 0, 0);
        break;
    case WM_CONTEXTMENU:
        /* wParam holds the anchor point, in screen coordinates. */
        PostMessageW(a->hwnd, WMAPP_SHOWMENU, wp, 0);
        break;
    case NIN_BALLOONUSERCLICK:
        /* The user clicked the prompt's balloon: the dialog now, but from
         * the message loop, not inside the shell's callback. */
        if (!a->prompt_open)
            SetTimer(a->hwnd, TIMER_PROMPT_DIALOG, USER_TIMER_MINIMUM, NULL);
        break;
    }
}

void tray_show_menu(climon_app *a, int x, int y)
{
    HMENU bar = res_menu(IDM_TRAY), menu;
    agent_pending p = a->host.eng.st.pending;
    UINT flags = TPM_RIGHTBUTTON;

    if (!bar)
        return;
    menu = GetSubMenu(bar, 0);
    if (p != AGENT_PENDING_RESTART)
        DeleteMenu(menu, IDM_RESTART_NOW, MF_BYCOMMAND);
    if (p != AGENT_PENDING_LOGOFF)
        DeleteMenu(menu, IDM_LOGOFF_NOW, MF_BYCOMMAND);
    if (p == AGENT_PENDING_NONE)
        DeleteMenu(menu, 2, MF_BYPOSITION); /* the separator before them */
    SetMenuDefaultItem(menu, IDM_STATUS, FALSE);
    flags |= GetSystemMetrics(SM_MENUDROPALIGNMENT) ? TPM_RIGHTALIGN : TPM_LEFTALIGN;
    /* Without this the menu does not close when the user clicks away. */
    SetForegroundWindow(a->hwnd);
    TrackPopupMenuEx(menu, flags, x, y, a->hwnd, NULL);
    PostMessageW(a->hwnd, WM_NULL, 0, 0);
    DestroyMenu(bar);
}
