/*
 * test_agent_faults.c: the agent's shell (config, engine, jobs, forward,
 * state file) against the share's errors Wine cannot make, through the
 * fake of src/climon/fsio.c linked in its place (fake_fsio.h):
 *
 *  - a share that refuses the credentials (ERROR_LOGON_FAILURE and the
 *    like) from the inventory box, CL_NT.TXT or Client Setup's start is
 *    touched once, then not again by any check, pass or timer until the
 *    session is unlocked or a new logon, also across an agent restart;
 *    the attempts are counted as calls reaching the share;
 *  - a full inventory box is said as such;
 *  - another agent taking the file between our listing and our open, or
 *    our .TMP before our rename, is no error;
 *  - the status report (statusout.c) never touches a share that refused
 *    the password, and a share that hangs never holds up its caller.
 *
 * The engine runs synchronously (as /check does): every job inline.
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
#include "climon/state.h"
#include "fake_fsio.h"
#include "fileio.h"

#define BOOT 1764000000ull
#define LOGON1 (BOOT + 60)
#define LOGON2 (BOOT + 7200)

static fx_lab lab;
static logfile lf;
static climon_config cfg;
static engine eng;
static runner *run;
static agent_event_type setup_how; /* how the last Client Setup run ended; 0 none */

static void observe(engine *e, const agent_event *ev)
{
    (void)e;
    if (ev->type == AGENT_EV_SETUP_EXITED || ev->type == AGENT_EV_SETUP_TIMED_OUT ||
        ev->type == AGENT_EV_SETUP_NOT_STARTED)
        setup_how = ev->type;
}

static int setup_lab(const char *local_version, const char *server_version)
{
    cmd_line cl;
    fake_fsio_reset();
    if (fx_lab_make(&lab, "faults", local_version, server_version))
        return -1;
    memset(&cl, 0, sizeof cl);
    wcscpy(cl.smsini, lab.sms_ini);
    wcscpy(cl.statedir, lab.state_dir);
    wcscpy(cl.log, lab.log);
    config_load(&cl, &cfg);
    logfile_open(&lf, lab.log, "test", 0);
    return 0;
}

static int setup_same(void **state)
{
    (void)state;
    return setup_lab("1", "1");
}

static int setup_differs(void **state)
{
    (void)state;
    return setup_lab("1", "2");
}

static int teardown(void **state)
{
    (void)state;
    fake_fsio_reset();
    runner_free(run, 0);
    run = NULL;
    logfile_close(&lf);
    fx_lab_remove(&lab);
    return 0;
}

/* A start of the agent (state loaded from the lab's state folder). */
static void agent_start(agent_time logon)
{
    agent_event ev;
    if (!run)
        run = runner_inline(&lf);
    setup_how = 0;
    engine_init(&eng, &cfg, &lf, run);
    eng.ui.observe = observe;
    engine_event_init(&ev, AGENT_EV_START);
    ev.boot_time = BOOT;
    ev.logon_time = logon;
    engine_feed(&eng, &ev);
    engine_drain(&eng);
}

static void feed(agent_event_type type)
{
    agent_event ev;
    engine_event_init(&ev, type);
    engine_feed(&eng, &ev);
    engine_drain(&eng);
}

/* Calls that reached the logon server share: every one a logon attempt
 * with the user's credentials when the server refuses them. */
static unsigned share_touches(void)
{
    return fake_fsio_calls(FAKE_OPEN, lab.share) + fake_fsio_calls(FAKE_READ_FILE, lab.share) +
           fake_fsio_calls(FAKE_CREATE_PROCESS, lab.share);
}

static void put_raw(const wchar_t *name, const char *text)
{
    wchar_t p[FX_PATH];
    fx_join(p, lab.invdata, name);
    assert_int_equal(fx_write_text(p, text), 0);
}

static void checks_and_passes_touch_nothing(unsigned touches)
{
    for (int i = 0; i < 3; i++) {
        feed(AGENT_EV_CHECK_NOW);
        feed(AGENT_EV_INVENTORY);
        feed(AGENT_EV_TIMER);
    }
    assert_int_equal(share_touches(), touches);
}

static BOOL log_has(const char *needle)
{
    char *text = fx_read_text(lab.log);
    BOOL has = text && strstr(text, needle) != NULL;
    free(text);
    return has;
}

