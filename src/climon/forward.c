/*
 * forward.c: moves inventory (*.RAW) from the client's INVDATA folder to
 * the logon server's inventory box, as the Client Monitor did: copy as
 * .TMP, rename to a unique .RAW, delete the local file.
 *
 * Crash-safe and duplicate-free: the unique name is derived from the file
 * itself (the last characters of the SMS Unique ID and an FNV-1a hash of
 * its bytes), so a run that stopped between the rename and the delete is
 * recognised at the next start: the target exists with the same bytes, and
 * only the local file is deleted. A stale .TMP of the same name is simply
 * overwritten. A different file that happens to hash alike moves on to
 * the next name (the hash is re-seeded with the attempt number), so
 * nothing is ever overwritten in the box.
 *
 * Each failure carries its class (failclass.c): the core backs off for
 * the share, stops trying for refused credentials, and takes a problem
 * with a local file as local. The share calls go through fsio.c.
 *
 * Several agents may forward one folder at once: two sessions' agents
 * when the owner lock (owner.c) is not shared, as between two Wine
 * prefixes or two kernels that see one disk (issue 13). Each .RAW is
 * therefore claimed before it is copied: renamed within INVDATA to
 * "<name>.<pid>-<started>-<boot>-<time>.CLM", a name only this agent
 * makes. A rename is atomic on NTFS, on an SMB server and on the Linux
 * file system under Wine, so exactly one agent wins it; sharing modes are
 * not (two wineservers do not see each other's handles). The loser finds
 * the file gone: another agent's, not an error. The .TMP in the box is
 * named for the agent as well, so no two agents ever write one file.
 * A claim whose agent is gone (made before this boot, or of this boot and
 * its process no longer there) or that is older than CLAIM_STALE_S is
 * taken back by renaming it to a claim of our own, again atomic. Taking back a claim whose agent
 * was in fact alive costs nothing but work: the box's names come from the
 * bytes, so both copies land on one name.
 */
#include "climon.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "fileio.h"
#include "winstr.h"

#define FNV_PRIME 16777619u
#define NAME_ATTEMPTS 8u
#define IO_CHUNK (64u * 1024u)
/* A claim this old is abandoned: delivering one file takes seconds, and
 * a live agent that loses its claim loses nothing (see above). */
#define CLAIM_STALE_S 300u
#define CLAIM_EXT L".CLM"

typedef enum fwd_result {
    FWD_MOVED,   /* renamed into the box now */
    FWD_ALREADY, /* the box had it (a crash before the delete, or another agent) */
    FWD_BUSY,    /* left for later: being written, or another agent moves it */
    FWD_GONE,    /* vanished before it was opened: another agent took it */
    FWD_KEPT,    /* delivered before and remembered; not again */
    FWD_OTHERS,  /* claimed by another agent that is at it */
    FWD_FAILED
} fwd_result;

/* What one pass works with. */
typedef struct fwd_ctx {
    const wchar_t *invdata;
    const wchar_t *box;
    const char *unique_id;
    const agent_kept *known; /* may be NULL */
    logfile *lf;
    unsigned char *a, *b; /* IO_CHUNK each */
    forward_result *r;
    forward_claim self; /* this agent's claims (at: when the pass began) */
} fwd_ctx;

