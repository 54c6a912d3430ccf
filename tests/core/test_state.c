/*
 * test_state.c: the persisted state file: every field survives a round
 * trip, and anything damaged, cut short, binary, newer or out of range
 * gives the default state and an error naming the cause.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "climon/state.h"

/* Every persisted field set to a value unlike its default and unlike the
 * others, so a field read into the wrong place shows. */
static void full_state(agent_state *st)
{
    agent_state_init(st);
    st->phase = AGENT_PHASE_SETUP; /* not persisted */
    st->boot_time = 111;           /* not persisted */
    st->logon_time = 222;          /* not persisted */
    st->pass_started = 333;
    st->pass_by_user = true;
    st->pass_again = true;
    st->setup_ran = true;
    st->setup_version = 4294967295u;
    st->setup_ok = true;
    st->setup_failures = 3;
    st->setup_retry_at = 1764000901;
    st->last_setup_exit = -1073741819;
    st->share_failures = 4;
    st->share_retry_at = 1764000302;
    st->request_since = 1764000003;
    st->pending = AGENT_PENDING_RESTART;
    st->pending_since = 1764000004;
    st->pending_boot = 1763990005;
    st->pending_logon = 1763990006;
    st->pending_uptime = 86400ull * 400;
    st->pending_boot_id = 4000000001u;
    st->change_id = 77;
    st->change_written = 1764000011;
    st->done_change_id = 76;
    st->done_written = 1763000012;
    st->done_at = 1763000013;
    st->seen_known = true;
    st->seen.n = 3;
    st->seen.h[0] = 0xDEADBEEFu;
    st->seen.h[1] = 0x00000001u;
    st->seen.h[2] = 0xFFFFFFFFu;
    snprintf(st->components, sizeof st->components, "Inventory Agent 1.2.1, Remote Control 2.0");
    st->deferred_until = 1764014407;
    st->prompted_at = 1764000008;
    st->deferrals_used = 2;
    st->countdown_end = 1764000900;
    st->announce_updated = true;
    st->last_pass = 1764000009;
    st->last_forwarded = 12;
    st->last_check = 1764000010;
    st->local.status = CLV_OK;
    st->local.value = 835643765;
    st->server.status = CLV_FILE_ERROR;
    st->server.value = 0;
    st->server.file_error.status = INI_ERR_LINE_TOO_LONG;
    st->server.file_error.line = 12;
    st->last_result = CLV_UNKNOWN;
    st->has_result = true;
    snprintf(st->last_error, sizeof st->last_error, "CopyListVersion unknown: server (file error)");
    /* the failure classes' block */
    st->creds_refused_at = 1764000011;
    st->creds_refused_logon = 1763990012;
    st->creds_refused_boot = 1763980013;
    snprintf(st->forward_error, sizeof st->forward_error,
             "the inventory box on the logon server is full: x");
    st->kept.n = 2;
    snprintf(st->kept.f[0].name, sizeof st->kept.f[0].name, "00000001.RAW");
    st->kept.f[0].hash = 0xA1B2C3D4u;
    snprintf(st->kept.f[1].name, sizeof st->kept.f[1].name, "inv data 2.raw");
    st->kept.f[1].hash = 0x0000000Fu;
}

