/* .npz members through libzip (npz.h). */
#include "nn/npz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct npz {
    zip_t *za;
    char *path;
};

int npz_open(const char *path, npz **z, char *msg, size_t len)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &err);
    *z = NULL;
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        snprintf(msg, len, "%s: not a readable .npz (zip) archive: %s", path,
                 zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    *z = calloc(1, sizeof **z);
    if (!*z || !((*z)->path = strdup(path))) {
        free(*z);
        *z = NULL;
        zip_discard(za);
        snprintf(msg, len, "%s: out of memory", path);
        return -1;
    }
    (*z)->za = za;
    return 0;
}

void npz_close(npz *z)
{
    if (!z)
        return;
    zip_discard(z->za);
    free(z->path);
    free(z);
}

/* The index of member name or name.npy, or -1. */
static zip_int64_t find(npz *z, const char *name, char *full, size_t cap)
{
    zip_int64_t i;
    snprintf(full, cap, "%s", name);
    if ((i = zip_name_locate(z->za, full, 0)) >= 0)
        return i;
    snprintf(full, cap, "%s.npy", name);
    return zip_name_locate(z->za, full, 0);
}

int npz_has(npz *z, const char *name)
{
    char full[512];
    return find(z, name, full, sizeof full) >= 0;
}

int npz_read(npz *z, const char *name, int flags, npy_array *a, char *msg, size_t len)
{
    char full[512], m[400];
    zip_int64_t i = find(z, name, full, sizeof full);
    zip_stat_t st;
    zip_file_t *zf;
    unsigned char *buf;
    int rc;

    memset(a, 0, sizeof *a);
    if (i < 0) {
        zip_int64_t n = zip_get_num_entries(z->za, 0);
        size_t k = (size_t)snprintf(msg, len, "%s: member '%s.npy' is missing (the archive "
                                    "holds", z->path, name);
        for (zip_int64_t e = 0; e < n && e < 12 && k < len; e++) {
            const char *nm = zip_get_name(z->za, (zip_uint64_t)e, 0);
            k += (size_t)snprintf(msg + k, len - k, "%s %s", e ? "," : "", nm ? nm : "?");
        }
        if (k < len)
            snprintf(msg + k, len - k, "%s)", n > 12 ? ", ..." : n == 0 ? " nothing" : "");
        return -1;
    }
    if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        st.size > (zip_uint64_t)1 << 40) {
        snprintf(msg, len, "%s: member '%s': cannot read its size", z->path, full);
        return -1;
    }
    buf = malloc(st.size ? (size_t)st.size : 1);
    if (!buf) {
        snprintf(msg, len, "%s: member '%s': out of memory (%llu bytes)", z->path, full,
                 (unsigned long long)st.size);
        return -1;
    }
    zf = zip_fopen_index(z->za, (zip_uint64_t)i, 0);
    if (!zf || zip_fread(zf, buf, st.size) != (zip_int64_t)st.size) {
        snprintf(msg, len, "%s: member '%s': %s", z->path, full,
                 zf ? zip_file_strerror(zf) : zip_strerror(z->za));
        if (zf)
            zip_fclose(zf);
        free(buf);
        return -1;
    }
    zip_fclose(zf);
    rc = npy_parse(buf, (size_t)st.size, flags, a, m, sizeof m);
    if (rc != 0)
        snprintf(msg, len, "%s: member '%s': %s", z->path, full, m);
    free(buf);
    return rc;
}
