# e2e-lib.sh: the harness of the end-to-end and fault scripts (sourced).
#
# One lab (scripts/lab) per suite run, laid out once by e2e-lab.sh, which
# also snapshots it while it is at rest: the client current, nothing
# pending. Each scenario starts from that snapshot (registry files, C:\SMS.INI,
# C:\MS, the share), on a private Xvfb, in a Wine virtual desktop named e2e
# (every window of the prefix in it), and ends by stopping exactly what it
# started. Scenarios share the prefix, so ctest runs them one at a time
# (RESOURCE_LOCK).
#
# Environment (from CMake): CLIMON_BUILD (the mingw build tree), E2E_LAB
# (the lab folder), E2E_ART (screenshots: build/<preset>/e2e-artifacts),
# E2E_SRC (the source tree), E2E_SITE (lab: our lab with its extensions,
# the default; sms12: a site that writes only what SMS 1.2 documents).

set -u
: "${CLIMON_BUILD:?}" "${E2E_LAB:?}" "${E2E_ART:?}" "${E2E_SRC:?}"
export CLIMON_BUILD
SITE=${E2E_SITE:-lab}
LABCMD=$E2E_SRC/scripts/lab
TOOLS=$CLIMON_BUILD/tests/e2e
INSPECT=$TOOLS/climon_wininspect.exe
HOLDFILE=$TOOLS/climon_holdfile.exe
RECORDER=$CLIMON_BUILD/tests/security/climon_recorder.exe
export WINEPREFIX=$E2E_LAB/prefix WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
C=$WINEPREFIX/drive_c
SHARE=$E2E_LAB/site/SMS_SHR
SNAP=$E2E_LAB/snapshot
CLIMON_LOG=$C/MS/SMS/LOGS/CLIMON.LOG
SETUP_LOG=$C/MS/SMS/LOGS/CLISETUP.LOG
CCM_LOG=$SHARE/LOGS/CLICFG.LOG
STATE=$C/climon-state/state.ini
HOOK=$C/hook.txt
PROMPT_TITLE='SMS Client Services Change Notification'
STATUS_TITLE='Climon status'
SKIP=77

pass=0 fail=0 xvfb_pid="" desktop_pid="" agent_pid="" ccm_pid="" hold_pid="" NAME=${NAME:-e2e}
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { # TEXT COMMAND...: ok when the command succeeds
    local text=$1; shift
    if "$@"; then ok "$text"; else not_ok "$text"; fi
}
note() { echo "# $*"; }

# Bounded polling (harness only; the product never polls).
wait_for() { # SECONDS COMMAND...
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.5
    done
}

lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
new_lines_have() { tail -n +$(($2 + 1)) "$1" 2>/dev/null | grep -q -- "$3"; }
ini() { tr -d '\r' <"$1" | sed -n "s/^$2=//p" | head -1; }
reg() { "$LABCMD" get "$E2E_LAB" "$@" 2>/dev/null; }
no_request() { [ -z "$(ls "$SHARE/CCR.BOX" | grep -i '\.CCR$')" ]; }
request_filed() { ! no_request; }
smsini_at() { [ "$(ini "$C/SMS.INI" CopyListVersion)" = "$1" ]; }
raw_in_invdata() { ls "$C/MS/SMS/INVDATA" | grep -ci '\.RAW$'; }
raw_in_box() { ls "$SHARE/INVENTRY.BOX" | grep -ci '\.RAW$'; }
agent_alive() { [ -n "$agent_pid" ] && kill -0 "$agent_pid" 2>/dev/null; }

# ---- what the user sees ----