static void assert_persisted_equal(const agent_state *a, const agent_state *b)
{
    assert_int_equal(a->setup_ran, b->setup_ran);
    assert_int_equal(a->setup_version, b->setup_version);
    assert_int_equal(a->setup_ok, b->setup_ok);
    assert_int_equal(a->setup_failures, b->setup_failures);
    assert_int_equal(a->setup_retry_at, b->setup_retry_at);
    assert_int_equal(a->last_setup_exit, b->last_setup_exit);
    assert_int_equal(a->share_failures, b->share_failures);
    assert_int_equal(a->share_retry_at, b->share_retry_at);
    assert_int_equal(a->request_since, b->request_since);
    assert_int_equal(a->pending, b->pending);
    assert_int_equal(a->pending_since, b->pending_since);
    assert_int_equal(a->pending_boot, b->pending_boot);
    assert_int_equal(a->pending_logon, b->pending_logon);
    assert_int_equal(a->pending_uptime, b->pending_uptime);
    assert_int_equal(a->pending_boot_id, b->pending_boot_id);
    assert_int_equal(a->change_id, b->change_id);
    assert_int_equal(a->change_written, b->change_written);
    assert_int_equal(a->done_change_id, b->done_change_id);
    assert_int_equal(a->done_written, b->done_written);
    assert_int_equal(a->done_at, b->done_at);
    assert_int_equal(a->seen_known, b->seen_known);
    assert_int_equal(a->seen.n, b->seen.n);
    assert_memory_equal(&a->seen, &b->seen, sizeof a->seen);
    assert_string_equal(a->components, b->components);
    assert_int_equal(a->deferred_until, b->deferred_until);
    assert_int_equal(a->prompted_at, b->prompted_at);
    assert_int_equal(a->deferrals_used, b->deferrals_used);
    assert_int_equal(a->countdown_end, b->countdown_end);
    assert_int_equal(a->announce_updated, b->announce_updated);
    assert_int_equal(a->last_pass, b->last_pass);
    assert_int_equal(a->last_forwarded, b->last_forwarded);
    assert_int_equal(a->last_check, b->last_check);
    assert_int_equal(a->local.status, b->local.status);
    assert_int_equal(a->local.value, b->local.value);
    assert_int_equal(a->local.file_error.status, b->local.file_error.status);
    assert_int_equal(a->local.file_error.line, b->local.file_error.line);
    assert_int_equal(a->server.status, b->server.status);
    assert_int_equal(a->server.value, b->server.value);
    assert_int_equal(a->server.file_error.status, b->server.file_error.status);
    assert_int_equal(a->server.file_error.line, b->server.file_error.line);
    assert_int_equal(a->last_result, b->last_result);
    assert_int_equal(a->has_result, b->has_result);
    assert_string_equal(a->last_error, b->last_error);
    assert_int_equal(a->creds_refused_at, b->creds_refused_at);
    assert_int_equal(a->creds_refused_logon, b->creds_refused_logon);
    assert_int_equal(a->creds_refused_boot, b->creds_refused_boot);
    assert_string_equal(a->forward_error, b->forward_error);
    assert_int_equal(a->kept.n, b->kept.n);
    for (uint32_t i = 0; i < a->kept.n && i < AGENT_KEPT_MAX; i++) {
        assert_string_equal(a->kept.f[i].name, b->kept.f[i].name);
        assert_int_equal(a->kept.f[i].hash, b->kept.f[i].hash);
    }
}

static void assert_default(const agent_state *st)
{
    agent_state def;
    agent_state_init(&def);
    assert_persisted_equal(st, &def);
    assert_int_equal(st->pending, AGENT_PENDING_NONE);
    assert_int_equal(st->phase, AGENT_PHASE_IDLE);
}

static size_t format_full(char *buf, size_t cap)
{
    agent_state st;
    full_state(&st);
    size_t n = state_format(&st, buf, cap);
    assert_true(n > 0);
    return n;
}

/* Parses text, expecting failure with status; the state must be default. */
static void expect_error(const char *text, size_t len, state_status status, const char *key)
{
    agent_state st;
    full_state(&st); /* junk that must not survive */
    state_error err;
    assert_int_equal(state_parse(text, len, &st, &err), status);
    assert_int_equal(err.status, status);
    if (key != NULL)
        assert_string_equal(err.key, key);
    assert_default(&st);
}

/* The full file with the value of key replaced by value (or the line
 * dropped when value is NULL). */
