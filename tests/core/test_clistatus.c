/*
 * test_clistatus.c: a client's status report (src/core/clistatus.c):
 * what the agent writes the site reads back, every field refused when out
 * of range, a file cannot speak for another client, Last Error made safe,
 * the MIF twin, and the admin's buckets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "climon/clistatus.h"

#define NOW 1764000000ll /* 2025-11-24 16:00 UTC */
#define DAY 86400ll

static clistatus sample(void)
{
    clistatus s;
    memset(&s, 0, sizeof s);
    strcpy(s.id, "SKZ01000");
    strcpy(s.machine, "LABPC01");
    strcpy(s.agent_version, "0.1.0");
    s.local_known = s.server_known = true;
    s.local_version = 835643765u;
    s.server_version = 835643765u;
    s.written = NOW;
    s.last_pass = NOW - 60;
    s.last_result = CLISTATUS_RESULT_SAME;
    s.last_boot = NOW - DAY;
    return s;
}

static size_t format_ok(const clistatus *s, char *buf, size_t cap)
{
    size_t n = 0;
    clistatus_error e;
    assert_int_equal(clistatus_format(s, buf, cap, &n, &e), CLISTATUS_OK);
    assert_true(n > 0 && n < cap);
    return n;
}

/* Replaces the value of one key in a formatted file. */
static size_t with_value(const char *key, const char *value, char *buf, size_t cap)
{
    clistatus s = sample();
    char tmp[CLISTATUS_MAX_BYTES];
    size_t n = format_ok(&s, tmp, sizeof tmp), o = 0;
    const char *p = tmp, *end = tmp + n;
    size_t klen = strlen(key);

    while (p < end) {
        const char *nl = strstr(p, "\r\n");
        size_t ll = (size_t)(nl - p) + 2;
        if (!strncmp(p, key, klen) && p[klen] == '=')
            o += (size_t)snprintf(buf + o, cap - o, "%s=%s\r\n", key, value);
        else {
            memcpy(buf + o, p, ll);
            o += ll;
        }
        p += ll;
    }
    buf[o] = '\0';
    return o;
}

static clistatus_status read_with(const char *key, const char *value, clistatus_error *e)
{
    char buf[CLISTATUS_MAX_BYTES * 2];
    clistatus got;
    size_t n = with_value(key, value, buf, sizeof buf);
    return clistatus_read(buf, n, "SKZ01000", &got, e);
}

static void test_what_the_agent_writes_the_site_reads_back(void **st)
{
    clistatus s = sample(), got;
    char buf[CLISTATUS_MAX_BYTES];
    size_t n;
    (void)st;

    s.pending = CLISTATUS_PENDING_RESTART;
    s.pending_since = NOW - 3600;
    s.deferrals = 2;
    s.deadline = NOW + DAY;
    s.request_since = NOW - 7200;
    s.server_known = false;
    s.server_version = 0; /* unknown reads back as 0 */
    strcpy(s.last_error, "Client Setup for version 7 failed (exit 65)");
    n = format_ok(&s, buf, sizeof buf);
    assert_non_null(strstr(buf, "[Climon Status]\r\nFormat=1\r\nSMS Unique ID=SKZ01000\r\n"));
    assert_non_null(strstr(buf, "Server Copy List Version=\r\n"));
    assert_non_null(strstr(buf, "\r\nEnd=1\r\n"));
    assert_int_equal(clistatus_read(buf, n, "skz01000", &got, NULL), CLISTATUS_OK);
    assert_memory_equal(&got, &s, sizeof s);
}

static void test_a_file_named_for_another_client_is_refused(void **st)
{
    clistatus s = sample(), got;
    char buf[CLISTATUS_MAX_BYTES];
    clistatus_error e;
    size_t n = format_ok(&s, buf, sizeof buf);
    (void)st;

    assert_int_equal(clistatus_read(buf, n, "SKZ01001", &got, &e), CLISTATUS_ERR_OTHER_CLIENT);
    assert_string_equal(got.id, "");
    assert_int_equal(clistatus_read(buf, n, NULL, &got, NULL), CLISTATUS_OK);
}

