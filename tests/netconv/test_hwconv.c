/* The integer network of a conv layer (gen/nn/hw.c, docs/net.md "Conv layers")
 * against a direct reference written here: nested loops over (o, y, x, ic, ky, kx)
 * multiply the decoded weight and activation values (exact in double: a power of two
 * or a small integer times a step), count the sum in LSBs of 2^lsb, add the bias
 * rounded half away from zero, ReLU, re-quantize with lq_quantize of the exact value,
 * then max-pool the CODES (the hardware's order; the model pools the pre-activations:
 * equal by monotonicity, which this checks), then the dense layer the same way.
 * Seeded random shapes (1-3 input channels, maps 3x3 to 8x8, kernels 1x1 to 3x3, odd
 * and even, pool or not), weights, biases; per shape every impulse image (one pixel
 * lit: each edge and corner pixel is a window's corner somewhere) and random images.
 * Schemes: linear x linear (the int8 engine) and log2 x linear (the shift MAC), whose
 * sums are exact, at 5 and 8 bits, on 1 to 5 MAC lanes (window padding).
 *   build/tests/netconv/test_hwconv [prefix] [seed]   (default seed 1) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "nn/hw.h"
#include "nn/nn.h"

static uint64_t seed = 1;

static double uni(lq_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * lq_rng_uniform(r);
}

/* A conv layer of the given shape, then a dense layer of 3 outputs; weights and
 * biases uniform. 0 or -1. */
static int make_net(nn_net *net, lq_rng *r, const int *sh)
{
    char msg[200];
    memset(net, 0, sizeof *net);
    net->nlayers = 2;
    if (nn_conv_shape(&net->l[0], sh[0], sh[1], sh[2], sh[3], sh[4], sh[5], sh[6], msg,
                      sizeof msg) != 0) {
        printf("  shape refused: %s\n", msg);
        return -1;
    }
    net->l[0].relu = 1;
    net->l[1].in = net->l[0].out;
    net->l[1].out = 3;
    net->l[1].relu = 0;
    for (int k = 0; k < 2; k++) {
        nn_layer *L = &net->l[k];
        L->w = malloc((size_t)nn_nweights(L) * sizeof *L->w);
        L->b = malloc((size_t)nn_rows(L) * sizeof *L->b);
        if (!L->w || !L->b)
            return -1;
        for (long i = 0; i < nn_nweights(L); i++)
            L->w[i] = uni(r, -1, 1);
        for (int j = 0; j < nn_rows(L); j++)
            L->b[j] = uni(r, -0.5, 0.5);
    }
    return 0;
}

static lq_format fmt(lq_scheme s, int bits, int fsr, int is_signed)
{
    lq_format f = lq_format_default();
    f.scheme = s;
    f.bits = bits;
    f.fsr = fsr;
    f.rounding = LQ_NEAREST;
    f.is_signed = is_signed;
    f.max_words = 1;
    f.theta = 0;
    return f;
}

/* sum_i w_i a_i / 2^lsb as an integer; each term must be one (else: -1). */
static int term(double wv, double av, int lsb, int64_t *acc)
{
    double t = ldexp(wv * av, -lsb);
    if (t != floor(t) || fabs(t) > 0x1p52)
        return -1;
    *acc += (int64_t)t;
    return 0;
}

static int64_t bias_int(double b, int lsb)
{
    return (int64_t)round(ldexp(b, -lsb));
}