static size_t with_value(char *out, size_t cap, const char *key, const char *value)
{
    char buf[STATE_MAX_BYTES];
    size_t n = format_full(buf, sizeof buf);
    buf[n] = '\0';
    char needle[64];
    snprintf(needle, sizeof needle, "\r\n%s=", key);
    char *at = strstr(buf, needle);
    assert_non_null(at);
    char *eol = strstr(at + 2, "\r\n");
    assert_non_null(eol);
    *at = '\0';
    int w = value != NULL ? snprintf(out, cap, "%s\r\n%s=%s%s", buf, key, value, eol)
                          : snprintf(out, cap, "%s%s", buf, eol);
    assert_true(w > 0 && (size_t)w < cap);
    return (size_t)w;
}

static void test_state_round_trip_of_every_field(void **state)
{
    (void)state;
    agent_state in, out;
    full_state(&in);
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&in, buf, sizeof buf);
    assert_true(n > 0 && n <= STATE_MAX_BYTES);
    state_error err;
    assert_int_equal(state_parse(buf, n, &out, &err), STATE_OK);
    assert_int_equal(err.status, STATE_OK);
    assert_persisted_equal(&in, &out);
    /* What is not persisted comes back as at a fresh start. */
    assert_int_equal(out.phase, AGENT_PHASE_IDLE);
    assert_int_equal(out.boot_time, 0);
    assert_int_equal(out.logon_time, 0);
    assert_int_equal(out.pass_started, 0);
    assert_false(out.pass_by_user);
    assert_false(out.pass_again);
}

static void test_state_round_trip_of_each_enum_value(void **state)
{
    (void)state;
    const agent_pending pend[] = {AGENT_PENDING_NONE, AGENT_PENDING_LOGOFF, AGENT_PENDING_RESTART};
    for (int i = 0; i <= (int)CLV_UNREADABLE; i++) {
        agent_state in, out;
        full_state(&in);
        in.local.status = (clv_status)i;
        in.last_result = (clv_result)(i % 3);
        in.pending = pend[i % 3];
        in.last_setup_exit = i == 0 ? INT32_MIN : INT32_MAX;
        in.server.file_error.status = (ini_status)(i + 2);
        char buf[STATE_MAX_BYTES];
        size_t n = state_format(&in, buf, sizeof buf);
        assert_int_equal(state_parse(buf, n, &out, NULL), STATE_OK);
        assert_persisted_equal(&in, &out);
    }
}

static void test_state_default_state_round_trips(void **state)
{
    (void)state;
    agent_state in, out;
    agent_state_init(&in);
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&in, buf, sizeof buf);
    assert_int_equal(state_parse(buf, n, &out, NULL), STATE_OK);
    assert_persisted_equal(&in, &out);
}

static void test_state_format_is_readable_ini(void **state)
{
    (void)state;
    char buf[STATE_MAX_BYTES + 1];
    size_t n = format_full(buf, sizeof buf - 1);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "\r\n[Climon State]\r\nFormat=1\r\n"));
    assert_non_null(strstr(buf, "\r\nPending=restart\r\n"));
    assert_non_null(strstr(buf, "\r\nDeferredUntil=1764014407\r\n"));
    assert_non_null(strstr(buf, "\r\nComponents=Inventory Agent 1.2.1, Remote Control 2.0\r\n"));
    assert_non_null(strstr(buf, "\r\nLastSetupExit=-1073741819\r\n"));
    assert_non_null(strstr(buf, "\r\nServerVersionStatus=file-error\r\n"));
    /* Every line ends in CRLF; the last one is the end mark. */
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n')
            assert_int_equal(buf[i - 1], '\r');
        if (buf[i] == '\r')
            assert_int_equal(buf[i + 1], '\n');
    }
    assert_string_equal(buf + n - 7, "End=1\r\n");
}

