#!/usr/bin/env bash
# The conv network (issue 15, docs/eval.md "The convolutional network", "Weight
# file"): `logq train --arch conv` is deterministic and accurate and writes the
# documented layers; `logq eval --quick` runs it through the same table, its float
# row is the trained accuracy, every MAC dot product of 3 test images (conv windows
# included) equals the independent exact computation and a broken model is caught;
# --hw prints the integer table; malformed conv layers are refused with their line and value
# (one check per kind), and so are bad train options. The conv arithmetic itself is
# tests/unit/test_conv.c (run by tests/unit.sh); the full table: tests/long/nn_conv_full.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/evalgen.bash"
DATA=$BUILD/data/digits.csv
# Documented threshold of the conv network's test accuracy (docs/eval.md).
THRESHOLD=97.00

if [ ! -f "$DATA" ]; then
    bad "data: $DATA missing (make data)"
    exit 1
fi

# Training: the default conv network, twice with one seed, once with another.
if ! "$LOGQ" train --data "$DATA" --arch conv --seed 3 -o "$tmp/c.txt" >"$tmp/t1.out" 2>&1; then
    bad "train --arch conv exit status"; cat "$tmp/t1.out"; exit 1
fi
"$LOGQ" train --data "$DATA" --arch conv --seed 3 -o "$tmp/c2.txt" >"$tmp/t2.out" 2>&1
if cmp -s <(grep -v '^#' "$tmp/c.txt") <(grep -v '^#' "$tmp/c2.txt") &&
   cmp -s <(grep -v '^weights:' "$tmp/t1.out") <(grep -v '^weights:' "$tmp/t2.out"); then
    ok "train --arch conv: same seed, byte-identical weights and output"
else
    bad "train --arch conv: same seed gave different weights"
fi
"$LOGQ" train --data "$DATA" --arch conv --seed 4 --epochs 2 -o "$tmp/c4.txt" >/dev/null 2>&1
"$LOGQ" train --data "$DATA" --arch conv --seed 3 --epochs 2 -o "$tmp/c3.txt" >/dev/null 2>&1
if ! cmp -s <(grep -v '^#' "$tmp/c4.txt") <(grep -v '^#' "$tmp/c3.txt"); then
    ok "train --arch conv: another seed, other weights"
else
    bad "train --arch conv: seed ignored"
fi
acc=$(sed -n 's/^test accuracy: \([0-9.]*\) %$/\1/p' "$tmp/t1.out")
if [ -n "$acc" ] && awk -v a="$acc" -v t="$THRESHOLD" 'BEGIN { exit !(a >= t) }'; then
    ok "train --arch conv: float test accuracy $acc % >= $THRESHOLD % (seed 3)"
else
    bad "train --arch conv: float test accuracy '$acc' below $THRESHOLD %"; cat "$tmp/t1.out"
fi
if [ "$(grep -E '^(layers|layer|conv) ' "$tmp/c.txt" | tr '\n' ';')" = \
     "layers 3;conv 1 8 8 16 3 3 relu pool2;layer 144 32 relu;layer 32 10 linear;" ] &&
   [ "$(grep -c . "$tmp/c.txt")" -eq $((2 + 2 + 1 + 16 + 1 + 1 + 32 + 1 + 1 + 10 + 1 + 1)) ]; then
    ok "train --arch conv: the documented layers (conv 1 8 8 16 3 3 relu pool2, 144-32, 32-10)"
else
    bad "train --arch conv: layers"; grep -E '^(layers|layer|conv) ' "$tmp/c.txt"
fi
"$LOGQ" train --data "$DATA" --arch conv --pool 1 --hidden 0 --channels 4 --kernel 5 \
    --epochs 2 -o "$tmp/p1.txt" >"$tmp/p1.out" 2>&1
if [ "$(grep -E '^(layer|conv) ' "$tmp/p1.txt" | tr '\n' ';')" = \
     "conv 1 8 8 4 5 5 relu pool1;layer 64 10 linear;" ]; then
    ok "train --arch conv --pool 1 --hidden 0 --channels 4 --kernel 5: conv 1 8 8 4 5 5, 64-10"
else
    bad "train --arch conv options"; cat "$tmp/p1.out"
fi
if "$LOGQ" train --data "$DATA" --arch conv --epochs 2 --grad-quant log2 -o "$tmp/g.txt" \
    >"$tmp/g.out" 2>&1 && grep -q "gradients log2 5 bits" "$tmp/g.out" &&
   ! cmp -s <(grep -v '^#' "$tmp/g.txt") <(grep -v '^#' "$tmp/c3.txt"); then
    ok "train --arch conv --grad-quant log2"
