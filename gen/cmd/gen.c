/* `logq gen BLOCK`: dispatch to the generator of one block. */
#include <string.h>

#include "commands.h"
#include "blocks/blocks.h"

static const struct {
    const char *name;
    int (*run)(const lq_cmd *);
    const char *summary;
} blocks[] = {
    {"mac", gen_mac, "N-lane multiply-accumulate array: shift, loglog or mult"},
    {"logacc", gen_logacc, "log-domain accumulator: max + correction (paper or table)"},
    {"slqdec", gen_slqdec, "SLQ stream decoder: words in, shift-add terms out"},
    {"slqmac", gen_slqmac, "successive shift-MAC for SLQ weights, N lanes"},
    {"quant", gen_quant, "log quantizer: linear fixed point in, log codes out"},
    {"net", gen_net, "a dense network: ROMs, folded MAC engines, bias, ReLU, re-quantizer, argmax"},
};
enum { NBLOCKS = sizeof blocks / sizeof blocks[0] };

static void usage(FILE *fp)
{
    fprintf(fp, "usage: logq gen BLOCK [options] -o DIR\n\nblocks:\n");
    for (int i = 0; i < NBLOCKS; i++)
        fprintf(fp, "  %-13s %s\n", blocks[i].name, blocks[i].summary);
    fprintf(fp, "\n'logq gen BLOCK --help' documents each block's options.\n");
}

int cmd_gen(const lq_cmd *c)
{
    lq_cmd sub;
    if (c->argc < 2) {
        usage(stderr);
        return LQ_EXIT_USAGE;
    }
    if (strcmp(c->argv[1], "--help") == 0 || strcmp(c->argv[1], "-h") == 0) {
        usage(stdout);
        return LQ_EXIT_OK;
    }
    for (int i = 0; i < NBLOCKS; i++) {
        if (strcmp(c->argv[1], blocks[i].name) != 0)
            continue;
        sub = *c;
        sub.argc = c->argc - 1;
        sub.argv = c->argv + 1;
        return blocks[i].run(&sub);
    }
    cli_error("unknown block '%s'", c->argv[1]);
    usage(stderr);
    return LQ_EXIT_USAGE;
}
