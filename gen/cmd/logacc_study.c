/* `logq logacc-study`: what the log-domain accumulator's approximation costs. For
 * every variant (base 2 / sqrt(2), paper / table correction, several fraction bits F)
 * it sums random vectors of 16, 256 and 4096 products with the bit-exact model
 * (cmodel/logacc.c, the RTL's specification) and compares with the exact log2 of the
 * sum: mean and maximum error in log2 units, mean signed error (bias), and the
 * relative error of the linear value 2^s. docs/logacc.md quotes its output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/logacc.h"
#include "cmodel/logdot.h"
#include "cmodel/quant.h"
#include "commands.h"

static const char study_help[] =
    "usage: logq logacc-study [--seed S] [--terms T] [--lanes N] [--exp-bits E]\n"
    "                         [--fracs F1,F2,...] [--logdot]\n"
    "\n"
    "Products p = w + x with w and x the nearest log exponents (log2 units, or half\n"
    "steps for base sqrt(2)) of independent standard Gaussian samples (seed S, default\n"
    "1), clipped to E-bit exponents (default 8). Vectors of 16, 256 and 4096 terms,\n"
    "about T terms per cell (default 262144), are summed by an N-lane accumulator\n"
    "(default 16: a balanced tree per beat, then the running state) for every base,\n"
    "correction and fraction width F (default 2,4,6,8,10; the table allows F <= 10).\n"
    "The error of the result s against the exact log2(sum) is reported in log2\n"
    "units (mean |e|, max |e|, mean e) and as the relative error |2^s - sum| / sum.\n"
    "All terms are positive: each sign has its own tree and state in the hardware.\n"
    "\n"
    "  --logdot    instead: the error of whole dot products of `logq gen logdot`\n"
    "              (docs/logdot.md): signed 6-bit log codes (FSR 2, nearest) of N(0,1)\n"
    "              activations and weights, summed with the same accumulators and\n"
    "              converted to a 62-bit result with 40 fraction bits (table R = 24),\n"
    "              against the exact dot product of the codes: |error| / sum |p_i|\n"
    "              (mean, max) and |error| / |exact| (mean, over the vectors with\n"
    "              |exact| >= sum |p_i| / 10, whose count is shown).\n";

enum { OPT_SEED = 1, OPT_TERMS, OPT_LANES, OPT_EXP_BITS, OPT_FRACS, OPT_LOGDOT };

typedef struct {
    double sum_abs, max_abs, sum_err, sum_rel, max_rel;
    long n;
} acc_stats;

static int parse_fracs(const char *s, int *fr, int *nfr)
{
    char buf[128], *tok, *save = NULL;
    if (strlen(s) >= sizeof buf) {
        cli_error("--fracs '%s' is too long", s);
        return -1;
    }
    strcpy(buf, s);
    *nfr = 0;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*nfr >= 16) {
            cli_error("--fracs '%s' lists more than 16 values", s);
            return -1;
        }
        if (cli_int("--fracs", tok, 0, LQ_LOGACC_FRAC_MAX_PAPER, &fr[*nfr]) != 0)
            return -1;
        (*nfr)++;
    }
    if (*nfr == 0) {
        cli_error("--fracs '%s' lists no value", s);
        return -1;
    }
    return 0;
}

/* One cell: nvec vectors of len terms. The same seed for every variant, so each
 * variant sees the same vectors. */
static void run_cell(lq_logacc *m, uint64_t seed, int len, long nvec, acc_stats *st)
{
    lq_rng r;
    int lanes = m->cfg.lanes, half = m->cfg.half;
    int emin = -(1 << (m->cfg.exp_bits - 1)), emax = (1 << (m->cfg.exp_bits - 1)) - 1;
    lq_lterm t[LQ_LOGACC_LANES_MAX];
    int *p = malloc((size_t)len * sizeof *p);
    memset(st, 0, sizeof *st);
    if (!p)
        return;
    lq_rng_seed(&r, seed ^ ((uint64_t)len << 32));
    for (long v = 0; v < nvec; v++) {
        int pmax = emin;
        long double sum = 0;
        lq_logacc_out o;
        int got = 0;
        for (int i = 0; i < len; i++) {
            double w = lq_rng_gauss(&r), x = lq_rng_gauss(&r);
            int e;
            if (w == 0 || x == 0)
                w = x = 1;
            e = lq_log2_round(w, half, LQ_NEAREST) + lq_log2_round(x, half, LQ_NEAREST);
            p[i] = e < emin ? emin : e > emax ? emax : e;
            if (p[i] > pmax)
                pmax = p[i];
        }
        for (int i = 0; i < len; i++)
            sum += exp2l((long double)(p[i] - pmax) / (half ? 2 : 1));
        lq_logacc_reset(m);
        for (int b = 0; b < len; b += lanes) {
            for (int k = 0; k < lanes; k++) {
                t[k].zero = b + k >= len;
                t[k].sign = 0;
                t[k].exp = b + k < len ? p[b + k] : 0;
            }
            got = lq_logacc_step(m, t, b + lanes >= len, &o);
        }
        if (!got || o.pos.zero)
            continue;
        {
            long double exact = log2l(sum) + (long double)pmax / (half ? 2 : 1);
            long double s = ldexpl((long double)o.pos.v, -m->cfg.frac);
            double e = (double)(s - exact);
            double rel = (double)fabsl(exp2l(s - exact) - 1.0L);
            st->sum_abs += fabs(e);
            st->sum_err += e;
            if (fabs(e) > st->max_abs)
                st->max_abs = fabs(e);
            st->sum_rel += rel;
            if (rel > st->max_rel)
                st->max_rel = rel;
            st->n++;
        }
    }
    free(p);
}

