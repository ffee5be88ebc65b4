/* The log-domain accumulator: the bit-exact model of `logq gen logacc`.
 *
 * Method. log2(2^a + 2^b) = max(a, b) + log2(1 + 2^-|a - b|). The state keeps
 * log2 of the magnitude of a sum as a two's complement fixed-point number with F
 * fraction bits (SW = E + 1 + F bits). Two corrections are offered:
 *   paper: C = 2^-d with d = |floor(a) - floor(b)| (integer), i.e. one bit at
 *          position F - d, zero for d > F. With b an integer exponent this is the
 *          paper's s = max(s, p) + Bitshift(1, -|floor(s) - p|).
 *   table: C = T(d) = round(2^F * log2(1 + 2^(-d / 2^F))), d = |a - b| in units of
 *          2^-F; T is non-increasing and zero from the cut-off dcut on.
 * Error bound of one table addition: |rounding of T| <= 2^-(F+1) log2 units, plus the
 * truncation of d (none: d is exact, the operands are on the same grid).
 * The sum max + C saturates at the largest state (it cannot underflow: C >= 0).
 * A zero operand is the identity; zero + zero is zero. */
#include "logacc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lq_logacc_corr_name(lq_logacc_corr c)
{
    return c == LQ_CORR_TABLE ? "table" : "paper";
}

int lq_logacc_corr_parse(const char *s, lq_logacc_corr *out)
{
    if (strcmp(s, "paper") == 0)
        *out = LQ_CORR_PAPER;
    else if (strcmp(s, "table") == 0)
        *out = LQ_CORR_TABLE;
    else
        return -1;
    return 0;
}

int lq_logacc_check(const lq_logacc_cfg *c, char *msg, size_t msglen)
{
    int fmax = c->corr == LQ_CORR_TABLE ? LQ_LOGACC_FRAC_MAX_TABLE : LQ_LOGACC_FRAC_MAX_PAPER;
    if (c->lanes < 1 || c->lanes > LQ_LOGACC_LANES_MAX) {
        snprintf(msg, msglen, "lanes %d is out of range (1 to %d)", c->lanes,
                 LQ_LOGACC_LANES_MAX);
        return -1;
    }
    if (c->exp_bits < LQ_LOGACC_EXP_BITS_MIN || c->exp_bits > LQ_LOGACC_EXP_BITS_MAX) {
        snprintf(msg, msglen, "exponent bits %d is out of range (%d to %d)", c->exp_bits,
                 LQ_LOGACC_EXP_BITS_MIN, LQ_LOGACC_EXP_BITS_MAX);
        return -1;
    }
    if (c->frac < (c->half ? 1 : 0) || c->frac > fmax) {
        snprintf(msg, msglen, "frac %d is out of range for %s correction, base %s (%d to %d)",
                 c->frac, lq_logacc_corr_name(c->corr), c->half ? "sqrt2" : "2",
                 c->half ? 1 : 0, fmax);
        return -1;
    }
    if (c->corr == LQ_CORR_PAPER && c->frac + 1 >= (1 << (c->exp_bits + 2))) {
        snprintf(msg, msglen, "frac %d needs exponent bits >= %d with the paper correction",
                 c->frac, c->frac >= 15 ? 3 : 2);
        return -1;
    }
    if (c->corr != LQ_CORR_PAPER && c->corr != LQ_CORR_TABLE) {
        snprintf(msg, msglen, "correction %d is unknown", (int)c->corr);
        return -1;
    }
    return 0;
}

int64_t lq_logacc_table_entry(int frac, int64_t d, long double *tie_dist)
{
    long double scale = ldexpl(1.0L, frac);
    long double u = exp2l(-(long double)d / scale);
    long double y = log1pl(u) / logl(2.0L) * scale;
    long double r = floorl(y + 0.5L);
    if (tie_dist)
        *tie_dist = fabsl((y - floorl(y)) - 0.5L);
    return (int64_t)r;
}

void lq_logacc_reset(lq_logacc *m)
{
    m->acc_pos.zero = m->acc_neg.zero = 1;
    m->acc_pos.v = m->acc_neg.v = 0;
    m->beats = 0;
}

