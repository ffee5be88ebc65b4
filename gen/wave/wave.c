/* Waveform dumps in memory: storage of signals, traces and value changes, the
 * timescale (see wave.h). Reading files is read.c's. */
#include "wave/wave.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wave_init(wave_dump *d, const char *file, const char *format)
{
    memset(d, 0, sizeof *d);
    snprintf(d->file, sizeof d->file, "%s", file);
    d->format = format;
    d->tick_exp = -9;          /* a VCD without $timescale: 1 ns */
    d->tick_fs = 1000000;
}

void wave_free(wave_dump *d)
{
    for (size_t i = 0; i < d->nsig; i++)
        free(d->sig[i].path);
    for (size_t i = 0; i < d->ntr; i++)
        free(d->tr[i].ch);
    free(d->sig);
    free(d->tr);
    free(d->pool);
    d->sig = NULL;
    d->tr = NULL;
    d->pool = NULL;
    d->nsig = d->ntr = d->pool_len = 0;
}

int wave_error(wave_dump *d, const char *fmt, ...)
{
    va_list ap;
    if (d->err[0])
        return -1;
    va_start(ap, fmt);
    vsnprintf(d->err, sizeof d->err, fmt, ap);
    va_end(ap);
    return -1;
}

int wave_grow(void **p, size_t *cap, size_t need, size_t sz)
{
    size_t c = *cap ? *cap : 16;
    void *q;
    if (need <= *cap)
        return 0;
    while (c < need) {
        if (c > SIZE_MAX / 2 / sz)
            return -1;
        c *= 2;
    }
    q = realloc(*p, c * sz);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int wave_add_trace(wave_dump *d, int width, int is_real)
{
    wave_trace *t;
    if (wave_grow((void **)&d->tr, &d->captr, d->ntr + 1, sizeof *d->tr))
        return wave_error(d, "%s: out of memory", d->file);
    t = &d->tr[d->ntr];
    memset(t, 0, sizeof *t);
    t->width = width;
    t->is_real = is_real;
    return (int)d->ntr++;
}

int wave_add_signal(wave_dump *d, const char *path, int tr)
{
    char *p;
    if (wave_grow((void **)&d->sig, &d->capsig, d->nsig + 1, sizeof *d->sig) || !(p = strdup(path)))
        return wave_error(d, "%s: out of memory", d->file);
    d->sig[d->nsig].path = p;
    d->sig[d->nsig].trace = tr;
    d->nsig++;
    return 0;
}

size_t wave_value_size(const wave_trace *tr)
{
    return tr->is_real ? sizeof(double) : (size_t)tr->width;
}

unsigned char *wave_add_change(wave_dump *d, int tri, uint64_t t)
{
    wave_trace *tr = &d->tr[tri];
    size_t sz = wave_value_size(tr);
    if (t > d->t_end)
        d->t_end = t;
    if (tr->n > 0 && tr->ch[tr->n - 1].t == t)
        return d->pool + tr->ch[tr->n - 1].off;
    if (wave_grow((void **)&tr->ch, &tr->cap, tr->n + 1, sizeof *tr->ch) ||
        wave_grow((void **)&d->pool, &d->pool_cap, d->pool_len + sz, 1)) {
        wave_error(d, "%s: out of memory", d->file);
        return NULL;
    }
    tr->ch[tr->n].t = t;
    tr->ch[tr->n].off = d->pool_len;
    tr->n++;
    d->nchanges++;
    d->pool_len += sz;
    return d->pool + d->pool_len - sz;
}

int wave_set_timescale(wave_dump *d, int mult, int exp10)
{
    uint64_t fs = (uint64_t)mult;
    if ((mult != 1 && mult != 10 && mult != 100) || exp10 < -15 || exp10 > 0)
        return -1;
    for (int e = -15; e < exp10; e++)
        fs *= 10;
    d->tick_fs = fs;
    d->tick_exp = exp10 + (mult == 10 ? 1 : mult == 100 ? 2 : 0);
    return 0;
}

const char *wave_unit_name(int exp)
{
    switch (exp) {
    case 0: return "s";
    case -3: return "ms";
    case -6: return "us";
    case -9: return "ns";
    case -12: return "ps";
    default: return "fs";
    }
}

int wave_parse_time(const char *s, int default_exp, uint64_t *fs)
{
    static const struct { const char *name; int exp; } units[] = {
        {"s", 0}, {"ms", -3}, {"us", -6}, {"ns", -9}, {"ps", -12}, {"fs", -15}};
    char *end;
    double v, scale = 1;
    int exp = default_exp;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno || !(v >= 0))
        return -1;
    while (*end == ' ')
        end++;
    if (*end) {
        size_t i;
        for (i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strcmp(end, units[i].name) == 0)
                break;
        if (i == sizeof units / sizeof units[0])
            return -1;
        exp = units[i].exp;
    }
    for (int e = -15; e < exp; e++)
        scale *= 10;
    v *= scale;
    if (v > 1.8e19 || v != (double)(uint64_t)v)
        return -1;          /* too large, or finer than a femtosecond */
    *fs = (uint64_t)v;
    return 0;
}
