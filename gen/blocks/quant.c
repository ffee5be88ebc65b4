/* `logq gen quant` and `logq vectors quant`: N lanes of linear fixed-point integers to
 * N log codes in hardware (docs/quant.md), a block described by the descriptor of
 * gen/blocks/block.h. cmodel/quanthw.c is the model; its lq_qhw_derive gives the
 * constants below, so the RTL, NAME.h and the model cannot disagree.
 *
 * The exact integer method (the derivation; docs/quant.md repeats it).
 * Input field v (A bits, two's complement or unsigned), value x = v * 2^LSB, exact.
 * Zero, and a negative x when --relu or the code is unsigned, give the code 0
 * (docs/formats.md: unsigned formats clip negatives). Otherwise let u = |v|, an
 * A-bit unsigned integer 1 <= u <= 2^(A-1) (signed) or < 2^A (unsigned), and
 *   n = floor(log2 u)          (0 <= n <= A-1, the leading one)
 *   z = A - 1 - n              (the normalizing shift, ZB = ceil(log2 A) bits)
 *   y = u * 2^z                (A bits, y[A-1] = 1; y / 2^(A-1) = u / 2^n exactly)
 * so |x| = (y / 2^(A-1)) * 2^(LSB + n) with the mantissa y / 2^(A-1) in [1, 2), and
 * floor(log2 |x|) = LSB + n. S = 1 (log2) or 2 (logsqrt2, half steps). The rounding of
 * S log2 |x| adds adj to S (LSB + n):
 *   log2 floor       adj = 0
 *   log2 nearest     adj = [y/2^(A-1) >= 2^(1/2)]
 *   logsqrt2 floor   adj = [y/2^(A-1) >= 2^(1/2)]
 *   logsqrt2 nearest adj = [y/2^(A-1) >= 2^(1/4)] + [y/2^(A-1) >= 2^(3/4)]
 * (the thresholds of docs/formats.md 3.1: the geometric means 2^(n+1/2) and
 * 2^((2k+1)/4) of neighbouring levels, and sqrt(2) 2^n for logsqrt2 floor).
 * Exactness of each comparison: c 2^(A-1) with c = 2^(p/4), p in {1, 2, 3}, is
 * irrational, hence never an integer, so for the integer y
 *   y / 2^(A-1) >= c  <=>  y >= c 2^(A-1)  <=>  y >= Kp = ceil(c 2^(A-1)),
 * and Kp is the least integer with Kp^4 >= 2^(4(A-1)+p) (lq_qhw_threshold: exact
 * integer arithmetic, no square root; equality is impossible because 4(A-1)+p is not
 * a multiple of 4). So "A-1 fraction bits of the expansion, rounded up" is exactly
 * enough: no A-bit input lies between the true threshold and Kp. Kp may be 2^A (for
 * tiny A, 2^(3/4) 2^(A-1) > 2^A - 1): that comparison is constant false.
 * The exponent is e = S (LSB + A - 1 - z) + adj; with lo = S FSR - 2^b (e_min - 1),
 *   m_raw = e - lo = C0 - S z + adj,      C0 = S (LSB + A - 1) - lo,
 * and docs/formats.md's Clip is: m = 0 (flush) if m_raw <= 0, m = 2^b - 1 (saturate)
 * if m_raw >= 2^b, else m_raw. The code is {sign, m} (signed) or m; a negative input
 * sets the sign (never with m = 0: the negative zero is not produced). m_raw is
 * formed in MW-bit two's complement, MW large enough for its whole range and for 0
 * and 2^b, so the two clip tests are a sign bit and one comparison. tests/unit/
 * test_quanthw.c proves lq_qhw_code_int (this method in C) equal to lq_quantize on
 * every input of 2400 configurations; tests/quant.sh proves the RTL equal to the
 * model. */
#include <stdlib.h>
#include <string.h>

#include "blocks/block.h"
#include "blocks/blocks.h"
#include "cmodel/quanthw.h"

enum { QUANT_STAGE_INPUT = 1, QUANT_STAGE_NORM = 2 }; /* register-stage bits */

/* The block's state: its options (the descriptor's fields), then what they derive. */
typedef struct {
    int lanes, in_bits, in_signed, in_lsb, relu, scheme, bits, fsr, rounding, out_signed;
    const char *pipeline, *name;
    lq_qhw_cfg cfg;
    lq_qhw_consts k;
    int stages;            /* QUANT_STAGE_* bits */
    int nstages;           /* register stages before the output register */
    int n, a, b, zb, mw, outsg, insg, neg_kills, has_sign;
    char upper[64];
} quant_gen;

