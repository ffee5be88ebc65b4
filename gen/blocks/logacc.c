/* `logq gen logacc`: the log-domain accumulator (docs/logacc.md). Writes NAME.v (the
 * top), NAME_add.v (the log-domain adder), NAME.h (parameters and derived constants
 * for the bench) and NAME.f (file list). cmodel/logacc.c is the bit-exact model. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/logacc.h"
#include "emit/emit.h"
#include "blocks/blocks.h"
#include "emit/gtkw.h"
#include "emit/package.h"
#include "emit/tb_icarus.h"

static const char logacc_help[] =
    "usage: logq gen logacc [options] -o DIR\n"
    "\n"
    "Log-domain accumulator: per beat N product exponents (zero flag, sign, E-bit two's\n"
    "complement exponent, as w + x leaves a log-by-log lane) are summed in the log\n"
    "domain into a positive and a negative sum; `last` returns both and restarts.\n"
    "\n"
    "  --lanes N           terms per beat, 1..64 (default 4)\n"
    "  --base B            2 or sqrt2: exponents in log2 units or half steps (default 2)\n"
    "  --exp-bits E        input exponent width, 2..16 (default 8)\n"
    "  --frac F            fraction bits of the state (default 6; paper 0..16,\n"
    "                      table 0..10; base sqrt2 needs F >= 1)\n"
    "  --correction C      paper: max + 2^-|floor(a)-floor(b)|;\n"
    "                      table: max + round(log2(1 + 2^-|a-b|)) (default table)\n"
    "  --pipeline P        register stages, a comma list of: none, input (after the\n"
    "                      lane decode), tree:k (after every k adder-tree levels), sum\n"
    "                      (after the last tree level), full (= input,tree:1)\n"
    "                      (default tree:2); latency is stages + 1 cycles\n"
    "  --name NAME         module name (default logacc)\n"
    "  --tb                also write NAME_tb.v, the self-checking bench of\n"
    "                      `logq vectors logacc` (docs/xsim.md)\n"
    "  -o, --out DIR       output directory (required)\n"
    "\n"
    "Writes DIR/NAME.v, NAME_add.v, NAME.h, NAME.f and NAME.gtkw (a GTKWave view of the\n"
    "bench's dump). docs/logacc.md is the specification.\n";

enum { OPT_LANES = 1, OPT_BASE, OPT_EXP_BITS, OPT_FRAC, OPT_CORR, OPT_PIPE, OPT_NAME, OPT_TB };

typedef struct {
    lq_logacc m;      /* the model: derived constants and table */
    int pipe;         /* register stages */
    const char *pipeline;
    const char *name;
    int sw, si, lw, f, e, n, levels;
    int dw, db;       /* width of the difference d, width of the table index */
    int *reg_after;   /* reg_after[l]: a register stage after tree level l (1..levels) */
} logacc_gen;

static int clog2_i64(int64_t v)
{
    int b = 0;
    while (((int64_t)1 << b) < v)
        b++;
    return b;
}

static int name_ok(const char *s)
{
    static const char *const kw[] = {
        "module", "endmodule", "input", "output", "inout", "wire", "reg", "assign",
        "always", "begin", "end", "if", "else", "case", "endcase", "default", "for",
        "generate", "endgenerate", "parameter", "localparam", "integer", "initial",
        "function", "endfunction", "task", "endtask", "posedge", "negedge", "or", "and",
        "not", "xor", "signed", "unsigned", "genvar", "logic", "bit", "int", NULL};
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    if (strlen(s) > 48)
        return 0;
    for (int i = 0; kw[i]; i++)
        if (strcmp(s, kw[i]) == 0)
            return 0;
    return 1;
}

