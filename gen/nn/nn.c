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
    memset(net, 0, sizeof *net);
    if (nsizes < 2 || nsizes - 1 > NN_LAYERS_MAX)
        return -1;
    net->nlayers = nsizes - 1;
    for (int k = 0; k < net->nlayers; k++) {
        nn_layer *L = &net->l[k];
        double sd;
        if (sizes[k] < 1 || sizes[k] > NN_WIDTH_MAX || sizes[k + 1] < 1 ||
            sizes[k + 1] > NN_WIDTH_MAX)
            goto fail;
        L->in = sizes[k];
        L->out = sizes[k + 1];
        L->relu = k < net->nlayers - 1;
        L->w = calloc((size_t)L->in * L->out, sizeof *L->w);
        L->b = calloc((size_t)L->out, sizeof *L->b);
        if (!L->w || !L->b)
            goto fail;
        if (r) {
            sd = sqrt(2.0 / L->in);
            for (int i = 0; i < L->in * L->out; i++)
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

static void layer_forward(const nn_layer *L, const double *a, double *z)
{
    for (int j = 0; j < L->out; j++) {
        const double *w = L->w + (size_t)j * L->in;
        double s = L->b[j];
        for (int i = 0; i < L->in; i++)
            s += w[i] * a[i];
        z[j] = L->relu && s < 0 ? 0 : s;
    }
}

int nn_argmax(const double *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

int nn_forward(const nn_net *net, const double *x, double *logits)
{
    double buf[2][NN_WIDTH_MAX];
    const double *a = x;
    int k;
    for (k = 0; k < net->nlayers; k++) {
        double *z = k == net->nlayers - 1 ? logits : buf[k & 1];
        layer_forward(&net->l[k], a, z);
        a = z;
    }
    return nn_argmax(logits, net->l[net->nlayers - 1].out);
}

double nn_accuracy(const nn_net *net, const nn_data *s)
{
    double logits[NN_WIDTH_MAX];
    int ok = 0;
    for (int i = 0; i < s->n; i++)
        ok += nn_forward(net, s->x[i], logits) == s->y[i];
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
 * and deltas, B rows each. */
typedef struct {
    double *a[NN_LAYERS_MAX + 1];
    double *d[NN_LAYERS_MAX + 1];
    double *gw[NN_LAYERS_MAX], *gb[NN_LAYERS_MAX];
    double *vw[NN_LAYERS_MAX], *vb[NN_LAYERS_MAX];
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
        }
    }
}

static int width(const nn_net *net, int k)
{
    return k == 0 ? net->l[0].in : net->l[k - 1].out;
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
    for (int k = 0; k <= L; k++) {
        sc.a[k] = calloc((size_t)B * width(net, k), sizeof(double));
        sc.d[k] = calloc((size_t)B * width(net, k), sizeof(double));
        if (!sc.a[k] || !sc.d[k])
            goto out;
        if (k < L) {
            size_t nw = (size_t)net->l[k].in * net->l[k].out;
            sc.gw[k] = calloc(nw, sizeof(double));
            sc.vw[k] = calloc(nw, sizeof(double));
            sc.gb[k] = calloc((size_t)net->l[k].out, sizeof(double));
            sc.vb[k] = calloc((size_t)net->l[k].out, sizeof(double));
            if (!sc.gw[k] || !sc.vw[k] || !sc.gb[k] || !sc.vb[k])
                goto out;
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
                    layer_forward(&net->l[k], sc.a[k] + (size_t)b * width(net, k),
                                  sc.a[k + 1] + (size_t)b * width(net, k + 1));
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
                double *d = sc.d[k + 1], *a = sc.a[k];
                if (o->grad_bits > 0)
                    nn_quantize_grad(d, nb * Ly->out, o->grad_quant, o->grad_bits);
                memset(sc.gw[k], 0, sizeof(double) * (size_t)Ly->in * Ly->out);
                memset(sc.gb[k], 0, sizeof(double) * (size_t)Ly->out);
                for (int b = 0; b < nb; b++)
                    for (int j = 0; j < Ly->out; j++) {
                        double dj = d[(size_t)b * Ly->out + j];
                        double *gw = sc.gw[k] + (size_t)j * Ly->in;
                        const double *ab = a + (size_t)b * Ly->in;
                        if (dj == 0)
                            continue;
                        sc.gb[k][j] += dj;
                        for (int i = 0; i < Ly->in; i++)
                            gw[i] += dj * ab[i];
                    }
                if (k > 0) { /* delta of the layer below, through its ReLU */
                    double *dn = sc.d[k];
                    for (int b = 0; b < nb; b++)
                        for (int i = 0; i < Ly->in; i++) {
                            double sum = 0;
                            if (a[(size_t)b * Ly->in + i] > 0)
                                for (int j = 0; j < Ly->out; j++)
                                    sum += d[(size_t)b * Ly->out + j] *
                                           Ly->w[(size_t)j * Ly->in + i];
                            dn[(size_t)b * Ly->in + i] = sum;
                        }
                }
                if (o->grad_bits > 0) {
                    nn_quantize_grad(sc.gw[k], Ly->in * Ly->out, o->grad_quant, o->grad_bits);
                    nn_quantize_grad(sc.gb[k], Ly->out, o->grad_quant, o->grad_bits);
                }
            }
            /* update: v = mu v - lr g; w += v */
            for (int k = 0; k < L; k++) {
                nn_layer *Ly = &net->l[k];
                for (int i = 0; i < Ly->in * Ly->out; i++) {
                    sc.vw[k][i] = o->momentum * sc.vw[k][i] - o->lr * sc.gw[k][i];
                    Ly->w[i] += sc.vw[k][i];
                }
                for (int j = 0; j < Ly->out; j++) {
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
        file_printf(f, "layer %d %d %s\n", L->in, L->out, L->relu ? "relu" : "linear");
        for (int j = 0; j < L->out; j++)
            for (int i = 0; i < L->in; i++)
                file_printf(f, "%.17g%c", L->w[(size_t)j * L->in + i],
                            i == L->in - 1 ? '\n' : ' ');
        for (int j = 0; j < L->out; j++)
            file_printf(f, "%.17g%c", L->b[j], j == L->out - 1 ? '\n' : ' ');
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
    char *tok[NN_WIDTH_MAX + 1], buf[256];
    char *p = next_line(rd);
    int k;
    if (!p) {
        snprintf(buf, sizeof buf, "unexpected end of file: expected %s", what);
        return rd_error(rd, buf);
    }
    k = tokens(p, tok, NN_WIDTH_MAX);
    if (k != n) {
        snprintf(buf, sizeof buf, "%s: expected %d numbers, got %s%d", what, n,
                 k > NN_WIDTH_MAX ? "more than " : "", k > NN_WIDTH_MAX ? NN_WIDTH_MAX : k);
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

int nn_load(const char *path, nn_net *net, char *msg, size_t len)
{
    reader rd = {path, NULL, 0, NULL, 0, msg, len};
    char *p, *tok[5], buf[256];
    int n, nl, rc = -1;

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
        char what[96];
        p = next_line(&rd);
        if (!p) {
            rd_error(&rd, "unexpected end of file: expected 'layer IN OUT relu|linear'");
            goto out;
        }
        snprintf(buf, sizeof buf, "%s", p);
        n = tokens(p, tok, 4);
        if (n != 4 || strcmp(tok[0], "layer") != 0) {
            snprintf(what, sizeof what, "expected 'layer IN OUT relu|linear', got '%.30s'", buf);
            rd_error(&rd, what);
            goto out;
        }
        if (parse_int(tok[1], 1, NN_WIDTH_MAX, &L->in) != 0 ||
            parse_int(tok[2], 1, NN_WIDTH_MAX, &L->out) != 0) {
            snprintf(buf, sizeof buf, "layer %d: widths '%.20s %.20s' must be integers 1..%d",
                     k + 1, tok[1], tok[2], NN_WIDTH_MAX);
            rd_error(&rd, buf);
            goto out;
        }
        if (strcmp(tok[3], "relu") == 0)
            L->relu = 1;
        else if (strcmp(tok[3], "linear") == 0)
            L->relu = 0;
        else {
            snprintf(buf, sizeof buf, "layer %d: activation '%.30s' is not relu or linear",
                     k + 1, tok[3]);
            rd_error(&rd, buf);
            goto out;
        }
        if (k > 0 && L->in != net->l[k - 1].out) {
            snprintf(buf, sizeof buf, "layer %d has %d inputs but layer %d has %d outputs",
                     k + 1, L->in, k, net->l[k - 1].out);
            rd_error(&rd, buf);
            goto out;
        }
        L->w = calloc((size_t)L->in * L->out, sizeof *L->w);
        L->b = calloc((size_t)L->out, sizeof *L->b);
        if (!L->w || !L->b) {
            snprintf(msg, len, "%s: out of memory", path);
            goto out;
        }
        for (int j = 0; j < L->out; j++) {
            snprintf(what, sizeof what, "layer %d weights of output %d", k + 1, j + 1);
            if (read_numbers(&rd, L->w + (size_t)j * L->in, L->in, what) != 0)
                goto out;
        }
        snprintf(what, sizeof what, "layer %d biases", k + 1);
        if (read_numbers(&rd, L->b, L->out, what) != 0)
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
