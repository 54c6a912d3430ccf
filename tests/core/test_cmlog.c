/*
 * test_cmlog.c: CMTrace log lines: exact output, safe text, the length
 * bound, rollover edges and parsing back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "climon/cmlog.h"

static const cmlog_time when = {2026, 11, 24, 13, 49, 9, 123, -60}; /* UTC+1 */

static void test_cmlog_exact_line_for_known_time_and_bias(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX];
    size_t n = cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", 1234, "agent.c",
                            "forwarded 2 inventory file(s)");
    const char *expect = "<![LOG[forwarded 2 inventory file(s)]LOG]!><time=\"13:49:09.123-060\" "
                         "date=\"11-24-2026\" component=\"climon\" context=\"\" type=\"1\" "
                         "thread=\"1234\" file=\"agent.c\">\r\n";
    assert_string_equal(buf, expect);
    assert_int_equal(n, strlen(expect));
}

static void test_cmlog_bias_sign_and_padding(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX];
    cmlog_time t = {2025, 1, 2, 3, 4, 5, 6, 300}; /* UTC-5 */
    cmlog_format(buf, sizeof buf, &t, CMLOG_WARNING, "c", 7, "f.c", "x");
    assert_non_null(strstr(buf, "time=\"03:04:05.006+300\" date=\"01-02-2025\""));
    assert_non_null(strstr(buf, "type=\"2\""));
    t.bias_minutes = 0;
    cmlog_format(buf, sizeof buf, &t, CMLOG_ERROR, "c", 7, "f.c", "x");
    assert_non_null(strstr(buf, "time=\"03:04:05.006+000\""));
    assert_non_null(strstr(buf, "type=\"3\""));
    t.bias_minutes = -330; /* UTC+5:30 */
    cmlog_format(buf, sizeof buf, &t, CMLOG_INFO, "c", 7, "f.c", "x");
    assert_non_null(strstr(buf, ".006-330\""));
}

static void test_cmlog_null_component_and_file_are_empty(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX];
    cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, NULL, 0, NULL, NULL);
    assert_non_null(strstr(buf, "<![LOG[]LOG]!>"));
    assert_non_null(strstr(buf, "component=\"\""));
    assert_non_null(strstr(buf, "file=\"\">\r\n"));
}

static void test_cmlog_attribute_quotes_are_replaced(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX];
    cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "a\"b", 1, "x\r\n.c", "t");
    assert_non_null(strstr(buf, "component=\"a'b\""));
    assert_non_null(strstr(buf, "file=\"x  .c\""));
}

static void test_cmlog_closing_mark_cannot_appear_in_text(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX];
    cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", 1, "a.c", "a]LOG]!>b");
    assert_non_null(strstr(buf, "<![LOG[a)LOG]!>b]LOG]!><time="));
    /* Exactly one mark in the whole line: the real one. */
    const char *first = strstr(buf, "]LOG]!>");
    assert_non_null(first);
    assert_null(strstr(first + 1, "]LOG]!>"));

    cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", 1, "a.c", "]LOG]!>]LOG]!>");
    assert_non_null(strstr(buf, "<![LOG[)LOG]!>)LOG]!>]LOG]!><time="));
    cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", 1, "a.c", "]LOG]LOG]!>");
    assert_non_null(strstr(buf, "<![LOG[]LOG)LOG]!>]LOG]!><time="));
}

static void test_cmlog_control_chars_become_spaces(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX];
    cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", 1, "a.c",
                 "line1\r\nline2\tend\x01\x7f.");
    assert_non_null(strstr(buf, "<![LOG[line1  line2 end  .]LOG]!>"));
    /* Only the final CRLF remains. */
    assert_int_equal(strchr(buf, '\n') - buf, (long)strlen(buf) - 1);
    assert_int_equal(strchr(buf, '\r') - buf, (long)strlen(buf) - 2);
}

