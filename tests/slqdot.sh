#!/usr/bin/env bash
# SLQ weights end to end (docs/slqdot.md): `logq gen slqdot` for a grid of
# configurations: generate (twice: byte-identical), lint with verilator -Wall and
# iverilog -Wall (zero warnings), co-simulate in Verilator against lq_slqhw_dec and
# lq_slqmac (corrupted frames, stalls on the activation stream, every lane's word
# stream and m_ready), a full-rate run, the Gaussian measurement (queued RTL against
# the lockstep model) and the Icarus bench of `logq vectors slqdot`. Also: a broken
# expectation (--break) must fail, bad options are refused (exit 2, value named, no file).
# SEED=N (or SLQDOT_SEED=N; default 1). LOGQ_LONG=1: 64 lanes, W = 8 / L = 4, more
# vectors.
# SLQDOT_MEASURE=1: only the cycles-per-weight table of docs/slqdot.md (lanes 1, 4, 16,
# 64; L = 2, 3; theta 0 and 0.1; queued RTL against the lockstep model).
. "$(dirname "$0")/lib.sh"
. "$root/tests/blockgen.bash"
block_test slqdot VECTORS 300 3000

# gen_build NAME OPTIONS...: generate into $OUT/NAME/rtl and build; 0 when ready.
gen_build() {
    local name=$1
    shift
    local dir=$OUT/$name
    mkdir -p "$dir"
    rm -rf "$dir/rtl" "$dir/rtl.first" "$dir/vec" "$dir/wrong"
    if ! "$LOGQ" gen slqdot "$@" --tb -o "$dir/rtl" >"$dir/gen.log" 2>&1; then
        fail "$name gen ($*)"
        cat "$dir/gen.log"
        return 1
    fi
    if ! cosim_build "$dir" slqdot sim/verilator/waves.h sim/verilator/slq_stim.h cmodel/slqhw.h; then
        fail "$name verilator build ($*)"
        tail -20 "$dir/build.log"
        return 1
    fi
}

if [ -n "${SLQDOT_MEASURE:-}" ]; then
    echo "| L | lanes | theta | words/weight | cycles/weight lockstep (model) | queued Q=4 (RTL) | queued Q=8 (RTL) |"
    echo "|---|---|---|---|---|---|---|"
    for L in 2 3; do
        for N in 1 4 16 64; do
            for Q in 4 8; do
                gen_build "m_n${N}_l${L}_q$Q" --lanes "$N" --bits 5 --max-words "$L" --fsr 2 --queue "$Q" || continue
            done
            for th in 0 0.1; do
                a=$("$OUT/m_n${N}_l${L}_q4/Vtb" --seed "$SEED" --gauss 1 --fsr 2 --theta "$th" | grep '^MEASURE')
                b=$("$OUT/m_n${N}_l${L}_q8/Vtb" --seed "$SEED" --gauss 1 --fsr 2 --theta "$th" | grep '^MEASURE')
                wpw=$(echo "$a" | sed -n 's/.* words\/weight \([0-9.]*\),.*/\1/p')
                lock=$(echo "$a" | sed -n 's/.*lockstep \([0-9.]*\) (model).*/\1/p')
                q4=$(echo "$a" | sed -n 's/.*queued \([0-9.]*\) (RTL).*/\1/p')
                q8=$(echo "$b" | sed -n 's/.*queued \([0-9.]*\) (RTL).*/\1/p')
                echo "| $L | $N | $th | $wpw | $lock | $q4 | $q8 |"
            done
        done
    done
    exit 0
fi

