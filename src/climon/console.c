/*
 * console.c: the console output every command-line form uses (/check,
 * /install, /quit, usage).
 *
 * climon.exe is a GUI program, so it has no console of its own: it
 * attaches to its parent's (cmd.exe) and writes with WriteConsoleW there,
 * or, when its output was redirected to a file or a pipe (GetFileType),
 * writes UTF-8 with WriteFile. Under Wine the standard handles are the
 * Unix terminal or pipe, which WriteConsoleW refuses: then WriteFile too.
 */
#include "climon.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "winstr.h"

static HANDLE g_out = INVALID_HANDLE_VALUE, g_err = INVALID_HANDLE_VALUE;

static HANDLE std_or_console(DWORD which, BOOL attached)
{
    HANDLE h = GetStdHandle(which);
    if ((h == NULL || h == INVALID_HANDLE_VALUE) && attached)
        h = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
                        FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    return h;
}

void console_init(void)
{
    BOOL attached = AttachConsole(ATTACH_PARENT_PROCESS);
    g_out = std_or_console(STD_OUTPUT_HANDLE, attached);
    g_err = std_or_console(STD_ERROR_HANDLE, attached);
    if (g_err == NULL || g_err == INVALID_HANDLE_VALUE)
        g_err = g_out;
}

static void write_to(HANDLE h, const char *text)
{
    DWORD put, len = (DWORD)strlen(text);

    if (h == NULL || h == INVALID_HANDLE_VALUE)
        return;
    if (GetFileType(h) == FILE_TYPE_CHAR) {
        wchar_t w[4096];
        DWORD mode;
        /* A real console shows UTF-16; a Unix tty under Wine is no console. */
        if (GetConsoleMode(h, &mode) && winstr_from_utf8(text, w, 4096) &&
            WriteConsoleW(h, w, (DWORD)wcslen(w), &put, NULL))
            return;
    }
    WriteFile(h, text, len, &put, NULL);
}

static void vprint(HANDLE h, const char *fmt, va_list ap)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    write_to(h, buf);
}

void console_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(g_out, fmt, ap);
    va_end(ap);
}

void console_eprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(g_err, fmt, ap);
    va_end(ap);
}
