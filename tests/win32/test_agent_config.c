/*
 * test_agent_config.c: where climon.exe finds things. A switch beats the
 * admin's policy, which beats SMS.INI; a damaged SMS.INI is a clear error
 * with no paths, never a guess. The policy key is a sandbox: HKLM is
 * redirected with RegOverridePredefKey for this process.
 */
#include <windows.h>
#include <shellapi.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "agent_fixture.h"
#include "climon.h"
#include "climon/protocol.h"

static fx_lab lab;

static int setup(void **state)
{
    (void)state;
    if (fx_lab_make(&lab, "config", "835643765", "835643765"))
        return -1;
    return fx_hklm_sandbox_begin(L"HKLM-");
}

static int teardown(void **state)
{
    (void)state;
    fx_hklm_sandbox_end();
    fx_lab_remove(&lab);
    return 0;
}

static void set_policy_sz(const wchar_t *name, const wchar_t *value)
{
    HKEY k;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, REG_POLICY_KEY, 0, NULL, 0, KEY_ALL_ACCESS,
                                     NULL, &k, NULL),
                     ERROR_SUCCESS);
    if (value)
        RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)value,
                       (DWORD)((wcslen(value) + 1) * sizeof(wchar_t)));
    else
        RegDeleteValueW(k, name);
    RegCloseKey(k);
}

static void set_policy_dword(const wchar_t *name, DWORD v)
{
    HKEY k;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, REG_POLICY_KEY, 0, NULL, 0, KEY_ALL_ACCESS,
                                     NULL, &k, NULL),
                     ERROR_SUCCESS);
    RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&v, sizeof v);
    RegCloseKey(k);
}

static void clear_policy(void)
{
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, REG_POLICY_KEY);
}

static climon_config *load(const wchar_t *share_switch)
{
    static cmd_line cl;
    static climon_config cfg;
    memset(&cl, 0, sizeof cl);
    wcscpy(cl.smsini, lab.sms_ini);
    if (share_switch)
        wcscpy(cl.share, share_switch);
    config_load(&cl, &cfg);
    return &cfg;
}

static void test_config_reads_paths_and_identity_from_smsini(void **state)
{
    climon_config *cfg;
    wchar_t want[FX_PATH];
    (void)state;
    clear_policy();
    cfg = load(NULL);
    assert_string_equal(cfg->smsini_error, "");
    assert_true(wcscmp(cfg->share, lab.share) == 0);
    assert_true(wcscmp(cfg->invdata, lab.invdata) == 0);
    fx_join(want, lab.share, L"inventry.box");
    assert_true(wcscmp(cfg->inv_box, want) == 0);
    fx_join(want, lab.sms_path, L"LOGS\\CLIMON.LOG");
    assert_true(wcscmp(cfg->log_path, want) == 0);
    assert_string_equal(cfg->unique_id, "SKZ01000");
    assert_string_equal(cfg->site_code, "SKZ");
    assert_string_equal(cfg->logon_server, "STEVEPDC");
    assert_int_equal(cfg->setup_timeout_s, 600);
    assert_true(cfg->core.prompts_enabled);
}

static void test_config_switch_beats_policy_beats_smsini(void **state)
{
    climon_config *cfg;
    (void)state;
    clear_policy();
    set_policy_sz(L"LogonServerPath", L"P:\\POLICY_SHR");
    cfg = load(NULL);
    assert_true(wcscmp(cfg->share, L"P:\\POLICY_SHR") == 0);
    assert_int_equal(cfg->src_share, SRC_POLICY);
    cfg = load(L"S:\\SWITCH_SHR");
    assert_true(wcscmp(cfg->share, L"S:\\SWITCH_SHR") == 0);
    assert_int_equal(cfg->src_share, SRC_SWITCH);
    assert_true(wcscmp(cfg->inv_box, L"S:\\SWITCH_SHR\\inventry.box") == 0);
    set_policy_sz(L"LogonServerPath", NULL);
    cfg = load(NULL);
    assert_int_equal(cfg->src_share, SRC_SMSINI);
    clear_policy();
}

