/* Unit tests of the hardware quantizer model (cmodel/quanthw.c): the threshold
 * constants against an independent long double evaluation, and the integer method
 * of the RTL against the specification (lq_quantize of the exact value) on every
 * input of many small configurations and on the neighbours of every threshold of
 * wide ones. */
#include <math.h>
#include <string.h>

#include "../../cmodel/quant.h"
#include "../../cmodel/quanthw.h"
#include "../../cmodel/rng.h"
#include "check.h"

/* Kp = ceil(2^(p/4) 2^(a-1)): the long double value lies strictly between Kp - 1 and
 * Kp, far from both (a 64-bit mantissa resolves 2^-30 at 2^33). */
static void test_thresholds(void)
{
    for (int a = 1; a <= 32; a++)
        for (int p = 1; p <= 3; p++) {
            long double t = exp2l((long double)p / 4.0L + (long double)(a - 1));
            uint64_t k = lq_qhw_threshold(a, p);
            long double gap_lo = t - (long double)(k - 1), gap_hi = (long double)k - t;
            CHECK(gap_lo > 1e-6L && gap_hi > 1e-6L, "a=%d p=%d K=%llu t=%.12Lf", a, p,
                  (unsigned long long)k, t);
        }
    CHECK(lq_qhw_threshold(8, 2) == 182, "ceil(sqrt2 * 128) = 182: %llu",
          (unsigned long long)lq_qhw_threshold(8, 2));
    CHECK(lq_qhw_threshold(2, 3) == 4, "2^(3/4)*2 = 3.36 rounds up to 4 (never reached)");
}

static lq_qhw_cfg cfg_of(int a, int insg, int lsb, int relu, lq_scheme sch, lq_rounding r,
                         int bits, int outsg, int fsr)
{
    lq_qhw_cfg c;
    memset(&c, 0, sizeof c);
    c.lanes = 1;
    c.in_bits = a;
    c.in_signed = insg;
    c.in_lsb = lsb;
    c.relu = relu;
    c.out = lq_format_default();
    c.out.scheme = sch;
    c.out.rounding = r;
    c.out.bits = bits;
    c.out.is_signed = outsg;
    c.out.fsr = fsr;
    return c;
}

/* Every input of many configurations: FSR placed so the range is inside, below (all
 * flush) and above (all saturate) the input's span, and straddling its ends. */
static void test_exhaustive(void)
{
    static const int as[] = {2, 3, 5, 8, 11};
    long configs = 0, inputs = 0;
    for (unsigned ai = 0; ai < sizeof as / sizeof as[0]; ai++)
        for (int insg = 0; insg < 2; insg++)
            for (int relu = 0; relu < 2; relu++)
                for (int sch = 0; sch < 2; sch++)
                    for (int r = 0; r < 2; r++)
                        for (int outsg = 0; outsg < 2; outsg++)
                            for (int bits = 2; bits <= 6; bits += 2)
                                for (int fi = 0; fi < 5; fi++) {
                                    int a = as[ai], lsb = fi == 4 ? 3 : -a + 1;
                                    static const int foff[] = {-6, 0, 3, 40, -40};
                                    int fsr = a + lsb + foff[fi];
                                    lq_qhw_cfg c = cfg_of(a, insg, lsb, relu,
                                                          sch ? LQ_LOGSQRT2 : LQ_LOG2,
                                                          r ? LQ_FLOOR : LQ_NEAREST, bits,
                                                          outsg, fsr);
                                    lq_qhw m;
                                    char msg[200];
                                    if (lq_qhw_init(&m, &c, msg, sizeof msg) != 0) {
                                        CHECK(0, "init: %s", msg);
                                        continue;
                                    }
                                    configs++;
                                    for (uint32_t f = 0; f < (1u << a); f++) {
                                        uint32_t want = lq_qhw_code(&c, f);
                                        uint32_t got = lq_qhw_code_int(&c, &m.k, f);
                                        inputs++;
                                        CHECK(got == want,
                                              "A=%d s=%d lsb=%d relu=%d %s %s B=%d s=%d "
                                              "fsr=%d: field %u: %u vs %u",
                                              a, insg, lsb, relu, lq_scheme_name(c.out.scheme),
                                              lq_rounding_name(c.out.rounding), bits, outsg,
                                              fsr, f, got, want);
                                    }
                                }
    CHECK(configs == 2400 && inputs > 100000, "%ld configs, %ld inputs", configs, inputs);
}

/* Wide inputs: both integer neighbours of every threshold c 2^n (c = 1, 2^(1/4),
 * 2^(1/2), 2^(3/4)) in every octave, both signs, plus random fields. */
