/* A reader of Value Change Dump files (IEEE 1364-2005 section 18) into a wave_dump.
 *
 * The file is read as whitespace-separated tokens. Header: $timescale, $scope,
 * $upscope, $var, $enddefinitions; any other $keyword ($date, $version, $comment,
 * $attrbegin ...) is skipped up to its $end. Body: #time, scalar changes (0 1 x z
 * then the identifier code, no space), vector changes (b... then the code), reals
 * (r... then the code), strings (s... then the code; not compared), and $dumpvars
 * $dumpall $dumpon $dumpoff $end, which only frame changes. A vector value shorter
 * than its variable is extended to the left with 0, or with x or z when its leftmost
 * bit is x or z. Every error names the file, the line and what was expected; the
 * parser never reads past the buffer, and a fuzz target (tests/fuzz/fuzz_wavediff.c)
 * holds it to that. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wave/read.h"

typedef struct {
    const char *p, *end;
    long line;
    const char *tok;     /* the current token, not NUL-terminated */
    size_t len;
    long tok_line;
} vcd_lexer;

/* Identifier code -> trace, open addressing. */
typedef struct {
    char **key;
    int *val;
    size_t cap, n;
} vcd_ids;

static int vcd_next(vcd_lexer *lx)
{
    const char *p = lx->p;
    while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
                           *p == '\f' || *p == '\v')) {
        if (*p == '\n')
            lx->line++;
        p++;
    }
    if (p == lx->end) {
        lx->p = p;
        lx->tok = NULL;
        lx->len = 0;
        lx->tok_line = lx->line;
        return 0;
    }
    lx->tok = p;
    lx->tok_line = lx->line;
    while (p < lx->end && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
                            *p == '\f' || *p == '\v'))
        p++;
    lx->len = (size_t)(p - lx->tok);
    lx->p = p;
    return 1;
}

static int tok_is(const vcd_lexer *lx, const char *s)
{
    return lx->tok && lx->len == strlen(s) && memcmp(lx->tok, s, lx->len) == 0;
}

/* The current token for a message, shortened and with unprintable bytes escaped. */
static const char *tok_show(const vcd_lexer *lx, char *buf, size_t n)
{
    size_t j = 0;
    if (!lx->tok)
        return "end of file";
    buf[j++] = '\'';
    for (size_t i = 0; i < lx->len && j + 8 < n; i++) {
        unsigned char c = (unsigned char)lx->tok[i];
        if (i == 40) {
            j += (size_t)snprintf(buf + j, n - j, "...");
            break;
        }
        if (c >= 32 && c < 127)
            buf[j++] = (char)c;
        else
            j += (size_t)snprintf(buf + j, n - j, "\\x%02x", c);
    }
    buf[j++] = '\'';
    buf[j] = '\0';
    return buf;
}

static int expected(wave_dump *d, const vcd_lexer *lx, const char *what)
{
    char b[80];
    return wave_error(d, "%s:%ld: expected %s, got %s", d->file, lx->tok_line, what,
                      tok_show(lx, b, sizeof b));
}

static uint64_t id_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void ids_free(vcd_ids *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->key[i]);
    free(t->key);
    free(t->val);
}

/* Slot of key s (empty slot if absent). */
static size_t ids_slot(const vcd_ids *t, const char *s, size_t n)
{
    size_t i = (size_t)id_hash(s, n) & (t->cap - 1);
    while (t->key[i] && !(strlen(t->key[i]) == n && memcmp(t->key[i], s, n) == 0))
        i = (i + 1) & (t->cap - 1);
    return i;
}

static int ids_find(const vcd_ids *t, const char *s, size_t n)
{
    size_t i;
    if (!t->cap)
        return -1;
    i = ids_slot(t, s, n);
    return t->key[i] ? t->val[i] : -1;
}

