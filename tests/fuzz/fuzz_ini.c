/*
 * fuzz_ini.c: libFuzzer target for the INI layer (src/core/ini.c).
 *
 * Input: the file bytes. Walks every line with the iterator, checks the
 * spans it reports stay inside the input, looks keys up, and rewrites one
 * key with ini_set; the rewrite must read back with the new value, which
 * is what every writer in Climon relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "climon/ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Output room for ini_set: static, as inputs may approach 1 MiB. */
static unsigned char out[INI_MAX_FILE_BYTES + 4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ini_iter it;
    ini_item item;
    ini_error err;
    char value[64], first_section[64] = "", first_key[64] = "";
    size_t n = 0;
    ini_status st;

    if (ini_iter_init(&it, data, size, &err) != INI_OK) {
        char msg[256];
        ini_error_format(&err, msg, sizeof msg);
        if (err.status == INI_OK)
            abort(); /* a rejected file must say why */
        return 0;
    }
    while (ini_iter_next(&it, &item)) {
        if (item.line_offset + item.line_length > size || item.next_offset > size ||
            item.value_offset + item.value_length > item.line_offset + item.line_length ||
            (item.kind == INI_ITEM_KEY && item.value_offset < item.line_offset))
            abort();
        if (item.kind == INI_ITEM_KEY && !first_key[0] && strlen(item.key) < sizeof first_key &&
            strlen(item.section) < sizeof first_section) {
            strcpy(first_key, item.key);
            strcpy(first_section, item.section);
        }
    }
    ini_get(data, size, "SMS", "CopyListVersion", value, sizeof value, &err);
    ini_get(data, size, NULL, "CopyListVersion", value, sizeof value, &err);

    /* Rewrite a key that exists (when there is one) and one that does not. */
    if (first_key[0] && ini_name_ok(first_section) && ini_name_ok(first_key)) {
        st = ini_set(data, size, first_section, first_key, "fuzz value", out, sizeof out, &n, &err);
        if (st == INI_OK) {
            if (ini_get(out, n, first_section, first_key, value, sizeof value, &err) != INI_OK ||
                strcmp(value, "fuzz value") != 0)
                abort();
        }
    }
    st = ini_set(data, size, "Climon Fuzz", "Key", "v\xC3\xA9", out, sizeof out, &n, &err);
    if (st == INI_OK) {
        if (ini_get(out, n, "Climon Fuzz", "Key", value, sizeof value, &err) != INI_OK ||
            strcmp(value, "v\xC3\xA9") != 0)
            abort();
    }
    return 0;
}
