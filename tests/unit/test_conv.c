/* Unit tests of the conv layer (gen/nn/conv.c, docs/eval.md "Weight file") against
 * direct nested-loop references written here, not the production code path:
 * - the float forward pass (conv, ReLU or linear, max pool) of every shape with
 *   1..2 input and output channels, maps 1..6 x 1..6, kernels 1..min(4, map), pool 1
 *   and 2 (where the map is even): every output pixel, edges included, compared
 *   exactly (the values are small multiples of 1/4, so every sum is exact in any
 *   order), with ties in the pool frequent (the first maximum wins, argmax checked);
 * - nn_unit_inputs: the window of every unit against (ic * H + y + ky) * W + x + kx;
 * - the quantized conv dot product: log2 weight and activation codes of every window
 *   fed through the MAC array model (lq_mac_step, loglog and shift modes, lanes 1, 3
 *   and 16) against an exact integer sum computed here from the 4-D indices with the
 *   codes decoded by hand (sign, exponent; linear codes as integers times the step).
 * - the backward pass (nn_conv_backward, training) against central finite differences
 *   of the forward pass: the weight, bias and input gradients of a linear loss
 *   sum_q g_q out_q, which is piecewise linear in each of them, so the difference
 *   quotient is exact up to rounding away from the ReLU's and the pool's kinks
 *   (continuous random values put none within the step).
 * The data are seeded: SEED=N build/tests/test_conv (default 1). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cmodel/mac.h"
#include "cmodel/quant.h"
#include "cmodel/rng.h"
#include "../../gen/nn/conv.c"

static uint64_t seed = 1;

/* A value in {-2, -1.75, ..., 2}, a third of them zero (ties and ReLU zeros). */
static double small(lq_rng *r)
{
    if (lq_rng_below(r, 3) == 0)
        return 0;
    return ((double)lq_rng_below(r, 17) - 8) / 4;
}

typedef struct {
    int ic, ih, iw, oc, kh, kw, pool, relu;
} shape;

/* Every shape of the exhaustive sweep, in a fixed order; returns the count. */
static int shapes(shape *out, int max)
{
    int n = 0;
    for (int ic = 1; ic <= 2; ic++)
        for (int oc = 1; oc <= 2; oc++)
            for (int ih = 1; ih <= 6; ih++)
                for (int iw = 1; iw <= 6; iw++)
                    for (int kh = 1; kh <= ih && kh <= 4; kh++)
                        for (int kw = 1; kw <= iw && kw <= 4; kw++)
                            for (int pool = 1; pool <= 2; pool++)
                                for (int relu = 0; relu <= 1; relu++) {
                                    if (pool == 2 && ((ih - kh + 1) % 2 || (iw - kw + 1) % 2))
                                        continue;
                                    if (n < max)
                                        out[n] = (shape){ic, ih, iw, oc, kh, kw, pool, relu};
                                    n++;
                                }
    return n;
}

static int make_layer(nn_layer *L, const shape *s)
{
    char msg[256];
    memset(L, 0, sizeof *L);
    L->relu = s->relu;
    if (nn_conv_shape(L, s->ic, s->ih, s->iw, s->oc, s->kh, s->kw, s->pool, msg,
                      sizeof msg) != 0) {
        printf("  nn_conv_shape refused a valid shape: %s\n", msg);
        return -1;
    }
    L->w = calloc((size_t)nn_nweights(L), sizeof(double));
    L->b = calloc((size_t)nn_rows(L), sizeof(double));
    return L->w && L->b ? 0 : -1;
}

/* w[o][c][ky][kx] of a layer made by make_layer, by its 4-D index. */
#define W4(L, s, o, c, ky, kx) ((L)->w[(((o) * (s)->ic + (c)) * (s)->kh + (ky)) * (s)->kw + (kx)])

