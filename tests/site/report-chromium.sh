#!/usr/bin/env bash
# report-chromium.sh: the compliance page as an admin's browser shows it
# (issue 15.3). ccm --report under Wine over a site of 200 clients (every
# bucket) and a hostile report, then Debian's Chromium, headless: the
# screenshot must be the window's size and not blank, and the text it
# renders (--dump-dom) must carry the counts and the escaped client text
# as text, never as markup.
#   report-chromium.sh <ccm.exe> [SHOT.png]   (WINEPREFIX from the environment)
# SHOT: keep the screenshot there (docs/compliance-page.png is one).
set -u
exe=$1 keep=${2:-}
here=$(dirname "$0")
. "$here/tap.sh"
. "$here/status-lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "not ok - chromium is not installed (scripts/setup installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now=$(date +%s)
box=$tmp/SMS_SHR/CLIMON.BOX
status_site "$box" 200 "$now"
status_file "$box" EVIL0001 EVILPC $((now - 60)) unknown 0 none 0 0 0 7 "" '<b id="injected">bold</b><script>document.title="pwned"</script>'
wine_q "$exe" --report "$(winpath "$tmp/SMS_SHR")" "$(winpath "$tmp/page")" >"$tmp/out" 2>&1
check report-written test -s "$tmp/page/compliance.html"

# Chromium as root needs --no-sandbox; a profile of its own, no network.
shoot() { # ARGS...
    HOME=$tmp timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile" --disable-extensions --window-size=1100,1400 \
        "$@" "file://$tmp/page/compliance.html" 2>>"$tmp/chromium.err"
}
shoot --screenshot="$tmp/shot.png" >/dev/null
check screenshot-taken test -s "$tmp/shot.png"
size=$(identify -format '%wx%h' "$tmp/shot.png" 2>/dev/null)
check screenshot-is-the-window-size test "$size" = 1100x1400
colours=$(identify -format '%k' "$tmp/shot.png" 2>/dev/null)
check screenshot-is-not-blank test "${colours:-0}" -gt 50
# The upper half holds the chart: bars in the buckets' colours.
green=$(convert "$tmp/shot.png" -crop 1100x700+0+0 -fill black -fuzz 8% +opaque '#2e7d32' \
    -format '%[fx:mean*w*h]' info: 2>/dev/null | cut -d. -f1)
check chart-bars-are-drawn test "${green:-0}" -gt 1000
shoot --dump-dom >"$tmp/dom.html"
check title-rendered grep -q '<title>Climon compliance</title>' "$tmp/dom.html"
check current-count-rendered grep -q 'id="n-current">140<' "$tmp/dom.html"
check silent-count-rendered grep -q 'id="n-silent">10<' "$tmp/dom.html"
check overdue-count-rendered grep -q 'id="overdue-count">10<' "$tmp/dom.html"
check client-markup-stays-text bash -c "! grep -q '<b id=\"injected\"' '$tmp/dom.html' && grep -q '&lt;b id=\"injected\"&gt;bold&lt;/b&gt;' '$tmp/dom.html'"
check client-script-did-not-run bash -c "! grep -q 'pwned</title>' '$tmp/dom.html'"
[ -n "$keep" ] && cp "$tmp/shot.png" "$keep"
finish
