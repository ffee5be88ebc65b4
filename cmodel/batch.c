/* Array forms of the model's functions (batch.h). */
#include "batch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "quant.h"
#include "slq.h"

size_t lq_sizeof_format(void)
{
    return sizeof(lq_format);
}

size_t lq_sizeof_mac_config(void)
{
    return sizeof(lq_mac_config);
}

size_t lq_sizeof_mac_widths(void)
{
    return sizeof(lq_mac_widths);
}

size_t lq_sizeof_qhw_cfg(void)
{
    return sizeof(lq_qhw_cfg);
}

int lq_quantize_array(const lq_format *f, const double *x, size_t n, uint32_t *codes,
                      size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            *bad = i;
            return -1;
        }
        codes[i] = lq_quantize(f, x[i]);
    }
    return 0;
}

int lq_dequantize_array(const lq_format *f, const uint32_t *codes, size_t n, double *x,
                        size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        if (f->bits < 32 && codes[i] >> f->bits) {
            *bad = i;
            return -1;
        }
        x[i] = lq_dequantize(f, codes[i]);
    }
    return 0;
}

int lq_slq_encode_array(const lq_format *f, const double *x, size_t n, int32_t *k,
                        int32_t *nwords, double *value, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        lq_slq_value v;
        if (!isfinite(x[i])) {
            *bad = i;
            return -1;
        }
        v = lq_slq_encode(f, x[i]);
        nwords[i] = v.n;
        for (int s = 0; s < LQ_SLQ_WORDS_MAX; s++)
            k[i * LQ_SLQ_WORDS_MAX + s] = s < v.n ? v.k[s] : 0;
        value[i] = lq_slq_value_double(f, &v);
    }
    return 0;
}

int lq_slq_decode_array(const lq_format *f, const int32_t *k, const int32_t *nwords,
                        size_t n, double *value, size_t *bad)
{
    int kmax = (1 << (f->bits - 1)) - 1;
    for (size_t i = 0; i < n; i++) {
        lq_slq_value v;
        memset(&v, 0, sizeof v);
        if (nwords[i] < 0 || nwords[i] > f->max_words) {
            *bad = i;
            return -1;
        }
        v.n = nwords[i];
        for (int s = 0; s < v.n; s++) {
            v.k[s] = k[i * LQ_SLQ_WORDS_MAX + s];
            if (v.k[s] < -kmax || v.k[s] > kmax) {
                *bad = i;
                return -1;
            }
        }
        value[i] = lq_slq_value_double(f, &v);
    }
    return 0;
}

void lq_slq_word_array(const lq_format *f, const int32_t *k, size_t n, uint32_t *words)
{
    for (size_t i = 0; i < n; i++)
        words[i] = lq_slq_word(f, k[i]);
}

int lq_mac_run(const lq_mac_config *cfg, const uint32_t *a, const uint32_t *w,
               const uint8_t *last, long nbeats, uint64_t *out, long *nout,
               lq_mac_widths *wd, char *msg, size_t len)
{
    lq_mac_state st;
    uint32_t amask, wmask;
    *nout = 0;
    if (lq_mac_reset(&st, cfg, msg, len) != 0)
        return -1;
    *wd = st.wd;
    amask = cfg->a.bits >= 32 ? 0xffffffffu : (1u << cfg->a.bits) - 1;
    wmask = cfg->w.bits >= 32 ? 0xffffffffu : (1u << cfg->w.bits) - 1;
    for (long b = 0; b < nbeats; b++) {
        const uint32_t *ab = a + (size_t)b * cfg->lanes, *wb = w + (size_t)b * cfg->lanes;
        lq_wide o;
        for (int i = 0; i < cfg->lanes; i++)
            if ((ab[i] & ~amask) || (wb[i] & ~wmask)) {
                snprintf(msg, len, "beat %ld lane %d: code %s 0x%x is wider than %d bits", b, i,
                         (ab[i] & ~amask) ? "a" : "w", (ab[i] & ~amask) ? ab[i] : wb[i],
                         (ab[i] & ~amask) ? cfg->a.bits : cfg->w.bits);
                return -1;
            }
        if (lq_mac_step(&st, ab, wb, last[b] != 0, &o)) {
            memcpy(out + (size_t)*nout * LQ_MAC_LIMBS, o.limb, sizeof o.limb);
            (*nout)++;
        }
    }
    return 0;
}

int lq_qhw_run(const lq_qhw_cfg *cfg, const uint32_t *in, long nbeats, uint32_t *out,
               char *msg, size_t len)
{
    lq_qhw m;
    uint32_t mask;
    if (lq_qhw_init(&m, cfg, msg, len) != 0)
        return -1;
    mask = cfg->in_bits >= 32 ? 0xffffffffu : (1u << cfg->in_bits) - 1;
    for (long b = 0; b < nbeats; b++) {
        for (int i = 0; i < cfg->lanes; i++)
            if (in[(size_t)b * cfg->lanes + i] & ~mask) {
                snprintf(msg, len, "beat %ld lane %d: field 0x%x is wider than %d bits", b, i,
                         in[(size_t)b * cfg->lanes + i], cfg->in_bits);
                return -1;
            }
        lq_qhw_step(&m, in + (size_t)b * cfg->lanes, out + (size_t)b * cfg->lanes);
    }
    return 0;
}