uint32_t forward_fnv1a(uint32_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

void forward_unique_stem(const char *unique_id, uint32_t hash, unsigned n, wchar_t *out, size_t cap)
{
    wchar_t tail[5] = L"0000";
    size_t len = unique_id ? strlen(unique_id) : 0;
    unsigned char nb = (unsigned char)n;

    /* The last 4 letters or digits of the ID tell an admin whose file it
     * is; padded with zeros for a short or missing ID. */
    for (int i = 3, j = (int)len - 1; i >= 0 && j >= 0; j--) {
        char c = unique_id[j];
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
            tail[i--] = (wchar_t)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    if (n > 0)
        hash = forward_fnv1a(hash, &nb, 1);
    _snwprintf(out, cap, L"%ls%08X", tail, (unsigned)hash);
    out[cap - 1] = 0;
}

/* The first failure of a pass says why (its text and class). */
static void fail(fwd_ctx *c, agent_failure cls, const char *what, const wchar_t *path, DWORD code)
{
    char p[512], why[200];
    if (c->r->err[0])
        return;
    winstr_to_utf8(path, p, sizeof p);
    snprintf(c->r->err, sizeof c->r->err, "%s %s: %s", what, p,
             win_strerror(code, why, sizeof why));
    c->r->fail = cls;
}

static void fail_text(fwd_ctx *c, agent_failure cls, const char *text)
{
    if (c->r->err[0])
        return;
    snprintf(c->r->err, sizeof c->r->err, "%s", text);
    c->r->fail = cls;
}

/* Hash of everything h holds, read from the start. */
static DWORD hash_handle(HANDLE h, unsigned char *buf, uint32_t *hash, ULONGLONG *size)
{
    LARGE_INTEGER zero = {0};
    DWORD got;
    uint32_t v = FORWARD_FNV_SEED;
    ULONGLONG total = 0;

    if (!SetFilePointerEx(h, zero, NULL, FILE_BEGIN))
        return GetLastError();
    for (;;) {
        if (!ReadFile(h, buf, IO_CHUNK, &got, NULL))
            return GetLastError();
        if (got == 0)
            break;
        v = forward_fnv1a(v, buf, got);
        total += got;
    }
    *hash = v;
    *size = total;
    return ERROR_SUCCESS;
}

/* TRUE when the file at path has exactly the bytes of h. */
static BOOL same_bytes(HANDLE h, ULONGLONG size, const wchar_t *path, unsigned char *a,
                       unsigned char *b)
{
    LARGE_INTEGER zero = {0}, other;
    HANDLE t;
    BOOL same = FALSE;

    t = fsio_open(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN);
    if (t == INVALID_HANDLE_VALUE)
        return FALSE;
    if (!GetFileSizeEx(t, &other) || (ULONGLONG)other.QuadPart != size ||
        !SetFilePointerEx(h, zero, NULL, FILE_BEGIN))
        goto out;
    for (;;) {
        DWORD ga = 0, gb = 0;
        if (!ReadFile(h, a, IO_CHUNK, &ga, NULL) || !ReadFile(t, b, IO_CHUNK, &gb, NULL))
            goto out;
        if (ga != gb || memcmp(a, b, ga) != 0)
            goto out;
        if (ga == 0)
            break;
    }
    same = TRUE;
out:
    CloseHandle(t);
    return same;
}

/* Copies h to dst (a new .TMP). *created: dst was made (and on failure
 * removed again). */
static DWORD copy_to(HANDLE h, const wchar_t *dst, unsigned char *buf, BOOL *created)
{
    LARGE_INTEGER zero = {0};
    DWORD err = ERROR_SUCCESS, got, put;
    HANDLE t;

    *created = FALSE;
    if (!SetFilePointerEx(h, zero, NULL, FILE_BEGIN))
        return GetLastError();
    /* CREATE_ALWAYS: a .TMP left by a run that stopped midway is ours. */
    t = fsio_open(dst, GENERIC_WRITE, 0, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL);
    if (t == INVALID_HANDLE_VALUE)
        return GetLastError();
    *created = TRUE;
    for (;;) {
        if (!ReadFile(h, buf, IO_CHUNK, &got, NULL)) {
            err = GetLastError();
            goto out;
        }
        if (got == 0)
            break;
        if (!fsio_write(t, buf, got, &put) || put != got) {
            err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
            goto out;
        }
    }
    /* The rename must never publish a file whose bytes are not down. */
    if (!FlushFileBuffers(t))
        err = GetLastError();
out:
    CloseHandle(t);
    if (err != ERROR_SUCCESS)
        DeleteFileW(dst);
    return err;
}

/* Deletes a local inventory file. A read-only one is made writable
 * first: DeleteFileW refuses it, and the file was then delivered again
 * each time the site emptied the box (issue 17.6). When the delete still
 * fails the attribute is put back. */
static BOOL delete_local(const wchar_t *path)
{
    DWORD attr = GetFileAttributesW(path), e;
    BOOL ro = attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_READONLY);

    if (ro) {
        DWORD rw = attr & ~(DWORD)FILE_ATTRIBUTE_READONLY;
        SetFileAttributesW(path, rw ? rw : FILE_ATTRIBUTE_NORMAL);
    }
    if (DeleteFileW(path))
        return TRUE;
    e = GetLastError();
    if (ro)
        SetFileAttributesW(path, attr);
    SetLastError(e);
    return FALSE;
}

/* ---- claims (see the top of the file) ---- */

void forward_claim_self(forward_claim *c, agent_time now)
{
    FILETIME created, exited, kernel, user;

    memset(c, 0, sizeof *c);
    c->pid = GetCurrentProcessId();
    if (GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user))
        c->started = created.dwLowDateTime;
    c->boot = (uint32_t)time_boot();
    c->at = (uint32_t)now;
}

BOOL forward_claim_name(const wchar_t *raw, const forward_claim *c, wchar_t *out, size_t cap)
{
    int n = _snwprintf(out, cap, L"%ls.%lu-%08X-%08X-%08X" CLAIM_EXT, raw, (unsigned long)c->pid,
                       (unsigned)c->started, (unsigned)c->boot, (unsigned)c->at);
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            out[0] = 0;
        return FALSE;
    }
    return TRUE;
}