/* One cell of the --logdot table: nvec dot products of len terms through the model
 * of `logq gen logdot`, against the exact dot product of the codes (long double:
 * exact for these codes, 6-bit exponents within 60 octaves). */
typedef struct {
    double sum_l1, max_l1, sum_rel;
    long n, nrel;
} dot_stats;

static void run_dot_cell(lq_logdot *m, uint64_t seed, int len, long nvec, dot_stats *st)
{
    lq_rng r;
    int lanes = m->cfg.lanes;
    uint32_t a[LQ_LOGACC_LANES_MAX], w[LQ_LOGACC_LANES_MAX];
    memset(st, 0, sizeof *st);
    lq_rng_seed(&r, seed ^ ((uint64_t)len << 32) ^ 0x5eed);
    for (long v = 0; v < nvec; v++) {
        long double exact = 0, l1 = 0;
        lq_logdot_out o;
        int got = 0;
        lq_logdot_reset(m);
        for (int b = 0; b < len; b += lanes) {
            for (int k = 0; k < lanes; k++) {
                a[k] = w[k] = 0;
                if (b + k < len) {
                    long double p;
                    a[k] = lq_quantize(&m->cfg.act, lq_rng_gauss(&r));
                    w[k] = lq_quantize(&m->cfg.wgt, lq_rng_gauss(&r));
                    p = (long double)lq_dequantize(&m->cfg.act, a[k]) *
                        lq_dequantize(&m->cfg.wgt, w[k]);
                    exact += p;
                    l1 += fabsl(p);
                }
            }
            got = lq_logdot_step(m, a, w, b + lanes >= len, &o);
        }
        if (!got || l1 == 0)
            continue;
        {
            long double res = ldexpl((long double)o.result, -m->cfg.out_frac);
            double e = (double)(fabsl(res - exact) / l1);
            st->sum_l1 += e;
            if (e > st->max_l1)
                st->max_l1 = e;
            st->n++;
            if (fabsl(exact) >= l1 / 10) {
                st->sum_rel += (double)(fabsl(res - exact) / fabsl(exact));
                st->nrel++;
            }
        }
    }
}

static int logdot_study(int seed, int terms, int lanes, const int *fracs, int nfr)
{
    static const int lens[3] = {16, 256, 4096};
    printf("# logdot (gen logdot) error vs the exact dot product: %d lanes, signed 6-bit\n"
           "# log codes (FSR 2) of N(0,1) activations and weights, seed %d; e = |result -\n"
           "# exact|, L1 = sum |p_i|\n", lanes, seed);
    printf("%-6s %-5s %-6s %3s %5s %6s  %10s %10s  %10s %6s\n", "", "base", "corr", "F", "len",
           "vecs", "mean e/L1", "max e/L1", "mean rel", "n rel");
    for (int half = 0; half <= 1; half++)
        for (int corr = 0; corr <= 1; corr++)
            for (int fi = 0; fi < nfr; fi++) {
                lq_logdot_cfg cfg;
                lq_logdot m;
                char msg[256];
                memset(&cfg, 0, sizeof cfg);
                cfg.lanes = lanes;
                cfg.act = lq_format_default();
                cfg.act.scheme = half ? LQ_LOGSQRT2 : LQ_LOG2;
                cfg.act.bits = 6;
                cfg.act.fsr = 2;
                cfg.wgt = cfg.act;
                cfg.corr = (lq_logacc_corr)corr;
                cfg.frac = fracs[fi];
                cfg.table_bits = 24;
                cfg.out_frac = 40;
                cfg.out_bits = 62;
                if (lq_logdot_init(&m, &cfg, msg, sizeof msg) != 0) {
                    printf("logdot %-5s %-6s %3d  (skipped: %s)\n", half ? "sqrt2" : "2",
                           lq_logacc_corr_name(cfg.corr), cfg.frac, msg);
                    continue;
                }
                for (int li = 0; li < 3; li++) {
                    long nvec = terms / lens[li];
                    dot_stats st;
                    if (nvec < 16)
                        nvec = 16;
                    run_dot_cell(&m, (uint64_t)seed, lens[li], nvec, &st);
                    if (st.n == 0)
                        continue;
                    printf("logdot %-5s %-6s %3d %5d %6ld  %10.3e %10.3e  %10.3e %6ld\n",
                           half ? "sqrt2" : "2", lq_logacc_corr_name(cfg.corr), cfg.frac,
                           lens[li], st.n, st.sum_l1 / st.n, st.max_l1,
                           st.nrel ? st.sum_rel / st.nrel : 0.0, st.nrel);
                }
                lq_logdot_free(&m);
            }
    return LQ_EXIT_OK;
}

