#!/usr/bin/env bash
# The Icarus benches of the blocks other than the MAC (docs/xsim.md): for logacc,
# slqdec and slqmac, `logq gen --tb` writes the bench `logq vectors` writes; a deliberately wrong
# model and a missing reset make the bench fail with a full report; the generated
# NAME.gtkw names signals the bench's dump has; vectors and views are deterministic;
# bad options are refused. (The grid of configurations runs in tests/icarus.sh.)
. "$(dirname "$0")/lib.sh"
RUN=$root/sim/icarus/run.sh
lq_seed icarus_blocks.sh

# block|module|generator options|vectors-only options|a reset|its removal|a field of
# the mismatch report
blocks=(
    "logacc|logacc|--lanes 3 --exp-bits 4 --frac 3 --pipeline input|--count 30|m_valid_r <= 1'b0;|m_valid_r <= m_valid_r;|m_pos="
    "slqdec|slqdec_w5_l2_special|--bits 5 --max-words 2 --framing special|--count 60|rp_q <= 4'd0;|rp_q <= rp_q;|m_shift="
    "slqmac|slqmac_n3_w5_a6|--bits 5 --lanes 3 --act-bits 6 --max-words 2 --framing special|--count 40|mv_q <= 1'b0;|mv_q <= mv_q;|m_data="
)
for b in "${blocks[@]}"; do
    IFS='|' read -r block name opts vopts reset noreset field <<<"$b"
    d=$tmp/$block
    # shellcheck disable=SC2086
    "$LOGQ" gen "$block" $opts --tb -o "$d/rtl" >"$d.gen" 2>&1 || { bad "$block: gen --tb"; cat "$d.gen"; continue; }
    # shellcheck disable=SC2086
    "$LOGQ" vectors "$block" $opts $vopts --seed "$seed" -o "$d/vec" >>"$d.gen" 2>&1 ||
        { bad "$block: vectors"; cat "$d.gen"; continue; }

    # gen --tb writes the same bench as `logq vectors` (but for the header lines)
    if [ -f "$d/rtl/${name}_tb.v" ] &&
       diff <(grep -v '^//' "$d/rtl/${name}_tb.v") <(grep -v '^//' "$d/vec/${name}_tb.v") >/dev/null; then
        ok "$block: gen --tb writes the bench of logq vectors"
    else bad "$block: gen --tb writes the bench of logq vectors"; fi

    # passes, with a VCD
    if WAVES=1 "$RUN" "$d/rtl" "$d/vec" >"$d.log" 2>&1 && grep -q '^PASSED' "$d.log"; then
        ok "$block: the bench passes ($(grep -o '[0-9]* beats, [0-9]* outputs checked' "$d.log"))"
    else bad "$block: the bench passes"; tail -8 "$d.log"; fi

    # every signal of NAME.gtkw (split lanes bit by bit) is in the dump, below NAME_tb.dut
    vcd=$d/vec/${name}_tb.vcd
    read -r n m < <(view_signals "$d/rtl/$name.gtkw" "$vcd" | head -1)
    if [ -s "$vcd" ] && [ "${n:-0}" -ge 15 ] && [ "$m" = 0 ] &&
       ! view_signals "$d/rtl/$name.gtkw" /dev/null | tail -n +2 | grep -qv "^${name}_tb\.dut\." &&
       grep -q '^-input stream' "$d/rtl/$name.gtkw" && grep -q '^-output stream' "$d/rtl/$name.gtkw"; then
        ok "$block: $name.gtkw shows $n signals of the dump, grouped"
    else bad "$block: $name.gtkw signals in the dump ($m of $n missing:$(view_signals "$d/rtl/$name.gtkw" "$vcd" | tail -n +2 | head -3 | tr '\n' ' '))"; fi

    # a deliberately wrong model fails with cycle, inputs, expected, actual, seed, rerun
    # shellcheck disable=SC2086
    "$LOGQ" vectors "$block" $opts $vopts --seed "$seed" --wrong-model -o "$d/wrong" >/dev/null
    "$RUN" "$d/rtl" "$d/wrong" +max-errors=2 >"$d.out" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q '^MISMATCH at cycle [0-9]* ([0-9]* ps): output' "$d.out" &&
       grep -q '  inputs: beat [0-9]*' "$d.out" && grep -q "expected: .*$field" "$d.out" &&
       grep -q "actual  : .*$field" "$d.out" &&
       grep -q "seed $seed; rerun: logq vectors $block .*--wrong-model .*sim/icarus/run.sh" "$d.out" &&
       grep -q 'FAILED: 2 error(s), stopped at +max-errors=2' "$d.out" &&
       [ -f "$d/wrong/${name}_fail.gtkw" ]; then
        ok "$block: a wrong model fails with a full report (exit 1) and a .gtkw"
    else bad "$block: a wrong model fails with a full report (exit $rc)"; head -12 "$d.out"; fi

    # a missing reset: an output is X after the reset
    cp -r "$d/rtl" "$d/rtl-x"
    sed -i "0,/$reset/s//$noreset/" "$d/rtl-x/$name.v"
    if cmp -s "$d/rtl/$name.v" "$d/rtl-x/$name.v"; then
        bad "$block: the reset to remove ($reset) was not found"
    else
        "$RUN" "$d/rtl-x" "$d/vec" >"$d.out" 2>&1
        rc=$?
        if [ $rc -eq 1 ] && grep -q '^X/Z at cycle 5: ' "$d.out"; then ok "$block: X at an output after reset fails"
        else bad "$block: X at an output after reset fails (exit $rc)"; head -6 "$d.out"; fi
    fi

    # deterministic: the same command twice gives byte-identical files
    for k in 1 2; do
        # shellcheck disable=SC2086
        "$LOGQ" vectors "$block" $opts $vopts --seed "$seed" -o "$d/det" >/dev/null
        # shellcheck disable=SC2086
        "$LOGQ" gen "$block" $opts --tb -o "$d/det/rtl" >/dev/null
        mv "$d/det" "$d/det$k"
    done
    if diff -r "$d/det1" "$d/det2" >/dev/null; then ok "$block: vectors, bench and view are deterministic"
    else bad "$block: vectors, bench and view are deterministic"; fi

    # Faults (docs/xsim.md): long holds of the output's ready and the input's valid.
    "$RUN" "$d/rtl" "$d/vec" +hold=100 +holdin=50 >"$d.hold" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^PASSED' "$d.hold" &&
       grep -Eq 'faults: 0 resets .*; [1-9][0-9]* ready holds of 100 cycles, [1-9][0-9]* valid holds of 50' "$d.hold"; then
        ok "$block: the bench passes with +hold=100 +holdin=50 ($(grep -o 'faults: .*' "$d.hold"))"
    else bad "$block: the bench with +hold=100 +holdin=50 (exit $rc)"; tail -4 "$d.hold"; fi
