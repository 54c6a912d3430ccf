/*
 * fake_fsio.h: a stand-in for src/climon/fsio.c, linked into a test
 * executable in its place (the linker then never takes fsio.o from the
 * agent's library). Every call is counted with its path; each passes to
 * the real Win32 call unless a rule makes it fail with a given error, or
 * a hook runs first (another agent acting between our calls). This is how
 * the tests get the errors Wine cannot make from a mapped drive
 * (ERROR_LOGON_FAILURE, ERROR_DISK_FULL); climon.exe never has it.
 */
#ifndef CLIMON_TEST_FAKE_FSIO_H
#define CLIMON_TEST_FAKE_FSIO_H

#include <windows.h>

typedef enum fake_op {
    FAKE_OPEN = 0,
    FAKE_WRITE,
    FAKE_MOVE,
    FAKE_FREE_SPACE,
    FAKE_READ_FILE,
    FAKE_CREATE_PROCESS,
    FAKE_OPS
} fake_op;

/* No rules, no hooks, no counts, the real free space. */
void fake_fsio_reset(void);
/* From now on, calls of op whose path contains part (no case; NULL: any)
 * fail with err (err ERROR_SUCCESS: the rule is dropped). */
void fake_fsio_fail(fake_op op, const wchar_t *part, DWORD err);
/* Once, before the next call of op whose path contains part, fn(path). */
void fake_fsio_before(fake_op op, const wchar_t *part, void (*fn)(const wchar_t *path));
/* What the free-space call reports from now on. */
void fake_fsio_set_free_space(ULONGLONG bytes);
/* Calls of op so far whose path contains part (NULL: all). */
unsigned fake_fsio_calls(fake_op op, const wchar_t *part);

#endif
