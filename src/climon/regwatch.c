/*
 * regwatch.c: hears the Client Configuration Manager. It writes Reboot
 * Required, Changed Components and Change Id under
 * HKLM\SOFTWARE\Microsoft\SMS\Client Services; a worker thread waits on
 * RegNotifyChangeKeyValue (values and subkeys, the whole subtree),
 * re-arms and posts at once.
 *
 * No settle delay: the manager writes the flag last (protocol.md), so a
 * read that sees the flag finds the rest already written, and a read that
 * came too early is followed by another, since every change after the
 * re-arm signals again. The engine runs one report read at a time with at
 * most one more behind it, so a burst of writes costs two reads, and an
 * older snapshot can never arrive after a newer one. When the key does
 * not exist yet (a client set up before the manager ever ran), the
 * nearest existing parent is watched until it appears.
 */
#include "climon.h"

#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"
#include "winstr.h"

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

/* Waits on k until it changes or w->stop is set, posting at each change;
 * returns FALSE at stop. Returns TRUE when k must be opened anew: the
 * watch failed, or k was the parent and the key itself now exists.
 * appeared: the key was just found; post once more after arming, for the
 * writes made between the parent's signal and this watch. */
static BOOL watch_key(watcher *w, HKEY k, BOOL exact, BOOL appeared, HANDLE changed)
{
    HANDLE waits[2] = {w->stop, changed};
    char why[200];
    LSTATUS rc = RegNotifyChangeKeyValue(k, TRUE, NOTIFY_FILTER, changed, TRUE);

    if (rc != ERROR_SUCCESS) {
        LOG_ERROR(w->lf, "cannot watch Client Services: %s; trying again in %u s",
                  win_strerror((DWORD)rc, why, sizeof why), OPEN_RETRY_MS / 1000u);
        return WaitForSingleObject(w->stop, OPEN_RETRY_MS) != WAIT_OBJECT_0;
    }
    if (appeared)
        watcher_post(w);
    /* From here the thread only waits: its start's stack pages go back. */
    stacktrim_now();
    for (;;) {
        if (WaitForMultipleObjects(2, waits, FALSE, INFINITE) != WAIT_OBJECT_0 + 1)
            return FALSE;
        /* Re-arm before looking, so a write during the look signals again. */
        rc = RegNotifyChangeKeyValue(k, TRUE, NOTIFY_FILTER, changed, TRUE);
        if (!exact) {
            /* A change under the parent only matters once the key is there. */
            BOOL now_exact;
            HKEY again = open_key_or_parent(&now_exact);
            if (again)
                RegCloseKey(again);
            if (now_exact) {
                /* Posted once the key itself is watched (appeared). */
                LOG_INFO(w->lf, "Client Services appeared: reading the report");
                return TRUE;
            }
        } else {
            LOG_INFO(w->lf, "Client Services changed: reading the report");
            watcher_post(w);
        }
        if (rc != ERROR_SUCCESS)
            return TRUE;
    }
}

static DWORD WINAPI regwatch_thread(LPVOID param)
{
    watcher *w = param;
    HANDLE changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    BOOL go = TRUE, was_exact = TRUE;

    if (!changed)
        return 1;
    while (go) {
        BOOL exact;
        HKEY k = open_key_or_parent(&exact);
        if (!k) {
            LOG_WARN(w->lf, "cannot open HKLM\\SOFTWARE to watch; trying again in %u s",
                     OPEN_RETRY_MS / 1000u);
            go = WaitForSingleObject(w->stop, OPEN_RETRY_MS) != WAIT_OBJECT_0;
            continue;
        }
        if (!exact)
            LOG_INFO(w->lf, "Client Services does not exist yet: watching its parent");
        go = watch_key(w, k, exact, exact && !was_exact, changed);
        was_exact = exact;
        RegCloseKey(k);
    }
    CloseHandle(changed);
    return 0;
}

BOOL regwatch_start(watcher *w, HWND hwnd, UINT msg, logfile *lf)
{
    return watcher_start(w, REG_CLIENT_SERVICES, regwatch_thread, hwnd, msg, lf);
}
