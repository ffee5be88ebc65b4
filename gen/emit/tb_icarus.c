/* The self-checking Verilog-2005 bench of a generated block (tb_icarus.h,
 * docs/xsim.md). One text for every block: only the port lists differ.
 *
 * Cycle protocol (the same under Icarus and Verilator): the clock starts low and
 * toggles every 5 ns; rst is high for the first RST_CYCLES rising edges. The bench
 * samples the outputs at every rising edge (before the block's registers update)
 * and drives its inputs with nonblocking assignments at the same edge. Beat i of
 * in.hex is offered after gap.hex[i] idle cycles and held until accepted; out_ready
 * at cycle c is rdy.hex[c mod NRDY] (NRDY a power of two: a mask, as vvp's signed
 * modulo converts bit by bit, about 2 k instructions a cycle). */
#include "emit/tb_icarus.h"

#include <stdio.h>
#include <string.h>

int tb_in_bits(const tb_desc *d)
{
    int n = 0;
    for (int i = 0; i < d->nin; i++)
        n += d->in[i].width;
    return n;
}

int tb_side_bits(const tb_desc *d)
{
    int n = 0;
    for (int i = 0; i < d->nside; i++)
        n += d->side[i].width;
    return n;
}

int tb_out_bits(const tb_desc *d)
{
    int n = 0;
    for (int i = 0; i < d->nout; i++)
        n += d->out[i].width;
    return n;
}

/* "{pN, ..., p0}" of a port list (a padded port by the slice of its beat bits). */
static void concat(lq_file *f, const tb_port *p, int n)
{
    file_puts(f, "{");
    for (int i = n - 1; i >= 0; i--) {
        if (p[i].pad > 0)
            file_printf(f, "%s[%d:0]%s", p[i].name, p[i].width - 1, i ? ", " : "");
        else
            file_printf(f, "%s%s", p[i].name, i ? ", " : "");
    }
    file_puts(f, "}");
}

static void decl(lq_file *f, const char *kind, const tb_port *p)
{
    if (p->width + p->pad == 1)
        file_printf(f, "    %s %s;\n", kind, p->name);
    else
        file_printf(f, "    %s [%d:0] %s;\n", kind, p->width + p->pad - 1, p->name);
}

/* $display of each field of a packed word held in expression `word`. */
static void show_fields(lq_file *f, const char *indent, const char *label, const tb_port *p, int n,
                        const char *word)
{
    int lo = 0;
    file_printf(f, "%s$display(\"  %s:", indent, label);
    for (int i = 0; i < n; i++)
        file_printf(f, " %s=%%h", p[i].name);
    file_printf(f, "\"");
    for (int i = 0; i < n; i++) {
        file_printf(f, ", %s[%d:%d]", word, lo + p[i].width - 1, lo);
        lo += p[i].width;
    }
    file_printf(f, ");\n");
}

/* Faults (docs/xsim.md, "Faults"): +hold=N holds the output's ready low for N cycles,
 * +holdin=N the input's valid (between beats) at random moments; +midreset resets the
 * block for 1-3 cycles at random moments and sends the vector in flight (the first
 * whose outputs are not all out) again from its first beat, on the input stream and
 * on every side lane (from tstart.hex), and expects its outputs again from its first
 * item. A block takes it when its vectors are independent (after a reset a vector's
 * outputs are those of its beats only, so the expected outputs stay as they are) and
 * the bench can find a vector's first output (one item per vector, or out_last) and
 * its first side beats (side_restart); +stale-model, test only, does not rewind: the
 * run must fail. The faults draw from their own $random stream, seeded from the
 * vectors' seed. */
static int tb_can_midreset(const tb_desc *d)
{
    return (d->out_per_vector || d->out_last) && (d->nsides == 0 || d->side_restart);
}


/* The vector the bench resends after a reset: the first whose outputs are not all
 * out (with one output per vector, tb_n[N_OI] itself). */
static const char *resend_vector(const tb_desc *d)
{
    return d->out_per_vector ? "tb_n[N_OI]" : "tb_ovec";
}

static void faults_decl(lq_file *f, const tb_desc *d)
{
    file_printf(f,
        "    integer tb_hold, tb_holdin, tb_hleft, tb_hinleft, tb_rleft, tb_fseed;\n"
        "    integer tb_nreset, tb_nreset_mid, tb_nhold, tb_nholdin, tb_reset_oi;\n"
        "    reg tb_midreset, tb_stale;\n");
    if (!tb_can_midreset(d))
        return;
    if (!d->out_per_vector)
        file_printf(f, "    integer tb_ovec, tb_ostart;  // the first vector not all out, its first output\n");
    if (d->nsides > 0)
        file_printf(f, "    reg [31:0] tb_tst [0:NOUT*NS-1];  // vector v starts at lane k's beat tb_tst[v*NS+k]\n");
}

