/*
 * retry.c: when a failed request is tried again (ccm.h).
 *
 * The wait doubles after each failed attempt up to a cap, and the whole
 * effort ends after the site's retry duration, counted from the first
 * failure: a client that is gone for good must not be tried forever, and a
 * locked file must not be hammered (Q184858's lesson for the agent holds
 * for the site too). Times are the request file's own (minutes).
 */
#include "ccm.h"

uint32_t ccm_retry_wait(const ccm_site *s, uint32_t attempts)
{
    uint64_t w = s->retry_first_min ? s->retry_first_min : 1;

    for (uint32_t i = 1; i < attempts && w < s->retry_max_min; i++)
        w *= 2;
    if (w > s->retry_max_min)
        w = s->retry_max_min;
    return w ? (uint32_t)w : 1;
}

bool ccm_retry_due(const ccm_site *s, const ccr_processing *p, int64_t now_min)
{
    if (!p->present || p->attempts == 0)
        return true;
    return now_min >= siteclock_minutes(&p->latest_attempt) + ccm_retry_wait(s, p->attempts);
}

bool ccm_retry_expired(const ccm_site *s, const ccr_processing *p, int64_t now_min)
{
    if (!p->present)
        return false;
    return now_min - siteclock_minutes(&p->retry_start) >= (int64_t)s->retry_duration_min;
}

void ccm_retry_note(ccr_processing *p, const ccr_time *now, DWORD err)
{
    if (!p->present) {
        p->present = true;
        p->initial_attempt = *now;
        p->retry_start = *now;
        p->attempts = 0;
    }
    p->latest_attempt = *now;
    if (p->attempts < CCR_MAX_COUNT)
        p->attempts++;
    p->last_error = err;
}
