/*
 * fuzz_ccr.c: libFuzzer target for .CCR request files (src/core/ccr.c).
 *
 * Input: the file bytes. Reads the request; a request that reads as valid
 * is merged and given a [Request Processing] section, and each result
 * must read back as valid with the expected values: the manager acts
 * only on well-formed requests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "climon/ccr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The only ways a valid request may fail to be rewritten: the file or one
 * of its lines would pass a bound (a longer date or count). */
static int grew_too_large(ccr_status st, const ccr_error *err)
{
    return st == CCR_ERR_TOO_LARGE ||
           (st == CCR_ERR_FILE && err->ini.status == INI_ERR_LINE_TOO_LONG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char out[CCR_MAX_BYTES + 2048];
    static const ccr_time now = {2025, 11, 24, 9, 5};
    static const ccr_processing proc = {
        true, {2025, 11, 24, 9, 14}, {2025, 11, 24, 9, 14}, {2025, 11, 25, 10, 0}, 3, 53};
    ccr_request req, after;
    ccr_processing p;
    ccr_error err;
    char msg[256];
    size_t n = 0;
    ccr_status st;

    st = ccr_read(data, size, &req, &p, &err);
    ccr_error_format(&err, msg, sizeof msg);
    if (st != CCR_OK)
        return 0;
    if (!ccr_name_ok(req.machine) || !ccr_name_ok(req.domain) || !ccr_time_ok(&req.initial) ||
        !ccr_time_ok(&req.latest) || req.count < 1 || req.count > CCR_MAX_COUNT)
        abort();

    st = ccr_merge(data, size, &now, out, sizeof out, &n, &err);
    if (st == CCR_OK) {
        if (ccr_read(out, n, &after, NULL, &err) != CCR_OK)
            abort();
        if (strcmp(after.machine, req.machine) != 0 || after.latest.minute != 5 ||
            after.count != (req.count < CCR_MAX_COUNT ? req.count + 1 : CCR_MAX_COUNT))
            abort();
    } else if (!grew_too_large(st, &err)) {
        abort(); /* a valid request always merges unless it grows too large */
    }

    st = ccr_set_processing(data, size, &proc, out, sizeof out, &n, &err);
    if (st == CCR_OK) {
        if (ccr_read(out, n, NULL, &p, &err) != CCR_OK || !p.present || p.attempts != 3 ||
            p.last_error != 53)
            abort();
    } else if (!grew_too_large(st, &err)) {
        abort();
    }
    return 0;
}
