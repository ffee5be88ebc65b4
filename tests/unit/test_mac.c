/* Unit tests of the MAC model (cmodel/mac.c): products against lq_code_fixed, the
 * width formulas against every product, truncation, accumulation and wrapping, the
 * wide-integer helpers and the refusals. */
#include <string.h>

#include "../../cmodel/logq.h"
#include "check.h"

static lq_mac_config cfg_shift(int wbits, int fsr, int wsigned, int half, int abits,
                               int asigned)
{
    lq_mac_config c;
    memset(&c, 0, sizeof c);
    c.mode = LQ_MAC_SHIFT;
    c.lanes = 4;
    c.w = lq_format_default();
    c.w.scheme = half ? LQ_LOGSQRT2 : LQ_LOG2;
    c.w.bits = wbits;
    c.w.fsr = fsr;
    c.w.is_signed = wsigned;
    c.a = lq_format_default();
    c.a.scheme = LQ_LINEAR;
    c.a.bits = abits;
    c.a.fsr = abits - (asigned ? 1 : 0);
    c.a.is_signed = asigned;
    c.sqrt2_frac = 8;
    c.frac = LQ_MAC_FRAC_EXACT;
    c.max_beats = 16;
    return c;
}

static int64_t wide_i64(const lq_wide *x)
{
    return (int64_t)x->limb[0];
}

/* x fits in `bits` signed bits */
static int wide_fits(const lq_wide *x, int bits)
{
    lq_wide y = *x;
    lq_wide_sext(&y, bits);
    return lq_wide_eq(&y, x);
}

static int64_t floor_div_pow2(int64_t v, int t)
{
    if (t == 0)
        return v;
    if (t >= 63)
        return v < 0 ? -1 : 0;
    return v >= 0 ? v >> t : -((-v + ((int64_t)1 << t) - 1) >> t);
}

/* Every (a, w) pair of ce (exact) and, with fr, of ce truncated by 3 bits: the
 * product equals the activation's integer times the weight's exact fixed point
 * (lq_code_fixed), floored, and fits the derived widths. */
static void check_products(const lq_mac_config *ce, int fr)
{
    lq_mac_config c = *ce;
    lq_mac_widths we, wd;
    char msg[200];
    CHECK(lq_mac_derive(ce, &we, msg, sizeof msg) == 0, "%s", msg);
    if (fr)
        c.frac = we.frac_exact - 3;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) == 0, "%s", msg);
    for (uint32_t a = 0; a < 32; a++)
        for (uint32_t w = 0; w < (1u << c.w.bits); w++) {
            int64_t wf = 0, want;
            lq_wide p, full;
            int rc = lq_code_fixed(&c.w, w, we.frac_exact, 8, &wf);
            CHECK(rc == 0, "code_fixed w=%u", w);
            want = floor_div_pow2(lq_linear_int(&c.a, a) * wf, wd.trunc);
            lq_mac_product(&c, &wd, a, w, &p);
            CHECK(wide_i64(&p) == want && wide_fits(&p, wd.prod_out_bits),
                  "%s %s bits %d%s fsr %d a=%u w=%u: %lld want %lld (%d bits)",
                  lq_mac_mode_name(c.mode), lq_scheme_name(c.w.scheme), c.w.bits,
                  c.w.is_signed ? "s" : "u", c.w.fsr, a, w, (long long)wide_i64(&p),
                  (long long)want, wd.prod_out_bits);
            lq_mac_product(ce, &we, a, w, &full);
            CHECK(wide_fits(&full, we.prod_bits), "WP a=%u w=%u", a, w);
        }
}

/* Every (a, w) pair of small shift/mult configurations against lq_code_fixed. */
static void test_shift_products(void)
{
    for (int half = 0; half <= 1; half++)
        for (int wbits = 2; wbits <= 5; wbits++)
            for (int ws = 0; ws <= 1; ws++)
                for (int as = 0; as <= 1; as++)
                    for (int fsr = -3; fsr <= 4; fsr += 7)
                        for (int fr = 0; fr <= 1; fr++) {
                            lq_mac_config c = cfg_shift(wbits, fsr, ws, half, 5, as);
                            check_products(&c, fr);
                        }
}

/* Linear mode: every (a, w) pair of small configurations against the weight's exact
 * fixed point (lq_code_fixed) times the activation's integer, truncated by floor; the
 * widest products (32 x 32 bits) against their decimal values. */
