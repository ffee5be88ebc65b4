#!/usr/bin/env bash
# Cross-simulation (docs/xsim.md): the same bench and vector files under Icarus
# (VCD) and Verilator (FST, with +verilator+rand+reset+0, 1 and 2) pass, and their
# dumps agree on every port of the DUT (`logq wavediff`); a difference injected into
# a copy of the VCD is caught; a failing Verilator run still closes its FST and
# writes the .gtkw of the first mismatch. The MAC's own Verilator harness
# (sim/verilator/mac_tb.cpp) also runs with the three +verilator+rand+reset values.
. "$(dirname "$0")/lib.sh"
lq_seed xsim.sh

O=(--lanes 3 --bits 4 --act-bits 6 --pipeline product,tree:1)
PORTS='clk,rst,s_valid,s_ready,s_a,s_w,s_last,m_valid,m_ready,m_sum'
"$LOGQ" gen mac "${O[@]}" -o "$tmp/rtl" >/dev/null
"$LOGQ" vectors mac "${O[@]}" --count 60 --seed "$seed" -o "$tmp/vec" >/dev/null
"$LOGQ" vectors mac "${O[@]}" --count 60 --seed "$seed" --wrong-model -o "$tmp/wrong" >/dev/null

# Icarus, with its VCD.
if WAVES=1 "$root/sim/icarus/run.sh" "$tmp/rtl" "$tmp/vec" >"$tmp/icarus.log" 2>&1 &&
   [ -s "$tmp/vec/logq_mac_tb.vcd" ]; then ok "icarus passes and dumps a VCD"
else bad "icarus passes and dumps a VCD"; tail -5 "$tmp/icarus.log"; fi
VCD=$tmp/vec/logq_mac_tb.vcd

# The same bench under Verilator.
if ! "$root/sim/xsim/verilator.sh" "$tmp/rtl" "$tmp/vec" "$tmp/vl" 2>"$tmp/vl.err"; then
    bad "verilator builds the bench"; cat "$tmp/vl.err"; exit 0
fi
if [ -s "$tmp/vl.err" ]; then bad "verilator builds the bench without warnings"; cat "$tmp/vl.err"
else ok "verilator builds the bench without warnings"; fi
V=$tmp/vl/logq_mac_tb
for r in 0 1 2; do
    "$V" +vectors="$tmp/vec" +waves="$tmp/v$r.fst" +verilator+rand+reset+$r \
        +verilator+seed+$((seed % 1000 + 1)) >"$tmp/v$r.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^PASSED' "$tmp/v$r.log"; then
        ok "verilator +verilator+rand+reset+$r passes"
    else bad "verilator +verilator+rand+reset+$r passes (exit $rc)"; tail -5 "$tmp/v$r.log"; fi
    "$LOGQ" wavediff "$VCD" "$tmp/v$r.fst" --scope logq_mac_tb.dut --signals "$PORTS" \
        --from 40ns >"$tmp/d$r" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q '10 signals compared, 0 differ' "$tmp/d$r"; then
        ok "icarus VCD and verilator FST (rand-reset $r) agree on every port after reset"
    else bad "icarus VCD and verilator FST (rand-reset $r) agree (exit $rc)"; head -8 "$tmp/d$r"; fi
done
# From time 0, x (Icarus before the reset) matches anything.
"$LOGQ" wavediff "$VCD" "$tmp/v2.fst" --scope logq_mac_tb.dut --signals "$PORTS" --xz wild \
    >"$tmp/d" 2>&1 && ok "they agree from time 0 with --xz wild" ||
    { bad "they agree from time 0 with --xz wild"; head -5 "$tmp/d"; }
# Internal registers too (every signal below the DUT both simulators dump).
"$LOGQ" wavediff "$VCD" "$tmp/v1.fst" --scope logq_mac_tb.dut --from 40ns >"$tmp/d" 2>&1 &&
    ok "they agree on every common DUT signal ($(grep -o '[0-9]* signals compared' "$tmp/d"))" ||
    { bad "they agree on every common DUT signal"; head -5 "$tmp/d"; }