int cmd_logacc_study(const lq_cmd *c)
{
    static const struct option opts[] = {{"seed", required_argument, 0, OPT_SEED},
                                         {"terms", required_argument, 0, OPT_TERMS},
                                         {"lanes", required_argument, 0, OPT_LANES},
                                         {"exp-bits", required_argument, 0, OPT_EXP_BITS},
                                         {"fracs", required_argument, 0, OPT_FRACS},
                                         {"logdot", no_argument, 0, OPT_LOGDOT},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    static const int lens[3] = {16, 256, 4096};
    int seed = 1, terms = 262144, lanes = 16, exp_bits = 8, ch, nfr = 5;
    int fracs[16] = {2, 4, 6, 8, 10}, logdot = 0;

    optind = 1;
    while ((ch = getopt_long(c->argc, c->argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(study_help, stdout); return LQ_EXIT_OK;
        case OPT_SEED:
            if (cli_int("--seed", optarg, 0, 2147483647, &seed) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_TERMS:
            if (cli_int("--terms", optarg, 4096, 100000000, &terms) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_LANES:
            if (cli_int("--lanes", optarg, 1, LQ_LOGACC_LANES_MAX, &lanes) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_EXP_BITS:
            if (cli_int("--exp-bits", optarg, 4, LQ_LOGACC_EXP_BITS_MAX, &exp_bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_FRACS:
            if (parse_fracs(optarg, fracs, &nfr) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_LOGDOT: logdot = 1; break;
        default: return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("logacc-study takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }

    printf("# %s\n", c->cmdline);
    if (logdot)
        return logdot_study(seed, terms, lanes, fracs, nfr);
    printf("# log-domain accumulator error vs exact log2(sum): %d lanes, %d-bit exponents,\n"
           "# products of two nearest-rounded log exponents of N(0,1) samples, seed %d\n",
           lanes, exp_bits, seed);
    printf("%-5s %-6s %3s %5s %6s  %10s %10s %10s  %10s %10s\n", "base", "corr", "F", "len",
           "vecs", "mean|e|", "max|e|", "mean e", "mean rel", "max rel");
    for (int half = 0; half <= 1; half++) {
        for (int corr = 0; corr <= 1; corr++) {
            for (int fi = 0; fi < nfr; fi++) {
                lq_logacc_cfg cfg = {.lanes = lanes, .half = half, .exp_bits = exp_bits,
                                     .frac = fracs[fi], .corr = (lq_logacc_corr)corr,
                                     .fault = 0};
                lq_logacc m;
                char msg[256];
                if (lq_logacc_init(&m, &cfg, msg, sizeof msg) != 0) {
                    printf("%-5s %-6s %3d  (skipped: %s)\n", half ? "sqrt2" : "2",
                           lq_logacc_corr_name(cfg.corr), cfg.frac, msg);
                    continue;
                }
                for (int li = 0; li < 3; li++) {
                    long nvec = terms / lens[li];
                    acc_stats st;
                    if (nvec < 16)
                        nvec = 16;
                    run_cell(&m, (uint64_t)seed, lens[li], nvec, &st);
                    if (st.n == 0)
                        continue;
                    printf("%-5s %-6s %3d %5d %6ld  %10.5f %10.5f %+10.5f  %10.3e %10.3e\n",
                           half ? "sqrt2" : "2", lq_logacc_corr_name(cfg.corr), cfg.frac,
                           lens[li], st.n, st.sum_abs / st.n, st.max_abs, st.sum_err / st.n,
                           st.sum_rel / st.n, st.max_rel);
                }
                lq_logacc_free(&m);
            }
        }
    }
    return LQ_EXIT_OK;
}
