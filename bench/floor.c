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

int wmain(int argc, wchar_t **argv)
{
    bench_program = "bench_floor";
    if (argc < 2)
        bench_die("usage: bench_floor spawn|copy|regquery --out=FILE ...");
    if (wcscmp(argv[1], L"spawn") == 0)
        return cmd_spawn(argc, argv);
    if (wcscmp(argv[1], L"copy") == 0)
        return cmd_copy(argc, argv);
    if (wcscmp(argv[1], L"regquery") == 0)
        return cmd_regquery(argc, argv);
    bench_die("unknown verb %ls", argv[1]);
    return 2;
}
