#!/usr/bin/env bash
# `logq gen net --interface native|axis --reset sync-high|sync-low --skid` (issue 19,
# docs/interfaces.md, docs/net.md "Interface and timing"): the network's top through the
# wrapper every block uses (gen/emit/wrap.c). For the default MLP (64-32-10, eval
# --hw's FSRs) and the conv digits network (1x8x8, 16 3x3 kernels, pool, 144-32-10),
# shift-log2 5 bits, in each of native / axis / axis --skid / --reset sync-low:
#  - the same options give byte-identical files; zero output from verilator
#    --lint-only -Wall and iverilog -g2005 -gstrict-expr-width -Wall;
#  - the ports are the wrapper's (s_axis_*/m_axis_*, aresetn) and NAME.h compiles;
#  - the generated Icarus bench passes on 20 (conv: 8) test images with 30 % stalls on both
#    streams (every class and logit = the integer model of eval --hw; under axis the
#    input TLAST driven on each image's last beat, the output's padding 0 and TLAST 1);
#    layer 1's ROM word 5 complemented, or one expected output flipped, fails it;
#  - with --skid s_axis_tready is a register (the Yosys cone check of tests/axis.sh);
#    without it the check fails (conv: the line buffer's ready follows m_ready);
#  - ASan+UBSan writes the same files.
# Then: the MLP axis --skid top in the Verilator co-simulation (100 images, 30 % stalls,
# random initial values; with no stalls the latency is NAME_core.h's + 1, the skid
# buffer's register); the native files equal those of `--interface native --reset
# sync-high` (and, with LOGQ_REF=an older logq, that binary's); bad values exit 2.
# LOGQ_LONG=1 adds the conv network's --reset sync-low --skid top in Verilator. SEED=N
# varies the Verilator stalls.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netgen.bash"
lq_seed net_axis.sh
SEED=$seed
DATA=$BUILD/data/digits.csv
ALOGQ=$BUILD/asan/logq
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1

for t in verilator iverilog vvp yosys gcc; do
    command -v "$t" >/dev/null || { bad "net_axis: $t is not installed (scripts/deps.sh)"; exit 1; }
done
if [ ! -f "$DATA" ]; then bad "net_axis: $DATA missing (make data)"; exit 1; fi
if [ ! -x "$ALOGQ" ]; then bad "net_axis: $ALOGQ is not built (make $ALOGQ)"; fi

# the networks: the MLP with eval --quick's FSRs; the conv network with given
# activation FSRs (eval of a conv network takes 20 s; any FSRs give a network the
# bench checks against the model)
if "$LOGQ" train --data "$DATA" -o "$tmp/mlp.txt" >"$tmp/train.log" 2>&1 &&
   "$LOGQ" eval --data "$DATA" --weights "$tmp/mlp.txt" --quick --bits 5 --hw >"$tmp/eval.txt" 2>&1 &&
   "$LOGQ" train --arch conv --data "$DATA" -o "$tmp/conv.txt" >>"$tmp/train.log" 2>&1; then
    ok "net_axis: train the MLP and the conv network, eval --hw the MLP"
else bad "net_axis: train or eval"; tail -3 "$tmp/train.log" "$tmp/eval.txt"; exit 1; fi
# name|test images for the Icarus bench (a conv image is 576 cycles)|options
nets=(
    "mlp|20|--weights $tmp/mlp.txt --fsr-from $tmp/eval.txt"
    "conv|8|--weights $tmp/conv.txt --afsr 0,2,4"
)
modes=(
    "native|"
    "axis|--interface axis"
    "axis-skid|--interface axis --skid"
    "sync-low|--reset sync-low"
)

# check_top DIR MODE: the top's ports and reset as the mode says
check_top() {
    local v=$1.top
    sed -n '/^module logq_net (/,/^);/p' "$1/logq_net.v" >"$v"
    case $2 in
    native) grep -q '^    input  wire rst,' "$v" && ! ls "$1" | grep -q _core ;;
    axis|axis-skid)
        grep -q '^    input  wire        aresetn,$' "$v" && grep -q '^    input  wire        s_axis_tlast,$' "$v" &&
        grep -q '^    output wire        m_axis_tlast$' "$v" && grep -q "assign m_axis_tlast = 1'b1;" "$1/logq_net.v" &&
        ! grep -q '^    \(input\|output\) .* [sm]_\(valid\|ready\|data\|class\|logits\)[,]*$' "$v" &&
        grep -q '^ \*   s_axis_tlast = 1 on a frame.s last beat, not read' "$1/logq_net.h" ;;
    sync-low) grep -q '^    input  wire        aresetn,$' "$v" && grep -q '^    input  wire        s_valid,$' "$v" ;;
    esac
}