else
    bad "train --arch conv --grad-quant log2"
fi

# Quick eval of the conv network.
if "$LOGQ" eval --data "$DATA" --weights "$tmp/c.txt" --quick --check 3 --hw >"$tmp/e.out" 2>&1; then
    ok "eval --quick --check 3 --hw on the conv network runs"
else
    bad "eval on the conv network failed"; tail -20 "$tmp/e.out"
fi
row=$(grep '^| float |' "$tmp/e.out")
if [ -n "$row" ] && awk -F'|' -v a="$acc" '{ n = 0; for (i = 3; i < NF; i++) { c = $i;
       gsub(/ /, "", c); if (c != a) exit 1; n++ } exit !(n == 3) }' <<<"$row" &&
   grep -q "^float test accuracy: $acc %" "$tmp/e.out"; then
    ok "eval: the conv network's float row equals the trained accuracy $acc %"
else
    bad "eval: float row '$row' is not $acc %"
fi
rows=$(grep -Ec '^\| (linear|log2|logsqrt2|slq-L2|slq-L3)( \| [0-9]+\.[0-9]{2}){3} \|$' "$tmp/e.out")
if [ "$rows" -eq 5 ]; then ok "eval conv: the 5 scheme rows"; else bad "eval conv: $rows scheme rows of 5"; fi
if grep -q '^| logsqrt2 | W+A | 4 | [-0-9]* / [-0-9]* | [-0-9]* / [-0-9]* | [-0-9]* / [-0-9]* |$' "$tmp/e.out"; then
    ok "eval conv: FSRs chosen for each of the 3 layers"
else
    bad "eval conv: FSR table"
fi
# 3 images: W+A (4 MAC schemes) + shift mode (4): 8 cells x 3 x (576 + 32 + 10) dot products
n=$(sed -n 's/^check: \([0-9]*\) MAC dot products .* 0 mismatches$/\1/p' "$tmp/e.out")
if [ "$n" = $((8 * 3 * (576 + 32 + 10))) ]; then
    ok "eval conv: the MAC model equals the independent exact dot products ($n, 13824 of them conv windows)"
else
    bad "eval conv: MAC check '$n'"; grep -E '^(check|MISMATCH)' "$tmp/e.out" | head
fi
# the integer network of a conv layer: gen/nn/hw.c, tests/net_conv.sh
if grep -q '^| log2 | linear | integer (hw) |' "$tmp/e.out" && grep -q '^hw-fsr log2 linear ' "$tmp/e.out"; then
    ok "eval --hw on a conv network: the integer table and its hw-fsr lines"
else
    bad "eval --hw on a conv network: no integer table"
fi
# The fault breaks the last lane: 4 lanes put conv window terms 3 and 7 there.
"$LOGQ" eval --data "$DATA" --weights "$tmp/c.txt" --quick --calib 100 --lanes 4 --check 2 --fault \
    >"$tmp/f.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^MISMATCH: .* layer 1, ' "$tmp/f.out"; then
    ok "eval conv: the check catches a deliberately broken MAC model in the conv layer (--fault)"
else
    bad "eval conv: --fault not caught (exit $rc)"
fi

# RTL proof of the conv layer (docs/eval.md, "RTL proof"): the beats and sums of its
# 576 window dot products per image (logsqrt2 x logsqrt2, 5 bits) through the MAC RTL
# of `logq gen mac` under Icarus; a corrupted expected sum is caught.
X=$tmp/cx
if "$LOGQ" eval --data "$DATA" --weights "$tmp/c.txt" --quick --calib 100 --bits 5 --export-layer 1 \
       --export-scheme logsqrt2 --export-images 2 -o "$X" >"$tmp/x1.out" 2>&1 &&
   grep -q "^export: layer 1 (64 inputs, 144 outputs; 576 dot products of 9 terms per image), the first 2 test images: 1152 beats, 1152 dot products" "$tmp/x1.out" &&
   "$LOGQ" gen mac $(grep -v '^#' "$X/mac.args") -o "$tmp/cxr" >/dev/null 2>&1 &&
   "$root/sim/icarus/run.sh" "$tmp/cxr" "$X" >"$tmp/xi.log" 2>&1 && grep -q '^PASSED' "$tmp/xi.log"; then
    ok "icarus: the MAC RTL gives exactly eval's 1152 conv window sums of layer 1 (logsqrt2, 5 bits)"
