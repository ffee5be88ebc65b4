// A four-state bench of a wrapped top with one input and one output AXI4-Stream
// (tests/axis.sh): X on TDATA and TLAST whenever TVALID is low, random TVALID and
// m_axis_tready; counts the cycles after the reset with s_axis_tready X (issue 19:
// ready must not depend on data while valid is low). -DTOP=module -DDW=tdata bits
// -DOW=m_axis_tdata bits. Prints "xidle: N cycles with s_axis_tready X".
`timescale 1ns / 1ps
`default_nettype none
module xidle_tb;
    localparam DW = `DW;
    reg clk = 1'b0, aresetn = 1'b0;
    always #5 clk = ~clk;
    reg tvalid = 1'b0, tlast = 1'b0, mready = 1'b0;
    reg [DW-1:0] tdata = {DW{1'b0}};
    wire tready, mvalid, mlast;
    wire [`OW-1:0] mdata;
    `TOP dut (.clk(clk), .aresetn(aresetn), .s_axis_tvalid(tvalid), .s_axis_tready(tready),
              .s_axis_tdata(tdata), .s_axis_tlast(tlast), .m_axis_tvalid(mvalid),
              .m_axis_tready(mready), .m_axis_tdata(mdata), .m_axis_tlast(mlast));
    integer cyc = 0, nx = 0, seed = 1, k;
    always @(posedge clk) begin
        cyc <= cyc + 1;
        if (cyc == 4) aresetn <= 1'b1;
        if (cyc > 5 && tready === 1'bx) nx = nx + 1;
        if (!tvalid || tready === 1'b1) begin
            tvalid <= ({$random(seed)} % 100) < 60;
        end
        mready <= ({$random(seed)} % 100) < 70;
        if (cyc == 3000) begin
            $display("xidle: %0d cycles with s_axis_tready X", nx);
            $finish;
        end
    end
    // data: random while valid (new at the negedge after valid rises), X while not
    always @(negedge clk) begin
        if (tvalid) begin
            if (tdata === {DW{1'bx}} || ^tdata === 1'bx) begin
                for (k = 0; k < DW; k = k + 1) tdata[k] = $random(seed);
                tlast = $random(seed);
            end
        end else begin
            tdata = {DW{1'bx}};
            tlast = 1'bx;
        end
    end
endmodule
