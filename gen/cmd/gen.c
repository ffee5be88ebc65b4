/* `logq gen BLOCK`: dispatch to the generator of one block (gen/blocks/blocks.c). */
#include <string.h>

#include "commands.h"
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
    const blk_entry *e;
    lq_cmd sub;
    if (c->argc < 2) {
        usage(stderr);
        return LQ_EXIT_USAGE;
    }
    if (strcmp(c->argv[1], "--help") == 0 || strcmp(c->argv[1], "-h") == 0) {
        usage(stdout);
        return LQ_EXIT_OK;
    }
    if (!(e = blk_entry_find(c->argv[1]))) {
        cli_error("unknown block '%s'", c->argv[1]);
        usage(stderr);
        return LQ_EXIT_USAGE;
    }
    sub = *c;
    sub.argc = c->argc - 1;
    sub.argv = c->argv + 1;
    return blk_run_gen(e, &sub);
}
