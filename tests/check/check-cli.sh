#!/usr/bin/env bash
# check-cli.sh: climon-check's output lines and exit codes on good and bad
# files, natively or under Wine.
#   check-cli.sh native <climon-check>
#   check-cli.sh wine <climon-check.exe>     (WINEPREFIX from the environment)
set -u
mode=$1 exe=$2
data=${CLIMON_TEST_DATA:?}/check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# Paths as the program sees them: Wine gets Z:\ paths.
p() {
    if [ "$mode" = wine ]; then local x="Z:$1"; printf '%s' "${x//\//\\}"; else printf '%s' "$1"; fi
}
run() {
    if [ "$mode" = wine ]; then wine "$exe" "$@"; else "$exe" "$@"; fi
}

# expect NAME EXIT RESULT LOCAL SERVER -- ARGS...
expect() {
    local name=$1 want_rc=$2 want_result=$3 want_local=$4 want_server=$5
    shift 6
    local out rc
    out=$(run "$@" 2>"$tmp/err"); rc=$?
    out=$(tr -d '\r' <<<"$out")
    local ok=1
    [ "$rc" = "$want_rc" ] || ok=0
    if [ -n "$want_result" ]; then
        grep -qx "result=$want_result" <<<"$out" || ok=0
        grep -qx "local_version=$want_local" <<<"$out" || ok=0
        grep -qx "server_version=$want_server" <<<"$out" || ok=0
        grep -q '^explanation=.' <<<"$out" || ok=0
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1)); echo "ok - $name"
    else
        fail=$((fail + 1)); echo "not ok - $name (rc=$rc, want $want_rc)"; echo "$out" | sed 's/^/#   /'; sed 's/^/#   stderr: /' "$tmp/err"
    fi
}

# Generated inputs: a 10 MB line, a file over 1 MiB, UTF-16LE with BOM.
{ printf '[SMS]\r\nCopyListVersion='; head -c 10485760 /dev/zero | tr '\0' '7'; printf '\r\n'; } >"$tmp/longline.ini"
{ printf '[SMS]\r\nCopyListVersion=835643765\r\n'; for i in $(seq 1 40000); do printf '; padding line %05d.....\r\n' "$i"; done; } >"$tmp/big.ini"
printf '\xff\xfe' >"$tmp/utf16.ini"
printf '[SMS]\r\nSiteCode=SKZ\r\nCopyListVersion=835643765\r\n' | iconv -f ASCII -t UTF-16LE >>"$tmp/utf16.ini"

L=$data/sms-835643765.ini
expect same                 0 up-to-date 835643765 835643765 -- "$(p "$L")" "$(p "$data/cl-835643765.txt")"
expect differs              1 differs    835643765 835650000 -- "$(p "$L")" "$(p "$data/cl-835650000.txt")"
expect leading-zeros-equal  0 up-to-date 835643765 835643765 -- "$(p "$L")" "$(p "$data/cl-leading-zeros.txt")"
expect version-line-anywhere 1 differs   835643765 835650000 -- "$(p "$L")" "$(p "$data/cl-version-late.txt")"
expect local-missing-key    2 unknown    unknown   835643765 -- "$(p "$data/sms-no-version.ini")" "$(p "$data/cl-835643765.txt")"
expect local-key-wrong-section 2 unknown unknown   835643765 -- "$(p "$data/sms-version-in-local.ini")" "$(p "$data/cl-835643765.txt")"
expect server-not-numeric   2 unknown    835643765 unknown   -- "$(p "$L")" "$(p "$data/cl-not-numeric.txt")"
expect server-negative      2 unknown    835643765 unknown   -- "$(p "$L")" "$(p "$data/cl-negative.txt")"
expect server-overflow      2 unknown    835643765 unknown   -- "$(p "$L")" "$(p "$data/cl-overflow.txt")"
expect server-empty-value   2 unknown    835643765 unknown   -- "$(p "$L")" "$(p "$data/cl-empty.txt")"
expect server-missing-file  2 unknown    835643765 unknown   -- "$(p "$L")" "$(p "$tmp/no-such-file.txt")"
expect local-binary         2 unknown    unknown   835643765 -- "$(p "$data/sms-binary.ini")" "$(p "$data/cl-835643765.txt")"
expect local-10mb-line      2 unknown    unknown   835643765 -- "$(p "$tmp/longline.ini")" "$(p "$data/cl-835643765.txt")"
expect local-over-1mib      2 unknown    unknown   835643765 -- "$(p "$tmp/big.ini")" "$(p "$data/cl-835643765.txt")"
expect local-utf16-bom      0 up-to-date 835643765 835643765 -- "$(p "$tmp/utf16.ini")" "$(p "$data/cl-835643765.txt")"
expect local-truncated      2 unknown    unknown   835643765 -- "$(p "$data/sms-truncated.ini")" "$(p "$data/cl-835643765.txt")"
expect usage-no-args        64 "" "" "" --
expect usage-three-args     64 "" "" "" -- a b c

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
