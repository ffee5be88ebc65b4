/* Unit tests of the linear and log quantizers: every code decodes to the value its
 * layout gives and round-trips, and values on
 * both sides of every decision threshold land where an independent reference (using
 * __float128, 113-bit arithmetic, instead of the model's integer compares) says. */
#include <math.h>
#include <string.h>

#include "../../cmodel/logq.h"
#include "check.h"

typedef __float128 f128;

/* Reference rounding of log2|x| (or 2 log2|x|): floor from frexp, the fraction decided
 * in 113-bit floating point, which is exact for y^2 and far from ties for y^4. */
static int ref_round(double x, int half, lq_rounding r)
{
    int e;
    double fr = frexp(fabs(x), &e);
    f128 y = (f128)fr * 2; /* [1, 2) */
    f128 y2 = y * y, y4 = y2 * y2;
    int base = e - 1;
    if (!half)
        return r == LQ_FLOOR ? base : base + (y2 >= 2);
    if (r == LQ_FLOOR)
        return 2 * base + (y2 >= 2);
    return 2 * base + (y4 >= 2) + (y4 >= 8);
}

/* Reference log quantizer written from the spec's formula. */
static uint32_t ref_quant_log(const lq_format *f, double x)
{
    int b = lq_mag_bits(f), sc = f->scheme == LQ_LOGSQRT2 ? 2 : 1;
    int lo = sc * f->fsr - (1 << b), hi = sc * f->fsr, e;
    if (x == 0 || (x < 0 && !f->is_signed))
        return 0;
    e = ref_round(x, sc == 2, f->rounding);
    if (e <= lo)
        return 0;
    if (e >= hi)
        e = hi - 1;
    return (x < 0 ? 1u << b : 0u) | (uint32_t)(e - lo);
}

static const int fsrs[] = {-7, -1, 0, 3, 12};
enum { NFSR = sizeof fsrs / sizeof fsrs[0] };

/* Iterate every buildable format up to 10 bits. */
#define FOR_FORMATS(f)                                                            \
    for (int sch_ = LQ_LINEAR; sch_ <= LQ_LOGSQRT2; sch_++)                       \
        for (int sg_ = 0; sg_ <= 1; sg_++)                                        \
            for (int rd_ = 0; rd_ <= 1; rd_++)                                    \
                for (int fi_ = 0; fi_ < NFSR; fi_++)                              \
                    for (int b_ = 1; b_ <= 10; b_++)                              \
                        for (lq_format f = make_fmt(sch_, sg_, rd_, fsrs[fi_], b_); \
                             lq_format_check(&f, NULL, 0) == 0; f.bits = 99)

static lq_format make_fmt(int scheme, int sg, int rd, int fsr, int bits)
{
    lq_format f = lq_format_default();
    f.scheme = (lq_scheme)scheme;
    f.is_signed = sg;
    f.rounding = (lq_rounding)rd;
    f.fsr = fsr;
    f.bits = bits;
    return f;
}

static void fmt_name(const lq_format *f, char *buf)
{
    sprintf(buf, "%s %s %s bits=%d fsr=%d", lq_scheme_name(f->scheme),
            f->is_signed ? "signed" : "unsigned", lq_rounding_name(f->rounding), f->bits, f->fsr);
}

/* The value of a code read from the spec's layout (docs/formats.md 2 and 3.3), not
 * through lq_dequantize: linear `code * step`, log `(-1)^sign 2^(e/S)` with
 * `e = e_min + m - 1`, an odd half step as the correctly rounded sqrt(2) scaled. */
static double ref_value(const lq_format *f, uint32_t c)
{
    if (f->scheme == LQ_LINEAR) {
        int64_t q = c;
        if (f->is_signed && (c >> (f->bits - 1)) & 1u)
            q -= (int64_t)1 << f->bits;
        return ldexp((double)q, f->fsr - f->bits + (f->is_signed ? 1 : 0));
    }
    int b = f->is_signed ? f->bits - 1 : f->bits, sc = f->scheme == LQ_LOGSQRT2 ? 2 : 1;
    uint32_t m = c & ((1u << b) - 1);
    int neg = f->is_signed && ((c >> b) & 1u), e = sc * f->fsr - (1 << b) + 1 + (int)m - 1;
    double v;
    if (m == 0)
        return 0.0;
    if (sc == 1)
        v = ldexp(1.0, e);
    else if (e % 2 == 0)
        v = ldexp(1.0, e / 2);
    else
        v = ldexp(0x1.6a09e667f3bcdp+0, (e - 1) / 2); /* e odd: (e - 1) / 2 = floor(e / 2) */
    return neg ? -v : v;
}

