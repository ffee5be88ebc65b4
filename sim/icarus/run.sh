#!/usr/bin/env bash
# Run the self-checking bench of a generated block under Icarus Verilog.
#   sim/icarus/run.sh RTL_DIR VEC_DIR [+plusargs...]
# RTL_DIR: NAME.f and its Verilog from `logq gen BLOCK`; VEC_DIR: `logq vectors BLOCK`
# with the same options (in.hex ... vectors.vh, NAME_tb.v). WAVES=1 dumps
# VEC_DIR/NAME_tb.vcd (or +waves=FILE). Compiles with -g2005 -gstrict-expr-width -Wall
# and fails on any compiler warning. Exit status: the bench's (0 = every output matched).
set -eu
rtl=$(cd "$1" && pwd)
vec=$(cd "$2" && pwd)
shift 2
tb=$(ls "$vec"/*_tb.v | head -1)
name=$(basename "$tb" _tb.v)
. "$(dirname "$0")/../filelist.sh"
rtl_sources "$rtl" "$rtl/$name.f"
defs=()
[ -n "${WAVES:-}" ] && defs=(-DWAVES)
sim=$vec/$name.vvp
iverilog -g2005 -gstrict-expr-width -Wall "${defs[@]}" -I "$vec" -s "${name}_tb" -o "$sim" \
    "${srcs[@]}" "$tb" >"$vec/iverilog.log" 2>&1 || { cat "$vec/iverilog.log" >&2; exit 2; }
if [ -s "$vec/iverilog.log" ]; then
    cat "$vec/iverilog.log" >&2
    echo "run.sh: iverilog printed warnings (see above)" >&2
    exit 2
fi
wargs=()
[ -n "${WAVES:-}" ] && wargs=("+waves=$vec/${name}_tb.vcd")
cd "$vec"
exec vvp -n "$sim" +vectors="$vec" +rtl="$rtl" "${wargs[@]}" "$@"
