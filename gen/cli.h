/* Command-line helpers shared by the logq subcommands. */
#ifndef LOGQ_CLI_H
#define LOGQ_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "cmodel/logq.h"

/* Exit statuses: 0 success, 1 a run-time failure (I/O, a failed check), 2 bad input
 * (options, files): the message names the value. */
enum { LQ_EXIT_OK = 0, LQ_EXIT_FAIL = 1, LQ_EXIT_USAGE = 2 };

/* What every subcommand receives: its arguments and the full command line, which
 * generated files record in their headers. */
typedef struct {
    int argc;
    char **argv;            /* argv[0] is the subcommand's name */
    const char *cmdline;    /* "logq gen mac --lanes 16 ...", quoted where needed */
} lq_cmd;

/* Print "logq: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a whole decimal integer in [lo, hi]; on failure print a message naming the
 * option and the value and return -1. */
int cli_int(const char *opt, const char *s, long lo, long hi, int *out);
/* Parse a finite decimal number; same contract. */
int cli_double(const char *opt, const char *s, double *out);
/* Parse a finite decimal number from a whole string: 0 or -1, no message. */
int cli_parse_number(const char *s, double *out);

/* The number-format options shared by `logq quant` and the generators:
 * --scheme --bits --fsr --rounding --signed --unsigned --max-words --theta --framing.
 * Long-option ids start at CLI_FMT_BASE; CLI_FORMAT_OPTIONS goes into a struct option
 * table, cli_format_option handles one of them (0 ok, -1 bad value, message printed). */
enum {
    CLI_FMT_BASE = 1000,
    CLI_FMT_SCHEME = CLI_FMT_BASE, CLI_FMT_BITS, CLI_FMT_FSR, CLI_FMT_ROUNDING,
    CLI_FMT_SIGNED, CLI_FMT_UNSIGNED, CLI_FMT_WORDS, CLI_FMT_THETA, CLI_FMT_FRAMING,
    CLI_FMT_END
};
#define CLI_FORMAT_OPTIONS                                                   \
    {"scheme", required_argument, 0, CLI_FMT_SCHEME},                        \
    {"bits", required_argument, 0, CLI_FMT_BITS},                            \
    {"fsr", required_argument, 0, CLI_FMT_FSR},                              \
    {"rounding", required_argument, 0, CLI_FMT_ROUNDING},                    \
    {"signed", no_argument, 0, CLI_FMT_SIGNED},                              \
    {"unsigned", no_argument, 0, CLI_FMT_UNSIGNED},                          \
    {"max-words", required_argument, 0, CLI_FMT_WORDS},                      \
    {"theta", required_argument, 0, CLI_FMT_THETA},                          \
    {"framing", required_argument, 0, CLI_FMT_FRAMING}
int cli_format_option(int id, const char *arg, lq_format *f, lq_framing *fr);

/* Reject an unknown option or a missing argument the way getopt_long reported it. */
int cli_bad_option(const lq_cmd *c);

/* Read one decimal number per line from path ("-" or NULL: stdin). Blank lines and
 * lines starting with '#' are skipped. On a bad line or I/O error print a message
 * naming the file, the line and its text, and return -1. */
int cli_read_numbers(const char *path, double **vals, size_t *n);

#endif
