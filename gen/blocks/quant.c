/* `logq gen quant`: N lanes of linear fixed-point integers to N log codes in hardware
 * (docs/quant.md). cmodel/quanthw.c is the model; its lq_qhw_derive gives the
 * constants below, so the RTL, NAME.h and the model cannot disagree.
 *
 * The exact integer method (the derivation; docs/quant.md repeats it).
 * Input field v (A bits, two's complement or unsigned), value x = v * 2^LSB, exact.
 * Zero, and a negative x when --relu or the code is unsigned, give the code 0
 * (docs/formats.md: unsigned formats clip negatives). Otherwise let u = |v|, an
 * A-bit unsigned integer 1 <= u <= 2^(A-1) (signed) or < 2^A (unsigned), and
 *   n = floor(log2 u)          (0 <= n <= A-1, the leading one)
 *   z = A - 1 - n              (the normalizing shift, ZB = ceil(log2 A) bits)
 *   y = u * 2^z                (A bits, y[A-1] = 1; y / 2^(A-1) = u / 2^n exactly)
 * so |x| = (y / 2^(A-1)) * 2^(LSB + n) with the mantissa y / 2^(A-1) in [1, 2), and
 * floor(log2 |x|) = LSB + n. S = 1 (log2) or 2 (logsqrt2, half steps). The rounding of
 * S log2 |x| adds adj to S (LSB + n):
 *   log2 floor       adj = 0
 *   log2 nearest     adj = [y/2^(A-1) >= 2^(1/2)]
 *   logsqrt2 floor   adj = [y/2^(A-1) >= 2^(1/2)]
 *   logsqrt2 nearest adj = [y/2^(A-1) >= 2^(1/4)] + [y/2^(A-1) >= 2^(3/4)]
 * (the thresholds of docs/formats.md 3.1: the geometric means 2^(n+1/2) and
 * 2^((2k+1)/4) of neighbouring levels, and sqrt(2) 2^n for logsqrt2 floor).
 * Exactness of each comparison: c 2^(A-1) with c = 2^(p/4), p in {1, 2, 3}, is
 * irrational, hence never an integer, so for the integer y
 *   y / 2^(A-1) >= c  <=>  y >= c 2^(A-1)  <=>  y >= Kp = ceil(c 2^(A-1)),
 * and Kp is the least integer with Kp^4 >= 2^(4(A-1)+p) (lq_qhw_threshold: exact
 * integer arithmetic, no square root; equality is impossible because 4(A-1)+p is not
 * a multiple of 4). So "A-1 fraction bits of the expansion, rounded up" is exactly
 * enough: no A-bit input lies between the true threshold and Kp. Kp may be 2^A (for
 * tiny A, 2^(3/4) 2^(A-1) > 2^A - 1): that comparison is constant false.
 * The exponent is e = S (LSB + A - 1 - z) + adj; with lo = S FSR - 2^b (e_min - 1),
 *   m_raw = e - lo = C0 - S z + adj,      C0 = S (LSB + A - 1) - lo,
 * and docs/formats.md's Clip is: m = 0 (flush) if m_raw <= 0, m = 2^b - 1 (saturate)
 * if m_raw >= 2^b, else m_raw. The code is {sign, m} (signed) or m; a negative input
 * sets the sign (never with m = 0: the negative zero is not produced). m_raw is
 * formed in MW-bit two's complement, MW large enough for its whole range and for 0
 * and 2^b, so the two clip tests are a sign bit and one comparison. tests/unit/
 * test_quanthw.c proves lq_qhw_code_int (this method in C) equal to lq_quantize on
 * every input of 2400 configurations; tests/quant.sh proves the RTL equal to the
 * model. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "blocks/blocks.h"
#include "blocks/quant_opts.h"
#include "emit/emit.h"
#include "emit/gtkw.h"
#include "emit/package.h"
#include "emit/tb_icarus.h"

static const char quant_help[] =
    "usage: logq gen quant [options] -o DIR\n"
    "\n"
    "Hardware log quantizer: per beat N lanes of linear fixed-point integers (value\n"
    "v * 2^LSB) become N log codes, exactly the codes of `logq quant` for those values\n"
    "(flush to zero below the range, saturation above, docs/formats.md). docs/quant.md\n"
    "derives the exact integer method.\n"
    "\n"
    " input:\n"
    "  --lanes N           lanes per beat, 1-256 (default 16)\n"
    "  --in-bits A         input width, 2-32 (default 8)\n"
    "  --in-signed, --in-unsigned   two's complement or unsigned (default signed)\n"
    "  --in-lsb L          the input's LSB weighs 2^L, -256..256 (default 1 - A\n"
    "                      signed, -A unsigned: a fraction, the linear code of FSR 0)\n"
    "  --relu              negative inputs quantize as zero (ReLU, then quantize)\n"
    " output code (as for `logq quant`):\n"
    "  --scheme S          log2 or logsqrt2 (default log2)\n"
    "  --bits B            code width, sign included (default 5; 1-10 unsigned,\n"
    "                      2-10 signed)\n"
    "  --fsr F             full-scale range (default 0)\n"
    "  --rounding R        nearest (at the geometric mean) or floor (default nearest)\n"
    "  --signed, --unsigned   codes with or without a sign bit (default signed);\n"
    "                      unsigned codes map negative inputs to zero\n"
    " hardware:\n"
    "  --pipeline P        register stages before the output register, a comma list\n"
    "                      of: none, input (after the absolute value), norm (after the\n"
    "                      leading-one normalization), full (= input,norm)\n"
    "                      (default norm); latency is stages + 1 cycles\n"
    "  --name NAME         module and file name (default quant)\n"
    "  --tb                also write NAME_tb.v, the self-checking bench of\n"
    "                      `logq vectors quant` (docs/xsim.md)\n"
    "  -o, --out DIR       output directory (required)\n"
    "  -h, --help          this help\n"
    "\n"
    "Writes DIR/NAME.v, NAME.h, NAME.f, NAME.gtkw and the package files (NAME.core,\n"
    "NAME.vc, NAME.icarus.f, NAME.vendor.f, NAME.txt). Exit status: 0 success, 1\n"
    "cannot write, 2 bad option (the message names the value; no file is written).\n";

/* ---- options (shared with `logq vectors quant`) ---- */

