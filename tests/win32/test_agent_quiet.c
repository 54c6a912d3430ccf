/*
 * test_agent_quiet.c: a balloon in the user's quiet time (issue 14.3).
 * The shell drops a balloon sent with NIIF_RESPECT_QUIET_TIME while the
 * user is in quiet time; it does not queue it. The agent holds it, looks
 * again on the busy-user backoff and sends it when quiet time is over; a
 * balloon never stands alone (tray_balloon says FALSE, so the prompt's
 * dialog comes at once). Wine reports no quiet time: the mood is faked
 * (fake_notifystate.c); the icon and the balloon are the real shell's.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent_fixture.h"
#include "climon-rc.h"
#include "climon.h"
#include "fake_notifystate.h"

static fx_lab lab;
static climon_app *app;

static int log_has(const char *needle)
{
    char *log = fx_read_text(lab.log);
    int found = log && strstr(log, needle) != NULL;
    free(log);
    return found;
}

static int setup(void **state)
{
    WNDCLASSEXW wc;
    (void)state;
    if (fx_lab_make(&lab, "quiet", "1", "1"))
        return -1;
    app = calloc(1, sizeof *app);
    if (!app)
        return -1;
    app->hinst = GetModuleHandleW(NULL);
    logfile_open(&app->log, lab.log, "test", 0);
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = DefWindowProcW;
    wc.hInstance = app->hinst;
    wc.lpszClassName = L"Climon.QuietTest";
    RegisterClassExW(&wc);
    app->hwnd = CreateWindowExW(0, wc.lpszClassName, L"quiet", WS_OVERLAPPEDWINDOW, 0, 0, 10, 10,
                                NULL, NULL, app->hinst, NULL);
    if (!app->hwnd)
        return -1;
    tray_add(app);
    return app->icon_added ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tray_remove(app);
    DestroyWindow(app->hwnd);
    logfile_close(&app->log);
    free(app);
    fx_lab_remove(&lab);
    return 0;
}

static void test_balloon_in_quiet_time_is_held_and_sent_after(void **state)
{
    (void)state;
    fake_mood = NOTIFY_QUIET;
    /* Not shown: the caller goes on to the dialog at once. */
    assert_false(tray_balloon(app, IDS_BALLOON_PROMPT_TITLE, L"A restart is needed."));
    assert_true(app->held);
    assert_true(log_has("quiet time: the balloon is held"));
    /* Still quiet at the next look: still held, looked at later. */
    tray_on_quiet_timer(app);
    assert_true(app->held);
    assert_int_equal(app->held_looks, 2);
    assert_false(log_has("quiet time over"));
    /* Quiet time is over: the newest held balloon goes out. */
    fake_mood = NOTIFY_OK;
    tray_on_quiet_timer(app);
    assert_false(app->held);
    assert_true(log_has("quiet time over: the held balloon was shown"));
    /* Outside quiet time a balloon is sent at once. */
    assert_true(tray_balloon(app, IDS_BALLOON_PROMPT_TITLE, L"A restart is needed."));
    assert_false(app->held);
}

static void test_busy_user_is_what_the_prompt_waits_for(void **state)
{
    (void)state;
    fake_mood = NOTIFY_BUSY;
    assert_true(prompt_user_busy());
    fake_mood = NOTIFY_QUIET; /* quiet time holds balloons, not the dialog */
    assert_false(prompt_user_busy());
    fake_mood = NOTIFY_OK;
    assert_false(prompt_user_busy());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_balloon_in_quiet_time_is_held_and_sent_after),
        cmocka_unit_test(test_busy_user_is_what_the_prompt_waits_for),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
