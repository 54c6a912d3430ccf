/*
 * test_agent_sessions.c: one machine, several sessions (issue 13). Only
 * the machine's owner forwards, checks and runs Client Setup; every
 * session's agent still reads the manager's report and prompts its own
 * user; the others show what the owner found, and take over when it goes.
 * The service on a server nobody signs in to restarts only inside the
 * admin's maintenance window (ServerRestartWindow), once, with nobody
 * signed in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent_driver.h"
#include "climon/state.h"

static int setup_watcher(void **state)
{
    setup(state);
    cfg.machine_work = false;
    return 0;
}

static void restart_reported(agent_time now, uint32_t id)
{
    agent_event e = ev_of(AGENT_EV_REPORT, now);
    e.report.restart = true;
    e.report.prompt_allowed = true;
    e.report.change_id = id;
    snprintf(e.report.components, sizeof e.report.components, "Inventory Agent 1.2.1");
    step_ev(&e);
}

static void test_an_agent_that_owns_nothing_never_forwards_checks_or_runs_setup(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    assert_int_equal(count(AGENT_ACT_FORWARD), 0);
    assert_int_equal(count(AGENT_ACT_READ_REPORT), 1); /* its user's prompts are its own */
    assert_true(logged("done by another session's agent"));
    run(AGENT_EV_INVENTORY, T0 + MINUTE);
    assert_int_equal(count(AGENT_ACT_FORWARD), 0);
    run(AGENT_EV_CHECK_NOW, T0 + 2 * MINUTE);
    assert_int_equal(count(AGENT_ACT_FORWARD), 0);
    assert_non_null(find(AGENT_ACT_STATUS)); /* the check says why it did nothing */
    run(AGENT_EV_TIMER, T0 + 30 * HOUR);
    assert_int_equal(count(AGENT_ACT_FORWARD), 0);
    assert_int_equal(count(AGENT_ACT_RUN_SETUP), 0);
    assert_int_equal(st.phase, AGENT_PHASE_IDLE);
}

static void test_every_session_prompts_its_own_user_for_the_restart(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    restart_reported(T0 + MINUTE, 4);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    must_find(AGENT_ACT_PROMPT);
    /* This user's postponement is this user's. */
    agent_event e = ev_of(AGENT_EV_USER_CHOICE, T0 + 2 * MINUTE);
    e.choice = AGENT_USER_LATER_1H;
    e.prompt_seq = st.prompt_seq;
    step_ev(&e);
    assert_int_equal(st.deferrals_used, 1);
}

/* One inventory pass up to the version check: one file forwarded, the
 * two versions read. */
static void pass_to_versions(agent_time at, uint32_t local, uint32_t server)
{
    agent_event e;
    run(AGENT_EV_INVENTORY, at);
    e = ev_of(AGENT_EV_FORWARDED, at + 1);
    e.ok = true;
    e.count = 1;
    step_ev(&e);
    e = ev_of(AGENT_EV_VERSIONS, at + 2);
    e.local = known(local);
    e.server = known(server);
    step_ev(&e);
}

/* Issue 13: an agent that found another agent's Client Setup at work
 * (the guard beside SMS.INI) and SMS.INI current after it started none:
 * done for this version, no error, not run again; and had the other run
 * left SMS.INI old, that is no failure of this agent's. */
static void test_client_setup_another_agent_ran_is_done_and_no_failure(void **state)
{
    agent_event e;
    (void)state;
    start(T0, BOOT1, LOGON1);
    pass_to_versions(T0 + 1, 1, 2);
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
    e = ev_of(AGENT_EV_SETUP_EXITED, T0 + 30);
    e.has_local = true;
    e.local = known(2);
    e.setup_by_other = true;
    step_ev(&e);
    assert_true(logged("was run by another agent"));
    assert_false(logged("exited with code"));
    assert_true(st.setup_ok);
    assert_int_equal(st.setup_failures, 0);
    assert_string_equal(st.last_error, "");
    assert_int_not_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    assert_non_null(find(AGENT_ACT_READ_REPORT));

    /* The same version at the next pass: not run again. */
    pass_to_versions(T0 + 100, 1, 2);
    assert_null(find(AGENT_ACT_RUN_SETUP));

    /* A new version, and the other agent's run left SMS.INI behind. */
    pass_to_versions(T0 + 200, 2, 3);
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
    e = ev_of(AGENT_EV_SETUP_EXITED, T0 + 230);
    e.has_local = true;
    e.local = known(2);
    e.setup_by_other = true;
    step_ev(&e);
    assert_int_equal(st.setup_failures, 0);
    assert_int_equal(st.setup_retry_at, 0);
    assert_string_equal(st.last_error, "");
    assert_int_not_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
}

