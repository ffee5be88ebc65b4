#!/usr/bin/env bash
# The FPGA table of docs/net.md: every scheme of `logq gen net` for the digits network
# (default folding: SIMD 16, PE 1), synthesized by Yosys for iCE40 and placed and
# routed by nextpnr-ice40 on HX8K (no DSP) and UP5K (with DSP), through
# scripts/synth.sh; then accuracy (the integer network = the RTL), resources, fmax
# (median of the seeds), cycles per image and images per second at that fmax.
#
#   scripts/net-synth.sh WEIGHTS EVAL_HW_OUTPUT OUT_DIR
#   (make net-synth; NET_SYNTH_SEEDS=N seeds per device, default 3;
#    NET_SYNTH_SCHEMES="scheme:bits ..." to choose the rows; NET_SYNTH_FOLD="--simd
#    S --pe P" the folding, default gen net's: SIMD 16, PE 1)
# Writes OUT_DIR/net-synth.md and .csv; one scripts/synth.sh run per scheme under
# OUT_DIR/SCHEME-BITS.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: scripts/net-synth.sh WEIGHTS EVAL_HW_OUTPUT OUT_DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
LOGQ=${LOGQ:-$root/build/logq}
w=$1 ev=$2 out=$3
seeds=${NET_SYNTH_SEEDS:-3}
schemes=${NET_SYNTH_SCHEMES:-"shift-log2:5 shift-logsqrt2:5 loglog:5 loglog-sqrt2:5 slq:5 linear:5 linear:8"}
fold=${NET_SYNTH_FOLD:-"--simd 16 --pe 1"}
read -r -a foldv <<<"$fold"
mkdir -p "$out"
csv=$out/net-synth.csv
echo "scheme,bits,folding,accuracy,luts_ice40,ffs,bram,hx8k_lcs,hx8k_fmax,up5k_lcs,up5k_dsp,up5k_fmax,cycles_per_image,latency,images_per_s_hx8k,images_per_s_up5k" >"$csv"
# eval's names of a scheme's weights and activations (its hw-fsr lines)
names() {
    case $1 in
        shift-log2) echo "log2 linear" ;; shift-logsqrt2) echo "logsqrt2 linear" ;;
        loglog) echo "log2 log2" ;; loglog-sqrt2) echo "logsqrt2 logsqrt2" ;;
        slq) echo "slq-L2 linear" ;; linear) echo "linear linear" ;;
    esac
}
for sb in $schemes; do
    s=${sb%%:*} b=${sb##*:}
    d=$out/$s-$b-$(echo "$fold" | tr -d ' -')
    rm -rf "$d/rtl"
    "$LOGQ" gen net --weights "$w" --fsr-from "$ev" --scheme "$s" --bits "$b" "${foldv[@]}" -o "$d/rtl" >"$d.gen" 2>&1 ||
        { echo "net-synth: gen net $s $b failed:" >&2; cat "$d.gen" >&2; exit 1; }
    scripts_out=$d/synth
    "$root/scripts/synth.sh" --families ice40 --devices hx8k,up5k --seeds "$seeds" \
        --label "$s-$b" --out "$scripts_out" "$d/rtl" logq_net >"$d.synth" 2>&1 ||
        { echo "net-synth: synth $s $b failed (log $d.synth)" >&2; tail -5 "$d.synth" >&2; exit 1; }
    read -r wn an < <(names "$s")
    col=$([ "$b" = 5 ] && echo 5 || echo 6)
    acc=$(grep "^| $wn | $an | integer (hw) |" "$ev" | awk -F'|' -v c="$col" '{ gsub(/ /, "", $c); print $c }')
    IFS=, read -r _ _ _ luts ffs _ _ _ ram _ _ < <(tail -n +2 "$scripts_out/synth.csv" | grep ',ice40,' | head -1)
    hx=$(grep ',hx8k,' "$scripts_out/pnr.csv" | head -1)
    up=$(grep ',up5k,' "$scripts_out/pnr.csv" | head -1)
    hxl=$(echo "$hx" | cut -d, -f5) hxf=$(echo "$hx" | cut -d, -f8)
    upl=$(echo "$up" | cut -d, -f5) upd=$(echo "$up" | cut -d, -f7) upf=$(echo "$up" | cut -d, -f8)
    per=$(sed -n 's/^#define LOGQ_NET_PERIOD \([0-9]*\).*/\1/p' "$d/rtl/logq_net.h")
    lat=$(sed -n 's/^#define LOGQ_NET_LATENCY \([0-9]*\).*/\1/p' "$d/rtl/logq_net.h")
    ips() { case $1 in [0-9]*) awk -v f="$1" -v p="$per" 'BEGIN { printf "%.0f", f * 1e6 / p }' ;; *) echo "-" ;; esac; }
    hxf=${hxf:-$(echo "$hx" | cut -d, -f12)}
    upf=${upf:-$(echo "$up" | cut -d, -f12)}
    echo "$s,$b,$fold,$acc,$luts,$ffs,$ram,$hxl,$hxf,$upl,$upd,$upf,$per,$lat,$(ips "$hxf"),$(ips "$upf")" >>"$csv"
    echo "net-synth: $s $b bits: accuracy $acc %, $luts LUTs, $ffs FFs, $ram BRAM, HX8K $hxf MHz, UP5K $upf MHz, $per cycles/image" >&2
done
{
    echo "| scheme | bits | folding | accuracy (RTL = model) | LUTs | FFs | BRAM (4 kbit) | HX8K logic cells | HX8K fmax (MHz) | UP5K logic cells | UP5K DSP | UP5K fmax (MHz) | cycles/image | latency | images/s HX8K | images/s UP5K |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    tail -n +2 "$csv" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 }'
    echo
    echo "Yosys synth_ice40 (LUTs, FFs, BRAM: the block alone); nextpnr-ice40 inside the"
    echo "register-to-register wrapper of scripts/fpga-wrap.sh, median fmax of $seeds seed(s);"
    echo "images/s = fmax / cycles per image; an empty fmax: does not fit (see OUT_DIR/*/synth)."
} >"$out/net-synth.md"
cat "$out/net-synth.md"
