#!/usr/bin/env bash
# faults.sh: fault scenarios on the lab, each ending with the same three
# questions: was anything lost (inventory, requests), is the agent still
# running, and does its status window say what happened.
#   faults.sh SCENARIO      (environment: see e2e-lib.sh; exit 77 = skipped)
# Scenarios:
#   share-missing        the share is gone at a pass and back later: the
#                        inventory stays local, then is delivered once
#   setup-missing        CLI_NT.EXE is not on the share: not started, said so
#   setup-crash          CLI_NT.EXE crashes: failure recorded, no prompt
#   setup-hang           CLI_NT.EXE hangs past /setuptimeout: killed, said so
#   setup-reason-kept    the same, then another pass: the status still says
#                        why (reported bug)
#   manager-down         the manager is not running: the request waits,
#                        "request pending" shown, no prompt; the manager
#                        starts later and the prompt comes
#   kill-forwarding      the agent killed at each step of forwarding (on-disk
#                        states of each crash point, then kill -9 at random
#                        times): no .RAW lost or duplicated
#   raw-written-slowly   a .RAW written in place over 3 s by a writer that
#                        keeps it open: not taken half-written, delivered
#                        whole and once after its close
#   smsini-paths-change  SMS.INI names another logon server share, then
#                        another inventory folder, while the agent runs:
#                        the next pass uses them, no restart
#   smsini-locked        SMS.INI held open by another process: no setup, the
#                        error shown; released, the next pass runs setup
#   share-read-only      the share is mounted read-only (needs root): the
#                        inventory stays local, then is delivered once
#   clock-backwards      saved times far in the future (the clock went back,
#                        played through the state file): bounded, said so
#   two-agents           two agents of the user start at once: one survives
#   two-sessions         two sessions' agents on one PC (issue 13): 200 files
#                        delivered once by the owner, no error in either, one
#                        Client Setup run, both users prompted; the owner
#                        dies and the other takes over
#   service              the service on a server (issue 13): installed, a pass
#                        with no desktop session's help, Client Setup run, a
#                        tray agent that only watches, removed cleanly
#   service-window       the service with ServerRestartWindow open now and
#                        nobody signed in: the manager's restart is carried
#                        out once in the window; a window that is not one is
#                        refused in the log (status only)
set -u
. "$(dirname "$0")/e2e-lib.sh"

# ---- helpers of the fault scenarios ----

# state.ini key=value, rewritten in place while the agent is stopped.
state_set() { sed -i "s/^$1=.*\r\$/$1=$2\r/" "$STATE"; }
state_get() { tr -d '\r' <"$STATE" | sed -n "s/^$1=//p"; }

# Opens the status window (a click on the icon) if it is not open.
open_status() {
    window_shown "$STATUS_TITLE" && return 0
    click_tray_icon
    wait_for 10 window_shown "$STATUS_TITLE"
}
close_status() { click_control "$STATUS_TITLE" 'Close' && wait_for 10 window_gone "$STATUS_TITLE"; }
# The value the status window shows beside LABEL.
status_value() { # LABEL
    window_texts "$STATUS_TITLE" | awk -v l="$1" 'f { print; exit } $0 == l { f = 1 }'
}
status_says() { # LABEL REGEX: the window shows a value matching REGEX beside LABEL
    local v
    v=$(status_value "$1")
    note "status: $1 = $v"
    grep -q -i -E -- "$2" <<<"$v"
}