static int ids_put(vcd_ids *t, const char *s, size_t n, int v)
{
    size_t i;
    if (2 * (t->n + 1) > t->cap) {
        vcd_ids g = {0};
        g.cap = t->cap ? 2 * t->cap : 256;
        g.key = calloc(g.cap, sizeof *g.key);
        g.val = calloc(g.cap, sizeof *g.val);
        if (!g.key || !g.val) {
            free(g.key);
            free(g.val);
            return -1;
        }
        for (size_t k = 0; k < t->cap; k++) {
            if (!t->key[k])
                continue;
            i = ids_slot(&g, t->key[k], strlen(t->key[k]));
            g.key[i] = t->key[k];
            g.val[i] = t->val[k];
        }
        g.n = t->n;
        free(t->key);
        free(t->val);
        *t = g;
    }
    i = ids_slot(t, s, n);
    if (!(t->key[i] = malloc(n + 1)))
        return -1;
    memcpy(t->key[i], s, n);
    t->key[i][n] = '\0';
    t->val[i] = v;
    t->n++;
    return 0;
}

/* Skip to the $end that closes a section; error at end of file. */
static int skip_to_end(wave_dump *d, vcd_lexer *lx, const char *section)
{
    long line = lx->tok_line;
    while (vcd_next(lx))
        if (tok_is(lx, "$end"))
            return 0;
    return wave_error(d, "%s:%ld: unexpected end of file: %s opened here has no $end",
                      d->file, line, section);
}

/* $timescale 1ps $end, also "1 ps" and "10ns". */
static int parse_timescale(wave_dump *d, vcd_lexer *lx)
{
    static const struct { const char *name; int exp; } units[] = {
        {"s", 0}, {"ms", -3}, {"us", -6}, {"ns", -9}, {"ps", -12}, {"fs", -15}};
    char text[32];
    size_t n = 0;
    long line = lx->tok_line;
    int mult = 0;
    const char *u;
    for (;;) {
        if (!vcd_next(lx))
            return wave_error(d, "%s:%ld: unexpected end of file in $timescale", d->file, line);
        if (tok_is(lx, "$end"))
            break;
        if (n + lx->len >= sizeof text)
            return expected(d, lx, "a timescale such as 1ps");
        memcpy(text + n, lx->tok, lx->len);
        n += lx->len;
    }
    text[n] = '\0';
    u = text;
    while (*u >= '0' && *u <= '9' && mult <= 100)
        mult = mult * 10 + (*u++ - '0');
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(u, units[i].name) == 0 && wave_set_timescale(d, mult, units[i].exp) == 0)
            return 0;
    return wave_error(d, "%s:%ld: expected a timescale of 1, 10 or 100 s, ms, us, ns, ps or "
                      "fs, got '%s'", d->file, line, text);
}

/* Scope path being built: names joined by '.', with the length at each depth. */
typedef struct {
    char *buf;
    size_t len, cap;
    size_t *mark;
    size_t depth, capmark;
} vcd_scope;

