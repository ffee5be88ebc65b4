/* The MAC array block: `logq gen mac` and `logq vectors mac`. An N-lane
 * multiply-accumulate array in which no lane multiplies (shift and loglog modes), or
 * a baseline with multipliers (mult: the log weight expanded to an integer; linear:
 * linear integer weights). docs/mac.md is the specification;
 * cmodel/mac.c is the bit-exact model, and lq_mac_derive (shared with the model)
 * gives every width.
 *
 * This file is the block's whole description (gen/blocks/block.h): its options, the
 * derivation of its configuration, its ports, its files (NAME.v: the top, whose
 * function NAME_prod is one lane's product; NAME.h: parameters, derived constants and
 * the port layout), its view, its report and its stimulus with the model's expected
 * outputs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/mac.h"
#include "blocks/block.h"
#include "blocks/pipeline.h"
#include "emit/verilog.h"

extern const lq_block blk_mac; /* this block, defined at the end of the file */

enum { MAC_MAX_STAGES = 10 }; /* tree levels of 256 lanes (8) + products + sum */

/* The options (the fields the table below writes) and what they derive. */
typedef struct {
    int mode, base, scheme, lanes, bits, fsr, wsigned, act_bits, act_fsr, act_signed;
    int sqrt2_frac, frac, max_beats;
    const char *pipeline_opt, *name;

    lq_mac_config cfg;
    lq_mac_widths wd;
    char upper[80];
    char pipeline[128];      /* the --pipeline text as given */
    int reg_level[MAC_MAX_STAGES]; /* 1 when tree level j (0 = products) is registered */
    int in_reg;              /* --pipeline input: the inputs are registered */
    int opnd;                /* --pipeline operand: the shifter's operands are registered */
    int carry;               /* --pipeline carry: the accumulator's carry is registered */
    int pre_stages;          /* register stages before the accumulator */
    int stages;              /* S: every register stage (pre_stages + carry) */
    int latency;             /* S + 1 */
} mac_gen;

/* "base 2", "base sqrt(2)", or what linear mode has instead. */
static const char *base_text(const mac_gen *g)
{
    if (g->cfg.mode == LQ_MAC_LINEAR)
        return "linear weights";
    return g->wd.half ? "base sqrt(2)" : "base 2";
}

/* ---- NAME_prod (written into NAME.v after the top module) ---- */

/* Shift-add multiplication of signed `src` (width w) by the constant C into `dst`. */
static void emit_const_mult(vw *v, const char *dst, const char *src, int w, uint32_t c)
{
    char line[512];
    size_t n = 0;
    int first = 1;
    n += (size_t)snprintf(line + n, sizeof line - n, "// times %u = ", c);
    for (int k = 31; k >= 0; k--)
        if ((c >> k) & 1u) {
            n += (size_t)snprintf(line + n, sizeof line - n, "%s2^%d", first ? "" : " + ", k);
            first = 0;
        }
    vw_line(v, "%s: shift-adds, no multiplier", line);
    /* the sum of the shifted terms */
    n = 0;
    first = 1;
    for (int k = 31; k >= 0; k--)
        if ((c >> k) & 1u) {
            n += (size_t)snprintf(line + n, sizeof line - n, "%s(%s <<< %d)", first ? "" : " + ",
                                  src, k);
            first = 0;
        }
    vw_wire(v, 1, w, dst, "%s", line);
}

/* Fields of one log operand: m (magnitude), zero, sign. */
static void emit_log_fields(vw *v, const char *port, const char *pfx, const lq_format *fmt,
                            int bm)
{
    char n[16];
    snprintf(n, sizeof n, "%sm", pfx);
    vw_wire(v, 0, bm, n, "%s[%d:0]", port, bm - 1);
    snprintf(n, sizeof n, "%szero", pfx);
    vw_wire(v, 0, 0, n, "~|%sm", pfx);
    if (fmt->is_signed) {
        snprintf(n, sizeof n, "%sneg", pfx);
        vw_wire(v, 0, 0, n, "%s[%d]", port, fmt->bits - 1);
    }
}

/* The final truncation `p = floor(full / 2^T)` into p: the full word's low bits are
 * unused when T > 0. */
static void emit_trunc(vw *v, const mac_gen *g, const char *p)
{
    int WP = g->wd.prod_bits, T = g->wd.trunc;
    if (T == 0) {
        vw_assign(v, p, "full");
    } else if (T >= WP) {
        vw_line(v, "// floor(full / 2^%d) is 0 or -1", T);
        vw_assign(v, p, "full[%d]", WP - 1);
    } else {
        vw_line(v, "// floor(full / 2^%d)", T);
        vw_assign(v, p, "full[%d:%d]", WP - 1, T);
    }
}

static void emit_full_decl(vw *v, const mac_gen *g)
{
    if (g->wd.trunc > 0)
        vw_decl(v, "/* verilator lint_off UNUSED */");
    vw_wire(v, 1, g->wd.prod_bits, "full", NULL);
    if (g->wd.trunc > 0)
        vw_decl(v, "/* verilator lint_on UNUSED */");
}

/* Shift mode, base 2: no adder after the shifter and none before it. The weight's
 * sign and zero code act on the narrow activation (a_n, one bit wider for the
 * negation of the most negative code), and the shift by m - 1 is a shift by m into
 * one more bit whose LSB (0 for m >= 1) is dropped. The operand part needs a_s and
 * the weight's fields; the shift part needs a_n and w_m. */
static int b2_an_bits(const mac_gen *g)
{
    return g->wd.a_ext + (g->cfg.w.is_signed ? 1 : 0);
}

/* a_n from the function's inputs a and w, in one statement (few statements: a
 * simulator runs the function once per lane and clock edge). */
static void emit_b2_operand(vw *v, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    int A = c->a.bits, AN = b2_an_bits(g), BM = g->wd.w_mag;
    char l1[32], ia[96];
    if (c->a.is_signed)
        snprintf(ia, sizeof ia, "$signed({{%d{a[%d]}}, a})", AN - A, A - 1);
    else
        snprintf(ia, sizeof ia, "$signed({%s, a})", vw_lit(l1, AN - A, 0, 0));
    vw_line(v, "// exponent e = %d + m - 1; aligned shift = e + %d = m - 1",
            lq_exp_min(&c->w), g->wd.frac_exact);
    vw_line(v, "// a_n: the activation with the weight's sign and zero code (m = 0), before");
    vw_line(v, "// the shift");
    if (c->w.is_signed)
        vw_wire(v, 1, AN, "a_n", "~|w[%d:0] ? %s : (w[%d] ? -%s : %s)", BM - 1,
                vw_lit(l1, AN, 1, 0), c->w.bits - 1, ia, ia);
    else
        vw_wire(v, 1, AN, "a_n", "~|w[%d:0] ? %s : %s", BM - 1, vw_lit(l1, AN, 1, 0), ia);
}

/* fname = the product from a_n and the shift amount `m` (an expression), truncated. */
static void emit_b2_shift(vw *v, const mac_gen *g, const char *fname, const char *m)
{
    int WP = g->wd.prod_bits, AN = b2_an_bits(g), T = g->wd.trunc;
    vw_line(v, "// the barrel shifter: a_n * 2^(m - 1) = (a_n * 2^m) / 2, exact for m >= 1");
    vw_decl(v, "/* verilator lint_off UNUSED */");
    vw_wire(v, 1, WP + 1, "mag", "$signed({{%d{a_n[%d]}}, a_n}) <<< %s", WP + 1 - AN, AN - 1, m);
    vw_decl(v, "/* verilator lint_on UNUSED */");
    if (T == 0) {
        vw_assign(v, fname, "mag[%d:1]", WP);
    } else if (T >= WP) {
        vw_line(v, "// floor(product / 2^%d) is 0 or -1", T);
        vw_assign(v, fname, "mag[%d]", WP);
    } else {
        vw_line(v, "// floor(product / 2^%d)", T);
        vw_assign(v, fname, "mag[%d:%d]", WP, T + 1);
    }
}

/* Shift mode, base 2, with a product stage: each lane's product is written out in the
 * stage's clocked block, not called as NAME_prod. The same logic as the function
 * (a_n of AN bits, sign-extended, shifted by m; the same Yosys netlist), in one
 * expression whose every operand is read once: Icarus runs a function call as a
 * thread of its own with its arguments and locals stored and loaded (about 12 k
 * instructions per lane and clock edge), the expression in about 4 k (docs/bench.md).
 * $signed({x, K'd0}) >>> K sign-extends x by K bits from one read of x. The shift by
 * m and the drop of the bits below the product's LSB are one arithmetic right shift
 * by ~m = MAX - m of a_n placed MAX - D bits up (D the dropped bits; b2_rshift), where
 * the product fits; else the bits of mag below the product's LSB go to the register
 * NAME_drop, which nothing reads (no logic; Icarus pays one more assignment a lane). */
static int b2_inline(const mac_gen *g)
{
    return g->cfg.mode == LQ_MAC_SHIFT && !g->wd.half && g->reg_level[0];
}

/* The right-shift form applies: mag is a_n shifted by at most MAX = 2^BM - 1 bits
 * (its width AN + MAX) and the product register holds a_n at its top (WPT >= AN). */
static int b2_rshift(const mac_gen *g)
{
    int AN = b2_an_bits(g), MAX = (1 << g->wd.w_mag) - 1;
    return g->wd.prod_bits + 1 == AN + MAX && g->wd.prod_out_bits >= AN;
}

/* The width of NAME_drop: mag's bits below the product (mag[WP:k], k of them). */
static int b2_drop_bits(const mac_gen *g)
{
    return g->wd.prod_bits + 1 - g->wd.prod_out_bits;
}

/* The expression {t0_i, NAME_drop} takes: a_n from activation a and weight w (slices of
 * the input buses, or with --pipeline operand a_n and m themselves, an = 1). */
static void b2_inline_expr(char *out, size_t n, const mac_gen *g, const char *a, const char *w_m,
                           const char *w_sign, int an)
{
    const lq_mac_config *c = &g->cfg;
    int A = c->a.bits, AN = b2_an_bits(g), WM = g->wd.prod_bits + 1;
    char ia[160], opnd[480], l1[32];
    if (an)
        snprintf(opnd, sizeof opnd, "%s", a);
    else {
        if (!c->a.is_signed)
            snprintf(ia, sizeof ia, "$signed({%s, %s})", vw_lit(l1, AN - A, 0, 0), a);
        else if (AN > A)
            snprintf(ia, sizeof ia, "($signed({%s, %d'd0}) >>> %d)", a, AN - A, AN - A);
        else
            snprintf(ia, sizeof ia, "$signed(%s)", a);
        if (c->w.is_signed)
            snprintf(opnd, sizeof opnd, "~|%s ? %s : (%s ? -%s : %s)", w_m, vw_lit(l1, AN, 1, 0),
                     w_sign, ia, ia);
        else
            snprintf(opnd, sizeof opnd, "~|%s ? %s : %s", w_m, vw_lit(l1, AN, 1, 0), ia);
    }
    if (b2_rshift(g) && g->wd.prod_out_bits > AN)
        snprintf(out, n, "$signed({%s, %d'd0}) >>> ~%s", opnd, g->wd.prod_out_bits - AN, w_m);
    else if (b2_rshift(g))
        snprintf(out, n, "$signed(%s) >>> ~%s", opnd, w_m);
    else
        snprintf(out, n, "($signed({%s, %d'd0}) >>> %d) <<< %s", opnd, WM - AN, WM - AN, w_m);
}