# run_config NAME OPTIONS...
run_config() {
    local name=$1
    shift
    local dir=$OUT/$name
    rm -rf "$dir/vec"
    gen_lint "$name" "$dir" slqdot "$@" || return
    if ! cosim_build "$dir" slqdot sim/verilator/waves.h sim/verilator/slq_stim.h cmodel/slqhw.h; then
        fail "$name verilator build ($*)"
        tail -20 "$dir/build.log"
        return
    fi
    if "$dir/Vtb" --seed "$SEED" --vectors "$VECTORS" >"$dir/cosim.log" 2>&1; then
        pass "$name co-simulation: $(grep '^PASS' "$dir/cosim.log" | sed 's/^PASS: //')"
    else
        fail "$name co-simulation ($*), seed $SEED"
        head -30 "$dir/cosim.log"
    fi
    if "$dir/Vtb" --seed "$SEED" --vectors 100 --full >"$dir/full.log" 2>&1; then
        pass "$name full rate: $(grep '^RTL' "$dir/full.log" | sed 's/^RTL: //')"
    else
        fail "$name full-rate run ($*)"
        tail -5 "$dir/full.log"
    fi
    if "$dir/Vtb" --seed "$SEED" --gauss 1 --theta 0.1 >"$dir/gauss.log" 2>&1; then
        pass "$name $(grep '^MEASURE' "$dir/gauss.log" | sed 's/^MEASURE //')"
    else
        fail "$name Gaussian measurement ($*)"
        tail -5 "$dir/gauss.log"
    fi
    icarus_bench "$name" "$dir" slqdot "--count 40" "$@"
}

# The grid: lanes 1, 3, 16; W 2..8, L 1..4, both framings, queues of 1..8 entries,
# activations of 2..16 bits, exact and truncating F, narrow accumulators (wrap).
run_config n1_w5_l2_tag --lanes 1 --bits 5 --max-words 2 --queue 4
run_config n1_w3_l1_special_q1 --lanes 1 --bits 3 --max-words 1 --framing special --queue 1 --act-bits 2
run_config n3_w5_l3_special --lanes 3 --bits 5 --max-words 3 --framing special --queue 2
run_config n3_w8_l4_tag_trunc --lanes 3 --bits 8 --max-words 4 --queue 8 --act-bits 16 --frac 12 --acc-bits 30
run_config n16_w5_l2_tag --lanes 16 --bits 5 --max-words 2 --queue 4
run_config n16_w2_l3_special --lanes 16 --bits 2 --max-words 3 --framing special --queue 2 --acc-bits 12
if [ -n "${LOGQ_LONG:-}" ]; then
    run_config long_n64_w5_l3 --lanes 64 --bits 5 --max-words 3 --queue 8
    run_config long_n7_w8_l4_special --lanes 7 --bits 8 --max-words 4 --framing special --queue 4
fi

d=$OUT/n3_w5_l3_special
if [ -x "$d/Vtb" ]; then
    if "$d/Vtb" --seed "$SEED" --vectors 100 --break >"$d/break.log" 2>&1; then
        fail "a broken expectation (--break) is not detected"
    elif grep -q '^MISMATCH' "$d/break.log"; then
        pass "a broken expectation (--break) is detected"
    else
        fail "--break failed without a mismatch report"
    fi
fi

refuse() { refuse_gen slqdot "$@"; }
refuse "65" --lanes 65
refuse "11" --bits 11
refuse "9" --max-words 9
refuse "'both'" --framing both
refuse "3" --queue 3
refuse "65" --queue 65
refuse "62" --act-bits 32 --frac 31
refuse "below" --acc-bits 10
refuse "'module'" --name module
refuse "'x'" --lanes x
asan_gen "gen slqdot --lanes 64 --bits 10 --max-words 8 --queue 64" slqdot \
    "--lanes 64 --bits 10 --max-words 8 --queue 64"

# The FuseSoC core lints.
fusesoc_lint slqdot "$OUT/n3_w5_l3_special/rtl"

# The Icarus bench fails on a wrong model (every fifth result off in its lowest bit).
d=$OUT/n3_w5_l3_special
wrong_model_fails slqdot "$d" --lanes 3 --bits 5 --max-words 3 --framing special --queue 2 \
    --count 30
view_in_dump slqdot "$OUT/n3_w5_l3_special"
