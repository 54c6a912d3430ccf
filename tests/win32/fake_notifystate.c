/*
 * fake_notifystate.c: stands in for src/climon/notifystate.c in the tests
 * that need a busy or quiet user, which Wine never reports.
 */
#include "climon.h"

#include "fake_notifystate.h"

notify_mood fake_mood = NOTIFY_OK;

notify_mood notify_mood_now(void)
{
    return fake_mood;
}
