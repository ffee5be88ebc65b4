#!/usr/bin/env bash
# Command-line behaviour of `logq quant` and `logq study`: the paper's example, output
# formats, and refusal of bad options and input (exit 2, message naming the value,
# nothing printed as a result).
set -u
LOGQ=${LOGQ:-build/logq}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# PREFIX tells the sanitizer run (tests/cli-asan.sh) apart.
ok() { echo "PASS: ${PREFIX:-}$1"; }
bad() { echo "FAIL: ${PREFIX:-}$1"; }

# expect_out NAME EXPECTED-SUBSTRING CMD...
expect_out() {
    local name=$1 want=$2
    shift 2
    local out
    out=$("$@" 2>&1)
    if [ $? -eq 0 ] && grep -qF -- "$want" <<<"$out"; then ok "$name"; else
        bad "$name"; echo "  command: $*"; echo "  wanted: $want"; echo "$out" | head -5 | sed 's/^/  got: /'; fi
}

# expect_refused NAME WORD-IN-MESSAGE STDIN CMD...: exit 2, stdout empty, stderr names WORD
expect_refused() {
    local name=$1 word=$2 input=$3
    shift 3
    printf '%b' "$input" >"$tmp/in"
    "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$word" "$tmp/err"; then ok "$name"; else
        bad "$name"; echo "  command: $*  (exit $rc)"; head -3 "$tmp/out" "$tmp/err" | sed 's/^/  /'; fi
}

Q=("$LOGQ" quant)
expect_out "slq example nearest" "00001 11100  0.4375  0" \
    "${Q[@]}" --scheme slq --bits 5 --fsr 0 --max-words 3 <<<"0.4375"
expect_out "slq example floor" "00010 00011 00100  0.4375  0" \
    "${Q[@]}" --scheme slq --bits 5 --fsr 0 --max-words 3 --rounding floor <<<"0.4375"
expect_out "slq example tag framing" "100001 011100" \
    "${Q[@]}" --scheme slq --bits 5 --fsr 0 --framing tag <<<"0.4375"
expect_out "slq example special framing" "00001 10000 11100" \
    "${Q[@]}" --scheme slq --bits 5 --fsr 0 --framing special <<<"0.4375"
expect_out "log2 code and value" "01110  0.25  0.049999999999999989" \
    "${Q[@]}" --scheme log2 --bits 5 --fsr 0 <<<"0.3"
expect_out "logsqrt2 value exact" "0.35355339059327379" \
    "${Q[@]}" --scheme logsqrt2 --bits 5 --fsr 0 <<<"0.3"
expect_out "linear signed" "0010  0.25" "${Q[@]}" --scheme linear --bits 4 --fsr 0 <<<"0.3"
expect_out "unsigned clips negatives" "0000  0  1.5" \
    "${Q[@]}" --scheme log2 --bits 4 --fsr 0 --unsigned <<<"-1.5"
expect_out "csv header" "input,codes,value,abs_error" \
    "${Q[@]}" --scheme log2 --bits 5 --fsr 0 --format csv <<<"0.3"
expect_out "csv row" "0.29999999999999999,01110,0.25,0.049999999999999989" \
    "${Q[@]}" --scheme log2 --bits 5 --fsr 0 --format csv <<<"0.3"
printf '0.4375\n0.3\n# comment\n\n-0.7\n' >"$tmp/vals"
expect_out "stats mean words" "stats: mean_words 2.000000" \
    "${Q[@]}" --scheme slq --bits 5 --fsr 0 --stats "$tmp/vals"
expect_out "stats special bits" "stats: bits_per_value special 15.000000" \
    "${Q[@]}" --scheme slq --bits 5 --fsr 0 --stats "$tmp/vals"
expect_out "stats tag bits" "stats: bits_per_value tag 12.000000" \
    "${Q[@]}" --scheme slq --bits 5 --fsr 0 --stats "$tmp/vals"
expect_out "stats max error" "stats: max_abs_error" \
    "${Q[@]}" --scheme log2 --bits 5 --fsr 0 --stats "$tmp/vals"

help=$("$LOGQ" quant --help)
missing=""
for o in --scheme --bits --fsr --rounding --signed --unsigned --max-words --theta --framing \
    --format --stats; do
    grep -qF -- "$o" <<<"$help" || missing="$missing $o"
