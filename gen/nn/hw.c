/* The integer network (docs/net.md): what `logq gen net`'s hardware computes, bit for
 * bit. Nothing here is a double except the two places the spec names: the bias of
 * the weight file is rounded once to the sum's fixed point, and a pre-activation is
 * handed to lq_quantize / lq_slq_encode as its exact value (an integer below 2^53
 * times a power of two).
 *
 * A conv layer is the dense engine applied per output pixel: unit u = (o, y, x) is
 * the dot product of kernel row o with the window of u (nn_unit_inputs, the
 * [ic][ky][kx] order of the weight row), plus bias o, then the ReLU; with pool2 the
 * pooled value is the maximum of the four pre-activations, re-quantized once. The
 * hardware pools the four codes instead: the quantizer is monotonic (a larger value
 * never gets a smaller code, and codes of unsigned linear and log formats compare
 * as their values), so max(q(a), q(b)) = q(max(a, b)): the same code. */
#include "nn/hw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Smallest signed width holding lo..hi. */
static int signed_bits(__int128 lo, __int128 hi)
{
    int w = 1;
    while (w < 126 && (lo < -((__int128)1 << (w - 1)) || hi > ((__int128)1 << (w - 1)) - 1))
        w++;
    return w;
}

static int slots_of(const lq_format *f)
{
    return f->scheme == LQ_SLQ ? f->max_words : 1;
}

/* The code words of x in format f, slot by slot. */
static void quant_slots(const lq_format *f, double x, uint32_t *code, int stride)
{
    if (f->scheme == LQ_SLQ) {
        lq_slq_value v = lq_slq_encode(f, x);
        for (int s = 0; s < f->max_words; s++)
            code[s * stride] = s < v.n ? nn_slq_mac_code(f->bits, v.k[s]) : 0;
    } else {
        code[0] = lq_quantize(f, x);
    }
}

lq_format hw_mac_format(const lq_format *f)
{
    lq_format m = *f;
    if (m.scheme == LQ_SLQ) {
        m.scheme = LQ_LOG2;
        m.is_signed = true;
        m.max_words = 1;
    }
    return m;
}

/* Exponent of a linear code's step. */
static int linear_step_exp(const lq_format *f)
{
    return f->fsr - f->bits + (f->is_signed ? 1 : 0);
}

void hw_free(hw_net *h)
{
    for (int k = 0; k < NN_LAYERS_MAX; k++) {
        free(h->l[k].wcode);
        free(h->l[k].bias);
    }
    memset(h, 0, sizeof *h);
}

static int fail(char *msg, size_t len, hw_net *h, const char *what)
{
    snprintf(msg, len, "%s", what);
    hw_free(h);
    return -1;
}

