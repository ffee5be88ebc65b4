/* Comparison of two waveform dumps, signal by signal (see docs/waves.md).
 *
 * Mapping: a leading scope TOP (Verilator's root) is dropped from every path. With a
 * scope S only the signals below S are compared, named by their path below S; S is
 * a dotted path found in each dump as a whole prefix, or else as the unique scope
 * whose path ends in ".S" (so "dut" finds bench.dut in one dump and dut in the
 * other). Signals match by that relative name; --signals keeps the names that match
 * one of its comma-separated globs.
 *
 * Agreement: for every signal present in both, at the --from time and at every later
 * time either dump has a change of that signal, the values (the last one at that
 * time in each dump, all x before the first change) are equal, bit by bit among
 * 0 1 x z (or, with xz_wild, where neither bit is x or z). Widths must be equal. A
 * signal in one dump only is listed, and is a difference only with strict. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "wave/wave.h"

typedef struct {
    const char *name;       /* relative to the scope */
    const wave_trace *tr;
    size_t order;           /* position in the file, to keep sorting stable */
} diff_view;

typedef struct {
    uint64_t t;
    size_t sig;             /* index into the common pairs */
    const unsigned char *va, *vb;
} diff_item;

static int view_cmp(const void *x, const void *y)
{
    const diff_view *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

static const char *strip_top(const char *p)
{
    return strncmp(p, "TOP.", 4) == 0 ? p + 4 : p;
}

/* Does path lie below prefix (a dotted path)? */
static int below(const char *path, const char *prefix, size_t n)
{
    return strncmp(path, prefix, n) == 0 && path[n] == '.';
}

/* Find the scope prefix for `scope` in dump d: its length in *len and a pointer to
 * it (inside a signal path) in *at. 0 or -1 with r->err set. */
static int resolve_scope(const wave_dump *d, const char *scope, const char **at, size_t *len,
                         wave_diff_result *r)
{
    size_t n = strlen(scope);
    const char *found = NULL;
    size_t found_len = 0;
    for (size_t i = 0; i < d->nsig; i++) {
        if (below(strip_top(d->sig[i].path), scope, n)) {
            *at = scope;
            *len = n;
            return 0;
        }
    }
    /* A scope whose path ends in ".scope": the unique one, at any depth. */
    for (size_t i = 0; i < d->nsig; i++) {
        const char *p = strip_top(d->sig[i].path);
        for (const char *q = strchr(p, '.'); q; q = strchr(q + 1, '.')) {
            if (!below(q + 1, scope, n))
                continue;
            size_t l = (size_t)(q + 1 - p) + n;
            if (found && (found_len != l || strncmp(found, p, l) != 0)) {
                snprintf(r->err, sizeof r->err, "%s: scope '%s' is ambiguous: %.*s and %.*s "
                         "(give more of the path)", d->file, scope, (int)found_len, found,
                         (int)l, p);
                return -1;
            }
            found = p;
            found_len = l;
        }
    }
    if (!found) {
        snprintf(r->err, sizeof r->err, "%s: no scope '%s' (nor one ending in '.%s') holds a "
                 "signal", d->file, scope, scope);
        return -1;
    }
    *at = found;
    *len = found_len;
    return 0;
}

/* Does name match one of the comma-separated globs? Marks used[k] for a match. */
static int in_list(const char *list, const char *name, char *used)
{
    int k = 0, hit = 0;
    char pat[512];
    for (const char *p = list; *p; k++) {
        size_t n = strcspn(p, ",");
        if (n < sizeof pat) {
            memcpy(pat, p, n);
            pat[n] = '\0';
            if (n && fnmatch(pat, name, 0) == 0) {
                used[k] = 1;
                hit = 1;
            }
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return hit;
}

/* The signals of d to compare, sorted by name, duplicates dropped. */
static int make_views(const wave_dump *d, const char *scope, const wave_diff_opts *o,
                      char *used, diff_view **out, size_t *nout, wave_diff_result *r)
{
    const char *at = NULL;
    size_t plen = 0, n = 0;
    diff_view *v;
    if (scope) {
        scope = strip_top(scope);
        if (resolve_scope(d, scope, &at, &plen, r))
            return -1;
    }
    v = malloc((d->nsig + 1) * sizeof *v);
    if (!v) {
        snprintf(r->err, sizeof r->err, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < d->nsig; i++) {
        const char *p = strip_top(d->sig[i].path);
        const wave_trace *tr = &d->tr[d->sig[i].trace];
        if (tr->ignored)
            continue;
        if (scope) {
            if (!below(p, at, plen))
                continue;
            p += plen + 1;
        }
        if (o->signals && !in_list(o->signals, p, used))
            continue;
        v[n].name = p;
        v[n].tr = tr;
        v[n].order = i;
        n++;
    }
    if (n)
        qsort(v, n, sizeof *v, view_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(v[k - 1].name, v[i].name) != 0)
            v[k++] = v[i];
    *out = v;
    *nout = k;
    return 0;
}

static int bits_equal(const unsigned char *a, const unsigned char *b, size_t n, int wild)
{
    if (!wild)
        return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i] && a[i] != 'x' && a[i] != 'z' && b[i] != 'x' && b[i] != 'z')
            return 0;
    return 1;
}

static int values_equal(const wave_trace *tr, const unsigned char *a, const unsigned char *b,
                        int wild)
{
    if (tr->is_real) {
        double x, y;
        if (!a || !b)
            return (!a && !b) || wild;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return x == y || (x != x && y != y);
    }
    return bits_equal(a, b, (size_t)tr->width, wild);
}

static void print_value(FILE *out, const wave_trace *tr, const unsigned char *v)
{
    size_t w = (size_t)tr->width;
    int known = 1;
    if (tr->is_real) {
        double x;
        if (!v) {
            fputs("x", out);
            return;
        }
        memcpy(&x, v, sizeof x);
        fprintf(out, "%.17g", x);
        return;
    }
    if (w == 1) {
        fputc(v[0], out);
        return;
    }
    for (size_t i = 0; i < w; i++)
        known &= v[i] == '0' || v[i] == '1';
    if (!known) {
        fprintf(out, "%zu'b%.*s", w, (int)w, (const char *)v);
        return;
    }
    fprintf(out, "%zu'h", w);
    for (size_t i = 0, first = w % 4 ? w % 4 : 4; i < w; i += first, first = 4) {
        int nib = 0;
        for (size_t k = 0; k < first; k++)
            nib = nib * 2 + (v[i + k] == '1');
        fputc("0123456789abcdef"[nib], out);
    }
}

static void print_time(FILE *out, uint64_t fs, int exp)
{
    uint64_t unit = 1;
    for (int e = -15; e < exp; e++)
        unit *= 10;
    if (fs % unit)
        fprintf(out, "%llu fs", (unsigned long long)fs);
    else
        fprintf(out, "%llu %s", (unsigned long long)(fs / unit), wave_unit_name(exp));
}

typedef struct {
    uint64_t t;              /* first difference, UINT64_MAX: none */
    size_t order;            /* index in a->sig */
} show_key;

static int show_cmp(const void *x, const void *y)
{
    const show_key *a = x, *b = y;
    if (a->t != b->t)
        return (a->t > b->t) - (a->t < b->t);
    return (a->order > b->order) - (a->order < b->order);
}

void wave_diff_result_free(wave_diff_result *r)
{
    free(r->show);
    r->show = NULL;
    r->nshow = r->nshow_diff = 0;
}

static int item_cmp(const void *x, const void *y)
{
    const diff_item *a = x, *b = y;
    if (a->t != b->t)
        return (a->t > b->t) - (a->t < b->t);
    return (a->sig > b->sig) - (a->sig < b->sig);
}

typedef struct {
    diff_item *it;
    size_t n, cap;
} diff_list;

static int list_add(diff_list *l, uint64_t t, size_t sig, const unsigned char *va,
                    const unsigned char *vb)
{
    if (wave_grow((void **)&l->it, &l->cap, l->n + 1, sizeof *l->it) != 0)
        return -1;
    l->it[l->n++] = (diff_item){t, sig, va, vb};
    return 0;
}

/* Compare one pair of traces; differences (up to keep of them) go to l. Returns the
 * number of differences, or UINT64_MAX when out of memory. */
static uint64_t compare_pair(const wave_dump *da, const wave_trace *a, const wave_dump *db,
                             const wave_trace *b, size_t sig, const unsigned char *xs,
                             const wave_diff_opts *o, diff_list *l, uint64_t *first)
{
    size_t ia = 0, ib = 0;
    const unsigned char *va = a->is_real ? NULL : xs, *vb = b->is_real ? NULL : xs;
    uint64_t nd = 0, t = o->from_fs, keep = o->max_print > 0 ? (uint64_t)o->max_print : 0;
    while (ia < a->n && a->ch[ia].t <= t)
        va = da->pool + a->ch[ia++].off;
    while (ib < b->n && b->ch[ib].t <= t)
        vb = db->pool + b->ch[ib++].off;
    for (;;) {
        if (!values_equal(a, va, vb, o->xz_wild)) {
            if (nd < keep && list_add(l, t, sig, va, vb))
                return UINT64_MAX;
            if (nd == 0 && t < *first)
                *first = t;
            nd++;
        }
        if (ia == a->n && ib == b->n)
            break;
        t = ia == a->n ? b->ch[ib].t
            : ib == b->n ? a->ch[ia].t
            : a->ch[ia].t < b->ch[ib].t ? a->ch[ia].t : b->ch[ib].t;
        if (ia < a->n && a->ch[ia].t == t)
            va = da->pool + a->ch[ia++].off;
        if (ib < b->n && b->ch[ib].t == t)
            vb = db->pool + b->ch[ib++].off;
    }
    return nd;
}

static void describe(FILE *out, const char *which, const wave_dump *d, int exp)
{
    int mult = 1, u = d->tick_exp;
    while (u % 3)
        u--;
    for (int e = u; e < d->tick_exp; e++)
        mult *= 10;
    fprintf(out, "%s: %s (%s, timescale %d%s, %zu signals, %zu changes, last time ", which,
            d->file, d->format, mult, wave_unit_name(u), d->nsig, d->nchanges);
    print_time(out, d->t_end, exp);
    fputs(")\n", out);
}

static void list_names(FILE *out, const char *which, const diff_view *v)
{
    fprintf(out, "only in %s  %s  (%d bit%s%s)\n", which, v->name, v->tr->width,
            v->tr->width == 1 ? "" : "s", v->tr->is_real ? ", real" : "");
}

int wave_diff(const wave_dump *a, const wave_dump *b, const wave_diff_opts *o,
              wave_diff_result *r, FILE *out)
{
    diff_view *va = NULL, *vb = NULL;
    size_t na = 0, nb = 0, i = 0, j = 0, npairs = 0, maxw = 1;
    size_t *pa = NULL, *pb = NULL;   /* common pairs: indexes into va, vb */
    char *used = NULL;
    unsigned char *xs = NULL;
    show_key *keys = NULL;
    diff_list l = {0};
    int rc = 2;
    long shown_only = 0;

    memset(r, 0, sizeof *r);
    r->first_fs = UINT64_MAX;
    if (o->signals && !(used = calloc(strlen(o->signals) + 1, 1)))
        goto oom;
    if (make_views(a, o->scope_a, o, used, &va, &na, r) ||
        make_views(b, o->scope_b ? o->scope_b : o->scope_a, o, used, &vb, &nb, r))
        goto done;
    if (o->signals) {
        int k = 0;
        for (const char *p = o->signals; *p; k++) {
            size_t n = strcspn(p, ",");
            if (n == 0 || !used[k]) {
                snprintf(r->err, sizeof r->err, "--signals: '%.*s' matches no signal in "
                         "either dump", (int)n, p);
                goto done;
            }
            p += n;
            if (*p == ',')
                p++;
        }
    }
    for (i = j = 0; i < na && j < nb;) {   /* anything in common at all? */
        int c = strcmp(va[i].name, vb[j].name);
        if (c == 0)
            break;
        c < 0 ? i++ : j++;
    }
    if (i == na || j == nb) {
        snprintf(r->err, sizeof r->err, "no signal in common between %s (%zu signals) and %s "
                 "(%zu signals) after the mapping: check --scope (docs/waves.md)",
                 a->file, na, b->file, nb);
        goto done;
    }
    i = j = 0;
    if (out) {
        describe(out, "A", a, o->time_exp);
        describe(out, "B", b, o->time_exp);
    }
    pa = malloc((na + 1) * sizeof *pa);
    pb = malloc((na + 1) * sizeof *pb);
    if (!pa || !pb)
        goto oom;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(va[i].name, vb[j].name);
        if (c < 0) {
            if (out && shown_only++ < o->max_print)
                list_names(out, "A", &va[i]);
            r->only_a++;
            i++;
        } else if (c > 0) {
            if (out && shown_only++ < o->max_print)
                list_names(out, "B", &vb[j]);
            r->only_b++;
            j++;
        } else {
            const wave_trace *ta = va[i].tr, *tb = vb[j].tr;
            if (ta->is_real != tb->is_real || ta->width != tb->width) {
                if (out)
                    fprintf(out, "width  %s  A=%d bits%s  B=%d bits%s\n", va[i].name,
                            ta->width, ta->is_real ? " (real)" : "", tb->width,
                            tb->is_real ? " (real)" : "");
                r->width_mismatch++;
            } else {
                pa[npairs] = i;
                pb[npairs] = j;
                npairs++;
                if ((size_t)ta->width > maxw)
                    maxw = (size_t)ta->width;
            }
            r->compared++;
            i++;
            j++;
        }
    }
    if (!(xs = malloc(maxw)) || !(keys = malloc((npairs + 1) * sizeof *keys)))
        goto oom;
    memset(xs, 'x', maxw);
    for (size_t k = 0; k < npairs; k++) {
        uint64_t first = UINT64_MAX;
        uint64_t nd = compare_pair(a, va[pa[k]].tr, b, vb[pb[k]].tr, k, xs, o, &l, &first);
        if (nd == UINT64_MAX)
            goto oom;
        keys[k].t = first;
        keys[k].order = va[pa[k]].order;
        if (nd) {
            r->differing++;
            r->ndiff += nd;
            if (first < r->first_fs)
                r->first_fs = first;
        }
    }
    if (npairs)
        qsort(keys, npairs, sizeof *keys, show_cmp);
    if (!(r->show = malloc((npairs + 1) * sizeof *r->show)))
        goto oom;
    for (size_t k = 0; k < npairs && k < WAVE_SHOW_MAX; k++) {
        r->show[r->nshow++] = keys[k].order;
        r->nshow_diff += keys[k].t != UINT64_MAX;
    }
    if (l.n)
        qsort(l.it, l.n, sizeof *l.it, item_cmp);
    for (size_t k = 0; out && k < l.n && (long)k < o->max_print; k++) {
        const diff_item *d = &l.it[k];
        print_time(out, d->t, o->time_exp);
        fprintf(out, "  %s  A=", va[pa[d->sig]].name);
        print_value(out, va[pa[d->sig]].tr, d->va);
        fputs("  B=", out);
        print_value(out, vb[pb[d->sig]].tr, d->vb);
        fputc('\n', out);
    }
    rc = r->ndiff || r->width_mismatch || (o->strict && (r->only_a || r->only_b)) ? 1 : 0;
    if (out) {
        fprintf(out, "summary: %zu signals compared, %zu differ, %llu differences",
                r->compared, r->differing, (unsigned long long)r->ndiff);
        if (r->ndiff) {
            fputs(" (first at ", out);
            print_time(out, r->first_fs, o->time_exp);
            fputc(')', out);
        }
        fprintf(out, ", %zu width mismatches, %zu only in A, %zu only in B%s\n",
                r->width_mismatch, r->only_a, r->only_b,
                (r->only_a || r->only_b) && !o->strict ? " (not counted; --strict counts them)"
                                                       : "");
        fprintf(out, "result: %s\n", rc ? "differ" : "agree");
    }
    goto done;
oom:
    snprintf(r->err, sizeof r->err, "out of memory");
    rc = 2;
done:
    if (r->err[0])
        rc = 2;
    free(va);
    free(vb);
    free(pa);
    free(pb);
    free(used);
    free(xs);
    free(keys);
    free(l.it);
    if (rc == 2)
        wave_diff_result_free(r);
    return rc;
}
