#!/usr/bin/env bash
# cocotb benches (docs/python.md, "cocotb"): Python drives generated RTL under Icarus
# and checks it against the C model through the binding (tests/cocotb/*_test.py, run
# by tests/cocotb/run.py in the venv of `make python-venv`): the MAC array (every sum)
# and the hardware quantizer (every lane's code and last) in several configurations,
# random stalls on both sides; a run against a deliberately wrong model must fail. A
# missing venv, library or simulator is a FAIL.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
SEED=${SEED:-1}
VECTORS=${VECTORS:-300}
BEATS=${BEATS:-400}
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
VENV=$BUILD/pyvenv
[ -x "$VENV/bin/python" ] || { bad "cocotb: no venv at $VENV (make python-venv; see $BUILD/pyvenv-install.log)"; exit 1; }
"$VENV/bin/python" -c 'import cocotb' 2>/dev/null || { bad "cocotb: not installed in $VENV (make python-venv)"; exit 1; }
[ -f "$BUILD/liblogq.so" ] || { bad "cocotb: $BUILD/liblogq.so not built"; exit 1; }
command -v iverilog >/dev/null || { bad "cocotb: iverilog not installed (make deps)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VIRTUAL_ENV=$VENV PATH=$VENV/bin:$PATH LOGQ_LIB=$BUILD/liblogq.so \
    PYTHONPATH=$root/tests/cocotb PYTHONDONTWRITEBYTECODE=1

# bench BLOCK NAME EXPECT(pass|fail) ENV... -- GEN_OPTIONS...: generate, run
# tests/cocotb/BLOCK_test.py on it, check its summary line.
bench() {
    local block=$1 name=$2 expect=$3 envs=()
    shift 3
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    local d=$tmp/$name top count what
    case $block in
        mac) top=logq_mac count=$VECTORS what="sums checked" ;;
        quant) top=quant count=$BEATS what="beats of [0-9]* lanes checked" ;;
    esac
    "$LOGQ" gen "$block" "$@" -o "$d/rtl" >/dev/null 2>"$d.err" || { bad "cocotb $name: gen $block $*"; cat "$d.err"; return; }
    python "$root/tests/cocotb/run.py" "$d/rtl" "$top" "${block}_test" "$d/sim" \
        LOGQ_HEADER="$d/rtl/$top.h" SEED="$SEED" VECTORS="$VECTORS" BEATS="$BEATS" "${envs[@]}" >"$d.log" 2>&1
    local rc=$? line
    line=$(grep -o "[0-9]* beats, [0-9]* $what against the model, [0-9]* mismatches" "$d.log" | head -1)
    if [ "$expect" = pass ]; then
        if [ $rc -eq 0 ] && grep -q " $count $what against the model, 0 mismatches" "$d.log"; then
            ok "cocotb $name: $line (gen $block $*; seed $SEED)"
        else bad "cocotb $name (exit $rc; rerun: SEED=$SEED tests/cocotb.sh)"; grep -E 'MISMATCH|Error|error|assert' "$d.log" | head -5; fi
    else
        if [ $rc -ne 0 ] && grep -q 'MISMATCH ' "$d.log"; then
            ok "cocotb $name: the bench fails against a deliberately wrong model ($line)"
        else bad "cocotb $name: a wrong model was not caught (exit $rc)"; tail -5 "$d.log"; fi
    fi
}
bench mac mac-shift-4 pass STALL=30 -- --lanes 4
bench mac mac-shift-pipelined pass STALL=50 MAX_VEC_BEATS=9 -- --lanes 16 --bits 4 --fsr 2 --act-bits 6 --act-unsigned --frac 3 --pipeline product,tree:2
bench mac mac-loglog-sqrt2 pass STALL=20 -- --mode loglog --base sqrt2 --lanes 3 --bits 6 --fsr 1 --sqrt2-frac 12
bench mac mac-mult-full-rate pass STALL=0 -- --mode mult --lanes 5 --act-bits 10
bench mac mac-wrong-model fail MODEL_FAULT=1 -- --lanes 4
bench quant quant-log2 pass STALL=30 -- --lanes 3 --in-bits 8
bench quant quant-logsqrt2-full pass STALL=40 -- --lanes 4 --in-bits 12 --scheme logsqrt2 --bits 6 --fsr 1 --pipeline full
bench quant quant-unsigned-floor pass STALL=0 -- --lanes 2 --in-bits 16 --in-unsigned --rounding floor --unsigned --bits 4 --in-lsb -3 --pipeline none
bench quant quant-relu pass STALL=20 -- --lanes 5 --in-bits 10 --relu --scheme logsqrt2 --fsr -2
bench quant quant-wrong-model fail MODEL_FAULT=1 -- --lanes 3 --in-bits 8