/* --pipeline: fills reg_after[0..levels] and pipe; 0 or -1 (message printed). */
static int pipeline_parse(logacc_gen *g, const char *spec)
{
    char buf[128], *tok, *save = NULL;
    int D = g->levels;
    if (strlen(spec) >= sizeof buf) {
        cli_error("--pipeline '%s' is too long", spec);
        return -1;
    }
    strcpy(buf, spec);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "none") == 0) {
            continue;
        } else if (strcmp(tok, "input") == 0) {
            g->reg_after[0] = 1;
        } else if (strcmp(tok, "sum") == 0) {
            g->reg_after[D] = 1;
        } else if (strcmp(tok, "full") == 0) {
            for (int j = 0; j <= D; j++)
                g->reg_after[j] = 1;
        } else if (strncmp(tok, "tree:", 5) == 0) {
            int k;
            if (cli_int("--pipeline tree:k", tok + 5, 1, 16, &k) != 0)
                return -1;
            for (int j = k; j <= D; j += k)
                g->reg_after[j] = 1;
        } else {
            cli_error("--pipeline item '%s' is unknown (none, input, tree:k, sum, full)", tok);
            return -1;
        }
    }
    g->pipe = 0;
    for (int j = 0; j <= D; j++)
        g->pipe += g->reg_after[j];
    return 0;
}

/* The adder module: r = max(a, b) + C(d), saturating; zero is the identity. */
static void emit_add(lq_file *v, const logacc_gen *g)
{
    const lq_logacc *m = &g->m;
    int sw = g->sw, f = g->f, si = g->si;
    int paper = m->cfg.corr == LQ_CORR_PAPER;

    file_printf(v, "// %s_add: one log-domain addition, r = max(a, b) + C(d), saturating at\n"
                   "// the largest state; a zero operand is the identity.\n",
                g->name);
    file_printf(v, "module %s_add (\n", g->name);
    file_printf(v, "    input  wire        a_z,\n"
                   "    input  wire [%d:0] a,\n"
                   "    input  wire        b_z,\n"
                   "    input  wire [%d:0] b,\n"
                   "    output wire        r_z,\n"
                   "    output wire [%d:0] r\n);\n",
                sw - 1, sw - 1, sw - 1);
    file_printf(v, "    /* verilator no_inline_module */\n");
    file_printf(v, "    localparam integer SW = %d;    // state width: E + 1 + F\n", sw);
    file_printf(v, "    localparam integer F = %d;     // fraction bits\n", f);
    file_printf(v, "    localparam integer DCUT = %lld; // C(d) = 0 for d >= DCUT\n",
                (long long)m->dcut);
    file_printf(v, "    localparam [%d:0] SMAX = %d'h%llx;\n\n", sw - 1, sw,
                (unsigned long long)m->vmax);
    file_printf(v, "    wire a_ge = $signed(a) >= $signed(b);\n");
    file_printf(v, "    wire [%d:0] mx = a_ge ? a : b;\n", sw - 1);
    if (paper) {
        file_printf(v, "    // d = |floor(a) - floor(b)|: the integer parts, sign-extended by one bit\n");
        file_printf(v, "    wire [%d:0] ai = {a[%d], a[%d:%d]};\n", si, sw - 1, sw - 1, f);
        file_printf(v, "    wire [%d:0] bi = {b[%d], b[%d:%d]};\n", si, sw - 1, sw - 1, f);
        file_printf(v, "    wire [%d:0] d = ($signed(ai) >= $signed(bi)) ? (ai - bi) : (bi - ai);\n",
                    g->dw - 1);
    } else {
        file_printf(v, "    // d = |a - b| in units of 2^-F, one bit wider than the state\n");
        file_printf(v, "    wire [%d:0] ax = {a[%d], a};\n", sw, sw - 1);
        file_printf(v, "    wire [%d:0] bx = {b[%d], b};\n", sw, sw - 1);
        file_printf(v, "    wire [%d:0] d = a_ge ? (ax - bx) : (bx - ax);\n", g->dw - 1);
    }
    file_printf(v, "    wire in_tab = d < %d'd%lld;\n", g->dw, (long long)m->dcut);
    /* The table as a ROM: an array initialised with exact sized constants. Simulators
     * and FPGA synthesis (yosys, vendors) read it as a ROM; it compiles much faster in
     * Verilator than a case statement of the same size. */
    file_printf(v, "    reg [%d:0] tab [0:%lld];\n", f, (long long)m->dcut - 1);
    file_printf(v, "    initial begin\n");
    for (int64_t d = 0; d < m->dcut; d++)
        file_printf(v, "        tab[%lld] = %d'd%lld;\n", (long long)d, f + 1,
                    (long long)m->tab[d]);
    file_printf(v, "    end\n");
    file_printf(v, "    wire [%d:0] idx = d[%d:0];\n", g->db - 1, g->db - 1);
    file_printf(v, "    wire [%d:0] c = in_tab ? tab[idx] : %d'd0;\n\n", f, f + 1);
    file_printf(v, "    wire [%d:0] sum = {mx[%d], mx} + {%d'd0, c};\n", sw, sw - 1, sw - f);
    file_printf(v, "    wire ovf = ~sum[%d] & sum[%d];\n", sw, sw - 1);
    file_printf(v, "    wire [%d:0] rs = ovf ? SMAX : sum[%d:0];\n", sw - 1, sw - 1);
    file_printf(v, "    assign r_z = a_z & b_z;\n");
    file_printf(v, "    assign r = a_z ? b : (b_z ? a : rs);\n");
    file_printf(v, "\n    initial begin\n"
                   "        if (SW != F + %d || DCUT < 1) begin\n"
                   "            $display(\"%s_add: inconsistent constants, regenerate\");\n"
                   "            $finish;\n        end\n    end\n",
                g->e + 1, g->name);
    file_printf(v, "endmodule\n\n");
}


