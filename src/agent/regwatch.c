/*
 * regwatch.c: hears the Client Configuration Manager. It writes Reboot
 * Required, Changed Components and Change Id under
 * HKLM\SOFTWARE\Microsoft\SMS\Client Services; a worker thread waits on
 * RegNotifyChangeKeyValue (values and subkeys, the whole subtree) and
 * re-arms after each signal.
 *
 * The manager writes several values one after the other: after a signal
 * the worker waits until the key has been quiet for a moment (bounded) so
 * the report is read whole, not with the flag set and the components not
 * yet written. When the key does not exist yet (a client set up before
 * the manager ever ran), the nearest existing parent is watched until it
 * appears.
 */
#include "climon.h"

#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "winstr.h"

#define SETTLE_MS 100u
#define SETTLE_MAX_MS 5000u
#define OPEN_RETRY_MS (60u * 1000u)

static const DWORD NOTIFY_FILTER = REG_NOTIFY_CHANGE_LAST_SET | REG_NOTIFY_CHANGE_NAME;

/* Opens the key, or its nearest existing parent; *exact says which. */
static HKEY open_key_or_parent(BOOL *exact)
{
    wchar_t path[256];
    HKEY k = NULL;

    wcscpy(path, REG_CLIENT_SERVICES);
    *exact = TRUE;
    for (;;) {
        wchar_t *slash;
        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_NOTIFY | KEY_WOW64_64KEY, &k) ==
            ERROR_SUCCESS)
            return k;
        *exact = FALSE;
        slash = wcsrchr(path, L'\\');
        if (!slash)
            return NULL;
        *slash = 0;
    }
}

static DWORD WINAPI regwatch_thread(LPVOID param)
{
    watcher *w = param;
    HANDLE changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    char why[200];

    if (!changed)
        return 1;
    for (;;) {
        BOOL exact;
        HKEY k = open_key_or_parent(&exact);
        HANDLE waits[2] = {w->stop, changed};
        LSTATUS rc;
        DWORD r, waited = 0;

        if (!k) {
            LOG_WARN(w->lf, "cannot open HKLM\\SOFTWARE to watch; trying again in %u s",
                     OPEN_RETRY_MS / 1000u);
            if (WaitForSingleObject(w->stop, OPEN_RETRY_MS) == WAIT_OBJECT_0)
                break;
            continue;
        }
        if (!exact)
            LOG_INFO(w->lf, "Client Services does not exist yet: watching its parent");
        rc = RegNotifyChangeKeyValue(k, TRUE, NOTIFY_FILTER, changed, TRUE);
        if (rc != ERROR_SUCCESS) {
            LOG_ERROR(w->lf, "cannot watch Client Services: %s; trying again in %u s",
                      win_strerror((DWORD)rc, why, sizeof why), OPEN_RETRY_MS / 1000u);
            RegCloseKey(k);
            if (WaitForSingleObject(w->stop, OPEN_RETRY_MS) == WAIT_OBJECT_0)
                break;
            continue;
        }
        r = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
        if (r != WAIT_OBJECT_0 + 1) {
            RegCloseKey(k);
            break;
        }
        /* Settle: re-arm and wait while the writer keeps writing. */
        while (waited < SETTLE_MAX_MS &&
               RegNotifyChangeKeyValue(k, TRUE, NOTIFY_FILTER, changed, TRUE) == ERROR_SUCCESS) {
            r = WaitForMultipleObjects(2, waits, FALSE, SETTLE_MS);
            if (r != WAIT_OBJECT_0 + 1)
                break;
            waited += SETTLE_MS;
        }
        RegCloseKey(k);
        if (r == WAIT_OBJECT_0)
            break;
        /* A change under the parent only matters once the key is there. */
        if (!exact) {
            HKEY again = open_key_or_parent(&exact);
            if (again)
                RegCloseKey(again);
        }
        if (exact) {
            LOG_INFO(w->lf, "Client Services changed: reading the report");
            PostMessageW(w->hwnd, w->msg, 0, 0);
        }
    }
    CloseHandle(changed);
    return 0;
}

BOOL regwatch_start(watcher *w, HWND hwnd, UINT msg, logfile *lf)
{
    memset(w, 0, sizeof *w);
    wcscpy(w->path, REG_CLIENT_SERVICES);
    w->hwnd = hwnd;
    w->msg = msg;
    w->lf = lf;
    w->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!w->stop)
        return FALSE;
    w->thread = CreateThread(NULL, 0, regwatch_thread, w, 0, NULL);
    if (!w->thread) {
        CloseHandle(w->stop);
        w->stop = NULL;
        return FALSE;
    }
    return TRUE;
}
