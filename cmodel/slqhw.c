/* Stream-level models of the SLQ decoder and successive shift-MAC (docs/slq.md).
 *
 * Decoder: lq_slq_dec decides what is malformed; this wrapper turns its steps into the
 * hardware's output transactions. Good values become one term beat per word; a dropped
 * group becomes one error beat, placed where the group closes (so the consumer sees one
 * beat with wlast per group, in stream order); the last beat of a frame carries vlast.
 * lq_slq_dec reports at most one error per group and never reports an error in a step
 * that also completes a good value, and every `last` closes a group, so each frame ends
 * in exactly one vlast beat. */
#include "slqhw.h"

#include <string.h>

void lq_slqhw_dec_reset(lq_slqhw_dec *h, const lq_format *f, lq_framing fr)
{
    memset(h, 0, sizeof *h);
    lq_slq_dec_reset(&h->d, f, fr);
}

static lq_slqhw_beat error_beat(int code)
{
    lq_slqhw_beat b = {code, 0, 1, 0, 1, 1, 0};
    return b;
}

int lq_slqhw_dec_step(lq_slqhw_dec *h, uint32_t word, int last, lq_slqhw_beat *out)
{
    lq_slq_dec_out o;
    int nb = 0;

    lq_slq_dec_step(&h->d, word, last, &o);
    if (o.error != LQ_SLQ_OK)
        h->pend_err = (int)o.error;
    /* The bad group has closed when no group is open, or the open one is a new,
     * good group (special framing: a value word after a value word). */
    if (h->pend_err && (!h->d.open || !h->d.bad)) {
        out[nb++] = error_beat(h->pend_err);
        h->pend_err = 0;
    }
    for (int v = 0; v < o.nvalues; v++) {
        const lq_slq_value *val = &o.values[v];
        for (int i = 0; i < val->n; i++) {
            int k = val->k[i];
            lq_slqhw_beat b;
            b.err = 0;
            b.neg = k < 0;
            b.zero = k == 0;
            b.shift = k < 0 ? -k : k;
            b.first = i == 0;
            b.wlast = i == val->n - 1;
            b.vlast = 0;
            out[nb++] = b;
        }
    }
    if (last && nb > 0)
        out[nb - 1].vlast = 1;
    h->beats += nb;
    return nb;
}

int lq_slqhw_dec_depth(int max_words)
{
    int d = 4;
    while (d < 2 * max_words + 2)
        d *= 2;
    return d;
}

void lq_slqmac_reset(lq_slqmac *m, int lanes, int act_bits, int frac, int acc_bits)
{
    memset(m, 0, sizeof *m);
    m->lanes = lanes;
    m->act_bits = act_bits;
    m->frac = frac;
    m->acc_bits = acc_bits;
}

int64_t lq_slqmac_term(const lq_slqmac *m, int64_t x, const lq_slqhw_beat *b)
{
    int64_t v, t;
    if (b->err || b->zero)
        return 0;
    v = x * ((int64_t)1 << m->frac); /* |x| < 2^(act_bits-1), act_bits + frac <= 62 */
    if (b->shift >= 63)
        t = v < 0 ? -1 : 0;
    else
        t = v >= 0 ? v >> b->shift : ~((~v) >> b->shift); /* floor(v / 2^shift) */
    return b->neg ? -t : t;
}

static int64_t sext(uint64_t v, int bits)
{
    uint64_t m = bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
    uint64_t s = (uint64_t)1 << (bits - 1);
    v &= m;
    return (int64_t)((v ^ s) - s);
}

int lq_slqmac_step(lq_slqmac *m, int64_t x, int act_last, const lq_slqhw_beat *const *beats,
                   const size_t *n, size_t *pos, int64_t *out, int *err)
{
    size_t start[LQ_SLQMAC_LANES_MAX], end[LQ_SLQMAC_LANES_MAX];
    long longest = 0;

    /* First check that every lane has its whole slot, so a short input changes nothing. */
    for (int j = 0; j < m->lanes; j++) {
        size_t q = pos[j];
        if (m->skip[j]) {
            while (q < n[j] && !beats[j][q].vlast)
                q++;
            if (q >= n[j])
                return -1;
            q++;
        }
        start[j] = end[j] = q;
        if (m->idle[j])
            continue;
        while (q < n[j] && !beats[j][q].wlast)
            q++;
        if (q >= n[j])
            return -1;
        end[j] = q + 1;
        if ((long)(end[j] - start[j]) > longest)
            longest = (long)(end[j] - start[j]);
    }
    for (int j = 0; j < m->lanes; j++) {
        int vl = 1; /* an idle lane's frame already ended */
        m->skip[j] = 0;
        for (size_t q = start[j]; q < end[j]; q++) {
            const lq_slqhw_beat *b = &beats[j][q];
            if (b->err)
                m->err[j] = 1;
            m->acc[j] += (uint64_t)lq_slqmac_term(m, x, b);
            vl = b->vlast;
        }
        pos[j] = end[j];
        if (end[j] > start[j] && vl && !act_last) {
            m->idle[j] = 1; /* the lane's frame ended early: wait for the vector's end */
            m->err[j] = 1;
        }
        if (act_last && !vl) {
            m->skip[j] = 1; /* the frame goes on: drop its rest before the next vector */
            m->err[j] = 1;
        }
    }
    m->steps++;
    m->cycles += longest;
    if (!act_last)
        return 0;
    lq_slqmac_vector_end(m, out, err);
    return 1;
}

void lq_slqmac_vector_end(lq_slqmac *m, int64_t *out, int *err)
{
    for (int j = 0; j < m->lanes; j++) {
        out[j] = sext(m->acc[j], m->acc_bits);
        err[j] = m->err[j];
        m->acc[j] = 0;
        m->err[j] = 0;
        m->idle[j] = 0;
    }
}
