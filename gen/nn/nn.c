/* The digits network: float training and the weight file. Everything is seeded and
 * computed in a fixed order, so the same seed gives the same weights (on the same
 * libm: exp and sqrt are the only library calls). */
#include "nn/nn.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A weight file's numbers must be below 2^NN_ABS_LOG2_MAX in magnitude (docs/eval.md). */
enum { NN_ABS_LOG2_MAX = 64 };

int nn_init(nn_net *net, const int *sizes, int nsizes, lq_rng *r)
{
    nn_layer shape[NN_LAYERS_MAX];
    memset(net, 0, sizeof *net);
    memset(shape, 0, sizeof shape);
    if (nsizes < 2 || nsizes - 1 > NN_LAYERS_MAX)
        return -1;
    for (int k = 0; k < nsizes - 1; k++) {
        shape[k].in = sizes[k];
        shape[k].out = sizes[k + 1];
        shape[k].relu = k < nsizes - 2;
        if (sizes[k] < 1 || sizes[k] > NN_WIDTH_MAX || sizes[k + 1] < 1 ||
            sizes[k + 1] > NN_WIDTH_MAX)
            return -1;
    }
    return nn_init_layers(net, shape, nsizes - 1, r);
}

int nn_init_layers(nn_net *net, const nn_layer *shape, int nlayers, lq_rng *r)
{
    memset(net, 0, sizeof *net);
    if (nlayers < 1 || nlayers > NN_LAYERS_MAX)
        return -1;
    net->nlayers = nlayers;
    for (int k = 0; k < nlayers; k++) {
        nn_layer *L = &net->l[k];
        long nw;
        *L = shape[k];
        L->w = NULL;
        L->b = NULL;
        nw = nn_nweights(L);
        L->w = calloc((size_t)nw, sizeof *L->w);
        L->b = calloc((size_t)nn_rows(L), sizeof *L->b);
        if (!L->w || !L->b)
            goto fail;
        if (r) {
            double sd = sqrt(2.0 / nn_fanin(L));
            for (long i = 0; i < nw; i++)
                L->w[i] = sd * lq_rng_gauss(r);
        }
    }
    return 0;
fail:
    nn_free(net);
    return -1;
}

void nn_free(nn_net *net)
{
    for (int k = 0; k < NN_LAYERS_MAX; k++) {
        free(net->l[k].w);
        free(net->l[k].b);
    }
    memset(net, 0, sizeof *net);
}

