#!/usr/bin/env bash
# `logq gen net` (issue 14, docs/net.md): the whole digits network as one accelerator,
# proven against the integer model of `logq eval --hw`.
#  - eval --hw: the integer network's accuracy table (5 and 8 bits, --quick sweep);
#  - per scheme: gen net --fsr-from that table, zero lint warnings (Verilator -Wall,
#    Icarus -Wall), Verilator co-simulation of all 450 test images with random stalls
#    on both streams (every class and logit equal to the model's), the RTL's accuracy
#    equal to the table's integer cell, and with no stalls the latency and the cycles
#    between images of NAME.h;
#  - the generated Icarus bench on 20 images; a complemented ROM word fails it; the
#    expected outputs of a deliberately wrong model (gen net --fault) fail Verilator;
#  - byte-identical output; bad files and impossible foldings exit 2 and write nothing.
#  - your own data: a seeded synthetic set (signed inputs, 3 classes) trained, eval --hw
#    and gen net --inputs/--labels on the same split (Verilator) and on a separate,
#    scaled test set (Icarus): every class and logit equal, the same accuracy; a feature
#    or class count the network does not have exits 2.
# make test: shift-log2 (5 bits) and the int8 baseline (linear, 8 bits); LOGQ_LONG=1
# adds shift-logsqrt2, loglog, loglog-sqrt2, slq and linear 5 bits and a second
# folding. SEED=N varies the stall pattern (default 1).
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
DATA=$BUILD/data/digits.csv
case $DATA in /*) ;; *) DATA=$PWD/$DATA ;; esac
ASAN=$BUILD/asan/logq
case $ASAN in /*) ;; *) ASAN=$PWD/$ASAN ;; esac
SEED=${SEED:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
. "$root/tests/netgen.bash"

for t in verilator iverilog; do
    command -v $t >/dev/null || { bad "$t is not installed (make deps)"; exit 1; }
done
if [ ! -f "$DATA" ]; then bad "data: $DATA missing (make data)"; exit 1; fi
if ! "$LOGQ" train --data "$DATA" -o "$tmp/w.txt" >"$tmp/train.out" 2>&1; then
    bad "train"; cat "$tmp/train.out"; exit 1
fi
W=$tmp/w.txt
E=$tmp/eval.txt
if "$LOGQ" eval --data "$DATA" --weights "$W" --quick --bits 5,8 --hw >"$E" 2>&1; then
    ok "eval --quick --bits 5,8 --hw ($(grep -c '^hw-fsr' "$E") integer cells)"
else bad "eval --hw"; tail -5 "$E"; exit 1; fi

G=(--weights "$W" --fsr-from "$E" --data "$DATA")

# scheme bits eval-weights eval-acts [extra gen options...]
run_scheme() {
    local s=$1 b=$2 ew=$3 ea=$4
    shift 4
    local d=$tmp/$s-$b${*:+-$(echo "$*" | tr -cd 'a-z0-9')} tag="$s ${b}b${*:+ $*}"
    if ! "$LOGQ" gen net "${G[@]}" --scheme "$s" --bits "$b" "$@" --vectors 450 -o "$d" \
        >"$d.gen" 2>&1; then
        bad "$tag: gen net"; cat "$d.gen"; return
    fi
    net_design "$tag" "$d" "$(net_hwcell "$E" "$ew" "$ea" "$b")"
}

run_scheme shift-log2 5 log2 linear
run_scheme linear 8 linear linear
if [ -n "${LOGQ_LONG:-}" ]; then
    run_scheme shift-logsqrt2 5 logsqrt2 linear
    run_scheme loglog 5 log2 log2
    run_scheme loglog-sqrt2 5 logsqrt2 logsqrt2
    run_scheme slq 5 slq-L2 linear --max-words 2
    run_scheme linear 5 linear linear
    run_scheme shift-log2 5 log2 linear --simd 8,4 --pe 2,5
    run_scheme loglog 5 log2 log2 --simd 4,32 --pe 8,2
fi

# ---- the Icarus bench on 20 images, and a corrupted weight ----
I=$tmp/icarus
if "$LOGQ" gen net "${G[@]}" --scheme shift-log2 --bits 5 --vectors 20 -o "$I" >/dev/null 2>&1; then
    net_icarus "shift-log2 5b" "$I" 20
else bad "gen net --vectors 20"; fi

# ---- a broken re-quantizer fails its bench: linear (the rounding constant of
# shift-log2) and log (the sqrt(2) threshold of loglog) ----
rqbreak() { # NAME DIR SED
    local name=$1 d=$2
    cp "$d/logq_net.v" "$tmp/rq.v"
    sed -E -i "$3" "$tmp/rq.v"
    if cmp -s "$d/logq_net.v" "$tmp/rq.v"; then bad "rq mutation ($name) changed nothing"; return; fi
    (cd "$d" && iverilog -g2005 -s logq_net_rq_tb -o rqbad "$tmp/rq.v" logq_net_rq_tb.v && vvp -n rqbad) >"$tmp/rqbad.log" 2>&1
    if grep -q '^FAILED' "$tmp/rqbad.log" && grep -q '^MISMATCH layer 1' "$tmp/rqbad.log"; then
        ok "icarus: a broken re-quantizer ($name) fails its bench ($(sed -n 's/.*inputs, \([0-9]*\) mismatches/\1/p' "$tmp/rqbad.log") mismatches)"
    else bad "icarus: broken re-quantizer ($name) not caught"; tail -3 "$tmp/rqbad.log"; fi
}
rqbreak "rounding constant 0: round down" "$I" "0,/(wire \[[0-9]+:0\] s = .*\+ [0-9]+'d)[0-9]+;/s//\10;/"
L=$tmp/loglog-rq
"$LOGQ" gen net "${G[@]}" --scheme loglog --bits 5 --vectors 1 -o "$L" >/dev/null 2>&1
rqbreak "sqrt(2) threshold with a leading 1 inserted" "$L" "0,/(yf > [0-9]+'d)([0-9]+)/s//\11\2/"
(cd "$L" && iverilog -g2005 -s logq_net_rq_tb -o rq logq_net.v logq_net_rq_tb.v && vvp -n rq) >"$tmp/rql.log" 2>&1
if grep -q '^PASSED' "$tmp/rql.log"; then ok "icarus: loglog's log re-quantizers alone = lq_quantize ($(sed -n 's/^logq_net_rq_tb: \([0-9]*\) inputs.*/\1/p' "$tmp/rql.log") inputs)"
else bad "icarus: loglog re-quantizer bench"; tail -3 "$tmp/rql.log"; fi

