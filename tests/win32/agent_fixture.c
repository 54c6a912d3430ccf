/*
 * agent_fixture.c: helpers for the climon.exe tests (agent_fixture.h).
 */
#include "agent_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "climon/protocol.h"

void fx_join(wchar_t *out, const wchar_t *a, const wchar_t *b)
{
    _snwprintf(out, FX_PATH, L"%ls\\%ls", a, b);
    out[FX_PATH - 1] = 0;
}

void fx_remove_tree(const wchar_t *d)
{
    wchar_t pat[FX_PATH], p[FX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h;

    fx_join(pat, d, L"*");
    h = FindFirstFileW(pat, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            fx_join(p, d, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                fx_remove_tree(p);
            else {
                SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
                DeleteFileW(p);
            }
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(d);
}

int fx_write(const wchar_t *path, const void *data, size_t len)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD put = 0;
    BOOL ok;
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    ok = WriteFile(h, data, (DWORD)len, &put, NULL) && put == len;
    CloseHandle(h);
    return ok ? 0 : -1;
}

int fx_write_text(const wchar_t *path, const char *text)
{
    return fx_write(path, text, strlen(text));
}

char *fx_read_text(const wchar_t *path)
{
    HANDLE h =
        CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    DWORD got = 0;
    char *buf;

    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    if (!GetFileSizeEx(h, &size) || size.QuadPart > 64 * 1024 * 1024) {
        CloseHandle(h);
        return NULL;
    }
    buf = malloc((size_t)size.QuadPart + 1);
    if (buf && !ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL))
        got = 0;
    if (buf)
        buf[got] = 0;
    CloseHandle(h);
    return buf;
}

int fx_count(const wchar_t *dir, const wchar_t *pattern)
{
    wchar_t pat[FX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    int n = 0;

    fx_join(pat, dir, pattern);
    h = FindFirstFileW(pat, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do
        if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
            n++;
    while (FindNextFileW(h, &fd));
    FindClose(h);
    return n;
}

int fx_program(const char *env, wchar_t *out)
{
    const char *v = getenv(env);
    size_t i, n;

    if (!v || !*v)
        return -1;
    n = strlen(v);
    if (n + 3 >= FX_PATH)
        return -1;
    /* ctest hands Unix paths; Wine's Z: drive is the Unix root. */
    if (v[0] == '/') {
        out[0] = L'Z';
        out[1] = L':';
        for (i = 0; i <= n; i++)
            out[2 + i] = v[i] == '/' ? L'\\' : (wchar_t)(unsigned char)v[i];
    } else {
        for (i = 0; i <= n; i++)
            out[i] = v[i] == '/' ? L'\\' : (wchar_t)(unsigned char)v[i];
    }
    return 0;
}

static int mkdir_p(const wchar_t *d)
{
    wchar_t buf[FX_PATH];
    size_t n = wcslen(d);
    wmemcpy(buf, d, n + 1);
    for (size_t i = 3; i < n; i++) {
        if (buf[i] == L'\\') {
            buf[i] = 0;
            CreateDirectoryW(buf, NULL);
            buf[i] = L'\\';
        }
    }
    return CreateDirectoryW(buf, NULL) || GetLastError() == ERROR_ALREADY_EXISTS ? 0 : -1;
}

int fx_lab_make(fx_lab *lab, const char *name, const char *local_version,
                const char *server_version)
{
    wchar_t tmp[MAX_PATH], fake[FX_PATH], x86[FX_PATH];
    char ini[4096], s[FX_PATH], inv[FX_PATH], sp[FX_PATH];

    memset(lab, 0, sizeof *lab);
    GetTempPathW(MAX_PATH, tmp);
    _snwprintf(lab->root, FX_PATH, L"%lsclimon-%hs-%lu", tmp, name, GetCurrentProcessId());
    fx_remove_tree(lab->root);
    fx_join(lab->sms_ini, lab->root, L"SMS.INI");
    fx_join(lab->sms_path, lab->root, L"MS\\SMS");
    fx_join(lab->invdata, lab->sms_path, L"INVDATA");
    fx_join(lab->share, lab->root, L"SMS_SHR");
    fx_join(lab->inv_box, lab->share, L"INVENTRY.BOX");
    fx_join(lab->ccr_box, lab->share, L"CCR.BOX");
    fx_join(lab->cl_nt, lab->share, L"CL_NT.TXT");
    fx_join(x86, lab->share, L"X86.BIN");
    fx_join(lab->setup_exe, x86, L"CLI_NT.EXE");
    fx_join(lab->state_dir, lab->root, L"state");
    fx_join(lab->log, lab->root, L"CLIMON.LOG");
    fx_join(lab->record, lab->root, L"setup-record.txt");
    fx_join(lab->hook, lab->root, L"restart-hook.txt");
    if (mkdir_p(lab->invdata) || mkdir_p(lab->inv_box) || mkdir_p(lab->ccr_box) || mkdir_p(x86))
        return -1;

    WideCharToMultiByte(CP_UTF8, 0, lab->sms_path, -1, s, FX_PATH, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, lab->invdata, -1, inv, FX_PATH, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, lab->share, -1, sp, FX_PATH, NULL, NULL);
    snprintf(ini, sizeof ini,
             "[Servers]\r\nDomain=S1DOMAIN\r\nCurrentLogonServer=STEVEPDC\r\n"
             "[SMS]\r\n%s%s%sSiteCode=SKZ\r\nSMS Unique ID=SKZ01000\r\nSMSPath=%s\r\n"
             "SMSInvDataPath=%s\r\nLastLogonServerPath=%s\r\n"
             "InventoryCollectionPoint=inventry.box\r\nConfigurationRequestPath=ccr.box\r\n"
             "[Local]\r\nSetupPhase=installed\r\n",
             local_version ? "CopyListVersion=" : "", local_version ? local_version : "",
             local_version ? "\r\n" : "", s, inv, sp);
    if (fx_write_text(lab->sms_ini, ini))
        return -1;
    if (server_version) {
        snprintf(ini, sizeof ini, "[SMS]\r\nCopyListVersion=%s\r\n", server_version);
        if (fx_write_text(lab->cl_nt, ini))
            return -1;
    }
    if (fx_program("CLIMON_FAKE_CLI", fake) == 0 && !CopyFileW(fake, lab->setup_exe, FALSE))
        return -1;
    SetEnvironmentVariableW(L"CLIMON_FAKE_RECORD", lab->record);
    SetEnvironmentVariableW(L"CLIMON_FAKE_EXIT", L"0");
    SetEnvironmentVariableW(L"CLIMON_FAKE_SLEEP_MS", NULL);
    SetEnvironmentVariableW(L"CLIMON_FAKE_LEAVES", NULL);
    SetEnvironmentVariableW(L"CLIMON_FAKE_SMSINI", lab->sms_ini);
    return 0;
}

void fx_lab_remove(fx_lab *lab)
{
    if (lab->root[0])
        fx_remove_tree(lab->root);
}

void fx_lab_switches(const fx_lab *lab, wchar_t *out, size_t cap)
{
    _snwprintf(out, cap, L"\"/smsini:%ls\" \"/statedir:%ls\" \"/log:%ls\" \"/restart-hook:%ls\"",
               lab->sms_ini, lab->state_dir, lab->log, lab->hook);
    out[cap - 1] = 0;
}

static HANDLE start(const wchar_t *args, HANDLE out_write)
{
    wchar_t exe[FX_PATH], line[4 * FX_PATH];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;

    if (fx_program("CLIMON_EXE", exe))
        return NULL;
    _snwprintf(line, 4 * FX_PATH, L"\"%ls\" %ls", exe, args);
    line[4 * FX_PATH - 1] = 0;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (out_write) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdOutput = out_write;
        si.hStdError = out_write;
        si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    }
    if (!CreateProcessW(exe, line, NULL, NULL, out_write != NULL, 0, NULL, NULL, &si, &pi))
        return NULL;
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

HANDLE fx_start_climon(const wchar_t *args)
{
    return start(args, NULL);
}

int fx_run_climon(const wchar_t *args, DWORD timeout_ms, char **output, DWORD *exit_code)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE rd, wr, proc;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    DWORD got;
    int rc = -1;

    *output = NULL;
    *exit_code = 0xFFFFFFFF;
    if (!buf || !CreatePipe(&rd, &wr, &sa, 0)) {
        free(buf);
        return -1;
    }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    proc = start(args, wr);
    CloseHandle(wr);
    if (!proc) {
        CloseHandle(rd);
        free(buf);
        return -1;
    }
    /* Reads what comes until climon.exe exits and the pipe is empty, or
     * until timeout_ms: a program that hangs fails the test in time
     * instead of blocking a ReadFile forever. */
    {
        ULONGLONG end = GetTickCount64() + timeout_ms;
        BOOL exited = FALSE;
        for (;;) {
            DWORD avail = 0;
            if (!PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL))
                break; /* the writer closed it and all was read */
            if (avail && len + 1 < cap) {
                DWORD want = avail < cap - len - 1 ? avail : (DWORD)(cap - len - 1);
                if (!ReadFile(rd, buf + len, want, &got, NULL) || !got)
                    break;
                len += got;
                continue;
            }
            if (exited || GetTickCount64() >= end)
                break;
            exited = WaitForSingleObject(proc, 20) == WAIT_OBJECT_0;
        }
    }
    buf[len] = 0;
    CloseHandle(rd);
    if (WaitForSingleObject(proc, 0) == WAIT_OBJECT_0) {
        GetExitCodeProcess(proc, exit_code);
        rc = 0;
    } else {
        printf("climon.exe %ls did not exit within %lu ms: ended\n", args,
               (unsigned long)timeout_ms);
        TerminateProcess(proc, 99);
    }
    CloseHandle(proc);
    *output = buf;
    return rc;
}

int fx_wait_until(int (*pred)(void *), void *arg, DWORD timeout_ms)
{
    ULONGLONG end = GetTickCount64() + timeout_ms;
    while (!pred(arg)) {
        if (GetTickCount64() >= end)
            return pred(arg);
        Sleep(100);
    }
    return 1;
}

void fx_client_services_clear(void)
{
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, REG_CLIENT_SERVICES);
}

