#!/usr/bin/env bash
# The Icarus benches of `logq vectors` (docs/xsim.md): a grid of MAC configurations
# passes; a wrong model, a missing reset (X at an output), a short vector file and a
# stale vectors.vh fail with a report; bad options are refused; output is
# deterministic.
. "$(dirname "$0")/lib.sh"
RUN=$root/sim/icarus/run.sh
lq_seed icarus.sh

# The grid (PASS/FAIL lines come from all.sh); a fixed seed and a fresh one.
LOGQ=$LOGQ "$root/sim/icarus/all.sh" "$tmp/grid1" grid 1
LOGQ=$LOGQ "$root/sim/icarus/all.sh" "$tmp/grid" default "$seed"

O=(--lanes 3 --bits 4 --act-bits 5)
"$LOGQ" gen mac "${O[@]}" -o "$tmp/rtl" >/dev/null
"$LOGQ" vectors mac "${O[@]}" --count 40 --seed 9 -o "$tmp/vec" >/dev/null

# A deliberately wrong model: the bench reports the mismatch and fails.
"$LOGQ" vectors mac "${O[@]}" --count 40 --seed 9 --wrong-model -o "$tmp/wrong" >/dev/null
"$RUN" "$tmp/rtl" "$tmp/wrong" +max-errors=3 >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^MISMATCH at cycle [0-9]* ([0-9]* ps): output' "$tmp/out" &&
   grep -q 'inputs: beat [0-9]*, the last of vector' "$tmp/out" &&
   grep -q 'expected: m_sum=' "$tmp/out" && grep -q 'actual  : m_sum=' "$tmp/out" &&
   grep -q 'seed 9; rerun: logq vectors mac .*--wrong-model .*sim/icarus/run.sh' "$tmp/out" &&
   grep -q 'FAILED: 3 error(s), stopped at +max-errors=3' "$tmp/out"; then
    ok "wrong model fails with cycle, inputs, expected, actual, seed, rerun; stops at max-errors"
else bad "wrong model fails with a full report (exit $rc)"; head -20 "$tmp/out"; fi
if [ -f "$tmp/wrong/logq_mac_fail.gtkw" ] &&
   grep -q "^\*-10.000000 $(grep -m1 -o '^MISMATCH at cycle [0-9]* ([0-9]*' "$tmp/out" | grep -o '[0-9]*$') " "$tmp/wrong/logq_mac_fail.gtkw"; then
    ok "failure writes a .gtkw with the marker at the first mismatch"
else bad "failure writes a .gtkw with the marker at the first mismatch"; cat "$tmp/wrong/logq_mac_fail.gtkw"; fi

# A missing reset: m_valid is X after reset; the bench catches it.
cp -r "$tmp/rtl" "$tmp/rtl-x"
sed -i '0,/m_valid <= 1.b0;/s//m_valid <= m_valid;/' "$tmp/rtl-x/logq_mac.v"
"$RUN" "$tmp/rtl-x" "$tmp/vec" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^X/Z at cycle 5: ' "$tmp/out"; then ok "X at an output after reset fails"
else bad "X at an output after reset fails (exit $rc)"; head -8 "$tmp/out"; fi

# A short vector file, and vectors of another configuration.
cp -r "$tmp/vec" "$tmp/short"
head -n -3 "$tmp/vec/out.hex" >"$tmp/short/out.hex"
"$RUN" "$tmp/rtl" "$tmp/short" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'is short' "$tmp/out"; then ok "a short vector file fails"
else bad "a short vector file fails (exit $rc)"; head -5 "$tmp/out"; fi
"$LOGQ" vectors mac --lanes 3 --bits 5 --act-bits 5 --count 5 -o "$tmp/other" >/dev/null
cp "$tmp/vec/logq_mac_tb.v" "$tmp/other/"
"$RUN" "$tmp/rtl" "$tmp/other" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'vectors.vh is for another configuration' "$tmp/out"; then
    ok "vectors of another configuration are refused"
else bad "vectors of another configuration are refused (exit $rc)"; head -5 "$tmp/out"; fi
# The ready pattern is indexed by a mask: a line count that is not a power of two is refused.
cp -r "$tmp/vec" "$tmp/nrdy"
sed -i 's/^`define VEC_NRDY .*/`define VEC_NRDY 1000/' "$tmp/nrdy/vectors.vh"
"$RUN" "$tmp/rtl" "$tmp/nrdy" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'VEC_NRDY 1000 is not a power of two' "$tmp/out"; then
    ok "a ready pattern of 1000 lines (not a power of two) is refused"
else bad "a ready pattern of 1000 lines (not a power of two) is refused (exit $rc)"; head -5 "$tmp/out"; fi

# The count in the file is checked: claim one output more than there is.
cp -r "$tmp/vec" "$tmp/count"
n=$(grep -c '^[0-9a-f]' "$tmp/vec/out.hex")
sed -i "s/^\`define VEC_NOUT .*/\`define VEC_NOUT $((n + 1))/" "$tmp/count/vectors.vh"
echo "$n" >>"$tmp/count/out.hex"
printf '%08x\n' $((n + 1)) | sed -i "\$s/.*/$(cat)/" "$tmp/count/count.hex"
"$RUN" "$tmp/rtl" "$tmp/count" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'no output for' "$tmp/out"; then ok "fewer outputs than the count fails"
else bad "fewer outputs than the count fails (exit $rc)"; tail -5 "$tmp/out"; fi

# Deterministic: the same options give byte-identical files.
mv "$tmp/vec" "$tmp/vec1"
"$LOGQ" vectors mac "${O[@]}" --count 40 --seed 9 -o "$tmp/vec" >/dev/null
if diff -r "$tmp/vec" "$tmp/vec1" -x '*.vvp' -x '*.log' -x '*.gtkw' >/dev/null; then ok "vectors are deterministic"
else bad "vectors are deterministic"; fi
"$LOGQ" vectors mac "${O[@]}" --count 40 --seed 10 -o "$tmp/vec3" >/dev/null
if ! cmp -s "$tmp/vec/in.hex" "$tmp/vec3/in.hex"; then ok "another seed, other vectors"
else bad "another seed, other vectors"; fi

# Bad options: exit 2, a message naming the value, no file written.
refused() {
    local name=$1 word=$2
    shift 2
    rm -rf "$tmp/none"
    "$LOGQ" vectors "$@" -o "$tmp/none" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$word" "$tmp/err" && [ ! -e "$tmp/none" ]; then ok "$name"
    else bad "$name (exit $rc)"; cat "$tmp/err"; fi
}
refused "unknown block refused" "'nosuch'" nosuch
refused "--count 0 refused" "--count" mac --count 0
refused "--stall 99 refused" "--stall" mac --stall 99
refused "--seed x refused" "'x'" mac --seed x
refused "--exhaustive with 16 lanes refused" "--exhaustive" mac --exhaustive
refused "a bad MAC option refused" "--lanes" mac --lanes 999
