/* The successive shift-MAC on compiled streams (lq_slqmac_prog in slqhw.h): the
 * results of lq_slqmac_step, with the streams cut into frames and slots once.
 *
 * Why rows by (frame, step) are enough. Every vector consumes exactly one frame per
 * lane: a lane reads one slot per step; a frame that ends before the vector makes
 * the lane idle (and flags it) until the vector's end; a frame that goes on past the
 * vector's end is flagged and its rest skipped at the next step, which therefore
 * reads the next frame's first slot. So at step i of the vector that reads frame f, a
 * lane reads slot i of its frame f when the frame has more than i slots and idles
 * otherwise; nothing else of the general step's state (pos, idle, skip) is needed.
 * This holds when frames end at slot ends (a vlast beat has wlast), which the
 * decoder guarantees; lq_slqmac_compile refuses other streams.
 *
 * A step returns -1 (nothing changed) when a lane needs a slot that is not wholly in
 * its stream: the slot after the complete ones of a lane's last, unfinished frame
 * (MISSING cell), or any slot of a frame after it (row 0 of those frames is MISSING).
 * Frames are numbered up to the largest count of complete frames + 1, so the cursor
 * never passes the last frame's rows: its row 0 is MISSING for every lane.
 *
 * The terms. A term of shift s <= frac adds exactly +-x * 2^(frac - s): the slot's
 * such terms add x * coef, coef = sum of +-2^(frac - s), modulo 2^64 like the
 * accumulator. Terms with s > frac are floored: lq_slqmac_term computes them. */
#include "slqhw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SLQ_SIMD 1
#else
#define SLQ_SIMD 0
#endif

void lq_slqmac_prog_free(lq_slqmac_prog *p)
{
    free(p->rowbase);
    free(p->coef);
    free(p->cell);
    free(p->row);
    free(p->inexact);
    memset(p, 0, sizeof *p);
}

/* Whether lq_slqmac_steps_fast can take path `simd` for `lanes` lanes on this CPU. */
static int simd_ok(int simd, int lanes)
{
#if SLQ_SIMD
    if (simd == LQ_SLQMAC_SIMD_AVX512)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    if (simd == LQ_SLQMAC_SIMD_AVX2)
        return lanes <= 16 && __builtin_cpu_supports("avx2");
#else
    (void)lanes;
#endif
    return simd == LQ_SLQMAC_SIMD_NONE;
}

int lq_slqmac_prog_simd(lq_slqmac_prog *p, int simd)
{
    if (!simd_ok(simd, p->lanes))
        return -1;
    p->simd = simd;
    return 0;
}

void lq_slqmac_rewind(lq_slqmac_prog *p)
{
    p->f = 0;
    p->i = 0;
}

static int exact_term(const lq_slqhw_beat *b, int frac)
{
    return b->err || b->zero || b->shift <= frac;
}

/* Per lane: the slot count of each complete frame, and the complete slots of the
 * unfinished last frame. */
typedef struct {
    long *nslots;   /* complete frames */
    long frames;    /* K: complete frames */
    long partial;   /* complete slots after the last vlast */
} lane_shape;

static int lane_scan(const lq_slqhw_beat *b, size_t n, int j, int frac, lane_shape *ls,
                     size_t *ninexact, char *msg, size_t len)
{
    long vl = 0, slots = 0;
    memset(ls, 0, sizeof *ls);
    for (size_t q = 0; q < n; q++) {
        if (b[q].vlast && !b[q].wlast) {
            snprintf(msg, len, "lane %d beat %zu: vlast inside a weight slot (no wlast)", j, q);
            return -1;
        }
        if (!b[q].err && !b[q].zero && b[q].shift < 0) {
            snprintf(msg, len, "lane %d beat %zu: shift %d is negative", j, q, b[q].shift);
            return -1;
        }
        vl += b[q].vlast != 0;
    }
    ls->nslots = calloc((size_t)vl + 1, sizeof *ls->nslots);
    if (!ls->nslots) {
        snprintf(msg, len, "out of memory for lane %d's %ld frames", j, vl);
        return -1;
    }
    for (size_t q = 0; q < n; q++) {
        if (!exact_term(&b[q], frac))
            (*ninexact)++;
        if (!b[q].wlast)
            continue;
        slots++;
        if (b[q].vlast) {
            ls->nslots[ls->frames++] = slots;
            slots = 0;
        }
    }
    ls->partial = slots;
    return 0;
}

/* Rows of frame f: the longest lane (a lane's unfinished frame counts its complete
 * slots plus the MISSING one, a frame after that one row). */
