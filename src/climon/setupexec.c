/*
 * setupexec.c: runs Client Setup (CLI_NT.EXE) as a child process.
 *
 * No shell, ever: CreateProcessW gets the full path of the program as the
 * application name, so a space in the share path or a planted
 * "C:\Program.exe" cannot change what runs, and the command line is
 * passed quoted as built. No console window flashes up in the user's
 * session (CREATE_NO_WINDOW). A child that hangs is killed when the
 * timeout expires; the agent then treats the run as failed and backs off.
 */
#include "climon.h"

#include <shlwapi.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "fileio.h"
#include "winstr.h"

#define DEFAULT_TIMEOUT_S 600u

/* Where an unquoted program name ends: just after the first ".exe" that is
 * followed by a blank or the end. Cutting at the first blank instead would
 * make "C:\Site Root\X86.BIN\CLI_NT.EXE" run a planted "C:\Site" (the
 * classic unquoted-path hijack); cutting anywhere else than at ".exe" would
 * let a planted extension-less file run. NULL when there is no ".exe". */
static const wchar_t *unquoted_end(const wchar_t *p)
{
    for (const wchar_t *q = p; *q; q++) {
        if ((q[0] == L'.') && (q[1] == L'e' || q[1] == L'E') && (q[2] == L'x' || q[2] == L'X') &&
            (q[3] == L'e' || q[3] == L'E') && (q[4] == 0 || q[4] == L' ' || q[4] == L'	'))
            return q + 4;
    }
    return NULL;
}

BOOL setupexec_app_of(const wchar_t *cmd, wchar_t *app, size_t cap)
{
    const wchar_t *p = cmd, *end;
    size_t n;

    app[0] = 0;
    while (*p == L' ' || *p == L'\t')
        p++;
    if (*p == L'"') {
        p++;
        end = wcschr(p, L'"');
        if (!end)
            return FALSE;
    } else {
        end = unquoted_end(p);
        if (!end)
            return FALSE;
    }
    n = (size_t)(end - p);
    if (n < 5 || n + 1 > cap)
        return FALSE;
    wmemcpy(app, p, n);
    app[n] = 0;
    /* Only a program file, by a full path: a relative name would be
     * searched for along the path, and anything but an .exe (a .bat, a
     * .cmd) would go through the command interpreter. */
    if (_wcsicmp(app + n - 4, L".exe") != 0) {
        app[0] = 0;
        return FALSE;
    }
    return !PathIsRelativeW(app);
}

/* The program's own name, quoted, then the arguments as given: the child
 * parses its argv[0] the same way whether the admin quoted it or not. */
static BOOL setupexec_line_of(const wchar_t *cmd, const wchar_t *app, wchar_t *line, size_t cap)
{
    const wchar_t *p = cmd;
    const wchar_t *rest;
    int n;

    while (*p == L' ' || *p == L'\t')
        p++;
    rest = *p == L'"' ? wcschr(p + 1, L'"') + 1 : unquoted_end(p);
    n = _snwprintf(line, cap, L"\"%ls\"%ls", app, rest);
    return n > 0 && (size_t)n < cap;
}

setup_outcome setupexec_run(const wchar_t *cmd, DWORD timeout_s, HANDLE cancel, logfile *lf,
                            DWORD *exit_code, char *err, size_t cap)
{
    return setupexec_run_ex(cmd, timeout_s, cancel, lf, exit_code, NULL, err, cap);
}

