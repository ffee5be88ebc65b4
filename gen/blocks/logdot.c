/* `logq gen logdot`: the paper's method 2 end to end (docs/logdot.md). N lanes of log
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
 * s2 = sh + TW (never negative when the value can be non-zero: T < 2^TW), x = T << s2
 * and floor(T 2^sh) = x >> TW exactly. s2 < 0 gives 0; sh > OW - 2 saturates (T >= 2);
 * otherwise the value saturates when it exceeds LMAX = 2^(OW-1) - 1. The output is
 * L(pos) - L(neg), both in [0, LMAX], so it fits OW bits. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "blocks/blocks.h"
#include "blocks/logdot_opts.h"
#include "emit/emit.h"
#include "emit/gtkw.h"
#include "emit/package.h"
#include "emit/tb_icarus.h"

static const char logdot_help[] =
    "usage: logq gen logdot [options] -o DIR\n"
    "\n"
    "Log-domain dot product (the paper's method 2): per beat N lanes of log activation\n"
    "and log weight codes; each product adds the exponents and is summed by the log-\n"
    "domain accumulator of `logq gen logacc`; at `last` the positive and negative log\n"
    "sums become one linear fixed-point result through a 2^F-entry table of\n"
    "2^(k/2^F) and a shifter. docs/logdot.md defines every step.\n"
    "\n"
    "  --lanes N           lanes, 1-64 (default 16)\n"
    "  --base 2|sqrt2      base of both codes (default 2)\n"
    "  --bits B, --fsr F, --signed, --unsigned\n"
    "                      the weight codes (default signed 5 bits, FSR 0)\n"
    "  --act-bits B, --act-fsr F, --act-signed, --act-unsigned\n"
    "                      the activation codes (default signed 5 bits, FSR 0)\n"
    "  --correction C      paper or table (default table), as gen logacc\n"
    "  --frac F            fraction bits of the log sums, 0-10 (sqrt2: >= 1; default 8)\n"
    "  --table-bits R      fraction bits of the table 2^(k/2^F), 1-30 (default 16)\n"
    "  --out-frac OF       the result's LSB weighs 2^-OF, -256..256 (default 16)\n"
    "  --out-bits OW       result width, two's complement, 2-62 (default 32); each\n"
    "                      sign's value saturates at 2^(OW-1) - 1 (m_sat)\n"
    "  --pipeline P        the accumulator's register stages, as gen logacc (default\n"
    "                      tree:2); the conversion adds one output register\n"
    "  --name NAME         module and file name (default logdot)\n"
    "  --tb                also write NAME_tb.v, the bench of `logq vectors logdot`\n"
    "  -o, --out DIR       output directory (required)\n"
    "  -h, --help          this help\n"
    "\n"
    "Writes DIR/NAME.v (top and NAME_lin), NAME_acc.v, NAME_acc_add.v, NAME.h, NAME.f,\n"
    "NAME.gtkw and the package files. Exit status: 0 success, 1 cannot write, 2 bad\n"
    "option (the message names the value; no file is written).\n";

/* ---- options ---- */

void logdot_opts_init(logdot_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cfg.lanes = 16;
    o->cfg.act = lq_format_default();
    o->cfg.wgt = lq_format_default();
    o->cfg.corr = LQ_CORR_TABLE;
    o->cfg.frac = 8;
    o->cfg.table_bits = 16;
    o->cfg.out_frac = 16;
    o->cfg.out_bits = 32;
    o->name = "logdot";
    o->pipeline = "tree:2";
}

