#!/usr/bin/env bash
# The hardware log quantizer (docs/quant.md): for a grid of configurations, generate
# (twice: byte-identical), lint with verilator -Wall and iverilog -Wall (zero
# warnings), co-simulate in Verilator against cmodel/quanthw.c (every input value in
# every lane when the input has at most 20 bits; otherwise seeded random plus both
# neighbours of every threshold; random stalls on both sides; a full-rate run checks
# one beat per clock) and run the Icarus bench of `logq vectors quant`. Also: a broken
# model (+fault) must be caught, bad options are refused (exit 2, the value named, no
# file), the FuseSoC core lints.
# SEED=N (or QUANT_SEED=N): the seed (default 1). LOGQ_LONG=1 (make test-long): the
# A = 20 sweep of both bases x both roundings x flush/middle/saturate, 64 and 256
# lanes, more beats.
# QUANT_ONE='options': only that configuration (make quant-cosim).
. "$(dirname "$0")/lib.sh"
. "$root/tests/blockgen.bash"
block_test quant BEATS 30000 300000

# run_config NAME OPTIONS...: everything for one configuration.
run_config() {
    local name=$1
    shift
    local dir=$OUT/$name a
    a=$(opt_value --in-bits 8 "$@")
    rm -rf "$dir/vec" "$dir/wrong"
    gen_lint "$name" "$dir" quant "$@" || return
    if ! cosim_build "$dir" quant sim/verilator/waves.h sim/verilator/ports.h sim/verilator/harness.h cmodel/quanthw.h; then
        fail "$name verilator build ($*)"
        tail -20 "$dir/build.log"
        return
    fi
    local mode="+beats=$BEATS"
    [ "$a" -le 20 ] && mode=+exhaustive
    if "$dir/Vtb" +seed="$SEED" $mode +quiet >"$dir/cosim.log" 2>&1; then
        pass "$name co-simulation ${mode#+}: $(grep 'mismatches' "$dir/cosim.log" | sed 's/^quant_tb: //')"
        grep -q 'corners:' "$dir/cosim.log" &&
            pass "$name $(grep 'corners:' "$dir/cosim.log" | sed 's/^quant_tb: //')"
    else
        fail "$name co-simulation ($*), seed $SEED"
        head -30 "$dir/cosim.log"
    fi
    if "$dir/Vtb" +seed="$SEED" +beats=3000 +full +quiet >"$dir/full.log" 2>&1; then
        pass "$name $(grep '^quant_tb: full rate:' "$dir/full.log" | sed 's/^quant_tb: //')"
    else
        fail "$name full-rate run ($*)"
        tail -5 "$dir/full.log"
    fi
    # The Icarus bench of `logq vectors quant` (exhaustive up to 10 input bits).
    local vopt="--count 400"
    [ "$a" -le 10 ] && vopt=--exhaustive
    icarus_bench "$name" "$dir" quant "$vopt" "$@"
}

if [ -n "${QUANT_ONE:-}" ]; then
    # shellcheck disable=SC2086
    run_config one $QUANT_ONE
    exit 0
fi

