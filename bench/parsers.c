/*
 * parsers.c: throughput of the core's parsers on Linux (figure 6 of
 * docs/performance.md), linked with climon_core as the product is.
 *
 *   bench_parsers [--seconds S] [--repeat R] SMS.INI CL_NT.TXT REQUEST.CCR
 *
 * Cases, each on bytes held in memory (no I/O in the timed loop):
 *   ini_get.smsini        [SMS] CopyListVersion from the given SMS.INI
 *   ini_get.large         the last key of the last section of a generated
 *                         1 MiB INI file (the reader's limit: a whole scan)
 *   copylist_parse.lab    the given CL_NT.TXT (the lab's copy list)
 *   copylist_parse.max    a generated copy list at the limits: 32
 *                         components of 16 files each
 *   ccr_read.request      the given request file
 * Each case runs for S seconds (default 0.5), R times (default 5); the
 * median run is reported as one line per case:
 *   <case> bytes=<input size> calls_per_s=<n> mb_per_s=<MB/s, 1e6 bytes>
 * Every call's result is checked, so a parser that fails fast cannot look
 * fast. With --once each case is called once (for callgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "climon/ccr.h"
#include "climon/copylist.h"
#include "climon/ini.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f) {
        fprintf(stderr, "bench_parsers: cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "bench_parsers: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

typedef struct input {
    const char *data;
    size_t len;
} input;

static copylist g_list;
static char g_out[4096];

typedef int (*case_fn)(const input *in);

static int run_smsini(const input *in)
{
    return ini_get(in->data, in->len, "SMS", "CopyListVersion", g_out, sizeof g_out, NULL) ==
           INI_OK;
}

static int run_large(const input *in)
{
    return ini_get(in->data, in->len, "Last Section", "Wanted", g_out, sizeof g_out, NULL) ==
           INI_OK;
}

static int run_copylist(const input *in)
{
    copylist_error e;
    return copylist_parse(in->data, in->len, &g_list, &e) == COPYLIST_OK && g_list.ncomponents > 0;
}

static int run_ccr(const input *in)
{
    ccr_request r;
    ccr_processing p;
    ccr_error e;
    return ccr_read(in->data, in->len, &r, &p, &e) == CCR_OK;
}

/* An INI file just under INI_MAX_FILE_BYTES: many sections of SMS.INI-like
 * keys, the wanted key last. */
static char *gen_large(size_t *len)
{
    size_t cap = INI_MAX_FILE_BYTES, n = 0;
    char *b = malloc(cap);
    unsigned s = 0;
    const char *tail = "[Last Section]\r\nWanted=yes\r\n";

    while (n + 200 + strlen(tail) < cap) {
        n += (size_t)snprintf(b + n, cap - n,
                              "[Section %u]\r\nCopyListVersion=%u\r\nSMS Unique ID=ABC%05u\r\n"
                              "SMSPath=C:\\MS\\SMS\r\n; a comment line\r\n\r\n",
                              s, 1764000000u + s, s);
        s++;
    }
    n += (size_t)snprintf(b + n, cap - n, "%s", tail);
    *len = n;
    return b;
}

/* A copy list at the limits: 32 components, 16 files each. */
static char *gen_max_copylist(size_t *len)
{
    size_t cap = 256 * 1024, n = 0;
    char *b = malloc(cap);

    n += (size_t)snprintf(b + n, cap - n,
                          "[Copy List]\r\nCopyListVersion=1764000000\r\n\r\n[Components]\r\n");
    for (unsigned c = 0; c < COPYLIST_MAX_COMPONENTS; c++)
        n += (size_t)snprintf(b + n, cap - n, "COMP%02u=%s\r\n", c, c % 2 ? "program" : "service");
    for (unsigned c = 0; c < COPYLIST_MAX_COMPONENTS; c++) {
        n += (size_t)snprintf(
            b + n, cap - n,
            "\r\n[COMP%02u]\r\nDisplay Name=Component number %u\r\nVersion=1.2.%u.%u\r\nFiles=", c,
            c, c, 1000 + c);
        for (unsigned f = 0; f < COPYLIST_MAX_FILES; f++)
            n += (size_t)snprintf(b + n, cap - n, "%sFILE%02u_%02u.DLL", f ? ", " : "", c, f);
        n += (size_t)snprintf(b + n, cap - n, "\r\n");
    }
    *len = n;
    return b;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench(const char *name, case_fn fn, const input *in, double seconds, int repeat,
                  int once)
{
    double rate[32];
    if (repeat > 32)
        repeat = 32;
    if (!fn(in)) {
        fprintf(stderr, "bench_parsers: %s: the parser refused the input\n", name);
        exit(1);
    }
    if (once) {
        printf("%s bytes=%zu once\n", name, in->len);
        return;
    }
    for (int r = 0; r < repeat; r++) {
        unsigned long calls = 0, batch = 1;
        double t0 = now_s(), t;
        do {
            for (unsigned long i = 0; i < batch; i++)
                if (!fn(in)) {
                    fprintf(stderr, "bench_parsers: %s: a call failed\n", name);
                    exit(1);
                }
            calls += batch;
            if (batch < 1024)
                batch *= 2;
            t = now_s() - t0;
        } while (t < seconds);
        rate[r] = (double)calls / t;
    }
    qsort(rate, (size_t)repeat, sizeof rate[0], cmp_double);
    printf("%s bytes=%zu calls_per_s=%.0f mb_per_s=%.1f\n", name, in->len, rate[repeat / 2],
           rate[repeat / 2] * (double)in->len / 1e6);
}

int main(int argc, char **argv)
{
    double seconds = 0.5;
    int repeat = 5, once = 0, i = 1;
    input smsini, clnt, ccr, large, maxcl;

    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--once") == 0)
            once = 1;
        else
            break;
    }
    if (argc - i != 3 || repeat < 1) {
        fprintf(stderr, "usage: bench_parsers [--seconds S] [--repeat R] [--once] SMS.INI "
                        "CL_NT.TXT REQUEST.CCR\n");
        return 64;
    }
    smsini.data = slurp(argv[i], &smsini.len);
    clnt.data = slurp(argv[i + 1], &clnt.len);
    ccr.data = slurp(argv[i + 2], &ccr.len);
    large.data = gen_large(&large.len);
    maxcl.data = gen_max_copylist(&maxcl.len);

    bench("ini_get.smsini", run_smsini, &smsini, seconds, repeat, once);
    bench("ini_get.large", run_large, &large, seconds, repeat, once);
    bench("copylist_parse.lab", run_copylist, &clnt, seconds, repeat, once);
    bench("copylist_parse.max", run_copylist, &maxcl, seconds, repeat, once);
    bench("ccr_read.request", run_ccr, &ccr, seconds, repeat, once);
    return 0;
}