setup_outcome setupexec_run_ex(const wchar_t *cmd, DWORD timeout_s, HANDLE cancel, logfile *lf,
                               DWORD *exit_code, DWORD *start_error, char *err, size_t cap)
{
    wchar_t app[CLIMON_PATH_MAX], line[CLIMON_CMD_MAX];
    char c8[CLIMON_CMD_MAX], why[200];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    setup_outcome res = SETUP_NOT_STARTED;
    HANDLE waits[2];
    DWORD w, nwait, e;

    *exit_code = 0;
    err[0] = 0;
    if (start_error)
        *start_error = ERROR_SUCCESS;
    winstr_to_utf8(cmd, c8, sizeof c8);
    if (!setupexec_app_of(cmd, app, CLIMON_PATH_MAX)) {
        snprintf(err, cap, "setup command does not start with a full path to an .exe: %s", c8);
        LOG_ERROR(lf, "%s", err);
        return SETUP_NOT_STARTED;
    }
    /* A writable copy (CreateProcessW may write into it), quoted. */
    if (!setupexec_line_of(cmd, app, line, CLIMON_CMD_MAX)) {
        snprintf(err, cap, "setup command too long");
        return SETUP_NOT_STARTED;
    }

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    memset(&pi, 0, sizeof pi);
    /* The program is on the share: through the seam a test fakes. */
    if (!fsio_create_process(app, line, CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT, &si, &pi)) {
        e = GetLastError();
        if (start_error)
            *start_error = e;
        snprintf(err, cap, "Client Setup did not start: %s", win_strerror(e, why, sizeof why));
        LOG_ERROR(lf, "cannot start %s: %s", c8, why);
        return SETUP_NOT_STARTED;
    }
    CloseHandle(pi.hThread);
    LOG_INFO(lf, "started Client Setup (process %lu): %s", (unsigned long)pi.dwProcessId, c8);

    if (timeout_s == 0)
        timeout_s = DEFAULT_TIMEOUT_S;
    waits[0] = pi.hProcess;
    waits[1] = cancel;
    nwait = cancel ? 2 : 1;
    w = WaitForMultipleObjects(nwait, waits, FALSE, timeout_s * 1000u);
    if (w == WAIT_OBJECT_0) {
        DWORD code = 0;
        GetExitCodeProcess(pi.hProcess, &code);
        *exit_code = code;
        res = SETUP_EXITED;
        LOG_INFO(lf, "Client Setup exited with code %lu", (unsigned long)code);
    } else if (w == WAIT_OBJECT_0 + 1) {
        /* The agent is leaving; Client Setup may be rewriting SMS.INI, so
         * it is left to finish on its own. */
        snprintf(err, cap, "agent stopped while Client Setup ran");
        LOG_WARN(lf, "agent stopping; Client Setup (process %lu) left running",
                 (unsigned long)pi.dwProcessId);
        res = SETUP_TIMED_OUT;
    } else {
        if (!TerminateProcess(pi.hProcess, ERROR_TIMEOUT))
            LOG_ERROR(lf, "could not stop Client Setup: %s",
                      win_strerror(GetLastError(), why, sizeof why));
        WaitForSingleObject(pi.hProcess, 5000);
        snprintf(err, cap, "Client Setup ran longer than %lu s and was stopped",
                 (unsigned long)timeout_s);
        LOG_ERROR(lf, "%s", err);
        res = SETUP_TIMED_OUT;
    }
    CloseHandle(pi.hProcess);
    return res;
}

/* ---- the guard beside SMS.INI (issue 13; docs/reliability.md) ---- */

#define GUARD_NAME L"CLIMON.LCK"
#define GUARD_POLL_MS 250u
/* Beyond the run's own timeout (its agent kills Client Setup then). */
#define GUARD_SLACK_S 60u

static BOOL guard_path(const wchar_t *sms_ini, wchar_t *out, size_t cap)
{
    wchar_t dir[CLIMON_PATH_MAX];
    const wchar_t *slash = wcsrchr(sms_ini, L'\\');
    size_t n = slash ? (size_t)(slash - sms_ini) : 0;

    if (!slash || n >= CLIMON_PATH_MAX)
        return FALSE;
    wmemcpy(dir, sms_ini, n);
    dir[n] = 0;
    return path_join(out, cap, dir, GUARD_NAME);
}

