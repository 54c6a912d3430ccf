/*
 * lock.c: one manager per share (ccm.h). Two managers taking the same
 * requests would install twice and count attempts twice; the lock file is
 * held open without sharing and deleted when its handle closes, so a
 * manager that dies leaves no stale lock behind.
 */
#include "ccm.h"

#include "fileio.h"

HANDLE ccm_lock(const wchar_t *share, DWORD *err)
{
    wchar_t dir[SITE_PATH_MAX], path[SITE_PATH_MAX];
    HANDLE h;

    *err = ERROR_SUCCESS;
    if (!path_join(dir, SITE_PATH_MAX, share, CCM_LOGS_DIR) ||
        !path_join(path, SITE_PATH_MAX, dir, CCM_LOCK_NAME)) {
        *err = ERROR_FILENAME_EXCED_RANGE;
        return INVALID_HANDLE_VALUE;
    }
    *err = fileio_mkdirs(dir);
    if (*err != ERROR_SUCCESS)
        return INVALID_HANDLE_VALUE;
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_ALWAYS,
                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE)
        *err = GetLastError();
    return h;
}
