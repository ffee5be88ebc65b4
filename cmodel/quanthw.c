/* The hardware log quantizer: model and the integer method of its RTL.
 *
 * Why the integer method is exact (docs/quant.md derives it in full). An input u =
 * |v| >= 1 has n = floor(log2 u) in 0..A-1; shifting it left by z = A - 1 - n gives
 * y = u * 2^z, an A-bit integer with its top bit set, and u / 2^n = y / 2^(A-1)
 * exactly (no bit is lost). With E = LSB + n = floor(log2 |x|):
 *   log2 floor:       e = E
 *   log2 nearest:     e = E + [y >= K2]                  K2 = ceil(2^(1/2) 2^(A-1))
 *   logsqrt2 floor:   e = 2E + [y >= K2]
 *   logsqrt2 nearest: e = 2E + [y >= K1] + [y >= K3]     Kp = ceil(2^(p/4) 2^(A-1))
 * because y / 2^(A-1) >= c <=> y >= c 2^(A-1) <=> y >= ceil(c 2^(A-1)) for the integer y
 * (c 2^(A-1) is irrational, never an integer: there is no tie to decide). These are the
 * decisions of docs/formats.md 3.2 for the same real number. The code is then
 * m = clip(e - lo, 0, 2^b - 1) with lo = S FSR - 2^b: flush when e <= lo, saturate
 * when e >= lo + 2^b, as lq_quantize does. */
#include "quanthw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "quant.h"

typedef unsigned __int128 u128;

int lq_qhw_check(const lq_qhw_cfg *c, char *msg, size_t msglen)
{
    if (c->lanes < 1 || c->lanes > LQ_QHW_LANES_MAX) {
        snprintf(msg, msglen, "lanes %d is out of range (1 to %d)", c->lanes, LQ_QHW_LANES_MAX);
        return -1;
    }
    if (c->in_bits < LQ_QHW_IN_BITS_MIN || c->in_bits > LQ_QHW_IN_BITS_MAX) {
        snprintf(msg, msglen, "input bits %d is out of range (%d to %d)", c->in_bits,
                 LQ_QHW_IN_BITS_MIN, LQ_QHW_IN_BITS_MAX);
        return -1;
    }
    if (c->in_lsb < -LQ_QHW_LSB_ABS_MAX || c->in_lsb > LQ_QHW_LSB_ABS_MAX) {
        snprintf(msg, msglen, "input LSB exponent %d is out of range (%d to %d)", c->in_lsb,
                 -LQ_QHW_LSB_ABS_MAX, LQ_QHW_LSB_ABS_MAX);
        return -1;
    }
    if (c->out.scheme != LQ_LOG2 && c->out.scheme != LQ_LOGSQRT2) {
        snprintf(msg, msglen, "scheme %s is not a log scheme (log2 or logsqrt2)",
                 lq_scheme_name(c->out.scheme));
        return -1;
    }
    return lq_format_check(&c->out, msg, msglen);
}

uint64_t lq_qhw_threshold(int a, int p)
{
    /* least y in [2^(a-1), 2^a) with y^4 >= 2^(4(a-1)+p), else 2^a; y^2 < 2^64 */
    int k = 4 * (a - 1) + p;
    u128 goal = (u128)1 << k;
    uint64_t lo = (uint64_t)1 << (a - 1), hi = ((uint64_t)1 << a) - 1;
    u128 sq = (u128)hi * hi;
    if ((u128)(uint64_t)sq * (uint64_t)sq < goal)
        return (uint64_t)1 << a;
    while (lo < hi) { /* invariant: hi satisfies */
        uint64_t mid = lo + (hi - lo) / 2;
        uint64_t s = (uint64_t)((u128)mid * mid);
        if ((u128)s * s >= goal)
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

void lq_qhw_derive(const lq_qhw_cfg *c, lq_qhw_consts *k)
{
    int half = c->out.scheme == LQ_LOGSQRT2;
    int64_t lo;
    memset(k, 0, sizeof *k);
    k->s = half ? 2 : 1;
    k->b = lq_mag_bits(&c->out);
    while ((1 << k->zbits) < c->in_bits)
        k->zbits++;
    if (half && c->out.rounding == LQ_NEAREST) {
        k->nthr = 2;
        k->k[0] = lq_qhw_threshold(c->in_bits, 1);
        k->k[1] = lq_qhw_threshold(c->in_bits, 3);
    } else if (half || c->out.rounding == LQ_NEAREST) {
        k->nthr = 1;
        k->k[0] = lq_qhw_threshold(c->in_bits, 2);
    }
    lo = (int64_t)k->s * c->out.fsr - ((int64_t)1 << k->b);
    k->c0 = (int64_t)k->s * (c->in_bits - 1 + c->in_lsb) - lo;
}

void lq_qhw_reset(lq_qhw *m)
{
    m->beats = 0;
}

int lq_qhw_init(lq_qhw *m, const lq_qhw_cfg *cfg, char *msg, size_t msglen)
{
    memset(m, 0, sizeof *m);
    if (lq_qhw_check(cfg, msg, msglen) != 0)
        return -1;
    m->cfg = *cfg;
    lq_qhw_derive(cfg, &m->k);
    lq_qhw_reset(m);
    return 0;
}

/* The signed integer of an A-bit field. */
static int64_t field_int(const lq_qhw_cfg *c, uint32_t field)
{
    uint64_t f = (uint64_t)field & (((uint64_t)1 << c->in_bits) - 1);
    if (c->in_signed && (f >> (c->in_bits - 1)) & 1u)
        return (int64_t)f - ((int64_t)1 << c->in_bits);
    return (int64_t)f;
}

double lq_qhw_value(const lq_qhw_cfg *c, uint32_t field)
{
    int64_t v = field_int(c, field);
    if (c->relu && v < 0)
        v = 0;
    return ldexp((double)v, c->in_lsb); /* exact: |v| <= 2^32 */
}

uint32_t lq_qhw_code(const lq_qhw_cfg *c, uint32_t field)
{
    int64_t v = field_int(c, field);
    if (c->relu && v < 0)
        v = 0;
    if (c->fault && v != 0)
        v += v < 0 ? -1 : 1;
    return lq_quantize(&c->out, ldexp((double)v, c->in_lsb));
}

uint32_t lq_qhw_code_int(const lq_qhw_cfg *c, const lq_qhw_consts *k, uint32_t field)
{
    int64_t v = field_int(c, field), mraw, mmax = ((int64_t)1 << k->b) - 1;
    int neg = v < 0, z = 0, adj = 0;
    uint64_t u, y;
    if (v == 0 || (neg && (c->relu || !c->out.is_signed)))
        return 0;
    u = (uint64_t)(neg ? -v : v);
    y = u;
    while (!((y >> (c->in_bits - 1)) & 1u)) {
        y <<= 1;
        z++;
    }
    for (int i = 0; i < k->nthr; i++)
        adj += y >= k->k[i];
    mraw = k->c0 - (int64_t)k->s * z + adj;
    if (mraw <= 0)
        return 0;
    if (mraw > mmax)
        mraw = mmax;
    return (uint32_t)mraw | (neg ? 1u << k->b : 0u);
}

void lq_qhw_step(lq_qhw *m, const uint32_t *in, uint32_t *out)
{
    for (int i = 0; i < m->cfg.lanes; i++)
        out[i] = lq_qhw_code(&m->cfg, in[i]);
    m->beats++;
}
