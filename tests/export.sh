#!/usr/bin/env bash
# `logq export` (docs/import.md, "Export"): the exported $readmemh files of a layer,
# loaded into a generated `logq gen mac` array by a bench that takes its weights from
# them alone (tests/export/export_tb.v), reproduce the sums of the model that
# `logq eval --export-layer` recorded for the same layer, under Icarus with random
# stalls; the files are the weight lanes eval fed the model beat by beat; the summary's
# gen mac options are eval's mac.args; a corrupted file fails the bench; the same on a
# network trained on your own signed data (signed activation codes); bad options exit
# 2 and write nothing.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
DATA=$BUILD/data/digits.csv
case $DATA in /*) ;; *) DATA=$PWD/$DATA ;; esac
SEED=${SEED:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: ${PREFIX:-}$1"; }
bad() { echo "FAIL: ${PREFIX:-}$1"; }
K=5           # test images
cd "$tmp" || exit 1

if [ ! -f "$DATA" ]; then bad "data: $DATA missing (make data)"; exit 1; fi
command -v iverilog >/dev/null || { bad "iverilog not installed (make deps)"; exit 1; }
"$LOGQ" train --data "$DATA" --epochs 10 -o w.txt >train.out 2>&1 || { bad "train"; cat train.out; exit 1; }
E=(--data "$DATA" --weights w.txt --quick --bits 5)
WF=w.txt ASIGNED=

# run_layer NAME LAYER SCHEME ACT(log|linear) [CORRUPT]: eval's export of LAYER, logq
# export with the FSRs eval chose, the bench on the exported files.
run_layer() {
    local name=$1 layer=$2 scheme=$3 act=$4 corrupt=${5:-}
    local ex=ex-$name wx=wx-$name rtl=rtl-$name
    if ! "$LOGQ" eval "${E[@]}" --export-layer "$layer" --export-scheme "$scheme" --export-act "$act" \
        --export-images $K -o "$ex" >"$ex.out" 2>&1; then
        bad "$name: eval --export-layer"; tail -3 "$ex.out"; return
    fi
    # "FSRs, weights / input activations: layer 1 2 / 1, layer 2 2 / 3"
    local line wf af
    line=$(sed -n 's/^FSRs, weights \/ input activations: //p' "$ex.out")
    wf=$(sed 's/layer [0-9]* \(-*[0-9]*\) \/ -*[0-9]*/\1/g; s/ //g' <<<"$line")
    af=$(sed 's/layer [0-9]* -*[0-9]* \/ \(-*[0-9]*\)/\1/g; s/ //g' <<<"$line")
    if ! "$LOGQ" export --weights "$WF" --scheme "$scheme" --bits 5 --act "$act" --fsr "$wf" \
        --act-fsr "$af" ${ASIGNED:+--act-signed "$ASIGNED"} -o "$wx" >"$wx.out" 2>&1; then
        bad "$name: export --fsr $wf --act-fsr $af"; cat "$wx.out"; return
    fi
    local args want
    args=$(sed -n "s/^    layer $layer: //p" "$wx/summary.txt")
    want=$(grep -v '^#' "$ex/mac.args")
    if [ -n "$args" ] && [ "$args" = "$want" ]; then
        ok "$name: the summary's gen mac options of layer $layer are eval's ($args)"
    else bad "$name: summary '$args' differs from eval's mac.args '$want'"; fi
    "$LOGQ" gen mac $args -o "$rtl" >/dev/null 2>&1 || { bad "$name: gen mac $args"; return; }
    local lanes ab wb ob nin nout lines
    lanes=$(sed -n 's/^#define LOGQ_MAC_LANES \([0-9]*\).*/\1/p' "$rtl/logq_mac.h")
    ab=$(sed -n 's/^#define LOGQ_MAC_A_BITS \([0-9]*\).*/\1/p' "$rtl/logq_mac.h")
    wb=$(sed -n 's/^#define LOGQ_MAC_W_BITS \([0-9]*\).*/\1/p' "$rtl/logq_mac.h")
    ob=$(sed -n 's/^#define LOGQ_MAC_OUT_BITS \([0-9]*\).*/\1/p' "$rtl/logq_mac.h")
    nin=$(grep -cv '^//' "$ex/in.hex")
    nout=$(grep -cv '^//' "$ex/out.hex")
    lines=$(awk -F'|' -v l="$layer" '$2 + 0 == l && $3 ~ /[0-9]/ { gsub(/ /, "", $8); print $8 }' "$wx/summary.txt")
    if [ -n "$corrupt" ]; then # flip the lowest bit of one code of lane 3
        awk 'BEGIN { n = 0 } /^\/\// { print; next } { n++; if (n == 7) { d = index("0123456789abcdef", substr($0, length($0))) - 1
             d = d - d % 2 + (1 - d % 2); $0 = substr($0, 1, length($0) - 1) substr("0123456789abcdef", d + 1, 1) } print }' \
            "$wx/layer${layer}_lane03.hex" >x.hex && mv x.hex "$wx/layer${layer}_lane03.hex"
    fi
    if ! iverilog -g2005 -Wall -DLANES="$lanes" -DA_BITS="$ab" -DW_BITS="$wb" -DOUT_BITS="$ob" \
        -DNIN="$nin" -DNOUT="$nout" -DLINES="$lines" -DEX="\"$ex\"" -DWDIR="\"$wx\"" -DLAYER="$layer" \
        -DSEED="$SEED" -DSTALL=30 -o "$name.vvp" "$root/tests/export/export_tb.v" "$rtl/logq_mac.v" 2>"$name.err" ||
       [ -s "$name.err" ]; then
        bad "$name: iverilog builds the bench without warnings"; cat "$name.err"; return
    fi
    vvp -n "$name.vvp" >"$name.log" 2>&1
    local summary
    summary=$(grep '^export_tb:' "$name.log")
    if [ -z "$corrupt" ]; then
        if grep -q '^PASSED' "$name.log" && grep -q "$nout sums checked, 0 mismatches, 0 beats" "$name.log"; then
            ok "$name: the array fed from the exported files gives the model's $nout sums ($summary; seed $SEED)"
        else bad "$name: ($summary) rerun: SEED=$SEED tests/export.sh"; grep -E 'MISMATCH|DIFFER' "$name.log" | head -3; fi
    else
        if grep -q '^FAILED' "$name.log" && grep -q '^WEIGHTS DIFFER' "$name.log"; then
            ok "$name: one flipped bit in an exported lane file fails the bench ($summary)"
        else bad "$name: a corrupted lane file was not caught ($summary)"; fi
    fi
}

