/*
 * test_agent.c: the decision machine's rules, one test per rule.
 *
 * Every step goes through step_ev(), which also checks what must hold for
 * any step: at most AGENT_MAX_ACTIONS, exactly one SCHEDULE and it comes
 * last, and it never asks for a wake-up in the past.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent_driver.h"
#include "climon/agent.h"
#include "climon/protocol.h"
#include "climon/state.h"

static void forwarded(agent_time now, bool ok, uint32_t count, const char *err)
{
    agent_event e = ev_of(AGENT_EV_FORWARDED, now);
    e.ok = ok;
    e.count = count;
    snprintf(e.error, sizeof e.error, "%s", err);
    step_ev(&e);
}

static void versions(agent_time now, clv local, clv server)
{
    agent_event e = ev_of(AGENT_EV_VERSIONS, now);
    e.local = local;
    e.server = server;
    step_ev(&e);
}

/* Client Setup exited with code and left SMS.INI at the server's version
 * (current) or where it was, and our request in CCR.BOX or not. */
static void setup_left(agent_time now, int32_t code, bool current, bool request)
{
    agent_event e = ev_of(AGENT_EV_SETUP_EXITED, now);
    e.exit_code = code;
    e.has_local = true;
    e.local = current ? st.server : st.local;
    e.request_filed = request;
    step_ev(&e);
}

/* What our lab's Client Setup leaves for each of its exit codes: 0, 10
 * and 11 wrote the server's version (10 with a request); any other code
 * changed nothing. */
static void setup_exited(agent_time now, int32_t code)
{
    bool ok = code == SETUP_EXIT_OK || code == SETUP_EXIT_REQUEST_FILED ||
              code == SETUP_EXIT_LOGOFF_NEEDED;
    setup_left(now, code, ok, code == SETUP_EXIT_REQUEST_FILED);
}

static void report(agent_time now, bool restart, bool logoff, bool allowed, bool queued,
                   uint32_t id, const char *comps)
{
    agent_event e = ev_of(AGENT_EV_REPORT, now);
    e.report.restart = restart;
    e.report.logoff = logoff;
    e.report.prompt_allowed = allowed;
    e.report.request_queued = queued;
    e.report.change_id = id;
    snprintf(e.report.components, sizeof e.report.components, "%s", comps);
    step_ev(&e);
}

static void choose(agent_time now, agent_choice c, int32_t offset)
{
    agent_event e = ev_of(AGENT_EV_USER_CHOICE, now);
    e.choice = c;
    e.local_offset_s = offset;
    step_ev(&e);
}

/* INVENTORY then a good forward: the machine now waits for VERSIONS. */
static void pass_to_versions(agent_time now)
{
    run(AGENT_EV_INVENTORY, now);
    assert_non_null(find(AGENT_ACT_FORWARD));
    forwarded(now, true, 1, "");
    assert_int_equal(st.phase, AGENT_PHASE_CHECKING);
}

static void pass(agent_time now, clv local, clv server)
{
    pass_to_versions(now);
    versions(now, local, server);
}

/* A pending restart for change id, reported and prompted at now. */
static void restart_reported(agent_time now, uint32_t id)
{
    st.boot_time = BOOT1;
    st.logon_time = LOGON1;
    report(now, true, false, true, false, id, "Inventory Agent 1.2.1");
}

/* ---- START ---- */

static void test_agent_start_forwards_left_files_and_reads_report(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    assert_int_equal(st.boot_time, BOOT1);
    assert_int_equal(st.logon_time, LOGON1);
    assert_int_equal(st.phase, AGENT_PHASE_FORWARDING);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    assert_int_equal(count(AGENT_ACT_READ_REPORT), 1);
    assert_true(index_of(AGENT_ACT_FORWARD) < index_of(AGENT_ACT_READ_REPORT));
    assert_non_null(find(AGENT_ACT_STATUS));
    assert_true(logged("start"));
}

static void test_agent_restart_satisfied_by_new_boot_announces_once(void **state)
{
    (void)state;
    st.pending = AGENT_PENDING_RESTART;
    st.change_id = 7;
    st.pending_since = T0 - 600;
    st.pending_boot = BOOT1;
    st.pending_logon = LOGON1;
    st.prompted_at = T0 - 600;
    snprintf(st.components, sizeof st.components, "Remote Control 2.0");

    start(T0 + HOUR, T0 + 60, T0 + 120);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_int_equal(st.done_change_id, 7);
    assert_false(st.announce_updated); /* said once, in this step */
    const agent_action *a = must_find(AGENT_ACT_ANNOUNCE);
    assert_non_null(a);
    assert_string_equal(a->text, "Remote Control 2.0");
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    assert_int_equal(st.deferred_until, 0);

    /* The same change still in the registry after the restart: done. */
    report(T0 + HOUR, true, false, true, false, 7, "Remote Control 2.0");
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.pending, AGENT_PENDING_NONE);

    /* The agent starts again in the same session: no second announcement. */
    start(T0 + 2 * HOUR, T0 + 60, T0 + 120);
    assert_null(find(AGENT_ACT_ANNOUNCE));
}

static void test_agent_restart_not_satisfied_by_same_boot(void **state)
{
    (void)state;
    st.pending = AGENT_PENDING_RESTART;
    st.change_id = 7;
    st.pending_boot = BOOT1;
    st.pending_logon = LOGON1;
    /* A new logon, and the shell's boot time jittered by 2 s. */
    start(T0 + HOUR, BOOT1 + 2, T0 + 1800);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_null(find(AGENT_ACT_ANNOUNCE));
    assert_int_equal(st.done_change_id, 0);
}

static void test_agent_logoff_satisfied_by_new_logon(void **state)
{
    (void)state;
    st.pending = AGENT_PENDING_LOGOFF;
    st.change_id = 3;
    st.pending_boot = BOOT1;
    st.pending_logon = LOGON1;
    start(T0 + HOUR, BOOT1, T0 + 1800);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_int_equal(st.done_change_id, 3);
    assert_non_null(find(AGENT_ACT_ANNOUNCE));
}

static void test_agent_logoff_satisfied_by_restart(void **state)
{
    (void)state;
    st.pending = AGENT_PENDING_LOGOFF;
    st.change_id = 4;
    st.pending_boot = BOOT1;
    st.pending_logon = 0; /* logon time unknown when it was reported */
    start(T0 + HOUR, T0 + 100, T0 + 200);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_int_equal(st.done_change_id, 4);
}

static void test_agent_logoff_not_satisfied_in_same_session(void **state)
{
    (void)state;
    st.pending = AGENT_PENDING_LOGOFF;
    st.change_id = 4;
    st.pending_boot = BOOT1;
    st.pending_logon = LOGON1;
    start(T0 + HOUR, BOOT1, LOGON1); /* the agent alone was restarted */
    assert_int_equal(st.pending, AGENT_PENDING_LOGOFF);
    assert_null(find(AGENT_ACT_ANNOUNCE));
}

static void test_agent_clock_backwards_is_bounded(void **state)
{
    (void)state;
    /* Saved with the clock a year ahead, then the clock was corrected. */
    agent_time year = 365ull * 24 * HOUR;
    st.pending = AGENT_PENDING_RESTART;
    st.change_id = 9;
    st.pending_boot = BOOT1;
    st.pending_since = T0 + year;
    st.deferred_until = T0 + year;
    st.prompted_at = T0 + year - HOUR;
    st.share_failures = 2;
    st.share_retry_at = T0 + year;
    st.setup_ran = true;
    st.setup_version = 5;
    st.setup_failures = 1;
    st.setup_retry_at = T0 + year;
    st.request_since = T0 + year;

    start(T0, BOOT1, LOGON1);
    assert_true(st.deferred_until > T0 && st.deferred_until <= T0 + 36 * HOUR);
    assert_true(st.share_retry_at > T0 && st.share_retry_at <= T0 + cfg.share_retry_max_s);
    assert_true(st.setup_retry_at > T0 && st.setup_retry_at <= T0 + cfg.setup_retry_max_s);
    assert_int_equal(st.pending_since, T0);
    assert_int_equal(st.request_since, T0);
    assert_true(scheduled() > T0 && scheduled() <= T0 + cfg.share_retry_max_s);
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    assert_true(logged("clock"));
}

static void test_agent_small_clock_correction_is_left_alone(void **state)
{
    (void)state;
    restart_reported(T0, 9);
    choose(T0, AGENT_USER_LATER_TOMORROW, 0);
    agent_time until = st.deferred_until;
    /* The clock is corrected back by a minute: nothing is rewritten. */
    run(AGENT_EV_TIMER, T0 - 60);
    assert_int_equal(st.deferred_until, until);
    assert_int_equal(st.pending_since, T0);
    assert_null(find(AGENT_ACT_SAVE_STATE));
    assert_false(logged("clock"));
}

/* ---- INVENTORY, CHECK_NOW, FORWARDED ---- */

static void test_agent_inventory_forwards(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    assert_non_null(find(AGENT_ACT_FORWARD));
    assert_int_equal(st.phase, AGENT_PHASE_FORWARDING);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_CHECKING);
    assert_non_null(find(AGENT_ACT_STATUS));
}

static void test_agent_share_backoff_waits_for_timer(void **state)
{
    (void)state;
    st.share_failures = 1;
    st.share_retry_at = T0 + 300;
    run(AGENT_EV_INVENTORY, T0);
    assert_null(find(AGENT_ACT_FORWARD));
    assert_int_equal(st.phase, AGENT_PHASE_IDLE);
    assert_int_equal(scheduled(), T0 + 300);
    assert_true(logged("waiting"));

    run(AGENT_EV_CHECK_NOW, T0 + 10); /* the user cannot bypass the share's backoff */
    assert_null(find(AGENT_ACT_FORWARD));

    run(AGENT_EV_TIMER, T0 + 300);
    assert_non_null(find(AGENT_ACT_FORWARD));
    assert_int_equal(st.phase, AGENT_PHASE_FORWARDING);
}

static void test_agent_forward_ok_resets_share_failures_and_reads_versions(void **state)
{
    (void)state;
    st.share_failures = 3;
    snprintf(st.last_error, sizeof st.last_error, "logon server share unreachable: x");
    run(AGENT_EV_INVENTORY, T0);
    forwarded(T0 + 5, true, 2, "");
    assert_int_equal(st.share_failures, 0);
    assert_int_equal(st.share_retry_at, 0);
    assert_int_equal(st.last_forwarded, 2);
    assert_int_equal(st.last_pass, T0 + 5);
    assert_string_equal(st.last_error, "");
    assert_non_null(find(AGENT_ACT_READ_VERSIONS));
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    assert_int_equal(st.phase, AGENT_PHASE_CHECKING);
}

