/* `logq gen slqdot`: SLQ weights end to end (docs/slqdot.md). N lanes, each with its
 * own SLQ word stream and decoder (`logq gen slqdec`, written as NAME_dec.v), share one
 * broadcast activation stream; lane j applies the terms of its weights to the
 * activations, one term per clock: acc_j += (neg ? -1 : 1) * ((x << F) >>> shift).
 *
 * Queued scheduling: every lane has a queue of Q activations; an activation enters all
 * queues at once (s_act_ready: no queue is full), and each lane takes its next
 * activation as soon as it has finished the weight slot of the current one (the term
 * with m_wlast, or one error beat). Lanes run up to Q activations apart, so a step no
 * longer costs the slowest lane's words: over many weights each lane's cycles approach
 * its mean words per weight. At the vector's last activation a lane moves its
 * accumulator to a result register; the output beat (all N results) goes out when every
 * lane has one, and a lane that finishes its next vector before that waits.
 *
 * The arithmetic and the handling of malformed streams are those of `logq gen slqmac`
 * (docs/slq.md, lq_slqmac in cmodel/slqhw.c), lane by lane: an error beat adds
 * nothing and sets the lane's m_err; a frame that ends (m_vlast) before the vector's
 * last activation leaves the lane idle (it takes the remaining activations without
 * terms); a frame that goes on after it is discarded up to its m_vlast. The order of
 * each lane's operations is the same as in lockstep, so every output beat equals the
 * lockstep model's: lq_slqmac_step is the model of the results, only the cycles differ. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blocks/block.h"
#include "blocks/blocks.h"
#include "cmodel/slqhw.h"

typedef struct {
    int lanes, bits, max_words, framing, fsr, act_bits, frac, acc_bits, queue;
    const char *name;
    /* derived */
    int N, W, L, SW, A, F, ACC, Q, QP;
    lq_framing fr;
    char dec[80];
} slqdot_gen;

static int clog2i(int v)
{
    int b = 0;
    while ((1 << b) < v)
        b++;
    return b;
}

/* ---- the Verilog ---- */

