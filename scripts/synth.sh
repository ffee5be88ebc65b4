#!/usr/bin/env bash
# Synthesize one generated block for FPGAs, place and route it on iCE40, report the
# resources and fmax; optionally simulate the iCE40 netlist against the RTL.
# docs/fpga.md describes the flow and every column.
#
# Usage: scripts/synth.sh [options] DIR [TOP]
#   DIR: a directory written by `logq gen` (or any Verilog); TOP: the top module
#   (default: the NAME of the one NAME.f in DIR that has a NAME.v beside it). The
#   sources are the files listed in TOP.f (relative to DIR), else every DIR/*.v.
#
# Options:
#   --families LIST  comma list of: ice40 ice40-dsp ecp5 ecp5-nodsp xilinx
#                    xilinx-nodsp, or all (default all), or none
#   --devices LIST   place and route with nextpnr-ice40 on: hx8k (HX8K ct256, iCE40
#                    netlist without DSP), up5k (UP5K sg48, netlist with -dsp), or
#                    none (default hx8k,up5k)
#   --seeds N        placement seeds per device; fmax is the median, with min and
#                    max (default 5)
#   --eqv N          simulate the iCE40 netlist against the RTL in Icarus for N
#                    random cycles (default 0: off)
#   --eqv-seed S     stimulus seed for --eqv (default 1)
#   --eqv-inject C   test only: flip one netlist output bit at cycle C (the check
#                    must then fail)
#   --label NAME     design name in the tables (default: basename of DIR)
#   --out DIR        work and report directory (default build/synth/LABEL)
#
# Writes OUT/synth.csv, OUT/pnr.csv, OUT/report.md and one log per run; prints the
# tables. Exit status: 0 ok; 1 a check failed (latch, unexpected warning, tool
# error, netlist mismatch); 2 bad usage. A design too large for a device is
# reported as "does not fit", not as a failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "synth: $*" >&2; exit 2; }
fail=0
failmsg() { echo "synth: FAIL: $*" >&2; fail=1; }

families=all devices=hx8k,up5k seeds=5 eqv=0 eqv_seed=1 eqv_inject=-1 label='' out=''
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --families) families=${2:?}; shift 2 ;;
        --devices) devices=${2:?}; shift 2 ;;
        --seeds) seeds=${2:?}; shift 2 ;;
        --eqv) eqv=${2:?}; shift 2 ;;
        --eqv-seed) eqv_seed=${2:?}; shift 2 ;;
        --eqv-inject) eqv_inject=${2:?}; shift 2 ;;
        --label) label=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option '$1'" ;;
        *) args+=("$1"); shift ;;
    esac
done
[ ${#args[@]} -ge 1 ] && [ ${#args[@]} -le 2 ] || die "usage: scripts/synth.sh [options] DIR [TOP] (--help)"
dir=${args[0]}
[ -d "$dir" ] || die "no directory '$dir'"
dir=$(cd "$dir" && pwd)
[[ $seeds =~ ^[1-9][0-9]*$ ]] || die "--seeds '$seeds' is not a positive integer"
[[ $eqv =~ ^[0-9]+$ ]] || die "--eqv '$eqv' is not a non-negative integer"
[[ $eqv_seed =~ ^[0-9]+$ ]] || die "--eqv-seed '$eqv_seed' is not a non-negative integer"
[[ $eqv_inject =~ ^-?[0-9]+$ ]] || die "--eqv-inject '$eqv_inject' is not an integer"
[ "$families" = all ] && families=ice40,ice40-dsp,ecp5,ecp5-nodsp,xilinx,xilinx-nodsp
[ "$families" = none ] && families=''
[ "$devices" = none ] && devices=''
IFS=, read -r -a fams <<<"$families"
IFS=, read -r -a devs <<<"$devices"
for f in "${fams[@]}"; do
    case $f in ice40|ice40-dsp|ecp5|ecp5-nodsp|xilinx|xilinx-nodsp) ;;
        *) die "--families: unknown family '$f'" ;; esac
done
for d in "${devs[@]}"; do
    case $d in hx8k|up5k) ;; *) die "--devices: unknown device '$d'" ;; esac
done

