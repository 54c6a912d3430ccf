/*
 * test_agent_report.c: reading the manager's report and watching for it.
 * HKLM is a sandbox key (RegOverridePredefKey) so the real Client
 * Services key is not touched. A value of the wrong type is read as
 * absent (no prompt on doubt); the watch fires when the key appears
 * under a parent it watched, and again on each later change.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "agent_fixture.h"
#include "climon.h"
#include "climon/protocol.h"

#define WM_TEST_CHANGED (WM_APP + 50)

static fx_lab lab;
static logfile lf;

static int setup(void **state)
{
    (void)state;
    if (fx_lab_make(&lab, "report", "1", "1"))
        return -1;
    logfile_open(&lf, lab.log, "test", 0);
    return fx_hklm_sandbox_begin(L"HKLM-report-");
}

static int teardown(void **state)
{
    (void)state;
    fx_hklm_sandbox_end();
    logfile_close(&lf);
    fx_lab_remove(&lab);
    return 0;
}

static HKEY services(void)
{
    HKEY k;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, REG_CLIENT_SERVICES, 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &k, NULL),
                     ERROR_SUCCESS);
    return k;
}

static void set_dword(HKEY k, const wchar_t *name, DWORD v)
{
    RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&v, sizeof v);
}

static void test_absent_key_reports_nothing_pending(void **state)
{
    agent_report r;
    (void)state;
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, REG_CLIENT_SERVICES);
    report_read(lab.ccr_box, "SKZ01000", &lf, &r);
    assert_false(r.restart);
    assert_false(r.logoff);
    assert_true(r.prompt_allowed);
    assert_false(r.request_queued);
    assert_int_equal(r.change_id, 0);
}

static void test_report_reads_the_managers_values(void **state)
{
    static const wchar_t comps[] = L"Inventory Agent 1.2.1, Remote Control 2.0";
    wchar_t ccr[FX_PATH];
    agent_report r;
    HKEY k = services();
    (void)state;
    set_dword(k, REGV_REBOOT_REQUIRED, 1);
    set_dword(k, REGV_CHANGE_ID, 42);
    set_dword(k, REGV_PROMPT_FOR_RESTART, 0);
    RegSetValueExW(k, REGV_CHANGED_COMPONENTS, 0, REG_SZ, (const BYTE *)comps, sizeof comps);
    RegCloseKey(k);
    fx_join(ccr, lab.ccr_box, L"SKZ01000.CCR");
    fx_write_text(ccr, "[NT Client Configuration Request]\r\n");
    report_read(lab.ccr_box, "SKZ01000", &lf, &r);
    assert_true(r.restart);
    assert_false(r.logoff);
    assert_false(r.prompt_allowed);
    assert_true(r.request_queued);
    assert_int_equal(r.change_id, 42);
    assert_string_equal(r.components, "Inventory Agent 1.2.1, Remote Control 2.0");
    DeleteFileW(ccr);
}

static void set_sz(HKEY k, const wchar_t *name, const wchar_t *v)
{
    RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)v, (DWORD)((wcslen(v) + 1) * sizeof v[0]));
}

/* A real SMS 1.2 manager writes Reboot Required and nothing else: the
 * report carries the key's last-write time and its component subkeys, so
 * the core can tell one change from the next and name it. */
static void test_bare_reboot_required_carries_write_times_and_subkeys(void **state)
{
    agent_report r;
    HKEY k, c;
    agent_time before, first;
    (void)state;
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, REG_CLIENT_SERVICES);
    before = time_now();
    k = services();
    assert_int_equal(
        RegCreateKeyExW(k, L"Components\\INVAGENT", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &c, NULL),
        ERROR_SUCCESS);
    set_sz(c, REGV_DISPLAY_NAME, L"Inventory Agent");
    set_sz(c, REGV_INSTALLED_VERSION, L"1.2.1");
    RegCloseKey(c);
    assert_int_equal(
        RegCreateKeyExW(k, L"Components\\RC", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &c, NULL),
        ERROR_SUCCESS);
    RegCloseKey(c); /* no values: named by its subkey */
    set_dword(k, REGV_REBOOT_REQUIRED, 1);
    report_read(lab.ccr_box, "SKZ01000", &lf, &r);
    assert_true(r.restart);
    assert_int_equal(r.change_id, 0);
    assert_string_equal(r.components, "");
    assert_true(r.written + 2 >= before && r.written <= time_now() + 2);
    assert_true(r.components_read);
    assert_int_equal(r.ncomponents, 2);
    assert_string_equal(r.component[0].text, "Inventory Agent 1.2.1");
    assert_string_equal(r.component[1].text, "RC");
    assert_true(r.component[0].written + 2 >= before && r.component[0].written <= r.written + 2);
    first = r.written;

    /* A later write moves the key's time: another change. (Writing the same
     * data again is skipped by Wine's registry, not by Windows': our lab's
     * manager deletes the flag before it sets it again.) */
    Sleep(1100);
    RegDeleteValueW(k, REGV_REBOOT_REQUIRED);
    set_dword(k, REGV_REBOOT_REQUIRED, 1);
    RegCloseKey(k);
    report_read(lab.ccr_box, "SKZ01000", &lf, &r);
    assert_true(r.written > first);
}

