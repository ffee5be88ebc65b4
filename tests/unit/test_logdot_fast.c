/* The log-domain dot product's fast paths (lq_logdot_fast in cmodel/logdot.h): the SIMD
 * ones as built (the wide one where the CPU has AVX-512 VBMI, else AVX2), the AVX2 one
 * (lq_logdot_force_avx2) and the scalar one (lq_logdot_force_scalar), each
 * against the general path (lq_logdot_force_general), which stays the reference
 * (test_logdot.c and test_logacc.c check it against exact values). Every beat must
 * give the same return value and the same output (both log sums, both conversions,
 * the saturation flag, the result). Exhaustive: every code pair of one lane (codes of
 * up to 6 bits, with stray high bits), every beat of two lanes (3-bit codes) and of
 * three and four lanes (2-bit codes), as one-beat vectors, and every two-beat vector of
 * one lane (3-bit codes), over a grid
 * of bases, corrections, F and output formats; then seeded random configurations (1 to
 * 64 lanes, vectors of 1 to 300 beats, biased towards zeros, one sign, saturation), and
 * every lane count 1 to 64 on configurations the SIMD path takes; lq_logdot_steps on
 * streams cut into calls at every position and at random (`last` anywhere, lengths
 * not a multiple of the byte states' two beats), on every code pair in every lane of
 * 16, and with the path switched between calls. All of it twice, the paths as built
 * and the scalar fast path, and the lq_logdot_steps tests a third time on the AVX2
 * path (lq_logdot_force_avx2; skipped when the first pass took it: no AVX-512).
 *
 *   SEED=N build/tests/test_logdot_fast     (default seed 1) */
#include <stdlib.h>
#include <string.h>

#include "../../cmodel/logdot.h"
#include "../../cmodel/rng.h"
#include "check.h"

static uint64_t seed = 1;
static int cpu_simd(void);
static int cpu_wide(void);
static long compared;
static int scalar; /* 1: the models under test are forced to the scalar fast path */
static int avx2;   /* 1: forced to the AVX2 SIMD path (lq_logdot_force_avx2) */
static long simd_configs; /* configurations whose model under test took the SIMD path */
static long wide_configs; /* ... the wide path */

typedef struct {
    lq_logdot f, g;
} dot_pair;

/* Initialize a fast and a general model of c: 0, or -1 when c is refused. */
static int pair_init(dot_pair *p, const lq_logdot_cfg *c)
{
    char msg[256];
    if (lq_logdot_init(&p->f, c, msg, sizeof msg) != 0)
        return -1;
    if (lq_logdot_init(&p->g, c, msg, sizeof msg) != 0) {
        lq_logdot_free(&p->f);
        return -1;
    }
    lq_logdot_force_general(&p->g);
    if (scalar)
        lq_logdot_force_scalar(&p->f);
    if (avx2)
        lq_logdot_force_avx2(&p->f);
    simd_configs += p->f.fast.simd;
    wide_configs += p->f.fast.wide;
    return 0;
}

static void pair_free(dot_pair *p)
{
    lq_logdot_free(&p->f);
    lq_logdot_free(&p->g);
}

static char *cfg_str(const lq_logdot_cfg *c, char *buf, size_t n)
{
    snprintf(buf, n, "lanes %d %s %s F %d R %d OF %d OW %d, a %d%s fsr %d, w %d%s fsr %d",
             c->lanes, c->wgt.scheme == LQ_LOGSQRT2 ? "sqrt2" : "base2",
             lq_logacc_corr_name(c->corr), c->frac, c->table_bits, c->out_frac, c->out_bits,
             c->act.bits, c->act.is_signed ? "s" : "u", c->act.fsr, c->wgt.bits,
             c->wgt.is_signed ? "s" : "u", c->wgt.fsr);
    return buf;
}

static int same_val(lq_lval x, lq_lval y)
{
    return x.zero == y.zero && x.v == y.v;
}

/* 1 when two outputs agree (the k-th of a stream). */
static int same_out(const lq_logdot_out *of, const lq_logdot_out *og, const char *what, long k)
{
    if (same_val(of->logs.pos, og->logs.pos) && same_val(of->logs.neg, og->logs.neg) &&
        of->lin_pos == og->lin_pos && of->lin_neg == og->lin_neg && of->sat == og->sat &&
        of->result == og->result)
        return 1;
    CHECK(0, "%s: output %ld: fast pos %d/%lld neg %d/%lld result %lld sat %d; general pos "
          "%d/%lld neg %d/%lld result %lld sat %d", what, k, of->logs.pos.zero,
          (long long)of->logs.pos.v, of->logs.neg.zero, (long long)of->logs.neg.v,
          (long long)of->result, of->sat, og->logs.pos.zero, (long long)og->logs.pos.v,
          og->logs.neg.zero, (long long)og->logs.neg.v, (long long)og->result, og->sat);
    return 0;
}

/* One beat on both; 1 when they agree. */
static int beat(dot_pair *p, const uint32_t *a, const uint32_t *w, int last, const char *what)
{
    lq_logdot_out of, og;
    int rf = lq_logdot_step(&p->f, a, w, last, &of);
    int rg = lq_logdot_step(&p->g, a, w, last, &og);
    compared++;
    if (rf != rg) {
        CHECK(0, "%s: returned %d (fast) vs %d", what, rf, rg);
        return 0;
    }
    return !rf || same_out(&of, &og, what, 0);
}

