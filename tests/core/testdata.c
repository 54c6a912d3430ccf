/*
 * testdata.c: fixture reading for the core tests (testdata.h).
 */
#include "testdata.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

size_t testdata_read(const char *rel, void *buf, size_t cap)
{
    const char *root = getenv("CLIMON_TEST_DATA");
    char path[1024];
    FILE *f;
    size_t n;

    assert_non_null(root);
    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open fixture %s", path);
    n = fread(buf, 1, cap, f);
    fclose(f);
    assert_true(n < cap); /* the whole file fitted */
    return n;
}
