#!/usr/bin/env bash
# Shift and loglog MAC arrays against their two multiplier baselines (mult: the log
# weight expanded to an integer; linear and int: linear integer weights), FPGA
# resources, fmax and the ratios. `make compare` runs it (docs/fpga.md).
#
#   scripts/compare.sh point NAME OUTDIR   generate and synthesize one point; NAME is
#                                          MODE-nLANES-wWIDTH, e.g. shift-n16-w8
#   scripts/compare.sh report OUT POINTDIR...   OUT/compare.{md,csv,png}, ratios.csv
#                                          from the points that are finished; the
#                                          others are listed as missing (partial grid)
#   scripts/compare.sh all [OUT]           every point (serially), then the report
#
# Operand widths (WIDTH = bits of the linear activation):
#   w4:  shift/mult 4-bit linear activation x 3-bit log weight; loglog 3 x 3-bit logs
#   w8:  8-bit activation x 5-bit log weight (the default);     loglog 5 x 5
#   w16: 16-bit activation x 6-bit log weight;                  loglog 6 x 6
# shift and mult take exactly the same operands and compute the same sums (mult is
# the multiplier baseline of `logq gen mac --mode mult`); loglog takes a log code of
# the weight's width for the activation as well. linear (`--mode linear`) takes linear
# integer weights of the log weight's width (4 x 3, 8 x 5, 16 x 6 bits: on the digits
# as accurate as base-sqrt(2) log weights of that width, more than base-2 ones:
# docs/eval.md), int takes linear weights as wide as the activation (int4 x int4,
# int8 x int8, int16 x int16).
# The multiplier baselines of COMPARE_NODSP_MODES (default linear int) are also
# synthesized with DSP inference off (ecp5-nodsp, xilinx-nodsp) and placed on ECP5
# from that netlist; iCE40 without -dsp and the HX8K never use DSP blocks.
#
# A point is cached: scripts/synth.sh --reuse keeps every synthesis and every
# place-and-route seed whose inputs (tool version, command, file contents) are
# unchanged, so running a point again costs seconds, an interrupted point resumes at
# the step it was in, and a new family or device computes only itself. OUTDIR/done
# marks a finished point (it holds the settings it was finished with).
#
# Environment: LOGQ (default build/logq), COMPARE_SEEDS (3), COMPARE_FAMILIES,
# COMPARE_DEVICES (defaults below: scripts/synth.sh names), COMPARE_MODES,
# COMPARE_LANES, COMPARE_WIDTHS (for `all` and the missing-point list of `report`).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOGQ=${LOGQ:-build/logq}
FAMILIES=${COMPARE_FAMILIES:-ice40,ice40-abc9,ice40-dsp,ecp5,ecp5-abc9,xilinx,xilinx-abc9}
DEVICES=${COMPARE_DEVICES:-hx8k,up5k,ecp5-25k,ecp5-25k:ecp5-abc9}
SEEDS=${COMPARE_SEEDS:-3}
NODSP_MODES=${COMPARE_NODSP_MODES:-linear int}
MODES_RE='shift|loglog|mult|linear|int'
ALL_MODES='shift loglog mult linear int'
# families_of MODE, devices_of MODE: the point's families and devices.
nodsp() { [[ " $NODSP_MODES " == *" $1 "* ]]; }
# The modes with a multiplier (mult and the integer baselines) leave out xilinx-abc9:
# Yosys 0.23's synth_xilinx -abc9 on their DSP48E1 cascades (linear 16 lanes w8, mult 4
# lanes w8) leaves wires undriven ("is used but has no driver", from
# xilinx_dsp_cascade) and maps 8 DSPs for 16 multipliers: a wrong netlist, which
# synth.sh rightly fails on.
multiplier() { [[ " mult linear int " == *" $1 "* ]]; }
no_xabc9() { sed 's/,xilinx-abc9,/,/; s/,xilinx-abc9$//; s/^xilinx-abc9,//'; }
families_of() {
    local f=$FAMILIES
    nodsp "$1" && f="$f,ecp5-nodsp,xilinx-nodsp"
    if multiplier "$1"; then echo "$f" | no_xabc9; else echo "$f"; fi
}
# (the no-DSP ECP5 placement only when ECP5 is placed at all)
devices_of() {
    if nodsp "$1" && [[ ,$DEVICES, == *,ecp5-25k[,:]* ]]; then echo "$DEVICES,ecp5-25k:ecp5-nodsp"
    else echo "$DEVICES"; fi
}
die() { echo "compare: $*" >&2; exit 2; }
trap 'echo "compare: interrupted" >&2; exit 130' INT TERM

