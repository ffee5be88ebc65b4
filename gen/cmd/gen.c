/* `logq gen BLOCK`: dispatch to the generator of one block (gen/blocks/blocks.c), or
 * to `logq gen net`, which composes blocks into a whole network (gen/blocks/net.c):
 * it reads a weight file rather than stream options, so it has its own command
 * function instead of a block descriptor. */
#include <string.h>

#include "commands.h"
#include "blocks/block.h"
#include "blocks/blocks.h"

static const char net_summary[] =
    "a dense network: ROMs, folded MAC engines, bias, ReLU, re-quantizer, argmax";

static void usage(FILE *fp)
{
    const blk_entry *e;
    fprintf(fp, "usage: logq gen BLOCK [options] -o DIR\n\nblocks:\n");
    for (int i = 0; (e = blk_entry_at(i)); i++)
        fprintf(fp, "  %-13s %s\n", e->name, e->summary);
    fprintf(fp, "  %-13s %s\n", "net", net_summary);
    fprintf(fp, "\n'logq gen BLOCK --help' documents each block's options and files.\n");
}

int cmd_gen(const lq_cmd *c)
{
    if (c->argc >= 2 && strcmp(c->argv[1], "net") == 0) {
        lq_cmd sub = *c;
        sub.argc = c->argc - 1;
        sub.argv = c->argv + 1;
        return gen_net(&sub);
    }
    return blk_dispatch(c, "gen", usage, blk_gen);
}
