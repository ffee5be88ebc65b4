/* Unit tests of SLQ: the paper's example bit for bit, encode/decode in both framings,
 * every kind of malformed stream with its error, offset and resynchronization. */
#include <math.h>
#include <string.h>

#include "../../cmodel/logq.h"
#include "check.h"

static lq_format slq_fmt(int w, int fsr, int words, lq_rounding r)
{
    lq_format f = lq_format_default();
    f.scheme = LQ_SLQ;
    f.bits = w;
    f.fsr = fsr;
    f.max_words = words;
    f.rounding = r;
    return f;
}

static void words_text(const lq_format *f, const lq_slq_value *v, char *out)
{
    char bin[40];
    out[0] = '\0';
    for (int i = 0; i < v->n; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, lq_bin(lq_slq_word(f, v->k[i]), f->bits, bin));
    }
}

static void test_paper_example(void)
{
    lq_format f = slq_fmt(5, 0, 3, LQ_NEAREST);
    char txt[128];
    lq_slq_value v = lq_slq_encode(&f, 0.4375);
    words_text(&f, &v, txt);
    CHECK(strcmp(txt, "00001 11100") == 0, "nearest: %s", txt);
    CHECK(lq_slq_value_double(&f, &v) == 0.4375, "nearest value %.17g",
          lq_slq_value_double(&f, &v));
    f.rounding = LQ_FLOOR;
    v = lq_slq_encode(&f, 0.4375);
    words_text(&f, &v, txt);
    CHECK(strcmp(txt, "00010 00011 00100") == 0, "floor: %s", txt);
    CHECK(lq_slq_value_double(&f, &v) == 0.4375, "floor value");
    /* L = 2 stops after two words: 0.25 + 0.125 */
    f.max_words = 2;
    v = lq_slq_encode(&f, 0.4375);
    CHECK(v.n == 2 && lq_slq_value_double(&f, &v) == 0.375, "floor L=2: n=%d", v.n);
    /* theta: stop once the residue is small enough */
    f = slq_fmt(5, 0, 3, LQ_NEAREST);
    f.theta = 0.0625;
    v = lq_slq_encode(&f, 0.4375);
    CHECK(v.n == 1 && v.k[0] == 1, "theta 0.0625: n=%d", v.n);
    /* zero and flush-to-zero are the single word 0 */
    v = lq_slq_encode(&f, 0.0);
    CHECK(v.n == 1 && v.k[0] == 0, "zero");
    v = lq_slq_encode(&f, 1e-9);
    CHECK(v.n == 1 && v.k[0] == 0, "tiny flushes");
    /* framings of the example */
    {
        uint32_t w[16];
        lq_slq_value e = lq_slq_encode(&f, -0.4375); /* theta stops after one word */
        int n = lq_slq_frame_value(&f, LQ_FRAMING_SPECIAL, &e, w);
        CHECK(n == 1 && w[0] == 0x1f, "special single word: n=%d w=%x", n, w[0]);
        f.theta = 0;
        e = lq_slq_encode(&f, 0.4375);
        n = lq_slq_frame_value(&f, LQ_FRAMING_SPECIAL, &e, w);
        CHECK(n == 3 && w[0] == 0x01 && w[1] == 0x10 && w[2] == 0x1c, "special: %x %x %x", w[0],
              w[1], w[2]);
        n = lq_slq_frame_value(&f, LQ_FRAMING_TAG, &e, w);
        CHECK(n == 2 && w[0] == 0x21 && w[1] == 0x1c, "tag: %x %x", w[0], w[1]);
        CHECK(lq_slq_value_bits(&f, LQ_FRAMING_TAG, 2) == 12, "tag bits");
        CHECK(lq_slq_value_bits(&f, LQ_FRAMING_SPECIAL, 2) == 15, "special bits");
    }
}

static int same_value(const lq_slq_value *a, const lq_slq_value *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->k[i] != b->k[i])
            return 0;
    return 1;
}

/* The encoder loop of docs/formats.md 4.2 written again: the exponent from frexp, the
 * nearest decision y >= sqrt(2) as y >= 0x1.6a09e667f3bcdp+0 (the double above
 * sqrt(2); no double lies between), the residue in double (exact: Sterbenz). */
static lq_slq_value ref_encode(const lq_format *f, double x)
{
    lq_slq_value v = {0, {0}};
    double r = x;
    for (int i = 0; i < f->max_words; i++) {
        int e, lo = f->fsr - (1 << (f->bits - 1)), hi = f->fsr;
        double y, q;
        if (r == 0) {
            q = 0;
        } else {
            y = 2 * frexp(fabs(r), &e);
            e -= 1;
            if (f->rounding == LQ_NEAREST && y >= 0x1.6a09e667f3bcdp+0)
                e++;
            if (e >= hi)
                e = hi - 1;
            q = e <= lo ? 0 : copysign(ldexp(1.0, e), r);
        }
        if (q == 0) {
            if (i == 0)
                v.k[v.n++] = 0;
            break;
        }
        v.k[v.n++] = (r < 0 ? -1 : 1) * (f->fsr - e);
        r -= q;
        if (fabs(r) <= f->theta)
            break;
    }
    return v;
}