static void test_cmlog_long_text_is_cut_to_line_max(void **state)
{
    (void)state;
    static char text[10 * 1024 + 1];
    memset(text, 'x', sizeof text - 1);
    char buf[CMLOG_LINE_MAX + 64];
    memset(buf, '#', sizeof buf);
    size_t n = cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", 1, "agent.c", text);
    assert_int_equal(n, strlen(buf));
    assert_int_equal(n, CMLOG_LINE_MAX - 1); /* the line fills its bound exactly */
    assert_int_equal(buf[CMLOG_LINE_MAX - 1], '\0');
    assert_int_equal(buf[CMLOG_LINE_MAX], '#');
    assert_non_null(strstr(buf, "xxx...]LOG]!><time="));
    assert_memory_equal(buf + n - 2, "\r\n", 2);

    char back[CMLOG_LINE_MAX];
    cmlog_type type;
    assert_true(cmlog_parse(buf, back, sizeof back, &type));
    size_t tl = strlen(back);
    assert_true(tl > 800);
    assert_string_equal(back + tl - 3, "...");
}

static void test_cmlog_cut_keeps_utf8_whole(void **state)
{
    (void)state;
    static char text[3 * 2000 + 1];
    for (size_t i = 0; i < 2000; i++)
        memcpy(text + 3 * i, "\xe2\x82\xac", 3); /* the euro sign */
    char buf[CMLOG_LINE_MAX];
    for (uint32_t thread = 1; thread <= 100; thread *= 10) { /* moves the cut by a byte */
        cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", thread, "a.c", text);
        char back[CMLOG_LINE_MAX];
        assert_true(cmlog_parse(buf, back, sizeof back, NULL));
        size_t tl = strlen(back);
        assert_string_equal(back + tl - 3, "...");
        assert_int_equal((tl - 3) % 3, 0); /* whole euro signs only */
    }
}

static void test_cmlog_small_buffer(void **state)
{
    (void)state;
    char buf[300];
    size_t n = cmlog_format(buf, 260, &when, CMLOG_INFO, "climon", 1, "a.c",
                            "a text much longer than the little room that is left for it in "
                            "a buffer of 260 bytes once the time, date, component, thread and "
                            "file attributes have all been written out");
    assert_true(n > 0 && n < 260);
    assert_int_equal(n, strlen(buf));
    char back[260];
    assert_true(cmlog_parse(buf, back, sizeof back, NULL));
    /* No room even for the attributes: nothing, and an empty string. */
    assert_int_equal(cmlog_format(buf, 40, &when, CMLOG_INFO, "climon", 1, "a.c", "x"), 0);
    assert_string_equal(buf, "");
    assert_int_equal(cmlog_format(buf, 0, &when, CMLOG_INFO, "climon", 1, "a.c", "x"), 0);
    assert_int_equal(cmlog_format(buf, sizeof buf, NULL, CMLOG_INFO, "c", 1, "a.c", "x"), 0);
}

static void test_cmlog_out_of_range_time_fields_are_clamped(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX];
    cmlog_time t = {99999, 13, 0, 24, 60, 61, 1000, -5000};
    size_t n = cmlog_format(buf, sizeof buf, &t, (cmlog_type)9, "c", 1, "a.c", "x");
    assert_true(n > 0);
    assert_non_null(strstr(buf, "time=\"23:59:59.999-999\" date=\"12-01-9999\""));
    assert_non_null(strstr(buf, "type=\"3\""));
}

static void test_cmlog_should_roll_edges(void **state)
{
    (void)state;
    assert_false(cmlog_should_roll(1000, 24, 1024)); /* exactly at the limit */
    assert_true(cmlog_should_roll(1000, 25, 1024));  /* one byte past */
    assert_false(cmlog_should_roll(1024, 0, 1024));
    assert_true(cmlog_should_roll(1025, 0, 1024));
    assert_false(cmlog_should_roll(0, 5000, 1024)); /* an empty log is never rolled */
    assert_true(cmlog_should_roll(1, 5000, 1024));
    assert_true(cmlog_should_roll(10, 5, 0));
    assert_true(cmlog_should_roll(UINT64_MAX - 1, SIZE_MAX, UINT64_MAX)); /* no overflow */
    assert_false(cmlog_should_roll(UINT64_MAX - 10, 10, UINT64_MAX));
}