/* ---- the Verilog ---- */

/* Smallest two's complement width holding lo..hi. */
static int sbits(int64_t lo, int64_t hi)
{
    int w = 1;
    while (lo < -((int64_t)1 << (w - 1)) || hi > ((int64_t)1 << (w - 1)) - 1)
        w++;
    return w;
}

static unsigned long long maskw(int64_t v, int w)
{
    return (unsigned long long)v & (w >= 64 ? ~0ull : (1ull << w) - 1);
}

static void emit_lane(lq_file *v, const quant_gen *g)
{
    const quant_gen *o = g;
    int A = g->a, in_reg = o->stages & QUANT_STAGE_INPUT, norm_reg = o->stages & QUANT_STAGE_NORM;
    const char *u = in_reg ? "u_q" : "u", *kl = in_reg ? "kill_q" : "kill",
               *sg = in_reg ? "sgn_q" : "sgn";

    file_printf(v, "    genvar i;\n    generate\n"
                   "        for (i = 0; i < LANES; i = i + 1) begin : g_lane\n");
    file_printf(v, "            // decode: |v| and the cases that give the code 0\n");
    file_printf(v, "            wire [A-1:0] v = s_data[i*A +: A];\n");
    if (g->insg) {
        file_printf(v, "            wire neg = v[A-1];\n"
                       "            wire [A-1:0] u = neg ? (~v + %d'd1) : v;  // -2^(A-1) -> 2^(A-1)\n",
                    A);
        if (g->neg_kills)
            file_printf(v, "            wire kill = ~|u | neg;  // zero, or negative %s\n",
                        o->cfg.relu ? "(ReLU)" : "(unsigned code)");
        else
            file_printf(v, "            wire kill = ~|u;\n            wire sgn = neg;\n");
    } else {
        file_printf(v, "            wire [A-1:0] u = v;\n            wire kill = ~|u;\n");
    }
    if (in_reg) {
        file_printf(v, "            reg [A-1:0] u_q;\n            reg kill_q;\n%s"
                       "            always @(posedge clk) begin\n"
                       "                if (en) begin\n"
                       "                    u_q <= u;\n                    kill_q <= kill;\n%s"
                       "                end\n            end\n",
                    g->has_sign ? "            reg sgn_q;\n" : "",
                    g->has_sign ? "                    sgn_q <= sgn;\n" : "");
    }
    /* normalization: shift left by 2^s when the top 2^s bits are zero, s = ZB-1 .. 0 */
    file_printf(v, "            // leading-one normalization: y = u << z, z = A-1-floor(log2 u)\n");
    file_printf(v, "            wire [A-1:0] y%d = %s;\n", g->zb, u);
    for (int s = g->zb - 1; s >= 0; s--) {
        int sh = 1 << s;
        file_printf(v, "            wire z%d = ~|y%d[A-1 -: %d];\n", s, s + 1, sh);
        if (s > 0 || g->k.nthr > 0)
            file_printf(v, "            wire [A-1:0] y%d = z%d ? {y%d[%d:0], %d'd0} : y%d;\n", s,
                        s, s + 1, A - 1 - sh, sh, s + 1);
    }
    if (g->k.nthr == 0)
        file_printf(v, "            // floor log2: only the leading one matters, y0 is not formed\n"
                       "            wire unused_y1 = ^y1[A-2:0];\n");
    file_printf(v, "            wire [ZB-1:0] z = {");
    for (int s = g->zb - 1; s >= 0; s--)
        file_printf(v, "z%d%s", s, s ? ", " : "");
    file_printf(v, "};\n");
    const char *zz = "z", *yy = "y0", *kl2 = kl, *sg2 = sg;
    if (norm_reg) {
        file_printf(v, "            reg [ZB-1:0] z_q;\n            reg kill_n;\n%s%s"
                       "            always @(posedge clk) begin\n"
                       "                if (en) begin\n"
                       "                    z_q <= z;\n                    kill_n <= %s;\n%s%s"
                       "                end\n            end\n",
                    g->k.nthr ? "            reg [A-1:0] y_q;\n" : "",
                    g->has_sign ? "            reg sgn_n;\n" : "", kl,
                    g->k.nthr ? "                    y_q <= y0;\n" : "", "");
        if (g->has_sign)
            file_printf(v, "            always @(posedge clk) begin\n"
                           "                if (en)\n                    sgn_n <= %s;\n"
                           "            end\n", sg);
        zz = "z_q";
        yy = "y_q";
        kl2 = "kill_n";
        sg2 = "sgn_n";
    }
    file_printf(v, "            // rounding: compare the normalized mantissa with the thresholds\n");
    if (g->k.nthr == 0) {
        file_printf(v, "            wire [MW-1:0] adj = %d'd0;  // floor: the leading one decides\n",
                    g->mw);
    } else {
        for (int t = 0; t < g->k.nthr; t++) {
            if (g->k.k[t] >= ((uint64_t)1 << A))
                file_printf(v, "            wire ge%d = 1'b0;  // K%d = 2^A: no input reaches it\n",
                            t, t);
            else
                file_printf(v, "            wire ge%d = %s >= K%d;\n", t, yy, t);
        }
        if (g->k.nthr == 1)
            file_printf(v, "            wire [MW-1:0] adj = {%d'd0, ge0};\n", g->mw - 1);
        else
            file_printf(v, "            wire [MW-1:0] adj = {%d'd0, ge0} + {%d'd0, ge1};\n",
                        g->mw - 1, g->mw - 1);
    }
    if (g->k.s == 2)
        file_printf(v, "            wire [MW-1:0] sz = {%d'd0, %s, 1'b0};  // S * z\n",
                    g->mw - g->zb - 1, zz);
    else
        file_printf(v, "            wire [MW-1:0] sz = {%d'd0, %s};  // S * z\n", g->mw - g->zb, zz);
    file_printf(v, "            wire [MW-1:0] mraw = C0 - sz + adj;\n"
                   "            wire flush = %s | mraw[MW-1] | (mraw == %d'd0);\n"
                   "            wire sat = mraw >= MSAT;  // only read when mraw >= 0\n"
                   "            wire [MB-1:0] m = flush ? %d'd0 : sat ? MMAX : mraw[MB-1:0];\n",
                kl2, g->mw, g->b);
    file_printf(v, "            reg [B-1:0] code_q;\n"
                   "            always @(posedge clk) begin\n"
                   "                if (en)\n");
    if (g->outsg && g->has_sign)
        file_printf(v, "                    code_q <= {%s & ~flush, m};\n", sg2);
    else if (g->outsg)
        file_printf(v, "                    code_q <= {1'b0, m};\n");
    else
        file_printf(v, "                    code_q <= m;\n");
    file_printf(v, "            end\n"
                   "            assign m_data[i*B +: B] = code_q;\n"
                   "        end\n    endgenerate\n");
}

