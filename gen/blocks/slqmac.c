/* The successive shift-MAC block for SLQ weights: `logq gen slqmac` and `logq vectors
 * slqmac` (docs/slq.md). N lanes share one linear activation x (a broadcast
 * operand); lane j takes the terms of its own weight stream (the output of a `logq
 * gen slqdec` decoder) and applies one term per clock with one shifter and one adder:
 *     acc_j += (neg ? -1 : 1) * ((x << F) >>> shift)
 * A weight of n words takes n cycles; lanes that finish early wait (lockstep), so a step
 * costs the longest slot of the N lanes. The model is lq_slqmac (cmodel/slqhw.c).
 *
 * The block's whole description (gen/blocks/block.h): options, ports, files, view,
 * report and the stimulus (mirroring sim/verilator/slqmac_tb.cpp). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/slqhw.h"
#include "blocks/block.h"
#include "blocks/slq_options.h"
#include "emit/verilog.h"

extern const lq_block blk_slqmac; /* this block, defined at the end of the file */

typedef struct {
    int N, W, A, F, ACC;
} mac_ctx;

/* One lane j of the generate loop: its term, accumulator and slot state. */
static void emit_lane(vw *w, const mac_ctx *p)
{
    static const char *const state[] = {"done_q", "idle_q", "skip_q", "lvl_q", "err_q"};
    char l[32];
    for (int i = 0; i < 5; i++)
        vw_reg(w, 0, 0, state[i]);
    vw_reg_x(w, 0, "ACC", "acc_q");
    vw_wire_x(w, 0, "SH", "sh", "s_t_shift[j*SH +: SH]");
    vw_wire_x(w, 1, "XW", "t", "xs >>> sh");
    if (p->ACC > p->A + p->F)
        vw_wire_x(w, 0, "ACC", "te", "{{%d{t[XW-1]}}, t}", p->ACC - p->A - p->F);
    else
        vw_wire_x(w, 0, "ACC", "te", "t");
    vw_wire(w, 0, 0, "bad", "s_t_err[3*j +: 3] != %s", vw_lit(l, 3, 0, 0));
    vw_wire(w, 0, 0, "add", "use_t[j] && !s_t_zero[j] && !bad");
    vw_wire_x(w, 0, "ACC", "acc_n", "acc_q + (!add ? %s : s_t_neg[j] ? -te : te)",
              vw_lit(l, p->ACC, 0, 0));
    vw_wire(w, 0, 0, "endw", "use_t[j] && s_t_wlast[j]");
    vw_wire(w, 0, 0, "vl_eff", "endw ? s_t_vlast[j] : lvl_q");
    vw_line(w, "wire early = endw && s_t_vlast[j] && !xl_q;  // frame ended before the vector");
    vw_line(w, "wire miss = vec_done && !vl_eff;             // frame goes on after it");
    vw_wire(w, 0, 0, "err_n", "err_q || (use_t[j] && bad) || early || miss");
    vw_assign(w, "fin[j]", "done_q || idle_q || endw");
    vw_assign(w, "done_w[j]", "done_q");
    vw_assign(w, "idle_w[j]", "idle_q");
    vw_assign(w, "skip_w[j]", "skip_q");
    vw_assign(w, "acc_n_w[j*ACC +: ACC]", "acc_n");
    vw_assign(w, "err_n_w[j]", "err_n");
    vw_open(w, "always @(posedge clk) begin");
    vw_open(w, "if (rst) begin");
    for (int i = 0; i < 5; i++)
        vw_line(w, "%s <= 1'b0;", state[i]);
    vw_line(w, "acc_q <= %s;", vw_lit(l, p->ACC, 0, 0));
    vw_close(w, "end else begin");
    w->indent++;
    vw_line(w, "done_q <= step_done ? 1'b0 : fin[j];");
    vw_line(w, "idle_q <= vec_done ? 1'b0 : idle_q || early;");
    vw_line(w, "lvl_q <= vl_eff;");
    vw_line(w, "skip_q <= skip_q ? !(fire[j] && s_t_vlast[j]) : miss;");
    vw_line(w, "err_q <= vec_done ? 1'b0 : err_n;");
    vw_line(w, "acc_q <= vec_done ? %s : acc_n;", vw_lit(l, p->ACC, 0, 0));
    vw_close(w, "end");
    vw_close(w, "end");
}

