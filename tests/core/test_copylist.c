/*
 * test_copylist.c: CopyListVersion parsing and comparison, the CL_NT.TXT
 * component list (docs/protocol.md, "CL_NT.TXT") and the client delta
 * (src/core/copylist.c).
 *
 * Fixtures come from $CLIMON_TEST_DATA (set by ctest) through plain stdio,
 * so the same executable runs natively and under Wine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "climon/copylist.h"
#include "testdata.h"

static clv server_of(const char *text)
{
    return copylist_server_version(text, strlen(text));
}

static clv local_of(const char *text)
{
    return copylist_local_version(text, strlen(text));
}

static clv known(uint32_t v)
{
    clv c;
    memset(&c, 0, sizeof c);
    c.status = CLV_OK;
    c.value = v;
    return c;
}

static clv unknown(clv_status st)
{
    clv c;
    memset(&c, 0, sizeof c);
    c.status = st;
    c.value = 12345; /* must be ignored */
    return c;
}

/* ---- CopyListVersion ---- */

static void test_clv_parse_accepts_decimal_dwords_only(void **state)
{
    static const struct {
        const char *text;
        clv_status st;
        uint32_t value;
    } cases[] = {
        {"835643765", CLV_OK, 835643765u},
        {" 0835643765 ", CLV_OK, 835643765u},
        {"\t000000000000000835643765\t", CLV_OK, 835643765u},
        {"0", CLV_OK, 0},
        {"4294967295", CLV_OK, 4294967295u},
        {"4294967296", CLV_OVERFLOW, 0},
        {"99999999999999999999999999", CLV_OVERFLOW, 0},
        {"", CLV_EMPTY, 0},
        {"   ", CLV_EMPTY, 0},
        {"-1", CLV_NOT_NUMERIC, 0},
        {"+5", CLV_NOT_NUMERIC, 0},
        {"0x10", CLV_NOT_NUMERIC, 0},
        {"12a", CLV_NOT_NUMERIC, 0},
        {"1 2", CLV_NOT_NUMERIC, 0},
        {"1.5", CLV_NOT_NUMERIC, 0},
        {"99999999999999999999x", CLV_NOT_NUMERIC, 0},
        {"\xEF\xBC\x91", CLV_NOT_NUMERIC, 0}, /* fullwidth digit one */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t v = 777;
        clv_status st = clv_parse(cases[i].text, &v);
        if (st != cases[i].st || v != cases[i].value)
            fail_msg("clv_parse(\"%s\") = %d, %lu; want %d, %lu", cases[i].text, (int)st,
                     (unsigned long)v, (int)cases[i].st, (unsigned long)cases[i].value);
    }
    assert_int_equal(clv_parse(NULL, NULL), CLV_MISSING);
}

static void test_local_version_comes_from_the_sms_section_only(void **state)
{
    static char buf[8192];
    size_t n = testdata_read("ini/sms-sample.ini", buf, sizeof buf);
    clv v = copylist_local_version(buf, n);
    (void)state;
    assert_int_equal(v.status, CLV_OK);
    assert_int_equal(v.value, 835643765u);
    v = local_of("[Local]\r\nCopyListVersion=835643765\r\n");
    assert_int_equal(v.status, CLV_MISSING);
    v = local_of("CopyListVersion=835643765\r\n[SMS]\r\nSiteCode=SKZ\r\n");
    assert_int_equal(v.status, CLV_MISSING);
    v = local_of("[SMS]\r\nCopyListVersion=\r\n");
    assert_int_equal(v.status, CLV_EMPTY);
    v = local_of("[SMS]\r\nCopyListVersion=-1\r\n");
    assert_int_equal(v.status, CLV_NOT_NUMERIC);
    v = local_of("[SMS]\r\nCopyListVersion=4294967296\r\n");
    assert_int_equal(v.status, CLV_OVERFLOW);
    /* Truncated inside the key: missing. */
    v = local_of("[SMS]\r\nSiteCode=SKZ\r\nCopyListVer");
    assert_int_equal(v.status, CLV_MISSING);
    v = copylist_local_version("", 0);
    assert_int_equal(v.status, CLV_MISSING);
}

