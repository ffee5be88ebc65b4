/* The log-domain accumulator block: `logq gen logacc` and `logq vectors logacc`
 * (docs/logacc.md). Per beat N product exponents (zero flag, sign, E-bit two's
 * complement exponent) are summed in the log domain into a positive and a negative
 * sum; `last` returns both and restarts. cmodel/logacc.c is the bit-exact model and
 * gives the derived constants and the correction table.
 *
 * The block's whole description (gen/blocks/block.h): options, derivation, ports,
 * files (NAME.v: the top; NAME_add.v: the log-domain adder; NAME.h), view, report,
 * and the stimulus with the model's expected outputs. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/logacc.h"
#include "blocks/block.h"
#include "blocks/blocks.h"
#include "blocks/pipeline.h"
#include "emit/verilog.h"

extern const lq_block blk_logacc; /* this block, defined at the end of the file */

enum { LOGACC_LEVELS_MAX = 8 }; /* ceil(log2 64) = 6 tree levels, and the input */

typedef struct {
    /* options */
    int lanes, base, exp_bits, frac, corr;
    const char *pipeline, *name;
    /* derived */
    lq_logacc m;      /* the model: derived constants and table */
    int have_m;
    int pipe;         /* register stages */
    int sw, si, lw, f, e, n, levels;
    int dw, db;       /* width of the difference d, width of the table index */
    int reg_after[LOGACC_LEVELS_MAX + 1]; /* a register stage after tree level l */
    char upper[80];
} logacc_gen;

static int clog2_i64(int64_t v)
{
    int b = 0;
    while (((int64_t)1 << b) < v)
        b++;
    return b;
}

/* The adder module: r = max(a, b) + C(d), saturating; zero is the identity. */
static void emit_add(lq_file *v, const logacc_gen *g)
{
    const lq_logacc *m = &g->m;
    int sw = g->sw, f = g->f, si = g->si;
    int paper = m->cfg.corr == LQ_CORR_PAPER;
    char l1[32];
    vw w;

    file_printf(v, "// %s_add: one log-domain addition, r = max(a, b) + C(d), saturating at\n"
                   "// the largest state; a zero operand is the identity.\n",
                g->name);
    file_printf(v, "module %s_add (\n", g->name);
    file_printf(v, "    input  wire        a_z,\n"
                   "    input  wire [%d:0] a,\n"
                   "    input  wire        b_z,\n"
                   "    input  wire [%d:0] b,\n"
                   "    output wire        r_z,\n"
                   "    output wire [%d:0] r\n);\n",
                sw - 1, sw - 1, sw - 1);
    vw_init(&w, v, 1);
    vw_line(&w, "/* verilator no_inline_module */");
    vw_line(&w, "localparam integer SW = %d;    // state width: E + 1 + F", sw);
    vw_line(&w, "localparam integer F = %d;     // fraction bits", f);
    vw_line(&w, "localparam integer DCUT = %lld; // C(d) = 0 for d >= DCUT", (long long)m->dcut);
    vw_line(&w, "localparam [%d:0] SMAX = %d'h%llx;", sw - 1, sw, (unsigned long long)m->vmax);
    vw_blank(&w);
    vw_wire(&w, 0, 0, "a_ge", "$signed(a) >= $signed(b)");
    vw_wire(&w, 0, sw, "mx", "a_ge ? a : b");
    if (paper) {
        vw_line(&w, "// d = |floor(a) - floor(b)|: the integer parts, sign-extended by one bit");
        vw_wire(&w, 0, si + 1, "ai", "{a[%d], a[%d:%d]}", sw - 1, sw - 1, f);
        vw_wire(&w, 0, si + 1, "bi", "{b[%d], b[%d:%d]}", sw - 1, sw - 1, f);
        vw_wire(&w, 0, g->dw, "d", "($signed(ai) >= $signed(bi)) ? (ai - bi) : (bi - ai)");
    } else {
        vw_line(&w, "// d = |a - b| in units of 2^-F, one bit wider than the state");
        vw_wire(&w, 0, sw + 1, "ax", "{a[%d], a}", sw - 1);
        vw_wire(&w, 0, sw + 1, "bx", "{b[%d], b}", sw - 1);
        vw_wire(&w, 0, g->dw, "d", "a_ge ? (ax - bx) : (bx - ax)");
    }
    vw_wire(&w, 0, 0, "in_tab", "d < %s", vw_lit(l1, g->dw, 0, m->dcut));
    /* The table as a ROM: an array initialised with exact sized constants. Simulators
     * and FPGA synthesis (yosys, vendors) read it as a ROM; it compiles much faster in
     * Verilator than a case statement of the same size. */
    vw_line(&w, "reg [%d:0] tab [0:%lld];", f, (long long)m->dcut - 1);
    vw_open(&w, "initial begin");
    for (int64_t d = 0; d < m->dcut; d++)
        vw_line(&w, "tab[%lld] = %s;", (long long)d, vw_lit(l1, f + 1, 0, m->tab[d]));
    vw_close(&w, "end");
    vw_wire(&w, 0, g->db, "idx", "d[%d:0]", g->db - 1);
    vw_wire(&w, 0, f + 1, "c", "in_tab ? tab[idx] : %s", vw_lit(l1, f + 1, 0, 0));
    vw_blank(&w);
    vw_wire(&w, 0, sw + 1, "sum", "{mx[%d], mx} + {%s, c}", sw - 1, vw_lit(l1, sw - f, 0, 0));
    vw_wire(&w, 0, 0, "ovf", "~sum[%d] & sum[%d]", sw, sw - 1);
    vw_wire(&w, 0, sw, "rs", "ovf ? SMAX : sum[%d:0]", sw - 1);
    vw_assign(&w, "r_z", "a_z & b_z");
    vw_assign(&w, "r", "a_z ? b : (b_z ? a : rs)");
    file_printf(v, "\n    initial begin\n"
                   "        if (SW != F + %d || DCUT < 1) begin\n"
                   "            $display(\"%s_add: inconsistent constants, regenerate\");\n"
                   "            $finish;\n        end\n    end\n",
                g->e + 1, g->name);
    file_printf(v, "endmodule\n\n");
}


