/*
 * state.h: the agent's persisted state as text.
 *
 * The shell stores the text in %LOCALAPPDATA%\Climon\state.ini, replacing
 * it atomically (temporary file, flush, rename). The format is INI so an
 * admin can read it; see docs/protocol.md. A file that is missing, damaged
 * or from a newer format gives the default state and an error: the safe
 * state is "nothing pending, nothing known", which never prompts.
 */
#ifndef CLIMON_STATE_H
#define CLIMON_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "climon/agent.h"
#include "climon/ini.h"

#define STATE_FORMAT_VERSION 1
#define STATE_SECTION "Climon State"
#define STATE_MAX_BYTES 8192u /* state_format never writes more */

typedef enum state_status {
    STATE_OK = 0,
    STATE_ERR_FILE,    /* the INI layer rejected it: see err->ini */
    STATE_ERR_VERSION, /* Format missing or not STATE_FORMAT_VERSION */
    STATE_ERR_FIELD    /* a field out of range: err->key says which */
} state_status;

typedef struct state_error {
    state_status status;
    ini_error ini;
    char key[40];
} state_error;

/* Writes st as INI text (CRLF) into buf; returns the length, or 0 when cap
 * is too small (STATE_MAX_BYTES is always enough). Not persisted: phase,
 * boot_time, logon_time, pass_started, pass_by_user, pass_again. */
size_t state_format(const agent_state *st, char *buf, size_t cap);

/* Reads text written by state_format. On any error *st is the default
 * state (agent_state_init) and the error says why. */
state_status state_parse(const void *data, size_t len, agent_state *st, state_error *err);

size_t state_error_format(const state_error *err, char *buf, size_t cap);

/* The machine state the owner publishes for the other sessions
 * (%ProgramData%\Climon), in the same INI form under [Climon Machine].
 * Written by one user, read by others: every field is checked as in
 * state_parse; on any error *m is all zero and the error says why. */
#define MACHINE_SECTION "Climon Machine"
size_t state_format_machine(const agent_machine *m, char *buf, size_t cap);
state_status state_parse_machine(const void *data, size_t len, agent_machine *m, state_error *err);

#endif