static lq_logdot_cfg base_cfg(int lanes, int half, lq_logacc_corr corr, int frac)
{
    lq_logdot_cfg c;
    memset(&c, 0, sizeof c);
    c.lanes = lanes;
    c.wgt = lq_format_default();
    c.wgt.scheme = half ? LQ_LOGSQRT2 : LQ_LOG2;
    c.act = c.wgt;
    c.corr = corr;
    c.frac = frac;
    c.table_bits = 16;
    c.out_frac = 16;
    c.out_bits = 32;
    return c;
}

/* The grid of the exhaustive tests: both bases and corrections, F at its ends and in
 * the middle, a narrow output that saturates and a wide one. */
typedef void grid_fn(lq_logdot_cfg *c, long *runs, long *bad);

static void grid(int lanes, int bits, grid_fn *fn)
{
    static const int fracs[] = {0, 1, 3, 8, 10};
    long runs = 0, bad = 0, configs = 0;
    for (int half = 0; half <= 1; half++)
        for (int corr = 0; corr <= 1; corr++)
            for (unsigned fi = 0; fi < sizeof fracs / sizeof fracs[0]; fi++)
                for (int narrow = 0; narrow <= 1; narrow++)
                    for (int sgn = 0; sgn <= 1; sgn++) {
                        lq_logdot_cfg c = base_cfg(lanes, half, (lq_logacc_corr)corr,
                                                   fracs[fi]);
                        c.act.bits = c.wgt.bits = bits;
                        c.act.is_signed = c.wgt.is_signed = sgn;
                        c.act.fsr = narrow ? 2 : 0;
                        c.wgt.fsr = -1;
                        if (narrow) {
                            c.out_bits = 6;
                            c.out_frac = 3;
                            c.table_bits = 2;
                        }
                        if (lq_logdot_check(&c, (char[256]){0}, 256) != 0)
                            continue;
                        configs++;
                        fn(&c, &runs, &bad);
                    }
    printf("  %d lane(s), %d-bit codes: %ld configurations, %ld vectors, %ld differ\n", lanes,
           bits, configs, runs, bad);
}

/* Every code pair of one lane, codes with bits above their width too. */
static void every_pair(lq_logdot_cfg *c, long *runs, long *bad)
{
    dot_pair p;
    char buf[200];
    if (pair_init(&p, c) != 0)
        return;
    CHECK(p.f.fast.on == (c->act.bits + c->wgt.bits <= LQ_LOGDOT_PAIR_BITS), "%s: path",
          cfg_str(c, buf, sizeof buf));
    for (uint32_t a = 0; a < (2u << c->act.bits); a++)
        for (uint32_t w = 0; w < (2u << c->wgt.bits); w++) {
            uint32_t ax = a | (a >> c->act.bits ? 0x5a000000u : 0u);
            *bad += !beat(&p, &ax, &w, 1, cfg_str(c, buf, sizeof buf));
            (*runs)++;
        }
    pair_free(&p);
}

/* Every beat of two lanes (3-bit codes) as a one-beat vector, or (one lane) every
 * vector of two beats: the same 12 bits of codes, split by lane or by beat. */
static void every_x2(lq_logdot_cfg *c, long *runs, long *bad, int by_beat)
{
    dot_pair p;
    char buf[200];
    uint32_t m = (1u << c->act.bits) - 1;
    if (pair_init(&p, c) != 0)
        return;
    for (uint32_t x = 0; x < (1u << (4 * c->act.bits)); x++) {
        uint32_t a[2] = {x & m, (x >> c->act.bits) & m};
        uint32_t w[2] = {(x >> (2 * c->act.bits)) & m, (x >> (3 * c->act.bits)) & m};
        int ok;
        cfg_str(c, buf, sizeof buf);
        if (by_beat) {
            ok = beat(&p, &a[0], &w[0], 0, buf);
            ok &= beat(&p, &a[1], &w[1], 1, buf);
        } else {
            ok = beat(&p, a, w, 1, buf);
        }
        *bad += !ok;
        (*runs)++;
    }
    pair_free(&p);
}

static void every_beat2(lq_logdot_cfg *c, long *runs, long *bad)
{
    every_x2(c, runs, bad, 0);
}

static void every_vector2(lq_logdot_cfg *c, long *runs, long *bad)
{
    every_x2(c, runs, bad, 1);
}

/* Every beat of c->lanes lanes (2 * lanes * bits <= 16) as a one-beat vector: the
 * trees' later levels and their odd elements. */
static void every_beat_n(lq_logdot_cfg *c, long *runs, long *bad)
{
    dot_pair p;
    char buf[200];
    int b = c->act.bits, n = c->lanes;
    uint32_t m = (1u << b) - 1, a[4], w[4];
    if (pair_init(&p, c) != 0)
        return;
    cfg_str(c, buf, sizeof buf);
    for (uint32_t x = 0; x < (1u << (2 * n * b)); x++) {
        for (int i = 0; i < n; i++) {
            a[i] = (x >> (2 * i * b)) & m;
            w[i] = (x >> ((2 * i + 1) * b)) & m;
        }
        *bad += !beat(&p, a, w, 1, buf);
        (*runs)++;
    }
    pair_free(&p);
}

static void test_exhaustive(void)
{
    for (int bits = 2; bits <= 6; bits++)
        grid(1, bits, every_pair);
    grid(2, 3, every_beat2);
    grid(1, 3, every_vector2);
    grid(3, 2, every_beat_n);
    grid(4, 2, every_beat_n);
}

