/* Loading the digits data set. */
#include "nn/digits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int digits_load(const char *path, nn_data *s, char *msg, size_t len)
{
    FILE *fp = fopen(path, "r");
    char line[1024];
    int cap = 0, lineno = 0, n = 0;
    unsigned char (*rows)[DIGITS_PIXELS + 1] = NULL; /* pixels and label, as read */

    memset(s, 0, sizeof *s);
    if (!fp) {
        snprintf(msg, len, "cannot open %s: %s (run 'make data')", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        int v[DIGITS_PIXELS + 1], k = 0;
        char *p = line;
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            snprintf(msg, len, "%s:%d: line too long", path, lineno);
            goto fail;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        for (;;) {
            char *end;
            long x;
            errno = 0;
            x = strtol(p, &end, 10);
            if (end == p || errno || (*end != ',' && *end != '\0') || k > DIGITS_PIXELS) {
                snprintf(msg, len, "%s:%d: field %d: '%.40s' is not one of 65 integers", path,
                         lineno, k + 1, p);
                goto fail;
            }
            if (x < 0 || x > (k < DIGITS_PIXELS ? DIGITS_PIXEL_MAX : DIGITS_CLASSES - 1)) {
                snprintf(msg, len, "%s:%d: field %d: %ld is out of range (%s)", path, lineno,
                         k + 1, x, k < DIGITS_PIXELS ? "pixel 0..16" : "label 0..9");
                goto fail;
            }
            v[k++] = (int)x;
            if (*end == '\0')
                break;
            p = end + 1;
        }
        if (k != DIGITS_PIXELS + 1) {
            snprintf(msg, len, "%s:%d: %d fields, expected 65", path, lineno, k);
            goto fail;
        }
        if (n == cap) {
            int nc = cap ? 2 * cap : 2048;
            void *nr = realloc(rows, (size_t)nc * sizeof *rows);
            if (!nr)
                goto oom;
            rows = nr;
            cap = nc;
        }
        for (int i = 0; i <= DIGITS_PIXELS; i++)
            rows[n][i] = (unsigned char)v[i];
        n++;
    }
    if (ferror(fp)) {
        snprintf(msg, len, "%s: read error", path);
        goto fail;
    }
    fclose(fp);
    fp = NULL;
    if (n == 0) {
        snprintf(msg, len, "%s: no images", path);
        goto fail;
    }
    if (nn_data_alloc(s, n, DIGITS_PIXELS, DIGITS_CLASSES) != 0)
        goto oom;
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < DIGITS_PIXELS; i++)
            s->x[k][i] = rows[k][i] / (double)DIGITS_PIXEL_MAX;
        s->y[k] = rows[k][DIGITS_PIXELS];
    }
    free(rows);
    return 0;
oom:
    snprintf(msg, len, "%s: out of memory", path);
fail:
    if (fp)
        fclose(fp);
    free(rows);
    return -1;
}
