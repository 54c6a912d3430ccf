/*
 * test_agent_setupexec.c: Client Setup is started with its full path and
 * the quoted command line, no shell, its exit code comes back, and a
 * hung one is killed when the timeout expires. The child is
 * fake_cli_nt.exe, copied to the lab share as X86.BIN\CLI_NT.EXE.
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
static logfile lf;

static int setup_one(void **state)
{
    (void)state;
    if (fx_lab_make(&lab, "setupexec", "1", "2"))
        return -1;
    logfile_open(&lf, lab.log, "test", 0);
    return 0;
}

static int teardown_one(void **state)
{
    (void)state;
    logfile_close(&lf);
    fx_lab_remove(&lab);
    return 0;
}

static void default_cmd(wchar_t *cmd)
{
    climon_config cfg;
    memset(&cfg, 0, sizeof cfg);
    wcscpy(cfg.share, lab.share);
    assert_true(config_setup_command(&cfg, cmd, CLIMON_CMD_MAX));
}

static void test_setup_gets_its_command_line_and_exit_code_comes_back(void **state)
{
    wchar_t cmd[CLIMON_CMD_MAX];
    char err[256], want[4096], *rec;
    DWORD code = 99;
    (void)state;
    default_cmd(cmd);
    SetEnvironmentVariableW(L"CLIMON_FAKE_EXIT", L"10");
    assert_int_equal(setupexec_run(cmd, 30, NULL, &lf, &code, err, sizeof err), SETUP_EXITED);
    assert_int_equal(code, 10);
    rec = fx_read_text(lab.record);
    assert_non_null(rec);
    WideCharToMultiByte(CP_UTF8, 0, cmd, -1, want, sizeof want, NULL, NULL);
    /* The child sees exactly the quoted command line we built. */
    assert_non_null(strstr(rec, want));
    assert_non_null(strstr(rec, "/p:"));
    assert_non_null(strstr(rec, "done"));
    free(rec);
}

static void test_hung_setup_is_killed_at_the_timeout(void **state)
{
    wchar_t cmd[CLIMON_CMD_MAX];
    char err[256], *rec, *pid_at;
    DWORD code = 0, pid;
    ULONGLONG t0;
    HANDLE child;
    (void)state;
    default_cmd(cmd);
    SetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", L"120000");
    t0 = GetTickCount64();
    assert_int_equal(setupexec_run(cmd, 2, NULL, &lf, &code, err, sizeof err), SETUP_TIMED_OUT);
    assert_true(GetTickCount64() - t0 < 30000);
    assert_non_null(strstr(err, "stopped"));
    rec = fx_read_text(lab.record);
    assert_non_null(rec);
    pid_at = strstr(rec, "pid=");
    assert_non_null(pid_at);
    pid = (DWORD)strtoul(pid_at + 4, NULL, 10);
    /* Gone: either it cannot be opened or it has exited. */
    child = OpenProcess(SYNCHRONIZE, FALSE, pid);
    if (child) {
        assert_int_equal(WaitForSingleObject(child, 5000), WAIT_OBJECT_0);
        CloseHandle(child);
    }
    assert_null(strstr(rec, "done"));
    free(rec);
    SetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", NULL);
}

static void test_missing_setup_is_not_started(void **state)
{
    wchar_t cmd[CLIMON_CMD_MAX];
    char err[256];
    DWORD code;
    (void)state;
    DeleteFileW(lab.setup_exe);
    default_cmd(cmd);
    assert_int_equal(setupexec_run(cmd, 5, NULL, &lf, &code, err, sizeof err), SETUP_NOT_STARTED);
    assert_non_null(strstr(err, "did not start"));
}

static void test_relative_setup_command_is_refused(void **state)
{
    char err[256];
    DWORD code;
    wchar_t app[64];
    (void)state;
    assert_int_equal(setupexec_run(L"CLI_NT.EXE /p:x", 5, NULL, &lf, &code, err, sizeof err),
                     SETUP_NOT_STARTED);
    assert_non_null(strstr(err, "full path"));
    assert_true(setupexec_app_of(L"\"C:\\A B\\C.EXE\" /p:x", app, 64));
    assert_true(wcscmp(app, L"C:\\A B\\C.EXE") == 0);
    assert_false(setupexec_app_of(L"\"C:\\unterminated /p:x", app, 64));
    /* Unquoted with spaces: the program is the whole path up to ".exe",
     * never the planted shorter prefix "C:\Site". */
    assert_true(setupexec_app_of(L"C:\\Site Root\\X86.BIN\\CLI_NT.EXE /p:C:\\Site Root", app, 64));
    assert_true(wcscmp(app, L"C:\\Site Root\\X86.BIN\\CLI_NT.EXE") == 0);
    /* Only an .exe: a batch file would run through cmd.exe. */
    assert_false(setupexec_app_of(L"\"C:\\Site\\setup.cmd\" /p:x", app, 64));
    assert_false(setupexec_app_of(L"C:\\Site\\setup /p:x", app, 64));
}