static void test_random(void)
{
    lq_rng r;
    long configs = 0, fast = 0, beats = 0, bad = 0;
    char buf[200];
    lq_rng_seed(&r, seed);
    for (int run = 0; run < 600; run++) {
        lq_logdot_cfg c = base_cfg(1 + (int)lq_rng_below(&r, LQ_LOGACC_LANES_MAX),
                                   (int)lq_rng_below(&r, 2), (lq_logacc_corr)lq_rng_below(&r, 2),
                                   (int)lq_rng_below(&r, LQ_LOGDOT_FRAC_MAX + 1));
        dot_pair p;
        uint32_t a[LQ_LOGACC_LANES_MAX], w[LQ_LOGACC_LANES_MAX];
        int vectors = 1 + (int)lq_rng_below(&r, 4), ok = 1;
        c.act.is_signed = lq_rng_below(&r, 4) != 0;
        c.wgt.is_signed = lq_rng_below(&r, 4) != 0;
        c.act.bits = (c.act.is_signed ? 2 : 1) + (int)lq_rng_below(&r, 7);
        c.wgt.bits = (c.wgt.is_signed ? 2 : 1) + (int)lq_rng_below(&r, 7);
        c.act.fsr = (int)lq_rng_below(&r, 9) - 4;
        c.wgt.fsr = (int)lq_rng_below(&r, 9) - 4;
        c.table_bits = 1 + (int)lq_rng_below(&r, LQ_LOGDOT_TABLE_BITS_MAX);
        c.out_bits = 2 + (int)lq_rng_below(&r, LQ_LOGDOT_OUT_BITS_MAX - 1);
        c.out_frac = (int)lq_rng_below(&r, 41) - 10;
        if (pair_init(&p, &c) != 0)
            continue;
        configs++;
        fast += p.f.fast.on;
        for (int v = 0; v < vectors && ok; v++) {
            int len = lq_rng_below(&r, 3) == 0 ? 1 : 1 + (int)lq_rng_below(&r, 300);
            int mode = (int)lq_rng_below(&r, 4); /* random, many zeros, one sign, largest */
            for (int b = 0; b < len && ok; b++) {
                for (int i = 0; i < c.lanes; i++) {
                    uint32_t am = (1u << c.act.bits) - 1, wm = (1u << c.wgt.bits) - 1;
                    a[i] = (uint32_t)lq_rng_below(&r, (uint64_t)am + 1);
                    w[i] = (uint32_t)lq_rng_below(&r, (uint64_t)wm + 1);
                    if (mode == 1 && lq_rng_below(&r, 3) != 0)
                        a[i] = 0; /* code 0: zero (signed and unsigned) */
                    if (mode == 2 && c.act.is_signed)
                        a[i] &= am >> 1; /* sign bit clear */
                    if (mode == 3)
                        a[i] = c.act.is_signed ? am >> 1 : am, w[i] = c.wgt.is_signed ? wm >> 1 : wm;
                    if (lq_rng_below(&r, 16) == 0)
                        w[i] |= 0x80000000u; /* a stray high bit */
                }
                snprintf(buf, sizeof buf, "seed %llu run %d vector %d beat %d: ",
                         (unsigned long long)seed, run, v, b);
                cfg_str(&c, buf + strlen(buf), sizeof buf - strlen(buf));
                ok = beat(&p, a, w, b == len - 1, buf);
                beats++;
            }
        }
        bad += !ok;
        pair_free(&p);
    }
    printf("  random: %ld configurations (%ld on the fast path), %ld beats, %ld differ; "
           "rerun: SEED=%llu build/tests/test_logdot_fast\n", configs, fast, beats, bad,
           (unsigned long long)seed);
    CHECK(fast > configs / 4, "only %ld of %ld configurations on the fast path", fast, configs);
}

/* Every lane count 1 .. 64 (the SIMD path's 16, its odd lanes and quads left over) on
 * random configurations of 2- to 5-bit codes (which the SIMD path takes), 40 beats each
 * in vectors of 1 to 12 beats, a quarter of the lanes zero; four configurations per
 * count, 64 for 16 lanes (its own code). */
static void test_lanes(void)
{
    lq_rng r;
    long beats = 0, bad = 0, simd = 0;
    char buf[200];
    lq_rng_seed(&r, seed + 1000);
    for (int lanes = 1; lanes <= LQ_LOGACC_LANES_MAX; lanes++)
        for (int rep = 0; rep < (lanes == 16 ? 64 : 4); rep++) { /* 16: its own code */
            lq_logdot_cfg c = base_cfg(lanes, (int)lq_rng_below(&r, 2),
                                       (lq_logacc_corr)lq_rng_below(&r, 2),
                                       1 + (int)lq_rng_below(&r, LQ_LOGDOT_FRAC_MAX));
            dot_pair p;
            uint32_t a[LQ_LOGACC_LANES_MAX], w[LQ_LOGACC_LANES_MAX];
            int ok = 1, len = 1 + (int)lq_rng_below(&r, 12);
            c.act.bits = 2 + (int)lq_rng_below(&r, 4);
            c.wgt.bits = 2 + (int)lq_rng_below(&r, 4);
            c.act.fsr = (int)lq_rng_below(&r, 5) - 2;
            c.wgt.fsr = (int)lq_rng_below(&r, 5) - 2;
            if (rep % 4 == 3) { /* narrow: saturating trees and results */
                c.out_bits = 6;
                c.out_frac = 3;
                c.act.fsr = c.wgt.fsr = 4;
            }
            if (pair_init(&p, &c) != 0)
                continue;
            simd += p.f.fast.simd;
            for (int b = 0; b < 40 && ok; b++) {
                for (int i = 0; i < lanes; i++) {
                    a[i] = (uint32_t)lq_rng_below(&r, 1u << c.act.bits);
                    w[i] = (uint32_t)lq_rng_below(&r, 1u << c.wgt.bits);
                    if (lq_rng_below(&r, 4) == 0)
                        a[i] = 0;
                    if (rep % 4 == 3 && lq_rng_below(&r, 2) == 0) /* the largest magnitude */
                        a[i] |= (1u << (c.act.bits - 1)) - 1, w[i] |= (1u << (c.wgt.bits - 1)) - 1;
                }
                snprintf(buf, sizeof buf, "seed %llu lanes %d rep %d beat %d: ",
                         (unsigned long long)seed, lanes, rep, b);
                cfg_str(&c, buf + strlen(buf), sizeof buf - strlen(buf));
                ok = beat(&p, a, w, b % len == len - 1 || b == 39, buf);
                beats++;
            }
            bad += !ok;
            pair_free(&p);
        }
    printf("  every lane count: %ld beats (%ld configurations on the SIMD path), %ld differ\n",
           beats, simd, bad);
}

