/*
 * site_fixture.c: the site test fixture (site_fixture.h).
 */
#include "site_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "fileio.h"
#include "winstr.h"

static unsigned fx_runs;

static void mkdir_w(const wchar_t *d)
{
    assert_int_equal(fileio_mkdirs(d), ERROR_SUCCESS);
}

static void join(wchar_t *out, const wchar_t *a, const wchar_t *b)
{
    assert_true(path_join(out, MAX_PATH, a, b));
}

static void join8(wchar_t *out, const wchar_t *a, const char *b)
{
    wchar_t wb[MAX_PATH];
    assert_true(winstr_from_utf8(b, wb, MAX_PATH));
    join(out, a, wb);
}

void fx_smsini(const fx_client *c, const char *clv)
{
    char text[2048], sp[MAX_PATH * 3];

    assert_true(winstr_to_utf8(c->smspath, sp, sizeof sp));
    snprintf(
        text, sizeof text,
        "[Servers]\r\nDomain=TSTDOM\r\nCurrentLogonServer=TSTSRV\r\n\r\n"
        "[SMS]\r\nCopyListVersion=%s\r\nSiteCode=TST\r\nSMS Unique ID=%s\r\n"
        "SMSPath=%s\r\nSMSInvDataPath=%s\\INVDATA\r\nLastLogonServerPath=\\\\TSTSRV\\SMS_SHR\r\n"
        "\r\n[Local]\r\nSetupPhase=installed\r\nMachineName=%s\r\n",
        clv, c->id, sp, sp, c->machine);
    fx_write_text(c->root, "SMS.INI", text);
}

void fx_add_client(site_fx *fx, fx_client *c, const char *id, const char *machine)
{
    wchar_t wid[64];

    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", id);
    snprintf(c->machine, sizeof c->machine, "%s", machine);
    assert_true(winstr_from_utf8(id, wid, 64));
    join(c->root, fx->root, wid);
    join(c->smsini, c->root, L"SMS.INI");
    join(c->smspath, c->root, L"MS\\SMS");
    join(c->bin, c->smspath, L"BIN");
    join(c->logs, c->smspath, L"LOGS");
    mkdir_w(c->bin);
    mkdir_w(c->logs);
    _snwprintf(c->regkey, 256, L"%ls\\%ls\\Client Services", fx->regbase, wid);
    fx_smsini(c, "100");
}

void fx_register(site_fx *fx, const fx_client *c)
{
    char text[2048], ini[MAX_PATH * 3], key[512], name[64];

    assert_true(winstr_to_utf8(c->smsini, ini, sizeof ini));
    assert_true(winstr_to_utf8(c->regkey, key, sizeof key));
    snprintf(text, sizeof text, "[Client]\r\nSMS.INI=%s\r\nRegistry=%s\r\nMachine Name=%s\r\n", ini,
             key, c->machine);
    snprintf(name, sizeof name, "%s.INI", c->id);
    fx_write_text(fx->clients, name, text);
}

int fx_setup(site_fx *fx, const char *tag)
{
    wchar_t tmp[MAX_PATH], wtag[64];

    memset(fx, 0, sizeof *fx);
    if (!winstr_from_utf8(tag, wtag, 64))
        return -1;
    GetTempPathW(MAX_PATH, tmp);
    fx_runs++;
    _snwprintf(fx->root, MAX_PATH, L"%lsclimon-%ls-%lu-%u", tmp, wtag, GetCurrentProcessId(),
               fx_runs);
    _snwprintf(fx->regbase, 256, L"SOFTWARE\\ClimonTest\\%ls-%lu-%u", wtag, GetCurrentProcessId(),
               fx_runs);
    join(fx->share, fx->root, L"SMS_SHR");
    join(fx->bin86, fx->share, L"X86.BIN");
    join(fx->box, fx->share, L"CCR.BOX");
    join(fx->retry, fx->box, L"RETRY");
    join(fx->bad, fx->box, L"BAD");
    join(fx->clients, fx->share, L"CLIENTS");
    mkdir_w(fx->bin86);
    mkdir_w(fx->box);
    mkdir_w(fx->clients);
    fx_add_client(fx, &fx->c, "TST00001", "TSTPC01");
    return 0;
}

