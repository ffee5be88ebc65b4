/* Labelled data sets of any feature and class count: the digits (nn/digits.h) and
 * the user's own inputs and labels as .npy or CSV files, and the seeded train/test
 * split (docs/eval.md, "Data"; docs/import.md, "Your own data"). */
#ifndef LOGQ_DATA_H
#define LOGQ_DATA_H

#include <stddef.h>
#include <stdint.h>

/* Limits of a data set (enforced by the loaders with a message). */
enum { NN_DATA_ROWS_MAX = 10000000, NN_DATA_FEATURES_MAX = 1 << 16, NN_CLASSES_MAX = 1 << 16 };

typedef struct {
    int n;          /* examples */
    int nfeat;      /* inputs of each example */
    int nclass;     /* classes: every label is 0 .. nclass - 1 */
    double **x;     /* x[i]: the nfeat inputs of example i */
    int *y;         /* y[i]: its label */
    double *store;  /* n * nfeat values, row-major (x[i] points into it) */
} nn_data;

/* n rows of nfeat zeros. 0, or -1 when out of memory. */
int nn_data_alloc(nn_data *s, int n, int nfeat, int nclass);
void nn_data_free(nn_data *s);

/* Seeded split: a Fisher-Yates permutation of 0..n-1 drawn with lq_rng seeded by seed;
 * the first n - ntest examples of the permutation are the training set, the last
 * ntest the test set. 0, or -1 when out of memory. */
int nn_data_split(const nn_data *all, uint64_t seed, int ntest, nn_data *train,
                  nn_data *test);

/* Inputs (a 2-D .npy of shape (N, F), float or integer, or a CSV of N lines of F
 * numbers) and labels (a 1-D .npy of N integers, or N, 1; or a CSV of one integer per
 * line), each input multiplied by scale. A .npy is known by its magic, anything else
 * is read as CSV ('#' lines and blank lines skipped). nclass = 1 + the largest label.
 * 0, or -1 with a message naming the file, the line or element, and the value. */
int nn_data_load(const char *inputs, const char *labels, double scale, nn_data *s,
                 char *msg, size_t len);

#endif
