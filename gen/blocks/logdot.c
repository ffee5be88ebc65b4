/* `logq gen logdot` and `logq vectors logdot`: the paper's method 2 end to end
 * (docs/logdot.md), a block described by the descriptor of gen/blocks/block.h. N lanes of log
 * activations x log weights: each product is the sum of the exponents, a term of the
 * log-domain accumulator of `logq gen logacc` (whose files this block writes as
 * NAME_acc.v and NAME_acc_add.v, through logacc_add_files); at `last` the positive and
 * the negative log sums are converted to one linear fixed-point result. cmodel/
 * logdot.c is the bit-exact model and supplies the conversion table.
 *
 * The conversion, per sign (NAME_lin): a non-zero log sum v (SW bits, F fraction
 * bits) splits into q = v >>> F (floor) and k = v mod 2^F; T[k] = round(2^(k/2^F) 2^R)
 * has TW = R + 2 bits (2^R <= T <= 2^(R+1)). The result's integer with OF fraction
 * bits is floor(T * 2^sh), sh = q + OF - R. One left shifter does both directions: with
 * s2 = sh + TW, x = T << s2 and floor(T 2^sh) = x >> TW exactly for s2 >= 0; s2 < 0
 * means T 2^sh < 1 (T < 2^TW): the value is 0; sh > OW - 2 saturates (T >= 2^R >= 2);
 * otherwise the value saturates when it exceeds LMAX = 2^(OW-1) - 1. The output is
 * L(pos) - L(neg), both in [0, LMAX], so it fits OW bits. */
#include <stdlib.h>
#include <string.h>

#include "blocks/block.h"
#include "blocks/blocks.h"
#include "cmodel/logdot.h"

/* The block's state: its options (the descriptor's fields), then what they derive. */
typedef struct {
    int lanes, base, bits, fsr, wsigned, act_bits, act_fsr, act_signed, correction, frac;
    int table_bits, out_frac, out_bits;
    const char *pipeline, *name;
    lq_logdot_cfg cfg;
    lq_logdot m;         /* model: derived widths and the table */
    int have_model;
    char acc[80];
    int n, e, f, sw, r, tw, of, ow, shw, xw, ba, bw, mba, mbw, stages;
    int64_t s2off;       /* s2 = q + s2off */
} logdot_gen;

static int sbits64(int64_t lo, int64_t hi)
{
    int w = 1;
    while (lo < -((int64_t)1 << (w - 1)) || hi > ((int64_t)1 << (w - 1)) - 1)
        w++;
    return w;
}

static unsigned long long maskw(int64_t v, int w)
{
    return (unsigned long long)v & (w >= 64 ? ~0ull : (1ull << w) - 1);
}

