/*
 * cmdline.c: climon.exe's command line (climon.h, docs/agent.md "Command
 * line"): the verb (/check, /install, ...) and the switches labs and tests
 * use to point it at other files. Nothing here reads a file or the
 * registry; config.c then puts switches, policy and SMS.INI together.
 * What is wrong with a command line is said in the user's language (the
 * string table), as the usage text that follows it is.
 */
#include "climon.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <wchar.h>

#include "climon-rc.h"
#include "winstr.h"

/* "/name:value" or "-name:value", name compared without case. Returns the
 * value, or NULL when arg is not this switch. */
static const wchar_t *switch_value(const wchar_t *arg, const wchar_t *name)
{
    size_t n = wcslen(name);
    if (arg[0] != L'/' && arg[0] != L'-')
        return NULL;
    if (_wcsnicmp(arg + 1, name, n) != 0 || arg[1 + n] != L':')
        return NULL;
    return arg + 2 + n;
}

static BOOL switch_is(const wchar_t *arg, const wchar_t *name)
{
    return (arg[0] == L'/' || arg[0] == L'-') && _wcsicmp(arg + 1, name) == 0;
}

/* cl->error from string id's format and its arguments; always FALSE. */
static BOOL fail(cmd_line *cl, UINT id, ...)
{
    wchar_t fmt[256], w[256];
    va_list ap;
    va_start(ap, id);
    _vsnwprintf(w, 256, res_string(id, fmt, 256), ap);
    va_end(ap);
    w[255] = 0;
    if (!winstr_to_utf8(w, cl->error, sizeof cl->error))
        snprintf(cl->error, sizeof cl->error, "?");
    return FALSE;
}

static BOOL set_verb(cmd_line *cl, cmd_verb v, const wchar_t *arg)
{
    if (cl->verb != VERB_RUN && cl->verb != v)
        return fail(cl, IDS_CMD_COMBINED, arg);
    cl->verb = v;
    return TRUE;
}

BOOL cmdline_parse(int argc, const wchar_t *const *argv, cmd_line *cl)
{
    static const struct {
        const wchar_t *name;
        size_t off;
        size_t cap;
    } paths[] = {
        {L"smsini", offsetof(cmd_line, smsini), CLIMON_PATH_MAX},
        {L"share", offsetof(cmd_line, share), CLIMON_PATH_MAX},
        {L"invdata", offsetof(cmd_line, invdata), CLIMON_PATH_MAX},
        {L"statedir", offsetof(cmd_line, statedir), CLIMON_PATH_MAX},
        {L"log", offsetof(cmd_line, log), CLIMON_PATH_MAX},
        {L"setup", offsetof(cmd_line, setup), CLIMON_CMD_MAX},
        {L"restart-hook", offsetof(cmd_line, restart_hook), CLIMON_PATH_MAX},
        {L"account", offsetof(cmd_line, account), CLIMON_ACCOUNT_MAX},
    };

    static const struct {
        const wchar_t *name;
        cmd_verb verb;
    } verbs[] = {
        {L"check", VERB_CHECK},
        {L"install", VERB_INSTALL},
        {L"install:machine", VERB_INSTALL_MACHINE},
        {L"uninstall", VERB_UNINSTALL},
        {L"quit", VERB_QUIT},
        {L"service", VERB_SERVICE},
        {L"install:service", VERB_INSTALL_SERVICE},
        {L"uninstall:service", VERB_UNINSTALL_SERVICE},
        {L"?", VERB_HELP},
        {L"help", VERB_HELP},
    };

    memset(cl, 0, sizeof *cl);
    for (int i = 0; i < argc; i++) {
        const wchar_t *arg = argv[i], *v;
        BOOL known = FALSE;

        for (size_t k = 0; k < sizeof verbs / sizeof verbs[0]; k++) {
            if (!switch_is(arg, verbs[k].name))
                continue;
            if (!set_verb(cl, verbs[k].verb, arg))
                return FALSE;
            known = TRUE;
            break;
        }
        if (switch_is(arg, L"status")) {
            cl->show_status = TRUE;
            known = TRUE;
        }
        if (known)
            continue;
        if ((v = switch_value(arg, L"session")) != NULL) {
            /* For tests: plays another session in one Wine prefix (Wine
             * has one session), so the machine's owner and its hand-over
             * can be seen. Not in the usage text. */
            wchar_t *end;
            unsigned long s = wcstoul(v, &end, 10);
            if (!*v || *end || s == 0 || s > 65535)
                return fail(cl, IDS_CMD_SESSION);
            cl->session = (DWORD)s;
            continue;
        }
        if ((v = switch_value(arg, L"setuptimeout")) != NULL) {
            wchar_t *end;
            unsigned long s = wcstoul(v, &end, 10);
            if (!*v || *end || s < MIN_SETUP_TIMEOUT_S || s > MAX_SETUP_TIMEOUT_S)
                return fail(cl, IDS_CMD_TIMEOUT, (unsigned long)MIN_SETUP_TIMEOUT_S,
                            (unsigned long)MAX_SETUP_TIMEOUT_S);
            cl->setup_timeout_s = (DWORD)s;
            continue;
        }
        for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
            if ((v = switch_value(arg, paths[k].name)) == NULL)
                continue;
            if (!*v || !winstr_copy((wchar_t *)((char *)cl + paths[k].off), paths[k].cap, v))
                return fail(cl, IDS_CMD_VALUE, paths[k].name);
            known = TRUE;
            break;
        }
        if (!known)
            return fail(cl, IDS_CMD_UNKNOWN, arg);
    }
    return TRUE;
}
