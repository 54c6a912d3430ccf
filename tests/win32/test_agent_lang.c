/*
 * test_agent_lang.c: climon.exe speaks the user's language (issue 14.4).
 *
 * Run twice by ctest: wine.agent.lang under the default (en-US) locale and
 * wine.agent.lang-de with LANG/LC_ALL=de_DE.UTF-8, which Wine turns into a
 * German display language and German formats for the processes it starts.
 * CLIMON_TEST_EXPECT_LANG (en or de) says which language the windows must
 * show, so a language pick that always said English fails the German run.
 * The table checks run in both: every English string has a German one
 * with the same placeholders, plural forms by each language's rule, and
 * an access key on every menu command.
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
#include <commctrl.h>

#include "agent_fixture.h"
#include "climon-rc.h"
#include "climon.h"

#define EN MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US)
#define DE MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN)

static fx_lab lab;
static HANDLE agent;

static BOOL expect_german(void)
{
    const char *e = getenv("CLIMON_TEST_EXPECT_LANG");
    return e && strcmp(e, "de") == 0;
}

static void test_any_german_display_language_gets_german(void **state)
{
    (void)state;
    assert_int_equal(lang_pick(MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN)), DE);
    assert_int_equal(lang_pick(MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN_AUSTRIAN)), DE);
    assert_int_equal(lang_pick(MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN_SWISS)), DE);
}

static void test_other_languages_fall_back_to_english(void **state)
{
    (void)state;
    assert_int_equal(lang_pick(MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US)), EN);
    assert_int_equal(lang_pick(MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_UK)), EN);
    assert_int_equal(lang_pick(MAKELANGID(LANG_FRENCH, SUBLANG_FRENCH)), EN);
    assert_int_equal(lang_pick(MAKELANGID(LANG_JAPANESE, SUBLANG_DEFAULT)), EN);
    assert_int_equal(lang_pick(0), EN);
}

static void test_the_picked_language_follows_the_display_language(void **state)
{
    (void)state;
    assert_int_equal(lang_user(), expect_german() ? DE : EN);
}

/* The pass row's words for n files in lang. */
static void pass_words(LANGID lang, unsigned long n, wchar_t *out, size_t cap)
{
    wchar_t fmt[256], num[16];
    _snwprintf(num, 16, L"%lu", n);
    res_string_in(lang, IDS_PASS_FILES_ONE + lang_plural_form(lang, n), fmt, 256);
    _snwprintf(out, cap, fmt, L"today", num);
    out[cap - 1] = 0;
}

static void test_one_file_is_singular_and_two_are_plural_in_english(void **state)
{
    wchar_t s[256];
    (void)state;
    pass_words(EN, 1, s, 256);
    assert_non_null(wcsstr(s, L"1 inventory file forwarded"));
    pass_words(EN, 2, s, 256);
    assert_non_null(wcsstr(s, L"2 inventory files forwarded"));
    pass_words(EN, 0, s, 256);
    assert_non_null(wcsstr(s, L"0 inventory files forwarded"));
    assert_null(wcsstr(s, L"(s)"));
}

static void test_one_file_is_singular_and_two_are_plural_in_german(void **state)
{
    wchar_t s[256];
    (void)state;
    pass_words(DE, 1, s, 256);
    assert_non_null(wcsstr(s, L"1 Inventardatei weitergeleitet"));
    pass_words(DE, 2, s, 256);
    assert_non_null(wcsstr(s, L"2 Inventardateien weitergeleitet"));
    pass_words(DE, 0, s, 256);
    assert_non_null(wcsstr(s, L"0 Inventardateien"));
}

/* The printf conversions of s, in order ("%ls%lu"), so a translation
 * cannot swap or drop a placeholder. */
static void conversions(const wchar_t *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 4 < cap; s++) {
        if (*s != L'%')
            continue;
        out[n++] = '%';
        while (s[1] && wcschr(L"-+ #0123456789.lh", s[1]))
            out[n++] = (char)*++s;
        if (s[1] && n + 1 < cap)
            out[n++] = (char)*++s;
    }
    out[n] = 0;
}