static void test_state_format_fits_max_bytes_with_longest_texts(void **state)
{
    (void)state;
    agent_state st;
    full_state(&st);
    memset(st.components, 'c', AGENT_COMPONENTS_MAX);
    st.components[AGENT_COMPONENTS_MAX] = '\0';
    memset(st.last_error, 'e', AGENT_TEXT_MAX);
    st.last_error[AGENT_TEXT_MAX] = '\0';
    memset(st.forward_error, 'f', AGENT_TEXT_MAX);
    st.forward_error[AGENT_TEXT_MAX] = '\0';
    st.kept.n = AGENT_KEPT_MAX;
    for (unsigned i = 0; i < AGENT_KEPT_MAX; i++) {
        memset(st.kept.f[i].name, 'k', AGENT_KEPT_NAME_MAX);
        st.kept.f[i].name[AGENT_KEPT_NAME_MAX] = '\0';
        st.kept.f[i].name[0] = (char)('0' + i);
        st.kept.f[i].hash = 0xFFFFFFFFu - i;
    }
    st.setup_retry_at = 253402300799ull;
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&st, buf, sizeof buf);
    assert_true(n > 0 && n <= STATE_MAX_BYTES);
    agent_state out;
    assert_int_equal(state_parse(buf, n, &out, NULL), STATE_OK);
    assert_persisted_equal(&st, &out);
}

static void test_state_format_into_small_buffer_gives_zero(void **state)
{
    (void)state;
    agent_state st;
    full_state(&st);
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&st, buf, sizeof buf);
    assert_int_equal(state_format(&st, buf, n), 0); /* no room for the NUL */
    assert_string_equal(buf, "");
    assert_int_equal(state_format(&st, buf, n + 1), n);
    assert_int_equal(state_format(&st, buf, 0), 0);
}

static void test_state_control_chars_in_texts_are_written_as_spaces(void **state)
{
    (void)state;
    agent_state st, out;
    full_state(&st);
    snprintf(st.last_error, sizeof st.last_error, "share\r\nEnd=1\tgone");
    char buf[STATE_MAX_BYTES];
    size_t n = state_format(&st, buf, sizeof buf);
    assert_int_equal(state_parse(buf, n, &out, NULL), STATE_OK);
    assert_string_equal(out.last_error, "share  End=1 gone");
}

static void test_state_empty_file_is_a_version_error(void **state)
{
    (void)state;
    expect_error("", 0, STATE_ERR_VERSION, "Format");
    expect_error(NULL, 0, STATE_ERR_VERSION, "Format");
    {
        const char *t = "[Climon State]\r\nSetupRan=1\r\n";
        expect_error(t, strlen(t), STATE_ERR_VERSION, "Format");
    }
}

static void test_state_newer_format_is_refused(void **state)
{
    (void)state;
    char buf[STATE_MAX_BYTES + 64];
    size_t n = with_value(buf, sizeof buf, "Format", "2");
    expect_error(buf, n, STATE_ERR_VERSION, "Format");
    n = with_value(buf, sizeof buf, "Format", "1.5");
    expect_error(buf, n, STATE_ERR_VERSION, "Format");
    n = with_value(buf, sizeof buf, "Format", "0");
    expect_error(buf, n, STATE_ERR_VERSION, "Format");
}

static void test_state_truncated_file_is_refused(void **state)
{
    (void)state;
    char buf[STATE_MAX_BYTES];
    size_t n = format_full(buf, sizeof buf);
    /* Cut anywhere before the end mark's own line end: refused. */
    for (size_t cut = 0; cut + 2 < n; cut++) {
        agent_state st;
        full_state(&st);
        state_error err;
        assert_int_not_equal(state_parse(buf, cut, &st, &err), STATE_OK);
        assert_default(&st);
    }
    /* Only the final line end missing: still the whole content. */
    agent_state st;
    assert_int_equal(state_parse(buf, n - 2, &st, NULL), STATE_OK);
    /* Cut in the end mark itself: the error names it. */
    expect_error(buf, n - 3, STATE_ERR_FIELD, "End");
}

