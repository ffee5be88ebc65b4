/* Reading a waveform file of either format (see read.h): FST by its header block,
 * anything else as VCD. */
#include "wave/read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An FST file starts with its header block: type 0, then the block length 329 as a
 * big-endian 64-bit number. */
static int looks_like_fst(const unsigned char *b, size_t n)
{
    static const unsigned char hdr[9] = {0, 0, 0, 0, 0, 0, 0, 0x01, 0x49};
    return n >= sizeof hdr && memcmp(b, hdr, sizeof hdr) == 0;
}

int wave_read_file(wave_dump *d, const char *path)
{
    FILE *fp = fopen(path, "rb");
    unsigned char head[9];
    char *buf = NULL;
    size_t len = 0, cap = 0, k;
    int rc;
    if (!fp)
        return wave_error(d, "%s: cannot open: %s", path, strerror(errno));
    k = fread(head, 1, sizeof head, fp);
    if (looks_like_fst(head, k)) {
        fclose(fp);
        d->format = "FST";
        return fst_read(d, path);
    }
    rewind(fp);
    for (;;) {
        if (len == cap) {
            char *nb = cap > SIZE_MAX / 4 ? NULL : realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!nb) {
                fclose(fp);
                free(buf);
                return wave_error(d, "%s: out of memory", path);
            }
            buf = nb;
        }
        k = fread(buf + len, 1, cap - len, fp);
        len += k;
        if (k == 0)
            break;
    }
    if (ferror(fp)) {
        fclose(fp);
        free(buf);
        return wave_error(d, "%s: read error", path);
    }
    fclose(fp);
    d->format = "VCD";
    rc = vcd_parse(d, buf, len);
    free(buf);
    return rc;
}
