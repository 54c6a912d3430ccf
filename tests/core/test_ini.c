/*
 * test_ini.c: the INI reader and single-key writer (src/core/ini.c) on
 * good files, every kind of bad file, and byte-for-byte rewrites.
 *
 * Fixtures come from $CLIMON_TEST_DATA/ini (set by ctest) through plain
 * stdio, so the same executable runs natively and under Wine. Large or
 * hostile inputs (10 MB line, over 1 MiB, UTF-16 variants) are built in
 * memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "climon/ini.h"
#include "testdata.h"

/* ---- Helpers ---- */

/* UTF-8 to UTF-16LE, with a BOM when bom is set; written independently
 * of the code under test. Returns the byte count. */
static size_t to_utf16le(const char *s, int bom, unsigned char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;

    if (bom) {
        out[n++] = 0xFF;
        out[n++] = 0xFE;
    }
    while (*p) {
        unsigned cp;
        if (*p < 0x80) {
            cp = *p++;
        } else if (*p < 0xE0) {
            cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            p += 2;
        } else if (*p < 0xF0) {
            cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            p += 3;
        } else {
            cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
                 (p[3] & 0x3Fu);
            p += 4;
        }
        assert_true(n + 4 <= cap);
        if (cp >= 0x10000) {
            unsigned hi = 0xD800 + ((cp - 0x10000) >> 10), lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            out[n++] = (unsigned char)(hi & 0xFF);
            out[n++] = (unsigned char)(hi >> 8);
            out[n++] = (unsigned char)(lo & 0xFF);
            out[n++] = (unsigned char)(lo >> 8);
        } else {
            out[n++] = (unsigned char)(cp & 0xFF);
            out[n++] = (unsigned char)(cp >> 8);
        }
    }
    return n;
}

static ini_status get(const char *text, const char *section, const char *key, char *out, size_t cap,
                      ini_error *err)
{
    return ini_get(text, strlen(text), section, key, out, cap, err);
}

/* Runs ini_set on text and compares the result with want, byte for byte. */
static void expect_set(const char *text, const char *section, const char *key, const char *value,
                       const char *want)
{
    char out[4096];
    size_t n = 12345;
    ini_error err;
    size_t bound = ini_set_bound(strlen(text), section, key, value);

    assert_true(bound <= sizeof out);
    assert_int_equal(ini_set(text, strlen(text), section, key, value, out, bound, &n, &err),
                     INI_OK);
    assert_int_equal(err.status, INI_OK);
    if (n != strlen(want) || memcmp(out, want, n) != 0)
        fail_msg("ini_set gave\n[%.*s]\nwant\n[%s]", (int)n, out, want);
}

/* ---- Reading ---- */

static void test_ini_reads_every_key_of_the_sms_sample(void **state)
{
    static char buf[8192];
    char v[256];
    size_t n = testdata_read("ini/sms-sample.ini", buf, sizeof buf);
    static const char *const want[][3] = {
        {"Servers", "Domain", "S1DOMAIN"},
        {"Servers", "CurrentLogonServer", "STEVEBDC"},
        {"WorkstationStatus", "InstalledComponents", "PCM, MIFENTRY, APPCONTROL, REMOTE_CONTROL"},
        {"SMS", "CopyListVersion", "835643765"},
        {"SMS", "SiteCode", "SKZ"},
        {"SMS", "SMS Unique ID", "SKZ01000"},
        {"SMS", "SMSPath", "C:\\MS\\SMS"},
        {"SMS", "SMSInvDataPath", "C:\\MS\\SMS\\INVDATA"},
        {"SMS", "LastLogonServerPath", "\\\\STEVEPDC\\SMS_SHR"},
        {"SMS", "InventoryCollectionPoint", "inventry.box"},
        {"SMS", "ConfigurationRequestPath", "ccr.box"},
        {"SMS", "InvAgtServiceWakeupInterval", "1440"},
        {"Local", "SetupPhase", "installed"},
        {"Local", "MachineName", "STEVEK1"},
    };
    size_t i;
    ini_encoding enc = INI_ENC_UTF16LE;

    (void)state;
    assert_int_equal(ini_check(buf, n, &enc, NULL), INI_OK);
    assert_int_equal(enc, INI_ENC_8BIT);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        ini_error err;
        assert_int_equal(ini_get(buf, n, want[i][0], want[i][1], v, sizeof v, &err), INI_OK);
        assert_string_equal(v, want[i][2]);
    }
    /* A key read from another section is not found there. */
    assert_int_equal(ini_get(buf, n, "Local", "CopyListVersion", v, sizeof v, NULL), INI_NOT_FOUND);
}

