/* `logq gen mac`: an N-lane multiply-accumulate array in which no lane multiplies
 * (shift and loglog modes), or the baseline with multipliers (mult mode).
 * docs/mac.md is the specification; cmodel/mac.c is the bit-exact model, and
 * lq_mac_derive (shared with the model) gives every width.
 *
 * Files: NAME.v (the top: lanes, adder tree, pipeline, accumulator, handshake; and
 * NAME_prod, the product of one lane, in the same file), NAME.h (parameters and
 * derived constants) and NAME.f (file list). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/mac.h"
#include "emit/emit.h"
#include "blocks/blocks.h"
#include "emit/gtkw.h"
#include "emit/package.h"
#include "emit/tb_icarus.h"

static const char mac_help[] =
    "usage: logq gen mac [options] -o DIR\n"
    "\n"
    "Writes synthesizable Verilog-2005 for an N-lane multiply-accumulate array, with\n"
    "NAME.h (every parameter and derived constant) and NAME.f (file list), then\n"
    "prints a report. docs/mac.md defines the arithmetic exactly.\n"
    "\n"
    "  --mode M          shift (default): linear activation x log weight, a barrel\n"
    "                    shift; loglog: both operands log codes, exponents add, the\n"
    "                    product is a signed one-hot word; mult: the shift interface\n"
    "                    computed with real multipliers (the baseline)\n"
    "  --base 2|sqrt2    base of the log operand(s) (default 2; same as --scheme\n"
    "                    log2|logsqrt2)\n"
    "  --lanes N         lanes, 1-256 (default 16)\n"
    " the log operand (weight), as for `logq quant`:\n"
    "  --bits B          code width, sign included (default 5; 1-10 unsigned,\n"
    "                    2-10 signed)\n"
    "  --fsr F           full-scale range (default 0): levels 2^(F-2^b+1)..2^(F-1)\n"
    "  --signed, --unsigned   weight codes carry a sign bit (default signed)\n"
    "  --scheme, --rounding   accepted for symmetry with `logq quant`; the scheme\n"
    "                    must be log2 or logsqrt2, rounding does not matter here\n"
    " the other operand (activation):\n"
    "  --act-bits A      width (default 8 linear, 5 log; linear 1-32)\n"
    "  --act-fsr F       linear: the step is 2^(F-A+1) signed, 2^(F-A) unsigned\n"
    "                    (default: step 1); loglog: full-scale range (default 0)\n"
    "  --act-signed, --act-unsigned   two's complement / unsigned linear codes, or\n"
    "                    log codes with / without sign bit (default signed)\n"
    " arithmetic:\n"
    "  --sqrt2-frac P    fraction bits of the sqrt(2) constant, 1-30 (default 8)\n"
    "  --frac F          keep F fraction bits: every product is truncated (floor)\n"
    "                    to F fraction bits before the adder tree (default: exact)\n"
    "  --max-beats K     the output never overflows for vectors of up to K beats,\n"
    "                    1-16777216 (default 1024)\n"
    "  --pipeline P      register stages, a comma list of: none, product (after the\n"
    "                    shifters), tree:k (after every k adder-tree levels), sum\n"
    "                    (after the last tree level), full (= product,tree:1)\n"
    "                    (default product,tree:2)\n"
    "  --name NAME       module and file name (default logq_mac)\n"
    "  --tb              also write NAME_tb.v, the self-checking Icarus/Verilator\n"
    "                    bench that reads `logq vectors mac` files (docs/xsim.md)\n"
    "  -o, --out DIR     output directory (required)\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 success, 1 cannot write, 2 bad option (the message names the\n"
    "value; no file is written).\n";

enum { OPT_TB = MAC_OPT_END + 1 };

enum { MAC_MAX_STAGES = 10 }; /* tree levels of 256 lanes (8) + products + sum */

/* Everything the emitters need. */
typedef struct {
    lq_mac_config cfg;
    lq_mac_widths wd;
    const char *name;
    char upper[80];
    char pipeline[128];      /* the --pipeline text as given */
    int reg_level[MAC_MAX_STAGES]; /* 1 when tree level j (0 = products) is registered */
    int stages;              /* S: registered levels */
    int latency;             /* S + 1 */
    const lq_cmd *cmd;
} mac_gen;

static const char *const verilog_keywords[] = {
    "always", "and", "assign", "begin", "buf", "case", "casex", "casez", "cmos",
    "deassign", "default", "defparam", "disable", "edge", "else", "end", "endcase",
    "endfunction", "endgenerate", "endmodule", "endspecify", "endtask", "event", "for",
    "force", "forever", "fork", "function", "generate", "genvar", "if", "initial",
    "inout", "input", "integer", "join", "localparam", "macromodule", "module", "nand",
    "negedge", "nor", "not", "or", "output", "parameter", "posedge", "reg", "release",
    "repeat", "signed", "specify", "table", "task", "time", "tri", "while", "wire",
    "wor", "xor", "xnor", "logic", "bit", "int", "byte", NULL};

static int name_check(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 60 || !(islower((unsigned char)s[0]) || s[0] == '_'))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
            return -1;
    for (int i = 0; verilog_keywords[i]; i++)
        if (strcmp(s, verilog_keywords[i]) == 0)
            return -1;
    return 0;
}