/* Mult mode: dst (width wd) = ia * (+-2^sh), the weight decoded to a power of two
 * (sh, w_zero, w_neg, a_s declared) and a real multiplier. */
static void emit_mult_pow2(vw *v, const mac_gen *g, const char *dst, int wd)
{
    int AE = g->wd.a_ext, WV = g->wd.shift_max + 2, WM = AE + WV;
    const char *neg = g->cfg.w.is_signed ? "w_neg" : "1'b0";
    char l1[32];
    vw_wire(v, 1, WV, "w_mag", "%s <<< sh", vw_lit(l1, WV, 1, 1));
    vw_wire(v, 1, WV, "w_v", "w_zero ? %s : (%s ? -w_mag : w_mag)", vw_lit(l1, WV, 1, 0), neg);
    vw_sext(v, "a_m2", "a_s", AE, WM);
    vw_sext(v, "w_m2", "w_v", WV, WM);
    if (WM > wd)
        vw_decl(v, "/* verilator lint_off UNUSED */");
    vw_line(v, "// the multiplier");
    vw_wire(v, 1, WM, "prod", "a_m2 * w_m2");
    if (WM > wd) {
        vw_decl(v, "/* verilator lint_on UNUSED */");
        vw_assign(v, dst, "prod[%d:0]", wd - 1);
    } else {
        vw_assign(v, dst, "prod");
    }
}

/* Base 2, mult (shift: emit_b2_*; base sqrt(2): split_body). */
static void emit_prod_shift(vw *v, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int AE = w->a_ext, BM = w->w_mag, WP = w->prod_bits;
    char l1[32];

    emit_log_fields(v, "w", "w_", &c->w, BM);
    if (c->a.is_signed)
        vw_wire(v, 1, AE, "a_s", "$signed(a)");
    else
        vw_wire(v, 1, AE, "a_s", "$signed({1'b0, a})");
    /* mult: decode the weight to its aligned value and multiply. */
    emit_full_decl(v, g);
    vw_line(v, "// exponent e = %d + m - 1; aligned shift = e + %d = m - 1", lq_exp_min(&c->w),
            w->frac_exact);
    vw_wire(v, 0, BM, "sh", "w_m - %s", vw_lit(l1, BM, 0, 1));
    emit_mult_pow2(v, g, "full", WP);
}

static void emit_prod_loglog(vw *v, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int BW = w->w_mag, BA = w->a_mag, WP = w->prod_bits, P = c->sqrt2_frac;
    int SW = (BW > BA ? BW : BA) + 1;
    int emin = lq_exp_min(&c->w) + lq_exp_min(&c->a);
    const char *neg = c->w.is_signed && c->a.is_signed ? "w_neg ^ a_neg"
                      : c->w.is_signed                ? "w_neg"
                      : c->a.is_signed                ? "a_neg"
                                                      : "1'b0";
    char l1[32], l2[32];

    emit_log_fields(v, "w", "w_", &c->w, BW);
    emit_log_fields(v, "a", "a_", &c->a, BA);
    emit_full_decl(v, g);
    vw_wire(v, 0, 0, "zero", "w_zero | a_zero");
    vw_wire(v, 0, SW, "w_mx", "{%s, w_m}", vw_lit(l1, SW - BW, 0, 0));
    vw_wire(v, 0, SW, "a_mx", "{%s, a_m}", vw_lit(l1, SW - BA, 0, 0));
    if (!w->half) {
        vw_line(v, "// exponent sum e = %d + s; aligned shift s = (m_w - 1) + (m_a - 1)", emin);
        vw_wire(v, 0, SW, "s", "w_mx + a_mx - %s", vw_lit(l1, SW, 0, 2));
        vw_line(v, "// one-hot");
        vw_wire(v, 1, WP, "mag", "%s <<< s", vw_lit(l1, WP, 1, 1));
    } else {
        vw_line(v, "// half-step exponent sum e = %d + (m_w - 1) + (m_a - 1);", emin);
        vw_line(v, "// t = e - %d: odd e <=> t[0]", emin - w->odd_offset);
        vw_wire(v, 0, SW, "t", "w_mx + a_mx - %s", vw_lit(l1, SW, 0, 2 - w->odd_offset));
        vw_wire(v, 1, WP, "mag", "(t[0] ? %s : %s) <<< t[%d:1]", vw_lit(l1, WP, 1, w->sqrt2_const),
                vw_lit(l2, WP, 1, 1LL << P), SW - 1);
    }
    vw_assign(v, "full", "zero ? %s : (%s ? -mag : mag)", vw_lit(l1, WP, 1, 0), neg);
}

/* Linear mode: two's complement (or zero-extended unsigned) integers, one signed
 * multiply. Whether it maps to DSP blocks is the synthesis tool's choice (docs/fpga.md). */
static void emit_prod_linear(vw *v, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int AE = w->a_ext, WE = w->w_mag, WP = w->prod_bits;
    vw_wire(v, 1, AE, "a_s", c->a.is_signed ? "$signed(a)" : "$signed({1'b0, a})");
    vw_wire(v, 1, WE, "w_s", c->w.is_signed ? "$signed(w)" : "$signed({1'b0, w})");
    emit_full_decl(v, g);
    vw_sext(v, "a_x", "a_s", AE, WP);
    vw_sext(v, "w_x", "w_s", WE, WP);
    vw_line(v, "// the multiplier: %d x %d bits signed, exact in %d bits", AE, WE, WP);
    vw_assign(v, "full", "a_x * w_x");
}

/* Base sqrt(2), shift and mult (docs/mac.md, "The sqrt(2) constant once per array"):
 * a lane's product is u * 2^P (t even) or u * C (t odd) with u = +-ia * 2^(t >> 1), so
 * each lane gives u to one of two adder trees by the parity of t, and the odd tree's
 * sum is multiplied by C once, after the trees. */
static int split_mode(const mac_gen *g)
{
    return g->wd.split;
}

/* The width of u: the signed activation (one bit wider when the weight's sign negates
 * it) shifted by up to shift_max. */
static int split_u_bits(const mac_gen *g)
{
    return g->wd.a_ext + (g->cfg.w.is_signed ? 1 : 0) + g->wd.shift_max;
}

/* NAME_prod in the split structure: {u_odd, u_even}, the other half 0. */
static void split_body(vw *v, const mac_gen *g, const char *fname)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int AE = w->a_ext, BM = w->w_mag, WU = split_u_bits(g);
    int AN = AE + (c->w.is_signed ? 1 : 0);
    char l1[32], l2[32];
    emit_log_fields(v, "w", "w_", &c->w, BM);
    if (c->a.is_signed)
        vw_wire(v, 1, AE, "a_s", "$signed(a)");
    else
        vw_wire(v, 1, AE, "a_s", "$signed({1'b0, a})");
    vw_line(v, "// half-step exponent e = %d + m - 1; t = m - 1 + %d: odd e <=> t[0],",
            lq_exp_min(&c->w), w->odd_offset);
    vw_line(v, "// floor(e/2) = %d + (t >> 1)", (lq_exp_min(&c->w) - w->odd_offset) / 2);
    if (w->odd_offset)
        vw_wire(v, 0, BM, "t", "w_m");
    else
        vw_wire(v, 0, BM, "t", "w_m - %s", vw_lit(l1, BM, 0, 1));
    if (BM > 1)
        vw_wire(v, 0, BM - 1, "sh", "t[%d:1]", BM - 1);
    else
        vw_wire(v, 0, 1, "sh", "1'b0");
    vw_wire(v, 1, WU, "u", NULL);
    if (c->mode == LQ_MAC_SHIFT) {
        vw_line(v, "// u = +-ia * 2^(t >> 1): sign and zero code on the activation, then the shift");
        if (c->w.is_signed) {
            vw_sext(v, "a_e", "a_s", AE, AN);
            vw_wire(v, 1, AN, "a_n", "w_zero ? %s : (w_neg ? -a_e : a_e)", vw_lit(l1, AN, 1, 0));
        } else {
            vw_wire(v, 1, AN, "a_n", "w_zero ? %s : a_s", vw_lit(l1, AN, 1, 0));
        }
        vw_sext(v, "a_x", "a_n", AN, WU);
        vw_assign(v, "u", "a_x <<< sh");
    } else {
        /* mult: +-2^(t >> 1) decoded, then the multiplier */
        emit_mult_pow2(v, g, "u", WU);
    }
    vw_line(v, "// to the odd tree (t odd: times C after the trees) or the even one (times 2^%d)",
            c->sqrt2_frac);
    vw_assign(v, fname, "t[0] ? {u, %s} : {%s, u}", vw_lit(l1, WU, 0, 0), vw_lit(l2, WU, 0, 0));
}

typedef void (*fn_body)(vw *b, const mac_gen *g, const char *fname);

/* function RET NAME_SUFFIX with the input declarations `inputs` (one a line); body
 * declares its variables (procedural mode) and assigns fname. */
static void emit_function(vw *v, const mac_gen *g, const char *ret, const char *suffix,
                          const char *const *inputs, int ninputs, fn_body body)
{
    lq_file decl, fbody;
    char fname[80];
    vw b;
    memset(&decl, 0, sizeof decl);
    memset(&fbody, 0, sizeof fbody);
    snprintf(fname, sizeof fname, "%s_%s", g->name, suffix);
    vw_open(v, "function %s %s;", ret, fname);
    for (int i = 0; i < ninputs; i++)
        vw_line(v, "%s", inputs[i]);
    vw_init(&b, &fbody, v->indent + 1);
    vw_proc(&b, &decl, v->indent);
    body(&b, g, fname);
    if (decl.failed || fbody.failed)
        v->f->failed = 1;
    if (decl.data)
        file_puts(v->f, decl.data);
    vw_line(v, "begin");
    if (fbody.data)
        file_puts(v->f, fbody.data);
    vw_line(v, "end");
    vw_close(v, "endfunction");
    free(decl.data);
    free(fbody.data);
}

