#!/usr/bin/env bash
# logq gen mac: generator checks (determinism, bad options, rtl/ up to date) and a
# grid of configurations that must lint with zero warnings under Verilator -Wall and
# Icarus -Wall and pass co-simulation against the C model (random stalls on both
# sides, biased vectors, long vectors at the width limit, exhaustive one-lane runs),
# then replay the accepted beats under Icarus (four-state) with its own stalls; the
# linear-mode configurations also run the generated Icarus bench of `logq vectors
# mac` (and a wrong model must fail it).
# With LOGQ_LONG=1 (make test-long) the co-simulations run longer.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$root/$LOGQ ;; esac
work=$BUILD/test-mac
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
beats=${MAC_TEST_BEATS:-30000}
# Seeds: SEED (default 1); each configuration's co-simulation runs with SEED plus a
# number derived from its tag, printed with the rerun command.
SEED=${SEED:-1}
cfg_seed() { echo $(( SEED + $(printf %s "$1" | cksum | cut -d' ' -f1) % 100000 )); }
echo "mac.sh: seed $SEED (rerun: SEED=$SEED bash tests/mac.sh)"
nbad=0
# faults_ok LOG [single]: the run reset the block at random, mid-vector (not when every
# vector is a single beat) and with an output waiting, and held both handshakes (each
# at least once).
faults_ok() {
    local mid='[1-9][0-9]*'
    [ -n "${2:-}" ] && mid=0
    grep -Eq "faults: [1-9][0-9]* resets at random, $mid mid-vector, [1-9][0-9]* with an output waiting; [1-9][0-9]* ready holds of [0-9]+ cycles, [1-9][0-9]* valid holds" "$1"
}
[ -n "${LOGQ_LONG:-}" ] && beats=300000

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }

# ---- generator ----

# rtl/ is what the generator writes today for the default configuration.
mkdir -p "$work/regen"
if (cd "$work/regen" && "$LOGQ" gen mac -o rtl >/dev/null) && diff -r rtl "$work/regen/rtl" >/dev/null; then
    pass "mac rtl/ is byte-identical to 'logq gen mac -o rtl'"
else
    fail "mac rtl/ differs from 'logq gen mac -o rtl' (make mac-rtl regenerates it)"
fi

# Determinism: the same options twice give byte-identical files.
opts="--mode loglog --base sqrt2 --lanes 7 --bits 4 --act-bits 6 --frac 3 --pipeline full"
mkdir -p "$work/det1" "$work/det2"
(cd "$work/det1" && "$LOGQ" gen mac $opts -o out >/dev/null)
(cd "$work/det2" && "$LOGQ" gen mac $opts -o out >/dev/null)
if [ -f "$work/det1/out/logq_mac.v" ] && diff -r "$work/det1/out" "$work/det2/out" >/dev/null; then
    pass "mac generator is deterministic"
else
    fail "mac generator is not deterministic"
fi
if head -2 "$work/det1/out/logq_mac.v" | grep -q -- "logq gen mac $opts -o out"; then
    pass "mac files record the command line"
else
    fail "mac files do not record the command line"
fi

# Bad options: exit 2, the value named, no file written.
bad() {
    local want=$1
    shift
    nbad=$((nbad + 1))
    local d="$work/bad$nbad"
    "$LOGQ" gen mac "$@" -o "$d" >"$work/bad.out" 2>"$work/bad.err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$want" "$work/bad.err" && [ ! -e "$d" ]; then
        pass "mac refuses $* (exit 2, names '$want')"
    else
        fail "mac refuses $*: exit $rc, stderr: $(cat "$work/bad.err")"
    fi
}
bad "--lanes 0" --lanes 0
bad "--lanes 257" --lanes 257
bad "--bits 11" --bits 11
bad "--bits 1" --bits 1 --signed
bad "--act-bits 33" --act-bits 33
bad "--act-bits 11" --mode loglog --act-bits 11
bad "'fft'" --mode fft
bad "'3'" --base 3
bad "--frac 16" --frac 16
bad "--sqrt2-frac 31" --base sqrt2 --sqrt2-frac 31
bad "--max-beats 0" --max-beats 0
bad "'bogus'" --pipeline product,bogus
bad "--pipeline operand" --mode loglog --pipeline operand
bad "--pipeline operand" --base sqrt2 --pipeline operand,full
bad "'carry,none'" --pipeline carry,none
bad "'module'" --name module
bad "linear" --scheme linear
bad "--lanes 'x'" --lanes x
bad "--bits 10 with --act-bits 32" --bits 10 --act-bits 32
bad "--max-beats 16777216" --bits 10 --act-bits 1 --max-beats 16777216
bad "--scheme" --mode linear --scheme log2
bad "--base sqrt2" --mode linear --base sqrt2
bad "--bits 33" --mode linear --bits 33
bad "--bits 11" --mode shift --bits 11 --act-bits 4
if "$LOGQ" gen mac >/dev/null 2>&1; then fail "mac without -o must fail"; else pass "mac without -o fails"; fi

