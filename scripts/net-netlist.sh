#!/usr/bin/env bash
# The iCE40 netlist of a `logq gen net` network against its RTL's expected outputs:
# the generated self-checking bench (NAME_tb.v, the images of --vectors) runs on the
# gate-level netlist that scripts/synth.sh wrote (OUT/netlist-ice40.v, module
# NAME_netlist) with Yosys's iCE40 cell models, under Icarus.
#
#   scripts/net-netlist.sh GEN_DIR NETLIST_V
# GEN_DIR: `logq gen net ... --vectors N` output (the same options as the synthesized
# one; only the file headers may differ). Prints the bench's result; exit 0 on PASSED.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/net-netlist.sh GEN_DIR NETLIST_V" >&2; exit 2; }
gen=$(cd "$1" && pwd)
nl=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
tb=$(ls "$gen"/*_tb.v | grep -v '_rq_tb.v$' | head -1)
name=$(basename "$tb" _tb.v)
cells=$(dirname "$(command -v yosys)")/../share/yosys/ice40/cells_sim.v
[ -r "$cells" ] || { echo "net-netlist: no $cells (yosys)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s/^module ${name}_netlist(/module ${name}(/" "$nl" >"$work/netlist.v"
iverilog -g2005 -DNO_ICE40_DEFAULT_ASSIGNMENTS -s "${name}_tb" -o "$work/tb" "$work/netlist.v" \
    "$tb" "$cells"
(cd "$gen" && vvp -n "$work/tb") | tail -3 | tee "$work/log"
grep -q '^PASSED' "$work/log"
