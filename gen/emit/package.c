/* Companion files for a generated block (package.h): NAME.core (FuseSoC CAPI2, with
 * lint, synth and, beside a bench, sim targets; its name unique per configuration),
 * NAME.vc (verilator -F), NAME.icarus.f (iverilog -c),
 * NAME.vendor.f (plain file list) and NAME.txt (ports and latency). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "emit/package.h"

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

/* What the companion files are written from: the description, the core's name and
 * the bench beside the block with its vectors (bench NULL: none). */
typedef struct {
    const lq_package *p;
    char cname[96];
    const char *bench;
    const char *const *vectors;
    int nvectors;
} pk_desc;

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const char *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)d[i]) * 0x100000001b3ull;
    return h;
}

/* The core's name, unique per configuration: NAME_H with H the first 32 bits of a hash
 * of the description (top, ports, latency) and of the Verilog files in the set but
 * their comment lines (the header names the output directory); the same
 * configuration gives the same name. */
static void package_vlnv_name(char *buf, size_t len, const lq_fileset *s, const lq_package *p)
{
    uint64_t h = 0xcbf29ce484222325ull;
    char num[64];
    h = fnv(h, p->top, strlen(p->top) + 1);
    for (int i = 0; i < p->nports; i++) {
        snprintf(num, sizeof num, ":%d:%d;", (int)p->ports[i].dir, p->ports[i].width);
        h = fnv(h, p->ports[i].name, strlen(p->ports[i].name));
        h = fnv(h, num, strlen(num));
    }
    snprintf(num, sizeof num, "latency %d;", p->latency);
    h = fnv(h, num, strlen(num));
    for (int i = 0; i < p->nfiles; i++)
        for (int k = 0; k < s->n; k++) {
            const char *d = s->files[k].data, *end = d ? d + s->files[k].len : NULL;
            if (strcmp(s->files[k].name, p->files[i]) != 0 || !d)
                continue;
            while (d < end) {
                const char *nl = memchr(d, '\n', (size_t)(end - d));
                size_t n = nl ? (size_t)(nl - d) + 1 : (size_t)(end - d);
                if (n < 2 || d[0] != '/' || d[1] != '/')
                    h = fnv(h, d, n);
                d += n;
            }
        }
    snprintf(buf, len, "%s_%08x", p->name, (unsigned)(h >> 32));
}

/* A Verilog include file (vectors.vh): on the include path, not copied. */
static int is_header(const char *name)
{
    size_t n = strlen(name);
    return n >= 3 && strcmp(name + n - 3, ".vh") == 0;
}

static void package_core(lq_file *f, const pk_desc *k, const lq_cmd *c)
{
    const lq_package *p = k->p;
    const char *cname = k->cname;
    /* FuseSoC wants "CAPI=2:" on the first line. */
    file_puts(f, "CAPI=2:\n");
    file_header(f, "#", c);
    file_printf(f, "#\n# FuseSoC core of %s (docs/fpga.md); the name is unique per configuration:\n"
                   "#   fusesoc --cores-root DIR run --target lint logq:gen:%s   (Verilator -Wall)\n"
                   "#   fusesoc --cores-root DIR run --target synth logq:gen:%s  (iCE40: Yosys, Edalize icestorm)\n",
                p->name, cname, cname);
    if (k->bench)
        file_printf(f, "#   fusesoc --cores-root DIR run --target sim logq:gen:%s    (the bench and its vectors)\n",
                    cname);
    file_printf(f, "\nname: logq:gen:%s:%s\n", cname, LOGQ_VERSION);
    file_puts(f, "description: ");
    package_yaml_string(f, p->summary ? p->summary : p->name);
    file_puts(f, "\n\nfilesets:\n  rtl:\n    files:\n");
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "      - %s\n", p->files[i]);
    file_puts(f, "    file_type: verilogSource\n");
    if (k->bench) {
        /* vectors.vh on the include path; the hex files where vvp runs (the bench reads
         * them from +vectors=DIR, default the current directory) */
        file_puts(f, "  tb:\n    files:\n");
        for (int i = 0; i < k->nvectors; i++)
            if (is_header(k->vectors[i]))
                file_printf(f, "      - %s: {is_include_file: true}\n", k->vectors[i]);
        file_printf(f, "      - %s\n    file_type: verilogSource\n  vectors:\n    files:\n",
                    k->bench);
        for (int i = 0; i < k->nvectors; i++)
            if (!is_header(k->vectors[i]))
                file_printf(f, "      - %s: {copyto: %s}\n", k->vectors[i], k->vectors[i]);
        file_puts(f, "    file_type: user\n");
    }
    file_puts(f, "\ntargets:\n");
    file_printf(f, "  default:\n    filesets: [rtl]\n    toplevel: %s\n", p->top);
    file_printf(f, "  lint:\n    default_tool: verilator\n    filesets: [rtl]\n"
                   "    toplevel: %s\n    tools:\n      verilator:\n"
                   "        mode: lint-only\n        verilator_options: [-Wall]\n", p->top);
    if (k->bench)
        file_printf(f, "  sim:\n    default_tool: icarus\n    filesets: [rtl, tb, vectors]\n"
                       "    toplevel: %.*s\n    tools:\n      icarus:\n"
                       "        iverilog_options: [-g2005, -gstrict-expr-width, -Wall]\n",
                    (int)(strlen(k->bench) - 2), k->bench);
    file_printf(f, "  synth:\n    default_tool: icestorm\n    filesets: [rtl]\n"
                   "    toplevel: %s\n    tools:\n      icestorm:\n        pnr: none\n", p->top);
}

