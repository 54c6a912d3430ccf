/*
 * test_ccr.c: client configuration request files (src/core/ccr.c):
 * the reference example, field rules, injection through names, hostile
 * files, and byte-for-byte merges and processing updates.
 *
 * Fixtures come from $CLIMON_TEST_DATA/ccr (set by ctest) through plain
 * stdio, so the same executable runs natively and under Wine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "climon/ccr.h"
#include "testdata.h"

/* ASCII to UTF-16LE with a BOM, independent of the code under test. */
static size_t to_utf16le(const char *s, unsigned char *out, size_t cap)
{
    size_t n = 0;
    out[n++] = 0xFF;
    out[n++] = 0xFE;
    for (; *s; s++) {
        assert_true(n + 2 <= cap);
        out[n++] = (unsigned char)*s;
        out[n++] = 0;
    }
    return n;
}

static ccr_time tm(unsigned month, unsigned day, unsigned year, unsigned hour, unsigned minute)
{
    ccr_time t;
    t.year = year;
    t.month = month;
    t.day = day;
    t.hour = hour;
    t.minute = minute;
    return t;
}

static ccr_request sample_request(void)
{
    ccr_request r;
    memset(&r, 0, sizeof r);
    strcpy(r.machine, "STEVEK1");
    strcpy(r.domain, "S1DOMAIN");
    r.initial = tm(11, 24, 2025, 9, 5);
    r.latest = tm(11, 24, 2025, 9, 5);
    r.count = 1;
    return r;
}

static ccr_processing sample_processing(void)
{
    ccr_processing p;
    memset(&p, 0, sizeof p);
    p.present = true;
    p.initial_attempt = tm(11, 24, 2025, 9, 14);
    p.retry_start = tm(11, 24, 2025, 9, 14);
    p.latest_attempt = tm(11, 25, 2025, 10, 0);
    p.attempts = 3;
    p.last_error = 53;
    return p;
}

static void assert_time(const ccr_time *t, unsigned month, unsigned day, unsigned year,
                        unsigned hour, unsigned minute)
{
    assert_int_equal(t->month, month);
    assert_int_equal(t->day, day);
    assert_int_equal(t->year, year);
    assert_int_equal(t->hour, hour);
    assert_int_equal(t->minute, minute);
}

/* Reads text and checks the status and the key at fault. */
static void expect_read(const char *text, ccr_status want, const char *key)
{
    ccr_request r;
    ccr_processing p;
    ccr_error err;
    ccr_status st = ccr_read(text, strlen(text), &r, &p, &err);
    if (st != want)
        fail_msg("ccr_read gave %d (%s), want %d, for:\n%s", (int)st, err.key, (int)want, text);
    assert_int_equal(err.status, want);
    if (key)
        assert_string_equal(err.key, key);
    if (want != CCR_OK) {
        /* Nothing half-read is handed out. */
        assert_int_equal(r.count, 0);
        assert_string_equal(r.machine, "");
    }
}

/* A valid request whose one line `key=...` is replaced by `line`. */
static void request_with(const char *key, const char *line, char *out, size_t cap)
{
    const char *lines[] = {"[NT Client Configuration Request]",
                           "Machine Name=MACHINE01",
                           "Domain=SMS_DOMAIN",
                           "Initial Request Date=01/01/1996 23:00",
                           "Latest Request Date=01/01/1996 23:00",
                           "Client Request Count=1"};
    size_t i, n = 0;
    for (i = 0; i < 6; i++) {
        const char *l = lines[i];
        if (key && strncmp(l, key, strlen(key)) == 0 && l[strlen(key)] == '=')
            l = line;
        n += (size_t)snprintf(out + n, cap - n, "%s\r\n", l);
    }
}

/* ---- Reading ---- */

static void test_ccr_reads_the_reference_example(void **state)
{
    static char buf[4096];
    size_t n = testdata_read("ccr/reference.ccr", buf, sizeof buf);
    ccr_request r;
    ccr_processing p;
    ccr_error err;
    (void)state;
    assert_int_equal(ccr_read(buf, n, &r, &p, &err), CCR_OK);
    assert_string_equal(r.machine, "MACHINE01");
    assert_string_equal(r.domain, "SMS_DOMAIN");
    assert_time(&r.initial, 1, 1, 1996, 23, 0);
    assert_time(&r.latest, 1, 1, 1996, 23, 0);
    assert_int_equal(r.count, 1);
    assert_true(p.present);
    assert_time(&p.initial_attempt, 1, 1, 1996, 23, 14);
    assert_time(&p.retry_start, 1, 1, 1996, 23, 14);
    assert_time(&p.latest_attempt, 1, 4, 1996, 3, 44);
    assert_int_equal(p.attempts, 8);
    assert_int_equal(p.last_error, 5);
}

