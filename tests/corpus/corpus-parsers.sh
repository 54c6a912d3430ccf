#!/usr/bin/env bash
# corpus-parsers.sh: every file of the hostile input corpus through the
# core's parsers (corpus_run), natively, under ASan, or as .exe under Wine;
# each outcome must be the one tests/corpus/expected.tsv names, and no
# writer invariant may break (corpus_run exits 3 then).
#   corpus-parsers.sh native|wine <corpus_run> <work dir>
set -u
MODE=$1 DRIVER=$2 WORK=$3
. "$(dirname "$0")/corpus-lib.sh"

rm -rf "$WORK" && mkdir -p "$WORK"
corpus_materialize "$WORK/files" || { echo "not ok - corpus could not be laid out"; exit 1; }

mapfile -t rows < <(manifest_rows)
[ "${#rows[@]}" -ge 60 ] || not_ok "the manifest names ${#rows[@]} files, fewer than 60"

# Files in the corpus that the manifest forgets are a test nobody runs.
for f in "$WORK"/files/*/*; do
    rel=${f#"$WORK/files/"}
    grep -q "^$rel	" "$CORPUS_DIR/expected.tsv" || not_ok "$rel is in the corpus but not in expected.tsv"
done

# Batches keep each Wine command line well under 32767 characters and pay
# Wine's start-up once per batch rather than once per file.
batch=40
for ((i = 0; i < ${#rows[@]}; i += batch)); do
    args=() files=() want=()
    for row in "${rows[@]:i:batch}"; do
        IFS=$'\t' read -r file parser expected <<<"$row"
        [ -f "$WORK/files/$file" ] || { not_ok "$file: listed in expected.tsv but missing"; continue; }
        args+=("$parser" "$(winp "$WORK/files/$file")")
        files+=("$file") want+=("$expected")
    done
    [ ${#args[@]} -gt 0 ] || continue
    rc=0
    runp "$DRIVER" "${args[@]}" >"$WORK/out" 2>"$WORK/err" || rc=$?
    mapfile -t got < <(tr -d '\r' <"$WORK/out")
    for ((k = 0; k < ${#files[@]}; k++)); do
        if [ "${got[k]:-}" = "${want[k]}" ]; then
            ok "${files[k]}: ${want[k]}"
        else
            not_ok "${files[k]}: got '${got[k]:-<nothing>}', want '${want[k]}'"
        fi
    done
    if [ "$rc" != 0 ] || wine_crashed "$WORK/err"; then
        not_ok "corpus_run exited $rc on batch $((i / batch + 1))"
        sed 's/^/#   /' "$WORK/err"
    fi
done
finish