void quant_opts_init(quant_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cfg.lanes = 16;
    o->cfg.in_bits = 8;
    o->cfg.in_signed = 1;
    o->cfg.in_lsb = 0;
    o->cfg.out = lq_format_default();
    o->name = "quant";
    o->pipeline = "norm";
}

static int ident_ok(const char *s)
{
    static const char *const kw[] = {
        "module", "endmodule", "input", "output", "inout", "wire", "reg", "assign",
        "always", "begin", "end", "if", "else", "case", "endcase", "default", "for",
        "generate", "endgenerate", "parameter", "localparam", "integer", "initial",
        "function", "endfunction", "task", "endtask", "posedge", "negedge", "or", "and",
        "not", "xor", "signed", "unsigned", "genvar", "logic", "bit", "int", NULL};
    if (!*s || strlen(s) > 48 || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    for (int i = 0; kw[i]; i++)
        if (strcmp(s, kw[i]) == 0)
            return 0;
    return 1;
}

int quant_option(quant_opts *o, int ch, const char *arg)
{
    switch (ch) {
    case QUANT_OPT_LANES:
        return cli_int("--lanes", arg, 1, LQ_QHW_LANES_MAX, &o->cfg.lanes) != 0 ? -1 : 1;
    case QUANT_OPT_IN_BITS:
        return cli_int("--in-bits", arg, LQ_QHW_IN_BITS_MIN, LQ_QHW_IN_BITS_MAX,
                       &o->cfg.in_bits) != 0 ? -1 : 1;
    case QUANT_OPT_IN_SIGNED: o->cfg.in_signed = 1; return 1;
    case QUANT_OPT_IN_UNSIGNED: o->cfg.in_signed = 0; return 1;
    case QUANT_OPT_IN_LSB:
        o->have_lsb = 1;
        return cli_int("--in-lsb", arg, -LQ_QHW_LSB_ABS_MAX, LQ_QHW_LSB_ABS_MAX,
                       &o->cfg.in_lsb) != 0 ? -1 : 1;
    case QUANT_OPT_RELU: o->cfg.relu = 1; return 1;
    case QUANT_OPT_PIPELINE: o->pipeline = arg; return 1;
    case QUANT_OPT_NAME:
        if (!ident_ok(arg)) {
            cli_error("--name '%s' is not a usable Verilog identifier (letters, digits and _, "
                      "at most 48, not a keyword)", arg);
            return -1;
        }
        o->name = arg;
        return 1;
    case CLI_FMT_WORDS:
    case CLI_FMT_THETA:
    case CLI_FMT_FRAMING:
        o->slq_option = 1;
        snprintf(o->slq_name, sizeof o->slq_name, "%s",
                 ch == CLI_FMT_WORDS ? "--max-words" : ch == CLI_FMT_THETA ? "--theta"
                                                                           : "--framing");
        return 1;
    default:
        if (ch >= CLI_FMT_BASE && ch < CLI_FMT_END)
            return cli_format_option(ch, arg, &o->cfg.out, NULL) != 0 ? -1 : 1;
        return 0;
    }
}

static int pipeline_parse(quant_opts *o)
{
    char buf[128], *tok, *save = NULL;
    if (strlen(o->pipeline) >= sizeof buf) {
        cli_error("--pipeline '%s' is too long", o->pipeline);
        return -1;
    }
    strcpy(buf, o->pipeline);
    o->stages = 0;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "none") == 0)
            continue;
        else if (strcmp(tok, "input") == 0)
            o->stages |= QUANT_STAGE_INPUT;
        else if (strcmp(tok, "norm") == 0)
            o->stages |= QUANT_STAGE_NORM;
        else if (strcmp(tok, "full") == 0)
            o->stages |= QUANT_STAGE_INPUT | QUANT_STAGE_NORM;
        else {
            cli_error("--pipeline item '%s' is unknown (none, input, norm, full)", tok);
            return -1;
        }
    }
    o->nstages = !!(o->stages & QUANT_STAGE_INPUT) + !!(o->stages & QUANT_STAGE_NORM);
    return 0;
}

