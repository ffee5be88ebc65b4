/* The top wrapper of a described block (docs/interfaces.md). Around the block's own
 * top, generated unchanged under the name NAME_core, the wrapper NAME
 *   - maps every stream to one AXI4-Stream interface (--interface axis): TVALID,
 *     TREADY, TDATA (the stream's data ports, LSB first, padded with zeros to whole
 *     bytes), TUSER (its side-band flags, when it has any) and TLAST (an input the
 *     block frames by count, lq_port.count_framed: a TLAST it does not read);
 *   - takes the reset at the polarity asked for (--reset sync-low: aresetn);
 *   - puts a skid buffer (NAME_skid) on every input stream (--skid), so that each
 *     input's ready is a register output.
 * Everything is read from the block's ports as data (lq_port), and the wrapper's own
 * ports are data again: NAME.txt, NAME.h, the view, the .core and the bench are
 * written from them by the driver (gen/blocks/block.c) and by gen net
 * (gen/blocks/net.c). */
#ifndef LOGQ_WRAP_H
#define LOGQ_WRAP_H

#include "emit/emit.h"
#include "emit/package.h"

typedef struct {
    int axis;       /* --interface axis */
    int reset_low;  /* --reset sync-low: aresetn, active low */
    int skid;       /* --skid */
} wrap_opts;

/* 1 when o asks for anything but the block's own top (native, sync-high, no skid). */
int wrap_active(const wrap_opts *o);

enum { WRAP_PORTS_MAX = 32, WRAP_STREAMS_MAX = 3, WRAP_MEMBERS_MAX = 12 };

/* One stream of the core and how the wrapper carries it. Indices are into the core's
 * ports (valid, ready, member) or the top's (t*); -1: none. */
typedef struct {
    lq_stream kind;
    int in;                        /* the block receives it */
    int lanes;                     /* > 0: that many independent lanes (one valid and
                                      ready bit each, the side streams); 0: one */
    int valid, ready;
    int member[WRAP_MEMBERS_MAX];  /* the data ports in beat order: TDATA, TUSER, TLAST */
    int nmember, ndata, nuser, last;
    int dbits, pad, ubits, bits;   /* of one lane: TDATA's used bits and zero padding,
                                      TUSER's bits, the whole beat */
    char key[24];                  /* "s_act": the core's valid port without "_valid" */
    int tvalid, tready, tdata, tuser, tlast;
} wrap_stream;

typedef struct {
    wrap_opts o;
    const lq_port *core;
    int ncore;
    lq_port top[WRAP_PORTS_MAX];
    int ntop;
    char names[WRAP_PORTS_MAX][48];
    char descs[WRAP_PORTS_MAX][160];
    wrap_stream s[WRAP_STREAMS_MAX];
    int ns;
} wrap_top;

/* The top's ports from the core's (core must outlive t). 0, or -1 with a message. */
int wrap_build(wrap_top *t, const wrap_opts *o, const lq_port *core, int ncore);
/* NAME.v: NAME_skid (with --skid) and the wrapper `top` around module `core`. */
void wrap_write_v(lq_file *f, const wrap_top *t, const char *top, const char *core,
                  const lq_cmd *c);
/* The top's latency from the core's (cycles; < 0: data dependent, returned as is):
 * the skid buffer's output register adds one cycle; t NULL (no wrapper): the core's. */
int wrap_latency(const wrap_top *t, int core_latency);
/* NAME.h: includes core_h (the block's parameters), then the wrapper's options, its
 * latency (NAME_TOP_LATENCY, wrap_latency of core_latency; left out when data
 * dependent; _TOP_ as some cores' headers have a fixed prefix, QUANT_LATENCY)
 * and its ports' layout macros (prefix: NAME in upper case). */
void wrap_write_h(lq_file *f, const wrap_top *t, const char *top, const char *core_h,
                  int core_latency, const lq_cmd *c);
/* The lines NAME.txt adds after its port table: the options and, under axis, which
 * bits of each TDATA and TUSER hold which of the block's ports (their own layout). */
void wrap_write_txt(lq_file *f, const wrap_top *t, const char *core);

#endif
