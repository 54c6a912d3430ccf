/*
 * notifystate.c: whether the user may be shown something now
 * (SHQueryUserNotificationState), in a file of its own: Wine always
 * answers "accepts notifications", so the tests that must see a busy or
 * quiet user link tests/win32/fake_notifystate.c in its place.
 */
#include "climon.h"

#include <shellapi.h>

notify_mood notify_mood_now(void)
{
    QUERY_USER_NOTIFICATION_STATE s;
    if (FAILED(SHQueryUserNotificationState(&s)))
        return NOTIFY_OK;
    switch (s) {
    case QUNS_BUSY:
    case QUNS_RUNNING_D3D_FULL_SCREEN:
    case QUNS_PRESENTATION_MODE:
        return NOTIFY_BUSY;
    case QUNS_QUIET_TIME:
        return NOTIFY_QUIET;
    default:
        return NOTIFY_OK;
    }
}
