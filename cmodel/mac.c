/* The multiply-accumulate array: derived widths and the exact result of a stream of
 * beats. The model works from the numbers (the exponents of lq_log_fields and the
 * integer of the linear code), not from the hardware's shifters, so a mistake in
 * the generator's alignment shows up as a mismatch.
 *
 * Fixed point: every product is written as an integer times 2^-frac_exact, the
 * smallest scale that holds every product exactly (docs/mac.md, "Alignment").
 * Truncation to F < frac_exact fraction bits is an arithmetic shift right of each
 * product (floor), before the lanes are added. Sums are exact: the output width
 * leaves room for N * K products. */
#include "mac.h"

#include <stdio.h>
#include <string.h>

#include "quant.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

static const char *const mode_names[] = {"shift", "loglog", "mult", "linear"};
enum { MODES = (int)(sizeof mode_names / sizeof mode_names[0]) };

const char *lq_mac_mode_name(lq_mac_mode m)
{
    return (unsigned)m < MODES ? mode_names[m] : "?";
}

int lq_mac_mode_parse(const char *s, lq_mac_mode *out)
{
    for (int i = 0; i < MODES; i++)
        if (strcmp(s, mode_names[i]) == 0) {
            *out = (lq_mac_mode)i;
            return 0;
        }
    return -1;
}

/* floor(a / 2) and a mod 2 for any sign. */
static int floor_half(int a)
{
    return a >= 0 ? a / 2 : -((1 - a) / 2);
}

static int odd(int a)
{
    return ((a % 2) + 2) % 2;
}

/* Smallest c with 2^c >= n, n >= 1. */
static int clog2(long long n)
{
    int c = 0;
    while ((1LL << c) < n)
        c++;
    return c;
}

static int fail(char *msg, size_t len, const char *fmt, int v1, int v2)
{
    if (msg && len)
        snprintf(msg, len, fmt, v1, v2);
    return -1;
}

static int check_log(const lq_format *f, const char *opt, char *msg, size_t len)
{
    char buf[256];
    int lo = f->is_signed ? 2 : 1;
    if (f->scheme != LQ_LOG2 && f->scheme != LQ_LOGSQRT2)
    {
        if (msg && len)
            snprintf(msg, len, "--scheme %s: the log operand must be log2 or logsqrt2 (--base)",
                     lq_scheme_name(f->scheme));
        return -1;
    }
    if (f->bits < lo || f->bits > LQ_LOG_BITS_MAX) {
        snprintf(buf, sizeof buf, "%s %%d is out of range for a %s log code (%%d to %d)", opt,
                 f->is_signed ? "signed" : "unsigned", LQ_LOG_BITS_MAX);
        return fail(msg, len, buf, f->bits, lo);
    }
    if (lq_format_check(f, msg, len) != 0)
        return -1;
    return 0;
}

static int derive_sums(const lq_mac_config *cfg, lq_mac_widths *wd, char *msg, size_t len);

/* The linear activation of shift, mult and linear modes. */
static int check_act_linear(const lq_mac_config *cfg, lq_mac_widths *wd, char *msg, size_t len)
{
    if (cfg->a.scheme != LQ_LINEAR)
        return fail(msg, len, "the activation of shift, mult and linear modes is linear", 0, 0);
    if (cfg->a.bits < 1 || cfg->a.bits > LQ_MAC_ACT_BITS_MAX)
        return fail(msg, len, "--act-bits %d is out of range (1 to %d)", cfg->a.bits,
                    LQ_MAC_ACT_BITS_MAX);
    if (cfg->a.fsr < -LQ_FSR_ABS_MAX || cfg->a.fsr > LQ_FSR_ABS_MAX)
        return fail(msg, len, "--act-fsr %d is out of range (-%d to %d)", cfg->a.fsr,
                    LQ_FSR_ABS_MAX);
    wd->a_ext = cfg->a.bits + (cfg->a.is_signed ? 0 : 1);
    return 0;
}

/* Linear mode: p = ia * iw exactly. The weight's step 2^(fsr - B + 1) (signed) or
 * 2^(fsr - B) is its value's LSB, so frac_exact = -(that exponent) makes the aligned
 * product the integer ia * iw, as the log weight's aligned value is an integer in
 * shift mode; a signed AE x WE product fits AE + WE bits. */
static int derive_linear(const lq_mac_config *cfg, lq_mac_widths *wd, char *msg, size_t len)
{
    if (cfg->w.scheme != LQ_LINEAR)
        return fail(msg, len, "linear mode: the weight must be a linear code", 0, 0);
    if (cfg->w.bits < 1 || cfg->w.bits > LQ_MAC_ACT_BITS_MAX)
        return fail(msg, len, "--bits %d is out of range for a linear weight (1 to %d)",
                    cfg->w.bits, LQ_MAC_ACT_BITS_MAX);
    if (cfg->w.fsr < -LQ_FSR_ABS_MAX || cfg->w.fsr > LQ_FSR_ABS_MAX)
        return fail(msg, len, "--fsr %d is out of range (-%d to %d)", cfg->w.fsr,
                    LQ_FSR_ABS_MAX);
    if (check_act_linear(cfg, wd, msg, len) != 0)
        return -1;
    wd->w_mag = cfg->w.bits + (cfg->w.is_signed ? 0 : 1);
    wd->frac_exact = -(cfg->w.fsr - cfg->w.bits + (cfg->w.is_signed ? 1 : 0));
    wd->prod_bits = wd->a_ext + wd->w_mag;
    return derive_sums(cfg, wd, msg, len);
}

