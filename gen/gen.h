/* The block generators of `logq gen`, one file each. */
#ifndef LOGQ_GEN_H
#define LOGQ_GEN_H

#include "cli.h"

int gen_mac(const lq_cmd *c); /* gen_mac.c */
int gen_logacc(const lq_cmd *c); /* gen_logacc.c */
int gen_slqdec(const lq_cmd *c); /* gen_slqdec.c */
int gen_slqmac(const lq_cmd *c); /* gen_slqmac.c */

#endif
