#!/usr/bin/env bash
# Build the SystemC harness (sim/systemc/sc_main.cpp) of one generated MAC array.
#   sim/systemc/build.sh GEN_DIR OUT_DIR [trace]     -> OUT_DIR/mac_sc
# "trace" compiles FST tracing in (+trace=FILE at run time); keep its OUT_DIR apart.
# Needs libsystemc-dev and build/liblogq.a. Exit 3 when Verilator has no SystemC.
set -eu
gen=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
export SYSTEMC_INCLUDE=${SYSTEMC_INCLUDE:-/usr/include}
export SYSTEMC_LIBDIR=${SYSTEMC_LIBDIR:-/usr/lib/x86_64-linux-gnu}
if [ "$(verilator --get-supported SYSTEMC)" != 1 ] || [ ! -f "$SYSTEMC_INCLUDE/systemc.h" ]; then
    echo "systemc: Verilator has no SystemC support here (libsystemc-dev missing)" >&2
    exit 3
fi
hdr=$(ls "$gen"/*.h | head -1)
name=$(basename "$hdr" .h)
upper=$(echo "$name" | tr a-z A-Z)
trace=()
[ "${3:-}" = trace ] && trace=(--trace-fst)
verilator --sc --exe --build -j 2 -Wno-fatal --pins-bv 2 -O1 ${trace[@]+"${trace[@]}"} --x-assign unique --x-initial unique \
    --top-module "$name" -Mdir "$out/obj" -o "$out/mac_sc" \
    "$gen/$name.v" "$root/sim/systemc/sc_main.cpp" \
    -CFLAGS "-O1 -std=c++17 -I$root/cmodel -I$gen -DMAC_PREFIX=$upper -DMAC_HEADER='\"$name.h\"' -DVTOP=V$name -DVTOP_HEADER='\"V$name.h\"'" \
    -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" \
    -LDFLAGS "$build/liblogq.a -lm" >"$out/build.log" 2>&1 || {
    tail -30 "$out/build.log" >&2
    echo "systemc: build failed (log: $out/build.log)" >&2
    exit 1
}
