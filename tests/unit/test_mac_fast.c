/* The MAC model's fast paths (lq_mac_fast in cmodel/mac.h) against its general path
 * (lq_mac_force_general): every (a, w) pair of small configurations of every mode and
 * base (linear weights of linear mode too), with and without truncation, codes with
 * stray high bits included; then seeded
 * random configurations and vectors (up to 256 lanes, vectors longer than max_beats
 * so the output wraps). The general path is the reference: the products tests of
 * test_mac.c check it against lq_code_fixed and lq_dequantize.
 *
 *   SEED=N build/tests/test_mac_fast     (default seed 1) */
#include <stdlib.h>
#include <string.h>

#include "../../cmodel/logq.h"
#include "check.h"

static uint64_t seed = 1;

static lq_mac_config base_cfg(lq_mac_mode mode, int half, int lanes)
{
    lq_mac_config c;
    memset(&c, 0, sizeof c);
    c.mode = mode;
    c.lanes = lanes;
    c.w = lq_format_default();
    c.w.scheme = mode == LQ_MAC_LINEAR ? LQ_LINEAR : half ? LQ_LOGSQRT2 : LQ_LOG2;
    c.a = lq_format_default();
    c.a.scheme = mode == LQ_MAC_LOGLOG ? c.w.scheme : LQ_LINEAR;
    c.sqrt2_frac = 8;
    c.frac = LQ_MAC_FRAC_EXACT;
    c.max_beats = 16;
    return c;
}

/* Reset a fast and a general model of c: 0, or -1 when c is refused. */
static int pair(const lq_mac_config *c, lq_mac_state *fast, lq_mac_state *gen)
{
    if (lq_mac_reset(fast, c, NULL, 0) != 0 || lq_mac_reset(gen, c, NULL, 0) != 0)
        return -1;
    lq_mac_force_general(gen);
    return 0;
}

/* The fast path is chosen exactly when every product fits 62 bits and the output 64
 * (and, when a split configuration truncates each beat's sum, that sum 63 bits). */
static int wants_fast(const lq_mac_state *s)
{
    int beat_fits = !(s->wd.split && s->wd.trunc > 0) ||
                    s->wd.prod_bits + s->wd.tree_levels <= 63;
    return s->wd.prod_bits <= 62 && s->wd.out_bits <= 64 && !s->cfg.fault && beat_fits;
}

static char *cfg_str(const lq_mac_config *c, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s lanes %d w %d%s fsr %d a %d%s fsr %d P %d frac %d K %ld",
             lq_mac_mode_name(c->mode), c->w.scheme == LQ_LOGSQRT2 ? "sqrt2" : "base2",
             c->lanes, c->w.bits, c->w.is_signed ? "s" : "u", c->w.fsr, c->a.bits,
             c->a.is_signed ? "s" : "u", c->a.fsr, c->sqrt2_frac, c->frac, c->max_beats);
    return buf;
}

/* Every (a, w) pair, one lane, one beat per vector; codes also with bits above their
 * width (both paths must ignore them). Returns the number of pairs compared. */
static long exhaustive_one(const lq_mac_config *c)
{
    lq_mac_state *f = malloc(sizeof *f), *g = malloc(sizeof *g);
    long n = 0;
    char buf[200];
    if (!f || !g || pair(c, f, g) != 0) {
        free(f);
        free(g);
        return 0;
    }
    CHECK((f->fast.path != LQ_MAC_PATH_GENERAL) == wants_fast(f), "path choice: %s",
          cfg_str(c, buf, sizeof buf));
    for (uint32_t a = 0; a < (2u << c->a.bits); a++)
        for (uint32_t w = 0; w < (2u << c->w.bits); w++) {
            uint32_t ax = a | (a >> c->a.bits ? 0xa5000000u : 0u), wx = w;
            lq_wide of, og;
            int64_t o64;
            CHECK(lq_mac_step(f, &ax, &wx, 1, &of) == 1, "fast step");
            CHECK(lq_mac_step(g, &ax, &wx, 1, &og) == 1, "general step");
            if (!lq_wide_eq(&of, &og)) {
                char d1[170], d2[170];
                CHECK(0, "%s: a=0x%x w=0x%x fast %s general %s", cfg_str(c, buf, sizeof buf),
                      ax, wx, lq_wide_dec(&of, d1), lq_wide_dec(&og, d2));
            }
            if (f->wd.out_bits <= 64) {
                CHECK(lq_mac_step64(f, &ax, &wx, 1, &o64) == 1 && o64 == (int64_t)og.limb[0],
                      "step64 %s a=0x%x w=0x%x", cfg_str(c, buf, sizeof buf), ax, wx);
            }
            n++;
        }
    free(f);
    free(g);
    return n;
}

