/* The options that define a log-domain dot product (docs/logdot.md), shared by
 * `logq gen logdot` and `logq vectors logdot` (gen/blocks/logdot.c). */
#ifndef LOGQ_LOGDOT_OPTS_H
#define LOGQ_LOGDOT_OPTS_H

#include "cli.h"
#include "cmodel/logdot.h"

enum {
    LOGDOT_OPT_LANES = 1, LOGDOT_OPT_BASE, LOGDOT_OPT_BITS, LOGDOT_OPT_FSR,
    LOGDOT_OPT_SIGNED, LOGDOT_OPT_UNSIGNED, LOGDOT_OPT_ACT_BITS, LOGDOT_OPT_ACT_FSR,
    LOGDOT_OPT_ACT_SIGNED, LOGDOT_OPT_ACT_UNSIGNED, LOGDOT_OPT_CORR, LOGDOT_OPT_FRAC,
    LOGDOT_OPT_TABLE_BITS, LOGDOT_OPT_OUT_FRAC, LOGDOT_OPT_OUT_BITS, LOGDOT_OPT_PIPELINE,
    LOGDOT_OPT_NAME, LOGDOT_OPT_END
};
#define LOGDOT_OPTIONS                                                       \
    {"lanes", required_argument, 0, LOGDOT_OPT_LANES},                       \
    {"base", required_argument, 0, LOGDOT_OPT_BASE},                         \
    {"bits", required_argument, 0, LOGDOT_OPT_BITS},                         \
    {"fsr", required_argument, 0, LOGDOT_OPT_FSR},                           \
    {"signed", no_argument, 0, LOGDOT_OPT_SIGNED},                           \
    {"unsigned", no_argument, 0, LOGDOT_OPT_UNSIGNED},                       \
    {"act-bits", required_argument, 0, LOGDOT_OPT_ACT_BITS},                 \
    {"act-fsr", required_argument, 0, LOGDOT_OPT_ACT_FSR},                   \
    {"act-signed", no_argument, 0, LOGDOT_OPT_ACT_SIGNED},                   \
    {"act-unsigned", no_argument, 0, LOGDOT_OPT_ACT_UNSIGNED},               \
    {"correction", required_argument, 0, LOGDOT_OPT_CORR},                   \
    {"frac", required_argument, 0, LOGDOT_OPT_FRAC},                         \
    {"table-bits", required_argument, 0, LOGDOT_OPT_TABLE_BITS},             \
    {"out-frac", required_argument, 0, LOGDOT_OPT_OUT_FRAC},                 \
    {"out-bits", required_argument, 0, LOGDOT_OPT_OUT_BITS},                 \
    {"pipeline", required_argument, 0, LOGDOT_OPT_PIPELINE},                 \
    {"name", required_argument, 0, LOGDOT_OPT_NAME}

typedef struct {
    lq_logdot_cfg cfg;
    const char *name;
    const char *pipeline;  /* the accumulator's --pipeline (gen logacc) */
} logdot_opts;

/* Defaults: 16 lanes, signed 5-bit log2 activations and weights (FSR 0), table
 * correction with F = 8, R = 16, a 32-bit result with 16 fraction bits, tree:2. */
void logdot_opts_init(logdot_opts *o);
/* One option: 1 handled, 0 not a logdot option, -1 bad value (message printed). */
int logdot_option(logdot_opts *o, int ch, const char *arg);
/* Check the combination: 0, or -1 (message printed). */
int logdot_opts_finish(logdot_opts *o);
/* Cycles from the last beat to m_valid (the accumulator's stages + 2), or -1 with a
 * message (a bad --pipeline). */
int logdot_latency(const logdot_opts *o);

#endif
