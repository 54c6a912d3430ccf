/*
 * floor.c: the physical floors of the bench's latencies (issue 16.1): what
 * the same work costs under the same Wine prefix, in the same run, with
 * nothing of Climon's around it. Each verb times one bare operation --n
 * times with QueryPerformanceCounter (the clock benchtool.c and the
 * stand-in Client Setup, fake_setup.c, read) and writes one tab-separated
 * line per sample to --out; bench/fig*-* turn them into ratios.
 *
 *   bench_floor spawn    figure 1: CreateProcessW of --exe (the stand-in
 *                        Client Setup the agent starts, by the same path:
 *                        the share's X86.BIN\CLI_NT.EXE) with --args and the
 *                        agent's flags (CREATE_NO_WINDOW |
 *                        CREATE_UNICODE_ENVIRONMENT), to the stand-in's first
 *                        instruction: the counter just before the call to the
 *                        one the stand-in records first thing in its wmain
 *                        (CLIMON_BENCH_RECORD, then CLIMON_BENCH_EVENT, as in
 *                        a pass). Then it waits for the exit, as the agent's
 *                        setup job does. Columns: run start_ms call_ms.
 *   bench_floor copy     figure 1's forward job: a plain copy of --bytes
 *                        bytes from --src (a local folder) to --dst (a
 *                        folder of the share), the way forward.c moves a
 *                        file but with nothing else: open, read, create the
 *                        .TMP, write, flush, close, MoveFileExW (write
 *                        through), delete the source. The source is written
 *                        before the clock starts, the target removed after it
 *                        stops. Columns: run total_ms read_ms write_flush_ms
 *                        rename_ms delete_ms.
 *   bench_floor regquery figure 2's report read: one RegQueryValueExW of
 *                        Client Services' Change Id on a key opened once.
 *                        Columns: run ms.
 *   bench_floor ccm      figure 6's floor: what one request of the bench's
 *                        clients must cost the file system and the registry,
 *                        done by a program that checks, parses and logs
 *                        nothing. For every *.CCR in --share's CCR.BOX, on
 *                        --threads threads as the manager (CCM_WORKERS): the
 *                        claim (open, rename by handle into WORK, read), the
 *                        site's record and the client's SMS.INI read, the
 *                        Installed Version of each of --services read, each
 *                        of --files staged beside its target in the client's
 *                        BIN (create, write, flush) and renamed over it, the
 *                        component --comp written (Files, Kind, Display Name,
 *                        Installed Version), the report written (Changed
 *                        Components, Change Id, Reboot Required), the claim
 *                        deleted. The file bytes are read once, before the
 *                        clock. Prints requests=N ms=T failed=F.
 *   bench_floor calls    figure 6's cost of one wineserver round trip, the
 *                        unit all of the above is made of under Wine: --n
 *                        RegQueryValueExW of a small value on a key each of
 *                        --threads threads opened once (the cheapest call
 *                        the manager makes: the server answers from memory,
 *                        no file system behind it). Prints calls=N ms=T
 *                        us_per_call=U (wall over all threads: what the
 *                        server can turn round per second, not one call's
 *                        latency, unless --threads=1).
 *
 * It measures and writes down; nothing here decides a result.
 */
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "benchlib.h"

int wmain(int argc, wchar_t **argv);

static const wchar_t *SERVICES_KEY = L"SOFTWARE\\Microsoft\\SMS\\Client Services";

/* The counter of the last record line the stand-in appended after off
 * (0 when none); *off moves to the end. */
static LONGLONG last_record_qpc(const wchar_t *path, ULONGLONG *off)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);
    char buf[8192], *last;
    LARGE_INTEGER at;
    DWORD got = 0;
    LONGLONG q = 0;

    if (h == INVALID_HANDLE_VALUE)
        return 0;
    at.QuadPart = (LONGLONG)*off;
    if (SetFilePointerEx(h, at, NULL, FILE_BEGIN) && ReadFile(h, buf, sizeof buf - 1, &got, NULL) &&
        got > 0) {
        buf[got] = 0;
        last = buf;
        for (char *c = buf; *c; c++)
            if (*c == '\n' && c[1])
                last = c + 1;
        sscanf(last, "qpc=%lld", &q);
        *off += got;
    }
    CloseHandle(h);
    return q;
}