static void test_ini_names_compare_without_case(void **state)
{
    char v[32];
    (void)state;
    assert_int_equal(
        get("[SmS]\r\nCopyListVERSION=7\r\n", "sms", "copylistversion", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "7");
    assert_int_equal(get("[sms unique]\r\nsms unique id=A\r\n", "SMS UNIQUE", "SMS Unique ID", v,
                         sizeof v, NULL),
                     INI_OK);
    assert_string_equal(v, "A");
}

static void test_ini_trims_spaces_around_names_and_values(void **state)
{
    char v[32];
    (void)state;
    assert_int_equal(get("  [ SMS ]  \n\t SMS Unique ID \t=\t SKZ01000  \n", "SMS", "SMS Unique ID",
                         v, sizeof v, NULL),
                     INI_OK);
    assert_string_equal(v, "SKZ01000");
    /* Inner spaces of a value stay. */
    assert_int_equal(get("[A]\nk = a  b \n", "A", "k", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "a  b");
    /* "k=a=b": the first '=' splits. */
    assert_int_equal(get("[A]\nk=a=b\n", "A", "k", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "a=b");
}

static void test_ini_first_section_of_a_name_is_the_one_consulted(void **state)
{
    const char *t = "[SMS]\r\nA=1\r\n[Other]\r\nB=9\r\n[sms]\r\nB=2\r\nA=3\r\n";
    char v[32];
    ini_error err;
    (void)state;
    assert_int_equal(get(t, "SMS", "A", v, sizeof v, &err), INI_OK);
    assert_string_equal(v, "1");
    assert_int_equal(get(t, "SMS", "B", v, sizeof v, &err), INI_NOT_FOUND);
    assert_int_equal(err.status, INI_NOT_FOUND);
    assert_int_equal(err.line, 0);
}

static void test_ini_first_key_wins_within_a_section(void **state)
{
    char v[32];
    (void)state;
    assert_int_equal(get("[SMS]\nCopyListVersion=1\ncopylistversion=2\n", "SMS", "CopyListVersion",
                         v, sizeof v, NULL),
                     INI_OK);
    assert_string_equal(v, "1");
}

static void test_ini_null_section_finds_the_first_key_anywhere(void **state)
{
    const char *t = "[Components]\nPCM=service\n[PCM]\nVersion=1\n; note\nCopyListVersion=5\n"
                    "[Copy List]\nCopyListVersion=6\n";
    char v[32];
    (void)state;
    assert_int_equal(get(t, NULL, "CopyListVersion", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "5");
    /* Also before any section header. */
    assert_int_equal(get("CopyListVersion=4\n[A]\nCopyListVersion=5\n", NULL, "CopyListVersion", v,
                         sizeof v, NULL),
                     INI_OK);
    assert_string_equal(v, "4");
}

static void test_ini_missing_key_and_missing_section_are_not_found(void **state)
{
    static char buf[8192];
    size_t n = testdata_read("ini/sms-sample.ini", buf, sizeof buf);
    char v[32] = "junk";
    ini_error err = {INI_OK, 99, NULL};
    (void)state;
    assert_int_equal(ini_get(buf, n, "SMS", "NoSuchKey", v, sizeof v, &err), INI_NOT_FOUND);
    assert_int_equal(err.status, INI_NOT_FOUND);
    assert_int_equal(err.line, 0);
    assert_string_equal(v, "");
    assert_int_equal(ini_get(buf, n, "NoSuchSection", "Domain", v, sizeof v, &err), INI_NOT_FOUND);
    assert_int_equal(ini_get("", 0, "SMS", "Domain", v, sizeof v, &err), INI_NOT_FOUND);
    assert_int_equal(ini_get(NULL, 0, "SMS", "Domain", v, sizeof v, &err), INI_NOT_FOUND);
}

static void test_ini_empty_value_is_found_and_empty(void **state)
{
    char v[32] = "junk";
    (void)state;
    assert_int_equal(get("[SMS]\nCopyListVersion=\n", "SMS", "CopyListVersion", v, sizeof v, NULL),
                     INI_OK);
    assert_string_equal(v, "");
    assert_int_equal(
        get("[SMS]\nCopyListVersion =   \n", "SMS", "CopyListVersion", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "");
}

static void test_ini_comment_and_odd_lines_are_not_keys(void **state)
{
    const char *t = "[SMS]\n;CopyListVersion=1\n  # CopyListVersion=2\nCopyListVersion\n=3\n"
                    "[Broken\nCopyListVersion=4\n";
    char v[32];
    (void)state;
    assert_int_equal(get(t, "SMS", "CopyListVersion", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "4");
}

static void test_ini_section_header_without_bracket_is_not_a_section(void **state)
{
    char v[32];
    (void)state;
    assert_int_equal(get("[SMS\nA=1\n", "SMS", "A", v, sizeof v, NULL), INI_NOT_FOUND);
    /* Text after ']' does not change the name. */
    assert_int_equal(get("[SMS] trailing\nA=1\n", "SMS", "A", v, sizeof v, NULL), INI_OK);
}

static void test_ini_reads_lf_cr_and_mixed_line_ends(void **state)
{
    char v[32];
    (void)state;
    assert_int_equal(get("[A]\nk=lf\n", "A", "k", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "lf");
    assert_int_equal(get("[A]\rk=cr\rj=2\r", "A", "k", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "cr");
    assert_int_equal(get("[A]\rk=cr\rj=2\r", "A", "j", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "2");
    assert_int_equal(get("[A]\r\nk=1\rj=2\nl=3", "A", "l", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "3");
}

static void test_ini_counts_lines_the_same_with_any_line_end(void **state)
{
    /* The NUL is on line 4 whatever the line ends are. */
    const char *ends[] = {"\r\n", "\n", "\r"};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        char buf[64];
        ini_error err;
        int n = snprintf(buf, sizeof buf, "[A]%sa=1%s%sb=", ends[i], ends[i], ends[i]);
        buf[n] = '\0';
        buf[n + 1] = 'x';
        assert_int_equal(ini_check(buf, (size_t)n + 2, NULL, &err), INI_ERR_BINARY);
        assert_int_equal(err.line, 4);
    }
}

static void test_ini_truncated_file_loses_only_the_cut_key(void **state)
{
    const char *t = "[SMS]\r\nSiteCode=SKZ\r\nCopyListVer";
    char v[32];
    ini_error err;
    (void)state;
    assert_int_equal(ini_check(t, strlen(t), NULL, &err), INI_OK);
    assert_int_equal(get(t, "SMS", "CopyListVersion", v, sizeof v, &err), INI_NOT_FOUND);
    assert_int_equal(get(t, "SMS", "SiteCode", v, sizeof v, &err), INI_OK);
    assert_string_equal(v, "SKZ");
}

static void test_ini_nul_byte_is_binary_with_its_line(void **state)
{
    static const unsigned char t[] = "[SMS]\r\nCopyListVersion=835643765\r\n\0\1\2\x7f"
                                     "ELF\0\0";
    char v[32], msg[128];
    ini_error err;
    (void)state;
    assert_int_equal(ini_check(t, sizeof t - 1, NULL, &err), INI_ERR_BINARY);
    assert_int_equal(err.line, 3);
    assert_int_equal(ini_get(t, sizeof t - 1, "SMS", "CopyListVersion", v, sizeof v, &err),
                     INI_ERR_BINARY);
    assert_int_equal(err.line, 3);
    ini_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "line 3: "));
    assert_non_null(strstr(msg, "NUL"));
}

static void test_ini_ten_megabyte_line_is_rejected_whole(void **state)
{
    size_t big = 10u * 1024u * 1024u, head, n;
    char *buf = malloc(big + 64);
    char v[32];
    ini_error err;
    (void)state;
    assert_non_null(buf);
    head = (size_t)sprintf(buf, "[SMS]\r\nCopyListVersion=");
    memset(buf + head, '7', big);
    n = head + big;
    memcpy(buf + n, "\r\n", 2);
    n += 2;
    assert_int_equal(ini_get(buf, n, "SMS", "CopyListVersion", v, sizeof v, &err),
                     INI_ERR_TOO_LARGE);
    assert_int_equal(err.status, INI_ERR_TOO_LARGE);
    assert_int_equal(err.line, 0);
    /* The same line within the file bound: rejected as a long line, on line 2. */
    n = INI_MAX_FILE_BYTES;
    memcpy(buf + n - 2, "\r\n", 2);
    assert_int_equal(ini_get(buf, n, "SMS", "CopyListVersion", v, sizeof v, &err),
                     INI_ERR_LINE_TOO_LONG);
    assert_int_equal(err.line, 2);
    free(buf);
}

static void test_ini_file_over_one_mebibyte_is_rejected(void **state)
{
    size_t n = INI_MAX_FILE_BYTES + 1, pos = 0;
    char *buf = malloc(n);
    char v[32];
    ini_error err;
    (void)state;
    assert_non_null(buf);
    pos += (size_t)sprintf(buf, "[SMS]\r\nCopyListVersion=835643765\r\n");
    while (pos < n) {
        buf[pos] = (pos % 64 == 63) ? '\n' : ';';
        pos++;
    }
    assert_int_equal(ini_get(buf, n, "SMS", "CopyListVersion", v, sizeof v, &err),
                     INI_ERR_TOO_LARGE);
    assert_int_equal(err.line, 0);
    /* One byte less is within the bound. */
    assert_int_equal(ini_get(buf, n - 1, "SMS", "CopyListVersion", v, sizeof v, &err), INI_OK);
    assert_string_equal(v, "835643765");
    free(buf);
}

static void test_ini_line_just_over_the_bound_is_rejected_with_its_line(void **state)
{
    static char buf[3 * INI_MAX_LINE_BYTES];
    char msg[128], v[8];
    size_t n;
    ini_error err;
    (void)state;
    n = (size_t)sprintf(buf, "[A]\n;\n");
    memset(buf + n, 'x', INI_MAX_LINE_BYTES);
    n += INI_MAX_LINE_BYTES;
    buf[n++] = '\n';
    /* Exactly INI_MAX_LINE_BYTES on line 3: accepted. */
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_OK);
    memset(buf + n, 'y', INI_MAX_LINE_BYTES + 1);
    n += INI_MAX_LINE_BYTES + 1;
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_ERR_LINE_TOO_LONG);
    assert_int_equal(err.line, 4);
    assert_int_equal(ini_get(buf, n, "A", "x", v, sizeof v, &err), INI_ERR_LINE_TOO_LONG);
    assert_int_equal(ini_error_format(&err, msg, sizeof msg),
                     strlen("line 4: line longer than 4096 bytes"));
    assert_string_equal(msg, "line 4: line longer than 4096 bytes");
}

static void test_ini_utf8_bom_is_skipped(void **state)
{
    const char *t = "\xEF\xBB\xBF[SMS]\r\nCopyListVersion=1\r\nName=Zo\xC3\xA9\r\n";
    char v[32];
    ini_encoding enc;
    (void)state;
    assert_int_equal(ini_check(t, strlen(t), &enc, NULL), INI_OK);
    assert_int_equal(enc, INI_ENC_UTF8_BOM);
    assert_int_equal(get(t, "SMS", "CopyListVersion", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "1");
    assert_int_equal(get(t, "SMS", "Name", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "Zo\xC3\xA9");
}

static void test_ini_utf16le_with_bom_decodes_to_utf8(void **state)
{
    static unsigned char buf[4096];
    size_t n = testdata_read("ini/sms-utf16le.ini", buf, sizeof buf);
    char v[64];
    ini_encoding enc;
    ini_error err;
    (void)state;
    assert_int_equal(ini_check(buf, n, &enc, &err), INI_OK);
    assert_int_equal(enc, INI_ENC_UTF16LE);
    assert_int_equal(ini_get(buf, n, "sms", "CopyListVersion", v, sizeof v, &err), INI_OK);
    assert_string_equal(v, "835643765");
    assert_int_equal(ini_get(buf, n, "SMS", "SMS Unique ID", v, sizeof v, &err), INI_OK);
    assert_string_equal(v, "SKZ01000");
    /* U+00E9 and, through a surrogate pair, U+1F600. */
    assert_int_equal(ini_get(buf, n, "Local", "Owner", v, sizeof v, &err), INI_OK);
    assert_string_equal(v, "Zo\xC3\xA9 \xF0\x9F\x98\x80");
}

static void test_ini_utf16_line_bound_counts_utf8_bytes(void **state)
{
    /* 1400 x U+20AC is 2800 bytes of UTF-16 but 4200 of UTF-8. */
    static char text[8192];
    static unsigned char buf[8192];
    size_t i, p = 0, n;
    ini_error err;
    (void)state;
    p += (size_t)sprintf(text, "[A]\r\nk=");
    for (i = 0; i < 1400; i++)
        p += (size_t)sprintf(text + p, "\xE2\x82\xAC");
    n = to_utf16le(text, 1, buf, sizeof buf);
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_ERR_LINE_TOO_LONG);
    assert_int_equal(err.line, 2);
}

static void test_ini_unpaired_surrogate_is_an_encoding_error(void **state)
{
    unsigned char buf[64];
    size_t n;
    ini_error err;
    (void)state;
    /* A high surrogate followed by 'x' on line 2. */
    n = to_utf16le("[A]\r\nk=", 1, buf, sizeof buf);
    buf[n++] = 0x3D;
    buf[n++] = 0xD8;
    buf[n++] = 'x';
    buf[n++] = 0;
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_ERR_ENCODING);
    assert_int_equal(err.line, 2);
    /* A high surrogate at the end of the line. */
    n -= 2;
    buf[n++] = '\r';
    buf[n++] = 0;
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_ERR_ENCODING);
    assert_int_equal(err.line, 2);
    /* A lone low surrogate on line 1. */
    n = to_utf16le("", 1, buf, sizeof buf);
    buf[n++] = 0x00;
    buf[n++] = 0xDE;
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_ERR_ENCODING);
    assert_int_equal(err.line, 1);
}

static void test_ini_utf16_without_bom_is_rejected(void **state)
{
    unsigned char buf[256];
    size_t n = to_utf16le("[SMS]\r\nCopyListVersion=835643765\r\n", 0, buf, sizeof buf);
    char v[32], msg[160];
    ini_error err;
    (void)state;
    assert_int_equal(ini_get(buf, n, "SMS", "CopyListVersion", v, sizeof v, &err),
                     INI_ERR_ENCODING);
    assert_int_equal(err.line, 0);
    ini_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "UTF-16"));
    assert_non_null(strstr(msg, "without a byte order mark"));
    /* The shortest form: "[\0S\0". */
    assert_int_equal(ini_check("[\0S\0", 4, NULL, &err), INI_ERR_ENCODING);
}

static void test_ini_utf16be_is_rejected(void **state)
{
    unsigned char le[256], be[256];
    size_t n = to_utf16le("[SMS]\r\nA=1\r\n", 1, le, sizeof le), i;
    char msg[160];
    ini_error err;
    (void)state;
    for (i = 0; i < n; i += 2) {
        be[i] = le[i + 1];
        be[i + 1] = le[i];
    }
    assert_int_equal(ini_check(be, n, NULL, &err), INI_ERR_ENCODING);
    assert_int_equal(err.line, 0);
    ini_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "UTF-16BE"));
    /* Without its BOM as well. */
    assert_int_equal(ini_check(be + 2, n - 2, NULL, &err), INI_ERR_ENCODING);
}

