#!/usr/bin/env bash
# ccm-cli.sh: ccm.exe under Wine: exit codes, one manager per share, and
# --watch taking a request as soon as it lands. The client lives in a
# temporary folder with a sandbox registry key (its client record's
# Registry=), so the build's shared Wine prefix is not changed.
#   ccm-cli.sh <ccm.exe>        (WINEPREFIX from the environment)
set -u
exe=$1
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
regkey="SOFTWARE\\ClimonTest\\ccm-cli-$$"
bg=""
cleanup() {
    [ -n "$bg" ] && wait "$bg" 2>/dev/null # it stops by itself (--for)
    wine_q reg delete "HKLM\\$regkey" /f >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT

expect() { # NAME RC PATTERN(stdout+stderr) -- ARGS...
    local name=$1 want=$2 pat=$3 rc
    shift 4
    wine_q "$exe" "$@" >"$tmp/out" 2>&1; rc=$?
    if [ "$rc" = "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$tmp/out"; }; then
        ok "$name"
    else
        not_ok "$name" "rc=$rc want $want, output:" "$(tr -d '\r' <"$tmp/out")"
    fi
}

share=$tmp/SMS_SHR S=$(winpath "$share")
expect usage-no-args     64 'give one of' --
expect usage-bad-option  64 'unknown argument' -- --once "$S" --fast
expect help              0  'usage: ccm' -- --help
mkdir -p "$share"
expect share-without-ccr-box 74 'is not there' -- --once "$S"

# A site with one client, whose services are one version behind.
mkdir -p "$share/CCR.BOX" "$share/X86.BIN" "$share/CLIENTS" "$tmp/c/MS/SMS/BIN"
printf '[Copy List]\r\nCopyListVersion=7\r\n[Components]\r\nSVC=service\r\n[SVC]\r\nDisplay Name=Test Service\r\nVersion=2.0\r\nFiles=SVC.EXE\r\n' >"$share/CL_NT.TXT"
printf 'version=2.0\r\n' >"$share/X86.BIN/SVC.EXE"
printf '[SMS]\r\nSMS Unique ID=CLI00002\r\nSMSPath=%s\r\n' "$(winpath "$tmp/c/MS/SMS")" >"$tmp/c/SMS.INI"
printf '[Client]\r\nSMS.INI=%s\r\nRegistry=%s\\Client Services\r\n' "$(winpath "$tmp/c/SMS.INI")" "$regkey" \
    >"$share/CLIENTS/CLI00002.INI"
request='[NT Client Configuration Request]\r\nMachine Name=CLIPC02\r\nDomain=TSTDOM\r\nInitial Request Date=11/24/2026 10:00\r\nLatest Request Date=11/24/2026 10:00\r\nClient Request Count=1\r\n'

expect empty-box-pass 0 '0 request' -- --once "$S"

# --watch: a request dropped in while it waits is carried out.
# Started in the background and left to stop by itself (--for): a
# backgrounded function is a subshell, and killing it would leave Wine's
# process running.
wine_q "$exe" --watch "$S" --for 15 >"$tmp/watch.out" 2>&1 &
bg=$!
deadline=$((SECONDS + 20))
until [ -f "$share/LOGS/CCM.LCK" ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
check watch-holds-the-lock test -f "$share/LOGS/CCM.LCK"
expect second-manager-is-refused 75 'another manager' -- --once "$S"
printf "$request" >"$share/CCR.BOX/CLI00002.tmp" && mv "$share/CCR.BOX/CLI00002.tmp" "$share/CCR.BOX/CLI00002.CCR"
deadline=$((SECONDS + 20))
until [ ! -f "$share/CCR.BOX/CLI00002.CCR" ] && [ -f "$tmp/c/MS/SMS/BIN/SVC.EXE" ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
check watch-takes-a-new-request-at-once test -f "$tmp/c/MS/SMS/BIN/SVC.EXE" -a ! -f "$share/CCR.BOX/CLI00002.CCR"
# The manager's log is written a block at a time: the line comes at the
# pass's end, a moment after the request's file work.
deadline=$((SECONDS + 20))
until grep -q 'Reboot Required, Change Id 1: Test Service 2.0' "$share/LOGS/CLICFG.LOG" 2>/dev/null ||
    [ $SECONDS -ge $deadline ]; do sleep 0.2; done
check watch-logs-the-restart grep -q 'Reboot Required, Change Id 1: Test Service 2.0' "$share/LOGS/CLICFG.LOG"
wait "$bg"; rc=$?; bg=""
check watch-stops-after-its-time test "$rc" = 0
check watch-released-the-lock test ! -f "$share/LOGS/CCM.LCK"

# The client away (its SMS.INI unreachable): to RETRY now, done when due
# and back (the clock is --now).
printf 'version=2.1\r\n' >"$share/X86.BIN/SVC.EXE"
sed -i 's/Version=2.0/Version=2.1/' "$share/CL_NT.TXT"
printf "$request" >"$share/CCR.BOX/CLI00002.CCR"
mv "$tmp/c/SMS.INI" "$tmp/c/SMS.away"
expect client-away-goes-to-retry 0 '1 to retry' -- --once "$S" --now '11/24/2026 10:00'
check retry-file-has-processing grep -q 'Number of Processing Attempts=1' "$share/CCR.BOX/RETRY/CLI00002.CCR"
check retry-logged grep -q 'cannot be reached' "$share/LOGS/CLICFG.LOG"
mv "$tmp/c/SMS.away" "$tmp/c/SMS.INI"
expect retry-not-due-yet 0 '1 waiting' -- --once "$S" --now '11/24/2026 10:04'
check still-old-version grep -q 'version=2.0' "$tmp/c/MS/SMS/BIN/SVC.EXE"
expect retry-done-when-due 0 '1 done' -- --once "$S" --now '11/24/2026 10:05'
check retry-installed-the-new-version grep -q 'version=2.1' "$tmp/c/MS/SMS/BIN/SVC.EXE"
check retry-box-empty test -z "$(ls "$share/CCR.BOX/RETRY")"
finish
