/* The multiply-accumulate array of `logq gen mac`: its configuration, the widths
 * derived from it (shared by the generator, so the RTL, NAME.h and the model agree)
 * and the exact result of a stream of beats as a state struct with reset and step.
 * docs/mac.md is the specification. */
#ifndef LOGQ_MAC_H
#define LOGQ_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

typedef enum {
    LQ_MAC_SHIFT = 0, /* linear activation times log weight: a barrel shift */
    LQ_MAC_LOGLOG,    /* log activation times log weight: exponents add, one-hot */
    LQ_MAC_MULT,      /* the shift interface computed with real multipliers */
    LQ_MAC_LINEAR     /* linear weight times linear activation: the integer baseline */
} lq_mac_mode;

enum {
    LQ_MAC_LANES_MAX = 256,
    LQ_MAC_ACT_BITS_MAX = 32,
    LQ_MAC_SQRT2_FRAC_MAX = 30,
    LQ_MAC_BITS_MAX = 512,     /* widest product and output word */
    LQ_MAC_LIMBS = 8,          /* 64-bit limbs of lq_wide: LQ_MAC_BITS_MAX bits */
    LQ_MAC_FRAC_EXACT = -100000 /* cfg.frac: keep every fraction bit */
};
#define LQ_MAC_MAX_BEATS_MAX (1L << 24)

/* A two's complement integer of LQ_MAC_BITS_MAX bits, limb 0 least significant. */
typedef struct {
    uint64_t limb[LQ_MAC_LIMBS];
} lq_wide;

typedef struct {
    lq_mac_mode mode;
    int lanes;        /* N, 1 .. 256 */
    lq_format w;      /* the weight: LOG2 or LOGSQRT2 (LINEAR in linear mode) */
    lq_format a;      /* the other operand ("activation"): LINEAR for shift, mult and
                       * linear, a log code of the same base as w for loglog */
    int sqrt2_frac;   /* P: fraction bits of the sqrt(2) constant (base sqrt(2) only) */
    int frac;         /* F: fraction bits kept, or LQ_MAC_FRAC_EXACT */
    long max_beats;   /* K: beats per vector that never overflow */
    int fault;        /* test only: 1 makes the model deliberately wrong */
} lq_mac_config;

typedef struct {
    int a_ext;        /* width of the activation as a signed word (shift, mult, linear) */
    int w_mag;        /* magnitude bits of the log operand(s); linear mode: the width of
                       * the weight as a signed word (bits, + 1 when unsigned) */
    int a_mag;        /* loglog: magnitude bits of the activation */
    int shift_max;    /* largest shift of the aligned product */
    int half;         /* 1 for base sqrt(2) */
    int odd_offset;   /* base sqrt(2): emin & 1 (of the exponent sum for loglog) */
    int frac_exact;   /* fraction bits of the exact product */
    int frac;         /* fraction bits kept */
    int trunc;        /* frac_exact - frac: LSBs dropped from every product (split:
                       * from every beat's sum) */
    int split;        /* base sqrt(2), shift and mult: products split by exponent
                       * parity, the constant after the trees; --frac truncates each
                       * beat's exact sum once (docs/mac.md) */
    int prod_bits;    /* WP: signed width of the exact aligned product */
    int prod_out_bits;/* WPT: after truncation, max(1, WP - trunc) */
    int tree_levels;  /* D = ceil(log2(N)) */
    int tree_bits;    /* WPT + D */
    int out_bits;     /* WO = WPT + ceil(log2(N * K)) */
    int out_lsb_exp;  /* the output's LSB is worth 2^out_lsb_exp (times the linear
                       * activation's step in shift, mult and linear modes: see docs) */
    uint32_t sqrt2_const; /* lq_sqrt2_const(P), 0 for base 2 */
} lq_mac_widths;

const char *lq_mac_mode_name(lq_mac_mode m);
int lq_mac_mode_parse(const char *s, lq_mac_mode *out);

/* Check cfg and derive its widths: 0, or -1 with a message naming the value. */
int lq_mac_derive(const lq_mac_config *cfg, lq_mac_widths *wd, char *msg, size_t len);

