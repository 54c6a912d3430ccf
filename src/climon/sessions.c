/*
 * sessions.c: the other users signed in to this PC (issue 13.2), for the
 * restart prompt: a restart ends their sessions too, and the user choosing
 * it should know. Active and disconnected sessions with a user count (a
 * disconnected user's programs still run); the services' session 0 and
 * the console's empty logon screen do not. The service asks the same of
 * the whole PC before a restart in its maintenance window.
 */
#include "climon.h"

#include <wtsapi32.h>

/* The user sessions but skip's (and session 0's); FALSE: not known. */
static BOOL count_users(DWORD skip, unsigned *count)
{
    WTS_SESSION_INFOW *si = NULL;
    DWORD n = 0;
    unsigned others = 0;

    *count = 0;
    if (!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &si, &n))
        return FALSE;
    for (DWORD i = 0; i < n; i++) {
        LPWSTR user = NULL;
        DWORD bytes = 0;
        if (si[i].SessionId == skip || si[i].SessionId == 0)
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
    *count = others;
    return TRUE;
}

unsigned sessions_other_users(DWORD own)
{
    unsigned others;
    /* Not known: the prompt says nothing rather than a guess. */
    return count_users(own, &others) ? others : 0;
}

BOOL sessions_signed_in(BOOL count_own, unsigned *users)
{
    DWORD own = 0;
    unsigned others;
    if (!ProcessIdToSessionId(GetCurrentProcessId(), &own) || !count_users(own, &others))
        return FALSE;
    *users = others + (count_own && own != 0 ? 1u : 0u);
    return TRUE;
}