/* After level l (nc nodes per tree): valid/last v<l>/l<l>, and the registers if the
 * level is registered (nodes were written with suffix "c"). v<-1> is vin. */
static void emit_level_end(lq_file *v, const logacc_gen *g, int l, int nc)
{
    const char sg[2] = {'p', 'n'};
    char pv[16], pl[16];
    if (l == 0) {
        snprintf(pv, sizeof pv, "vin");
        snprintf(pl, sizeof pl, "lin");
    } else {
        snprintf(pv, sizeof pv, "v%d", l - 1);
        snprintf(pl, sizeof pl, "l%d", l - 1);
    }
    if (!g->reg_after[l]) {
        file_printf(v, "    wire v%d = %s;\n    wire l%d = %s;\n\n", l, pv, l, pl);
        return;
    }
    for (int s = 0; s < 2; s++)
        for (int j = 0; j < nc; j++)
            file_printf(v, "    reg %c%dz_%d;\n    reg [%d:0] %c%dv_%d;\n", sg[s], l, j, g->sw - 1,
                        sg[s], l, j);
    file_printf(v, "    reg v%d, l%d;\n", l, l);
    file_printf(v, "    always @(posedge clk) begin\n"
                   "        if (rst)\n            v%d <= 1'b0;\n"
                   "        else if (en)\n            v%d <= %s;\n"
                   "    end\n",
                l, l, pv);
    file_printf(v, "    always @(posedge clk) begin\n        if (en) begin\n"
                   "            l%d <= %s;\n",
                l, pl);
    for (int s = 0; s < 2; s++)
        for (int j = 0; j < nc; j++)
            file_printf(v, "            %c%dz_%d <= %c%dzc_%d;\n"
                           "            %c%dv_%d <= %c%dvc_%d;\n",
                        sg[s], l, j, sg[s], l, j, sg[s], l, j, sg[s], l, j);
    file_printf(v, "        end\n    end\n\n");
}