static void test_taking_over_the_machine_starts_a_pass(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    assert_int_equal(count(AGENT_ACT_FORWARD), 0);
    cfg.machine_work = true; /* the owner's session ended: the shell holds the lock now */
    run(AGENT_EV_TOOK_OVER, T0 + HOUR);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    assert_int_equal(st.phase, AGENT_PHASE_FORWARDING);
}

static agent_machine owner_found(void)
{
    agent_machine m;
    memset(&m, 0, sizeof m);
    m.owner_session = 1;
    m.updated = T0;
    m.last_pass = m.last_check = T0 - MINUTE;
    m.local = known(3);
    m.server = known(4);
    m.has_result = true;
    m.last_result = CLV_DIFFERS;
    m.setup_ran = true;
    m.setup_version = 4;
    m.request_since = T0 - MINUTE;
    snprintf(m.last_error, sizeof m.last_error, "bad\r\nline");
    return m;
}

static void test_a_watcher_shows_what_the_owner_found(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    agent_event e = ev_of(AGENT_EV_MACHINE, T0 + MINUTE);
    e.machine = owner_found();
    step_ev(&e);
    assert_int_equal(st.local.value, 3);
    assert_int_equal(st.server.value, 4);
    assert_int_equal(st.last_check, T0 - MINUTE);
    assert_int_equal(st.request_since, T0 - MINUTE);
    assert_string_equal(st.last_error, "bad  line"); /* no control character gets through */
    assert_non_null(find(AGENT_ACT_STATUS));
    assert_int_equal(st.pending, AGENT_PENDING_NONE); /* shown, never acted on */
    assert_null(find(AGENT_ACT_PROMPT));
    assert_int_equal(count(AGENT_ACT_RUN_SETUP), 0);
}

static void test_the_owner_ignores_another_agents_machine_state(void **state)
{
    setup(state); /* an owner */
    start(T0, BOOT1, LOGON1);
    agent_event e = ev_of(AGENT_EV_MACHINE, T0 + MINUTE);
    e.machine = owner_found();
    step_ev(&e);
    assert_int_not_equal(st.local.value, 3);
    assert_true(logged("ignored"));
}

static void test_machine_state_survives_its_file_and_a_damaged_one_is_refused(void **state)
{
    agent_machine m = owner_found(), back;
    char buf[STATE_MAX_BYTES];
    state_error err;
    (void)state;
    snprintf(m.last_error, sizeof m.last_error, "the share is away");
    size_t n = state_format_machine(&m, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(state_parse_machine(buf, n, &back, &err), STATE_OK);
    assert_int_equal(back.owner_session, 1);
    assert_int_equal(back.server.value, 4);
    assert_int_equal(back.last_result, CLV_DIFFERS);
    assert_string_equal(back.last_error, "the share is away");
    /* Cut anywhere before its end line: refused, nothing taken. */
    for (size_t cut = 0; cut + 3 < n; cut += 7) {
        assert_int_not_equal(state_parse_machine(buf, cut, &back, &err), STATE_OK);
        assert_int_equal(back.server.value, 0);
    }
    /* A user's own state file is not a machine state. */
    agent_state other;
    agent_state_init(&other);
    char sb[STATE_MAX_BYTES];
    size_t sn = state_format(&other, sb, sizeof sb);
    assert_int_equal(state_parse_machine(sb, sn, &back, &err), STATE_ERR_VERSION);
    /* A result out of range. */
    char bad[STATE_MAX_BYTES];
    snprintf(bad, sizeof bad, "%.*s", (int)n, buf);
    char *r = strstr(bad, "LastResult=");
    assert_non_null(r);
    memcpy(r + strlen("LastResult="), "zzzzzz", 6);
    assert_int_equal(state_parse_machine(bad, strlen(bad), &back, &err), STATE_ERR_FIELD);
}

/* ---- the maintenance window (maintwin.h) ---- */

static maintwin window_of(const char *text)
{
    maintwin w;
    assert_int_equal(maintwin_parse(text, &w), MAINTWIN_OK);
    return w;
}

static void test_a_window_is_read_as_an_admin_writes_it(void **state)
{
    char buf[64];
    maintwin w;
    (void)state;
    w = window_of("Sun 02:00-04:00");
    assert_int_equal(w.days, 1);
    assert_int_equal(w.start_min, 120);
    assert_int_equal(w.end_min, 240);
    w = window_of("  mon-FRI 22:00-02:00 ");
    assert_int_equal(w.days, 0x3e);
    maintwin_format(&w, buf, sizeof buf);
    assert_string_equal(buf, "Mon,Tue,Wed,Thu,Fri 22:00-02:00");
    w = window_of("Fri-Mon 01:30-05:00"); /* a range wraps over the week's end */
    assert_int_equal(w.days, 0x63);
    w = window_of("Sat,Sun 00:00-23:59");
    assert_int_equal(w.days, 0x41);
    w = window_of("Daily 03:00-04:00");
    maintwin_format(&w, buf, sizeof buf);
    assert_string_equal(buf, "Daily 03:00-04:00");
}

static void test_a_window_that_is_not_one_is_no_window(void **state)
{
    static const struct {
        const char *text;
        maintwin_status want;
    } bad[] = {
        {"", MAINTWIN_EMPTY},
        {"   ", MAINTWIN_EMPTY},
        {"Sunday 02:00-04:00", MAINTWIN_BAD_DAYS},
        {"Sun, 02:00-04:00", MAINTWIN_BAD_DAYS},
        {"Sun,,Mon 02:00-04:00", MAINTWIN_BAD_DAYS},
        {"Xyz 02:00-04:00", MAINTWIN_BAD_DAYS},
        {"Sun 2:00-04:00", MAINTWIN_BAD_TIME},
        {"Sun 24:00-01:00", MAINTWIN_BAD_TIME},
        {"Sun 02:60-03:00", MAINTWIN_BAD_TIME},
        {"Sun 02:00", MAINTWIN_BAD_TIME},
        {"Sun", MAINTWIN_BAD_TIME},
        {"Sun 02:00-04:00 extra", MAINTWIN_BAD_TIME},
        {"Sun \x01\xff:00-04:00", MAINTWIN_BAD_TIME},
        {"Mon,Tue,Wed,Thu,Fri,Sat,Sun,Mon,Tue,Wed,Thu,Fri,Sat,Sun 02:00-04:00", MAINTWIN_TOO_LONG}};
    maintwin w;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        w.days = 0x7f;
        assert_int_equal(maintwin_parse(bad[i].text, &w), bad[i].want);
        assert_int_equal(w.days, 0);
    }
    assert_int_equal(maintwin_parse(NULL, &w), MAINTWIN_EMPTY);
}

