/* The common driver of the described blocks (block.h): options, help, files,
 * view, packaging, bench and stimulus, all read from one lq_block. */
#include "blocks/block.h"
#include "blocks/blocks.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "emit/wrap.h"

/* Option ids: the block's option i is BLK_OPT_ID + i, the wrapper's WRAP_OPT_ID + i;
 * the driver's own are below. */
enum { BLK_OPT_ID = 0x400, WRAP_OPT_ID = 0x380, OPT_TB = 0x300, OPT_HELP_MD };

/* The options every block takes: its top's interface (gen/emit/wrap.h). */
static const blk_option wrap_options[] = {
    BLK_HEADING("top interface (docs/interfaces.md)", BO_BOTH),
    BLK_CHOICE(wrap_opts, "interface", "I", axis, "native|axis",
               "the top's streams, %r (default %d): native: the\n"
               "block's s_*/m_* ports; axis: one AXI4-Stream interface per\n"
               "stream (s_axis_*, m_axis_*; tdata padded to whole bytes)", BO_BOTH),
    BLK_CHOICE(wrap_opts, "reset", "R", reset_low, "sync-high|sync-low",
               "synchronous reset, %r: sync-low is aresetn\n"
               "(active low); default sync-high with native, sync-low with axis",
               BO_BOTH),
    BLK_FLAG(wrap_opts, "skid", skid, 1,
             "a skid buffer on every input stream: its ready is a register,\n"
             "so ready does not chain through a pipeline of blocks", BO_BOTH),
};
enum { WRAP_NOPTS = (int)(sizeof wrap_options / sizeof wrap_options[0]) };
_Static_assert((int)WRAP_NOPTS <= (int)BLK_WRAP_NOPTS, "blk_wrap_getopt writes at most BLK_WRAP_NOPTS");

/* The wrapper's name for the core: NAME_core. */
static const char core_suffix[] = "_core";

int blk_given(const blk_args *a, const char *name)
{
    for (int i = 0; i < a->b->nopts; i++)
        if (a->b->opts[i].name && strcmp(a->b->opts[i].name, name) == 0)
            return (int)((a->given >> i) & 1u);
    return 0;
}

static const char *const verilog_keywords[] = {
    "always", "and", "assign", "begin", "buf", "case", "casex", "casez", "cmos",
    "deassign", "default", "defparam", "disable", "edge", "else", "end", "endcase",
    "endfunction", "endgenerate", "endmodule", "endspecify", "endtask", "event", "for",
    "force", "forever", "fork", "function", "generate", "genvar", "if", "initial",
    "inout", "input", "integer", "join", "localparam", "macromodule", "module", "nand",
    "negedge", "nor", "not", "or", "output", "parameter", "posedge", "reg", "release",
    "repeat", "signed", "specify", "table", "task", "time", "tri", "unsigned", "while",
    "wire", "wor", "xor", "xnor", "logic", "bit", "int", "byte", NULL};

int blk_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 60 || !(islower((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    for (int i = 0; verilog_keywords[i]; i++)
        if (strcmp(s, verilog_keywords[i]) == 0)
            return 0;
    return 1;
}

int blk_check_name(const char *s)
{
    if (blk_name_ok(s))
        return 0;
    cli_error("--name '%s' is not a lower-case Verilog identifier (a-z, 0-9, _; not a "
              "keyword; at most 60 characters)", s);
    return -1;
}

void blk_upper(char *buf, size_t len, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < len; i++)
        buf[i] = (char)toupper((unsigned char)name[i]);
    buf[i] = '\0';
}

/* ---- option values ---- */

static int *int_field(void *state, const blk_option *o)
{
    return (int *)(void *)((char *)state + o->off);
}

static const char **text_field(void *state, const blk_option *o)
{
    return (const char **)(void *)((char *)state + o->off);
}

/* Choice k of "a|b|c" into buf; -1 when there is none. */
static int choice_at(const char *choices, int k, char *buf, size_t len)
{
    const char *p = choices;
    for (int i = 0; i < k; i++) {
        p = strchr(p, '|');
        if (!p)
            return -1;
        p++;
    }
    size_t n = strcspn(p, "|");
    if (n + 1 > len)
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return 0;
}

/* "a, b or c" */
static void choice_list(const char *choices, char *buf, size_t len)
{
    char one[64];
    size_t n = 0;
    int count = 0;
    while (choice_at(choices, count, one, sizeof one) == 0)
        count++;
    buf[0] = '\0';
    for (int k = 0; k < count; k++) {
        choice_at(choices, k, one, sizeof one);
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
                              k == 0 ? "" : k + 1 == count ? " or " : ", ", one);
        if (n >= len)
            break;
    }
}

static int set_option(const blk_option *o, void *state, const char *arg)
{
    char flag[80], one[64];
    snprintf(flag, sizeof flag, "--%s", o->name);
    switch (o->kind) {
    case BO_FLAG: *int_field(state, o) = (int)o->lo; return 0;
    case BO_INT: return cli_int(flag, arg, o->lo, o->hi, int_field(state, o));
    case BO_TEXT: *text_field(state, o) = arg; return 0;
    case BO_CHOICE:
        for (int k = 0; choice_at(o->choices, k, one, sizeof one) == 0; k++)
            if (strcmp(one, arg) == 0) {
                *int_field(state, o) = k;
                return 0;
            }
        {
            char list[256];
            choice_list(o->choices, list, sizeof list);
            cli_error("%s '%s' is unknown (%s)", flag, arg, list);
        }
        return -1;
    default: return -1;
    }
}