/* After level l (nc nodes per tree): valid/last v<l>/l<l>, and the registers if the
 * level is registered (nodes were written with suffix "c"). v<-1> is vin. */
static void emit_level_end(lq_file *v, const logacc_gen *g, int l, int nc)
{
    const char sg[2] = {'p', 'n'};
    char pv[16], pl[16], lname[16];
    enum { NODES = 4 * LQ_LOGACC_LANES_MAX }; /* zero flag and value, both trees */
    char dst[NODES][24], src[NODES][24];
    const char *dp[NODES + 1], *sp[NODES + 1];
    int n = 0;
    vw w;
    vw_init(&w, v, 1);
    if (l == 0) {
        snprintf(pv, sizeof pv, "vin");
        snprintf(pl, sizeof pl, "lin");
    } else {
        snprintf(pv, sizeof pv, "v%d", l - 1);
        snprintf(pl, sizeof pl, "l%d", l - 1);
    }
    if (!g->reg_after[l]) {
        vw_line(&w, "wire v%d = %s;", l, pv);
        vw_line(&w, "wire l%d = %s;", l, pl);
        vw_blank(&w);
        return;
    }
    for (int s = 0; s < 2; s++)
        for (int j = 0; j < nc; j++) {
            snprintf(dst[n], sizeof dst[n], "%c%dz_%d", sg[s], l, j);
            snprintf(dst[n + 1], sizeof dst[n + 1], "%c%dv_%d", sg[s], l, j);
            snprintf(src[n], sizeof src[n], "%c%dzc_%d", sg[s], l, j);
            snprintf(src[n + 1], sizeof src[n + 1], "%c%dvc_%d", sg[s], l, j);
            vw_reg(&w, 0, 0, dst[n]);
            vw_reg(&w, 0, g->sw, dst[n + 1]);
            n += 2;
        }
    vw_line(&w, "reg v%d, l%d;", l, l);
    vw_open(&w, "always @(posedge clk) begin");
    vw_line(&w, "if (rst)");
    vw_line(&w, "    v%d <= 1'b0;", l);
    vw_line(&w, "else if (en)");
    vw_line(&w, "    v%d <= %s;", l, pv);
    vw_close(&w, "end");
    /* the data of the stage: last, then the nodes of both trees */
    snprintf(lname, sizeof lname, "l%d", l);
    dp[0] = lname;
    sp[0] = pl;
    for (int k = 0; k < n; k++) {
        dp[k + 1] = dst[k];
        sp[k + 1] = src[k];
    }
    vw_stage(&w, "en", dp, sp, n + 1);
    vw_blank(&w);
}

