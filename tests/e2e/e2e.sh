#!/usr/bin/env bash
# e2e.sh: the desktop end-to-end scenarios. The real climon.exe,
# clisetup.exe (the share's CLI_NT.EXE) and ccm.exe on the lab, in a Wine
# virtual desktop on a private Xvfb; windows found by title (xdotool,
# wininspect for their text), the notification icon and buttons clicked
# with xdotool. Each scenario checks what the user sees (window present or
# absent, its text) and what is on disk and in the registry, and leaves a
# screenshot of its ending in build/<preset>/e2e-artifacts/<scenario>.png.
#   e2e.sh SCENARIO      (environment: see e2e-lib.sh; exit 77 = skipped)
# Scenarios:
#   no-new-version      inventory, same version: no setup, no prompt
#   new-version-no-change  a publish that changes nothing for this client:
#                       setup runs, no request, no prompt
#   service-change      a new service: request, the manager installs it,
#                       balloon and the restart dialog
#   later-reminder      Later: the dialog goes and stays away until the
#                       reminder is due, then comes back
#   restart-now         Restart now: the restart is recorded by the hook
#   logoff-only         a program in use changes: Log off is offered, not
#                       Restart, and recorded by the hook
#   prompt-keeps-focus  the user types in Notepad while the change comes: the
#                       prompt appears without taking the focus, and the
#                       keys typed (Enter included) stay in Notepad
#   status-window       a click on the icon opens the status window with
#                       the versions of SMS.INI and CL_NT.TXT
#   status-after-setup  the same right after Client Setup ran (reported bug)
#   explorer-restart    the shell restarts (its icons gone, TaskbarCreated): the
#                       icon comes back and answers a click
#   bare-flag           the manager sets Reboot Required alone, as SMS 1.2's
#                       does (no Change Id, no Changed Components): one prompt
#                       naming the component whose version changed; Later
#                       survives an agent restart; /check says pending=restart
#   restart-applies     Q270697: after a restart (the Wine prefix's server
#                       restarted) with the flag still 1 the change is done, no
#                       prompt; the manager setting it again is a new change
#   final-countdown     the admin allows one postponement and a 1-minute final
#                       countdown: after the Later, the countdown (on top, the
#                       focus left where it was, no Later), then the restart
# E2E_SITE=sms12 plays them against a site that writes only what SMS 1.2
# documents (scripts/lab init --site sms12).
set -u
. "$(dirname "$0")/e2e-lib.sh"

# An inventory pass: a .RAW as the inventory agent writes it, and the wait
# until the agent has forwarded it.
inventory_pass() {
    local before
    before=$(raw_in_box)
    "$LABCMD" inventory "$E2E_LAB" >/dev/null
    wait_for 60 bash -c "[ \$(ls '$C/MS/SMS/INVDATA' | grep -ci '\.RAW\$') = 0 ] && [ \$(ls '$SHARE/INVENTRY.BOX' | grep -ci '\.RAW\$') -gt $before ]"
}

# A new service version published, the pass that picks it up, and the
# manager's install: ends with the restart dialog on the desktop.
service_change_until_prompt() {
    local log0
    start_ccm
    start_agent || return 1
    agent_started=1
    "$LABCMD" publish "$E2E_LAB" --service INV32CLI >/dev/null
    log0=$(lines "$CLIMON_LOG")
    check "the inventory was forwarded" inventory_pass
    check "Client Setup filed a request, the manager took it" wait_for 60 bash -c \
        "grep -q 'request of LAB00001 done' '$CCM_LOG' 2>/dev/null"
    check "Reboot Required is 1" wait_for 20 bash -c "[ \"\$('$LABCMD' get '$E2E_LAB' 'Reboot Required' 2>/dev/null)\" = 1 ]"
    check "a balloon rose from the notification area" wait_for 60 balloon_shown
    shot "$NAME-balloon"
    check "the agent showed the prompt" wait_for 60 prompted_since "$log0"
    check "the restart dialog is on the desktop" wait_for 30 window_shown "$PROMPT_TITLE"
}