/* T0 is Monday 2025-11-24 16:00 UTC; the tests' local offset is 0. */
static void test_a_window_opens_on_its_days_and_over_midnight_on_the_day_it_began(void **state)
{
    maintwin w = window_of("Mon 16:30-17:00");
    int64_t open = 0;
    (void)state;
    assert_false(maintwin_contains(&w, (int64_t)T0, NULL));
    assert_int_equal(maintwin_next_open(&w, (int64_t)T0), (int64_t)(T0 + 30 * MINUTE));
    assert_true(maintwin_contains(&w, (int64_t)(T0 + 45 * MINUTE), &open));
    assert_int_equal(open, (int64_t)(T0 + 30 * MINUTE));
    assert_false(maintwin_contains(&w, (int64_t)(T0 + HOUR), NULL)); /* the end is outside */
    /* After this Monday's: next Monday's. */
    assert_int_equal(maintwin_next_open(&w, (int64_t)(T0 + HOUR)),
                     (int64_t)(T0 + 30 * MINUTE + 7 * 24 * HOUR));
    w = window_of("Sun 23:00-01:00");
    /* Monday 00:30 is Sunday's window. */
    assert_true(maintwin_contains(&w, (int64_t)(T0 - 16 * HOUR + 30 * MINUTE), &open));
    assert_int_equal(open, (int64_t)(T0 - 17 * HOUR));
    assert_false(maintwin_contains(&w, (int64_t)(T0 - 16 * HOUR + 90 * MINUTE), NULL));
}

static int setup_service(void **state)
{
    setup(state);
    cfg.prompts_enabled = false; /* the service: nobody to ask */
    cfg.restart_window = window_of("Mon 17:00-18:00");
    return 0;
}

static void step_users(agent_event e, bool known, uint32_t users)
{
    e.users_known = known;
    e.users = users;
    step_ev(&e);
}

static void restart_reported_to_service(agent_time now, bool known, uint32_t users)
{
    agent_event e = ev_of(AGENT_EV_REPORT, now);
    e.report.restart = true;
    e.report.prompt_allowed = true;
    e.report.change_id = 4;
    step_users(e, known, users);
}

