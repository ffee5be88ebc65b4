#!/usr/bin/env bash
# fmax, LUTs and FFs of one MAC configuration against its --pipeline choice, on
# HX8K with the plain and the -abc9 iCE40 netlists (docs/fpga.md, "fmax against
# pipeline depth"). `make fmax-sweep` runs it.
#
#   scripts/fmax-sweep.sh OUT PIPELINE...   e.g. OUT=build/fmax none product full
#
# Each PIPELINE is a `logq gen mac --pipeline` value; its point is
# OUT/NAME (NAME: the value with ',' -> '_' and ':' -> '-'), synthesized with
# scripts/synth.sh --reuse (a finished point is not recomputed). Writes OUT/fmax.md
# and OUT/fmax.csv: pipeline, latency (cycles, from NAME.txt), LUTs, FFs, fmax median
# [min..max] per netlist, and the critical path of seed 1 (scripts/critpath.sh).
#
# Environment: LOGQ (build/logq), FMAX_GEN (extra `logq gen mac` options, default
# none: the 16-lane 8-bit x 5-bit default), FMAX_SEEDS (3), FMAX_NETLISTS (the iCE40
# netlists placed, default "ice40 ice40-abc9").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOGQ=${LOGQ:-build/logq}
SEEDS=${FMAX_SEEDS:-3}
NETLISTS=${FMAX_NETLISTS:-ice40 ice40-abc9}
families=$(echo $NETLISTS | tr ' ' ',')
devices=$(for nl in $NETLISTS; do printf 'hx8k:%s ' "$nl"; done | sed 's/ $//' | tr ' ' ',')
die() { echo "fmax-sweep: $*" >&2; exit 2; }
trap 'echo "fmax-sweep: interrupted" >&2; exit 130' INT TERM
[ $# -ge 2 ] || die "usage: fmax-sweep.sh OUT PIPELINE..."
out=$1
shift
mkdir -p "$out"
csv=$out/fmax.csv md=$out/fmax.md
echo "pipeline,latency,netlist,command,luts,ffs,fmax_median_mhz,fmax_min_mhz,fmax_max_mhz,seeds,status,pnr_tool,critical_path" >"$csv"
{
    echo "| --pipeline | latency | netlist | LUTs | FFs | HX8K fmax MHz, median [min..max] | critical path (seed 1) |"
    echo "|---|---:|---|---:|---:|---|---|"
} >"$md"
for p in "$@"; do
    name=$(echo "$p" | tr ',:' '_-')
    d=$out/$name
    # shellcheck disable=SC2086
    "$LOGQ" gen mac ${FMAX_GEN:-} --pipeline "$p" -o "$d/rtl" >"$d.gen.log" 2>&1 ||
        { cat "$d.gen.log" >&2; die "logq gen mac --pipeline $p failed"; }
    "$here/synth.sh" --reuse --families "$families" --devices "$devices" \
        --seeds "$SEEDS" --label "pipeline-$name" --out "$d" "$d/rtl" logq_mac >"$d.out" 2>&1 ||
        { tail -20 "$d.out" >&2; die "synthesis of --pipeline $p failed ($d.out)"; }
    lat=$(sed -n 's/^latency: \([0-9]*\) cycle.*/\1/p' "$d/rtl/logq_mac.txt")
    for nl in $NETLISTS; do
        path=$(awk '/ cell\(s\) /{ printf "%s%s", sep, $NF; sep = " > " }' "$d/critpath-hx8k-$nl.txt")
        awk -F, -v p="$p" -v lat="$lat" -v nl="$nl" -v path="$path" -v csv="$csv" -v md="$md" '
            FNR == 1 { next }
            FILENAME ~ /synth.csv$/ && $3 == nl { luts = $4; ffs = $5; cmd = $13 }
            FILENAME ~ /pnr.csv$/ && $4 == nl {
                printf "\"%s\",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", p, lat, nl, cmd, luts, ffs,
                    $8, $9, $10, $11, $12, $15, path >> csv
                f = $12 == "ok" ? $8 " [" $9 ".." $10 "]" : $12
                printf "| `%s` | %s | `%s` | %s | %s | %s | %s |\n", p, lat, cmd, luts, ffs, f, path >> md }' \
            "$d/synth.csv" "$d/pnr.csv"
    done
    echo "fmax-sweep: --pipeline $p done" >&2
done
cat "$md"
