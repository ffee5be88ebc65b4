/* The digits network: a multilayer perceptron (dense layers, ReLU between them),
 * float (double) training by minibatch SGD with momentum, optional quantization of
 * the backward pass's gradients, and the weight file (docs/eval.md, "Weight file"). */
#ifndef LOGQ_NN_H
#define LOGQ_NN_H

#include <stdio.h>

#include "cmodel/logq.h"
#include "nn/data.h"
#include "emit/emit.h"

enum { NN_LAYERS_MAX = 4, NN_WIDTH_MAX = 1024 };

typedef struct {
    int in, out;
    int relu;      /* 1: ReLU after this layer (every layer but the last) */
    double *w;     /* out x in, row j holds the weights of output j */
    double *b;     /* out */
} nn_layer;

typedef struct {
    int nlayers;
    nn_layer l[NN_LAYERS_MAX];
} nn_net;

/* Widths: sizes[0] inputs, sizes[n] outputs, n = nsizes - 1 layers. Weights drawn
 * N(0, 2 / fan_in) (He) from r, biases 0. 0 or -1 (out of memory / bad sizes). */
int nn_init(nn_net *net, const int *sizes, int nsizes, lq_rng *r);
void nn_free(nn_net *net);

/* Float inference: logits of one image; returns the predicted class (first maximum). */
int nn_forward(const nn_net *net, const double *x, double *logits);
/* Fraction of s classified correctly. */
double nn_accuracy(const nn_net *net, const nn_data *s);

typedef struct {
    int epochs, batch;
    double lr, momentum;
    lq_scheme grad_quant;  /* LQ_LINEAR or LQ_LOG2, used when grad_bits > 0 */
    int grad_bits;         /* 0: float gradients */
} nn_train_opts;

/* Train net in place on s: each epoch a Fisher-Yates shuffle drawn from r, then
 * minibatches. logfp (may be NULL) gets one line per epoch. */
int nn_train(nn_net *net, const nn_data *s, const nn_train_opts *o, lq_rng *r,
             const nn_data *test, FILE *logfp);

/* Quantize a gradient tensor in place (signed, nearest, bits) with the per-tensor FSR
 * floor(log2(max |g|)) + 1 (docs/eval.md). */
void nn_quantize_grad(double *g, int n, lq_scheme scheme, int bits);

/* An SLQ word of index k as the MAC's signed log2 code of the same width W and FSR:
 * index k is +-2^(fsr - k); the log2 code with b = W - 1 magnitude bits has
 * e = fsr - 2^b + m, so m = 2^b - |k| (docs/eval.md, "SLQ in the MAC"). */
uint32_t nn_slq_mac_code(int bits, int k);
/* The index of the first maximum of v[0..n-1] (ties: the lowest index). */
int nn_argmax(const double *v, int n);

/* Append the weight file's text (after any header the caller wrote). */
void nn_save(const nn_net *net, lq_file *f);
/* Write the weight file path (a header with the command line, then nn_save), all or
 * nothing. An exit status; a failure is reported. */
int nn_write_file(const nn_net *net, const char *path, const lq_cmd *c);
/* Read a weight file. 0, or -1 with a message naming the file, the line and the value. */
int nn_load(const char *path, nn_net *net, char *msg, size_t len);

#endif
