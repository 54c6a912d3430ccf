/*
 * args.c: the manager's command line (ccm.h).
 *
 *   ccm --once <share>    one pass, then exit
 *   ccm --watch <share>   a pass at start, then one whenever CCR.BOX changes
 *                         (and every minute for due retries)
 *   -v, --verbose         print each step on the console too
 *   --now "MM/DD/YYYY H:MM"  the clock for this run (tests and labs replay
 *                         retries without waiting for them)
 *   --for <seconds>       stop watching after this long (tests, the lab)
 *   --documented-only     write only what SMS 1.2 documents for the client
 *                         (Reboot Required), as SITE.INI Documented Only=1
 *   ccm --report <share> <folder>  the compliance page from CLIMON.BOX:
 *                         <folder>\compliance.html and compliance.csv
 *   --silent-days N       with --report: no report for N days is silent (7)
 */
#include "ccm.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "winstr.h"

void ccm_usage(FILE *to)
{
    fputs("usage: ccm --once <share> [-v] [--documented-only] [--now \"MM/DD/YYYY H:MM\"]\n"
          "       ccm --watch <share> [-v] [--documented-only] [--for <seconds>]\n"
          "       ccm --report <share> <folder> [--silent-days N]\n"
          "  <share>  the logon server share holding CL_NT.TXT, X86.BIN, CCR.BOX, CLIENTS\n"
          "  <folder>  where --report writes compliance.html and compliance.csv\n"
          "exit: 0 pass done (see LOGS\\CLICFG.LOG), 64 usage, 65 CL_NT.TXT refused,\n"
          "      74 share unreadable, 75 another manager is running on this share\n",
          to);
}

bool ccm_parse_args(int argc, wchar_t **argv, ccm_opts *o, char *why, size_t cap)
{
    const wchar_t *share = NULL, *folder = NULL;

    memset(o, 0, sizeof *o);
    why[0] = 0;
    for (int i = 1; i < argc; i++) {
        const wchar_t *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!wcscmp(a, L"--report")) {
            if (o->once || o->watch || o->report || i + 2 >= argc) {
                snprintf(why, cap, "give --report <share> <folder>");
                return false;
            }
            o->report = true;
            share = argv[++i];
            folder = argv[++i];
        } else if (!wcscmp(a, L"--silent-days") && has_next) {
            wchar_t *end = NULL;
            unsigned long v = wcstoul(argv[++i], &end, 10);
            if (!end || *end || v == 0 || v > 3650) {
                snprintf(why, cap, "--silent-days wants a number of days (1 to 3650)");
                return false;
            }
            o->silent_days = (uint32_t)v;
        } else if (!wcscmp(a, L"--once") || !wcscmp(a, L"--watch")) {
            if (o->once || o->watch || o->report || !has_next) {
                snprintf(why, cap, "give one of --once <share> or --watch <share>");
                return false;
            }
            o->once = a[2] == L'o';
            o->watch = !o->once;
            share = argv[++i];
        } else if (!wcscmp(a, L"-v") || !wcscmp(a, L"--verbose")) {
            o->verbose = true;
        } else if (!wcscmp(a, L"--documented-only")) {
            o->documented_only = true;
        } else if (!wcscmp(a, L"-h") || !wcscmp(a, L"--help") || !wcscmp(a, L"/?")) {
            o->help = true;
            return true;
        } else if (!wcscmp(a, L"--now") && has_next) {
            char text[64];
            if (!winstr_to_utf8(argv[++i], text, sizeof text) || !ccr_time_parse(text, &o->now)) {
                snprintf(why, cap, "--now wants \"MM/DD/YYYY H:MM\"");
                return false;
            }
            o->have_now = true;
        } else if (!wcscmp(a, L"--for") && has_next) {
            wchar_t *end = NULL;
            unsigned long v = wcstoul(argv[++i], &end, 10);
            if (!end || *end || v == 0 || v > 7ul * 24 * 3600) {
                snprintf(why, cap, "--for wants a number of seconds (1 to 604800)");
                return false;
            }
            o->watch_for_s = (uint32_t)v;
        } else {
            char a8[128];
            snprintf(why, cap, "unknown argument: %s", site_u8(a, a8, sizeof a8));
            return false;
        }
    }
    if (!share) {
        snprintf(why, cap, "give one of --once <share> or --watch <share>");
        return false;
    }
    if (!site_full_path(share, o->share, SITE_PATH_MAX)) {
        snprintf(why, cap, "the share must be a folder path");
        return false;
    }
    if (o->have_now && !o->once) {
        snprintf(why, cap, "--now is for --once");
        return false;
    }
    if (o->silent_days && !o->report) {
        snprintf(why, cap, "--silent-days is for --report");
        return false;
    }
    if (!o->silent_days)
        o->silent_days = CCM_SILENT_DAYS_DEFAULT;
    if (folder && !site_full_path(folder, o->report_dir, SITE_PATH_MAX)) {
        snprintf(why, cap, "the report folder must be a folder path");
        return false;
    }
    return true;
}
