#!/usr/bin/env bash
# The digits network (docs/eval.md): the data set is there, training is deterministic
# and accurate, the weight file round-trips and malformed ones are refused (exit 2,
# message naming file and line), `logq eval --quick` prints a table whose float row is
# the trained accuracy, and the MAC model's dot products equal an independent exact
# computation (and a deliberately broken model is caught).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/evalgen.bash"
DATA=$BUILD/data/digits.csv
# Documented threshold of the float network's test accuracy (docs/eval.md).
THRESHOLD=95.00

if [ -f "$DATA" ] && [ "$(wc -l <"$DATA")" -eq 1797 ] &&
   [ "$(sha256sum "$DATA" | cut -d' ' -f1)" = 6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8 ]; then
    ok "data: $DATA has 1797 images and the recorded checksum"
else
    bad "data: $DATA missing or wrong (make data)"
    exit 1
fi

# Training: deterministic for a seed, and accurate.
if ! "$LOGQ" train --data "$DATA" --seed 7 -o "$tmp/w.txt" >"$tmp/t1.out" 2>&1; then
    bad "train exit status"; cat "$tmp/t1.out"; exit 1
fi
cp "$tmp/w.txt" "$tmp/w1.txt"
"$LOGQ" train --data "$DATA" --seed 7 -o "$tmp/w.txt" >"$tmp/t2.out" 2>&1
if cmp -s "$tmp/w.txt" "$tmp/w1.txt" && cmp -s "$tmp/t1.out" "$tmp/t2.out"; then
    ok "train: same seed, byte-identical weights and output"
else
    bad "train: same seed gave different weights"
fi
"$LOGQ" train --data "$DATA" --seed 8 -o "$tmp/w8.txt" >/dev/null 2>&1
if ! cmp -s <(grep -v '^#' "$tmp/w8.txt") <(grep -v '^#' "$tmp/w.txt"); then
    ok "train: another seed, other weights"
else
    bad "train: seed ignored"
fi
acc=$(sed -n 's/^test accuracy: \([0-9.]*\) %$/\1/p' "$tmp/t1.out")
if [ -n "$acc" ] && awk -v a="$acc" -v t="$THRESHOLD" 'BEGIN { exit !(a >= t) }'; then
    ok "train: float test accuracy $acc % >= $THRESHOLD %"
else
    bad "train: float test accuracy '$acc' below $THRESHOLD %"; cat "$tmp/t1.out"
fi

# Quick eval: the float row is the trained accuracy (the weight file round-trips: the
# loaded network classifies exactly like the trained one), and the MAC model's dot
# products of 3 test images equal the independent exact computation.
if "$LOGQ" eval --data "$DATA" --weights "$tmp/w.txt" --quick --check 3 >"$tmp/e.out" 2>&1; then
    ok "eval --quick --check 3 runs"
else
    bad "eval --quick --check 3 failed"; tail -20 "$tmp/e.out"
fi
row=$(grep '^| float |' "$tmp/e.out")
# Every cell of the row, as a number: exactly the trained accuracy, and at least one.
float_row_is() { # ROW ACC
    awk -F'|' -v a="$2" '{ n = 0; for (i = 3; i < NF; i++) { c = $i; gsub(/ /, "", c);
        if (c != a) exit 1; n++ } exit !(n >= 1) }' <<<"$1"
}
if float_row_is '| float | 89.08 | 80.90 | 0.0 |' 98.00 || ! float_row_is '| float | 98.00 | 98.00 |' 98.00; then
    bad "eval: the float-row check itself is wrong"
else
    ok "eval: the float-row check refuses '| float | 89.08 | 80.90 | 0.0 |' for 98.00"
fi
if [ -n "$row" ] && float_row_is "$row" "$acc" &&
   grep -q "^float test accuracy: $acc %" "$tmp/e.out"; then
    ok "eval: float row equals the trained accuracy $acc %"
else
    bad "eval: float row '$row' is not $acc %"
fi
for s in linear log2 logsqrt2 slq-L2 slq-L3; do
    if grep -Eq "^\| $s \| [0-9]+\.[0-9]{2} \| [0-9]+\.[0-9]{2} \| [0-9]+\.[0-9]{2} \|$" "$tmp/e.out"; then
        ok "eval: row $s"
    else
        bad "eval: row $s missing"
    fi
