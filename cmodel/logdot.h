/* The log-domain dot product of `logq gen logdot` (docs/logdot.md), the paper's
 * method 2 end to end: per beat N lanes of log activations and log weights (codes of
 * docs/formats.md 3.3, one base); each product is a term {zero, sign, e_a + e_w} of
 * the log-domain accumulator (cmodel/logacc.c), and at `last` the positive and the
 * negative log sums are converted to one linear fixed-point result:
 *     L(v) = floor(T[k] * 2^(q + OF - R)),  q = floor(v / 2^F), k = v - q 2^F,
 *     T[k] = round(2^(k / 2^F) * 2^R)       (the 2^F-entry table)
 * each saturated to [0, 2^(OW-1) - 1], result = L(pos) - L(neg) (OW bits).
 * This model is the bit-exact specification of the RTL. */
#ifndef LOGQ_LOGDOT_H
#define LOGQ_LOGDOT_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "logacc.h"

enum {
    LQ_LOGDOT_FRAC_MAX = 10,      /* F: the conversion table has 2^F entries */
    LQ_LOGDOT_TABLE_BITS_MAX = 30,
    LQ_LOGDOT_OUT_BITS_MAX = 62,
    LQ_LOGDOT_OUT_FRAC_ABS_MAX = 256
};

typedef struct {
    int lanes;            /* N, 1..64 */
    lq_format act, wgt;   /* log codes, both LOG2 or both LOGSQRT2 */
    lq_logacc_corr corr;  /* paper or table */
    int frac;             /* F: fraction bits of the log sums, 0..10 (sqrt2: >= 1) */
    int table_bits;       /* R: fraction bits of T, 1..30 */
    int out_frac;         /* OF: the result's LSB weighs 2^-OF */
    int out_bits;         /* OW: width of the result, two's complement, 2..62 */
    int fault;            /* test only: T[2^F - 1] = T[2^F - 2] (F = 0: T[0] * 3/2) */
} lq_logdot_cfg;

typedef struct {
    lq_logacc_out logs;   /* the two log sums */
    int64_t lin_pos, lin_neg; /* L(pos), L(neg), each in [0, lmax] */
    int sat;              /* 1 when L(pos) or L(neg) saturated */
    int64_t result;       /* lin_pos - lin_neg */
} lq_logdot_out;

/* The fast path of lq_logdot_step (chosen by lq_logdot_init when the two codes have
 * at most LQ_LOGDOT_PAIR_BITS bits together): each lane's two tree inputs looked up
 * by the lane's code pair, and the trees' adders without branches, a zero operand
 * being the number LQ_LOGDOT_FAST_ZERO, far below every state, so that
 * max(zero, b) = b and C(|b - zero|) = 0 give zero + b = b exactly, and zero + zero
 * stays below LQ_LOGDOT_FAST_ZERO / 2 (at most 2^F per adder level, within a beat;
 * the scalar path stores the running sums as lq_lval between beats). The first adder
 * level, of lanes (0, 1), (2, 3), ..., is one lookup per two lanes by the two terms'
 * numbers. The general path remains for wider codes and whenever acc.cov is set;
 * tests/unit/test_logdot_fast.c proves the paths equal. */
enum { LQ_LOGDOT_PAIR_BITS = 12, LQ_LOGDOT_STATES_MAX = 128, LQ_LOGDOT_WDEG = 3 };
struct lq_logdot;
#define LQ_LOGDOT_FAST_ZERO (-((int64_t)1 << 30))

