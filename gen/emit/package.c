/* Companion files for a generated block (package.h): NAME.core (FuseSoC CAPI2, with
 * lint and sim targets), NAME.vc (verilator -F), NAME.icarus.f (iverilog -c),
 * NAME.vendor.f (plain file list) and NAME.txt (ports and latency). */
#include <ctype.h>
#include <string.h>

#include "emit/package.h"
#include "emit/tb_icarus.h"

/* Identifiers: letters, digits, '_', not starting with a digit. */
static int package_ident_ok(const char *s)
{
    if (!s || !*s || isdigit((unsigned char)*s))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

/* File names: printable, no blank, no quote, no comment character. */
static int package_file_ok(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!isgraph((unsigned char)*s) || strchr("\"'#\\", *s))
            return 0;
    return 1;
}

static int package_check(const lq_package *p)
{
    if (!package_ident_ok(p->name) || !package_ident_ok(p->top)) {
        cli_error("package: bad block or top name '%s' / '%s'", p->name ? p->name : "",
                  p->top ? p->top : "");
        return -1;
    }
    if (p->nfiles < 1 || !p->files) {
        cli_error("package: %s has no Verilog file", p->name);
        return -1;
    }
    for (int i = 0; i < p->nfiles; i++)
        if (!package_file_ok(p->files[i])) {
            cli_error("package: bad file name '%s'", p->files[i] ? p->files[i] : "");
            return -1;
        }
    for (int i = 0; i < p->nports; i++)
        if (!package_ident_ok(p->ports[i].name) || p->ports[i].width < 1) {
            cli_error("package: bad port '%s' (width %d)",
                      p->ports[i].name ? p->ports[i].name : "", p->ports[i].width);
            return -1;
        }
    return 0;
}

/* A YAML double-quoted scalar: escapes '"' and '\', drops control characters. */
static void package_yaml_string(lq_file *f, const char *s)
{
    file_puts(f, "\"");
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            file_printf(f, "\\%c", *s);
        else if ((unsigned char)*s >= 0x20)
            file_printf(f, "%c", *s);
    }
    file_puts(f, "\"");
}

static void package_core(lq_file *f, const lq_package *p, const lq_cmd *c)
{
    /* FuseSoC wants "CAPI=2:" on the first line. */
    file_puts(f, "CAPI=2:\n");
    file_header(f, "#", c);
    file_printf(f, "#\n# FuseSoC core of %s: fusesoc --cores-root DIR run --target lint "
                   "logq:gen:%s\n\n", p->name, p->name);
    file_printf(f, "name: logq:gen:%s:%s\n", p->name, LOGQ_VERSION);
    file_puts(f, "description: ");
    package_yaml_string(f, p->summary ? p->summary : p->name);
    file_puts(f, "\n\nfilesets:\n  rtl:\n    files:\n");
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "      - %s\n", p->files[i]);
    file_puts(f, "    file_type: verilogSource\n\ntargets:\n");
    file_printf(f, "  default:\n    filesets: [rtl]\n    toplevel: %s\n", p->top);
    file_printf(f, "  lint:\n    default_tool: verilator\n    filesets: [rtl]\n"
                   "    toplevel: %s\n    tools:\n      verilator:\n"
                   "        mode: lint-only\n        verilator_options: [-Wall]\n", p->top);
    file_printf(f, "  sim:\n    default_tool: icarus\n    filesets: [rtl]\n"
                   "    toplevel: %s\n    tools:\n      icarus:\n"
                   "        iverilog_options: [-g2005, -gstrict-expr-width, -Wall]\n", p->top);
}

static void package_lists(lq_fileset *s, const lq_package *p, const lq_cmd *c, char *fn,
                          size_t fnsz, int *err)
{
    lq_file *f;

    snprintf(fn, fnsz, "%s.vc", p->name);
    if (!(f = fileset_add(s, fn))) {
        *err = 1;
        return;
    }
    file_header(f, "//", c);
    file_printf(f, "// Verilator: verilator --lint-only -Wall -F %s (paths relative to this "
                   "file)\n--top-module %s\n", fn, p->top);
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "%s\n", p->files[i]);

    snprintf(fn, fnsz, "%s.icarus.f", p->name);
    if (!(f = fileset_add(s, fn))) {
        *err = 1;
        return;
    }
    file_header(f, "#", c);
    file_printf(f, "# Icarus: iverilog -g2005 -c %s -s %s (run in this directory)\n", fn, p->top);
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "%s\n", p->files[i]);

    snprintf(fn, fnsz, "%s.vendor.f", p->name);
    if (!(f = fileset_add(s, fn))) {
        *err = 1;
        return;
    }
    file_header(f, "#", c);
    file_printf(f, "# Verilog-2005 sources of %s (top module %s), in compile order, one per\n"
                   "# line, relative to this directory; lines starting with '#' are comments.\n",
                p->name, p->top);
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "%s\n", p->files[i]);
}