static void test_state_binary_file_is_refused(void **state)
{
    (void)state;
    char buf[STATE_MAX_BYTES];
    size_t n = format_full(buf, sizeof buf);
    buf[n / 2] = '\0';
    agent_state st;
    full_state(&st);
    state_error err;
    assert_int_equal(state_parse(buf, n, &st, &err), STATE_ERR_FILE);
    assert_int_equal(err.ini.status, INI_ERR_BINARY);
    assert_default(&st);

    const unsigned char junk[] = {0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0xff, 0xfe};
    assert_int_equal(state_parse(junk, sizeof junk, &st, &err), STATE_ERR_FILE);
    assert_default(&st);
}

static void test_state_damaged_values_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *key, *value;
    } bad[] = {
        {"SetupRan", "2"},
        {"SetupRan", "yes"},
        {"SetupVersion", "4294967296"},
        {"SetupVersion", "-1"},
        {"SetupVersion", "0x10"},
        {"SetupVersion", ""},
        {"SetupOk", "true"},
        {"SetupFailures", "1e3"},
        {"SetupRetryAt", "253402300800"}, /* after year 9999 */
        {"SetupRetryAt", "99999999999999999999999"},
        {"LastSetupExit", "2147483648"},
        {"LastSetupExit", "-2147483649"},
        {"LastSetupExit", "--1"},
        {"LastSetupExit", "-"},
        {"ShareFailures", "+1"},
        {"ShareRetryAt", "12 34"},
        {"RequestSince", "x"},
        {"Pending", "maybe"},
        {"Pending", "RESTART"},
        {"PendingSince", "-5"},
        {"PendingBoot", "1.5"},
        {"PendingLogon", "nope"},
        {"ChangeId", "4294967296"},
        {"DoneChangeId", "x"},
        {"DeferredUntil", "tomorrow"},
        {"PromptedAt", "?"},
        {"AnnounceUpdated", "-0"},
        {"LastPass", "x"},
        {"LastForwarded", "x"},
        {"LastCheck", "x"},
        {"LocalVersion", "x"},
        {"LocalVersionStatus", "fine"},
        {"LocalFileError", "9"},
        {"LocalFileErrorLine", "x"},
        {"ServerVersion", "4294967296"},
        {"ServerVersionStatus", ""},
        {"ServerFileError", "99"},
        {"ServerFileErrorLine", "-1"},
        {"HasResult", "x"},
        {"LastResult", "maybe"},
        {"End", "0"},
        {"End", ""},
    };
    char buf[STATE_MAX_BYTES + 64];
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = with_value(buf, sizeof buf, bad[i].key, bad[i].value);
        agent_state st;
        state_error err;
        state_status got = state_parse(buf, n, &st, &err);
        if (got != STATE_ERR_FIELD)
            print_error("%s=%s was read as status %d\n", bad[i].key, bad[i].value, (int)got);
        assert_int_equal(got, STATE_ERR_FIELD);
        assert_string_equal(err.key, bad[i].key);
        assert_int_equal(err.ini.status, INI_OK); /* present, out of range */
        assert_default(&st);
    }
}

static void test_state_too_long_text_is_refused(void **state)
{
    (void)state;
    char longer[AGENT_COMPONENTS_MAX + 2];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    char buf[STATE_MAX_BYTES + 600];
    size_t n = with_value(buf, sizeof buf, "Components", longer);
    expect_error(buf, n, STATE_ERR_FIELD, "Components");
    state_error err;
    agent_state st;
    state_parse(buf, n, &st, &err);
    assert_int_equal(err.ini.status, INI_ERR_VALUE_TOO_LONG);
    n = with_value(buf, sizeof buf, "LastError", longer);
    expect_error(buf, n, STATE_ERR_FIELD, "LastError");
}