static void test_config_policy_numbers_reach_the_core(void **state)
{
    climon_config *cfg;
    (void)state;
    clear_policy();
    set_policy_dword(L"PromptsEnabled", 0);
    set_policy_dword(L"DeadlineHours", 8);
    set_policy_dword(L"QuietAfterLogonMinutes", 15);
    set_policy_dword(L"SetupTimeoutSeconds", 120);
    set_policy_dword(L"LogMaxKB", 256);
    set_policy_dword(L"DeferralChoices", 3);
    set_policy_sz(L"SetupCommand", L"\"C:\\Tools\\setup.exe\" /x");
    cfg = load(NULL);
    assert_false(cfg->core.prompts_enabled);
    assert_int_equal(cfg->core.deadline_s, 8 * 3600);
    assert_int_equal(cfg->core.quiet_after_logon_s, 15 * 60);
    assert_int_equal(cfg->setup_timeout_s, 120);
    assert_int_equal(cfg->log_max_kb, 256);
    assert_int_equal(cfg->core.deferral_choices, AGENT_CHOICE_1H | AGENT_CHOICE_4H);
    assert_true(wcscmp(cfg->setup_cmd, L"\"C:\\Tools\\setup.exe\" /x") == 0);
    /* Out of range: ignored, the default stays. */
    set_policy_dword(L"SetupTimeoutSeconds", 0);
    set_policy_dword(L"DeferralChoices", 8);
    cfg = load(NULL);
    assert_int_equal(cfg->setup_timeout_s, 600);
    assert_int_equal(cfg->core.deferral_choices,
                     AGENT_CHOICE_1H | AGENT_CHOICE_4H | AGENT_CHOICE_TOMORROW);
    clear_policy();
}

static void test_config_startup_jitter_policy_and_key_reach_the_core(void **state)
{
    climon_config *cfg;
    (void)state;
    clear_policy();
    cfg = load(NULL);
    assert_int_equal(cfg->core.startup_jitter_s, 0); /* not configured: at once */
    assert_int_equal(cfg->core.jitter_key, agent_jitter_key(cfg->unique_id));
    assert_true(cfg->unique_id[0] != 0);
    set_policy_dword(L"StartupJitterMinutes", 45);
    cfg = load(NULL);
    assert_int_equal(cfg->core.startup_jitter_s, 45 * 60);
    set_policy_dword(L"StartupJitterMinutes", 481); /* out of range: ignored */
    cfg = load(NULL);
    assert_int_equal(cfg->core.startup_jitter_s, 0);
    clear_policy();
}

static void test_config_binary_smsini_is_an_error_with_no_paths(void **state)
{
    static const char bin[] = "[SMS]\r\nCopyListVersion=1\r\n\0\0\x01\x02LastLogonServerPath=X:\\";
    climon_config *cfg;
    (void)state;
    clear_policy();
    assert_int_equal(fx_write(lab.sms_ini, bin, sizeof bin - 1), 0);
    cfg = load(NULL);
    assert_non_null(strstr(cfg->smsini_error, "SMS.INI rejected"));
    assert_true(cfg->share[0] == 0);
    assert_true(cfg->invdata[0] == 0);
    assert_true(cfg->inv_box[0] == 0);
}

static void test_config_10mb_line_smsini_is_refused_whole(void **state)
{
    size_t n = 10u * 1024u * 1024u;
    char *big = malloc(n + 64);
    climon_config *cfg;
    (void)state;
    assert_non_null(big);
    strcpy(big, "[SMS]\r\nLastLogonServerPath=");
    memset(big + strlen(big), 'A', n);
    big[n] = 0;
    assert_int_equal(fx_write(lab.sms_ini, big, n), 0);
    free(big);
    cfg = load(NULL);
    assert_true(cfg->smsini_error[0] != 0);
    assert_true(cfg->share[0] == 0);
}

static void test_config_utf16_smsini_is_read(void **state)
{
    static const wchar_t text[] =
        L"\xFEFF[SMS]\r\nSMS Unique ID=SKZ01000\r\nLastLogonServerPath=U:\\SMS_SHR\r\n";
    climon_config *cfg;
    (void)state;
    assert_int_equal(fx_write(lab.sms_ini, text, sizeof text - sizeof(wchar_t)), 0);
    cfg = load(NULL);
    assert_string_equal(cfg->smsini_error, "");
    assert_true(wcscmp(cfg->share, L"U:\\SMS_SHR") == 0);
    assert_string_equal(cfg->unique_id, "SKZ01000");
}

static void test_config_missing_smsini_is_an_error_not_a_crash(void **state)
{
    climon_config *cfg;
    (void)state;
    DeleteFileW(lab.sms_ini);
    cfg = load(NULL);
    assert_non_null(strstr(cfg->smsini_error, "cannot read SMS.INI"));
    assert_true(cfg->share[0] == 0);
}

static void test_config_hostile_names_are_refused(void **state)
{
    climon_config *cfg;
    (void)state;
    fx_write_text(lab.sms_ini,
                  "[SMS]\r\nSMS Unique ID=..\\..\\evil\r\nLastLogonServerPath=S:\\SHR\r\n"
                  "InventoryCollectionPoint=..\\..\\Windows\r\n");
    cfg = load(NULL);
    assert_string_equal(cfg->unique_id, "");
    assert_true(wcscmp(cfg->inv_box, L"S:\\SHR\\INVENTRY.BOX") == 0);
    assert_true(cfg->smsini_error[0] != 0);
}

