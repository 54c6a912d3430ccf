/*
 * stub_record.h: what the stand-in programs of the tests share
 * (tests/win32/fake_cli_nt.c, tests/security/recorder.c): appending one
 * line of what they did to a record file that the test reads.
 */
#ifndef CLIMON_TEST_STUB_RECORD_H
#define CLIMON_TEST_STUB_RECORD_H

#include <wchar.h>

/* Appends line and CRLF to the file at path, made if missing; shared so
 * that several runs (and the test, reading) can hold it at once. Does
 * nothing when the file cannot be opened. */
void stub_record(const wchar_t *path, const char *line);

#endif