static void test_ccr_request_without_processing_section(void **state)
{
    static char buf[4096];
    size_t n = testdata_read("ccr/request-only.ccr", buf, sizeof buf);
    ccr_request r;
    ccr_processing p;
    (void)state;
    assert_int_equal(ccr_read(buf, n, &r, &p, NULL), CCR_OK);
    assert_false(p.present);
    assert_string_equal(r.machine, "STEVEK1");
    assert_int_equal(ccr_read(buf, n, NULL, NULL, NULL), CCR_OK);
}

static void test_ccr_hostile_files_are_rejected_with_the_field(void **state)
{
    char buf[1024];
    static const struct {
        const char *key, *line;
        ccr_status st;
    } cases[] = {
        {"Machine Name", "Machine Name=", CCR_ERR_BAD_MACHINE},
        {"Machine Name", "Machine Name=MACHINE 01", CCR_ERR_BAD_MACHINE},
        {"Machine Name", "Machine Name=M[1]", CCR_ERR_BAD_MACHINE},
        {"Machine Name", "Machine Name=A=B", CCR_ERR_BAD_MACHINE},
        {"Machine Name", "Machine Name=..\\..\\X", CCR_ERR_BAD_MACHINE},
        {"Machine Name", "Machine Name=ABCDEFGHIJKLMNOP", CCR_ERR_BAD_MACHINE},
        {"Machine Name", "; gone", CCR_ERR_BAD_MACHINE},
        {"Domain", "Domain=SMS;DOMAIN", CCR_ERR_BAD_DOMAIN},
        {"Domain", "Domain=", CCR_ERR_BAD_DOMAIN},
        {"Initial Request Date", "Initial Request Date=1/1/1996 23:00", CCR_ERR_BAD_DATE},
        {"Initial Request Date", "Initial Request Date=02/30/1996 23:00", CCR_ERR_BAD_DATE},
        {"Latest Request Date", "Latest Request Date=01/01/1996 24:00", CCR_ERR_BAD_DATE},
        {"Latest Request Date", "Latest Request Date=yesterday", CCR_ERR_BAD_DATE},
        {"Latest Request Date", "Latest=01/01/1996 23:00", CCR_ERR_BAD_DATE},
        {"Client Request Count", "Client Request Count=0", CCR_ERR_BAD_COUNT},
        {"Client Request Count", "Client Request Count=-1", CCR_ERR_BAD_COUNT},
        {"Client Request Count", "Client Request Count=0x10", CCR_ERR_BAD_COUNT},
        {"Client Request Count", "Client Request Count=4294967296", CCR_ERR_BAD_COUNT},
        {"Client Request Count", "Client Request Count=1000001", CCR_ERR_BAD_COUNT},
        {"Client Request Count",
         "Client Request Count=99999999999999999999999999999999999999999999999999999999999999999999"
         "999999999",
         CCR_ERR_BAD_COUNT},
        {"Client Request Count", "Client Request Count=", CCR_ERR_BAD_COUNT},
        {"Client Request Count", "Client Request Count=1 2", CCR_ERR_BAD_COUNT},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        request_with(cases[i].key, cases[i].line, buf, sizeof buf);
        expect_read(buf, cases[i].st, cases[i].key);
    }
    /* Limits that hold. */
    request_with("Client Request Count", "Client Request Count=1000000", buf, sizeof buf);
    expect_read(buf, CCR_OK, NULL);
    request_with("Client Request Count", "Client Request Count = 0000005 ", buf, sizeof buf);
    expect_read(buf, CCR_OK, NULL);
    request_with("Latest Request Date", "Latest Request Date=02/29/2000 03:44", buf, sizeof buf);
    expect_read(buf, CCR_OK, NULL);
}

static void test_ccr_missing_request_section_is_reported(void **state)
{
    (void)state;
    expect_read("", CCR_ERR_NO_REQUEST, NULL);
    expect_read("[Request Processing]\r\nLast Error Code=5\r\n", CCR_ERR_NO_REQUEST, NULL);
    expect_read("Machine Name=A\r\n[Other]\r\n", CCR_ERR_NO_REQUEST, NULL);
    /* The header alone: the first field is missing. */
    expect_read("[NT Client Configuration Request]\r\n", CCR_ERR_BAD_MACHINE, "Machine Name");
}

static void test_ccr_over_8_kib_is_rejected_whole(void **state)
{
    static char buf[9 * 1024];
    size_t n;
    ccr_error err;
    (void)state;
    request_with(NULL, NULL, buf, sizeof buf);
    n = strlen(buf);
    for (; n < sizeof buf - 2; n++)
        buf[n] = n % 80 == 0 ? '\n' : ';';
    assert_int_equal(ccr_read(buf, sizeof buf, NULL, NULL, &err), CCR_ERR_TOO_LARGE);
    assert_int_equal(err.status, CCR_ERR_TOO_LARGE);
    assert_int_equal(ccr_read(buf, CCR_MAX_BYTES + 1, NULL, NULL, &err), CCR_ERR_TOO_LARGE);
    assert_int_equal(ccr_read(buf, CCR_MAX_BYTES, NULL, NULL, &err), CCR_OK);
}

