/* The compiled SLQ successive MAC (lq_slqmac_step_fast, cmodel/slqmac_fast.c) against
 * the general step lq_slqmac_step, which stays the reference (test_slqhw.c checks it
 * against exact values). Both run the same streams and activations; every step must
 * agree on the return value, out[], err[], and the model state (acc, err, steps,
 * cycles). lq_slqmac_steps_fast runs the same steps in random pieces as compiled (by
 * AVX-512 where the CPU has it), by AVX2 (up to 16 lanes, where the CPU has it) and,
 * the random set, by its per-step loop: every piece
 * must take the same steps and complete the same vectors with the same outputs, and
 * leave the same state. Streams: every stream of up to 4 beats (one lane) and up to 2 beats per lane
 * (two lanes) over an alphabet of beat kinds (exact, floored and zero terms, error
 * beats; each mid-slot, slot end or frame end) with every act_last pattern of 4 or 5
 * steps; then seeded random streams: decoder output of random words (errors and odd,
 * unfinished lengths included) and random beats, 1 to 64 lanes, with vectors that match
 * the frames, miss them by one, or are random. Streams with vlast on a beat without
 * wlast must be refused by the compiler (and then nothing is compared).
 *
 *   SEED=N build/tests/test_slqmac_fast     (default seed 1) */
#include <stdlib.h>
#include <string.h>

#include "../../cmodel/logq.h"
#include "../../cmodel/rng.h"
#include "../../cmodel/slqhw.h"
#include "check.h"

static uint64_t seed = 1;
enum { STEPS_MAX = 700 }; /* the most steps of a run */
static long compared_steps, fast_rows, path_steps[3]; /* by LQ_SLQMAC_SIMD_* */

typedef struct {
    int lanes, act_bits, frac, acc_bits;
} mac_shape;

/* The compiler refuses exactly the streams with vlast inside a slot or a negative shift. */
static int compilable(int lanes, const lq_slqhw_beat *const *b, const size_t *n)
{
    for (int j = 0; j < lanes; j++)
        for (size_t q = 0; q < n[j]; q++)
            if ((b[j][q].vlast && !b[j][q].wlast) ||
                (!b[j][q].err && !b[j][q].zero && b[j][q].shift < 0))
                return 0;
    return 1;
}

/* The model states of g and f agree (acc, err, steps, cycles); else a CHECK. */
static int same_state(const lq_slqmac *g, const lq_slqmac *f, int lanes, int k, const char *what)
{
    for (int j = 0; j < lanes; j++)
        if (g->acc[j] != f->acc[j] || g->err[j] != f->err[j]) {
            CHECK(0, "%s: after step %d lane %d: acc/err general %llx/%d, fast %llx/%d", what, k,
                  j, (unsigned long long)g->acc[j], g->err[j], (unsigned long long)f->acc[j],
                  f->err[j]);
            return 0;
        }
    if (g->steps != f->steps || g->cycles != f->cycles) {
        CHECK(0, "%s: after step %d: steps/cycles general %ld/%ld, fast %ld/%ld", what, k,
              g->steps, g->cycles, f->steps, f->cycles);
        return 0;
    }
    return 1;
}

/* How the compiled model runs: a call of lq_slqmac_step_fast per step, or
 * lq_slqmac_steps_fast on random pieces of the steps, as compiled (by AVX-512 or AVX2
 * where the CPU has them), by AVX2 (where the CPU and the lane count allow it) or by
 * its per-step loop (lq_slqmac_prog_simd). */
enum { BY_STEP, BY_PIECES, BY_PIECES_AVX2, BY_PIECES_NONE };

/* lq_slqmac_steps_fast on steps [k0, k1), against the general step on each: the steps
 * taken (up to a -1), the vectors' outputs and errors, then the states. 1 when they
 * agreed and no step returned -1. */
