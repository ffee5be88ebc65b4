#!/usr/bin/env bash
# The log-domain dot product (docs/logdot.md): for a grid of configurations, generate
# (twice: byte-identical), lint with verilator -Wall and iverilog -Wall (zero
# warnings), check the conversion table with exact integers (tests/exp2_table.py,
# independent of the generator), co-simulate in Verilator against cmodel/logdot.c
# (biased codes, vectors of 1 to 2000 beats, stalls on both sides) and run the Icarus
# bench of `logq vectors logdot`. Also: a broken model (+fault) and a wrong table are
# caught, bad options are refused (exit 2, the value named, no file), the error table
# of `logq logacc-study --logdot` runs.
# SEED=N (or LOGDOT_SEED=N; default 1). LOGQ_LONG=1: 64 lanes, F = 10, more vectors.
# LOGDOT_ONE='options': only that configuration (make logdot-cosim).
. "$(dirname "$0")/lib.sh"
. "$root/tests/blockgen.bash"
block_test logdot VECTORS 1500 15000

# run_config NAME OPTIONS...
run_config() {
    local name=$1
    shift
    local dir=$OUT/$name f
    f=$(opt_value --frac 8 "$@")
    rm -rf "$dir/vec"
    gen_lint "$name" "$dir" logdot "$@" || return
    if python3 "$ROOT/tests/exp2_table.py" "$dir/rtl/logdot.v" >"$dir/table.log" 2>&1; then
        pass "$name $(cat "$dir/table.log" | sed 's/^exp2_table: //')"
    else
        fail "$name conversion table"
        head -5 "$dir/table.log"
    fi
    if ! cosim_build "$dir" logdot sim/verilator/waves.h sim/verilator/ports.h sim/verilator/harness.h cmodel/logdot.h; then
        fail "$name verilator build ($*)"
        tail -20 "$dir/build.log"
        return
    fi
    if "$dir/Vtb" +seed="$SEED" +vectors="$VECTORS" +quiet >"$dir/cosim.log" 2>&1; then
        pass "$name co-simulation: $(grep 'mismatches' "$dir/cosim.log" | sed 's/^logdot_tb: //')"
        local hit all
        hit=$(sed -n 's/.*conversion table: \([0-9]*\) of \([0-9]*\).*/\1/p' "$dir/cosim.log")
        all=$(sed -n 's/.*conversion table: \([0-9]*\) of \([0-9]*\).*/\2/p' "$dir/cosim.log")
        if [ "$f" -gt 6 ] || [ "$hit" = "$all" ]; then
            pass "$name $(grep 'conversion table' "$dir/cosim.log" | sed 's/^logdot_tb: //')"
        else
            fail "$name conversion table coverage: $hit of $all entries"
        fi
    else
        fail "$name co-simulation ($*), seed $SEED"
        head -30 "$dir/cosim.log"
    fi
    icarus_bench "$name" "$dir" logdot "--count 80" "$@"
}

if [ -n "${LOGDOT_ONE:-}" ]; then
    # shellcheck disable=SC2086
    run_config one $LOGDOT_ONE
    exit 0
fi

# The grid: lanes 1, 3, 16; both bases, both corrections, F 0..10, R 1..30, signed and
# unsigned codes of 2..6 bits, results of 4..62 bits (saturating ones included,
# R + 2 > OW too), LSB weights from 2^2 to 2^-40, every pipeline style.
run_config n1_paper_f0 --lanes 1 --correction paper --frac 0 --bits 3 --act-bits 3 --out-bits 8 --out-frac 2 --pipeline none
run_config n1_t1_f1 --lanes 1 --frac 1 --table-bits 1 --bits 2 --act-bits 4 --out-bits 4 --out-frac -2 --pipeline input
run_config n3_sqrt2 --lanes 3 --base sqrt2 --frac 3 --bits 4 --act-bits 3 --act-unsigned --out-bits 12 --out-frac 4 --table-bits 6 --pipeline input
run_config n3_narrow --lanes 3 --frac 4 --out-bits 10 --out-frac 8 --pipeline full
run_config n16_default --lanes 16
run_config n16_paper_sqrt2_f10 --lanes 16 --base sqrt2 --correction paper --frac 10 --table-bits 24 --out-bits 48 --out-frac 30 --pipeline full
run_config n16_unsigned_wide --lanes 16 --bits 6 --unsigned --act-bits 6 --act-unsigned --fsr 2 --act-fsr -1 --frac 6 --table-bits 30 --out-bits 62 --out-frac 40 --pipeline input,sum
if [ -n "${LOGQ_LONG:-}" ]; then
    run_config long_n64_f10 --lanes 64 --frac 10 --table-bits 20 --out-bits 40 --out-frac 24 --pipeline tree:3
    run_config long_n7_paper_sqrt2 --lanes 7 --base sqrt2 --correction paper --frac 5 --bits 5 --act-bits 6 --out-bits 24 --out-frac 12
