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
static HKEY sandbox;
static wchar_t sandbox_name[64];

static int setup(void **state)
{
    (void)state;
    if (fx_lab_make(&lab, "report", "1", "1"))
        return -1;
    logfile_open(&lf, lab.log, "test", 0);
    _snwprintf(sandbox_name, 64, L"Software\\ClimonTest\\HKLM-report-%lu", GetCurrentProcessId());
    RegDeleteTreeW(HKEY_CURRENT_USER, sandbox_name);
    if (RegCreateKeyExW(HKEY_CURRENT_USER, sandbox_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &sandbox,
                        NULL) != ERROR_SUCCESS)
        return -1;
    return RegOverridePredefKey(HKEY_LOCAL_MACHINE, sandbox) == ERROR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    RegOverridePredefKey(HKEY_LOCAL_MACHINE, NULL);
    RegCloseKey(sandbox);
    RegDeleteTreeW(HKEY_CURRENT_USER, sandbox_name);
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

static int wait_posted(HWND w, DWORD ms)
{
    ULONGLONG end = GetTickCount64() + ms;
    MSG m;
    (void)w;
    for (;;) {
        ULONGLONG now = GetTickCount64();
        while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE))
            if (m.message == WM_TEST_CHANGED)
                return 1;
        if (now >= end)
            return 0;
        MsgWaitForMultipleObjects(0, NULL, FALSE, (DWORD)(end - now), QS_POSTMESSAGE);
    }
}

static void drain(void)
{
    MSG m;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE))
        ;
}

static void test_watch_hears_the_key_appear_and_each_change(void **state)
{
    watcher w;
    HWND win = CreateWindowExW(0, L"STATIC", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    HKEY k;
    (void)state;
    assert_non_null(win);
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\SMS");
    assert_true(regwatch_start(&w, win, WM_TEST_CHANGED, &lf));
    Sleep(500);
    drain();
    /* Not there yet: its parent is watched until it appears. */
    k = services();
    set_dword(k, REGV_REBOOT_REQUIRED, 1);
    assert_true(wait_posted(win, 20000));
    Sleep(3000); /* past the settle time: the burst is over */
    drain();
    /* Re-armed: a later change is heard too. */
    set_dword(k, REGV_CHANGE_ID, 7);
    assert_true(wait_posted(win, 20000));
    drain();
    /* And quiet stays quiet. */
    assert_false(wait_posted(win, 2500));
    RegCloseKey(k);
    watcher_stop(&w);
    DestroyWindow(win);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absent_key_reports_nothing_pending),
        cmocka_unit_test(test_report_reads_the_managers_values),
        cmocka_unit_test(test_wrong_value_type_is_not_a_restart),
        cmocka_unit_test(test_watch_hears_the_key_appear_and_each_change),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
