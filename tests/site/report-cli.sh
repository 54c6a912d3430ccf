#!/usr/bin/env bash
# report-cli.sh: `ccm --report <share> <folder>` under Wine (issue 15.3):
# one client in each bucket plus hostile reports; the page's counts, the
# overdue list, escaping of everything a client wrote, a page that loads
# nothing from elsewhere, a formula-safe CSV, and the exit codes.
#   report-cli.sh <ccm.exe>        (WINEPREFIX from the environment)
set -u
exe=$1
here=$(dirname "$0")
. "$here/tap.sh"
. "$here/status-lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
share=$tmp/SMS_SHR S=$(winpath "$share") out=$tmp/page O=$(winpath "$out")
box=$share/CLIMON.BOX
now=$(date +%s)

run() { # RC PATTERN -- ARGS...: ccm with ARGS must exit RC, output matching PATTERN
    local want=$1 pat=$2 rc
    shift 3
    wine_q "$exe" "$@" >"$tmp/out" 2>&1; rc=$?
    [ "$rc" = "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$tmp/out"; } && return 0
    echo "#   rc=$rc want $want, output: $(tr -d '\r' <"$tmp/out")"
    return 1
}
count() { sed -n "s/.*id=\"$1\">\([0-9]*\)<.*/\1/p" "$out/compliance.html" | head -1; }

check usage-report-wants-a-folder run 64 'give --report' -- --report "$S"
check usage-silent-days-range run 64 'silent-days' -- --report "$S" "$O" --silent-days 0
check usage-silent-days-only-with-report run 64 'for --report' -- --once "$S" --silent-days 3
mkdir -p "$share"
check a-site-without-the-box-is-an-empty-page run 0 '0 client' -- --report "$S" "$O"
check empty-page-counts-nothing test "$(count clients)" = 0

mkdir -p "$box"
status_file "$box" CUR00001 CURPC01 $((now - 60)) same 0 none 0 0 0 7 7
status_file "$box" REQ00001 REQPC01 $((now - 60)) differs $((now - 300)) none 0 0 0 6 7
status_file "$box" RST00001 RSTPC01 $((now - 60)) same 0 restart $((now - 3600)) 0 $((now + 86400)) 7 7
status_file "$box" RST00002 RSTPC02 $((now - 60)) same 0 restart $((now - 2 * 86400)) 2 0 7 7
status_file "$box" RST00003 RSTPC03 $((now - 60)) same 0 logoff $((now - 4 * 86400)) 5 $((now - 3600)) 7 7
status_file "$box" ERR00001 ERRPC01 $((now - 60)) unknown 0 none 0 0 0 7 "" '<script>alert("x")</script> & <img src=http://evil/x>'
status_file "$box" SIL00001 SILPC01 $((now - 9 * 86400)) same 0 none 0 0 0 5 5
status_file "$box" CSV00001 CSVPC01 $((now - 60)) same 0 none 0 0 0 7 7 '=HYPERLINK("http://evil","x")'
# Hostile: one client speaking for another, a name that is no ID, too
# large, HTML in a machine name; a report being written and a folder are
# not reports at all.
status_file "$box" CUR00001 CURPC01 $((now - 60)) same 0 restart $((now - 9 * 86400)) 0 0 7 7
mv "$box/CUR00001.INI" "$box/EVIL0001.INI"
status_file "$box" CUR00001 CURPC01 $((now - 60)) same 0 none 0 0 0 7 7
status_file "$box" 'X<b>' CURPC01 $((now - 60)) same 0 none 0 0 0 7 7
head -c 5000 /dev/zero | tr '\0' ';' >"$box/BIG00001.INI"
status_file "$box" HTM00001 '<i>PC</i>' $((now - 60)) same 0 none 0 0 0 7 7
status_file "$box" TMP00001 TMPPC01 $((now - 60)) same 0 restart $((now - 9 * 86400)) 0 0 7 7
mv "$box/TMP00001.INI" "$box/TMP00001.TMP"
mkdir "$box/DIR00001.INI"

check report-runs run 0 '8 client(s), 1 overdue, 4 report(s) refused' -- --report "$S" "$O"
check page-and-csv-written test -s "$out/compliance.html" -a -s "$out/compliance.csv"
check count-current test "$(count n-current)" = 1
check count-request test "$(count n-request)" = 1
check count-restart-under-1d test "$(count n-restart-under-1d)" = 1
check count-restart-1-3d test "$(count n-restart-1-3d)" = 1
check count-restart-over-3d test "$(count n-restart-over-3d)" = 1
check count-error-the-unknown-and-the-one-with-an-error-text test "$(count n-error)" = 2
check count-silent test "$(count n-silent)" = 1
check count-refused test "$(count refused-count)" = 4
check overdue-lists-the-logoff-past-its-deadline grep -q '<tr><td>RSTPC03</td><td>RST00003</td><td>logoff</td>' "$out/compliance.html"
check overdue-count test "$(count overdue-count)" = 1
check refused-names-the-impostor grep -q "EVIL0001.INI</td><td>SMS Unique ID: not the file&#39;s name (a report for another client)" "$out/compliance.html"
check refused-names-the-large-file grep -q 'BIG00001.INI</td><td>status file larger than 4096 bytes' "$out/compliance.html"
check client-text-is-escaped grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=http://evil/x&gt;' "$out/compliance.html"
check refused-name-is-escaped grep -q 'X&lt;b&gt;.INI' "$out/compliance.html"
check no-script-in-the-page bash -c "! grep -qi '<script' '$out/compliance.html'"
check nothing-loaded-from-elsewhere bash -c "! grep -Eqi '<(img|link|iframe|object|embed)|src=\"|href=|url\\(|@import' '$out/compliance.html'"
check chart-is-inline-svg grep -q '<svg xmlns="http://www.w3.org/2000/svg" id="chart"' "$out/compliance.html"
check version-spread grep -q '<tr><td>7</td><td class="n">6</td></tr>' "$out/compliance.html"
check csv-one-row-per-report test "$(tail -n +2 "$out/compliance.csv" | wc -l)" = 12
check csv-formula-is-defused grep -q "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"" "$out/compliance.csv"
check csv-bucket-column grep -q '"RST00003","RSTPC03",restart-over-3d,1,logoff,' "$out/compliance.csv"
check silent-days-moves-the-line run 0 '8 client(s)' -- --report "$S" "$O" --silent-days 10
check silent-days-count test "$(count n-silent)" = 0
touch "$tmp/afile"
check unwritable-folder-is-74 run 74 'cannot write the report' -- --report "$S" "$(winpath "$tmp/afile")\\sub"
finish