# ---- the grid ----
# tag | generator options | harness options
grid=(
  "default||"
  "shift-n1-exh|--lanes 1 --pipeline none|+exhaustive"
  "shift-n1-b2-wide|--lanes 1 --act-bits 24 --bits 7 --fsr 40 --pipeline product|"
  "shift-n3-sqrt2-trunc|--lanes 3 --base sqrt2 --bits 4 --act-bits 4 --act-unsigned --frac 2 --pipeline full|"
  "shift-n16-sqrt2|--base sqrt2 --bits 6 --sqrt2-frac 12 --max-beats 64|"
  "shift-n64-b2-wide|--lanes 64 --bits 8 --act-bits 16 --pipeline tree:3 --max-beats 256|"
  "shift-n3-narrow|--lanes 3 --bits 2 --act-bits 1 --max-beats 1 --pipeline none|"
  "shift-n1-sqrt2-exh|--lanes 1 --base sqrt2 --bits 6 --act-bits 10 --frac -3 --pipeline sum|+exhaustive"
  "loglog-n16-b2|--mode loglog|"
  "loglog-n3-sqrt2-trunc|--mode loglog --lanes 3 --base sqrt2 --bits 4 --act-bits 6 --act-unsigned --frac 4 --pipeline none|"
  "loglog-n64-sqrt2|--mode loglog --lanes 64 --base sqrt2 --bits 7 --act-bits 7 --pipeline full --max-beats 4096|"
  "loglog-n1-exh|--mode loglog --lanes 1 --bits 10 --act-bits 8 --base sqrt2 --fsr 3 --pipeline product|+exhaustive"
  "mult-n16-sqrt2|--mode mult --base sqrt2 --pipeline product|"
  "mult-n1-exh|--mode mult --lanes 1 --bits 6 --act-bits 12 --pipeline none|+exhaustive"
  "mult-n64-b2|--mode mult --lanes 64 --bits 6 --act-bits 12 --unsigned --pipeline tree:2|"
  "mult-n3-trunc|--mode mult --lanes 3 --bits 5 --act-bits 8 --frac 0 --pipeline full|"
  "shift-n16-fast|--pipeline operand,full,carry --frac 3|"
  "shift-n5-input-carry|--lanes 5 --unsigned --act-unsigned --pipeline input,carry|"
  "mult-n7-sqrt2-trunc|--mode mult --base sqrt2 --lanes 7 --bits 4 --frac 2 --pipeline carry|"
  "linear-n16-int8|--mode linear --bits 8 --act-bits 8|"
  "linear-n1-exh|--mode linear --lanes 1 --bits 8 --act-bits 12 --pipeline none|+exhaustive"
  "linear-n1-u-exh|--mode linear --lanes 1 --bits 10 --unsigned --act-bits 10 --act-unsigned --fsr 3 --pipeline sum|+exhaustive"
  "linear-n1-b1-exh|--mode linear --lanes 1 --bits 1 --act-bits 1 --act-unsigned --pipeline product|+exhaustive"
  "linear-n3-trunc|--mode linear --lanes 3 --bits 5 --act-bits 8 --frac -4 --pipeline full|"
  "linear-n7-w16|--mode linear --lanes 7 --bits 16 --act-bits 9 --act-unsigned --fsr 2 --pipeline tree:1|"
  "linear-n5-w32|--mode linear --lanes 5 --bits 32 --act-bits 32 --act-unsigned --pipeline product --max-beats 64|"
  "linear-n64-int8|--mode linear --lanes 64 --bits 8 --act-bits 8 --pipeline tree:2|"
)

