/* The self-checking Verilog-2005 test bench of a generated block (docs/xsim.md).
 *
 * Every block has one input stream and one output stream with valid/ready; a beat
 * of the input is the concatenation of its data ports (in[0] in the LSBs), an item
 * of the output likewise. The top bit of an input beat is its `last`. `logq vectors` writes the beats, the stalls and the
 * expected items as hex files; the bench reads them with $readmemh, drives the
 * block cycle by cycle, checks every output item and every output for X/Z after the
 * reset, counts what it checked against the counts in the files, and ends with
 * PASSED or FAILED (exit status 0 / 1 under Icarus, $stop under Verilator). The
 * same bench runs under Icarus and under `verilator --binary --timing`, so the two
 * dumps of one vector set are comparable port by port. */
#ifndef LOGQ_TB_ICARUS_H
#define LOGQ_TB_ICARUS_H

#include "cmodel/mac.h"
#include "emit/emit.h"

enum { TB_MAX_PORTS = 8 };

typedef struct {
    const char *name;
    int width;  /* the bits of the beat (of a lane, for side ports) */
    int pad;    /* bits of the port above them (of each lane), left at zero */
} tb_port;

typedef struct tb_desc_s {
    const char *block;        /* "mac": the `logq vectors` block name */
    const char *module;       /* the DUT's module name (NAME) */
    const char *in_valid, *in_ready;
    tb_port in[TB_MAX_PORTS]; /* data ports of an input beat, in[0] in the LSBs */
    int nin;
    const char *out_valid, *out_ready;
    tb_port out[TB_MAX_PORTS];/* data ports of an output item, out[0] in the LSBs */
    int nout;
    int out_data_reset;       /* 1: the output data are reset, checked for X every
                                 cycle; 0: only while out_valid */
    int out_per_vector;       /* 1: one output item per input vector (the beat with
                                 the top input bit, `last`, closes a vector) */
    const char *out_last;     /* out_per_vector = 0: the output port (of out[]) that is 1
                                 on a vector's last item (slqdec m_vlast), so +midreset
                                 can resend a vector; NULL: none */
    int out_last_bit;         /* its bit in an output item (the block's own port order,
                                 which a wrapper's TDATA/TUSER/TLAST item keeps) */
    int latency;              /* cycles, for the deadlock timeout */
    /* Optional lanes of a second kind of input stream (slqmac: one term stream per
     * lane), packed into vector ports: lane k's valid is side_valid[k], its ready
     * side_ready[k], its field i side[i].name[k*w +: w] with w = side[i].width. Their
     * beats come from t.hex (all lanes, lane k from line toff.hex[k]), their idle
     * cycles from tgap.hex. nsides = 0: none (the bench is as without them). */
    int nsides;
    const char *side_valid, *side_ready;
    tb_port side[TB_MAX_PORTS];
    int nside;
    const char *reset;        /* the reset port; NULL: rst (active high) */
    const char *out_one;      /* an output that is 1 with every item (a constant
                                 TLAST, checked), or NULL */
    int reset_low;            /* 1: it is active low (aresetn) */
    int side_restart;         /* 1: tstart.hex gives every vector's first beat in each
                                 side lane (line v*NS + k: lane k's beat index from
                                 toff[k]), so +midreset can resend a vector */
} tb_desc;

/* Width of the packed input beat / output item. */
int tb_in_bits(const tb_desc *d);
int tb_out_bits(const tb_desc *d);
int tb_side_bits(const tb_desc *d);

/* Add NAME_tb.v to fs. 0, or -1 (out of memory / too many files; message printed). */
int tb_icarus_write(lq_fileset *fs, const tb_desc *d, const lq_cmd *c);

/* The MAC's ports (gen/blocks/mac.c, from its descriptor). A bench beside the Verilog:
 *   tb_desc d; tb_desc_mac(&d, name, &cfg, &wd); tb_icarus_write(&fs, &d, cmd); */
void tb_desc_mac(tb_desc *d, const char *name, const lq_mac_config *cfg, const lq_mac_widths *wd);
#endif
