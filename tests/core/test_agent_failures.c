/*
 * test_agent_failures.c: what the decision machine makes of each class of
 * failure (agent_failure) the shell reports, with a virtual clock:
 *
 *  - credentials refused: not one more attempt on the share, by no timer,
 *    inventory pass or check, until the session is unlocked or a new
 *    logon; the block survives an agent restart in the same logon;
 *  - a local problem: no share failure, no backoff, versions still read;
 *  - a full inventory box: said as such, backed off, versions still read;
 *  - a file another agent delivered: no error at all;
 *  - files delivered but not deletable: remembered, bounded.
 *
 * Every step goes through step_ev(), which also checks what must hold for
 * any step (as in test_agent.c).
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
#include "climon/state.h"

static unsigned share_actions(void)
{
    return count(AGENT_ACT_FORWARD) + count(AGENT_ACT_READ_VERSIONS) + count(AGENT_ACT_RUN_SETUP);
}

/* ---- driving the machine ---- */

static void forwarded_fail(agent_time now, agent_failure fail, uint32_t count_, const char *err)
{
    agent_event e = ev_of(AGENT_EV_FORWARDED, now);
    e.ok = false;
    e.fail = fail;
    e.count = count_;
    snprintf(e.error, sizeof e.error, "%s", err);
    step_ev(&e);
}

static void forwarded_ok(agent_time now, uint32_t count_, uint32_t others)
{
    agent_event e = ev_of(AGENT_EV_FORWARDED, now);
    e.ok = true;
    e.count = count_;
    e.others = others;
    step_ev(&e);
}

static clv unreadable(void)
{
    clv c;
    memset(&c, 0, sizeof c);
    c.status = CLV_UNREADABLE;
    return c;
}

static void versions(agent_time now, clv local, clv server, agent_failure fail)
{
    agent_event e = ev_of(AGENT_EV_VERSIONS, now);
    e.local = local;
    e.server = server;
    e.fail = fail;
    step_ev(&e);
}

static void setup_not_started(agent_time now, agent_failure fail, const char *err)
{
    agent_event e = ev_of(AGENT_EV_SETUP_NOT_STARTED, now);
    e.fail = fail;
    snprintf(e.error, sizeof e.error, "%s", err);
    step_ev(&e);
}

static agent_state reloaded(const agent_state *from)
{
    char buf[STATE_MAX_BYTES];
    agent_state loaded;
    state_error err;
    size_t n = state_format(from, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(state_parse(buf, n, &loaded, &err), STATE_OK);
    return loaded;
}

/* ---- a local problem (issue 17.4) ---- */

static void test_local_forward_failure_is_no_share_failure_and_still_checks(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded_fail(T0, AGENT_FAIL_LOCAL, 0,
                   "cannot list C:\\MS\\SMS\\NOPE: The system cannot find the path specified. (3)");
    assert_int_equal(st.share_failures, 0);
    assert_int_equal(st.share_retry_at, 0);
    assert_int_equal(scheduled(), 0);
    assert_non_null(find(AGENT_ACT_READ_VERSIONS));
    assert_int_equal(st.phase, AGENT_PHASE_CHECKING);
    assert_null(strstr(st.last_error, "unreachable"));
    assert_non_null(strstr(st.forward_error, "C:\\MS\\SMS\\NOPE"));
    assert_true(logged("local"));
    assert_false(logged("unreachable"));

    /* The versions agree: the pass is clean on the share's side, but the
     * local problem still shows (icon and status). */
    versions(T0, known(4), known(4), AGENT_FAIL_SHARE);
    assert_int_equal(st.last_result, CLV_SAME);
    assert_string_equal(st.last_error, "");
    assert_non_null(strstr(st.forward_error, "NOPE"));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);

    /* A later pass that forwards cleanly clears it. */
    run(AGENT_EV_INVENTORY, T0 + 60);
    forwarded_ok(T0 + 60, 1, 0);
    assert_string_equal(st.forward_error, "");
    versions(T0 + 60, known(4), known(4), AGENT_FAIL_SHARE);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_UP_TO_DATE);
}