int lq_mac_derive(const lq_mac_config *cfg, lq_mac_widths *wd, char *msg, size_t len)
{
    int smax_w, smax_a, emin, P;

    memset(wd, 0, sizeof *wd);
    if (cfg->lanes < 1 || cfg->lanes > LQ_MAC_LANES_MAX)
        return fail(msg, len, "--lanes %d is out of range (1 to %d)", cfg->lanes,
                    LQ_MAC_LANES_MAX);
    if ((unsigned)cfg->mode >= MODES)
        return fail(msg, len, "unknown mode %d", (int)cfg->mode, 0);
    if (cfg->max_beats < 1 || cfg->max_beats > LQ_MAC_MAX_BEATS_MAX)
        return fail(msg, len, "--max-beats %d is out of range (1 to %d)", (int)cfg->max_beats,
                    (int)LQ_MAC_MAX_BEATS_MAX);
    if (cfg->mode == LQ_MAC_LINEAR)
        return derive_linear(cfg, wd, msg, len);
    if (check_log(&cfg->w, "--bits", msg, len) != 0)
        return -1;
    wd->half = cfg->w.scheme == LQ_LOGSQRT2;
    if (cfg->mode == LQ_MAC_LOGLOG) {
        if (cfg->a.scheme != cfg->w.scheme)
            return fail(msg, len, "loglog: both operands must have the same base", 0, 0);
        if (check_log(&cfg->a, "--act-bits", msg, len) != 0)
            return -1;
    } else if (check_act_linear(cfg, wd, msg, len) != 0) {
        return -1;
    }
    P = 0;
    if (wd->half) {
        if (cfg->sqrt2_frac < 1 || cfg->sqrt2_frac > LQ_MAC_SQRT2_FRAC_MAX)
            return fail(msg, len, "--sqrt2-frac %d is out of range (1 to %d)", cfg->sqrt2_frac,
                        LQ_MAC_SQRT2_FRAC_MAX);
        P = cfg->sqrt2_frac;
        wd->sqrt2_const = lq_sqrt2_const(P);
    }
    wd->w_mag = lq_mag_bits(&cfg->w);
    smax_w = (1 << wd->w_mag) - 2;
    smax_a = 0;
    emin = lq_exp_min(&cfg->w);
    if (cfg->mode == LQ_MAC_LOGLOG) {
        wd->a_mag = lq_mag_bits(&cfg->a);
        smax_a = (1 << wd->a_mag) - 2;
        emin += lq_exp_min(&cfg->a);
    }
    if (!wd->half) {
        wd->shift_max = smax_w + smax_a;
        wd->frac_exact = -emin;
        if (cfg->mode == LQ_MAC_LOGLOG)
            wd->prod_bits = wd->shift_max + 2;
        else
            wd->prod_bits = wd->a_ext + wd->shift_max + (cfg->w.is_signed ? 1 : 0);
    } else {
        wd->odd_offset = odd(emin);
        wd->shift_max = (smax_w + smax_a + wd->odd_offset) / 2;
        wd->frac_exact = P - floor_half(emin);
        if (cfg->mode == LQ_MAC_LOGLOG)
            wd->prod_bits = P + 2 + wd->shift_max;
        else
            wd->prod_bits = wd->a_ext + P + 1 + wd->shift_max;
    }
    return derive_sums(cfg, wd, msg, len);
}

/* From the exact product (prod_bits, frac_exact) to the output: truncation, the tree,
 * the accumulator and the output's LSB. */
static int derive_sums(const lq_mac_config *cfg, lq_mac_widths *wd, char *msg, size_t len)
{
    if (wd->prod_bits > LQ_MAC_BITS_MAX) {
        if (msg && len)
            snprintf(msg, len, "--bits %d with --act-bits %d needs a %d-bit product (at most %d)",
                     cfg->w.bits, cfg->a.bits, wd->prod_bits, LQ_MAC_BITS_MAX);
        return -1;
    }
    if (cfg->frac == LQ_MAC_FRAC_EXACT) {
        wd->frac = wd->frac_exact;
    } else {
        if (cfg->frac > wd->frac_exact)
            return fail(msg, len,
                        "--frac %d is more than the %d fraction bits of the exact product",
                        cfg->frac, wd->frac_exact);
        if (cfg->frac < wd->frac_exact - 4 * LQ_MAC_BITS_MAX)
            return fail(msg, len, "--frac %d drops every bit of the product (exact: %d)",
                        cfg->frac, wd->frac_exact);
        wd->frac = cfg->frac;
    }
    wd->trunc = wd->frac_exact - wd->frac;
    wd->split = wd->half && (cfg->mode == LQ_MAC_SHIFT || cfg->mode == LQ_MAC_MULT);
    wd->prod_out_bits = wd->prod_bits - wd->trunc < 1 ? 1 : wd->prod_bits - wd->trunc;
    wd->tree_levels = clog2(cfg->lanes);
    wd->tree_bits = wd->prod_out_bits + wd->tree_levels;
    wd->out_bits = wd->prod_out_bits + clog2((long long)cfg->lanes * cfg->max_beats);
    if (wd->out_bits > LQ_MAC_BITS_MAX)
    {
        if (msg && len)
            snprintf(msg, len,
                     "--max-beats %ld with --lanes %d and a %d-bit product needs a %d-bit output "
                     "(at most %d)",
                     cfg->max_beats, cfg->lanes, wd->prod_out_bits, wd->out_bits, LQ_MAC_BITS_MAX);
        return -1;
    }
    wd->out_lsb_exp = -wd->frac;
    if (cfg->mode != LQ_MAC_LOGLOG)
        wd->out_lsb_exp += cfg->a.fsr - cfg->a.bits + (cfg->a.is_signed ? 1 : 0);
    return 0;
}

/* ---- wide integers ---- */

void lq_wide_from_i64(lq_wide *x, int64_t v)
{
    uint64_t fill = v < 0 ? ~(uint64_t)0 : 0;
    x->limb[0] = (uint64_t)v;
    for (int i = 1; i < LQ_MAC_LIMBS; i++)
        x->limb[i] = fill;
}

void lq_wide_shl(lq_wide *x, int s)
{
    int q = s / 64, r = s % 64;
    for (int i = LQ_MAC_LIMBS - 1; i >= 0; i--) {
        uint64_t v = 0;
        if (i - q >= 0) {
            v = x->limb[i - q] << r;
            if (r && i - q - 1 >= 0)
                v |= x->limb[i - q - 1] >> (64 - r);
        }
        x->limb[i] = v;
    }
}

void lq_wide_sar(lq_wide *x, int s)
{
    uint64_t fill = (x->limb[LQ_MAC_LIMBS - 1] >> 63) ? ~(uint64_t)0 : 0;
    int q, r;
    if (s >= 64 * LQ_MAC_LIMBS)
        s = 64 * LQ_MAC_LIMBS - 1;
    q = s / 64;
    r = s % 64;
    for (int i = 0; i < LQ_MAC_LIMBS; i++) {
        uint64_t lo = i + q < LQ_MAC_LIMBS ? x->limb[i + q] : fill;
        uint64_t hi = i + q + 1 < LQ_MAC_LIMBS ? x->limb[i + q + 1] : fill;
        x->limb[i] = r ? (lo >> r) | (hi << (64 - r)) : lo;
    }
}