static void test_exhaustive_small(void)
{
    long pairs = 0, configs = 0;
    for (int mode = 0; mode <= LQ_MAC_LINEAR; mode++)
        for (int half = 0; half <= (mode == LQ_MAC_LINEAR ? 0 : 1); half++)
            for (int wb = mode == LQ_MAC_LINEAR ? 1 : 2; wb <= 5; wb++)
                for (int ws = 0; ws <= 1; ws++)
                    for (int ab = 1; ab <= 6; ab++)
                        for (int as = 0; as <= 1; as++)
                            for (int fr = 0; fr < 3; fr++) {
                                lq_mac_config c = base_cfg((lq_mac_mode)mode, half, 1);
                                lq_mac_widths wd;
                                c.w.bits = wb;
                                c.w.is_signed = ws;
                                c.w.fsr = wb - 4;
                                c.a.bits = ab;
                                c.a.is_signed = as;
                                c.a.fsr = mode == LQ_MAC_LOGLOG ? 1 : ab - as;
                                c.sqrt2_frac = 1 + 7 * (wb & 1);
                                if (lq_mac_derive(&c, &wd, NULL, 0) != 0)
                                    continue;
                                /* exact, 3 bits dropped, and (almost) every bit dropped */
                                c.frac = fr == 0 ? LQ_MAC_FRAC_EXACT
                                         : fr == 1 ? wd.frac_exact - 3
                                                   : wd.frac_exact - wd.prod_bits - 1;
                                pairs += exhaustive_one(&c);
                                configs++;
                            }
    CHECK(configs > 1000 && pairs > 100000, "%ld configurations, %ld pairs", configs, pairs);
    printf("  exhaustive: %ld configurations, %ld (a, w) pairs\n", configs, pairs);
}

/* A random configuration: any mode, base and width the model accepts, often at the
 * edge of the fast path (products of 55..70 bits), lanes 1..256. */
static lq_mac_config random_cfg(lq_rng *r)
{
    lq_mac_config c = base_cfg((lq_mac_mode)lq_rng_below(r, LQ_MAC_LINEAR + 1), (int)lq_rng_below(r, 2),
                               1 + (int)lq_rng_below(r, lq_rng_below(r, 4) ? 32 : 256));
    lq_mac_widths wd;
    c.w.is_signed = (int)lq_rng_below(r, 2);
    c.w.bits = (c.w.is_signed ? 2 : 1) + (int)lq_rng_below(r, c.w.is_signed ? 6 : 7);
    c.w.fsr = (int)lq_rng_below(r, 9) - 4;
    if (c.mode == LQ_MAC_LINEAR) {
        /* either side of the weight table (LQ_LOG_BITS_MAX bits) */
        c.w.bits = 1 + (int)lq_rng_below(r, lq_rng_below(r, 2) ? 10 : 32);
        c.w.fsr = (int)lq_rng_below(r, 40) - 8;
    }
    if (c.mode == LQ_MAC_LOGLOG) {
        c.a.is_signed = (int)lq_rng_below(r, 2);
        c.a.bits = (c.a.is_signed ? 2 : 1) + (int)lq_rng_below(r, c.a.is_signed ? 6 : 7);
        c.a.fsr = (int)lq_rng_below(r, 9) - 4;
    } else {
        c.a.is_signed = (int)lq_rng_below(r, 2);
        c.a.bits = 1 + (int)lq_rng_below(r, 32);
        c.a.fsr = (int)lq_rng_below(r, 40) - 8;
    }
    c.sqrt2_frac = 1 + (int)lq_rng_below(r, 30);
    c.max_beats = 1 + (long)lq_rng_below(r, lq_rng_below(r, 2) ? 64 : 1L << 20);
    if (lq_mac_derive(&c, &wd, NULL, 0) == 0 && lq_rng_below(r, 3) == 0)
        c.frac = wd.frac_exact - (int)lq_rng_below(r, (uint64_t)wd.prod_bits + 4);
    return c;
}

