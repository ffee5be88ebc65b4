/* The block generators of `logq gen`, one file each. */
#ifndef LOGQ_GEN_H
#define LOGQ_GEN_H

#include "cmodel/mac.h"
#include "cli.h"
#include "emit/emit.h"

int gen_mac(const lq_cmd *c); /* gen/blocks/mac.c */
int gen_logacc(const lq_cmd *c); /* gen/blocks/logacc.c */
int gen_slqdec(const lq_cmd *c); /* gen/blocks/slqdec.c */
int gen_slqmac(const lq_cmd *c); /* gen/blocks/slqmac.c */
int gen_quant(const lq_cmd *c); /* gen/blocks/quant.c */

/* The options that define a MAC array, shared by `logq gen mac` and `logq vectors
 * mac` so both read a configuration the same way (gen/blocks/mac.c, docs/mac.md). */
enum {
    MAC_OPT_MODE = CLI_FMT_END + 1, MAC_OPT_BASE, MAC_OPT_LANES, MAC_OPT_ACT_BITS,
    MAC_OPT_ACT_FSR, MAC_OPT_ACT_SIGNED, MAC_OPT_ACT_UNSIGNED, MAC_OPT_SQRT2_FRAC,
    MAC_OPT_FRAC, MAC_OPT_MAX_BEATS, MAC_OPT_PIPELINE, MAC_OPT_NAME, MAC_OPT_END
};
#define MAC_OPTIONS                                                          \
    CLI_FORMAT_OPTIONS,                                                      \
    {"mode", required_argument, 0, MAC_OPT_MODE},                            \
    {"base", required_argument, 0, MAC_OPT_BASE},                            \
    {"lanes", required_argument, 0, MAC_OPT_LANES},                          \
    {"act-bits", required_argument, 0, MAC_OPT_ACT_BITS},                    \
    {"act-fsr", required_argument, 0, MAC_OPT_ACT_FSR},                      \
    {"act-signed", no_argument, 0, MAC_OPT_ACT_SIGNED},                      \
    {"act-unsigned", no_argument, 0, MAC_OPT_ACT_UNSIGNED},                  \
    {"sqrt2-frac", required_argument, 0, MAC_OPT_SQRT2_FRAC},                \
    {"frac", required_argument, 0, MAC_OPT_FRAC},                            \
    {"max-beats", required_argument, 0, MAC_OPT_MAX_BEATS},                  \
    {"pipeline", required_argument, 0, MAC_OPT_PIPELINE},                    \
    {"name", required_argument, 0, MAC_OPT_NAME}

typedef struct {
    lq_mac_config cfg;
    const char *name;      /* module and file name */
    const char *pipeline;  /* the --pipeline text */
    int act_bits, act_fsr, have_act_fsr, act_signed;
} mac_opts;

/* The documented defaults: 16-lane shift array, 8-bit linear x 5-bit log2. */
void mac_opts_init(mac_opts *o);
/* One option: 1 handled, 0 not a MAC option, -1 bad value (message printed). */
int mac_option(mac_opts *o, int ch, const char *arg);
/* Settle the activation's format and derive the widths: 0, or -1 (message printed). */
int mac_opts_finish(mac_opts *o, lq_mac_widths *wd);

/* For generators that embed MAC arrays (gen/blocks/net.c): append the array of cfg
 * as module `name` (and name_prod) to f, the text `logq gen mac` writes to NAME.v,
 * and give its latency. 0, or -1 (message printed). */
int mac_emit_module(lq_file *f, const lq_mac_config *cfg, const char *name,
                    const char *pipeline, const lq_cmd *c, int *latency);
int gen_net(const lq_cmd *c); /* gen/blocks/net.c */

#endif
