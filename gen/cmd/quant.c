/* `logq quant`: quantize one decimal number per line and print code(s), exact value
 * and absolute error; optionally the error statistics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static const char quant_help[] =
    "usage: logq quant --scheme linear|log2|logsqrt2|slq --bits B --fsr F\n"
    "                  [--rounding nearest|floor] [--signed|--unsigned]\n"
    "                  [--max-words L] [--theta T] [--framing tag|special]\n"
    "                  [--format text|csv] [--stats] [FILE]\n"
    "\n"
    "Reads one decimal number per line from FILE (or standard input; blank lines and\n"
    "lines starting with '#' are skipped) and prints, per number: the input, its code\n"
    "word(s) in binary, the decoded value (%.17g, exact) and the absolute error.\n"
    "Every line is checked before anything is printed. docs/formats.md defines every\n"
    "format exactly.\n"
    "\n"
    "  --scheme S      linear, log2, logsqrt2 (base sqrt(2)) or slq (required)\n"
    "  --bits B        total width of a code in bits, sign included; for slq the\n"
    "                  word width W (linear 1-32, log 1-10 unsigned / 2-10 signed,\n"
    "                  slq 2-10) (required)\n"
    "  --fsr F         full-scale range in log2 units: linear codes cover\n"
    "                  [-2^F, 2^F) (signed) or [0, 2^F) (unsigned); for b magnitude\n"
    "                  bits the log levels are 2^(F-2^b+1) .. 2^(F-1) for log2 and\n"
    "                  2^(F-2^(b-1)+1/2) .. 2^(F-1/2) for logsqrt2 (required)\n"
    "  --rounding R    nearest (default) or floor; linear nearest rounds ties away\n"
    "                  from zero, log nearest rounds log2|x| (2 log2|x| for logsqrt2)\n"
    "  --signed        codes carry a sign (default)\n"
    "  --unsigned      no sign: negative inputs clip to zero (not for slq)\n"
    "  --max-words L   slq: at most L words per value, 1-8 (default 2)\n"
    "  --theta T       slq: stop when the residue's magnitude is <= T,\n"
    "                  0 <= T <= 2^F (default 0)\n"
    "  --framing FR    slq: print the stream words of framing tag (W+1-bit words,\n"
    "                  tag in the top bit) or special (-M separators); without it\n"
    "                  the plain W-bit words are printed\n"
    "  --format FMT    text (default) or csv\n"
    "  --stats         after the rows, print mean and maximum absolute error, mean\n"
    "                  words per value and mean bits per value under each framing\n"
    "  -h, --help      this help\n"
    "\n"
    "Exit status: 0 success, 2 bad option or input (the message names the value).\n";

enum { OPT_FORMAT = CLI_FMT_END + 1, OPT_STATS };

/* Code words of x in the output's binary notation; returns the value and sets *nw. */
static double quant_one(const lq_format *f, lq_framing fr, double x, char *codes, int *nw)
{
    char bin[40];
    if (f->scheme != LQ_SLQ) {
        uint32_t code = lq_quantize(f, x);
        strcpy(codes, lq_bin(code, f->bits, bin));
        *nw = 1;
        return lq_dequantize(f, code);
    }
    lq_slq_value v = lq_slq_encode(f, x);
    uint32_t words[2 * LQ_SLQ_WORDS_MAX];
    int n = lq_slq_frame_value(f, fr, &v, words);
    int width = lq_slq_stream_width(f, fr);
    codes[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(codes, " ");
        strcat(codes, lq_bin(words[i], width, bin));
    }
    *nw = v.n;
    return lq_slq_value_double(f, &v);
}