static void faults_init(lq_file *f, const tb_desc *d)
{
    file_printf(f,
        "        if (!$value$plusargs(\"hold=%%d\", tb_hold))\n"
        "            tb_hold = 0;\n"
        "        if (!$value$plusargs(\"holdin=%%d\", tb_holdin))\n"
        "            tb_holdin = 0;\n"
        "        tb_midreset = $test$plusargs(\"midreset\") != 0;\n"
        "        tb_stale = $test$plusargs(\"stale-model\") != 0;\n"
        "        tb_fseed = `VEC_SEED;\n"
        "        tb_f[F_FAULTS] = tb_hold > 0 || tb_holdin > 0 || tb_midreset;\n        tb_f[F_HIN] = 1'b0;\n"
        "        tb_hleft = 0;\n        tb_hinleft = 0;\n        tb_rleft = 0;\n        tb_reset_oi = -1;\n"
        "        tb_nreset = 0;\n        tb_nreset_mid = 0;\n        tb_nhold = 0;\n        tb_nholdin = 0;\n");
    if (!tb_can_midreset(d)) {
        file_printf(f,
            "        if (tb_midreset) begin\n"
            "            $display(\"FAILED: +midreset is not supported by this bench (no vector end in its outputs, or side streams without restart points)\");\n"
            "            tb_exit(1);\n"
            "        end\n");
        return;
    }
    if (!d->out_per_vector)
        file_printf(f, "        tb_ovec = 0;\n        tb_ostart = 0;\n");
    if (d->nsides > 0)
        file_printf(f,
            "        $sformat(tb_fn, \"%%0s/tstart.hex\", tb_dir);\n"
            "        $readmemh(tb_fn, tb_tst);\n"
            "        if (^tb_tst[NOUT*NS-1] === 1'bx) begin\n"
            "            $display(\"FAILED: tstart.hex in %%0s is short (fewer than %%0d lines)\", tb_dir, NOUT*NS);\n"
            "            tb_exit(1);\n"
            "        end\n");
}

/* The cold part of a cycle (the bench does not drive): a +midreset reset in progress;
 * at its end the vector in flight is sent again. */
static void faults_release(lq_file *f, const tb_desc *d)
{
    const char *v = resend_vector(d);
    if (!tb_can_midreset(d))
        return;
    file_printf(f,
        "        end else if (tb_rleft > 0) begin  // a +midreset reset\n"
        "            tb_rleft = tb_rleft - 1;\n"
        "            if (tb_rleft == 0) begin\n"
        "                rst <= 1'b0;\n"
        "                if (!tb_stale) begin  // the vector in flight again, from its first beat\n");
    if (!d->out_per_vector)
        file_printf(f, "                    tb_n[N_OI] = tb_ostart;\n");
    /* a block that answered vectors it was not sent whole leaves no resend point
     * (tb_vend unknown there): a failure, not an X beat index */
    file_printf(f,
        "                    if (%s > tb_n[N_NV]) begin\n"
        "                        $display(\"FAILED: at the reset of cycle %%0d, %%0d vector(s) have their outputs but %%0d were sent whole; seed %%0d\",\n"
        "                                 tb_n[N_CYC], %s, tb_n[N_NV], `VEC_SEED);\n"
        "                        if (!tb_failed)\n"
        "                            tb_first_ps = $time * 64'd1000;\n"
        "                        tb_failed = 1'b1;\n"
        "                        tb_exit(1);\n"
        "                    end\n", v, v);
    file_printf(f,
        "                    tb_n[N_BI] = %s == 0 ? 0 : tb_vend[%s - 1] + 1;\n"
        "                    tb_n[N_NV] = %s;\n"
        "                    tb_n[N_GAPN] = {24'd0, tb_gap[tb_n[N_BI]]};\n", v, v, v);
    if (d->nsides > 0)
        file_printf(f,
            "                    for (tb_k = 0; tb_k < NS; tb_k = tb_k + 1) begin\n"
            "                        tb_ti[tb_k] = tb_tst[%s*NS + tb_k];\n"
            "                        tb_tgn[tb_k] = tb_toff[tb_k] + tb_ti[tb_k] < tb_toff[tb_k + 1] ?\n"
            "                                       {24'd0, tb_tg[tb_toff[tb_k] + tb_ti[tb_k]]} : 32'd0;\n"
            "                    end\n", v);
    file_printf(f,
        "                end\n"
        "                tb_idle = 0;\n"
        "                tb_f[F_DRIVE] = 1'b1;\n"
        "            end\n");
}

/* After an output item is checked: with out_last, the item that ends a vector (as the
 * expected outputs say) moves the resend point to the next vector. */
static void faults_out(lq_file *f, const tb_desc *d)
{
    if (!tb_can_midreset(d) || d->out_per_vector)
        return;
    file_printf(f,
        "                if (tb_n[N_OI] < NOUT && tb_exp[tb_n[N_OI]][%d] === 1'b1) begin  // %s: a vector's last item\n"
        "                    tb_ovec = tb_ovec + 1;\n"
        "                    tb_ostart = tb_n[N_OI] + 1;\n"
        "                end\n", d->out_last_bit, d->out_last);
}

/* The last of the drive part, under one test of tb_f[F_FAULTS] (Icarus evaluates every
 * operand of a condition and loads a variable at every reference: docs/bench.md):
 * +hold holds the output's ready low for tb_hold cycles from random moments; +holdin
 * decides whether the input's valid stays low in the next cycle (a hold goes on, or
 * one starts); +midreset starts a reset at random moments (its assignments after the
 * drive's: the last nonblocking assignment wins). */
