#!/usr/bin/env bash
# The register-transfer proof of the accuracy table (issue 9, docs/eval.md "RTL proof"):
# for one layer of the trained digits network, the RTL of `logq gen mac`, simulated by
# Verilator, gives exactly the sums that `logq eval` took from the MAC model for the
# first 20 test images. `logq eval --export-layer` records the beats it feeds the model
# and the sums the model returns (the same variables the inference then uses) as the
# vector files of the MAC's self-checking bench (docs/xsim.md); the bench runs on them.
# Also: the export run is the table's cell (same accuracy), its MAC configuration is
# the RTL's (NAME.h), a corrupted expected sum and a broken model are caught, and a
# second configuration (SLQ weights, linear activations: shift mode) passes under
# Icarus. About 15-25 s (one Verilator build).
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
DATA=$BUILD/data/digits.csv
case $DATA in /*) ;; *) DATA=$PWD/$DATA ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
K=20          # test images
BITS=5

if [ ! -f "$DATA" ]; then bad "data: $DATA missing (make data)"; exit 1; fi
# The trained network: the default seed (byte-identical to build/data/digits-mlp.txt).
if ! "$LOGQ" train --data "$DATA" -o "$tmp/w.txt" >"$tmp/train.out" 2>&1; then
    bad "train"; cat "$tmp/train.out"; exit 1
fi
E=(--data "$DATA" --weights "$tmp/w.txt" --quick --bits $BITS)

# The table these runs must reproduce.
"$LOGQ" eval "${E[@]}" >"$tmp/table.out" 2>&1 || { bad "eval table"; tail "$tmp/table.out"; exit 1; }
cell() { # TABLE_ROW_SCHEME COLUMN(1-based after the name) [mixed]: the table's value
    if [ "${3:-}" = mixed ]; then
        sed -n '/^Log weights with linear/,/^SLQ/p' "$tmp/table.out" | grep -m1 "^| $1 |" | awk -F'|' -v c="$2" '{ gsub(/ /, "", $(c + 2)); print $(c + 2) }'
    else
        sed -n '/^| scheme | W /,/^$/p' "$tmp/table.out" | grep -m1 "^| $1 |" | awk -F'|' -v c="$2" '{ gsub(/ /, "", $(c + 2)); print $(c + 2) }'
    fi
}

# ---- log2 weights x log2 activations (MAC loglog), layer 1: Verilator ----
X=$tmp/ex1
if "$LOGQ" eval "${E[@]}" --export-layer 1 --export-scheme log2 --export-act log \
    --export-images $K --check $K -o "$X" >"$tmp/x1.out" 2>&1; then
    ok "eval --export-layer 1 --export-scheme log2 runs ($(grep -o '[0-9]* beats, [0-9]* dot products' "$tmp/x1.out"))"
else bad "eval --export-layer 1 exit status"; tail "$tmp/x1.out"; exit 1; fi
want=$(cell log2 3)   # W+A 5b
got=$(sed -n 's/^| log2 weights | log2 activations | 5 bits | test accuracy \([0-9.]*\) % |$/\1/p' "$tmp/x1.out")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
    ok "the export run is the table's cell: log2 W+A ${BITS}b test accuracy $got % = table $want %"
else bad "export run accuracy '$got' differs from the table's log2 W+A ${BITS}b '$want'"; fi
if grep -Eq '^check: [1-9][0-9]* MAC dot products .* 0 mismatches$' "$tmp/x1.out"; then
    ok "the exported run's MAC sums equal the independent exact computation"
else bad "export --check"; grep -E '^(check|MISMATCH)' "$tmp/x1.out" | head -3; fi
nout=$(grep -cv '^//' "$X/out.hex")
if [ "$nout" -eq $((K * 32)) ] && [ "$(grep -cv '^#' "$X/values.txt")" -eq "$nout" ]; then
    ok "export: $nout sums ($K images x 32 outputs of layer 1)"
else bad "export: $nout sums, expected $((K * 32))"; fi
# out.hex (what the bench expects) and values.txt (what the inference used) hold the
# same integers.
ob=$(awk '$1 == "OUT_BITS" { print $2 }' "$X/mac.cfg")
if paste -d' ' <(grep -v '^//' "$X/out.hex") <(grep -v '^#' "$X/values.txt") |
    awk -v ob="$ob" 'BEGIN { ok = 1 } {
        # hex (ob bits, two s complement) to a decimal string through 4-bit digits
        h = $1; v = 0; neg = 0
        d0 = index("0123456789abcdef", substr(h, 1, 1)) - 1
        if (int(d0 / 2 ^ ((ob - 1) % 4)) % 2 == 1) neg = 1
        for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
        if (neg) v -= 2 ^ ob
        if (sprintf("%.0f", v) != $4) { ok = 0; print "differ: " $0 > "/dev/stderr" }
    } END { exit !ok }' 2>"$tmp/pv.err"; then
    ok "out.hex equals the sums the inference used (values.txt)"
else bad "out.hex differs from values.txt"; head -3 "$tmp/pv.err"; fi

R=$tmp/rtl1
"$LOGQ" gen mac $(grep -v '^#' "$X/mac.args") -o "$R" >"$tmp/g1.out" 2>&1 || { bad "gen mac $(grep -v '^#' "$X/mac.args")"; cat "$tmp/g1.out"; exit 1; }
diffs=0
while read -r k v; do
    case $k in '#'*|'') continue ;; esac
    hv=$(sed -n "s/^#define LOGQ_MAC_$k \([-0-9]*\).*/\1/p" "$R/logq_mac.h")
    [ "$hv" = "$v" ] || { echo "  $k: eval $v, logq_mac.h '$hv'"; diffs=$((diffs + 1)); }
