#!/usr/bin/env bash
# FPGA flow on the default MAC (docs/fpga.md): Yosys synthesis for iCE40 and ECP5
# with no latch and no unexpected warning, one nextpnr-ice40 run (HX8K, 1 seed)
# through the register-to-register wrapper, the iCE40 netlist simulated against the
# RTL in Icarus, and the packaging files (gen/emit/package.c) checked with FuseSoC
# lint, Verilator and Icarus (FuseSoC sim and synth: tests/package.sh). Each check can be shown to fail (the *-detects-* lines).
# Everything longer is behind `make synth`, `make compare`.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
# A private work directory: several test runs may share one tree at the same time.
# Kept when a check fails (its path is printed), removed otherwise.
mkdir -p "$BUILD/test-fpga"
W=$(mktemp -d "$BUILD/test-fpga/run.XXXXXX")
echo "work directory: $W"
FUSESOC=$BUILD/venv/bin/fusesoc
DRIVER=$BUILD/tests/package_driver
EQV_CYCLES=${EQV_CYCLES:-120}
EQV_SEED=${EQV_SEED:-${SEED:-1}}

nfail=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; nfail=$((nfail + 1)); }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

"$LOGQ" gen mac -o "$W/rtl" >"$W/gen.log" 2>&1 || { fail "gen default mac"; cat "$W/gen.log"; exit 1; }

# --- synthesis, place and route, netlist simulation (one synth.sh run) ---
echo "eqv seed $EQV_SEED: rerun with EQV_SEED=$EQV_SEED BUILD=$BUILD LOGQ=$LOGQ bash tests/fpga.sh"
scripts/synth.sh --families ice40,ecp5 --devices hx8k --seeds 1 --eqv "$EQV_CYCLES" \
    --eqv-seed "$EQV_SEED" --label default --out "$W/synth" "$W/rtl" >"$W/synth.out" 2>&1
rc=$?
cat "$W/synth.out"
check "synth.sh default mac: exit 0 (no latch, no unexpected warning, tools ok)" [ $rc -eq 0 ]
row() { awk -F, -v t="$2" '$3 == t' "$1" | head -1; }
luts=$(row "$W/synth/synth.csv" ice40 | cut -d, -f4)
ffs=$(row "$W/synth/synth.csv" ice40 | cut -d, -f5)
ok=0; [ "${luts:-0}" -gt 100 ] && [ "${ffs:-0}" -gt 100 ] && ok=1
check "synth ice40: LUTs ($luts) and FFs ($ffs) reported" [ $ok -eq 1 ]
luts=$(row "$W/synth/synth.csv" ecp5 | cut -d, -f4)
check "synth ecp5: LUTs ($luts) reported" [ "${luts:-0}" -gt 100 ]
fmax=$(row "$W/synth/pnr.csv" hx8k | cut -d, -f8)
status=$(row "$W/synth/pnr.csv" hx8k | cut -d, -f12)
check "nextpnr hx8k through the wrapper: fmax ${fmax:-none} MHz ($status)" \
    awk -v f="${fmax:-0}" -v s="$status" 'BEGIN { exit !(s == "ok" && f > 10 && f < 1000) }'
check "netlist wrapper keeps the block (logic cells >= block LUTs)" \
    awk -v lc="$(row "$W/synth/pnr.csv" hx8k | cut -d, -f5)" \
        -v l="$(row "$W/synth/synth.csv" ice40 | cut -d, -f4)" 'BEGIN { exit !(lc + 0 >= l + 0 && l + 0 > 0) }'
check "iCE40 netlist = RTL in Icarus ($EQV_CYCLES cycles, seed $EQV_SEED)" grep -q '^eqv: PASS' "$W/synth/eqv.log"

# The netlist check can fail: flip one netlist output bit at cycle 30.
if [ -s "$W/synth/eqv.vvp" ]; then
    vvp -n "$W/synth/eqv.vvp" +seed="$EQV_SEED" +cycles=45 +inject=30 >"$W/inject.log" 2>&1
    check "netlist check detects an injected difference" grep -q 'MISMATCH cycle 30' "$W/inject.log"
else
    fail "netlist check detects an injected difference (no bench built)"
fi

# The log checks can fail: a latch, and an unexpected warning.
mkdir -p "$W/latch" "$W/warn"
cat >"$W/latch/bad_latch.v" <<'EOF'
module bad_latch (input wire clk, input wire en, input wire d, output reg q, output wire o);
    reg l;
    always @(*) if (en) l = d;
    always @(posedge clk) q <= l;
    assign o = l;