static void test_local_failure_still_runs_setup_when_versions_differ(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded_fail(T0, AGENT_FAIL_LOCAL, 0, "cannot open C:\\MS\\SMS\\INVDATA\\1.RAW: denied");
    versions(T0, known(4), known(5), AGENT_FAIL_SHARE);
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
}

static void test_no_share_known_is_a_local_problem_not_a_share_failure(void **state)
{
    (void)state;
    run(AGENT_EV_CHECK_NOW, T0);
    forwarded_ok(T0, 0, 0);
    versions(T0, known(4), unreadable(), AGENT_FAIL_LOCAL);
    assert_int_equal(st.share_failures, 0);
    assert_int_equal(st.share_retry_at, 0);
    assert_int_equal(scheduled(), 0);
    assert_null(strstr(st.last_error, "unreachable"));
    assert_true(st.last_error[0] != '\0');
}

/* ---- precise words (issue 11.6) ---- */

static void test_full_inventory_box_is_said_backs_off_and_still_checks(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded_fail(T0, AGENT_FAIL_BOX_FULL, 0,
                   "cannot copy to S:\\SMS_SHR\\INVENTRY.BOX\\1000A1B2C3D4.TMP: "
                   "There is not enough space on the disk. (112)");
    assert_non_null(strstr(st.forward_error, "the inventory box on the logon server is full"));
    assert_null(strstr(st.forward_error, "unreachable"));
    assert_null(strstr(st.last_error, "unreachable"));
    assert_int_equal(st.share_failures, 1);
    assert_int_equal(st.share_retry_at, T0 + 300);
    assert_non_null(find(AGENT_ACT_READ_VERSIONS));
    assert_true(logged("full"));
    versions(T0, known(4), known(4), AGENT_FAIL_SHARE);
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    assert_int_equal(scheduled(), T0 + 300);
    run(AGENT_EV_TIMER, T0 + 300);
    assert_non_null(find(AGENT_ACT_FORWARD));
}

static void test_file_delivered_by_another_agent_is_no_error(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded_ok(T0, 0, 1);
    assert_string_equal(st.last_error, "");
    assert_string_equal(st.forward_error, "");
    assert_int_equal(st.share_failures, 0);
    assert_int_equal(st.share_retry_at, 0);
    assert_true(logged("another agent"));
    assert_int_not_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
}

/* ---- credentials refused (issue 11.5) ---- */

static void test_refused_credentials_block_every_attempt_until_refreshed(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    forwarded_fail(T0, AGENT_FAIL_CREDENTIALS, 0,
                   "cannot reach the inventory box S:\\SMS_SHR\\INVENTRY.BOX: "
                   "The user name or password is incorrect. (1326)");
    assert_int_equal(count(AGENT_ACT_WARN_CREDENTIALS), 1);
    assert_int_equal(st.creds_refused_at, T0);
    assert_int_equal(st.creds_refused_logon, LOGON1);
    assert_int_equal(st.share_retry_at, 0);
    assert_int_equal(scheduled(), 0); /* no timer at all */
    assert_non_null(strstr(st.last_error, "refused"));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    assert_non_null(find(AGENT_ACT_SAVE_STATE));

    run(AGENT_EV_TIMER, T0 + HOUR);
    assert_int_equal(share_actions(), 0);
    run(AGENT_EV_INVENTORY, T0 + HOUR);
    assert_int_equal(share_actions(), 0);
    run(AGENT_EV_CHECK_NOW, T0 + HOUR);
    assert_int_equal(share_actions(), 0);
    assert_true(logged("refused"));          /* a check says why */
    assert_non_null(find(AGENT_ACT_STATUS)); /* and shows it */
    assert_int_equal(count(AGENT_ACT_WARN_CREDENTIALS), 0);

    run(AGENT_EV_CREDENTIALS_REFRESHED, T0 + 2 * HOUR);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    assert_int_equal(st.creds_refused_at, 0);
    forwarded_ok(T0 + 2 * HOUR, 1, 0);
    versions(T0 + 2 * HOUR, known(4), known(4), AGENT_FAIL_SHARE);
    assert_string_equal(st.last_error, "");
}