/* --pipeline: fills reg_level; 0 or -1 (message printed). */
static int pipeline_parse(mac_gen *g, const char *spec)
{
    char buf[128], *tok, *save = NULL;
    int D = g->wd.tree_levels;
    if (strlen(spec) >= sizeof buf) {
        cli_error("--pipeline '%s' is too long", spec);
        return -1;
    }
    strcpy(buf, spec);
    memset(g->reg_level, 0, sizeof g->reg_level);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "none") == 0) {
            continue;
        } else if (strcmp(tok, "product") == 0) {
            g->reg_level[0] = 1;
        } else if (strcmp(tok, "sum") == 0) {
            g->reg_level[D] = 1;
        } else if (strcmp(tok, "full") == 0) {
            for (int j = 0; j <= D; j++)
                g->reg_level[j] = 1;
        } else if (strncmp(tok, "tree:", 5) == 0) {
            int k;
            if (cli_int("--pipeline tree:k", tok + 5, 1, 16, &k) != 0)
                return -1;
            for (int j = k; j <= D; j += k)
                g->reg_level[j] = 1;
        } else {
            cli_error("--pipeline item '%s' is unknown (none, product, tree:k, sum, full)",
                      tok);
            return -1;
        }
    }
    g->stages = 0;
    for (int j = 0; j <= D; j++)
        g->stages += g->reg_level[j];
    g->latency = g->stages + 1;
    return 0;
}

/* ---- NAME_prod (written into NAME.v after the top module) ---- */

/* Sign-extend signed wire `src` of width ws into a new wire `dst` of width wd. */
static void emit_sext(lq_file *f, const char *dst, const char *src, int ws, int wdst)
{
    if (wdst == ws)
        file_printf(f, "    wire signed [%d:0] %s = %s;\n", wdst - 1, dst, src);
    else if (wdst == ws + 1)
        file_printf(f, "    wire signed [%d:0] %s = $signed({%s[%d], %s});\n", wdst - 1, dst,
                    src, ws - 1, src);
    else
        file_printf(f, "    wire signed [%d:0] %s = $signed({{%d{%s[%d]}}, %s});\n", wdst - 1,
                    dst, wdst - ws, src, ws - 1, src);
}

/* Shift-add multiplication of signed `src` (width w) by the constant C into `dst`. */
static void emit_const_mult(lq_file *f, const char *dst, const char *src, int w, uint32_t c)
{
    int first = 1;
    file_printf(f, "    // times %u = ", c);
    for (int k = 31; k >= 0; k--)
        if ((c >> k) & 1u) {
            file_printf(f, "%s2^%d", first ? "" : " + ", k);
            first = 0;
        }
    file_printf(f, ": shift-adds, no multiplier\n");
    file_printf(f, "    wire signed [%d:0] %s =", w - 1, dst);
    first = 1;
    for (int k = 31; k >= 0; k--)
        if ((c >> k) & 1u) {
            file_printf(f, "%s(%s <<< %d)", first ? " " : "\n        + ", src, k);
            first = 0;
        }
    file_printf(f, ";\n");
}

/* Fields of one log operand: m (magnitude), zero, sign. */
static void emit_log_fields(lq_file *f, const char *port, const char *pfx,
                            const lq_format *fmt, int bm)
{
    file_printf(f, "    wire [%d:0] %sm = %s[%d:0];\n", bm - 1, pfx, port, bm - 1);
    file_printf(f, "    wire %szero = ~|%sm;\n", pfx, pfx);
    if (fmt->is_signed)
        file_printf(f, "    wire %sneg = %s[%d];\n", pfx, port, fmt->bits - 1);
}

/* The final truncation `p = floor(full / 2^T)`: the full word's low bits are unused
 * when T > 0. */
static void emit_trunc(lq_file *f, const mac_gen *g)
{
    int WP = g->wd.prod_bits, T = g->wd.trunc;
    if (T == 0)
        file_printf(f, "    assign p = full;\n");
    else if (T >= WP)
        file_printf(f, "    assign p = full[%d];  // floor(full / 2^%d) is 0 or -1\n", WP - 1, T);
    else
        file_printf(f, "    assign p = full[%d:%d];  // floor(full / 2^%d)\n", WP - 1, T, T);
}

static void emit_full_decl(lq_file *f, const mac_gen *g)
{
    if (g->wd.trunc > 0)
        file_printf(f, "    /* verilator lint_off UNUSED */\n");
    file_printf(f, "    wire signed [%d:0] full;\n", g->wd.prod_bits - 1);
    if (g->wd.trunc > 0)
        file_printf(f, "    /* verilator lint_on UNUSED */\n");
}