static void test_wide(void)
{
    lq_rng rng;
    lq_rng_seed(&rng, 7);
    for (int a = 20; a <= 32; a += 3)
        for (int sch = 0; sch < 2; sch++)
            for (int r = 0; r < 2; r++) {
                lq_qhw_cfg c = cfg_of(a, 1, -a / 2, 0, sch ? LQ_LOGSQRT2 : LQ_LOG2,
                                      r ? LQ_FLOOR : LQ_NEAREST, 10, 1, a / 2 - 3);
                lq_qhw m;
                char msg[200];
                CHECK(lq_qhw_init(&m, &c, msg, sizeof msg) == 0, "%s", msg);
                for (int n = 0; n < a - 1; n++)
                    for (int p = 0; p < 4; p++) {
                        uint64_t t = p == 0 ? (uint64_t)1 << n
                                            : (lq_qhw_threshold(n + 1, p));
                        for (int64_t d = -1; d <= 0; d++) {
                            int64_t u = (int64_t)t + d;
                            if (u < 1 || u > ((int64_t)1 << (a - 1)))
                                continue;
                            for (int sg = 0; sg < 2; sg++) {
                                uint32_t f = (uint32_t)((sg ? -u : u) &
                                                        (int64_t)(((uint64_t)1 << a) - 1));
                                CHECK(lq_qhw_code_int(&c, &m.k, f) == lq_qhw_code(&c, f),
                                      "A=%d field %u", a, f);
                            }
                        }
                    }
                for (int i = 0; i < 20000; i++) {
                    uint32_t f = (uint32_t)(lq_rng_u64(&rng) & (((uint64_t)1 << a) - 1));
                    f >>= lq_rng_below(&rng, (uint64_t)a); /* every octave */
                    CHECK(lq_qhw_code_int(&c, &m.k, f) == lq_qhw_code(&c, f), "A=%d field %u",
                          a, f);
                }
            }
}

/* The paper's flush example carried to fixed point, the fault, the step and the refusals. */
static void test_misc(void)
{
    lq_qhw_cfg c = cfg_of(8, 1, -4, 0, LQ_LOG2, LQ_NEAREST, 5, 1, 0);
    lq_qhw m;
    char msg[200];
    uint32_t in[3] = {5, 0xfb, 0x80}, out[3];
    CHECK(lq_qhw_init(&m, &c, msg, sizeof msg) == 0, "%s", msg);
    /* 5/16 = 0.3125: log2 = -1.68 -> -2, m = 14 (formats.md 3.3); -5/16: sign set;
     * -128/16 = -8 saturates to -0.5 */
    c.lanes = 3;
    CHECK(lq_qhw_init(&m, &c, msg, sizeof msg) == 0, "%s", msg);
    lq_qhw_step(&m, in, out);
    CHECK(out[0] == 14 && out[1] == (16u | 14u) && out[2] == (16u | 15u) && m.beats == 1,
          "%u %u %u", out[0], out[1], out[2]);
    c.relu = 1;
    CHECK(lq_qhw_code(&c, 0xfb) == 0 && lq_qhw_code_int(&c, &m.k, 0xfb) == 0, "relu");
    c.relu = 0;
    /* 23/16 = 1.4375 >= ... : u = 22 rounds down (22 < 16 sqrt2 = 22.6), 23 up */
    c.out.fsr = 4;
    c.fault = 1;
    {
        lq_qhw mf;
        CHECK(lq_qhw_init(&mf, &c, msg, sizeof msg) == 0, "%s", msg);
        c.fault = 0;
        CHECK(lq_qhw_code(&c, 22) != lq_qhw_code(&mf.cfg, 22), "the fault moves 22 up");
        CHECK(lq_qhw_code(&c, 23) == lq_qhw_code(&mf.cfg, 23), "but not 23");
    }
    c = cfg_of(8, 1, 0, 0, LQ_LINEAR, LQ_NEAREST, 5, 1, 0);
    CHECK(lq_qhw_check(&c, msg, sizeof msg) != 0 && strstr(msg, "linear"), "%s", msg);
    c = cfg_of(33, 1, 0, 0, LQ_LOG2, LQ_NEAREST, 5, 1, 0);
    CHECK(lq_qhw_check(&c, msg, sizeof msg) != 0 && strstr(msg, "33"), "%s", msg);
    c = cfg_of(8, 1, 300, 0, LQ_LOG2, LQ_NEAREST, 5, 1, 0);
    CHECK(lq_qhw_check(&c, msg, sizeof msg) != 0 && strstr(msg, "300"), "%s", msg);
    c = cfg_of(8, 1, 0, 0, LQ_LOG2, LQ_NEAREST, 11, 1, 0);
    CHECK(lq_qhw_check(&c, msg, sizeof msg) != 0 && strstr(msg, "11"), "%s", msg);
    c = cfg_of(8, 1, 0, 0, LQ_LOG2, LQ_NEAREST, 5, 1, 0);
    c.lanes = 257;
    CHECK(lq_qhw_check(&c, msg, sizeof msg) != 0 && strstr(msg, "257"), "%s", msg);
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    check_run("quanthw thresholds against long double", test_thresholds);
    check_run("quanthw integer method = lq_quantize, every input of 2400 configurations",
              test_exhaustive);
    check_run("quanthw integer method = lq_quantize, threshold neighbours, A 20..32",
              test_wide);
    check_run("quanthw example, relu, fault, refusals", test_misc);
    return check_done();
}
