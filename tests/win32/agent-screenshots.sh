#!/usr/bin/env bash
# agent-screenshots.sh: remakes docs/img/agent-*.png: the tray agent in a
# Wine virtual desktop on a private Xvfb, against a lab client and share:
# its status window, the notification icon, then the restart prompt after
# the test writes the manager's report into the registry.
#   tests/win32/agent-screenshots.sh <climon.exe> [OUTDIR] [de]
# With "de" the agent runs under LANG/LC_ALL=de_DE.UTF-8 (Wine's German
# display language and formats) and the pictures are agent-status-de.png
# and agent-prompt-de.png (the icon is the same in every language).
# WINEPREFIX must be a prefix of its own (the mingw build's will do); the
# Client Services key of that prefix is deleted afterwards.
set -euo pipefail
exe=$(realpath "$1")
out=$(realpath "${2:-$(dirname "$0")/../../docs/img}")
suffix=
if [ "${3:-}" = de ]; then
    # For Wine, not for this shell (which may have no such locale).
    { export LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8; } 2>/dev/null
    suffix=-de
fi
export WINEDEBUG=-all
: "${WINEPREFIX:?set WINEPREFIX}"
tmp=$(mktemp -d)
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1024x768x24 >/dev/null 2>&1 &
xvfb=$!
cleanup() {
    DISPLAY=$display wine explorer /desktop=lab,1024x768 "$exe" /quit >/dev/null 2>&1 || true
    sleep 2
    wine reg delete 'HKLM\SOFTWARE\Microsoft\SMS\Client Services' /f >/dev/null 2>&1 || true
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
export DISPLAY=$display
sleep 2

win() { echo "Z:${1//\//\\}"; }
mkdir -p "$tmp/MS/SMS/INVDATA" "$tmp/SHR/INVENTRY.BOX" "$tmp/SHR/CCR.BOX" "$tmp/state"
printf '[Servers]\r\nCurrentLogonServer=STEVEPDC\r\n[SMS]\r\nCopyListVersion=835643765\r\nSiteCode=SKZ\r\nSMS Unique ID=SKZ01000\r\nSMSPath=%s\r\nSMSInvDataPath=%s\r\nLastLogonServerPath=%s\r\n' \
    "$(win "$tmp/MS/SMS")" "$(win "$tmp/MS/SMS/INVDATA")" "$(win "$tmp/SHR")" >"$tmp/SMS.INI"
printf '[SMS]\r\nCopyListVersion=835643765\r\n' >"$tmp/SHR/CL_NT.TXT"
echo inventory >"$tmp/MS/SMS/INVDATA/A.RAW"

wine reg delete 'HKLM\SOFTWARE\Microsoft\SMS\Client Services' /f >/dev/null 2>&1 || true
wine explorer /desktop=lab,1024x768 "$exe" "/smsini:$(win "$tmp/SMS.INI")" \
    "/statedir:$(win "$tmp/state")" "/restart-hook:$(win "$tmp/hook.txt")" >/dev/null 2>&1 &
sleep 10
# The notification area, enlarged: the icon in its "up to date" state,
# taken before the status window opens over that corner of the desktop.
if [ -z "$suffix" ]; then
    import -window root "$tmp/icon.png"
    convert "$tmp/icon.png" -crop 64x24+960+744 +repage -scale 400% "$out/agent-icon.png"
fi
# A second start opens the running agent's status window.
wine explorer /desktop=lab,1024x768 "$exe" /status >/dev/null 2>&1 &
sleep 4
import -window root "$out/agent-status$suffix.png"

key='HKLM\SOFTWARE\Microsoft\SMS\Client Services'
wine reg add "$key" /v "Changed Components" /t REG_SZ /d "Inventory Agent 1.2.1, Remote Control 2.0" /f >/dev/null
wine reg add "$key" /v "Change Id" /t REG_DWORD /d 7 /f >/dev/null
wine reg add "$key" /v "Reboot Required" /t REG_DWORD /d 1 /f >/dev/null
sleep 8
import -window root "$out/agent-prompt$suffix.png"
echo "agent-screenshots: wrote $out/agent-status$suffix.png, agent-prompt$suffix.png$([ -n "$suffix" ] || echo ", agent-icon.png")"