/* The path changing within a vector: the coverage counters switched on and off at
 * random beats (the general path for those beats; the SIMD path keeps its running sums
 * apart between beats and must hand them over both ways), then the model forced to the
 * scalar path in the middle of a vector; 16 and 7 lanes, both corrections. */
static void test_switch(void)
{
    lq_rng r;
    long beats = 0, bad = 0, switches = 0;
    uint64_t cov[1 << 14];
    char buf[200];
    lq_rng_seed(&r, seed + 2000);
    for (int run = 0; run < 8; run++) {
        lq_logdot_cfg c = base_cfg(run & 1 ? 7 : 16, 0, (lq_logacc_corr)((run >> 1) & 1), 8);
        dot_pair p;
        uint32_t a[16], w[16];
        if (pair_init(&p, &c) != 0)
            continue;
        CHECK((int)(c.frac + 4) << c.frac < (int)(sizeof cov / sizeof cov[0]), "cov size");
        for (int b = 0; b < 400; b++) {
            int last = lq_rng_below(&r, 20) == 0;
            if (lq_rng_below(&r, 5) == 0) { /* coverage on or off for this beat */
                p.f.acc.cov = p.f.acc.cov ? NULL : cov;
                switches++;
            }
            if (run >= 4 && b == 200) { /* forced to the scalar path mid-vector */
                lq_logdot_force_scalar(&p.f);
                switches++;
            }
            for (int i = 0; i < c.lanes; i++) {
                a[i] = (uint32_t)lq_rng_below(&r, 32);
                w[i] = (uint32_t)lq_rng_below(&r, 32);
            }
            snprintf(buf, sizeof buf, "seed %llu switch run %d beat %d (cov %s, %s path)",
                     (unsigned long long)seed, run, b, p.f.acc.cov ? "on" : "off",
                     lq_logdot_path(&p.f));
            bad += !beat(&p, a, w, last, buf);
            beats++;
        }
        pair_free(&p);
    }
    printf("  path switches within vectors: %ld beats, %ld switches, %ld differ\n", beats,
           switches, bad);
}

/* Log sums that reach the largest state, every F, both corrections and bases; counts
 * the beats after which the general path's running sum or result is saturated.
 * trees 0: 64 lanes of products up to 2^7 (exponents 3..7: a 4-bit field, so the state
 * ends at 2^16), vectors of 20 beats: the running sums saturate. trees 1: 2-bit codes
 * (one magnitude, exponent sum 0, so E = 2 and the state ends at 2^4), 64 lanes,
 * one-beat vectors: one beat's trees saturate. */
static long saturation_sweep(int trees, long *runs)
{
    long sats = 0;
    for (int half = 0; half <= 1; half++)
        for (int corr = 0; corr <= 1; corr++)
            for (int frac = half; frac <= LQ_LOGDOT_FRAC_MAX; frac++) {
                lq_logdot_cfg c = base_cfg(64, half, (lq_logacc_corr)corr, frac);
                dot_pair p;
                uint32_t a[64], w[64];
                c.act.bits = c.wgt.bits = trees ? 2 : 3;
                c.act.fsr = trees ? 0 : 6;
                c.wgt.fsr = trees ? 0 : 3;
                if (pair_init(&p, &c) != 0)
                    continue;
                for (int b = 0; b < (trees ? 8 : 40); b++) {
                    int last = trees || b % 20 == 19;
                    lq_logdot_out o;
                    for (int i = 0; i < 64; i++) {
                        if (trees) { /* lanes b .. 63 - b negative */
                            a[i] = i >= b && i < 64 - b ? 3 : 1;
                            w[i] = 1;
                        } else { /* magnitudes 2 and 3 (the largest), some negative */
                            a[i] = 2 + (uint32_t)((b + i) & 1) + (i % 5 == 4 ? 4u : 0u);
                            w[i] = 3;
                        }
                    }
                    beat(&p, a, w, last, trees ? "tree saturation" : "saturation");
                    if (last) { /* the same vector again on the general model alone */
                        lq_logdot_step(&p.g, a, w, 1, &o);
                        sats += o.logs.pos.v == p.g.acc.vmax || o.logs.neg.v == p.g.acc.vmax;
                    } else {
                        sats += p.g.acc.acc_pos.v == p.g.acc.vmax ||
                                p.g.acc.acc_neg.v == p.g.acc.vmax;
                    }
                    (*runs)++;
                }
                pair_free(&p);
            }
    return sats;
}

static void test_saturation(void)
{
    long runs = 0, sats = saturation_sweep(0, &runs), truns = 0, tsats;
    tsats = saturation_sweep(1, &truns);
    printf("  saturation: %ld beats, %ld with a saturated running sum; %ld one-beat vectors, "
           "%ld with a saturated tree\n", runs, sats, truns, tsats);
    CHECK(sats > runs / 10, "only %ld of %ld beats saturated", sats, runs);
    CHECK(tsats > truns / 2, "only %ld of %ld one-beat vectors saturated", tsats, truns);
}