# gen_args NAME: the `logq gen mac` options of a point (MODE-nLANES-wWIDTH).
gen_args() {
    local mode lanes width ab wb
    [[ $1 =~ ^($MODES_RE)-n([0-9]+)-w([0-9]+)$ ]] || return 1
    mode=${BASH_REMATCH[1]} lanes=${BASH_REMATCH[2]} width=${BASH_REMATCH[3]}
    case $width in
        4) ab=4 wb=3 ;;
        8) ab=8 wb=5 ;;
        16) ab=16 wb=6 ;;
        *) return 1 ;;
    esac
    [ "$mode" = loglog ] && ab=$wb
    [ "$mode" = int ] && wb=$ab
    case $mode in linear|int) mode=linear ;; esac
    echo "--mode $mode --lanes $lanes --bits $wb --act-bits $ab"
}

# settings MODE: what a point of MODE is finished with (its done file).
settings() { echo "families=$(families_of "$1") devices=$(devices_of "$1") seeds=$SEEDS"; }

point() {
    local name=$1 out=$2 args mode=${1%%-*}
    args=$(gen_args "$name") || die "bad point name '$name' (MODE-nLANES-wWIDTH, width 4, 8 or 16)"
    mkdir -p "$out"
    rm -f "$out/done"
    # shellcheck disable=SC2086
    "$LOGQ" gen mac $args -o "$out/rtl" >"$out/gen.log"
    "$here/synth.sh" --reuse --families "$(families_of "$mode")" --devices "$(devices_of "$mode")" --seeds "$SEEDS" \
        --label "$name" --out "$out" "$out/rtl" logq_mac >"$out/synth.out" 2>&1 ||
        { tail -20 "$out/synth.out" >&2; die "$name: synthesis failed ($out/synth.out)"; }
    settings "$mode" >"$out/done"
    echo "compare: $name done ($(grep -o '[0-9]* step(s) reused' "$out/synth.out" || echo 'nothing reused'))" >&2
}

# The long CSV: one row per point and target (a synthesis family or a placed device),
# with the exact Yosys command and place-and-route tool that produced its numbers.
HEADER=mode,lanes,width,kind,target,luts,ffs,carry,dsp,wide_mux,logic_cells,device_cells,fmax_median_mhz,fmax_min_mhz,fmax_max_mhz,seeds,status,yosys,command,pnr_tool,pnr_command

