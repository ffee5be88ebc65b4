/* Companion files for a generated block, so it drops into existing flows: a FuseSoC
 * CAPI2 core, file lists for Verilator, Icarus and vendor tools, and a plain-text
 * summary of the ports and the latency. docs/fpga.md describes each file. */
#ifndef LOGQ_PACKAGE_H
#define LOGQ_PACKAGE_H

#include "emit/emit.h"

typedef enum { LQ_PORT_IN, LQ_PORT_OUT } lq_port_dir;

/* One port of the top module. */
typedef struct {
    const char *name;
    lq_port_dir dir;
    int width;             /* bits, >= 1 */
    const char *desc;      /* one line, may be NULL */
} lq_port;

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

/* The same for a block whose streams tb_desc already describes (gen/emit/tb_icarus.h):
 * the ports are clk, rst, then every stream's valid, ready and data ports, so each
 * generator states its ports once. */
struct tb_desc_s;
int package_add_block(lq_fileset *s, const struct tb_desc_s *d, const char *const *files,
                      int nfiles, int latency, const char *summary, const lq_cmd *c);

#endif