static void emit_top(lq_file *v, const slqdot_gen *g, const lq_cmd *c)
{
    int N = g->N, A = g->A, SH = g->W - 1, XW = g->A + g->F, ACC = g->ACC, SW = g->SW;
    int Q = g->Q, QP = g->QP, QC = clog2i(Q + 1);
    file_header(v, "//", c);
    file_puts(v, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_printf(v,
        "// %s: SLQ dot product, %d lane(s), W = %d, L = %d, %s framing, activation %d bits,\n"
        "// F = %d, accumulator %d bits, queued scheduling with %d activation(s) per lane\n"
        "// (docs/slqdot.md). Lane j: word stream s_w_*[j] -> decoder %s -> one term per\n"
        "// clock on the head of its activation queue; acc += (neg ? -1 : 1) * ((x << F) >>> shift).\n",
        g->name, N, g->W, g->L, lq_framing_name(g->fr), A, g->F, ACC, Q, g->dec);
    file_printf(v, "module %s (\n", g->name);
    file_printf(v, "    input  wire clk,\n    input  wire rst,\n"
                   "    input  wire s_act_valid,\n    output wire s_act_ready,\n"
                   "    input  wire [%d:0] s_act_data,\n    input  wire s_act_last,\n"
                   "    input  wire [%d:0] s_w_valid,\n    output wire [%d:0] s_w_ready,\n"
                   "    input  wire [%d:0] s_w_data,\n    input  wire [%d:0] s_w_last,\n"
                   "    output wire m_valid,\n    input  wire m_ready,\n"
                   "    output wire [%d:0] m_data,\n    output wire [%d:0] m_err\n);\n",
                A - 1, N - 1, N - 1, N * SW - 1, N - 1, N * ACC - 1, N - 1);
    file_printf(v, "    localparam integer N = %d;    // lanes\n"
                   "    localparam integer A = %d;    // activation bits\n"
                   "    localparam integer SW = %d;   // stream word bits\n"
                   "    localparam integer SH = %d;   // shift amount bits (W - 1)\n"
                   "    localparam integer XW = %d;   // A + F\n"
                   "    localparam integer ACC = %d;  // accumulator bits\n",
                N, A, SW, SH, XW, ACC);
    file_printf(v, "    // %d activation(s) queued per lane\n\n", Q);
    file_puts(v, "    wire [N-1:0] full_w;\n    wire [N-1:0] done_w;\n");
    file_puts(v, "    assign s_act_ready = ~|full_w;  // the queues' fill only, never data\n"
                 "    wire act_fire = s_act_valid & s_act_ready;\n"
                 "    assign m_valid = &done_w;\n"
                 "    wire out_fire = m_valid & m_ready;\n\n");
    file_puts(v, "    genvar j;\n    generate\n        for (j = 0; j < N; j = j + 1) begin : lane\n");
    /* decoder */
    file_printf(v, "            wire t_valid, t_ready, t_neg, t_zero, t_first, t_wlast, t_vlast;\n"
                   "            wire [2:0] t_err;\n            wire [SH-1:0] t_shift;\n"
                   "            %s u_dec (.clk(clk), .rst(rst), .s_valid(s_w_valid[j]),\n"
                   "                .s_ready(s_w_ready[j]), .s_data(s_w_data[j*SW +: SW]),\n"
                   "                .s_last(s_w_last[j]), .m_valid(t_valid), .m_ready(t_ready),\n"
                   "                .m_err(t_err), .m_neg(t_neg), .m_zero(t_zero), .m_shift(t_shift),\n"
                   "                .m_first(t_first), .m_wlast(t_wlast), .m_vlast(t_vlast));\n"
                   "            wire unused_first = t_first;\n",
                g->dec);
    /* queue */
    file_puts(v, "            // the activation queue: Q entries {last, x} in registers\n");
    for (int e = 0; e < Q; e++)
        file_printf(v, "            reg [A:0] qm%d;\n", e);
    if (QP > 0)
        file_printf(v, "            reg [%d:0] rd_q, wr_q;\n", QP - 1);
    file_printf(v, "            reg [%d:0] cnt_q;\n", QC - 1);
    file_printf(v, "            assign full_w[j] = cnt_q == %d'd%d;  // Q entries\n", QC, Q);
    file_printf(v, "            wire hv = cnt_q != %d'd0;\n", QC);
    if (QP > 0) {
        file_puts(v, "            reg [A:0] head;\n            always @(*) begin\n"
                     "                head = qm0;\n");
        for (int e = 1; e < Q; e++)
            file_printf(v, "                if (rd_q == %d'd%d)\n                    head = qm%d;\n",
                        QP, e, e);
        file_puts(v, "            end\n");
    } else {
        file_puts(v, "            wire [A:0] head = qm0;\n");
    }
    file_puts(v, "            wire hl = head[A];\n"
                 "            wire [A-1:0] x = head[A-1:0];\n");
    /* lane state */
    file_puts(v, "            reg done_q, idle_q, skip_q, err_q, rerr_q;\n"
                 "            reg [ACC-1:0] acc_q, res_q;\n");
    file_puts(v, "            wire can_end = ~done_q | out_fire;  // a result register to finish into\n"
                 "            assign t_ready = skip_q | (hv & ~idle_q & (~hl | can_end));\n"
                 "            wire tf = t_valid & t_ready;\n"
                 "            wire use_t = tf & ~skip_q;         // a term of the current slot\n");
    if (g->F > 0)
        file_printf(v, "            wire signed [XW-1:0] xs = $signed({x, %d'd0});\n", g->F);
    else
        file_puts(v, "            wire signed [XW-1:0] xs = $signed(x);\n");
    file_puts(v, "            wire signed [XW-1:0] t = xs >>> t_shift;\n");
    if (ACC > XW)
        file_printf(v, "            wire [ACC-1:0] te = {{%d{t[XW-1]}}, t};\n", ACC - XW);
    else
        file_puts(v, "            wire [ACC-1:0] te = t;\n");
    file_printf(v, "            wire bad = t_err != 3'd0;\n"
                   "            wire add = use_t & ~t_zero & ~bad;\n"
                   "            wire [ACC-1:0] acc_n = acc_q + (!add ? %d'd0 : t_neg ? -te : te);\n",
                ACC);
    file_puts(v, "            wire endw = use_t & t_wlast;                 // the slot is finished\n"
                 "            wire idle_pop = idle_q & hv & (~hl | can_end);  // idle: no terms\n"
                 "            wire pop = endw | idle_pop;\n"
                 "            wire early = endw & t_vlast & ~hl;           // frame ended before the vector\n"
                 "            wire miss = endw & hl & ~t_vlast;            // frame goes on after it\n"
                 "            wire fin = pop & hl;                         // the vector is finished\n"
                 "            wire err_n = err_q | (use_t & bad) | early | miss;\n"
                 "            assign done_w[j] = done_q;\n"
                 "            assign m_data[j*ACC +: ACC] = res_q;\n"
                 "            assign m_err[j] = rerr_q;\n");
    file_puts(v, "            always @(posedge clk) begin\n");
    for (int e = 0; e < Q; e++) {
        if (QP > 0)
            file_printf(v, "                if (act_fire && wr_q == %d'd%d)\n", QP, e);
        else
            file_puts(v, "                if (act_fire)\n");
        file_printf(v, "                    qm%d <= {s_act_last, s_act_data};\n", e);
    }
    file_puts(v, "                if (fin) begin\n"
                 "                    res_q <= acc_n;\n                    rerr_q <= err_n;\n"
                 "                end\n            end\n");
    file_puts(v, "            always @(posedge clk) begin\n                if (rst) begin\n");
    if (QP > 0)
        file_printf(v, "                    rd_q <= %d'd0;\n                    wr_q <= %d'd0;\n", QP, QP);
    file_printf(v, "                    cnt_q <= %d'd0;\n"
                   "                    done_q <= 1'b0;\n                    idle_q <= 1'b0;\n"
                   "                    skip_q <= 1'b0;\n                    err_q <= 1'b0;\n"
                   "                    acc_q <= %d'd0;\n"
                   "                end else begin\n",
                QC, ACC);
    if (QP > 0) {
        file_printf(v, "                    if (act_fire)\n                        wr_q <= wr_q + %d'd1;\n"
                       "                    if (pop)\n                        rd_q <= rd_q + %d'd1;\n",
                    QP, QP);
    }
    if (QC > 1)
        file_printf(v, "                    cnt_q <= cnt_q + {%d'd0, act_fire} - {%d'd0, pop};\n",
                    QC - 1, QC - 1);
    else
        file_puts(v, "                    cnt_q <= cnt_q + act_fire - pop;\n");
    file_printf(v, "                    done_q <= fin | (done_q & ~out_fire);\n"
                   "                    idle_q <= fin ? 1'b0 : idle_q | early;\n"
                   "                    skip_q <= skip_q ? ~(tf & t_vlast) : miss;\n"
                   "                    err_q <= fin ? 1'b0 : err_n;\n"
                   "                    acc_q <= fin ? %d'd0 : acc_n;\n"
                   "                end\n            end\n",
                ACC);
    file_puts(v, "        end\n    endgenerate\nendmodule\n\n`default_nettype wire\n`resetall\n");
}

static int write_v(lq_file *f, const void *state, const lq_cmd *c)
{
    emit_top(f, state, c);
    return 0;
}

static int write_dec(lq_file *f, const void *state, const lq_cmd *c)
{
    const slqdot_gen *g = state;
    slqdec_write(f, g->W, g->L, g->fr, g->dec, c);
    return 0;
}

static int slqdot_ports(const void *state, lq_port *p, int max);

static int write_h(lq_file *h, const void *state, const lq_cmd *cmd)
{
    const slqdot_gen *g = state;
    lq_port ports[BLK_PORTS_MAX];
    int np;
    file_header(h, "//", cmd);
    file_printf(h, "//\n// Parameters of %s (docs/slqdot.md).\n", g->name);
    file_printf(h, "#ifndef SLQDOT_H\n#define SLQDOT_H\n\n");
    file_printf(h, "#define SLQDOT_NAME \"%s\"\n", g->name);
    file_printf(h, "#define SLQDOT_N %d      /* lanes */\n", g->N);
    file_printf(h, "#define SLQDOT_W %d      /* SLQ word width */\n", g->W);
    file_printf(h, "#define SLQDOT_L %d      /* most words of a weight */\n", g->L);
    file_printf(h, "#define SLQDOT_FRAMING %d /* lq_framing */\n", (int)g->fr);
    file_printf(h, "#define SLQDOT_SW %d     /* stream word bits */\n", g->SW);
    file_printf(h, "#define SLQDOT_FSR %d    /* dot product = acc * 2^(FSR - F) */\n", g->fsr);
    file_printf(h, "#define SLQDOT_A %d      /* activation bits */\n", g->A);
    file_printf(h, "#define SLQDOT_F %d      /* fraction bits */\n", g->F);
    file_printf(h, "#define SLQDOT_ACC %d    /* accumulator bits */\n", g->ACC);
    file_printf(h, "#define SLQDOT_Q %d      /* activation queue entries per lane */\n", g->Q);
    np = slqdot_ports(g, ports, BLK_PORTS_MAX);
    package_port_macros(h, "SLQDOT", ports, np);
    file_printf(h, "\n#endif\n");
    return 0;
}

/* ---- ports, view, report ---- */

static int slqdot_ports(const void *state, lq_port *p, int max)
{
    const slqdot_gen *g = state;
    int n = 0, N = g->N;
    if (max < 14)
        return 0;
    p[n++] = (lq_port){.name = "clk", .dir = LQ_PORT_IN, .width = 1, .desc = "clock",
                       .role = LQ_ROLE_CLOCK};
    p[n++] = (lq_port){.name = "rst", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "synchronous reset, active high", .role = LQ_ROLE_RESET};
    p[n++] = (lq_port){.name = "s_act_valid", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "activation stream valid", .role = LQ_ROLE_VALID,
                       .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "s_act_ready", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "activation stream ready (no lane's queue is full)",
                       .role = LQ_ROLE_READY, .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "s_act_data", .dir = LQ_PORT_IN, .width = g->A,
                       .desc = "the activation, broadcast to every lane", .stream = LQ_STREAM_IN,
                       .is_signed = 1};
    p[n++] = (lq_port){.name = "s_act_last", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "the vector's last activation", .role = LQ_ROLE_LAST,
                       .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "s_w_valid", .dir = LQ_PORT_IN, .width = N,
                       .desc = "per-lane SLQ word stream valid (bit j: lane j)",
                       .role = LQ_ROLE_VALID, .stream = LQ_STREAM_SIDE};
    p[n++] = (lq_port){.name = "s_w_ready", .dir = LQ_PORT_OUT, .width = N,
                       .desc = "per-lane SLQ word stream ready (bit j: lane j)",
                       .role = LQ_ROLE_READY, .stream = LQ_STREAM_SIDE};
    p[n++] = (lq_port){.name = "s_w_data", .dir = LQ_PORT_IN, .width = N * g->SW,
                       .desc = "per-lane SLQ stream words (docs/formats.md 4.3)",
                       .stream = LQ_STREAM_SIDE, .lanes = N, .lane_bits = g->SW};
    p[n++] = (lq_port){.name = "s_w_last", .dir = LQ_PORT_IN, .width = N,
                       .desc = "per-lane: the frame's (vector's) last word",
                       .stream = LQ_STREAM_SIDE, .lanes = N, .lane_bits = 1, .axis = LQ_AXIS_TLAST};
    p[n++] = (lq_port){.name = "m_valid", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "result valid (every lane has one)", .role = LQ_ROLE_VALID,
                       .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_ready", .dir = LQ_PORT_IN, .width = 1, .desc = "result ready",
                       .role = LQ_ROLE_READY, .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_data", .dir = LQ_PORT_OUT, .width = N * g->ACC,
                       .desc = "lane j's dot product * 2^(F - FSR)", .stream = LQ_STREAM_OUT,
                       .is_signed = 1, .lanes = N, .lane_bits = g->ACC, .has_lsb = 1,
                       .lsb_exp = g->fsr - g->F};
    p[n++] = (lq_port){.name = "m_err", .dir = LQ_PORT_OUT, .width = N,
                       .desc = "lane j saw a malformed group or a frame mismatch",
                       .stream = LQ_STREAM_OUT, .lanes = N, .lane_bits = 1, .axis = LQ_AXIS_TUSER};
    return n;
}

static int slqdot_view(const void *state, gtkw_signal *s, int max, char (*names)[40])
{
    const slqdot_gen *g = state;
    int n = 0;
    for (int j = 0; j < g->N && j < 4 && n + 3 <= max; j++) {
        snprintf(names[n], sizeof names[n], "lane[%d].cnt_q", j);
        s[n] = (gtkw_signal){names[n], clog2i(g->Q + 1), GTKW_DEC};
        n++;
        snprintf(names[n], sizeof names[n], "lane[%d].done_q", j);
        s[n] = (gtkw_signal){names[n], 1, GTKW_BIN};
        n++;
        snprintf(names[n], sizeof names[n], "lane[%d].acc_q", j);
        s[n] = (gtkw_signal){names[n], g->ACC, GTKW_SDEC};
        n++;
    }
    return n;
}

static void slqdot_report(const void *state, const char *dir)
{
    const slqdot_gen *g = state;
    printf("  %d lane(s), W = %d, L = %d, %s framing; activation %d bits, F = %d, accumulator "
           "%d bits\n", g->N, g->W, g->L, lq_framing_name(g->fr), g->A, g->F, g->ACC);
    printf("  queued scheduling: %d activation(s) per lane; decoder module %s (%s/%s.txt)\n",
           g->Q, g->dec, dir, g->name);
    printf("  lint: verilator --lint-only -Wall -f %s/%s.f\n", dir, g->name);
}

/* ---- options ---- */

#define T slqdot_gen
static const blk_option slqdot_options[] = {
    BLK_INT(T, "lanes", "N", lanes, 1, LQ_SLQMAC_LANES_MAX, "lanes, %r (default %d)", BO_BOTH),
    BLK_HEADING("the weights (SLQ word streams, one per lane):", BO_BOTH),
    BLK_INT(T, "bits", "W", bits, 2, LQ_LOG_BITS_MAX, "SLQ word width, %r (default %d)", BO_BOTH),
    BLK_INT(T, "max-words", "L", max_words, 1, LQ_SLQ_WORDS_MAX,
            "most words of a weight, %r (default %d)", BO_BOTH),
    BLK_CHOICE(T, "framing", "FR", framing, "tag|special", "%r (default %d)", BO_BOTH),
    BLK_INT(T, "fsr", "F", fsr, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX,
            "the weights' full-scale range: only the result's LSB depends on\n"
            "it (default %d)", BO_BOTH),
    BLK_HEADING("arithmetic:", BO_BOTH),
    BLK_INT(T, "act-bits", "A", act_bits, 2, 32, "signed activation width, %r (default %d)",
            BO_BOTH),
    BLK_INT(T, "frac", "F", frac, 0, 60,
            "fraction bits kept below the activation's LSB (default\n"
            "min(2^(W-1) - 1, 32): exact); A + F <= 62", BO_BOTH),
    BLK_INT(T, "acc-bits", "ACC", acc_bits, 2, 64,
            "accumulator width, A + F .. 64 (default min(A + F + 8, 64))", BO_BOTH),
    BLK_HEADING("scheduling:", BO_BOTH),
    BLK_INT(T, "queue", "Q", queue, 1, 64,
            "activations queued per lane, a power of two %r (default %d): a\n"
            "lane takes its next weight as soon as it finishes one, up to Q\n"
            "activations ahead; Q = 1 has a one-cycle bubble per activation", BO_BOTH),
    BLK_TEXT(T, "name", "NAME", name,
             "module and file name (default %d): a-z, 0-9, _, not a\nVerilog keyword", BO_BOTH),
};
#undef T

static void slqdot_defaults(void *state)
{
    slqdot_gen *g = state;
    memset(g, 0, sizeof *g);
    g->lanes = 16;
    g->bits = 5;
    g->max_words = 2;
    g->act_bits = 8;
    g->queue = 4;
    g->name = "slqdot";
}

static int slqdot_finish(void *state, const blk_args *a, unsigned where)
{
    slqdot_gen *g = state;
    lq_format f = lq_format_default();
    char msg[256];
    (void)where;
    if (!blk_name_ok(g->name) || strlen(g->name) > 60) {
        cli_error("--name '%s' is not a lower-case Verilog identifier (a-z, 0-9, _; "
                  "not a keyword; at most 60 characters)", g->name);
        return -1;
    }
    f.scheme = LQ_SLQ;
    f.bits = g->bits;
    f.max_words = g->max_words;
    f.fsr = g->fsr;
    if (lq_format_check(&f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    g->N = g->lanes;
    g->W = g->bits;
    g->L = g->max_words;
    g->fr = g->framing ? LQ_FRAMING_SPECIAL : LQ_FRAMING_TAG;
    g->SW = lq_slq_stream_width(&f, g->fr);
    g->A = g->act_bits;
    g->F = blk_given(a, "frac") ? g->frac : ((1 << (g->W - 1)) - 1 < 32 ? (1 << (g->W - 1)) - 1 : 32);
    if (g->A + g->F > 62) {
        cli_error("--act-bits %d with --frac %d: A + F is at most 62", g->A, g->F);
        return -1;
    }
    g->ACC = blk_given(a, "acc-bits") ? g->acc_bits : (g->A + g->F + 8 < 64 ? g->A + g->F + 8 : 64);
    if (g->ACC < g->A + g->F) {
        cli_error("--acc-bits %d is below A + F = %d", g->ACC, g->A + g->F);
        return -1;
    }
    g->Q = g->queue;
    g->QP = clog2i(g->Q);
    if ((1 << g->QP) != g->Q) {
        cli_error("--queue %d is not a power of two (1, 2, 4, ..., 64)", g->Q);
        return -1;
    }
    snprintf(g->dec, sizeof g->dec, "%s_dec", g->name);
    return 0;
}

static const char *slqdot_module(const void *state)
{
    return ((const slqdot_gen *)state)->name;
}

/* ---- stimulus: `logq vectors slqdot` ---- */
/* It mirrors sim/verilator/slqdot_tb.cpp (C++, so mirrored here): vectors of 1-12
 * activations with corners; per lane Gaussian weights (zeros included) encoded as SLQ
 * words, a fifth of the vectors corrupted in some lanes (a random, a deleted or a
 * doubled word). The expected results come from lq_slqhw_dec and lq_slqmac (the
 * lockstep model: queued scheduling changes only the cycles). The lanes' words go to
 * t.hex ({s_w_last, s_w_data} per line, lane k from line toff.hex[k]) with their own
 * stalls in tgap.hex; activations are driven for the vectors the model completes. */

enum { SD_VEC_WORDS = 12 * 2 * LQ_SLQ_WORDS_MAX + 4 };

typedef struct {
    uint32_t *w;
    unsigned char *last;
    lq_slqhw_beat *b;
    size_t nw, nb, capw, capb;
} sd_lane;

static int sd_push(sd_lane *l, const uint32_t *w, int nw, const lq_slqhw_beat *b, int nb,
                   int lastw)
{
    if (l->nw + (size_t)nw > l->capw) {
        size_t c = 2 * l->capw + (size_t)nw + 64;
        uint32_t *nw2 = realloc(l->w, c * sizeof *nw2);
        unsigned char *nl = realloc(l->last, c);
        if (nw2)
            l->w = nw2;
        if (nl)
            l->last = nl;
        if (!nw2 || !nl)
            return -1;
        l->capw = c;
    }
    for (int i = 0; i < nw; i++) {
        l->w[l->nw] = w[i];
        l->last[l->nw++] = (unsigned char)(lastw && i + 1 == nw);
    }
    if (l->nb + (size_t)nb > l->capb) {
        size_t c = 2 * l->capb + (size_t)nb + 64;
        lq_slqhw_beat *n2 = realloc(l->b, c * sizeof *n2);
        if (!n2)
            return -1;
        l->b = n2;
        l->capb = c;
    }
    if (nb > 0) /* a word that closes no value adds no beat (l->b may still be NULL) */
        memcpy(l->b + l->nb, b, (size_t)nb * sizeof *b);
    l->nb += (size_t)nb;
    return 0;
}

static int slqdot_stimulus(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                           const lq_cmd *c)
{
    static bitword b;
    slqdot_gen *g = state;
    lq_format f = lq_format_default();
    lq_file *ft = fileset_add(fs, "t.hex"), *ftg = fileset_add(fs, "tgap.hex"),
            *fto = fileset_add(fs, "toff.hex");
    sd_lane *lanes = calloc((size_t)g->N, sizeof *lanes);
    lq_slqhw_dec *dec = calloc((size_t)g->N, sizeof *dec);
    int64_t *act = malloc((size_t)o->count * 12 * sizeof *act);
    unsigned char *alast = malloc((size_t)o->count * 12);
    size_t nact = 0;
    int64_t amax = ((int64_t)1 << (g->A - 1)) - 1;
    uint64_t accm = g->ACC >= 64 ? ~0ull : (1ull << g->ACC) - 1;
    int rc = LQ_EXIT_FAIL;

    if (!ft || !ftg || !fto || !lanes || !dec || !act || !alast) {
        cli_error("out of memory");
        goto out;
    }
    file_header(ft, "//", c);
    file_header(ftg, "//", c);
    file_header(fto, "//", c);
    f.scheme = LQ_SLQ;
    f.bits = g->W;
    f.max_words = g->L;
    f.fsr = g->fsr;
    for (int j = 0; j < g->N; j++)
        lq_slqhw_dec_reset(&dec[j], &f, g->fr);
    for (int vi = 0; vi < o->count; vi++) {
        int k = 1 + (int)vec_rnd(v, 12), corrupt = vec_rnd(v, 5) == 0;
        f.rounding = vec_rnd(v, 2) ? LQ_FLOOR : LQ_NEAREST;
        for (int i = 0; i < k; i++) {
            int64_t x;
            switch (vec_rnd(v, 8)) {
            case 0: x = amax; break;
            case 1: x = -amax - 1; break;
            case 2: x = vec_rnd(v, 3) - 1; break;
            default: x = (int64_t)lq_rng_below(&v->rng, (uint64_t)(2 * amax + 2)) - amax - 1;
            }
            act[nact] = x;
            alast[nact++] = (unsigned char)(i == k - 1);
        }
        for (int j = 0; j < g->N; j++) {
            uint32_t words[SD_VEC_WORDS];
            int nw = 0;
            double scale = ldexp(1.0, f.fsr - 1 - (int)vec_rnd(v, 3));
            for (int i = 0; i < k; i++) {
                double x = vec_rnd(v, 6) == 0 ? 0.0 : lq_rng_gauss(&v->rng) * scale;
                lq_slq_value val = lq_slq_encode(&f, x);
                nw += lq_slq_frame_value(&f, g->fr, &val, words + nw);
            }
            if (corrupt && vec_rnd(v, 2))
                nw = vec_corrupt_words(v, words, nw, g->SW);
            for (int i = 0; i < nw; i++) {
                lq_slqhw_beat hb[LQ_SLQHW_BEATS_MAX];
                int nb = lq_slqhw_dec_step(&dec[j], words[i], i + 1 == nw, hb);
                if (sd_push(&lanes[j], words + i, 1, hb, nb, i + 1 == nw) != 0) {
                    cli_error("out of memory");
                    goto out;
                }
            }
        }
    }
    {
        lq_slqmac m;
        const lq_slqhw_beat *bp[LQ_SLQMAC_LANES_MAX];
        size_t bn[LQ_SLQMAC_LANES_MAX], pos[LQ_SLQMAC_LANES_MAX], drive = 0;
        int64_t out[LQ_SLQMAC_LANES_MAX];
        int e[LQ_SLQMAC_LANES_MAX];
        long off = 0;
        lq_slqmac_reset(&m, g->N, g->A, g->F, g->ACC);
        for (int j = 0; j < g->N; j++) {
            bp[j] = lanes[j].b;
            bn[j] = lanes[j].nb;
            pos[j] = 0;
        }
        for (size_t a = 0; a < nact; a++) {
            int r = lq_slqmac_step(&m, act[a], alast[a], bp, bn, pos, out, e);
            if (r < 0)
                break;
            if (r == 1) {
                b.n = 0;
                for (int j = 0; j < g->N; j++)
                    bw_put(&b, (uint64_t)out[j] & accm, g->ACC);
                for (int j = 0; j < g->N; j++)
                    bw_put(&b, (uint64_t)(e[j] != 0), 1);
                vec_item(v, &b);
                drive = a + 1;
            }
        }
        for (size_t a = 0; a < drive; a++) {
            b.n = 0;
            bw_put(&b, (uint64_t)act[a] & (((uint64_t)1 << g->A) - 1u), g->A);
            bw_put(&b, alast[a], 1);
            bw_hex(v->in, &b);
            vec_gap(v);
            v->nin++;
        }
        for (int j = 0; j < g->N; j++) {
            file_printf(fto, "%08lx\n", off);
            for (size_t i = 0; i < lanes[j].nw; i++) {
                unsigned gap = 0;
                b.n = 0;
                bw_put(&b, lanes[j].w[i], g->SW);
                bw_put(&b, lanes[j].last[i], 1);
                bw_hex(ft, &b);
                if (v->stall > 0 && lq_rng_below(&v->rng, 100) < (uint64_t)v->stall)
                    gap = 1 + (unsigned)lq_rng_below(&v->rng, 4);
                file_printf(ftg, "%02x\n", gap);
                off++;
            }
        }
        file_printf(fto, "%08lx\n", off);
        v->nt = off;
    }
    rc = LQ_EXIT_OK;
out:
    if (lanes)
        for (int j = 0; j < g->N; j++) {
            free(lanes[j].w);
            free(lanes[j].last);
            free(lanes[j].b);
        }
    free(lanes);
    free(dec);
    free(act);
    free(alast);
    return rc;
}

static const blk_file slqdot_files[] = {
    {"%s_dec.v", "the SLQ decoder of every lane (logq gen slqdec)", write_dec, 1},
    {"%s.v", "the top: decoders, activation queues, lanes, output", write_v, 2},
    {"%s.h", "every parameter and the port layout (C)", write_h, 0},
};

/* The files slqdot_stimulus adds, in order. */
static const char *const slqdot_vec_files[] = {"t.hex", "tgap.hex", "toff.hex"};

const lq_block blk_slqdot = {
    .name = "slqdot",
    .summary = "SLQ dot product: N decoders and a queued successive MAC (docs/slqdot.md)",
    .synopsis = "[options] -o DIR",
    .about = "SLQ weights end to end: one SLQ word stream and decoder per lane, one broadcast\n"
             "activation stream, one term per clock per lane, with a queue of activations per\n"
             "lane so that each lane takes its next weight as soon as it finishes one.",
    .doc = "docs/slqdot.md",
    .opts = slqdot_options,
    .nopts = (int)(sizeof slqdot_options / sizeof slqdot_options[0]),
    .state_size = sizeof(slqdot_gen),
    .defaults = slqdot_defaults,
    .finish = slqdot_finish,
    .module = slqdot_module,
    .ports = slqdot_ports,
    .latency = -1,
    .tb_latency = 40,
    .out_data_reset = 0,
    .out_per_vector = 1,
    .files = slqdot_files,
    .nfiles = (int)(sizeof slqdot_files / sizeof slqdot_files[0]),
    .view_scope = "%s_tb.dut",
    .view_title = "lanes 0-3: queue fill, result waiting, accumulator",
    .view = slqdot_view,
    .report = slqdot_report,
    .exhaustive = 0,
    .phased = 1,
    .stimulus = slqdot_stimulus,
    .vec_files = slqdot_vec_files,
    .nvec_files = (int)(sizeof slqdot_vec_files / sizeof slqdot_vec_files[0]),
};