static void test_wrong_value_type_is_not_a_restart(void **state)
{
    static const wchar_t one[] = L"1";
    agent_report r;
    HKEY k = services();
    (void)state;
    RegSetValueExW(k, REGV_REBOOT_REQUIRED, 0, REG_SZ, (const BYTE *)one, sizeof one);
    RegSetValueExW(k, REGV_LOGOFF_REQUIRED, 0, REG_BINARY, (const BYTE *)"\x01", 1);
    RegCloseKey(k);
    report_read(lab.ccr_box, "SKZ01000", &lf, &r);
    assert_false(r.restart);
    assert_false(r.logoff);
}

/* Waits for the watch's message and takes it as the agent does
 * (watcher_taken), so the watch may post again. */
static int wait_posted(watcher *w, DWORD ms)
{
    ULONGLONG end = GetTickCount64() + ms;
    MSG m;
    for (;;) {
        ULONGLONG now = GetTickCount64();
        while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE))
            if (m.message == WM_TEST_CHANGED) {
                watcher_taken(w);
                return 1;
            }
        if (now >= end)
            return 0;
        MsgWaitForMultipleObjects(0, NULL, FALSE, (DWORD)(end - now), QS_POSTMESSAGE);
    }
}

/* Messages of the watch now in the queue, taken. */
static unsigned drain(watcher *w)
{
    MSG m;
    unsigned n = 0;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE))
        n += m.message == WM_TEST_CHANGED;
    watcher_taken(w);
    return n;
}

static void test_watch_hears_the_key_appear_and_each_change(void **state)
{
    watcher w;
    HWND win = CreateWindowExW(0, L"STATIC", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    HKEY k;
    ULONGLONG t0;
    (void)state;
    assert_non_null(win);
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\SMS");
    assert_true(regwatch_start(&w, win, WM_TEST_CHANGED, &lf));
    Sleep(500);
    drain(&w);
    /* Not there yet: its parent is watched until it appears. */
    k = services();
    set_dword(k, REGV_REBOOT_REQUIRED, 1);
    assert_true(wait_posted(&w, 20000));
    Sleep(1000);
    drain(&w);
    /* Re-armed: a later change is heard too, at once (no settle delay). */
    t0 = GetTickCount64();
    set_dword(k, REGV_CHANGE_ID, 7);
    assert_true(wait_posted(&w, 20000));
    print_message("change heard after %llu ms\n", (unsigned long long)(GetTickCount64() - t0));
    assert_true(GetTickCount64() - t0 < 1000);
    Sleep(300);
    drain(&w);
    /* And quiet stays quiet. */
    assert_false(wait_posted(&w, 2500));
    RegCloseKey(k);
    watcher_stop(&w);
    DestroyWindow(win);
}

static void test_watch_burst_queues_one_message_and_loses_no_change(void **state)
{
    watcher w;
    HWND win = CreateWindowExW(0, L"STATIC", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    HKEY k = services();
    (void)state;
    assert_non_null(win);
    assert_true(regwatch_start(&w, win, WM_TEST_CHANGED, &lf));
    Sleep(500);
    drain(&w);
    /* 50 writes while nobody takes the message: one waits in the queue. */
    for (DWORD i = 1; i <= 50; i++)
        set_dword(k, REGV_CHANGE_ID, i);
    Sleep(1000);
    assert_int_equal(drain(&w), 1);
    /* Taken: the next write posts again. */
    set_dword(k, REGV_CHANGE_ID, 51);
    assert_true(wait_posted(&w, 20000));
    RegCloseKey(k);
    watcher_stop(&w);
    DestroyWindow(win);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absent_key_reports_nothing_pending),
        cmocka_unit_test(test_report_reads_the_managers_values),
        cmocka_unit_test(test_bare_reboot_required_carries_write_times_and_subkeys),
        cmocka_unit_test(test_wrong_value_type_is_not_a_restart),
        cmocka_unit_test(test_watch_hears_the_key_appear_and_each_change),
        cmocka_unit_test(test_watch_burst_queues_one_message_and_loses_no_change),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