static void test_cmdline_parses_switches_and_refuses_bad_ones(void **state)
{
    const wchar_t *ok[] = {L"/check", L"/smsini:C:\\SMS.INI", L"/SETUPTIMEOUT:30",
                           L"/restart-hook:C:\\h.txt"};
    const wchar_t *unknown[] = {L"/bogus"};
    const wchar_t *two[] = {L"/check", L"/install"};
    const wchar_t *zero[] = {L"/setuptimeout:0"};
    const wchar_t *empty[] = {L"/share:"};
    cmd_line cl;
    (void)state;
    assert_true(cmdline_parse(4, ok, &cl));
    assert_int_equal(cl.verb, VERB_CHECK);
    assert_true(wcscmp(cl.smsini, L"C:\\SMS.INI") == 0);
    assert_int_equal(cl.setup_timeout_s, 30);
    assert_true(wcscmp(cl.restart_hook, L"C:\\h.txt") == 0);
    assert_false(cmdline_parse(1, unknown, &cl));
    assert_non_null(strstr(cl.error, "/bogus"));
    assert_false(cmdline_parse(2, two, &cl));
    assert_false(cmdline_parse(1, zero, &cl));
    assert_false(cmdline_parse(1, empty, &cl));
}

static void test_default_setup_command_is_quoted_full_path(void **state)
{
    climon_config cfg;
    wchar_t cmd[CLIMON_CMD_MAX];
    (void)state;
    memset(&cfg, 0, sizeof cfg);
    wcscpy(cfg.share, L"\\\\STEVEPDC\\SMS_SHR");
    assert_true(config_setup_command(&cfg, cmd, CLIMON_CMD_MAX));
    assert_true(
        wcscmp(cmd, L"\"\\\\STEVEPDC\\SMS_SHR\\X86.BIN\\CLI_NT.EXE\" /p:\\\\STEVEPDC\\SMS_SHR") ==
        0);
    wcscpy(cfg.share, L"C:\\Site Share");
    assert_true(config_setup_command(&cfg, cmd, CLIMON_CMD_MAX));
    assert_true(wcscmp(cmd, L"\"C:\\Site Share\\X86.BIN\\CLI_NT.EXE\" /p:\"C:\\Site Share\"") == 0);
    cfg.share[0] = 0;
    assert_false(config_setup_command(&cfg, cmd, CLIMON_CMD_MAX));
}

/* The command line as Client Setup's runtime splits it (CommandLineToArgvW
 * rules): argv[1] must be "/p:" and the share, whole. */
static void assert_setup_gets_share(const climon_config *cfg, const wchar_t *share)
{
    wchar_t cmd[CLIMON_CMD_MAX], want[CLIMON_PATH_MAX + 4];
    LPWSTR *argv;
    int argc = 0;
    assert_true(config_setup_command(cfg, cmd, CLIMON_CMD_MAX));
    argv = CommandLineToArgvW(cmd, &argc);
    assert_non_null(argv);
    assert_int_equal(argc, 2);
    _snwprintf(want, CLIMON_PATH_MAX + 4, L"/p:%ls", share);
    if (wcscmp(argv[1], want) != 0) {
        char got[CLIMON_CMD_MAX];
        WideCharToMultiByte(CP_UTF8, 0, cmd, -1, got, sizeof got, NULL, NULL);
        print_error("command line: %s\n", got);
    }
    assert_true(wcscmp(argv[1], want) == 0);
    LocalFree(argv);
}

/* Issue 17.3: a share with a space and a trailing backslash ("S:\SMS SHR\")
 * made the command end in \", which escapes the closing quote: Client
 * Setup got "S:\SMS SHR\"" and exited 64, every time. From the switch, the
 * policy and SMS.INI alike, the share is taken without its trailing
 * separator and every argument quoted by the CommandLineToArgvW rules. */