int hw_build(hw_net *h, const nn_net *net, const hw_spec *s, char *msg, size_t len)
{
    char buf[320];
    memset(h, 0, sizeof *h);
    h->spec = *s;
    h->nlayers = net->nlayers;
    if (s->nlayers != net->nlayers)
        return fail(msg, len, h, "the spec and the network differ in depth");
    for (int k = 0; k < net->nlayers; k++) {
        const nn_layer *N = &net->l[k];
        hw_layer *L = &h->l[k];
        const lq_format *fw = &s->w[k], *fa = &s->a[k];
        int bmin_set = 0;
        __int128 bmin = 0, bmax = 0, zlo, zhi;
        L->in = nn_fanin(N);
        L->out = nn_rows(N);
        L->relu = N->relu;
        L->is_conv = N->is_conv;
        L->c = N->c;
        L->act_in = N->in;
        L->act_out = N->out;
        L->units = nn_units(N);
        if (L->act_in > NN_WIDTH_MAX || L->act_out > NN_WIDTH_MAX || L->units > NN_WIDTH_MAX ||
            L->in > NN_WIDTH_MAX) {
            snprintf(buf, sizeof buf, "layer %d: %d inputs, %d outputs, %d dot products of %d "
                     "inputs per image: the integer network takes at most %d of each", k + 1,
                     L->act_in, L->act_out, L->units, L->in, NN_WIDTH_MAX);
            return fail(msg, len, h, buf);
        }
        L->wslots = slots_of(fw);
        L->aslots = slots_of(fa);
        L->lanes = s->lanes[k];
        if (L->lanes < 1 || L->lanes > LQ_MAC_LANES_MAX) {
            snprintf(buf, sizeof buf, "layer %d: %d lanes (1..%d)", k + 1, L->lanes,
                     LQ_MAC_LANES_MAX);
            return fail(msg, len, h, buf);
        }
        L->chunks = (L->in + L->lanes - 1) / L->lanes;
        L->beats = L->wslots * L->aslots * L->chunks;
        if (lq_format_check(fw, buf, sizeof buf) != 0 || lq_format_check(fa, buf, sizeof buf) != 0) {
            char b2[360];
            snprintf(b2, sizeof b2, "layer %d: %s", k + 1, buf);
            return fail(msg, len, h, b2);
        }
        if (fw->scheme == LQ_LINEAR) {
            if (fa->scheme != LQ_LINEAR) {
                snprintf(buf, sizeof buf, "layer %d: linear weights need linear activations, "
                         "got %s", k + 1, lq_scheme_name(fa->scheme));
                return fail(msg, len, h, buf);
            }
            L->mode = HW_LINEAR_ENGINE;
            L->mac.w = *fw; /* the formats of the codes the products take */
            L->mac.a = *fa;
            L->lsb = linear_step_exp(fw) + linear_step_exp(fa);
            /* the signed widths of the two codes add; IN products add clog2(IN) bits
             * (the widths of the hardware's linear engine, docs/net.md) */
            {
                int lg = 0;
                while ((1 << lg) < L->in)
                    lg++;
                L->sum_bits = fw->bits + !fw->is_signed + fa->bits + !fa->is_signed + lg;
            }
        } else {
            lq_mac_config *c = &L->mac;
            lq_format mw = hw_mac_format(fw), ma = hw_mac_format(fa);
            memset(c, 0, sizeof *c);
            if (ma.scheme == LQ_LINEAR)
                c->mode = LQ_MAC_SHIFT;
            else if (ma.scheme == mw.scheme)
                c->mode = LQ_MAC_LOGLOG;
            else {
                snprintf(buf, sizeof buf, "layer %d: %s weights with %s activations: no MAC "
                         "mode multiplies them (same base or linear activations)", k + 1,
                         lq_scheme_name(fw->scheme), lq_scheme_name(fa->scheme));
                return fail(msg, len, h, buf);
            }
            c->lanes = L->lanes;
            c->w = mw;
            c->a = ma;
            c->sqrt2_frac = s->sqrt2_frac;
            c->frac = LQ_MAC_FRAC_EXACT;
            c->max_beats = L->beats;
            if (lq_mac_derive(c, &L->wd, buf, sizeof buf) != 0) {
                char b2[360];
                snprintf(b2, sizeof b2, "layer %d: %s", k + 1, buf);
                return fail(msg, len, h, b2);
            }
            L->mode = c->mode;
            L->lsb = L->wd.out_lsb_exp;
            L->sum_bits = L->wd.out_bits;
        }
        if (L->sum_bits > 62) {
            snprintf(buf, sizeof buf, "layer %d: the dot product needs %d bits; the integer "
                     "network takes at most 62 (fewer weight or activation bits, or a "
                     "smaller FSR range)", k + 1, L->sum_bits);
            return fail(msg, len, h, buf);
        }
        /* weights */
        L->wcode = calloc((size_t)L->out * L->wslots * L->chunks * L->lanes, sizeof *L->wcode);
        L->bias = calloc((size_t)L->out, sizeof *L->bias);
        if (!L->wcode || !L->bias)
            return fail(msg, len, h, "out of memory");
        for (int j = 0; j < L->out; j++) {
            uint32_t *row = L->wcode + (size_t)j * L->wslots * L->chunks * L->lanes;
            double t;
            for (int i = 0; i < L->in; i++)
                quant_slots(fw, N->w[(size_t)j * L->in + i], row + i, L->chunks * L->lanes);
            /* the bias, rounded once to the sum's fixed point, half away from zero */
            t = ldexp(N->b[j], -L->lsb);
            if (!(fabs(t) < 0x1p62)) {
                snprintf(buf, sizeof buf, "layer %d: bias %d (%.17g) is %.3g LSBs of the "
                         "sum (LSB 2^%d): more than 2^62", k + 1, j + 1, N->b[j], t, L->lsb);
                return fail(msg, len, h, buf);
            }
            L->bias[j] = (int64_t)(s->fault ? trunc(t) : round(t));
            if (!bmin_set || L->bias[j] < bmin)
                bmin = L->bias[j];
            if (!bmin_set || L->bias[j] > bmax)
                bmax = L->bias[j];
            bmin_set = 1;
        }
        zlo = -((__int128)1 << (L->sum_bits - 1)) + bmin;
        zhi = ((__int128)1 << (L->sum_bits - 1)) - 1 + bmax;
        L->z_bits = signed_bits(zlo, zhi);
        if (L->z_bits > 63) {
            snprintf(buf, sizeof buf, "layer %d: sum + bias needs %d bits (at most 63)", k + 1,
                     L->z_bits);
            return fail(msg, len, h, buf);
        }
        /* The next quantizer takes the exact value z * 2^lsb as a double: exact when
         * |z| < 2^53; wider pre-activations are clamped where the next format has
         * saturated already: every level of a log or linear format is below 2^fsr,
         * an SLQ value of L <= 8 words saturates all its words from 2^(fsr + 3). */
        L->clamp = 0;
        if (k + 1 < net->nlayers && L->z_bits - 1 > HW_VALUE_BITS) {
            const lq_format *fn = &s->a[k + 1];
            int e = fn->fsr + (fn->scheme == LQ_SLQ ? 3 : 0) - L->lsb;
            if (e > HW_VALUE_BITS) {
                snprintf(buf, sizeof buf, "layer %d: the activations' full scale 2^%d is "
                         "2^%d LSBs of the pre-activation (LSB 2^%d): more than 2^%d", k + 1,
                         fn->fsr, e, L->lsb, HW_VALUE_BITS);
                return fail(msg, len, h, buf);
            }
            L->clamp = e < 0 ? 1 : (int64_t)1 << e;
        }
    }
    return 0;
}

