/* `logq wavediff`: compare two waveform dumps (VCD or FST, in any mix) signal by
 * signal; the rules are in wavediff.c and docs/waves.md. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "emit/emit.h"
#include "emit/gtkw.h"
#include "wave/read.h"

static const char wavediff_help[] =
    "usage: logq wavediff A B [--scope S] [--scope-b S] [--signals LIST] [--from T]\n"
    "                     [--max N] [--xz exact|wild] [--strict] [--quiet]\n"
    "                     [--gtkw FILE]\n"
    "\n"
    "Compares two dumps (VCD or FST, told apart by their content) signal by signal and\n"
    "prints the first N differences as: time, signal, value in A, value in B; then a\n"
    "summary. Paths are mapped first: a leading TOP scope (Verilator) is dropped, and\n"
    "with --scope only the signals below that scope are compared, named by their path\n"
    "below it. A scope is found as a whole path prefix, or else as the one scope whose\n"
    "path ends in '.S' (so --scope dut finds bench.dut in one dump, dut in the other).\n"
    "Values are compared at the --from time and at every later time either dump changes\n"
    "the signal; before its first change a signal is all x. docs/waves.md has the rules.\n"
    "\n"
    "  --scope S       compare the signals below scope S (a dotted path)\n"
    "  --scope-b S     the scope in B when it differs from the one in A\n"
    "  --signals LIST  only these signals: comma-separated names or globs (*, ?, [..])\n"
    "                  relative to the scope; each must match a signal\n"
    "  --from T        ignore differences before time T: a number with a unit (fs ps ns\n"
    "                  us ms s), or a bare number in the printing unit (the finer of the\n"
    "                  two timescales, rounded down to fs/ps/ns/...) (default 0)\n"
    "  --max N         print at most N differences and N signals found in one dump only\n"
    "                  (default 10; 0: summary only)\n"
    "  --xz MODE       exact (default): 0 1 x z must match bit for bit; wild: a bit that\n"
    "                  is x or z in either dump matches anything\n"
    "  --strict        a signal present in one dump only is a difference\n"
    "  --quiet         print nothing; the exit status tells\n"
    "  --gtkw FILE     also write a GTKWave save file for A: the differing signals\n"
    "                  (first difference first) with the marker on the first\n"
    "                  difference, then the other signals compared (64 in all)\n"
    "  -h, --help      this help\n"
    "\n"
    "Exit status: 0 the dumps agree, 1 they differ, 2 bad option or input (malformed,\n"
    "truncated or empty file, unknown scope, no signal in common, a --gtkw file that\n"
    "cannot be written).\n";

enum { OPT_SCOPE = 1, OPT_SCOPE_B, OPT_SIGNALS, OPT_FROM, OPT_MAX, OPT_XZ, OPT_STRICT, OPT_QUIET,
       OPT_GTKW };

static int floor3(int e)
{
    while (e % 3)
        e--;
    return e < -15 ? -15 : e > 0 ? 0 : e;
}

/* The GTKWave view of A (see --gtkw): full paths, so no top scope. */
static int write_gtkw(const char *path, const wave_dump *a, const wave_diff_result *r,
                      const lq_cmd *c, int quiet)
{
    gtkw_signal sig[WAVE_SHOW_MAX];
    gtkw_group grp[2];
    gtkw_view v = {0};
    lq_fileset fs;
    lq_file *f;
    char dir[4096], err[256];
    const char *base = strrchr(path, '/');
    int rc = -1;

    for (size_t i = 0; i < r->nshow; i++) {
        const wave_signal *s = &a->sig[r->show[i]];
        const wave_trace *t = &a->tr[s->trace];
        sig[i].name = s->path;
        sig[i].width = t->is_real ? 1 : t->width;
        sig[i].radix = t->width > 1 && !t->is_real ? GTKW_HEX : GTKW_BIN;
    }
    grp[0] = (gtkw_group){"differences", sig, (int)r->nshow_diff};
    grp[1] = (gtkw_group){r->nshow_diff ? "agreeing" : "signals", sig + r->nshow_diff,
                          (int)(r->nshow - r->nshow_diff)};
    v.dumpfile = a->file;
    v.groups = r->nshow_diff ? grp : grp + 1;
    v.ngroups = r->nshow_diff ? 2 : 1;
    v.marker = r->ndiff ? (int64_t)(r->first_fs / a->tick_fs) : -1;
    v.span = a->t_end / a->tick_fs;
    snprintf(dir, sizeof dir, "%.*s", base ? (int)(base - path) : 1, base ? path : ".");
    fileset_init(&fs);
    if (!(f = fileset_add(&fs, base ? base + 1 : path))) {
        cli_error("out of memory");
    } else if (gtkw_write(f, &v, c, err, sizeof err) != 0) {
        cli_error("%s", err);
    } else if (fileset_commit(&fs, dir[0] ? dir : "/") == 0) {
        if (!quiet)
            printf("gtkw: %s (gtkwave %s)\n", path, path);
        rc = 0;
    }
    fileset_free(&fs);
    return rc;
}

