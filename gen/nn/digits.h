/* The UCI handwritten digits (scripts/fetch-digits.sh): loading and the seeded
 * train/test split used by `logq train` and `logq eval` (docs/eval.md). */
#ifndef LOGQ_DIGITS_H
#define LOGQ_DIGITS_H

#include <stddef.h>
#include <stdint.h>

enum { DIGITS_PIXELS = 64, DIGITS_CLASSES = 10, DIGITS_PIXEL_MAX = 16 };

#define DIGITS_DEFAULT_PATH "build/data/digits.csv"

/* A set of images: x[i] are the pixels of image i scaled to [0, 1] (pixel / 16, exact),
 * y[i] its label. */
typedef struct {
    int n;
    double (*x)[DIGITS_PIXELS];
    int *y;
} digits_set;

/* Read the CSV (64 integers 0..16 then a label 0..9 per line). 0, or -1 with a message
 * naming the file, the line and the offending value. */
int digits_load(const char *path, digits_set *s, char *msg, size_t len);

/* Seeded split: a Fisher-Yates permutation of 0..n-1 drawn with lq_rng seeded by seed;
 * the first n - ntest images of the permutation are the training set, the last ntest
 * the test set. 0, or -1 when out of memory. */
int digits_split(const digits_set *all, uint64_t seed, int ntest, digits_set *train,
                 digits_set *test);

void digits_free(digits_set *s);

#endif
