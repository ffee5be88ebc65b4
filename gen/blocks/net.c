/* `logq gen net`: a whole dense network as one streaming accelerator (docs/net.md).
 *
 * The arithmetic is the integer network of gen/nn/hw.c, built here with the MAC lanes
 * set to the hardware's --simd, so the RTL and the model share every width: the MAC
 * arrays are `logq gen mac`'s (mac_emit_module), the linear x linear engine of the
 * int8 baseline is written here, and so are the banks, the ROMs, the bias, the
 * re-quantizer and the argmax.
 *
 * Dataflow, per layer k (FINN's matrix-vector unit): two input banks (ping-pong: the
 * previous stage fills one while this layer reads the other), one weight ROM per
 * layer (word = the PE x SIMD codes of one beat), PE MAC arrays of SIMD lanes fed the
 * same activations, then bias, ReLU and the re-quantizer into one output register of
 * PE codes, which is the next layer's input stream. The last layer's PE logits per
 * beat go to the argmax. Every stream is valid/ready; the counts frame the images.
 *
 * The re-quantizer (log formats, unsigned, nearest; docs/net.md "Re-quantization"):
 * z > 0 with leading one at n has S*log2(z) in [S n, S n + S); with y = z / 2^n in
 * [1, 2) and K = ZU - 1 fraction bits, yf = the bits below the leading one shifted to
 * the top of K bits (exact: n <= K). For an irrational c in (1, 2), y > c <=> yf >
 * floor(frac(c) 2^K): if yf is larger, y >= 1 + (floor(frac(c) 2^K) + 1) / 2^K > c; if
 * not, y <= 1 + floor(frac(c) 2^K) / 2^K < c (no tie: c is irrational). Base 2 rounds
 * up at c = sqrt(2); base sqrt(2) (S = 2) at c = 2^(1/4) and 2^(3/4). So
 * e = S (lsb + n) + [yf > C1] (+ [yf > C3]), the exponent lq_quantize gives the exact
 * value z 2^lsb, then the flush and the saturation of docs/formats.md as a clip of
 * m = e - emin + 1 to 0 .. 2^b - 1. The constants are floor roots of powers of two,
 * computed exactly in integers (root_pow2). Linear: round half up (z >= 0 after the
 * ReLU, half away from zero) by adding 2^(d-1) and shifting right by d, then
 * saturating at 2^A - 1. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blocks/block.h"
#include "blocks/blocks.h"
#include "blocks/net_conv.h"
#include "blocks/net_target.h"
#include "emit/emit.h"
#include "emit/package.h"
#include "emit/wrap.h"
#include "nn/digits.h"
#include "nn/hw.h"
#include "nn/netopts.h"
#include "nn/nn.h"

static const char net_help[] =
    "usage: logq gen net --weights FILE [options] -o DIR\n"
    "\n"
    "Writes one streaming accelerator for the network of a weight file (logq\n"
    "train's format): weight ROMs, per layer PE MAC arrays of SIMD lanes, the integer\n"
    "bias, ReLU and the hardware re-quantizer, then the argmax. A conv first layer\n"
    "gets a line buffer (one pixel per input beat), the same engine per window\n"
    "(SIMD: window inputs, PE: channels) and the 2x2 max pool. The arithmetic is\n"
    "exactly `logq eval --hw`'s integer network (docs/net.md).\n"
    "\n"
    "  --weights FILE     weight file (logq train)\n"
    "  --scheme S         shift-log2 (default): log2 weights x linear activations;\n"
    "                     shift-logsqrt2; loglog: log2 weights x log2 activations;\n"
    "                     loglog-sqrt2; slq: SLQ weights (--max-words words, one beat\n"
    "                     group each) x linear activations; linear: linear weights x\n"
    "                     linear activations with multipliers (the int8 baseline)\n"
    "  --bits B           weight code width, sign included (default 5)\n"
    "  --act-bits A       activation code width (default: --bits)\n"
    "  --max-words L      slq: words per weight, 1-8 (default 2)\n"
    "  --wfsr LIST        weight FSR per layer, comma separated (default: each layer's\n"
    "                     floor(log2 max|w|) + 1)\n"
    "  --afsr LIST        FSR of each layer's input activations (the first: the input\n"
    "                     stream's codes)\n"
    "  --fsr-from FILE    both lists from the output of `logq eval --hw` (its hw-fsr\n"
    "                     line of this scheme and width; --bits = --act-bits)\n"
    "  --simd LIST        inputs per cycle per layer, dividing its input width (one\n"
    "                     value for all layers; default: the largest divisor <= 16)\n"
    "  --pe LIST          neurons in parallel per layer, dividing its output width\n"
    "                     (default 1)\n"
    "  --sqrt2-frac P     fraction bits of the sqrt(2) constant, 1-30 (default 16)\n"
    "  --pipeline P       the MAC arrays' register stages (logq gen mac --pipeline;\n"
    "                     default product,tree:2, its tree levels clipped to the\n"
    "                     array's)\n"
    "  --rom auto|block|logic   weight ROM style (default auto: block RAM when the ROM\n"
    "                     fills at least a quarter of the target's blocks it needs)\n"
    "  --target T         ice40-up5k, ice40-hx8k, ecp5-25k or none (default): the\n"
    "                     part's block RAM shapes decide --rom auto, its DSPs take the\n"
    "                     linear engines' multipliers when they all fit; block ROMs\n"
    "                     beyond the part's block RAMs are refused; NAME.txt records\n"
    "                     the synthesis and place-and-route commands\n"
    "  --name NAME        top module and file prefix (default logq_net)\n";
/* then the top-interface options (blk_wrap_help), then these */
static const char net_help_vectors[] =
    " test vectors (the test set of logq eval: the same data options, loaded, scaled\n"
    " and split as eval does; with --inputs the first layer's input codes are signed\n"
    " when a training input is negative, as eval decides):\n"
    "  --vectors N        also write the first N test examples' input beats and the\n"
    "                     model's outputs (NAME_in.hex, NAME_expect.hex,\n"
    "                     NAME_labels.hex) and NAME_tb.v, the self-checking bench\n"
    NN_DATA_HELP
    "  --stall PCT        the bench's idle input and output cycles, 0-90 (default 30)\n"
    "  --fault            test only: the expected outputs of a deliberately wrong model\n"
    "  -o, --out DIR      output directory (required)\n"
    "\n"
    "With --interface axis, --reset sync-low or --skid, NAME.v and NAME.h are the\n"
    "wrapper (module NAME, docs/interfaces.md) around the network, whose files are\n"
    "named with NAME_core for NAME (NAME_core.v holds module NAME_core).\n"
    "\n"
    "Exit status: 0 success, 1 cannot write, 2 bad option or file (the message names\n"
    "the value; no file is written).\n";

enum {
    OPT_WEIGHTS = 256, OPT_SCHEME, OPT_BITS, OPT_ACT_BITS, OPT_WORDS, OPT_WFSR,
    OPT_AFSR, OPT_FSR_FROM, OPT_SIMD, OPT_PE, OPT_SQRT2, OPT_PIPE, OPT_ROM, OPT_NAME,
    OPT_VECTORS, OPT_STALL, OPT_FAULT, OPT_TARGET, OPT_WRAP /* .. + BLK_WRAP_NOPTS */
};

typedef struct {
    const char *name;
    lq_scheme w, a;
    const char *eval_w, *eval_a; /* the scheme names of eval's hw-fsr lines */
} net_scheme;

static const net_scheme net_schemes[] = {
    {"shift-log2", LQ_LOG2, LQ_LINEAR, "log2", "linear"},
    {"shift-logsqrt2", LQ_LOGSQRT2, LQ_LINEAR, "logsqrt2", "linear"},
    {"loglog", LQ_LOG2, LQ_LOG2, "log2", "log2"},
    {"loglog-sqrt2", LQ_LOGSQRT2, LQ_LOGSQRT2, "logsqrt2", "logsqrt2"},
    {"slq", LQ_SLQ, LQ_LINEAR, "slq", "linear"},
    {"linear", LQ_LINEAR, LQ_LINEAR, "linear", "linear"},
};
enum { NNET_SCHEMES = sizeof net_schemes / sizeof net_schemes[0] };

/* Per layer: everything the emitters need. */
typedef struct {
    int in, out, simd, pe;
    int slots, nchk, ngrp, depth; /* word slots, beats per slot, groups, ROM words */
    int a_bits, w_bits;           /* input code and weight code widths */
    int wpar, nwr;                /* codes per input beat, input beats per image */
    int xpar, xbeats;             /* the same of the layer's input stream: a conv layer's
                                   * is one pixel per beat, its engine's (wpar, nwr) one
                                   * window per beat (net_conv.h) */
    int sum_bits, z_bits, ob;     /* MAC sum, pre-activation, output field widths */
    int mac_latency, cycles;      /* MAC array latency; beats per image */
    int post_stages;              /* registers between the bias adder and the output
                                     register: 0 (last layer), 1 (linear codes), 2 (log) */
    int rom_block;                /* 1: block RAM */
    long rom_blocks;              /* block RAMs of the target it takes (0: logic) */
    int last;
} net_layer;

typedef struct {
    const char *name;
    char upper[80];
    const net_scheme *sch;
    int bits, act_bits, words, sqrt2_frac, nlayers;
    const char *pipeline;
    int pipeline_given; /* --pipeline on the command line (else the default) */
    net_layer ly[NN_LAYERS_MAX];
    hw_net hw;          /* the integer network the RTL is built from */
    hw_net hw_vec;      /* the one the vectors come from: hw, or with --fault a
                         * deliberately wrong one (biases truncated) */
    int have_vec;
    int in_beats, latency, period, class_bits;
    const net_target *target;
    int mults, use_dsp; /* linear-engine multipliers; 1: in the target's DSPs */
    const lq_cmd *cmd;
} net_gen;

/* ---- small helpers ---- */

static int clog2(long n) /* bits of a counter 0 .. n-1, at least 1 */
{
    int b = 1;
    while ((1L << b) < n)
        b++;
    return b;
}

/* w += x * 2^(64 i), 256-bit w. */
static void add_at(uint64_t *w, int i, unsigned __int128 x)
{
    while (x && i < 4) {
        unsigned __int128 t = (unsigned __int128)w[i] + (uint64_t)x;
        w[i] = (uint64_t)t;
        x = (x >> 64) + (t >> 64);
        i++;
    }
}

/* floor(2^(E / deg)) for deg 2 or 4, 0 <= E < 250: the largest t < 2^63 with
 * t^deg <= 2^E, found bit by bit with exact integer powers (c^4 in 256 bits). */
static uint64_t root_pow2(int deg, int E)
{
    uint64_t t = 0;
    for (int bit = 62; bit >= 0; bit--) {
        uint64_t c = t | (1ULL << bit), w[4] = {0, 0, 0, 0};
        unsigned __int128 c2 = (unsigned __int128)c * c;
        int len = 0, ones = 0;
        if (deg == 2) {
            add_at(w, 0, c2);
        } else {
            uint64_t h = (uint64_t)(c2 >> 64), l = (uint64_t)c2;
            add_at(w, 0, (unsigned __int128)l * l);
            add_at(w, 1, (unsigned __int128)l * h);
            add_at(w, 1, (unsigned __int128)l * h);
            add_at(w, 2, (unsigned __int128)h * h);
        }
        for (int i = 3; i >= 0 && !len; i--)
            if (w[i])
                len = 64 * i + 64 - __builtin_clzll(w[i]);
        for (int i = 0; i < 4; i++)
            ones += __builtin_popcountll(w[i]);
        /* c^deg <= 2^E: below 2^E (bit length <= E) or equal to it */
        if (len <= E || (len == E + 1 && ones == 1))
            t = c;
    }
    return t;
}

/* Verilog literal of width w for a non-negative value (w <= 64). */
static void lit(char *buf, size_t n, int w, uint64_t v)
{
    snprintf(buf, n, "%d'd%llu", w, (unsigned long long)v);
}

/* Sign-extend signed `src` of width ws to wd bits (ws <= wd) as an expression. */
static void sext_expr(char *buf, size_t n, const char *src, int ws, int wd)
{
    if (wd == ws)
        snprintf(buf, n, "%s", src);
    else
        snprintf(buf, n, "{{%d{%s[%d]}}, %s}", wd - ws, src, ws - 1, src);
}

/* A growable bit vector (LSB first), written as hex. */
typedef struct {
    unsigned char *b;
    int n, cap;
} bitv;

static int bv_push(bitv *v, uint64_t x, int w)
{
    if (v->n + w > v->cap) {
        int cap = (v->n + w) * 2 + 64;
        unsigned char *nb = realloc(v->b, (size_t)cap);
        if (!nb)
            return -1;
        v->b = nb;
        v->cap = cap;
    }
    for (int i = 0; i < w; i++)
        v->b[v->n++] = (unsigned char)(i < 64 ? (x >> i) & 1 : (x >> 63) & 1);
    return 0;
}

static void bv_hex(lq_file *f, const bitv *v)
{
    int nd = (v->n + 3) / 4;
    for (int d = nd - 1; d >= 0; d--) {
        int x = 0;
        for (int j = 3; j >= 0; j--)
            x = 2 * x + (4 * d + j < v->n ? v->b[4 * d + j] : 0);
        file_printf(f, "%c", "0123456789abcdef"[x]);
    }
}

