#!/usr/bin/env bash
# `logq gen net` with a conv layer (issue 15, docs/net.md "Conv layers"), proven
# against the integer model of `logq eval --hw`:
#  - the unit test of the conv integer arithmetic (build/tests/netconv/test_hwconv,
#    plain and under ASan+UBSan): gen/nn/hw.c against a nested-loop reference;
#  - the line buffer alone (Icarus, a bench written here): every window of three
#    images, with random stalls on both sides, against the pixels a nested loop picks
#    (edge pixels included), for a 3x3 kernel on one channel and a 2x3 on two;
#  - per network and scheme: gen net, zero lint warnings (Verilator -Wall, Icarus
#    -Wall), the re-quantizers alone, Verilator co-simulation of all 450 test images
#    with random stalls on both streams (every class and logit equal to the model's),
#    the RTL's accuracy equal to eval --hw's cell, and with no stalls the latency and
#    the cycles between images of NAME.h;
#  - the generated Icarus bench on 20 images; a complemented conv ROM word fails it;
#  - byte-identical output, gen net under ASan+UBSan, refusals (exit 2, no file).
# Networks: the digits conv network of `logq train --arch conv` (1x8x8, 16 3x3
# kernels, pool, 144-32-10) and a random one written here (the 64 pixels as 2 x 4 x 8,
# 3 2x3 kernels, no pool, 54-10).
# make test: shift-log2 5 bits on the trained network, int8 (linear 8 bits) on the
# random one; LOGQ_LONG=1 adds int8, shift-logsqrt2, loglog and slq (L = 2) on the
# trained network, log2 on the random one and three other foldings. SEED=N varies stalls and random weights.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netgen.bash"
DATA=$BUILD/data/digits.csv
ASAN=$BUILD/asan/logq
SEED=${SEED:-1}

for t in verilator iverilog; do
    command -v $t >/dev/null || { bad "$t is not installed (make deps)"; exit 1; }
done
if [ ! -f "$DATA" ]; then bad "data: $DATA missing (make data)"; exit 1; fi

# ---- the conv integer arithmetic against the nested-loop reference ----
for t in "$BUILD/tests/netconv/test_hwconv:" "$BUILD/asan/tests/netconv/test_hwconv:asan:"; do
    bin=${t%%:*} prefix=${t#*:}
    if [ ! -x "$bin" ]; then bad "${prefix}test_hwconv: $bin is missing (make $bin)"; continue; fi
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
        "$bin" "$prefix" "$SEED" >"$tmp/unit.log" 2>&1
    rc=$?
    grep -E '^(PASS|FAIL):' "$tmp/unit.log"
    if [ $rc -ne 0 ] || ! grep -q "images against the nested-loop reference" "$tmp/unit.log"; then
        bad "${prefix}test_hwconv exited $rc"; tail -5 "$tmp/unit.log"
    fi
done

# ---- the networks ----
if ! "$LOGQ" train --arch conv --data "$DATA" -o "$tmp/w.txt" >"$tmp/train.out" 2>&1; then
    bad "train --arch conv"; cat "$tmp/train.out"; exit 1
fi
W=$tmp/w.txt
R=$tmp/rnd.txt
awk -v seed="$SEED" 'BEGIN { srand(seed); print "logq-nn 1"; print "layers 2"
    print "conv 2 4 8 3 2 3 relu pool1"
    for (o = 0; o < 3; o++) { s = ""; for (i = 0; i < 12; i++) s = s (i ? " " : "") sprintf("%.6f", 2 * rand() - 1); print s }
    s = ""; for (o = 0; o < 3; o++) s = s (o ? " " : "") sprintf("%.6f", rand() - 0.5); print s
    print "layer 54 10 linear"
    for (j = 0; j < 10; j++) { s = ""; for (i = 0; i < 54; i++) s = s (i ? " " : "") sprintf("%.6f", 2 * rand() - 1); print s }
    s = ""; for (j = 0; j < 10; j++) s = s (j ? " " : "") sprintf("%.6f", rand() - 0.5); print s
    print "end" }' >"$R"
E=$tmp/eval.txt
bits=5
[ -n "${LOGQ_LONG:-}" ] && bits=5,8
if "$LOGQ" eval --data "$DATA" --weights "$W" --quick --bits $bits --hw >"$E" 2>&1 &&
   grep -q '^hw-fsr log2 linear 5 ' "$E"; then
    ok "eval --quick --bits $bits --hw on the conv network ($(grep -c '^hw-fsr' "$E") integer cells)"