static void test_agent_forward_failure_sets_error_and_backs_off(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded(T0, false, 0, "Access is denied.");
    assert_int_equal(st.share_failures, 1);
    assert_int_equal(st.share_retry_at, T0 + 300);
    assert_int_equal(scheduled(), T0 + 300);
    assert_int_equal(st.phase, AGENT_PHASE_IDLE);
    assert_non_null(strstr(st.last_error, "Access is denied."));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    assert_non_null(find(AGENT_ACT_STATUS));
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    assert_true(logged("failure 1"));
}

static void test_agent_backoff_doubles_and_caps(void **state)
{
    (void)state;
    const agent_time expect[] = {300, 600, 1200, 2400, 4800, 9600, 14400, 14400, 14400};
    agent_time now = T0;
    run(AGENT_EV_INVENTORY, now);
    for (unsigned i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        forwarded(now, false, 0, "The network path was not found.");
        assert_int_equal(st.share_failures, i + 1);
        assert_int_equal(st.share_retry_at - now, expect[i]);
        assert_int_equal(scheduled(), now + expect[i]);
        /* Nothing sooner: an inventory file before the retry does not forward. */
        run(AGENT_EV_INVENTORY, now + expect[i] - 1);
        assert_null(find(AGENT_ACT_FORWARD));
        now += expect[i];
        run(AGENT_EV_TIMER, now);
        assert_non_null(find(AGENT_ACT_FORWARD));
    }
}

static void test_agent_inventory_during_pass_forwards_again_after(void **state)
{
    (void)state;
    pass_to_versions(T0);
    run(AGENT_EV_INVENTORY, T0 + 1);
    assert_null(find(AGENT_ACT_FORWARD));
    assert_true(st.pass_again);
    versions(T0 + 2, known(100), known(100));
    assert_non_null(find(AGENT_ACT_FORWARD));
    assert_int_equal(st.phase, AGENT_PHASE_FORWARDING);
}

static void test_agent_out_of_phase_event_is_ignored(void **state)
{
    (void)state;
    versions(T0, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    assert_int_equal(st.has_result, false);
    assert_true(logged("ignored"));
    setup_exited(T0, 0);
    assert_false(st.setup_ok);
    forwarded(T0, false, 0, "x");
    assert_int_equal(st.share_failures, 0);
}

static void test_agent_lost_pass_is_restarted_after_hours(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0); /* FORWARDED never comes */
    run(AGENT_EV_INVENTORY, T0 + 60);
    assert_null(find(AGENT_ACT_FORWARD));
    run(AGENT_EV_INVENTORY, T0 + 5 * HOUR);
    assert_non_null(find(AGENT_ACT_FORWARD));
    assert_true(logged("never finished"));
}

/* ---- VERSIONS and Client Setup ---- */

static void test_agent_unknown_version_never_runs_setup(void **state)
{
    (void)state;
    const clv_status bad[] = {CLV_MISSING,  CLV_EMPTY,      CLV_NOT_NUMERIC,
                              CLV_OVERFLOW, CLV_FILE_ERROR, CLV_UNREADABLE};
    char expect[80];
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pass(T0 + i, unknown(bad[i]), known(1764000100));
        assert_null(find(AGENT_ACT_RUN_SETUP));
        snprintf(expect, sizeof expect, "local (%s)", clv_status_text(bad[i]));
        assert_true(logged(expect));
        assert_int_equal(st.last_result, CLV_UNKNOWN);
        assert_int_equal(st.phase, AGENT_PHASE_IDLE);
    }
    const clv_status sbad[] = {CLV_MISSING, CLV_EMPTY, CLV_NOT_NUMERIC, CLV_OVERFLOW,
                               CLV_FILE_ERROR};
    for (unsigned i = 0; i < sizeof sbad / sizeof sbad[0]; i++) {
        pass(T0 + 100 + i, known(1764000000), unknown(sbad[i]));
        assert_null(find(AGENT_ACT_RUN_SETUP));
        snprintf(expect, sizeof expect, "server (%s)", clv_status_text(sbad[i]));
        assert_true(logged(expect));
        assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    }
    assert_false(st.setup_ran);
}

static void test_agent_same_version_is_up_to_date_and_clears_error(void **state)
{
    (void)state;
    snprintf(st.last_error, sizeof st.last_error, "old trouble");
    pass(T0, known(835643765), known(835643765));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    assert_string_equal(st.last_error, "");
    assert_int_equal(st.last_result, CLV_SAME);
    assert_true(st.has_result);
    assert_int_equal(st.last_check, T0);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_UP_TO_DATE);
    assert_true(logged("835643765"));
}

static void test_agent_differing_versions_run_setup_for_server_version(void **state)
{
    (void)state;
    pass(T0, known(1764000000), known(1764000100));
    const agent_action *a = must_find(AGENT_ACT_RUN_SETUP);
    assert_non_null(a);
    assert_int_equal(a->version, 1764000100u);
    assert_int_equal(st.phase, AGENT_PHASE_SETUP);
    assert_true(st.setup_ran);
    assert_int_equal(st.setup_version, 1764000100u);
    assert_int_equal(st.last_result, CLV_DIFFERS);
    assert_true(logged("1764000000"));
    assert_true(logged("1764000100"));
    /* An older server version differs too: it is still the site's word. */
    setup_exited(T0, SETUP_EXIT_OK);
    pass(T0 + HOUR, known(1764000100), known(1764000000));
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
}

/* A step whose commands are all jobs starts them before it saves and
 * updates the icon: the pass's next job waits for neither (agent.c's
 * head says why a crash cannot tell the orders apart). */
static void test_agent_jobs_start_before_the_save_and_status(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    assert_true(index_of(AGENT_ACT_FORWARD) < index_of(AGENT_ACT_STATUS));
    forwarded(T0, true, 1, "");
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    assert_true(index_of(AGENT_ACT_READ_VERSIONS) < index_of(AGENT_ACT_SAVE_STATE));
    assert_true(index_of(AGENT_ACT_READ_VERSIONS) < index_of(AGENT_ACT_STATUS));
    versions(T0, known(1764000000), known(1764000100));
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    assert_true(index_of(AGENT_ACT_RUN_SETUP) < index_of(AGENT_ACT_SAVE_STATE));
    assert_true(index_of(AGENT_ACT_SAVE_STATE) < index_of(AGENT_ACT_STATUS));
    /* The log lines still come first: they say what the job is for. */
    assert_true(out.a[0].type == AGENT_ACT_LOG);
}

static void test_agent_never_runs_setup_twice_for_same_server_version(void **state)
{
    (void)state;
    pass(T0, known(1), known(2));
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
    setup_exited(T0 + 30, SETUP_EXIT_OK);
    assert_true(st.setup_ok);
    /* SMS.INI differs again later (an admin restored an old copy,
     * whatever the reason): no second run for the same server version. */
    pass(T0 + HOUR, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    assert_true(logged("already ran for this version"));
    run(AGENT_EV_CHECK_NOW, T0 + 2 * HOUR);
    forwarded(T0 + 2 * HOUR, true, 0, "");
    versions(T0 + 2 * HOUR, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
}

static void test_agent_setup_success_exit_codes(void **state)
{
    (void)state;
    const int32_t ok[] = {SETUP_EXIT_OK, SETUP_EXIT_REQUEST_FILED, SETUP_EXIT_LOGOFF_NEEDED};
    for (unsigned i = 0; i < 3; i++) {
        setup(NULL);
        pass(T0, known(1), known(2));
        setup_exited(T0 + 20, ok[i]);
        assert_true(st.setup_ok);
        assert_int_equal(st.setup_failures, 0);
        assert_int_equal(st.setup_retry_at, 0);
        assert_int_equal(st.last_setup_exit, ok[i]);
        assert_string_equal(st.last_error, "");
        assert_non_null(find(AGENT_ACT_READ_REPORT));
        assert_int_equal(st.phase, AGENT_PHASE_IDLE);
        assert_int_equal(st.request_since, ok[i] == SETUP_EXIT_REQUEST_FILED ? T0 + 20 : 0);
    }
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_UP_TO_DATE);
    setup(NULL);
    pass(T0, known(1), known(2));
    setup_exited(T0 + 20, SETUP_EXIT_REQUEST_FILED);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_REQUEST_PENDING);
}

static void test_agent_setup_failure_counts_and_reads_report(void **state)
{
    (void)state;
    const int32_t bad[] = {1, SETUP_EXIT_USAGE, SETUP_EXIT_BAD_INPUT, SETUP_EXIT_IO, -1073741819};
    for (unsigned i = 0; i < 5; i++) {
        setup(NULL);
        pass(T0, known(1), known(2));
        setup_exited(T0 + 20, bad[i]);
        assert_false(st.setup_ok);
        assert_int_equal(st.setup_failures, 1);
        assert_int_equal(st.setup_retry_at, T0 + 20 + 900);
        assert_int_equal(st.last_setup_exit, bad[i]);
        assert_non_null(find(AGENT_ACT_READ_REPORT));
        assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
        assert_true(logged("failure 1 of 5"));
        /* Setup retries are never timer-driven. */
        assert_int_equal(scheduled(), 0);
    }
}

static void test_agent_local_version_shown_is_the_one_setup_wrote(void **state)
{
    agent_event e;
    (void)state;
    pass(T0, known(1), known(2));
    e = ev_of(AGENT_EV_SETUP_EXITED, T0 + 5);
    e.exit_code = 0;
    e.local = known(2);
    e.has_local = true;
    step_ev(&e);
    assert_int_equal(st.local.value, 2);
    assert_int_equal(st.last_result, CLV_SAME);
}

static void test_agent_admin_policy_narrows_the_deferral_choices(void **state)
{
    (void)state;
    cfg.deferral_choices = AGENT_CHOICE_1H;
    restart_reported(T0, 7);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->choices, AGENT_CHOICE_1H);
}

