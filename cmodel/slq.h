/* Successive log quantization: the encoder, the word layout, both framings and the
 * stream decoder (docs/formats.md, "SLQ"). */
#ifndef LOGQ_SLQ_H
#define LOGQ_SLQ_H

#include "format.h"

/* One value: n words, each a signed index k (0 is zero, +-k is +-2^(fsr - k)). */
typedef struct {
    int n;
    int k[LQ_SLQ_WORDS_MAX];
} lq_slq_value;

/* Encode x (finite) with an SLQ format (the encoder loop of the spec). */
lq_slq_value lq_slq_encode(const lq_format *f, double x);

/* The value of a series of words, summed largest term first in double precision
 * (exact whenever the words span at most 53 bits; always for W <= 6). */
double lq_slq_value_double(const lq_format *f, const lq_slq_value *v);

/* The value * 2^frac as an exact integer: 0, or -1 when it is not an integer or does
 * not fit in int64_t. */
int lq_slq_value_fixed(const lq_format *f, const lq_slq_value *v, int frac, int64_t *out);

/* W-bit two's complement word of index k, and back. lq_slq_special is -M. */
uint32_t lq_slq_word(const lq_format *f, int k);
int lq_slq_index(const lq_format *f, uint32_t word);
uint32_t lq_slq_special(const lq_format *f);

/* Width of one stream word: W + 1 with tagging (tag in bit W), W otherwise. */
int lq_slq_stream_width(const lq_format *f, lq_framing fr);

/* Append the stream words of one value in framing fr to out (room for 2L - 1 words);
 * returns how many were written. */
int lq_slq_frame_value(const lq_format *f, lq_framing fr, const lq_slq_value *v,
                       uint32_t *out);

/* Bits one value of n words costs: (W + 1) n with tagging, W (2n - 1) with the special
 * code, W n without framing. */
int lq_slq_value_bits(const lq_format *f, lq_framing fr, int n);

/* Errors of a malformed stream. */
typedef enum {
    LQ_SLQ_OK = 0,
    LQ_SLQ_ERR_LEADING_SEP,   /* special: a frame starts with -M */
    LQ_SLQ_ERR_DOUBLE_SEP,    /* special: -M follows -M */
    LQ_SLQ_ERR_TRAILING_SEP,  /* special: a frame ends with -M */
    LQ_SLQ_ERR_TOO_MANY,      /* a value has more than L words */
    LQ_SLQ_ERR_ZERO_IN_MULTI, /* a zero word in a value of two or more words */
    LQ_SLQ_ERR_TRUNCATED,     /* tag: a frame ends on a word whose tag says more */
    LQ_SLQ_ERR_SPECIAL_IN_TAG /* tag: the word -M, which is never a value */
} lq_slq_error;

const char *lq_slq_error_name(lq_slq_error e);

/* The stream decoder, one word per step. No global state; reset before use. */
typedef struct {
    lq_format f;
    lq_framing fr;
    long pos;          /* offset of the next word since reset */
    int open;          /* a group is open */
    int bad;           /* the open group has been reported malformed */
    int after_sep;     /* special: the previous word was -M */
    lq_slq_value cur;  /* words of the open group */
} lq_slq_dec;

typedef struct {
    int nvalues;              /* values completed by this step: 0, 1 or 2 */
    lq_slq_value values[2];
    lq_slq_error error;       /* LQ_SLQ_OK, or the error detected at this word */
    long error_offset;        /* offset of the word that made the error */
} lq_slq_dec_out;

void lq_slq_dec_reset(lq_slq_dec *d, const lq_format *f, lq_framing fr);
/* Feed one stream word; last marks the final word of a frame. */
void lq_slq_dec_step(lq_slq_dec *d, uint32_t word, int last, lq_slq_dec_out *out);

#endif