typedef struct {
    int on;               /* 1: lq_logdot_step takes the fast path */
    int w_bits;           /* the index of a code pair: (a & a_mask) << w_bits | (w & w_mask) */
    uint32_t a_mask, w_mask;
    int32_t *term;        /* per code pair: the positive tree's input, then the negative's */
    int32_t *corr;        /* C(d), d = 0 .. dcut (C(dcut) = 0) */
    /* The trees' first level by table, when the terms have at most
     * LQ_LOGDOT_STATES_MAX values (zero, or a sign and an exponent): */
    int nstates;          /* S, 0: no such table */
    int32_t *state;       /* per code pair, its term's number s (0 .. S - 1) as the
                           * offsets into level0 of a pair's first lane (2 S s) and of
                           * its second (2 s) */
    int32_t *level0;      /* per two lanes' terms (s0 S + s1): both trees' first adder */
    /* The SIMD path (lq_logdot_step and lq_logdot_steps on x86-64 with AVX2 at run
     * time, when the first level has at most LQ_LOGDOT_IDS_MAX distinct values): the
     * code pair indices of four lanes per instruction (or the byte states, below); the
     * second adder level of both trees by one lookup per four lanes and tree in the
     * quad table of every two first-level values (each by its number, its id: every
     * zero is one id); the later levels and the running sums four (or two) adders per
     * instruction, the corrections by scalar loads. lq_logdot_steps keeps the running
     * sums in a register, and on the byte states takes two beats at a time, software-
     * pipelined (a pair's quads beside the pair before's later levels). */
    int simd;             /* 1: lq_logdot_step takes the SIMD path */
    int (*step)(struct lq_logdot *m, const uint32_t *a, const uint32_t *w, int last,
                lq_logdot_out *out);
    long (*steps)(struct lq_logdot *m, const uint32_t *a, const uint32_t *w,
                  const uint8_t *last, long nbeats, lq_logdot_out *out);
                          /* lq_logdot_step's and lq_logdot_steps's path (with acc.cov
                           * off): the SIMD ones (specialized on the correction, on 16
                           * lanes and the byte states) or the scalar and general paths' */
    int nids;             /* K, 0: no quad table */
    int32_t *qrow;        /* as level0: the id of the first adder's value, times K */
    int32_t *qcol;        /* as level0: that id */
    int32_t *qone;        /* per code pair, both trees: the id of the lane's own term
                           * (a lane alone at the first level: lanes % 4 = 3) */
    int32_t *quad;        /* per two ids (i K + j): the second level's adder */
    /* The byte states (a SIMD step of 16 lanes, codes of at most 5 bits, K <= 256):
     * the 16 lanes' states as bytes from per-code numbers (btab), the pairs' level0
     * indices by one multiply-add, and both trees' quad indices of two pairs by one
     * 32-bit addition, qpr[i] + qpc[j] (16 bits each: i's ids times K, j's ids). */
    int bytes;            /* 1: the SIMD path takes the byte states */
    uint8_t btab[4][16];  /* per activation code (0-15, 16-31), then per weight code: its
                           * part of the state, 2 (e - e_min) + sign, or 0x80 for zero */
    uint32_t *qpr, *qpc;  /* per level0 index (s0 S + s1): {pos, neg} ids times K, ids */
    /* The wide path (lq_logdot_steps on the byte states' configurations whose product
     * numbers e_a + e_w - pmin fit 0-30, on x86-64 with AVX-512 F, BW, VL and VBMI at
     * run time): chunks of 4 pairs of beats, level by level, 16 adders per
     * instruction. The codes' bytes are put in the adders' order by one permute, the
     * lanes' numbers come from byte tables, the whole first level is arithmetic on the
     * numbers (its difference is a whole number of exponent steps: a 32-entry
     * correction table), every later level's correction is computed (below), no quad
     * table; the running sums take a chunk's roots two chunks later, during the first
     * levels of another, in scalar registers (wrun).
     * lq_logdot_step keeps the byte states. wide_build checks every table below
     * against the ones above (every code pair, every two terms, every difference). */
    int wide;             /* 1: lq_logdot_steps takes the wide path */
    uint8_t wsel[64];     /* the byte permute of two beats' codes (32-bit words) into the
                           * 16 first adders' words, byte 2 b + o: beat b's operand o */
    uint8_t wpart[2][64]; /* per activation code's low 6 bits, then weight code's: 0x80
                           * for zero, else (e - e_min) + 32 sign */
    uint8_t wtree[2][64]; /* per sum of two parts (its low 6 bits; 63: a zero), the lane's
                           * number in the positive tree, then the negative: its
                           * e_a + e_w - pmin, or 0x9f (zero) when of the other sign */
    int32_t wval[32];     /* per number: the tree input (LQ_LOGDOT_FAST_ZERO at 31) */
    int32_t wc1[32];      /* per k, the first level's difference in exponent steps (the
                           * paper's: in whole units): C(min(k steps, dcut)) */
    int32_t *wrun;        /* table correction: per u + dcut, u = -dcut .. dcut - 1, the
                           * running sums' G(u) = max(u, 0) + C(|u|) */
    /* The later levels' correction C(min(d, dcut)), 16 at a time: paper, 2^F >> min(d,
     * 31); table, a polynomial of degree LQ_LOGDOT_WDEG in single precision per
     * segment of 2^wlog2 differences (at most 32 segments), fitted at init, rounded to
     * the nearest integer, ties to even (no wide path unless it equals C at every
     * d <= dcut) */
    int wlog2;
    float wscale, woff;   /* t = (d mod 2^wlog2) wscale + woff, in [-1, 1) */
    float wcoef[LQ_LOGDOT_WDEG + 1][32]; /* per power of t and segment d >> wlog2 */
    int32_t vec[6][4];    /* the SIMD path's constants, four times each: a_mask, w_mask,
                           * the correction's cut (acc.dcut), the largest state (acc.vmax);
                           * then w_bits as a shift count (w_bits, 0, 0, 0); the bytes
                           * {S, 1} eight times (the byte states' level0 index) */
    int32_t run[2];       /* run_live: the running sums {pos, neg} as such numbers, which
                           * the SIMD path keeps between beats (acc's are brought up to
                           * date at `last` and before another path or a reset) */
    int run_live;
    uint32_t idx[LQ_LOGACC_LANES_MAX]; /* the SIMD path's code pair indices of a beat */
} lq_logdot_fast;
enum { LQ_LOGDOT_IDS_MAX = 1024 };