/* The product of one lane in the output's fixed point (after truncation). */
void lq_mac_product(const lq_mac_config *cfg, const lq_mac_widths *wd, uint32_t a,
                    uint32_t w, lq_wide *p);

/* How lq_mac_step computes a beat. The general path works on lq_wide (any width);
 * the fast paths, chosen by lq_mac_reset when every product fits 62 bits and the
 * output 64, look the arithmetic up in per-code tables built from the same formulas
 * and accumulate in 64 bits (modulo 2^64, so wrapping to out_bits at the output gives
 * the same value). tests/unit/test_mac.c proves them equal to the general path. */
typedef enum {
    LQ_MAC_PATH_GENERAL = 0,
    LQ_MAC_PATH_MUL,  /* shift, mult: p = (xa[a] * xw[w]) >> trunc, xw = the weight's
                       * aligned value; xa = the activation's integer (table when the
                       * activation has at most LQ_LOG_BITS_MAX bits, else computed);
                       * loglog base 2: xa, xw = +-2^(m - 1); linear: xw = the
                       * weight's integer (table when it has at most
                       * LQ_LOG_BITS_MAX bits, else computed like xa) */
    LQ_MAC_PATH_SUM,  /* loglog base sqrt(2): p = tab[xa[a] + xw[w]], xa/xw = 4 * (m - 1)
                       * + sign (a zero code: LQ_MAC_SUM_ZERO), tab = the truncated
                       * product of that exponent sum and sign parity */
    LQ_MAC_PATH_PAIR  /* loglog base sqrt(2), codes of at most LQ_MAC_PAIR_BITS bits
                       * together (the activation's at most 8): p = tab[xa[a] | w], xa[a] = a << w_bits, tab = the SUM
                       * path's product of every pair of codes (two loads fewer); from
                       * 16 lanes on a CPU with AVX-512F by permutes (dot_pairp16,
                       * lq_mac_fast.p16: codes of at most 5 bits) or gathers
                       * (dot_pair16), from 8 lanes with AVX2 (dot_pair8); MUL by
                       * lq_mac_fast.m16 */
} lq_mac_path;

enum {
    LQ_MAC_CODES_MAX = 1 << LQ_LOG_BITS_MAX, /* table entries per operand */
    LQ_MAC_SUM_ZERO = 512,                   /* SUM index of a zero code: every sum
                                              * with one lands in tab's zero half */
    LQ_MAC_SUM_TABLE = 2 * LQ_MAC_SUM_ZERO + 4,
    LQ_MAC_PAIR_BITS = 10                    /* 2^10 <= LQ_MAC_SUM_TABLE: PAIR reuses tab */
};

/* The instruction sets of the fast kernels, in order (lq_mac_fast.simd). */
enum { LQ_MAC_SIMD_NONE, LQ_MAC_SIMD_AVX2, LQ_MAC_SIMD_AVX512 };

typedef struct lq_mac_fast lq_mac_fast;
/* One beat's sum of n lanes on a fast path (modulo 2^64). */
typedef uint64_t lq_mac_kernel(const lq_mac_fast *f, int n, const uint32_t *a,
                               const uint32_t *w);

