/*
 * test_agent_others.c: the restart prompt says when other users are signed
 * in (issue 13.2). Wine has one session, so the count is given to the
 * footer here; the real count is checked to be none under Wine.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "climon.h"

static agent_action restart_prompt(void)
{
    agent_action a;
    memset(&a, 0, sizeof a);
    a.type = AGENT_ACT_PROMPT;
    a.pending = AGENT_PENDING_RESTART;
    a.deferrals_left = AGENT_NO_LIMIT;
    return a;
}

static void test_the_prompt_counts_two_other_users(void **state)
{
    agent_action a = restart_prompt();
    wchar_t f[512];
    (void)state;
    prompt_footer(&a, 0, 2, f, 512);
    assert_non_null(wcsstr(f, L"2 other users are signed in to this PC"));
}

static void test_one_other_user_is_said_in_the_singular(void **state)
{
    agent_action a = restart_prompt();
    wchar_t f[512];
    (void)state;
    prompt_footer(&a, 0, 1, f, 512);
    assert_non_null(wcsstr(f, L"1 other user is signed in to this PC"));
}

static void test_nobody_else_signed_in_says_nothing_of_others(void **state)
{
    agent_action a = restart_prompt();
    wchar_t f[512];
    (void)state;
    prompt_footer(&a, 0, 0, f, 512);
    assert_int_equal(f[0], 0);
    /* With the ladder's part, the others come after it. */
    a.deferrals_left = 2;
    prompt_footer(&a, 3, 2, f, 512);
    assert_non_null(wcsstr(f, L"2 of 3 postponements left."));
    assert_true(wcsstr(f, L"2 other users") > wcsstr(f, L"postponements"));
}

static void test_under_wine_there_is_no_other_session(void **state)
{
    DWORD own = 0;
    (void)state;
    assert_true(ProcessIdToSessionId(GetCurrentProcessId(), &own));
    assert_int_equal(sessions_other_users(own), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_prompt_counts_two_other_users),
        cmocka_unit_test(test_one_other_user_is_said_in_the_singular),
        cmocka_unit_test(test_nobody_else_signed_in_says_nothing_of_others),
        cmocka_unit_test(test_under_wine_there_is_no_other_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