static void test_forward(void)
{
    enum { MAXS = 20000 };
    static shape sh[MAXS];
    int ns = shapes(sh, MAXS), pixels = 0;
    lq_rng r;
    lq_rng_seed(&r, seed);
    CHECK(ns <= MAXS, "%d shapes", ns);
    for (int t = 0; t < ns && t < MAXS; t++) {
        const shape *s = &sh[t];
        nn_layer L;
        int oh0 = s->ih - s->kh + 1, ow0 = s->iw - s->kw + 1;
        int oh = oh0 / s->pool, ow = ow0 / s->pool;
        double in[2 * 6 * 6], out[2 * 6 * 6], units[2 * 6 * 6], ref[2][6][6];
        int am[2 * 6 * 6];
        if (make_layer(&L, s) != 0) {
            CHECK(0, "shape %d", t);
            continue;
        }
        CHECK(L.in == s->ic * s->ih * s->iw && L.out == s->oc * oh * ow &&
              nn_units(&L) == s->oc * oh0 * ow0 && nn_fanin(&L) == s->ic * s->kh * s->kw,
              "sizes of shape %d", t);
        for (int i = 0; i < L.in; i++)
            in[i] = small(&r);
        for (long i = 0; i < nn_nweights(&L); i++)
            L.w[i] = small(&r);
        for (int o = 0; o < s->oc; o++)
            L.b[o] = small(&r);
        nn_layer_forward(&L, in, out, units, am);
        /* the reference: the formula of docs/eval.md, loop by loop */
        for (int o = 0; o < s->oc; o++)
            for (int y = 0; y < oh0; y++)
                for (int x = 0; x < ow0; x++) {
                    double v = L.b[o];
                    for (int c = 0; c < s->ic; c++)
                        for (int ky = 0; ky < s->kh; ky++)
                            for (int kx = 0; kx < s->kw; kx++)
                                v += W4(&L, s, o, c, ky, kx) *
                                     in[(c * s->ih + y + ky) * s->iw + x + kx];
                    ref[o][y][x] = s->relu && v < 0 ? 0 : v;
                }
        for (int o = 0; o < s->oc; o++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    double best = ref[o][y * s->pool][x * s->pool];
                    int by = 0, bx = 0, q = (o * oh + y) * ow + x;
                    for (int dy = 0; dy < s->pool; dy++)
                        for (int dx = 0; dx < s->pool; dx++)
                            if (ref[o][y * s->pool + dy][x * s->pool + dx] > best) {
                                best = ref[o][y * s->pool + dy][x * s->pool + dx];
                                by = dy, bx = dx;
                            }
                    pixels++;
                    CHECK(out[q] == best, "shape %d (%dx%dx%d, %d ch, %dx%d, pool%d, relu %d) "
                          "channel %d pixel (%d,%d): %g, reference %g", t, s->ic, s->ih, s->iw,
                          s->oc, s->kh, s->kw, s->pool, s->relu, o, y, x, out[q], best);
                    if (s->pool == 2)
                        CHECK(am[q] == (o * oh0 + 2 * y + by) * ow0 + 2 * x + bx,
                              "shape %d channel %d pixel (%d,%d): argmax %d", t, o, y, x, am[q]);
                }
        free(L.w);
        free(L.b);
    }
    printf("  %d shapes, %d output pixels (seed %llu; rerun: SEED=%llu build/tests/test_conv)\n",
           ns, pixels, (unsigned long long)seed, (unsigned long long)seed);
}

static void test_unit_inputs(void)
{
    enum { MAXS = 20000 };
    static shape sh[MAXS];
    int ns = shapes(sh, MAXS);
    for (int t = 0; t < ns && t < MAXS; t++) {
        const shape *s = &sh[t];
        nn_layer L;
        int idx[NN_FANIN_MAX], oh0 = s->ih - s->kh + 1, ow0 = s->iw - s->kw + 1;
        if (make_layer(&L, s) != 0)
            continue;
        for (int o = 0; o < s->oc; o++)
            for (int y = 0; y < oh0; y++)
                for (int x = 0; x < ow0; x++) {
                    int u = (o * oh0 + y) * ow0 + x, i = 0;
                    CHECK(nn_unit_row(&L, u) == o, "shape %d unit %d row", t, u);
                    nn_unit_inputs(&L, u, idx);
                    for (int c = 0; c < s->ic; c++)
                        for (int ky = 0; ky < s->kh; ky++)
                            for (int kx = 0; kx < s->kw; kx++, i++)
                                CHECK(idx[i] == (c * s->ih + y + ky) * s->iw + x + kx,
                                      "shape %d unit %d term %d: %d", t, u, i, idx[i]);
                }
        free(L.w);
        free(L.b);
    }
}