static void print_stats(const lq_format *f, const lq_stats *st, int csv)
{
    const char *p = csv ? "# " : "";
    double mw = lq_stats_mean_words(st);
    double nb = f->scheme == LQ_SLQ ? 0.0 : (double)f->bits;
    printf("%sstats: values %llu\n", p, (unsigned long long)st->n);
    printf("%sstats: mean_abs_error %.17g\n", p, lq_stats_mean_abs(st));
    printf("%sstats: max_abs_error %.17g\n", p, st->max_abs);
    printf("%sstats: mean_words %.6f\n", p, mw);
    if (f->scheme == LQ_SLQ) {
        printf("%sstats: bits_per_value plain %.6f\n", p, (double)f->bits * mw);
        printf("%sstats: bits_per_value tag %.6f\n", p, (double)(f->bits + 1) * mw);
        printf("%sstats: bits_per_value special %.6f\n", p, (double)f->bits * (2.0 * mw - 1.0));
    } else {
        printf("%sstats: bits_per_value %.6f\n", p, nb);
    }
}

int cmd_quant(const lq_cmd *c)
{
    static const struct option opts[] = {
        CLI_FORMAT_OPTIONS,
        {"format", required_argument, 0, OPT_FORMAT},
        {"stats", no_argument, 0, OPT_STATS},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    lq_format f = lq_format_default();
    lq_framing fr = LQ_FRAMING_NONE;
    int csv = 0, stats = 0, have_scheme = 0, have_bits = 0, have_fsr = 0, ch;
    char msg[256];
    double *vals = NULL;
    size_t n = 0;
    lq_stats st;

    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "h", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(quant_help, stdout);
            return LQ_EXIT_OK;
        } else if (ch == OPT_FORMAT) {
            if (strcmp(optarg, "csv") == 0) {
                csv = 1;
            } else if (strcmp(optarg, "text") == 0) {
                csv = 0;
            } else {
                cli_error("--format '%s' is unknown (text or csv)", optarg);
                return LQ_EXIT_USAGE;
            }
        } else if (ch == OPT_STATS) {
            stats = 1;
        } else if (ch >= CLI_FMT_BASE && ch < CLI_FMT_END) {
            if (cli_format_option(ch, optarg, &f, &fr) != 0)
                return LQ_EXIT_USAGE;
            have_scheme |= ch == CLI_FMT_SCHEME;
            have_bits |= ch == CLI_FMT_BITS;
            have_fsr |= ch == CLI_FMT_FSR;
        } else {
            return cli_bad_option(c);
        }
    }
    if (!have_scheme || !have_bits || !have_fsr) {
        cli_error("quant needs %s", !have_scheme ? "--scheme" : !have_bits ? "--bits" : "--fsr");
        return LQ_EXIT_USAGE;
    }
    if (optind < c->argc - 1) {
        cli_error("quant takes one input file, got '%s' and '%s'", c->argv[optind],
                  c->argv[optind + 1]);
        return LQ_EXIT_USAGE;
    }
    if (lq_format_check(&f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if (fr != LQ_FRAMING_NONE && f.scheme != LQ_SLQ) {
        cli_error("--framing %s applies to slq only, not to %s", lq_framing_name(fr),
                  lq_scheme_name(f.scheme));
        return LQ_EXIT_USAGE;
    }
    if (cli_read_numbers(optind < c->argc ? c->argv[optind] : NULL, &vals, &n) != 0)
        return LQ_EXIT_USAGE;

    lq_stats_init(&st);
    if (csv)
        printf("input,codes,value,abs_error\n");
    for (size_t i = 0; i < n; i++) {
        char codes[2 * LQ_SLQ_WORDS_MAX * 40];
        int nw;
        double q = quant_one(&f, fr, vals[i], codes, &nw);
        double err = fabs(vals[i] - q);
        lq_stats_add(&st, vals[i], q, nw);
        if (csv)
            printf("%.17g,%s,%.17g,%.17g\n", vals[i], codes, q, err);
        else
            printf("%-24.17g  %s  %.17g  %.17g\n", vals[i], codes, q, err);
    }
    if (stats)
        print_stats(&f, &st, csv);
    free(vals);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("error writing standard output");
        return LQ_EXIT_FAIL;
    }
    return LQ_EXIT_OK;
}
