#!/usr/bin/env bash
# e2e-lab.sh: the fixture of the end-to-end and fault suites. Lays out a
# lab (scripts/lab init: site share, client, first install done) in the
# suite's folder, puts the agent where a client has it (C:\MS\SMS\BIN\
# CLIMON.EXE), sends every window of the prefix into a virtual desktop
# named e2e, and snapshots the result at rest for each scenario to start
# from (e2e-lib.sh, restore_lab).
#   e2e-lab.sh     (environment: CLIMON_BUILD, E2E_LAB, E2E_ART, E2E_SRC, E2E_SITE)
set -u
. "$(dirname "$0")/e2e-lib.sh"

for f in "$CLIMON_BUILD/src/climon/climon.exe" "$CLIMON_BUILD/src/site/clisetup.exe" \
    "$CLIMON_BUILD/src/site/ccm.exe" "$INSPECT" "$RECORDER"; do
    [ -f "$f" ] || { echo "not ok - $f is not built"; exit 1; }
done
case $E2E_LAB in */tests/e2e/*) ;; *) echo "not ok - refusing to remove $E2E_LAB"; exit 1 ;; esac
if [ -d "$WINEPREFIX" ]; then timeout 20 wineserver -k 2>/dev/null; timeout 20 wineserver -w 2>/dev/null; fi
rm -rf "$E2E_LAB"
mkdir -p "$E2E_ART"
"$LABCMD" init "$E2E_LAB" --site "$SITE" || { echo "not ok - lab init failed"; exit 1; }
cp -f "$CLIMON_BUILD/src/climon/climon.exe" "$C/MS/SMS/BIN/CLIMON.EXE"
wine reg add 'HKCU\Software\Wine\Explorer' /v Desktop /d e2e /f >/dev/null 2>&1
wine reg add 'HKCU\Software\Wine\Explorer\Desktops' /v e2e /d 1024x768 /f >/dev/null 2>&1
timeout 60 wineserver -w 2>/dev/null

mkdir -p "$SNAP"
cp -f "$WINEPREFIX"/*.reg "$SNAP/"
cp -a "$C/MS" "$SNAP/MS"
cp -f "$C/SMS.INI" "$SNAP/SMS.INI"
cp -a "$E2E_LAB/site" "$SNAP/site"
echo "ok - $SITE lab laid out and snapshotted in $E2E_LAB (CopyListVersion $(ini "$C/SMS.INI" CopyListVersion))"