static void test_ccr_binary_and_utf16_without_bom_are_file_errors(void **state)
{
    static const char bin[] = "[NT Client Configuration Request]\r\nMachine Name=A\r\n\0\0";
    static const unsigned char no_bom[] = {'[', 0, 'N', 0, 'T', 0, ']', 0};
    ccr_error err;
    char msg[256];
    (void)state;
    assert_int_equal(ccr_read(bin, sizeof bin - 1, NULL, NULL, &err), CCR_ERR_FILE);
    assert_int_equal(err.ini.status, INI_ERR_BINARY);
    assert_int_equal(err.ini.line, 3);
    ccr_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "request file rejected: line 3: "));
    assert_int_equal(ccr_read(no_bom, sizeof no_bom, NULL, NULL, &err), CCR_ERR_FILE);
    assert_int_equal(err.ini.status, INI_ERR_ENCODING);
}

static void test_ccr_reads_utf16le_requests(void **state)
{
    static char text[4096];
    static unsigned char buf[8192];
    size_t n;
    ccr_request r;
    (void)state;
    n = testdata_read("ccr/reference.ccr", text, sizeof text);
    text[n] = '\0';
    n = to_utf16le(text, buf, sizeof buf);
    assert_int_equal(ccr_read(buf, n, &r, NULL, NULL), CCR_OK);
    assert_string_equal(r.machine, "MACHINE01");
}

static void test_ccr_first_section_and_first_key_win(void **state)
{
    const char *t = "[NT Client Configuration Request]\r\nMachine Name=FIRST\r\nMachine Name=SECOND"
                    "\r\nDomain=D\r\nInitial Request Date=01/01/1996 23:00\r\nLatest Request Date="
                    "01/01/1996 23:00\r\nClient Request Count=2\r\n"
                    "[NT Client Configuration Request]\r\nClient Request Count=999\r\n";
    ccr_request r;
    (void)state;
    assert_int_equal(ccr_read(t, strlen(t), &r, NULL, NULL), CCR_OK);
    assert_string_equal(r.machine, "FIRST");
    assert_int_equal(r.count, 2);
}

static void test_ccr_malformed_processing_section_is_rejected(void **state)
{
    static char buf[4096];
    size_t n = testdata_read("ccr/reference.ccr", buf, sizeof buf);
    char *p;
    ccr_error err;
    (void)state;
    buf[n] = '\0';
    p = strstr(buf, "Number of Processing Attempts=8");
    assert_non_null(p);
    p[30] = 'x';
    assert_int_equal(ccr_read(buf, n, NULL, NULL, &err), CCR_ERR_BAD_PROCESSING);
    assert_string_equal(err.key, "Number of Processing Attempts");
    expect_read("[NT Client Configuration Request]\r\nMachine Name=M\r\nDomain=D\r\n"
                "Initial Request Date=01/01/1996 23:00\r\nLatest Request Date=01/01/1996 23:00\r\n"
                "Client Request Count=1\r\n[Request Processing]\r\n",
                CCR_ERR_BAD_PROCESSING, "Initial Processing Attempt");
}

/* ---- Fields ---- */

static void test_ccr_time_text_form(void **state)
{
    char buf[CCR_DATE_MAX + 1];
    ccr_time t = tm(1, 4, 1996, 3, 44);
    (void)state;
    assert_true(ccr_time_format(&t, buf, sizeof buf));
    assert_string_equal(buf, "01/04/1996 3:44");
    t = tm(12, 31, 1999, 23, 59);
    assert_true(ccr_time_format(&t, buf, sizeof buf));
    assert_string_equal(buf, "12/31/1999 23:59");
    assert_false(ccr_time_format(&t, buf, 16)); /* no room for the NUL */
    assert_string_equal(buf, "");
    t = tm(2, 29, 1997, 0, 0);
    assert_false(ccr_time_format(&t, buf, sizeof buf));
    assert_string_equal(buf, "");
}