static int cmd_spawn(int argc, wchar_t **argv)
{
    const wchar_t *exe = bench_opt(argc, argv, L"exe", NULL);
    const wchar_t *args = bench_opt(argc, argv, L"args", L"");
    const wchar_t *record = bench_opt(argc, argv, L"record", L"C:\\bench\\floor-record.txt");
    const wchar_t *outp = bench_opt(argc, argv, L"out", NULL);
    const wchar_t *evname = L"ClimonBenchFloor";
    unsigned n = bench_opt_u(argc, argv, L"n", L"20");
    unsigned gap = bench_opt_u(argc, argv, L"gap", L"50");
    unsigned first = bench_opt_u(argc, argv, L"first", L"1");
    HANDLE ev = CreateEventW(NULL, FALSE, FALSE, evname);
    FILE *out = _wfopen(outp, L"a");
    unsigned failures = 0;
    ULONGLONG off;

    if (!ev || !out)
        bench_die("cannot create the event or open %ls", outp);
    /* The stand-in reads these, as it reads the agent's in a pass. */
    SetEnvironmentVariableW(L"CLIMON_BENCH_RECORD", record);
    SetEnvironmentVariableW(L"CLIMON_BENCH_EVENT", evname);
    off = bench_file_size(record);
    for (unsigned i = 0; i < n; i++) {
        STARTUPINFOW si;
        PROCESS_INFORMATION pi;
        wchar_t line[2100];
        LONGLONG q0, q1, qs = 0;

        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        _snwprintf(line, 2100, args[0] ? L"\"%ls\" %ls" : L"\"%ls\"", exe, args);
        line[2099] = 0;
        ResetEvent(ev);
        q0 = bench_qpc_now();
        if (!CreateProcessW(exe, line, NULL, NULL, FALSE,
                            CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT, NULL, NULL, &si, &pi))
            bench_die("cannot start %ls (%lu)", exe, GetLastError());
        q1 = bench_qpc_now();
        if (WaitForSingleObject(ev, 30000) == WAIT_OBJECT_0)
            qs = last_record_qpc(record, &off);
        if (!qs)
            failures++;
        WaitForSingleObject(pi.hProcess, 30000);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
        fprintf(out, "%u\t%.3f\t%.3f\n", first + i, qs ? bench_qpc_ms(q0, qs) : -1.0,
                bench_qpc_ms(q0, q1));
        fflush(out);
        if (gap)
            Sleep(gap);
    }
    fclose(out);
    CloseHandle(ev);
    return failures ? 1 : 0;
}

