// Icarus (four-state) replay of a MAC co-simulation: the beats accepted by the
// Verilator run and the C model's sums, written by mac_tb +vectors=DIR, are driven
// again with this simulator's own random stalls on both sides; every output is
// compared with !== so an X (a missing reset, an undriven bit) fails too.
// Run from DIR (it reads a.hex, w.hex, l.hex, o.hex and includes params.vh):
//   iverilog -g2005 -Wall -I DIR -o DIR/replay.vvp sim/icarus/mac_replay.v RTL/*.v
//   (cd DIR && vvp replay.vvp +seed=N +stall=PCT)
`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "params.vh"

module mac_replay;
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg s_valid = 1'b0;
    reg s_last = 1'b0;
    reg m_ready = 1'b0;
    reg [`MAC_IN_A-1:0] s_a = {`MAC_IN_A{1'b0}};
    reg [`MAC_IN_W-1:0] s_w = {`MAC_IN_W{1'b0}};
    wire s_ready;
    wire m_valid;
    wire [`MAC_OUT-1:0] m_sum;

    reg [`MAC_IN_A-1:0] mem_a [0:`MAC_NIN-1];
    reg [`MAC_IN_W-1:0] mem_w [0:`MAC_NIN-1];
    reg                 mem_l [0:`MAC_NIN-1];
    reg [`MAC_OUT-1:0]  mem_o [0:`MAC_NOUT-1];

    `MAC_TOP dut (
        .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_last(s_last),
        .s_a(s_a), .s_w(s_w), .m_valid(m_valid), .m_ready(m_ready),
        .m_sum(m_sum)
    );

    always #5 clk = ~clk;

    integer seed, seed0, stall, ni, no, errors, cycle, r;
    reg fin, fout;
    reg [`MAC_OUT-1:0] osum;

    initial begin
        $readmemh("a.hex", mem_a);
        $readmemh("w.hex", mem_w);
        $readmemh("l.hex", mem_l);
        $readmemh("o.hex", mem_o);
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        if (!$value$plusargs("stall=%d", stall)) stall = 30;
        seed0 = seed;
        $display("mac_replay: %0d beats, %0d sums, seed %0d, stall %0d%%; rerun: vvp replay.vvp +seed=%0d +stall=%0d",
                 `MAC_NIN, `MAC_NOUT, seed, stall, seed, stall);
        ni = 0;
        no = 0;
        errors = 0;
        cycle = 0;
        fin = 1'b0;
        repeat (4) @(negedge clk);
        rst = 1'b0;
        while (no < `MAC_NOUT && errors < 10 && cycle < 40 * `MAC_NIN + 2000) begin
            // negedge: retire the accepted beat, then drive the next cycle's inputs
            if (fin) begin
                ni = ni + 1;
                s_valid = 1'b0;
            end
            if (ni < `MAC_NIN) begin
                s_a = mem_a[ni];
                s_w = mem_w[ni];
                s_last = mem_l[ni];
                r = $random(seed);
                if (!s_valid && (r < 0 ? -r : r) % 100 >= stall)
                    s_valid = 1'b1;
            end
            r = $random(seed);
            m_ready = (r < 0 ? -r : r) % 100 >= stall;
            @(posedge clk);
            fin = s_valid && s_ready;
            fout = m_valid && m_ready;
            osum = m_sum;
            if (fout) begin
                if (osum !== mem_o[no]) begin
                    errors = errors + 1;
                    $display("MISMATCH at cycle %0d: output %0d expected %h actual %h (seed %0d)",
                             cycle, no, mem_o[no], osum, seed0);
                end
                no = no + 1;
            end
            if (^{s_ready, m_valid} === 1'bx) begin
                errors = errors + 1;
                $display("ERROR at cycle %0d: X on s_ready or m_valid", cycle);
            end
            @(negedge clk);
            cycle = cycle + 1;
        end
        if (errors == 0 && no == `MAC_NOUT)
            $display("PASSED: %0d sums match over %0d cycles", no, cycle);
        else
            $display("FAILED: %0d error(s), %0d of %0d sums seen", errors, no, `MAC_NOUT);
        $finish;
    end
endmodule

`default_nettype wire
`resetall