static void test_ccr_time_parse_is_strict(void **state)
{
    static const char *const good[] = {"01/04/1996 3:44",  "01/04/1996 03:44", "02/29/1996 0:00",
                                       "02/29/2000 23:59", "12/31/9999 0:00",  "01/01/1980 0:00"};
    static const char *const bad[] = {"1/04/1996 3:44",    "01/4/1996 3:44",
                                      "01/04/96 3:44",     "01/04/1996 3:4",
                                      "01/04/1996 003:44", "01/04/1996  3:44",
                                      " 01/04/1996 3:44",  "01/04/1996 3:44 ",
                                      "01-04-1996 3:44",   "01/04/1996T3:44",
                                      "02/29/1997 0:00",   "02/29/1900 0:00",
                                      "02/30/1996 0:00",   "04/31/1996 0:00",
                                      "13/01/1996 0:00",   "00/01/1996 0:00",
                                      "01/00/1996 0:00",   "01/01/1996 24:00",
                                      "01/01/1996 3:60",   "01/01/1979 0:00",
                                      "01/01/10000 0:00",  "",
                                      "01/01/1996",        "01/01/1996 3:44\r\n[X]",
                                      "+1/01/1996 3:44",   "01/01/1996 -3:44"};
    size_t i;
    ccr_time t;
    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!ccr_time_parse(good[i], &t))
            fail_msg("refused good date \"%s\"", good[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ccr_time_parse(bad[i], &t))
            fail_msg("accepted bad date \"%s\"", bad[i]);
    assert_false(ccr_time_parse(NULL, &t));
    assert_true(ccr_time_parse("01/04/1996 03:44", &t));
    assert_time(&t, 1, 4, 1996, 3, 44);
}

static void test_ccr_names_and_ids(void **state)
{
    static const char *const good_names[] = {"MACHINE01", "SMS_DOMAIN", "a-b$!#%&'()^~{}", ".@x",
                                             "ABCDEFGHIJKLMNO"};
    static const char *const bad_names[] = {"",     "ABCDEFGHIJKLMNOP",
                                            "A B",  "A\tB",
                                            "A\rB", "A\nB",
                                            "A=B",  "[A]",
                                            "A;B",  "A,B",
                                            "A\\B", "A/B",
                                            "A:B",  "A*B",
                                            "A?B",  "A\"B",
                                            "A<B",  "A>B",
                                            "A|B",  "\xC3\xA9"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof good_names / sizeof good_names[0]; i++)
        if (!ccr_name_ok(good_names[i]))
            fail_msg("refused good name \"%s\"", good_names[i]);
    for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        if (ccr_name_ok(bad_names[i]))
            fail_msg("accepted bad name \"%s\"", bad_names[i]);
    assert_false(ccr_name_ok(NULL));
    assert_true(ccr_id_ok("SKZ01000"));
    assert_true(ccr_id_ok("12345678901234567890123456789012"));
    assert_false(ccr_id_ok("123456789012345678901234567890123"));
    assert_false(ccr_id_ok(""));
    assert_false(ccr_id_ok(NULL));
    assert_false(ccr_id_ok("SKZ_01"));
    assert_false(ccr_id_ok("..\\SKZ"));
    assert_false(ccr_id_ok("SKZ.CCR"));
}

/* ---- Writing ---- */

static void test_ccr_write_gives_the_documented_text(void **state)
{
    ccr_request r = sample_request(), back;
    char out[512];
    size_t n = 0;
    ccr_error err;
    const char *want = "[NT Client Configuration Request]\r\nMachine Name=STEVEK1\r\n"
                       "Domain=S1DOMAIN\r\nInitial Request Date=11/24/2025 9:05\r\n"
                       "Latest Request Date=11/24/2025 9:05\r\nClient Request Count=1\r\n";
    (void)state;
    assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_OK);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    assert_int_equal(ccr_read(out, n, &back, NULL, &err), CCR_OK);
    assert_string_equal(back.machine, r.machine);
    assert_string_equal(back.domain, r.domain);
    assert_time(&back.initial, 11, 24, 2025, 9, 5);
    assert_time(&back.latest, 11, 24, 2025, 9, 5);
    assert_int_equal(back.count, 1);
}

static void test_ccr_write_refuses_injection_through_names(void **state)
{
    static const char *const bad[] = {
        "A\r\n[X]", "A\nDomain=EVIL", "A=B", "[A", "A]", "A;B", "A B", "", "ABCDEFGHIJKLMNOP"};
    char out[512];
    size_t n, i;
    ccr_error err;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ccr_request r = sample_request();
        strncpy(r.machine, bad[i], CCR_NAME_MAX);
        r.machine[CCR_NAME_MAX] = '\0';
        if (strlen(bad[i]) > CCR_NAME_MAX) /* strncpy cut it: make it too long again */
            memset(r.machine, 'A', sizeof r.machine);
        memset(out, 'X', sizeof out);
        n = 99;
        assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_ERR_BAD_MACHINE);
        assert_string_equal(err.key, "Machine Name");
        assert_int_equal(n, 0);
        assert_int_equal(out[0], 'X'); /* nothing written */

        r = sample_request();
        strncpy(r.domain, bad[i], CCR_NAME_MAX);
        r.domain[CCR_NAME_MAX] = '\0';
        if (strlen(bad[i]) > CCR_NAME_MAX)
            memset(r.domain, 'A', sizeof r.domain);
        assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_ERR_BAD_DOMAIN);
        assert_string_equal(err.key, "Domain");
    }
}