# ---- a deliberately wrong model fails the RTL ----
D=$tmp/shift-log2-5
F=$tmp/fault
"$LOGQ" gen net "${G[@]}" --scheme shift-log2 --bits 5 --vectors 450 --fault -o "$F" >/dev/null 2>&1
same=1
for v in "$D"/*.v; do
    cmp -s <(grep -v '^//' "$v") <(grep -v '^//' "$F/$(basename "$v")") || same=0
done
"$D/vl/net_tb" +vectors="$F" +max-errors=2 >"$tmp/f.log" 2>&1
rc=$?
if [ $same = 1 ] && [ $rc -ne 0 ] && grep -q '^FAILED' "$tmp/f.log" && grep -q '^MISMATCH' "$tmp/f.log"; then
    ok "verilator: the outputs of a wrong model (gen net --fault: biases truncated, the RTL unchanged) fail ($(sed -n 's/^net_tb: 450 images, \([0-9]*\) mismatches.*/\1/p' "$tmp/f.log") images)"
else bad "verilator: --fault not caught (exit $rc, RTL unchanged $same)"; tail -3 "$tmp/f.log"; fi

# ---- deterministic, and under ASan+UBSan ----
cp -r "$D" "$tmp/first"
"$LOGQ" gen net "${G[@]}" --scheme shift-log2 --bits 5 --vectors 450 -o "$D" >/dev/null 2>&1
if diff -r -x vl "$D" "$tmp/first" >/dev/null; then ok "the same options give byte-identical files"
else bad "gen net is not deterministic"; diff -r -x vl "$D" "$tmp/first" | head -5; fi
if [ -x "$ASAN" ]; then
    if "$ASAN" gen net "${G[@]}" --scheme loglog-sqrt2 --bits 5 --simd 8 --pe 2 --target ice40-up5k --vectors 30 -o "$tmp/asan" >"$tmp/asan.log" 2>&1 &&
       "$ASAN" gen net "${G[@]}" --scheme slq --bits 5 --vectors 30 -o "$tmp/asan2" >>"$tmp/asan.log" 2>&1 &&
       "$ASAN" eval --data "$DATA" --weights "$W" --quick --bits 3 --hw >>"$tmp/asan.log" 2>&1; then
        ok "gen net (loglog-sqrt2 --target ice40-up5k, slq) and eval --hw under ASan+UBSan: clean"
    else bad "gen net under ASan+UBSan"; tail -5 "$tmp/asan.log"; fi