void fx_client_services_set(DWORD reboot, DWORD logoff, DWORD change_id, const wchar_t *components)
{
    HKEY k;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, REG_CLIENT_SERVICES, 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                        &k, NULL) != ERROR_SUCCESS)
        return;
    RegSetValueExW(k, REGV_CHANGED_COMPONENTS, 0, REG_SZ, (const BYTE *)components,
                   (DWORD)((wcslen(components) + 1) * sizeof(wchar_t)));
    RegSetValueExW(k, REGV_CHANGE_ID, 0, REG_DWORD, (const BYTE *)&change_id, sizeof change_id);
    RegSetValueExW(k, REGV_LOGOFF_REQUIRED, 0, REG_DWORD, (const BYTE *)&logoff, sizeof logoff);
    RegSetValueExW(k, REGV_REBOOT_REQUIRED, 0, REG_DWORD, (const BYTE *)&reboot, sizeof reboot);
    RegCloseKey(k);
}

static HKEY sandbox;
static wchar_t sandbox_name[64];

int fx_hklm_sandbox_begin(const wchar_t *prefix)
{
    _snwprintf(sandbox_name, 64, L"Software\\ClimonTest\\%ls%lu", prefix, GetCurrentProcessId());
    sandbox_name[63] = 0;
    RegDeleteTreeW(HKEY_CURRENT_USER, sandbox_name);
    if (RegCreateKeyExW(HKEY_CURRENT_USER, sandbox_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &sandbox,
                        NULL) != ERROR_SUCCESS)
        return -1;
    return RegOverridePredefKey(HKEY_LOCAL_MACHINE, sandbox) == ERROR_SUCCESS ? 0 : -1;
}

