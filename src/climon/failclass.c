/*
 * failclass.c: what a Win32 error means for the agent (agent_failure), in
 * this one place; the core decides what each class makes it do.
 *
 *  - credentials: the server refused the user's logon. Another try with
 *    the same password fails again and counts towards locking the
 *    account (Q184858, Q191828), so the core makes none until the
 *    session is unlocked or a new logon;
 *  - box full: no room on the share (ERROR_DISK_FULL,
 *    ERROR_HANDLE_DISK_FULL, a quota, or a write fault while the share
 *    shows no free space);
 *  - local: anything on this computer's own files (the inventory folder,
 *    a .RAW), or the settings;
 *  - share: everything else met on the share (the path or the network
 *    is not there, access denied), retried with a backoff.
 *
 * A file that vanished (another session's agent took it between our
 * listing and our open) is no failure at all: failclass_vanished.
 */
#include "climon.h"

#ifndef ERROR_DISK_QUOTA_EXCEEDED
#define ERROR_DISK_QUOTA_EXCEEDED 1295L /* winerror.h; older mingw lacks it */
#endif

BOOL failclass_is_credentials(DWORD err)
{
    switch (err) {
    case ERROR_LOGON_FAILURE:          /* 1326: wrong user name or password */
    case ERROR_ACCOUNT_RESTRICTION:    /* 1327 */
    case ERROR_INVALID_LOGON_HOURS:    /* 1328 */
    case ERROR_INVALID_WORKSTATION:    /* 1329 */
    case ERROR_PASSWORD_EXPIRED:       /* 1330 */
    case ERROR_ACCOUNT_DISABLED:       /* 1331 */
    case ERROR_LOGON_NOT_GRANTED:      /* 1380 */
    case ERROR_LOGON_TYPE_NOT_GRANTED: /* 1385 */
    case ERROR_ACCOUNT_EXPIRED:        /* 1793 */
    case ERROR_PASSWORD_MUST_CHANGE:   /* 1907 */
    case ERROR_ACCOUNT_LOCKED_OUT:     /* 1909 */
        return TRUE;
    }
    return FALSE;
}

BOOL failclass_vanished(DWORD err)
{
    return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
}

agent_failure failclass_share(DWORD err, const wchar_t *dir, ULONGLONG need)
{
    ULONGLONG free_bytes = 0;

    if (failclass_is_credentials(err))
        return AGENT_FAIL_CREDENTIALS;
    switch (err) {
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
    case ERROR_DISK_QUOTA_EXCEEDED:
        return AGENT_FAIL_BOX_FULL;
    case ERROR_WRITE_FAULT:
    case ERROR_NET_WRITE_FAULT:
        /* A redirector may say only "write fault" for a full server disk:
         * it is full when the share itself shows no room. */
        if (dir && fsio_free_space(dir, &free_bytes) && (free_bytes == 0 || free_bytes < need))
            return AGENT_FAIL_BOX_FULL;
        return AGENT_FAIL_SHARE;
    }
    return AGENT_FAIL_SHARE;
}

agent_failure failclass_local(DWORD err)
{
    /* A redirected inventory folder is a server's too. */
    return failclass_is_credentials(err) ? AGENT_FAIL_CREDENTIALS : AGENT_FAIL_LOCAL;
}
