#!/usr/bin/env bash
# The top wrapper of every described block (docs/interfaces.md, gen/emit/wrap.c):
# --interface native|axis x --reset sync-high|sync-low x --skid. For each block and
# each wrapped combination: logq gen --tb twice gives byte-identical files; the
# Verilog lints with no output at all under verilator -Wall and iverilog -Wall; the
# generated bench passes on `logq vectors` with stalls on every stream (input gaps,
# output ready, the side lanes' gaps); NAME.h compiles and has the packing macros.
# Then: a corrupted expected output fails the bench; with --skid every input ready
# is a register (Yosys: its fan-in cone holds no input port and no logic but an
# inverter of a flip-flop), without it the MAC's ready reaches m_axis_tready (the
# check can fail); +midreset through aresetn; the defaults write no wrapper; bad
# values are refused.
. "$(dirname "$0")/lib.sh"
RUN=$root/sim/icarus/run.sh
lq_seed axis.sh

for t in verilator iverilog vvp yosys gcc; do
    command -v "$t" >/dev/null || bad "axis: $t is not installed (scripts/deps.sh)"
done

# block|options (small configurations: the bench runs 7 times per block)
blocks=(
    "mac|--lanes 4"
    "logacc|--lanes 3 --exp-bits 5"
    "slqdec|--bits 4 --framing tag"
    "slqmac|--bits 4 --lanes 3 --max-words 2 --framing special"
    "quant|--lanes 3"
    "logdot|--lanes 3"
    "slqdot|--lanes 3"
)
combos=(
    "--interface axis"
    "--interface axis --skid"
    "--interface axis --reset sync-high"
    "--interface axis --reset sync-high --skid"
    "--skid"
    "--reset sync-low"
    "--reset sync-low --skid"
)

n=0
for b in "${blocks[@]}"; do
    IFS='|' read -r block opts <<<"$b"
    npass=0
    for c in "${combos[@]}"; do
        n=$((n + 1))
        d=$tmp/$n
        mkdir -p "$d"
        what="$block $opts $c"
        # shellcheck disable=SC2086
        if ! "$LOGQ" gen $block $opts $c --tb -o "$d/rtl" >"$d/gen.log" 2>&1 ||
           ! "$LOGQ" gen $block $opts $c --tb -o "$d/rtl2" >>"$d/gen.log" 2>&1 ||
           ! "$LOGQ" vectors $block $opts $c --count 40 --seed "$seed" -o "$d/vec" >>"$d/gen.log" 2>&1; then
            bad "$what: gen/vectors"; cat "$d/gen.log"; continue
        fi
        top=$(basename "$(ls "$d"/rtl/*.txt)" .txt)
        sed -i "s|$d/rtl2|$d/rtl|" "$d"/rtl2/*  # the header names the directory
        if ! diff -r "$d/rtl" "$d/rtl2" >/dev/null; then bad "$what: not deterministic"; continue; fi
        if ! [ -f "$d/rtl/${top}_core.v" ] || ! grep -q "^module $top (" "$d/rtl/$top.v" ||
           ! grep -q "^${top}.v\$" "$d/rtl/$top.f"; then
            bad "$what: $top.v is not the wrapper of ${top}_core"; continue
        fi
        (cd "$d/rtl" && verilator --lint-only -Wall -f "$top.f") >"$d/lint" 2>&1
        # shellcheck disable=SC2046
        (cd "$d/rtl" && iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null $(grep -v '^//' "$top.f")) >>"$d/lint" 2>&1
        if [ -s "$d/lint" ]; then bad "$what: lint"; head -10 "$d/lint"; continue; fi
        if ! "$RUN" "$d/rtl" "$d/vec" >"$d/sim.log" 2>&1 || ! grep -q '^PASSED' "$d/sim.log"; then
            bad "$what: the bench"; tail -6 "$d/sim.log"; continue
        fi
        # NAME.h compiles (with the core's NAME_core.h) and states the options
        printf '#include "%s.h"\nint main(void) { return %s_SKID + %s_INTERFACE_AXIS; }\n' "$top" \
            "$(tr a-z A-Z <<<"$top")" "$(tr a-z A-Z <<<"$top")" >"$d/h.c"
        if ! gcc -std=c11 -Wall -Wextra -Werror -I "$d/rtl" -o "$d/h" "$d/h.c" 2>"$d/h.log"; then
            bad "$what: $top.h"; cat "$d/h.log"; continue
        fi
        # NAME.h's latency is the top's, NAME.txt's (none when data dependent): the
        # core's, + 1 with --skid
        up=$(tr a-z A-Z <<<"$top")
        tl=$(sed -n 's/^latency: \([0-9]*\) cycles*$/\1/p' "$d/rtl/$top.txt")
        hl=$(sed -n "s/^#define ${up}_TOP_LATENCY \([0-9]*\) .*/\1/p" "$d/rtl/$top.h")
        cl=$(sed -n "s/^#define ${up}_CORE_LATENCY \([0-9]*\).*/\1/p" "$d/rtl/${top}_core.h" 2>/dev/null)
        sk=0; case $c in *--skid*) sk=1 ;; esac
        if [ "$tl" != "$hl" ] || { [ -n "$cl" ] && [ "$hl" != $((cl + sk)) ]; }; then
            bad "$what: $top.h's latency '$hl' (NAME.txt '$tl', NAME_core.h '$cl', skid $sk)"; continue
        fi
        case $c in
        *axis*)
            if ! grep -q "^AXI4-Stream packing" "$d/rtl/$top.txt" || ! grep -q "_PORT_S_AXIS_.*TDATA_BITS" "$d/rtl/$top.h" ||
               awk '/^ports:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$d/rtl/$top.txt" |
                   grep -qv '^name$\|^clk$\|^aresetn$\|^rst$\|^[sm]_axis_'; then
                bad "$what: axis ports and packing in $top.txt/.h"; continue
            fi ;;
        esac
        case $c in
        *skid*)
            if ! ready_registered "$d/rtl" "$top"; then
                bad "$what: ready is not a register"; grep -i 'error\|assert' "$d/rtl.ys.log" | head -3; continue
            fi ;;
        esac
        case "$c" in
        *sync-high*) rname=rst ;;
        *axis*|*sync-low*) rname=aresetn ;;
        *) rname=rst ;;
        esac
        if ! grep -q "^    input  wire        $rname,\$" "$d/rtl/$top.v"; then
            bad "$what: the reset port is not $rname"; continue
        fi
        npass=$((npass + 1))
    done
    [ "$npass" = "${#combos[@]}" ] &&
        ok "$block: ${#combos[@]} wrapped tops deterministic, lint-clean, the bench passes ($block $opts)"