void lq_wide_add(lq_wide *x, const lq_wide *y)
{
    unsigned carry = 0;
    for (int i = 0; i < LQ_MAC_LIMBS; i++) {
        uint64_t s = x->limb[i] + y->limb[i];
        unsigned c1 = s < x->limb[i];
        uint64_t t = s + carry;
        unsigned c2 = t < s;
        x->limb[i] = t;
        carry = c1 | c2;
    }
}

int lq_wide_bit(const lq_wide *x, int i)
{
    return (int)((x->limb[i / 64] >> (i % 64)) & 1u);
}

void lq_wide_sext(lq_wide *x, int bits)
{
    int top = bits - 1, q = top / 64, r = top % 64;
    uint64_t fill = lq_wide_bit(x, top) ? ~(uint64_t)0 : 0;
    if (r < 63)
        x->limb[q] = fill ? x->limb[q] | (~(uint64_t)0 << (r + 1))
                          : x->limb[q] & ((((uint64_t)1) << (r + 1)) - 1);
    for (int i = q + 1; i < LQ_MAC_LIMBS; i++)
        x->limb[i] = fill;
}

int lq_wide_eq(const lq_wide *x, const lq_wide *y)
{
    return memcmp(x->limb, y->limb, sizeof x->limb) == 0;
}

char *lq_wide_hex(const lq_wide *x, int bits, char *buf)
{
    int nd = (bits + 3) / 4, k = 0;
    for (int d = nd - 1; d >= 0; d--) {
        int v = 0;
        for (int b = 3; b >= 0; b--) {
            int i = 4 * d + b;
            v = 2 * v + (i < bits ? lq_wide_bit(x, i) : 0);
        }
        buf[k++] = "0123456789abcdef"[v];
    }
    buf[k] = '\0';
    return buf;
}

char *lq_wide_dec(const lq_wide *x, char *buf)
{
    lq_wide m = *x;
    char tmp[170];
    int n = 0, neg = (int)(m.limb[LQ_MAC_LIMBS - 1] >> 63), zero;
    if (neg) { /* magnitude: ~m + 1 */
        lq_wide one;
        for (int i = 0; i < LQ_MAC_LIMBS; i++)
            m.limb[i] = ~m.limb[i];
        lq_wide_from_i64(&one, 1);
        lq_wide_add(&m, &one);
    }
    do {
        unsigned __int128 rem = 0;
        zero = 1;
        for (int i = LQ_MAC_LIMBS - 1; i >= 0; i--) {
            unsigned __int128 cur = (rem << 64) | m.limb[i];
            m.limb[i] = (uint64_t)(cur / 10);
            rem = cur % 10;
            if (m.limb[i])
                zero = 0;
        }
        tmp[n++] = (char)('0' + (int)rem);
    } while (!zero);
    {
        int k = 0;
        if (neg)
            buf[k++] = '-';
        while (n)
            buf[k++] = tmp[--n];
        buf[k] = '\0';
    }
    return buf;
}

/* ---- the arithmetic ---- */

/* mant * 2^sh as a wide integer, sh >= 0 (guaranteed by frac_exact). */
static void wide_scaled(lq_wide *p, int64_t mant, int sh)
{
    lq_wide_from_i64(p, mant);
    lq_wide_shl(p, sh);
}

static void pairp16_build(lq_mac_fast *f, const int64_t *sum);

/* The exact product (-1)^neg * mant * 2^(e/S) in the aligned fixed point, as
 * mant_out * 2^sh_out (sh_out >= 0, guaranteed by frac_exact). */
static void aligned_terms(const lq_mac_config *cfg, const lq_mac_widths *wd, int e, int neg,
                          int64_t mant, int64_t *mant_out, int *sh_out)
{
    int P = cfg->sqrt2_frac;
    if (neg)
        mant = -mant;
    if (!wd->half) {
        *mant_out = mant;
        *sh_out = e + wd->frac_exact;
    } else {
        /* 2^(e/2) = 2^floor(e/2) * (sqrt(2) if e is odd), sqrt(2) ~ C / 2^P */
        *mant_out = odd(e) ? mant * (int64_t)wd->sqrt2_const : mant * ((int64_t)1 << P);
        *sh_out = floor_half(e) + wd->frac_exact - P;
    }
}

/* The product as mant * 2^sh (before truncation); 0 when the product is zero. */
static int product_terms(const lq_mac_config *cfg, const lq_mac_widths *wd, uint32_t a,
                         uint32_t w, int64_t *mant_out, int *sh_out)
{
    lq_logfields lw = lq_log_fields(&cfg->w, w);

    if (cfg->mode == LQ_MAC_LOGLOG) {
        lq_logfields la = lq_log_fields(&cfg->a, a);
        if (lw.zero || la.zero)
            return 0;
        aligned_terms(cfg, wd, lw.exp + la.exp, lw.sign ^ la.sign, 1, mant_out, sh_out);
    } else {
        if (lw.zero)
            return 0;
        aligned_terms(cfg, wd, lw.exp, lw.sign, lq_linear_int(&cfg->a, a), mant_out, sh_out);
    }
    return 1;
}

/* floor(mant * 2^sh / 2^trunc) when mant * 2^sh fits 62 bits (the fast paths). */
static int64_t truncated_i64(int64_t mant, int sh, int trunc)
{
    int64_t v = (int64_t)((uint64_t)mant << sh);
    return v >> (trunc > 63 ? 63 : trunc); /* arithmetic shift (gcc): floor */
}

/* Linear mode: the aligned product is ia * iw (derive_linear), up to 66 bits. */
static void linear_product(const lq_mac_config *cfg, uint32_t a, uint32_t w, lq_wide *p)
{
    __int128 v = (__int128)lq_linear_int(&cfg->a, a) * lq_linear_int(&cfg->w, w);
    uint64_t hi = (uint64_t)(v >> 64);  /* arithmetic shift (gcc): the sign fills */
    lq_wide_from_i64(p, (int64_t)hi);
    lq_wide_shl(p, 64);
    p->limb[0] = (uint64_t)v;
}

/* The exact product (no truncation) as a wide integer. */
static void product_exact(const lq_mac_config *cfg, const lq_mac_widths *wd, uint32_t a,
                          uint32_t w, lq_wide *p)
{
    int64_t mant;
    int sh;
    if (cfg->mode == LQ_MAC_LINEAR)
        linear_product(cfg, a, w, p);
    else if (!product_terms(cfg, wd, a, w, &mant, &sh))
        lq_wide_from_i64(p, 0);
    else
        wide_scaled(p, mant, sh);
}

void lq_mac_product(const lq_mac_config *cfg, const lq_mac_widths *wd, uint32_t a,
                    uint32_t w, lq_wide *p)
{
    product_exact(cfg, wd, a, w, p);
    lq_wide_sar(p, wd->trunc);
}

