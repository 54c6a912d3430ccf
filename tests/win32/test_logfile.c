/*
 * test_logfile.c: the CMTrace log file under Wine: lines an admin's viewer
 * can parse, one rollover to .LO_ at the cap, and a file that others may
 * read and delete while it is in use.
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

#include "fileio.h"
#include "logfile.h"

static wchar_t dir[MAX_PATH], logpath[MAX_PATH], oldpath[MAX_PATH];

static int setup(void **state)
{
    wchar_t tmp[MAX_PATH];
    (void)state;
    GetTempPathW(MAX_PATH, tmp);
    _snwprintf(dir, MAX_PATH, L"%lsclimon-logfile-%lu", tmp, GetCurrentProcessId());
    path_join(logpath, MAX_PATH, dir, L"CLIMON.LOG");
    path_join(oldpath, MAX_PATH, dir, L"CLIMON.LO_");
    return fileio_mkdirs(dir) == ERROR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DeleteFileW(logpath);
    DeleteFileW(oldpath);
    RemoveDirectoryW(dir);
    return 0;
}

static void test_logfile_lines_parse_back_as_cmtrace(void **state)
{
    logfile lf;
    unsigned char *data;
    size_t len;
    char text[256];
    cmlog_type type;
    char *nl;
    (void)state;

    DeleteFileW(logpath);
    logfile_open(&lf, logpath, "climon", 0);
    LOG_INFO(&lf, "pass %d: %s", 1, "local=835643765 server=835650000");
    LOG_ERROR(&lf, "share away: %s", "S:\\SMS_SHR");
    logfile_close(&lf);

    assert_int_equal(fileio_read(logpath, 65536, &data, &len), ERROR_SUCCESS);
    nl = strstr((char *)data, "\r\n");
    assert_non_null(nl);
    *nl = 0;
    assert_true(cmlog_parse((char *)data, text, sizeof text, &type));
    assert_string_equal(text, "pass 1: local=835643765 server=835650000");
    assert_int_equal(type, CMLOG_INFO);
    assert_non_null(strstr((char *)data, "component=\"climon\""));
    assert_non_null(strstr((char *)data, "file=\"test_logfile.c\""));
    assert_true(cmlog_parse(nl + 2, text, sizeof text, &type));
    assert_int_equal(type, CMLOG_ERROR);
    fileio_free(data);
}

static void test_logfile_rolls_over_once_at_cap(void **state)
{
    logfile lf;
    WIN32_FILE_ATTRIBUTE_DATA fa;
    (void)state;

    DeleteFileW(logpath);
    DeleteFileW(oldpath);
    logfile_open(&lf, logpath, "climon", 4096);
    for (int i = 0; i < 100; i++)
        LOG_INFO(&lf, "line %03d of a log that outgrows its cap", i);
    logfile_close(&lf);

    assert_true(GetFileAttributesExW(logpath, GetFileExInfoStandard, &fa));
    assert_true(fa.nFileSizeLow <= 4096);
    assert_true(GetFileAttributesExW(oldpath, GetFileExInfoStandard, &fa));
    assert_true(fa.nFileSizeLow <= 4096);
    assert_true(fa.nFileSizeLow > 2048);
}

static void test_logfile_does_not_block_readers_or_deleters(void **state)
{
    logfile lf;
    HANDLE h;
    (void)state;

    DeleteFileW(logpath);
    logfile_open(&lf, logpath, "climon", 0);
    LOG_INFO(&lf, "first");
    /* An admin tailing the log holds it open with full sharing. */
    h = CreateFileW(logpath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    LOG_INFO(&lf, "second, while a reader holds it");
    CloseHandle(h);
    assert_true(DeleteFileW(logpath));
    LOG_INFO(&lf, "third, after it was deleted");
    logfile_close(&lf);
    assert_true(fileio_exists(logpath));
}

/* A folder path of about len characters under dir, made with \\?\ so
 * that its making does not depend on the code under test. */
static void long_dir(wchar_t *out, size_t cap, size_t len)
{
    wchar_t full[1200];
    _snwprintf(out, cap, L"%ls", dir);
    while (wcslen(out) + 41 < len) {
        wcscat(out, L"\\a-folder-name-of-forty-characters-long-");
        _snwprintf(full, 1200, L"\\\\?\\%ls", out);
        CreateDirectoryW(full, NULL);
    }
    (void)cap;
}

static void remove_long_dir(const wchar_t *path)
{
    wchar_t p[1200];
    _snwprintf(p, 1200, L"\\\\?\\%ls", path);
    while (wcslen(p) > wcslen(dir) + 4) {
        wchar_t *slash;
        RemoveDirectoryW(p);
        slash = wcsrchr(p, L'\\');
        if (!slash)
            break;
        *slash = 0;
    }
}

/* Issue 17.7: the path was cut at MAX_PATH - 1 characters, so a long
 * SMSPath put the log in a file of another (truncated) name. The line
 * lands in the file named, whatever its length up to the configured 1023
 * characters. */
