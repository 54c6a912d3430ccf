#!/usr/bin/env bash
# corpus-clisetup.sh: the real Client Setup (clisetup.exe, CLI_NT.EXE on a
# share) on every copy list of the corpus that copylist_parse refuses or
# whose version is unknown: a file name that escapes its folder, a device
# name, a damaged list. Each must be refused whole, exit 65
# (SETUP_EXIT_BAD_INPUT), with the client exactly as it was: SMS.INI byte
# for byte, nothing in its BIN folder, no request in CCR.BOX, and (checked
# once at the end) no Client Services key in the registry.
#   corpus-clisetup.sh wine <clisetup.exe> <work dir>
set -u
MODE=$1 SETUP=$2 WORK=$3
. "$(dirname "$0")/corpus-lib.sh"

rm -rf "$WORK" && mkdir -p "$WORK"
corpus_materialize "$WORK/files" || { echo "not ok - corpus could not be laid out"; exit 1; }
KEY='HKLM\SOFTWARE\Microsoft\SMS\Client Services'
# A key left by an earlier run of this suite would hide a write by this one.
wine reg delete "$KEY" /f >/dev/null 2>&1 || true

n=0
while IFS=$'\t' read -r file parser expected; do
    [ "$parser" = clnt ] || continue
    case $expected in *copylist=err:* | version=unknown:*) ;; *) continue ;; esac
    n=$((n + 1))
    r=$WORK/run$n
    mkdir -p "$r/share/X86.BIN" "$r/share/CCR.BOX" "$r/share/INVENTRY.BOX" "$r/client/MS/SMS/BIN" "$r/client/MS/SMS/LOGS"
    cp "$WORK/files/$file" "$r/share/CL_NT.TXT"
    cp "$SETUP" "$r/share/X86.BIN/CLI_NT.EXE"
    # Every file a hostile list might name, present on the share, so a
    # refusal cannot be a missing source file in disguise.
    for f in PCMSVC32.EXE PCMDLL.DLL SMSAPPS.EXE PCM.DLL EVIL.EXE EVIL.DLL CON NUL COM1; do
        printf 'payload %s\r\n' "$f" >"$r/share/X86.BIN/$f" 2>/dev/null || true
    done
    sm=$(winp "$r/client/MS/SMS")
    sed -e "s/^SMSPath=.*\r\$/SMSPath=${sm//\\/\\\\}\r/" "$WORK/files/smsini/baseline.ini" >"$r/client/SMS.INI"
    cp "$r/client/SMS.INI" "$r/SMS.INI.before"
    rc=0
    wine "$r/share/X86.BIN/CLI_NT.EXE" "/p:$(winp "$r/share")" "/smsini:$(winp "$r/client/SMS.INI")" \
        >"$r/out" 2>"$r/err" || rc=$?
    why=""
    [ "$rc" = 65 ] || why+=" exit $rc (want 65)"
    cmp -s "$r/client/SMS.INI" "$r/SMS.INI.before" || why+=" SMS.INI changed"
    [ -z "$(ls -A "$r/client/MS/SMS/BIN")" ] || why+=" files in BIN: $(ls "$r/client/MS/SMS/BIN" | tr '\n' ' ')"
    [ -z "$(ls -A "$r/share/CCR.BOX")" ] || why+=" CCR.BOX not empty"
    # Nothing outside the client's folders either: no stray copy next to it.
    [ -z "$(find "$r" -newer "$r/SMS.INI.before" -type f ! -path "*/LOGS/*" ! -name out ! -name err)" ] ||
        why+=" wrote $(find "$r" -newer "$r/SMS.INI.before" -type f ! -path "*/LOGS/*" ! -name out ! -name err | tr '\n' ' ')"
    wine_crashed "$r/err" && why+=" crashed"
    if [ -z "$why" ]; then
        ok "$file: refused, exit 65, client unchanged"
    else
        not_ok "$file:$why"; sed 's/^/#   /' "$r/out" "$r/err" | head -8
    fi
done < <(manifest_rows clnt)
[ "$n" -ge 20 ] || not_ok "only $n refused copy lists in the corpus"

if wine reg query "$KEY" >/dev/null 2>&1; then
    not_ok "Client Services key written by a refused run"; wine reg query "$KEY" /s 2>/dev/null | head -20 | sed 's/^/#   /'
else
    ok "no Client Services key after $n refused runs"
fi
finish