static void test_every_field_out_of_range_is_refused_with_its_key(void **st)
{
    static const struct {
        const char *key, *value;
        clistatus_status want;
    } cases[] = {
        {"Format", "2", CLISTATUS_ERR_FORMAT},
        {"SMS Unique ID", "SKZ-01000", CLISTATUS_ERR_BAD_ID},
        {"SMS Unique ID", "..\\SKZ01000", CLISTATUS_ERR_BAD_ID},
        {"Machine Name", "LAB PC01", CLISTATUS_ERR_BAD_MACHINE},
        {"Machine Name", "<script>", CLISTATUS_ERR_BAD_MACHINE},
        {"Machine Name", "ABCDEFGHIJKLMNOP", CLISTATUS_ERR_BAD_MACHINE},
        {"Agent Version", "1..2", CLISTATUS_ERR_BAD_FIELD},
        {"Agent Version", "<b>1</b>", CLISTATUS_ERR_BAD_FIELD},
        {"Written", "0", CLISTATUS_ERR_BAD_FIELD},
        {"Written", "-5", CLISTATUS_ERR_BAD_FIELD},
        {"Written", "253402300800", CLISTATUS_ERR_BAD_FIELD},
        {"Local Copy List Version", "4294967296", CLISTATUS_ERR_BAD_FIELD},
        {"Server Copy List Version", "0x10", CLISTATUS_ERR_BAD_FIELD},
        {"Last Pass", "yesterday", CLISTATUS_ERR_BAD_FIELD},
        {"Last Result", "fine", CLISTATUS_ERR_BAD_FIELD},
        {"Pending", "reboot", CLISTATUS_ERR_BAD_FIELD},
        {"Pending Since", "1764000000", CLISTATUS_ERR_BAD_FIELD}, /* pending none */
        {"Deferrals Used", "-1", CLISTATUS_ERR_BAD_FIELD},
        {"Deadline", "1e9", CLISTATUS_ERR_BAD_FIELD},
        {"Last Error", "bad \x01 byte", CLISTATUS_ERR_BAD_FIELD},
        {"Last Error", "not utf-8 \xc0\xaf", CLISTATUS_ERR_BAD_FIELD},
        {"Last Boot", "", CLISTATUS_ERR_BAD_FIELD},
        {"End", "0", CLISTATUS_ERR_NO_END},
    };
    (void)st;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        clistatus_error e;
        clistatus_status got = read_with(cases[i].key, cases[i].value, &e);
        if (got != cases[i].want)
            fail_msg("%s=%s: got %s", cases[i].key, cases[i].value, clistatus_status_text(got));
        if (got != CLISTATUS_ERR_OTHER_CLIENT)
            assert_string_equal(e.key, cases[i].key);
    }
}

static void test_a_pending_restart_needs_its_since(void **st)
{
    char buf[CLISTATUS_MAX_BYTES * 2];
    clistatus got;
    clistatus_error e;
    size_t n = with_value("Pending", "restart", buf, sizeof buf);
    (void)st;

    assert_int_equal(clistatus_read(buf, n, NULL, &got, &e), CLISTATUS_ERR_BAD_FIELD);
    assert_string_equal(e.key, "Pending Since");
}

static void test_a_file_cut_short_or_too_large_is_refused(void **st)
{
    clistatus s = sample(), got;
    char buf[CLISTATUS_MAX_BYTES + 16];
    size_t n = format_ok(&s, buf, sizeof buf);
    (void)st;

    assert_int_equal(clistatus_read(buf, n - 7, NULL, &got, NULL), CLISTATUS_ERR_NO_END);
    memset(buf + n, ' ', sizeof buf - n);
    assert_int_equal(clistatus_read(buf, CLISTATUS_MAX_BYTES + 1, NULL, &got, NULL),
                     CLISTATUS_ERR_TOO_LARGE);
    assert_int_equal(clistatus_read("\0\0\0", 3, NULL, &got, NULL), CLISTATUS_ERR_FILE);
    assert_int_equal(clistatus_read("", 0, NULL, &got, NULL), CLISTATUS_ERR_NO_SECTION);
}

static void test_the_first_key_and_section_win_as_the_profile_api_reads(void **st)
{
    clistatus s = sample(), got;
    char buf[CLISTATUS_MAX_BYTES], tail[CLISTATUS_MAX_BYTES * 2];
    size_t n = format_ok(&s, buf, sizeof buf);
    (void)st;

    /* A second section and a repeated key change nothing. */
    snprintf(tail, sizeof tail, "%s[Climon Status]\r\nPending=restart\r\n", buf);
    assert_int_equal(clistatus_read(tail, strlen(tail), NULL, &got, NULL), CLISTATUS_OK);
    assert_int_equal(got.pending, CLISTATUS_PENDING_NONE);
    (void)n;
}

static void test_last_error_is_made_safe_on_writing(void **st)
{
    clistatus s = sample(), got;
    char buf[CLISTATUS_MAX_BYTES];
    size_t n;
    (void)st;

    /* A line end would inject a key; a stray byte is not UTF-8. */
    memset(s.last_error, 'x', CLISTATUS_TEXT_MAX);
    memcpy(s.last_error, "a\r\nPending=restart\xff", 20);
    s.last_error[CLISTATUS_TEXT_MAX - 1] = (char)0xc3; /* cut inside a character */
    n = format_ok(&s, buf, sizeof buf);
    assert_int_equal(clistatus_read(buf, n, NULL, &got, NULL), CLISTATUS_OK);
    assert_int_equal(got.pending, CLISTATUS_PENDING_NONE);
    assert_memory_equal(got.last_error, "a  Pending=restart?", 19);
    assert_true(strlen(got.last_error) <= CLISTATUS_TEXT_MAX);
}

