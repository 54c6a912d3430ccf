/*
 * sessions.c: the other users signed in to this PC (issue 13.2), for the
 * restart prompt: a restart ends their sessions too, and the user choosing
 * it should know. Active and disconnected sessions with a user count (a
 * disconnected user's programs still run); the services' session 0 and
 * the console's empty logon screen do not.
 */
#include "climon.h"

#include <wtsapi32.h>

unsigned sessions_other_users(DWORD own)
{
    WTS_SESSION_INFOW *si = NULL;
    DWORD n = 0;
    unsigned others = 0;

    if (!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &si, &n))
        return 0; /* not known: the prompt says nothing rather than a guess */
    for (DWORD i = 0; i < n; i++) {
        LPWSTR user = NULL;
        DWORD bytes = 0;
        if (si[i].SessionId == own || si[i].SessionId == 0)
            continue;
        if (si[i].State != WTSActive && si[i].State != WTSDisconnected)
            continue;
        if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, si[i].SessionId, WTSUserName,
                                        &user, &bytes) &&
            user && user[0])
            others++;
        if (user)
            WTSFreeMemory(user);
    }
    WTSFreeMemory(si);
    return others;
}