void fx_hklm_sandbox_end(void)
{
    RegOverridePredefKey(HKEY_LOCAL_MACHINE, NULL);
    RegCloseKey(sandbox);
    RegDeleteTreeW(HKEY_CURRENT_USER, sandbox_name);
}

typedef struct child_text {
    const wchar_t *want;
    BOOL found;
} child_text;

static BOOL CALLBACK each_child(HWND w, LPARAM lp)
{
    child_text *c = (child_text *)lp;
    wchar_t t[1024];
    DWORD_PTR got = 0;
    /* WM_GETTEXT, as a screen reader and wininspect ask: GetWindowText of
     * another process's window gives its caption, never an edit's text. */
    t[0] = 0;
    if (IsWindowVisible(w) &&
        SendMessageTimeoutW(w, WM_GETTEXT, 1024, (LPARAM)t, SMTO_ABORTIFHUNG, 2000, &got) && got &&
        wcsstr(t, c->want)) {
        c->found = TRUE;
        return FALSE;
    }
    return TRUE;
}

BOOL fx_window_has_text(HWND w, const wchar_t *want)
{
    child_text c = {want, FALSE};
    if (!w)
        return FALSE;
    EnumChildWindows(w, each_child, (LPARAM)&c);
    return c.found;
}

void fx_quit_agent(HANDLE *agent)
{
    char *out = NULL;
    DWORD code;
    if (!*agent)
        return;
    fx_run_climon(L"/quit", 30000, &out, &code);
    free(out);
    if (WaitForSingleObject(*agent, 15000) != WAIT_OBJECT_0)
        TerminateProcess(*agent, 1);
    CloseHandle(*agent);
    *agent = NULL;
}

static BOOL CALLBACK each_window(HWND w, LPARAM lp)
{
    fx_window *s = (fx_window *)lp;
    wchar_t title[128];
    DWORD pid = 0;
    GetWindowThreadProcessId(w, &pid);
    if (pid == s->pid && IsWindowVisible(w) && GetWindowTextW(w, title, 128) &&
        wcscmp(title, s->title) == 0) {
        s->found = w;
        return FALSE;
    }
    return TRUE;
}

int fx_find_window(void *arg)
{
    fx_window *s = arg;
    s->found = NULL;
    EnumWindows(each_window, (LPARAM)s);
    return s->found != NULL;
}

int fx_or_log(const wchar_t *log_path, int ok)
{
    if (!ok) {
        char *log = fx_read_text(log_path);
        printf("agent log:\n%s\n", log ? log : "(none)");
        free(log);
    }
    return ok;
}
