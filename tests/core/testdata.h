/*
 * testdata.h: fixtures for the core tests, read from $CLIMON_TEST_DATA
 * (ctest sets it to tests/data) with plain stdio, so the same test runs
 * natively and as a Windows executable under Wine.
 */
#ifndef CLIMON_TESTDATA_H
#define CLIMON_TESTDATA_H

#include <stddef.h>

/* Reads $CLIMON_TEST_DATA/<rel> into buf and returns its length; fails the
 * running cmocka test when the file is missing or does not fit in cap - 1. */
size_t testdata_read(const char *rel, void *buf, size_t cap);

#endif