/* Names of a tree node: sign s ('p' or 'n'), level l, index j. */
static void emit_top(lq_file *v, const logacc_gen *g)
{
    int sw = g->sw, e = g->e, f = g->f, lw = g->lw, n = g->n, half = g->m.cfg.half;
    const char sg[2] = {'p', 'n'};
    int cnt = n;

    file_printf(v, "// %s: log-domain accumulator, %d lane(s), base %s, %d-bit exponents,\n"
                   "// %d fraction bits, %s correction, pipeline '%s' (%d register stage(s)).\n"
                   "// s_data lane i = bits [i*%d +: %d] = {zero, sign, exponent[%d:0]}.\n",
                g->name, n, half ? "sqrt(2)" : "2", e, f, lq_logacc_corr_name(g->m.cfg.corr),
                g->pipeline, g->pipe, lw, lw, e - 1);
    file_printf(v, "module %s #(\n"
                   "    parameter integer LANES = %d,\n"
                   "    parameter integer EXP_BITS = %d,\n"
                   "    parameter integer FRAC = %d\n) (\n",
                g->name, n, e, f);
    file_printf(v, "    input  wire        clk,\n"
                   "    input  wire        rst,\n"
                   "    input  wire        s_valid,\n"
                   "    output wire        s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    input  wire        s_last,\n"
                   "    output wire        m_valid,\n"
                   "    input  wire        m_ready,\n"
                   "    output wire        m_pos_z,\n"
                   "    output wire [%d:0] m_pos,\n"
                   "    output wire        m_neg_z,\n"
                   "    output wire [%d:0] m_neg\n);\n",
                n * lw - 1, sw - 1, sw - 1);
    file_printf(v, "    localparam integer LANE_W = EXP_BITS + 2;\n"
                   "    localparam integer SW = EXP_BITS + 1 + FRAC;\n"
                   "    localparam integer PIPE = %d;\n"
                   "    localparam integer LATENCY = PIPE + 1;\n\n",
                g->pipe);
    file_printf(v, "    initial begin\n"
                   "        if (LANES != %d || EXP_BITS != %d || FRAC != %d || LANE_W != %d ||\n"
                   "            SW != %d || LATENCY != %d) begin\n"
                   "            $display(\"%s: generated for LANES=%d EXP_BITS=%d FRAC=%d; "
                   "regenerate with logq gen logacc\");\n"
                   "            $finish;\n        end\n    end\n\n",
                n, e, f, lw, sw, g->pipe + 1, g->name, n, e, f);
    file_printf(v, "    // Stall everything while a result waits for m_ready.\n"
                   "    reg m_valid_r;\n"
                   "    wire en = ~m_valid_r | m_ready;\n"
                   "    assign s_ready = en;\n"
                   "    assign m_valid = m_valid_r;\n\n");

    /* Level 0: lanes as terms of the positive and the negative tree. */
    file_printf(v, "    // Level 0: each lane is a term of the positive or the negative tree%s.\n",
                g->reg_after[0] ? ", registered" : "");
    for (int i = 0; i < n; i++) {
        int b = i * lw;
        const char *suf = g->reg_after[0] ? "c" : "";
        file_printf(v, "    wire [%d:0] x_%d = s_data[%d:%d];\n", e - 1, i, b + e - 1, b);
        file_printf(v, "    wire [%d:0] xv_%d = {", sw - 1, i);
        file_printf(v, half ? "{2{x_%d[%d]}}, x_%d" : "x_%d[%d], x_%d", i, e - 1, i);
        if (f - half > 0)
            file_printf(v, ", %d'd0", f - half);
        file_printf(v, "};\n");
        file_printf(v, "    wire p0z%s_%d = s_data[%d] | s_data[%d];\n", suf, i, b + e + 1, b + e);
        file_printf(v, "    wire n0z%s_%d = s_data[%d] | ~s_data[%d];\n", suf, i, b + e + 1,
                    b + e);
        file_printf(v, "    wire [%d:0] p0v%s_%d = p0z%s_%d ? %d'd0 : xv_%d;\n", sw - 1, suf, i,
                    suf, i, sw, i);
        file_printf(v, "    wire [%d:0] n0v%s_%d = n0z%s_%d ? %d'd0 : xv_%d;\n", sw - 1, suf, i,
                    suf, i, sw, i);
    }
    file_printf(v, "    wire vin = s_valid;\n    wire lin = s_last;\n");
    emit_level_end(v, g, 0, n);

    for (int l = 1; l <= g->levels; l++) {
        int nc = (cnt + 1) / 2, reg = g->reg_after[l];
        const char *suf = reg ? "c" : "";
        file_printf(v, "    // Level %d: %d -> %d%s\n", l, cnt, nc, reg ? ", registered" : "");
        for (int s = 0; s < 2; s++) {
            for (int j = 0; j < nc; j++) {
                char c = sg[s];
                file_printf(v, "    wire %c%dz%s_%d;\n    wire [%d:0] %c%dv%s_%d;\n", c, l, suf, j,
                            sw - 1, c, l, suf, j);
                if (2 * j + 1 < cnt)
                    file_printf(v,
                                "    %s_add u_%c%d_%d (.a_z(%c%dz_%d), .a(%c%dv_%d), "
                                ".b_z(%c%dz_%d), .b(%c%dv_%d), .r_z(%c%dz%s_%d), .r(%c%dv%s_%d));\n",
                                g->name, c, l, j, c, l - 1, 2 * j, c, l - 1, 2 * j, c, l - 1,
                                2 * j + 1, c, l - 1, 2 * j + 1, c, l, suf, j, c, l, suf, j);
                else
                    file_printf(v, "    assign %c%dz%s_%d = %c%dz_%d;\n"
                                   "    assign %c%dv%s_%d = %c%dv_%d;\n",
                                c, l, suf, j, c, l - 1, 2 * j, c, l, suf, j, c, l - 1, 2 * j);
            }
        }
        emit_level_end(v, g, l, nc);
        cnt = nc;
    }

    int L = g->levels;
    file_printf(v, "    // The running sums: acc + tree, one addition per clock.\n"
                   "    reg ap_z, an_z;\n    reg [%d:0] ap, an;\n"
                   "    wire sp_z, sn_z;\n    wire [%d:0] sp, sn;\n",
                sw - 1, sw - 1);
    file_printf(v, "    %s_add u_accp (.a_z(ap_z), .a(ap), .b_z(p%dz_0), .b(p%dv_0), "
                   ".r_z(sp_z), .r(sp));\n",
                g->name, L, L);
    file_printf(v, "    %s_add u_accn (.a_z(an_z), .a(an), .b_z(n%dz_0), .b(n%dv_0), "
                   ".r_z(sn_z), .r(sn));\n",
                g->name, L, L);
    file_printf(v, "    reg op_z, on_z;\n    reg [%d:0] op, on;\n", sw - 1);
    file_printf(v,
                "    always @(posedge clk) begin\n"
                "        if (rst) begin\n"
                "            m_valid_r <= 1'b0;\n"
                "            ap_z <= 1'b1;\n            ap <= %d'd0;\n"
                "            an_z <= 1'b1;\n            an <= %d'd0;\n"
                "        end else if (en) begin\n"
                "            m_valid_r <= v%d & l%d;\n"
                "            if (v%d) begin\n"
                "                if (l%d) begin\n"
                "                    ap_z <= 1'b1;\n                    ap <= %d'd0;\n"
                "                    an_z <= 1'b1;\n                    an <= %d'd0;\n"
                "                end else begin\n"
                "                    ap_z <= sp_z;\n                    ap <= sp;\n"
                "                    an_z <= sn_z;\n                    an <= sn;\n"
                "                end\n"
                "            end\n"
                "        end\n"
                "    end\n",
                sw, sw, L, L, L, L, sw, sw);
    file_printf(v, "    always @(posedge clk) begin\n"
                   "        if (en && v%d && l%d) begin\n"
                   "            op_z <= sp_z;\n            op <= sp;\n"
                   "            on_z <= sn_z;\n            on <= sn;\n"
                   "        end\n    end\n",
                L, L);
    file_printf(v, "    assign m_pos_z = op_z;\n    assign m_pos = op;\n"
                   "    assign m_neg_z = on_z;\n    assign m_neg = on;\n");
    file_printf(v, "endmodule\n");
}