static void test_ccr_write_refuses_bad_dates_and_counts(void **state)
{
    char out[512];
    size_t n;
    ccr_error err;
    ccr_request r;
    (void)state;
    r = sample_request();
    r.initial = tm(2, 30, 2025, 1, 0);
    assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_ERR_BAD_DATE);
    assert_string_equal(err.key, "Initial Request Date");
    r = sample_request();
    r.latest = tm(1, 1, 2025, 24, 0);
    assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_ERR_BAD_DATE);
    assert_string_equal(err.key, "Latest Request Date");
    r = sample_request();
    r.count = 0;
    assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_ERR_BAD_COUNT);
    assert_string_equal(err.key, "Client Request Count");
    r.count = CCR_MAX_COUNT + 1;
    assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_ERR_BAD_COUNT);
    r.count = CCR_MAX_COUNT;
    assert_int_equal(ccr_write(&r, out, sizeof out, &n, &err), CCR_OK);
    assert_int_equal(ccr_write(NULL, out, sizeof out, &n, &err), CCR_ERR_BAD_MACHINE);
}

static void test_ccr_write_reports_no_space(void **state)
{
    ccr_request r = sample_request();
    char out[512];
    size_t n, need;
    ccr_error err;
    (void)state;
    assert_int_equal(ccr_write(&r, out, sizeof out, &need, &err), CCR_OK);
    assert_int_equal(ccr_write(&r, out, need, &n, &err), CCR_ERR_NO_SPACE);
    assert_int_equal(n, 0);
    assert_int_equal(ccr_write(&r, out, need + 1, &n, &err), CCR_OK);
    assert_int_equal(ccr_write(&r, NULL, 0, &n, &err), CCR_ERR_NO_SPACE);
}

/* ---- Merging ---- */

static void test_ccr_merge_changes_only_latest_date_and_count(void **state)
{
    static char in[4096], want[4096], out[8192];
    size_t n = testdata_read("ccr/reference.ccr", in, sizeof in), on = 0;
    ccr_time now = tm(11, 24, 2025, 9, 5);
    ccr_request r;
    ccr_error err;
    char *p;
    (void)state;
    in[n] = '\0';
    strcpy(want, in);
    p = strstr(want, "Latest Request Date=01/01/1996 23:00");
    assert_non_null(p);
    memmove(p + 20 + 15, p + 20 + 16, strlen(p + 20 + 16) + 1);
    memcpy(p + 20, "11/24/2025 9:05", 15);
    p = strstr(want, "Client Request Count=1");
    assert_non_null(p);
    p[21] = '2';
    assert_int_equal(ccr_merge(in, n, &now, out, ccr_output_bound(n), &on, &err), CCR_OK);
    assert_int_equal(on, strlen(want));
    assert_memory_equal(out, want, on);
    assert_int_equal(ccr_read(out, on, &r, NULL, NULL), CCR_OK);
    assert_time(&r.latest, 11, 24, 2025, 9, 5);
    assert_time(&r.initial, 1, 1, 1996, 23, 0);
    assert_int_equal(r.count, 2);
}

static void test_ccr_merge_keeps_lf_spacing_and_other_keys(void **state)
{
    const char *in = "; written by hand\n[NT Client Configuration Request]\n"
                     "Machine Name = M1\nDomain=D\nInitial Request Date=01/01/1996 23:00\n"
                     "Latest Request Date  =  01/01/1996 23:00\nClient Request Count= 0009\n"
                     "Extra=kept\n";
    const char *want = "; written by hand\n[NT Client Configuration Request]\n"
                       "Machine Name = M1\nDomain=D\nInitial Request Date=01/01/1996 23:00\n"
                       "Latest Request Date  =  02/03/2026 0:07\nClient Request Count= 10\n"
                       "Extra=kept\n";
    ccr_time now = tm(2, 3, 2026, 0, 7);
    char out[1024];
    size_t on;
    (void)state;
    assert_int_equal(ccr_merge(in, strlen(in), &now, out, sizeof out, &on, NULL), CCR_OK);
    assert_int_equal(on, strlen(want));
    assert_memory_equal(out, want, on);
}