static void prod_body(vw *b, const mac_gen *g, const char *fname)
{
    char m[32];
    if (g->cfg.mode == LQ_MAC_SHIFT) { /* base 2 (base sqrt(2): split_body) */
        emit_b2_operand(b, g);
        snprintf(m, sizeof m, "w[%d:0]", g->wd.w_mag - 1);
        emit_b2_shift(b, g, fname, m);
        return;
    }
    if (g->cfg.mode == LQ_MAC_LOGLOG)
        emit_prod_loglog(b, g);
    else if (g->cfg.mode == LQ_MAC_LINEAR)
        emit_prod_linear(b, g);
    else
        emit_prod_shift(b, g);
    emit_trunc(b, g, fname);
}

/* --pipeline operand (shift mode, base 2): NAME_opnd = {w_m, a_n} of one lane ... */
static void opnd_body(vw *b, const mac_gen *g, const char *fname)
{
    emit_b2_operand(b, g);
    vw_assign(b, fname, "{w[%d:0], a_n}", g->wd.w_mag - 1);
}

/* ... and NAME_prod(a_n, w_m) its product, after the operand register. */
static void shift_body(vw *b, const mac_gen *g, const char *fname)
{
    emit_b2_shift(b, g, fname, "w_m");
}

/* The function NAME_prod (inside the top module): one lane's product. A function and
 * not a lane module, so that a product stage computes it inside its clocked block:
 * simulators then evaluate the products once per clock edge, not on every change of
 * the input buses (Verilator would put them in its input pass, run twice per cycle).
 * With --pipeline operand, NAME_opnd (the decoded operands, registered) comes first
 * and NAME_prod takes them. */
static void emit_prod(vw *v, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    char ret[48], in_a[64], in_w[64];
    const char *ins[2] = {in_a, in_w};
    snprintf(in_a, sizeof in_a, "input [%d:0] a;  // %s activation", c->a.bits - 1,
             c->mode == LQ_MAC_LOGLOG ? "log" : "linear");
    snprintf(in_w, sizeof in_w, "input [%d:0] w;  // %s weight", c->w.bits - 1,
             c->mode == LQ_MAC_LINEAR ? "linear" : "log");
    if (g->opnd) {
        int AN = b2_an_bits(g), BM = w->w_mag;
        vw_line(v, "// %s_opnd: one lane's operands for the shifter, {m, a_n}: the weight's", g->name);
        vw_line(v, "// magnitude field and the activation with the weight's sign and zero code.");
        snprintf(ret, sizeof ret, "[%d:0]", AN + BM - 1);
        emit_function(v, g, ret, "opnd", ins, 2, opnd_body);
        if (b2_inline(g))
            return; /* the product: b2_inline_expr */
        vw_blank(v);
        snprintf(in_a, sizeof in_a, "input signed [%d:0] a_n;  // from %s_opnd", AN - 1, g->name);
        snprintf(in_w, sizeof in_w, "input [%d:0] w_m;", BM - 1);
    }
    if (split_mode(g)) {
        vw_line(v, "// %s_prod: one lane's {u_odd, u_even}: the product is u * C / 2^%d for odd", g->name,
                c->sqrt2_frac);
        vw_line(v, "// t (the odd tree), u for even t (the even tree); the other half is 0.");
        snprintf(ret, sizeof ret, "[%d:0]", 2 * split_u_bits(g) - 1);
        emit_function(v, g, ret, "prod", ins, 2, split_body);
        return;
    }
    if (b2_inline(g))
        return; /* the product: b2_inline_expr */
    vw_line(v, "// %s_prod: the product of one lane, in the output's fixed point", g->name);
    vw_line(v, "// (%d fraction bits%s). See docs/mac.md.", w->frac,
            w->trunc ? ", truncated by floor" : ", exact");
    snprintf(ret, sizeof ret, "signed [%d:0]", w->prod_out_bits - 1);
    emit_function(v, g, ret, "prod", ins, 2, g->opnd ? shift_body : prod_body);
}

/* ---- NAME.v ---- */

/* The adder tree(s) above the leaves P0_0 .. P0_{N-1} for each prefix P of pfx (one
 * tree, "t", or the split structure's two, "e" and "o"), leaves of width wl. Only the
 * registered levels and the root are variables: a registered level's nodes are summed
 * in its stage's clocked block, and the levels between two registers (or between the
 * last register and the root) are folded into that sum's expression, each operand a
 * variable read once and sign-extended to the sum's width as $signed({x, K'd0}) >>> K
 * (the same adders: Yosys gives the same netlist). An unregistered root is one
 * always @(*) block. Icarus pays per variable read, per process and per assignment
 * (docs/bench.md, "Icarus"), so the tree costs it one read a leaf. */
/* An unregistered root of the one tree is summed in the accumulator's expression
 * (no variable, no process of its own). */
static int root_in_acc(const mac_gen *g)
{
    int D = g->wd.tree_levels;
    return !split_mode(g) && !g->carry && D > 0 && !g->reg_level[D];
}

/* The products in the memory t0[0:N-1]: Icarus reads a memory word at a constant index
 * in about a quarter of a variable's cost (no dynamic_cast of the net), Yosys maps it
 * to the same registers (the same netlist; the mem2reg attribute says so, so it does
 * not warn), Verilator to an array (slightly cheaper
 * than N variables). Only where clocked blocks read t0 (iverilog -Wall warns of an
 * always @(*) that reads a memory). The product stage reads its operands from memory
 * words too (bus_copy). */
static int b2_arrays(const mac_gen *g)
{
    if (!b2_inline(g) || !b2_rshift(g))
        return 0;
    for (int j = 1; j <= g->wd.tree_levels; j++)
        if (g->reg_level[j])
            return 1;
    return root_in_acc(g) || g->wd.tree_levels == 0;
}

/* The product stage reads the input buses through one-word memories local to its
 * clocked block (a_in0[0] = s_a[..]; w_in0[0] = s_w[..]; blocking, before the
 * products): each lane reads its weight code three times and its activation once, and
 * a memory word costs Icarus about a quarter of a net (about 10 k instructions a cycle
 * fewer at 8 lanes). A word holds whole lanes, at most 64 bits of them (BUS_WORD_BITS):
 * vvp keeps a wider vector on the heap, and copying one out of a memory word costs
 * more than the net reads it saves (16 lanes in one word: 1 % more a cycle).
 * Locals of the block: Verilator -Wall does not ask for a BLKSEQ waiver (a module-level
 * copy did, and cost Verilator about 90 instructions a beat at 16 lanes; these none:
 * 1345 against 1355 before); Yosys maps them to wires (written before they are read:
 * the same logic, proven equivalent, docs/bench.md), told by the module's mem2reg
 * attribute, since Icarus 11 takes none on a block's declaration. Where the products
 * read the buses directly (not --pipeline operand). */
enum { BUS_WORD_BITS = 64 };

static int bus_copy(const mac_gen *g)
{
    return b2_arrays(g) && !g->opnd;
}

/* Lanes of lw bits in one word of a bus copy. */
static int bus_word_lanes(int lw)
{
    return lw < BUS_WORD_BITS ? BUS_WORD_BITS / lw : 1;
}

/* Bits [hi:lo] of lane i of a bus of lw-bit lanes: of the bus itself, or of its copy
 * PFX0[0], PFX1[0], ... (copy: the prefix). */
static void bus_slice(char *out, size_t n, const char *bus, const char *copy, int lw, int i,
                      int hi, int lo)
{
    int k = bus_word_lanes(lw);
    if (!copy)
        snprintf(out, n, hi == lo ? "%s[%d]" : "%s[%d:%d]", bus, i * lw + hi, i * lw + lo);
    else
        snprintf(out, n, hi == lo ? "%s%d[0][%d]" : "%s%d[0][%d:%d]", copy, i / k,
                 i % k * lw + hi, i % k * lw + lo);
}

/* The declarations (decl) or the copies of one bus (N lanes of lw bits) in the
 * product block. */
static void emit_bus_copy(vw *v, const char *bus, const char *copy, int N, int lw, int decl)
{
    int k = bus_word_lanes(lw);
    for (int c = 0; c * k < N; c++) {
        int n = N - c * k < k ? N - c * k : k;
        if (decl)
            vw_line(v, "reg [%d:0] %s%d [0:0];", n * lw - 1, copy, c);
        else
            vw_line(v, "%s%d[0] = %s[%d:%d];", copy, c, bus, (c * k + n) * lw - 1, c * k * lw);
    }
}

typedef struct {
    char *s;
    size_t len, cap;
    int failed; /* out of memory: the file is marked failed */
} mac_buf;

static void buf_add(mac_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + (size_t)n + 1 > cap)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Node k of level j of tree P, in an expression of width W: a variable at a registered
 * level (or a leaf, level 0) at or below `top`, else the sum of its children. nodes[j]
 * is the node count of level j. */
static void tree_expr(mac_buf *b, const mac_gen *g, const char *P, int j, int k, int top,
                      int wl, int W, const int *nodes)
{
    if (j == 0 || (j < top && g->reg_level[j])) {
        int ws = wl + j;
        char x[32];
        snprintf(x, sizeof x, j == 0 && b2_arrays(g) ? "%s%d[%d]" : "%s%d_%d", P, j, k);
        if (ws == W)
            buf_add(b, "%s", x);
        else
            buf_add(b, "($signed({%s, %d'd0}) >>> %d)", x, W - ws, W - ws);
        return;
    }
    if (2 * k + 1 < nodes[j - 1]) {
        int paren = j < top;
        buf_add(b, paren ? "(" : "");
        tree_expr(b, g, P, j - 1, 2 * k, top, wl, W, nodes);
        buf_add(b, " + ");
        tree_expr(b, g, P, j - 1, 2 * k + 1, top, wl, W, nodes);
        buf_add(b, paren ? ")" : "");
    } else {
        tree_expr(b, g, P, j - 1, 2 * k, top, wl, W, nodes);
    }
}

static void tree_nodes(const mac_gen *g, int *nodes)
{
    nodes[0] = g->cfg.lanes;
    for (int j = 1; j <= g->wd.tree_levels; j++)
        nodes[j] = (nodes[j - 1] + 1) / 2;
}

