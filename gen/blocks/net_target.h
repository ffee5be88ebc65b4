/* `logq gen net --target`: what an FPGA part decides about the network (docs/net.md,
 * "Targets"): how the weight ROMs map to its block RAMs, whether the int8 baseline's
 * multipliers go to its DSP blocks, and the synthesis and place-and-route commands
 * NAME.txt records. Only resources the generator knows exactly before synthesis
 * (block RAMs, multipliers) are checked; LUTs are not (they come from Yosys). */
#ifndef LOGQ_NET_TARGET_H
#define LOGQ_NET_TARGET_H

#include "emit/emit.h"

enum { NET_TARGET_SHAPES_MAX = 6 };

typedef struct {
    const char *name;       /* the --target value */
    const char *part;       /* the part and package, in words */
    int luts;               /* logic cells (LUT4s) of the part, for the notes */
    int bram;               /* block RAMs */
    int bram_bits;          /* bits of one (data bits: 4096 iCE40 EBR, 18432 ECP5 DP16KD) */
    int nshapes;            /* read-port shapes of one block: depth x width */
    int depth[NET_TARGET_SHAPES_MAX], width[NET_TARGET_SHAPES_MAX];
    int dsp;                /* multiplier blocks (one int8 product each) */
    const char *bram_name, *dsp_name;
    const char *synth_dsp, *synth_nodsp; /* Yosys commands (before -top) */
    const char *family_dsp, *family_nodsp; /* the same as scripts/synth.sh families */
    const char *pnr;        /* place and route, NAME for the design's name */
    const char *device;     /* scripts/synth.sh --devices name */
} net_target;

/* The target called name, or NULL (then the message lists the known ones). "none"
 * is the generic target: iCE40 block shapes, no checks, no commands. */
const net_target *net_target_find(const char *name);
/* The names, comma separated, for messages and the help. */
const char *net_target_names(void);
/* Block RAMs of one target for a ROM of depth words of width bits: the fewest over
 * its shapes (each shape tiled depth-wise and width-wise). */
long net_target_blocks(const net_target *t, long depth, long width);

/* What the generator decided, for NAME.txt: the part, the ROMs, the multipliers and
 * the commands (files: the Verilog sources in compile order). */
typedef struct {
    int nlayers;
    long rom_depth[8], rom_width[8], rom_blocks[8]; /* rom_blocks 0: in logic */
    int mults;      /* linear-engine multipliers (SIMD x PE over the int8 layers) */
    int use_dsp;    /* the multipliers (if any) are mapped to DSP blocks */
} net_target_use;

void net_target_notes(lq_file *f, const net_target *t, const net_target_use *u, const char *name,
                      const char *const *files, int nfiles);

#endif