/* Issue 11.5 through the whole shell: the inventory box refuses the
 * password. */
static void test_refused_password_on_the_box_is_one_touch_per_unlock_or_logon(void **state)
{
    wchar_t state_ini[FX_PATH];
    char *saved;
    (void)state;
    put_raw(L"INV00001.RAW", "inventory one");
    fake_fsio_fail(FAKE_OPEN, lab.share, ERROR_LOGON_FAILURE);
    fake_fsio_fail(FAKE_READ_FILE, lab.share, ERROR_LOGON_FAILURE);
    fake_fsio_fail(FAKE_CREATE_PROCESS, lab.share, ERROR_LOGON_FAILURE);

    agent_start(LOGON1);
    assert_int_equal(share_touches(), 1);
    assert_int_not_equal(eng.st.creds_refused_at, 0);
    assert_non_null(strstr(eng.st.last_error, "refused your credentials"));
    assert_int_equal(agent_icon_of(&eng.st), AGENT_ICON_ERROR);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
    checks_and_passes_touch_nothing(1);

    /* Unlocked: one more attempt, refused again. */
    feed(AGENT_EV_CREDENTIALS_REFRESHED);
    assert_int_equal(share_touches(), 2);
    checks_and_passes_touch_nothing(2);

    /* The agent restarted in the same logon: still blocked (state.ini). */
    fx_join(state_ini, lab.state_dir, L"state.ini");
    saved = fx_read_text(state_ini);
    assert_non_null(saved);
    assert_null(strstr(saved, "CredRefusedAt=0\r\n"));
    free(saved);
    agent_start(LOGON1);
    assert_int_equal(share_touches(), 2);
    checks_and_passes_touch_nothing(2);

    /* A new logon: one attempt. */
    agent_start(LOGON2);
    assert_int_equal(share_touches(), 3);
    checks_and_passes_touch_nothing(3);

    /* The password is right again; the unlock that follows delivers. */
    fake_fsio_reset();
    feed(AGENT_EV_CREDENTIALS_REFRESHED);
    assert_int_equal(eng.st.creds_refused_at, 0);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    assert_string_equal(eng.st.last_error, "");
    print_message("share touches in all: 3 (start, unlock, new logon) then the good one\n");
}

/* The report to the site (statusout.c) never touches a share that
 * refused the password: only the passes' one attempt per unlock or logon
 * reaches it; with the password right again the report is written. */
static void test_status_report_waits_while_the_password_is_refused(void **state)
{
    wchar_t box[FX_PATH], ini[FX_PATH];
    (void)state;
    fx_join(box, lab.share, L"CLIMON.BOX");
    fx_join(ini, box, L"SKZ01000.INI");
    assert_true(CreateDirectoryW(box, NULL));
    put_raw(L"INV00001.RAW", "inventory one");
    fake_fsio_fail(FAKE_OPEN, lab.share, ERROR_LOGON_FAILURE);
    fake_fsio_fail(FAKE_READ_FILE, lab.share, ERROR_LOGON_FAILURE);

    agent_start(LOGON1);
    assert_int_equal(share_touches(), 1);
    assert_int_equal(fake_fsio_calls(FAKE_OPEN, L"CLIMON.BOX"), 0);
    checks_and_passes_touch_nothing(1);
    feed(AGENT_EV_REPORT);
    assert_int_equal(fake_fsio_calls(FAKE_OPEN, L"CLIMON.BOX"), 0);

    fake_fsio_reset();
    feed(AGENT_EV_CREDENTIALS_REFRESHED);
    assert_int_equal(eng.st.creds_refused_at, 0);
    assert_int_equal(fake_fsio_calls(FAKE_OPEN, L"CLIMON.BOX"), 1);
    assert_true(fileio_exists(ini));
}

/* A share that hangs (an SMB time-out) never holds up the tray agent:
 * statusout_post returns at once, the writer thread waits for the share,
 * and reports posted meanwhile are folded into one, the latest. */
static void hang_3s(const wchar_t *path)
{
    (void)path;
    Sleep(3000);
}

static int report_has_deferrals_7(void *arg)
{
    char *text = fx_read_text((const wchar_t *)arg);
    int has = text && strstr(text, "\r\nDeferrals Used=7\r\n") != NULL;
    free(text);
    return has;
}

