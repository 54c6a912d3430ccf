/*
 * fuzz_clistatus.c: libFuzzer target for client status files
 * (src/core/clistatus.c), the file a client writes and the site's page
 * reads.
 *
 * Input: the file bytes. Read with the stem "SKZ01000" and without one; a
 * report that reads as valid must have every field in range by the
 * writer's rules, write back (clistatus_format) to bytes that read the
 * same, give a MIF, and land in one bucket.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "climon/clistatus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char out[CLISTATUS_MAX_BYTES], mif[8192];
    clistatus s, again;
    clistatus_error err;
    char msg[256];
    size_t n = 0;

    if (clistatus_read(data, size, "SKZ01000", &s, &err) == CLISTATUS_OK &&
        !ini_name_eq(s.id, "SKZ01000"))
        abort(); /* the file's name is the client */
    if (clistatus_read(data, size, NULL, &s, &err) != CLISTATUS_OK) {
        clistatus_error_format(&err, msg, sizeof msg);
        return 0;
    }
    if (!ccr_id_ok(s.id) || !ccr_name_ok(s.machine) || !clistatus_version_ok(s.agent_version) ||
        s.written <= 0 || (s.pending != CLISTATUS_PENDING_NONE) != (s.pending_since != 0) ||
        strlen(s.last_error) > CLISTATUS_TEXT_MAX)
        abort();
    if (clistatus_format(&s, out, sizeof out, &n, &err) != CLISTATUS_OK)
        abort(); /* what the site accepts, the agent can write */
    if (clistatus_read(out, n, s.id, &again, &err) != CLISTATUS_OK ||
        memcmp(&again, &s, sizeof s) != 0)
        abort();
    if (!clistatus_mif_format(&s, mif, sizeof mif, &n))
        abort();
    if ((unsigned)clistatus_classify(&s, 1764000000, 7 * 86400) >= CLISTATUS_B_COUNT)
        abort();
    return 0;
}