done
[ -z "$missing" ] && ok "quant --help documents every option" || bad "quant --help lacks:$missing"
"$LOGQ" --help | grep -q quant && ok "logq --help lists commands" || bad "logq --help"
"$LOGQ" --version | grep -qE '^logq [0-9]+\.[0-9]+\.[0-9]+$' && ok "logq --version" || bad "logq --version"

expect_refused "unknown scheme" "'log3'" "1\n" "${Q[@]}" --scheme log3 --bits 5 --fsr 0
expect_refused "bits too wide" "--bits 11" "1\n" "${Q[@]}" --scheme log2 --bits 11 --fsr 0
expect_refused "bits zero" "--bits 0" "1\n" "${Q[@]}" --scheme linear --bits 0 --fsr 0
expect_refused "bits not a number" "'five'" "1\n" "${Q[@]}" --scheme log2 --bits five --fsr 0
expect_refused "signed log needs 2 bits" "--bits 1" "1\n" "${Q[@]}" --scheme log2 --bits 1 --fsr 0
expect_refused "fsr not an integer" "'0.5'" "1\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 0.5
expect_refused "fsr out of range" "--fsr 5000" "1\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 5000
expect_refused "fsr too small for the width" "--fsr -900" "1\n" "${Q[@]}" --scheme log2 --bits 10 --fsr -900
expect_refused "missing scheme" "--scheme" "1\n" "${Q[@]}" --bits 5 --fsr 0
expect_refused "missing fsr" "--fsr" "1\n" "${Q[@]}" --scheme log2 --bits 5
expect_refused "unknown rounding" "'up'" "1\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 0 --rounding up
expect_refused "negative theta" "--theta -1" "1\n" "${Q[@]}" --scheme slq --bits 5 --fsr 0 --theta -1
expect_refused "theta not a number" "'abc'" "1\n" "${Q[@]}" --scheme slq --bits 5 --fsr 0 --theta abc
expect_refused "max-words out of range" "--max-words 9" "1\n" "${Q[@]}" --scheme slq --bits 5 --fsr 0 --max-words 9
expect_refused "unsigned slq" "--unsigned" "1\n" "${Q[@]}" --scheme slq --bits 5 --fsr 0 --unsigned
expect_refused "framing for log2" "--framing" "1\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 0 --framing tag
expect_refused "unknown format" "'xml'" "1\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 0 --format xml
expect_refused "unknown option" "--frobnicate" "1\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 0 --frobnicate
expect_refused "non-numeric line, nothing printed" "<stdin>:2: 'abc'" "0.5\nabc\n0.25\n" \
    "${Q[@]}" --scheme log2 --bits 5 --fsr 0
expect_refused "nan input" "'nan'" "nan\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 0
expect_refused "trailing garbage" "'1.5x'" "1.5x\n" "${Q[@]}" --scheme log2 --bits 5 --fsr 0
expect_refused "missing file" "nonexistent" "" "${Q[@]}" --scheme log2 --bits 5 --fsr 0 "$tmp/nonexistent"
expect_refused "two files" "one input file" "" "${Q[@]}" --scheme log2 --bits 5 --fsr 0 a b
expect_refused "unknown command" "'frob'" "" "$LOGQ" frob
expect_refused "study bad samples" "--samples 0" "" "$LOGQ" study --samples 0

# The study is deterministic for a seed and prints its rerun command.
a=$("$LOGQ" study --samples 20000 --seed 7 --calib 2000)
b=$("$LOGQ" study --samples 20000 --seed 7 --calib 2000)
[ "$a" = "$b" ] && grep -q "rerun: logq study --samples 20000 --seed 7" <<<"$a" &&
    ok "study deterministic with rerun line" || bad "study deterministic with rerun line"
# More SLQ words never increase a value's error (the residue shrinks every word), so
# at every width the study must show slq-L3 <= slq-L2 <= log2 in mean absolute error.
mono=$(awk '$1=="gaussian"||$1=="laplacian" {e[$1,$2,$3]=$5}
    END {for (k in e) {split(k, p, SUBSEP); if (p[3]=="log2") {
        if (!(e[p[1],p[2],"slq-L3"] <= e[p[1],p[2],"slq-L2"] && e[p[1],p[2],"slq-L2"] <= e[k])) print k}}}' <<<"$a")
[ -z "$mono" ] && ok "study: more SLQ words never increase the error" ||
    bad "study: error not monotone in SLQ words: $mono"
