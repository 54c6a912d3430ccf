# tap.sh: sourced by the site script tests: ok / not ok lines, a count, and
# Windows paths for Unix ones (Wine maps / as Z:).
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { # NAME COMMAND...: ok when the command succeeds
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}
winpath() { local x="Z:$1"; printf '%s' "${x//\//\\}"; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; }
# Wine's own complaints about a missing 32-bit Wine are noise here.
# Filtered after the run, not through a pipe, so the caller reads whole output.
wine_q() {
    local e rc
    e=$(mktemp)
    wine "$@" 2>"$e"; rc=$?
    grep -v -e 'wine32' -e 'multiarch' -e 'dpkg --add-arch' "$e" >&2
    rm -f "$e"
    return $rc
}
# Keep this prefix's wineserver up between the many short Wine runs of a
# script (it stops by itself 10 s after the last one): a server exiting
# just as the next run connects fails that run.
wineserver -p10 >/dev/null 2>&1 || true