static void test_local_version_of_a_rejected_file_is_a_file_error(void **state)
{
    static const char bin[] = "[SMS]\r\nCopyListVersion=835643765\r\n\0ELF";
    static const unsigned char utf16_no_bom[] = {'[', 0, 'S', 0, 'M', 0, 'S', 0, ']', 0};
    clv v = copylist_local_version(bin, sizeof bin - 1);
    char *big;
    size_t n;
    (void)state;
    assert_int_equal(v.status, CLV_FILE_ERROR);
    assert_int_equal(v.file_error.status, INI_ERR_BINARY);
    assert_int_equal(v.file_error.line, 3);
    v = copylist_local_version(utf16_no_bom, sizeof utf16_no_bom);
    assert_int_equal(v.status, CLV_FILE_ERROR);
    assert_int_equal(v.file_error.status, INI_ERR_ENCODING);

    /* A 10 MB line. */
    big = malloc(10u * 1024u * 1024u + 64);
    assert_non_null(big);
    n = (size_t)sprintf(big, "[SMS]\r\nCopyListVersion=");
    memset(big + n, '7', 10u * 1024u * 1024u);
    n += 10u * 1024u * 1024u;
    v = copylist_local_version(big, n);
    assert_int_equal(v.status, CLV_FILE_ERROR);
    assert_int_equal(v.file_error.status, INI_ERR_TOO_LARGE);
    /* A 5000-digit version inside the size bound: a long line. */
    v = copylist_local_version(big, 30 + 5000);
    assert_int_equal(v.status, CLV_FILE_ERROR);
    assert_int_equal(v.file_error.status, INI_ERR_LINE_TOO_LONG);
    assert_int_equal(v.file_error.line, 2);
    free(big);
}

static void test_local_version_reads_utf16le_with_bom(void **state)
{
    static unsigned char buf[4096];
    size_t n = testdata_read("ini/sms-utf16le.ini", buf, sizeof buf);
    clv v = copylist_local_version(buf, n);
    (void)state;
    assert_int_equal(v.status, CLV_OK);
    assert_int_equal(v.value, 835643765u);
}

static void test_server_version_is_the_first_line_anywhere(void **state)
{
    static char buf[4096];
    size_t n = testdata_read("copylist/cl-version-late.txt", buf, sizeof buf);
    clv v = copylist_server_version(buf, n);
    (void)state;
    assert_int_equal(v.status, CLV_OK);
    assert_int_equal(v.value, 835650000u);
    v = server_of("[A]\nCopyListVersion=1\n[Copy List]\nCopyListVersion=2\n");
    assert_int_equal(v.value, 1);
    /* The first one decides even when it is bad. */
    v = server_of("[A]\nCopyListVersion=x\n[Copy List]\nCopyListVersion=2\n");
    assert_int_equal(v.status, CLV_NOT_NUMERIC);
    v = server_of("[Copy List]\nVersion=2\n");
    assert_int_equal(v.status, CLV_MISSING);
}

static void test_leading_zeros_compare_equal_by_value(void **state)
{
    clv a = local_of("[SMS]\r\nCopyListVersion=835643765\r\n");
    clv b = server_of("[Copy List]\r\nCopyListVersion = 0835643765 \r\n");
    (void)state;
    assert_int_equal(clv_compare(&a, &b), CLV_SAME);
}

