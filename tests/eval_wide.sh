#!/usr/bin/env bash
# eval's sums wider than 128 bits (8-bit log weights: the MAC model's output has 150
# bits): the value eval goes on with must be the exact MAC sum * 2^lsb + bias, for
# negative sums too. eval --export-layer writes both (values.txt: mac_sum in decimal,
# lsb_exp, bias, value); Python's exact integers and fractions are the reference.
# Before the fix every negative wide sum came out near +3.6e75 (2 % accuracy).
. "$(dirname "$0")/lib.sh"
DATA=$BUILD/data/digits.csv
if [ ! -f "$DATA" ]; then bad "data: $DATA missing (make data)"; exit 1; fi
command -v python3 >/dev/null || { bad "python3 is not installed"; exit 1; }
if ! "$LOGQ" train --data "$DATA" -o "$tmp/w.txt" >"$tmp/train.out" 2>&1; then
    bad "train"; cat "$tmp/train.out"; exit 1
fi
# layer 2 of log2 weights x linear activations at 8 bits (shift mode), 20 images
for l in 1 2; do
    d=$tmp/ex$l
    if ! "$LOGQ" eval --data "$DATA" --weights "$tmp/w.txt" --bits 8 --calib 200 --passes 1 \
        --export-layer $l --export-scheme log2 --export-act linear --export-images 20 -o "$d" \
        >"$d.out" 2>&1; then
        bad "eval --export-layer $l (8-bit log2 x linear)"; tail -3 "$d.out"; continue
    fi
    if python3 - "$d/values.txt" >"$d.py" 2>&1 <<'EOF'
import sys
from fractions import Fraction
n = neg = wide = bad = 0
for line in open(sys.argv[1]):
    if line.startswith('#'):
        continue
    img, out, s, lsb, bias, val = line.split()
    s, lsb = int(s), int(lsb)
    exact = Fraction(s) * Fraction(2) ** lsb + Fraction(float(bias))
    got = Fraction(float(val))
    n += 1
    neg += s < 0
    wide += abs(s) >= 2 ** 127
    if abs(got - exact) > Fraction(1, 10 ** 12) * max(1, abs(exact)):
        bad += 1
        if bad <= 3:
            print("line %s %s: sum %d * 2^%d + %s: eval %s, exact %.17g" % (img, out, s, lsb, bias, val, float(exact)))
print("%d values, %d negative sums, %d beyond 127 bits, %d wrong" % (n, neg, wide, bad))
sys.exit(0 if bad == 0 and neg > 0 and wide > 0 and n > 0 else 1)
EOF
    then ok "eval 8-bit log2 x linear, layer $l: every value = exact MAC sum * 2^lsb + bias ($(tail -1 "$d.py"))"
    else bad "eval 8-bit log2 x linear, layer $l: values differ from the exact sums ($(tail -1 "$d.py"))"; head -3 "$d.py"; fi
done