static int scope_push(vcd_scope *s, const char *name, size_t n)
{
    if (wave_grow((void **)&s->mark, &s->capmark, s->depth + 1, sizeof *s->mark) != 0)
        return -1;
    if (s->len + n + 2 > s->cap) {
        size_t c = 2 * (s->len + n + 2) + 64;
        char *b = realloc(s->buf, c);
        if (!b)
            return -1;
        s->buf = b;
        s->cap = c;
    }
    s->mark[s->depth++] = s->len;
    if (s->len)
        s->buf[s->len++] = '.';
    memcpy(s->buf + s->len, name, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return 0;
}

static int parse_var(wave_dump *d, vcd_lexer *lx, vcd_ids *ids, vcd_scope *sc)
{
    long line = lx->tok_line;
    int is_real, is_string, width = 0, tr;
    char *path;
    const char *id;
    size_t idlen, need;

    if (!vcd_next(lx) || tok_is(lx, "$end"))
        return expected(d, lx, "a variable type after $var");
    is_real = tok_is(lx, "real") || tok_is(lx, "realtime") || tok_is(lx, "shortreal") ||
              tok_is(lx, "real_parameter");
    is_string = tok_is(lx, "string");
    if (!vcd_next(lx) || tok_is(lx, "$end"))
        return expected(d, lx, "the width of the $var");
    for (size_t i = 0; i < lx->len; i++) {
        if (lx->tok[i] < '0' || lx->tok[i] > '9' || width > WAVE_MAX_WIDTH)
            return expected(d, lx, "a decimal width (1 to 65536)");
        width = width * 10 + (lx->tok[i] - '0');
    }
    if (width < 1 || width > WAVE_MAX_WIDTH)
        return expected(d, lx, "a decimal width (1 to 65536)");
    if (!vcd_next(lx) || tok_is(lx, "$end"))
        return expected(d, lx, "an identifier code in $var");
    id = lx->tok;
    idlen = lx->len;
    if (!vcd_next(lx) || tok_is(lx, "$end"))
        return expected(d, lx, "a reference name in $var");
    tr = ids_find(ids, id, idlen);
    if (tr >= 0) {
        if (d->tr[tr].is_real != is_real || (!is_real && d->tr[tr].width != width))
            return wave_error(d, "%s:%ld: identifier code '%.*s' declared again with another "
                              "width or type", d->file, line, (int)idlen, id);
    } else {
        if ((tr = wave_add_trace(d, is_real ? 64 : width, is_real)) < 0)
            return -1;
        d->tr[tr].ignored = is_string;
        if (ids_put(ids, id, idlen, tr))
            return wave_error(d, "%s: out of memory", d->file);
    }
    need = sc->len + lx->len + 2;
    if (!(path = malloc(need)))
        return wave_error(d, "%s: out of memory", d->file);
    snprintf(path, need, "%s%s%.*s", sc->buf ? sc->buf : "", sc->len ? "." : "",
             (int)lx->len, lx->tok);
    if (memchr(lx->tok, '\0', lx->len)) {
        free(path);
        return wave_error(d, "%s:%ld: NUL byte in a reference name", d->file, lx->tok_line);
    }
    if (wave_add_signal(d, path, tr)) {
        free(path);
        return -1;
    }
    free(path);
    /* An optional bit range ([7:0], [3]) and then $end. */
    for (int k = 0;; k++) {
        if (!vcd_next(lx))
            return wave_error(d, "%s:%ld: unexpected end of file: $var has no $end",
                              d->file, line);
        if (tok_is(lx, "$end"))
            return 0;
        if (k > 0 || lx->tok[0] != '[')
            return expected(d, lx, "$end after the $var reference (and bit range)");
    }
}

static int parse_header(wave_dump *d, vcd_lexer *lx, vcd_ids *ids)
{
    vcd_scope sc = {0};
    int rc = -1;
    if (!vcd_next(lx)) {
        wave_error(d, "%s: empty file: expected a VCD header ($timescale, $scope, $var, "
                   "$enddefinitions)", d->file);
        goto out;
    }
    for (;; vcd_next(lx)) {
        if (!lx->tok) {
            wave_error(d, "%s:%ld: unexpected end of file in the header: expected "
                       "$enddefinitions", d->file, lx->line);
            goto out;
        }
        if (tok_is(lx, "$enddefinitions")) {
            if (skip_to_end(d, lx, "$enddefinitions") == 0)
                rc = 0;
            goto out;
        } else if (tok_is(lx, "$timescale")) {
            if (parse_timescale(d, lx))
                goto out;
        } else if (tok_is(lx, "$scope")) {
            long line = lx->tok_line;
            if (!vcd_next(lx) || tok_is(lx, "$end") || !vcd_next(lx) || tok_is(lx, "$end")) {
                expected(d, lx, "a scope type and name after $scope");
                goto out;
            }
            if (scope_push(&sc, lx->tok, lx->len)) {
                wave_error(d, "%s: out of memory", d->file);
                goto out;
            }
            if (!vcd_next(lx)) {
                wave_error(d, "%s:%ld: unexpected end of file: $scope has no $end", d->file, line);
                goto out;
            }
            if (!tok_is(lx, "$end")) {
                expected(d, lx, "$end after the $scope name");
                goto out;
            }
        } else if (tok_is(lx, "$upscope")) {
            if (sc.depth == 0) {
                wave_error(d, "%s:%ld: $upscope without an open $scope", d->file, lx->tok_line);
                goto out;
            }
            sc.len = sc.mark[--sc.depth];
            sc.buf[sc.len] = '\0';
            if (!vcd_next(lx) || !tok_is(lx, "$end")) {
                expected(d, lx, "$end after $upscope");
                goto out;
            }
        } else if (tok_is(lx, "$var")) {
            if (parse_var(d, lx, ids, &sc))
                goto out;
        } else if (lx->tok[0] == '$' && !tok_is(lx, "$end")) {
            char name[48];
            snprintf(name, sizeof name, "%.*s", lx->len > 40 ? 40 : (int)lx->len, lx->tok);
            if (skip_to_end(d, lx, name))
                goto out;
        } else {
            expected(d, lx, "a $keyword in the VCD header");
            goto out;
        }
    }
out:
    free(sc.buf);
    free(sc.mark);
    return rc;
}

/* The identifier code in the token after a vector or real value. */
static int value_target(wave_dump *d, vcd_lexer *lx, const vcd_ids *ids, const char *what)
{
    int tr;
    char b[80];
    if (!vcd_next(lx))
        return wave_error(d, "%s:%ld: expected an identifier code after the %s, got %s",
                          d->file, lx->tok_line, what, tok_show(lx, b, sizeof b));
    if ((tr = ids_find(ids, lx->tok, lx->len)) < 0)
        return wave_error(d, "%s:%ld: unknown identifier code %s (not declared by a $var)",
                          d->file, lx->tok_line, tok_show(lx, b, sizeof b));
    return tr;
}

/* '0' '1' 'x' 'z' for a VCD value digit (X and Z too), 0 for anything else. */
static const unsigned char bit_table[256] = {
    ['0'] = '0', ['1'] = '1', ['x'] = 'x', ['X'] = 'x', ['z'] = 'z', ['Z'] = 'z'};

static int bit_char(char c)
{
    return bit_table[(unsigned char)c];
}

/* Store bits (MSB first) into trace tr at time t, extended to its width. */
static int put_bits(wave_dump *d, const vcd_lexer *lx, int tr, uint64_t t,
                    const char *bits, size_t n)
{
    const wave_trace *w = &d->tr[tr];
    unsigned char *v;
    size_t width = (size_t)w->width, pad;
    int fill;
    if (w->ignored)
        return 0;
    if (w->is_real)
        return wave_error(d, "%s:%ld: a bit value for a real variable", d->file, lx->tok_line);
    if (n > width)
        return wave_error(d, "%s:%ld: a value of %zu bits for a variable of %zu bits",
                          d->file, lx->tok_line, n, width);
    if (!(v = wave_add_change(d, tr, t)))
        return -1;
    fill = bits[0] == 'x' || bits[0] == 'X' ? 'x' : bits[0] == 'z' || bits[0] == 'Z' ? 'z' : '0';
    pad = width - n;
    memset(v, fill, pad);
    for (size_t i = 0; i < n; i++)
        v[pad + i] = bit_table[(unsigned char)bits[i]];
    return 0;
}

static int parse_body(wave_dump *d, vcd_lexer *lx, const vcd_ids *ids)
{
    uint64_t t = 0, ticks;
    int seen_time = 0, tr;
    char b[80];
    while (vcd_next(lx)) {
        const char *s = lx->tok;
        size_t n = lx->len;
        char c = s[0];
        if (c == '#') {
            ticks = 0;
            if (n < 2)
                return expected(d, lx, "a time after '#'");
            for (size_t i = 1; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                    return expected(d, lx, "a decimal time after '#'");
                if (ticks > (UINT64_MAX - 9) / 10)
                    return wave_error(d, "%s:%ld: time %s is too large", d->file,
                                      lx->tok_line, tok_show(lx, b, sizeof b));
                ticks = ticks * 10 + (uint64_t)(s[i] - '0');
            }
            if (ticks > UINT64_MAX / d->tick_fs)
                return wave_error(d, "%s:%ld: time %s is too large (over 2^64 fs)", d->file,
                                  lx->tok_line, tok_show(lx, b, sizeof b));
            if (seen_time && ticks * d->tick_fs < t)
                return wave_error(d, "%s:%ld: time goes backwards: %s after #%llu", d->file,
                                  lx->tok_line, tok_show(lx, b, sizeof b),
                                  (unsigned long long)(t / d->tick_fs));
            t = ticks * d->tick_fs;
            seen_time = 1;
            if (t > d->t_end)
                d->t_end = t;
        } else if (bit_char(c)) {
            if (n < 2)
                return wave_error(d, "%s:%ld: expected an identifier code right after the "
                                  "value %s", d->file, lx->tok_line, tok_show(lx, b, sizeof b));
            if ((tr = ids_find(ids, s + 1, n - 1)) < 0)
                return wave_error(d, "%s:%ld: unknown identifier code in %s (not declared "
                                  "by a $var)", d->file, lx->tok_line, tok_show(lx, b, sizeof b));
            if (put_bits(d, lx, tr, t, s, 1))
                return -1;
        } else if (c == 'b' || c == 'B') {
            const char *bits = s + 1;
            size_t nb = n - 1;
            long line = lx->tok_line;
            if (nb == 0)
                return expected(d, lx, "binary digits after 'b'");
            for (size_t i = 0; i < nb; i++)
                if (!bit_char(bits[i]))
                    return expected(d, lx, "a binary value of 0 1 x z digits");
            if ((tr = value_target(d, lx, ids, "binary value")) < 0)
                return -1;
            (void)line;
            if (put_bits(d, lx, tr, t, bits, nb))
                return -1;
        } else if (c == 'r' || c == 'R') {
            char num[64];
            char *end;
            double v;
            unsigned char *dst;
            if (n < 2 || n - 1 >= sizeof num)
                return expected(d, lx, "a real number after 'r'");
            memcpy(num, s + 1, n - 1);
            num[n - 1] = '\0';
            errno = 0;
            v = strtod(num, &end);
            if (*end)
                return expected(d, lx, "a real number after 'r'");
            if ((tr = value_target(d, lx, ids, "real value")) < 0)
                return -1;
            if (d->tr[tr].ignored)
                continue;
            if (!d->tr[tr].is_real)
                return wave_error(d, "%s:%ld: a real value for a bit variable", d->file,
                                  lx->tok_line);
            if (!(dst = wave_add_change(d, tr, t)))
                return -1;
            memcpy(dst, &v, sizeof v);
        } else if (c == 's' || c == 'S') {
            if ((tr = value_target(d, lx, ids, "string value")) < 0)
                return -1;
        } else if (tok_is(lx, "$dumpvars") || tok_is(lx, "$dumpall") || tok_is(lx, "$dumpon") ||
                   tok_is(lx, "$dumpoff") || tok_is(lx, "$end")) {
            continue;
        } else if (tok_is(lx, "$comment")) {
            if (skip_to_end(d, lx, "$comment"))
                return -1;
        } else {
            return expected(d, lx, "#time, a value change or $dumpvars/$end");
        }
    }
    return 0;
}

int vcd_parse(wave_dump *d, const char *buf, size_t len)
{
    vcd_lexer lx = {buf, buf + len, 1, NULL, 0, 1};
    vcd_ids ids = {0};
    int rc;
    d->format = "VCD";
    rc = parse_header(d, &lx, &ids);
    if (rc == 0)
        rc = parse_body(d, &lx, &ids);
    ids_free(&ids);
    return rc;
}