static int compare_piece(const mac_shape *s, lq_slqmac *g, lq_slqmac *f, lq_slqmac_prog *p,
                         const lq_slqhw_beat *const *b, const size_t *n, size_t *pos,
                         const int64_t *x, const uint8_t *last, int k0, int k1, int *ok,
                         const char *what)
{
    static int64_t og[STEPS_MAX * LQ_SLQMAC_LANES_MAX], of[STEPS_MAX * LQ_SLQMAC_LANES_MAX];
    static uint8_t egb[STEPS_MAX * LQ_SLQMAC_LANES_MAX], ef[STEPS_MAX * LQ_SLQMAC_LANES_MAX];
    long vg = 0, vf = 0, taken;
    int k = k0, rg = 0;
    for (; k < k1; k++) {
        int e[LQ_SLQMAC_LANES_MAX];
        rg = lq_slqmac_step(g, x[k], last[k], b, n, pos, og + vg * s->lanes, e);
        if (rg < 0)
            break;
        if (rg == 1) {
            for (int j = 0; j < s->lanes; j++)
                egb[vg * s->lanes + j] = (uint8_t)(e[j] != 0);
            vg++;
        }
    }
    taken = lq_slqmac_steps_fast(f, p, x + k0, last + k0, k1 - k0, of, ef, &vf);
    compared_steps += taken;
    path_steps[p->simd] += taken;
    if (taken != k - k0 || vf != vg) {
        CHECK(0, "%s: steps %d-%d: general took %d steps, %ld vectors; fast %ld, %ld", what, k0,
              k1 - 1, k - k0, vg, taken, vf);
        *ok = 0;
        return 0;
    }
    for (long q = 0; q < vg * s->lanes; q++)
        if (og[q] != of[q] || egb[q] != ef[q]) {
            CHECK(0, "%s: steps %d-%d: vector %ld lane %ld: general %lld err %d, fast %lld err %d",
                  what, k0, k1 - 1, q / s->lanes, q % s->lanes, (long long)og[q], egb[q],
                  (long long)of[q], ef[q]);
            *ok = 0;
            return 0;
        }
    *ok = same_state(g, f, s->lanes, k - 1, what);
    return *ok && rg >= 0;
}

/* Run both models over the steps, the compiled one `how`; 1 when they agreed
 * everywhere. */
static int compare_as(const mac_shape *s, const lq_slqhw_beat *const *b, const size_t *n,
                      const int64_t *x, const int *last, int steps, const char *what, int how)
{
    lq_slqmac g, f;
    lq_slqmac_prog p;
    size_t pos[LQ_SLQMAC_LANES_MAX] = {0};
    int64_t og[LQ_SLQMAC_LANES_MAX], of[LQ_SLQMAC_LANES_MAX];
    int eg[LQ_SLQMAC_LANES_MAX], ef[LQ_SLQMAC_LANES_MAX];
    char msg[200];
    int ok = 1, rc;

    lq_slqmac_reset(&g, s->lanes, s->act_bits, s->frac, s->acc_bits);
    lq_slqmac_reset(&f, s->lanes, s->act_bits, s->frac, s->acc_bits);
    rc = lq_slqmac_compile(&p, &f, b, n, msg, sizeof msg);
    if (rc != 0 || !compilable(s->lanes, b, n)) {
        CHECK((rc == 0) == compilable(s->lanes, b, n), "%s: compile returned %d (%s)", what, rc,
              rc ? msg : "");
        if (rc == 0)
            lq_slqmac_prog_free(&p);
        return rc != 0;
    }
    if ((how == BY_PIECES_AVX2 && lq_slqmac_prog_simd(&p, LQ_SLQMAC_SIMD_AVX2) != 0) ||
        (how == BY_PIECES_NONE && lq_slqmac_prog_simd(&p, LQ_SLQMAC_SIMD_NONE) != 0)) {
        CHECK(how == BY_PIECES_AVX2, "%s: the per-step path refused", what);
        lq_slqmac_prog_free(&p);
        return how == BY_PIECES_AVX2; /* no AVX2 here, or more than 16 lanes */
    }
    if (how == BY_STEP)
        for (long r = 0; r < p.rowbase[p.frames]; r++)
            fast_rows += (p.row[r].flags & LQ_SLQMAC_ROW_CLEAN) != 0;
    if (how != BY_STEP) {
        static uint8_t l8[STEPS_MAX];
        lq_rng r;
        lq_rng_seed(&r, seed ^ (uint64_t)steps * 0x9e3779b97f4a7c15u ^ (uint64_t)n[0]);
        for (int k = 0; k < steps; k++)
            l8[k] = (uint8_t)(last[k] != 0);
        for (int k0 = 0; k0 < steps;) {
            int k1 = k0 + 1 + (int)lq_rng_below(&r, lq_rng_below(&r, 4) ? 8 : (uint64_t)steps);
            k1 = k1 > steps ? steps : k1;
            if (!compare_piece(s, &g, &f, &p, b, n, pos, x, l8, k0, k1, &ok, what))
                break;
            k0 = k1;
        }
        lq_slqmac_prog_free(&p);
        return ok;
    }
    for (int k = 0; k < steps && ok; k++) {
        int rg = lq_slqmac_step(&g, x[k], last[k], b, n, pos, og, eg);
        int rf = lq_slqmac_step_fast(&f, &p, x[k], last[k], of, ef);
        compared_steps++;
        if (rg != rf) {
            CHECK(0, "%s: step %d (x %lld, last %d): general %d, fast %d", what, k,
                  (long long)x[k], last[k], rg, rf);
            ok = 0;
        }
        for (int j = 0; j < s->lanes && ok; j++)
            if (rg == 1 && (og[j] != of[j] || eg[j] != ef[j])) {
                CHECK(0, "%s: step %d lane %d: out general %lld err %d, fast %lld err %d", what,
                      k, j, (long long)og[j], eg[j], (long long)of[j], ef[j]);
                ok = 0;
            }
        ok = ok && same_state(&g, &f, s->lanes, k, what);
    }
    lq_slqmac_prog_free(&p);
    return ok;
}

