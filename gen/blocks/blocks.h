/* The blocks of `logq gen` and `logq vectors`, one file each in gen/blocks/: each is
 * described by an lq_block (block.h) and gets its options, help, files, view,
 * packaging, bench and stimulus from the common driver (gen/blocks/block.c). */
#ifndef LOGQ_BLOCKS_H
#define LOGQ_BLOCKS_H

#include "cli.h"

struct lq_block_s;

/* The table of blocks (gen/blocks/blocks.c): `logq gen` and `logq vectors` look a
 * block up here; a new block adds its line (and its extern) there, nothing else. */
typedef struct {
    const char *name;
    const struct lq_block_s *desc;
    const char *summary;
} blk_entry;

const blk_entry *blk_entry_find(const char *name);
const blk_entry *blk_entry_at(int i); /* NULL past the last */

#endif
