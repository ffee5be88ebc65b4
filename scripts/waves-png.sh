#!/usr/bin/env bash
# Render a waveform with GTKWave under Xvfb to OUTDIR/demo.png (`make waves-png`).
#   scripts/waves-png.sh [OUTDIR]               the demo: the tiny bench of tests/wave/
#   DUMP=x.fst GTKW=x.gtkw scripts/waves-png.sh  another dump and view (GTKW optional);
#                                                `make waves-png` renders the MAC demo so
# The demo runs the bench under Icarus, flips one value in a copy of its VCD, and lets
# `logq wavediff --gtkw` write the view: the differing signal first, the marker on
# the first difference. GTKWave grabs its own window (Tcl /File/Grab_To_File). The
# PNG is copied to docs/waves-demo.png when it is under 200 KB.
set -euo pipefail
out=${1:-${BUILD:-build}/waves}
LOGQ=${LOGQ:-${BUILD:-build}/logq}
root=$(cd "$(dirname "$0")/.." && pwd)
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
png=$out/demo.png
# DEMO_COPY=1: copy the PNG to docs/waves-demo.png (make waves-png).
demo=${DEMO_COPY:-0}

if [ -z "${DUMP:-}" ]; then
    demo=1
    (cd "$out" && iverilog -g2005 -gstrict-expr-width -Wall -o bench.vvp "$root/tests/wave/bench.v" &&
        vvp -n bench.vvp >/dev/null)
    awk -v path=bench.dut.m_acc -v t=65000 -f "$root/tests/wave/inject.awk" \
        "$out/bench.vcd" >"$out/bench-injected.vcd"
    # Exit 1: they differ, as intended.
    (cd "$out" && "$LOGQ" wavediff bench.vcd bench-injected.vcd --scope bench --from 25ns \
        --gtkw demo.gtkw) || [ $? -eq 1 ]
    DUMP=$out/bench.vcd
    GTKW=$out/demo.gtkw
fi

tcl=$out/grab.tcl
{
    [ -z "${GTKW:-}" ] && echo 'gtkwave::addSignalsFromList [list] ; gtkwave::/Edit/Highlight_All ; gtkwave::/Time/Zoom/Zoom_Full'
    echo "gtkwave::/File/Grab_To_File {$png}"
    echo 'gtkwave::/File/Quit'
} >"$tcl"
rm -f "$png"
# GTKWave resolves the save file's relative [dumpfile] from its working directory.
(cd "$(dirname "$DUMP")" &&
    timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
        gtkwave "$DUMP" ${GTKW:+"$GTKW"} -S "$tcl" >"$out/gtkwave.log" 2>&1) ||
    { tail -20 "$out/gtkwave.log" >&2; echo "waves-png: gtkwave failed (log: $out/gtkwave.log)" >&2; exit 1; }
[ -s "$png" ] || { echo "waves-png: no PNG written (log: $out/gtkwave.log)" >&2; exit 1; }
size=$(stat -c %s "$png")
echo "waves-png: $png ($size bytes)"
if [ $demo -eq 1 ] && [ "$size" -lt 204800 ]; then
    cp "$png" "$root/docs/waves-demo.png"
    echo "waves-png: copied to docs/waves-demo.png"
fi
