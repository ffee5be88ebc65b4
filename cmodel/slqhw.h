/* Stream-level models of the SLQ hardware (docs/slq.md): the decoder `logq gen slqdec`
 * (a stream of words in, a stream of terms out) and the successive shift-MAC
 * `logq gen slqmac`. Both are state structs with reset and step; the RTL must produce
 * exactly the same sequence of output transactions. The decoder model is built on
 * lq_slq_dec (cmodel/slq.c), which stays the reference for what is malformed. */
#ifndef LOGQ_SLQHW_H
#define LOGQ_SLQHW_H

#include <stddef.h>
#include <stdint.h>

#include "slq.h"

/* One output transaction of the decoder: a term of a weight, or the report of a
 * dropped (malformed) group. Every group of the stream ends in exactly one beat with
 * wlast = 1, so a consumer counts weight slots by wlast. */
typedef struct {
    int err;    /* 0: a term; 1..7: lq_slq_error of a dropped group (one beat per group) */
    int neg;    /* term: the word is negative */
    int zero;   /* term: the word is 0 (the weight 0); 1 on error beats */
    int shift;  /* term: |k|, the value is (neg ? -1 : 1) * 2^(fsr - shift); 0 if zero */
    int first;  /* first beat of a weight slot (1 on error beats) */
    int wlast;  /* last beat of a weight slot (1 on error beats) */
    int vlast;  /* last beat of a frame (vector) */
} lq_slqhw_beat;

/* Most beats one input word can produce: a group closed by the next value word and
 * the single-word group that word starts and ends (special framing, `last`). */
enum { LQ_SLQHW_BEATS_MAX = LQ_SLQ_WORDS_MAX + 1 };

typedef struct {
    lq_slq_dec d;     /* the reference decoder */
    int pend_err;     /* error of the open group, reported when the group closes */
    long beats;       /* beats produced since reset */
} lq_slqhw_dec;

void lq_slqhw_dec_reset(lq_slqhw_dec *h, const lq_format *f, lq_framing fr);
/* Feed one stream word (tag in bit W when tagging); returns the number of beats it
 * produces (0..LQ_SLQHW_BEATS_MAX) in out[], in order. */
int lq_slqhw_dec_step(lq_slqhw_dec *h, uint32_t word, int last, lq_slqhw_beat *out);

/* Entries of the decoder's term buffer (a power of two >= 2L + 2, at least 4). */
int lq_slqhw_dec_depth(int max_words);

/* The successive shift-MAC, lockstep scheduling (docs/slq.md): one activation x is
 * held by all lanes while each lane applies the terms of one weight slot; the step
 * ends when every lane has finished its slot. Lane j accumulates
 *     acc += (neg ? -1 : 1) * ((x * 2^frac) >> shift)     (arithmetic shift, floor)
 * modulo 2^acc_bits, so the dot product is acc * 2^(fsr - frac), exact when
 * frac >= 2^(W-1) - 1. */
enum { LQ_SLQMAC_LANES_MAX = 64 };

typedef struct {
    int lanes, act_bits, frac, acc_bits;
    uint64_t acc[LQ_SLQMAC_LANES_MAX];
    int err[LQ_SLQMAC_LANES_MAX];   /* the lane saw an error beat or a frame mismatch */
    int idle[LQ_SLQMAC_LANES_MAX];  /* the lane's frame ended before the activations' */
    int skip[LQ_SLQMAC_LANES_MAX];  /* the lane must discard beats up to vlast */
    long steps;                     /* activations consumed */
    long cycles;                    /* sum over steps of the longest slot (beats) */
} lq_slqmac;

void lq_slqmac_reset(lq_slqmac *m, int lanes, int act_bits, int frac, int acc_bits);
/* One step with activation x (act_bits-bit signed) and act_last (the vector's last).
 * Lane j reads its beats from beats[j][pos[j]..n[j]) and advances pos[j]. Returns 1 and
 * fills out[] (acc_bits-bit signed) and err[] when the vector completes, 0 otherwise,
 * and -1 (nothing changed) when a lane has too few beats for the step. */
int lq_slqmac_step(lq_slqmac *m, int64_t x, int act_last, const lq_slqhw_beat *const *beats,
                   const size_t *n, size_t *pos, int64_t *out, int *err);

/* The end of a vector (both steps): out[], err[] from the lanes, which restart. */
void lq_slqmac_vector_end(lq_slqmac *m, int64_t *out, int *err);

/* The contribution of one term to a lane (before the modulo). */
int64_t lq_slqmac_term(const lq_slqmac *m, int64_t x, const lq_slqhw_beat *b);