else bad "eval --hw on the conv network"; tail -5 "$E"; exit 1; fi

# TAG DIR WANT(eval's cell or -) gen-net-options...
run_net() {
    local tag=$1 d=$2 want=$3
    shift 3
    if ! "$LOGQ" gen net "$@" --data "$DATA" --vectors 450 -o "$d" >"$d.gen" 2>&1; then
        bad "$tag: gen net"; cat "$d.gen"; return
    fi
    net_design "$tag" "$d" "$want"
}

G=(--weights "$W" --fsr-from "$E")
GR=(--weights "$R" --afsr 0,2)
run_net "conv shift-log2 5b" "$tmp/log2" "$(net_hwcell "$E" log2 linear 5)" "${G[@]}" --scheme shift-log2 --bits 5
run_net "random conv (2 channels, 2x3, no pool) int8" "$tmp/rint8" - "${GR[@]}" --scheme linear --bits 8
if [ -n "${LOGQ_LONG:-}" ]; then
    run_net "conv int8" "$tmp/int8" "$(net_hwcell "$E" linear linear 8)" "${G[@]}" --scheme linear --bits 8
    run_net "conv shift-logsqrt2 5b" "$tmp/lsq" "$(net_hwcell "$E" logsqrt2 linear 5)" "${G[@]}" --scheme shift-logsqrt2 --bits 5
    run_net "conv shift-log2 5b --pe 4,1,1" "$tmp/pe4" "$(net_hwcell "$E" log2 linear 5)" "${G[@]}" --scheme shift-log2 --bits 5 --pe 4,1,1
    run_net "conv shift-log2 5b --simd 9,16,16 --pe 16,2,1" "$tmp/pe16" "$(net_hwcell "$E" log2 linear 5)" "${G[@]}" --scheme shift-log2 --bits 5 --simd 9,16,16 --pe 16,2,1
    run_net "conv shift-log2 5b --simd 3,8,4 --pe 2,4,5" "$tmp/s3" "$(net_hwcell "$E" log2 linear 5)" "${G[@]}" --scheme shift-log2 --bits 5 --simd 3,8,4 --pe 2,4,5
    run_net "random conv shift-log2 5b" "$tmp/rlog2" - "${GR[@]}" --scheme shift-log2 --bits 5
    run_net "conv loglog 5b" "$tmp/loglog" "$(net_hwcell "$E" log2 log2 5)" "${G[@]}" --scheme loglog --bits 5
    run_net "conv slq L=2 5b" "$tmp/slq" "$(net_hwcell "$E" slq-L2 linear 5)" "${G[@]}" --scheme slq --bits 5
fi

