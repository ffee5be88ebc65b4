#!/usr/bin/env bash
# Build the self-checking bench of `logq vectors` (NAME_tb.v, the one Icarus runs)
# under Verilator: `verilator --binary --timing`, random initial values
# (--x-initial unique, so +verilator+rand+reset+0/1/2 take effect), FST dumps
# compiled in (-DWAVES --trace-fst; the bench dumps only when given +waves=FILE...
# or always under -DWAVES: pass +waves=FILE to name it).
#   sim/xsim/verilator.sh RTL_DIR VEC_DIR OUT_DIR
# Executable: OUT_DIR/NAME_tb. Run it with +vectors=VEC_DIR [+waves=F.fst]
# [+verilator+rand+reset+N] [+verilator+seed+S].
set -eu
rtl=$(cd "$1" && pwd)
vec=$(cd "$2" && pwd)
mkdir -p "$3"
out=$(cd "$3" && pwd)
tb=$(ls "$vec"/*_tb.v | head -1)
name=$(basename "$tb" _tb.v)
. "$(dirname "$0")/../filelist.sh"
rtl_sources "$rtl" "$rtl/$name.f"
verilator --binary --timing -j 2 -Wno-fatal -Wno-REALCVT --trace-fst -DWAVES \
    --x-assign unique --x-initial unique -O1 -I"$vec" --top-module "${name}_tb" \
    -Mdir "$out/obj" -o "$out/${name}_tb" "${srcs[@]}" "$tb" \
    -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" >"$out/build.log" 2>&1 || {
    tail -30 "$out/build.log" >&2
    echo "xsim/verilator.sh: verilator build failed (log: $out/build.log)" >&2
    exit 1
}
if grep -q '%Warning' "$out/build.log"; then
    grep '%Warning' "$out/build.log" >&2
fi
