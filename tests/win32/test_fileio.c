/*
 * test_fileio.c: bounded reads, atomic replacement and folder creation,
 * with real Win32 calls under Wine.
 */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "fileio.h"

static wchar_t dir[MAX_PATH];

static int setup(void **state)
{
    wchar_t tmp[MAX_PATH];
    (void)state;
    GetTempPathW(MAX_PATH, tmp);
    _snwprintf(dir, MAX_PATH, L"%lsclimon-fileio-%lu", tmp, GetCurrentProcessId());
    return fileio_mkdirs(dir) == ERROR_SUCCESS ? 0 : -1;
}

static void remove_tree(const wchar_t *d)
{
    wchar_t pat[MAX_PATH], p[MAX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h;

    path_join(pat, MAX_PATH, d, L"*");
    h = FindFirstFileW(pat, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            path_join(p, MAX_PATH, d, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(p);
            else
                DeleteFileW(p);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(d);
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(dir);
    return 0;
}

static void write_raw(const wchar_t *path, const char *text)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD put;
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(h, text, (DWORD)strlen(text), &put, NULL));
    CloseHandle(h);
}

static void test_fileio_read_returns_bytes_and_terminates(void **state)
{
    wchar_t p[MAX_PATH];
    unsigned char *data;
    size_t len;
    (void)state;

    path_join(p, MAX_PATH, dir, L"a.ini");
    write_raw(p, "[SMS]\r\nCopyListVersion=1\r\n");
    assert_int_equal(fileio_read(p, 1024, &data, &len), ERROR_SUCCESS);
    assert_int_equal(len, 26);
    assert_memory_equal(data, "[SMS]\r\nCopyListVersion=1\r\n", 26);
    assert_int_equal(data[len], 0);
    fileio_free(data);
}

static void test_fileio_read_refuses_file_over_bound(void **state)
{
    wchar_t p[MAX_PATH];
    unsigned char *data = (unsigned char *)"sentinel";
    size_t len = 99;
    (void)state;

    path_join(p, MAX_PATH, dir, L"big.ini");
    write_raw(p, "0123456789ABCDEF!");
    assert_int_equal(fileio_read(p, 16, &data, &len), ERROR_FILE_TOO_LARGE);
    assert_null(data);
    assert_int_equal(len, 0);
}

static void test_fileio_read_missing_file_gives_win32_error(void **state)
{
    wchar_t p[MAX_PATH];
    unsigned char *data;
    size_t len;
    (void)state;

    path_join(p, MAX_PATH, dir, L"nope.ini");
    assert_int_equal(fileio_read(p, 16, &data, &len), ERROR_FILE_NOT_FOUND);
}

/* How many names in the test's folder match pattern. */
static int count_matching(const wchar_t *pattern)
{
    wchar_t pat[MAX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    int files = 0;

    path_join(pat, MAX_PATH, dir, pattern);
    h = FindFirstFileW(pat, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do
        files++;
    while (FindNextFileW(h, &fd));
    FindClose(h);
    return files;
}

static void test_fileio_atomic_write_replaces_and_leaves_no_temp(void **state)
{
    wchar_t p[MAX_PATH];
    unsigned char *data;
    size_t len;
    (void)state;

    path_join(p, MAX_PATH, dir, L"SMS.INI");
    write_raw(p, "old contents");
    assert_int_equal(fileio_write_atomic(p, "new", 3), ERROR_SUCCESS);
    assert_int_equal(fileio_read(p, 1024, &data, &len), ERROR_SUCCESS);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "new", 3);
    fileio_free(data);

    assert_int_equal(count_matching(L"SMS.INI*"), 1);
}

static void test_fileio_atomic_write_failure_keeps_old_file(void **state)
{
    wchar_t p[MAX_PATH];
    unsigned char *data;
    size_t len;
    HANDLE lock;
    DWORD err;
    (void)state;

    path_join(p, MAX_PATH, dir, L"locked.ini");
    write_raw(p, "keep me");
    /* Another process holding the file without FILE_SHARE_DELETE makes
     * the rename fail: the old bytes must survive and the temp must go. */
    lock = CreateFileW(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(lock != INVALID_HANDLE_VALUE);
    err = fileio_write_atomic(p, "replacement", 11);
    CloseHandle(lock);
    assert_int_not_equal(err, ERROR_SUCCESS);
    assert_int_equal(fileio_read(p, 1024, &data, &len), ERROR_SUCCESS);
    assert_int_equal(len, 7);
    assert_memory_equal(data, "keep me", 7);
    fileio_free(data);
    assert_int_equal(count_matching(L"locked.ini.*.tmp"), 0);
}

/* Another process's temp of the same file, open without sharing, under
 * this process's pid (another Wine prefix's agent of the same client):
 * the write goes through a temp of its own, and leaves the other alone. */
static void test_fileio_write_atomic_keeps_clear_of_another_process_temp(void **state)
{
    wchar_t p[MAX_PATH], other[MAX_PATH * 2];
    unsigned char *data;
    size_t len;
    HANDLE busy;
    (void)state;

    path_join(p, MAX_PATH, dir, L"CLIMON.MIF");
    _snwprintf(other, MAX_PATH * 2, L"%ls.%lu.tmp", p, GetCurrentProcessId());
    busy = CreateFileW(other, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(busy != INVALID_HANDLE_VALUE);
    assert_int_equal(fileio_write_atomic(p, "mine", 4), ERROR_SUCCESS);
    CloseHandle(busy);
    assert_int_equal(fileio_read(p, 1024, &data, &len), ERROR_SUCCESS);
    assert_int_equal(len, 4);
    assert_memory_equal(data, "mine", 4);
    fileio_free(data);
    assert_true(fileio_exists(other));
    assert_int_equal(count_matching(L"CLIMON.MIF.*.tmp"), 1); /* the other's, not ours */
}

static void test_fileio_mkdirs_creates_parents_and_accepts_existing(void **state)
{
    wchar_t p[MAX_PATH];
    DWORD attr;
    (void)state;

    _snwprintf(p, MAX_PATH, L"%ls\\MS\\SMS\\LOGS", dir);
    assert_int_equal(fileio_mkdirs(p), ERROR_SUCCESS);
    attr = GetFileAttributesW(p);
    assert_true(attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY));
    assert_int_equal(fileio_mkdirs(p), ERROR_SUCCESS);
}

static void test_path_join_inserts_one_separator_and_refuses_overflow(void **state)
{
    wchar_t out[16];
    (void)state;

    assert_true(path_join(out, 16, L"S:\\SMS_SHR", L"CL_NT.TXT") == FALSE);
    assert_int_equal(out[0], 0);
    assert_true(path_join(out, 16, L"C:\\A\\", L"B.TXT"));
    assert_true(wcscmp(out, L"C:\\A\\B.TXT") == 0);
    assert_true(path_join(out, 16, L"C:\\A", L"B.TXT"));
    assert_true(wcscmp(out, L"C:\\A\\B.TXT") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fileio_read_returns_bytes_and_terminates),
        cmocka_unit_test(test_fileio_read_refuses_file_over_bound),
        cmocka_unit_test(test_fileio_read_missing_file_gives_win32_error),
        cmocka_unit_test(test_fileio_atomic_write_replaces_and_leaves_no_temp),
        cmocka_unit_test(test_fileio_atomic_write_failure_keeps_old_file),
        cmocka_unit_test(test_fileio_write_atomic_keeps_clear_of_another_process_temp),
        cmocka_unit_test(test_fileio_mkdirs_creates_parents_and_accepts_existing),
        cmocka_unit_test(test_path_join_inserts_one_separator_and_refuses_overflow),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