static void upper(char *dst, const char *src)
{
    for (; *src; src++)
        *dst++ = (char)toupper((unsigned char)*src);
    *dst = '\0';
}

static void emit_header(lq_file *h, const logacc_gen *g)
{
    char up[64];
    upper(up, g->name);
    file_printf(h, "#ifndef %s_H\n#define %s_H\n\n", up, up);
    file_printf(h, "#define %s_LANES %d\n", up, g->n);
    file_printf(h, "#define %s_BASE_HALF %d /* 1: base sqrt(2), exponents in half steps */\n", up,
                g->m.cfg.half);
    file_printf(h, "#define %s_EXP_BITS %d\n", up, g->e);
    file_printf(h, "#define %s_FRAC %d\n", up, g->f);
    file_printf(h, "#define %s_CORR %d /* 0 paper, 1 table */\n", up, (int)g->m.cfg.corr);
    file_printf(h, "#define %s_PIPE %d\n", up, g->pipe);
    file_printf(h, "#define %s_LATENCY %d\n", up, g->pipe + 1);
    file_printf(h, "#define %s_LEVELS %d\n", up, g->levels);
    file_printf(h, "#define %s_LANE_BITS %d /* {zero, sign, exponent} */\n", up, g->lw);
    file_printf(h, "#define %s_DATA_BITS %d\n", up, g->lw * g->n);
    file_printf(h, "#define %s_STATE_BITS %d\n", up, g->sw);
    file_printf(h, "#define %s_DCUT %lld\n", up, (long long)g->m.dcut);
    file_printf(h, "\n#endif\n");
}