static void test_ini_utf16_with_odd_byte_count_is_rejected(void **state)
{
    unsigned char buf[256];
    size_t n = to_utf16le("[SMS]\r\nA=1\r\n", 1, buf, sizeof buf);
    ini_error err;
    (void)state;
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_OK);
    assert_int_equal(ini_check(buf, n - 1, NULL, &err), INI_ERR_ENCODING);
    assert_int_equal(err.line, 0);
    assert_int_equal(ini_check(buf, 3, NULL, &err), INI_ERR_ENCODING);
}

static void test_ini_utf16_nul_character_is_binary(void **state)
{
    unsigned char buf[256];
    size_t n = to_utf16le("[SMS]\r\nA=1\r\n", 1, buf, sizeof buf);
    ini_error err;
    (void)state;
    buf[n++] = 0;
    buf[n++] = 0;
    assert_int_equal(ini_check(buf, n, NULL, &err), INI_ERR_BINARY);
    assert_int_equal(err.line, 3);
}

static void test_ini_value_longer_than_the_buffer_is_reported(void **state)
{
    char v[4];
    ini_error err;
    (void)state;
    assert_int_equal(get("[A]\nk=abcd\n", "A", "k", v, sizeof v, &err), INI_ERR_VALUE_TOO_LONG);
    assert_int_equal(err.line, 2);
    assert_int_equal(get("[A]\nk=abc\n", "A", "k", v, sizeof v, &err), INI_OK);
    assert_string_equal(v, "abc");
}

