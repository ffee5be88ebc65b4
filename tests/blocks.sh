#!/usr/bin/env bash
# The block descriptors (gen/blocks/block.h) against what the generators do: for every
# block, the files its --help lists, the files the "wrote" line names and the files
# on disk are the same (with and without --tb); every port of NAME.txt has its bit
# layout and NAME.h its macros; the options table of the docs page is current. Bad
# options are refused (exit 2, the value named, nothing written, no directory left),
# and a write that fails part-way changes nothing (issue 18).
. "$(dirname "$0")/lib.sh"

# block|options that make a valid configuration|docs page
blocks=(
    "mac||docs/mac.md"
    "mac|--mode loglog --lanes 3 --name m3|docs/mac.md"
    "logacc|--lanes 5 --exp-bits 6|docs/logacc.md"
    "slqdec|--bits 5 --framing tag|docs/slq.md"
    "slqdec|--bits 4 --max-words 3 --framing special --name dec|docs/slq.md"
    "slqmac|--bits 5 --lanes 3|docs/slq.md"
    "quant||docs/quant.md"
    "logdot||docs/logdot.md"
    "slqdot||docs/slqdot.md"
)

# The files a help text lists (NAME replaced by the module), in order.
help_files() { # help-text module tb
    awk -v m="$2" -v tb="$3" '
        /^Files written to DIR/ { on = 1; next }
        on && /^$/ { exit }
        on && /^  [^ ]/ { f = $1; sub(/NAME/, m, f); if (!tb && (f ~ /_tb\.v$/ || /  with --tb: /)) next; print f }
    ' <<<"$1"
}

n=0
for b in "${blocks[@]}"; do
    IFS='|' read -r block opts page <<<"$b"
    n=$((n + 1))
    help=$("$LOGQ" gen "$block" --help)
    for tb in 0 1; do
        d=$tmp/$n-$block-$tb
        # shellcheck disable=SC2086
        if ! "$LOGQ" gen "$block" $opts $([ $tb = 1 ] && echo --tb) -o "$d" >"$d.out" 2>&1; then
            bad "$block: gen failed"; cat "$d.out"; continue
        fi
        wrote=$(sed -n "s|^logq gen $block: wrote ||p" "$d.out" | tr ' ' '\n' | sed "s|^$d/||")
        module=$(basename "$(echo "$wrote" | grep '\.txt$')" .txt)
        listed=$(help_files "$help" "$module" $tb)
        disk=$(cd "$d" && ls | sort)
        if [ -n "$wrote" ] && [ "$wrote" = "$listed" ] && [ "$(sort <<<"$wrote")" = "$disk" ]; then
            ok "$block (--tb $tb): --help, the wrote line and the disk name the same $(wc -l <<<"$wrote") files"
        else
            bad "$block (--tb $tb): file lists differ"
            paste <(echo "$listed") <(echo "$wrote") <(echo "$disk") | sed 's/^/  help|wrote|disk: /'
        fi
    done
    # Every port of NAME.txt has a line in its layout section, packed buses their lanes.
    txt=$tmp/$n-$block-0/$module.txt
    ports=$(awk '/^ports:/ { on = 1; getline; next } on && /^$/ { exit } on { print $1 }' "$txt")
    layout=$(awk '/^layout/ { on = 1; next } on && /^$/ { exit } on { print }' "$txt")
    missing=""
    for p in $ports; do
        line=$(awk -v p="$p" '$1 == p' <<<"$layout")
        w=$(awk -v p="$p" '/^ports:/ { on = 1 } on && $1 == p { print $3; exit }' "$txt")
        if [ -z "$line" ]; then missing="$missing $p"
        elif [ "$w" -gt 1 ] && ! grep -qE '\[|lanes' <<<"$line"; then missing="$missing $p(no bits)"; fi
    done
    if [ -n "$ports" ] && [ -z "$missing" ]; then
        ok "$block: every port of $module.txt has its layout ($(wc -w <<<"$ports") ports)"
    else
        bad "$block: ports without layout in $module.txt:$missing"
    fi
    # NAME.h has the macros of every packed bus's lanes.
    h=$tmp/$n-$block-0/$module.h
    packed=$(awk '/ lanes x / { print $1 }' <<<"$layout")
    nolanes=""
    for p in $packed; do
        P=$(tr a-z A-Z <<<"$p")
        grep -q "_PORT_${P}_LANE_BITS " "$h" || nolanes="$nolanes $p"
    done
    if [ -z "$nolanes" ]; then ok "$block: $module.h has the lane layout of every packed port"
    else bad "$block: $module.h lacks the lane layout of:$nolanes"; fi
    # The docs page's options table is what the descriptor prints.
    if "$root/scripts/docs_options.sh" "$LOGQ" "$block" "$root/$page" --check; then
        ok "$block: the options table of $page is current"
    else
        bad "$block: the options table of $page is stale (make docs-options)"
    fi
done