foreground_is() { wine "$INSPECT" --foreground 2>/dev/null | tr -d '\r' | grep -q "^window .*title=.*$1"; }
notepad_has() { window_texts 'Notepad' | grep -q -F -- "$1"; }

sc_prompt_keeps_focus() {
    local np_pid rect x y
    wine notepad >/dev/null 2>&1 &
    np_pid=$!
    check "Notepad is on the desktop" wait_for 30 window_shown 'Notepad'
    # Click into its text area and type: the user is at work.
    rect=$(windows 'Notepad' | sed -n 's/^  child class=Edit .* rect=\([-0-9,]*\) .*/\1/p' | head -1)
    IFS=, read -r x y _ _ <<<"$rect"
    xdotool mousemove $((x + 40)) $((y + 20)) click 1
    sleep 1
    xdotool type --delay 30 'before '
    check "Notepad has the focus" wait_for 10 foreground_is Notepad
    check "what was typed is in Notepad" wait_for 10 notepad_has 'before'
    service_change_until_prompt
    sleep 2
    windows "" | grep '^window' | sed 's/^/#   /'
    check "the prompt did not take the focus: Notepad still has it" foreground_is Notepad
    # Keys typed now, Enter among them, go to Notepad, not to the dialog.
    xdotool type --delay 30 'after'
    xdotool key Return
    xdotool type --delay 30 'more'
    sleep 1
    check "the keys went to Notepad" wait_for 10 notepad_has 'more'
    check "the prompt is still up (Enter did not answer it)" window_shown "$PROMPT_TITLE"
    check "no restart was asked" bash -c "! grep -q restart '$HOOK' 2>/dev/null"
    shot "$NAME"
    kill "$np_pid" $(prefix_pids 'notepad') 2>/dev/null
    return 0
}

sc_no_new_version() {
    local setup0 id0
    setup0=$(lines "$SETUP_LOG") id0=$(reg 'Change Id')
    start_agent && agent_started=1
    check "the inventory left INVDATA for INVENTRY.BOX" inventory_pass
    sleep 3
    check "Client Setup did not run" test "$(lines "$SETUP_LOG")" = "$setup0"
    check "no request in CCR.BOX" no_request
    check "no restart or logoff asked" test -z "$(reg 'Reboot Required')$(reg 'Logoff Required')"
    check "Change Id unchanged" test "$(reg 'Change Id')" = "$id0"
    check "the agent found the versions the same" grep -q 'up to date' "$CLIMON_LOG"
    check "no prompt window" window_gone "$PROMPT_TITLE"
}

sc_new_version_no_change() {
    local clv setup0 log0
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" >/dev/null
    clv=$(ini "$SHARE/CL_NT.TXT" CopyListVersion)
    setup0=$(lines "$SETUP_LOG") log0=$(lines "$CLIMON_LOG")
    check "the inventory was forwarded" inventory_pass
    check "Client Setup ran: SMS.INI has CopyListVersion $clv" wait_for 60 smsini_at "$clv"
    check "Client Setup exited 0 (no request)" wait_for 10 new_lines_have "$SETUP_LOG" "$setup0" 'exits with 0'
    sleep 3
    check "no request in CCR.BOX" no_request
    check "no restart or logoff asked" test -z "$(reg 'Reboot Required')$(reg 'Logoff Required')"
    check "no prompt in the agent's log" bash -c "! tail -n +$((log0 + 1)) '$CLIMON_LOG' | grep -q 'showing the .* prompt'"
    check "no prompt window" window_gone "$PROMPT_TITLE"
}