run_layer log2-l1 1 log2 log
run_layer slq2-lin-l2 2 slq-L2 linear
run_layer logsqrt2-l2 2 logsqrt2 log
run_layer corrupt 1 log2 log corrupt

# Your own data: 20 standardized (signed) features, 4 classes, from numpy; the first
# layer's activations are signed codes (docs/import.md, "Input scaling").
PY=${PYTHON:-/usr/bin/python3}
if "$PY" - "$SEED" <<'EOF2'
import sys
import numpy as np
rng = np.random.default_rng(int(sys.argv[1]))
c = rng.normal(0, 1, (4, 20)); y = rng.integers(0, 4, 400)
X = c[y] + rng.normal(0, 1.5, (400, 20)); X = (X - X.mean(0)) / X.std(0)
np.save('X.npy', X); np.save('y.npy', y)
EOF2
then
    "$LOGQ" train --inputs X.npy --labels y.npy --test 100 --hidden 12 --epochs 20 -o u.txt >u.out 2>&1 ||
        { bad "train on numpy data"; cat u.out; }
    E=(--inputs X.npy --labels y.npy --test 100 --weights u.txt --quick --bits 5)
    WF=u.txt ASIGNED=1,0
    run_layer own-data-logsqrt2-l1 1 logsqrt2 log
    run_layer own-data-log2-linear-l1 1 log2 linear
    if grep -q -- '--act-signed' "ex-own-data-logsqrt2-l1/mac.args"; then
        ok "own data: the first layer's activations are signed (eval's mac.args: $(grep -o -- '--act-fsr [-0-9]* --act-signed' ex-own-data-logsqrt2-l1/mac.args))"
    else bad "own data: signed inputs did not give signed activation codes"; fi
else
    bad "python3 + numpy: writing the data ($PY)"
fi

# Determinism: the same options write byte-identical files.
"$LOGQ" export --weights w.txt --scheme slq-L3 --bits 4 --lanes 8 -o d1 >/dev/null 2>&1
"$LOGQ" export --weights w.txt --scheme slq-L3 --bits 4 --lanes 8 -o d2 >/dev/null 2>&1
if [ -s d1/summary.txt ] && diff -r -I '^\(#\|//\)' d1 d2 >/dev/null && [ "$(ls d1 | wc -l)" -eq $((2 * 8 + 2 + 1)) ]; then
    ok "export: byte-identical files for the same options, $(ls d1 | wc -l) files (8 lanes x 2 layers, biases, summary)"
else bad "export: not deterministic or wrong file set"; ls d1 | head; fi
# Many lanes: more files than one file set holds, still all or nothing.
if "$LOGQ" export --weights w.txt --scheme log2 --lanes 64 -o many >/dev/null 2>&1 &&
   [ "$(ls many | wc -l)" -eq $((2 * 64 + 3)) ] && [ -z "$(ls -d many.logq-tmp-* 2>/dev/null)" ]; then
    ok "export --lanes 64: $(ls many | wc -l) files, no temporary left"
else bad "export --lanes 64"; fi

# Bad options: exit 2, nothing written.
refuse() { # NAME WORDS ARGS...
    local name=$1 words=$2; shift 2
    "$LOGQ" export --weights w.txt "$@" -o no >r.out 2>r.err
    local rc=$?
    if [ $rc -eq 2 ] && [ ! -e no ] && grep -qF -- "$words" r.err; then ok "export refused: $name"
    else bad "export not refused: $name (exit $rc)"; cat r.err; fi
}
refuse "linear weights" "'linear'" --scheme linear
refuse "--fsr with 3 values" "has more than 2" --scheme log2 --fsr 1,2,3
refuse "--fsr x" "'x'" --scheme log2 --fsr 1,x
refuse "--act cubic" "'cubic'" --scheme log2 --act cubic
refuse "slq-L9" "slq-L" --scheme slq-L9
refuse "missing weights" "cannot open" --scheme log2 --weights nothere.txt