static void test_agent_later_pass_in_backoff_keeps_why_setup_failed(void **state)
{
    (void)state;
    pass(T0, known(1), known(2));
    run(AGENT_EV_SETUP_TIMED_OUT, T0 + 600);
    /* The next inventory pass comes before the retry time: no run, and the
     * status still says the run timed out, not a bare exit code. */
    pass(T0 + 700, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    assert_non_null(strstr(st.last_error, "timed out"));
    assert_null(strstr(st.last_error, "exit -1"));
}

static void test_agent_setup_timeout_and_not_started_are_failures(void **state)
{
    (void)state;
    pass(T0, known(1), known(2));
    run(AGENT_EV_SETUP_TIMED_OUT, T0 + 600);
    assert_int_equal(st.last_setup_exit, AGENT_SETUP_TIMED_OUT);
    assert_int_equal(st.setup_failures, 1);
    assert_false(st.setup_ok);
    assert_true(logged("timed out"));
    assert_non_null(find(AGENT_ACT_READ_REPORT));

    setup(NULL);
    pass(T0, known(1), known(2));
    agent_event e = ev_of(AGENT_EV_SETUP_NOT_STARTED, T0 + 1);
    snprintf(e.error, sizeof e.error, "The system cannot find the file specified.");
    step_ev(&e);
    assert_int_equal(st.last_setup_exit, AGENT_SETUP_NOT_STARTED);
    assert_int_equal(st.setup_failures, 1);
    assert_true(logged("cannot find the file"));
    assert_non_null(strstr(st.last_error, "did not start"));
}

static void test_agent_failed_setup_waits_for_its_backoff(void **state)
{
    (void)state;
    pass(T0, known(1), known(2));
    setup_exited(T0, 65);
    pass(T0 + 899, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    assert_true(logged("next try not before"));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    pass(T0 + 900, known(1), known(2));
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
}

static void test_agent_setup_backoff_doubles_and_caps(void **state)
{
    (void)state;
    cfg.setup_max_failures = 100;
    const agent_time expect[] = {900, 1800, 3600, 7200, 14400, 28800, 57600, 86400, 86400};
    agent_time now = T0;
    for (unsigned i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        pass(now, known(1), known(2));
        assert_non_null(find(AGENT_ACT_RUN_SETUP));
        setup_exited(now, 74);
        assert_int_equal(st.setup_failures, i + 1);
        assert_int_equal(st.setup_retry_at - now, expect[i]);
        now += expect[i];
    }
}

static void test_agent_check_now_bypasses_setup_wait_not_cap(void **state)
{
    (void)state;
    cfg.setup_max_failures = 2;
    pass(T0, known(1), known(2));
    setup_exited(T0, 1);
    /* The user asks: the wait after a failure is skipped... */
    run(AGENT_EV_CHECK_NOW, T0 + 10);
    forwarded(T0 + 10, true, 0, "");
    versions(T0 + 10, known(1), known(2));
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
    assert_true(logged("asked by the user"));
    setup_exited(T0 + 20, 1);
    assert_int_equal(st.setup_failures, 2);
    /* ...but not the cap. */
    run(AGENT_EV_CHECK_NOW, T0 + 30);
    forwarded(T0 + 30, true, 0, "");
    versions(T0 + 30, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    /* And an inventory pass does not inherit the user's bypass. */
    cfg.setup_max_failures = 5;
    pass(T0 + 40, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
}

static void test_agent_setup_gives_up_after_max_failures(void **state)
{
    (void)state;
    agent_time now = T0;
    for (unsigned i = 0; i < cfg.setup_max_failures; i++) {
        pass(now, known(1), known(2));
        assert_non_null(find(AGENT_ACT_RUN_SETUP));
        setup_exited(now, 65);
        now = st.setup_retry_at;
    }
    assert_int_equal(st.setup_failures, 5);
    assert_true(logged("no more runs"));
    pass(now + 30 * 24 * HOUR, known(1), known(2));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    assert_true(logged("5 of 5"));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
}

static void test_agent_new_server_version_resets_failures(void **state)
{
    (void)state;
    agent_time now = T0;
    for (unsigned i = 0; i < cfg.setup_max_failures; i++) {
        pass(now, known(1), known(2));
        setup_exited(now, 65);
        now = st.setup_retry_at;
    }
    pass(now, known(1), known(3));
    const agent_action *a = must_find(AGENT_ACT_RUN_SETUP);
    assert_non_null(a);
    assert_int_equal(a->version, 3);
    assert_int_equal(st.setup_failures, 0);
    assert_true(logged("failure count reset"));
}

static void test_agent_unreadable_server_version_counts_as_share_failure(void **state)
{
    (void)state;
    pass(T0, known(1), unknown(CLV_UNREADABLE));
    assert_null(find(AGENT_ACT_RUN_SETUP));
    assert_int_equal(st.share_failures, 1);
    assert_int_equal(st.share_retry_at, T0 + 300);
    assert_int_equal(scheduled(), T0 + 300);
    assert_int_equal(st.last_result, CLV_UNKNOWN);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
}

/* ---- REPORT ---- */

static void test_agent_no_prompt_without_reported_change(void **state)
{
    (void)state;
    st.boot_time = BOOT1;
    report(T0, false, false, true, false, 0, "");
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_int_equal(scheduled(), 0);
    /* A change id alone is no change. */
    report(T0, false, false, true, false, 42, "Remote Control 2.0");
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
}

static void test_agent_reported_restart_prompts_once(void **state)
{
    (void)state;
    restart_reported(T0, 11);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(st.change_id, 11);
    assert_int_equal(st.pending_since, T0);
    assert_int_equal(st.pending_boot, BOOT1);
    assert_int_equal(st.pending_logon, LOGON1);
    assert_string_equal(st.components, "Inventory Agent 1.2.1");
    const agent_action *p = must_find(AGENT_ACT_PROMPT);
    assert_non_null(p);
    assert_int_equal(p->pending, AGENT_PENDING_RESTART);
    assert_string_equal(p->text, "Inventory Agent 1.2.1");
    assert_int_equal(p->choices, AGENT_CHOICE_1H | AGENT_CHOICE_4H | AGENT_CHOICE_TOMORROW);
    assert_int_equal(st.prompted_at, T0);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ACTION_NEEDED);
    assert_true(index_of(AGENT_ACT_SAVE_STATE) < index_of(AGENT_ACT_PROMPT));

    /* Re-read (every pass reads it): not shown again, nothing changes. */
    report(T0 + HOUR, true, false, true, false, 11, "Inventory Agent 1.2.1");
    assert_null(find(AGENT_ACT_PROMPT));
    assert_null(find(AGENT_ACT_SAVE_STATE));
    assert_int_equal(st.pending_since, T0);
    assert_true(logged("no new prompt"));
}

static void test_agent_restart_wins_over_logoff(void **state)
{
    (void)state;
    restart_reported(T0, 5);
    report(T0 + 60, false, true, true, false, 5, "x");
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    report(T0 + 60, false, true, true, false, 6, "Client Monitor 3.0");
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(st.change_id, 6);
    assert_int_equal(st.pending_since, T0);
    assert_true(logged("wins"));
    /* Both at once: restart. */
    setup(NULL);
    report(T0, true, true, true, false, 8, "x");
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->pending, AGENT_PENDING_RESTART);
}

static void test_agent_logoff_upgraded_to_restart_prompts_again(void **state)
{
    (void)state;
    st.boot_time = BOOT1;
    report(T0, false, true, true, false, 5, "Client Monitor 3.0");
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->pending, AGENT_PENDING_LOGOFF);
    report(T0 + 60, true, false, true, false, 5, "Inventory Agent 1.2.1");
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(st.pending_since, T0);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->pending, AGENT_PENDING_RESTART);
}

static void test_agent_change_already_done_is_ignored(void **state)
{
    (void)state;
    st.done_change_id = 12;
    report(T0, true, false, true, false, 12, "x");
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_true(logged("already done"));
}

static void test_agent_no_prompt_when_site_disallows(void **state)
{
    (void)state;
    st.boot_time = BOOT1;
    report(T0, true, false, false, false, 3, "x");
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.prompted_at, 0);
    assert_non_null(find(AGENT_ACT_STATUS));
    assert_true(logged("Prompt for Restart is 0"));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ACTION_NEEDED);
}

static void test_agent_no_prompt_when_policy_disables_prompts(void **state)
{
    (void)state;
    cfg.prompts_enabled = false;
    report(T0, true, false, true, false, 3, "x");
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_non_null(find(AGENT_ACT_STATUS));
    assert_true(logged("off by policy"));
    assert_int_equal(scheduled(), 0);
}

static void test_agent_no_prompt_within_quiet_time_after_logon(void **state)
{
    (void)state;
    cfg.quiet_after_logon_s = 900;
    st.boot_time = BOOT1;
    st.logon_time = T0 - 60;
    report(T0, true, false, true, false, 3, "x");
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(scheduled(), T0 - 60 + 900);
    assert_true(logged("after logon"));
    run(AGENT_EV_TIMER, T0 - 60 + 900);
    assert_non_null(find(AGENT_ACT_PROMPT));
}

static void test_agent_deferred_change_not_prompted_on_reread(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0 + 10, AGENT_USER_LATER_4H, 0);
    report(T0 + HOUR, true, false, true, false, 3, "x");
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(scheduled(), T0 + 10 + 4 * HOUR);
    assert_true(logged("deferred until"));
    /* Read again after the deferral ended (the agent was not running): prompt. */
    report(T0 + 5 * HOUR, true, false, true, false, 3, "x");
    assert_non_null(find(AGENT_ACT_PROMPT));
}

static void test_agent_site_cleared_change_is_dropped(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0 + 10, AGENT_USER_LATER_1H, 0);
    report(T0 + 60, false, false, true, false, 3, "");
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_int_equal(st.deferred_until, 0);
    assert_int_equal(st.done_change_id, 0);
    assert_int_equal(scheduled(), 0);
    assert_true(logged("cleared"));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_UP_TO_DATE);
}

static void test_agent_request_since_follows_the_queue(void **state)
{
    (void)state;
    pass(T0, known(1), known(2));
    setup_exited(T0 + 5, SETUP_EXIT_REQUEST_FILED);
    report(T0 + 6, false, false, true, true, 0, "");
    assert_int_equal(st.request_since, T0 + 5);
    report(T0 + 600, false, false, true, false, 0, "");
    assert_int_equal(st.request_since, 0);
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    /* A change answered the request. */
    st.request_since = T0;
    report(T0 + 700, true, false, true, true, 4, "x");
    assert_int_equal(st.request_since, 0);
}

/* ---- USER_CHOICE ---- */

static void test_agent_restart_now_restarts(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0 + 10, AGENT_USER_RESTART_NOW, 0);
    assert_non_null(find(AGENT_ACT_RESTART));
    assert_true(index_of(AGENT_ACT_SAVE_STATE) < index_of(AGENT_ACT_RESTART));
    /* A reminder in case Windows did not restart. */
    assert_int_equal(scheduled(), T0 + 10 + HOUR);
}