/* The reference: logits and class of one image. -1: an inexact term. */
static int ref_infer(const nn_net *net, const hw_spec *sp, const int *lsb, const double *img,
                     int64_t *logits)
{
    const nn_layer *C = &net->l[0], *D = &net->l[1];
    const nn_conv *c = &C->c;
    double av[NN_WIDTH_MAX];
    uint32_t ucode[NN_WIDTH_MAX], pcode[NN_WIDTH_MAX];
    int best = 0;
    for (int i = 0; i < C->in; i++)
        av[i] = lq_dequantize(&sp->a[0], lq_quantize(&sp->a[0], img[i]));
    for (int o = 0; o < c->out_ch; o++)
        for (int y = 0; y < c->oh0; y++)
            for (int x = 0; x < c->ow0; x++) {
                int64_t s = 0;
                for (int ic = 0; ic < c->in_ch; ic++)
                    for (int ky = 0; ky < c->kh; ky++)
                        for (int kx = 0; kx < c->kw; kx++) {
                            double w = C->w[((o * c->in_ch + ic) * c->kh + ky) * c->kw + kx];
                            double wv = lq_dequantize(&sp->w[0], lq_quantize(&sp->w[0], w));
                            if (term(wv, av[(ic * c->in_h + y + ky) * c->in_w + x + kx], lsb[0],
                                     &s) != 0)
                                return -1;
                        }
                s += bias_int(C->b[o], lsb[0]);
                if (s < 0)
                    s = 0;
                ucode[(o * c->oh0 + y) * c->ow0 + x] = lq_quantize(&sp->a[1], ldexp((double)s, lsb[0]));
            }
    if (c->pool == 2) {
        for (int o = 0; o < c->out_ch; o++)
            for (int y = 0; y < c->oh; y++)
                for (int x = 0; x < c->ow; x++) {
                    uint32_t m = 0;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++) {
                            uint32_t q = ucode[(o * c->oh0 + 2 * y + dy) * c->ow0 + 2 * x + dx];
                            if (q > m)
                                m = q;
                        }
                    pcode[(o * c->oh + y) * c->ow + x] = m;
                }
    } else {
        memcpy(pcode, ucode, sizeof(uint32_t) * (size_t)C->out);
    }
    for (int i = 0; i < D->in; i++)
        av[i] = lq_dequantize(&sp->a[1], pcode[i]);
    for (int j = 0; j < D->out; j++) {
        int64_t s = 0;
        for (int i = 0; i < D->in; i++) {
            double wv = lq_dequantize(&sp->w[1], lq_quantize(&sp->w[1], D->w[j * D->in + i]));
            if (term(wv, av[i], lsb[1], &s) != 0)
                return -1;
        }
        logits[j] = s + bias_int(D->b[j], lsb[1]);
        if (logits[j] > logits[best])
            best = j;
    }
    return best;
}

static int wfsr(const nn_layer *L)
{
    double mx = 0;
    for (long i = 0; i < nn_nweights(L); i++)
        if (fabs(L->w[i]) > mx)
            mx = fabs(L->w[i]);
    return lq_log2_round(mx, 0, LQ_FLOOR) + 1;
}

static long n_images, n_shapes;

static void check_shape(const int *sh, lq_scheme ws, int bits, int lanes, lq_rng *r)
{
    nn_net net;
    hw_spec sp;
    hw_net h;
    char msg[400];
    int lsb[2];
    if (make_net(&net, r, sh) != 0) {
        CHECK(0, "make_net failed");
        nn_free(&net);
        return;
    }
    memset(&sp, 0, sizeof sp);
    sp.nlayers = 2;
    sp.sqrt2_frac = 16;
    for (int k = 0; k < 2; k++) {
        sp.w[k] = fmt(ws, bits, wfsr(&net.l[k]), 1);
        sp.a[k] = fmt(LQ_LINEAR, bits, k == 0 ? 0 : 2, 0);
        sp.lanes[k] = lanes;
    }
    if (hw_build(&h, &net, &sp, msg, sizeof msg) != 0) {
        CHECK(0, "hw_build: %s", msg);
        nn_free(&net);
        return;
    }
    lsb[0] = h.l[0].lsb;
    lsb[1] = h.l[1].lsb;
    n_shapes++;
    {
        const nn_layer *C = &net.l[0];
        int nimg = C->in + 20;
        for (int t = 0; t < nimg; t++) {
            double img[NN_WIDTH_MAX];
            int64_t lm[NN_WIDTH_MAX], lr[NN_WIDTH_MAX];
            hw_acts in;
            int cm, cr;
            for (int i = 0; i < C->in; i++)
                img[i] = t < C->in ? (i == t ? 0.9 : 0.0) : uni(r, 0, 1);
            hw_input(&h, img, &in);
            cm = hw_infer(&h, &in, lm);
            cr = ref_infer(&net, &sp, lsb, img, lr);
            n_images++;
            CHECK(cr >= 0, "inexact reference term (shape %d %d %d %d %d %d pool%d)", sh[0], sh[1],
                  sh[2], sh[3], sh[4], sh[5], sh[6]);
            CHECK(cm == cr, "class %d, reference %d: %s %d bits, %d lanes, shape %d %d %d %d %d %d "
                  "pool%d, image %d (seed %llu)", cm, cr, lq_scheme_name(ws), bits, lanes, sh[0],
                  sh[1], sh[2], sh[3], sh[4], sh[5], sh[6], t, (unsigned long long)seed);
            for (int j = 0; j < 3; j++)
                CHECK(lm[j] == lr[j], "logit %d: %lld, reference %lld: %s %d bits, shape %d %d %d "
                      "%d %d %d pool%d, image %d (seed %llu)", j, (long long)lm[j], (long long)lr[j],
                      lq_scheme_name(ws), bits, sh[0], sh[1], sh[2], sh[3], sh[4], sh[5], sh[6], t,
                      (unsigned long long)seed);
        }
    }
    hw_free(&h);
    nn_free(&net);
}

