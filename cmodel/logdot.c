/* The log-domain dot product: products in the exponent, the log-domain accumulator,
 * and the conversion of its two sums to linear fixed point (docs/logdot.md).
 *
 * The conversion. A non-zero log sum v (two's complement, F fraction bits, log2
 * units) is 2^(v / 2^F) = 2^q * 2^(k / 2^F) with q = floor(v / 2^F) and
 * k = v mod 2^F in [0, 2^F). The table holds T[k] = round(2^(k/2^F) * 2^R), in
 * [2^R, 2^(R+1)] (R + 2 bits), so 2^(v/2^F) ~ T[k] * 2^(q - R) and the result's
 * integer with OF fraction bits is floor(T[k] * 2^(q + OF - R)): a left shift, or a
 * right shift that truncates towards zero (T > 0). Error of one conversion: the
 * table's rounding, at most 2^-(R+1) relative to 2^(k/2^F) >= 1, plus the floor, at
 * most one LSB of the result. Saturation at lmax = 2^(OW-1) - 1 keeps the difference
 * L(pos) - L(neg) inside OW bits. */
#include "logdot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

static int sbits(int lo, int hi)
{
    int w = 1;
    while (lo < -(1 << (w - 1)) || hi > (1 << (w - 1)) - 1)
        w++;
    return w;
}

int lq_logdot_check(const lq_logdot_cfg *c, char *msg, size_t msglen)
{
    char sub[200];
    int half = c->wgt.scheme == LQ_LOGSQRT2;
    if (c->lanes < 1 || c->lanes > LQ_LOGACC_LANES_MAX) {
        snprintf(msg, msglen, "lanes %d is out of range (1 to %d)", c->lanes,
                 LQ_LOGACC_LANES_MAX);
        return -1;
    }
    if (c->wgt.scheme != LQ_LOG2 && c->wgt.scheme != LQ_LOGSQRT2) {
        snprintf(msg, msglen, "weight scheme %s is not a log scheme (log2 or logsqrt2)",
                 lq_scheme_name(c->wgt.scheme));
        return -1;
    }
    if (c->act.scheme != c->wgt.scheme) {
        snprintf(msg, msglen, "activation scheme %s differs from the weights' %s (the "
                 "exponents must add in one base)", lq_scheme_name(c->act.scheme),
                 lq_scheme_name(c->wgt.scheme));
        return -1;
    }
    if (lq_format_check(&c->wgt, sub, sizeof sub) != 0) {
        snprintf(msg, msglen, "weights: %s", sub);
        return -1;
    }
    if (lq_format_check(&c->act, sub, sizeof sub) != 0) {
        snprintf(msg, msglen, "activations: %s", sub);
        return -1;
    }
    if (c->frac < (half ? 1 : 0) || c->frac > LQ_LOGDOT_FRAC_MAX) {
        snprintf(msg, msglen, "frac %d is out of range (%d to %d: the conversion table has "
                 "2^frac entries)", c->frac, half ? 1 : 0, LQ_LOGDOT_FRAC_MAX);
        return -1;
    }
    if (c->table_bits < 1 || c->table_bits > LQ_LOGDOT_TABLE_BITS_MAX) {
        snprintf(msg, msglen, "table bits %d is out of range (1 to %d)", c->table_bits,
                 LQ_LOGDOT_TABLE_BITS_MAX);
        return -1;
    }
    if (c->out_bits < 2 || c->out_bits > LQ_LOGDOT_OUT_BITS_MAX) {
        snprintf(msg, msglen, "output bits %d is out of range (2 to %d)", c->out_bits,
                 LQ_LOGDOT_OUT_BITS_MAX);
        return -1;
    }
    if (c->out_frac < -LQ_LOGDOT_OUT_FRAC_ABS_MAX || c->out_frac > LQ_LOGDOT_OUT_FRAC_ABS_MAX) {
        snprintf(msg, msglen, "output fraction bits %d is out of range (%d to %d)", c->out_frac,
                 -LQ_LOGDOT_OUT_FRAC_ABS_MAX, LQ_LOGDOT_OUT_FRAC_ABS_MAX);
        return -1;
    }
    {
        int pmin = lq_exp_min(&c->act) + lq_exp_min(&c->wgt);
        int pmax = lq_exp_max(&c->act) + lq_exp_max(&c->wgt);
        if (sbits(pmin, pmax) > LQ_LOGACC_EXP_BITS_MAX) {
            snprintf(msg, msglen, "product exponents %d..%d need more than %d bits", pmin, pmax,
                     LQ_LOGACC_EXP_BITS_MAX);
            return -1;
        }
    }
    return 0;
}

lq_logacc_cfg lq_logdot_acc_cfg(const lq_logdot_cfg *c, int exp_bits)
{
    lq_logacc_cfg a;
    memset(&a, 0, sizeof a);
    a.lanes = c->lanes;
    a.half = c->wgt.scheme == LQ_LOGSQRT2;
    a.exp_bits = exp_bits;
    a.frac = c->frac;
    a.corr = c->corr;
    return a;
}

int64_t lq_logdot_table_entry(int frac, int r, int64_t k, long double *tie_dist)
{
    long double y = ldexpl(exp2l((long double)k / ldexpl(1.0L, frac)), r);
    if (tie_dist)
        *tie_dist = fabsl((y - floorl(y)) - 0.5L);
    return (int64_t)floorl(y + 0.5L);
}

static void run_sync(lq_logdot *m);

static void run_load(lq_logdot *m);
static void simd_select(lq_logdot *m);
static int step_scalar(lq_logdot *m, const uint32_t *a, const uint32_t *w, int last,
                       lq_logdot_out *out);
static long steps_scalar(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                         const uint8_t *last, long nb, lq_logdot_out *out);

void lq_logdot_reset(lq_logdot *m)
{
    lq_logacc_reset(&m->acc);
    m->fast.run_live = 0;
    if (m->fast.simd)
        run_load(m);
}

void lq_logdot_free(lq_logdot *m)
{
    lq_logacc_free(&m->acc);
    free(m->tab);
    m->tab = NULL;
    lq_logdot_force_general(m);
}

void lq_logdot_force_general(lq_logdot *m)
{
    run_sync(m);
    free(m->fast.term);
    free(m->fast.corr);
    free(m->fast.state);
    free(m->fast.level0);
    free(m->fast.qrow);
    free(m->fast.qcol);
    free(m->fast.qone);
    free(m->fast.quad);
    free(m->fast.qpr);
    free(m->fast.qpc);
    free(m->fast.wrun);
    memset(&m->fast, 0, sizeof m->fast);
    m->fast.step = step_scalar;
    m->fast.steps = steps_scalar;
}

void lq_logdot_force_avx2(lq_logdot *m)
{
    if (m->fast.wide) {
        m->fast.wide = 0;
        simd_select(m);
    }
}

void lq_logdot_force_scalar(lq_logdot *m)
{
    run_sync(m);
    m->fast.simd = 0;
    m->fast.bytes = 0;
    m->fast.wide = 0;
    m->fast.step = step_scalar;
    m->fast.steps = steps_scalar;
}

const char *lq_logdot_path(const lq_logdot *m)
{
    return m->fast.simd ? (m->fast.wide ? "simd512" : "simd") : m->fast.on ? "fast" : "general";
}

/* A tree input of the fast path: the term's value in the tree of that sign. */
static int32_t fast_input(const lq_logdot *m, lq_lterm t, int sign)
{
    lq_lval v = lq_logacc_term(&m->acc, t, sign);
    return v.zero ? (int32_t)LQ_LOGDOT_FAST_ZERO : (int32_t)v.v;
}

/* The constants of the fast path's adders, by value (in registers, not reloaded
 * after every store of the trees). */
typedef struct {
    const int32_t *corr;
    int64_t dcut, vmax;
    int frac, paper, sat;  /* sat 0: no saturation (the trees: fast_trees_any) */
} fast_k;

/* lq_logacc_add on the fast path's numbers (zero: LQ_LOGDOT_FAST_ZERO or near it).
 * |a - b| = 2 max(a, b) - a - b, and floor is monotone, so the paper correction's
 * |floor(a) - floor(b)| = 2 floor(max) - floor(a) - floor(b). */
#define FAST_INLINE static inline __attribute__((always_inline))

FAST_INLINE int64_t fast_add(fast_k k, int64_t a, int64_t b)
{
    int64_t mx = a > b ? a : b;
    int64_t d = k.paper ? 2 * (mx >> k.frac) - (a >> k.frac) - (b >> k.frac) /* >>: floor */
                        : 2 * mx - a - b;
    uint64_t ud = (uint64_t)d;
    int64_t r = mx + k.corr[ud < (uint64_t)k.dcut ? ud : (uint64_t)k.dcut];
    return !k.sat || r < k.vmax ? r : k.vmax;
}

static fast_k fast_consts(const lq_logdot *m)
{
    fast_k k = {m->fast.corr, m->acc.dcut, m->acc.vmax, m->acc.cfg.frac,
                m->acc.cfg.corr == LQ_CORR_PAPER, 1};
    return k;
}

/* The term of number s (level0_build's numbering: 0 zero, else 1 + 2 (e - pmin) + sign). */
static lq_lterm state_term(const lq_logdot *m, int s)
{
    lq_lterm t = {s == 0, (s - 1) & 1, m->pmin + (s - 1) / 2};
    return t;
}

/* Number the terms (0: zero; 1 + 2 (e - pmin) + sign) and tabulate the first adder of
 * both trees for every two terms; none when there are more than LQ_LOGDOT_STATES_MAX. */