static void test_every_english_string_has_a_german_one_with_the_same_placeholders(void **state)
{
    wchar_t en[2048], de[2048];
    char ce[64], cd[64];
    unsigned strings = 0;
    (void)state;
    for (UINT id = 1; id < 4096; id++) {
        HRSRC r = FindResourceExW(GetModuleHandleW(NULL), (LPCWSTR)RT_STRING,
                                  MAKEINTRESOURCEW((id >> 4) + 1), DE);
        res_string_in(EN, id, en, 2048);
        if (!en[0])
            continue;
        strings++;
        assert_non_null(r);
        /* Loaded without the fallback: German itself must have it. */
        res_string_in(DE, id, de, 2048);
        if (wcscmp(en, de) == 0 && wcscmp(en, L"Climon") != 0 && wcscmp(en, L"CopyListVersion") &&
            wcscmp(en, L"%ls: %ls"))
            print_message("string %u is the same in German: %ls\n", id, en);
        conversions(en, ce, sizeof ce);
        conversions(de, cd, sizeof cd);
        if (strcmp(ce, cd) != 0)
            print_message("string %u: English %s, German %s\n", id, ce, cd);
        assert_string_equal(ce, cd);
    }
    assert_true(strings >= 90); /* the table as of issue 14 */
}

/* Every command of the menu has an access key, and no two share one. */
static void menu_keys(LANGID lang)
{
    HRSRC r =
        FindResourceExW(GetModuleHandleW(NULL), (LPCWSTR)RT_MENU, MAKEINTRESOURCEW(IDM_TRAY), lang);
    HGLOBAL g = r ? LoadResource(GetModuleHandleW(NULL), r) : NULL;
    HMENU bar = g ? LoadMenuIndirectW((const MENUTEMPLATEW *)LockResource(g)) : NULL;
    HMENU menu = bar ? GetSubMenu(bar, 0) : NULL;
    wchar_t seen[16] = {0}, text[128];
    int n = 0;

    assert_non_null(menu);
    for (int i = 0; i < GetMenuItemCount(menu); i++) {
        wchar_t *amp, key;
        if (GetMenuStringW(menu, (UINT)i, text, 128, MF_BYPOSITION) <= 0)
            continue; /* a separator */
        amp = wcschr(text, L'&');
        assert_non_null(amp);
        key = (wchar_t)(UINT_PTR)CharUpperW((LPWSTR)(UINT_PTR)amp[1]);
        assert_null(wcschr(seen, key));
        seen[n++] = key;
    }
    assert_true(n >= 5);
    DestroyMenu(bar);
}

/* The status window's buttons too: Alt+key reaches each (issue 14.5). */
static void button_keys(LANGID lang)
{
    static const UINT ids[] = {IDS_ST_CHECK_NOW, IDS_ST_OPEN_LOG, IDS_CLOSE};
    wchar_t seen[4] = {0}, text[128];
    for (int i = 0; i < 3; i++) {
        wchar_t *amp;
        res_string_in(lang, ids[i], text, 128);
        amp = wcschr(text, L'&');
        assert_non_null(amp);
        assert_null(wcschr(seen, (wchar_t)(UINT_PTR)CharUpperW((LPWSTR)(UINT_PTR)amp[1])));
        seen[i] = (wchar_t)(UINT_PTR)CharUpperW((LPWSTR)(UINT_PTR)amp[1]);
    }
}

static void test_every_menu_command_has_its_own_access_key_in_both_languages(void **state)
{
    (void)state;
    menu_keys(EN);
    menu_keys(DE);
    button_keys(EN);
    button_keys(DE);
}

static void test_counts_are_grouped_as_the_user_writes_numbers(void **state)
{
    wchar_t s[32];
    (void)state;
    lang_format_count(7, s, 32);
    assert_true(wcscmp(s, L"7") == 0);
    lang_format_count(1234567, s, 32);
    /* de-DE groups with '.', en-US with ','. */
    assert_true(wcscmp(s, expect_german() ? L"1.234.567" : L"1,234,567") == 0);
}

/* ---- the command line and the windows, end to end ---- */

static void test_usage_and_command_line_errors_speak_the_users_language(void **state)
{
    BOOL de = expect_german();
    char *out;
    DWORD code;
    (void)state;
    assert_int_equal(fx_run_climon(L"/?", 30000, &out, &code), 0);
    assert_int_equal(code, 0);
    assert_non_null(strstr(out, de ? "Aufruf: climon.exe" : "usage: climon.exe"));
    assert_non_null(strstr(out, de ? "/check endet mit 0 aktuell" : "/check exits 0 up to date"));
    free(out);
    assert_int_equal(fx_run_climon(L"/bogus", 30000, &out, &code), 0);
    assert_int_equal(code, 64);
    assert_non_null(strstr(out, de ? "unbekanntes Argument: /bogus" : "unknown argument: /bogus"));
    free(out);
}

