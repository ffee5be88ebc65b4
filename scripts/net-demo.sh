#!/usr/bin/env bash
# The end of `make demo` (docs/net.md): the digits network as two accelerators, the
# log2 one (shift-log2, 5-bit log weights x 5-bit linear activations, no multiplier)
# and the int8 baseline (linear, 8 x 8 bits, multipliers): generated, co-simulated in
# Verilator on all 450 test images with random stalls (every logit checked against
# the integer model of `logq eval --hw`), accuracy of model and RTL, cycles per image,
# and the iCE40 LUTs of each (Yosys synth_ice40); fmax and images/s from
# `make net-synth` when it has run (place and route takes minutes).
#
#   scripts/net-demo.sh WEIGHTS EVAL_HW_OUTPUT OUT_DIR
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: scripts/net-demo.sh WEIGHTS EVAL_HW_OUTPUT OUT_DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
w=$1 ev=$2 out=$3
mkdir -p "$out"
rows=("shift-log2 5 log2 linear" "linear 8 linear linear")
for r in "${rows[@]}"; do
    read -r s b _ _ <<<"$r"
    d=$out/demo-$s-$b
    "$LOGQ" gen net --weights "$w" --fsr-from "$ev" --scheme "$s" --bits "$b" --vectors 450 -o "$d" | head -4
    # Verilator build and Yosys LUT count in parallel (2 cores)
    "$root/sim/verilator/net_build.sh" "$d" "$d/vl" &
    (cd "$d" && yosys -q -p "read_verilog $(grep -v '^//' logq_net.f | tr '\n' ' '); synth_ice40 -top logq_net; tee -q -o stat.json stat -json" >/dev/null 2>&1) &
    wait
done
echo
printf '| %-10s | %4s | %14s | %12s | %6s | %5s | %4s | %12s | %9s | %10s |\n' scheme bits "model acc (%)" "RTL acc (%)" LUTs FFs BRAM cycles/image "fmax HX8K" "images/s"
printf '|%s|\n' "------------|------|----------------|--------------|--------|-------|------|--------------|-----------|------------"
for r in "${rows[@]}"; do
    read -r s b _ _ <<<"$r"
    d=$out/demo-$s-$b
    "$d/vl/net_tb" +vectors="$d" +stall=30 +seed=1 >"$d/sim.log" || { cat "$d/sim.log"; exit 1; }
    read -r rtl model < <(sed -n 's/.*accuracy RTL \([0-9.]*\) % ([0-9]*), model \([0-9.]*\) %.*/\1 \2/p' "$d/sim.log")
    cells=$(jq -r '(.design // (.modules | to_entries[0].value)).num_cells_by_type' "$d/stat.json")
    luts=$(echo "$cells" | jq '."SB_LUT4" // 0')
    ffs=$(echo "$cells" | jq '[to_entries[] | select(.key | test("^SB_DFF")) | .value] | add // 0')
    bram=$(echo "$cells" | jq '."SB_RAM40_4K" // 0')
    per=$(sed -n 's/^#define LOGQ_NET_PERIOD \([0-9]*\).*/\1/p' "$d/logq_net.h")
    fmax='-' ips='-'
    csv=$BUILD/net-synth/net-synth.csv
    if [ -f "$csv" ]; then
        f=$(awk -F, -v s="$s" -v b="$b" '$1 == s && $2 == b && $3 == "ice40-hx8k" { print $12 == "ok" ? $13 : $12 }' "$csv")
        case $f in
            [0-9]*) fmax="$f MHz"; ips=$(awk -v f="$f" -v p="$per" 'BEGIN { printf "%.0f", f * 1e6 / p }') ;;
            '') ;;
            *) fmax=$f ;;   # "does not fit"
        esac
    fi
    printf '| %-10s | %4s | %14s | %12s | %6s | %5s | %4s | %12s | %9s | %10s |\n' "$s" "$b" "$model" "$rtl" "$luts" "$ffs" "$bram" "$per" "$fmax" "$ips"
done
echo
echo "Every class and logit of the 450 test images: RTL = integer model (0 mismatches, 30 % stalls on both streams)."
[ -f "$BUILD/net-synth/net-synth.csv" ] || echo "fmax and images/s (HX8K): make net-synth (nextpnr, hours; cached per point), then rerun."