void hw_input(const hw_net *h, const double *x, hw_acts *in)
{
    memset(in, 0, sizeof *in);
    for (int i = 0; i < h->l[0].act_in; i++)
        quant_slots(&h->spec.a[0], x[i], &in->code[0][i], NN_WIDTH_MAX);
}

/* One dot product of layer L: output j on activations a. */
static int64_t dot(const hw_layer *L, int j, const hw_acts *a)
{
    const uint32_t *row = L->wcode + (size_t)j * L->wslots * L->chunks * L->lanes;
    int n = L->chunks * L->lanes;
    if (L->mode == HW_LINEAR_ENGINE) {
        int64_t s = 0;
        for (int i = 0; i < L->in; i++)
            s += lq_linear_int(&L->mac.w, row[i]) * lq_linear_int(&L->mac.a, a->code[0][i]);
        return s;
    }
    {
        lq_mac_state st;
        lq_wide out;
        uint32_t ac[LQ_MAC_LANES_MAX];
        int beat = 0;
        char m[128];
        lq_mac_reset(&st, &L->mac, m, sizeof m); /* derived at build: cannot fail */
        for (int s1 = 0; s1 < L->wslots; s1++)
            for (int s2 = 0; s2 < L->aslots; s2++)
                for (int ch = 0; ch < L->chunks; ch++) {
                    for (int i = 0; i < L->lanes; i++) {
                        int q = ch * L->lanes + i;
                        ac[i] = q < L->in ? a->code[s2][q] : 0;
                    }
                    beat++;
                    lq_mac_step(&st, ac, row + (size_t)s1 * n + ch * L->lanes, beat == L->beats,
                                &out);
                }
        return (int64_t)out.limb[0]; /* sum_bits <= 62: the low limb, sign-extended */
    }
}

void hw_requant(const hw_net *h, int k, int64_t z, uint32_t *code, int stride)
{
    const hw_layer *L = &h->l[k];
    if (L->clamp && z > L->clamp)
        z = L->clamp;
    if (L->clamp && z < -L->clamp)
        z = -L->clamp;
    quant_slots(&h->spec.a[k + 1], ldexp((double)z, L->lsb), code, stride);
}

/* A conv layer's pre-activations (after the ReLU), unit by unit (CHW of the conv
 * output map): each the dot product of its kernel row with its window, gathered from
 * the input codes, plus the bias. win: scratch. */
static void conv_units(const hw_layer *L, const hw_acts *a, hw_acts *win, int64_t *z)
{
    const nn_conv *c = &L->c;
    int px = c->oh0 * c->ow0;
    for (int u = 0; u < L->units; u++) {
        int o = u / px, y = (u % px) / c->ow0, x = u % c->ow0, i = 0;
        for (int ic = 0; ic < c->in_ch; ic++)
            for (int ky = 0; ky < c->kh; ky++)
                for (int kx = 0; kx < c->kw; kx++, i++)
                    for (int s = 0; s < L->aslots; s++)
                        win->code[s][i] = a->code[s][(ic * c->in_h + y + ky) * c->in_w + x + kx];
        z[u] = dot(L, o, win) + L->bias[o];
        if (L->relu && z[u] < 0)
            z[u] = 0;
    }
}

