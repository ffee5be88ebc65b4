/* `logq gen slqmac`: the successive shift-MAC for SLQ weights (docs/slq.md). N lanes
 * share one linear activation x (a broadcast operand); lane j takes the terms of its own
 * weight stream (the output of a `logq gen slqdec` decoder) and applies one term per
 * clock with one shifter and one adder:
 *     acc_j += (neg ? -1 : 1) * ((x << F) >>> shift)
 * A weight of n words takes n cycles; lanes that finish early wait (lockstep), so a step
 * costs the longest slot of the N lanes. The model is lq_slqmac (cmodel/slqhw.c). */
#include <stdlib.h>
#include <string.h>

#include "cmodel/slqhw.h"
#include "emit/emit.h"
#include "emit/gtkw.h"
#include "emit/package.h"
#include "emit/tb_icarus.h"

int gen_slqmac(const lq_cmd *c);
int slq_name_ok(const char *s); /* gen/blocks/slqdec.c */

static const char slqmac_help[] =
    "usage: logq gen slqmac --bits W [--lanes N] [--act-bits A] [--frac F]\n"
    "                       [--acc-bits ACC] [--max-words L] [--fsr FSR]\n"
    "                       [--name NAME] -o DIR\n"
    "\n"
    "Writes DIR/NAME.v, DIR/NAME.h, DIR/NAME.f and DIR/NAME.gtkw: N lanes of successive shift-add on\n"
    "the term streams of `logq gen slqdec` decoders, one activation stream broadcast\n"
    "to all lanes, one output beat of N dot products per vector (docs/slq.md).\n"
    "\n"
    "  --bits W        SLQ word width, 2-10 (required)\n"
    "  --lanes N       lanes, 1-64 (default 16)\n"
    "  --act-bits A    signed activation width, 2-32 (default 8)\n"
    "  --frac F        fraction bits kept below the activation's LSB: a term adds\n"
    "                  floor(x * 2^(F - shift)); exact when F >= 2^(W-1) - 1\n"
    "                  (default min(2^(W-1) - 1, 32)); A + F <= 62\n"
    "  --acc-bits ACC  accumulator width, A + F .. 64, arithmetic modulo 2^ACC\n"
    "                  (default min(A + F + 8, 64)); the dot product is\n"
    "                  acc * 2^(FSR - F)\n"
    "  --max-words L, --fsr FSR, --framing: recorded in NAME.h for benches\n"
    "  --name NAME     module name (default slqmac_n<N>_w<W>_a<A>)\n"
    "  --tb            also write NAME_tb.v, the self-checking bench of\n"
    "                  `logq vectors slqmac` (docs/xsim.md)\n"
    "  -o, --out DIR   output directory (required)\n"
    "  -h, --help      this help\n"
    "\n"
    "Exit status: 0 success, 1 files could not be written, 2 bad option.\n";

typedef struct {
    int N, W, A, F, ACC;
} mac_ctx;