static void test_roundtrip_every_code(void)
{
    long codes = 0;
    FOR_FORMATS(f) {
        char nm[96];
        fmt_name(&f, nm);
        for (uint32_t c = 0; c < (1u << f.bits); c++) {
            double v = lq_dequantize(&f, c);
            uint32_t back = lq_quantize(&f, v);
            codes++;
            CHECK(v == ref_value(&f, c), "%s: code %u decodes to %.17g, the spec says %.17g", nm,
                  c, v, ref_value(&f, c));
            if (lq_code_canonical(&f, c))
                CHECK(back == c, "%s: code %u -> %.17g -> %u", nm, c, v, back);
            else
                CHECK(back == 0 && v == 0.0, "%s: negative zero %u -> %.17g -> %u", nm, c, v, back);
        }
    }
    CHECK(codes > 50000, "only %ld codes tried", codes);
}

/* The largest double below t and the smallest double >= t, for t given as a long
 * computation: the nearest double d to t, then its neighbour on the right side. */
static void bracket(f128 t, double *below, double *above)
{
    double d = (double)t;
    if ((f128)d >= t) {
        *above = d;
        *below = nextafter(d, 0.0);
    } else {
        *below = d;
        *above = nextafter(d, INFINITY);
    }
    if ((f128)*below >= t)
        *below = nextafter(*below, 0.0);
}

/* 2^(num/den) for small den, as a 113-bit number: a double start refined by Newton. */
static f128 pow2_frac(int num, int den)
{
    int whole = num >= 0 ? num / den : -((-num + den - 1) / den);
    int rem = num - whole * den; /* 0 .. den-1 */
    f128 y = (f128)pow(2.0, (double)rem / den);
    for (int it = 0; it < 6; it++) { /* y^den = 2^rem */
        f128 p = 1;
        for (int i = 0; i < den - 1; i++)
            p *= y;
        y = y - (p * y - (f128)ldexp(1.0, rem)) / (den * p);
    }
    f128 s = 1;
    for (int i = 0; i < (whole >= 0 ? whole : -whole); i++)
        s *= 2;
    return whole >= 0 ? y * s : y / s;
}

static void test_log_thresholds(void)
{
    long tried = 0;
    FOR_FORMATS(f) {
        char nm[96];
        int sc, b, lo, hi;
        if (f.scheme == LQ_LINEAR)
            continue;
        fmt_name(&f, nm);
        sc = f.scheme == LQ_LOGSQRT2 ? 2 : 1;
        b = lq_mag_bits(&f);
        lo = sc * f.fsr - (1 << b);
        hi = sc * f.fsr;
        /* every decision edge from below the flush edge to above saturation, in
         * units of the rounded quantity: floor edges at integers, nearest at halves */
        for (int e = lo - 2; e <= hi + 2; e++) {
            int num = f.rounding == LQ_FLOOR ? 2 * e : 2 * e + 1; /* edge = num/2 */
            f128 t = pow2_frac(num, 2 * sc);
            double below, above;
            bracket(t, &below, &above);
            for (int s = 0; s <= 1; s++) {
                double xb = s ? -below : below, xa = s ? -above : above;
                uint32_t qb = lq_quantize(&f, xb), qa = lq_quantize(&f, xa);
                uint32_t rb = ref_quant_log(&f, xb), ra = ref_quant_log(&f, xa);
                CHECK(qb == rb, "%s: %.17g -> %u, reference %u", nm, xb, qb, rb);
                CHECK(qa == ra, "%s: %.17g -> %u, reference %u", nm, xa, qa, ra);
                /* inside the range the two sides must differ by one level */
                if (e > lo && e < hi - 1 && (f.is_signed || !s))
                    CHECK((qa & ((1u << b) - 1)) == (qb & ((1u << b) - 1)) + 1,
                          "%s: edge 2^(%d/%d): %.17g -> %u, %.17g -> %u", nm, num, 2 * sc, xb, qb,
                          xa, qa);
                tried += 2;
            }
        }
    }
    CHECK(tried > 10000, "only %ld threshold values", tried);
}