/* A log2 code by hand (docs/formats.md): magnitude m in the low bits (0: zero),
 * value 2^(fsr - 2^mb + m), the sign above them (signed formats). Returns the value
 * times 2^frac as an integer (frac large enough). */
static int64_t log2_fixed(uint32_t code, int bits, int is_signed, int fsr, int frac)
{
    int mb = is_signed ? bits - 1 : bits;
    uint32_t m = code & ((1u << mb) - 1);
    int neg = is_signed && (code >> mb) & 1, e;
    int64_t v;
    if (m == 0)
        return 0;
    e = fsr - (1 << mb) + (int)m;
    v = (int64_t)1 << (e + frac);
    return neg ? -v : v;
}

/* The exact sum of one output pixel, from the 4-D indices. Weights: signed log2 codes;
 * activations: log2 (loglog) or linear unsigned integers times 2^(afsr - abits). */
static int64_t ref_pixel(const shape *s, const uint32_t *wc, const uint32_t *ac, int o, int y,
                         int x, int loglog, int bits, int wfsr, int afsr, int frac)
{
    int64_t sum = 0;
    for (int c = 0; c < s->ic; c++)
        for (int ky = 0; ky < s->kh; ky++)
            for (int kx = 0; kx < s->kw; kx++) {
                uint32_t w = wc[((o * s->ic + c) * s->kh + ky) * s->kw + kx];
                uint32_t a = ac[(c * s->ih + y + ky) * s->iw + x + kx];
                int64_t fw = log2_fixed(w, bits, 1, wfsr, frac / 2);
                int64_t fa = loglog ? log2_fixed(a, bits, 0, afsr, frac / 2)
                                    : (int64_t)a << (afsr - bits + frac / 2);
                sum += fw * fa;
            }
    return sum;
}

/* The hand decoder above agrees with the model's (so the reference below means
 * what the format says), for every code of the widths used. */
static void test_log2_decoder(void)
{
    for (int sg = 0; sg <= 1; sg++)
        for (uint32_t c = 0; c < 16; c++) {
            lq_format f = lq_format_default();
            f.scheme = LQ_LOG2;
            f.bits = 4;
            f.fsr = 1;
            f.is_signed = sg;
            CHECK(ldexp((double)log2_fixed(c, 4, sg, 1, 16), -16) == lq_dequantize(&f, c),
                  "%s code %u: %g, lq_dequantize %g", sg ? "signed" : "unsigned", c,
                  ldexp((double)log2_fixed(c, 4, sg, 1, 16), -16), lq_dequantize(&f, c));
        }
}

