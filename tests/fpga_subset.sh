#!/usr/bin/env bash
# The Verilog of every block stays inside the subset Vivado and Quartus synthesize
# (docs/fpga.md, "Verilog subset for vendor tools"): scripts/vsubset.py on every
# generated NAME.v (not the *_tb.v benches, which are simulation) of each block in
# several configurations, and on hand-written files outside the subset, which it
# must reject.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
. tests/fpga/lib.sh
fpga_workdir subset

# Block configurations: NAME|logq gen arguments.
configs=(
    "mac-shift|mac" "mac-loglog|mac --mode loglog" "mac-mult|mac --mode mult"
    "mac-sqrt2|mac --base sqrt2" "mac-nopipe|mac --pipeline none" "mac-full|mac --pipeline full --tb"
    "logacc-table|logacc" "logacc-paper|logacc --correction paper" "logacc-sqrt2|logacc --base sqrt2"
    "slqdec-tag|slqdec --bits 4 --framing tag" "slqdec-special|slqdec --bits 3 --framing special"
    "slqmac|slqmac --bits 4"
    "mac-axis-skid|mac --interface axis --skid" "slqmac-axis-skid|slqmac --bits 4 --interface axis --skid"
    "quant-native-skid|quant --skid --reset sync-low"
)
for c in "${configs[@]}"; do
    name=${c%%|*}
    # shellcheck disable=SC2086
    if ! "$LOGQ" gen ${c#*|} -o "$W/$name" >"$W/$name.gen.log" 2>&1; then
        fail "$name: logq gen ${c#*|}"
        cat "$W/$name.gen.log"
        continue
    fi
    files=()
    for f in "$W/$name"/*.v; do [[ $f == *_tb.v ]] || files+=("$f"); done
    if [ ${#files[@]} -eq 0 ]; then fail "$name: no Verilog written"; continue; fi
    out=$(scripts/vsubset.py "${files[@]}" 2>&1)
    rc=$?
    echo "$out"
    if [ $rc -eq 0 ]; then pass "$name: ${#files[@]} file(s) inside the vendor subset"
    else fail "$name: outside the vendor subset (logq gen ${c#*|})"; fi
done
# The classifier sees the parameter checks and the ROM (the logacc table).
scripts/vsubset.py "$W/mac-shift/logq_mac.v" | grep -q 'initial: parameter check'
[ $? -eq 0 ] && pass "mac: parameter check recognized" || fail "mac: parameter check not recognized"
scripts/vsubset.py "$W"/logacc-table/*.v | grep -q 'initial: ROM contents'
[ $? -eq 0 ] && pass "logacc table: ROM initialization recognized" || fail "logacc table: ROM not recognized"

# Outside the subset: each must be rejected with its line.
bad() {  # bad NAME EXPECTED-MESSAGE VERILOG-BODY
    printf '`default_nettype none\nmodule t (input wire clk, input wire d, output reg q);\n    reg [3:0] m [0:3];\n%s\nendmodule\n' "$3" >"$W/$1.v"
    local o
    o=$(scripts/vsubset.py "$W/$1.v" 2>&1)
    if [ $? -eq 1 ] && echo "$o" | grep -q "$1.v:[0-9]*: .*$2"; then pass "vsubset rejects $1"
    else fail "vsubset rejects $1 (got: $o)"; fi
}
bad power-up-value 'neither a parameter check' '    initial q = 1'"'"'b0;
    always @(posedge clk) q <= d;'
bad delay 'delay' '    always @(posedge clk) q <= #1 d;'
bad random '\$random' '    always @(posedge clk) q <= $random;'
bad finish-in-always '\$finish' '    always @(posedge clk) begin q <= d; if (d) $finish; end'
bad check-with-assign 'neither a parameter check' '    initial begin if (1) begin q = 1'"'"'b1; $display("x"); $finish; end end'
bad rom-from-signal 'neither a parameter check' '    initial m[0] = d;'
bad fork 'simulation only' '    always @(posedge clk) fork q <= d; join'
printf 'module ok (input wire clk);\nendmodule\n' >"$W/ok.v"
scripts/vsubset.py "$W/ok.v" >/dev/null
[ $? -eq 0 ] && pass "vsubset accepts a plain module" || fail "vsubset accepts a plain module"
scripts/vsubset.py "$W/nosuch.v" >/dev/null 2>&1
[ $? -eq 2 ] && pass "vsubset: unreadable file exits 2" || fail "vsubset: unreadable file exits 2"

fpga_finish
