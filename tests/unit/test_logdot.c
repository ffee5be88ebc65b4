/* Unit tests of the log-domain dot product model (cmodel/logdot.c): the conversion
 * table against an independent 113-bit evaluation (iterated square roots of 2 in
 * __float128, not exp2l), the conversion against its formula, the products, the error
 * of whole dot products, the refusals. */
#include <math.h>
#include <string.h>

#include "../../cmodel/logdot.h"
#include "../../cmodel/quant.h"
#include "../../cmodel/rng.h"
#include "check.h"

typedef __float128 f128;

static f128 sqrt128(f128 a)
{
    f128 x = (f128)sqrt((double)a);
    for (int i = 0; i < 6; i++)
        x = (x + a / x) / 2;
    return x;
}

/* 2^(k / 2^F) = product over the set bits j of k of 2^(2^(j-F)), where 2^(2^-i) is
 * the square root of 2 taken i times. */
static f128 exp2_frac128(int f, long k)
{
    f128 root[11], y = 1;
    root[0] = 2;
    for (int i = 1; i <= f; i++)
        root[i] = sqrt128(root[i - 1]);
    for (int j = 0; j < f; j++)
        if ((k >> j) & 1)
            y *= root[f - j];
    return y;
}

static void test_table(void)
{
    static const int rs[] = {1, 4, 8, 16, 24, 30};
    long entries = 0;
    for (int f = 0; f <= LQ_LOGDOT_FRAC_MAX; f++)
        for (unsigned ri = 0; ri < sizeof rs / sizeof rs[0]; ri++) {
            int r = rs[ri];
            for (long k = 0; k < (1L << f); k++) {
                f128 y = exp2_frac128(f, k) * (f128)ldexp(1.0, r);
                int64_t ref = (int64_t)(y + (f128)0.5);
                f128 frac = y - (f128)(int64_t)y;
                f128 tie = frac > (f128)0.5 ? frac - (f128)0.5 : (f128)0.5 - frac;
                int64_t t = lq_logdot_table_entry(f, r, k, NULL);
                CHECK(t == ref, "F=%d R=%d k=%ld: %lld vs %lld", f, r, k, (long long)t,
                      (long long)ref);
                CHECK(tie > (f128)1e-12, "F=%d R=%d k=%ld near a tie", f, r, k);
                CHECK(t >= (1LL << r) && t <= (2LL << r), "F=%d R=%d k=%ld: %lld", f, r, k,
                      (long long)t);
                entries++;
            }
        }
    CHECK(entries == 6 * 2047, "%ld entries", entries);
    CHECK(lq_logdot_table_entry(1, 8, 1, NULL) == 362, "sqrt(2) * 256 -> 362");
}

static lq_logdot_cfg cfg_default(void)
{
    lq_logdot_cfg c;
    memset(&c, 0, sizeof c);
    c.lanes = 4;
    c.act = lq_format_default();
    c.wgt = lq_format_default();
    c.corr = LQ_CORR_TABLE;
    c.frac = 8;
    c.table_bits = 16;
    c.out_frac = 16;
    c.out_bits = 32;
    return c;
}

/* L(v) = floor(T[k] 2^(q + OF - R)), saturated: against long double, every v of a
 * 14-bit state, and within the documented error of 2^(v/2^F) 2^OF; with a wide result
 * and with one narrower than the table (R + 2 > OW: right shifts saturate too). */
static void conversion_case(int out_bits, int out_frac)
{
    lq_logdot_cfg c = cfg_default();
    lq_logdot m;
    char msg[200];
    long nsat = 0;
    c.wgt.bits = c.act.bits = 4; /* products -12..-2: E = 5, state 5 + 1 + 8 bits */
    c.out_bits = out_bits;
    c.out_frac = out_frac;
    CHECK(lq_logdot_init(&m, &c, msg, sizeof msg) == 0, "%s", msg);
    CHECK(m.exp_bits == 5 && m.acc.state_bits == 14, "E %d SW %d", m.exp_bits,
          m.acc.state_bits);
    for (int64_t v = m.acc.vmin; v <= m.acc.vmax; v++) {
        lq_lval x = {0, v};
        int sat = 0;
        int64_t l = lq_logdot_lin(&m, x, &sat);
        long double q = floorl((long double)v / 256.0L), k = (long double)v - q * 256.0L;
        long double want =
            floorl(ldexpl((long double)m.tab[(int)k], (int)q + out_frac - 16));
        long double exact = ldexpl(exp2l((long double)v / 256.0L), out_frac);
        if (want > (long double)m.lmax) {
            CHECK(sat == 1 && l == m.lmax, "OW=%d v=%lld", out_bits, (long long)v);
            nsat++;
        } else {
            CHECK(sat == 0 && (long double)l == want, "OW=%d v=%lld: %lld vs %.0Lf", out_bits,
                  (long long)v, (long long)l, want);
            CHECK(fabsl((long double)l - exact) <= 1.0L + exact * ldexpl(1.0L, -17),
                  "OW=%d v=%lld: %lld vs %.3Lf", out_bits, (long long)v, (long long)l, exact);
        }
    }
    CHECK(nsat > 0, "OW=%d: no saturation reached", out_bits);
    {
        lq_lval z = {1, 0};
        int sat = 0;
        CHECK(lq_logdot_lin(&m, z, &sat) == 0 && sat == 0, "zero");
    }
    lq_logdot_free(&m);
}

