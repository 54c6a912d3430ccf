#!/usr/bin/env bash
# lab.sh: scripts/lab end to end in a Wine prefix of its own: init leaves a
# current client; a publish that changes nothing or only a program files no
# request and asks for nothing; a service change files a request that the
# manager carries out with a restart asked for; Prompt for Restart 0 asks
# for none; inventory drops a .RAW the way the agent expects.
#   lab.sh <lab dir>            (CLIMON_BUILD: the build with the .exe files)
set -u
here=$(cd "$(dirname "$0")" && pwd)
lab=$here/../../scripts/lab
dir=$1
rm -rf "$dir"
mkdir -p "$dir"
export WINEPREFIX=$dir/prefix # until init: tap.sh's wineserver call
. "$here/tap.sh"

L() { "$lab" "$@"; }
SH=$dir/site/SMS_SHR
C=$dir/prefix/drive_c
val() { L get "$dir" "$@" 2>/dev/null; }
ini() { tr -d '\r' <"$1" | sed -n "s/^$2=//p" | head -1; }
has_version() { grep -q "version=$2" "$C/MS/SMS/BIN/$1"; }
no_request() { [ -z "$(ls "$SH/CCR.BOX" | grep -i '\.CC[RW]$')" ]; }
setup_rc() { L setup "$dir" >/dev/null 2>&1; echo $?; }
ccm_rc() { L ccm "$dir" >/dev/null 2>&1; echo $?; }

L init "$dir" >"$dir.init.log" 2>&1
check init-succeeds test $? = 0
# Direct Wine calls below go to the lab's prefix, never a default one.
eval "$(L env "$dir")"
check init-client-is-current test "$(ini "$C/SMS.INI" CopyListVersion)" = "$(ini "$SH/CL_NT.TXT" CopyListVersion)"
check init-service-installed test "$(val 'Installed Version' INV32CLI)" = 1.2.0
check init-program-installed has_version SMSAPPS.EXE 1.2.0
check init-leaves-no-request no_request
check init-leaves-no-restart-pending test -z "$(val 'Reboot Required')"
check share-on-its-own-drive test -L "$dir/prefix/dosdevices/s:"
check setup-published-on-the-share test -f "$SH/X86.BIN/CLI_NT.EXE"
check status-box-made-for-the-clients test -d "$SH/CLIMON.BOX"
id0=$(val 'Change Id')

old=$(ini "$SH/CL_NT.TXT" CopyListVersion)
L publish "$dir" >/dev/null
new=$(ini "$SH/CL_NT.TXT" CopyListVersion)
check publish-raises-the-version test "$new" -gt "$old"
check version-only-publish-setup-exits-0 test "$(setup_rc)" = 0
check version-only-publish-files-no-request no_request
check version-only-publish-records-the-version test "$(ini "$C/SMS.INI" CopyListVersion)" = "$new"
check version-only-publish-no-change-id test "$(val 'Change Id')" = "$id0"

L publish "$dir" --program SMSAPPS >/dev/null
check program-publish-setup-exits-0 test "$(setup_rc)" = 0
check program-publish-files-no-request no_request
check program-publish-copies-the-program has_version SMSAPPS.EXE 1.2.1
check program-publish-asks-nothing test -z "$(val 'Reboot Required')$(val 'Logoff Required')"

L publish "$dir" --service INV32CLI >/dev/null
check service-publish-setup-exits-10 test "$(setup_rc)" = 10
check service-publish-files-a-request test -f "$SH/CCR.BOX/LAB00001.CCR"
check service-waits-for-the-manager has_version INV32CLI.EXE 1.2.0
check manager-pass-exits-0 test "$(ccm_rc)" = 0
check manager-deletes-the-request no_request
check manager-installs-the-service has_version INV32CLI.EXE 1.2.1
check manager-records-the-version test "$(val 'Installed Version' INV32CLI)" = 1.2.1
check manager-asks-a-restart test "$(val 'Reboot Required')" = 1
check manager-names-the-change test "$(val 'Changed Components')" = "Inventory Agent 1.2.1"
check manager-new-change-id test "$(val 'Change Id')" -gt "$id0"

L publish "$dir" --prompt 0 --service PCMSVC32 >/dev/null
L setup "$dir" >/dev/null 2>&1
wine reg delete 'HKLM\SOFTWARE\Microsoft\SMS\Client Services' /v 'Reboot Required' /f >/dev/null 2>&1
check prompt-0-manager-pass test "$(ccm_rc)" = 0
check prompt-0-installs has_version PCMSVC32.EXE 1.2.1
check prompt-0-asks-no-restart test -z "$(val 'Reboot Required')"
check prompt-0-reaches-the-client test "$(val 'Prompt for Restart')" = 0

L inventory "$dir" >/dev/null
check inventory-drops-a-raw test "$(ls "$C/MS/SMS/INVDATA" | grep -c '\.RAW$')" = 1
check inventory-leaves-no-tmp test "$(ls "$C/MS/SMS/INVDATA" | grep -c '\.TMP$')" = 0
check env-prints-the-prefix grep -q "WINEPREFIX='$dir/prefix'" <(L env "$dir")
check publish-refuses-a-program-as-service bash -c "! '$lab' publish '$dir' --service SMSAPPS 2>/dev/null"
if finish; then rm -rf "$dir" "$dir.init.log"; exit 0; fi
exit 1