static void test_linear_products(void)
{
    static const struct {
        int ab, as, wb, ws;
        uint32_t a, w;
        const char *want;
    } wide[] = {
        {32, 0, 32, 0, 0xffffffffu, 0xffffffffu, "18446744065119617025"},
        {32, 1, 32, 1, 0x80000000u, 0x80000000u, "4611686018427387904"},
        {32, 0, 32, 1, 0xffffffffu, 0x80000000u, "-9223372034707292160"},
        {32, 1, 31, 0, 0x80000000u, 0x7fffffffu, "-4611686016279904256"},
    };
    for (int wbits = 1; wbits <= 6; wbits++)
        for (int ws = 0; ws <= 1; ws++)
            for (int as = 0; as <= 1; as++)
                for (int fsr = -3; fsr <= 6; fsr += 9)
                    for (int fr = 0; fr <= 1; fr++) {
                        lq_mac_config c = cfg_shift(wbits, fsr, ws, 0, 5, as);
                        c.mode = LQ_MAC_LINEAR;
                        c.w.scheme = LQ_LINEAR;
                        check_products(&c, fr);
                    }
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        lq_mac_config c = cfg_shift(5, 0, 1, 0, wide[i].ab, wide[i].as);
        lq_mac_widths wd;
        lq_wide p;
        char buf[200];
        c.mode = LQ_MAC_LINEAR;
        c.w = c.a;
        c.w.bits = wide[i].wb;
        c.w.is_signed = wide[i].ws;
        c.w.fsr = wide[i].wb - wide[i].ws;
        CHECK(lq_mac_derive(&c, &wd, NULL, 0) == 0, "derive %zu", i);
        lq_mac_product(&c, &wd, wide[i].a, wide[i].w, &p);
        CHECK(strcmp(lq_wide_dec(&p, buf), wide[i].want) == 0 && wide_fits(&p, wd.prod_bits),
              "0x%x * 0x%x = %s, want %s (%d bits)", wide[i].a, wide[i].w, buf, wide[i].want,
              wd.prod_bits);
    }
}

/* loglog, base 2: the product of the two exact values; base sqrt(2): two odd
 * half-step exponents give an even sum, exactly a power of two. */
static void test_loglog_products(void)
{
    lq_mac_config c = cfg_shift(4, 0, 1, 0, 5, 1);
    lq_mac_widths wd;
    c.mode = LQ_MAC_LOGLOG;
    c.a = lq_format_default();
    c.a.bits = 5;
    c.a.fsr = 2;
    CHECK(lq_mac_derive(&c, &wd, NULL, 0) == 0, "derive");
    for (uint32_t a = 0; a < 32; a++)
        for (uint32_t w = 0; w < 16; w++) {
            double want = lq_dequantize(&c.a, a) * lq_dequantize(&c.w, w);
            lq_wide p;
            lq_mac_product(&c, &wd, a, w, &p);
            CHECK((double)wide_i64(&p) == want * (double)((int64_t)1 << wd.frac_exact) &&
                      wide_fits(&p, wd.prod_bits),
                  "loglog a=%u w=%u: %lld", a, w, (long long)wide_i64(&p));
        }
    c.w.scheme = c.a.scheme = LQ_LOGSQRT2;
    c.sqrt2_frac = 6;
    CHECK(lq_mac_derive(&c, &wd, NULL, 0) == 0, "derive sqrt2");
    for (uint32_t a = 1; a < 16; a++)
        for (uint32_t w = 1; w < 8; w++) {
            lq_logfields la = lq_log_fields(&c.a, a), lw = lq_log_fields(&c.w, w);
            int e = la.exp + lw.exp;
            lq_wide p, q;
            lq_mac_product(&c, &wd, a, w, &p);
            CHECK(wide_fits(&p, wd.prod_bits), "sqrt2 fits a=%u w=%u", a, w);
            if (e % 2 == 0) { /* exactly 2^(e/2) */
                lq_wide_from_i64(&q, 1);
                lq_wide_shl(&q, e / 2 + wd.frac_exact);
                CHECK(lq_wide_eq(&p, &q), "sqrt2 even a=%u w=%u", a, w);
            }
        }
}