int nn_argmax(const double *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

size_t nn_work_size(const nn_net *net)
{
    return 3 * (size_t)nn_act_max(net);
}

int nn_forward(const nn_net *net, double *work, const double *x, double *logits)
{
    size_t m = (size_t)nn_act_max(net);
    const double *a = x;
    for (int k = 0; k < net->nlayers; k++) {
        double *z = k == net->nlayers - 1 ? logits : work + (size_t)(k & 1) * m;
        nn_layer_forward(&net->l[k], a, z, work + 2 * m, NULL);
        a = z;
    }
    return nn_argmax(logits, net->l[net->nlayers - 1].out);
}

double nn_accuracy(const nn_net *net, const nn_data *s)
{
    double logits[NN_WIDTH_MAX], *work = malloc(nn_work_size(net) * sizeof *work);
    int ok = 0;
    if (!work)
        return -1;
    for (int i = 0; i < s->n; i++)
        ok += nn_forward(net, work, s->x[i], logits) == s->y[i];
    free(work);
    return s->n ? (double)ok / s->n : 0;
}

void nn_quantize_grad(double *g, int n, lq_scheme scheme, int bits)
{
    lq_format f = lq_format_default();
    double mx = 0;
    for (int i = 0; i < n; i++)
        if (fabs(g[i]) > mx)
            mx = fabs(g[i]);
    if (mx == 0)
        return;
    f.scheme = scheme;
    f.bits = bits;
    f.is_signed = true;
    f.rounding = LQ_NEAREST;
    f.fsr = lq_log2_round(mx, 0, LQ_FLOOR) + 1;
    if (f.fsr < -LQ_FSR_ABS_MAX + 64)
        f.fsr = -LQ_FSR_ABS_MAX + 64; /* keep every level a normal double */
    for (int i = 0; i < n; i++)
        g[i] = lq_dequantize(&f, lq_quantize(&f, g[i]));
}

/* Scratch of one minibatch: activations a[k] (input of layer k, a[nlayers] the logits)
 * and deltas, B rows each; for a pooled conv layer its units before the pool, which
 * unit each output took, and the delta of the units (one image). */
typedef struct {
    double *a[NN_LAYERS_MAX + 1];
    double *d[NN_LAYERS_MAX + 1];
    double *gw[NN_LAYERS_MAX], *gb[NN_LAYERS_MAX];
    double *vw[NN_LAYERS_MAX], *vb[NN_LAYERS_MAX];
    double *u[NN_LAYERS_MAX], *du;
    int *am[NN_LAYERS_MAX];
} scratch;

static void scratch_free(scratch *s)
{
    for (int k = 0; k <= NN_LAYERS_MAX; k++) {
        free(s->a[k]);
        free(s->d[k]);
        if (k < NN_LAYERS_MAX) {
            free(s->gw[k]);
            free(s->gb[k]);
            free(s->vw[k]);
            free(s->vb[k]);
            free(s->u[k]);
            free(s->am[k]);
        }
    }
    free(s->du);
}

static int width(const nn_net *net, int k)
{
    return k == 0 ? net->l[0].in : net->l[k - 1].out;
}

static int pooled(const nn_layer *L)
{
    return L->is_conv && L->c.pool == 2;
}

/* Gradients of a dense layer over the batch: gw, gb (zeroed first) from the deltas d of
 * its outputs and its inputs a; dn (NULL for the first layer): the delta of its inputs,
 * through the ReLU of the layer below (below_relu). */
static void dense_backward(const nn_layer *Ly, int nb, const double *d, const double *a,
                           double *gw0, double *gb, double *dn, int below_relu)
{
    memset(gw0, 0, sizeof(double) * (size_t)Ly->in * Ly->out);
    memset(gb, 0, sizeof(double) * (size_t)Ly->out);
    for (int b = 0; b < nb; b++)
        for (int j = 0; j < Ly->out; j++) {
            double dj = d[(size_t)b * Ly->out + j];
            double *gw = gw0 + (size_t)j * Ly->in;
            const double *ab = a + (size_t)b * Ly->in;
            if (dj == 0)
                continue;
            gb[j] += dj;
            for (int i = 0; i < Ly->in; i++)
                gw[i] += dj * ab[i];
        }
    if (dn)
        for (int b = 0; b < nb; b++)
            for (int i = 0; i < Ly->in; i++) {
                double sum = 0;
                if (!below_relu || a[(size_t)b * Ly->in + i] > 0)
                    for (int j = 0; j < Ly->out; j++)
                        sum += d[(size_t)b * Ly->out + j] * Ly->w[(size_t)j * Ly->in + i];
                dn[(size_t)b * Ly->in + i] = sum;
            }
}

int nn_train(nn_net *net, const nn_data *s, const nn_train_opts *o, lq_rng *r,
             const nn_data *test, FILE *logfp)
{
    scratch sc;
    int *order = malloc((size_t)s->n * sizeof *order), L = net->nlayers, B = o->batch;
    int rc = -1;

    memset(&sc, 0, sizeof sc);
    if (!order)
        return -1;
    sc.du = calloc((size_t)nn_act_max(net), sizeof(double));
    if (!sc.du)
        goto out;
    for (int k = 0; k <= L; k++) {
        sc.a[k] = calloc((size_t)B * width(net, k), sizeof(double));
        sc.d[k] = calloc((size_t)B * width(net, k), sizeof(double));
        if (!sc.a[k] || !sc.d[k])
            goto out;
        if (k < L) {
            const nn_layer *Ly = &net->l[k];
            size_t nw = (size_t)nn_nweights(Ly);
            sc.gw[k] = calloc(nw, sizeof(double));
            sc.vw[k] = calloc(nw, sizeof(double));
            sc.gb[k] = calloc((size_t)nn_rows(Ly), sizeof(double));
            sc.vb[k] = calloc((size_t)nn_rows(Ly), sizeof(double));
            if (!sc.gw[k] || !sc.vw[k] || !sc.gb[k] || !sc.vb[k])
                goto out;
            if (pooled(Ly)) {
                sc.u[k] = calloc((size_t)nn_units(Ly), sizeof(double));
                sc.am[k] = calloc((size_t)B * Ly->out, sizeof(int));
                if (!sc.u[k] || !sc.am[k])
                    goto out;
            }
        }
    }
    for (int i = 0; i < s->n; i++)
        order[i] = i;
    for (int ep = 0; ep < o->epochs; ep++) {
        double loss = 0;
        for (int i = s->n - 1; i > 0; i--) {
            int j = (int)lq_rng_below(r, (uint64_t)i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int start = 0; start < s->n; start += B) {
            int nb = s->n - start < B ? s->n - start : B;
            /* forward */
            for (int b = 0; b < nb; b++) {
                memcpy(sc.a[0] + (size_t)b * width(net, 0), s->x[order[start + b]],
                       sizeof(double) * (size_t)width(net, 0));
                for (int k = 0; k < L; k++)
                    nn_layer_forward(&net->l[k], sc.a[k] + (size_t)b * width(net, k),
                                     sc.a[k + 1] + (size_t)b * width(net, k + 1), sc.u[k],
                                     sc.am[k] ? sc.am[k] + (size_t)b * net->l[k].out : NULL);
            }
            /* softmax cross-entropy: delta of the logits = (p - onehot) / nb */
            for (int b = 0; b < nb; b++) {
                int nc = width(net, L), y = s->y[order[start + b]];
                double *z = sc.a[L] + (size_t)b * nc, *d = sc.d[L] + (size_t)b * nc;
                double mx = z[nn_argmax(z, nc)], sum = 0;
                for (int c = 0; c < nc; c++)
                    sum += exp(z[c] - mx);
                for (int c = 0; c < nc; c++) {
                    double p = exp(z[c] - mx) / sum;
                    d[c] = (p - (c == y)) / nb;
                }
                loss += -(z[y] - mx - log(sum));
            }
            /* backward */
            for (int k = L - 1; k >= 0; k--) {
                nn_layer *Ly = &net->l[k];
                double *d = sc.d[k + 1], *a = sc.a[k], *dn = k > 0 ? sc.d[k] : NULL;
                int below_relu = k > 0 && net->l[k - 1].relu;
                if (o->grad_bits > 0)
                    nn_quantize_grad(d, nb * Ly->out, o->grad_quant, o->grad_bits);
                if (Ly->is_conv)
                    nn_conv_backward(Ly, nb, d, a, sc.am[k], sc.du, sc.gw[k], sc.gb[k], dn,
                                     below_relu);
                else
                    dense_backward(Ly, nb, d, a, sc.gw[k], sc.gb[k], dn, below_relu);
                if (o->grad_bits > 0) {
                    nn_quantize_grad(sc.gw[k], (int)nn_nweights(Ly), o->grad_quant,
                                     o->grad_bits);
                    nn_quantize_grad(sc.gb[k], nn_rows(Ly), o->grad_quant, o->grad_bits);
                }
            }
            /* update: v = mu v - lr g; w += v */
            for (int k = 0; k < L; k++) {
                nn_layer *Ly = &net->l[k];
                for (long i = 0; i < nn_nweights(Ly); i++) {
                    sc.vw[k][i] = o->momentum * sc.vw[k][i] - o->lr * sc.gw[k][i];
                    Ly->w[i] += sc.vw[k][i];
                }
                for (int j = 0; j < nn_rows(Ly); j++) {
                    sc.vb[k][j] = o->momentum * sc.vb[k][j] - o->lr * sc.gb[k][j];
                    Ly->b[j] += sc.vb[k][j];
                }
            }
        }
        if (logfp) {
            fprintf(logfp, "epoch %3d  loss %.6f  train %.2f %%", ep + 1, loss / s->n,
                    100 * nn_accuracy(net, s));
            if (test)
                fprintf(logfp, "  test %.2f %%", 100 * nn_accuracy(net, test));
            fprintf(logfp, "\n");
        }
    }
    rc = 0;
out:
    free(order);
    scratch_free(&sc);
    return rc;
}

uint32_t nn_slq_mac_code(int bits, int k)
{
    int b = bits - 1;
    if (k == 0)
        return 0;
    return (k < 0 ? 1u << b : 0u) | (uint32_t)((1 << b) - abs(k));
}

/* ---- the weight file ---- */

void nn_save(const nn_net *net, lq_file *f)
{
    file_printf(f, "logq-nn 1\nlayers %d\n", net->nlayers);
    for (int k = 0; k < net->nlayers; k++) {
        const nn_layer *L = &net->l[k];
        int rows = nn_rows(L), fanin = nn_fanin(L);
        if (L->is_conv)
            file_printf(f, "conv %d %d %d %d %d %d %s pool%d\n", L->c.in_ch, L->c.in_h,
                        L->c.in_w, L->c.out_ch, L->c.kh, L->c.kw, L->relu ? "relu" : "linear",
                        L->c.pool);
        else
            file_printf(f, "layer %d %d %s\n", L->in, L->out, L->relu ? "relu" : "linear");
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < fanin; i++)
                file_printf(f, "%.17g%c", L->w[(size_t)j * fanin + i],
                            i == fanin - 1 ? '\n' : ' ');
        for (int j = 0; j < rows; j++)
            file_printf(f, "%.17g%c", L->b[j], j == rows - 1 ? '\n' : ' ');
    }
    file_printf(f, "end\n");
}

int nn_write_file(const nn_net *net, const char *path, const lq_cmd *c)
{
    lq_fileset fs;
    lq_file *f;
    char *d1 = strdup(path), *d2 = strdup(path);
    int rc = LQ_EXIT_FAIL;
    fileset_init(&fs);
    if (!d1 || !d2 || !(f = fileset_add(&fs, basename(d2)))) {
        cli_error("out of memory");
    } else {
        file_header(f, "#", c);
        nn_save(net, f);
        if (fileset_commit(&fs, dirname(d1)) == 0)
            rc = LQ_EXIT_OK;
    }
    fileset_free(&fs);
    free(d1);
    free(d2);
    return rc;
}

typedef struct {
    const char *path;
    FILE *fp;
    int lineno;
    char *line;
    size_t cap;
    char *msg;
    size_t len;
} reader;

/* The next line that is neither blank nor a comment ('#'), without its newline;
 * NULL at end of file. */
static char *next_line(reader *rd)
{
    while (getline(&rd->line, &rd->cap, rd->fp) >= 0) {
        char *p = rd->line;
        rd->lineno++;
        p[strcspn(p, "\r\n")] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && *p != '#')
            return p;
    }
    return NULL;
}

