/*
 * test_agent_stacktrim.c: src/climon/stacktrim.c (issue 13.4). A thread
 * that used a deep stack and then calls stacktrim_now no longer holds
 * those pages (QueryWorkingSetEx: not resident), its own frame above the
 * call is untouched, and the same depth can be used again at once.
 */
#include <windows.h>
#include <psapi.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "climon.h"

#define DEEP_BYTES (256 * 1024)

typedef struct probe {
    volatile char *deep_page; /* a page DEEP_BYTES under the thread's frame */
    BOOL resident_before, resident_after;
    BOOL frame_kept;
    unsigned sum_again;
} probe;

static BOOL resident(const volatile void *p)
{
    PSAPI_WORKING_SET_EX_INFORMATION ws;
    memset(&ws, 0, sizeof ws);
    ws.VirtualAddress = (void *)p;
    if (!QueryWorkingSetEx(GetCurrentProcess(), &ws, sizeof ws))
        return -1;
    return ws.VirtualAttributes.Valid != 0;
}

/* Writes DEEP_BYTES of stack, the lowest page's address to *deep; the sum
 * of what it read back. */
__attribute__((noinline)) static unsigned go_deep(volatile char **deep)
{
    volatile char buf[DEEP_BYTES];
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof buf; i += 512)
        buf[i] = (char)(i >> 9);
    for (size_t i = 0; i < sizeof buf; i += 512)
        sum += (unsigned char)buf[i];
    *deep = (volatile char *)(((ULONG_PTR)&buf[0] + 4095) & ~(ULONG_PTR)4095);
    return sum;
}

static DWORD WINAPI trim_thread(LPVOID param)
{
    probe *p = param;
    volatile char *deep = NULL;
    char mine[4096];
    unsigned sum;

    memset(mine, 0x5a, sizeof mine);
    sum = go_deep(&deep);
    p->deep_page = deep;
    p->resident_before = resident(deep);
    stacktrim_now();
    p->resident_after = resident(deep);
    p->frame_kept = TRUE;
    for (size_t i = 0; i < sizeof mine; i++)
        if (mine[i] != 0x5a)
            p->frame_kept = FALSE;
    p->sum_again = go_deep(&deep) == sum ? sum : 0;
    return 0;
}

static void test_the_stack_below_the_frame_goes_back_and_comes_again(void **state)
{
    probe p;
    HANDLE t;
    (void)state;

    memset(&p, 0, sizeof p);
    t = CreateThread(NULL, 0, trim_thread, &p, 0, NULL);
    assert_non_null(t);
    assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_non_null((void *)p.deep_page);
    assert_int_equal(p.resident_before, TRUE);
    assert_int_equal(p.resident_after, FALSE);
    assert_true(p.frame_kept);
    assert_int_not_equal(p.sum_again, 0);
}

/* A thread with a small reservation: nothing below its frame to give, no
 * fault. */
static DWORD WINAPI shallow_thread(LPVOID param)
{
    stacktrim_now();
    stacktrim_now();
    *(BOOL *)param = TRUE;
    return 0;
}

static void test_a_shallow_thread_trims_without_fault(void **state)
{
    BOOL done = FALSE;
    HANDLE t;
    (void)state;

    t = CreateThread(NULL, 64 * 1024, shallow_thread, &done, STACK_SIZE_PARAM_IS_A_RESERVATION,
                     NULL);
    assert_non_null(t);
    assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_stack_below_the_frame_goes_back_and_comes_again),
        cmocka_unit_test(test_a_shallow_thread_trims_without_fault),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
