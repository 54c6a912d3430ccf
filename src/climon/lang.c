/*
 * lang.c: which of climon.exe's languages the user gets, that language's
 * plural rule, and numbers in the user's format.
 *
 * The language follows the user's Windows display language
 * (GetUserDefaultUILanguage): German for any German (de-DE, de-AT, de-CH,
 * ...), English for everything else, as English is the language every
 * string exists in. Picked here rather than left to LoadString, whose
 * choice differs between Windows (the thread's UI languages) and Wine (the
 * thread locale, so the formats' language), and so that every thread,
 * worker or not, speaks the same language. Dates, times and numbers follow
 * the user's locale (the formats in Settings), which may differ from the
 * display language: a German display with Swiss formats is common.
 */
#include "climon.h"

#include <stdio.h>
#include <wchar.h>

LANGID lang_pick(LANGID ui)
{
    if (PRIMARYLANGID(ui) == LANG_GERMAN)
        return MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN);
    return MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US);
}

LANGID lang_user(void)
{
    return lang_pick(GetUserDefaultUILanguage());
}

unsigned lang_plural_form(LANGID lang, unsigned long n)
{
    /* English and German have two forms: one for exactly 1, the other for
     * everything else, 0 included ("0 files", "0 Dateien"). A language
     * with other rules (French counts 0 as one; Polish has three forms)
     * gets its own case here and as many entries in the string table. */
    switch (PRIMARYLANGID(lang)) {
    case LANG_GERMAN:
    case LANG_ENGLISH:
    default:
        return n == 1 ? 0u : 1u;
    }
}

/* LOCALE_SGROUPING ("3;0", "3;2;0", "3") as NUMBERFMT's Grouping (3, 32,
 * 30): the digits, and a trailing ";0" means the last group repeats,
 * which NUMBERFMT says by leaving off its trailing 0. */
static UINT grouping_of(const wchar_t *g)
{
    UINT v = 0;
    BOOL repeat = FALSE;
    for (; *g; g++) {
        if (*g >= L'0' && *g <= L'9') {
            if (*g == L'0' && g[1] == 0) {
                repeat = TRUE;
                break;
            }
            v = v * 10 + (UINT)(*g - L'0');
        }
    }
    return repeat ? v : v * 10;
}

void lang_format_count(unsigned long n, wchar_t *out, size_t cap)
{
    wchar_t digits[32], dec[8], thou[8], grp[16];
    NUMBERFMTW nf;

    if (cap == 0)
        return;
    _snwprintf(digits, 32, L"%lu", n);
    digits[31] = 0;
    if (GetLocaleInfoEx(LOCALE_NAME_USER_DEFAULT, LOCALE_SDECIMAL, dec, 8) &&
        GetLocaleInfoEx(LOCALE_NAME_USER_DEFAULT, LOCALE_STHOUSAND, thou, 8) &&
        GetLocaleInfoEx(LOCALE_NAME_USER_DEFAULT, LOCALE_SGROUPING, grp, 16)) {
        nf.NumDigits = 0; /* a count has no fraction */
        nf.LeadingZero = 0;
        nf.Grouping = grouping_of(grp);
        nf.lpDecimalSep = dec;
        nf.lpThousandSep = thou;
        nf.NegativeOrder = 1;
        if (GetNumberFormatEx(LOCALE_NAME_USER_DEFAULT, 0, digits, &nf, out, (int)cap) > 0)
            return;
    }
    _snwprintf(out, cap, L"%ls", digits);
    out[cap - 1] = 0;
}