static void emit_mac(lq_file *v, const mac_ctx *p, const char *name, const lq_cmd *c)
{
    int SH = p->W - 1, XW = p->A + p->F;
    file_puts(v, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_header(v, "//", c);
    file_printf(v,
        "//\n// SLQ successive shift-MAC: %d lanes, W = %d, activation %d bits, F = %d,\n"
        "// accumulator %d bits (docs/slq.md). Lockstep: an activation is held until every\n"
        "// lane has applied one weight slot (terms up to m_wlast of its decoder); a slot of\n"
        "// n terms takes n cycles. Lane j: acc += (neg ? -1 : 1) * ((x << F) >>> shift);\n"
        "// error beats add nothing and set m_err[j]. At s_act_last the N accumulators go\n"
        "// out as one beat (dot product = acc * 2^(FSR - F)). A lane whose frame (vlast)\n"
        "// ends before the vector waits; one whose frame goes on drops the rest of it; both\n"
        "// set m_err[j].\n\n",
        p->N, p->W, p->A, p->F, p->ACC);
    file_printf(v, "module %s (\n", name);
    file_puts(v, "    input  wire clk,\n    input  wire rst,\n");
    file_printf(v, "    input  wire s_act_valid,\n    output wire s_act_ready,\n"
                   "    input  wire [%d:0] s_act_data,\n    input  wire s_act_last,\n", p->A - 1);
    file_printf(v, "    input  wire [%d:0] s_t_valid,\n    output wire [%d:0] s_t_ready,\n", p->N - 1,
                p->N - 1);
    file_printf(v, "    input  wire [%d:0] s_t_err,\n", 3 * p->N - 1);
    file_printf(v, "    input  wire [%d:0] s_t_neg,\n    input  wire [%d:0] s_t_zero,\n", p->N - 1,
                p->N - 1);
    file_printf(v, "    input  wire [%d:0] s_t_shift,\n", p->N * SH - 1);
    file_printf(v, "    input  wire [%d:0] s_t_wlast,\n    input  wire [%d:0] s_t_vlast,\n", p->N - 1,
                p->N - 1);
    file_printf(v, "    output wire m_valid,\n    input  wire m_ready,\n"
                   "    output wire [%d:0] m_data,\n    output wire [%d:0] m_err\n);\n\n",
                p->N * p->ACC - 1, p->N - 1);
    file_printf(v, "    localparam integer N = %d;    // lanes\n", p->N);
    file_printf(v, "    localparam integer A = %d;    // activation bits\n", p->A);
    file_printf(v, "    localparam integer SH = %d;   // shift amount bits (W - 1)\n", SH);
    file_printf(v, "    localparam integer XW = %d;   // A + F\n", XW);
    file_printf(v, "    localparam integer ACC = %d;  // accumulator bits\n\n", p->ACC);

    file_puts(v, "    reg xv_q;\n    reg xl_q;\n    reg [A-1:0] x_q;\n");
    file_puts(v, "    reg mv_q;\n    reg [N*ACC-1:0] md_q;\n    reg [N-1:0] me_q;\n");
    file_puts(v, "    wire [N-1:0] done_w;\n    wire [N-1:0] idle_w;\n    wire [N-1:0] skip_w;\n"
                 "    wire [N-1:0] fin;\n    wire [N*ACC-1:0] acc_n_w;\n    wire [N-1:0] err_n_w;\n\n");
    if (p->F > 0)
        file_printf(v, "    wire signed [XW-1:0] xs = $signed({x_q, %d'd0});\n", p->F);
    else
        file_puts(v, "    wire signed [XW-1:0] xs = $signed(x_q);\n");
    file_puts(v, "    assign s_t_ready = skip_w | ({N{xv_q}} & ~done_w & ~idle_w);\n");
    file_puts(v, "    wire [N-1:0] fire = s_t_valid & s_t_ready;\n");
    file_puts(v, "    wire [N-1:0] use_t = fire & ~skip_w;  // a beat of the current slot\n");
    file_puts(v, "    wire out_free = !mv_q || m_ready;\n");
    file_puts(v, "    wire step_done = xv_q && (&fin) && (!xl_q || out_free);\n");
    file_puts(v, "    wire vec_done = step_done && xl_q;\n");
    file_puts(v, "    assign s_act_ready = !xv_q || step_done;\n");
    file_puts(v, "    wire act_fire = s_act_valid && s_act_ready;\n\n");

    file_puts(v, "    genvar j;\n    generate\n        for (j = 0; j < N; j = j + 1) begin : lane\n");
    file_puts(v, "            reg done_q;\n            reg idle_q;\n            reg skip_q;\n"
                 "            reg lvl_q;\n            reg err_q;\n            reg [ACC-1:0] acc_q;\n");
    file_puts(v, "            wire [SH-1:0] sh = s_t_shift[j*SH +: SH];\n");
    file_puts(v, "            wire signed [XW-1:0] t = xs >>> sh;\n");
    if (p->ACC > XW)
        file_printf(v, "            wire [ACC-1:0] te = {{%d{t[XW-1]}}, t};\n", p->ACC - XW);
    else
        file_puts(v, "            wire [ACC-1:0] te = t;\n");
    file_puts(v, "            wire bad = s_t_err[3*j +: 3] != 3'd0;\n");
    file_puts(v, "            wire add = use_t[j] && !s_t_zero[j] && !bad;\n");
    file_printf(v, "            wire [ACC-1:0] acc_n = acc_q + (!add ? %d'd0 : s_t_neg[j] ? -te : te);\n",
                p->ACC);
    file_puts(v, "            wire endw = use_t[j] && s_t_wlast[j];\n");
    file_puts(v, "            wire vl_eff = endw ? s_t_vlast[j] : lvl_q;\n");
    file_puts(v, "            wire early = endw && s_t_vlast[j] && !xl_q;  // frame ended before the vector\n");
    file_puts(v, "            wire miss = vec_done && !vl_eff;             // frame goes on after it\n");
    file_puts(v, "            wire err_n = err_q || (use_t[j] && bad) || early || miss;\n");
    file_puts(v, "            assign fin[j] = done_q || idle_q || endw;\n");
    file_puts(v, "            assign done_w[j] = done_q;\n            assign idle_w[j] = idle_q;\n"
                 "            assign skip_w[j] = skip_q;\n");
    file_puts(v, "            assign acc_n_w[j*ACC +: ACC] = acc_n;\n            assign err_n_w[j] = err_n;\n");
    file_puts(v, "            always @(posedge clk) begin\n");
    file_puts(v, "                if (rst) begin\n");
    file_printf(v, "                    done_q <= 1'b0;\n                    idle_q <= 1'b0;\n"
                   "                    skip_q <= 1'b0;\n                    lvl_q <= 1'b0;\n"
                   "                    err_q <= 1'b0;\n                    acc_q <= %d'd0;\n", p->ACC);
    file_puts(v, "                end else begin\n");
    file_puts(v, "                    done_q <= step_done ? 1'b0 : fin[j];\n");
    file_puts(v, "                    idle_q <= vec_done ? 1'b0 : idle_q || early;\n");
    file_puts(v, "                    lvl_q <= vl_eff;\n");
    file_puts(v, "                    skip_q <= skip_q ? !(fire[j] && s_t_vlast[j]) : miss;\n");
    file_printf(v, "                    err_q <= vec_done ? 1'b0 : err_n;\n"
                   "                    acc_q <= vec_done ? %d'd0 : acc_n;\n", p->ACC);
    file_puts(v, "                end\n            end\n        end\n    endgenerate\n\n");

    file_puts(v, "    always @(posedge clk) begin\n        if (rst) begin\n"
                 "            xv_q <= 1'b0;\n            xl_q <= 1'b0;\n");
    file_printf(v, "            x_q <= %d'd0;\n            mv_q <= 1'b0;\n", p->A);
    file_puts(v, "        end else begin\n");
    file_puts(v, "            if (act_fire) begin\n                xv_q <= 1'b1;\n"
                 "                x_q <= s_act_data;\n                xl_q <= s_act_last;\n"
                 "            end else if (step_done) begin\n                xv_q <= 1'b0;\n"
                 "            end\n");
    file_puts(v, "            if (vec_done)\n                mv_q <= 1'b1;\n"
                 "            else if (m_ready)\n                mv_q <= 1'b0;\n");
    file_puts(v, "        end\n    end\n\n");
    file_puts(v, "    always @(posedge clk) begin\n        if (vec_done) begin\n"
                 "            md_q <= acc_n_w;\n            me_q <= err_n_w;\n        end\n    end\n\n");
    file_puts(v, "    assign m_valid = mv_q;\n    assign m_data = md_q;\n    assign m_err = me_q;\n\n");
    file_puts(v, "endmodule\n\n`resetall\n");
}

/* NAME.gtkw: a GTKWave view of the DUT (scope NAME_tb.dut, as a bench would name it):
 * the activation stream, the lanes' term streams, the output stream and the held
 * activation with the first (up to 8) lanes' accumulators in signed decimal. */
static int emit_gtkw(lq_file *f, const mac_ctx *p, const char *name, const lq_cmd *c)
{
    static char top[96], accn[8][32], errn[8][32];
    gtkw_signal in[6], ts[8], out[4], st[4 + 16];
    char err[160];
    int ns = 0, nl = p->N < 8 ? p->N : 8;
    snprintf(top, sizeof top, "%s_tb.dut", name);
    in[0] = (gtkw_signal){"clk", 1, GTKW_BIN};
    in[1] = (gtkw_signal){"rst", 1, GTKW_BIN};
    in[2] = (gtkw_signal){"s_act_valid", 1, GTKW_BIN};
    in[3] = (gtkw_signal){"s_act_ready", 1, GTKW_BIN};
    in[4] = (gtkw_signal){"s_act_last", 1, GTKW_BIN};
    in[5] = (gtkw_signal){"s_act_data", p->A, GTKW_SDEC};
    ts[0] = (gtkw_signal){"s_t_valid", p->N, GTKW_BIN};
    ts[1] = (gtkw_signal){"s_t_ready", p->N, GTKW_BIN};
    ts[2] = (gtkw_signal){"s_t_err", 3 * p->N, GTKW_HEX};
    ts[3] = (gtkw_signal){"s_t_neg", p->N, GTKW_BIN};
    ts[4] = (gtkw_signal){"s_t_zero", p->N, GTKW_BIN};
    ts[5] = (gtkw_signal){"s_t_shift", p->N * (p->W - 1), GTKW_HEX};
    ts[6] = (gtkw_signal){"s_t_wlast", p->N, GTKW_BIN};
    ts[7] = (gtkw_signal){"s_t_vlast", p->N, GTKW_BIN};
    out[0] = (gtkw_signal){"m_valid", 1, GTKW_BIN};
    out[1] = (gtkw_signal){"m_ready", 1, GTKW_BIN};
    out[2] = (gtkw_signal){"m_data", p->N * p->ACC, p->N == 1 ? GTKW_SDEC : GTKW_HEX};
    out[3] = (gtkw_signal){"m_err", p->N, GTKW_BIN};
    st[ns++] = (gtkw_signal){"xv_q", 1, GTKW_BIN};
    st[ns++] = (gtkw_signal){"xl_q", 1, GTKW_BIN};
    st[ns++] = (gtkw_signal){"x_q", p->A, GTKW_SDEC};
    st[ns++] = (gtkw_signal){"step_done", 1, GTKW_BIN};
    for (int j = 0; j < nl; j++) {
        snprintf(accn[j], sizeof accn[j], "lane[%d].acc_q", j);
        snprintf(errn[j], sizeof errn[j], "lane[%d].err_q", j);
        st[ns++] = (gtkw_signal){accn[j], p->ACC, GTKW_SDEC};
        st[ns++] = (gtkw_signal){errn[j], 1, GTKW_BIN};
    }
    const gtkw_group grp[] = {{"input stream (activations)", in, 6},
                              {"input streams (terms, lane j at bit j)", ts, 8},
                              {"output stream", out, 4},
                              {"activation held, accumulators", st, ns}};
    gtkw_view v = {NULL, top, grp, 4, -1, 0};
    if (gtkw_write(f, &v, c, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

int gen_slqmac(const lq_cmd *c)
{
    enum { OPT_NAME = CLI_FMT_END + 1, OPT_LANES, OPT_ACT, OPT_FRAC, OPT_ACC, OPT_TB };
    static const struct option opts[] = {
        CLI_FORMAT_OPTIONS,
        {"lanes", required_argument, 0, OPT_LANES},
        {"act-bits", required_argument, 0, OPT_ACT},
        {"frac", required_argument, 0, OPT_FRAC},
        {"acc-bits", required_argument, 0, OPT_ACC},
        {"name", required_argument, 0, OPT_NAME},
        {"tb", no_argument, 0, OPT_TB},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    lq_format f = lq_format_default();
    lq_framing fr = LQ_FRAMING_NONE;
    const char *out = NULL, *uname = NULL;
    char name[80], fname[100], msg[256];
    int have_bits = 0, ch, rc, smax, tb = 0;
    mac_ctx p = {16, 5, 8, -1, -1};
    lq_fileset fs;
    lq_file *v, *h, *fl, *fg;

    f.scheme = LQ_SLQ;
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(slqmac_help, stdout);
            return LQ_EXIT_OK;
        } else if (ch == 'o') {
            out = optarg;
        } else if (ch == OPT_NAME) {
            uname = optarg;
        } else if (ch == OPT_TB) {
            tb = 1;
        } else if (ch == OPT_LANES) {
            if (cli_int("--lanes", optarg, 1, LQ_SLQMAC_LANES_MAX, &p.N) != 0)
                return LQ_EXIT_USAGE;
        } else if (ch == OPT_ACT) {
            if (cli_int("--act-bits", optarg, 2, 32, &p.A) != 0)
                return LQ_EXIT_USAGE;
        } else if (ch == OPT_FRAC) {
            if (cli_int("--frac", optarg, 0, 60, &p.F) != 0)
                return LQ_EXIT_USAGE;
        } else if (ch == OPT_ACC) {
            if (cli_int("--acc-bits", optarg, 2, 64, &p.ACC) != 0)
                return LQ_EXIT_USAGE;
        } else if (ch >= CLI_FMT_BASE && ch < CLI_FMT_END) {
            if (cli_format_option(ch, optarg, &f, &fr) != 0)
                return LQ_EXIT_USAGE;
            have_bits |= ch == CLI_FMT_BITS;
        } else {
            return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("gen slqmac takes no file argument, got '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (f.scheme != LQ_SLQ) {
        cli_error("gen slqmac takes slq weights, not --scheme %s", lq_scheme_name(f.scheme));
        return LQ_EXIT_USAGE;
    }
    if (!have_bits || !out) {
        cli_error("gen slqmac needs %s", !have_bits ? "--bits" : "-o DIR");
        return LQ_EXIT_USAGE;
    }
    if (lq_format_check(&f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    p.W = f.bits;
    smax = (1 << (p.W - 1)) - 1;
    if (p.F < 0)
        p.F = smax < 32 ? smax : 32;
    if (p.A + p.F > 62) {
        cli_error("--act-bits %d with --frac %d: A + F = %d is more than 62", p.A, p.F, p.A + p.F);
        return LQ_EXIT_USAGE;
    }
    if (p.ACC < 0)
        p.ACC = p.A + p.F + 8 < 64 ? p.A + p.F + 8 : 64;
    if (p.ACC < p.A + p.F) {
        cli_error("--acc-bits %d is less than A + F = %d", p.ACC, p.A + p.F);
        return LQ_EXIT_USAGE;
    }
    if (uname) {
        if (!slq_name_ok(uname)) {
            cli_error("--name '%s' is not a usable Verilog identifier", uname);
            return LQ_EXIT_USAGE;
        }
        snprintf(name, sizeof name, "%s", uname);
    } else {
        snprintf(name, sizeof name, "slqmac_n%d_w%d_a%d", p.N, p.W, p.A);
    }

    fileset_init(&fs);
    snprintf(fname, sizeof fname, "%s.v", name);
    v = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.h", name);
    h = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.f", name);
    fl = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.gtkw", name);
    fg = fileset_add(&fs, fname);
    if (!v || !h || !fl || !fg) {
        fileset_free(&fs);
        cli_error("out of memory");
        return LQ_EXIT_FAIL;
    }
    emit_mac(v, &p, name, c);
    file_header(h, "//", c);
    file_printf(h, "// Parameters of %s.v for C/C++ test benches (docs/slq.md).\n", name);
    file_puts(h, "#ifndef SLQMAC_H\n#define SLQMAC_H\n");
    file_printf(h, "#define SLQMAC_NAME \"%s\"\n", name);
    file_printf(h, "#define SLQMAC_N %d      /* lanes */\n", p.N);
    file_printf(h, "#define SLQMAC_W %d      /* SLQ word width */\n", p.W);
    file_printf(h, "#define SLQMAC_A %d      /* activation bits */\n", p.A);
    file_printf(h, "#define SLQMAC_F %d      /* fraction bits */\n", p.F);
    file_printf(h, "#define SLQMAC_ACC %d    /* accumulator bits */\n", p.ACC);
    file_printf(h, "#define SLQMAC_L %d      /* most words of a weight (decoder) */\n", f.max_words);
    file_printf(h, "#define SLQMAC_FSR %d    /* dot product = acc * 2^(FSR - F) */\n", f.fsr);
    file_printf(h, "#define SLQMAC_FRAMING %d /* lq_framing of the weight streams (bench) */\n",
                fr == LQ_FRAMING_NONE ? (int)LQ_FRAMING_TAG : (int)fr);
    file_puts(h, "#endif\n");
    file_header(fl, "#", c);
    file_printf(fl, "%s.v\n", name);
    if (emit_gtkw(fg, &p, name, c) != 0) {
        fileset_free(&fs);
        return LQ_EXIT_FAIL;
    }
    {
        tb_desc d;
        char top[96];
        const char *vfiles[1] = {top};
        snprintf(top, sizeof top, "%s.v", name);
        tb_desc_slqmac(&d, name, p.N, p.W, p.A, p.ACC);
        /* latency -1: a weight of n words takes n cycles (docs/slq.md) */
        if (package_add_block(&fs, &d, vfiles, 1, -1, "logq successive SLQ shift-MAC (docs/slq.md)",
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
    printf("logq gen slqmac: wrote %s/%s.v, .h, .f, .gtkw%s\n", out, name, tb ? ", _tb.v" : "");
    printf("  in : s_act_valid s_act_ready s_act_data[%d:0] s_act_last; per lane the term\n"
           "       stream of a slqdec: s_t_valid/ready[%d:0] s_t_err[%d:0] s_t_neg s_t_zero\n"
           "       s_t_shift[%d:0] s_t_wlast s_t_vlast\n",
           p.A - 1, p.N - 1, 3 * p.N - 1, p.N * (p.W - 1) - 1);
    printf("  out: m_valid m_ready m_data[%d:0] (%d x %d-bit accumulators) m_err[%d:0]\n",
           p.N * p.ACC - 1, p.N, p.ACC, p.N - 1);
    printf("  a step (one activation) takes the longest weight slot of the %d lanes, in\n"
           "  cycles; the result is out one cycle after the vector's last step\n", p.N);
    printf("  co-simulate: make slq-mac-sim SLQ_W=%d SLQ_N=%d (mk/slq.mk)\n", p.W, p.N);
    printf("  icarus: logq vectors slqmac <these options> -o VEC && WAVES=1 sim/icarus/run.sh %s VEC\n"
           "          (then gtkwave VEC/%s_tb.vcd %s/%s.gtkw)\n", out, name, out, name);
    return LQ_EXIT_OK;
}