/* Shapes: in_ch, in_h, in_w, out_ch, kh, kw, pool. */
static const int fixed[][7] = {
    {1, 8, 8, 16, 3, 3, 2}, /* the digits network's */
    {1, 8, 8, 4, 3, 3, 1},  {2, 5, 7, 3, 2, 4, 2}, {3, 6, 5, 2, 3, 1, 1},
    {1, 3, 3, 2, 3, 3, 1},  {2, 4, 4, 3, 1, 1, 2}, {1, 7, 8, 2, 2, 3, 2},
};

static void hwconv_fixed_shapes(void)
{
    lq_rng r;
    lq_rng_seed(&r, seed);
    for (size_t s = 0; s < sizeof fixed / sizeof fixed[0]; s++)
        for (int bits = 5; bits <= 8; bits += 3) {
            check_shape(fixed[s], LQ_LINEAR, bits, 1 + (int)(s % 5), &r);
            if (bits == 5)
                check_shape(fixed[s], LQ_LOG2, bits, 1 + (int)((s + 2) % 5), &r);
        }
}

static void hwconv_random_shapes(void)
{
    lq_rng r;
    lq_rng_seed(&r, seed + 1000);
    for (int t = 0; t < 30; t++) {
        int sh[7];
        sh[0] = 1 + (int)lq_rng_below(&r, 3);
        sh[1] = 3 + (int)lq_rng_below(&r, 6);
        sh[2] = 3 + (int)lq_rng_below(&r, 6);
        sh[3] = 1 + (int)lq_rng_below(&r, 4);
        sh[4] = 1 + (int)lq_rng_below(&r, 3);
        sh[5] = 1 + (int)lq_rng_below(&r, 3);
        sh[6] = 1;
        if ((sh[1] - sh[4] + 1) % 2 == 0 && (sh[2] - sh[5] + 1) % 2 == 0 && lq_rng_below(&r, 2))
            sh[6] = 2;
        check_shape(sh, t % 2 ? LQ_LOG2 : LQ_LINEAR, 5, 1 + (int)lq_rng_below(&r, 5), &r);
    }
}

int main(int argc, char **argv)
{
    check_init(argc, argv);
    if (argc > 2)
        seed = strtoull(argv[2], NULL, 10);
    printf("test_hwconv: seed %llu; rerun: %s %s %llu\n", (unsigned long long)seed, argv[0],
           argc > 1 ? argv[1] : "''", (unsigned long long)seed);
    RUN(hwconv_fixed_shapes);
    RUN(hwconv_random_shapes);
    printf("test_hwconv: %ld shapes x schemes, %ld images against the nested-loop reference\n",
           n_shapes, n_images);
    return check_done();
}