static BOOL hex8(const wchar_t *p, uint32_t *v)
{
    uint32_t x = 0;
    for (int i = 0; i < 8; i++) {
        wchar_t ch = p[i];
        unsigned d;
        if (ch >= L'0' && ch <= L'9')
            d = (unsigned)(ch - L'0');
        else if (ch >= L'A' && ch <= L'F')
            d = (unsigned)(ch - L'A' + 10);
        else if (ch >= L'a' && ch <= L'f')
            d = (unsigned)(ch - L'a' + 10);
        else
            return FALSE;
        x = x << 4 | d;
    }
    *v = x;
    return TRUE;
}

static BOOL is_raw(const wchar_t *name);

BOOL forward_claim_parse(const wchar_t *name, wchar_t *raw, size_t cap, forward_claim *c)
{
    size_t len = wcslen(name), ext = wcslen(CLAIM_EXT), tail, i;
    const wchar_t *t;
    uint32_t pid = 0;

    /* <raw>.<pid>-XXXXXXXX-XXXXXXXX-XXXXXXXX.CLM: 27 characters after
     * the pid's digits. */
    if (len < ext + 29 || _wcsicmp(name + len - ext, CLAIM_EXT) != 0)
        return FALSE;
    tail = len - ext - 27; /* the '-' after the pid */
    t = name + tail;
    if (t[0] != L'-' || t[9] != L'-' || t[18] != L'-' || !hex8(t + 1, &c->started) ||
        !hex8(t + 10, &c->boot) || !hex8(t + 19, &c->at))
        return FALSE;
    for (i = tail; i > 0 && name[i - 1] >= L'0' && name[i - 1] <= L'9'; i--)
        ;
    if (i == tail || i == 0 || name[i - 1] != L'.' || tail - i > 10)
        return FALSE;
    for (size_t k = i; k < tail; k++)
        pid = pid * 10u + (uint32_t)(name[k] - L'0');
    if (i - 1 >= cap)
        return FALSE;
    wmemcpy(raw, name, i - 1);
    raw[i - 1] = 0;
    c->pid = pid;
    return is_raw(raw);
}

forward_claim_state forward_claim_judge(const forward_claim *c, const forward_claim *self,
                                        agent_time now)
{
    int32_t age = (int32_t)((uint32_t)now - c->at);
    FILETIME created, exited, kernel, user;
    forward_claim_state st = FORWARD_CLAIM_LIVE;
    DWORD code = 0;
    HANDLE h;

    if (c->pid == self->pid && c->started == self->started && c->boot == self->boot)
        return FORWARD_CLAIM_OURS;
    if (age > (int32_t)CLAIM_STALE_S || age < -(int32_t)CLAIM_STALE_S)
        return FORWARD_CLAIM_STALE;
    /* Made before this kernel started: no process of it lives on here.
     * (Under Wine a wineserver that ended and started again is a boot.) */
    if ((int32_t)(c->at - self->boot) < 0)
        return FORWARD_CLAIM_GONE;
    /* A process id means something only on the kernel that gave it: a
     * claim of another kernel (another wineserver) waits for its age. */
    if (c->boot != self->boot)
        return FORWARD_CLAIM_LIVE;
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, c->pid);
    if (!h)
        /* Access denied: another user's live process. */
        return GetLastError() == ERROR_INVALID_PARAMETER ? FORWARD_CLAIM_GONE : FORWARD_CLAIM_LIVE;
    if (!GetProcessTimes(h, &created, &exited, &kernel, &user) ||
        created.dwLowDateTime != c->started ||
        (GetExitCodeProcess(h, &code) && code != STILL_ACTIVE))
        st = FORWARD_CLAIM_GONE;
    CloseHandle(h);
    return st;
}

static BOOL known_as_kept(const agent_kept *known, const char *name, uint32_t hash)
{
    if (!known)
        return FALSE;
    for (uint32_t i = 0; i < known->n && i < AGENT_KEPT_MAX; i++)
        if (known->f[i].hash == hash && _stricmp(known->f[i].name, name) == 0)
            return TRUE;
    return FALSE;
}

static void remember_kept(fwd_ctx *c, const char *name, uint32_t hash, const char *l8)
{
    agent_kept *k = &c->r->kept;
    if (strlen(name) > AGENT_KEPT_NAME_MAX || !name[0]) {
        LOG_WARN(c->lf, "%s has too long a name to be remembered: it may be delivered again", l8);
        return;
    }
    if (k->n >= AGENT_KEPT_MAX) {
        LOG_WARN(c->lf, "%s cannot be remembered (%u files already): it may be delivered again", l8,
                 AGENT_KEPT_MAX);
        return;
    }
    snprintf(k->f[k->n].name, sizeof k->f[k->n].name, "%s", name);
    k->f[k->n].hash = hash;
    k->n++;
}

/* Removes the other .TMP files of stem from the box once its bytes are
 * there: one a crashed agent left, or one another agent writes of the
 * same bytes (its rename then finds them in the box: delivered). */