static int level0_build(lq_logdot *m, size_t pairs)
{
    lq_logdot_fast *f = &m->fast;
    int ns = 1 + 2 * (m->pmax - m->pmin + 1);
    int32_t in[2 * LQ_LOGDOT_STATES_MAX];
    fast_k k = fast_consts(m);
    if (ns > LQ_LOGDOT_STATES_MAX)
        return 0;
    f->state = malloc(2 * pairs * sizeof *f->state);
    f->level0 = malloc(2 * (size_t)ns * (size_t)ns * sizeof *f->level0);
    if (!f->state || !f->level0)
        return -1;
    for (int s = 0; s < ns; s++) {
        in[2 * s] = fast_input(m, state_term(m, s), 0);
        in[2 * s + 1] = fast_input(m, state_term(m, s), 1);
    }
    for (size_t i = 0; i < pairs; i++) {
        lq_lterm t = lq_logdot_term(m, (uint32_t)(i >> f->w_bits), (uint32_t)i & f->w_mask);
        int st = t.zero ? 0 : 1 + 2 * (t.exp - m->pmin) + t.sign;
        f->state[2 * i] = 2 * ns * st; /* a pair's first lane: the row */
        f->state[2 * i + 1] = 2 * st;  /* its second lane: the column */
    }
    for (int s0 = 0; s0 < ns; s0++)
        for (int s1 = 0; s1 < ns; s1++)
            for (int g = 0; g < 2; g++)
                f->level0[2 * (s0 * ns + s1) + g] =
                    (int32_t)fast_add(k, in[2 * s0 + g], in[2 * s1 + g]);
    f->nstates = ns;
    return 0;
}

static int cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* The id of a first-level value x: its index in the sorted distinct values v[0 .. k-1],
 * every zero (below LQ_LOGDOT_FAST_ZERO / 2) being LQ_LOGDOT_FAST_ZERO, the first. */
