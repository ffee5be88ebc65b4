/* The shapes of dense and conv layers and their float forward pass (nn/nn.h; the
 * format: docs/eval.md, "Weight file"). Only libc and libm: the unit tests include
 * this file. */
#include <stdio.h>
#include <string.h>

#include "nn/nn.h"

int nn_fanin(const nn_layer *L)
{
    return L->is_conv ? L->c.in_ch * L->c.kh * L->c.kw : L->in;
}

int nn_rows(const nn_layer *L)
{
    return L->is_conv ? L->c.out_ch : L->out;
}

int nn_units(const nn_layer *L)
{
    return L->is_conv ? L->c.out_ch * L->c.oh0 * L->c.ow0 : L->out;
}

long nn_nweights(const nn_layer *L)
{
    return (long)nn_rows(L) * nn_fanin(L);
}

int nn_unit_row(const nn_layer *L, int u)
{
    return L->is_conv ? u / (L->c.oh0 * L->c.ow0) : u;
}

void nn_unit_inputs(const nn_layer *L, int u, int *idx)
{
    const nn_conv *c = &L->c;
    int p, y, x, i = 0;
    if (!L->is_conv) {
        for (i = 0; i < L->in; i++)
            idx[i] = i;
        return;
    }
    p = u % (c->oh0 * c->ow0);
    y = p / c->ow0;
    x = p % c->ow0;
    for (int ic = 0; ic < c->in_ch; ic++)
        for (int ky = 0; ky < c->kh; ky++)
            for (int kx = 0; kx < c->kw; kx++)
                idx[i++] = (ic * c->in_h + y + ky) * c->in_w + x + kx;
}

int nn_conv_shape(nn_layer *L, int in_ch, int in_h, int in_w, int out_ch, int kh, int kw,
                  int pool, char *msg, size_t len)
{
    nn_conv *c = &L->c;
    if (in_ch < 1 || in_ch > NN_CONV_CH_MAX || out_ch < 1 || out_ch > NN_CONV_CH_MAX) {
        snprintf(msg, len, "channels IN_CH %d, OUT_CH %d must be 1..%d", in_ch, out_ch,
                 NN_CONV_CH_MAX);
        return -1;
    }
    if (in_h < 1 || in_h > NN_CONV_MAP_MAX || in_w < 1 || in_w > NN_CONV_MAP_MAX) {
        snprintf(msg, len, "input map %dx%d: IN_H and IN_W must be 1..%d", in_h, in_w,
                 NN_CONV_MAP_MAX);
        return -1;
    }
    if (kh < 1 || kh > NN_CONV_K_MAX || kh > in_h || kw < 1 || kw > NN_CONV_K_MAX ||
        kw > in_w) {
        snprintf(msg, len, "kernel %dx%d must be 1..%d by 1..%d (at most %d and the input "
                 "map %dx%d)", kh, kw, in_h < NN_CONV_K_MAX ? in_h : NN_CONV_K_MAX,
                 in_w < NN_CONV_K_MAX ? in_w : NN_CONV_K_MAX, NN_CONV_K_MAX, in_h, in_w);
        return -1;
    }
    if (pool != 1 && pool != 2) {
        snprintf(msg, len, "pool %d is not 1 or 2", pool);
        return -1;
    }
    L->is_conv = 1;
    c->in_ch = in_ch, c->in_h = in_h, c->in_w = in_w;
    c->out_ch = out_ch, c->kh = kh, c->kw = kw, c->pool = pool;
    c->oh0 = in_h - kh + 1;
    c->ow0 = in_w - kw + 1;
    if (pool == 2 && (c->oh0 % 2 || c->ow0 % 2)) {
        snprintf(msg, len, "pool2 needs an even conv output map, got %dx%d (input %dx%d, "
                 "kernel %dx%d)", c->oh0, c->ow0, in_h, in_w, kh, kw);
        return -1;
    }
    c->oh = c->oh0 / pool;
    c->ow = c->ow0 / pool;
    L->in = in_ch * in_h * in_w;
    L->out = out_ch * c->oh * c->ow;
    return 0;
}