/* A step per call, in pieces as compiled and by AVX2 (test_random adds the per-step
 * loop of lq_slqmac_steps_fast, which is lq_slqmac_step_fast in turn). */
static int compare(const mac_shape *s, const lq_slqhw_beat *const *b, const size_t *n,
                   const int64_t *x, const int *last, int steps, const char *what)
{
    int ok = compare_as(s, b, n, x, last, steps, what, BY_STEP);
    ok &= compare_as(s, b, n, x, last, steps, what, BY_PIECES);
    ok &= compare_as(s, b, n, x, last, steps, what, BY_PIECES_AVX2);
    return ok;
}

/* ---- exhaustive: every short stream over an alphabet of beat kinds ---- */

enum { KINDS = 5, PLACES = 3, SYMBOLS = KINDS * PLACES };

/* Symbol s: kind (exact +, exact - at shift frac, floored -, zero, error) and place
 * (inside a slot, slot end, frame end) with frac = 2. */
static lq_slqhw_beat symbol(int s)
{
    lq_slqhw_beat b = {0, 0, 0, 0, 0, 0, 0};
    int kind = s / PLACES, place = s % PLACES;
    switch (kind) {
    case 0: b.shift = 1; break;
    case 1: b.neg = 1; b.shift = 2; break;
    case 2: b.neg = 1; b.shift = 4; break; /* > frac: floored */
    case 3: b.zero = 1; break;
    default: b.err = 3; b.zero = 1; break;
    }
    b.wlast = place >= 1;
    b.vlast = place == 2;
    return b;
}

static int decode_stream(long code, int len, lq_slqhw_beat *b)
{
    for (int q = 0; q < len; q++) {
        b[q] = symbol((int)(code % SYMBOLS));
        code /= SYMBOLS;
    }
    return len;
}

static long power(long b, int e)
{
    long r = 1;
    while (e-- > 0)
        r *= b;
    return r;
}

static void test_exhaustive_one_lane(void)
{
    mac_shape s = {1, 4, 2, 6}; /* acc_bits 6: sums wrap */
    static const int64_t xs[5] = {-8, 7, -1, 5, 0};
    long runs = 0, bad = 0;
    char what[120];
    for (int len = 0; len <= 4; len++)
        for (long code = 0; code < power(SYMBOLS, len); code++) {
            lq_slqhw_beat beats[4];
            const lq_slqhw_beat *bp[1] = {beats};
            size_t n[1];
            n[0] = (size_t)decode_stream(code, len, beats);
            for (int pat = 0; pat < 32; pat++) {
                int last[5];
                for (int k = 0; k < 5; k++)
                    last[k] = (pat >> k) & 1;
                snprintf(what, sizeof what, "one lane, stream %d/%ld, last pattern %d", len, code,
                         pat);
                bad += !compare(&s, bp, n, xs, last, 5, what);
                runs++;
            }
        }
    printf("  one lane: %ld runs (every stream of 0-4 beats x 32 last patterns), %ld differ\n",
           runs, bad);
}

