#!/usr/bin/env bash
# agent-check-wine.sh: `wine climon.exe /check` prints its result lines to
# a pipe and to a terminal (a GUI program has no console of its own; see
# checkcmd.c), with the documented exit codes.
#   agent-check-wine.sh <climon.exe>   (WINEPREFIX and WINEDEBUG from ctest)
set -u
exe=$1
wine=${WINE:-wine}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
no() { echo "not ok - $1"; fail=$((fail + 1)); }

win() { echo "Z:${1//\//\\}"; }
mkdir -p "$tmp/MS/SMS/INVDATA" "$tmp/SHR/INVENTRY.BOX" "$tmp/SHR/CCR.BOX" "$tmp/state"
printf '[SMS]\r\nCopyListVersion=835643765\r\nSMS Unique ID=SKZ01000\r\nSMSPath=%s\r\nSMSInvDataPath=%s\r\nLastLogonServerPath=%s\r\n' \
    "$(win "$tmp/MS/SMS")" "$(win "$tmp/MS/SMS/INVDATA")" "$(win "$tmp/SHR")" >"$tmp/SMS.INI"
printf '[SMS]\r\nCopyListVersion=835643765\r\n' >"$tmp/SHR/CL_NT.TXT"
args=("/check" "/smsini:$(win "$tmp/SMS.INI")" "/statedir:$(win "$tmp/state")" "/log:$(win "$tmp/CLIMON.LOG")")

out=$("$wine" "$exe" "${args[@]}" | cat); rc=${PIPESTATUS[0]}
grep -q '^result=up-to-date' <<<"$out" && [ "$rc" = 0 ] && ok "/check prints to a pipe and exits 0 when up to date" ||
    no "/check to a pipe: rc=$rc output: $out"

printf '[SMS]\r\nCopyListVersion=oops\r\n' >"$tmp/SHR/CL_NT.TXT"
"$wine" "$exe" "${args[@]}" >"$tmp/out.txt"; rc=$?
grep -q '^result=unknown' "$tmp/out.txt" && [ "$rc" = 2 ] && ok "/check prints to a file and exits 2 when a version is unknown" ||
    no "/check to a file: rc=$rc output: $(cat "$tmp/out.txt")"

if command -v script >/dev/null; then
    out=$(script -qec "$wine $exe ${args[*]}" /dev/null </dev/null | tr -d '\r')
    grep -q '^result=unknown' <<<"$out" && ok "/check prints to a terminal" || no "/check to a terminal: $out"
fi

"$wine" "$exe" /check /bogus >"$tmp/usage.txt" 2>&1; rc=$?
[ "$rc" = 64 ] && grep -q 'usage:' "$tmp/usage.txt" && ok "a usage error exits 64 and shows the usage" ||
    no "usage: rc=$rc $(cat "$tmp/usage.txt")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
