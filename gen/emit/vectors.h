/* The vector files of `logq vectors` (gen/emit/vectors.c), shared by every block's
 * stimulus: packed hex words, stalls, the common options and files (docs/xsim.md). */
#ifndef LOGQ_VECTORS_H
#define LOGQ_VECTORS_H

#include <getopt.h>
#include <stdint.h>

#include "cmodel/mac.h"
#include "cmodel/rng.h"
#include "emit/emit.h"
#include "emit/tb_icarus.h"

/* A packed word, one byte per bit (in[0] in the LSBs). Room for the widest beat or
 * item of any block: the MAC's 2 * 64 * 32 + 1 input bits, slqmac's 64 lanes of a
 * 64-bit accumulator plus 64 error flags. */
typedef struct {
    unsigned char bit[2 * LQ_MAC_LANES_MAX * LQ_MAC_ACT_BITS_MAX + 64 * 64 + 64];
    int n;
} bitword;

void bw_put(bitword *b, uint64_t v, int width);
void bw_hex(lq_file *f, const bitword *b);

/* The common output files and the stall generator. */
typedef struct {
    lq_file *in, *gap, *rdy, *out;
    long nin, nout;
    lq_rng rng;
    int stall;      /* --stall PCT */
    int phased;     /* 1: stalls in phases of 128 beats (valid %, ready %), as the
                       Verilator benches of logacc/slqdec do; 0: the MAC's uniform rule */
    int pv;         /* phased: the current percentage of beats offered without a gap */
    int wrong;      /* --wrong-model for blocks without a model switch: every fifth
                       output item has its lowest bit flipped */
    long nt;        /* side beats (t.hex), when the block has side streams */
} vec_out;

/* A random integer in [0, n), n >= 1, from the vectors' generator. */
long vec_rnd(vec_out *v, long n);
/* A malformed SLQ word stream for the decoder benches: one of the nw words (nw >= 1)
 * replaced by random `bits`-bit word, dropped or repeated (words has room for one
 * more); a stream left empty becomes one zero word. Returns the new count. */
int vec_corrupt_words(vec_out *v, uint32_t *words, int nw, int bits);

/* Idle cycles before the next beat (gap.hex). */
void vec_gap(vec_out *v);
/* One expected output item (out.hex), after --wrong-model's corruption. */
void vec_item(vec_out *v, bitword *b);

/* Options every block takes. */
typedef struct {
    const char *dir;
    int count, stall, wrong, exhaustive;
    unsigned long long seed;
} vec_common;

enum { VEC_OPT_BASE = 3000, VEC_OPT_COUNT = VEC_OPT_BASE, VEC_OPT_SEED, VEC_OPT_STALL,
       VEC_OPT_EXHAUSTIVE, VEC_OPT_WRONG };
#define VEC_COMMON_OPTIONS                                                    \
    {"count", required_argument, 0, VEC_OPT_COUNT},                           \
    {"seed", required_argument, 0, VEC_OPT_SEED},                             \
    {"stall", required_argument, 0, VEC_OPT_STALL},                           \
    {"exhaustive", no_argument, 0, VEC_OPT_EXHAUSTIVE},                       \
    {"wrong-model", no_argument, 0, VEC_OPT_WRONG},                           \
    {"out", required_argument, 0, 'o'}

/* ch one of the common options: 1 (handled), -1 (bad value, message printed);
 * anything else: 0. */
int vec_common_option(int ch, const char *arg, vec_common *o);

/* Write the files of one block: begin() opens in/gap/rdy/out with their headers,
 * finish() adds rdy.hex, count.hex, vectors.vh and the bench, commits them and prints
 * the summary. Both return an exit status (LQ_EXIT_OK when all went well). */
int vec_begin(vec_out *v, lq_fileset *fs, const vec_common *o, int phased, const lq_cmd *c);
int vec_finish(vec_out *v, lq_fileset *fs, const vec_common *o, const tb_desc *d,
               const lq_cmd *c);
/* finish() but the bench and the commit (`logq gen --tb` writes the default vectors
 * beside the block): on failure the set is freed. */
int vec_write(vec_out *v, lq_fileset *fs, const vec_common *o, const tb_desc *d,
              const lq_cmd *c);
/* The file names of a vector set, in the order written: begin()'s before the block's
 * own (slqmac's t.hex ...), finish()'s after (the bench last, when finish writes it). */
extern const char *const vec_head_files[4];
extern const char *const vec_tail_files[2];
/* The defaults of `logq vectors` (200 vectors, seed 1, 30 % stalls). */
extern const vec_common vec_defaults;

#endif