for nt in "${nets[@]}"; do
    IFS='|' read -r net nimg nopts <<<"$nt"
    for md in "${modes[@]}"; do
        IFS='|' read -r mode mopts <<<"$md"
        tag="$net $mode"
        d=$tmp/$net-$mode
        mkdir -p "$d/a" "$d/b"
        # shellcheck disable=SC2086
        if ! (cd "$d/a" && "$LOGQ" gen net $nopts --scheme shift-log2 --bits 5 $mopts --data "$DATA" --vectors "$nimg" -o rtl) >"$d.gen" 2>&1 ||
           ! (cd "$d/b" && "$LOGQ" gen net $nopts --scheme shift-log2 --bits 5 $mopts --data "$DATA" --vectors "$nimg" -o rtl) >>"$d.gen" 2>&1; then
            bad "$tag: gen net"; cat "$d.gen"; continue
        fi
        r=$d/a/rtl
        if diff -r "$r" "$d/b/rtl" >/dev/null; then ok "$tag: the same options give byte-identical files"
        else bad "$tag: not deterministic"; fi
        # shellcheck disable=SC2046
        (cd "$r" && verilator --lint-only -Wall --top-module logq_net -f logq_net.f &&
         iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null $(grep -v '^//' logq_net.f)) >"$d.lint" 2>&1
        if [ $? -eq 0 ] && [ ! -s "$d.lint" ]; then ok "$tag: verilator --lint-only -Wall and iverilog -Wall: no output"
        else bad "$tag: lint"; head -5 "$d.lint"; fi
        printf '#include "logq_net.h"\nint main(void) { return 0; }\n' >"$d.c"
        if check_top "$r" "$mode" && gcc -std=c11 -Wall -Wextra -Werror -I "$r" -o "$d.h" "$d.c" 2>"$d.hlog"; then
            ok "$tag: the top's ports and reset, NAME.h compiles"
        else bad "$tag: the top's ports, reset or NAME.h"; cat "$d.hlog"; fi
        wf=logq_net_weights.v
        [ "$mode" = native ] || wf=logq_net_core_weights.v
        # a corrupted expected output (the lowest bit of image 3's) fails the bench
        cp -r "$r" "$d/x"
        awk '/^\/\// { print; next } { k++; if (k == 3) { v = index("0123456789abcdef", substr($0, length($0), 1))
             $0 = substr($0, 1, length($0) - 1) substr("1032547698badcfe", v, 1) } print }' \
            "$r/logq_net_expect.hex" >"$d/x/logq_net_expect.hex"
        (cd "$d/x" && iverilog -g2005 -o tb -c logq_net.icarus.f logq_net_tb.v && vvp -n tb) >"$d.xlog" 2>&1
        if grep -q '^MISMATCH image 2:' "$d.xlog" && grep -q '^FAILED' "$d.xlog"; then
            ok "$tag: icarus: one expected output flipped fails the bench"
        else bad "$tag: a flipped expected output was not caught"; tail -3 "$d.xlog"; fi
        net_icarus "$tag" "$r" "$nimg" "$wf"  # last: it corrupts a weight in $r
        case $mode in
        *skid*)
            if ready_registered "$d/b/rtl" logq_net; then ok "$tag: s_axis_tready is a register (Yosys: its cone holds no input and no logic)"
            else bad "$tag: s_axis_tready is not a register"; grep -i 'error\|assert' "$d/b/rtl.ys.log" | head -3; fi ;;
        esac
        if [ -x "$ALOGQ" ]; then
            mkdir -p "$d/asan"
            # shellcheck disable=SC2086
            if (cd "$d/asan" && "$ALOGQ" gen net $nopts --scheme shift-log2 --bits 5 $mopts --data "$DATA" --vectors "$nimg" -o rtl) >"$d.asan" 2>&1 &&
               diff -r "$d/b/rtl" "$d/asan/rtl" >/dev/null; then
                ok "$tag: ASan+UBSan: the same files, no report"
            else bad "$tag: ASan+UBSan"; tail -5 "$d.asan"; fi
        fi
    done
done

# Without --skid the check fails (it can fail): the conv network's ready is the line
# buffer's !done || m_ready, the MLP's a bank's full flag picked by the bank index.
for net in conv mlp; do
    if ! ready_registered "$tmp/$net-axis/b/rtl" logq_net && grep -q 'Assertion failed' "$tmp/$net-axis/b/rtl.ys.log"; then
        ok "$net axis without --skid: the register check fails: logic in s_axis_tready's cone ($(grep -c '^logq_net/' "$tmp/$net-axis/b/rtl.ys.log") cells)"
    else bad "$net axis without --skid: s_axis_tready passed the register check"; fi
done