/* Encode many values into one frame, decode it, compare; both framings. The encoded
 * words are those of an independent encoder. */
static void test_roundtrip_streams(void)
{
    lq_rng r;
    lq_rng_seed(&r, 777);
    printf("  seed 777\n");
    for (int w = 2; w <= 10; w++)
        for (int L = 1; L <= LQ_SLQ_WORDS_MAX; L++)
            for (int fr = LQ_FRAMING_TAG; fr <= LQ_FRAMING_SPECIAL; fr++)
                for (int rd = 0; rd <= 1; rd++) {
                    lq_format f = slq_fmt(w, 2, L, (lq_rounding)rd);
                    enum { NV = 200 };
                    static lq_slq_value vals[NV];
                    static uint32_t stream[NV * 2 * LQ_SLQ_WORDS_MAX];
                    int n = 0, got = 0;
                    lq_slq_dec d;
                    for (int i = 0; i < NV; i++) {
                        double x = lq_rng_gauss(&r) * ldexp(1.0, (int)lq_rng_below(&r, 6) - 3);
                        if (i % 17 == 0)
                            x = 0;
                        vals[i] = lq_slq_encode(&f, x);
                        CHECK(vals[i].n >= 1 && vals[i].n <= L, "n=%d", vals[i].n);
                        lq_slq_value want = ref_encode(&f, x);
                        CHECK(same_value(&vals[i], &want),
                              "W=%d L=%d x=%.17g: %d words, the reference %d (k1 %d / %d)", w,
                              L, x, vals[i].n, want.n, vals[i].k[0], want.k[0]);
                        /* the value the encoder claims is exact where it fits */
                        int64_t fx;
                        if (lq_slq_value_fixed(&f, &vals[i], 60 - 2, &fx) == 0)
                            CHECK(ldexp((double)fx, -58) == lq_slq_value_double(&f, &vals[i]),
                                  "W=%d x=%.17g: fixed and double disagree", w, x);
                        n += lq_slq_frame_value(&f, (lq_framing)fr, &vals[i], stream + n);
                    }
                    lq_slq_dec_reset(&d, &f, (lq_framing)fr);
                    for (int i = 0; i < n; i++) {
                        lq_slq_dec_out o;
                        lq_slq_dec_step(&d, stream[i], i == n - 1, &o);
                        CHECK(o.error == LQ_SLQ_OK, "W=%d L=%d %s: error %s at %ld", w, L,
                              lq_framing_name((lq_framing)fr), lq_slq_error_name(o.error),
                              o.error_offset);
                        for (int j = 0; j < o.nvalues; j++, got++)
                            CHECK(got < NV && same_value(&o.values[j], &vals[got]),
                                  "W=%d L=%d %s: value %d differs", w, L,
                                  lq_framing_name((lq_framing)fr), got);
                    }
                    CHECK(got == NV, "W=%d L=%d: decoded %d of %d", w, L, got, NV);
                }
}

/* Decode one frame; collect values (as index lists) and errors. */
typedef struct {
    int nvals;
    lq_slq_value vals[32];
    int nerr;
    lq_slq_error err[8];
    long off[8];
} decoded;

static decoded decode(const lq_format *f, lq_framing fr, const uint32_t *w, int n)
{
    decoded r;
    lq_slq_dec d;
    memset(&r, 0, sizeof r);
    lq_slq_dec_reset(&d, f, fr);
    for (int i = 0; i < n; i++) {
        lq_slq_dec_out o;
        lq_slq_dec_step(&d, w[i], i == n - 1, &o);
        for (int j = 0; j < o.nvalues; j++)
            r.vals[r.nvals++] = o.values[j];
        if (o.error != LQ_SLQ_OK && r.nerr < 8) {
            r.err[r.nerr] = o.error;
            r.off[r.nerr++] = o.error_offset;
        }
    }
    return r;
}

#define M 0x10u /* -M for W = 5 */
#define T 0x20u /* tag bit for W = 5 */

