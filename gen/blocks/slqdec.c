/* The SLQ stream decoder block: `logq gen slqdec` and `logq vectors slqdec`
 * (docs/slq.md). A valid/ready stream of W-bit words (W + 1 with the tag) in, a
 * valid/ready stream of terms out; malformed groups become one error beat each. The
 * model is cmodel/slqhw.c (lq_slqhw_dec).
 *
 * Structure: a circular buffer of D = lq_slqhw_dec_depth(L) entries. Each word of the
 * open group is written at the write pointer as a speculative term; when the group
 * closes good the commit pointer moves over it (the read side only sees committed
 * entries), and the last entry's wlast/vlast flags are set then (special framing only
 * knows a value has ended at the next word). An error rolls the write pointer back to
 * the commit pointer and writes one error entry there, committed when the group closes.
 * So a term of a malformed group is never visible, and one word is taken per clock.
 *
 * The block's whole description (gen/blocks/block.h): options, ports, files, view,
 * report and the stimulus (mirroring sim/verilator/slqdec_tb.cpp's biasing). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/slqhw.h"
#include "blocks/block.h"
#include "blocks/blocks.h"
#include "blocks/slq_options.h"
#include "emit/verilog.h"

extern const lq_block blk_slqdec; /* this block, defined at the end of the file */

static int log2i(int d)
{
    int p = 0;
    while ((1 << p) < d)
        p++;
    return p;
}

typedef struct {
    lq_file *v;
    int W, L, D, PW, CW, ED;
    lq_framing fr;
} dec_ctx;

/* The helpers below write one step of the decoder's combinational block at the
 * writer's current indentation. */

/* ERR(code): roll back to the commit pointer and write the error entry there. */
static void emit_err(vw *w, const dec_ctx *x, int code)
{
    char l1[32];
    vw_line(w, "b_d = 1'b1;");
    vw_line(w, "wr_en = 1'b1;");
    vw_line(w, "wr_ptr = ct_d[PW-1:0];");
    vw_line(w, "wr_data = {3'd%d, 1'b0, 1'b1, %s, 1'b1};", code, vw_lit(l1, x->W - 1, 0, 0));
    vw_line(w, "wr_wl = 1'b1;");
    vw_line(w, "wr_vl = 1'b0;");
    vw_line(w, "wp_d = ct_d + %s;", vw_lit(l1, x->PW + 1, 0, 1));
}

/* An error entry unless the group is already malformed. */
static void emit_err_once(vw *w, const dec_ctx *x, int code)
{
    vw_open(w, "if (!b_d) begin");
    emit_err(w, x, code);
    vw_close(w, "end");
}

/* ADD: the word joins the open group, or the group becomes malformed. */
static void emit_add(vw *w, const dec_ctx *x)
{
    char l0[32], l1[32];
    vw_lit(l0, x->CW, 0, 0);
    vw_open(w, "if (!b_d) begin");
    vw_open(w, "if (n_d == L) begin");
    emit_err(w, x, LQ_SLQ_ERR_TOO_MANY);
    w->indent--;
    vw_open(w, "end else if (n_d != %s && (w_zero || z_d)) begin", l0);
    emit_err(w, x, LQ_SLQ_ERR_ZERO_IN_MULTI);
    w->indent--;
    vw_open(w, "end else begin");
    vw_line(w, "wr_en = 1'b1;");
    vw_line(w, "wr_ptr = wp_d[PW-1:0];");
    vw_line(w, "wr_data = {3'd0, w_neg, w_zero, w_mag, n_d == %s};", l0);
    vw_line(w, "wr_wl = 1'b0;");
    vw_line(w, "wr_vl = 1'b0;");
    vw_line(w, "if (n_d == %s)", l0);
    vw_line(w, "    z_d = w_zero;");
    vw_line(w, "n_d = n_d + %s;", vw_lit(l1, x->CW, 0, 1));
    vw_line(w, "wp_d = wp_d + %s;", vw_lit(l1, x->PW + 1, 0, 1));
    vw_close(w, "end");
    vw_close(w, "end");
}