struct lq_mac_fast {
    lq_mac_path path;
    lq_mac_kernel *kernel;   /* NULL: the general path */
    int simd;                /* LQ_MAC_SIMD_*: the instruction set the kernel uses */
    uint32_t a_mask, w_mask; /* code widths: bits above them are ignored */
    int a_table;             /* MUL: xa holds every activation code */
    int byte;                /* both codes have at most 8 bits: tables indexed by the
                              * low byte (entries repeat above the width) */
    int64_t a_sign;          /* MUL without a_table: sign bit of the activation (0 if
                              * unsigned): ia = ((a & a_mask) ^ a_sign) - a_sign */
    int w_table;             /* MUL: xw holds every weight code (always, but for
                              * linear weights wider than LQ_LOG_BITS_MAX) */
    int64_t w_sign;          /* MUL without w_table: the weight's sign bit, as a_sign */
    int trunc;               /* MUL: right shift of each product, 0..63 */
    int w_bits;              /* PAIR: the weight code's width (the index's low bits) */
    int beat_trunc;          /* MUL, split: right shift of each beat's sum, 0..63 */
    int out_shift;           /* 64 - out_bits: the output's sign extension */
    uint64_t acc;            /* the accumulator, modulo 2^64 */
    int64_t xa[LQ_MAC_CODES_MAX], xw[LQ_MAC_CODES_MAX];
    int64_t tab[LQ_MAC_SUM_TABLE];
    /* MUL with codes of at most 8 bits and no truncation, weights of at most 5 bits,
     * every xw and xa in 32 bits: sixteen lanes at a time with AVX-512F (dot_mul16),
     * eight with AVX2 (dot_mul8),
     * m16 1: xa32 holds the activations (at most 5 bits), 2: they are computed
     * ((a & a_mask) ^ a_sign) - a_sign; 0: not taken */
    int m16;
    int32_t xa32[32], xw32[32];
    /* PAIR with codes of at most 5 bits and exponent sums below 32: sixteen lanes at a
     * time with AVX-512F by permutes instead of gathers (dot_pairp16): xa32, xw32 the
     * codes' SUM indices (4 (m - 1) + sign, LQ_MAC_SUM_ZERO for zero), pk[0][k] and
     * pk[1][k] the products of exponent sum k, positive and negative; p16 2: every
     * product in 32 bits, pk32 the same in 32 bits (sixteen lanes a permute); 0: not
     * taken */
    int p16;
    int64_t pk[2][32];
    int32_t pk32[2][32];
};

typedef struct {
    lq_mac_config cfg;
    lq_mac_widths wd;
    lq_wide acc;      /* the general path's accumulator */
    long beats;       /* beats in the current vector */
    lq_mac_fast fast;
} lq_mac_state;

/* Start (or restart) the array: empty accumulator. cfg must pass lq_mac_derive. */
int lq_mac_reset(lq_mac_state *s, const lq_mac_config *cfg, char *msg, size_t len);
/* One beat: a[i], w[i] are the codes of lane i. When last is set, *out receives the
 * vector's sum (wrapped to out_bits, sign-extended) and the accumulator restarts;
 * returns 1 then, else 0. */
int lq_mac_step(lq_mac_state *s, const uint32_t *a, const uint32_t *w, int last,
                lq_wide *out);
/* The same beat with the vector's sum as an int64 (sign-extended from out_bits): for
 * outputs of at most 64 bits; returns -1 (nothing changed) for wider ones. */
int lq_mac_step64(lq_mac_state *s, const uint32_t *a, const uint32_t *w, int last,
                  int64_t *out);
/* Test and debugging: make s (just reset) use the general path from now on. */
void lq_mac_force_general(lq_mac_state *s);
/* Test and benchmarking: run s's fast path (after a reset) by kernels of instruction
 * sets up to simd (LQ_MAC_SIMD_*; a reset takes the widest this CPU has): 0, or -1
 * (nothing changed) when the CPU lacks simd. fast.simd says which one the kernel uses. */
int lq_mac_fast_simd(lq_mac_state *s, int simd);

/* Wide integer helpers (all operate on the full LQ_MAC_BITS_MAX bits). */
void lq_wide_from_i64(lq_wide *x, int64_t v);
void lq_wide_shl(lq_wide *x, int s);
void lq_wide_sar(lq_wide *x, int s);
void lq_wide_add(lq_wide *x, const lq_wide *y);
/* Keep the low `bits` bits and sign-extend from bit bits-1. */
void lq_wide_sext(lq_wide *x, int bits);
int lq_wide_eq(const lq_wide *x, const lq_wide *y);
int lq_wide_bit(const lq_wide *x, int i);
/* Hex of the low `bits` bits (buf >= bits/4 + 2) and signed decimal (buf >= 160). */
char *lq_wide_hex(const lq_wide *x, int bits, char *buf);
char *lq_wide_dec(const lq_wide *x, char *buf);

#endif