/* ---- the guard beside SMS.INI (issue 13) ---- */

static void guard_of(wchar_t *out)
{
    wcscpy(out, lab.sms_ini);
    wcscpy(wcsrchr(out, L'\\') + 1, L"CLIMON.LCK");
}

static BOOL log_says(const char *needle)
{
    char *text;
    BOOL has;
    logfile_close(&lf);
    text = fx_read_text(lab.log);
    has = text && strstr(text, needle) != NULL;
    free(text);
    logfile_open(&lf, lab.log, "test", 0);
    return has;
}

static DWORD WINAPI release_later(LPVOID h)
{
    Sleep(700);
    CloseHandle((HANDLE)h);
    return 0;
}

/* Another agent's guard (held open, as its agent holds it while its
 * Client Setup runs) is waited for; once it is closed it is gone and the
 * guard is ours. */
static void test_the_guard_waits_for_another_agents_run(void **state)
{
    wchar_t path[FX_PATH];
    HANDLE other, mine, t;
    ULONGLONG t0;
    (void)state;
    guard_of(path);
    other = CreateFileW(path, GENERIC_WRITE | DELETE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                        CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(other != INVALID_HANDLE_VALUE);
    t = CreateThread(NULL, 0, release_later, other, 0, NULL);
    t0 = GetTickCount64();
    assert_int_equal(setupexec_guard_take(lab.sms_ini, 30, NULL, &lf, &mine), SETUP_GUARD_WAITED);
    assert_true(GetTickCount64() - t0 >= 500);
    assert_true(mine != INVALID_HANDLE_VALUE);
    assert_true(GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES);
    setupexec_guard_release(mine);
    assert_true(GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES);
    WaitForSingleObject(t, 5000);
    CloseHandle(t);
    assert_true(log_says("another agent (another session's Climon) is running Client Setup"));
    assert_false(log_says("type=\"3\""));
}

/* A guard older than any run it could guard (its agent went with the
 * power) is taken back at once. */
static void test_a_stale_guard_is_taken_back(void **state)
{
    wchar_t path[FX_PATH];
    FILETIME ft;
    ULARGE_INTEGER u;
    HANDLE h, mine;
    (void)state;
    guard_of(path);
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    GetSystemTimeAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    u.QuadPart -= 100ull * 10000000ull; /* 100 s: over 30 s + 60 s */
    ft.dwLowDateTime = u.LowPart;
    ft.dwHighDateTime = u.HighPart;
    assert_true(SetFileTime(h, NULL, NULL, &ft));
    CloseHandle(h);
    assert_int_equal(setupexec_guard_take(lab.sms_ini, 30, NULL, &lf, &mine), SETUP_GUARD_TAKEN);
    setupexec_guard_release(mine);
    assert_true(log_says("took back the Client Setup guard"));
}

/* An agent that gets the guard and finds SMS.INI at the server's version
 * (another agent's run ended just before) starts nothing and says so. */
static void test_setup_job_starts_nothing_when_sms_ini_is_current_under_the_guard(void **state)
{
    climon_config cfg;
    agent_event ev;
    (void)state;
    fx_lab_remove(&lab);
    logfile_close(&lf);
    assert_int_equal(fx_lab_make(&lab, "setupexec", "2", "2"), 0);
    logfile_open(&lf, lab.log, "test", 0);
    memset(&cfg, 0, sizeof cfg);
    memset(&ev, 0, sizeof ev);
    wcscpy(cfg.sms_ini, lab.sms_ini);
    wcscpy(cfg.share, lab.share);
    wcscpy(cfg.ccr_box, lab.ccr_box);
    snprintf(cfg.unique_id, sizeof cfg.unique_id, "SKZ01000");
    cfg.setup_timeout_s = 30;
    job_run(JOB_SETUP, &cfg, NULL, &lf, NULL, &ev);
    assert_int_equal(ev.type, AGENT_EV_SETUP_EXITED);
    assert_true(ev.setup_by_other);
    assert_true(ev.has_local);
    assert_int_equal(ev.local.value, 2);
    assert_true(GetFileAttributesW(lab.record) == INVALID_FILE_ATTRIBUTES);
    assert_false(log_says("started Client Setup"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_setup_gets_its_command_line_and_exit_code_comes_back,
                                        setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_hung_setup_is_killed_at_the_timeout, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_missing_setup_is_not_started, setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_the_guard_waits_for_another_agents_run, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_a_stale_guard_is_taken_back, setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(
            test_setup_job_starts_nothing_when_sms_ini_is_current_under_the_guard, setup_one,
            teardown_one),
        cmocka_unit_test_setup_teardown(test_relative_setup_command_is_refused, setup_one,
                                        teardown_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