/* Names of a tree node: sign s ('p' or 'n'), level l, index j. */
static void emit_top(lq_file *v, const logacc_gen *g)
{
    int sw = g->sw, e = g->e, f = g->f, lw = g->lw, n = g->n, half = g->m.cfg.half;
    const char sg[2] = {'p', 'n'};
    int cnt = n;
    char nm[32], lit[32];
    vw w;

    file_printf(v, "// %s: log-domain accumulator, %d lane(s), base %s, %d-bit exponents,\n"
                   "// %d fraction bits, %s correction, pipeline '%s' (%d register stage(s)).\n"
                   "// s_data lane i = bits [i*%d +: %d] = {zero, sign, exponent[%d:0]}.\n",
                g->name, n, half ? "sqrt(2)" : "2", e, f, lq_logacc_corr_name(g->m.cfg.corr),
                g->pipeline, g->pipe, lw, lw, e - 1);
    file_printf(v, "module %s #(\n"
                   "    parameter integer LANES = %d,\n"
                   "    parameter integer EXP_BITS = %d,\n"
                   "    parameter integer FRAC = %d\n) (\n",
                g->name, n, e, f);
    file_printf(v, "    input  wire        clk,\n"
                   "    input  wire        rst,\n"
                   "    input  wire        s_valid,\n"
                   "    output wire        s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    input  wire        s_last,\n"
                   "    output wire        m_valid,\n"
                   "    input  wire        m_ready,\n"
                   "    output wire        m_pos_z,\n"
                   "    output wire [%d:0] m_pos,\n"
                   "    output wire        m_neg_z,\n"
                   "    output wire [%d:0] m_neg\n);\n",
                n * lw - 1, sw - 1, sw - 1);
    file_printf(v, "    localparam integer LANE_W = EXP_BITS + 2;\n"
                   "    localparam integer SW = EXP_BITS + 1 + FRAC;\n"
                   "    localparam integer PIPE = %d;\n"
                   "    localparam integer LATENCY = PIPE + 1;\n\n",
                g->pipe);
    file_printf(v, "    initial begin\n"
                   "        if (LANES != %d || EXP_BITS != %d || FRAC != %d || LANE_W != %d ||\n"
                   "            SW != %d || LATENCY != %d) begin\n"
                   "            $display(\"%s: generated for LANES=%d EXP_BITS=%d FRAC=%d; "
                   "regenerate with logq gen logacc\");\n"
                   "            $finish;\n        end\n    end\n\n",
                n, e, f, lw, sw, g->pipe + 1, g->name, n, e, f);
    file_printf(v, "    // Stall everything while a result waits for m_ready.\n"
                   "    reg m_valid_r;\n"
                   "    wire en = ~m_valid_r | m_ready;\n"
                   "    assign s_ready = en;\n"
                   "    assign m_valid = m_valid_r;\n\n");

    /* Level 0: lanes as terms of the positive and the negative tree. */
    vw_init(&w, v, 1);
    vw_line(&w, "// Level 0: each lane is a term of the positive or the negative tree%s.",
            g->reg_after[0] ? ", registered" : "");
    for (int i = 0; i < n; i++) {
        int b = i * lw;
        const char *suf = g->reg_after[0] ? "c" : "";
        char zero[32], ext[48];
        snprintf(nm, sizeof nm, "x_%d", i);
        vw_wire(&w, 0, e, nm, "s_data[%d:%d]", b + e - 1, b);
        /* the exponent as a state: sign-extended, F - half fraction bits of zeros */
        snprintf(ext, sizeof ext, ", %s", vw_lit(lit, f - half, 0, 0));
        snprintf(nm, sizeof nm, "xv_%d", i);
        if (half)
            vw_wire(&w, 0, sw, nm, "{{2{x_%d[%d]}}, x_%d%s}", i, e - 1, i, f - half > 0 ? ext : "");
        else
            vw_wire(&w, 0, sw, nm, "{x_%d[%d], x_%d%s}", i, e - 1, i, f - half > 0 ? ext : "");
        snprintf(nm, sizeof nm, "p0z%s_%d", suf, i);
        vw_wire(&w, 0, 0, nm, "s_data[%d] | s_data[%d]", b + e + 1, b + e);
        snprintf(nm, sizeof nm, "n0z%s_%d", suf, i);
        vw_wire(&w, 0, 0, nm, "s_data[%d] | ~s_data[%d]", b + e + 1, b + e);
        vw_lit(zero, sw, 0, 0);
        snprintf(nm, sizeof nm, "p0v%s_%d", suf, i);
        vw_wire(&w, 0, sw, nm, "p0z%s_%d ? %s : xv_%d", suf, i, zero, i);
        snprintf(nm, sizeof nm, "n0v%s_%d", suf, i);
        vw_wire(&w, 0, sw, nm, "n0z%s_%d ? %s : xv_%d", suf, i, zero, i);
    }
    vw_wire(&w, 0, 0, "vin", "s_valid");
    vw_wire(&w, 0, 0, "lin", "s_last");
    emit_level_end(v, g, 0, n);

    /* Levels 1..L: pairs of the level below through NAME_add, an odd one passed on. */
    for (int l = 1; l <= g->levels; l++) {
        int nc = (cnt + 1) / 2, reg = g->reg_after[l];
        const char *suf = reg ? "c" : "";
        vw_line(&w, "// Level %d: %d -> %d%s", l, cnt, nc, reg ? ", registered" : "");
        for (int s = 0; s < 2; s++) {
            for (int j = 0; j < nc; j++) {
                char c = sg[s], rz[32], rv[32];
                snprintf(rz, sizeof rz, "%c%dz%s_%d", c, l, suf, j);
                snprintf(rv, sizeof rv, "%c%dv%s_%d", c, l, suf, j);
                vw_wire(&w, 0, 0, rz, NULL);
                vw_wire(&w, 0, sw, rv, NULL);
                if (2 * j + 1 < cnt) {
                    vw_line(&w, "%s_add u_%c%d_%d (.a_z(%c%dz_%d), .a(%c%dv_%d), .b_z(%c%dz_%d), "
                                ".b(%c%dv_%d), .r_z(%s), .r(%s));",
                            g->name, c, l, j, c, l - 1, 2 * j, c, l - 1, 2 * j, c, l - 1,
                            2 * j + 1, c, l - 1, 2 * j + 1, rz, rv);
                } else {
                    vw_assign(&w, rz, "%c%dz_%d", c, l - 1, 2 * j);
                    vw_assign(&w, rv, "%c%dv_%d", c, l - 1, 2 * j);
                }
            }
        }
        emit_level_end(v, g, l, nc);
        cnt = nc;
    }

    int L = g->levels;
    file_printf(v, "    // The running sums: acc + tree, one addition per clock.\n"
                   "    reg ap_z, an_z;\n    reg [%d:0] ap, an;\n"
                   "    wire sp_z, sn_z;\n    wire [%d:0] sp, sn;\n",
                sw - 1, sw - 1);
    file_printf(v, "    %s_add u_accp (.a_z(ap_z), .a(ap), .b_z(p%dz_0), .b(p%dv_0), "
                   ".r_z(sp_z), .r(sp));\n",
                g->name, L, L);
    file_printf(v, "    %s_add u_accn (.a_z(an_z), .a(an), .b_z(n%dz_0), .b(n%dv_0), "
                   ".r_z(sn_z), .r(sn));\n",
                g->name, L, L);
    file_printf(v, "    reg op_z, on_z;\n    reg [%d:0] op, on;\n", sw - 1);
    file_printf(v,
                "    always @(posedge clk) begin\n"
                "        if (rst) begin\n"
                "            m_valid_r <= 1'b0;\n"
                "            ap_z <= 1'b1;\n            ap <= %d'd0;\n"
                "            an_z <= 1'b1;\n            an <= %d'd0;\n"
                "        end else if (en) begin\n"
                "            m_valid_r <= v%d & l%d;\n"
                "            if (v%d) begin\n"
                "                if (l%d) begin\n"
                "                    ap_z <= 1'b1;\n                    ap <= %d'd0;\n"
                "                    an_z <= 1'b1;\n                    an <= %d'd0;\n"
                "                end else begin\n"
                "                    ap_z <= sp_z;\n                    ap <= sp;\n"
                "                    an_z <= sn_z;\n                    an <= sn;\n"
                "                end\n"
                "            end\n"
                "        end\n"
                "    end\n",
                sw, sw, L, L, L, L, sw, sw);
    file_printf(v, "    always @(posedge clk) begin\n"
                   "        if (en && v%d && l%d) begin\n"
                   "            op_z <= sp_z;\n            op <= sp;\n"
                   "            on_z <= sn_z;\n            on <= sn;\n"
                   "        end\n    end\n",
                L, L);
    file_printf(v, "    assign m_pos_z = op_z;\n    assign m_pos = op;\n"
                   "    assign m_neg_z = on_z;\n    assign m_neg = on;\n");
    file_printf(v, "endmodule\n");
}

