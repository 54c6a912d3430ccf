/*
 * benchtool.c: the Windows-side driver of Climon's benchmarks
 * (docs/performance.md). It runs in the bench lab's Wine prefix, beside the
 * agent, so every time it takes comes from the same clocks the agent and
 * the stand-in Client Setup (fake_setup.c) read: QueryPerformanceCounter
 * for intervals, GetSystemTimePreciseAsFileTime for comparing with the
 * agent's CMTrace log (local time to the millisecond, with its bias).
 *
 *   benchtool rawpasses  figure 1 (and the passes of figure 4): per pass a new
 *                        CopyListVersion in CL_NT.TXT, then a .RAW written as
 *                        .TMP and renamed into INVDATA (time taken just before
 *                        the rename); waits for the stand-in Client Setup to
 *                        signal its start, reads the time it recorded, then
 *                        waits in CLIMON.LOG for the end of the pass.
 *                        Options: --passes=N --gap=MS (after each pass)
 *                        --out=FILE --first=N (numbers the .RAW files)
 *                        --event=none (the real Client Setup signals nothing:
 *                        only the log's times) --publish=0 (no new version:
 *                        the pass ends "up to date", no Client Setup).
 *   benchtool checkpasses the same, the pass started as the tray menu's
 *                        "Check now" does (WM_COMMAND IDM_CHECK_NOW posted to
 *                        the agent's window) instead of a .RAW.
 *   benchtool promptpasses figure 2: writes Changed Components and Change Id,
 *                        takes the time, sets Reboot Required=1 (the manager's
 *                        order), waits for the agent's "prompting for a
 *                        restart (change N" log line and takes its time; then
 *                        clears the flag and waits for "the site cleared it".
 *   benchtool mem PID    figure 4: memory and handles of a process, as
 *                        key=value lines: GetProcessMemoryInfo, committed
 *                        private memory from a VirtualQueryEx walk, and the
 *                        process's entries in the system handle table (Wine
 *                        answers PrivateUsage and GetProcessHandleCount with 0
 *                        for another process).
 *   benchtool mkclients  figure 6: N simulated clients of a site share, each
 *                        with its SMS.INI, site record, registry key (services
 *                        installed, one a version behind) and a queued .CCR
 *                        written with the core's ccr_write.
 *   benchtool rmclients  removes the registry tree mkclients made.
 *   benchtool threads    figure 4's control: --n short-lived threads, each
 *                        posting one message to a window (as the agent's job
 *                        threads do; --post=0: no message; --spawn=EXE: each
 *                        thread also runs EXE and waits, as the setup job
 *                        does; --copy=DIR: each copies a file as forward.c
 *                        does), one after the other; prints this process's
 *                        RssAnon before and after (Linux's /proc/self/status
 *                        through Wine's Z: drive).
 *   benchtool dirwatch   the same for a directory change notification re-armed
 *                        after each change, as dirwatch.c does (--dir, --n);
 *                        --rearm=2: also re-arm once more after the burst with
 *                        no change in between, as dirwatch.c's settle loop does;
 *                        --findonly=1: only FindFirstFileW("<dir>\\*.RAW") in a
 *                        folder with none, as forward_any does on each wake-up
 *                        (--findonly=2: with one .RAW in it, read to the end).
 * (The floors the figures are compared with are bench/floor.c's.)
 *
 * Every pass writes one tab-separated line to the --out file; the bash
 * scripts in bench/ turn those into the figures. Nothing here decides a
 * result: it measures and writes down.
 */
#include <windows.h>

#include <psapi.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "benchlib.h"

#include "climon-rc.h"
#include "climon/ccr.h"
#include "climon/copylist.h"

int wmain(int argc, wchar_t **argv);

#define LINE_MAX_BYTES 2048
#define FT_UNIX_EPOCH 116444736000000000ull

static const wchar_t *SERVICES_KEY = L"SOFTWARE\\Microsoft\\SMS\\Client Services";

/* ---- small helpers ---- */

static ULONGLONG ft_now(void)
{
    FILETIME ft;
    ULARGE_INTEGER u;
    GetSystemTimePreciseAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    return u.QuadPart;
}

static double ft_ms(ULONGLONG from, ULONGLONG to)
{
    return ((double)to - (double)from) / 10000.0;
}

static double ft_unix_s(ULONGLONG ft)
{
    return ((double)ft - (double)FT_UNIX_EPOCH) / 1e7;
}

static void u8(const wchar_t *w, char *out, size_t cap)
{
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)cap, NULL, NULL))
        out[0] = 0;
}

static BOOL read_all(const wchar_t *path, char **data, DWORD *len)
{
    HANDLE h =
        CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER sz;
    DWORD got = 0;
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    if (!GetFileSizeEx(h, &sz) || sz.QuadPart > 64 * 1024 * 1024) {
        CloseHandle(h);
        return FALSE;
    }
    *data = malloc((size_t)sz.QuadPart + 1);
    if (!*data || !ReadFile(h, *data, (DWORD)sz.QuadPart, &got, NULL)) {
        CloseHandle(h);
        return FALSE;
    }
    (*data)[got] = 0;
    *len = got;
    CloseHandle(h);
    return TRUE;
}

/* Temporary file and rename, as the site writes CL_NT.TXT. */
static BOOL write_atomic(const wchar_t *path, const void *data, DWORD len)
{
    wchar_t tmp[1100];
    _snwprintf(tmp, 1100, L"%ls.bench", path);
    tmp[1099] = 0;
    return bench_write_file(tmp, data, len) &&
           MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
}

/* ---- the agent's log, read as it grows ---- */