/* The 2x2 max pool (stride 2) of a conv layer's pre-activations, CHW in and out. */
static void pool2(const nn_conv *c, const int64_t *z, int64_t *out)
{
    for (int o = 0; o < c->out_ch; o++)
        for (int py = 0; py < c->oh; py++)
            for (int px = 0; px < c->ow; px++) {
                const int64_t *p = z + ((size_t)o * c->oh0 + 2 * py) * c->ow0 + 2 * px;
                int64_t m = p[0];
                if (p[1] > m)
                    m = p[1];
                if (p[c->ow0] > m)
                    m = p[c->ow0];
                if (p[c->ow0 + 1] > m)
                    m = p[c->ow0 + 1];
                out[((size_t)o * c->oh + py) * c->ow + px] = m;
            }
}

int hw_infer(const hw_net *h, const hw_acts *in, int64_t *logits)
{
    hw_acts buf[2], win;
    int64_t zu[NN_WIDTH_MAX], zp[NN_WIDTH_MAX];
    const hw_acts *a = in;
    int last = h->nlayers - 1, best = 0;
    for (int k = 0; k < h->nlayers; k++) {
        const hw_layer *L = &h->l[k];
        hw_acts *nx = &buf[k & 1];
        const int64_t *z = zu;
        if (k < last)
            memset(nx, 0, sizeof *nx);
        if (L->is_conv) {
            conv_units(L, a, &win, zu);
            if (L->c.pool == 2) {
                pool2(&L->c, zu, zp);
                z = zp;
            }
        } else {
            for (int j = 0; j < L->out; j++) {
                zu[j] = dot(L, j, a) + L->bias[j];
                if (L->relu && zu[j] < 0)
                    zu[j] = 0;
            }
        }
        for (int j = 0; j < L->act_out; j++) {
            if (k == last)
                logits[j] = z[j];
            else
                hw_requant(h, k, z[j], &nx->code[0][j], NN_WIDTH_MAX);
        }
        a = nx;
    }
    for (int j = 1; j < h->l[last].act_out; j++)
        if (logits[j] > logits[best])
            best = j;
    return best;
}

double hw_accuracy(const hw_net *h, const nn_data *s)
{
    int ok = 0;
    for (int i = 0; i < s->n; i++) {
        hw_acts in;
        int64_t logits[NN_WIDTH_MAX];
        hw_input(h, s->x[i], &in);
        ok += hw_infer(h, &in, logits) == s->y[i];
    }
    return s->n ? 100.0 * ok / s->n : 0;
}

void hw_print_table(const hw_row *rows, int nrows, const int *bits, int nbits, int nlayers)
{
    printf("\nInteger-only inference (--hw, docs/net.md): eval's double-bias cell and the\n"
           "hardware's integer network (integer bias, integer ReLU and re-quantization,\n"
           "fixed-point logits, first maximum wins), test accuracy (%%):\n\n"
           "| weights | activations | arithmetic |");
    for (int b = 0; b < nbits; b++)
        printf(" %db |", bits[b]);
    printf("\n|---|---|---|");
    for (int b = 0; b < nbits; b++)
        printf("---:|");
    printf("\n");
    for (int r = 0; r < nrows; r++)
        for (int t = 0; t < 2; t++) {
            printf("| %s | %s | %s |", rows[r].scheme, rows[r].act, t ? "integer (hw)" : "double bias");
            for (int b = 0; b < nbits; b++) {
                double v = t ? rows[r].hw[b] : rows[r].dbl[b];
                if (isnan(v))
                    printf(" - |");
                else
                    printf(" %.2f |", v);
            }
            printf("\n");
        }
    for (int r = 0; r < nrows; r++)
        for (int b = 0; b < nbits; b++)
            if (rows[r].why[b][0])
                printf("\n- %s x %s, %d bits: not built: %s", rows[r].scheme, rows[r].act,
                       bits[b], rows[r].why[b]);
    printf("\n");
    printf("\nThe FSRs of each cell, as `logq gen net --fsr-from` reads them:\n\n");
    for (int r = 0; r < nrows; r++)
        for (int b = 0; b < nbits; b++) {
            printf("hw-fsr %s %s %d --wfsr ", rows[r].scheme, rows[r].act, bits[b]);
            for (int k = 0; k < nlayers; k++)
                printf("%s%d", k ? "," : "", rows[r].wfsr[b][k]);
            printf(" --afsr ");
            for (int k = 0; k < nlayers; k++)
                printf("%s%d", k ? "," : "", rows[r].afsr[b][k]);
            printf("\n");
        }
}
