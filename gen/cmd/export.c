/* `logq export`: the quantized weights of every layer of a network as $readmemh files,
 * one per MAC lane in the order a `logq gen mac` array of N lanes consumes them, with
 * the biases and a summary of each layer's format and FSR and the `gen mac` options
 * that build its array (docs/import.md, "Export"). For users who build their own
 * datapath around a block. The weights are quantized exactly as `logq eval` does
 * (nearest, signed; SLQ words as the MAC's log2 codes, one beat group per word). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "emit/emit.h"
#include "nn/nn.h"

static const char export_help[] =
    "usage: logq export [options] -o DIR\n"
    "\n"
    "Writes the quantized weights of each layer of a network for a `logq gen mac` array\n"
    "of N lanes: DIR/layerK_laneII.hex ($readmemh, one code per line), lane i of beat c\n"
    "of output j holding weight w[j][c*N + i] (zero beyond the layer's inputs), lines in\n"
    "the order output j, then (SLQ) word slot s, then beat c: exactly the weight lanes of\n"
    "the beats `logq eval` feeds the MAC model for one input vector. Also\n"
    "DIR/layerK_bias.txt (the biases, double, added after the rescaled sum) and\n"
    "DIR/summary.txt (per layer: format, FSR, beats, the gen mac options). Formats as in\n"
    "docs/formats.md; docs/import.md documents the files.\n"
    "\n"
    "  --weights FILE     weight file (default build/data/digits-mlp.txt)\n"
    "  --scheme S         log2, logsqrt2 or slq-LN (N = 1..8 words): the MAC's weights\n"
    "  --bits B           width of one code (one SLQ word), sign included (default 5)\n"
    "  --fsr LIST         FSR of each layer's weights, comma separated (default: each\n"
    "                     layer's floor(log2 max|w|) + 1, the start of eval's sweep;\n"
    "                     eval prints the FSRs it chose)\n"
    "  --lanes N          lanes of the MAC array (default 16)\n"
    "  --act A            the activations the array takes: linear (MAC shift mode) or\n"
    "                     log (loglog, log codes of the weights' base) (default log)\n"
    "  --act-bits B       their width (default --bits)\n"
    "  --act-fsr LIST     their FSR per layer (from eval's FSR table): with it, the\n"
    "                     summary gives the complete gen mac options of each layer\n"
    "  --act-signed LIST  1 or 0 per layer: signed activations (default 0: ReLU outputs\n"
    "                     and non-negative inputs)\n"
    "  -o, --out DIR      output directory (all files or none)\n";

enum { OPT_WEIGHTS = 1, OPT_SCHEME, OPT_BITS, OPT_FSR, OPT_LANES, OPT_ACT, OPT_ACT_BITS,
       OPT_ACT_FSR, OPT_ACT_SIGNED };
enum { MAC_MAX_BEATS = 1024, SQRT2_FRAC = 16 };

/* A comma-separated list of exactly n integers in [lo, hi]. */
static int parse_list(const char *opt, const char *s, int n, long lo, long hi, int *v)
{
    char *copy = strdup(s), *save = NULL;
    int k = 0, rc = 0;
    if (!copy)
        return -1;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (k == n) {
            k++;
            break;
        }
        if (cli_int(opt, t, lo, hi, &v[k]) != 0) {
            rc = -1;
            break;
        }
        k++;
    }
    if (rc == 0 && k != n) {
        cli_error("%s '%s': the network has %d layers, the list %s %d values", opt, s, n,
                  k > n ? "has more than" : "has", k > n ? n : k);
        rc = -1;
    }
    free(copy);
    return rc;
}

/* Staged output: many files (every lane of every layer) in sets of LQ_MAX_FILES, all
 * committed to a temporary sibling directory first, then moved into DIR together. */
typedef struct {
    lq_fileset sets[64];
    int n;
} staged;