static int ident_ok(const char *s)
{
    static const char *const kw[] = {
        "module", "endmodule", "input", "output", "inout", "wire", "reg", "assign",
        "always", "begin", "end", "if", "else", "case", "endcase", "default", "for",
        "generate", "endgenerate", "parameter", "localparam", "integer", "initial",
        "function", "endfunction", "task", "endtask", "posedge", "negedge", "or", "and",
        "not", "xor", "signed", "unsigned", "genvar", "logic", "bit", "int", NULL};
    if (!*s || strlen(s) > 44 || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    for (int i = 0; kw[i]; i++)
        if (strcmp(s, kw[i]) == 0)
            return 0;
    return 1;
}

int logdot_option(logdot_opts *o, int ch, const char *arg)
{
    lq_logdot_cfg *c = &o->cfg;
    switch (ch) {
    case LOGDOT_OPT_LANES:
        return cli_int("--lanes", arg, 1, LQ_LOGACC_LANES_MAX, &c->lanes) ? -1 : 1;
    case LOGDOT_OPT_BASE:
        if (strcmp(arg, "2") == 0)
            c->act.scheme = c->wgt.scheme = LQ_LOG2;
        else if (strcmp(arg, "sqrt2") == 0)
            c->act.scheme = c->wgt.scheme = LQ_LOGSQRT2;
        else {
            cli_error("--base '%s' is unknown (2 or sqrt2)", arg);
            return -1;
        }
        return 1;
    case LOGDOT_OPT_BITS: return cli_int("--bits", arg, 1, 10, &c->wgt.bits) ? -1 : 1;
    case LOGDOT_OPT_FSR:
        return cli_int("--fsr", arg, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, &c->wgt.fsr) ? -1 : 1;
    case LOGDOT_OPT_SIGNED: c->wgt.is_signed = true; return 1;
    case LOGDOT_OPT_UNSIGNED: c->wgt.is_signed = false; return 1;
    case LOGDOT_OPT_ACT_BITS: return cli_int("--act-bits", arg, 1, 10, &c->act.bits) ? -1 : 1;
    case LOGDOT_OPT_ACT_FSR:
        return cli_int("--act-fsr", arg, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, &c->act.fsr) ? -1 : 1;
    case LOGDOT_OPT_ACT_SIGNED: c->act.is_signed = true; return 1;
    case LOGDOT_OPT_ACT_UNSIGNED: c->act.is_signed = false; return 1;
    case LOGDOT_OPT_CORR:
        if (lq_logacc_corr_parse(arg, &c->corr) != 0) {
            cli_error("--correction '%s' is unknown (paper or table)", arg);
            return -1;
        }
        return 1;
    case LOGDOT_OPT_FRAC: return cli_int("--frac", arg, 0, LQ_LOGDOT_FRAC_MAX, &c->frac) ? -1 : 1;
    case LOGDOT_OPT_TABLE_BITS:
        return cli_int("--table-bits", arg, 1, LQ_LOGDOT_TABLE_BITS_MAX, &c->table_bits) ? -1 : 1;
    case LOGDOT_OPT_OUT_FRAC:
        return cli_int("--out-frac", arg, -LQ_LOGDOT_OUT_FRAC_ABS_MAX,
                       LQ_LOGDOT_OUT_FRAC_ABS_MAX, &c->out_frac) ? -1 : 1;
    case LOGDOT_OPT_OUT_BITS:
        return cli_int("--out-bits", arg, 2, LQ_LOGDOT_OUT_BITS_MAX, &c->out_bits) ? -1 : 1;
    case LOGDOT_OPT_PIPELINE: o->pipeline = arg; return 1;
    case LOGDOT_OPT_NAME:
        if (!ident_ok(arg)) {
            cli_error("--name '%s' is not a usable Verilog identifier (letters, digits and _, "
                      "at most 44, not a keyword)", arg);
            return -1;
        }
        o->name = arg;
        return 1;
    default: return 0;
    }
}

int logdot_opts_finish(logdot_opts *o)
{
    char msg[256];
    if (lq_logdot_check(&o->cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    return 0;
}

/* ---- the Verilog ---- */

typedef struct {
    const logdot_opts *o;
    lq_logdot m;         /* model: derived widths and the table */
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
    const char *nm = g->o->name;
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
    const logdot_opts *o = g->o;
    const lq_logdot_cfg *c = &o->cfg;
    const char *nm = o->name;
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

static void emit_header(lq_file *h, const logdot_gen *g)
{
    const lq_logdot_cfg *c = &g->o->cfg;
    file_printf(h, "#ifndef LOGDOT_H\n#define LOGDOT_H\n\n");
    file_printf(h, "#define LOGDOT_NAME \"%s\"\n", g->o->name);
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
    file_printf(h, "\n#endif\n");
}

static int emit_gtkw(lq_file *f, const logdot_gen *g, const lq_cmd *c)
{
    char top[96], err[160];
    snprintf(top, sizeof top, "%s_tb.dut", g->o->name);
    const gtkw_signal in[] = {{"clk", 1, GTKW_BIN}, {"rst", 1, GTKW_BIN},
                              {"s_valid", 1, GTKW_BIN}, {"s_ready", 1, GTKW_BIN},
                              {"s_last", 1, GTKW_BIN}, {"s_a", g->n * g->ba, GTKW_HEX},
                              {"s_w", g->n * g->bw, GTKW_HEX}};
    const gtkw_signal out[] = {{"m_valid", 1, GTKW_BIN}, {"m_ready", 1, GTKW_BIN},
                               {"m_data", g->ow, GTKW_SDEC}, {"m_sat", 1, GTKW_BIN}};
    const gtkw_signal st[] = {{"acc_valid", 1, GTKW_BIN}, {"acc_ready", 1, GTKW_BIN},
                              {"pz", 1, GTKW_BIN}, {"pv", g->sw, GTKW_SDEC},
                              {"nz", 1, GTKW_BIN}, {"nv", g->sw, GTKW_SDEC},
                              {"lp", g->ow - 1, GTKW_DEC}, {"ln", g->ow - 1, GTKW_DEC}};
    const gtkw_group grp[] = {{"input stream", in, 7}, {"output stream", out, 4},
                              {"log sums (log2 * 2^F) and their linear values", st, 8}};
    gtkw_view vw = {NULL, top, grp, 3, -1, 0};
    if (gtkw_write(f, &vw, c, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

void tb_desc_logdot(tb_desc *d, const char *name, int lanes, int act_bits, int bits,
                    int out_bits, int latency)
{
    memset(d, 0, sizeof *d);
    d->block = "logdot";
    d->module = name;
    d->in_valid = "s_valid";
    d->in_ready = "s_ready";
    d->in[0] = (tb_port){"s_a", lanes * act_bits};
    d->in[1] = (tb_port){"s_w", lanes * bits};
    d->in[2] = (tb_port){"s_last", 1};
    d->nin = 3;
    d->out_valid = "m_valid";
    d->out_ready = "m_ready";
    d->out[0] = (tb_port){"m_data", out_bits};
    d->out[1] = (tb_port){"m_sat", 1};
    d->nout = 2;
    d->out_data_reset = 0;
    d->out_per_vector = 1;
    d->latency = latency;
}

/* The derived widths (also used by `logq vectors logdot` for the latency). */
static int logdot_derive(logdot_gen *g, const logdot_opts *o)
{
    char msg[256];
    memset(g, 0, sizeof *g);
    g->o = o;
    if (lq_logdot_init(&g->m, &o->cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    g->n = o->cfg.lanes;
    g->e = g->m.exp_bits;
    g->f = o->cfg.frac;
    g->sw = g->m.acc.state_bits;
    g->r = o->cfg.table_bits;
    g->tw = g->r + 2;
    g->of = o->cfg.out_frac;
    g->ow = o->cfg.out_bits;
    g->xw = g->ow - 2 + 2 * g->tw;
    g->ba = o->cfg.act.bits;
    g->bw = o->cfg.wgt.bits;
    g->mba = lq_mag_bits(&o->cfg.act);
    g->mbw = lq_mag_bits(&o->cfg.wgt);
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
    return 0;
}

int gen_logdot(const lq_cmd *c)
{
    enum { OPT_TB = LOGDOT_OPT_END + 1 };
    static const struct option opts[] = {LOGDOT_OPTIONS,
                                         {"tb", no_argument, 0, OPT_TB},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    logdot_opts o;
    logdot_gen g;
    lq_fileset fs;
    lq_file *fv, *fh, *ff, *fg;
    const char *out = NULL;
    char fname[96], acc[64];
    int ch, rc, tb = 0;

    logdot_opts_init(&o);
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(logdot_help, stdout);
            return LQ_EXIT_OK;
        }
        if (ch == 'o') {
            out = optarg;
            continue;
        }
        if (ch == OPT_TB) {
            tb = 1;
            continue;
        }
        if ((rc = logdot_option(&o, ch, optarg)) < 0)
            return LQ_EXIT_USAGE;
        if (rc == 0)
            return cli_bad_option(c);
    }
    if (optind < c->argc) {
        cli_error("gen logdot takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!out) {
        cli_error("gen logdot needs an output directory (-o DIR)");
        return LQ_EXIT_USAGE;
    }
    if (logdot_opts_finish(&o) != 0 || logdot_derive(&g, &o) != 0)
        return LQ_EXIT_USAGE;

    fileset_init(&fs);
    snprintf(acc, sizeof acc, "%s_acc", o.name);
    if (logacc_add_files(&fs, &g.m.acc.cfg, acc, o.pipeline, c, &g.stages) != 0) {
        fileset_free(&fs);
        lq_logdot_free(&g.m);
        return LQ_EXIT_USAGE;
    }
    snprintf(fname, sizeof fname, "%s.v", o.name);
    fv = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.h", o.name);
    fh = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.f", o.name);
    ff = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.gtkw", o.name);
    fg = fileset_add(&fs, fname);
    if (!fv || !fh || !ff || !fg) {
        cli_error("out of memory");
        rc = LQ_EXIT_FAIL;
        goto done;
    }
    file_header(fv, "//", c);
    file_puts(fv, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_top(fv, &g);
    file_puts(fv, "\n");
    emit_lin(fv, &g);
    file_puts(fv, "`resetall\n");
    file_header(fh, "//", c);
    emit_header(fh, &g);
    file_header(ff, "#", c);
    file_printf(ff, "%s_acc_add.v\n%s_acc.v\n%s.v\n", o.name, o.name, o.name);
    if (emit_gtkw(fg, &g, c) != 0) {
        rc = LQ_EXIT_FAIL;
        goto done;
    }
    {
        tb_desc d;
        char f1[96], f2[96], f3[96];
        const char *vfiles[3] = {f1, f2, f3};
        snprintf(f1, sizeof f1, "%s_acc_add.v", o.name);
        snprintf(f2, sizeof f2, "%s_acc.v", o.name);
        snprintf(f3, sizeof f3, "%s.v", o.name);
        tb_desc_logdot(&d, o.name, g.n, g.ba, g.bw, g.ow, g.stages + 2);
        if (package_add_block(&fs, &d, vfiles, 3, g.stages + 2,
                              "logq log-domain dot product (docs/logdot.md)", c) != 0 ||
            (tb && tb_icarus_write(&fs, &d, c) != 0)) {
            rc = LQ_EXIT_FAIL;
            goto done;
        }
    }
    if (fileset_commit(&fs, out) != 0) {
        rc = LQ_EXIT_FAIL;
        goto done;
    }
    printf("logq gen logdot: wrote %s/%s.v, %s_acc.v, %s_acc_add.v, %s.h, %s.f, %s.gtkw and the "
           "package files%s\n", out, o.name, o.name, o.name, o.name, o.name, o.name,
           tb ? ", the bench _tb.v" : "");
    printf("  %d lane(s), base %s, product exponents %d..%d (%d bits), log sums %d bits "
           "(%d fraction), %s correction\n", g.n, g.m.acc.cfg.half ? "sqrt2" : "2", g.m.pmin,
           g.m.pmax, g.e, g.sw, g.f, lq_logacc_corr_name(o.cfg.corr));
    printf("  conversion: %d-entry table of 2^(k/2^%d) with %d fraction bits; result %d bits, "
           "LSB 2^-%d\n", 1 << g.f, g.f, g.r, g.ow, g.of);
    printf("  latency: %d cycle(s) from the last beat to m_valid; one beat per clock\n",
           g.stages + 2);
    printf("  lint: cd %s && verilator --lint-only -Wall -f %s.f\n", out, o.name);
    rc = LQ_EXIT_OK;
done:
    fileset_free(&fs);
    lq_logdot_free(&g.m);
    return rc;
}

int logdot_latency(const logdot_opts *o)
{
    /* the accumulator's stages, counted by generating its files into a scratch set */
    logdot_gen g;
    lq_fileset fs;
    lq_cmd c = {0, NULL, ""};
    char acc[64];
    int st = -1;
    if (logdot_derive(&g, o) != 0)
        return -1;
    fileset_init(&fs);
    snprintf(acc, sizeof acc, "%s_acc", o->name);
    if (logacc_add_files(&fs, &g.m.acc.cfg, acc, o->pipeline, &c, &g.stages) == 0)
        st = g.stages + 2;
    fileset_free(&fs);
    lq_logdot_free(&g.m);
    return st;
}
