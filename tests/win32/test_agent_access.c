/*
 * test_agent_access.c: the status window for every user (issue 14.5):
 * the keyboard, screen readers' labels and a high-contrast theme, on the
 * real climon.exe under Wine.
 *
 * Keys go in through SendInput, the hardware input queue a keyboard
 * feeds, so they reach the window as a user's keys do (focus, the message
 * loop's IsDialogMessage), not as messages posted to one control. The
 * notification icon's keyboard path (Win+B, then Enter: NIN_KEYSELECT) is
 * Explorer's to start; Wine's shell has no keyboard focus in the
 * notification area, so the test sends the callback the shell would.
 * High contrast: the test sets the system colours a dark high-contrast
 * theme uses and reads the pixels the window drew.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>
#include <shellapi.h>

#include "agent_fixture.h"
#include "climon.h"

#define ID_VALUE_FIRST 300 /* statuswnd.c's control ids */
#define ID_LABEL_FIRST 400
#define ROWS 14
#define HC_WINDOW RGB(0, 0, 0) /* "High Contrast Black": black, yellow-white text */
#define HC_TEXT RGB(255, 255, 0)

static fx_lab lab;
static HANDLE agent;
static BOOL colours_changed;
static COLORREF saved_colours[2];
static const int colour_ids[2] = {COLOR_WINDOW, COLOR_WINDOWTEXT};

static int find_agent(void *arg)
{
    (void)arg;
    return FindWindowW(CLIMON_WNDCLASS, NULL) != NULL;
}

static HWND status_window(void)
{
    HWND w = FindWindowW(CLIMON_STATUS_WNDCLASS, NULL);
    return w && IsWindowVisible(w) ? w : NULL;
}

static int status_open(void *arg)
{
    (void)arg;
    return status_window() != NULL;
}

static int status_closed(void *arg)
{
    (void)arg;
    return status_window() == NULL;
}

static HWND focus_of(HWND w)
{
    GUITHREADINFO gti;
    memset(&gti, 0, sizeof gti);
    gti.cbSize = sizeof gti;
    if (!w || !GetGUIThreadInfo(GetWindowThreadProcessId(w, NULL), &gti))
        return NULL;
    return gti.hwndFocus;
}

static HWND want_focus;

static int focus_is(void *arg)
{
    (void)arg;
    return focus_of(status_window()) == want_focus;
}

static void key(WORD vk, BOOL alt)
{
    INPUT in[4];
    UINT n = 0;
    memset(in, 0, sizeof in);
    if (alt) {
        in[n].type = INPUT_KEYBOARD;
        in[n++].ki.wVk = VK_MENU;
    }
    in[n].type = INPUT_KEYBOARD;
    in[n++].ki.wVk = vk;
    in[n].type = INPUT_KEYBOARD;
    in[n].ki.wVk = vk;
    in[n++].ki.dwFlags = KEYEVENTF_KEYUP;
    if (alt) {
        in[n].type = INPUT_KEYBOARD;
        in[n].ki.wVk = VK_MENU;
        in[n++].ki.dwFlags = KEYEVENTF_KEYUP;
    }
    SendInput(n, in, sizeof in[0]);
}

static void class_of(HWND w, wchar_t *out)
{
    out[0] = 0;
    GetClassNameW(w, out, 64);
}

static void start_agent(const wchar_t *first)
{
    wchar_t sw[4096], args[4200];
    assert_int_equal(fx_lab_make(&lab, "access", "835643765", "835643765"), 0);
    fx_client_services_clear();
    fx_lab_switches(&lab, sw, 4096);
    _snwprintf(args, 4200, L"%ls %ls", first, sw);
    args[4199] = 0;
    agent = fx_start_climon(args);
    assert_non_null(agent);
    assert_true(fx_wait_until(find_agent, NULL, 60000));
}

static void test_enter_on_the_icon_opens_the_status_window(void **state)
{
    HWND hidden;
    (void)state;
    start_agent(L"");
    hidden = FindWindowW(CLIMON_WNDCLASS, NULL);
    assert_false(status_open(NULL));
    /* What the shell sends (NOTIFYICON_VERSION_4) for Enter or Space on
     * the focused icon: the anchor in wParam, NIN_KEYSELECT and the id. */
    PostMessageW(hidden, WMAPP_NOTIFYCALLBACK, MAKEWPARAM(1000, 740), MAKELPARAM(NIN_KEYSELECT, 1));
    assert_true(fx_wait_until(status_open, NULL, 15000));
}

static void test_every_field_is_a_labelled_control_tab_reaches(void **state)
{
    HWND w;
    wchar_t cls[64], text[128];
    (void)state;
    start_agent(L"/status");
    assert_true(fx_wait_until(status_open, NULL, 30000));
    w = status_window();
    for (int i = 0; i < ROWS; i++) {
        HWND v = GetDlgItem(w, ID_VALUE_FIRST + i);
        HWND label = GetWindow(v, GW_HWNDPREV);
        LONG style = GetWindowLongW(v, GWL_STYLE);
        assert_non_null(v);
        /* A read-only edit: focusable, its text selectable and readable. */
        class_of(v, cls);
        assert_true(_wcsicmp(cls, L"Edit") == 0);
        assert_true(style & WS_TABSTOP);
        assert_true(style & ES_READONLY);
        /* Right before it: its label, which screen readers take as its name. */
        assert_true(label == GetDlgItem(w, ID_LABEL_FIRST + i));
        class_of(label, cls);
        assert_true(_wcsicmp(cls, L"Static") == 0);
        assert_true(GetWindowTextW(label, text, 128) > 0);
    }
}

