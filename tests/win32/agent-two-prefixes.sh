#!/usr/bin/env bash
# agent-two-prefixes.sh: two sessions that share no kernel objects (issue
# 13, items 1 and 5). Two Wine prefixes, two wineservers: no mutex, no
# sharing mode, no handle of one is seen by the other; only the Linux file
# system is shared. Both reach one client (SMS.INI, C:\MS\SMS\INVDATA) and
# one share through Z: (the Linux root), as the same files; Client Setup
# is told where SMS.INI is (/setup: with /smsini:, as an admin may). One
# climon.exe in each, not the owner lock's business: each is the owner of
# its own prefix. 1,000 .RAW are dropped through Wine while the server
# publishes a new CopyListVersion. Then:
#   every file's bytes are in the box exactly once (md5), none is left in
#   INVDATA (no .RAW, no claim), no .TMP in the box;
#   a status report in CLIMON.BOX and no .TMP beside it;
#   neither agent's CMTrace log has an error line (type="3"), neither
#   state shows one (LastError, ForwardError, share or setup failures);
#   Client Setup was started once for the new version, in all (both logs,
#   and CLISETUP.LOG's own count), and SMS.INI is at it.
# Every wait is bounded; the time is printed.
#   agent-two-prefixes.sh <climon.exe> <clisetup.exe>
#   (environment: WINEPREFIX_A, WINEPREFIX_B; WINE)
set -u
exe=$1 clisetup=$2
wine=${WINE:-wine}
N=${TWO_PREFIX_FILES:-1000}
: "${WINEPREFIX_A:?}" "${WINEPREFIX_B:?}"
export WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml=
T=$(mktemp -d /tmp/climon-2p.XXXXXX)
pa="" pb=""
cleanup() {
    for p in $pa $pb; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    if [ "${TWO_PREFIX_KEEP:-}" ]; then echo "# kept: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
no() { echo "not ok - $1"; fail=$((fail + 1)); }
check() { # TEXT COMMAND...
    local text=$1
    shift
    if "$@"; then ok "$text"; else no "$text"; fi
}
wait_for() { # SECONDS COMMAND...: bounded
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.25
    done
}
win() { echo "Z:${1//\//\\}"; }
A() { WINEPREFIX=$WINEPREFIX_A "$wine" "$@"; }
B() { WINEPREFIX=$WINEPREFIX_B "$wine" "$@"; }

C=$T/client SITE=$T/site
INV=$C/MS/SMS/INVDATA BOX=$SITE/INVENTRY.BOX
mkdir -p "$INV" "$C/MS/SMS/LOGS" "$C/MS/SMS/BIN" "$BOX" "$SITE/CCR.BOX" "$SITE/CLIMON.BOX" "$SITE/X86.BIN" \
    "$T/a" "$T/b" "$T/stage"
crlf() { sed 's/$/\r/'; }
crlf >"$C/SMS.INI" <<EOF
[SMS]
CopyListVersion=100
SiteCode=LAB
SMS Unique ID=TWO00001
SMSPath=$(win "$C/MS/SMS")
SMSInvDataPath=$(win "$INV")
LastLogonServerPath=$(win "$SITE")
[Local]
MachineName=LABPC02
EOF
copylist() { printf '[Copy List]\r\nCopyListVersion=%s\r\n\r\n[Components]\r\n' "$1" >"$SITE/CL_NT.TXT"; }
copylist 100
cp "$clisetup" "$SITE/X86.BIN/CLI_NT.EXE"

# The inventory, made on Linux in a folder of its own, each file's bytes
# its own.
for i in $(seq 1 "$N"); do
    printf '[Inventory]\r\nMachine Name=LABPC02\r\nSMS Unique ID=TWO00001\r\nFile=INV%05d\r\nNonce=%s%s\r\n' \
        "$i" "$RANDOM" "$RANDOM" >"$T/stage/INV$(printf %05d "$i").RAW"
done
(cd "$T/stage" && md5sum -- *.RAW | cut -d' ' -f1 | sort) >"$T/want.md5"

agent() { # X: the agent of prefix X, its state and log in $T/x
    local d=$T/$(tr A-Z a-z <<<"$1")
    "$1" "$exe" "/smsini:$(win "$C/SMS.INI")" "/statedir:$(win "$d/state")" \
        "/log:$(win "$d/CLIMON.LOG")" /setuptimeout:60 \
        "/setup:$(win "$SITE/X86.BIN/CLI_NT.EXE") /p:$(win "$SITE") /smsini:$(win "$C/SMS.INI")" \
        >"$d/out" 2>&1 &
}
t0=$SECONDS
agent A
pa=$!
agent B
pb=$!
up() { grep -q 'watching the inventory folder' "$T/$1/CLIMON.LOG" 2>/dev/null; }
check "prefix A's agent is up" wait_for 30 up a
check "prefix B's agent is up" wait_for 30 up b
check "each is its prefix's owner (no lock between them)" bash -c \
    "grep -q \"this agent does this PC's checks\" '$T/a/CLIMON.LOG' && grep -q \"this agent does this PC's checks\" '$T/b/CLIMON.LOG'"
wait_for 30 bash -c "grep -q 'up to date' '$T/a/CLIMON.LOG' && grep -q 'up to date' '$T/b/CLIMON.LOG'"

# The site publishes a new version, and the inventory comes: moved in by a
# Wine process (Wine 8 does not show a file a Linux process made to every
# Wine process until a Wine process changes the folder).
copylist 200
t1=$SECONDS
A cmd /c move "$(win "$T/stage")\\*.RAW" "$(win "$INV")\\" >"$T/move.out" 2>&1
note_moved=$(grep -ci 'moved' "$T/move.out")
echo "# $N files moved into INVDATA by a Wine process in $((SECONDS - t1)) s ($note_moved)"

in_box() { find "$BOX" -maxdepth 1 -iname '*.RAW' | wc -l; }
left() { find "$INV" -maxdepth 1 -type f | wc -l; }
all_in() { [ "$(in_box)" -ge "$N" ] && [ "$(left)" = 0 ]; }
check "all $N delivered and INVDATA empty within 90 s" wait_for 90 all_in
t2=$SECONDS
echo "# delivered: $(in_box) in the box, $(left) left in INVDATA, $((t2 - t1)) s after the drop"
(cd "$BOX" && md5sum -- *.RAW 2>/dev/null | cut -d' ' -f1 | sort) >"$T/got.md5"
dups=$(uniq -d "$T/got.md5" | wc -l)
missing=$(comm -23 "$T/want.md5" "$T/got.md5" | wc -l)
extra=$(comm -13 "$T/want.md5" <(sort -u "$T/got.md5") | wc -l)
echo "# box: $(wc -l <"$T/got.md5") files, $dups duplicated, $missing missing, $extra unknown"
check "every file's bytes in the box exactly once" test "$dups$missing$extra" = 000
check "the box has exactly $N files" test "$(wc -l <"$T/got.md5")" = "$N"
check "no .TMP left in the box" test "$(find "$BOX" -maxdepth 1 -iname '*.TMP' | wc -l)" = 0
check "no claim left in INVDATA" test "$(find "$INV" -maxdepth 1 -iname '*.CLM' | wc -l)" = 0

fa=$(grep -c 'forwarded Z:' "$T/a/CLIMON.LOG")
fb=$(grep -c 'forwarded Z:' "$T/b/CLIMON.LOG")
oa=$(grep -c 'another agent' "$T/a/CLIMON.LOG")
ob=$(grep -c 'another agent' "$T/b/CLIMON.LOG")
echo "# forwarded by A: $fa, by B: $fb; lines on the other agent's work: A $oa, B $ob"
check "forwarded $N in all ($fa + $fb)" test $((fa + fb)) = "$N"

# Client Setup: once for version 200, whichever agent ran it.
current() { tr -d '\r' <"$C/SMS.INI" | grep -qx 'CopyListVersion=200'; }
judged() { grep -q 'Client Setup for version 200 \(did its work\|was run by another agent\)' "$T/$1/CLIMON.LOG"; }
check "SMS.INI at the new version within 60 s" wait_for 60 current
check "prefix A's agent knows version 200 is done" wait_for 30 judged a
check "prefix B's agent knows version 200 is done" wait_for 30 judged b
runs=$(cat "$T/a/CLIMON.LOG" "$T/b/CLIMON.LOG" | grep -c 'started Client Setup')
cs_runs=$(grep -c 'Client Setup exits with' "$C/MS/SMS/LOGS/CLISETUP.LOG" 2>/dev/null)
echo "# Client Setup started $runs time(s) by the agents, CLISETUP.LOG counts $cs_runs run(s)"
check "Client Setup started once in all" test "$runs" = 1
[ "$cs_runs" = 1 ] || tail -n 20 "$C/MS/SMS/LOGS/CLISETUP.LOG" 2>/dev/null | sed 's/^/# /' 
check "Client Setup ran once (its own log)" test "$cs_runs" = 1
check "no guard left beside SMS.INI" test ! -e "$C/CLIMON.LCK"

# Both leave: their states are saved.
A "$exe" /quit >/dev/null 2>&1
B "$exe" /quit >/dev/null 2>&1
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_for 20 gone "$pa" || kill "$pa" 2>/dev/null
wait_for 20 gone "$pb" || kill "$pb" 2>/dev/null
# Both reported to the site through a .TMP each: one report, no .TMP.
check "the site's status box holds the client's report" test -n "$(find "$SITE/CLIMON.BOX" -maxdepth 1 -iname '*.INI')"
check "no .TMP left in the site's status box" test "$(find "$SITE/CLIMON.BOX" -maxdepth 1 -iname '*.TMP' | wc -l)" = 0
for x in a b; do
    X=$(tr a-z A-Z <<<$x)
    log=$T/$x/CLIMON.LOG st=$T/$x/state/state.ini
    e=$(grep -c 'type="3"' "$log")
    [ "$e" = 0 ] || grep 'type="3"' "$log" | head -5 | sed 's/^/# /'
    check "no error line in prefix $X's agent log ($e)" test "$e" = 0
    w=$(grep -c 'type="2"' "$log")
    [ "$w" = 0 ] || grep 'type="2"' "$log" | sed 's/<!\[LOG\[//; s/\]LOG.*//' | sort | uniq -c | head -5 | sed 's/^/# warning: /'
    check "no warning in prefix $X's agent log ($w)" test "$w" = 0
    val() { tr -d '\r' <"$st" 2>/dev/null | sed -n "s/^$1=//p"; }
    echo "# prefix $X state: LastError='$(val LastError)' ForwardError='$(val ForwardError)' ShareFailures=$(val ShareFailures) SetupFailures=$(val SetupFailures)"
    check "prefix $X's status shows no error" test -f "$st" -a -z "$(val LastError)$(val ForwardError)"
    check "prefix $X counted no share or setup failure" test "$(val ShareFailures)$(val SetupFailures)" = 00
done
echo "# time: $((SECONDS - t0)) s in all, $((t2 - t1)) s from the drop to the last file"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
