/*
 * agent_fixture.h: helpers shared by the climon.exe tests: a private
 * client + logon server share in a temp folder, files in and out, the
 * paths of the built programs, running climon.exe with its output
 * captured, and a sandbox key standing in for HKLM.
 */
#ifndef CLIMON_TEST_AGENT_FIXTURE_H
#define CLIMON_TEST_AGENT_FIXTURE_H

#include <windows.h>
#include <stddef.h>

#define FX_PATH 1024

typedef struct fx_lab {
    wchar_t root[FX_PATH];
    wchar_t sms_ini[FX_PATH];
    wchar_t sms_path[FX_PATH];
    wchar_t invdata[FX_PATH];
    wchar_t share[FX_PATH];
    wchar_t inv_box[FX_PATH];
    wchar_t ccr_box[FX_PATH];
    wchar_t cl_nt[FX_PATH];
    wchar_t setup_exe[FX_PATH];
    wchar_t state_dir[FX_PATH];
    wchar_t log[FX_PATH];
    wchar_t record[FX_PATH]; /* what the fake CLI_NT.EXE writes */
    wchar_t hook[FX_PATH];   /* the restart hook file */
} fx_lab;

/* Makes a lab under %TEMP%: SMS.INI with local_version (NULL: no key),
 * CL_NT.TXT with server_version (NULL: no file), the folders, and the
 * fake Client Setup copied to X86.BIN\CLI_NT.EXE. Returns 0 on success. */
int fx_lab_make(fx_lab *lab, const char *name, const char *local_version,
                const char *server_version);
void fx_lab_remove(fx_lab *lab);

void fx_remove_tree(const wchar_t *dir);
int fx_write(const wchar_t *path, const void *data, size_t len);
int fx_write_text(const wchar_t *path, const char *text);
/* Whole file as a NUL-terminated heap string (free()), NULL when missing. */
char *fx_read_text(const wchar_t *path);
/* Files in dir matching pattern ("*.RAW"). */
int fx_count(const wchar_t *dir, const wchar_t *pattern);
void fx_join(wchar_t *out, const wchar_t *a, const wchar_t *b);

/* A Windows path for a built program from an environment variable the
 * test list sets to its Unix path (CLIMON_EXE, CLIMON_FAKE_CLI). */
int fx_program(const char *env, wchar_t *out);

/* The lab's switches for climon.exe: /smsini /statedir /log /restart-hook. */
void fx_lab_switches(const fx_lab *lab, wchar_t *out, size_t cap);

/* Runs climon.exe with args; captures stdout+stderr (heap, free()) and
 * the exit code. Returns 0 when it exited within timeout_ms. */
int fx_run_climon(const wchar_t *args, DWORD timeout_ms, char **output, DWORD *exit_code);

/* Starts climon.exe without waiting; returns the process handle. */
HANDLE fx_start_climon(const wchar_t *args);

/* TRUE when a visible child control of w has text holding want. */
BOOL fx_window_has_text(HWND w, const wchar_t *want);

/* A visible top-level window of process pid whose title is title:
 * fx_find_window is a predicate for fx_wait_until; found is set. */
typedef struct fx_window {
    DWORD pid;
    const wchar_t *title;
    HWND found;
} fx_window;
int fx_find_window(void *arg);

/* ok; when it is 0, the agent's log (at log_path) is printed first, so a
 * failed assertion comes with the agent's own account of it. */
int fx_or_log(const wchar_t *log_path, int ok);

/* Asks the running agent to exit (/quit), waits, ends it the hard way
 * when it does not; *agent is NULL afterwards. */
void fx_quit_agent(HANDLE *agent);

/* Waits until pred() is true, waiting on nothing but time in small steps,
 * up to timeout_ms. Returns the last pred(). For tests only. */
int fx_wait_until(int (*pred)(void *), void *arg, DWORD timeout_ms);

/* The Client Services key of the Wine prefix: set the manager's report,
 * or delete the key. */
void fx_client_services_clear(void);
void fx_client_services_set(DWORD reboot, DWORD logoff, DWORD change_id, const wchar_t *components);

/* A sandbox for HKLM: HKCU\Software\ClimonTest\<prefix><pid>, made
 * afresh, with HKEY_LOCAL_MACHINE redirected to it for this process
 * (RegOverridePredefKey) until fx_hklm_sandbox_end, which deletes it.
 * One at a time. Returns 0 on success. */
int fx_hklm_sandbox_begin(const wchar_t *prefix);
void fx_hklm_sandbox_end(void);

#endif