static void test_unknown_is_never_different(void **state)
{
    static const clv_status bad[] = {CLV_MISSING,  CLV_EMPTY,      CLV_NOT_NUMERIC,
                                     CLV_OVERFLOW, CLV_FILE_ERROR, CLV_UNREADABLE};
    clv one = known(1), two = known(2);
    size_t i, j;
    (void)state;
    assert_int_equal(clv_compare(&one, &one), CLV_SAME);
    assert_int_equal(clv_compare(&one, &two), CLV_DIFFERS);
    assert_int_equal(clv_compare(&two, &one), CLV_DIFFERS);
    for (i = 0; i < 6; i++) {
        clv u = unknown(bad[i]);
        assert_int_equal(clv_compare(&u, &one), CLV_UNKNOWN);
        assert_int_equal(clv_compare(&one, &u), CLV_UNKNOWN);
        for (j = 0; j < 6; j++) {
            clv w = unknown(bad[j]);
            assert_int_equal(clv_compare(&u, &w), CLV_UNKNOWN);
        }
    }
    assert_int_equal(clv_compare(NULL, &one), CLV_UNKNOWN);
    assert_string_equal(clv_result_name(CLV_SAME), "up-to-date");
    assert_string_equal(clv_result_name(CLV_DIFFERS), "differs");
    assert_string_equal(clv_result_name(CLV_UNKNOWN), "unknown");
}

static void test_clv_texts_explain_the_decision(void **state)
{
    clv l = known(1764000000u), s = known(1764000100u), u = unknown(CLV_NOT_NUMERIC);
    clv f = unknown(CLV_FILE_ERROR);
    char buf[512], small[10];
    (void)state;
    clv_explain(&l, &s, buf, sizeof buf);
    assert_string_equal(buf, "server copy list is newer (1764000100 > 1764000000): Client Setup "
                             "should run");
    clv_explain(&s, &l, buf, sizeof buf);
    assert_string_equal(buf, "server copy list is older (1764000000 < 1764000100): Client Setup "
                             "should run");
    clv_explain(&l, &l, buf, sizeof buf);
    assert_string_equal(buf, "CopyListVersion 1764000000 on both sides: up to date, no action");
    clv_explain(&u, &s, buf, sizeof buf);
    assert_string_equal(buf, "local CopyListVersion is unknown (not a number): no action");
    clv_explain(&l, &u, buf, sizeof buf);
    assert_string_equal(buf, "server CopyListVersion is unknown (not a number): no action");
    f.file_error.status = INI_ERR_LINE_TOO_LONG;
    f.file_error.line = 12;
    clv_explain(&f, &u, buf, sizeof buf);
    assert_string_equal(buf, "local CopyListVersion is unknown (file rejected: line 12: line "
                             "longer than 4096 bytes) and server CopyListVersion is unknown (not "
                             "a number): no action");
    assert_int_equal(clv_explain(&l, &s, small, sizeof small), strlen("server copy list is newer "
                                                                      "(1764000100 > 1764000000):"
                                                                      " Client Setup should run"));
    assert_int_equal(strlen(small), sizeof small - 1);

    assert_int_equal(clv_format(&s, buf, sizeof buf), 10);
    assert_string_equal(buf, "1764000100");
    clv_format(&u, buf, sizeof buf);
    assert_string_equal(buf, "unknown");
    assert_string_equal(clv_status_text(CLV_OVERFLOW), "over 4294967295");
    assert_string_equal(clv_status_text(CLV_MISSING), "missing");
}

/* ---- Component list ---- */

static void test_copylist_parses_the_protocol_example(void **state)
{
    static char buf[4096];
    static copylist cl;
    size_t n = testdata_read("copylist/cl-nt-sample.txt", buf, sizeof buf);
    copylist_error err;
    (void)state;
    assert_int_equal(copylist_parse(buf, n, &cl, &err), COPYLIST_OK);
    assert_int_equal(cl.version.status, CLV_OK);
    assert_int_equal(cl.version.value, 1764000000u);
    assert_int_equal(cl.ncomponents, 2);
    assert_string_equal(cl.comp[0].name, "INV32CLI");
    assert_int_equal(cl.comp[0].kind, COPYLIST_SERVICE);
    assert_string_equal(cl.comp[0].display, "Inventory Agent");
    assert_string_equal(cl.comp[0].version, "1.2.0.5");
    assert_int_equal(cl.comp[0].nfiles, 2);
    assert_string_equal(cl.comp[0].files[0], "INV32CLI.EXE");
    assert_string_equal(cl.comp[0].files[1], "INVMIF.DLL");
    assert_string_equal(cl.comp[1].name, "CLIMON");
    assert_int_equal(cl.comp[1].kind, COPYLIST_PROGRAM);
    assert_string_equal(cl.comp[1].display, "CLIMON"); /* defaults to the name */
    assert_string_equal(cl.comp[1].version, "1.0.0.1");
    assert_int_equal(cl.comp[1].nfiles, 1);
}