else bad "no $ASAN (make $BUILD/asan/logq)"; fi

# ---- refusals: exit 2, a message naming the value, no file ----
head -c 2000 "$W" >"$tmp/short.txt"
sed 's/^layer 32 10 linear$/layer 32 10 cubic/' "$W" >"$tmp/act.txt"
net_refuse "truncated weight file" "short.txt:" --weights "$tmp/short.txt" --afsr 1,2
net_refuse "unknown activation in the file" "'cubic'" --weights "$tmp/act.txt" --afsr 1,2
net_refuse "--simd 5 (64 inputs)" "--simd 5: layer 1 has 64 inputs" --weights "$W" --afsr 1,2 --simd 5
net_refuse "--pe 3 (32 outputs)" "--pe 3: layer 1 has 32 outputs" --weights "$W" --afsr 1,2 --pe 3
net_refuse "--pe 4 on layer 2 (10 outputs)" "--pe 4: layer 2 has 10 outputs" --weights "$W" --afsr 1,2 --pe 2,4
net_refuse "--simd with 3 values for 2 layers" "3 values for a network of 2 layers" --weights "$W" --afsr 1,2 --simd 4,4,4
net_refuse "--scheme cubic" "'cubic'" --weights "$W" --afsr 1,2 --scheme cubic
net_refuse "no activation FSRs" "--afsr LIST" --weights "$W"
net_refuse "--fsr-from without the width" "no line 'hw-fsr log2 linear 6" --weights "$W" --fsr-from "$E" --bits 6
net_refuse "--bits 12 for log codes" "--bits 12" --weights "$W" --afsr 1,2 --bits 12
net_refuse "--vectors 451" "--vectors 451" --weights "$W" --afsr 1,2 --vectors 451 --data "$DATA"
net_refuse "--name with a capital" "--name 'Net'" --weights "$W" --afsr 1,2 --name Net
sed 's/^layer 64 32 relu$/layer 64 32 linear/' "$W" >"$tmp/lin.txt"
net_refuse "a linear hidden layer (its outputs would be negative)" "lin.txt: layer 1 (64 -> 32) has activation 'linear'" \
    --weights "$tmp/lin.txt" --afsr 1,2
net_refuse "--target ice40-lp1k" "--target 'ice40-lp1k' is unknown" --weights "$W" --afsr 1,2 --target ice40-lp1k
net_refuse "--target ice40-up5k with block ROMs of 50 EBRs" \
    "--target ice40-up5k: the block-RAM weight ROMs need 50 EBR (SB_RAM40_4K) (layer 1: 40, layer 2: 10), the part has 30" \
    --weights "$W" --afsr 1,2 --target ice40-up5k --rom block --simd 64,32 --pe 2,1
