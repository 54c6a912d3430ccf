/*
 * prompt.c: asks the user to restart (or log off) for a change the
 * manager made, and carries out the answer.
 *
 * Only on AGENT_ACT_PROMPT: the core decides when. While the user is
 * presenting or in a full-screen program the prompt waits (1 min,
 * doubling, at most 15 min between looks). Then a balloon, and a few
 * seconds later (or when the balloon is clicked) a Task Dialog with
 * "Restart now" / "Log off now" and "Later" with the deferrals the core
 * allows. "Later" is the default button: Enter or a stray click never
 * restarts anyone's computer. The dialog never takes the focus from
 * another program: it comes up behind, without activation, and flashes.
 * The answer goes to the core; restart.c carries out what it decides.
 */
#include "climon.h"

#include <commctrl.h>
#include <shellapi.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon-rc.h"
#include "winstr.h"

#define QUIET_FIRST_MS (60u * 1000u)
#define QUIET_MAX_MS (15u * 60u * 1000u)
#define DIALOG_AFTER_BALLOON_MS 3000u

enum { ID_PROMPT_ACT = 100, ID_PROMPT_LATER = 101 };
enum { ID_RADIO_1H = 201, ID_RADIO_4H = 202, ID_RADIO_TOMORROW = 203 };

unsigned prompt_quiet_delay_ms(unsigned n)
{
    unsigned d = QUIET_FIRST_MS;
    for (unsigned i = 1; i < n && d < QUIET_MAX_MS; i++)
        d *= 2;
    return d > QUIET_MAX_MS ? QUIET_MAX_MS : d;
}

BOOL prompt_user_busy(void)
{
    return notify_mood_now() == NOTIFY_BUSY;
}

typedef struct dialog_ctx {
    climon_app *a;
    HWND foreground; /* another program's window that had the focus, or NULL */
} dialog_ctx;

static HRESULT CALLBACK PromptDialogProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp, LONG_PTR ref)
{
    dialog_ctx *ctx = (dialog_ctx *)ref;
    (void)wp;
    (void)lp;
    switch (msg) {
    case TDN_CREATED:
        ctx->a->prompt_hwnd = hwnd;
        if (ctx->a->prompt_superseded) {
            /* A newer prompt came while this one was being made. */
            PostMessageW(hwnd, TDM_CLICK_BUTTON, IDCANCEL, 0);
            break;
        }
        if (ctx->foreground) {
            FLASHWINFO fi = {sizeof fi, hwnd, FLASHW_ALL | FLASHW_TIMERNOFG, 0, 0};
            /* Behind the user's program, not over it, and not active. */
            SetWindowPos(hwnd, ctx->foreground, 0, 0, 0, 0,
                         SWP_NOMOVE | SWP_NOSIZE | SWP_NOACTIVATE | SWP_SHOWWINDOW);
            if (GetForegroundWindow() == hwnd && IsWindow(ctx->foreground))
                SetForegroundWindow(ctx->foreground);
            FlashWindowEx(&fi);
        }
        break;
    case TDN_DESTROYED:
        ctx->a->prompt_hwnd = NULL;
        break;
    }
    return S_OK;
}

static HWND other_foreground(void)
{
    HWND fg = GetForegroundWindow();
    DWORD pid = 0;
    if (!fg)
        return NULL;
    GetWindowThreadProcessId(fg, &pid);
    return pid != GetCurrentProcessId() ? fg : NULL;
}

void prompt_footer(const agent_action *req, uint32_t max_deferrals, unsigned others, wchar_t *out,
                   size_t cap)
{
    /* What is left of the ladder (the user plans by it), and who else a
     * restart ends the session of. */
    wchar_t part[256], fmt[256], when_text[128], n[32];
    uint32_t left = req->deferrals_left;

    out[0] = 0;
    if (left != AGENT_NO_LIMIT && max_deferrals != 0) {
        if (left == 1)
            res_string(IDS_PROMPT_LEFT_ONE, part, 256);
        else
            _snwprintf(part, 256, res_string(IDS_PROMPT_LEFT_FMT, fmt, 256), (unsigned long)left,
                       (unsigned long)max_deferrals);
        part[255] = 0;
        wcsncat(out, part, cap - 1 - wcslen(out));
    }
    if (req->deadline) {
        time_format_local(req->deadline, when_text, 128);
        _snwprintf(part, 256, res_string(IDS_PROMPT_DEADLINE_FMT, fmt, 256), when_text);
        part[255] = 0;
        if (out[0])
            wcsncat(out, L" ", cap - 1 - wcslen(out));
        wcsncat(out, part, cap - 1 - wcslen(out));
    }
    if (others) {
        lang_format_count(others, n, 32);
        _snwprintf(part, 256, res_plural(IDS_PROMPT_OTHERS_ONE, others, fmt, 256), n);
        part[255] = 0;
        if (out[0])
            wcsncat(out, L" ", cap - 1 - wcslen(out));
        wcsncat(out, part, cap - 1 - wcslen(out));
    }
}