static void emit_adder_tree(vw *v, const mac_gen *g, int *stage, const char *const *pfx,
                            int ntrees, int wl)
{
    int D = g->wd.tree_levels;
    int nodes[MAC_MAX_STAGES];
    mac_buf b = {0};
    tree_nodes(g, nodes);
    vw_blank(v);
    vw_line(v, "// Adder tree%s: level j adds pairs of level j-1, one bit wider per level; the",
            ntrees > 1 ? "s" : "");
    vw_line(v, "// levels between registers are written out in the next register's sum.");
    for (int j = 1; j <= D; j++) {
        int reg = g->reg_level[j], W = wl + j;
        if (!reg && j < D) {
            vw_line(v, "// level %d: %d node(s)%s, %d bits, in the sums of level %d", j, nodes[j],
                    ntrees > 1 ? " per tree" : "", W, j + 1);
            continue;
        }
        if (j == D && root_in_acc(g)) {
            vw_line(v, "// level %d: 1 node, %d bits, in the accumulator's sum", j, W);
            continue;
        }
        vw_line(v, "// level %d: %d node(s)%s, %d bits%s", j, nodes[j], ntrees > 1 ? " per tree" : "",
                W, reg ? ", registered" : "");
        for (int t = 0; t < ntrees; t++)
            for (int k = 0; k < nodes[j]; k++) {
                char nm[16];
                snprintf(nm, sizeof nm, "%s%d_%d", pfx[t], j, k);
                vw_reg(v, 1, W, nm);
            }
        if (reg) {
            (*stage)++;
            vw_line(v, "// Stage %d: tree level %d registers.", *stage, j);
            vw_open(v, "always @(posedge clk) begin");
            vw_open(v, "if (en) begin");
        } else {
            vw_open(v, "always @(*) begin");
        }
        for (int t = 0; t < ntrees; t++)
            for (int k = 0; k < nodes[j]; k++) {
                b.len = 0;
                tree_expr(&b, g, pfx[t], j, k, j, wl, W, nodes);
                if (b.failed)
                    v->f->failed = 1;
                else
                    vw_line(v, "%s%d_%d %s %s;", pfx[t], j, k, reg ? "<=" : "=", b.s);
            }
        if (reg)
            vw_close(v, "end");
        vw_close(v, "end");
    }
    free(b.s);
}

/* The split structure's beat sum: the even tree's sum E times 2^P plus the odd tree's
 * O times C, exact, then floor(/ 2^T) (--frac: once per beat): into tsum. */
static void emit_split_sum(vw *v, const mac_gen *g)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int WU = split_u_bits(g), D = w->tree_levels, WS = WU + D, P = c->sqrt2_frac;
    int BW = WS + P + 2, T = w->trunc;
    vw_blank(v);
    vw_line(v, "// The sqrt(2) constant once per array: beat = E * 2^%d + O * %u (exact: the sum of", P,
            w->sqrt2_const);
    vw_line(v, "// the lanes' products), then floor(beat / 2^%d) to the output's fixed point.", T);
    vw_wire(v, 1, WS, "tree_e", "e%d_0", D);
    vw_wire(v, 1, WS, "tree_o", "o%d_0", D);
    vw_sext(v, "tree_ex", "tree_e", WS, BW);
    vw_sext(v, "tree_ox", "tree_o", WS, BW);
    if (c->mode == LQ_MAC_SHIFT) {
        emit_const_mult(v, "beat_o", "tree_ox", BW, w->sqrt2_const);
    } else {
        char l1[32];
        vw_line(v, "// the multiplier, once per array");
        vw_wire(v, 1, BW, "beat_o", "tree_ox * %s", vw_lit(l1, BW, 1, w->sqrt2_const));
    }
    vw_decl(v, "/* verilator lint_off UNUSED */");
    vw_wire(v, 1, BW, "beat", "(tree_ex <<< %d) + beat_o", P);
    if (T > 0)
        vw_wire(v, 1, BW, "beat_t", "beat >>> %d", T);
    vw_decl(v, "/* verilator lint_on UNUSED */");
    vw_line(v, "wire signed [TREE_BITS-1:0] tsum = %s[%d:0];", T > 0 ? "beat_t" : "beat",
            w->tree_bits - 1);
}

/* The accumulator (one adder of OUT_BITS) and the output register. The sum is written
 * out in the clocked block (Icarus evaluates a net adder bit by bit, and a replication
 * as one net per bit; the same adder, shared by Yosys: the same netlist), tsum
 * sign-extended as $signed({tsum, K'd0}) >>> K (one read of tsum). */
static void emit_acc(vw *v, const mac_gen *g)
{
    int WO = g->wd.out_bits, K = WO - g->wd.tree_bits;
    char l1[32];
    mac_buf b = {0};
    if (root_in_acc(g)) { /* the tree's last levels, at the accumulator's width */
        int nodes[MAC_MAX_STAGES];
        tree_nodes(g, nodes);
        buf_add(&b, "acc + (");
        tree_expr(&b, g, "t", g->wd.tree_levels, 0, g->wd.tree_levels, g->wd.prod_out_bits, WO,
                  nodes);
        buf_add(&b, ")");
    } else if (K > 0) {
        buf_add(&b, "acc + ($signed({tsum, %d'd0}) >>> %d)", K, K);
    } else {
        buf_add(&b, "acc + tsum");
    }
    if (b.failed) {
        v->f->failed = 1;
        free(b.s);
        return;
    }
    const char *next = b.s;
    vw_reg(v, 1, WO, "acc");
    vw_open(v, "always @(posedge clk) begin");
    vw_open(v, "if (rst) begin");
    vw_line(v, "acc <= %s;", vw_lit(l1, WO, 1, 0));
    vw_line(v, "m_valid <= 1'b0;");
    vw_line(v, "m_sum <= %s;", vw_lit(l1, WO, 0, 0));
    v->indent--;
    vw_open(v, "end else begin");
    vw_line(v, "if (m_valid)  // nested: Icarus evaluates both operands of &&");
    vw_line(v, "    if (m_ready)");
    vw_line(v, "        m_valid <= 1'b0;");
    vw_open(v, "if (take) begin");
    vw_open(v, "if (tl) begin");
    vw_line(v, "m_sum <= %s;", next);
    vw_line(v, "m_valid <= 1'b1;");
    vw_line(v, "acc <= %s;", vw_lit(l1, WO, 1, 0));
    v->indent--;
    vw_open(v, "end else begin");
    vw_line(v, "acc <= %s;", next);
    vw_close(v, "end");
    vw_close(v, "end");
    vw_close(v, "end");
    vw_close(v, "end");
    free(b.s);
}

/* --pipeline carry: the accumulator in K parts of at most ACC_PART_BITS bits, each
 * part's carry out registered into the next part's addition one beat later, so no
 * carry chain in the accumulator is longer than ACC_PART_BITS + 1. The value is
 * the sum of the parts and of the carries at their parts' offsets. A vector's sum
 * waits one cycle in r (the same parts and carries), where they are added, then goes
 * to m_sum. */
enum { ACC_PART_BITS = 13 };

/* PFX_pP <= (zero ? 0 : the sum's part), PFX_cP <= (zero ? 0 : its carry out). */
static void emit_parts(vw *v, const char *pfx, int K, const int *wid, int zero)
{
    char l1[32];
    for (int p = 0; p < K; p++) {
        if (zero)
            vw_line(v, "%s_p%d <= %s;", pfx, p, vw_lit(l1, wid[p], 0, 0));
        else
            vw_line(v, "%s_p%d <= acc_s%d[%d:1];", pfx, p, p, wid[p]);
        if (p + 1 < K && zero)
            vw_line(v, "%s_c%d <= 1'b0;", pfx, p);
        else if (p + 1 < K)
            vw_line(v, "%s_c%d <= acc_s%d[%d];", pfx, p, p, wid[p] + 1);
    }
}

static void emit_acc_carry(vw *v, const mac_gen *g)
{
    int WO = g->wd.out_bits, K = (WO + ACC_PART_BITS - 1) / ACC_PART_BITS;
    int off[LQ_MAC_BITS_MAX / ACC_PART_BITS + 2], wid[LQ_MAC_BITS_MAX / ACC_PART_BITS + 2];
    char l1[32], cat[2048];
    size_t n = 0;
    for (int p = 0, o = 0; p < K; p++) {
        wid[p] = WO / K + (p < WO % K ? 1 : 0);
        off[p] = o;
        o += wid[p];
    }
    vw_line(v, "// The accumulator in %d part(s) (--pipeline carry): part p's carry out enters", K);
    vw_line(v, "// part p + 1 one beat later; the value is the parts plus the carries at their");
    vw_line(v, "// offsets. {x, 1} + {y, c} >> 1 = x + y + c: one adder per part, carry in at bit 0.");
    for (int p = 0; p < K; p++) {
        char nm[32], cin[32];
        snprintf(nm, sizeof nm, "acc_p%d", p);
        vw_reg(v, 0, wid[p], nm);
        if (p + 1 < K) {
            snprintf(nm, sizeof nm, "acc_c%d", p);
            vw_reg(v, 0, 0, nm);
        }
        snprintf(cin, sizeof cin, p ? "acc_c%d" : "1'b0", p - 1);
        snprintf(nm, sizeof nm, "acc_s%d", p);
        vw_decl(v, "/* verilator lint_off UNUSED */");
        vw_wire(v, 0, wid[p] + 2, nm, "{1'b0, acc_p%d, 1'b1} + {1'b0, tsum_x[%d:%d], %s}", p,
                off[p] + wid[p] - 1, off[p], cin);
        vw_decl(v, "/* verilator lint_on UNUSED */");
    }
    vw_line(v, "// r: a vector's sum, parts and carries (r_valid above).");
    for (int p = 0; p < K; p++) {
        char nm[32];
        snprintf(nm, sizeof nm, "r_p%d", p);
        vw_reg(v, 0, wid[p], nm);
        if (p + 1 < K) {
            snprintf(nm, sizeof nm, "r_c%d", p);
            vw_reg(v, 0, 0, nm);
        }
    }
    /* the carries at their offsets, as one vector: {..., c1, 0..., c0, 0...} */
    n += (size_t)snprintf(cat + n, sizeof cat - n, "{");
    for (int p = K - 1; p >= 0 && n < sizeof cat; p--) {
        if (p == 0)
            n += (size_t)snprintf(cat + n, sizeof cat - n, "%s}", vw_lit(l1, wid[0], 0, 0));
        else if (wid[p] > 1)
            n += (size_t)snprintf(cat + n, sizeof cat - n, "%s, r_c%d, ", vw_lit(l1, wid[p] - 1, 0, 0),
                                  p - 1);
        else
            n += (size_t)snprintf(cat + n, sizeof cat - n, "r_c%d, ", p - 1);
    }
    /* the output side as plain equations, one LUT from m_ready to every enable: the
     * if-chain form made Yosys stack three LUTs there (the limit at 143 MHz) */
    vw_line(v, "// The output register: loads r when r is full and the output free.");
    vw_wire(v, 0, 0, "m_load", "r_valid && out_free");
    vw_open(v, "always @(posedge clk) begin");
    vw_open(v, "if (rst) begin");
    vw_line(v, "r_valid <= 1'b0;");
    vw_line(v, "m_valid <= 1'b0;");
    v->indent--;
    vw_open(v, "end else begin");
    vw_line(v, "r_valid <= (take && tl) || (r_valid && !out_free);");
    vw_line(v, "m_valid <= r_valid || (m_valid && !m_ready);");
    vw_close(v, "end");
    vw_close(v, "end");
    vw_open(v, "always @(posedge clk) begin");
    vw_open(v, "if (rst)");
    vw_line(v, "m_sum <= %s;", vw_lit(l1, WO, 0, 0));
    v->indent--;
    vw_open(v, "else if (m_load)");
    {
        char parts[1024];
        size_t m = 0;
        m += (size_t)snprintf(parts + m, sizeof parts - m, "{");
        for (int p = K - 1; p >= 0 && m < sizeof parts; p--)
            m += (size_t)snprintf(parts + m, sizeof parts - m, "r_p%d%s", p, p ? ", " : "}");
        vw_line(v, "m_sum <= %s + %s;", parts, cat);
    }
    v->indent -= 2;
    vw_line(v, "end");
    vw_line(v, "// The accumulator's parts; a vector's last beat moves them to r.");
    vw_open(v, "always @(posedge clk) begin");
    vw_open(v, "if (rst) begin");
    emit_parts(v, "acc", K, wid, 1);
    v->indent--;
    vw_open(v, "end else if (take) begin");
    vw_open(v, "if (tl) begin");
    emit_parts(v, "r", K, wid, 0);
    emit_parts(v, "acc", K, wid, 1);
    v->indent--;
    vw_open(v, "end else begin");
    emit_parts(v, "acc", K, wid, 0);
    vw_close(v, "end");
    vw_close(v, "end");
    vw_close(v, "end");
}

