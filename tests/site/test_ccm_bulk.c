/*
 * test_ccm_bulk.c: 300 requests from 300 clients, queued before the
 * manager runs, all taken in one pass: half need their services
 * installed, half are already current and must not be told to restart.
 * And a pass lists its folders as often for 100 requests as for one: no
 * listing or lookup of a folder per request (each costs, under Wine, a
 * scan of the folder, so a pass over n requests would take n * n).
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "ccm.h"
#include "site_fixture.h"

#define NCLIENTS 300

static const ccr_time t0 = {2026, 11, 24, 10, 0};

static int setup(void **state)
{
    return fx_test_setup(state, "ccmbulk");
}

static void test_ccm_takes_300_queued_requests_in_one_pass(void **state)
{
    site_fx *fx = *state;
    static fx_client c[NCLIENTS];
    static ccm_ctx ctx;
    char id[16], machine[16], v[32];
    ULONGLONG start;

    fx_publish(fx, 200, "1.2.0", "1.2.0", NULL);
    for (unsigned i = 0; i < NCLIENTS; i++) {
        snprintf(id, sizeof id, "BLK%05u", i);
        snprintf(machine, sizeof machine, "PC%05u", i);
        fx_add_client(fx, &c[i], id, machine);
        fx_register(fx, &c[i]);
        if (i % 2) {
            fx_installed(&c[i], "INV32CLI", "1.2.0", "service", "INV32CLI.EXE|INVMIF.DLL");
            fx_installed(&c[i], "PCMSVC32", "1.2.0", "service", "PCMSVC32.EXE");
        }
        fx_request(fx, &c[i], &t0);
    }
    assert_int_equal(fx_count(fx->box, "*.CCR"), NCLIENTS);

    start = GetTickCount64();
    assert_true(ccm_ctx_init(&ctx, fx->share, false));
    ctx.fixed_now = true;
    ctx.now = t0;
    assert_int_equal(ccm_pass(&ctx), CCM_EXIT_OK);
    print_message("one pass over %u requests: %llu ms\n", NCLIENTS,
                  (unsigned long long)(GetTickCount64() - start));
    assert_int_equal(ctx.counts.requests, NCLIENTS);
    assert_int_equal(ctx.counts.done, NCLIENTS);
    assert_int_equal(ctx.counts.changed, NCLIENTS / 2);
    assert_int_equal(ctx.counts.retry, 0);
    assert_int_equal(ctx.counts.bad, 0);
    ccm_ctx_free(&ctx);

    assert_int_equal(fx_count(fx->box, "*.CC?"), 0);
    for (unsigned i = 0; i < NCLIENTS; i++) {
        if (i % 2 == 0) {
            assert_true(fx_payload_is(c[i].bin, "PCMSVC32.EXE", "1.2.0"));
            assert_true(fx_sz(&c[i], "INV32CLI", "Installed Version", v, sizeof v));
            assert_int_equal(fx_dword(&c[i], NULL, "Reboot Required"), 1);
        } else {
            assert_int_equal(fx_count(c[i].bin, "*"), 0);
            assert_int_equal(fx_dword(&c[i], NULL, "Reboot Required"), FX_ABSENT);
        }
        assert_int_equal(fx_dword(&c[i], NULL, "Prompt for Restart"), 1);
    }
}

static void test_ccm_pass_lists_its_folders_as_often_for_100_requests_as_for_one(void **state)
{
    site_fx *fx = *state;
    static fx_client c[101];
    static ccm_ctx ctx;
    char id[16], machine[16];
    unsigned one;

    fx_publish(fx, 200, "1.2.0", "1.2.0", NULL);
    for (unsigned i = 0; i < 101; i++) {
        snprintf(id, sizeof id, "LST%05u", i);
        snprintf(machine, sizeof machine, "LPC%05u", i);
        fx_add_client(fx, &c[i], id, machine);
        fx_register(fx, &c[i]);
    }
    assert_true(ccm_ctx_init(&ctx, fx->share, false));
    ctx.fixed_now = true;
    ctx.now = t0;

    fx_request(fx, &c[0], &t0);
    assert_int_equal(ccm_pass(&ctx), CCM_EXIT_OK);
    assert_int_equal(ctx.counts.done, 1);
    one = ctx.listings;
    assert_true(one > 0);

    for (unsigned i = 1; i < 101; i++)
        fx_request(fx, &c[i], &t0);
    assert_int_equal(ccm_pass(&ctx), CCM_EXIT_OK);
    assert_int_equal(ctx.counts.done, 100);
    assert_int_equal(ctx.listings, one);
    ccm_ctx_free(&ctx);
    for (unsigned i = 0; i < 101; i++)
        assert_true(fx_payload_is(c[i].bin, "PCMSVC32.EXE", "1.2.0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ccm_takes_300_queued_requests_in_one_pass, setup,
                                        fx_test_teardown),
        cmocka_unit_test_setup_teardown(
            test_ccm_pass_lists_its_folders_as_often_for_100_requests_as_for_one, setup,
            fx_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