typedef struct logtail {
    wchar_t path[1024];
    ULONGLONG off;
    char pend[LINE_MAX_BYTES * 4];
    size_t npend;
} logtail;

static void logtail_open(logtail *lt, const wchar_t *path)
{
    memset(lt, 0, sizeof *lt);
    wcsncpy(lt->path, path, 1023);
    lt->off = bench_file_size(path);
}

/* Reads what was appended since the last call into the pending buffer. */
static void logtail_fill(logtail *lt)
{
    HANDLE h;
    LARGE_INTEGER at;
    DWORD got = 0;
    ULONGLONG size = bench_file_size(lt->path);

    if (size < lt->off) /* rolled over (the bench sets LogMaxKB so it should not) */
        lt->off = 0;
    if (size == lt->off || lt->npend >= sizeof lt->pend)
        return;
    h = CreateFileW(lt->path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return;
    at.QuadPart = (LONGLONG)lt->off;
    if (SetFilePointerEx(h, at, NULL, FILE_BEGIN) &&
        ReadFile(h, lt->pend + lt->npend, (DWORD)(sizeof lt->pend - lt->npend), &got, NULL)) {
        lt->npend += got;
        lt->off += got;
    }
    CloseHandle(h);
}

/* The next whole line (without CRLF), waiting up to timeout_ms for it. */
static BOOL logtail_next(logtail *lt, char *line, size_t cap, DWORD timeout_ms)
{
    LONGLONG start = bench_qpc_now();
    for (;;) {
        char *nl = memchr(lt->pend, '\n', lt->npend);
        if (nl) {
            size_t n = (size_t)(nl - lt->pend), keep = n;
            if (keep > 0 && lt->pend[keep - 1] == '\r')
                keep--;
            if (keep >= cap)
                keep = cap - 1;
            memcpy(line, lt->pend, keep);
            line[keep] = 0;
            memmove(lt->pend, nl + 1, lt->npend - n - 1);
            lt->npend -= n + 1;
            return TRUE;
        }
        if (bench_qpc_ms(start, bench_qpc_now()) > timeout_ms)
            return FALSE;
        logtail_fill(lt);
        if (!memchr(lt->pend, '\n', lt->npend))
            Sleep(5);
    }
}

/* The time of a CMTrace line as a UTC FILETIME: time="HH:MM:SS.mmm+BBB"
 * date="MM-DD-YYYY", UTC = local + bias minutes. 0 when not found. */
static ULONGLONG cmtrace_ft(const char *line)
{
    const char *t = strstr(line, "<time=\""), *d = strstr(line, "date=\"");
    unsigned hh, mm, ss, ms, bias, mo, dd, yy;
    char sign;
    SYSTEMTIME st;
    FILETIME ft;
    ULARGE_INTEGER u;
    LONGLONG b;

    if (!t || !d || sscanf(t + 7, "%2u:%2u:%2u.%3u%c%3u", &hh, &mm, &ss, &ms, &sign, &bias) != 6 ||
        sscanf(d + 6, "%2u-%2u-%4u", &mo, &dd, &yy) != 3)
        return 0;
    memset(&st, 0, sizeof st);
    st.wYear = (WORD)yy;
    st.wMonth = (WORD)mo;
    st.wDay = (WORD)dd;
    st.wHour = (WORD)hh;
    st.wMinute = (WORD)mm;
    st.wSecond = (WORD)ss;
    st.wMilliseconds = (WORD)ms;
    if (!SystemTimeToFileTime(&st, &ft))
        return 0;
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    b = (LONGLONG)bias * 60 * 10000000;
    return sign == '-' ? u.QuadPart - (ULONGLONG)b : u.QuadPart + (ULONGLONG)b;
}

/* ---- CL_NT.TXT with a new CopyListVersion ---- */

typedef struct copylist_file {
    wchar_t path[1024];
    char *data;
    DWORD len;
    size_t at, ndigits; /* the CopyListVersion value's digits */
} copylist_file;

static void clnt_load(copylist_file *c, const wchar_t *path)
{
    char *p;
    memset(c, 0, sizeof *c);
    wcsncpy(c->path, path, 1023);
    if (!read_all(path, &c->data, &c->len))
        bench_die("cannot read %ls", path);
    p = strstr(c->data, "CopyListVersion=");
    if (!p)
        bench_die("%ls has no CopyListVersion= line", path);
    c->at = (size_t)(p - c->data) + 16;
    while (c->data[c->at + c->ndigits] >= '0' && c->data[c->at + c->ndigits] <= '9')
        c->ndigits++;
}

static unsigned long clnt_version(const copylist_file *c)
{
    return strtoul(c->data + c->at, NULL, 10);
}

static void clnt_publish(copylist_file *c, unsigned long v)
{
    char num[16], *out;
    size_t n = (size_t)snprintf(num, sizeof num, "%lu", v);
    size_t len = c->len - c->ndigits + n;

    out = malloc(len + 1);
    if (!out)
        bench_die("out of memory");
    memcpy(out, c->data, c->at);
    memcpy(out + c->at, num, n);
    memcpy(out + c->at + n, c->data + c->at + c->ndigits, c->len - c->at - c->ndigits);
    out[len] = 0;
    if (!write_atomic(c->path, out, (DWORD)len))
        bench_die("cannot write %ls (%lu)", c->path, GetLastError());
    free(c->data);
    c->data = out;
    c->len = (DWORD)len;
    c->ndigits = n;
}

/* ---- figure 1: .RAW (or Check now) to Client Setup starting ---- */

static int cmd_passes(int argc, wchar_t **argv, BOOL check_now)
{
    const wchar_t *invdata = bench_opt(argc, argv, L"invdata", L"C:\\MS\\SMS\\INVDATA");
    const wchar_t *clnt = bench_opt(argc, argv, L"clnt", L"S:\\SMS_SHR\\CL_NT.TXT");
    const wchar_t *record = bench_opt(argc, argv, L"record", L"C:\\bench\\setup-record.txt");
    const wchar_t *logp = bench_opt(argc, argv, L"log", L"C:\\MS\\SMS\\LOGS\\CLIMON.LOG");
    const wchar_t *outp = bench_opt(argc, argv, L"out", NULL);
    const wchar_t *evname = bench_opt(argc, argv, L"event", L"ClimonBenchSetupStarted");
    const wchar_t *tag = bench_opt(argc, argv, L"tag", L"bench");
    unsigned passes = bench_opt_u(argc, argv, L"passes", L"10");
    unsigned gap = bench_opt_u(argc, argv, L"gap", L"800");
    unsigned first = bench_opt_u(argc, argv, L"first", L"1");
    unsigned timeout = bench_opt_u(argc, argv, L"timeout", L"60000");
    BOOL publish = bench_opt_u(argc, argv, L"publish", L"1") != 0;
    BOOL use_event = wcscmp(evname, L"none") != 0;
    copylist_file cl;
    logtail lt;
    HANDLE ev;
    FILE *out;
    HWND agent = NULL;
    unsigned failures = 0;
    ULONGLONG rec_off;

    ev = use_event ? CreateEventW(NULL, FALSE, FALSE, evname) : NULL;
    if (use_event && !ev)
        bench_die("cannot create the event %ls", evname);
    out = _wfopen(outp, L"a");
    if (!out)
        bench_die("cannot open %ls", outp);
    clnt_load(&cl, clnt);
    logtail_open(&lt, logp);
    rec_off = use_event ? bench_file_size(record) : 0;
    if (check_now) {
        agent = FindWindowW(L"Climon.Agent", NULL);
        if (!agent)
            bench_die("no agent window (class Climon.Agent)");
    }

    for (unsigned i = 0; i < passes; i++) {
        unsigned long v = clnt_version(&cl) + (publish ? 1 : 0);
        wchar_t tmp[1100], raw[1100];
        char body[256], line[LINE_MAX_BYTES], want_exit[96], *rec = NULL;
        LONGLONG q0, qs = 0;
        ULONGLONG f0, fs = 0, f_fwd = 0, f_started = 0, f_exited = 0, f_end = 0, f_fwded = 0,
                      f_decided = 0, f_file = 0, f_smsini = 0;
        DWORD rlen = 0;
        int blen;
        BOOL got_exit = FALSE;

        if (publish)
            clnt_publish(&cl, v);
        if (ev)
            ResetEvent(ev);
        if (!check_now) {
            _snwprintf(tmp, 1100, L"%ls\\B%07u.TMP", invdata, first + i);
            _snwprintf(raw, 1100, L"%ls\\B%07u.RAW", invdata, first + i);
            tmp[1099] = raw[1099] = 0;
            blen = snprintf(body, sizeof body,
                            "[Inventory]\r\nBench=%ls\r\nPass=%u\r\nCounter=%lld\r\n", tag,
                            first + i, (long long)bench_qpc_now());
            if (!bench_write_file(tmp, body, (DWORD)blen))
                bench_die("cannot write %ls (%lu)", tmp, GetLastError());
            q0 = bench_qpc_now();
            f0 = ft_now();
            if (!MoveFileW(tmp, raw))
                bench_die("cannot rename %ls (%lu)", tmp, GetLastError());
        } else {
            q0 = bench_qpc_now();
            f0 = ft_now();
            PostMessageW(agent, WM_COMMAND, MAKEWPARAM(IDM_CHECK_NOW, 0), 0);
        }

        if (!ev) {
            /* nothing to wait for: the log says when setup started */
        } else if (WaitForSingleObject(ev, timeout) != WAIT_OBJECT_0) {
            fprintf(stderr, "benchtool: pass %u: Client Setup did not start within %u ms\n",
                    first + i, timeout);
            failures++;
        } else if (read_all(record, &rec, &rlen) && rlen > rec_off) {
            /* The last line the stand-in appended. */
            char *p = rec + rec_off, *last = p;
            for (char *s = p; *s; s++)
                if (*s == '\n' && s[1])
                    last = s + 1;
            sscanf(last, "qpc=%lld freq=%*d ft=%llu", &qs, &fs);
            rec_off = rlen;
        }
        free(rec);

        /* The end of the pass: the core's line on the setup exit, then its
         * answer to the report. Times on the way are the breakdown. */
        if (publish)
            snprintf(want_exit, sizeof want_exit, "Client Setup for version %lu exited", v);
        else /* "local X, server V: up to date" or "...: Client Setup already ran ..." */
            snprintf(want_exit, sizeof want_exit, "server %lu: ", v);
        while (logtail_next(&lt, line, sizeof line, timeout)) {
            /* Lines of the pass before (a queued second pass) are not this
             * pass's: the log has milliseconds, f0 is exact. */
            if (cmtrace_ft(line) + 10000u < f0)
                continue;
            if (!f_fwd && strstr(line, "forwarding inventory files"))
                f_fwd = cmtrace_ft(line);
            else if (!f_file && strstr(line, "LOG[forwarded ") && strstr(line, " bytes)"))
                f_file = cmtrace_ft(line); /* forward.c: the file is in the box */
            else if (!f_fwded && strstr(line, "inventory file(s): reading CopyListVersions"))
                f_fwded = cmtrace_ft(line);
            else if (f_fwded && !f_smsini && strstr(line, "LOG[SMS.INI ") &&
                     strstr(line, "CopyListVersion"))
                f_smsini = cmtrace_ft(line); /* the version job's first line */
            else if (!f_decided && strstr(line, "differ: running Client Setup"))
                f_decided = cmtrace_ft(line);
            else if (!f_started && strstr(line, "started Client Setup (process"))
                f_started = cmtrace_ft(line);
            else if (!f_exited && strstr(line, "Client Setup exited with code"))
                f_exited = cmtrace_ft(line);
            else if (strstr(line, want_exit)) {
                got_exit = TRUE;
                if (!publish) {
                    f_end = cmtrace_ft(line);
                    break;
                }
            } else if (got_exit && strstr(line, "manager reports")) {
                f_end = cmtrace_ft(line);
                break;
            }
        }
        if (!f_end) {
            fprintf(stderr, "benchtool: pass %u: no end of pass in the log\n", first + i);
            failures++;
        }
        /* pass version t0_unix lat_qpc_ms lat_ft_ms t0->forward t0->started t0->exited t0->end
         * t0->forwarded t0->setup-decided t0->file-in-box t0->smsini-read (times from the log
         * are to the ms) */
        fprintf(out, "%u\t%lu\t%.6f\t%.3f\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n",
                first + i, v, ft_unix_s(f0), qs ? bench_qpc_ms(q0, qs) : -1.0,
                fs ? ft_ms(f0, fs) : -1.0, f_fwd ? ft_ms(f0, f_fwd) : -1.0,
                f_started ? ft_ms(f0, f_started) : -1.0, f_exited ? ft_ms(f0, f_exited) : -1.0,
                f_end ? ft_ms(f0, f_end) : -1.0, f_fwded ? ft_ms(f0, f_fwded) : -1.0,
                f_decided ? ft_ms(f0, f_decided) : -1.0, f_file ? ft_ms(f0, f_file) : -1.0,
                f_smsini ? ft_ms(f0, f_smsini) : -1.0);
        fflush(out);
        if (gap)
            Sleep(gap);
    }
    fclose(out);
    if (ev)
        CloseHandle(ev);
    return failures ? 1 : 0;
}

/* ---- figure 2: Reboot Required set to the prompt ---- */

static DWORD reg_dword(HKEY k, const wchar_t *name, DWORD def)
{
    DWORD v = 0, sz = sizeof v, type = 0;
    if (RegQueryValueExW(k, name, NULL, &type, (BYTE *)&v, &sz) != ERROR_SUCCESS ||
        type != REG_DWORD)
        return def;
    return v;
}

static void reg_set_dword(HKEY k, const wchar_t *name, DWORD v)
{
    if (RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&v, sizeof v) != ERROR_SUCCESS)
        bench_die("cannot set %ls", name);
}

