/*
 * watch.c: the manager as a service would run it (ccm.h): a pass at
 * start, then a pass whenever something in CCR.BOX changes, and one a
 * minute for retries coming due. It waits on a change notification, so an
 * idle site costs nothing; Ctrl+C or Ctrl+Break stop it between passes.
 */
#include "ccm.h"

#include <stdio.h>

static HANDLE stop_event;

void ccm_watch_stop(void)
{
    if (stop_event)
        SetEvent(stop_event);
}

static BOOL WINAPI on_console_ctrl(DWORD type)
{
    (void)type;
    ccm_watch_stop();
    return TRUE;
}

int ccm_watch(ccm_ctx *ctx, const ccm_opts *o)
{
    HANDLE change = INVALID_HANDLE_VALUE;
    ULONGLONG end = o->watch_for_s ? GetTickCount64() + (ULONGLONG)o->watch_for_s * 1000 : 0;
    char e[160];
    int rc = CCM_EXIT_OK;

    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!stop_event)
        return CCM_EXIT_IO;
    SetConsoleCtrlHandler(on_console_ctrl, TRUE);
    SLOG_INFO(&ctx->log, "watching the request box%s", o->watch_for_s ? " for a while" : "");
    for (;;) {
        HANDLE waits[2];
        DWORD wait = 60 * 1000, got;

        rc = ccm_pass(ctx);
        ctx->watched.requests += ctx->counts.requests;
        ctx->watched.done += ctx->counts.done;
        ctx->watched.changed += ctx->counts.changed;
        ctx->watched.retry += ctx->counts.retry;
        ctx->watched.bad += ctx->counts.bad;
        if (ctx->pass_event)
            SetEvent(ctx->pass_event);
        if (rc == CCM_EXIT_OK && ctx->counts.requests)
            printf("ccm: %u request(s): %u done, %u changed, %u to retry, %u to BAD\n",
                   ctx->counts.requests, ctx->counts.done, ctx->counts.changed, ctx->counts.retry,
                   ctx->counts.bad);
        fflush(stdout);
        if (change == INVALID_HANDLE_VALUE) {
            /* Made after the first pass: CCR.BOX may not exist before. */
            change = FindFirstChangeNotificationW(
                ctx->box, FALSE, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE);
            if (change == INVALID_HANDLE_VALUE)
                SLOG_WARN(&ctx->log, "no change notification on CCR.BOX (%s): checking every 10 s",
                          site_u8(ctx->box, e, sizeof e));
        }
        if (change == INVALID_HANDLE_VALUE)
            wait = 10 * 1000;
        if (end) {
            ULONGLONG now = GetTickCount64();
            if (now >= end)
                break;
            if (end - now < wait)
                wait = (DWORD)(end - now);
        }
        waits[0] = stop_event;
        waits[1] = change;
        got = WaitForMultipleObjects(change == INVALID_HANDLE_VALUE ? 1 : 2, waits, FALSE, wait);
        if (got == WAIT_OBJECT_0)
            break;
        if (got == WAIT_OBJECT_0 + 1) {
            /* Let a burst of requests land before the pass. */
            Sleep(200);
            FindNextChangeNotification(change);
        }
    }
    SLOG_INFO(&ctx->log, "stopped watching");
    if (change != INVALID_HANDLE_VALUE)
        FindCloseChangeNotification(change);
    SetConsoleCtrlHandler(on_console_ctrl, FALSE);
    CloseHandle(stop_event);
    stop_event = NULL;
    return rc;
}