static void test_logfile_long_path_is_written_where_named(void **state)
{
    wchar_t folder[1200], path[1200], prefixed[1200], cut[MAX_PATH];
    unsigned char *data = NULL;
    size_t len = 0;
    logfile lf;
    (void)state;

    long_dir(folder, 1200, 400);
    _snwprintf(path, 1200, L"%ls\\CLIMON.LOG", folder);
    assert_true(wcslen(path) > MAX_PATH);
    _snwprintf(prefixed, 1200, L"\\\\?\\%ls", path);
    wcsncpy(cut, path, MAX_PATH - 1);
    cut[MAX_PATH - 1] = 0;

    assert_true(logfile_open(&lf, path, "climon", 0));
    assert_true(wcscmp(lf.path, path) == 0);
    LOG_INFO(&lf, "a line in a log with a long name");
    logfile_close(&lf);

    assert_int_equal(fileio_read(prefixed, 65536, &data, &len), ERROR_SUCCESS);
    assert_non_null(strstr((char *)data, "a line in a log with a long name"));
    fileio_free(data);
    assert_false(fileio_exists(cut));

    DeleteFileW(prefixed);
    remove_long_dir(folder);
}

/* Past what the configuration allows the path is refused, not cut: no
 * file of another name is written, and the caller is told. */
static void test_logfile_too_long_path_is_refused(void **state)
{
    wchar_t path[1200], cut[MAX_PATH];
    logfile lf;
    (void)state;

    _snwprintf(path, 1200, L"%ls\\", dir);
    while (wcslen(path) < LOGFILE_PATH_MAX + 10)
        wcscat(path, L"x");
    wcsncpy(cut, path, MAX_PATH - 1);
    cut[MAX_PATH - 1] = 0;
    assert_false(logfile_open(&lf, path, "climon", 0));
    assert_true(lf.refused);
    assert_int_equal(lf.path[0], 0);
    LOG_INFO(&lf, "goes nowhere");
    logfile_close(&lf);
    assert_false(fileio_exists(cut));
}

/* Whether the file at path holds text (a reader of another program). */
static BOOL file_has(const wchar_t *path, const char *text)
{
    unsigned char *data = NULL;
    size_t len = 0;
    BOOL found;
    if (fileio_read(path, 1u << 20, &data, &len) != ERROR_SUCCESS)
        return FALSE;
    found = strstr((char *)data, text) != NULL;
    fileio_free(data);
    return found;
}

/* Held, the handle stays open, yet every line is in the file as soon as
 * the call returns: CMTrace tailing it, or a crash, misses none. */
static void test_logfile_held_lines_reach_the_file_at_once(void **state)
{
    logfile lf;
    (void)state;

    DeleteFileW(logpath);
    logfile_open(&lf, logpath, "climon", 0);
    logfile_hold(&lf);
    LOG_INFO(&lf, "held line one");
    assert_true(lf.h != INVALID_HANDLE_VALUE);
    assert_true(file_has(logpath, "held line one"));
    LOG_INFO(&lf, "held line two");
    assert_true(file_has(logpath, "held line two"));
    logfile_release(&lf);
    assert_true(lf.h == INVALID_HANDLE_VALUE);
    /* After the release the admin may delete it again at any time. */
    assert_true(DeleteFileW(logpath));
    assert_false(fileio_exists(logpath));
    LOG_INFO(&lf, "after the release");
    assert_true(file_has(logpath, "after the release"));
    logfile_close(&lf);
}

/* Another process (here another logfile on the same name) rolls the file
 * over while this one holds it: the next line goes to the new file, not
 * to the old one under its .LO_ name. */
static void test_logfile_held_follows_a_rollover_by_another(void **state)
{
    logfile lf, other;
    (void)state;

    DeleteFileW(logpath);
    DeleteFileW(oldpath);
    logfile_open(&lf, logpath, "climon", 0);
    logfile_open(&other, logpath, "other", 4096);
    logfile_hold(&lf);
    LOG_INFO(&lf, "before the rollover");
    for (int i = 0; i < 60; i++)
        LOG_INFO(&other, "line %03d of another writer, enough to roll the log over", i);
    assert_true(fileio_exists(oldpath));
    LOG_INFO(&lf, "after the rollover");
    logfile_release(&lf);
    logfile_close(&other);
    logfile_close(&lf);
    assert_true(file_has(logpath, "after the rollover"));
    assert_false(file_has(oldpath, "after the rollover"));
}

/* A hold that rolls the file over itself lets go of the old one first. */
static void test_logfile_held_rolls_over(void **state)
{
    logfile lf;
    WIN32_FILE_ATTRIBUTE_DATA fa;
    (void)state;

    DeleteFileW(logpath);
    DeleteFileW(oldpath);
    logfile_open(&lf, logpath, "climon", 4096);
    logfile_hold(&lf);
    for (int i = 0; i < 100; i++)
        LOG_INFO(&lf, "line %03d of a held log that outgrows its cap", i);
    LOG_INFO(&lf, "the last line");
    logfile_release(&lf);
    logfile_close(&lf);
    assert_true(GetFileAttributesExW(logpath, GetFileExInfoStandard, &fa));
    assert_true(fa.nFileSizeLow <= 4096);
    assert_true(file_has(logpath, "the last line"));
    assert_true(GetFileAttributesExW(oldpath, GetFileExInfoStandard, &fa));
    assert_true(fa.nFileSizeLow > 2048 && fa.nFileSizeLow <= 4096);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logfile_lines_parse_back_as_cmtrace),
        cmocka_unit_test(test_logfile_rolls_over_once_at_cap),
        cmocka_unit_test(test_logfile_does_not_block_readers_or_deleters),
        cmocka_unit_test(test_logfile_long_path_is_written_where_named),
        cmocka_unit_test(test_logfile_too_long_path_is_refused),
        cmocka_unit_test(test_logfile_held_lines_reach_the_file_at_once),
        cmocka_unit_test(test_logfile_held_follows_a_rollover_by_another),
        cmocka_unit_test(test_logfile_held_rolls_over),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