/* ---- the fast paths (lq_mac_fast in mac.h) ---- */

static uint32_t code_mask(int bits)
{
    return bits >= 32 ? 0xffffffffu : (1u << bits) - 1u;
}

/* Entries of a code's table: every code of the width, and at least the 256 values of
 * a low byte (lq_log_fields and lq_linear_int ignore the bits above the width). */
static uint32_t table_size(uint32_t mask)
{
    return mask < 255 ? 256 : mask + 1;
}

/* +-2^(m - 1) for a log code, 0 for a zero code. */
static int64_t log_unit(const lq_format *f, uint32_t code)
{
    lq_logfields l = lq_log_fields(f, code);
    int64_t v = (int64_t)1 << (l.mag > 0 ? l.mag - 1 : 0);
    return l.zero ? 0 : l.sign ? -v : v;
}

/* Choose and build the fast path of s (just reset), or leave it GENERAL. */
static void fast_build(lq_mac_state *s)
{
    const lq_mac_config *c = &s->cfg;
    const lq_mac_widths *wd = &s->wd;
    lq_mac_fast *f = &s->fast;
    int64_t mant;
    int sh;

    f->path = LQ_MAC_PATH_GENERAL;
    if (c->fault || wd->prod_bits > 62 || wd->out_bits > 64)
        return;
    f->a_mask = code_mask(c->a.bits);
    f->w_mask = code_mask(c->w.bits);
    f->out_shift = 64 - wd->out_bits;
    f->byte = c->a.bits <= 8 && c->w.bits <= 8;
    f->trunc = wd->trunc > 63 ? 63 : wd->trunc;
    f->w_table = 1; /* every mode but linear with weights over LQ_LOG_BITS_MAX bits */
    f->beat_trunc = 0;
    if (wd->split) {
        /* the beat's exact sum, then one shift: it must fit 63 bits */
        if (wd->trunc > 0 && wd->prod_bits + wd->tree_levels > 63)
            return;
        f->beat_trunc = f->trunc;
        f->trunc = 0;
    }
    if (c->mode == LQ_MAC_LOGLOG && !wd->half) {
        /* base 2: the aligned product is (+-2^(m_w - 1)) * (+-2^(m_a - 1)), because
         * frac_exact = -(emin_w + emin_a): one table per operand and a multiply */
        for (uint32_t code = 0; code < table_size(f->w_mask); code++)
            f->xw[code] = log_unit(&c->w, code);
        for (uint32_t code = 0; code < table_size(f->a_mask); code++)
            f->xa[code] = log_unit(&c->a, code);
        f->a_table = 1;
        f->path = LQ_MAC_PATH_MUL;
        return;
    }
    if (c->mode == LQ_MAC_LOGLOG) {
        /* base sqrt(2): xa + xw = 4 * ((m_w - 1) + (m_a - 1)) + sign_w + sign_a: the exponent sum and
         * the sign parity; the largest sum is shift_max (< 128 when WP <= 62). */
        int emin = lq_exp_min(&c->w) + lq_exp_min(&c->a);
        int kmax = (1 << wd->w_mag) - 2 + (1 << wd->a_mag) - 2;
        if (4 * kmax + 2 >= LQ_MAC_SUM_ZERO)
            return;
        for (uint32_t code = 0; code < table_size(f->w_mask); code++) {
            lq_logfields l = lq_log_fields(&c->w, code);
            f->xw[code] = l.zero ? LQ_MAC_SUM_ZERO : 4 * (l.mag - 1) + l.sign;
        }
        for (uint32_t code = 0; code < table_size(f->a_mask); code++) {
            lq_logfields l = lq_log_fields(&c->a, code);
            f->xa[code] = l.zero ? LQ_MAC_SUM_ZERO : 4 * (l.mag - 1) + l.sign;
        }
        for (int i = 0; i < LQ_MAC_SUM_TABLE; i++) {
            f->tab[i] = 0;
            if (i < LQ_MAC_SUM_ZERO && i / 4 <= kmax) {
                aligned_terms(c, wd, emin + i / 4, (i % 4) == 1, 1, &mant, &sh);
                f->tab[i] = truncated_i64(mant, sh, wd->trunc);
            }
        }
        f->path = LQ_MAC_PATH_SUM;
        if (c->a.bits + c->w.bits <= LQ_MAC_PAIR_BITS && c->a.bits <= 8) {
            /* few enough code pairs: look each pair's product up directly (a 9-bit
             * activation never gets here, its exponent sums are too many for SUM) */
            int64_t sum[LQ_MAC_SUM_TABLE];
            memcpy(sum, f->tab, sizeof sum);
            f->w_bits = c->w.bits;
            for (uint32_t a = 0; a <= f->a_mask; a++)
                for (uint32_t w = 0; w <= f->w_mask; w++)
                    f->tab[a << f->w_bits | w] = sum[f->xa[a] + f->xw[w]];
            pairp16_build(f, sum);
            /* the activation's part of the index, by its low byte (a has <= 8 bits) */
            for (uint32_t code = 0; code < 256; code++)
                f->xa[code] = (int64_t)((code & f->a_mask) << f->w_bits);
            f->path = LQ_MAC_PATH_PAIR;
        }
        return;
    }
    if (c->mode == LQ_MAC_LINEAR) {
        /* xw[w] = iw: ia * iw is the aligned product (derive_linear) */
        f->w_table = c->w.bits <= LQ_LOG_BITS_MAX;
        f->w_sign = c->w.is_signed ? (int64_t)1 << (c->w.bits - 1) : 0;
        for (uint32_t code = 0; f->w_table && code < table_size(f->w_mask); code++)
            f->xw[code] = lq_linear_int(&c->w, code);
    }
    /* xw[w] * ia = the aligned product: the weight's value with a unit activation */
    for (uint32_t code = 0; c->mode != LQ_MAC_LINEAR && code < table_size(f->w_mask); code++) {
        lq_logfields l = lq_log_fields(&c->w, code);
        f->xw[code] = 0;
        if (!l.zero) {
            aligned_terms(c, wd, l.exp, l.sign, 1, &mant, &sh);
            f->xw[code] = (int64_t)((uint64_t)mant << sh);
        }
    }
    f->a_table = c->a.bits <= LQ_LOG_BITS_MAX;
    f->a_sign = c->a.is_signed ? (int64_t)1 << (c->a.bits - 1) : 0;
    if (f->a_table)
        for (uint32_t code = 0; code < table_size(f->a_mask); code++)
            f->xa[code] = lq_linear_int(&c->a, code);
    f->path = LQ_MAC_PATH_MUL;
}