# A wrapped top in the Verilator co-simulation: 100 images with stalls, then the latency.
# vl_wrapped TAG DIR GEN-OPTIONS...
vl_wrapped() {
    local tag=$1 V=$2 rc lat
    shift 2
    "$LOGQ" gen net "$@" --data "$DATA" --vectors 100 -o "$V" >/dev/null 2>&1
    if ! "$root/sim/verilator/net_build.sh" "$V" "$V/vl" 2>"$V.build"; then
        bad "$tag: verilator build"; cat "$V.build"; return
    fi
    "$V/vl/net_tb" +vectors="$V" +stall=30 +seed="$SEED" +verilator+rand+reset+2 >"$V.sim" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^net_tb: 100 images, 0 mismatches' "$V.sim"; then
        ok "$tag: verilator, 100 images, 30 % stalls on both streams (seed $SEED), random initial values: every class and logit = the model"
    else bad "$tag: verilator co-simulation (exit $rc)"; grep -E 'MISMATCH|FAILED|rerun' "$V.sim" | head -4; fi
    lat=$(sed -n 's/^#define LOGQ_NET_CORE_LATENCY \([0-9]*\).*/\1/p' "$V/logq_net_core.h")
    "$V/vl/net_tb" +vectors="$V" +stall=0 +timing >"$V.tim" 2>&1
    if [ $? -eq 0 ] && [ -n "$lat" ] && grep -q "^timing: latency $((lat + 1)) cycles (NAME.h $((lat + 1)))" "$V.tim" &&
       grep -q "^latency: $((lat + 1)) cycles" "$V/logq_net.txt" &&
       grep -q "^#define LOGQ_NET_TOP_LATENCY $((lat + 1)) " "$V/logq_net.h"; then
        ok "$tag: no stalls: latency $((lat + 1)) = NAME_core.h's $lat + the skid buffer's register (NAME.txt and NAME.h's LOGQ_NET_TOP_LATENCY say so), the period of NAME_core.h"
    else bad "$tag: latency (NAME_core.h $lat)"; grep timing "$V.tim"; grep '^latency' "$V/logq_net.txt"; fi
}
vl_wrapped "mlp axis --skid" "$tmp/vl" --weights "$tmp/mlp.txt" --fsr-from "$tmp/eval.txt" --interface axis --skid
[ -n "${LOGQ_LONG:-}" ] &&
    vl_wrapped "conv --reset sync-low --skid" "$tmp/vlc" --weights "$tmp/conv.txt" --afsr 0,2,4 --reset sync-low --skid

# native: the files of the explicit defaults, and of a reference binary (LOGQ_REF)
for net in mlp conv; do
    for nt in "${nets[@]}"; do [ "${nt%%|*}" = $net ] && IFS='|' read -r _ nimg nopts <<<"$nt"; done
    d=$tmp/$net-native
    mkdir -p "$d/e"
    # shellcheck disable=SC2086
    (cd "$d/e" && "$LOGQ" gen net $nopts --scheme shift-log2 --bits 5 --interface native --reset sync-high --data "$DATA" --vectors "$nimg" -o rtl) >/dev/null 2>&1
    same=1
    for f in "$d/b/rtl"/*; do
        cmp -s <(grep -v '^\(//\|#\)   logq gen net' "$f") <(grep -v '^\(//\|#\)   logq gen net' "$d/e/rtl/${f##*/}") || same=0
    done
    if [ $same = 1 ] && [ "$(ls "$d/b/rtl" | wc -l)" = "$(ls "$d/e/rtl" | wc -l)" ]; then
        ok "$net: --interface native --reset sync-high writes the files of no option (but the command line)"
    else bad "$net: --interface native --reset sync-high differs from the default"; fi
    if [ -n "${LOGQ_REF:-}" ]; then
        mkdir -p "$d/ref"
        # shellcheck disable=SC2086
        (cd "$d/ref" && "$LOGQ_REF" gen net $nopts --scheme shift-log2 --bits 5 --data "$DATA" --vectors "$nimg" -o rtl) >/dev/null 2>&1
        if diff -r "$d/b/rtl" "$d/ref/rtl" >/dev/null; then
            ok "$net: native files byte-identical to $LOGQ_REF's ($(cat "$d/b/rtl"/* | sha256sum | cut -c1-16))"
        else bad "$net: native files differ from $LOGQ_REF's"; diff -r "$d/b/rtl" "$d/ref/rtl" | head -5; fi
    fi
done

# Bad values: exit 2, the value named, nothing written; the help's rows are the blocks'.
for bad_opt in "--interface axi|'axi'" "--reset async|'async'" "--reset|requires an argument"; do
    o=${bad_opt%%|*} want=${bad_opt#*|}
    # shellcheck disable=SC2086
    out=$("$LOGQ" gen net --weights "$tmp/mlp.txt" --afsr 1,2 -o "$tmp/refused" $o 2>&1)
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$want" <<<"$out" && [ ! -e "$tmp/refused" ]; then ok "refused: gen net $o ($want)"
    else bad "refused: gen net $o (exit $rc: $out)"; fi
done
rows() { "$LOGQ" gen "$1" --help | sed -n '/^ top interface/,/ready does not chain/p' | tr -s ' '; }
if [ -n "$(rows net)" ] && [ "$(rows net)" = "$(rows mac)" ]; then
    ok "gen net --help: the top-interface rows are the blocks' (one table, gen/blocks/block.c)"
else bad "gen net --help: top-interface rows"; diff <(rows net) <(rows mac) | head -5; fi
exit 0