static int32_t quad_id(const int32_t *v, int k, int32_t x)
{
    int lo = 0, hi = k - 1;
    if (x < LQ_LOGDOT_FAST_ZERO / 2)
        x = (int32_t)LQ_LOGDOT_FAST_ZERO;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int simd_cpu(void);
static int wide_cpu(void);

/* A code's part of the byte states (lq_logdot_fast.btab): 0x80 for a zero, else
 * 2 (e - e_min) + sign, so that two non-zero codes' parts x and y give the state
 * 1 + 2 (e_a + e_w - pmin) + (s_a ^ s_w) = 1 + x + y - 2 (x & y & 1). */
static uint8_t bytes_part(const lq_format *f, uint32_t code)
{
    lq_logfields x = lq_log_fields(f, code);
    return x.zero ? 0x80 : (uint8_t)(2 * (x.exp - lq_exp_min(f)) + x.sign);
}

/* The byte states' tables (16 lanes, codes of at most 5 bits, at most 256 ids: each
 * packed quad index within 16 bits), or none; checked against the state table. */
static int bytes_build(lq_logdot *m, size_t npairs)
{
    lq_logdot_fast *f = &m->fast;
    const lq_logdot_cfg *c = &m->cfg;
    if (c->lanes != 16 || c->act.bits > 5 || c->wgt.bits > 5 || f->nids > 256)
        return 0;
    for (uint32_t x = 0; x < 32; x++) {
        f->btab[x >> 4][x & 15] = x <= f->a_mask ? bytes_part(&c->act, x) : 0;
        f->btab[2 + (x >> 4)][x & 15] = x <= f->w_mask ? bytes_part(&c->wgt, x) : 0;
    }
    for (uint32_t a = 0; a <= f->a_mask; a++)
        for (uint32_t w = 0; w <= f->w_mask; w++) {
            int x = f->btab[a >> 4][a & 15], y = f->btab[2 + (w >> 4)][w & 15];
            int st = (x | y) & 0x80 ? 0 : 1 + x + y - 2 * (x & y & 1);
            if (2 * f->nstates * st != f->state[2 * (a << f->w_bits | w)])
                return 0; /* not the numbering of level0_build: no byte states */
        }
    f->qpr = malloc(npairs * sizeof *f->qpr);
    f->qpc = malloc(npairs * sizeof *f->qpc);
    if (!f->qpr || !f->qpc)
        return -1;
    for (size_t i = 0; i < npairs; i++) {
        f->qpr[i] = (uint32_t)f->qrow[2 * i] | (uint32_t)f->qrow[2 * i + 1] << 16;
        f->qpc[i] = (uint32_t)f->qcol[2 * i] | (uint32_t)f->qcol[2 * i + 1] << 16;
    }
    f->bytes = 1;
    return 0;
}

/* A code's part of the wide path's sums (lq_logdot_fast.wpart): 0x80 for a zero, else
 * (e - e_min) + 32 sign, so that two non-zero parts add to the product's number
 * e_a + e_w - pmin in bits 0-4 (at most 30: no carry) and its sign in bit 5. */
static uint8_t wide_part(const lq_format *f, uint32_t code)
{
    lq_logfields x = lq_log_fields(f, code);
    return x.zero ? 0x80 : (uint8_t)((x.exp - lq_exp_min(f)) + 32 * x.sign);
}

/* A zero lane's number on the wide path (wtree): -97 as a signed byte, 159 unsigned,
 * 31 in bits 0-4 (wval's zero). */
enum { WIDE_NZERO = 0x9f };

/* The wide path's first adder of two tree inputs given by their numbers n0, n1 (the
 * bytes of wtree), as its SIMD code computes it (wide_first). */
static int64_t wide_add1(const lq_logdot *m, int n0, int n1)
{
    const lq_logdot_fast *f = &m->fast;
    int fr = m->acc.cfg.frac, k;
    if (m->acc.cfg.corr == LQ_CORR_PAPER) {
        int64_t a = f->wval[n0 & 31], b = f->wval[n1 & 31], mx = a > b ? a : b;
        uint32_t d = (uint32_t)(2 * (mx >> fr) - (a >> fr) - (b >> fr));
        return mx + f->wc1[d < 31 ? d : 31];
    }
    k = n0 > n1 ? n0 - n1 : n1 - n0;
    return f->wval[((int8_t)n0 > (int8_t)n1 ? n0 : n1) & 31] + f->wc1[k < 31 ? k : 31];
}

/* The wide path's number of a tree input v (WIDE_NZERO for a zero), -1 for none. */
static int wide_num(const lq_logdot_fast *f, int32_t v)
{
    if (v == (int32_t)LQ_LOGDOT_FAST_ZERO)
        return WIDE_NZERO;
    for (int n = 0; n < 31; n++)
        if (f->wval[n] == v)
            return n;
    return -1;
}

/* The wide path's correction of one difference d <= dcut as its SIMD code computes it
 * (wide_corr): the same single-precision operations (fused multiply-adds), rounded to
 * the nearest integer, ties to even, and not below 0. */
static int64_t wide_corr1(const lq_logdot_fast *f, int paper, int frac, uint32_t d)
{
    float t, y, fl;
    const int deg = LQ_LOGDOT_WDEG;
    uint32_t sg = d >> f->wlog2;
    if (paper)
        return (int64_t)(((uint32_t)1 << frac) >> (d < 31 ? d : 31));
    if (sg > 31)
        return -1;
    t = fmaf((float)(d & ((1u << f->wlog2) - 1)), f->wscale, f->woff);
    y = f->wcoef[deg][sg];
    for (int j = deg - 1; j >= 0; j--)
        y = fmaf(y, t, f->wcoef[j][sg]);
    fl = floorf(y);
    if (y - fl > 0.5f || (y - fl == 0.5f && fmodf(fl, 2.0f) != 0.0f))
        fl += 1.0f;
    return fl < 0.0f ? 0 : (int64_t)fl;
}

/* Fit the table correction's polynomials: per segment, the interpolation of
 * 2^F log2(1 + 2^(-d / 2^F)) at the Chebyshev points of degree LQ_LOGDOT_WDEG + 1 in
 * t (long double), its coefficients rounded to single precision. The segments: the
 * fewest that number at most 32 (2^wlog2 differences each, covering 0 .. dcut). */
static void wide_fit(lq_logdot *m)
{
    lq_logdot_fast *f = &m->fast;
    enum { N = LQ_LOGDOT_WDEG + 1 };
    long double sc = ldexpl(1.0L, m->acc.cfg.frac), h;
    int lg = 0;
    while ((m->acc.dcut >> lg) > 31)
        lg++;
    f->wlog2 = lg;
    h = lg ? ldexpl(1.0L, lg - 1) : 0.5L; /* t = (x - (2^lg - 1) / 2) / h */
    f->wscale = (float)(1.0L / h);
    f->woff = (float)(-(ldexpl(1.0L, lg) - 1.0L) / 2.0L / h);
    for (int sg = 0; sg < 32; sg++) {
        long double a[N][N + 1];
        for (int i = 0; i < N; i++) { /* the Vandermonde system at the Chebyshev points */
            long double t = cosl(3.14159265358979323846264338327950288L * (i + 0.5L) / N);
            long double d = sg * ldexpl(1.0L, lg) + (ldexpl(1.0L, lg) - 1.0L) / 2.0L + h * t;
            long double p = 1.0L;
            for (int j = 0; j < N; j++, p *= t)
                a[i][j] = p;
            a[i][N] = log1pl(exp2l(-d / sc)) / logl(2.0L) * sc;
        }
        for (int c = 0; c < N; c++) { /* Gauss-Jordan, partial pivoting */
            int pv = c;
            for (int r = c + 1; r < N; r++)
                if (fabsl(a[r][c]) > fabsl(a[pv][c]))
                    pv = r;
            for (int j = 0; j <= N; j++) {
                long double x = a[c][j];
                a[c][j] = a[pv][j];
                a[pv][j] = x;
            }
            for (int r = 0; r < N; r++)
                if (r != c) {
                    long double q = a[r][c] / a[c][c];
                    for (int j = c; j <= N; j++)
                        a[r][j] -= q * a[c][j];
                }
        }
        for (int j = 0; j < N; j++)
            f->wcoef[j][sg] = (float)(a[j][N] / a[j][j]);
    }
}

/* The wide path's tables (lq_logdot_fast.wide in logdot.h), or none: on the byte
 * states' configurations whose product numbers e_a + e_w - pmin fit 0-30 and whose
 * first level the 32-entry correction gives exactly, on a CPU with AVX-512 VBMI.
 * Checked here against the terms for every code pair (both trees) and against the
 * level0 table for every two terms. */
static void wide_build(lq_logdot *m)
{
    /* the pair of lanes (2 p, 2 p + 1) of each first adder, in wide_level1's order:
     * per beat {pos P0 P4, neg P0 P4, pos P2 P6, neg P2 P6} then the same of P1 P5,
     * P3 P7, so that the second level adds the two halves, the third the quarters */
    static const uint8_t pair[16] = {0, 4, 0, 4, 2, 6, 2, 6, 1, 5, 1, 5, 3, 7, 3, 7};
    lq_logdot_fast *f = &m->fast;
    const lq_logdot_cfg *c = &m->cfg;
    int unit = m->acc.cfg.frac - m->acc.cfg.half, ns = f->nstates;
    int paper = m->acc.cfg.corr == LQ_CORR_PAPER;
    f->wide = 0;
    if (!f->bytes || !wide_cpu() || m->pmax - m->pmin > 30)
        return;
    if (!paper)
        wide_fit(m);
    for (int64_t d = 0; d <= m->acc.dcut; d++)
        if (wide_corr1(f, paper, m->acc.cfg.frac, (uint32_t)d) != f->corr[d])
            return; /* not every correction: no wide path */
    for (int i = 0; i < 32; i++) {
        int64_t d = paper ? i : (int64_t)i << unit;
        f->wc1[i] = f->corr[d < m->acc.dcut ? d : m->acc.dcut];
        f->wval[i] = i <= m->pmax - m->pmin ? (int32_t)((m->pmin + i) * ((int64_t)1 << unit))
                                            : (int32_t)LQ_LOGDOT_FAST_ZERO;
    }
    for (int x = 0; x < 64; x++) {
        f->wpart[0][x] = wide_part(&c->act, (uint32_t)x & f->a_mask);
        f->wpart[1][x] = wide_part(&c->wgt, (uint32_t)x & f->w_mask);
        f->wtree[0][x] = x == 63 || x & 32 ? WIDE_NZERO : (uint8_t)(x & 31);
        f->wtree[1][x] = x == 63 || !(x & 32) ? WIDE_NZERO : (uint8_t)(x & 31);
    }
    for (int j = 0; j < 16; j++) /* word j: beat j / 8's adders j % 8 and j % 8 + 8 */
        for (int h = 0; h < 2; h++)
            for (int o = 0; o < 2; o++)
                f->wsel[4 * j + 2 * h + o] =
                    (uint8_t)(64 * (j / 8) + 4 * (2 * pair[j % 8 + 8 * h] + o));
    for (uint32_t a = 0; a <= f->a_mask; a++)
        for (uint32_t w = 0; w <= f->w_mask; w++) {
            int xa = f->wpart[0][a], xw = f->wpart[1][w];
            int x = (xa | xw) & 0x80 ? 63 : (xa + xw) & 63;
            for (int g = 0; g < 2; g++)
                if (f->wval[f->wtree[g][x] & 31] != f->term[2 * (a << f->w_bits | w) + g])
                    return;
        }
    for (int s0 = 0; s0 < ns; s0++)
        for (int s1 = 0; s1 < ns; s1++)
            for (int g = 0; g < 2; g++) {
                int n0 = wide_num(f, fast_input(m, state_term(m, s0), g));
                int n1 = wide_num(f, fast_input(m, state_term(m, s1), g));
                int64_t r;
                if (n0 < 0 || n1 < 0)
                    return; /* a term that is no number */
                r = wide_add1(m, n0, n1);
                if ((r < m->acc.vmax ? r : m->acc.vmax) != f->level0[2 * (s0 * ns + s1) + g])
                    return;
            }
    if (!paper) { /* the running sums' G(u), u = -dcut .. dcut - 1 */
        f->wrun = malloc(2 * (size_t)m->acc.dcut * sizeof *f->wrun);
        if (!f->wrun)
            return; /* out of memory: the AVX2 path */
        for (int64_t u = -m->acc.dcut; u < m->acc.dcut; u++)
            f->wrun[u + m->acc.dcut] = (int32_t)((u > 0 ? u : 0) + f->corr[u > 0 ? u : -u]);
    }
    f->wide = 1;
}

/* The SIMD path's tables (lq_logdot_fast in logdot.h): the ids of every value a first
 * level can give (the level0 table's and the single terms'), and the quad table of
 * the second level's adder for every two of them. Any zero is one id: a zero operand
 * gives the other one exactly whatever its number near LQ_LOGDOT_FAST_ZERO, and zeros
 * stay zeros. None when there are more than LQ_LOGDOT_IDS_MAX values or the CPU has no
 * AVX2 (the scalar fast path then). */
static int quad_build(lq_logdot *m, size_t pairs)
{
    lq_logdot_fast *f = &m->fast;
    size_t nl = 2 * (size_t)f->nstates * (size_t)f->nstates, nv = nl + 2 * pairs;
    int32_t *v = malloc(nv * sizeof *v);
    fast_k k = fast_consts(m);
    int nk = 0;
    if (!v)
        return -1;
    for (size_t i = 0; i < nv; i++) {
        int32_t x = i < nl ? f->level0[i] : f->term[i - nl];
        v[i] = x < LQ_LOGDOT_FAST_ZERO / 2 ? (int32_t)LQ_LOGDOT_FAST_ZERO : x;
    }
    qsort(v, nv, sizeof *v, cmp_i32);
    for (size_t i = 0; i < nv; i++)
        if (nk == 0 || v[i] != v[nk - 1])
            v[nk++] = v[i];
    if (nk > LQ_LOGDOT_IDS_MAX || m->acc.dcut > 0xffff || !simd_cpu()) { /* simd_add: d < 2^16 */
        free(v);
        return 0;
    }
    f->qrow = malloc(nl * sizeof *f->qrow);
    f->qcol = malloc(nl * sizeof *f->qcol);
    f->qone = malloc(2 * pairs * sizeof *f->qone);
    f->quad = malloc((size_t)nk * (size_t)nk * sizeof *f->quad);
    if (!f->qrow || !f->qcol || !f->qone || !f->quad) {
        free(v);
        return -1;
    }
    for (size_t i = 0; i < nl; i++) {
        f->qcol[i] = quad_id(v, nk, f->level0[i]);
        f->qrow[i] = f->qcol[i] * nk;
    }
    for (size_t i = 0; i < 2 * pairs; i++)
        f->qone[i] = quad_id(v, nk, f->term[i]);
    k.sat = 0; /* as in the trees (fast_trees_any) */
    for (int i = 0; i < nk; i++)
        for (int j = 0; j < nk; j++)
            f->quad[i * nk + j] = (int32_t)fast_add(k, v[i], v[j]);
    free(v);
    f->nids = nk;
    if (bytes_build(m, nl / 2) != 0)
        return -1;
    wide_build(m);
    simd_select(m);
    return 0;
}

/* Build the fast path's tables (lq_logdot_fast in logdot.h), or leave it off. */
static int fast_build(lq_logdot *m)
{
    lq_logdot_fast *f = &m->fast;
    int ab = m->cfg.act.bits, wb = m->cfg.wgt.bits;
    size_t pairs = (size_t)1 << (ab + wb);
    memset(f, 0, sizeof *f);
    f->step = step_scalar;
    f->steps = steps_scalar;
    if (ab + wb > LQ_LOGDOT_PAIR_BITS)
        return 0;
    f->term = malloc(2 * pairs * sizeof *f->term);
    f->corr = malloc(((size_t)m->acc.dcut + 1) * sizeof *f->corr);
    if (!f->term || !f->corr) {
        lq_logdot_force_general(m);
        return -1;
    }
    f->w_bits = wb;
    f->a_mask = (1u << ab) - 1;
    f->w_mask = (1u << wb) - 1;
    for (uint32_t a = 0; a <= f->a_mask; a++)
        for (uint32_t w = 0; w <= f->w_mask; w++) {
            lq_lterm t = lq_logdot_term(m, a, w);
            size_t i = (size_t)(a << wb | w);
            f->term[2 * i] = fast_input(m, t, 0);
            f->term[2 * i + 1] = fast_input(m, t, 1);
        }
    for (int64_t d = 0; d < m->acc.dcut; d++)
        f->corr[d] = m->acc.tab[d];
    f->corr[m->acc.dcut] = 0;
    f->on = 1;
    if (level0_build(m, pairs) != 0)
        return -1;
    return f->nstates ? quad_build(m, pairs) : 0;
}

int lq_logdot_init(lq_logdot *m, const lq_logdot_cfg *cfg, char *msg, size_t msglen)
{
    lq_logacc_cfg ac;
    int64_t n;
    memset(m, 0, sizeof *m);
    if (lq_logdot_check(cfg, msg, msglen) != 0)
        return -1;
    m->cfg = *cfg;
    m->pmin = lq_exp_min(&cfg->act) + lq_exp_min(&cfg->wgt);
    m->pmax = lq_exp_max(&cfg->act) + lq_exp_max(&cfg->wgt);
    m->exp_bits = sbits(m->pmin, m->pmax);
    if (m->exp_bits < LQ_LOGACC_EXP_BITS_MIN)
        m->exp_bits = LQ_LOGACC_EXP_BITS_MIN;
    ac = lq_logdot_acc_cfg(cfg, m->exp_bits);
    if (lq_logacc_init(&m->acc, &ac, msg, msglen) != 0)
        return -1;
    n = (int64_t)1 << cfg->frac;
    m->tab = malloc((size_t)n * sizeof *m->tab);
    if (!m->tab) {
        snprintf(msg, msglen, "out of memory");
        lq_logdot_free(m);
        return -1;
    }
    for (int64_t k = 0; k < n; k++) {
        long double tie;
        m->tab[k] = lq_logdot_table_entry(cfg->frac, cfg->table_bits, k, &tie);
        if (tie < 1e-9L) {
            snprintf(msg, msglen, "conversion table entry %lld is within 1e-9 of a rounding tie",
                     (long long)k);
            lq_logdot_free(m);
            return -1;
        }
    }
    if (cfg->fault) /* an off-by-one index: the last entry repeats the one before */
        m->tab[n - 1] = n > 1 ? m->tab[n - 2] : m->tab[0] + (m->tab[0] >> 1);
    m->lmax = ((int64_t)1 << (cfg->out_bits - 1)) - 1;
    if (fast_build(m) != 0) {
        snprintf(msg, msglen, "out of memory");
        lq_logdot_free(m);
        return -1;
    }
    lq_logdot_reset(m);
    return 0;
}

lq_lterm lq_logdot_term(const lq_logdot *m, uint32_t a, uint32_t w)
{
    lq_logfields fa = lq_log_fields(&m->cfg.act, a), fw = lq_log_fields(&m->cfg.wgt, w);
    lq_lterm t;
    t.zero = fa.zero || fw.zero;
    t.sign = fa.sign ^ fw.sign;
    t.exp = t.zero ? 0 : fa.exp + fw.exp;
    return t;
}

int64_t lq_logdot_lin(const lq_logdot *m, lq_lval x, int *sat)
{
    int f = m->cfg.frac;
    int64_t q, k, sh, t;
    if (x.zero)
        return 0;
    q = x.v >= 0 ? x.v >> f : -((-x.v + ((int64_t)1 << f) - 1) >> f); /* floor */
    k = x.v - q * ((int64_t)1 << f);
    if (m->tab_hits)
        m->tab_hits[k]++;
    t = m->tab[k];
    sh = q + m->cfg.out_frac - m->cfg.table_bits;
    if (sh >= 0) {
        if (sh >= 62 || t > (m->lmax >> sh)) {
            *sat = 1;
            return m->lmax;
        }
        return t << sh;
    }
    t = -sh >= 63 ? 0 : t >> -sh;
    if (t > m->lmax) { /* R + 2 > OW: a right shift can still exceed the range */
        *sat = 1;
        return m->lmax;
    }
    return t;
}

/* lq_logacc_tree's order on the fast path's numbers, both trees in one loop (their
 * adders are independent), with the correction fixed at compile time (paper is a
 * constant where the two callers below inline it). */
FAST_INLINE void fast_trees(fast_k k, int paper, int sat, int64_t *vp, int64_t *vn, int n)
{
    k.paper = paper;
    k.sat = sat;
    while (n > 1) {
        int o = 0;
        for (int i = 0; i + 1 < n; i += 2, o++) {
            vp[o] = fast_add(k, vp[i], vp[i + 1]);
            vn[o] = fast_add(k, vn[i], vn[i + 1]);
        }
        if (n & 1) {
            vp[o] = vp[n - 1];
            vn[o] = vn[n - 1];
            o++;
        }
        n = o;
    }
}

/* The trees of both corrections. No adder of a tree saturates: an adder's result is
 * at least max(a, b), so once a node reaches vmax every node above it does, and the
 * saturated sum at the running sum (fast_accumulate) is vmax as the general path's
 * (where the node is vmax and so is every node above it); the unsaturated values stay
 * below 2^27 + levels * 2^F. */
static void fast_trees_any(fast_k k, int64_t *vp, int64_t *vn, int n)
{
    if (k.paper)
        fast_trees(k, 1, 0, vp, vn, n);
    else
        fast_trees(k, 0, 0, vp, vn, n);
}

/* A running sum plus a beat's tree, stored back as an lq_lval. */
FAST_INLINE void fast_accumulate(fast_k k, lq_lval *s, int64_t t)
{
    int64_t r = fast_add(k, s->zero ? LQ_LOGDOT_FAST_ZERO : s->v, t);
    s->zero = r < LQ_LOGDOT_FAST_ZERO / 2;
    s->v = s->zero ? 0 : r;
}

/* lq_logacc_step of the beat's terms on the fast path. */
static int fast_step(lq_logdot *m, const uint32_t *a, const uint32_t *w, int last,
                     lq_logacc_out *out)
{
    const lq_logdot_fast *f = &m->fast;
    lq_logacc *acc = &m->acc;
    fast_k k = fast_consts(m);
    int64_t vp[LQ_LOGACC_LANES_MAX], vn[LQ_LOGACC_LANES_MAX];
    int n = m->cfg.lanes, wb = f->w_bits, i = 0, o = 0;
    uint32_t am = f->a_mask, wm = f->w_mask;
    if (f->nstates) /* the first level by table: n lanes become ceil(n / 2) values */
        for (; i + 1 < n; i += 2, o++) {
            const int32_t *e = f->level0 + f->state[2 * ((a[i] & am) << wb | (w[i] & wm))] +
                               f->state[2 * ((a[i + 1] & am) << wb | (w[i + 1] & wm)) + 1];
            vp[o] = e[0];
            vn[o] = e[1];
        }
    for (; i < n; i++, o++) {
        const int32_t *t = f->term + 2 * ((a[i] & am) << wb | (w[i] & wm));
        vp[o] = t[0];
        vn[o] = t[1];
    }
    fast_trees_any(k, vp, vn, o);
    fast_accumulate(k, &acc->acc_pos, vp[0]);
    fast_accumulate(k, &acc->acc_neg, vn[0]);
    acc->beats++;
    if (!last)
        return 0;
    out->pos = acc->acc_pos;
    out->neg = acc->acc_neg;
    lq_logacc_reset(acc);
    return 1;
}

/* The SIMD path keeps the running sums in fast.run (its int32 numbers): whenever
 * fast.simd is set, fast.run is live between calls (lq_logdot_reset, the SIMD step's
 * `last` and step_scalar load it); run_sync gives them back to the accumulator (at
 * `last`, and before another path touches it) and run_load takes them from it. */
static int finish(const lq_logdot *m, lq_logdot_out *out);

static void run_load(lq_logdot *m)
{
    m->fast.run[0] = m->acc.acc_pos.zero ? (int32_t)LQ_LOGDOT_FAST_ZERO : (int32_t)m->acc.acc_pos.v;
    m->fast.run[1] = m->acc.acc_neg.zero ? (int32_t)LQ_LOGDOT_FAST_ZERO : (int32_t)m->acc.acc_neg.v;
    m->fast.run_live = 1;
}

/* A running sum of the SIMD paths as an lq_lval. */
static lq_lval run_lval(int32_t x)
{
    lq_lval r = {x < LQ_LOGDOT_FAST_ZERO / 2, 0};
    r.v = r.zero ? 0 : x;
    return r;
}

static void run_sync(lq_logdot *m)
{
    if (!m->fast.run_live)
        return;
    m->acc.acc_pos = run_lval(m->fast.run[0]);
    m->acc.acc_neg = run_lval(m->fast.run[1]);
    m->fast.run_live = 0;
}

/* The outputs of n `last` beats of the wide path from their running sums {pos, neg}. */
static __attribute__((noinline)) void wide_outputs(const lq_logdot *m, const int32_t *run, int n,
                                                   lq_logdot_out *out)
{
    for (int i = 0; i < n; i++) {
        out[i].logs.pos = run_lval(run[2 * i]);
        out[i].logs.neg = run_lval(run[2 * i + 1]);
        finish(m, out + i);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
static int simd_cpu(void)
{
    return __builtin_cpu_supports("avx2");
}

/* AVX2 (VEX-encoded 128-bit instructions only, so that no 256-bit register is left
 * dirty for the caller's SSE code, which would run several times slower after it on
 * some CPUs), and not vectorized by the compiler: it would move the scalar table
 * lookups' indices through vector registers (an extract and an insert per lookup) or
 * use 256-bit registers. */
#if defined(__clang__)
/* clang has no optimize attribute (the fuzz builds use it): the same code, vectorizer
 * on; only the speed differs */
#define SIMD_ATTR __attribute__((target("avx2")))
#else
#define SIMD_ATTR                                                                          \
    __attribute__((target("avx2"), optimize("no-tree-slp-vectorize", "no-tree-loop-vectorize")))
#endif
#define SIMD_INLINE static inline __attribute__((always_inline)) SIMD_ATTR

enum { SIMD_AMASK, SIMD_WMASK, SIMD_DCUT, SIMD_VMAX, SIMD_WBITS, SIMD_SMUL };

SIMD_INLINE __m128i simd_vec(const lq_logdot_fast *f, int i)
{
    return _mm_loadu_si128((const __m128i *)f->vec[i]);
}

/* Adders of fast_add (no saturation) on the SIMD path's int32 numbers, lanes 0 .. n-1
 * of a and b (n = 2 or 4); the correction's lookups are scalar loads (cheaper here than
 * a gather). */
SIMD_INLINE __m128i simd_add(fast_k k, int paper, int n, __m128i dcut, __m128i a, __m128i b)
{
    __m128i mx = _mm_max_epi32(a, b), d, c;
    const int32_t *t = k.corr;
    uint64_t x;
    if (paper) {
        __m128i f = _mm_cvtsi32_si128(k.frac), fm = _mm_sra_epi32(mx, f);
        d = _mm_sub_epi32(_mm_sub_epi32(_mm_add_epi32(fm, fm), _mm_sra_epi32(a, f)),
                          _mm_sra_epi32(b, f));
    } else {
        d = _mm_abs_epi32(_mm_sub_epi32(a, b));
    }
    d = _mm_min_epu32(d, dcut);
    if (n == 2) { /* two extracts */
        c = _mm_insert_epi32(_mm_cvtsi32_si128(t[(uint32_t)_mm_cvtsi128_si32(d)]),
                             t[(uint32_t)_mm_extract_epi32(d, 1)], 1);
    } else { /* d < 2^16: one extract of the four */
        x = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi32(d, d));
        c = _mm_insert_epi32(
            _mm_insert_epi32(
                _mm_insert_epi32(_mm_cvtsi32_si128(t[x & 0xffff]), t[(x >> 16) & 0xffff], 1),
                t[(x >> 32) & 0xffff], 2),
            t[x >> 48], 3);
    }
    return _mm_add_epi32(mx, c);
}

/* The trees' levels from the third on: x[2 j] and x[2 j + 1] the j-th value of the
 * positive and the negative tree (c of each), two pairs of both trees per adder;
 * x holds zeros or earlier values up to x[2 c + 3]. Returns both roots. */
SIMD_INLINE __m128i simd_levels(fast_k k, int paper, __m128i dcut, int32_t *x, int c)
{
    while (c > 1) {
        int pairs = c / 2;
        for (int j = 0; j < pairs; j += 2) {
            __m128i p = _mm_loadu_si128((const __m128i *)(x + 4 * j));
            __m128i q = _mm_loadu_si128((const __m128i *)(x + 4 * j + 4));
            _mm_storeu_si128((__m128i *)(x + 2 * j),
                             simd_add(k, paper, 4, dcut, _mm_unpacklo_epi64(p, q),
                                      _mm_unpackhi_epi64(p, q)));
        }
        if (c & 1) { /* the odd value passes, at x[2 (c - 1)] = x[4 pairs] */
            x[2 * pairs] = x[4 * pairs];
            x[2 * pairs + 1] = x[4 * pairs + 1];
        }
        c = pairs + (c & 1);
    }
    return _mm_loadl_epi64((const __m128i *)x);
}

/* The code pair indices of the n lanes (as fast_step's). */
SIMD_INLINE void simd_index(const lq_logdot_fast *f, const uint32_t *a, const uint32_t *w,
                            int n, uint32_t *idx)
{
    __m128i am = simd_vec(f, SIMD_AMASK), wm = simd_vec(f, SIMD_WMASK);
    __m128i sh = simd_vec(f, SIMD_WBITS);
    int i = 0;
#pragma GCC unroll 16
    for (; i + 4 <= n; i += 4) {
        __m128i va = _mm_and_si128(_mm_loadu_si128((const __m128i *)(a + i)), am);
        __m128i vw = _mm_and_si128(_mm_loadu_si128((const __m128i *)(w + i)), wm);
        _mm_storeu_si128((__m128i *)(idx + i), _mm_or_si128(_mm_sll_epi32(va, sh), vw));
    }
    __asm__ volatile("" ::: "memory"); /* idx read back by scalar loads, not extracts */
    for (; i < n; i++)
        idx[i] = (a[i] & f->a_mask) << f->w_bits | (w[i] & f->w_mask);
}

/* The offset in level0 (and qrow, qcol) of the first adder of lanes with state
 * offsets i0 and i1. */
SIMD_INLINE size_t simd_pair(const int32_t *st, uint32_t i0, uint32_t i1)
{
    size_t o = (uint32_t)(st[2 * (size_t)i0] + st[2 * (size_t)i1 + 1]);
    __asm__("" : "+r"(o)); /* a scalar: see SIMD_ATTR */
    return o;
}

/* The quad table's indices of four lanes' second adder, positive and negative tree. */
SIMD_INLINE void simd_quad(const lq_logdot_fast *f, const uint32_t *id, size_t *ip,
                           size_t *in)
{
    size_t o0 = simd_pair(f->state, id[0], id[1]), o1 = simd_pair(f->state, id[2], id[3]);
    size_t p = (uint32_t)(f->qrow[o0] + f->qcol[o1]);
    size_t n = (uint32_t)((f->qrow + 1)[o0] + (f->qcol + 1)[o1]);
    __asm__("" : "+r"(p), "+r"(n));
    *ip = p;
    *in = n;
}

/* The trees' roots {pos, neg} of one beat of n lanes: the first two levels by the quad
 * table (the lanes left over by the level0 table, their terms, or the quad table with
 * a lone term's id), the later levels by simd_add; 16 lanes in registers. */
SIMD_INLINE __m128i simd_trees(lq_logdot_fast *f, fast_k k, int paper,
                               const uint32_t *a, const uint32_t *w, int n)
{
    uint32_t *idx = f->idx;
    int32_t x[LQ_LOGACC_LANES_MAX / 2 + 8];
    const int32_t *qd = f->quad;
    int q = n / 4, c = q;
    simd_index(f, a, w, n, idx);
    if (n == 16) { /* the default: levels 3 and 4 of both trees by two adders */
        __m128i dcut = simd_vec(f, SIMD_DCUT), s, t, r;
        size_t p, g;
        /* each quad's two values into their lanes as soon as they are read */
        simd_quad(f, idx, &p, &g);
        s = _mm_insert_epi32(_mm_cvtsi32_si128(qd[p]), qd[g], 1);
        simd_quad(f, idx + 8, &p, &g);
        s = _mm_insert_epi32(_mm_insert_epi32(s, qd[p], 2), qd[g], 3);
        simd_quad(f, idx + 4, &p, &g);
        t = _mm_insert_epi32(_mm_cvtsi32_si128(qd[p]), qd[g], 1);
        simd_quad(f, idx + 12, &p, &g);
        t = _mm_insert_epi32(_mm_insert_epi32(t, qd[p], 2), qd[g], 3);
        r = simd_add(k, paper, 4, dcut, s, t);
        return simd_add(k, paper, 2, dcut, r, _mm_unpackhi_epi64(r, r));
    }
    for (int j = 0; j < q; j++) {
        size_t p, g;
        simd_quad(f, idx + 4 * j, &p, &g);
        x[2 * j] = qd[p];
        x[2 * j + 1] = qd[g];
    }
    if (n % 4 != 0) { /* the last value of the second level */
        const uint32_t *id = idx + 4 * q;
        const int32_t *t;
        uint32_t o0 = n % 4 >= 2 ? simd_pair(f->state, id[0], id[1]) : 0;
        switch (n % 4) {
        case 1: /* a lone lane: its term */
            t = f->term + 2 * (size_t)id[0];
            x[2 * q] = t[0];
            x[2 * q + 1] = t[1];
            break;
        case 2: /* a lone pair: its first adder */
            x[2 * q] = f->level0[o0];
            x[2 * q + 1] = f->level0[o0 + 1];
            break;
        default: /* a pair and a lone lane */
            t = f->qone + 2 * (size_t)id[2];
            x[2 * q] = qd[(uint32_t)(f->qrow[o0] + t[0])];
            x[2 * q + 1] = qd[(uint32_t)(f->qrow[o0 + 1] + t[1])];
        }
        c++;
    }
    memset(x + 2 * c, 0, 4 * sizeof *x);
    return simd_levels(k, paper, simd_vec(f, SIMD_DCUT), x, c);
}

/* 16 codes as bytes: each masked (at most 5 bits), then packed. */
SIMD_INLINE __m128i simd_codes16(const uint32_t *c, __m128i mask)
{
    __m128i x[4];
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        x[i] = _mm_and_si128(_mm_loadu_si128((const __m128i *)(c + 4 * i)), mask);
    return _mm_packus_epi16(_mm_packus_epi32(x[0], x[1]), _mm_packus_epi32(x[2], x[3]));
}

/* The byte table t (codes 0-15, then 16-31) of 16 codes c (bytes below 32): a shuffle
 * gives 0 where its index has bit 7 set. */
SIMD_INLINE __m128i simd_part16(const uint8_t t[2][16], __m128i c)
{
    __m128i lo = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)t[0]),
                                  _mm_adds_epu8(c, _mm_set1_epi8(0x70)));
    __m128i hi = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)t[1]),
                                  _mm_sub_epi8(c, _mm_set1_epi8(0x10)));
    return _mm_or_si128(lo, hi);
}

