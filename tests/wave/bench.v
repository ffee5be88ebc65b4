`resetall
`timescale 1ns/1ps
`default_nettype none
// A tiny design for the waveform tools (tests/wavediff.sh, make waves-png): a
// counter and a shift/accumulate register behind a valid/ready handshake, and a
// self-clocking bench that dumps waves. The same source runs under Icarus (VCD)
// and under Verilator --binary --timing (FST), so the two dumps can be compared.
module wave_dut #(
    parameter integer W = 8
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         s_valid,
    output wire         s_ready,
    input  wire [W-1:0] s_data,
    output reg          m_valid,
    output reg  [W-1:0] m_acc,
    output reg  [3:0]   count
);
    assign s_ready = 1'b1;
    always @(posedge clk) begin
        if (rst) begin
            m_valid <= 1'b0;
            m_acc   <= {W{1'b0}};
            count   <= 4'd0;
        end else begin
            m_valid <= s_valid;
            if (s_valid) begin
                m_acc <= m_acc + s_data;
                count <= count + 4'd1;
            end
        end
    end
endmodule

module bench;
    localparam integer W = 8;
    reg          clk = 1'b0;
    reg          rst = 1'b1;
    reg          s_valid = 1'b0;
    reg  [W-1:0] s_data = 8'd0;
    wire         s_ready;
    wire         m_valid;
    wire [W-1:0] m_acc;
    wire [3:0]   count;
    reg  [W-1:0] i;

    wave_dut #(.W(W)) dut (
        .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data),
        .m_valid(m_valid), .m_acc(m_acc), .count(count)
    );

    always #5 clk <= ~clk;

    initial begin
`ifdef WAVE_FST
        $dumpfile("bench.fst");
`else
        $dumpfile("bench.vcd");
`endif
        $dumpvars(0, bench);
        #20 rst = 1'b0;
        for (i = 8'd0; i < 8'd40; i = i + 8'd1) begin
            @(negedge clk);
            s_valid = (i % 8'd3) != 8'd2;
            s_data = i * 8'd37 + 8'd11;
        end
        @(negedge clk);
        s_valid = 1'b0;
        #30 $display("bench: s_ready=%b m_valid=%b m_acc=%0d count=%0d",
                     s_ready, m_valid, m_acc, count);
        $finish;
    end
endmodule