static void expect(const char *name, decoded d, int nvals, const int *firstk, lq_slq_error e,
                   long off)
{
    CHECK(d.nvals == nvals, "%s: %d values, want %d", name, d.nvals, nvals);
    for (int i = 0; i < d.nvals && i < nvals; i++)
        CHECK(d.vals[i].k[0] == firstk[i], "%s: value %d starts with %d, want %d", name, i,
              d.vals[i].k[0], firstk[i]);
    if (e == LQ_SLQ_OK) {
        CHECK(d.nerr == 0, "%s: unexpected error %s at %ld", name, lq_slq_error_name(d.err[0]),
              d.off[0]);
    } else {
        CHECK(d.nerr == 1, "%s: %d errors, want 1", name, d.nerr);
        CHECK(d.nerr >= 1 && d.err[0] == e && d.off[0] == off, "%s: error %s at %ld, want %s at %ld",
              name, d.nerr ? lq_slq_error_name(d.err[0]) : "none", d.nerr ? d.off[0] : -1,
              lq_slq_error_name(e), off);
    }
}

static void test_malformed_special(void)
{
    lq_format f = slq_fmt(5, 0, 2, LQ_NEAREST);
    lq_framing S = LQ_FRAMING_SPECIAL;
    /* leading -M: the group "-M 1" is dropped, "3" decodes */
    {
        uint32_t w[] = {M, 1, 3};
        int k[] = {3};
        expect("leading", decode(&f, S, w, 3), 1, k, LQ_SLQ_ERR_LEADING_SEP, 0);
    }
    {
        uint32_t w[] = {2, 1, M, M, 4, 5};
        int k[] = {2, 5};
        expect("double", decode(&f, S, w, 6), 2, k, LQ_SLQ_ERR_DOUBLE_SEP, 3);
    }
    {
        uint32_t w[] = {2, 1, M};
        int k[] = {2};
        expect("trailing", decode(&f, S, w, 3), 1, k, LQ_SLQ_ERR_TRAILING_SEP, 2);
    }
    {
        uint32_t w[] = {1, M, 3, M, 4, 6}; /* L = 2 */
        int k[] = {6};
        expect("too many", decode(&f, S, w, 6), 1, k, LQ_SLQ_ERR_TOO_MANY, 4);
    }
    {
        uint32_t w[] = {0, M, 3, 0, 1, M, 0, 7};
        int k[] = {0, 7};
        decoded d = decode(&f, S, w, 8);
        CHECK(d.nerr == 2 && d.err[0] == LQ_SLQ_ERR_ZERO_IN_MULTI && d.off[0] == 2 &&
                  d.err[1] == LQ_SLQ_ERR_ZERO_IN_MULTI && d.off[1] == 6,
              "zero in multi: %d errors", d.nerr);
        CHECK(d.nvals == 2 && d.vals[0].k[0] == k[0] && d.vals[1].k[0] == k[1], "zero values");
    }
    {
        uint32_t w[] = {M};
        expect("lone -M", decode(&f, S, w, 1), 0, NULL, LQ_SLQ_ERR_LEADING_SEP, 0);
    }
    /* frames are independent: a new frame starts clean after a bad end */
    {
        lq_slq_dec d;
        lq_slq_dec_out o;
        lq_slq_dec_reset(&d, &f, S);
        lq_slq_dec_step(&d, 1, 0, &o);
        lq_slq_dec_step(&d, M, 1, &o);
        CHECK(o.error == LQ_SLQ_ERR_TRAILING_SEP && o.error_offset == 1, "frame 1 trailing");
        lq_slq_dec_step(&d, 3, 1, &o);
        CHECK(o.error == LQ_SLQ_OK && o.nvalues == 1 && o.values[0].k[0] == 3, "frame 2 clean");
    }
}

static void test_malformed_tag(void)
{
    lq_format f = slq_fmt(5, 0, 2, LQ_NEAREST);
    lq_framing G = LQ_FRAMING_TAG;
    {
        uint32_t w[] = {T | 1, T | 2, 3, 4}; /* L = 2: third word of one value */
        int k[] = {4};
        expect("too many", decode(&f, G, w, 4), 1, k, LQ_SLQ_ERR_TOO_MANY, 2);
    }
    {
        uint32_t w[] = {2, T | 1};
        int k[] = {2};
        expect("truncated", decode(&f, G, w, 2), 1, k, LQ_SLQ_ERR_TRUNCATED, 1);
    }
    {
        uint32_t w[] = {T | M, 1, 3};
        int k[] = {3};
        expect("-M word", decode(&f, G, w, 3), 1, k, LQ_SLQ_ERR_SPECIAL_IN_TAG, 0);
    }
    {
        uint32_t w[] = {T | 1, 0, 5};
        int k[] = {5};
        expect("zero in multi", decode(&f, G, w, 3), 1, k, LQ_SLQ_ERR_ZERO_IN_MULTI, 1);
    }
    {
        uint32_t w[] = {T | 0, 1, 5};
        int k[] = {5};
        expect("zero first", decode(&f, G, w, 3), 1, k, LQ_SLQ_ERR_ZERO_IN_MULTI, 1);
    }
}

