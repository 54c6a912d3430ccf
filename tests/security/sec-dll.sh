#!/usr/bin/env bash
# sec-dll.sh: climon.exe does not load DLLs planted in the share, in its
# current folder or on PATH.
#
# The stand-in DLL (planted.dll, which records every process that loads
# it) is copied under system DLL names a GUI program loads (version,
# uxtheme, dwmapi, wtsapi32, ...) and under names Windows programs probe for
# but Wine's System32 lacks (wldp, profapi, cryptbase, ...: a "phantom"
# DLL is where planting bites, since nothing earlier on the search path
# answers for it). They go into the share, the share's X86.BIN's parent,
# a folder on PATH (WINEPATH) and the folder the agent is started from.
#
# Three parts:
#  1. control: dll_probe, unhardened, started from the plant folder, loads a
#     planted phantom (else this Wine cannot show planting and the test
#     fails, saying so); dll_probe --harden (what climon.exe does first)
#     does not;
#  2. climon.exe /check (it runs Client Setup) and the tray agent with its
#     status window, each started from the plant folder: no planted DLL is
#     loaded into climon.exe;
#  3. the shipped climon.exe imports SetDefaultDllDirectories and
#     SetDllDirectoryW, and only system DLLs.
#   sec-dll.sh <mingw build dir> <work dir>      (the tray part needs DISPLAY)
set -u
BUILD=$1 WORK=$2
. "$(dirname "$0")/sec-lib.sh"
PROBE=$BUILD/tests/security/climon_dll_probe.exe
PLANTED=$BUILD/tests/security/planted.dll
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}

rm -rf "$WORK" && mkdir -p "$WORK/bin" "$WORK/pathdir"
C=$WORK/client S=$WORK/share
layout "$C" "$S"
SYSTEM_NAMES="version uxtheme dwmapi wtsapi32 comctl32 shlwapi propsys msimg32 oleacc winmm"
PHANTOM_NAMES="wldp profapi cryptbase textshaping fxsst wow64log ntmarta edputil textinputframework coremessaging"
for dir in "$S" "$WORK/pathdir"; do
    for n in $SYSTEM_NAMES $PHANTOM_NAMES; do cp "$PLANTED" "$dir/$n.dll"; done
done
cp "$PROBE" "$WORK/bin/"
export CLIMON_RECORD_DLL WINEPATH
CLIMON_RECORD_DLL=$(winp "$WORK/loaded.txt")
WINEPATH=$(winp "$WORK/pathdir")
# Native before builtin for every planted name: a planted DLL found on the
# search path is then really loaded, as on Windows, not replaced by Wine's.
overrides="mscoree,mshtml="
for n in $SYSTEM_NAMES $PHANTOM_NAMES; do overrides+=";$n=n,b"; done
export WINEDLLOVERRIDES=$overrides

# 1. The control.
( cd "$S" && wine "$WORK/bin/climon_dll_probe.exe" wldp.dll profapi.dll ) >"$WORK/probe.txt" 2>/dev/null
( cd "$S" && wine "$WORK/bin/climon_dll_probe.exe" --harden wldp.dll profapi.dll ) >"$WORK/probe-hardened.txt" 2>/dev/null
if grep -q -i 'wldp.dll Z:.*\\share\\wldp.dll' "$WORK/probe.txt"; then
    ok "control: an unhardened program loads a planted phantom DLL from its current folder"
else
    not_ok "control: this Wine does not load a planted DLL at all, so the test below proves nothing"
    sed 's/^/#   /' "$WORK/probe.txt"
fi
if grep -q -i 'share\\' "$WORK/probe-hardened.txt"; then
    not_ok "control: the hardening calls do not keep the planted DLL out on this Wine"
    sed 's/^/#   /' "$WORK/probe-hardened.txt"
else
    ok "control: with climon.exe's hardening calls the planted DLL is not loaded"
fi
: >"$WORK/loaded.txt"

# 2a. /check from the plant folder (Client Setup runs: the versions differ).
( cd "$S" && wine "$AGENT" /check "/smsini:$(winp "$C/SMS.INI")" "/share:$(winp "$S")" \
    "/invdata:$(winp "$C/invdata")" "/statedir:$(winp "$C/state")" "/log:$(winp "$C/CLIMON.LOG")" \
    /setuptimeout:30 ) >"$WORK/check.txt" 2>&1
grep -q '^setup_exit=0' "$WORK/check.txt" && ok "/check ran its pass (setup_exit=0)" ||
    { not_ok "/check did not run its pass"; sed 's/^/#   /' "$WORK/check.txt"; }

# 2b. The tray agent with its status window, from the plant folder.
if [ -n "${DISPLAY:-}" ]; then
    ( cd "$S" && exec wine "$AGENT" /status "/smsini:$(winp "$C/SMS.INI")" "/share:$(winp "$S")" \
        "/invdata:$(winp "$C/invdata")" "/statedir:$(winp "$C/state")" "/log:$(winp "$C/CLIMON.LOG")" \
        /setuptimeout:30 ) >/dev/null 2>&1 &
    tray=$!
    # Its log says when the window is up; give it at most 20 s.
    for _ in $(seq 1 40); do
        grep -q -i 'status window\|notification icon' "$C/CLIMON.LOG" 2>/dev/null && break
        sleep 0.5
    done
    sleep 2
    wine "$AGENT" /quit >/dev/null 2>&1
    for _ in $(seq 1 20); do kill -0 "$tray" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$tray" 2>/dev/null; then not_ok "the tray agent did not quit on /quit"; kill "$tray"; fi
    grep -q -i 'icon\|window' "$C/CLIMON.LOG" && ok "the tray agent ran (its log says so)" ||
        not_ok "the tray agent left no trace in its log"
else
    echo "# no DISPLAY: the tray agent part is skipped (run under xvfb-run)"
fi

if grep -q -i 'into=.*climon.exe' "$WORK/loaded.txt"; then
    not_ok "climon.exe loaded a planted DLL"; sed 's/^/#   /' "$WORK/loaded.txt"
else
    ok "no planted DLL loaded into climon.exe"
fi
if [ -s "$WORK/loaded.txt" ]; then
    echo "# other processes that loaded a planted DLL (Client Setup runs from the share by design):"
    sed 's/^/#   /' "$WORK/loaded.txt"
fi

# 3. The shipped binary.
imports=$("$OBJDUMP" -p "$AGENT" 2>/dev/null)
for fn in SetDefaultDllDirectories SetDllDirectoryW; do
    grep -q "\b$fn\b" <<<"$imports" && ok "climon.exe imports $fn" || not_ok "climon.exe does not import $fn"
done
dlls=$(grep 'DLL Name:' <<<"$imports" | awk '{print tolower($3)}' | sort -u | tr '\n' ' ')
unexpected=""
for d in $dlls; do
    case $d in kernel32.dll | user32.dll | gdi32.dll | advapi32.dll | shell32.dll | ole32.dll | \
        comctl32.dll | shlwapi.dll | wtsapi32.dll | msvcrt.dll | ntdll.dll | uxtheme.dll | version.dll) ;;
    *) unexpected+="$d " ;;
    esac
done
[ -z "$unexpected" ] && ok "climon.exe imports only system DLLs ($dlls)" ||
    not_ok "climon.exe imports unexpected DLLs: $unexpected"
finish