int cmd_wavediff(const lq_cmd *c)
{
    static const struct option opts[] = {
        {"scope", required_argument, 0, OPT_SCOPE},
        {"scope-b", required_argument, 0, OPT_SCOPE_B},
        {"signals", required_argument, 0, OPT_SIGNALS},
        {"from", required_argument, 0, OPT_FROM},
        {"max", required_argument, 0, OPT_MAX},
        {"xz", required_argument, 0, OPT_XZ},
        {"strict", no_argument, 0, OPT_STRICT},
        {"quiet", no_argument, 0, OPT_QUIET},
        {"gtkw", required_argument, 0, OPT_GTKW},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    wave_diff_opts o = {0};
    wave_diff_result r;
    wave_dump a, b;
    const char *from = NULL, *gtkw = NULL;
    int ch, quiet = 0, maxn, rc;

    o.max_print = 10;
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(wavediff_help, stdout);
            return LQ_EXIT_OK;
        case OPT_SCOPE:
        case OPT_SCOPE_B:
            if (!*optarg || optarg[0] == '.' || optarg[strlen(optarg) - 1] == '.') {
                cli_error("--%s '%s' is not a dotted scope path", ch == OPT_SCOPE ? "scope" :
                          "scope-b", optarg);
                return LQ_EXIT_USAGE;
            }
            *(ch == OPT_SCOPE ? &o.scope_a : &o.scope_b) = optarg;
            break;
        case OPT_SIGNALS:
            if (!*optarg || strstr(optarg, ",,") || optarg[0] == ',' ||
                optarg[strlen(optarg) - 1] == ',') {
                cli_error("--signals '%s' has an empty name", optarg);
                return LQ_EXIT_USAGE;
            }
            o.signals = optarg;
            break;
        case OPT_FROM:
            from = optarg;
            break;
        case OPT_MAX:
            if (cli_int("--max", optarg, 0, 1000000000L, &maxn))
                return LQ_EXIT_USAGE;
            o.max_print = maxn;
            break;
        case OPT_XZ:
            if (strcmp(optarg, "exact") == 0 || strcmp(optarg, "wild") == 0) {
                o.xz_wild = optarg[0] == 'w';
            } else {
                cli_error("--xz '%s' is unknown (exact or wild)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_STRICT:
            o.strict = 1;
            break;
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_GTKW:
            if (!*optarg || optarg[strlen(optarg) - 1] == '/') {
                cli_error("--gtkw '%s' is not a file name", optarg);
                return LQ_EXIT_USAGE;
            }
            gtkw = optarg;
            break;
        default:
            return cli_bad_option(c);
        }
    }
    if (c->argc - optind != 2) {
        cli_error("wavediff takes two dump files, A and B (got %d)", c->argc - optind);
        return LQ_EXIT_USAGE;
    }
    if (from) {   /* checked before the files are read: the unit comes later */
        uint64_t fs;
        if (wave_parse_time(from, -15, &fs)) {
            cli_error("--from '%s' is not a time (a number, optionally with fs ps ns us ms s)",
                      from);
            return LQ_EXIT_USAGE;
        }
    }
    wave_init(&a, c->argv[optind], "VCD");
    wave_init(&b, c->argv[optind + 1], "VCD");
    if (wave_read_file(&a, c->argv[optind]) || wave_read_file(&b, c->argv[optind + 1])) {
        cli_error("%s", a.err[0] ? a.err : b.err);
        wave_free(&a);
        wave_free(&b);
        return LQ_EXIT_USAGE;
    }
    o.time_exp = floor3(a.tick_exp < b.tick_exp ? a.tick_exp : b.tick_exp);
    if (from && wave_parse_time(from, o.time_exp, &o.from_fs)) {
        cli_error("--from '%s' is not a whole number of femtoseconds", from);
        rc = LQ_EXIT_USAGE;
        goto out;
    }
    rc = wave_diff(&a, &b, &o, &r, quiet ? NULL : stdout);
    if (rc == 2)
        cli_error("%s", r.err);
    else if (gtkw && write_gtkw(gtkw, &a, &r, c, quiet) != 0)
        rc = LQ_EXIT_USAGE;   /* the --gtkw path cannot be written */
    wave_diff_result_free(&r);
out:
    wave_free(&a);
    wave_free(&b);
    return rc;
}