/* ---- help ---- */

static void option_label(const blk_option *o, char *buf, size_t len)
{
    if (o->meta)
        snprintf(buf, len, "--%s %s", o->name, o->meta);
    else
        snprintf(buf, len, "--%s", o->name);
}

/* The option's help with %r and %d filled in from the table and the defaults. */
static void option_text(const lq_block *b, const blk_option *o, const void *defaults, char *buf,
                        size_t len)
{
    size_t n = 0;
    const char *h = o->help ? o->help : "";
    for (; *h && n + 1 < len; h++) {
        char tmp[256];
        if (h[0] == '%' && (h[1] == 'r' || h[1] == 'd')) {
            if (h[1] == 'r') {
                if (o->kind == BO_INT)
                    snprintf(tmp, sizeof tmp, "%ld-%ld", o->lo, o->hi);
                else if (o->kind == BO_CHOICE)
                    choice_list(o->choices, tmp, sizeof tmp);
                else
                    tmp[0] = '\0';
            } else if (o->kind == BO_INT || o->kind == BO_FLAG) {
                snprintf(tmp, sizeof tmp, "%d", *int_field((void *)defaults, o));
            } else if (o->kind == BO_CHOICE) {
                if (choice_at(o->choices, *int_field((void *)defaults, o), tmp, sizeof tmp) != 0)
                    tmp[0] = '\0';
            } else {
                const char *t = *text_field((void *)defaults, o);
                snprintf(tmp, sizeof tmp, "%s", t ? t : "none");
            }
            n += (size_t)snprintf(buf + n, len - n, "%s", tmp);
            if (n >= len)
                n = len - 1;
            h++;
        } else {
            buf[n++] = *h;
        }
    }
    buf[n] = '\0';
    (void)b;
}

/* One help row: label in a column of col + 2, text wrapped by its own '\n'. */
static void help_row_at(FILE *fp, const char *label, const char *text, int col)
{
    const char *line = text;
    int first = 1;
    if ((int)strlen(label) > col - 1) {
        fprintf(fp, "  %s\n", label);
        first = 0;
    }
    do {
        size_t n = strcspn(line, "\n");
        fprintf(fp, "  %-*s%.*s\n", col, first ? label : "", (int)n, line);
        first = 0;
        line += n;
        if (*line == '\n')
            line++;
    } while (*line);
}

static void help_row(FILE *fp, const char *label, const char *text)
{
    help_row_at(fp, label, text, 18);
}

/* The options rows of `where`: as help text, or as the rows of a Markdown table.
 * An option without help text shares the next one's row. */
static void help_rows(FILE *fp, const lq_block *b, const blk_option *opts, int nopts,
                      unsigned where, const void *defaults, int markdown, int col)
{
    char label[160], text[1024];
    label[0] = '\0';
    for (int i = 0; i < nopts; i++) {
        const blk_option *o = &opts[i];
        if (!(o->where & where))
            continue;
        if (o->kind == BO_HEADING) {
            fprintf(fp, markdown ? "| **%s** | |\n" : " %s\n", o->help);
            continue;
        }
        if (label[0])
            strncat(label, markdown ? "`, `" : ", ", sizeof label - strlen(label) - 1);
        option_label(o, label + strlen(label), sizeof label - strlen(label));
        if (!o->help)
            continue;
        option_text(b, o, defaults, text, sizeof text);
        if (!markdown) {
            help_row_at(fp, label, text, col);
        } else {
            fprintf(fp, "| `%s` | ", label);
            for (const char *p = text; *p; p++) {
                if (*p == '\n')
                    fputc(' ', fp);
                else if (*p == '|')
                    fputs("\\|", fp);
                else
                    fputc(*p, fp);
            }
            fprintf(fp, " |\n");
        }
        label[0] = '\0';
    }
}

/* The block's options, then the wrapper's. */
static void help_options(FILE *fp, const lq_block *b, unsigned where, const void *defaults,
                         int markdown)
{
    wrap_opts wd = {0, 0, 0};
    help_rows(fp, b, b->opts, b->nopts, where, defaults, markdown, 18);
    help_rows(fp, b, wrap_options, WRAP_NOPTS, where, &wd, markdown, 18);
}

/* The files of top `name` around the block's module `core` (the same: no wrapper). */
static int file_names(const lq_block *b, const char *name, const char *core, int tb, char **names,
                      int max)
{
    int n = 0;
    const char *suf;
    char buf[160];
#define ADD(...)                                                                  \
    do {                                                                          \
        snprintf(buf, sizeof buf, __VA_ARGS__);                                   \
        if (n >= max || !(names[n] = strdup(buf))) {                              \
            while (n > 0)                                                         \
                free(names[--n]);                                                 \
            return -1;                                                            \
        }                                                                         \
        n++;                                                                      \
    } while (0)
    for (int i = 0; i < b->nfiles; i++)
        ADD(b->files[i].pattern, core);
    if (strcmp(core, name) != 0) {
        ADD("%s.v", name);
        ADD("%s.h", name);
    }
    ADD("%s.f", name);
    ADD("%s.gtkw", name);
    for (int i = 0; (suf = package_file_suffix(i, NULL)); i++)
        ADD("%s%s", name, suf);
    if (tb) {
        ADD("%s_tb.v", name);
        for (int i = 0; i < 4; i++)
            ADD("%s", vec_head_files[i]);
        for (int i = 0; i < b->nvec_files; i++)
            ADD("%s", b->vec_files[i]);
        for (int i = 0; i < 2; i++)
            ADD("%s", vec_tail_files[i]);
    }
#undef ADD
    return n;
}

