/*
 * agent_driver.c: the decision machine's tests' shared driver
 * (agent_driver.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent_driver.h"

agent_config cfg;
agent_state st;
agent_actions out;

int setup(void **state)
{
    (void)state;
    agent_config_default(&cfg);
    agent_state_init(&st);
    memset(&out, 0, sizeof out);
    return 0;
}

const agent_action *find(agent_action_type type)
{
    for (unsigned i = 0; i < out.n; i++)
        if (out.a[i].type == type)
            return &out.a[i];
    return NULL;
}

const agent_action *must_find(agent_action_type type)
{
    static const agent_action none;
    const agent_action *a = find(type);
    assert_non_null(a);
    return a != NULL ? a : &none;
}

unsigned count(agent_action_type type)
{
    unsigned n = 0;
    for (unsigned i = 0; i < out.n; i++)
        n += out.a[i].type == type;
    return n;
}

int index_of(agent_action_type type)
{
    for (unsigned i = 0; i < out.n; i++)
        if (out.a[i].type == type)
            return (int)i;
    return -1;
}

agent_time scheduled(void)
{
    return out.a[out.n - 1].at;
}

bool logged(const char *needle)
{
    for (unsigned i = 0; i < out.n; i++)
        if (out.a[i].type == AGENT_ACT_LOG && strstr(out.a[i].text, needle) != NULL)
            return true;
    return false;
}

agent_event ev_of(agent_event_type type, agent_time now)
{
    agent_event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.now = now;
    return e;
}

void step_ev(const agent_event *e)
{
    agent_step(&st, &cfg, e, &out);
    assert_true(out.n <= AGENT_MAX_ACTIONS);
    if (e->type == AGENT_EV_SESSION_ENDING)
        return;
    assert_true(out.n >= 1);
    assert_int_equal(count(AGENT_ACT_SCHEDULE), 1);
    assert_int_equal(out.a[out.n - 1].type, AGENT_ACT_SCHEDULE);
    agent_time at = out.a[out.n - 1].at;
    assert_true(at == 0 || at > e->now);
}

void run(agent_event_type type, agent_time now)
{
    agent_event e = ev_of(type, now);
    step_ev(&e);
}

void start(agent_time now, agent_time boot, agent_time logon)
{
    agent_event e = ev_of(AGENT_EV_START, now);
    e.boot_time = boot;
    e.logon_time = logon;
    step_ev(&e);
}

clv known(uint32_t v)
{
    clv c;
    memset(&c, 0, sizeof c);
    c.status = CLV_OK;
    c.value = v;
    return c;
}

clv unknown(clv_status s)
{
    clv c;
    memset(&c, 0, sizeof c);
    c.status = s;
    return c;
}