static void test_share_with_space_and_trailing_backslash_reaches_setup_whole(void **state)
{
    climon_config *cfg;
    (void)state;
    clear_policy();
    cfg = load(L"S:\\SMS SHR\\");
    assert_true(wcscmp(cfg->share, L"S:\\SMS SHR") == 0);
    assert_true(_wcsicmp(cfg->inv_box, L"S:\\SMS SHR\\INVENTRY.BOX") == 0);
    assert_setup_gets_share(cfg, L"S:\\SMS SHR");

    set_policy_sz(L"LogonServerPath", L"\\\\SRV\\SMS SHR\\\\");
    cfg = load(NULL);
    assert_true(wcscmp(cfg->share, L"\\\\SRV\\SMS SHR") == 0);
    assert_setup_gets_share(cfg, L"\\\\SRV\\SMS SHR");
    clear_policy();

    assert_int_equal(fx_write_text(lab.sms_ini, "[SMS]\r\nSMS Unique ID=SKZ01000\r\n"
                                                "LastLogonServerPath=T:\\Site Root\\SMS SHR\\\r\n"),
                     0);
    cfg = load(NULL);
    assert_true(wcscmp(cfg->share, L"T:\\Site Root\\SMS SHR") == 0);
    assert_setup_gets_share(cfg, L"T:\\Site Root\\SMS SHR");

    /* A drive's root keeps its separator: "S:" alone would be relative. */
    cfg = load(L"S:\\");
    assert_true(wcscmp(cfg->share, L"S:\\") == 0);
    assert_setup_gets_share(cfg, L"S:\\");
}

/* Issue 17.7: an SMS.INI path over 1023 characters was taken as missing
 * without a word, and SMSInvDataPath then quietly became
 * <SMSPath>\INVDATA. It is an error, said in the log and the status. */
static void test_config_too_long_smsini_path_is_said_not_taken_as_missing(void **state)
{
    static char ini[4096];
    char longpath[1200];
    climon_config *cfg;
    (void)state;
    clear_policy();
    memset(longpath, 'x', 1100);
    memcpy(longpath, "C:\\", 3);
    longpath[1100] = 0;
    snprintf(ini, sizeof ini,
             "[SMS]\r\nSMS Unique ID=SKZ01000\r\nSMSPath=C:\\MS\\SMS\r\nSMSInvDataPath=%s\r\n",
             longpath);
    assert_int_equal(fx_write_text(lab.sms_ini, ini), 0);
    cfg = load(NULL);
    assert_non_null(strstr(cfg->smsini_error, "SMSInvDataPath"));
    assert_non_null(strstr(cfg->smsini_error, "1100 characters"));
    assert_int_equal(cfg->invdata[0], 0); /* not C:\MS\SMS\INVDATA */
}

/* The log under a long SMSPath: in the folder SMSPath names, not a file
 * of a cut name; one that would not fit at all goes to the state folder,
 * and says why. */
static void test_config_log_under_a_long_smspath_is_not_cut(void **state)
{
    static char ini[4096];
    static climon_config cfg2;
    wchar_t smspath[1200], want[1200], prefixed[1200];
    char sp8[1200], *text;
    logfile lf;
    (void)state;
    clear_policy();

    _snwprintf(smspath, 1200, L"%ls\\SMS", lab.root);
    while (wcslen(smspath) < 600)
        wcscat(smspath, L"\\a-folder-name-of-forty-characters-long-");
    WideCharToMultiByte(CP_UTF8, 0, smspath, -1, sp8, sizeof sp8, NULL, NULL);
    snprintf(ini, sizeof ini, "[SMS]\r\nSMS Unique ID=SKZ01000\r\nSMSPath=%s\r\n", sp8);
    assert_int_equal(fx_write_text(lab.sms_ini, ini), 0);
    cfg2 = *load(NULL);
    _snwprintf(want, 1200, L"%ls\\LOGS\\CLIMON.LOG", smspath);
    assert_true(wcscmp(cfg2.log_path, want) == 0);
    agentlog_open(&lf, &cfg2);
    LOG_INFO(&lf, "written under a long SMSPath");
    logfile_close(&lf);
    _snwprintf(prefixed, 1200, L"\\\\?\\%ls", want);
    text = fx_read_text(prefixed);
    assert_non_null(text);
    assert_non_null(strstr(text, "written under a long SMSPath"));
    free(text);

    while (wcslen(smspath) < 1015)
        wcscat(smspath, L"y");
    WideCharToMultiByte(CP_UTF8, 0, smspath, -1, sp8, sizeof sp8, NULL, NULL);
    snprintf(ini, sizeof ini, "[SMS]\r\nSMS Unique ID=SKZ01000\r\nSMSPath=%s\r\n", sp8);
    assert_int_equal(fx_write_text(lab.sms_ini, ini), 0);
    cfg2 = *load(NULL);
    assert_true(wcscmp(cfg2.sms_path, smspath) == 0);
    assert_true(wcsncmp(cfg2.log_path, cfg2.state_dir, wcslen(cfg2.state_dir)) == 0);
    assert_non_null(strstr(cfg2.log_error, "state folder"));
}