static void test_a_hung_share_never_holds_up_the_report_s_caller(void **state)
{
    wchar_t box[FX_PATH], ini[FX_PATH];
    LARGE_INTEGER f, t0, t1;
    double ms;
    (void)state;
    fx_join(box, lab.share, L"CLIMON.BOX");
    fx_join(ini, box, L"SKZ01000.INI");
    assert_true(CreateDirectoryW(box, NULL));
    runner *threaded = runner_threaded(GetDesktopWindow(), &lf);
    assert_non_null(threaded);
    engine_init(&eng, &cfg, &lf, threaded); /* the tray agent's way: a writer thread */
    fake_fsio_before(FAKE_OPEN, L"CLIMON.BOX", hang_3s);

    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    for (uint32_t i = 1; i <= 7; i++) {
        eng.st.deferrals_used = i;
        statusout_post(&eng);
        Sleep(20);
    }
    QueryPerformanceCounter(&t1);
    ms = (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)f.QuadPart;
    print_message("7 reports posted to a hung share in %.0f ms\n", ms);
    assert_true(ms < 1000);
    assert_true(fx_wait_until(report_has_deferrals_7, ini, 20000));
    /* The first report, then the latest: never one write per post. */
    assert_int_equal(fake_fsio_calls(FAKE_OPEN, L"CLIMON.BOX"), 2);
    assert_int_equal(fx_count(box, L"*.TMP"), 0);
    Sleep(500); /* the writer's last log line, before teardown closes the log */
    runner_free(threaded, 0);
}

/* CL_NT.TXT refuses (no inventory to forward: the box is not touched). */
static void test_refused_password_on_the_copy_list_blocks_too(void **state)
{
    (void)state;
    fake_fsio_fail(FAKE_READ_FILE, L"CL_NT.TXT", ERROR_ACCOUNT_LOCKED_OUT);
    agent_start(LOGON1);
    assert_int_equal(fake_fsio_calls(FAKE_READ_FILE, L"CL_NT.TXT"), 1);
    assert_int_not_equal(eng.st.creds_refused_at, 0);
    assert_int_equal(eng.st.share_failures, 0);
    checks_and_passes_touch_nothing(1);
    feed(AGENT_EV_CREDENTIALS_REFRESHED);
    assert_int_equal(fake_fsio_calls(FAKE_READ_FILE, L"CL_NT.TXT"), 2);
}

/* Client Setup cannot start from the share: blocked, and it is no failure
 * of Client Setup (no step towards giving up on the version). */
static void test_refused_password_starting_client_setup_blocks_without_a_setup_failure(void **state)
{
    (void)state;
    fake_fsio_fail(FAKE_CREATE_PROCESS, L"CLI_NT.EXE", ERROR_PASSWORD_EXPIRED);
    agent_start(LOGON1);
    assert_int_equal(fake_fsio_calls(FAKE_CREATE_PROCESS, NULL), 1);
    assert_int_not_equal(eng.st.creds_refused_at, 0);
    assert_int_equal(eng.st.setup_failures, 0);
    assert_int_equal(eng.st.setup_retry_at, 0);
    /* The report read after the refused start leaves CCR.BOX be. */
    assert_true(log_has("the request box is not looked at"));
    /* The copy list read by the pass and again under the Client Setup
     * guard, then the refused start. */
    checks_and_passes_touch_nothing(2 + 1);
    fake_fsio_reset();
    feed(AGENT_EV_CREDENTIALS_REFRESHED);
    assert_int_equal(fake_fsio_calls(FAKE_CREATE_PROCESS, NULL), 1);
    assert_int_equal(setup_how, AGENT_EV_SETUP_EXITED);
}

/* Issue 11.6: a full box is said as such, and the versions are still
 * compared. */
