/*
 * fuzz_state.c: libFuzzer target for state_parse().
 *
 * Any bytes may be in the state file (a disk error, an admin's editor, a
 * newer Climon). Checks that parsing never crashes, that a refused file
 * leaves the default state, that an accepted one formats back into text
 * that reads as the same state, and that the machine copes with whatever
 * state was accepted.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "climon/agent.h"
#include "climon/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_default(const agent_state *st)
{
    if (st->pending != AGENT_PENDING_NONE || st->setup_ran || st->deferred_until != 0 ||
        st->has_result || st->last_error[0] != '\0')
        abort();
}

/* The machine must take any accepted state: bounded output, no crash. */
static void step_through(agent_state *st)
{
    agent_config cfg;
    agent_config_default(&cfg);
    agent_event ev;
    memset(&ev, 0, sizeof ev);
    agent_actions out;
    const agent_event_type types[] = {AGENT_EV_START, AGENT_EV_TIMER, AGENT_EV_REPORT};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        ev.type = types[i];
        ev.now = 1764000000u;
        ev.boot_time = 1763990000u;
        ev.logon_time = 1763999000u;
        agent_step(st, &cfg, &ev, &out);
        if (out.n == 0 || out.n > AGENT_MAX_ACTIONS)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    agent_state st, again;
    state_error err;
    char text[256];
    state_status s = state_parse(data, size, &st, &err);
    state_error_format(&err, text, sizeof text);
    if (s != err.status)
        abort();
    if (s != STATE_OK) {
        check_default(&st);
        return 0;
    }

    static char first[STATE_MAX_BYTES], second[STATE_MAX_BYTES];
    size_t n1 = state_format(&st, first, sizeof first);
    if (n1 == 0)
        abort();
    if (state_parse(first, n1, &again, &err) != STATE_OK)
        abort();
    size_t n2 = state_format(&again, second, sizeof second);
    if (n1 != n2 || memcmp(first, second, n1) != 0)
        abort();

    step_through(&st);
    return 0;
}
