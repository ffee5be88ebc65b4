/* Quantizers and dequantizers of the linear and log formats.
 *
 * Why the threshold decisions are exact: write |x| = y * 2^E with y in [1, 2) and y =
 * M / 2^52 for the 53-bit integer mantissa M. Then floor(log2|x|) = E, and the other
 * decisions compare y with an irrational constant:
 *   y >= sqrt(2)    <=>  M^2 >= 2^105
 *   y >= 2^(1/4)    <=>  M^4 >= 2^209
 *   y >= 2^(3/4)    <=>  M^4 >= 2^211
 * M^2 needs 106 bits and M^4 212: both are computed exactly with 128-bit integers, so
 * no value is ever on the wrong side of a threshold, and no threshold is a tie. */
#include "quant.h"

#include <math.h>
#include <string.h>

typedef unsigned __int128 u128;

static const double SQRT2_D = 0x1.6a09e667f3bcdp+0; /* correctly rounded sqrt(2) */

/* floor(a / 2) for any sign. */
static int floor_half(int a)
{
    return a >= 0 ? a / 2 : -((1 - a) / 2);
}

/* M^2 >= 2^105 */
static int mant_sq_ge(uint64_t m)
{
    u128 s = (u128)m * m;
    return s >= ((u128)1 << 105);
}

/* M^4 >= 2^k, for 128 < k < 256 */
static int mant_4th_ge(uint64_t m, int k)
{
    u128 s = (u128)m * m;                 /* < 2^106 */
    uint64_t hi = (uint64_t)(s >> 64), lo = (uint64_t)s;
    u128 cross = (u128)hi * lo * 2;       /* < 2^107 */
    u128 lo2 = (u128)lo * lo;
    u128 t = (u128)(uint64_t)cross << 64;
    u128 u = t + lo2;
    u128 top = (u128)hi * hi + (cross >> 64) + (u < t ? 1 : 0); /* floor(M^4 / 2^128) */
    return top >= ((u128)1 << (k - 128));
}

int lq_log2_round(double x, int half, lq_rounding r)
{
    int e;
    double fr = frexp(fabs(x), &e);       /* fr in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(fr, 53); /* in [2^52, 2^53) */
    int base = e - 1;                     /* floor(log2|x|) */

    if (!half)
        return r == LQ_FLOOR ? base : base + mant_sq_ge(m);
    if (r == LQ_FLOOR)
        return 2 * base + mant_sq_ge(m);
    return 2 * base + mant_4th_ge(m, 209) + mant_4th_ge(m, 211);
}

static uint32_t mask_bits(int bits)
{
    return bits >= 32 ? 0xffffffffu : ((1u << bits) - 1u);
}

/* Exponent of the linear step: 2^(fsr - bits) unsigned, 2^(fsr - bits + 1) signed. */
static int linear_step_exp(const lq_format *f)
{
    return f->fsr - f->bits + (f->is_signed ? 1 : 0);
}

static uint32_t quantize_linear(const lq_format *f, double x)
{
    double v = ldexp(x, -linear_step_exp(f)); /* exact: a power-of-two scale */
    double q = f->rounding == LQ_FLOOR ? floor(v) : round(v); /* ties away from zero */
    double lo, hi;
    if (f->is_signed) {
        lo = -ldexp(1.0, f->bits - 1);
        hi = ldexp(1.0, f->bits - 1) - 1.0;
    } else {
        lo = 0.0;
        hi = ldexp(1.0, f->bits) - 1.0;
    }
    if (q < lo)
        q = lo;
    if (q > hi)
        q = hi;
    return (uint32_t)(int64_t)q & mask_bits(f->bits);
}

static uint32_t quantize_log(const lq_format *f, double x)
{
    int b = lq_mag_bits(f);
    int half = f->scheme == LQ_LOGSQRT2;
    int lo = lq_exp_min(f) - 1, hi = lq_exp_max(f) + 1;
    uint32_t sign = 0;
    int e;

    if (x == 0.0 || (x < 0.0 && !f->is_signed))
        return 0; /* zero, and unsigned formats clip negatives to zero */
    e = lq_log2_round(x, half, f->rounding);
    if (e <= lo)
        return 0; /* flush to zero */
    if (e >= hi)
        e = hi - 1; /* saturate */
    if (x < 0.0)
        sign = 1u << b;
    return sign | (uint32_t)(e - lo);
}