static void test_refused_credentials_on_copy_list_or_setup_block_too(void **state)
{
    (void)state;
    run(AGENT_EV_INVENTORY, T0);
    forwarded_ok(T0, 1, 0);
    versions(T0, known(4), unreadable(), AGENT_FAIL_CREDENTIALS);
    assert_int_equal(st.creds_refused_at, T0);
    assert_int_equal(st.share_failures, 0);
    assert_int_equal(count(AGENT_ACT_WARN_CREDENTIALS), 1);
    run(AGENT_EV_CHECK_NOW, T0 + 60);
    assert_int_equal(share_actions(), 0);

    run(AGENT_EV_CREDENTIALS_REFRESHED, T0 + HOUR);
    forwarded_ok(T0 + HOUR, 0, 0);
    versions(T0 + HOUR, known(4), known(5), AGENT_FAIL_SHARE);
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
    setup_not_started(T0 + HOUR, AGENT_FAIL_CREDENTIALS,
                      "Client Setup did not start: The user name or password is incorrect. (1326)");
    assert_int_equal(st.creds_refused_at, T0 + HOUR);
    /* Not Client Setup's failure: no step towards giving up on version 5. */
    assert_int_equal(st.setup_failures, 0);
    assert_int_equal(st.setup_retry_at, 0);
    assert_non_null(find(AGENT_ACT_READ_REPORT));
    run(AGENT_EV_INVENTORY, T0 + HOUR + 60);
    assert_int_equal(share_actions(), 0);

    /* Refreshed: setup runs for version 5 (it never ran). */
    run(AGENT_EV_CREDENTIALS_REFRESHED, T0 + 2 * HOUR);
    forwarded_ok(T0 + 2 * HOUR, 0, 0);
    versions(T0 + 2 * HOUR, known(4), known(5), AGENT_FAIL_SHARE);
    assert_non_null(find(AGENT_ACT_RUN_SETUP));
}

static void test_refused_credentials_block_survives_restart_in_same_logon(void **state)
{
    (void)state;
    start(T0, BOOT1, LOGON1);
    forwarded_fail(T0, AGENT_FAIL_CREDENTIALS, 0, "(1909)");

    /* The agent is restarted by hand: same logon, still blocked, no new
     * balloon. */
    st = reloaded(&st);
    assert_int_equal(st.creds_refused_at, T0);
    start(T0 + HOUR, BOOT1, LOGON1 + 2); /* the logon time jitters by seconds */
    assert_int_equal(share_actions(), 0);
    assert_int_equal(count(AGENT_ACT_WARN_CREDENTIALS), 0);
    assert_true(logged("refused"));
    assert_int_equal(agent_icon_of(&st), AGENT_ICON_ERROR);

    /* The logon time unknown: a new logon cannot be told from a restart
     * of the agent by hand, so the block stays (an unlock lifts it). */
    st = reloaded(&st);
    start(T0 + HOUR + 60, BOOT1, 0);
    assert_int_equal(share_actions(), 0);
    assert_int_not_equal(st.creds_refused_at, 0);

    /* A new logon (new password typed): one attempt at start. */
    st = reloaded(&st);
    start(T0 + 2 * HOUR, BOOT1, T0 + 2 * HOUR - 20);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    assert_int_equal(st.creds_refused_at, 0);
    forwarded_fail(T0 + 2 * HOUR, AGENT_FAIL_CREDENTIALS, 0, "(1326)");
    assert_int_equal(st.creds_refused_boot, BOOT1);

    /* A restart of the computer is a new logon, logon time known or not. */
    st = reloaded(&st);
    start(T0 + 3 * HOUR, T0 + 3 * HOUR - 120, 0);
    assert_int_equal(count(AGENT_ACT_FORWARD), 1);
    assert_int_equal(st.creds_refused_at, 0);
}

