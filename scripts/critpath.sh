#!/usr/bin/env bash
# Summarize the critical path of one nextpnr log (nextpnr-ice40 or nextpnr-ecp5):
#
#   scripts/critpath.sh LOG
#
# prints the clock-to-clock path of the clock whose name contains "clk" as one line
# per RTL signal it passes through, in order: the delay so far (ns), the number of
# cells of that signal on the path (LUTs, carries, muxes), and the signal: the net
# name with the wrapper instance (u_dut.) and Yosys's cell suffixes (_SB_LUT4...,
# _TRELLIS..., _CCU2C..., $...) removed, so that it names the emitted structure
# (e.g. g_lane[3].u_prod.sh, prod_r, acc_next). nextpnr-ecp5 also prints the source
# lines of each cell ("Defined in"); those of the block (not the wrapper, not the
# cell library) follow as "lines: FILE:LINE...". docs/fpga.md uses it.
set -euo pipefail
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: critpath.sh NEXTPNR-LOG" >&2; exit 2; }
awk '
function signal(n) {
    sub(/^u_dut\./, "", n)
    sub(/\$.*/, "", n)
    sub(/_(SB_|TRELLIS_|LUT4|CCU2C|PFUMX|L6MUX21|DFF|CARRY).*/, "", n)
    sub(/\[[0-9]+\]$/, "", n)
    sub(/\.[A-Z0-9]+$/, "", n)
    return n == "" ? "(nextpnr-cell)" : n
}
/Critical path report for clock .*clk.*posedge -> posedge/ { on = 1; found = 1; next }
on && /Critical path report|^Info: [0-9.]+ ns logic/ {
    if (/ns logic/) { sub(/^Info: /, ""); tail = $0 }
    on = 0
}
on && / Source / {
    for (i = 1; i <= NF; i++) if ($i == "Source") { cell = $(i + 1); tot = $(i - 1) }
    s = signal(cell)
    if (s != last) { if (last != "") printf "%6s ns  %3d cell(s)  %s\n", ptot, cnt, last; last = s; cnt = 0 }
    cnt++; ptot = tot
}
on && /Defined in:/ { def = 1; next }
on && def && /^Info: +[^ ]+:[0-9]+\./ {
    f = $2; sub(/\.[0-9]+-.*/, "", f)
    if (f !~ /wrap\.v:|cells_(map|sim)\.v:|share\/yosys/) { sub(/.*\//, "", f); if (!(f in seenl)) { seenl[f] = 1; lines = lines " " f } }
    next
}
on { def = 0 }
END {
    if (!found) { print "critpath: no clock-to-clock path in the log" > "/dev/stderr"; exit 1 }
    if (last != "") printf "%6s ns  %3d cell(s)  %s\n", ptot, cnt, last
    if (tail != "") print "total: " tail
    if (lines != "") print "lines:" lines
}' "$1"
