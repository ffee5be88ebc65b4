/* The SLQ stream options of the blocks that take SLQ weights (slqdec, slqmac): one
 * set of table rows and one check, so `logq gen` and `logq vectors` of both blocks
 * read them alike (docs/slq.md, docs/formats.md). */
#ifndef LOGQ_SLQ_OPTIONS_H
#define LOGQ_SLQ_OPTIONS_H

#include "blocks/block.h"
#include "cmodel/format.h"

typedef struct {
    int bits, fsr, max_words, framing, scheme, rounding;
    const char *theta;
} blk_slq;

/* The rows, for a state type T with a blk_slq member m; the block words the help of
 * --framing, --max-words and --fsr (what they mean for it). */
#define BLK_SLQ_OPTIONS(T, m, framing_help, words_help, fsr_help)                          \
    BLK_INT(T, "bits", "W", m.bits, 2, LQ_LOG_BITS_MAX, "SLQ word width, %r (required)",   \
            BO_BOTH),                                                                      \
    BLK_CHOICE(T, "framing", "FR", m.framing, "tag|special", framing_help, BO_BOTH),       \
    BLK_INT(T, "max-words", "L", m.max_words, 1, LQ_SLQ_WORDS_MAX, words_help, BO_BOTH),   \
    BLK_INT(T, "fsr", "F", m.fsr, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, fsr_help, BO_BOTH),     \
    BLK_CHOICE(T, "scheme", "S", m.scheme, "slq", NULL, BO_BOTH),                          \
    BLK_CHOICE(T, "rounding", "R", m.rounding, "nearest|floor", NULL, BO_BOTH),            \
    BLK_TEXT(T, "theta", "T", m.theta,                                                     \
             "the encoder's options (`logq slq encode`): accepted, they do\n"              \
             "not change the hardware", BO_BOTH)

/* Defaults: 2 words, FSR 0, nearest, signed, no framing. */
void blk_slq_defaults(blk_slq *o);
/* The format and framing: --bits is required, --framing when need_framing (else NONE
 * when not given). 0, or -1 with a message naming the value. cmd: "gen slqdec". */
int blk_slq_finish(const blk_slq *o, const blk_args *a, const char *cmd, int need_framing,
                   lq_format *f, lq_framing *fr);

#endif