done <"$X/mac.cfg"
if [ $diffs -eq 0 ]; then ok "the RTL's configuration (logq_mac.h) is eval's MAC configuration ($(grep -v '^#' "$X/mac.args"))"
else bad "logq_mac.h differs from eval's MAC configuration in $diffs constants"; fi

t0=$(date +%s)
if ! "$root/sim/xsim/verilator.sh" "$R" "$X" "$tmp/vl" 2>"$tmp/vl.err"; then
    bad "verilator builds the bench"; cat "$tmp/vl.err"; exit 1
fi
[ -s "$tmp/vl.err" ] && { bad "verilator build warnings"; cat "$tmp/vl.err"; }
V=$tmp/vl/logq_mac_tb
"$V" +vectors="$X" +waves="$tmp/v.fst" +verilator+rand+reset+2 +verilator+seed+7 >"$tmp/v.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^PASSED' "$tmp/v.log" &&
   grep -q "^logq_mac_tb: [0-9]* beats, $nout outputs checked" "$tmp/v.log"; then
    ok "verilator: the RTL gives exactly eval's $nout sums of layer 1 (log2 x log2, ${BITS} bits, $(( $(date +%s) - t0 )) s with the build)"
else bad "verilator: RTL vs eval's sums (exit $rc)"; grep -E 'MISMATCH|FAILED|expected|actual' "$tmp/v.log" | head -8; fi

# It can fail: one expected sum corrupted (its lowest bit flipped).
cp -r "$X" "$tmp/bad"
line=$(grep -nv '^//' "$X/out.hex" | sed -n '100p' | cut -d: -f1)
awk -v n="$line" 'NR == n { c = substr($0, length($0)); d = index("0123456789abcdef", c) - 1
    d = d - d % 2 + (1 - d % 2); $0 = substr($0, 1, length($0) - 1) substr("0123456789abcdef", d + 1, 1) } { print }' \
    "$X/out.hex" >"$tmp/bad/out.hex"
{ ( "$V" +vectors="$tmp/bad" +waves="$tmp/bad.fst" +max-errors=3 >"$tmp/bad.log" 2>&1 ); } 2>/dev/null
rc=$?
if [ $rc -ne 0 ] && grep -q '^MISMATCH at cycle [0-9]* ([0-9]* ps): output 99$' "$tmp/bad.log" &&
   [ "$(grep -c '^MISMATCH' "$tmp/bad.log")" -eq 1 ] && grep -q '^FAILED' "$tmp/bad.log"; then
    ok "verilator: one corrupted expected sum is caught, at output 99 only (exit $rc)"
