#!/usr/bin/env bash
# make bench in its quick mode (BENCH_QUICK=1: one run each, tiny counts, 1 and 4
# lanes): it runs, writes a CSV with every section, and its figures are numbers. The
# timings themselves never fail a test. Also proves the Icarus bench's check can fail
# (+wrong-expect). The Verilator builds are cached in $BUILD/bench/vl (shared with
# make bench), so only the first run pays for them.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
out=$BUILD/bench-quick
rm -rf "$out"
mkdir -p "$out"

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }

if [ ! -x "$BUILD/bench/bench_model" ] || [ ! -x "$BUILD/bench/bench_model_O0" ]; then
    fail "bench: $BUILD/bench/bench_model{,_O0} are not built (make $BUILD/bench/bench_model)"
    exit 0
fi

start=$(date +%s)
BUILD=$BUILD LOGQ=$LOGQ BENCH_QUICK=1 BENCH_DIR=$out scripts/bench.sh >"$out/stdout" 2>"$out/stderr"
rc=$?
secs=$(($(date +%s) - start))
cat "$out/stderr" "$out/stdout"
csv=$out/bench.csv
if [ $rc -eq 0 ] && [ -s "$csv" ]; then
    pass "bench quick mode runs (${secs} s) and writes bench.csv"
else
    fail "bench quick mode: exit $rc, $(tail -3 "$out/stderr")"
    exit 0
fi

# Every section has its rows; a measured figure is a number, or "n/a" with the note
# "too small to measure" (a timing this short is not a figure, and no test depends on
# how a timing comes out).
num='[0-9][0-9.eE+-]*'
want() {
    local what=$1 re=$2 item
    if grep -Eq "$re" "$csv"; then
        pass "bench csv: $what"
        return
    fi
    # the row's "section,item," is the pattern up to its unit
    item=$(echo "$re" | sed -E 's/^(\^[^,]*,[^,]*,).*/\1/')
    if grep -Eq "${item}-,n/a,.*too small to measure" "$csv"; then
        pass "bench csv: $what (too small to measure)"
    elif grep -Eq "${item}-,n/a,.*this CPU lacks the kernels' instruction set" "$csv"; then
        pass "bench csv: $what (n/a: this CPU lacks its instruction set)"
    else
        fail "bench csv: no $what (pattern $re)"
    fi
}
want "header" "^section,item,unit,median,min,max,runs,baseline,baseline_median,ratio_median,ratio_min,ratio_max,note$"
want "1-lane Verilator build time" "^build,verilator build 1 lanes \(fast\),s,$num,"
want "4-lane Verilator build time" "^build,verilator build 4 lanes \(fast\),s,$num,"
for n in 1 4; do
    want "$n-lane beats/s with its check-off ratio" \
        "^scaling,cosim $n lanes: beats/s \(check on\),beats/s,$num,$num,$num,1,check off,$num,$num,"
    want "$n-lane cycles/s" "^scaling,cosim $n lanes: cycles/s \(check on\),cycles/s,$num,"
done
want "Verilator check on/off ratio" "^cosim,verilator 4 lanes: check on vs check off,beats/s,$num,.*,$num,$num,$num,"
want "Verilator/Icarus ratio" "^cosim,verilator 4 lanes: check on vs icarus,beats/s,$num,.*icarus.*,$num,$num,$num,"
if [ -f sim/systemc/sc_main.cpp ] && [ -f "${SYSTEMC_INCLUDE:-/usr/include}/systemc.h" ] &&
    [ "$(verilator --get-supported SYSTEMC 2>/dev/null)" = 1 ]; then
    want "SystemC vs C++ harness ratio" \
        "^systemc,systemc 4 lanes vs verilator C\+\+ harness \(fast build\),beats/s,$num,.*,$num,$num,$num,"
else
    want "SystemC row (n/a)" "^systemc,.*n/a"
fi
want "generated Icarus bench cycles/s" "^icarus,icarus 4 lanes: generated RTL \+ generated bench,cycles/s,$num,"
want "Verilator/Icarus ratio (generated bench)" \
    "^icarus,verilator vs icarus 4 lanes \(generated bench\),cycles/s,$num,.*,$num,$num,$num,"
want "net: Verilator build" "^build,verilator build net \(gen net default\),s,$num,"
want "net: Verilator images/s vs the C model" \
    "^net,verilator net: images/s vs the C model,images/s,$num,.*C model.*,$num,$num,$num,"
want "net: Verilator/Icarus ratio" "^net,verilator vs icarus net: images/s,images/s,$num,.*icarus.*,$num,$num,$num,"
want "net: Icarus images/s vs the C model" \
    "^net,icarus net: images/s vs the C model,images/s,$num,.*C model.*,$num,$num,$num,"
items=$("$BUILD/bench/bench_model" items)
[ "$(echo "$items" | wc -w)" -ge 15 ] && pass "bench_model items: $(echo "$items" | wc -w) items" ||
    fail "bench_model items lists too few: '$items'"
for m in $items; do
    want "C model $m vs float" "^model,C model $m \(-O2\),lane-MACs/s,$num,.*float dot product.*,$num,$num,$num,"
    want "C model $m -O0 vs -O2" "^model,C model $m built -O0 vs -O2,lane-MACs/s,$num,"
done
for n in 1 4; do
    want "generator time, $n lanes" "^generator,logq gen mac --lanes $n,s,$num,"
done
if grep -q "ratio median" "$out/stdout"; then
    pass "bench prints its table"
else
    fail "bench prints no table"
fi

# The Icarus bench checks every output: a corrupted expectation must fail.
ib=$out/icarus/n4
if [ -f "$ib/tb.vvp" ]; then
    (cd "$ib" && vvp -n tb.vvp +beats=200 +wrong-expect >wrong.log 2>&1)
    if grep -q "^MISMATCH" "$ib/wrong.log" && ! grep -q " 0 errors$" "$ib/wrong.log"; then
        pass "icarus bench with +wrong-expect reports mismatches"
    else
        fail "icarus bench with +wrong-expect: $(tail -2 "$ib/wrong.log")"
    fi
    (cd "$ib" && vvp -n tb.vvp +beats=200 >right.log 2>&1)
    if grep -q " 0 errors$" "$ib/right.log"; then
        pass "icarus bench agrees with the C model (200 beats)"
    else
        fail "icarus bench disagrees with the C model: $(head -3 "$ib/right.log")"
    fi
else
    fail "icarus bench was not built ($ib/tb.vvp)"
fi
exit 0
