/*
 * owner.c: one owner of the machine's work (issue 13). Forwarding, the
 * version check and Client Setup run once per machine, whoever is logged
 * on: the agent that holds the Global\ mutex of this SMS client does
 * them, the other sessions' agents watch. When the owner's session ends
 * (or its agent dies: the mutex is abandoned) a watcher gets the mutex and
 * takes over.
 *
 * The owner publishes what it found in %ProgramData%\Climon (written
 * atomically); the watchers read it when the folder changes. One thread
 * does both waits, so a watcher needs no directory watch of INVDATA.
 *
 * The mutex and the file are named for the SMS client they serve (a hash
 * of SMS.INI's full path): one per machine in the field, and labs with a
 * client each never see one another's owner. Both are open to every
 * signed-in user (the next owner may be another user): the file is shown,
 * never acted on, and is checked field by field when read.
 */
#include "climon.h"

#include <sddl.h>
#include <shlobj.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "climon/state.h"
#include "fileio.h"
#include "winstr.h"

/* SYSTEM and administrators: all; signed-in users: wait for and release
 * the mutex; modify the folder's files (the next owner replaces them). */
#define MUTEX_SDDL L"D:(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x00100001;;;AU)"
#define FOLDER_SDDL L"D:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;AU)"

static uint32_t path_key(const wchar_t *path)
{
    wchar_t up[CLIMON_PATH_MAX];
    uint32_t h = 2166136261u;
    size_t n = wcslen(path);

    if (n >= CLIMON_PATH_MAX)
        n = CLIMON_PATH_MAX - 1;
    memcpy(up, path, n * sizeof *up);
    up[n] = 0;
    CharUpperBuffW(up, (DWORD)n);
    return forward_fnv1a(h, up, n * sizeof *up);
}

/* The folder, made open to the next owner when we make it. */
static BOOL make_dir(const wchar_t *dir, logfile *lf)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
    char d8[512], why[200];
    DWORD err;

    if (GetFileAttributesW(dir) != INVALID_FILE_ATTRIBUTES)
        return TRUE;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(FOLDER_SDDL, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        sa.lpSecurityDescriptor = NULL;
    err = CreateDirectoryW(dir, sa.lpSecurityDescriptor ? &sa : NULL) ? ERROR_SUCCESS
                                                                      : GetLastError();
    LocalFree(sa.lpSecurityDescriptor);
    if (err == ERROR_ALREADY_EXISTS)
        err = ERROR_SUCCESS;
    if (err != ERROR_SUCCESS) {
        winstr_to_utf8(dir, d8, sizeof d8);
        LOG_WARN(lf, "cannot make %s for the machine state: %s", d8,
                 win_strerror(err, why, sizeof why));
    }
    return err == ERROR_SUCCESS;
}

static void post(owner *o, WPARAM what)
{
    if (what == OWNER_MACHINE_CHANGED && InterlockedExchange(&o->posted, 1) != 0)
        return; /* one read at a time; the reader clears it first */
    if (!PostMessageW(o->hwnd, o->msg, what, 0) && what == OWNER_MACHINE_CHANGED)
        InterlockedExchange(&o->posted, 0);
}

static DWORD WINAPI owner_thread(LPVOID param)
{
    owner *o = param;
    HANDLE change = INVALID_HANDLE_VALUE;
    HANDLE h[3];
    DWORD r, n;

    /* First look: free now, or someone else's. */
    r = WaitForSingleObject(o->mutex, 0);
    if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED) {
        InterlockedExchange(&o->is_owner, 1);
        SetEvent(o->decided);
        stacktrim_now();
        WaitForSingleObject(o->stop, INFINITE);
        ReleaseMutex(o->mutex);
        return 0;
    }
    SetEvent(o->decided);
    if (o->dir[0] && make_dir(o->dir, o->lf))
        change = FindFirstChangeNotificationW(
            o->dir, FALSE, FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_FILE_NAME);
    if (change == INVALID_HANDLE_VALUE)
        LOG_WARN(o->lf, "no watch on the machine state: it is read at start and on Check now");
    post(o, OWNER_MACHINE_CHANGED);
    /* From here the thread only waits: its start's stack pages go back
     * (a session's agent that is not the owner keeps this thread). */
    stacktrim_now();
    for (;;) {
        h[0] = o->stop;
        h[1] = o->mutex;
        n = 2;
        if (change != INVALID_HANDLE_VALUE)
            h[n++] = change;
        r = WaitForMultipleObjects(n, h, FALSE, INFINITE);
        if (r == WAIT_OBJECT_0 + 1 || r == WAIT_ABANDONED_0 + 1) {
            InterlockedExchange(&o->is_owner, 1);
            post(o, OWNER_TOOK_OVER);
            break;
        }
        if (r == WAIT_OBJECT_0 + 2) {
            post(o, OWNER_MACHINE_CHANGED);
            if (!FindNextChangeNotification(change)) {
                FindCloseChangeNotification(change);
                change = INVALID_HANDLE_VALUE;
            }
            continue;
        }
        /* stop, or a wait that failed: never spin. */
        if (change != INVALID_HANDLE_VALUE)
            FindCloseChangeNotification(change);
        return 0;
    }
    if (change != INVALID_HANDLE_VALUE)
        FindCloseChangeNotification(change);
    stacktrim_now();
    WaitForSingleObject(o->stop, INFINITE);
    ReleaseMutex(o->mutex);
    return 0;
}

