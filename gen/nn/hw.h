/* The integer network: inference exactly as the hardware of `logq gen net` does it,
 * integers only (docs/net.md). Every dot product by the MAC array model (lq_mac_step;
 * an exact integer dot product of the codes for linear x linear), the bias rounded
 * once to the sum's fixed point, ReLU, every hidden activation re-quantized by
 * lq_quantize (lq_slq_encode for SLQ) of its exact fixed-point value, the logits in
 * fixed point, argmax with the first maximum winning. `logq eval --hw` reports its
 * accuracy; `logq gen net` builds the RTL of the same network from it and writes its
 * outputs as the bench's expected values. */
#ifndef LOGQ_HW_H
#define LOGQ_HW_H

#include <stddef.h>
#include <stdint.h>

#include "cmodel/mac.h"
#include "nn/nn.h"

enum {
    HW_LINEAR_ENGINE = -1, /* hw_layer.mode: linear x linear, exact integer products */
    HW_VALUE_BITS = 53     /* a pre-activation handed to lq_quantize as an exact double */
};

/* What the hardware computes: the formats of every layer's weights and input
 * activations (a[0]: the codes the network's input stream carries), the MAC lanes per
 * layer (the hardware's --simd; the sums do not depend on it: no truncation, no
 * overflow) and the sqrt(2) constant's fraction bits. */
typedef struct {
    int nlayers;
    lq_format w[NN_LAYERS_MAX], a[NN_LAYERS_MAX];
    int lanes[NN_LAYERS_MAX];
    int sqrt2_frac;
    int fault;   /* test only: biases truncated toward zero instead of rounded */
} hw_spec;

/* One layer, derived from the spec and the float weights. A dense layer's engine
 * computes `out` dot products of `in` inputs; a conv layer's engine is the same for
 * each output pixel: `out` = OUT_CH rows of `in` = IN_CH*KH*KW window inputs
 * (nn/nn.h), `units` = OUT_CH*OH0*OW0 dot products per image, then the 2x2 max pool
 * of the pre-activations when c.pool = 2 (docs/net.md, "Conv layers"). */
typedef struct {
    int in, out, relu;
    int is_conv;
    nn_conv c;           /* conv: the shape */
    int act_in, act_out; /* activations in and out (flattened CHW; dense: in, out) */
    int units;           /* dot products per image (dense: out) */
    int mode;            /* lq_mac_mode, or HW_LINEAR_ENGINE */
    lq_mac_config mac;   /* MAC modes: the array's configuration (lanes, max_beats =
                          * the beats of one dot product) */
    lq_mac_widths wd;
    int wslots, aslots;  /* words per weight / per activation (SLQ: L; else 1) */
    int lanes, chunks;   /* beats of one slot pair: ceil(in / lanes) */
    int beats;           /* beats per dot product: wslots * aslots * chunks */
    int sum_bits;        /* signed width of the dot product */
    int lsb;             /* the sum's LSB is worth 2^lsb */
    int z_bits;          /* signed width of sum + bias */
    int64_t clamp;       /* the pre-activation given to the next quantizer is clamped
                          * to +-clamp (0: never needed); it saturates there anyway */
    uint32_t *wcode;     /* [out][wslots][chunks * lanes]: MAC codes, zero padded;
                          * linear engine: the weight codes */
    int64_t *bias;       /* [out]: round(bias * 2^-lsb), half away from zero */
} hw_layer;

typedef struct {
    hw_spec spec;
    int nlayers;
    hw_layer l[NN_LAYERS_MAX];
} hw_net;

/* The codes of one layer's activations: code[s][i] is word slot s of input i (SLQ:
 * the words as signed log2 codes of the MAC, docs/eval.md; else the code in slot 0);
 * a conv layer's inputs in CHW order. At most NN_WIDTH_MAX per layer (and per conv
 * layer's units and window): hw_build refuses larger layers. */
typedef struct {
    uint32_t code[LQ_SLQ_WORDS_MAX][NN_WIDTH_MAX];
} hw_acts;

/* The MAC's view of a format: SLQ words are signed log2 codes. */
lq_format hw_mac_format(const lq_format *f);

/* Derive and check: 0, or -1 with a message naming the value. */
int hw_build(hw_net *h, const nn_net *net, const hw_spec *s, char *msg, size_t len);
void hw_free(hw_net *h);

/* The input stream's codes of an image (quantized by spec.a[0], as eval does). */
void hw_input(const hw_net *h, const double *x, hw_acts *in);
/* Inference from input codes: the logits (fixed point, LSB 2^h->l[last].lsb) and
 * the class (the first maximum). */
int hw_infer(const hw_net *h, const hw_acts *in, int64_t *logits);
/* The re-quantization of hidden layer k's pre-activation z (after the ReLU) to the
 * codes of layer k + 1: lq_quantize (lq_slq_encode) of the exact value z * 2^lsb;
 * code[s * stride] receives word slot s. */
void hw_requant(const hw_net *h, int k, int64_t z, uint32_t *code, int stride);
/* Accuracy (%) over a set of images. */
double hw_accuracy(const hw_net *h, const nn_data *s);

/* One row of `logq eval --hw`'s table: scheme name, activations ("log" = the W+A
 * table, "linear" = the shift-mode table), per width the double-bias accuracy of
 * eval's table and the integer one. */
typedef struct {
    const char *scheme;
    const char *act;
    double dbl[8], hw[8];       /* hw: NAN when the integer network is not built */
    char why[8][320];           /* ... and why */
    int wfsr[8][NN_LAYERS_MAX], afsr[8][NN_LAYERS_MAX];
} hw_row;

/* Print the table (Markdown) and, per cell, the `logq gen net` FSR options
 * ('hw-fsr' lines that `gen net --fsr-from` reads). */
void hw_print_table(const hw_row *rows, int nrows, const int *bits, int nbits, int nlayers);

#endif
