/* The options that define a hardware quantizer (docs/quant.md), shared by
 * `logq gen quant` and `logq vectors quant` so both read a configuration the same
 * way (gen/blocks/quant.c). */
#ifndef LOGQ_QUANT_OPTS_H
#define LOGQ_QUANT_OPTS_H

#include "cli.h"
#include "cmodel/quanthw.h"

enum {
    QUANT_OPT_LANES = CLI_FMT_END + 1, QUANT_OPT_IN_BITS, QUANT_OPT_IN_SIGNED,
    QUANT_OPT_IN_UNSIGNED, QUANT_OPT_IN_LSB, QUANT_OPT_RELU, QUANT_OPT_PIPELINE,
    QUANT_OPT_NAME, QUANT_OPT_END
};
#define QUANT_OPTIONS                                                        \
    CLI_FORMAT_OPTIONS,                                                      \
    {"lanes", required_argument, 0, QUANT_OPT_LANES},                        \
    {"in-bits", required_argument, 0, QUANT_OPT_IN_BITS},                    \
    {"in-signed", no_argument, 0, QUANT_OPT_IN_SIGNED},                      \
    {"in-unsigned", no_argument, 0, QUANT_OPT_IN_UNSIGNED},                  \
    {"in-lsb", required_argument, 0, QUANT_OPT_IN_LSB},                      \
    {"relu", no_argument, 0, QUANT_OPT_RELU},                                \
    {"pipeline", required_argument, 0, QUANT_OPT_PIPELINE},                  \
    {"name", required_argument, 0, QUANT_OPT_NAME}

enum { QUANT_STAGE_INPUT = 1, QUANT_STAGE_NORM = 2 }; /* register-stage bits */

typedef struct {
    lq_qhw_cfg cfg;
    const char *name;      /* module and file name */
    const char *pipeline;  /* the --pipeline text */
    int stages;            /* QUANT_STAGE_* bits */
    int nstages;           /* register stages before the output register */
    int have_lsb;          /* --in-lsb given; else 1 - A (signed) or -A (unsigned) */
    int slq_option;        /* an SLQ-only format option was given (refused) */
    char slq_name[16];
} quant_opts;

/* The documented defaults: 16 lanes of signed 8-bit fractions (LSB 2^-7: the linear
 * code of FSR 0) to signed 5-bit log2 codes, FSR 0, nearest, pipeline norm. */
void quant_opts_init(quant_opts *o);
/* One option: 1 handled, 0 not a quantizer option, -1 bad value (message printed). */
int quant_option(quant_opts *o, int ch, const char *arg);
/* Check the whole configuration and parse --pipeline: 0, or -1 (message printed). */
int quant_opts_finish(quant_opts *o);

#endif
