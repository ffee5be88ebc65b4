/* The .npy reader (npy.h). The header is a Python dict literal; this parser accepts
 * exactly what numpy.lib.format writes (and the same with either quote or extra
 * blanks), and nothing more: no other keys, no structured dtypes. */
#include "nn/npy.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return -1;
}

typedef struct {
    const char *p, *end;
} cursor;

static void skip_blanks(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static int eat(cursor *c, char ch)
{
    skip_blanks(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* Up to 20 characters at the cursor, for messages (the header has no NUL). */
static const char *near(const cursor *c, char *buf)
{
    size_t n = (size_t)(c->end - c->p) < 20 ? (size_t)(c->end - c->p) : 20;
    memcpy(buf, c->p, n);
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

/* A quoted string ('...' or "...", no escapes) into out (at most cap - 1 chars). */
static int quoted(cursor *c, char *out, size_t cap)
{
    char q;
    size_t n = 0;
    skip_blanks(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return -1;
    q = *c->p++;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || n + 1 >= cap)
            return -1;
        out[n++] = *c->p++;
    }
    if (c->p >= c->end)
        return -1;
    c->p++;
    out[n] = '\0';
    return 0;
}

/* A bare word (True, False) or a decimal integer: letters and digits. */
static size_t word(cursor *c, char *out, size_t cap)
{
    size_t n = 0;
    skip_blanks(c);
    while (c->p < c->end && n + 1 < cap &&
           ((*c->p >= '0' && *c->p <= '9') || (*c->p >= 'A' && *c->p <= 'Z') ||
            (*c->p >= 'a' && *c->p <= 'z')))
        out[n++] = *c->p++;
    out[n] = '\0';
    return n;
}

/* The dtypes: byte order '<', '>' or '|' (one byte), kind f/i/u, size in bytes. */
typedef struct {
    char order, kind;
    int size;
} dtype;

static int parse_descr(const char *s, dtype *d)
{
    if (strlen(s) != 3 || (s[0] != '<' && s[0] != '>' && s[0] != '|'))
        return -1;
    d->order = s[0];
    d->kind = s[1];
    d->size = s[2] - '0';
    if (d->kind == 'f')
        return (d->size == 4 || d->size == 8) && d->order != '|' ? 0 : -1;
    if (d->kind == 'i' || d->kind == 'u') {
        if (d->size == 1)
            return 0; /* numpy writes '|i1', '|u1'; '<' and '>' mean the same */
        return (d->size == 2 || d->size == 4 || d->size == 8) && d->order != '|' ? 0 : -1;
    }
    return -1;
}

static char *multi_index(const npy_array *a, size_t flat, char *buf, size_t len)
{
    size_t idx[NPY_DIMS_MAX], k = 0;
    for (int d = a->ndim - 1; d >= 0; d--) {
        idx[d] = flat % a->shape[d];
        flat /= a->shape[d];
    }
    k += (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < a->ndim && k < len; d++)
        k += (size_t)snprintf(buf + k, len - k, "%s%zu", d ? ", " : "", idx[d]);
    if (k < len)
        snprintf(buf + k, len - k, "]");
    return buf;
}

char *npy_shape_str(const npy_array *a, char *buf, size_t len)
{
    size_t k = (size_t)snprintf(buf, len, "(");
    for (int d = 0; d < a->ndim && k < len; d++)
        k += (size_t)snprintf(buf + k, len - k, "%s%zu", d ? ", " : "", a->shape[d]);
    if (k < len)
        snprintf(buf + k, len - k, "%s)", a->ndim == 1 ? "," : "");
    return buf;
}

/* One element of d at p as a double; *exact = 0 when an integer does not fit a
 * double exactly (beyond 2^53). */
static double element(const dtype *d, const unsigned char *p, int *exact)
{
    unsigned char b[8];
    uint64_t u = 0;
    int big = d->order == '>';
    for (int i = 0; i < d->size; i++)
        b[i] = p[big ? d->size - 1 - i : i];
    for (int i = d->size - 1; i >= 0; i--)
        u = (u << 8) | b[i];
    *exact = 1;
    if (d->kind == 'f') {
        if (d->size == 4) {
            uint32_t u32 = (uint32_t)u;
            float f;
            memcpy(&f, &u32, sizeof f);
            return (double)f;
        }
        double x;
        memcpy(&x, &u, sizeof x);
        return x;
    }
    if (d->kind == 'u') {
        *exact = u <= (1ull << 53);
        return (double)u;
    }
    {
        int64_t s;
        if (d->size < 8 && (u >> (8 * d->size - 1)) & 1u)
            u |= ~(uint64_t)0 << (8 * d->size); /* sign-extend */
        memcpy(&s, &u, sizeof s);
        *exact = s <= (1ll << 53) && s >= -(1ll << 53);
        return (double)s;
    }
}

int npy_parse(const unsigned char *buf, size_t len, int flags, npy_array *a, char *msg,
              size_t msglen)
{
    static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    size_t hlen, hstart, data, need;
    cursor c;
    dtype d;
    char key[32], val[64], nb[24];
    int have_descr = 0, have_order = 0, have_shape = 0, comma = 0;

    memset(a, 0, sizeof *a);
    if (len < 10 || memcmp(buf, magic, sizeof magic) != 0)
        return fail(msg, msglen, "not a .npy file: the first bytes are not \\x93NUMPY");
    if (buf[6] < 1 || buf[6] > 3 || buf[7] != 0) {
        snprintf(msg, msglen, "format version %d.%d is not 1.0, 2.0 or 3.0", buf[6], buf[7]);
        return -1;
    }
    if (buf[6] == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        hstart = 10;
    } else {
        if (len < 12)
            return fail(msg, msglen, "truncated: the file ends inside its header");
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 |
               (size_t)buf[11] << 24;
        hstart = 12;
    }
    if (hlen > len - hstart) {
        snprintf(msg, msglen, "truncated: the header says %zu bytes, the file has %zu after "
                 "the length", hlen, len - hstart);
        return -1;
    }
    data = hstart + hlen;
    if (hlen == 0 || buf[data - 1] != '\n')
        return fail(msg, msglen, "header does not end with a newline");
    c.p = (const char *)buf + hstart;
    c.end = (const char *)buf + data - 1;
    if (memchr(c.p, '\0', (size_t)(c.end - c.p)))
        return fail(msg, msglen, "header holds a NUL byte");
    if (!eat(&c, '{'))
        return fail(msg, msglen, "header is not a dictionary ('{...}')");
    while (!eat(&c, '}')) {
        if (quoted(&c, key, sizeof key) != 0 || !eat(&c, ':'))
            return fail(msg, msglen, "header: expected 'key': value near '%s'", near(&c, nb));
        if (strcmp(key, "descr") == 0 && !have_descr) {
            have_descr = 1;
            if (quoted(&c, a->descr, sizeof a->descr) != 0) {
                skip_blanks(&c);
                return fail(msg, msglen, "dtype %s is not float32 or float64 (a structured "
                            "or unknown dtype)", near(&c, nb));
            }
            if (parse_descr(a->descr, &d) != 0 ||
                (d.kind != 'f' && !(flags & NPY_ALLOW_INT)))
                return fail(msg, msglen, "dtype '%s' is not float32 or float64 ('<f4', "
                            "'<f8', '>f4', '>f8')%s", a->descr,
                            flags & NPY_ALLOW_INT ? " or an integer type" : "");
        } else if (strcmp(key, "fortran_order") == 0 && !have_order) {
            have_order = 1;
            word(&c, val, sizeof val);
            if (strcmp(val, "True") == 0)
                a->fortran = 1;
            else if (strcmp(val, "False") != 0)
                return fail(msg, msglen, "fortran_order '%s' is not True or False", val);
        } else if (strcmp(key, "shape") == 0 && !have_shape) {
            have_shape = 1;
            if (!eat(&c, '('))
                return fail(msg, msglen, "shape is not a tuple near '%s'", near(&c, nb));
            while (!eat(&c, ')')) {
                char *end;
                unsigned long long v;
                if (a->ndim == NPY_DIMS_MAX)
                    return fail(msg, msglen, "shape has more than %d dimensions", NPY_DIMS_MAX);
                if (word(&c, val, sizeof val) == 0 || val[0] < '0' || val[0] > '9')
                    return fail(msg, msglen, "shape: '%s' is not a dimension", near(&c, nb));
                errno = 0;
                v = strtoull(val, &end, 10);
                if (*end || errno || v > SIZE_MAX)
                    return fail(msg, msglen, "shape: '%s' is not a dimension", val);
                a->shape[a->ndim++] = (size_t)v;
                comma = eat(&c, ',');
                if (!comma) {
                    if (!eat(&c, ')'))
                        return fail(msg, msglen, "shape: expected ',' or ')' near '%s'", near(&c, nb));
                    break;
                }
            }
            if (a->ndim == 1 && !comma) /* "(5)" is the integer 5 in Python */
                return fail(msg, msglen, "shape: a one-dimensional shape is written '(N,)'");
        } else {
            int known = strcmp(key, "descr") == 0 || strcmp(key, "shape") == 0 ||
                        strcmp(key, "fortran_order") == 0;
            return fail(msg, msglen, "header: key '%s' is %s", key,
                        known ? "repeated" : "unknown (only 'descr', 'fortran_order', 'shape')");
        }
        if (!eat(&c, ',')) {
            if (!eat(&c, '}'))
                return fail(msg, msglen, "header: expected ',' or '}' near '%s'", near(&c, nb));
            break;
        }
    }
    skip_blanks(&c);
    if (c.p != c.end)
        return fail(msg, msglen, "header: text after the dictionary: '%s'", near(&c, nb));
    if (!have_descr || !have_order || !have_shape)
        return fail(msg, msglen, "header lacks '%s'",
                    !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
    parse_descr(a->descr, &d);
    a->is_int = d.kind != 'f';
    a->n = 1;
    for (int k = 0; k < a->ndim; k++) {
        if (a->shape[k] && a->n > SIZE_MAX / 16 / a->shape[k]) {
            char sh[160];
            return fail(msg, msglen, "shape %s is too large", npy_shape_str(a, sh, sizeof sh));
        }
        a->n *= a->shape[k];
    }
    need = a->n * (size_t)d.size;
    if (len - data != need) {
        char sh[160];
        npy_shape_str(a, sh, sizeof sh);
        snprintf(msg, msglen, "%s: shape %s of '%s' needs %zu data bytes, the file has %zu",
                 len - data < need ? "truncated" : "extra bytes after the data", sh, a->descr,
                 need, len - data);
        return -1;
    }
    a->v = malloc((a->n ? a->n : 1) * sizeof *a->v);
    if (!a->v)
        return fail(msg, msglen, "out of memory");
    {
        size_t idx[NPY_DIMS_MAX] = {0}, src;
        for (size_t i = 0; i < a->n; i++) {
            int exact;
            double x;
            char at[160];
            /* the element of C index i: in Fortran order the first index is fastest */
            src = i;
            if (a->fortran && a->ndim > 1) {
                size_t stride = 1;
                src = 0;
                for (int k = 0; k < a->ndim; k++) {
                    src += idx[k] * stride;
                    stride *= a->shape[k];
                }
                for (int k = a->ndim - 1; k >= 0; k--) { /* next C-order multi-index */
                    if (++idx[k] < a->shape[k])
                        break;
                    idx[k] = 0;
                }
            }
            x = element(&d, buf + data + src * (size_t)d.size, &exact);
            if (!isfinite(x) || !exact) {
                snprintf(val, sizeof val, "%s", isnan(x) ? "nan" : isinf(x) ? (x > 0 ? "inf" : "-inf")
                                                                           : "an integer beyond 2^53");
                multi_index(a, i, at, sizeof at);
                snprintf(msg, msglen, "element %s is %s (only finite numbers)", at, val);
                npy_free(a);
                return -1;
            }
            a->v[i] = x;
        }
    }
    return 0;
}

void npy_free(npy_array *a)
{
    free(a->v);
    a->v = NULL;
}

int npy_read_file(const char *path, unsigned char **buf, size_t *len, char *msg,
                  size_t msglen)
{
    FILE *fp = fopen(path, "rb");
    size_t cap = 4096, n = 0, got;
    unsigned char *b;
    *buf = NULL;
    *len = 0;
    if (!fp)
        return fail(msg, msglen, "cannot open %s: %s", path, strerror(errno));
    b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = cap > SIZE_MAX / 2 ? NULL : realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    if (!b || ferror(fp)) {
        free(b);
        fclose(fp);
        return fail(msg, msglen, "%s: %s", path, b ? "read error" : "out of memory");
    }
    fclose(fp);
    *buf = b;
    *len = n;
    return 0;
}

int npy_load(const char *path, int flags, npy_array *a, char *msg, size_t msglen)
{
    unsigned char *buf;
    size_t len;
    char m[400];
    int rc;
    memset(a, 0, sizeof *a);
    if (npy_read_file(path, &buf, &len, msg, msglen) != 0)
        return -1;
    rc = npy_parse(buf, len, flags, a, m, sizeof m);
    if (rc != 0)
        snprintf(msg, msglen, "%s: %s", path, m);
    free(buf);
    return rc;
}