static uint32_t random_code(lq_rng *r, int bits)
{
    uint32_t m = bits >= 32 ? 0xffffffffu : (1u << bits) - 1u;
    uint64_t k = lq_rng_below(r, 8);
    uint32_t v = (uint32_t)lq_rng_u64(r);
    if (k == 0)
        return v; /* stray high bits */
    if (k == 1)
        return 0;
    if (k == 2)
        return m; /* the largest magnitude, negative */
    if (k == 3)
        return m >> 1;
    return v & m;
}

static void test_random(void)
{
    lq_rng r;
    int configs = 0, fast = 0, pairp16[3] = {0, 0, 0}, mul16[3] = {0, 0, 0};
    /* configurations of 8 lanes or more with SIMD kernels (PAIR: [0], MUL with m16: [1]) by
     * each kernel (LQ_MAC_SIMD_*), over f and h */
    int simd_by[2][3] = {{0, 0, 0}, {0, 0, 0}}, cpu = LQ_MAC_SIMD_NONE;
    long beats = 0;
    lq_mac_state *f = malloc(sizeof *f), *g = malloc(sizeof *g), *h = malloc(sizeof *h);
    uint32_t a[LQ_MAC_LANES_MAX], w[LQ_MAC_LANES_MAX];
    char buf[200];
    if (!f || !g || !h)
        goto out;
    lq_rng_seed(&r, seed);
    while (configs < 600) {
        lq_mac_config c = random_cfg(&r);
        if (pair(&c, f, g) != 0)
            continue;
        /* h: the same configuration by the narrower kernels (scalar, AVX2) in turn, where
         * the CPU has them (f takes the widest) */
        CHECK(lq_mac_reset(h, &c, NULL, 0) == 0, "reset");
        if (lq_mac_fast_simd(h, configs % 2 ? LQ_MAC_SIMD_AVX2 : LQ_MAC_SIMD_NONE) != 0)
            CHECK(lq_mac_fast_simd(h, LQ_MAC_SIMD_NONE) == 0, "scalar kernels");
        CHECK(h->fast.simd <= f->fast.simd, "h's kernel %d, f's %d", h->fast.simd, f->fast.simd);
        if ((f->fast.path == LQ_MAC_PATH_PAIR || f->fast.m16) && c.lanes >= 8) {
            int *by = simd_by[f->fast.path != LQ_MAC_PATH_PAIR];
            by[f->fast.simd]++;
            by[h->fast.simd] += h->fast.simd != f->fast.simd;
        }
        cpu = f->fast.simd > cpu ? f->fast.simd : cpu;
        configs++;
        fast += f->fast.path != LQ_MAC_PATH_GENERAL;
        /* the 16-lane kernels (AVX-512F, where the CPU has it): their configurations */
        if (f->fast.path == LQ_MAC_PATH_PAIR && c.lanes >= 16)
            pairp16[f->fast.p16]++; /* by gathers, by permutes of 64-bit, of 32-bit products */
        mul16[f->fast.m16] += c.lanes >= 16;
        CHECK((f->fast.path != LQ_MAC_PATH_GENERAL) == wants_fast(f), "path choice: %s",
              cfg_str(&c, buf, sizeof buf));
        for (int v = 0; v < 6; v++) {
            /* some vectors longer than max_beats: the sum wraps to out_bits */
            long len = 1 + (long)lq_rng_below(&r, v == 5 ? (uint64_t)c.max_beats * 3 + 8 : 40);
            if (len > 4000)
                len = 4000;
            for (long b = 0; b < len; b++) {
                lq_wide of, og;
                int last = b == len - 1, rf, rg;
                for (int i = 0; i < c.lanes; i++) {
                    a[i] = random_code(&r, c.a.bits);
                    w[i] = random_code(&r, c.w.bits);
                }
                lq_wide oh;
                int rh;
                rf = lq_mac_step(f, a, w, last, &of);
                rg = lq_mac_step(g, a, w, last, &og);
                rh = lq_mac_step(h, a, w, last, &oh);
                beats++;
                CHECK(rf == rg && rh == rg, "return %d, %d vs %d", rf, rh, rg);
                for (int k = 0; k < 2 && rg == 1; k++) { /* f, then h, against g */
                    const lq_wide *o = k ? &oh : &of;
                    char d1[170], d2[170];
                    if (!lq_wide_eq(o, &og))
                        CHECK(0, "%s: vector %d of %ld beats: fast (kernel %d) %s general %s; "
                              "SEED=%llu", cfg_str(&c, buf, sizeof buf), v, len,
                              (k ? h : f)->fast.simd, lq_wide_dec(o, d1), lq_wide_dec(&og, d2),
                              (unsigned long long)seed);
                }
            }
        }
    }
    /* the grid reaches both sides of the fast path's limits */
    CHECK(fast > 100 && configs - fast > 30, "%d of %d configurations fast", fast, configs);
    CHECK(pairp16[0] >= 5 && pairp16[2] >= 5 && mul16[1] >= 5 && mul16[2] >= 5,
          "16-lane kernels: PAIR %d by gathers, %d and %d by permutes of 64- and 32-bit products, "
          "MUL %d by tables, %d computed", pairp16[0], pairp16[1], pairp16[2], mul16[1], mul16[2]);
    /* every PAIR and MUL kernel this CPU has ran (the scalar loop, AVX2, AVX-512F) */
    for (int k = LQ_MAC_SIMD_NONE; k <= cpu; k++)
        CHECK(simd_by[0][k] >= 5 && simd_by[1][k] >= 5,
              "8 lanes or more by kernel %d: %d PAIR, %d MUL configurations", k, simd_by[0][k],
              simd_by[1][k]);
    printf("  random (SEED=%llu): %d configurations (%d on a fast path; of 16 lanes or more, "
           "%d PAIR (%d by gathers, %d and %d by permutes of 64- and 32-bit products), %d MUL by "
           "tables, %d MUL with computed activations), %ld beats; of 8 "
           "lanes or more, PAIR and MUL (m16) by the scalar loop %d and %d, AVX2 %d and %d, "
           "AVX-512F %d and %d (a kernel this CPU lacks runs none)\n",
           (unsigned long long)seed, configs, fast, pairp16[0] + pairp16[1] + pairp16[2],
           pairp16[0], pairp16[1], pairp16[2],
           mul16[1], mul16[2], beats,
           simd_by[0][0], simd_by[1][0], simd_by[0][1], simd_by[1][1], simd_by[0][2],
           simd_by[1][2]);
out:
    free(f);
    free(g);
    free(h);
}

