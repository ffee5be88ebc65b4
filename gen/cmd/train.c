/* `logq train`: train the digits network in float (double) and write its weight file.
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
    "Trains an F-H-C perceptron (dense layers, ReLU) in double precision by minibatch\n"
    "SGD with momentum, softmax cross-entropy, and writes its weight file (format:\n"
    "docs/eval.md): on the UCI digits (F = 64 inputs, C = 10 classes) or on your own\n"
    "data (F features, C = 1 + the largest label). Deterministic: the same seeds give\n"
    "the same weights. Prints the train and test accuracy.\n"
    "\n"
    NN_DATA_HELP
    "  -o, --out FILE     weight file to write (default build/data/digits-mlp.txt)\n"
    "  --seed S           weight init and shuffling seed (default 1)\n"
    "  --hidden H         hidden units (default 32)\n"
    "  --epochs N         (default 30)   --batch N (default 32)\n"
    "  --lr X             learning rate (default 0.05)   --momentum X (default 0.9)\n"
    "  --grad-quant Q     none (default), log2 or linear: quantize every gradient of\n"
    "                     the backward pass (layer deltas, weight and bias gradients),\n"
    "                     signed, nearest, per-tensor FSR floor(log2 max|g|) + 1\n"
    "  --grad-bits B      bits of the quantized gradients, sign included (default 5)\n"
    "  -v, --verbose      one line per epoch\n";

enum {
    OPT_SEED = 1, OPT_HIDDEN, OPT_EPOCHS, OPT_BATCH,
    OPT_LR, OPT_MOMENTUM, OPT_GRAD_QUANT, OPT_GRAD_BITS
};

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
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *out = "build/data/digits-mlp.txt";
    int seed = 1, hidden = 32, verbose = 0, ch, gq = 0, r;
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
            if (cli_int("--hidden", optarg, 1, NN_WIDTH_MAX, &hidden) != 0)
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
    if ((rc = nn_data_open(&dopt, &train, &test)) != LQ_EXIT_OK)
        return rc;
    rc = LQ_EXIT_FAIL;
    if (train.nfeat > NN_WIDTH_MAX || train.nclass > NN_WIDTH_MAX) {
        cli_error("the data has %d features and %d classes; a layer has at most %d inputs "
                  "and outputs", train.nfeat, train.nclass, NN_WIDTH_MAX);
        rc = LQ_EXIT_USAGE;
        goto done_data;
    }
    lq_rng_seed(&rng, (uint64_t)seed);
    {
        int sizes[3] = {train.nfeat, hidden, train.nclass};
        if (nn_init(&net, sizes, 3, &rng) != 0) {
            cli_error("out of memory");
            goto done_data;
        }
    }
    printf("logq train: %d-%d-%d ReLU MLP, %d training and %d test examples, %s, seed %d\n",
           train.nfeat, hidden, train.nclass, train.n, test.n,
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