static void test_agent_logoff_now_only_for_pending_logoff(void **state)
{
    (void)state;
    st.boot_time = BOOT1;
    report(T0, false, true, true, false, 3, "x");
    choose(T0 + 10, AGENT_USER_LOGOFF_NOW, 0);
    assert_non_null(find(AGENT_ACT_LOGOFF));

    setup(NULL);
    restart_reported(T0, 3);
    choose(T0 + 10, AGENT_USER_LOGOFF_NOW, 0);
    assert_null(find(AGENT_ACT_LOGOFF));
    assert_null(find(AGENT_ACT_RESTART));
    assert_true(logged("ignored"));
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
}

static void test_agent_later_choices_defer(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0, AGENT_USER_LATER_1H, 0);
    assert_int_equal(st.deferred_until, T0 + HOUR);
    assert_int_equal(scheduled(), T0 + HOUR);
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    choose(T0, AGENT_USER_LATER_4H, 0);
    assert_int_equal(st.deferred_until, T0 + 4 * HOUR);
    choose(T0, AGENT_USER_DISMISSED, 0);
    assert_int_equal(st.deferred_until, T0 + HOUR);
}

static void test_agent_later_tomorrow_is_nine_local(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0, AGENT_USER_LATER_TOMORROW, 3600);        /* 17:00 at UTC+1 */
    assert_int_equal(st.deferred_until, 1764057600ull); /* 2025-11-25 08:00 UTC */
    choose(T0, AGENT_USER_LATER_TOMORROW, -18000);      /* 11:00 at UTC-5 */
    assert_int_equal(st.deferred_until, 1764079200ull); /* 2025-11-25 14:00 UTC */
    choose(T0, AGENT_USER_LATER_TOMORROW, 36000);       /* 02:00 on the 25th at UTC+10 */
    assert_int_equal(st.deferred_until, 1764111600ull); /* 2025-11-25 23:00 UTC */
}

static void test_agent_deferral_clamped_to_deadline(void **state)
{
    (void)state;
    cfg.deadline_s = 8 * HOUR;
    restart_reported(T0, 3);
    /* T0 is 16:00 UTC: tomorrow 09:00 is past the deadline (24:00). */
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->choices, AGENT_CHOICE_1H | AGENT_CHOICE_4H);
    choose(T0 + 5 * HOUR, AGENT_USER_LATER_4H, 0);
    assert_int_equal(st.deferred_until, T0 + 8 * HOUR);
    assert_true(logged("deadline"));
    choose(T0 + 5 * HOUR, AGENT_USER_LATER_TOMORROW, 0);
    assert_int_equal(st.deferred_until, T0 + 8 * HOUR);
}

static void test_agent_deadline_brings_the_final_countdown_not_reminders(void **state)
{
    (void)state;
    cfg.deadline_s = 8 * HOUR;
    restart_reported(T0, 3);
    choose(T0, AGENT_USER_LATER_4H, 0);
    run(AGENT_EV_TIMER, T0 + 4 * HOUR);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->choices,
                     AGENT_CHOICE_1H); /* 4 h would end at 8 h */
    choose(T0 + 4 * HOUR, AGENT_USER_LATER_4H, 0);
    assert_int_equal(st.deferred_until, T0 + 8 * HOUR);
    /* At the deadline: no more choices, the final countdown (issue 14). */
    run(AGENT_EV_TIMER, T0 + 8 * HOUR);
    assert_null(find(AGENT_ACT_PROMPT));
    const agent_action *c = must_find(AGENT_ACT_COUNTDOWN);
    assert_int_equal(c->at, T0 + 8 * HOUR + 15 * 60);
    assert_int_equal(c->pending, AGENT_PENDING_RESTART);
    assert_int_equal(scheduled(), T0 + 8 * HOUR + 15 * 60);
    /* It cannot be postponed. */
    choose(T0 + 8 * HOUR + 60, AGENT_USER_DISMISSED, 0);
    assert_int_equal(st.deferred_until, 0);
    assert_int_equal(st.countdown_end, T0 + 8 * HOUR + 15 * 60);
    assert_true(logged("cannot be postponed"));
    /* Its end asks Windows to restart; should Windows not (a program kept
     * it), the countdown comes again an hour later, never in a loop. */
    run(AGENT_EV_TIMER, T0 + 8 * HOUR + 15 * 60);
    assert_non_null(find(AGENT_ACT_RESTART));
    assert_int_equal(st.countdown_end, 0);
    assert_int_equal(scheduled(), T0 + 9 * HOUR + 15 * 60);
    run(AGENT_EV_TIMER, T0 + 9 * HOUR + 15 * 60);
    assert_non_null(find(AGENT_ACT_COUNTDOWN));
}

static void test_agent_choice_with_nothing_pending_is_ignored(void **state)
{
    (void)state;
    choose(T0, AGENT_USER_RESTART_NOW, 0);
    assert_null(find(AGENT_ACT_RESTART));
    assert_null(find(AGENT_ACT_SAVE_STATE));
    assert_true(logged("nothing pending"));
}

/* ---- TIMER, SESSION_ENDING, scheduling ---- */

static void test_agent_timer_prompts_when_deferral_due(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0, AGENT_USER_LATER_1H, 0);
    run(AGENT_EV_TIMER, T0 + HOUR - 1); /* early: nothing */
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(scheduled(), T0 + HOUR);
    run(AGENT_EV_TIMER, T0 + HOUR);
    assert_non_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.deferred_until, 0);
    assert_int_equal(st.prompted_at, T0 + HOUR);
    assert_int_equal(scheduled(), 0);
}

static void test_agent_timer_retries_share_when_due(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded(T0, false, 0, "x");
    run(AGENT_EV_TIMER, T0 + 299);
    assert_null(find(AGENT_ACT_FORWARD));
    assert_true(logged("nothing due"));
    run(AGENT_EV_TIMER, T0 + 300);
    assert_non_null(find(AGENT_ACT_FORWARD));
}

static void forwarded_busy(agent_time now, uint32_t count, uint32_t busy)
{
    agent_event e = ev_of(AGENT_EV_FORWARDED, now);
    e.ok = true;
    e.count = count;
    e.busy = busy;
    step_ev(&e);
}

static void test_agent_file_being_written_skips_the_check_and_retries(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded_busy(T0, 0, 1);
    assert_null(find(AGENT_ACT_READ_VERSIONS));
    assert_int_equal(st.phase, AGENT_PHASE_IDLE);
    assert_int_equal(st.busy_retry_at, T0 + AGENT_BUSY_RETRY_FIRST_S);
    assert_int_equal(scheduled(), T0 + AGENT_BUSY_RETRY_FIRST_S);
    assert_true(logged("still being written"));
    run(AGENT_EV_TIMER, T0 + AGENT_BUSY_RETRY_FIRST_S);
    assert_non_null(find(AGENT_ACT_FORWARD));
    /* Closed meanwhile: forwarded, checked, no timer left. */
    forwarded_busy(T0 + AGENT_BUSY_RETRY_FIRST_S, 1, 0);
    assert_non_null(find(AGENT_ACT_READ_VERSIONS));
    assert_int_equal(st.busy_retry_at, 0);
    assert_int_equal(st.busy_retries, 0);
    versions(T0 + AGENT_BUSY_RETRY_FIRST_S, known(7), known(7));
    assert_int_equal(scheduled(), 0);
}

static void test_agent_file_held_open_retries_are_doubled_and_bounded(void **state)
{
    (void)state;
    agent_time now = T0, wait = AGENT_BUSY_RETRY_FIRST_S;
    run(AGENT_EV_INVENTORY, now);
    forwarded_busy(now, 0, 1);
    for (unsigned i = 1; i < AGENT_BUSY_RETRIES; i++) {
        now += wait;
        wait *= 2;
        run(AGENT_EV_TIMER, now);
        assert_non_null(find(AGENT_ACT_FORWARD));
        forwarded_busy(now, 0, 1);
        assert_int_equal(scheduled(), now + wait);
    }
    now += wait;
    run(AGENT_EV_TIMER, now);
    forwarded_busy(now, 0, 1);
    assert_int_equal(st.busy_retry_at, 0);
    assert_int_equal(scheduled(), 0);
    assert_true(logged("waiting for the next change"));
    /* The writer writes again: a new change starts the doubling over. */
    run(AGENT_EV_INVENTORY, now + 1);
    forwarded_busy(now + 1, 0, 1);
    assert_int_equal(scheduled(), now + 1 + AGENT_BUSY_RETRY_FIRST_S);
}

static void test_agent_file_being_written_beside_others_still_checks(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded_busy(T0, 2, 1);
    assert_non_null(find(AGENT_ACT_READ_VERSIONS));
    assert_int_equal(st.busy_retry_at, T0 + AGENT_BUSY_RETRY_FIRST_S);
    /* And a check the user asked for checks even with nothing forwarded. */
    versions(T0, known(7), known(7));
    run(AGENT_EV_CHECK_NOW, T0 + 1);
    forwarded_busy(T0 + 1, 0, 1);
    assert_non_null(find(AGENT_ACT_READ_VERSIONS));
}

static void test_agent_second_wakeup_for_a_taken_file_checks_nothing(void **state)
{
    (void)state;
    /* One .RAW, two wake-ups: the second queues a pass behind the first. */
    run(AGENT_EV_INVENTORY, T0);
    run(AGENT_EV_INVENTORY, T0);
    assert_true(st.pass_again);
    forwarded(T0, true, 1, "");
    versions(T0, known(7), known(7));
    assert_non_null(find(AGENT_ACT_FORWARD)); /* the queued pass */
    forwarded(T0, true, 0, "");
    assert_null(find(AGENT_ACT_READ_VERSIONS));
    assert_int_equal(st.phase, AGENT_PHASE_IDLE);
    assert_true(logged("no check"));
    /* The user's own check still checks with nothing to forward. */
    run(AGENT_EV_CHECK_NOW, T0 + 1);
    forwarded(T0 + 1, true, 0, "");
    assert_non_null(find(AGENT_ACT_READ_VERSIONS));
}

static void test_agent_session_ending_only_saves(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    run(AGENT_EV_SESSION_ENDING, T0 + 1);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.a[0].type, AGENT_ACT_SAVE_STATE);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
}

static void test_agent_idle_schedules_no_timer(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    assert_int_equal(scheduled(), 0);
    forwarded(T0, true, 0, "");
    assert_int_equal(scheduled(), 0);
    versions(T0, known(7), known(7));
    assert_int_equal(scheduled(), 0);
    report(T0, false, false, true, false, 0, "");
    assert_int_equal(scheduled(), 0);
    run(AGENT_EV_TIMER, T0 + 1);
    assert_int_equal(scheduled(), 0);
    assert_int_equal(out.n, 2); /* the log line and the schedule */
}