static lq_file *stage_add(staged *st, const char *name)
{
    lq_file *f;
    if (st->n == 0 || !(f = fileset_add(&st->sets[st->n - 1], name))) {
        if (st->n == (int)(sizeof st->sets / sizeof st->sets[0]))
            return NULL;
        fileset_init(&st->sets[st->n++]);
        f = fileset_add(&st->sets[st->n - 1], name);
    }
    return f;
}

static int stage_commit(staged *st, const char *dir)
{
    char tmp[4096], from[4200], to[4200];
    lq_fileset none;
    int rc = 0, s, i;
    snprintf(tmp, sizeof tmp, "%s.logq-tmp-%ld", dir, (long)getpid());
    for (s = 0; s < st->n && rc == 0; s++)
        rc = fileset_commit(&st->sets[s], tmp);
    fileset_init(&none);
    if (rc == 0)
        rc = fileset_commit(&none, dir); /* creates dir */
    for (s = 0; s < st->n; s++)
        for (i = 0; i < st->sets[s].n; i++) {
            snprintf(from, sizeof from, "%s/%s", tmp, st->sets[s].files[i].name);
            snprintf(to, sizeof to, "%s/%s", dir, st->sets[s].files[i].name);
            if (rc == 0 && rename(from, to) != 0) {
                cli_error("cannot move '%s' into place: %s", from, strerror(errno));
                rc = -1;
            }
            if (rc != 0)
                unlink(from);
        }
    rmdir(tmp);
    return rc;
}

static void stage_free(staged *st)
{
    for (int s = 0; s < st->n; s++)
        fileset_free(&st->sets[s]);
}