sc_service_change() {
    local want
    service_change_until_prompt
    want=$(tr -d '\r' <"$SHARE/CL_NT.TXT" | awk '/^\[INV32CLI\]/{s=1} s && /^Version=/{sub(/^Version=/,""); print; exit}')
    check "Inventory Agent $want installed in C:\\MS\\SMS\\BIN" grep -q "version=$want" "$C/MS/SMS/BIN/INV32CLI.EXE"
    check "CCR.BOX is empty again" no_request
    if [ "$SITE" = sms12 ]; then
        check "the site wrote no Changed Components and no Change Id" \
            test -z "$(reg 'Changed Components')$(reg 'Change Id')"
        check "the site wrote no Prompt for Restart" test -z "$(reg 'Prompt for Restart')"
    else
        check "Changed Components names it" test "$(reg 'Changed Components')" = "Inventory Agent $want"
    fi
    check "the dialog says a restart is needed" window_has_text "$PROMPT_TITLE" 'restart'
    check "the dialog names the component" window_has_text "$PROMPT_TITLE" 'Inventory Agent'
    check "the dialog offers Restart now" window_has_text "$PROMPT_TITLE" 'Restart now'
    check "the dialog offers Later" window_has_text "$PROMPT_TITLE" 'Later'
    windows "$PROMPT_TITLE" | sed 's/^/#   /'
    # The site hears it (issue 15.1): the tray agent's writer leaves the report.
    check "the agent reports the pending restart to CLIMON.BOX" wait_for 20 \
        bash -c "tr -d '\r' <'$SHARE/CLIMON.BOX/LAB00001.INI' 2>/dev/null | grep -qx 'Pending=restart'"
    check "the agent's report leaves no .TMP" bash -c "! ls '$SHARE'/CLIMON.BOX/*.TMP >/dev/null 2>&1"
}

sc_later_reminder() {
    local due log0
    service_change_until_prompt || return
    check "Later clicked" click_control "$PROMPT_TITLE" 'Later'
    check "the dialog is gone" wait_for 10 window_gone "$PROMPT_TITLE"
    check "the deferral is saved (DeferredUntil set)" wait_for 10 bash -c "[ \"\$(tr -d '\r' <'$STATE' | sed -n 's/^DeferredUntil=//p')\" -gt $(date +%s) ]"
    # An answer to the prompt is reported too: the deferral counted.
    check "the answer reaches the site's report (Deferrals Used=1)" wait_for 20 \
        bash -c "tr -d '\r' <'$SHARE/CLIMON.BOX/LAB00001.INI' 2>/dev/null | grep -qx 'Deferrals Used=1'"
    sleep 5
    check "no dialog while the deferral runs" window_gone "$PROMPT_TITLE"
    shot "$NAME-deferred"
    # The reminder an hour later, without waiting an hour: the agent is
    # stopped, its saved deferral brought forward to 20 s from now, and it
    # starts again as at the next logon.
    stop_agent
    due=$(($(date +%s) + 20))
    sed -i "s/^DeferredUntil=.*\r\$/DeferredUntil=$due\r/" "$STATE"
    log0=$(lines "$CLIMON_LOG")
    start_agent
    sleep 8
    check "still no dialog before the reminder is due" window_gone "$PROMPT_TITLE"
    check "the dialog comes back when the reminder is due" wait_for 45 window_shown "$PROMPT_TITLE"
    check "it came at the reminder, not before" test "$(date +%s)" -ge "$due"
    check "the agent logged the prompt again" prompted_since "$log0"
}

sc_restart_now() {
    service_change_until_prompt || return
    check "Restart now clicked" click_control "$PROMPT_TITLE" 'Restart now'
    check "the restart was asked for (hook: restart)" wait_for 15 grep -q '^restart' "$HOOK"
    check "the dialog is gone" wait_for 10 window_gone "$PROMPT_TITLE"
    check "no logoff asked" bash -c "! grep -q '^logoff' '$HOOK'"
}

sc_logoff_only() {
    local log0
    start_ccm
    start_agent && agent_started=1
    # SMS Client Applications is running: its file is held open, so Client
    # Setup cannot replace it and asks for a logoff.
    wine "$HOLDFILE" 'C:\MS\SMS\BIN\SMSAPPS.EXE' 600 >"$E2E_LAB/hold.out" 2>&1 &
    hold_pid=$!
    wait_for 15 grep -q held "$E2E_LAB/hold.out" || not_ok "could not hold SMSAPPS.EXE open"
    "$LABCMD" publish "$E2E_LAB" --program SMSAPPS >/dev/null
    log0=$(lines "$CLIMON_LOG")
    check "the inventory was forwarded" inventory_pass
    check "Logoff Required is 1" wait_for 60 bash -c "[ \"\$('$LABCMD' get '$E2E_LAB' 'Logoff Required' 2>/dev/null)\" = 1 ]"
    check "no restart asked" test -z "$(reg 'Reboot Required')"
    check "the agent showed the prompt" wait_for 60 prompted_since "$log0"
    check "the dialog is on the desktop" wait_for 30 window_shown "$PROMPT_TITLE"
    windows "$PROMPT_TITLE" | sed 's/^/#   /'
    check "Log off now is offered" window_has_text "$PROMPT_TITLE" 'Log off now'
    check "Restart now is not offered" window_lacks_text "$PROMPT_TITLE" 'Restart now'
    check "Log off now clicked" click_control "$PROMPT_TITLE" 'Log off now'
    check "the logoff was asked for (hook: logoff)" wait_for 15 grep -q '^logoff' "$HOOK"
    check "no restart asked (hook)" bash -c "! grep -q '^restart' '$HOOK'"
}

