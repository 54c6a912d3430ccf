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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "agent_fixture.h"
#include "climon.h"

static fx_lab lab;
static logfile lf;
static forward_result last;
static agent_kept known;

static int setup_one(void **state)
{
    (void)state;
    memset(&last, 0, sizeof last);
    memset(&known, 0, sizeof known);
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

static BOOL run_in(const wchar_t *invdata, uint32_t *count, char *err)
{
    BOOL ok = forward_all(invdata, lab.inv_box, "SKZ01000", &known, &lf, &last);
    *count = last.count;
    last_busy = last.busy;
    snprintf(err, 256, "%s", last.err);
    return ok;
}

static BOOL run(uint32_t *count, char *err)
{
    return run_in(lab.invdata, count, err);
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
    assert_int_equal(last.fail, AGENT_FAIL_SHARE);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
}

/* Issue 17.4: a missing inventory folder is this computer's problem. */
static void test_missing_inventory_folder_is_a_local_failure(void **state)
{
    wchar_t nope[FX_PATH];
    uint32_t count = 0;
    char err[256];
    (void)state;
    fx_join(nope, lab.sms_path, L"NOPE");
    assert_false(run_in(nope, &count, err));
    assert_int_equal(last.fail, AGENT_FAIL_LOCAL);
    assert_non_null(strstr(err, "NOPE"));
}

/* A local file that cannot be opened (not a sharing violation) is
 * local too; the others still go. */
static void test_unopenable_local_file_is_a_local_failure_others_still_go(void **state)
{
    wchar_t p[FX_PATH];
    uint32_t count = 0;
    char err[256];
    HANDLE holder;
    (void)state;
    put_raw(L"INV00010.RAW", "inventory ten");
    fx_join(p, lab.invdata, L"INV00011.RAW");
    assert_int_equal(fx_write_text(p, "inventory eleven"), 0);
    /* A holder that shares nothing: our open fails, and not because the
     * file is being written (that is a sharing violation, retried). */
    holder = CreateFileW(p, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(holder != INVALID_HANDLE_VALUE);
    run(&count, err);
    CloseHandle(holder);
    assert_int_equal(count, 1);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    /* Held without sharing reads as being written: left, not an error. */
    assert_int_equal(last_busy, 1);
}

/* Issue 17.6: a read-only .RAW is delivered and deleted; it used to stay
 * (DeleteFileW: access denied) and went again whenever the site emptied
 * the box. */
static void test_read_only_raw_is_deleted_after_delivery(void **state)
{
    wchar_t p[FX_PATH];
    uint32_t count = 0;
    char err[256];
    (void)state;
    put_raw(L"INV00008.RAW", "inventory eight");
    fx_join(p, lab.invdata, L"INV00008.RAW");
    assert_true(SetFileAttributesW(p, FILE_ATTRIBUTE_READONLY));
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 0);
    assert_int_equal(last.kept.n, 0);
}

/* The same file that still cannot be deleted (a holder without delete
 * sharing stands in for an ACL that denies it): remembered as delivered
 * (name and hash), not delivered again when the box is emptied, and
 * deleted once it can be. */
static void test_undeletable_raw_is_remembered_not_delivered_again(void **state)
{
    wchar_t p[FX_PATH], box_file[FX_PATH];
    uint32_t count = 0;
    char err[256];
    HANDLE holder;
    (void)state;
    put_raw(L"INV00009.RAW", "inventory nine");
    fx_join(p, lab.invdata, L"INV00009.RAW");
    assert_true(SetFileAttributesW(p, FILE_ATTRIBUTE_READONLY));
    holder = CreateFileW(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(holder != INVALID_HANDLE_VALUE);

    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 1);
    assert_int_equal(last.kept.n, 1);
    assert_string_equal(last.kept.f[0].name, "INV00009.RAW");
    assert_int_equal(last.kept.f[0].hash,
                     forward_fnv1a(FORWARD_FNV_SEED, "inventory nine", strlen("inventory nine")));
    /* The attribute the delete cleared is back. */
    assert_true(GetFileAttributesW(p) & FILE_ATTRIBUTE_READONLY);

    /* The site takes the box's files; the agent remembers (the core keeps
     * the list in state.ini and hands it back). */
    target_of("inventory nine", 0, L".RAW", box_file);
    assert_true(DeleteFileW(box_file));
    known = last.kept;
    assert_true(run(&count, err));
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 0);
    assert_int_equal(last.kept.n, 1);

    /* A rewritten file of the same name is new inventory: delivered. */
    CloseHandle(holder);
    SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
    assert_int_equal(fx_write_text(p, "inventory nine, later"), 0);
    holder = CreateFileW(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(run(&count, err));
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    CloseHandle(holder);

    /* Deletable at last: gone, and forgotten. */
    known = last.kept;
    assert_true(run(&count, err));
    assert_int_equal(fx_count(lab.invdata, L"*.RAW"), 0);
    assert_int_equal(last.kept.n, 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
}

/* Issue 13: the .TMP is the agent's own, so another agent's .TMP of the
 * same file (being written, or left by a crash) holds nothing up: the
 * file is delivered once, and a leftover no one holds is removed. */
static void test_another_agents_tmp_of_the_same_file_holds_nothing_up(void **state)
{
    wchar_t other_tmp[FX_PATH], left_tmp[FX_PATH];
    uint32_t count = 0;
    char err[256];
    HANDLE other;
    (void)state;
    put_raw(L"INV00012.RAW", "inventory twelve");
    target_of("inventory twelve", 0, L".4000-0000ABCD.TMP", other_tmp);
    other = CreateFileW(other_tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(other != INVALID_HANDLE_VALUE);
    assert_true(run(&count, err));
    assert_string_equal(err, "");
    assert_int_equal(count, 1);
    assert_int_equal(last_busy, 0);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 1);
    CloseHandle(other);

    put_raw(L"INV00014.RAW", "inventory fourteen");
    target_of("inventory fourteen", 0, L".4004-0000ABCD.TMP", left_tmp);
    assert_int_equal(fx_write_text(left_tmp, "inventory fourt"), 0);
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 2);
    assert_true(GetFileAttributesW(left_tmp) == INVALID_FILE_ATTRIBUTES);
}

/* ---- claims (issue 13.1) ---- */

static void put_claim(const wchar_t *raw, const forward_claim *c, const char *text, wchar_t *path)
{
    wchar_t name[MAX_PATH];
    assert_true(forward_claim_name(raw, c, name, MAX_PATH));
    fx_join(path, lab.invdata, name);
    assert_int_equal(fx_write_text(path, text), 0);
}

static void test_claim_names_read_back_and_nothing_else_reads_as_one(void **state)
{
    forward_claim c = {4012, 0x01D9ABCDu, 0x656F0000u, 0x656F1234u}, got;
    wchar_t name[MAX_PATH], raw[MAX_PATH];
    (void)state;
    assert_true(forward_claim_name(L"INV00001.RAW", &c, name, MAX_PATH));
    assert_true(wcscmp(name, L"INV00001.RAW.4012-01D9ABCD-656F0000-656F1234.CLM") == 0);
    memset(&got, 0, sizeof got);
    assert_true(forward_claim_parse(name, raw, MAX_PATH, &got));
    assert_true(wcscmp(raw, L"INV00001.RAW") == 0);
    assert_memory_equal(&got, &c, sizeof c);
    assert_true(
        forward_claim_parse(L"a b.raw.7-00000000-00000001-FFFFFFFF.clm", raw, MAX_PATH, &got));
    assert_true(wcscmp(raw, L"a b.raw") == 0);
    assert_int_equal(got.pid, 7);
    /* Not a claim: another extension before it, a short field, no pid. */
    assert_false(
        forward_claim_parse(L"NOTES.TXT.7-00000000-00000001-00000002.CLM", raw, MAX_PATH, &got));
    assert_false(
        forward_claim_parse(L"X.RAW.7-0000000-00000001-00000002.CLM", raw, MAX_PATH, &got));
    assert_false(
        forward_claim_parse(L"X.RAW.-00000000-00000001-00000002.CLM", raw, MAX_PATH, &got));
    assert_false(forward_claim_parse(L"X.RAW.CLM", raw, MAX_PATH, &got));
    /* A raw name that does not fit is refused, not cut. */
    assert_false(forward_claim_parse(name, raw, 5, &got));
}

/* Another agent's claim (of another kernel: its process cannot be looked
 * up) that is fresh is its own: left, counted as another agent's, and no
 * error. */
static void test_a_live_claim_of_another_agent_is_left_to_it_and_no_error(void **state)
{
    forward_claim c;
    wchar_t claim[FX_PATH];
    uint32_t count = 0;
    char err[256];
    (void)state;
    forward_claim_self(&c, time_now());
    c.boot ^= 1u;
    put_claim(L"INV00020.RAW", &c, "inventory twenty", claim);
    assert_false(forward_any(lab.invdata));
    assert_true(run(&count, err));
    assert_string_equal(err, "");
    assert_int_equal(count, 0);
    assert_int_equal(last.others, 1);
    assert_int_equal(last.busy, 0);
    assert_true(GetFileAttributesW(claim) != INVALID_FILE_ATTRIBUTES);
    assert_int_equal(fx_count(lab.inv_box, L"*"), 0);
}

/* A claim older than the limit (its agent died on another kernel, or
 * hangs) is taken back and delivered, once; so is one dated far ahead
 * (the clock went back). */
static void test_an_old_claim_is_taken_back_and_delivered(void **state)
{
    forward_claim c;
    wchar_t claim[FX_PATH], ahead[FX_PATH];
    uint32_t count = 0;
    char err[256];
    (void)state;
    forward_claim_self(&c, time_now() - 301);
    c.boot ^= 1u;
    put_claim(L"INV00021.RAW", &c, "inventory twenty-one", claim);
    c.at = (uint32_t)(time_now() + 3600);
    put_claim(L"INV00022.RAW", &c, "inventory twenty-two", ahead);
    assert_true(forward_any(lab.invdata));
    assert_true(run(&count, err));
    assert_string_equal(err, "");
    assert_int_equal(count, 2);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 2);
    assert_int_equal(fx_count(lab.inv_box, L"*.TMP"), 0);
}

