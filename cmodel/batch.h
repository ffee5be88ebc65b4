/* Array forms of the model's functions, for bindings (python/logq, a ctypes package):
 * one call per array instead of one per number, and only lq_format and lq_mac_config
 * cross the boundary. Each function is the loop over the single-value function it
 * names, nothing more, so its results are the model's. */
#ifndef LOGQ_BATCH_H
#define LOGQ_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "mac.h"
#include "quanthw.h"

/* sizeof of the structs a binding mirrors, so it can check its layout. */
size_t lq_sizeof_format(void);
size_t lq_sizeof_mac_config(void);
size_t lq_sizeof_mac_widths(void);
size_t lq_sizeof_qhw_cfg(void);

/* codes[i] = lq_quantize(f, x[i]); x must be finite (checked: -1 and *bad = i). */
int lq_quantize_array(const lq_format *f, const double *x, size_t n, uint32_t *codes,
                      size_t *bad);
/* x[i] = lq_dequantize(f, codes[i]); codes must be < 2^bits (checked as above). */
int lq_dequantize_array(const lq_format *f, const uint32_t *codes, size_t n, double *x,
                        size_t *bad);

/* SLQ: value i gets nwords[i] words, indices k[i * LQ_SLQ_WORDS_MAX + s] (0 beyond),
 * and its decoded value (lq_slq_value_double). x must be finite. */
int lq_slq_encode_array(const lq_format *f, const double *x, size_t n, int32_t *k,
                        int32_t *nwords, double *value, size_t *bad);
/* The values of given words (the inverse: lq_slq_value_double of each). nwords[i] in
 * 0..max_words, every index in -(2^(W-1)-1) .. 2^(W-1)-1. */
int lq_slq_decode_array(const lq_format *f, const int32_t *k, const int32_t *nwords,
                        size_t n, double *value, size_t *bad);
/* W-bit words of indices (lq_slq_word), the form `logq quant` prints. */
void lq_slq_word_array(const lq_format *f, const int32_t *k, size_t n, uint32_t *words);

/* The MAC array over a stream of beats: beat b has a[b * lanes + i], w[b * lanes + i]
 * and last[b]; each beat with last set completes one vector, whose sum goes to
 * out[v * LQ_MAC_LIMBS ..] (two's complement limbs, least significant first). *nout
 * gets the number of sums. 0, or -1 with a message (cfg refused, a code too wide). */
int lq_mac_run(const lq_mac_config *cfg, const uint32_t *a, const uint32_t *w,
               const uint8_t *last, long nbeats, uint64_t *out, long *nout,
               lq_mac_widths *wd, char *msg, size_t len);

/* The hardware quantizer (quanthw.h) over nbeats beats of cfg->lanes input fields:
 * out[b * lanes + i] = the code of in[b * lanes + i] (lq_qhw_step). 0, or -1 with a
 * message (cfg refused, a field wider than in_bits). */
int lq_qhw_run(const lq_qhw_cfg *cfg, const uint32_t *in, long nbeats, uint32_t *out,
               char *msg, size_t len);

#endif