done

# Resets in the middle of a vector (+midreset) in every block's bench that takes it
# (mac, logacc, slqdec, slqmac): pass with the vector in flight sent again (slqdec:
# the frame, from its first word; slqmac: the activations and every lane's terms);
# without the resend (+stale-model) they must fail, and so must a block that ignores
# a reset once it has run (its `if (rst)` gated off after the first reset).
ignore_resets() { # RTL_DIR NAME: a copy in RTL_DIR-ign whose resets work only at start
    rm -rf "$1-ign"
    cp -r "$1" "$1-ign"
    sed -i 's/if (rst)/if (rst \&\& !lq_ran)/; /^);/a\
    reg lq_ran = 1'"'"'b0;  // test only: resets are ignored once rst went low\
    always @(posedge clk)\
        if (!rst)\
            lq_ran <= 1'"'"'b1;' "$1-ign/$2.v"
    grep -q 'if (rst && !lq_ran)' "$1-ign/$2.v"
}
midreset_check() { # BLOCK NAME RTL VEC
    "$RUN" "$3" "$4" +midreset +hold=50 >"$tmp/mr.log" 2>&1
    local rc=$?
    if [ $rc -eq 0 ] && grep -q '^PASSED' "$tmp/mr.log" &&
       grep -Eq 'faults: [1-9][0-9]* resets \([1-9][0-9]* mid-vector\)' "$tmp/mr.log"; then
        ok "$1: the bench passes with +midreset ($(grep -o 'faults: [^;]*' "$tmp/mr.log"))"
    else bad "$1: the bench with +midreset (exit $rc)"; tail -4 "$tmp/mr.log"; fi
    "$RUN" "$3" "$4" +midreset +stale-model >"$tmp/mr.log" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q '^MISMATCH' "$tmp/mr.log"; then
        ok "$1: +midreset +stale-model (no resend after the reset) fails"
    else bad "$1: +midreset +stale-model must fail (exit $rc)"; tail -4 "$tmp/mr.log"; fi
    if ! ignore_resets "$3" "$2"; then
        bad "$1: no 'if (rst)' in $2.v to gate off"
        return
    fi
    "$RUN" "$3-ign" "$4" +midreset >"$tmp/mr.log" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -Eq '^(MISMATCH|FAILED)' "$tmp/mr.log"; then
        ok "$1: a block that ignores resets after the first fails the +midreset bench"
    else bad "$1: a block that ignores later resets must fail +midreset (exit $rc)"; tail -4 "$tmp/mr.log"; fi
    "$RUN" "$3-ign" "$4" >"$tmp/mr.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then ok "$1: ... and passes without +midreset (only the fault finds it)"
    else bad "$1: the block gated off after its first reset fails without +midreset (exit $rc)"; tail -4 "$tmp/mr.log"; fi
}
midreset_check logacc logacc "$tmp/logacc/rtl" "$tmp/logacc/vec"
# more frames and vectors than above, so that resets land in every state
if "$LOGQ" vectors slqdec --bits 5 --max-words 2 --framing special --count 600 --seed "$seed" \
       -o "$tmp/slqdec/vmr" >/dev/null; then
    midreset_check slqdec slqdec_w5_l2_special "$tmp/slqdec/rtl" "$tmp/slqdec/vmr"