static long frame_rows(const lane_shape *ls, int lanes, long f)
{
    long r = 1;
    for (int j = 0; j < lanes; j++) {
        long k = f < ls[j].frames ? ls[j].nslots[f] : f == ls[j].frames ? ls[j].partial + 1 : 1;
        r = k > r ? k : r;
    }
    return r;
}

/* Fill lane j's cells. */
static void lane_fill(lq_slqmac_prog *p, const lq_slqhw_beat *b, size_t n, int j,
                      const lane_shape *ls, size_t *nix)
{
    long f = 0, i = 0;
    lq_slqmac_cell c = {0, *nix, 0, 0};
    uint64_t coef = 0;
    for (size_t q = 0; q < n; q++) {
        c.len++;
        if (b[q].err)
            c.flags |= LQ_SLQMAC_CELL_ERR;
        if (!exact_term(&b[q], p->frac)) {
            p->inexact[(*nix)++] = b[q];
            c.nix++;
        } else if (!b[q].err && !b[q].zero) {
            uint64_t t = (uint64_t)1 << (p->frac - b[q].shift);
            coef += b[q].neg ? -t : t;
        }
        if (!b[q].wlast)
            continue;
        {
            size_t at = (size_t)(p->rowbase[f] + i) * (size_t)p->lanes + (size_t)j;
            c.flags |= LQ_SLQMAC_CELL_PRESENT | (b[q].vlast ? LQ_SLQMAC_CELL_END : 0);
            p->cell[at] = c;
            p->coef[at] = coef;
        }
        i++;
        if (b[q].vlast) {
            f++;
            i = 0;
        }
        c.len = 0;
        c.ix = *nix;
        c.nix = 0;
        c.flags = 0;
        coef = 0;
    }
    /* the slot after the complete ones, then row 0 of every later frame */
    p->cell[(size_t)(p->rowbase[ls->frames] + ls->partial) * (size_t)p->lanes + (size_t)j]
        .flags = LQ_SLQMAC_CELL_MISSING;
    for (f = ls->frames + 1; f < p->frames; f++)
        p->cell[(size_t)p->rowbase[f] * (size_t)p->lanes + (size_t)j].flags =
            LQ_SLQMAC_CELL_MISSING;
}

static void row_fill(lq_slqmac_prog *p, long r)
{
    const lq_slqmac_cell *c = p->cell + (size_t)r * (size_t)p->lanes;
    lq_slqmac_row *ri = &p->row[r];
    int clean = 1, all = 1, none = 1;
    ri->longest = 0;
    for (int j = 0; j < p->lanes; j++) {
        int present = (c[j].flags & LQ_SLQMAC_CELL_PRESENT) != 0;
        int end = (c[j].flags & LQ_SLQMAC_CELL_END) != 0;
        if (present && c[j].len > ri->longest)
            ri->longest = c[j].len;
        if (!present || (c[j].flags & LQ_SLQMAC_CELL_ERR) || c[j].nix)
            clean = 0;
        all &= end;
        none &= !end;
    }
    ri->flags = (clean ? LQ_SLQMAC_ROW_CLEAN : 0) | (all ? LQ_SLQMAC_ROW_ENDS_ALL : 0) |
                (none ? LQ_SLQMAC_ROW_ENDS_NONE : 0);
}

int lq_slqmac_compile(lq_slqmac_prog *p, const lq_slqmac *m,
                      const lq_slqhw_beat *const *beats, const size_t *n, char *msg,
                      size_t len)
{
    lane_shape ls[LQ_SLQMAC_LANES_MAX];
    size_t ninexact = 0, cells, nix = 0;
    long kmax = 0, rows;
    int rc = -1, scanned = 0;

    memset(p, 0, sizeof *p);
    p->lanes = m->lanes;
    p->frac = m->frac;
    for (; scanned < m->lanes; scanned++) {
        if (lane_scan(beats[scanned], n[scanned], scanned, m->frac, &ls[scanned], &ninexact,
                      msg, len) != 0)
            goto done;
        kmax = ls[scanned].frames > kmax ? ls[scanned].frames : kmax;
    }
    p->frames = kmax + 2;
    p->rowbase = malloc((size_t)(p->frames + 1) * sizeof *p->rowbase);
    if (!p->rowbase)
        goto oom;
    p->rowbase[0] = 0;
    for (long f = 0; f < p->frames; f++)
        p->rowbase[f + 1] = p->rowbase[f] + frame_rows(ls, m->lanes, f);
    rows = p->rowbase[p->frames];
    cells = (size_t)rows * (size_t)m->lanes;
    p->coef = calloc(cells, sizeof *p->coef);
    p->cell = calloc(cells, sizeof *p->cell);
    p->row = calloc((size_t)rows, sizeof *p->row);
    p->inexact = malloc((ninexact + 1) * sizeof *p->inexact);
    if (!p->coef || !p->cell || !p->row || !p->inexact)
        goto oom;
    for (int j = 0; j < m->lanes; j++)
        lane_fill(p, beats[j], n[j], j, &ls[j], &nix);
    for (long r = 0; r < rows; r++)
        row_fill(p, r);
    p->simd = simd_ok(LQ_SLQMAC_SIMD_AVX512, m->lanes) ? LQ_SLQMAC_SIMD_AVX512
              : simd_ok(LQ_SLQMAC_SIMD_AVX2, m->lanes) ? LQ_SLQMAC_SIMD_AVX2
                                                      : LQ_SLQMAC_SIMD_NONE;
    rc = 0;
    goto done;
oom:
    snprintf(msg, len, "out of memory compiling the streams of %d lanes", m->lanes);
done:
    for (int j = 0; j < scanned; j++)
        free(ls[j].nslots);
    if (rc != 0)
        lq_slqmac_prog_free(p);
    return rc;
}

