/* fake_notifystate.h: the mood the fake notify_mood_now reports. */
#ifndef CLIMON_TEST_FAKE_NOTIFYSTATE_H
#define CLIMON_TEST_FAKE_NOTIFYSTATE_H

extern notify_mood fake_mood;

#endif
