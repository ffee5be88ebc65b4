/* The log-domain accumulator (docs/logacc.md): per beat, N product exponents (sign,
 * zero flag, two's complement exponent) are reduced by a balanced tree of log-domain
 * adders into a positive and a negative sum, which are added to two running states;
 * `last` returns both and restarts. A log-domain adder is
 *     r = max(a, b) + C(d)
 * with C the paper's shifted one (d = |floor(a) - floor(b)|, C = 2^-d) or a table of
 * log2(1 + 2^-d) rounded to F fraction bits (d = |a - b|), zero beyond a cut-off.
 * This model is the bit-exact specification of `logq gen logacc`. */
#ifndef LOGQ_LOGACC_H
#define LOGQ_LOGACC_H

#include <stddef.h>
#include <stdint.h>

typedef enum { LQ_CORR_PAPER = 0, LQ_CORR_TABLE } lq_logacc_corr;

/* Limits of the parameters. */
enum {
    LQ_LOGACC_LANES_MAX = 64,
    LQ_LOGACC_EXP_BITS_MIN = 2,
    LQ_LOGACC_EXP_BITS_MAX = 16,
    LQ_LOGACC_FRAC_MAX_PAPER = 16,
    LQ_LOGACC_FRAC_MAX_TABLE = 10
};

typedef struct {
    int lanes;        /* N terms per beat, 1..64 */
    int half;         /* 0: base 2 (exponent in log2 units); 1: base sqrt(2) (half steps) */
    int exp_bits;     /* E: width of the two's complement input exponent */
    int frac;         /* F: fraction bits of the state (log2 units) */
    lq_logacc_corr corr;
    int fault;        /* test only: 1 makes the model wrong (C(1) off by one LSB) */
} lq_logacc_cfg;

/* A log-domain value: zero flag, or v = log2(magnitude) * 2^F as a two's complement
 * integer of state_bits bits. A zero carries v = 0. */
typedef struct {
    int zero;
    int64_t v;
} lq_lval;

/* The accumulator: configuration, derived constants, correction table and state. */
typedef struct {
    lq_logacc_cfg cfg;
    int state_bits;      /* SW = E + 1 + F */
    int64_t vmax, vmin;  /* largest / smallest state: 2^(SW-1) - 1, -2^(SW-1) */
    int64_t dcut;        /* C(d) = 0 for d >= dcut; table has dcut entries */
    int32_t *tab;        /* C(d), d = 0 .. dcut-1, in units of 2^-F */
    int levels;          /* adder levels of the tree: ceil(log2 N) */
    lq_lval acc_pos, acc_neg;
    long beats;          /* beats since reset */
    uint64_t *cov;       /* optional (caller's, NULL by default): cov[min(d, dcut + 1)]
                          * counts the differences d seen by additions of two non-zero
                          * operands, for coverage reports */
} lq_logacc;

/* One input term. */
typedef struct {
    int zero;   /* 1: the term is zero (exp and sign ignored) */
    int sign;   /* 1: negative */
    int exp;    /* exponent, -2^(E-1) .. 2^(E-1)-1 (half steps when half) */
} lq_lterm;

/* Output at `last`: the positive and the negative sums. */
typedef struct {
    lq_lval pos, neg;
} lq_logacc_out;

/* 0 when cfg can be built; otherwise -1 and a message naming the offending value. */
int lq_logacc_check(const lq_logacc_cfg *cfg, char *msg, size_t msglen);
/* Check, derive constants and build the table (and reset). 0, or -1 with a message
 * (bad configuration, out of memory, or a table entry too close to a rounding tie). */
int lq_logacc_init(lq_logacc *m, const lq_logacc_cfg *cfg, char *msg, size_t msglen);
void lq_logacc_free(lq_logacc *m);
void lq_logacc_reset(lq_logacc *m);
/* One beat: cfg.lanes terms, lane 0 first. Returns 1 and fills *out on a `last` beat
 * (the state restarts from zero), else 0. */
int lq_logacc_step(lq_logacc *m, const lq_lterm *terms, int last, lq_logacc_out *out);

/* The pieces, for tests and the study. */
lq_lval lq_logacc_add(const lq_logacc *m, lq_lval a, lq_lval b);
/* The correction for difference d (d >= 0; integer difference for paper, fixed-point
 * difference for table). */
int64_t lq_logacc_corr_of(const lq_logacc *m, int64_t d);
/* A term as a state value of one sign's tree (zero unless the term is non-zero and of
 * that sign). */
lq_lval lq_logacc_term(const lq_logacc *m, lq_lterm t, int sign);
/* Reduce n values (n >= 1) by the documented tree: pairs (0,1), (2,3), ...; an odd
 * last element passes through; repeat. vals is overwritten. */
lq_lval lq_logacc_tree(const lq_logacc *m, lq_lval *vals, int n);
/* Table entry d computed in long double: round(2^F * log2(1 + 2^(-d/2^F))). Sets
 * *tie_dist to the distance of the unrounded value from the nearest .5. */
int64_t lq_logacc_table_entry(int frac, int64_t d, long double *tie_dist);
/* The value of v as a double: v / 2^F log2 units. */
double lq_lval_log2(const lq_logacc *m, lq_lval x);

const char *lq_logacc_corr_name(lq_logacc_corr c);
int lq_logacc_corr_parse(const char *s, lq_logacc_corr *out);

#endif