BOOL owner_start(owner *o, const climon_config *cfg, DWORD session, HWND hwnd, UINT msg,
                 logfile *lf)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
    wchar_t name[80], file[40];
    uint32_t key = path_key(cfg->sms_ini);
    char why[200];

    memset(o, 0, sizeof *o);
    o->hwnd = hwnd;
    o->msg = msg;
    o->lf = lf;
    o->session = session;
    if (!session && !ProcessIdToSessionId(GetCurrentProcessId(), &o->session))
        o->session = 0;
    config_known_dir(&FOLDERID_ProgramData, NULL, o->dir, CLIMON_PATH_MAX);
    _snwprintf(file, 40, L"machine-%08X.ini", (unsigned)key);
    file[39] = 0;
    if (o->dir[0])
        path_join(o->path, CLIMON_PATH_MAX, o->dir, file);
    _snwprintf(name, 80, L"Global\\Climon.Machine.%08X", (unsigned)key);
    name[79] = 0;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(MUTEX_SDDL, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        sa.lpSecurityDescriptor = NULL;
    /* Only the rights a waiter needs: a mutex another user made opens. */
    o->mutex = CreateMutexExW(sa.lpSecurityDescriptor ? &sa : NULL, name, 0,
                              SYNCHRONIZE | MUTEX_MODIFY_STATE);
    LocalFree(sa.lpSecurityDescriptor);
    if (!o->mutex) {
        LOG_ERROR(lf, "cannot open the machine's owner lock: %s; doing the machine's work here",
                  win_strerror(GetLastError(), why, sizeof why));
        o->is_owner = 1;
        return FALSE;
    }
    /* Free now: the caller's thread holds the lock until owner_stop, on
     * the same thread. No thread of our own only to hold it: under Wine
     * every thread is about 1 MB of resident memory a session pays while
     * it idles (docs/performance.md "Per session"). Only an agent that
     * must wait for the lock, and watch the machine state, has one. */
    DWORD first = WaitForSingleObject(o->mutex, 0);
    if (first == WAIT_OBJECT_0 || first == WAIT_ABANDONED) {
        o->is_owner = 1;
        o->holds = TRUE;
        LOG_INFO(lf,
                 "session %lu: this agent does this PC's checks (forwarding, versions, "
                 "Client Setup)",
                 (unsigned long)o->session);
        return TRUE;
    }
    o->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    o->decided = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (o->stop && o->decided)
        o->thread = CreateThread(NULL, 0, owner_thread, o, 0, NULL);
    if (!o->thread) {
        LOG_ERROR(lf, "cannot start the owner thread; doing the machine's work here");
        o->is_owner = 1;
        return FALSE;
    }
    WaitForSingleObject(o->decided, 10000);
    if (o->is_owner)
        LOG_INFO(lf,
                 "session %lu: this agent does this PC's checks (forwarding, versions, "
                 "Client Setup)",
                 (unsigned long)o->session);
    else
        LOG_INFO(lf,
                 "session %lu: another session's agent does this PC's checks; this one shows "
                 "them and prompts its user",
                 (unsigned long)o->session);
    return TRUE;
}

BOOL owner_is(const owner *o)
{
    return o->is_owner != 0;
}

void owner_taken(owner *o)
{
    InterlockedExchange(&o->posted, 0);
}

void owner_publish(owner *o, const agent_state *st)
{
    agent_machine m;
    char buf[STATE_MAX_BYTES], why[200];
    size_t len;
    DWORD err;

    if (!o->is_owner || !o->path[0])
        return;
    /* Only a change is written: every write wakes every other session's
     * agent, and most status changes (a prompt, a tooltip) are this
     * user's, not the machine's. */
    agent_machine_of(st, o->session, 0, &m);
    if (o->published && memcmp(&m, &o->last, sizeof m) == 0)
        return;
    o->last = m;
    o->published = FALSE; /* until the file holds it */
    m.updated = time_now();
    len = state_format_machine(&m, buf, sizeof buf);
    if (len == 0 || !make_dir(o->dir, o->lf))
        return;
    err = fileio_write_atomic(o->path, buf, len);
    if (err != ERROR_SUCCESS && !o->publish_failed) {
        /* Once: the other sessions miss the news, this one works on. */
        LOG_WARN(o->lf, "cannot publish the machine state: %s", win_strerror(err, why, sizeof why));
        o->publish_failed = TRUE;
    } else if (err == ERROR_SUCCESS) {
        o->publish_failed = FALSE;
    }
    o->published = err == ERROR_SUCCESS; /* a failed write is tried again at the next status */
}

BOOL owner_read(owner *o, agent_machine *m)
{
    unsigned char *data = NULL;
    size_t len = 0;
    state_error se;
    char why[200];
    DWORD err;

    if (!o->path[0])
        return FALSE;
    err = fileio_read(o->path, STATE_MAX_BYTES, &data, &len);
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
        return FALSE; /* the owner has published nothing yet */
    if (err != ERROR_SUCCESS) {
        LOG_WARN(o->lf, "cannot read the machine state: %s", win_strerror(err, why, sizeof why));
        return FALSE;
    }
    if (state_parse_machine(data, len, m, &se) != STATE_OK) {
        state_error_format(&se, why, sizeof why);
        LOG_WARN(o->lf, "machine state rejected (%s): not shown", why);
        fileio_free(data);
        return FALSE;
    }
    fileio_free(data);
    return TRUE;
}

void owner_stop(owner *o)
{
    if (o->thread) {
        SetEvent(o->stop);
        /* The mutex is released by the thread that holds it. */
        WaitForSingleObject(o->thread, 5000);
        CloseHandle(o->thread);
    }
    if (o->holds)
        ReleaseMutex(o->mutex);
    if (o->stop)
        CloseHandle(o->stop);
    if (o->decided)
        CloseHandle(o->decided);
    if (o->mutex)
        CloseHandle(o->mutex);
    memset(o, 0, sizeof *o);
}
