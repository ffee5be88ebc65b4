/* `logq study`: the first study of the papers' claim that log quantization beats
 * linear on bell-shaped data. Draws samples from a Gaussian and a Laplacian (seeded),
 * picks for every scheme and width the FSR with the least mean absolute error on a
 * calibration subset, and reports mean and maximum absolute error over all samples,
 * with SLQ's mean words and bits per value under both framings. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static const char study_help[] =
    "usage: logq study [--samples N] [--seed S] [--calib N]\n"
    "\n"
    "Draws N samples (default 1000000) from a standard Gaussian and from a Laplacian\n"
    "with scale 1 (seed S, default 1), and prints for 3, 4 and 5 bits the mean and\n"
    "maximum absolute quantization error of linear, log2, logsqrt2 and SLQ (L = 2 and\n"
    "3), all signed with nearest rounding. Each scheme's FSR is the integer in -8..8\n"
    "with the least mean absolute error on the first --calib samples (default 65536).\n"
    "Columns: mean and maximum absolute error, mean relative error |x - q| / |x|,\n"
    "and for SLQ rows mean words per value and bits per value under tagging and under\n"
    "the special code. Rerun with the printed command for the same numbers.\n";

enum { OPT_SAMPLES = 1, OPT_SEED, OPT_CALIB };

static double quant_value(const lq_format *f, double x, int *nw)
{
    if (f->scheme == LQ_SLQ) {
        lq_slq_value v = lq_slq_encode(f, x);
        *nw = v.n;
        return lq_slq_value_double(f, &v);
    }
    *nw = 1;
    return lq_dequantize(f, lq_quantize(f, x));
}

static void measure(const lq_format *f, const double *x, size_t n, lq_stats *st)
{
    lq_stats_init(st);
    for (size_t i = 0; i < n; i++) {
        int nw;
        double q = quant_value(f, x[i], &nw);
        lq_stats_add(st, x[i], q, nw);
    }
}

int cmd_study(const lq_cmd *c)
{
    static const struct option opts[] = {{"samples", required_argument, 0, OPT_SAMPLES},
                                         {"seed", required_argument, 0, OPT_SEED},
                                         {"calib", required_argument, 0, OPT_CALIB},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int samples = 1000000, seed = 1, calib = 65536, ch;
    const char *dist_name[2] = {"gaussian", "laplacian"};
    double *x;

    optind = 1;
    while ((ch = getopt_long(c->argc, c->argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(study_help, stdout); return LQ_EXIT_OK;
        case OPT_SAMPLES:
            if (cli_int("--samples", optarg, 1, 100000000, &samples) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_SEED:
            if (cli_int("--seed", optarg, 0, 2147483647, &seed) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_CALIB:
            if (cli_int("--calib", optarg, 1, 100000000, &calib) != 0)
                return LQ_EXIT_USAGE;
            break;
        default: return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("study takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (calib > samples)
        calib = samples;
    x = malloc((size_t)samples * sizeof *x);
    if (!x) {
        cli_error("out of memory for %d samples", samples);
        return LQ_EXIT_FAIL;
    }
    printf("logq study: %d samples per distribution, seed %d, FSR chosen on %d samples\n",
           samples, seed, calib);
    printf("rerun: logq study --samples %d --seed %d --calib %d\n\n", samples, seed, calib);
    printf("%-10s %4s %-9s %4s %10s %10s %9s %7s %8s %8s\n", "dist", "bits", "scheme", "fsr",
           "mean_abs", "max_abs", "mean_rel", "words", "bits_tag", "bits_spc");
    for (int d = 0; d < 2; d++) {
        lq_rng rng;
        lq_rng_seed(&rng, (uint64_t)seed * 2 + (uint64_t)d);
        for (int i = 0; i < samples; i++)
            x[i] = d == 0 ? lq_rng_gauss(&rng) : lq_rng_laplace(&rng);
        for (int bits = 3; bits <= 5; bits++) {
            static const struct { lq_scheme s; int words; const char *name; } rows[] = {
                {LQ_LINEAR, 1, "linear"}, {LQ_LOG2, 1, "log2"}, {LQ_LOGSQRT2, 1, "logsqrt2"},
                {LQ_SLQ, 2, "slq-L2"}, {LQ_SLQ, 3, "slq-L3"}};
            for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
                lq_format f = lq_format_default();
                lq_stats st;
                int best_fsr = 0;
                double best = INFINITY;
                f.scheme = rows[r].s;
                f.bits = bits;
                f.max_words = rows[r].words;
                for (int fsr = -8; fsr <= 8; fsr++) {
                    f.fsr = fsr;
                    if (lq_format_check(&f, NULL, 0) != 0)
                        continue;
                    measure(&f, x, (size_t)calib, &st);
                    if (lq_stats_mean_abs(&st) < best) {
                        best = lq_stats_mean_abs(&st);
                        best_fsr = fsr;
                    }
                }
                f.fsr = best_fsr;
                measure(&f, x, (size_t)samples, &st);
                printf("%-10s %4d %-9s %4d %10.6f %10.6f %9.6f", dist_name[d], bits,
                       rows[r].name, f.fsr, lq_stats_mean_abs(&st), st.max_abs,
                       lq_stats_mean_rel(&st));
                if (f.scheme == LQ_SLQ) {
                    double mw = lq_stats_mean_words(&st);
                    printf(" %7.4f %8.4f %8.4f\n", mw, (bits + 1) * mw, bits * (2 * mw - 1));
                } else {
                    printf(" %7.4f %8d %8d\n", 1.0, bits, bits);
                }
            }
        }
    }
    free(x);
    return LQ_EXIT_OK;
}
