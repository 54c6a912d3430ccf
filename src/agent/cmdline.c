/*
 * cmdline.c: climon.exe's command line (climon.h, docs/agent.md "Command
 * line"): the verb (/check, /install, ...) and the switches labs and tests
 * use to point it at other files. Nothing here reads a file or the
 * registry; config.c then puts switches, policy and SMS.INI together.
 */
#include "climon.h"

#include <stddef.h>
#include <stdio.h>
#include <wchar.h>

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

static BOOL set_verb(cmd_line *cl, cmd_verb v, const wchar_t *arg)
{
    char a[64];
    if (cl->verb != VERB_RUN && cl->verb != v) {
        winstr_to_utf8(arg, a, sizeof a);
        snprintf(cl->error, sizeof cl->error, "%s cannot be combined with another command", a);
        return FALSE;
    }
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
        char a[128];

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
            if (!*v || *end || s == 0 || s > 65535) {
                snprintf(cl->error, sizeof cl->error, "/session: wants a number from 1 to 65535");
                return FALSE;
            }
            cl->session = (DWORD)s;
            continue;
        }
        if ((v = switch_value(arg, L"setuptimeout")) != NULL) {
            wchar_t *end;
            unsigned long s = wcstoul(v, &end, 10);
            if (!*v || *end || s < MIN_SETUP_TIMEOUT_S || s > MAX_SETUP_TIMEOUT_S) {
                snprintf(cl->error, sizeof cl->error, "/setuptimeout: wants seconds from %u to %u",
                         MIN_SETUP_TIMEOUT_S, MAX_SETUP_TIMEOUT_S);
                return FALSE;
            }
            cl->setup_timeout_s = (DWORD)s;
            continue;
        }
        for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
            if ((v = switch_value(arg, paths[k].name)) == NULL)
                continue;
            if (!*v || !winstr_copy((wchar_t *)((char *)cl + paths[k].off), paths[k].cap, v)) {
                winstr_to_utf8(paths[k].name, a, sizeof a);
                snprintf(cl->error, sizeof cl->error, "/%s: wants a value that fits", a);
                return FALSE;
            }
            known = TRUE;
            break;
        }
        if (!known) {
            if (!winstr_to_utf8(arg, a, sizeof a))
                snprintf(a, sizeof a, "(argument %d)", i + 1);
            snprintf(cl->error, sizeof cl->error, "unknown argument: %s", a);
            return FALSE;
        }
    }
    return TRUE;
}
