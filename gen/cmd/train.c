/* `logq train`: train the digits network in float (double) and write its weight file:
 * the perceptron, or (--arch conv) a conv layer with an optional max pool before it.
 * Optionally quantize the backward pass's gradients (log2 or linear), the paper's
 * third result. docs/eval.md documents the network, the split and the defaults. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "nn/netopts.h"
#include "nn/nn.h"

static const char train_help[] =
    "usage: logq train [options]\n"
    "\n"
    "Trains an F-H-C perceptron (dense layers, ReLU) or a convolutional network in\n"
    "double precision by minibatch SGD with momentum, softmax cross-entropy, and writes\n"
    "its weight file (format: docs/eval.md): on the UCI digits (F = 64 inputs, 1x8x8,\n"
    "C = 10 classes) or on your own data (F features, C = 1 + the largest label).\n"
    "Deterministic: the same seeds give the same weights. Prints the train and test\n"
    "accuracy.\n"
    "\n"
    NN_DATA_HELP
    "  -o, --out FILE     weight file to write (default build/data/digits-mlp.txt,\n"
    "                     --arch conv: build/data/digits-conv.txt)\n"
    "  --arch A           mlp (default): F-H-C; conv: a KxK conv layer of --channels\n"
    "                     output channels (valid padding, stride 1, ReLU, --pool),\n"
    "                     then H-unit ReLU and C-unit dense layers (--hidden 0: none)\n"
    "  --channels N       conv output channels, 1..64 (default 16)\n"
    "  --kernel K         conv kernel K x K, 1..7 (default 3)\n"
    "  --pool P           1 (none) or 2: 2x2 max pool after the ReLU (default 2)\n"
    "  --input-shape CxHxW  the conv input map (default 1 x S x S for S*S features:\n"
    "                     the digits are 1x8x8)\n"
    "  --seed S           weight init and shuffling seed (default 1)\n"
    "  --hidden H         hidden units (default 32; --arch conv: 0 is none)\n"
    "  --epochs N         (default 30)   --batch N (default 32)\n"
    "  --lr X             learning rate (default 0.05)   --momentum X (default 0.9)\n"
    "  --grad-quant Q     none (default), log2 or linear: quantize every gradient of\n"
    "                     the backward pass (layer deltas, weight and bias gradients),\n"
    "                     signed, nearest, per-tensor FSR floor(log2 max|g|) + 1\n"
    "  --grad-bits B      bits of the quantized gradients, sign included (default 5)\n"
    "  -v, --verbose      one line per epoch\n";

enum {
    OPT_SEED = 1, OPT_HIDDEN, OPT_EPOCHS, OPT_BATCH,
    OPT_LR, OPT_MOMENTUM, OPT_GRAD_QUANT, OPT_GRAD_BITS, OPT_ARCH, OPT_CHANNELS,
    OPT_KERNEL, OPT_POOL, OPT_INPUT_SHAPE
};

/* --arch conv: the shapes of conv (KxK, ReLU, pool), [dense H, ReLU], dense C. */
typedef struct {
    int conv, channels, kernel, pool, hidden, hidden_set;
    int in_ch, in_h, in_w; /* 0: from the features */
} arch;

/* CxHxW. */
static int parse_shape(const char *s, arch *a)
{
    char x1, x2, end;
    if (sscanf(s, "%d%c%d%c%d%c", &a->in_ch, &x1, &a->in_h, &x2, &a->in_w, &end) != 5 ||
        x1 != 'x' || x2 != 'x' || a->in_ch < 1 || a->in_h < 1 || a->in_w < 1) {
        cli_error("--input-shape '%s' is not CxHxW (positive integers, e.g. 1x8x8)", s);
        return -1;
    }
    return 0;
}