# An injected difference: one value of m_sum flipped in a copy of the VCD.
id=$(awk '$1 == "$scope" { sc[++n] = $3 } $1 == "$upscope" { n-- }
    $1 == "$var" && $5 == "m_sum" && sc[n] == "dut" { print $4; exit }' "$VCD")
awk -v id="$id" '!done && /^#/ { t = substr($1, 2) + 0 }
    !done && t > 100000 && $1 ~ /^b/ && $2 == id {
        v = $1; c = substr(v, length(v)); sub(/.$/, c == "0" ? "1" : "0", v); print v, $2; done = 1; next }
    { print }' "$VCD" >"$tmp/inj.vcd"
"$LOGQ" wavediff "$tmp/inj.vcd" "$tmp/v0.fst" --scope logq_mac_tb.dut --signals "$PORTS" \
    --from 40ns >"$tmp/d" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q ' m_sum  A=' "$tmp/d" && grep -q 'result: differ' "$tmp/d"; then
    ok "wavediff catches the injected difference ($(grep -m1 ' m_sum  A=' "$tmp/d" | sed 's/  */ /g'))"
else bad "wavediff catches the injected difference (exit $rc, id '$id')"; head -5 "$tmp/d"; fi

# A failing Verilator run: non-zero exit, a readable FST, a .gtkw at the first mismatch.
( "$V" +vectors="$tmp/wrong" +waves="$tmp/wrong.fst" +max-errors=2 >"$tmp/w.log" 2>&1 )
rc=$?
first=$(grep -m1 -o '^MISMATCH at cycle [0-9]* ([0-9]*' "$tmp/w.log" | grep -o '[0-9]*$')
if [ $rc -ne 0 ] && [ -n "$first" ] && grep -q '^FAILED' "$tmp/w.log"; then
    ok "verilator: a wrong model fails (exit $rc)"
else bad "verilator: a wrong model fails (exit $rc)"; tail -5 "$tmp/w.log"; fi
"$LOGQ" wavediff "$tmp/wrong.fst" "$tmp/wrong.fst" >/dev/null 2>&1 &&
    ok "its FST is closed cleanly (readable)" || bad "its FST is closed cleanly (readable)"
if grep -q "^\*-10.000000 $first " "$tmp/wrong/logq_mac_fail.gtkw" 2>/dev/null &&
   grep -q '^TOP.logq_mac_tb.dut.m_sum' "$tmp/wrong/logq_mac_fail.gtkw"; then
    ok "verilator: the .gtkw marker sits at the first mismatch ($first ps)"
else bad "verilator: the .gtkw marker sits at the first mismatch"; cat "$tmp/wrong/logq_mac_fail.gtkw"; fi

# The MAC's C++ harness under the three random-reset settings.
if [ -x "$root/sim/verilator/mac_build.sh" ] && [ -f "$BUILD/liblogq.a" ]; then
    if BUILD=$BUILD "$root/sim/verilator/mac_build.sh" "$tmp/rtl" "$tmp/mtb" check >"$tmp/mb.log" 2>&1; then
        for r in 0 1 2; do
            "$tmp/mtb/mac_tb" +seed="$seed" +beats=3000 +verilator+rand+reset+$r >"$tmp/m$r.log" 2>&1
            rc=$?
            if [ $rc -eq 0 ] && grep -q '^PASSED' "$tmp/m$r.log"; then
                ok "mac_tb +verilator+rand+reset+$r passes"
            else bad "mac_tb +verilator+rand+reset+$r passes (exit $rc)"; tail -5 "$tmp/m$r.log"; fi
        done
    else bad "mac_tb builds"; tail -5 "$tmp/mb.log"; fi
else
    bad "mac_tb under random resets: sim/verilator/mac_build.sh or $BUILD/liblogq.a is missing"
fi

# The other blocks: the same bench and vectors under Icarus and Verilator
# (+verilator+rand+reset+2); their dumps agree on every port. The handshake and the
# inputs are compared exactly after the reset; the output data, which these blocks
# do not reset (docs/xsim.md), with --xz wild (Icarus' x before the first write).
# The Verilator builds run in parallel.
S='clk,rst,s_valid,s_ready,s_data,s_last,m_valid,m_ready'
T='clk,rst,s_act_valid,s_act_ready,s_act_data,s_act_last,s_t_*,m_valid,m_ready'
# block|module|options|vectors-only options|handshake and input ports|output data ports
blocks=(
    "logacc|logacc|--lanes 3 --exp-bits 4 --frac 3 --pipeline input|--count 30|$S|m_pos_z,m_pos,m_neg_z,m_neg"
    "slqdec|slqdec_w5_l2_tag|--bits 5 --max-words 2 --framing tag|--count 60|$S|m_err,m_neg,m_zero,m_shift,m_first,m_wlast,m_vlast"
    "slqmac|slqmac_n3_w5_a6|--bits 5 --lanes 3 --act-bits 6 --max-words 2|--count 40|$T|m_data,m_err"
)
pids=()
for b in "${blocks[@]}"; do
    IFS='|' read -r block name opts vopts CTL data <<<"$b"
    d=$tmp/x-$block
    # shellcheck disable=SC2086
    "$LOGQ" gen "$block" $opts -o "$d/rtl" >/dev/null
    # shellcheck disable=SC2086
    "$LOGQ" vectors "$block" $opts $vopts --seed "$seed" -o "$d/vec" >/dev/null
    "$root/sim/xsim/verilator.sh" "$d/rtl" "$d/vec" "$d/vl" >"$d.vl.err" 2>&1 &
    pids+=($!)
done
i=0
for b in "${blocks[@]}"; do
    IFS='|' read -r block name opts vopts CTL data <<<"$b"
    d=$tmp/x-$block
    vcd=$d/vec/${name}_tb.vcd
    if WAVES=1 "$root/sim/icarus/run.sh" "$d/rtl" "$d/vec" >"$d.icarus.log" 2>&1 && [ -s "$vcd" ]; then
        ok "$block: icarus passes and dumps a VCD"
    else bad "$block: icarus passes and dumps a VCD"; tail -5 "$d.icarus.log"; fi
    if ! wait "${pids[$i]}" || [ -s "$d.vl.err" ]; then
        bad "$block: verilator builds the bench without warnings"; head -10 "$d.vl.err"
        i=$((i + 1))
        continue
    fi
    i=$((i + 1))
    ok "$block: verilator builds the bench without warnings"
    "$d/vl/${name}_tb" +vectors="$d/vec" +waves="$d/v.fst" +verilator+rand+reset+2 \
        +verilator+seed+$((seed % 1000 + 1)) >"$d.v.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^PASSED' "$d.v.log"; then ok "$block: verilator (random reset) passes"
    else bad "$block: verilator (random reset) passes (exit $rc)"; tail -5 "$d.v.log"; fi
    nctl=$(( $(echo "$CTL" | tr ',' '\n' | grep -vc '\*') + $(echo "$CTL" | grep -c 's_t_\*') * 8 ))
    "$LOGQ" wavediff "$vcd" "$d/v.fst" --scope "${name}_tb.dut" --signals "$CTL" --from 40ns \
        >"$d.d1" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "$nctl signals compared, 0 differ" "$d.d1"; then
        ok "$block: icarus and verilator agree exactly on the $nctl handshake and input ports"
    else bad "$block: icarus and verilator agree on the handshake and inputs (exit $rc)"; head -6 "$d.d1"; fi
    nall=$((nctl + $(echo "$data" | tr ',' '\n' | wc -l)))
    "$LOGQ" wavediff "$vcd" "$d/v.fst" --scope "${name}_tb.dut" --signals "$CTL,$data" --xz wild \
        >"$d.d2" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "$nall signals compared, 0 differ" "$d.d2"; then
        ok "$block: they agree on all $nall ports from time 0 (--xz wild)"
    else bad "$block: they agree on all $nall ports (exit $rc)"; head -6 "$d.d2"; fi
    "$LOGQ" wavediff "$vcd" "$d/v.fst" --scope "${name}_tb.dut" --xz wild --from 40ns >"$d.d3" 2>&1 &&
        ok "$block: they agree on every common DUT signal ($(grep -o '[0-9]* signals compared' "$d.d3"))" ||
        { bad "$block: they agree on every common DUT signal"; head -5 "$d.d3"; }
done
