/* `logq vectors quant`: stimulus and expected codes of the hardware quantizer for the
 * bench of gen/emit/tb_icarus.c (docs/xsim.md). The stimulus mirrors the Verilator
 * bench (sim/verilator/quant_tb.cpp: C++, so mirrored here): every threshold's two
 * integer neighbours in every lane first, then uniform, octave-biased and corner
 * fields; --exhaustive gives every lane every input value (A <= 20). The expected
 * codes come from the model (cmodel/quanthw.c). */
#include <stdlib.h>
#include <string.h>

#include "blocks/quant_opts.h"
#include "cmodel/quanthw.h"
#include "emit/vectors.h"

static long rnd(vec_out *v, long n)
{
    return (long)lq_rng_below(&v->rng, (uint64_t)n);
}

/* Both integer neighbours of every threshold (2^n and ceil(2^(p/4) 2^n)), both signs,
 * and the extremes; returns the count (at most 4 * 32 * 4 + 2). */
static int quant_corners(const lq_qhw_cfg *c, uint32_t *out)
{
    int A = c->in_bits, k = 0;
    uint32_t fm = (uint32_t)(((uint64_t)1 << A) - 1);
    int64_t umax = c->in_signed ? (int64_t)1 << (A - 1) : ((int64_t)1 << A) - 1;
    for (int n = 0; n < A; n++)
        for (int p = 0; p < 4; p++) {
            int64_t t = p == 0 ? (int64_t)1 << n : (int64_t)lq_qhw_threshold(n + 1, p);
            for (int64_t u = t - 1; u <= t; u++) {
                if (u < 0 || u > umax)
                    continue;
                out[k++] = (uint32_t)u & fm;
                if (c->in_signed && u > 0)
                    out[k++] = (uint32_t)(-u) & fm;
            }
        }
    out[k++] = fm;
    if (c->in_signed)
        out[k++] = fm >> 1;
    return k;
}

static void quant_beat(vec_out *v, lq_qhw *m, const uint32_t *f, int last)
{
    static bitword b;
    uint32_t code[LQ_QHW_LANES_MAX];
    int N = m->cfg.lanes;
    b.n = 0;
    for (int i = 0; i < N; i++)
        bw_put(&b, f[i], m->cfg.in_bits);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    lq_qhw_step(m, f, code);
    b.n = 0;
    for (int i = 0; i < N; i++)
        bw_put(&b, code[i], m->cfg.out.bits);
    bw_put(&b, (uint64_t)(last != 0), 1);
    vec_item(v, &b);
}

int vectors_quant(const lq_cmd *c)
{
    static const struct option opts[] = {QUANT_OPTIONS, VEC_COMMON_OPTIONS,
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    static uint32_t cor[4 * 32 * 4 + 4];
    quant_opts qo;
    vec_common o = {NULL, 200, 30, 0, 0, 1};
    lq_qhw m;
    vec_out v;
    lq_fileset fs;
    tb_desc d;
    char msg[256];
    uint32_t f[LQ_QHW_LANES_MAX];
    int ch, rc, ncor;
    long nbeats;

    quant_opts_init(&qo);
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            printf("usage: logq vectors quant [the options of logq gen quant] [--count N]\n"
                   "       [--seed S] [--stall PCT] [--exhaustive] [--wrong-model] -o DIR\n"
                   "--count N: beats; --exhaustive: every input value in every lane (at most\n"
                   "20 input bits; --count is ignored). docs/quant.md, docs/xsim.md.\n");
            return LQ_EXIT_OK;
        }
        if ((rc = quant_option(&qo, ch, optarg)) == 0)
            rc = vec_common_option(ch, optarg, &o);
        if (rc < 0)
            return LQ_EXIT_USAGE;
        if (rc == 0)
            return cli_bad_option(c);
    }
    if (optind < c->argc) {
        cli_error("unexpected argument '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!o.dir) {
        cli_error("-o DIR is required");
        return LQ_EXIT_USAGE;
    }
    if (quant_opts_finish(&qo) != 0)
        return LQ_EXIT_USAGE;
    if (o.exhaustive && qo.cfg.in_bits > 20) {
        cli_error("--exhaustive needs at most 20 input bits (here %d)", qo.cfg.in_bits);
        return LQ_EXIT_USAGE;
    }
    if (lq_qhw_init(&m, &qo.cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if ((rc = vec_begin(&v, &fs, &o, 0, c)) != LQ_EXIT_OK)
        return rc;
    v.wrong = o.wrong;
    ncor = quant_corners(&qo.cfg, cor);
    {
        int N = qo.cfg.lanes, A = qo.cfg.in_bits;
        uint32_t fm = (uint32_t)(((uint64_t)1 << A) - 1);
        uint64_t stride = (((uint64_t)1 << A) / (uint64_t)N) | 1u;
        nbeats = o.exhaustive ? 1L << A : (long)o.count;
        if (!o.exhaustive && nbeats < ncor)
            nbeats = ncor;
        for (long k = 0; k < nbeats; k++) {
            long kind = k < ncor ? 3 : rnd(&v, 10);
            for (int i = 0; i < N; i++) {
                uint32_t x;
                if (o.exhaustive)
                    x = (uint32_t)(((uint64_t)k + (uint64_t)i * stride) & fm);
                else if (kind == 3)
                    x = cor[(k + i) % ncor];
                else if (kind < 3)
                    x = (uint32_t)lq_rng_u64(&v.rng) & fm;
                else if (kind < 7)
                    x = ((uint32_t)lq_rng_u64(&v.rng) & fm) >> rnd(&v, A);
                else
                    x = cor[rnd(&v, ncor)];
                if (kind >= 3 && kind < 7 && !o.exhaustive && qo.cfg.in_signed && rnd(&v, 2))
                    x = (0u - x) & fm;
                f[i] = x;
            }
            quant_beat(&v, &m, f, rnd(&v, 8) == 0 || k + 1 == nbeats);
        }
    }
    tb_desc_quant(&d, qo.name, qo.cfg.lanes, qo.cfg.in_bits, qo.cfg.out.bits, qo.nstages + 1);
    return vec_finish(&v, &fs, &o, &d, c);
}