/* The activation register and the output register. */
static void emit_regs(vw *w, const mac_ctx *p)
{
    char l[32];
    vw_open(w, "always @(posedge clk) begin");
    vw_open(w, "if (rst) begin");
    vw_line(w, "xv_q <= 1'b0;");
    vw_line(w, "xl_q <= 1'b0;");
    vw_line(w, "x_q <= %s;", vw_lit(l, p->A, 0, 0));
    vw_line(w, "mv_q <= 1'b0;");
    vw_close(w, "end else begin");
    w->indent++;
    vw_open(w, "if (act_fire) begin");
    vw_line(w, "xv_q <= 1'b1;");
    vw_line(w, "x_q <= s_act_data;");
    vw_line(w, "xl_q <= s_act_last;");
    vw_close(w, "end else if (step_done) begin");
    w->indent++;
    vw_line(w, "xv_q <= 1'b0;");
    vw_close(w, "end");
    vw_line(w, "if (vec_done)");
    vw_line(w, "    mv_q <= 1'b1;");
    vw_line(w, "else if (m_ready)");
    vw_line(w, "    mv_q <= 1'b0;");
    vw_close(w, "end");
    vw_close(w, "end");
    vw_blank(w);
    {
        static const char *const dst[] = {"md_q", "me_q"}, *const src[] = {"acc_n_w", "err_n_w"};
        vw_stage(w, "vec_done", dst, src, 2);
    }
}