static void test_agent_earliest_time_is_scheduled(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0, AGENT_USER_LATER_4H, 0);
    run(AGENT_EV_INVENTORY, T0 + 1);
    forwarded(T0 + 1, false, 0, "x"); /* retry at T0 + 301 */
    assert_int_equal(scheduled(), T0 + 301);
    run(AGENT_EV_TIMER, T0 + 301);
    forwarded(T0 + 301, true, 0, "");
    assert_int_equal(scheduled(), T0 + 4 * HOUR);
}

static void test_agent_saves_only_when_persisted_fields_change(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0); /* phase only */
    assert_null(find(AGENT_ACT_SAVE_STATE));
    assert_non_null(find(AGENT_ACT_STATUS));
    forwarded(T0, true, 1, "");
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    versions(T0, known(4), known(4));
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    report(T0, false, false, true, false, 0, "");
    assert_null(find(AGENT_ACT_SAVE_STATE));
    assert_null(find(AGENT_ACT_STATUS));
}

static void test_agent_deferral_survives_restart(void **state)
{
    (void)state;
    restart_reported(T0, 21);
    choose(T0 + 5, AGENT_USER_LATER_4H, 0);
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&st, buf, sizeof buf);
    assert_true(n > 0);

    /* The agent exits (logoff) and starts in a new session, same boot. */
    agent_state loaded;
    state_error err;
    assert_int_equal(state_parse(buf, n, &loaded, &err), STATE_OK);
    st = loaded;
    start(T0 + HOUR, BOOT1, T0 + HOUR - 30);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(scheduled(), T0 + 5 + 4 * HOUR);
    report(T0 + HOUR, true, false, true, false, 21, "Inventory Agent 1.2.1");
    assert_null(find(AGENT_ACT_PROMPT));
    run(AGENT_EV_TIMER, T0 + 5 + 4 * HOUR);
    const agent_action *p = must_find(AGENT_ACT_PROMPT);
    assert_non_null(p);
    assert_int_equal(p->pending, AGENT_PENDING_RESTART);
    assert_string_equal(p->text, "Inventory Agent 1.2.1");
}

/* ---- a real SMS 1.2 site: Reboot Required alone ---- */

#define BOOT2 (T0 + 2 * HOUR) /* a later boot */

/* The report a documented-only site gives: the flag and the key's last
 * write time, no Change Id, no Changed Components. */
static agent_event bare_report(agent_time now, agent_time written)
{
    agent_event e = ev_of(AGENT_EV_REPORT, now);
    e.report.restart = true;
    e.report.prompt_allowed = true;
    e.report.written = written;
    e.uptime_s = now > BOOT1 ? now - BOOT1 : 0;
    return e;
}

static void bare(agent_time now, agent_time written)
{
    agent_event e = bare_report(now, written);
    step_ev(&e);
}

static void start_up(agent_time now, agent_time boot, uint64_t uptime, uint32_t boot_id)
{
    agent_event e = ev_of(AGENT_EV_START, now);
    e.boot_time = boot;
    e.logon_time = boot + 60;
    e.uptime_s = uptime;
    e.boot_id = boot_id;
    step_ev(&e);
}

static void test_agent_bare_reboot_required_is_a_change_prompted_once(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    bare(T0 + 10, T0 + 5);
    const agent_action *p = must_find(AGENT_ACT_PROMPT);
    assert_int_equal(p->pending, AGENT_PENDING_RESTART);
    assert_string_equal(p->text, ""); /* the dialog says it plainly */
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(st.change_id, 0);
    assert_int_equal(st.change_written, T0 + 5);
    assert_int_equal(st.pending_uptime, T0 + 10 - BOOT1);
    assert_true(logged("the change written"));
    /* The same key read again (any pass, the registry watch): no prompt. */
    bare(T0 + 600, T0 + 5);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_true(logged("already shown"));
    /* The agent restarts in the same boot: still pending, still once. */
    start_up(T0 + 700, BOOT1, T0 + 700 - BOOT1, 0);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    bare(T0 + 701, T0 + 5);
    assert_null(find(AGENT_ACT_PROMPT));
}

static void test_agent_bare_flag_names_the_components_written_with_it(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    agent_event e = bare_report(T0 + 10, T0 + 5);
    e.report.ncomponents = 3;
    snprintf(e.report.component[0].text, AGENT_COMPONENT_TEXT, "Inventory Agent 1.2.1");
    e.report.component[0].written = T0 + 4; /* the manager, just before the flag */
    snprintf(e.report.component[1].text, AGENT_COMPONENT_TEXT, "Package Command Manager 1.2");
    e.report.component[1].written = T0 - 30 * 86400; /* untouched for a month */
    snprintf(e.report.component[2].text, AGENT_COMPONENT_TEXT, "Remote\r\nControl 2.0");
    e.report.component[2].written = T0 - 600;
    step_ev(&e);
    assert_string_equal(must_find(AGENT_ACT_PROMPT)->text,
                        "Inventory Agent 1.2.1, Remote  Control 2.0");
    /* Our request was filed a minute before: what was written before it
     * (a first install ten minutes ago) is not this change. */
    setup(NULL);
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    st.request_since = T0 - 60;
    e.now = T0 + 11;
    step_ev(&e);
    assert_string_equal(must_find(AGENT_ACT_PROMPT)->text, "Inventory Agent 1.2.1");
    /* Changed Components, where the site gives it, is the site's word. */
    setup(NULL);
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    e = bare_report(T0 + 10, T0 + 5);
    e.report.ncomponents = 1;
    snprintf(e.report.component[0].text, AGENT_COMPONENT_TEXT, "Inventory Agent 1.2.1");
    e.report.component[0].written = T0 + 4;
    snprintf(e.report.components, sizeof e.report.components, "Remote Control 2.0");
    step_ev(&e);
    assert_string_equal(must_find(AGENT_ACT_PROMPT)->text, "Remote Control 2.0");
}

static void test_agent_bare_flag_names_what_differs_from_the_last_look(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    /* The agent's first look: no flag, three components. */
    agent_event e = ev_of(AGENT_EV_REPORT, T0 + 1);
    e.report.prompt_allowed = true;
    e.report.components_read = true;
    e.report.ncomponents = 3;
    snprintf(e.report.component[0].text, AGENT_COMPONENT_TEXT, "Inventory Agent 1.2.0");
    snprintf(e.report.component[1].text, AGENT_COMPONENT_TEXT, "Remote Control 2.0");
    snprintf(e.report.component[2].text, AGENT_COMPONENT_TEXT, "Package Command Manager 1.2");
    step_ev(&e);
    assert_true(st.seen_known);
    assert_int_equal(st.seen.n, 3);
    assert_non_null(find(AGENT_ACT_SAVE_STATE)); /* survives a restart of the agent */
    /* The manager writes the version; the registry watch reads the key
     * before the flag is there. */
    snprintf(e.report.component[0].text, AGENT_COMPONENT_TEXT, "Inventory Agent 1.2.1");
    e.now = T0 + 99;
    step_ev(&e);
    assert_null(find(AGENT_ACT_PROMPT));
    /* The manager upgrades one and sets the flag; the others were written
     * at the same time (times say nothing here), their versions did not
     * change. */
    e = bare_report(T0 + 100, T0 + 99);
    e.report.components_read = true;
    e.report.ncomponents = 3;
    snprintf(e.report.component[0].text, AGENT_COMPONENT_TEXT, "Inventory Agent 1.2.1");
    snprintf(e.report.component[1].text, AGENT_COMPONENT_TEXT, "Remote Control 2.0");
    snprintf(e.report.component[2].text, AGENT_COMPONENT_TEXT, "Package Command Manager 1.2");
    for (unsigned i = 0; i < 3; i++)
        e.report.component[i].written = T0 + 98;
    step_ev(&e);
    assert_string_equal(must_find(AGENT_ACT_PROMPT)->text, "Inventory Agent 1.2.1");
    /* A bare flag with no component changed: the plain sentence. */
    setup(NULL);
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    e.now = T0 + 1;
    e.report.restart = false;
    step_ev(&e);
    e.now = T0 + 100;
    e.report.restart = true;
    step_ev(&e);
    assert_string_equal(must_find(AGENT_ACT_PROMPT)->text, "");
}

static void test_agent_bare_flag_later_survives_agent_restart(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    bare(T0 + 10, T0 + 5);
    choose(T0 + 20, AGENT_USER_LATER_4H, 0);
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&st, buf, sizeof buf);
    assert_true(n > 0);
    agent_state loaded;
    assert_int_equal(state_parse(buf, n, &loaded, NULL), STATE_OK);
    st = loaded;
    start_up(T0 + HOUR, BOOT1, T0 + HOUR - BOOT1, 0);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(scheduled(), T0 + 20 + 4 * HOUR);
    bare(T0 + HOUR + 1, T0 + 5);
    assert_null(find(AGENT_ACT_PROMPT));
    run(AGENT_EV_TIMER, T0 + 20 + 4 * HOUR);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->pending, AGENT_PENDING_RESTART);
}

/* Q270697: the site never clears Reboot Required. */
static void test_agent_flag_written_before_this_boot_is_done_not_prompted(void **state)
{
    (void)state;
    /* The agent first meets the flag after a restart that applied it. */
    start_up(BOOT2 + 120, BOOT2, 120, 0);
    bare(BOOT2 + 130, T0 + 5);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_true(logged("before this boot"));
    assert_int_equal(st.done_written, T0 + 5);
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    /* Read again: done, not a new change. */
    bare(BOOT2 + 600, T0 + 5);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_true(logged("already done"));
}

static void test_agent_restart_applies_bare_change_and_a_later_write_is_new(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    bare(T0 + 10, T0 + 5);
    assert_non_null(find(AGENT_ACT_PROMPT));
    /* The user restarts; the agent starts 2 minutes after the new boot. */
    start_up(BOOT2 + 120, BOOT2, 120, 0);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_non_null(find(AGENT_ACT_ANNOUNCE));
    assert_int_equal(st.done_written, T0 + 5);
    /* The flag is still 1 and the key unchanged: done, no prompt. */
    bare(BOOT2 + 121, T0 + 5);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    /* The manager sets the flag again for another change: a new prompt. */
    bare(BOOT2 + 3600, BOOT2 + 3590);
    assert_non_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(st.change_written, BOOT2 + 3590);
}