static void package_vc(lq_file *f, const pk_desc *k, const lq_cmd *c)
{
    const lq_package *p = k->p;
    file_header(f, "//", c);
    file_printf(f, "// Verilator: verilator --lint-only -Wall -F %s.vc (paths relative to this "
                   "file)\n--top-module %s\n", p->name, p->top);
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "%s\n", p->files[i]);
}

static void package_icarus(lq_file *f, const pk_desc *k, const lq_cmd *c)
{
    const lq_package *p = k->p;
    file_header(f, "#", c);
    file_printf(f, "# Icarus: iverilog -g2005 -c %s.icarus.f -s %s (run in this directory)\n",
                p->name, p->top);
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "%s\n", p->files[i]);
}

static void package_vendor(lq_file *f, const pk_desc *k, const lq_cmd *c)
{
    const lq_package *p = k->p;
    file_header(f, "#", c);
    file_printf(f, "# Verilog-2005 sources of %s (top module %s), in compile order, one per\n"
                   "# line, relative to this directory; lines starting with '#' are comments.\n",
                p->name, p->top);
    for (int i = 0; i < p->nfiles; i++)
        file_printf(f, "%s\n", p->files[i]);
}

char *lq_port_layout(const lq_port *p, char *buf, size_t len)
{
    size_t n = 0;
#define PUT(...) (n += (size_t)snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, __VA_ARGS__))
    if (p->lane_bits > 0)
        PUT("%d lane%s x %d bit%s, lane i at %s[i*%d +: %d]", p->lanes, p->lanes == 1 ? "" : "s",
            p->lane_bits, p->lane_bits == 1 ? "" : "s", p->name, p->lane_bits, p->lane_bits);
    else if (p->width == 1)
        PUT("1 bit");
    else
        PUT("[%d:0]", p->width - 1);
    if (p->nfields > 0) {
        PUT(" = {");
        for (int i = p->nfields - 1; i >= 0; i--) {
            const lq_field *f = &p->fields[i];
            if (f->width == 1)
                PUT("%s%s", f->name, i ? ", " : "}");
            else
                PUT("%s[%d:0]%s", f->name, f->width - 1, i ? ", " : "}");
        }
    }
    if (p->is_signed)
        PUT(", signed");
    if (p->has_lsb)
        PUT(", LSB 2^%d", p->lsb_exp);
#undef PUT
    return buf;
}

static void upper_into(char *buf, size_t len, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < len; i++)
        buf[i] = (char)toupper((unsigned char)s[i]);
    buf[i] = '\0';
}