static int parse_list(const char *opt, const char *s, long lo, long hi, int *v, int *n)
{
    char buf[256], *save = NULL;
    *n = 0;
    if (strlen(s) >= sizeof buf) {
        cli_error("%s '%s' is too long", opt, s);
        return -1;
    }
    strcpy(buf, s);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*n == NN_LAYERS_MAX) {
            cli_error("%s '%s': at most %d values (one per layer)", opt, s, NN_LAYERS_MAX);
            return -1;
        }
        if (cli_int(opt, t, lo, hi, &v[(*n)++]) != 0)
            return -1;
    }
    if (*n == 0) {
        cli_error("%s '%s' names no value", opt, s);
        return -1;
    }
    return 0;
}

/* One value per layer, or one value for all. */
static int per_layer(const char *opt, const int *v, int n, int nlayers, int *out)
{
    if (n != 1 && n != nlayers) {
        cli_error("%s: %d values for a network of %d layers (give one, or one per layer)",
                  opt, n, nlayers);
        return -1;
    }
    for (int k = 0; k < nlayers; k++)
        out[k] = v[n == 1 ? 0 : k];
    return 0;
}

/* The hw-fsr line of `logq eval --hw` output for this scheme and width. */
static int fsr_from(const char *path, const net_gen *g, char *wl, char *al, size_t len)
{
    FILE *fp = fopen(path, "r");
    char line[512], want_w[32];
    int found = 0;
    if (!fp) {
        cli_error("--fsr-from %s: cannot open it", path);
        return -1;
    }
    if (g->sch->w == LQ_SLQ)
        snprintf(want_w, sizeof want_w, "slq-L%d", g->words);
    else
        snprintf(want_w, sizeof want_w, "%s", g->sch->eval_w);
    while (fgets(line, sizeof line, fp)) {
        char w[32], a[32], wf[128], af[128];
        int b;
        if (sscanf(line, "hw-fsr %31s %31s %d --wfsr %127s --afsr %127s", w, a, &b, wf, af) == 5 &&
            strcmp(w, want_w) == 0 && strcmp(a, g->sch->eval_a) == 0 && b == g->bits) {
            snprintf(wl, len, "%s", wf);
            snprintf(al, len, "%s", af);
            found = 1;
        }
    }
    fclose(fp);
    if (!found) {
        cli_error("--fsr-from %s: no line 'hw-fsr %s %s %d ...' (run logq eval --hw with "
                  "--bits %d)", path, want_w, g->sch->eval_a, g->bits, g->bits);
        return -1;
    }
    return 0;
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40 || !islower((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return strcmp(s, "module") != 0 && strcmp(s, "wire") != 0 && strcmp(s, "reg") != 0;
}

/* ---- the re-quantizer of a hidden layer's outputs ---- */

static void emit_requant(lq_file *f, const net_gen *g, int k)
{
    const net_layer *L = &g->ly[k];
    const hw_layer *H = &g->hw.l[k];
    const lq_format *fa = &g->hw.spec.a[k + 1];
    int ZU = L->z_bits - 1, A = fa->bits;
    char b1[64];
    file_printf(f, "\n// %s_l%d_rq: re-quantizer of layer %d's outputs (after the ReLU) to the\n"
                   "// %s unsigned %d-bit codes of layer %d, FSR %d, nearest: for every input\n"
                   "// the code is lq_quantize of the exact value z * 2^%d (docs/net.md).\n",
                g->name, k + 1, k + 1, lq_scheme_name(fa->scheme), A, k + 2, fa->fsr, H->lsb);
    if (fa->scheme != LQ_LINEAR) {
        /* Log: two stages in the layer (the leading one, then the rest; a register
         * between them), composed here into one combinational module for its bench. */
        int NW = clog2(ZU);
        file_printf(f, "// Log codes: %s_l%d_lod (the leading one) and %s_l%d_rqn (the code from z\n"
                       "// and its leading one), registered between them in the layer.\n"
                       "/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_rq (\n"
                       "    input  wire [%d:0] z,  // pre-activation, >= 0, LSB 2^%d\n"
                       "    output wire [%d:0] q\n);\n    wire [%d:0] n;\n"
                       "    %s_l%d_lod u_lod (\n        .z(z),\n        .n(n)\n    );\n"
                       "    %s_l%d_rqn u_rqn (\n        .z(z),\n        .n(n),\n        .q(q)\n    );\n"
                       "endmodule\n/* verilator lint_on DECLFILENAME */\n",
                    g->name, k + 1, g->name, k + 1, g->name, k + 1, ZU - 1, H->lsb, A - 1, NW - 1,
                    g->name, k + 1, g->name, k + 1);
        file_printf(f, "\n/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_lod (\n"
                       "    /* verilator lint_off UNUSED */\n    input  wire [%d:0] z,  // bit 0 decides "
                       "nothing\n    /* verilator lint_on UNUSED */\n"
                       "    output wire [%d:0] n  // the leading one of z (0 for z = 0)\n);\n", g->name, k + 1, ZU - 1, NW - 1);
    } else {
        file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_rq (\n"
                       "    input  wire [%d:0] z,  // pre-activation, >= 0, LSB 2^%d\n"
                       "    output wire [%d:0] q\n);\n", g->name, k + 1, ZU - 1, H->lsb, A - 1);
    }
    if (fa->scheme == LQ_LINEAR) {
        int d = (fa->fsr - A) - H->lsb; /* the step 2^(fsr - A) is 2^d LSBs of z */
        uint64_t qmax = (1ULL << A) - 1;
        int TW;
        if (d >= 1) {
            TW = (ZU > d ? ZU : d) + 1;
            lit(b1, sizeof b1, TW, 1ULL << (d - 1));
            file_printf(f, "    // round half up: (z + 2^%d) >> %d\n", d - 1, d);
            file_printf(f, "    /* verilator lint_off UNUSED */\n");
            if (TW > ZU)
                file_printf(f, "    wire [%d:0] s = {%d'd0, z} + %s;\n", TW - 1, TW - ZU, b1);
            else
                file_printf(f, "    wire [%d:0] s = z + %s;\n", TW - 1, b1);
            file_printf(f, "    /* verilator lint_on UNUSED */\n");
            file_printf(f, "    wire [%d:0] t = s[%d:%d];\n", TW - d - 1, TW - 1, d);
            TW -= d;
        } else {
            TW = ZU - d;
            if (d < 0)
                file_printf(f, "    wire [%d:0] t = {z, %d'd0};  // times 2^%d\n", TW - 1, -d, -d);
            else
                file_printf(f, "    wire [%d:0] t = z;\n", TW - 1);
        }
        if (TW < A)
            file_printf(f, "    assign q = {%d'd0, t};\n", A - TW);
        else if (TW == A)
            file_printf(f, "    assign q = t;\n");
        else
            file_printf(f, "    assign q = t > %d'd%llu ? %d'd%llu : t[%d:0];  // saturate\n", TW,
                        (unsigned long long)qmax, A, (unsigned long long)qmax, A - 1);
    } else {
        int S = fa->scheme == LQ_LOGSQRT2 ? 2 : 1, b = A, NW = clog2(ZU), K = ZU - 1;
        int emin = lq_exp_min(fa), off = S * H->lsb - emin + 1, MW = 16;
        uint64_t mmax = (1ULL << b) - 1;
        file_printf(f, "    // leading one n, e = %d * (%d + n) + r, m = e - (%d) + 1 = %d n + r + "
                       "(%d),\n    // clipped to 0 .. %llu (flush, saturation)\n",
                    S, H->lsb, emin, S, off, (unsigned long long)mmax);
        /* the leading-one detector as a tree: node (l, j) covers bits j 2^l ..
         * (j + 1) 2^l - 1; v: any bit set, x: the position of the highest one in it */
        file_printf(f, "    // leading one: a tree of %d levels (bits above %d read as 0)\n", NW,
                    ZU - 1);
        /* v(l, j) is needed by the parent's select when j is odd and by the
         * parent's v when that is needed: only the needed ones are written */
        unsigned char need[8][64];
        memset(need, 0, sizeof need);
        for (int l = NW - 1; l >= 0; l--)
            for (int j = 0; j < (1 << (NW - l)); j++)
                need[l][j] = (j & 1) || (l + 1 < NW && need[l + 1][j / 2]);
        for (int j = 0; j < (1 << NW); j++)
            if (need[0][j])
                file_printf(f, j < ZU ? "    wire v0_%d = z[%d];\n" : "    wire v0_%d = 1'b0;\n", j, j);
        for (int l = 1; l <= NW; l++)
            for (int j = 0; j < (1 << (NW - l)); j++) {
                if (l < NW && need[l][j])
                    file_printf(f, "    wire v%d_%d = v%d_%d | v%d_%d;\n", l, j, l - 1, 2 * j,
                                l - 1, 2 * j + 1);
                if (l == 1)
                    file_printf(f, "    wire [0:0] x1_%d = v0_%d;\n", j, 2 * j + 1);
                else
                    file_printf(f, "    wire [%d:0] x%d_%d = v%d_%d ? {1'b1, x%d_%d} : {1'b0, x%d_%d};\n",
                                l - 1, l, j, l - 1, 2 * j + 1, l - 1, 2 * j + 1, l - 1, 2 * j);
            }
        file_printf(f, "    assign n = x%d_0;\nendmodule\n/* verilator lint_on DECLFILENAME */\n", NW);
        file_printf(f, "\n/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_rqn (\n"
                       "    input  wire [%d:0] z,\n    input  wire [%d:0] n,  // its leading one\n"
                       "    output wire [%d:0] q\n);\n", g->name, k + 1, ZU - 1, NW - 1, A - 1);
        if (K >= 1) {
            file_printf(f, "    wire [%d:0] sh = %d'd%d - n;\n", NW - 1, NW, ZU - 1);
            file_printf(f, "    /* verilator lint_off UNUSED */\n    wire [%d:0] y = z << sh;  "
                           "// leading one at bit %d\n    /* verilator lint_on UNUSED */\n",
                        ZU - 1, ZU - 1);
            file_printf(f, "    wire [%d:0] yf = y[%d:0];  // the %d bits below it\n", K - 1, K - 1, K);
            if (S == 1) {
                uint64_t c = root_pow2(2, 2 * K + 1) - (1ULL << K);
                file_printf(f, "    wire [1:0] r = {1'b0, yf > %d'd%llu};  // y > sqrt(2)\n", K,
                            (unsigned long long)c);
            } else {
                uint64_t c1 = root_pow2(4, 4 * K + 1) - (1ULL << K);
                uint64_t c3 = root_pow2(4, 4 * K + 3) - (1ULL << K);
                file_printf(f, "    wire r1 = yf > %d'd%llu;  // y > 2^(1/4)\n", K,
                            (unsigned long long)c1);
                file_printf(f, "    wire r3 = yf > %d'd%llu;  // y > 2^(3/4)\n", K,
                            (unsigned long long)c3);
                file_printf(f, "    wire [1:0] r = {1'b0, r1} + {1'b0, r3};\n");
            }
        } else {
            file_printf(f, "    wire [1:0] r = 2'd0;  // z is 0 or 1\n");
        }
        file_printf(f, "    wire signed [%d:0] mr = $signed({%d'd0, n%s}) + $signed({%d'd0, r}) %s "
                       "%d'sd%d;\n", MW - 1, MW - NW - (S == 2 ? 1 : 0), S == 2 ? ", 1'b0" : "",
                    MW - 2, off < 0 ? "-" : "+", MW, abs(off));
        file_printf(f, "    assign q = ~|z ? %d'd0 : mr <= %d'sd0 ? %d'd0 : mr >= %d'sd%llu ? "
                       "%d'd%llu : mr[%d:0];\n", A, MW, A, MW, (unsigned long long)mmax, A,
                    (unsigned long long)mmax, b - 1);
    }
    file_printf(f, "endmodule\n/* verilator lint_on DECLFILENAME */\n");
}

/* ---- the linear x linear engine (the int8 baseline): the MAC's ports ---- */

static void emit_linear_mac(lq_file *f, const net_gen *g, int k)
{
    const net_layer *L = &g->ly[k];
    const hw_layer *H = &g->hw.l[k];
    int N = L->simd, A = L->a_bits, B = L->w_bits;
    int AE = H->mac.a.is_signed ? A : A + 1, WE = H->mac.w.is_signed ? B : B + 1;
    int PB = AE + WE, D = 0, SW = L->sum_bits, n = N;
    char e1[256], e2[256];
    while ((1 << D) < N)
        D++; /* adder-tree levels */
    file_printf(f, "\n// %s_l%d_mac: %d lanes of linear x linear products (multipliers), an\n"
                   "// adder tree and the accumulator: the ports and handshake of logq gen mac,\n"
                   "// latency 2 (product registers). m_sum LSB 2^%d.\n",
                g->name, k + 1, N, H->lsb);
    file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_mac (\n"
                   "    input  wire clk,\n    input  wire rst,\n    input  wire s_valid,\n"
                   "    output wire s_ready,\n    input  wire s_last,\n"
                   "    input  wire [%d:0] s_a,\n    input  wire [%d:0] s_w,\n"
                   "    output reg  m_valid,\n    input  wire m_ready,\n"
                   "    output reg  [%d:0] m_sum\n);\n", g->name, k + 1, N * A - 1, N * B - 1,
                SW - 1);
    file_printf(f, "    wire out_free = !m_valid || m_ready;\n    wire en;\n"
                   "    assign s_ready = en;\n");
    file_printf(f, "    wire [%d:0] prod;\n", N * PB - 1);
    for (int i = 0; i < N; i++) {
        char src[100];
        if (H->mac.a.is_signed)
            snprintf(src, sizeof src, "s_a[%d:%d]", (i + 1) * A - 1, i * A);
        else
            snprintf(src, sizeof src, "{1'b0, s_a[%d:%d]}", (i + 1) * A - 1, i * A);
        file_printf(f, "    wire signed [%d:0] a%d = %s;\n", AE - 1, i, src);
        if (H->mac.w.is_signed)
            snprintf(src, sizeof src, "s_w[%d:%d]", (i + 1) * B - 1, i * B);
        else
            snprintf(src, sizeof src, "{1'b0, s_w[%d:%d]}", (i + 1) * B - 1, i * B);
        file_printf(f, "    wire signed [%d:0] w%d = %s;\n", WE - 1, i, src);
        snprintf(src, sizeof src, "a%d", i);
        sext_expr(e1, sizeof e1, src, AE, PB);
        snprintf(src, sizeof src, "w%d", i);
        sext_expr(e2, sizeof e2, src, WE, PB);
        file_printf(f, "    wire signed [%d:0] ax%d = %s;\n    wire signed [%d:0] wx%d = %s;\n",
                    PB - 1, i, e1, PB - 1, i, e2);
        file_printf(f, "    assign prod[%d:%d] = ax%d * wx%d;  // the multiplier\n",
                    (i + 1) * PB - 1, i * PB, i, i);
    }
    file_printf(f, "    reg [%d:0] prod_r;\n    reg v1, l1;\n", N * PB - 1);
    file_printf(f, "    always @(posedge clk) if (en) prod_r <= prod;\n");
    file_printf(f, "    always @(posedge clk) begin\n        if (rst) begin\n"
                   "            v1 <= 1'b0;\n            l1 <= 1'b0;\n"
                   "        end else if (en) begin\n            v1 <= s_valid;\n"
                   "            l1 <= s_last;\n        end\n    end\n");
    for (int i = 0; i < N; i++)
        file_printf(f, "    wire signed [%d:0] t0_%d = prod_r[%d:%d];\n", PB - 1, i,
                    (i + 1) * PB - 1, i * PB);
    for (int j = 1; j <= D; j++) {
        int wi = PB + j - 1, m = (n + 1) / 2;
        for (int q = 0; q < m; q++) {
            if (2 * q + 1 < n)
                file_printf(f, "    wire signed [%d:0] t%d_%d = $signed({t%d_%d[%d], t%d_%d}) + "
                               "$signed({t%d_%d[%d], t%d_%d});\n", wi, j, q, j - 1, 2 * q, wi - 1,
                            j - 1, 2 * q, j - 1, 2 * q + 1, wi - 1, j - 1, 2 * q + 1);
            else
                file_printf(f, "    wire signed [%d:0] t%d_%d = $signed({t%d_%d[%d], t%d_%d});\n",
                            wi, j, q, j - 1, 2 * q, wi - 1, j - 1, 2 * q);
        }
        n = m;
    }
    {
        char tn[32];
        snprintf(tn, sizeof tn, "t%d_0", D);
        sext_expr(e1, sizeof e1, tn, PB + D, SW);
    }
    file_printf(f, "    wire take = v1 && (!l1 || out_free);\n    assign en = !v1 || take;\n");
    file_printf(f, "    reg signed [%d:0] acc;\n    wire signed [%d:0] acc_next = acc + %s;\n",
                SW - 1, SW - 1, e1);
    file_printf(f, "    always @(posedge clk) begin\n        if (rst) begin\n"
                   "            acc <= %d'sd0;\n            m_valid <= 1'b0;\n"
                   "            m_sum <= %d'd0;\n        end else begin\n"
                   "            if (m_valid && m_ready)\n                m_valid <= 1'b0;\n"
                   "            if (take) begin\n                if (l1) begin\n"
                   "                    m_sum <= acc_next;\n                    m_valid <= 1'b1;\n"
                   "                    acc <= %d'sd0;\n                end else begin\n"
                   "                    acc <= acc_next;\n                end\n"
                   "            end\n        end\n    end\nendmodule\n/* verilator lint_on DECLFILENAME */\n",
                SW, SW, SW);
}

/* ---- one layer ---- */

static void emit_layer(lq_file *f, const net_gen *g, int k)
{
    const net_layer *L = &g->ly[k];
    const hw_layer *H = &g->hw.l[k];
    int A = L->a_bits, WB = L->w_bits, IN = L->in, SIMD = L->simd, PE = L->pe;
    int WCW = clog2(L->nwr), CCW = clog2(L->nchk), VN = L->slots * L->nchk, VCW = clog2(VN);
    int ACW = clog2(L->depth), GCW = clog2(L->ngrp), ZW = L->z_bits, SW = L->sum_bits;
    int OW = L->pe * L->ob, RW = PE * SIMD * WB;
    char nm[96];
    snprintf(nm, sizeof nm, "%s_l%d", g->name, k + 1);
    file_printf(f, "\n// %s: layer %d, %d -> %d, %s; SIMD %d, PE %d: %d word slot(s) x %d beats x "
                   "%d groups\n// = %d cycles per image. Input: %d codes of %d bits per beat "
                   "(%d beats per image);\n// output: %d %s per beat.\n",
                nm, k + 1, IN, L->out, H->relu ? "ReLU" : "no ReLU", SIMD, PE, L->slots, L->nchk,
                L->ngrp, L->cycles, L->wpar, A, L->nwr, PE,
                L->last ? "logits (signed)" : "activation codes");
    file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s (\n"
                   "    input  wire clk,\n    input  wire rst,\n"
                   "    input  wire s_valid,\n    output wire s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    output reg  m_valid,\n    input  wire m_ready,\n"
                   "    output reg  [%d:0] m_data\n);\n", nm, L->wpar * A - 1, OW - 1);
    /* banks */
    file_printf(f, "    // Input banks, ping-pong: the writer fills bank wbank while the reader\n"
                   "    // computes on bank rbank; full[b] is set by the writer's last beat and\n"
                   "    // cleared by the reader's.\n");
    file_printf(f, "    reg [%d:0] bank0, bank1;\n    reg [1:0] full;\n    reg wbank, rbank;\n"
                   "    reg [%d:0] widx;\n", IN * A - 1, WCW - 1);
    file_printf(f, "    assign s_ready = !full[wbank];\n"
                   "    wire wr = s_valid && s_ready;\n"
                   "    wire wr_last = widx == %d'd%d;\n", WCW, L->nwr - 1);
    file_printf(f, "    always @(posedge clk) begin\n        if (wr) begin\n"
                   "            case ({wbank, widx})\n");
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < L->nwr; i++) {
            int lastc = b == 1 && i == L->nwr - 1;
            if (lastc)
                file_printf(f, "                default:");
            else
                file_printf(f, "                %d'd%d:", WCW + 1, (b << WCW) | i);
            file_printf(f, " bank%d[%d:%d] <= s_data;\n", b, (i + 1) * L->wpar * A - 1,
                        i * L->wpar * A);
        }
    file_printf(f, "            endcase\n        end\n    end\n");
    /* reader */
    file_printf(f, "\n    // Reader: one beat per cycle into stage B (activations and ROM word).\n");
    file_printf(f, "    reg [%d:0] addr;  // ROM word: (group, slot, chunk)\n", ACW - 1);
    file_printf(f, "    reg [%d:0] chk;   // chunk of SIMD inputs\n", CCW - 1);
    file_printf(f, "    reg [%d:0] vcnt;  // beat within the dot product\n", VCW - 1);
    file_printf(f, "    reg vb, lb;\n    reg [%d:0] act_r;\n    wire [%d:0] rom_q;\n", SIMD * A - 1,
                RW - 1);
    file_printf(f, "    wire mac_ready;\n    wire en_b = !vb || mac_ready;\n"
                   "    wire run = full[rbank];\n    wire issue = run && en_b;\n");
    file_printf(f, "    wire last_chk = chk == %d'd%d;\n    wire last_v = vcnt == %d'd%d;\n"
                   "    wire last_img = addr == %d'd%d;\n", CCW, L->nchk - 1, VCW, VN - 1, ACW,
                L->depth - 1);
    file_printf(f, "    always @(posedge clk) begin\n        if (rst) begin\n"
                   "            vb <= 1'b0;\n            lb <= 1'b0;\n"
                   "            addr <= %d'd0;\n            chk <= %d'd0;\n            vcnt <= %d'd0;\n"
                   "            rbank <= 1'b0;\n            wbank <= 1'b0;\n            widx <= %d'd0;\n"
                   "            full <= 2'b00;\n        end else begin\n",
                ACW, CCW, VCW, WCW);
    file_printf(f, "            if (en_b) begin\n                vb <= run;\n"
                   "                lb <= last_v;\n            end\n");
    file_printf(f, "            if (issue) begin\n"
                   "                addr <= last_img ? %d'd0 : addr + %d'd1;\n"
                   "                chk <= last_chk ? %d'd0 : chk + %d'd1;\n"
                   "                vcnt <= last_v ? %d'd0 : vcnt + %d'd1;\n"
                   "                if (last_img)\n                    rbank <= !rbank;\n"
                   "            end\n", ACW, ACW, CCW, CCW, VCW, VCW);
    file_printf(f, "            if (wr) begin\n                widx <= wr_last ? %d'd0 : widx + %d'd1;\n"
                   "                if (wr_last)\n                    wbank <= !wbank;\n"
                   "            end\n", WCW, WCW);
    file_printf(f, "            // the two banks differ whenever both events happen\n"
                   "            if (wr && wr_last)\n                full[wbank] <= 1'b1;\n"
                   "            if (issue && last_img)\n                full[rbank] <= 1'b0;\n"
                   "        end\n    end\n");
    file_printf(f, "    always @(posedge clk) begin\n        if (issue) begin\n"
                   "            case ({rbank, chk})\n");
    for (int b = 0; b < 2; b++)
        for (int c = 0; c < L->nchk; c++) {
            if (b == 1 && c == L->nchk - 1)
                file_printf(f, "                default:");
            else
                file_printf(f, "                %d'd%d:", CCW + 1, (b << CCW) | c);
            file_printf(f, " act_r <= bank%d[%d:%d];\n", b, (c + 1) * SIMD * A - 1, c * SIMD * A);
        }
    file_printf(f, "            endcase\n        end\n    end\n");
    file_printf(f, "    %s_wrom u_wrom (\n        .clk(clk),\n        .en(issue),\n"
                   "        .addr(addr),\n        .q(rom_q)\n    );\n", nm);
    /* MAC arrays */
    file_printf(f, "\n    // %d MAC array(s) of %d lanes: the same activations, one neuron each.\n",
                PE, SIMD);
    file_printf(f, "    wire [%d:0] m_ir, m_ov;\n    wire [%d:0] m_sum;\n", PE - 1, PE * SW - 1);
    /* hidden layers: the ReLU of z registered (stage P), for log codes also z and
     * its leading one (stage N), then the output register (docs/net.md, timing) */
    file_printf(f, "    wire o_free = !m_valid || m_ready;\n");
    if (L->last)
        file_printf(f, "    wire post_ready = o_free;\n");
    else if (L->post_stages == 2)
        file_printf(f, "    reg pv, nv;\n    wire n_free = !nv || o_free;\n"
                       "    wire post_ready = !pv || n_free;\n");
    else
        file_printf(f, "    reg pv;\n    wire post_ready = !pv || o_free;\n");
    file_printf(f, "    assign mac_ready = &m_ir;  // identical arrays: all equal\n"
                   "    wire post = (&m_ov) && post_ready;\n");
    for (int p = 0; p < PE; p++)
        file_printf(f, "    %s_mac u_mac%d (\n        .clk(clk),\n        .rst(rst),\n"
                       "        .s_valid(vb),\n        .s_ready(m_ir[%d]),\n        .s_last(lb),\n"
                       "        .s_a(act_r),\n        .s_w(rom_q[%d:%d]),\n"
                       "        .m_valid(m_ov[%d]),\n        .m_ready(post_ready),\n"
                       "        .m_sum(m_sum[%d:%d])\n    );\n", nm, p, p,
                    (p + 1) * SIMD * WB - 1, p * SIMD * WB, p, (p + 1) * SW - 1, p * SW);
    /* bias, relu, requant */
    file_printf(f, "\n    // Bias (rounded once to the sum's fixed point, LSB 2^%d), ReLU, %s.\n",
                H->lsb, L->last ? "logits" : "re-quantization");
    file_printf(f, "    reg [%d:0] ogrp;\n    wire [%d:0] bias;\n", GCW - 1, PE * ZW - 1);
    file_printf(f, "    %s_bias u_bias (\n        .grp(ogrp),\n        .b(bias)\n    );\n", nm);
    file_printf(f, "    wire [%d:0] res;\n", OW - 1);
    for (int p = 0; p < PE; p++) {
        char src[64], e[200];
        snprintf(src, sizeof src, "m_sum[%d:%d]", (p + 1) * SW - 1, p * SW);
        if (ZW == SW)
            snprintf(e, sizeof e, "%s", src);
        else
            snprintf(e, sizeof e, "{{%d{m_sum[%d]}}, %s}", ZW - SW, (p + 1) * SW - 1, src);
        file_printf(f, "    wire signed [%d:0] z%d = $signed(%s) + $signed(bias[%d:%d]);\n", ZW - 1,
                    p, e, (p + 1) * ZW - 1, p * ZW);
        if (!L->last) {
            int ZU = ZW - 1, NW = clog2(ZU);
            file_printf(f, "    wire [%d:0] zr%d = z%d[%d] ? %d'd0 : z%d[%d:0];  // ReLU\n", ZU - 1,
                        p, p, ZW - 1, ZU, p, ZU - 1);
            file_printf(f, "    reg [%d:0] pz%d;\n    always @(posedge clk) if (post) pz%d <= zr%d;\n",
                        ZU - 1, p, p, p);
            if (L->post_stages == 2) {
                file_printf(f, "    reg [%d:0] nz%d;\n    reg [%d:0] nn%d;\n    wire [%d:0] pn%d;\n"
                               "    %s_lod u_lod%d (\n        .z(pz%d),\n        .n(pn%d)\n    );\n"
                               "    always @(posedge clk) begin\n        if (pv && n_free) begin\n"
                               "            nz%d <= pz%d;\n            nn%d <= pn%d;\n        end\n"
                               "    end\n"
                               "    %s_rqn u_rq%d (\n        .z(nz%d),\n        .n(nn%d),\n"
                               "        .q(res[%d:%d])\n    );\n",
                            ZU - 1, p, NW - 1, p, NW - 1, p, nm, p, p, p, p, p, p, p, nm, p, p, p,
                            (p + 1) * L->ob - 1, p * L->ob);
            } else {
                file_printf(f, "    %s_rq u_rq%d (\n        .z(pz%d),\n        .q(res[%d:%d])\n    );\n",
                            nm, p, p, (p + 1) * L->ob - 1, p * L->ob);
            }
        } else if (H->relu) {
            file_printf(f, "    assign res[%d:%d] = z%d[%d] ? %d'd0 : z%d;  // ReLU\n",
                        (p + 1) * ZW - 1, p * ZW, p, ZW - 1, ZW, p);
        } else {
            file_printf(f, "    assign res[%d:%d] = z%d;\n", (p + 1) * ZW - 1, p * ZW, p);
        }
    }
    {
        /* the beat that enters the output register: post itself, or the last stage's */
        const char *ld = L->last ? "post" : L->post_stages == 2 ? "nv && o_free" : "pv && o_free";
        file_printf(f, "    wire ld = %s;\n", ld);
        file_printf(f, "    always @(posedge clk) begin\n        if (rst) begin\n"
                       "            m_valid <= 1'b0;\n            ogrp <= %d'd0;\n", GCW);
        if (!L->last)
            file_printf(f, "            pv <= 1'b0;\n");
        if (L->post_stages == 2)
            file_printf(f, "            nv <= 1'b0;\n");
        file_printf(f, "        end else begin\n            if (m_valid && m_ready)\n"
                       "                m_valid <= 1'b0;\n            if (ld)\n"
                       "                m_valid <= 1'b1;\n");
        if (L->post_stages == 2)
            file_printf(f, "            if (nv && o_free)\n                nv <= 1'b0;\n"
                           "            if (pv && n_free) begin\n                nv <= 1'b1;\n"
                           "                pv <= 1'b0;\n            end\n");
        else if (!L->last)
            file_printf(f, "            if (pv && o_free)\n                pv <= 1'b0;\n");
        if (!L->last)
            file_printf(f, "            if (post)\n                pv <= 1'b1;\n");
        file_printf(f, "            if (post)\n"
                       "                ogrp <= ogrp == %d'd%d ? %d'd0 : ogrp + %d'd1;\n"
                       "        end\n    end\n", GCW, L->ngrp - 1, GCW, GCW);
    }
    file_printf(f, "    always @(posedge clk) if (ld) m_data <= res;\n");
    file_printf(f, "endmodule\n/* verilator lint_on DECLFILENAME */\n");
    if (!L->last)
        emit_requant(f, g, k);
    if (H->mode == HW_LINEAR_ENGINE)
        emit_linear_mac(f, g, k);
}

/* ---- the argmax ---- */

static void emit_argmax(lq_file *f, const net_gen *g)
{
    const net_layer *L = &g->ly[g->nlayers - 1];
    int PE = L->pe, ZW = L->z_bits, CW = g->class_bits, GCW = clog2(L->ngrp), OUT = L->out;
    file_printf(f, "\n// %s_argmax: %d groups of %d logits per image; the class is the first\n"
                   "// maximum (lowest index wins a tie), then {class, logits} on the output.\n",
                g->name, L->ngrp, PE);
    file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s_argmax (\n"
                   "    input  wire clk,\n    input  wire rst,\n"
                   "    input  wire s_valid,\n    output wire s_ready,\n"
                   "    input  wire [%d:0] s_data,\n"
                   "    output reg  m_valid,\n    input  wire m_ready,\n"
                   "    output reg  [%d:0] m_class,\n    output reg  [%d:0] m_logits\n);\n",
                g->name, PE * ZW - 1, CW - 1, OUT * ZW - 1);
    file_printf(f, "    reg [%d:0] grp;\n    reg [%d:0] base;  // grp * %d\n", GCW - 1, CW - 1, PE);
    file_printf(f, "    reg signed [%d:0] best;\n    reg [%d:0] bidx;\n", ZW - 1, CW - 1);
    if (L->ngrp > 1)
        file_printf(f, "    reg [%d:0] lreg;  // the logits of the groups before the last\n",
                    (L->ngrp - 1) * PE * ZW - 1);
    file_printf(f, "    wire fin = grp == %d'd%d;\n", GCW, L->ngrp - 1);
    file_printf(f, "    assign s_ready = !fin || !m_valid || m_ready;\n"
                   "    wire take = s_valid && s_ready;\n");
    for (int p = 0; p < PE; p++)
        file_printf(f, "    wire signed [%d:0] c%d = s_data[%d:%d];\n", ZW - 1, p,
                    (p + 1) * ZW - 1, p * ZW);
    file_printf(f, "    reg signed [%d:0] nb;\n    reg [%d:0] ni;\n", ZW - 1, CW - 1);
    file_printf(f, "    always @* begin\n        nb = best;\n        ni = bidx;\n"
                   "        if (grp == %d'd0 || c0 > nb) begin\n            nb = c0;\n"
                   "            ni = base;\n        end\n", GCW);
    for (int p = 1; p < PE; p++)
        file_printf(f, "        if (c%d > nb) begin\n            nb = c%d;\n"
                       "            ni = base + %d'd%d;\n        end\n", p, p, CW, p);
    file_printf(f, "    end\n");
    file_printf(f, "    always @(posedge clk) begin\n        if (rst) begin\n"
                   "            m_valid <= 1'b0;\n            grp <= %d'd0;\n"
                   "            base <= %d'd0;\n        end else begin\n"
                   "            if (m_valid && m_ready)\n                m_valid <= 1'b0;\n"
                   "            if (take) begin\n"
                   "                grp <= fin ? %d'd0 : grp + %d'd1;\n"
                   "                base <= fin ? %d'd0 : base + %d'd%d;\n"
                   "                if (fin)\n                    m_valid <= 1'b1;\n"
                   "            end\n        end\n    end\n", GCW, CW, GCW, GCW, CW, CW, PE);
    file_printf(f, "    always @(posedge clk) begin\n        if (take) begin\n"
                   "            best <= nb;\n            bidx <= ni;\n");
    if (L->ngrp > 1) {
        file_printf(f, "            case (grp)\n");
        for (int q = 0; q < L->ngrp - 1; q++)
            file_printf(f, "                %d'd%d: lreg[%d:%d] <= s_data;\n", GCW, q,
                        (q + 1) * PE * ZW - 1, q * PE * ZW);
        file_printf(f, "                default: ;\n            endcase\n");
        file_printf(f, "            if (fin) begin\n                m_class <= ni;\n"
                       "                m_logits <= {s_data, lreg};\n            end\n");
    } else {
        file_printf(f, "            if (fin) begin\n                m_class <= ni;\n"
                       "                m_logits <= s_data;\n            end\n");
    }
    file_printf(f, "        end\n    end\nendmodule\n/* verilator lint_on DECLFILENAME */\n");
}

/* ---- the top ---- */

static void emit_top(lq_file *f, const net_gen *g)
{
    const net_layer *F = &g->ly[0], *Z = &g->ly[g->nlayers - 1];
    int INW = F->xpar * F->a_bits;
    file_header(f, "//", g->cmd);
    file_printf(f, "//\n// %s: the %s network ", g->name, g->hw.l[0].is_conv ? "conv" : "dense");
    for (int k = 0; k < g->nlayers; k++)
        file_printf(f, "%s%d", k ? "-" : "", g->hw.l[k].act_in);
    file_printf(f, "-%d as one streaming accelerator, scheme %s\n", Z->out, g->sch->name);
    file_printf(f, "// (docs/net.md). Input: %d beats per image of %d x %d-bit codes (lane 0 in\n"
                   "// the LSBs). Output per image: m_class (the first maximum) and m_logits\n"
                   "// (%d x %d-bit signed, logit 0 in the LSBs, LSB 2^%d). Latency %d cycles (first\n"
                   "// input beat accepted -> m_valid), one image every %d cycles.\n\n",
                g->in_beats, F->xpar, F->a_bits, Z->out, Z->z_bits, g->hw.l[g->nlayers - 1].lsb,
                g->latency, g->period);
    file_printf(f, "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    file_printf(f, "module %s (\n    input  wire clk,\n    input  wire rst,  // synchronous, active high\n"
                   "    input  wire s_valid,\n    output wire s_ready,\n"
                   "    input  wire [%d:0] s_data,\n    output wire m_valid,\n"
                   "    input  wire m_ready,\n    output wire [%d:0] m_class,\n"
                   "    output wire [%d:0] m_logits\n);\n", g->name, INW - 1, g->class_bits - 1,
                Z->out * Z->z_bits - 1);
    for (int k = 0; k < g->nlayers; k++) {
        const net_layer *L = &g->ly[k];
        file_printf(f, "    wire s%d_valid, s%d_ready;\n    wire [%d:0] s%d_data;\n", k + 1, k + 1,
                    L->pe * L->ob - 1, k + 1);
    }
    for (int k = 0; k < g->nlayers; k++) {
        file_printf(f, "    %s_l%d%s u_l%d (\n        .clk(clk),\n        .rst(rst),\n", g->name, k + 1,
                    g->hw.l[k].is_conv ? "_conv" : "", k + 1);
        if (k == 0)
            file_printf(f, "        .s_valid(s_valid),\n        .s_ready(s_ready),\n"
                           "        .s_data(s_data),\n");
        else
            file_printf(f, "        .s_valid(s%d_valid),\n        .s_ready(s%d_ready),\n"
                           "        .s_data(s%d_data),\n", k, k, k);
        file_printf(f, "        .m_valid(s%d_valid),\n        .m_ready(s%d_ready),\n"
                       "        .m_data(s%d_data)\n    );\n", k + 1, k + 1, k + 1);
    }
    file_printf(f, "    %s_argmax u_argmax (\n        .clk(clk),\n        .rst(rst),\n"
                   "        .s_valid(s%d_valid),\n        .s_ready(s%d_ready),\n"
                   "        .s_data(s%d_data),\n        .m_valid(m_valid),\n"
                   "        .m_ready(m_ready),\n        .m_class(m_class),\n"
                   "        .m_logits(m_logits)\n    );\nendmodule\n", g->name, g->nlayers,
                g->nlayers, g->nlayers);
    for (int k = 0; k < g->nlayers; k++) {
        emit_layer(f, g, k);
        if (g->hw.l[k].is_conv)
            net_conv_emit(f, g->name, k, &g->hw.l[k], g->ly[k].a_bits, g->ly[k].pe, g->ly[k].ob);
    }
    emit_argmax(f, g);
    file_printf(f, "\n`default_nettype wire\n`resetall\n");
}

/* ---- NAME_weights.v: the ROMs and the biases ---- */

static int emit_weights(lq_file *f, const net_gen *g)
{
    file_header(f, "//", g->cmd);
    file_printf(f, "//\n// The weights of %s as ROMs (one word per beat: the PE x SIMD codes, PE 0\n"
                   "// and lane 0 in the LSBs), initialized inline so every tool reads them from\n"
                   "// this file alone, and the rounded biases (docs/net.md).\n\n"
                   "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n", g->name);
    for (int k = 0; k < g->nlayers; k++) {
        const net_layer *L = &g->ly[k];
        const hw_layer *H = &g->hw.l[k];
        int ACW = clog2(L->depth), RW = L->pe * L->simd * L->w_bits, GCW = clog2(L->ngrp);
        int ZW = L->z_bits;
        bitv v = {NULL, 0, 0};
        file_printf(f, "\n// layer %d: %d words of %d bits (%d bits), %s\n", k + 1, L->depth, RW,
                    L->depth * RW, L->rom_block ? "block RAM" : "logic");
        file_printf(f, "/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_wrom (\n"
                       "    input  wire clk,\n    input  wire en,\n    input  wire [%d:0] addr,\n"
                       "    output reg  [%d:0] q\n);\n", g->name, k + 1, ACW - 1, RW - 1);
        file_printf(f, "    (* rom_style = \"%s\" *)\n    reg [%d:0] rom [0:%d];\n",
                    L->rom_block ? "block" : "logic", RW - 1, L->depth - 1);
        file_printf(f, "    initial begin\n");
        for (int a = 0; a < L->depth; a++) {
            int grp = a / (L->slots * L->nchk), s = (a / L->nchk) % L->slots, c = a % L->nchk;
            v.n = 0;
            for (int p = 0; p < L->pe; p++) {
                int nrn = grp * L->pe + p;
                const uint32_t *row = H->wcode + (size_t)nrn * H->wslots * H->chunks * H->lanes;
                for (int i = 0; i < L->simd; i++)
                    if (bv_push(&v, row[(size_t)s * H->chunks * H->lanes +
                                        net_conv_column(&g->hw, k, c * L->simd + i)],
                                L->w_bits) != 0) {
                        free(v.b);
                        return -1;
                    }
            }
            file_printf(f, "        rom[%d] = %d'h", a, RW);
            bv_hex(f, &v);
            file_printf(f, ";\n");
        }
        free(v.b);
        file_printf(f, "    end\n    always @(posedge clk) if (en) q <= rom[addr];\n"
                       "endmodule\n/* verilator lint_on DECLFILENAME */\n");
        file_printf(f, "\n/* verilator lint_off DECLFILENAME */\nmodule %s_l%d_bias (\n"
                       "    input  wire [%d:0] grp,\n    output reg  [%d:0] b\n);\n"
                       "    always @* begin\n        case (grp)\n", g->name, k + 1, GCW - 1,
                    L->pe * ZW - 1);
        for (int q = 0; q < L->ngrp; q++) {
            if (q == L->ngrp - 1)
                file_printf(f, "            default: b = {");
            else
                file_printf(f, "            %d'd%d: b = {", GCW, q);
            for (int p = L->pe - 1; p >= 0; p--) {
                int64_t bv = H->bias[q * L->pe + p];
                file_printf(f, "%s%s%d'sd%lld", p == L->pe - 1 ? "" : ", ", bv < 0 ? "-" : "", ZW,
                            (long long)(bv < 0 ? -bv : bv));
            }
            file_printf(f, "};\n");
        }
        file_printf(f, "        endcase\n    end\nendmodule\n/* verilator lint_on DECLFILENAME */\n");
    }
    file_printf(f, "\n`default_nettype wire\n`resetall\n");
    return 0;
}

/* ---- NAME.h ---- */

static void emit_header(lq_file *f, const net_gen *g)
{
    const char *u = g->upper;
    const net_layer *F = &g->ly[0], *Z = &g->ly[g->nlayers - 1];
    file_header(f, "//", g->cmd);
    file_printf(f, "//\n// Constants of %s (docs/net.md).\n#ifndef %s_PARAMS_H\n#define %s_PARAMS_H\n\n",
                g->name, u, u);
    file_printf(f, "#define %s_NAME \"%s\"\n#define %s_SCHEME \"%s\"\n#define %s_LAYERS %d\n", u,
                g->name, u, g->sch->name, u, g->nlayers);
    file_printf(f, "#define %s_IN_CODES %d /* codes per input beat */\n", u, F->xpar);
    file_printf(f, "#define %s_IN_CODE_BITS %d\n#define %s_IN_BITS %d /* s_data */\n", u,
                F->a_bits, u, F->xpar * F->a_bits);
    file_printf(f, "#define %s_IMAGE_BEATS %d /* input beats per image */\n", u, g->in_beats);
    file_printf(f, "#define %s_CLASSES %d\n#define %s_CLASS_BITS %d\n", u, Z->out, u, g->class_bits);
    file_printf(f, "#define %s_LOGIT_BITS %d\n#define %s_LOGIT_LSB_EXP %d\n", u, Z->z_bits, u,
                g->hw.l[g->nlayers - 1].lsb);
    for (int k = 0; k < g->nlayers; k++) {
        const net_layer *L = &g->ly[k];
        file_printf(f, "#define %s_L%d_IN %d\n#define %s_L%d_OUT %d\n#define %s_L%d_SIMD %d\n"
                       "#define %s_L%d_PE %d\n#define %s_L%d_CYCLES %d\n#define %s_L%d_MAC_LATENCY %d\n"
                       "#define %s_L%d_SUM_BITS %d\n#define %s_L%d_Z_BITS %d\n#define %s_L%d_LSB_EXP %d\n"
                       "#define %s_L%d_W_FSR %d\n#define %s_L%d_A_FSR %d\n#define %s_L%d_ROM_BITS %d\n",
                    u, k + 1, L->in, u, k + 1, L->out, u, k + 1, L->simd, u, k + 1, L->pe, u, k + 1,
                    L->cycles, u, k + 1, L->mac_latency, u, k + 1, L->sum_bits, u, k + 1, L->z_bits,
                    u, k + 1, g->hw.l[k].lsb, u, k + 1, g->hw.spec.w[k].fsr, u, k + 1,
                    g->hw.spec.a[k].fsr, u, k + 1, L->depth * L->pe * L->simd * L->w_bits);
    }
    for (int k = 0; k < g->nlayers; k++)
        file_printf(f, "#define %s_L%d_POST_STAGES %d /* registers between bias and output */\n",
                    u, k + 1, g->ly[k].post_stages);
    if (g->hw.l[0].is_conv)
        file_printf(f, "/* latency: layer 1's last output beat (docs/net.md, \"Conv layers\") + sum over the\n"
                       " * other layers of (CYCLES + MAC_LATENCY + 2 + POST_STAGES) + 1; L1_CYCLES: per window */\n");
    else
        file_printf(f, "/* latency: IMAGE_BEATS + sum over layers of (CYCLES + MAC_LATENCY + 2 + "
                       "POST_STAGES) */\n");
    file_printf(f, "#define %s_LATENCY %d /* first input beat accepted -> m_valid */\n", u,
                g->latency);
    file_printf(f, "#define %s_PERIOD %d /* cycles between images: max(%s, CYCLES) */\n", u,
                g->period, g->hw.l[0].is_conv ? "layer 1's window schedule" : "IMAGE_BEATS");
    file_printf(f, "\n#endif\n");
}

/* ---- vectors and the Icarus bench ---- */

/* What the bench connects to a port of the top (ports as data: the native ones or the
 * wrapper's, docs/interfaces.md). The bench's own signals keep the native names. */
static void tb_conn(char *buf, size_t len, const lq_port *p)
{
    if (p->role == LQ_ROLE_CLOCK)
        snprintf(buf, len, "clk");
    else if (p->role == LQ_ROLE_RESET)
        snprintf(buf, len, "%srst", p->active_low ? "~" : "");
    else if (p->role == LQ_ROLE_VALID || p->role == LQ_ROLE_READY)
        snprintf(buf, len, "%s_%s", p->stream == LQ_STREAM_IN ? "s" : "m",
                 p->role == LQ_ROLE_VALID ? "valid" : "ready");
    else if (p->role == LQ_ROLE_LAST)
        snprintf(buf, len, "%s_last", p->dir == LQ_PORT_IN ? "s" : "m");
    else if (p->dir == LQ_PORT_IN && p->pad > 0)
        snprintf(buf, len, "{%d'd0, s_data}", p->pad);
    else if (p->dir == LQ_PORT_IN)
        snprintf(buf, len, "s_data");
    else
        snprintf(buf, len, "%s", p->name);
}

static int is_out_data(const lq_port *p)
{
    return p->dir == LQ_PORT_OUT && p->stream == LQ_STREAM_OUT && p->role == LQ_ROLE_DATA;
}

/* The self-checking bench and its vectors; top: the module it tests, whose ports are
 * tp (the network's own, or its wrapper's: w, NULL without one). */
static int emit_vectors(lq_fileset *fs, const net_gen *g, const char *top, const lq_port *tp,
                        int ntp, const wrap_top *w, const nn_data *test, int n, int stall,
                        int *correct)
{
    char got[160], cls_expr[96], conn[96];
    int s_last = 0, m_last = 0, pad = 0, first = 1, broke = 0;
    const char *m_word = NULL;
    char fn[3][96];
    lq_file *fi, *fe, *fl, *tb;
    const net_layer *F = &g->ly[0], *Z = &g->ly[g->nlayers - 1];
    int ok_model = 0, EW = g->class_bits + Z->out * Z->z_bits;
    snprintf(fn[0], sizeof fn[0], "%s_in.hex", top);
    snprintf(fn[1], sizeof fn[1], "%s_expect.hex", top);
    snprintf(fn[2], sizeof fn[2], "%s_labels.hex", top);
    fi = fileset_add(fs, fn[0]);
    fe = fileset_add(fs, fn[1]);
    fl = fileset_add(fs, fn[2]);
    {
        char t[96];
        snprintf(t, sizeof t, "%s_tb.v", top);
        tb = fileset_add(fs, t);
    }
    if (!fi || !fe || !fl || !tb)
        return -1;
    file_header(fi, "//", g->cmd);
    file_header(fe, "//", g->cmd);
    file_header(fl, "//", g->cmd);
    file_printf(fi, "// %d images x %d beats: s_data, lane 0 in the LSBs\n", n, g->in_beats);
    file_printf(fe, "// %d images: {m_logits, m_class} of the integer network (gen/nn/hw.c)\n", n);
    file_printf(fl, "// %d images: the label\n", n);
    for (int i = 0; i < n; i++) {
        hw_acts in;
        int64_t logits[NN_WIDTH_MAX];
        int cls;
        bitv v = {NULL, 0, 0};
        const hw_net *h = g->have_vec ? &g->hw_vec : &g->hw;
        hw_input(h, test->x[i], &in);
        cls = hw_infer(h, &in, logits);
        ok_model += cls == test->y[i];
        for (int b = 0; b < g->in_beats; b++) {
            v.n = 0;
            for (int q = 0; q < F->xpar; q++)
                if (bv_push(&v, in.code[0][h->l[0].is_conv ? net_conv_input(&h->l[0], b, q)
                                                           : b * F->xpar + q], F->a_bits) != 0)
                    return -1;
            bv_hex(fi, &v);
            file_printf(fi, "\n");
        }
        v.n = 0;
        if (bv_push(&v, (uint64_t)cls, g->class_bits) != 0)
            return -1;
        for (int j = 0; j < Z->out; j++)
            if (bv_push(&v, (uint64_t)logits[j], Z->z_bits) != 0)
                return -1;
        bv_hex(fe, &v);
        file_printf(fe, "\n");
        file_printf(fl, "%x\n", test->y[i]);
        free(v.b);
    }
    /* the self-checking bench */
    file_header(tb, "//", g->cmd);
    file_printf(tb, "//\n// Self-checking bench of %s: the first %d test examples, %d %% idle input\n"
                    "// cycles and m_ready low; every {class, logits} is compared (!==, so an X\n"
                    "// fails) with the integer model's. Run it in this directory:\n"
                    "//   iverilog -g2005 -o tb -c %s.icarus.f %s_tb.v && vvp tb\n",
                top, n, stall, top, top);
    if (w)
        file_printf(tb, "// %s is the wrapper (docs/interfaces.md): interface %s, reset %s%s.\n"
                        "// Input TLAST, where there is one, is driven on each image's last beat;\n"
                        "// the output's TDATA padding must be 0 and its TLAST 1.\n",
                    top, w->o.axis ? "axis" : "native", w->o.reset_low ? "sync-low (aresetn)"
                                                                     : "sync-high (rst)",
                    w->o.skid ? ", a skid buffer on the input" : "");
    file_printf(tb, "\n");
    file_printf(tb, "`timescale 1ns / 1ps\n`default_nettype none\n\nmodule %s_tb;\n", top);
    file_printf(tb, "    localparam integer NIMG = %d, BEATS = %d, STALL = %d;\n", n, g->in_beats,
                stall);
    file_printf(tb, "    reg clk = 1'b0, rst = 1'b1;\n    always #5 clk = ~clk;\n");
    file_printf(tb, "    reg [%d:0] inmem [0:%d];\n    reg [%d:0] expmem [0:%d];\n"
                    "    reg [%d:0] labmem [0:%d];\n", F->xpar * F->a_bits - 1,
                n * g->in_beats - 1, EW - 1, n - 1, (g->class_bits > 4 ? g->class_bits : 4) - 1,
                n - 1);
    for (int i = 0; i < ntp; i++) {
        s_last |= tp[i].role == LQ_ROLE_LAST && tp[i].dir == LQ_PORT_IN;
        m_last |= tp[i].role == LQ_ROLE_LAST && tp[i].dir == LQ_PORT_OUT;
    }
    file_printf(tb, "    reg s_valid = 1'b0, m_ready = 1'b0;\n    reg [%d:0] s_data;\n%s"
                    "    wire s_ready, m_valid;\n%s", F->xpar * F->a_bits - 1,
                s_last ? "    reg s_last = 1'b0;\n" : "", m_last ? "    wire m_last;\n" : "");
    /* the output item: the output stream's data ports, the first in the LSBs */
    got[0] = '\0';
    for (int i = ntp - 1; i >= 0; i--) {
        size_t k = strlen(got);
        if (!is_out_data(&tp[i]))
            continue;
        m_word = tp[i].name;
        pad = tp[i].pad;
        if (pad > 0)
            snprintf(got + k, sizeof got - k, "%s%s[%d:0]", k ? ", " : "{", tp[i].name,
                     tp[i].width - pad - 1);
        else
            snprintf(got + k, sizeof got - k, "%s%s", k ? ", " : "{", tp[i].name);
    }
    snprintf(got + strlen(got), sizeof got - strlen(got), "}");
    for (int i = 0; i < ntp; i++)
        if (is_out_data(&tp[i]))
            file_printf(tb, "    wire [%d:0] %s;\n", tp[i].width - 1, tp[i].name);
    file_printf(tb, "    %s dut (\n        ", top);
    for (int i = 0; i < ntp; i++) {
        tb_conn(conn, sizeof conn, &tp[i]);
        if (!broke && tp[i].stream == LQ_STREAM_OUT) {
            file_printf(tb, ",\n        ");
            broke = 1;
        } else if (!first) {
            file_printf(tb, ", ");
        }
        file_printf(tb, ".%s(%s)", tp[i].name, conn);
        first = 0;
    }
    file_printf(tb, "\n    );\n");
    /* the class: the low bits of the output item */
    for (int i = 0; i < ntp; i++)
        if (is_out_data(&tp[i])) {
            if (tp[i].width == g->class_bits)
                snprintf(cls_expr, sizeof cls_expr, "%s", tp[i].name);
            else
                snprintf(cls_expr, sizeof cls_expr, "%s[%d:0]", tp[i].name, g->class_bits - 1);
            break;
        }
    file_printf(tb, "    integer seed = 1, nin = 0, nout = 0, errors = 0, ok_rtl = 0, ok_model = 0, cyc = 0;\n");
    file_printf(tb, "    initial begin\n"
                    "        $readmemh(\"%s_in.hex\", inmem);\n"
                    "        $readmemh(\"%s_expect.hex\", expmem);\n"
                    "        $readmemh(\"%s_labels.hex\", labmem);\n"
                    "        repeat (3) @(posedge clk);\n        rst <= 1'b0;\n    end\n",
                top, top, top);
    file_printf(tb, "    always @(posedge clk) begin\n        cyc <= cyc + 1;\n"
                    "        if (cyc > %d) begin\n"
                    "            $display(\"FAILED: timeout after %%0d cycles, %%0d of %%0d images\", cyc, nout, NIMG);\n"
                    "            $finish;\n        end\n", (n + 4) * g->latency * 4 + 1000);
    file_printf(tb, "        if (!rst) begin\n"
                    "            if (s_valid && s_ready)\n                nin = nin + 1;\n"
                    "            if (!s_valid || s_ready) begin\n"
                    "                s_valid <= nin < NIMG * BEATS && ($random(seed) %% 100 + 100) %% 100 >= STALL;\n"
                    "                s_data <= inmem[nin < NIMG * BEATS ? nin : 0];\n%s"
                    "            end\n"
                    "            m_ready <= ($random(seed) %% 100 + 100) %% 100 >= STALL;\n",
                s_last ? "                s_last <= nin % BEATS == BEATS - 1;  // the image's last beat\n"
                       : "");
    if (m_word && (pad > 0 || m_last)) {
        /* a wrapper's output: TDATA's padding is zero, TLAST is 1 (one result per image) */
        char padx[96];
        if (pad > 0)
            snprintf(padx, sizeof padx, "%s[%d:%d]", m_word, EW + pad - 1, EW);
        else
            snprintf(padx, sizeof padx, "1'b0");
        file_printf(tb, "            if (m_valid && m_ready && (");
        if (pad > 0)
            file_printf(tb, "%s !== %d'd0%s", padx, pad, m_last ? " || " : "");
        if (m_last)
            file_printf(tb, "m_last !== 1'b1");
        file_printf(tb, ")) begin\n                errors = errors + 1;\n"
                        "                $display(\"MISMATCH image %%0d: TDATA padding %%b (not 0) or TLAST %%b "
                        "(not 1)\", nout, %s, %s);\n            end\n", padx, m_last ? "m_last" : "1'b1");
    }
    file_printf(tb, "            if (m_valid && m_ready) begin\n"
                    "                if (%s !== expmem[nout]) begin\n"
                    "                    errors = errors + 1;\n"
                    "                    $display(\"MISMATCH image %%0d: expected %%h, got %%h\", nout, expmem[nout], %s);\n"
                    "                end\n"
                    "                if (%s == labmem[nout])\n                    ok_rtl = ok_rtl + 1;\n"
                    "                if (expmem[nout][%d:0] == labmem[nout])\n                    ok_model = ok_model + 1;\n"
                    "                nout = nout + 1;\n"
                    "                if (nout == NIMG) begin\n"
                    "                    $display(\"%s_tb: %%0d images, %%0d mismatches; accuracy RTL %%0d / %%0d, model %%0d / %%0d\", NIMG, errors, ok_rtl, NIMG, ok_model, NIMG);\n"
                    "                    if (errors == 0)\n                        $display(\"PASSED\");\n"
                    "                    else\n                        $display(\"FAILED\");\n"
                    "                    $finish;\n                end\n            end\n"
                    "        end\n    end\nendmodule\n\n`default_nettype wire\n",
                got, got, cls_expr, g->class_bits - 1, top);
    *correct = ok_model;
    return 0;
}

/* NAME_rq_tb.v and NAME_lK_rq.hex: each hidden layer's re-quantizer alone, on every
 * input up to 4095, both neighbours of every code transition (found by bisection on
 * the model hw_requant = lq_quantize of the exact value, not on the RTL's constants),
 * the largest input and 4000 seeded random inputs (half uniform, half log-uniform);
 * every line is {expected code, z}. */
static int emit_rq_vectors(lq_fileset *fs, const net_gen *g)
{
    char fn[96];
    lq_file *tb;
    int nrq = 0, cnt[NN_LAYERS_MAX];
    for (int k = 0; k + 1 < g->nlayers; k++) {
        const net_layer *L = &g->ly[k];
        int ZU = L->z_bits - 1, ob = L->ob;
        uint64_t zmax = ZU >= 64 ? ~0ULL : (1ULL << ZU) - 1, ncode = 1ULL << ob;
        lq_file *f;
        lq_rng r;
        uint32_t code;
        bitv v = {NULL, 0, 0};
#define RQ_LINE(zz)                                                                  \
    do {                                                                             \
        uint64_t z_ = (zz);                                                          \
        hw_requant(&g->hw, k, (int64_t)z_, &code, 1);                                \
        v.n = 0;                                                                     \
        if (bv_push(&v, z_, ZU) != 0 || bv_push(&v, code, ob) != 0) {                \
            free(v.b);                                                               \
            return -1;                                                               \
        }                                                                            \
        bv_hex(f, &v);                                                               \
        file_printf(f, "\n");                                                        \
        cnt[k]++;                                                                    \
    } while (0)
        snprintf(fn, sizeof fn, "%s_l%d_rq.hex", g->name, k + 1);
        if (!(f = fileset_add(fs, fn)))
            return -1;
        file_header(f, "//", g->cmd);
        cnt[k] = 0;
        for (uint64_t z = 0; z <= zmax && z < 4096; z++)
            RQ_LINE(z);
        for (uint64_t c = 1; c < ncode; c++) {
            uint64_t lo = 0, hi = zmax;
            hw_requant(&g->hw, k, (int64_t)hi, &code, 1);
            if (code < c)
                break;
            while (lo < hi) { /* the least z whose code is >= c */
                uint64_t mid = lo + (hi - lo) / 2;
                hw_requant(&g->hw, k, (int64_t)mid, &code, 1);
                if (code >= c)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            if (lo > 0)
                RQ_LINE(lo - 1);
            RQ_LINE(lo);
            if (lo < zmax)
                RQ_LINE(lo + 1);
        }
        RQ_LINE(zmax);
        lq_rng_seed(&r, 1);
        for (int i = 0; i < 2000; i++)
            RQ_LINE(lq_rng_u64(&r) & zmax);
        for (int i = 0; i < 2000; i++) {
            int nb = 1 + (int)lq_rng_below(&r, (uint64_t)ZU);
            RQ_LINE((lq_rng_u64(&r) & ((nb >= 64 ? ~0ULL : (1ULL << nb) - 1))) | (1ULL << (nb - 1)));
        }
#undef RQ_LINE
        free(v.b);
        nrq++;
    }
    if (nrq == 0)
        return 0;
    snprintf(fn, sizeof fn, "%s_rq_tb.v", g->name);
    if (!(tb = fileset_add(fs, fn)))
        return -1;
    file_header(tb, "//", g->cmd);
    file_printf(tb, "//\n// The re-quantizers of %s alone against the model (lq_quantize of the exact\n"
                    "// value): every input up to 4095, both neighbours of every code transition,\n"
                    "// the largest input, 4000 seeded random ones. Run it in this directory:\n"
                    "//   iverilog -g2005 -s %s_rq_tb -o rq %s.v %s_rq_tb.v && vvp rq\n\n"
                    "`timescale 1ns / 1ps\n`default_nettype none\n\nmodule %s_rq_tb;\n"
                    "    integer i, errors = 0, total = 0;\n", g->name, g->name, g->name, g->name,
                g->name);
    for (int k = 0; k + 1 < g->nlayers; k++) {
        const net_layer *L = &g->ly[k];
        int ZU = L->z_bits - 1, ob = L->ob;
        file_printf(tb, "    reg [%d:0] m%d [0:%d];\n    reg [%d:0] z%d;\n    wire [%d:0] q%d;\n"
                        "    %s_l%d_rq u%d (.z(z%d), .q(q%d));\n", ZU + ob - 1, k + 1, cnt[k] - 1,
                    ZU - 1, k + 1, ob - 1, k + 1, g->name, k + 1, k + 1, k + 1, k + 1);
    }
    file_printf(tb, "    initial begin\n");
    for (int k = 0; k + 1 < g->nlayers; k++) {
        const net_layer *L = &g->ly[k];
        int ZU = L->z_bits - 1, ob = L->ob;
        file_printf(tb, "        $readmemh(\"%s_l%d_rq.hex\", m%d);\n"
                        "        for (i = 0; i < %d; i = i + 1) begin\n"
                        "            z%d = m%d[i][%d:0];\n            #1;\n"
                        "            total = total + 1;\n"
                        "            if (q%d !== m%d[i][%d:%d]) begin\n"
                        "                errors = errors + 1;\n"
                        "                if (errors <= 10)\n"
                        "                    $display(\"MISMATCH layer %d: z %%0d: expected %%0d, got %%0d\", z%d, m%d[i][%d:%d], q%d);\n"
                        "            end\n        end\n",
                    g->name, k + 1, k + 1, cnt[k], k + 1, k + 1, ZU - 1, k + 1, k + 1, ZU + ob - 1,
                    ZU, k + 1, k + 1, k + 1, ZU + ob - 1, ZU, k + 1);
    }
    file_printf(tb, "        $display(\"%s_rq_tb: %%0d inputs, %%0d mismatches\", total, errors);\n"
                    "        if (errors == 0)\n            $display(\"PASSED\");\n"
                    "        else\n            $display(\"FAILED\");\n        $finish;\n"
                    "    end\nendmodule\n\n`default_nettype wire\n", g->name);
    return 0;
}

/* ---- options and derivation ---- */

typedef struct {
    const char *weights, *wfsr, *afsr, *fsr_from, *simd, *pe, *out, *rom;
    int vectors, stall, fault;
    int in_signed;      /* the first layer's input codes are signed (a negative input) */
} net_opts;

static int derive(net_gen *g, const nn_net *net, const net_opts *o)
{
    int nl = net->nlayers, v[NN_LAYERS_MAX], n, wf[NN_LAYERS_MAX], af[NN_LAYERS_MAX];
    int simd[NN_LAYERS_MAX], pe[NN_LAYERS_MAX];
    char wl[128], al[128], msg[400];
    const char *wfs = o->wfsr, *afs = o->afsr;
    hw_spec sp;
    long rom_blocks = 0;
    g->nlayers = nl;
    if (o->fsr_from) {
        if (o->wfsr || o->afsr) {
            cli_error("--fsr-from and --wfsr/--afsr exclude each other");
            return -1;
        }
        if (g->act_bits != g->bits) {
            cli_error("--fsr-from: eval uses one width for weights and activations; --act-bits "
                      "%d differs from --bits %d", g->act_bits, g->bits);
            return -1;
        }
        if (fsr_from(o->fsr_from, g, wl, al, sizeof wl) != 0)
            return -1;
        wfs = wl;
        afs = al;
    }
    if (!afs) {
        cli_error("the activations' FSRs are needed: --afsr LIST or --fsr-from EVAL_OUTPUT");
        return -1;
    }
    if (parse_list("--afsr", afs, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, v, &n) != 0 ||
        per_layer("--afsr", v, n, nl, af) != 0)
        return -1;
    if (wfs) {
        if (parse_list("--wfsr", wfs, -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX, v, &n) != 0 ||
            per_layer("--wfsr", v, n, nl, wf) != 0)
            return -1;
    } else {
        for (int k = 0; k < nl; k++) {
            double mx = 0;
            for (long i = 0; i < nn_nweights(&net->l[k]); i++)
                if (fabs(net->l[k].w[i]) > mx)
                    mx = fabs(net->l[k].w[i]);
            wf[k] = mx > 0 ? lq_log2_round(mx, 0, LQ_FLOOR) + 1 : 0;
        }
    }
    if (o->simd) {
        if (parse_list("--simd", o->simd, 1, LQ_MAC_LANES_MAX, v, &n) != 0 ||
            per_layer("--simd", v, n, nl, simd) != 0)
            return -1;
    } else {
        for (int k = 0; k < nl; k++) {
            simd[k] = 1;
            for (int d = 1; d <= 16; d++)
                if (nn_fanin(&net->l[k]) % d == 0)
                    simd[k] = d;
        }
    }
    if (o->pe) {
        if (parse_list("--pe", o->pe, 1, NN_WIDTH_MAX, v, &n) != 0 ||
            per_layer("--pe", v, n, nl, pe) != 0)
            return -1;
    } else {
        for (int k = 0; k < nl; k++)
            pe[k] = 1;
    }
    for (int k = 0; k < nl; k++) {
        const char *cv = net->l[k].is_conv ? " (conv: per window and per pixel)" : "";
        if (nn_fanin(&net->l[k]) % simd[k] != 0) {
            cli_error("--simd %d: layer %d has %d inputs%s, which %d does not divide", simd[k],
                      k + 1, nn_fanin(&net->l[k]), cv, simd[k]);
            return -1;
        }
        if (nn_rows(&net->l[k]) % pe[k] != 0) {
            cli_error("--pe %d: layer %d has %d outputs%s, which %d does not divide", pe[k], k + 1,
                      nn_rows(&net->l[k]), cv, pe[k]);
            return -1;
        }
        if (pe[k] * simd[k] * g->bits * g->words > 16384) {
            cli_error("layer %d: --simd %d x --pe %d makes a ROM word of %d bits (at most 16384)",
                      k + 1, simd[k], pe[k], pe[k] * simd[k] * g->bits * g->words);
            return -1;
        }
    }
    /* the integer network, lanes = SIMD */
    memset(&sp, 0, sizeof sp);
    sp.nlayers = nl;
    sp.sqrt2_frac = g->sqrt2_frac;
    for (int k = 0; k < nl; k++) {
        lq_format *w = &sp.w[k], *a = &sp.a[k];
        *w = lq_format_default();
        w->scheme = g->sch->w;
        w->bits = g->bits;
        w->fsr = wf[k];
        w->rounding = LQ_NEAREST;
        w->is_signed = true;
        w->max_words = g->sch->w == LQ_SLQ ? g->words : 1;
        w->theta = 0;
        *a = lq_format_default();
        a->scheme = g->sch->a;
        a->bits = g->act_bits;
        a->fsr = af[k];
        a->rounding = LQ_NEAREST;
        a->is_signed = k == 0 && o->in_signed;
        a->max_words = 1;
        a->theta = 0;
        sp.lanes[k] = simd[k];
    }
    /* Hidden activations are unsigned codes after a ReLU (the re-quantizer takes
     * z >= 0): a linear hidden layer's negative outputs have no code here. */
    for (int k = 0; k + 1 < nl; k++)
        if (!net->l[k].relu) {
            cli_error("%s: layer %d (%d -> %d) has activation 'linear': gen net's hidden "
                      "layers must use relu (their outputs are unsigned codes)", o->weights,
                      k + 1, net->l[k].in, net->l[k].out);
            return -1;
        }
    if (hw_build(&g->hw, net, &sp, msg, sizeof msg) != 0) {
        cli_error("%s: %s", o->weights, msg);
        return -1;
    }
    if (o->fault) {
        sp.fault = 1;
        if (hw_build(&g->hw_vec, net, &sp, msg, sizeof msg) != 0) {
            cli_error("%s: %s", o->weights, msg);
            return -1;
        }
        g->have_vec = 1;
    }
    for (int k = 0; k < nl; k++) {
        net_layer *L = &g->ly[k];
        const hw_layer *H = &g->hw.l[k];
        L->in = H->in;
        L->out = H->out;
        L->simd = simd[k];
        L->pe = pe[k];
        L->slots = H->wslots;
        L->nchk = H->chunks;
        L->ngrp = L->out / L->pe;
        L->depth = L->ngrp * L->slots * L->nchk;
        L->a_bits = sp.a[k].bits;
        L->w_bits = sp.w[k].bits;
        L->wpar = H->is_conv ? H->in : k == 0 ? simd[0] : pe[k - 1];
        L->nwr = L->in / L->wpar;
        L->xpar = H->is_conv ? H->c.in_ch : L->wpar;
        L->xbeats = H->is_conv ? H->c.in_h * H->c.in_w : H->act_in / L->wpar;
        if (net_conv_check(&g->hw, k) != 0)
            return -1;
        L->sum_bits = H->sum_bits;
        L->z_bits = H->z_bits;
        L->last = k == nl - 1;
        L->ob = L->last ? L->z_bits : sp.a[k + 1].bits;
        L->cycles = L->depth;
        L->post_stages = L->last ? 0 : sp.a[k + 1].scheme == LQ_LINEAR ? 1 : 2;
        if (!L->last && sp.a[k + 1].scheme == LQ_LINEAR) {
            int d = (sp.a[k + 1].fsr - sp.a[k + 1].bits) - H->lsb;
            if (d > L->z_bits) {
                cli_error("layer %d: the activations' step 2^%d of layer %d is more than twice the "
                          "largest pre-activation (LSB 2^%d, %d bits): every code would be 0",
                          k + 1, sp.a[k + 1].fsr - sp.a[k + 1].bits, k + 2, H->lsb, L->z_bits);
                return -1;
            }
        }
        if (!L->last && sp.a[k + 1].scheme != LQ_LINEAR) {
            int S = sp.a[k + 1].scheme == LQ_LOGSQRT2 ? 2 : 1;
            int off = S * H->lsb - lq_exp_min(&sp.a[k + 1]) + 1;
            if (abs(off) + 2 * L->z_bits + 4 > (1 << 14)) {
                cli_error("layer %d: exponent offset %d out of the re-quantizer's range", k + 1, off);
                return -1;
            }
        }
        {
            const net_target *t = g->target;
            long width = (long)L->pe * L->simd * L->w_bits, bits = L->depth * width;
            long blocks = net_target_blocks(t, L->depth, width);
            if (strcmp(o->rom, "block") == 0)
                L->rom_block = 1;
            else if (strcmp(o->rom, "logic") == 0)
                L->rom_block = 0;
            else
                L->rom_block = bits * 4 >= blocks * t->bram_bits;
            L->rom_blocks = L->rom_block ? blocks : 0;
            rom_blocks += L->rom_blocks;
        }
        if (g->hw.l[k].mode == HW_LINEAR_ENGINE)
            g->mults += L->simd * L->pe;
    }
    if (g->target->bram > 0 && rom_blocks > g->target->bram) {
        char list[200] = "";
        for (int k = 0; k < nl; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%slayer %d: %ld", k ? ", " : "",
                     k + 1, g->ly[k].rom_blocks);
        cli_error("--target %s: the block-RAM weight ROMs need %ld %s (%s), the part has %d "
                  "(--rom logic, or a folding with narrower ROM words)", g->target->name,
                  rom_blocks, g->target->bram_name, list, g->target->bram);
        return -1;
    }
    g->use_dsp = g->target->dsp > 0 && g->mults <= g->target->dsp;
    g->in_beats = g->ly[0].xbeats;
    g->class_bits = clog2(g->ly[nl - 1].out);
    return 0;
}

int gen_net(const lq_cmd *c)
{
    static const struct option opts[] = {
        {"weights", required_argument, 0, OPT_WEIGHTS},
        {"scheme", required_argument, 0, OPT_SCHEME},
        {"bits", required_argument, 0, OPT_BITS},
        {"act-bits", required_argument, 0, OPT_ACT_BITS},
        {"max-words", required_argument, 0, OPT_WORDS},
        {"wfsr", required_argument, 0, OPT_WFSR},
        {"afsr", required_argument, 0, OPT_AFSR},
        {"fsr-from", required_argument, 0, OPT_FSR_FROM},
        {"simd", required_argument, 0, OPT_SIMD},
        {"pe", required_argument, 0, OPT_PE},
        {"sqrt2-frac", required_argument, 0, OPT_SQRT2},
        {"pipeline", required_argument, 0, OPT_PIPE},
        {"rom", required_argument, 0, OPT_ROM},
        {"target", required_argument, 0, OPT_TARGET},
        {"name", required_argument, 0, OPT_NAME},
        {"vectors", required_argument, 0, OPT_VECTORS},
        NN_DATA_OPTIONS,
        {"stall", required_argument, 0, OPT_STALL},
        {"fault", no_argument, 0, OPT_FAULT},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'}};
    enum { NOPTS = sizeof opts / sizeof opts[0] };
    struct option all[NOPTS + BLK_WRAP_NOPTS + 1];
    wrap_opts wo = {0, 0, 0};
    wrap_top *w = NULL;
    int reset_given = 0, nall = NOPTS;
    char core[64];
    const char *top;
    net_gen g;
    net_opts o;
    nn_net net;
    char msg[512];
    int ch, r, rc = LQ_EXIT_USAGE, act_bits = -1;
    lq_fileset fs;
    nn_data_opts dopt;
    nn_data train, test;
    int have_data = 0, model_ok = 0;

    memset(&g, 0, sizeof g);
    memset(&o, 0, sizeof o);
    memset(&net, 0, sizeof net);
    g.cmd = c;
    g.name = "logq_net";
    g.sch = &net_schemes[0];
    g.bits = 5;
    g.words = 2;
    g.sqrt2_frac = 16;
    g.pipeline = "product,tree:2";
    o.rom = "auto";
    g.target = net_target_find("none");
    nn_data_opts_init(&dopt);
    o.stall = 30;
    memcpy(all, opts, sizeof opts);
    nall += blk_wrap_getopt(all + nall, OPT_WRAP);
    all[nall] = (struct option){0, 0, 0, 0};
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", all, NULL)) != -1) {
        if ((r = blk_wrap_option(ch - OPT_WRAP, optarg, &wo, &reset_given)) != 0) {
            if (r < 0)
                return LQ_EXIT_USAGE;
            continue;
        }
        switch (ch) {
        case 'h':
            fputs(net_help, stdout);
            blk_wrap_help(stdout, 19); /* net_help's column */
            fputs(net_help_vectors, stdout);
            return LQ_EXIT_OK;
        case 'o': o.out = optarg; break;
        case OPT_WEIGHTS: o.weights = optarg; break;
        case OPT_SCHEME:
            g.sch = NULL;
            for (int i = 0; i < NNET_SCHEMES; i++)
                if (strcmp(optarg, net_schemes[i].name) == 0)
                    g.sch = &net_schemes[i];
            if (!g.sch) {
                cli_error("--scheme '%s' is unknown (shift-log2, shift-logsqrt2, loglog, "
                          "loglog-sqrt2, slq, linear)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_BITS:
            if (cli_int("--bits", optarg, 2, 16, &g.bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_ACT_BITS:
            if (cli_int("--act-bits", optarg, 1, 16, &act_bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_WORDS:
            if (cli_int("--max-words", optarg, 1, LQ_SLQ_WORDS_MAX, &g.words) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_WFSR: o.wfsr = optarg; break;
        case OPT_AFSR: o.afsr = optarg; break;
        case OPT_FSR_FROM: o.fsr_from = optarg; break;
        case OPT_SIMD: o.simd = optarg; break;
        case OPT_PE: o.pe = optarg; break;
        case OPT_SQRT2:
            if (cli_int("--sqrt2-frac", optarg, 1, LQ_MAC_SQRT2_FRAC_MAX, &g.sqrt2_frac) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_PIPE: g.pipeline = optarg; g.pipeline_given = 1; break;
        case OPT_ROM:
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "block") != 0 &&
                strcmp(optarg, "logic") != 0) {
                cli_error("--rom '%s' is unknown (auto, block or logic)", optarg);
                return LQ_EXIT_USAGE;
            }
            o.rom = optarg;
            break;
        case OPT_TARGET:
            if (!(g.target = net_target_find(optarg))) {
                cli_error("--target '%s' is unknown (%s)", optarg, net_target_names());
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_NAME:
            if (!name_ok(optarg)) {
                cli_error("--name '%s' is not a lower-case identifier of at most 40 "
                          "characters (a-z first, then a-z, 0-9, _)", optarg);
                return LQ_EXIT_USAGE;
            }
            g.name = optarg;
            break;
        case OPT_VECTORS:
            if (cli_int("--vectors", optarg, 1, 100000, &o.vectors) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_STALL:
            if (cli_int("--stall", optarg, 0, 90, &o.stall) != 0)
                return LQ_EXIT_USAGE;
            break;
        case OPT_FAULT: o.fault = 1; break;
        default:
            r = nn_data_option(ch, optarg, &dopt);
            if (r < 0)
                return LQ_EXIT_USAGE;
            if (r == 0)
                return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("unexpected argument '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!o.out || !o.weights) {
        cli_error("%s is required", !o.weights ? "--weights FILE" : "-o DIR");
        return LQ_EXIT_USAGE;
    }
    blk_wrap_default_reset(&wo, reset_given);
    /* under the wrapper the network is generated as with --name NAME_core */
    top = g.name;
    if (wrap_active(&wo)) {
        snprintf(core, sizeof core, "%s_core", g.name);
        g.name = core;
    }
    g.act_bits = act_bits < 0 ? g.bits : act_bits;
    if (g.sch->w != LQ_SLQ)
        g.words = 1;
    if (g.sch->w != LQ_LINEAR && g.bits > LQ_LOG_BITS_MAX) {
        cli_error("--bits %d: log and SLQ codes have at most %d bits", g.bits, LQ_LOG_BITS_MAX);
        return LQ_EXIT_USAGE;
    }
    if (g.sch->a != LQ_LINEAR && g.act_bits > LQ_LOG_BITS_MAX) {
        cli_error("--act-bits %d: log codes have at most %d bits", g.act_bits, LQ_LOG_BITS_MAX);
        return LQ_EXIT_USAGE;
    }
    if (g.sch->w == LQ_LINEAR && g.pipeline_given) {
        /* its own engine (emit_linear_mac): taking the option and ignoring it would
         * leave the user believing the stages are there */
        cli_error("--pipeline '%s': --scheme linear's engine has fixed product registers "
                  "(latency 2); --pipeline sets the log schemes' MAC arrays", g.pipeline);
        return LQ_EXIT_USAGE;
    }
    for (size_t i = 0; g.name[i] && i + 1 < sizeof g.upper; i++)
        g.upper[i] = (char)toupper((unsigned char)g.name[i]);
    if (nn_load_conv(o.weights, &net, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    /* The test set, loaded before the network is derived: the user's inputs decide
     * whether the first layer's codes are signed. */
    if (o.vectors || dopt.inputs) {
        if ((rc = nn_data_open(&dopt, &train, &test)) != LQ_EXIT_OK)
            goto out;
        have_data = 1;
        rc = LQ_EXIT_USAGE;
        if (net.l[0].in != train.nfeat || net.l[net.nlayers - 1].out < train.nclass) {
            cli_error("%s: the network has %d inputs and %d outputs; the data (%s) has %d "
                      "features and labels 0..%d", o.weights, net.l[0].in,
                      net.l[net.nlayers - 1].out, nn_data_describe(&dopt, msg, sizeof msg),
                      train.nfeat, train.nclass - 1);
            goto out;
        }
        if (o.vectors > test.n) {
            cli_error("--vectors %d: the test set has %d examples", o.vectors, test.n);
            goto out;
        }
        for (int i = 0; i < train.n * train.nfeat; i++)
            if (train.store[i] < 0)
                o.in_signed = 1;
    }
    if (derive(&g, &net, &o) != 0)
        goto out;
    /* the network's ports as data (NAME.txt, the bench, the wrapper) */
    const net_layer *F0 = &g.ly[0], *Z0 = &g.ly[g.nlayers - 1];
    const lq_port ports[] = {
        {.name = "clk", .dir = LQ_PORT_IN, .width = 1, .desc = "clock", .role = LQ_ROLE_CLOCK},
        {.name = "rst", .dir = LQ_PORT_IN, .width = 1, .desc = "synchronous reset, active high",
         .role = LQ_ROLE_RESET},
        {.name = "s_valid", .dir = LQ_PORT_IN, .width = 1, .desc = "input stream",
         .role = LQ_ROLE_VALID, .stream = LQ_STREAM_IN, .count_framed = 1},
        {.name = "s_ready", .dir = LQ_PORT_OUT, .width = 1, .role = LQ_ROLE_READY,
         .stream = LQ_STREAM_IN},
        {.name = "s_data", .dir = LQ_PORT_IN, .width = F0->xpar * F0->a_bits,
         .desc = "input codes of one beat", .stream = LQ_STREAM_IN, .lanes = F0->xpar,
         .lane_bits = F0->a_bits},
        {.name = "m_valid", .dir = LQ_PORT_OUT, .width = 1,
         .desc = "output stream, one beat per image", .role = LQ_ROLE_VALID,
         .stream = LQ_STREAM_OUT},
        {.name = "m_ready", .dir = LQ_PORT_IN, .width = 1, .role = LQ_ROLE_READY,
         .stream = LQ_STREAM_OUT},
        {.name = "m_class", .dir = LQ_PORT_OUT, .width = g.class_bits, .desc = "the first maximum",
         .stream = LQ_STREAM_OUT},
        {.name = "m_logits", .dir = LQ_PORT_OUT, .width = Z0->out * Z0->z_bits,
         .desc = "signed fixed-point logits", .stream = LQ_STREAM_OUT, .is_signed = 1,
         .lanes = Z0->out, .lane_bits = Z0->z_bits}};
    const lq_port *tp = ports;
    int ntp = (int)(sizeof ports / sizeof ports[0]);
    if (wrap_active(&wo)) {
        if (!(w = malloc(sizeof *w))) {
            cli_error("out of memory");
            rc = LQ_EXIT_FAIL;
            goto out;
        }
        if (wrap_build(w, &wo, ports, ntp) != 0) {
            rc = LQ_EXIT_FAIL;
            goto out;
        }
        tp = w->top;
        ntp = w->ntop;
    }
    /* timing from the folding (docs/net.md, "Timing") */
    g.period = g.in_beats;
    g.latency = g.in_beats;
    fileset_init(&fs);
    {
        char fn[96];
        const char *files[NN_LAYERS_MAX + 3];
        char names[NN_LAYERS_MAX + 3][96];
        int nf = 0;
        lq_file *fv, *fw, *fh, *ff;
        for (int k = 0; k < g.nlayers; k++) {
            net_layer *L = &g.ly[k];
            const hw_layer *H = &g.hw.l[k];
            if (H->mode == HW_LINEAR_ENGINE) {
                L->mac_latency = 2;
            } else {
                char mn[96];
                lq_file *fm;
                snprintf(fn, sizeof fn, "%s_l%d_mac.v", g.name, k + 1);
                snprintf(mn, sizeof mn, "%s_l%d_mac", g.name, k + 1);
                fm = fileset_add(&fs, fn);
                if (!fm || mac_emit_module(fm, &H->mac, mn, g.pipeline, g.pipeline_given, c,
                                           &L->mac_latency) != 0) {
                    rc = fm ? LQ_EXIT_USAGE : LQ_EXIT_FAIL;
                    goto out_fs;
                }
                snprintf(names[nf], sizeof names[nf], "%s", fn);
                files[nf] = names[nf];
                nf++;
            }
            g.latency += L->cycles + L->mac_latency + 2 + L->post_stages;
            if (L->cycles > g.period)
                g.period = L->cycles;
        }
        if (g.hw.l[0].is_conv) { /* layer 1's part of both from its schedule */
            long t1, per;
            /* the post stages delay a window's result as the MAC's latency does */
            if (net_conv_timing(&g.hw.l[0], g.ly[0].cycles,
                                g.ly[0].mac_latency + g.ly[0].post_stages, &t1, &per, msg,
                                sizeof msg) != 0) {
                cli_error("%s: %s", o.weights, msg);
                rc = LQ_EXIT_USAGE;
                goto out_fs;
            }
            g.latency += (int)t1 + 1 - (g.in_beats + g.ly[0].cycles + g.ly[0].mac_latency + 2 +
                                        g.ly[0].post_stages);
            g.period = (int)per;
            for (int k = 1; k < g.nlayers; k++)
                if (g.ly[k].cycles > g.period)
                    g.period = g.ly[k].cycles;
        }
        snprintf(fn, sizeof fn, "%s_weights.v", g.name);
        fw = fileset_add(&fs, fn);
        snprintf(names[nf], sizeof names[nf], "%s", fn);
        files[nf] = names[nf];
        nf++;
        snprintf(fn, sizeof fn, "%s.v", g.name);
        fv = fileset_add(&fs, fn);
        snprintf(names[nf], sizeof names[nf], "%s", fn);
        files[nf] = names[nf];
        nf++;
        snprintf(fn, sizeof fn, "%s.h", g.name);
        fh = fileset_add(&fs, fn);
        if (w) { /* the wrapper: NAME.v around NAME_core, NAME.h */
            lq_file *wv, *wh;
            char core_h[100];
            snprintf(fn, sizeof fn, "%s.v", top);
            wv = fileset_add(&fs, fn);
            snprintf(names[nf], sizeof names[nf], "%s", fn);
            files[nf] = names[nf];
            nf++;
            snprintf(fn, sizeof fn, "%s.h", top);
            wh = fileset_add(&fs, fn);
            if (!wv || !wh) {
                cli_error("out of memory");
                rc = LQ_EXIT_FAIL;
                goto out_fs;
            }
            snprintf(core_h, sizeof core_h, "%s.h", g.name);
            wrap_write_v(wv, w, top, g.name, c);
            wrap_write_h(wh, w, top, core_h, g.latency, c);
        }
        snprintf(fn, sizeof fn, "%s.f", top);
        ff = fileset_add(&fs, fn);
        if (!fw || !fv || !fh || !ff) {
            cli_error("out of memory");
            rc = LQ_EXIT_FAIL;
            goto out_fs;
        }
        if (emit_weights(fw, &g) != 0) {
            cli_error("out of memory");
            rc = LQ_EXIT_FAIL;
            goto out_fs;
        }
        emit_top(fv, &g);
        emit_header(fh, &g);
        file_header(ff, "//", c);
        for (int i = 0; i < nf; i++)
            file_printf(ff, "%s\n", files[i]);
        {
            lq_package p = {top, top,
                            g.hw.l[0].is_conv ? "logq conv network accelerator (docs/net.md)"
                                              : "logq dense network accelerator (docs/net.md)",
                            files, nf, tp, ntp, wrap_latency(w, g.latency)};
            if (package_add(&fs, &p, c) != 0) {
                rc = LQ_EXIT_FAIL;
                goto out_fs;
            }
            /* the target's decisions and commands, appended to NAME.txt */
            snprintf(fn, sizeof fn, "%s.txt", top);
            for (int i = 0; i < fs.n; i++)
                if (strcmp(fs.files[i].name, fn) == 0) {
                    if (w)
                        wrap_write_txt(&fs.files[i], w, g.name);
                    net_target_use u = {.nlayers = g.nlayers, .mults = g.mults,
                                        .use_dsp = g.use_dsp};
                    for (int k = 0; k < g.nlayers; k++) {
                        u.rom_depth[k] = g.ly[k].depth;
                        u.rom_width[k] = (long)g.ly[k].pe * g.ly[k].simd * g.ly[k].w_bits;
                        u.rom_blocks[k] = g.ly[k].rom_blocks;
                    }
                    net_target_notes(&fs.files[i], g.target, &u, top, files, nf);
                }
        }
        if (o.vectors) {
            if (emit_vectors(&fs, &g, top, tp, ntp, w, &test, o.vectors, o.stall, &model_ok) != 0 ||
                emit_rq_vectors(&fs, &g) != 0) {
                cli_error("out of memory");
                rc = LQ_EXIT_FAIL;
                goto out_fs;
            }
        }
        if (fileset_commit(&fs, o.out) != 0) {
            rc = LQ_EXIT_FAIL;
            goto out_fs;
        }
    }
    printf("logq gen net: %s/%s.v (%s, %d layers", o.out, top, g.sch->name, g.nlayers);
    for (int k = 0; k < g.nlayers; k++)
        printf("%s%d", k ? "-" : " ", g.hw.l[k].act_in);
    printf("-%d)\n", g.ly[g.nlayers - 1].out);
    for (int k = 0; k < g.nlayers; k++) {
        const net_layer *L = &g.ly[k];
        const hw_layer *H = &g.hw.l[k];
        if (H->is_conv)
            printf("  layer %d: conv %d x %d x %d, kernel %dx%d, %d channels%s: %d windows of %d "
                   "inputs\n", k + 1, H->c.in_ch, H->c.in_h, H->c.in_w, H->c.kh, H->c.kw,
                   H->c.out_ch, H->c.pool == 2 ? ", 2x2 max pool" : "", H->units / H->out, H->in);
        printf("  layer %d: %d -> %d, SIMD %d, PE %d, %d cycles/%s, MAC latency %d, sum %d bits "
               "(LSB 2^%d), ROM %d x %d bits (%s), w fsr %d, a fsr %d\n", k + 1, L->in, L->out,
               L->simd, L->pe, L->cycles, H->is_conv ? "window" : "image", L->mac_latency, L->sum_bits, g.hw.l[k].lsb, L->depth,
               L->pe * L->simd * L->w_bits, L->rom_block ? "block RAM" : "logic",
               g.hw.spec.w[k].fsr, g.hw.spec.a[k].fsr);
    }
    printf("  latency %d cycles, one image every %d cycles\n",
           wrap_latency(w, g.latency), g.period);
    if (w)
        printf("  wrapper:     %s/%s.v, module %s around %s: interface %s, reset %s%s "
               "(docs/interfaces.md)\n", o.out, top, top, g.name, wo.axis ? "axis" : "native",
               wo.reset_low ? "sync-low (aresetn)" : "sync-high", wo.skid ? ", --skid" : "");
    if (o.vectors)
        printf("  vectors: %d test examples, integer model accuracy %.2f %%%s; bench: cd %s && iverilog -g2005 -o tb -c %s.icarus.f "
               "%s_tb.v && vvp tb\n", o.vectors, 100.0 * model_ok / o.vectors,
               o.fault ? " (--fault: a wrong model)" : "", o.out, top, top);
    rc = LQ_EXIT_OK;
out_fs:
    fileset_free(&fs);
out:
    if (have_data) {
        nn_data_free(&train);
        nn_data_free(&test);
    }
    hw_free(&g.hw);
    hw_free(&g.hw_vec);
    nn_free(&net);
    free(w);
    return rc;
}
