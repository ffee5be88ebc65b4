#!/usr/bin/env bash
# make test-long: the FPGA flow on every family (with the -abc9 variants) and every
# device (HX8K, UP5K, ECP5-25F with both ECP5 netlists; 3 seeds), with the
# iCE40 netlist simulated against the RTL for longer, for the MAC modes (4 lanes,
# all widths defaults; linear as int8 x int8) and a sqrt(2) shift array. docs/fpga.md.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
W=$BUILD/test-fpga-long
SEED=${EQV_SEED:-$(( $(date +%s) % 100000 ))}
rm -rf "$W"
mkdir -p "$W"
for cfg in "shift-n4:--mode shift --lanes 4" "loglog-n4:--mode loglog --lanes 4" \
           "mult-n4:--mode mult --lanes 4" "shift-sqrt2-n4:--mode shift --base sqrt2 --lanes 4" \
           "linear-n4:--mode linear --lanes 4 --bits 8 --act-bits 8"; do
    name=${cfg%%:*}
    # shellcheck disable=SC2086
    if ! "$LOGQ" gen mac ${cfg#*:} -o "$W/$name/rtl" >"$W/$name.gen.log" 2>&1; then
        echo "FAIL: $name: logq gen mac ${cfg#*:}"
        continue
    fi
    scripts/synth.sh --families all --devices hx8k,up5k,ecp5-25k,ecp5-25k:ecp5-abc9 --seeds 3 --eqv 1000 --eqv-seed "$SEED" \
        --label "$name" --out "$W/$name" "$W/$name/rtl" >"$W/$name.log" 2>&1
    rc=$?
    cat "$W/$name.log"
    if [ $rc -eq 0 ] && grep -q '^eqv: PASS' "$W/$name/eqv.log"; then
        echo "PASS: $name: all families, hx8k+up5k+ecp5-25k, netlist = RTL (seed $SEED)"
    else
        echo "FAIL: $name: synth.sh exit $rc (rerun: EQV_SEED=$SEED make test-long)"
    fi
done