/* The second adder level of a 16-lane beat by the byte states: the lanes' states
 * (bytes_part), the eight pairs' level0 indices s0 S + s1 (one multiply-add), then per
 * four lanes both trees' quad indices by one addition of the packed tables. v[0] gets
 * quads 0 and 2 {pos, neg, pos, neg}, v[1] quads 1 and 3 (levels 3 and 4: simd_add). */
SIMD_INLINE void simd_quads16(const lq_logdot_fast *f, const uint32_t *a, const uint32_t *w,
                              __m128i *v)
{
    const int32_t *qd = f->quad;
    const char *qpr = (const char *)f->qpr, *qpc = (const char *)f->qpc;
    __m128i one = _mm_set1_epi8(1), x, y, st;
    uint64_t pq[2];
    x = simd_part16(f->btab, simd_codes16(a, simd_vec(f, SIMD_AMASK)));
    y = simd_part16(f->btab + 2, simd_codes16(w, simd_vec(f, SIMD_WMASK)));
    st = _mm_sub_epi8(_mm_add_epi8(_mm_add_epi8(x, y), one),
                      _mm_slli_epi16(_mm_and_si128(_mm_and_si128(x, y), one), 1));
    st = _mm_andnot_si128(_mm_cmpgt_epi8(_mm_setzero_si128(), _mm_or_si128(x, y)), st);
    st = _mm_maddubs_epi16(st, simd_vec(f, SIMD_SMUL));
    pq[0] = (uint64_t)_mm_cvtsi128_si64(st); /* to scalars by two extracts (a store and */
    pq[1] = (uint64_t)_mm_extract_epi64(st, 1); /* 16-bit loads do not forward) */
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
        uint32_t h = (uint32_t)(pq[j >> 1] >> (32 * (j & 1)));
        size_t o0 = h & 0xffff, o1 = h >> 16;
        uint32_t z;
        __asm__("" : "+r"(o0), "+r"(o1)); /* scalars: see SIMD_ATTR */
        z = *(const uint32_t *)(qpr + 4 * o0) + *(const uint32_t *)(qpc + 4 * o1);
        if (j < 2)
            v[j] = _mm_insert_epi32(_mm_cvtsi32_si128(qd[z & 0xffff]), qd[z >> 16], 1);
        else
            v[j - 2] = _mm_insert_epi32(_mm_insert_epi32(v[j - 2], qd[z & 0xffff], 2),
                                        qd[z >> 16], 3);
    }
}