uint32_t lq_quantize(const lq_format *f, double x)
{
    return f->scheme == LQ_LINEAR ? quantize_linear(f, x) : quantize_log(f, x);
}

int64_t lq_linear_int(const lq_format *f, uint32_t code)
{
    code &= mask_bits(f->bits);
    if (f->is_signed && f->bits < 64 && (code >> (f->bits - 1)) & 1u)
        return (int64_t)code - ((int64_t)1 << f->bits);
    return (int64_t)code;
}

lq_logfields lq_log_fields(const lq_format *f, uint32_t code)
{
    lq_logfields lf;
    int b = lq_mag_bits(f);
    lf.mag = (int)(code & mask_bits(b));
    lf.sign = f->is_signed ? (int)((code >> b) & 1u) : 0;
    lf.zero = lf.mag == 0;
    lf.exp = lf.zero ? 0 : lq_exp_min(f) + lf.mag - 1;
    return lf;
}

double lq_dequantize(const lq_format *f, uint32_t code)
{
    lq_logfields lf;
    double v;

    if (f->scheme == LQ_LINEAR)
        return ldexp((double)lq_linear_int(f, code), linear_step_exp(f));
    lf = lq_log_fields(f, code);
    if (lf.zero)
        return 0.0;
    if (f->scheme == LQ_LOGSQRT2)
        v = ldexp(lf.exp & 1 ? SQRT2_D : 1.0, floor_half(lf.exp));
    else
        v = ldexp(1.0, lf.exp);
    return lf.sign ? -v : v;
}

bool lq_code_canonical(const lq_format *f, uint32_t code)
{
    lq_logfields lf;
    if (f->scheme == LQ_LINEAR)
        return true;
    lf = lq_log_fields(f, code);
    return !(lf.zero && lf.sign);
}

uint32_t lq_sqrt2_const(int p)
{
    /* k0 = floor(sqrt(2^(2p+1))); round up iff (k0 + 1/2)^2 <= 2^(2p+1), that is
     * (2 k0 + 1)^2 <= 2^(2p+3); equality is impossible (odd square). */
    uint64_t n = (uint64_t)1 << (2 * p + 1);
    uint64_t k0 = (uint64_t)sqrt((double)n);
    while (k0 * k0 > n)
        k0--;
    while ((k0 + 1) * (k0 + 1) <= n)
        k0++;
    if ((2 * k0 + 1) * (2 * k0 + 1) <= ((uint64_t)1 << (2 * p + 3)))
        k0++;
    return (uint32_t)k0;
}

/* mant * 2^sh as an exact int64: 0, or -1 when not an integer or out of range. */
static int scale_exact(int64_t mant, int sh, int64_t *out)
{
    if (mant == 0) {
        *out = 0;
        return 0;
    }
    if (sh >= 0) {
        if (sh >= 63)
            return -1;
        if (mant > (INT64_MAX >> sh) || mant < (INT64_MIN >> sh))
            return -1;
        *out = (int64_t)((uint64_t)mant << sh);
        return 0;
    }
    if (sh <= -63 || mant % ((int64_t)1 << -sh) != 0)
        return -1;
    *out = mant / ((int64_t)1 << -sh);
    return 0;
}

int lq_code_fixed(const lq_format *f, uint32_t code, int frac, int sqrt2_frac, int64_t *out)
{
    lq_logfields lf;
    int64_t mant = 1;
    int sh;

    if (f->scheme == LQ_LINEAR)
        return scale_exact(lq_linear_int(f, code), linear_step_exp(f) + frac, out);
    lf = lq_log_fields(f, code);
    if (lf.zero) {
        *out = 0;
        return 0;
    }
    if (f->scheme == LQ_LOGSQRT2) {
        sh = floor_half(lf.exp) + frac;
        if (lf.exp & 1) {
            if (sqrt2_frac < 1 || sqrt2_frac > 30)
                return -1;
            mant = lq_sqrt2_const(sqrt2_frac);
            sh -= sqrt2_frac;
        }
    } else {
        sh = lf.exp + frac;
    }
    return scale_exact(lf.sign ? -mant : mant, sh, out);
}

char *lq_bin(uint32_t v, int bits, char *buf)
{
    for (int i = 0; i < bits; i++)
        buf[i] = (char)('0' + ((v >> (bits - 1 - i)) & 1u));
    buf[bits] = '\0';
    return buf;
}