static void emit_mac(lq_file *v, const mac_ctx *p, const char *name, const lq_port *ports,
                     int nports, const lq_cmd *c)
{
    static const char *const lane_vec[] = {"done_w", "idle_w", "skip_w", "fin"};
    vw w;
    char l[32];
    file_puts(v, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_header(v, "//", c);
    file_printf(v,
        "//\n// SLQ successive shift-MAC: %d lanes, W = %d, activation %d bits, F = %d,\n"
        "// accumulator %d bits (docs/slq.md). Lockstep: an activation is held until every\n"
        "// lane has applied one weight slot (terms up to m_wlast of its decoder); a slot of\n"
        "// n terms takes n cycles. Lane j: acc += (neg ? -1 : 1) * ((x << F) >>> shift);\n"
        "// error beats add nothing and set m_err[j]. At s_act_last the N accumulators go\n"
        "// out as one beat (dot product = acc * 2^(FSR - F)). A lane whose frame (vlast)\n"
        "// ends before the vector waits; one whose frame goes on drops the rest of it; both\n"
        "// set m_err[j].\n\n",
        p->N, p->W, p->A, p->F, p->ACC);
    vw_init(&w, v, 0);
    vw_open(&w, "module %s (", name);
    vw_ports(&w, ports, nports);
    vw_close(&w, ");");
    vw_blank(&w);
    w.indent++;
    vw_line(&w, "localparam integer N = %d;    // lanes", p->N);
    vw_line(&w, "localparam integer A = %d;    // activation bits", p->A);
    vw_line(&w, "localparam integer SH = %d;   // shift amount bits (W - 1)", p->W - 1);
    vw_line(&w, "localparam integer XW = %d;   // A + F", p->A + p->F);
    vw_line(&w, "localparam integer ACC = %d;  // accumulator bits", p->ACC);
    vw_blank(&w);

    vw_reg(&w, 0, 0, "xv_q");
    vw_reg(&w, 0, 0, "xl_q");
    vw_reg_x(&w, 0, "A", "x_q");
    vw_reg(&w, 0, 0, "mv_q");
    vw_reg_x(&w, 0, "N*ACC", "md_q");
    vw_reg_x(&w, 0, "N", "me_q");
    for (int i = 0; i < 4; i++)
        vw_wire_x(&w, 0, "N", lane_vec[i], NULL);
    vw_wire_x(&w, 0, "N*ACC", "acc_n_w", NULL);
    vw_wire_x(&w, 0, "N", "err_n_w", NULL);
    vw_blank(&w);
    if (p->F > 0)
        vw_wire_x(&w, 1, "XW", "xs", "$signed({x_q, %s})", vw_lit(l, p->F, 0, 0));
    else
        vw_wire_x(&w, 1, "XW", "xs", "$signed(x_q)");
    vw_assign(&w, "s_t_ready", "skip_w | ({N{xv_q}} & ~done_w & ~idle_w)");
    vw_wire_x(&w, 0, "N", "fire", "s_t_valid & s_t_ready");
    vw_line(&w, "wire [N-1:0] use_t = fire & ~skip_w;  // a beat of the current slot");
    vw_wire(&w, 0, 0, "out_free", "!mv_q || m_ready");
    vw_wire(&w, 0, 0, "step_done", "xv_q && (&fin) && (!xl_q || out_free)");
    vw_wire(&w, 0, 0, "vec_done", "step_done && xl_q");
    vw_assign(&w, "s_act_ready", "!xv_q || step_done");
    vw_wire(&w, 0, 0, "act_fire", "s_act_valid && s_act_ready");
    vw_blank(&w);

    vw_line(&w, "genvar j;");
    vw_open(&w, "generate");
    vw_open(&w, "for (j = 0; j < N; j = j + 1) begin : lane");
    emit_lane(&w, p);
    vw_close(&w, "end");
    vw_close(&w, "endgenerate");
    vw_blank(&w);
    emit_regs(&w, p);
    vw_blank(&w);
    vw_assign(&w, "m_valid", "mv_q");
    vw_assign(&w, "m_data", "md_q");
    vw_assign(&w, "m_err", "me_q");
    vw_blank(&w);
    file_puts(v, "endmodule\n\n`resetall\n");
}

typedef struct {
    blk_slq slq;
    int lanes, act_bits, frac, acc_bits;
    const char *uname;
    lq_format f;
    lq_framing fr;     /* of the weight streams (bench, vectors): tag when not given */
    mac_ctx p;
    char name[80];
} slqmac_gen;

static int slqmac_ports(const void *state, lq_port *p, int max);

static int write_v(lq_file *f, const void *state, const lq_cmd *c)
{
    const slqmac_gen *g = state;
    lq_port ports[BLK_PORTS_MAX];
    int n = slqmac_ports(g, ports, BLK_PORTS_MAX);
    emit_mac(f, &g->p, g->name, ports, n, c);
    return 0;
}

static int write_h(lq_file *h, const void *state, const lq_cmd *c)
{
    const slqmac_gen *g = state;
        file_header(h, "//", c);
    file_printf(h, "// Parameters of %s.v for C/C++ test benches (docs/slq.md).\n", g->name);
    file_puts(h, "#ifndef SLQMAC_H\n#define SLQMAC_H\n");
    file_printf(h, "#define SLQMAC_NAME \"%s\"\n", g->name);
    file_printf(h, "#define SLQMAC_N %d      /* lanes */\n", g->p.N);
    file_printf(h, "#define SLQMAC_W %d      /* SLQ word width */\n", g->p.W);
    file_printf(h, "#define SLQMAC_A %d      /* activation bits */\n", g->p.A);
    file_printf(h, "#define SLQMAC_F %d      /* fraction bits */\n", g->p.F);
    file_printf(h, "#define SLQMAC_ACC %d    /* accumulator bits */\n", g->p.ACC);
    file_printf(h, "#define SLQMAC_L %d      /* most words of a weight (decoder) */\n",
                g->f.max_words);
    file_printf(h, "#define SLQMAC_FSR %d    /* dot product = acc * 2^(FSR - F) */\n", g->f.fsr);
    file_printf(h, "#define SLQMAC_FRAMING %d /* lq_framing of the weight streams (bench) */\n",
                (int)g->fr);
    blk_port_macros(h, &blk_slqmac, g, "SLQMAC");
    file_puts(h, "#endif\n");
    return 0;
}

/* ---- ports, view, report ---- */

static int slqmac_ports(const void *state, lq_port *p, int max)
{
    const slqmac_gen *g = state;
    int n = 0, N = g->p.N, SH = g->p.W - 1;
    if (max < 18)
        return 0;
    n += blk_ports_clock(p + n);
    n += blk_ports_handshake(p + n, LQ_STREAM_IN, 1, "s_act_valid", "s_act_ready", 0);
    p[n++] = (lq_port){.name = "s_act_data", .dir = LQ_PORT_IN, .width = g->p.A,
                       .desc = "the activation, broadcast to every lane", .stream = LQ_STREAM_IN,
                       .is_signed = 1, .has_lsb = 1, .lsb_exp = 0};
    n += blk_port_last(p + n, "s_act_last", "the vector's last activation");
    n += blk_ports_handshake(p + n, LQ_STREAM_SIDE, 1, "s_t_valid", "s_t_ready", N);
    p[n++] = (lq_port){.name = "s_t_err", .dir = LQ_PORT_IN, .width = 3 * N,
                       .desc = "lane j's m_err", .stream = LQ_STREAM_SIDE, .lanes = N,
                       .lane_bits = 3};
    p[n++] = (lq_port){.name = "s_t_neg", .dir = LQ_PORT_IN, .width = N,
                       .desc = "lane j's m_neg", .stream = LQ_STREAM_SIDE, .lanes = N,
                       .lane_bits = 1};
    p[n++] = (lq_port){.name = "s_t_zero", .dir = LQ_PORT_IN, .width = N,
                       .desc = "lane j's m_zero", .stream = LQ_STREAM_SIDE, .lanes = N,
                       .lane_bits = 1};
    p[n++] = (lq_port){.name = "s_t_shift", .dir = LQ_PORT_IN, .width = N * SH,
                       .desc = "lane j's m_shift", .stream = LQ_STREAM_SIDE, .lanes = N,
                       .lane_bits = SH};
    p[n++] = (lq_port){.name = "s_t_wlast", .dir = LQ_PORT_IN, .width = N,
                       .desc = "lane j's m_wlast", .stream = LQ_STREAM_SIDE, .lanes = N,
                       .lane_bits = 1, .axis = LQ_AXIS_TUSER};
    p[n++] = (lq_port){.name = "s_t_vlast", .dir = LQ_PORT_IN, .width = N,
                       .desc = "lane j's m_vlast", .stream = LQ_STREAM_SIDE, .lanes = N,
                       .lane_bits = 1, .axis = LQ_AXIS_TLAST};
    n += blk_ports_handshake(p + n, LQ_STREAM_OUT, 0, "m_valid", "m_ready", 0);
    p[n++] = (lq_port){.name = "m_data", .dir = LQ_PORT_OUT, .width = N * g->p.ACC,
                       .desc = "lane j's accumulator: its dot product, modulo 2^ACC",
                       .stream = LQ_STREAM_OUT, .is_signed = 1, .lanes = N,
                       .lane_bits = g->p.ACC, .has_lsb = 1, .lsb_exp = g->f.fsr - g->p.F};
    p[n++] = (lq_port){.name = "m_err", .dir = LQ_PORT_OUT, .width = N,
                       .desc = "lane j saw an error beat or a frame that does not match",
                       .stream = LQ_STREAM_OUT, .lanes = N, .lane_bits = 1, .axis = LQ_AXIS_TUSER};
    return n;
}

/* The held activation and the first (up to 8) lanes' accumulators. */
static int slqmac_view(const void *state, gtkw_signal *s, int max, char (*names)[40])
{
    const slqmac_gen *g = state;
    int n = 0, nl = g->p.N < 8 ? g->p.N : 8;
    if (max < 4 + 2 * nl)
        return 0;
    s[n++] = (gtkw_signal){"xv_q", 1, GTKW_BIN};
    s[n++] = (gtkw_signal){"xl_q", 1, GTKW_BIN};
    s[n++] = (gtkw_signal){"x_q", g->p.A, GTKW_SDEC};
    s[n++] = (gtkw_signal){"step_done", 1, GTKW_BIN};
    for (int j = 0; j < nl; j++) {
        snprintf(names[2 * j], sizeof names[0], "lane[%d].acc_q", j);
        snprintf(names[2 * j + 1], sizeof names[0], "lane[%d].err_q", j);
        s[n++] = (gtkw_signal){names[2 * j], g->p.ACC, GTKW_SDEC};
        s[n++] = (gtkw_signal){names[2 * j + 1], 1, GTKW_BIN};
    }
    return n;
}

static void slqmac_report(const void *state, const char *out)
{
    const slqmac_gen *g = state;
    const mac_ctx *p = &g->p;
    printf("  in : s_act_valid s_act_ready s_act_data[%d:0] s_act_last; per lane the term\n"
           "       stream of a slqdec: s_t_valid/ready[%d:0] s_t_err[%d:0] s_t_neg s_t_zero\n"
           "       s_t_shift[%d:0] s_t_wlast s_t_vlast\n",
           p->A - 1, p->N - 1, 3 * p->N - 1, p->N * (p->W - 1) - 1);
    printf("  out: m_valid m_ready m_data[%d:0] (%d x %d-bit accumulators) m_err[%d:0]\n",
           p->N * p->ACC - 1, p->N, p->ACC, p->N - 1);
    printf("  a step (one activation) takes the longest weight slot of the %d lanes, in\n"
           "  cycles; the result is out one cycle after the vector's last step\n", p->N);
    printf("  co-simulate: make slq-mac-sim SLQ_W=%d SLQ_N=%d (mk/slq.mk)\n", p->W, p->N);
    printf("  icarus: logq vectors slqmac <these options> -o VEC && WAVES=1 sim/icarus/run.sh %s VEC\n"
           "          (then gtkwave VEC/%s_tb.vcd %s/%s.gtkw)\n", out, g->name, out, g->name);
}

/* ---- options ---- */

#define T slqmac_gen
static const blk_option slqmac_options[] = {
    BLK_SLQ_OPTIONS(T, slq,
                    "framing of the weight streams: recorded in NAME.h for benches,\n"
                    "shapes the streams of `logq vectors` (default tag)",
                    "most words of a weight (the decoders'), %r (default %d):\n"
                    "recorded in NAME.h, shapes the vectors' streams",
                    "recorded in NAME.h: the dot product is acc * 2^(FSR - F)"),
    BLK_INT(T, "lanes", "N", lanes, 1, LQ_SLQMAC_LANES_MAX, "lanes, %r (default %d)", BO_BOTH),
    BLK_INT(T, "act-bits", "A", act_bits, 2, 32, "signed activation width, %r (default %d)",
            BO_BOTH),
    BLK_INT(T, "frac", "F", frac, 0, 60,
            "fraction bits kept below the activation's LSB: a term adds\n"
            "floor(x * 2^(F - shift)); exact when F >= 2^(W-1) - 1\n"
            "(default min(2^(W-1) - 1, 32)); A + F <= 62", BO_BOTH),
    BLK_INT(T, "acc-bits", "ACC", acc_bits, 2, 64,
            "accumulator width, A + F .. 64, arithmetic modulo 2^ACC\n"
            "(default min(A + F + 8, 64))", BO_BOTH),
    BLK_TEXT(T, "name", "NAME", uname,
             "module name (default slqmac_n<N>_w<W>_a<A>): a-z, 0-9, _", BO_BOTH),
};
#undef T

static void slqmac_defaults(void *state)
{
    slqmac_gen *g = state;
    memset(g, 0, sizeof *g);
    blk_slq_defaults(&g->slq);
    g->lanes = 16;
    g->act_bits = 8;
}

static int slqmac_finish(void *state, const blk_args *a, unsigned where)
{
    slqmac_gen *g = state;
    mac_ctx *p = &g->p;
    int smax;
    if (blk_slq_finish(&g->slq, a, where == BO_GEN ? "gen slqmac" : "vectors slqmac", 0, &g->f,
                       &g->fr) != 0)
        return -1;
    if (g->fr == LQ_FRAMING_NONE)
        g->fr = LQ_FRAMING_TAG;
    p->N = g->lanes;
    p->A = g->act_bits;
    p->W = g->f.bits;
    smax = (1 << (p->W - 1)) - 1;
    p->F = blk_given(a, "frac") ? g->frac : smax < 32 ? smax : 32;
    if (p->A + p->F > 62) {
        cli_error("--act-bits %d with --frac %d: A + F = %d is more than 62", p->A, p->F, p->A + p->F);
        return -1;
    }
    p->ACC = blk_given(a, "acc-bits") ? g->acc_bits : p->A + p->F + 8 < 64 ? p->A + p->F + 8 : 64;
    if (p->ACC < p->A + p->F) {
        cli_error("--acc-bits %d is less than A + F = %d", p->ACC, p->A + p->F);
        return -1;
    }
    if (g->uname) {
        if (blk_check_name(g->uname) != 0)
            return -1;
        snprintf(g->name, sizeof g->name, "%s", g->uname);
    } else {
        snprintf(g->name, sizeof g->name, "slqmac_n%d_w%d_a%d", p->N, p->W, p->A);
    }
    return 0;
}

static const char *slqmac_module(const void *state)
{
    return ((const slqmac_gen *)state)->name;
}

/* ---- stimulus: `logq vectors slqmac` ---- */

/* A growing array of beats of one lane. */
typedef struct {
    lq_slqhw_beat *b;
    size_t n, cap;
} beat_list;

static int beats_add(beat_list *l, const lq_slqhw_beat *b, int n)
{
    if (n <= 0)
        return 0;
    if (l->n + (size_t)n > l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        while (cap < l->n + (size_t)n)
            cap *= 2;
        lq_slqhw_beat *p = realloc(l->b, cap * sizeof *p);
        if (!p)
            return -1;
        l->b = p;
        l->cap = cap;
    }
    memcpy(l->b + l->n, b, (size_t)n * sizeof *b);
    l->n += (size_t)n;
    return 0;
}

/* Stimulus as sim/verilator/slqmac_tb.cpp: vectors of 1-12 activations with corners
 * (max, min, 0, +-1); per lane a frame of Gaussian weights (zeros included) in either
 * rounding, encoded and decoded by the models; 20 % of the vectors corrupted in some
 * lanes (a random word, a deleted or a repeated word: error beats, frames that end
 * early or late). The model consumes the beats; only whole vectors are driven. */
static int smac_vectors(vec_out *v, const mac_ctx *p, lq_format f, lq_framing fr, long count,
                        lq_file *ft, lq_file *ftg, lq_file *fto, lq_file *fts)
{
    static bitword b;
    beat_list *lanes = calloc((size_t)p->N, sizeof *lanes);
    int64_t *act = NULL;
    unsigned char *alast = NULL;
    size_t nact = 0, capact = 0;
    lq_slqhw_dec *dec = calloc((size_t)p->N, sizeof *dec);
    int64_t amax = ((int64_t)1 << (p->A - 1)) - 1;
    uint64_t accm = p->ACC >= 64 ? ~0ull : ((uint64_t)1 << p->ACC) - 1u;
    int rc = -1, swidth = lq_slq_stream_width(&f, fr);
    if (!lanes || !dec)
        goto out;
    for (int j = 0; j < p->N; j++)
        lq_slqhw_dec_reset(&dec[j], &f, fr);
    for (long vi = 0; vi < count; vi++) {
        int k = 1 + (int)vec_rnd(v, 12);
        int corrupt = v->stall > 0 && vec_rnd(v, 5) == 0;
        f.rounding = vec_rnd(v, 2) ? LQ_FLOOR : LQ_NEAREST;
        if (nact + (size_t)k > capact) {
            size_t cap = capact ? 2 * capact : 256;
            int64_t *a2 = realloc(act, cap * sizeof *a2);
            unsigned char *l2 = a2 ? realloc(alast, cap) : NULL;
            if (a2)
                act = a2;
            if (!a2 || !l2)
                goto out;
            alast = l2;
            capact = cap;
        }
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
        for (int j = 0; j < p->N; j++) {
            uint32_t words[12 * 2 * LQ_SLQ_WORDS_MAX + 4];
            int nw = 0;
            double scale = ldexp(1.0, f.fsr - 1 - (int)vec_rnd(v, 3));
            for (int i = 0; i < k; i++) {
                double x = vec_rnd(v, 6) == 0 ? 0.0 : lq_rng_gauss(&v->rng) * scale;
                lq_slq_value val = lq_slq_encode(&f, x);
                nw += lq_slq_frame_value(&f, fr, &val, words + nw);
            }
            if (corrupt && vec_rnd(v, 2))
                nw = vec_corrupt_words(v, words, nw, swidth);
            for (int i = 0; i < nw; i++) {
                lq_slqhw_beat hb[LQ_SLQHW_BEATS_MAX];
                int nb = lq_slqhw_dec_step(&dec[j], words[i], i + 1 == nw, hb);
                if (beats_add(&lanes[j], hb, nb) != 0)
                    goto out;
            }
        }
    }
    {
        /* the model; stop at the first step a lane cannot complete */
        lq_slqmac m;
        const lq_slqhw_beat *bp[LQ_SLQMAC_LANES_MAX];
        size_t bn[LQ_SLQMAC_LANES_MAX], pos[LQ_SLQMAC_LANES_MAX];
        size_t vs[LQ_SLQMAC_LANES_MAX]; /* where the vector being stepped starts */
        int64_t o[LQ_SLQMAC_LANES_MAX];
        int e[LQ_SLQMAC_LANES_MAX];
        size_t drive = 0, a;
        long off = 0;
        lq_slqmac_reset(&m, p->N, p->A, p->F, p->ACC);
        for (int j = 0; j < p->N; j++) {
            bp[j] = lanes[j].b;
            bn[j] = lanes[j].n;
            pos[j] = 0;
            vs[j] = 0;
        }
        for (a = 0; a < nact; a++) {
            int r = lq_slqmac_step(&m, act[a], alast[a], bp, bn, pos, o, e);
            if (r < 0)
                break;
            if (r == 1) {
                b.n = 0;
                for (int j = 0; j < p->N; j++)
                    bw_put(&b, (uint64_t)o[j] & accm, p->ACC);
                for (int j = 0; j < p->N; j++)
                    bw_put(&b, (uint64_t)(e[j] != 0), 1);
                vec_item(v, &b);
                drive = a + 1;
                /* tstart.hex, the bench's restart points (+midreset): this vector's first
                 * beat in each lane; the next starts where this one stopped, or, in a
                 * lane whose frame ran on, after that frame's end, where the model takes
                 * up its terms (so a fresh block from there gives the same outputs) */
                for (int j = 0; j < p->N; j++) {
                    size_t q = pos[j];
                    file_printf(fts, "%08lx\n", (unsigned long)vs[j]);
                    if (m.skip[j]) {
                        while (q < bn[j] && !bp[j][q].vlast)
                            q++;
                        q++;
                    }
                    vs[j] = q;
                }
            }
        }
        for (a = 0; a < drive; a++) {
            b.n = 0;
            bw_put(&b, (uint64_t)act[a] & (((uint64_t)1 << p->A) - 1u), p->A);
            bw_put(&b, alast[a], 1);
            bw_hex(v->in, &b);
            vec_gap(v);
            v->nin++;
        }
        /* the lanes' beats, each lane with its own stalls */
        for (int j = 0; j < p->N; j++) {
            file_printf(fto, "%08lx\n", off);
            for (size_t i = 0; i < lanes[j].n; i++) {
                const lq_slqhw_beat *hb = &lanes[j].b[i];
                unsigned g = 0;
                b.n = 0;
                bw_put(&b, (uint64_t)hb->err, 3);
                bw_put(&b, (uint64_t)hb->neg, 1);
                bw_put(&b, (uint64_t)hb->zero, 1);
                bw_put(&b, (uint64_t)hb->shift, p->W - 1);
                bw_put(&b, (uint64_t)hb->wlast, 1);
                bw_put(&b, (uint64_t)hb->vlast, 1);
                bw_hex(ft, &b);
                if (v->stall > 0 && lq_rng_below(&v->rng, 100) < (uint64_t)v->stall)
                    g = 1 + (unsigned)lq_rng_below(&v->rng, 4);
                file_printf(ftg, "%02x\n", g);
                off++;
            }
        }
        file_printf(fto, "%08lx\n", off);
        v->nt = off;
    }
    rc = 0;
out:
    if (rc != 0)
        cli_error("out of memory");
    if (lanes)
        for (int j = 0; j < p->N; j++)
            free(lanes[j].b);
    free(lanes);
    free(dec);
    free(act);
    free(alast);
    return rc;
}

static int slqmac_stimulus(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                           const lq_cmd *c)
{
    slqmac_gen *g = state;
    lq_file *ft = fileset_add(fs, "t.hex"), *ftg = fileset_add(fs, "tgap.hex"),
            *fto = fileset_add(fs, "toff.hex"), *fts = fileset_add(fs, "tstart.hex");
    if (!ft || !ftg || !fto || !fts) {
        cli_error("out of memory");
        return LQ_EXIT_FAIL;
    }
    file_header(ft, "//", c);
    file_header(ftg, "//", c);
    file_header(fto, "//", c);
    file_header(fts, "//", c);
    v->wrong = o->wrong;
    if (smac_vectors(v, &g->p, g->f, g->fr, o->count, ft, ftg, fto, fts) != 0)
        return LQ_EXIT_FAIL;
    return LQ_EXIT_OK;
}

/* ---- the descriptor ---- */

static const blk_file slqmac_files[] = {
    {"%s.v", "the shift-MAC", write_v, 1},
    {"%s.h", "parameters and the port layout for C/C++ benches (SLQMAC_*)", write_h, 0},
};

/* The files slqmac_stimulus adds, in order. */
static const char *const slqmac_vec_files[] = {"t.hex", "tgap.hex", "toff.hex", "tstart.hex"};

const lq_block blk_slqmac = {
    .name = "slqmac",
    .summary = "logq successive SLQ shift-MAC (docs/slq.md)",
    .synopsis = "--bits W [options] -o DIR",
    .about = "N lanes of successive shift-add on the term streams of `logq gen slqdec`\n"
             "decoders, one activation stream broadcast to all lanes, one output beat of N\n"
             "dot products per vector.",
    .doc = "docs/slq.md",
    .opts = slqmac_options,
    .nopts = (int)(sizeof slqmac_options / sizeof slqmac_options[0]),
    .state_size = sizeof(slqmac_gen),
    .defaults = slqmac_defaults,
    .finish = slqmac_finish,
    .module = slqmac_module,
    .ports = slqmac_ports,
    .latency = -1, /* a weight of n words takes n cycles (docs/slq.md) */
    .tb_latency = 4 * LQ_SLQ_WORDS_MAX,
    .out_data_reset = 0, /* the output register holds data only: checked while m_valid */
    .out_per_vector = 1,
    .side_restart = 1, /* tstart.hex: where each vector starts in every lane */
    .files = slqmac_files,
    .nfiles = (int)(sizeof slqmac_files / sizeof slqmac_files[0]),
    .view_scope = "%s_tb.dut",
    .view_titles = {"input stream (activations)", "input streams (terms, lane j at bit j)",
                    "output stream"},
    .view_title = "activation held, accumulators",
    .view = slqmac_view,
    .report = slqmac_report,
    .phased = 1,
    .stimulus = slqmac_stimulus,
    .vec_files = slqmac_vec_files,
    .nvec_files = (int)(sizeof slqmac_vec_files / sizeof slqmac_vec_files[0]),
};
