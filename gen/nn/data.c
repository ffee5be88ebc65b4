/* Data sets: allocation, the seeded split, and the user's inputs and labels. */
#include "nn/data.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmodel/rng.h"
#include "nn/npy.h"

int nn_data_alloc(nn_data *s, int n, int nfeat, int nclass)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->nfeat = nfeat;
    s->nclass = nclass;
    s->x = malloc((size_t)(n ? n : 1) * sizeof *s->x);
    s->y = calloc((size_t)(n ? n : 1), sizeof *s->y);
    s->store = calloc((size_t)(n ? n : 1) * (size_t)(nfeat ? nfeat : 1), sizeof *s->store);
    if (!s->x || !s->y || !s->store) {
        nn_data_free(s);
        return -1;
    }
    for (int i = 0; i < n; i++)
        s->x[i] = s->store + (size_t)i * nfeat;
    return 0;
}

void nn_data_free(nn_data *s)
{
    free(s->x);
    free(s->y);
    free(s->store);
    memset(s, 0, sizeof *s);
}

int nn_data_split(const nn_data *all, uint64_t seed, int ntest, nn_data *train,
                  nn_data *test)
{
    int *perm = malloc((size_t)(all->n ? all->n : 1) * sizeof *perm);
    int ntrain = all->n - ntest;
    lq_rng r;

    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (!perm || nn_data_alloc(train, ntrain, all->nfeat, all->nclass) != 0 ||
        nn_data_alloc(test, ntest, all->nfeat, all->nclass) != 0) {
        free(perm);
        nn_data_free(train);
        nn_data_free(test);
        return -1;
    }
    lq_rng_seed(&r, seed);
    for (int i = 0; i < all->n; i++)
        perm[i] = i;
    for (int i = all->n - 1; i > 0; i--) {
        int j = (int)lq_rng_below(&r, (uint64_t)i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (int i = 0; i < all->n; i++) {
        nn_data *d = i < ntrain ? train : test;
        int k = i < ntrain ? i : i - ntrain;
        memcpy(d->x[k], all->x[perm[i]], sizeof(double) * (size_t)all->nfeat);
        d->y[k] = all->y[perm[i]];
    }
    free(perm);
    return 0;
}

/* A table of numbers: rows x cols values, from a .npy or a CSV. */
typedef struct {
    long rows, cols;
    double *v;
    int is_int;     /* .npy of an integer dtype */
} table;

static int is_npy(const char *path)
{
    unsigned char m[6] = {0};
    FILE *fp = fopen(path, "rb");
    size_t n;
    if (!fp)
        return 0;
    n = fread(m, 1, sizeof m, fp);
    fclose(fp);
    return n == 6 && memcmp(m, "\x93NUMPY", 6) == 0;
}

/* want_cols: 0 for a matrix (2-D), 1 for a vector (1-D, or 2-D with one column). */
static int load_table(const char *path, int vector, table *t, char *msg, size_t len)
{
    memset(t, 0, sizeof *t);
    if (is_npy(path)) {
        npy_array a;
        char sh[160];
        if (npy_load(path, NPY_ALLOW_INT, &a, msg, len) != 0)
            return -1;
        npy_shape_str(&a, sh, sizeof sh);
        if (vector ? !(a.ndim == 1 || (a.ndim == 2 && a.shape[1] == 1)) : a.ndim != 2) {
            snprintf(msg, len, "%s: shape %s is not %s", path, sh,
                     vector ? "(N,) or (N, 1) (one label per example)"
                            : "(N, F) (one row of F inputs per example)");
            npy_free(&a);
            return -1;
        }
        if (a.shape[0] > NN_DATA_ROWS_MAX || (!vector && a.shape[1] > NN_DATA_FEATURES_MAX)) {
            snprintf(msg, len, "%s: shape %s exceeds the limits (%d rows, %d features)", path,
                     sh, NN_DATA_ROWS_MAX, NN_DATA_FEATURES_MAX);
            npy_free(&a);
            return -1;
        }
        t->rows = (long)a.shape[0];
        t->cols = vector ? 1 : (long)a.shape[1];
        t->v = a.v;
        t->is_int = a.is_int;
        return 0;
    }
    {
        FILE *fp = fopen(path, "r");
        char *line = NULL;
        size_t cap = 0, nv = 0, vcap = 0;
        int lineno = 0;
        if (!fp) {
            snprintf(msg, len, "cannot open %s: %s", path, strerror(errno));
            return -1;
        }
        while (getline(&line, &cap, fp) >= 0) {
            long k = 0;
            char *p = line, *save = NULL;
            lineno++;
            line[strcspn(line, "\r\n")] = '\0';
            p += strspn(p, " \t");
            if (*p == '\0' || *p == '#')
                continue;
            for (char *tok = strtok_r(p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                char *e = tok + strlen(tok);
                double v;
                tok += strspn(tok, " \t");
                while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
                    *--e = '\0';
                if (cli_parse_number(tok, &v) != 0) {
                    snprintf(msg, len, "%s:%d: field %ld: '%.40s' is not a finite number", path,
                             lineno, k + 1, tok);
                    goto csv_fail;
                }
                if (nv == vcap) {
                    size_t nc = vcap ? 2 * vcap : 4096;
                    double *nvv = realloc(t->v, nc * sizeof *nvv);
                    if (!nvv) {
                        snprintf(msg, len, "%s: out of memory", path);
                        goto csv_fail;
                    }
                    t->v = nvv;
                    vcap = nc;
                }
                t->v[nv++] = v;
                k++;
            }
            if (t->rows == 0)
                t->cols = k;
            if (k != t->cols || (vector && k != 1)) {
                snprintf(msg, len, "%s:%d: %ld fields, expected %ld%s", path, lineno, k,
                         vector ? 1 : t->cols, vector ? " (one label per line)"
                                                      : " (as the first line)");
                goto csv_fail;
            }
            if (++t->rows > NN_DATA_ROWS_MAX || t->cols > NN_DATA_FEATURES_MAX) {
                snprintf(msg, len, "%s:%d: more than %d rows or %d fields", path, lineno,
                         NN_DATA_ROWS_MAX, NN_DATA_FEATURES_MAX);
                goto csv_fail;
            }
        }
        if (ferror(fp)) {
            snprintf(msg, len, "%s: read error", path);
            goto csv_fail;
        }
        free(line);
        fclose(fp);
        return 0;
    csv_fail:
        free(line);
        fclose(fp);
        free(t->v);
        t->v = NULL;
        return -1;
    }
}

int nn_data_load(const char *inputs, const char *labels, double scale, nn_data *s,
                 char *msg, size_t len)
{
    table x, y;
    int maxlab = 0, rc = -1;
    memset(s, 0, sizeof *s);
    if (load_table(inputs, 0, &x, msg, len) != 0)
        return -1;
    if (load_table(labels, 1, &y, msg, len) != 0) {
        free(x.v);
        return -1;
    }
    if (x.rows == 0) {
        snprintf(msg, len, "%s: no examples", inputs);
        goto out;
    }
    if (x.rows != y.rows) {
        snprintf(msg, len, "%s has %ld examples but %s has %ld labels", inputs, x.rows, labels,
                 y.rows);
        goto out;
    }
    for (long i = 0; i < y.rows; i++) {
        double v = y.v[i];
        if (v != floor(v) || v < 0 || v >= NN_CLASSES_MAX) {
            snprintf(msg, len, "%s: label %ld is %.17g, not an integer 0..%d", labels, i, v,
                     NN_CLASSES_MAX - 1);
            goto out;
        }
        if ((int)v > maxlab)
            maxlab = (int)v;
    }
    if (nn_data_alloc(s, (int)x.rows, (int)x.cols, maxlab + 1) != 0) {
        snprintf(msg, len, "%s: out of memory", inputs);
        goto out;
    }
    for (long i = 0; i < x.rows; i++) {
        s->y[i] = (int)y.v[i];
        for (long j = 0; j < x.cols; j++) {
            double v = x.v[i * x.cols + j] * scale;
            if (!isfinite(v)) {
                snprintf(msg, len, "%s: input [%ld, %ld] times --input-scale %g is not finite",
                         inputs, i, j, scale);
                nn_data_free(s);
                goto out;
            }
            s->x[i][j] = v;
        }
    }
    rc = 0;
out:
    free(x.v);
    free(y.v);
    return rc;
}