/* CLOSE(vl): commit the group; its last entry gets wlast and vlast = vl. */
static void emit_close(vw *w, const dec_ctx *x, const char *vl)
{
    char l1[32];
    vw_line(w, "ct_d = wp_d;");
    vw_open(w, "if (wr_en) begin");
    vw_line(w, "wr_wl = 1'b1;");
    vw_line(w, "wr_vl = %s;", vl);
    w->indent--;
    vw_open(w, "end else begin");
    vw_line(w, "pt_en = 1'b1;");
    vw_line(w, "pt_ptr = wp_d[PW-1:0] - %s;", vw_lit(l1, x->PW, 0, 1));
    vw_line(w, "pt_vl = %s;", vl);
    vw_close(w, "end");
    vw_line(w, "o_d = 1'b0;");
}

static void emit_open(vw *w, const dec_ctx *x)
{
    char l0[32];
    vw_line(w, "o_d = 1'b1;");
    vw_line(w, "b_d = 1'b0;");
    vw_line(w, "n_d = %s;", vw_lit(l0, x->CW, 0, 0));
    vw_line(w, "z_d = 1'b0;");
    if (x->fr == LQ_FRAMING_SPECIAL)
        vw_line(w, "a_d = 1'b0;");
}

/* The step for the word taken this cycle (inside "if (acc)"). */
static void emit_step(vw *w, const dec_ctx *x)
{
    if (x->fr == LQ_FRAMING_TAG) {
        vw_open(w, "if (!o_d) begin");
        emit_open(w, x);
        vw_close(w, "end");
        vw_open(w, "if (is_sep) begin");
        emit_err_once(w, x, LQ_SLQ_ERR_SPECIAL_IN_TAG);
        w->indent--;
        vw_open(w, "end else begin");
        emit_add(w, x);
        vw_close(w, "end");
        vw_open(w, "if (!more) begin");
        emit_close(w, x, "s_last");
        w->indent--;
        vw_open(w, "end else if (s_last) begin");
        emit_err_once(w, x, LQ_SLQ_ERR_TRUNCATED);
        emit_close(w, x, "1'b1");
        vw_close(w, "end");
        return;
    }
    vw_open(w, "if (is_sep) begin");
    vw_open(w, "if (!o_d) begin");
    emit_open(w, x);
    emit_err(w, x, LQ_SLQ_ERR_LEADING_SEP);
    w->indent--;
    vw_open(w, "end else if (a_d && !b_d) begin");
    emit_err(w, x, LQ_SLQ_ERR_DOUBLE_SEP);
    vw_close(w, "end");
    vw_line(w, "a_d = 1'b1;");
    vw_open(w, "if (s_last) begin");
    emit_err_once(w, x, LQ_SLQ_ERR_TRAILING_SEP);
    emit_close(w, x, "1'b1");
    vw_close(w, "end");
    w->indent--;
    vw_open(w, "end else begin");
    vw_open(w, "if (o_d && !a_d) begin  // a value word after a value word");
    emit_close(w, x, "1'b0");
    vw_close(w, "end");
    vw_open(w, "if (!o_d) begin");
    emit_open(w, x);
    vw_close(w, "end");
    vw_line(w, "a_d = 1'b0;");
    emit_add(w, x);
    vw_open(w, "if (s_last) begin");
    emit_close(w, x, "1'b1");
    vw_close(w, "end");
    vw_close(w, "end");
}

/* The derived sizes of a decoder of W-bit words, at most L words a weight. */
static void dec_ctx_init(dec_ctx *x, int w, int l, lq_framing fr)
{
    memset(x, 0, sizeof *x);
    x->W = w;
    x->L = l;
    x->fr = fr;
    x->D = lq_slqhw_dec_depth(l);
    x->PW = log2i(x->D);
    x->CW = log2i(l + 1);
    if (x->CW < 1)
        x->CW = 1;
    x->ED = w + 5;
}

