/*
 * test_agent_sessions.c: one machine, several sessions (issue 13). Only
 * the machine's owner forwards, checks and runs Client Setup; every
 * session's agent still reads the manager's report and prompts its own
 * user; the others show what the owner found, and take over when it goes.
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

#define W(f) cmocka_unit_test_setup(f, setup_watcher)

int main(void)
{
    const struct CMUnitTest tests[] = {
        W(test_an_agent_that_owns_nothing_never_forwards_checks_or_runs_setup),
        W(test_every_session_prompts_its_own_user_for_the_restart),
        W(test_taking_over_the_machine_starts_a_pass),
        W(test_a_watcher_shows_what_the_owner_found),
        cmocka_unit_test(test_the_owner_ignores_another_agents_machine_state),
        cmocka_unit_test(test_machine_state_survives_its_file_and_a_damaged_one_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
