/* The blocks of `logq gen` and `logq vectors`, one file each in gen/blocks/: each is
 * described by an lq_block (block.h) and gets its options, help, files, view,
 * packaging, bench and stimulus from the common driver (gen/blocks/block.c). */
#ifndef LOGQ_BLOCKS_H
#define LOGQ_BLOCKS_H

#include "cmodel/logacc.h"
#include "cmodel/format.h"
#include "emit/emit.h"
#include "cli.h"

struct lq_block_s;

/* Blocks that contain another block's hardware reuse its emitter. */
/* The accumulator's NAME.v and NAME_add.v (gen/blocks/logacc.c), for logdot. */
int logacc_add_files(lq_fileset *fs, const lq_logacc_cfg *cfg, const char *name,
                     const char *pipeline, int given, const lq_cmd *c, int *stages);
/* The SLQ decoder module NAME into v (gen/blocks/slqdec.c), for slqdot. */
void slqdec_write(lq_file *v, int w, int l, lq_framing fr, const char *name, const lq_cmd *c);

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
