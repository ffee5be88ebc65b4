// Four-state check of the MAC's input handshake (issue 19): while s_valid is low the
// data of the input stream (s_a, s_w and s_last) is X, and s_ready must never be X or
// Z; m_valid never either, and m_sum is never X while m_valid is high (the sums come
// from valid beats only). Independent of the generator: it drives the ports of any
// `logq gen mac` top with its own seeded stimulus and knows nothing of its structure.
//   iverilog -g2005 -gstrict-expr-width -Wall -DMAC_TOP=logq_mac -DLANES=16 -DA_BITS=8 \
//       -DW_BITS=5 -DOUT_BITS=37 -o x.vvp sim/icarus/mac_xidle.v RTL/logq_mac.v
//   vvp -n x.vvp +seed=N +cycles=N
// Prints PASSED with the number of idle cycles driven with X, or the first errors
// (cycle, signal) and FAILED; exits through $finish either way.
`resetall
`timescale 1ns / 1ps
`default_nettype none

module mac_xidle;
    localparam integer IA = `LANES * `A_BITS;
    localparam integer IW = `LANES * `W_BITS;
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg s_valid = 1'b0;
    reg s_last = 1'b0;
    reg m_ready = 1'b0;
    reg [IA-1:0] s_a = {IA{1'b0}};
    reg [IW-1:0] s_w = {IW{1'b0}};
    wire s_ready;
    wire m_valid;
    wire [`OUT_BITS-1:0] m_sum;

    `MAC_TOP dut (
        .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_last(s_last),
        .s_a(s_a), .s_w(s_w), .m_valid(m_valid), .m_ready(m_ready), .m_sum(m_sum)
    );

    always #5 clk = ~clk;

    integer seed, seed0, cycles, cycle, errors, idle_x, outs, i, r;
    reg [31:0] rnd;
    reg took;  // the beat on the input was accepted at the last edge

    // The stimulus, changed after each rising edge: valid 1/2 of the time, held until
    // accepted; last 1/4 of the valid beats; m_ready 1/2 (so the output often waits
    // and s_ready depends on whether a last beat can enter).
    task drive;
        begin
            if (!s_valid || took) begin
                rnd = $random(seed);
                s_valid = rnd[0];
                if (s_valid) begin
                    s_last = rnd[2:1] == 2'd0;
                    for (i = 0; i < IA; i = i + 32) begin
                        r = $random(seed);
                        s_a[i +: 32] = r;
                    end
                    for (i = 0; i < IW; i = i + 32) begin
                        r = $random(seed);
                        s_w[i +: 32] = r;
                    end
                end else begin
                    s_last = 1'bx;
                    s_a = {IA{1'bx}};
                    s_w = {IW{1'bx}};
                end
            end
            rnd = $random(seed);
            m_ready = rnd[3];
        end
    endtask

    task error(input [8*8-1:0] what);
        begin
            errors = errors + 1;
            if (errors <= 10)
                $display("ERROR at cycle %0d: %0s is X or Z (s_valid %b, s_last %b, s_ready %b, m_valid %b, m_ready %b)",
                         cycle, what, s_valid, s_last, s_ready, m_valid, m_ready);
        end
    endtask

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        if (!$value$plusargs("cycles=%d", cycles)) cycles = 5000;
        seed0 = seed;
        $display("mac_xidle: seed %0d, %0d cycles; rerun: vvp -n x.vvp +seed=%0d +cycles=%0d",
                 seed, cycles, seed, cycles);
        errors = 0;
        idle_x = 0;
        outs = 0;
        // reset with X on the data and s_valid low
        s_last = 1'bx;
        s_a = {IA{1'bx}};
        s_w = {IW{1'bx}};
        repeat (4) @(posedge clk);
        #1 rst = 1'b0;
        for (cycle = 0; cycle < cycles; cycle = cycle + 1) begin
            #3;  // the inputs settled, before the edge: what the block sees
            if (^s_ready === 1'bx) error("s_ready");
            if (^m_valid === 1'bx) error("m_valid");
            if (m_valid === 1'b1 && ^m_sum === 1'bx) error("m_sum");
            if (!s_valid) idle_x = idle_x + 1;
            if (m_valid === 1'b1 && m_ready) outs = outs + 1;
            took = s_valid && s_ready === 1'b1;
            @(posedge clk);
            #1 drive;
        end
        if (errors == 0 && idle_x > 0 && outs > 0) begin
            $display("PASSED: s_ready and m_valid never X, m_sum never X when valid; %0d idle cycles with X data, %0d sums",
                     idle_x, outs);
        end else begin
            $display("FAILED: %0d error(s), %0d idle cycles with X data, %0d sums; seed %0d",
                     errors, idle_x, outs, seed0);
        end
        $finish;
    end
endmodule

`default_nettype wire
`resetall