# Opens the status window with a click on the icon and checks that it shows
# the CopyListVersions SMS.INI and CL_NT.TXT hold now.
status_shows_versions() {
    local l s
    check "no status window before the click" window_gone "$STATUS_TITLE"
    click_tray_icon
    check "a click on the icon opens the status window" wait_for 10 window_shown "$STATUS_TITLE"
    l=$(ini "$C/SMS.INI" CopyListVersion) s=$(ini "$SHARE/CL_NT.TXT" CopyListVersion)
    check "it shows local $l, server $s" window_has_text "$STATUS_TITLE" "local $l, server $s"
    check "it shows the client" window_has_text "$STATUS_TITLE" 'LAB00001'
    check "its last check does not say the versions differ" window_lacks_text "$STATUS_TITLE" 'differ'
    check "its first line says what to do: nothing" window_has_text "$STATUS_TITLE" 'Nothing: the SMS client services are up to date.'
    check "it offers Check now and Open log" bash -c "window_texts() { wine '$INSPECT' '$STATUS_TITLE' 2>/dev/null | tr -d '\r' | sed 's/&//g'; }; window_texts | grep -q 'text=Check now ' && window_texts | grep -q 'text=Open log '"
    check "it opened next to the notification area (bottom right)" status_near_tray
    windows "$STATUS_TITLE" | sed 's/^/#   /'
    shot "$NAME-open"
    check "Close clicked" click_control "$STATUS_TITLE" 'Close'
    check "the status window is gone" wait_for 10 window_gone "$STATUS_TITLE"
}

# The status window's rectangle lies in the quarter of the 1024x768 desktop
# where the notification area is.
status_near_tray() {
    windows "$STATUS_TITLE" | awk '/^window / { split($0, a, "rect="); split(a[2], r, ","); if (r[3] >= 900 && r[4] >= 600 && r[4] <= 768) f = 1 } END { exit !f }'
}

sc_status_window() {
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" >/dev/null
    check "the inventory was forwarded" inventory_pass
    check "Client Setup brought SMS.INI up to date" wait_for 60 smsini_at "$(ini "$SHARE/CL_NT.TXT" CopyListVersion)"
    check "a second inventory pass" inventory_pass
    sleep 2
    status_shows_versions
}

# Reported bug: right after a successful Client Setup the window still
# shows the local version read before it ran, and "the versions differ",
# until the next pass. Disabled in CMake until fixed.
sc_status_after_setup() {
    start_agent && agent_started=1
    "$LABCMD" publish "$E2E_LAB" >/dev/null
    check "the inventory was forwarded" inventory_pass
    check "Client Setup brought SMS.INI up to date" wait_for 60 smsini_at "$(ini "$SHARE/CL_NT.TXT" CopyListVersion)"
    sleep 3
    status_shows_versions
}

