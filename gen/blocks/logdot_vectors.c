/* `logq vectors logdot`: stimulus and expected results of the log-domain dot product
 * for the bench of gen/emit/tb_icarus.c (docs/xsim.md). The stimulus mirrors the
 * Verilator bench (sim/verilator/logdot_tb.cpp: C++, so mirrored here): uniform,
 * zero-heavy, largest-magnitude, equal and one-sign codes, all-zero vectors, lengths
 * 1-3, up to 24 and up to 300 beats. The results come from the model (cmodel/logdot.c). */
#include <stdlib.h>
#include <string.h>

#include "blocks/logdot_opts.h"
#include "cmodel/logdot.h"
#include "blocks/blocks.h"
#include "emit/vectors.h"

static long rnd(vec_out *v, long n)
{
    return (long)lq_rng_below(&v->rng, (uint64_t)n);
}

static uint32_t ld_code(vec_out *v, const lq_format *f, int mode, uint32_t base)
{
    int b = lq_mag_bits(f);
    uint32_t mmax = (1u << b) - 1, sbit = f->is_signed ? 1u << b : 0;
    uint32_t c = (uint32_t)lq_rng_u64(&v->rng) & ((1u << f->bits) - 1);
    switch (mode) {
    case 1: return rnd(v, 2) ? (rnd(v, 2) ? sbit : 0) : c;
    case 2: return (rnd(v, 2) ? sbit : 0) | (mmax - (uint32_t)rnd(v, 2));
    case 3: return rnd(v, 8) ? base : c;
    case 4: return c & mmax;
    default: return c;
    }
}

static void ld_vector(vec_out *v, lq_logdot *m)
{
    static bitword b;
    const lq_logdot_cfg *c = &m->cfg;
    uint32_t a[LQ_LOGACC_LANES_MAX], w[LQ_LOGACC_LANES_MAX];
    long len, r = rnd(v, 100);
    int mode = (int)rnd(v, 5), allzero = rnd(v, 25) == 0, N = c->lanes;
    uint32_t ba = (uint32_t)lq_rng_u64(&v->rng) & ((1u << c->act.bits) - 1);
    uint32_t bw = (uint32_t)lq_rng_u64(&v->rng) & ((1u << c->wgt.bits) - 1);
    len = r < 40 ? 1 + rnd(v, 3) : r < 90 ? 1 + rnd(v, 24) : 25 + rnd(v, 275);
    for (long k = 0; k < len; k++) {
        lq_logdot_out o;
        for (int i = 0; i < N; i++) {
            a[i] = allzero ? 0 : ld_code(v, &c->act, mode, ba);
            w[i] = ld_code(v, &c->wgt, mode, bw);
        }
        b.n = 0;
        for (int i = 0; i < N; i++)
            bw_put(&b, a[i], c->act.bits);
        for (int i = 0; i < N; i++)
            bw_put(&b, w[i], c->wgt.bits);
        bw_put(&b, (uint64_t)(k + 1 == len), 1);
        bw_hex(v->in, &b);
        vec_gap(v);
        v->nin++;
        if (lq_logdot_step(m, a, w, k + 1 == len, &o)) {
            b.n = 0;
            bw_put(&b, (uint64_t)o.result, c->out_bits);
            bw_put(&b, (uint64_t)o.sat, 1);
            vec_item(v, &b);
        }
    }
}

int vectors_logdot(const lq_cmd *c)
{
    static const struct option opts[] = {LOGDOT_OPTIONS, VEC_COMMON_OPTIONS,
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    logdot_opts lo;
    vec_common o = {NULL, 200, 30, 0, 0, 1};
    lq_logdot m;
    vec_out v;
    lq_fileset fs;
    tb_desc d;
    char msg[256];
    int ch, rc, lat;

    logdot_opts_init(&lo);
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            printf("usage: logq vectors logdot [the options of logq gen logdot] [--count N]\n"
                   "       [--seed S] [--stall PCT] [--wrong-model] -o DIR (docs/logdot.md,\n"
                   "       docs/xsim.md); --count N: vectors\n");
            return LQ_EXIT_OK;
        }
        if ((rc = logdot_option(&lo, ch, optarg)) == 0)
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
    if (o.exhaustive) {
        cli_error("--exhaustive is not available for logdot (vectors of any length)");
        return LQ_EXIT_USAGE;
    }
    if (logdot_opts_finish(&lo) != 0 || (lat = logdot_latency(&lo)) < 0)
        return LQ_EXIT_USAGE;
    if (lq_logdot_init(&m, &lo.cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if ((rc = vec_begin(&v, &fs, &o, 1, c)) != LQ_EXIT_OK) {
        lq_logdot_free(&m);
        return rc;
    }
    v.wrong = o.wrong;
    for (int i = 0; i < o.count; i++)
        ld_vector(&v, &m);
    tb_desc_logdot(&d, lo.name, lo.cfg.lanes, lo.cfg.act.bits, lo.cfg.wgt.bits,
                   lo.cfg.out_bits, lat);
    rc = vec_finish(&v, &fs, &o, &d, c);
    lq_logdot_free(&m);
    return rc;
}