/* A row that is not clean: each lane as its cell says (lq_slqmac_step's rules). Out
 * of line, so the clean step stays a short function. */
__attribute__((noinline)) static int step_cells(lq_slqmac *m, const lq_slqmac_prog *p, long r, int64_t x, int act_last)
{
    const lq_slqmac_cell *c = p->cell + (size_t)r * (size_t)p->lanes;
    const uint64_t *coef = p->coef + (size_t)r * (size_t)p->lanes;
    for (int j = 0; j < p->lanes; j++)
        if (c[j].flags & LQ_SLQMAC_CELL_MISSING)
            return -1;
    for (int j = 0; j < p->lanes; j++) {
        int end = (c[j].flags & LQ_SLQMAC_CELL_END) != 0;
        if (!(c[j].flags & LQ_SLQMAC_CELL_PRESENT))
            continue; /* idle: its frame ended at an earlier step (flagged then) */
        m->acc[j] += (uint64_t)x * coef[j];
        for (int k = 0; k < c[j].nix; k++)
            m->acc[j] += (uint64_t)lq_slqmac_term(m, x, &p->inexact[c[j].ix + (size_t)k]);
        if ((c[j].flags & LQ_SLQMAC_CELL_ERR) || end != (act_last != 0))
            m->err[j] = 1; /* an error beat, a frame ending early or going on */
    }
    return 0;
}

/* A clean row whose lanes all end their frames where the vector does (or none does):
 * one multiply-add per lane. */
static inline int row_clean(const lq_slqmac_row *ri, int act_last)
{
    int want = LQ_SLQMAC_ROW_CLEAN | (act_last ? LQ_SLQMAC_ROW_ENDS_ALL : LQ_SLQMAC_ROW_ENDS_NONE);
    return (ri->flags & want) == want;
}

int lq_slqmac_step_fast(lq_slqmac *m, lq_slqmac_prog *p, int64_t x, int act_last,
                        int64_t *out, int *err)
{
    long r = p->rowbase[p->f] + p->i;
    if (r < p->rowbase[p->f + 1]) { /* else every lane idles: nothing to add */
        const lq_slqmac_row *ri = &p->row[r];
        if (row_clean(ri, act_last)) {
            const uint64_t *coef = p->coef + (size_t)r * (size_t)p->lanes;
            uint64_t ux = (uint64_t)x, *acc = m->acc;
            int j = 0, n = p->lanes;
            for (; j + 4 <= n; j += 4) { /* four lanes per iteration: the loop's own
                                          * instructions count at this size */
                acc[j] += ux * coef[j];
                acc[j + 1] += ux * coef[j + 1];
                acc[j + 2] += ux * coef[j + 2];
                acc[j + 3] += ux * coef[j + 3];
            }
            for (; j < n; j++)
                acc[j] += ux * coef[j];
        } else if (step_cells(m, p, r, x, act_last) != 0) {
            return -1;
        }
        m->cycles += ri->longest;
    }
    m->steps++;
    if (!act_last) {
        p->i++;
        return 0;
    }
    p->f++;
    p->i = 0;
    lq_slqmac_vector_end(m, out, err);
    return 1;
}

#if SLQ_SIMD
/* lq_slqmac_steps_fast with the lanes' sums in nv vector registers across the steps
 * (the step function's load, add and store of every sum per step was its limit, not
 * the multiplies): a clean row adds x * coef to every register's lanes, modulo 2^64;
 * lanes past p->lanes are masked off; other rows go through step_cells on the sums in
 * m. STEPS_LOOP is the loop, the same for both instruction sets; SUMS_LOAD, SUMS_STORE,
 * SUMS_ZERO and ROW_MAC(coef, x) are the set's. */
