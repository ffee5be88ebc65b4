#!/usr/bin/env bash
# make compare's machinery (scripts/compare.sh, docs/fpga.md): two small points
# (synthesis only), the report from the finished ones with the rest listed as a
# partial grid, the cache (a point run again recomputes nothing), a point finished
# with other settings counted as not finished, and the linear baseline with its
# no-DSP synthesis (ecp5-nodsp, xilinx-nodsp).
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
. tests/fpga/lib.sh
fpga_workdir compare
export LOGQ COMPARE_FAMILIES=ice40,ice40-abc9 COMPARE_DEVICES=none COMPARE_SEEDS=1 \
    COMPARE_LANES=4 COMPARE_WIDTHS=4

for p in shift-n4-w4 mult-n4-w4 linear-n4-w4; do
    scripts/compare.sh point "$p" "$W/$p" >"$W/$p.log" 2>&1
    check "compare.sh point $p: exit 0, done written" [ $? -eq 0 -a -s "$W/$p/done" ]
done
scripts/compare.sh report "$W/rep" "$W/shift-n4-w4" "$W/loglog-n4-w4" "$W/mult-n4-w4" "$W/linear-n4-w4" \
    >"$W/rep.log" 2>&1
check "report: exit 0" [ $? -eq 0 ]
md=$W/rep/compare.md
ok=0; grep -q '3 of 4 points' "$md" && grep -q 'Partial grid.*1 point(s) not finished yet: loglog-n4-w4' "$md" &&
    grep -q 'make -j2 compare' "$md" && ok=1
check "report marks the partial grid, names the missing point and the command" [ $ok -eq 1 ]
row() { awk -F, -v m="$1" -v t="$2" '$1 == m && $5 == t' "$W/rep/compare.csv"; }
s=$(row shift ice40 | cut -d, -f6) m=$(row mult ice40 | cut -d, -f6)
c=$(row shift ice40-abc9 | cut -d, -f19)
check "compare.csv: LUTs for shift ($s) and mult ($m), the -abc9 row names its command ($c)" \
    awk -v s="${s:-0}" -v m="${m:-0}" -v c="$c" 'BEGIN { exit !(s > 0 && m > 0 && c == "synth_ice40 -abc9") }'
r=$(awk -F, '$4 == "ice40" { print $14 }' "$W/rep/ratios.csv")
check "ratios.csv: shift/mult ($r) = shift LUT / mult LUT" \
    awk -v r="${r:-x}" -v s="${s:-0}" -v m="${m:-1}" 'BEGIN { exit !(r != "" && (r - s / m) ^ 2 < 0.0001) }'
l=$(row linear ice40 | cut -d, -f6)
h=$W/linear-n4-w4/rtl/logq_mac.h
ok=0; grep -q '_MODE "linear"' "$h" && grep -q '_W_BITS 3$' "$h" && grep -q '_A_BITS 4$' "$h" && ok=1
check "linear-n4-w4 is --mode linear: 3-bit linear weights x 4-bit activations" [ $ok -eq 1 ]
nd=$(row linear ecp5-nodsp | cut -d, -f9,19)
check "linear is also synthesized with DSP inference off ($nd)" [ "$nd" = "0,synth_ecp5 -nodsp" ]
check "the shift point has no -nodsp synthesis (no multiplier)" [ -z "$(row shift ecp5-nodsp)" ]
r=$(awk -F, '$4 == "ice40" { print $15 }' "$W/rep/ratios.csv")
check "ratios.csv: shift/linear ($r) = shift LUT / linear LUT" \
    awk -v r="${r:-x}" -v s="${s:-0}" -v m="${l:-1}" 'BEGIN { exit !(r != "" && (r - s / m) ^ 2 < 0.0001) }'
grep -q '| 4 | w4 | ice40 | `synth_ice40` |' "$md"
check "compare.md: one row per lanes, width and target" [ $? -eq 0 ]

scripts/compare.sh point shift-n4-w4 "$W/shift-n4-w4" >"$W/again.log" 2>&1
check "a finished point run again reuses its steps (nothing recomputed)" \
    grep -q 'shift-n4-w4 done (2 step(s) reused)' "$W/again.log"
COMPARE_SEEDS=2 scripts/compare.sh report "$W/rep2" "$W/shift-n4-w4" "$W/mult-n4-w4" >"$W/rep2.log" 2>&1
check "a point finished with other settings counts as not finished" \
    grep -q '0 of 2 points' "$W/rep2/compare.md"
scripts/compare.sh point shift-n4-w5 "$W/bad" >"$W/bad.log" 2>&1
check "compare.sh point with a bad width: exit 2" [ $? -eq 2 ]

fpga_finish
