/* The conv layer of `logq gen net` (docs/net.md, "Conv layers"). A conv layer k is
 * NAME_lK_conv: the line buffer NAME_lK_win (pixels in raster order in, one window of
 * IN_CH*KH*KW codes out per output pixel), the dense layer engine NAME_lK of net.c
 * run on each window as one input beat (its OUT_CH rows are the kernels, its
 * banks hold windows), then NAME_lK_pool (2x2 max pool of the codes) when the layer
 * pools. Its output stream carries the conv (or pooled) map pixel by pixel (HWC), PE
 * channel codes per beat. */
#ifndef LOGQ_NET_CONV_H
#define LOGQ_NET_CONV_H

#include "emit/emit.h"
#include "nn/hw.h"

/* The weight column that position t of layer k's input stream meets: after a conv
 * layer the stream is HWC ((y * W + x) * C + c), the weight file's columns are CHW
 * ((c * H + y) * W + x); else t. */
int net_conv_column(const hw_net *h, int k, int t);
/* The input code that beat b, lane q of the network's input stream carries when
 * layer 1 is conv: beat b is pixel b in raster order, lane q its channel q. */
int net_conv_input(const hw_layer *L, int b, int q);
/* The conv layers gen net takes (one, the first) at layer k: 0, or -1
 * after a message naming the value. */
int net_conv_check(const hw_net *h, int k);
/* Timing of conv layer 1 (docs/net.md, "Timing"): with `cw` engine cycles per window
 * and the MAC latency, the cycle (first input beat accepted = 0) at which the layer's
 * output register holds image 0's last beat, and the cycles between images in the
 * steady state. 0, or -1 with a message when the schedule is not periodic. */
int net_conv_timing(const hw_layer *L, int cw, int mac_latency, long *t_last, long *period,
                    char *msg, size_t len);
/* NAME_lK_win, NAME_lK_pool (pooled layers) and the layer's top NAME_lK_conv; a_bits:
 * the input codes' width, pe and ob: the engine's output codes per beat and their
 * width. */
void net_conv_emit(lq_file *f, const char *name, int k, const hw_layer *H, int a_bits, int pe,
                   int ob);

#endif