static void emit_top(lq_file *f, const mac_gen *g, const lq_cmd *cmd)
{
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int N = c->lanes, A = c->a.bits, B = c->w.bits, WPT = w->prod_out_bits;
    int WL = split_mode(g) ? 2 * split_u_bits(g) : WPT; /* a lane's product register */
    int D = w->tree_levels, WO = w->out_bits, WT = w->tree_bits, S = g->pre_stages;
    int stage = 0;
    const char *free = g->carry ? "r_free" : "out_free"; /* room for a vector's sum */
    vw v;

    file_header(f, "//", cmd);
    file_printf(f,
                "//\n// %s: %d-lane multiply-accumulate, mode %s, %s.\n"
                "// s_a: %d x %d-bit %s activations, s_w: %d x %d-bit %s weights, lane i in\n"
                "// bits [i*W +: W] (lane 0 in the LSBs). Every accepted beat adds the %d\n"
                "// products to the accumulator; the beat with s_last closes the vector and\n"
                "// m_sum (%d bits, LSB worth 2^%d, exact for up to %ld beats) is offered on\n"
                "// the output stream. Pipeline '%s': %d register stage(s), latency %d cycles\n"
                "// (last beat accepted in cycle c -> m_valid in cycle c + %d). docs/mac.md.\n\n",
                g->name, N, lq_mac_mode_name(c->mode), base_text(g), N, A,
                c->mode == LQ_MAC_LOGLOG ? "log" : "linear", N, B,
                c->mode == LQ_MAC_LINEAR ? "linear" : "log", N, WO, w->out_lsb_exp,
                c->max_beats, g->pipeline, g->stages, g->latency, g->latency);
    file_printf(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    if (bus_copy(g)) /* the block-local a_in*, w_in*: Icarus takes no attribute there */
        file_printf(f, "(* mem2reg *)  // Yosys: this module's memories are registers\n");
    file_printf(f, "module %s #(\n", g->name);
    file_printf(f, "    // Generated values: the structure below is built for exactly these.\n");
    file_printf(f, "    parameter integer LANES = %d,\n", N);
    file_printf(f, "    parameter integer A_BITS = %d,\n", A);
    file_printf(f, "    parameter integer W_BITS = %d,\n", B);
    file_printf(f, "    parameter integer OUT_BITS = %d\n", WO);
    file_printf(f, ") (\n");
    file_printf(f, "    input  wire                       clk,\n");
    file_printf(f, "    input  wire                       rst,       // synchronous, active high\n");
    file_printf(f, "    input  wire                       s_valid,\n");
    file_printf(f, "    output wire                       s_ready,\n");
    file_printf(f, "    input  wire                       s_last,   // closes the vector\n");
    file_printf(f, "    input  wire [LANES*A_BITS-1:0]    s_a,\n");
    file_printf(f, "    input  wire [LANES*W_BITS-1:0]    s_w,\n");
    file_printf(f, "    output reg                        m_valid,\n");
    file_printf(f, "    input  wire                       m_ready,\n");
    file_printf(f, "    output reg  [OUT_BITS-1:0]        m_sum    // signed\n");
    file_printf(f, ");\n\n");
    vw_init(&v, f, 1);
    vw_line(&v, "localparam integer PROD_BITS = %d;  // product after truncation", WPT);
    vw_line(&v, "localparam integer TREE_LEVELS = %d;", D);
    vw_line(&v, "localparam integer TREE_BITS = %d;  // PROD_BITS + TREE_LEVELS", WT);
    vw_line(&v, "// latency: %d cycles", g->latency);
    vw_blank(&v);
    vw_open(&v, "generate");
    vw_line(&v, "if (LANES != %d || A_BITS != %d || W_BITS != %d || OUT_BITS != %d ||", N, A, B, WO);
    vw_line(&v, "    TREE_BITS != PROD_BITS + TREE_LEVELS || OUT_BITS < TREE_BITS)");
    vw_open(&v, "begin : g_bad_parameters");
    vw_open(&v, "initial begin");
    vw_line(&v, "$display(\"%s: parameters LANES=%%0d A_BITS=%%0d W_BITS=%%0d OUT_BITS=%%0d differ "
                "from the generated %d %d %d %d: regenerate with logq gen mac\", LANES, A_BITS, "
                "W_BITS, OUT_BITS);", g->name, N, A, B, WO);
    vw_line(&v, "$finish;");
    vw_close(&v, "end");
    vw_close(&v, "end");
    vw_close(&v, "endgenerate");
    vw_blank(&v);

    /* handshake */
    vw_line(&v, "// Handshake: the pipeline advances (en) unless the vector's last beat is at");
    vw_line(&v, "// the accumulator while the output register is full and not being read.");
    vw_wire(&v, 0, 0, "out_free", "!m_valid || m_ready");
    if (g->carry) {
        /* registers only: m_ready does not reach en (fanout: every stage register) */
        vw_line(&v, "// --pipeline carry: a vector's sum waits in r for its last carry; a last");
        vw_line(&v, "// beat enters only an empty r, so en does not depend on m_ready.");
        vw_line(&v, "reg r_valid;");
        vw_wire(&v, 0, 0, "r_free", "!r_valid");
    }
    if (S > 0) {
        vw_wire(&v, 0, 0, "en", NULL);
        vw_assign(&v, "s_ready", "en");
    } else {
        /* s_valid first: while it is low, s_last may be anything (X) */
        vw_assign(&v, "s_ready", "!(s_valid && s_last) || %s", free);
    }
    vw_blank(&v);
    emit_prod(&v, g);
    vw_blank(&v);
    /* --pipeline input: the operands registered as they enter */
    const char *src_a = "s_a", *src_w = "s_w";
    if (g->in_reg) {
        static const char *const in_d[2] = {"s_a_r", "s_w_r"}, *const in_s[2] = {"s_a", "s_w"};
        stage++;
        vw_line(&v, "// Stage %d: the inputs registered.", stage);
        vw_reg(&v, 0, N * A, "s_a_r");
        vw_reg(&v, 0, N * B, "s_w_r");
        vw_stage(&v, "en", in_d, in_s, 2);
        vw_blank(&v);
        src_a = "s_a_r";
        src_w = "s_w_r";
    }
    /* --pipeline operand: each lane's decoded operands registered before the shifter */
    if (g->opnd) {
        static char od[LQ_MAC_LANES_MAX][16], oe[LQ_MAC_LANES_MAX][96];
        const char *odp[LQ_MAC_LANES_MAX], *oep[LQ_MAC_LANES_MAX];
        int AN = b2_an_bits(g), OW = AN + w->w_mag;
        stage++;
        vw_line(&v, "// Stage %d: each lane's operands {m, a_n} for its shifter.", stage);
        for (int i = 0; i < N; i++) {
            snprintf(od[i], sizeof od[i], "o_%d", i);
            snprintf(oe[i], sizeof oe[i], "%s_opnd(%s[%d:%d], %s[%d:%d])", g->name, src_a,
                     (i + 1) * A - 1, i * A, src_w, (i + 1) * B - 1, i * B);
            odp[i] = od[i];
            oep[i] = oe[i];
            vw_reg(&v, 0, OW, od[i]);
        }
        vw_stage(&v, "en", odp, oep, N);
        vw_blank(&v);
    }
    /* the products t0_i: registered (computed in the clocked block) or wires */
    {
        static char dst[LQ_MAC_LANES_MAX][64], expr[LQ_MAC_LANES_MAX][560];
        const char *dp[LQ_MAC_LANES_MAX], *ep[LQ_MAC_LANES_MAX];
        const char *cp_a = bus_copy(g) ? "a_in" : NULL, *cp_w = bus_copy(g) ? "w_in" : NULL;
        for (int i = 0; i < N; i++) {
            snprintf(dst[i], sizeof dst[i], b2_arrays(g) ? "t0[%d]" : "t0_%d", i);
            if (b2_inline(g)) {
                char a[48], wm[48], ws[48] = "";
                int AN = b2_an_bits(g), BM = w->w_mag;
                if (!b2_rshift(g))
                    snprintf(dst[i], sizeof dst[i], "{t0_%d, %s_drop}", i, g->name);
                if (g->opnd) {
                    snprintf(a, sizeof a, "o_%d[%d:0]", i, AN - 1);
                    snprintf(wm, sizeof wm, "o_%d[%d:%d]", i, AN + BM - 1, AN);
                } else {
                    bus_slice(a, sizeof a, src_a, cp_a, A, i, A - 1, 0);
                    bus_slice(wm, sizeof wm, src_w, cp_w, B, i, BM - 1, 0);
                    bus_slice(ws, sizeof ws, src_w, cp_w, B, i, B - 1, B - 1);
                }
                b2_inline_expr(expr[i], sizeof expr[i], g, a, wm, ws, g->opnd);
            } else if (g->opnd)
                snprintf(expr[i], sizeof expr[i], "%s_prod(o_%d[%d:0], o_%d[%d:%d])", g->name, i,
                         b2_an_bits(g) - 1, i, b2_an_bits(g) + w->w_mag - 1, b2_an_bits(g));
            else
                snprintf(expr[i], sizeof expr[i], "%s_prod(%s[%d:%d], %s[%d:%d])", g->name,
                         src_a, (i + 1) * A - 1, i * A, src_w, (i + 1) * B - 1, i * B);
            dp[i] = dst[i];
            ep[i] = expr[i];
        }
        if (g->reg_level[0]) {
            stage++;
            vw_line(&v, "// Stage %d: the products, one register per lane%s.", stage,
                    b2_arrays(g) ? " (t0[i])" : "");
            if (b2_arrays(g)) {
                /* mem2reg: Yosys takes it as registers from the start (otherwise it
                 * warns that it replaces the memory by a list of registers) */
                vw_line(&v, "(* mem2reg *) reg signed [%d:0] t0 [0:%d];", WL - 1, N - 1);
            } else {
                for (int i = 0; i < N; i++) {
                    char t[16];
                    snprintf(t, sizeof t, "t0_%d", i);
                    vw_reg(&v, !split_mode(g), WL, t);
                }
            }
            if (b2_inline(g) && b2_rshift(g)) {
                int drop = w->prod_bits + 1 - WPT, mx = (1 << w->w_mag) - 1;
                vw_line(&v, "// a_n (the activation with the weight's sign and zero code) times 2^(m - %d)",
                        drop);
                vw_line(&v, "// (floored): a_n * 2^%d >>> (%d - m), and %d - m = ~m (m of %d bits).",
                        mx - drop, mx, mx, w->w_mag);
            } else if (b2_inline(g)) {
                char nm[64];
                vw_line(&v, "// a_n (the activation with the weight's sign and zero code) sign-extended");
                vw_line(&v, "// and shifted by m: a_n * 2^(m - 1) = (a_n * 2^m) / 2, exact for m >= 1;");
                vw_line(&v, "// %s_drop takes the bits below the product's LSB (never read: no logic).",
                        g->name);
                snprintf(nm, sizeof nm, "%s_drop", g->name);
                vw_decl(&v, "/* verilator lint_off UNUSED */");
                vw_reg(&v, 0, b2_drop_bits(g), nm);
                vw_decl(&v, "/* verilator lint_on UNUSED */");
            }
            if (bus_copy(g)) {
                vw_line(&v, "// The buses copied, once a cycle, into one-word memories local to the block");
                vw_line(&v, "// (whole lanes, at most %d bits a word), written before they are read (no", BUS_WORD_BITS);
                vw_line(&v, "// registers): Icarus reads a memory word at a quarter of a net's cost.");
                vw_open(&v, "always @(posedge clk) begin : prod");
                for (int decl = 1; decl >= 0; decl--) {
                    emit_bus_copy(&v, src_a, cp_a, N, A, decl);
                    emit_bus_copy(&v, src_w, cp_w, N, B, decl);
                }
                vw_enabled(&v, "en", dp, ep, N);
                vw_close(&v, "end");
            } else {
                vw_stage(&v, "en", dp, ep, N);
            }
        } else {
            vw_line(&v, "// The products, one per lane.");
            for (int i = 0; i < N; i++)
                vw_wire(&v, !split_mode(g), WL, dst[i], "%s", expr[i]);
        }
    }
    if (split_mode(g)) {
        static const char *const pfx[2] = {"e", "o"};
        int WU = split_u_bits(g);
        vw_line(&v, "// Each lane's u to the even tree (e0_i) and the odd tree (o0_i).");
        for (int i = 0; i < N; i++) {
            char nm[16];
            snprintf(nm, sizeof nm, "e0_%d", i);
            vw_wire(&v, 1, WU, nm, "t0_%d[%d:0]", i, WU - 1);
            snprintf(nm, sizeof nm, "o0_%d", i);
            vw_wire(&v, 1, WU, nm, "t0_%d[%d:%d]", i, 2 * WU - 1, WU);
        }
        emit_adder_tree(&v, g, &stage, pfx, 2, WU);
    } else {
        static const char *const pfx[1] = {"t"};
        emit_adder_tree(&v, g, &stage, pfx, 1, WPT);
    }
    /* valid and last along the stages */
    if (S > 0) {
        vw_blank(&v);
        vw_line(&v, "// Valid and last of each stage.");
        for (int s = 1; s <= S; s++)
            vw_line(&v, "reg v%d, l%d;", s, s);
        vw_open(&v, "always @(posedge clk) begin");
        vw_open(&v, "if (rst) begin");
        for (int s = 1; s <= S; s++) {
            vw_line(&v, "v%d <= 1'b0;", s);
            vw_line(&v, "l%d <= 1'b0;", s);
        }
        v.indent--;
        vw_open(&v, "end else if (en) begin");
        for (int s = 1; s <= S; s++) {
            if (s == 1) {
                vw_line(&v, "v1 <= s_valid;");
                vw_line(&v, "l1 <= s_last;");
            } else {
                vw_line(&v, "v%d <= v%d;", s, s - 1);
                vw_line(&v, "l%d <= l%d;", s, s - 1);
            }
        }
        vw_close(&v, "end");
        vw_close(&v, "end");
    }
    /* accumulator */
    vw_blank(&v);
    vw_line(&v, "// Accumulator and output register.");
    if (S > 0) {
        vw_line(&v, "wire tv = v%d;", S);
        vw_line(&v, "wire tl = l%d;", S);
    } else {
        vw_line(&v, "wire tv = s_valid;");
        vw_line(&v, "wire tl = s_last;");
    }
    vw_wire(&v, 0, 0, "take", "tv && (!tl || %s)", free);
    if (S > 0)
        vw_assign(&v, "en", "!tv || take");
    if (split_mode(g))
        emit_split_sum(&v, g);
    else if (!root_in_acc(g))
        vw_line(&v, "wire signed [TREE_BITS-1:0] tsum = t%d%s;", D,
                D == 0 && b2_arrays(g) ? "[0]" : "_0");
    if (g->carry) {
        vw_sext(&v, "tsum_x", "tsum", WT, WO);
        emit_acc_carry(&v, g);
    } else
        emit_acc(&v, g);
    file_printf(f, "\nendmodule\n\n`default_nettype wire\n`resetall\n");
}

static int write_v(lq_file *f, const void *state, const lq_cmd *c)
{
    emit_top(f, state, c);
    return 0;
}

/* ---- NAME.h ---- */

static int write_h(lq_file *f, const void *state, const lq_cmd *cmd)
{
    const mac_gen *g = state;
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    const char *u = g->upper;
        file_header(f, "//", cmd);
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
    if (c->mode == LQ_MAC_LINEAR) {
        file_printf(f, "#define %s_W_LSB_EXP %d /* linear weight: value = code * 2^this */\n", u,
                    -w->frac_exact);
    } else {
        file_printf(f, "#define %s_W_EXP_MIN %d\n", u, lq_exp_min(&c->w));
        file_printf(f, "#define %s_W_EXP_MAX %d\n", u, lq_exp_max(&c->w));
    }
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
    file_printf(f, "#define %s_S_A_BITS %d\n", u, c->lanes * c->a.bits);
    file_printf(f, "#define %s_S_W_BITS %d\n", u, c->lanes * c->w.bits);
    file_printf(f, "#define %s_PIPELINE \"%s\"\n", u, g->pipeline);
    file_printf(f, "#define %s_STAGES %d\n", u, g->stages);
    file_printf(f, "#define %s_LATENCY %d\n", u, g->latency);
    blk_port_macros(f, &blk_mac, g, u);
    file_printf(f, "\n#endif\n");
    return 0;
}

/* ---- the report after "wrote" ---- */

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

static void mac_report(const void *state, const char *dir)
{
    const mac_gen *g = state;
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    printf("  mode %s, %d lanes, %s; weight %s %d bits %s fsr %d; activation %s %d bits "
           "%s fsr %d\n",
           lq_mac_mode_name(c->mode), c->lanes, base_text(g),
           lq_scheme_name(c->w.scheme), c->w.bits, c->w.is_signed ? "signed" : "unsigned",
           c->w.fsr, lq_scheme_name(c->a.scheme), c->a.bits,
           c->a.is_signed ? "signed" : "unsigned", c->a.fsr);
    printf("  ports: clk, rst, s_valid, s_ready, s_last, s_a[%d:0] (%d x %d),\n"
           "         s_w[%d:0] (%d x %d), m_valid, m_ready, m_sum[%d:0]  (%s/%s.txt)\n",
           c->lanes * c->a.bits - 1, c->lanes, c->a.bits, c->lanes * c->w.bits - 1, c->lanes,
           c->w.bits, w->out_bits - 1, dir, g->name);
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
    printf(" WAVES=1   (then gtkwave the .fst and the .gtkw it names: %s/%s.gtkw, scope renamed)\n",
           dir, g->name);
    printf("  lint:        verilator --lint-only -Wall %s/%s.v\n", dir, g->name);
}

/* ---- ports, view ---- */

static int mac_ports(const void *state, lq_port *p, int max)
{
    const mac_gen *g = state;
    const lq_mac_config *c = &g->cfg;
    const lq_mac_widths *w = &g->wd;
    int n = 0, N = c->lanes;
    if (max < 10)
        return 0;
    n += blk_ports_clock(p + n);
    n += blk_ports_handshake(p + n, LQ_STREAM_IN, 1, "s_valid", "s_ready", 0);
    n += blk_port_last(p + n, "s_last", "the vector's last beat (top bit of a beat in in.hex)");
    /* the activations: linear two's complement / unsigned codes, or log codes */
    p[n] = (lq_port){.name = "s_a", .dir = LQ_PORT_IN, .width = N * c->a.bits,
                     .stream = LQ_STREAM_IN, .lanes = N, .lane_bits = c->a.bits};
    if (c->mode == LQ_MAC_LOGLOG) {
        p[n].desc = "activation log codes (m = 0: zero, else 2^(EXP_MIN + m - 1))";
        p[n].fields[p[n].nfields++] = (lq_field){"m", 0, w->a_mag};
        if (c->a.is_signed)
            p[n].fields[p[n].nfields++] = (lq_field){"sign", w->a_mag, 1};
    } else {
        p[n].desc = "linear activations";
        p[n].is_signed = c->a.is_signed;
        p[n].has_lsb = 1;
        p[n].lsb_exp = c->a.fsr - c->a.bits + (c->a.is_signed ? 1 : 0);
    }
    n++;
    p[n] = (lq_port){.name = "s_w", .dir = LQ_PORT_IN, .width = N * c->w.bits,
                     .desc = "weight log codes (m = 0: zero, else 2^(W_EXP_MIN + m - 1))",
                     .stream = LQ_STREAM_IN, .lanes = N, .lane_bits = c->w.bits};
    if (c->mode == LQ_MAC_LINEAR) {
        p[n].desc = "linear weights";
        p[n].is_signed = c->w.is_signed;
        p[n].has_lsb = 1;
        p[n].lsb_exp = -w->frac_exact;
    } else {
        p[n].fields[p[n].nfields++] = (lq_field){"m", 0, w->w_mag};
        if (c->w.is_signed)
            p[n].fields[p[n].nfields++] = (lq_field){"sign", w->w_mag, 1};
    }
    n++;
    n += blk_ports_handshake(p + n, LQ_STREAM_OUT, 0, "m_valid", "m_ready", 0);
    p[n++] = (lq_port){.name = "m_sum", .dir = LQ_PORT_OUT, .width = w->out_bits,
                       .desc = "the vector's dot product", .stream = LQ_STREAM_OUT,
                       .is_signed = 1, .has_lsb = 1, .lsb_exp = w->out_lsb_exp};
    return n;
}

/* The pipeline's valid flags and the accumulator. */
static int mac_view(const void *state, gtkw_signal *s, int max, char (*names)[40])
{
    const mac_gen *g = state;
    int n = 0;
    for (int st = 1; st <= g->pre_stages && n + 1 < max; st++) {
        snprintf(names[n], sizeof names[n], "v%d", st);
        s[n] = (gtkw_signal){names[n], 1, GTKW_BIN};
        n++;
    }
    s[n++] = (gtkw_signal){"acc", g->wd.out_bits, GTKW_SDEC};
    return n;
}

/* ---- options ---- */

#define T mac_gen
static const blk_option mac_options[] = {
    BLK_CHOICE(T, "mode", "M", mode, "shift|loglog|mult|linear",
               "shift (default): linear activation x log weight, a barrel\n"
               "shift; loglog: both operands log codes, exponents add, the\n"
               "product is a signed one-hot word; mult: the shift interface\n"
               "computed with real multipliers (the baseline); linear: linear\n"
               "integer weights x linear activations, one signed multiply\n"
               "per lane (the integer baseline, int8 x int8 and B x A bits)", BO_BOTH),
    BLK_CHOICE(T, "base", "B", base, "2|sqrt2",
               "base of the log operand(s): %r (default 2; the same as\n"
               "--scheme log2|logsqrt2, which must then agree)", BO_BOTH),
    BLK_INT(T, "lanes", "N", lanes, 1, LQ_MAC_LANES_MAX, "lanes, %r (default %d)", BO_BOTH),
    BLK_HEADING("the weight, as for `logq quant` (a log code; linear mode: a linear code):", BO_BOTH),
    BLK_INT(T, "bits", "B", bits, 1, LQ_MAC_ACT_BITS_MAX,
            "code width, sign included (default %d; %r: log codes at most\n"
            "10 bits, signed at least 2; the product must fit in 512 bits:\n"
            "the message says how many fit with the activation's width)", BO_BOTH),
    BLK_INT(T, "fsr", "F", fsr, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX,
            "full-scale range (default %d): levels 2^(F-2^b+1)..2^(F-1) in\n"
            "base 2, 2^(F-2^(b-1)+1/2)..2^(F-1/2) in base sqrt(2) (b: bits\n"
            "without the sign; docs/formats.md); linear weights: the step is\n"
            "2^(F-B+1) signed, 2^(F-B) unsigned (default: step 1)", BO_BOTH),
    BLK_FLAG(T, "signed", wsigned, 1, NULL, BO_BOTH),
    BLK_FLAG(T, "unsigned", wsigned, 0, "weight codes carry a sign bit (default signed)", BO_BOTH),
    BLK_CHOICE(T, "scheme", "S", scheme, "log2|logsqrt2",
               "the weight's scheme as `logq quant` names it: %r", BO_BOTH),
    BLK_HEADING("the other operand (activation):", BO_BOTH),
    BLK_INT(T, "act-bits", "A", act_bits, 1, LQ_MAC_ACT_BITS_MAX,
            "width (default 8 linear, 5 log; %r)", BO_BOTH),
    BLK_INT(T, "act-fsr", "F", act_fsr, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX,
            "linear: the step is 2^(F-A+1) signed, 2^(F-A) unsigned\n"
            "(default: step 1); loglog: full-scale range (default 0)", BO_BOTH),
    BLK_FLAG(T, "act-signed", act_signed, 1, NULL, BO_BOTH),
    BLK_FLAG(T, "act-unsigned", act_signed, 0,
             "two's complement / unsigned linear codes, or\n"
             "log codes with / without sign bit (default signed)", BO_BOTH),
    BLK_HEADING("arithmetic:", BO_BOTH),
    BLK_INT(T, "sqrt2-frac", "P", sqrt2_frac, 1, LQ_MAC_SQRT2_FRAC_MAX,
            "fraction bits of the sqrt(2) constant, %r (default %d)", BO_BOTH),
    BLK_INT(T, "frac", "F", frac, -4096, 4096,
            "keep F fraction bits: every product is truncated (floor)\n"
            "to F fraction bits before the adder tree (default: exact)", BO_BOTH),
    BLK_INT(T, "max-beats", "K", max_beats, 1, LQ_MAC_MAX_BEATS_MAX,
            "the output never overflows for vectors of up to K beats,\n%r (default %d)", BO_BOTH),
    BLK_TEXT(T, "pipeline", "P", pipeline_opt,
             "register stages, a comma list of: none (alone), input (the\n"
             "inputs registered), operand (shift mode, base 2: each lane's\n"
             "sign-applied activation and shift before the shifter), product\n"
             "(after the shifters), tree:k (after every k adder-tree levels,\n"
             "k at most the levels: ceil(log2 N)), sum (after the last tree\n"
             "level), full (= product,tree:1), carry (the accumulator in\n"
             "parts of at most 13 bits, their carries registered, and one\n"
             "stage adding them; s_ready then does not depend on m_ready)\n"
             "(default %d; 150 MHz on HX8K: operand,full,carry)", BO_BOTH),
    BLK_TEXT(T, "name", "NAME", name,
             "module and file name (default %d): a-z, 0-9, _, not a\nVerilog keyword", BO_BOTH),
};
#undef T

static void mac_defaults(void *state)
{
    mac_gen *g = state;
    memset(g, 0, sizeof *g);
    g->mode = LQ_MAC_SHIFT;
    g->lanes = 16;
    g->bits = 5;
    g->wsigned = 1;
    g->act_bits = 8;
    g->act_signed = 1;
    g->sqrt2_frac = 8;
    g->max_beats = 1024;
    g->pipeline_opt = "product,tree:2";
    g->name = "logq_mac";
}

/* The largest --bits whose product fits beside this activation (0: none). */
static int mac_bits_fit(const lq_mac_config *cfg)
{
    lq_mac_config t = *cfg;
    lq_mac_widths wd;
    for (t.w.bits = cfg->w.bits - 1; t.w.bits >= 1; t.w.bits--)
        if (lq_mac_derive(&t, &wd, NULL, 0) == 0)
            return t.w.bits;
    return 0;
}

/* The register stages of g->pipeline_opt (given: written by the user, so a tree:k
 * beyond the levels is refused), the latency and the upper-case name. */
static int mac_settle(mac_gen *g, int given)
{
    if (strlen(g->pipeline_opt) >= sizeof g->pipeline) {
        cli_error("--pipeline '%s' is too long", g->pipeline_opt);
        return -1;
    }
    snprintf(g->pipeline, sizeof g->pipeline, "%s", g->pipeline_opt);
    static const char *const extra[] = {"input", "operand", "carry"};
    unsigned fl;
    int pre = pipeline_parse_ext(g->pipeline_opt, "product", extra, 3, &fl, g->wd.tree_levels,
                                 g->cfg.lanes, given, g->reg_level);
    if (pre < 0)
        return -1;
    g->in_reg = (fl & 1u) != 0;
    g->opnd = (fl & 2u) != 0;
    g->carry = (fl & 4u) != 0;
    if (g->opnd && (g->cfg.mode != LQ_MAC_SHIFT || g->wd.half)) {
        cli_error("--pipeline operand: the shifter's operand register is built for --mode "
                  "shift --base 2 only (here --mode %s --base %s)", lq_mac_mode_name(g->cfg.mode),
                  g->wd.half ? "sqrt2" : "2");
        return -1;
    }
    g->pre_stages = pre + g->in_reg + g->opnd;
    g->stages = g->pre_stages + g->carry;
    g->latency = g->stages + 1;
    blk_upper(g->upper, sizeof g->upper, g->name);
    return 0;
}

static int mac_finish(void *state, const blk_args *a, unsigned where)
{
    mac_gen *g = state;
    lq_mac_config *c = &g->cfg;
    char msg[256];
    static const lq_scheme base_scheme[2] = {LQ_LOG2, LQ_LOGSQRT2};
    (void)where;
    if (blk_given(a, "base") && blk_given(a, "scheme") && g->base != g->scheme) {
        cli_error("--base %s contradicts --scheme %s (the same choice: give one)",
                  g->base ? "sqrt2" : "2", g->scheme ? "logsqrt2" : "log2");
        return -1;
    }
    if (blk_check_name(g->name) != 0)
        return -1;
    memset(c, 0, sizeof *c);
    c->mode = (lq_mac_mode)g->mode;
    c->lanes = g->lanes;
    c->w = lq_format_default();
    c->w.scheme = base_scheme[blk_given(a, "scheme") ? g->scheme : g->base];
    c->w.bits = g->bits;
    c->w.fsr = g->fsr;
    c->w.is_signed = g->wsigned != 0;
    if (c->mode == LQ_MAC_LINEAR) {
        /* --base 2 and --sqrt2-frac are accepted (and unused), as --sqrt2-frac is
         * with base 2: `make cosim` passes them for every mode */
        if (blk_given(a, "scheme") || (blk_given(a, "base") && g->base != 0)) {
            cli_error("--mode linear has linear weights: --%s does not apply",
                      blk_given(a, "scheme") ? "scheme" : "base sqrt2");
            return -1;
        }
        c->w.scheme = LQ_LINEAR;
        /* default: step 1, as for the activation */
        c->w.fsr = blk_given(a, "fsr") ? g->fsr : c->w.bits - (g->wsigned ? 1 : 0);
    }
    c->sqrt2_frac = g->sqrt2_frac;
    c->frac = blk_given(a, "frac") ? g->frac : LQ_MAC_FRAC_EXACT;
    c->max_beats = g->max_beats;
    c->a = lq_format_default();
    if (c->mode == LQ_MAC_LOGLOG) {
        c->a.scheme = c->w.scheme;
        c->a.bits = blk_given(a, "act-bits") ? g->act_bits : 5;
        c->a.fsr = blk_given(a, "act-fsr") ? g->act_fsr : 0;
    } else {
        c->a.scheme = LQ_LINEAR;
        c->a.bits = g->act_bits;
        /* default: step 1 */
        c->a.fsr = blk_given(a, "act-fsr") ? g->act_fsr : c->a.bits - (g->act_signed ? 1 : 0);
    }
    c->a.is_signed = g->act_signed != 0;
    if (lq_mac_derive(c, &g->wd, msg, sizeof msg) != 0) {
        int fit = strstr(msg, "-bit product") ? mac_bits_fit(c) : 0;
        if (fit > 0)
            cli_error("%s: with --act-bits %d, --bits is at most %d", msg, c->a.bits, fit);
        else
            cli_error("%s", msg);
        return -1;
    }
    return mac_settle(g, blk_given(a, "pipeline"));
}

static const char *mac_module(const void *state)
{
    return ((const mac_gen *)state)->name;
}

static int mac_latency(const void *state)
{
    return ((const mac_gen *)state)->latency;
}

/* ---- stimulus: `logq vectors mac` ---- */

static uint32_t mask32(int bits)
{
    return bits >= 32 ? 0xffffffffu : (1u << bits) - 1u;
}

static int wide_cmp(const lq_wide *x, const lq_wide *y)
{
    int sx = (int)(x->limb[LQ_MAC_LIMBS - 1] >> 63), sy = (int)(y->limb[LQ_MAC_LIMBS - 1] >> 63);
    if (sx != sy)
        return sx ? -1 : 1;
    for (int i = LQ_MAC_LIMBS - 1; i >= 0; i--)
        if (x->limb[i] != y->limb[i])
            return x->limb[i] < y->limb[i] ? -1 : 1;
    return 0;
}

static void mac_beat(vec_out *v, lq_mac_state *st, const mac_gen *m, const uint32_t *a,
                     const uint32_t *w, int last)
{
    static bitword b;
    lq_wide out;
    char h[LQ_MAC_BITS_MAX / 4 + 8];
    int N = m->cfg.lanes;
    b.n = 0;
    for (int i = 0; i < N; i++)
        bw_put(&b, a[i], m->cfg.a.bits);
    for (int i = 0; i < N; i++)
        bw_put(&b, w[i], m->cfg.w.bits);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    if (lq_mac_step(st, a, w, last, &out)) {
        file_printf(v->out, "%s\n", lq_wide_hex(&out, m->wd.out_bits, h));
        v->nout++;
    }
}

/* Corner codes of a linear code: the most negative (or 0), the most positive, 0, all
 * ones (-1 signed) and 1. Returns their count. */
static int linear_corners(const lq_format *f, uint32_t *x)
{
    int B = f->bits;
    x[0] = f->is_signed ? 1u << (B - 1) : 0u;
    x[1] = f->is_signed ? mask32(B - 1) : mask32(B);
    x[2] = 0u;
    x[3] = mask32(B);
    x[4] = 1u & mask32(B);
    return 5;
}

static void mac_vectors(vec_out *v, const mac_gen *m, long count, int exhaustive)
{
    static uint32_t a[LQ_MAC_LANES_MAX], w[LQ_MAC_LANES_MAX];
    const lq_mac_config *c = &m->cfg;
    int N = c->lanes, AB = c->a.bits, WB = c->w.bits, bw = m->wd.w_mag;
    uint32_t wx[8], ax[8];
    int nwx = 0, nax = 0;
    lq_mac_state st;
    char msg[256];
    long K = c->max_beats;

    lq_mac_reset(&st, c, msg, sizeof msg);
    if (exhaustive) {
        uint64_t total = (uint64_t)1 << (AB + WB);
        for (uint64_t k = 0; k < total; k++) {
            a[0] = (uint32_t)(k >> WB) & mask32(AB);
            w[0] = (uint32_t)k & mask32(WB);
            mac_beat(v, &st, m, a, w, 1);
        }
        return;
    }
    /* corner codes: zero, the smallest and largest magnitudes, the negative zero */
    if (c->mode == LQ_MAC_LINEAR) {
        nwx = linear_corners(&c->w, wx);
    } else {
        uint32_t wmax = (1u << bw) - 1u, sb = c->w.is_signed ? 1u << bw : 0u;
        uint32_t wl[8] = {0u, 1u, wmax, wmax > 1 ? wmax - 1 : wmax, sb | 1u, sb | wmax, sb, 0u};
        nwx = c->w.is_signed ? 7 : 4;
        memcpy(wx, wl, sizeof wl);
    }
    if (c->mode == LQ_MAC_LOGLOG) {
        int ba = m->wd.a_mag;
        uint32_t amax = (1u << ba) - 1u, sb = c->a.is_signed ? 1u << ba : 0u;
        uint32_t al[8] = {0u, 1u, amax, amax > 1 ? amax - 1 : amax, sb | 1u, sb | amax, sb, 0u};
        nax = c->a.is_signed ? 7 : 4;
        memcpy(ax, al, sizeof al);
    } else {
        nax = linear_corners(&c->a, ax);
    }
    for (long vec = 0; vec < count; vec++) {
        uint64_t r = lq_rng_below(&v->rng, 100);
        int kind = r < 55 ? 0 : r < 92 ? 1 : 2;
        long len;
        uint32_t best_a = 0, best_w = 0;
        if (kind == 2 && K > 256)
            kind = 1;
        if (vec < (1L << (WB < 12 ? WB : 12)) / N + 1 && vec < count / 2)
            kind = 3; /* sweep every weight code first */
        if (kind == 2) {
            /* the largest or smallest product, K times: the width limit */
            int sign = lq_rng_below(&v->rng, 2) ? 1 : -1, have = 0;
            lq_wide best, p;
            len = K;
            for (int i = 0; i < nax; i++)
                for (int j = 0; j < nwx; j++) {
                    lq_mac_product(c, &m->wd, ax[i], wx[j], &p);
                    if (!have || (sign > 0 ? wide_cmp(&p, &best) > 0 : wide_cmp(&p, &best) < 0)) {
                        best = p;
                        best_a = ax[i];
                        best_w = wx[j];
                        have = 1;
                    }
                }
        } else {
            long cap = lq_rng_below(&v->rng, 8) == 0 ? K : (K < 16 ? K : 16);
            if (cap > 256)
                cap = 256;
            len = 1 + (long)lq_rng_below(&v->rng, (uint64_t)cap);
        }
        for (long beat = 0; beat < len; beat++) {
            for (int i = 0; i < N; i++) {
                switch (kind) {
                case 0:
                    a[i] = (uint32_t)lq_rng_u64(&v->rng) & mask32(AB);
                    w[i] = (uint32_t)lq_rng_u64(&v->rng) & mask32(WB);
                    break;
                case 1:
                    a[i] = lq_rng_below(&v->rng, 2) ? (uint32_t)lq_rng_u64(&v->rng) & mask32(AB)
                                                    : ax[lq_rng_below(&v->rng, (uint64_t)nax)];
                    w[i] = lq_rng_below(&v->rng, 2) ? (uint32_t)lq_rng_u64(&v->rng) & mask32(WB)
                                                    : wx[lq_rng_below(&v->rng, (uint64_t)nwx)];
                    break;
                case 2:
                    a[i] = best_a;
                    w[i] = best_w;
                    break;
                default:
                    w[i] = (uint32_t)(vec * N + i) & mask32(WB);
                    a[i] = (uint32_t)lq_rng_u64(&v->rng) & mask32(AB);
                    break;
                }
            }
            mac_beat(v, &st, m, a, w, beat + 1 == len);
        }
    }
}

static int mac_stimulus(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                        const lq_cmd *c)
{
    mac_gen *m = state;
    (void)fs;
    (void)c;
    if (o->exhaustive && (m->cfg.lanes != 1 || m->cfg.a.bits + m->cfg.w.bits > 20)) {
        cli_error("--exhaustive needs --lanes 1 and at most 20 input bits (here %d lanes, %d bits)",
                  m->cfg.lanes, m->cfg.a.bits + m->cfg.w.bits);
        return LQ_EXIT_USAGE;
    }
    /* --wrong-model: the model's own fault switch (cmodel/mac.c), not vec_item's */
    v->wrong = 0;
    m->cfg.fault = o->wrong;
    mac_vectors(v, m, o->count, o->exhaustive);
    return LQ_EXIT_OK;
}

/* ---- the descriptor ---- */

static const blk_file mac_files[] = {
    {"%s.v", "the top module, with the function NAME_prod (one lane's product)", write_v, 1},
    {"%s.h", "every parameter, derived constant and the port layout (C)", write_h, 0},
};

const lq_block blk_mac = {
    .name = "mac",
    .summary = "logq multiply-accumulate array (docs/mac.md)",
    .synopsis = "[options] -o DIR",
    .about = "Writes synthesizable Verilog-2005 for an N-lane multiply-accumulate array\n"
             "(shift, loglog, mult or linear), its companion files and a report.",
    .doc = "docs/mac.md",
    .opts = mac_options,
    .nopts = (int)(sizeof mac_options / sizeof mac_options[0]),
    .state_size = sizeof(mac_gen),
    .defaults = mac_defaults,
    .finish = mac_finish,
    .module = mac_module,
    .ports = mac_ports,
    .latency_of = mac_latency,
    .tb_latency = 16,
    .out_data_reset = 1,
    .out_per_vector = 1,
    .files = mac_files,
    .nfiles = (int)(sizeof mac_files / sizeof mac_files[0]),
    .view_scope = "%s_tb.dut",
    .view_title = "pipeline",
    .view = mac_view,
    .report = mac_report,
    .exhaustive = 1,
    .phased = 0,
    .stimulus = mac_stimulus,
};

void tb_desc_mac(tb_desc *d, const char *name, const lq_mac_config *cfg, const lq_mac_widths *wd)
{
    /* d keeps pointers to name and to the port names (string literals) only */
    mac_gen g;
    lq_port ports[BLK_PORTS_MAX];
    memset(&g, 0, sizeof g);
    g.cfg = *cfg;
    g.wd = *wd;
    g.name = name;
    blk_tb_desc(&blk_mac, &g, d, ports);
}

/* For generators that embed MAC arrays (gen/blocks/net.c): the file `logq gen mac`
 * writes as NAME.v for cfg and pipeline, into f, and its latency. 0, or -1 (message
 * printed). */
int mac_emit_module(lq_file *f, const lq_mac_config *cfg, const char *name,
                    const char *pipeline, int given, const lq_cmd *c, int *latency)
{
    mac_gen g;
    char msg[256];
    memset(&g, 0, sizeof g);
    g.cfg = *cfg;
    g.name = name;
    g.pipeline_opt = pipeline;
    if (lq_mac_derive(cfg, &g.wd, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    if (mac_settle(&g, given) != 0)
        return -1;
    emit_top(f, &g, c);
    *latency = g.latency;
    return 0;
}