/* Random garbage never crashes, and every word is accounted for. */
static void test_garbage(void)
{
    lq_rng r;
    lq_rng_seed(&r, 4242);
    for (int it = 0; it < 2000; it++) {
        int w = 2 + (int)lq_rng_below(&r, 9), L = 1 + (int)lq_rng_below(&r, 8);
        lq_format f = slq_fmt(w, 0, L, LQ_NEAREST);
        lq_framing fr = lq_rng_below(&r, 2) ? LQ_FRAMING_TAG : LQ_FRAMING_SPECIAL;
        lq_slq_dec d;
        long words = 0;
        lq_slq_dec_reset(&d, &f, fr);
        for (int i = 0; i < 64; i++) {
            lq_slq_dec_out o;
            uint32_t word = (uint32_t)lq_rng_u64(&r) & ((1u << lq_slq_stream_width(&f, fr)) - 1);
            lq_slq_dec_step(&d, word, lq_rng_below(&r, 16) == 0 || i == 63, &o);
            for (int j = 0; j < o.nvalues; j++) {
                CHECK(o.values[j].n >= 1 && o.values[j].n <= L, "value of %d words", o.values[j].n);
                words += o.values[j].n;
            }
            CHECK(o.error == LQ_SLQ_OK || o.error_offset == i, "error offset %ld at %d",
                  o.error_offset, i);
        }
        CHECK(words <= 64, "more words out than in");
    }
}

/* Each further word shrinks the residue, so the error never grows with L, and L = 1 is
 * exactly the signed log2 quantizer of the same width and FSR. */
static void test_error_monotone_in_words(void)
{
    lq_rng r;
    lq_rng_seed(&r, 99);
    for (int w = 2; w <= 8; w++)
        for (int rd = 0; rd <= 1; rd++)
            for (int i = 0; i < 3000; i++) {
                double x = lq_rng_laplace(&r) * ldexp(1.0, (int)lq_rng_below(&r, 8) - 4);
                double prev = INFINITY;
                lq_format lg = lq_format_default();
                lg.bits = w;
                lg.fsr = 1;
                lg.rounding = (lq_rounding)rd;
                for (int L = 1; L <= LQ_SLQ_WORDS_MAX; L++) {
                    lq_format f = slq_fmt(w, 1, L, (lq_rounding)rd);
                    lq_slq_value v = lq_slq_encode(&f, x);
                    double e = fabs(x - lq_slq_value_double(&f, &v));
                    CHECK(e <= prev, "W=%d x=%.17g: L=%d error %.17g > %.17g", w, x, L, e, prev);
                    if (L == 1)
                        CHECK(lq_slq_value_double(&f, &v) == lq_dequantize(&lg, lq_quantize(&lg, x)),
                              "W=%d x=%.17g: L=1 differs from log2", w, x);
                    prev = e;
                }
            }
}

/* Every word of every width: its value quantizes back to the same word (L = 1). */
static void test_every_word_roundtrips(void)
{
    for (int w = 2; w <= 10; w++)
        for (int fsr = -3; fsr <= 3; fsr += 3)
            for (int rd = 0; rd <= 1; rd++) {
                lq_format f = slq_fmt(w, fsr, 1, (lq_rounding)rd);
                for (uint32_t word = 0; word < (1u << w); word++) {
                    lq_slq_value v = {1, {0}};
                    if (word == lq_slq_special(&f))
                        continue;
                    v.k[0] = lq_slq_index(&f, word);
                    CHECK(lq_slq_word(&f, v.k[0]) == word, "W=%d word %x index %d", w, word,
                          v.k[0]);
                    /* The word as docs/formats.md 4.1 reads it: W-bit two's complement k,
                     * value sign(k) 2^(FSR - |k|). */
                    {
                        int k = (int)word - (word >> (w - 1) ? 1 << w : 0);
                        double want = k == 0 ? 0.0 : (k < 0 ? -1 : 1) * ldexp(1.0, fsr - abs(k));
                        CHECK(v.k[0] == k && lq_slq_value_double(&f, &v) == want,
                              "W=%d word %x: index %d value %.17g, the spec says %d, %.17g", w,
                              word, v.k[0], lq_slq_value_double(&f, &v), k, want);
                    }
                    lq_slq_value e = lq_slq_encode(&f, lq_slq_value_double(&f, &v));
                    CHECK(e.n == 1 && e.k[0] == v.k[0], "W=%d fsr=%d word %x -> %d words, k %d",
                          w, fsr, word, e.n, e.k[0]);
                }
            }
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    RUN(test_paper_example);
    RUN(test_every_word_roundtrips);
    RUN(test_roundtrip_streams);
    RUN(test_malformed_special);
    RUN(test_malformed_tag);
    RUN(test_garbage);
    RUN(test_error_monotone_in_words);
    return check_done();
}