/* A fresh claim of this boot whose process is gone (a crashed agent): at
 * once; as is one of a pid now another process's. */
static void test_a_claim_of_a_gone_agent_is_taken_back_at_once(void **state)
{
    forward_claim c;
    wchar_t gone[FX_PATH], reused[FX_PATH];
    uint32_t count = 0;
    char err[256];
    (void)state;
    forward_claim_self(&c, time_now());
    c.pid = 4000000; /* no such process */
    put_claim(L"INV00023.RAW", &c, "inventory twenty-three", gone);
    forward_claim_self(&c, time_now());
    c.started ^= 0x5A5Au; /* our pid, another start: not us */
    put_claim(L"INV00024.RAW", &c, "inventory twenty-four", reused);
    assert_int_equal(forward_claim_judge(&c, &(forward_claim){0}, time_now()), FORWARD_CLAIM_LIVE);
    assert_true(forward_any(lab.invdata));
    assert_true(run(&count, err));
    assert_string_equal(err, "");
    assert_int_equal(count, 2);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
    assert_int_equal(fx_count(lab.inv_box, L"*.RAW"), 2);
}

/* A claim made before this kernel started (a restart since; under Wine a
 * wineserver that ended) is its dead agent's: taken back at once; one of
 * another kernel made since it started waits for its age. */
