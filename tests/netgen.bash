# Checks shared by tests/net.sh and tests/net_conv.sh (sourced after tests/lib.sh; not a
# test script itself). SEED is the stall pattern's seed.
#
# net_hval DIR NAME: the value of LOGQ_NET_NAME in DIR/logq_net.h.
# net_hwcell EVAL W A BITS: the integer (hw) cell of eval --hw's table in file EVAL
#   for weights W, activations A at BITS (5: the first column, else the second).
# net_design TAG DIR WANT: on the network `logq gen net ... --vectors 450 -o DIR`
#   wrote: zero warnings from verilator --lint-only -Wall and iverilog -Wall, the
#   re-quantizers alone (DIR/logq_net_rq_tb.v), the Verilator co-simulation of the 450
#   images with 30 % stalls on both streams and random initial values (every class and
#   logit equal to the model's; the accuracy equal to WANT, eval --hw's cell, unless
#   WANT is -), and with no stalls the latency and every interval of NAME.h.
# net_icarus TAG DIR N [WEIGHTS]: the generated Icarus bench of DIR (gen net --vectors N)
#   passes; with every bit of the first ROM's word 5 (layer 1) complemented it fails.
#   WEIGHTS: the file of the ROMs (default logq_net_weights.v; a wrapped top's
#   logq_net_core_weights.v).
# net_refuse NAME PATTERN ARGS...: `logq gen net ARGS -o DIR` exits 2, writes nothing
#   and its message matches PATTERN.

net_hval() { sed -n "s/^#define LOGQ_NET_$2 \([0-9]*\).*/\1/p" "$1/logq_net.h"; }

net_hwcell() {
    local col
    col=$( [ "$4" = 5 ] && echo 5 || echo 6 )
    grep "^| $2 | $3 | integer (hw) |" "$1" | awk -F'|' -v c="$col" '{ gsub(/ /, "", $c); print $c }'
}

net_design() {
    local tag=$1 d=$2 want=$3 srcs rc acc also=""
    srcs=$(grep -v '^//' "$d/logq_net.f" | sed "s|^|$d/|")
    if verilator --lint-only -Wall --top-module logq_net $srcs >"$d.lint" 2>&1 && [ ! -s "$d.lint" ]; then
        ok "$tag: verilator --lint-only -Wall: no warning"
    else bad "$tag: verilator lint"; head -5 "$d.lint"; fi
    if iverilog -g2005 -gstrict-expr-width -Wall -o "$d.ivl" $srcs >"$d.ilint" 2>&1 && [ ! -s "$d.ilint" ]; then
        ok "$tag: iverilog -g2005 -gstrict-expr-width -Wall: no warning"
    else bad "$tag: iverilog lint"; head -5 "$d.ilint"; fi
    if (cd "$d" && iverilog -g2005 -s logq_net_rq_tb -o rq logq_net.v logq_net_rq_tb.v && vvp -n rq) >"$d.rq" 2>&1 &&
       grep -q '^PASSED' "$d.rq"; then
        ok "$tag: icarus: the re-quantizers alone = lq_quantize of the exact value ($(sed -n 's/^logq_net_rq_tb: \([0-9]*\) inputs.*/\1/p' "$d.rq") inputs: all up to 4095, both neighbours of every code transition, random)"
    else bad "$tag: re-quantizer bench"; tail -3 "$d.rq"; fi
    if ! "$root/sim/verilator/net_build.sh" "$d" "$d/vl" 2>"$d.vb"; then
        bad "$tag: verilator build"; cat "$d.vb"; return
    fi
    "$d/vl/net_tb" +vectors="$d" +stall=30 +seed="$SEED" +verilator+rand+reset+2 >"$d.sim" 2>&1
    rc=$?
    acc=$(sed -n 's/^net_tb: 450 images, 0 mismatches; accuracy RTL \([0-9.]*\) % ([0-9]*), model \1 % .*/\1/p' "$d.sim")
    [ "$want" != - ] && also=" = eval --hw's table"
    if [ $rc -eq 0 ] && grep -q '^PASSED' "$d.sim" && [ -n "$acc" ] && { [ "$want" = - ] || [ "$acc" = "$want" ]; }; then
        ok "$tag: verilator, 450 test images, 30 % stalls on both streams (seed $SEED): every class and logit = eval --hw; accuracy RTL $acc % = model$also"
    else bad "$tag: verilator co-simulation (exit $rc, table '$want', RTL '$acc')"; grep -E 'MISMATCH|accuracy|FAILED|expected|actual|rerun' "$d.sim" | head -8; fi
    "$d/vl/net_tb" +vectors="$d" +stall=0 +timing >"$d.tim" 2>&1
    rc=$?
    local lat per
    lat=$(net_hval "$d" LATENCY) per=$(net_hval "$d" PERIOD)
    if [ $rc -eq 0 ] && grep -q "^timing: latency $lat cycles (NAME.h $lat), cycles between images $per (NAME.h $per), 0 of 447 intervals off" "$d.tim"; then
        ok "$tag: no stalls: latency $lat and $per cycles between images, as NAME.h computes from the folding"
    else bad "$tag: timing (exit $rc)"; grep -E 'timing|FAILED' "$d.tim" | head -3; fi
}

net_icarus() {
    local tag=$1 d=$2 n=$3 wf=${4:-logq_net_weights.v}
    if (cd "$d" && iverilog -g2005 -o tb -c logq_net.icarus.f logq_net_tb.v && vvp -n tb) >"$d.i" 2>&1 &&
       grep -q '^PASSED' "$d.i" && grep -q "^logq_net_tb: $n images, 0 mismatches" "$d.i"; then
        ok "$tag: icarus: the generated self-checking bench, $n images, 30 % stalls: $(grep -o 'accuracy.*' "$d.i")"
    else bad "$tag: icarus bench"; tail -5 "$d.i"; fi
    awk '/rom\[5\] = / && !done { i = index($0, "h"); h = substr($0, i + 1); sub(/;/, "", h)
        n = ""; for (k = 1; k <= length(h); k++) n = n substr("fedcba9876543210", index("0123456789abcdef", substr(h, k, 1)), 1)
        $0 = substr($0, 1, i) n ";"; done = 1 } { print }' "$d/$wf" >"$d.wv" &&
        cp "$d.wv" "$d/$wf"
    (cd "$d" && iverilog -g2005 -o tb -c logq_net.icarus.f logq_net_tb.v && vvp -n tb) >"$d.ib" 2>&1
    if grep -q '^FAILED' "$d.ib" && grep -q '^MISMATCH image' "$d.ib" && ! grep -q '^PASSED' "$d.ib"; then
        ok "$tag: icarus: layer 1's ROM word 5 complemented in $wf fails the bench ($(grep -c '^MISMATCH' "$d.ib") of $n images differ)"
    else bad "$tag: icarus: the corrupted weight was not caught"; tail -3 "$d.ib"; fi
}

net_refuse() {
    local name=$1 pat=$2 rc
    shift 2
    "$LOGQ" gen net "$@" -o "$tmp/no" >"$tmp/r.out" 2>"$tmp/r.err"
    rc=$?
    if [ $rc -eq 2 ] && [ ! -e "$tmp/no" ] && grep -q -- "$pat" "$tmp/r.err"; then ok "refused: $name"
    else bad "not refused: $name (exit $rc)"; cat "$tmp/r.err"; fi
}