else bad "verilator: corrupted expected sum not caught (exit $rc)"; tail -5 "$tmp/bad.log"; fi

# And a broken model (eval --fault) disagrees with the RTL.
"$LOGQ" eval "${E[@]}" --export-layer 1 --export-scheme log2 --export-images $K --fault \
    -o "$tmp/fault" >"$tmp/fault.out" 2>&1
{ ( "$V" +vectors="$tmp/fault" +waves="$tmp/fl.fst" +max-errors=2 >"$tmp/fl.log" 2>&1 ); } 2>/dev/null
rc=$?
if [ $rc -ne 0 ] && grep -q '^MISMATCH' "$tmp/fl.log"; then
    ok "verilator: the sums of a deliberately broken model (eval --fault) fail the bench"
else bad "verilator: eval --fault not caught (exit $rc)"; tail -3 "$tmp/fl.log"; fi

# Deterministic: the same options give byte-identical files.
cp -r "$X" "$tmp/first"
"$LOGQ" eval "${E[@]}" --export-layer 1 --export-scheme log2 --export-act log \
    --export-images $K --check $K -o "$X" >/dev/null 2>&1
if diff -r "$X" "$tmp/first" >/dev/null; then
    ok "export: the same options give byte-identical files"
else bad "export: not deterministic"; diff -r "$X" "$tmp/first" | head -5; fi

# ---- SLQ-L2 weights x linear activations (MAC shift, one beat group per word), layer 2: Icarus ----
X2=$tmp/ex2
"$LOGQ" eval "${E[@]}" --export-layer 2 --export-scheme slq-L2 --export-act linear \
    --export-images $K -o "$X2" >"$tmp/x2.out" 2>&1
want=$(cell slq-L2 1 mixed)
got=$(sed -n 's/^| slq-L2 weights | linear activations | 5 bits | test accuracy \([0-9.]*\) % |$/\1/p' "$tmp/x2.out")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
    ok "slq-L2 x linear export run is the table's cell ($got %)"
else bad "slq-L2 x linear export accuracy '$got', table '$want'"; fi
if "$LOGQ" gen mac $(grep -v '^#' "$X2/mac.args") -o "$tmp/rtl2" >/dev/null 2>&1 &&
   "$root/sim/icarus/run.sh" "$tmp/rtl2" "$X2" >"$tmp/i2.log" 2>&1 && grep -q '^PASSED' "$tmp/i2.log" &&
   grep -q "^logq_mac_tb: [0-9]* beats, $((K * 10)) outputs checked" "$tmp/i2.log"; then
    ok "icarus: the RTL gives exactly eval's $((K * 10)) sums of layer 2 (slq-L2 weights x linear activations, shift mode)"
else bad "icarus: slq-L2 x linear layer 2"; tail -5 "$tmp/i2.log"; fi

# Bad export options: exit 2, no files.
refuse() { # NAME ARGS...
    local name=$1; shift
    "$LOGQ" eval "${E[@]}" "$@" -o "$tmp/no" >"$tmp/r.out" 2>"$tmp/r.err"
    local rc=$?
    if [ $rc -eq 2 ] && [ ! -e "$tmp/no" ] && [ -s "$tmp/r.err" ]; then ok "refused: $name"
    else bad "not refused: $name (exit $rc)"; cat "$tmp/r.err"; fi
}
refuse "--export-layer 3 (2 layers)" --export-layer 3 --export-scheme log2
refuse "--export-scheme linear" --export-layer 1 --export-scheme linear
refuse "--export-act cubic" --export-layer 1 --export-scheme log2 --export-act cubic
refuse "two widths" --export-layer 1 --export-scheme log2 --bits 4,5
refuse "--export-images 451" --export-layer 1 --export-scheme log2 --export-images 451
