/*
 * statefields.h: every persisted field of agent_state, once (issue 12):
 * state.c formats and parses by this table, agent.c compares by it to know
 * when SAVE_STATE is due, so a field cannot be saved and not compared, or
 * the reverse. Private to src/core.
 *
 * X(kind, field, key, required):
 *   kind      how it is written and read (state.c's put_<kind>/get_<kind>,
 *             agent.c's same_<kind>): BOOL U32 I32 TIME UPTIME PENDING
 *             RESULT TEXT CLV HASHES KEPT
 *   field     the agent_state member
 *   key       its key in [Climon State] (CLV: the prefix of four keys;
 *             KEPT: KeptFiles, then Kept1..Kept<n>)
 *   required  1: written since the first Format=1, a file without it is
 *             refused (cut short); 0: added later, read as 0 / empty when
 *             missing, so an older agent's file keeps its pending change
 */
#ifndef CLIMON_CORE_STATEFIELDS_H
#define CLIMON_CORE_STATEFIELDS_H

#define STATE_FIELDS(X)                                                                            \
    X(BOOL, setup_ran, "SetupRan", 1)                                                              \
    X(U32, setup_version, "SetupVersion", 1)                                                       \
    X(BOOL, setup_ok, "SetupOk", 1)                                                                \
    X(U32, setup_failures, "SetupFailures", 1)                                                     \
    X(TIME, setup_retry_at, "SetupRetryAt", 1)                                                     \
    X(I32, last_setup_exit, "LastSetupExit", 1)                                                    \
    X(U32, share_failures, "ShareFailures", 1)                                                     \
    X(TIME, share_retry_at, "ShareRetryAt", 1)                                                     \
    X(TIME, request_since, "RequestSince", 1)                                                      \
    X(PENDING, pending, "Pending", 1)                                                              \
    X(TIME, pending_since, "PendingSince", 1)                                                      \
    X(TIME, pending_boot, "PendingBoot", 1)                                                        \
    X(TIME, pending_logon, "PendingLogon", 1)                                                      \
    X(UPTIME, pending_uptime, "PendingUptime", 0)                                                  \
    X(U32, pending_boot_id, "PendingBootId", 0)                                                    \
    X(U32, change_id, "ChangeId", 1)                                                               \
    X(TIME, change_written, "ChangeWritten", 0)                                                    \
    X(U32, done_change_id, "DoneChangeId", 1)                                                      \
    X(TIME, done_written, "DoneWritten", 0)                                                        \
    X(TIME, done_at, "DoneAt", 0)                                                                  \
    X(BOOL, seen_known, "SeenKnown", 0)                                                            \
    X(HASHES, seen, "SeenComponents", 0)                                                           \
    X(TEXT, components, "Components", 1)                                                           \
    X(TIME, deferred_until, "DeferredUntil", 1)                                                    \
    X(TIME, prompted_at, "PromptedAt", 1)                                                          \
    X(U32, deferrals_used, "DeferralsUsed", 0)                                                     \
    X(TIME, countdown_end, "CountdownEnd", 0)                                                      \
    X(BOOL, announce_updated, "AnnounceUpdated", 1)                                                \
    X(TIME, last_pass, "LastPass", 1)                                                              \
    X(U32, last_forwarded, "LastForwarded", 1)                                                     \
    X(TIME, last_check, "LastCheck", 1)                                                            \
    X(CLV, local, "Local", 1)                                                                      \
    X(CLV, server, "Server", 1)                                                                    \
    X(BOOL, has_result, "HasResult", 1)                                                            \
    X(RESULT, last_result, "LastResult", 1)                                                        \
    X(TEXT, last_error, "LastError", 1)                                                            \
    X(TIME, creds_refused_at, "CredRefusedAt", 0)                                                  \
    X(TIME, creds_refused_logon, "CredRefusedLogon", 0)                                            \
    X(TIME, creds_refused_boot, "CredRefusedBoot", 0)                                              \
    X(TEXT, forward_error, "ForwardError", 0)                                                      \
    X(KEPT, kept, "KeptFiles", 0)                                                                  \
    X(TIME, window_restart_at, "WindowRestartAt", 0)

/* The machine state the owner publishes (agent_machine), the same way:
 * X(kind, field, key, required). */
#define MACHINE_FIELDS(X)                                                                          \
    X(U32, owner_session, "OwnerSession", 1)                                                       \
    X(TIME, updated, "Updated", 1)                                                                 \
    X(BOOL, busy, "Busy", 1)                                                                       \
    X(TIME, last_pass, "LastPass", 1)                                                              \
    X(TIME, last_check, "LastCheck", 1)                                                            \
    X(CLV, local, "Local", 1)                                                                      \
    X(CLV, server, "Server", 1)                                                                    \
    X(BOOL, has_result, "HasResult", 1)                                                            \
    X(RESULT, last_result, "LastResult", 1)                                                        \
    X(BOOL, setup_ran, "SetupRan", 1)                                                              \
    X(BOOL, setup_ok, "SetupOk", 1)                                                                \
    X(U32, setup_version, "SetupVersion", 1)                                                       \
    X(U32, setup_failures, "SetupFailures", 1)                                                     \
    X(TIME, request_since, "RequestSince", 1)                                                      \
    X(TEXT, last_error, "LastError", 1)                                                            \
    X(TEXT, forward_error, "ForwardError", 1)

#endif