/* The layers of the network; -1 with a message naming the value. */
static int arch_layers(const arch *a, int nfeat, int nclass, nn_layer *sh, int *n)
{
    char msg[256];
    int ic = a->in_ch, ih = a->in_h, iw = a->in_w, k = 0;
    memset(sh, 0, sizeof(nn_layer) * NN_LAYERS_MAX);
    if (!a->conv) {
        int sizes[3] = {nfeat, a->hidden, nclass};
        for (k = 0; k < 2; k++) {
            sh[k].in = sizes[k];
            sh[k].out = sizes[k + 1];
            sh[k].relu = k == 0;
        }
        *n = 2;
        return 0;
    }
    if (!ic) {
        int s = 1;
        while (s * s < nfeat)
            s++;
        if (s * s != nfeat) {
            cli_error("--arch conv: %d features are not a square map; give --input-shape "
                      "CxHxW", nfeat);
            return -1;
        }
        ic = 1, ih = iw = s;
    }
    if (ic * ih * iw != nfeat) {
        cli_error("--input-shape %dx%dx%d has %d values; the data has %d features", ic, ih, iw,
                  ic * ih * iw, nfeat);
        return -1;
    }
    sh[0].relu = 1;
    if (nn_conv_shape(&sh[0], ic, ih, iw, a->channels, a->kernel, a->kernel, a->pool, msg,
                      sizeof msg) != 0) {
        cli_error("--arch conv: %s", msg);
        return -1;
    }
    k = 1;
    if (a->hidden > 0) {
        sh[k].in = sh[k - 1].out;
        sh[k].out = a->hidden;
        sh[k].relu = 1;
        k++;
    }
    sh[k].in = sh[k - 1].out;
    sh[k].out = nclass;
    *n = k + 1;
    for (int j = 1; j < *n; j++)
        if (sh[j].in > NN_WIDTH_MAX) {
            cli_error("--arch conv: the conv layer has %d outputs (%dx%dx%d); a dense layer "
                      "takes at most %d (use fewer --channels or --pool 2)", sh[j].in,
                      sh[0].c.out_ch, sh[0].c.oh, sh[0].c.ow, NN_WIDTH_MAX);
            return -1;
        }
    return 0;
}