endmodule
EOF
cat >"$W/warn/bad_warn.v" <<'EOF'
module bad_warn (input wire clk, input wire [3:0] a, output reg [3:0] q);
    assign implicit_net = a[0];
    always @(posedge clk) q <= a + {3'd0, implicit_net};
endmodule
EOF
scripts/synth.sh --families ice40 --devices none --out "$W/latch/out" "$W/latch" bad_latch \
    >"$W/latch.log" 2>&1
rc=$?
ok=0; [ $rc -eq 1 ] && grep -q 'latch' "$W/latch.log" && ok=1
check "synth.sh detects a latch" [ $ok -eq 1 ]
scripts/synth.sh --families ice40 --devices none --out "$W/warn/out" "$W/warn" bad_warn \
    >"$W/warn.log" 2>&1
rc=$?
ok=0; [ $rc -eq 1 ] && grep -q 'unexpected warning' "$W/warn.log" && ok=1
check "synth.sh detects an unexpected warning" [ $ok -eq 1 ]
scripts/synth.sh --families nosuch "$W/rtl" >"$W/usage.log" 2>&1
check "synth.sh: bad family is a usage error (exit 2)" [ $? -eq 2 ]

# --- packaging: gen/emit/package.c through its test driver ---
ports=()
while read -r n d w; do
    ports+=(--port "$n:$d:$w")
done < <(scripts/fpga-wrap.sh ports logq_mac "$W/rtl/logq_mac.v")
check "fpga-wrap.sh ports: ${#ports[@]} args for the default mac" [ ${#ports[@]} -eq 20 ]
pk=(--name logq_mac --top logq_mac --latency 4 --summary "16-lane shift MAC (test)"
    --file logq_mac.v "${ports[@]}")
"$DRIVER" -o "$W/rtl" "${pk[@]}"
check "package_driver writes the companion files" \
    test -s "$W/rtl/logq_mac.core" -a -s "$W/rtl/logq_mac.vc" -a -s "$W/rtl/logq_mac.icarus.f" \
    -a -s "$W/rtl/logq_mac.vendor.f" -a -s "$W/rtl/logq_mac.txt"
"$DRIVER" -o "$W/pk2" "${pk[@]}"
same=1
for f in logq_mac.core logq_mac.vc logq_mac.icarus.f logq_mac.vendor.f logq_mac.txt; do
    cmp -s "$W/rtl/$f" "$W/pk2/$f" || same=0
done
check "package files are deterministic (byte-identical twice)" [ $same -eq 1 ]
"$DRIVER" -o "$W/pk3" --name 'bad name' --top logq_mac --file logq_mac.v >"$W/pk3.log" 2>&1
rc=$?
ok=0; [ $rc -eq 2 ] && [ ! -e "$W/pk3" ] && ok=1
check "package_driver: bad name exits 2 and writes nothing" [ $ok -eq 1 ]
grep -q '^latency: 4 cycles' "$W/rtl/logq_mac.txt" && grep -q 'm_sum  *output  *37' "$W/rtl/logq_mac.txt"
check "summary .txt lists latency and ports" [ $? -eq 0 ]
(cd "$W/rtl" && verilator --lint-only -Wall -F logq_mac.vc) >"$W/vc.log" 2>&1
check "verilator -F NAME.vc lints clean" [ $? -eq 0 ]
(cd "$W/rtl" && iverilog -g2005 -gstrict-expr-width -Wall -c logq_mac.icarus.f -s logq_mac -o /dev/null) \
    >"$W/icf.log" 2>&1
rc=$?; ok=0; [ $rc -eq 0 ] && [ ! -s "$W/icf.log" ] && ok=1
check "iverilog -c NAME.icarus.f compiles clean" [ $ok -eq 1 ]
(cd "$W/rtl" && yosys -q -p "read_verilog $(grep -v '^#' logq_mac.vendor.f | tr '\n' ' '); hierarchy -check -top logq_mac") \
    >"$W/vendor.log" 2>&1
check "yosys reads NAME.vendor.f" [ $? -eq 0 ]

if [ -x "$FUSESOC" ]; then
    # (the sim and synth targets, and the core names, are tests/package.sh's)
    vlnv=$(sed -n 's/^name: *//p' "$W/rtl/logq_mac.core")
    "$FUSESOC" --cores-root "$W/rtl" run --build-root "$W/fs-lint" --target lint "$vlnv" \
        >"$W/fusesoc-lint.log" 2>&1
    rc=$?
    check "fusesoc run --target lint (verilator -Wall) on NAME.core ($vlnv)" [ $rc -eq 0 ]
    [ $rc -eq 0 ] || tail -5 "$W/fusesoc-lint.log"
    # The FuseSoC check can fail: an unused signal makes verilator -Wall fail.
    mkdir -p "$W/bad"
    cp "$W/rtl/"* "$W/bad/" 2>/dev/null
    sed -i 's/^endmodule/    wire spare_signal;\nendmodule/' "$W/bad/logq_mac.v"
    "$FUSESOC" --cores-root "$W/bad" run --build-root "$W/fs-bad" --target lint "$vlnv" \
        >"$W/fusesoc-bad.log" 2>&1
    rc=$?
    ok=0; [ $rc -ne 0 ] && grep -q spare_signal "$W/fusesoc-bad.log" && ok=1
    check "fusesoc lint detects a lint warning" [ $ok -eq 1 ]
else
    fail "fusesoc not installed ($FUSESOC; make fusesoc, see $BUILD/venv-install.log)"
fi
if [ $nfail -eq 0 ]; then
    rm -rf "$W"
else
    echo "kept for inspection: $W"
fi
exit 0
