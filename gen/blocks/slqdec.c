/* `logq gen slqdec`: the SLQ stream decoder (docs/slq.md). A valid/ready stream of
 * W-bit words (W + 1 with the tag) in, a valid/ready stream of terms out; malformed
 * groups become one error beat each. The model is cmodel/slqhw.c (lq_slqhw_dec).
 *
 * Structure: a circular buffer of D = lq_slqhw_dec_depth(L) entries. Each word of the
 * open group is written at the write pointer as a speculative term; when the group
 * closes good the commit pointer moves over it (the read side only sees committed
 * entries), and the last entry's wlast/vlast flags are set then (special framing only
 * knows a value has ended at the next word). An error rolls the write pointer back to
 * the commit pointer and writes one error entry there, committed when the group closes.
 * So a term of a malformed group is never visible, and one word is taken per clock. */
#include <stdlib.h>
#include <string.h>

#include "emit/emit.h"
#include "emit/gtkw.h"
#include "emit/package.h"
#include "emit/tb_icarus.h"
#include "cmodel/slqhw.h"
#include "blocks/blocks.h"

int gen_slqdec(const lq_cmd *c);

static const char slqdec_help[] =
    "usage: logq gen slqdec --bits W --framing tag|special [--max-words L]\n"
    "                       [--fsr F] [--name NAME] -o DIR\n"
    "\n"
    "Writes DIR/NAME.v (the decoder), DIR/NAME.h (parameters for C/C++ benches),\n"
    "DIR/NAME.f (file list) and DIR/NAME.gtkw (a GTKWave view of the bench's dump).\n"
    "docs/slq.md documents the ports and the behaviour.\n"
    "\n"
    "  --bits W        SLQ word width, 2-10 (required)\n"
    "  --framing FR    tag (W+1-bit words, tag in bit W) or special (-M separators)\n"
    "                  (required)\n"
    "  --max-words L   most words of one weight, 1-8 (default 2)\n"
    "  --fsr F         recorded in NAME.h only: a term's value is +-2^(F - shift)\n"
    "  --scheme slq, --rounding, --theta are accepted (the encoder's options) and\n"
    "                  do not change the decoder\n"
    "  --name NAME     module name (default slqdec_w<W>_l<L>_<framing>)\n"
    "  --tb            also write NAME_tb.v, the self-checking bench of\n"
    "                  `logq vectors slqdec` (docs/xsim.md)\n"
    "  -o, --out DIR   output directory (required)\n"
    "  -h, --help      this help\n"
    "\n"
    "Exit status: 0 success, 1 files could not be written, 2 bad option.\n";

static int log2i(int d)
{
    int p = 0;
    while ((1 << p) < d)
        p++;
    return p;
}

int slq_name_ok(const char *s);
int slq_name_ok(const char *s)
{
    static const char *const kw[] = {"module", "input", "output", "wire", "reg", "begin",
                                     "end", "always", "assign", "if", "else", "case",
                                     "initial", "integer", "parameter", "localparam",
                                     "generate", "for", "function", "task", "signed"};
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    if (strlen(s) > 64)
        return 0;
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strcmp(s, kw[i]) == 0)
            return 0;
    return 1;
}

typedef struct {
    lq_file *v;
    int W, L, D, PW, CW, ED;
    lq_framing fr;
} dec_ctx;

/* ERR(code): roll back to the commit pointer and write the error entry there. */
static void emit_err(dec_ctx *x, const char *ind, int code)
{
    lq_file *v = x->v;
    file_printf(v, "%sb_d = 1'b1;\n", ind);
    file_printf(v, "%swr_en = 1'b1;\n", ind);
    file_printf(v, "%swr_ptr = ct_d[PW-1:0];\n", ind);
    file_printf(v, "%swr_data = {3'd%d, 1'b0, 1'b1, %d'd0, 1'b1};\n", ind, code, x->W - 1);
    file_printf(v, "%swr_wl = 1'b1;\n", ind);
    file_printf(v, "%swr_vl = 1'b0;\n", ind);
    file_printf(v, "%swp_d = ct_d + %d'd1;\n", ind, x->PW + 1);
}