static void reg_set_sz(HKEY k, const wchar_t *name, const wchar_t *v)
{
    if (RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)v, (DWORD)((wcslen(v) + 1) * 2)) !=
        ERROR_SUCCESS)
        bench_die("cannot set %ls", name);
}

static int cmd_prompt(int argc, wchar_t **argv)
{
    const wchar_t *logp = bench_opt(argc, argv, L"log", L"C:\\MS\\SMS\\LOGS\\CLIMON.LOG");
    const wchar_t *outp = bench_opt(argc, argv, L"out", NULL);
    unsigned passes = bench_opt_u(argc, argv, L"passes", L"10");
    unsigned gap = bench_opt_u(argc, argv, L"gap", L"300");
    unsigned timeout = bench_opt_u(argc, argv, L"timeout", L"60000");
    unsigned failures = 0;
    logtail lt;
    HKEY k;
    FILE *out;

    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, SERVICES_KEY, 0, NULL, 0,
                        KEY_READ | KEY_WRITE | KEY_WOW64_64KEY, NULL, &k, NULL) != ERROR_SUCCESS)
        bench_die("cannot open Client Services");
    out = _wfopen(outp, L"a");
    if (!out)
        bench_die("cannot open %ls", outp);
    logtail_open(&lt, logp);
    RegDeleteValueW(k, L"Reboot Required");
    RegDeleteValueW(k, L"Logoff Required");

    for (unsigned i = 0; i < passes; i++) {
        DWORD id = reg_dword(k, L"Change Id", 0) + 1;
        wchar_t comps[64];
        char want[96], line[LINE_MAX_BYTES];
        LONGLONG q0;
        ULONGLONG f0, f_heard = 0, f_report = 0, f_prompt = 0, f_icon = 0, f_cleared = 0;

        if (id == 0)
            id = 1;
        _snwprintf(comps, 64, L"Bench Service 1.0.%u", i + 1);
        comps[63] = 0;
        /* The manager's order: components, then the id, then the flag. */
        reg_set_sz(k, L"Changed Components", comps);
        reg_set_dword(k, L"Change Id", id);
        q0 = bench_qpc_now();
        f0 = ft_now();
        reg_set_dword(k, L"Reboot Required", 1);

        snprintf(want, sizeof want, "prompting for a restart (change %lu:", (unsigned long)id);
        while (logtail_next(&lt, line, sizeof line, timeout)) {
            if (!f_heard && strstr(line, "Client Services changed: reading the report"))
                f_heard = cmtrace_ft(line);
            else if (f_heard && !f_report && strstr(line, "report: restart="))
                f_report = cmtrace_ft(line); /* report.c's last line of the read */
            else if (strstr(line, want)) {
                f_prompt = cmtrace_ft(line);
                break;
            }
        }
        /* The icon's state line follows on the same thread (tray.c). */
        if (f_prompt && logtail_next(&lt, line, sizeof line, 2000) && strstr(line, "icon:"))
            f_icon = cmtrace_ft(line);
        if (!f_prompt) {
            fprintf(stderr, "benchtool: pass %u: no prompt line for change %lu\n", i + 1,
                    (unsigned long)id);
            failures++;
        }
        /* The site clears it; the agent drops the prompt. */
        RegDeleteValueW(k, L"Reboot Required");
        while (logtail_next(&lt, line, sizeof line, timeout)) {
            if (strstr(line, "the site cleared it")) {
                f_cleared = cmtrace_ft(line);
                break;
            }
        }
        if (!f_cleared) {
            fprintf(stderr, "benchtool: pass %u: the agent did not see the flag cleared\n", i + 1);
            failures++;
        }
        /* pass change t0_unix lat_ms(log) t0->heard t0->icon qpc_spent_ms t0->report-read */
        fprintf(out, "%u\t%lu\t%.6f\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\n", i + 1, (unsigned long)id,
                ft_unix_s(f0), f_prompt ? ft_ms(f0, f_prompt) : -1.0,
                f_heard ? ft_ms(f0, f_heard) : -1.0, f_icon ? ft_ms(f0, f_icon) : -1.0,
                bench_qpc_ms(q0, bench_qpc_now()), f_report ? ft_ms(f0, f_report) : -1.0);
        fflush(out);
        if (gap)
            Sleep(gap);
    }
    fclose(out);
    RegCloseKey(k);
    return failures ? 1 : 0;
}