static void test_state_missing_field_is_refused(void **state)
{
    (void)state;
    const char *keys[] = {
        "SetupRan",  "Pending", "Components", "DeferredUntil", "ServerFileErrorLine",
        "LastError", "End"};
    char buf[STATE_MAX_BYTES + 64];
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t n = with_value(buf, sizeof buf, keys[i], NULL);
        agent_state st;
        state_error err;
        assert_int_equal(state_parse(buf, n, &st, &err), STATE_ERR_FIELD);
        assert_string_equal(err.key, keys[i]);
        assert_int_equal(err.ini.status, INI_NOT_FOUND);
        assert_default(&st);
    }
}

/* A state file of the Climon before the change-identity fields: a pending
 * restart must survive the upgrade, the new fields read as unknown. */
static void test_state_file_without_newer_keys_keeps_the_pending_change(void **state)
{
    (void)state;
    const char *newer[] = {"PendingUptime",  "PendingBootId", "ChangeWritten",
                           "DoneWritten",    "DoneAt",        "SeenKnown",
                           "SeenComponents", "DeferralsUsed", "CountdownEnd"};
    char buf[STATE_MAX_BYTES + 64], tmp[STATE_MAX_BYTES + 64];
    size_t n = format_full(buf, sizeof buf);
    for (unsigned i = 0; i < sizeof newer / sizeof newer[0]; i++) {
        memcpy(tmp, buf, n);
        tmp[n] = '\0';
        char needle[64];
        snprintf(needle, sizeof needle, "\r\n%s=", newer[i]);
        char *at = strstr(tmp, needle);
        assert_non_null(at);
        char *eol = strstr(at + 2, "\r\n");
        assert_non_null(eol);
        memmove(at, eol, strlen(eol) + 1);
        memcpy(buf, tmp, strlen(tmp) + 1);
        n = strlen(tmp);
    }
    agent_state st;
    state_error err;
    assert_int_equal(state_parse(buf, n, &st, &err), STATE_OK);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(st.change_id, 77);
    assert_int_equal(st.pending_uptime, 0);
    assert_int_equal(st.pending_boot_id, 0);
    assert_int_equal(st.change_written, 0);
    assert_int_equal(st.done_written, 0);
    assert_int_equal(st.done_at, 0);
    assert_false(st.seen_known);
    assert_int_equal(st.seen.n, 0);
    assert_int_equal(st.deferrals_used, 0);
    assert_int_equal(st.countdown_end, 0);
}

static void test_state_newer_keys_out_of_range_are_refused(void **state)
{
    (void)state;
    char buf[STATE_MAX_BYTES + 64];
    size_t n = with_value(buf, sizeof buf, "ChangeWritten", "253402300800");
    expect_error(buf, n, STATE_ERR_FIELD, "ChangeWritten");
    n = with_value(buf, sizeof buf, "PendingBootId", "4294967296");
    expect_error(buf, n, STATE_ERR_FIELD, "PendingBootId");
    n = with_value(buf, sizeof buf, "PendingUptime", "-1");
    expect_error(buf, n, STATE_ERR_FIELD, "PendingUptime");
    n = with_value(buf, sizeof buf, "DoneAt", "");
    expect_error(buf, n, STATE_ERR_FIELD, "DoneAt");
    /* One hash more than a report carries: 17. */
    char seventeen[17 * 9 + 1];
    for (unsigned i = 0; i < 17; i++)
        snprintf(seventeen + i * 9, sizeof seventeen - i * 9, "%08X%s", i + 1, i < 16 ? "," : "");
    const char *bad_hashes[] = {"DEADBEEF,",          "DEADBEE", "deadbeef", "DEADBEEF;00000001",
                                "DEADBEEF,,00000001", seventeen};
    for (unsigned i = 0; i < sizeof bad_hashes / sizeof bad_hashes[0]; i++) {
        n = with_value(buf, sizeof buf, "SeenComponents", bad_hashes[i]);
        expect_error(buf, n, STATE_ERR_FIELD, "SeenComponents");
    }
    n = with_value(buf, sizeof buf, "SeenKnown", "2");
    expect_error(buf, n, STATE_ERR_FIELD, "SeenKnown");
}