int blk_file_names(const lq_block *b, const char *name, int tb, char **names, int max)
{
    return file_names(b, name, name, tb, names, max);
}

static void help_files(FILE *fp, const lq_block *b)
{
    char label[64], text[256];
    const char *suf, *what;
    fprintf(fp, "\nFiles written to DIR (NAME is the module name, --name):\n");
    for (int i = 0; i < b->nfiles; i++) {
        snprintf(label, sizeof label, b->files[i].pattern, "NAME");
        help_row(fp, label, b->files[i].what);
    }
    help_row(fp, "NAME.f", "the Verilog files in compile order (verilator -f, iverilog -c)");
    {
        char scope[80];
        snprintf(scope, sizeof scope, b->view_scope, "NAME");
        snprintf(text, sizeof text, "GTKWave view of a dump of the block (scope %s)", scope);
    }
    help_row(fp, "NAME.gtkw", text);
    for (int i = 0; (suf = package_file_suffix(i, &what)); i++) {
        snprintf(label, sizeof label, "NAME%s", suf);
        help_row(fp, label, what);
    }
    snprintf(text, sizeof text, "with --tb: the self-checking bench of `logq vectors %s`",
             b->name);
    help_row(fp, "NAME_tb.v", text);
    /* the default vectors (docs/xsim.md describes each file) */
    for (int i = 0; i < 4 + b->nvec_files + 2; i++)
        help_row(fp, i < 4 ? vec_head_files[i] : i < 4 + b->nvec_files ? b->vec_files[i - 4]
                                                                       : vec_tail_files[i - 4 - b->nvec_files],
                 "with --tb: its default vectors (docs/xsim.md)");
}

static void gen_help(FILE *fp, const lq_block *b, const void *defaults)
{
    fprintf(fp, "usage: logq gen %s %s\n\n%s\n\n", b->name, b->synopsis, b->about);
    help_options(fp, b, BO_GEN, defaults, 0);
    help_row(fp, "--tb", "also write NAME_tb.v, the self-checking Icarus/Verilator\n"
                         "bench that reads `logq vectors` files, and its default\n"
                         "vectors (`logq vectors` with these options: 200 vectors,\n"
                         "seed 1), which the core's sim target runs (docs/xsim.md)");
    help_row(fp, "-o, --out DIR", "output directory (required)");
    help_row(fp, "-h, --help", "this help (--help-markdown: the options as a Markdown table)");
    help_files(fp, b);
    fprintf(fp, "\nWith --interface axis, --reset sync-low or --skid, NAME.v and NAME.h are the\n"
                "wrapper (module NAME, docs/interfaces.md) and the block's own files above are\n"
                "named with NAME_core for NAME (NAME_core.v holds module NAME_core).\n");
    fprintf(fp, "\n%s is the specification. Exit status: 0 success, 1 cannot write (no file\n"
                "is changed), 2 bad option (the message names the value; no file is written).\n",
            b->doc);
}

/* The options as a Markdown table, for the block's docs page (tests/blocks.sh keeps
 * the page's copy in sync). */
static void gen_help_markdown(FILE *fp, const lq_block *b, const void *defaults)
{
    fprintf(fp, "| option | meaning |\n|---|---|\n");
    help_options(fp, b, BO_GEN, defaults, 1);
    fprintf(fp, "| `--tb` | also write NAME_tb.v, the self-checking bench (docs/xsim.md) |\n"
                "| `-o`, `--out DIR` | output directory (required) |\n");
}

/* ---- parsing ---- */

/* Parse argv against the block's options for `where` and the driver's extras.
 * extra(ch, arg, ctx): 1 handled, 0 not ours, -1 bad value (message printed).
 * Returns 0 (with *help 1 for --help, 2 for --help-markdown, else 0) or
 * LQ_EXIT_USAGE (message printed). */