static void test_ccr_merge_caps_the_count(void **state)
{
    char in[512], out[2048];
    size_t on;
    ccr_time now = tm(1, 2, 1996, 1, 0);
    ccr_request r;
    (void)state;
    request_with("Client Request Count", "Client Request Count=1000000", in, sizeof in);
    assert_int_equal(ccr_merge(in, strlen(in), &now, out, sizeof out, &on, NULL), CCR_OK);
    assert_int_equal(ccr_read(out, on, &r, NULL, NULL), CCR_OK);
    assert_int_equal(r.count, CCR_MAX_COUNT);
    request_with("Client Request Count", "Client Request Count=999999", in, sizeof in);
    assert_int_equal(ccr_merge(in, strlen(in), &now, out, sizeof out, &on, NULL), CCR_OK);
    assert_int_equal(ccr_read(out, on, &r, NULL, NULL), CCR_OK);
    assert_int_equal(r.count, CCR_MAX_COUNT);
}

static void test_ccr_merge_writes_utf16le_into_utf16le_requests(void **state)
{
    static char text[4096];
    static unsigned char in[8192], want[8192], out[8192];
    size_t n = testdata_read("ccr/request-only.ccr", text, sizeof text), wn, on;
    ccr_time now = tm(11, 25, 2025, 14, 30);
    char *p;
    (void)state;
    text[n] = '\0';
    n = to_utf16le(text, in, sizeof in);
    p = strstr(text, "Latest Request Date=11/24/2025 9:05");
    assert_non_null(p);
    memmove(p + 20 + 16, p + 20 + 15, strlen(p + 20 + 15) + 1);
    memcpy(p + 20, "11/25/2025 14:30", 16);
    p = strstr(text, "Client Request Count=1");
    p[21] = '2';
    wn = to_utf16le(text, want, sizeof want);
    assert_int_equal(ccr_merge(in, n, &now, (char *)out, sizeof out, &on, NULL), CCR_OK);
    assert_int_equal(on, wn);
    assert_memory_equal(out, want, wn);
}

static void test_ccr_merge_refuses_hostile_existing_files(void **state)
{
    static char big[9 * 1024];
    char in[1024], out[16384];
    size_t on = 5, n;
    ccr_time now = tm(1, 2, 1996, 1, 0);
    ccr_error err;
    (void)state;
    request_with("Client Request Count", "Client Request Count=18446744073709551617", in,
                 sizeof in);
    assert_int_equal(ccr_merge(in, strlen(in), &now, out, sizeof out, &on, &err),
                     CCR_ERR_BAD_COUNT);
    assert_string_equal(err.key, "Client Request Count");
    assert_int_equal(on, 0);
    request_with("Initial Request Date", "Initial Request Date=99/99/9999 99:99", in, sizeof in);
    assert_int_equal(ccr_merge(in, strlen(in), &now, out, sizeof out, &on, &err), CCR_ERR_BAD_DATE);
    assert_string_equal(err.key, "Initial Request Date");
    assert_int_equal(ccr_merge("[Other]\r\nA=1\r\n", 14, &now, out, sizeof out, &on, &err),
                     CCR_ERR_NO_REQUEST);
    assert_int_equal(ccr_merge("", 0, &now, out, sizeof out, &on, &err), CCR_ERR_NO_REQUEST);

    request_with(NULL, NULL, big, sizeof big);
    n = strlen(big);
    for (; n < sizeof big; n++)
        big[n] = n % 60 == 0 ? '\n' : '#';
    assert_int_equal(ccr_merge(big, sizeof big, &now, out, sizeof out, &on, &err),
                     CCR_ERR_TOO_LARGE);

    /* A bad time to merge in. */
    request_with(NULL, NULL, in, sizeof in);
    now = tm(2, 30, 1996, 1, 0);
    assert_int_equal(ccr_merge(in, strlen(in), &now, out, sizeof out, &on, &err), CCR_ERR_BAD_DATE);
    assert_string_equal(err.key, "Latest Request Date");
    assert_int_equal(ccr_merge(in, strlen(in), NULL, out, sizeof out, &on, &err), CCR_ERR_BAD_DATE);
}

static void test_ccr_merge_that_would_pass_8_kib_is_refused(void **state)
{
    static char in[CCR_MAX_BYTES + 1], out[CCR_MAX_BYTES + 2048];
    size_t n, on;
    ccr_time now = tm(12, 31, 2025, 23, 59); /* 16 characters where the file has 15 */
    ccr_error err;
    (void)state;
    request_with("Latest Request Date", "Latest Request Date=01/01/1996 3:00", in, sizeof in);
    n = strlen(in);
    for (; n < CCR_MAX_BYTES - 2; n++)
        in[n] = n % 80 == 0 ? '\n' : ';';
    in[n++] = '\r';
    in[n++] = '\n';
    assert_int_equal(n, CCR_MAX_BYTES);
    assert_int_equal(ccr_read(in, n, NULL, NULL, &err), CCR_OK);
    assert_int_equal(ccr_merge(in, n, &now, out, sizeof out, &on, &err), CCR_ERR_TOO_LARGE);
    assert_int_equal(on, 0);
    /* Same length date: fits. */
    now = tm(12, 31, 2025, 3, 59);
    assert_int_equal(ccr_merge(in, n, &now, out, sizeof out, &on, &err), CCR_OK);
    assert_int_equal(on, CCR_MAX_BYTES);
}

