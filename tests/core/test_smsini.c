/*
 * test_smsini.c: SMS.INI's client record, read by the one set of rules the
 * agent and Client Setup share: every value usable, absent or refused
 * with its reason; paths absolute, without wildcards or dot segments,
 * trailing separators trimmed; a file the INI layer refuses gives nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "climon/smsini.h"

static smsini_record rec;

static void read_text(const char *text)
{
    smsini_read(text, strlen(text), &rec);
}

static void test_smsini_reads_the_documented_record(void **state)
{
    (void)state;
    read_text(
        "[Servers]\r\nDomain=S1DOMAIN\r\nCurrentLogonServer=STEVEBDC\r\n"
        "[SMS]\r\nCopyListVersion=835643765\r\nSiteCode=SKZ\r\nSMS Unique ID=SKZ01000\r\n"
        "SMSPath=C:\\MS\\SMS\r\nSMSInvDataPath=C:\\MS\\SMS\\INVDATA\r\n"
        "LastLogonServerPath=\\\\STEVEPDC\\SMS_SHR\\\r\nInventoryCollectionPoint=inventry.box\r\n"
        "ConfigurationRequestPath=ccr.box\r\n[Local]\r\nMachineName=STEVEK1\r\n");
    assert_true(rec.file_ok);
    assert_int_equal(rec.unique_id.status, SMSINI_OK);
    assert_string_equal(rec.unique_id.text, "SKZ01000");
    assert_string_equal(rec.sms_path.text, "C:\\MS\\SMS");
    assert_string_equal(rec.invdata_path.text, "C:\\MS\\SMS\\INVDATA");
    /* The trailing separator goes: "<share>\X86.BIN" must not double it. */
    assert_string_equal(rec.logon_server_path.text, "\\\\STEVEPDC\\SMS_SHR");
    assert_string_equal(rec.inventory_box.text, "inventry.box");
    assert_string_equal(rec.ccr_box.text, "ccr.box");
    assert_string_equal(rec.site_code.text, "SKZ");
    assert_string_equal(rec.logon_server.text, "STEVEBDC");
    assert_string_equal(rec.machine_name.text, "STEVEK1");
    assert_string_equal(rec.domain.text, "S1DOMAIN");
    assert_int_equal(rec.version.status, CLV_OK);
    assert_int_equal(rec.version.value, 835643765u);
    assert_string_equal(smsini_first_problem(&rec), "");
}

static void test_smsini_absent_values_are_absent_not_bad(void **state)
{
    (void)state;
    read_text("[SMS]\r\nSMSPath=\r\n");
    assert_true(rec.file_ok);
    assert_int_equal(rec.sms_path.status, SMSINI_ABSENT);
    assert_int_equal(rec.unique_id.status, SMSINI_ABSENT);
    assert_int_equal(rec.version.status, CLV_MISSING);
    assert_string_equal(smsini_first_problem(&rec), "");
}

static void test_smsini_paths_that_do_not_say_where_they_go_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {"MS\\SMS",        "C:MS",         "C:\\MS\\*",   "C:\\MS\\..\\WINDOWS",
                         "C:\\MS\\.\\SMS", "\\\\\\server", "C:\\MS\\A|B", "C:\\MS\\A\"B",
                         "C:\\MS:SMS",     "\\single"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[SMS]\r\nSMSPath=%s\r\n", bad[i]);
        read_text(text);
        assert_int_equal(rec.sms_path.status, SMSINI_BAD);
        assert_string_equal(rec.sms_path.text, "");
        assert_non_null(strstr(rec.sms_path.why, "SMSPath"));
        assert_ptr_equal(smsini_first_problem(&rec), rec.sms_path.why);
    }
    /* A drive's root keeps its separator; a UNC share is a path. */
    read_text("[SMS]\r\nSMSPath=D:\\\\\r\nLastLogonServerPath=\\\\SRV\\SMS_SHR\r\n");
    assert_string_equal(rec.sms_path.text, "D:\\");
    assert_int_equal(rec.logon_server_path.status, SMSINI_OK);
}

