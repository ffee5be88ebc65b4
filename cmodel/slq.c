/* SLQ: encoder loop, word layout, framings and the stream decoder (docs/formats.md).
 *
 * The encoder's residues are exact: q_i is a power of two within a factor 2 of
 * r_(i-1) (Sterbenz), or a saturated level far below it, where the bound on theta
 * (<= 2^fsr) keeps every decision identical to exact arithmetic. */
#include "slq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"

static uint32_t word_mask(const lq_format *f)
{
    return (1u << f->bits) - 1u;
}

uint32_t lq_slq_special(const lq_format *f)
{
    return 1u << (f->bits - 1);
}

uint32_t lq_slq_word(const lq_format *f, int k)
{
    return (uint32_t)k & word_mask(f);
}

int lq_slq_index(const lq_format *f, uint32_t word)
{
    word &= word_mask(f);
    if (word & lq_slq_special(f))
        return (int)word - (1 << f->bits);
    return (int)word;
}

lq_slq_value lq_slq_encode(const lq_format *f, double x)
{
    lq_format lf = *f;
    lq_slq_value v;
    double r = x;

    lf.scheme = LQ_LOG2; /* one word is a signed log2 code with b = W - 1 */
    lf.is_signed = true;
    memset(&v, 0, sizeof v);
    for (int i = 0; i < f->max_words; i++) {
        lq_logfields lfd = lq_log_fields(&lf, lq_quantize(&lf, r));
        int k;
        if (lfd.zero) {
            if (v.n == 0)
                v.n = 1; /* the value zero is the single word 0 */
            break;
        }
        k = f->fsr - lfd.exp;
        v.k[v.n++] = lfd.sign ? -k : k;
        r -= lfd.sign ? -ldexp(1.0, lfd.exp) : ldexp(1.0, lfd.exp);
        if (fabs(r) <= f->theta)
            break;
    }
    return v;
}

static double word_value(const lq_format *f, int k)
{
    if (k == 0)
        return 0.0;
    return k > 0 ? ldexp(1.0, f->fsr - k) : -ldexp(1.0, f->fsr + k);
}