/* A `last` beat of the SIMD path (its running sums in fast.run): the output, and the
 * sums restarted. */
static __attribute__((noinline)) void simd_last(lq_logdot *m, lq_logdot_out *out)
{
    run_sync(m);
    out->logs.pos = m->acc.acc_pos;
    out->logs.neg = m->acc.acc_neg;
    lq_logacc_reset(&m->acc);
    run_load(m);
    finish(m, out);
}

/* The trees' roots {pos, neg} of one beat on the SIMD path. */
SIMD_INLINE __m128i simd_beat(lq_logdot_fast *f, fast_k k, int paper, const uint32_t *a,
                              const uint32_t *w, int n, int bytes)
{
    __m128i u[2], r, dcut = simd_vec(f, SIMD_DCUT);
    if (!bytes)
        return simd_trees(f, k, paper, a, w, n);
    simd_quads16(f, a, w, u);
    r = simd_add(k, paper, 4, dcut, u[0], u[1]);
    return simd_add(k, paper, 2, dcut, r, _mm_unpackhi_epi64(r, r));
}

/* One beat on the SIMD path, lq_logdot_step's: the trees, then the running sums, kept
 * in fast.run. */
SIMD_INLINE int simd_step_n(lq_logdot *m, const uint32_t *a, const uint32_t *w, int last,
                            lq_logdot_out *out, int n, int paper, int bytes)
{
    lq_logdot_fast *f = &m->fast;
    fast_k k = fast_consts(m);
    __m128i r, s;
    k.paper = paper;
    r = simd_beat(f, k, paper, a, w, n, bytes);
    s = simd_add(k, paper, 2, simd_vec(f, SIMD_DCUT),
                 _mm_loadl_epi64((const __m128i *)f->run), r);
    _mm_storel_epi64((__m128i *)f->run, _mm_min_epi32(s, simd_vec(f, SIMD_VMAX)));
    m->acc.beats++;
    if (!last)
        return 0;
    simd_last(m, out);
    return 1;
}