static int write_top(lq_file *f, const void *state, const lq_cmd *c)
{
    file_header(f, "//", c);
    file_puts(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_top(f, state);
    file_puts(f, "\n`resetall\n");
    return 0;
}

static int write_add(lq_file *f, const void *state, const lq_cmd *c)
{
    file_header(f, "//", c);
    file_puts(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_add(f, state);
    file_puts(f, "`resetall\n");
    return 0;
}

static int write_h(lq_file *h, const void *state, const lq_cmd *c)
{
    const logacc_gen *g = state;
    const char *up = g->upper;
        file_header(h, "//", c);
    file_printf(h, "#ifndef %s_H\n#define %s_H\n\n", up, up);
    file_printf(h, "#define %s_LANES %d\n", up, g->n);
    file_printf(h, "#define %s_BASE_HALF %d /* 1: base sqrt(2), exponents in half steps */\n", up,
                g->m.cfg.half);
    file_printf(h, "#define %s_EXP_BITS %d\n", up, g->e);
    file_printf(h, "#define %s_FRAC %d\n", up, g->f);
    file_printf(h, "#define %s_CORR %d /* 0 paper, 1 table */\n", up, (int)g->m.cfg.corr);
    file_printf(h, "#define %s_PIPE %d\n", up, g->pipe);
    file_printf(h, "#define %s_LATENCY %d\n", up, g->pipe + 1);
    file_printf(h, "#define %s_LEVELS %d\n", up, g->levels);
    file_printf(h, "#define %s_LANE_BITS %d /* {zero, sign, exponent} */\n", up, g->lw);
    file_printf(h, "#define %s_DATA_BITS %d\n", up, g->lw * g->n);
    file_printf(h, "#define %s_STATE_BITS %d\n", up, g->sw);
    file_printf(h, "#define %s_DCUT %lld\n", up, (long long)g->m.dcut);
    blk_port_macros(h, &blk_logacc, g, up);
    file_printf(h, "\n#endif\n");
    return 0;
}

/* ---- ports, view, report ---- */

static int logacc_ports(const void *state, lq_port *p, int max)
{
    const logacc_gen *g = state;
    int n = 0;
    if (max < 12)
        return 0;
    n += blk_ports_clock(p + n);
    n += blk_ports_handshake(p + n, LQ_STREAM_IN, 1, "s_valid", "s_ready", 0);
    p[n] = (lq_port){.name = "s_data", .dir = LQ_PORT_IN, .width = g->n * g->lw,
                     .desc = g->m.cfg.half ? "product terms: zero = 1 is 0; else (sign = 1: -, 0: +) "
                                             "2^(exp/2), exp two's complement"
                                           : "product terms: zero = 1 is 0; else (sign = 1: -, 0: +) "
                                             "2^exp, exp two's complement",
                     .stream = LQ_STREAM_IN, .lanes = g->n, .lane_bits = g->lw};
    p[n].fields[p[n].nfields++] = (lq_field){"exp", 0, g->e};
    p[n].fields[p[n].nfields++] = (lq_field){"sign", g->e, 1};
    p[n].fields[p[n].nfields++] = (lq_field){"zero", g->e + 1, 1};
    n++;
    n += blk_port_last(p + n, "s_last", "the vector's last beat");
    n += blk_ports_handshake(p + n, LQ_STREAM_OUT, 0, "m_valid", "m_ready", 0);
    p[n++] = (lq_port){.name = "m_pos_z", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "the positive sum is zero", .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_pos", .dir = LQ_PORT_OUT, .width = g->sw,
                       .desc = "log2 of the positive sum, fixed point", .stream = LQ_STREAM_OUT,
                       .is_signed = 1, .has_lsb = 1, .lsb_exp = -g->f};
    p[n++] = (lq_port){.name = "m_neg_z", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "the negative sum is zero", .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_neg", .dir = LQ_PORT_OUT, .width = g->sw,
                       .desc = "log2 of the magnitude of the negative sum, fixed point",
                       .stream = LQ_STREAM_OUT, .is_signed = 1, .has_lsb = 1, .lsb_exp = -g->f};
    return n;
}

/* The valid/last at the tree's end, the enable and the running sums. */
static int logacc_view(const void *state, gtkw_signal *s, int max, char (*names)[40])
{
    const logacc_gen *g = state;
    if (max < 7)
        return 0;
    snprintf(names[0], sizeof names[0], "v%d", g->levels);
    snprintf(names[1], sizeof names[1], "l%d", g->levels);
    s[0] = (gtkw_signal){names[0], 1, GTKW_BIN};
    s[1] = (gtkw_signal){names[1], 1, GTKW_BIN};
    s[2] = (gtkw_signal){"en", 1, GTKW_BIN};
    s[3] = (gtkw_signal){"ap_z", 1, GTKW_BIN};
    s[4] = (gtkw_signal){"ap", g->sw, GTKW_SDEC};
    s[5] = (gtkw_signal){"an_z", 1, GTKW_BIN};
    s[6] = (gtkw_signal){"an", g->sw, GTKW_SDEC};
    return 7;
}

static void logacc_report(const void *state, const char *out)
{
    const logacc_gen *g = state;
    printf("  lanes %d, base %s, exponent %d bits, state %d bits (%d integer + %d fraction),\n"
           "  %s correction (cut-off d >= %lld), %d tree level(s), pipeline '%s': %d stage(s)\n",
           g->n, g->m.cfg.half ? "sqrt2" : "2", g->e, g->sw, g->si, g->f,
           lq_logacc_corr_name(g->m.cfg.corr), (long long)g->m.dcut, g->levels, g->pipeline,
           g->pipe);
    printf("  in : s_valid s_ready s_last s_data[%d:0] (lane i = {zero, sign, exp[%d:0]} at "
           "[i*%d +: %d])\n",
           g->n * g->lw - 1, g->e - 1, g->lw, g->lw);
    printf("  out: m_valid m_ready m_pos_z m_pos[%d:0] m_neg_z m_neg[%d:0] (log2 * 2^%d)\n",
           g->sw - 1, g->sw - 1, g->f);
    printf("  latency: %d cycle(s) from the last beat to m_valid; one beat per clock\n",
           g->pipe + 1);
    printf("  co-simulate: make logacc-cosim LOGACC_OPTS='<these options>' (module name logacc)\n");
    printf("  icarus: logq vectors logacc <these options> -o VEC && WAVES=1 sim/icarus/run.sh %s VEC\n"
           "          (then gtkwave VEC/%s_tb.vcd %s/%s.gtkw)\n", out, g->name, out, g->name);
    printf("  lint: cd %s && verilator --lint-only -Wall -f %s.f\n", out, g->name);
}

/* ---- options ---- */

#define T logacc_gen
static const blk_option logacc_options[] = {
    BLK_INT(T, "lanes", "N", lanes, 1, LQ_LOGACC_LANES_MAX, "terms per beat, %r (default %d)",
            BO_BOTH),
    BLK_CHOICE(T, "base", "B", base, "2|sqrt2",
               "%r: exponents in log2 units or half steps (default 2)", BO_BOTH),
    BLK_INT(T, "exp-bits", "E", exp_bits, LQ_LOGACC_EXP_BITS_MIN, LQ_LOGACC_EXP_BITS_MAX,
            "input exponent width, %r (default %d)", BO_BOTH),
    BLK_INT(T, "frac", "F", frac, 0, LQ_LOGACC_FRAC_MAX_PAPER,
            "fraction bits of the state (default %d; paper %r,\n"
            "table 0-10; base sqrt2 needs F >= 1)", BO_BOTH),
    BLK_CHOICE(T, "correction", "C", corr, "paper|table",
               "paper: max + 2^-|floor(a)-floor(b)|;\n"
               "table: max + round(log2(1 + 2^-|a-b|)) (default %d)", BO_BOTH),
    BLK_TEXT(T, "pipeline", "P", pipeline,
             "register stages, a comma list of: none (alone), input (after\n"
             "the lane decode), tree:k (after every k adder-tree levels, k at\n"
             "most ceil(log2 N)), sum (after the last tree level), full\n"
             "(= input,tree:1) (default %d); latency is stages + 1 cycles", BO_BOTH),
    BLK_TEXT(T, "name", "NAME", name,
             "module name (default %d): a-z, 0-9, _, not a Verilog keyword", BO_BOTH),
};
#undef T

static void logacc_defaults(void *state)
{
    logacc_gen *g = state;
    memset(g, 0, sizeof *g);
    g->lanes = 4;
    g->exp_bits = 8;
    g->frac = 6;
    g->corr = LQ_CORR_TABLE;
    g->pipeline = "tree:2";
    g->name = "logacc";
}

static int logacc_finish_given(logacc_gen *g, int given)
{
    lq_logacc_cfg cfg = {.lanes = g->lanes, .half = g->base, .exp_bits = g->exp_bits,
                         .frac = g->frac, .corr = (lq_logacc_corr)g->corr, .fault = 0};
    char msg[256];
    if (blk_check_name(g->name) != 0)
        return -1;
    if (lq_logacc_init(&g->m, &cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    g->have_m = 1;
    g->n = cfg.lanes;
    g->e = cfg.exp_bits;
    g->f = cfg.frac;
    g->sw = g->m.state_bits;
    g->si = g->e + 1;
    g->lw = g->e + 2;
    g->levels = g->m.levels;
    g->dw = cfg.corr == LQ_CORR_PAPER ? g->si + 1 : g->sw + 1;
    g->db = clog2_i64(g->m.dcut);
    if (g->db < 1)
        g->db = 1;
    if (g->levels > LOGACC_LEVELS_MAX) {
        cli_error("--lanes %d: too many tree levels", g->n);
        return -1;
    }
    g->pipe = pipeline_parse(g->pipeline, "input", g->levels, g->n, given,
                             g->reg_after);
    if (g->pipe < 0)
        return -1;
    blk_upper(g->upper, sizeof g->upper, g->name);
    return 0;
}

static int logacc_finish(void *state, const blk_args *a, unsigned where)
{
    (void)where;
    return logacc_finish_given(state, blk_given(a, "pipeline"));
}

static void logacc_release(void *state)
{
    logacc_gen *g = state;
    if (g->have_m)
        lq_logacc_free(&g->m);
    g->have_m = 0;
}

/* For blocks that contain the accumulator (gen/blocks/logdot.c): NAME.v and NAME_add.v
 * of this configuration and pipeline added to fs, exactly as `logq gen logacc` writes
 * them; *stages gets the register stages. given: the pipeline was written by the user
 * (refused when a tree:k is beyond the levels). 0, or -1 (message printed). */
int logacc_add_files(lq_fileset *fs, const lq_logacc_cfg *cfg, const char *name,
                     const char *pipeline, int given, const lq_cmd *c, int *stages)
{
    logacc_gen g;
    char fname[80];
    lq_file *fv, *fa;
    int rc = -1;
    logacc_defaults(&g);
    g.lanes = cfg->lanes;
    g.base = cfg->half;
    g.exp_bits = cfg->exp_bits;
    g.frac = cfg->frac;
    g.corr = cfg->corr;
    g.name = name;
    g.pipeline = pipeline;
    if (logacc_finish_given(&g, given) != 0)
        goto done;
    snprintf(fname, sizeof fname, "%s.v", name);
    fv = fileset_add(fs, fname);
    snprintf(fname, sizeof fname, "%s_add.v", name);
    fa = fileset_add(fs, fname);
    if (!fv || !fa) {
        cli_error("out of memory");
        goto done;
    }
    write_top(fv, &g, c);
    write_add(fa, &g, c);
    *stages = g.pipe;
    rc = 0;
done:
    logacc_release(&g);
    return rc;
}

static const char *logacc_module(const void *state)
{
    return ((const logacc_gen *)state)->name;
}

static int logacc_latency(const void *state)
{
    return ((const logacc_gen *)state)->pipe + 1;
}

/* ---- stimulus: `logq vectors logacc` (mirrors sim/verilator/logacc_tb.cpp) ---- */

typedef struct {
    vec_out *v;
    lq_logacc m;
    int emin, emax;
} lacc_vec;

static int lacc_clamp(const lacc_vec *g, long e)
{
    return (int)(e < g->emin ? g->emin : e > g->emax ? g->emax : e);
}

/* A difference on a segment boundary of the correction or around its cut-off
 * (logacc_tb.cpp: boundary_offset). */
static long lacc_boundary(lacc_vec *g)
{
    vec_out *v = g->v;
    int unit = g->m.cfg.half ? 2 : 1;
    long dcut = (long)g->m.dcut;
    long cut = g->m.cfg.corr == LQ_CORR_PAPER ? dcut : (dcut >> g->m.cfg.frac) + 1;
    switch (vec_rnd(v, 4)) {
    case 0: return 0;
    case 1: { /* two draws, sequenced (the operands of * are not) */
        long d = unit * (vec_rnd(v, 3) - 1 + cut);
        return vec_rnd(v, 2) ? d : -d;
    }
    case 2: return vec_rnd(v, 2 * cut * unit + 3) - cut * unit - 1;
    default: return vec_rnd(v, 2) ? 1 : -1;
    }
}

static void lacc_beat(lacc_vec *g, const lq_lterm *t, int last)
{
    static bitword b;
    vec_out *v = g->v;
    int n = g->m.cfg.lanes, E = g->m.cfg.exp_bits, SW = g->m.state_bits;
    uint64_t em = ((uint64_t)1 << E) - 1u, sm = SW >= 64 ? ~0ull : ((uint64_t)1 << SW) - 1u;
    lq_logacc_out o;
    b.n = 0;
    for (int i = 0; i < n; i++)
        bw_put(&b, ((uint64_t)(uint32_t)t[i].exp & em) | ((uint64_t)(t[i].sign & 1) << E) |
                       ((uint64_t)(t[i].zero & 1) << (E + 1)), E + 2);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    if (lq_logacc_step(&g->m, t, last, &o)) {
        b.n = 0;
        bw_put(&b, (uint64_t)o.pos.zero, 1);
        bw_put(&b, (uint64_t)o.pos.v & sm, SW);
        bw_put(&b, (uint64_t)o.neg.zero, 1);
        bw_put(&b, (uint64_t)o.neg.v & sm, SW);
        vec_item(v, &b);
    }
}

/* One vector (logacc_tb.cpp: gen_vector): clusters of exponents where errors hide,
 * zero terms with garbage in their ignored fields, all-zero vectors, lengths 1-3
 * (45 %), up to 24, up to 325 and up to 3300 beats. */
static void lacc_vector(lacc_vec *g)
{
    vec_out *v = g->v;
    lq_lterm t[LQ_LOGACC_LANES_MAX];
    int n = g->m.cfg.lanes;
    long len, r = vec_rnd(v, 100);
    int mode = (int)vec_rnd(v, 8);
    if (r < 45)
        len = 1 + vec_rnd(v, 3);
    else if (r < 85)
        len = 1 + vec_rnd(v, 24);
    else if (r < 97)
        len = 25 + vec_rnd(v, 300);
    else
        len = 300 + vec_rnd(v, 3000);
    long base = g->emin + vec_rnd(v, (long)g->emax - g->emin + 1);
    if (vec_rnd(v, 5) == 0)
        base = vec_rnd(v, 2) ? g->emax : g->emin;
    int pzero = vec_rnd(v, 4) == 0 ? 60 : (int)vec_rnd(v, 20);
    int allzero = vec_rnd(v, 25) == 0;
    int psign = vec_rnd(v, 3) == 0 ? 0 : vec_rnd(v, 3) == 0 ? 100 : 50;
    for (long b = 0; b < len; b++) {
        for (int i = 0; i < n; i++) {
            long e;
            t[i].zero = allzero || vec_rnd(v, 100) < pzero;
            t[i].sign = vec_rnd(v, 100) < psign;
            switch (mode) {
            case 0: e = base; break;
            case 1: e = base + lacc_boundary(g); break;
            case 2: e = vec_rnd(v, 2) ? g->emax : g->emax - vec_rnd(v, 3); break;
            case 3: e = vec_rnd(v, 2) ? g->emin : g->emin + vec_rnd(v, 3); break;
            case 4: e = base + vec_rnd(v, 5) - 2; break;
            case 5: e = base - b; break;
            default: e = g->emin + vec_rnd(v, (long)g->emax - g->emin + 1); break;
            }
            t[i].exp = lacc_clamp(g, e);
            if (t[i].zero && vec_rnd(v, 2)) {
                t[i].sign = (int)vec_rnd(v, 2);
                t[i].exp = lacc_clamp(g, g->emin + vec_rnd(v, (long)g->emax - g->emin + 1));
            }
        }
        lacc_beat(g, t, b + 1 == len);
    }
}

static int logacc_stimulus(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                           const lq_cmd *c)
{
    logacc_gen *s = state;
    lacc_vec g;
    (void)fs;
    (void)c;
    memset(&g, 0, sizeof g);
    g.v = v;
    g.m = s->m; /* a copy of the model's state; the table is shared, read only */
    g.emin = -(1 << (s->e - 1));
    g.emax = (1 << (s->e - 1)) - 1;
    for (int i = 0; i < o->count; i++)
        lacc_vector(&g);
    return LQ_EXIT_OK;
}

/* ---- the descriptor ---- */

static const blk_file logacc_files[] = {
    {"%s.v", "the top module (lanes, trees, running sums, handshake)", write_top, 2},
    {"%s_add.v", "NAME_add, one log-domain addition (max + correction)", write_add, 1},
    {"%s.h", "parameters, derived constants and the port layout (C)", write_h, 0},
};

const lq_block blk_logacc = {
    .name = "logacc",
    .summary = "logq log-domain accumulator (docs/logacc.md)",
    .synopsis = "[options] -o DIR",
    .about = "Log-domain accumulator: per beat N product exponents (zero flag, sign, E-bit two's\n"
             "complement exponent, as w + x leaves a log-by-log lane) are summed in the log\n"
             "domain into a positive and a negative sum; `last` returns both and restarts.",
    .doc = "docs/logacc.md",
    .opts = logacc_options,
    .nopts = (int)(sizeof logacc_options / sizeof logacc_options[0]),
    .state_size = sizeof(logacc_gen),
    .defaults = logacc_defaults,
    .finish = logacc_finish,
    .release = logacc_release,
    .module = logacc_module,
    .ports = logacc_ports,
    .latency_of = logacc_latency,
    .tb_latency_of = logacc_latency,
    .out_data_reset = 0, /* the output registers hold data only: checked while m_valid */
    .out_per_vector = 1,
    .files = logacc_files,
    .nfiles = (int)(sizeof logacc_files / sizeof logacc_files[0]),
    .view_scope = "%s_tb.dut",
    .view_title = "running sums (log2 * 2^F)",
    .view = logacc_view,
    .report = logacc_report,
    .phased = 1,
    .stimulus = logacc_stimulus,
};