static void remove_tree(const wchar_t *d)
{
    wchar_t pat[MAX_PATH], p[MAX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h;

    path_join(pat, MAX_PATH, d, L"*");
    h = FindFirstFileW(pat, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            path_join(p, MAX_PATH, d, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
                remove_tree(p);
            } else {
                SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
                DeleteFileW(p);
            }
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(d);
}

void fx_teardown(site_fx *fx)
{
    remove_tree(fx->root);
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, fx->regbase);
}

int fx_test_setup(void **state, const char *tag)
{
    static site_fx fx;
    *state = &fx;
    return fx_setup(&fx, tag);
}

int fx_test_teardown(void **state)
{
    fx_teardown(*state);
    return 0;
}

void fx_write(const wchar_t *dir, const char *name, const void *data, size_t len)
{
    wchar_t p[MAX_PATH];
    HANDLE h;
    DWORD put = 0;

    join8(p, dir, name);
    h = CreateFileW(p, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(h, data, (DWORD)len, &put, NULL));
    assert_int_equal(put, len);
    CloseHandle(h);
}

void fx_write_text(const wchar_t *dir, const char *name, const char *text)
{
    fx_write(dir, name, text, strlen(text));
}

char *fx_read(const wchar_t *dir, const char *name, size_t *len)
{
    wchar_t p[MAX_PATH];
    unsigned char *data = NULL;
    size_t n = 0;

    join8(p, dir, name);
    if (fileio_read(p, 64u * 1024 * 1024, &data, &n) != ERROR_SUCCESS)
        return NULL;
    if (len)
        *len = n;
    return (char *)data;
}

void fx_free(void *p)
{
    fileio_free(p);
}

bool fx_exists(const wchar_t *dir, const char *name)
{
    wchar_t p[MAX_PATH];

    join8(p, dir, name);
    return GetFileAttributesW(p) != INVALID_FILE_ATTRIBUTES;
}

unsigned fx_count(const wchar_t *dir, const char *pattern)
{
    wchar_t p[MAX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    unsigned n = 0;

    join8(p, dir, pattern);
    h = FindFirstFileW(p, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do
        if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
            n++;
    while (FindNextFileW(h, &fd));
    FindClose(h);
    return n;
}

bool fx_payload_is(const wchar_t *dir, const char *name, const char *version)
{
    char want[64];
    char *text = fx_read(dir, name, NULL);
    bool ok;

    if (!text)
        return false;
    snprintf(want, sizeof want, "version=%s\r\n", version);
    ok = strstr(text, want) != NULL;
    fx_free(text);
    return ok;
}

static void payload(site_fx *fx, const char *file, const char *version)
{
    char text[128];

    snprintf(text, sizeof text, "payload\r\nfile=%s\r\nversion=%s\r\n", file, version);
    fx_write_text(fx->bin86, file, text);
}

void fx_publish(site_fx *fx, unsigned long clv, const char *inv, const char *pcm, const char *apps)
{
    char text[4096];
    size_t n = 0;

    n += (size_t)snprintf(text + n, sizeof text - n,
                          "[Copy List]\r\nCopyListVersion=%lu\r\n\r\n[Components]\r\n", clv);
    if (inv)
        n += (size_t)snprintf(text + n, sizeof text - n, "INV32CLI=service\r\n");
    if (pcm)
        n += (size_t)snprintf(text + n, sizeof text - n, "PCMSVC32=service\r\n");
    if (apps)
        n += (size_t)snprintf(text + n, sizeof text - n, "SMSAPPS=program\r\n");
    if (inv) {
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "\r\n[INV32CLI]\r\nDisplay Name=Inventory Agent\r\nVersion=%s\r\n"
                              "Files=INV32CLI.EXE, INVMIF.DLL\r\n",
                              inv);
        payload(fx, "INV32CLI.EXE", inv);
        payload(fx, "INVMIF.DLL", inv);
    }
    if (pcm) {
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "\r\n[PCMSVC32]\r\nDisplay Name=Package Command Manager\r\n"
                              "Version=%s\r\nFiles=PCMSVC32.EXE\r\n",
                              pcm);
        payload(fx, "PCMSVC32.EXE", pcm);
    }
    if (apps) {
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "\r\n[SMSAPPS]\r\nDisplay Name=SMS Client Applications\r\n"
                              "Version=%s\r\nFiles=SMSAPPS.EXE\r\n",
                              apps);
        payload(fx, "SMSAPPS.EXE", apps);
    }
    assert_true(n < sizeof text);
    fx_write_text(fx->share, "CL_NT.TXT", text);
}