static void emit_top(lq_file *v, const quant_gen *g)
{
    const quant_gen *o = g;
    const lq_qhw_cfg *c = &o->cfg;
    int N = g->n, A = g->a, B = g->bits, L = o->nstages;
    int64_t lo_r = g->k.c0 - (int64_t)g->k.s * ((1 << g->zb) - 1);

    file_printf(v, "// %s: %d lane(s) of %s %d-bit fixed point (LSB 2^%d)%s to %s %d-bit %s codes,\n"
                   "// FSR %d, rounding %s; pipeline '%s' (%d stage(s) + the output register).\n"
                   "// Lane i: s_data[i*%d +: %d] -> m_data[i*%d +: %d]. docs/quant.md derives the\n"
                   "// exact integer method (leading-one normalization, then the mantissa\n"
                   "// against ceil(2^(p/4) * 2^(A-1)), then the clip of docs/formats.md).\n",
                o->name, N, c->in_signed ? "signed" : "unsigned", A, c->in_lsb,
                c->relu ? ", ReLU," : "", g->outsg ? "signed" : "unsigned", B,
                lq_scheme_name(c->out.scheme), c->out.fsr, lq_rounding_name(c->out.rounding),
                o->pipeline, L, A, A, B, B);
    file_printf(v, "module %s #(\n"
                   "    parameter integer LANES = %d,\n"
                   "    parameter integer IN_BITS = %d,\n"
                   "    parameter integer OUT_BITS = %d\n) (\n",
                o->name, N, A, B);
    file_printf(v, "    input  wire        clk,\n"
                   "    input  wire        rst,\n"
                   "    input  wire        s_valid,\n"
                   "    output wire        s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    input  wire        s_last,\n"
                   "    output wire        m_valid,\n"
                   "    input  wire        m_ready,\n"
                   "    output wire [%d:0] m_data,\n"
                   "    output wire        m_last\n);\n",
                N * A - 1, N * B - 1);
    file_printf(v, "    localparam integer A = IN_BITS;\n"
                   "    localparam integer B = OUT_BITS;\n"
                   "    localparam integer MB = %d;   // magnitude bits of a code\n"
                   "    localparam integer ZB = %d;   // width of the normalizing shift\n"
                   "    localparam integer MW = %d;   // width of m_raw (two's complement)\n"
                   "    localparam integer PIPE = %d;\n"
                   "    localparam integer LATENCY = PIPE + 1;\n",
                g->b, g->zb, g->mw, L);
    file_printf(v, "    // m_raw = C0 - S*z + adj, C0 = S*(LSB + A - 1) - (S*FSR - 2^MB) = %lld;\n"
                   "    // m_raw ranges over %lld..%lld\n",
                (long long)g->k.c0, (long long)lo_r, (long long)(g->k.c0 + g->k.nthr));
    file_printf(v, "    localparam [MW-1:0] C0 = %d'h%llx;\n", g->mw, maskw(g->k.c0, g->mw));
    file_printf(v, "    localparam [MW-1:0] MSAT = %d'd%lld;  // 2^MB: saturates\n", g->mw,
                (long long)1 << g->b);
    file_printf(v, "    localparam [MB-1:0] MMAX = %d'd%lld;  // the largest magnitude\n", g->b,
                ((long long)1 << g->b) - 1);
    for (int t = 0; t < g->k.nthr; t++) {
        static const char *const what[3] = {"2^(1/4)", "2^(1/2)", "2^(3/4)"};
        int p = g->k.nthr == 2 ? (t == 0 ? 1 : 3) : 2;
        if (g->k.k[t] < ((uint64_t)1 << A))
            file_printf(v, "    localparam [A-1:0] K%d = %d'd%llu;  // ceil(%s * 2^(A-1))\n", t, A,
                        (unsigned long long)g->k.k[t], what[p - 1]);
    }
    file_printf(v, "\n    initial begin\n"
                   "        if (LANES != %d || IN_BITS != %d || OUT_BITS != %d || LATENCY != %d) begin\n"
                   "            $display(\"%s: generated for LANES=%d IN_BITS=%d OUT_BITS=%d; "
                   "regenerate with logq gen quant\");\n"
                   "            $finish;\n        end\n    end\n\n",
                N, A, B, L + 1, o->name, N, A, B);
    file_printf(v, "    // Every register moves when the output register is free (one beat per\n"
                   "    // clock while m_ready is high); the data registers are not reset.\n"
                   "    reg m_valid_r, m_last_r;\n"
                   "    wire en = ~m_valid_r | m_ready;\n"
                   "    assign s_ready = en;\n"
                   "    assign m_valid = m_valid_r;\n"
                   "    assign m_last = m_last_r;\n");
    /* valid and last through the stages */
    file_printf(v, "    wire v0 = s_valid;\n    wire l0 = s_last;\n");
    for (int j = 1; j <= L; j++)
        file_printf(v, "    reg v%d, l%d;\n"
                       "    always @(posedge clk) begin\n"
                       "        if (rst)\n            v%d <= 1'b0;\n"
                       "        else if (en)\n            v%d <= v%d;\n"
                       "    end\n"
                       "    always @(posedge clk) begin\n"
                       "        if (en)\n            l%d <= l%d;\n"
                       "    end\n",
                    j, j, j, j, j - 1, j, j - 1);
    file_printf(v, "    always @(posedge clk) begin\n"
                   "        if (rst)\n            m_valid_r <= 1'b0;\n"
                   "        else if (en)\n            m_valid_r <= v%d;\n"
                   "    end\n"
                   "    always @(posedge clk) begin\n"
                   "        if (en)\n            m_last_r <= l%d;\n"
                   "    end\n\n",
                L, L);
    emit_lane(v, g);
    file_printf(v, "endmodule\n");
}

