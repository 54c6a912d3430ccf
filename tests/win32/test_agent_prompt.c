/*
 * test_agent_prompt.c: the manager's report reaches the user. The tray
 * agent runs under Wine with a restart hook; the test writes Reboot
 * Required and a Change Id under HKLM\...\Client Services as the manager
 * would, finds the Task Dialog the registry watch led to, and answers it
 * with the dialog's own messages (TDM_CLICK_BUTTON / _RADIO_BUTTON).
 * "Restart now" lands in the hook file; "Later (4 hours)" is remembered
 * across an agent restart, so no new prompt comes up.
 */
#include <windows.h>
#include <commctrl.h>

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

#define PROMPT_TITLE L"SMS Client Services Change Notification"
#define ID_ACT 100 /* prompt.c's button ids */
#define ID_LATER 101
#define ID_RADIO_4H 202

static fx_lab lab;
static HANDLE agent;

static int find_agent(void *arg)
{
    (void)arg;
    return FindWindowW(CLIMON_WNDCLASS, NULL) != NULL;
}

static int hook_says(const char *word)
{
    char *h = fx_read_text(lab.hook);
    int yes = h && strstr(h, word);
    free(h);
    return yes;
}

static int hook_restart(void *arg)
{
    (void)arg;
    return hook_says("restart");
}

static int hook_logoff(void *arg)
{
    (void)arg;
    return hook_says("logoff");
}

static unsigned long long state_value(const char *key)
{
    wchar_t p[FX_PATH];
    char *s, *at, k[64];
    unsigned long long v = 0;
    fx_join(p, lab.state_dir, L"state.ini");
    s = fx_read_text(p);
    if (!s)
        return 0;
    snprintf(k, sizeof k, "\n%s=", key);
    at = strstr(s, k);
    if (at)
        v = strtoull(at + strlen(k), NULL, 10);
    free(s);
    return v;
}

static int deferred(void *arg)
{
    (void)arg;
    return state_value("DeferredUntil") != 0;
}

static void start_agent(void)
{
    wchar_t sw[4096];
    fx_lab_switches(&lab, sw, 4096);
    agent = fx_start_climon(sw);
    assert_non_null(agent);
    assert_true(fx_wait_until(find_agent, NULL, 60000));
}

static void quit_agent(void)
{
    fx_quit_agent(&agent);
}

static int setup_one(void **state)
{
    (void)state;
    fx_client_services_clear();
    return fx_lab_make(&lab, "prompt", "835643765", "835643765");
}

static int teardown_one(void **state)
{
    (void)state;
    quit_agent();
    fx_client_services_clear();
    fx_lab_remove(&lab);
    return 0;
}

static void test_registry_change_prompts_and_restart_now_reaches_the_hook(void **state)
{
    fx_window s;
    (void)state;
    start_agent();
    s.pid = GetProcessId(agent);
    s.title = PROMPT_TITLE;
    /* Nothing reported: no prompt. */
    Sleep(2000);
    assert_false(fx_find_window(&s));
    fx_client_services_set(1, 0, 100, L"Inventory Agent 1.2.1, Remote Control 2.0");
    assert_true(fx_wait_until(fx_find_window, &s, 60000));
    assert_null(fx_read_text(lab.hook)); /* nothing happens until the user says so */
    SendMessageW(s.found, TDM_CLICK_BUTTON, ID_ACT, 0);
    assert_true(fx_wait_until(hook_restart, NULL, 15000));
    assert_false(hook_says("logoff"));
}

static void test_logoff_only_change_offers_log_off(void **state)
{
    fx_window s;
    (void)state;
    start_agent();
    s.pid = GetProcessId(agent);
    s.title = PROMPT_TITLE;
    fx_client_services_set(0, 1, 200, L"Remote Control 2.0");
    assert_true(fx_wait_until(fx_find_window, &s, 60000));
    SendMessageW(s.found, TDM_CLICK_BUTTON, ID_ACT, 0);
    assert_true(fx_wait_until(hook_logoff, NULL, 15000));
}

/* A prompt of the agent is up and one of its controls reads want. */
static BOOL prompt_has(fx_window *s, const wchar_t *want)
{
    return fx_find_window(s) && fx_window_has_text(s->found, want);
}

static int prompt_offers_restart(void *arg)
{
    return prompt_has(arg, L"Restart now");
}

/* Issue 17.2: the logoff dialog is up when the change becomes a restart.
 * The open dialog must follow the pending change: its "Log off now" would
 * answer for a change no longer pending, and the restart would never be
 * asked for. */
static void test_logoff_dialog_follows_the_change_becoming_a_restart(void **state)
{
    fx_window s;
    (void)state;
    start_agent();
    s.pid = GetProcessId(agent);
    s.title = PROMPT_TITLE;
    fx_client_services_set(0, 1, 2, L"Remote Control 2.0");
    assert_true(fx_wait_until(fx_find_window, &s, 60000));
    assert_true(prompt_has(&s, L"Log off now"));
    fx_client_services_set(1, 1, 3, L"Remote Control 2.0, Inventory Agent 1.2.1");
    assert_true(fx_wait_until(prompt_offers_restart, &s, 60000));
    assert_false(prompt_has(&s, L"Log off now"));
    assert_true(prompt_has(&s, L"Inventory Agent 1.2.1"));
    assert_null(fx_read_text(lab.hook));
    SendMessageW(s.found, TDM_CLICK_BUTTON, ID_ACT, 0);
    assert_true(fx_wait_until(hook_restart, NULL, 15000));
    assert_false(hook_says("logoff"));
}

static void test_later_4h_survives_an_agent_restart(void **state)
{
    fx_window s;
    unsigned long long until, now;
    FILETIME ft;
    ULARGE_INTEGER u;
    (void)state;
    start_agent();
    s.pid = GetProcessId(agent);
    s.title = PROMPT_TITLE;
    fx_client_services_set(1, 0, 300, L"Inventory Agent 1.2.1");
    assert_true(fx_wait_until(fx_find_window, &s, 60000));
    SendMessageW(s.found, TDM_CLICK_RADIO_BUTTON, ID_RADIO_4H, 0);
    SendMessageW(s.found, TDM_CLICK_BUTTON, ID_LATER, 0);
    assert_true(fx_wait_until(deferred, NULL, 15000));
    GetSystemTimeAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    now = u.QuadPart / 10000000ull - 11644473600ull;
    until = state_value("DeferredUntil");
    assert_true(until > now + 4 * 3600 - 120 && until <= now + 4 * 3600 + 5);
    assert_null(fx_read_text(lab.hook));
    quit_agent();

    start_agent();
    s.pid = GetProcessId(agent);
    s.title = PROMPT_TITLE;
    /* The report is read at start; give the prompt every chance to come. */
    Sleep(8000);
    assert_false(fx_find_window(&s));
    assert_int_equal(state_value("DeferredUntil"), until);
    assert_null(fx_read_text(lab.hook));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_registry_change_prompts_and_restart_now_reaches_the_hook, setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_logoff_only_change_offers_log_off, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_logoff_dialog_follows_the_change_becoming_a_restart,
                                        setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_later_4h_survives_an_agent_restart, setup_one,
                                        teardown_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