static void remove_leftover_tmps(fwd_ctx *c, const wchar_t *stem)
{
    wchar_t pattern[CLIMON_PATH_MAX], name[64], p[CLIMON_PATH_MAX];
    WIN32_FIND_DATAW fd;
    HANDLE find;

    _snwprintf(name, 64, L"%ls*.TMP", stem);
    name[63] = 0;
    if (!path_join(pattern, CLIMON_PATH_MAX, c->box, name))
        return;
    find = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
    if (find == INVALID_HANDLE_VALUE)
        return;
    do {
        if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
            path_join(p, CLIMON_PATH_MAX, c->box, fd.cFileName))
            DeleteFileW(p);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
}

/* Gives a claim back its .RAW name after a failure, so that the next pass
 * (or another agent) finds it as it was. A .RAW of that name written
 * meanwhile keeps the claim as it is: ours, taken again next pass. */
static void unclaim(fwd_ctx *c, const wchar_t *claim, const wchar_t *raw)
{
    char c8[512], why[200];
    if (MoveFileExW(claim, raw, 0))
        return;
    winstr_to_utf8(claim, c8, sizeof c8);
    LOG_WARN(c->lf, "%s stays claimed (%s): taken again at the next pass", c8,
             win_strerror(GetLastError(), why, sizeof why));
}

/* Delivers the file at path (claimed: our claim of raw, else raw itself,
 * which nobody can rename). raw_name: its .RAW name, for the log and the
 * list of files kept. */