static void test_agent_bare_change_prompted_again_only_after_a_deferral(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    bare(T0 + 10, T0 + 5);
    assert_non_null(find(AGENT_ACT_PROMPT));
    for (agent_time t = T0 + 60; t < T0 + 12 * HOUR; t += 1800) {
        bare(t, T0 + 5);
        assert_null(find(AGENT_ACT_PROMPT));
        run(AGENT_EV_TIMER, t + 1);
        assert_null(find(AGENT_ACT_PROMPT));
    }
    choose(T0 + 12 * HOUR, AGENT_USER_LATER_1H, 0);
    run(AGENT_EV_TIMER, T0 + 13 * HOUR);
    assert_non_null(find(AGENT_ACT_PROMPT));
}

/* Issue 17.1: the clock steps; the boot Windows records moves with it. */
static void test_agent_clock_step_is_not_a_restart(void **state)
{
    (void)state;
    const long long steps[] = {-28, -24, -4, 4, 31, 59, 61, -3600, 1800};
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        setup(NULL);
        start_up(T0, BOOT1, T0 - BOOT1, 0); /* up 2 hours */
        bare(T0 + 10, T0 + 5);
        assert_int_equal(st.pending, AGENT_PENDING_RESTART);
        /* The agent starts again after a clock step: the boot time moved by
         * the step, the uptime kept counting. */
        agent_time moved = (agent_time)((long long)BOOT1 + steps[i]);
        start_up((agent_time)((long long)T0 + 100 + steps[i]), moved, T0 + 100 - BOOT1, 0);
        assert_int_equal(st.pending, AGENT_PENDING_RESTART);
        assert_false(logged("satisfied"));
    }
}

static void test_agent_restart_seen_by_uptime_or_by_a_boot_after_the_record(void **state)
{
    (void)state;
    /* Uptime went back: a restart, even with the clock set back an hour. */
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    bare(T0 + 10, T0 + 5);
    start_up(T0 + 200, T0 + 100 - 3600, 100, 0);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
    assert_true(logged("satisfied by a restart"));
    /* Logged on hours after the boot: the uptime is longer than at the
     * record, but the boot lies after it. */
    setup(NULL);
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    bare(T0 + 10, T0 + 5);
    start_up(T0 + 30 * HOUR, T0 + 20 * HOUR, 10 * HOUR, 0);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
}

static void test_agent_boot_id_decides_when_windows_gives_one(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 41);
    bare(T0 + 10, T0 + 5);
    assert_int_equal(st.pending_boot_id, 41);
    /* Same boot id: no restart, however far the clock moved. */
    start_up(T0 + 5 * HOUR, BOOT1 + 5 * HOUR, T0 - BOOT1, 41);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    /* Another boot id: a restart, whatever the clocks say. */
    start_up(T0 + 6 * HOUR, BOOT1, 7 * HOUR, 42);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
}

/* Issue 17.2: a logoff prompt is up when the change becomes a restart. */
static void test_agent_answer_to_a_replaced_prompt_is_not_taken(void **state)
{
    (void)state;
    start_up(T0, BOOT1, T0 - BOOT1, 0);
    report(T0 + 10, false, true, true, false, 2, "Help Desk Tools 1.1");
    uint32_t first = must_find(AGENT_ACT_PROMPT)->seq;
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->pending, AGENT_PENDING_LOGOFF);
    report(T0 + 20, true, false, true, false, 3, "Inventory Agent 1.2.1");
    const agent_action *p = must_find(AGENT_ACT_PROMPT);
    assert_int_equal(p->pending, AGENT_PENDING_RESTART);
    uint32_t second = p->seq;
    assert_int_not_equal(first, second);
    /* The open logoff dialog's buttons answer the first prompt. */
    agent_event e = ev_of(AGENT_EV_USER_CHOICE, T0 + 30);
    e.choice = AGENT_USER_LOGOFF_NOW;
    e.prompt_seq = first;
    step_ev(&e);
    assert_null(find(AGENT_ACT_LOGOFF));
    assert_true(logged("replaced it"));
    e.choice = AGENT_USER_LATER_TOMORROW;
    step_ev(&e);
    assert_int_equal(st.deferred_until, 0);
    e.choice = AGENT_USER_DISMISSED;
    step_ev(&e);
    assert_int_equal(st.deferred_until, 0);
    /* The restart prompt's own answer counts. */
    e.choice = AGENT_USER_LATER_1H;
    e.prompt_seq = second;
    step_ev(&e);
    assert_int_equal(st.deferred_until, T0 + 30 + HOUR);
    /* A restart from any prompt (or the menu, seq 0) applies every change. */
    e.choice = AGENT_USER_RESTART_NOW;
    e.prompt_seq = first;
    step_ev(&e);
    assert_non_null(find(AGENT_ACT_RESTART));
}

/* Issue 11.4: CLI_NT.EXE documents no exit codes. */
static void test_agent_setup_judged_by_what_it_left_not_its_exit_code(void **state)
{
    (void)state;
    const int32_t codes[] = {0, 1, 10, 11, 255, -1073741819, 3};
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        setup(NULL);
        pass(T0, known(1), known(2));
        setup_left(T0 + 20, codes[i], true, false);
        assert_true(st.setup_ok);
        assert_int_equal(st.setup_failures, 0);
        assert_string_equal(st.last_error, "");
        char num[32];
        snprintf(num, sizeof num, "code %ld", (long)codes[i]);
        assert_true(logged(num));
        /* The same codes with SMS.INI left behind: a failed run. */
        setup(NULL);
        pass(T0, known(1), known(2));
        setup_left(T0 + 20, codes[i], false, false);
        assert_false(st.setup_ok);
        assert_int_equal(st.setup_failures, 1);
        assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    }
    assert_true(logged("not a code Climon knows"));
    /* A request in CCR.BOX is pending whatever the code said. */
    setup(NULL);
    pass(T0, known(1), known(2));
    setup_left(T0 + 20, 0, true, true);
    assert_int_equal(st.request_since, T0 + 20);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_REQUEST_PENDING);
    /* SMS.INI unreadable after the run: not known to be done. */
    setup(NULL);
    pass(T0, known(1), known(2));
    agent_event e = ev_of(AGENT_EV_SETUP_EXITED, T0 + 20);
    e.has_local = true;
    e.local = unknown(CLV_UNREADABLE);
    step_ev(&e);
    assert_false(st.setup_ok);
}

/* ---- the restart ladder (issue 14) ---- */

static void test_agent_max_deferrals_count_down_then_the_countdown(void **state)
{
    (void)state;
    cfg.max_deferrals = 3;
    restart_reported(T0, 5);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->deferrals_left, 3);
    agent_time t = T0;
    for (uint32_t left = 3; left > 0; left--) {
        choose(t + 10, AGENT_USER_LATER_1H, 0);
        assert_int_equal(st.deferrals_used, 4 - left);
        t = st.deferred_until;
        run(AGENT_EV_TIMER, t);
        if (left > 1)
            assert_int_equal(must_find(AGENT_ACT_PROMPT)->deferrals_left, left - 1);
    }
    /* The third postponement was the last: the countdown, not a prompt. */
    assert_null(find(AGENT_ACT_PROMPT));
    assert_non_null(find(AGENT_ACT_COUNTDOWN));
    assert_true(logged("every postponement used"));
    /* Closing the dialog counts as a postponement too. */
    setup(NULL);
    cfg.max_deferrals = 1;
    restart_reported(T0, 6);
    choose(T0 + 5, AGENT_USER_DISMISSED, 0);
    run(AGENT_EV_TIMER, T0 + 5 + HOUR);
    assert_non_null(find(AGENT_ACT_COUNTDOWN));
    /* Without a limit the prompt says so. */
    setup(NULL);
    restart_reported(T0, 7);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->deferrals_left, AGENT_NO_LIMIT);
}

static void test_agent_another_change_starts_the_count_afresh(void **state)
{
    (void)state;
    cfg.max_deferrals = 2;
    restart_reported(T0, 5);
    choose(T0 + 10, AGENT_USER_LATER_1H, 0);
    assert_int_equal(st.deferrals_used, 1);
    report(T0 + 20, true, false, true, false, 6, "Remote Control 2.0");
    assert_int_equal(st.deferrals_used, 0);
}

static void test_agent_pc_away_at_the_deadline_gets_the_grace_period(void **state)
{
    (void)state;
    cfg.deadline_s = 8 * HOUR;
    cfg.grace_s = 2 * HOUR;
    start_up(T0 - 60, BOOT1, T0 - 60 - BOOT1, 0);
    restart_reported(T0, 3);
    choose(T0 + 60, AGENT_USER_LATER_4H, 0);
    /* Asleep from T0 + 1 h to T0 + 20 h: the deadline came at T0 + 8 h. */
    run(AGENT_EV_RESUMED, T0 + 20 * HOUR);
    assert_null(find(AGENT_ACT_COUNTDOWN));
    assert_null(find(AGENT_ACT_RESTART));
    assert_int_equal(scheduled(), T0 + 22 * HOUR); /* the grace period from the return */
    assert_true(logged("re-anchored"));
    /* The deferral that ended while asleep brings its prompt now, and that
     * prompt offers what ends before the grace period does. */
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->choices, AGENT_CHOICE_1H);
    assert_int_equal(must_find(AGENT_ACT_PROMPT)->deadline, T0 + 22 * HOUR);
    choose(T0 + 20 * HOUR + 5, AGENT_USER_LATER_1H, 0);
    run(AGENT_EV_TIMER, T0 + 21 * HOUR + 5);
    assert_non_null(find(AGENT_ACT_PROMPT));
    choose(T0 + 21 * HOUR + 10, AGENT_USER_LATER_1H, 0);
    assert_int_equal(st.deferred_until, T0 + 22 * HOUR);
    run(AGENT_EV_TIMER, T0 + 22 * HOUR);
    assert_non_null(find(AGENT_ACT_COUNTDOWN));

    /* Off at the deadline (the agent starts after it, same pending change). */
    setup(NULL);
    cfg.deadline_s = 8 * HOUR;
    cfg.grace_s = 2 * HOUR;
    start_up(T0 - 60, BOOT1, T0 - 60 - BOOT1, 0);
    restart_reported(T0, 3);
    choose(T0 + 60, AGENT_USER_LATER_4H, 0);
    start_up(T0 + 30 * HOUR, BOOT1, T0 + 30 * HOUR - BOOT1, 0);
    assert_null(find(AGENT_ACT_COUNTDOWN));
    assert_int_equal(scheduled(), T0 + 32 * HOUR);
}