static void test_exhaustive_two_lanes(void)
{
    mac_shape s = {2, 4, 2, 64};
    static const int64_t xs[4] = {-8, 7, 3, -5};
    long runs = 0, bad = 0, per = 1 + SYMBOLS + SYMBOLS * SYMBOLS;
    char what[140];
    for (long c0 = 0; c0 < per; c0++)
        for (long c1 = 0; c1 < per; c1++) {
            lq_slqhw_beat b0[2], b1[2];
            const lq_slqhw_beat *bp[2] = {b0, b1};
            size_t n[2];
            n[0] = (size_t)decode_stream(c0 < 1 ? 0 : c0 < 1 + SYMBOLS ? c0 - 1 : c0 - 1 - SYMBOLS,
                                         c0 < 1 ? 0 : c0 < 1 + SYMBOLS ? 1 : 2, b0);
            n[1] = (size_t)decode_stream(c1 < 1 ? 0 : c1 < 1 + SYMBOLS ? c1 - 1 : c1 - 1 - SYMBOLS,
                                         c1 < 1 ? 0 : c1 < 1 + SYMBOLS ? 1 : 2, b1);
            for (int pat = 0; pat < 16; pat++) {
                int last[4];
                for (int k = 0; k < 4; k++)
                    last[k] = (pat >> k) & 1;
                snprintf(what, sizeof what, "two lanes, streams %ld %ld, last pattern %d", c0, c1,
                         pat);
                bad += !compare(&s, bp, n, xs, last, 4, what);
                runs++;
            }
        }
    printf("  two lanes: %ld runs (every pair of 0-2 beat streams x 16 last patterns), %ld "
           "differ\n", runs, bad);
}

/* ---- seeded random ---- */

enum { MAX_WEIGHTS = 600 };

/* Lane j's beats from the decoder: nw random weights, encoded and framed in frames of
 * flen weights (the last frame possibly unfinished), some words corrupted. */
static size_t decoder_stream(lq_rng *r, const lq_format *f, lq_framing fr, int nw, int flen,
                             int corrupt, int cut, lq_slqhw_beat *out)
{
    lq_slqhw_dec h;
    size_t nb = 0;
    int sw = lq_slq_stream_width(f, fr);
    lq_slqhw_dec_reset(&h, f, fr);
    for (int s = 0; s < nw; s++) {
        uint32_t words[2 * LQ_SLQ_WORDS_MAX];
        double v = lq_rng_gauss(r) * (lq_rng_below(r, 2) ? 0.2 : 1.5);
        lq_slq_value val = lq_slq_encode(f, v);
        int n = lq_slq_frame_value(f, fr, &val, words);
        int vl = (s % flen) == flen - 1;
        if (s == nw - 1 && cut) { /* an unfinished frame: no last, maybe a word short */
            vl = 0;
            if (n > 1)
                n--;
        }
        for (int i = 0; i < n; i++) {
            uint32_t w = words[i];
            if (corrupt && lq_rng_below(r, 100) < (uint64_t)corrupt)
                w = (uint32_t)lq_rng_below(r, 1u << sw);
            nb += (size_t)lq_slqhw_dec_step(&h, w, vl && i == n - 1, out + nb);
        }
    }
    return nb;
}

/* Random beats with vlast only on wlast beats (or, when bad, anywhere). */
static size_t random_stream(lq_rng *r, int nbeats, int bad, lq_slqhw_beat *out)
{
    for (int q = 0; q < nbeats; q++) {
        lq_slqhw_beat b = {0, 0, 0, 0, 0, 0, 0};
        uint64_t k = lq_rng_below(r, 20);
        if (k == 0) {
            b.err = 1 + (int)lq_rng_below(r, 7);
            b.zero = 1;
            b.wlast = 1;
        } else if (k == 1) {
            b.zero = 1;
        } else {
            b.neg = (int)lq_rng_below(r, 2);
            b.shift = k == 2 ? 63 + (int)lq_rng_below(r, 4) : (int)lq_rng_below(r, 40);
        }
        if (lq_rng_below(r, 3) == 0)
            b.wlast = 1;
        b.vlast = b.wlast && lq_rng_below(r, 4) == 0;
        if (bad && lq_rng_below(r, 50) == 0)
            b.vlast = 1;
        out[q] = b;
    }
    return (size_t)nbeats;
}