double lq_slq_value_double(const lq_format *f, const lq_slq_value *v)
{
    /* Largest magnitude (smallest |k|) first, so partial sums stay exact while the
     * words span at most 50 bits. */
    int idx[LQ_SLQ_WORDS_MAX];
    double s = 0.0;
    for (int i = 0; i < v->n; i++)
        idx[i] = i;
    for (int i = 1; i < v->n; i++)
        for (int j = i; j > 0 && abs(v->k[idx[j]]) < abs(v->k[idx[j - 1]]); j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    for (int i = 0; i < v->n; i++)
        s += word_value(f, v->k[idx[i]]);
    return s;
}

int lq_slq_value_fixed(const lq_format *f, const lq_slq_value *v, int frac, int64_t *out)
{
    int64_t s = 0;
    for (int i = 0; i < v->n; i++) {
        int k = v->k[i], sh;
        int64_t t;
        if (k == 0)
            continue;
        sh = f->fsr - abs(k) + frac;
        if (sh < 0 || sh > 61)
            return -1;
        t = (int64_t)1 << sh;
        if (k < 0)
            t = -t;
        if ((t > 0 && s > INT64_MAX - t) || (t < 0 && s < INT64_MIN - t))
            return -1;
        s += t;
    }
    *out = s;
    return 0;
}

int lq_slq_stream_width(const lq_format *f, lq_framing fr)
{
    return fr == LQ_FRAMING_TAG ? f->bits + 1 : f->bits;
}

int lq_slq_frame_value(const lq_format *f, lq_framing fr, const lq_slq_value *v, uint32_t *out)
{
    int n = 0;
    for (int i = 0; i < v->n; i++) {
        uint32_t w = lq_slq_word(f, v->k[i]);
        if (fr == LQ_FRAMING_TAG) {
            out[n++] = w | ((i + 1 < v->n ? 1u : 0u) << f->bits);
        } else {
            if (fr == LQ_FRAMING_SPECIAL && i > 0)
                out[n++] = lq_slq_special(f);
            out[n++] = w;
        }
    }
    return n;
}

int lq_slq_value_bits(const lq_format *f, lq_framing fr, int n)
{
    switch (fr) {
    case LQ_FRAMING_TAG: return (f->bits + 1) * n;
    case LQ_FRAMING_SPECIAL: return f->bits * (2 * n - 1);
    default: return f->bits * n;
    }
}

const char *lq_slq_error_name(lq_slq_error e)
{
    static const char *const names[] = {
        "ok", "leading separator", "two separators in a row", "trailing separator",
        "more than L words", "zero word in a multi-word value", "frame ends inside a value",
        "separator word in a tagged stream"};
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

void lq_slq_dec_reset(lq_slq_dec *d, const lq_format *f, lq_framing fr)
{
    memset(d, 0, sizeof *d);
    d->f = *f;
    d->fr = fr;
}

static void report(lq_slq_dec *d, lq_slq_dec_out *out, lq_slq_error e, long pos)
{
    d->bad = 1;
    out->error = e;
    out->error_offset = pos;
}

static void emit(lq_slq_dec *d, lq_slq_dec_out *out)
{
    if (!d->bad)
        out->values[out->nvalues++] = d->cur;
    d->open = 0;
}

static void open_group(lq_slq_dec *d)
{
    d->open = 1;
    d->bad = 0;
    d->after_sep = 0;
    d->cur.n = 0;
}

/* Add a value word to the open group, or report why it cannot join. */
static void add_word(lq_slq_dec *d, lq_slq_dec_out *out, int k, long pos)
{
    if (d->bad)
        return;
    if (d->cur.n >= d->f.max_words)
        report(d, out, LQ_SLQ_ERR_TOO_MANY, pos);
    else if (d->cur.n >= 1 && (k == 0 || d->cur.k[0] == 0))
        report(d, out, LQ_SLQ_ERR_ZERO_IN_MULTI, pos);
    else
        d->cur.k[d->cur.n++] = k;
}

static void step_tag(lq_slq_dec *d, uint32_t word, int last, lq_slq_dec_out *out, long pos)
{
    int more = (int)((word >> d->f.bits) & 1u);
    uint32_t w = word & word_mask(&d->f);

    if (!d->open)
        open_group(d);
    if (w == lq_slq_special(&d->f)) {
        if (!d->bad)
            report(d, out, LQ_SLQ_ERR_SPECIAL_IN_TAG, pos);
    } else {
        add_word(d, out, lq_slq_index(&d->f, w), pos);
    }
    if (!more) {
        emit(d, out);
    } else if (last) {
        if (!d->bad)
            report(d, out, LQ_SLQ_ERR_TRUNCATED, pos);
        d->open = 0;
    }
}

static void step_special(lq_slq_dec *d, uint32_t word, int last, lq_slq_dec_out *out, long pos)
{
    uint32_t w = word & word_mask(&d->f);

    if (w == lq_slq_special(&d->f)) {
        if (!d->open) {
            open_group(d);
            report(d, out, LQ_SLQ_ERR_LEADING_SEP, pos);
        } else if (d->after_sep && !d->bad) {
            report(d, out, LQ_SLQ_ERR_DOUBLE_SEP, pos);
        }
        d->after_sep = 1;
        if (last) {
            if (!d->bad)
                report(d, out, LQ_SLQ_ERR_TRAILING_SEP, pos);
            d->open = 0;
        }
        return;
    }
    if (d->open && !d->after_sep)
        emit(d, out); /* a value word right after a value word starts a new value */
    if (!d->open)
        open_group(d);
    d->after_sep = 0;
    add_word(d, out, lq_slq_index(&d->f, w), pos);
    if (last)
        emit(d, out);
}

void lq_slq_dec_step(lq_slq_dec *d, uint32_t word, int last, lq_slq_dec_out *out)
{
    long pos = d->pos++;
    out->nvalues = 0;
    out->error = LQ_SLQ_OK;
    out->error_offset = -1;
    if (d->fr == LQ_FRAMING_TAG) {
        step_tag(d, word, last, out, pos);
    } else if (d->fr == LQ_FRAMING_SPECIAL) {
        step_special(d, word, last, out, pos);
    } else {
        /* Without framing every word is a value of its own. */
        open_group(d);
        if ((word & word_mask(&d->f)) == lq_slq_special(&d->f))
            report(d, out, LQ_SLQ_ERR_SPECIAL_IN_TAG, pos);
        else
            add_word(d, out, lq_slq_index(&d->f, word), pos);
        emit(d, out);
    }
}
