/* The shared data options of train and eval (netopts.h). */
#include "nn/netopts.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nn/digits.h"

void nn_data_opts_init(nn_data_opts *o)
{
    memset(o, 0, sizeof *o);
    o->data = DIGITS_DEFAULT_PATH;
    o->scale = 1;
    o->split_seed = 1;
    o->ntest = 450;
}

int nn_data_option(int ch, const char *arg, nn_data_opts *o)
{
    switch (ch) {
    case NN_OPT_DATA: o->data = arg; return 1;
    case NN_OPT_INPUTS: o->inputs = arg; return 1;
    case NN_OPT_LABELS: o->labels = arg; return 1;
    case NN_OPT_TEST_INPUTS: o->test_inputs = arg; return 1;
    case NN_OPT_TEST_LABELS: o->test_labels = arg; return 1;
    case NN_OPT_SCALE:
        if (cli_double("--input-scale", arg, &o->scale) != 0)
            return -1;
        if (!(o->scale > 0)) {
            cli_error("--input-scale %s must be positive", arg);
            return -1;
        }
        return 1;
    case NN_OPT_SPLIT_SEED:
        return cli_int("--split-seed", arg, 0, 2147483647, &o->split_seed) != 0 ? -1 : 1;
    case NN_OPT_TEST:
        o->ntest_set = 1;
        return cli_int("--test", arg, 1, NN_DATA_ROWS_MAX, &o->ntest) != 0 ? -1 : 1;
    default: return 0;
    }
}

const char *nn_data_describe(const nn_data_opts *o, char *buf, size_t len)
{
    if (!o->inputs)
        snprintf(buf, len, "digits %s (split seed %d)", o->data, o->split_seed);
    else if (o->test_inputs)
        snprintf(buf, len, "train %s / %s, test %s / %s, input scale %g", o->inputs, o->labels,
                 o->test_inputs, o->test_labels, o->scale);
    else
        snprintf(buf, len, "%s / %s, input scale %g (split seed %d)", o->inputs, o->labels,
                 o->scale, o->split_seed);
    return buf;
}

int nn_data_open(const nn_data_opts *o, nn_data *train, nn_data *test)
{
    nn_data all;
    char msg[512];
    const char *src = o->inputs ? o->inputs : o->data;

    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (!o->inputs != !o->labels || !o->test_inputs != !o->test_labels) {
        cli_error("--inputs and --labels (and --test-inputs and --test-labels) go together");
        return LQ_EXIT_USAGE;
    }
    if (o->test_inputs && !o->inputs) {
        cli_error("--test-inputs needs --inputs and --labels (the training data)");
        return LQ_EXIT_USAGE;
    }
    if (o->test_inputs && o->ntest_set) {
        cli_error("--test %d splits one data set; with --test-inputs nothing is split", o->ntest);
        return LQ_EXIT_USAGE;
    }
    if (o->inputs ? nn_data_load(o->inputs, o->labels, o->scale, &all, msg, sizeof msg)
                  : digits_load(o->data, &all, msg, sizeof msg)) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if (o->test_inputs) {
        if (nn_data_load(o->test_inputs, o->test_labels, o->scale, test, msg, sizeof msg)) {
            cli_error("%s", msg);
            nn_data_free(&all);
            return LQ_EXIT_USAGE;
        }
        if (test->nfeat != all.nfeat) {
            cli_error("%s has %d features per example, %s has %d", o->test_inputs, test->nfeat,
                      o->inputs, all.nfeat);
            nn_data_free(&all);
            nn_data_free(test);
            return LQ_EXIT_USAGE;
        }
        if (test->nclass > all.nclass)
            all.nclass = test->nclass;
        test->nclass = all.nclass;
        *train = all;
        return LQ_EXIT_OK;
    }
    if (o->ntest >= all.n) {
        cli_error("--test %d leaves no training examples (%s has %d)", o->ntest, src, all.n);
        nn_data_free(&all);
        return LQ_EXIT_USAGE;
    }
    if (nn_data_split(&all, (uint64_t)o->split_seed, o->ntest, train, test) != 0) {
        cli_error("out of memory");
        nn_data_free(&all);
        return LQ_EXIT_FAIL;
    }
    nn_data_free(&all);
    return LQ_EXIT_OK;
}