static void test_accumulate(void)
{
    lq_mac_config c = cfg_shift(5, 0, 1, 0, 8, 1);
    lq_mac_state s;
    lq_wide out;
    uint32_t a[4] = {0x80, 0x80, 0x80, 0x80}, w[4] = {0x1f, 0x1f, 0x1f, 0x1f};
    long k;
    char buf[200];
    CHECK(lq_mac_reset(&s, &c, NULL, 0) == 0, "reset");
    /* K beats of the most negative product reach near the limit, without overflow */
    for (k = 1; k < c.max_beats; k++)
        CHECK(lq_mac_step(&s, a, w, 0, &out) == 0, "no output before last");
    CHECK(lq_mac_step(&s, a, w, 1, &out) == 1, "output at last");
    /* -128 * (-2^14) = 2^21 per lane (w = sign|15: -2^(0-15+15-1) = -2^-1 ... in aligned
     * units -2^14); 4 lanes, 16 beats: 2^27 */
    CHECK(strcmp(lq_wide_dec(&out, buf), "134217728") == 0, "sum %s", buf);
    CHECK(wide_fits(&out, s.wd.out_bits), "fits %d", s.wd.out_bits);
    /* restarted: one beat of zeros */
    memset(w, 0, sizeof w);
    CHECK(lq_mac_step(&s, a, w, 1, &out) == 1 && strcmp(lq_wide_dec(&out, buf), "0") == 0,
          "restart %s", buf);
    /* the fault makes a difference on negative products of the last lane */
    c.fault = 1;
    lq_mac_reset(&s, &c, NULL, 0);
    w[3] = 0x01; /* -128 * 2^0: negative */
    lq_mac_step(&s, a, w, 1, &out);
    CHECK(strcmp(lq_wide_dec(&out, buf), "-128") != 0, "fault changes the sum: %s", buf);
}

static void test_wide(void)
{
    lq_wide x, y;
    char buf[200];
    lq_wide_from_i64(&x, -1);
    lq_wide_shl(&x, 300);
    CHECK(lq_wide_bit(&x, 299) == 0 && lq_wide_bit(&x, 300) == 1, "shl");
    lq_wide_sar(&x, 300);
    lq_wide_from_i64(&y, -1);
    CHECK(lq_wide_eq(&x, &y), "sar");
    lq_wide_from_i64(&x, -5);
    lq_wide_sar(&x, 1);
    CHECK(strcmp(lq_wide_dec(&x, buf), "-3") == 0, "floor(-5/2) = %s", buf);
    lq_wide_from_i64(&x, 255);
    lq_wide_sext(&x, 8);
    CHECK(strcmp(lq_wide_dec(&x, buf), "-1") == 0, "sext %s", buf);
    CHECK(strcmp(lq_wide_hex(&x, 10, buf), "3ff") == 0, "hex %s", buf);
    lq_wide_from_i64(&x, INT64_MAX);
    lq_wide_from_i64(&y, INT64_MAX);
    lq_wide_add(&x, &y);
    CHECK(strcmp(lq_wide_dec(&x, buf), "18446744073709551614") == 0, "add carry %s", buf);
}

static void test_refusals(void)
{
    lq_mac_config c = cfg_shift(5, 0, 1, 0, 8, 1);
    lq_mac_widths wd;
    char msg[200];
    c.lanes = 0;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) != 0 && strstr(msg, "--lanes 0"), "%s", msg);
    c.lanes = 4;
    c.frac = 40;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) != 0 && strstr(msg, "--frac 40"), "%s", msg);
    c.frac = LQ_MAC_FRAC_EXACT;
    c.a.bits = 33;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) != 0 && strstr(msg, "--act-bits 33"), "%s",
          msg);
    c.a.bits = 8;
    c.w.scheme = LQ_LOGSQRT2;
    c.sqrt2_frac = 0;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) != 0 && strstr(msg, "--sqrt2-frac 0"), "%s",
          msg);
    /* linear mode: a log weight, and a linear weight of 33 bits */
    c.mode = LQ_MAC_LINEAR;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) != 0 && strstr(msg, "linear code"), "%s", msg);
    c.w = c.a;
    c.w.bits = 33;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) != 0 && strstr(msg, "--bits 33"), "%s", msg);
    c.w.bits = 8;
    CHECK(lq_mac_derive(&c, &wd, msg, sizeof msg) == 0, "%s", msg);
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    RUN(test_shift_products);
    RUN(test_linear_products);
    RUN(test_loglog_products);
    RUN(test_accumulate);
    RUN(test_wide);
    RUN(test_refusals);
    return check_done();
}