static void emit_prod_shift(lq_file *f, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int AE = w->a_ext, BM = w->w_mag, WP = w->prod_bits, P = c->sqrt2_frac;
    const char *neg = c->w.is_signed ? "w_neg" : "1'b0";

    emit_log_fields(f, "w", "w_", &c->w, BM);
    if (c->a.is_signed)
        file_printf(f, "    wire signed [%d:0] a_s = $signed(a);\n", AE - 1);
    else
        file_printf(f, "    wire signed [%d:0] a_s = $signed({1'b0, a});\n", AE - 1);
    emit_full_decl(f, g);
    if (!w->half) {
        file_printf(f, "    // exponent e = %d + m - 1; aligned shift = e + %d = m - 1\n",
                    lq_exp_min(&c->w), w->frac_exact);
        file_printf(f, "    wire [%d:0] sh = w_m - %d'd1;\n", BM - 1, BM);
        if (c->mode == LQ_MAC_SHIFT)
            emit_sext(f, "a_x", "a_s", AE, WP);
    } else {
        file_printf(f, "    // half-step exponent e = %d + m - 1; t = m - 1 + %d: odd e <=> t[0],\n"
                       "    // floor(e/2) = %d + (t >> 1)\n",
                    lq_exp_min(&c->w), w->odd_offset,
                    (lq_exp_min(&c->w) - w->odd_offset) / 2);
        if (w->odd_offset)
            file_printf(f, "    wire [%d:0] t = w_m;\n", BM - 1);
        else
            file_printf(f, "    wire [%d:0] t = w_m - %d'd1;\n", BM - 1, BM);
        if (BM > 1)
            file_printf(f, "    wire [%d:0] sh = t[%d:1];\n", BM - 2, BM - 1);
        if (c->mode == LQ_MAC_SHIFT) {
            emit_sext(f, "a_w", "a_s", AE, AE + P + 1);
            emit_const_mult(f, "a_c", "a_w", AE + P + 1, w->sqrt2_const);
            file_printf(f, "    wire signed [%d:0] a_1 = a_w <<< %d;  // times 2^%d\n", AE + P, P,
                        P);
            file_printf(f, "    wire signed [%d:0] a_m = t[0] ? a_c : a_1;\n", AE + P);
            emit_sext(f, "a_x", "a_m", AE + P + 1, WP);
        }
        if (BM == 1)
            file_printf(f, "    wire [0:0] sh = 1'b0;\n");
    }
    if (c->mode == LQ_MAC_SHIFT) {
        file_printf(f, "    wire signed [%d:0] mag = a_x <<< sh;  // the barrel shifter\n", WP - 1);
        file_printf(f, "    assign full = w_zero ? %d'sd0 : (%s ? -mag : mag);\n", WP, neg);
    } else {
        /* mult: decode the weight to its aligned value and multiply. */
        int WV = w->half ? P + 2 + w->shift_max : w->shift_max + 2;
        int WM = AE + WV;
        if (!w->half)
            file_printf(f, "    wire signed [%d:0] w_mag = %d'sd1 <<< sh;\n", WV - 1, WV);
        else
            file_printf(f, "    wire signed [%d:0] w_mag = (t[0] ? %d'sd%u : %d'sd%llu) <<< sh;\n",
                        WV - 1, WV, w->sqrt2_const, WV, 1ULL << P);
        file_printf(f, "    wire signed [%d:0] w_v = w_zero ? %d'sd0 : (%s ? -w_mag : w_mag);\n",
                    WV - 1, WV, neg);
        emit_sext(f, "a_m2", "a_s", AE, WM);
        emit_sext(f, "w_m2", "w_v", WV, WM);
        if (WM > WP)
            file_printf(f, "    /* verilator lint_off UNUSED */\n");
        file_printf(f, "    wire signed [%d:0] prod = a_m2 * w_m2;  // the multiplier\n", WM - 1);
        if (WM > WP) {
            file_printf(f, "    /* verilator lint_on UNUSED */\n");
            file_printf(f, "    assign full = prod[%d:0];\n", WP - 1);
        } else {
            file_printf(f, "    assign full = prod;\n");
        }
        /* a_x is not needed by the multiplier. */
    }
}

static void emit_prod_loglog(lq_file *f, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int BW = w->w_mag, BA = w->a_mag, WP = w->prod_bits, P = c->sqrt2_frac;
    int SW = (BW > BA ? BW : BA) + 1;
    char neg[64];

    emit_log_fields(f, "w", "w_", &c->w, BW);
    emit_log_fields(f, "a", "a_", &c->a, BA);
    if (c->w.is_signed && c->a.is_signed)
        snprintf(neg, sizeof neg, "w_neg ^ a_neg");
    else if (c->w.is_signed)
        snprintf(neg, sizeof neg, "w_neg");
    else if (c->a.is_signed)
        snprintf(neg, sizeof neg, "a_neg");
    else
        snprintf(neg, sizeof neg, "1'b0");
    emit_full_decl(f, g);
    file_printf(f, "    wire zero = w_zero | a_zero;\n");
    file_printf(f, "    wire [%d:0] w_mx = {%d'd0, w_m};\n", SW - 1, SW - BW);
    file_printf(f, "    wire [%d:0] a_mx = {%d'd0, a_m};\n", SW - 1, SW - BA);
    if (!w->half) {
        file_printf(f, "    // exponent sum e = %d + s; aligned shift s = (m_w - 1) + (m_a - 1)\n",
                    lq_exp_min(&c->w) + lq_exp_min(&c->a));
        file_printf(f, "    wire [%d:0] s = w_mx + a_mx - %d'd2;\n", SW - 1, SW);
        file_printf(f, "    wire signed [%d:0] mag = %d'sd1 <<< s;  // one-hot\n", WP - 1, WP);
    } else {
        file_printf(f, "    // half-step exponent sum e = %d + (m_w - 1) + (m_a - 1);\n"
                       "    // t = e - %d: odd e <=> t[0]\n",
                    lq_exp_min(&c->w) + lq_exp_min(&c->a),
                    lq_exp_min(&c->w) + lq_exp_min(&c->a) - w->odd_offset);
        file_printf(f, "    wire [%d:0] t = w_mx + a_mx - %d'd%d;\n", SW - 1, SW,
                    2 - w->odd_offset);
        file_printf(f, "    wire signed [%d:0] mag = (t[0] ? %d'sd%u : %d'sd%llu) <<< t[%d:1];\n",
                    WP - 1, WP, w->sqrt2_const, WP, 1ULL << P, SW - 1);
    }
    file_printf(f, "    assign full = zero ? %d'sd0 : (%s ? -mag : mag);\n", WP, neg);
}

static void emit_prod(lq_file *f, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    /* written after the top module, in NAME.v: one self-contained file per block */
    file_printf(f, "\n//\n// %s_prod: the product of one lane, in the output's fixed point\n"
                   "// (%d fraction bits%s). Combinational. See docs/mac.md.\n\n",
                g->name, w->frac, w->trunc ? ", truncated by floor" : ", exact");
    file_printf(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    /* one self-contained file per block: the lane module shares NAME.v on purpose */
    file_printf(f, "/* verilator lint_off DECLFILENAME */\n");
    file_printf(f, "module %s_prod (\n", g->name);
    file_printf(f, "    input  wire [%d:0] a,  // %s activation\n", c->a.bits - 1,
                c->mode == LQ_MAC_LOGLOG ? "log" : "linear");
    file_printf(f, "    input  wire [%d:0] w,  // log weight\n", c->w.bits - 1);
    file_printf(f, "    output wire [%d:0] p   // product, signed\n);\n", w->prod_out_bits - 1);
    if (c->mode == LQ_MAC_LOGLOG)
        emit_prod_loglog(f, g);
    else
        emit_prod_shift(f, g);
    emit_trunc(f, g);
    file_printf(f, "endmodule\n/* verilator lint_on DECLFILENAME */\n\n`default_nettype wire\n`resetall\n");
}

/* ---- NAME.v ---- */

static const char *stage_v(int s) /* valid of the output of stage s (1-based) */
{
    static char buf[4][16];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "v%d", s);
    return buf[k];
}