static fwd_result forward_file(fwd_ctx *c, const wchar_t *path, const wchar_t *raw,
                               const wchar_t *raw_name, BOOL claimed)
{
    wchar_t stem[32], name[72], target[CLIMON_PATH_MAX], tmp[CLIMON_PATH_MAX];
    char l8[512], t8[512], n8[AGENT_KEPT_NAME_MAX * 4 + 4], why[200];
    fwd_result res = FWD_FAILED;
    uint32_t hash = 0;
    ULONGLONG size = 0;
    BOOL created;
    DWORD e;
    unsigned n;
    HANDLE h;

    winstr_to_utf8(raw, l8, sizeof l8);
    winstr_to_utf8(raw_name, n8, sizeof n8);
    /* No write sharing: while the inventory agent still writes the file
     * this fails, and its closing the file wakes the watch again. */
    h = fsio_open(path, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN);
    if (h == INVALID_HANDLE_VALUE) {
        e = GetLastError();
        if (e == ERROR_SHARING_VIOLATION || e == ERROR_LOCK_VIOLATION) {
            LOG_INFO(c->lf, "%s is still being written; it goes when it is closed", l8);
            if (claimed)
                unclaim(c, path, raw);
            return FWD_BUSY;
        }
        if (failclass_vanished(e)) {
            /* Listed or claimed a moment ago: another agent has it now. */
            LOG_INFO(c->lf, "%s is gone: another agent (another session) took it", l8);
            return FWD_GONE;
        }
        fail(c, failclass_local(e), "cannot open", path, e);
        LOG_ERROR(c->lf, "cannot open %s: %s", l8, win_strerror(e, why, sizeof why));
        if (claimed)
            unclaim(c, path, raw);
        return FWD_FAILED;
    }
    if ((e = hash_handle(h, c->a, &hash, &size)) != ERROR_SUCCESS) {
        fail(c, failclass_local(e), "cannot read", path, e);
        LOG_ERROR(c->lf, "cannot read %s: %s", l8, win_strerror(e, why, sizeof why));
        goto out;
    }
    if (known_as_kept(c->known, n8, hash)) {
        /* Delivered before and could not be deleted: never again (the
         * site may have emptied the box since); the delete is retried. */
        res = FWD_KEPT;
        goto delete_it;
    }

    for (n = 0; n < NAME_ATTEMPTS; n++) {
        forward_unique_stem(c->unique_id, hash, n, stem, 32);
        _snwprintf(name, 72, L"%ls.RAW", stem);
        if (!path_join(target, CLIMON_PATH_MAX, c->box, name)) {
            fail(c, AGENT_FAIL_LOCAL, "path too long:", c->box, ERROR_FILENAME_EXCED_RANGE);
            goto out;
        }
        if (!fileio_exists(target))
            break;
        if (same_bytes(h, size, target, c->a, c->b)) {
            /* A run stopped after the rename and before the delete, or
             * another agent delivered the same bytes first. */
            winstr_to_utf8(target, t8, sizeof t8);
            LOG_INFO(c->lf, "%s is already in the box as %s; deleting the local copy", l8, t8);
            remove_leftover_tmps(c, stem);
            res = FWD_ALREADY;
            goto delete_it;
        }
    }
    if (n == NAME_ATTEMPTS) {
        fail(c, AGENT_FAIL_SHARE, "no free unique name in", c->box, ERROR_FILE_EXISTS);
        LOG_ERROR(c->lf, "no free unique name for %s", l8);
        goto out;
    }

    /* The agent's own .TMP: two agents never write one file. */
    _snwprintf(name, 72, L"%ls.%lu-%08X.TMP", stem, (unsigned long)c->self.pid,
               (unsigned)c->self.started);
    name[71] = 0;
    path_join(tmp, CLIMON_PATH_MAX, c->box, name);
    winstr_to_utf8(target, t8, sizeof t8);
    if ((e = copy_to(h, tmp, c->a, &created)) != ERROR_SUCCESS) {
        fail(c, failclass_share(e, c->box, size), "cannot copy to", tmp, e);
        LOG_ERROR(c->lf, "copying %s to the box failed: %s", l8, win_strerror(e, why, sizeof why));
        goto out;
    }
    /* No MOVEFILE_REPLACE_EXISTING: a name in the box is never replaced. */
    if (!fsio_move(tmp, target, MOVEFILE_WRITE_THROUGH)) {
        e = GetLastError();
        if (same_bytes(h, size, target, c->a, c->b)) {
            /* Another agent renamed the same bytes in first. */
            DeleteFileW(tmp);
            LOG_INFO(c->lf, "%s reached the box as %s through another agent", l8, t8);
            remove_leftover_tmps(c, stem);
            res = FWD_ALREADY;
            goto delete_it;
        }
        if (failclass_vanished(e)) {
            /* Our .TMP was taken for a leftover by an agent that had just
             * delivered other bytes of this stem: the next pass again. */
            LOG_INFO(c->lf, "%s: its copy in the box was removed meanwhile; looking again later",
                     l8);
            res = FWD_BUSY;
            goto out;
        }
        DeleteFileW(tmp);
        fail(c, failclass_share(e, NULL, 0), "cannot rename into", target, e);
        LOG_ERROR(c->lf, "renaming into %s failed: %s", t8, win_strerror(e, why, sizeof why));
        goto out;
    }
    LOG_INFO(c->lf, "forwarded %s to %s (%llu bytes)", l8, t8, (unsigned long long)size);
    remove_leftover_tmps(c, stem);
    res = FWD_MOVED;

delete_it:
    CloseHandle(h);
    h = INVALID_HANDLE_VALUE;
    if (!delete_local(path)) {
        e = GetLastError();
        if (failclass_vanished(e)) {
            /* Another agent took it back and deleted it: in the box. */
        } else {
            /* The file is in the box: remembered, so that it is not
             * delivered again when the site empties the box. */
            LOG_WARN(c->lf,
                     "%s is in the box but could not be deleted: %s; remembered as delivered", l8,
                     win_strerror(e, why, sizeof why));
            remember_kept(c, n8, hash, l8);
            if (claimed)
                unclaim(c, path, raw);
        }
    } else if (res == FWD_KEPT) {
        LOG_INFO(c->lf, "%s, delivered before, could be deleted now", l8);
    }
out:
    if (h != INVALID_HANDLE_VALUE) {
        CloseHandle(h);
        if (claimed && (res == FWD_FAILED || res == FWD_BUSY))
            unclaim(c, path, raw);
    }
    return res;
}

/* Claims the .RAW name (in invdata) and delivers it. */
static fwd_result forward_one(fwd_ctx *c, const wchar_t *raw, const wchar_t *file_name)
{
    wchar_t claim_name[MAX_PATH + 64], claim[CLIMON_PATH_MAX];
    char l8[512], why[200];
    DWORD e;

    if (!forward_claim_name(file_name, &c->self, claim_name, MAX_PATH + 64) ||
        !path_join(claim, CLIMON_PATH_MAX, c->invdata, claim_name)) {
        fail(c, AGENT_FAIL_LOCAL, "path too long:", raw, ERROR_FILENAME_EXCED_RANGE);
        return FWD_FAILED;
    }
    /* Through the seam, so that a test can play the agent that wins. */
    if (fsio_move(raw, claim, 0))
        return forward_file(c, claim, raw, file_name, TRUE);
    e = GetLastError();
    winstr_to_utf8(raw, l8, sizeof l8);
    /* Under Wine a rename that another wineserver's rename beat midway
     * fails with ERROR_INVALID_HANDLE: the file being gone says who won. */
    if (failclass_vanished(e) || (GetFileAttributesW(raw) == INVALID_FILE_ATTRIBUTES &&
                                  failclass_vanished(GetLastError()))) {
        LOG_INFO(c->lf, "%s was claimed by another agent (another session): not ours", l8);
        return FWD_GONE;
    }
    if (e == ERROR_SHARING_VIOLATION || e == ERROR_ACCESS_DENIED || e == ERROR_LOCK_VIOLATION)
        /* Held open without delete sharing, or not ours to rename: the
         * writer is told apart by the open, and a file nobody may
         * rename, nobody else claims either. */
        return forward_file(c, raw, raw, file_name, FALSE);
    fail(c, failclass_local(e), "cannot claim", raw, e);
    LOG_ERROR(c->lf, "cannot claim %s: %s", l8, win_strerror(e, why, sizeof why));
    return FWD_FAILED;
}