/* Shows the prompt the engine last asked for; FALSE when a newer prompt
 * replaced it while it was up (nothing was answered: show that one). */
static BOOL show_dialog(climon_app *a)
{
    engine *e = &a->host.eng;
    BOOL logoff = a->prompt_req.pending == AGENT_PENDING_LOGOFF;
    uint32_t seq = a->prompt_req.seq;
    wchar_t title[128], main_text[256], fmt[512], comps[AGENT_TEXT_MAX + 1], content[1024];
    wchar_t act[64], later[64], r1[64], r4[64], rt[64], footer[512];
    TASKDIALOG_BUTTON buttons[2];
    TASKDIALOG_BUTTON radios[3];
    TASKDIALOGCONFIG tdc;
    dialog_ctx ctx;
    UINT nradio = 0;
    int button = 0, radio = 0;
    agent_event ev;
    HRESULT hr;

    res_string(IDS_PROMPT_TITLE, title, 128);
    res_string(logoff ? IDS_PROMPT_MAIN_LOGOFF : IDS_PROMPT_MAIN_RESTART, main_text, 256);
    if (winstr_from_utf8(a->prompt_req.text, comps, AGENT_TEXT_MAX + 1) && comps[0]) {
        res_string(logoff ? IDS_PROMPT_CONTENT_LOGOFF : IDS_PROMPT_CONTENT_RESTART, fmt, 512);
        _snwprintf(content, 1024, fmt, comps);
        content[1023] = 0;
    } else {
        /* A real SMS 1.2 site names no components: say it plainly. */
        res_string(logoff ? IDS_PROMPT_PLAIN_LOGOFF : IDS_PROMPT_PLAIN_RESTART, content, 1024);
    }
    res_string(logoff ? IDS_PROMPT_LOGOFF_NOW : IDS_PROMPT_RESTART_NOW, act, 64);
    res_string(IDS_PROMPT_LATER, later, 64);
    buttons[0].nButtonID = ID_PROMPT_ACT;
    buttons[0].pszButtonText = act;
    buttons[1].nButtonID = ID_PROMPT_LATER;
    buttons[1].pszButtonText = later;
    if (a->prompt_req.choices & AGENT_CHOICE_1H) {
        radios[nradio].nButtonID = ID_RADIO_1H;
        radios[nradio++].pszButtonText = res_string(IDS_PROMPT_1H, r1, 64);
    }
    if (a->prompt_req.choices & AGENT_CHOICE_4H) {
        radios[nradio].nButtonID = ID_RADIO_4H;
        radios[nradio++].pszButtonText = res_string(IDS_PROMPT_4H, r4, 64);
    }
    if (a->prompt_req.choices & AGENT_CHOICE_TOMORROW) {
        radios[nradio].nButtonID = ID_RADIO_TOMORROW;
        radios[nradio++].pszButtonText = res_string(IDS_PROMPT_TOMORROW, rt, 64);
    }

    memset(&tdc, 0, sizeof tdc);
    tdc.cbSize = sizeof tdc;
    tdc.hInstance = a->hinst;
    tdc.dwFlags = TDF_ALLOW_DIALOG_CANCELLATION | TDF_POSITION_RELATIVE_TO_WINDOW;
    tdc.pszWindowTitle = title;
    tdc.pszMainIcon = TD_WARNING_ICON;
    tdc.pszMainInstruction = main_text;
    tdc.pszContent = content;
    tdc.cButtons = 2;
    tdc.pButtons = buttons;
    tdc.nDefaultButton = ID_PROMPT_LATER; /* the safe one */
    tdc.cRadioButtons = nradio;
    tdc.pRadioButtons = nradio ? radios : NULL;
    tdc.nDefaultRadioButton = nradio ? radios[0].nButtonID : 0;
    prompt_footer(&a->prompt_req, e->cfg.core.max_deferrals,
                  logoff ? 0 : sessions_other_users(a->host.own.session), footer, 512);
    if (footer[0]) {
        tdc.pszFooter = footer;
        tdc.pszFooterIcon = TD_INFORMATION_ICON;
    }
    tdc.pfCallback = PromptDialogProc;
    ctx.a = a;
    ctx.foreground = other_foreground();
    tdc.lpCallbackData = (LONG_PTR)&ctx;

    LOG_INFO(&a->log, "showing the %s prompt %lu (deferrals 0x%x)%s", logoff ? "logoff" : "restart",
             (unsigned long)seq, a->prompt_req.choices,
             ctx.foreground ? " behind the active program" : "");
    a->prompt_open = TRUE;
    a->prompt_open_seq = seq;
    a->prompt_superseded = FALSE;
    hr = comctl_task_dialog(&tdc, &button, &radio);
    a->prompt_open = FALSE;
    a->prompt_hwnd = NULL;
    if (a->prompt_superseded && a->prompt_req.seq != seq) {
        a->prompt_superseded = FALSE;
        LOG_INFO(&a->log, "prompt %lu was replaced by prompt %lu while it was up",
                 (unsigned long)seq, (unsigned long)a->prompt_req.seq);
        return FALSE;
    }
    a->prompt_superseded = FALSE;

    engine_event_init(&ev, AGENT_EV_USER_CHOICE);
    ev.prompt_seq = seq;
    if (FAILED(hr)) {
        LOG_ERROR(&a->log, "the prompt could not be shown (0x%08lx): as Later (1 hour)",
                  (unsigned long)hr);
        ev.choice = AGENT_USER_DISMISSED;
    } else if (button == ID_PROMPT_ACT) {
        ev.choice = logoff ? AGENT_USER_LOGOFF_NOW : AGENT_USER_RESTART_NOW;
    } else if (button == ID_PROMPT_LATER) {
        ev.choice = radio == ID_RADIO_4H         ? AGENT_USER_LATER_4H
                    : radio == ID_RADIO_TOMORROW ? AGENT_USER_LATER_TOMORROW
                                                 : AGENT_USER_LATER_1H;
    } else {
        ev.choice = AGENT_USER_DISMISSED;
    }
    LOG_INFO(&a->log, "prompt %lu answered: button %d, radio %d", (unsigned long)seq, button,
             radio);
    engine_feed(e, &ev);
    return TRUE;
}

