/*
 * fsio.c: the Win32 calls of the forward, the copy-list read and Client
 * Setup's start, each behind a function of its own and nothing else.
 *
 * These are the calls where the logon server (or a local file) answers
 * with the errors the agent must tell apart (agent_failure): a refused
 * password, a full disk, a file another agent took. Wine cannot produce
 * most of them from a mapped drive, so the tests link a fake of this file
 * in its place (tests/win32/fake_fsio.c) and make each one happen. The
 * seam is the linker's, never a switch: climon.exe always has this file,
 * and nothing in it can be told to behave otherwise. Keep it that way:
 * only these functions here, each the one call its name says.
 */
#include "climon.h"

#include "fileio.h"

HANDLE fsio_open(const wchar_t *path, DWORD access, DWORD share, DWORD disposition, DWORD flags)
{
    return CreateFileW(path, access, share, NULL, disposition, flags, NULL);
}

BOOL fsio_write(HANDLE h, const void *buf, DWORD len, DWORD *put)
{
    return WriteFile(h, buf, len, put, NULL);
}

BOOL fsio_move(const wchar_t *from, const wchar_t *to, DWORD flags)
{
    return MoveFileExW(from, to, flags);
}

BOOL fsio_free_space(const wchar_t *dir, ULONGLONG *free_bytes)
{
    ULARGE_INTEGER avail;
    if (!GetDiskFreeSpaceExW(dir, &avail, NULL, NULL))
        return FALSE;
    *free_bytes = avail.QuadPart;
    return TRUE;
}

DWORD fsio_read_file(const wchar_t *path, size_t max, unsigned char **data, size_t *len)
{
    return fileio_read(path, max, data, len);
}

BOOL fsio_create_process(const wchar_t *app, wchar_t *line, DWORD flags, STARTUPINFOW *si,
                         PROCESS_INFORMATION *pi)
{
    return CreateProcessW(app, line, NULL, NULL, FALSE, flags, NULL, NULL, si, pi);
}
