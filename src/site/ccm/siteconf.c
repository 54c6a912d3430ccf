/*
 * siteconf.c: the site's settings for the manager, [Site] in
 * <share>\SITE.INI (ccm.h, docs/protocol.md).
 *
 * SMS kept Prompt for Restart and the retry duration in the site's
 * configuration; Climon keeps them in one INI file in the share the
 * manager serves, so the lab and a real site set them the same way. A
 * value that is present but wrong is reported and the SMS default used:
 * a typing error must not turn prompts off or make retries endless.
 */
#include "ccm.h"

#include <stdio.h>
#include <string.h>

#define SITE_SECTION "Site"

void ccm_site_default(ccm_site *s)
{
    s->prompt_for_restart = 1;
    s->retry_duration_min = 24 * 60;
    s->retry_first_min = 5;
    s->retry_max_min = 4 * 60;
    s->documented_only = false;
}

static void add_why(char *why, size_t cap, const char *key, const char *value)
{
    size_t n = strlen(why);

    if (n < cap)
        snprintf(why + n, cap - n, "%s%s=\"%s\" is not allowed", n ? "; " : "", key, value);
}

static bool get_number(const unsigned char *data, size_t len, const char *key, uint32_t lo,
                       uint32_t hi, uint32_t *out, char *why, size_t cap)
{
    char text[64];
    uint32_t v;
    ini_status st = ini_get(data, len, SITE_SECTION, key, text, sizeof text, NULL);

    if (st == INI_NOT_FOUND)
        return true;
    if (st != INI_OK) {
        add_why(why, cap, key, "(unreadable)");
        return false;
    }
    if (clv_parse(text, &v) != CLV_OK || v < lo || v > hi) {
        add_why(why, cap, key, text);
        return false;
    }
    *out = v;
    return true;
}

bool ccm_site_parse(const unsigned char *data, size_t len, ccm_site *s, char *why, size_t cap)
{
    uint32_t prompt = 1;
    bool ok = true;
    ini_error ie;

    ccm_site_default(s);
    why[0] = 0;
    if (ini_check(data, len, NULL, &ie) != INI_OK) {
        char line[160];
        ini_error_format(&ie, line, sizeof line);
        snprintf(why, cap, "SITE.INI rejected (%s)", line);
        return false;
    }
    ok &= get_number(data, len, "Prompt for Restart", 0, 1, &prompt, why, cap);
    ok &= get_number(data, len, "Retry Duration Minutes", 1, 366u * 24 * 60, &s->retry_duration_min,
                     why, cap);
    ok &= get_number(data, len, "Retry First Wait Minutes", 1, 24 * 60, &s->retry_first_min, why,
                     cap);
    ok &= get_number(data, len, "Retry Max Wait Minutes", 1, 7 * 24 * 60, &s->retry_max_min, why,
                     cap);
    s->prompt_for_restart = prompt;
    s->documented_only = site_documented_only(data, len);
    if (s->retry_max_min < s->retry_first_min)
        s->retry_max_min = s->retry_first_min;
    return ok;
}
