/* The hardware log quantizer of `logq gen quant` (docs/quant.md): per beat, N lanes of
 * linear fixed-point integers v (A bits, signed or unsigned, value v * 2^LSB) become N
 * log codes of docs/formats.md. The specification is lq_quantize of the exact value:
 * lq_qhw_code. lq_qhw_code_int is the integer method the generated RTL implements
 * (leading-one normalization and constant comparisons); the tests prove both equal. */
#ifndef LOGQ_QUANTHW_H
#define LOGQ_QUANTHW_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

enum {
    LQ_QHW_LANES_MAX = 256,
    LQ_QHW_IN_BITS_MIN = 2,
    LQ_QHW_IN_BITS_MAX = 32,
    LQ_QHW_LSB_ABS_MAX = 256
};

typedef struct {
    int lanes;        /* N, 1..256 */
    int in_bits;      /* A, 2..32 */
    int in_signed;    /* 1: two's complement input */
    int in_lsb;       /* the input's LSB weighs 2^in_lsb */
    int relu;         /* 1: negative inputs quantize as 0 */
    lq_format out;    /* LOG2 or LOGSQRT2, any width, FSR, rounding, signedness */
    int fault;        /* test only: 1 quantizes |v| + 1 in place of |v| (every threshold
                       * one input step too low) */
} lq_qhw_cfg;

/* The constants of the integer method (docs/quant.md, "Exact decisions"). */
typedef struct {
    int s;            /* 1 for log2, 2 for logsqrt2: exponent steps per octave */
    int b;            /* magnitude bits of the code */
    int zbits;        /* width of the normalizing shift z = A - 1 - n: ceil(log2 A) */
    int nthr;         /* in-octave thresholds used: 0, 1 or 2 */
    uint64_t k[2];    /* the thresholds on the normalized mantissa y (A bits, top bit
                       * set), ascending: adj = [y >= k[0]] + [y >= k[1]] */
    int64_t c0;       /* m_raw = c0 - s * z + adj; the code is clip(m_raw, 0, 2^b - 1) */
} lq_qhw_consts;

/* The model: configuration, constants and a beat counter. */
typedef struct {
    lq_qhw_cfg cfg;
    lq_qhw_consts k;
    long beats;
} lq_qhw;

/* 0 when cfg can be built; otherwise -1 and a message naming the offending value. */
int lq_qhw_check(const lq_qhw_cfg *cfg, char *msg, size_t msglen);
/* Check and derive the constants (and reset). 0, or -1 with a message. */
int lq_qhw_init(lq_qhw *m, const lq_qhw_cfg *cfg, char *msg, size_t msglen);
void lq_qhw_reset(lq_qhw *m);
/* One beat: in[i] holds lane i's A-bit input field, out[i] receives its code. */
void lq_qhw_step(lq_qhw *m, const uint32_t *in, uint32_t *out);

/* The exact value v * 2^LSB of an A-bit input field (ReLU applied when configured). */
double lq_qhw_value(const lq_qhw_cfg *cfg, uint32_t field);
/* The specification: lq_quantize(out, exact value) (with the test-only fault). */
uint32_t lq_qhw_code(const lq_qhw_cfg *cfg, uint32_t field);
/* The integer method of the RTL, from the constants (never a fault). */
uint32_t lq_qhw_code_int(const lq_qhw_cfg *cfg, const lq_qhw_consts *k, uint32_t field);
/* ceil(2^(p/4) * 2^(a-1)) for p = 1, 2, 3 and 1 <= a <= 32: the least integer y with
 * y^4 >= 2^(4(a-1) + p), computed in exact integer arithmetic. */
uint64_t lq_qhw_threshold(int a, int p);
/* Derive the constants of cfg (checked). */
void lq_qhw_derive(const lq_qhw_cfg *cfg, lq_qhw_consts *k);

#endif
