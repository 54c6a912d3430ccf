/*
 * args.c: Client Setup's command line (clisetup.h).
 *
 * SMS 1.2's CLI_NT.EXE took /r /u /f /p:path /d:drive /v /k. Climon's setup
 * does what the agent asks of it, an upgrade from the logon server named
 * by /p:, so it takes /p: and /v, plus /smsini: for labs and tests whose
 * SMS.INI is not in the root of the system drive. The other SMS switches
 * are refused by name rather than ignored: a script that relies on /r
 * (remove the client) must not be told it succeeded.
 */
#include "clisetup.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"

void clisetup_usage(FILE *to)
{
    fputs("usage: CLI_NT.EXE /p:<logon server share> [/v] [/smsini:<path to SMS.INI>]\n"
          "  /p:<share>     the share holding CL_NT.TXT, X86.BIN and CCR.BOX\n"
          "  /v             print each step on the console as well as in CLISETUP.LOG\n"
          "  /smsini:<path> the client's SMS.INI (default %SystemDrive%\\SMS.INI)\n"
          "exit: 0 nothing for the manager, 10 request filed, 11 logoff needed,\n"
          "      64 usage, 65 bad SMS.INI or CL_NT.TXT, 74 file error\n",
          to);
}

/* Matches "/name" or "-name", any case; *value gets what follows a ':'
 * for switches that take one. */
static bool is_switch(const wchar_t *arg, const wchar_t *name, bool takes_value,
                      const wchar_t **value)
{
    size_t n = wcslen(name);

    if (arg[0] != L'/' && arg[0] != L'-')
        return false;
    if (_wcsnicmp(arg + 1, name, n) != 0)
        return false;
    if (takes_value) {
        if (arg[1 + n] != L':')
            return false;
        *value = arg + 2 + n;
        return true;
    }
    return arg[1 + n] == 0;
}

bool clisetup_parse_args(int argc, wchar_t **argv, clisetup_opts *o, char *why, size_t cap)
{
    wchar_t drive[16];
    bool have_share = false, have_ini = false;
    DWORD n;

    memset(o, 0, sizeof *o);
    o->reg_root = HKEY_LOCAL_MACHINE;
    wcscpy(o->reg_key, REG_CLIENT_SERVICES);
    why[0] = 0;
    for (int i = 1; i < argc; i++) {
        const wchar_t *a = argv[i], *v = NULL;
        if (is_switch(a, L"p", true, &v)) {
            if (have_share || !site_full_path(v, o->share, SITE_PATH_MAX)) {
                snprintf(why, cap,
                         have_share ? "/p: given twice" : "/p: needs an absolute share path");
                return false;
            }
            have_share = true;
        } else if (is_switch(a, L"smsini", true, &v)) {
            if (have_ini || !site_full_path(v, o->smsini, SITE_PATH_MAX)) {
                snprintf(why, cap,
                         have_ini ? "/smsini: given twice" : "/smsini: needs a file path");
                return false;
            }
            have_ini = true;
        } else if (is_switch(a, L"v", false, NULL)) {
            o->verbose = true;
        } else if (is_switch(a, L"?", false, NULL) || is_switch(a, L"h", false, NULL)) {
            o->help = true;
            return true;
        } else if (is_switch(a, L"r", false, NULL) || is_switch(a, L"u", false, NULL) ||
                   is_switch(a, L"f", false, NULL) || is_switch(a, L"k", false, NULL) ||
                   is_switch(a, L"d", true, &v)) {
            char a8[128];
            snprintf(why, cap, "switch %s is an SMS 1.2 option this Client Setup does not support",
                     site_u8(a, a8, sizeof a8));
            return false;
        } else {
            char a8[128];
            snprintf(why, cap, "unknown argument: %s", site_u8(a, a8, sizeof a8));
            return false;
        }
    }
    if (!have_share) {
        snprintf(why, cap, "/p:<share> is required");
        return false;
    }
    if (!have_ini) {
        n = GetEnvironmentVariableW(L"SystemDrive", drive, 16);
        if (n == 0 || n >= 4)
            wcscpy(drive, L"C:");
        _snwprintf(o->smsini, SITE_PATH_MAX, L"%ls\\SMS.INI", drive);
    }
    return true;
}