done

# A corrupted expected output fails the bench (axis, skid, aresetn).
for b in "${blocks[@]}"; do
    IFS='|' read -r block opts <<<"$b"
    d=$tmp/bad-$block
    # shellcheck disable=SC2086
    "$LOGQ" gen $block $opts --interface axis --skid --tb -o "$d/rtl" >/dev/null 2>&1
    # shellcheck disable=SC2086
    "$LOGQ" vectors $block $opts --interface axis --skid --count 40 --seed "$seed" -o "$d/vec" >/dev/null 2>&1
    # flip the lowest bit of the third expected item
    awk '/^\/\// { print; next } { k++; if (k == 3) { v = index("0123456789abcdef", tolower(substr($0, length($0), 1)));
         $0 = substr($0, 1, length($0) - 1) substr("1032547698badcfe", v, 1) } print }' \
        "$d/vec/out.hex" >"$d/out.hex" && mv "$d/out.hex" "$d/vec/out.hex"
    "$RUN" "$d/rtl" "$d/vec" +max-errors=1 >"$d.log" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q '^MISMATCH at cycle' "$d.log"; then
        ok "$block: a corrupted expected output fails the axis bench"
    else bad "$block: a corrupted expected output fails the axis bench (exit $rc)"; tail -4 "$d.log"; fi
done

# Without --skid the MAC's ready is m_axis_tready through the pipeline: the check fails.
d=$tmp/noskid
"$LOGQ" gen mac --lanes 4 --interface axis -o "$d" >/dev/null 2>&1
if ! ready_registered "$d" logq_mac && grep -q 'm_axis_tready' "$d.ys.log"; then
    ok "mac without --skid: s_axis_tready depends on m_axis_tready (the register check can fail)"
else bad "mac without --skid: the register check does not see m_axis_tready"; fi

# +midreset: resets through aresetn mid-vector, the vector sent again, still passes.
d=$tmp/midreset
"$LOGQ" gen mac --lanes 4 --interface axis --skid --tb -o "$d/rtl" >/dev/null 2>&1
"$LOGQ" vectors mac --lanes 4 --interface axis --skid --count 300 --seed "$seed" -o "$d/vec" >/dev/null 2>&1
"$RUN" "$d/rtl" "$d/vec" +midreset >"$d.log" 2>&1
if grep -q '^PASSED' "$d.log" && grep -q 'faults: [1-9][0-9]* resets' "$d.log"; then
    ok "mac axis skid: +midreset through aresetn passes ($(grep -o '[0-9]* resets ([0-9]* mid-vector)' "$d.log"))"