/* A claim found in invdata: another agent's at work is left to it; ours,
 * or one whose agent is gone, is delivered (taken back by renaming it to
 * a claim of ours: one agent wins). */
static fwd_result take_claim(fwd_ctx *c, const wchar_t *found, const wchar_t *file_name)
{
    wchar_t raw_name[MAX_PATH], raw[CLIMON_PATH_MAX], mine_name[MAX_PATH + 64],
        mine[CLIMON_PATH_MAX];
    forward_claim other;
    forward_claim_state st;
    char f8[512];

    if (!forward_claim_parse(file_name, raw_name, MAX_PATH, &other) ||
        !path_join(raw, CLIMON_PATH_MAX, c->invdata, raw_name))
        return FWD_KEPT; /* not a claim of ours to judge: left alone */
    st = forward_claim_judge(&other, &c->self, (agent_time)c->self.at);
    winstr_to_utf8(found, f8, sizeof f8);
    if (st == FORWARD_CLAIM_OURS)
        return forward_file(c, found, raw, raw_name, TRUE);
    if (st == FORWARD_CLAIM_LIVE) {
        LOG_INFO(c->lf, "%s is being delivered by another agent (process %lu): left to it", f8,
                 (unsigned long)other.pid);
        return FWD_OTHERS;
    }
    if (!forward_claim_name(raw_name, &c->self, mine_name, MAX_PATH + 64) ||
        !path_join(mine, CLIMON_PATH_MAX, c->invdata, mine_name))
        return FWD_KEPT;
    if (!MoveFileExW(found, mine, 0)) {
        DWORD e = GetLastError();
        char why[200];
        if (GetFileAttributesW(found) == INVALID_FILE_ATTRIBUTES) {
            LOG_INFO(c->lf, "%s: another agent took it back first", f8);
            return FWD_GONE;
        }
        /* Still there and not ours: the next pass looks again. */
        LOG_WARN(c->lf, "cannot take back %s: %s", f8, win_strerror(e, why, sizeof why));
        return FWD_BUSY;
    }
    LOG_INFO(c->lf, "took back %s: %s", f8,
             st == FORWARD_CLAIM_GONE ? "its agent is gone" : "claimed too long ago");
    return forward_file(c, mine, raw, raw_name, TRUE);
}

static BOOL is_raw(const wchar_t *name)
{
    /* FindFirstFile's "*.RAW" also matches "X.RAWX" through its short
     * name: check the extension itself. */
    const wchar_t *dot = wcsrchr(name, L'.');
    return dot && _wcsicmp(dot, L".RAW") == 0;
}

