/* Companion files for a generated block, so it drops into existing flows: a FuseSoC
 * CAPI2 core, file lists for Verilator, Icarus and vendor tools, and a plain-text
 * summary of the ports and the latency. docs/fpga.md describes each file. */
#ifndef LOGQ_PACKAGE_H
#define LOGQ_PACKAGE_H

#include "emit/emit.h"

typedef enum { LQ_PORT_IN, LQ_PORT_OUT } lq_port_dir;

/* What a port does in its stream (zero: plain data). The bench and the views follow
 * the roles: an input beat is the stream's DATA ports in declaration order, LSB
 * first, with its LAST port on top; an output item is its DATA ports likewise. */
typedef enum {
    LQ_ROLE_DATA = 0, LQ_ROLE_LAST, LQ_ROLE_VALID, LQ_ROLE_READY, LQ_ROLE_CLOCK, LQ_ROLE_RESET
} lq_port_role;
typedef enum { LQ_STREAM_NONE = 0, LQ_STREAM_IN, LQ_STREAM_SIDE, LQ_STREAM_OUT } lq_stream;
/* Which AXI4-Stream signal carries a data port under --interface axis
 * (docs/interfaces.md); a port with role LQ_ROLE_LAST is TLAST whatever this says. */
typedef enum { LQ_AXIS_TDATA = 0, LQ_AXIS_TUSER, LQ_AXIS_TLAST } lq_axis_sig;

/* A field of one lane (or of a whole port): bits [lsb + width - 1 : lsb]. */
typedef struct {
    const char *name;
    int lsb, width;
} lq_field;

enum { LQ_PORT_FIELDS_MAX = 8 };

/* One port of the top module, as data: the block's descriptor states it once and
 * NAME.txt, NAME.h, the .gtkw view and the bench are written from it. Only name,
 * dir and width are required; the rest is zero when it does not apply. */
typedef struct {
    const char *name;
    lq_port_dir dir;
    int width;             /* bits, >= 1 */
    const char *desc;      /* one line, may be NULL */
    lq_port_role role;
    lq_stream stream;
    int is_signed;         /* two's complement (each lane's, when packed) */
    int lanes;             /* >= 1 with lane_bits: a packed bus, lane i at
                              [i*lane_bits +: lane_bits], lane 0 in the LSBs */
    int lane_bits;
    lq_field fields[LQ_PORT_FIELDS_MAX]; /* of one lane (of the port when not packed),
                                            LSB first */
    int nfields;
    int has_lsb;           /* 1: bit 0 (of each lane) is worth 2^lsb_exp */
    int lsb_exp;
    lq_axis_sig axis;      /* --interface axis: TDATA (default), TUSER (a side-band
                              flag) or TLAST */
    int pad;               /* zero bits at the top (of each lane) that carry nothing:
                              AXI4-Stream TDATA is whole bytes */
    int active_low;        /* a reset that is active at 0 (aresetn) */
    int count_framed;      /* an input stream's valid: the block frames the stream by
                              counting beats and has no last port; under axis the
                              wrapper takes a TLAST it does not read */
} lq_port;

/* The layout of a port in words: "16 x 5 bits, lane i at [i*5 +: 5] = {sign,
 * mag[3:0]}, signed, LSB 2^-3"; "1 bit" for a single bit. Returns buf. */
char *lq_port_layout(const lq_port *p, char *buf, size_t len);

/* What the companion files describe. */
typedef struct {
    const char *name;      /* block (and file) name: NAME.core, NAME.vc, ... */
    const char *top;       /* top module */
    const char *summary;   /* one line for the core's description, may be NULL */
    const char *const *files; /* Verilog files in compile order, relative to the
                                 output directory (dependencies first) */
    int nfiles;
    const lq_port *ports;
    int nports;
    int latency;           /* cycles from an accepted input to its output; < 0: data
                              dependent (the SLQ blocks) */
} lq_package;

/* Add NAME.core, NAME.vc, NAME.icarus.f, NAME.vendor.f and NAME.txt to the set, each
 * with file_header(c). 0, or -1 (message printed: a bad description, or the set is
 * full or out of memory). */
int package_add(lq_fileset *s, const lq_package *p, const lq_cmd *c);
/* The same for a block with its self-checking bench (NAME_tb.v) and the vector files
 * it reads (vectors.vh among them) beside it: the core gets a sim target that runs
 * the bench on them. */
int package_add_bench(lq_fileset *s, const lq_package *p, const char *bench,
                      const char *const *vectors, int nvectors, const lq_cmd *c);

/* The port layout as C macros, for NAME.h: for each data or packed port
 * PFX_PORT_<NAME>_BITS,
 * _SIGNED, _LSB_EXP (when stated), _LANES and _LANE_BITS (packed buses) and, for
 * each field of a lane, _<FIELD>_LSB and _<FIELD>_BITS. */
void package_port_macros(lq_file *f, const char *pfx, const lq_port *p, int n);

/* The suffixes of those files in the order package_add writes them (".core", ...),
 * i from 0, and what each holds (*what, when what is not NULL); NULL past the last.
 * The help texts list the files from this. */
const char *package_file_suffix(int i, const char **what);

#endif
