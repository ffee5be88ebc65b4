/* Loading and splitting the digits data set. */
#include "nn/digits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/rng.h"

static int set_alloc(digits_set *s, int n)
{
    s->n = n;
    s->x = malloc((size_t)(n ? n : 1) * sizeof *s->x);
    s->y = malloc((size_t)(n ? n : 1) * sizeof *s->y);
    if (!s->x || !s->y) {
        digits_free(s);
        return -1;
    }
    return 0;
}

void digits_free(digits_set *s)
{
    free(s->x);
    free(s->y);
    s->x = NULL;
    s->y = NULL;
    s->n = 0;
}

int digits_load(const char *path, digits_set *s, char *msg, size_t len)
{
    FILE *fp = fopen(path, "r");
    char line[1024];
    int cap = 0, lineno = 0;

    memset(s, 0, sizeof *s);
    if (!fp) {
        snprintf(msg, len, "cannot open %s: %s (run 'make data')", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        int v[DIGITS_PIXELS + 1], k = 0;
        char *p = line;
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            snprintf(msg, len, "%s:%d: line too long", path, lineno);
            goto fail;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        for (;;) {
            char *end;
            long x;
            errno = 0;
            x = strtol(p, &end, 10);
            if (end == p || errno || (*end != ',' && *end != '\0') || k > DIGITS_PIXELS) {
                snprintf(msg, len, "%s:%d: field %d: '%.40s' is not one of 65 integers", path,
                         lineno, k + 1, p);
                goto fail;
            }
            if (x < 0 || x > (k < DIGITS_PIXELS ? DIGITS_PIXEL_MAX : DIGITS_CLASSES - 1)) {
                snprintf(msg, len, "%s:%d: field %d: %ld is out of range (%s)", path, lineno,
                         k + 1, x, k < DIGITS_PIXELS ? "pixel 0..16" : "label 0..9");
                goto fail;
            }
            v[k++] = (int)x;
            if (*end == '\0')
                break;
            p = end + 1;
        }
        if (k != DIGITS_PIXELS + 1) {
            snprintf(msg, len, "%s:%d: %d fields, expected 65", path, lineno, k);
            goto fail;
        }
        if (s->n == cap) {
            int nc = cap ? 2 * cap : 2048;
            void *nx = realloc(s->x, (size_t)nc * sizeof *s->x);
            void *ny;
            if (!nx)
                goto oom;
            s->x = nx;
            ny = realloc(s->y, (size_t)nc * sizeof *s->y);
            if (!ny)
                goto oom;
            s->y = ny;
            cap = nc;
        }
        for (int i = 0; i < DIGITS_PIXELS; i++)
            s->x[s->n][i] = v[i] / (double)DIGITS_PIXEL_MAX;
        s->y[s->n] = v[DIGITS_PIXELS];
        s->n++;
    }
    if (ferror(fp)) {
        snprintf(msg, len, "%s: read error", path);
        goto fail;
    }
    fclose(fp);
    if (s->n == 0) {
        snprintf(msg, len, "%s: no images", path);
        digits_free(s);
        return -1;
    }
    return 0;
oom:
    snprintf(msg, len, "%s: out of memory", path);
fail:
    fclose(fp);
    digits_free(s);
    return -1;
}

int digits_split(const digits_set *all, uint64_t seed, int ntest, digits_set *train,
                 digits_set *test)
{
    int *perm = malloc((size_t)all->n * sizeof *perm);
    int ntrain = all->n - ntest;
    lq_rng r;

    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (!perm || set_alloc(train, ntrain) != 0 || set_alloc(test, ntest) != 0) {
        free(perm);
        digits_free(train);
        digits_free(test);
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
        digits_set *d = i < ntrain ? train : test;
        int k = i < ntrain ? i : i - ntrain;
        memcpy(d->x[k], all->x[perm[i]], sizeof d->x[k]);
        d->y[k] = all->y[perm[i]];
    }
    free(perm);
    return 0;
}