/* A running sum's step on the SIMD path: the beat's roots r {pos, neg} added, and at a
 * `last` beat the output (the running sums in fast.run meanwhile). */
SIMD_INLINE __m128i simd_run(lq_logdot *m, fast_k k, int paper, __m128i run, __m128i r,
                             int last, long beats, lq_logdot_out *out, long *nout)
{
    lq_logdot_fast *f = &m->fast;
    run = _mm_min_epi32(simd_add(k, paper, 2, simd_vec(f, SIMD_DCUT), run, r),
                        simd_vec(f, SIMD_VMAX));
    if (!last)
        return run;
    _mm_storel_epi64((__m128i *)f->run, run);
    m->acc.beats += beats;
    simd_last(m, out + (*nout)++);
    return _mm_loadl_epi64((const __m128i *)f->run);
}

/* nb beats on the SIMD path: each beat's trees, then the running sums, which stay in a
 * register from beat to beat (the only dependence between beats); the byte states take
 * two beats at a time, their trees interleaved and the fourth level of both by one
 * four-wide adder. fast.run holds the running sums between calls. */
SIMD_INLINE long simd_steps_n(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                              const uint8_t *last, long nb, lq_logdot_out *out, int n,
                              int paper, int bytes)
{
    lq_logdot_fast *f = &m->fast;
    fast_k k = fast_consts(m);
    __m128i run = _mm_loadl_epi64((const __m128i *)f->run);
    __m128i dcut = simd_vec(f, SIMD_DCUT);
    long nout = 0, b0 = 0, b = 0;
    k.paper = paper;
    if (bytes && nb >= 2) { /* software-pipelined: a pair's quads, then the pair before's adders */
        __m128i q[4], z = _mm_setzero_si128(), p[4] = {z, z, z, z};
        simd_quads16(f, a, w, q);
        simd_quads16(f, a + 16, w + 16, q + 2);
        for (; b + 2 <= nb; b += 2) {
            __m128i r0, r1, r;
            int l0 = last && last[b], l1 = last && last[b + 1];
            if (b + 4 <= nb) {
                simd_quads16(f, a + (size_t)b * 16 + 32, w + (size_t)b * 16 + 32, p);
                simd_quads16(f, a + (size_t)b * 16 + 48, w + (size_t)b * 16 + 48, p + 2);
            }
            r0 = simd_add(k, paper, 4, dcut, q[0], q[1]);
            r1 = simd_add(k, paper, 4, dcut, q[2], q[3]);
            r = simd_add(k, paper, 4, dcut, _mm_unpacklo_epi64(r0, r1), _mm_unpackhi_epi64(r0, r1));
            run = simd_run(m, k, paper, run, r, l0, b + 1 - b0, out, &nout);
            b0 = l0 ? b + 1 : b0;
            run = simd_run(m, k, paper, run, _mm_unpackhi_epi64(r, r), l1, b + 2 - b0, out, &nout);
            b0 = l1 ? b + 2 : b0;
            for (int i = 0; i < 4; i++)
                q[i] = p[i];
        }
    }
    for (; b < nb; b++) {
        int l = last && last[b];
        __m128i r = simd_beat(f, k, paper, a + (size_t)b * n, w + (size_t)b * n, n, bytes);
        run = simd_run(m, k, paper, run, r, l, b + 1 - b0, out, &nout);
        b0 = l ? b + 1 : b0;
    }
    _mm_storel_epi64((__m128i *)f->run, run);
    m->acc.beats += nb - b0;
    return nout;
}

/* The wide path (lq_logdot_fast.wide): AVX-512 with VBMI's byte permutes. */
static int wide_cpu(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi");
}

#define WIDE_TARGET "avx2,avx512f,avx512bw,avx512vl,avx512vbmi"
#if defined(__clang__)
#define WIDE_ATTR __attribute__((target(WIDE_TARGET)))
#else
#define WIDE_ATTR                                                                          \
    __attribute__((target(WIDE_TARGET), optimize("no-tree-slp-vectorize", "no-tree-loop-vectorize")))
#endif
#define WIDE_INLINE static inline __attribute__((always_inline)) WIDE_ATTR

/* The wide path's constants, loaded once per call (the loop's stores could alias f, so
 * the compiler would reload them from it). */
typedef struct {
    __m512i sel, part[2], tree[2], val[2], c1[2], pm1, c31w, c31, dcut, smask, one, ev, od;
    __m512 coef[LQ_LOGDOT_WDEG + 1][2], scale, off;
    __m128i frac, wlog2;
    int paper;
} wide_k;

WIDE_INLINE wide_k wide_consts(const lq_logdot *m, int paper)
{
    const lq_logdot_fast *f = &m->fast;
    wide_k k;
    k.sel = _mm512_loadu_si512(f->wsel);
    for (int i = 0; i < 2; i++) {
        k.part[i] = _mm512_loadu_si512(f->wpart[i]);
        k.tree[i] = _mm512_loadu_si512(f->wtree[i]);
        k.val[i] = _mm512_loadu_si512(f->wval + 16 * i);
        k.c1[i] = _mm512_loadu_si512(f->wc1 + 16 * i);
        for (int j = 0; j <= LQ_LOGDOT_WDEG; j++)
            k.coef[j][i] = _mm512_loadu_ps(f->wcoef[j] + 16 * i);
    }
    k.pm1 = _mm512_set1_epi16(0xff01); /* bytes {1, -1}: maddubs gives e - o */
    k.c31w = _mm512_set1_epi16(31);
    k.c31 = _mm512_set1_epi32(31);
    k.dcut = _mm512_set1_epi32((int32_t)m->acc.dcut);
    k.smask = _mm512_set1_epi32((1 << f->wlog2) - 1);
    k.one = _mm512_set1_epi32(1 << m->acc.cfg.frac); /* the paper's C(0) */
    /* the fourth level's operands: per beat t of 8, {pos, neg} of R0 (R1), the dwords
     * 4 t, 4 t + 2 (+ 1) of the two third-level vectors' 32 */
    k.ev = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    k.od = _mm512_add_epi32(k.ev, _mm512_set1_epi32(1));
    k.scale = _mm512_set1_ps(f->wscale);
    k.off = _mm512_set1_ps(f->woff);
    k.frac = _mm_cvtsi32_si128(m->acc.cfg.frac);
    k.wlog2 = _mm_cvtsi32_si128(f->wlog2);
    k.paper = paper;
    return k;
}

/* The difference of 16 adders' operands a, b (mx = max(a, b)), as fast_add's: |a - b|,
 * or with the paper correction 2 floor(mx) - floor(a) - floor(b) in whole units. */
WIDE_INLINE __m512i wide_diff(const wide_k *k, __m512i mx, __m512i a, __m512i b)
{
    __m512i fm = _mm512_sra_epi32(mx, k->frac);
    if (!k->paper)
        return _mm512_abs_epi32(_mm512_sub_epi32(a, b));
    return _mm512_sub_epi32(_mm512_sub_epi32(_mm512_add_epi32(fm, fm), _mm512_sra_epi32(a, k->frac)),
                            _mm512_sra_epi32(b, k->frac));
}

/* The first level of 32 adders from their operands' numbers t (the 32-bit word j: the
 * numbers e0, o0 of adder j of l1[0], then e1, o1 of adder j of l1[1]; WIDE_NZERO for
 * a zero). The table correction in the numbers, whose difference is the table's k:
 * max(x, y) + C(k) = wval[max(e, o)] + wc1[min(|e - o|, 31)] (a zero, -97 as a signed
 * byte and 159 unsigned, is never the maximum of two and is 129 or more away from any
 * number); the paper's in the values (wide_add1 mirrors both). */