typedef struct lq_logdot {
    lq_logdot_cfg cfg;
    lq_logacc acc;        /* the accumulator, built from the derived configuration */
    int exp_bits;         /* E: holds every product exponent e_a + e_w */
    int pmin, pmax;       /* range of the product exponents */
    int64_t *tab;         /* T[0 .. 2^F - 1] */
    int64_t lmax;         /* 2^(OW-1) - 1 */
    uint64_t *tab_hits;   /* optional (caller's): tab_hits[k] counts conversions at k */
    lq_logdot_fast fast;
} lq_logdot;

/* 0 when cfg can be built; otherwise -1 and a message naming the offending value. */
int lq_logdot_check(const lq_logdot_cfg *cfg, char *msg, size_t msglen);
/* Check, derive, build both tables (and reset). 0, or -1 with a message. */
int lq_logdot_init(lq_logdot *m, const lq_logdot_cfg *cfg, char *msg, size_t msglen);
void lq_logdot_free(lq_logdot *m);
void lq_logdot_reset(lq_logdot *m);
/* The accumulator's configuration for cfg (lanes, base, E, F, correction). */
lq_logacc_cfg lq_logdot_acc_cfg(const lq_logdot_cfg *cfg, int exp_bits);
/* One beat: lane i's activation code a[i] and weight code w[i]. Returns 1 and fills
 * *out on a `last` beat, else 0. */
int lq_logdot_step(lq_logdot *m, const uint32_t *a, const uint32_t *w, int last,
                   lq_logdot_out *out);
/* nbeats beats in one call, the same as lq_logdot_step on each in turn: beat b has
 * lane i's codes a[b * lanes + i] and w[b * lanes + i], and `last` when last[b] != 0
 * (last NULL: no beat is); the k-th `last` beat's output goes to out[k] (room for as
 * many outputs as `last` beats; out is not written without one, but must be a valid
 * pointer). Returns the number of outputs. Faster than a call per beat, as the beats'
 * trees overlap: about 1.35x on the AVX2 path, 1.6x on the wide one (docs/bench.md). */
long lq_logdot_steps(lq_logdot *m, const uint32_t *a, const uint32_t *w, const uint8_t *last,
                     long nbeats, lq_logdot_out *out);
/* Test and debugging: make m (initialized) use the general path from now on. */
void lq_logdot_force_general(lq_logdot *m);
/* Test and debugging: make m use the scalar fast path (not the SIMD one) from now on. */
void lq_logdot_force_scalar(lq_logdot *m);
/* Test and debugging: make m use the AVX2 SIMD path, not the wide one, from now on. */
void lq_logdot_force_avx2(lq_logdot *m);
/* The path lq_logdot_steps takes: "simd512" (the wide path), "simd" (AVX2), "fast"
 * (scalar) or "general"; lq_logdot_step takes "simd" for "simd512". */
const char *lq_logdot_path(const lq_logdot *m);
/* The product term of one lane. */
lq_lterm lq_logdot_term(const lq_logdot *m, uint32_t a, uint32_t w);
/* L(x) of one log sum (0 for a zero); *sat set to 1 when it saturated. */
int64_t lq_logdot_lin(const lq_logdot *m, lq_lval x, int *sat);
/* T[k] computed in long double: round(2^(k/2^F) * 2^R); *tie_dist: the distance of
 * the unrounded value from the nearest .5. */
int64_t lq_logdot_table_entry(int frac, int r, int64_t k, long double *tie_dist);

#endif
