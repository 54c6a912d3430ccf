#!/usr/bin/env bash
# msi-wine.sh: the package installed for real by Windows Installer under
# Wine, in a Wine prefix of its own (WINEPREFIX from the environment, made
# by msi-prefix.sh) so the Run entry it writes never reaches the prefix the
# agent's own tests use.
#   msi-wine.sh prefix                        make the prefix anew
#   msi-wine.sh install <msi> <msi rebuilt> <climon.exe> <climon-check.exe>
#       msiexec /i /qn lays down both programs and the Run value, a rebuild
#       of the same version adds no second product; /x /qn removes them and
#       leaves SMS.INI and CLIMON.LOG alone
#   msi-wine.sh upgrade <msi N> <msi N+1>
#       N+1 over N leaves one product, N+1; N over N+1 is refused
#   msi-wine.sh service <msi> <climon.exe>
#       ADDLOCAL=Climon,Service adds the service Climon, running, from
#       climon-service.exe /service; /x stops and removes it with the rest
set -u
mode=$1; shift
. "$(dirname "$0")/lib.sh"
: "${WINEPREFIX:?WINEPREFIX must name a prefix of this test alone}"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
need wine "Debian's wine"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

RUN_KEY='HKLM\Software\Microsoft\Windows\CurrentVersion\Run'

if [ "$mode" = prefix ]; then
    # A server left from an earlier run of this prefix only (the variable
    # scopes wineserver -k to it) would hold on to the deleted folder.
    wineserver -k 2>/dev/null || true
    rm -rf "$WINEPREFIX"
    check "wineboot made the prefix" bash -c 'wineboot -i >/dev/null 2>&1 && wineserver -w'
    check "the prefix has a 64-bit Program Files" [ -d "$WINEPREFIX/drive_c/Program Files" ]
    finish
    exit
fi

# msiexec ACTION MSI [PROPERTY=VALUE...]: runs it silently with a verbose
# log; prints the log's last lines when it fails. Wine passes only the low
# 8 bits of the exit code.
n_log=0
msiexec() {
    n_log=$((n_log + 1))
    local log=$logs/msi-$n_log.log rc action=$1 pkg=$2
    shift 2
    # 1618 (82 in the low 8 bits): the last test's msiexec is still
    # ending under load; Windows Installer asks to try again later.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        wine msiexec "$action" "$(winpath "$pkg")" "$@" /qn /l*v "$(winpath "$log")" >/dev/null 2>&1
        rc=$?
        [ $rc = 82 ] || break
        sleep 1
    done
    [ $rc = 0 ] || echo "#   msiexec $action exit $rc" >&2
    [ $rc -ne 0 ] && [ -f "$log" ] && iconv -f UTF-16LE -t UTF-8 "$log" 2>/dev/null | tr -d '\r' \
        | grep -iE 'error|return value 3|failed' | tail -n 15 | sed 's/^/#   log: /' >&2
    return $rc
}

# Where 64-bit programs go in this prefix, as Windows and as Unix paths.
pf_win=$(wine cmd /c 'echo %ProgramFiles%' 2>/dev/null | tr -d '\r' | tail -n1)
pf_unix=$(winepath -u "$pf_win" 2>/dev/null | tr -d '\r')
[ -n "$pf_win" ] && [ -d "$pf_unix" ] || { echo "not ok - Program Files found in the prefix ($pf_win)"; exit 1; }
installdir=$pf_unix/Climon
want_run="REG_SZ	\"$pf_win\\Climon\\climon.exe\""

case $mode in
install)
    msi=$1 msi_again=$2 climon=$3 checkexe=$4
    # What belongs to the SMS client, not to the package: uninstall must
    # leave it. Paths as docs/protocol.md gives them (C:\SMS.INI, the log
    # under SMSPath\LOGS).
    c=$WINEPREFIX/drive_c
    mkdir -p "$c/MS/SMS/LOGS"
    printf '[SMS]\r\nCopyListVersion=835643765\r\nSMSPath=C:\\MS\\SMS\r\n' >"$c/SMS.INI"
    printf 'a log line the agent wrote\r\n' >"$c/MS/SMS/LOGS/CLIMON.LOG"
    cp "$c/SMS.INI" "$logs/SMS.INI.before"
    cp "$c/MS/SMS/LOGS/CLIMON.LOG" "$logs/CLIMON.LOG.before"

    check "the prefix starts without Climon" \
        bash -c '[ ! -e "$1" ] && [ -z "$2" ]' _ "$installdir" "$(reg_value "$RUN_KEY" Climon)"

    check "msiexec /i /qn succeeds" msiexec /i "$msi"
    check "the service is not installed by default" \
        bash -c '[ ! -e "$1/climon-service.exe" ] && ! wine sc query Climon 2>/dev/null | grep -q SERVICE_NAME' _ "$installdir"
    check "climon.exe is installed in Program Files\\Climon, byte for byte" cmp -s "$climon" "$installdir/climon.exe"
    check "climon-check.exe is installed beside it, byte for byte" cmp -s "$checkexe" "$installdir/climon-check.exe"
    got=$(reg_value "$RUN_KEY" Climon)
    if [ "$got" = "$want_run" ]; then
        ok "the all-users Run value Climon starts the installed climon.exe"
    else
        not_ok "the all-users Run value Climon starts the installed climon.exe" "got:  $got" "want: $want_run"
    fi
    version=$(msi_property "$msi" ProductVersion)
    products=$(products_named Climon)
    check "Add/Remove Programs lists Climon $version once" [ "$(cut -f2 <<<"$products")" = "$version" ]
    # Windows answers 1638 (this product is installed) and Wine 0: either
    # way there must be one product afterwards, not two.
    msiexec /i "$msi_again" 2>/dev/null
    products=$(products_named Climon)
    check "installing a rebuild of $version leaves one product" [ "$(cut -f2 <<<"$products")" = "$version" ]

    check "msiexec /x /qn succeeds" msiexec /x "$msi"
    check "uninstall removes both programs and the Climon folder" [ ! -e "$installdir" ]
    check "uninstall removes the Run value" [ -z "$(reg_value "$RUN_KEY" Climon)" ]
    check "uninstall removes the product" [ -z "$(products_named Climon)" ]
    check "uninstall leaves SMS.INI as it was" cmp -s "$logs/SMS.INI.before" "$c/SMS.INI"
    check "uninstall leaves CLIMON.LOG as it was" cmp -s "$logs/CLIMON.LOG.before" "$c/MS/SMS/LOGS/CLIMON.LOG"
    ;;