WIDE_INLINE void wide_first(const wide_k *k, __m512i t, __m512i *l1)
{
    if (!k->paper) {
        __m512i d = _mm512_min_epi16(_mm512_abs_epi16(_mm512_maddubs_epi16(t, k->pm1)), k->c31w);
        __m512i mx = _mm512_max_epi8(t, _mm512_srli_epi16(t, 8));
        l1[0] = _mm512_add_epi32(_mm512_permutex2var_epi32(k->val[0], mx, k->val[1]),
                                 _mm512_permutex2var_epi32(k->c1[0], d, k->c1[1]));
        l1[1] = _mm512_add_epi32(
            _mm512_permutex2var_epi32(k->val[0], _mm512_srli_epi32(mx, 16), k->val[1]),
            _mm512_permutex2var_epi32(k->c1[0], _mm512_srli_epi32(d, 16), k->c1[1]));
        return;
    }
    for (int h = 0; h < 2; h++) {
        __m512i x = _mm512_permutex2var_epi32(k->val[0], _mm512_srli_epi32(t, 16 * h), k->val[1]);
        __m512i y = _mm512_permutex2var_epi32(k->val[0], _mm512_srli_epi32(t, 16 * h + 8), k->val[1]);
        __m512i mx = _mm512_max_epi32(x, y);
        __m512i d = _mm512_min_epu32(wide_diff(k, mx, x, y), k->c31);
        l1[h] = _mm512_add_epi32(mx, _mm512_permutex2var_epi32(k->c1[0], d, k->c1[1]));
    }
}

/* Two beats' first adder level (a and w: 32 lanes' codes, beat after beat), as two
 * vectors whose sum is the second level: word j of the first holds beat j / 8's first
 * adder j % 8, of the second its adder j % 8 + 8 (wide_build's order). The codes' bytes
 * in that order (one two-source permute: the 32-bit word j holds the four operands of
 * the two adders), their parts, the sums (63 for a zero), each tree's number (words j
 * = 2, 3 mod 4: the negative tree's), then wide_first. */
WIDE_INLINE void wide_level1(const wide_k *k, const uint32_t *a, const uint32_t *w, __m512i *l1)
{
    __m512i ca = _mm512_permutex2var_epi8(_mm512_loadu_si512(a), k->sel, _mm512_loadu_si512(a + 16));
    __m512i cw = _mm512_permutex2var_epi8(_mm512_loadu_si512(w), k->sel, _mm512_loadu_si512(w + 16));
    __m512i xa = _mm512_permutexvar_epi8(ca, k->part[0]);
    __m512i xw = _mm512_permutexvar_epi8(cw, k->part[1]);
    __mmask64 z = _mm512_test_epi8_mask(_mm512_or_si512(xa, xw), _mm512_set1_epi8((char)0x80));
    __m512i s = _mm512_mask_mov_epi8(_mm512_add_epi8(xa, xw), z, _mm512_set1_epi8(63));
    __m512i t = _mm512_mask_permutexvar_epi8(_mm512_permutexvar_epi8(s, k->tree[0]),
                                             (__mmask64)0xff00ff00ff00ff00ULL, s, k->tree[1]);
    wide_first(k, t, l1);
}

/* C(min(d, dcut)) of 16 differences d (already at most dcut): wide_corr1's
 * operations. */
WIDE_INLINE __m512i wide_corr(const wide_k *k, __m512i d)
{
    __m512i sg;
    __m512 t, y;
    if (k->paper)
        return _mm512_srlv_epi32(k->one, _mm512_min_epu32(d, k->c31));
    sg = _mm512_srl_epi32(d, k->wlog2);
    t = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_and_si512(d, k->smask)), k->scale, k->off);
    y = _mm512_permutex2var_ps(k->coef[LQ_LOGDOT_WDEG][0], sg, k->coef[LQ_LOGDOT_WDEG][1]);
    for (int j = LQ_LOGDOT_WDEG - 1; j >= 0; j--)
        y = _mm512_fmadd_ps(y, t, _mm512_permutex2var_ps(k->coef[j][0], sg, k->coef[j][1]));
    return _mm512_max_epi32(_mm512_cvt_roundps_epi32(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
                            _mm512_setzero_si512());
}

/* 16 adders of fast_add (no saturation) at once. */
WIDE_INLINE __m512i wide_add(const wide_k *k, __m512i a, __m512i b)
{
    __m512i mx = _mm512_max_epi32(a, b);
    return _mm512_add_epi32(mx, wide_corr(k, _mm512_min_epu32(wide_diff(k, mx, a, b), k->dcut)));
}

/* The running sums' constants (scalars: in registers across the loop). */
typedef struct {
    fast_k fk;        /* the paper correction's fast_add; fk.sat: this chunk saturates */
    const int32_t *gc; /* the table correction's G(u) at gc[u], |u| < dcut (wrun + dcut) */
    uint64_t dc2;     /* 2 dcut */
} wide_r;

/* A running sum s plus a root r. The table correction: r + G(s - r), G(u) = max(u, 0)
 * + C(|u|), by one load while |u| < dcut, else max(s, r) (C is 0 from dcut on): on the
 * chain from s a subtraction, a load and an addition. Saturated only in a chunk that
 * can reach vmax (wide_steps_n). */
FAST_INLINE int64_t wide_run(const wide_r *k, int64_t s, int64_t r)
{
    int64_t u = s - r, x;
    if (k->fk.paper)
        return fast_add(k->fk, s, r);
    if (__builtin_expect((uint64_t)(u + k->fk.dcut) < k->dc2, 1))
        x = r + k->gc[u];
    else
        x = u > 0 ? s : r;
    return !k->fk.sat || x < k->fk.vmax ? x : k->fk.vmax;
}

/* Beat j of a chunk's eight on the running sums s {pos, neg}, its roots rt[2 j], rt[2 j
 * + 1]: bit j of fm, the first beat of a vector (the sums restarted: the roots
 * themselves, saturated, as fast_add of a zero gives them), of lm, a `last` beat (its
 * sums to pend). */
FAST_INLINE void wide_beat(const wide_r *k, int64_t *s, const int32_t *rt, int j, unsigned lm,
                           unsigned fm, int32_t *pend, int *npend)
{
    int64_t r0 = rt[2 * j], r1 = rt[2 * j + 1];
    if (fm >> j & 1) {
        s[0] = !k->fk.sat || r0 < k->fk.vmax ? r0 : k->fk.vmax;
        s[1] = !k->fk.sat || r1 < k->fk.vmax ? r1 : k->fk.vmax;
    } else {
        s[0] = wide_run(k, s[0], r0);
        s[1] = wide_run(k, s[1], r1);
    }
    if (lm >> j & 1) {
        pend[2 * *npend] = (int32_t)s[0];
        pend[2 * *npend + 1] = (int32_t)s[1];
        ++*npend;
    }
}

/* nb beats on the wide path, by chunks of WIDE_PAIRS pairs of beats, level by level:
 * the first and second levels of each pair (16 adders), the third of two pairs (16),
 * the fourth of four (16: the chunk's eight beats' roots {pos, neg}), so that the adders
 * of a level are independent of each other. Software-pipelined over chunks: chunk c's
 * pair loop makes c's first two levels, chunk c - 1's third and fourth (its roots to
 * memory), and runs the sums on chunk c - 2's roots, two beats per pair, so that no
 * chain waits for the level it takes (the chains of the running sums, the only
 * dependence between beats, are the loop's critical path; the out-of-order window
 * holds the rest). The sums saturate only in a chunk where a root or a sum exceeds
 * vmax - 8 C(0): in eight beats a sum rises at most 8 C(0) above the larger of itself
 * and the roots. The outputs of the `last` beats are made after each pair loop
 * (wide_outputs: no call inside it, so its vectors stay in registers). An odd last
 * beat by the byte states; fast.run as simd_steps_n's. */
enum { WIDE_PAIRS = 4, WIDE_CHUNK = 2 * WIDE_PAIRS, WIDE_DELAY = 2 };
WIDE_INLINE long wide_steps_n(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                              const uint8_t *last, long nb, lq_logdot_out *out, int paper)
{
    lq_logdot_fast *f = &m->fast;
    wide_k k = wide_consts(m, paper);
    wide_r kr = {fast_consts(m), f->wrun ? f->wrun + m->acc.dcut : NULL, 2 * (uint64_t)m->acc.dcut};
    __m512i q[WIDE_PAIRS], qp[WIDE_PAIRS], r3a = _mm512_setzero_si512(), r3b = r3a;
    int32_t roots[WIDE_DELAY + 1][2 * WIDE_CHUNK] __attribute__((aligned(64)));
    int32_t pend[2 * WIDE_CHUNK]; /* the running sums at a chunk's `last` beats */
    int npend = 0;
    int64_t s[2] = {f->run[0], f->run[1]};
    int64_t satlo = m->acc.vmax - WIDE_CHUNK * (int64_t)f->corr[0];
    __m512i satv = _mm512_set1_epi32((int32_t)(satlo > INT32_MIN ? satlo : INT32_MIN));
    long nout = 0, b0 = 0, np = nb / 2, nc = (np + WIDE_PAIRS - 1) / WIDE_PAIRS;
    /* the first beat is a vector's first when the sums are reset (exactly the zero: a
     * sum of a beat is above it) */
    unsigned carry = s[0] == LQ_LOGDOT_FAST_ZERO && s[1] == LQ_LOGDOT_FAST_ZERO;
    kr.fk.paper = paper;
    for (int i = 0; i < WIDE_PAIRS; i++)
        q[i] = qp[i] = r3a;
    for (long c = 0; c < nc + WIDE_DELAY; c++) {
        long p0 = c * WIDE_PAIRS, rb = (c - WIDE_DELAY) * WIDE_CHUNK;
        long npc = c < nc ? (np - p0 < WIDE_PAIRS ? np - p0 : WIDE_PAIRS) : 0;
        long nrb = c >= WIDE_DELAY ? (2 * np - rb < WIDE_CHUNK ? 2 * np - rb : WIDE_CHUNK) : 0;
        int prev = c >= 1 && c - 1 < nc; /* chunk c - 1's levels 3 and 4 */
        const int32_t *rt = roots[(c + 1) % (WIDE_DELAY + 1)];  /* chunk c - 2's */
        int32_t *rs = roots[(c + 2) % (WIDE_DELAY + 1)];        /* chunk c - 1's */
        unsigned lm = 0, fm = 0;
        if (nrb > 0) {
            if (last && nrb == WIDE_CHUNK)
                lm = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
                         _mm_loadl_epi64((const __m128i *)(last + rb)), _mm_setzero_si128())) & 0xff;
            else if (last)
                for (long j = 0; j < nrb; j++)
                    lm |= (unsigned)(last[rb + j] != 0) << j;
            fm = (lm << 1 | carry) & 0xff;
            carry = lm >> (nrb - 1) & 1; /* the next beat starts a vector */
            kr.fk.sat = _mm512_cmpgt_epi32_mask(_mm512_load_si512((const __m512i *)rt), satv) != 0 ||
                        s[0] > satlo || s[1] > satlo;
        }
