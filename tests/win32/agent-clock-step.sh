#!/usr/bin/env bash
# agent-clock-step.sh: a clock step is not a restart (issue 17, item 1).
# The reported steps: a restart pending (Reboot Required with a Change Id),
# then `climon.exe /check` under Debian's faketime a few seconds back; the
# boot time, computed as now - uptime and rounded to the minute, jumped by
# 60 s and the pending restart was taken as done with no restart. Here the
# pending restart must survive steps of seconds, a minute and an hour, both
# ways. The prefix's wineserver is kept alive (its start is the prefix's
# boot time under Wine) so that only the clock moves.
#   agent-clock-step.sh <climon.exe> <holdfile.exe>   (WINEPREFIX from ctest)
set -u
exe=$1 hold=$2
wine=${WINE:-wine}
command -v faketime >/dev/null || { echo "# faketime is missing (scripts/setup installs it): skipped"; exit 77; }
tmp=$(mktemp -d)
key='HKLM\SOFTWARE\Microsoft\SMS\Client Services'
holder=""
cleanup() {
    [ -n "$holder" ] && kill "$holder" 2>/dev/null
    "$wine" reg delete "$key" /f >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
no() { echo "not ok - $1"; fail=$((fail + 1)); }

win() { echo "Z:${1//\//\\}"; }
mkdir -p "$tmp/MS/SMS/INVDATA" "$tmp/SHR/INVENTRY.BOX" "$tmp/SHR/CCR.BOX" "$tmp/state"
printf '[SMS]\r\nCopyListVersion=835643765\r\nSMS Unique ID=SKZ01000\r\nSMSPath=%s\r\nSMSInvDataPath=%s\r\nLastLogonServerPath=%s\r\n' \
    "$(win "$tmp/MS/SMS")" "$(win "$tmp/MS/SMS/INVDATA")" "$(win "$tmp/SHR")" >"$tmp/SMS.INI"
printf '[SMS]\r\nCopyListVersion=835643765\r\n' >"$tmp/SHR/CL_NT.TXT"
args=("/check" "/smsini:$(win "$tmp/SMS.INI")" "/statedir:$(win "$tmp/state")" "/log:$(win "$tmp/CLIMON.LOG")")

# A Wine process that outlives the steps: the wineserver, and with it the
# prefix's boot time, stays.
: >"$tmp/held"
"$wine" "$hold" "$(win "$tmp/held")" 600 >"$tmp/hold.out" 2>&1 &
holder=$!
for _ in $(seq 1 30); do grep -q held "$tmp/hold.out" 2>/dev/null && break; sleep 1; done

"$wine" reg delete "$key" /f >/dev/null 2>&1
"$wine" reg add "$key" /v 'Reboot Required' /t REG_DWORD /d 1 /f >/dev/null 2>&1
"$wine" reg add "$key" /v 'Change Id' /t REG_DWORD /d 7 /f >/dev/null 2>&1
out=$("$wine" "$exe" "${args[@]}" 2>/dev/null | tr -d '\r')
grep -qx 'pending=restart' <<<"$out" && ok "a restart is pending (Change Id 7)" || no "no restart pending: $out"

for step in -24 -28 -4 4 31 61 3600 -3600; do
    lines=$(wc -l <"$tmp/CLIMON.LOG")
    offset=${step}s
    [ "$step" -lt 0 ] || offset=+$offset # faketime reads "4s" as a date, "+4s" as a step
    out=$(faketime -f "$offset" "$wine" "$exe" "${args[@]}" 2>/dev/null | tr -d '\r')
    if grep -qx 'pending=restart' <<<"$out" &&
        ! tail -n +$((lines + 1)) "$tmp/CLIMON.LOG" | grep -q 'satisfied by a restart'; then
        ok "a clock step of ${step} s is no restart: still pending=restart"
    else
        no "a clock step of ${step} s: $(grep '^pending=' <<<"$out") $(tail -n +$((lines + 1)) "$tmp/CLIMON.LOG" | grep -o 'satisfied by[^]]*' | head -1)"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