/* ADD: the word joins the open group, or the group becomes malformed. */
static void emit_add(dec_ctx *x, const char *ind)
{
    lq_file *v = x->v;
    char in2[64], in3[64];
    snprintf(in2, sizeof in2, "%s    ", ind);
    snprintf(in3, sizeof in3, "%s        ", ind);
    file_printf(v, "%sif (!b_d) begin\n", ind);
    file_printf(v, "%sif (n_d == L) begin\n", in2);
    emit_err(x, in3, LQ_SLQ_ERR_TOO_MANY);
    file_printf(v, "%send else if (n_d != %d'd0 && (w_zero || z_d)) begin\n", in2, x->CW);
    emit_err(x, in3, LQ_SLQ_ERR_ZERO_IN_MULTI);
    file_printf(v, "%send else begin\n", in2);
    file_printf(v, "%swr_en = 1'b1;\n", in3);
    file_printf(v, "%swr_ptr = wp_d[PW-1:0];\n", in3);
    file_printf(v, "%swr_data = {3'd0, w_neg, w_zero, w_mag, n_d == %d'd0};\n", in3, x->CW);
    file_printf(v, "%swr_wl = 1'b0;\n", in3);
    file_printf(v, "%swr_vl = 1'b0;\n", in3);
    file_printf(v, "%sif (n_d == %d'd0)\n", in3, x->CW);
    file_printf(v, "%s    z_d = w_zero;\n", in3);
    file_printf(v, "%sn_d = n_d + %d'd1;\n", in3, x->CW);
    file_printf(v, "%swp_d = wp_d + %d'd1;\n", in3, x->PW + 1);
    file_printf(v, "%send\n", in2);
    file_printf(v, "%send\n", ind);
}

/* CLOSE(vl): commit the group; its last entry gets wlast and vlast = vl. */
static void emit_close(dec_ctx *x, const char *ind, const char *vl)
{
    lq_file *v = x->v;
    file_printf(v, "%sct_d = wp_d;\n", ind);
    file_printf(v, "%sif (wr_en) begin\n", ind);
    file_printf(v, "%s    wr_wl = 1'b1;\n", ind);
    file_printf(v, "%s    wr_vl = %s;\n", ind, vl);
    file_printf(v, "%send else begin\n", ind);
    file_printf(v, "%s    pt_en = 1'b1;\n", ind);
    file_printf(v, "%s    pt_ptr = wp_d[PW-1:0] - %d'd1;\n", ind, x->PW);
    file_printf(v, "%s    pt_vl = %s;\n", ind, vl);
    file_printf(v, "%send\n", ind);
    file_printf(v, "%so_d = 1'b0;\n", ind);
}

static void emit_open(dec_ctx *x, const char *ind)
{
    file_printf(x->v, "%so_d = 1'b1;\n%sb_d = 1'b0;\n%sn_d = %d'd0;\n%sz_d = 1'b0;\n", ind, ind,
                ind, x->CW, ind);
    if (x->fr == LQ_FRAMING_SPECIAL)
        file_printf(x->v, "%sa_d = 1'b0;\n", ind);
}