# wininspect's listing of the visible windows whose title holds TEXT.
windows() { wine "$INSPECT" "$@" 2>/dev/null | tr -d '\r'; }
window_shown() { windows "$1" | grep -q '^window '; }
window_gone() { ! window_shown "$1"; }
# The texts of a window's controls, one per line.
window_texts() { windows "$1" | sed "s/&//g" | sed -n 's/^  child class=[^ ]* text=\(.*\) rect=.*visible=1$/\1/p'; }
window_has_text() { window_texts "$1" | grep -q -F -- "$2"; }
window_lacks_text() { ! window_has_text "$1" "$2"; }
# A balloon: Wine's shell shows it as a visible tooltip window over the
# notification area (bottom right of the desktop).
balloon_shown() {
    wine "$INSPECT" --class tooltips_class32 '' 2>/dev/null | tr -d '\r' |
        awk '/^window / { split($0, a, "rect="); split(a[2], r, ","); if (r[3] > 700 && r[4] > 600) f = 1 } END { exit !f }'
}
# How many agents run: their hidden windows, class Climon.Agent.
agent_windows() { wine "$INSPECT" --hidden --class Climon.Agent '' 2>/dev/null | grep -c '^window '; }

# Clicks the control of window TITLE whose text is TEXT, with xdotool at
# its centre (wininspect gives screen coordinates; the desktop is at 0,0).
click_control() { # TITLE TEXT
    local rect l t r b
    rect=$(windows "$1" | sed "s/&//g" | grep -F "text=$2 rect=" | head -1 | sed 's/.* rect=\([-0-9,]*\) .*/\1/')
    [ -n "$rect" ] || { note "no control '$2' in '$1'"; return 1; }
    IFS=, read -r l t r b <<<"$rect"
    xdotool mousemove $(((l + r) / 2)) $(((t + b) / 2)) click 1
}

# The notification icon: the systray sits at the right end of the virtual
# desktop's taskbar, and Climon's is the only icon there.
click_tray_icon() { xdotool mousemove 1013 757 click 1; }

shot() { # NAME
    mkdir -p "$E2E_ART"
    import -display "$DISPLAY" -window root "$E2E_ART/$1.png" 2>/dev/null &&
        note "screenshot $E2E_ART/$1.png" || note "no screenshot (import failed)"
}

# ---- starting and stopping ----

# Unix pids of this prefix's processes whose command line matches PATTERN
# (the Windows process is the Unix process under Wine).
prefix_pids() { # PATTERN
    local p
    for p in $(pgrep -f -- "$1"); do
        tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "WINEPREFIX=$WINEPREFIX" && echo "$p"
    done
    return 0
}

need_tools() {
    local t
    for t in Xvfb xdotool import; do
        command -v "$t" >/dev/null || { echo "# $t is missing: skipped"; exit $SKIP; }
    done
    [ -f "$SNAP/system.reg" ] || { echo "not ok - no lab snapshot in $SNAP (wine.e2e.lab failed?)"; exit 1; }
}

