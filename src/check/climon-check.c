/*
 * climon-check: the one-shot version check, for admins and scripts.
 *
 *   climon-check <SMS.INI> <CL_NT.TXT>
 *
 * Prints local_version=, server_version=, result= (up-to-date, differs,
 * unknown) and explanation=, one per line, and exits 0 (same), 1 (differs),
 * 2 (unknown) or 64 (usage). A file that cannot be read gives an unknown
 * version, never "differs". All logic is the core's; this file only reads
 * the two files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "climon/copylist.h"
#include "climon/ini.h"

#ifdef _WIN32
#include <wchar.h>
typedef wchar_t pchar;
#define PSTR(s) L##s
#define pfopen(p) _wfopen((p), L"rb")
#define pcmp wcscmp
#else
typedef char pchar;
#define PSTR(s) s
#define pfopen(p) fopen((p), "rb")
#define pcmp strcmp
#endif

enum { EXIT_SAME = 0, EXIT_DIFFERS = 1, EXIT_UNKNOWN = 2, EXIT_USAGE = 64 };

/* Room for one byte more than the core accepts, so an oversize file
 * reaches the core and is reported as too large rather than cut. */
#define READ_CAP (INI_MAX_FILE_BYTES + 1u)

static unsigned char local_buf[READ_CAP];
static unsigned char server_buf[READ_CAP];

/* Reads up to READ_CAP bytes; returns -1 with errno text in why on failure. */
static long read_file(const pchar *path, unsigned char *buf, char *why, size_t why_cap)
{
    FILE *f = pfopen(path);
    size_t n;

    if (!f) {
        snprintf(why, why_cap, "%s", strerror(errno));
        return -1;
    }
    n = fread(buf, 1, READ_CAP, f);
    if (ferror(f)) {
        snprintf(why, why_cap, "read error");
        fclose(f);
        return -1;
    }
    fclose(f);
    return (long)n;
}

static clv version_of(const pchar *path, unsigned char *buf, int server, const char *what)
{
    char why[128];
    long n = read_file(path, buf, why, sizeof why);
    clv v;

    if (n < 0) {
        memset(&v, 0, sizeof v);
        v.status = CLV_UNREADABLE;
        fprintf(stderr, "climon-check: cannot read %s: %s\n", what, why);
        return v;
    }
    v = server ? copylist_server_version(buf, (size_t)n) : copylist_local_version(buf, (size_t)n);
    if (v.status == CLV_FILE_ERROR) {
        char msg[160];
        ini_error_format(&v.file_error, msg, sizeof msg);
        fprintf(stderr, "climon-check: %s rejected: %s\n", what, msg);
    }
    return v;
}

static void usage(FILE *to)
{
    fputs("usage: climon-check <SMS.INI> <CL_NT.TXT>\n"
          "Compares CopyListVersion in the client's SMS.INI with the logon server's\n"
          "CL_NT.TXT. Exit: 0 up to date, 1 differs, 2 unknown, 64 usage error.\n",
          to);
}

#ifdef _WIN32
int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
#else
int main(int argc, char **argv)
#endif
{
    char local_text[32], server_text[32], explain[512];
    clv local, server;
    clv_result r;

    if (argc == 2 && (pcmp(argv[1], PSTR("--help")) == 0 || pcmp(argv[1], PSTR("/?")) == 0)) {
        usage(stdout);
        return EXIT_SAME;
    }
    if (argc != 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    local = version_of(argv[1], local_buf, 0, "SMS.INI");
    server = version_of(argv[2], server_buf, 1, "CL_NT.TXT");
    r = clv_compare(&local, &server);
    clv_format(&local, local_text, sizeof local_text);
    clv_format(&server, server_text, sizeof server_text);
    clv_explain(&local, &server, explain, sizeof explain);
    printf("local_version=%s\nserver_version=%s\nresult=%s\nexplanation=%s\n", local_text,
           server_text, clv_result_name(r), explain);
    switch (r) {
    case CLV_SAME:
        return EXIT_SAME;
    case CLV_DIFFERS:
        return EXIT_DIFFERS;
    case CLV_UNKNOWN:
        break;
    }
    return EXIT_UNKNOWN;
}
