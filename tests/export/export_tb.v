// Bench of `logq export` (tests/export.sh): a generated `logq gen mac` array whose
// weights come only from the exported $readmemh files, one memory region per lane,
// indexed as the files document (line (j * S + s) * C + c for beat c of word slot s
// of output j). The activations and the expected sums are those `logq eval
// --export-layer` recorded for the same layer (in.hex, out.hex): the bench checks
// that the exported weights are the weight lanes eval fed the model, beat by beat,
// and that the array's sums equal the model's, under random stalls on both sides.
// Defines (iverilog -D): LANES A_BITS W_BITS OUT_BITS NIN NOUT LINES (lines per lane
// file = beats per input vector), EX (eval's export directory), WDIR and LAYER (the
// exported files), SEED, STALL (percent).
`default_nettype none
`timescale 1ns / 1ps

module export_tb;
    localparam integer IN_BITS = `LANES * (`A_BITS + `W_BITS) + 1;

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg s_valid = 1'b0;
    wire s_ready;
    wire s_last;
    wire [`LANES*`A_BITS-1:0] s_a;
    wire [`LANES*`W_BITS-1:0] s_w;
    wire m_valid;
    reg m_ready = 1'b0;
    wire [`OUT_BITS-1:0] m_sum;

    reg [IN_BITS-1:0] beats [0:`NIN-1];
    reg [`OUT_BITS-1:0] want [0:`NOUT-1];
    reg [`W_BITS-1:0] wmem [0:`LANES*`LINES-1];

    integer beat = 0, nout = 0, errors = 0, wrong_w = 0, cycle = 0, seed = `SEED, lane;
    reg [8*512-1:0] name;

    logq_mac dut (
        .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_last(s_last),
        .s_a(s_a), .s_w(s_w), .m_valid(m_valid), .m_ready(m_ready),
        .m_sum(m_sum));

    // The beat offered: activations and last from eval's beat, weights from the files.
    wire [IN_BITS-1:0] cur = beats[beat < `NIN ? beat : 0];
    assign s_a = cur[`LANES*`A_BITS-1:0];
    assign s_last = cur[IN_BITS-1];
    genvar g;
    generate
        for (g = 0; g < `LANES; g = g + 1) begin : g_lane
            assign s_w[g*`W_BITS +: `W_BITS] = wmem[g*`LINES + (beat % `LINES)];
        end
    endgenerate

    initial begin
        $readmemh({`EX, "/in.hex"}, beats);
        $readmemh({`EX, "/out.hex"}, want);
        for (lane = 0; lane < `LANES; lane = lane + 1) begin
            $sformat(name, "%0s/layer%0d_lane%02d.hex", `WDIR, `LAYER, lane);
            $readmemh(name, wmem, lane * `LINES, lane * `LINES + `LINES - 1);
        end
    end

    always #5 clk = ~clk;

    always @(posedge clk) begin
        cycle <= cycle + 1;
        if (cycle == 3)
            rst <= 1'b0;
        if (!rst) begin
            if (s_valid && s_ready) begin
                if (cur[IN_BITS-2:`LANES*`A_BITS] !== s_w) begin
                    wrong_w = wrong_w + 1;
                    if (wrong_w <= 3)
                        $display("WEIGHTS DIFFER at beat %0d: eval fed %h, the exported files give %h",
                                 beat, cur[IN_BITS-2:`LANES*`A_BITS], s_w);
                end
                beat <= beat + 1;
            end
            // valid holds until the beat is taken; a new beat is offered or not at random
            if (!s_valid || s_ready)
                s_valid <= beat + (s_valid ? 1 : 0) < `NIN &&
                            ($unsigned($random(seed)) % 100) >= `STALL;
            if (m_valid && m_ready) begin
                if (m_sum !== want[nout]) begin
                    errors = errors + 1;
                    if (errors <= 5)
                        $display("MISMATCH output %0d: RTL %h, model %h", nout, m_sum, want[nout]);
                end
                nout <= nout + 1;
            end
            m_ready <= ($unsigned($random(seed)) % 100) >= `STALL;
        end
        if (nout == `NOUT || cycle > 40 * `NIN + 1000) begin
            $display("export_tb: %0d beats, %0d sums checked, %0d mismatches, %0d beats with other weights",
                     beat, nout, errors, wrong_w);
            if (nout == `NOUT && errors == 0 && wrong_w == 0)
                $display("PASSED");
            else
                $display("FAILED");
            $finish;
        end
    end
endmodule
`default_nettype wire