static void test_mac_windows(void)
{
    static const shape cases[] = {
        {1, 8, 8, 4, 3, 3, 1, 1}, {3, 5, 7, 2, 3, 2, 1, 1}, {2, 6, 6, 3, 1, 1, 1, 1},
        {2, 4, 9, 2, 4, 5, 1, 1}, {4, 7, 7, 2, 7, 7, 1, 1}};
    static const int lanes[] = {1, 3, 16};
    const int bits = 4, wfsr = 1, afsr = 1, frac = 2 * 16;
    lq_rng r;
    long dots = 0;
    lq_rng_seed(&r, seed + 1);
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++)
        for (int loglog = 0; loglog <= 1; loglog++)
            for (size_t ln = 0; ln < sizeof lanes / sizeof lanes[0]; ln++) {
                const shape *s = &cases[t];
                nn_layer L;
                int fanin, nu, idx[NN_FANIN_MAX], oh0 = s->ih - s->kh + 1;
                int ow0 = s->iw - s->kw + 1;
                uint32_t *wc, ac[4 * 9 * 9], ga[NN_FANIN_MAX + 16], gw[NN_FANIN_MAX + 16];
                lq_mac_config cfg;
                lq_mac_state st;
                char msg[256];
                if (make_layer(&L, s) != 0) {
                    CHECK(0, "case %zu", t);
                    continue;
                }
                fanin = nn_fanin(&L);
                nu = nn_units(&L);
                wc = calloc((size_t)nn_nweights(&L), sizeof *wc);
                memset(&cfg, 0, sizeof cfg);
                cfg.mode = loglog ? LQ_MAC_LOGLOG : LQ_MAC_SHIFT;
                cfg.lanes = lanes[ln];
                cfg.w = lq_format_default();
                cfg.w.scheme = LQ_LOG2;
                cfg.w.bits = bits;
                cfg.w.fsr = wfsr;
                cfg.w.is_signed = true;
                cfg.a = lq_format_default();
                cfg.a.scheme = loglog ? LQ_LOG2 : LQ_LINEAR;
                cfg.a.bits = bits;
                cfg.a.fsr = afsr;
                cfg.a.is_signed = false;
                cfg.sqrt2_frac = 16;
                cfg.frac = LQ_MAC_FRAC_EXACT;
                cfg.max_beats = 1024;
                if (!wc || lq_mac_reset(&st, &cfg, msg, sizeof msg) != 0) {
                    CHECK(0, "case %zu: %s", t, msg);
                    free(wc);
                    free(L.w);
                    free(L.b);
                    continue;
                }
                for (long i = 0; i < nn_nweights(&L); i++)
                    wc[i] = (uint32_t)lq_rng_below(&r, 1u << bits);
                for (int i = 0; i < L.in; i++)
                    ac[i] = (uint32_t)lq_rng_below(&r, 1u << bits);
                for (int u = 0; u < nu; u++) {
                    int row = nn_unit_row(&L, u), chunks = (fanin + cfg.lanes - 1) / cfg.lanes;
                    int p = u % (oh0 * ow0);
                    lq_wide out;
                    int64_t ref, got;
                    __int128 scaled;
                    nn_unit_inputs(&L, u, idx);
                    for (int i = 0; i < chunks * cfg.lanes; i++) {
                        ga[i] = i < fanin ? ac[idx[i]] : 0;
                        gw[i] = i < fanin ? wc[(size_t)row * fanin + i] : 0;
                    }
                    for (int ch = 0; ch < chunks; ch++)
                        lq_mac_step(&st, ga + ch * cfg.lanes, gw + ch * cfg.lanes,
                                    ch == chunks - 1, &out);
                    ref = ref_pixel(s, wc, ac, row, p / ow0, p % ow0, loglog, bits, wfsr, afsr,
                                    frac);
                    got = (int64_t)out.limb[0];
                    /* the MAC's sum is worth got * 2^out_lsb_exp; ref * 2^-frac */
                    scaled = st.wd.out_lsb_exp + frac >= 0
                                 ? (__int128)got * ((__int128)1 << (st.wd.out_lsb_exp + frac))
                                 : -1;
                    dots++;
                    CHECK(scaled == ref, "case %zu %s lanes %d unit %d: MAC %lld * 2^%d, exact "
                          "%lld * 2^-%d", t, loglog ? "loglog" : "shift", cfg.lanes, u,
                          (long long)got, st.wd.out_lsb_exp, (long long)ref, frac);
                }
                free(wc);
                free(L.w);
                free(L.b);
            }
    printf("  %ld conv dot products through the MAC model\n", dots);
}

static double loss(const nn_layer *L, const double *in, const double *g, double *out,
                   double *units)
{
    double t = 0;
    nn_layer_forward(L, in, out, units, NULL);
    for (int q = 0; q < L->out; q++)
        t += g[q] * out[q];
    return t;
}

