#!/usr/bin/env bash
# Render a waveform with GTKWave under Xvfb to OUTDIR/demo.png (`make waves-png`).
#   scripts/waves-png.sh [OUTDIR]               the demo: the tiny bench of tests/wave/
#   DUMP=x.fst GTKW=x.gtkw scripts/waves-png.sh  another dump and view (GTKW optional);
#                                                `make waves-png` renders the MAC demo so
# The demo runs the bench under Icarus, flips one value in a copy of its VCD, and lets
# `logq wavediff --gtkw` write the view: the differing signal first, the marker on
# the first difference. GTKWave grabs its own window (Tcl /File/Grab_To_File). The
# dump and the view are opened by their file names from the dump's directory, so the
# picture shows no path of this machine. Copying the PNG into docs/ is a separate step
# (`make waves-png-docs`).
set -euo pipefail
out=${1:-${BUILD:-build}/waves}
LOGQ=${LOGQ:-${BUILD:-build}/logq}
root=$(cd "$(dirname "$0")/.." && pwd)
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
png=$out/demo.png

if [ -z "${DUMP:-}" ]; then
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
# GTKWave shows the names it was given (title bar, save file): give it the dump's
# and a copy of the view's file names, relative to the dump's directory.
dumpdir=$(cd "$(dirname "$DUMP")" && pwd)
view=
if [ -n "${GTKW:-}" ]; then
    view=waves-png-view.gtkw
    cmp -s "$GTKW" "$dumpdir/$view" 2>/dev/null || cp "$GTKW" "$dumpdir/$view"
fi
(cd "$dumpdir" &&
    timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
        gtkwave "$(basename "$DUMP")" ${view:+"$view"} -S "$tcl" >"$out/gtkwave.log" 2>&1) ||
    { tail -20 "$out/gtkwave.log" >&2; echo "waves-png: gtkwave failed (log: $out/gtkwave.log)" >&2; exit 1; }
[ -s "$png" ] || { echo "waves-png: no PNG written (log: $out/gtkwave.log)" >&2; exit 1; }
size=$(stat -c %s "$png")
echo "waves-png: $png ($size bytes)"
