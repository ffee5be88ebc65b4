/* The blocks of `logq gen` and `logq vectors`, one file each in gen/blocks/: each is
 * described by an lq_block (block.h) and gets its options, help, files, view,
 * packaging, bench and stimulus from the common driver (gen/blocks/block.c). */
#ifndef LOGQ_BLOCKS_H
#define LOGQ_BLOCKS_H

#include "cli.h"

struct lq_block_s;
extern const struct lq_block_s blk_mac;      /* gen/blocks/mac.c */
extern const struct lq_block_s blk_logacc;   /* gen/blocks/logacc.c */
extern const struct lq_block_s blk_slqdec;   /* gen/blocks/slqdec.c */
extern const struct lq_block_s blk_slqmac;   /* gen/blocks/slqmac.c */

/* The table of blocks (gen/blocks/blocks.c): `logq gen` and `logq vectors` look a
 * block up here; a new block adds one line there. */
typedef struct {
    const char *name;
    const struct lq_block_s *desc;
    const char *summary;
} blk_entry;

const blk_entry *blk_entry_find(const char *name);
const blk_entry *blk_entry_at(int i); /* NULL past the last */

#endif