static void test_full_box_is_said_full_not_unreachable(void **state)
{
    forward_result r;
    (void)state;
    put_raw(L"INV00002.RAW", "inventory two");
    fake_fsio_fail(FAKE_WRITE, L".TMP", ERROR_DISK_FULL);
    agent_start(LOGON1);
    assert_non_null(strstr(eng.st.forward_error, "the inventory box on the logon server is full"));
    assert_null(strstr(eng.st.forward_error, "unreachable"));
    assert_null(strstr(eng.st.last_error, "unreachable"));
    assert_int_equal(eng.st.last_result, CLV_SAME); /* the versions were read */
    assert_int_equal(agent_icon_of(&eng.st), AGENT_ICON_ERROR);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
    assert_int_equal(fx_count(lab.inv_box, L"*"), 0); /* no .TMP left */

    /* ERROR_HANDLE_DISK_FULL the same; a bare write fault only when the
     * share shows no room. */
    fake_fsio_fail(FAKE_WRITE, L".TMP", ERROR_HANDLE_DISK_FULL);
    assert_false(forward_all(lab.invdata, lab.inv_box, "SKZ01000", NULL, &lf, &r));
    assert_int_equal(r.fail, AGENT_FAIL_BOX_FULL);
    fake_fsio_fail(FAKE_WRITE, L".TMP", ERROR_WRITE_FAULT);
    fake_fsio_set_free_space(0);
    assert_false(forward_all(lab.invdata, lab.inv_box, "SKZ01000", NULL, &lf, &r));
    assert_int_equal(r.fail, AGENT_FAIL_BOX_FULL);
    fake_fsio_set_free_space(10ull << 30);
    assert_false(forward_all(lab.invdata, lab.inv_box, "SKZ01000", NULL, &lf, &r));
    assert_int_equal(r.fail, AGENT_FAIL_SHARE);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
}

/* Another session's agent at work between our calls. */
static void other_agent_delivers(const wchar_t *local)
{
    wchar_t stem[32], name[48], target[FX_PATH];
    char *text = fx_read_text(local);
    assert_non_null(text);
    forward_unique_stem("SKZ01000", forward_fnv1a(FORWARD_FNV_SEED, text, strlen(text)), 0, stem,
                        32);
    _snwprintf(name, 48, L"%ls.RAW", stem);
    fx_join(target, lab.inv_box, name);
    assert_true(MoveFileW(local, target));
    free(text);
}

/* The other agent delivered the same bytes first and removed our .TMP
 * as a leftover of them. */
static void other_agent_delivered_and_removed_our_tmp(const wchar_t *tmp)
{
    wchar_t target[FX_PATH];
    wcscpy(target, tmp);
    *wcschr(wcsrchr(target, L'\\'), L'.') = 0;
    wcscat(target, L".RAW");
    assert_true(CopyFileW(tmp, target, TRUE));
    assert_true(DeleteFileW(tmp));
}

static void test_file_another_agent_took_is_no_error(void **state)
{
    forward_result r;
    (void)state;
    /* Claimed by the other agent between our listing and our claim. */
    put_raw(L"INV00003.RAW", "inventory three");
    fake_fsio_before(FAKE_MOVE, L"INV00003.RAW", other_agent_delivers);
    agent_start(LOGON1);
    assert_string_equal(eng.st.last_error, "");
    assert_string_equal(eng.st.forward_error, "");
    assert_int_equal(eng.st.share_failures, 0);
    assert_int_equal(eng.st.share_retry_at, 0);
    assert_int_not_equal(agent_icon_of(&eng.st), AGENT_ICON_ERROR);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    assert_true(log_has("delivered by another agent"));
    assert_false(log_has("type=\"3\""));

    /* Our .TMP gone before our rename: the other agent's copy is in. */
    put_raw(L"INV00004.RAW", "inventory four");
    fake_fsio_before(FAKE_MOVE, L".TMP", other_agent_delivered_and_removed_our_tmp);
    assert_true(forward_all(lab.invdata, lab.inv_box, "SKZ01000", NULL, &lf, &r));
    assert_string_equal(r.err, "");
    assert_int_equal(r.count, 1);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 2);
    assert_int_equal(fx_count(lab.inv_box, L"*.TMP"), 0);
}

/* Issue 13.1: at the moment its copy in the box is made, the file is no
 * longer a .RAW anyone lists: it is this agent's claim. */
static int raws_at_copy = -1, claims_at_copy = -1;
static void count_invdata(const wchar_t *tmp)
{
    (void)tmp;
    raws_at_copy = fx_count(lab.invdata, L"*.RAW");
    claims_at_copy = fx_count(lab.invdata, L"*.CLM");
}