done
if grep -Eq '^check: [1-9][0-9]* MAC dot products .* 0 mismatches$' "$tmp/e.out"; then
    ok "eval: MAC model equals the independent exact dot products ($(grep -o "[0-9]* MAC dot" "$tmp/e.out" | cut -d" " -f1) dot products)"
else
    bad "eval: MAC check"; grep -E '^(check|MISMATCH)' "$tmp/e.out" | head
fi
"$LOGQ" eval --data "$DATA" --weights "$tmp/w.txt" --quick --check 10 --fault >"$tmp/f.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^MISMATCH: ' "$tmp/f.out"; then
    ok "eval: the check catches a deliberately broken MAC model (--fault)"
else
    bad "eval: --fault not caught (exit $rc)"
fi

# Gradient quantization runs and changes training.
"$LOGQ" train --data "$DATA" --seed 7 --epochs 3 -o "$tmp/g0.txt" >/dev/null 2>&1
for q in log2 linear; do
    if "$LOGQ" train --data "$DATA" --seed 7 --epochs 3 --grad-quant $q --grad-bits 5 \
        -o "$tmp/g.txt" >"$tmp/g.out" 2>&1 && grep -q "gradients $q 5 bits" "$tmp/g.out" &&
       ! cmp -s <(grep -v '^#' "$tmp/g.txt") <(grep -v '^#' "$tmp/g0.txt"); then
        ok "train --grad-quant $q --grad-bits 5"
    else
        bad "train --grad-quant $q"
    fi
done

# Malformed weight files: exit 2, nothing on stdout, stderr names file:line and value.
refused() { eval_refuses weights "$@"; } # NAME WORDS... ; the file is $tmp/m.txt
W=$tmp/w.txt
# line numbers of the file: 2 header comments, then logq-nn, layers, layer, rows...
sed 's/^logq-nn 1$/logq-nn 2/' "$W" >"$tmp/m.txt"; refused "bad magic" "$tmp/m.txt:3:" "logq-nn 1"
sed '6s/ [^ ]*$//' "$W" >"$tmp/m.txt"; refused "short row" "$tmp/m.txt:6:" "expected 64 numbers, got 63"
sed '7s/^[^ ]*/0.5x/' "$W" >"$tmp/m.txt"; refused "not a number" "$tmp/m.txt:7:" "'0.5x'"
sed '8s/^[^ ]*/nan/' "$W" >"$tmp/m.txt"; refused "nan" "$tmp/m.txt:8:" "'nan'"
sed '9s/ [^ ]* / inf /' "$W" >"$tmp/m.txt"; refused "inf" "$tmp/m.txt:9:" "value 2 'inf'"
sed 's/^layer 32 10 linear$/layer 31 10 linear/' "$W" >"$tmp/m.txt"; refused "layer widths disagree" "layer 2 has 31 inputs but layer 1 has 32 outputs"
sed 's/^layer 64 32 relu$/layer 64 32 tanh/' "$W" >"$tmp/m.txt"; refused "unknown activation" "'tanh'"
sed 's/^layers 2$/layers 9/' "$W" >"$tmp/m.txt"; refused "layer count" "$tmp/m.txt:4:" "'layers 9'"
head -n 40 "$W" >"$tmp/m.txt"; refused "truncated" "unexpected end of file"
{ cat "$W"; echo "1 2 3"; } >"$tmp/m.txt"; refused "text after end" "after 'end'" "'1 2 3'"
sed 's/^layer 64 32 relu$/layer 65 32 relu/' "$W" >"$tmp/m.txt"; refused "wrong input width" "expected 65 numbers, got 64"
rm -f "$tmp/m.txt"; refused "missing file" "cannot open $tmp/m.txt"
if "$LOGQ" train --grad-quant cubic >"$tmp/o" 2>"$tmp/e"; then bad "bad --grad-quant"; else
    [ $? -eq 2 ] && grep -q "'cubic'" "$tmp/e" && ok "train --grad-quant cubic refused" || bad "bad --grad-quant message"; fi
if "$LOGQ" eval --bits 3,x >"$tmp/o" 2>"$tmp/e"; then bad "bad --bits"; else
    [ $? -eq 2 ] && grep -q "'x'" "$tmp/e" && ok "eval --bits 3,x refused" || bad "bad --bits message"; fi
