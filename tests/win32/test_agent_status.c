/*
 * test_agent_status.c: the status window says what the agent is doing.
 * A Client Setup that copies files over a slow link runs for minutes: the
 * window must say since when it runs and until when it may, so a long run
 * does not look hung before its timeout (issue 11, item 4).
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

#include "agent_fixture.h"
#include "climon.h"

static fx_lab lab;
static HANDLE agent;

static int find_agent(void *arg)
{
    (void)arg;
    return FindWindowW(CLIMON_WNDCLASS, NULL) != NULL;
}

static int status_has(const wchar_t *want)
{
    HWND w = FindWindowW(CLIMON_STATUS_WNDCLASS, NULL);
    return w && IsWindowVisible(w) && fx_window_has_text(w, want);
}

static int status_running(void *arg)
{
    (void)arg;
    return status_has(L"Client Setup running since");
}

/* The window after the run: the running line gone, the result shown. The
 * agent takes Client Setup's exit some time after the record says done
 * (longer on a loaded machine), so this is waited for, not sampled. */
static int status_current(void *arg)
{
    (void)arg;
    return !status_has(L"Client Setup running since") && status_has(L"up to date");
}

static int setup_finished(void *arg)
{
    char *rec = fx_read_text(lab.record);
    int done = rec && strstr(rec, "done") != NULL;
    (void)arg;
    free(rec);
    return done;
}

static void test_long_client_setup_shows_since_when_and_until_when(void **state)
{
    wchar_t sw[4096], args[4200];
    char *out;
    DWORD code;
    (void)state;
    assert_int_equal(fx_lab_make(&lab, "status", "1", "2"), 0);
    fx_client_services_clear();
    SetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", L"25000");
    fx_lab_switches(&lab, sw, 4096);
    _snwprintf(args, 4200, L"%ls /setuptimeout:600", sw);
    args[4199] = 0;
    agent = fx_start_climon(args);
    assert_non_null(agent);
    assert_true(fx_wait_until(find_agent, NULL, 60000));
    /* A second start opens the first one's status window. */
    assert_true(fx_or_log(lab.log, fx_run_climon(sw, 30000, &out, &code) == 0));
    free(out);
    assert_true(fx_or_log(lab.log, fx_wait_until(status_running, NULL, 40000)));
    assert_true(fx_or_log(lab.log, status_has(L"given until")));
    /* When it ends (it wrote the server's version), the window says so. */
    assert_true(fx_or_log(lab.log, fx_wait_until(setup_finished, NULL, 60000)));
    assert_true(fx_or_log(lab.log, fx_wait_until(status_current, NULL, 30000)));
}

static int teardown(void **state)
{
    (void)state;
    SetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", NULL);
    fx_quit_agent(&agent);
    fx_client_services_clear();
    fx_lab_remove(&lab);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_long_client_setup_shows_since_when_and_until_when, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