static void test_the_writer_refuses_what_the_reader_would(void **st)
{
    clistatus s = sample();
    char buf[CLISTATUS_MAX_BYTES];
    clistatus_error e;
    size_t n;
    (void)st;

    strcpy(s.machine, "A=B");
    assert_int_equal(clistatus_format(&s, buf, sizeof buf, &n, &e), CLISTATUS_ERR_BAD_MACHINE);
    s = sample();
    s.pending = CLISTATUS_PENDING_LOGOFF;
    assert_int_equal(clistatus_format(&s, buf, sizeof buf, &n, &e), CLISTATUS_ERR_BAD_FIELD);
    assert_string_equal(e.key, "Pending Since");
    s = sample();
    assert_int_equal(clistatus_format(&s, buf, 40, &n, &e), CLISTATUS_ERR_NO_SPACE);
}

static void test_the_mif_carries_the_same_facts_quoted(void **st)
{
    clistatus s = sample();
    char buf[8192];
    size_t n;
    (void)st;

    strcpy(s.last_error, "share \\\\LAB\\SMS_SHR said \"no\"");
    s.deferrals = 3;
    assert_true(clistatus_mif_format(&s, buf, sizeof buf, &n));
    assert_int_equal(strlen(buf), n);
    assert_non_null(strstr(buf, "Start Component\r\n    Name = \"Climon\""));
    assert_non_null(strstr(buf, "Value = \"share \\\\\\\\LAB\\\\SMS_SHR said \\\"no\\\"\""));
    assert_non_null(strstr(buf, "Name = \"Deferrals Used\"\r\n            ID = 9\r\n"
                                "            Type = Integer\r\n            Value = 3\r\n"));
    assert_non_null(strstr(buf, "Value = \"20251124160000.000000+000\""));
    assert_non_null(strstr(buf, "End Group\r\nEnd Component\r\n"));
    assert_false(clistatus_mif_format(&s, buf, 100, &n));
}

static void test_buckets_say_where_a_client_stands(void **st)
{
    clistatus s = sample();
    (void)st;

    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_CURRENT);
    s.request_since = NOW - 60;
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_REQUEST);
    s.pending = CLISTATUS_PENDING_RESTART;
    s.pending_since = NOW - 3600;
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_RESTART_1D);
    s.pending_since = NOW - 2 * DAY;
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_RESTART_3D);
    assert_false(clistatus_overdue(&s, NOW));
    s.pending_since = NOW - 4 * DAY;
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_RESTART_OLD);
    assert_true(clistatus_overdue(&s, NOW));
    s.deadline = NOW + 60; /* a deadline given wins */
    assert_false(clistatus_overdue(&s, NOW));
    s.written = NOW - 8 * DAY;
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_SILENT);
    s = sample();
    strcpy(s.last_error, "share unreachable");
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_ERROR);
    s = sample();
    s.last_result = CLISTATUS_RESULT_UNKNOWN;
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_ERROR);
    s.written = NOW + DAY; /* a clock ahead is not silent */
    assert_int_equal(clistatus_classify(&s, NOW, 7 * DAY), CLISTATUS_B_ERROR);
}

static void test_times_read_as_utc_dates(void **st)
{
    char t[40];
    (void)st;
    clistatus_time_text(NOW, t, sizeof t);
    assert_string_equal(t, "2025-11-24 16:00 UTC");
    clistatus_time_text(0, t, sizeof t);
    assert_string_equal(t, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_what_the_agent_writes_the_site_reads_back),
        cmocka_unit_test(test_a_file_named_for_another_client_is_refused),
        cmocka_unit_test(test_every_field_out_of_range_is_refused_with_its_key),
        cmocka_unit_test(test_a_pending_restart_needs_its_since),
        cmocka_unit_test(test_a_file_cut_short_or_too_large_is_refused),
        cmocka_unit_test(test_the_first_key_and_section_win_as_the_profile_api_reads),
        cmocka_unit_test(test_last_error_is_made_safe_on_writing),
        cmocka_unit_test(test_the_writer_refuses_what_the_reader_would),
        cmocka_unit_test(test_the_mif_carries_the_same_facts_quoted),
        cmocka_unit_test(test_buckets_say_where_a_client_stands),
        cmocka_unit_test(test_times_read_as_utc_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
