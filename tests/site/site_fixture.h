/*
 * site_fixture.h: a site share and clients in a temporary folder, with a
 * sandbox Client Services key per client under HKLM\SOFTWARE\ClimonTest,
 * for the tests of clisetup.exe and ccm.exe (test_clisetup*.c,
 * test_ccm*.c). Real files and the real registry under Wine; no fakes.
 */
#ifndef CLIMON_TEST_SITE_FIXTURE_H
#define CLIMON_TEST_SITE_FIXTURE_H

#include <windows.h>
#include <stdbool.h>
#include <stddef.h>

#include "climon/ccr.h"

#define FX_ABSENT 0xDEADBEEFu /* fx_dword: the value is not there */

typedef struct fx_client {
    char id[CCR_ID_MAX + 1];
    char machine[CCR_NAME_MAX + 1];
    wchar_t root[MAX_PATH];    /* the client's "C:\" */
    wchar_t smsini[MAX_PATH];  /* root\SMS.INI */
    wchar_t smspath[MAX_PATH]; /* root\MS\SMS */
    wchar_t bin[MAX_PATH];     /* root\MS\SMS\BIN */
    wchar_t logs[MAX_PATH];    /* root\MS\SMS\LOGS */
    wchar_t regkey[256];       /* SOFTWARE\ClimonTest\<run>\<id>\Client Services */
} fx_client;

typedef struct site_fx {
    wchar_t root[MAX_PATH];
    wchar_t share[MAX_PATH];   /* root\SMS_SHR */
    wchar_t bin86[MAX_PATH];   /* share\X86.BIN */
    wchar_t box[MAX_PATH];     /* share\CCR.BOX */
    wchar_t retry[MAX_PATH];   /* share\CCR.BOX\RETRY */
    wchar_t bad[MAX_PATH];     /* share\CCR.BOX\BAD */
    wchar_t clients[MAX_PATH]; /* share\CLIENTS */
    wchar_t regbase[256];      /* SOFTWARE\ClimonTest\<run>: deleted at teardown */
    fx_client c;               /* the default client, TST00001 on TSTPC01 */
} site_fx;

/* Makes the share's folders and the default client (folders and SMS.INI
 * with CopyListVersion 100, no client record yet). 0 on success. */
int fx_setup(site_fx *fx, const char *tag);
void fx_teardown(site_fx *fx);
/* The same as a cmocka setup and teardown, the fixture (one a program)
 * being the test's state:
 *   static int setup(void **state) { return fx_test_setup(state, "tag"); }
 *   cmocka_unit_test_setup_teardown(test, setup, fx_test_teardown) */
int fx_test_setup(void **state, const char *tag);
int fx_test_teardown(void **state);

/* Another client, with its own folders, SMS.INI and registry key. */
void fx_add_client(site_fx *fx, fx_client *c, const char *id, const char *machine);
/* The site's record of c in share\CLIENTS (the manager needs it). */
void fx_register(site_fx *fx, const fx_client *c);
/* c's SMS.INI with this CopyListVersion text. */
void fx_smsini(const fx_client *c, const char *clv);

/* CL_NT.TXT with CopyListVersion clv and, for each version not NULL, the
 * component with it (and its payload files in X86.BIN saying the version):
 *   INV32CLI service "Inventory Agent" INV32CLI.EXE, INVMIF.DLL
 *   PCMSVC32 service "Package Command Manager" PCMSVC32.EXE
 *   SMSAPPS  program "SMS Client Applications" SMSAPPS.EXE */
void fx_publish(site_fx *fx, unsigned long clv, const char *inv, const char *pcm, const char *apps);

/* Files, relative to a folder; names are ASCII. */
void fx_write(const wchar_t *dir, const char *name, const void *data, size_t len);
void fx_write_text(const wchar_t *dir, const char *name, const char *text);
/* Whole file, NUL-terminated; NULL when missing. Free with fx_free. */
char *fx_read(const wchar_t *dir, const char *name, size_t *len);
void fx_free(void *p);
bool fx_exists(const wchar_t *dir, const char *name);
/* Files in dir matching pattern ("*.CCR"). */
unsigned fx_count(const wchar_t *dir, const char *pattern);
/* True when the file holds "version=<v>" (a payload). */
bool fx_payload_is(const wchar_t *dir, const char *name, const char *version);

/* A request of c filed at t (count 1), as Client Setup writes it. */
void fx_request(site_fx *fx, const fx_client *c, const ccr_time *t);

/* Client Services values of c (comp NULL: the key itself). */
DWORD fx_dword(const fx_client *c, const char *comp, const char *value);
bool fx_sz(const fx_client *c, const char *comp, const char *value, char *out, size_t cap);
/* Marks comp installed at version (Installed Version, Kind, Files). */
void fx_installed(const fx_client *c, const char *comp, const char *version, const char *kind,
                  const char *files_multi);
void fx_set_dword(const fx_client *c, const char *value, DWORD v);

/* True when the log file holds text. */
bool fx_log_has(const wchar_t *dir, const char *name, const char *text);

#endif