/* ---- Iterator ---- */

static void test_ini_iterator_reports_kinds_lines_and_raw_spans(void **state)
{
    const char *t = "; top\r\n[SMS]\r\n SMS Unique ID = SKZ01000 \r\n\r\nEmpty=\r\nnoise";
    ini_iter it;
    ini_item item;
    (void)state;
    assert_int_equal(ini_iter_init(&it, t, strlen(t), NULL), INI_OK);

    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.kind, INI_ITEM_OTHER);
    assert_int_equal(item.line, 1);
    assert_string_equal(item.section, "");

    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.kind, INI_ITEM_SECTION);
    assert_string_equal(item.section, "SMS");
    assert_int_equal(item.line_offset, 7);
    assert_int_equal(item.line_length, 5);
    assert_int_equal(item.next_offset, 14);

    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.kind, INI_ITEM_KEY);
    assert_int_equal(item.line, 3);
    assert_string_equal(item.section, "SMS");
    assert_string_equal(item.key, "SMS Unique ID");
    assert_string_equal(item.value, "SKZ01000");
    assert_memory_equal(t + item.value_offset, "SKZ01000", 8);
    assert_int_equal(item.value_length, 8);

    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.kind, INI_ITEM_OTHER);

    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.kind, INI_ITEM_KEY);
    assert_string_equal(item.value, "");
    assert_int_equal(item.value_length, 0);
    assert_int_equal(item.value_offset, item.line_offset + 6);

    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.kind, INI_ITEM_OTHER);
    assert_int_equal(item.line, 6);
    assert_int_equal(item.next_offset, strlen(t));
    assert_false(ini_iter_next(&it, &item));
}

