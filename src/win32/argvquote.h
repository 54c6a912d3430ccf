/*
 * argvquote.h: one argument quoted for a Windows command line, so that the
 * child's runtime (CommandLineToArgvW, the C runtime's argv) reads back
 * exactly the text given. Shared by every program that starts another
 * (the agent starting Client Setup; the site programs may use it too).
 *
 * The rules: an argument with no blank, tab, newline or quote (and not
 * empty) needs nothing. Otherwise it is put in quotes; a quote inside is
 * written \", and backslashes are doubled where they come before a quote
 * (an inner one or the closing one), since 2n backslashes then a quote
 * read back as n backslashes and the quote's own meaning. Backslashes
 * elsewhere are literal. So "S:\SMS SHR\" is written "S:\SMS SHR\\", not
 * "S:\SMS SHR\" (whose \" would escape the closing quote).
 *
 * A program name (argv[0]) follows other rules (no escapes at all): quote
 * it plainly, "<path>"; paths cannot hold a quote.
 */
#ifndef CLIMON_WIN32_ARGVQUOTE_H
#define CLIMON_WIN32_ARGVQUOTE_H

#include <windows.h>
#include <stddef.h>

/* Appends arg to out (a NUL-terminated string of capacity cap), quoted
 * as above when it needs it. FALSE, with out unchanged, when it does not
 * fit. */
BOOL argv_quote_append(wchar_t *out, size_t cap, const wchar_t *arg);

#endif