static void faults_cycle(lq_file *f, const tb_desc *d)
{
    file_printf(f,
        "            if (tb_f[F_FAULTS]) begin  // +hold, +holdin, +midreset\n"
        "                if (tb_hold > 0 && tb_hleft == 0) begin  // $random only when +hold is on\n"
        "                    if ({$random(tb_fseed)} %% 200 == 0) begin\n"
        "                        tb_hleft = tb_hold;\n"
        "                        tb_nhold = tb_nhold + 1;\n"
        "                    end\n"
        "                end\n"
        "                tb_f[F_HIN] = tb_hinleft > 0;  // +holdin, for the next cycle\n"
        "                if (tb_holdin > 0 && !tb_f[F_HIN])\n"
        "                    tb_f[F_HIN] = {$random(tb_fseed)} %% 200 == 0;\n"
        "                if (tb_hleft > 0) begin\n"
        "                    tb_hleft = tb_hleft - 1;\n"
        "                    %s <= 1'b0;\n"
        "                end\n", d->out_ready);
    if (tb_can_midreset(d)) {
        file_printf(f,
            "                if (!tb_midreset) begin\n"
            "                    // no resets\n"
            "                end else if (tb_n[N_CYC] > RST_CYCLES + 1 && tb_n[N_OI] > tb_reset_oi) begin\n"
            "                    // $random only here: Icarus evaluates both operands of &&\n"
            "                    if ({$random(tb_fseed)} %% 400 == 0) begin\n"
            "                        rst <= 1'b1;\n"
            "                        %s <= 1'b0;\n"
            "                        %s <= 1'b0;\n", d->in_valid, d->out_ready);
        if (d->nsides > 0)
            file_printf(f, "                        %s <= %d'd0;\n", d->side_valid, d->nsides);
        file_printf(f,
            "                        tb_rleft = 1 + {$random(tb_fseed)} %% 3;\n"
            "                        tb_f[F_DRIVE] = 1'b0;\n"
            "                        tb_nreset = tb_nreset + 1;\n"
            "                        tb_reset_oi = tb_n[N_OI];  // the next reset after this vector is out: no livelock\n"
            "                        if (tb_n[N_BI] != (tb_n[N_NV] == 0 ? 0 : tb_vend[tb_n[N_NV] - 1] + 1))\n"
            "                            tb_nreset_mid = tb_nreset_mid + 1;\n"
            "                    end\n"
            "                end\n");
    }
    file_printf(f, "            end\n");
}

static void faults_report(lq_file *f, const char *m)
{
    file_printf(f,
        "                if (tb_midreset || tb_hold > 0 || tb_holdin > 0)\n"
        "                    $display(\"%s_tb: faults: %%0d resets (%%0d mid-vector)%%0s; %%0d ready holds of %%0d cycles, %%0d valid holds of %%0d cycles\",\n"
        "                             tb_nreset, tb_nreset_mid, tb_stale ? \" (STALE MODEL: test)\" : \"\", tb_nhold, tb_hold,\n"
        "                             tb_nholdin, tb_holdin);\n", m);
}

/* The input stream's next cycle after no beat or an accepted one: done, a +holdin
 * hold, a gap, or beat tb_n[N_BI]. low: valid is low already (no assignment of it). */
static void next_beat(lq_file *f, const tb_desc *d, int low)
{
    const char *v = d->in_valid;
    file_printf(f, "                if (tb_n[N_BI] >= NIN) begin\n");
    if (low)
        file_printf(f, "                    // every beat sent\n");
    else
        file_printf(f, "                    %s <= 1'b0;\n", v);
    file_printf(f,
        "                end else if (tb_f[F_HIN]) begin\n"
        "                    if (tb_hinleft == 0) begin  // +holdin: valid low for a while\n"
        "                        tb_hinleft = tb_holdin;\n"
        "                        tb_nholdin = tb_nholdin + 1;\n"
        "                    end\n"
        "                    tb_hinleft = tb_hinleft - 1;\n");
    if (!low)
        file_printf(f, "                    %s <= 1'b0;\n", v);
    file_printf(f,
        "                end else if (tb_n[N_GAPN] > 0) begin\n"
        "                    tb_n[N_GAPN] = tb_n[N_GAPN] - 1;\n");
    if (!low)
        file_printf(f, "                    %s <= 1'b0;\n", v);
    file_printf(f,
        "                end else begin\n"
        "                    %s <= 1'b1;\n"
        "                    ", v);
    concat(f, d->in, d->nin);
    file_printf(f, " <= tb_in[tb_n[N_BI]];\n"
                   "                end\n");
}