static void test_copylist_with_only_a_version_has_no_components(void **state)
{
    static copylist cl;
    const char *t = "[Copy List]\r\nCopyListVersion=835643765\r\n";
    (void)state;
    assert_int_equal(copylist_parse(t, strlen(t), &cl, NULL), COPYLIST_OK);
    assert_int_equal(cl.ncomponents, 0);
    assert_int_equal(cl.version.value, 835643765u);
    /* A bad version does not fail the list. */
    t = "[Components]\nA=program\n[A]\nVersion=1\nFiles=A.EXE\n";
    assert_int_equal(copylist_parse(t, strlen(t), &cl, NULL), COPYLIST_OK);
    assert_int_equal(cl.version.status, CLV_MISSING);
    assert_int_equal(cl.ncomponents, 1);
}

static void test_copylist_refuses_a_file_that_escapes_its_folder(void **state)
{
    static char buf[4096];
    static copylist cl;
    size_t n = testdata_read("copylist/cl-escape.txt", buf, sizeof buf);
    copylist_error err;
    char msg[256];
    (void)state;
    assert_int_equal(copylist_parse(buf, n, &cl, &err), COPYLIST_ERR_BAD_FILE);
    assert_int_equal(err.status, COPYLIST_ERR_BAD_FILE);
    assert_string_equal(err.where, "PCM");
    copylist_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "component PCM: "));
    assert_non_null(strstr(msg, "escapes its folder"));
    /* The version stays usable. */
    assert_int_equal(cl.version.status, CLV_OK);
}

/* Parses "[Components]\n<comp>\n<sections>" and checks status and where. */
static void expect_parse(const char *text, copylist_status want, const char *where)
{
    static copylist cl;
    copylist_error err;
    copylist_status st = copylist_parse(text, strlen(text), &cl, &err);
    if (st != want)
        fail_msg("copylist_parse gave %d, want %d, for:\n%s", (int)st, (int)want, text);
    assert_int_equal(err.status, want);
    if (where)
        assert_string_equal(err.where, where);
}

static void test_copylist_reports_each_kind_of_error(void **state)
{
    (void)state;
    expect_parse("[Components]\nPC-M=service\n", COPYLIST_ERR_BAD_NAME, "PC-M");
    expect_parse("[Components]\nA=driver\n[A]\nVersion=1\nFiles=A.SYS\n", COPYLIST_ERR_BAD_KIND,
                 "A");
    expect_parse("[Components]\nA=service ; comment\n", COPYLIST_ERR_BAD_KIND, "A");
    expect_parse("[Components]\nA=service\n[A]\nFiles=A.EXE\n", COPYLIST_ERR_BAD_VERSION, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1..2\nFiles=A.EXE\n",
                 COPYLIST_ERR_BAD_VERSION, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=v1\nFiles=A.EXE\n",
                 COPYLIST_ERR_BAD_VERSION, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1.2.3.4.5.6.7.8.9.10.11.12\nFiles=A\n",
                 COPYLIST_ERR_BAD_VERSION, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=\nFiles=A.EXE\n", COPYLIST_ERR_BAD_VERSION,
                 "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\n", COPYLIST_ERR_BAD_FILE, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\nFiles=\n", COPYLIST_ERR_BAD_FILE, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\nFiles=A.EXE,,B.DLL\n",
                 COPYLIST_ERR_BAD_FILE, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\nFiles=A.EXE,\n", COPYLIST_ERR_BAD_FILE,
                 "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\nFiles=A.EXE, a.exe\n",
                 COPYLIST_ERR_BAD_FILE, "A");
    expect_parse("[Components]\nA=service\n", COPYLIST_ERR_NO_SECTION, "A");
    expect_parse("[Components]\nA=service\nB=program\na=program\n", COPYLIST_ERR_DUPLICATE, "a");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\nFiles=A.EXE\nDisplay Name=\n",
                 COPYLIST_ERR_BAD_NAME, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\nFiles=A.EXE\nDisplay Name="
                 "12345678901234567890123456789012345678901234567890123456789012345\n",
                 COPYLIST_ERR_BAD_NAME, "A");
    expect_parse("[Components]\nA=service\n[A]\nVersion=1\nFiles=A.EXE\nDisplay Name="
                 "1234567890123456789012345678901234567890123456789012345678901234\n",
                 COPYLIST_OK, NULL);
}

