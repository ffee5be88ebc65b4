/* The subcommands of logq: one line each, dispatched by main.c. */
#ifndef LOGQ_COMMANDS_H
#define LOGQ_COMMANDS_H

#include "cli.h"

int cmd_quant(const lq_cmd *c);  /* cmd_quant.c: quantize numbers */
int cmd_study(const lq_cmd *c);  /* cmd_study.c: the quantizer error study */

#endif