static int find_agent(void *arg)
{
    (void)arg;
    return FindWindowW(CLIMON_WNDCLASS, NULL) != NULL;
}

static int status_has_text(const wchar_t *want)
{
    HWND w = FindWindowW(CLIMON_STATUS_WNDCLASS, NULL);
    return w && IsWindowVisible(w) && fx_window_has_text(w, want);
}

static const wchar_t *says_want;

static int status_says(void *arg)
{
    (void)arg;
    return status_has_text(says_want);
}

static const wchar_t *pass_row_want;

static int status_has_pass_row(void *arg)
{
    (void)arg;
    return status_has_text(pass_row_want);
}

static void test_status_window_and_prompt_speak_the_users_language(void **state)
{
    BOOL de = expect_german();
    wchar_t sw[4096], args[4200], raw[FX_PATH];
    fx_window s;
    (void)state;

    assert_int_equal(fx_lab_make(&lab, "lang", "835643765", "835643765"), 0);
    fx_client_services_clear();
    fx_join(raw, lab.invdata, L"A.RAW");
    assert_int_equal(fx_write_text(raw, "inventory\r\n"), 0);
    fx_lab_switches(&lab, sw, 4096);
    _snwprintf(args, 4200, L"/status %ls", sw);
    args[4199] = 0;
    agent = fx_start_climon(args);
    assert_non_null(agent);
    assert_true(fx_wait_until(find_agent, NULL, 60000));

    s.pid = GetProcessId(agent);
    s.title = de ? L"Climon-Status" : L"Climon status";
    assert_true(fx_or_log(lab.log, fx_wait_until(fx_find_window, &s, 30000)));
    /* The window is up before its controls have their text (seen under
     * load): wait for each. */
    says_want = de ? L"Was ist zu tun" : L"What to do";
    assert_true(fx_or_log(lab.log, fx_wait_until(status_says, NULL, 30000)));
    says_want = de ? L"Schließen" : L"Close";
    assert_true(fx_or_log(lab.log, fx_wait_until(status_says, NULL, 30000)));
    /* The pass forwarded the one file: singular, in words of the language. */
    pass_row_want = de ? L"1 Inventardatei weitergeleitet" : L"1 inventory file forwarded";
    assert_true(fx_or_log(lab.log, fx_wait_until(status_has_pass_row, NULL, 30000)));
    assert_false(status_has_text(L"(s)"));
    {
        /* Its date in the user's short format ("2.12.2026", "12/2/2026"). */
        SYSTEMTIME now;
        wchar_t date[64];
        GetLocalTime(&now);
        assert_true(GetDateFormatEx(LOCALE_NAME_USER_DEFAULT, DATE_SHORTDATE, &now, NULL, date, 64,
                                    NULL) > 0);
        assert_true(wcschr(date, de ? L'.' : L'/') != NULL);
        pass_row_want = date;
        assert_true(fx_or_log(lab.log, status_has_pass_row(NULL)));
    }

    fx_client_services_set(1, 0, 100, L"Inventory Agent 1.2.1");
    s.title = de ? L"Änderung der SMS-Clientdienste" : L"SMS Client Services Change Notification";
    assert_true(fx_or_log(lab.log, fx_wait_until(fx_find_window, &s, 60000)));
    assert_true(fx_window_has_text(s.found, de ? L"Später" : L"Later"));
    assert_true(
        fx_window_has_text(s.found, de ? L"In 4 Stunden erinnern" : L"Remind me in 4 hours"));
    SendMessageW(s.found, TDM_CLICK_BUTTON, IDCANCEL, 0);
}

static int teardown(void **state)
{
    (void)state;
    fx_quit_agent(&agent);
    fx_client_services_clear();
    fx_lab_remove(&lab);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_german_display_language_gets_german),
        cmocka_unit_test(test_other_languages_fall_back_to_english),
        cmocka_unit_test(test_the_picked_language_follows_the_display_language),
        cmocka_unit_test(test_one_file_is_singular_and_two_are_plural_in_english),
        cmocka_unit_test(test_one_file_is_singular_and_two_are_plural_in_german),
        cmocka_unit_test(test_every_english_string_has_a_german_one_with_the_same_placeholders),
        cmocka_unit_test(test_every_menu_command_has_its_own_access_key_in_both_languages),
        cmocka_unit_test(test_counts_are_grouped_as_the_user_writes_numbers),
        cmocka_unit_test(test_usage_and_command_line_errors_speak_the_users_language),
        cmocka_unit_test_teardown(test_status_window_and_prompt_speak_the_users_language, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
