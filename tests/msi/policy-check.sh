#!/usr/bin/env bash
# policy-check.sh: the Group Policy template agrees with itself and with the
# agent's code.
#   policy-check.sh wellformed <admx> <adml>
#       both files are well-formed XML (xmllint --noout)
#   policy-check.sh values <admx> <agent-src-dir> <protocol.h>
#       every value the agent reads from its policy key has a policy in the
#       ADMX, of the same registry type, and every value the ADMX sets is
#       one the agent reads; every policy is a machine policy on the key
#       protocol.h names
#   policy-check.sh ids <admx> <adml>
#       every $(string.*) and $(presentation.*) the ADMX uses is defined in
#       the ADML, every element has a box in its presentation and every box
#       belongs to an element
#
# The agent's side is read from src/climon/*.c, where each policy value is
# read by a call of the form config_policy_sz(L"Name", ...) or
# config_policy_dword(L"Name", ...) (config.c), or pick(switch, L"Name",
# ...), config.c's switch-then-policy order for a text value; a direct read of
# REG_POLICY_KEY with a literal name is caught too. REG_SZ values map to
# <text> elements, REG_DWORD values to <decimal>, <boolean> or <enum>
# elements or to a policy-level valueName with <decimal> enabled/disabled
# values.
set -u
mode=$1; shift
. "$(dirname "$0")/lib.sh"
need xmllint "Debian's libxml2-utils"

# attrs FILE XPATH: the values of the attributes XPATH selects, one a line.
attrs() {
    xmllint --xpath "$2" "$1" 2>/dev/null | grep -oP '="\K[^"]*' | sort -u
}
el() { printf '*[local-name()="%s"]' "$1"; }

case $mode in
wellformed)
    for f in "$@"; do
        if out=$(xmllint --noout "$f" 2>&1); then
            ok "$(basename "$f") is well-formed XML"
        else
            not_ok "$(basename "$f") is well-formed XML" "$out"
        fi
    done
    ;;