/* A file an agent wrote before the failure classes' keys existed (same
 * format): read, with their defaults; its pending change is not lost. */
static void test_state_file_without_the_failure_keys_is_read(void **state)
{
    (void)state;
    const char *keys[] = {"CredRefusedAt", "CredRefusedLogon", "CredRefusedBoot",
                          "ForwardError",  "KeptFiles",        "Kept1",
                          "Kept2"};
    char buf[STATE_MAX_BYTES + 64], tmp[STATE_MAX_BYTES + 64];
    size_t n = format_full(buf, sizeof buf);
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char needle[32];
        buf[n] = '\0';
        snprintf(needle, sizeof needle, "\r\n%s=", keys[i]);
        char *at = strstr(buf, needle);
        assert_non_null(at);
        char *eol = strstr(at + 2, "\r\n");
        memmove(at, eol, strlen(eol) + 1);
        n = strlen(buf);
    }
    memcpy(tmp, buf, n);
    agent_state st;
    state_error err;
    assert_int_equal(state_parse(tmp, n, &st, &err), STATE_OK);
    assert_int_equal(st.pending, AGENT_PENDING_RESTART);
    assert_int_equal(st.creds_refused_at, 0);
    assert_string_equal(st.forward_error, "");
    assert_int_equal(st.kept.n, 0);
}

static void test_state_damaged_failure_keys_are_refused(void **state)
{
    (void)state;
    char buf[STATE_MAX_BYTES + 64];
    size_t n = with_value(buf, sizeof buf, "CredRefusedAt", "-1");
    expect_error(buf, n, STATE_ERR_FIELD, "CredRefusedAt");
    n = with_value(buf, sizeof buf, "KeptFiles", "9");
    expect_error(buf, n, STATE_ERR_FIELD, "KeptFiles");
    n = with_value(buf, sizeof buf, "KeptFiles", "3"); /* Kept3 missing */
    expect_error(buf, n, STATE_ERR_FIELD, "Kept3");
    /* A name of 64 characters, one over the limit. */
    static const char too_long[] =
        "A1B2C3D4 0123456789012345678901234567890123456789012345678901234567890123";
    const char *bad[] = {
        "A1B2C3D4",         "A1B2C3D4 ",     "A1B2C3DG 1.RAW", "A1B2C3D4 ..\\1.RAW",
        "A1B2C3D4 C:1.RAW", "A1B2C3D41.RAW", too_long};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = with_value(buf, sizeof buf, "Kept1", bad[i]);
        expect_error(buf, n, STATE_ERR_FIELD, "Kept1");
    }
}

static void test_state_admin_edits_are_read(void **state)
{
    (void)state;
    /* Comments, an unknown key, another section and other spacing and case:
     * INI as the profile API reads it. */
    char buf[STATE_MAX_BYTES], edited[STATE_MAX_BYTES + 256];
    size_t n = format_full(buf, sizeof buf);
    buf[n] = '\0';
    char *sec = strstr(buf, "[Climon State]\r\n");
    assert_non_null(sec);
    *sec = '\0';
    int w = snprintf(edited, sizeof edited,
                     "[Other]\r\nPending=none\r\n%s[climon state]\r\n"
                     "; looked at by the admin\r\nUnknownKey=1\r\n  pending = logoff  \r\n%s",
                     buf, sec + strlen("[Climon State]\r\n"));
    assert_true(w > 0);
    agent_state st;
    assert_int_equal(state_parse(edited, (size_t)w, &st, NULL), STATE_OK);
    assert_int_equal(st.pending, AGENT_PENDING_LOGOFF); /* the first key wins */
    assert_int_equal(st.change_id, 77);
}