/* Seconds since the guard at path was made; FALSE when it is not there. */
static BOOL guard_age(const wchar_t *path, LONGLONG *age)
{
    WIN32_FILE_ATTRIBUTE_DATA a;
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &a))
        return FALSE;
    *age = (LONGLONG)time_now() - (LONGLONG)time_from_filetime(&a.ftLastWriteTime);
    return TRUE;
}

setup_guard setupexec_guard_take(const wchar_t *sms_ini, DWORD timeout_s, HANDLE cancel,
                                 logfile *lf, HANDLE *held)
{
    wchar_t path[CLIMON_PATH_MAX], aside[CLIMON_PATH_MAX + 32];
    char p8[512], why[200], text[160];
    LONGLONG age = 0, stale;
    BOOL said = FALSE;
    DWORD e, put;
    HANDLE h;

    *held = INVALID_HANDLE_VALUE;
    if (timeout_s == 0)
        timeout_s = DEFAULT_TIMEOUT_S;
    stale = (LONGLONG)timeout_s + GUARD_SLACK_S;
    if (!guard_path(sms_ini, path, CLIMON_PATH_MAX))
        return SETUP_GUARD_NONE;
    winstr_to_utf8(path, p8, sizeof p8);
    for (;;) {
        /* CREATE_NEW is one atomic create on Windows, on a share and under
         * Wine (O_EXCL), whoever's kernel the other agent is on. Deleted on
         * close: a killed agent's guard goes with its handles. */
        h = CreateFileW(path, GENERIC_WRITE | DELETE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                        CREATE_NEW, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            int n = snprintf(text, sizeof text, "pid=%lu\r\nsince=%llu\r\n",
                             (unsigned long)GetCurrentProcessId(), (unsigned long long)time_now());
            WriteFile(h, text, n > 0 ? (DWORD)n : 0, &put, NULL);
            *held = h;
            if (said)
                LOG_INFO(lf, "the other agent's Client Setup has ended (%s is ours now)", p8);
            return said ? SETUP_GUARD_WAITED : SETUP_GUARD_TAKEN;
        }
        e = GetLastError();
        /* Access denied with a guard there: one being deleted (Windows);
         * without one, a folder we may not write, where Client Setup
         * could not replace SMS.INI either. */
        if ((e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS && e != ERROR_ACCESS_DENIED) ||
            (e == ERROR_ACCESS_DENIED && GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)) {
            LOG_WARN(lf, "cannot make the Client Setup guard %s: %s; running without it", p8,
                     win_strerror(e, why, sizeof why));
            return SETUP_GUARD_NONE;
        }
        if (guard_age(path, &age) && (age > stale || age < -stale)) {
            /* Older than any run it could guard: its agent is gone with
             * the power or the machine. Moved aside first, so that of two
             * agents taking it back only one deletes it. */
            _snwprintf(aside, CLIMON_PATH_MAX + 32, L"%ls.%lu.old", path,
                       (unsigned long)GetCurrentProcessId());
            aside[CLIMON_PATH_MAX + 31] = 0;
            if (MoveFileExW(path, aside, MOVEFILE_REPLACE_EXISTING)) {
                DeleteFileW(aside);
                LOG_INFO(lf, "took back the Client Setup guard %s: made %lld s ago", p8,
                         (long long)age);
            }
            continue;
        }
        if (!said) {
            LOG_INFO(lf,
                     "another agent (another session's Climon) is running Client Setup (%s): "
                     "waiting for it to end",
                     p8);
            said = TRUE;
        }
        if (cancel ? WaitForSingleObject(cancel, GUARD_POLL_MS) == WAIT_OBJECT_0
                   : (Sleep(GUARD_POLL_MS), FALSE))
            return SETUP_GUARD_CANCELLED;
    }
}

void setupexec_guard_release(HANDLE held)
{
    if (held != INVALID_HANDLE_VALUE && held != NULL)
        CloseHandle(held);
}
