/* --pipeline (pipeline.h). */
#include "blocks/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

int pipeline_parse(const char *spec, const char *first, int levels, int lanes, int given,
                   int *reg)
{
    const char *p = spec;
    int stages = 0, none = 0, items = 0;
    for (int j = 0; j <= levels; j++)
        reg[j] = 0;
    for (;;) {
        size_t n = strcspn(p, ",");
        char tok[32];
        if (n == 0) {
            cli_error("--pipeline '%s' has an empty item (a comma list of none, %s, tree:k, "
                      "sum, full)", spec, first);
            return -1;
        }
        if (n >= sizeof tok) {
            cli_error("--pipeline item '%.*s' is unknown (none, %s, tree:k, sum, full)", (int)n,
                      p, first);
            return -1;
        }
        memcpy(tok, p, n);
        tok[n] = '\0';
        items++;
        if (strcmp(tok, "none") == 0) {
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
            cli_error("--pipeline item '%s' is unknown (none, %s, tree:k, sum, full)", tok,
                      first);
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
