/* --pipeline (pipeline.h). */
#include "blocks/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

int pipeline_parse(const char *spec, const char *first, int levels, int lanes, int given,
                   int *reg)
{
    unsigned flags = 0;
    return pipeline_parse_ext(spec, first, NULL, 0, &flags, levels, lanes, given, reg);
}

int pipeline_parse_ext(const char *spec, const char *first, const char *const *extra,
                       int nextra, unsigned *flags, int levels, int lanes, int given, int *reg)
{
    const char *p = spec;
    int stages = 0, none = 0, items = 0;
    char known[160]; /* the item list the messages name */
    size_t kn = (size_t)snprintf(known, sizeof known, "none, %s", first);
    for (int i = 0; i < nextra && kn < sizeof known; i++)
        kn += (size_t)snprintf(known + kn, sizeof known - kn, ", %s", extra[i]);
    if (kn < sizeof known)
        snprintf(known + kn, sizeof known - kn, ", tree:k, sum, full");
    *flags = 0;
    for (int j = 0; j <= levels; j++)
        reg[j] = 0;
    for (;;) {
        size_t n = strcspn(p, ",");
        char tok[32];
        if (n == 0) {
            cli_error("--pipeline '%s' has an empty item (a comma list of %s)", spec, known);
            return -1;
        }
        if (n >= sizeof tok) {
            cli_error("--pipeline item '%.*s' is unknown (%s)", (int)n, p, known);
            return -1;
        }
        memcpy(tok, p, n);
        tok[n] = '\0';
        items++;
        int ex = -1;
        for (int i = 0; i < nextra; i++)
            if (strcmp(tok, extra[i]) == 0)
                ex = i;
        if (ex >= 0) {
            *flags |= 1u << ex;
        } else if (strcmp(tok, "none") == 0) {
            none = 1;
        } else if (strcmp(tok, first) == 0) {
            reg[0] = 1;
        } else if (strcmp(tok, "sum") == 0) {
            reg[levels] = 1;
        } else if (strcmp(tok, "full") == 0) {
            for (int j = 0; j <= levels; j++)
                reg[j] = 1;
        } else if (strncmp(tok, "tree:", 5) == 0) {
            int k;
            if (cli_int("--pipeline tree:k", tok + 5, 1, 16, &k) != 0)
                return -1;
            if (given && k > levels) {
                cli_error("--pipeline %s: %d lane%s give%s %d adder-tree level%s, so k is at "
                          "most %d", tok, lanes, lanes == 1 ? "" : "s", lanes == 1 ? "s" : "",
                          levels, levels == 1 ? "" : "s", levels);
                return -1;
            }
            for (int j = k; j <= levels; j += k)
                reg[j] = 1;
        } else {
            cli_error("--pipeline item '%s' is unknown (%s)", tok, known);
            return -1;
        }
        p += n;
        if (*p == '\0')
            break;
        p++; /* the comma; an item must follow */
    }
    if (none && items > 1) {
        cli_error("--pipeline '%s': none cannot be combined with other items", spec);
        return -1;
    }
    for (int j = 0; j <= levels; j++)
        stages += reg[j];
    return stages;
}