static void test_copylist_file_error_carries_the_ini_line(void **state)
{
    static copylist cl;
    static const char t[] = "[Components]\nA=service\n[A]\nVersion=1\0\n";
    copylist_error err;
    char msg[256];
    (void)state;
    assert_int_equal(copylist_parse(t, sizeof t - 1, &cl, &err), COPYLIST_ERR_FILE);
    assert_int_equal(err.ini.status, INI_ERR_BINARY);
    assert_int_equal(err.ini.line, 4);
    copylist_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "line 4: "));
}

static void test_copylist_bounds_components_and_files(void **state)
{
    static char text[16384];
    size_t n = 0;
    int i;
    (void)state;
    /* 33 components. */
    n += (size_t)sprintf(text + n, "[Components]\n");
    for (i = 0; i < 33; i++)
        n += (size_t)sprintf(text + n, "C%d=service\n", i);
    for (i = 0; i < 33; i++)
        n += (size_t)sprintf(text + n, "[C%d]\nVersion=1\nFiles=C%d.EXE\n", i, i);
    expect_parse(text, COPYLIST_ERR_TOO_MANY, "C32");
    /* 32 are fine: drop the 33rd line of [Components]. */
    {
        char *p = strstr(text, "C32=service\n");
        assert_non_null(p);
        memmove(p, p + 12, strlen(p + 12) + 1);
        expect_parse(text, COPYLIST_OK, NULL);
    }
    /* 17 files. */
    n = (size_t)sprintf(text, "[Components]\nA=service\n[A]\nVersion=1\nFiles=F0.DLL");
    for (i = 1; i < 17; i++)
        n += (size_t)sprintf(text + n, ", F%d.DLL", i);
    sprintf(text + n, "\n");
    expect_parse(text, COPYLIST_ERR_TOO_MANY, "A");
    sprintf(strstr(text, ", F16.DLL"), "\n");
    expect_parse(text, COPYLIST_OK, NULL);
}

static void test_copylist_reads_only_the_first_sections(void **state)
{
    static copylist cl;
    const char *t = "[Components]\nA=service\n[A]\nVersion=1.0\nFiles=A.EXE\n"
                    "[Components]\nB=service\n[A]\nVersion=9.9\nFiles=EVIL.EXE\n"
                    "[Unlisted]\nVersion=garbage\n";
    (void)state;
    assert_int_equal(copylist_parse(t, strlen(t), &cl, NULL), COPYLIST_OK);
    assert_int_equal(cl.ncomponents, 1);
    assert_string_equal(cl.comp[0].version, "1.0");
    assert_string_equal(cl.comp[0].files[0], "A.EXE");
    assert_int_equal(cl.comp[0].nfiles, 1);
}