int tb_icarus_write(lq_fileset *fs, const tb_desc *d, const lq_cmd *c)
{
    char fn[96], lastbit[80];
    lq_file *f;
    int IW = tb_in_bits(d), OW = tb_out_bits(d);
    const char *m = d->module;

    snprintf(fn, sizeof fn, "%s_tb.v", m);
    f = fileset_add(fs, fn);
    if (!f) {
        cli_error("out of memory (or too many files) writing %s", fn);
        return -1;
    }
    file_header(f, "//", c);
    file_printf(f,
        "//\n"
        "// %s_tb: the self-checking bench of %s (docs/xsim.md). It reads the files of\n"
        "// `logq vectors %s ... -o DIR` from +vectors=DIR (in.hex, gap.hex, rdy.hex,\n"
        "// out.hex, count.hex) and needs DIR's vectors.vh on the include path:\n"
        "//   iverilog -g2005 -gstrict-expr-width -Wall -I DIR -o sim -c %s.f %s_tb.v\n"
        "//   vvp -n sim +vectors=DIR [+max-errors=N] [+waves=FILE with -DWAVES]\n"
        "// sim/icarus/run.sh does both. Exit status 0 when every output matched.\n\n",
        m, m, d->block, m, m);
    file_printf(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_printf(f, "`include \"vectors.vh\"\n\n");
    file_printf(f, "module %s_tb;\n\n", m);
    file_printf(f, "    localparam IW = %d;  // one input beat: ", IW);
    concat(f, d->in, d->nin);
    file_printf(f, "\n    localparam OW = %d;  // one output item: ", OW);
    concat(f, d->out, d->nout);
    file_printf(f, "\n    localparam NIN = `VEC_NIN;\n    localparam NOUT = `VEC_NOUT;\n"
                   "    localparam NRDY = `VEC_NRDY;\n    localparam RST_CYCLES = 4;\n"
                   "    localparam TIMEOUT = %d;  // cycles without an output while one is due\n\n",
                1000 + 100 * d->latency);
    /* ports */
    file_printf(f, "    reg clk;\n    reg rst;\n    reg %s;\n    wire %s;\n", d->in_valid, d->in_ready);
    for (int i = 0; i < d->nin; i++)
        decl(f, "reg", &d->in[i]);
    file_printf(f, "    wire %s;\n    reg %s;\n", d->out_valid, d->out_ready);
    if (d->out_one)
        file_printf(f, "    wire %s;  // 1 with every output item\n", d->out_one);
    for (int i = 0; i < d->nout; i++)
        decl(f, "wire", &d->out[i]);
    if (d->nsides > 0) {
        file_printf(f, "    reg [%d:0] %s;\n    wire [%d:0] %s;\n", d->nsides - 1, d->side_valid,
                    d->nsides - 1, d->side_ready);
        for (int i = 0; i < d->nside; i++)
            file_printf(f, "    reg [%d:0] %s;\n", d->nsides * (d->side[i].width + d->side[i].pad) - 1,
                        d->side[i].name);
    }
    file_printf(f, "\n    %s dut (\n        .clk(clk),\n        .%s(%srst),\n", m,
                d->reset ? d->reset : "rst", d->reset_low ? "~" : "");
    file_printf(f, "        .%s(%s),\n        .%s(%s),\n", d->in_valid, d->in_valid, d->in_ready,
                d->in_ready);
    for (int i = 0; i < d->nin; i++)
        file_printf(f, "        .%s(%s),\n", d->in[i].name, d->in[i].name);
    if (d->nsides > 0) {
        file_printf(f, "        .%s(%s),\n        .%s(%s),\n", d->side_valid, d->side_valid,
                    d->side_ready, d->side_ready);
        for (int i = 0; i < d->nside; i++)
            file_printf(f, "        .%s(%s),\n", d->side[i].name, d->side[i].name);
    }
    file_printf(f, "        .%s(%s),\n        .%s(%s),\n", d->out_valid, d->out_valid,
                d->out_ready, d->out_ready);
    if (d->out_one)
        file_printf(f, "        .%s(%s),\n", d->out_one, d->out_one);
    for (int i = 0; i < d->nout; i++)
        file_printf(f, "        .%s(%s)%s\n", d->out[i].name, d->out[i].name,
                    i + 1 < d->nout ? "," : "");
    file_printf(f, "    );\n\n");
    file_printf(f, "    wire [OW-1:0] tb_out = ");
    concat(f, d->out, d->nout);
    file_printf(f, ";\n\n");
    /* vector memories */
    file_printf(f,
        "    reg [IW-1:0] tb_in [0:NIN-1];\n"
        "    reg [7:0] tb_gap [0:NIN-1];\n"
        "    reg [0:0] tb_rdy [0:NRDY-1];\n"
        "    reg [OW-1:0] tb_exp [0:NOUT-1];\n"
        "    reg [31:0] tb_count [0:1];\n"
        "    integer tb_vend [0:NOUT-1];  // index of the last beat of each vector\n"
        "    reg [8*1024-1:0] tb_dir;\n"
        "    reg [8*1024-1:0] tb_rtl;\n"
        "    reg [8*1024-1:0] tb_fn;\n"
        "    integer tb_err, tb_max_err, tb_idle;\n"
        "    // the state read in every cycle, as words of two memories: Icarus reads a memory\n"
        "    // word at a constant index for a quarter of the cost of a variable (docs/bench.md)\n"
        "    integer tb_n [0:4];\n"
        "    localparam N_CYC = 0;   // cycles since the start\n"
        "    localparam N_BI = 1;    // the next beat to send\n"
        "    localparam N_OI = 2;    // the next output to check\n"
        "    localparam N_NV = 3;    // vectors sent whole\n"
        "    localparam N_GAPN = 4;  // idle cycles still due before the next beat\n"
        "    reg tb_f [0:2];\n"
        "    localparam F_DRIVE = 0;   // after the reset, not done, no reset in progress: the bench drives\n"
        "    localparam F_HIN = 1;     // +holdin: valid held low\n"
        "    localparam F_FAULTS = 2;  // +hold, +holdin or +midreset\n"
        "    integer tb_fd;\n    reg [63:0] tb_first_ps;  // time of the first error\n    reg tb_failed;\n"
        "    reg tb_done;\n");
    if (d->nsides > 0)
        file_printf(f,
            "    localparam NS = %d;  // lanes of the side streams\n"
            "    localparam TW = %d;  // one side beat: ", d->nsides, tb_side_bits(d));
    if (d->nsides > 0) {
        concat(f, d->side, d->nside);
        file_printf(f,
            " (lane k's slices)\n"
            "    localparam NT = `VEC_NT;\n"
            "    reg [TW-1:0] tb_t [0:NT-1];\n"
            "    reg [7:0] tb_tg [0:NT-1];\n"
            "    reg [31:0] tb_toff [0:NS];  // lane k: lines tb_toff[k] .. tb_toff[k+1]-1\n"
            "    reg [31:0] tb_ti [0:NS-1];  // beats of lane k accepted\n"
            "    reg [31:0] tb_tgn [0:NS-1]; // idle cycles still due before lane k's next beat\n"
            "    integer tb_k;\n");
    }
    faults_decl(f, d);
    file_printf(f,
        "`ifdef VERILATOR\n"
        "    wire [8*4-1:0] tb_pfx = \"TOP.\";  // the root scope of a Verilator dump\n"
        "`else\n"
        "    wire [8*4-1:0] tb_pfx = 32'd0;\n"
        "`endif\n\n");
    /* file loading */
    file_printf(f,
        "    initial begin\n"
        "        clk = 1'b0;\n"
        "        rst = 1'b1;\n"
        "        %s = 1'b0;\n"
        "        %s = 1'b0;\n", d->in_valid, d->out_ready);
    for (int i = 0; i < d->nin; i++)
        file_printf(f, "        %s = %d'd0;\n", d->in[i].name, d->in[i].width + d->in[i].pad);
    if (d->nsides > 0) {
        file_printf(f, "        %s = %d'd0;\n", d->side_valid, d->nsides);
        for (int i = 0; i < d->nside; i++)
            file_printf(f, "        %s = %d'd0;\n", d->side[i].name,
                        d->nsides * (d->side[i].width + d->side[i].pad));
    }
    file_printf(f,
        "        tb_n[N_CYC] = 0;\n        tb_n[N_BI] = 0;\n        tb_n[N_OI] = 0;\n        tb_n[N_NV] = 0;\n"
        "        tb_err = 0;\n        tb_idle = 0;\n        tb_first_ps = 64'd0;\n        tb_failed = 1'b0;\n"
        "        tb_done = 1'b0;\n        tb_f[F_DRIVE] = 1'b0;\n"
        "        if (!$value$plusargs(\"vectors=%%s\", tb_dir))\n"
        "            tb_dir = \".\";\n"
        "        if (!$value$plusargs(\"rtl=%%s\", tb_rtl))\n"
        "            tb_rtl = \"RTL_DIR\";\n"
        "        if (!$value$plusargs(\"max-errors=%%d\", tb_max_err))\n"
        "            tb_max_err = 10;\n"
        "        if (`VEC_IN_BITS != IW || `VEC_OUT_BITS != OW) begin\n"
        "            $display(\"FAILED: vectors.vh is for another configuration (%%0d/%%0d bits, bench %%0d/%%0d)\",\n"
        "                     `VEC_IN_BITS, `VEC_OUT_BITS, IW, OW);\n"
        "            tb_exit(1);\n"
        "        end\n"
        "        if (NRDY < 1 || (NRDY & (NRDY - 1)) != 0) begin  // read by a mask, not %%\n"
        "            $display(\"FAILED: vectors.vh: VEC_NRDY %%0d is not a power of two\", NRDY);\n"
        "            tb_exit(1);\n"
        "        end\n"
        "        $sformat(tb_fn, \"%%0s/in.hex\", tb_dir);\n"
        "        $readmemh(tb_fn, tb_in);\n"
        "        $sformat(tb_fn, \"%%0s/gap.hex\", tb_dir);\n"
        "        $readmemh(tb_fn, tb_gap);\n"
        "        $sformat(tb_fn, \"%%0s/rdy.hex\", tb_dir);\n"
        "        $readmemh(tb_fn, tb_rdy);\n"
        "        $sformat(tb_fn, \"%%0s/out.hex\", tb_dir);\n"
        "        $readmemh(tb_fn, tb_exp);\n"
        "        $sformat(tb_fn, \"%%0s/count.hex\", tb_dir);\n"
        "        $readmemh(tb_fn, tb_count);\n"
        "        if (tb_count[0] !== NIN || tb_count[1] !== NOUT) begin\n"
        "            $display(\"FAILED: count.hex (%%0d beats, %%0d outputs) disagrees with vectors.vh (%%0d, %%0d)\",\n"
        "                     tb_count[0], tb_count[1], NIN, NOUT);\n"
        "            tb_exit(1);\n"
        "        end\n"
        "        if (^tb_in[NIN-1] === 1'bx || ^tb_gap[NIN-1] === 1'bx || ^tb_exp[NOUT-1] === 1'bx ||\n"
        "            ^tb_rdy[NRDY-1] === 1'bx) begin\n"
        "            $display(\"FAILED: a vector file in %%0s is short (fewer lines than vectors.vh says)\", tb_dir);\n"
        "            tb_exit(1);\n"
        "        end\n"
        "        tb_n[N_GAPN] = {24'd0, tb_gap[0]};\n");
    faults_init(f, d);
    if (d->nsides > 0)
        file_printf(f,
            "        if (`VEC_SIDE_BITS != TW) begin\n"
            "            $display(\"FAILED: vectors.vh is for another configuration (side beats of %%0d bits, bench %%0d)\",\n"
            "                     `VEC_SIDE_BITS, TW);\n"
            "            tb_exit(1);\n"
            "        end\n"
            "        $sformat(tb_fn, \"%%0s/t.hex\", tb_dir);\n"
            "        $readmemh(tb_fn, tb_t);\n"
            "        $sformat(tb_fn, \"%%0s/tgap.hex\", tb_dir);\n"
            "        $readmemh(tb_fn, tb_tg);\n"
            "        $sformat(tb_fn, \"%%0s/toff.hex\", tb_dir);\n"
            "        $readmemh(tb_fn, tb_toff);\n"
            "        if (^tb_t[NT-1] === 1'bx || ^tb_tg[NT-1] === 1'bx || ^tb_toff[NS] === 1'bx ||\n"
            "            tb_toff[NS] != NT) begin\n"
            "            $display(\"FAILED: t.hex, tgap.hex or toff.hex in %%0s is short or disagrees with vectors.vh\", tb_dir);\n"
            "            tb_exit(1);\n"
            "        end\n"
            "        for (tb_k = 0; tb_k < NS; tb_k = tb_k + 1) begin\n"
            "            tb_ti[tb_k] = 32'd0;\n"
            "            tb_tgn[tb_k] = tb_toff[tb_k] < tb_toff[tb_k + 1] ? {24'd0, tb_tg[tb_toff[tb_k]]} : 32'd0;\n"
            "        end\n");
    file_printf(f,
        "        $display(\"%s_tb: %%0d beats, %%0d outputs from %%0s; seed %%0d\", NIN, NOUT, tb_dir, `VEC_SEED);\n"
        "        $display(\"%s_tb: rerun: %%0s && sim/icarus/run.sh %%0s %%0s\", `VEC_CMD, tb_rtl, tb_dir);\n"
        "    end\n\n", m, m);
    file_printf(f,
        "`ifdef WAVES\n"
        "    reg [8*1024-1:0] tb_wave;\n"
        "    initial begin\n"
        "        if (!$value$plusargs(\"waves=%%s\", tb_wave))\n"
        "            tb_wave = \"%s_tb.vcd\";\n"
        "        $dumpfile(tb_wave);\n"
        "        $dumpvars(0, %s_tb);\n"
        "    end\n"
        "`endif\n\n", m, m);
    /* exit: flush the dump, write the view of the first mismatch */
    file_printf(f,
        "    // Ends the run: 0 passed, else failed. Flushes the dump first.\n"
        "    task tb_exit;\n"
        "        input integer code;\n"
        "        begin\n"
        "`ifdef WAVES\n"
        "            $dumpflush;\n"
        "`endif\n"
        "            if (code != 0 && tb_failed) begin\n"
        "                $sformat(tb_fn, \"%%0s/%s_fail.gtkw\", tb_dir);\n"
        "                tb_fd = $fopen(tb_fn, \"w\");\n"
        "                if (tb_fd != 0) begin\n"
        "                    $fwrite(tb_fd, \"[*] %s_tb: the first mismatch, at %%0d ps\\n\", tb_first_ps);\n"
        "`ifdef WAVES\n"
        "                    $fwrite(tb_fd, \"[dumpfile] \\\"%%0s\\\"\\n\", tb_wave);\n"
        "`endif\n"
        "                    $fwrite(tb_fd, \"*-10.000000 %%0d -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\\n\", tb_first_ps);\n"
        "                    $fwrite(tb_fd, \"[treeopen] %%0s%s_tb.\\n[treeopen] %%0s%s_tb.dut.\\n\", tb_pfx, tb_pfx);\n"
        "                    $fwrite(tb_fd, \"@28\\n%%0s%s_tb.dut.clk\\n%%0s%s_tb.dut.%s\\n\", tb_pfx, tb_pfx);\n",
        m, m, m, m, m, m, d->reset ? d->reset : "rst");
    {
        const char *ctl[4] = {d->in_valid, d->in_ready, d->out_valid, d->out_ready};
        for (int i = 0; i < 4; i++)
            file_printf(f, "                    $fwrite(tb_fd, \"%%0s%s_tb.dut.%s\\n\", tb_pfx);\n", m, ctl[i]);
        file_printf(f, "                    $fwrite(tb_fd, \"@22\\n\");\n");
        if (d->nsides > 0) {
            file_printf(f, "                    $fwrite(tb_fd, \"@28\\n%%0s%s_tb.dut.%s[%d:0]\\n\", tb_pfx);\n",
                        m, d->side_valid, d->nsides - 1);
            file_printf(f, "                    $fwrite(tb_fd, \"%%0s%s_tb.dut.%s[%d:0]\\n@22\\n\", tb_pfx);\n",
                        m, d->side_ready, d->nsides - 1);
        }
        for (int i = 0; i < d->nin + d->nout + d->nside; i++) {
            const tb_port *p = i < d->nin ? &d->in[i] : i < d->nin + d->nout ? &d->out[i - d->nin]
                                                                          : &d->side[i - d->nin - d->nout];
            int pw = i < d->nin + d->nout ? p->width + p->pad : (p->width + p->pad) * d->nsides;
            char w[32] = "";
            if (pw > 1)
                snprintf(w, sizeof w, "[%d:0]", pw - 1);
            file_printf(f, "                    $fwrite(tb_fd, \"%%0s%s_tb.dut.%s%s\\n\", tb_pfx);\n",
                        m, p->name, w);
        }
    }
    file_printf(f,
        "                    $fclose(tb_fd);\n"
        "                    $display(\"%s_tb: view of the first mismatch: gtkwave %%0s\", tb_fn);\n"
        "                end\n"
        "            end\n"
        "`ifdef VERILATOR\n"
        "            if (code != 0)\n"
        "                $stop;\n"
        "            $finish;\n"
        "`else\n"
        "            $finish_and_return(code);\n"
        "`endif\n"
        "        end\n"
        "    endtask\n\n", m);
    file_printf(f,
        "    task tb_error;\n"
        "        begin\n"
        "            tb_err = tb_err + 1;\n"
        "            if (!tb_failed)\n"
        "                tb_first_ps = $time * 64'd1000;\n"
        "            tb_failed = 1'b1;\n"
        "            $display(\"  seed %%0d; rerun: %%0s && sim/icarus/run.sh %%0s %%0s\", `VEC_SEED, `VEC_CMD,\n"
        "                     tb_rtl, tb_dir);\n"
        "            if (tb_err >= tb_max_err) begin\n"
        "                $display(\"FAILED: %%0d error(s), stopped at +max-errors=%%0d; seed %%0d\", tb_err,\n"
        "                         tb_max_err, `VEC_SEED);\n"
        "                tb_exit(1);\n"
        "            end\n"
        "        end\n"
        "    endtask\n\n");
    /* Icarus pays for every variable read, process and condition (docs/bench.md,
     * "Icarus"): the clock stores constants; the deadlock watchdog is a process of
     * its own every 64 cycles, not a count in every cycle; a cycle tests tb_f[F_DRIVE]
     * twice (the checks, then the drive part) and reads each handshake signal once. */
    file_printf(f,
        "    always begin  // the clock (stores, no read of clk)\n"
        "        #5 clk = 1'b1;\n"
        "        #5 clk = 1'b0;\n"
        "    end\n\n");
    file_printf(f,
        "    // The deadlock watchdog, every 64 cycles (a process of its own, at a falling edge):\n"
        "    // fails after more than TIMEOUT cycles without an accepted beat or output item\n"
        "    // while an output is due and the bench drives.\n"
        "    integer tb_wbi, tb_woi;  // tb_n[N_BI] and tb_n[N_OI] at the last look\n"
        "    initial begin\n"
        "        tb_wbi = -1;\n"
        "        tb_woi = -1;\n"
        "    end\n"
        "    always begin\n"
        "        #640;\n"
        "        if (!tb_f[F_DRIVE] || tb_n[N_OI] >= NOUT) begin\n"
        "            // not driving, or every output is out\n"
        "        end else if (tb_n[N_BI] != tb_wbi || tb_n[N_OI] != tb_woi) begin\n"
        "            tb_wbi = tb_n[N_BI];\n"
        "            tb_woi = tb_n[N_OI];\n"
        "            tb_idle = 0;\n"
        "        end else begin\n"
        "            tb_idle = tb_idle + 64;\n"
        "            if (tb_idle > TIMEOUT) begin\n"
        "                $display(\"FAILED: no output for %%0d cycles at cycle %%0d with %%0d due (deadlock?); seed %%0d\",\n"
        "                         tb_idle, tb_n[N_CYC], tb_n[N_NV] - tb_n[N_OI], `VEC_SEED);\n"
        "                if (!tb_failed)\n"
        "                    tb_first_ps = $time * 64'd1000;\n"
        "                tb_failed = 1'b1;\n"
        "                tb_exit(1);\n"
        "            end\n"
        "        end\n"
        "    end\n\n");
    /* the cycle */
    file_printf(f,
        "    always @(posedge clk) begin\n"
        "        tb_n[N_CYC] = tb_n[N_CYC] + 1;\n"
        "        // checks: while the bench drives (tb_f[F_DRIVE] is still 0 in the cycle the reset\n"
        "        // ends, RST_CYCLES or the last of a +midreset reset: rst is still high)\n"
        "        if (tb_f[F_DRIVE]) begin\n"
        "            // every output is known after the reset\n"
        "            if (^{%s, %s%s%s%s} === 1'bx) begin\n"
        "                $display(\"X/Z at cycle %%0d: %s=%%b %s=%%b %s=%%h\", tb_n[N_CYC], %s, %s, tb_out);\n"
        "                tb_error;\n"
        "            end\n",
        d->in_ready, d->out_valid, d->nsides > 0 ? ", " : "", d->nsides > 0 ? d->side_ready : "",
        d->out_data_reset ? ", tb_out" : "",
        d->in_ready, d->out_valid, "out", d->in_ready, d->out_valid);
    if (!d->out_data_reset)
        file_printf(f,
            "            if (%s === 1'b1 && ^tb_out === 1'bx) begin\n"
            "                $display(\"X/Z at cycle %%0d: output data %%h while %s\", tb_n[N_CYC], tb_out);\n"
            "                tb_error;\n"
            "            end\n", d->out_valid, d->out_valid);
    if (d->nsides > 0)
        file_printf(f,
            "            for (tb_k = 0; tb_k < NS; tb_k = tb_k + 1) begin\n"
            "                if (%s[tb_k] && %s[tb_k] === 1'b1) begin\n"
            "                    tb_ti[tb_k] = tb_ti[tb_k] + 32'd1;\n"
            "                    if (tb_toff[tb_k] + tb_ti[tb_k] < tb_toff[tb_k + 1])\n"
            "                        tb_tgn[tb_k] = {24'd0, tb_tg[tb_toff[tb_k] + tb_ti[tb_k]]};\n"
            "                end\n"
            "            end\n", d->side_valid, d->side_ready);
    {
        /* the beat's MSB (its last flag) from the port that holds it: the port carries
         * tb_in[tb_n[N_BI]] while valid is high (one bit read, not the whole beat) */
        const tb_port *lp = &d->in[d->nin - 1];
        if (lp->width == 1 && lp->pad == 0)
            snprintf(lastbit, sizeof lastbit, "%s", lp->name);
        else
            snprintf(lastbit, sizeof lastbit, "%s[%d]", lp->name, lp->width - 1);
    }
    file_printf(f,
        "            if (%s === 1'b1 && %s) begin\n",
        d->out_valid, d->out_ready);
    if (d->out_one)
        file_printf(f,
            "                if (%s !== 1'b1) begin\n"
            "                    $display(\"MISMATCH at cycle %%0d: output %%0d has %s = %%b, not 1\", tb_n[N_CYC], tb_n[N_OI], %s);\n"
            "                    tb_error;\n"
            "                end\n", d->out_one, d->out_one, d->out_one);
    file_printf(f,
        "                if (tb_n[N_OI] >= NOUT) begin\n"
        "                    $display(\"MISMATCH at cycle %%0d: output %%0d, but the vectors have only %%0d\", tb_n[N_CYC],\n"
        "                             tb_n[N_OI], NOUT);\n");
    show_fields(f, "                    ", "actual  ", d->out, d->nout, "tb_out");
    file_printf(f,
        "                    tb_error;\n"
        "                end else if (tb_out !== tb_exp[tb_n[N_OI]]) begin\n"
        "                    $display(\"MISMATCH at cycle %%0d (%%0d ps): output %%0d\", tb_n[N_CYC], $time * 1000, tb_n[N_OI]);\n"
        "                    if (tb_n[N_OI] < tb_n[N_NV] && tb_n[N_OI] < NOUT && %d) begin\n"
        "                        $display(\"  inputs: beat %%0d, the last of vector %%0d:\", tb_vend[tb_n[N_OI]], tb_n[N_OI]);\n",
        d->out_per_vector);
    show_fields(f, "                        ", "  beat", d->in, d->nin, "tb_in[tb_vend[tb_n[N_OI]]]");
    file_printf(f,
        "                    end else if (tb_n[N_BI] > 0) begin\n"
        "                        $display(\"  inputs: beat %%0d, the one before the next to send:\", tb_n[N_BI] - 1);\n");
    show_fields(f, "                        ", "  beat", d->in, d->nin, "tb_in[tb_n[N_BI] - 1]");
    file_printf(f, "                    end\n");
    show_fields(f, "                    ", "expected", d->out, d->nout, "tb_exp[tb_n[N_OI]]");
    show_fields(f, "                    ", "actual  ", d->out, d->nout, "tb_out");
    file_printf(f,
        "                    tb_error;\n"
        "                end\n");
    faults_out(f, d);
    file_printf(f,
        "                tb_n[N_OI] = tb_n[N_OI] + 1;\n"
        "            end\n"
        "            if (tb_n[N_OI] < NOUT) begin\n"
        "                // not done (one read: Icarus evaluates every operand of &&)\n"
        "            end else if (tb_n[N_BI] >= NIN) begin\n"
        "                tb_done = 1'b1;\n"
        "                tb_f[F_DRIVE] = 1'b0;\n"
        "                if (tb_n[N_OI] != tb_count[1] || (%d && tb_n[N_NV] != tb_count[1])) begin\n"
        "                    $display(\"FAILED: checked %%0d outputs of %%0d vectors, count.hex says %%0d\", tb_n[N_OI],\n"
        "                             tb_n[N_NV], tb_count[1]);\n"
        "                    tb_exit(1);\n"
        "                end\n"
        "                $display(\"%s_tb: %%0d beats, %%0d outputs checked, %%0d cycles\", tb_n[N_BI], tb_n[N_OI], tb_n[N_CYC]);\n",
        d->out_per_vector, m);
    faults_report(f, m);
    file_printf(f,
        "                if (tb_err != 0) begin\n"
        "                    $display(\"FAILED: %%0d error(s); seed %%0d\", tb_err, `VEC_SEED);\n"
        "                    tb_exit(1);\n"
        "                end\n"
        "                $display(\"PASSED: every output matches the model\");\n"
        "                tb_exit(0);\n"
        "            end\n"
        "        end else if (tb_n[N_CYC] == RST_CYCLES) begin\n"
        "            rst <= 1'b0;\n"
        "            tb_f[F_DRIVE] = 1'b1;\n");
    faults_release(f, d);
    file_printf(f, "        end\n");
    /* drive the next cycle's inputs */
    file_printf(f,
        "        if (tb_f[F_DRIVE]) begin\n"
        "            %s <= tb_rdy[tb_n[N_CYC] & (NRDY - 1)];  // c mod NRDY\n", d->out_ready);
    /* the input stream: an accepted beat is counted here (the drive part runs in the
     * cycle a reset ends too, with valid low) */
    file_printf(f, "            if (!%s) begin\n", d->in_valid);
    next_beat(f, d, 1);
    file_printf(f,
        "            end else if (%s === 1'b1) begin  // accepted\n"
        "                if (%s === 1'b1) begin  // last (tb_in[tb_n[N_BI]][IW-1]): a vector is complete\n"
        "                    if (tb_n[N_NV] < NOUT)\n"
        "                        tb_vend[tb_n[N_NV]] = tb_n[N_BI];\n"
        "                    tb_n[N_NV] = tb_n[N_NV] + 1;\n"
        "                end\n"
        "                tb_n[N_BI] = tb_n[N_BI] + 1;\n"
        "                tb_n[N_GAPN] = {24'd0, tb_gap[tb_n[N_BI]]};  // X after the last beat: not read then\n",
        d->in_ready, lastbit);
    next_beat(f, d, 0);
    file_printf(f,
        "            end\n"
        "            // else valid is held until accepted (it is low at and after a reset)\n");
    if (d->nsides > 0) {
        file_printf(f,
            "            for (tb_k = 0; tb_k < NS; tb_k = tb_k + 1) begin\n"
            "                if (tb_toff[tb_k] + tb_ti[tb_k] >= tb_toff[tb_k + 1]) begin\n"
            "                    %s[tb_k] <= 1'b0;\n"
            "                end else if (%s[tb_k] && !(%s[tb_k] === 1'b1) && tb_n[N_CYC] > RST_CYCLES) begin\n"
            "                    %s[tb_k] <= 1'b1;  // held until accepted\n"
            "                end else if (tb_tgn[tb_k] > 0) begin\n"
            "                    tb_tgn[tb_k] = tb_tgn[tb_k] - 32'd1;\n"
            "                    %s[tb_k] <= 1'b0;\n"
            "                end else begin\n"
            "                    %s[tb_k] <= 1'b1;\n"
            "                    {",
            d->side_valid, d->side_valid, d->side_ready, d->side_valid, d->side_valid,
            d->side_valid);
        for (int i = d->nside - 1; i >= 0; i--) {
            if (d->side[i].width + d->side[i].pad == 1)
                file_printf(f, "%s[tb_k]", d->side[i].name);
            else
                file_printf(f, "%s[tb_k*%d +: %d]", d->side[i].name,
                            d->side[i].width + d->side[i].pad, d->side[i].width);
            file_printf(f, "%s", i ? ", " : "");
        }
        file_printf(f, "} <= tb_t[tb_toff[tb_k] + tb_ti[tb_k]];\n"
                       "                end\n"
                       "            end\n");
    }
    faults_cycle(f, d);
    file_printf(f, "        end\n"
                   "    end\n\n");
    file_printf(f, "endmodule\n\n`default_nettype wire\n`resetall\n");
    return 0;
}
