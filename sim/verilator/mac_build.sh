#!/usr/bin/env bash
# Build the Verilator co-simulation of one generated MAC array.
#   sim/verilator/mac_build.sh GEN_DIR OUT_DIR [fast|check] [trace]
# GEN_DIR holds NAME.v, NAME.h, NAME.f from `logq gen mac`; the
# executable is OUT_DIR/mac_tb. "fast" (the bench) compiles with -O3 and fast X
# handling; "check" (default) builds quicker and randomizes X so a missing reset
# shows. Needs build/liblogq.a (make).
set -eu
gen=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
kind=${3:-check}
trace=${4:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
hdr=$(ls "$gen"/*.h | head -1)
name=$(basename "$hdr" .h)
upper=$(echo "$name" | tr a-z A-Z)
if [ "$kind" = fast ]; then
    vopt=(-O3 --x-assign fast --x-initial fast)
    copt="-O2"
else
    vopt=(-O1 --x-assign unique --x-initial unique)
    copt="-O1"
fi
topt=()
[ -n "$trace" ] && topt=(--trace-fst)
verilator --cc --exe --build -j 2 -Wno-fatal "${vopt[@]}" "${topt[@]}" \
    --top-module "$name" -Mdir "$out/obj" -o "$out/mac_tb" \
    "$gen/$name.v" "$root/sim/verilator/mac_tb.cpp" \
    -CFLAGS "$copt -std=c++14 -I$root/cmodel -I$gen -DMAC_PREFIX=$upper -DMAC_HEADER='\"$name.h\"' -DVTOP=V$name -DVTOP_HEADER='\"V$name.h\"'" \
    -MAKEFLAGS "OPT_FAST=$copt OPT_SLOW=-O0 OPT_GLOBAL=$copt" \
    -LDFLAGS "$build/liblogq.a -lm" >"$out/build.log" 2>&1 || {
    tail -30 "$out/build.log"
    echo "mac_build: verilator build failed (log: $out/build.log)" >&2
    exit 1
}
