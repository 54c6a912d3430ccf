/*
 * test_agent_forward.c: inventory files reach the server's box, once.
 * Real files under Wine; a crash between the rename and the delete is
 * simulated by laying out exactly what it leaves behind.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
    if (fx_lab_make(&lab, "forward", "1", "1"))
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

static void put_raw(const wchar_t *name, const char *text)
{
    wchar_t p[FX_PATH];
    fx_join(p, lab.invdata, name);
    assert_int_equal(fx_write_text(p, text), 0);
}

static void target_of(const char *text, unsigned n, const wchar_t *ext, wchar_t *out)
{
    wchar_t stem[32], name[48];
    forward_unique_stem("SKZ01000", forward_fnv1a(FORWARD_FNV_SEED, text, strlen(text)), n, stem,
                        32);
    _snwprintf(name, 48, L"%ls%ls", stem, ext);
    fx_join(out, lab.inv_box, name);
}

static uint32_t last_busy;

static BOOL run(uint32_t *count, char *err)
{
    return forward_all(lab.invdata, lab.inv_box, "SKZ01000", &lf, count, &last_busy, err, 256);
}

static void test_unique_stem_is_id_tail_and_hash(void **state)
{
    wchar_t stem[32];
    (void)state;
    forward_unique_stem("SKZ01000", 0xA1B2C3D4u, 0, stem, 32);
    assert_true(wcscmp(stem, L"1000A1B2C3D4") == 0);
    forward_unique_stem("ab", 0x1u, 0, stem, 32);
    assert_true(wcscmp(stem, L"00AB00000001") == 0);
    forward_unique_stem("SKZ01000", 0xA1B2C3D4u, 1, stem, 32);
    assert_true(wcscmp(stem, L"1000A1B2C3D4") != 0);
    /* FNV-1a test vector: "a" -> 0xE40C292C */
    assert_int_equal(forward_fnv1a(FORWARD_FNV_SEED, "a", 1), 0xE40C292Cu);
}

static void test_raw_files_reach_the_box_and_leave_invdata(void **state)
{
    wchar_t t1[FX_PATH], t2[FX_PATH];
    uint32_t count = 0;
    char err[256], *got;
    (void)state;
    put_raw(L"INV00001.RAW", "inventory one");
    put_raw(L"inv00002.raw", "inventory two");
    assert_true(run(&count, err));
    assert_int_equal(count, 2);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 2);
    assert_int_equal(fx_count(lab.inv_box, L"*.TMP"), 0);
    target_of("inventory one", 0, L".RAW", t1);
    target_of("inventory two", 0, L".RAW", t2);
    got = fx_read_text(t1);
    assert_non_null(got);
    assert_string_equal(got, "inventory one");
    free(got);
    assert_true(GetFileAttributesW(t2) != INVALID_FILE_ATTRIBUTES);
}

static void test_crash_between_rename_and_delete_gives_no_duplicate(void **state)
{
    wchar_t t[FX_PATH];
    uint32_t count = 0;
    char err[256];
    (void)state;
    /* What a crash leaves: the file in the box under its name, and the
     * local one not yet deleted. */
    put_raw(L"INV00003.RAW", "inventory three");
    target_of("inventory three", 0, L".RAW", t);
    assert_int_equal(fx_write_text(t, "inventory three"), 0);
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*"), 1);
}

static void test_stale_tmp_is_overwritten(void **state)
{
    wchar_t tmp[FX_PATH], t[FX_PATH];
    uint32_t count = 0;
    char err[256], *got;
    (void)state;
    put_raw(L"INV00004.RAW", "inventory four");
    target_of("inventory four", 0, L".TMP", tmp);
    assert_int_equal(fx_write_text(tmp, "half a fi"), 0);
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    assert_int_equal(fx_count(lab.inv_box, L"*.TMP"), 0);
    target_of("inventory four", 0, L".RAW", t);
    got = fx_read_text(t);
    assert_non_null(got);
    assert_string_equal(got, "inventory four");
    free(got);
}

static void test_other_file_on_the_name_is_never_replaced(void **state)
{
    wchar_t t0[FX_PATH], t1[FX_PATH];
    uint32_t count = 0;
    char err[256], *got;
    (void)state;
    put_raw(L"INV00005.RAW", "inventory five");
    target_of("inventory five", 0, L".RAW", t0);
    assert_int_equal(fx_write_text(t0, "someone else's file"), 0);
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    got = fx_read_text(t0);
    assert_string_equal(got, "someone else's file");
    free(got);
    target_of("inventory five", 1, L".RAW", t1);
    got = fx_read_text(t1);
    assert_non_null(got);
    assert_string_equal(got, "inventory five");
    free(got);
}

static void test_unreachable_box_keeps_the_local_file(void **state)
{
    uint32_t count = 0;
    char err[256];
    (void)state;
    put_raw(L"INV00006.RAW", "inventory six");
    fx_remove_tree(lab.inv_box);
    assert_false(run(&count, err));
    assert_int_equal(count, 0);
    assert_non_null(strstr(err, "inventory box"));
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
}

static void test_file_still_being_written_is_left_and_counted_busy(void **state)
{
    wchar_t p[FX_PATH];
    uint32_t count = 0;
    char err[256];
    HANDLE writer;
    (void)state;
    fx_join(p, lab.invdata, L"INV00007.RAW");
    writer = CreateFileW(p, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(writer != INVALID_HANDLE_VALUE);
    assert_true(run(&count, err));
    assert_int_equal(count, 0);
    assert_int_equal(last_busy, 1);
    CloseHandle(writer);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    assert_int_equal(last_busy, 0);
}

static void test_only_raw_files_are_forwarded(void **state)
{
    uint32_t count = 0;
    char err[256];
    (void)state;
    put_raw(L"NOTES.TXT", "not inventory");
    put_raw(L"X.RAWX", "not inventory either");
    assert_true(run(&count, err));
    assert_int_equal(count, 0);
    assert_int_equal(fx_count(lab.invdata, L"*"), 2);
    assert_int_equal(fx_count(lab.inv_box, L"*"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unique_stem_is_id_tail_and_hash),
        cmocka_unit_test_setup_teardown(test_raw_files_reach_the_box_and_leave_invdata, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_crash_between_rename_and_delete_gives_no_duplicate,
                                        setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_stale_tmp_is_overwritten, setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_other_file_on_the_name_is_never_replaced, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_unreachable_box_keeps_the_local_file, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_file_still_being_written_is_left_and_counted_busy,
                                        setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_only_raw_files_are_forwarded, setup_one, teardown_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