else
    bad "icarus: conv layer export"; tail -5 "$tmp/x1.out" "$tmp/xi.log"
fi
cp -r "$X" "$tmp/cxbad"
line=$(grep -nv '^//' "$X/out.hex" | sed -n '300p' | cut -d: -f1)
sed "${line}s/.\$/$(sed -n "${line}p" "$X/out.hex" | tail -c 2 | tr 0-9a-f 1032547698badcfe)/" "$X/out.hex" >"$tmp/cxbad/out.hex"
if ! "$root/sim/icarus/run.sh" "$tmp/cxr" "$tmp/cxbad" >"$tmp/xb.log" 2>&1 && grep -q '^FAILED' "$tmp/xb.log" &&
   [ "$(grep -c '^MISMATCH' "$tmp/xb.log")" -eq 1 ]; then
    ok "icarus: one corrupted conv window sum (line $line of out.hex) is caught"
else
    bad "icarus: corrupted conv sum not caught"; tail -5 "$tmp/xb.log"
fi

# --layers 1: only the conv layer quantized, its dot products all through the MAC.
if "$LOGQ" eval --data "$DATA" --weights "$tmp/c.txt" --quick --calib 100 --layers 1 --check 2 \
    >"$tmp/l1.out" 2>&1 &&
   grep -q '^quantized layers (--layers): 1; the others compute in double$' "$tmp/l1.out" &&
   grep -q '^| log2 | W+A | 4 | [-0-9]* / [-0-9]* | - / - | - / - |$' "$tmp/l1.out" &&
   grep -q "^check: $((8 * 2 * 576)) MAC dot products .* 0 mismatches$" "$tmp/l1.out"; then
    ok "eval --layers 1: only the conv layer quantized (FSRs of layer 1 only, 9216 conv dot products checked)"
else
    bad "eval --layers 1"; grep -E '^(quantized|check|logq:)' "$tmp/l1.out"
fi
for l in 4 0 1,x; do
    if "$LOGQ" eval --data "$DATA" --weights "$tmp/c.txt" --layers $l >/dev/null 2>"$tmp/le"; then
        bad "eval --layers $l accepted"
    else
        [ $? -eq 2 ] && grep -q -- "--layers" "$tmp/le" && ok "eval --layers $l refused" ||
            { bad "eval --layers $l message"; cat "$tmp/le"; }
    fi
done

# Malformed conv layers: exit 2, nothing on stdout, stderr names file:line and value.
# The file: 2 header comments, logq-nn (3), layers (4), conv (5), 16 kernels (6-21),
# biases (22), layer 144 32 relu (23), ...
refused() { eval_refuses conv "$@"; } # NAME WORDS... ; the file is $tmp/m.txt
C=$tmp/c.txt
L="conv 1 8 8 16 3 3 relu pool2"
conv() { sed "s/^$L\$/$1/" "$C" >"$tmp/m.txt"; }
conv "conv 1 8 8 16 3 3 relu"; refused "token count" "$tmp/m.txt:5:" "'conv 1 8 8 16 3 3 relu'"
conv "conv 1 8 8 0 3 3 relu pool2"; refused "zero size" "$tmp/m.txt:5:" "OUT_CH '0'"
conv "conv 1 8 8 16 3 3.5 relu pool2"; refused "not an integer" "$tmp/m.txt:5:" "KW '3.5'"
conv "conv 1 8 8 16 3 3 relu pool3"; refused "unknown pool" "$tmp/m.txt:5:" "'pool3'"
conv "conv 1 8 8 16 3 3 tanh pool2"; refused "unknown activation" "$tmp/m.txt:5:" "'tanh'"
conv "conv 1 8 8 16 2 3 relu pool2"; refused "odd map with pool2" "$tmp/m.txt:5:" "got 7x6" "'conv 1 8 8 16 2 3 relu pool2'"
conv "conv 1 8 8 16 9 3 relu pool2"; refused "kernel larger than the map" "$tmp/m.txt:5:" "kernel 9x3"
conv "conv 1 8 8 65 3 3 relu pool2"; refused "too many channels" "$tmp/m.txt:5:" "OUT_CH 65"
conv "conv 1 8 8 16 3 3 relu pool1"; refused "mismatch with the next layer" "$tmp/m.txt:23:" "layer 2 has 144 inputs but layer 1 has 576 outputs"
sed '6s/ [^ ]*$//' "$C" >"$tmp/m.txt"; refused "short kernel row" "$tmp/m.txt:6:" "layer 1 weights of output channel 1: expected 9 numbers, got 8"
sed '22s/ [^ ]*$//' "$C" >"$tmp/m.txt"; refused "short bias row" "$tmp/m.txt:22:" "layer 1 biases: expected 16 numbers, got 15"
sed '7s/^[^ ]*/0x1p-1/' "$C" >"$tmp/m.txt"; refused "not a number" "$tmp/m.txt:7:" "'0x1p-1'"
# conv after conv whose sizes do not chain; conv after dense; conv last
{ sed -n '1,3p' "$C"; echo "layers 3"; sed -n '5,22p' "$C"; echo "conv 16 3 4 2 1 1 relu pool1"; } >"$tmp/m.txt"
refused "mismatch with the previous conv" "$tmp/m.txt:23:" "layer 2 has 192 inputs (16x3x4) but layer 1 has 144 outputs"
{ sed -n '1,3p' "$C"; echo "layers 2"; echo "layer 64 2 relu"; for i in 1 2; do seq -s' ' 64; done; echo "0 0";
  echo "conv 2 1 1 1 1 1 linear pool1"; } >"$tmp/m.txt"
