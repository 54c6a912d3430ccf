/*
 * agent_driver.h: what the decision machine's tests share (test_agent.c,
 * test_agent_failures.c): the machine's config, state and last output, a
 * step that checks what must hold for any step, and looks at the output.
 */
#ifndef CLIMON_TEST_AGENT_DRIVER_H
#define CLIMON_TEST_AGENT_DRIVER_H

#include <stdbool.h>

#include "climon/agent.h"

#define T0 1764000000ull /* 2025-11-24 16:00:00 UTC */
#define BOOT1 (T0 - 7200)
#define LOGON1 (T0 - 3600)
#define MINUTE 60ull
#define HOUR 3600ull

extern agent_config cfg;
extern agent_state st;
extern agent_actions out;

/* cmocka setup: default config, fresh state, no output. */
int setup(void **state);

const agent_action *find(agent_action_type type);
/* find() that fails the test when it is missing; never NULL. */
const agent_action *must_find(agent_action_type type);
unsigned count(agent_action_type type);
int index_of(agent_action_type type);
agent_time scheduled(void);
bool logged(const char *needle);

agent_event ev_of(agent_event_type type, agent_time now);
/* agent_step, then: at most AGENT_MAX_ACTIONS, exactly one SCHEDULE and it
 * comes last, never a wake-up in the past. */
void step_ev(const agent_event *e);
void run(agent_event_type type, agent_time now);
void start(agent_time now, agent_time boot, agent_time logon);

clv known(uint32_t v);
clv unknown(clv_status s);

#endif