static int parse(const lq_block *b, const lq_cmd *c, unsigned where, void *state, blk_args *a,
                 wrap_opts *wo, const struct option *extra_opts,
                 int (*extra)(int, const char *, void *), void *ctx, const char *cmdname,
                 int *help)
{
    struct option opts[BLK_OPTIONS_MAX + WRAP_NOPTS + 16];
    int n = 0, ch, reset_given = 0;
    for (int i = 0; i < b->nopts && n < BLK_OPTIONS_MAX; i++) {
        const blk_option *o = &b->opts[i];
        if (o->kind == BO_HEADING || !(o->where & where))
            continue;
        opts[n++] = (struct option){o->name, o->kind == BO_FLAG ? no_argument : required_argument,
                                    0, BLK_OPT_ID + i};
    }
    n += blk_wrap_getopt(opts + n, WRAP_OPT_ID);
    for (int i = 0; extra_opts[i].name && n < BLK_OPTIONS_MAX + WRAP_NOPTS + 15; i++)
        opts[n++] = extra_opts[i];
    memset(wo, 0, sizeof *wo);
    opts[n] = (struct option){0, 0, 0, 0};
    a->given = 0;
    a->b = b;
    *help = 0;
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        int r;
        if (ch == 'h' || ch == OPT_HELP_MD) {
            *help = ch == 'h' ? 1 : 2;
            return 0;
        }
        if (ch >= BLK_OPT_ID && ch < BLK_OPT_ID + b->nopts) {
            const blk_option *o = &b->opts[ch - BLK_OPT_ID];
            if (set_option(o, state, optarg) != 0)
                return LQ_EXIT_USAGE;
            a->given |= (uint64_t)1 << (ch - BLK_OPT_ID);
            continue;
        }
        if ((r = blk_wrap_option(ch - WRAP_OPT_ID, optarg, wo, &reset_given)) != 0) {
            if (r < 0)
                return LQ_EXIT_USAGE;
            continue;
        }
        r = extra(ch, optarg, ctx);
        if (r < 0)
            return LQ_EXIT_USAGE;
        if (r == 0) {
            /* getopt_long said what was wrong; name the command that documents it */
            fprintf(stderr, "logq: see 'logq %s %s --help'\n", cmdname, b->name);
            return LQ_EXIT_USAGE;
        }
    }
    if (optind < c->argc) {
        cli_error("%s %s takes no file argument, got '%s'", cmdname, b->name, c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    blk_wrap_default_reset(wo, reset_given);
    return 0;
}

int blk_wrap_getopt(struct option *o, int id0)
{
    int n = 0;
    for (int i = 0; i < WRAP_NOPTS; i++)
        if (wrap_options[i].kind != BO_HEADING)
            o[n++] = (struct option){wrap_options[i].name,
                                     wrap_options[i].kind == BO_FLAG ? no_argument
                                                                     : required_argument,
                                     0, id0 + i};
    return n;
}

int blk_wrap_option(int i, const char *arg, wrap_opts *wo, int *reset_given)
{
    if (i < 0 || i >= WRAP_NOPTS || wrap_options[i].kind == BO_HEADING)
        return 0;
    if (set_option(&wrap_options[i], wo, arg) != 0)
        return -1;
    *reset_given |= strcmp(wrap_options[i].name, "reset") == 0;
    return 1;
}

void blk_wrap_default_reset(wrap_opts *wo, int reset_given)
{
    if (!reset_given)
        wo->reset_low = wo->axis; /* AXI4-Stream's ARESETn unless told otherwise */
}

void blk_wrap_help(FILE *fp, int col)
{
    wrap_opts wd = {0, 0, 0};
    help_rows(fp, NULL, wrap_options, WRAP_NOPTS, BO_GEN, &wd, 0, col);
}

static int check_dir(const char *dir)
{
    if (!dir) {
        cli_error("-o DIR is required");
        return -1;
    }
    if (!*dir) {
        cli_error("-o '' is empty: name the output directory");
        return -1;
    }
    return 0;
}

/* ---- ports, view, bench ---- */

int blk_ports_clock(lq_port *p)
{
    p[0] = (lq_port){.name = "clk", .dir = LQ_PORT_IN, .width = 1, .desc = "clock",
                     .role = LQ_ROLE_CLOCK};
    p[1] = (lq_port){.name = "rst", .dir = LQ_PORT_IN, .width = 1,
                     .desc = "synchronous reset, active high", .role = LQ_ROLE_RESET};
    return 2;
}

int blk_ports_handshake(lq_port *p, lq_stream s, int in, const char *valid, const char *ready,
                        int lanes)
{
    static const char *const vdesc[3] = {"input stream valid", "output stream valid",
                                         "lane j's term stream valid"};
    static const char *const rdesc[3] = {"input stream ready", "output stream ready",
                                         "lane j's term stream ready"};
    int k = s == LQ_STREAM_SIDE ? 2 : in ? 0 : 1;
    p[0] = (lq_port){.name = valid, .dir = in ? LQ_PORT_IN : LQ_PORT_OUT, .width = lanes ? lanes : 1,
                     .desc = vdesc[k], .role = LQ_ROLE_VALID, .stream = s,
                     .lanes = lanes, .lane_bits = lanes ? 1 : 0};
    p[1] = (lq_port){.name = ready, .dir = in ? LQ_PORT_OUT : LQ_PORT_IN, .width = lanes ? lanes : 1,
                     .desc = rdesc[k], .role = LQ_ROLE_READY, .stream = s,
                     .lanes = lanes, .lane_bits = lanes ? 1 : 0};
    return 2;
}

int blk_port_last(lq_port *p, const char *name, const char *desc)
{
    *p = (lq_port){.name = name, .dir = LQ_PORT_IN, .width = 1, .desc = desc,
                   .role = LQ_ROLE_LAST, .stream = LQ_STREAM_IN};
    return 1;
}

void blk_port_macros(lq_file *h, const lq_block *b, const void *state, const char *pfx)
{
    lq_port ports[BLK_PORTS_MAX];
    int n;
    memset(ports, 0, sizeof ports);
    n = b->ports(state, ports, BLK_PORTS_MAX);
    package_port_macros(h, pfx, ports, n);
}

static int get_ports(const lq_block *b, const void *state, lq_port *p)
{
    memset(p, 0, BLK_PORTS_MAX * sizeof *p);
    return b->ports(state, p, BLK_PORTS_MAX);
}

static int latency_of(const lq_block *b, const void *state)
{
    return b->latency_of ? b->latency_of(state) : b->latency;
}

/* The bench's streams from the ports p[0..np) of top module `module`. */
static void tb_desc_of(const lq_block *b, const void *state, tb_desc *d, const char *module,
                       const lq_port *p, int np)
{
    const lq_port *last = NULL;
    memset(d, 0, sizeof *d);
    d->block = b->name;
    d->module = module;
    d->out_data_reset = b->out_data_reset;
    d->out_per_vector = b->out_per_vector;
    d->out_last = b->out_last;
    d->side_restart = b->side_restart;
    d->latency = b->tb_latency_of ? b->tb_latency_of(state) : b->tb_latency;
    for (int i = 0; i < np; i++) {
        const lq_port *q = &p[i];
        switch (q->stream) {
        case LQ_STREAM_IN:
            if (q->role == LQ_ROLE_VALID)
                d->in_valid = q->name;
            else if (q->role == LQ_ROLE_READY)
                d->in_ready = q->name;
            else if (q->role == LQ_ROLE_LAST)
                last = q;
            else if (d->nin < TB_MAX_PORTS)
                d->in[d->nin++] = (tb_port){q->name, q->width - q->pad, q->pad};
            break;
        case LQ_STREAM_OUT:
            if (q->role == LQ_ROLE_VALID)
                d->out_valid = q->name;
            else if (q->role == LQ_ROLE_READY)
                d->out_ready = q->name;
            else if (d->nout < TB_MAX_PORTS)
                d->out[d->nout++] = (tb_port){q->name, q->width - q->pad, q->pad};
            break;
        case LQ_STREAM_SIDE:
            d->nsides = q->lanes > 0 ? q->lanes : q->width;
            if (q->role == LQ_ROLE_VALID)
                d->side_valid = q->name;
            else if (q->role == LQ_ROLE_READY)
                d->side_ready = q->name;
            else if (d->nside < TB_MAX_PORTS)
                d->side[d->nside++] =
                    (tb_port){q->name, (q->lane_bits > 0 ? q->lane_bits : 1) - q->pad, q->pad};
            break;
        default:
            if (q->role == LQ_ROLE_RESET) {
                d->reset = q->name;
                d->reset_low = q->active_low;
            } else if (q->role == LQ_ROLE_LAST && q->dir == LQ_PORT_OUT) {
                d->out_one = q->name; /* the wrapper's constant TLAST */
            }
            break;
        }
    }
    if (last && d->nin < TB_MAX_PORTS)
        d->in[d->nin++] = (tb_port){last->name, last->width, 0};
    if (b->out_last) { /* its bit among the block's own outputs (p may be a wrapper's) */
        lq_port own[BLK_PORTS_MAX];
        int n = get_ports(b, state, own);
        for (int i = 0; i < n && strcmp(own[i].name, b->out_last) != 0; i++)
            if (own[i].stream == LQ_STREAM_OUT && own[i].role != LQ_ROLE_VALID &&
                own[i].role != LQ_ROLE_READY)
                d->out_last_bit += own[i].width;
    }
}

void blk_tb_desc(const lq_block *b, const void *state, tb_desc *d, lq_port *p)
{
    int np = get_ports(b, state, p);
    tb_desc_of(b, state, d, b->module(state), p, np);
}

/* The radix of a port, of each lane for a packed bus (the view splits those). */
static gtkw_radix port_radix(const lq_port *q)
{
    if (q->lane_bits == 1 || (q->width == 1 && q->lane_bits == 0))
        return GTKW_BIN;
    if (q->nfields > 0)
        return GTKW_HEX; /* fields: a code, not a number */
    return q->is_signed ? GTKW_SDEC : GTKW_DEC;
}

/* The view of top module `name` with ports p; the block's own signals below u_core
 * when it is wrapped (wrapped = 1). */
static int write_view(lq_file *f, const lq_block *b, const void *state, const char *name,
                      int wrapped, const lq_port *p, int np, const lq_cmd *c)
{
    static const char *const dflt[3] = {"input stream", "side streams", "output stream"};
    gtkw_signal sig[3][BLK_PORTS_MAX], own[BLK_VIEW_MAX];
    gtkw_split splits[BLK_PORTS_MAX];
    int nsplits = 0;
    char names[BLK_VIEW_MAX][40], inner[BLK_VIEW_MAX][48], top[96], err[160];
    gtkw_group groups[4];
    int ns[3] = {0, 0, 0}, ng = 0, nown = 0;
    for (int i = 0; i < np; i++) {
        const lq_port *q = &p[i];
        int g = q->stream == LQ_STREAM_SIDE ? 1 : q->stream == LQ_STREAM_OUT ? 2 : 0;
        if (q->stream == LQ_STREAM_NONE && q->role != LQ_ROLE_CLOCK && q->role != LQ_ROLE_RESET)
            continue;
        sig[g][ns[g]++] = (gtkw_signal){q->name, q->width, port_radix(q)};
        if (q->lanes > 1 && q->lane_bits > 1)
            splits[nsplits++] = (gtkw_split){q->name, q->lanes, q->lane_bits};
    }
    for (int g = 0; g < 3; g++)
        if (ns[g] > 0)
            groups[ng++] = (gtkw_group){b->view_titles[g] ? b->view_titles[g] : dflt[g], sig[g],
                                        ns[g]};
    if (b->view) {
        nown = b->view(state, own, BLK_VIEW_MAX, names);
        for (int i = 0; wrapped && i < nown; i++) {
            snprintf(inner[i], sizeof inner[i], "u_core.%s", own[i].name);
            own[i].name = inner[i];
        }
        if (nown > 0)
            groups[ng++] = (gtkw_group){b->view_title, own, nown};
    }
    snprintf(top, sizeof top, b->view_scope, name);
    gtkw_view v = {NULL, top, groups, ng, -1, 0, splits, nsplits};
    if (gtkw_write(f, &v, c, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

/* ---- logq gen ---- */

static int gen_extra(int ch, const char *arg, void *ctx)
{
    void **x = ctx;
    if (ch == 'o') {
        x[0] = (void *)arg;
        return 1;
    }
    if (ch == OPT_TB) {
        *(int *)x[1] = 1;
        return 1;
    }
    return 0;
}

/* The Verilog files in compile order. */
static int verilog_files(const lq_block *b, const char *name, char (*buf)[160], const char **list)
{
    int n = 0;
    for (int rank = 1; rank <= b->nfiles; rank++)
        for (int i = 0; i < b->nfiles; i++)
            if (b->files[i].verilog == rank) {
                snprintf(buf[n], sizeof buf[n], b->files[i].pattern, name);
                list[n] = buf[n];
                n++;
            }
    return n;
}

/* The top the files describe: the block's module itself, or the wrapper around it. */
typedef struct {
    const char *name;    /* the top module, the stem of the files */
    const char *core;    /* the block's module: name, or NAME_core under the wrapper */
    const lq_port *p;    /* the top's ports */
    int np;
    const wrap_top *w;   /* NULL: no wrapper */
} blk_top;

/* `logq gen --tb`: the vectors `logq vectors` writes by default for top t, into vf
 * (for the bench beside the block and the core's sim target). */
static int default_vectors(const lq_block *b, void *state, const blk_top *t, lq_fileset *vf,
                           const lq_cmd *c)
{
    vec_common o = vec_defaults;
    vec_out v;
    tb_desc d;
    if (vec_begin(&v, vf, &o, b->phased, c) != LQ_EXIT_OK)
        return -1;
    if (b->stimulus(&v, vf, state, &o, c) != LQ_EXIT_OK) {
        fileset_free(vf);
        return -1;
    }
    tb_desc_of(b, state, &d, t->name, t->p, t->np);
    return vec_write(&v, vf, &o, &d, c) == LQ_EXIT_OK ? 0 : -1;
}

static lq_file *add_file(lq_fileset *fs, const char *fn)
{
    lq_file *f = fileset_add(fs, fn);
    if (!f)
        cli_error("out of memory");
    return f;
}

static int build_files(const lq_block *b, void *state, int tb, lq_fileset *fs, const lq_cmd *c,
                       const blk_top *t)
{
    char fn[160], core_h[160], vbuf[9][160];
    const char *vlist[9];
    const char *name = t->name;
    int nv, has_h = 0;
    lq_file *f;

    for (int i = 0; i < b->nfiles; i++) {
        snprintf(fn, sizeof fn, b->files[i].pattern, t->core);
        has_h |= strcmp(b->files[i].pattern, "%s.h") == 0;
        if (!(f = add_file(fs, fn)) || b->files[i].write(f, state, c) != 0)
            return -1;
    }
    nv = verilog_files(b, t->core, vbuf, vlist);
    if (t->w) {
        snprintf(fn, sizeof fn, "%s.v", name);
        if (!(f = add_file(fs, fn)))
            return -1;
        wrap_write_v(f, t->w, name, t->core, c);
        snprintf(vbuf[nv], sizeof vbuf[nv], "%s", fn);
        vlist[nv] = vbuf[nv];
        nv++;
        snprintf(fn, sizeof fn, "%s.h", name);
        snprintf(core_h, sizeof core_h, "%s.h", t->core);
        if (!(f = add_file(fs, fn)))
            return -1;
        wrap_write_h(f, t->w, name, has_h ? core_h : NULL, latency_of(b, state), c);
    }
    snprintf(fn, sizeof fn, "%s.f", name);
    if (!(f = add_file(fs, fn)))
        return -1;
    file_header(f, "//", c);
    for (int i = 0; i < nv; i++)
        file_printf(f, "%s\n", vlist[i]);
    snprintf(fn, sizeof fn, "%s.gtkw", name);
    if (!(f = add_file(fs, fn)) || write_view(f, b, state, name, t->w != NULL, t->p, t->np, c) != 0)
        return -1;
    lq_fileset vf;
    const char *vnames[LQ_MAX_FILES];
    char bench[110];
    fileset_init(&vf);
    if (tb && default_vectors(b, state, t, &vf, c) != 0)
        return -1;
    for (int i = 0; i < vf.n; i++)
        vnames[i] = vf.files[i].name;
    snprintf(bench, sizeof bench, "%s_tb.v", name);
    {
        int lat = wrap_latency(t->w, latency_of(b, state));
        lq_package pk = {name, name, b->summary, vlist, nv, t->p, t->np, lat};
        if (package_add_bench(fs, &pk, tb ? bench : NULL, vnames, vf.n, c) != 0) {
            fileset_free(&vf);
            return -1;
        }
    }
    if (t->w) {
        snprintf(fn, sizeof fn, "%s.txt", name);
        for (int i = 0; i < fs->n; i++)
            if (strcmp(fs->files[i].name, fn) == 0)
                wrap_write_txt(&fs->files[i], t->w, t->core);
    }
    if (tb) {
        tb_desc d;
        tb_desc_of(b, state, &d, name, t->p, t->np);
        if (tb_icarus_write(fs, &d, c) != 0 || fileset_move(fs, &vf) != 0) {
            cli_error("out of memory (or too many files) writing the vectors of %s", name);
            fileset_free(&vf);
            return -1;
        }
    }
    return 0;
}

/* The files written are the files the help lists, in order (tests/blocks.sh checks
 * the same from outside). */
static int same_as_help(const lq_block *b, const blk_top *t, int tb, const lq_fileset *fs)
{
    char *names[LQ_MAX_FILES];
    int n = file_names(b, t->name, t->core, tb, names, LQ_MAX_FILES), ok = n == fs->n;
    for (int i = 0; i < n; i++) {
        if (ok && strcmp(names[i], fs->files[i].name) != 0)
            ok = 0;
        free(names[i]);
    }
    if (!ok)
        cli_error("internal error: gen %s wrote other files than its --help lists", b->name);
    return ok ? 0 : -1;
}

/* The block's --name field (a BO_TEXT option named "name"), or NULL. */
static const char **name_field(const lq_block *b, void *state)
{
    for (int i = 0; i < b->nopts; i++)
        if (b->opts[i].kind == BO_TEXT && b->opts[i].name && strcmp(b->opts[i].name, "name") == 0)
            return text_field(state, &b->opts[i]);
    return NULL;
}

/* Under the wrapper the block is configured again with --name NAME_core, NAME being
 * the name it chose (given or derived): state is the parsed, finished state, saved
 * the parsed one. Fills top (the top's name) and core. 0, or -1 with a message. */
static int rename_core(const lq_block *b, void *state, const void *saved, const blk_args *a,
                       char *top, char *core, size_t len)
{
    const char **nf = name_field(b, state);
    size_t max = 60 - (sizeof core_suffix - 1);
    snprintf(top, len, "%s", b->module(state));
    if (!nf) {
        cli_error("internal error: gen %s has no --name to name its core", b->name);
        return -1;
    }
    if (strlen(top) > max) {
        cli_error("--name '%s' is too long for the wrapper: at most %zu characters (the core is "
                  "NAME%s)", top, max, core_suffix);
        return -1;
    }
    snprintf(core, len, "%.60s%s", top, core_suffix); /* top: at most 55 characters */
    if (b->release)
        b->release(state);
    memcpy(state, saved, b->state_size);
    *name_field(b, state) = core;
    return b->finish(state, a, BO_GEN);
}

int blk_gen(const lq_block *b, const lq_cmd *c)
{
    static const struct option extra[] = {{"tb", no_argument, 0, OPT_TB},
                                          {"out", required_argument, 0, 'o'},
                                          {"help", no_argument, 0, 'h'},
                                          {"help-markdown", no_argument, 0, OPT_HELP_MD},
                                          {0, 0, 0, 0}};
    void *state = calloc(1, b->state_size), *saved = calloc(1, b->state_size);
    const char *dir = NULL;
    int tb = 0, help, rc;
    void *ctx[2] = {NULL, &tb};
    char top[96], core[96];
    blk_args a;
    wrap_opts wo;
    lq_fileset fs;
    lq_port ports[BLK_PORTS_MAX];
    wrap_top *w = NULL;
    blk_top t;

    if (!state || !saved) {
        cli_error("out of memory");
        free(state);
        free(saved);
        return LQ_EXIT_FAIL;
    }
    b->defaults(state);
    rc = parse(b, c, BO_GEN, state, &a, &wo, extra, gen_extra, ctx, "gen", &help);
    dir = ctx[0];
    if (rc == 0 && help) {
        void *d = calloc(1, b->state_size);
        if (d) {
            b->defaults(d);
            if (help == 1)
                gen_help(stdout, b, d);
            else
                gen_help_markdown(stdout, b, d);
            free(d);
        }
        free(state);
        free(saved);
        return d ? LQ_EXIT_OK : LQ_EXIT_FAIL;
    }
    memcpy(saved, state, b->state_size);
    if (rc == 0 && check_dir(dir) != 0)
        rc = LQ_EXIT_USAGE;
    if (rc == 0 && b->finish(state, &a, BO_GEN) != 0)
        rc = LQ_EXIT_USAGE;
    if (rc == 0 && wrap_active(&wo) &&
        rename_core(b, state, saved, &a, top, core, sizeof top) != 0)
        rc = LQ_EXIT_USAGE;
    if (rc == 0) {
        t = (blk_top){b->module(state), b->module(state), ports, get_ports(b, state, ports), NULL};
        if (wrap_active(&wo)) {
            if (!(w = malloc(sizeof *w))) {
                cli_error("out of memory");
                rc = LQ_EXIT_FAIL;
            } else if (wrap_build(w, &wo, ports, t.np) != 0) {
                rc = LQ_EXIT_FAIL;
            } else {
                t = (blk_top){top, core, w->top, w->ntop, w};
            }
        }
    }
    if (rc != 0) {
        if (b->release)
            b->release(state); /* finish may have allocated before it refused */
        free(state);
        free(saved);
        free(w);
        return rc;
    }
    fileset_init(&fs);
    if (build_files(b, state, tb, &fs, c, &t) != 0 || same_as_help(b, &t, tb, &fs) != 0 ||
        fileset_commit(&fs, dir) != 0) {
        rc = LQ_EXIT_FAIL;
    } else {
        printf("logq gen %s: wrote", b->name);
        for (int i = 0; i < fs.n; i++)
            printf(" %s/%s", dir, fs.files[i].name);
        printf("\n");
        if (b->report && !w) /* the block's report names its own files */
            b->report(state, dir);
        if (w)
            printf("  wrapper:     %s/%s.v, module %s around %s: interface %s, reset %s%s "
                   "(docs/interfaces.md)\n", dir, top, top, core, wo.axis ? "axis" : "native",
                   wo.reset_low ? "sync-low (aresetn)" : "sync-high", wo.skid ? ", --skid" : "");
    }
    fileset_free(&fs);
    if (b->release)
        b->release(state);
    free(state);
    free(saved);
    free(w);
    return rc;
}

/* ---- logq gen BLOCK, logq vectors BLOCK ---- */

int blk_dispatch(const lq_cmd *c, const char *cmd, void (*usage)(FILE *),
                 int (*run)(const lq_block *, const lq_cmd *))
{
    const blk_entry *e;
    lq_cmd sub;
    if (c->argc < 2) {
        usage(stderr);
        return LQ_EXIT_USAGE;
    }
    if (strcmp(c->argv[1], "--help") == 0 || strcmp(c->argv[1], "-h") == 0) {
        usage(stdout);
        return LQ_EXIT_OK;
    }
    if (!(e = blk_entry_find(c->argv[1]))) {
        cli_error("%s: unknown block '%s'", cmd, c->argv[1]);
        usage(stderr);
        return LQ_EXIT_USAGE;
    }
    sub = *c;
    sub.argc = c->argc - 1;
    sub.argv = c->argv + 1;
    return run(e->desc, &sub);
}

/* ---- logq vectors ---- */

static const char vectors_common_help[] =
    "  --count N         vectors (frames for slqdec), 1-1000000 (default 200)\n"
    "  --seed S          random seed (default 1)\n"
    "  --stall PCT       % of cycles with s_valid or m_ready low, 0-90 (default 30)\n"
    "  --exhaustive      every input pair, one beat per vector (blocks that allow it)\n"
    "  --wrong-model     test only: expected outputs from a deliberately wrong model\n"
    "  -o, --out DIR     output directory (required)\n"
    "  -h, --help        this help\n";

static int vec_extra(int ch, const char *arg, void *ctx)
{
    return vec_common_option(ch, arg, ctx);
}

int blk_vectors(const lq_block *b, const lq_cmd *c)
{
    static const struct option extra[] = {VEC_COMMON_OPTIONS,
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    void *state = calloc(1, b->state_size);
    vec_common o = vec_defaults;
    int help, rc;
    blk_args a;
    wrap_opts wo;
    lq_fileset fs;
    vec_out v;
    tb_desc d;
    lq_port tp[BLK_PORTS_MAX];
    wrap_top *w = NULL;

    if (!state) {
        cli_error("out of memory");
        return LQ_EXIT_FAIL;
    }
    b->defaults(state);
    rc = parse(b, c, BO_VEC, state, &a, &wo, extra, vec_extra, &o, "vectors", &help);
    if (rc == 0 && help) {
        printf("usage: logq vectors %s [options] [--count N] [--seed S] -o DIR\n\n"
               "Seeded stimulus, stalls and the C model's expected outputs for the bench of\n"
               "`logq gen %s` (docs/xsim.md). The options must be those of the RTL.\n\n",
               b->name, b->name);
        help_options(stdout, b, BO_VEC, state, 0);
        fputs(vectors_common_help, stdout);
        free(state);
        return LQ_EXIT_OK;
    }
    if (rc == 0 && check_dir(o.dir) != 0)
        rc = LQ_EXIT_USAGE;
    if (rc == 0 && o.exhaustive && !b->exhaustive) {
        cli_error("--exhaustive is for the mac only");
        rc = LQ_EXIT_USAGE;
    }
    if (rc == 0 && b->finish(state, &a, BO_VEC) != 0)
        rc = LQ_EXIT_USAGE;
    if (rc == 0 && (rc = vec_begin(&v, &fs, &o, b->phased, c)) == LQ_EXIT_OK) {
        v.wrong = o.wrong;
        rc = b->stimulus(&v, &fs, state, &o, c);
        if (rc == LQ_EXIT_OK) {
            /* the bench of the top `logq gen` writes for the same options */
            blk_tb_desc(b, state, &d, tp);
            if (wrap_active(&wo)) {
                if (!(w = malloc(sizeof *w))) {
                    cli_error("out of memory");
                    rc = LQ_EXIT_FAIL;
                } else if (wrap_build(w, &wo, tp, get_ports(b, state, tp)) != 0) {
                    rc = LQ_EXIT_FAIL;
                } else {
                    tb_desc_of(b, state, &d, b->module(state), w->top, w->ntop);
                }
            }
        }
        if (rc == LQ_EXIT_OK)
            rc = vec_finish(&v, &fs, &o, &d, c);
        else
            fileset_free(&fs);
    }
    if (b->release)
        b->release(state);
    free(state);
    free(w);
    return rc;
}