/* The kernels below run a beat of n lanes. Codes of at most
 * 8 bits are read as their low byte, and the tables repeat their entries above the
 * code's width, so a stray high bit is ignored without masking (f->byte). Sixteen
 * lanes per iteration (the loop's own instructions count at this size), two sums. */

#define LANES16(BODY)                                                                    \
    do {                                                                                 \
        int i = 0;                                                                       \
        for (; i + 15 < n; i += 16) {                                                    \
            BODY(s0, i);                                                                 \
            BODY(s1, i + 1);                                                             \
            BODY(s0, i + 2);                                                             \
            BODY(s1, i + 3);                                                             \
            BODY(s0, i + 4);                                                             \
            BODY(s1, i + 5);                                                             \
            BODY(s0, i + 6);                                                             \
            BODY(s1, i + 7);                                                             \
            BODY(s0, i + 8);                                                             \
            BODY(s1, i + 9);                                                             \
            BODY(s0, i + 10);                                                            \
            BODY(s1, i + 11);                                                            \
            BODY(s0, i + 12);                                                            \
            BODY(s1, i + 13);                                                            \
            BODY(s0, i + 14);                                                            \
            BODY(s1, i + 15);                                                            \
        }                                                                                \
        for (; i < n; i++)                                                               \
            BODY(s0, i);                                                                 \
    } while (0)

#define KERNEL(name, BODY)                                                               \
    static uint64_t name(const lq_mac_fast *f, int n, const uint32_t *a,                 \
                         const uint32_t *w)                                              \
    {                                                                                    \
        uint64_t s0 = 0, s1 = 0;                                                         \
        uint32_t am = f->a_mask, wm = f->w_mask;                                         \
        int64_t sb = f->a_sign;                                                          \
        int t = f->trunc;                                                                \
        (void)am, (void)wm, (void)sb, (void)t;                                           \
        LANES16(BODY);                                                                    \
        return s0 + s1;                                                                  \
    }

/* the activation's integer: table, or computed (wider than LQ_LOG_BITS_MAX) */
#define ACT(I) (f->a_table ? f->xa[a[I] & am] : (int64_t)((a[I] & am) ^ (uint64_t)sb) - sb)
#define MUL_BYTE(S, I) S += (uint64_t)(f->xa[(uint8_t)a[I]] * f->xw[(uint8_t)w[I]])
#define MUL_ANY(S, I) S += (uint64_t)((ACT(I) * f->xw[w[I] & wm]) >> t)
/* linear weights wider than LQ_LOG_BITS_MAX: both integers computed */
#define WGT(I) ((int64_t)((w[I] & wm) ^ (uint64_t)f->w_sign) - f->w_sign)
#define MUL_WIDE(S, I) S += (uint64_t)((ACT(I) * WGT(I)) >> t)
#define SUM_BYTE(S, I) S += (uint64_t)f->tab[f->xa[(uint8_t)a[I]] + f->xw[(uint8_t)w[I]]]
#define SUM_ANY(S, I) S += (uint64_t)f->tab[f->xa[a[I] & am] + f->xw[w[I] & wm]]
#define PAIR(S, I) S += (uint64_t)f->tab[f->xa[(uint8_t)a[I]] | (w[I] & wm)]
KERNEL(dot_mul_byte, MUL_BYTE) /* shift, mult: codes <= 8 bits, no truncation */
KERNEL(dot_mul_any, MUL_ANY)
KERNEL(dot_mul_wide, MUL_WIDE) /* linear: weights of more than LQ_LOG_BITS_MAX bits */
KERNEL(dot_sum_byte, SUM_BYTE) /* loglog: codes <= 8 bits */
KERNEL(dot_sum_any, SUM_ANY)
KERNEL(dot_pair, PAIR) /* loglog base sqrt(2): codes of <= LQ_MAC_PAIR_BITS bits together */

#if defined(__x86_64__) && defined(__GNUC__)
/* A kernel (lq_mac_kernel) compiled for the instruction set ISA: the always_inline body
 * IMPL with its last argument the constant FLAG, so that each use is its own loop. */
#define FLAG_KERNEL(name, isa, impl, flag)                                               \
    __attribute__((target(isa))) static uint64_t name(const lq_mac_fast *f, int n,      \
                                                      const uint32_t *a,                 \
                                                      const uint32_t *w)                 \
    {                                                                                    \
        return impl(f, n, a, w, flag);                                                   \
    }

/* PAIR with AVX-512F, sixteen lanes at a time: the indices (a & a_mask) << w_bits |
 * (w & w_mask) as sixteen 32-bit words, the products by two gathers of eight 64-bit
 * entries (the scalar loop's two dependent loads per lane are its limit), the rest of
 * the lanes as dot_pair. The sum is the same modulo 2^64. */
__attribute__((target("avx512f"))) static uint64_t dot_pair16(const lq_mac_fast *f, int n,
                                                             const uint32_t *a,
                                                             const uint32_t *w)
{
    uint32_t wm = f->w_mask; /* PAIR's */
    __m512i vam = _mm512_set1_epi32((int32_t)f->a_mask), vwm = _mm512_set1_epi32((int32_t)wm);
    __m128i sh = _mm_cvtsi32_si128(f->w_bits);
    __m512i s0 = _mm512_setzero_si512(), s1 = s0;
    uint64_t s = 0;
    int i = 0;
    for (; i + 15 < n; i += 16) {
        __m512i x = _mm512_or_si512(
            _mm512_sll_epi32(_mm512_and_si512(_mm512_loadu_si512(a + i), vam), sh),
            _mm512_and_si512(_mm512_loadu_si512(w + i), vwm));
        s0 = _mm512_add_epi64(s0, _mm512_i32gather_epi64(_mm512_castsi512_si256(x), f->tab, 8));
        s1 = _mm512_add_epi64(s1, _mm512_i32gather_epi64(_mm512_extracti64x4_epi64(x, 1), f->tab, 8));
    }
    for (; i < n; i++)
        PAIR(s, i);
    return s + (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(s0, s1));
}

/* PAIR with AVX-512F by permutes (lq_mac_fast.p16), sixteen lanes at a time: each
 * lane's SUM index x = xa32[a] + xw32[w] by two 32-entry permutes (a code's low 5 bits),
 * its product pk[x & 3 == 1][x >> 2] by 32-entry permutes of 32-bit pk32 (p16 2: the
 * sixteen lanes at once) or 16-entry permutes of the halves of each 64-bit pk row, none
 * where x >= LQ_MAC_SUM_ZERO (a zero code). No gather: the gathers' throughput here is
 * the kernel's limit. The sum is the same modulo 2^64. */