report() {
    local out=$1 d name done_n=0 missing=() missing_dirs=() all_n=0
    shift
    mkdir -p "$out"
    local csv=$out/compare.csv
    echo "$HEADER" >"$csv.tmp"
    for d in "$@"; do
        name=$(basename "$d")
        [[ $name =~ ^($MODES_RE)-n([0-9]+)-w([0-9]+)$ ]] || continue
        all_n=$((all_n + 1))
        # finished with the current settings (done holds those it was finished with)
        if [ "$(cat "$d/done" 2>/dev/null)" != "$(settings "${BASH_REMATCH[1]}")" ]; then missing+=("$name"); missing_dirs+=("$d/done"); continue; fi
        done_n=$((done_n + 1))
        local pre="${BASH_REMATCH[1]},${BASH_REMATCH[2]},${BASH_REMATCH[3]}"
        # synth.csv: design,top,target,luts,ffs,carry,dsp,wide_mux,ram,other,cells,yosys,command
        tail -n +2 "$d/synth.csv" | awk -F, -v p="$pre" '{ printf "%s,synth,%s,%s,%s,%s,%s,%s,,,,,,,ok,%s,%s,,\n", p, $3, $4, $5, $6, $7, $8, $12, $13 }' >>"$csv.tmp"
        # pnr.csv: design,top,device,netlist,logic_cells,device_cells,dsp,fmax_median_mhz,
        #          fmax_min_mhz,fmax_max_mhz,seeds,status,yosys,netlist_command,pnr_tool,pnr_command
        tail -n +2 "$d/pnr.csv" | awk -F, -v p="$pre" '{ printf "%s,pnr,%s:%s,,,,%s,,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", p, $3, $4, $7, $5, $6, $8, $9, $10, $11, $12, $13, $14, $15, $16 }' >>"$csv.tmp"
    done
    # Sort: width, lanes, kind, target, mode (shift, loglog, mult, linear, int).
    { head -1 "$csv.tmp"; tail -n +2 "$csv.tmp" | awk -F, '{ o = $1 == "shift" ? 1 : $1 == "loglog" ? 2 : $1 == "mult" ? 3 : $1 == "linear" ? 4 : 5
        printf "%06d %06d %s %s %d %s\n", $3, $2, $4, $5, o, $0 }' | sort -s -k1,1n -k2,2n -k3,3r -k4,4 -k5,5n | cut -d' ' -f6-; } >"$csv"
    rm -f "$csv.tmp"

    local md=$out/compare.md
    {
        echo "# Log MAC arrays (shift, loglog) against multiplier baselines (mult, linear, int) on FPGAs"
        echo
        echo "Generated by \`scripts/compare.sh report\` (\`make compare\`): $done_n of $all_n points."
        if [ ${#missing[@]} -gt 0 ]; then
            echo
            echo "**Partial grid**: ${#missing[@]} point(s) not finished yet: ${missing[*]}."
            echo
            echo "This completes it (finished steps are cached and not recomputed):"
            echo
            echo "    make -j2 compare COMPARE_MODES='${COMPARE_MODES:-$ALL_MODES}' COMPARE_LANES='${COMPARE_LANES:-4 16 64}' \\"
            echo "        COMPARE_WIDTHS='${COMPARE_WIDTHS:-4 8 16}' COMPARE_SEEDS=$SEEDS \\"
            echo "        COMPARE_FAMILIES=$FAMILIES \\"
            echo "        COMPARE_DEVICES=$DEVICES COMPARE_NODSP_MODES='$NODSP_MODES'"
            echo
            echo "\`make compare\` runs every point again, recomputing those whose generated Verilog"
            echo "changed since they were finished; this runs only the missing ones (-k: a point that"
            echo "fails does not stop the others), then the report:"
            echo
            printf '    make -k -j2'
            printf ' \\\n        %s' "${missing_dirs[@]}"
            printf ' \\\n        && make compare-report\n'
        fi
        echo
        echo "Widths: w4 = 4-bit linear activation x 3-bit weight, w8 = 8 x 5, w16 = 16 x 6."
        echo "shift: log2 weight, barrel shift; loglog: log activation of the weight's width too;"
        echo "mult: the log2 weight expanded to an integer, multiplied (the same function as shift);"
        echo "linear: linear integer weights of the log weight's width (4 x 3, 8 x 5, 16 x 6 bits),"
        echo "one signed multiply per lane; int: linear weights as wide as the activation (int4 x int4,"
        echo "int8 x int8, int16 x int16). At equal accuracy (docs/eval.md, W columns on the digits)"
        echo "the baseline is linear: a linear weight of b bits is at least as accurate as a base-2"
        echo "log weight of b bits (5 bits: 98.22 % vs 97.11 %; 3 bits: 96.44 vs 95.11) and as a"
        echo "base-sqrt(2) one (5 bits: 98.22 = 98.22); int is the wider baseline readers expect."
        echo "mult, linear and int leave out synth_xilinx -abc9, whose Yosys 0.23 netlist of their"
        echo "DSP48E1 cascades has undriven wires (docs/fpga.md)."
        echo "Synthesis of the block alone (no I/O buffers); fmax with the block inside the"
        echo "register-to-register wrapper, median of the seeds [min..max]. -nodsp targets (DSP"
        echo "inference off: \`synth_ecp5 -nodsp\`, \`synth_xilinx -nodsp\`) run for the modes with a"
        echo "multiplier in COMPARE_NODSP_MODES; shift and loglog have no multiplier and map to no"
        echo "DSP block in any family, so their -nodsp cells repeat the plain family's (marked *)."
        echo "Every row names its Yosys command and place-and-route tool."
        echo
    } >"$md"
    awk -F, -v md="$md" -v rcsv="$out/ratios.csv" '
    function num(x) { return x != "" && x + 0 == x }
    function ratio(a, b) { return num(a) && num(b) && b + 0 > 0 ? sprintf("%.2f", a / b) : "-" }
    function cell(x) { return x == "" ? "-" : x }
    function all(a, k, s, i) { s = ""; for (i = 1; i <= nm; i++) s = s (i > 1 ? " / " : "") cell(a[k, M[i]]); return s }
    BEGIN { nm = split("shift loglog mult linear int", M, " ") }
    NR == 1 { next }
    {
        k = $3 SUBSEP $2 SUBSEP $4 SUBSEP $5
        if (!(k in seen)) { seen[k] = 1; rows[++nr] = k; cmd[k] = $19; tool[k] = $20; yv[k] = $18 }
        if ($4 == "synth") { v[k, $1] = $6; ff[k, $1] = $7; dsp[k, $1] = $9; shown[k, $1] = $6 }
        else { st[k, $1] = $17; v[k, $1] = $17 == "ok" ? $13 : ""
               shown[k, $1] = $17 == "ok" ? $13 " [" $14 ".." $15 "]" : $17
               lc[k, $1] = $11 == "" ? "" : $11 "/" $12; dsp[k, $1] = $9 }
    }
    END {
        # -nodsp rows: shift and loglog from the plain family when it used no DSP block
        for (i = 1; i <= nr; i++) {
            k = rows[i]; split(k, p, SUBSEP)
            if (p[4] !~ /-nodsp$/) continue
            pk = p[1] SUBSEP p[2] SUBSEP p[3] SUBSEP (p[3] == "synth" ? "" : "ecp5-25k:") (p[3] == "synth" ? substr(p[4], 1, length(p[4]) - 6) : "ecp5")
            for (j = 1; j <= 2; j++) {
                m = M[j]
                if (!((pk, m) in v) || (k, m) in v || dsp[pk, m] + 0 != 0) continue
                v[k, m] = v[pk, m]; shown[k, m] = shown[pk, m] "*"; ff[k, m] = ff[pk, m]
                lc[k, m] = lc[pk, m]; dsp[k, m] = dsp[pk, m]
            }
        }
        print "lanes,width,kind,target,yosys,command,pnr_tool,metric,shift,loglog,mult,linear,int,shift_mult,shift_linear,shift_int,loglog_linear" > rcsv
        print "## Resources (LUTs; FFs; DSP blocks)" >> md
        print "" >> md
        print "| lanes | width | target | Yosys command | shift | loglog | mult | linear | int | shift/mult | shift/linear | shift/int | loglog/linear | FF shift / loglog / mult / linear / int | DSP shift / loglog / mult / linear / int |" >> md
        print "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|" >> md
        for (i = 1; i <= nr; i++) {
            k = rows[i]; split(k, p, SUBSEP)
            if (p[3] != "synth") continue
            printf "| %s | w%s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", p[2], p[1], p[4], cmd[k],
                cell(shown[k, "shift"]), cell(shown[k, "loglog"]), cell(shown[k, "mult"]), cell(shown[k, "linear"]), cell(shown[k, "int"]),
                ratio(v[k, "shift"], v[k, "mult"]), ratio(v[k, "shift"], v[k, "linear"]), ratio(v[k, "shift"], v[k, "int"]),
                ratio(v[k, "loglog"], v[k, "linear"]), all(ff, k), all(dsp, k) >> md
            printf "%s,%s,synth,%s,%s,%s,,luts,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", p[2], p[1], p[4], yv[k], cmd[k],
                v[k, "shift"], v[k, "loglog"], v[k, "mult"], v[k, "linear"], v[k, "int"],
                ratio(v[k, "shift"], v[k, "mult"]), ratio(v[k, "shift"], v[k, "linear"]), ratio(v[k, "shift"], v[k, "int"]),
                ratio(v[k, "loglog"], v[k, "linear"]) > rcsv
        }
        print "" >> md
        print "## fmax (MHz, median [min..max] of the seeds) and logic cells used" >> md
        print "" >> md
        print "| lanes | width | device:netlist | netlist command | place and route | shift | loglog | mult | linear | int | shift/mult | shift/linear | shift/int | loglog/linear | cells shift / loglog / mult / linear / int | DSP shift / loglog / mult / linear / int |" >> md
        print "|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|" >> md
        for (i = 1; i <= nr; i++) {
            k = rows[i]; split(k, p, SUBSEP)
            if (p[3] != "pnr") continue
            printf "| %s | w%s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", p[2], p[1], p[4], cmd[k], tool[k],
                cell(shown[k, "shift"]), cell(shown[k, "loglog"]), cell(shown[k, "mult"]), cell(shown[k, "linear"]), cell(shown[k, "int"]),
                ratio(v[k, "shift"], v[k, "mult"]), ratio(v[k, "shift"], v[k, "linear"]), ratio(v[k, "shift"], v[k, "int"]),
                ratio(v[k, "loglog"], v[k, "linear"]), all(lc, k), all(dsp, k) >> md
            printf "%s,%s,pnr,%s,%s,%s,%s,fmax_mhz,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", p[2], p[1], p[4], yv[k], cmd[k], tool[k],
                v[k, "shift"], v[k, "loglog"], v[k, "mult"], v[k, "linear"], v[k, "int"],
                ratio(v[k, "shift"], v[k, "mult"]), ratio(v[k, "shift"], v[k, "linear"]), ratio(v[k, "shift"], v[k, "int"]),
                ratio(v[k, "loglog"], v[k, "linear"]) > rcsv
        }
    }' "$csv"

    if command -v gnuplot >/dev/null; then
        plot "$out" "$csv" || echo "compare: gnuplot failed; no PNG" >&2
    else
        echo "compare: gnuplot not installed (make deps); no PNG" >&2
    fi
    echo "" >>"$md"
    [ -s "$out/compare.png" ] && echo "![LUTs and fmax](compare.png)" >>"$md"
    cat "$md"
}

# iCE40 LUTs (no DSP), HX8K fmax and ECP5 fmax against lanes, one line per mode and width.
plot() {
    local out=$1 csv=$2 w m c1='' c2='' c3='' sep=''
    rm -f "$out"/plot-*.dat
    for w in $(tail -n +2 "$csv" | cut -d, -f3 | sort -n -u); do
        for m in $ALL_MODES; do
            awk -F, -v m="$m" -v w="$w" 'NR > 1 && $1 == m && $3 == w {
                    if ($5 == "ice40") lut[$2] = $6
                    if ($5 == "hx8k:ice40") hx[$2] = $17 == "ok" ? $13 : "NaN"
                    if ($5 == "ecp5-25k:ecp5") ec[$2] = $17 == "ok" ? $13 : "NaN"
                    if ($5 == "ice40") n[$2] = 1 }
                END { for (l in n) print l, lut[l], (l in hx ? hx[l] : "NaN"), (l in ec ? ec[l] : "NaN") }' \
                "$csv" | sort -n >"$out/plot-$m-w$w.dat"
            [ -s "$out/plot-$m-w$w.dat" ] || continue
            c1+="$sep'$out/plot-$m-w$w.dat' using 1:2 with linespoints title '$m w$w'"
            c2+="$sep'$out/plot-$m-w$w.dat' using 1:3 with linespoints title '$m w$w'"
            c3+="$sep'$out/plot-$m-w$w.dat' using 1:4 with linespoints title '$m w$w'"
            sep=', '
        done
    done
    [ -n "$c1" ] || return 0
    gnuplot <<EOF
set terminal pngcairo size 1500,600 font ",10" noenhanced
set output '$out/compare.png'
set multiplot layout 1,3 title "logq MAC arrays: shift, loglog vs mult, linear, int (Yosys synth_ice40 / synth_ecp5, nextpnr; a missing point: not run yet, or does not fit)"
set logscale x
set xrange [3:85]
set xlabel 'lanes'
set xtics (4, 16, 64)
set grid
set key below maxrows 5
set logscale y
set ylabel 'iCE40 LUT4 (synth_ice40, no DSP)'
plot $c1
unset logscale y
set yrange [0:*]
set ylabel 'HX8K fmax, MHz (synth_ice40, median of seeds)'
plot $c2
set ylabel 'ECP5-25F fmax, MHz (synth_ecp5, median of seeds)'
plot $c3
unset multiplot
EOF
}

# The points of the grid, small ones first (lanes, then width, then mode).
grid() {
    local n w m
    for n in ${COMPARE_LANES:-4 16 64}; do
        for w in ${COMPARE_WIDTHS:-4 8 16}; do
            for m in ${COMPARE_MODES:-$ALL_MODES}; do echo "$m-n$n-w$w"; done
        done
    done
}

cmd=${1:-}
shift || true
case $cmd in
    point) [ $# -eq 2 ] || die "usage: compare.sh point NAME OUTDIR"; point "$1" "$2" ;;
    report) [ $# -ge 2 ] || die "usage: compare.sh report OUT POINTDIR..."; report "$@" ;;
    all)
        out=${1:-build/reports}
        dirs=()
        for p in $(grid); do
            point "$p" "build/compare/$p"
            dirs+=("build/compare/$p")
        done
        report "$out" "${dirs[@]}"
        ;;
    *) die "usage: compare.sh point|report|all ... (see the head of the script)" ;;
esac