static void test_the_service_restarts_in_its_window_once_with_nobody_signed_in(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    restart_reported_to_service(T0 + MINUTE, true, 0);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_null(find(AGENT_ACT_RESTART)); /* 16:01: not in the window */
    assert_true(logged("opens at"));
    assert_int_equal(scheduled(), T0 + HOUR);
    step_users(ev_of(AGENT_EV_TIMER, T0 + HOUR), true, 0);
    must_find(AGENT_ACT_RESTART);
    assert_int_equal(st.window_restart_at, T0 + HOUR);
    /* Still pending later in the same window (refused, or slow): not again. */
    step_users(ev_of(AGENT_EV_SESSIONS_CHANGED, T0 + HOUR + 10 * MINUTE), true, 0);
    assert_null(find(AGENT_ACT_RESTART));
    assert_true(logged("once in this window already"));
    assert_int_equal(scheduled(), T0 + HOUR + 7 * 24 * HOUR);
    /* The next week's window tries again. */
    step_users(ev_of(AGENT_EV_TIMER, T0 + HOUR + 7 * 24 * HOUR), true, 0);
    must_find(AGENT_ACT_RESTART);
}

static void test_the_service_leaves_signed_in_users_to_their_agents_until_they_leave(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    restart_reported_to_service(T0 + HOUR + MINUTE, true, 2);
    assert_null(find(AGENT_ACT_RESTART));
    assert_null(find(AGENT_ACT_PROMPT));
    assert_true(logged("2 user(s) signed in"));
    /* No poll while they stay: the next wake is the next window. */
    assert_int_equal(scheduled(), T0 + HOUR + 7 * 24 * HOUR);
    step_users(ev_of(AGENT_EV_SESSIONS_CHANGED, T0 + HOUR + 20 * MINUTE), true, 1);
    assert_null(find(AGENT_ACT_RESTART));
    step_users(ev_of(AGENT_EV_SESSIONS_CHANGED, T0 + HOUR + 30 * MINUTE), true, 0);
    must_find(AGENT_ACT_RESTART);
}

static void test_the_service_never_restarts_when_it_does_not_know_who_is_signed_in(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    restart_reported_to_service(T0 + HOUR + MINUTE, false, 0);
    assert_null(find(AGENT_ACT_RESTART));
    assert_true(logged("no restart on a guess"));
    step_users(ev_of(AGENT_EV_TIMER, T0 + HOUR + 2 * MINUTE), false, 0);
    assert_null(find(AGENT_ACT_RESTART));
}

static void test_without_a_window_the_service_only_shows_the_restart(void **state)
{
    (void)state;
    cfg.restart_window.days = 0;
    start(T0, BOOT1, LOGON1);
    restart_reported_to_service(T0 + HOUR + MINUTE, true, 0);
    assert_null(find(AGENT_ACT_RESTART));
    assert_true(logged("status only"));
    assert_int_equal(scheduled(), 0);
}

static void test_a_tray_agent_with_prompts_never_restarts_by_the_window(void **state)
{
    (void)state;
    cfg.prompts_enabled = true;
    start(T0, BOOT1, LOGON1);
    restart_reported_to_service(T0 + HOUR + MINUTE, true, 0);
    assert_null(find(AGENT_ACT_RESTART));
    must_find(AGENT_ACT_PROMPT);
}

static void test_the_windows_restart_time_is_kept_across_a_restart_of_the_service(void **state)
{
    char buf[STATE_MAX_BYTES];
    agent_state back;
    (void)state;
    st.window_restart_at = T0 + HOUR;
    size_t n = state_format(&st, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(state_parse(buf, n, &back, NULL), STATE_OK);
    assert_int_equal(back.window_restart_at, T0 + HOUR);
}

#define W(f) cmocka_unit_test_setup(f, setup_watcher)
#define S(f) cmocka_unit_test_setup(f, setup_service)

int main(void)
{
    const struct CMUnitTest tests[] = {
        W(test_an_agent_that_owns_nothing_never_forwards_checks_or_runs_setup),
        W(test_every_session_prompts_its_own_user_for_the_restart),
        W(test_taking_over_the_machine_starts_a_pass),
        cmocka_unit_test_setup(test_client_setup_another_agent_ran_is_done_and_no_failure, setup),
        W(test_a_watcher_shows_what_the_owner_found),
        cmocka_unit_test(test_the_owner_ignores_another_agents_machine_state),
        cmocka_unit_test(test_machine_state_survives_its_file_and_a_damaged_one_is_refused),
        cmocka_unit_test(test_a_window_is_read_as_an_admin_writes_it),
        cmocka_unit_test(test_a_window_that_is_not_one_is_no_window),
        cmocka_unit_test(test_a_window_opens_on_its_days_and_over_midnight_on_the_day_it_began),
        S(test_the_service_restarts_in_its_window_once_with_nobody_signed_in),
        S(test_the_service_leaves_signed_in_users_to_their_agents_until_they_leave),
        S(test_the_service_never_restarts_when_it_does_not_know_who_is_signed_in),
        S(test_without_a_window_the_service_only_shows_the_restart),
        S(test_a_tray_agent_with_prompts_never_restarts_by_the_window),
        S(test_the_windows_restart_time_is_kept_across_a_restart_of_the_service),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