static void test_a_claim_from_before_this_boot_is_gone_one_of_another_kernel_waits(void **state)
{
    forward_claim self = {100, 0x1111u, 1000000u, 1000100u};
    forward_claim before = {100, 0x2222u, 990000u, 999990u};
    forward_claim other = {100, 0x2222u, 990000u, 1000050u};
    (void)state;
    assert_int_equal(forward_claim_judge(&before, &self, 1000100u), FORWARD_CLAIM_GONE);
    assert_int_equal(forward_claim_judge(&other, &self, 1000100u), FORWARD_CLAIM_LIVE);
    assert_int_equal(forward_claim_judge(&other, &self, 1000050u + 301u), FORWARD_CLAIM_STALE);
    assert_int_equal(forward_claim_judge(&self, &self, 1000100u), FORWARD_CLAIM_OURS);
}

/* Our own claim (a put-back that failed) is simply delivered. */
static void test_our_own_claim_is_delivered(void **state)
{
    forward_claim c;
    wchar_t claim[FX_PATH];
    uint32_t count = 0;
    char err[256];
    (void)state;
    forward_claim_self(&c, time_now() - 60);
    put_claim(L"INV00025.RAW", &c, "inventory twenty-five", claim);
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
    assert_int_equal(fx_count(lab.invdata, L"*"), 0);
}