# The top and its sources.
if [ ${#args[@]} -eq 2 ]; then
    top=${args[1]}
else
    cands=()
    for f in "$dir"/*.f; do
        [ -e "$f" ] || continue
        n=$(basename "$f" .f)
        [[ $n == *.* ]] && continue          # NAME.icarus.f, NAME.vendor.f
        [ -e "$dir/$n.v" ] && cands+=("$n")
    done
    [ ${#cands[@]} -eq 1 ] || die "cannot tell the top in '$dir' (candidates: ${cands[*]:-none}): give TOP"
    top=${cands[0]}
fi
[[ $top =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad top name '$top'"
srcs=()
if [ -r "$dir/$top.f" ]; then
    while read -r line; do
        line=${line%%//*}
        line=${line%%#*}
        line=$(echo "$line" | tr -d '[:space:]')
        [ -n "$line" ] || continue
        case $line in +*|-*) continue ;; esac
        case $line in /*) srcs+=("$line") ;; *) srcs+=("$dir/$line") ;; esac
    done <"$dir/$top.f"
else
    for f in "$dir"/*.v; do [ -e "$f" ] && srcs+=("$f"); done
fi
[ ${#srcs[@]} -gt 0 ] || die "no Verilog sources for '$top' in '$dir'"
for f in "${srcs[@]}"; do [ -r "$f" ] || die "cannot read source '$f'"; done

[ -n "$label" ] || label=$(basename "$dir")
[ -n "$out" ] || out=build/synth/$label
mkdir -p "$out"
out=$(cd "$out" && pwd)
for t in yosys jq; do command -v $t >/dev/null || die "needs $t (make deps)"; done

# Warnings that are expected and harmless; everything else fails the run.
# LOGQ_SYNTH_ALLOW adds an extended regular expression.
allow='ABC: Warning: The network is combinational|No PCF file specified'
[ -n "${LOGQ_SYNTH_ALLOW:-}" ] && allow="$allow|$LOGQ_SYNTH_ALLOW"

# check_log LOG WHAT: no inferred latch, no warning outside the allow-list.
check_log() {
    local log=$1 what=$2 bad
    if grep -q 'Latch inferred' "$log"; then
        failmsg "$what: latch inferred ($log):"
        grep 'Latch inferred' "$log" | head -5 >&2
    fi
    bad=$(grep -E 'Warning:|WARNING:' "$log" | grep -v -E "$allow" | sort -u || true)
    if [ -n "$bad" ]; then
        failmsg "$what: unexpected warning(s) ($log):"
        echo "$bad" | head -10 >&2
    fi
}

synth_cmd() {
    case $1 in
        ice40) echo "synth_ice40 -top $2" ;;
        ice40-dsp) echo "synth_ice40 -dsp -top $2" ;;
        ecp5) echo "synth_ecp5 -top $2" ;;
        ecp5-nodsp) echo "synth_ecp5 -nodsp -top $2" ;;
        xilinx) echo "synth_xilinx -noiopad -noclkbuf -top $2" ;;
        xilinx-nodsp) echo "synth_xilinx -nodsp -noiopad -noclkbuf -top $2" ;;
    esac
}

# Resource counts from `stat -json`: luts ffs carry dsp wide_mux ram latches other cells.
count_cells() {
    jq -r '(.design // (.modules | to_entries[0].value)).num_cells_by_type // {} | to_entries[] |
        "\(.key) \(.value)"' "$1" | awk '
        { t = $1; n = $2; cells += n
          if (t ~ /^(SB_LUT4|LUT4|LUT[1-6])$/) lut += n
          else if (t ~ /^(SB_DFF.*|TRELLIS_FF|FD[RSCP]E.*)$/) ff += n
          else if (t ~ /^(SB_CARRY|CCU2C|CARRY4|CARRY8)$/) carry += n
          else if (t ~ /^(SB_MAC16|MULT18X18D|ALU54B|DSP48E1|DSP48E2)$/) dsp += n
          else if (t ~ /^(PFUMX|L6MUX21|MUXF7|MUXF8)$/) mux += n
          else if (t ~ /^(SB_RAM40_4K|SB_SPRAM256KA|DP16KD|PDPW16KD|TRELLIS_DPR16X4|RAMB18E1|RAMB36E1|RAM(32|64|128|256)[XM].*|SRL16E|SRLC32E)$/) ram += n
          else if (t ~ /LATCH|^LD[CP]E/) latch += n
          else other += n }
        END { printf "%d %d %d %d %d %d %d %d %d\n", lut, ff, carry, dsp, mux, ram, latch, other, cells }'
}

synth_csv=$out/synth.csv
pnr_csv=$out/pnr.csv
echo "design,top,target,luts,ffs,carry,dsp,wide_mux,ram,other,cells" >"$synth_csv"
echo "design,top,device,netlist,logic_cells,device_cells,dsp,fmax_median_mhz,fmax_min_mhz,fmax_max_mhz,seeds,status" >"$pnr_csv"

for fam in "${fams[@]}"; do
    log=$out/synth-$fam.log
    extra=''
    [ "$fam" = ice40 ] && extra="; rename $top ${top}_netlist; write_verilog -noattr $out/netlist-ice40.v"
    echo "synth: $label $fam: $(synth_cmd "$fam" "$top")" >&2
    if ! yosys -q -l "$log" -p "read_verilog ${srcs[*]}; $(synth_cmd "$fam" "$top");
            tee -q -o $out/stat-$fam.json stat -json$extra" >/dev/null 2>&1; then
        failmsg "$label $fam: yosys failed ($log)"
        grep -E 'ERROR' "$log" | head -5 >&2 || true
        continue
    fi
    check_log "$log" "$label $fam"
    read -r lut ff carry dsp mux ram latch other cells < <(count_cells "$out/stat-$fam.json")
    [ "$latch" -eq 0 ] || failmsg "$label $fam: $latch latch cell(s)"
    echo "$label,$top,$fam,$lut,$ff,$carry,$dsp,$mux,$ram,$other,$cells" >>"$synth_csv"
done

# Place and route inside the register-to-register wrapper.
if [ ${#devs[@]} -gt 0 ]; then
    command -v nextpnr-ice40 >/dev/null || die "needs nextpnr-ice40 (make deps)"
    "$here/fpga-wrap.sh" wrapper "$top" "${srcs[@]}" >"$out/wrap.v" || { failmsg "wrapper"; devs=(); }
fi
for dev in "${devs[@]}"; do
    case $dev in
        hx8k) dflags="--hx8k --package ct256"; nl=ice40; sflags='' ;;
        up5k) dflags="--up5k --package sg48"; nl=ice40-dsp; sflags='-dsp' ;;
    esac
    log=$out/wrap-$nl.log
    json=$out/wrap-$nl.json
    if [ ! -s "$json" ] || [ "$json" -ot "$out/wrap.v" ]; then
        echo "synth: $label wrapper synth_ice40 $sflags" >&2
        if ! yosys -q -l "$log" -p "read_verilog ${srcs[*]} $out/wrap.v;
                synth_ice40 $sflags -top logq_fpga_wrap -json $json" >/dev/null 2>&1; then
            failmsg "$label wrapper ($nl): yosys failed ($log)"
            rm -f "$json"
            continue
        fi
        check_log "$log" "$label wrapper ($nl)"
    fi
    fmaxes=() status=ok lcs='' total='' dspu=0
    for ((s = 1; s <= seeds; s++)); do
        plog=$out/pnr-$dev-seed$s.log
        echo "synth: $label nextpnr-ice40 $dev seed $s" >&2
        if nextpnr-ice40 $dflags --json "$json" --pcf-allow-unconstrained --seed "$s" \
                --timing-allow-fail -q -l "$plog" >/dev/null 2>&1; then
            f=$(grep -E "Max frequency for clock '[^']*clk" "$plog" | tail -1 |
                sed -E 's/.*: ([0-9.]+) MHz.*/\1/' || true)
            [ -n "$f" ] || { failmsg "$label $dev seed $s: no fmax in $plog"; status=error; break; }
            fmaxes+=("$f")
            read -r lcs total < <(grep -E 'ICESTORM_LC: +[0-9]+/ *[0-9]+' "$plog" | tail -1 |
                sed -E 's/.*ICESTORM_LC: *([0-9]+)\/ *([0-9]+).*/\1 \2/') || true
            dspu=$(grep -E 'ICESTORM_DSP: +[0-9]+/ *[0-9]+' "$plog" | tail -1 | sed -E 's/.*ICESTORM_DSP: *([0-9]+)\/.*/\1/' || true)
            dspu=${dspu:-0}
        elif grep -q -E 'no BELs remaining|Unable to place|Failed to expand region|exceeds|too many|not enough' "$plog"; then
            status="does not fit"
            read -r lcs total < <(grep -E 'ICESTORM_LC: +[0-9]+/ *[0-9]+' "$plog" | tail -1 |
                sed -E 's/.*ICESTORM_LC: *([0-9]+)\/ *([0-9]+).*/\1 \2/') || true
            break
        elif grep -q -E 'Failed to route|route.*fail|Routing failed' "$plog"; then
            status="does not route"
            break
        else
            failmsg "$label $dev seed $s: nextpnr failed ($plog)"
            grep ERROR "$plog" | head -3 >&2 || true
            status=error
            break
        fi
    done
    if [ "$status" = ok ]; then
        read -r med mn mx < <(printf '%s\n' "${fmaxes[@]}" | sort -g | awk '
            { v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                                 printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }')
        echo "$label,$top,$dev,$nl,$lcs,$total,$dspu,$med,$mn,$mx,${#fmaxes[@]},ok" >>"$pnr_csv"
    else
        echo "$label,$top,$dev,$nl,${lcs:-},${total:-},,,,,0,$status" >>"$pnr_csv"
    fi
done

# Netlist against RTL.
eqv_line=''
if [ "$eqv" -gt 0 ]; then
    if [ ! -s "$out/netlist-ice40.v" ]; then
        failmsg "--eqv needs the ice40 family"
    else
        datdir=$( (yosys-config --datdir 2>/dev/null) || echo "$(dirname "$(command -v yosys)")/../share/yosys")
        "$here/fpga-wrap.sh" bench "$top" "${srcs[@]}" >"$out/eqv_tb.v"
        rerun="scripts/synth.sh --families ice40 --devices none --eqv $eqv --eqv-seed $eqv_seed $dir $top"
        echo "synth: $label netlist vs RTL, $eqv cycles, seed $eqv_seed; rerun: $rerun" >&2
        if ! iverilog -g2005 -DNO_ICE40_DEFAULT_ASSIGNMENTS -o "$out/eqv.vvp" "$out/eqv_tb.v" \
                "$out/netlist-ice40.v" "${srcs[@]}" "$datdir/ice40/cells_sim.v" >"$out/eqv-build.log" 2>&1; then
            failmsg "$label: iverilog could not build the netlist bench ($out/eqv-build.log)"
            head -5 "$out/eqv-build.log" >&2
        else
            vvp -n "$out/eqv.vvp" +seed="$eqv_seed" +cycles="$eqv" +inject="$eqv_inject" >"$out/eqv.log" 2>&1 || true
            cat "$out/eqv.log" >&2
            if grep -q '^eqv: PASS' "$out/eqv.log"; then
                eqv_line="netlist (iCE40) = RTL over $eqv random cycles, seed $eqv_seed"
            else
                failmsg "$label: iCE40 netlist differs from the RTL (seed $eqv_seed); rerun: $rerun"
                eqv_line="netlist (iCE40) DIFFERS from RTL (seed $eqv_seed)"
            fi
        fi
    fi
fi

# Report.
{
    echo "# $label ($top)"
    echo
    echo "Sources: ${srcs[*]##*/}"
    echo
    if [ "$(wc -l <"$synth_csv")" -gt 1 ]; then
        echo "| target | LUTs | FFs | carry | DSP | wide mux | RAM/SRL | other | cells |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        tail -n +2 "$synth_csv" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
        echo
    fi
    if [ "$(wc -l <"$pnr_csv")" -gt 1 ]; then
        echo "| device | netlist | logic cells | DSP | fmax median (MHz) | min | max | seeds | status |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
        tail -n +2 "$pnr_csv" | awk -F, '{ lc = $5 == "" ? "" : $5 "/" $6
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $3, $4, lc, $7, $8, $9, $10, $11, $12 }'
        echo
    fi
    [ -n "$eqv_line" ] && echo "$eqv_line" && echo
    echo "Wrapper: clk, rst, si, ld, so; block inputs and outputs registered (scripts/fpga-wrap.sh)."
} >"$out/report.md"
cat "$out/report.md"
[ $fail -eq 0 ] || { echo "synth: FAILED (see messages above)" >&2; exit 1; }