sc_explorer_restart() {
    local adds
    start_agent && agent_started=1
    adds=$(grep -c 'notification icon added' "$CLIMON_LOG")
    # A Wine virtual desktop's shell cannot be restarted while windows live
    # in it (the desktop dies with it), so the restart is played as the
    # agent sees one: its icon is gone from the notification area, then the
    # shell broadcasts TaskbarCreated (wininspect --remove-icons, then
    # --taskbar-created).
    check "the shell restarts: its icons are gone" wine "$INSPECT" --remove-icons
    sleep 1
    click_tray_icon
    sleep 2
    check "no icon to click while the shell has none" window_gone "$STATUS_TITLE"
    shot "$NAME-no-icon"
    check "the new shell announces itself (TaskbarCreated)" wine "$INSPECT" --taskbar-created
    check "the agent survived the shell's restart" agent_alive
    check "the agent added its icon again" wait_for 30 bash -c "[ \$(grep -c 'notification icon added' '$CLIMON_LOG') -gt $adds ]"
    sleep 1
    click_tray_icon
    check "the icon answers a click (status window)" wait_for 10 window_shown "$STATUS_TITLE"
}

# The agent running, its first look at the key taken: then the manager's
# bare flag, and the prompt it brings.
bare_flag_until_prompt() {
    local log0
    start_agent || return 1
    agent_started=1
    check "the agent read the report at its start" wait_for 20 grep -q 'report: restart=0' "$CLIMON_LOG"
    log0=$(lines "$CLIMON_LOG")
    manager_sets_bare_flag INV32CLI 1.2.9
    check "the agent took the bare flag as a change" wait_for 20 new_lines_have "$CLIMON_LOG" "$log0" \
        'manager reports a restart for the change written'
    check "a balloon rose from the notification area" wait_for 30 balloon_shown
    check "the restart dialog is on the desktop" wait_for 30 window_shown "$PROMPT_TITLE"
    PROMPT_LOG0=$log0
}

sc_bare_flag() {
    local log0
    bare_flag_until_prompt || return
    windows "$PROMPT_TITLE" | sed 's/^/#   /'
    check "the dialog says a restart is needed" window_has_text "$PROMPT_TITLE" 'restart'
    check "it names the component whose version changed" window_has_text "$PROMPT_TITLE" 'Inventory Agent 1.2.9'
    check "and no other" window_lacks_text "$PROMPT_TITLE" 'Remote Control'
    shot "$NAME-prompt"
    check "Later clicked" click_control "$PROMPT_TITLE" 'Later'
    check "the dialog is gone" wait_for 10 window_gone "$PROMPT_TITLE"
    check "prompted once" test "$(tail -n +$((PROMPT_LOG0 + 1)) "$CLIMON_LOG" | grep -c 'showing the .* prompt')" = 1
    # The agent restarts (a crash, an update of Climon): still pending,
    # still deferred, no second prompt.
    stop_agent
    log0=$(lines "$CLIMON_LOG")
    start_agent
    check "the restarted agent still has the restart pending" wait_for 20 new_lines_have "$CLIMON_LOG" \
        "$log0" 'pending restart'
    sleep 8
    check "no dialog after the agent's restart (Later holds)" window_gone "$PROMPT_TITLE"
    check "no prompt in its log" bash -c "! tail -n +$((log0 + 1)) '$CLIMON_LOG' | grep -q 'showing the .* prompt'"
    stop_agent
    AGENT_MAY_EXIT=1
    check "/check says pending=restart" check_pending_is restart
}

# The lab's machine restarts: the agent and the desktop go, the Wine
# prefix's server (whose start is the prefix's boot time) stops and starts.
restart_the_prefix() {
    stop_agent
    kill "$desktop_pid" 2>/dev/null
    timeout 20 wineserver -k 2>/dev/null; timeout 20 wineserver -w 2>/dev/null
    wine explorer /desktop=e2e,1024x768 >/dev/null 2>&1 &
    desktop_pid=$!
    wait_for 30 bash -c 'xdotool search --name "e2e - Wine desktop" >/dev/null 2>&1'
}