void nn_pool(const nn_layer *L, const double *units, double *out, int *argmax)
{
    const nn_conv *c = &L->c;
    for (int o = 0; o < c->out_ch; o++)
        for (int py = 0; py < c->oh; py++)
            for (int px = 0; px < c->ow; px++) {
                int q = (o * c->oh + py) * c->ow + px, best = -1;
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) {
                        int u = (o * c->oh0 + 2 * py + dy) * c->ow0 + 2 * px + dx;
                        if (best < 0 || units[u] > units[best])
                            best = u;
                    }
                out[q] = units[best];
                if (argmax)
                    argmax[q] = best;
            }
}

void nn_layer_forward(const nn_layer *L, const double *in, double *out, double *units,
                      int *argmax)
{
    int fanin = nn_fanin(L), nu = nn_units(L);
    int pooled = L->is_conv && L->c.pool == 2;
    double *z = pooled ? units : out;
    int idx[NN_FANIN_MAX];
    for (int u = 0; u < nu; u++) {
        int row = nn_unit_row(L, u);
        const double *w = L->w + (size_t)row * fanin;
        double s = L->b[row];
        if (L->is_conv) {
            nn_unit_inputs(L, u, idx);
            for (int i = 0; i < fanin; i++)
                s += w[i] * in[idx[i]];
        } else {
            for (int i = 0; i < fanin; i++)
                s += w[i] * in[i];
        }
        z[u] = L->relu && s < 0 ? 0 : s;
    }
    if (pooled)
        nn_pool(L, units, out, argmax);
}

void nn_conv_backward(const nn_layer *Ly, int nb, const double *d, const double *a,
                      const int *am, double *du, double *gw, double *gb, double *dn,
                      int below_relu)
{
    int fanin = nn_fanin(Ly), nu = nn_units(Ly), idx[NN_FANIN_MAX];
    memset(gw, 0, sizeof(double) * (size_t)nn_nweights(Ly));
    memset(gb, 0, sizeof(double) * (size_t)nn_rows(Ly));
    for (int b = 0; b < nb; b++) {
        const double *ab = a + (size_t)b * Ly->in, *db = d + (size_t)b * Ly->out;
        double *dnb = dn ? dn + (size_t)b * Ly->in : NULL;
        if (Ly->c.pool == 2) {
            memset(du, 0, sizeof(double) * (size_t)nu);
            for (int q = 0; q < Ly->out; q++)
                du[am[(size_t)b * Ly->out + q]] = db[q];
        } else {
            memcpy(du, db, sizeof(double) * (size_t)nu);
        }
        if (dnb)
            memset(dnb, 0, sizeof(double) * (size_t)Ly->in);
        for (int u = 0; u < nu; u++) {
            int row = nn_unit_row(Ly, u);
            double *g = gw + (size_t)row * fanin;
            const double *w = Ly->w + (size_t)row * fanin;
            if (du[u] == 0)
                continue;
            nn_unit_inputs(Ly, u, idx);
            gb[row] += du[u];
            for (int i = 0; i < fanin; i++) {
                g[i] += du[u] * ab[idx[i]];
                if (dnb)
                    dnb[idx[i]] += du[u] * w[i];
            }
        }
        if (dnb && below_relu)
            for (int i = 0; i < Ly->in; i++)
                if (!(ab[i] > 0))
                    dnb[i] = 0;
    }
}

int nn_act_max(const nn_net *net)
{
    int m = 1;
    for (int k = 0; k < net->nlayers; k++) {
        const nn_layer *L = &net->l[k];
        if (L->in > m)
            m = L->in;
        if (L->out > m)
            m = L->out;
        if (nn_units(L) > m)
            m = nn_units(L);
    }
    return m;
}

int nn_has_conv(const nn_net *net)
{
    for (int k = 0; k < net->nlayers; k++)
        if (net->l[k].is_conv)
            return 1;
    return 0;
}
