/* The blocks of `logq gen` and `logq vectors`, one file each in gen/blocks/: each is
 * described by an lq_block (block.h) and gets its options, help, files, view,
 * packaging, bench and stimulus from the common driver (gen/blocks/block.c). */
#ifndef LOGQ_BLOCKS_H
#define LOGQ_BLOCKS_H

#include "cmodel/logacc.h"
#include "cmodel/format.h"
#include "emit/emit.h"
#include "cmodel/mac.h"
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

/* The MAC array of cfg as module `name`, the text `logq gen mac` writes to NAME.v,
 * and its latency (gen/blocks/mac.c), for gen net. given: the pipeline was written by
 * the user (a tree:k beyond the array's levels is refused; the default's is clipped,
 * as for gen mac). 0, or -1 (message printed). */
int mac_emit_module(lq_file *f, const lq_mac_config *cfg, const char *name,
                    const char *pipeline, int given, const lq_cmd *c, int *latency);
/* `logq gen net` (gen/blocks/net.c): a whole network, dispatched by gen/cmd/gen.c. */
int gen_net(const lq_cmd *c);

#endif