static void test_refresh_with_nothing_refused_starts_nothing(void **state)
{
    (void)state;
    run(AGENT_EV_CREDENTIALS_REFRESHED, T0);
    assert_int_equal(share_actions(), 0);
    assert_int_equal(st.phase, AGENT_PHASE_IDLE);
}

/* Answers every share action of the last step as a share refusing the
 * credentials would, until none is left. Returns how many were answered
 * (each one an attempt with the user's credentials). */
static unsigned answer_refusing(agent_time now)
{
    unsigned attempts = 0;
    for (unsigned guard = 0; guard < 8; guard++) {
        if (find(AGENT_ACT_FORWARD) != NULL) {
            attempts++;
            forwarded_fail(now, AGENT_FAIL_CREDENTIALS, 0, "(1326)");
        } else if (find(AGENT_ACT_READ_VERSIONS) != NULL) {
            attempts++;
            versions(now, known(4), unreadable(), AGENT_FAIL_CREDENTIALS);
        } else if (find(AGENT_ACT_RUN_SETUP) != NULL) {
            attempts++;
            setup_not_started(now, AGENT_FAIL_CREDENTIALS, "(1326)");
        } else {
            break;
        }
    }
    return attempts;
}

/* The measure: a share that refuses the credentials for 24 hours,
 * with the timer firing every minute, an inventory file every 10 minutes
 * and the user asking for a check every hour, gets exactly one attempt at
 * start and one after each unlock or new logon, and none after a restart
 * of the agent in the same logon. (The old Client Monitor retried every
 * 60 s and locked the account.) */
static void test_share_refusing_credentials_for_24_hours_gets_one_attempt_per_refresh(void **state)
{
    (void)state;
    unsigned window = 0, attempts[8] = {0}, balloons = 0;
    agent_time logon = LOGON1;

    start(T0, BOOT1, logon);
    attempts[window] += answer_refusing(T0);
    balloons += count(AGENT_ACT_WARN_CREDENTIALS);
    for (agent_time t = T0 + MINUTE; t <= T0 + 24 * HOUR; t += MINUTE) {
        agent_time since = t - T0;
        if (since == 3 * HOUR || since == 8 * HOUR || since == 17 * HOUR) {
            run(AGENT_EV_CREDENTIALS_REFRESHED, t); /* unlocked */
            window++;
        } else if (since == 12 * HOUR) {
            st = reloaded(&st); /* agent restarted, same logon */
            start(t, BOOT1, logon);
        } else if (since == 20 * HOUR) {
            logon = t - 30; /* logged off and on again */
            st = reloaded(&st);
            start(t, BOOT1, logon);
            window++;
        } else if (since % HOUR == 0) {
            run(AGENT_EV_CHECK_NOW, t);
        } else if (since % (10 * MINUTE) == 0) {
            run(AGENT_EV_INVENTORY, t);
        } else {
            run(AGENT_EV_TIMER, t);
        }
        attempts[window] += answer_refusing(t);
        balloons += count(AGENT_ACT_WARN_CREDENTIALS);
    }
    assert_int_equal(window, 4);
    unsigned total = 0;
    for (unsigned w = 0; w <= window; w++)
        total += attempts[w];
    print_message("attempts in 24 h: %u (per window: %u %u %u %u %u)\n", total, attempts[0],
                  attempts[1], attempts[2], attempts[3], attempts[4]);
    for (unsigned w = 0; w <= window; w++)
        assert_int_equal(attempts[w], 1);
    assert_int_equal(balloons, 5); /* one per block */
}

