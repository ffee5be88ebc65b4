// The generated MAC array's configuration for a C++ harness (sim/verilator/mac_tb.cpp,
// sim/systemc/sc_main.cpp): the Verilated top, the C model and the generator's NAME.h,
// whose macros are prefixed by MAC_PREFIX (both builds pass -DMAC_PREFIX, -DMAC_HEADER,
// -DVTOP_HEADER and -I for cmodel/ and the generated directory).
#ifndef LOGQ_MAC_CFG_H
#define LOGQ_MAC_CFG_H

#include VTOP_HEADER
extern "C" {
#include "logq.h"
}
#include MAC_HEADER

#define CAT3(a, b) a##_##b
#define CAT2(a, b) CAT3(a, b)
#define CFG(x) CAT2(MAC_PREFIX, x)

static const int LANES = CFG(LANES);
static const int A_BITS = CFG(A_BITS);
static const int W_BITS = CFG(W_BITS);
static const int OUT_BITS = CFG(OUT_BITS);

#endif
