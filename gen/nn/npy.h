/* A strict reader of NumPy's .npy format (versions 1.0, 2.0 and 3.0): the magic, the
 * header dictionary ('descr', 'fortran_order', 'shape', nothing else) and exactly the
 * bytes the shape needs. Floating dtypes float32 and float64 in either byte order;
 * integer dtypes (for labels and integer-valued inputs) only when the caller allows
 * them. Fortran-order arrays are read correctly: the values come out in C order.
 * NaN and infinity are refused. docs/import.md documents what is accepted. */
#ifndef LOGQ_NPY_H
#define LOGQ_NPY_H

#include <stddef.h>

enum { NPY_DIMS_MAX = 8 };

/* flags of npy_parse */
enum { NPY_ALLOW_INT = 1 };

typedef struct {
    int ndim;                   /* 0 for a scalar */
    size_t shape[NPY_DIMS_MAX];
    size_t n;                   /* elements: the product of the shape */
    char descr[8];              /* the dtype as the file spells it, e.g. "<f4" */
    int is_int;                 /* an integer dtype */
    int fortran;                /* the file was in Fortran order */
    double *v;                  /* n values, C order (last index fastest) */
} npy_array;

/* Parse a whole .npy file held in buf. 0, or -1 with a message naming what is wrong
 * and the value (the caller adds the file and member names). */
int npy_parse(const unsigned char *buf, size_t len, int flags, npy_array *a, char *msg,
              size_t msglen);
/* Read and parse path; the message starts with the path. */
int npy_load(const char *path, int flags, npy_array *a, char *msg, size_t msglen);
void npy_free(npy_array *a);

/* The shape as NumPy prints it: "()", "(5,)", "(3, 4)". */
char *npy_shape_str(const npy_array *a, char *buf, size_t len);

/* Read a whole file into memory (*buf malloc'ed). 0, or -1 with a message naming the
 * path. */
int npy_read_file(const char *path, unsigned char **buf, size_t *len, char *msg,
                  size_t msglen);

#endif