/* NAME_lin: one log sum to a saturated linear value (combinational). */
static void emit_lin(lq_file *v, const logdot_gen *g)
{
    const char *nm = g->name;
    int F = g->f, SW = g->sw, TW = g->tw, OW = g->ow, SHW = g->shw, XW = g->xw, E = g->e;
    file_printf(v, "// %s_lin: a log sum v (log2 * 2^F, two's complement) to\n"
                   "// floor(T[k] * 2^(q + OF - R)) saturated at LMAX, q = v >>> F, k = v mod 2^F.\n",
                nm);
    file_printf(v, "/* verilator lint_off DECLFILENAME */\n");
    file_printf(v, "module %s_lin (\n"
                   "    input  wire        z,\n"
                   "    input  wire [%d:0] v,\n"
                   "    output wire [%d:0] l,\n"
                   "    output wire        sat\n);\n",
                nm, SW - 1, OW - 2);
    file_printf(v, "    /* verilator no_inline_module */\n"
                   "    localparam integer TW = %d;   // table width: R + 2\n"
                   "    localparam integer XW = %d;   // shifter width: OW - 2 + 2 TW\n"
                   "    localparam [%d:0] S2OFF = %d'h%llx;  // OF - R + TW = %lld\n"
                   "    localparam [%d:0] S2MAX = %d'd%d;  // OW - 2 + TW: the largest unsaturated s2\n"
                   "    localparam [%d:0] LMAX = %d'd%lld;\n",
                TW, XW, SHW - 1, SHW, maskw(g->s2off, SHW), (long long)g->s2off, SHW - 1, SHW,
                OW - 2 + TW, OW - 2 + TW - 1, OW - 2 + TW, (long long)g->m.lmax);
    file_printf(v, "    // T[k] = round(2^(k/2^F) * 2^R), R = %d, F = %d\n", g->r, F);
    file_printf(v, "    reg [TW-1:0] tab [0:%d];\n    initial begin\n", (1 << F) - 1);
    for (int k = 0; k < (1 << F); k++)
        file_printf(v, "        tab[%d] = %d'd%lld;\n", k, TW, (long long)g->m.tab[k]);
    file_printf(v, "    end\n");
    if (F > 0)
        file_printf(v, "    wire [%d:0] k = v[%d:0];\n    wire [TW-1:0] t = tab[k];\n", F - 1,
                    F - 1);
    else
        file_printf(v, "    wire [TW-1:0] t = tab[0];\n");
    file_printf(v, "    wire [%d:0] q = v[%d:%d];  // floor(v / 2^F)\n", E, SW - 1, F);
    if (SHW > E + 1)
        file_printf(v, "    wire [%d:0] s2 = {{%d{q[%d]}}, q} + S2OFF;  // sh + TW\n", SHW - 1,
                    SHW - E - 1, E);
    else
        file_printf(v, "    wire [%d:0] s2 = q + S2OFF;  // sh + TW\n", SHW - 1);
    file_printf(v, "    wire below = s2[%d];                  // T * 2^sh < 1 LSB\n"
                   "    wire above = ~below & (s2 > S2MAX);   // T * 2^sh >= 2^(OW-1)\n"
                   "    wire [XW-1:0] x = {%d'd0, t} << s2;\n"
                   "    wire [XW-TW-1:0] val = x[XW-1:TW];    // floor(T * 2^sh)\n"
                   "    wire unused_frac = ^x[TW-1:0];        // below one LSB: dropped (floor)\n"
                   "    assign sat = ~z & ~below & (above | (val > LMAX));\n"
                   "    assign l = (z | below) ? %d'd0 : sat ? LMAX[%d:0] : val[%d:0];\n"
                   "endmodule\n/* verilator lint_on DECLFILENAME */\n\n",
                SHW - 1, XW - TW, OW - 1, OW - 2, OW - 2);
}

