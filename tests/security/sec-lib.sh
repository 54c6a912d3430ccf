# sec-lib.sh: helpers for the security scripts (sourced). Each script is a
# ctest test of its own in the suite's Wine prefix (WINEPREFIX from ctest).
#
# Expects: BUILD (the mingw build tree) and WORK (a scratch folder).

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ] && [ "$pass" -gt 0 ]; }

BUILD=$(cd "$BUILD" && pwd)
mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
AGENT=$BUILD/src/climon/climon.exe
RECORDER=$BUILD/tests/security/climon_recorder.exe
CORPUS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../corpus" && pwd)

# Z:\... for a Unix path (Wine maps / to Z:).
winp() { local x="Z:$1"; printf '%s' "${x//\//\\}"; }

# A client and a share whose versions differ, so a /check runs Client
# Setup: SMS.INI 835643765, CL_NT.TXT 1764000000, the recorder as
# <share>\X86.BIN\CLI_NT.EXE.
layout() { # CLIENT-DIR SHARE-DIR
    mkdir -p "$1/invdata" "$2/X86.BIN" "$2/INVENTRY.BOX" "$2/CCR.BOX"
    cp "$CORPUS/smsini/baseline.ini" "$1/SMS.INI"
    cp "$CORPUS/clnt/baseline.txt" "$2/CL_NT.TXT"
    cp "$RECORDER" "$2/X86.BIN/CLI_NT.EXE"
}

# climon.exe /check on a layout; extra switches after the two dirs.
# Output in $WORK/out, stderr in $WORK/err, exit code in $rc.
agent_check() { # CLIENT-DIR SHARE-DIR [SWITCH...]
    local c=$1 s=$2
    shift 2
    rc=0
    wine "$AGENT" /check "/smsini:$(winp "$c/SMS.INI")" "/share:$(winp "$s")" \
        "/invdata:$(winp "$c/invdata")" "/statedir:$(winp "$c/state")" "/log:$(winp "$c/CLIMON.LOG")" \
        /setuptimeout:30 "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
    tr -d '\r' <"$WORK/out" >"$WORK/out.txt"
}