static int cmd_copy(int argc, wchar_t **argv)
{
    const wchar_t *src = bench_opt(argc, argv, L"src", NULL);
    const wchar_t *dst = bench_opt(argc, argv, L"dst", NULL);
    const wchar_t *outp = bench_opt(argc, argv, L"out", NULL);
    unsigned n = bench_opt_u(argc, argv, L"n", L"20");
    unsigned bytes = bench_opt_u(argc, argv, L"bytes", L"64");
    unsigned gap = bench_opt_u(argc, argv, L"gap", L"50");
    unsigned first = bench_opt_u(argc, argv, L"first", L"1");
    FILE *out = _wfopen(outp, L"a");
    char *data = malloc(bytes + 1), *buf = malloc(64 * 1024);
    unsigned failures = 0;

    if (!out || !data || !buf)
        bench_die("cannot open %ls", outp);
    CreateDirectoryW(src, NULL);
    CreateDirectoryW(dst, NULL);
    for (unsigned i = 0; i < n; i++) {
        wchar_t from[1100], tmp[1100], to[1100];
        LONGLONG q0, q_read, q_flushed, q_renamed, q_deleted;
        DWORD got = 0, put = 0;
        HANDLE in, t;
        BOOL ok = FALSE;

        _snwprintf(from, 1100, L"%ls\\F%07u.RAW", src, first + i);
        _snwprintf(tmp, 1100, L"%ls\\F%07u.TMP", dst, first + i);
        _snwprintf(to, 1100, L"%ls\\F%07u.RAW", dst, first + i);
        from[1099] = tmp[1099] = to[1099] = 0;
        for (unsigned b = 0; b < bytes; b++)
            data[b] = (char)('A' + (first + i + b) % 26);
        if (!bench_write_file(from, data, bytes))
            bench_die("cannot write %ls (%lu)", from, GetLastError());

        q0 = bench_qpc_now();
        in = CreateFileW(from, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        if (in != INVALID_HANDLE_VALUE && ReadFile(in, buf, 64 * 1024, &got, NULL)) {
            q_read = bench_qpc_now();
            t = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                            NULL);
            if (t != INVALID_HANDLE_VALUE) {
                ok = WriteFile(t, buf, got, &put, NULL) && put == got && FlushFileBuffers(t);
                CloseHandle(t);
            }
            q_flushed = bench_qpc_now();
            ok = ok && MoveFileExW(tmp, to, MOVEFILE_WRITE_THROUGH);
            q_renamed = bench_qpc_now();
            CloseHandle(in);
            ok = ok && DeleteFileW(from);
            q_deleted = bench_qpc_now();
        } else {
            if (in != INVALID_HANDLE_VALUE)
                CloseHandle(in);
            q_read = q_flushed = q_renamed = q_deleted = q0;
        }
        DeleteFileW(to);
        DeleteFileW(tmp);
        DeleteFileW(from);
        if (!ok)
            failures++;
        fprintf(out, "%u\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", first + i,
                ok ? bench_qpc_ms(q0, q_deleted) : -1.0, bench_qpc_ms(q0, q_read),
                bench_qpc_ms(q_read, q_flushed), bench_qpc_ms(q_flushed, q_renamed),
                bench_qpc_ms(q_renamed, q_deleted));
        fflush(out);
        if (gap)
            Sleep(gap);
    }
    fclose(out);
    free(data);
    free(buf);
    return failures ? 1 : 0;
}

static int cmd_regquery(int argc, wchar_t **argv)
{
    const wchar_t *outp = bench_opt(argc, argv, L"out", NULL);
    unsigned n = bench_opt_u(argc, argv, L"n", L"200");
    FILE *out = _wfopen(outp, L"a");
    HKEY k;

    if (!out || RegCreateKeyExW(HKEY_LOCAL_MACHINE, SERVICES_KEY, 0, NULL, 0,
                                KEY_READ | KEY_WOW64_64KEY, NULL, &k, NULL) != ERROR_SUCCESS)
        bench_die("cannot open Client Services or %ls", outp);
    for (unsigned i = 0; i < n; i++) {
        DWORD v = 0, sz = sizeof v, type = 0;
        LONGLONG q0 = bench_qpc_now();
        RegQueryValueExW(k, L"Change Id", NULL, &type, (BYTE *)&v, &sz);
        fprintf(out, "%u\t%.4f\n", i + 1, bench_qpc_ms(q0, bench_qpc_now()));
    }
    RegCloseKey(k);
    fclose(out);
    return 0;
}

typedef struct floor_ccm {
    const wchar_t *share, *root, *regbase, *comp, *version;
    wchar_t services[8][64];
    unsigned nservices;
    wchar_t files[8][64];
    unsigned nfiles;
    unsigned char *data[8];
    DWORD len[8];
    wchar_t (*names)[64];
    unsigned nnames;
    volatile LONG next, failed;
} floor_ccm;

static BOOL floor_read(const wchar_t *path, unsigned char *buf, DWORD cap, DWORD *got)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    BOOL ok;

    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    ok = ReadFile(h, buf, cap, got, NULL);
    CloseHandle(h);
    return ok;
}

/* fileio_rename_handle's plain twin, kept here on purpose: the floor uses
 * nothing of Climon's. */
static BOOL floor_rename(HANDLE h, const wchar_t *to, BOOL replace)
{
    union {
        FILE_RENAME_INFO info;
        unsigned char room[sizeof(FILE_RENAME_INFO) + 1100 * sizeof(wchar_t)];
    } u;
    wchar_t full[1100];
    DWORD n = GetFullPathNameW(to, 1100, full, NULL);

    if (n == 0 || n >= 1100)
        return FALSE;
    memset(&u.info, 0, sizeof u.info);
    wcscpy(u.info.FileName, full);
    u.info.ReplaceIfExists = replace;
    u.info.FileNameLength = n * sizeof(wchar_t);
    return SetFileInformationByHandle(h, FileRenameInfo, &u.info,
                                      (DWORD)(sizeof u.info + n * sizeof(wchar_t)));
}