/* ---- lq_logdot_steps: many beats per call ---- */

/* The beats of a stream, cut into calls of lq_logdot_steps on the model under test
 * (pieces [cut[i], cut[i + 1]), cut[0] = 0, cut[ncut] = nb, empty pieces allowed),
 * against lq_logdot_step beat by beat on the general model; then one more `last` beat
 * of code 1 everywhere on both (the running sums that the stream left). 1 when every
 * output agrees. */
static int steps_vs_general(dot_pair *p, const uint32_t *a, const uint32_t *w,
                            const uint8_t *last, long nb, const long *cut, int ncut,
                            const char *what)
{
    enum { MAXB = 20000 };
    static lq_logdot_out of[MAXB], og[MAXB];
    uint32_t one[LQ_LOGACC_LANES_MAX];
    uint8_t l1 = 1;
    long nf = 0, ng = 0;
    int n = p->f.cfg.lanes;
    CHECK(nb + 1 <= MAXB, "%s: %ld beats", what, nb);
    for (int i = 0; i < ncut; i++) {
        long r = lq_logdot_steps(&p->f, a + (size_t)cut[i] * n, w + (size_t)cut[i] * n,
                                 last ? last + cut[i] : NULL, cut[i + 1] - cut[i], of + nf);
        nf += r;
    }
    for (long b = 0; b < nb; b++)
        ng += lq_logdot_step(&p->g, a + (size_t)b * n, w + (size_t)b * n, last && last[b],
                             og + ng);
    CHECK(p->f.acc.beats == p->g.acc.beats, "%s: %ld beats since the last output (steps) vs "
          "%ld", what, p->f.acc.beats, p->g.acc.beats);
    for (int i = 0; i < n; i++)
        one[i] = 1;
    nf += lq_logdot_steps(&p->f, one, one, &l1, 1, of + nf);
    ng += lq_logdot_step(&p->g, one, one, 1, og + ng);
    compared += nb + 1;
    if (nf != ng) {
        CHECK(0, "%s: %ld outputs (steps) vs %ld", what, nf, ng);
        return 0;
    }
    for (long k = 0; k < nf; k++)
        if (!same_out(&of[k], &og[k], what, k))
            return 0;
    return 1;
}

/* Random codes for beat b of a stream (a quarter of the lanes zero, stray high bits). */
static void stream_codes(lq_rng *r, const lq_logdot_cfg *c, uint32_t *a, uint32_t *w)
{
    for (int i = 0; i < c->lanes; i++) {
        a[i] = (uint32_t)lq_rng_below(r, 1u << c->act.bits);
        w[i] = (uint32_t)lq_rng_below(r, 1u << c->wgt.bits);
        if (lq_rng_below(r, 4) == 0)
            a[i] = 0;
        if (lq_rng_below(r, 16) == 0)
            a[i] |= 0x40000000u;
    }
}

/* A configuration of test_steps: k picks the lanes and code widths (mostly the byte
 * states' 16 lanes of 2- to 5-bit codes; 6-bit codes; 7, 1 and 64 lanes). */
static lq_logdot_cfg steps_cfg(lq_rng *r, int k)
{
    static const int lanes[8] = {16, 16, 16, 16, 16, 7, 1, 64};
    int half = (int)lq_rng_below(r, 2), corr = (int)lq_rng_below(r, 2); /* in this order */
    lq_logdot_cfg c = base_cfg(lanes[k % 8], half, (lq_logacc_corr)corr,
                               1 + (int)lq_rng_below(r, LQ_LOGDOT_FRAC_MAX));
    c.act.bits = k % 8 == 4 ? 6 : 2 + (int)lq_rng_below(r, 4);
    c.wgt.bits = k % 8 == 4 ? 5 : 2 + (int)lq_rng_below(r, 4);
    c.act.is_signed = lq_rng_below(r, 4) != 0;
    c.wgt.is_signed = lq_rng_below(r, 4) != 0 || c.wgt.bits < 2;
    c.act.fsr = (int)lq_rng_below(r, 5) - 2;
    c.wgt.fsr = (int)lq_rng_below(r, 5) - 2;
    if (k % 3 == 2) { /* narrow: saturating results */
        c.out_bits = 6;
        c.out_frac = 3;
        c.act.fsr = c.wgt.fsr = 4;
    }
    return c;
}

/* lq_logdot_steps against lq_logdot_step on the general path: streams of 37 beats
 * (odd: not a multiple of the two beats the byte states take at a time) with `last` at
 * random beats and in the middle, cut into two calls at every position, into random
 * pieces of 0 to 9 beats, and passed whole with last = NULL; on 48 configurations. */