# ---- options accepted that should be refused (issue 18) ----
refused() { # name word-in-message block args...
    local name=$1 word=$2
    shift 2
    rm -rf "$tmp/none"
    "$LOGQ" gen "$@" -o "$tmp/none" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$word" "$tmp/err" && [ ! -e "$tmp/none" ] && [ ! -s "$tmp/out" ]; then
        ok "refused: $name (exit 2, names '$word', nothing written)"
    else
        bad "refused: $name (exit $rc)"; cat "$tmp/err"
    fi
}
refused "mac --pipeline ''" "--pipeline ''" mac --pipeline ""
refused "mac --pipeline ,," "--pipeline ',,'" mac --pipeline ,,
refused "mac --pipeline none,full" "none,full" mac --pipeline none,full
refused "mac --pipeline product," "product," mac --pipeline product,
refused "mac --lanes 16 --pipeline tree:9" "tree:9" mac --lanes 16 --pipeline tree:9
refused "mac --scheme log2 --base sqrt2" "--base sqrt2" mac --scheme log2 --base sqrt2
refused "mac --bits 10 --act-bits 32 says the limit" "--bits is at most 9" mac --bits 10 --act-bits 32
refused "mac unknown option names an existing command" "see 'logq gen mac --help'" mac --frobnicate
refused "logacc --pipeline ''" "--pipeline ''" logacc --pipeline ""
refused "logacc --pipeline input," "input," logacc --pipeline input,
refused "logacc --lanes 4 --pipeline tree:3" "tree:3" logacc --lanes 4 --pipeline tree:3
refused "logacc unknown option" "see 'logq gen logacc --help'" logacc --frobnicate
refused "slqdec unknown option" "see 'logq gen slqdec --help'" slqdec --bits 5 --framing tag --frobnicate
refused "slqmac unknown option" "see 'logq gen slqmac --help'" slqmac --bits 5 --frobnicate
refused "slqdec --framing bogus" "'bogus'" slqdec --bits 5 --framing bogus
refused "slqdec --scheme log2" "'log2'" slqdec --bits 5 --framing tag --scheme log2
refused "slqmac without --bits" "--bits" slqmac --lanes 2
# Every command's unknown-option message names a help command that exists.
for cmd in quant study "slq encode" "slq decode" train eval wavediff logacc-study \
    "gen mac" "gen logacc" "gen slqdec" "gen slqmac" \
    "vectors mac" "vectors logacc" "vectors slqdec" "vectors slqmac"; do
    # shellcheck disable=SC2086
    (cd "$tmp" && "$LOGQ" $cmd --frobnicate -o "$tmp/none" >/dev/null 2>"$tmp/err")
    rc=$?
    named=$(sed -n "s/^logq: see 'logq \(.*\) --help'\$/\1/p" "$tmp/err")
    # shellcheck disable=SC2086
    if [ $rc -eq 2 ] && [ "$named" = "$cmd" ] && "$LOGQ" $named --help >/dev/null 2>&1; then
        ok "logq $cmd --frobnicate: exit 2, names 'logq $named --help', which exists"
    else
        bad "logq $cmd --frobnicate: exit $rc, names '$named'"; cat "$tmp/err"
    fi
done
rm -rf "$tmp/v"
"$LOGQ" vectors mac --frobnicate -o "$tmp/v" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF "see 'logq vectors mac --help'" "$tmp/err" && [ ! -e "$tmp/v" ]; then
    ok "vectors: an unknown option names 'logq vectors mac --help'"
else bad "vectors: unknown option (exit $rc)"; cat "$tmp/err"; fi
"$LOGQ" gen mac -o "" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF -- "-o ''" "$tmp/err"; then ok "gen mac -o '' is a bad option (exit 2)"
else bad "gen mac -o '' (exit $rc)"; cat "$tmp/err"; fi
"$LOGQ" vectors mac -o "" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF -- "-o ''" "$tmp/err"; then ok "vectors mac -o '' is a bad option (exit 2)"
else bad "vectors mac -o '' (exit $rc)"; cat "$tmp/err"; fi

# ---- all or nothing ----
# A file that cannot be replaced (a directory in its place) part-way through: exit 1
# and every file as before, no temporary left.
o=$tmp/aon
"$LOGQ" gen mac --lanes 4 -o "$o" >/dev/null
rm "$o/logq_mac.gtkw"
mkdir "$o/logq_mac.gtkw"
(cd "$o" && find . -type f | sort | xargs md5sum) >"$tmp/before"
"$LOGQ" gen mac --lanes 8 -o "$o" >"$tmp/out" 2>"$tmp/err"
rc=$?
(cd "$o" && find . -type f | sort | xargs md5sum) >"$tmp/after"
if [ $rc -eq 1 ] && cmp -s "$tmp/before" "$tmp/after" && grep -q "no file in" "$tmp/err"; then
    ok "a failed write changes no file (the .v, .h, .f already replaced are restored)"
else
    bad "a failed write left the directory changed (exit $rc)"; cat "$tmp/err"
    diff "$tmp/before" "$tmp/after" | head
fi
if [ -z "$(find "$o" -name '*.tmp' -o -name '*.old')" ]; then ok "no temporary file is left"
else bad "temporaries left: $(find "$o" -name '*.tmp' -o -name '*.old')"; fi
# A path through a file: exit 1, and the directories made on the way are removed.
mkdir -p "$tmp/p" && touch "$tmp/p/file"
(cd "$tmp/p" && "$LOGQ" gen mac -o new/a/../../file/x >/dev/null 2>"$tmp/err")
rc=$?
if [ $rc -eq 1 ] && [ ! -e "$tmp/p/new" ]; then ok "a failed -o leaves no directory behind (new/a)"
else bad "a failed -o (exit $rc) left: $(ls "$tmp/p")"; cat "$tmp/err"; fi
# The same for logq vectors.
(cd "$tmp/p" && "$LOGQ" vectors mac --count 3 -o new/b/../../file/y >/dev/null 2>"$tmp/err")
rc=$?
if [ $rc -eq 1 ] && [ ! -e "$tmp/p/new" ]; then ok "vectors: a failed -o leaves no directory behind"
else bad "vectors: a failed -o (exit $rc) left: $(ls "$tmp/p")"; cat "$tmp/err"; fi
