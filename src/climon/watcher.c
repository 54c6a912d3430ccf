/*
 * watcher.c: what the directory watch and the registry watch share (the
 * watcher in climon.h): a worker thread that waits, a stop event, and the
 * one-message-at-a-time post to the hidden window. dirwatch.c and
 * regwatch.c each bring only their thread's wait.
 */
#include "climon.h"

#include <string.h>
#include <wchar.h>

void watcher_post(watcher *w)
{
    if (InterlockedExchange(&w->posted, 1) == 0 && !PostMessageW(w->hwnd, w->msg, 0, 0))
        InterlockedExchange(&w->posted, 0);
}

void watcher_taken(watcher *w)
{
    InterlockedExchange(&w->posted, 0);
}

BOOL watcher_start(watcher *w, const wchar_t *path, LPTHREAD_START_ROUTINE body, HWND hwnd,
                   UINT msg, logfile *lf)
{
    memset(w, 0, sizeof *w);
    if (!path[0] || wcslen(path) >= CLIMON_PATH_MAX)
        return FALSE;
    wcscpy(w->path, path);
    w->hwnd = hwnd;
    w->msg = msg;
    w->lf = lf;
    w->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!w->stop)
        return FALSE;
    w->thread = CreateThread(NULL, 0, body, w, 0, NULL);
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