void fx_request(site_fx *fx, const fx_client *c, const ccr_time *t)
{
    ccr_request req;
    char out[1024], name[64];
    size_t len = 0;

    memset(&req, 0, sizeof req);
    snprintf(req.machine, sizeof req.machine, "%s", c->machine);
    snprintf(req.domain, sizeof req.domain, "TSTDOM");
    req.initial = *t;
    req.latest = *t;
    req.count = 1;
    assert_int_equal(ccr_write(&req, out, sizeof out, &len, NULL), CCR_OK);
    snprintf(name, sizeof name, "%s.CCR", c->id);
    fx_write(fx->box, name, out, len);
}

static HKEY open_key(const fx_client *c, const char *comp)
{
    wchar_t path[512], wcomp[64];
    HKEY k = NULL;

    if (comp) {
        assert_true(winstr_from_utf8(comp, wcomp, 64));
        _snwprintf(path, 512, L"%ls\\Components\\%ls", c->regkey, wcomp);
    } else {
        _snwprintf(path, 512, L"%ls", c->regkey);
    }
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ | KEY_WOW64_64KEY, &k) != ERROR_SUCCESS)
        return NULL;
    return k;
}

DWORD fx_dword(const fx_client *c, const char *comp, const char *value)
{
    wchar_t wv[128];
    DWORD v = FX_ABSENT, cb = sizeof v;
    HKEY k = open_key(c, comp);

    if (!k)
        return FX_ABSENT;
    assert_true(winstr_from_utf8(value, wv, 128));
    if (RegGetValueW(k, NULL, wv, RRF_RT_REG_DWORD, NULL, &v, &cb) != ERROR_SUCCESS)
        v = FX_ABSENT;
    RegCloseKey(k);
    return v;
}

bool fx_sz(const fx_client *c, const char *comp, const char *value, char *out, size_t cap)
{
    wchar_t wv[128], buf[1024];
    DWORD cb = sizeof buf;
    HKEY k = open_key(c, comp);
    bool ok;

    out[0] = 0;
    if (!k)
        return false;
    assert_true(winstr_from_utf8(value, wv, 128));
    ok = RegGetValueW(k, NULL, wv, RRF_RT_REG_SZ, NULL, buf, &cb) == ERROR_SUCCESS &&
         winstr_to_utf8(buf, out, cap);
    RegCloseKey(k);
    return ok;
}

void fx_installed(const fx_client *c, const char *comp, const char *version, const char *kind,
                  const char *files_multi)
{
    wchar_t path[512], wcomp[64], buf[512];
    HKEY k;
    size_t n = 0;

    assert_true(winstr_from_utf8(comp, wcomp, 64));
    _snwprintf(path, 512, L"%ls\\Components\\%ls", c->regkey, wcomp);
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0,
                                     KEY_WRITE | KEY_WOW64_64KEY, NULL, &k, NULL),
                     ERROR_SUCCESS);
    assert_true(winstr_from_utf8(version, buf, 512));
    RegSetValueExW(k, L"Installed Version", 0, REG_SZ, (const BYTE *)buf,
                   (DWORD)((wcslen(buf) + 1) * 2));
    assert_true(winstr_from_utf8(kind, buf, 512));
    RegSetValueExW(k, L"Kind", 0, REG_SZ, (const BYTE *)buf, (DWORD)((wcslen(buf) + 1) * 2));
    if (files_multi) {
        /* "A.EXE|B.DLL" -> MULTI_SZ */
        for (const char *p = files_multi; *p; p++, n++)
            buf[n] = *p == '|' ? 0 : (wchar_t)*p;
        buf[n++] = 0;
        buf[n++] = 0;
        RegSetValueExW(k, L"Files", 0, REG_MULTI_SZ, (const BYTE *)buf, (DWORD)(n * 2));
    }
    RegCloseKey(k);
}

void fx_set_dword(const fx_client *c, const char *value, DWORD v)
{
    wchar_t wv[128];
    HKEY k;

    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, c->regkey, 0, NULL, 0,
                                     KEY_WRITE | KEY_WOW64_64KEY, NULL, &k, NULL),
                     ERROR_SUCCESS);
    assert_true(winstr_from_utf8(value, wv, 128));
    RegSetValueExW(k, wv, 0, REG_DWORD, (const BYTE *)&v, sizeof v);
    RegCloseKey(k);
}

bool fx_log_has(const wchar_t *dir, const char *name, const char *text)
{
    char *log = fx_read(dir, name, NULL);
    bool ok = log && strstr(log, text) != NULL;

    fx_free(log);
    return ok;
}
