/*
 * sitemode.c: which site the lab plays (site.h, docs/protocol.md "What a
 * real SMS 1.2 site gives").
 *
 * A real SMS 1.2 site tells the client one thing: its Client Configuration
 * Manager sets Reboot Required, and its CLI_NT.EXE documents no exit codes.
 * Our lab's manager and Client Setup write more (Change Id, Changed
 * Components, Logoff Required, exit codes 10 and 11) for the agent to use
 * when present. [Site] Documented Only=1 in <share>\SITE.INI makes both
 * write only what SMS 1.2 documents, so the agent is proven against the
 * real thing, not against our extensions.
 */
#include "site.h"

#include "climon/ini.h"
#include "fileio.h"

#define SITE_MODE_MAX_BYTES (64u * 1024u)

bool site_documented_only(const void *site_ini, size_t len)
{
    char v[8];

    return site_ini &&
           ini_get(site_ini, len, "Site", "Documented Only", v, sizeof v, NULL) == INI_OK &&
           v[0] == '1' && v[1] == 0;
}

bool site_read_documented_only(const wchar_t *share)
{
    wchar_t path[SITE_PATH_MAX];
    unsigned char *data = NULL;
    size_t len = 0;
    bool on = false;

    if (path_join(path, SITE_PATH_MAX, share, L"SITE.INI") &&
        fileio_read(path, SITE_MODE_MAX_BYTES, &data, &len) == ERROR_SUCCESS)
        on = site_documented_only(data, len);
    fileio_free(data);
    return on;
}
