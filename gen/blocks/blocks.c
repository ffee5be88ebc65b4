/* The table of blocks (blocks.h): a new block adds its line here. */
#include "blocks/blocks.h"

#include <string.h>

#include "blocks/block.h"

extern const lq_block blk_mac;    /* gen/blocks/mac.c */
extern const lq_block blk_logacc; /* gen/blocks/logacc.c */
extern const lq_block blk_slqdec; /* gen/blocks/slqdec.c */
extern const lq_block blk_slqmac; /* gen/blocks/slqmac.c */
extern const lq_block blk_quant;  /* gen/blocks/quant.c */
extern const lq_block blk_logdot; /* gen/blocks/logdot.c */
extern const lq_block blk_slqdot; /* gen/blocks/slqdot.c */

static const blk_entry entries[] = {
    {"mac", &blk_mac, "N-lane multiply-accumulate array: shift, loglog or mult"},
    {"logacc", &blk_logacc, "log-domain accumulator: max + correction (paper or table)"},
    {"slqdec", &blk_slqdec, "SLQ stream decoder: words in, shift-add terms out"},
    {"slqmac", &blk_slqmac, "successive shift-MAC for SLQ weights, N lanes"},
    {"quant", &blk_quant, "log quantizer: linear fixed point in, log codes out"},
    {"logdot", &blk_logdot, "log-domain dot product: log x log, logacc, linear result"},
    {"slqdot", &blk_slqdot, "SLQ dot product: decoders and a queued successive MAC"},
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