# The grid: lanes 1, 3, 16; inputs of 2..32 bits, signed and unsigned; both schemes,
# both roundings, signed and unsigned codes, --relu, every pipeline; FSR placed so the
# codes cover the input's middle, or flush most of it, or saturate most of it.
run_config n1_a8 --lanes 1 --in-bits 8 --pipeline none
run_config n1_a2u --lanes 1 --in-bits 2 --in-unsigned --in-lsb 0 --bits 2 --unsigned --fsr 1
run_config n3_a12_relu --lanes 3 --in-bits 12 --scheme logsqrt2 --relu --bits 6 --unsigned --fsr 1 --pipeline input
run_config n3_a12_relu_s --lanes 3 --in-bits 12 --relu --bits 4 --fsr -2 --rounding floor --pipeline full
run_config n16_a16_floor --lanes 16 --in-bits 16 --in-lsb -8 --scheme logsqrt2 --rounding floor --bits 7 --fsr 3 --pipeline full
run_config n16_a6_u --lanes 16 --in-bits 6 --in-unsigned --bits 3 --unsigned --fsr -1 --pipeline input,norm
run_config n3_a24_wide --lanes 3 --in-bits 24 --in-lsb -30 --scheme logsqrt2 --bits 10 --fsr -4
run_config n16_a32_wide --lanes 16 --in-bits 32 --in-unsigned --in-lsb 5 --bits 8 --unsigned --fsr 30 --rounding floor
run_config n1_a32_wide --lanes 1 --in-bits 32 --in-lsb -200 --scheme logsqrt2 --bits 10 --fsr -190
# Both bases x both roundings x four code ranges, every input of a 10-bit signed lane
# (input 2^-9 .. 1; a B-bit code has levels 2^(FSR - 2^b + 1) .. 2^(FSR - 1), half
# steps for logsqrt2): inner (every input inside the range), flush (one level near the
# top: most inputs flush), sat (every input saturates), edge (+-1 LSB at the flush
# threshold, most inputs saturate).
# ranges NAME A: the code options of each range for an A-bit input, one per line.
ranges() {
    local sch=$1 a=$2
    echo "inner --bits $((a > 10 ? 6 : 5)) --fsr $((a > 10 ? 1 : 3))"
    echo "flush --bits 2 --fsr $([ "$sch" = log2 ] && echo 1 || echo 0)"
    echo "sat --bits 5 --fsr $((a > 10 ? -19 : -8))"
    echo "edge --bits $((a > 10 ? 5 : 4)) --fsr $((a > 10 ? -8 : -1))"
}
sweep() {
    local a=$1 pre=$2 sch r rng opts
    shift 2
    for sch in log2 logsqrt2; do
        for r in nearest floor; do
            while read -r rng opts; do
                # shellcheck disable=SC2086
                run_config "${pre}_${sch}_${r}_$rng" --lanes 1 --in-bits "$a" --scheme "$sch" \
                    --rounding "$r" $opts "$@"
            done < <(ranges "$sch" "$a")
        done
    done
}
sweep 10 sweep
if [ -n "${LOGQ_LONG:-}" ]; then
    sweep 20 long_a20 --pipeline full
    run_config long_n3_a20_u --lanes 3 --in-bits 20 --in-unsigned --scheme logsqrt2 --bits 10 --unsigned --fsr -2
    run_config long_n64_a14 --lanes 64 --in-bits 14 --relu --bits 5 --unsigned --fsr -1
    run_config long_n256_a8 --lanes 256 --in-bits 8 --scheme logsqrt2 --bits 6 --fsr 0 --pipeline full
    run_config long_n16_a28 --lanes 16 --in-bits 28 --in-lsb -14 --bits 9 --fsr 8 --rounding floor
fi

# The check can fail: a model that quantizes |v| + 1 must be caught (at the
# threshold neighbours the corners put first).
d=$OUT/sweep_logsqrt2_nearest_edge
if [ -x "$d/Vtb" ]; then
    if "$d/Vtb" +seed="$SEED" +beats=2000 +quiet +fault >"$d/fault.log" 2>&1; then
        fail "broken model (+fault) not detected"
    elif grep -q '^MISMATCH' "$d/fault.log"; then
        pass "broken model (+fault) detected: $(grep -c '^MISMATCH' "$d/fault.log") mismatches reported"
    else
        fail "broken model (+fault): failed without a mismatch report"
    fi
    wrong_model_fails quant "$d" --lanes 1 --in-bits 10 --scheme logsqrt2 --rounding nearest --bits 4 --fsr -1
else
    fail "no bench for the fault check ($d/Vtb)"
fi

# The FuseSoC core lints and its Icarus target runs.
d=$OUT/n3_a12_relu/rtl
fusesoc_lint quant "$d"

# Bad options: exit 2, a message naming the value, no files written.
refuse() { refuse_gen quant "$@"; }
refuse "0" --lanes 0
refuse "257" --lanes 257
refuse "1" --in-bits 1
refuse "33" --in-bits 33
refuse "257" --in-lsb 257
refuse "'x'" --in-lsb x
refuse "linear" --scheme linear
refuse "slq" --scheme slq
refuse "11" --bits 11
refuse "'up'" --rounding up
refuse "961" --fsr 961
refuse "--max-words" --max-words 2
refuse "--framing" --framing tag
refuse "'bogus'" --pipeline bogus
refuse "'module'" --name module
refuse "'1x'" --name 1x
refuse "'extra'" --lanes 2 extra
if "$LOGQ" gen quant --lanes 2 >"$OUT/refuse.log" 2>&1; then
    fail "gen quant without -o accepted"
else
    pass "gen quant without -o refused"
fi
if "$LOGQ" vectors quant --in-bits 21 --exhaustive -o "$OUT/refused" >"$OUT/refuse.log" 2>&1 ||
    [ -e "$OUT/refused" ]; then
    fail "vectors quant --exhaustive with 21 bits accepted"
else
    pass "vectors quant --exhaustive refuses 21 input bits ($(head -1 "$OUT/refuse.log"))"
fi

# The sanitizer build generates the largest design cleanly.
asan_gen "gen and vectors quant --lanes 256 --in-bits 32" quant \
    "--lanes 256 --in-bits 32 --scheme logsqrt2 --bits 10 --pipeline full" \
    "--lanes 256 --in-bits 32 --scheme logsqrt2 --bits 10 --count 50"
view_in_dump quant "$OUT/n3_a12_relu"
