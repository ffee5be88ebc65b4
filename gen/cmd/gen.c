/* `logq gen BLOCK`: dispatch to the generator of one block (gen/blocks/blocks.c). */
#include "commands.h"
#include "blocks/block.h"
#include "blocks/blocks.h"

static void usage(FILE *fp)
{
    const blk_entry *e;
    fprintf(fp, "usage: logq gen BLOCK [options] -o DIR\n\nblocks:\n");
    for (int i = 0; (e = blk_entry_at(i)); i++)
        fprintf(fp, "  %-13s %s\n", e->name, e->summary);
    fprintf(fp, "\n'logq gen BLOCK --help' documents each block's options and files.\n");
}

int cmd_gen(const lq_cmd *c)
{
    return blk_dispatch(c, "gen", usage, blk_gen);
}