__attribute__((target("avx512f"), always_inline)) static inline uint64_t
dot_pairp16_n(const lq_mac_fast *f, int n, const uint32_t *a, const uint32_t *w, int narrow)
{
    uint32_t wm = f->w_mask; /* PAIR's */
    __m512i xa0 = _mm512_loadu_si512(f->xa32), xa1 = _mm512_loadu_si512(f->xa32 + 16);
    __m512i xw0 = _mm512_loadu_si512(f->xw32), xw1 = _mm512_loadu_si512(f->xw32 + 16);
    __m512i p[2][4], three = _mm512_set1_epi32(3), one = _mm512_set1_epi32(1);
    __m512i zero = _mm512_set1_epi32(LQ_MAC_SUM_ZERO), sixteen = _mm512_set1_epi32(16);
    __m512i s0 = _mm512_setzero_si512(), s1 = s0;
    uint64_t s = 0;
    int i = 0;
    for (int g = 0; g < 2; g++)
        for (int q = 0; q < 4; q++)
            p[g][q] = narrow ? _mm512_loadu_si512(f->pk32[g] + 16 * (q & 1))
                             : _mm512_loadu_si512(f->pk[g] + 8 * q);
    for (; i + 15 < n; i += 16) {
        __m512i x = _mm512_add_epi32(_mm512_permutex2var_epi32(xa0, _mm512_loadu_si512(a + i), xa1),
                                     _mm512_permutex2var_epi32(xw0, _mm512_loadu_si512(w + i), xw1));
        __mmask16 nz = _mm512_cmplt_epi32_mask(x, zero);
        __mmask16 ng = _mm512_cmpeq_epi32_mask(_mm512_and_si512(x, three), one);
        __m512i k = _mm512_srli_epi32(x, 2);
        if (narrow) {
            __m512i v = _mm512_maskz_mov_epi32(
                nz, _mm512_mask_blend_epi32(ng, _mm512_permutex2var_epi32(p[0][0], k, p[0][1]),
                                            _mm512_permutex2var_epi32(p[1][0], k, p[1][1])));
            s0 = _mm512_add_epi64(s0, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(v)));
            s1 = _mm512_add_epi64(s1, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(v, 1)));
            continue;
        }
        __mmask16 hi = _mm512_cmpge_epi32_mask(k, sixteen);
        for (int h = 0; h < 2; h++) {
            __m512i kh = _mm512_cvtepu32_epi64(h ? _mm512_extracti64x4_epi64(k, 1)
                                                 : _mm512_castsi512_si256(k));
            __mmask8 mh = (__mmask8)(hi >> 8 * h), mn = (__mmask8)(ng >> 8 * h);
            __m512i vp = _mm512_mask_blend_epi64(mh, _mm512_permutex2var_epi64(p[0][0], kh, p[0][1]),
                                                 _mm512_permutex2var_epi64(p[0][2], kh, p[0][3]));
            __m512i vn = _mm512_mask_blend_epi64(mh, _mm512_permutex2var_epi64(p[1][0], kh, p[1][1]),
                                                 _mm512_permutex2var_epi64(p[1][2], kh, p[1][3]));
            __m512i v = _mm512_mask_blend_epi64(mn, vp, vn);
            if (h)
                s1 = _mm512_mask_add_epi64(s1, (__mmask8)(nz >> 8), s1, v);
            else
                s0 = _mm512_mask_add_epi64(s0, (__mmask8)nz, s0, v);
        }
    }
    for (; i < n; i++)
        PAIR(s, i);
    return s + (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(s0, s1));
}

FLAG_KERNEL(dot_pairp16, "avx512f", dot_pairp16_n, 0)
FLAG_KERNEL(dot_pairp16n, "avx512f", dot_pairp16_n, 1)

/* The sum of the four 64-bit words of x (modulo 2^64). */
__attribute__((target("avx2"))) static inline uint64_t sum4_epi64(__m256i x)
{
    __m128i h = _mm_add_epi64(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
    return (uint64_t)_mm_cvtsi128_si64(h) + (uint64_t)_mm_extract_epi64(h, 1);
}

/* PAIR with AVX2, eight lanes at a time (CPUs without AVX-512F: most client CPUs, and
 * valgrind): the indices as dot_pair16's, the products by two gathers of four 64-bit
 * entries. The sum is the same modulo 2^64. */
__attribute__((target("avx2"))) static uint64_t dot_pair8(const lq_mac_fast *f, int n,
                                                          const uint32_t *a, const uint32_t *w)
{
    uint32_t wm = f->w_mask; /* PAIR's */
    __m256i vam = _mm256_set1_epi32((int32_t)f->a_mask), vwm = _mm256_set1_epi32((int32_t)wm);
    __m128i sh = _mm_cvtsi32_si128(f->w_bits);
    __m256i s0 = _mm256_setzero_si256(), s1 = s0;
    const long long *tab = (const long long *)f->tab;
    uint64_t s = 0;
    int i = 0;
    for (; i + 7 < n; i += 8) {
        __m256i x = _mm256_or_si256(
            _mm256_sll_epi32(_mm256_and_si256(_mm256_loadu_si256((const __m256i *)(a + i)), vam), sh),
            _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(w + i)), vwm));
        s0 = _mm256_add_epi64(s0, _mm256_i32gather_epi64(tab, _mm256_castsi256_si128(x), 8));
        s1 = _mm256_add_epi64(s1, _mm256_i32gather_epi64(tab, _mm256_extracti128_si256(x, 1), 8));
    }
    for (; i < n; i++)
        PAIR(s, i);
    return s + sum4_epi64(_mm256_add_epi64(s0, s1));
}

/* MUL_BYTE with AVX-512F (lq_mac_fast.m16), sixteen lanes at a time: the weights'
 * and (m16 1) the activations' integers by 32-entry permutes of 32-bit tables (a code's
 * low 5 bits; the tables repeat above the width), or (m16 2) the activations computed;
 * the products by two signed 32 x 32 -> 64-bit multiplies (even, then odd lanes),
 * exact. The sum is the same modulo 2^64. */