static void test_steps(void)
{
    enum { L = 37 };
    lq_rng r;
    long runs = 0, bad = 0, bytes = 0, wide = 0;
    char buf[240];
    lq_rng_seed(&r, seed + 3000);
    for (int k = 0; k < 48; k++) {
        lq_logdot_cfg c = steps_cfg(&r, k);
        dot_pair p;
        static uint32_t a[L * LQ_LOGACC_LANES_MAX], w[L * LQ_LOGACC_LANES_MAX];
        uint8_t last[L];
        long cut[L + 2];
        if (pair_init(&p, &c) != 0)
            continue;
        bytes += p.f.fast.bytes;
        wide += p.f.fast.wide;
        for (int b = 0; b < L; b++) {
            stream_codes(&r, &c, a + (size_t)b * c.lanes, w + (size_t)b * c.lanes);
            last[b] = lq_rng_below(&r, 5) == 0 || b == L / 2;
        }
        snprintf(buf, sizeof buf, "seed %llu steps config %d (%s path): ",
                 (unsigned long long)seed, k, lq_logdot_path(&p.f));
        cfg_str(&c, buf + strlen(buf), sizeof buf - strlen(buf));
        for (long s = 0; s <= L; s++) { /* two calls, cut at s */
            long two[3] = {0, s, L};
            bad += !steps_vs_general(&p, a, w, last, L, two, 2, buf);
            runs++;
        }
        for (int t = 0; t < 20; t++) { /* random pieces */
            int n = 0;
            cut[0] = 0;
            while (cut[n] < L) {
                long next = cut[n] + (long)lq_rng_below(&r, 10);
                cut[++n] = next < L ? next : L;
            }
            bad += !steps_vs_general(&p, a, w, last, L, cut, n, buf);
            runs++;
        }
        {
            long whole[2] = {0, L};
            bad += !steps_vs_general(&p, a, w, NULL, L, whole, 1, buf);
            runs++;
        }
        pair_free(&p);
    }
    printf("  lq_logdot_steps: %ld streams of %d beats (%ld of 48 configurations on the "
           "byte states, %ld on the wide path), %ld differ\n", runs, L, bytes, wide, bad);
    CHECK(scalar || !cpu_simd() || bytes >= 20, "only %ld configurations on the byte states",
          bytes);
    CHECK(scalar || avx2 || !cpu_wide() || wide >= 15, "only %ld configurations on the wide path",
          wide);
}

/* The byte states' numbers of every code: every code pair in every lane of 16 (the
 * other lanes random), in streams of lq_logdot_steps calls of 1 to 64 beats with
 * `last` on every seventh beat, both bases and corrections, F 1, 8 and 10, signed and
 * unsigned codes of 2 to 5 bits. */
static void test_steps_codes(void)
{
    enum { MAXS = 16 * 1024 };
    static uint32_t a[MAXS * 16], w[MAXS * 16];
    static uint8_t last[MAXS];
    static long cut[MAXS + 1];
    static const int fracs[3] = {1, 8, 10};
    lq_rng r;
    long beats = 0, bad = 0, configs = 0, nbytes = 0, nwide = 0, nwide_paper = 0, nwide_sqrt2 = 0;
    char buf[240];
    lq_rng_seed(&r, seed + 4000);
    for (int k = 0; k < 24; k++) {
        lq_logdot_cfg c = base_cfg(16, k & 1, (lq_logacc_corr)((k >> 1) & 1), fracs[k % 3]);
        dot_pair p;
        long nb = 0;
        int n = 0;
        c.act.bits = 2 + (k / 3) % 4;
        c.wgt.bits = 5 - (k / 6) % 4;
        c.act.is_signed = c.wgt.is_signed = (k / 12) == 0;
        c.wgt.fsr = -1;
        if (pair_init(&p, &c) != 0)
            continue;
        configs++;
        for (int lane = 0; lane < 16; lane++)
            for (uint32_t x = 0; x < 1u << c.act.bits; x++)
                for (uint32_t y = 0; y < 1u << c.wgt.bits; y++, nb++) {
                    stream_codes(&r, &c, a + (size_t)nb * 16, w + (size_t)nb * 16);
                    a[(size_t)nb * 16 + lane] = x;
                    w[(size_t)nb * 16 + lane] = y;
                    last[nb] = nb % 7 == 6;
                }
        cut[0] = 0;
        while (cut[n] < nb) {
            long next = cut[n] + 1 + (long)lq_rng_below(&r, 64);
            cut[++n] = next < nb ? next : nb;
        }
        snprintf(buf, sizeof buf, "seed %llu every code config %d (%s path%s): ",
                 (unsigned long long)seed, k, lq_logdot_path(&p.f),
                 p.f.fast.bytes ? ", byte states" : "");
        cfg_str(&c, buf + strlen(buf), sizeof buf - strlen(buf));
        CHECK(scalar || !cpu_simd() || p.f.fast.bytes || p.f.fast.nids > 256,
              "%s: not on the byte states (%d ids)", buf, p.f.fast.nids);
        nbytes += p.f.fast.bytes;
        nwide += p.f.fast.wide;
        nwide_paper += p.f.fast.wide && c.corr == LQ_CORR_PAPER;
        nwide_sqrt2 += p.f.fast.wide && c.wgt.scheme == LQ_LOGSQRT2;
        bad += !steps_vs_general(&p, a, w, last, nb, cut, n, buf);
        beats += nb;
        pair_free(&p);
    }
    printf("  every code pair in every lane: %ld configurations (%ld on the byte states, %ld "
           "on the wide path), %ld beats, %ld differ\n", configs, nbytes, nwide, beats, bad);
    CHECK(scalar || !cpu_simd() || nbytes >= 18, "only %ld on the byte states", nbytes);
    CHECK(scalar || avx2 || !cpu_wide() || nwide >= 12, "only %ld on the wide path", nwide);
    CHECK(scalar || avx2 || !cpu_wide() || (nwide_paper > 0 && nwide_paper < nwide &&
                                            nwide_sqrt2 > 0 && nwide_sqrt2 < nwide),
          "the wide path's configurations: %ld, %ld with the paper correction, %ld base sqrt(2)",
          nwide, nwide_paper, nwide_sqrt2);
}

/* lq_logdot_steps on running sums that saturate: 16 lanes (the wide path's) of 3-bit
 * codes near their largest magnitudes (fsr 6 and 3: the state ends at 2^16), vectors of
 * 1 to 150 beats starting at any beat of a chunk, so that some sums saturate and some
 * never do; both bases and corrections, F 5, 6 and 8; whole and in random pieces.
 * Counts the outputs whose general running sum is vmax, per correction. */
