#!/usr/bin/env bash
# The self-checking benches of every block under Icarus (`make icarus`, tests/icarus.sh).
#   sim/icarus/all.sh OUT_DIR [grid|default] [SEED]
# For each configuration: `logq gen BLOCK` + `logq vectors BLOCK` with the same
# options, then sim/icarus/run.sh. Prints "PASS: ..." / "FAIL: ..." per run and the
# commands that rerun a failure. WAVES=1 dumps a VCD beside each vector set.
set -u
out=${1:?usage: all.sh OUT_DIR [grid|default] [SEED]}
set_name=${2:-default}
seed=${3:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
LOGQ=${LOGQ:-$root/build/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
mkdir -p "$out"

# block|tag|options (the same for gen and vectors)|vectors-only options
configs=(
    "mac|default||--count 200"
    "mac|full-rate||--count 100 --stall 0"
    "logacc|default||--count 40"
    "slqdec|w5-l2-tag|--bits 5 --framing tag|--count 150"
    "slqmac|n4-w5|--bits 5 --lanes 4 --act-bits 8|--count 80"
)
if [ "$set_name" = grid ]; then
    configs+=(
        "mac|n1-w2-a1|--lanes 1 --bits 2 --act-bits 1 --pipeline none|--count 300"
        "mac|n1-exhaustive|--lanes 1 --bits 5 --act-bits 8|--exhaustive --stall 10"
        "mac|loglog-sqrt2|--lanes 3 --mode loglog --base sqrt2 --bits 4 --act-bits 3 --pipeline none|--count 200"
        "mac|loglog-unsigned|--lanes 4 --mode loglog --unsigned --act-unsigned --bits 3 --act-bits 4 --pipeline full|--count 200"
        "mac|mult-unsigned|--lanes 5 --mode mult --act-unsigned --unsigned --bits 3 --pipeline full|--count 200"
        "mac|sqrt2-frac|--lanes 2 --base sqrt2 --sqrt2-frac 3 --frac 1 --max-beats 4 --pipeline sum|--count 300 --stall 50"
        "mac|wide-k8|--lanes 7 --act-bits 16 --bits 6 --fsr 3 --max-beats 8 --pipeline product,tree:1|--count 200"
        "mac|n16-a32|--lanes 16 --act-bits 32 --bits 8 --max-beats 3|--count 100"
        "logacc|n1-e2-paper-f0|--lanes 1 --exp-bits 2 --frac 0 --correction paper --pipeline none|--count 80"
        "logacc|n2-e3-sat|--lanes 2 --exp-bits 3 --frac 1 --pipeline input|--count 60 --stall 60"
        "logacc|n7-sqrt2-full|--lanes 7 --base sqrt2 --exp-bits 5 --frac 4 --pipeline full|--count 40"
        "logacc|n16-f8-full-rate|--lanes 16 --exp-bits 6 --frac 8 --pipeline tree:1,sum|--count 25 --stall 0"
        "logacc|n5-paper-f12|--lanes 5 --exp-bits 8 --frac 12 --correction paper|--count 40"
        "slqdec|w5-l2-special-fsr0|--bits 5 --framing special --fsr 0|--count 150"
        "slqdec|w2-l1-tag|--bits 2 --max-words 1 --framing tag|--count 150"
        "slqdec|w8-l4-special|--bits 8 --max-words 4 --framing special|--count 100 --stall 60"
        "slqdec|w3-l8-tag-full-rate|--bits 3 --max-words 8 --framing tag|--count 100 --stall 0"
        "slqdec|w10-l3-tag|--bits 10 --max-words 3 --framing tag|--count 100"
        "slqmac|n1-w2-a2-l1|--bits 2 --lanes 1 --act-bits 2 --max-words 1|--count 150"
        "slqmac|n3-w5-special|--bits 5 --lanes 3 --act-bits 6 --max-words 2 --framing special|--count 80 --stall 60"
        "slqmac|n16-w8-l4|--bits 8 --lanes 16 --act-bits 8 --max-words 4|--count 40"
        "slqmac|n2-a32-acc64-full-rate|--bits 5 --lanes 2 --act-bits 32 --frac 30 --acc-bits 64 --max-words 3|--count 60 --stall 0"
        "slqmac|n5-w10-inexact|--bits 10 --lanes 5 --act-bits 12 --max-words 2 --framing special|--count 60"
    )
fi

pass=0
fail=0
for c in "${configs[@]}"; do
    IFS='|' read -r block tag opts vopts <<<"$c"
    d=$out/$block-$tag
    rm -rf "$d"
    # shellcheck disable=SC2086
    if ! "$LOGQ" gen "$block" $opts -o "$d/rtl" >"$d.gen.log" 2>&1 ||
       ! "$LOGQ" vectors "$block" $opts $vopts --seed "$seed" -o "$d/vec" >>"$d.gen.log" 2>&1; then
        echo "FAIL: icarus $block $tag: generation (log: $d.gen.log)"
        tail -5 "$d.gen.log"
        fail=$((fail + 1))
        continue
    fi
    if "$root/sim/icarus/run.sh" "$d/rtl" "$d/vec" >"$d.log" 2>&1 && grep -q '^PASSED' "$d.log"; then
        echo "PASS: icarus $block $tag ($(grep -o '[0-9]* beats, [0-9]* outputs checked' "$d.log"))"
        pass=$((pass + 1))
    else
        echo "FAIL: icarus $block $tag (log: $d.log)"
        grep -E 'MISMATCH|X/Z|FAILED|rerun|error|warning' "$d.log" | head -8
        fail=$((fail + 1))
    fi
done
echo "icarus: $pass passed, $fail failed (seed $seed, in $out)"
[ "$fail" -eq 0 ]