static void test_inventory_file_is_claimed_before_it_is_copied(void **state)
{
    forward_result r;
    (void)state;
    put_raw(L"INV00005.RAW", "inventory five");
    fake_fsio_before(FAKE_OPEN, L".TMP", count_invdata);
    assert_true(forward_all(lab.invdata, lab.inv_box, "SKZ01000", NULL, &lf, &r));
    assert_int_equal(raws_at_copy, 0);
    assert_int_equal(claims_at_copy, 1);
    assert_int_equal(r.count, 1);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
}

/* Issue 17.4 end to end, the real climon.exe: with the inventory folder
 * missing, /check says so as a local problem, counts no share failure,
 * and still compares the versions and runs Client Setup. */
static void test_check_with_missing_inventory_folder_still_compares_and_runs_setup(void **state)
{
    wchar_t args[4 * FX_PATH], state_ini[FX_PATH];
    char *out = NULL, *saved;
    DWORD code = 0;
    (void)state;
    fx_remove_tree(lab.invdata);
    fx_lab_switches(&lab, args, 4 * FX_PATH);
    wcscat(args, L" /check");
    assert_int_equal(fx_run_climon(args, 120000, &out, &code), 0);
    print_message("%s", out);
    assert_non_null(strstr(out, "result=differs"));
    assert_non_null(strstr(out, "setup_exit=0"));
    assert_non_null(strstr(out, "error=inventory not forwarded, a problem on this computer"));
    assert_non_null(strstr(out, "INVDATA"));
    assert_null(strstr(out, "unreachable"));
    assert_int_equal(code, 1);
    free(out);
    fx_join(state_ini, lab.state_dir, L"state.ini");
    saved = fx_read_text(state_ini);
    assert_non_null(saved);
    assert_non_null(strstr(saved, "\r\nShareFailures=0\r\nShareRetryAt=0\r\n"));
    free(saved);
}

static BOOL agent_window(void *arg)
{
    (void)arg;
    return FindWindowW(CLIMON_WNDCLASS, NULL) != NULL;
}

static int refused_at_start(void *arg)
{
    (void)arg;
    return log_has("start: files left from before: the logon server refused your credentials");
}

static int raw_in_box(void *arg)
{
    (void)arg;
    return fx_count(lab.inv_box, L"*.RAW") == 1;
}

/* The tray agent (the real climon.exe) started in the logon where the
 * credentials were refused (the state says so, as a restart would find
 * it) touches nothing; WM_WTSSESSION_CHANGE with WTS_SESSION_UNLOCK, as
 * Windows sends it after an unlock, lets it try again, and it delivers. */
static void test_tray_agent_waits_for_the_unlock_message(void **state)
{
    wchar_t args[4 * FX_PATH], state_ini[FX_PATH];
    char buf[STATE_MAX_BYTES], *out = NULL;
    agent_state st;
    agent_time logon = time_logon();
    HANDLE agent;
    HWND w;
    DWORD code;
    size_t n;
    (void)state;

    print_message("logon time here: %llu\n", (unsigned long long)logon);
    /* Under Wine without Explorer the logon time is unknown (0): a block
     * then stays at a start whatever the logon, which is what is planted. */
    put_raw(L"INV00005.RAW", "inventory five");
    agent_state_init(&st);
    st.creds_refused_at = time_now() - 60;
    st.creds_refused_logon = logon;
    snprintf(st.last_error, sizeof st.last_error, "the logon server refused your credentials");
    n = state_format(&st, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(fileio_mkdirs(lab.state_dir), ERROR_SUCCESS);
    fx_join(state_ini, lab.state_dir, L"state.ini");
    assert_int_equal(fx_write(state_ini, buf, n), 0);

    fx_client_services_clear();
    fx_lab_switches(&lab, args, 4 * FX_PATH);
    agent = fx_start_climon(args);
    assert_non_null(agent);
    assert_true(fx_wait_until(agent_window, NULL, 60000));
    assert_true(fx_wait_until(refused_at_start, NULL, 30000));
    Sleep(1000);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 0);

    w = FindWindowW(CLIMON_WNDCLASS, NULL);
    assert_non_null(w);
    PostMessageW(w, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK, 0); /* nothing new */
    Sleep(500);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 0);
    PostMessageW(w, WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK, 0);
    assert_true(fx_wait_until(raw_in_box, NULL, 30000));
    assert_true(log_has("session change 8: the credentials may be new"));

    fx_run_climon(L"/quit", 30000, &out, &code);
    free(out);
    if (WaitForSingleObject(agent, 15000) != WAIT_OBJECT_0)
        TerminateProcess(agent, 1);
    CloseHandle(agent);
}