# one lane has no adder tree: the default pipeline's tree:2 is clipped (as for gen mac),
# a tree:2 the user writes is refused
net_refuse "--pipeline for the int8 engine" "--pipeline 'product': --scheme linear's engine has fixed" \
    --weights "$W" --afsr 1,2 --scheme linear --bits 8 --pipeline product
net_refuse "--simd 1 --pipeline tree:2" "--pipeline tree:2: 1 lane gives 0 adder-tree levels" \
    --weights "$W" --afsr 1,2 --simd 1,1 --pipeline tree:2
if "$LOGQ" gen net --weights "$W" --afsr 1,2 --simd 1,1 -o "$tmp/s1d" >/dev/null 2>&1 &&
   "$LOGQ" gen net --weights "$W" --afsr 1,2 --simd 1,1 --pipeline product -o "$tmp/s1p" >/dev/null 2>&1 &&
   [ -z "$(diff -r -I 'logq gen net' -I "Pipeline '" "$tmp/s1d" "$tmp/s1p")" ]; then
    ok "--simd 1 with the default pipeline: the files of --pipeline product (but its name)"
else bad "--simd 1 with the default pipeline differs from --pipeline product (or failed)"; fi

# ---- --target: what the part decides (ROM style, DSPs, the commands in NAME.txt) ----
# target S BITS TARGET FOLDING... -> the directory
target() {
    local d=$tmp/tg-$1-$3-$(echo "${*:4}" | tr -cd 'a-z0-9')
    "$LOGQ" gen net --weights "$W" --fsr-from "$E" --scheme "$1" --bits "$2" --target "$3" "${@:4}" -o "$d" >/dev/null 2>&1 ||
        echo "gen net --target $3 failed" >&2
    echo "$d"
}
romstyle() { grep -o 'rom_style = "[a-z]*"' "$1/logq_net_weights.v" | sed 's/.*"\(.*\)"/\1/' | paste -sd,; }
u16=$(target linear 8 ice40-up5k) u4=$(target linear 8 ice40-up5k --simd 4)
h4=$(target linear 8 ice40-hx8k --simd 4) e16=$(target linear 8 ecp5-25k) e4=$(target linear 8 ecp5-25k --simd 4)
ts=$(target shift-log2 5 ice40-hx8k) tse=$(target shift-log2 5 ecp5-25k)
if grep -q "synth_ice40 -top logq_net" "$u16/logq_net.txt" && grep -q "multipliers: 32, in logic: more than the part's 8" "$u16/logq_net.txt" &&
   grep -q "synth_ice40 -dsp -top logq_net" "$u4/logq_net.txt" && grep -q "multipliers: 8, in 8 of the part's 8" "$u4/logq_net.txt" &&
   grep -q "synth_ice40 -top" "$h4/logq_net.txt" && grep -q "part has no DSP blocks" "$h4/logq_net.txt" &&
   grep -q "synth_ecp5 -nodsp -top" "$e16/logq_net.txt" && grep -q "synth_ecp5 -top" "$e4/logq_net.txt" &&
   grep -q "nextpnr-ecp5 --25k --package CABGA256 --speed 6" "$e4/logq_net.txt" &&
   grep -q "nextpnr-ice40 --up5k --package sg48" "$u4/logq_net.txt"; then
    ok "--target: int8 multipliers in DSPs only when all fit (UP5K 8 of 8 at SIMD 4, not 32 at SIMD 16; ECP5 28), the synthesis and place-and-route commands in NAME.txt"
else bad "--target: DSP decision or commands in NAME.txt"; sed -n '/^target/,$p' "$u16/logq_net.txt" "$u4/logq_net.txt" "$e16/logq_net.txt" | head -30; fi
# ROMs: 128 x 80 bits fills 5 of 5 EBRs at 50 % (block), 3 DP16KD at 19 % (logic)
if [ "$(romstyle "$ts")" = block,logic ] && [ "$(romstyle "$tse")" = logic,logic ] &&
   grep -q "layer 1 weight ROM: 128 x 80 bits, block RAM (5 EBR" "$ts/logq_net.txt" &&
   grep -q "block RAM: 0 of the part's 56 DP16KD" "$tse/logq_net.txt"; then
    ok "--target: --rom auto by the part's block shapes (shift-log2 layer 1: 5 iCE40 EBRs, block; on ECP5 3 DP16KD at 19 %, logic)"
else bad "--target: ROM styles '$(romstyle "$ts")' '$(romstyle "$tse")'"; fi
same=1
for v in "$ts"/*.v; do
    cmp -s <(grep -v '^//' "$v" | sed 's/rom_style = "[a-z]*"//') <(grep -v '^//' "$tse/$(basename "$v")" | sed 's/rom_style = "[a-z]*"//') || same=0
done
if [ $same = 1 ]; then ok "--target changes only the ROMs' rom_style in the Verilog (HX8K against ECP5)"
else bad "--target changed more than rom_style"; fi

# ---- your own data (issues 14, 16): gen net's vectors are eval's test set ----
# A seeded synthetic set written here: 6 signed features (so the first layer's codes
# are signed), 3 classes, 400 examples, noisy enough that accuracy is far from 100 %;
# and a separate test set of 60. A 6-12-3 network trained on it.
O=$tmp/own
mkdir -p "$O"
awk -v seed="$SEED" -v dir="$O" 'BEGIN { srand(seed); F = 6; C = 3
    for (c = 0; c < C; c++) for (f = 0; f < F; f++) m[c, f] = 2 * rand() - 1
    for (i = 0; i < 460; i++) {
        c = int(rand() * C); s = ""
        for (f = 0; f < F; f++) s = s (f ? "," : "") sprintf("%.4f", m[c, f] + 2 * (rand() + rand() + rand() - 1.5))
        x = i < 400 ? "x.csv" : "tx.csv"; y = i < 400 ? "y.csv" : "ty.csv"
        print s > (dir "/" x); print c > (dir "/" y)
    } }'
OD=(--inputs "$O/x.csv" --labels "$O/y.csv" --test 100)
OT=(--inputs "$O/x.csv" --labels "$O/y.csv" --test-inputs "$O/tx.csv" --test-labels "$O/ty.csv" --input-scale 0.5)
if "$LOGQ" train "${OD[@]}" --hidden 12 --epochs 20 -o "$O/w.txt" >"$O/train.out" 2>&1 &&
   "$LOGQ" eval "${OD[@]}" --weights "$O/w.txt" --quick --bits 5 --hw >"$O/e.txt" 2>&1 &&
   "$LOGQ" eval "${OT[@]}" --weights "$O/w.txt" --quick --bits 5 --hw >"$O/et.txt" 2>&1; then
    ok "own data: train 6-12-3 on a seeded synthetic set (seed $SEED), eval --hw on its split and on a separate test set"
else bad "own data: train or eval"; tail -3 "$O/train.out" "$O/e.txt" "$O/et.txt"; fi
# the shift-log2 5-bit integer cell of an eval table
owncell() { grep '^| log2 | linear | integer (hw) |' "$1" | awk -F'|' '{ gsub(/ /, "", $5); print $5 }'; }
# split by --split-seed as eval splits: Verilator, 100 test examples, 30 % stalls
if "$LOGQ" gen net --weights "$O/w.txt" --fsr-from "$O/e.txt" "${OD[@]}" --vectors 100 -o "$O/g" >"$O/g.out" 2>&1 &&
   "$root/sim/verilator/net_build.sh" "$O/g" "$O/vl" 2>"$O/vb"; then
    want=$(owncell "$O/e.txt")
    "$O/vl/net_tb" +vectors="$O/g" +stall=30 +seed="$SEED" +verilator+rand+reset+2 >"$O/sim" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^PASSED' "$O/sim" && [ -n "$want" ] &&
       grep -q "^net_tb: 100 images, 0 mismatches; accuracy RTL $want % ([0-9]*), model $want %" "$O/sim"; then
        ok "own data: gen net --inputs/--labels --test 100 --vectors 100, Verilator, 30 % stalls: every class and logit = eval --hw; accuracy RTL $want % = eval --hw's table on the same split"
    else bad "own data: Verilator co-simulation (exit $rc, table '$want')"; grep -E 'MISMATCH|accuracy|FAILED' "$O/sim" | head -5; fi
else bad "own data: gen net or Verilator build"; cat "$O/g.out" "$O/vb"; fi
# a separate test set, inputs scaled by 0.5: its labels in order, the Icarus bench
if "$LOGQ" gen net --weights "$O/w.txt" --fsr-from "$O/et.txt" "${OT[@]}" --vectors 60 -o "$O/t" >"$O/t.out" 2>&1 &&
   (cd "$O/t" && iverilog -g2005 -o tb -c logq_net.icarus.f logq_net_tb.v && vvp -n tb) >"$O/t.log" 2>&1; then
    want=$(owncell "$O/et.txt")
    got=$(sed -n 's/.*accuracy RTL \([0-9]*\) \/ 60, model \([0-9]*\) \/ 60$/\1 \2/p' "$O/t.log")
    pct=$(echo "$got" | awk '{ if ($1 == $2) printf "%.2f", 100 * $1 / 60 }')
    if grep -q '^PASSED' "$O/t.log" && grep -q '^logq_net_tb: 60 images, 0 mismatches' "$O/t.log" &&
       [ -n "$want" ] && [ "$pct" = "$want" ] &&
       cmp -s <(grep -v '^//' "$O/t/logq_net_labels.hex") "$O/ty.csv"; then
        ok "own data: --test-inputs/--test-labels --input-scale 0.5 --vectors 60, Icarus bench: 0 mismatches, the labels are the test file's in order, accuracy RTL $pct % = eval --hw's table"
    else bad "own data: separate test set (table '$want', RTL '$pct')"; tail -3 "$O/t.log"; fi
else bad "own data: separate test set, gen net or Icarus"; cat "$O/t.out"; tail -3 "$O/t.log"; fi
if [ -x "$ASAN" ] && "$ASAN" gen net --weights "$O/w.txt" --fsr-from "$O/e.txt" "${OT[@]}" --vectors 60 -o "$tmp/asan3" >"$tmp/asan3.log" 2>&1; then
    ok "own data: gen net --inputs under ASan+UBSan: clean"
else bad "own data: gen net --inputs under ASan+UBSan"; tail -5 "$tmp/asan3.log"; fi
cut -d, -f1-5 "$O/x.csv" >"$O/x5.csv"
awk '{ print NR == 7 ? 3 : $0 }' "$O/y.csv" >"$O/y4.csv"
net_refuse "own data: 5 features for a network of 6 inputs" "the network has 6 inputs and 3 outputs; the data (.*) has 5 features" \
    --weights "$O/w.txt" --afsr 3,2 --inputs "$O/x5.csv" --labels "$O/y.csv" --test 100 --vectors 10
net_refuse "own data: label 3 for a network of 3 outputs" "the network has 6 inputs and 3 outputs; the data (.*) has 6 features and labels 0..3" \
    --weights "$O/w.txt" --afsr 3,2 --inputs "$O/x.csv" --labels "$O/y4.csv" --test 100
net_refuse "own data: --test-inputs without --test-labels" "go together" \
    --weights "$O/w.txt" --afsr 3,2 --inputs "$O/x.csv" --labels "$O/y.csv" --test-inputs "$O/tx.csv" --vectors 10