static void test_log_random_vs_reference(void)
{
    lq_rng r;
    lq_rng_seed(&r, 12345);
    printf("  seed 12345 (rerun: this binary)\n");
    FOR_FORMATS(f) {
        char nm[96];
        if (f.scheme == LQ_LINEAR)
            continue;
        fmt_name(&f, nm);
        for (int i = 0; i < 400; i++) {
            /* magnitudes spread over the format's range and beyond */
            double span = (double)((1 << lq_mag_bits(&f)) + 6);
            double ex = f.fsr + 3 - lq_rng_uniform(&r) * span;
            double x = ldexp(1.0 + lq_rng_uniform(&r), (int)floor(ex));
            if (lq_rng_u64(&r) & 1)
                x = -x;
            uint32_t q = lq_quantize(&f, x), rq = ref_quant_log(&f, x);
            CHECK(q == rq, "%s: %.17g -> %u, reference %u", nm, x, q, rq);
        }
    }
}

static void test_linear_edges(void)
{
    FOR_FORMATS(f) {
        char nm[96];
        int s;
        int64_t lo, hi;
        if (f.scheme != LQ_LINEAR)
            continue;
        fmt_name(&f, nm);
        s = f.fsr - f.bits + (f.is_signed ? 1 : 0);
        lo = f.is_signed ? -((int64_t)1 << (f.bits - 1)) : 0;
        hi = f.is_signed ? ((int64_t)1 << (f.bits - 1)) - 1 : ((int64_t)1 << f.bits) - 1;
        for (int64_t k = lo - 2; k <= hi + 2; k++) {
            /* edges: k + 1/2 (nearest, ties away from zero) or k (floor) */
            double edge = f.rounding == LQ_FLOOR ? ldexp((double)k, s) : ldexp((double)k + 0.5, s);
            double xs[3] = {nextafter(edge, -INFINITY), edge, nextafter(edge, INFINITY)};
            for (int i = 0; i < 3; i++) {
                double v = ldexp(xs[i], -s), want;
                if (f.rounding == LQ_FLOOR)
                    want = floor(v);
                else { /* ties away from zero, on |v| where |v| - floor(|v|) is exact */
                    double a = fabs(v), fl = floor(a), fr = a - fl;
                    want = fr >= 0.5 ? fl + 1 : fl;
                    if (v < 0)
                        want = -want;
                }
                if (want < (double)lo)
                    want = (double)lo;
                if (want > (double)hi)
                    want = (double)hi;
                int64_t got = lq_linear_int(&f, lq_quantize(&f, xs[i]));
                CHECK(got == (int64_t)want, "%s: %.17g -> %lld, want %.0f", nm, xs[i],
                      (long long)got, want);
            }
            if (hi - lo > 4000 && k == lo + 3)
                k = hi - 3; /* wide formats: both ends are enough */
        }
        /* far outside: saturation, never wrap-around */
        CHECK(lq_linear_int(&f, lq_quantize(&f, 1e300)) == hi, "%s: 1e300 does not saturate", nm);
        CHECK(lq_linear_int(&f, lq_quantize(&f, -1e300)) == lo, "%s: -1e300 does not saturate", nm);
    }
}

static void test_worked_examples(void)
{
    lq_format f = lq_format_default(); /* log2, 5 bits signed, fsr 0: b = 4 */
    char bin[40];
    /* 0.3: log2 = -1.737 -> nearest -2 -> m = -2 - (-16) = 14 */
    CHECK(lq_quantize(&f, 0.3) == 14, "0.3 -> %u", lq_quantize(&f, 0.3));
    CHECK(strcmp(lq_bin(lq_quantize(&f, -0.3), 5, bin), "11110") == 0, "-0.3 -> %s", bin);
    CHECK(lq_dequantize(&f, 14) == 0.25, "14 -> %.17g", lq_dequantize(&f, 14));
    /* saturation: 5.0 -> 2^-1 (m = 15); flush: 2^-16.6 -> 0, 2^-15.4 -> 2^-15 (m = 1) */
    CHECK(lq_quantize(&f, 5.0) == 15, "5.0 -> %u", lq_quantize(&f, 5.0));
    CHECK(lq_quantize(&f, pow(2, -16.6)) == 0, "2^-16.6 -> %u", lq_quantize(&f, pow(2, -16.6)));
    CHECK(lq_quantize(&f, pow(2, -15.4)) == 1, "2^-15.4 -> %u", lq_quantize(&f, pow(2, -15.4)));
    /* log-sqrt(2): 0.3 -> 2 log2 = -3.47 -> -3 -> 2^-1.5 */
    f.scheme = LQ_LOGSQRT2;
    CHECK(lq_log_fields(&f, lq_quantize(&f, 0.3)).exp == -3, "sqrt2 0.3 exp %d",
          lq_log_fields(&f, lq_quantize(&f, 0.3)).exp);
    CHECK(lq_dequantize(&f, lq_quantize(&f, 0.3)) == 0x1.6a09e667f3bcdp-2, "sqrt2 0.3 value");
    /* linear signed 4 bits fsr 0: step 1/8, 0.3 -> 2.4 -> 2; 0.3125 = 2.5 -> 3 */
    f.scheme = LQ_LINEAR;
    f.bits = 4;
    CHECK(lq_linear_int(&f, lq_quantize(&f, 0.3)) == 2, "linear 0.3");
    CHECK(lq_linear_int(&f, lq_quantize(&f, 0.3125)) == 3, "linear 0.3125 tie");
    CHECK(lq_linear_int(&f, lq_quantize(&f, -0.3125)) == -3, "linear -0.3125 tie");
    CHECK(lq_linear_int(&f, lq_quantize(&f, 1.0)) == 7, "linear 1.0 saturates");
}