sc_restart_applies() {
    local log0 boot0
    boot0=$(date +%s)
    bare_flag_until_prompt || return
    check "Later clicked" click_control "$PROMPT_TITLE" 'Later'
    # A boot that lies 30 s after the last is a restart to the agent (its
    # clocks jitter by less): wait that long, then restart.
    while [ $(($(date +%s) - boot0)) -lt 35 ]; do sleep 1; done
    restart_the_prefix
    check "Reboot Required is still 1 after the restart (nobody clears it)" \
        test "$(reg 'Reboot Required')" = 1
    log0=$(lines "$CLIMON_LOG")
    start_agent
    check "the agent takes the change as done by the restart" wait_for 20 new_lines_have "$CLIMON_LOG" \
        "$log0" 'is satisfied by a restart'
    check "it says so once (balloon)" wait_for 30 balloon_shown
    sleep 6
    check "no prompt after the restart" window_gone "$PROMPT_TITLE"
    check "nothing pending in the log" new_lines_have "$CLIMON_LOG" "$log0" 'already done: ignored'
    shot "$NAME-after-restart"
    # Another change later: the manager sets the flag again.
    log0=$(lines "$CLIMON_LOG")
    sleep 1
    manager_sets_bare_flag INV32CLI 1.2.10
    check "the new write is a new change: the dialog comes" wait_for 30 window_shown "$PROMPT_TITLE"
    check "it names the new version" window_has_text "$PROMPT_TITLE" 'Inventory Agent 1.2.10'
}

policy_dword() { wine reg add 'HKLM\SOFTWARE\Policies\Climon' /v "$1" /t REG_DWORD /d "$2" /f >/dev/null 2>&1; }
COUNTDOWN_TITLE='SMS client update: restart'

sc_final_countdown() {
    local log0 due t0
    policy_dword MaxDeferrals 1
    policy_dword FinalCountdownMinutes 1
    bare_flag_until_prompt || return
    check "the prompt says this is the last postponement" window_has_text "$PROMPT_TITLE" 'last postponement'
    check "Later clicked" click_control "$PROMPT_TITLE" 'Later'
    check "the deferral is saved" wait_for 10 bash -c "[ \"\$(tr -d '\r' <'$STATE' | sed -n 's/^DeferredUntil=//p')\" -gt $(date +%s) ]"
    click_tray_icon
    check "the status window opens" wait_for 10 window_shown "$STATUS_TITLE"
    check "it says what to do" window_has_text "$STATUS_TITLE" 'Restart your computer when it suits you.'
    check "and that no postponement is left" window_has_text "$STATUS_TITLE" '0 of 1'
    shot "$NAME-status"
    click_control "$STATUS_TITLE" 'Close'
    # The hour's wait played by the state file, as in later-reminder.
    stop_agent
    due=$(($(date +%s) + 8))
    sed -i "s/^DeferredUntil=.*\r\$/DeferredUntil=$due\r/" "$STATE"
    log0=$(lines "$CLIMON_LOG")
    start_agent
    check "when the postponement ends: the final countdown, not a prompt" wait_for 40 window_shown "$COUNTDOWN_TITLE"
    t0=$(date +%s)
    check "no prompt offers a Later now" window_gone "$PROMPT_TITLE"
    windows "$COUNTDOWN_TITLE" | sed 's/^/#   /'
    check "it says the computer restarts and shows the time left" bash -c \
        "wine '$INSPECT' '$COUNTDOWN_TITLE' 2>/dev/null | grep -Eq 'restarts in [01]:[0-9]{2} '"
    check "it offers Restart now" window_has_text "$COUNTDOWN_TITLE" 'Restart now'
    check "it has no Later" window_lacks_text "$COUNTDOWN_TITLE" 'Later'
    check "it did not take the focus" bash -c "! wine '$INSPECT' --foreground 2>/dev/null | tr -d '\r' | grep -q 'SMS client update'"
    shot "$NAME-countdown"
    check "no restart before the countdown ends" bash -c "! grep -q restart '$HOOK' 2>/dev/null"
    check "the countdown ends in the restart" wait_for 90 grep -q '^restart' "$HOOK"
    check "not before its minute was up" test $(($(date +%s) - t0)) -ge 45
    check "the countdown window is gone" wait_for 10 window_gone "$COUNTDOWN_TITLE"
    check "the log says why" new_lines_have "$CLIMON_LOG" "$log0" 'every postponement used: final countdown'
}

[ $# = 1 ] || { sed -n '2,39p' "$0"; exit 64; }
fn=sc_${1//-/_}
declare -F "$fn" >/dev/null || { echo "unknown scenario $1"; exit 64; }
begin "$1"
"$fn"
finish
