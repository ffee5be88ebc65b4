/* Array forms of the model's functions (batch.h). */
#include "batch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A code wider than its format: the message names the beat, the lane and the code. */
static int code_too_wide(const lq_format *f, uint32_t code, const char *what, long b, int i,
                         char *msg, size_t len)
{
    if (f->bits >= 32 || !(code >> f->bits))
        return 0;
    snprintf(msg, len, "beat %ld lane %d: code %s 0x%x is wider than %d bits", b, i, what,
             code, f->bits);
    return 1;
}

int lq_mac_run(const lq_mac_config *cfg, const uint32_t *a, const uint32_t *w,
               const uint8_t *last, long nbeats, uint64_t *out, long *nout,
               lq_mac_widths *wd, char *msg, size_t len)
{
    lq_mac_state st;
    *nout = 0;
    if (lq_mac_reset(&st, cfg, msg, len) != 0)
        return -1;
    *wd = st.wd;
    for (long b = 0; b < nbeats; b++) {
        const uint32_t *ab = a + (size_t)b * cfg->lanes, *wb = w + (size_t)b * cfg->lanes;
        lq_wide o;
        for (int i = 0; i < cfg->lanes; i++)
            if (code_too_wide(&cfg->a, ab[i], "a", b, i, msg, len) ||
                code_too_wide(&cfg->w, wb[i], "w", b, i, msg, len))
                return -1;
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

size_t lq_sizeof_logdot_cfg(void)
{
    return sizeof(lq_logdot_cfg);
}

enum { LOGDOT_CHUNK = 256 }; /* beats per lq_logdot_steps call of lq_logdot_run */

int lq_logdot_run(const lq_logdot_cfg *cfg, const uint32_t *a, const uint32_t *w,
                  const uint8_t *last, long nbeats, int64_t *result, uint8_t *sat, long *nout,
                  char *msg, size_t len)
{
    lq_logdot m;
    int N = cfg->lanes;
    *nout = 0;
    if (lq_logdot_check(cfg, msg, len) != 0)
        return -1;
    /* every code first, so a refusal leaves nothing half done */
    for (long b = 0; b < nbeats; b++)
        for (int i = 0; i < N; i++)
            if (code_too_wide(&cfg->act, a[(size_t)b * N + i], "a", b, i, msg, len) ||
                code_too_wide(&cfg->wgt, w[(size_t)b * N + i], "w", b, i, msg, len))
                return -1;
    if (lq_logdot_init(&m, cfg, msg, len) != 0)
        return -1;
    for (long b = 0; b < nbeats; b += LOGDOT_CHUNK) { /* many beats per call (faster) */
        lq_logdot_out o[LOGDOT_CHUNK];
        long nb = nbeats - b < LOGDOT_CHUNK ? nbeats - b : LOGDOT_CHUNK;
        long k = lq_logdot_steps(&m, a + (size_t)b * N, w + (size_t)b * N, last + b, nb, o);
        for (long i = 0; i < k; i++) {
            result[*nout] = o[i].result;
            sat[*nout] = (uint8_t)o[i].sat;
            (*nout)++;
        }
    }
    lq_logdot_free(&m);
    return 0;
}

int lq_slqdot_check(const lq_format *f, int framing, int lanes, int act_bits, int frac,
                    int acc_bits, char *msg, size_t len)
{
    if (f->scheme != LQ_SLQ) {
        snprintf(msg, len, "slqdot's weights are SLQ, not %s", lq_scheme_name(f->scheme));
        return -1;
    }
    if (lq_format_check(f, msg, len) != 0)
        return -1;
    if (framing != LQ_FRAMING_TAG && framing != LQ_FRAMING_SPECIAL) {
        snprintf(msg, len, "framing %d is neither tag (%d) nor special (%d)", framing,
                 LQ_FRAMING_TAG, LQ_FRAMING_SPECIAL);
        return -1;
    }
    if (lanes < 1 || lanes > LQ_SLQMAC_LANES_MAX) {
        snprintf(msg, len, "lanes %d is out of range (1 to %d)", lanes, LQ_SLQMAC_LANES_MAX);
        return -1;
    }
    if (act_bits < 2 || act_bits > 32) {
        snprintf(msg, len, "act_bits %d is out of range (2 to 32)", act_bits);
        return -1;
    }
    if (frac < 0 || frac > 60 || act_bits + frac > 62) {
        snprintf(msg, len, "frac %d is out of range (0 to 60, act_bits + frac <= 62 with "
                 "act_bits %d)", frac, act_bits);
        return -1;
    }
    if (acc_bits < act_bits + frac || acc_bits > 64) {
        snprintf(msg, len, "acc_bits %d is out of range (act_bits + frac = %d to 64)", acc_bits,
                 act_bits + frac);
        return -1;
    }
    return 0;
}

int lq_slq_frame_array(const lq_format *f, int framing, const double *x, size_t n,
                       uint32_t *words, int32_t *nwords, size_t *bad)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        lq_slq_value v;
        if (!isfinite(x[i])) {
            *bad = i;
            return -1;
        }
        v = lq_slq_encode(f, x[i]);
        nwords[i] = lq_slq_frame_value(f, (lq_framing)framing, &v, words + at);
        at += (size_t)nwords[i];
    }
    return 0;
}