static void test_steps_saturation(void)
{
    enum { NB = 3000 };
    static uint32_t a[NB * 16], w[NB * 16];
    static uint8_t last[NB];
    static long cut[NB + 1];
    static const int fracs[3] = {5, 6, 8};
    lq_rng r;
    long bad = 0, outs = 0, sats = 0, wsats[2] = {0, 0}, nwide = 0;
    char buf[240];
    lq_rng_seed(&r, seed + 6000);
    for (int k = 0; k < 12; k++) {
        int corr = k & 1;
        lq_logdot_cfg c = base_cfg(16, (k >> 1) & 1, (lq_logacc_corr)corr, fracs[k / 4]);
        dot_pair p;
        long left = 0, whole[2] = {0, NB};
        int n = 0;
        c.act.bits = c.wgt.bits = 3;
        c.act.fsr = 6;
        c.wgt.fsr = 3;
        if (pair_init(&p, &c) != 0)
            continue;
        for (int b = 0; b < NB; b++) {
            if (left == 0)
                left = 1 + (long)lq_rng_below(&r, 150);
            last[b] = --left == 0;
            for (int i = 0; i < 16; i++) { /* magnitudes 2 and 3, a few zeros and negatives */
                a[(size_t)b * 16 + i] = 2 + (uint32_t)lq_rng_below(&r, 2) +
                                        (lq_rng_below(&r, 6) == 0 ? 4u : 0u);
                w[(size_t)b * 16 + i] = lq_rng_below(&r, 16) == 0 ? 0u : 3u;
            }
        }
        cut[0] = 0;
        while (cut[n] < NB) {
            long next = cut[n] + 1 + (long)lq_rng_below(&r, 40);
            cut[++n] = next < NB ? next : NB;
        }
        snprintf(buf, sizeof buf, "seed %llu steps saturation config %d (%s path): ",
                 (unsigned long long)seed, k, lq_logdot_path(&p.f));
        cfg_str(&c, buf + strlen(buf), sizeof buf - strlen(buf));
        bad += !steps_vs_general(&p, a, w, last, NB, whole, 1, buf);
        bad += !steps_vs_general(&p, a, w, last, NB, cut, n, buf);
        for (int b = 0; b < NB; b++) { /* the general model's outputs, counted */
            lq_logdot_out o;
            if (lq_logdot_step(&p.g, a + (size_t)b * 16, w + (size_t)b * 16, last[b], &o)) {
                int sat = o.logs.pos.v == p.g.acc.vmax || o.logs.neg.v == p.g.acc.vmax;
                outs++;
                sats += sat;
                wsats[corr] += sat && p.f.fast.wide;
            }
        }
        nwide += p.f.fast.wide;
        pair_free(&p);
    }
    printf("  lq_logdot_steps saturating: %ld outputs, %ld with a saturated running sum (%ld "
           "table, %ld paper on the wide path's %ld configurations), %ld differ\n", outs,
           sats, wsats[0], wsats[1], nwide, bad);
    CHECK(sats > outs / 20 && sats < outs / 2, "%ld of %ld outputs saturated", sats, outs);
    CHECK(scalar || avx2 || !cpu_wide() || (wsats[0] >= 3 && wsats[1] >= 3),
          "the wide path saturated %ld (table), %ld (paper) outputs", wsats[0], wsats[1]);
}

/* The path changing between calls of lq_logdot_steps within vectors: the coverage
 * counters on or off for a call (the general path for it), and forced to the scalar
 * path halfway; pieces of 0 to 9 beats, 16 lanes, both corrections. */
static void test_steps_switch(void)
{
    enum { NB = 400 };
    static uint32_t a[NB * 16], w[NB * 16];
    uint8_t last[NB];
    uint64_t cov[1 << 14];
    lq_rng r;
    long bad = 0, switches = 0, pieces = 0;
    char buf[200];
    lq_rng_seed(&r, seed + 5000);
    for (int run = 0; run < 4; run++) {
        lq_logdot_cfg c = base_cfg(16, 0, (lq_logacc_corr)(run & 1), 8);
        dot_pair p;
        long b = 0;
        if (pair_init(&p, &c) != 0)
            continue;
        for (int i = 0; i < NB; i++) {
            stream_codes(&r, &c, a + (size_t)i * 16, w + (size_t)i * 16);
            last[i] = lq_rng_below(&r, 20) == 0;
        }
        while (b < NB) {
            lq_logdot_out of[10], og[10];
            long nb = (long)lq_rng_below(&r, 10), nf, ng = 0;
            nb = b + nb < NB ? nb : NB - b;
            if (lq_rng_below(&r, 4) == 0) {
                p.f.acc.cov = p.f.acc.cov ? NULL : cov;
                switches++;
            }
            if (run >= 2 && b >= NB / 2 && p.f.fast.simd) {
                lq_logdot_force_scalar(&p.f);
                switches++;
            }
            snprintf(buf, sizeof buf, "seed %llu steps switch run %d beat %ld (cov %s, %s path)",
                     (unsigned long long)seed, run, b, p.f.acc.cov ? "on" : "off",
                     lq_logdot_path(&p.f));
            nf = lq_logdot_steps(&p.f, a + (size_t)b * 16, w + (size_t)b * 16, last + b, nb, of);
            for (long i = b; i < b + nb; i++)
                ng += lq_logdot_step(&p.g, a + (size_t)i * 16, w + (size_t)i * 16, last[i], og + ng);
            CHECK(nf == ng, "%s: %ld outputs vs %ld", buf, nf, ng);
            for (long k = 0; k < nf && k < ng; k++)
                bad += !same_out(&of[k], &og[k], buf, k);
            compared += nb;
            pieces++;
            b += nb;
        }
        pair_free(&p);
    }
    printf("  path switches between lq_logdot_steps calls: %ld calls, %ld switches, %ld differ\n",
           pieces, switches, bad);
}