static int write_v(lq_file *f, const void *state, const lq_cmd *c)
{
    file_header(f, "//", c);
    file_puts(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    emit_top(f, state);
    file_puts(f, "\n`default_nettype wire\n`resetall\n");
    return 0;
}

static int quant_ports(const void *state, lq_port *p, int max);

/* NAME.h: QUANT_* (a fixed prefix: sim/verilator/quant_tb.cpp reads them whatever the
 * name), then the port layout. */
static int write_h(lq_file *h, const void *state, const lq_cmd *cmd)
{
    const quant_gen *g = state;
    const lq_qhw_cfg *c = &g->cfg;
    lq_port ports[BLK_PORTS_MAX];
    int np;
    file_header(h, "//", cmd);
    file_printf(h, "//\n// Parameters and derived constants of %s (docs/quant.md).\n", g->name);
    file_printf(h, "#ifndef QUANT_H\n#define QUANT_H\n\n");
    file_printf(h, "#define QUANT_NAME \"%s\"\n", g->name);
    file_printf(h, "#define QUANT_LANES %d\n", g->n);
    file_printf(h, "#define QUANT_IN_BITS %d\n", g->a);
    file_printf(h, "#define QUANT_IN_SIGNED %d\n", c->in_signed);
    file_printf(h, "#define QUANT_IN_LSB %d\n", c->in_lsb);
    file_printf(h, "#define QUANT_RELU %d\n", c->relu);
    file_printf(h, "#define QUANT_SCHEME_HALF %d /* 1: logsqrt2 */\n",
                c->out.scheme == LQ_LOGSQRT2);
    file_printf(h, "#define QUANT_OUT_BITS %d\n", g->bits);
    file_printf(h, "#define QUANT_OUT_SIGNED %d\n", g->outsg);
    file_printf(h, "#define QUANT_FSR %d\n", c->out.fsr);
    file_printf(h, "#define QUANT_FLOOR %d /* 1: floor, 0: nearest */\n",
                c->out.rounding == LQ_FLOOR);
    file_printf(h, "#define QUANT_PIPE %d\n", g->nstages);
    file_printf(h, "#define QUANT_LATENCY %d\n", g->nstages + 1);
    file_printf(h, "#define QUANT_IN_DATA_BITS %d\n", g->n * g->a);
    file_printf(h, "#define QUANT_OUT_DATA_BITS %d\n", g->n * g->bits);
    file_printf(h, "#define QUANT_C0 %lldLL\n", (long long)g->k.c0);
    file_printf(h, "#define QUANT_NTHR %d\n", g->k.nthr);
    file_printf(h, "#define QUANT_K0 %lluULL\n#define QUANT_K1 %lluULL\n",
                (unsigned long long)g->k.k[0], (unsigned long long)g->k.k[1]);
    np = quant_ports(g, ports, BLK_PORTS_MAX);
    package_port_macros(h, "QUANT", ports, np);
    file_printf(h, "\n#endif\n");
    return 0;
}

/* ---- ports, view, report ---- */

static int quant_ports(const void *state, lq_port *p, int max)
{
    const quant_gen *g = state;
    int n = 0;
    if (max < 10)
        return 0;
    p[n++] = (lq_port){.name = "clk", .dir = LQ_PORT_IN, .width = 1, .desc = "clock",
                       .role = LQ_ROLE_CLOCK};
    p[n++] = (lq_port){.name = "rst", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "synchronous reset, active high", .role = LQ_ROLE_RESET};
    p[n++] = (lq_port){.name = "s_valid", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "input stream valid", .role = LQ_ROLE_VALID, .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "s_ready", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "input stream ready", .role = LQ_ROLE_READY, .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "s_data", .dir = LQ_PORT_IN, .width = g->n * g->a,
                       .desc = "linear fixed-point inputs", .stream = LQ_STREAM_IN,
                       .is_signed = g->insg, .lanes = g->n, .lane_bits = g->a, .has_lsb = 1,
                       .lsb_exp = g->cfg.in_lsb};
    p[n++] = (lq_port){.name = "s_last", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "passed through to m_last with its beat (top bit of a beat)",
                       .role = LQ_ROLE_LAST, .stream = LQ_STREAM_IN};
    p[n++] = (lq_port){.name = "m_valid", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "output stream valid", .role = LQ_ROLE_VALID,
                       .stream = LQ_STREAM_OUT};
    p[n++] = (lq_port){.name = "m_ready", .dir = LQ_PORT_IN, .width = 1,
                       .desc = "output stream ready", .role = LQ_ROLE_READY,
                       .stream = LQ_STREAM_OUT};
    p[n] = (lq_port){.name = "m_data", .dir = LQ_PORT_OUT, .width = g->n * g->bits,
                     .desc = "log codes (m = 0: zero, else 2^((EXP_MIN + m - 1) / S))",
                     .stream = LQ_STREAM_OUT, .lanes = g->n, .lane_bits = g->bits};
    p[n].fields[p[n].nfields++] = (lq_field){"m", 0, g->b};
    if (g->outsg)
        p[n].fields[p[n].nfields++] = (lq_field){"sign", g->b, 1};
    n++;
    p[n++] = (lq_port){.name = "m_last", .dir = LQ_PORT_OUT, .width = 1,
                       .desc = "the input beat's s_last", .stream = LQ_STREAM_OUT,
                       .axis = LQ_AXIS_TLAST};
    return n;
}

static int quant_view(const void *state, gtkw_signal *s, int max, char (*names)[40])
{
    const quant_gen *g = state;
    int n = 0;
    s[n++] = (gtkw_signal){"en", 1, GTKW_BIN};
    for (int st = 1; st <= g->nstages && n + 1 < max; st++) {
        snprintf(names[n], sizeof names[n], "v%d", st);
        s[n] = (gtkw_signal){names[n], 1, GTKW_BIN};
        n++;
    }
    return n;
}

static void quant_report(const void *state, const char *dir)
{
    const quant_gen *g = state;
    printf("  %d lane(s): %s %d-bit input, LSB 2^%d%s -> %s %d-bit %s codes, FSR %d, %s\n", g->n,
           g->insg ? "signed" : "unsigned", g->a, g->cfg.in_lsb, g->cfg.relu ? ", ReLU" : "",
           g->outsg ? "signed" : "unsigned", g->bits, lq_scheme_name(g->cfg.out.scheme),
           g->cfg.out.fsr, lq_rounding_name(g->cfg.out.rounding));
    printf("  m_raw = %lld - %d*z + adj (%d threshold(s)", (long long)g->k.c0, g->k.s, g->k.nthr);
    for (int t = 0; t < g->k.nthr; t++)
        printf(" K%d=%llu", t, (unsigned long long)g->k.k[t]);
    printf("), %d-bit\n", g->mw);
    printf("  in : s_valid s_ready s_last s_data[%d:0]\n  out: m_valid m_ready m_last m_data[%d:0]"
           "  (%s/%s.txt)\n", g->n * g->a - 1, g->n * g->bits - 1, dir, g->name);
    printf("  pipeline '%s': latency %d cycle(s); one beat per clock\n", g->pipeline,
           g->nstages + 1);
    printf("  co-simulate: make quant-cosim QUANT_OPTS='<these options>'\n");
    printf("  lint: verilator --lint-only -Wall %s/%s.v\n", dir, g->name);
}

/* ---- options ---- */

#define T quant_gen
static const blk_option quant_options[] = {
    BLK_HEADING("input:", BO_BOTH),
    BLK_INT(T, "lanes", "N", lanes, 1, LQ_QHW_LANES_MAX, "lanes per beat, %r (default %d)",
            BO_BOTH),
    BLK_INT(T, "in-bits", "A", in_bits, LQ_QHW_IN_BITS_MIN, LQ_QHW_IN_BITS_MAX,
            "input width, %r (default %d)", BO_BOTH),
    BLK_FLAG(T, "in-signed", in_signed, 1, NULL, BO_BOTH),
    BLK_FLAG(T, "in-unsigned", in_signed, 0, "two's complement or unsigned input (default\n"
             "signed)", BO_BOTH),
    BLK_INT(T, "in-lsb", "L", in_lsb, -LQ_QHW_LSB_ABS_MAX, LQ_QHW_LSB_ABS_MAX,
            "the input's LSB weighs 2^L, %r (default 1 - A signed,\n"
            "-A unsigned: a fraction, the linear code of FSR 0)", BO_BOTH),
    BLK_FLAG(T, "relu", relu, 1, "negative inputs quantize as zero (ReLU, then quantize)",
             BO_BOTH),
    BLK_HEADING("output code (as for `logq quant`):", BO_BOTH),
    BLK_CHOICE(T, "scheme", "S", scheme, "log2|logsqrt2", "%r (default %d)", BO_BOTH),
    BLK_INT(T, "bits", "B", bits, 1, LQ_LOG_BITS_MAX,
            "code width, sign included (default %d; %r, signed at least 2)", BO_BOTH),
    BLK_INT(T, "fsr", "F", fsr, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, "full-scale range (default %d)",
            BO_BOTH),
    BLK_CHOICE(T, "rounding", "R", rounding, "nearest|floor",
               "%r: nearest decides at the geometric mean (default %d)", BO_BOTH),
    BLK_FLAG(T, "signed", out_signed, 1, NULL, BO_BOTH),
    BLK_FLAG(T, "unsigned", out_signed, 0, "codes with or without a sign bit (default signed);\n"
             "unsigned codes map negative inputs to zero", BO_BOTH),
    BLK_HEADING("hardware:", BO_BOTH),
    BLK_TEXT(T, "pipeline", "P", pipeline,
             "register stages before the output register, a comma list\n"
             "of: none, input (after the absolute value), norm (after the\n"
             "leading-one normalization), full (= input,norm) (default %d);\n"
             "latency is stages + 1 cycles", BO_BOTH),
    BLK_TEXT(T, "name", "NAME", name,
             "module and file name (default %d): a-z, 0-9, _, not a\nVerilog keyword", BO_BOTH),
};
#undef T

static void quant_defaults(void *state)
{
    quant_gen *g = state;
    memset(g, 0, sizeof *g);
    g->lanes = 16;
    g->in_bits = 8;
    g->in_signed = 1;
    g->bits = 5;
    g->out_signed = 1;
    g->pipeline = "norm";
    g->name = "quant";
}

static int pipeline_parse_quant(quant_gen *g)
{
    char buf[128], *tok, *save = NULL;
    if (strlen(g->pipeline) >= sizeof buf) {
        cli_error("--pipeline '%s' is too long", g->pipeline);
        return -1;
    }
    strcpy(buf, g->pipeline);
    g->stages = 0;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "none") == 0)
            continue;
        else if (strcmp(tok, "input") == 0)
            g->stages |= QUANT_STAGE_INPUT;
        else if (strcmp(tok, "norm") == 0)
            g->stages |= QUANT_STAGE_NORM;
        else if (strcmp(tok, "full") == 0)
            g->stages |= QUANT_STAGE_INPUT | QUANT_STAGE_NORM;
        else {
            cli_error("--pipeline item '%s' is unknown (none, input, norm, full)", tok);
            return -1;
        }
    }
    g->nstages = !!(g->stages & QUANT_STAGE_INPUT) + !!(g->stages & QUANT_STAGE_NORM);
    return 0;
}