fi

# The checks can fail: a model with a wrong table entry, a corrupted table in the RTL.
d=$OUT/n3_narrow
if [ -x "$d/Vtb" ]; then
    if "$d/Vtb" +seed="$SEED" +vectors=500 +quiet +fault >"$d/fault.log" 2>&1; then
        fail "broken model (+fault) not detected"
    elif grep -q '^MISMATCH' "$d/fault.log"; then
        pass "broken model (+fault) detected: $(grep -c '^MISMATCH' "$d/fault.log") mismatches reported"
    else
        fail "broken model (+fault): failed without a mismatch report"
    fi
    cp "$d/rtl/logdot.v" "$d/bad.v"
    sed -i '0,/tab\[5\] = \([0-9]*\)'"'"'d\([0-9]*\);/s//tab[5] = \1'"'"'d1\2;/' "$d/bad.v"
    if cmp -s "$d/rtl/logdot.v" "$d/bad.v"; then
        fail "could not corrupt the table for the checker test"
    elif python3 "$ROOT/tests/exp2_table.py" "$d/bad.v" >"$d/bad.log" 2>&1; then
        fail "exp2_table.py accepts a corrupted table"
    else
        pass "exp2_table.py rejects a corrupted entry ($(head -1 "$d/bad.log" | sed 's/^exp2_table: //'))"
    fi
else
    fail "no bench for the fault check ($d/Vtb)"
fi

refuse() { refuse_gen logdot "$@"; }
refuse "65" --lanes 65
refuse "'3'" --base 3
refuse "11" --frac 11
refuse "frac 0" --base sqrt2 --frac 0
refuse "31" --table-bits 31
refuse "63" --out-bits 63
refuse "257" --out-frac 257
refuse "'lut'" --correction lut
refuse "'bogus'" --pipeline bogus
refuse "'module'" --name module
refuse "11" --bits 11
refuse "weights" --bits 1 --signed
refuse "'x'" --act-bits x
refuse "rounding" --rounding floor
if "$LOGQ" gen logdot --lanes 2 >"$OUT/refuse.log" 2>&1; then
    fail "gen logdot without -o accepted"
else
    pass "gen logdot without -o refused"
fi

asan_gen "gen and vectors logdot --lanes 64 --frac 10" logdot \
    "--lanes 64 --frac 10 --table-bits 30 --out-bits 62 --pipeline full" "--lanes 64 --frac 10 --count 20"

# The error of whole dot products against the exact value (docs/logdot.md).
if "$LOGQ" logacc-study --logdot --terms 4096 --fracs 4,8 >"$OUT/study.log" 2>&1 &&
    [ "$(grep -cE '^logdot +(2|sqrt2) +(paper|table)' "$OUT/study.log")" -eq 24 ]; then
    pass "logacc-study --logdot prints 24 rows"
else
    fail "logacc-study --logdot"
    tail "$OUT/study.log"
fi

# The FuseSoC core lints.
fusesoc_lint logdot "$OUT/n3_narrow/rtl"

# The Icarus bench fails on a wrong model (every fifth result off in its lowest bit).
d=$OUT/n3_narrow
wrong_model_fails logdot "$d" --lanes 3 --frac 4 --out-bits 10 --out-frac 8 --pipeline full \
    --count 40
view_in_dump logdot "$OUT/n3_narrow"