/* The default configuration of gen logdot takes the fast path; the general path is
 * used when the coverage counters are on (lq_logacc's cov) and for wide codes. */
/* Whether this CPU runs the SIMD path (AVX2 on x86-64). */
static int cpu_simd(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

/* Whether it runs the wide path (AVX-512 F, BW, VL, VBMI). */
static int cpu_wide(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi");
#else
    return 0;
#endif
}

static void test_paths(void)
{
    lq_logdot m;
    lq_logdot_cfg c = base_cfg(16, 0, LQ_CORR_TABLE, 8);
    char msg[256];
    CHECK(lq_logdot_init(&m, &c, msg, sizeof msg) == 0 && m.fast.on, "default: fast path");
    CHECK(strcmp(lq_logdot_path(&m), cpu_wide() ? "simd512" : cpu_simd() ? "simd" : "fast") == 0,
          "default: the %s path", lq_logdot_path(&m));
    CHECK(m.fast.wide == cpu_wide() && m.fast.wlog2 == (cpu_wide() ? 7 : 0),
          "default: the wide path %d, 2^%d differences a segment", m.fast.wide, m.fast.wlog2);
    lq_logdot_force_avx2(&m);
    CHECK(strcmp(lq_logdot_path(&m), cpu_simd() ? "simd" : "fast") == 0, "forced AVX2: %s",
          lq_logdot_path(&m));
    lq_logdot_force_scalar(&m);
    CHECK(strcmp(lq_logdot_path(&m), "fast") == 0, "forced scalar: %s", lq_logdot_path(&m));
    lq_logdot_force_general(&m);
    CHECK(strcmp(lq_logdot_path(&m), "general") == 0, "forced general: %s", lq_logdot_path(&m));
    lq_logdot_free(&m);
    c.act.bits = c.wgt.bits = 6; /* base sqrt(2), F 10: more first-level values than ids */
    c.wgt.scheme = c.act.scheme = LQ_LOGSQRT2;
    c.frac = 10;
    CHECK(lq_logdot_init(&m, &c, msg, sizeof msg) == 0 && m.fast.on && m.fast.nstates &&
          !m.fast.nids && !m.fast.simd, "6 + 6 bits, sqrt2, F 10: scalar fast path");
    lq_logdot_free(&m);
    c = base_cfg(16, 0, LQ_CORR_TABLE, 8);
    c.act.bits = 7;
    c.wgt.bits = 6;
    CHECK(lq_logdot_init(&m, &c, msg, sizeof msg) == 0 && !m.fast.on, "7 + 6 bits: general");
    lq_logdot_free(&m);
    {
        /* with the coverage counters on, the general path counts the adders' differences */
        lq_logdot_cfg d = base_cfg(4, 0, LQ_CORR_TABLE, 8);
        uint64_t cov[4096] = {0};
        uint32_t a[4] = {1, 2, 3, 4}, w[4] = {1, 1, 2, 2};
        lq_logdot_out o;
        uint64_t seen = 0;
        CHECK(lq_logdot_init(&m, &d, msg, sizeof msg) == 0 && m.fast.on && m.acc.dcut < 4000,
              "cov config");
        m.acc.cov = cov;
        CHECK(lq_logdot_step(&m, a, w, 1, &o) == 1, "cov step");
        for (int i = 0; i < 4096; i++)
            seen += cov[i];
        CHECK(seen == 3, "three additions of two non-zero operands counted, not %llu",
              (unsigned long long)seen);
        lq_logdot_free(&m);
    }
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    seed = check_seed(1);
    printf("test_logdot_fast: seed %llu\n", (unsigned long long)seed);
    RUN(test_paths);
    if (!cpu_simd())
        printf("  NOTE: this CPU has no AVX2: the SIMD path cannot run here, and both passes "
               "below test the scalar fast path\n");
    for (int pass = 0; pass < 3; pass++) {
        long before = simd_configs, wbefore = wide_configs;
        scalar = pass == 2;
        avx2 = pass == 1;
        if (avx2 && !cpu_wide())
            continue; /* the first pass took it */
        printf("  the %s path%s:\n", scalar ? "scalar fast" : avx2 ? "AVX2 SIMD" : "SIMD",
               avx2 ? " (lq_logdot_steps; the step's is the first pass's)"
                    : !scalar && cpu_wide() ? "s (wide where they apply)" : "");
        if (!avx2) { /* these step beat by beat: lq_logdot_step has no wide path */
            RUN(test_exhaustive);
            RUN(test_saturation);
            RUN(test_random);
            RUN(test_lanes);
            RUN(test_switch);
        }
        RUN(test_steps);
        RUN(test_steps_codes);
        RUN(test_steps_saturation);
        RUN(test_steps_switch);
        printf("  %ld configurations on the SIMD path, %ld on the wide path\n",
               simd_configs - before, wide_configs - wbefore);
        if (scalar)
            CHECK(simd_configs == before, "the scalar pass took the SIMD path");
        else
            CHECK(!cpu_simd() || simd_configs - before > (avx2 ? 50 : 1000),
                  "only %ld configurations on the SIMD path", simd_configs - before);
        if (scalar || avx2)
            CHECK(wide_configs == wbefore, "the %s pass took the wide path", avx2 ? "AVX2" : "scalar");
        else
            CHECK(!cpu_wide() || wide_configs - wbefore > 100,
                  "only %ld configurations on the wide path", wide_configs - wbefore);
    }
    printf("  %ld beats compared\n", compared);
    return check_done();
}
