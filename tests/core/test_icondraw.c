/*
 * test_icondraw.c: the notification icons drawn at run time: every state
 * at every size the shell may ask for, each a disc of its colour with a
 * white ring and a shadow to the lower right, transparent outside, and the
 * states told apart by their symbols alone (colour blindness, high
 * contrast), not only by colour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "climon/icondraw.h"

#define STATES 5

static uint32_t *draw(agent_icon icon, int size)
{
    uint32_t *px = malloc(sizeof *px * (size_t)size * (size_t)size);
    assert_non_null(px);
    assert_int_equal(icondraw_render(icon, size, px), 0);
    return px;
}

/* The pixel under a point of the 256-unit square. */
static uint32_t at(const uint32_t *px, int size, int x256, int y256)
{
    return px[(y256 * size / 256) * size + x256 * size / 256];
}

static int white(uint32_t p)
{
    return (p >> 24) == 255 && (p & 0xffffff) == 0xffffff;
}

/* Every small-icon size from 100 % to 400 % DPI, and the largest. */
static void test_icondraw_every_state_draws_at_every_tray_size_and_the_largest(void **state)
{
    static const int big[] = {96, 128, ICONDRAW_MAX};
    (void)state;
    for (int i = 0; i < STATES; i++) {
        for (int size = ICONDRAW_MIN; size <= 64; size++)
            free(draw((agent_icon)i, size));
        for (size_t k = 0; k < sizeof big / sizeof big[0]; k++)
            free(draw((agent_icon)i, big[k]));
    }
}

static void test_icondraw_refuses_a_size_or_state_it_has_not_and_leaves_the_pixels(void **state)
{
    uint32_t px[16 * 16];
    (void)state;
    for (size_t i = 0; i < 256; i++)
        px[i] = 0x12345678u;
    assert_int_equal(icondraw_render(AGENT_ICON_ERROR, ICONDRAW_MIN - 1, px), -1);
    assert_int_equal(icondraw_render(AGENT_ICON_ERROR, ICONDRAW_MAX + 1, px), -1);
    assert_int_equal(icondraw_render((agent_icon)STATES, 16, px), -1);
    assert_int_equal(icondraw_render((agent_icon)-1, 16, px), -1);
    assert_int_equal(icondraw_render(AGENT_ICON_ERROR, 16, NULL), -1);
    for (size_t i = 0; i < 256; i++)
        assert_int_equal(px[i], 0x12345678u);
    assert_int_equal(icondraw_colour((agent_icon)STATES), 0);
}

static void test_icondraw_is_an_opaque_disc_of_the_state_colour_in_a_white_ring(void **state)
{
    (void)state;
    for (int i = 0; i < STATES; i++) {
        for (int size = 16; size <= 64; size += 16) {
            uint32_t *px = draw((agent_icon)i, size);
            /* Inside the disc, clear of every symbol: the colour, opaque. */
            assert_int_equal(at(px, size, 40, 128), 0xff000000u | icondraw_colour((agent_icon)i));
            /* The ring on the disc's edge (radius 109 to 119), top and
             * left, where a pixel is narrower than the ring. */
            if (size >= 48) {
                assert_true(white(at(px, size, 128, 14)));
                assert_true(white(at(px, size, 14, 128)));
            }
            /* Outside everything: transparent. */
            assert_int_equal(px[0], 0);
            assert_int_equal(px[size - 1], 0);
            free(px);
        }
    }
}

static void test_icondraw_shadow_is_translucent_black_to_the_lower_right_only(void **state)
{
    (void)state;
    uint32_t *px = draw(AGENT_ICON_UP_TO_DATE, 256);
    /* Just outside the ring, lower right: a quarter black. */
    assert_int_equal(at(px, 256, 214, 214), 0x40000000u);
    /* The same distance upper left: nothing. */
    assert_int_equal(at(px, 256, 42, 42), 0);
    free(px);
}

static void test_icondraw_edges_blend_in_alpha_without_darkening_the_colour(void **state)
{
    (void)state;
    /* An edge pixel of the ring is part covered: alpha between 0 and
     * 255, and its colour stays white (straight alpha, not premultiplied). */
    uint32_t *px = draw(AGENT_ICON_ERROR, 16);
    int partial = 0;
    for (int i = 0; i < 16 * 16; i++) {
        unsigned a = px[i] >> 24;
        if (a > 64 && a < 255) {
            partial++;
            assert_true((px[i] & 0xff) >= 0x80); /* white ring over a quarter-black shadow */
        }
    }
    assert_true(partial >= 8);
    free(px);
}

static void test_icondraw_states_differ_by_symbol_not_only_by_colour(void **state)
{
    (void)state;
    /* At the smallest common size, 16 px, compare where each state is
     * white inside the ring: every pair must differ in several pixels. */
    enum { N = 16 };
    uint32_t *px[STATES];
    for (int i = 0; i < STATES; i++)
        px[i] = draw((agent_icon)i, N);
    for (int i = 0; i < STATES; i++) {
        for (int j = i + 1; j < STATES; j++) {
            int differ = 0;
            for (int y = 3; y < N - 3; y++)
                for (int x = 3; x < N - 3; x++) {
                    uint32_t a = px[i][y * N + x], b = px[j][y * N + x];
                    int la = ((a >> 16 & 255) + (a >> 8 & 255) + (a & 255)) / 3;
                    int lb = ((b >> 16 & 255) + (b >> 8 & 255) + (b & 255)) / 3;
                    differ += abs(la - lb) > 96;
                }
            assert_true(differ >= 6);
        }
    }
    for (int i = 0; i < STATES; i++)
        free(px[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icondraw_every_state_draws_at_every_tray_size_and_the_largest),
        cmocka_unit_test(test_icondraw_refuses_a_size_or_state_it_has_not_and_leaves_the_pixels),
        cmocka_unit_test(test_icondraw_is_an_opaque_disc_of_the_state_colour_in_a_white_ring),
        cmocka_unit_test(test_icondraw_shadow_is_translucent_black_to_the_lower_right_only),
        cmocka_unit_test(test_icondraw_edges_blend_in_alpha_without_darkening_the_colour),
        cmocka_unit_test(test_icondraw_states_differ_by_symbol_not_only_by_colour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