static void test_smsini_a_path_over_1023_characters_says_how_long(void **state)
{
    (void)state;
    static char text[1400];
    int n = snprintf(text, sizeof text, "[SMS]\r\nSMSInvDataPath=C:\\");
    for (int i = 0; i < 1097; i++)
        text[n++] = 'A';
    snprintf(text + n, sizeof text - (size_t)n, "\r\n");
    read_text(text);
    assert_int_equal(rec.invdata_path.status, SMSINI_BAD);
    assert_non_null(strstr(rec.invdata_path.why, "1100 characters"));
    /* Exactly 1023 is taken. */
    n = snprintf(text, sizeof text, "[SMS]\r\nSMSInvDataPath=C:\\");
    for (int i = 0; i < 1020; i++)
        text[n++] = 'A';
    snprintf(text + n, sizeof text - (size_t)n, "\r\n");
    read_text(text);
    assert_int_equal(rec.invdata_path.status, SMSINI_OK);
}

static void test_smsini_names_ids_and_boxes_are_checked(void **state)
{
    (void)state;
    read_text("[SMS]\r\nSMS Unique ID=SKZ 01000\r\nInventoryCollectionPoint=..\\..\\x\r\n"
              "ConfigurationRequestPath=C:\\ccr.box\r\n[Local]\r\nMachineName=NOT A NAME!\r\n"
              "[Servers]\r\nDomain=A*B\r\n");
    assert_int_equal(rec.unique_id.status, SMSINI_BAD);
    assert_int_equal(rec.inventory_box.status, SMSINI_BAD);
    assert_int_equal(rec.ccr_box.status, SMSINI_BAD);
    assert_int_equal(rec.machine_name.status, SMSINI_BAD);
    assert_int_equal(rec.domain.status, SMSINI_BAD);
    assert_non_null(strstr(smsini_first_problem(&rec), "SMS Unique ID"));
}

static void test_smsini_a_refused_file_gives_nothing(void **state)
{
    (void)state;
    static const unsigned char binary[] = {'[', 'S', 'M', 'S', ']', 0, 1, 2, 3, '\r', '\n'};
    smsini_read(binary, sizeof binary, &rec);
    assert_false(rec.file_ok);
    assert_int_equal(rec.unique_id.status, SMSINI_ABSENT);
    assert_int_equal(rec.version.status, CLV_MISSING);
    smsini_read(NULL, 0, &rec); /* an empty file is a file */
    assert_true(rec.file_ok);
}

static void test_smsini_utf16_file_reads_as_any_other(void **state)
{
    (void)state;
    const char *text = "[SMS]\r\nSMS Unique ID=SKZ01000\r\nSMSPath=C:\\MS\\SMS\r\n";
    unsigned char buf[256];
    size_t n = 0;
    buf[n++] = 0xFF;
    buf[n++] = 0xFE;
    for (const char *p = text; *p; p++) {
        buf[n++] = (unsigned char)*p;
        buf[n++] = 0;
    }
    smsini_read(buf, n, &rec);
    assert_true(rec.file_ok);
    assert_string_equal(rec.unique_id.text, "SKZ01000");
    assert_string_equal(rec.sms_path.text, "C:\\MS\\SMS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smsini_reads_the_documented_record),
        cmocka_unit_test(test_smsini_absent_values_are_absent_not_bad),
        cmocka_unit_test(test_smsini_paths_that_do_not_say_where_they_go_are_refused),
        cmocka_unit_test(test_smsini_a_path_over_1023_characters_says_how_long),
        cmocka_unit_test(test_smsini_names_ids_and_boxes_are_checked),
        cmocka_unit_test(test_smsini_a_refused_file_gives_nothing),
        cmocka_unit_test(test_smsini_utf16_file_reads_as_any_other),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