static void package_summary(lq_file *f, const lq_package *p, const lq_cmd *c)
{
    int w = 4;
    for (int i = 0; i < p->nports; i++) {
        int n = (int)strlen(p->ports[i].name);
        if (n > w)
            w = n;
    }
    file_header(f, "#", c);
    file_printf(f, "\n%s%s%s\n\n", p->name, p->summary ? ": " : "", p->summary ? p->summary : "");
    file_printf(f, "top module: %s\nfiles (compile order):", p->top);
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, " %s", p->files[i]);
    if (p->latency >= 0)
        file_printf(f, "\nlatency: %d cycle%s\n", p->latency, p->latency == 1 ? "" : "s");
    else
        file_puts(f, "\nlatency: data dependent (see the block's docs)\n");
    file_printf(f, "\nports:\n  %-*s  %-6s  %5s  %s\n", w, "name", "dir", "width", "description");
    for (int i = 0; i < p->nports; i++) {
        const lq_port *q = &p->ports[i];
        file_printf(f, "  %-*s  %-6s  %5d%s%s\n", w, q->name,
                    q->dir == LQ_PORT_IN ? "input" : "output", q->width,
                    q->desc && *q->desc ? "  " : "", q->desc ? q->desc : "");
    }
    file_printf(f, "\nuse:\n"
                   "  verilator --lint-only -Wall -F %s.vc\n"
                   "  iverilog -g2005 -c %s.icarus.f -s %s        (in this directory)\n"
                   "  fusesoc --cores-root . run --target lint logq:gen:%s\n"
                   "  fusesoc --cores-root . run --target sim logq:gen:%s\n"
                   "  scripts/synth.sh DIR %s        (FPGA resources and fmax, docs/fpga.md)\n",
                p->name, p->name, p->top, p->name, p->name, p->top);
}

int package_add(lq_fileset *s, const lq_package *p, const lq_cmd *c)
{
    char fn[128];
    lq_file *f;
    int err = 0;

    if (package_check(p) != 0)
        return -1;
    if (strlen(p->name) > sizeof fn - 16) {
        cli_error("package: block name '%s' is too long", p->name);
        return -1;
    }
    snprintf(fn, sizeof fn, "%s.core", p->name);
    if (!(f = fileset_add(s, fn)))
        err = 1;
    else
        package_core(f, p, c);
    if (!err)
        package_lists(s, p, c, fn, sizeof fn, &err);
    if (!err) {
        snprintf(fn, sizeof fn, "%s.txt", p->name);
        if (!(f = fileset_add(s, fn)))
            err = 1;
        else
            package_summary(f, p, c);
    }
    for (int i = 0; i < s->n; i++)
        if (s->files[i].failed)
            err = 1;
    if (err) {
        cli_error("package: cannot add the companion files of %s (too many files or out "
                  "of memory)", p->name);
        return -1;
    }
    return 0;
}

int package_add_block(lq_fileset *s, const struct tb_desc_s *d, const char *const *files,
                      int nfiles, int latency, const char *summary, const lq_cmd *c)
{
    /* clk, rst, two handshake ports for each of the three streams, and their data */
    enum { MAXP = 8 + 3 * TB_MAX_PORTS };
    lq_port ports[MAXP];
    int n = 0;
    lq_package p;

    ports[n++] = (lq_port){"clk", LQ_PORT_IN, 1, "clock"};
    ports[n++] = (lq_port){"rst", LQ_PORT_IN, 1, "synchronous reset, active high"};
    ports[n++] = (lq_port){d->in_valid, LQ_PORT_IN, 1, "input stream valid"};
    ports[n++] = (lq_port){d->in_ready, LQ_PORT_OUT, 1, "input stream ready"};
    for (int i = 0; i < d->nin; i++)
        ports[n++] = (lq_port){d->in[i].name, LQ_PORT_IN, d->in[i].width, "input stream"};
    if (d->nsides > 0) {
        ports[n++] = (lq_port){d->side_valid, LQ_PORT_IN, d->nsides, "per-lane stream valid"};
        ports[n++] = (lq_port){d->side_ready, LQ_PORT_OUT, d->nsides, "per-lane stream ready"};
        for (int i = 0; i < d->nside; i++)
            ports[n++] = (lq_port){d->side[i].name, LQ_PORT_IN, d->nsides * d->side[i].width,
                                   "per-lane stream, lane 0 in the LSBs"};
    }
    ports[n++] = (lq_port){d->out_valid, LQ_PORT_OUT, 1, "output stream valid"};
    ports[n++] = (lq_port){d->out_ready, LQ_PORT_IN, 1, "output stream ready"};
    for (int i = 0; i < d->nout; i++)
        ports[n++] = (lq_port){d->out[i].name, LQ_PORT_OUT, d->out[i].width, "output stream"};
    p.name = d->module;
    p.top = d->module;
    p.summary = summary;
    p.files = files;
    p.nfiles = nfiles;
    p.ports = ports;
    p.nports = n;
    p.latency = latency;
    return package_add(s, &p, c);
}