int quant_opts_finish(quant_opts *o)
{
    char msg[256];
    if (o->slq_option) {
        cli_error("%s is an SLQ option; gen quant writes log2 or logsqrt2 codes", o->slq_name);
        return -1;
    }
    if (!o->have_lsb)
        o->cfg.in_lsb = o->cfg.in_signed ? 1 - o->cfg.in_bits : -o->cfg.in_bits;
    if (lq_qhw_check(&o->cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    return pipeline_parse(o);
}

/* ---- the Verilog ---- */

typedef struct {
    const quant_opts *o;
    lq_qhw_consts k;
    int n, a, bits, b, zb, mw, outsg, neg_kills, has_sign, insg;
} quant_gen;

/* Smallest two's complement width holding lo..hi. */
static int sbits(int64_t lo, int64_t hi)
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

static void emit_lane(lq_file *v, const quant_gen *g)
{
    const quant_opts *o = g->o;
    int A = g->a, in_reg = o->stages & QUANT_STAGE_INPUT, norm_reg = o->stages & QUANT_STAGE_NORM;
    const char *u = in_reg ? "u_q" : "u", *kl = in_reg ? "kill_q" : "kill",
               *sg = in_reg ? "sgn_q" : "sgn";

    file_printf(v, "    genvar i;\n    generate\n"
                   "        for (i = 0; i < LANES; i = i + 1) begin : g_lane\n");
    file_printf(v, "            // decode: |v| and the cases that give the code 0\n");
    file_printf(v, "            wire [A-1:0] v = s_data[i*A +: A];\n");
    if (g->insg) {
        file_printf(v, "            wire neg = v[A-1];\n"
                       "            wire [A-1:0] u = neg ? (~v + %d'd1) : v;  // -2^(A-1) -> 2^(A-1)\n",
                    A);
        if (g->neg_kills)
            file_printf(v, "            wire kill = ~|u | neg;  // zero, or negative %s\n",
                        o->cfg.relu ? "(ReLU)" : "(unsigned code)");
        else
            file_printf(v, "            wire kill = ~|u;\n            wire sgn = neg;\n");
    } else {
        file_printf(v, "            wire [A-1:0] u = v;\n            wire kill = ~|u;\n");
    }
    if (in_reg) {
        file_printf(v, "            reg [A-1:0] u_q;\n            reg kill_q;\n%s"
                       "            always @(posedge clk) begin\n"
                       "                if (en) begin\n"
                       "                    u_q <= u;\n                    kill_q <= kill;\n%s"
                       "                end\n            end\n",
                    g->has_sign ? "            reg sgn_q;\n" : "",
                    g->has_sign ? "                    sgn_q <= sgn;\n" : "");
    }
    /* normalization: shift left by 2^s when the top 2^s bits are zero, s = ZB-1 .. 0 */
    file_printf(v, "            // leading-one normalization: y = u << z, z = A-1-floor(log2 u)\n");
    file_printf(v, "            wire [A-1:0] y%d = %s;\n", g->zb, u);
    for (int s = g->zb - 1; s >= 0; s--) {
        int sh = 1 << s;
        file_printf(v, "            wire z%d = ~|y%d[A-1 -: %d];\n", s, s + 1, sh);
        if (s > 0 || g->k.nthr > 0)
            file_printf(v, "            wire [A-1:0] y%d = z%d ? {y%d[%d:0], %d'd0} : y%d;\n", s,
                        s, s + 1, A - 1 - sh, sh, s + 1);
    }
    if (g->k.nthr == 0)
        file_printf(v, "            // floor log2: only the leading one matters, y0 is not formed\n"
                       "            wire unused_y1 = ^y1[A-2:0];\n");
    file_printf(v, "            wire [ZB-1:0] z = {");
    for (int s = g->zb - 1; s >= 0; s--)
        file_printf(v, "z%d%s", s, s ? ", " : "");
    file_printf(v, "};\n");
    const char *zz = "z", *yy = "y0", *kl2 = kl, *sg2 = sg;
    if (norm_reg) {
        file_printf(v, "            reg [ZB-1:0] z_q;\n            reg kill_n;\n%s%s"
                       "            always @(posedge clk) begin\n"
                       "                if (en) begin\n"
                       "                    z_q <= z;\n                    kill_n <= %s;\n%s%s"
                       "                end\n            end\n",
                    g->k.nthr ? "            reg [A-1:0] y_q;\n" : "",
                    g->has_sign ? "            reg sgn_n;\n" : "", kl,
                    g->k.nthr ? "                    y_q <= y0;\n" : "", "");
        if (g->has_sign)
            file_printf(v, "            always @(posedge clk) begin\n"
                           "                if (en)\n                    sgn_n <= %s;\n"
                           "            end\n", sg);
        zz = "z_q";
        yy = "y_q";
        kl2 = "kill_n";
        sg2 = "sgn_n";
    }
    file_printf(v, "            // rounding: compare the normalized mantissa with the thresholds\n");
    if (g->k.nthr == 0) {
        file_printf(v, "            wire [MW-1:0] adj = %d'd0;  // floor: the leading one decides\n",
                    g->mw);
    } else {
        for (int t = 0; t < g->k.nthr; t++) {
            if (g->k.k[t] >= ((uint64_t)1 << A))
                file_printf(v, "            wire ge%d = 1'b0;  // K%d = 2^A: no input reaches it\n",
                            t, t);
            else
                file_printf(v, "            wire ge%d = %s >= K%d;\n", t, yy, t);
        }
        if (g->k.nthr == 1)
            file_printf(v, "            wire [MW-1:0] adj = {%d'd0, ge0};\n", g->mw - 1);
        else
            file_printf(v, "            wire [MW-1:0] adj = {%d'd0, ge0} + {%d'd0, ge1};\n",
                        g->mw - 1, g->mw - 1);
    }
    if (g->k.s == 2)
        file_printf(v, "            wire [MW-1:0] sz = {%d'd0, %s, 1'b0};  // S * z\n",
                    g->mw - g->zb - 1, zz);
    else
        file_printf(v, "            wire [MW-1:0] sz = {%d'd0, %s};  // S * z\n", g->mw - g->zb, zz);
    file_printf(v, "            wire [MW-1:0] mraw = C0 - sz + adj;\n"
                   "            wire flush = %s | mraw[MW-1] | (mraw == %d'd0);\n"
                   "            wire sat = mraw >= MSAT;  // only read when mraw >= 0\n"
                   "            wire [MB-1:0] m = flush ? %d'd0 : sat ? MMAX : mraw[MB-1:0];\n",
                kl2, g->mw, g->b);
    file_printf(v, "            reg [B-1:0] code_q;\n"
                   "            always @(posedge clk) begin\n"
                   "                if (en)\n");
    if (g->outsg && g->has_sign)
        file_printf(v, "                    code_q <= {%s & ~flush, m};\n", sg2);
    else if (g->outsg)
        file_printf(v, "                    code_q <= {1'b0, m};\n");
    else
        file_printf(v, "                    code_q <= m;\n");
    file_printf(v, "            end\n"
                   "            assign m_data[i*B +: B] = code_q;\n"
                   "        end\n    endgenerate\n");
}

static void emit_top(lq_file *v, const quant_gen *g)
{
    const quant_opts *o = g->o;
    const lq_qhw_cfg *c = &o->cfg;
    int N = g->n, A = g->a, B = g->bits, L = o->nstages;
    int64_t lo_r = g->k.c0 - (int64_t)g->k.s * ((1 << g->zb) - 1);

    file_printf(v, "// %s: %d lane(s) of %s %d-bit fixed point (LSB 2^%d)%s to %s %d-bit %s codes,\n"
                   "// FSR %d, rounding %s; pipeline '%s' (%d stage(s) + the output register).\n"
                   "// Lane i: s_data[i*%d +: %d] -> m_data[i*%d +: %d]. docs/quant.md derives the\n"
                   "// exact integer method (leading-one normalization, then the mantissa\n"
                   "// against ceil(2^(p/4) * 2^(A-1)), then the clip of docs/formats.md).\n",
                o->name, N, c->in_signed ? "signed" : "unsigned", A, c->in_lsb,
                c->relu ? ", ReLU," : "", g->outsg ? "signed" : "unsigned", B,
                lq_scheme_name(c->out.scheme), c->out.fsr, lq_rounding_name(c->out.rounding),
                o->pipeline, L, A, A, B, B);
    file_printf(v, "module %s #(\n"
                   "    parameter integer LANES = %d,\n"
                   "    parameter integer IN_BITS = %d,\n"
                   "    parameter integer OUT_BITS = %d\n) (\n",
                o->name, N, A, B);
    file_printf(v, "    input  wire        clk,\n"
                   "    input  wire        rst,\n"
                   "    input  wire        s_valid,\n"
                   "    output wire        s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    input  wire        s_last,\n"
                   "    output wire        m_valid,\n"
                   "    input  wire        m_ready,\n"
                   "    output wire [%d:0] m_data,\n"
                   "    output wire        m_last\n);\n",
                N * A - 1, N * B - 1);
    file_printf(v, "    localparam integer A = IN_BITS;\n"
                   "    localparam integer B = OUT_BITS;\n"
                   "    localparam integer MB = %d;   // magnitude bits of a code\n"
                   "    localparam integer ZB = %d;   // width of the normalizing shift\n"
                   "    localparam integer MW = %d;   // width of m_raw (two's complement)\n"
                   "    localparam integer PIPE = %d;\n"
                   "    localparam integer LATENCY = PIPE + 1;\n",
                g->b, g->zb, g->mw, L);
    file_printf(v, "    // m_raw = C0 - S*z + adj, C0 = S*(LSB + A - 1) - (S*FSR - 2^MB) = %lld;\n"
                   "    // m_raw ranges over %lld..%lld\n",
                (long long)g->k.c0, (long long)lo_r, (long long)(g->k.c0 + g->k.nthr));
    file_printf(v, "    localparam [MW-1:0] C0 = %d'h%llx;\n", g->mw, maskw(g->k.c0, g->mw));
    file_printf(v, "    localparam [MW-1:0] MSAT = %d'd%lld;  // 2^MB: saturates\n", g->mw,
                (long long)1 << g->b);
    file_printf(v, "    localparam [MB-1:0] MMAX = %d'd%lld;  // the largest magnitude\n", g->b,
                ((long long)1 << g->b) - 1);
    for (int t = 0; t < g->k.nthr; t++) {
        static const char *const what[3] = {"2^(1/4)", "2^(1/2)", "2^(3/4)"};
        int p = g->k.nthr == 2 ? (t == 0 ? 1 : 3) : 2;
        if (g->k.k[t] < ((uint64_t)1 << A))
            file_printf(v, "    localparam [A-1:0] K%d = %d'd%llu;  // ceil(%s * 2^(A-1))\n", t, A,
                        (unsigned long long)g->k.k[t], what[p - 1]);
    }
    file_printf(v, "\n    initial begin\n"
                   "        if (LANES != %d || IN_BITS != %d || OUT_BITS != %d || LATENCY != %d) begin\n"
                   "            $display(\"%s: generated for LANES=%d IN_BITS=%d OUT_BITS=%d; "
                   "regenerate with logq gen quant\");\n"
                   "            $finish;\n        end\n    end\n\n",
                N, A, B, L + 1, o->name, N, A, B);
    file_printf(v, "    // Every register moves when the output register is free (one beat per\n"
                   "    // clock while m_ready is high); the data registers are not reset.\n"
                   "    reg m_valid_r, m_last_r;\n"
                   "    wire en = ~m_valid_r | m_ready;\n"
                   "    assign s_ready = en;\n"
                   "    assign m_valid = m_valid_r;\n"
                   "    assign m_last = m_last_r;\n");
    /* valid and last through the stages */
    file_printf(v, "    wire v0 = s_valid;\n    wire l0 = s_last;\n");
    for (int j = 1; j <= L; j++)
        file_printf(v, "    reg v%d, l%d;\n"
                       "    always @(posedge clk) begin\n"
                       "        if (rst)\n            v%d <= 1'b0;\n"
                       "        else if (en)\n            v%d <= v%d;\n"
                       "    end\n"
                       "    always @(posedge clk) begin\n"
                       "        if (en)\n            l%d <= l%d;\n"
                       "    end\n",
                    j, j, j, j, j - 1, j, j - 1);
    file_printf(v, "    always @(posedge clk) begin\n"
                   "        if (rst)\n            m_valid_r <= 1'b0;\n"
                   "        else if (en)\n            m_valid_r <= v%d;\n"
                   "    end\n"
                   "    always @(posedge clk) begin\n"
                   "        if (en)\n            m_last_r <= l%d;\n"
                   "    end\n\n",
                L, L);
    emit_lane(v, g);
    file_printf(v, "endmodule\n");
}

static void emit_header(lq_file *h, const quant_gen *g)
{
    const quant_opts *o = g->o;
    const lq_qhw_cfg *c = &o->cfg;
    file_printf(h, "#ifndef QUANT_H\n#define QUANT_H\n\n");
    file_printf(h, "#define QUANT_NAME \"%s\"\n", o->name);
    file_printf(h, "#define QUANT_LANES %d\n", g->n);
    file_printf(h, "#define QUANT_IN_BITS %d\n", g->a);
    file_printf(h, "#define QUANT_IN_SIGNED %d\n", c->in_signed);
    file_printf(h, "#define QUANT_IN_LSB %d\n", c->in_lsb);
    file_printf(h, "#define QUANT_RELU %d\n", c->relu);
    file_printf(h, "#define QUANT_SCHEME_HALF %d /* 1: logsqrt2 */\n",
                c->out.scheme == LQ_LOGSQRT2);
    file_printf(h, "#define QUANT_OUT_BITS %d\n", g->bits);
    file_printf(h, "#define QUANT_OUT_SIGNED %d\n", g->outsg);
    file_printf(h, "#define QUANT_FSR %d\n", c->out.fsr);
    file_printf(h, "#define QUANT_FLOOR %d /* 1: floor, 0: nearest */\n",
                c->out.rounding == LQ_FLOOR);
    file_printf(h, "#define QUANT_PIPE %d\n", o->nstages);
    file_printf(h, "#define QUANT_LATENCY %d\n", o->nstages + 1);
    file_printf(h, "#define QUANT_IN_DATA_BITS %d\n", g->n * g->a);
    file_printf(h, "#define QUANT_OUT_DATA_BITS %d\n", g->n * g->bits);
    file_printf(h, "#define QUANT_C0 %lldLL\n", (long long)g->k.c0);
    file_printf(h, "#define QUANT_NTHR %d\n", g->k.nthr);
    file_printf(h, "#define QUANT_K0 %lluULL\n#define QUANT_K1 %lluULL\n",
                (unsigned long long)g->k.k[0], (unsigned long long)g->k.k[1]);
    file_printf(h, "\n#endif\n");
}

static int emit_gtkw(lq_file *f, const quant_gen *g, const lq_cmd *c)
{
    char top[96], err[160], vl[8], ll[8];
    int L = g->o->nstages;
    snprintf(top, sizeof top, "%s_tb.dut", g->o->name);
    snprintf(vl, sizeof vl, "v%d", L);
    snprintf(ll, sizeof ll, "l%d", L);
    const gtkw_signal in[] = {{"clk", 1, GTKW_BIN}, {"rst", 1, GTKW_BIN},
                              {"s_valid", 1, GTKW_BIN}, {"s_ready", 1, GTKW_BIN},
                              {"s_last", 1, GTKW_BIN}, {"s_data", g->n * g->a, GTKW_HEX}};
    const gtkw_signal out[] = {{"m_valid", 1, GTKW_BIN}, {"m_ready", 1, GTKW_BIN},
                               {"m_last", 1, GTKW_BIN}, {"m_data", g->n * g->bits, GTKW_HEX}};
    const gtkw_signal st[] = {{"en", 1, GTKW_BIN}, {vl, 1, GTKW_BIN}, {ll, 1, GTKW_BIN}};
    const gtkw_group grp[] = {{"input stream", in, 6}, {"output stream", out, 4},
                              {"pipeline", st, L > 0 ? 3 : 1}};
    gtkw_view v = {NULL, top, grp, 3, -1, 0};
    if (gtkw_write(f, &v, c, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

void tb_desc_quant(tb_desc *d, const char *name, int lanes, int in_bits, int out_bits,
                   int latency)
{
    memset(d, 0, sizeof *d);
    d->block = "quant";
    d->module = name;
    d->in_valid = "s_valid";
    d->in_ready = "s_ready";
    d->in[0] = (tb_port){"s_data", lanes * in_bits};
    d->in[1] = (tb_port){"s_last", 1};
    d->nin = 2;
    d->out_valid = "m_valid";
    d->out_ready = "m_ready";
    d->out[0] = (tb_port){"m_data", lanes * out_bits};
    d->out[1] = (tb_port){"m_last", 1};
    d->nout = 2;
    d->out_data_reset = 0; /* the data registers are not reset: checked while m_valid */
    d->out_per_vector = 0; /* one output item per input beat */
    d->latency = latency;
}

int gen_quant(const lq_cmd *c)
{
    enum { OPT_TB = QUANT_OPT_END + 1 };
    static const struct option opts[] = {QUANT_OPTIONS,
                                         {"tb", no_argument, 0, OPT_TB},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    quant_opts o;
    quant_gen g;
    lq_fileset fs;
    lq_file *fv, *fh, *ff, *fg;
    const char *out = NULL;
    char fname[80];
    int ch, rc, tb = 0;

    quant_opts_init(&o);
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(quant_help, stdout);
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
        if ((rc = quant_option(&o, ch, optarg)) < 0)
            return LQ_EXIT_USAGE;
        if (rc == 0)
            return cli_bad_option(c);
    }
    if (optind < c->argc) {
        cli_error("gen quant takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!out) {
        cli_error("gen quant needs an output directory (-o DIR)");
        return LQ_EXIT_USAGE;
    }
    if (quant_opts_finish(&o) != 0)
        return LQ_EXIT_USAGE;

    memset(&g, 0, sizeof g);
    g.o = &o;
    lq_qhw_derive(&o.cfg, &g.k);
    g.n = o.cfg.lanes;
    g.a = o.cfg.in_bits;
    g.bits = o.cfg.out.bits;
    g.b = g.k.b;
    g.zb = g.k.zbits;
    g.outsg = o.cfg.out.is_signed;
    g.insg = o.cfg.in_signed;
    g.neg_kills = g.insg && (o.cfg.relu || !g.outsg);
    g.has_sign = g.insg && !g.neg_kills;
    {
        int64_t lo_r = g.k.c0 - (int64_t)g.k.s * ((1 << g.zb) - 1), hi_r = g.k.c0 + g.k.nthr;
        g.mw = sbits(lo_r < 0 ? lo_r : 0, hi_r > ((int64_t)1 << g.b) ? hi_r : (int64_t)1 << g.b);
        if (g.mw < g.zb + 2)
            g.mw = g.zb + 2;
    }

    fileset_init(&fs);
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
    file_puts(fv, "\n`resetall\n");
    file_header(fh, "//", c);
    emit_header(fh, &g);
    file_header(ff, "#", c);
    file_printf(ff, "%s.v\n", o.name);
    if (emit_gtkw(fg, &g, c) != 0) {
        rc = LQ_EXIT_FAIL;
        goto done;
    }
    {
        tb_desc d;
        char top[96];
        const char *vfiles[1] = {top};
        snprintf(top, sizeof top, "%s.v", o.name);
        tb_desc_quant(&d, o.name, g.n, g.a, g.bits, o.nstages + 1);
        if (package_add_block(&fs, &d, vfiles, 1, o.nstages + 1,
                              "logq hardware log quantizer (docs/quant.md)", c) != 0 ||
            (tb && tb_icarus_write(&fs, &d, c) != 0)) {
            rc = LQ_EXIT_FAIL;
            goto done;
        }
    }
    if (fileset_commit(&fs, out) != 0) {
        rc = LQ_EXIT_FAIL;
        goto done;
    }
    printf("logq gen quant: wrote %s/%s.v, %s.h, %s.f, %s.gtkw and the package files%s\n", out,
           o.name, o.name, o.name, o.name, tb ? ", the bench _tb.v" : "");
    printf("  %d lane(s): %s %d-bit input, LSB 2^%d%s -> %s %d-bit %s codes, FSR %d, %s\n", g.n,
           g.insg ? "signed" : "unsigned", g.a, o.cfg.in_lsb, o.cfg.relu ? ", ReLU" : "",
           g.outsg ? "signed" : "unsigned", g.bits, lq_scheme_name(o.cfg.out.scheme),
           o.cfg.out.fsr, lq_rounding_name(o.cfg.out.rounding));
    printf("  m_raw = %lld - %d*z + adj (%d threshold(s)", (long long)g.k.c0, g.k.s, g.k.nthr);
    for (int t = 0; t < g.k.nthr; t++)
        printf(" K%d=%llu", t, (unsigned long long)g.k.k[t]);
    printf("), %d-bit\n", g.mw);
    printf("  in : s_valid s_ready s_last s_data[%d:0]\n  out: m_valid m_ready m_last m_data[%d:0]\n",
           g.n * g.a - 1, g.n * g.bits - 1);
    printf("  latency: %d cycle(s); one beat per clock\n", o.nstages + 1);
    printf("  lint: cd %s && verilator --lint-only -Wall -f %s.f\n", out, o.name);
    rc = LQ_EXIT_OK;
done:
    fileset_free(&fs);
    return rc;
}
