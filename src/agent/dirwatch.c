/*
 * dirwatch.c: wakes the agent when a file appears or is written in the
 * inventory folder, as the Client Monitor did: a directory change
 * notification on a worker thread, no polling.
 *
 * Changes come in bursts (create, then many writes): after the first
 * one the worker waits for the folder to be quiet for a moment, bounded,
 * and posts once. The moment is short: a .RAW still being written cannot
 * be forwarded anyway (forward.c opens it without write sharing and tries
 * again at the next change), so waiting longer only adds latency. A folder that does not exist yet is looked for again on
 * a doubling timer (1 min up to 1 h), never faster.
 */
#include "climon.h"

#include <string.h>
#include <wchar.h>

#include "winstr.h"

#define SETTLE_MS 30u
#define SETTLE_MAX_MS 2000u
#define MISSING_RETRY_FIRST_MS (60u * 1000u)
#define MISSING_RETRY_MAX_MS (3600u * 1000u)

static DWORD WINAPI dirwatch_thread(LPVOID param)
{
    watcher *w = param;
    DWORD retry_ms = MISSING_RETRY_FIRST_MS;
    char p8[512], why[200];

    winstr_to_utf8(w->path, p8, sizeof p8);
    for (;;) {
        HANDLE h = FindFirstChangeNotificationW(
            w->path, FALSE,
            FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
        if (h == INVALID_HANDLE_VALUE) {
            LOG_WARN(w->lf, "cannot watch the inventory folder %s: %s; looking again in %lu s", p8,
                     win_strerror(GetLastError(), why, sizeof why),
                     (unsigned long)(retry_ms / 1000));
            if (WaitForSingleObject(w->stop, retry_ms) == WAIT_OBJECT_0)
                return 0;
            retry_ms = retry_ms * 2 > MISSING_RETRY_MAX_MS ? MISSING_RETRY_MAX_MS : retry_ms * 2;
            /* It may have appeared with files in it. */
            PostMessageW(w->hwnd, w->msg, 0, 0);
            continue;
        }
        retry_ms = MISSING_RETRY_FIRST_MS;
        LOG_INFO(w->lf, "watching the inventory folder %s", p8);
        for (;;) {
            HANDLE waits[2] = {w->stop, h};
            DWORD r = WaitForMultipleObjects(2, waits, FALSE, INFINITE), waited = 0;
            if (r != WAIT_OBJECT_0 + 1) {
                FindCloseChangeNotification(h);
                return 0;
            }
            /* Let the burst settle, then post once. */
            while (waited < SETTLE_MAX_MS && FindNextChangeNotification(h)) {
                r = WaitForMultipleObjects(2, waits, FALSE, SETTLE_MS);
                if (r == WAIT_OBJECT_0) {
                    FindCloseChangeNotification(h);
                    return 0;
                }
                if (r != WAIT_OBJECT_0 + 1)
                    break;
                waited += SETTLE_MS;
            }
            PostMessageW(w->hwnd, w->msg, 0, 0);
            if (!FindNextChangeNotification(h)) {
                /* The folder went away: start over and find it again. */
                LOG_WARN(w->lf, "the watch on %s ended: %s", p8,
                         win_strerror(GetLastError(), why, sizeof why));
                break;
            }
        }
        FindCloseChangeNotification(h);
    }
}

BOOL dirwatch_start(watcher *w, const wchar_t *dir, HWND hwnd, UINT msg, logfile *lf)
{
    memset(w, 0, sizeof *w);
    if (!dir[0] || wcslen(dir) >= CLIMON_PATH_MAX)
        return FALSE;
    wcscpy(w->path, dir);
    w->hwnd = hwnd;
    w->msg = msg;
    w->lf = lf;
    w->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!w->stop)
        return FALSE;
    w->thread = CreateThread(NULL, 0, dirwatch_thread, w, 0, NULL);
    if (!w->thread) {
        CloseHandle(w->stop);
        w->stop = NULL;
        return FALSE;
    }
    return TRUE;
}

void watcher_stop(watcher *w)
{
    if (!w->thread)
        return;
    SetEvent(w->stop);
    WaitForSingleObject(w->thread, 5000);
    CloseHandle(w->thread);
    CloseHandle(w->stop);
    w->thread = NULL;
    w->stop = NULL;
}