/* The box's files, as a list of "name=bytes" the test can compare. */
static void box_listing(char *out, size_t cap)
{
    wchar_t pat[FX_PATH], p[FX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    out[0] = 0;
    fx_join(pat, lab.inv_box, L"*");
    h = FindFirstFileW(pat, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return;
    do {
        char n8[300], *text;
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            continue;
        fx_join(p, lab.inv_box, fd.cFileName);
        WideCharToMultiByte(CP_UTF8, 0, fd.cFileName, -1, n8, sizeof n8, NULL, NULL);
        text = fx_read_text(p);
        snprintf(out + strlen(out), cap - strlen(out), "%s=%s;", n8, text ? text : "?");
        free(text);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
}

/* path by a second drive letter (see the test below). */
static BOOL other_drive_path(const wchar_t *path, wchar_t *out)
{
    typedef char *(__cdecl * unix_name_fn)(const wchar_t *);
    unix_name_fn unix_name = (unix_name_fn)(void (*)(void))GetProcAddress(
        GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    if (unix_name) {
        char *u = unix_name(path);
        size_t i;
        if (!u)
            return FALSE;
        _snwprintf(out, FX_PATH, L"Z:%hs", u);
        out[FX_PATH - 1] = 0;
        for (i = 0; out[i]; i++)
            if (out[i] == L'/')
                out[i] = L'\\';
        HeapFree(GetProcessHeap(), 0, u);
        return TRUE;
    }
    {
        const wchar_t *rest = wcsrchr(path, L'\\');
        if (!rest || !DefineDosDeviceW(0, L"Q:", lab.share))
            return FALSE;
        _snwprintf(out, FX_PATH, L"Q:%ls", rest);
        return TRUE;
    }
}

/* Issue 17.5: an inventory folder that is the inventory box (or inside
 * it) is refused, however it is spelt: nothing forwarded, nothing
 * deleted. It used to rename a file into the box and, at the next pass,
 * delete it "as the local copy". */
static void test_inventory_folder_that_is_the_box_is_refused_however_spelt(void **state)
{
    wchar_t box[FX_PATH], spelt[FX_PATH], sub[FX_PATH], q[FX_PATH];
    char before[2048], after[2048], err[256];
    uint32_t count = 0;
    DWORD n;
    (void)state;

    /* A box with a long name, so that its 8.3 name differs. */
    fx_join(box, lab.share, L"Inventory Box Of The Site");
    assert_true(CreateDirectoryW(box, NULL));
    wcscpy(lab.inv_box, box);
    fx_join(spelt, box, L"1000AAAAAAAA.RAW");
    assert_int_equal(fx_write_text(spelt, "another client's inventory"), 0);
    fx_join(spelt, box, L"LOCAL001.RAW");
    assert_int_equal(fx_write_text(spelt, "a file the inventory agent put here"), 0);
    box_listing(before, sizeof before);

    /* The box itself, twice (the second pass is where the file went). */
    assert_false(run_in(box, &count, err));
    assert_false(run_in(box, &count, err));
    assert_int_equal(last.fail, AGENT_FAIL_LOCAL);
    assert_non_null(strstr(err, "is the inventory box"));
    box_listing(after, sizeof after);
    assert_string_equal(before, after);

    /* Other case, a trailing separator. */
    wcscpy(spelt, box);
    _wcsupr(spelt);
    wcscat(spelt, L"\\");
    assert_false(run_in(spelt, &count, err));
    assert_non_null(strstr(err, "is the inventory box"));

    /* Its 8.3 name. */
    n = GetShortPathNameW(box, spelt, FX_PATH);
    assert_true(n > 0 && n < FX_PATH);
    print_message("8.3 name of the box: %ls\n", spelt);
    assert_false(run_in(spelt, &count, err));
    assert_non_null(strstr(err, "is the inventory box"));

    /* A folder inside it. */
    fx_join(sub, box, L"SUB");
    assert_true(CreateDirectoryW(sub, NULL));
    fx_join(spelt, sub, L"X.RAW");
    assert_int_equal(fx_write_text(spelt, "inside"), 0);
    assert_false(run_in(sub, &count, err));
    assert_non_null(strstr(err, "is the inventory box"));

    /* The same folder through another drive letter: under Wine, Z: is
     * the Unix root, so Z:<unix path> reaches the box by another letter
     * (Wine's object manager drives of DefineDosDeviceW are not seen by
     * its file opens); on Windows, a drive letter of our own. */
    if (other_drive_path(box, q)) {
        print_message("the box by another drive letter: %ls\n", q);
        assert_true(GetFileAttributesW(q) != INVALID_FILE_ATTRIBUTES);
        assert_false(run_in(q, &count, err));
        assert_non_null(strstr(err, "is the inventory box"));
        fx_join(spelt, q, L"SUB");
        assert_false(run_in(spelt, &count, err));
        assert_non_null(strstr(err, "is the inventory box"));
        if (q[0] == L'Q')
            DefineDosDeviceW(DDD_REMOVE_DEFINITION, L"Q:", lab.share);
    } else {
        fail_msg("%s", "no second drive letter for the box could be made");
    }

    box_listing(after, sizeof after);
    assert_string_equal(before, after);

    /* A folder beside the box is fine. */
    put_raw(L"INV00013.RAW", "inventory thirteen");
    assert_true(run(&count, err));
    assert_int_equal(count, 1);
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
        cmocka_unit_test_setup_teardown(test_missing_inventory_folder_is_a_local_failure, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(
            test_unopenable_local_file_is_a_local_failure_others_still_go, setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_read_only_raw_is_deleted_after_delivery, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_undeletable_raw_is_remembered_not_delivered_again,
                                        setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_another_agents_tmp_of_the_same_file_holds_nothing_up,
                                        setup_one, teardown_one),
        cmocka_unit_test(test_claim_names_read_back_and_nothing_else_reads_as_one),
        cmocka_unit_test_setup_teardown(
            test_a_live_claim_of_another_agent_is_left_to_it_and_no_error, setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(test_an_old_claim_is_taken_back_and_delivered, setup_one,
                                        teardown_one),
        cmocka_unit_test_setup_teardown(test_a_claim_of_a_gone_agent_is_taken_back_at_once,
                                        setup_one, teardown_one),
        cmocka_unit_test(test_a_claim_from_before_this_boot_is_gone_one_of_another_kernel_waits),
        cmocka_unit_test_setup_teardown(test_our_own_claim_is_delivered, setup_one, teardown_one),
        cmocka_unit_test_setup_teardown(
            test_inventory_folder_that_is_the_box_is_refused_however_spelt, setup_one,
            teardown_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