# One .RAW with content of its own (the lab's are time stamps: two in the
# same second would be the same bytes, which the agent rightly merges).
drop_raw() { # NAME [PADDING-KB]
    {
        printf '[Inventory]\r\nMachine Name=LABPC01\r\nSMS Unique ID=LAB00001\r\nFile=%s\r\nNonce=%s\r\n' \
            "$1" "$RANDOM$RANDOM"
        [ "${2:-0}" = 0 ] || head -c $(($2 * 1024)) /dev/urandom | od -An -tx1 | head -c $(($2 * 1024))
    } >"$C/MS/SMS/INVDATA/$1.TMP"
    mv "$C/MS/SMS/INVDATA/$1.TMP" "$C/MS/SMS/INVDATA/$1.RAW"
}
# Each file's bytes exactly once in the box, none left local, no .TMP.
delivered_once() { # FILE... (copies kept of the local files before they went)
    local f n sums
    sums=$(cat "$SHARE"/INVENTRY.BOX/*.RAW 2>/dev/null | wc -c; md5sum "$SHARE"/INVENTRY.BOX/*.RAW 2>/dev/null | cut -d' ' -f1)
    for f in "$@"; do
        n=$(grep -c -x "$(md5sum <"$f" | cut -d' ' -f1)" <<<"$sums")
        [ "$n" = 1 ] || { why_not="$(basename "$f") is in the box $n times"; return 1; }
    done
    [ "$(raw_in_invdata)" = 0 ] || { why_not="$(raw_in_invdata) .RAW left in INVDATA"; return 1; }
    ! ls "$SHARE/INVENTRY.BOX" | grep -qi '\.TMP$' || { why_not="a .TMP is left in the box"; return 1; }
}
# The same as a check, saying why not when it fails.
check_delivered_once() { # SECONDS TEXT FILE...
    local secs=$1 text=$2
    shift 2
    why_not=""
    if wait_for "$secs" delivered_once "$@"; then ok "$text"; else not_ok "$text: $why_not"; fi
}
invdata_empty() { [ "$(raw_in_invdata)" = 0 ]; }

# The agent's unique name for a file in the box (docs/agent.md): the last
# four characters of the SMS Unique ID and FNV-1a of the bytes, in hex.
unique_name() { # FILE
    local h=2166136261 b
    for b in $(od -An -v -tu1 "$1"); do
        h=$(((h ^ b) * 16777619 & 0xFFFFFFFF))
    done
    printf '0001%08X.RAW' "$h"
}

# The share retry the agent saved, brought forward to 15 s from now (the
# agent stopped meanwhile, its state edited, started again): the timer path
# without waiting the 5 minutes. Sets retry_at.
retry_soon() {
    stop_agent
    check "the agent saved a share retry time" test "$(state_get ShareRetryAt)" -gt "$(date +%s)"
    retry_at=$(($(date +%s) + 15))
    state_set ShareRetryAt "$retry_at"
    start_agent
    sleep 5
    check "a restart does not skip the retry wait" test "$(raw_in_invdata)" -gt 0
}

no_setup_process() { [ -z "$(prefix_pids 'CLI_NT.EXE')" ]; }

# ---- scenarios ----

sc_share_missing() {
    local keep=$E2E_LAB/keep
    start_agent && agent_started=1
    mkdir -p "$keep"
    mv "$E2E_LAB/site" "$E2E_LAB/site.away"
    drop_raw INV1 && cp "$C/MS/SMS/INVDATA/INV1.RAW" "$keep/"
    check "the agent saw the share fail" wait_for 30 grep -q -i 'forward.*fail\|cannot\|unreachable\|share' "$CLIMON_LOG"
    sleep 3
    drop_raw INV2 && cp "$C/MS/SMS/INVDATA/INV2.RAW" "$keep/"
    sleep 3
    check "both inventory files are kept in INVDATA" test "$(raw_in_invdata)" = 2
    check "the agent is still running" agent_alive
    check "the status window opens" open_status
    check "it says what failed (Last error)" status_says 'Last error' 'share|inventory|forward|path|not found|cannot'
    shot "$NAME-away"
    close_status
    # The share comes back. Its retry is minutes away by design (no
    # hammering of the server, Q184858), and a restart does not skip it.
    mv "$E2E_LAB/site.away" "$E2E_LAB/site"
    retry_soon
    check_delivered_once 60 "delivered at the retry, each file exactly once" "$keep/INV1.RAW" "$keep/INV2.RAW"
    check "not before the retry time" test "$(date +%s)" -ge "$retry_at"
}

sc_setup_missing() {
    local clv0
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" >/dev/null
    rm -f "$SHARE/X86.BIN/CLI_NT.EXE"
    clv0=$(ini "$C/SMS.INI" CopyListVersion)
    drop_raw INV1
    check "the inventory was forwarded" wait_for 30 invdata_empty
    check "the agent could not start Client Setup" wait_for 30 grep -q -i 'cannot start\|did not start' "$CLIMON_LOG"
    check "SMS.INI keeps its version" smsini_at "$clv0"
    check "no prompt" window_gone "$PROMPT_TITLE"
    check "the status window opens" open_status
    check "it says Client Setup did not start" status_says 'Last error' 'did not start|not found|cannot'
}

sc_setup_crash() {
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" >/dev/null
    cp -f "$RECORDER" "$SHARE/X86.BIN/CLI_NT.EXE"
    stop_agent
    # The agent passes its environment on to Client Setup.
    CLIMON_RECORD='C:\setup-ran.txt' CLIMON_RECORD_CRASH=1 start_agent
    drop_raw INV1
    check "Client Setup started" wait_for 30 grep -q -s '^ran=.*CLI_NT.EXE' "$C/setup-ran.txt"
    check "and crashed (no normal end)" bash -c "sleep 2; ! grep -q '^done' '$C/setup-ran.txt'"
    check "the agent logged the failure" wait_for 30 grep -q -i 'exited with code 3221225477\|failed' "$CLIMON_LOG"
    check "no prompt" window_gone "$PROMPT_TITLE"
    check "the status window opens" open_status
    check "it says Client Setup failed" status_says 'Last error' 'fail|exit|3221225477|c0000005'
}

# Client Setup that never ends, started by an inventory pass of a running
# agent with /setuptimeout:5.
hang_setup() {
    start_agent /setuptimeout:5 && agent_started=1
    "$LABCMD" publish "$E2E_LAB" >/dev/null
    cp -f "$RECORDER" "$SHARE/X86.BIN/CLI_NT.EXE"
    drop_raw INV1
    check "Client Setup started" wait_for 30 grep -q -s '^ran=.*CLI_NT.EXE' "$C/setup-ran.txt"
    hang_started=$SECONDS
    check "the agent stopped it at the timeout" wait_for 30 grep -q -i 'longer than 5 s' "$CLIMON_LOG"
    check "about 5 s after it started ($((SECONDS - hang_started)) s)" test $((SECONDS - hang_started)) -le 15
    check "the hung Client Setup is gone" wait_for 10 no_setup_process
    check "it never finished on its own" bash -c "! grep -q '^done' '$C/setup-ran.txt'"
    check "no prompt" window_gone "$PROMPT_TITLE"
}

sc_setup_hang() {
    export CLIMON_RECORD='C:\setup-ran.txt' CLIMON_RECORD_SLEEP_MS=120000
    hang_setup
    check "the status window opens" open_status
    check "it says Client Setup timed out" status_says 'Last error' 'timed out|longer than|stopped'
}

# Reported bug: a pass during the retry wait after a timeout (or a setup
# that did not start) replaces the reason in the status with "failed
# (exit -1)". Disabled in CMake until fixed.
sc_setup_reason_kept() {
    export CLIMON_RECORD='C:\setup-ran.txt' CLIMON_RECORD_SLEEP_MS=120000
    hang_setup
    drop_raw INV2
    check "the next pass forwarded its inventory" wait_for 30 invdata_empty
    sleep 2
    check "the status window opens" open_status
    check "it still says Client Setup timed out" status_says 'Last error' 'timed out|longer than|stopped'
}

sc_manager_down() {
    local log0
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" --service INV32CLI >/dev/null
    log0=$(lines "$CLIMON_LOG")
    drop_raw INV1
    check "Client Setup filed a request" wait_for 60 request_filed
    sleep 8
    check "the request waits in CCR.BOX (nobody takes it)" request_filed
    check "no prompt" window_gone "$PROMPT_TITLE"
    check "no restart asked" test -z "$(reg 'Reboot Required')"
    check "the status window opens" open_status
    check "it shows the request pending" status_says 'Request pending since' '[0-9]'
    shot "$NAME-pending"
    close_status
    # The manager starts: the request is taken, then the prompt comes.
    start_ccm
    check "the manager took the request" wait_for 60 no_request
    check "then the prompt came" wait_for 60 window_shown "$PROMPT_TITLE"
}

sc_kill_forwarding() {
    local keep=$E2E_LAB/keep f stem i round
    mkdir -p "$keep"
    # 1. The disk as each crash point leaves it, one file per point:
    #    CRASH1 killed while copying (a partial .TMP in the box),
    #    CRASH2 killed before the rename (a whole .TMP),
    #    CRASH3 killed before the local delete (the .RAW already in the box).
    for f in CRASH1 CRASH2 CRASH3; do drop_raw "$f"; cp "$C/MS/SMS/INVDATA/$f.RAW" "$keep/"; done
    stem=$(unique_name "$keep/CRASH1.RAW"); head -c 20 "$keep/CRASH1.RAW" >"$SHARE/INVENTRY.BOX/${stem%.RAW}.TMP"
    stem=$(unique_name "$keep/CRASH2.RAW"); cp "$keep/CRASH2.RAW" "$SHARE/INVENTRY.BOX/${stem%.RAW}.TMP"
    stem=$(unique_name "$keep/CRASH3.RAW"); cp "$keep/CRASH3.RAW" "$SHARE/INVENTRY.BOX/$stem"
    start_agent && agent_started=1
    check_delivered_once 60 "after each crash point: every file delivered exactly once" \
        "$keep/CRASH1.RAW" "$keep/CRASH2.RAW" "$keep/CRASH3.RAW"
    # 2. kill -9 (no chance to clean up) in the middle of forwarding: each
    #    round drops 12 files of 4 MB, starts the agent, watches its log
    #    closely (20 ms) for the first "forwarded" line and kills it 0 to
    #    90 ms later. Five rounds.
    stop_agent
    local n=0 fwd
    for round in 1 2 3 4 5; do
        for i in $(seq 1 12); do n=$((n + 1)); drop_raw "K$n" 4096; cp "$C/MS/SMS/INVDATA/K$n.RAW" "$keep/"; done
        fwd=$(grep -c 'forwarded C' "$CLIMON_LOG")
        wine 'C:\MS\SMS\BIN\CLIMON.EXE' '/smsini:C:\SMS.INI' '/restart-hook:C:\hook.txt' \
            '/statedir:C:\climon-state' >/dev/null 2>&1 &
        agent_pid=$!
        for _ in $(seq 1 1500); do
            [ "$(grep -c 'forwarded C' "$CLIMON_LOG")" -gt "$fwd" ] && break
            sleep 0.02
        done
        sleep "0.0$((RANDOM % 10))"
        kill -9 "$agent_pid" 2>/dev/null
        wait "$agent_pid" 2>/dev/null
        note "round $round: killed mid-forwarding; $(raw_in_invdata) left in INVDATA, $(raw_in_box) in the box, $(ls "$SHARE/INVENTRY.BOX" | grep -ci '\.TMP$') .TMP"
    done
    agent_pid=""
    start_agent
    check_delivered_once 120 "after five kills: all $((n + 3)) files delivered exactly once" "$keep"/*.RAW
}

sc_raw_written_slowly() {
    local keep=$E2E_LAB/keep
    mkdir -p "$keep"
    start_agent && agent_started=1
    sleep 2
    # 30 lines 100 ms apart, each a change the directory watch sees.
    wine "$HOLDFILE" --write 'C:\MS\SMS\INVDATA\SLOW.RAW' 30 100 >"$E2E_LAB/slow.out" 2>&1 &
    hold_pid=$!
    wait_for 15 grep -q writing "$E2E_LAB/slow.out" || not_ok "the writer did not start"
    wait_for 30 grep -q closed "$E2E_LAB/slow.out" || not_ok "the writer did not finish"
    cp "$C/MS/SMS/INVDATA/SLOW.RAW" "$keep/" 2>/dev/null
    wait "$hold_pid" 2>/dev/null; hold_pid=""
    if [ -f "$keep/SLOW.RAW" ]; then
        check "the agent waited while the file was written" grep -q 'SLOW.RAW is still being written' "$CLIMON_LOG"
        check "the whole file was kept whole ($(wc -l <"$keep/SLOW.RAW") lines)" test "$(grep -c Chunk "$keep/SLOW.RAW")" = 29
        check_delivered_once 30 "after its close: delivered whole, once" "$keep/SLOW.RAW"
    else
        # Taken between the close and the copy above: only a closed file
        # can be opened without write sharing, so it went whole anyway.
        check "the agent waited while the file was written" grep -q 'SLOW.RAW is still being written' "$CLIMON_LOG"
        check "nothing left local" invdata_empty
    fi
    check "one copy in the box, and it is whole" slow_copies_whole
}
# The writer's file in the box: exactly one, with its last line.
slow_copies_whole() {
    local n w
    n=$(grep -l -a 'Tick=' "$SHARE"/INVENTRY.BOX/*.RAW 2>/dev/null | wc -l)
    w=$(grep -l -a 'Chunk29=' "$SHARE"/INVENTRY.BOX/*.RAW 2>/dev/null | wc -l)
    note "box: $n copies of the slow file, $w whole"
    [ "$n" = 1 ] && [ "$w" = 1 ]
}

# SMS.INI's KEY set to VALUE in place (CRLF kept), as Client Setup or an
# admin would rewrite it.
smsini_set() { sed -i "s|^$1=.*\r\$|$1=$2\r|" "$C/SMS.INI"; }

sc_smsini_paths_change() {
    local keep=$E2E_LAB/keep s2=$C/SHARE2
    mkdir -p "$keep" "$s2/INVENTRY.BOX" "$s2/CCR.BOX" "$C/INV2"
    cp -r "$SHARE/CL_NT.TXT" "$SHARE/X86.BIN" "$s2/" 2>/dev/null
    start_agent && agent_started=1
    drop_raw FIRST
    check "before the change: the first share gets the inventory" wait_for 30 bash -c "grep -l -a 'File=FIRST' '$SHARE'/INVENTRY.BOX/*.RAW >/dev/null 2>&1"
    smsini_set LastLogonServerPath 'C:\\SHARE2'
    drop_raw MOVED1
    check "the pass after the change used the new share" wait_for 30 bash -c "ls '$s2/INVENTRY.BOX' | grep -qi '\.RAW\$'"
    check "nothing went to the old share" test "$(grep -l -a 'File=MOVED1' "$SHARE"/INVENTRY.BOX/*.RAW 2>/dev/null | wc -l)" = 0
    check "the agent logged the change" grep -q 'SMS.INI changed: the logon server share is now "C:.SHARE2"' "$CLIMON_LOG"
    check "it read CL_NT.TXT there" wait_for 10 grep -q 'CL_NT.TXT C:.SHARE2.CL_NT.TXT' "$CLIMON_LOG"
    # The inventory folder moves: the pass a file in the old one starts
    # switches the watch; files go from the new folder from then on.
    smsini_set SMSInvDataPath 'C:\\INV2'
    drop_raw TRIGGER
    check "the agent logged the new inventory folder" wait_for 30 grep -q 'SMS.INI changed: the inventory folder is now "C:.INV2"' "$CLIMON_LOG"
    check "and watches it" wait_for 10 grep -q 'watching the inventory folder C:.INV2' "$CLIMON_LOG"
    printf '[Inventory]\r\nFile=NEWDIR\r\nNonce=%s\r\n' "$RANDOM$RANDOM" >"$C/INV2/NEW.TMP"
    mv "$C/INV2/NEW.TMP" "$C/INV2/NEW.RAW"
    check "a .RAW in the new folder reached the new share" wait_for 30 bash -c "grep -l -a 'File=NEWDIR' '$s2'/INVENTRY.BOX/*.RAW >/dev/null 2>&1"
    check "the new folder is empty again" wait_for 10 bash -c "! ls '$C/INV2' | grep -qi '\.RAW\$'"
    check "the agent is still running" agent_alive
}

sc_smsini_locked() {
    local clv
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" >/dev/null
    clv=$(ini "$SHARE/CL_NT.TXT" CopyListVersion)
    wine "$HOLDFILE" 'C:\SMS.INI' 600 >"$E2E_LAB/hold.out" 2>&1 &
    hold_pid=$!
    wait_for 15 grep -q held "$E2E_LAB/hold.out" || not_ok "could not hold SMS.INI open"
    drop_raw INV1
    check "the inventory was forwarded anyway" wait_for 30 invdata_empty
    check "the agent could not read SMS.INI" wait_for 30 grep -q -i 'SMS.INI.*\(cannot\|could not\|unreadable\|sharing\|in use\)' "$CLIMON_LOG"
    sleep 2
    check "Client Setup did not run" bash -c "! grep -q 'started Client Setup' '$CLIMON_LOG'"
    check "no prompt" window_gone "$PROMPT_TITLE"
    check "the status window opens" open_status
    check "it says SMS.INI could not be read" status_says 'Last error' 'SMS.INI|local|unknown|read'
    shot "$NAME-locked"
    close_status
    kill "$hold_pid"; wait "$hold_pid" 2>/dev/null; hold_pid=""
    sleep 2
    drop_raw INV2
    check "released: the next pass ran Client Setup" wait_for 60 smsini_at "$clv"
}

sc_share_read_only() {
    local keep=$E2E_LAB/keep
    [ "$(id -u)" = 0 ] || { echo "# not root: cannot mount the share read-only: skipped"; exit $SKIP; }
    mkdir -p "$keep"
    start_agent && agent_started=1
    mount --bind "$SHARE" "$SHARE" && mount -o remount,ro,bind "$SHARE" ||
        { echo "# mount refused here: skipped"; stop_all; exit $SKIP; }
    RO_MOUNT=$SHARE
    drop_raw INV1 && cp "$C/MS/SMS/INVDATA/INV1.RAW" "$keep/"
    check "the agent saw the forward fail" wait_for 30 grep -q -i 'cannot\|could not\|fail\|write.protect\|read-only' "$CLIMON_LOG"
    sleep 3
    check "the inventory is kept in INVDATA" test "$(raw_in_invdata)" = 1
    check "nothing half-written in the box" bash -c "! ls '$SHARE/INVENTRY.BOX' | grep -qi '\.TMP\$'"
    check "the agent is still running" agent_alive
    check "the status window opens" open_status
    check "it says the forward failed" status_says 'Last error' 'share|inventory|forward|protect|read|cannot|denied'
    shot "$NAME-ro"
    close_status
    umount "$SHARE"; RO_MOUNT=""
    retry_soon
    check_delivered_once 60 "writable again: delivered at the retry, exactly once" "$keep/INV1.RAW"
}

sc_clock_backwards() {
    local far now
    start_ccm
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" --service INV32CLI >/dev/null
    drop_raw INV1
    check "the restart prompt came" wait_for 90 window_shown "$PROMPT_TITLE"
    check "Later clicked" click_control "$PROMPT_TITLE" 'Later'
    check "the dialog is gone" wait_for 10 window_gone "$PROMPT_TITLE"
    stop_agent
    # The clock went back 400 days: every saved time now lies far ahead.
    now=$(date +%s) far=$(($(date +%s) + 400 * 86400))
    for k in DeferredUntil PendingSince ShareRetryAt SetupRetryAt LastPass LastCheck; do state_set "$k" "$far"; done
    start_agent
    check "the agent noticed the times ahead" wait_for 20 grep -q 'clock set backwards' "$CLIMON_LOG"
    sleep 2
    check "the reminder is bounded (DeferredUntil within 37 h, not 400 days)" \
        test "$(state_get DeferredUntil)" -le $((now + 37 * 3600))
    check "the share retry is bounded (within 5 h)" test "$(state_get ShareRetryAt)" -le $((now + 5 * 3600))
    check "the setup retry is bounded (within 25 h)" test "$(state_get SetupRetryAt)" -le $((now + 25 * 3600))
    check "the status window opens" open_status
    check "it shows a reminder within two days" status_says 'Next reminder' \
        "$(date +%m/%d/%Y | sed 's/^0//; s/\/0/\//')|$(date -d tomorrow +%m/%d/%Y | sed 's/^0//; s/\/0/\//')|$(date -d '+2 days' +%m/%d/%Y | sed 's/^0//; s/\/0/\//')"
}

sc_two_agents() {
    local a b alive=0 p
    wine 'C:\MS\SMS\BIN\CLIMON.EXE' '/smsini:C:\SMS.INI' '/statedir:C:\climon-state' >/dev/null 2>&1 &
    a=$!
    wine 'C:\MS\SMS\BIN\CLIMON.EXE' '/smsini:C:\SMS.INI' '/statedir:C:\climon-state' >/dev/null 2>&1 &
    b=$!
    check "an agent came up" wait_for 30 grep -q 'notification icon added' "$CLIMON_LOG"
    sleep 8
    for p in $a $b; do kill -0 "$p" 2>/dev/null && { alive=$((alive + 1)); agent_pid=$p; }; done
    check "one of the two processes survives ($alive running)" test "$alive" = 1
    check "one agent window" test "$(agent_windows)" = 1
    check "one notification icon added" test "$(grep -c 'notification icon added' "$CLIMON_LOG")" = 1
    agent_started=1
    drop_raw INV1
    check "the survivor works (inventory forwarded)" wait_for 30 invdata_empty
}

# The second session's agent: Wine has one session, so /session:2 plays
# another (its own instance lock, state and log; the same machine).
B_LOG=$C/climon-b.log
start_agent_b() {
    wine 'C:\MS\SMS\BIN\CLIMON.EXE' '/smsini:C:\SMS.INI' '/restart-hook:C:\hook.txt' \
        '/statedir:C:\climon-state-b' '/log:C:\climon-b.log' /session:2 >"$E2E_LAB/agent-b.out" 2>&1 &
    agent_b_pid=$!
}
errors_in() { grep -c 'type="3"' "$1" 2>/dev/null || true; } # CMTrace's error lines
prompt_windows() { windows "$PROMPT_TITLE" | grep -c '^window ' || true; }

sc_two_sessions() {
    local keep i n
    start_ccm
    start_agent || return 1
    agent_started=1
    check "the first session's agent does the PC's checks" \
        wait_for 20 grep -q "this agent does this PC's checks" "$CLIMON_LOG"
    start_agent_b
    check "the second session's agent watches" \
        wait_for 30 grep -q "another session's agent does this PC's checks" "$B_LOG"
    "$LABCMD" publish "$E2E_LAB" --service INV32CLI >/dev/null
    keep=$(mktemp -d)
    for i in $(seq 1 200); do
        drop_raw "INV$i"
        cp "$C/MS/SMS/INVDATA/INV$i.RAW" "$keep/" 2>/dev/null
    done
    n=$(ls "$keep" | wc -l)
    note "$n of 200 files copied before they went"
    check_delivered_once 180 "200 files, each in the box once, none left" "$keep"/*
    check "the second agent forwarded nothing" bash -c "! grep -q 'forwarding inventory files' '$B_LOG'"
    check "Client Setup ran once for the new version" wait_for 60 bash -c \
        "[ \$(cat '$CLIMON_LOG' '$B_LOG' | grep -c 'started Client Setup') = 1 ]"
    check "the manager set Reboot Required" wait_for 60 bash -c \
        "[ \"\$('$LABCMD' get '$E2E_LAB' 'Reboot Required' 2>/dev/null)\" = 1 ]"
    check "the first user is prompted" wait_for 90 grep -q 'showing the .* prompt' "$CLIMON_LOG"
    check "the second user is prompted" wait_for 90 grep -q 'showing the .* prompt' "$B_LOG"
    check "two restart dialogs on the desktop" wait_for 30 bash -c "[ \$(wine '$INSPECT' '$PROMPT_TITLE' 2>/dev/null | grep -c '^window ') = 2 ]"
    check "the second agent shows the owner's server version" wait_for 30 bash -c \
        "[ \"\$(tr -d '\r' <'$C/climon-state-b/state.ini' | sed -n 's/^ServerVersion=//p')\" = \"\$(tr -d '\r' <'$SHARE/CL_NT.TXT' | sed -n 's/^CopyListVersion *= *//p')\" ]"
    check "no error in the first agent's log ($(errors_in "$CLIMON_LOG"))" test "$(errors_in "$CLIMON_LOG")" = 0
    check "no error in the second agent's log ($(errors_in "$B_LOG"))" test "$(errors_in "$B_LOG")" = 0
    shot "$NAME-prompts"
    # The owner's session ends badly (its process dies): the lock is
    # abandoned and the other session's agent takes the work over.
    kill -9 "$agent_pid" 2>/dev/null
    agent_pid=""
    agent_started=""
    check "the second agent takes over" wait_for 30 grep -q 'this one does them now' "$B_LOG"
    drop_raw INVLAST
    check "and forwards the next inventory" wait_for 60 invdata_empty
    check "its forwarding is logged" grep -q 'forwarding inventory files' "$B_LOG"
    kill "$agent_b_pid" 2>/dev/null
    rm -rf "$keep"
}

SVC_LOG=$C/MS/SMS/LOGS/CLIMONSV.LOG
# A .RAW dropped by a Windows process: Wine 8's services do not see files
# a Linux process made in a folder until a Wine process changes it.
drop_raw_wine() { # NAME
    printf '[Inventory]\r\nMachine Name=LABPC01\r\nSMS Unique ID=LAB00001\r\nFile=%s\r\nNonce=%s\r\n' \
        "$1" "$RANDOM$RANDOM" >"$E2E_LAB/$1.RAW"
    wine cmd /c move "Z:$(echo "$E2E_LAB/$1.RAW" | tr / '\\')" 'C:\MS\SMS\INVDATA\' >/dev/null 2>&1
}
svc_state() { wine sc query Climon 2>/dev/null | tr -d '\r' | sed -n 's/^ *STATE *: *[0-9]* *//p'; }

sc_service() {
    local out rc new
    "$LABCMD" publish "$E2E_LAB" --service INV32CLI >/dev/null
    new=$(tr -d '\r' <"$SHARE/CL_NT.TXT" | sed -n 's/^CopyListVersion *= *//p')
    out=$(wine 'C:\MS\SMS\BIN\CLIMON.EXE' /install:service '/smsini:C:\SMS.INI' \
        '/statedir:C:\climon-svc-state' 2>&1); rc=$?
    out=$(tr -d '\r' <<<"$out")
    note "install: $out"
    check "/install:service succeeds" test "$rc" = 0
    check "sc query says the service runs" wait_for 20 bash -c "wine sc query Climon 2>/dev/null | grep -q RUNNING"
    check "its command line is the full quoted path with /service" bash -c \
        "wine reg query 'HKLM\\System\\CurrentControlSet\\Services\\Climon' /v ImagePath 2>/dev/null | tr -d '\r' | grep -q 'ImagePath.*\"C:.*CLIMON.EXE\" /service /smsini:C:.SMS.INI'"
    check "the service logs to CLIMONSV.LOG" wait_for 20 grep -q 'service running' "$SVC_LOG"
    check "the service owns the PC's checks" grep -q "this agent does this PC's checks" "$SVC_LOG"
    drop_raw_wine SVC1
    check "the service forwards the inventory" wait_for 60 invdata_empty
    check "the service ran Client Setup" wait_for 60 grep -q 'started Client Setup' "$SVC_LOG"
    check "SMS.INI is at the server's version $new" wait_for 60 smsini_at "$new"
    check "no error in the service's log" test "$(errors_in "$SVC_LOG")" = 0
    # A user logs on while it runs: the tray agent watches, the service works.
    start_agent || return 1
    agent_started=1
    check "a tray agent leaves the work to the service" \
        wait_for 20 grep -q "another session's agent does this PC's checks" "$CLIMON_LOG"
    drop_raw_wine SVC2
    check "the next inventory is forwarded (by the service)" wait_for 60 invdata_empty
    check "not by the tray agent" bash -c "! grep -q 'forwarding inventory files' '$CLIMON_LOG'"
    stop_agent
    agent_started=""
    out=$(wine 'C:\MS\SMS\BIN\CLIMON.EXE' /uninstall:service 2>&1); rc=$?
    out=$(tr -d '\r' <<<"$out")
    note "uninstall: $out"
    check "/uninstall:service succeeds" test "$rc" = 0
    check "the service stopped cleanly (logged)" wait_for 20 grep -q 'service stopped' "$SVC_LOG"
    check "sc query no longer knows Climon" bash -c "! wine sc query Climon 2>/dev/null | grep -q SERVICE_NAME"
}

sc_service_window() {
    local out rc from to keeper hook=$C/svc-restart-hook.txt
    rm -f "$hook"
    # Wine ends its services when no other Wine process is left (its
    # "shutdown"): one that lives through the scenario, as a server's
    # uptime would.
    wine ping -n 300 127.0.0.1 >/dev/null 2>&1 &
    keeper=$!
    # A window open now (the prefix's local time is this machine's).
    from=$(date -d '-2 min' +%H:%M)
    to=$(date -d '+60 min' +%H:%M)
    wine reg add 'HKLM\SOFTWARE\Policies\Climon' /v ServerRestartWindow /d "Daily $from-$to" /f >/dev/null 2>&1
    out=$(wine 'C:\MS\SMS\BIN\CLIMON.EXE' /install:service '/smsini:C:\SMS.INI' \
        '/statedir:C:\climon-svc-state' '/restart-hook:C:\svc-restart-hook.txt' 2>&1); rc=$?
    note "install: $(tr -d '\r' <<<"$out")"
    check "/install:service succeeds" test "$rc" = 0
    check "the service logs its maintenance window" wait_for 20 \
        grep -q "maintenance window for a restart nobody is signed in to: Daily $from-$to" "$SVC_LOG"
    check "the service read the report at its start" wait_for 20 grep -q 'report: restart=0' "$SVC_LOG"
    manager_sets_bare_flag INV32CLI 1.2.9
    check "the service asked for the restart in the window" wait_for 30 grep -q restart "$hook"
    check "it said why: nobody signed in, the window open" \
        grep -q 'nobody is signed in and the maintenance window' "$SVC_LOG"
    # A later event in the same window (the manager writes the key again)
    # asks for nothing more: once per window.
    wine reg add "$SERVICES_KEY" /v 'Logoff Required' /t REG_DWORD /d 0 /f >/dev/null 2>&1
    check "the same window asks once" wait_for 20 grep -q 'once in this window already' "$SVC_LOG"
    check "one restart asked for" test "$(grep -c restart "$hook")" = 1
    check "no error in the service's log" test "$(errors_in "$SVC_LOG")" = 0
    out=$(wine 'C:\MS\SMS\BIN\CLIMON.EXE' /uninstall:service 2>&1)
    check "the service stopped cleanly (logged)" wait_for 20 grep -q 'service stopped' "$SVC_LOG"
    # An account that would need a password is refused before anything
    # is installed.
    out=$(wine 'C:\MS\SMS\BIN\CLIMON.EXE' /install:service '/account:LAB\alice' 2>&1); rc=$?
    note "install as LAB\\alice: $(tr -d '\r' <<<"$out")"
    check "an account with a password is refused (exit 64)" test "$rc" = 64
    check "and says which accounts it takes" grep -q 'would need a password' <<<"$out"
    check "nothing was installed" bash -c "! wine sc query Climon 2>/dev/null | grep -q SERVICE_NAME"
    # A value that is not a window: refused, said so, status only; this
    # time as LocalService.
    wine reg add 'HKLM\SOFTWARE\Policies\Climon' /v ServerRestartWindow /d 'Sunday 2-4' /f >/dev/null 2>&1
    out=$(wine 'C:\MS\SMS\BIN\CLIMON.EXE' /install:service '/smsini:C:\SMS.INI' /account:LocalService \
        '/statedir:C:\climon-svc-state2' '/restart-hook:C:\svc-restart-hook.txt' 2>&1)
    out=$(tr -d '\r' <<<"$out")
    note "install as LocalService: $out"
    check "the install names the account" grep -q 'account NT AUTHORITY.LocalService' <<<"$out"
    check "the service runs as NT AUTHORITY\\LocalService" bash -c \
        "wine reg query 'HKLM\\System\\CurrentControlSet\\Services\\Climon' /v ObjectName 2>/dev/null | tr -d '\r' | grep -qi 'ObjectName.*NT AUTHORITY.LocalService'"
    check "a window that is not one is refused in the log" wait_for 20 \
        grep -q 'policy ServerRestartWindow "Sunday 2-4" refused' "$SVC_LOG"
    check "and the restart is status only" wait_for 30 grep -q 'prompts are off by policy: status only' "$SVC_LOG"
    check "still one restart asked for" test "$(grep -c restart "$hook")" = 1
    wine 'C:\MS\SMS\BIN\CLIMON.EXE' /uninstall:service >/dev/null 2>&1
    wine reg delete 'HKLM\SOFTWARE\Policies\Climon' /v ServerRestartWindow /f >/dev/null 2>&1
    check "the service is gone" bash -c "! wine sc query Climon 2>/dev/null | grep -q SERVICE_NAME"
    kill "$keeper" 2>/dev/null
}

[ $# = 1 ] || { sed -n '2,30p' "$0"; exit 64; }
fn=sc_${1//-/_}
declare -F "$fn" >/dev/null || { echo "unknown scenario $1"; exit 64; }
RO_MOUNT=""
begin "$1"
trap '[ -n "$RO_MOUNT" ] && umount "$RO_MOUNT"; stop_all' EXIT
"$fn"
finish
