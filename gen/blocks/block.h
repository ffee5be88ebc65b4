/* The descriptor of a generated block: everything `logq gen BLOCK`, `logq vectors
 * BLOCK` and their help texts need, stated once in the block's own file
 * (gen/blocks/NAME.c) and read by the common driver (gen/emit/block.c).
 *
 * From one descriptor come: the getopt_long table, the validation of every value
 * (the message names the option and the value), the --help text with the list of
 * files written, the Markdown options table of the block's docs page
 * (--help-markdown), the file set and its "wrote" line, NAME.txt, NAME.h's port
 * layout, the .gtkw view, the .core and file lists, the self-checking bench and the
 * stimulus with its expected outputs. */
#ifndef LOGQ_BLOCK_H
#define LOGQ_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "emit/emit.h"
#include "emit/gtkw.h"
#include "emit/package.h"
#include "emit/tb_icarus.h"
#include "emit/vectors.h"
#include "emit/wrap.h"

/* ---- options ---- */

typedef enum {
    BO_HEADING,  /* no option: a heading line in the help (help = its text) */
    BO_FLAG,     /* no argument: stores lo in the int field */
    BO_INT,      /* a whole decimal number in [lo, hi] into the int field */
    BO_CHOICE,   /* one of choices ("shift|loglog|mult"): its index into the int field */
    BO_TEXT,     /* any text into the const char * field (the block checks it) */
} blk_opt_kind;

/* Which commands take an option. */
enum { BO_GEN = 1, BO_VEC = 2, BO_BOTH = 3 };

typedef struct {
    const char *name;     /* long option without "--" */
    const char *meta;     /* argument's name in the help ("N"); NULL for a flag */
    blk_opt_kind kind;
    size_t off;           /* offsetof the field in the block's state */
    long lo, hi;          /* BO_INT: the range; BO_FLAG: lo is the value stored */
    const char *choices;  /* BO_CHOICE */
    const char *help;     /* help text, lines separated by '\n'; "%r" is replaced by
                             the range or the choices, "%d" by the default value.
                             NULL: shares the next option's line ("--a, --b  help") */
    unsigned where;       /* BO_GEN, BO_VEC or BO_BOTH */
} blk_option;

enum { BLK_OPTIONS_MAX = 48 };

/* Table rows; T is the block's state type:
 *   BLK_INT(T, "lanes", "N", lanes, 1, 256, "lanes, %r (default %d)", BO_BOTH) */
#define BLK_INT(T, nm, mv, field, lo_, hi_, text, wh)                                      \
    {.name = nm, .meta = mv, .kind = BO_INT, .off = offsetof(T, field), .lo = lo_,        \
     .hi = hi_, .help = text, .where = wh}
#define BLK_FLAG(T, nm, field, value, text, wh)                                            \
    {.name = nm, .kind = BO_FLAG, .off = offsetof(T, field), .lo = value, .help = text,    \
     .where = wh}
#define BLK_CHOICE(T, nm, mv, field, list, text, wh)                                       \
    {.name = nm, .meta = mv, .kind = BO_CHOICE, .off = offsetof(T, field),               \
     .choices = list, .help = text, .where = wh}
#define BLK_TEXT(T, nm, mv, field, text, wh)                                               \
    {.name = nm, .meta = mv, .kind = BO_TEXT, .off = offsetof(T, field), .help = text,    \
     .where = wh}
#define BLK_HEADING(text, wh) {.kind = BO_HEADING, .help = text, .where = wh}

/* Was option `name` given on the command line (after blk_parse)? */
typedef struct {
    uint64_t given;       /* bit i: the block's option i was given */
    const struct lq_block_s *b;
} blk_args;
int blk_given(const blk_args *a, const char *name);

/* ---- files ---- */

/* One file of the block: its name is printf(pattern, NAME). */
typedef struct {
    const char *pattern;  /* "%s.v" */
    const char *what;     /* for the help: "the top module and NAME_prod" */
    /* Writes the file's contents (file_header included). 0, or -1 with a message. */
    int (*write)(lq_file *f, const void *state, const lq_cmd *c);
    int verilog;          /* 1: a Verilog source, in compile order, for the file lists */
} blk_file;

/* ---- the block ---- */

enum { BLK_PORTS_MAX = 32, BLK_VIEW_MAX = 48 };

