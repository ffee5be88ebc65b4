/* liblogq: the bit-accurate C model of logq. docs/formats.md is its specification. */
#ifndef LOGQ_H
#define LOGQ_H

#define LOGQ_VERSION "0.1.0"

#include "format.h"
#include "logacc.h"
#include "mac.h"
#include "quanthw.h"
#include "quant.h"
#include "rng.h"
#include "slq.h"
#include "slqhw.h"
#include "stats.h"

#endif