static void test_ccr_merge_reports_no_space(void **state)
{
    static char in[4096], out[8192];
    size_t n = testdata_read("ccr/reference.ccr", in, sizeof in), on, need;
    ccr_time now = tm(11, 24, 2025, 9, 5);
    ccr_error err;
    (void)state;
    assert_int_equal(ccr_merge(in, n, &now, out, sizeof out, &need, &err), CCR_OK);
    assert_int_equal(ccr_merge(in, n, &now, out, need - 1, &on, &err), CCR_ERR_NO_SPACE);
    assert_int_equal(ccr_merge(in, n, &now, out, need, &on, &err), CCR_OK);
}

/* ---- Request Processing ---- */

static void test_ccr_set_processing_appends_the_section(void **state)
{
    static char in[4096], want[8192], out[8192];
    size_t n = testdata_read("ccr/request-only.ccr", in, sizeof in), on;
    ccr_processing p = sample_processing(), back;
    ccr_error err;
    (void)state;
    in[n] = '\0';
    snprintf(want, sizeof want,
             "%s[Request Processing]\r\nInitial Processing Attempt=11/24/2025 9:14\r\n"
             "Retry Interval Start=11/24/2025 9:14\r\nLatest Processing Attempt=11/25/2025 10:00"
             "\r\nNumber of Processing Attempts=3\r\nLast Error Code=53\r\n",
             in);
    assert_int_equal(ccr_set_processing(in, n, &p, out, ccr_output_bound(n), &on, &err), CCR_OK);
    assert_int_equal(on, strlen(want));
    assert_memory_equal(out, want, on);
    assert_int_equal(ccr_read(out, on, NULL, &back, NULL), CCR_OK);
    assert_true(back.present);
    assert_time(&back.initial_attempt, 11, 24, 2025, 9, 14);
    assert_time(&back.retry_start, 11, 24, 2025, 9, 14);
    assert_time(&back.latest_attempt, 11, 25, 2025, 10, 0);
    assert_int_equal(back.attempts, 3);
    assert_int_equal(back.last_error, 53);
}

static void test_ccr_set_processing_replaces_only_its_values(void **state)
{
    static char in[4096], out[8192];
    size_t n = testdata_read("ccr/reference.ccr", in, sizeof in), on;
    ccr_processing p = sample_processing();
    const char *want = "[NT Client Configuration Request]\r\nMachine Name=MACHINE01\r\n"
                       "Domain=SMS_DOMAIN\r\nInitial Request Date=01/01/1996 23:00\r\n"
                       "Latest Request Date=01/01/1996 23:00\r\nClient Request Count=1\r\n\r\n"
                       "[Request Processing]\r\nInitial Processing Attempt=11/24/2025 9:14\r\n"
                       "Retry Interval Start=11/24/2025 9:14\r\n"
                       "Latest Processing Attempt=11/25/2025 10:00\r\n"
                       "Number of Processing Attempts=3\r\nLast Error Code=53\r\n";
    (void)state;
    assert_int_equal(ccr_set_processing(in, n, &p, out, ccr_output_bound(n), &on, NULL), CCR_OK);
    assert_int_equal(on, strlen(want));
    assert_memory_equal(out, want, on);
}

static void test_ccr_set_processing_repairs_a_malformed_section(void **state)
{
    const char *in = "[NT Client Configuration Request]\r\nMachine Name=M\r\nDomain=D\r\n"
                     "Initial Request Date=01/01/1996 23:00\r\nLatest Request Date=01/01/1996 "
                     "23:00\r\nClient Request Count=1\r\n[Request Processing]\r\n"
                     "Number of Processing Attempts=lots\r\n";
    char out[2048];
    size_t on;
    ccr_processing p = sample_processing(), back;
    (void)state;
    assert_int_equal(ccr_read(in, strlen(in), NULL, NULL, NULL), CCR_ERR_BAD_PROCESSING);
    assert_int_equal(ccr_set_processing(in, strlen(in), &p, out, sizeof out, &on, NULL), CCR_OK);
    assert_int_equal(ccr_read(out, on, NULL, &back, NULL), CCR_OK);
    assert_int_equal(back.attempts, 3);
}

