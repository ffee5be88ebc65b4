#!/usr/bin/env bash
# The MAC's s_ready under four-state simulation (issue 19): an independent bench
# (sim/icarus/mac_xidle.v) drives X on s_a, s_w and s_last whenever s_valid is low and
# fails if s_ready or m_valid is ever X (or m_sum X while m_valid); every --pipeline
# choice of the default array and the other modes. A planted ready that looks at
# s_last alone (the old --pipeline none form) must fail.
. "$(dirname "$0")/lib.sh"
lq_seed mac_xidle.sh
command -v iverilog >/dev/null || { bad "mac_xidle: iverilog not installed"; exit 0; }

# run TAG DIR: compile the bench against DIR/logq_mac.v and run it
run() {
    local tag=$1 d=$2 h=$2/logq_mac.h
    local L A W O
    L=$(sed -n 's/^#define LOGQ_MAC_LANES \([0-9]*\)$/\1/p' "$h")
    A=$(sed -n 's/^#define LOGQ_MAC_A_BITS \([0-9]*\)$/\1/p' "$h")
    W=$(sed -n 's/^#define LOGQ_MAC_W_BITS \([0-9]*\)$/\1/p' "$h")
    O=$(sed -n 's/^#define LOGQ_MAC_OUT_BITS \([0-9]*\)$/\1/p' "$h")
    iverilog -g2005 -gstrict-expr-width -Wall -DMAC_TOP=logq_mac -DLANES="$L" -DA_BITS="$A" \
        -DW_BITS="$W" -DOUT_BITS="$O" -o "$d/x.vvp" "$root/sim/icarus/mac_xidle.v" \
        "$d/logq_mac.v" >"$d/x.log" 2>&1 && [ ! -s "$d/x.log" ] &&
        vvp -n "$d/x.vvp" +seed="$seed" +cycles=3000 >"$d/x.log" 2>&1 &&
        grep -q '^PASSED' "$d/x.log"
}

configs=(
  "none|--pipeline none" "product|--pipeline product" "sum|--pipeline sum"
  "tree1|--pipeline tree:1" "tree2|--pipeline tree:2" "default|"
  "full|--pipeline full" "input|--pipeline input" "carry|--pipeline carry"
  "input-carry|--pipeline input,carry" "operand|--pipeline operand"
  "fast|--pipeline operand,full,carry" "all|--pipeline input,operand,full,carry"
  "loglog-none|--mode loglog --lanes 3 --pipeline none"
  "mult-sqrt2-none|--mode mult --base sqrt2 --lanes 5 --pipeline none"
  "sqrt2-carry|--base sqrt2 --lanes 3 --act-unsigned --frac 2 --pipeline carry"
  "n1-none|--lanes 1 --bits 2 --act-bits 1 --max-beats 1 --pipeline none"
)
for spec in "${configs[@]}"; do
    tag=${spec%%|*}
    opts=${spec#*|}
    d=$tmp/$tag
    # shellcheck disable=SC2086
    if ! "$LOGQ" gen mac $opts -o "$d" >"$tmp/gen.log" 2>&1; then
        bad "mac_xidle $tag: gen mac $opts failed: $(cat "$tmp/gen.log")"
    elif run "$tag" "$d"; then
        ok "mac_xidle $tag ($opts): $(sed -n 's/^PASSED: .*; //p' "$d/x.log")"
    else
        bad "mac_xidle $tag ($opts): $(grep -m3 -E 'ERROR|FAILED|rror' "$d/x.log")"
    fi
done

# The bench can fail: s_ready = !s_last || out_free goes X when s_last is X.
d=$tmp/planted
cp -r "$tmp/none" "$d"
sed -i 's/assign s_ready = .*/assign s_ready = !s_last || out_free;/' "$d/logq_mac.v"
if ! grep -q 'assign s_ready = !s_last || out_free;' "$d/logq_mac.v"; then
    bad "mac_xidle planted: the ready assignment was not found"
elif run planted "$d"; then
    bad "mac_xidle planted s_ready = !s_last || out_free passed: the bench cannot fail"
elif grep -q 'ERROR at cycle [0-9]*: s_ready is X' "$d/x.log"; then
    ok "mac_xidle planted s_ready = !s_last || out_free fails ($(grep -o '^FAILED: [0-9]* error' "$d/x.log"))"
else
    bad "mac_xidle planted: failed without an s_ready report: $(tail -3 "$d/x.log")"
fi
exit 0