static void floor_split(const wchar_t *list, wchar_t out[8][64], unsigned *n)
{
    const wchar_t *p = list;

    *n = 0;
    while (*p && *n < 8) {
        size_t k = wcscspn(p, L"|");
        if (k && k < 64) {
            wmemcpy(out[*n], p, k);
            out[(*n)++][k] = 0;
        }
        p += k;
        if (*p)
            p++;
    }
}

static BOOL floor_one(floor_ccm *f, const wchar_t *stem)
{
    wchar_t path[1100], to[1100], tmp[8][1100], w[512];
    unsigned char buf[4096];
    DWORD got, one = 1;
    HANDLE claim, staged[8];
    HKEY svc = NULL, comps = NULL, k;
    FILE_DISPOSITION_INFO gone = {TRUE};
    BOOL ok = FALSE;
    unsigned nstaged = 0;
    wchar_t multi[8 * 64 + 1], *mp = multi;

    _snwprintf(path, 1100, L"%ls\\CCR.BOX\\%ls.CCR", f->share, stem);
    _snwprintf(to, 1100, L"%ls\\CCR.BOX\\WORK\\%ls.CCW", f->share, stem);
    claim = CreateFileW(path, GENERIC_READ | DELETE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL, NULL);
    if (claim == INVALID_HANDLE_VALUE)
        return FALSE;
    if (!floor_rename(claim, to, FALSE) || !ReadFile(claim, buf, sizeof buf, &got, NULL))
        goto out;
    _snwprintf(path, 1100, L"%ls\\CLIENTS\\%ls.INI", f->share, stem);
    if (!floor_read(path, buf, sizeof buf, &got))
        goto out;
    _snwprintf(path, 1100, L"%ls\\%ls\\SMS.INI", f->root, stem);
    if (!floor_read(path, buf, sizeof buf, &got))
        goto out;
    _snwprintf(path, 1100, L"%ls\\%ls", f->regbase, stem);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ | KEY_WRITE | KEY_WOW64_64KEY, &svc) !=
            ERROR_SUCCESS ||
        RegOpenKeyExW(svc, L"Components", 0, KEY_READ | KEY_WRITE | KEY_WOW64_64KEY, &comps) !=
            ERROR_SUCCESS)
        goto out;
    for (unsigned i = 0; i < f->nservices; i++) {
        DWORD sz = sizeof w;
        if (RegOpenKeyExW(comps, f->services[i], 0, KEY_READ | KEY_WOW64_64KEY, &k) !=
            ERROR_SUCCESS)
            goto out;
        RegQueryValueExW(k, L"Installed Version", NULL, NULL, (BYTE *)w, &sz);
        RegCloseKey(k);
    }
    for (unsigned i = 0; i < f->nfiles; i++) {
        DWORD put = 0;
        _snwprintf(tmp[i], 1100, L"%ls\\%ls\\BIN\\%ls.%lu.new", f->root, stem, f->files[i],
                   (unsigned long)GetCurrentProcessId());
        staged[i] = CreateFileW(tmp[i], GENERIC_WRITE | DELETE, 0, NULL, CREATE_NEW,
                                FILE_ATTRIBUTE_NORMAL, NULL);
        if (staged[i] == INVALID_HANDLE_VALUE)
            goto out;
        nstaged++;
        if (!WriteFile(staged[i], f->data[i], f->len[i], &put, NULL) || put != f->len[i] ||
            !FlushFileBuffers(staged[i]))
            goto out;
    }
    for (unsigned i = 0; i < f->nfiles; i++) {
        _snwprintf(to, 1100, L"%ls\\%ls\\BIN\\%ls", f->root, stem, f->files[i]);
        ok = floor_rename(staged[i], to, TRUE);
        CloseHandle(staged[i]);
        staged[i] = INVALID_HANDLE_VALUE;
        if (!ok)
            goto out;
        mp += wcslen(wcscpy(mp, f->files[i])) + 1;
    }
    *mp++ = 0;
    ok = FALSE;
    if (RegCreateKeyExW(comps, f->comp, 0, NULL, 0, KEY_WRITE | KEY_WOW64_64KEY, NULL, &k, NULL) !=
        ERROR_SUCCESS)
        goto out;
    RegSetValueExW(k, L"Files", 0, REG_MULTI_SZ, (const BYTE *)multi,
                   (DWORD)((mp - multi) * sizeof(wchar_t)));
    RegSetValueExW(k, L"Kind", 0, REG_SZ, (const BYTE *)L"service", 8 * sizeof(wchar_t));
    RegSetValueExW(k, L"Display Name", 0, REG_SZ, (const BYTE *)f->comp,
                   (DWORD)((wcslen(f->comp) + 1) * sizeof(wchar_t)));
    RegSetValueExW(k, L"Installed Version", 0, REG_SZ, (const BYTE *)f->version,
                   (DWORD)((wcslen(f->version) + 1) * sizeof(wchar_t)));
    RegCloseKey(k);
    _snwprintf(w, 512, L"%ls %ls", f->comp, f->version);
    RegSetValueExW(svc, L"Changed Components", 0, REG_SZ, (const BYTE *)w,
                   (DWORD)((wcslen(w) + 1) * sizeof(wchar_t)));
    RegSetValueExW(svc, L"Change Id", 0, REG_DWORD, (const BYTE *)&one, sizeof one);
    RegSetValueExW(svc, L"Reboot Required", 0, REG_DWORD, (const BYTE *)&one, sizeof one);
    ok = SetFileInformationByHandle(claim, FileDispositionInfo, &gone, sizeof gone);
