/*
 * test_agent_tray.c: the running tray agent under Wine (needs an X
 * display: ctest runs under xvfb-run). Its notification icon is there and
 * comes back after Explorer's TaskbarCreated; one agent per session, a
 * second start opens the first one's status window, Esc closes it, /quit
 * ends it; a .RAW written to the watched folder reaches the server's box;
 * it never vetoes the end of the session and saves its state then. Each
 * state's icon is drawn at the small-icon size of any DPI.
 *
 * Whether the icon exists is asked of the shell itself: NIM_MODIFY on the
 * agent's window and icon id succeeds only while the icon is there.
 */
#include <windows.h>
#include <shellapi.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "agent_fixture.h"
#include "climon.h"
#include "climon/icondraw.h"

static fx_lab lab;
static HANDLE agent;

static int find_agent(void *arg)
{
    (void)arg;
    return FindWindowW(CLIMON_WNDCLASS, NULL) != NULL;
}

static int log_has(const char *needle)
{
    char *log = fx_read_text(lab.log);
    int found = log && strstr(log, needle) != NULL;
    free(log);
    return found;
}

static int first_icon_logged(void *arg)
{
    (void)arg;
    return log_has("notification icon added (add 1)");
}

/* The start's pass and report are done: nothing else touches the icon. */
static int agent_idle(void *arg)
{
    (void)arg;
    return log_has(": up to date") && log_has("manager reports no restart or logoff");
}

static int icon_present(void)
{
    NOTIFYICONDATAW nid;
    memset(&nid, 0, sizeof nid);
    nid.cbSize = sizeof nid;
    nid.hWnd = FindWindowW(CLIMON_WNDCLASS, NULL);
    nid.uID = 1;
    nid.uFlags = NIF_TIP;
    wcscpy(nid.szTip, L"Climon (test probe)");
    return nid.hWnd && Shell_NotifyIconW(NIM_MODIFY, &nid);
}

static int icon_present_pred(void *arg)
{
    (void)arg;
    return icon_present();
}

static int status_open(void *arg)
{
    HWND w = FindWindowW(CLIMON_STATUS_WNDCLASS, NULL);
    (void)arg;
    return w && IsWindowVisible(w);
}

static int status_closed(void *arg)
{
    return !status_open(arg);
}

static int setup(void **state)
{
    wchar_t sw[4096];
    (void)state;
    if (fx_lab_make(&lab, "tray", "835643765", "835643765"))
        return -1;
    fx_client_services_clear();
    fx_lab_switches(&lab, sw, 4096);
    agent = fx_start_climon(sw);
    if (!agent || !fx_wait_until(find_agent, NULL, 60000))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    char *out;
    DWORD code;
    (void)state;
    if (agent) {
        fx_run_climon(L"/quit", 30000, &out, &code);
        free(out);
        if (WaitForSingleObject(agent, 15000) != WAIT_OBJECT_0)
            TerminateProcess(agent, 1);
        CloseHandle(agent);
    }
    fx_lab_remove(&lab);
    return 0;
}

static void test_icon_is_added_at_start(void **state)
{
    (void)state;
    assert_true(fx_wait_until(first_icon_logged, NULL, 30000));
    assert_true(fx_wait_until(icon_present_pred, NULL, 10000));
    assert_true(fx_wait_until(agent_idle, NULL, 30000));
}

static void test_icon_comes_back_after_taskbar_created(void **state)
{
    NOTIFYICONDATAW nid;
    HWND w = FindWindowW(CLIMON_WNDCLASS, NULL);
    (void)state;
    assert_non_null(w);
    /* Explorer restarting loses every icon: take ours away as it would. */
    memset(&nid, 0, sizeof nid);
    nid.cbSize = sizeof nid;
    nid.hWnd = w;
    nid.uID = 1;
    assert_true(Shell_NotifyIconW(NIM_DELETE, &nid));
    assert_false(icon_present());
    SendMessageW(w, RegisterWindowMessageW(L"TaskbarCreated"), 0, 0);
    assert_true(fx_wait_until(icon_present_pred, NULL, 10000));
    assert_true(log_has("the taskbar was (re)created"));
}

static void test_second_start_opens_the_status_of_the_first(void **state)
{
    wchar_t sw[4096];
    char *out;
    DWORD code;
    (void)state;
    assert_false(status_open(NULL));
    fx_lab_switches(&lab, sw, 4096);
    assert_int_equal(fx_run_climon(sw, 30000, &out, &code), 0);
    free(out);
    assert_int_equal(code, 0);
    assert_int_equal(WaitForSingleObject(agent, 0), WAIT_TIMEOUT); /* the first one runs on */
    assert_true(fx_wait_until(status_open, NULL, 10000));
}

static void test_escape_closes_the_status_window(void **state)
{
    HWND w = FindWindowW(CLIMON_STATUS_WNDCLASS, NULL);
    (void)state;
    assert_non_null(w);
    PostMessageW(w, WM_KEYDOWN, VK_ESCAPE, 0);
    assert_true(fx_wait_until(status_closed, NULL, 10000));
}