static void emit_top(lq_file *v, const logdot_gen *g)
{
    const lq_logdot_cfg *c = &g->cfg;
    const char *nm = g->name;
    int N = g->n, E = g->e, BA = g->ba, BW = g->bw, OW = g->ow;
    int64_t bias = (int64_t)lq_exp_min(&c->act) + lq_exp_min(&c->wgt) - 2;

    file_printf(v, "// %s: log-domain dot product, %d lane(s), base %s; activations %s %d-bit\n"
                   "// (FSR %d), weights %s %d-bit (FSR %d); %s correction, F = %d; result %d bits,\n"
                   "// LSB 2^-%d, table R = %d. Lane i: s_a[i*%d +: %d], s_w[i*%d +: %d].\n",
                nm, N, c->wgt.scheme == LQ_LOGSQRT2 ? "sqrt(2)" : "2",
                c->act.is_signed ? "signed" : "unsigned", BA, c->act.fsr,
                c->wgt.is_signed ? "signed" : "unsigned", BW, c->wgt.fsr,
                lq_logacc_corr_name(c->corr), g->f, OW, g->of, g->r, BA, BA, BW, BW);
    file_printf(v, "module %s #(\n"
                   "    parameter integer LANES = %d,\n"
                   "    parameter integer OUT_BITS = %d\n) (\n",
                nm, N, OW);
    file_printf(v, "    input  wire        clk,\n"
                   "    input  wire        rst,\n"
                   "    input  wire        s_valid,\n"
                   "    output wire        s_ready,\n"
                   "    input  wire [%d:0] s_a,\n"
                   "    input  wire [%d:0] s_w,\n"
                   "    input  wire        s_last,\n"
                   "    output wire        m_valid,\n"
                   "    input  wire        m_ready,\n"
                   "    output wire [%d:0] m_data,\n"
                   "    output wire        m_sat\n);\n",
                N * BA - 1, N * BW - 1, OW - 1);
    file_printf(v, "    localparam integer BA = %d;   // activation code bits\n"
                   "    localparam integer BW = %d;   // weight code bits\n"
                   "    localparam integer E = %d;    // product exponent bits\n"
                   "    localparam integer LW = E + 2;\n"
                   "    localparam [E-1:0] BIAS = %d'h%llx;  // emin_a + emin_w - 2 = %lld\n\n",
                BA, BW, E, E, maskw(bias, E), (long long)bias);
    file_printf(v, "    initial begin\n"
                   "        if (LANES != %d || OUT_BITS != %d) begin\n"
                   "            $display(\"%s: generated for LANES=%d OUT_BITS=%d; regenerate with "
                   "logq gen logdot\");\n"
                   "            $finish;\n        end\n    end\n\n",
                N, OW, nm, N, OW);
    file_printf(v, "    // Products: p = e_a + e_w = m_a + m_w + BIAS; zero if either code is zero.\n"
                   "    wire [LANES*LW-1:0] terms;\n"
                   "    genvar i;\n    generate\n"
                   "        for (i = 0; i < LANES; i = i + 1) begin : g_lane\n"
                   "            wire [BA-1:0] a = s_a[i*BA +: BA];\n"
                   "            wire [BW-1:0] w = s_w[i*BW +: BW];\n");
    file_printf(v, "            wire [%d:0] ma = a[%d:0];\n            wire [%d:0] mw = w[%d:0];\n",
                g->mba - 1, g->mba - 1, g->mbw - 1, g->mbw - 1);
    file_printf(v, "            wire zr = ~|ma | ~|mw;\n");
    if (c->act.is_signed && c->wgt.is_signed)
        file_printf(v, "            wire sg = a[%d] ^ w[%d];\n", g->mba, g->mbw);
    else if (c->act.is_signed)
        file_printf(v, "            wire sg = a[%d];\n", g->mba);
    else if (c->wgt.is_signed)
        file_printf(v, "            wire sg = w[%d];\n", g->mbw);
    else
        file_printf(v, "            wire sg = 1'b0;\n");
    file_printf(v, "            wire [E-1:0] ea = ");
    file_printf(v, E > g->mba ? "{%d'd0, ma};\n" : "ma;\n", E - g->mba);
    file_printf(v, "            wire [E-1:0] ew = ");
    file_printf(v, E > g->mbw ? "{%d'd0, mw};\n" : "mw;\n", E - g->mbw);
    file_printf(v, "            wire [E-1:0] p = ea + ew + BIAS;\n"
                   "            assign terms[i*LW +: LW] = {zr, sg, p};\n"
                   "        end\n    endgenerate\n\n");
    file_printf(v, "    // The log-domain accumulator (logq gen logacc, module %s_acc).\n"
                   "    wire acc_valid, acc_ready, pz, nz;\n"
                   "    wire [%d:0] pv, nv;\n"
                   "    %s_acc u_acc (.clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready),\n"
                   "        .s_data(terms), .s_last(s_last), .m_valid(acc_valid), .m_ready(acc_ready),\n"
                   "        .m_pos_z(pz), .m_pos(pv), .m_neg_z(nz), .m_neg(nv));\n\n",
                nm, g->sw - 1, nm);
    file_printf(v, "    // The conversion of both sums and the output register.\n"
                   "    wire [%d:0] lp, ln;\n    wire sp, sn;\n"
                   "    %s_lin u_linp (.z(pz), .v(pv), .l(lp), .sat(sp));\n"
                   "    %s_lin u_linn (.z(nz), .v(nv), .l(ln), .sat(sn));\n",
                OW - 2, nm, nm);
    file_printf(v, "    reg o_valid, o_sat;\n    reg [%d:0] o_data;\n"
                   "    assign acc_ready = ~o_valid | m_ready;\n"
                   "    always @(posedge clk) begin\n"
                   "        if (rst)\n            o_valid <= 1'b0;\n"
                   "        else if (acc_ready)\n            o_valid <= acc_valid;\n"
                   "    end\n"
                   "    always @(posedge clk) begin\n"
                   "        if (acc_ready & acc_valid) begin\n"
                   "            o_data <= {1'b0, lp} - {1'b0, ln};\n"
                   "            o_sat <= sp | sn;\n"
                   "        end\n    end\n"
                   "    assign m_valid = o_valid;\n    assign m_data = o_data;\n"
                   "    assign m_sat = o_sat;\nendmodule\n",
                OW - 1);
}

