#!/usr/bin/env bash
# corpus-check.sh: each SMS.INI and CL_NT.TXT of the hostile corpus through
# climon-check, paired with a good file for the other side. The exit code
# and the two version lines must follow from the manifest's outcome: 2 when
# the hostile side is unknown, 0 or 1 only when both versions are
# legitimately readable (never 1 from a damaged file), and no crash.
#   corpus-check.sh native|wine <climon-check> <work dir>
set -u
MODE=$1 CHECK=$2 WORK=$3
. "$(dirname "$0")/corpus-lib.sh"

rm -rf "$WORK" && mkdir -p "$WORK"
corpus_materialize "$WORK/files" || { echo "not ok - corpus could not be laid out"; exit 1; }
GOOD_INI=$WORK/files/smsini/baseline.ini GOOD_CL=$WORK/files/clnt/baseline.txt
good_local=835643765 good_server=1764000000

# Sanity: the good pair itself (else every row below proves nothing).
rc=0
out=$(runp "$CHECK" "$(winp "$GOOD_INI")" "$(winp "$GOOD_CL")" 2>/dev/null) || rc=$?
out=$(tr -d '\r' <<<"$out")
if [ "$rc" = 1 ] && grep -qx "local_version=$good_local" <<<"$out" &&
    grep -qx "server_version=$good_server" <<<"$out"; then
    ok "baseline pair: differs, exit 1"
else
    not_ok "baseline pair: exit $rc"; echo "$out" | sed 's/^/#   /'
fi

want_exit() { # LOCAL SERVER
    if [ "$1" = unknown ] || [ "$2" = unknown ]; then echo 2
    elif [ "$1" = "$2" ]; then echo 0
    else echo 1; fi
}

while IFS=$'\t' read -r file parser expected; do
    [ "$parser" = smsini ] || [ "$parser" = clnt ] || continue
    v=$(version_of_outcome "$expected")
    if [ "$parser" = smsini ]; then
        local_file=$WORK/files/$file server_file=$GOOD_CL wl=$v ws=$good_server
    else
        local_file=$GOOD_INI server_file=$WORK/files/$file wl=$good_local ws=$v
    fi
    for attempt in 1 2; do
        rc=0
        out=$(runp "$CHECK" "$(winp "$local_file")" "$(winp "$server_file")" 2>"$WORK/err") || rc=$?
        if wine_transport_failed "$WORK/err" && [ $attempt = 1 ]; then
            echo "# $file: Wine lost its server during the run (exit $rc): running it again"
            continue
        fi
        if wine_never_printed "$out" "$WORK/err" && [ $attempt = 1 ]; then
            echo "# $file: no output at all under Wine (exit $rc): running it again"
            continue
        fi
        break
    done
    out=$(tr -d '\r' <<<"$out")
    want=$(want_exit "$wl" "$ws")
    why=""
    [ "$rc" = "$want" ] || why+=" exit $rc (want $want)"
    grep -qx "local_version=$wl" <<<"$out" || why+=" local_version not $wl"
    grep -qx "server_version=$ws" <<<"$out" || why+=" server_version not $ws"
    wine_crashed "$WORK/err" && why+=" crashed"
    if [ -z "$why" ]; then
        ok "$file: exit $rc"
    else
        not_ok "$file:$why"; echo "$out" | sed 's/^/#   /'; sed 's/^/#   stderr: /' "$WORK/err"
    fi
done < <(manifest_rows)
finish
