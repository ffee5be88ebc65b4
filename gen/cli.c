/* Command-line helpers shared by the logq subcommands. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("logq: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_int(const char *opt, const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) {
        cli_error("%s '%s' is not an integer", opt, s);
        return -1;
    }
    if (v < lo || v > hi) {
        cli_error("%s %ld is out of range (%ld to %ld)", opt, v, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cli_parse_number(const char *s, double *out)
{
    char *end;
    double v;
    size_t dec;
    while (*s == ' ' || *s == '\t')
        s++;
    /* Decimal only (docs/formats.md): strtod also reads hex floats (0x1p-1), inf and
     * nan; refuse a number that strtod read past its decimal characters. */
    dec = strspn(s, "0123456789+-.eE");
    errno = 0;
    v = strtod(s, &end);
    if (end == s || (size_t)(end - s) > dec)
        return -1;
    while (*end == ' ' || *end == '\t' || *end == '\r')
        end++;
    if (*end != '\0' || !isfinite(v))
        return -1;
    /* strtod reports ERANGE for underflow too; a tiny value is still a value. */
    if (errno == ERANGE && fabs(v) > 1.0)
        return -1;
    *out = v;
    return 0;
}

int cli_double(const char *opt, const char *s, double *out)
{
    if (cli_parse_number(s, out) != 0) {
        cli_error("%s '%s' is not a finite decimal number", opt, s);
        return -1;
    }
    return 0;
}

int cli_format_option(int id, const char *arg, lq_format *f, lq_framing *fr)
{
    switch (id) {
    case CLI_FMT_SCHEME:
        if (lq_scheme_parse(arg, &f->scheme) != 0) {
            cli_error("--scheme '%s' is unknown (linear, log2, logsqrt2 or slq)", arg);
            return -1;
        }
        return 0;
    case CLI_FMT_BITS: return cli_int("--bits", arg, 1, 32, &f->bits);
    case CLI_FMT_FSR: return cli_int("--fsr", arg, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, &f->fsr);
    case CLI_FMT_ROUNDING:
        if (lq_rounding_parse(arg, &f->rounding) != 0) {
            cli_error("--rounding '%s' is unknown (nearest or floor)", arg);
            return -1;
        }
        return 0;
    case CLI_FMT_SIGNED: f->is_signed = true; return 0;
    case CLI_FMT_UNSIGNED: f->is_signed = false; return 0;
    case CLI_FMT_WORDS: return cli_int("--max-words", arg, 1, LQ_SLQ_WORDS_MAX, &f->max_words);
    case CLI_FMT_THETA: return cli_double("--theta", arg, &f->theta);
    case CLI_FMT_FRAMING:
        if (!fr || lq_framing_parse(arg, fr) != 0 || *fr == LQ_FRAMING_NONE) {
            cli_error("--framing '%s' is unknown (tag or special)", arg);
            return -1;
        }
        return 0;
    default: return -1;
    }
}

int cli_bad_option(const lq_cmd *c)
{
    /* getopt_long already printed what was wrong; add where to look. */
    fprintf(stderr, "logq: see 'logq %s --help'\n", c->argv[0]);
    return LQ_EXIT_USAGE;
}

int cli_read_numbers(const char *path, double **vals, size_t *n)
{
    FILE *fp = stdin;
    const char *name = "<stdin>";
    char *line = NULL;
    size_t cap = 0, len = 0, alloc = 0;
    double *v = NULL;
    long lineno = 0, offset = 0;
    ssize_t got;
    int rc = 0;

    if (path && strcmp(path, "-") != 0) {
        fp = fopen(path, "r");
        name = path;
        if (!fp) {
            cli_error("cannot open '%s': %s", path, strerror(errno));
            return -1;
        }
    }
    while ((got = getline(&line, &cap, fp)) >= 0) {
        char *s = line, *nul = memchr(line, '\0', (size_t)got);
        double x;
        lineno++;
        /* A NUL would end the C string early and silently drop the rest of the line. */
        if (nul) {
            cli_error("%s:%ld: NUL byte at byte offset %ld (column %ld)", name, lineno,
                      offset + (long)(nul - line), (long)(nul - line) + 1);
            rc = -1;
            break;
        }
        offset += (long)got;
        while (got > 0 && (s[got - 1] == '\n' || s[got - 1] == '\r'))
            s[--got] = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        if (cli_parse_number(s, &x) != 0) {
            cli_error("%s:%ld: '%s' is not a finite decimal number", name, lineno, s);
            rc = -1;
            break;
        }
        if (len == alloc) {
            size_t na = alloc ? 2 * alloc : 1024;
            double *nv = realloc(v, na * sizeof *v);
            if (!nv) {
                cli_error("out of memory reading '%s'", name);
                rc = -1;
                break;
            }
            v = nv;
            alloc = na;
        }
        v[len++] = x;
    }
    if (rc == 0 && ferror(fp)) {
        cli_error("error reading '%s': %s", name, strerror(errno));
        rc = -1;
    }
    free(line);
    if (fp != stdin)
        fclose(fp);
    if (rc != 0) {
        free(v);
        return -1;
    }
    *vals = v;
    *n = len;
    return 0;
}