void prompt_begin(climon_app *a)
{
    UINT balloon;
    wchar_t text[256];
    unsigned delay;

    if (a->prompt_open && a->prompt_open_seq == a->prompt_req.seq) {
        LOG_INFO(&a->log, "prompt %lu is already open", (unsigned long)a->prompt_req.seq);
        return;
    }
    if (a->prompt_open) {
        /* The pending change moved on (a logoff became a restart, another
         * change came): the open dialog would answer for the old one. Close
         * it; show_dialog then shows the new one. */
        LOG_INFO(&a->log, "a prompt is open for an older change: replacing it with prompt %lu",
                 (unsigned long)a->prompt_req.seq);
        a->prompt_superseded = TRUE;
        if (a->prompt_hwnd)
            PostMessageW(a->prompt_hwnd, TDM_CLICK_BUTTON, IDCANCEL, 0);
        return;
    }
    KillTimer(a->hwnd, TIMER_PROMPT_QUIET);
    if (prompt_user_busy()) {
        delay = prompt_quiet_delay_ms(++a->quiet_retries);
        LOG_INFO(&a->log, "the user is busy (presentation or full screen): prompt in %u min",
                 delay / 60000u);
        SetTimer(a->hwnd, TIMER_PROMPT_QUIET, delay, NULL);
        return;
    }
    a->quiet_retries = 0;
    balloon = a->prompt_req.pending == AGENT_PENDING_LOGOFF ? IDS_BALLOON_PROMPT_LOGOFF
                                                            : IDS_BALLOON_PROMPT_RESTART;
    a->prompt_due = TRUE;
    if (tray_balloon(a, IDS_BALLOON_PROMPT_TITLE, res_string(balloon, text, 256)))
        SetTimer(a->hwnd, TIMER_PROMPT_DIALOG, DIALOG_AFTER_BALLOON_MS, NULL);
    else
        prompt_on_dialog_timer(a);
}

void prompt_on_quiet_timer(climon_app *a)
{
    KillTimer(a->hwnd, TIMER_PROMPT_QUIET);
    /* Still wanted? The change may have been done or cleared meanwhile. */
    if (a->host.eng.st.pending != AGENT_PENDING_NONE)
        prompt_begin(a);
}

void prompt_on_dialog_timer(climon_app *a)
{
    KillTimer(a->hwnd, TIMER_PROMPT_DIALOG);
    /* Only the prompt's own balloon leads here: not the announcement's. */
    if (!a->prompt_due || a->prompt_open || a->host.eng.st.pending == AGENT_PENDING_NONE)
        return;
    a->prompt_due = FALSE;
    /* Bounded: each round is a newer prompt the core asked for. */
    for (int round = 0; round < 8 && !show_dialog(a); round++)
        if (a->host.eng.st.pending == AGENT_PENDING_NONE)
            break;
}