static void test_state_utf16_file_is_read(void **state)
{
    (void)state;
    /* Notepad may save it back as "Unicode". */
    char buf[STATE_MAX_BYTES];
    size_t n = format_full(buf, sizeof buf);
    static unsigned char wide[2 * STATE_MAX_BYTES + 2];
    wide[0] = 0xff;
    wide[1] = 0xfe;
    for (size_t i = 0; i < n; i++) {
        wide[2 + 2 * i] = (unsigned char)buf[i];
        wide[3 + 2 * i] = 0;
    }
    agent_state st, want;
    full_state(&want);
    assert_int_equal(state_parse(wide, 2 + 2 * n, &st, NULL), STATE_OK);
    assert_persisted_equal(&st, &want);
}

static void test_state_error_texts(void **state)
{
    (void)state;
    char text[160];
    state_error err;
    memset(&err, 0, sizeof err);
    state_error_format(&err, text, sizeof text);
    assert_string_equal(text, "state file read");

    err.status = STATE_ERR_VERSION;
    snprintf(err.key, sizeof err.key, "Format");
    state_error_format(&err, text, sizeof text);
    assert_string_equal(text, "state file has no Format=1 (damaged, or written by a newer Climon)");

    err.status = STATE_ERR_FIELD;
    snprintf(err.key, sizeof err.key, "Pending");
    err.ini.status = INI_OK;
    state_error_format(&err, text, sizeof text);
    assert_string_equal(text, "state file field Pending is out of range");
    err.ini.status = INI_NOT_FOUND;
    state_error_format(&err, text, sizeof text);
    assert_string_equal(text, "state file field Pending is missing (file cut short?)");
    err.ini.status = INI_ERR_VALUE_TOO_LONG;
    size_t full = state_error_format(&err, text, sizeof text);
    assert_string_equal(text, "state file field Pending is too long");
    assert_int_equal(full, strlen(text));
    assert_int_equal(state_error_format(&err, text, 5), full); /* like snprintf */
    assert_string_equal(text, "stat");

    err.status = STATE_ERR_FILE;
    err.ini.status = INI_ERR_BINARY;
    err.ini.line = 0;
    state_error_format(&err, text, sizeof text);
    char ini_text[100];
    ini_error_format(&err.ini, ini_text, sizeof ini_text);
    char expect[160];
    snprintf(expect, sizeof expect, "state file rejected: %s", ini_text);
    assert_string_equal(text, expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_round_trip_of_every_field),
        cmocka_unit_test(test_state_round_trip_of_each_enum_value),
        cmocka_unit_test(test_state_default_state_round_trips),
        cmocka_unit_test(test_state_format_is_readable_ini),
        cmocka_unit_test(test_state_format_fits_max_bytes_with_longest_texts),
        cmocka_unit_test(test_state_format_into_small_buffer_gives_zero),
        cmocka_unit_test(test_state_control_chars_in_texts_are_written_as_spaces),
        cmocka_unit_test(test_state_empty_file_is_a_version_error),
        cmocka_unit_test(test_state_newer_format_is_refused),
        cmocka_unit_test(test_state_truncated_file_is_refused),
        cmocka_unit_test(test_state_binary_file_is_refused),
        cmocka_unit_test(test_state_damaged_values_are_refused),
        cmocka_unit_test(test_state_too_long_text_is_refused),
        cmocka_unit_test(test_state_missing_field_is_refused),
        cmocka_unit_test(test_state_file_without_newer_keys_keeps_the_pending_change),
        cmocka_unit_test(test_state_newer_keys_out_of_range_are_refused),
        cmocka_unit_test(test_state_admin_edits_are_read),
        cmocka_unit_test(test_state_file_without_the_failure_keys_is_read),
        cmocka_unit_test(test_state_damaged_failure_keys_are_refused),
        cmocka_unit_test(test_state_utf16_file_is_read),
        cmocka_unit_test(test_state_error_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