static int write_v(lq_file *f, const void *state, const lq_cmd *c)
{
    file_header(f, "//", c);
    file_puts(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_top(f, state);
    file_puts(f, "\n");
    emit_lin(f, state);
    file_puts(f, "`default_nettype wire\n`resetall\n");
    return 0;
}

/* The accumulator's files: the logacc emitter's output for this configuration. */
static int write_acc(lq_file *f, const logdot_gen *g, const char *suffix, const lq_cmd *c)
{
    lq_fileset fs;
    char fn[96];
    int st, rc = -1;
    snprintf(fn, sizeof fn, "%s%s", g->acc, suffix);
    fileset_init(&fs);
    if (logacc_add_files(&fs, &g->m.acc.cfg, g->acc, g->pipeline, 0, c, &st) == 0)
        for (int i = 0; i < fs.n; i++)
            if (strcmp(fs.files[i].name, fn) == 0) {
                file_puts(f, fs.files[i].data ? fs.files[i].data : "");
                rc = 0;
            }
    fileset_free(&fs);
    if (rc != 0)
        cli_error("internal error: %s was not generated", fn);
    return rc;
}

static int write_acc_top(lq_file *f, const void *state, const lq_cmd *c)
{
    return write_acc(f, state, ".v", c);
}

static int write_acc_add(lq_file *f, const void *state, const lq_cmd *c)
{
    return write_acc(f, state, "_add.v", c);
}

static int logdot_ports(const void *state, lq_port *p, int max);

static int write_h(lq_file *h, const void *state, const lq_cmd *cmd)
{
    const logdot_gen *g = state;
    const lq_logdot_cfg *c = &g->cfg;
    lq_port ports[BLK_PORTS_MAX];
    int np;
    file_header(h, "//", cmd);
    file_printf(h, "//\n// Parameters and derived constants of %s (docs/logdot.md).\n", g->name);
    file_printf(h, "#ifndef LOGDOT_H\n#define LOGDOT_H\n\n");
    file_printf(h, "#define LOGDOT_NAME \"%s\"\n", g->name);
    file_printf(h, "#define LOGDOT_LANES %d\n", g->n);
    file_printf(h, "#define LOGDOT_HALF %d /* 1: base sqrt(2) */\n", c->wgt.scheme == LQ_LOGSQRT2);
    file_printf(h, "#define LOGDOT_BITS %d\n#define LOGDOT_FSR %d\n#define LOGDOT_SIGNED %d\n",
                c->wgt.bits, c->wgt.fsr, c->wgt.is_signed);
    file_printf(h, "#define LOGDOT_ACT_BITS %d\n#define LOGDOT_ACT_FSR %d\n#define LOGDOT_ACT_SIGNED %d\n",
                c->act.bits, c->act.fsr, c->act.is_signed);
    file_printf(h, "#define LOGDOT_CORR %d /* 0 paper, 1 table */\n", (int)c->corr);
    file_printf(h, "#define LOGDOT_FRAC %d\n#define LOGDOT_TABLE_BITS %d\n", g->f, g->r);
    file_printf(h, "#define LOGDOT_OUT_FRAC %d\n#define LOGDOT_OUT_BITS %d\n", g->of, g->ow);
    file_printf(h, "#define LOGDOT_EXP_BITS %d\n#define LOGDOT_STATE_BITS %d\n", g->e, g->sw);
    file_printf(h, "#define LOGDOT_PIPE %d\n#define LOGDOT_LATENCY %d\n", g->stages, g->stages + 2);
    file_printf(h, "#define LOGDOT_A_DATA_BITS %d\n#define LOGDOT_W_DATA_BITS %d\n",
                g->n * g->ba, g->n * g->bw);
    np = logdot_ports(g, ports, BLK_PORTS_MAX);
    package_port_macros(h, "LOGDOT", ports, np);
    file_printf(h, "\n#endif\n");
    return 0;
}

/* ---- ports, view, report ---- */

static int logdot_ports(const void *state, lq_port *p, int max)
{
    const logdot_gen *g = state;
    const lq_logdot_cfg *c = &g->cfg;
    int n = 0;
    if (max < 11)
        return 0;
    p[n++] = (lq_port){.name = "clk", .dir = LQ_PORT_IN, .width = 1, .desc = "clock",
                       .role = LQ_ROLE_CLOCK};
    p[n++] = (lq_port){.name = "rst", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "synchronous reset, active high", .role = LQ_ROLE_RESET};
    p[n++] = (lq_port){.name = "s_valid", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "input stream valid", .role = LQ_ROLE_VALID, .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "s_ready", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "input stream ready", .role = LQ_ROLE_READY, .stream = LQ_STREAM_IN};
    p[n] = (lq_port){.name = "s_a", .dir = LQ_PORT_IN, .width = g->n * g->ba,
                     .desc = "activation log codes (m = 0: zero)", .stream = LQ_STREAM_IN,
                     .lanes = g->n, .lane_bits = g->ba};
    p[n].fields[p[n].nfields++] = (lq_field){"m", 0, g->mba};
    if (c->act.is_signed)
        p[n].fields[p[n].nfields++] = (lq_field){"sign", g->mba, 1};
    n++;
    p[n] = (lq_port){.name = "s_w", .dir = LQ_PORT_IN, .width = g->n * g->bw,
                     .desc = "weight log codes (m = 0: zero)", .stream = LQ_STREAM_IN,
                     .lanes = g->n, .lane_bits = g->bw};
    p[n].fields[p[n].nfields++] = (lq_field){"m", 0, g->mbw};
    if (c->wgt.is_signed)
        p[n].fields[p[n].nfields++] = (lq_field){"sign", g->mbw, 1};
    n++;
    p[n++] = (lq_port){.name = "s_last", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "the vector's last beat (top bit of a beat)", .role = LQ_ROLE_LAST,
                       .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "m_valid", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "result valid", .role = LQ_ROLE_VALID, .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_ready", .dir = LQ_PORT_IN, .width = 1, .desc = "result ready",
                       .role = LQ_ROLE_READY, .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_data", .dir = LQ_PORT_OUT, .width = g->ow,
                       .desc = "L(pos) - L(neg), the vector's dot product", .stream = LQ_STREAM_OUT,
                       .is_signed = 1, .has_lsb = 1, .lsb_exp = -g->of};
    p[n++] = (lq_port){.name = "m_sat", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "L(pos) or L(neg) saturated", .stream = LQ_STREAM_OUT,
                       .axis = LQ_AXIS_TUSER};
    return n;
}

static int logdot_view(const void *state, gtkw_signal *s, int max, char (*names)[40])
{
    const logdot_gen *g = state;
    const gtkw_signal st[] = {{"acc_valid", 1, GTKW_BIN}, {"acc_ready", 1, GTKW_BIN},
                              {"pz", 1, GTKW_BIN}, {"pv", g->sw, GTKW_SDEC},
                              {"nz", 1, GTKW_BIN}, {"nv", g->sw, GTKW_SDEC},
                              {"lp", g->ow - 1, GTKW_DEC}, {"ln", g->ow - 1, GTKW_DEC}};
    int n = 0;
    (void)names;
    for (unsigned i = 0; i < sizeof st / sizeof st[0] && n < max; i++)
        s[n++] = st[i];
    return n;
}

static void logdot_report(const void *state, const char *dir)
{
    const logdot_gen *g = state;
    printf("  %d lane(s), base %s, product exponents %d..%d (%d bits), log sums %d bits "
           "(%d fraction), %s correction\n", g->n, g->m.acc.cfg.half ? "sqrt2" : "2", g->m.pmin,
           g->m.pmax, g->e, g->sw, g->f, lq_logacc_corr_name(g->cfg.corr));
    printf("  conversion: %d-entry table of 2^(k/2^%d) with %d fraction bits; result %d bits, "
           "LSB 2^-%d\n", 1 << g->f, g->f, g->r, g->ow, g->of);
    printf("  latency: %d cycle(s) from the last beat to m_valid; one beat per clock\n",
           g->stages + 2);
    printf("  co-simulate: make logdot-cosim LOGDOT_OPTS='<these options>'\n");
    printf("  lint: verilator --lint-only -Wall -f %s/%s.f\n", dir, g->name);
}

/* ---- options ---- */

#define T logdot_gen
static const blk_option logdot_options[] = {
    BLK_INT(T, "lanes", "N", lanes, 1, LQ_LOGACC_LANES_MAX, "lanes, %r (default %d)", BO_BOTH),
    BLK_CHOICE(T, "base", "B", base, "2|sqrt2", "base of both codes: %r (default %d)", BO_BOTH),
    BLK_HEADING("the weight codes:", BO_BOTH),
    BLK_INT(T, "bits", "B", bits, 1, LQ_LOG_BITS_MAX,
            "code width, sign included (default %d; %r, signed at least 2)", BO_BOTH),
    BLK_INT(T, "fsr", "F", fsr, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, "full-scale range (default %d)",
            BO_BOTH),
    BLK_FLAG(T, "signed", wsigned, 1, NULL, BO_BOTH),
    BLK_FLAG(T, "unsigned", wsigned, 0, "with or without a sign bit (default signed)", BO_BOTH),
    BLK_HEADING("the activation codes:", BO_BOTH),
    BLK_INT(T, "act-bits", "B", act_bits, 1, LQ_LOG_BITS_MAX,
            "code width, sign included (default %d; %r)", BO_BOTH),
    BLK_INT(T, "act-fsr", "F", act_fsr, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX,
            "full-scale range (default %d)", BO_BOTH),
    BLK_FLAG(T, "act-signed", act_signed, 1, NULL, BO_BOTH),
    BLK_FLAG(T, "act-unsigned", act_signed, 0, "with or without a sign bit (default signed)",
             BO_BOTH),
    BLK_HEADING("the log sums and the conversion:", BO_BOTH),
    BLK_CHOICE(T, "correction", "C", correction, "paper|table",
               "the accumulator's correction, as gen logacc: %r (default %d)", BO_BOTH),
    BLK_INT(T, "frac", "F", frac, 0, LQ_LOGDOT_FRAC_MAX,
            "fraction bits of the log sums, %r (sqrt2: >= 1; default %d)", BO_BOTH),
    BLK_INT(T, "table-bits", "R", table_bits, 1, LQ_LOGDOT_TABLE_BITS_MAX,
            "fraction bits of the table 2^(k/2^F), %r (default %d)", BO_BOTH),
    BLK_INT(T, "out-frac", "OF", out_frac, -LQ_LOGDOT_OUT_FRAC_ABS_MAX, LQ_LOGDOT_OUT_FRAC_ABS_MAX,
            "the result's LSB weighs 2^-OF, %r (default %d)", BO_BOTH),
    BLK_INT(T, "out-bits", "OW", out_bits, 2, LQ_LOGDOT_OUT_BITS_MAX,
            "result width, two's complement, %r (default %d); each sign's\n"
            "value saturates at 2^(OW-1) - 1 (m_sat)", BO_BOTH),
    BLK_TEXT(T, "pipeline", "P", pipeline,
             "the accumulator's register stages, as gen logacc (default %d);\n"
             "the conversion adds one output register", BO_BOTH),
    BLK_TEXT(T, "name", "NAME", name,
             "module and file name (default %d): a-z, 0-9, _, not a\nVerilog keyword", BO_BOTH),
};
#undef T

static void logdot_defaults(void *state)
{
    logdot_gen *g = state;
    memset(g, 0, sizeof *g);
    g->lanes = 16;
    g->bits = 5;
    g->wsigned = 1;
    g->act_bits = 5;
    g->act_signed = 1;
    g->correction = 1; /* table */
    g->frac = 8;
    g->table_bits = 16;
    g->out_frac = 16;
    g->out_bits = 32;
    g->pipeline = "tree:2";
    g->name = "logdot";
}

static void logdot_release(void *state)
{
    logdot_gen *g = state;
    if (g->have_model)
        lq_logdot_free(&g->m);
    g->have_model = 0;
}

static int logdot_finish(void *state, const blk_args *a, unsigned where)
{
    logdot_gen *g = state;
    lq_logdot_cfg *c = &g->cfg;
    char msg[256];
    lq_cmd none = {0, NULL, ""};
    (void)a;
    (void)where;
    if (!blk_name_ok(g->name) || strlen(g->name) > 44) {
        cli_error("--name '%s' is not a lower-case Verilog identifier (a-z, 0-9, _; "
                  "not a keyword; at most 44 characters)", g->name);
        return -1;
    }
    memset(c, 0, sizeof *c);
    c->lanes = g->lanes;
    c->wgt = lq_format_default();
    c->wgt.scheme = g->base ? LQ_LOGSQRT2 : LQ_LOG2;
    c->wgt.bits = g->bits;
    c->wgt.fsr = g->fsr;
    c->wgt.is_signed = g->wsigned != 0;
    c->act = c->wgt;
    c->act.bits = g->act_bits;
    c->act.fsr = g->act_fsr;
    c->act.is_signed = g->act_signed != 0;
    c->corr = g->correction ? LQ_CORR_TABLE : LQ_CORR_PAPER;
    c->frac = g->frac;
    c->table_bits = g->table_bits;
    c->out_frac = g->out_frac;
    c->out_bits = g->out_bits;
    if (lq_logdot_init(&g->m, c, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    g->have_model = 1;
    g->n = c->lanes;
    g->e = g->m.exp_bits;
    g->f = c->frac;
    g->sw = g->m.acc.state_bits;
    g->r = c->table_bits;
    g->tw = g->r + 2;
    g->of = c->out_frac;
    g->ow = c->out_bits;
    g->xw = g->ow - 2 + 2 * g->tw;
    g->ba = c->act.bits;
    g->bw = c->wgt.bits;
    g->mba = lq_mag_bits(&c->act);
    g->mbw = lq_mag_bits(&c->wgt);
    g->s2off = (int64_t)g->of - g->r + g->tw;
    {
        int64_t qmin = -((int64_t)1 << g->e), qmax = ((int64_t)1 << g->e) - 1;
        int64_t lo = qmin + g->s2off, hi = qmax + g->s2off;
        if (hi < g->ow - 2 + g->tw)
            hi = g->ow - 2 + g->tw;
        if (lo > -1)
            lo = -1;
        g->shw = sbits64(lo, hi);
        if (g->shw < g->e + 1)
            g->shw = g->e + 1;
    }
    snprintf(g->acc, sizeof g->acc, "%s_acc", g->name);
    {
        /* the pipeline is the accumulator's: its emitter checks it and counts the stages */
        lq_fileset fs;
        int rc;
        fileset_init(&fs);
        rc = logacc_add_files(&fs, &g->m.acc.cfg, g->acc, g->pipeline, blk_given(a, "pipeline"), &none, &g->stages);
        fileset_free(&fs);
        if (rc != 0) {
            logdot_release(g); /* the driver frees the state, not what it holds */
            return -1;
        }
    }
    return 0;
}

static const char *logdot_module(const void *state)
{
    return ((const logdot_gen *)state)->name;
}

static int logdot_latency(const void *state)
{
    return ((const logdot_gen *)state)->stages + 2;
}

/* ---- stimulus: `logq vectors logdot` ---- */
/* It mirrors sim/verilator/logdot_tb.cpp (C++, so mirrored here): uniform, zero-heavy,
 * largest-magnitude, equal and one-sign codes, all-zero vectors, lengths 1-3, up to
 * 24 and up to 300 beats. The results come from the model (cmodel/logdot.c). */

static long rnd(vec_out *v, long n)
{
    return (long)lq_rng_below(&v->rng, (uint64_t)n);
}

static uint32_t ld_code(vec_out *v, const lq_format *f, int mode, uint32_t base)
{
    int b = lq_mag_bits(f);
    uint32_t mmax = (1u << b) - 1, sbit = f->is_signed ? 1u << b : 0;
    uint32_t c = (uint32_t)lq_rng_u64(&v->rng) & ((1u << f->bits) - 1);
    switch (mode) {
    case 1: return rnd(v, 2) ? (rnd(v, 2) ? sbit : 0) : c;
    case 2: { /* two draws, sequenced (the operands of | are not) */
        uint32_t s = rnd(v, 2) ? sbit : 0;
        return s | (mmax - (uint32_t)rnd(v, 2));
    }
    case 3: return rnd(v, 8) ? base : c;
    case 4: return c & mmax;
    default: return c;
    }
}

enum { LD_BEATS_MAX = 299 }; /* the longest vector of ld_vector */

/* One vector: its beats written as they are drawn, then the model over all of them in
 * one call (lq_logdot_steps), a and w room for LD_BEATS_MAX beats. */
static void ld_vector(vec_out *v, lq_logdot *m, uint32_t *a, uint32_t *w)
{
    static bitword b;
    static const uint8_t last_beat[1] = {1};
    const lq_logdot_cfg *c = &m->cfg;
    lq_logdot_out o;
    long len, r = rnd(v, 100);
    int mode = (int)rnd(v, 5), allzero = rnd(v, 25) == 0, N = c->lanes;
    uint32_t ba = (uint32_t)lq_rng_u64(&v->rng) & ((1u << c->act.bits) - 1);
    uint32_t bw = (uint32_t)lq_rng_u64(&v->rng) & ((1u << c->wgt.bits) - 1);
    len = r < 40 ? 1 + rnd(v, 3) : r < 90 ? 1 + rnd(v, 24) : 25 + rnd(v, 275);
    for (long k = 0; k < len; k++) {
        uint32_t *ak = a + (size_t)k * N, *wk = w + (size_t)k * N;
        for (int i = 0; i < N; i++) {
            ak[i] = allzero ? 0 : ld_code(v, &c->act, mode, ba);
            wk[i] = ld_code(v, &c->wgt, mode, bw);
        }
        b.n = 0;
        for (int i = 0; i < N; i++)
            bw_put(&b, ak[i], c->act.bits);
        for (int i = 0; i < N; i++)
            bw_put(&b, wk[i], c->wgt.bits);
        bw_put(&b, (uint64_t)(k + 1 == len), 1);
        bw_hex(v->in, &b);
        vec_gap(v);
        v->nin++;
    }
    /* every beat but the last, then the last (`last` set) */
    lq_logdot_steps(m, a, w, NULL, len - 1, &o);
    if (lq_logdot_steps(m, a + (size_t)(len - 1) * N, w + (size_t)(len - 1) * N, last_beat, 1,
                        &o)) {
        b.n = 0;
        bw_put(&b, (uint64_t)o.result, c->out_bits);
        bw_put(&b, (uint64_t)o.sat, 1);
        vec_item(v, &b);
    }
}

static int logdot_stimulus(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                           const lq_cmd *c)
{
    logdot_gen *g = state;
    size_t n = (size_t)LD_BEATS_MAX * (size_t)g->m.cfg.lanes;
    uint32_t *a = malloc(n * sizeof *a), *w = malloc(n * sizeof *w);
    (void)fs;
    (void)c;
    if (!a || !w) {
        free(a);
        free(w);
        cli_error("out of memory");
        return LQ_EXIT_FAIL;
    }
    lq_logdot_reset(&g->m);
    for (int i = 0; i < o->count; i++)
        ld_vector(v, &g->m, a, w);
    free(a);
    free(w);
    return LQ_EXIT_OK;
}

/* ---- the descriptor ---- */

static const blk_file logdot_files[] = {
    {"%s_acc_add.v", "the log-domain adder of the accumulator (logq gen logacc)", write_acc_add, 1},
    {"%s_acc.v", "the log-domain accumulator NAME_acc (logq gen logacc)", write_acc_top, 2},
    {"%s.v", "the top (products, accumulator, conversion) and NAME_lin", write_v, 3},
    {"%s.h", "every parameter, derived constant and the port layout (C)", write_h, 0},
};

const lq_block blk_logdot = {
    .name = "logdot",
    .summary = "log-domain dot product: log x log, logacc, linear result (docs/logdot.md)",
    .synopsis = "[options] -o DIR",
    .about = "Log-domain dot product (the paper's method 2): per beat N lanes of log activation\n"
             "and log weight codes; each product adds the exponents and is summed by the log-\n"
             "domain accumulator of `logq gen logacc`; at `last` the positive and negative log\n"
             "sums become one linear fixed-point result through a 2^F-entry table of\n"
             "2^(k/2^F) and a shifter.",
    .doc = "docs/logdot.md",
    .opts = logdot_options,
    .nopts = (int)(sizeof logdot_options / sizeof logdot_options[0]),
    .state_size = sizeof(logdot_gen),
    .defaults = logdot_defaults,
    .finish = logdot_finish,
    .release = logdot_release,
    .module = logdot_module,
    .ports = logdot_ports,
    .latency_of = logdot_latency,
    .tb_latency_of = logdot_latency,
    .out_data_reset = 0,
    .out_per_vector = 1,
    .files = logdot_files,
    .nfiles = (int)(sizeof logdot_files / sizeof logdot_files[0]),
    .view_scope = "%s_tb.dut",
    .view_title = "log sums (log2 * 2^F) and their linear values",
    .view = logdot_view,
    .report = logdot_report,
    .exhaustive = 0,
    .phased = 1,
    .stimulus = logdot_stimulus,
};