static void emit_verilog(dec_ctx *x, const char *name, const lq_cmd *c)
{
    lq_file *v = x->v;
    int W = x->W, SW = W + (x->fr == LQ_FRAMING_TAG);
    int tag = x->fr == LQ_FRAMING_TAG;
    const char *i3 = "            ", *i4 = "                ";

    file_puts(v, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_header(v, "//", c);
    file_printf(v,
        "//\n// SLQ stream decoder: W = %d, L = %d, framing %s (docs/slq.md).\n"
        "// In: %d-bit words%s, s_last on the last word of a frame (vector).\n"
        "// Out: one beat per term of each good weight {m_neg, m_zero, m_shift = |k|}:\n"
        "//   value (m_neg ? -1 : 1) * 2^(FSR - m_shift), or 0 when m_zero; m_first and\n"
        "//   m_wlast mark a weight's first and last term, m_vlast the frame's last beat.\n"
        "//   A malformed group gives one beat with m_err = its lq_slq_error code\n"
        "//   (m_zero = m_first = m_wlast = 1), placed where the group ends.\n"
        "// A term appears one cycle after the word that closes its weight is taken.\n\n",
        W, x->L, lq_framing_name(x->fr), SW, tag ? " {tag, word}" : " (-M = separator)");
    file_printf(v, "module %s (\n", name);
    file_puts(v, "    input  wire clk,\n    input  wire rst,\n");
    file_puts(v, "    input  wire s_valid,\n    output wire s_ready,\n");
    file_printf(v, "    input  wire [%d:0] s_data,\n", SW - 1);
    file_puts(v, "    input  wire s_last,\n    output wire m_valid,\n    input  wire m_ready,\n");
    file_puts(v, "    output wire [2:0] m_err,\n    output wire m_neg,\n    output wire m_zero,\n");
    file_printf(v, "    output wire [%d:0] m_shift,\n", W - 2);
    file_puts(v, "    output wire m_first,\n    output wire m_wlast,\n    output wire m_vlast\n);\n\n");

    file_printf(v, "    localparam integer W = %d;       // word width\n", W);
    file_printf(v, "    localparam integer PW = %d;      // log2(D)\n", x->PW);
    file_printf(v, "    localparam integer CW = %d;      // width of a word count 0..L\n", x->CW);
    file_printf(v, "    localparam [CW-1:0] L = %d'd%d;  // most words of a weight\n", x->CW, x->L);
    file_printf(v, "    localparam [PW:0] D = %d'd%d;   // buffer entries, >= 2L + 2\n", x->PW + 1, x->D);
    file_printf(v, "    localparam integer ED = W + 5;  // entry: err, neg, zero, shift, first\n");
    file_printf(v, "    localparam [W-1:0] SEP = %d'b1%0*d; // -M\n\n", W, W - 1, 0);

    file_puts(v, "    reg [ED-1:0] mem_q [0:D-1];\n    reg [D-1:0] wl_q;\n    reg [D-1:0] vl_q;\n");
    file_puts(v, "    reg [PW:0] wp_q;  // write (speculative)\n"
                 "    reg [PW:0] ct_q;  // commit\n    reg [PW:0] rp_q;  // read\n");
    file_puts(v, "    reg open_q;\n    reg bad_q;\n    reg z_q;\n    reg [CW-1:0] n_q;\n");
    if (!tag)
        file_puts(v, "    reg after_q;\n");
    file_puts(v, "\n    wire acc = s_valid & s_ready;\n");
    file_puts(v, "    wire [W-1:0] w = s_data[W-1:0];\n");
    if (tag)
        file_puts(v, "    wire more = s_data[W];\n");
    file_puts(v, "    wire is_sep = w == SEP;\n    wire w_neg = w[W-1];\n");
    file_printf(v, "    wire w_zero = w == %d'd0;\n", W);
    file_printf(v, "    wire [W-2:0] w_mag = w_neg ? ~w[W-2:0] + %d'd1 : w[W-2:0];\n\n", W - 1);

    file_puts(v, "    reg o_d;\n    reg b_d;\n    reg z_d;\n    reg [CW-1:0] n_d;\n");
    if (!tag)
        file_puts(v, "    reg a_d;\n");
    file_puts(v, "    reg [PW:0] wp_d;\n    reg [PW:0] ct_d;\n");
    file_puts(v, "    reg wr_en;\n    reg [PW-1:0] wr_ptr;\n    reg [ED-1:0] wr_data;\n"
                 "    reg wr_wl;\n    reg wr_vl;\n");
    file_puts(v, "    reg pt_en;\n    reg [PW-1:0] pt_ptr;\n    reg pt_vl;\n\n");

    file_puts(v, "    // One step of the decoder of cmodel/slq.c for the word taken this cycle.\n");
    file_puts(v, "    always @* begin\n");
    file_puts(v, "        o_d = open_q;\n        b_d = bad_q;\n        z_d = z_q;\n        n_d = n_q;\n");
    if (!tag)
        file_puts(v, "        a_d = after_q;\n");
    file_puts(v, "        wp_d = wp_q;\n        ct_d = ct_q;\n");
    file_printf(v, "        wr_en = 1'b0;\n        wr_ptr = wp_q[PW-1:0];\n        wr_data = %d'd0;\n", W + 5);
    file_puts(v, "        wr_wl = 1'b0;\n        wr_vl = 1'b0;\n");
    file_puts(v, "        pt_en = 1'b0;\n        pt_ptr = wp_q[PW-1:0];\n        pt_vl = 1'b0;\n");
    file_puts(v, "        if (acc) begin\n");
    if (tag) {
        file_puts(v, "            if (!o_d) begin\n");
        emit_open(x, i4);
        file_puts(v, "            end\n");
        file_puts(v, "            if (is_sep) begin\n                if (!b_d) begin\n");
        emit_err(x, "                    ", LQ_SLQ_ERR_SPECIAL_IN_TAG);
        file_puts(v, "                end\n            end else begin\n");
        emit_add(x, i4);
        file_puts(v, "            end\n");
        file_puts(v, "            if (!more) begin\n");
        emit_close(x, i4, "s_last");
        file_puts(v, "            end else if (s_last) begin\n");
        file_puts(v, "                if (!b_d) begin\n");
        emit_err(x, "                    ", LQ_SLQ_ERR_TRUNCATED);
        file_puts(v, "                end\n");
        emit_close(x, i4, "1'b1");
        file_puts(v, "            end\n");
    } else {
        file_puts(v, "            if (is_sep) begin\n");
        file_puts(v, "                if (!o_d) begin\n");
        emit_open(x, "                    ");
        emit_err(x, "                    ", LQ_SLQ_ERR_LEADING_SEP);
        file_puts(v, "                end else if (a_d && !b_d) begin\n");
        emit_err(x, "                    ", LQ_SLQ_ERR_DOUBLE_SEP);
        file_puts(v, "                end\n");
        file_puts(v, "                a_d = 1'b1;\n");
        file_puts(v, "                if (s_last) begin\n");
        file_puts(v, "                    if (!b_d) begin\n");
        emit_err(x, "                        ", LQ_SLQ_ERR_TRAILING_SEP);
        file_puts(v, "                    end\n");
        emit_close(x, "                    ", "1'b1");
        file_puts(v, "                end\n");
        file_puts(v, "            end else begin\n");
        file_puts(v, "                if (o_d && !a_d) begin  // a value word after a value word\n");
        emit_close(x, "                    ", "1'b0");
        file_puts(v, "                end\n");
        file_puts(v, "                if (!o_d) begin\n");
        emit_open(x, "                    ");
        file_puts(v, "                end\n");
        file_puts(v, "                a_d = 1'b0;\n");
        emit_add(x, i4);
        file_puts(v, "                if (s_last) begin\n");
        emit_close(x, "                    ", "1'b1");
        file_puts(v, "                end\n");
        file_puts(v, "            end\n");
    }
    (void)i3;
    file_puts(v, "        end\n    end\n\n");

    file_puts(v, "    always @(posedge clk) begin\n");
    file_puts(v, "        if (rst) begin\n");
    file_puts(v, "            open_q <= 1'b0;\n            bad_q <= 1'b0;\n            z_q <= 1'b0;\n");
    file_printf(v, "            n_q <= %d'd0;\n", x->CW);
    if (!tag)
        file_puts(v, "            after_q <= 1'b0;\n");
    file_printf(v, "            wp_q <= %d'd0;\n            ct_q <= %d'd0;\n            rp_q <= %d'd0;\n",
                x->PW + 1, x->PW + 1, x->PW + 1);
    file_puts(v, "        end else begin\n");
    file_puts(v, "            open_q <= o_d;\n            bad_q <= b_d;\n            z_q <= z_d;\n"
                 "            n_q <= n_d;\n");
    if (!tag)
        file_puts(v, "            after_q <= a_d;\n");
    file_puts(v, "            wp_q <= wp_d;\n            ct_q <= ct_d;\n");
    file_printf(v, "            if (m_valid && m_ready)\n                rp_q <= rp_q + %d'd1;\n",
                x->PW + 1);
    file_puts(v, "        end\n    end\n\n");
    file_puts(v, "    // The buffer: data only, no reset (the pointers say what is valid).\n");
    file_puts(v, "    always @(posedge clk) begin\n");
    file_puts(v, "        if (wr_en) begin\n");
    file_puts(v, "            mem_q[wr_ptr] <= wr_data;\n");
    file_puts(v, "            wl_q[wr_ptr] <= wr_wl;\n");
    file_puts(v, "            vl_q[wr_ptr] <= wr_vl;\n        end\n");
    file_puts(v, "        if (pt_en) begin\n");
    file_puts(v, "            wl_q[pt_ptr] <= 1'b1;\n");
    file_puts(v, "            vl_q[pt_ptr] <= pt_vl;\n        end\n    end\n\n");

    file_puts(v, "    wire [PW:0] used = wp_q - rp_q;\n");
    file_puts(v, "    assign s_ready = used != D;\n");
    file_puts(v, "    assign m_valid = ct_q != rp_q;\n");
    file_puts(v, "    wire [ED-1:0] rd = mem_q[rp_q[PW-1:0]];\n");
    file_puts(v, "    assign m_err = rd[ED-1:ED-3];\n    assign m_neg = rd[ED-4];\n"
                 "    assign m_zero = rd[ED-5];\n    assign m_shift = rd[W-1:1];\n"
                 "    assign m_first = rd[0];\n");
    file_puts(v, "    assign m_wlast = wl_q[rp_q[PW-1:0]];\n    assign m_vlast = vl_q[rp_q[PW-1:0]];\n\n");
    file_puts(v, "endmodule\n\n`resetall\n");
}

/* NAME.gtkw: the DUT of the Icarus bench (NAME_tb.dut): the word stream, the term
 * stream and the buffer's pointers and group state. */
static int emit_gtkw(lq_file *f, const dec_ctx *x, const char *name, int sw, const lq_cmd *c)
{
    static char top[96];
    char err[160];
    snprintf(top, sizeof top, "%s_tb.dut", name);
    const gtkw_signal in[] = {{"clk", 1, GTKW_BIN}, {"rst", 1, GTKW_BIN},
                              {"s_valid", 1, GTKW_BIN}, {"s_ready", 1, GTKW_BIN},
                              {"s_last", 1, GTKW_BIN}, {"s_data", sw, GTKW_HEX}};
    const gtkw_signal out[] = {{"m_valid", 1, GTKW_BIN}, {"m_ready", 1, GTKW_BIN},
                               {"m_err", 3, GTKW_DEC}, {"m_neg", 1, GTKW_BIN},
                               {"m_zero", 1, GTKW_BIN}, {"m_shift", x->W - 1, GTKW_DEC},
                               {"m_first", 1, GTKW_BIN}, {"m_wlast", 1, GTKW_BIN},
                               {"m_vlast", 1, GTKW_BIN}};
    const gtkw_signal st[] = {{"wp_q", x->PW + 1, GTKW_DEC}, {"ct_q", x->PW + 1, GTKW_DEC},
                              {"rp_q", x->PW + 1, GTKW_DEC}, {"used", x->PW + 1, GTKW_DEC},
                              {"open_q", 1, GTKW_BIN}, {"bad_q", 1, GTKW_BIN},
                              {"n_q", x->CW, GTKW_DEC}};
    const gtkw_group grp[] = {{"input stream (words)", in, 6}, {"output stream (terms)", out, 9},
                              {"buffer pointers, open group", st, 7}};
    gtkw_view v = {NULL, top, grp, 3, -1, 0};
    if (gtkw_write(f, &v, c, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

int gen_slqdec(const lq_cmd *c)
{
    enum { OPT_NAME = CLI_FMT_END + 1, OPT_TB };
    static const struct option opts[] = {
        CLI_FORMAT_OPTIONS,
        {"name", required_argument, 0, OPT_NAME},
        {"tb", no_argument, 0, OPT_TB},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    lq_format f = lq_format_default();
    lq_framing fr = LQ_FRAMING_NONE;
    const char *out = NULL, *uname = NULL;
    char name[80], fname[100], msg[256];
    int have_bits = 0, ch, rc, tb = 0;
    lq_fileset fs;
    dec_ctx x;
    lq_file *h, *fl, *fg;

    f.scheme = LQ_SLQ;
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(slqdec_help, stdout);
            return LQ_EXIT_OK;
        } else if (ch == 'o') {
            out = optarg;
        } else if (ch == OPT_NAME) {
            uname = optarg;
        } else if (ch == OPT_TB) {
            tb = 1;
        } else if (ch >= CLI_FMT_BASE && ch < CLI_FMT_END) {
            if (cli_format_option(ch, optarg, &f, &fr) != 0)
                return LQ_EXIT_USAGE;
            have_bits |= ch == CLI_FMT_BITS;
        } else {
            return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("gen slqdec takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (f.scheme != LQ_SLQ) {
        cli_error("gen slqdec decodes slq streams, not --scheme %s", lq_scheme_name(f.scheme));
        return LQ_EXIT_USAGE;
    }
    if (!have_bits || fr == LQ_FRAMING_NONE || !out) {
        cli_error("gen slqdec needs %s", !have_bits ? "--bits" : !out ? "-o DIR" : "--framing");
        return LQ_EXIT_USAGE;
    }
    if (lq_format_check(&f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if (uname) {
        if (!slq_name_ok(uname)) {
            cli_error("--name '%s' is not a usable Verilog identifier", uname);
            return LQ_EXIT_USAGE;
        }
        snprintf(name, sizeof name, "%s", uname);
    } else {
        snprintf(name, sizeof name, "slqdec_w%d_l%d_%s", f.bits, f.max_words,
                 lq_framing_name(fr));
    }

    memset(&x, 0, sizeof x);
    x.W = f.bits;
    x.L = f.max_words;
    x.fr = fr;
    x.D = lq_slqhw_dec_depth(x.L);
    x.PW = log2i(x.D);
    x.CW = log2i(x.L + 1);
    if (x.CW < 1)
        x.CW = 1;
    x.ED = x.W + 5;

    fileset_init(&fs);
    snprintf(fname, sizeof fname, "%s.v", name);
    x.v = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.h", name);
    h = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.f", name);
    fl = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.gtkw", name);
    fg = fileset_add(&fs, fname);
    if (!x.v || !h || !fl || !fg) {
        fileset_free(&fs);
        cli_error("out of memory");
        return LQ_EXIT_FAIL;
    }
    emit_verilog(&x, name, c);
    file_header(h, "//", c);
    file_printf(h, "// Parameters of %s.v for C/C++ test benches (docs/slq.md).\n", name);
    file_puts(h, "#ifndef SLQDEC_H\n#define SLQDEC_H\n");
    file_printf(h, "#define SLQDEC_NAME \"%s\"\n", name);
    file_printf(h, "#define SLQDEC_W %d             /* word width */\n", x.W);
    file_printf(h, "#define SLQDEC_L %d             /* most words of a weight */\n", x.L);
    file_printf(h, "#define SLQDEC_FRAMING %d       /* lq_framing: 1 tag, 2 special */\n", (int)fr);
    file_printf(h, "#define SLQDEC_SW %d            /* stream word width */\n",
                lq_slq_stream_width(&f, fr));
    file_printf(h, "#define SLQDEC_DEPTH %d         /* buffer entries */\n", x.D);
    file_printf(h, "#define SLQDEC_FSR %d           /* term value 2^(FSR - shift) */\n", f.fsr);
    file_puts(h, "#endif\n");
    file_header(fl, "#", c);
    file_printf(fl, "%s.v\n", name);
    if (emit_gtkw(fg, &x, name, lq_slq_stream_width(&f, fr), c) != 0) {
        fileset_free(&fs);
        return LQ_EXIT_FAIL;
    }
    {
        tb_desc d;
        char top[96];
        const char *vfiles[1] = {top};
        snprintf(top, sizeof top, "%s.v", name);
        tb_desc_slqdec(&d, name, x.W, lq_slq_stream_width(&f, fr));
        /* latency -1: a weight's terms leave once its last word is in (docs/slq.md) */
        if (package_add_block(&fs, &d, vfiles, 1, -1, "logq SLQ stream decoder (docs/slq.md)",
                              c) != 0 ||
            (tb && tb_icarus_write(&fs, &d, c) != 0)) {
            fileset_free(&fs);
            return LQ_EXIT_FAIL;
        }
    }
    rc = fileset_commit(&fs, out);
    fileset_free(&fs);
    if (rc != 0)
        return LQ_EXIT_FAIL;
    printf("logq gen slqdec: wrote %s/%s.v, .h, .f, .gtkw%s\n", out, name, tb ? ", _tb.v" : "");
    printf("  in : s_valid s_ready s_data[%d:0] s_last (%s framing, W = %d, L = %d)\n",
           lq_slq_stream_width(&f, fr) - 1, lq_framing_name(fr), x.W, x.L);
    printf("  out: m_valid m_ready m_err[2:0] m_neg m_zero m_shift[%d:0] m_first m_wlast "
           "m_vlast\n", x.W - 2);
    printf("  buffer %d entries; throughput one word per clock; a term is out one cycle after\n"
           "  the word that closes its weight\n", x.D);
    printf("  co-simulate: make slq-sim SLQ_W=%d SLQ_L=%d SLQ_FRAMING=%s (mk/slq.mk)\n", x.W, x.L,
           lq_framing_name(fr));
    printf("  icarus: logq vectors slqdec <these options> -o VEC && WAVES=1 sim/icarus/run.sh %s VEC\n"
           "          (then gtkwave VEC/%s_tb.vcd %s/%s.gtkw)\n", out, name, out, name);
    return LQ_EXIT_OK;
}

/* For blocks that contain decoders (gen/blocks/slqdot.c): the decoder module NAME for
 * W-bit words, at most L words, framing fr, written into v exactly as `logq gen slqdec`
 * writes its NAME.v. */
void slqdec_write(lq_file *v, int w, int l, lq_framing fr, const char *name, const lq_cmd *c)
{
    dec_ctx x;
    memset(&x, 0, sizeof x);
    x.v = v;
    x.W = w;
    x.L = l;
    x.fr = fr;
    x.D = lq_slqhw_dec_depth(x.L);
    x.PW = log2i(x.D);
    x.CW = log2i(x.L + 1);
    if (x.CW < 1)
        x.CW = 1;
    x.ED = x.W + 5;
    emit_verilog(&x, name, c);
}
