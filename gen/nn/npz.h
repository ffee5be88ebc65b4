/* Members of a NumPy .npz archive (what np.savez writes: a zip of .npy files, stored
 * or deflated), read through libzip and parsed by the .npy reader (nn/npy.h). */
#ifndef LOGQ_NPZ_H
#define LOGQ_NPZ_H

#include "nn/npy.h"

typedef struct npz npz;

/* Open path. 0, or -1 with a message naming the file and libzip's reason. */
int npz_open(const char *path, npz **z, char *msg, size_t len);
void npz_close(npz *z);
/* 1 when the archive holds `name` or `name.npy` (np.savez's key for the array). */
int npz_has(npz *z, const char *name);
/* Read and parse member `name` (or `name.npy`). 0, or -1 with a message naming the
 * file, the member and the value (a missing member lists what the archive holds). */
int npz_read(npz *z, const char *name, int flags, npy_array *a, char *msg, size_t len);

#endif
