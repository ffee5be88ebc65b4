#!/usr/bin/env bash
# ECP5 place and route and the Yosys flag variants (docs/fpga.md): the default MAC
# placed on an LFE5U-25F with YoWASP's nextpnr-ecp5 (build/venv, make nextpnr-ecp5),
# one -abc9 synthesis, --flags, the result cache of --reuse (an unchanged step is
# reused, a changed input recomputes it) and the failures that must be reported (no
# nextpnr-ecp5, bad flags, a netlist of the wrong vendor).
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
. tests/fpga/lib.sh
fpga_workdir ecp5
# col CSV KEYCOL KEY NAME: the column NAME of the first row whose column KEYCOL is KEY.
col() {
    awk -F, -v kc="$2" -v k="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $h[kc] == k { print $h[c]; exit }' "$1"
}

"$LOGQ" gen mac -o "$W/rtl" >"$W/gen.log" 2>&1 || { fail "gen default mac"; cat "$W/gen.log"; exit 0; }
run=(scripts/synth.sh --families ice40-abc9 --devices ecp5-25k --seeds 1 --reuse --label default
     --out "$W/s" "$W/rtl")
"${run[@]}" >"$W/run1.out" 2>&1
rc=$?
cat "$W/run1.out"
check "synth.sh ice40-abc9 + ecp5-25k: exit 0" [ $rc -eq 0 ]
luts=$(col "$W/s/synth.csv" target ice40-abc9 luts)
cmd=$(col "$W/s/synth.csv" target ice40-abc9 command)
check "ice40-abc9: LUTs ($luts) reported, command '$cmd'" \
    awk -v l="${luts:-0}" -v c="$cmd" 'BEGIN { exit !(l > 100 && c == "synth_ice40 -abc9") }'
fmax=$(col "$W/s/pnr.csv" device ecp5-25k fmax_median_mhz)
status=$(col "$W/s/pnr.csv" device ecp5-25k status)
lcs=$(col "$W/s/pnr.csv" device ecp5-25k logic_cells)
tool=$(col "$W/s/pnr.csv" device ecp5-25k pnr_tool)
check "nextpnr-ecp5 LFE5U-25F: fmax ${fmax:-none} MHz, $lcs TRELLIS_COMB ($status)" \
    awk -v f="${fmax:-0}" -v s="$status" -v l="${lcs:-0}" 'BEGIN { exit !(s == "ok" && f > 10 && f < 1000 && l > 100) }'
check "pnr.csv names the tool and its version ($tool)" \
    awk -v t="$tool" 'BEGIN { exit !(t ~ /nextpnr-ecp5 [0-9]/) }'
check "pnr.csv names the netlist's Yosys command" [ "$(col "$W/s/pnr.csv" device ecp5-25k netlist_command)" = synth_ecp5 ]

# The cache: the same run again recomputes nothing and reports the same rows.
cp "$W/s/synth.csv" "$W/synth1.csv"
cp "$W/s/pnr.csv" "$W/pnr1.csv"
"${run[@]}" >"$W/run2.out" 2>&1
rc=$?
ok=0
[ $rc -eq 0 ] && grep -q ': 3 step(s) reused' "$W/run2.out" &&
    ! grep -q -E '^synth: default (ice40-abc9:|wrapper|.* seed)' "$W/run2.out" &&
    cmp -s "$W/s/synth.csv" "$W/synth1.csv" && cmp -s "$W/s/pnr.csv" "$W/pnr1.csv" && ok=1
check "--reuse: an unchanged run reuses all 3 steps, same CSV rows" [ $ok -eq 1 ]
[ $ok -eq 1 ] || cat "$W/run2.out"
echo "// changed" >>"$W/rtl/logq_mac.v"
scripts/synth.sh --families ice40-abc9 --devices none --reuse --label default --out "$W/s" "$W/rtl" \
    >"$W/run3.out" 2>&1
check "--reuse: a changed source is synthesized again" grep -q '^synth: default ice40-abc9:' "$W/run3.out"

# --flags adds options to every synth_* command: ice40 with -abc9 is ice40-abc9.
scripts/synth.sh --families ice40 --flags "-abc9" --devices none --label default --out "$W/f" "$W/rtl" \
    >"$W/flags.out" 2>&1
ok=0; [ "$(col "$W/f/synth.csv" target ice40 command)" = "synth_ice40 -abc9" ] &&
    [ "$(col "$W/f/synth.csv" target ice40 luts)" = "$luts" ] && ok=1
check "--flags -abc9: command 'synth_ice40 -abc9', LUTs equal to ice40-abc9 ($luts)" [ $ok -eq 1 ]

# Failures that must be reported.
NEXTPNR_ECP5=$W/no-such-nextpnr scripts/synth.sh --families none --devices ecp5-25k --seeds 1 \
    --out "$W/notool" "$W/rtl" >"$W/notool.out" 2>&1
rc=$?
ok=0; [ $rc -eq 1 ] && grep -q 'no nextpnr-ecp5' "$W/notool.out" &&
    [ "$(col "$W/notool/pnr.csv" device ecp5-25k status)" = "no tool" ] && ok=1
check "missing nextpnr-ecp5 is a failure (exit 1, status 'no tool')" [ $ok -eq 1 ]
scripts/synth.sh --flags '-abc9; shell rm' --devices none "$W/rtl" >"$W/badflags.out" 2>&1
check "--flags with a ';' is a usage error (exit 2)" [ $? -eq 2 ]
scripts/synth.sh --families none --devices hx8k:ecp5 "$W/rtl" >"$W/baddev.out" 2>&1
check "--devices hx8k:ecp5 (wrong vendor) is a usage error (exit 2)" [ $? -eq 2 ]

fpga_finish