/* The default configurations of `logq gen mac` (every mode and base) take a fast
 * path; step64 refuses outputs wider than 64 bits; force_general takes effect. */
static void test_paths(void)
{
    lq_mac_state *s = malloc(sizeof *s);
    uint32_t a[16] = {0}, w[16] = {0};
    int64_t o;
    if (!s)
        return;
    for (int mode = 0; mode <= LQ_MAC_LINEAR; mode++)
        for (int half = 0; half <= 1; half++) {
            lq_mac_config c = base_cfg((lq_mac_mode)mode, half, 16);
            c.max_beats = 1024;
            if (mode != LQ_MAC_LOGLOG) {
                c.a.bits = 8;
                c.a.fsr = 7;
            }
            if (mode == LQ_MAC_LINEAR) /* int8 x int8, then int16 x int8 (no weight table) */
                c.w = c.a;
            if (mode == LQ_MAC_LINEAR && half)
                c.w.bits = 16;
            CHECK(lq_mac_reset(s, &c, NULL, 0) == 0, "reset");
            CHECK(s->fast.path != LQ_MAC_PATH_GENERAL, "%s base %s: general path",
                  lq_mac_mode_name(c.mode), half ? "sqrt2" : "2");
            if (mode == LQ_MAC_LOGLOG && half) /* 5 + 5 code bits: one lookup per lane */
                CHECK(s->fast.path == LQ_MAC_PATH_PAIR, "loglog sqrt2: path %d", s->fast.path);
            lq_mac_force_general(s);
            CHECK(s->fast.path == LQ_MAC_PATH_GENERAL && s->fast.kernel == NULL, "forced");
            CHECK(lq_mac_step64(s, a, w, 1, &o) == 1 && o == 0, "general step64");
        }
    {
        /* more code bits than the pair table holds */
        lq_mac_config c = base_cfg(LQ_MAC_LOGLOG, 1, 16);
        c.a.bits = 6;
        CHECK(lq_mac_reset(s, &c, NULL, 0) == 0 && s->fast.path == LQ_MAC_PATH_SUM,
              "loglog sqrt2 6 + 5 bits: path %d", s->fast.path);
    }
    {
        lq_mac_config c = base_cfg(LQ_MAC_SHIFT, 0, 16);
        c.a.bits = 32;
        c.w.bits = 8;
        CHECK(lq_mac_reset(s, &c, NULL, 0) == 0 && s->wd.out_bits > 64, "wide config");
        CHECK(s->fast.path == LQ_MAC_PATH_GENERAL, "wide config: general path");
        CHECK(lq_mac_step64(s, a, w, 1, &o) == -1, "step64 refuses %d bits", s->wd.out_bits);
    }
    {
        /* linear weights wider than the table: computed, on the fast path */
        lq_mac_config c = base_cfg(LQ_MAC_LINEAR, 0, 16);
        c.w.bits = 16;
        c.a.bits = 12;
        CHECK(lq_mac_reset(s, &c, NULL, 0) == 0 && s->fast.path == LQ_MAC_PATH_MUL &&
                  !s->fast.w_table,
              "linear 16-bit weights: computed fast path");
    }
    free(s);
}