int lq_logacc_init(lq_logacc *m, const lq_logacc_cfg *cfg, char *msg, size_t msglen)
{
    memset(m, 0, sizeof *m);
    if (lq_logacc_check(cfg, msg, msglen) != 0)
        return -1;
    m->cfg = *cfg;
    m->state_bits = cfg->exp_bits + 1 + cfg->frac;
    m->vmax = ((int64_t)1 << (m->state_bits - 1)) - 1;
    m->vmin = -((int64_t)1 << (m->state_bits - 1));
    for (int n = 1; n < cfg->lanes; n *= 2)
        m->levels++;
    if (cfg->corr == LQ_CORR_PAPER) {
        m->dcut = cfg->frac + 1;
        m->tab = malloc((size_t)m->dcut * sizeof *m->tab);
        if (!m->tab) {
            snprintf(msg, msglen, "out of memory");
            return -1;
        }
        for (int64_t d = 0; d < m->dcut; d++)
            m->tab[d] = (int32_t)1 << (cfg->frac - d);
    } else {
        /* T(d) ~ 2^F * 2^(-d/2^F) / ln 2 is below 1/2 once d/2^F > F + 1.53: size the
         * scan generously, then cut at the first zero (T is non-increasing). */
        int64_t n = ((int64_t)cfg->frac + 4) << cfg->frac;
        m->tab = malloc((size_t)n * sizeof *m->tab);
        if (!m->tab) {
            snprintf(msg, msglen, "out of memory");
            return -1;
        }
        m->dcut = -1;
        for (int64_t d = 0; d < n; d++) {
            long double tie;
            int64_t t = lq_logacc_table_entry(cfg->frac, d, &tie);
            if (tie < 1e-9L) {
                snprintf(msg, msglen, "table entry %lld is within 1e-9 of a rounding tie",
                         (long long)d);
                lq_logacc_free(m);
                return -1;
            }
            if (t == 0) {
                m->dcut = d;
                break;
            }
            m->tab[d] = (int32_t)t;
        }
        if (m->dcut < 0) {
            snprintf(msg, msglen, "table did not reach zero (internal error)");
            lq_logacc_free(m);
            return -1;
        }
    }
    if (cfg->fault && m->dcut > 1)
        m->tab[1] ^= 1;
    lq_logacc_reset(m);
    return 0;
}

void lq_logacc_free(lq_logacc *m)
{
    free(m->tab);
    m->tab = NULL;
}

/* floor(v / 2^f) without relying on >> of a negative number. */
static int64_t floor_shift(int64_t v, int f)
{
    int64_t q = v / ((int64_t)1 << f);
    if (v % ((int64_t)1 << f) < 0)
        q--;
    return q;
}

int64_t lq_logacc_corr_of(const lq_logacc *m, int64_t d)
{
    return d < m->dcut ? m->tab[d] : 0;
}

lq_lval lq_logacc_add(const lq_logacc *m, lq_lval a, lq_lval b)
{
    lq_lval r = {0, 0};
    int64_t mx, d;
    if (a.zero)
        return b;
    if (b.zero)
        return a;
    mx = a.v >= b.v ? a.v : b.v;
    if (m->cfg.corr == LQ_CORR_PAPER)
        d = floor_shift(a.v, m->cfg.frac) - floor_shift(b.v, m->cfg.frac);
    else
        d = a.v - b.v;
    if (d < 0)
        d = -d;
    if (m->cov)
        m->cov[d < m->dcut + 1 ? d : m->dcut + 1]++;
    r.v = mx + lq_logacc_corr_of(m, d);
    if (r.v > m->vmax)
        r.v = m->vmax;
    return r;
}

lq_lval lq_logacc_term(const lq_logacc *m, lq_lterm t, int sign)
{
    lq_lval r = {1, 0};
    if (t.zero || (t.sign != 0) != (sign != 0))
        return r;
    r.zero = 0;
    r.v = (int64_t)t.exp * ((int64_t)1 << (m->cfg.frac - m->cfg.half));
    return r;
}

lq_lval lq_logacc_tree(const lq_logacc *m, lq_lval *v, int n)
{
    while (n > 1) {
        int k = 0;
        for (int i = 0; i + 1 < n; i += 2)
            v[k++] = lq_logacc_add(m, v[i], v[i + 1]);
        if (n & 1)
            v[k++] = v[n - 1];
        n = k;
    }
    return v[0];
}

int lq_logacc_step(lq_logacc *m, const lq_lterm *terms, int last, lq_logacc_out *out)
{
    lq_lval vp[LQ_LOGACC_LANES_MAX], vn[LQ_LOGACC_LANES_MAX];
    int n = m->cfg.lanes;
    for (int i = 0; i < n; i++) {
        vp[i] = lq_logacc_term(m, terms[i], 0);
        vn[i] = lq_logacc_term(m, terms[i], 1);
    }
    m->acc_pos = lq_logacc_add(m, m->acc_pos, lq_logacc_tree(m, vp, n));
    m->acc_neg = lq_logacc_add(m, m->acc_neg, lq_logacc_tree(m, vn, n));
    m->beats++;
    if (!last)
        return 0;
    out->pos = m->acc_pos;
    out->neg = m->acc_neg;
    lq_logacc_reset(m);
    return 1;
}

double lq_lval_log2(const lq_logacc *m, lq_lval x)
{
    return ldexp((double)x.v, -m->cfg.frac);
}