static void test_ini_iterator_spans_are_raw_bytes_in_utf16(void **state)
{
    unsigned char buf[256];
    size_t n = to_utf16le("[A]\r\n\xC3\xA9t\xC3\xA9 = x\xF0\x9F\x98\x80y \r\n", 1, buf, sizeof buf);
    ini_iter it;
    ini_item item;
    unsigned char want[16];
    size_t wn;
    (void)state;
    assert_int_equal(ini_iter_init(&it, buf, n, NULL), INI_OK);
    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.line_offset, 2);
    assert_int_equal(item.line_length, 6);
    assert_true(ini_iter_next(&it, &item));
    assert_int_equal(item.kind, INI_ITEM_KEY);
    assert_string_equal(item.key, "\xC3\xA9t\xC3\xA9");
    assert_string_equal(item.value, "x\xF0\x9F\x98\x80y");
    wn = to_utf16le("x\xF0\x9F\x98\x80y", 0, want, sizeof want);
    assert_int_equal(item.value_length, wn);
    assert_memory_equal(buf + item.value_offset, want, wn);
    assert_false(ini_iter_next(&it, &item));
}

static void test_ini_iterator_on_a_rejected_file_yields_nothing(void **state)
{
    ini_iter it;
    ini_item item;
    ini_error err;
    (void)state;
    assert_int_equal(ini_iter_init(&it, "[A]\n\0", 5, &err), INI_ERR_BINARY);
    assert_false(ini_iter_next(&it, &item));
}

/* ---- Writing ---- */

static void test_ini_set_replaces_only_the_value_in_crlf(void **state)
{
    static char buf[8192];
    static char want[8192];
    size_t n = testdata_read("ini/sms-sample.ini", buf, sizeof buf);
    char *p;
    (void)state;
    buf[n] = '\0';
    strcpy(want, buf);
    p = strstr(want, "835643765");
    assert_non_null(p);
    memmove(p + 10, p + 9, strlen(p + 9) + 1);
    memcpy(p, "1764000000", 10);
    expect_set(buf, "SMS", "CopyListVersion", "1764000000", want);
}

static void test_ini_set_replaces_only_the_value_in_lf(void **state)
{
    (void)state;
    expect_set("[A]\nk=1\n[B]\nk=2\n", "b", "K", "33", "[A]\nk=1\n[B]\nk=33\n");
}

static void test_ini_set_keeps_spaces_around_equals(void **state)
{
    (void)state;
    expect_set("[SMS]\r\n  SMS Unique ID  =  OLD  ; x\r\n", "SMS", "sms unique id", "NEW",
               "[SMS]\r\n  SMS Unique ID  =  NEW\r\n");
    expect_set("[SMS]\r\nk =   \r\n", "SMS", "k", "v", "[SMS]\r\nk =   v\r\n");
    expect_set("[SMS]\r\nk\t=\tOLD\t\r\n", "SMS", "k", "", "[SMS]\r\nk\t=\t\t\r\n");
}

