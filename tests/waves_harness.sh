#!/usr/bin/env bash
# WAVES=1 in the Verilator harnesses of logacc, slqdec and slqmac (docs/waves.md): the
# traced models build (--trace-fst, apart from the untraced ones), a traced run writes
# an FST that `logq wavediff F F` reads (exit 0) and whose scope holds every signal of
# the view beside it, and a run stopped by SIGINT exits 130 with its FST closed and
# readable. Small configurations; the builds run two at a time.
set -u
B=${BUILD:-build}
LOGQ=${LOGQ:-$B/logq}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$B/waves-harness
rm -rf "$T" && mkdir -p "$T"
T=$(cd "$T" && pwd)
ok() { echo "PASS: waves_harness $1"; }
ko() { echo "FAIL: waves_harness $1"; }

DEC=$B/slq-waves/slqdec_w3_l1_tag
MAC=$B/slq-waves/slqmac_n1_w3
LACC_OPTS="--lanes 1 --correction table --base 2 --frac 2 --exp-bits 4 --pipeline none"
LACC=$B/logacc-test/one

# Builds: the two SLQ benches (one job) beside the logacc one (the other job).
make -s -C "$ROOT" BUILD="$(cd "$B" && pwd)" "$(cd "$B" && pwd)/slq-waves/slqdec_w3_l1_tag/Vtb" \
    "$(cd "$B" && pwd)/slq-waves/slqmac_n1_w3/Vtb" >"$T/slq-build.log" 2>&1 &
slq_pid=$!
BUILD=$B LOGQ=$LOGQ LOGACC_ONE="$LACC_OPTS" LOGACC_WAVES=1 LOGACC_VECTORS=200 \
    bash "$ROOT/tests/logacc.sh" >"$T/logacc.log" 2>&1
if grep -q '^PASS: logacc one co-simulation' "$T/logacc.log" && ! grep -q '^FAIL' "$T/logacc.log"; then
    ok "logacc traced build and co-simulation (make logacc-cosim WAVES=1)"
else
    ko "logacc traced build and co-simulation"
    tail -20 "$T/logacc.log"
fi
if wait $slq_pid; then ok "slqdec and slqmac traced builds"; else
    ko "slqdec and slqmac traced builds"; tail -20 "$T/slq-build.log"; fi

# readable FILE SCOPE VIEW: wavediff reads it (F against itself: exit 0), and every
# signal of VIEW (a .gtkw, scope renamed for Verilator; split lanes: their bus) is in
# the dump below SCOPE.
readable() {
    local f=$1 scope=$2 view=$3 sigs
    "$LOGQ" wavediff "$f" "$f" --quiet >"$T/wd.log" 2>&1 || { cat "$T/wd.log"; return 1; }
    [ -n "$view" ] || return 0
    # plain rows, and the buses behind split lanes ("#{ALIAS} (k)TOP.scope.bus[W-1:0] ...")
    sigs=$({ grep "^TOP\.$scope\." "$view"
             grep -o "([0-9]*)TOP\.$scope\.[A-Za-z0-9_]*\[" "$view" | sed 's/^([0-9]*)//; s/\[$//'; } |
        sed "s/^TOP\.$scope\.//; s/\[[0-9]*:[0-9]*\]\$//; s/[][]/\\\\&/g" | sort -u | paste -sd,)
    [ -n "$sigs" ] || { echo "no signal of scope $scope in $view"; return 1; }
    "$LOGQ" wavediff "$f" "$f" --scope "$scope" --signals "$sigs" --quiet >"$T/wd.log" 2>&1 ||
        { cat "$T/wd.log"; return 1; }
}

# traced NAME FST SCOPE VIEW CMD...: a complete traced run.
traced() {
    local name=$1 fst=$2 scope=$3 view=$4
    shift 4
    rm -f "$fst"
    if "$@" "+trace=$fst" >"$T/$name.log" 2>&1 && grep -q 'waves closed' "$T/$name.log" &&
        readable "$fst" "$scope" "$view"; then
        ok "$name traced run: $(du -k "$fst" | cut -f1) KB FST, wavediff reads it, the view's signals are in it"
    else
        ko "$name traced run"
        tail -5 "$T/$name.log"
    fi
}

# interrupted NAME FST SCOPE CMD...: SIGINT once the simulation is running with its dump
# open (it printed "tracing to"; the run is far too long to end by itself) -> exit
# 130 and a closed, readable FST. No sleep decides anything: the wait ends when the
# state is reached or the process has ended.
interrupted() {
    local name=$1 fst=$2 scope=$3 pid rc
    shift 3
    rm -f "$fst"
    "$@" "+trace=$fst" >"$T/$name.int.log" 2>&1 &
    pid=$!
    while kill -0 $pid 2>/dev/null && ! grep -q 'tracing to' "$T/$name.int.log"; do sleep 0.05; done
    kill -INT $pid 2>/dev/null
    wait $pid
    rc=$?
    if [ $rc -eq 130 ] && grep -q 'INTERRUPTED' "$T/$name.int.log" && readable "$fst" "$scope" ""; then
        ok "$name SIGINT: exit 130, $(du -k "$fst" | cut -f1) KB FST closed and readable"
    else
        ko "$name SIGINT: exit $rc"
        tail -5 "$T/$name.int.log"
    fi
}

if [ -x "$LACC/obj-waves/Vlogacc" ]; then
    traced logacc "$T/logacc.fst" logacc "$LACC/logacc.fst.gtkw" \
        "$LACC/obj-waves/Vlogacc" +seed=1 +vectors=100 +quiet
    interrupted logacc "$T/logacc-int.fst" logacc "$LACC/obj-waves/Vlogacc" +seed=1 +vectors=100000000 +quiet
else
    ko "logacc traced run and SIGINT: $LACC/obj-waves/Vlogacc is missing"
fi
if [ -x "$DEC/Vtb" ]; then
    traced slqdec "$T/slqdec.fst" slqdec_w3_l1_tag "$DEC/waves.gtkw" "$DEC/Vtb" --seed 1 --frames 200
    interrupted slqdec "$T/slqdec-int.fst" slqdec_w3_l1_tag "$DEC/Vtb" --seed 1 --frames 150000
else
    ko "slqdec traced run, SIGINT and failing run: $DEC/Vtb is missing"
fi
if [ -x "$MAC/Vtb" ]; then
    traced slqmac "$T/slqmac.fst" slqmac_n1_w3 "$MAC/waves.gtkw" "$MAC/Vtb" --seed 1 --vectors 50
    interrupted slqmac "$T/slqmac-int.fst" slqmac_n1_w3 "$MAC/Vtb" --seed 1 --vectors 120000
else
    ko "slqmac traced run and SIGINT: $MAC/Vtb is missing"
fi
# A failing traced run closes its dump too (the bench's --break corrupts one expectation).
if [ -x "$DEC/Vtb" ]; then
    "$DEC/Vtb" --seed 1 --frames 200 --break "+trace=$T/slqdec-fail.fst" >"$T/fail.log" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q MISMATCH "$T/fail.log" && readable "$T/slqdec-fail.fst" x ""; then
        ok "slqdec failing traced run (--break): exit 1, FST readable"
    else
        ko "slqdec failing traced run: exit $rc"
        tail -5 "$T/fail.log"
    fi
fi
exit 0