#define STEPS_LOOP()                                                                       \
    long k, f = p->f, i = p->i, steps = m->steps, cycles = m->cycles, vec = 0;             \
    int lanes = p->lanes;                                                                  \
    SUMS_LOAD();                                                                           \
    for (k = 0; k < nsteps; k++) {                                                         \
        int al = last && last[k];                                                          \
        long r = p->rowbase[f] + i;                                                        \
        if (r < p->rowbase[f + 1]) { /* else every lane idles: nothing to add */           \
            const lq_slqmac_row *ri = &p->row[r];                                          \
            if (row_clean(ri, al)) {                                                       \
                ROW_MAC(p->coef + (size_t)r * (size_t)lanes, x[k]);                        \
            } else {                                                                       \
                int rc;                                                                    \
                SUMS_STORE();                                                              \
                rc = step_cells(m, p, r, x[k], al);                                        \
                SUMS_LOAD();                                                               \
                if (rc != 0)                                                               \
                    break;                                                                 \
            }                                                                              \
            cycles += ri->longest;                                                         \
        }                                                                                  \
        steps++;                                                                           \
        if (!al) {                                                                         \
            i++;                                                                           \
            continue;                                                                      \
        }                                                                                  \
        f++;                                                                               \
        i = 0;                                                                             \
        {                                                                                  \
            int e[LQ_SLQMAC_LANES_MAX];                                                    \
            SUMS_STORE();                                                                  \
            lq_slqmac_vector_end(m, out + vec * lanes, e);                                 \
            for (int j = 0; j < lanes; j++)                                                \
                err[vec * lanes + j] = (uint8_t)(e[j] != 0);                               \
            vec++;                                                                         \
            SUMS_ZERO();                                                                   \
        }                                                                                  \
    }                                                                                      \
    SUMS_STORE();                                                                          \
    p->f = f;                                                                              \
    p->i = i;                                                                              \
    m->steps = steps;                                                                      \
    m->cycles = cycles;                                                                    \
    *nout = vec;                                                                           \
    return k

#define STEPS_ARGS                                                                         \
    lq_slqmac *m, lq_slqmac_prog *p, const int64_t *x, const uint8_t *last, long nsteps,   \
        int64_t *out, uint8_t *err, long *nout
#define STEPS_PASS m, p, x, last, nsteps, out, err, nout

/* AVX-512: eight lanes a register, a clean row one 64 x 64 -> 64-bit multiply
 * (vpmullq, AVX-512DQ) and add per register. */
#define AVX512_TARGET "avx512f,avx512dq"
__attribute__((target(AVX512_TARGET), always_inline)) static inline long
steps_avx512_n(STEPS_ARGS, const int nv)
{
    __m512i a[8];
    __mmask8 mk[8];
#define SUMS_LOAD()                                                                        \
    _Pragma("GCC unroll 8") for (int v = 0; v < nv; v++)                                   \
        a[v] = _mm512_maskz_loadu_epi64(mk[v], m->acc + 8 * v)
#define SUMS_STORE()                                                                       \
    _Pragma("GCC unroll 8") for (int v = 0; v < nv; v++)                                   \
        _mm512_mask_storeu_epi64(m->acc + 8 * v, mk[v], a[v])
#define SUMS_ZERO()                                                                        \
    _Pragma("GCC unroll 8") for (int v = 0; v < nv; v++) a[v] = _mm512_setzero_si512()
#define ROW_MAC(COEF, X)                                                                   \
    do {                                                                                   \
        const uint64_t *c_ = (COEF);                                                       \
        __m512i vx = _mm512_set1_epi64(X);                                                 \
        _Pragma("GCC unroll 8") for (int v = 0; v < nv; v++) a[v] = _mm512_add_epi64(      \
            a[v], _mm512_mullo_epi64(vx, _mm512_maskz_loadu_epi64(mk[v], c_ + 8 * v)));    \
    } while (0)
#pragma GCC unroll 8
    for (int v = 0; v < nv; v++) {
        int left = p->lanes - 8 * v;
        mk[v] = (__mmask8)(left >= 8 ? 0xff : left > 0 ? (1u << left) - 1 : 0);
    }
    STEPS_LOOP();
#undef SUMS_LOAD
#undef SUMS_STORE
#undef SUMS_ZERO
#undef ROW_MAC
}

/* AVX2 (up to 16 lanes): four lanes a register, the low 64 bits of x * c from three
 * 32 x 32 -> 64-bit multiplies, lo(x) lo(c) + ((hi(x) lo(c) + lo(x) hi(c)) << 32). */