/* What a pass's re-read of SMS.INI (config_adopt_smsini) makes of the
 * file as it is now, and what it logs. */
static unsigned adopt_now(climon_config *have, const char *smsini_text, char **log)
{
    wchar_t path[FX_PATH];
    climon_config *fresh;
    logfile lf;
    unsigned changed;

    if (smsini_text)
        assert_int_equal(fx_write_text(lab.sms_ini, smsini_text), 0);
    fresh = load(NULL);
    fx_join(path, lab.root, L"adopt.log");
    DeleteFileW(path);
    logfile_open(&lf, path, "climon", 0);
    changed = config_adopt_smsini(have, fresh, &lf);
    logfile_close(&lf);
    *log = fx_read_text(path);
    if (!*log)
        *log = calloc(1, 1);
    return changed;
}

static void test_config_reread_takes_new_paths_keeps_known_on_bad_read(void **state)
{
    static climon_config have;
    char *log;
    (void)state;
    clear_policy();
    assert_int_equal(fx_write_text(lab.sms_ini, "[SMS]\r\nSMS Unique ID=SKZ01000\r\n"
                                                "LastLogonServerPath=A:\\ONE\r\n"
                                                "SMSInvDataPath=C:\\INV1\r\n"),
                     0);
    have = *load(NULL);
    assert_true(wcscmp(have.share, L"A:\\ONE") == 0);

    /* Nothing changed: nothing to do, nothing logged. */
    assert_int_equal(adopt_now(&have, NULL, &log), 0);
    assert_null(strstr(log, "changed"));
    free(log);

    /* Another share: taken, with its boxes, and said. */
    assert_int_equal(adopt_now(&have,
                               "[SMS]\r\nSMS Unique ID=SKZ01000\r\nLastLogonServerPath=B:\\TWO\r\n"
                               "SMSInvDataPath=C:\\INV1\r\n",
                               &log),
                     CONFIG_CHANGED_SHARE);
    assert_true(wcscmp(have.share, L"B:\\TWO") == 0);
    assert_true(_wcsicmp(have.inv_box, L"B:\\TWO\\INVENTRY.BOX") == 0);
    assert_non_null(strstr(log, "the logon server share is now \"B:\\TWO\" (was \"A:\\ONE\")"));
    free(log);

    /* Unreadable now (a line over the limit: refused whole): the known
     * paths stay, the reason is logged. */
    {
        static char longline[8192];
        memset(longline, 'A', sizeof longline - 1);
        memcpy(longline, "[SMS]\r\nX=", 9);
        assert_int_equal(adopt_now(&have, longline, &log), 0);
    }
    assert_true(wcscmp(have.share, L"B:\\TWO") == 0);
    assert_true(wcscmp(have.invdata, L"C:\\INV1") == 0);
    assert_non_null(strstr(log, "keeping the paths read before"));
    free(log);

    /* A key gone is unknown, not a change; the folder that moved is taken. */
    assert_int_equal(
        adopt_now(&have, "[SMS]\r\nSMS Unique ID=SKZ01000\r\nSMSInvDataPath=D:\\INV2\r\n", &log),
        CONFIG_CHANGED_INVDATA);
    assert_true(wcscmp(have.share, L"B:\\TWO") == 0);
    assert_true(wcscmp(have.invdata, L"D:\\INV2") == 0);
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_reads_paths_and_identity_from_smsini),
        cmocka_unit_test(test_config_switch_beats_policy_beats_smsini),
        cmocka_unit_test(test_config_policy_numbers_reach_the_core),
        cmocka_unit_test(test_config_binary_smsini_is_an_error_with_no_paths),
        cmocka_unit_test(test_config_10mb_line_smsini_is_refused_whole),
        cmocka_unit_test(test_config_utf16_smsini_is_read),
        cmocka_unit_test(test_config_startup_jitter_policy_and_key_reach_the_core),
        cmocka_unit_test(test_config_missing_smsini_is_an_error_not_a_crash),
        cmocka_unit_test(test_config_hostile_names_are_refused),
        cmocka_unit_test(test_cmdline_parses_switches_and_refuses_bad_ones),
        cmocka_unit_test(test_default_setup_command_is_quoted_full_path),
        cmocka_unit_test(test_share_with_space_and_trailing_backslash_reaches_setup_whole),
        cmocka_unit_test(test_config_reread_takes_new_paths_keeps_known_on_bad_read),
        cmocka_unit_test(test_config_too_long_smsini_path_is_said_not_taken_as_missing),
        cmocka_unit_test(test_config_log_under_a_long_smspath_is_not_cut),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
