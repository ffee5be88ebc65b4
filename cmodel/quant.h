/* Quantize a double to a code, and a code back to its exact value
 * (docs/formats.md, "Linear", "Log2 and log-sqrt(2)"). */
#ifndef LOGQ_QUANT_H
#define LOGQ_QUANT_H

#include "format.h"

/* Fields of a log code (LOG2 or LOGSQRT2). */
typedef struct {
    int sign;  /* 1 for negative */
    int zero;  /* 1 when the code is zero (magnitude field 0) */
    int mag;   /* magnitude field m, 0 .. 2^b - 1 */
    int exp;   /* exponent (half steps for LOGSQRT2); valid when !zero */
} lq_logfields;

/* Exact rounding of log2|x| (half == 0) or of 2*log2|x| (half == 1), x finite and
 * non-zero: returns floor or nearest as r says. Decisions are exact integer
 * comparisons on the double's mantissa, never a libm log2. */
int lq_log2_round(double x, int half, lq_rounding r);

/* Quantize x (finite) with a LINEAR, LOG2 or LOGSQRT2 format. The code is returned in
 * the low f->bits bits; linear signed codes are two's complement. */
uint32_t lq_quantize(const lq_format *f, double x);

/* Exact value of a code as a double (exact for every code of every format; for odd
 * half-step exponents the correctly rounded double of 2^(e2/2)). */
double lq_dequantize(const lq_format *f, uint32_t code);

/* Fields of a log code; the code must be < 2^bits. */
lq_logfields lq_log_fields(const lq_format *f, uint32_t code);

/* Canonical codes are those lq_quantize can return (every code but the negative
 * zero of signed log formats). */
bool lq_code_canonical(const lq_format *f, uint32_t code);

/* Signed integer value of a linear code (sign extension when signed). */
int64_t lq_linear_int(const lq_format *f, uint32_t code);

/* The sqrt(2) constant of the hardware with p fraction bits (1 <= p <= 30): the
 * integer nearest to sqrt(2) * 2^p, computed exactly (no tie is possible). */
uint32_t lq_sqrt2_const(int p);

/* Exact fixed-point value of a code: value * 2^frac as an integer. Log-sqrt(2) codes
 * with an odd exponent use lq_sqrt2_const(sqrt2_frac) in place of sqrt(2), exactly as
 * the hardware does. Returns 0, or -1 when the result is not an integer or does not
 * fit in int64_t. */
int lq_code_fixed(const lq_format *f, uint32_t code, int frac, int sqrt2_frac,
                  int64_t *out);

/* Binary text of the low `bits` bits of v, MSB first; buf holds bits + 1 chars. */
char *lq_bin(uint32_t v, int bits, char *buf);

#endif