int cmd_train(const lq_cmd *c)
{
    static const struct option opts[] = {
        NN_DATA_OPTIONS,
        {"out", required_argument, 0, 'o'},
        {"seed", required_argument, 0, OPT_SEED},
        {"hidden", required_argument, 0, OPT_HIDDEN},
        {"epochs", required_argument, 0, OPT_EPOCHS},
        {"batch", required_argument, 0, OPT_BATCH},
        {"lr", required_argument, 0, OPT_LR},
        {"momentum", required_argument, 0, OPT_MOMENTUM},
        {"grad-quant", required_argument, 0, OPT_GRAD_QUANT},
        {"grad-bits", required_argument, 0, OPT_GRAD_BITS},
        {"arch", required_argument, 0, OPT_ARCH},
        {"channels", required_argument, 0, OPT_CHANNELS},
        {"kernel", required_argument, 0, OPT_KERNEL},
        {"pool", required_argument, 0, OPT_POOL},
        {"input-shape", required_argument, 0, OPT_INPUT_SHAPE},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *out = NULL;
    int seed = 1, verbose = 0, ch, gq = 0, r, nl;
    arch ar = {0, 16, 3, 2, 32, 0, 0, 0, 0};
    nn_layer shape[NN_LAYERS_MAX];
    nn_train_opts o = {30, 32, 0.05, 0.9, LQ_LOG2, 5};
    nn_data_opts dopt;
    nn_data train, test;
    nn_net net;
    lq_rng rng;
    char dbuf[512];
    int rc = LQ_EXIT_FAIL;

    nn_data_opts_init(&dopt);
    optind = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:v", opts, NULL)) != -1) {
        if ((r = nn_data_option(ch, optarg, &dopt)) != 0) {
            if (r < 0)
                return LQ_EXIT_USAGE;
            continue;
        }
        switch (ch) {
        case 'h': fputs(train_help, stdout); return LQ_EXIT_OK;
        case 'o': out = optarg; break;
        case 'v': verbose = 1; break;
        case OPT_SEED:
            if (cli_int("--seed", optarg, 0, 2147483647, &seed) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_HIDDEN:
            if (cli_int("--hidden", optarg, 0, NN_WIDTH_MAX, &ar.hidden) != 0)
                return LQ_EXIT_USAGE;
            ar.hidden_set = 1;
            break;
        case OPT_ARCH:
            if (strcmp(optarg, "mlp") != 0 && strcmp(optarg, "conv") != 0) {
                cli_error("--arch '%s' is not mlp or conv", optarg);
                return LQ_EXIT_USAGE;
            }
            ar.conv = strcmp(optarg, "conv") == 0;
            break;
        case OPT_CHANNELS:
            if (cli_int("--channels", optarg, 1, NN_CONV_CH_MAX, &ar.channels) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_KERNEL:
            if (cli_int("--kernel", optarg, 1, NN_CONV_K_MAX, &ar.kernel) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_POOL:
            if (cli_int("--pool", optarg, 1, 2, &ar.pool) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_INPUT_SHAPE:
            if (parse_shape(optarg, &ar) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_EPOCHS:
            if (cli_int("--epochs", optarg, 1, 100000, &o.epochs) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_BATCH:
            if (cli_int("--batch", optarg, 1, 100000, &o.batch) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_LR:
            if (cli_double("--lr", optarg, &o.lr) != 0)
                return LQ_EXIT_USAGE;
            if (o.lr <= 0 || o.lr > 10) {
                cli_error("--lr %s is out of range (0 < lr <= 10)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_MOMENTUM:
            if (cli_double("--momentum", optarg, &o.momentum) != 0)
                return LQ_EXIT_USAGE;
            if (o.momentum < 0 || o.momentum >= 1) {
                cli_error("--momentum %s is out of range (0 <= m < 1)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_GRAD_QUANT:
            if (strcmp(optarg, "none") == 0)
                gq = 0;
            else if (strcmp(optarg, "log2") == 0)
                gq = 1, o.grad_quant = LQ_LOG2;
            else if (strcmp(optarg, "linear") == 0)
                gq = 1, o.grad_quant = LQ_LINEAR;
            else {
                cli_error("--grad-quant '%s' is not none, log2 or linear", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_GRAD_BITS:
            if (cli_int("--grad-bits", optarg, 2, LQ_LOG_BITS_MAX, &o.grad_bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        default: return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("train takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!gq)
        o.grad_bits = 0;
    if (!ar.conv && ar.hidden == 0) {
        cli_error("--hidden 0: the perceptron needs at least one hidden unit");
        return LQ_EXIT_USAGE;
    }
    if (!out)
        out = ar.conv ? "build/data/digits-conv.txt" : "build/data/digits-mlp.txt";
    if ((rc = nn_data_open(&dopt, &train, &test)) != LQ_EXIT_OK)
        return rc;
    rc = LQ_EXIT_FAIL;
    if (train.nfeat > NN_WIDTH_MAX || train.nclass > NN_WIDTH_MAX) {
        cli_error("the data has %d features and %d classes; a layer has at most %d inputs "
                  "and outputs", train.nfeat, train.nclass, NN_WIDTH_MAX);
        rc = LQ_EXIT_USAGE;
        goto done_data;
    }
    if (arch_layers(&ar, train.nfeat, train.nclass, shape, &nl) != 0) {
        rc = LQ_EXIT_USAGE;
        goto done_data;
    }
    lq_rng_seed(&rng, (uint64_t)seed);
    if (nn_init_layers(&net, shape, nl, &rng) != 0) {
        cli_error("out of memory");
        goto done_data;
    }
    if (!ar.conv)
        printf("logq train: %d-%d-%d ReLU MLP", train.nfeat, ar.hidden, train.nclass);
    else {
        const nn_conv *cv = &net.l[0].c;
        printf("logq train: conv %dx%dx%d -> %dx%d kernel, %d channels, ReLU%s -> %dx%dx%d",
               cv->in_ch, cv->in_h, cv->in_w, cv->kh, cv->kw, cv->out_ch,
               cv->pool == 2 ? ", 2x2 max pool" : "", cv->out_ch, cv->oh, cv->ow);
        for (int k = 1; k < nl; k++)
            printf(" -> dense %d%s", net.l[k].out, net.l[k].relu ? " ReLU" : "");
    }
    printf(", %d training and %d test examples, %s, seed %d\n", train.n, test.n,
           nn_data_describe(&dopt, dbuf, sizeof dbuf), seed);
    printf("sgd: %d epochs, batch %d, lr %g, momentum %g, gradients %s", o.epochs, o.batch,
           o.lr, o.momentum, !gq ? "float" : lq_scheme_name(o.grad_quant));
    if (gq)
        printf(" %d bits (per-tensor FSR floor(log2 max|g|) + 1)", o.grad_bits);
    printf("\n");
    fflush(stdout);
    if (nn_train(&net, &train, &o, &rng, &test, verbose ? stdout : NULL) != 0) {
        cli_error("out of memory while training");
        goto done;
    }
    printf("train accuracy: %.2f %%\n", 100 * nn_accuracy(&net, &train));
    printf("test accuracy: %.2f %%\n", 100 * nn_accuracy(&net, &test));
    if ((rc = nn_write_file(&net, out, c)) == LQ_EXIT_OK)
        printf("weights: %s\n", out);
done:
    nn_free(&net);
done_data:
    nn_data_free(&train);
    nn_data_free(&test);
    return rc;
}
