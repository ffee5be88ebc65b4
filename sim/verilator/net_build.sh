#!/usr/bin/env bash
# Build the Verilator co-simulation of one network of `logq gen net`.
#   sim/verilator/net_build.sh GEN_DIR OUT_DIR
# GEN_DIR holds NAME.f, NAME.h and the Verilog; the executable is OUT_DIR/net_tb
# (sim/verilator/net_tb.cpp). A wrapped top (NAME.v around NAME_core, gen net
# --interface/--reset/--skid) takes the network's constants from NAME_core.h. Random initial values (--x-initial unique, so
# +verilator+rand+reset+2 shows a missing reset).
set -eu
gen=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
f=$(ls "$gen"/*.f | grep -v '\.icarus\.f$\|\.vendor\.f$' | head -1)
name=$(basename "$f" .f)
upper=$(echo "$name" | tr a-z A-Z)
# a wrapper (docs/interfaces.md): the network's constants are NAME_core.h's
prefix=$upper
[ -f "$gen/${name}_core.h" ] && prefix=${upper}_CORE
. "$(dirname "$0")/../filelist.sh"
rtl_sources "$gen" "$f"
verilator --cc --exe --build -j 2 -Wall -Wno-fatal -O1 --x-assign unique --x-initial unique \
    --top-module "$name" -Mdir "$out/obj" -o "$out/net_tb" \
    "${srcs[@]}" "$root/sim/verilator/net_tb.cpp" \
    -CFLAGS "-O1 -std=c++14 -I$gen -DNET_PREFIX=$prefix -DNET_TOP=$upper -DNET_NAME='\"$name\"' -DNET_HEADER='\"$name.h\"' -DVTOP=V$name -DVTOP_HEADER='\"V$name.h\"'" \
    -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" >"$out/build.log" 2>&1 || {
    tail -30 "$out/build.log" >&2
    echo "net_build: verilator build failed (log: $out/build.log)" >&2
    exit 1
}
if grep -q '%Warning' "$out/build.log"; then
    grep '%Warning' "$out/build.log" >&2
    exit 1
fi
