# shellcheck shell=bash
# tests/msi/lib.sh: helpers shared by the MSI and policy test scripts
# (sourced, not run): TAP-like "ok"/"not ok" lines with a count, msiinfo
# table lookups and Wine path and registry helpers.

pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() {
    fail=$((fail + 1)); echo "not ok - $1"
    shift
    [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
    return 0
}
# check NAME COMMAND...: ok when the command succeeds.
check() {
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}
finish() {
    echo "# $pass passed, $fail failed"
    [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}
need() {
    command -v "$1" >/dev/null && return 0
    echo "not ok - $1 is installed ($2)"
    exit 1
}

# msi_table MSI TABLE: the table's rows as tab-separated text, without
# msiinfo's three header lines (column names, types, table name and keys).
msi_table() {
    msiinfo export "$1" "$2" | tr -d '\r' | tail -n +4
}
# msi_property MSI NAME: one Property table value.
msi_property() {
    msi_table "$1" Property | awk -F'\t' -v n="$2" '$1 == n { print $2; exit }'
}

# winpath UNIX_PATH: the path as Wine programs see it (Z: is the Unix root).
winpath() {
    local x="Z:$1"
    printf '%s' "${x//\//\\}"
}
# reg_value KEY NAME: the data of a registry value as "TYPE<tab>DATA", empty
# when it is absent. wine reg prints "    NAME    TYPE    DATA".
reg_value() {
    wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' \
        | awk -v n="$2" '{ line = $0; sub(/^ +/, "", line) }
            index(line, n "    ") == 1 {
                rest = substr(line, length(n) + 5); sub(/^ +/, "", rest)
                type = rest; sub(/ .*/, "", type)
                data = substr(rest, length(type) + 1); sub(/^ +/, "", data)
                print type "\t" data; exit }'
}
# products_named NAME: "PRODUCTCODE<tab>VERSION" for each installed product
# whose Add/Remove Programs entry has DisplayName NAME.
products_named() {
    wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null \
        | tr -d '\r' | awk -v n="$1" '
            /^HKEY_/ { if (name == n) print key "\t" ver; key = $0; sub(/.*\\/, "", key); name = ""; ver = ""; next }
            $1 == "DisplayName" { name = $0; sub(/^ *DisplayName +REG_SZ +/, "", name) }
            $1 == "DisplayVersion" { ver = $0; sub(/^ *DisplayVersion +REG_SZ +/, "", ver) }
            END { if (name == n) print key "\t" ver }'
}