static void test_backward(void)
{
    static const shape cases[] = {
        {1, 8, 8, 3, 3, 3, 2, 1}, {2, 5, 6, 2, 2, 3, 2, 1}, {2, 5, 5, 2, 3, 2, 1, 1},
        {3, 4, 4, 2, 1, 1, 2, 0}, {1, 6, 6, 2, 3, 3, 1, 0}};
    const double h = 1e-6, tol = 1e-6;
    lq_rng r;
    long checked = 0;
    lq_rng_seed(&r, seed + 2);
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++)
        for (int below = 0; below <= 1; below++) {
            const shape *s = &cases[t];
            nn_layer L;
            double in[3 * 8 * 8], g[3 * 8 * 8], out[3 * 8 * 8], units[3 * 8 * 8], d[3 * 8 * 8];
            double du[3 * 8 * 8], gw[3 * 3 * 3 * 3], gb[3], dn[3 * 8 * 8];
            int am[3 * 8 * 8];
            if (make_layer(&L, s) != 0) {
                CHECK(0, "case %zu", t);
                continue;
            }
            for (int i = 0; i < L.in; i++) /* below_relu: the inputs are ReLU outputs */
                in[i] = lq_rng_uniform(&r) * 2 - (below ? 0.5 : 1);
            if (below)
                for (int i = 0; i < L.in; i++)
                    in[i] = in[i] < 0 ? 0 : in[i];
            for (long i = 0; i < nn_nweights(&L); i++)
                L.w[i] = lq_rng_uniform(&r) * 2 - 1;
            for (int o = 0; o < s->oc; o++)
                L.b[o] = lq_rng_uniform(&r) - 0.5;
            for (int q = 0; q < L.out; q++)
                g[q] = lq_rng_uniform(&r) * 2 - 1;
            nn_layer_forward(&L, in, out, units, am);
            for (int q = 0; q < L.out; q++) /* the gate the layer above applies */
                d[q] = s->relu && !(out[q] > 0) ? 0 : g[q];
            nn_conv_backward(&L, 1, d, in, am, du, gw, gb, dn, below);
            for (long i = 0; i < nn_nweights(&L) + nn_rows(&L); i++) {
                double *p = i < nn_nweights(&L) ? &L.w[i] : &L.b[i - nn_nweights(&L)];
                double keep = *p, fd, an = i < nn_nweights(&L) ? gw[i] : gb[i - nn_nweights(&L)];
                *p = keep + h;
                fd = loss(&L, in, g, out, units);
                *p = keep - h;
                fd = (fd - loss(&L, in, g, out, units)) / (2 * h);
                *p = keep;
                checked++;
                CHECK(fabs(fd - an) <= tol * (1 + fabs(fd)), "case %zu parameter %ld: backward "
                      "%.12g, finite difference %.12g", t, i, an, fd);
            }
            for (int i = 0; i < L.in; i++) {
                double keep = in[i], fd;
                if (below && !(in[i] > 0)) { /* gated: the delta is zero by definition */
                    CHECK(dn[i] == 0, "case %zu input %d: gated delta %g", t, i, dn[i]);
                    continue;
                }
                in[i] = keep + h;
                fd = loss(&L, in, g, out, units);
                in[i] = keep - h;
                fd = (fd - loss(&L, in, g, out, units)) / (2 * h);
                in[i] = keep;
                checked++;
                CHECK(fabs(fd - dn[i]) <= tol * (1 + fabs(fd)), "case %zu input %d: backward "
                      "%.12g, finite difference %.12g", t, i, dn[i], fd);
            }
            free(L.w);
            free(L.b);
        }
    printf("  %ld gradients against finite differences (seed %llu)\n", checked,
           (unsigned long long)seed);
}

int main(int argc, char **argv)
{
    const char *e = getenv("SEED");
    check_init(argc, argv);
    if (e)
        seed = strtoull(e, NULL, 10);
    RUN(test_forward);
    RUN(test_unit_inputs);
    RUN(test_log2_decoder);
    RUN(test_mac_windows);
    RUN(test_backward);
    return check_done();
}