/* The same day when the share refuses at whichever step comes first: the
 * box takes files, then CL_NT.TXT refuses; or the copy list reads and
 * Client Setup cannot start. Each refresh gives one pass, and no share
 * action follows a refusal in that window. */
static void test_refusal_at_any_step_ends_the_attempts_of_the_window(void **state)
{
    (void)state;
    unsigned refused = 0;
    for (unsigned round = 0; round < 3; round++) {
        agent_time t = T0 + round * 8 * HOUR;
        if (round == 0)
            run(AGENT_EV_CHECK_NOW, t);
        else
            run(AGENT_EV_CREDENTIALS_REFRESHED, t);
        assert_int_equal(count(AGENT_ACT_FORWARD), 1);
        if (round == 0) {
            forwarded_fail(t, AGENT_FAIL_CREDENTIALS, 0, "(1330)");
        } else {
            forwarded_ok(t, 1, 0);
            if (round == 1) {
                versions(t, known(4), unreadable(), AGENT_FAIL_CREDENTIALS);
            } else {
                versions(t, known(4), known(9), AGENT_FAIL_SHARE);
                assert_non_null(find(AGENT_ACT_RUN_SETUP));
                setup_not_started(t, AGENT_FAIL_CREDENTIALS, "(1907)");
            }
        }
        refused++;
        assert_int_not_equal(st.creds_refused_at, 0);
        for (agent_time u = t + MINUTE; u < t + 8 * HOUR; u += 7 * MINUTE) {
            run((u / MINUTE) % 3 == 0   ? AGENT_EV_TIMER
                : (u / MINUTE) % 3 == 1 ? AGENT_EV_INVENTORY
                                        : AGENT_EV_CHECK_NOW,
                u);
            assert_int_equal(share_actions(), 0);
        }
    }
    assert_int_equal(refused, 3);
}

/* ---- kept files (issue 17.6) ---- */

static void forwarded_kept(agent_time now, bool ok, const char *const *names, uint32_t n)
{
    agent_event e = ev_of(AGENT_EV_FORWARDED, now);
    e.ok = ok;
    e.count = n;
    e.kept.n = n;
    for (uint32_t i = 0; i < n && i < AGENT_KEPT_MAX; i++) {
        snprintf(e.kept.f[i].name, sizeof e.kept.f[i].name, "%s", names[i]);
        e.kept.f[i].hash = 0x1000u + i;
    }
    step_ev(&e);
}

static void test_kept_files_are_remembered_replaced_on_a_clean_pass_and_bounded(void **state)
{
    (void)state;
    const char *const one[] = {"00000001.RAW"};
    const char *const two[] = {"00000002.RAW", "00000003.RAW"};
    run(AGENT_EV_INVENTORY, T0);
    forwarded_kept(T0, true, one, 1);
    assert_int_equal(st.kept.n, 1);
    assert_string_equal(st.kept.f[0].name, "00000001.RAW");
    assert_int_equal(st.kept.f[0].hash, 0x1000u);
    assert_non_null(find(AGENT_ACT_SAVE_STATE));
    assert_true(logged("could not be deleted"));
    assert_int_not_equal(agent_icon_of(&st), AGENT_ICON_ERROR);
    versions(T0, known(4), known(4), AGENT_FAIL_SHARE);

    /* A pass that stopped early (the share went away) may not have seen
     * every file: what was remembered stays. */
    run(AGENT_EV_INVENTORY, T0 + 60);
    forwarded_kept(T0 + 60, false, two, 2);
    assert_int_equal(st.kept.n, 3);

    /* A clean pass saw every file: the list is what it found. */
    run(AGENT_EV_TIMER, T0 + 400);
    forwarded_kept(T0 + 400, true, two, 2);
    assert_int_equal(st.kept.n, 2);
    assert_string_equal(st.kept.f[0].name, "00000002.RAW");
    versions(T0 + 400, known(4), known(4), AGENT_FAIL_SHARE);

    /* An event claiming more than fits stays bounded. */
    run(AGENT_EV_INVENTORY, T0 + 500);
    agent_event e = ev_of(AGENT_EV_FORWARDED, T0 + 500);
    e.ok = true;
    e.kept.n = 1000;
    for (unsigned i = 0; i < AGENT_KEPT_MAX; i++) {
        memset(e.kept.f[i].name, 'A', sizeof e.kept.f[i].name); /* no NUL */
        e.kept.f[i].name[0] = (char)('B' + i);
    }
    step_ev(&e);
    assert_int_equal(st.kept.n, AGENT_KEPT_MAX);
    assert_true(strlen(st.kept.f[0].name) <= AGENT_KEPT_NAME_MAX);

    st = reloaded(&st);
    assert_int_equal(st.kept.n, AGENT_KEPT_MAX);
}

