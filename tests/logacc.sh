#!/usr/bin/env bash
# The log-domain accumulator (docs/logacc.md): for a grid of configurations, generate
# (twice: byte-identical), lint with verilator -Wall and iverilog -Wall, build the
# Verilator co-simulation against cmodel/logacc.c and run it with biased random
# vectors and random stalls. Also: refusal of bad options (exit 2, no files), a
# broken model must be caught, the error study runs.
# LOGQ_LONG=1: more vectors and a larger grid. LOGACC_SEED=N: the co-simulation seed.
# LOGACC_ONE='options': build and co-simulate only that configuration (make logacc-cosim).
# LOGACC_WAVES=1 (make logacc-cosim WAVES=1): a separate traced model (--trace-fst, in
# obj-waves/ so the untraced obj/ stays cached) that dumps DIR/logacc.fst; DIR/logacc.fst.gtkw
# is the generated logacc.gtkw with its scope renamed for Verilator. LOGACC_VECTORS=N.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$BUILD/logacc-test
SEED=${LOGACC_SEED:-1}
VECTORS=1500
[ -n "${LOGQ_LONG:-}" ] && VECTORS=20000
VECTORS=${LOGACC_VECTORS:-$VECTORS}
WAVES=${LOGACC_WAVES:-}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BUILD_ABS=$(cd "$BUILD" && pwd)

pass() { echo "PASS: logacc $*"; }
fail() { echo "FAIL: logacc $*"; }
# faults_ok LOG: reset at random, mid-vector and with a result waiting, both
# handshakes held (each at least once).
faults_ok() {
    grep -Eq 'faults: [1-9][0-9]* resets at random, [1-9][0-9]* mid-vector, [1-9][0-9]* with an output waiting; [1-9][0-9]* ready holds of [0-9]+ cycles, [1-9][0-9]* valid holds' "$1"
}