static void test_copylist_file_names_stay_in_their_folder(void **state)
{
    static const char *const good[] = {
        "A.EXE",       "INV32CLI.EXE",
        "a_b-c.1.dll", "CONSOLE.EXE",
        "NULL.DLL",    "COM10.DLL",
        "X",           "1234567890123456789012345678901234567890123456789012345678901234"};
    static const char *const bad[] = {
        "",
        ".",
        "..",
        "..\\A.EXE",
        "../A.EXE",
        "SUB\\A.EXE",
        "SUB/A.EXE",
        "C:A.EXE",
        "C:\\A.EXE",
        "\\\\S\\X",
        ".hidden",
        "A.EXE.",
        "A EXE",
        "A*.EXE",
        "A?.EXE",
        "A.EXE:ads",
        "NUL",
        "nul.txt",
        "CON",
        "Com1.dll",
        "LPT9",
        "AUX.X.Y",
        "PRN.",
        "A\tB",
        "\xC3\xA9.EXE",
        "12345678901234567890123456789012345678901234567890123456789012345"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!copylist_file_name_ok(good[i]))
            fail_msg("refused good file name \"%s\"", good[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (copylist_file_name_ok(bad[i]))
            fail_msg("accepted bad file name \"%s\"", bad[i]);
    assert_false(copylist_file_name_ok(NULL));
}

static void test_copylist_component_names(void **state)
{
    (void)state;
    assert_true(copylist_name_ok("INV32CLI"));
    assert_true(copylist_name_ok("a_1"));
    assert_true(copylist_name_ok("12345678901234567890123456789012"));
    assert_false(copylist_name_ok("123456789012345678901234567890123"));
    assert_false(copylist_name_ok(""));
    assert_false(copylist_name_ok(NULL));
    assert_false(copylist_name_ok("A B"));
    assert_false(copylist_name_ok("A.B"));
    assert_false(copylist_name_ok("..\\X"));
}

static void test_copylist_versions_compare_by_value(void **state)
{
    (void)state;
    assert_true(copylist_version_cmp("1.10", "1.9") > 0);
    assert_true(copylist_version_cmp("1.9", "1.10") < 0);
    assert_int_equal(copylist_version_cmp("1.2", "1.2.0"), 0);
    assert_int_equal(copylist_version_cmp("1.2.0.0", "1.2"), 0);
    assert_int_equal(copylist_version_cmp("01.002", "1.2"), 0);
    assert_true(copylist_version_cmp("1.2.0.1", "1.2") > 0);
    assert_true(copylist_version_cmp("2", "1.999999999") > 0);
    assert_true(copylist_version_cmp("999999999.1", "999999999.0") > 0);
    /* Not dotted numbers: older than any valid version. */
    assert_true(copylist_version_cmp("garbage", "0") < 0);
    assert_true(copylist_version_cmp("0", "") > 0);
    assert_true(copylist_version_cmp(NULL, "1") < 0);
    assert_int_equal(copylist_version_cmp("x", "x"), 0);
}

/* ---- Delta ---- */

static void test_copylist_diff_lists_adds_upgrades_then_removals(void **state)
{
    static copylist cl;
    static copylist_delta d;
    const char *t = "[Components]\nINV32CLI=service\nCLIMON=program\nNEW=service\n"
                    "[INV32CLI]\nVersion=1.2.0.5\nFiles=INV32CLI.EXE\n"
                    "[CLIMON]\nVersion=1.10\nFiles=CLIMON.EXE\n"
                    "[NEW]\nVersion=1\nFiles=NEW.EXE\n";
    copylist_installed inst[4];
    (void)state;
    assert_int_equal(copylist_parse(t, strlen(t), &cl, NULL), COPYLIST_OK);
    memset(inst, 0, sizeof inst);
    strcpy(inst[0].name, "OLDPCM");
    strcpy(inst[0].version, "1.0");
    inst[0].kind = COPYLIST_SERVICE;
    strcpy(inst[1].name, "climon");
    strcpy(inst[1].version, "1.9");
    inst[1].kind = COPYLIST_PROGRAM;
    strcpy(inst[2].name, "INV32CLI");
    strcpy(inst[2].version, "1.2.0.5.0");
    inst[2].kind = COPYLIST_SERVICE;
    strcpy(inst[3].name, "OldPcm"); /* the same removal twice */
    strcpy(inst[3].version, "1.0");

    copylist_diff(&cl, inst, 4, &d);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.item[0].change, COPYLIST_UPGRADE);
    assert_string_equal(d.item[0].name, "CLIMON");
    assert_string_equal(d.item[0].from, "1.9");
    assert_string_equal(d.item[0].to, "1.10");
    assert_int_equal(d.item[0].kind, COPYLIST_PROGRAM);
    assert_int_equal(d.item[0].index, 1);
    assert_int_equal(d.item[1].change, COPYLIST_ADD);
    assert_string_equal(d.item[1].name, "NEW");
    assert_string_equal(d.item[1].from, "");
    assert_string_equal(d.item[1].to, "1");
    assert_int_equal(d.item[1].index, 2);
    assert_int_equal(d.item[2].change, COPYLIST_REMOVE);
    assert_string_equal(d.item[2].name, "OLDPCM");
    assert_string_equal(d.item[2].from, "1.0");
    assert_string_equal(d.item[2].to, "");
    assert_int_equal(d.item[2].index, -1);
    assert_true(copylist_delta_has(&d, COPYLIST_SERVICE));
    assert_true(copylist_delta_has(&d, COPYLIST_PROGRAM));

    /* Up to date: no change at all. */
    strcpy(inst[1].version, "1.10.0");
    strcpy(inst[0].name, "NEW");
    strcpy(inst[0].version, "1.0");
    copylist_diff(&cl, inst, 3, &d);
    assert_int_equal(d.n, 0);
    assert_false(copylist_delta_has(&d, COPYLIST_SERVICE));

    /* A damaged installed version is upgraded. */
    strcpy(inst[1].version, "???");
    copylist_diff(&cl, inst, 3, &d);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.item[0].change, COPYLIST_UPGRADE);
    assert_false(copylist_delta_has(&d, COPYLIST_SERVICE));
    assert_true(copylist_delta_has(&d, COPYLIST_PROGRAM));
}