static void test_cmlog_parse_round_trip(void **state)
{
    (void)state;
    const cmlog_type types[] = {CMLOG_INFO, CMLOG_WARNING, CMLOG_ERROR};
    const char *texts[] = {"", "plain", "Client Setup for version 1764000100: exit 10",
                           "100% <done> \"quoted\" é"};
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned j = 0; j < 4; j++) {
            char buf[CMLOG_LINE_MAX], back[CMLOG_LINE_MAX];
            cmlog_type type = (cmlog_type)0;
            cmlog_format(buf, sizeof buf, &when, types[i], "climon", 42, "agent.c", texts[j]);
            assert_true(cmlog_parse(buf, back, sizeof back, &type));
            assert_string_equal(back, texts[j]);
            assert_int_equal(type, types[i]);
        }
    }
}

static void test_cmlog_parse_reads_site_lines(void **state)
{
    (void)state;
    /* Attribute order and extra attributes as other writers use them. */
    const char *line = "<![LOG[Processing CCR]LOG]!><time=\"08:01:02.003+300\" "
                       "date=\"03-04-2025\" component=\"SMS_CLIENT_CONFIG_MANAGER\" "
                       "context=\"\" type=\"2\" thread=\"99\" file=\"ccm.c:12\">";
    char back[64];
    cmlog_type type;
    assert_true(cmlog_parse(line, back, sizeof back, &type));
    assert_string_equal(back, "Processing CCR");
    assert_int_equal(type, CMLOG_WARNING);
}

static void test_cmlog_parse_rejects_other_lines(void **state)
{
    (void)state;
    char back[64];
    cmlog_type type;
    const char *bad[] = {
        "",
        "plain text",
        "<![LOG[no close mark",
        "<![LOG[x]LOG]!>",
        "<![LOG[x]LOG]!><date=\"01-01-2025\" type=\"1\">",          /* no time */
        "<![LOG[x]LOG]!><time=\"00:00:00.000+000\" type=\"1\">",    /* no date */
        "<![LOG[x]LOG]!><time=\"a\" date=\"b\">",                   /* no type */
        "<![LOG[x]LOG]!><time=\"a\" date=\"b\" type=\"4\">",        /* bad type */
        "<![LOG[x]LOG]!><time=\"a\" date=\"b\" type=\"1\"",         /* no '>' */
        "<![LOG[x]LOG]!><time=\"a\" date=\"b\" type=\"1\">junk",    /* trailing */
        "<![LOG[x]LOG]!><time=\"a\" date=\"b\" type=\"1\" broken>", /* bad attr */
        "<![LOG[x]LOG]!><time=\"a\" date=\"b\" type=\"1\" file=\"unterminated>",
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(cmlog_parse(bad[i], back, sizeof back, &type));
    assert_false(cmlog_parse(NULL, back, sizeof back, &type));
}

static void test_cmlog_parse_cuts_to_caller_buffer(void **state)
{
    (void)state;
    char buf[CMLOG_LINE_MAX], back[6];
    cmlog_format(buf, sizeof buf, &when, CMLOG_INFO, "climon", 1, "a.c", "0123456789");
    assert_true(cmlog_parse(buf, back, sizeof back, NULL));
    assert_string_equal(back, "01234");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmlog_exact_line_for_known_time_and_bias),
        cmocka_unit_test(test_cmlog_bias_sign_and_padding),
        cmocka_unit_test(test_cmlog_null_component_and_file_are_empty),
        cmocka_unit_test(test_cmlog_attribute_quotes_are_replaced),
        cmocka_unit_test(test_cmlog_closing_mark_cannot_appear_in_text),
        cmocka_unit_test(test_cmlog_control_chars_become_spaces),
        cmocka_unit_test(test_cmlog_long_text_is_cut_to_line_max),
        cmocka_unit_test(test_cmlog_cut_keeps_utf8_whole),
        cmocka_unit_test(test_cmlog_small_buffer),
        cmocka_unit_test(test_cmlog_out_of_range_time_fields_are_clamped),
        cmocka_unit_test(test_cmlog_should_roll_edges),
        cmocka_unit_test(test_cmlog_parse_round_trip),
        cmocka_unit_test(test_cmlog_parse_reads_site_lines),
        cmocka_unit_test(test_cmlog_parse_rejects_other_lines),
        cmocka_unit_test(test_cmlog_parse_cuts_to_caller_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