__attribute__((target("avx512f"), always_inline)) static inline uint64_t
dot_mul16_n(const lq_mac_fast *f, int n, const uint32_t *a, const uint32_t *w, int table)
{
    __m512i w0 = _mm512_loadu_si512(f->xw32), w1 = _mm512_loadu_si512(f->xw32 + 16);
    __m512i a0 = _mm512_loadu_si512(f->xa32), a1 = _mm512_loadu_si512(f->xa32 + 16);
    __m512i am = _mm512_set1_epi32((int32_t)f->a_mask), sb = _mm512_set1_epi32((int32_t)f->a_sign);
    __m512i s0 = _mm512_setzero_si512(), s1 = s0;
    uint64_t s = 0;
    int i = 0;
    for (; i + 15 < n; i += 16) {
        __m512i xw = _mm512_permutex2var_epi32(w0, _mm512_loadu_si512(w + i), w1);
        __m512i ca = _mm512_loadu_si512(a + i);
        __m512i xa = table ? _mm512_permutex2var_epi32(a0, ca, a1)
                           : _mm512_sub_epi32(_mm512_xor_si512(_mm512_and_si512(ca, am), sb), sb);
        s0 = _mm512_add_epi64(s0, _mm512_mul_epi32(xa, xw));
        s1 = _mm512_add_epi64(s1, _mm512_mul_epi32(_mm512_srli_epi64(xa, 32), _mm512_srli_epi64(xw, 32)));
    }
    for (; i < n; i++)
        MUL_BYTE(s, i);
    return s + (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(s0, s1));
}

FLAG_KERNEL(dot_mul16t, "avx512f", dot_mul16_n, 1)
FLAG_KERNEL(dot_mul16c, "avx512f", dot_mul16_n, 0)

/* MUL_BYTE with AVX2 (lq_mac_fast.m16, CPUs without AVX-512F), eight lanes at a time:
 * the weights' and (m16 1) the activations' integers by gathers from the 32-entry
 * tables (a code's low 5 bits), or (m16 2) the activations computed; the products by two
 * signed 32 x 32 -> 64-bit multiplies, as dot_mul16_n. */
__attribute__((target("avx2"), always_inline)) static inline uint64_t
dot_mul8_n(const lq_mac_fast *f, int n, const uint32_t *a, const uint32_t *w, int table)
{
    __m256i c31 = _mm256_set1_epi32(31);
    __m256i am = _mm256_set1_epi32((int32_t)f->a_mask), sb = _mm256_set1_epi32((int32_t)f->a_sign);
    __m256i s0 = _mm256_setzero_si256(), s1 = s0;
    uint64_t s = 0;
    int i = 0;
    for (; i + 7 < n; i += 8) {
        __m256i cw = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(w + i)), c31);
        __m256i xw = _mm256_i32gather_epi32(f->xw32, cw, 4);
        __m256i ca = _mm256_loadu_si256((const __m256i *)(a + i));
        __m256i xa = table ? _mm256_i32gather_epi32(f->xa32, _mm256_and_si256(ca, c31), 4)
                           : _mm256_sub_epi32(_mm256_xor_si256(_mm256_and_si256(ca, am), sb), sb);
        s0 = _mm256_add_epi64(s0, _mm256_mul_epi32(xa, xw));
        s1 = _mm256_add_epi64(s1, _mm256_mul_epi32(_mm256_srli_epi64(xa, 32), _mm256_srli_epi64(xw, 32)));
    }
    for (; i < n; i++)
        MUL_BYTE(s, i);
    return s + sum4_epi64(_mm256_add_epi64(s0, s1));
}

FLAG_KERNEL(dot_mul8t, "avx2", dot_mul8_n, 1)
FLAG_KERNEL(dot_mul8c, "avx2", dot_mul8_n, 0)

/* The widest instruction set (LQ_MAC_SIMD_*) of this CPU that a kernel uses. */
static int cpu_simd(void)
{
    if (__builtin_cpu_supports("avx512f"))
        return LQ_MAC_SIMD_AVX512;
    return __builtin_cpu_supports("avx2") ? LQ_MAC_SIMD_AVX2 : LQ_MAC_SIMD_NONE;
}
#else
#define dot_pair16 dot_pair
#define dot_pairp16 dot_pair
#define dot_pairp16n dot_pair
#define dot_pair8 dot_pair
#define dot_mul16t dot_mul_byte
#define dot_mul16c dot_mul_byte
#define dot_mul8t dot_mul_byte
#define dot_mul8c dot_mul_byte
static int cpu_simd(void)
{
    return LQ_MAC_SIMD_NONE;
}
#endif

static int fits_i32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/* lq_mac_fast.p16 and its tables (f's PAIR table built, its xa and xw still the SUM
 * indices; sum the SUM table): checked against the PAIR table for every pair of codes,
 * so that dot_pairp16 computes PAIR's products exactly. A SUM index is 4 k + s, k the
 * exponent sum, s the signs' sum (1: a negative product; 0 and 2 the same positive one). */
static void pairp16_build(lq_mac_fast *f, const int64_t *sum)
{
    f->p16 = 0;
    if (f->a_mask > 31 || f->w_mask > 31)
        return;
    for (int k = 0; k < 32; k++) {
        f->pk[0][k] = sum[4 * k];
        f->pk[1][k] = sum[4 * k + 1];
    }
    for (uint32_t code = 0; code < 32; code++) {
        f->xa32[code] = (int32_t)f->xa[code & f->a_mask];
        f->xw32[code] = (int32_t)f->xw[code & f->w_mask];
    }
    for (uint32_t a = 0; a < 32; a++)
        for (uint32_t w = 0; w < 32; w++) {
            int32_t x = f->xa32[a] + f->xw32[w];
            int64_t p = 0;
            if (x < LQ_MAC_SUM_ZERO) {
                if (x >> 2 >= 32)
                    return;
                p = f->pk[(x & 3) == 1][x >> 2];
            }
            if (p != f->tab[(a & f->a_mask) << f->w_bits | (w & f->w_mask)])
                return;
        }
    f->p16 = 2;
    for (int g = 0; g < 2; g++)
        for (int k = 0; k < 32; k++) {
            f->pk32[g][k] = (int32_t)f->pk[g][k];
            if (!fits_i32(f->pk[g][k]))
                f->p16 = 1;
        }
}

/* lq_mac_fast.m16 and its tables (f built): checked against xa and xw for every low
 * byte of a code, so that dot_mul16 computes MUL_BYTE's products exactly. */