static void test_conversion(void)
{
    conversion_case(20, 10);
    conversion_case(8, 2);
}

/* Products: exponents add, signs multiply, a zero code (or the negative zero) of
 * either operand is a zero term. */
static void test_terms(void)
{
    lq_logdot_cfg c = cfg_default();
    lq_logdot m;
    char msg[200];
    c.act.scheme = c.wgt.scheme = LQ_LOGSQRT2;
    c.act.is_signed = false;
    CHECK(lq_logdot_init(&m, &c, msg, sizeof msg) == 0, "%s", msg);
    for (uint32_t a = 0; a < 32; a++)
        for (uint32_t w = 0; w < 32; w++) {
            lq_lterm t = lq_logdot_term(&m, a, w);
            lq_logfields fa = lq_log_fields(&c.act, a), fw = lq_log_fields(&c.wgt, w);
            double va = lq_dequantize(&c.act, a), vw = lq_dequantize(&c.wgt, w);
            if (fa.zero || fw.zero) {
                CHECK(t.zero, "a=%u w=%u", a, w);
                continue;
            }
            CHECK(!t.zero && t.sign == (va * vw < 0) &&
                      fabs(ldexp(1.0, 0) * pow(2.0, t.exp / 2.0) - fabs(va * vw)) <
                          1e-12 * fabs(va * vw),
                  "a=%u w=%u exp=%d", a, w, t.exp);
        }
    lq_logdot_free(&m);
}

/* Whole dot products: the table variant with F = 8 is close to the exact value. */
static void test_error(void)
{
    lq_logdot_cfg c = cfg_default();
    lq_logdot m;
    lq_rng r;
    char msg[200];
    double worst = 0;
    c.lanes = 16;
    c.act.bits = c.wgt.bits = 6;
    c.out_frac = 40;
    c.out_bits = 62;
    CHECK(lq_logdot_init(&m, &c, msg, sizeof msg) == 0, "%s", msg);
    lq_rng_seed(&r, 3);
    for (int v = 0; v < 300; v++) {
        long double exact = 0, l1 = 0;
        int beats = 1 + (int)lq_rng_below(&r, 16);
        lq_logdot_out o;
        for (int b = 0; b < beats; b++) {
            uint32_t a[16], w[16];
            for (int i = 0; i < 16; i++) {
                double x = lq_rng_gauss(&r) * 0.3, y = lq_rng_gauss(&r) * 0.3;
                a[i] = lq_quantize(&c.act, x);
                w[i] = lq_quantize(&c.wgt, y);
                exact += (long double)lq_dequantize(&c.act, a[i]) * lq_dequantize(&c.wgt, w[i]);
                l1 += fabsl((long double)lq_dequantize(&c.act, a[i]) * lq_dequantize(&c.wgt, w[i]));
            }
            CHECK(lq_logdot_step(&m, a, w, b + 1 == beats, &o) == (b + 1 == beats), "beat");
        }
        if (l1 > 0) {
            double e = (double)(fabsl(ldexpl((long double)o.result, -40) - exact) / l1);
            if (e > worst)
                worst = e;
        }
        CHECK(o.sat == 0, "vector %d saturated", v);
    }
    CHECK(worst < 0.02, "worst error relative to sum |p|: %g", worst);
    lq_logdot_free(&m);
}

static void test_refusals(void)
{
    lq_logdot_cfg c = cfg_default();
    char msg[200];
    c.frac = 11;
    CHECK(lq_logdot_check(&c, msg, sizeof msg) != 0 && strstr(msg, "11"), "%s", msg);
    c = cfg_default();
    c.act.scheme = LQ_LOGSQRT2;
    CHECK(lq_logdot_check(&c, msg, sizeof msg) != 0 && strstr(msg, "logsqrt2"), "%s", msg);
    c = cfg_default();
    c.out_bits = 63;
    CHECK(lq_logdot_check(&c, msg, sizeof msg) != 0 && strstr(msg, "63"), "%s", msg);
    c = cfg_default();
    c.table_bits = 0;
    CHECK(lq_logdot_check(&c, msg, sizeof msg) != 0 && strstr(msg, "table bits 0"), "%s", msg);
    c = cfg_default();
    c.lanes = 65;
    CHECK(lq_logdot_check(&c, msg, sizeof msg) != 0 && strstr(msg, "65"), "%s", msg);
    c = cfg_default();
    c.wgt.scheme = c.act.scheme = LQ_LOGSQRT2;
    c.frac = 0;
    CHECK(lq_logdot_check(&c, msg, sizeof msg) != 0 && strstr(msg, "frac 0"), "%s", msg);
    c = cfg_default();
    c.fault = 1;
    {
        lq_logdot m, g;
        CHECK(lq_logdot_init(&m, &c, msg, sizeof msg) == 0, "%s", msg);
        c.fault = 0;
        CHECK(lq_logdot_init(&g, &c, msg, sizeof msg) == 0, "%s", msg);
        CHECK(m.tab[255] == g.tab[254] && m.tab[254] == g.tab[254], "fault entry");
        lq_logdot_free(&m);
        lq_logdot_free(&g);
    }
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    check_run("logdot table = independent __float128 (F 0..10, R 1..30)", test_table);
    check_run("logdot conversion L(v), every v of a 14-bit state", test_conversion);
    check_run("logdot product terms", test_terms);
    check_run("logdot error of whole dot products (table, F=8)", test_error);
    check_run("logdot refusals and the fault switch", test_refusals);
    return check_done();
}