static void test_ini_set_adds_a_missing_key_after_the_sections_last_line(void **state)
{
    (void)state;
    expect_set("[A]\r\nx=1\r\n; note\r\n\r\n\r\n[B]\r\ny=2\r\n", "A", "New Key", "v",
               "[A]\r\nx=1\r\n; note\r\nNew Key=v\r\n\r\n\r\n[B]\r\ny=2\r\n");
    expect_set("[A]\r\n[B]\r\n", "A", "k", "v", "[A]\r\nk=v\r\n[B]\r\n");
    expect_set("[A]\nx=1\n[B]\ny=2\n", "B", "k", "v", "[A]\nx=1\n[B]\ny=2\nk=v\n");
}

static void test_ini_set_appends_a_missing_section(void **state)
{
    (void)state;
    expect_set("[A]\r\nx=1\r\n", "SMS", "CopyListVersion", "5",
               "[A]\r\nx=1\r\n[SMS]\r\nCopyListVersion=5\r\n");
    expect_set("[A]\nx=1\n\n", "SMS", "k", "5", "[A]\nx=1\n\n[SMS]\nk=5\n");
}

static void test_ini_set_on_an_empty_file_writes_crlf(void **state)
{
    (void)state;
    expect_set("", "SMS", "CopyListVersion", "5", "[SMS]\r\nCopyListVersion=5\r\n");
}

static void test_ini_set_on_a_file_without_final_newline(void **state)
{
    (void)state;
    expect_set("[A]\r\nx=1", "A", "x", "2", "[A]\r\nx=2");
    expect_set("[A]\r\nx=1", "A", "y", "2", "[A]\r\nx=1\r\ny=2");
    expect_set("[A]\r\nx=1", "B", "y", "2", "[A]\r\nx=1\r\n[B]\r\ny=2\r\n");
    expect_set("[A]", "A", "y", "2", "[A]\r\ny=2");
}

static void test_ini_set_uses_the_files_first_line_end(void **state)
{
    (void)state;
    expect_set("[A]\rx=1\r", "A", "y", "2", "[A]\rx=1\ry=2\r");
    expect_set("[A]\nx=1\r\n", "B", "y", "2", "[A]\nx=1\r\n[B]\ny=2\n");
}

static void test_ini_set_changes_only_the_first_key_of_the_first_section(void **state)
{
    (void)state;
    expect_set("[A]\nk=1\nk=2\n[a]\nk=3\n", "A", "k", "9", "[A]\nk=9\nk=2\n[a]\nk=3\n");
    /* The key only in the second [A]: added to the first. */
    expect_set("[A]\nx=1\n[B]\n[A]\nk=3\n", "A", "k", "9", "[A]\nx=1\nk=9\n[B]\n[A]\nk=3\n");
}

static void test_ini_set_writes_utf16le_into_utf16le_files(void **state)
{
    static unsigned char in[4096], want[4096], out[4096];
    size_t n = testdata_read("ini/sms-utf16le.ini", in, sizeof in), wn, on = 0;
    char v[64];
    ini_encoding enc;
    ini_error err;
    (void)state;

    /* Replace a value. */
    wn = to_utf16le(
        "[SMS]\r\nCopyListVersion=835643765\r\nSiteCode=SKZ\r\nSMS Unique ID=SKZ01000\r\n"
        "[Local]\r\nMachineName=STEVEK1\r\nOwner=\xC3\x85sa \xF0\x9F\x98\x81\r\n",
        1, want, sizeof want);
    assert_int_equal(
        ini_set(in, n, "Local", "Owner", "\xC3\x85sa \xF0\x9F\x98\x81", out, sizeof out, &on, &err),
        INI_OK);
    assert_int_equal(on, wn);
    assert_memory_equal(out, want, wn);

    /* Add a key and a section. */
    wn = to_utf16le(
        "[SMS]\r\nCopyListVersion=835643765\r\nSiteCode=SKZ\r\nSMS Unique ID=SKZ01000\r\n"
        "[Local]\r\nMachineName=STEVEK1\r\nOwner=Zo\xC3\xA9 \xF0\x9F\x98\x80\r\n"
        "[Climon]\r\nLast=1\r\n",
        1, want, sizeof want);
    assert_int_equal(ini_set(in, n, "Climon", "Last", "1", out, sizeof out, &on, &err), INI_OK);
    assert_int_equal(on, wn);
    assert_memory_equal(out, want, wn);
    assert_int_equal(ini_check(out, on, &enc, NULL), INI_OK);
    assert_int_equal(enc, INI_ENC_UTF16LE);
    assert_int_equal(ini_get(out, on, "Climon", "Last", v, sizeof v, NULL), INI_OK);
    assert_string_equal(v, "1");

    /* An empty UTF-16LE file (BOM only). */
    wn = to_utf16le("[A]\r\nk=v\r\n", 1, want, sizeof want);
    assert_int_equal(ini_set("\xFF\xFE", 2, "A", "k", "v", out, sizeof out, &on, &err), INI_OK);
    assert_int_equal(on, wn);
    assert_memory_equal(out, want, wn);
}