static void test_sqrt2_const(void)
{
    for (int p = 1; p <= 30; p++) {
        uint32_t k = lq_sqrt2_const(p);
        f128 exact = pow2_frac(1, 2) * (f128)ldexp(1.0, p);
        f128 d = (f128)k - exact;
        CHECK(d <= 0.5 && d >= -0.5, "p=%d: K=%u is not the nearest integer", p, k);
    }
    CHECK(lq_sqrt2_const(8) == 362, "K(8) = %u", lq_sqrt2_const(8));
}

static void test_fixed_point(void)
{
    FOR_FORMATS(f) {
        char nm[96];
        fmt_name(&f, nm);
        for (uint32_t c = 0; c < (1u << f.bits) && c < 4096; c++) {
            int64_t v;
            int frac = 40 - f.fsr;
            double d = lq_dequantize(&f, c);
            lq_logfields lf = lq_log_fields(&f, c);
            if (f.scheme == LQ_LOGSQRT2 && !lf.zero && (lf.exp & 1)) {
                /* the hardware's constant: K(16) * 2^(floor(e2/2) - 16) */
                int rc = lq_code_fixed(&f, c, frac, 16, &v);
                double want = ldexp((double)lq_sqrt2_const(16) * (lf.sign ? -1 : 1),
                                    (int)floor(lf.exp / 2.0) + frac - 16);
                if (rc == 0)
                    CHECK((double)v == want, "%s: code %u fixed %lld want %.17g", nm, c,
                          (long long)v, want);
                continue;
            }
            if (lq_code_fixed(&f, c, frac, 16, &v) == 0)
                CHECK((double)v == ldexp(d, frac), "%s: code %u fixed %lld value %.17g", nm, c,
                      (long long)v, d);
            else
                CHECK(fabs(ldexp(d, frac)) >= 0x1p62 || ldexp(d, frac) != floor(ldexp(d, frac)),
                      "%s: code %u refused though %.17g * 2^%d is an integer", nm, c, d, frac);
        }
    }
}

static void test_format_check(void)
{
    lq_format f = lq_format_default();
    char msg[256];
    f.bits = 11;
    CHECK(lq_format_check(&f, msg, sizeof msg) != 0 && strstr(msg, "11"), "bits 11: %s", msg);
    f.bits = 1;
    CHECK(lq_format_check(&f, msg, sizeof msg) != 0 && strstr(msg, "--bits 1"), "signed log 1 bit");
    f.is_signed = false;
    CHECK(lq_format_check(&f, msg, sizeof msg) == 0, "unsigned log 1 bit: %s", msg);
    f = lq_format_default();
    f.bits = 10;
    f.fsr = -600;
    CHECK(lq_format_check(&f, msg, sizeof msg) != 0 && strstr(msg, "-600"), "fsr -600: %s", msg);
    f = lq_format_default();
    f.scheme = LQ_SLQ;
    f.theta = -1;
    CHECK(lq_format_check(&f, msg, sizeof msg) != 0 && strstr(msg, "theta"), "theta: %s", msg);
    f.theta = 0;
    f.max_words = 9;
    CHECK(lq_format_check(&f, msg, sizeof msg) != 0 && strstr(msg, "9"), "words: %s", msg);
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    RUN(test_roundtrip_every_code);
    RUN(test_log_thresholds);
    RUN(test_log_random_vs_reference);
    RUN(test_linear_edges);
    RUN(test_worked_examples);
    RUN(test_sqrt2_const);
    RUN(test_fixed_point);
    RUN(test_format_check);
    return check_done();
}
