// Icarus throughput bench of a `logq gen mac` array (make bench, docs/bench.md).
// Replays vec.hex (one beat per line: {last, s_w, s_a}, written by
// `bench_model vectors` from the C model) at full rate (s_valid and m_ready always
// high) for +beats=B beats, looping over the file, and compares every output with
// exp.hex (+wrong-expect, test only, corrupts the expected sums). Parameters come
// from the generated NAME.h (scripts/bench.sh passes them with iverilog -P).
// Prints "icarus_bench: B beats, V vectors, C cycles, E errors".
`resetall
`timescale 1ns/1ps
`default_nettype none

module mac_icarus_tb;
    parameter integer LANES = 16;
    parameter integer A_BITS = 8;
    parameter integer W_BITS = 5;
    parameter integer OUT_BITS = 37;
    parameter integer NBEATS = 1;   // lines in vec.hex
    parameter integer NVEC = 1;     // lines in exp.hex
    localparam integer AW = LANES * A_BITS;
    localparam integer WW = LANES * W_BITS;
    localparam integer VW = AW + WW + 1;

    reg [VW-1:0] vec [0:NBEATS-1];
    reg [OUT_BITS-1:0] expect_sum [0:NVEC-1];

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg s_valid = 1'b0;
    reg [VW-1:0] cur = {VW{1'b0}};
    wire s_ready;
    wire m_valid;
    wire [OUT_BITS-1:0] m_sum;

    logq_mac dut (
        .clk(clk), .rst(rst),
        .s_valid(s_valid), .s_ready(s_ready), .s_last(cur[VW-1]),
        .s_a(cur[AW-1:0]), .s_w(cur[VW-2:AW]),
        .m_valid(m_valid), .m_ready(1'b1), .m_sum(m_sum)
    );

    always #5 clk = ~clk;

    integer beats = 0;
    integer sent = 0;
    integer bi = 0;
    integer vi = 0;
    integer outs = 0;
    integer vecs_sent = 0;
    integer errors = 0;
    integer cycles = 0;
    reg wrong = 1'b0;  // +wrong-expect (test only): compare against a corrupted sum
    reg [OUT_BITS-1:0] want = {OUT_BITS{1'b0}};

    initial begin
        if (VW > 100000 || NBEATS < 1 || NVEC < 1) begin
            $display("mac_icarus_tb: bad parameters");
            $finish;
        end
        if (!$value$plusargs("beats=%d", beats)) beats = NBEATS;
        wrong = $test$plusargs("wrong-expect") != 0;
        $readmemh("vec.hex", vec);
        $readmemh("exp.hex", expect_sum);
        repeat (4) @(posedge clk);
        rst <= 1'b0;
        cur <= vec[0];
        s_valid <= beats > 0;
        if (beats == 0) begin
            $display("icarus_bench: 0 beats, 0 vectors, 0 cycles, 0 errors");
            $finish;
        end
    end

    always @(posedge clk) begin
        if (!rst) begin
            cycles <= cycles + 1;
            if (s_valid && s_ready) begin
                sent = sent + 1;
                if (cur[VW-1]) vecs_sent = vecs_sent + 1;
                bi = bi + 1 == NBEATS ? 0 : bi + 1;
                cur <= vec[bi];
                // stop sending after a vector's last beat once the count is reached
                if (sent >= beats && cur[VW-1]) s_valid <= 1'b0;
            end
            if (m_valid) begin
                want = expect_sum[vi] ^ {{(OUT_BITS-1){1'b0}}, wrong};
                if (m_sum !== want) begin
                    errors = errors + 1;
                    if (errors <= 10)
                        $display("MISMATCH at cycle %0d: output %0d expected 0x%h actual 0x%h",
                                 cycles, outs, want, m_sum);
                end
                outs = outs + 1;
                vi = vi + 1 == NVEC ? 0 : vi + 1;
                if (!s_valid && outs == vecs_sent) begin
                    $display("icarus_bench: %0d beats, %0d vectors, %0d cycles, %0d errors",
                             sent, outs, cycles + 1, errors);
                    $finish;
                end
            end
        end
    end
endmodule

`resetall