else bad "mac axis skid: +midreset"; tail -4 "$d.log"; fi

# The same bench under Verilator (--binary --timing, random initial values), no warning.
d=$tmp/vl
"$LOGQ" gen slqmac --bits 4 --lanes 3 --interface axis --skid --tb -o "$d/rtl" >/dev/null 2>&1
"$LOGQ" vectors slqmac --bits 4 --lanes 3 --interface axis --skid --count 40 -o "$d/vec" >/dev/null 2>&1
if "$root/sim/xsim/verilator.sh" "$d/rtl" "$d/vec" "$d/obj" >"$d.build" 2>&1 && ! grep -qi warning "$d.build" &&
   "$d/obj/slqmac_n3_w4_a8_tb" +vectors="$d/vec" +waves="$d/w.fst" +verilator+rand+reset+2 >"$d.log" 2>&1 &&
   grep -q '^PASSED' "$d.log"; then
    ok "slqmac axis skid: the bench passes under Verilator with random initial values"
else bad "slqmac axis skid under Verilator"; grep -i 'warning\|error' "$d.build" | head -3; tail -3 "$d.log"; fi

# Four-state: X on TDATA/TLAST while TVALID is low never makes s_axis_tready X with
# --skid, even around the MAC with --pipeline none (whose own s_ready does go X:
# issue 19); a ready made to depend on the data is caught (the check can fail).
xidle() { # DIR: prints the count of X cycles
    local dw ow
    dw=$(awk '$1 == "s_axis_tdata" { print $3; exit }' "$1/logq_mac.txt")
    ow=$(awk '$1 == "m_axis_tdata" { print $3; exit }' "$1/logq_mac.txt")
    # shellcheck disable=SC2046
    (cd "$1" && iverilog -g2005 -DDW="$dw" -DOW="$ow" -DTOP=logq_mac -o sim \
        $(grep -v '^//' logq_mac.f) "$root/tests/axis/xidle_tb.v" && vvp -n sim) 2>&1 |
        sed -n 's/^xidle: \([0-9]*\) cycles.*/\1/p'
}
d=$tmp/xidle
"$LOGQ" gen mac --lanes 4 --pipeline none --interface axis --skid -o "$d/skid" >/dev/null 2>&1
cp -r "$d/skid" "$d/bad"
sed -i 's/assign s_ready = ~full;/assign s_ready = ~full ^ s_data[0];/' "$d/bad/logq_mac.v"
x1=$(xidle "$d/skid")
x2=$(xidle "$d/bad")
if [ "$x1" = 0 ] && [ -n "$x2" ] && [ "$x2" -gt 0 ]; then
    ok "mac --pipeline none --skid: s_axis_tready never X with X data while idle (a data-dependent ready: $x2 X cycles)"
else bad "four-state ready check (skid: '$x1' X cycles, data-dependent ready: '$x2')"; fi

# The bench checks the constant TLAST of a result stream.
d=$tmp/tlast
"$LOGQ" gen logdot --lanes 3 --interface axis --tb -o "$d/rtl" >/dev/null 2>&1
"$LOGQ" vectors logdot --lanes 3 --interface axis --count 20 -o "$d/vec" >/dev/null 2>&1
sed -i "s/assign m_axis_tlast = 1'b1;/assign m_axis_tlast = 1'b0;/" "$d/rtl/logdot.v"
"$RUN" "$d/rtl" "$d/vec" >"$d.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'has m_axis_tlast = 0, not 1' "$d.log"; then
    ok "logdot axis: a TLAST that is not 1 fails the bench"
else bad "logdot axis: a TLAST that is not 1 fails the bench (exit $rc)"; tail -3 "$d.log"; fi

# The view of a wrapped top names signals of its dump (the block's own below u_core).
d=$tmp/view
"$LOGQ" gen logacc --lanes 3 --interface axis --skid --tb -o "$d/rtl" >/dev/null 2>&1
"$LOGQ" vectors logacc --lanes 3 --interface axis --skid --count 20 -o "$d/vec" >/dev/null 2>&1
WAVES=1 "$RUN" "$d/rtl" "$d/vec" >"$d.log" 2>&1
missing="" nsig=0
for s in $(grep '^logacc_tb\.dut\.' "$d/rtl/logacc.gtkw" | sed 's/^logacc_tb\.dut\.//; s/\[[0-9]*:0\]$//'); do
    nsig=$((nsig + 1))
    grep -q "^\$var [a-z]* [0-9]* [^ ]* ${s##*.}[ \[]" "$d/vec/logacc_tb.vcd" || missing="$missing $s"
