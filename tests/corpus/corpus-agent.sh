#!/usr/bin/env bash
# corpus-agent.sh: each SMS.INI and CL_NT.TXT of the hostile corpus through
# `climon.exe /check`, under Wine. The other side is a good file with the
# same version when the hostile one's is readable (so a run of Client
# Setup could only come from a misreading) and a good one otherwise.
# Expected: no Client Setup run (the stand-in records any start), pending=none,
# setup_exit=none, the version lines the manifest implies, exit 0 (same)
# or 2 (unknown), and no crash.
#   corpus-agent.sh wine <climon.exe> <recorder.exe> <work dir> [smsini|clnt]
set -u
MODE=$1 AGENT=$2 RECORDER=$3 WORK=$4 ONLY=${5:-}
. "$(dirname "$0")/corpus-lib.sh"

rm -rf "$WORK" && mkdir -p "$WORK"
corpus_materialize "$WORK/files" || { echo "not ok - corpus could not be laid out"; exit 1; }
cp "$RECORDER" "$WORK/setup-stand-in.exe"

sms_ini() { # VERSION: the baseline SMS.INI with this CopyListVersion
    sed "s/^CopyListVersion=.*\r\$/CopyListVersion=$1\r/" "$WORK/files/smsini/baseline.ini"
}
cl_nt() { # VERSION
    sed "s/^CopyListVersion=.*\r\$/CopyListVersion=$1\r/" "$WORK/files/clnt/baseline.txt"
}

n=0
while IFS=$'\t' read -r file parser expected; do
    [ "$parser" = smsini ] || [ "$parser" = clnt ] || continue
    [ -z "$ONLY" ] || [ "$parser" = "$ONLY" ] || continue
    n=$((n + 1))
    r=$WORK/run$n
    mkdir -p "$r/share/INVENTRY.BOX" "$r/share/CCR.BOX" "$r/share/X86.BIN" "$r/invdata" "$r/state"
    v=$(version_of_outcome "$expected")
    if [ "$parser" = smsini ]; then
        ini=$WORK/files/$file wl=$v ws=$v
        [ "$v" = unknown ] && ws=835643765
        cl_nt "$ws" >"$r/share/CL_NT.TXT"
    else
        cp "$WORK/files/$file" "$r/share/CL_NT.TXT"
        wl=$v ws=$v
        [ "$v" = unknown ] && wl=835643765
        sms_ini "$wl" >"$r/SMS.INI"
        ini=$r/SMS.INI
    fi
    for attempt in 1 2; do
        rc=0
        out=$(CLIMON_RECORD=$(winp "$r/setup.ran") wine "$AGENT" /check "/smsini:$(winp "$ini")" \
            "/share:$(winp "$r/share")" "/invdata:$(winp "$r/invdata")" "/statedir:$(winp "$r/state")" \
            "/log:$(winp "$r/CLIMON.LOG")" "/setup:\"$(winp "$WORK/setup-stand-in.exe")\" /p:x" \
            /setuptimeout:20 2>"$r/err") || rc=$?
        # Seen once under a loaded machine: a run that printed nothing at all,
        # not even to stderr, and left no log line (Wine's start-up, not the
        # agent: /check always prints). Try such a run once more, and say so.
        if [ -z "$out" ] && [ ! -s "$r/err" ] && [ ! -s "$r/CLIMON.LOG" ] && [ $attempt = 1 ]; then
            echo "# $file: the run printed nothing and logged nothing (exit $rc): running it again"
            continue
        fi
        break
    done
    out=$(tr -d '\r' <<<"$out")
    want=0
    { [ "$wl" = unknown ] || [ "$ws" = unknown ]; } && want=2
    why=""
    [ "$rc" = "$want" ] || why+=" exit $rc (want $want)"
    grep -qx "local_version=$wl" <<<"$out" || why+=" local_version not $wl"
    grep -qx "server_version=$ws" <<<"$out" || why+=" server_version not $ws"
    grep -qx "setup_exit=none" <<<"$out" || why+=" setup_exit not none"
    grep -qx "pending=none" <<<"$out" || why+=" pending not none"
    [ ! -e "$r/setup.ran" ] || why+=" Client Setup ran"
    wine_crashed "$r/err" && why+=" crashed"
    if [ -z "$why" ]; then
        ok "$file: exit $rc, no setup, nothing pending"
    else
        not_ok "$file:$why"
        echo "$out" | sed 's/^/#   /'
        sed 's/^/#   stderr: /' "$r/err" | head -5
    fi
done < <(manifest_rows)
finish