/* NAME.gtkw: the DUT of the Icarus bench (NAME_tb.dut): input stream, output stream
 * (sums in signed decimal), the running sums and the valid/last of the tree's end. */
static int emit_gtkw(lq_file *f, const logacc_gen *g, const lq_cmd *c)
{
    static char top[96], vl[16], ll[16];
    char err[160];
    int L = g->levels;
    snprintf(top, sizeof top, "%s_tb.dut", g->name);
    snprintf(vl, sizeof vl, "v%d", L);
    snprintf(ll, sizeof ll, "l%d", L);
    const gtkw_signal in[] = {{"clk", 1, GTKW_BIN}, {"rst", 1, GTKW_BIN},
                              {"s_valid", 1, GTKW_BIN}, {"s_ready", 1, GTKW_BIN},
                              {"s_last", 1, GTKW_BIN}, {"s_data", g->n * g->lw, GTKW_HEX}};
    const gtkw_signal out[] = {{"m_valid", 1, GTKW_BIN}, {"m_ready", 1, GTKW_BIN},
                               {"m_pos_z", 1, GTKW_BIN}, {"m_pos", g->sw, GTKW_SDEC},
                               {"m_neg_z", 1, GTKW_BIN}, {"m_neg", g->sw, GTKW_SDEC}};
    const gtkw_signal st[] = {{vl, 1, GTKW_BIN}, {ll, 1, GTKW_BIN}, {"en", 1, GTKW_BIN},
                              {"ap_z", 1, GTKW_BIN}, {"ap", g->sw, GTKW_SDEC},
                              {"an_z", 1, GTKW_BIN}, {"an", g->sw, GTKW_SDEC}};
    const gtkw_group grp[] = {{"input stream", in, 6}, {"output stream", out, 6},
                              {"running sums (log2 * 2^F)", st, 7}};
    gtkw_view v = {NULL, top, grp, 3, -1, 0};
    if (gtkw_write(f, &v, c, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

int gen_logacc(const lq_cmd *c)
{
    static const struct option opts[] = {{"lanes", required_argument, 0, OPT_LANES},
                                         {"base", required_argument, 0, OPT_BASE},
                                         {"exp-bits", required_argument, 0, OPT_EXP_BITS},
                                         {"frac", required_argument, 0, OPT_FRAC},
                                         {"correction", required_argument, 0, OPT_CORR},
                                         {"pipeline", required_argument, 0, OPT_PIPE},
                                         {"name", required_argument, 0, OPT_NAME},
                                         {"tb", no_argument, 0, OPT_TB},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    lq_logacc_cfg cfg = {.lanes = 4, .half = 0, .exp_bits = 8, .frac = 6,
                         .corr = LQ_CORR_TABLE, .fault = 0};
    logacc_gen g;
    lq_fileset fs;
    lq_file *fv, *fa, *fh, *ff;
    const char *out = NULL;
    char msg[256], fname[80];
    int ch, rc, tb = 0;

    memset(&g, 0, sizeof g);
    g.name = "logacc";
    g.pipeline = "tree:2";
    optind = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(logacc_help, stdout); return LQ_EXIT_OK;
        case 'o': out = optarg; break;
        case OPT_LANES:
            if (cli_int("--lanes", optarg, 1, LQ_LOGACC_LANES_MAX, &cfg.lanes) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_BASE:
            if (strcmp(optarg, "2") == 0)
                cfg.half = 0;
            else if (strcmp(optarg, "sqrt2") == 0)
                cfg.half = 1;
            else {
                cli_error("--base '%s' is unknown (2 or sqrt2)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_EXP_BITS:
            if (cli_int("--exp-bits", optarg, LQ_LOGACC_EXP_BITS_MIN, LQ_LOGACC_EXP_BITS_MAX,
                        &cfg.exp_bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_FRAC:
            if (cli_int("--frac", optarg, 0, LQ_LOGACC_FRAC_MAX_PAPER, &cfg.frac) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_CORR:
            if (lq_logacc_corr_parse(optarg, &cfg.corr) != 0) {
                cli_error("--correction '%s' is unknown (paper or table)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_PIPE:
            g.pipeline = optarg;
            break;
        case OPT_TB: tb = 1; break;
        case OPT_NAME:
            if (!name_ok(optarg)) {
                cli_error("--name '%s' is not a usable Verilog identifier (letters, digits "
                          "and _, at most 48, not a keyword)",
                          optarg);
                return LQ_EXIT_USAGE;
            }
            g.name = optarg;
            break;
        default: return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("gen logacc takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!out) {
        cli_error("gen logacc needs an output directory (-o DIR)");
        return LQ_EXIT_USAGE;
    }
    if (lq_logacc_init(&g.m, &cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    g.n = cfg.lanes;
    g.e = cfg.exp_bits;
    g.f = cfg.frac;
    g.sw = g.m.state_bits;
    g.si = g.e + 1;
    g.lw = g.e + 2;
    g.levels = g.m.levels;
    g.dw = cfg.corr == LQ_CORR_PAPER ? g.si + 1 : g.sw + 1;
    g.db = clog2_i64(g.m.dcut);
    if (g.db < 1)
        g.db = 1;
    g.reg_after = calloc((size_t)g.levels + 2, sizeof *g.reg_after);
    if (!g.reg_after) {
        cli_error("out of memory");
        lq_logacc_free(&g.m);
        return LQ_EXIT_FAIL;
    }
    if (pipeline_parse(&g, g.pipeline) != 0) {
        free(g.reg_after);
        lq_logacc_free(&g.m);
        return LQ_EXIT_USAGE;
    }

    fileset_init(&fs);
    snprintf(fname, sizeof fname, "%s.v", g.name);
    fv = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s_add.v", g.name);
    fa = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.h", g.name);
    fh = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.f", g.name);
    ff = fileset_add(&fs, fname);
    if (!fv || !fa || !fh || !ff) {
        cli_error("out of memory");
        rc = LQ_EXIT_FAIL;
        goto done;
    }
    file_header(fv, "//", c);
    file_puts(fv, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_top(fv, &g);
    file_puts(fv, "\n`resetall\n");
    file_header(fa, "//", c);
    file_puts(fa, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_add(fa, &g);
    file_puts(fa, "`resetall\n");
    file_header(fh, "//", c);
    emit_header(fh, &g);
    file_header(ff, "#", c);
    file_printf(ff, "%s_add.v\n%s.v\n", g.name, g.name);
    snprintf(fname, sizeof fname, "%s.gtkw", g.name);
    {
        lq_file *fg = fileset_add(&fs, fname);
        if (!fg || emit_gtkw(fg, &g, c) != 0) {
            rc = LQ_EXIT_FAIL;
            goto done;
        }
    }
    {
        tb_desc d;
        char add[96], top[96];
        const char *vfiles[2] = {add, top};
        snprintf(add, sizeof add, "%s_add.v", g.name);
        snprintf(top, sizeof top, "%s.v", g.name);
        tb_desc_logacc(&d, g.name, g.n, g.e, g.sw, g.pipe + 1);
        if (package_add_block(&fs, &d, vfiles, 2, g.pipe + 1,
                              "logq log-domain accumulator (docs/logacc.md)", c) != 0 ||
            (tb && tb_icarus_write(&fs, &d, c) != 0)) {
            rc = LQ_EXIT_FAIL;
            goto done;
        }
    }
    if (fileset_commit(&fs, out) != 0) {
        rc = LQ_EXIT_FAIL;
        goto done;
    }
    printf("logq gen logacc: wrote %s/%s.v, %s_add.v, %s.h, %s.f, %s.gtkw%s\n", out, g.name,
           g.name, g.name, g.name, g.name, tb ? ", the bench _tb.v" : "");
    printf("  lanes %d, base %s, exponent %d bits, state %d bits (%d integer + %d fraction),\n"
           "  %s correction (cut-off d >= %lld), %d tree level(s), pipeline '%s': %d stage(s)\n",
           g.n, cfg.half ? "sqrt2" : "2", g.e, g.sw, g.si, g.f, lq_logacc_corr_name(cfg.corr),
           (long long)g.m.dcut, g.levels, g.pipeline, g.pipe);
    printf("  in : s_valid s_ready s_last s_data[%d:0] (lane i = {zero, sign, exp[%d:0]} at "
           "[i*%d +: %d])\n",
           g.n * g.lw - 1, g.e - 1, g.lw, g.lw);
    printf("  out: m_valid m_ready m_pos_z m_pos[%d:0] m_neg_z m_neg[%d:0] (log2 * 2^%d)\n",
           g.sw - 1, g.sw - 1, g.f);
    printf("  latency: %d cycle(s) from the last beat to m_valid; one beat per clock\n",
           g.pipe + 1);
    printf("  co-simulate: make logacc-cosim LOGACC_OPTS='<these options>' (module name logacc)\n");
    printf("  icarus: logq vectors logacc <these options> -o VEC && WAVES=1 sim/icarus/run.sh %s VEC\n"
           "          (then gtkwave VEC/%s_tb.vcd %s/%s.gtkw)\n", out, g.name, out, g.name);
    printf("  lint: cd %s && verilator --lint-only -Wall -f %s.f\n", out, g.name);
    rc = LQ_EXIT_OK;
done:
    fileset_free(&fs);
    free(g.reg_after);
    lq_logacc_free(&g.m);
    return rc;
}

/* For blocks that contain the accumulator (gen/blocks/logdot.c): NAME.v and NAME_add.v
 * of this configuration and pipeline added to fs, exactly as `logq gen logacc`
 * writes them; *stages gets the register stages. 0, or -1 (message printed). */
int logacc_add_files(lq_fileset *fs, const lq_logacc_cfg *cfg, const char *name,
                     const char *pipeline, const lq_cmd *c, int *stages)
{
    logacc_gen g;
    lq_file *fv, *fa;
    char msg[256], fname[80];
    int rc = -1;

    memset(&g, 0, sizeof g);
    g.name = name;
    g.pipeline = pipeline;
    if (lq_logacc_init(&g.m, cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    g.n = cfg->lanes;
    g.e = cfg->exp_bits;
    g.f = cfg->frac;
    g.sw = g.m.state_bits;
    g.si = g.e + 1;
    g.lw = g.e + 2;
    g.levels = g.m.levels;
    g.dw = cfg->corr == LQ_CORR_PAPER ? g.si + 1 : g.sw + 1;
    g.db = clog2_i64(g.m.dcut) < 1 ? 1 : clog2_i64(g.m.dcut);
    g.reg_after = calloc((size_t)g.levels + 2, sizeof *g.reg_after);
    if (!g.reg_after) {
        cli_error("out of memory");
        goto done;
    }
    if (pipeline_parse(&g, pipeline) != 0)
        goto done;
    snprintf(fname, sizeof fname, "%s.v", name);
    fv = fileset_add(fs, fname);
    snprintf(fname, sizeof fname, "%s_add.v", name);
    fa = fileset_add(fs, fname);
    if (!fv || !fa) {
        cli_error("out of memory");
        goto done;
    }
    file_header(fv, "//", c);
    file_puts(fv, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_top(fv, &g);
    file_puts(fv, "\n`resetall\n");
    file_header(fa, "//", c);
    file_puts(fa, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_add(fa, &g);
    file_puts(fa, "`resetall\n");
    *stages = g.pipe;
    rc = 0;
done:
    free(g.reg_after);
    lq_logacc_free(&g.m);
    return rc;
}