done
if grep -q '^PASSED' "$d.log" && [ "$nsig" -ge 10 ] && [ -z "$missing" ] &&
   grep -q '^logacc_tb\.dut\.u_core\.' "$d/rtl/logacc.gtkw" && grep -q 's_axis_tdata' "$d/rtl/logacc.gtkw"; then
    ok "logacc axis: logacc.gtkw shows $nsig signals of the dump (the block's own below u_core)"
else bad "logacc axis: logacc.gtkw signals in the dump (missing:$missing; $nsig)"; fi

# The defaults write the block's own top, no wrapper.
d=$tmp/default
"$LOGQ" gen mac -o "$d" >/dev/null 2>&1
if [ -f "$d/logq_mac.v" ] && ! ls "$d" | grep -q _core && ! grep -q 'aresetn\|_skid' "$d/logq_mac.v"; then
    ok "mac defaults: no wrapper (native, sync-high, no skid)"
else bad "mac defaults: no wrapper"; fi

# The padding of an output TDATA is zero, of an input TDATA ignored (not read).
d=$tmp/sw-slqdec
"$LOGQ" gen slqdec --bits 4 --framing tag --interface axis -o "$d" >/dev/null 2>&1
v=$d/slqdec_w4_l2_tag.v
if grep -q "assign w_s_in = {s_axis_tlast, s_axis_tdata\[4:0\]};" "$v" &&
   grep -q "assign m_axis_tuser = w_m_beat\[9:8\];" "$v" &&
   grep -q "m_axis_tlast = w_m_beat\[10\];" "$v"; then
    ok "slqdec axis: tdata[4:0] read, padding ignored; tuser = {m_wlast, m_first}; tlast = m_vlast"
else bad "slqdec axis packing"; grep assign "$v"; fi
d=$tmp/sw-mac
"$LOGQ" gen mac --interface axis -o "$d" >/dev/null 2>&1
if grep -q "assign m_axis_tdata = {3'd0, w_m_beat\[36:0\]};" "$d/logq_mac.v"; then
    ok "mac axis: m_axis_tdata is 40 bits, m_sum and 3 zero bits"
else bad "mac axis: m_axis_tdata padding"; fi

# Bad values are refused: exit 2, the value named, nothing written.
refuse() { # WORD ARGS...
    local w=$1 o rc
    shift
    o=$("$LOGQ" gen "$@" -o "$tmp/refused" 2>&1)
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$w" <<<"$o" && ! [ -e "$tmp/refused" ]; then ok "refused: $*"
    else bad "refused: $* (exit $rc: $o)"; fi
}
refuse "'axi'" mac --interface axi
refuse "'async'" logacc --reset async
refuse "too long" mac --skid --name "$(printf 'a%.0s' {1..58})"

# The ASan+UBSan build writes the same files (leaks on the refusal paths included).
ALOGQ=$BUILD/asan/logq
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
if ! [ -x "$ALOGQ" ]; then
    bad "asan: $ALOGQ is not built (make $ALOGQ)"
else
    for b in "${blocks[@]}"; do
        IFS='|' read -r block opts <<<"$b"
        d=$tmp/asan-$block
        for bin in "$LOGQ" "$ALOGQ"; do
            k=$([ "$bin" = "$LOGQ" ] && echo plain || echo asan)
            mkdir -p "$d/$k"
            # shellcheck disable=SC2086
            (cd "$d/$k" && "$bin" gen $block $opts --interface axis --skid --tb -o rtl &&
             "$bin" vectors $block $opts --interface axis --skid --count 20 -o vec) >"$d/$k.log" 2>&1 ||
                echo "exit $?" >>"$d/$k.log"
        done
        if ! grep -q 'exit\|runtime error\|Sanitizer' "$d/asan.log" && diff -r "$d/plain" "$d/asan" >/dev/null; then
            ok "asan: $block --interface axis --skid: the same files, no sanitizer report"
        else bad "asan: $block --interface axis --skid"; tail -5 "$d/asan.log"; fi
    done
    LOGQ=$ALOGQ PREFIX="asan: "
    refuse "'axi'" slqdot --interface axi
    refuse "too long" quant --reset sync-low --name "$(printf 'q%.0s' {1..58})"
fi
exit 0