static void emit_top(lq_file *f, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int N = c->lanes, A = c->a.bits, B = c->w.bits, WPT = w->prod_out_bits;
    int D = w->tree_levels, WO = w->out_bits, WT = w->tree_bits, S = g->stages;
    int n, stage = 0;

    file_header(f, "//", g->cmd);
    file_printf(f,
                "//\n// %s: %d-lane multiply-accumulate, mode %s, base %s.\n"
                "// in_a: %d x %d-bit %s activations, in_w: %d x %d-bit log weights, lane i in\n"
                "// bits [i*W +: W] (lane 0 in the LSBs). Every accepted beat adds the %d\n"
                "// products to the accumulator; the beat with in_last closes the vector and\n"
                "// out_sum (%d bits, LSB worth 2^%d, exact for up to %ld beats) is offered on\n"
                "// the output stream. Pipeline '%s': %d register stage(s), latency %d cycles\n"
                "// (last beat accepted in cycle c -> out_valid in cycle c + %d). docs/mac.md.\n\n",
                g->name, N, lq_mac_mode_name(c->mode), w->half ? "sqrt(2)" : "2", N, A,
                c->mode == LQ_MAC_LOGLOG ? "log" : "linear", N, B, N, WO, w->out_lsb_exp,
                c->max_beats, g->pipeline, S, g->latency, g->latency);
    file_printf(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_printf(f, "module %s #(\n", g->name);
    file_printf(f, "    // Generated values: the structure below is built for exactly these.\n");
    file_printf(f, "    parameter integer LANES = %d,\n", N);
    file_printf(f, "    parameter integer A_BITS = %d,\n", A);
    file_printf(f, "    parameter integer W_BITS = %d,\n", B);
    file_printf(f, "    parameter integer OUT_BITS = %d\n", WO);
    file_printf(f, ") (\n");
    file_printf(f, "    input  wire                       clk,\n");
    file_printf(f, "    input  wire                       rst,       // synchronous, active high\n");
    file_printf(f, "    input  wire                       in_valid,\n");
    file_printf(f, "    output wire                       in_ready,\n");
    file_printf(f, "    input  wire                       in_last,   // closes the vector\n");
    file_printf(f, "    input  wire [LANES*A_BITS-1:0]    in_a,\n");
    file_printf(f, "    input  wire [LANES*W_BITS-1:0]    in_w,\n");
    file_printf(f, "    output reg                        out_valid,\n");
    file_printf(f, "    input  wire                       out_ready,\n");
    file_printf(f, "    output reg  [OUT_BITS-1:0]        out_sum    // signed\n");
    file_printf(f, ");\n\n");
    file_printf(f, "    localparam integer PROD_BITS = %d;  // product after truncation\n", WPT);
    file_printf(f, "    localparam integer TREE_LEVELS = %d;\n", D);
    file_printf(f, "    localparam integer TREE_BITS = %d;  // PROD_BITS + TREE_LEVELS\n", WT);
    file_printf(f, "    // latency: %d cycles\n\n", g->latency);
    file_printf(f, "    generate\n");
    file_printf(f, "        if (LANES != %d || A_BITS != %d || W_BITS != %d || OUT_BITS != %d ||\n"
                   "            TREE_BITS != PROD_BITS + TREE_LEVELS || OUT_BITS < TREE_BITS)\n",
                N, A, B, WO);
    file_printf(f, "        begin : g_bad_parameters\n");
    file_printf(f, "            initial begin\n");
    file_printf(f, "                $display(\"%s: parameters LANES=%%0d A_BITS=%%0d W_BITS=%%0d "
                   "OUT_BITS=%%0d differ from the generated %d %d %d %d: regenerate with "
                   "logq gen mac\", LANES, A_BITS, W_BITS, OUT_BITS);\n",
                g->name, N, A, B, WO);
    file_printf(f, "                $finish;\n");
    file_printf(f, "            end\n        end\n    endgenerate\n\n");

    /* handshake */
    file_printf(f, "    // Handshake: the pipeline advances (en) unless the vector's last beat is at\n"
                   "    // the accumulator while the output register is full and not being read.\n");
    file_printf(f, "    wire out_free = !out_valid || out_ready;\n");
    if (S > 0) {
        file_printf(f, "    wire en;\n");
        file_printf(f, "    assign in_ready = en;\n");
    } else {
        file_printf(f, "    assign in_ready = !in_last || out_free;\n");
    }
    file_printf(f, "\n    // Products, one per lane.\n");
    file_printf(f, "    wire [LANES*PROD_BITS-1:0] prod;\n");
    file_printf(f, "    genvar i;\n    generate\n");
    file_printf(f, "        for (i = 0; i < LANES; i = i + 1) begin : g_lane\n");
    file_printf(f, "            %s_prod u_prod (\n", g->name);
    file_printf(f, "                .a(in_a[i*A_BITS +: A_BITS]),\n");
    file_printf(f, "                .w(in_w[i*W_BITS +: W_BITS]),\n");
    file_printf(f, "                .p(prod[i*PROD_BITS +: PROD_BITS])\n");
    file_printf(f, "            );\n        end\n    endgenerate\n\n");

    /* stage bookkeeping: level 0 */
    const char *src = "prod";
    if (g->reg_level[0]) {
        stage++;
        file_printf(f, "    // Stage %d: product registers.\n", stage);
        file_printf(f, "    reg [LANES*PROD_BITS-1:0] prod_r;\n");
        file_printf(f, "    always @(posedge clk) if (en) prod_r <= prod;\n");
        src = "prod_r";
    }
    file_printf(f, "\n    // Adder tree: level j adds pairs of level j-1, one bit wider per level.\n");
    for (int i = 0; i < N; i++)
        file_printf(f, "    wire signed [%d:0] t0_%d = %s[%d:%d];\n", WPT - 1, i, src,
                    (i + 1) * WPT - 1, i * WPT);
    n = N;
    for (int j = 1; j <= D; j++) {
        int wi = WPT + j - 1, m = (n + 1) / 2, reg = g->reg_level[j];
        const char *pre = reg ? "s" : "t";
        file_printf(f, "    // level %d: %d node(s), %d bits%s\n", j, m, wi + 1,
                    reg ? ", registered" : "");
        for (int k = 0; k < m; k++) {
            if (2 * k + 1 < n)
                file_printf(f,
                            "    wire signed [%d:0] %s%d_%d = $signed({t%d_%d[%d], t%d_%d}) + "
                            "$signed({t%d_%d[%d], t%d_%d});\n",
                            wi, pre, j, k, j - 1, 2 * k, wi - 1, j - 1, 2 * k, j - 1, 2 * k + 1,
                            wi - 1, j - 1, 2 * k + 1);
            else
                file_printf(f, "    wire signed [%d:0] %s%d_%d = $signed({t%d_%d[%d], t%d_%d});\n",
                            wi, pre, j, k, j - 1, 2 * k, wi - 1, j - 1, 2 * k);
        }
        if (reg) {
            stage++;
            file_printf(f, "    // Stage %d: tree level %d registers.\n", stage, j);
            for (int k = 0; k < m; k++)
                file_printf(f, "    reg signed [%d:0] t%d_%d;\n", wi, j, k);
            file_printf(f, "    always @(posedge clk) begin\n        if (en) begin\n");
            for (int k = 0; k < m; k++)
                file_printf(f, "            t%d_%d <= s%d_%d;\n", j, k, j, k);
            file_printf(f, "        end\n    end\n");
        }
        n = m;
    }
    /* valid and last along the stages */
    if (S > 0) {
        file_printf(f, "\n    // Valid and last of each stage.\n");
        for (int s = 1; s <= S; s++)
            file_printf(f, "    reg v%d, l%d;\n", s, s);
        file_printf(f, "    always @(posedge clk) begin\n");
        file_printf(f, "        if (rst) begin\n");
        for (int s = 1; s <= S; s++)
            file_printf(f, "            v%d <= 1'b0;\n            l%d <= 1'b0;\n", s, s);
        file_printf(f, "        end else if (en) begin\n");
        for (int s = 1; s <= S; s++) {
            if (s == 1)
                file_printf(f, "            v1 <= in_valid;\n            l1 <= in_last;\n");
            else
                file_printf(f, "            %s <= v%d;\n            l%d <= l%d;\n", stage_v(s),
                            s - 1, s, s - 1);
        }
        file_printf(f, "        end\n    end\n");
    }
    /* accumulator */
    file_printf(f, "\n    // Accumulator and output register.\n");
    if (S > 0) {
        file_printf(f, "    wire tv = v%d;\n    wire tl = l%d;\n", S, S);
    } else {
        file_printf(f, "    wire tv = in_valid;\n    wire tl = in_last;\n");
    }
    file_printf(f, "    wire take = tv && (!tl || out_free);\n");
    if (S > 0)
        file_printf(f, "    assign en = !tv || take;\n");
    file_printf(f, "    wire signed [TREE_BITS-1:0] tsum = t%d_0;\n", D);
    emit_sext(f, "tsum_x", "tsum", WT, WO);
    file_printf(f, "    reg signed [%d:0] acc;\n", WO - 1);
    file_printf(f, "    wire signed [%d:0] acc_next = acc + tsum_x;\n", WO - 1);
    file_printf(f, "    always @(posedge clk) begin\n");
    file_printf(f, "        if (rst) begin\n");
    file_printf(f, "            acc <= %d'sd0;\n", WO);
    file_printf(f, "            out_valid <= 1'b0;\n");
    file_printf(f, "            out_sum <= %d'd0;\n", WO);
    file_printf(f, "        end else begin\n");
    file_printf(f, "            if (out_valid && out_ready)\n");
    file_printf(f, "                out_valid <= 1'b0;\n");
    file_printf(f, "            if (take) begin\n");
    file_printf(f, "                if (tl) begin\n");
    file_printf(f, "                    out_sum <= acc_next;\n");
    file_printf(f, "                    out_valid <= 1'b1;\n");
    file_printf(f, "                    acc <= %d'sd0;\n", WO);
    file_printf(f, "                end else begin\n");
    file_printf(f, "                    acc <= acc_next;\n");
    file_printf(f, "                end\n            end\n        end\n    end\n\n");
    file_printf(f, "endmodule\n\n`default_nettype wire\n`resetall\n");
}

/* ---- NAME.h ---- */

static void emit_header(lq_file *f, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    const char *u = g->upper;
    file_header(f, "//", g->cmd);
    file_printf(f, "//\n// Parameters and derived constants of %s (docs/mac.md).\n", g->name);
    file_printf(f, "#ifndef %s_PARAMS_H\n#define %s_PARAMS_H\n\n", u, u);
    file_printf(f, "#define %s_NAME \"%s\"\n", u, g->name);
    file_printf(f, "#define %s_MODE \"%s\"\n", u, lq_mac_mode_name(c->mode));
    file_printf(f, "#define %s_MODE_ID %d /* lq_mac_mode */\n", u, (int)c->mode);
    file_printf(f, "#define %s_LANES %d\n", u, c->lanes);
    file_printf(f, "#define %s_BASE_SQRT2 %d /* 0: base 2, 1: base sqrt(2) */\n", u, w->half);
    file_printf(f, "#define %s_W_SCHEME_ID %d /* lq_scheme */\n", u, (int)c->w.scheme);
    file_printf(f, "#define %s_W_BITS %d\n", u, c->w.bits);
    file_printf(f, "#define %s_W_FSR %d\n", u, c->w.fsr);
    file_printf(f, "#define %s_W_SIGNED %d\n", u, c->w.is_signed ? 1 : 0);
    file_printf(f, "#define %s_W_EXP_MIN %d\n", u, lq_exp_min(&c->w));
    file_printf(f, "#define %s_W_EXP_MAX %d\n", u, lq_exp_max(&c->w));
    file_printf(f, "#define %s_A_SCHEME_ID %d /* lq_scheme */\n", u, (int)c->a.scheme);
    file_printf(f, "#define %s_A_BITS %d\n", u, c->a.bits);
    file_printf(f, "#define %s_A_FSR %d\n", u, c->a.fsr);
    file_printf(f, "#define %s_A_SIGNED %d\n", u, c->a.is_signed ? 1 : 0);
    file_printf(f, "#define %s_SQRT2_FRAC %d\n", u, c->sqrt2_frac);
    file_printf(f, "#define %s_SQRT2_CONST %uu\n", u, w->sqrt2_const);
    file_printf(f, "#define %s_MAX_BEATS %ld\n", u, c->max_beats);
    file_printf(f, "#define %s_FRAC_EXACT %d\n", u, w->frac_exact);
    file_printf(f, "#define %s_FRAC %d\n", u, w->frac);
    file_printf(f, "#define %s_TRUNC %d\n", u, w->trunc);
    file_printf(f, "#define %s_SHIFT_MAX %d\n", u, w->shift_max);
    file_printf(f, "#define %s_PROD_FULL_BITS %d\n", u, w->prod_bits);
    file_printf(f, "#define %s_PROD_BITS %d\n", u, w->prod_out_bits);
    file_printf(f, "#define %s_TREE_LEVELS %d\n", u, w->tree_levels);
    file_printf(f, "#define %s_TREE_BITS %d\n", u, w->tree_bits);
    file_printf(f, "#define %s_OUT_BITS %d\n", u, w->out_bits);
    file_printf(f, "#define %s_OUT_LSB_EXP %d\n", u, w->out_lsb_exp);
    file_printf(f, "#define %s_IN_A_BITS %d\n", u, c->lanes * c->a.bits);
    file_printf(f, "#define %s_IN_W_BITS %d\n", u, c->lanes * c->w.bits);
    file_printf(f, "#define %s_PIPELINE \"%s\"\n", u, g->pipeline);
    file_printf(f, "#define %s_STAGES %d\n", u, g->stages);
    file_printf(f, "#define %s_LATENCY %d\n", u, g->latency);
    file_printf(f, "\n#endif\n");
}

static void emit_filelist(lq_file *f, const mac_gen *g)
{
    file_header(f, "//", g->cmd);
    file_printf(f, "%s.v\n", g->name);
}

/* The make variables that rebuild this configuration. */
static void print_make_vars(const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    printf("MODE=%s LANES=%d BASE=%s BITS=%d FSR=%d WSIGN=%s ACT_BITS=%d ACT_FSR=%d "
           "ACT_SIGN=%s",
           lq_mac_mode_name(c->mode), c->lanes, g->wd.half ? "sqrt2" : "2", c->w.bits, c->w.fsr,
           c->w.is_signed ? "signed" : "unsigned", c->a.bits, c->a.fsr,
           c->a.is_signed ? "signed" : "unsigned");
    if (g->wd.half)
        printf(" SQRT2_FRAC=%d", c->sqrt2_frac);
    if (c->frac != LQ_MAC_FRAC_EXACT)
        printf(" FRAC=%d", c->frac);
    printf(" MAX_BEATS=%ld PIPELINE=%s", c->max_beats, g->pipeline);
}

static void report(const mac_gen *g, const char *dir, const lq_fileset *fs)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    printf("logq gen mac: wrote");
    for (int i = 0; i < fs->n; i++)
        printf(" %s/%s", dir, fs->files[i].name);
    printf("\n");
    printf("  mode %s, %d lanes, base %s; weight %s %d bits %s fsr %d; activation %s %d bits "
           "%s fsr %d\n",
           lq_mac_mode_name(c->mode), c->lanes, w->half ? "sqrt(2)" : "2",
           lq_scheme_name(c->w.scheme), c->w.bits, c->w.is_signed ? "signed" : "unsigned",
           c->w.fsr, lq_scheme_name(c->a.scheme), c->a.bits,
           c->a.is_signed ? "signed" : "unsigned", c->a.fsr);
    printf("  ports: clk, rst, in_valid, in_ready, in_last, in_a[%d:0] (%d x %d),\n"
           "         in_w[%d:0] (%d x %d), out_valid, out_ready, out_sum[%d:0]\n",
           c->lanes * c->a.bits - 1, c->lanes, c->a.bits, c->lanes * c->w.bits - 1, c->lanes,
           c->w.bits, w->out_bits - 1);
    if (w->half)
        printf("  sqrt(2) constant: %u / 2^%d\n", w->sqrt2_const, c->sqrt2_frac);
    printf("  widths: product %d bits (%d fraction bits%s), tree %d bits, output %d bits\n"
           "          (no overflow for up to %ld beats), output LSB 2^%d\n",
           w->prod_out_bits, w->frac,
           w->trunc ? ", truncated" : ", exact", w->tree_bits, w->out_bits, c->max_beats,
           w->out_lsb_exp);
    printf("  pipeline '%s': %d register stage(s), latency %d cycles\n", g->pipeline,
           g->stages, g->latency);
    printf("  co-simulate: make cosim ");
    print_make_vars(g);
    printf("\n  waves:       make cosim ");
    print_make_vars(g);
    printf(" WAVES=1   (then gtkwave the .fst it names, with %s/%s.gtkw)\n", dir, g->name);
    printf("  lint:        verilator --lint-only -Wall %s/%s.v\n", dir, g->name);
}