static void test_keyboard_alone_moves_through_the_window_and_closes_it(void **state)
{
    HWND w, close;
    (void)state;
    start_agent(L"/status");
    assert_true(fx_wait_until(status_open, NULL, 30000));
    w = status_window();
    close = GetDlgItem(w, IDCANCEL);
    SetForegroundWindow(w);
    /* It opens with the focus on Close, the default button. */
    want_focus = close;
    assert_true(fx_wait_until(focus_is, NULL, 10000));
    assert_true(SendMessageW(close, BM_GETSTATE, 0, 0) & BST_FOCUS ||
                (GetWindowLongW(close, GWL_STYLE) & BS_DEFPUSHBUTTON));
    /* Tab goes round to the first field ("What to do"), then the next. */
    key(VK_TAB, FALSE);
    want_focus = GetDlgItem(w, ID_VALUE_FIRST);
    assert_true(fx_wait_until(focus_is, NULL, 10000));
    key(VK_TAB, FALSE);
    want_focus = GetDlgItem(w, ID_VALUE_FIRST + 1);
    assert_true(fx_wait_until(focus_is, NULL, 10000));
    /* Shift+Tab is not needed to reach the buttons: their access keys.
     * Alt+O is Open log, Alt+H Check now; Alt+C is Close. */
    key('C', TRUE);
    assert_true(fx_wait_until(status_closed, NULL, 10000));
}

static void test_enter_in_a_field_is_the_default_button(void **state)
{
    HWND w;
    (void)state;
    start_agent(L"/status");
    assert_true(fx_wait_until(status_open, NULL, 30000));
    w = status_window();
    SetForegroundWindow(w);
    want_focus = GetDlgItem(w, IDCANCEL);
    assert_true(fx_wait_until(focus_is, NULL, 10000));
    key(VK_TAB, FALSE);
    want_focus = GetDlgItem(w, ID_VALUE_FIRST);
    assert_true(fx_wait_until(focus_is, NULL, 10000));
    key(VK_RETURN, FALSE);
    assert_true(fx_wait_until(status_closed, NULL, 10000));
}

/* Pixels of r on the screen: how many are the high-contrast text colour
 * (give or take anti-aliasing), and whether the corner is the window's. */
static void scan(const RECT *r, unsigned *text_px, BOOL *corner_is_window)
{
    HDC dc = GetDC(NULL);
    COLORREF c = GetPixel(dc, r->left + 1, r->top + 1);
    *corner_is_window = c == HC_WINDOW;
    *text_px = 0;
    for (int y = r->top; y < r->bottom; y++)
        for (int x = r->left; x < r->right; x++) {
            c = GetPixel(dc, x, y);
            if (GetRValue(c) > 200 && GetGValue(c) > 200 && GetBValue(c) < 90)
                (*text_px)++;
        }
    ReleaseDC(NULL, dc);
}

static void test_a_high_contrast_theme_draws_text_in_its_own_colours(void **state)
{
    COLORREF hc[2] = {HC_WINDOW, HC_TEXT};
    unsigned label_px, value_px;
    BOOL label_bg, value_bg;
    RECT r;
    HWND w;
    (void)state;
    for (int i = 0; i < 2; i++)
        saved_colours[i] = GetSysColor(colour_ids[i]);
    assert_true(SetSysColors(2, colour_ids, hc));
    colours_changed = TRUE;
    start_agent(L"/status");
    assert_true(fx_wait_until(status_open, NULL, 30000));
    w = status_window();
    SetWindowPos(w, HWND_TOPMOST, 0, 0, 0, 0, SWP_NOMOVE | SWP_NOSIZE);
    Sleep(1500); /* drawn */
    GetWindowRect(GetDlgItem(w, ID_LABEL_FIRST), &r);
    scan(&r, &label_px, &label_bg);
    GetWindowRect(GetDlgItem(w, ID_VALUE_FIRST), &r);
    scan(&r, &value_px, &value_bg);
    print_message("label: %u text pixels, corner %s; value: %u, corner %s\n", label_px,
                  label_bg ? "window" : "other", value_px, value_bg ? "window" : "other");
    assert_true(label_bg);
    assert_true(value_bg);
    assert_true(label_px > 10);
    assert_true(value_px > 10);
}

static int teardown(void **state)
{
    (void)state;
    if (colours_changed) {
        SetSysColors(2, colour_ids, saved_colours);
        colours_changed = FALSE;
    }
    fx_quit_agent(&agent);
    fx_client_services_clear();
    fx_lab_remove(&lab);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_enter_on_the_icon_opens_the_status_window, teardown),
        cmocka_unit_test_teardown(test_every_field_is_a_labelled_control_tab_reaches, teardown),
        cmocka_unit_test_teardown(test_keyboard_alone_moves_through_the_window_and_closes_it,
                                  teardown),
        cmocka_unit_test_teardown(test_enter_in_a_field_is_the_default_button, teardown),
        cmocka_unit_test_teardown(test_a_high_contrast_theme_draws_text_in_its_own_colours,
                                  teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