# Build the co-simulation of a generated directory (skipped when its inputs did not
# change since the last build).
# cosim_build DIR [waves]: DIR/obj/Vlogacc, or the traced DIR/obj-waves/Vlogacc.
cosim_build() {
    local dir=$1 stamp obj=$1/obj topt=
    if [ -n "${2:-}" ]; then obj=$dir/obj-waves; topt=--trace-fst; fi
    stamp=$(cat "$dir"/logacc.v "$dir"/logacc_add.v "$dir"/logacc.h \
        "$ROOT"/sim/verilator/logacc_tb.cpp "$ROOT"/sim/verilator/waves.h "$ROOT"/sim/verilator/faults.h "$ROOT"/sim/verilator/harness.h \
        "$ROOT"/cmodel/logacc.h \
        "$BUILD_ABS"/liblogq.a | md5sum | cut -d' ' -f1)
    if [ -x "$obj/Vlogacc" ] && [ "$(cat "$obj/stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    rm -rf "$obj"
    verilator --cc --exe --build -j 2 -Wall -Wno-fatal --x-assign unique --x-initial unique \
        -O1 $topt --Mdir "$obj" -CFLAGS "-O1 -I$dir" \
        -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" --top-module logacc \
        "$dir/logacc_add.v" "$dir/logacc.v" "$ROOT/sim/verilator/logacc_tb.cpp" \
        "$BUILD_ABS/liblogq.a" >"$obj.log" 2>&1 || { cp "$obj.log" "$dir/build.log"; return 1; }
    cp "$obj.log" "$dir/build.log"
    echo "$stamp" >"$obj/stamp"
}

# One configuration: name and generator options.
run_config() {
    local name=$1
    shift
    local dir=$OUT/$name
    # The build (obj/) stays between runs; the generated files are rewritten.
    rm -rf "$dir.first"
    mkdir -p "$dir"
    rm -f "$dir"/logacc*.v "$dir"/logacc.[hf]
    if ! "$LOGQ" gen logacc "$@" -o "$dir" >"$OUT/$name.gen.log" 2>&1; then
        fail "$name gen ($*)"
        cat "$OUT/$name.gen.log"
        return
    fi
    mkdir -p "$dir.first"
    cp "$dir"/logacc* "$dir.first/"
    "$LOGQ" gen logacc "$@" -o "$dir" >/dev/null 2>&1
    if cmp -s "$dir/logacc.v" "$dir.first/logacc.v" && cmp -s "$dir/logacc_add.v" \
        "$dir.first/logacc_add.v" && cmp -s "$dir/logacc.h" "$dir.first/logacc.h" &&
        cmp -s "$dir/logacc.f" "$dir.first/logacc.f"; then
        pass "$name gen, deterministic"
    else
        fail "$name gen not deterministic ($*)"
    fi
    rm -rf "$dir.first"
    if (cd "$dir" && verilator --lint-only -Wall -f logacc.f) >"$dir/lint.log" 2>&1; then
        pass "$name verilator -Wall lint"
    else
        fail "$name verilator -Wall lint ($*)"
        head -20 "$dir/lint.log"
    fi
    if (cd "$dir" && iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null logacc_add.v \
        logacc.v) >"$dir/ilint.log" 2>&1 && ! [ -s "$dir/ilint.log" ]; then
        pass "$name iverilog -Wall lint"
    else
        fail "$name iverilog -Wall lint ($*)"
        head -20 "$dir/ilint.log"
    fi
    # With WAVES only the traced model is built (obj-waves/); obj/ stays as it was.
    if ! cosim_build "$dir" "$WAVES"; then
        fail "$name ${WAVES:+traced }verilator build ($*)"
        tail -20 "$dir/build.log"
        return
    fi
    local obj=$dir/obj targs=
    if [ -n "$WAVES" ]; then
        obj=$dir/obj-waves
        targs=+trace=$dir/logacc.fst
        # The generated view names the Icarus scope (logacc_tb.dut); Verilator's is TOP.logacc.
        sed 's/logacc_tb\.dut\b/TOP.logacc/g' "$dir/logacc.gtkw" >"$dir/logacc.fst.gtkw"
    fi
    if "$obj/Vlogacc" +seed="$SEED" +vectors="$VECTORS" +quiet $targs >"$dir/cosim.log" 2>&1; then
        pass "$name co-simulation: $(grep mismatches "$dir/cosim.log" | sed 's/^logacc_tb: //')"
        if grep -q 'WARNING' "$dir/cosim.log"; then
            fail "$name coverage: $(grep 'coverage' "$dir/cosim.log" | sed 's/^logacc_tb: //')"
        else
            pass "$name $(grep 'coverage' "$dir/cosim.log" | sed 's/^logacc_tb: //')"
        fi
    else
        fail "$name co-simulation ($*), seed $SEED"
        head -40 "$dir/cosim.log"
    fi
    grep 'rerun:' "$dir/cosim.log"
    # Faults (docs/logacc.md, "Reset"): resets at random, mid-vector and with a result
    # waiting, the model reset alongside; long holds of m_ready and s_valid.
    if [ -z "$WAVES" ]; then
        if "$obj/Vlogacc" +seed="$SEED" +vectors=$((VECTORS / 2)) +quiet +midreset +hold=300 \
            +holdin=200 >"$dir/faults.log" 2>&1 && faults_ok "$dir/faults.log"; then
            pass "$name faults: $(grep -o 'faults: .*' "$dir/faults.log")"
        else
            fail "$name faults: $(grep -m3 -E 'faults:|MISMATCH' "$dir/faults.log")"
        fi
    fi
    if [ -n "$WAVES" ]; then
        echo "waves: gtkwave $dir/logacc.fst $dir/logacc.fst.gtkw"
    fi
}

if [ -n "${LOGACC_ONE:-}" ]; then
    # shellcheck disable=SC2086
    run_config one $LOGACC_ONE
    exit 0
fi

# The grid: lanes 1, 2, 7, 16; both corrections; base 2 and sqrt(2); F from 0 to 12;
# small exponents (E = 2, 3) reach saturation; every pipeline style.
run_config l1_paper_b2_f0 --lanes 1 --correction paper --base 2 --frac 0 --exp-bits 4 --pipeline none
run_config l1_table_s2_f3 --lanes 1 --correction table --base sqrt2 --frac 3 --exp-bits 5 --pipeline input
run_config l2_table_b2_f6 --lanes 2 --correction table --base 2 --frac 6 --exp-bits 3 --pipeline full
run_config l2_paper_s2_f1 --lanes 2 --correction paper --base sqrt2 --frac 1 --exp-bits 6 --pipeline tree:1
run_config l2_table_b2_f0 --lanes 2 --correction table --base 2 --frac 0 --exp-bits 2 --pipeline none
run_config l7_table_s2_f5 --lanes 7 --correction table --base sqrt2 --frac 5 --exp-bits 8 --pipeline tree:2
run_config l7_paper_b2_f8 --lanes 7 --correction paper --base 2 --frac 8 --exp-bits 4 --pipeline input,sum
run_config l16_table_b2_f8 --lanes 16 --correction table --base 2 --frac 8 --exp-bits 8 --pipeline tree:2
run_config l16_paper_s2_f12 --lanes 16 --correction paper --base sqrt2 --frac 12 --exp-bits 6 --pipeline full
run_config l16_table_s2_f4 --lanes 16 --correction table --base sqrt2 --frac 4 --exp-bits 3 --pipeline none
if [ -n "${LOGQ_LONG:-}" ]; then
    run_config l16_table_s2_f10 --lanes 16 --correction table --base sqrt2 --frac 10 --exp-bits 10 --pipeline tree:1
    run_config l64_table_b2_f7 --lanes 64 --correction table --base 2 --frac 7 --exp-bits 8 --pipeline tree:3
    run_config l5_paper_b2_f16 --lanes 5 --correction paper --base 2 --frac 16 --exp-bits 3 --pipeline sum
fi

# The check can fail: a model with one wrong table entry must be caught.
d=$OUT/l7_table_s2_f5
if [ -x "$d/obj/Vlogacc" ]; then
    if "$d/obj/Vlogacc" +seed="$SEED" +vectors=500 +quiet +fault >"$d/fault.log" 2>&1; then
        fail "broken model (+fault) not detected"
    elif grep -q '^MISMATCH' "$d/fault.log"; then
        pass "broken model (+fault) detected: $(grep -c '^MISMATCH' "$d/fault.log") mismatches reported"
    else
        fail "broken model (+fault): failed without a mismatch report"
    fi
else
    fail "broken model (+fault): the bench $d/obj/Vlogacc is missing (its co-simulation did not build)"
fi

# The reset check can fail: a model that is not reset with the block must be caught.
if [ -x "$d/obj/Vlogacc" ]; then
    if "$d/obj/Vlogacc" +seed="$SEED" +vectors=500 +quiet +midreset +stale-model >"$d/stale.log" 2>&1; then
        fail "model not reset with the block (+midreset +stale-model) not detected"
    elif grep -q '^MISMATCH' "$d/stale.log"; then
        pass "model not reset with the block (+midreset +stale-model) detected: $(grep -c '^MISMATCH' "$d/stale.log") mismatches"
    else
        fail "+midreset +stale-model: failed without a mismatch report"
    fi
else
    fail "+midreset +stale-model: the bench $d/obj/Vlogacc is missing"
fi

# Bad options: exit 2, a message naming the value, no files written.
refuse() {
    local what=$1 dir=$OUT/refused
    shift
    rm -rf "$dir"
    "$LOGQ" gen logacc "$@" -o "$dir" >"$OUT/refuse.log" 2>&1
    local rc=$?
    if [ "$rc" -eq 2 ] && ! [ -e "$dir" ] && grep -q "$what" "$OUT/refuse.log"; then
        pass "refuses $* ($(head -1 "$OUT/refuse.log"))"
    else
        fail "refuses $*: exit $rc, output: $(head -2 "$OUT/refuse.log")"
    fi
}
refuse "0" --lanes 0
refuse "65" --lanes 65
refuse "'3'" --base 3
refuse "11" --correction table --frac 11
refuse "frac 0" --base sqrt2 --frac 0
refuse "'lut'" --correction lut
refuse "'bogus'" --pipeline bogus
refuse "17" --exp-bits 17
refuse "frac 16" --correction paper --frac 16 --exp-bits 2
refuse "'module'" --name module
refuse "'x'" --frac x
if "$LOGQ" gen logacc --lanes 2 >"$OUT/refuse.log" 2>&1; then
    fail "gen logacc without -o accepted"
else
    pass "gen logacc without -o refused"
fi

# The sanitizer build generates the largest table cleanly.
if [ -x "$BUILD/asan/logq" ]; then
    if "$BUILD/asan/logq" gen logacc --lanes 64 --frac 10 --base sqrt2 --pipeline full \
        -o "$OUT/asan" >"$OUT/asan.log" 2>&1; then
        pass "ASan/UBSan gen logacc --lanes 64 --frac 10"
    else
        fail "ASan/UBSan gen logacc"
        tail "$OUT/asan.log"
    fi
else
    fail "ASan/UBSan gen logacc: $BUILD/asan/logq is missing (make $BUILD/asan/logq)"
fi

# The error study runs and prints every variant.
if "$LOGQ" logacc-study --terms 4096 --fracs 2,8 >"$OUT/study.log" 2>&1 &&
    [ "$(grep -cE '^(2|sqrt2) +(paper|table)' "$OUT/study.log")" -eq 24 ]; then
    pass "logacc-study prints 24 rows"
else
    fail "logacc-study"
    tail "$OUT/study.log"
fi