static int rd_error(reader *rd, const char *what)
{
    snprintf(rd->msg, rd->len, "%s:%d: %s", rd->path, rd->lineno, what);
    return -1;
}

/* Split p into whitespace-separated tokens (in place); returns the count (at most max;
 * max + 1 means "more than max"). */
static int tokens(char *p, char **tok, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(p, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == max)
            return max + 1;
        tok[n++] = t;
    }
    return n;
}

/* A line of exactly n numbers into v. */
static int read_numbers(reader *rd, double *v, int n, const char *what)
{
    char *tok[NN_FANIN_MAX + 1], buf[256];
    char *p = next_line(rd);
    int k;
    if (!p) {
        snprintf(buf, sizeof buf, "unexpected end of file: expected %s", what);
        return rd_error(rd, buf);
    }
    k = tokens(p, tok, NN_FANIN_MAX);
    if (k != n) {
        snprintf(buf, sizeof buf, "%s: expected %d numbers, got %s%d", what, n,
                 k > NN_FANIN_MAX ? "more than " : "", k > NN_FANIN_MAX ? NN_FANIN_MAX : k);
        return rd_error(rd, buf);
    }
    for (int i = 0; i < n; i++) {
        if (cli_parse_number(tok[i], &v[i]) != 0) {
            snprintf(buf, sizeof buf, "%s: value %d '%.40s' is not a finite number", what,
                     i + 1, tok[i]);
            return rd_error(rd, buf);
        }
        /* eval derives every FSR from the largest magnitudes (weights, and activations
         * through up to NN_LAYERS_MAX layers): bounded here, they stay in the formats'
         * FSR range, and the refusal names the value instead of a derived option. */
        if (fabs(v[i]) >= ldexp(1.0, NN_ABS_LOG2_MAX)) {
            snprintf(buf, sizeof buf, "%s: value %d '%.40s' is too large (the magnitude must "
                     "be below 2^%d)", what, i + 1, tok[i], NN_ABS_LOG2_MAX);
            return rd_error(rd, buf);
        }
    }
    return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_act(reader *rd, int k, const char *t, int *relu)
{
    char buf[128];
    if (strcmp(t, "relu") == 0 || strcmp(t, "linear") == 0) {
        *relu = strcmp(t, "relu") == 0;
        return 0;
    }
    snprintf(buf, sizeof buf, "layer %d: activation '%.30s' is not relu or linear", k + 1, t);
    return rd_error(rd, buf);
}

#define LAYER_SYNTAX "'layer IN OUT relu|linear' or 'conv IN_CH IN_H IN_W OUT_CH KH KW " \
                     "relu|linear pool1|pool2'"

/* The line of layer k: its shape and activation into net->l[k], checked against the
 * layer below (conv layers come first, sizes chain). */
static int parse_layer_line(reader *rd, nn_net *net, int k, int allow_conv)
{
    nn_layer *L = &net->l[k];
    char *p = next_line(rd), *tok[10], line[80], buf[320];
    int n;
    if (!p)
        return rd_error(rd, "unexpected end of file: expected " LAYER_SYNTAX);
    snprintf(line, sizeof line, "%.60s", p);
    n = tokens(p, tok, 9);
    if (n == 4 && strcmp(tok[0], "layer") == 0) {
        if (parse_int(tok[1], 1, NN_WIDTH_MAX, &L->in) != 0 ||
            parse_int(tok[2], 1, NN_WIDTH_MAX, &L->out) != 0) {
            snprintf(buf, sizeof buf, "layer %d: widths '%.20s %.20s' must be integers 1..%d",
                     k + 1, tok[1], tok[2], NN_WIDTH_MAX);
            return rd_error(rd, buf);
        }
        if (parse_act(rd, k, tok[3], &L->relu) != 0)
            return -1;
    } else if (n == 9 && strcmp(tok[0], "conv") == 0) {
        static const char *names[6] = {"IN_CH", "IN_H", "IN_W", "OUT_CH", "KH", "KW"};
        int v[6];
        if (!allow_conv) {
            snprintf(buf, sizeof buf, "layer %d is a conv layer ('%s'): this command takes "
                     "dense layers only", k + 1, line);
            return rd_error(rd, buf);
        }
        for (int i = 0; i < 6; i++)
            if (parse_int(tok[i + 1], 1, NN_ACT_MAX, &v[i]) != 0) {
                snprintf(buf, sizeof buf, "layer %d: %s '%.20s' is not a positive integer",
                         k + 1, names[i], tok[i + 1]);
                return rd_error(rd, buf);
            }
        if (parse_act(rd, k, tok[7], &L->relu) != 0)
            return -1;
        if (strcmp(tok[8], "pool1") != 0 && strcmp(tok[8], "pool2") != 0) {
            snprintf(buf, sizeof buf, "layer %d: pooling '%.30s' is not pool1 or pool2", k + 1,
                     tok[8]);
            return rd_error(rd, buf);
        }
        if (k > 0 && !net->l[k - 1].is_conv) {
            snprintf(buf, sizeof buf, "layer %d is conv after the dense layer %d: conv "
                     "layers come first ('%s')", k + 1, k, line);
            return rd_error(rd, buf);
        }
        if (nn_conv_shape(L, v[0], v[1], v[2], v[3], v[4], v[5], tok[8][4] - '0', buf,
                          sizeof buf) != 0) {
            char b2[448];
            snprintf(b2, sizeof b2, "layer %d: %s, '%s'", k + 1, buf, line);
            return rd_error(rd, b2);
        }
    } else {
        snprintf(buf, sizeof buf, "expected " LAYER_SYNTAX ", got '%.30s'", line);
        return rd_error(rd, buf);
    }
    if (k > 0 && L->in != net->l[k - 1].out) {
        if (L->is_conv)
            snprintf(buf, sizeof buf, "layer %d has %d inputs (%dx%dx%d) but layer %d has %d "
                     "outputs ('%s')", k + 1, L->in, L->c.in_ch, L->c.in_h, L->c.in_w, k,
                     net->l[k - 1].out, line);
        else
            snprintf(buf, sizeof buf, "layer %d has %d inputs but layer %d has %d outputs",
                     k + 1, L->in, k, net->l[k - 1].out);
        return rd_error(rd, buf);
    }
    return 0;
}

static int load(const char *path, nn_net *net, int allow_conv, char *msg, size_t len)
{
    reader rd = {path, NULL, 0, NULL, 0, msg, len};
    char *p, *tok[5], buf[256];
    int nl, rc = -1, last_line = 0;

    memset(net, 0, sizeof *net);
    rd.fp = fopen(path, "r");
    if (!rd.fp) {
        snprintf(msg, len, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    p = next_line(&rd);
    if (!p || tokens(p, tok, 2) != 2 || strcmp(tok[0], "logq-nn") != 0 ||
        strcmp(tok[1], "1") != 0) {
        rd_error(&rd, "not a logq weight file: the first line must be 'logq-nn 1'");
        goto out;
    }
    p = next_line(&rd);
    snprintf(buf, sizeof buf, "%s", p ? p : "end of file");
    if (!p || tokens(p, tok, 2) != 2 || strcmp(tok[0], "layers") != 0 ||
        parse_int(tok[1], 1, NN_LAYERS_MAX, &nl) != 0) {
        char got[80];
        snprintf(got, sizeof got, "%.40s", buf);
        snprintf(buf, sizeof buf, "expected 'layers N' with N in 1..%d, got '%s'", NN_LAYERS_MAX, got);
        rd_error(&rd, buf);
        goto out;
    }
    net->nlayers = nl;
    for (int k = 0; k < nl; k++) {
        nn_layer *L = &net->l[k];
        int rows, fanin;
        char what[96];
        if (parse_layer_line(&rd, net, k, allow_conv) != 0)
            goto out;
        last_line = rd.lineno;
        rows = nn_rows(L);
        fanin = nn_fanin(L);
        L->w = calloc((size_t)nn_nweights(L), sizeof *L->w);
        L->b = calloc((size_t)rows, sizeof *L->b);
        if (!L->w || !L->b) {
            snprintf(msg, len, "%s: out of memory", path);
            goto out;
        }
        for (int j = 0; j < rows; j++) {
            snprintf(what, sizeof what, "layer %d weights of output%s %d", k + 1,
                     L->is_conv ? " channel" : "", j + 1);
            if (read_numbers(&rd, L->w + (size_t)j * fanin, fanin, what) != 0)
                goto out;
        }
        snprintf(what, sizeof what, "layer %d biases", k + 1);
        if (read_numbers(&rd, L->b, rows, what) != 0)
            goto out;
    }
    if (net->l[nl - 1].is_conv) {
        snprintf(buf, sizeof buf, "the last layer (%d) is conv: the network ends with a "
                 "dense layer", nl);
        rd.lineno = last_line; /* the message names that layer's line */
        rd_error(&rd, buf);
        goto out;
    }
    p = next_line(&rd);
    if (!p || strcmp(p, "end") != 0) {
        snprintf(buf, sizeof buf, "expected 'end' after the last layer, got '%.30s'",
                 p ? p : "end of file");
        rd_error(&rd, buf);
        goto out;
    }
    if ((p = next_line(&rd)) != NULL) {
        snprintf(buf, sizeof buf, "unexpected text after 'end': '%.30s'", p);
        rd_error(&rd, buf);
        goto out;
    }
    if (ferror(rd.fp)) {
        snprintf(msg, len, "%s: read error", path);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        nn_free(net);
    free(rd.line);
    fclose(rd.fp);
    return rc;
}

int nn_load_conv(const char *path, nn_net *net, char *msg, size_t len)
{
    return load(path, net, 1, msg, len);
}

int nn_load(const char *path, nn_net *net, char *msg, size_t len)
{
    return load(path, net, 0, msg, len);
}
