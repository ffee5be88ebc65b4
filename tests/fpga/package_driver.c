/* Test driver for gen/emit/package.c: writes the companion files of an existing block
 * directory, as the generators do, so tests/fpga.sh can check them (FuseSoC, Verilator,
 * Icarus) before every generator calls package_add itself.
 *
 * usage: package_driver -o DIR --name NAME --top TOP --latency L [--summary TEXT]
 *            --file F ... --port NAME:in|out:WIDTH[:DESCRIPTION] ...
 * Exit status 0, 1 (cannot write), 2 (bad arguments). */
#include <stdlib.h>
#include <string.h>

#include "../../gen/emit/package.h"

enum { MAXN = 64 };

int main(int argc, char **argv)
{
    const char *dir = NULL, *files[MAXN];
    lq_package p = {0};
    lq_port ports[MAXN];
    lq_fileset s;
    lq_cmd c = {argc, argv, "package_driver (test)"};
    int rc;

    memset(ports, 0, sizeof ports); /* the optional fields of a port: none */
    p.latency = -1;
    p.files = files;
    p.ports = ports;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "package_driver: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "-o") == 0) {
            dir = v;
        } else if (strcmp(a, "--name") == 0) {
            p.name = v;
        } else if (strcmp(a, "--top") == 0) {
            p.top = v;
        } else if (strcmp(a, "--summary") == 0) {
            p.summary = v;
        } else if (strcmp(a, "--latency") == 0) {
            p.latency = atoi(v);
        } else if (strcmp(a, "--file") == 0 && p.nfiles < MAXN) {
            files[p.nfiles++] = v;
        } else if (strcmp(a, "--port") == 0 && p.nports < MAXN) {
            /* NAME:DIR:WIDTH[:DESC]; the strings live in argv (modified in place) */
            char *n = argv[i], *d = strchr(n, ':'), *w = d ? strchr(d + 1, ':') : NULL, *x;
            if (!d || !w) {
                fprintf(stderr, "package_driver: bad --port '%s'\n", v);
                return 2;
            }
            *d++ = '\0';
            *w++ = '\0';
            x = strchr(w, ':');
            if (x)
                *x++ = '\0';
            ports[p.nports].name = n;
            ports[p.nports].dir = strcmp(d, "out") == 0 || strcmp(d, "output") == 0
                                      ? LQ_PORT_OUT : LQ_PORT_IN;
            ports[p.nports].width = atoi(w);
            ports[p.nports].desc = x;
            p.nports++;
        } else {
            fprintf(stderr, "package_driver: unknown or repeated-too-often option '%s'\n", a);
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "package_driver: -o DIR is required\n");
        return 2;
    }
    fileset_init(&s);
    if (package_add(&s, &p, &c) != 0) {
        fileset_free(&s);
        return 2;
    }
    rc = fileset_commit(&s, dir) == 0 ? 0 : 1;
    fileset_free(&s);
    return rc;
}
