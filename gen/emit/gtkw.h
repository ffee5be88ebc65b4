/* A writer of GTKWave save files (.gtkw): which signals to show, grouped, with their
 * radix, an optional marker and the time span to fit in the window. Generators call
 * it to put a ready-made view beside their Verilog; the output is deterministic (no
 * date, no absolute path unless given). docs/waves.md shows the result. */
#ifndef LOGQ_GTKW_H
#define LOGQ_GTKW_H

#include <stdint.h>

#include "emit/emit.h"

typedef enum {
    GTKW_BIN,       /* binary (1-bit signals are drawn as lines whatever the radix) */
    GTKW_HEX,
    GTKW_DEC,       /* unsigned decimal */
    GTKW_SDEC,      /* signed (two's complement) decimal */
    GTKW_ANALOG     /* signed decimal drawn as a step plot, three rows high */
} gtkw_radix;

typedef struct {
    const char *name;    /* path below the view's top scope, e.g. "s_data" or "u0.acc" */
    int width;           /* bits; > 1 adds GTKWave's "[width-1:0]" */
    gtkw_radix radix;    /* of the signal, or of each lane when split (below) */
} gtkw_signal;

/* A packed bus to show lane by lane: the signal of that name (lane i at
 * [i*lane_bits +: lane_bits], lanes * lane_bits its width) becomes one row per lane,
 * NAME_laneI, a vector of the bus's bits in the signal's radix. */
typedef struct {
    const char *name;
    int lanes, lane_bits;
} gtkw_split;

typedef struct {
    const char *name;    /* group title; NULL or "": signals outside any group */
    const gtkw_signal *sig;
    int n;
} gtkw_group;

typedef struct {
    const char *dumpfile;      /* written as [dumpfile] when not NULL (keep it relative) */
    const char *top;           /* scope of the signals as the dump names it: the
                                  generated bench's "NAME_tb.dut" (docs/waves.md), or
                                  "TOP.NAME" for a Verilator harness; NULL: the signal
                                  names are full paths */
    const gtkw_group *groups;
    int ngroups;
    int64_t marker;            /* marker time in dump ticks; -1: none */
    uint64_t span;             /* time span in ticks to fit the window; 0: GTKWave's */
    const gtkw_split *splits;  /* the buses shown lane by lane (may be NULL) */
    int nsplits;
} gtkw_view;

/* Write the save file into f, starting with file_header() (c may be NULL: no header).
 * 0, or -1 with a message in err when the view is bad (a signal without a name or
 * with a width below 1, white space in a name or the top). */
int gtkw_write(lq_file *f, const gtkw_view *v, const lq_cmd *c, char *err, size_t errlen);

#endif