static void test_ini_set_refuses_invalid_utf8_for_a_utf16_file(void **state)
{
    unsigned char in[64], out[256];
    size_t n = to_utf16le("[A]\r\n", 1, in, sizeof in), on = 7;
    ini_error err;
    (void)state;
    assert_int_equal(ini_set(in, n, "A", "k", "\xC3(", out, sizeof out, &on, &err),
                     INI_ERR_BAD_VALUE);
    assert_int_equal(on, 0);
    /* The same bytes pass through unchanged into an 8-bit (ANSI) file. */
    assert_int_equal(ini_set("[A]\r\n", 5, "A", "k", "\xE9t\xE9", out, sizeof out, &on, &err),
                     INI_OK);
    assert_int_equal(on, 12);
    assert_memory_equal(out, "[A]\r\nk=\xE9t\xE9\r\n", on);
}

static void test_ini_set_refuses_injection_through_names_and_values(void **state)
{
    static const char *const bad_values[] = {"1\r\n[SMS]", "1\nCopyListVersion=2", "a\rb", "\x01",
                                             "x\x7f"};
    static const char *const bad_names[] = {"",   "a=b", "[SMS]", "a]",   "a\nb", ";x",
                                            "#x", " a",  "a ",    "a\rb", "a\tb"};
    char out[256];
    size_t on, i;
    ini_error err;
    (void)state;
    for (i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        on = 99;
        assert_int_equal(ini_set("[A]\n", 4, "A", "k", bad_values[i], out, sizeof out, &on, &err),
                         INI_ERR_BAD_VALUE);
        assert_int_equal(err.status, INI_ERR_BAD_VALUE);
        assert_int_equal(on, 0);
    }
    for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        assert_int_equal(ini_set("[A]\n", 4, "A", bad_names[i], "v", out, sizeof out, &on, &err),
                         INI_ERR_BAD_VALUE);
        assert_int_equal(ini_set("[A]\n", 4, bad_names[i], "k", "v", out, sizeof out, &on, &err),
                         INI_ERR_BAD_VALUE);
    }
    assert_int_equal(ini_set("[A]\n", 4, NULL, "k", "v", out, sizeof out, &on, &err),
                     INI_ERR_BAD_VALUE);
}

static void test_ini_set_reports_no_space_and_the_bound_is_enough(void **state)
{
    static const char *const files[] = {"", "[A]\r\nk=1\r\n", "[A]\r\nk=1", "[B]\nx=1\n"};
    char out[512];
    size_t on, i, bound;
    ini_error err;
    (void)state;
    for (i = 0; i < 4; i++) {
        size_t need;
        bound = ini_set_bound(strlen(files[i]), "A", "key", "long value here");
        assert_int_equal(ini_set(files[i], strlen(files[i]), "A", "key", "long value here", out,
                                 bound, &on, &err),
                         INI_OK);
        need = on;
        assert_true(need <= bound);
        assert_int_equal(ini_set(files[i], strlen(files[i]), "A", "key", "long value here", out,
                                 need - 1, &on, &err),
                         INI_ERR_NO_SPACE);
        assert_int_equal(on, 0);
    }
}

static void test_ini_set_on_a_bad_file_reports_its_error(void **state)
{
    char out[256];
    size_t on;
    ini_error err;
    (void)state;
    assert_int_equal(ini_set("[A]\nk=1\n\0", 9, "A", "k", "2", out, sizeof out, &on, &err),
                     INI_ERR_BINARY);
    assert_int_equal(err.line, 3);
    assert_int_equal(ini_set("\xFE\xFF\0[", 4, "A", "k", "2", out, sizeof out, &on, &err),
                     INI_ERR_ENCODING);
}

static void test_ini_set_refuses_to_write_an_unreadable_line(void **state)
{
    static char in[INI_MAX_LINE_BYTES + 64], out[3 * INI_MAX_LINE_BYTES], value[2049];
    size_t n, on;
    ini_error err;
    (void)state;
    /* A 3000-byte key line: adding a 2048-byte value would pass 4096. */
    n = (size_t)sprintf(in, "[A]\nk");
    memset(in + n, ' ', 2995);
    n += 2995;
    n += (size_t)sprintf(in + n, "=1\n");
    memset(value, 'v', 2048);
    value[2048] = '\0';
    assert_true(ini_value_ok(value));
    assert_int_equal(ini_set(in, n, "A", "k", value, out, sizeof out, &on, &err),
                     INI_ERR_LINE_TOO_LONG);
    assert_int_equal(err.line, 2);
}

static void test_ini_name_and_value_rules(void **state)
{
    char longname[INI_MAX_LINE_BYTES / 4 + 2], longvalue[INI_MAX_LINE_BYTES / 2 + 2];
    (void)state;
    assert_true(ini_name_ok("SMS Unique ID"));
    assert_true(ini_name_ok("NT Client Configuration Request"));
    assert_true(ini_name_ok("a;b"));
    assert_false(ini_name_ok(NULL));
    assert_false(ini_name_ok("a\x7f"));
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_false(ini_name_ok(longname));
    longname[sizeof longname - 2] = '\0';
    assert_true(ini_name_ok(longname));

    assert_true(ini_value_ok(""));
    assert_true(ini_value_ok("a\tb = [c]; d"));
    assert_false(ini_value_ok(NULL));
    assert_false(ini_value_ok("a\rb"));
    assert_false(ini_value_ok("a\nb"));
    memset(longvalue, 'v', sizeof longvalue - 1);
    longvalue[sizeof longvalue - 1] = '\0';
    assert_false(ini_value_ok(longvalue));
    longvalue[sizeof longvalue - 2] = '\0';
    assert_true(ini_value_ok(longvalue));

    assert_true(ini_name_eq("Copy List", "COPY list"));
    assert_false(ini_name_eq("Copy List", "Copy Lis"));
    assert_false(ini_name_eq("\xC9", "\xE9")); /* ASCII only */
}

