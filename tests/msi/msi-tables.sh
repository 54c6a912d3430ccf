#!/usr/bin/env bash
# msi-tables.sh: what the built package says it will do, read back from its
# tables with msiinfo, without installing it: the two programs and nothing
# else (and the service's copy of climon.exe, in its optional feature), the
# all-users Run entry in the 64-bit registry, per-machine into
# Program Files\Climon, the version CMake defines, and the Upgrade rows that
# make a newer package replace an older one.
#   msi-tables.sh <Climon-N.msi> <Climon-N.msi rebuilt> <Climon-N+1.msi> <N>
#                 <climon.exe> <climon-check.exe>
set -u
msi=$1 msi_again=$2 msi_next=$3 version=$4 climon=$5 checkexe=$6
. "$(dirname "$0")/lib.sh"
need msiinfo "Debian's msitools"

[ -f "$msi" ] || { echo "not ok - package $msi exists (the wine.msi.build fixture makes it)"; exit 1; }

# --- File: exactly climon.exe and climon-check.exe, at their built sizes.
files=$(msi_table "$msi" File)
file_row() { awk -F'\t' -v f="$1" '$3 == f || $3 ~ ("\\|" f "$")' <<<"$files"; }
for pair in "climon.exe:$climon" "climon-check.exe:$checkexe" "climon-service.exe:$climon"; do
    name=${pair%%:*} src=${pair#*:}
    row=$(file_row "$name")
    size=$(cut -f4 <<<"$row")
    if [ -n "$row" ] && [ "$size" = "$(stat -c %s "$src")" ]; then
        ok "File table holds $name at the size of the built program"
    else
        not_ok "File table holds $name at the size of the built program" "row: $row" "built: $(stat -c %s "$src")"
    fi
done
nfiles=$(grep -c . <<<"$files")
check "File table holds no file but the two programs and the service's copy ($nfiles rows)" [ "$nfiles" -eq 3 ]

# --- The service (issue 13.3): an optional feature, off by default, whose
# component's key file is climon-service.exe, started as "/service",
# automatic, LocalSystem; Windows Installer starts it at install, stops it
# before any change and removes it with the feature.
comps=$(msi_table "$msi" Component)
svc=$(msi_table "$msi" ServiceInstall)
svc_comp=$(awk -F'\t' '$2 == "Climon" { print $12 }' <<<"$svc")
check "ServiceInstall installs Climon as its own process, automatic, LocalSystem, /service" \
    bash -c 'awk -F"\t" "\$2 == \"Climon\" && \$4 == 16 && \$5 == 2 && \$9 == \"LocalSystem\" && \$11 == \"/service\"" <<<"$1" | grep -q .' _ "$svc"
key=$(awk -F'\t' -v c="$svc_comp" '$1 == c { print $6 }' <<<"$comps")
check "the service's component has climon-service.exe as its key file ($svc_comp: $key)" \
    bash -c '[ -n "$1" ] && grep -qP "^\Q$1\E\t[^\t]*\t([^|\t]*\|)?climon-service.exe\t" <<<"$2"' _ "$key" "$files"
ctl=$(msi_table "$msi" ServiceControl)
check "ServiceControl starts it at install, stops it at install and removal, deletes it at removal" \
    bash -c 'awk -F"\t" "\$2 == \"Climon\" && \$3 == 163" <<<"$1" | grep -q .' _ "$ctl"
feats=$(msi_table "$msi" Feature)
check "the Service feature is off by default (level 1000 over INSTALLLEVEL 1)" \
    bash -c 'awk -F"\t" "\$1 == \"Service\" && \$6 == 1000" <<<"$1" | grep -q .' _ "$feats"
check "the Service feature holds only the service's component" \
    bash -c '[ "$(awk -F"\t" "\$1 == \"Service\" { print \$2 }" <<<"$1")" = "$2" ]' _ "$(msi_table "$msi" FeatureComponents)" "$svc_comp"

# --- Directory: INSTALLDIR is "Climon" under the 64-bit Program Files.
dirs=$(msi_table "$msi" Directory)
check "INSTALLDIR is Climon under ProgramFiles64Folder" \
    grep -qxP 'INSTALLDIR\tProgramFiles64Folder\t([^|\t]*\|)?Climon' <<<"$dirs"
comps=$(msi_table "$msi" Component)
check "every component installs into INSTALLDIR" \
    bash -c '[ -n "$1" ] && ! awk -F"\t" "\$3 != \"INSTALLDIR\"" <<<"$1" | grep -q .' _ "$comps"

# --- Registry: HKLM (root 2) Run value "Climon" = "[INSTALLDIR]climon.exe" quoted.
regs=$(msi_table "$msi" Registry)
run_row=$(awk -F'\t' '$2 == 2 && $3 == "Software\\Microsoft\\Windows\\CurrentVersion\\Run" && $4 == "Climon"' <<<"$regs")
run_value=$(cut -f5 <<<"$run_row")
want_value='"[INSTALLDIR]climon.exe"'
if [ "$run_value" = "$want_value" ]; then
    ok "Registry table has HKLM Run value Climon = $want_value"
else
    not_ok "Registry table has HKLM Run value Climon = $want_value" "registry rows:" "$regs"
fi
# 256 = msidbComponentAttributes64bit: written to the 64-bit view, not
# WOW6432Node, where the 64-bit agent's own /install writes it too.
run_comp=$(cut -f6 <<<"$run_row")
attrs=$(awk -F'\t' -v c="$run_comp" '$1 == c { print $4 }' <<<"$comps")
check "the Run entry's component is 64-bit (attributes $attrs)" \
    bash -c '[ -n "$1" ] && [ $(( $1 & 256 )) -ne 0 ]' _ "$attrs"

# --- Property: per-machine, version from CMake, an UpgradeCode.
check "ALLUSERS is 1 (per-machine)" [ "$(msi_property "$msi" ALLUSERS)" = 1 ]
got=$(msi_property "$msi" ProductVersion)
check "ProductVersion is the CMake project version $version (got $got)" [ "$got" = "$version" ]
check "package file name carries the version" [ "$(basename "$msi")" = "Climon-$version-x64.msi" ]
upcode=$(msi_property "$msi" UpgradeCode)
check "UpgradeCode is a GUID ($upcode)" \
    grep -qxE '\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}' <<<"$upcode"
icon=$(msi_property "$msi" ARPPRODUCTICON)
icons=$(msi_table "$msi" Icon | cut -f1)
check "Add/Remove Programs shows an icon the package holds ($icon)" \
    bash -c '[ -n "$1" ] && grep -qxF "$1" <<<"$2"' _ "$icon" "$icons"
# The template names the platform: "x64;1033" or Windows Installer treats
# the package as 32-bit and refuses ProgramFiles64Folder.
check "summary template is x64" bash -c 'msiinfo suminfo "$1" | tr -d "\r" | grep -qx "Template: x64;1033"' _ "$msi"

# --- Upgrade: a row that finds older versions (VersionMax = this version,
# not only detect) and one that detects newer ones to refuse a downgrade.
ups=$(msi_table "$msi" Upgrade)
older=$(awk -F'\t' -v u="$upcode" -v v="$version" '$1 == u && $2 == "" && $3 == v && int($5) % 4 < 2' <<<"$ups")
newer=$(awk -F'\t' -v u="$upcode" -v v="$version" '$1 == u && $2 == v && $3 == "" && int($5) % 4 >= 2' <<<"$ups")
if [ -n "$older" ] && [ -n "$newer" ]; then
    ok "Upgrade table removes older versions and detects newer ones"
else
    not_ok "Upgrade table removes older versions and detects newer ones" "rows:" "$ups"
fi
seq=$(msi_table "$msi" InstallExecuteSequence)
check "RemoveExistingProducts is scheduled" grep -qP '^RemoveExistingProducts\t' <<<"$seq"
check "a newer version is refused (LaunchCondition on the downgrade property)" \
    bash -c 'msiinfo export "$1" LaunchCondition | grep -q "NOT WIX_DOWNGRADE_DETECTED"' _ "$msi"

# --- The next version's package is the same product line, a new product.
if [ -f "$msi_next" ]; then
    check "the newer package has the same UpgradeCode" [ "$(msi_property "$msi_next" UpgradeCode)" = "$upcode" ]
    check "the newer package has a new ProductCode" \
        [ "$(msi_property "$msi_next" ProductCode)" != "$(msi_property "$msi" ProductCode)" ]
else
    not_ok "the newer package exists" "$msi_next"
fi
# A rebuild of one version is the same product (build-msi derives the
# ProductCode from the version), so it can never be installed beside itself.
if [ -f "$msi_again" ]; then
    check "a rebuild of $version has the same ProductCode" \
        [ "$(msi_property "$msi_again" ProductCode)" = "$(msi_property "$msi" ProductCode)" ]
    check "a rebuild of $version is a new package (its own revision UUID)" \
        [ "$(msiinfo suminfo "$msi_again" | grep '^Revision')" != "$(msiinfo suminfo "$msi" | grep '^Revision')" ]
else
    not_ok "the rebuilt package exists" "$msi_again"
fi

finish