refused "conv after dense" "$tmp/m.txt:9:" "layer 2 is conv after the dense layer 1"
{ sed -n '1,3p' "$C"; echo "layers 1"; sed -n '5,22p' "$C"; echo end; } >"$tmp/m.txt"
refused "conv last" "$tmp/m.txt:5:" "the last layer (1) is conv"
# A command that takes dense layers only names the conv line.
if "$LOGQ" export --weights "$C" --scheme log2 -o "$tmp/ex" >"$tmp/x.out" 2>"$tmp/x.err"; then
    bad "export of a conv network accepted"
else
    [ $? -eq 2 ] && grep -qF "$C:5: layer 1 is a conv layer ('$L')" "$tmp/x.err" && [ ! -e "$tmp/ex" ] &&
        ok "export refuses the conv layer with its line" || { bad "export conv message"; cat "$tmp/x.err"; }
fi

# Bad train options: exit 2, the value named.
topt() { # NAME EXPECT OPTIONS...
    local name=$1 want=$2
    shift 2
    if "$LOGQ" train --data "$DATA" "$@" -o "$tmp/bad.txt" >"$tmp/o" 2>"$tmp/e"; then
        bad "train $name accepted"
    else
        [ $? -eq 2 ] && grep -qF -- "$want" "$tmp/e" && [ ! -e "$tmp/bad.txt" ] &&
            ok "train $name refused" || { bad "train $name message"; cat "$tmp/e"; }
    fi
}
topt "--arch cnn" "'cnn'" --arch cnn
topt "--pool 3" "--pool" --arch conv --pool 3
topt "--channels 65" "--channels" --arch conv --channels 65
topt "--kernel 2 (odd map for the pool)" "got 7x7" --arch conv --kernel 2
topt "--input-shape 1x8" "'1x8'" --arch conv --input-shape 1x8
topt "--input-shape 2x8x8" "2x8x8 has 128 values; the data has 64 features" --arch conv --input-shape 2x8x8
topt "--pool 1 --channels 64" "the conv layer has 2304 outputs" --arch conv --pool 1 --channels 64

# The same paths under ASan+UBSan (a short run: 1 epoch, 30 test images).
ASAN=$BUILD/asan/logq
if [ ! -x "$ASAN" ]; then
    bad "asan: $ASAN is missing (make $ASAN)"
elif "$ASAN" train --data "$DATA" --arch conv --epochs 1 -o "$tmp/a.txt" >"$tmp/a.out" 2>&1 &&
     "$ASAN" eval --data "$DATA" --weights "$tmp/a.txt" --bits 3 --calib 20 --passes 0 --test 30 \
         --check 2 --hw >"$tmp/ae.out" 2>&1 &&
     grep -Eq '^check: [1-9][0-9]* MAC dot products .* 0 mismatches$' "$tmp/ae.out"; then
    ok "asan: train --arch conv and eval --check of the conv network"
else
    bad "asan: train/eval of the conv network"; tail -5 "$tmp/a.out" "$tmp/ae.out"
fi
conv "conv 1 8 8 16 2 3 relu pool2"
if "$ASAN" eval --data "$DATA" --weights "$tmp/m.txt" --quick >/dev/null 2>"$tmp/am.err"; then
    bad "asan: malformed conv accepted"
else
    [ $? -eq 2 ] && grep -q "m.txt:5:" "$tmp/am.err" && ok "asan: malformed conv refused" ||
        { bad "asan: malformed conv"; head -3 "$tmp/am.err"; }
fi