int cmd_export(const lq_cmd *c)
{
    static const struct option opts[] = {
        {"weights", required_argument, 0, OPT_WEIGHTS},
        {"scheme", required_argument, 0, OPT_SCHEME},
        {"bits", required_argument, 0, OPT_BITS},
        {"fsr", required_argument, 0, OPT_FSR},
        {"lanes", required_argument, 0, OPT_LANES},
        {"act", required_argument, 0, OPT_ACT},
        {"act-bits", required_argument, 0, OPT_ACT_BITS},
        {"act-fsr", required_argument, 0, OPT_ACT_FSR},
        {"act-signed", required_argument, 0, OPT_ACT_SIGNED},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *wpath = "build/data/digits-mlp.txt", *dir = NULL, *fsr_arg = NULL;
    const char *afsr_arg = NULL, *asig_arg = NULL, *scheme_arg = NULL;
    int bits = 5, lanes = 16, act_linear = 0, act_bits = 0, ch, words = 1;
    int fsr[NN_LAYERS_MAX], afsr[NN_LAYERS_MAX], asig[NN_LAYERS_MAX] = {0};
    int rc = LQ_EXIT_USAGE;
    lq_scheme scheme = LQ_LOG2;
    nn_net net;
    staged st;
    char msg[512];
    lq_file *sum;

    optind = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(export_help, stdout); return LQ_EXIT_OK;
        case 'o': dir = optarg; break;
        case OPT_WEIGHTS: wpath = optarg; break;
        case OPT_SCHEME:
            scheme_arg = optarg;
            if (strncmp(optarg, "slq-L", 5) == 0) {
                scheme = LQ_SLQ;
                if (cli_int("--scheme slq-L", optarg + 5, 1, LQ_SLQ_WORDS_MAX, &words) != 0)
                    return LQ_EXIT_USAGE;
            } else if (lq_scheme_parse(optarg, &scheme) != 0 || scheme == LQ_LINEAR ||
                       scheme == LQ_SLQ) {
                cli_error("--scheme '%s' is not log2, logsqrt2 or slq-LN (the MAC takes log "
                          "weights)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_BITS:
            if (cli_int("--bits", optarg, 2, LQ_LOG_BITS_MAX, &bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_FSR: fsr_arg = optarg; break;
        case OPT_LANES:
            if (cli_int("--lanes", optarg, 1, LQ_MAC_LANES_MAX, &lanes) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_ACT:
            if (strcmp(optarg, "linear") != 0 && strcmp(optarg, "log") != 0) {
                cli_error("--act '%s' is not linear or log", optarg);
                return LQ_EXIT_USAGE;
            }
            act_linear = strcmp(optarg, "linear") == 0;
            break;
        case OPT_ACT_BITS:
            if (cli_int("--act-bits", optarg, 2, LQ_MAC_ACT_BITS_MAX, &act_bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_ACT_FSR: afsr_arg = optarg; break;
        case OPT_ACT_SIGNED: asig_arg = optarg; break;
        default: return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("export takes no file argument, got '%s' (use --weights)", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!dir || !scheme_arg) {
        cli_error("export needs --scheme and -o DIR");
        return LQ_EXIT_USAGE;
    }
    if (!act_bits)
        act_bits = bits;
    if (nn_load(wpath, &net, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    memset(&st, 0, sizeof st);
    for (int k = 0; k < net.nlayers; k++) {
        double mx = 0;
        for (int i = 0; i < net.l[k].in * net.l[k].out; i++)
            if (fabs(net.l[k].w[i]) > mx)
                mx = fabs(net.l[k].w[i]);
        fsr[k] = lq_log2_round(mx > 0 ? mx : 1, 0, LQ_FLOOR) + 1;
    }
    if ((fsr_arg && parse_list("--fsr", fsr_arg, net.nlayers, -LQ_FSR_ABS_MAX,
                               LQ_FSR_ABS_MAX, fsr) != 0) ||
        (afsr_arg && parse_list("--act-fsr", afsr_arg, net.nlayers, -LQ_FSR_ABS_MAX,
                                LQ_FSR_ABS_MAX, afsr) != 0) ||
        (asig_arg && parse_list("--act-signed", asig_arg, net.nlayers, 0, 1, asig) != 0))
        goto done;
    rc = LQ_EXIT_FAIL;
    if (!(sum = stage_add(&st, "summary.txt"))) {
        cli_error("out of memory");
        goto done;
    }
    file_header(sum, "#", c);
    file_printf(sum, "\nQuantized weights of %s\n\n%s weights, %d bits (sign included), "
                "nearest, signed%s; a MAC array of %d lanes, %s activations.\n\n",
                wpath, scheme_arg, bits, scheme == LQ_SLQ ? ", theta 0" : "", lanes,
                act_linear ? "linear (shift mode)" : "log (loglog mode)");
    file_printf(sum, "| layer | in | out | activation | FSR | beats per output | lines per "
                "lane file | files |\n|---:|---:|---:|---|---:|---:|---:|---|\n");
    for (int k = 0; k < net.nlayers; k++) {
        const nn_layer *L = &net.l[k];
        int chunks = (L->in + lanes - 1) / lanes, nw = scheme == LQ_SLQ ? words : 1;
        int digits = (bits + 3) / 4;
        lq_format f = lq_format_default();
        lq_file *lf[LQ_MAC_LANES_MAX], *bf;
        char name[64];
        f.scheme = scheme;
        f.bits = bits;
        f.fsr = fsr[k];
        f.rounding = LQ_NEAREST;
        f.is_signed = true;
        f.max_words = nw;
        f.theta = 0;
        if (lq_format_check(&f, msg, sizeof msg) != 0) {
            cli_error("layer %d: %s", k + 1, msg);
            rc = LQ_EXIT_USAGE;
            goto done;
        }
        if ((long)chunks * nw > MAC_MAX_BEATS) {
            cli_error("layer %d: %d inputs need %ld beats per output on %d lanes, more than "
                      "the MAC's %d; use more --lanes", k + 1, L->in, (long)chunks * nw, lanes,
                      MAC_MAX_BEATS);
            rc = LQ_EXIT_USAGE;
            goto done;
        }
        for (int i = 0; i < lanes; i++) {
            snprintf(name, sizeof name, "layer%d_lane%0*d.hex", k + 1, lanes > 100 ? 3 : 2, i);
            if (!(lf[i] = stage_add(&st, name))) {
                cli_error("out of memory");
                goto done;
            }
            file_header(lf[i], "//", c);
            file_printf(lf[i], "// layer %d, lane %d of %d: %s weights, %d bits, FSR %d; line "
                        "(j * %d + s) * %d + c is lane %d of beat c of word slot s of output "
                        "j\n", k + 1, i, lanes, scheme_arg, bits, fsr[k], nw, chunks, i);
        }
        snprintf(name, sizeof name, "layer%d_bias.txt", k + 1);
        if (!(bf = stage_add(&st, name))) {
            cli_error("out of memory");
            goto done;
        }
        file_header(bf, "#", c);
        file_printf(bf, "# layer %d: %d biases (double), one per output\n", k + 1, L->out);
        for (int j = 0; j < L->out; j++) {
            lq_slq_value sv[NN_WIDTH_MAX];
            uint32_t code[NN_WIDTH_MAX];
            for (int i = 0; i < L->in; i++) {
                double w = L->w[(size_t)j * L->in + i];
                if (scheme == LQ_SLQ)
                    sv[i] = lq_slq_encode(&f, w);
                else
                    code[i] = lq_quantize(&f, w);
            }
            for (int s = 0; s < nw; s++)
                for (int cb = 0; cb < chunks; cb++)
                    for (int i = 0; i < lanes; i++) {
                        int idx = cb * lanes + i;
                        uint32_t v = 0;
                        if (idx < L->in)
                            v = scheme == LQ_SLQ
                                    ? (s < sv[idx].n ? nn_slq_mac_code(bits, sv[idx].k[s]) : 0)
                                    : (s == 0 ? code[idx] : 0);
                        file_printf(lf[i], "%0*x\n", digits, v);
                    }
            file_printf(bf, "%.17g\n", L->b[j]);
        }
        file_printf(sum, "| %d | %d | %d | %s | %d | %d | %d | layer%d_lane*.hex (%d), "
                    "layer%d_bias.txt |\n", k + 1, L->in, L->out, L->relu ? "relu" : "linear",
                    fsr[k], nw * chunks, L->out * nw * chunks, k + 1, lanes, k + 1);
    }
    file_printf(sum, "\nA dot product of output j is fed as its beats per output (%s), `last` "
                "on the final one; the array's sum is worth 2^OUT_LSB_EXP (its NAME.h) per "
                "unit, then the bias is added.\n", scheme == LQ_SLQ
                ? "one group of beats per SLQ word slot; with SLQ activations each group is "
                  "fed once per activation word" : "one weight code per lane");
    file_printf(sum, "\nThe `logq gen mac` options of each layer's array%s:\n\n",
                afsr_arg ? "" : " (add --act-fsr F, the layer's activation FSR from eval's "
                                "table, or give export --act-fsr)");
    for (int k = 0; k < net.nlayers; k++) {
        file_printf(sum, "    layer %d: --mode %s --base %s --lanes %d --bits %d --fsr %d "
                    "--signed", k + 1, act_linear ? "shift" : "loglog",
                    scheme == LQ_LOGSQRT2 ? "sqrt2" : "2", lanes, bits, fsr[k]);
        if (afsr_arg)
            file_printf(sum, " --act-bits %d --act-fsr %d --act-%s", act_bits, afsr[k],
                        asig[k] ? "signed" : "unsigned");
        else
            file_printf(sum, " --act-bits %d --act-%s", act_bits, asig[k] ? "signed" : "unsigned");
        file_printf(sum, " --sqrt2-frac %d --max-beats %d\n", SQRT2_FRAC, MAC_MAX_BEATS);
    }
    if (stage_commit(&st, dir) != 0)
        goto done;
    printf("logq export: %s, %d layers, %s %d bits, %d lanes -> %s/ (summary.txt)\nFSRs:", wpath,
           net.nlayers, scheme_arg, bits, lanes, dir);
    for (int k = 0; k < net.nlayers; k++)
        printf(" layer %d %d%s", k + 1, fsr[k], k + 1 < net.nlayers ? "," : "\n");
    rc = LQ_EXIT_OK;
done:
    stage_free(&st);
    nn_free(&net);
    return rc;
}
