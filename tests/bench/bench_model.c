/* The C-model side of `make bench` (docs/bench.md), built with the library's flags.
 *
 *   bench_model model [--runs R] [--macs M] [--lanes N] [--seed S]
 *       Lane-MACs per second of the MAC models (lq_mac_step; shift, loglog, mult, base
 *       2 and sqrt(2), the default configuration of each, by the widest kernel the CPU
 *       has; shift-avx2 and loglog-sqrt2-avx2: by the AVX2 kernels, lq_mac_fast_simd, as
 *       a CPU without AVX-512F runs them) and of
 *       the log-domain dot product of `logq gen logdot` (logdot: lq_logdot_steps, one
 *       call per vector, as built, the SIMD path where the CPU has AVX2; logdot-step:
 *       the same with lq_logdot_step, a call per beat; logdot-scalar:
 *       lq_logdot_force_scalar, the scalar fast path; logdot-general:
 *       lq_logdot_force_general), the SLQ successive MAC on
 *       pre-decoded words (slq: lq_slqmac_steps_fast on the compiled streams, one
 *       call per vector, by AVX-512 or AVX2 where the CPU has it; slq-step: the same with
 *       lq_slqmac_step_fast, a call per step; slq-general: lq_slqmac_step), each paired, run
 *       by run, with a plain float dot product of the same length and the same number
 *       of multiply-adds. One line per run and item:
 *           RUN <item> <model lane-MACs/s> <float MACs/s> <note>
 *       or, for an item this CPU cannot run (an -avx2 item without AVX2):
 *           NA <item> <reason>
 *   bench_model items
 *       The items' names in one line, in the order above (scripts/bench.sh and
 *       tests/bench.sh run this list).
 *   bench_model vectors --lanes N --beats B [--seed S] [--out-bits OB] -o DIR
 *       Stimulus and expected sums of the default MAC configuration (logq gen mac
 *       --lanes N) for the Icarus bench (tests/bench/mac_icarus_tb.v): DIR/vec.hex (one
 *       beat per line: {last, s_w, s_a}), DIR/exp.hex (one sum per vector), and
 *       prints "vectors: B beats, V vectors, beat width VW, out OB bits". B beats end
 *       on a vector's last beat, so the bench may replay the file in a loop.
 *
 * Exit status 0, 2 on a bad option. The timings never fail anything. */