static void test_random(void)
{
    lq_rng r;
    long runs = 0, bad = 0, refused = 0;
    enum { RUNS = 1500, STEPS = STEPS_MAX };
    lq_slqhw_beat *beats[LQ_SLQMAC_LANES_MAX];
    int64_t *x = malloc(STEPS * sizeof *x);
    int *last = malloc(STEPS * sizeof *last);
    char what[200];
    for (int j = 0; j < LQ_SLQMAC_LANES_MAX; j++)
        beats[j] = malloc((size_t)MAX_WEIGHTS * 2 * LQ_SLQ_WORDS_MAX * LQ_SLQHW_BEATS_MAX *
                          sizeof *beats[j]);
    lq_rng_seed(&r, seed);
    for (int run = 0; run < RUNS; run++) {
        static const int lane_choice[] = {1, 2, 3, 7, 16, 33, 64};
        mac_shape s;
        lq_format f = lq_format_default();
        lq_framing fr = lq_rng_below(&r, 2) ? LQ_FRAMING_TAG : LQ_FRAMING_SPECIAL;
        size_t n[LQ_SLQMAC_LANES_MAX];
        int kind = (int)lq_rng_below(&r, 4); /* 0, 1 decoder; 2 random; 3 random, bad vlast */
        int flen = 1 + (int)lq_rng_below(&r, 12), nw = 1 + (int)lq_rng_below(&r, 120);
        int corrupt = lq_rng_below(&r, 3) == 0 ? (int)lq_rng_below(&r, 8) : 0;
        int vec = (int)lq_rng_below(&r, 3); /* vectors: of flen steps, flen +- 1, random */
        int64_t amax;
        s.lanes = lane_choice[lq_rng_below(&r, sizeof lane_choice / sizeof lane_choice[0])];
        s.act_bits = 2 + (int)lq_rng_below(&r, 15);
        s.frac = (int)lq_rng_below(&r, (uint64_t)(62 - s.act_bits + 1));
        if (lq_rng_below(&r, 3) == 0)
            s.frac = lq_rng_below(&r, 2) ? 62 - s.act_bits : 0;
        s.acc_bits = 2 + (int)lq_rng_below(&r, 63);
        f.scheme = LQ_SLQ;
        f.bits = 2 + (int)lq_rng_below(&r, 7);
        f.fsr = (int)lq_rng_below(&r, 5) - 2;
        f.max_words = 1 + (int)lq_rng_below(&r, 4);
        for (int j = 0; j < s.lanes; j++) {
            int nwj = lq_rng_below(&r, 8) == 0 ? nw + (int)lq_rng_below(&r, 3) - 1 : nw;
            if (nwj < 1)
                nwj = 1;
            if (kind < 2)
                n[j] = decoder_stream(&r, &f, fr, nwj, flen, corrupt, lq_rng_below(&r, 10) == 0,
                                      beats[j]);
            else
                n[j] = random_stream(&r, (int)lq_rng_below(&r, 300), kind == 3, beats[j]);
        }
        amax = ((int64_t)1 << (s.act_bits - 1)) - 1;
        for (int k = 0, left = 0; k < STEPS; k++) {
            uint64_t c = lq_rng_below(&r, 10);
            x[k] = c == 0 ? amax : c == 1 ? -amax - 1 : c == 2 ? 0 : c == 3 ? -1
                 : (int64_t)lq_rng_below(&r, (uint64_t)(2 * amax + 2)) - amax - 1;
            if (left == 0)
                left = vec == 0 ? flen
                     : vec == 1 ? flen + (int)lq_rng_below(&r, 3) - 1 + (flen == 1)
                                : 1 + (int)lq_rng_below(&r, 2 * (uint64_t)flen + 1);
            last[k] = --left == 0;
        }
        snprintf(what, sizeof what,
                 "seed %llu run %d: %d lanes, A %d F %d acc %d, W %d L %d %s, kind %d, flen %d, "
                 "vec %d, corrupt %d", (unsigned long long)seed, run, s.lanes, s.act_bits,
                 s.frac, s.acc_bits, f.bits, f.max_words, fr == LQ_FRAMING_TAG ? "tag" : "special",
                 kind, flen, vec, corrupt);
        refused += !compilable(s.lanes, (const lq_slqhw_beat *const *)beats, n);
        bad += !compare(&s, (const lq_slqhw_beat *const *)beats, n, x, last, STEPS, what) ||
               !compare_as(&s, (const lq_slqhw_beat *const *)beats, n, x, last, STEPS, what,
                           BY_PIECES_NONE);
        runs++;
    }
    printf("  random: %ld runs (%ld streams refused by the compiler, as they must be), %ld "
           "differ; rerun: SEED=%llu build/tests/test_slqmac_fast\n", runs, refused, bad,
           (unsigned long long)seed);
    for (int j = 0; j < LQ_SLQMAC_LANES_MAX; j++)
        free(beats[j]);
    free(x);
    free(last);
}