values)
    admx=$1 src=$2 protocol=$3
    # The agent: "sz Name" / "dword Name" for each policy value it reads.
    # config.c's pick(switch, L"Name", ...) reads Name with config_policy_sz.
    agent=$( (cat "$src"/*.c 2>/dev/null | tr '\n' ' ' | grep -oP 'config_policy_(sz|dword)\s*\(\s*L"[^"]+"' \
        | sed -E 's/config_policy_(sz|dword)\s*\(\s*L"([^"]+)"/\1 \2/'
        cat "$src"/*.c 2>/dev/null | tr '\n' ' ' | grep -oP '\bpick\s*\([^,()]*,\s*L"\K[^"]+' | sed 's/^/sz /') | sort -u)
    direct=$(cat "$src"/*.c 2>/dev/null | tr '\n' ' ' | grep -oP 'REG_POLICY_KEY\s*,\s*L"\K[^"]+' | sort -u)
    for d in $direct; do
        grep -q " $d\$" <<<"$agent" || not_ok "the agent reads policy value $d only through config_policy_sz/_dword" \
            "a direct read of REG_POLICY_KEY names $d: its type cannot be checked here"
    done
    n=$(grep -c . <<<"$agent")
    check "the agent reads policy values ($n found in $src)" [ "$n" -gt 0 ]

    # The template.
    sz=$(attrs "$admx" "//$(el text)/@valueName | //$(el multiText)/@valueName")
    dword=$(attrs "$admx" "//$(el decimal)[@valueName]/@valueName | //$(el boolean)/@valueName | //$(el enum)/@valueName | //$(el policy)[$(el enabledValue)/$(el decimal)]/@valueName")
    template=$( (sed 's/^/sz /' <<<"$sz"; sed 's/^/dword /' <<<"$dword") | grep -v ' $' | sort -u)

    while read -r type name; do
        [ -n "$name" ] || continue
        if grep -qx "$type $name" <<<"$template"; then
            ok "agent's $name ($type) has a policy of that type"
        elif grep -q " $name\$" <<<"$template"; then
            not_ok "agent's $name ($type) has a policy of that type" "the ADMX sets it as: $(grep " $name\$" <<<"$template")"
        else
            not_ok "agent's $name ($type) has a policy of that type" "no policy in $(basename "$admx") sets $name"
        fi
    done <<<"$agent"
    while read -r type name; do
        [ -n "$name" ] || continue
        grep -q " $name\$" <<<"$agent" \
            || not_ok "the ADMX's $name is a value the agent reads" "no config_policy_*(L\"$name\") in $src/*.c"
    done <<<"$template"
    check "the ADMX sets no value the agent does not read" \
        bash -c '[ -z "$(comm -13 <(cut -d" " -f2 <<<"$1" | sort -u) <(cut -d" " -f2 <<<"$2" | sort -u))" ]' _ "$agent" "$template"

    # Key and class: the agent reads HKLM\<REG_POLICY_KEY> only.
    key=$(grep -oP '#define\s+REG_POLICY_KEY\s+L"\K[^"]+' "$protocol" | sed 's/\\\\/\\/g')
    check "protocol.h names the policy key ($key)" [ -n "$key" ]
    keys=$(attrs "$admx" "//@key")
    check "every policy writes under $key" [ "$keys" = "$key" ]
    classes=$(attrs "$admx" "//$(el policy)/@class")
    check "every policy is a machine policy (HKLM)" [ "$classes" = Machine ]
    ;;

ids)
    admx=$1 adml=$2
    # Every attribute value of the ADMX, comments left out.
    values=$(xmllint --xpath '//@*' "$admx" 2>/dev/null | grep -oP '="\K[^"]*')
    strings_used=$(grep -oP '^\$\(string\.\K[^)]+(?=\)$)' <<<"$values" | sort -u)
    pres_used=$(grep -oP '^\$\(presentation\.\K[^)]+(?=\)$)' <<<"$values" | sort -u)
    strings_def=$(attrs "$adml" "//$(el stringTable)/$(el string)/@id")
    pres_def=$(attrs "$adml" "//$(el presentationTable)/$(el presentation)/@id")

    check "the ADMX uses strings ($(grep -c . <<<"$strings_used"))" [ -n "$strings_used" ]
    missing=$(comm -23 <(echo "$strings_used") <(echo "$strings_def") | xargs)
    check "every \$(string.*) of the ADMX is in the ADML${missing:+ (missing: $missing)}" [ -z "$missing" ]
    missing=$(comm -23 <(echo "$pres_used") <(echo "$pres_def") | xargs)
    check "every \$(presentation.*) of the ADMX is in the ADML${missing:+ (missing: $missing)}" [ -z "$missing" ]

    # Each policy's elements against the boxes of its presentation.
    policies=$(attrs "$admx" "//$(el policy)/@name")
    for p in $policies; do
        ids=$(attrs "$admx" "//$(el policy)[@name='$p']/$(el elements)/*/@id")
        pres=$(attrs "$admx" "//$(el policy)[@name='$p']/@presentation" | grep -oP '^\$\(presentation\.\K[^)]+')
        if [ -z "$ids" ]; then
            check "policy $p has no elements and no presentation" [ -z "$pres" ]
            continue
        fi
        refs=$(attrs "$adml" "//$(el presentation)[@id='$pres']/*/@refId")
        if [ -n "$pres" ] && [ "$ids" = "$refs" ]; then
            ok "policy $p: each element has a box in presentation $pres"
        else
            not_ok "policy $p: each element has a box in presentation ${pres:-(none)}" "elements: $ids" "boxes: $refs"
        fi
    done
    unused=$(comm -13 <(echo "$strings_used") <(echo "$strings_def") | xargs)
    check "the ADML defines no string the ADMX does not use${unused:+ (unused: $unused)}" [ -z "$unused" ]
    ;;

*)
    echo "usage: policy-check.sh wellformed|values|ids ..." >&2
    exit 64
    ;;
esac

finish