#include "../../cmodel/logdot.h"
#include "../../cmodel/logq.h"
#include "../../cmodel/mac.h"
#include "../../cmodel/slqhw.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The thread's CPU time: on the shared machine a piece of a run that waits for a core
 * does not count (wall time did, and made the best-of-5 pieces depend on the load). */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int arg_long(const char *name, const char *v, long lo, long hi, long *out)
{
    char *end;
    long x;
    errno = 0;
    x = strtol(v ? v : "", &end, 10);
    if (!v || errno || *end || end == v || x < lo || x > hi) {
        fprintf(stderr, "bench_model: %s '%s' is not an integer in %ld..%ld\n", name,
                v ? v : "", lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

/* The default configuration of `logq gen mac` (docs/mac.md) with N lanes, a mode and a
 * base (half: sqrt(2)). */
static lq_mac_config mac_default(lq_mac_mode mode, int half, int lanes)
{
    lq_mac_config c;
    memset(&c, 0, sizeof c);
    c.mode = mode;
    c.lanes = lanes;
    c.w = lq_format_default(); /* 5-bit signed log2, fsr 0 */
    if (half)
        c.w.scheme = LQ_LOGSQRT2;
    c.a = lq_format_default();
    if (mode == LQ_MAC_LOGLOG) {
        c.a.scheme = c.w.scheme;
        c.a.bits = 5;
        c.a.fsr = 0;
    } else {
        c.a.scheme = LQ_LINEAR;
        c.a.bits = 8;
        c.a.fsr = 7;
    }
    c.a.is_signed = true;
    c.sqrt2_frac = 8;
    c.frac = LQ_MAC_FRAC_EXACT;
    c.max_beats = 1024;
    return c;
}

/* ---- model timings ---- */

enum { VEC_BEATS = 64, DATA_BEATS = 4096, SUBRUNS = 20 };

/* The repetitions of one of the SUBRUNS pieces of a run (at least 1). */
static long sub_reps(long reps)
{
    return reps / SUBRUNS > 0 ? reps / SUBRUNS : 1;
}

/* A float dot product over the same data layout: nbeats beats of `lanes` products,
 * one sum per VEC_BEATS beats, reps times over the buffer. */
static volatile float float_sink;

/* The timed loops: out of line, and each at a 64-byte boundary, so that a change
 * elsewhere in the binary does not move a loop across a boundary. On the Intel Xeon of
 * docs/bench.md (eighth round) the float loop alone ran 0.79-0.99 G MACs/s at one
 * placement and 1.01-1.17 G at the others; aligned it takes the fast one. */
#define NOINLINE __attribute__((noinline, aligned(64)))

NOINLINE static double time_float(const float *x, const float *y, int lanes,
                                   long reps)
{
    double t0 = now();
    for (long r = 0; r < reps; r++) {
        for (int v = 0; v < DATA_BEATS / VEC_BEATS; v++) {
            const float *px = x + (size_t)v * VEC_BEATS * lanes;
            const float *py = y + (size_t)v * VEC_BEATS * lanes;
            float s = 0.0f;
            for (int i = 0; i < VEC_BEATS * lanes; i++)
                s += px[i] * py[i];
            float_sink = s;
        }
    }
    return now() - t0;
}

static volatile uint64_t model_sink;

/* The timed loop of a model stepped with a beat of a and w (m, a, w, lanes, reps and
 * out in scope): written out once per model, since a step called through a pointer
 * would add its call to what is measured. */
#define TIMED_BEATS(STEP, SINK)                                                            \
    double t0 = now();                                                                     \
    for (long r = 0; r < reps; r++)                                                        \
        for (int b = 0; b < DATA_BEATS; b++)                                               \
            if (STEP(m, a + (size_t)b * lanes, w + (size_t)b * lanes,                      \
                     (b % VEC_BEATS) == VEC_BEATS - 1, &out))                              \
                model_sink = (SINK);                                                       \
    return now() - t0

NOINLINE static double time_mac(lq_mac_state *m, const uint32_t *a, const uint32_t *w,
                                 int lanes, long reps)
{
    lq_wide out;
    TIMED_BEATS(lq_mac_step, out.limb[0]);
}

/* What one model's timed loop needs: mac, dot, or the SLQ streams (prog: compiled;
 * else beats and nb for the general step). */
typedef struct {
    lq_mac_state *mac;
    lq_logdot *dot;
    int dot_step; /* 1: dot stepped by lq_logdot_step, a call per beat */
    lq_slqmac_prog *prog;
    int slq_step; /* 1: prog stepped by lq_slqmac_step_fast, a call per step */
    const uint32_t *a, *w;
    const int64_t *x;
    const lq_slqhw_beat *const *beats;
    const size_t *nb;
    int lanes;
} model_run;

static double time_model(const model_run *r, long reps);

/* One run's two figures, lane-MACs/s of the model and of the float dot product over n
 * products: each the best of SUBRUNS interleaved pieces (a load spike on the shared
 * machine hits a few pieces, not the figure; the machine's interference comes and goes
 * by the second, so the pieces are short). Prints the COUNT line of the item. */
static void run_figures(const char *item, const model_run *mr, const float *fa,
                        const float *fw, long reps, size_t n, double *rm, double *rf)
{
    double tm = 0, tf = 0, m = (double)sub_reps(reps) * SUBRUNS * (double)n;
    for (int k = 0; k < SUBRUNS; k++) {
        double t1 = time_model(mr, sub_reps(reps));
        double t2 = time_float(fa, fw, mr->lanes, sub_reps(reps));
        tm = k == 0 || t1 < tm ? t1 : tm;
        tf = k == 0 || t2 < tf ? t2 : tf;
    }
    printf("COUNT %s %.0f\n", item, m);
    *rm = m / (tm * SUBRUNS);
    *rf = m / (tf * SUBRUNS);
}

/* n random codes of each width and n random floats in [-1, 1) of each operand. */
static void random_data(uint64_t seed, size_t n, int abits, int wbits, uint32_t *a,
                        uint32_t *w, float *fa, float *fw)
{
    lq_rng rng;
    lq_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        a[i] = (uint32_t)lq_rng_below(&rng, 1u << abits);
        w[i] = (uint32_t)lq_rng_below(&rng, 1u << wbits);
        fa[i] = (float)(lq_rng_uniform(&rng) * 2.0 - 1.0);
        fw[i] = (float)(lq_rng_uniform(&rng) * 2.0 - 1.0);
    }
}

/* simd: the kernels' instruction set (LQ_MAC_SIMD_*), or -1 for the widest the CPU has */
static int bench_mac(const char *item, lq_mac_mode mode, int half, int simd, int lanes,
                     long macs, uint64_t seed)
{
    lq_mac_config cfg = mac_default(mode, half, lanes);
    lq_mac_state st;
    model_run mr = {0};
    char msg[256];
    size_t n = (size_t)DATA_BEATS * lanes;
    uint32_t *a = malloc(n * sizeof *a), *w = malloc(n * sizeof *w);
    float *fa = malloc(n * sizeof *fa), *fw = malloc(n * sizeof *fw);
    long reps = macs / (long)n;
    if (!a || !w || !fa || !fw) {
        fprintf(stderr, "bench_model: out of memory\n");
        return -1;
    }
    if (reps < 1)
        reps = 1;
    if (lq_mac_reset(&st, &cfg, msg, sizeof msg) != 0) {
        fprintf(stderr, "bench_model: %s\n", msg);
        return -1;
    }
    if (simd >= 0 && lq_mac_fast_simd(&st, simd) != 0) {
        printf("NA %s this CPU lacks the kernels' instruction set\n", item);
        free(a);
        free(w);
        free(fa);
        free(fw);
        return 0;
    }
    random_data(seed, n, cfg.a.bits, cfg.w.bits, a, w, fa, fw);
    mr.mac = &st;
    mr.a = a;
    mr.w = w;
    mr.lanes = lanes;
    {
        double rm, rf;
        run_figures(item, &mr, fa, fw, reps, n, &rm, &rf);
        printf("RUN %s %.6g %.6g %d lanes, %d-beat vectors, out %d bits, %s path (%s)\n",
               item, rm, rf, lanes, VEC_BEATS, st.wd.out_bits,
               st.fast.path == LQ_MAC_PATH_GENERAL ? "general"
               : st.fast.path == LQ_MAC_PATH_SUM   ? "SUM"
               : st.fast.path == LQ_MAC_PATH_PAIR  ? "PAIR"
                                                   : "MUL",
               st.fast.simd == LQ_MAC_SIMD_AVX512 ? "AVX-512F"
               : st.fast.simd == LQ_MAC_SIMD_AVX2 ? "AVX2"
                                                  : "scalar");
        fflush(stdout);
    }
    free(a);
    free(w);
    free(fa);
    free(fw);
    return 0;
}

/* logdot: the default configuration of `logq gen logdot` (16 lanes of 5-bit signed
 * log2 codes, table correction, F 8, R 16, OF 16, OW 32), random codes; "logdot" is
 * lq_logdot_steps, one call per 64-beat vector (as gen logdot's vectors and lq_logdot_run
 * call it), as built (the SIMD path on a CPU with AVX2), "logdot-step" lq_logdot_step
 * beat by beat, "logdot-scalar" lq_logdot_steps on the scalar fast path,
 * "logdot-general" on the general path (the note names the function and the path). */
NOINLINE static double time_logdot(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                                   int lanes, long reps)
{
    static const uint8_t last[VEC_BEATS] = {[VEC_BEATS - 1] = 1};
    lq_logdot_out out;
    double t0 = now();
    for (long r = 0; r < reps; r++)
        for (int v = 0; v < DATA_BEATS / VEC_BEATS; v++) {
            size_t o = (size_t)v * VEC_BEATS * lanes;
            if (lq_logdot_steps(m, a + o, w + o, last, VEC_BEATS, &out))
                model_sink = (uint64_t)out.result;
        }
    return now() - t0;
}

NOINLINE static double time_logdot_step(lq_logdot *m, const uint32_t *a, const uint32_t *w,
                                        int lanes, long reps)
{
    lq_logdot_out out;
    TIMED_BEATS(lq_logdot_step, (uint64_t)out.result);
}

static int bench_logdot(const char *item, int lanes, long macs, uint64_t seed)
{
    lq_logdot_cfg cfg;
    lq_logdot m;
    model_run mr = {0};
    char msg[256];
    size_t n = (size_t)DATA_BEATS * lanes;
    uint32_t *a = malloc(n * sizeof *a), *w = malloc(n * sizeof *w);
    float *fa = malloc(n * sizeof *fa), *fw = malloc(n * sizeof *fw);
    long reps = macs / (long)n;
    if (!a || !w || !fa || !fw)
        return -1;
    if (reps < 1)
        reps = 1;
    memset(&cfg, 0, sizeof cfg);
    cfg.lanes = lanes;
    cfg.wgt = lq_format_default();
    cfg.act = cfg.wgt;
    cfg.corr = LQ_CORR_TABLE;
    cfg.frac = 8;
    cfg.table_bits = 16;
    cfg.out_frac = 16;
    cfg.out_bits = 32;
    if (lq_logdot_init(&m, &cfg, msg, sizeof msg) != 0) {
        fprintf(stderr, "bench_model: %s\n", msg);
        return -1;
    }
    if (strcmp(item, "logdot-general") == 0)
        lq_logdot_force_general(&m);
    if (strcmp(item, "logdot-scalar") == 0)
        lq_logdot_force_scalar(&m);
    random_data(seed, n, cfg.act.bits, cfg.wgt.bits, a, w, fa, fw);
    mr.dot = &m;
    mr.dot_step = strcmp(item, "logdot-step") == 0;
    mr.a = a;
    mr.w = w;
    mr.lanes = lanes;
    {
        double rm, rf;
        const char *path = lq_logdot_path(&m); /* lq_logdot_steps's; a step has no wide path */
        if (mr.dot_step && strcmp(path, "simd512") == 0)
            path = "simd";
        run_figures(item, &mr, fa, fw, reps, n, &rm, &rf);
        printf("RUN %s %.6g %.6g %d lanes, 5-bit log2 codes, table correction F 8, %d-beat "
               "vectors, %s path, %s\n", item, rm, rf, lanes, VEC_BEATS, path,
               mr.dot_step ? "lq_logdot_step per beat" : "lq_logdot_steps per vector");
        fflush(stdout);
    }
    lq_logdot_free(&m);
    free(a);
    free(w);
    free(fa);
    free(fw);
    return 0;
}

/* SLQ: W = 5, L = 2, tagging; weights Gaussian (sigma 0.25, clipped by the encoder),
 * encoded, framed one vector per frame, decoded by the hardware decoder model and
 * compiled (lq_slqmac_compile); then the steps are timed (the decoder and the
 * compiler are not). */
NOINLINE static double time_slq_fast(int lanes, long reps, const int64_t *x,
                                    lq_slqmac_prog *p)
{
    lq_slqmac m;
    int64_t out[LQ_SLQMAC_LANES_MAX];
    uint8_t err[LQ_SLQMAC_LANES_MAX], last[VEC_BEATS] = {0};
    long nout;
    double t0;
    last[VEC_BEATS - 1] = 1;
    t0 = now();
    for (long k = 0; k < reps; k++) {
        lq_slqmac_reset(&m, lanes, 8, 15, 40);
        lq_slqmac_rewind(p);
        for (int v = 0; v < DATA_BEATS / VEC_BEATS; v++)
            if (lq_slqmac_steps_fast(&m, p, x + (size_t)v * VEC_BEATS, last, VEC_BEATS, out, err,
                                     &nout) == VEC_BEATS &&
                nout == 1)
                model_sink = (uint64_t)out[0];
    }
    return now() - t0;
}

/* The same a call per step (lq_slqmac_step_fast): the "slq-step" item. */
NOINLINE static double time_slq_step(int lanes, long reps, const int64_t *x,
                                    lq_slqmac_prog *p)
{
    lq_slqmac m;
    int64_t out[LQ_SLQMAC_LANES_MAX];
    int err[LQ_SLQMAC_LANES_MAX];
    double t0 = now();
    for (long k = 0; k < reps; k++) {
        lq_slqmac_reset(&m, lanes, 8, 15, 40);
        lq_slqmac_rewind(p);
        for (int s = 0; s < DATA_BEATS; s++) {
            int last = (s % VEC_BEATS) == VEC_BEATS - 1;
            if (lq_slqmac_step_fast(&m, p, x[s], last, out, err) == 1)
                model_sink = (uint64_t)out[0];
        }
    }
    return now() - t0;
}

/* The general step (lq_slqmac_step) on the same beats: the "slq-general" item. */
NOINLINE static double time_slq(int lanes, long reps, const int64_t *x,
                               const lq_slqhw_beat *const *beats, const size_t *nb)
{
    lq_slqmac m;
    size_t pos[LQ_SLQMAC_LANES_MAX];
    int64_t out[LQ_SLQMAC_LANES_MAX];
    int err[LQ_SLQMAC_LANES_MAX];
    double t0 = now();
    for (long k = 0; k < reps; k++) {
        lq_slqmac_reset(&m, lanes, 8, 15, 40);
        memset(pos, 0, sizeof pos);
        for (int s = 0; s < DATA_BEATS; s++) {
            int last = (s % VEC_BEATS) == VEC_BEATS - 1;
            if (lq_slqmac_step(&m, x[s], last, beats, nb, pos, out, err) == 1)
                model_sink = (uint64_t)out[0];
        }
    }
    return now() - t0;
}

static double time_model(const model_run *r, long reps)
{
    if (r->mac)
        return time_mac(r->mac, r->a, r->w, r->lanes, reps);
    if (r->dot)
        return (r->dot_step ? time_logdot_step : time_logdot)(r->dot, r->a, r->w, r->lanes, reps);
    if (r->prog)
        return (r->slq_step ? time_slq_step : time_slq_fast)(r->lanes, reps, r->x, r->prog);
    return time_slq(r->lanes, reps, r->x, r->beats, r->nb);
}

/* item: slq, slq-step or slq-general */
static int bench_slq(const char *item, int lanes, long macs, uint64_t seed)
{
    enum { SLQ_STEPS = DATA_BEATS };
    lq_format f = lq_format_default();
    lq_rng rng;
    lq_slqhw_beat *beats[LQ_SLQMAC_LANES_MAX];
    size_t nb[LQ_SLQMAC_LANES_MAX];
    int64_t *x = malloc(SLQ_STEPS * sizeof *x);
    size_t n = (size_t)SLQ_STEPS * lanes;
    float *fa = malloc(n * sizeof *fa), *fw = malloc(n * sizeof *fw);
    long reps = macs / (long)n, terms = 0;
    lq_slqmac_prog prog;
    model_run mr = {0};
    int general = !strcmp(item, "slq-general");
    if (!x || !fa || !fw)
        return -1;
    if (reps < 1)
        reps = 1;
    f.scheme = LQ_SLQ;
    f.bits = 5;
    f.fsr = 0;
    f.max_words = 2;
    lq_rng_seed(&rng, seed);
    for (int j = 0; j < lanes; j++) {
        lq_slqhw_dec h;
        beats[j] = malloc((size_t)SLQ_STEPS * (2 * LQ_SLQ_WORDS_MAX) * LQ_SLQHW_BEATS_MAX *
                          sizeof *beats[j]);
        if (!beats[j])
            return -1;
        nb[j] = 0;
        lq_slqhw_dec_reset(&h, &f, LQ_FRAMING_TAG);
        for (int s = 0; s < SLQ_STEPS; s++) {
            uint32_t words[2 * LQ_SLQ_WORDS_MAX];
            lq_slq_value v = lq_slq_encode(&f, 0.25 * lq_rng_gauss(&rng));
            int nw = lq_slq_frame_value(&f, LQ_FRAMING_TAG, &v, words);
            int vl = (s % VEC_BEATS) == VEC_BEATS - 1;
            for (int i = 0; i < nw; i++)
                nb[j] += (size_t)lq_slqhw_dec_step(&h, words[i], vl && i == nw - 1,
                                                   beats[j] + nb[j]);
        }
        terms += (long)nb[j];
    }
    for (int s = 0; s < SLQ_STEPS; s++)
        x[s] = (int64_t)lq_rng_below(&rng, 256) - 128;
    {
        lq_slqmac m;
        char msg[256];
        lq_slqmac_reset(&m, lanes, 8, 15, 40);
        if (lq_slqmac_compile(&prog, &m, (const lq_slqhw_beat *const *)beats, nb, msg,
                              sizeof msg) != 0) {
            fprintf(stderr, "bench_model: %s\n", msg);
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        fa[i] = (float)(lq_rng_uniform(&rng) * 2.0 - 1.0);
        fw[i] = (float)(lq_rng_uniform(&rng) * 2.0 - 1.0);
    }
    mr.prog = general ? NULL : &prog;
    mr.slq_step = !strcmp(item, "slq-step");
    mr.x = x;
    mr.beats = (const lq_slqhw_beat *const *)beats;
    mr.nb = nb;
    mr.lanes = lanes;
    {
        double rm, rf;
        run_figures(item, &mr, fa, fw, reps, n, &rm, &rf);
        printf("RUN %s %.6g %.6g %d lanes, W=5 L=2 tag, %.2f words/weight, %d-step vectors, "
               "%s\n", item, rm, rf, lanes, (double)terms / (double)n, VEC_BEATS,
               general       ? "general step"
               : mr.slq_step ? "compiled streams, lq_slqmac_step_fast per step"
               : prog.simd == LQ_SLQMAC_SIMD_AVX512
                   ? "compiled streams, lq_slqmac_steps_fast per vector, AVX-512"
               : prog.simd == LQ_SLQMAC_SIMD_AVX2
                   ? "compiled streams, lq_slqmac_steps_fast per vector, AVX2"
                   : "compiled streams, lq_slqmac_steps_fast per vector, scalar");
        fflush(stdout);
    }
    lq_slqmac_prog_free(&prog);
    for (int j = 0; j < lanes; j++)
        free(beats[j]);
    free(x);
    free(fa);
    free(fw);
    return 0;
}

/* ---- vectors for the Icarus bench ---- */

static void hex_put(FILE *fp, const uint8_t *bits, int nbits)
{
    for (int d = (nbits + 3) / 4 - 1; d >= 0; d--) {
        int v = 0;
        for (int b = 3; b >= 0; b--) {
            int i = 4 * d + b;
            v = (v << 1) | (i < nbits ? bits[i] : 0);
        }
        fputc("0123456789abcdef"[v], fp);
    }
    fputc('\n', fp);
}

static int write_vectors(int lanes, long beats, uint64_t seed, int want_out_bits,
                         const char *dir)
{
    lq_mac_config cfg = mac_default(LQ_MAC_SHIFT, 0, lanes);
    lq_mac_state st;
    lq_rng rng;
    char msg[256], path[4096];
    int A = cfg.a.bits, W = cfg.w.bits, vw = lanes * (A + W) + 1, ob;
    uint8_t *bits = malloc((size_t)vw + LQ_MAC_BITS_MAX);
    uint32_t a[LQ_MAC_LANES_MAX], w[LQ_MAC_LANES_MAX];
    FILE *fv, *fe;
    long vectors = 0, left = 0;
    if (!bits)
        return -1;
    if (lq_mac_reset(&st, &cfg, msg, sizeof msg) != 0) {
        fprintf(stderr, "bench_model: %s\n", msg);
        return 2;
    }
    ob = st.wd.out_bits;
    if (want_out_bits > 0 && want_out_bits != ob) {
        fprintf(stderr, "bench_model: the generated header says OUT_BITS %d, the model %d\n",
                want_out_bits, ob);
        return 1;
    }
    snprintf(path, sizeof path, "%s/vec.hex", dir);
    fv = fopen(path, "w");
    snprintf(path, sizeof path, "%s/exp.hex", dir);
    fe = fopen(path, "w");
    if (!fv || !fe) {
        fprintf(stderr, "bench_model: cannot write in %s\n", dir);
        return 1;
    }
    lq_rng_seed(&rng, seed);
    for (long b = 0; b < beats; b++) {
        lq_wide out;
        int last;
        if (left == 0)
            left = 1 + (long)lq_rng_below(&rng, 32);
        if (left > beats - b)
            left = beats - b;
        last = --left == 0;
        for (int i = 0; i < lanes; i++) {
            a[i] = (uint32_t)lq_rng_below(&rng, 1u << A);
            w[i] = (uint32_t)lq_rng_below(&rng, 1u << W);
        }
        for (int i = 0; i < lanes; i++)
            for (int k = 0; k < A; k++)
                bits[i * A + k] = (uint8_t)((a[i] >> k) & 1u);
        for (int i = 0; i < lanes; i++)
            for (int k = 0; k < W; k++)
                bits[lanes * A + i * W + k] = (uint8_t)((w[i] >> k) & 1u);
        bits[vw - 1] = (uint8_t)last;
        hex_put(fv, bits, vw);
        if (lq_mac_step(&st, a, w, last, &out)) {
            for (int k = 0; k < ob; k++)
                bits[k] = (uint8_t)lq_wide_bit(&out, k);
            hex_put(fe, bits, ob);
            vectors++;
        }
    }
    if (fclose(fv) != 0 || fclose(fe) != 0) {
        fprintf(stderr, "bench_model: write error in %s\n", dir);
        return 1;
    }
    free(bits);
    printf("vectors: %ld beats, %ld vectors, beat width %d, out %d bits\n", beats, vectors,
           vw, ob);
    return 0;
}

/* The MAC models timed, in this order (scripts/bench.sh names the rows after them). */
static const struct {
    const char *name;
    lq_mac_mode mode;
    int half;
    int simd; /* -1: the widest kernel the CPU has */
} mac_items[] = {
    {"shift", LQ_MAC_SHIFT, 0, -1},
    {"loglog", LQ_MAC_LOGLOG, 0, -1},
    {"mult", LQ_MAC_MULT, 0, -1},
    {"shift-sqrt2", LQ_MAC_SHIFT, 1, -1},
    {"loglog-sqrt2", LQ_MAC_LOGLOG, 1, -1},
    {"mult-sqrt2", LQ_MAC_MULT, 1, -1},
    {"shift-avx2", LQ_MAC_SHIFT, 0, LQ_MAC_SIMD_AVX2},
    {"loglog-sqrt2-avx2", LQ_MAC_LOGLOG, 1, LQ_MAC_SIMD_AVX2},
};

/* the other models' items, in this order */
static const char *const logdot_items[] = {"logdot", "logdot-step", "logdot-scalar",
                                           "logdot-general"};
static const char *const slq_items[] = {"slq", "slq-step", "slq-general"};
#define COUNT(x) ((int)(sizeof(x) / sizeof(x)[0]))

static int want(const char *only, const char *item) { return !only || !strcmp(only, item); }

/* Item i of all three tables in order, NULL past the last. */
static const char *item_name(int i)
{
    if (i < COUNT(mac_items))
        return mac_items[i].name;
    i -= COUNT(mac_items);
    if (i < COUNT(logdot_items))
        return logdot_items[i];
    i -= COUNT(logdot_items);
    return i < COUNT(slq_items) ? slq_items[i] : NULL;
}

static int is_item(const char *name)
{
    for (int i = 0; item_name(i); i++)
        if (!strcmp(name, item_name(i)))
            return 1;
    return 0;
}

/* `bench_model items`: every item's name in one line, the list scripts/bench.sh and
 * tests/bench.sh run */
static void print_items(void)
{
    for (int i = 0; item_name(i); i++)
        printf("%s%s", item_name(i), item_name(i + 1) ? " " : "\n");
}

static const char usage[] =
    "usage: bench_model model [--runs R] [--macs M] [--lanes N] [--seed S]\n"
    "                         [--only ITEM]   (ITEM: one of `bench_model items`)\n"
    "       bench_model items\n"
    "       bench_model vectors --lanes N --beats B [--seed S] [--out-bits OB] -o DIR\n";

int main(int argc, char **argv)
{
    long runs = 5, macs = 20000000, lanes = 16, seed = 1, beats = 0, out_bits = 0;
    const char *dir = NULL, *only = NULL;
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "items") && argc == 2) {
        print_items();
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (!strcmp(o, "--runs"))
            rc = arg_long(o, v, 1, 1000, &runs);
        else if (!strcmp(o, "--macs"))
            rc = arg_long(o, v, 1, 1L << 40, &macs);
        else if (!strcmp(o, "--lanes"))
            rc = arg_long(o, v, 1, LQ_MAC_LANES_MAX, &lanes);
        else if (!strcmp(o, "--seed"))
            rc = arg_long(o, v, 0, 1L << 62, &seed);
        else if (!strcmp(o, "--beats"))
            rc = arg_long(o, v, 1, 1L << 30, &beats);
        else if (!strcmp(o, "--out-bits"))
            rc = arg_long(o, v, 1, LQ_MAC_BITS_MAX, &out_bits);
        else if (!strcmp(o, "-o") && v)
            dir = v;
        else if (!strcmp(o, "--only") && v)
            only = v;
        else {
            fprintf(stderr, "bench_model: unknown option '%s'\n%s", o, usage);
            return 2;
        }
        if (rc != 0)
            return 2;
        i++;
    }
    if (only && !is_item(only)) {
        fprintf(stderr, "bench_model: unknown item '%s' (bench_model items lists them)\n", only);
        return 2;
    }
    if (!strcmp(argv[1], "model")) {
        printf("bench_model: seed %ld; rerun: %s model --runs %ld --macs %ld --lanes %ld "
               "--seed %ld%s%s\n",
               seed, argv[0], runs, macs, lanes, seed, only ? " --only " : "", only ? only : "");
        int n = (int)lanes, r = (int)runs, ns = n > LQ_SLQMAC_LANES_MAX ? LQ_SLQMAC_LANES_MAX : n;
        int nl = n > LQ_LOGACC_LANES_MAX ? LQ_LOGACC_LANES_MAX : n;
        uint64_t s = (uint64_t)seed;
        /* run after run, each over every item, so that a slow stretch of the shared
         * machine lowers one run of many items rather than every run of one */
        for (int k = 0; k < r; k++) {
            for (int i = 0; i < COUNT(mac_items); i++)
                if (want(only, mac_items[i].name) &&
                    bench_mac(mac_items[i].name, mac_items[i].mode, mac_items[i].half,
                              mac_items[i].simd, n, macs, s) != 0)
                    return 1;
            for (int i = 0; i < COUNT(logdot_items); i++)
                if (want(only, logdot_items[i]) && bench_logdot(logdot_items[i], nl, macs, s) != 0)
                    return 1;
            for (int i = 0; i < COUNT(slq_items); i++)
                if (want(only, slq_items[i]) && bench_slq(slq_items[i], ns, macs, s) != 0)
                    return 1;
        }
        return 0;
    }
    if (!strcmp(argv[1], "vectors")) {
        if (!dir || beats < 1) {
            fprintf(stderr, "bench_model: vectors needs --beats B and -o DIR\n");
            return 2;
        }
        return write_vectors((int)lanes, beats, (uint64_t)seed, (int)out_bits, dir);
    }
    fprintf(stderr, "bench_model: unknown command '%s'\n%s", argv[1], usage);
    return 2;
}