#pragma GCC unroll 4
        for (int p = 0; p < WIDE_PAIRS; p++) {
            if (p < npc) {
                __m512i l1[2];
                wide_level1(&k, a + (size_t)(p0 + p) * 32, w + (size_t)(p0 + p) * 32, l1);
                q[p] = wide_add(&k, l1[0], l1[1]);
            }
            if (prev && p == 0) /* blocks: each beat's two halves */
                r3a = wide_add(&k, _mm512_shuffle_i64x2(qp[0], qp[1], 0x88),
                               _mm512_shuffle_i64x2(qp[0], qp[1], 0xdd));
            if (prev && p == 1)
                r3b = wide_add(&k, _mm512_shuffle_i64x2(qp[2], qp[3], 0x88),
                               _mm512_shuffle_i64x2(qp[2], qp[3], 0xdd));
            if (prev && p == 2)
                _mm512_store_si512((__m512i *)rs,
                                   wide_add(&k, _mm512_permutex2var_epi32(r3a, k.ev, r3b),
                                            _mm512_permutex2var_epi32(r3a, k.od, r3b)));
            for (int j = 2 * p; j < 2 * p + 2; j++)
                if (j < nrb)
                    wide_beat(&kr, s, rt, j, lm, fm, pend, &npend);
        }
        if (lm) {
            wide_outputs(m, pend, npend, out + nout);
            nout += npend;
            npend = 0;
            m->acc.beats = 0;
            b0 = rb + 32 - __builtin_clz(lm);
        }
        for (long p = npc; p < WIDE_PAIRS && npc > 0; p++) /* a short chunk: roots never taken */
            q[p] = q[0];
        for (int p = 0; p < WIDE_PAIRS; p++)
            qp[p] = q[p];
    }
    if (carry) /* the last beat was a `last`: run_load's after a reset */
        s[0] = s[1] = LQ_LOGDOT_FAST_ZERO;
    f->run[0] = (int32_t)s[0];
    f->run[1] = (int32_t)s[1];
    if (nb & 1) {
        long b = nb - 1;
        int l = last && last[b];
        fast_k fk = fast_consts(m);
        __m128i r = simd_beat(f, fk, paper, a + (size_t)b * 16, w + (size_t)b * 16, 16, 1);
        __m128i run = simd_run(m, fk, paper, _mm_loadl_epi64((const __m128i *)f->run), r, l,
                               b + 1 - b0, out, &nout);
        _mm_storel_epi64((__m128i *)f->run, run);
        b0 = l ? b + 1 : b0;
    }
    m->acc.beats += nb - b0;
    return nout;
}

WIDE_ATTR static long wide_table_steps(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                                       const uint8_t *last, long nb, lq_logdot_out *out)
{
    return wide_steps_n(m, a, w, last, nb, out, 0);
}

WIDE_ATTR static long wide_paper_steps(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                                       const uint8_t *last, long nb, lq_logdot_out *out)
{
    return wide_steps_n(m, a, w, last, nb, out, 1);
}

/* The SIMD path's entry points, lq_logdot_step's and lq_logdot_steps's: the default 16
 * lanes with their count a constant (by the byte states or not), any other count; each
 * correction. */
#define SIMD_PATH(NAME, N, PAPER, BYTES)                                                   \
    SIMD_ATTR static int NAME##_step(lq_logdot *m, const uint32_t *a, const uint32_t *w,   \
                                     int last, lq_logdot_out *out)                         \
    {                                                                                      \
        return simd_step_n(m, a, w, last, out, N, PAPER, BYTES);                           \
    }                                                                                      \
    SIMD_ATTR static long NAME##_steps(lq_logdot *m, const uint32_t *a, const uint32_t *w, \
                                       const uint8_t *last, long nb, lq_logdot_out *out)   \
    {                                                                                      \
        return simd_steps_n(m, a, w, last, nb, out, N, PAPER, BYTES);                      \
    }
SIMD_PATH(simd16b_table, 16, 0, 1)
SIMD_PATH(simd16b_paper, 16, 1, 1)
SIMD_PATH(simd16_table, 16, 0, 0)
SIMD_PATH(simd16_paper, 16, 1, 0)
SIMD_PATH(simdn_table, m->cfg.lanes, 0, 0)
SIMD_PATH(simdn_paper, m->cfg.lanes, 1, 0)

static void simd_select(lq_logdot *m)
{
    int paper = m->acc.cfg.corr == LQ_CORR_PAPER;
    int k = (m->fast.bytes ? 0 : m->cfg.lanes == 16 ? 2 : 4) + (paper ? 1 : 0);
    static int (*const step[6])(lq_logdot *, const uint32_t *, const uint32_t *, int,
                                lq_logdot_out *) = {
        simd16b_table_step, simd16b_paper_step, simd16_table_step,
        simd16_paper_step,  simdn_table_step,   simdn_paper_step};
    static long (*const steps[6])(lq_logdot *, const uint32_t *, const uint32_t *,
                                  const uint8_t *, long, lq_logdot_out *) = {
        simd16b_table_steps, simd16b_paper_steps, simd16_table_steps,
        simd16_paper_steps,  simdn_table_steps,   simdn_paper_steps};
    m->fast.step = step[k];
    m->fast.steps = m->fast.wide ? (paper ? wide_paper_steps : wide_table_steps) : steps[k];
    for (int i = 0; i < 4; i++) {
        m->fast.vec[SIMD_AMASK][i] = (int32_t)m->fast.a_mask;
        m->fast.vec[SIMD_WMASK][i] = (int32_t)m->fast.w_mask;
        m->fast.vec[SIMD_DCUT][i] = (int32_t)m->acc.dcut;
        m->fast.vec[SIMD_VMAX][i] = (int32_t)m->acc.vmax;
        m->fast.vec[SIMD_WBITS][i] = i == 0 ? m->fast.w_bits : 0; /* a shift count */
        m->fast.vec[SIMD_SMUL][i] = (int32_t)((uint32_t)m->fast.nstates * 0x10001u + 0x1000100u);
    }
    m->fast.simd = 1;
}
#else
static int simd_cpu(void)
{
    return 0;
}

static int wide_cpu(void)
{
    return 0;
}

static void simd_select(lq_logdot *m)
{
    (void)m; /* never called: simd_cpu() is 0 */
}
#endif

/* The conversion of both log sums at `last` (every path). */
static __attribute__((noinline)) int finish(const lq_logdot *m, lq_logdot_out *out)
{
    out->sat = 0;
    out->lin_pos = lq_logdot_lin(m, out->logs.pos, &out->sat);
    out->lin_neg = lq_logdot_lin(m, out->logs.neg, &out->sat);
    out->result = out->lin_pos - out->lin_neg;
    return 1;
}

/* The scalar fast path and the general one (their frame kept out of the SIMD path's). */
static __attribute__((noinline)) int step_scalar(lq_logdot *m, const uint32_t *a,
                                                 const uint32_t *w, int last, lq_logdot_out *out)
{
    lq_lterm t[LQ_LOGACC_LANES_MAX];
    int r;
    run_sync(m);
    if (m->fast.on && !m->acc.cov) {
        r = fast_step(m, a, w, last, &out->logs);
    } else {
        for (int i = 0; i < m->cfg.lanes; i++)
            t[i] = lq_logdot_term(m, a[i], w[i]);
        r = lq_logacc_step(&m->acc, t, last, &out->logs);
    }
    if (m->fast.simd) /* a SIMD model with the coverage counters on: back to fast.run */
        run_load(m);
    return r ? finish(m, out) : 0;
}

/* nb beats on the scalar fast path or the general one. */
static long steps_scalar(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                         const uint8_t *last, long nb, lq_logdot_out *out)
{
    long nout = 0;
    int n = m->cfg.lanes;
    for (long b = 0; b < nb; b++)
        nout += step_scalar(m, a + (size_t)b * n, w + (size_t)b * n, last && last[b],
                            out + nout);
    return nout;
}

long lq_logdot_steps(lq_logdot *m, const uint32_t *a, const uint32_t *w, const uint8_t *last,
                     long nbeats, lq_logdot_out *out)
{
    if (m->acc.cov) /* the coverage counters: the general path */
        return steps_scalar(m, a, w, last, nbeats, out);
    return m->fast.steps(m, a, w, last, nbeats, out); /* the SIMD path, or steps_scalar */
}

int lq_logdot_step(lq_logdot *m, const uint32_t *a, const uint32_t *w, int last,
                   lq_logdot_out *out)
{
    if (m->acc.cov) /* the coverage counters: the general path */
        return step_scalar(m, a, w, last, out);
    return m->fast.step(m, a, w, last, out); /* a SIMD step, or step_scalar */
}