/* PAIR by permutes (dot_pairp16): the products in 32 bits (the default P = 8) and wider
 * (P 28, which random_cfg rarely draws with 16 lanes or more), codes of 4 and 5
 * bits, against the general path; each kind by the kernel it says. */
static void test_pairp16(void)
{
    static const struct {
        int a_bits, w_bits, P, lanes, p16;
    } k[] = {{5, 5, 8, 16, 2}, {4, 5, 8, 37, 2}, {5, 4, 20, 16, 2}, {5, 5, 28, 64, 1},
             {4, 3, 28, 23, 1}};
    lq_rng r;
    lq_mac_state *f = malloc(sizeof *f), *g = malloc(sizeof *g);
    uint32_t a[LQ_MAC_LANES_MAX], w[LQ_MAC_LANES_MAX];
    char buf[200];
    long beats = 0;
    if (!f || !g)
        goto out;
    lq_rng_seed(&r, seed);
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        lq_mac_config c = base_cfg(LQ_MAC_LOGLOG, 1, k[i].lanes);
        c.a.bits = k[i].a_bits;
        c.w.bits = k[i].w_bits;
        c.sqrt2_frac = k[i].P;
        c.max_beats = 64;
        CHECK(pair(&c, f, g) == 0, "reset %s", cfg_str(&c, buf, sizeof buf));
        CHECK(f->fast.path == LQ_MAC_PATH_PAIR && f->fast.p16 == k[i].p16, "%s: path %d, p16 %d",
              cfg_str(&c, buf, sizeof buf), f->fast.path, f->fast.p16);
        for (int b = 0; b < 3000; b++) {
            lq_wide of, og;
            int last = lq_rng_below(&r, 20) == 0, rf, rg;
            for (int l = 0; l < c.lanes; l++) {
                a[l] = random_code(&r, c.a.bits);
                w[l] = random_code(&r, c.w.bits);
            }
            rf = lq_mac_step(f, a, w, last, &of);
            rg = lq_mac_step(g, a, w, last, &og);
            beats++;
            CHECK(rf == rg && (rg != 1 || lq_wide_eq(&of, &og)), "%s: beat %d differs; SEED=%llu",
                  cfg_str(&c, buf, sizeof buf), b, (unsigned long long)seed);
        }
    }
    printf("  PAIR by permutes: %zu configurations, %ld beats (kernel %d)\n", sizeof k / sizeof k[0],
           beats, f->fast.simd);