out:
    for (unsigned i = 0; i < nstaged; i++)
        if (staged[i] != INVALID_HANDLE_VALUE) {
            CloseHandle(staged[i]);
            DeleteFileW(tmp[i]);
        }
    if (comps)
        RegCloseKey(comps);
    if (svc)
        RegCloseKey(svc);
    CloseHandle(claim);
    return ok;
}

static DWORD WINAPI floor_ccm_worker(LPVOID param)
{
    floor_ccm *f = param;

    for (;;) {
        LONG i = InterlockedIncrement(&f->next) - 1;
        if ((unsigned)i >= f->nnames)
            return 0;
        if (!floor_one(f, f->names[i]))
            InterlockedIncrement(&f->failed);
    }
}

/* Runs fn(arg) on threads threads (at most 16), the caller's among them,
 * and returns how many ran. */
static unsigned floor_on_threads(LPTHREAD_START_ROUTINE fn, void *arg, unsigned threads)
{
    HANDLE t[16];
    unsigned nt = 0;

    if (threads > 16)
        threads = 16;
    for (unsigned i = 1; i < threads; i++)
        if ((t[nt] = CreateThread(NULL, 0, fn, arg, 0, NULL)) != NULL)
            nt++;
    fn(arg);
    if (nt)
        WaitForMultipleObjects(nt, t, TRUE, INFINITE);
    for (unsigned i = 0; i < nt; i++)
        CloseHandle(t[i]);
    return nt + 1;
}