/* The compiled form of the lanes' term streams (cmodel/slqmac_fast.c): the same
 * results as lq_slqmac_step, one step costing a multiply-add per lane. Each lane's
 * stream is cut once into frames (up to a vlast beat) and weight slots (up to a wlast
 * beat); slot i of frame f of every lane is row rowbase[f] + i of a lanes-wide table
 * holding the slot's exact terms as one integer, coef = sum of +-2^(frac - shift)
 * (so the slot adds x * coef), terms with shift > frac (floored) kept beside it. A
 * step reads the row of the vector's frame and step: when every lane has a good slot
 * there and the frame ends exactly where the vector does (always, for well-formed
 * streams) it is one multiply-add per lane; otherwise each lane's cell says what
 * lq_slqmac_step would do (error, a frame that ended early: the lane idles, a frame
 * that goes on: the rest is dropped, a slot not in the stream: -1).
 * Streams whose vlast falls on a beat without wlast (never from the decoder) are not
 * compiled: the general step is their model. */
typedef struct {
    long len;       /* beats of the slot: its cycles */
    size_t ix;      /* its terms with shift > frac: inexact[ix .. ix + nix) */
    int nix;
    int flags;      /* LQ_SLQMAC_CELL_* */
} lq_slqmac_cell;

enum {
    LQ_SLQMAC_CELL_PRESENT = 1,    /* the lane has this slot (else it idles) */
    LQ_SLQMAC_CELL_MISSING = 2,    /* the slot is not (wholly) in the stream: -1 */
    LQ_SLQMAC_CELL_END = 4,        /* the slot ends the lane's frame */
    LQ_SLQMAC_CELL_ERR = 8,        /* the slot holds an error beat */
    LQ_SLQMAC_ROW_CLEAN = 1,       /* every lane PRESENT, no ERR, no inexact term */
    LQ_SLQMAC_ROW_ENDS_ALL = 2,    /* every lane's frame ends here */
    LQ_SLQMAC_ROW_ENDS_NONE = 4    /* no lane's frame ends here */
};

typedef struct {
    long longest;   /* the longest PRESENT slot of the row */
    int flags;      /* LQ_SLQMAC_ROW_* */
} lq_slqmac_row;

typedef struct {
    int lanes, frac;
    long frames;             /* rows exist for frames 0 .. frames - 1 */
    long *rowbase;           /* frames + 1 entries */
    uint64_t *coef;          /* rows x lanes */
    lq_slqmac_cell *cell;    /* rows x lanes */
    lq_slqmac_row *row;      /* rows */
    lq_slqhw_beat *inexact;
    long f, i;               /* cursor: the frame and the step within the vector */
    int simd;                /* LQ_SLQMAC_SIMD_*: how lq_slqmac_steps_fast runs */
} lq_slqmac_prog;

/* lq_slqmac_steps_fast's paths: the lanes' sums in vector registers across the steps
 * (AVX512: on a CPU with AVX-512F and DQ, eight lanes a register; AVX2: on a CPU with
 * AVX2, up to 16 lanes, four a register), or (NONE) lq_slqmac_step_fast on each step.
 * lq_slqmac_compile takes the first that the CPU and the lane count allow. */
enum { LQ_SLQMAC_SIMD_NONE, LQ_SLQMAC_SIMD_AVX2, LQ_SLQMAC_SIMD_AVX512 };

/* Compile beats[j][0 .. n[j]) of m's lanes for m's frac (m as reset; the prog then
 * replaces pos[]). 0, or -1 with a message (a vlast beat without wlast, a negative
 * shift, out of memory): use lq_slqmac_step then. */
int lq_slqmac_compile(lq_slqmac_prog *p, const lq_slqmac *m,
                      const lq_slqhw_beat *const *beats, const size_t *n, char *msg,
                      size_t len);
void lq_slqmac_prog_free(lq_slqmac_prog *p);
/* Run lq_slqmac_steps_fast by path simd (LQ_SLQMAC_SIMD_*) from now on: 0, or -1 (p
 * unchanged) when this CPU or p's lane count does not allow it. The results are the
 * same on every path (the tests compare each with the general step). */
int lq_slqmac_prog_simd(lq_slqmac_prog *p, int simd);
/* Back to the streams' start (with lq_slqmac_reset of the model). */
void lq_slqmac_rewind(lq_slqmac_prog *p);
/* lq_slqmac_step on the compiled streams: the same return value, out[] and err[],
 * and the same acc, err, steps and cycles in m. */
int lq_slqmac_step_fast(lq_slqmac *m, lq_slqmac_prog *p, int64_t x, int act_last,
                        int64_t *out, int *err);
/* Steps x[0 .. nsteps) in one call, the same as lq_slqmac_step_fast on each in turn
 * (act_last: last[k] != 0; last NULL: no step is a vector's last): the q-th vector
 * completed puts lane j's result in out[q * lanes + j] and its error in
 * err[q * lanes + j] (0 or 1; room for as many vectors as `last` steps). Stops before
 * a step that would return -1. Returns the steps taken; *nout gets the vectors. With
 * AVX-512 or AVX2 (prog.simd) the lanes' sums stay in registers: about twice as fast
 * as a call per step (docs/bench.md). */
long lq_slqmac_steps_fast(lq_slqmac *m, lq_slqmac_prog *p, const int64_t *x,
                          const uint8_t *last, long nsteps, int64_t *out, uint8_t *err,
                          long *nout);

#endif