static void test_session_changes_that_refresh_the_credentials(void **state)
{
    (void)state;
    assert_true(window_session_refreshes_credentials(WTS_SESSION_UNLOCK));
    assert_true(window_session_refreshes_credentials(WTS_SESSION_LOGON));
    assert_true(window_session_refreshes_credentials(WTS_REMOTE_CONNECT));
    assert_false(window_session_refreshes_credentials(WTS_SESSION_LOCK));
    assert_false(window_session_refreshes_credentials(WTS_SESSION_LOGOFF));
    assert_false(window_session_refreshes_credentials(WTS_CONSOLE_DISCONNECT));
}

/* ---- the threaded runner: one answer per job, workers that end ---- */

static unsigned answers;

static LRESULT CALLBACK answer_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    if (msg == WMAPP_EVENT) {
        answers++;
        HeapFree(GetProcessHeap(), 0, (agent_event *)lp);
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

static BOOL pump_until(unsigned want, DWORD ms)
{
    DWORD start = GetTickCount();
    MSG m;
    while (answers < want && GetTickCount() - start < ms) {
        MsgWaitForMultipleObjects(0, NULL, FALSE, 100, QS_ALLINPUT);
        while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE))
            DispatchMessageW(&m);
    }
    return answers >= want;
}

/* Jobs submitted faster than workers free themselves each get exactly one
 * answer; after a trim (the engine's "nothing left to do") the idle
 * workers end and the next job starts one again; the runner then stops. */
static void test_threaded_runner_answers_every_job_once(void **state)
{
    WNDCLASSW wc;
    HWND to;
    job_input in;
    runner *r;
    (void)state;

    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = answer_proc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"ClimonTestAnswers";
    RegisterClassW(&wc);
    to = CreateWindowW(L"ClimonTestAnswers", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, wc.hInstance,
                       NULL);
    assert_non_null(to);
    memset(&in, 0, sizeof in);
    r = runner_threaded(to, &lf);
    assert_non_null(r);
    answers = 0;
    for (int i = 0; i < 12; i++)
        assert_true(runner_submit(r, JOB_REPORT, &cfg, &in));
    assert_true(pump_until(12, 20000));
    runner_trim(r);
    Sleep(200);
    assert_true(runner_submit(r, JOB_VERSIONS, &cfg, &in));
    assert_true(pump_until(13, 20000));
    Sleep(200);
    MSG m;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE))
        DispatchMessageW(&m);
    assert_int_equal(answers, 13);
    runner_free(r, 5000);
    DestroyWindow(to);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_refused_password_on_the_box_is_one_touch_per_unlock_or_logon, setup_same,
            teardown),
        cmocka_unit_test_setup_teardown(test_status_report_waits_while_the_password_is_refused,
                                        setup_same, teardown),
        cmocka_unit_test_setup_teardown(test_a_hung_share_never_holds_up_the_report_s_caller,
                                        setup_same, teardown),
        cmocka_unit_test_setup_teardown(test_refused_password_on_the_copy_list_blocks_too,
                                        setup_same, teardown),
        cmocka_unit_test_setup_teardown(
            test_refused_password_starting_client_setup_blocks_without_a_setup_failure,
            setup_differs, teardown),
        cmocka_unit_test_setup_teardown(test_full_box_is_said_full_not_unreachable, setup_same,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_inventory_file_is_claimed_before_it_is_copied,
                                        setup_same, teardown),
        cmocka_unit_test_setup_teardown(test_file_another_agent_took_is_no_error, setup_same,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_check_with_missing_inventory_folder_still_compares_and_runs_setup, setup_differs,
            teardown),
        cmocka_unit_test_setup_teardown(test_tray_agent_waits_for_the_unlock_message, setup_same,
                                        teardown),
        cmocka_unit_test(test_session_changes_that_refresh_the_credentials),
        cmocka_unit_test_setup_teardown(test_threaded_runner_answers_every_job_once, setup_same,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
