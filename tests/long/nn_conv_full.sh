#!/usr/bin/env bash
# make test-long: the full `logq eval` table of the default conv network (seed 1;
# docs/eval.md): 3, 4, 5 bits, all 1347 calibration images, 2 sweep passes, and every
# MAC dot product of the first 20 test images (conv windows included) recomputed
# independently: 0 mismatches of 8 cells x 3 widths x 20 images x 618 dot products.
# About 70 s of CPU.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
DATA=$BUILD/data/digits.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$LOGQ" train --data "$DATA" --arch conv -o "$tmp/c.txt" >"$tmp/t.out" 2>&1; then
    echo "FAIL: conv-full: train"; cat "$tmp/t.out"; exit 1
fi
acc=$(sed -n 's/^test accuracy: \([0-9.]*\) %$/\1/p' "$tmp/t.out")
"$LOGQ" eval --data "$DATA" --weights "$tmp/c.txt" --check 20 >"$tmp/e.out" 2>&1
rc=$?
n=$(sed -n 's/^check: \([0-9]*\) MAC dot products .* 0 mismatches$/\1/p' "$tmp/e.out")
if [ $rc -eq 0 ] && [ "$n" = $((8 * 3 * 20 * 618)) ]; then
    echo "PASS: conv-full: eval --check 20, $n MAC dot products equal the independent exact ones"
else
    echo "FAIL: conv-full: eval --check 20 (exit $rc, '$n' checked)"; grep -E '^(check|MISMATCH)' "$tmp/e.out" | head
fi
if grep -q "^| float | $acc | $acc | $acc | $acc | $acc | $acc | $acc | $acc | $acc |$" "$tmp/e.out"; then
    echo "PASS: conv-full: the float row is the trained accuracy $acc %"
else
    echo "FAIL: conv-full: float row"; grep '^| float' "$tmp/e.out"
fi
echo "rerun: $LOGQ eval --data $DATA --weights W --check 20 (W: $LOGQ train --arch conv -o W)"
