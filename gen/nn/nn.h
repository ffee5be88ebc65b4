/* The digits network: dense and conv layers (ReLU between them, conv layers with an
 * optional 2x2 max pool, conv layers first), float (double) training by minibatch SGD
 * with momentum, optional quantization of the backward pass's gradients, and the
 * weight file (docs/eval.md, "Weight file"). Code that handles dense layers only
 * reads files with nn_load (a conv layer is refused with its line); code that
 * handles both uses nn_load_conv and the unit view of nn_layer below (nn_fanin,
 * nn_units, nn_unit_row, nn_unit_inputs): every layer is units, each one dot
 * product of a weight row with gathered inputs. */
#ifndef LOGQ_NN_H
#define LOGQ_NN_H

#include <stdio.h>

#include "cmodel/logq.h"
#include "nn/data.h"
#include "emit/emit.h"

enum {
    NN_LAYERS_MAX = 4,
    NN_WIDTH_MAX = 1024,   /* a dense layer's inputs and outputs */
    NN_CONV_CH_MAX = 64,   /* a conv layer's input and output channels */
    NN_CONV_K_MAX = 7,     /* its kernel height and width */
    NN_CONV_MAP_MAX = 64,  /* its input map height and width */
    NN_FANIN_MAX = NN_CONV_CH_MAX * NN_CONV_K_MAX * NN_CONV_K_MAX, /* >= NN_WIDTH_MAX */
    NN_ACT_MAX = NN_CONV_CH_MAX * NN_CONV_MAP_MAX * NN_CONV_MAP_MAX /* any layer's in/out */
};

/* The shape of a conv layer (docs/eval.md, "Weight file"): valid padding, stride 1,
 * then the activation, then an optional 2x2 max pool of stride 2. Activations are
 * flattened CHW: value (c, y, x) of a C x H x W map is element (c * H + y) * W + x. */
typedef struct {
    int in_ch, in_h, in_w; /* input map */
    int out_ch, kh, kw;    /* output channels, kernel */
    int pool;              /* 1: none; 2: 2x2 max pool, stride 2 */
    int oh0, ow0;          /* conv output map: in_h - kh + 1, in_w - kw + 1 */
    int oh, ow;            /* after the pool: oh0 / pool, ow0 / pool */
} nn_conv;

/* A dense or a conv layer. Both are a set of "units", each a dot product of one weight
 * row with `fanin` input activations, plus the row's bias, then the activation:
 *   dense: unit j = row j, inputs 0..in-1 (units = rows = out, fanin = in);
 *   conv: unit u = (o * oh0 + y) * ow0 + x (CHW of the conv output map) = row o over
 *         the window: input element (ic * in_h + y + ky) * in_w + x + kx at weight
 *         index (ic * kh + ky) * kw + kx (nn_unit_inputs), i.e.
 *         z[o][y][x] = b[o] + sum_{ic,ky,kx} w[o][ic][ky][kx] in[ic][y+ky][x+kx];
 *         units = out_ch * oh0 * ow0, rows = out_ch, fanin = in_ch * kh * kw;
 *         then the pool maps the units to the out = out_ch * oh * ow outputs.
 * The float sum is bias first, then the terms in weight-index order (nn_layer_forward;
 * eval's float row repeats that order). */
typedef struct {
    int in, out;   /* flattened input and output activations (conv: in_ch*in_h*in_w,
                    * out_ch*oh*ow, after the pool) */
    int relu;      /* 1: ReLU after this layer (every layer but the last) */
    int is_conv;   /* 0: dense; 1: conv, shape in c */
    nn_conv c;
    double *w;     /* rows x fanin: dense row j = output j's weights; conv row o =
                    * w[o][ic][ky][kx] (PyTorch's OIHW) */
    double *b;     /* rows */
} nn_layer;

typedef struct {
    int nlayers;   /* conv layers first, the last layer dense */
    nn_layer l[NN_LAYERS_MAX];
} nn_net;