__attribute__((target("avx2"), always_inline)) static inline long
steps_avx2_n(STEPS_ARGS, const int nv)
{
    __m256i a[4], mk[4];
#define SUMS_LOAD()                                                                        \
    _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++)                                   \
        a[v] = _mm256_maskload_epi64((const long long *)(m->acc + 4 * v), mk[v])
#define SUMS_STORE()                                                                       \
    _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++)                                   \
        _mm256_maskstore_epi64((long long *)(m->acc + 4 * v), mk[v], a[v])
#define SUMS_ZERO()                                                                        \
    _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++) a[v] = _mm256_setzero_si256()
#define ROW_MAC(COEF, X)                                                                   \
    do {                                                                                   \
        const uint64_t *c_ = (COEF);                                                       \
        __m256i xl = _mm256_set1_epi64x(X), xh = _mm256_set1_epi64x((int64_t)((uint64_t)(X) >> 32)); \
        _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++) {                             \
            __m256i c = _mm256_maskload_epi64((const long long *)(c_ + 4 * v), mk[v]);     \
            __m256i hi = _mm256_add_epi64(_mm256_mul_epu32(xh, c),                         \
                                          _mm256_mul_epu32(xl, _mm256_srli_epi64(c, 32))); \
            a[v] = _mm256_add_epi64(a[v], _mm256_add_epi64(_mm256_mul_epu32(xl, c),        \
                                                           _mm256_slli_epi64(hi, 32)));    \
        }                                                                                  \
    } while (0)
#pragma GCC unroll 4
    for (int v = 0; v < nv; v++) {
        int left = p->lanes - 4 * v;
        mk[v] = _mm256_setr_epi64x(left > 0 ? -1 : 0, left > 1 ? -1 : 0, left > 2 ? -1 : 0,
                                   left > 3 ? -1 : 0);
    }
    STEPS_LOOP();
#undef SUMS_LOAD
#undef SUMS_STORE
#undef SUMS_ZERO
#undef ROW_MAC
}

#define STEPS_KERNEL(NAME, TARGET, IMPL, NV)                                               \
    __attribute__((target(TARGET))) static long NAME(STEPS_ARGS)                           \
    {                                                                                      \
        return IMPL(STEPS_PASS, NV);                                                       \
    }
STEPS_KERNEL(steps_avx512_1, AVX512_TARGET, steps_avx512_n, 1)
STEPS_KERNEL(steps_avx512_2, AVX512_TARGET, steps_avx512_n, 2)
STEPS_KERNEL(steps_avx512_4, AVX512_TARGET, steps_avx512_n, 4)
STEPS_KERNEL(steps_avx512_8, AVX512_TARGET, steps_avx512_n, 8)
STEPS_KERNEL(steps_avx2_1, "avx2", steps_avx2_n, 1)
STEPS_KERNEL(steps_avx2_2, "avx2", steps_avx2_n, 2)
STEPS_KERNEL(steps_avx2_4, "avx2", steps_avx2_n, 4)
#endif

long lq_slqmac_steps_fast(lq_slqmac *m, lq_slqmac_prog *p, const int64_t *x,
                          const uint8_t *last, long nsteps, int64_t *out, uint8_t *err,
                          long *nout)
{
    long k, vec = 0;
#if SLQ_SIMD
    if (p->simd == LQ_SLQMAC_SIMD_AVX512) {
        int nv = (p->lanes + 7) / 8;
        return nv <= 1   ? steps_avx512_1(STEPS_PASS)
               : nv <= 2 ? steps_avx512_2(STEPS_PASS)
               : nv <= 4 ? steps_avx512_4(STEPS_PASS)
                         : steps_avx512_8(STEPS_PASS);
    }
    if (p->simd == LQ_SLQMAC_SIMD_AVX2) {
        int nv = (p->lanes + 3) / 4;
        return nv <= 1 ? steps_avx2_1(STEPS_PASS)
               : nv <= 2 ? steps_avx2_2(STEPS_PASS)
                         : steps_avx2_4(STEPS_PASS);
    }
#endif
    for (k = 0; k < nsteps; k++) {
        int e[LQ_SLQMAC_LANES_MAX];
        int r = lq_slqmac_step_fast(m, p, x[k], last && last[k], out + vec * p->lanes, e);
        if (r < 0)
            break;
        if (r == 1) {
            for (int j = 0; j < p->lanes; j++)
                err[vec * p->lanes + j] = (uint8_t)(e[j] != 0);
            vec++;
        }
    }
    *nout = vec;
    return k;
}
