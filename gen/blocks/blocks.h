/* The blocks of `logq gen` and `logq vectors`, one file each in gen/blocks/. A block
 * described by an lq_block (block.h) gets its options, help, files, view, packaging,
 * bench and stimulus from the common driver (gen/blocks/block.c). */
#ifndef LOGQ_BLOCKS_H
#define LOGQ_BLOCKS_H

#include "cmodel/logacc.h"
#include "cmodel/mac.h"
#include "emit/emit.h"
#include "cli.h"

struct lq_block_s;
extern const struct lq_block_s blk_mac;      /* gen/blocks/mac.c */
extern const struct lq_block_s blk_quant;    /* gen/blocks/quant.c */
extern const struct lq_block_s blk_logdot;   /* gen/blocks/logdot.c */

/* Blocks not yet described: their own command functions. */
int gen_logacc(const lq_cmd *c); /* gen/blocks/logacc.c */
int gen_slqdec(const lq_cmd *c); /* gen/blocks/slqdec.c */
int gen_slqmac(const lq_cmd *c); /* gen/blocks/slqmac.c */
int vectors_logacc(const lq_cmd *c); /* gen/blocks/vectors.c */
int vectors_slqdec(const lq_cmd *c);
int vectors_slqmac(const lq_cmd *c);
/* The accumulator's NAME.v and NAME_add.v for blocks that contain one (logdot):
 * gen/blocks/logacc.c. */
int logacc_add_files(lq_fileset *fs, const lq_logacc_cfg *cfg, const char *name,
                     const char *pipeline, const lq_cmd *c, int *stages);
/* The SLQ decoder module NAME into v, for blocks that contain decoders (slqdot):
 * gen/blocks/slqdec.c. */
void slqdec_write(lq_file *v, int w, int l, lq_framing fr, const char *name, const lq_cmd *c);
extern const struct lq_block_s blk_slqdot;   /* gen/blocks/slqdot.c */

/* The table of blocks (gen/blocks/blocks.c): `logq gen` and `logq vectors` look a
 * block up here. desc is NULL for a block that still has its own functions. */
typedef struct {
    const char *name;
    const struct lq_block_s *desc;
    int (*gen)(const lq_cmd *c);
    int (*vectors)(const lq_cmd *c);
    const char *summary;
} blk_entry;

const blk_entry *blk_entry_find(const char *name);
const blk_entry *blk_entry_at(int i); /* NULL past the last */

/* `logq gen NAME`, `logq vectors NAME`: argv[0] is the block's name. */
int blk_run_gen(const blk_entry *e, const lq_cmd *c);
int blk_run_vectors(const blk_entry *e, const lq_cmd *c);

#endif