static void test_ccr_set_processing_validates_every_field(void **state)
{
    static char in[4096], out[8192];
    size_t n = testdata_read("ccr/request-only.ccr", in, sizeof in), on;
    ccr_processing p;
    ccr_error err;
    (void)state;
    p = sample_processing();
    p.retry_start = tm(2, 29, 2025, 0, 0);
    assert_int_equal(ccr_set_processing(in, n, &p, out, sizeof out, &on, &err),
                     CCR_ERR_BAD_PROCESSING);
    assert_string_equal(err.key, "Retry Interval Start");
    p = sample_processing();
    p.attempts = 0;
    assert_int_equal(ccr_set_processing(in, n, &p, out, sizeof out, &on, &err),
                     CCR_ERR_BAD_PROCESSING);
    assert_string_equal(err.key, "Number of Processing Attempts");
    p = sample_processing();
    p.last_error = UINT32_MAX; /* any DWORD is a valid error code */
    assert_int_equal(ccr_set_processing(in, n, &p, out, sizeof out, &on, &err), CCR_OK);
    assert_int_equal(ccr_set_processing(in, n, NULL, out, sizeof out, &on, &err),
                     CCR_ERR_BAD_PROCESSING);
    /* Not a request at all. */
    p = sample_processing();
    assert_int_equal(ccr_set_processing("[X]\r\n", 5, &p, out, sizeof out, &on, &err),
                     CCR_ERR_NO_REQUEST);
}

static void test_ccr_output_bound_covers_the_worst_case(void **state)
{
    static char text[4096];
    static unsigned char in[8192], out[16384];
    size_t n = testdata_read("ccr/request-only.ccr", text, sizeof text), on;
    ccr_processing p = sample_processing();
    ccr_time now = tm(12, 31, 2025, 23, 59);
    (void)state;
    text[n] = '\0';
    n = to_utf16le(text, in, sizeof in);
    assert_int_equal(ccr_set_processing(in, n, &p, (char *)out, ccr_output_bound(n), &on, NULL),
                     CCR_OK);
    assert_true(on <= ccr_output_bound(n));
    assert_int_equal(ccr_merge(in, n, &now, (char *)out, ccr_output_bound(n), &on, NULL), CCR_OK);
}

static void test_ccr_error_texts(void **state)
{
    ccr_error err;
    char buf[256];
    int s;
    (void)state;
    memset(&err, 0, sizeof err);
    err.status = CCR_ERR_BAD_COUNT;
    strcpy(err.key, "Client Request Count");
    ccr_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "Client Request Count: count missing, zero, not a number, or over "
                             "1000000");
    for (s = CCR_OK; s <= CCR_ERR_NO_SPACE; s++)
        assert_true(strlen(ccr_status_text((ccr_status)s)) > 0);
    assert_non_null(ccr_status_text((ccr_status)99));
    assert_int_equal(ccr_error_format(&err, NULL, 0), strlen(buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ccr_reads_the_reference_example),
        cmocka_unit_test(test_ccr_request_without_processing_section),
        cmocka_unit_test(test_ccr_hostile_files_are_rejected_with_the_field),
        cmocka_unit_test(test_ccr_missing_request_section_is_reported),
        cmocka_unit_test(test_ccr_over_8_kib_is_rejected_whole),
        cmocka_unit_test(test_ccr_binary_and_utf16_without_bom_are_file_errors),
        cmocka_unit_test(test_ccr_reads_utf16le_requests),
        cmocka_unit_test(test_ccr_first_section_and_first_key_win),
        cmocka_unit_test(test_ccr_malformed_processing_section_is_rejected),
        cmocka_unit_test(test_ccr_time_text_form),
        cmocka_unit_test(test_ccr_time_parse_is_strict),
        cmocka_unit_test(test_ccr_names_and_ids),
        cmocka_unit_test(test_ccr_write_gives_the_documented_text),
        cmocka_unit_test(test_ccr_write_refuses_injection_through_names),
        cmocka_unit_test(test_ccr_write_refuses_bad_dates_and_counts),
        cmocka_unit_test(test_ccr_write_reports_no_space),
        cmocka_unit_test(test_ccr_merge_changes_only_latest_date_and_count),
        cmocka_unit_test(test_ccr_merge_keeps_lf_spacing_and_other_keys),
        cmocka_unit_test(test_ccr_merge_caps_the_count),
        cmocka_unit_test(test_ccr_merge_writes_utf16le_into_utf16le_requests),
        cmocka_unit_test(test_ccr_merge_refuses_hostile_existing_files),
        cmocka_unit_test(test_ccr_merge_that_would_pass_8_kib_is_refused),
        cmocka_unit_test(test_ccr_merge_reports_no_space),
        cmocka_unit_test(test_ccr_set_processing_appends_the_section),
        cmocka_unit_test(test_ccr_set_processing_replaces_only_its_values),
        cmocka_unit_test(test_ccr_set_processing_repairs_a_malformed_section),
        cmocka_unit_test(test_ccr_set_processing_validates_every_field),
        cmocka_unit_test(test_ccr_output_bound_covers_the_worst_case),
        cmocka_unit_test(test_ccr_error_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
