# corpus-lib.sh: helpers shared by the corpus test scripts (sourced, not run).
#
# The corpus lives in tests/corpus/{smsini,clnt,ccr,clistatus}; expected.tsv names each
# file, its parser, the outcome the core must give, and why the file is
# there. Files too big to commit are *.recipe files expanded at test time
# (corpus_materialize), so every script sees the same bytes.
#
# Recipe lines (after '#' comments):
#   text STRING        STRING with printf %b escapes (\r, \n, \xHH, \000)
#   repeat N STRING    STRING written N times
# The file made is the recipe's name without ".recipe".

CORPUS_DIR=${CORPUS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ] && [ "$pass" -gt 0 ]; }

# N copies of a chunk, by doubling (a 10 MB line costs a dozen cats, not
# ten million printfs).
repeat_chunk() { # N STRING OUT
    local n=$1 chunk=$2 out=$3 size need acc
    acc=$(mktemp)
    printf '%b' "$chunk" >"$acc"
    size=$(stat -c %s "$acc")
    need=$((n * size))
    while [ "$(stat -c %s "$acc")" -lt "$need" ]; do
        cat "$acc" "$acc" >"$acc.2" && mv "$acc.2" "$acc"
    done
    head -c "$need" "$acc" >>"$out"
    rm -f "$acc"
}

expand_recipe() { # RECIPE OUT
    local line re_text='^text (.*)$' re_rep='^repeat ([0-9]+) (.*)$'
    : >"$2"
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in '#'* | '') continue ;; esac
        if [[ $line =~ $re_rep ]]; then
            repeat_chunk "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "$2"
        elif [[ $line =~ $re_text ]]; then
            printf '%b' "${BASH_REMATCH[1]}" >>"$2"
        else
            echo "corpus: bad recipe line in $1: $line" >&2
            return 1
        fi
    done <"$1"
}

# Copies the corpus into DEST (same layout), expanding recipes.
corpus_materialize() { # DEST
    local dest=$1 f rel
    mkdir -p "$dest/smsini" "$dest/clnt" "$dest/ccr" "$dest/clistatus"
    for f in "$CORPUS_DIR"/smsini/* "$CORPUS_DIR"/clnt/* "$CORPUS_DIR"/ccr/* "$CORPUS_DIR"/clistatus/*; do
        rel=${f#"$CORPUS_DIR"/}
        case $f in
        *.recipe) expand_recipe "$f" "$dest/${rel%.recipe}" || return 1 ;;
        *) cp "$f" "$dest/$rel" ;;
        esac
    done
}

# The manifest's rows: "file<TAB>parser<TAB>expected" per line, comments
# dropped. Optional PARSER keeps only that parser's rows.
manifest_rows() { # [PARSER]
    awk -F '\t' -v want="${1:-}" '/^#/ || NF < 3 { next } want == "" || $2 == want { print $1 "\t" $2 "\t" $3 }' \
        "$CORPUS_DIR/expected.tsv"
}

# Paths as a Windows program sees them: Wine maps / to Z:.
winp() {
    if [ "${MODE:-native}" = wine ]; then local x="Z:$1"; printf '%s' "${x//\//\\}"; else printf '%s' "$1"; fi
}

runp() { # PROGRAM ARGS...: natively or under Wine
    if [ "${MODE:-native}" = wine ]; then wine "$@"; else "$@"; fi
}

# TRUE when a run under Wine never reached the program: the wineserver
# went away under the client ("wine client error: ... Connection reset by
# peer", seen under a loaded machine as the prefix's server shut down at
# the moment a new process connected). Such a run proves nothing either way.
wine_transport_failed() { # STDERR-FILE
    [ "${MODE:-native}" = wine ] && grep -q '^wine client error:' "$1"
}

# TRUE when a run under Wine printed nothing at all and did not crash:
# climon-check prints its four lines on every path that exits 0, 1 or 2,
# so such a run never reached the program (seen once in a full make test:
# exit 1, no output, nothing on stderr; not again in five runs alone).
wine_never_printed() { # STDOUT STDERR-FILE
    [ "${MODE:-native}" = wine ] && [ -z "$1" ] && ! wine_crashed "$2"
}

# "version=ok:835643765 copylist=..." -> 835643765; "version=unknown:..." -> unknown
version_of_outcome() {
    local v=${1#version=}
    v=${v%% *}
    case $v in ok:*) printf '%s' "${v#ok:}" ;; *) printf 'unknown' ;; esac
}

# A crash under Wine prints this on stderr whatever the exit status.
wine_crashed() { # STDERR-FILE
    grep -q -e 'Unhandled exception' -e 'Unhandled page fault' -e 'wine: Assertion' \
        -e 'err:seh' -e 'stack overflow' "$1"
}
