/* The subcommands of logq: one line each, dispatched by main.c. */
#ifndef LOGQ_COMMANDS_H
#define LOGQ_COMMANDS_H

#include "cli.h"

int cmd_quant(const lq_cmd *c);  /* gen/cmd/quant.c: quantize numbers */
int cmd_study(const lq_cmd *c);  /* gen/cmd/study.c: the quantizer error study */
int cmd_train(const lq_cmd *c);  /* gen/cmd/train.c: train the digits network */
int cmd_eval(const lq_cmd *c);   /* gen/cmd/eval.c: its accuracy table through the MAC model */
int cmd_import(const lq_cmd *c); /* gen/cmd/import.c: a network from NumPy files */
int cmd_export(const lq_cmd *c); /* gen/cmd/export.c: quantized weights for $readmemh */
int cmd_gen(const lq_cmd *c);    /* gen/cmd/gen.c: generate Verilog and companion files */
int cmd_logacc_study(const lq_cmd *c); /* gen/cmd/logacc_study.c: log-domain accumulator error */
int cmd_slq(const lq_cmd *c);     /* gen/cmd/slq.c: SLQ weight streams: encode, decode */
int cmd_wavediff(const lq_cmd *c); /* gen/cmd/wavediff.c: compare two waveform dumps */

int cmd_vectors(const lq_cmd *c); /* gen/cmd/vectors.c: hex vectors and the Icarus bench */

#endif
