/* The table of blocks (blocks.h): a new block adds its line here. */
#include "blocks/blocks.h"

#include <string.h>

#include "blocks/block.h"

static const blk_entry entries[] = {
    {"mac", &blk_mac, NULL, NULL, "N-lane multiply-accumulate array: shift, loglog or mult"},
    {"logacc", NULL, gen_logacc, vectors_logacc,
     "log-domain accumulator: max + correction (paper or table)"},
    {"slqdec", NULL, gen_slqdec, vectors_slqdec, "SLQ stream decoder: words in, shift-add terms out"},
    {"slqmac", NULL, gen_slqmac, vectors_slqmac, "successive shift-MAC for SLQ weights, N lanes"},
    {"quant", &blk_quant, NULL, NULL, "log quantizer: linear fixed point in, log codes out"},
    {"logdot", &blk_logdot, NULL, NULL, "log-domain dot product: log x log, logacc, linear result"},
    {"slqdot", &blk_slqdot, NULL, NULL, "SLQ dot product: decoders and a queued successive MAC"},
};

const blk_entry *blk_entry_at(int i)
{
    return i >= 0 && i < (int)(sizeof entries / sizeof entries[0]) ? &entries[i] : NULL;
}

const blk_entry *blk_entry_find(const char *name)
{
    for (const blk_entry *e = entries; e < entries + sizeof entries / sizeof entries[0]; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

int blk_run_gen(const blk_entry *e, const lq_cmd *c)
{
    return e->desc ? blk_gen(e->desc, c) : e->gen(c);
}

int blk_run_vectors(const blk_entry *e, const lq_cmd *c)
{
    return e->desc ? blk_vectors(e->desc, c) : e->vectors(c);
}
