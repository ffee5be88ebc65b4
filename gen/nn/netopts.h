/* The data options that `logq train` and `logq eval` share: the digits CSV or the
 * user's own inputs and labels (.npy or CSV), the input scale, and the seeded
 * train/test split or a separate test set (docs/eval.md, docs/import.md). One table
 * drives getopt_long, the checks and the help text of both commands. */
#ifndef LOGQ_NETOPTS_H
#define LOGQ_NETOPTS_H

#include <getopt.h>

#include "nn/data.h"

typedef struct {
    const char *data;          /* --data: the digits CSV */
    const char *inputs, *labels;           /* --inputs, --labels */
    const char *test_inputs, *test_labels; /* --test-inputs, --test-labels */
    double scale;              /* --input-scale, default 1 */
    int split_seed, ntest;     /* --split-seed (default 1), --test (default 450) */
    int ntest_set;
} nn_data_opts;

enum {
    NN_OPT_BASE = 4000,
    NN_OPT_DATA = NN_OPT_BASE, NN_OPT_INPUTS, NN_OPT_LABELS, NN_OPT_TEST_INPUTS,
    NN_OPT_TEST_LABELS, NN_OPT_SCALE, NN_OPT_SPLIT_SEED, NN_OPT_TEST
};
#define NN_DATA_OPTIONS                                                       \
    {"data", required_argument, 0, NN_OPT_DATA},                              \
    {"inputs", required_argument, 0, NN_OPT_INPUTS},                          \
    {"labels", required_argument, 0, NN_OPT_LABELS},                          \
    {"test-inputs", required_argument, 0, NN_OPT_TEST_INPUTS},                \
    {"test-labels", required_argument, 0, NN_OPT_TEST_LABELS},                \
    {"input-scale", required_argument, 0, NN_OPT_SCALE},                      \
    {"split-seed", required_argument, 0, NN_OPT_SPLIT_SEED},                  \
    {"test", required_argument, 0, NN_OPT_TEST}

#define NN_DATA_HELP                                                                  \
    "  --data FILE        digits CSV (default build/data/digits.csv, 'make data');\n"   \
    "                     inputs are pixel / 16\n"                                     \
    "  --inputs FILE      your own inputs instead: .npy of shape (N, F), float or\n"   \
    "                     integer, or a CSV of N lines of F numbers\n"                 \
    "  --labels FILE      their labels: .npy of shape (N,) or a CSV, integers 0..C-1\n"  \
    "  --input-scale S    multiply every --inputs value by S (default 1)\n"            \
    "  --test-inputs FILE, --test-labels FILE\n"                                       \
    "                     a separate test set (same format); then --inputs/--labels\n" \
    "                     are all training data and nothing is split\n"                \
    "  --split-seed S     train/test split seed (default 1)\n"                         \
    "  --test N           examples in the test set (default 450)\n"

void nn_data_opts_init(nn_data_opts *o);
/* ch one of NN_DATA_OPTIONS: 1 (handled), -1 (bad value, message printed); anything
 * else: 0. */
int nn_data_option(int ch, const char *arg, nn_data_opts *o);
/* Load the data the options name and split it (or read the separate test set).
 * LQ_EXIT_OK, or an exit status with the message printed. */
int nn_data_open(const nn_data_opts *o, nn_data *train, nn_data *test);
/* One line describing the data for a command's report ("digits CSV FILE", ...). */
const char *nn_data_describe(const nn_data_opts *o, char *buf, size_t len);

#endif
