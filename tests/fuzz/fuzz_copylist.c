/*
 * fuzz_copylist.c: libFuzzer target for CL_NT.TXT and SMS.INI versions
 * (src/core/copylist.c).
 *
 * Input: the file bytes. Parses the copy list, checks that everything a
 * successful parse hands out obeys the documented name rules (no file
 * name that could leave its folder), and diffs it against a fixed set of
 * installed components.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "climon/copylist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static copylist cl;
    static copylist_delta delta;
    static const copylist_installed installed[3] = {
        {"INV32CLI", "1.2.0.4", COPYLIST_SERVICE},
        {"CLIMON", "garbage", COPYLIST_PROGRAM},
        {"OLDPCM", "1.0", COPYLIST_SERVICE},
    };
    copylist_error err;
    char buf[512];
    clv local, server;
    unsigned i, j;

    local = copylist_local_version(data, size);
    server = copylist_server_version(data, size);
    clv_explain(&local, &server, buf, sizeof buf);
    clv_format(&server, buf, sizeof buf);
    if (clv_compare(&local, &server) != CLV_UNKNOWN &&
        (local.status != CLV_OK || server.status != CLV_OK))
        abort(); /* unknown must never compare as known */

    if (copylist_parse(data, size, &cl, &err) != COPYLIST_OK) {
        copylist_error_format(&err, buf, sizeof buf);
        return 0;
    }
    if (cl.ncomponents > COPYLIST_MAX_COMPONENTS)
        abort();
    for (i = 0; i < cl.ncomponents; i++) {
        const copylist_component *c = &cl.comp[i];
        if (!copylist_name_ok(c->name) || !c->version[0] || c->nfiles < 1 ||
            c->nfiles > COPYLIST_MAX_FILES || copylist_version_cmp(c->version, c->version) != 0)
            abort();
        for (j = 0; j < c->nfiles; j++)
            if (!copylist_file_name_ok(c->files[j]))
                abort();
    }
    copylist_diff(&cl, installed, 3, &delta);
    if (delta.n > 2 * COPYLIST_MAX_COMPONENTS)
        abort();
    copylist_delta_has(&delta, COPYLIST_SERVICE);
    return 0;
}