/* NAME.gtkw: the GTKWave view of a Verilator dump of the harness (scope TOP.NAME):
 * the input stream, the output stream (sum in signed decimal) and the pipeline's
 * valid flags and accumulator. */
static int emit_view(lq_fileset *fs, const mac_gen *g)
{
    char fn[96], top[80], vname[MAC_MAX_STAGES][8], err[160];
    gtkw_signal in[] = {{"clk", 1, GTKW_BIN},       {"rst", 1, GTKW_BIN},
                        {"in_valid", 1, GTKW_BIN},  {"in_ready", 1, GTKW_BIN},
                        {"in_last", 1, GTKW_BIN},
                        {"in_a", g->cfg.lanes * g->cfg.a.bits, GTKW_HEX},
                        {"in_w", g->cfg.lanes * g->cfg.w.bits, GTKW_HEX}};
    gtkw_signal out[] = {{"out_valid", 1, GTKW_BIN}, {"out_ready", 1, GTKW_BIN},
                         {"out_sum", g->wd.out_bits, GTKW_SDEC}};
    gtkw_signal st[MAC_MAX_STAGES + 1];
    int nst = 0;
    for (int s = 1; s <= g->stages && nst < MAC_MAX_STAGES; s++) {
        snprintf(vname[nst], sizeof vname[nst], "v%d", s);
        st[nst].name = vname[nst];
        st[nst].width = 1;
        st[nst++].radix = GTKW_BIN;
    }
    st[nst].name = "acc";
    st[nst].width = g->wd.out_bits;
    st[nst++].radix = GTKW_SDEC;
    gtkw_group groups[] = {{"input stream", in, (int)(sizeof in / sizeof in[0])},
                           {"output stream", out, (int)(sizeof out / sizeof out[0])},
                           {"pipeline", st, nst}};
    gtkw_view v = {NULL, top, groups, 3, -1, 0};
    lq_file *f;
    snprintf(top, sizeof top, "TOP.%s", g->name);
    snprintf(fn, sizeof fn, "%s.gtkw", g->name);
    f = fileset_add(fs, fn);
    if (!f) {
        cli_error("out of memory");
        return -1;
    }
    if (gtkw_write(f, &v, g->cmd, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

void mac_opts_init(mac_opts *o)
{
    memset(o, 0, sizeof *o);
    o->name = "logq_mac";
    o->pipeline = "product,tree:2";
    o->cfg.mode = LQ_MAC_SHIFT;
    o->cfg.lanes = 16;
    o->cfg.w = lq_format_default();
    o->cfg.sqrt2_frac = 8;
    o->cfg.frac = LQ_MAC_FRAC_EXACT;
    o->cfg.max_beats = 1024;
    o->act_bits = -1;
    o->act_signed = 1;
}

int mac_option(mac_opts *o, int ch, const char *arg)
{
    int mb;
    lq_framing fr = LQ_FRAMING_NONE;
    switch (ch) {
    case MAC_OPT_MODE:
        if (lq_mac_mode_parse(arg, &o->cfg.mode) != 0) {
            cli_error("--mode '%s' is unknown (shift, loglog or mult)", arg);
            return -1;
        }
        return 1;
    case MAC_OPT_BASE:
        if (strcmp(arg, "2") == 0) {
            o->cfg.w.scheme = LQ_LOG2;
        } else if (strcmp(arg, "sqrt2") == 0) {
            o->cfg.w.scheme = LQ_LOGSQRT2;
        } else {
            cli_error("--base '%s' is unknown (2 or sqrt2)", arg);
            return -1;
        }
        return 1;
    case MAC_OPT_LANES:
        return cli_int("--lanes", arg, 1, LQ_MAC_LANES_MAX, &o->cfg.lanes) != 0 ? -1 : 1;
    case MAC_OPT_ACT_BITS:
        return cli_int("--act-bits", arg, 1, LQ_MAC_ACT_BITS_MAX, &o->act_bits) != 0 ? -1 : 1;
    case MAC_OPT_ACT_FSR:
        o->have_act_fsr = 1;
        return cli_int("--act-fsr", arg, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, &o->act_fsr) != 0 ? -1
                                                                                           : 1;
    case MAC_OPT_ACT_SIGNED: o->act_signed = 1; return 1;
    case MAC_OPT_ACT_UNSIGNED: o->act_signed = 0; return 1;
    case MAC_OPT_SQRT2_FRAC:
        return cli_int("--sqrt2-frac", arg, 1, LQ_MAC_SQRT2_FRAC_MAX, &o->cfg.sqrt2_frac) != 0
                   ? -1
                   : 1;
    case MAC_OPT_FRAC: return cli_int("--frac", arg, -4096, 4096, &o->cfg.frac) != 0 ? -1 : 1;
    case MAC_OPT_MAX_BEATS:
        if (cli_int("--max-beats", arg, 1, LQ_MAC_MAX_BEATS_MAX, &mb) != 0)
            return -1;
        o->cfg.max_beats = mb;
        return 1;
    case MAC_OPT_PIPELINE: o->pipeline = arg; return 1;
    case MAC_OPT_NAME:
        if (name_check(arg) != 0) {
            cli_error("--name '%s' is not a lower-case Verilog identifier (a-z, 0-9, _; "
                      "not a keyword; at most 60 characters)",
                      arg);
            return -1;
        }
        o->name = arg;
        return 1;
    case CLI_FMT_WORDS:
    case CLI_FMT_THETA:
    case CLI_FMT_FRAMING:
    case CLI_FMT_ROUNDING:
        /* quantizer options: the array consumes codes, it never rounds */
        cli_error("--%s does not apply to a MAC array (it takes codes, not values)",
                  ch == CLI_FMT_WORDS ? "max-words" : ch == CLI_FMT_THETA ? "theta"
                  : ch == CLI_FMT_FRAMING ? "framing" : "rounding");
        return -1;
    default:
        if (ch >= CLI_FMT_BASE && ch < CLI_FMT_END)
            return cli_format_option(ch, arg, &o->cfg.w, &fr) != 0 ? -1 : 1;
        return 0;
    }
}

int mac_opts_finish(mac_opts *o, lq_mac_widths *wd)
{
    char msg[256];
    o->cfg.a = lq_format_default();
    if (o->cfg.mode == LQ_MAC_LOGLOG) {
        o->cfg.a.scheme = o->cfg.w.scheme;
        o->cfg.a.bits = o->act_bits < 0 ? 5 : o->act_bits;
        o->cfg.a.fsr = o->have_act_fsr ? o->act_fsr : 0;
    } else {
        o->cfg.a.scheme = LQ_LINEAR;
        o->cfg.a.bits = o->act_bits < 0 ? 8 : o->act_bits;
        /* default: step 1 */
        o->cfg.a.fsr = o->have_act_fsr ? o->act_fsr : o->cfg.a.bits - (o->act_signed ? 1 : 0);
    }
    o->cfg.a.is_signed = o->act_signed != 0;
    if (lq_mac_derive(&o->cfg, wd, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    return 0;
}

int gen_mac(const lq_cmd *c)
{
    static const struct option opts[] = {
        MAC_OPTIONS,
        {"tb", no_argument, 0, OPT_TB},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    mac_gen g;
    mac_opts mo;
    const char *dir = NULL, *pipeline;
    int ch, rc, tb = 0;
    lq_fileset fs;

    memset(&g, 0, sizeof g);
    g.cmd = c;
    mac_opts_init(&mo);
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(mac_help, stdout);
            return LQ_EXIT_OK;
        } else if (ch == 'o') {
            dir = optarg;
        } else if (ch == OPT_TB) {
            tb = 1;
        } else if ((rc = mac_option(&mo, ch, optarg)) < 0) {
            return LQ_EXIT_USAGE;
        } else if (rc == 0) {
            return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("unexpected argument '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!dir) {
        cli_error("-o DIR is required");
        return LQ_EXIT_USAGE;
    }
    if (mac_opts_finish(&mo, &g.wd) != 0)
        return LQ_EXIT_USAGE;
    g.cfg = mo.cfg;
    g.name = mo.name;
    pipeline = mo.pipeline;
    snprintf(g.pipeline, sizeof g.pipeline, "%s", pipeline);
    if (pipeline_parse(&g, pipeline) != 0)
        return LQ_EXIT_USAGE;
    for (size_t i = 0; g.name[i] && i + 1 < sizeof g.upper; i++)
        g.upper[i] = (char)toupper((unsigned char)g.name[i]);

    fileset_init(&fs);
    {
        char fn[96];
        lq_file *fv, *fh, *ff;
        snprintf(fn, sizeof fn, "%s.v", g.name);
        fv = fileset_add(&fs, fn);
        snprintf(fn, sizeof fn, "%s.h", g.name);
        fh = fileset_add(&fs, fn);
        snprintf(fn, sizeof fn, "%s.f", g.name);
        ff = fileset_add(&fs, fn);
        if (!fv || !fh || !ff) {
            cli_error("out of memory");
            fileset_free(&fs);
            return LQ_EXIT_FAIL;
        }
        emit_top(fv, &g);
        emit_prod(fv, &g);
        emit_header(fh, &g);
        emit_filelist(ff, &g);
        if (emit_view(&fs, &g) != 0) {
            fileset_free(&fs);
            return LQ_EXIT_FAIL;
        }
        {
            tb_desc d;
            char top[96];
            const char *vfiles[1] = {top};
            snprintf(top, sizeof top, "%s.v", g.name);
            tb_desc_mac(&d, g.name, &g.cfg, &g.wd);
            if (package_add_block(&fs, &d, vfiles, 1, g.latency,
                                  "logq multiply-accumulate array (docs/mac.md)", c) != 0 ||
                (tb && tb_icarus_write(&fs, &d, c) != 0)) {
                fileset_free(&fs);
                return LQ_EXIT_FAIL;
            }
        }
    }
    rc = fileset_commit(&fs, dir);
    if (rc == 0)
        report(&g, dir, &fs);
    fileset_free(&fs);
    if (rc != 0)
        return LQ_EXIT_FAIL;
    return LQ_EXIT_OK;
}

int mac_emit_module(lq_file *f, const lq_mac_config *cfg, const char *name,
                    const char *pipeline, const lq_cmd *c, int *latency)
{
    mac_gen g;
    char msg[256];
    memset(&g, 0, sizeof g);
    g.cfg = *cfg;
    g.name = name;
    g.cmd = c;
    if (lq_mac_derive(cfg, &g.wd, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    snprintf(g.pipeline, sizeof g.pipeline, "%s", pipeline);
    if (pipeline_parse(&g, pipeline) != 0)
        return -1;
    emit_top(f, &g);
    emit_prod(f, &g);
    *latency = g.latency;
    return 0;
}
