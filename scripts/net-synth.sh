#!/usr/bin/env bash
# The FPGA table of docs/net.md: every scheme of `logq gen net` for the digits network
# (default folding: SIMD 16, PE 1) generated for each --target, synthesized by Yosys
# and placed and routed (nextpnr-ice40 on HX8K and UP5K, YoWASP nextpnr-ecp5 on
# ECP5-25F) with the commands the generator recorded in NAME.txt, through
# scripts/synth.sh; the accuracy of the RTL from a Verilator co-simulation of the 450
# test images (every logit checked against the integer model).
#
#   scripts/net-synth.sh WEIGHTS EVAL_HW_OUTPUT OUT_DIR
#   scripts/net-synth.sh --table OUT_DIR   (only the table of the finished points)
#   (make net-synth; NET_SYNTH_SEEDS=N seeds per device, default 3;
#    NET_SYNTH_SCHEMES="scheme:bits ..." the rows; NET_SYNTH_TARGETS="ice40-up5k ..."
#    the targets; NET_SYNTH_FOLD="--simd S --pe P" the folding, default gen net's;
#    NET_SYNTH_PNR_FLAGS="--placer sa" extra nextpnr options, recorded with the tool;
#    NET_SYNTH_FOLD may add any gen net option, e.g. "--interface axis --skid")
# Every point (scheme, target) is cached: scripts/synth.sh --reuse keys each synthesis
# and each seed by tool version, command and input contents, and a point's row
# (OUT/TARGET/SCHEME-BITS-FOLDING/row.tsv: the CSV's columns, tab-separated, as no
# field holds a tab) is kept with the key of its inputs, so an interrupted run
# resumes and two runs on disjoint NET_SYNTH_TARGETS or foldings may go side by side.
# The table lists every finished point of every folding: OUT/net-synth.md and
# OUT/net-synth.csv (RFC 4180: a field with a comma or a quote, such as the folding
# "--simd 9,8,8 --pe 1", is quoted; tests/net_synth_table.sh reads it with Python's
# csv module). BRAM: block RAMs (iCE40 EBRs, ECP5 DP16KD), not ECP5's LUT RAMs.
set -euo pipefail
usage="usage: scripts/net-synth.sh WEIGHTS EVAL_HW_OUTPUT OUT_DIR | --table OUT_DIR"