static void test_raw_written_to_the_watched_folder_reaches_the_box(void **state)
{
    wchar_t p[FX_PATH];
    ULONGLONG end = GetTickCount64() + 30000;
    (void)state;
    fx_join(p, lab.invdata, L"LIVE0001.RAW");
    assert_int_equal(fx_write_text(p, "inventory written while the agent runs"), 0);
    while (fx_count(lab.inv_box, L"*.RAW") == 0 && GetTickCount64() < end)
        Sleep(200);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 0);
}

static void test_end_of_session_is_never_vetoed_and_state_is_saved(void **state)
{
    HWND w = FindWindowW(CLIMON_WNDCLASS, NULL);
    wchar_t st[FX_PATH];
    DWORD_PTR result = 0;
    (void)state;
    fx_join(st, lab.state_dir, L"state.ini");
    DeleteFileW(st);
    assert_true(SendMessageTimeoutW(w, WM_QUERYENDSESSION, 0, ENDSESSION_LOGOFF, SMTO_BLOCK, 10000,
                                    &result));
    assert_int_equal(result, TRUE);
    assert_true(
        SendMessageTimeoutW(w, WM_ENDSESSION, TRUE, ENDSESSION_LOGOFF, SMTO_BLOCK, 10000, &result));
    assert_true(GetFileAttributesW(st) != INVALID_FILE_ATTRIBUTES);
}

static void test_quit_ends_the_agent_and_removes_the_icon(void **state)
{
    char *out;
    DWORD code;
    (void)state;
    assert_int_equal(fx_run_climon(L"/quit", 30000, &out, &code), 0);
    free(out);
    assert_int_equal(WaitForSingleObject(agent, 15000), WAIT_OBJECT_0);
    CloseHandle(agent);
    agent = NULL;
    assert_false(icon_present());
    assert_true(log_has("Climon exits"));
}

/* The icon as Windows holds it: its size, and the pixel the core drew
 * inside the disc (opaque, the state's colour) and in the corner (clear). */
static void assert_icon_drawn(HICON h, agent_icon state_icon, int size)
{
    ICONINFO ii;
    BITMAP bm;
    BITMAPINFO bi;
    uint32_t *px = malloc(sizeof *px * (size_t)size * (size_t)size);
    HDC dc = GetDC(NULL);

    assert_non_null(px);
    assert_true(GetIconInfo(h, &ii));
    assert_true(ii.fIcon);
    assert_non_null(ii.hbmColor);
    assert_int_equal(GetObjectW(ii.hbmColor, sizeof bm, &bm), sizeof bm);
    assert_int_equal(bm.bmWidth, size);
    assert_int_equal(bm.bmHeight, size);
    memset(&bi, 0, sizeof bi);
    bi.bmiHeader.biSize = sizeof bi.bmiHeader;
    bi.bmiHeader.biWidth = size;
    bi.bmiHeader.biHeight = -size;
    bi.bmiHeader.biPlanes = 1;
    bi.bmiHeader.biBitCount = 32;
    bi.bmiHeader.biCompression = BI_RGB;
    assert_int_equal(GetDIBits(dc, ii.hbmColor, 0, (UINT)size, px, &bi, DIB_RGB_COLORS), size);
    assert_int_equal(px[(size / 2) * size + size * 40 / 256],
                     0xff000000u | icondraw_colour(state_icon));
    assert_int_equal(px[0] >> 24, 0);
    ReleaseDC(NULL, dc);
    DeleteObject(ii.hbmColor);
    DeleteObject(ii.hbmMask);
    free(px);
}

static void test_every_state_icon_is_drawn_at_the_small_icon_size_of_any_dpi(void **state)
{
    /* 100, 125, 150, 175, 200, 250, 300 and 400 %. */
    static const int sizes[] = {16, 20, 24, 28, 32, 40, 48, 64};
    (void)state;
    for (int i = AGENT_ICON_UP_TO_DATE; i <= AGENT_ICON_ERROR; i++) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            HICON h = tray_make_icon((agent_icon)i, sizes[k]);
            assert_non_null(h);
            assert_icon_drawn(h, (agent_icon)i, sizes[k]);
            assert_true(DestroyIcon(h));
        }
    }
    assert_null(tray_make_icon(AGENT_ICON_ERROR, 4));
    assert_null(tray_make_icon(AGENT_ICON_ERROR, 1000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_state_icon_is_drawn_at_the_small_icon_size_of_any_dpi),
        cmocka_unit_test(test_icon_is_added_at_start),
        cmocka_unit_test(test_icon_comes_back_after_taskbar_created),
        cmocka_unit_test(test_second_start_opens_the_status_of_the_first),
        cmocka_unit_test(test_escape_closes_the_status_window),
        cmocka_unit_test(test_raw_written_to_the_watched_folder_reaches_the_box),
        cmocka_unit_test(test_end_of_session_is_never_vetoed_and_state_is_saved),
        cmocka_unit_test(test_quit_ends_the_agent_and_removes_the_icon),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