out:
    free(f);
    free(g);
}

/* Base sqrt(2) shift and mult with --frac (docs/mac.md, "The sqrt(2) constant once per
 * array"): a beat's result is floor(sum of the exact products / 2^T), once per beat,
 * not the sum of truncated products. The reference: the exact products of the same
 * configuration without --frac (lq_mac_product, checked by test_mac.c against the
 * formats), summed in 128 bits and shifted once; both paths must give it. */
static void test_split_trunc(void)
{
    lq_rng r;
    lq_mac_state *f = malloc(sizeof *f), *g = malloc(sizeof *g), *x = malloc(sizeof *x);
    uint32_t a[8], w[8];
    long differs = 0, beats = 0;
    if (!f || !g || !x)
        return;
    lq_rng_seed(&r, seed + 17);
    for (int k = 0; k < 200; k++) {
        lq_mac_config c = base_cfg(lq_rng_below(&r, 2) ? LQ_MAC_MULT : LQ_MAC_SHIFT, 1,
                                   1 + (int)lq_rng_below(&r, 8)), ce;
        char buf[160];
        c.w.bits = 2 + (int)lq_rng_below(&r, 5);
        c.w.fsr = (int)lq_rng_below(&r, 7) - 3;
        c.a.bits = 1 + (int)lq_rng_below(&r, 12);
        c.a.is_signed = c.a.bits > 1 && lq_rng_below(&r, 2);
        c.a.fsr = c.a.bits - 1;
        c.sqrt2_frac = 1 + (int)lq_rng_below(&r, 12);
        ce = c;
        if (lq_mac_reset(x, &ce, NULL, 0) != 0)
            continue;
        c.frac = x->wd.frac_exact - 1 - (int)lq_rng_below(&r, 12);
        if (pair(&c, f, g) != 0)
            continue;
        CHECK(f->wd.split && f->wd.trunc > 0, "%s: not split", cfg_str(&c, buf, sizeof buf));
        for (int b = 0; b < 50; b++) {
            __int128 sum = 0, ref;
            lq_wide of, og;
            int64_t pl = 0;
            for (int i = 0; i < c.lanes; i++) {
                lq_wide p;
                a[i] = (uint32_t)lq_rng_u64(&r) & ((1u << c.a.bits) - 1u);
                w[i] = (uint32_t)lq_rng_u64(&r) & ((1u << c.w.bits) - 1u);
                lq_mac_product(&ce, &x->wd, a[i], w[i], &p);
                sum += (__int128)(int64_t)p.limb[0];
                pl += (int64_t)p.limb[0] >> f->wd.trunc; /* per product, for the count */
            }
            ref = sum >> f->wd.trunc; /* floor */
            lq_mac_step(f, a, w, 1, &of);
            lq_mac_step(g, a, w, 1, &og);
            CHECK((int64_t)of.limb[0] == (int64_t)ref && lq_wide_eq(&of, &og),
                  "%s: fast %lld general %lld, expected %lld", cfg_str(&c, buf, sizeof buf),
                  (long long)(int64_t)of.limb[0], (long long)(int64_t)og.limb[0],
                  (long long)(int64_t)ref);
            differs += pl != (int64_t)ref;
            beats++;
        }
    }
    /* the definition matters: per-product truncation would differ on many beats */
    CHECK(beats > 1000 && differs > beats / 10, "%ld of %ld beats differ from per-product",
          differs, beats);
    printf("  split --frac: %ld beats, %ld differ from per-product truncation\n", beats, differs);
    free(f);
    free(g);
    free(x);
}

int main(int argc, char **argv)
{
    const char *e = getenv("SEED");
    check_init(argc, argv);
    if (e && *e)
        seed = strtoull(e, NULL, 10);
    printf("test_mac_fast: seed %llu; rerun: SEED=%llu %s\n", (unsigned long long)seed,
           (unsigned long long)seed, argv[0]);
    RUN(test_paths);
    RUN(test_exhaustive_small);
    RUN(test_random);
    RUN(test_pairp16);
    RUN(test_split_trunc);
    return check_done();
}