upgrade)
    old=$1 new=$2
    old_code=$(msi_property "$old" ProductCode) new_code=$(msi_property "$new" ProductCode)
    old_ver=$(msi_property "$old" ProductVersion) new_ver=$(msi_property "$new" ProductVersion)
    # An earlier failed run may have left either installed.
    msiexec /x "$new" 2>/dev/null; msiexec /x "$old" 2>/dev/null
    check "the prefix starts without Climon" [ -z "$(products_named Climon)" ]

    check "version $old_ver installs" msiexec /i "$old"
    check "Climon $old_ver is the product installed" \
        [ "$(products_named Climon)" = "$old_code	$old_ver" ]

    check "version $new_ver installs over it" msiexec /i "$new"
    products=$(products_named Climon)
    if [ "$products" = "$new_code	$new_ver" ]; then
        ok "one product is left, Climon $new_ver"
    else
        not_ok "one product is left, Climon $new_ver" "installed:" "$products"
    fi
    check "the Run value survives the upgrade" [ "$(reg_value "$RUN_KEY" Climon)" = "$want_run" ]
    check "climon.exe is still installed after the upgrade" [ -f "$installdir/climon.exe" ]
    check "climon-check.exe is still installed after the upgrade" [ -f "$installdir/climon-check.exe" ]

    if msiexec /i "$old" 2>/dev/null; then
        not_ok "version $old_ver is refused over $new_ver"
    else
        ok "version $old_ver is refused over $new_ver"
    fi
    check "Climon $new_ver is still the one product" [ "$(products_named Climon)" = "$new_code	$new_ver" ]

    check "msiexec /x of $new_ver succeeds" msiexec /x "$new"
    check "nothing of Climon is left" bash -c '[ ! -e "$1" ] && [ -z "$2" ] && [ -z "$3" ]' _ \
        "$installdir" "$(reg_value "$RUN_KEY" Climon)" "$(products_named Climon)"
    ;;
service)
    msi=$1 climon=$2
    msiexec /x "$msi" 2>/dev/null
    check "the prefix starts without the service" bash -c '! wine sc query Climon 2>/dev/null | grep -q SERVICE_NAME'
    check "msiexec /i ADDLOCAL=Climon,Service succeeds" msiexec /i "$msi" ADDLOCAL=Climon,Service
    check "climon-service.exe is installed, byte for byte climon.exe" cmp -s "$climon" "$installdir/climon-service.exe"
    check "the tray agent's program and Run value are there too" \
        bash -c '[ -f "$1/climon.exe" ] && [ "$2" = "$3" ]' _ "$installdir" "$(reg_value "$RUN_KEY" Climon)" "$want_run"
    check "Windows Installer started the service" \
        bash -c 'for i in $(seq 40); do wine sc query Climon 2>/dev/null | grep -q RUNNING && exit 0; sleep 0.5; done; exit 1'
    # Windows Installer quotes the program of a ServiceInstall; Wine's msi
    # does not, and the service quotes its own command line at its start.
    image=$(reg_value 'HKLM\System\CurrentControlSet\Services\Climon' ImagePath)
    check "the service's command line is the full quoted path with /service ($image)" \
        grep -qiF "\"$pf_win\\Climon\\climon-service.exe\" /service" <<<"$image"
    check "msiexec /x succeeds with the service running" msiexec /x "$msi"
    check "uninstall stops and removes the service" bash -c '! wine sc query Climon 2>/dev/null | grep -q SERVICE_NAME'
    # The service's process may still be ending when msiexec deletes its
    # program: give it a moment, then say what was left.
    wait_gone() { for _ in $(seq 20); do [ ! -e "$1" ] && return 0; sleep 0.5; done; ls -la "$1" | sed 's/^/#   left: /'; return 1; }
    check "uninstall removes the Climon folder" wait_gone "$installdir"
    check "uninstall removes the product" [ -z "$(products_named Climon)" ]
    rm -rf "$installdir" # whatever happened, the next test starts clean
    ;;
*)
    echo "usage: msi-wine.sh prefix | install MSI MSI_REBUILT CLIMON CHECK | upgrade MSI_N MSI_N+1 | service MSI CLIMON" >&2
    exit 64
    ;;
esac

finish
