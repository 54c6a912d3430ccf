#!/usr/bin/env bash
# clisetup-cli.sh: clisetup.exe as the agent runs it, under Wine: exit codes
# 0/64/65/74 and an error on stderr for each refusal. Only runs that stop
# before the registry are made here (the build's shared Wine prefix); the
# lab test (lab.sh) runs the successful ones in a prefix of its own.
#   clisetup-cli.sh <clisetup.exe>        (WINEPREFIX from the environment)
set -u
exe=$1
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME RC STDERR-PATTERN -- ARGS...
expect() {
    local name=$1 want=$2 pat=$3 rc
    shift 4
    wine_q "$exe" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    if [ "$rc" = "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$tmp/err"; }; then
        ok "$name"
    else
        not_ok "$name" "rc=$rc want $want, stderr:" "$(tr -d '\r' <"$tmp/err")"
    fi
}

mkdir -p "$tmp/share/CCR.BOX" "$tmp/share/X86.BIN" "$tmp/client"
S=$(winpath "$tmp/share") I=$(winpath "$tmp/client/SMS.INI")
printf '[SMS]\r\nCopyListVersion=1\r\nSMS Unique ID=CLI00001\r\nSMSPath=%s\r\n' \
    "$(winpath "$tmp/client/MS/SMS")" >"$tmp/client/SMS.INI"

expect usage-no-args          64 '/p:<share> is required' --
expect usage-unknown-switch   64 'unknown argument: /bogus' -- "/p:$S" /bogus
expect usage-sms-remove-switch 64 'does not support' -- "/p:$S" /r
expect help                   0  '' -- /?
expect smsini-missing         74 'cannot read' -- "/p:$S" "/smsini:$(winpath "$tmp/nope.ini")"
expect copylist-missing       74 'cannot read the copy list' -- "/p:$S" "/smsini:$I"

printf '[Copy List]\r\nCopyListVersion=5\r\n[Components]\r\nEVIL=program\r\n[EVIL]\r\nVersion=1\r\nFiles=..\\..\\EVIL.EXE\r\n' >"$tmp/share/CL_NT.TXT"
cp "$tmp/client/SMS.INI" "$tmp/before.ini"
expect copylist-escaping-its-folder 65 'refused' -- "/p:$S" "/smsini:$I"
check copylist-escaping-left-smsini-alone cmp -s "$tmp/before.ini" "$tmp/client/SMS.INI"
check copylist-escaping-logged grep -q 'refused' "$tmp/client/MS/SMS/LOGS/CLISETUP.LOG"

printf '[SMS]\r\nCopyListVersion=1\r\nSMSPath=C:\\MS\\SMS\r\n' >"$tmp/client/SMS.INI"
expect smsini-without-unique-id 65 'SMS Unique ID' -- "/p:$S" "/smsini:$I"
finish