static void test_agent_countdown_that_ran_out_asleep_starts_again(void **state)
{
    (void)state;
    cfg.deadline_s = HOUR;
    start_up(T0 - 60, BOOT1, T0 - 60 - BOOT1, 0);
    restart_reported(T0, 3);
    run(AGENT_EV_TIMER, T0 + HOUR);
    assert_int_equal(must_find(AGENT_ACT_COUNTDOWN)->at, T0 + HOUR + 900);
    /* The lid closes 5 minutes in; it opens an hour later. */
    run(AGENT_EV_RESUMED, T0 + 2 * HOUR);
    assert_null(find(AGENT_ACT_RESTART));
    assert_int_equal(must_find(AGENT_ACT_COUNTDOWN)->at, T0 + 2 * HOUR + 900);
    assert_true(logged("while the PC was away"));
    /* Awake to its end: the restart. */
    run(AGENT_EV_TIMER, T0 + 2 * HOUR + 900);
    assert_non_null(find(AGENT_ACT_RESTART));
}

static void test_agent_countdown_survives_an_agent_restart(void **state)
{
    (void)state;
    cfg.deadline_s = HOUR;
    start_up(T0 - 60, BOOT1, T0 - 60 - BOOT1, 0);
    restart_reported(T0, 3);
    run(AGENT_EV_TIMER, T0 + HOUR);
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&st, buf, sizeof buf);
    agent_state loaded;
    assert_int_equal(state_parse(buf, n, &loaded, NULL), STATE_OK);
    st = loaded;
    assert_int_equal(st.countdown_end, T0 + HOUR + 900);
    /* Started again 5 minutes into it: the same end, shown again. */
    start_up(T0 + HOUR + 300, BOOT1, T0 + HOUR + 300 - BOOT1, 0);
    assert_int_equal(must_find(AGENT_ACT_COUNTDOWN)->at, T0 + HOUR + 900);
    /* Started after its end (the agent was away): a new countdown. */
    st = loaded;
    start_up(T0 + 3 * HOUR, BOOT1, T0 + 3 * HOUR - BOOT1, 0);
    assert_null(find(AGENT_ACT_RESTART));
    assert_int_equal(must_find(AGENT_ACT_COUNTDOWN)->at, T0 + 3 * HOUR + 900);
    /* Restart now ends it. */
    choose(T0 + 3 * HOUR + 10, AGENT_USER_RESTART_NOW, 0);
    assert_non_null(find(AGENT_ACT_RESTART));
    assert_int_equal(st.countdown_end, 0);
}

static void test_agent_reminder_comes_at_its_wall_clock_time_after_sleep(void **state)
{
    (void)state;
    start_up(T0 - 60, BOOT1, T0 - 60 - BOOT1, 0);
    restart_reported(T0, 3);
    choose(T0 + 60, AGENT_USER_LATER_1H, 0);
    /* Asleep at T0 + 10 min, awake at T0 + 2 h: the reminder is overdue. */
    run(AGENT_EV_RESUMED, T0 + 2 * HOUR);
    assert_non_null(find(AGENT_ACT_PROMPT));
    /* Awake before it is due: nothing yet, the timer set for its time. */
    setup(NULL);
    start_up(T0 - 60, BOOT1, T0 - 60 - BOOT1, 0);
    restart_reported(T0, 3);
    choose(T0 + 60, AGENT_USER_LATER_4H, 0);
    run(AGENT_EV_RESUMED, T0 + 2 * HOUR);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(scheduled(), T0 + 60 + 4 * HOUR);
}

static void test_agent_clock_change_re_anchors_the_timers(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    choose(T0 + 60, AGENT_USER_LATER_4H, 0);
    /* Set forward past the reminder: it comes now. */
    run(AGENT_EV_CLOCK_CHANGED, T0 + 5 * HOUR);
    assert_non_null(find(AGENT_ACT_PROMPT));
    /* Set back: nothing due, the wake-up is the reminder's own time. */
    choose(T0 + 5 * HOUR, AGENT_USER_LATER_1H, 0);
    run(AGENT_EV_CLOCK_CHANGED, T0 + 3 * HOUR);
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(scheduled(), T0 + 6 * HOUR);
}

static void test_agent_tomorrow_morning_across_a_daylight_saving_change(void **state)
{
    (void)state;
    restart_reported(T0, 3);
    /* T0 is 16:00 UTC, 17:00 in Central Europe in winter; the clocks go
     * forward overnight: 09:00 tomorrow is 07:00 UTC, not 08:00. */
    agent_event e = ev_of(AGENT_EV_USER_CHOICE, T0 + 60);
    e.choice = AGENT_USER_LATER_TOMORROW;
    e.local_offset_s = 3600;
    e.has_next_day_offset = true;
    e.next_day_offset_s = 7200;
    step_ev(&e);
    assert_int_equal(st.deferred_until, T0 + 15 * HOUR);
    /* The other way: 09:00 in the new winter time is 08:00 UTC. */
    setup(NULL);
    restart_reported(T0, 3);
    e.local_offset_s = 7200;
    e.next_day_offset_s = 3600;
    step_ev(&e);
    assert_int_equal(st.deferred_until, T0 + 16 * HOUR);
}

static void test_agent_no_countdown_for_a_change_never_shown(void **state)
{
    (void)state;
    cfg.deadline_s = HOUR;
    st.boot_time = BOOT1;
    report(T0, true, false, false, false, 3, "x"); /* the site's Prompt for Restart is 0 */
    assert_int_equal(scheduled(), 0);
    run(AGENT_EV_TIMER, T0 + 2 * HOUR);
    assert_null(find(AGENT_ACT_COUNTDOWN));
    assert_null(find(AGENT_ACT_RESTART));
}

static void test_agent_components_are_cleaned(void **state)
{
    (void)state;
    st.boot_time = BOOT1;
    report(T0, true, false, true, false, 2, "  Remote\r\nControl\t2.0 ");
    assert_string_equal(st.components, "Remote  Control 2.0");
    /* A report whose text fills the array with no NUL stays bounded. */
    agent_event e = ev_of(AGENT_EV_REPORT, T0);
    e.report.restart = true;
    e.report.change_id = 3;
    memset(e.report.components, 'A', sizeof e.report.components);
    step_ev(&e);
    assert_int_equal(strlen(st.components), AGENT_COMPONENTS_MAX);
}

/* Random events, in any order and with any values: the bounds hold and
 * Client Setup never runs on an unknown version. */
static void test_agent_random_events_keep_bounds(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    agent_time now = T0;
    for (unsigned i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        agent_event e = ev_of((agent_event_type)((seed >> 16) % 13), now);
        e.boot_time = BOOT1 + (seed >> 28) * 1000;
        e.logon_time = LOGON1;
        e.ok = (seed >> 3) & 1;
        e.count = seed % 5;
        e.busy = (seed >> 2) % 3 == 0 ? 1 : 0;
        e.local = (seed >> 5) & 1 ? known((seed >> 8) % 3) : unknown((clv_status)((seed >> 9) % 7));
        e.server =
            (seed >> 6) & 1 ? known((seed >> 10) % 3) : unknown((clv_status)((seed >> 11) % 7));
        e.exit_code = (int32_t)((seed >> 12) % 13);
        e.report.restart = (seed >> 13) & 1;
        e.report.logoff = (seed >> 14) & 1;
        e.report.prompt_allowed = (seed >> 15) & 1;
        e.report.request_queued = (seed >> 17) & 1;
        e.report.change_id = (seed >> 18) % 4;
        e.choice = (agent_choice)((seed >> 20) % 7);
        e.local_offset_s = (int32_t)((seed >> 7) % 50400) - 25200;
        if (e.type == AGENT_EV_SESSION_ENDING)
            e.type = AGENT_EV_TIMER;
        step_ev(&e);
        const agent_action *r = find(AGENT_ACT_RUN_SETUP);
        if (r != NULL) {
            assert_int_equal(e.type, AGENT_EV_VERSIONS);
            assert_int_equal(clv_compare(&e.local, &e.server), CLV_DIFFERS);
            assert_int_equal(r->version, e.server.value);
        }
        if (find(AGENT_ACT_PROMPT) != NULL)
            assert_int_not_equal(st.pending, AGENT_PENDING_NONE);
        /* Retries of files being written: bounded in number and time. */
        assert_true(st.busy_retries <= AGENT_BUSY_RETRIES);
        assert_true(st.busy_retry_at == 0 ||
                    st.busy_retry_at <=
                        now + ((agent_time)AGENT_BUSY_RETRY_FIRST_S << (AGENT_BUSY_RETRIES - 1)));
        now += (seed >> 4) % 4000;
    }
}

/* ---- icon and names ---- */

static void test_agent_icon_order(void **state)
{
    (void)state;
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_UP_TO_DATE);
    st.phase = AGENT_PHASE_CHECKING;
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_CHECKING);
    st.request_since = T0;
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_REQUEST_PENDING);
    st.pending = AGENT_PENDING_LOGOFF;
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ACTION_NEEDED);
    snprintf(st.last_error, sizeof st.last_error, "share away");
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
}

static void test_agent_names(void **state)
{
    (void)state;
    assert_string_equal(agent_pending_name(AGENT_PENDING_NONE), "none");
    assert_string_equal(agent_pending_name(AGENT_PENDING_LOGOFF), "logoff");
    assert_string_equal(agent_pending_name(AGENT_PENDING_RESTART), "restart");
    assert_string_equal(agent_pending_name((agent_pending)9), "invalid");
    assert_string_equal(agent_icon_name(AGENT_ICON_UP_TO_DATE), "up-to-date");
    assert_string_equal(agent_icon_name(AGENT_ICON_CHECKING), "checking");
    assert_string_equal(agent_icon_name(AGENT_ICON_REQUEST_PENDING), "request-pending");
    assert_string_equal(agent_icon_name(AGENT_ICON_ACTION_NEEDED), "action-needed");
    assert_string_equal(agent_icon_name(AGENT_ICON_ERROR), "error");
}

/* ---- the start-up jitter ---- */

static void jitter_on(const char *id, uint32_t window_s)
{
    cfg.startup_jitter_s = window_s;
    cfg.jitter_key = agent_jitter_key(id);
}