static void emit_verilog(dec_ctx *x, const char *name, const lq_cmd *c)
{
    lq_file *v = x->v;
    int W = x->W, SW = W + (x->fr == LQ_FRAMING_TAG);
    int tag = x->fr == LQ_FRAMING_TAG;

    file_puts(v, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_header(v, "//", c);
    file_printf(v,
        "//\n// SLQ stream decoder: W = %d, L = %d, framing %s (docs/slq.md).\n"
        "// In: %d-bit words%s, s_last on the last word of a frame (vector).\n"
        "// Out: one beat per term of each good weight {m_neg, m_zero, m_shift = |k|}:\n"
        "//   value (m_neg ? -1 : 1) * 2^(FSR - m_shift), or 0 when m_zero; m_first and\n"
        "//   m_wlast mark a weight's first and last term, m_vlast the frame's last beat.\n"
        "//   A malformed group gives one beat with m_err = its lq_slq_error code\n"
        "//   (m_zero = m_first = m_wlast = 1), placed where the group ends.\n"
        "// A term appears one cycle after the word that closes its weight is taken.\n\n",
        W, x->L, lq_framing_name(x->fr), SW, tag ? " {tag, word}" : " (-M = separator)");
    file_printf(v, "module %s (\n", name);
    file_puts(v, "    input  wire clk,\n    input  wire rst,\n");
    file_puts(v, "    input  wire s_valid,\n    output wire s_ready,\n");
    file_printf(v, "    input  wire [%d:0] s_data,\n", SW - 1);
    file_puts(v, "    input  wire s_last,\n    output wire m_valid,\n    input  wire m_ready,\n");
    file_puts(v, "    output wire [2:0] m_err,\n    output wire m_neg,\n    output wire m_zero,\n");
    file_printf(v, "    output wire [%d:0] m_shift,\n", W - 2);
    file_puts(v, "    output wire m_first,\n    output wire m_wlast,\n    output wire m_vlast\n);\n\n");

    file_printf(v, "    localparam integer W = %d;       // word width\n", W);
    file_printf(v, "    localparam integer PW = %d;      // log2(D)\n", x->PW);
    file_printf(v, "    localparam integer CW = %d;      // width of a word count 0..L\n", x->CW);
    file_printf(v, "    localparam [CW-1:0] L = %d'd%d;  // most words of a weight\n", x->CW, x->L);
    file_printf(v, "    localparam [PW:0] D = %d'd%d;   // buffer entries, >= 2L + 2\n", x->PW + 1, x->D);
    file_printf(v, "    localparam integer ED = W + 5;  // entry: err, neg, zero, shift, first\n");
    file_printf(v, "    localparam [W-1:0] SEP = %d'b1%0*d; // -M\n\n", W, W - 1, 0);

    file_puts(v, "    reg [ED-1:0] mem_q [0:D-1];\n    reg [D-1:0] wl_q;\n    reg [D-1:0] vl_q;\n");
    file_puts(v, "    reg [PW:0] wp_q;  // write (speculative)\n"
                 "    reg [PW:0] ct_q;  // commit\n    reg [PW:0] rp_q;  // read\n");
    file_puts(v, "    reg open_q;\n    reg bad_q;\n    reg z_q;\n    reg [CW-1:0] n_q;\n");
    if (!tag)
        file_puts(v, "    reg after_q;\n");
    file_puts(v, "\n    wire acc = s_valid & s_ready;\n");
    file_puts(v, "    wire [W-1:0] w = s_data[W-1:0];\n");
    if (tag)
        file_puts(v, "    wire more = s_data[W];\n");
    file_puts(v, "    wire is_sep = w == SEP;\n    wire w_neg = w[W-1];\n");
    file_printf(v, "    wire w_zero = w == %d'd0;\n", W);
    file_printf(v, "    wire [W-2:0] w_mag = w_neg ? ~w[W-2:0] + %d'd1 : w[W-2:0];\n\n", W - 1);

    file_puts(v, "    reg o_d;\n    reg b_d;\n    reg z_d;\n    reg [CW-1:0] n_d;\n");
    if (!tag)
        file_puts(v, "    reg a_d;\n");
    file_puts(v, "    reg [PW:0] wp_d;\n    reg [PW:0] ct_d;\n");
    file_puts(v, "    reg wr_en;\n    reg [PW-1:0] wr_ptr;\n    reg [ED-1:0] wr_data;\n"
                 "    reg wr_wl;\n    reg wr_vl;\n");
    file_puts(v, "    reg pt_en;\n    reg [PW-1:0] pt_ptr;\n    reg pt_vl;\n\n");

    file_puts(v, "    // One step of the decoder of cmodel/slq.c for the word taken this cycle.\n");
    file_puts(v, "    always @* begin\n");
    file_puts(v, "        o_d = open_q;\n        b_d = bad_q;\n        z_d = z_q;\n        n_d = n_q;\n");
    if (!tag)
        file_puts(v, "        a_d = after_q;\n");
    file_puts(v, "        wp_d = wp_q;\n        ct_d = ct_q;\n");
    file_printf(v, "        wr_en = 1'b0;\n        wr_ptr = wp_q[PW-1:0];\n        wr_data = %d'd0;\n", W + 5);
    file_puts(v, "        wr_wl = 1'b0;\n        wr_vl = 1'b0;\n");
    file_puts(v, "        pt_en = 1'b0;\n        pt_ptr = wp_q[PW-1:0];\n        pt_vl = 1'b0;\n");
    file_puts(v, "        if (acc) begin\n");
    {
        vw w;
        vw_init(&w, v, 3);
        emit_step(&w, x);
    }
    file_puts(v, "        end\n    end\n\n");

    file_puts(v, "    always @(posedge clk) begin\n");
    file_puts(v, "        if (rst) begin\n");
    file_puts(v, "            open_q <= 1'b0;\n            bad_q <= 1'b0;\n            z_q <= 1'b0;\n");
    file_printf(v, "            n_q <= %d'd0;\n", x->CW);
    if (!tag)
        file_puts(v, "            after_q <= 1'b0;\n");
    file_printf(v, "            wp_q <= %d'd0;\n            ct_q <= %d'd0;\n            rp_q <= %d'd0;\n",
                x->PW + 1, x->PW + 1, x->PW + 1);
    file_puts(v, "        end else begin\n");
    file_puts(v, "            open_q <= o_d;\n            bad_q <= b_d;\n            z_q <= z_d;\n"
                 "            n_q <= n_d;\n");
    if (!tag)
        file_puts(v, "            after_q <= a_d;\n");
    file_puts(v, "            wp_q <= wp_d;\n            ct_q <= ct_d;\n");
    file_printf(v, "            if (m_valid && m_ready)\n                rp_q <= rp_q + %d'd1;\n",
                x->PW + 1);
    file_puts(v, "        end\n    end\n\n");
    file_puts(v, "    // The buffer: data only, no reset (the pointers say what is valid).\n");
    file_puts(v, "    always @(posedge clk) begin\n");
    file_puts(v, "        if (wr_en) begin\n");
    file_puts(v, "            mem_q[wr_ptr] <= wr_data;\n");
    file_puts(v, "            wl_q[wr_ptr] <= wr_wl;\n");
    file_puts(v, "            vl_q[wr_ptr] <= wr_vl;\n        end\n");
    file_puts(v, "        if (pt_en) begin\n");
    file_puts(v, "            wl_q[pt_ptr] <= 1'b1;\n");
    file_puts(v, "            vl_q[pt_ptr] <= pt_vl;\n        end\n    end\n\n");

    file_puts(v, "    wire [PW:0] used = wp_q - rp_q;\n");
    file_puts(v, "    assign s_ready = used != D;\n");
    file_puts(v, "    assign m_valid = ct_q != rp_q;\n");
    file_puts(v, "    wire [ED-1:0] rd = mem_q[rp_q[PW-1:0]];\n");
    file_puts(v, "    assign m_err = rd[ED-1:ED-3];\n    assign m_neg = rd[ED-4];\n"
                 "    assign m_zero = rd[ED-5];\n    assign m_shift = rd[W-1:1];\n"
                 "    assign m_first = rd[0];\n");
    file_puts(v, "    assign m_wlast = wl_q[rp_q[PW-1:0]];\n    assign m_vlast = vl_q[rp_q[PW-1:0]];\n\n");
    file_puts(v, "endmodule\n\n`resetall\n");
}

typedef struct {
    blk_slq slq;
    const char *uname;
    lq_format f;
    lq_framing fr;
    int sw;            /* stream word width */
    dec_ctx x;         /* the structure's sizes (x.v is set while writing) */
    char name[80];
} slqdec_gen;

static int write_v(lq_file *f, const void *state, const lq_cmd *c)
{
    const slqdec_gen *g = state;
    dec_ctx x = g->x;
    x.v = f;
    emit_verilog(&x, g->name, c);
    return 0;
}

/* For blocks that contain decoders (gen/blocks/slqdot.c): the decoder module NAME for
 * W-bit words, at most L words, framing fr, written into v exactly as `logq gen slqdec`
 * writes its NAME.v. */
void slqdec_write(lq_file *v, int w, int l, lq_framing fr, const char *name, const lq_cmd *c)
{
    dec_ctx x;
    dec_ctx_init(&x, w, l, fr);
    x.v = v;
    emit_verilog(&x, name, c);
}

static int write_h(lq_file *h, const void *state, const lq_cmd *c)
{
    const slqdec_gen *g = state;
        file_header(h, "//", c);
    file_printf(h, "// Parameters of %s.v for C/C++ test benches (docs/slq.md).\n", g->name);
    file_puts(h, "#ifndef SLQDEC_H\n#define SLQDEC_H\n");
    file_printf(h, "#define SLQDEC_NAME \"%s\"\n", g->name);
    file_printf(h, "#define SLQDEC_W %d             /* word width */\n", g->x.W);
    file_printf(h, "#define SLQDEC_L %d             /* most words of a weight */\n", g->x.L);
    file_printf(h, "#define SLQDEC_FRAMING %d       /* lq_framing: 1 tag, 2 special */\n",
                (int)g->fr);
    file_printf(h, "#define SLQDEC_SW %d            /* stream word width */\n", g->sw);
    file_printf(h, "#define SLQDEC_DEPTH %d         /* buffer entries */\n", g->x.D);
    file_printf(h, "#define SLQDEC_FSR %d           /* term value 2^(FSR - shift) */\n", g->f.fsr);
    blk_port_macros(h, &blk_slqdec, g, "SLQDEC");
    file_puts(h, "#endif\n");
    return 0;
}

/* ---- ports, view, report ---- */

static int slqdec_ports(const void *state, lq_port *p, int max)
{
    const slqdec_gen *g = state;
    int n = 0, W = g->x.W;
    if (max < 13)
        return 0;
    n += blk_ports_clock(p + n);
    n += blk_ports_handshake(p + n, LQ_STREAM_IN, 1, "s_valid", "s_ready", 0);
    p[n] = (lq_port){.name = "s_data", .dir = LQ_PORT_IN, .width = g->sw,
                     .desc = g->fr == LQ_FRAMING_TAG
                                 ? "SLQ words: word k (two's complement, -M unused); more = 1: "
                                   "the value goes on"
                                 : "SLQ words: word k (two's complement); -M separates the words "
                                   "of one value",
                     .stream = LQ_STREAM_IN};
    p[n].fields[p[n].nfields++] = (lq_field){"word", 0, W};
    if (g->fr == LQ_FRAMING_TAG)
        p[n].fields[p[n].nfields++] = (lq_field){"more", W, 1};
    n++;
    n += blk_port_last(p + n, "s_last", "the frame's (vector's) last word");
    n += blk_ports_handshake(p + n, LQ_STREAM_OUT, 0, "m_valid", "m_ready", 0);
    p[n++] = (lq_port){.name = "m_err", .dir = LQ_PORT_OUT, .width = 3,
                       .desc = "0, or the lq_slq_error code of a malformed group",
                       .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_neg", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "the term is negative", .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_zero", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "the term is zero", .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_shift", .dir = LQ_PORT_OUT, .width = W - 1,
                       .desc = "|k|: the term is (m_neg ? -1 : 1) * 2^(FSR - m_shift)",
                       .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_first", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "a weight's first term", .stream = LQ_STREAM_OUT,
                       .axis = LQ_AXIS_TUSER};
    p[n++] = (lq_port){.name = "m_wlast", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "a weight's last term", .stream = LQ_STREAM_OUT,
                       .axis = LQ_AXIS_TUSER};
    p[n++] = (lq_port){.name = "m_vlast", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "the frame's last beat", .stream = LQ_STREAM_OUT,
                       .axis = LQ_AXIS_TLAST};
    return n;
}

/* The buffer's pointers and the open group. */
static int slqdec_view(const void *state, gtkw_signal *s, int max, char (*names)[40])
{
    const dec_ctx *x = &((const slqdec_gen *)state)->x;
    (void)names;
    if (max < 7)
        return 0;
    s[0] = (gtkw_signal){"wp_q", x->PW + 1, GTKW_DEC};
    s[1] = (gtkw_signal){"ct_q", x->PW + 1, GTKW_DEC};
    s[2] = (gtkw_signal){"rp_q", x->PW + 1, GTKW_DEC};
    s[3] = (gtkw_signal){"used", x->PW + 1, GTKW_DEC};
    s[4] = (gtkw_signal){"open_q", 1, GTKW_BIN};
    s[5] = (gtkw_signal){"bad_q", 1, GTKW_BIN};
    s[6] = (gtkw_signal){"n_q", x->CW, GTKW_DEC};
    return 7;
}

static void slqdec_report(const void *state, const char *out)
{
    const slqdec_gen *g = state;
    const dec_ctx *x = &g->x;
    printf("  in : s_valid s_ready s_data[%d:0] s_last (%s framing, W = %d, L = %d)\n", g->sw - 1,
           lq_framing_name(g->fr), x->W, x->L);
    printf("  out: m_valid m_ready m_err[2:0] m_neg m_zero m_shift[%d:0] m_first m_wlast "
           "m_vlast\n", x->W - 2);
    printf("  buffer %d entries; throughput one word per clock; a term is out one cycle after\n"
           "  the word that closes its weight\n", x->D);
    printf("  co-simulate: make slq-sim SLQ_W=%d SLQ_L=%d SLQ_FRAMING=%s (mk/slq.mk)\n", x->W, x->L,
           lq_framing_name(g->fr));
    printf("  icarus: logq vectors slqdec <these options> -o VEC && WAVES=1 sim/icarus/run.sh %s VEC\n"
           "          (then gtkwave VEC/%s_tb.vcd %s/%s.gtkw)\n", out, g->name, out, g->name);
}

/* ---- options ---- */

#define T slqdec_gen
static const blk_option slqdec_options[] = {
    BLK_SLQ_OPTIONS(T, slq,
                    "tag (W+1-bit words, tag in bit W) or special (-M separators)\n(required)",
                    "most words of one weight, %r (default %d)",
                    "recorded in NAME.h only: a term's value is +-2^(F - shift)"),
    BLK_TEXT(T, "name", "NAME", uname,
             "module name (default slqdec_w<W>_l<L>_<framing>): a-z, 0-9, _", BO_BOTH),
};
#undef T

static void slqdec_defaults(void *state)
{
    slqdec_gen *g = state;
    memset(g, 0, sizeof *g);
    blk_slq_defaults(&g->slq);
}

static int slqdec_finish(void *state, const blk_args *a, unsigned where)
{
    slqdec_gen *g = state;
    if (blk_slq_finish(&g->slq, a, where == BO_GEN ? "gen slqdec" : "vectors slqdec", 1, &g->f,
                       &g->fr) != 0)
        return -1;
    if (g->uname) {
        if (blk_check_name(g->uname) != 0)
            return -1;
        snprintf(g->name, sizeof g->name, "%s", g->uname);
    } else {
        snprintf(g->name, sizeof g->name, "slqdec_w%d_l%d_%s", g->f.bits, g->f.max_words,
                 lq_framing_name(g->fr));
    }
    g->sw = lq_slq_stream_width(&g->f, g->fr);
    dec_ctx_init(&g->x, g->f.bits, g->f.max_words, g->fr);
    return 0;
}

static const char *slqdec_module(const void *state)
{
    return ((const slqdec_gen *)state)->name;
}

/* ---- stimulus: `logq vectors slqdec` (mirrors sim/verilator/slqdec_tb.cpp) ---- */

enum { SLQ_FRAME_MAX = 1024 };

typedef struct {
    uint32_t w[SLQ_FRAME_MAX];
    int n;
} slq_frame;

typedef struct {
    vec_out *v;
    lq_format f;
    lq_framing fr;
    int sw;
    uint32_t swmask;
    lq_slqhw_dec dec;
} slqd_vec;

static void frame_push(slq_frame *s, uint32_t w)
{
    if (s->n < SLQ_FRAME_MAX)
        s->w[s->n++] = w;
}

static lq_format slqd_fmt(const slqd_vec *g, int floor_rounding)
{
    lq_format f = g->f;
    f.rounding = floor_rounding ? LQ_FLOOR : LQ_NEAREST;
    f.is_signed = true;
    f.theta = 0.0;
    return f;
}

/* Gaussian weights in either rounding; kind 1 adds zero weights, kind 2 the paper's
 * 0.4375 when W = 5 and FSR = 0 (slqdec_tb.cpp: good_frame). */
static void slqd_good(slqd_vec *g, slq_frame *s, int kind)
{
    vec_out *v = g->v;
    lq_format f = slqd_fmt(g, (int)vec_rnd(v, 2));
    int k = 1 + (int)vec_rnd(v, 12);
    double scale = ldexp(1.0, f.fsr - 1 - (int)vec_rnd(v, 4));
    for (int i = 0; i < k; i++) {
        double x = lq_rng_gauss(&v->rng) * scale;
        uint32_t w[2 * LQ_SLQ_WORDS_MAX + 2];
        if (kind == 1 && vec_rnd(v, 3) == 0)
            x = 0.0;
        if (kind == 2 && f.bits == 5 && f.fsr == 0)
            x = vec_rnd(v, 2) ? 0.4375 : -0.4375;
        lq_slq_value val = lq_slq_encode(&f, x);
        int n = lq_slq_frame_value(&f, g->fr, &val, w);
        for (int j = 0; j < n; j++)
            frame_push(s, w[j]);
    }
}

/* A group of exactly n value words (n may exceed L: malformed). */
static void slqd_raw_group(slqd_vec *g, slq_frame *s, int n, int allow_zero)
{
    vec_out *v = g->v;
    int kmax = (1 << (g->f.bits - 1)) - 1;
    lq_format f = slqd_fmt(g, 0);
    for (int i = 0; i < n; i++) {
        int k = 1 + (int)vec_rnd(v, kmax);
        if (vec_rnd(v, 2))
            k = -k;
        if (allow_zero && vec_rnd(v, 4) == 0)
            k = 0;
        uint32_t w = lq_slq_word(&f, k);
        if (g->fr == LQ_FRAMING_TAG) {
            frame_push(s, w | ((i + 1 < n ? 1u : 0u) << f.bits));
        } else {
            if (i > 0)
                frame_push(s, lq_slq_special(&f));
            frame_push(s, w);
        }
    }
}

/* Random words biased to -M, 0 and the tag bit. */
static uint32_t slqd_random_word(slqd_vec *g)
{
    vec_out *v = g->v;
    lq_format f = slqd_fmt(g, 0);
    switch (vec_rnd(v, 6)) {
    case 0: return (lq_slq_special(&f) | (uint32_t)(vec_rnd(v, 2) << f.bits)) & g->swmask;
    case 1: return (uint32_t)(vec_rnd(v, 2) << f.bits) & g->swmask;
    default: return (uint32_t)lq_rng_u64(&v->rng) & g->swmask;
    }
}

static void slqd_frame(slqd_vec *g, slq_frame *s)
{
    vec_out *v = g->v;
    int kind = (int)vec_rnd(v, 9), L = g->f.max_words;
    s->n = 0;
    switch (kind) {
    case 0: case 1: case 2: slqd_good(g, s, kind); break;
    case 3:
        for (int k = 1 + (int)vec_rnd(v, 6); k > 0; k--)
            slqd_raw_group(g, s, 1 + (int)vec_rnd(v, L), 0);
        break;
    case 4:
        for (int k = 1 + (int)vec_rnd(v, 4); k > 0; k--)
            slqd_raw_group(g, s, 1 + (int)vec_rnd(v, L + 2), 1);
        break;
    case 5: case 6: { /* a good frame with 1-3 mutations */
        slqd_good(g, s, 0);
        for (int m = 1 + (int)vec_rnd(v, 3); m > 0; m--) {
            int p = (int)vec_rnd(v, s->n);
            switch (vec_rnd(v, 4)) {
            case 0: s->w[p] = slqd_random_word(g); break;
            case 1: s->w[p] ^= 1u << vec_rnd(v, g->sw); break;
            case 2:
                if (s->n < SLQ_FRAME_MAX) {
                    memmove(s->w + p + 1, s->w + p, (size_t)(s->n - p) * sizeof s->w[0]);
                    s->w[p] = slqd_random_word(g);
                    s->n++;
                }
                break;
            default:
                if (s->n > 1) {
                    memmove(s->w + p, s->w + p + 1, (size_t)(s->n - p - 1) * sizeof s->w[0]);
                    s->n--;
                }
                break;
            }
        }
        break;
    }
    default: /* garbage; sometimes a one-word frame */
        for (int k = 1 + (int)vec_rnd(v, kind == 7 ? 1 : 10); k > 0; k--)
            frame_push(s, slqd_random_word(g));
        break;
    }
}

static void slqd_word(slqd_vec *g, uint32_t w, int last)
{
    static bitword b;
    vec_out *v = g->v;
    lq_slqhw_beat out[LQ_SLQHW_BEATS_MAX];
    int nb;
    b.n = 0;
    bw_put(&b, w, g->sw);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    nb = lq_slqhw_dec_step(&g->dec, w, last, out);
    for (int i = 0; i < nb; i++) {
        b.n = 0;
        bw_put(&b, (uint64_t)out[i].err, 3);
        bw_put(&b, (uint64_t)out[i].neg, 1);
        bw_put(&b, (uint64_t)out[i].zero, 1);
        bw_put(&b, (uint64_t)out[i].shift, g->f.bits - 1);
        bw_put(&b, (uint64_t)out[i].first, 1);
        bw_put(&b, (uint64_t)out[i].wlast, 1);
        bw_put(&b, (uint64_t)out[i].vlast, 1);
        vec_item(v, &b);
    }
}

static int slqdec_stimulus(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                           const lq_cmd *c)
{
    static slq_frame s;
    slqdec_gen *sg = state;
    slqd_vec g;
    (void)fs;
    (void)c;
    memset(&g, 0, sizeof g);
    g.v = v;
    g.f = sg->f;
    g.fr = sg->fr;
    g.sw = sg->sw;
    g.swmask = (1u << g.sw) - 1u;
    lq_slqhw_dec_reset(&g.dec, &g.f, g.fr);
    for (int i = 0; i < o->count; i++) {
        slqd_frame(&g, &s);
        for (int j = 0; j < s.n; j++)
            slqd_word(&g, s.w[j], j + 1 == s.n);
    }
    return LQ_EXIT_OK;
}

/* ---- the descriptor ---- */

static const blk_file slqdec_files[] = {
    {"%s.v", "the decoder", write_v, 1},
    {"%s.h", "parameters and the port layout for C/C++ benches (SLQDEC_*)", write_h, 0},
};

const lq_block blk_slqdec = {
    .name = "slqdec",
    .summary = "logq SLQ stream decoder (docs/slq.md)",
    .synopsis = "--bits W --framing tag|special [options] -o DIR",
    .about = "The SLQ stream decoder: SLQ words in, one shift-add term per word out, one\n"
             "error beat per malformed group; one word per clock.",
    .doc = "docs/slq.md",
    .opts = slqdec_options,
    .nopts = (int)(sizeof slqdec_options / sizeof slqdec_options[0]),
    .state_size = sizeof(slqdec_gen),
    .defaults = slqdec_defaults,
    .finish = slqdec_finish,
    .module = slqdec_module,
    .ports = slqdec_ports,
    .latency = -1,    /* a weight's terms leave once its last word is in (docs/slq.md) */
    .tb_latency = 2,
    .out_data_reset = 0, /* the term buffer is not reset: checked while m_valid */
    .out_per_vector = 0, /* one item per term, not per frame */
    .out_last = "m_vlast", /* a frame's last item: +midreset resends from the frame's start */
    .files = slqdec_files,
    .nfiles = (int)(sizeof slqdec_files / sizeof slqdec_files[0]),
    .view_scope = "%s_tb.dut",
    .view_titles = {"input stream (words)", NULL, "output stream (terms)"},
    .view_title = "buffer pointers, open group",
    .view = slqdec_view,
    .report = slqdec_report,
    .phased = 1,
    .stimulus = slqdec_stimulus,
};