void package_port_macros(lq_file *f, const char *pfx, const lq_port *p, int n)
{
    char lay[256], u[64], fu[64];
    file_puts(f, "\n/* The ports' bit layout (NAME.txt says the same in words). */\n");
    for (int i = 0; i < n; i++) {
        const lq_port *q = &p[i];
        if (q->role != LQ_ROLE_DATA && q->lane_bits == 0)
            continue; /* a single clock, reset, valid or ready bit */
        upper_into(u, sizeof u, q->name);
        file_printf(f, "/* %s: %s */\n", q->name, lq_port_layout(q, lay, sizeof lay));
        file_printf(f, "#define %s_PORT_%s_BITS %d\n", pfx, u, q->width);
        file_printf(f, "#define %s_PORT_%s_SIGNED %d\n", pfx, u, q->is_signed ? 1 : 0);
        if (q->has_lsb)
            file_printf(f, "#define %s_PORT_%s_LSB_EXP %d\n", pfx, u, q->lsb_exp);
        if (q->lane_bits > 0)
            file_printf(f, "#define %s_PORT_%s_LANES %d\n#define %s_PORT_%s_LANE_BITS %d\n", pfx,
                        u, q->lanes, pfx, u, q->lane_bits);
        for (int k = 0; k < q->nfields; k++) {
            upper_into(fu, sizeof fu, q->fields[k].name);
            file_printf(f, "#define %s_PORT_%s_%s_LSB %d\n#define %s_PORT_%s_%s_BITS %d\n", pfx,
                        u, fu, q->fields[k].lsb, pfx, u, fu, q->fields[k].width);
        }
    }
}

static void package_summary(lq_file *f, const pk_desc *k, const lq_cmd *c)
{
    const lq_package *p = k->p;
    const char *cname = k->cname;
    int w = 4;
    char lay[256];
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
    /* The bit layout of every port, so a bench can be written from this file alone. */
    file_puts(f, "\nlayout (lane 0 and field 0 in the LSBs):\n");
    for (int i = 0; i < p->nports; i++)
        file_printf(f, "  %-*s  %s\n", w, p->ports[i].name, lq_port_layout(&p->ports[i], lay, sizeof lay));
    file_printf(f, "\nuse:\n"
                   "  verilator --lint-only -Wall -F %s.vc\n"
                   "  iverilog -g2005 -c %s.icarus.f -s %s        (in this directory)\n"
                   "  fusesoc --cores-root . run --target lint logq:gen:%s\n"
                   "  fusesoc --cores-root . run --target synth logq:gen:%s   (iCE40 synthesis)\n",
                p->name, p->name, p->top, cname, cname);
    if (k->bench)
        file_printf(f, "  fusesoc --cores-root . run --target sim logq:gen:%s     (%s and its vectors)\n",
                    cname, k->bench);
    file_printf(f, "  scripts/synth.sh DIR %s        (FPGA resources and fmax, docs/fpga.md)\n", p->top);
}

static void package_summary(lq_file *f, const pk_desc *k, const lq_cmd *c);

/* The companion files in the order they are written; PACKAGE_FILES (package.h)
 * lists the same suffixes for the help texts. */
static const struct {
    const char *suffix, *what;
    void (*write)(lq_file *f, const pk_desc *k, const lq_cmd *c);
} package_files[] = {
    {".core", "FuseSoC core (lint, synth and, with --tb, sim targets)", package_core},
    {".vc", "Verilator file list (verilator -F)", package_vc},
    {".icarus.f", "Icarus command file (iverilog -c)", package_icarus},
    {".vendor.f", "plain file list for vendor tools", package_vendor},
    {".txt", "ports, their bit layout and the latency", package_summary},
};

const char *package_file_suffix(int i, const char **what)
{
    if (i < 0 || i >= (int)(sizeof package_files / sizeof package_files[0]))
        return NULL;
    if (what)
        *what = package_files[i].what;
    return package_files[i].suffix;
}

int package_add_bench(lq_fileset *s, const lq_package *p, const char *bench,
                      const char *const *vectors, int nvectors, const lq_cmd *c)
{
    char fn[128];
    lq_file *f;
    int err = 0;
    pk_desc k = {p, "", bench, vectors, bench ? nvectors : 0};

    if (package_check(p) != 0)
        return -1;
    for (int i = -1; i < k.nvectors; i++) {
        const char *n = i < 0 ? bench : vectors[i];
        if ((i >= 0 || bench) && !package_file_ok(n)) {
            cli_error("package: bad bench or vector file name '%s'", n ? n : "");
            return -1;
        }
    }
    if (strlen(p->name) > sizeof fn - 16) {
        cli_error("package: block name '%s' is too long", p->name);
        return -1;
    }
    package_vlnv_name(k.cname, sizeof k.cname, s, p);
    for (size_t i = 0; i < sizeof package_files / sizeof package_files[0] && !err; i++) {
        snprintf(fn, sizeof fn, "%s%s", p->name, package_files[i].suffix);
        if (!(f = fileset_add(s, fn)))
            err = 1;
        else
            package_files[i].write(f, &k, c);
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

int package_add(lq_fileset *s, const lq_package *p, const lq_cmd *c)
{
    return package_add_bench(s, p, NULL, NULL, 0, c);
}