# Back to the snapshot: the client current, nothing pending, no agent state.
restore_lab() {
    local m
    timeout 20 wineserver -k 2>/dev/null; timeout 20 wineserver -w 2>/dev/null
    # A read-only mount a failed fault scenario left behind goes first: the
    # copy below must not land on it (nor rm -rf go through it).
    for m in $(awk -v d="$E2E_LAB/" 'index($2, d) == 1 { print $2 }' /proc/mounts 2>/dev/null); do
        umount "$m" 2>/dev/null
    done
    cp -f "$SNAP"/*.reg "$WINEPREFIX/"
    rm -rf "$C/MS" "$C/climon-state" "$E2E_LAB/site" "$E2E_LAB/site.away" "$E2E_LAB/keep" "$HOOK" \
        "$C/setup-ran.txt"
    cp -a "$SNAP/MS" "$C/MS"
    cp -f "$SNAP/SMS.INI" "$C/SMS.INI"
    cp -a "$SNAP/site" "$E2E_LAB/site"
}

start_desktop() {
    local fd_file
    fd_file=$(mktemp)
    Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$fd_file" >/dev/null 2>&1 &
    xvfb_pid=$!
    wait_for 20 test -s "$fd_file" || { echo "not ok - Xvfb did not start"; exit 1; }
    export DISPLAY=":$(head -1 "$fd_file")"
    rm -f "$fd_file"
    wine explorer /desktop=e2e,1024x768 >/dev/null 2>&1 &
    desktop_pid=$!
    wait_for 30 bash -c 'xdotool search --name "e2e - Wine desktop" >/dev/null 2>&1' ||
        { echo "not ok - the Wine desktop did not come up"; stop_all; exit 1; }
}

# The agent as at logon, with its state where restore_lab wipes it.
start_agent() { # [SWITCH...]
    local adds
    adds=$(grep -c 'notification icon added' "$CLIMON_LOG" 2>/dev/null || true)
    wine 'C:\MS\SMS\BIN\CLIMON.EXE' '/smsini:C:\SMS.INI' '/restart-hook:C:\hook.txt' \
        '/statedir:C:\climon-state' "$@" >"$E2E_LAB/agent.out" 2>&1 &
    agent_pid=$!
    wait_for 30 bash -c "n=\$(grep -c 'notification icon added' '$CLIMON_LOG' 2>/dev/null); [ \"\${n:-0}\" -gt ${adds:-0} ]" ||
        { not_ok "the agent did not add its notification icon"; return 1; }
}

stop_agent() {
    [ -n "$agent_pid" ] || return 0
    wine 'C:\MS\SMS\BIN\CLIMON.EXE' /quit >/dev/null 2>&1
    wait_for 15 bash -c "! kill -0 $agent_pid 2>/dev/null" || kill "$agent_pid" 2>/dev/null
    agent_pid=""
}

# The manager, as the site service runs it.
start_ccm() {
    wine "$CLIMON_BUILD/src/site/ccm.exe" --watch 'S:\SMS_SHR' --for 600 >"$E2E_LAB/ccm.out" 2>&1 &
    ccm_pid=$!
    wait_for 20 test -f "$SHARE/LOGS/CCM.LCK" || not_ok "the manager did not start"
}

# Stops what this scenario started, by the ids it recorded, then whatever
# is left of it in the suite's own prefix.
stop_all() {
    stop_agent 2>/dev/null
    local p
    for p in $hold_pid $ccm_pid $desktop_pid; do kill "$p" 2>/dev/null; done
    timeout 20 wineserver -k 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    xvfb_pid=""
}

begin() { # NAME
    NAME=$1
    [ "$SITE" = lab ] || NAME=$SITE-$1
    need_tools
    restore_lab
    start_desktop
    trap 'stop_all' EXIT
    echo "# scenario $NAME on display $DISPLAY, lab $E2E_LAB"
}

finish() {
    shot "$NAME"
    if ! agent_alive && [ "${AGENT_MAY_EXIT:-}" != 1 ] && [ -n "${agent_started:-}" ]; then
        not_ok "the agent is no longer running"
    fi
    stop_all
    trap - EXIT
    if [ "$fail" != 0 ]; then
        note "agent log (last lines):"; tail -n 25 "$CLIMON_LOG" 2>/dev/null | sed 's/^/#   /' | cut -c1-220
    fi
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ] && [ "$pass" -gt 0 ]
}

# A prompt in the agent's log since line N.
prompted_since() { new_lines_have "$CLIMON_LOG" "$1" 'showing the .* prompt'; }

# The manager's report as SMS 1.2's manager gives it: our lab's extensions
# (Change Id, Changed Components, Logoff Required) gone, one component's
# version written, then Reboot Required = 1 (deleted first: Wine skips a
# write of the same data, which would not move the key's write time).
SERVICES_KEY='HKLM\SOFTWARE\Microsoft\SMS\Client Services'
manager_sets_bare_flag() { # [COMPONENT VERSION]
    local v
    for v in 'Change Id' 'Changed Components' 'Logoff Required' 'Reboot Required'; do
        wine reg delete "$SERVICES_KEY" /v "$v" /f >/dev/null 2>&1
    done
    [ -z "${1:-}" ] || wine reg add "$SERVICES_KEY\\Components\\$1" /v 'Installed Version' /d "$2" /f >/dev/null 2>&1
    wine reg add "$SERVICES_KEY" /v 'Reboot Required' /t REG_DWORD /d 1 /f >/dev/null 2>&1
}

# Climon.exe /check on the lab, as an admin runs it; its output.
agent_check() {
    wine 'C:\MS\SMS\BIN\CLIMON.EXE' /check '/smsini:C:\SMS.INI' '/statedir:C:\climon-state' 2>/dev/null | tr -d '\r'
}
check_pending_is() { agent_check | grep -qx "pending=$1"; }
