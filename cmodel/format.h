/* Number formats of logq: the parameters that define a code, and their check.
 * docs/formats.md is the specification; this header names its parameters. */
#ifndef LOGQ_FORMAT_H
#define LOGQ_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    LQ_LINEAR = 0,  /* two's complement (signed) or unsigned integer times a step */
    LQ_LOG2,        /* sign, zero and exponent: +-2^e */
    LQ_LOGSQRT2,    /* sign, zero and half-step exponent: +-2^(e2/2) */
    LQ_SLQ          /* successive log quantization: a series of signed words */
} lq_scheme;

typedef enum { LQ_NEAREST = 0, LQ_FLOOR } lq_rounding;

typedef enum { LQ_FRAMING_NONE = 0, LQ_FRAMING_TAG, LQ_FRAMING_SPECIAL } lq_framing;

/* Limits of the parameters (docs/formats.md, "Parameters"). */
enum {
    LQ_LINEAR_BITS_MAX = 32,
    LQ_LOG_BITS_MAX = 10,   /* log2, logsqrt2 and SLQ word width */
    LQ_FSR_ABS_MAX = 960,   /* keeps every level a normal double */
    LQ_SLQ_WORDS_MAX = 8
};

typedef struct {
    lq_scheme scheme;
    int bits;            /* total width of one code (one word for SLQ), sign included */
    int fsr;             /* full-scale range, log2 units */
    lq_rounding rounding;
    bool is_signed;      /* SLQ is always signed */
    int max_words;       /* SLQ: L, at most LQ_SLQ_WORDS_MAX */
    double theta;        /* SLQ: stop when |residue| <= theta; 0 <= theta <= 2^fsr */
} lq_format;

/* A format with the documented defaults: log2, 5 bits, FSR 0, nearest, signed,
 * L = 2, theta = 0. */
lq_format lq_format_default(void);

/* 0 when f can be built; otherwise -1 and a message naming the offending value. */
int lq_format_check(const lq_format *f, char *msg, size_t msglen);

/* Magnitude bits of a log code: bits - 1 when signed, bits when unsigned; for SLQ
 * the magnitude range of a word (W - 1). */
int lq_mag_bits(const lq_format *f);

/* Smallest and largest non-zero exponent of a log code: in log2 units for LOG2 and
 * SLQ, in half steps for LOGSQRT2. */
int lq_exp_min(const lq_format *f);
int lq_exp_max(const lq_format *f);

const char *lq_scheme_name(lq_scheme s);
const char *lq_rounding_name(lq_rounding r);
const char *lq_framing_name(lq_framing fr);
/* Parse a name; 0 on success, -1 when unknown. */
int lq_scheme_parse(const char *s, lq_scheme *out);
int lq_rounding_parse(const char *s, lq_rounding *out);
int lq_framing_parse(const char *s, lq_framing *out);

#endif