/* ---- figure 4: memory and handles of a process ---- */

/* SystemExtendedHandleInformation (64): every handle of every process. */
typedef struct bench_handle_entry {
    PVOID object;
    ULONG_PTR pid;
    ULONG_PTR handle;
    ULONG access;
    USHORT creator_back_trace;
    USHORT type_index;
    ULONG attributes;
    ULONG reserved;
} bench_handle_entry;

typedef struct bench_handle_info {
    ULONG_PTR count;
    ULONG_PTR reserved;
    bench_handle_entry h[1];
} bench_handle_info;

typedef LONG(WINAPI *nt_query_system_information)(ULONG, PVOID, ULONG, PULONG);

/* Handles of pid from the system's handle table; -1 when not available. */
static long count_handles(DWORD pid)
{
    nt_query_system_information q = (nt_query_system_information)(void (*)(void))GetProcAddress(
        GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    ULONG size = 1u << 20, need = 0;
    bench_handle_info *info = NULL;
    long n = -1;
    LONG st;

    if (!q)
        return -1;
    for (int tries = 0; tries < 6; tries++) {
        info = malloc(size);
        if (!info)
            return -1;
        st = q(64, info, size, &need);
        if (st == 0)
            break;
        free(info);
        info = NULL;
        if (st != (LONG)0xC0000004L) /* STATUS_INFO_LENGTH_MISMATCH */
            return -1;
        size = need > size ? need + 65536 : size * 2;
    }
    if (!info)
        return -1;
    n = 0;
    for (ULONG_PTR i = 0; i < info->count; i++)
        if (info->h[i].pid == pid)
            n++;
    free(info);
    return n;
}

/* Committed private memory of a process, from a walk of its address space
 * (VirtualQueryEx): what Windows reports as private bytes. */
static unsigned long long private_committed(HANDLE p)
{
    MEMORY_BASIC_INFORMATION mbi;
    unsigned char *at = NULL;
    unsigned long long sum = 0;

    while (VirtualQueryEx(p, at, &mbi, sizeof mbi) == sizeof mbi) {
        if (mbi.State == MEM_COMMIT && mbi.Type == MEM_PRIVATE)
            sum += mbi.RegionSize;
        at = (unsigned char *)mbi.BaseAddress + mbi.RegionSize;
        if ((ULONG_PTR)at < (ULONG_PTR)mbi.BaseAddress)
            break;
    }
    return sum;
}

static int cmd_mem(int argc, wchar_t **argv)
{
    DWORD pid, handles = 0;
    HANDLE p;
    PROCESS_MEMORY_COUNTERS_EX pmc;

    if (argc < 3)
        bench_die("mem PID");
    pid = (DWORD)wcstoul(argv[2], NULL, 10);
    p = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
    if (!p)
        bench_die("cannot open process %lu (%lu)", (unsigned long)pid, GetLastError());
    memset(&pmc, 0, sizeof pmc);
    pmc.cb = sizeof pmc;
    if (!GetProcessMemoryInfo(p, (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof pmc))
        bench_die("GetProcessMemoryInfo failed (%lu)", GetLastError());
    if (!GetProcessHandleCount(p, &handles))
        handles = 0;
    /* Wine fills PrivateUsage and GetProcessHandleCount only for the
     * calling process; the walk and the handle table are asked too. */
    printf("pmc_private_bytes=%llu\nworking_set_bytes=%llu\npagefile_bytes=%llu\n"
           "private_committed_bytes=%llu\nhandle_count_api=%lu\nhandles_in_table=%ld\n",
           (unsigned long long)pmc.PrivateUsage, (unsigned long long)pmc.WorkingSetSize,
           (unsigned long long)pmc.PagefileUsage, private_committed(p), (unsigned long)handles,
           count_handles(pid));
    CloseHandle(p);
    return 0;
}

/* ---- figure 4's control: Wine's cost of a short-lived thread ---- */

/* RssAnon of this process in KB, from Linux's /proc through Wine's Z: drive. */
static long self_rss_anon_kb(void)
{
    /* /proc files have no size: read until the end. */
    HANDLE h = CreateFileW(L"Z:\\proc\\self\\status", GENERIC_READ, FILE_SHARE_READ, NULL,
                           OPEN_EXISTING, 0, NULL);
    char buf[8192], *p;
    DWORD got = 0, total = 0;
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    while (total < sizeof buf - 1 && ReadFile(h, buf + total, sizeof buf - 1 - total, &got, NULL) &&
           got > 0)
        total += got;
    CloseHandle(h);
    buf[total] = 0;
    p = strstr(buf, "RssAnon:");
    return p ? strtol(p + 8, NULL, 10) : -1;
}

static const wchar_t
    *g_copydir; /* --copy: a folder each thread copies a file in, as forward.c does */

static void copy_like_forward(const wchar_t *dir, unsigned i)
{
    wchar_t src[1100], tmp[1100], dst[1100], pat[1100];
    char buf[4096];
    DWORD got = 0, put = 0;
    HANDLE in, out, find;
    WIN32_FIND_DATAW fd;
    int n;

    _snwprintf(src, 1100, L"%ls\\S%06u.RAW", dir, i);
    _snwprintf(tmp, 1100, L"%ls\\BOX\\D%06u.TMP", dir, i);
    _snwprintf(dst, 1100, L"%ls\\BOX\\D%06u.RAW", dir, i);
    _snwprintf(pat, 1100, L"%ls\\*.RAW", dir);
    n = snprintf(buf, sizeof buf, "[Inventory]\r\nFile=%u\r\n", i);
    bench_write_file(src, buf, (DWORD)n);
    find = FindFirstFileW(pat, &fd);
    if (find != INVALID_HANDLE_VALUE)
        FindClose(find);
    in = CreateFileW(src, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                     FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (in == INVALID_HANDLE_VALUE)
        return;
    ReadFile(in, buf, sizeof buf, &got, NULL);
    out = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (out != INVALID_HANDLE_VALUE) {
        WriteFile(out, buf, got, &put, NULL);
        FlushFileBuffers(out);
        CloseHandle(out);
        MoveFileExW(tmp, dst, MOVEFILE_WRITE_THROUGH);
    }
    CloseHandle(in);
    DeleteFileW(src);
    DeleteFileW(dst);
}

static const wchar_t *g_spawn; /* --spawn: a program each thread runs and waits for */

static DWORD WINAPI post_thread(LPVOID param)
{
    HWND hwnd = param;
    if (g_spawn && g_spawn[0]) {
        STARTUPINFOW si;
        PROCESS_INFORMATION pi;
        wchar_t line[1100];
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        _snwprintf(line, 1100, L"\"%ls\"", g_spawn);
        line[1099] = 0;
        if (CreateProcessW(g_spawn, line, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL, &si,
                           &pi)) {
            WaitForSingleObject(pi.hProcess, INFINITE);
            CloseHandle(pi.hThread);
            CloseHandle(pi.hProcess);
        }
    }
    if (g_copydir && g_copydir[0])
        copy_like_forward(g_copydir, (unsigned)GetCurrentThreadId());
    if (hwnd)
        PostMessageW(hwnd, WM_APP, 0, 0);
    return 0;
}

/* As the agent does for each job: a thread that posts one message to the
 * main thread's window and ends, N times; RSS before and after. */
static int cmd_threads(int argc, wchar_t **argv)
{
    unsigned n = bench_opt_u(argc, argv, L"n", L"4000");
    BOOL post = bench_opt_u(argc, argv, L"post", L"1") != 0;
    unsigned warm = bench_opt_u(argc, argv, L"warmup", L"100");
    WNDCLASSW wc;
    HWND hwnd;
    MSG m;
    long before = -1, after;

    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = DefWindowProcW;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"ClimonBenchThreads";
    RegisterClassW(&wc);
    hwnd = CreateWindowExW(0, wc.lpszClassName, L"", WS_OVERLAPPEDWINDOW, 0, 0, 10, 10, NULL, NULL,
                           wc.hInstance, NULL);
    /* Warm up, so one-time allocations are not counted. */
    g_spawn = bench_opt(argc, argv, L"spawn", L"");
    g_copydir = bench_opt(argc, argv, L"copy", L"");
    if (g_copydir[0]) {
        wchar_t box[1100];
        CreateDirectoryW(g_copydir, NULL);
        _snwprintf(box, 1100, L"%ls\\BOX", g_copydir);
        box[1099] = 0;
        CreateDirectoryW(box, NULL);
    }
    for (unsigned i = 0; i < warm + n; i++) {
        HANDLE t;
        if (i == warm)
            before = self_rss_anon_kb();
        t = CreateThread(NULL, 0, post_thread, post ? hwnd : NULL, 0, NULL);
        if (!t)
            bench_die("CreateThread failed (%lu)", GetLastError());
        WaitForSingleObject(t, INFINITE);
        CloseHandle(t);
        while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE))
            DispatchMessageW(&m);
    }
    after = self_rss_anon_kb();
    printf("threads=%u post=%d spawn=%d copy=%d rss_anon_before_kb=%ld rss_anon_after_kb=%ld\n", n,
           post ? 1 : 0, g_spawn[0] ? 1 : 0, g_copydir[0] ? 1 : 0, before, after);
    DestroyWindow(hwnd);
    return 0;
}

/* Figure 4's second control: the directory watch the agent keeps on
 * INVDATA (dirwatch.c), alone: --n times a file is created, renamed and
 * deleted in --dir while a change notification is re-armed after each
 * signal (FindFirstChangeNotificationW / FindNextChangeNotification, the
 * same filter as the agent). RSS before and after. */
static int cmd_dirwatch(int argc, wchar_t **argv)
{
    const wchar_t *dir = bench_opt(argc, argv, L"dir", NULL);
    unsigned n = bench_opt_u(argc, argv, L"n", L"1000");
    unsigned warm = bench_opt_u(argc, argv, L"warmup", L"50");
    unsigned find_only = bench_opt_u(argc, argv, L"findonly", L"0");
    unsigned rearm = bench_opt_u(argc, argv, L"rearm", L"1");
    wchar_t a[1100], b[1100];
    unsigned signals = 0;
    long before = -1, after;
    HANDLE h, waits[2];

    CreateDirectoryW(dir, NULL);
    if (find_only > 1) { /* --findonly=2: the folder holds one .RAW */
        wchar_t one[1100];
        _snwprintf(one, 1100, L"%ls\\ONE.RAW", dir);
        one[1099] = 0;
        bench_write_file(one, "x", 1);
    }
    h = FindFirstChangeNotificationW(dir, FALSE,
                                     FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE |
                                         FILE_NOTIFY_CHANGE_SIZE);
    if (h == INVALID_HANDLE_VALUE)
        bench_die("cannot watch %ls (%lu)", dir, GetLastError());
    /* As dirwatch.c: a stop event and the notification, waited on together. */
    waits[0] = CreateEventW(NULL, TRUE, FALSE, NULL);
    waits[1] = h;
    _snwprintf(a, 1100, L"%ls\\W.TMP", dir);
    _snwprintf(b, 1100, find_only ? L"%ls\\*.RAW" : L"%ls\\W.RAW", dir);
    a[1099] = b[1099] = 0;
    for (unsigned i = 0; i < warm + n; i++) {
        if (i == warm)
            before = self_rss_anon_kb();
        if (find_only) {
            /* What the agent does on each wake-up (forward_any): look for
             * *.RAW, here in a folder that has none. */
            WIN32_FIND_DATAW fd;
            HANDLE f = FindFirstFileW(b, &fd);
            if (f != INVALID_HANDLE_VALUE) {
                while (FindNextFileW(f, &fd))
                    ;
                FindClose(f);
            }
            continue;
        }
        if (!bench_write_file(a, "x", 1) || !MoveFileW(a, b) || !DeleteFileW(b))
            bench_die("file operations in %ls failed (%lu)", dir, GetLastError());
        /* Take every signal the burst gave, re-arming each time. */
        while (WaitForMultipleObjects(2, waits, FALSE, 20) == WAIT_OBJECT_0 + 1) {
            signals++;
            if (!FindNextChangeNotification(h))
                bench_die("FindNextChangeNotification failed (%lu)", GetLastError());
        }
        /* dirwatch.c re-arms once more after its settle wait timed out,
         * with no change in between (--rearm=2 does the same). */
        if (rearm > 1 && !FindNextChangeNotification(h))
            bench_die("FindNextChangeNotification failed (%lu)", GetLastError());
    }
    after = self_rss_anon_kb();
    FindCloseChangeNotification(h);
    printf("iterations=%u signals=%u rss_anon_before_kb=%ld rss_anon_after_kb=%ld\n", n, signals,
           before, after);
    return 0;
}

/* ---- figure 6: many clients of one site ---- */

static void mkdir_p(const wchar_t *dir)
{
    if (!CreateDirectoryW(dir, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        bench_die("cannot create %ls (%lu)", dir, GetLastError());
}

static int cmd_mkclients(int argc, wchar_t **argv)
{
    const wchar_t *share = bench_opt(argc, argv, L"share", NULL);
    const wchar_t *root = bench_opt(argc, argv, L"root", NULL);
    const wchar_t *regbase = bench_opt(argc, argv, L"regbase", L"SOFTWARE\\ClimonBench");
    const wchar_t *stale = bench_opt(argc, argv, L"stale", L"INV32CLI=1.2.0");
    unsigned n = bench_opt_u(argc, argv, L"n", L"100");
    wchar_t path[1100], dir[1100];
    char *data, stale_name[64], stale_ver[32], text[2048];
    DWORD len;
    copylist *cl;
    copylist_error ce;
    SYSTEMTIME now;
    ccr_time t;
    LONGLONG q0 = bench_qpc_now();

    u8(stale, text, sizeof text);
    if (sscanf(text, "%63[^=]=%31s", stale_name, stale_ver) != 2)
        bench_die("--stale=NAME=VERSION");
    _snwprintf(path, 1100, L"%ls\\CL_NT.TXT", share);
    path[1099] = 0;
    if (!read_all(path, &data, &len))
        bench_die("cannot read %ls", path);
    cl = calloc(1, sizeof *cl);
    if (!cl || copylist_parse(data, len, cl, &ce) != COPYLIST_OK)
        bench_die("%ls does not parse", path);
    GetLocalTime(&now);
    t.year = now.wYear;
    t.month = now.wMonth;
    t.day = now.wDay;
    t.hour = now.wHour;
    t.minute = now.wMinute;
    mkdir_p(root);

    for (unsigned c = 1; c <= n; c++) {
        char id[16], machine[16], ccr[1024];
        size_t ccr_len = 0;
        ccr_request req;
        HKEY base, comp;
        int tl;

        snprintf(id, sizeof id, "B%07u", c);
        snprintf(machine, sizeof machine, "BPC%07u", c);
        /* The client: its folder, BIN and SMS.INI. */
        _snwprintf(dir, 1100, L"%ls\\%hs", root, id);
        dir[1099] = 0;
        mkdir_p(dir);
        _snwprintf(path, 1100, L"%ls\\BIN", dir);
        mkdir_p(path);
        _snwprintf(path, 1100, L"%ls\\SMS.INI", dir);
        tl = snprintf(text, sizeof text,
                      "[Servers]\r\nDomain=BENCHDOM\r\n\r\n[SMS]\r\nCopyListVersion=%lu\r\n"
                      "SiteCode=BEN\r\nSMS Unique ID=%s\r\nSMSPath=%ls\r\n\r\n[Local]\r\n"
                      "MachineName=%s\r\n",
                      (unsigned long)cl->version.value, id, dir, machine);
        if (!bench_write_file(path, text, (DWORD)tl))
            bench_die("cannot write %ls", path);
        /* The site's record of it. */
        _snwprintf(path, 1100, L"%ls\\CLIENTS\\%hs.INI", share, id);
        path[1099] = 0;
        tl = snprintf(text, sizeof text,
                      "[Client]\r\nSMS.INI=%ls\\SMS.INI\r\nRegistry=%ls\\%s\r\nMachine Name=%s\r\n",
                      dir, regbase, id, machine);
        if (!bench_write_file(path, text, (DWORD)tl))
            bench_die("cannot write %ls", path);
        /* Its registry: every service installed, one of them a version behind. */
        _snwprintf(path, 1100, L"%ls\\%hs\\Components", regbase, id);
        path[1099] = 0;
        if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_WRITE | KEY_WOW64_64KEY, NULL,
                            &base, NULL) != ERROR_SUCCESS)
            bench_die("cannot create HKLM\\%ls", path);
        for (unsigned k = 0; k < cl->ncomponents; k++) {
            const copylist_component *cc = &cl->comp[k];
            wchar_t w[256], files[COPYLIST_MAX_FILES * (COPYLIST_FILE_MAX + 1) + 1], *fp = files;
            if (cc->kind != COPYLIST_SERVICE)
                continue;
            _snwprintf(w, 256, L"%hs", cc->name);
            if (RegCreateKeyExW(base, w, 0, NULL, 0, KEY_WRITE | KEY_WOW64_64KEY, NULL, &comp,
                                NULL) != ERROR_SUCCESS)
                bench_die("cannot create component key %hs", cc->name);
            _snwprintf(w, 256, L"%hs", strcmp(cc->name, stale_name) == 0 ? stale_ver : cc->version);
            reg_set_sz(comp, L"Installed Version", w);
            reg_set_sz(comp, L"Kind", L"service");
            _snwprintf(w, 256, L"%hs", cc->display);
            reg_set_sz(comp, L"Display Name", w);
            for (unsigned f = 0; f < cc->nfiles; f++)
                fp += _snwprintf(fp, COPYLIST_FILE_MAX + 1, L"%hs", cc->files[f]) + 1;
            *fp++ = 0;
            RegSetValueExW(comp, L"Files", 0, REG_MULTI_SZ, (const BYTE *)files,
                           (DWORD)((fp - files) * sizeof(wchar_t)));
            RegCloseKey(comp);
        }
        RegCloseKey(base);
        /* Its request, as Client Setup files it. */
        memset(&req, 0, sizeof req);
        snprintf(req.machine, sizeof req.machine, "%s", machine);
        snprintf(req.domain, sizeof req.domain, "BENCHDOM");
        req.initial = t;
        req.latest = t;
        req.count = 1;
        if (ccr_write(&req, ccr, sizeof ccr, &ccr_len, NULL) != CCR_OK)
            bench_die("ccr_write failed for %s", id);
        _snwprintf(path, 1100, L"%ls\\CCR.BOX\\%hs.CCR", share, id);
        path[1099] = 0;
        if (!bench_write_file(path, ccr, (DWORD)ccr_len))
            bench_die("cannot write %ls", path);
    }
    printf("clients=%u seconds=%.3f\n", n, bench_qpc_ms(q0, bench_qpc_now()) / 1000.0);
    free(cl);
    free(data);
    return 0;
}

static int cmd_rmclients(int argc, wchar_t **argv)
{
    const wchar_t *regbase = bench_opt(argc, argv, L"regbase", L"SOFTWARE\\ClimonBench");
    LSTATUS rc = RegDeleteTreeW(HKEY_LOCAL_MACHINE, regbase);
    if (rc == ERROR_SUCCESS)
        RegDeleteKeyExW(HKEY_LOCAL_MACHINE, regbase, KEY_WOW64_64KEY, 0);
    return rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND ? 0 : 1;
}

/* ---- */

int wmain(int argc, wchar_t **argv)
{
    bench_program = "benchtool";
    if (argc < 2)
        bench_die(
            "usage: benchtool "
            "rawpasses|checkpasses|promptpasses|mem|mkclients|rmclients|threads|dirwatch ...");
    if (wcscmp(argv[1], L"rawpasses") == 0)
        return cmd_passes(argc, argv, FALSE);
    if (wcscmp(argv[1], L"checkpasses") == 0)
        return cmd_passes(argc, argv, TRUE);
    if (wcscmp(argv[1], L"promptpasses") == 0)
        return cmd_prompt(argc, argv);
    if (wcscmp(argv[1], L"mem") == 0)
        return cmd_mem(argc, argv);
    if (wcscmp(argv[1], L"mkclients") == 0)
        return cmd_mkclients(argc, argv);
    if (wcscmp(argv[1], L"rmclients") == 0)
        return cmd_rmclients(argc, argv);
    if (wcscmp(argv[1], L"threads") == 0)
        return cmd_threads(argc, argv);
    if (wcscmp(argv[1], L"dirwatch") == 0)
        return cmd_dirwatch(argc, argv);
    bench_die("unknown verb %ls", argv[1]);
    return 2;
}