# One configuration: generate, lint with both tools, build and co-simulate.
run_one() {
    local spec=$1 tag gopts topts d
    tag=${spec%%|*}
    gopts=${spec#*|}
    topts=${gopts#*|}
    gopts=${gopts%%|*}
    d="$work/$tag"
    mkdir -p "$d"
    {
        if ! "$LOGQ" gen mac $gopts -o "$d/rtl" >"$d/gen.log" 2>&1; then
            fail "mac gen $tag: $(cat "$d/gen.log")"
            return
        fi
        if verilator --lint-only -Wall "$d/rtl/logq_mac.v" >"$d/vlint.log" 2>&1 &&
            [ ! -s "$d/vlint.log" ]; then
            pass "mac lint verilator -Wall $tag"
        else
            fail "mac lint verilator -Wall $tag: $(head -5 "$d/vlint.log")"
        fi
        if iverilog -g2005 -gstrict-expr-width -Wall -o "$d/iv.out" \
            "$d/rtl/logq_mac.v" >"$d/ilint.log" 2>&1 && [ ! -s "$d/ilint.log" ]; then
            pass "mac lint iverilog -Wall $tag"
        else
            fail "mac lint iverilog -Wall $tag: $(head -5 "$d/ilint.log")"
        fi
        if ! BUILD=$BUILD sim/verilator/mac_build.sh "$d/rtl" "$d/sim" check >"$d/build.log" 2>&1; then
            fail "mac cosim build $tag: $(tail -5 "$d/build.log")"
            return
        fi
        if "$d/sim/mac_tb" +seed="$(cfg_seed "$tag")" +beats=$beats +stall=30 $topts >"$d/sim.log" 2>&1 &&
            { [ -n "$topts" ] || grep -q '^mac_tb: latency [0-9]* checked' "$d/sim.log"; }; then
            pass "mac cosim $tag ($(grep -o '[0-9]* beats,' "$d/sim.log" | head -1) $topts$(grep -o '; latency [0-9]* checked' "$d/sim.log" | head -1))"
        else
            fail "mac cosim $tag: $(grep -m3 -E 'MISMATCH|ERROR|FAILED|rerun' "$d/sim.log")"
            tail -20 "$d/sim.log"
        fi
        # Icarus (four-state) replay of the accepted beats and the model's sums
        # (not the 64-lane arrays: Icarus needs minutes for their wide shifters).
        mkdir -p "$d/replay"
        case $tag in *-n64-*) ;; *)
        if "$d/sim/mac_tb" +seed=11 +beats=2000 +stall=20 +vectors="$d/replay" >"$d/vec.log" 2>&1 &&
            iverilog -g2005 -gstrict-expr-width -Wall -I "$d/replay" -o "$d/replay/replay.vvp" \
                sim/icarus/mac_replay.v "$d/rtl/logq_mac.v" >"$d/replay.log" 2>&1 &&
            [ ! -s "$d/replay.log" ] &&
            (cd "$d/replay" && vvp -n replay.vvp +seed=5 +stall=30) >"$d/replay.log" 2>&1 &&
            grep -q '^PASSED' "$d/replay.log"; then
            pass "mac icarus replay $tag ($(grep -o '[0-9]* sums match' "$d/replay.log"))"
        else
            fail "mac icarus replay $tag: $(grep -m3 -E 'MISMATCH|ERROR|FAILED|rror' "$d/replay.log" "$d/vec.log")"
        fi
        ;;
        esac
        # The generated Icarus bench (logq vectors mac --tb) of the linear mode, and a
        # wrong model that must fail it.
        case $tag in linear-n64-*|shift-*|loglog-*|mult-*|default) ;; *)
        if "$LOGQ" vectors mac $gopts --count 60 --seed 4 -o "$d/vec" >"$d/tbvec.log" 2>&1 &&
            sim/icarus/run.sh "$d/rtl" "$d/vec" >"$d/tb.log" 2>&1 && grep -q '^PASSED' "$d/tb.log"; then
            pass "mac generated icarus bench $tag ($(grep -o '[0-9]* outputs checked' "$d/tb.log"))"
        else
            fail "mac generated icarus bench $tag: $(grep -m3 -E 'MISMATCH|ERROR|FAILED|rror' "$d/tb.log" "$d/tbvec.log")"
        fi
        # (the model's fault drops the sign of negative products: with both operands
        # unsigned there are none, so those configurations do not try it)
        case "$gopts " in *"--unsigned "*"--act-unsigned "*) ;; *)
        if "$LOGQ" vectors mac $gopts --count 60 --seed 4 --wrong-model -o "$d/vecw" >/dev/null 2>&1 &&
            ! sim/icarus/run.sh "$d/rtl" "$d/vecw" >"$d/tbw.log" 2>&1 && grep -q '^MISMATCH' "$d/tbw.log"; then
            pass "mac generated icarus bench $tag fails with a wrong model"
        else
            fail "mac generated icarus bench $tag with a wrong model: $(tail -2 "$d/tbw.log")"
        fi
        ;;
        esac
        ;;
        esac
        # Faults (docs/mac.md, "Reset"): resets at random moments, mid-vector and with an
        # output waiting, the model reset alongside; long holds of m_ready and s_valid.
        case $topts in *exhaustive*) ;; *)
        if "$d/sim/mac_tb" +seed="$(cfg_seed "$tag")" +beats=$((beats / 2)) +stall=30 +midreset \
            +hold=300 +holdin=200 >"$d/faults.log" 2>&1 && grep -q '^PASSED' "$d/faults.log" &&
            faults_ok "$d/faults.log" "$(case "$gopts " in *"--max-beats 1 "*) echo single ;; esac)"; then
            pass "mac faults $tag: $(grep -o 'faults: .*' "$d/faults.log")"
        else
            fail "mac faults $tag: $(grep -m3 -E 'faults:|MISMATCH|ERROR|FAILED' "$d/faults.log")"
        fi
        ;;
        esac
        if [ "$tag" = default ]; then
            # The reset check can fail: a model that is not reset with the block.
            if "$d/sim/mac_tb" +seed=7 +beats=5000 +midreset +stale-model >"$d/stale.log" 2>&1; then
                fail "mac cosim with +midreset +stale-model passed: the reset check cannot fail"
            elif grep -q MISMATCH "$d/stale.log"; then
                pass "mac cosim with +midreset +stale-model fails with a mismatch report"
            else
                fail "mac cosim with +midreset +stale-model failed without a mismatch report"
            fi
            if "$d/sim/mac_tb" +seed=7 +beats=5000 +wrong-model >"$d/wrong.log" 2>&1; then
                fail "mac cosim with +wrong-model passed: the check cannot fail"
            elif grep -q MISMATCH "$d/wrong.log"; then
                pass "mac cosim with +wrong-model fails with a mismatch report"
            else
                fail "mac cosim with +wrong-model failed without a mismatch report"
            fi
            # The latency check can fail: NAME.h claims one cycle more than the RTL has.
            mkdir -p "$d/lat"
            cp -r "$d/rtl" "$d/lat/rtl"
            lat=$(sed -n 's/^#define LOGQ_MAC_LATENCY \([0-9]*\)$/\1/p' "$d/rtl/logq_mac.h")
            sed -i "s/^#define LOGQ_MAC_LATENCY $lat\$/#define LOGQ_MAC_LATENCY $((lat + 1))/" "$d/lat/rtl/logq_mac.h"
            if BUILD=$BUILD sim/verilator/mac_build.sh "$d/lat/rtl" "$d/lat/sim" check >"$d/lat.log" 2>&1 &&
                ! "$d/lat/sim/mac_tb" +seed=7 +beats=2000 >>"$d/lat.log" 2>&1 &&
                grep -q 'NAME_LATENCY says' "$d/lat.log"; then
                pass "mac cosim with a wrong NAME_LATENCY fails with a latency report"
            else
                fail "mac cosim with a wrong NAME_LATENCY: $(grep -m2 -E 'LATENCY|PASSED|rror' "$d/lat.log")"
            fi
            if "$d/sim/mac_tb" +seed=3 +beats=5000 +nocheck +stall=0 >"$d/nocheck.log" 2>&1 &&
                grep -q 'beats/s' "$d/nocheck.log"; then
                pass "mac cosim +nocheck runs and reports beats/s"
            else
                fail "mac cosim +nocheck"
            fi
        fi
    } >"$d/result.txt" 2>&1
}
export -f run_one pass fail cfg_seed faults_ok
export work LOGQ BUILD beats SEED

printf '%s\n' "${grid[@]}" | xargs -d '\n' -P 2 -I{} bash -c 'run_one "$1"' _ {}
for spec in "${grid[@]}"; do
    cat "$work/${spec%%|*}/result.txt"
done

# 256 lanes (the maximum): lint only, both tools.
d="$work/n256"
if "$LOGQ" gen mac --lanes 256 --mode loglog --pipeline tree:4 -o "$d" >/dev/null 2>&1 &&
    verilator --lint-only -Wall "$d/logq_mac.v" >"$work/n256.log" 2>&1 &&
    iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null "$d/logq_mac.v" \
        >>"$work/n256.log" 2>&1 && [ ! -s "$work/n256.log" ]; then
    pass "mac 256 lanes lint clean (verilator, iverilog)"
else
    fail "mac 256 lanes lint: $(head -5 "$work/n256.log")"
fi
exit 0