# table OUT: OUT/net-synth.csv and .md from every OUT/TARGET/POINT/row.tsv, in the
# order of the default lists of schemes and targets, then of the folding directories;
# prints the Markdown.
table() {
    local o=$1 sb t r
    for sb in shift-log2:5 shift-logsqrt2:5 loglog:5 loglog-sqrt2:5 slq:5 linear:8; do
        for t in ice40-up5k ice40-hx8k ecp5-25k; do
            for r in "$o/$t/${sb%%:*}-${sb##*:}"-*/row.tsv; do
                [ ! -s "$r" ] || cat "$r"
            done
        done
    done >"$o/net-synth.tsv"
    {
        echo "scheme,bits,target,folding,accuracy_rtl,accuracy_model,luts,ffs,bram,dsp,logic_cells,device_cells,status,fmax_median_mhz,fmax_min_mhz,fmax_max_mhz,cycles_per_image,latency,images_per_s,yosys,synth_command,pnr_tool,seeds"
        awk -F'\t' 'function q(v) { if (v ~ /[",]/) { gsub(/"/, "\"\"", v); v = "\"" v "\"" } return v }
            { for (i = 1; i <= NF; i++) printf "%s%s", q($i), i < NF ? "," : "\n" }' "$o/net-synth.tsv"
    } >"$o/net-synth.csv"
    {
        echo "| scheme | target | folding | accuracy (RTL) | LUTs | FFs | BRAM | DSP | logic cells (placed) | fmax median [min..max] (MHz) | seeds | cycles/image | images/s |"
        echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        awk -F'\t' '{
            s = $1 == "linear" ? "int8 (linear)" : $1 == "slq" ? "slq L=2" : $1
            f = $13 == "ok" ? sprintf("%s [%s..%s]", $14, $15, $16) : $13
            lc = $11 == "" ? "-" : $11 " / " $12
            printf "| %s %sb | %s | %s | %s %% | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, $2, $3, $4, $5, $7, $8, $9, $10, lc, f, $13 == "ok" ? $23 : "-", $17, $19 }' "$o/net-synth.tsv"
        echo
        echo "Yosys $(cut -f20 "$o/net-synth.tsv" | sort -u | paste -sd' '); $(cut -f22 "$o/net-synth.tsv" | sort -u | paste -sd';' | sed 's/;/; /g')."
        echo "fmax: median of the placement seeds (column seeds) inside the register wrapper of scripts/fpga-wrap.sh;"
        echo "images/s = fmax / cycles per image; LUTs, FFs, BRAM, DSP: the accelerator alone."
    } >"$o/net-synth.md"
    rm -f "$o/net-synth.tsv"
    cat "$o/net-synth.md"
}
if [ "${1:-}" = --table ]; then
    [ $# -eq 2 ] && [ -d "$2" ] || { echo "$usage (no directory '${2:-}')" >&2; exit 2; }
    table "$2"
    exit 0
fi
[ $# -eq 3 ] || { echo "$usage" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
LOGQ=${LOGQ:-$root/build/logq}
BUILD=${BUILD:-build}
export BUILD
w=$1 ev=$2 out=$3
seeds=${NET_SYNTH_SEEDS:-3}
schemes=${NET_SYNTH_SCHEMES:-"shift-log2:5 shift-logsqrt2:5 loglog:5 loglog-sqrt2:5 slq:5 linear:8"}
targets=${NET_SYNTH_TARGETS:-"ice40-up5k ice40-hx8k ecp5-25k"}
fold=${NET_SYNTH_FOLD:-}
pnrx=${NET_SYNTH_PNR_FLAGS:-}
read -r -a foldv <<<"$fold"
fold=${foldv[*]} # one space between the words: a row's field holds no tab
tsv() { local IFS=$'\t'; printf '%s\n' "$*"; } # one row of row.tsv
mkdir -p "$out"
out=$(cd "$out" && pwd)
fk=$(echo "${fold:-default}" | tr -cd 'a-z0-9')

# The RTL's accuracy: Verilator, all test images, 30 % stalls, every logit checked
# (once per scheme: the targets change only rom_style attributes and headers).
cosim() { # scheme bits -> prints "RTL model"; one run at a time per point (flock)
    local d=$out/cosim/$1-$2-$fk
    mkdir -p "$d"
    ( flock 9 && cosim_locked "$@" ) 9>"$d.lock"
}
cosim_locked() {
    local s=$1 b=$2 d=$out/cosim/$1-$2-$fk k
    "$LOGQ" gen net --weights "$w" --fsr-from "$ev" --scheme "$s" --bits "$b" "${foldv[@]}" \
        --vectors 450 -o "$d/rtl.new" >"$d/gen.log" 2>&1 ||
        { echo "net-synth: gen net $s $b failed:" >&2; cat "$d/gen.log" >&2; exit 1; }
    k=$(cat "$d"/rtl.new/*.v "$d"/rtl.new/*.hex | sha256sum | cut -c1-64)
    if [ ! -s "$d/sim.log" ] || [ "$(cat "$d/sim.key" 2>/dev/null)" != "$k" ]; then
        rm -rf "$d/rtl" "$d/vl" && mv "$d/rtl.new" "$d/rtl"
        echo "net-synth: $s $b: Verilator co-simulation of 450 images" >&2
        "$root/sim/verilator/net_build.sh" "$d/rtl" "$d/vl" >"$d/build.log" 2>&1 ||
            { echo "net-synth: verilator build failed ($d/build.log)" >&2; exit 1; }
        "$d/vl/net_tb" +vectors="$d/rtl" +stall=30 +seed=1 >"$d/sim.log" 2>&1 ||
            { echo "net-synth: co-simulation FAILED ($d/sim.log)" >&2; tail -3 "$d/sim.log" >&2; exit 1; }
        echo "$k" >"$d/sim.key"
    fi
    rm -rf "$d/rtl.new"
    sed -n 's/^net_tb: 450 images, 0 mismatches; accuracy RTL \([0-9.]*\) %.*model \([0-9.]*\) %.*/\1 \2/p' "$d/sim.log"
}

for sb in $schemes; do
    s=${sb%%:*} b=${sb##*:}
    read -r acc macc < <(cosim "$s" "$b")
    [ -n "$acc" ] || { echo "net-synth: no accuracy for $s $b" >&2; exit 1; }
    for t in $targets; do
        d=$out/$t/$s-$b-$fk
        mkdir -p "$d"
        # a point another run is working on is left to it (its row joins the table
        # of whichever run finishes last)
        exec 8>"$d.lock"
        flock -n 8 || { echo "net-synth: $s $b $t: busy in another run, skipped" >&2; continue; }
        rm -rf "$d/rtl"
        "$LOGQ" gen net --weights "$w" --fsr-from "$ev" --scheme "$s" --bits "$b" "${foldv[@]}" \
            --target "$t" -o "$d/rtl" >"$d/gen.log" 2>&1 ||
            { echo "net-synth: gen net $s $b --target $t failed:" >&2; cat "$d/gen.log" >&2; exit 1; }
        # the families and device the generator recorded for this target
        read -r fam dev < <(sed -n 's/^  scripts\/synth.sh --families \([^ ]*\) --devices \([^ ]*\) .*/\1 \2/p' \
            "$d/rtl/logq_net.txt")
        k=$( { echo "row 5: $seeds $fam $dev $acc $fold $pnrx"; cat "$d"/rtl/*.v; } | sha256sum | cut -c1-64)
        if [ -s "$d/row.tsv" ] && [ "$(cat "$d/row.key" 2>/dev/null)" = "$k" ]; then
            exec 8>&-
            continue
        fi
        echo "net-synth: $s $b bits, $t: synthesis, place and route ($seeds seeds)" >&2
        nice "$root/scripts/synth.sh" --reuse --families "$fam" --devices "$dev" --seeds "$seeds" \
            --pnr-flags "$pnrx" --label "$s-$b-$t" --out "$d/synth" "$d/rtl" logq_net >"$d/synth.log" 2>&1 ||
            { echo "net-synth: synth $s $b $t failed (log $d/synth.log)" >&2; tail -5 "$d/synth.log" >&2; exit 1; }
        IFS=, read -r _ _ _ luts ffs _ dsp _ _ _ _ yv cmd < <(tail -n +2 "$d/synth/synth.csv" | head -1)
        # block RAMs only (synth.csv's ram column also counts ECP5's LUT RAMs)
        ram=$(jq -r '[(.design // (.modules | to_entries[0].value)).num_cells_by_type // {} | to_entries[] |
            select(.key | test("^(SB_RAM40_4K|DP16KD|PDPW16KD)$")) | .value] | add // 0' "$d/synth/stat-$fam.json")
        IFS=, read -r _ _ _ _ lcs tot pdsp med mn mx ns st _ _ tool _ < <(tail -n +2 "$d/synth/pnr.csv" | head -1)
        tool+=${pnrx:+ $pnrx}
        # a wrapped top (--interface, --reset, --skid in NET_SYNTH_FOLD): the period is
        # the core's, the latency the top's (docs/interfaces.md)
        if [ -f "$d/rtl/logq_net_core.h" ]; then
            per=$(sed -n 's/^#define LOGQ_NET_CORE_PERIOD \([0-9]*\).*/\1/p' "$d/rtl/logq_net_core.h")
            lat=$(sed -n 's/^#define LOGQ_NET_TOP_LATENCY \([0-9]*\).*/\1/p' "$d/rtl/logq_net.h")
        else
            per=$(sed -n 's/^#define LOGQ_NET_PERIOD \([0-9]*\).*/\1/p' "$d/rtl/logq_net.h")
            lat=$(sed -n 's/^#define LOGQ_NET_LATENCY \([0-9]*\).*/\1/p' "$d/rtl/logq_net.h")
        fi
        [ -n "$per" ] && [ -n "$lat" ] ||
            { echo "net-synth: no period or latency in $d/rtl's headers" >&2; exit 1; }
        ips=-
        [ "$st" = ok ] && ips=$(awk -v f="$med" -v p="$per" 'BEGIN { printf "%.0f", f * 1e6 / p }')
        rm -f "$d/row.csv" # the format before row 3 (no folding, commas)
        tsv "$s" "$b" "$t" "${fold:-default}" "$acc" "$macc" "$luts" "$ffs" "$ram" "${pdsp:-$dsp}" \
            "${lcs:-}" "${tot:-}" "$st" "${med:-}" "${mn:-}" "${mx:-}" "$per" "$lat" "$ips" "$yv" "$cmd" \
            "$tool" "$ns" >"$d/row.tsv"
        echo "$k" >"$d/row.key"
        echo "net-synth: $s $b $t: $luts LUTs, $ffs FFs, $ram BRAM, $st ${med:+$med MHz [$mn..$mx]}, $per cycles/image" >&2
        exec 8>&-
    done
done

table "$out"