BOOL forward_any(const wchar_t *invdata)
{
    wchar_t pattern[CLIMON_PATH_MAX], raw[MAX_PATH];
    WIN32_FIND_DATAW fd;
    forward_claim self, other;
    HANDLE find;
    BOOL any = FALSE;

    if (!invdata[0] || !path_join(pattern, CLIMON_PATH_MAX, invdata, L"*.RAW"))
        return FALSE;
    find = FindFirstFileW(pattern, &fd);
    if (find != INVALID_HANDLE_VALUE) {
        do
            any = !(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && is_raw(fd.cFileName);
        while (!any && FindNextFileW(find, &fd));
        FindClose(find);
    }
    if (any || !path_join(pattern, CLIMON_PATH_MAX, invdata, L"*" CLAIM_EXT))
        return any;
    /* Another agent's claim at work is not ours to start a pass for. */
    find = FindFirstFileW(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE)
        return FALSE;
    forward_claim_self(&self, time_now());
    do
        any = !(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
              forward_claim_parse(fd.cFileName, raw, MAX_PATH, &other) &&
              forward_claim_judge(&other, &self, time_now()) != FORWARD_CLAIM_LIVE;
    while (!any && FindNextFileW(find, &fd));
    FindClose(find);
    return any;
}

/* ---- the inventory folder must not be the box (issue 17.5) ---- */

static BOOL same_file_id(const BY_HANDLE_FILE_INFORMATION *a, const BY_HANDLE_FILE_INFORMATION *b)
{
    return a->dwVolumeSerialNumber == b->dwVolumeSerialNumber &&
           a->nFileIndexHigh == b->nFileIndexHigh && a->nFileIndexLow == b->nFileIndexLow;
}

static BOOL id_of(const wchar_t *path, BY_HANDLE_FILE_INFORMATION *info)
{
    HANDLE h = CreateFileW(path, FILE_READ_ATTRIBUTES,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    BOOL ok;
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    ok = GetFileInformationByHandle(h, info);
    CloseHandle(h);
    return ok;
}

/* Characters of path's root ("C:\", "\\?\C:\", "\\srv\share\",
 * "\\?\UNC\srv\share\"): the walk up stops there. */
static size_t root_length(const wchar_t *p)
{
    size_t i, parts = 0;
    if (wcsncmp(p, L"\\\\?\\UNC\\", 8) == 0) {
        i = 8;
    } else if (p[0] == L'\\' && p[1] == L'\\' && p[2] != L'?') {
        i = 2;
    } else {
        i = wcsncmp(p, L"\\\\?\\", 4) == 0 ? 4 : 0;
        if (p[i] && p[i + 1] == L':')
            return i + (p[i + 2] == L'\\' ? 3 : 2);
        return i;
    }
    /* \\server\share\ */
    while (p[i] && parts < 2) {
        if (p[i] == L'\\')
            parts++;
        i++;
    }
    return i;
}

/* TRUE when dir is the box (box_id) or lies inside it. Each of dir and
 * its parents is compared by volume serial number and file index, as
 * Windows tells files apart: case, 8.3 names, a trailing separator, a
 * junction or another drive letter for the same folder all give the same
 * file. *known is FALSE when no folder of dir could be looked at. */
static BOOL within_box(const wchar_t *dir, const BY_HANDLE_FILE_INFORMATION *box_id, BOOL *known)
{
    wchar_t p[FILEIO_LONG_PATH_MAX];
    BY_HANDLE_FILE_INFORMATION id;
    size_t root, n;

    *known = FALSE;
    if (!fileio_long_path(dir, p, FILEIO_LONG_PATH_MAX))
        return FALSE;
    root = root_length(p);
    for (;;) {
        if (id_of(p, &id)) {
            *known = TRUE;
            if (same_file_id(&id, box_id))
                return TRUE;
        }
        n = wcslen(p);
        if (n <= root)
            return FALSE;
        while (n > root && p[n - 1] != L'\\')
            n--;
        if (n > root)
            n--;
        p[n] = 0;
    }
}

/* The same by the path's text, where the folder cannot be opened by id:
 * full paths compared without case. */
static BOOL within_box_by_name(const wchar_t *dir, const wchar_t *box)
{
    wchar_t d[FILEIO_LONG_PATH_MAX], b[FILEIO_LONG_PATH_MAX];
    size_t nb;
    if (!fileio_long_path(dir, d, FILEIO_LONG_PATH_MAX) ||
        !fileio_long_path(box, b, FILEIO_LONG_PATH_MAX))
        return FALSE;
    nb = wcslen(b);
    while (nb > 0 && b[nb - 1] == L'\\')
        b[--nb] = 0;
    return _wcsnicmp(d, b, nb) == 0 && (d[nb] == 0 || d[nb] == L'\\');
}

/* Finds the box (never creates it: it is the server's folder) and makes
 * sure the inventory folder is not it, nor inside it: there every
 * forwarded file would be found again as its own target and deleted "as
 * the local copy", and the box would end empty. */
static BOOL check_box(fwd_ctx *c, const wchar_t *invdata)
{
    BY_HANDLE_FILE_INFORMATION box_id;
    BOOL known = FALSE, inside;
    char d8[512], b8[512];
    HANDLE h;
    DWORD e;

    if (!c->box[0]) {
        fail_text(c, AGENT_FAIL_LOCAL,
                  "no logon server share configured (SMS.INI LastLogonServerPath)");
        LOG_ERROR(c->lf, "%s", c->r->err);
        return FALSE;
    }
    h = fsio_open(c->box, FILE_READ_ATTRIBUTES,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, OPEN_EXISTING,
                  FILE_FLAG_BACKUP_SEMANTICS);
    if (h == INVALID_HANDLE_VALUE) {
        e = GetLastError();
        fail(c, failclass_share(e, NULL, 0), "cannot reach the inventory box", c->box,
             e ? e : ERROR_PATH_NOT_FOUND);
        LOG_ERROR(c->lf, "%s", c->r->err);
        return FALSE;
    }
    if (GetFileInformationByHandle(h, &box_id)) {
        if (!(box_id.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
            CloseHandle(h);
            fail(c, AGENT_FAIL_SHARE, "cannot reach the inventory box", c->box, ERROR_DIRECTORY);
            LOG_ERROR(c->lf, "%s", c->r->err);
            return FALSE;
        }
        inside = within_box(invdata, &box_id, &known);
    } else {
        inside = FALSE;
    }
    CloseHandle(h);
    if (!known)
        inside = within_box_by_name(invdata, c->box);
    if (inside) {
        winstr_to_utf8(invdata, d8, sizeof d8);
        winstr_to_utf8(c->box, b8, sizeof b8);
        snprintf(c->r->err, sizeof c->r->err,
                 "the inventory folder %.100s is the inventory box %.100s or inside it: refused, "
                 "nothing forwarded or deleted",
                 d8, b8);
        c->r->fail = AGENT_FAIL_LOCAL;
        LOG_ERROR(c->lf, "%s (check SMSInvDataPath)", c->r->err);
        return FALSE;
    }
    return TRUE;
}

/* Tallies one file's result; FALSE when the pass must stop. */
static BOOL tally(fwd_ctx *c, fwd_result res, BOOL *ok)
{
    forward_result *r = c->r;
    switch (res) {
    case FWD_MOVED:
    case FWD_ALREADY:
        r->count++;
        break;
    case FWD_BUSY:
        r->busy++;
        break;
    case FWD_GONE:
    case FWD_OTHERS:
        r->others++;
        break;
    case FWD_KEPT:
        break;
    case FWD_FAILED:
        *ok = FALSE;
        /* A refused password: not one more try in this pass either. */
        if (r->fail == AGENT_FAIL_CREDENTIALS)
            return FALSE;
        break;
    }
    return TRUE;
}

BOOL forward_all(const wchar_t *invdata, const wchar_t *inv_box, const char *unique_id,
                 const agent_kept *known, logfile *lf, forward_result *r)
{
    /* The .RAW files first, then the claims left by agents (ours or
     * gone ones): a claim taken back is delivered in the same pass. */
    static const wchar_t *const patterns[] = {L"*.RAW", L"*" CLAIM_EXT};
    wchar_t pattern[CLIMON_PATH_MAX], local[CLIMON_PATH_MAX];
    WIN32_FIND_DATAW fd;
    HANDLE find = INVALID_HANDLE_VALUE;
    BOOL ok = FALSE, box_checked = FALSE;
    fwd_ctx c;
    DWORD e;

    memset(r, 0, sizeof *r);
    memset(&c, 0, sizeof c);
    c.invdata = invdata;
    c.box = inv_box;
    c.unique_id = unique_id;
    c.known = known;
    c.lf = lf;
    c.r = r;
    forward_claim_self(&c.self, time_now());
    if (!invdata[0]) {
        fail_text(&c, AGENT_FAIL_LOCAL, "no inventory folder configured (SMS.INI SMSInvDataPath)");
        return FALSE;
    }
    if (!path_join(pattern, CLIMON_PATH_MAX, invdata, L"*.RAW")) {
        fail(&c, AGENT_FAIL_LOCAL, "path too long:", invdata, ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    c.a = HeapAlloc(GetProcessHeap(), 0, IO_CHUNK);
    c.b = HeapAlloc(GetProcessHeap(), 0, IO_CHUNK);
    if (!c.a || !c.b) {
        fail_text(&c, AGENT_FAIL_LOCAL, "out of memory");
        goto out;
    }
    ok = TRUE;
    for (unsigned i = 0; i < 2; i++) {
        BOOL claims = i == 1;
        path_join(pattern, CLIMON_PATH_MAX, invdata, patterns[i]);
        find = FindFirstFileW(pattern, &fd);
        if (find == INVALID_HANDLE_VALUE) {
            e = GetLastError();
            if (e == ERROR_FILE_NOT_FOUND || e == ERROR_NO_MORE_FILES)
                continue; /* nothing of this kind */
            /* The inventory folder is this computer's (issue 17.4). */
            fail(&c, failclass_local(e), "cannot list", invdata, e);
            LOG_ERROR(lf, "%s", r->err);
            ok = FALSE;
            goto out;
        }
        do {
            wchar_t raw[MAX_PATH];
            forward_claim other;
            fwd_result res;
            if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
                !(claims ? forward_claim_parse(fd.cFileName, raw, MAX_PATH, &other)
                         : is_raw(fd.cFileName)))
                continue;
            if (!box_checked) {
                if (!check_box(&c, invdata)) {
                    ok = FALSE;
                    goto out;
                }
                box_checked = TRUE;
            }
            if (!path_join(local, CLIMON_PATH_MAX, invdata, fd.cFileName))
                continue;
            res =
                claims ? take_claim(&c, local, fd.cFileName) : forward_one(&c, local, fd.cFileName);
            if (!tally(&c, res, &ok))
                goto out;
        } while (FindNextFileW(find, &fd));
        FindClose(find);
        find = INVALID_HANDLE_VALUE;
    }
out:
    if (find != INVALID_HANDLE_VALUE)
        FindClose(find);
    if (c.a)
        HeapFree(GetProcessHeap(), 0, c.a);
    if (c.b)
        HeapFree(GetProcessHeap(), 0, c.b);
    return ok;
}
