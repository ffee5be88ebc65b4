/* The UCI handwritten digits (scripts/fetch-digits.sh): loading and the seeded
 * default data set of `logq train` and `logq eval` (docs/eval.md). */
#ifndef LOGQ_DIGITS_H
#define LOGQ_DIGITS_H

#include <stddef.h>
#include <stdint.h>

#include "nn/data.h"

enum { DIGITS_PIXELS = 64, DIGITS_CLASSES = 10, DIGITS_PIXEL_MAX = 16 };

#define DIGITS_DEFAULT_PATH "build/data/digits.csv"

/* Read the CSV (64 integers 0..16 then a label 0..9 per line) into a data set of 64
 * inputs (pixel / 16, exact, in [0, 1]) and 10 classes. 0, or -1 with a message naming
 * the file, the line and the offending value. The split is nn_data_split's. */
int digits_load(const char *path, nn_data *s, char *msg, size_t len);

#endif