int lq_slqdot_run(const lq_format *f, int framing, int lanes, int act_bits, int frac,
                  int acc_bits, const uint32_t *words, const uint8_t *wlast, const size_t *off,
                  const int64_t *act, const uint8_t *alast, size_t nact, int64_t *out,
                  uint8_t *err, long *nout, size_t *nused, char *msg, size_t len)
{
    int sw;
    int64_t amax = ((int64_t)1 << (act_bits - 1)) - 1;
    lq_slqhw_beat *beats;
    const lq_slqhw_beat *bp[LQ_SLQMAC_LANES_MAX];
    size_t bn[LQ_SLQMAC_LANES_MAX], pos[LQ_SLQMAC_LANES_MAX];
    lq_slqmac m;
    lq_slqmac_prog prog;
    int fast;
    *nout = 0;
    *nused = 0;
    if (lq_slqdot_check(f, framing, lanes, act_bits, frac, acc_bits, msg, len) != 0)
        return -1;
    sw = lq_slq_stream_width(f, (lq_framing)framing);
    for (int j = 0; j < lanes; j++)
        for (size_t i = off[j]; i < off[j + 1]; i++)
            if (words[i] >> sw) {
                snprintf(msg, len, "lane %d word %zu: 0x%x is wider than the stream's %d bits",
                         j, i - off[j], words[i], sw);
                return -1;
            }
    for (size_t k = 0; k < nact; k++)
        if (act[k] < -amax - 1 || act[k] > amax) {
            snprintf(msg, len, "activation %zu: %lld is outside %d-bit signed", k,
                     (long long)act[k], act_bits);
            return -1;
        }
    beats = malloc((off[lanes] + 1) * LQ_SLQHW_BEATS_MAX * sizeof *beats);
    if (!beats) {
        snprintf(msg, len, "out of memory for %zu words", off[lanes]);
        return -1;
    }
    for (int j = 0; j < lanes; j++) {
        lq_slqhw_dec d;
        lq_slqhw_beat *lb = beats + off[j] * LQ_SLQHW_BEATS_MAX;
        lq_slqhw_dec_reset(&d, f, (lq_framing)framing);
        bn[j] = 0;
        for (size_t i = off[j]; i < off[j + 1]; i++)
            bn[j] += (size_t)lq_slqhw_dec_step(&d, words[i], wlast[i] != 0, lb + bn[j]);
        bp[j] = lb;
        pos[j] = 0;
    }
    lq_slqmac_reset(&m, lanes, act_bits, frac, acc_bits);
    /* decoder streams always compile (then all the steps in one call, the lanes' sums
     * in registers where the CPU has AVX-512); the general step stays for the case
     * they do not */
    fast = lq_slqmac_compile(&prog, &m, bp, bn, msg, len) == 0;
    if (fast) {
        *nused = (size_t)lq_slqmac_steps_fast(&m, &prog, act, alast, (long)nact, out, err, nout);
    } else {
        for (size_t k = 0; k < nact; k++) {
            int e[LQ_SLQMAC_LANES_MAX];
            int64_t *o = out + (size_t)*nout * lanes;
            int r = lq_slqmac_step(&m, act[k], alast[k] != 0, bp, bn, pos, o, e);
            if (r < 0)
                break;
            *nused = k + 1;
            if (r == 1) {
                for (int j = 0; j < lanes; j++)
                    err[(size_t)*nout * lanes + j] = (uint8_t)(e[j] != 0);
                (*nout)++;
            }
        }
    }
    if (fast)
        lq_slqmac_prog_free(&prog);
    free(beats);
    return 0;
}
