/* Array forms of the model's functions, for bindings (python/logq, a ctypes package):
 * one call per array instead of one per number, and only plain structs (lq_format,
 * lq_mac_config, lq_qhw_cfg, lq_logdot_cfg) cross the boundary. Each function is the
 * loop over the single-value function it names, nothing more, so its results are the
 * model's. Offsets (off[]) and buffer sizes are the caller's: the binding derives them. */
#ifndef LOGQ_BATCH_H
#define LOGQ_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "logdot.h"
#include "mac.h"
#include "quanthw.h"
#include "slqhw.h"

/* sizeof of the structs a binding mirrors, so it can check its layout. */
size_t lq_sizeof_format(void);
size_t lq_sizeof_mac_config(void);
size_t lq_sizeof_mac_widths(void);
size_t lq_sizeof_qhw_cfg(void);
size_t lq_sizeof_logdot_cfg(void);

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

/* The log-domain dot product (logdot.h) over a stream of beats laid out as lq_mac_run's:
 * each beat with last set completes one vector; its result (lq_logdot_out.result) goes
 * to result[v], its saturation flag to sat[v], and *nout gets the number of vectors.
 * 0, or -1 with a message (cfg refused, a code wider than its format). */
int lq_logdot_run(const lq_logdot_cfg *cfg, const uint32_t *a, const uint32_t *w,
                  const uint8_t *last, long nbeats, int64_t *result, uint8_t *sat, long *nout,
                  char *msg, size_t len);

/* The configuration of `logq gen slqdot` (N decoders lq_slqhw_dec + the successive MAC
 * lq_slqmac, docs/slqdot.md): f an SLQ format (W, L, fsr), framing tag or special,
 * lanes 1..LQ_SLQMAC_LANES_MAX, act_bits 2..32, frac 0..60 with A + F <= 62, acc_bits
 * A + F..64 (the generator's ranges). 0, or -1 with a message naming the value. */
int lq_slqdot_check(const lq_format *f, int framing, int lanes, int act_bits, int frac,
                    int acc_bits, char *msg, size_t len);
/* The stream words of x[i] in framing fr (lq_slq_encode with f's rounding,
 * lq_slq_frame_value), appended to words (room for n * (2L - 1)); nwords[i] gets how
 * many x[i] took. 0, or -1 and *bad = i when x[i] is not finite. */
int lq_slq_frame_array(const lq_format *f, int framing, const double *x, size_t n,
                       uint32_t *words, int32_t *nwords, size_t *bad);
/* slqdot's results: lane j's stream words are words[off[j] .. off[j+1]) with wlast the
 * decoder's `last` input (a frame's end), decoded by lq_slqhw_dec_step; the nact
 * activations (act_bits-bit signed) with alast go through lq_slqmac_step (as
 * lq_slqmac_steps_fast on the compiled streams, which gives the same). Each completed
 * vector v puts its lanes' results in out[v * lanes + j] (acc_bits-bit signed) and
 * err[v * lanes + j]; *nout gets the vectors, *nused the activations consumed: the run
 * stops where a lane has too few beats for the next activation (lq_slqmac_step's -1).
 * 0, or -1 with a message (configuration refused, a word or activation out of range). */
int lq_slqdot_run(const lq_format *f, int framing, int lanes, int act_bits, int frac,
                  int acc_bits, const uint32_t *words, const uint8_t *wlast, const size_t *off,
                  const int64_t *act, const uint8_t *alast, size_t nact, int64_t *out,
                  uint8_t *err, long *nout, size_t *nused, char *msg, size_t len);

#endif