/* Shape helpers (gen/nn/conv.c). */
int nn_fanin(const nn_layer *L);   /* inputs of one unit's dot product */
int nn_rows(const nn_layer *L);    /* weight rows = biases */
int nn_units(const nn_layer *L);   /* dot products per image (conv: before the pool) */
long nn_nweights(const nn_layer *L); /* rows * fanin */
int nn_unit_row(const nn_layer *L, int u); /* the weight row of unit u */
/* idx[0..fanin-1]: the input element that meets weight i of unit u's row. */
void nn_unit_inputs(const nn_layer *L, int u, int *idx);
/* Fill the conv shape of L (is_conv, c, in, out) from its six sizes and pool, and
 * check it against the limits above (L->relu untouched). 0, or -1 with a message
 * naming the offending value(s). */
int nn_conv_shape(nn_layer *L, int in_ch, int in_h, int in_w, int out_ch, int kh, int kw,
                  int pool, char *msg, size_t len);
/* Float forward pass of one layer: out[0..L->out-1] from in[0..L->in-1]. For a conv
 * layer with pool 2, units (nn_units doubles) receives the activations before the pool
 * and argmax (may be NULL; L->out ints) which unit each output took (the first
 * maximum of (0,0), (0,1), (1,0), (1,1)); otherwise both may be NULL. */
void nn_layer_forward(const nn_layer *L, const double *in, double *out, double *units,
                      int *argmax);
/* The pool of a conv layer: out (L->out) from the activated units (nn_units). */
void nn_pool(const nn_layer *L, const double *units, double *out, int *argmax);
/* The backward pass of a conv layer over a batch of nb (training): d (nb x out) the
 * deltas of its outputs after the pool, the ReLU's gate already applied by the layer
 * above on the pooled value (which is the taken unit's); a (nb x in) its inputs; am
 * (nb x out) the units the pool took (pool 2; else unused); du: scratch of nn_units.
 * Each output's delta goes to the unit the pool took, then every unit is a dot
 * product as in a dense layer: gw (rows x fanin) and gb (rows) receive the gradients
 * (zeroed first); dn (nb x in, NULL for the first layer) the deltas of the inputs,
 * zero where below_relu and the input is not positive. */
void nn_conv_backward(const nn_layer *Ly, int nb, const double *d, const double *a,
                      const int *am, double *du, double *gw, double *gb, double *dn,
                      int below_relu);
/* The largest in/out of any layer, and of any layer's units: scratch sizes. */
int nn_act_max(const nn_net *net);
int nn_has_conv(const nn_net *net);

/* Widths: sizes[0] inputs, sizes[n] outputs, n = nsizes - 1 dense layers. Weights
 * drawn N(0, 2 / fan_in) (He) from r, biases 0. 0 or -1 (out of memory / bad sizes). */
int nn_init(nn_net *net, const int *sizes, int nsizes, lq_rng *r);
/* The same from the layers' shapes (in, out, relu, is_conv, c filled; w, b ignored):
 * the weights of layer 0 row by row, then layer 1, ..., N(0, 2 / fanin). */
int nn_init_layers(nn_net *net, const nn_layer *shape, int nlayers, lq_rng *r);
void nn_free(nn_net *net);

/* Float inference: logits of one image; returns the predicted class (first maximum).
 * work: nn_work_size(net) doubles of scratch. */
size_t nn_work_size(const nn_net *net);
int nn_forward(const nn_net *net, double *work, const double *x, double *logits);
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
/* Read a weight file of dense and conv layers. 0, or -1 with a message naming the
 * file, the line and the value. */
int nn_load_conv(const char *path, nn_net *net, char *msg, size_t len);
/* The same for the commands that take dense layers only: a conv layer is refused
 * (with its line) instead. */
int nn_load(const char *path, nn_net *net, char *msg, size_t len);

#endif