static int quant_finish(void *state, const blk_args *a, unsigned where)
{
    quant_gen *g = state;
    lq_qhw_cfg *c = &g->cfg;
    char msg[256];
    (void)where;
    if (!blk_name_ok(g->name)) {
        cli_error("--name '%s' is not a lower-case Verilog identifier (a-z, 0-9, _; "
                  "not a keyword; at most 60 characters)", g->name);
        return -1;
    }
    memset(c, 0, sizeof *c);
    c->lanes = g->lanes;
    c->in_bits = g->in_bits;
    c->in_signed = g->in_signed;
    c->in_lsb = blk_given(a, "in-lsb") ? g->in_lsb : g->in_signed ? 1 - g->in_bits : -g->in_bits;
    c->relu = g->relu;
    c->out = lq_format_default();
    c->out.scheme = g->scheme ? LQ_LOGSQRT2 : LQ_LOG2;
    c->out.bits = g->bits;
    c->out.fsr = g->fsr;
    c->out.rounding = g->rounding ? LQ_FLOOR : LQ_NEAREST;
    c->out.is_signed = g->out_signed != 0;
    if (lq_qhw_check(c, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    if (pipeline_parse_quant(g) != 0)
        return -1;
    lq_qhw_derive(c, &g->k);
    g->n = c->lanes;
    g->a = c->in_bits;
    g->b = g->k.b;
    g->zb = g->k.zbits;
    g->outsg = c->out.is_signed;
    g->insg = c->in_signed;
    g->neg_kills = g->insg && (c->relu || !g->outsg);
    g->has_sign = g->insg && !g->neg_kills;
    {
        int64_t lo_r = g->k.c0 - (int64_t)g->k.s * ((1 << g->zb) - 1), hi_r = g->k.c0 + g->k.nthr;
        g->mw = sbits(lo_r < 0 ? lo_r : 0, hi_r > ((int64_t)1 << g->b) ? hi_r : (int64_t)1 << g->b);
        if (g->mw < g->zb + 2)
            g->mw = g->zb + 2;
    }
    blk_upper(g->upper, sizeof g->upper, g->name);
    return 0;
}

static const char *quant_module(const void *state)
{
    return ((const quant_gen *)state)->name;
}

static int quant_latency(const void *state)
{
    return ((const quant_gen *)state)->nstages + 1;
}

/* ---- stimulus: `logq vectors quant` ---- */
/* It mirrors sim/verilator/quant_tb.cpp (C++, so mirrored here): every threshold's two
 * integer neighbours in every lane first, then uniform, octave-biased and corner
 * fields; --exhaustive gives every lane every input value (A <= 20). */

static long rnd(vec_out *v, long n)
{
    return (long)lq_rng_below(&v->rng, (uint64_t)n);
}

/* Both integer neighbours of every threshold (2^n and ceil(2^(p/4) 2^n)), both signs,
 * and the extremes; returns the count (at most 4 * 32 * 4 + 2). */
static int quant_corners(const lq_qhw_cfg *c, uint32_t *out)
{
    int A = c->in_bits, k = 0;
    uint32_t fm = (uint32_t)(((uint64_t)1 << A) - 1);
    int64_t umax = c->in_signed ? (int64_t)1 << (A - 1) : ((int64_t)1 << A) - 1;
    for (int n = 0; n < A; n++)
        for (int p = 0; p < 4; p++) {
            int64_t t = p == 0 ? (int64_t)1 << n : (int64_t)lq_qhw_threshold(n + 1, p);
            for (int64_t u = t - 1; u <= t; u++) {
                if (u < 0 || u > umax)
                    continue;
                out[k++] = (uint32_t)u & fm;
                if (c->in_signed && u > 0)
                    out[k++] = (uint32_t)(-u) & fm;
            }
        }
    out[k++] = fm;
    if (c->in_signed)
        out[k++] = fm >> 1;
    return k;
}

static void quant_beat(vec_out *v, lq_qhw *m, const uint32_t *f, int last)
{
    static bitword b;
    uint32_t code[LQ_QHW_LANES_MAX];
    int N = m->cfg.lanes;
    b.n = 0;
    for (int i = 0; i < N; i++)
        bw_put(&b, f[i], m->cfg.in_bits);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    lq_qhw_step(m, f, code);
    b.n = 0;
    for (int i = 0; i < N; i++)
        bw_put(&b, code[i], m->cfg.out.bits);
    bw_put(&b, (uint64_t)(last != 0), 1);
    vec_item(v, &b);
}

static int quant_stimulus(vec_out *v, lq_fileset *fs, void *state, const vec_common *o,
                          const lq_cmd *c)
{
    static uint32_t cor[4 * 32 * 4 + 4];
    quant_gen *g = state;
    uint32_t f[LQ_QHW_LANES_MAX];
    lq_qhw m;
    char msg[256];
    int N = g->n, A = g->a, ncor;
    uint32_t fm = (uint32_t)(((uint64_t)1 << A) - 1);
    uint64_t stride = (((uint64_t)1 << A) / (uint64_t)N) | 1u;
    long nbeats;
    (void)fs;
    (void)c;
    if (o->exhaustive && A > 20) {
        cli_error("--exhaustive needs at most 20 input bits (here %d)", A);
        return LQ_EXIT_USAGE;
    }
    if (lq_qhw_init(&m, &g->cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    ncor = quant_corners(&g->cfg, cor);
    nbeats = o->exhaustive ? 1L << A : (long)o->count;
    if (!o->exhaustive && nbeats < ncor)
        nbeats = ncor;
    for (long k = 0; k < nbeats; k++) {
        long kind = k < ncor ? 3 : rnd(v, 10);
        for (int i = 0; i < N; i++) {
            uint32_t x;
            if (o->exhaustive)
                x = (uint32_t)(((uint64_t)k + (uint64_t)i * stride) & fm);
            else if (kind == 3)
                x = cor[(k + i) % ncor];
            else if (kind < 3)
                x = (uint32_t)lq_rng_u64(&v->rng) & fm;
            else if (kind < 7) { /* two draws, sequenced: the order of a >> operands is not */
                x = (uint32_t)lq_rng_u64(&v->rng) & fm;
                x >>= rnd(v, A);
            }
            else
                x = cor[rnd(v, ncor)];
            if (kind >= 3 && kind < 7 && !o->exhaustive && g->insg && rnd(v, 2))
                x = (0u - x) & fm;
            f[i] = x;
        }
        quant_beat(v, &m, f, rnd(v, 8) == 0 || k + 1 == nbeats);
    }
    return LQ_EXIT_OK;
}

/* ---- the descriptor ---- */

static const blk_file quant_files[] = {
    {"%s.v", "the top module (lanes in a generate loop)", write_v, 1},
    {"%s.h", "every parameter, derived constant and the port layout (C)", write_h, 0},
};

const lq_block blk_quant = {
    .name = "quant",
    .summary = "log quantizer: linear fixed point in, log codes out (docs/quant.md)",
    .synopsis = "[options] -o DIR",
    .about = "Hardware log quantizer: per beat N lanes of linear fixed-point integers (value\n"
             "v * 2^LSB) become N log codes, exactly the codes of `logq quant` for those values\n"
             "(flush to zero below the range, saturation above, docs/formats.md). docs/quant.md\n"
             "derives the exact integer method.",
    .doc = "docs/quant.md",
    .opts = quant_options,
    .nopts = (int)(sizeof quant_options / sizeof quant_options[0]),
    .state_size = sizeof(quant_gen),
    .defaults = quant_defaults,
    .finish = quant_finish,
    .module = quant_module,
    .ports = quant_ports,
    .latency_of = quant_latency,
    .tb_latency_of = quant_latency,
    .out_data_reset = 0,
    .out_per_vector = 0,
    .files = quant_files,
    .nfiles = (int)(sizeof quant_files / sizeof quant_files[0]),
    .view_scope = "%s_tb.dut",
    .view_title = "pipeline",
    .view = quant_view,
    .report = quant_report,
    .exhaustive = 1,
    .phased = 0,
    .stimulus = quant_stimulus,
};