else bad "slqdec: vectors for the +midreset check"; fi
if "$LOGQ" vectors slqmac --bits 5 --lanes 3 --act-bits 6 --max-words 2 --framing special --count 300 \
       --seed "$seed" -o "$tmp/slqmac/vmr" >/dev/null; then
    midreset_check slqmac slqmac_n3_w5_a6 "$tmp/slqmac/rtl" "$tmp/slqmac/vmr"
else bad "slqmac: vectors for the +midreset check"; fi
if "$LOGQ" gen slqmac --bits 3 --lanes 16 --max-words 3 --framing tag -o "$tmp/slqmac16/rtl" >/dev/null &&
   "$LOGQ" vectors slqmac --bits 3 --lanes 16 --max-words 3 --framing tag --count 300 --seed "$seed" \
       -o "$tmp/slqmac16/vec" >/dev/null; then
    midreset_check "slqmac 16 lanes tag" slqmac_n16_w3_a8 "$tmp/slqmac16/rtl" "$tmp/slqmac16/vec"
    # the bench resends from tstart.hex: every lane restarted from its stream's start fails
    cp -r "$tmp/slqmac16/vec" "$tmp/slqmac16/vec0"
    sed -i 's/^[0-9a-f]\{8\}$/00000000/' "$tmp/slqmac16/vec0/tstart.hex"
    "$RUN" "$tmp/slqmac16/rtl" "$tmp/slqmac16/vec0" +midreset >"$tmp/mr.log" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q '^MISMATCH' "$tmp/mr.log"; then
        ok "slqmac: +midreset with wrong restart points (tstart.hex all 0) fails"
    else bad "slqmac: +midreset with wrong restart points must fail (exit $rc)"; tail -4 "$tmp/mr.log"; fi
else bad "slqmac 16 lanes: gen and vectors for the +midreset check"; fi
if "$LOGQ" gen mac --lanes 4 --pipeline product,tree:1 -o "$tmp/mac/rtl" >/dev/null &&
   "$LOGQ" vectors mac --lanes 4 --pipeline product,tree:1 --seed "$seed" -o "$tmp/mac/vec" >/dev/null; then
    midreset_check mac logq_mac "$tmp/mac/rtl" "$tmp/mac/vec"
else
    bad "mac: gen and vectors for the +midreset check"
fi

# Bad options: exit 2, a message naming the value, no file written.
refused() {
    local name=$1 word=$2
    shift 2
    rm -rf "$tmp/none"
    "$LOGQ" "$@" -o "$tmp/none" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$word" "$tmp/err" && [ ! -e "$tmp/none" ]; then ok "$name"
    else bad "$name (exit $rc)"; cat "$tmp/err"; fi
}
refused "vectors logacc --frac 11 with the table refused" "11" vectors logacc --frac 11
refused "vectors logacc --pipeline bogus refused" "bogus" vectors logacc --pipeline bogus
refused "vectors logacc --exhaustive refused" "--exhaustive" vectors logacc --exhaustive
refused "vectors slqdec without --framing refused" "--framing" vectors slqdec --bits 5
refused "vectors slqdec --bits 11 refused" "11" vectors slqdec --bits 11 --framing tag
refused "vectors slqdec --count 0 refused" "--count" vectors slqdec --bits 5 --framing tag --count 0
refused "vectors slqmac --acc-bits below A + F refused" "--acc-bits 10" vectors slqmac --bits 5 --acc-bits 10
refused "vectors slqmac --lanes 65 refused" "--lanes" vectors slqmac --bits 5 --lanes 65