static void mul16_build(lq_mac_fast *f)
{
    int table = f->a_mask <= 31, lin = 1;
    f->m16 = 0;
    if (f->path != LQ_MAC_PATH_MUL || !f->byte || f->trunc != 0 || !f->w_table ||
        !f->a_table || f->w_mask > 31)
        return;
    for (uint32_t code = 0; code < 256; code++) {
        int64_t x = (int64_t)(((code & f->a_mask) ^ (uint64_t)f->a_sign)) - f->a_sign;
        if (!fits_i32(f->xa[code]) || !fits_i32(f->xw[code]) || f->xw[code] != f->xw[code & 31] ||
            (table && f->xa[code] != f->xa[code & 31]))
            return;
        lin &= f->xa[code] == x;
    }
    if (!table && !lin)
        return;
    for (int i = 0; i < 32; i++) {
        f->xa32[i] = (int32_t)f->xa[i];
        f->xw32[i] = (int32_t)f->xw[i];
    }
    f->m16 = table ? 1 : 2;
}

/* The kernel of the fast path f (built) for `lanes` lanes with instruction sets up to
 * `simd` (LQ_MAC_SIMD_*), and in *used the one it takes: the dispatch is done once, at
 * reset. */
static lq_mac_kernel *fast_kernel(const lq_mac_fast *f, int lanes, int simd, int *used)
{
    *used = LQ_MAC_SIMD_NONE;
    if (f->path == LQ_MAC_PATH_PAIR) {
        if (lanes >= 16 && simd >= LQ_MAC_SIMD_AVX512) {
            *used = LQ_MAC_SIMD_AVX512;
            return f->p16 == 2 ? dot_pairp16n : f->p16 ? dot_pairp16 : dot_pair16;
        }
        if (lanes >= 8 && simd >= LQ_MAC_SIMD_AVX2) {
            *used = LQ_MAC_SIMD_AVX2;
            return dot_pair8;
        }
        return dot_pair;
    }
    if (f->path == LQ_MAC_PATH_SUM)
        return f->byte ? dot_sum_byte : dot_sum_any;
    if (!f->w_table)
        return dot_mul_wide;
    if (f->m16 && lanes >= 16 && simd >= LQ_MAC_SIMD_AVX512) {
        *used = LQ_MAC_SIMD_AVX512;
        return f->m16 == 1 ? dot_mul16t : dot_mul16c;
    }
    if (f->m16 && lanes >= 8 && simd >= LQ_MAC_SIMD_AVX2) {
        *used = LQ_MAC_SIMD_AVX2;
        return f->m16 == 1 ? dot_mul8t : dot_mul8c;
    }
    return f->byte && f->trunc == 0 ? dot_mul_byte : dot_mul_any;
}

int lq_mac_fast_simd(lq_mac_state *s, int simd)
{
    if (simd < LQ_MAC_SIMD_NONE || simd > cpu_simd())
        return -1;
    if (s->fast.path != LQ_MAC_PATH_GENERAL)
        s->fast.kernel = fast_kernel(&s->fast, s->cfg.lanes, simd, &s->fast.simd);
    return 0;
}

void lq_mac_force_general(lq_mac_state *s)
{
    s->fast.path = LQ_MAC_PATH_GENERAL;
    s->fast.kernel = NULL;
    s->fast.simd = LQ_MAC_SIMD_NONE;
}

int lq_mac_reset(lq_mac_state *s, const lq_mac_config *cfg, char *msg, size_t len)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    if (lq_mac_derive(cfg, &s->wd, msg, len) != 0)
        return -1;
    lq_wide_from_i64(&s->acc, 0);
    fast_build(s);
    mul16_build(&s->fast);
    if (s->fast.path != LQ_MAC_PATH_GENERAL)
        s->fast.kernel = fast_kernel(&s->fast, s->cfg.lanes, cpu_simd(), &s->fast.simd);
    return 0;
}

/* The general path: every product as a wide integer (split: exact, and the beat's sum
 * truncated once). */
static int general_step(lq_mac_state *s, const uint32_t *a, const uint32_t *w, int last,
                        lq_wide *out)
{
    lq_wide beat;
    lq_wide_from_i64(&beat, 0);
    for (int i = 0; i < s->cfg.lanes; i++) {
        lq_wide p;
        if (s->wd.split)
            product_exact(&s->cfg, &s->wd, a[i], w[i], &p);
        else
            lq_mac_product(&s->cfg, &s->wd, a[i], w[i], &p);
        if (s->cfg.fault && i == s->cfg.lanes - 1 && (p.limb[LQ_MAC_LIMBS - 1] >> 63)) {
            /* the deliberate fault: the last lane loses the sign of negative products */
            lq_wide z;
            for (int k = 0; k < LQ_MAC_LIMBS; k++)
                p.limb[k] = ~p.limb[k];
            lq_wide_from_i64(&z, 1);
            lq_wide_add(&p, &z);
        }
        lq_wide_add(&beat, &p);
    }
    if (s->wd.split)
        lq_wide_sar(&beat, s->wd.trunc);
    lq_wide_add(&s->acc, &beat);
    lq_wide_sext(&s->acc, s->wd.out_bits);
    s->beats++;
    if (!last)
        return 0;
    *out = s->acc;
    lq_wide_from_i64(&s->acc, 0);
    s->beats = 0;
    return 1;
}

/* A beat on the fast path; at the vector's end *out = the sum wrapped to out_bits. */
static inline int fast_step(lq_mac_state *s, const uint32_t *a, const uint32_t *w, int last,
                            int64_t *out)
{
    lq_mac_fast *f = &s->fast;
    f->acc += (uint64_t)((int64_t)f->kernel(f, s->cfg.lanes, a, w) >> f->beat_trunc);
    s->beats++;
    if (!last)
        return 0;
    *out = (int64_t)(f->acc << f->out_shift) >> f->out_shift;
    f->acc = 0;
    s->beats = 0;
    return 1;
}

int lq_mac_step64(lq_mac_state *s, const uint32_t *a, const uint32_t *w, int last,
                  int64_t *out)
{
    lq_wide o;
    if (s->fast.kernel)
        return fast_step(s, a, w, last, out);
    if (s->wd.out_bits > 64)
        return -1;
    if (!general_step(s, a, w, last, &o))
        return 0;
    *out = (int64_t)o.limb[0];
    return 1;
}

int lq_mac_step(lq_mac_state *s, const uint32_t *a, const uint32_t *w, int last,
                lq_wide *out)
{
    int64_t v;
    if (!s->fast.kernel)
        return general_step(s, a, w, last, out);
    if (!fast_step(s, a, w, last, &v))
        return 0;
    lq_wide_from_i64(out, v);
    return 1;
}
