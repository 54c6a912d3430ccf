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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logfile_lines_parse_back_as_cmtrace),
        cmocka_unit_test(test_logfile_rolls_over_once_at_cap),
        cmocka_unit_test(test_logfile_does_not_block_readers_or_deleters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
