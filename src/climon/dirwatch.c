/*
 * dirwatch.c: wakes the agent when a file appears or is written in the
 * inventory folder, as the Client Monitor did: a directory change
 * notification on a worker thread, no polling.
 *
 * The worker re-arms the notification first and then posts, at once: no
 * settle delay, so a .RAW is picked up within milliseconds. A burst of
 * changes cannot flood the window: at most one message is in the queue
 * (w->posted, cleared by the UI thread as it takes it), and the core runs
 * at most one pass with one more queued behind it. A .RAW still being
 * written is left alone (forward.c opens it without write sharing) and
 * goes at the change its writer makes next or at its close. A folder that
 * does not exist yet is looked for again on a doubling timer (1 min up to
 * 1 h), never faster.
 */
#include "climon.h"

#include <string.h>
#include <wchar.h>

#include "winstr.h"

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
            watcher_post(w);
            continue;
        }
        retry_ms = MISSING_RETRY_FIRST_MS;
        LOG_INFO(w->lf, "watching the inventory folder %s", p8);
        /* From here the thread only waits: its start's stack pages go back. */
        stacktrim_now();
        for (;;) {
            HANDLE waits[2] = {w->stop, h};
            DWORD r = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
            BOOL rearmed;
            if (r != WAIT_OBJECT_0 + 1) {
                FindCloseChangeNotification(h);
                return 0;
            }
            /* Re-arm before posting: a change made while the agent reads
             * the folder signals again and is not lost. */
            rearmed = FindNextChangeNotification(h);
            watcher_post(w);
            if (!rearmed) {
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
    return watcher_start(w, dir, dirwatch_thread, hwnd, msg, lf);
}