typedef struct lq_block_s {
    const char *name;       /* "mac": logq gen mac, logq vectors mac */
    const char *summary;    /* one line for `logq gen` and the .core */
    const char *synopsis;   /* after "logq gen NAME ": "[options] -o DIR" */
    const char *about;      /* the help's opening paragraph */
    const char *doc;        /* "docs/mac.md" */
    const blk_option *opts;
    int nopts;
    size_t state_size;      /* the block's state: its options and what they derive */
    void (*defaults)(void *state);
    /* Check the combination, derive every width: 0, or -1 with a message naming the
     * values. where: BO_GEN or BO_VEC (the options given are in a). */
    int (*finish)(void *state, const blk_args *a, unsigned where);
    void (*release)(void *state);  /* frees what finish allocated, whether it succeeded
                                      or not; may be NULL */
    const char *(*module)(const void *state);
    /* The top module's ports in declaration order; returns how many (<= max). */
    int (*ports)(const void *state, lq_port *p, int max);
    int latency;            /* ignored when latency_of is set */
    int (*latency_of)(const void *state); /* cycles; < 0: data dependent */
    int tb_latency;         /* the bench's deadlock timeout scale (tb_desc.latency) */
    int (*tb_latency_of)(const void *state);
    int out_data_reset;     /* tb_desc.out_data_reset */
    int out_per_vector;     /* tb_desc.out_per_vector */
    const char *out_last;   /* tb_desc.out_last (+midreset without out_per_vector) */
    int side_restart;       /* tb_desc.side_restart: the stimulus writes tstart.hex */
    const blk_file *files;  /* the block's own files, in the order written */
    int nfiles;
    /* The view: the scope of the signals ("TOP.%s" or "%s_tb.dut", NAME filled in),
     * the titles of the stream groups, and the block's own group (internal signals;
     * may be NULL): fills sig (names may point into names[]), returns the count. */
    const char *view_scope;
    const char *view_titles[3]; /* input, side, output stream; NULL: "input stream"... */
    const char *view_title;     /* the internal group's title */
    int (*view)(const void *state, gtkw_signal *sig, int max, char (*names)[40]);
    /* The lines of the report after the "wrote" line. */
    void (*report)(const void *state, const char *dir);
    /* `logq vectors`: 1 when --exhaustive applies; phased stalls (vec_begin). */
    int exhaustive;
    int phased;
    /* The stimulus and the model's expected outputs into v (vec_begin has opened
     * it; side streams, slqmac, add their files to fs). Returns an exit status. */
    int (*stimulus)(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                    const lq_cmd *c);
    const char *const *vec_files; /* the files the stimulus adds itself, in order */
    int nvec_files;
} lq_block;

/* `logq gen NAME ...` and `logq vectors NAME ...` for a described block: argv[0] is
 * the block's name. Exit status. */
int blk_gen(const lq_block *b, const lq_cmd *c);
int blk_vectors(const lq_block *b, const lq_cmd *c);

/* The bench's stream description from the ports (for callers outside the driver). */
void blk_tb_desc(const lq_block *b, const void *state, tb_desc *d, lq_port *ports);

/* The names of the files `logq gen NAME` writes for module `name` (with --tb when
 * tb), in the order written, into names[] (each a malloc'ed string); returns the
 * count or -1. */
int blk_file_names(const lq_block *b, const char *name, int tb, char **names, int max);

/* Port helpers for a block's ports function. Each writes at p and returns how many
 * ports it wrote. */
int blk_ports_clock(lq_port *p); /* clk, rst (synchronous, active high) */
/* A stream's valid and ready; in: the block receives the stream (valid is an input).
 * lanes > 0: one valid/ready bit per lane (side streams). */
int blk_ports_handshake(lq_port *p, lq_stream s, int in, const char *valid, const char *ready,
                        int lanes);
/* The LAST port of the input stream. */
int blk_port_last(lq_port *p, const char *name, const char *desc);
/* NAME.h's port layout macros (package_port_macros) of b's ports, prefix pfx. */
void blk_port_macros(lq_file *h, const lq_block *b, const void *state, const char *pfx);

/* The top-interface options of every block (--interface, --reset, --skid;
 * docs/interfaces.md) for a command with its own parser (gen net), from the table the
 * blocks use: blk_wrap_getopt writes their getopt_long entries, ids id0 + i (at most
 * BLK_WRAP_NOPTS), and returns the count; blk_wrap_option applies option id - id0: 1
 * done, 0 not one of them, -1 bad value (message printed); blk_wrap_default_reset
 * gives axis aresetn unless --reset was given; blk_wrap_help prints their help rows. */
enum { BLK_WRAP_NOPTS = 4 };
int blk_wrap_getopt(struct option *o, int id0);
int blk_wrap_option(int i, const char *arg, wrap_opts *wo, int *reset_given);
void blk_wrap_default_reset(wrap_opts *wo, int reset_given);
void blk_wrap_help(FILE *fp, int col); /* the text's column: col + 2 */

/* `logq gen` / `logq vectors`: argv[1] names the block (gen/blocks/blocks.c); --help
 * and errors print usage. run is blk_gen or blk_vectors. Exit status. */
int blk_dispatch(const lq_cmd *c, const char *cmd, void (*usage)(FILE *),
                 int (*run)(const lq_block *, const lq_cmd *));

/* Verilog identifiers for --name: lower-case letters, digits and '_', a letter or
 * '_' first, at most 60 characters, not a Verilog or SystemVerilog keyword. */
int blk_name_ok(const char *s);
/* The same as a check of --name: 0, or -1 with a message naming the value. */
int blk_check_name(const char *s);

/* The upper-case form of a name for C macros, into buf. */
void blk_upper(char *buf, size_t len, const char *name);

#endif