static void test_copylist_diff_with_nothing_installed_adds_all(void **state)
{
    static copylist cl;
    static copylist_delta d;
    static char buf[4096];
    size_t n = testdata_read("copylist/cl-nt-sample.txt", buf, sizeof buf);
    copylist_installed junk[1];
    (void)state;
    assert_int_equal(copylist_parse(buf, n, &cl, NULL), COPYLIST_OK);
    copylist_diff(&cl, NULL, 5, &d);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.item[0].change, COPYLIST_ADD);
    assert_int_equal(d.item[1].change, COPYLIST_ADD);
    /* Names that fill their arrays without a NUL are read no further. */
    memset(junk, 'Z', sizeof junk);
    junk[0].kind = COPYLIST_SERVICE;
    copylist_diff(&cl, junk, 1, &d);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.item[2].change, COPYLIST_REMOVE);
    assert_int_equal(strlen(d.item[2].name), COPYLIST_NAME_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clv_parse_accepts_decimal_dwords_only),
        cmocka_unit_test(test_local_version_comes_from_the_sms_section_only),
        cmocka_unit_test(test_local_version_of_a_rejected_file_is_a_file_error),
        cmocka_unit_test(test_local_version_reads_utf16le_with_bom),
        cmocka_unit_test(test_server_version_is_the_first_line_anywhere),
        cmocka_unit_test(test_leading_zeros_compare_equal_by_value),
        cmocka_unit_test(test_unknown_is_never_different),
        cmocka_unit_test(test_clv_texts_explain_the_decision),
        cmocka_unit_test(test_copylist_parses_the_protocol_example),
        cmocka_unit_test(test_copylist_with_only_a_version_has_no_components),
        cmocka_unit_test(test_copylist_refuses_a_file_that_escapes_its_folder),
        cmocka_unit_test(test_copylist_reports_each_kind_of_error),
        cmocka_unit_test(test_copylist_file_error_carries_the_ini_line),
        cmocka_unit_test(test_copylist_bounds_components_and_files),
        cmocka_unit_test(test_copylist_reads_only_the_first_sections),
        cmocka_unit_test(test_copylist_file_names_stay_in_their_folder),
        cmocka_unit_test(test_copylist_component_names),
        cmocka_unit_test(test_copylist_versions_compare_by_value),
        cmocka_unit_test(test_copylist_diff_lists_adds_upgrades_then_removals),
        cmocka_unit_test(test_copylist_diff_with_nothing_installed_adds_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
