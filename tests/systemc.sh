#!/usr/bin/env bash
# The SystemC harness (sim/systemc/sc_main.cpp): the Verilator --sc model of a MAC
# array with the C model as scoreboard passes with random stalls and at full rate,
# reports cycles per second, and fails against a deliberately wrong model. Without
# SystemC it FAILs with the reason.
. "$(dirname "$0")/lib.sh"
lq_seed systemc.sh

"$LOGQ" gen mac --lanes 5 --mode loglog --base sqrt2 --bits 5 --act-bits 4 -o "$tmp/rtl" >/dev/null
BUILD=$BUILD "$root/sim/systemc/build.sh" "$tmp/rtl" "$tmp/sc" 2>"$tmp/err"
rc=$?
if [ $rc -eq 3 ]; then bad "systemc: SystemC is not available: $(cat "$tmp/err") (scripts/deps.sh libsystemc-dev)"; exit 0; fi
if [ $rc -ne 0 ]; then bad "systemc harness builds"; tail -20 "$tmp/err"; exit 0; fi
ok "systemc harness builds"
for st in 30 0; do
    "$tmp/sc/mac_sc" +seed="$seed" +beats=20000 +stall=$st >"$tmp/out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^PASSED' "$tmp/out" && grep -q '[0-9] cycles/s' "$tmp/out"; then
        ok "systemc stall $st%: $(grep -o '[0-9]* outputs checked, [0-9]* cycles, .* cycles/s' "$tmp/out")"
    else bad "systemc stall $st% (exit $rc)"; tail -5 "$tmp/out"; fi
done
"$tmp/sc/mac_sc" +seed="$seed" +beats=2000 +wrong-model +max-errors=2 >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^MISMATCH at cycle' "$tmp/out" && grep -q 'rerun: .*+seed=' "$tmp/out"; then
    ok "systemc: a wrong model fails with a report"
else bad "systemc: a wrong model fails (exit $rc)"; tail -5 "$tmp/out"; fi

# WAVES=1: a traced build writes an FST that wavediff reads, and an interrupted run
# (SIGINT) exits 130 with its dump closed cleanly.
if BUILD=$BUILD "$root/sim/systemc/build.sh" "$tmp/rtl" "$tmp/scw" trace 2>"$tmp/err"; then
    "$tmp/scw/mac_sc" +seed="$seed" +beats=3000 +trace="$tmp/w.fst" >"$tmp/out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && "$LOGQ" wavediff "$tmp/w.fst" "$tmp/w.fst" >/dev/null; then
        ok "systemc WAVES: the FST is complete and readable"
    else bad "systemc WAVES: traced run (exit $rc)"; tail -5 "$tmp/out"; fi
    # its own output file: the traced run above wrote "tracing to" into $tmp/out, and a
    # grep that ran before the child truncated it sent SIGINT before the handler was
    # installed (a background job of a script ignores SIGINT until it execs): a hang
    "$tmp/scw/mac_sc" +seed="$seed" +beats=100000000 +trace="$tmp/i.fst" >"$tmp/iout" 2>&1 &
    pid=$!
    # SIGINT once the run is under way with its dump open (it printed "tracing to");
    # the wait ends on that state or on the process's end, never on a time.
    while kill -0 $pid 2>/dev/null && ! grep -q 'tracing to' "$tmp/iout" 2>/dev/null; do sleep 0.05; done
    kill -INT $pid
    wait $pid
    rc=$?
    if [ $rc -eq 130 ] && grep -q '^INTERRUPTED' "$tmp/iout" &&
        "$LOGQ" wavediff "$tmp/i.fst" "$tmp/i.fst" >/dev/null; then
        ok "systemc WAVES: SIGINT closes the dump (exit 130, FST readable)"
    else bad "systemc WAVES: SIGINT (exit $rc)"; tail -5 "$tmp/iout"; fi
else
    bad "systemc traced harness builds"; tail -20 "$tmp/err"
fi