static void test_agent_startup_jitter_delays_the_first_pass_within_its_window(void **state)
{
    (void)state;
    jitter_on("LAB00001", 1800);
    agent_time d = agent_startup_delay_s(&cfg);
    assert_true(d > 0 && d < 1800);
    start(T0, BOOT1, LOGON1);
    assert_null(find(AGENT_ACT_FORWARD));
    assert_int_equal(st.phase, AGENT_PHASE_IDLE);
    assert_int_equal(count(AGENT_ACT_READ_REPORT), 1); /* the local report is not delayed */
    assert_int_equal(scheduled(), T0 + d);
    assert_true(logged("start-up jitter"));
    /* Woken early (another timer): still waiting, same time asked. */
    run(AGENT_EV_TIMER, T0 + d - 1);
    assert_null(find(AGENT_ACT_FORWARD));
    assert_int_equal(scheduled(), T0 + d);
    run(AGENT_EV_TIMER, T0 + d);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    assert_int_equal(st.phase, AGENT_PHASE_FORWARDING);
    forwarded(T0 + d, true, 0, "");
    assert_non_null(find(AGENT_ACT_READ_VERSIONS)); /* a start pass checks even with no files */
    versions(T0 + d, known(5), known(5));
    assert_int_equal(scheduled(), 0); /* nothing left waiting */
}

static void test_agent_startup_jitter_offsets_are_per_client_and_spread(void **state)
{
    (void)state;
    unsigned tenths[10] = {0};
    char id[16];
    for (unsigned i = 0; i < 10000; i++) {
        snprintf(id, sizeof id, "LAB%05u", i);
        jitter_on(id, 3600);
        uint32_t d = agent_startup_delay_s(&cfg);
        assert_true(d < 3600);
        assert_int_equal(agent_startup_delay_s(&cfg), d); /* the same at every start */
        tenths[d / 360]++;
    }
    for (unsigned i = 0; i < 10; i++)
        assert_true(tenths[i] >= 900 && tenths[i] <= 1100);
    /* The key ignores case, as SMS Unique IDs do. */
    assert_int_equal(agent_jitter_key("lab00001"), agent_jitter_key("LAB00001"));
    assert_true(agent_jitter_key("LAB00001") != agent_jitter_key("LAB00002"));
    cfg.startup_jitter_s = 0;
    assert_int_equal(agent_startup_delay_s(&cfg), 0);
}

static void test_agent_check_now_is_never_delayed_by_the_startup_jitter(void **state)
{
    (void)state;
    jitter_on("LAB00001", 1800);
    agent_time d = agent_startup_delay_s(&cfg);
    start(T0, BOOT1, LOGON1);
    run(AGENT_EV_CHECK_NOW, T0 + 1);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    forwarded(T0 + 1, true, 0, "");
    versions(T0 + 1, known(5), known(5));
    assert_int_equal(scheduled(), T0 + d); /* the delayed pass is still asked for */
    run(AGENT_EV_TIMER, T0 + d);
    assert_null(find(AGENT_ACT_FORWARD)); /* the user's pass checked: not again */
    assert_true(logged("checked already"));
    assert_int_equal(scheduled(), 0);
}

static void test_agent_startup_jitter_due_during_a_pass_waits_for_it(void **state)
{
    (void)state;
    jitter_on("LAB00001", 1800);
    agent_time d = agent_startup_delay_s(&cfg);
    start(T0, BOOT1, LOGON1);
    run(AGENT_EV_INVENTORY, T0 + d - 1); /* a .RAW: its pass runs at once */
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    run(AGENT_EV_TIMER, T0 + d);
    assert_null(find(AGENT_ACT_FORWARD));
    assert_int_equal(scheduled(), T0 + d + 60);
    forwarded(T0 + d + 1, true, 0, ""); /* the pass before took the file: no check */
    run(AGENT_EV_TIMER, T0 + d + 60);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1); /* so the start pass runs now */
}

static void test_agent_startup_jitter_is_bounded_when_the_clock_goes_back(void **state)
{
    (void)state;
    jitter_on("LAB00001", 1800);
    start(T0, BOOT1, LOGON1);
    run(AGENT_EV_TIMER, T0 - 10 * HOUR);
    assert_true(scheduled() <= T0 - 10 * HOUR + 1800);
}

static void test_agent_config_defaults(void **state)
{
    (void)state;
    assert_int_equal(cfg.setup_retry_base_s, 900);
    assert_int_equal(cfg.setup_retry_max_s, 86400);
    assert_int_equal(cfg.setup_max_failures, 5);
    assert_int_equal(cfg.share_retry_base_s, 300);
    assert_int_equal(cfg.share_retry_max_s, 14400);
    assert_true(cfg.prompts_enabled);
    assert_int_equal(cfg.deadline_s, 0);
    assert_int_equal(cfg.quiet_after_logon_s, 0);
    assert_int_equal(cfg.startup_jitter_s, 0); /* the shell sets the policy's default */
    assert_int_equal(st.local.status, CLV_MISSING);
    assert_int_equal(st.pending, AGENT_PENDING_NONE);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_agent_start_forwards_left_files_and_reads_report),
        T(test_agent_restart_satisfied_by_new_boot_announces_once),
        T(test_agent_restart_not_satisfied_by_same_boot),
        T(test_agent_logoff_satisfied_by_new_logon),
        T(test_agent_logoff_satisfied_by_restart),
        T(test_agent_logoff_not_satisfied_in_same_session),
        T(test_agent_clock_backwards_is_bounded),
        T(test_agent_small_clock_correction_is_left_alone),
        T(test_agent_inventory_forwards),
        T(test_agent_share_backoff_waits_for_timer),
        T(test_agent_forward_ok_resets_share_failures_and_reads_versions),
        T(test_agent_forward_failure_sets_error_and_backs_off),
        T(test_agent_backoff_doubles_and_caps),
        T(test_agent_inventory_during_pass_forwards_again_after),
        T(test_agent_out_of_phase_event_is_ignored),
        T(test_agent_lost_pass_is_restarted_after_hours),
        T(test_agent_unknown_version_never_runs_setup),
        T(test_agent_same_version_is_up_to_date_and_clears_error),
        T(test_agent_differing_versions_run_setup_for_server_version),
        T(test_agent_jobs_start_before_the_save_and_status),
        T(test_agent_never_runs_setup_twice_for_same_server_version),
        T(test_agent_setup_success_exit_codes),
        T(test_agent_setup_failure_counts_and_reads_report),
        T(test_agent_setup_timeout_and_not_started_are_failures),
        T(test_agent_later_pass_in_backoff_keeps_why_setup_failed),
        T(test_agent_local_version_shown_is_the_one_setup_wrote),
        T(test_agent_admin_policy_narrows_the_deferral_choices),
        T(test_agent_failed_setup_waits_for_its_backoff),
        T(test_agent_setup_backoff_doubles_and_caps),
        T(test_agent_check_now_bypasses_setup_wait_not_cap),
        T(test_agent_setup_gives_up_after_max_failures),
        T(test_agent_new_server_version_resets_failures),
        T(test_agent_unreadable_server_version_counts_as_share_failure),
        T(test_agent_no_prompt_without_reported_change),
        T(test_agent_reported_restart_prompts_once),
        T(test_agent_restart_wins_over_logoff),
        T(test_agent_logoff_upgraded_to_restart_prompts_again),
        T(test_agent_change_already_done_is_ignored),
        T(test_agent_no_prompt_when_site_disallows),
        T(test_agent_no_prompt_when_policy_disables_prompts),
        T(test_agent_no_prompt_within_quiet_time_after_logon),
        T(test_agent_deferred_change_not_prompted_on_reread),
        T(test_agent_site_cleared_change_is_dropped),
        T(test_agent_request_since_follows_the_queue),
        T(test_agent_restart_now_restarts),
        T(test_agent_logoff_now_only_for_pending_logoff),
        T(test_agent_later_choices_defer),
        T(test_agent_later_tomorrow_is_nine_local),
        T(test_agent_deferral_clamped_to_deadline),
        T(test_agent_deadline_brings_the_final_countdown_not_reminders),
        T(test_agent_choice_with_nothing_pending_is_ignored),
        T(test_agent_timer_prompts_when_deferral_due),
        T(test_agent_timer_retries_share_when_due),
        T(test_agent_file_being_written_skips_the_check_and_retries),
        T(test_agent_file_held_open_retries_are_doubled_and_bounded),
        T(test_agent_file_being_written_beside_others_still_checks),
        T(test_agent_second_wakeup_for_a_taken_file_checks_nothing),
        T(test_agent_session_ending_only_saves),
        T(test_agent_idle_schedules_no_timer),
        T(test_agent_earliest_time_is_scheduled),
        T(test_agent_saves_only_when_persisted_fields_change),
        T(test_agent_deferral_survives_restart),
        T(test_agent_bare_reboot_required_is_a_change_prompted_once),
        T(test_agent_bare_flag_names_the_components_written_with_it),
        T(test_agent_bare_flag_names_what_differs_from_the_last_look),
        T(test_agent_bare_flag_later_survives_agent_restart),
        T(test_agent_flag_written_before_this_boot_is_done_not_prompted),
        T(test_agent_restart_applies_bare_change_and_a_later_write_is_new),
        T(test_agent_bare_change_prompted_again_only_after_a_deferral),
        T(test_agent_clock_step_is_not_a_restart),
        T(test_agent_restart_seen_by_uptime_or_by_a_boot_after_the_record),
        T(test_agent_boot_id_decides_when_windows_gives_one),
        T(test_agent_answer_to_a_replaced_prompt_is_not_taken),
        T(test_agent_setup_judged_by_what_it_left_not_its_exit_code),
        T(test_agent_max_deferrals_count_down_then_the_countdown),
        T(test_agent_another_change_starts_the_count_afresh),
        T(test_agent_pc_away_at_the_deadline_gets_the_grace_period),
        T(test_agent_countdown_that_ran_out_asleep_starts_again),
        T(test_agent_countdown_survives_an_agent_restart),
        T(test_agent_reminder_comes_at_its_wall_clock_time_after_sleep),
        T(test_agent_clock_change_re_anchors_the_timers),
        T(test_agent_tomorrow_morning_across_a_daylight_saving_change),
        T(test_agent_no_countdown_for_a_change_never_shown),
        T(test_agent_components_are_cleaned),
        T(test_agent_random_events_keep_bounds),
        T(test_agent_icon_order),
        T(test_agent_names),
        T(test_agent_startup_jitter_delays_the_first_pass_within_its_window),
        T(test_agent_startup_jitter_offsets_are_per_client_and_spread),
        T(test_agent_check_now_is_never_delayed_by_the_startup_jitter),
        T(test_agent_startup_jitter_due_during_a_pass_waits_for_it),
        T(test_agent_startup_jitter_is_bounded_when_the_clock_goes_back),
        T(test_agent_config_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