static void test_ini_error_texts(void **state)
{
    ini_error err = {INI_ERR_LINE_TOO_LONG, 12, NULL};
    char small[8];
    int s;
    (void)state;
    for (s = INI_OK; s <= INI_ERR_NO_SPACE; s++) {
        assert_non_null(ini_status_text((ini_status)s));
        assert_true(strlen(ini_status_text((ini_status)s)) > 0);
    }
    assert_non_null(ini_status_text((ini_status)77));
    /* Truncated output still reports the full length, like snprintf. */
    assert_int_equal(ini_error_format(&err, small, sizeof small),
                     strlen("line 12: line longer than 4096 bytes"));
    assert_string_equal(small, "line 12");
    assert_int_equal(ini_error_format(&err, NULL, 0),
                     strlen("line 12: line longer than 4096 bytes"));
    err.status = INI_ERR_TOO_LARGE;
    err.line = 0;
    assert_int_equal(ini_error_format(&err, small, sizeof small),
                     strlen("file larger than 1048576 bytes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ini_reads_every_key_of_the_sms_sample),
        cmocka_unit_test(test_ini_names_compare_without_case),
        cmocka_unit_test(test_ini_trims_spaces_around_names_and_values),
        cmocka_unit_test(test_ini_first_section_of_a_name_is_the_one_consulted),
        cmocka_unit_test(test_ini_first_key_wins_within_a_section),
        cmocka_unit_test(test_ini_null_section_finds_the_first_key_anywhere),
        cmocka_unit_test(test_ini_missing_key_and_missing_section_are_not_found),
        cmocka_unit_test(test_ini_empty_value_is_found_and_empty),
        cmocka_unit_test(test_ini_comment_and_odd_lines_are_not_keys),
        cmocka_unit_test(test_ini_section_header_without_bracket_is_not_a_section),
        cmocka_unit_test(test_ini_reads_lf_cr_and_mixed_line_ends),
        cmocka_unit_test(test_ini_counts_lines_the_same_with_any_line_end),
        cmocka_unit_test(test_ini_truncated_file_loses_only_the_cut_key),
        cmocka_unit_test(test_ini_nul_byte_is_binary_with_its_line),
        cmocka_unit_test(test_ini_ten_megabyte_line_is_rejected_whole),
        cmocka_unit_test(test_ini_file_over_one_mebibyte_is_rejected),
        cmocka_unit_test(test_ini_line_just_over_the_bound_is_rejected_with_its_line),
        cmocka_unit_test(test_ini_utf8_bom_is_skipped),
        cmocka_unit_test(test_ini_utf16le_with_bom_decodes_to_utf8),
        cmocka_unit_test(test_ini_utf16_line_bound_counts_utf8_bytes),
        cmocka_unit_test(test_ini_unpaired_surrogate_is_an_encoding_error),
        cmocka_unit_test(test_ini_utf16_without_bom_is_rejected),
        cmocka_unit_test(test_ini_utf16be_is_rejected),
        cmocka_unit_test(test_ini_utf16_with_odd_byte_count_is_rejected),
        cmocka_unit_test(test_ini_utf16_nul_character_is_binary),
        cmocka_unit_test(test_ini_value_longer_than_the_buffer_is_reported),
        cmocka_unit_test(test_ini_iterator_reports_kinds_lines_and_raw_spans),
        cmocka_unit_test(test_ini_iterator_spans_are_raw_bytes_in_utf16),
        cmocka_unit_test(test_ini_iterator_on_a_rejected_file_yields_nothing),
        cmocka_unit_test(test_ini_set_replaces_only_the_value_in_crlf),
        cmocka_unit_test(test_ini_set_replaces_only_the_value_in_lf),
        cmocka_unit_test(test_ini_set_keeps_spaces_around_equals),
        cmocka_unit_test(test_ini_set_adds_a_missing_key_after_the_sections_last_line),
        cmocka_unit_test(test_ini_set_appends_a_missing_section),
        cmocka_unit_test(test_ini_set_on_an_empty_file_writes_crlf),
        cmocka_unit_test(test_ini_set_on_a_file_without_final_newline),
        cmocka_unit_test(test_ini_set_uses_the_files_first_line_end),
        cmocka_unit_test(test_ini_set_changes_only_the_first_key_of_the_first_section),
        cmocka_unit_test(test_ini_set_writes_utf16le_into_utf16le_files),
        cmocka_unit_test(test_ini_set_refuses_invalid_utf8_for_a_utf16_file),
        cmocka_unit_test(test_ini_set_refuses_injection_through_names_and_values),
        cmocka_unit_test(test_ini_set_reports_no_space_and_the_bound_is_enough),
        cmocka_unit_test(test_ini_set_on_a_bad_file_reports_its_error),
        cmocka_unit_test(test_ini_set_refuses_to_write_an_unreadable_line),
        cmocka_unit_test(test_ini_name_and_value_rules),
        cmocka_unit_test(test_ini_error_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