static int cmd_ccm(int argc, wchar_t **argv)
{
    static floor_ccm f;
    const wchar_t *services = bench_opt(argc, argv, L"services", L"INV32CLI|PCMSVC32|WUSER32");
    const wchar_t *files = bench_opt(argc, argv, L"files", L"INV32CLI.EXE|INVMIF.DLL");
    unsigned threads = bench_opt_u(argc, argv, L"threads", L"4"), cap = 0;
    wchar_t path[1100];
    WIN32_FIND_DATAW fd;
    HANDLE find;
    LONGLONG q0;

    f.share = bench_opt(argc, argv, L"share", NULL);
    f.root = bench_opt(argc, argv, L"root", NULL);
    f.regbase = bench_opt(argc, argv, L"regbase", L"SOFTWARE\\ClimonBench");
    f.comp = bench_opt(argc, argv, L"comp", L"INV32CLI");
    f.version = bench_opt(argc, argv, L"version", L"1.2.0");
    floor_split(services, f.services, &f.nservices);
    floor_split(files, f.files, &f.nfiles);
    for (unsigned i = 0; i < f.nfiles; i++) {
        _snwprintf(path, 1100, L"%ls\\X86.BIN\\%ls", f.share, f.files[i]);
        f.data[i] = malloc(1 << 20);
        if (!f.data[i] || !floor_read(path, f.data[i], 1 << 20, &f.len[i]))
            bench_die("cannot read %ls", path);
    }
    _snwprintf(path, 1100, L"%ls\\CCR.BOX\\*.CCR", f.share);
    find = FindFirstFileW(path, &fd);
    if (find != INVALID_HANDLE_VALUE) {
        do {
            size_t n = wcslen(fd.cFileName);
            if (n <= 4 || n - 4 >= 64)
                continue;
            if (f.nnames == cap) {
                cap = cap ? 2 * cap : 1024;
                f.names = realloc(f.names, cap * sizeof *f.names);
                if (!f.names)
                    bench_die("out of memory");
            }
            wmemcpy(f.names[f.nnames], fd.cFileName, n - 4);
            f.names[f.nnames++][n - 4] = 0;
        } while (FindNextFileW(find, &fd));
        FindClose(find);
    }
    /* The clock starts after the listing, as the manager's per-request
     * figure includes its own (one listing per pass, not per request). */
    q0 = bench_qpc_now();
    floor_on_threads(floor_ccm_worker, &f, threads);
    printf("requests=%u ms=%.1f failed=%ld\n", f.nnames, bench_qpc_ms(q0, bench_qpc_now()),
           (long)f.failed);
    return f.failed ? 1 : 0;
}

typedef struct floor_calls {
    unsigned per_thread;
    volatile LONG failed;
} floor_calls;

static DWORD WINAPI floor_calls_worker(LPVOID param)
{
    floor_calls *fc = param;
    HKEY k;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", 0,
                      KEY_READ | KEY_WOW64_64KEY, &k) != ERROR_SUCCESS) {
        InterlockedIncrement(&fc->failed);
        return 1;
    }
    for (unsigned i = 0; i < fc->per_thread; i++) {
        wchar_t v[64];
        DWORD sz = sizeof v, type = 0;
        if (RegQueryValueExW(k, L"CurrentVersion", NULL, &type, (BYTE *)v, &sz) != ERROR_SUCCESS)
            InterlockedIncrement(&fc->failed);
    }
    RegCloseKey(k);
    return 0;
}

static int cmd_calls(int argc, wchar_t **argv)
{
    static floor_calls fc;
    unsigned threads = bench_opt_u(argc, argv, L"threads", L"4");
    unsigned n = bench_opt_u(argc, argv, L"n", L"20000");
    LONGLONG q0;
    double ms;

    if (threads < 1)
        threads = 1;
    if (threads > 16)
        threads = 16;
    fc.per_thread = n / threads ? n / threads : 1;
    q0 = bench_qpc_now();
    n = fc.per_thread * floor_on_threads(floor_calls_worker, &fc, threads);
    ms = bench_qpc_ms(q0, bench_qpc_now());
    printf("calls=%u ms=%.1f us_per_call=%.2f failed=%ld\n", n, ms, ms * 1000.0 / n,
           (long)fc.failed);
    return fc.failed ? 1 : 0;
}

int wmain(int argc, wchar_t **argv)
{
    bench_program = "bench_floor";
    if (argc < 2)
        bench_die("usage: bench_floor spawn|copy|regquery|ccm|calls ...");
    if (wcscmp(argv[1], L"spawn") == 0)
        return cmd_spawn(argc, argv);
    if (wcscmp(argv[1], L"copy") == 0)
        return cmd_copy(argc, argv);
    if (wcscmp(argv[1], L"regquery") == 0)
        return cmd_regquery(argc, argv);
    if (wcscmp(argv[1], L"ccm") == 0)
        return cmd_ccm(argc, argv);
    if (wcscmp(argv[1], L"calls") == 0)
        return cmd_calls(argc, argv);
    bench_die("unknown verb %ls", argv[1]);
    return 2;
}