/* Well-formed streams whose frames match the vectors take the one-multiply row on
 * every step: the point of the compiled form. */
static void test_clean_rows(void)
{
    lq_rng r;
    lq_format f = lq_format_default();
    lq_slqhw_beat *beats[16];
    size_t n[16];
    lq_slqmac m;
    lq_slqmac_prog p;
    char msg[200];
    f.scheme = LQ_SLQ;
    f.bits = 5;
    f.max_words = 2;
    lq_rng_seed(&r, seed);
    for (int j = 0; j < 16; j++) {
        beats[j] = malloc(256 * 2 * LQ_SLQ_WORDS_MAX * LQ_SLQHW_BEATS_MAX * sizeof *beats[j]);
        n[j] = decoder_stream(&r, &f, LQ_FRAMING_TAG, 256, 64, 0, 0, beats[j]);
    }
    lq_slqmac_reset(&m, 16, 8, 15, 40);
    CHECK(lq_slqmac_compile(&p, &m, (const lq_slqhw_beat *const *)beats, n, msg, sizeof msg) == 0,
          "%s", msg);
    CHECK(p.frames == 6 && p.rowbase[4] == 256, "frames %ld, rows of 4 frames %ld", p.frames,
          p.rowbase[4]);
#if defined(__x86_64__) && defined(__GNUC__)
    {
        int want = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
                       ? LQ_SLQMAC_SIMD_AVX512
                   : __builtin_cpu_supports("avx2") ? LQ_SLQMAC_SIMD_AVX2
                                                    : LQ_SLQMAC_SIMD_NONE;
        CHECK(p.simd == want, "16 lanes: path %d, this CPU's best %d", p.simd, want);
    }
#else
    CHECK(p.simd == LQ_SLQMAC_SIMD_NONE, "path %d without x86-64", p.simd);
#endif
    for (long k = 0; k < 256; k++) {
        int want = LQ_SLQMAC_ROW_CLEAN |
                   (k % 64 == 63 ? LQ_SLQMAC_ROW_ENDS_ALL : LQ_SLQMAC_ROW_ENDS_NONE);
        CHECK((p.row[k].flags & want) == want, "row %ld flags %d", k, p.row[k].flags);
    }
    lq_slqmac_prog_free(&p);
    for (int j = 0; j < 16; j++)
        free(beats[j]);
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    seed = check_seed(1);
    printf("test_slqmac_fast: seed %llu\n", (unsigned long long)seed);
    RUN(test_exhaustive_one_lane);
    RUN(test_exhaustive_two_lanes);
    RUN(test_random);
    RUN(test_clean_rows);
    printf("  %ld steps compared, %ld one-multiply rows built; lq_slqmac_steps_fast: %ld "
           "steps by AVX-512, %ld by AVX2, %ld by its per-step loop (a path this CPU lacks "
           "runs none)\n", compared_steps, fast_rows, path_steps[LQ_SLQMAC_SIMD_AVX512],
           path_steps[LQ_SLQMAC_SIMD_AVX2], path_steps[LQ_SLQMAC_SIMD_NONE]);
    return check_done();
}