# ---- the line buffer alone: every window against a nested loop ----
# DIR H W C KH KW [VERILOG] (of layer 1): writes DIR/win_tb.v and runs it on
# DIR/logq_net.v or VERILOG into DIR.win; pixel (y, x) channel c of image i is the
# code ((i H + y) W + x) C + c + 1 mod 2^A, distinct over the three images at 8 bits.
winrun() {
    local d=$1 H=$2 Wd=$3 C=$4 KH=$5 KW=$6 v=${7:-logq_net.v} A
    A=$(sed -n 's/^#define LOGQ_NET_IN_CODE_BITS \([0-9]*\).*/\1/p' "$d/logq_net.h")
    cat >"$d/win_tb.v" <<EOF
\`timescale 1ns / 1ps
\`default_nettype none
module win_tb;
    localparam integer H = $H, W = $Wd, C = $C, KH = $KH, KW = $KW, A = $A, NIMG = 3;
    localparam integer OH = H - KH + 1, OW = W - KW + 1;
    reg clk = 1'b0, rst = 1'b1;
    always #5 clk = ~clk;
    reg s_valid = 1'b0, m_ready = 1'b0;
    reg [C*A-1:0] s_data;
    wire s_ready, m_valid;
    wire [C*KH*KW*A-1:0] m_data;
    logq_net_l1_win dut (.clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready),
        .s_data(s_data), .m_valid(m_valid), .m_ready(m_ready), .m_data(m_data));
    integer seed = $SEED, nin = 0, nwin = 0, errors = 0, c, i, y, x, oy, ox, ky, kx, cyc = 0;
    function integer code(input integer img, input integer yy, input integer xx, input integer cc);
        code = (((img * H + yy) * W + xx) * C + cc + 1) % (1 << A);
    endfunction
    initial begin
        repeat (3) @(posedge clk);
        rst <= 1'b0;
    end
    always @(posedge clk) begin
        cyc <= cyc + 1;
        if (cyc > 100000) begin
            \$display("FAILED: timeout, %0d windows", nwin);
            \$finish;
        end
        if (!rst) begin
            if (s_valid && s_ready)
                nin = nin + 1;
            if (!s_valid || s_ready) begin
                s_valid <= nin < NIMG * H * W && (\$random(seed) & 3) != 0;
                i = nin / (H * W);
                y = (nin % (H * W)) / W;
                x = nin % W;
                for (c = 0; c < C; c = c + 1)
                    s_data[c * A +: A] <= code(i, y, x, c);
            end
            m_ready <= (\$random(seed) % 3) != 0;
            if (m_valid && m_ready) begin
                i = nwin / (OH * OW);
                oy = (nwin % (OH * OW)) / OW;
                ox = nwin % OW;
                for (c = 0; c < C; c = c + 1)
                    for (ky = 0; ky < KH; ky = ky + 1)
                        for (kx = 0; kx < KW; kx = kx + 1)
                            if (m_data[((c * KH + ky) * KW + kx) * A +: A] !== code(i, oy + ky, ox + kx, c)) begin
                                errors = errors + 1;
                                if (errors <= 5)
                                    \$display("MISMATCH window %0d (image %0d, %0d, %0d) lane c%0d ky%0d kx%0d: %0d, want %0d",
                                             nwin, i, oy, ox, c, ky, kx, m_data[((c * KH + ky) * KW + kx) * A +: A], code(i, oy + ky, ox + kx, c));
                            end
                nwin = nwin + 1;
                if (nwin == NIMG * OH * OW) begin
                    \$display("win_tb: %0d windows of %0d images, %0d mismatches", nwin, NIMG, errors);
                    if (errors == 0)
                        \$display("PASSED");
                    else
                        \$display("FAILED");
                    \$finish;
                end
            end
        end
    end
endmodule
\`default_nettype wire
EOF
    (cd "$d" && iverilog -g2005 -o win -s win_tb "$v" win_tb.v && vvp -n win) >"$d.win" 2>&1
}
winbench() {
    local d=$1 H=$2 Wd=$3 C=$4 KH=$5 KW=$6
    winrun "$@"
    if grep -q '^PASSED' "$d.win"; then
        ok "icarus: line buffer ${KH}x${KW} over $C x $H x $Wd, 3 images, random stalls on both sides (seed $SEED): $(grep -o '^win_tb: [0-9]* windows' "$d.win" | cut -d' ' -f2) windows = the nested loop's pixels (edges and corners included)"
    else bad "icarus: line buffer ${KH}x${KW} over $C x $H x $Wd"; tail -5 "$d.win"; fi
}
# A = 8 bits: the random network's int8 design (64 distinct codes per image); the
# trained network's at 8 bits when LOGQ_LONG, else a 5-bit design's codes (mod 32).
[ -f "$tmp/rint8/logq_net.v" ] && winbench "$tmp/rint8" 4 8 2 2 3
[ -f "$tmp/log2/logq_net.v" ] && winbench "$tmp/log2" 8 8 1 3 3
# the bench can fail: the tap of the pixel one beat older wired to the newest pixel
if [ -f "$tmp/rint8/logq_net.v" ]; then
    sed -E '0,/= sr\[([0-9]+):([0-9]+)\];  \/\/ 1 pixels older/s//= sr[\1:\2] ^ 8'"'"'d1;  \/\/ broken/' \
        "$tmp/rint8/logq_net.v" >"$tmp/rint8/broken.v"
    if cmp -s "$tmp/rint8/logq_net.v" "$tmp/rint8/broken.v"; then bad "line buffer mutation changed nothing"
    else
        winrun "$tmp/rint8" 4 8 2 2 3 broken.v
        if grep -q '^FAILED' "$tmp/rint8.win" && grep -q '^MISMATCH window' "$tmp/rint8.win"; then
            ok "icarus: a line buffer with one tap's bit flipped fails the window bench ($(sed -n 's/.*images, \([0-9]*\) mismatches/\1/p' "$tmp/rint8.win") mismatches)"
        else bad "icarus: the broken line buffer was not caught"; tail -3 "$tmp/rint8.win"; fi
    fi
fi

# ---- the Icarus bench on 20 images, and a corrupted conv weight ----
I=$tmp/icarus
if "$LOGQ" gen net "${G[@]}" --scheme shift-log2 --bits 5 --data "$DATA" --vectors 20 -o "$I" >/dev/null 2>&1; then
    net_icarus "conv shift-log2 5b" "$I" 20
else bad "gen net --vectors 20 (conv)"; fi

# ---- deterministic, and under ASan+UBSan ----
D=$tmp/log2
if [ -d "$D" ]; then
    mkdir -p "$tmp/first"
    cp "$D"/logq_net* "$tmp/first/"
    "$LOGQ" gen net "${G[@]}" --scheme shift-log2 --bits 5 --data "$DATA" --vectors 450 -o "$D" >/dev/null 2>&1
    if diff -r -x vl -x 'win*' -x rq -x tb "$D" "$tmp/first" >/dev/null; then ok "the same options give byte-identical files (conv network)"
    else bad "gen net (conv) is not deterministic"; diff -r -x vl -x 'win*' -x rq -x tb "$D" "$tmp/first" | head -5; fi
fi
if [ -x "$ASAN" ]; then
    if "$ASAN" gen net "${G[@]}" --scheme shift-logsqrt2 --bits 5 --pe 4,2,1 --data "$DATA" --vectors 30 -o "$tmp/asan" >"$tmp/asan.log" 2>&1 &&
       "$ASAN" gen net "${GR[@]}" --scheme loglog --bits 5 --afsr 0,0 --data "$DATA" --vectors 30 -o "$tmp/asan2" >>"$tmp/asan.log" 2>&1 &&
       "$ASAN" eval --data "$DATA" --weights "$R" --quick --bits 3 --hw >>"$tmp/asan.log" 2>&1; then
        ok "gen net (conv: shift-logsqrt2, loglog) and eval --hw of a conv network under ASan+UBSan: clean"
    else bad "conv under ASan+UBSan"; tail -5 "$tmp/asan.log"; fi
else bad "no $ASAN (make $BUILD/asan/logq)"; fi

# ---- refusals: exit 2, a message naming the value, no file ----
# two conv layers: 1x8x8 -> 2x6x6 -> 2x4x4 -> 10
awk 'BEGIN { print "logq-nn 1"; print "layers 3"; print "conv 1 8 8 2 3 3 relu pool1"
    for (o = 0; o < 2; o++) print "0.1 0.2 0.3 0.1 0.2 0.3 0.1 0.2 0.3"; print "0 0"
    print "conv 2 6 6 2 3 3 relu pool1"
    for (o = 0; o < 2; o++) { s = ""; for (i = 0; i < 18; i++) s = s (i ? " " : "") "0.1"; print s }; print "0 0"
    print "layer 32 10 linear"
    for (j = 0; j < 10; j++) { s = ""; for (i = 0; i < 32; i++) s = s (i ? " " : "") "0.05"; print s }
    s = ""; for (j = 0; j < 10; j++) s = s (j ? " " : "") "0"; print s; print "end" }' >"$tmp/two.txt"
# 32 channels of 6x6: 1152 conv outputs per image
awk 'BEGIN { print "logq-nn 1"; print "layers 2"; print "conv 1 8 8 32 3 3 relu pool2"
    for (o = 0; o < 32; o++) print "0.1 0.2 0.3 0.1 0.2 0.3 0.1 0.2 0.3"
    s = ""; for (o = 0; o < 32; o++) s = s (o ? " " : "") "0"; print s
    print "layer 288 10 linear"
    for (j = 0; j < 10; j++) { s = ""; for (i = 0; i < 288; i++) s = s (i ? " " : "") "0.05"; print s }
    s = ""; for (j = 0; j < 10; j++) s = s (j ? " " : "") "0"; print s; print "end" }' >"$tmp/wide.txt"
net_refuse "--simd 4 (9 inputs per window)" "--simd 4: layer 1 has 9 inputs (conv: per window" --weights "$W" --afsr 0,2,4 --simd 4
net_refuse "--pe 3 (16 channels)" "--pe 3: layer 1 has 16 outputs (conv: per window" --weights "$W" --afsr 0,2,4 --pe 3
net_refuse "a second conv layer" "layer 2 is a second conv layer" --weights "$tmp/two.txt" --afsr 0,2,2
net_refuse "1152 conv outputs per image" "1152 dot products of 9 inputs per image: the integer network takes at most 1024" --weights "$tmp/wide.txt" --afsr 0,2
net_refuse "--afsr with 2 values for 3 layers" "2 values for a network of 3 layers" --weights "$W" --afsr 0,2