/* Random events with random failure classes: the bounds hold, and while
 * credentials are refused nothing touches the share. */
static void test_random_failures_keep_the_block(void **state)
{
    (void)state;
    uint32_t seed = 777;
    agent_time now = T0;
    for (unsigned i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        agent_event e = ev_of((agent_event_type)((seed >> 16) % 14), now);
        bool blocked = st.creds_refused_at != 0;
        e.boot_time = BOOT1;
        e.logon_time = (seed >> 27) % 16 == 0 ? now : LOGON1;
        e.ok = (seed >> 3) & 1;
        e.fail = (agent_failure)((seed >> 5) % 4);
        e.count = seed % 3;
        e.others = (seed >> 7) % 2;
        e.local = known(4);
        e.server = (seed >> 9) & 1 ? known((seed >> 10) % 3 + 3) : unreadable();
        if (e.type == AGENT_EV_SESSION_ENDING)
            e.type = AGENT_EV_TIMER;
        step_ev(&e);
        if (blocked && e.type != AGENT_EV_CREDENTIALS_REFRESHED && e.type != AGENT_EV_START)
            assert_int_equal(share_actions(), 0);
        if (st.creds_refused_at != 0)
            assert_true(st.share_retry_at == 0 || st.share_retry_at <= now);
        assert_true(st.kept.n <= AGENT_KEPT_MAX);
        now += (seed >> 4) % 900;
    }
}

static void test_failure_names(void **state)
{
    (void)state;
    assert_string_equal(agent_failure_name(AGENT_FAIL_SHARE), "share");
    assert_string_equal(agent_failure_name(AGENT_FAIL_CREDENTIALS), "credentials");
    assert_string_equal(agent_failure_name(AGENT_FAIL_BOX_FULL), "box-full");
    assert_string_equal(agent_failure_name(AGENT_FAIL_LOCAL), "local");
    assert_string_equal(agent_failure_name((agent_failure)99), "invalid");
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_local_forward_failure_is_no_share_failure_and_still_checks),
        T(test_local_failure_still_runs_setup_when_versions_differ),
        T(test_no_share_known_is_a_local_problem_not_a_share_failure),
        T(test_full_inventory_box_is_said_backs_off_and_still_checks),
        T(test_file_delivered_by_another_agent_is_no_error),
        T(test_refused_credentials_block_every_attempt_until_refreshed),
        T(test_refused_credentials_on_copy_list_or_setup_block_too),
        T(test_refused_credentials_block_survives_restart_in_same_logon),
        T(test_refresh_with_nothing_refused_starts_nothing),
        T(test_share_refusing_credentials_for_24_hours_gets_one_attempt_per_refresh),
        T(test_refusal_at_any_step_ends_the_attempts_of_the_window),
        T(test_kept_files_are_remembered_replaced_on_a_clean_pass_and_bounded),
        T(test_random_failures_keep_the_block),
        T(test_failure_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
