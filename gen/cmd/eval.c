/* `logq eval`: the papers' accuracy table on the digits network. Every cell quantizes
 * the weights, the activations or both with one scheme at one width, chooses each
 * layer's FSRs on the training set (coordinate sweep, docs/eval.md) and reports the
 * test accuracy. Where both operands are log codes (or SLQ words), or log weights meet
 * linear activations, every dot product of the test run is computed by the MAC array
 * model (lq_mac_step: codes fed as beats of N lanes, exact integer sum, rescaled by the
 * output's LSB weight); a conv layer's every output pixel of every channel is one such
 * dot product over its IN_CH x KH x KW window. Other cells compute from the exactly decoded values
 * (docs/eval.md, "Which arithmetic computes which cell"). --check N recomputes every
 * MAC dot product of the first N test images independently (exact fixed-point values
 * from lq_code_fixed / lq_slq_value_fixed, summed in 128-bit integers) and fails on
 * any difference. --export-layer writes the beats and sums of one layer's dot products
 * as the vector files of the MAC's self-checking bench (docs/eval.md, "RTL proof"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/mac.h"
#include "commands.h"
#include "nn/netopts.h"
#include "nn/nn.h"
#include "nn/hw.h"
#include "emit/tb_icarus.h"
#include "emit/vectors.h"

static const char eval_help[] =
    "usage: logq eval [options]\n"
    "\n"
    "Test accuracy of a network (logq train, logq import; dense and conv layers, each\n"
    "conv output pixel one dot product over its window) on the digits or your own\n"
    "data (--inputs, --labels; docs/import.md) with float, linear, log2, logsqrt2 and\n"
    "SLQ (L = 2, 3) quantization of the weights, the activations or both, at each width,\n"
    "every layer's FSRs chosen on the training set; then log weights with linear\n"
    "activations (the MAC's shift mode), the chosen FSRs and SLQ's mean bits per weight\n"
    "under both framings. Tables are Markdown (docs/eval.md).\n"
    "\n"
    "  --weights FILE     weight file (default build/data/digits-mlp.txt)\n"
    NN_DATA_HELP
    "  --bits LIST        widths, comma separated, 2..8 (default 3,4,5)\n"
    "  --calib N          training images the FSR sweep scores (default: all)\n"
    "  --window R         FSRs swept: start-R .. start+1 around floor(log2 max)+1\n"
    "                     (default 4)\n"
    "  --passes N         coordinate-sweep passes over the FSRs (default 2)\n"
    "  --lanes N          lanes of the MAC array (default 16)\n"
    "  --sqrt2-frac P     fraction bits of the MAC's sqrt(2) constant (default 16)\n"
    "  --layers LIST      quantize only these layers (1 = the first, comma separated;\n"
    "                     default all): the others compute in double, as the float row\n"
    "  --quick            --bits 4 --calib 400 --passes 1 (the test suite's run)\n"
    "  --check N          recompute the MAC's dot products of the first N test images\n"
    "                     independently; exit 1 on any difference\n"
    "  --fault            test only: make the MAC model deliberately wrong\n"
    "  --hw               also the integer network of every W+A and shift-mode cell\n"
    "                     (the hardware of logq gen net, docs/net.md; dense networks\n"
    "                     only, a conv network gets a note instead)\n"
    "\n"
    "RTL proof (docs/eval.md): run one cell only and write the MAC beats of one layer\n"
    "for the RTL bench (needs exactly one --bits width):\n"
    "  --export-layer L   the layer (1 = the first) whose dot products are written\n"
    "  --export-scheme S  the weights' scheme: log2, logsqrt2, slq-L2, slq-L3\n"
    "  --export-act A     the activations: log (the weights' scheme, the W+A table) or\n"
    "                     linear (the shift-mode table); default log\n"
    "  --export-images K  the first K test images (default 20)\n"
    "  --stall PCT        % of idle input cycles and m_ready low, 0-90 (default 30)\n"
    "  -o, --out DIR      in.hex gap.hex rdy.hex out.hex count.hex vectors.vh\n"
    "                     logq_mac_tb.v (as logq vectors mac), mac.args (the options of\n"
    "                     logq gen mac), mac.cfg (its NAME.h constants), values.txt\n";

enum {
    OPT_WEIGHTS = 1, OPT_BITS, OPT_CALIB, OPT_WINDOW,
    OPT_PASSES, OPT_LANES, OPT_SQRT2, OPT_QUICK, OPT_CHECK, OPT_FAULT, OPT_EX_LAYER,
    OPT_EX_SCHEME, OPT_EX_ACT, OPT_EX_IMAGES, OPT_EX_STALL,
    OPT_HW, OPT_LAYERS
};

enum { MAX_BITS_LIST = 8, MAX_SLOTS = LQ_SLQ_WORDS_MAX, MAC_MAX_BEATS = 1024 };

typedef struct {
    const char *name;
    lq_scheme scheme;
    int words;   /* SLQ: L */
} scheme_def;

static const scheme_def schemes[] = {
    {"linear", LQ_LINEAR, 1}, {"log2", LQ_LOG2, 1}, {"logsqrt2", LQ_LOGSQRT2, 1},
    {"slq-L2", LQ_SLQ, 2}, {"slq-L3", LQ_SLQ, 3}};
enum { NSCHEMES = sizeof schemes / sizeof schemes[0] };
static const scheme_def float_def = {"float", LQ_LINEAR, 1};

/* One cell of the table. */
typedef struct {
    int qw, qa;                 /* quantize the weights / the activations */
    scheme_def ws, as;          /* their schemes */
    int bits;
    int wfsr[NN_LAYERS_MAX], afsr[NN_LAYERS_MAX];
    int asig[NN_LAYERS_MAX];    /* 1: layer k's input activations are signed */
} cell;

/* A quantized number: its exact value as a double, its code (linear and log) or its
 * SLQ words. */
typedef struct {
    double v;
    uint32_t code;
    lq_slq_value s;
} qv;

/* --export-layer: the beats fed to the MAC model for one layer of the first `images`
 * test images and the sums it returned, as the files of `logq vectors mac`. */
typedef struct {
    int layer;                  /* 0-based; -1: no export */
    int images, stall;
    lq_file *in, *gap, *out, *val;
    lq_rng rng;
    long nin, nout;
    int have_cfg;
    lq_mac_config cfg;          /* the configuration of the exported layer */
    lq_mac_widths wd;
} export_rec;

typedef struct {
    const nn_net *net;
    const nn_data *train, *test;
    int calib, window, passes, lanes, sqrt2_frac, check, fault;
    unsigned qmask;           /* --layers: bit k set = layer k is quantized */
    double wmax[NN_LAYERS_MAX], amax[NN_LAYERS_MAX]; /* max |x|, float network, train set */
    int asig[NN_LAYERS_MAX];  /* layer k sees a negative input on the calibration set */
    qv *wq[NN_LAYERS_MAX];                            /* quantized weights */
    long checked, mismatches;
    int mac_fail;
    export_rec ex;
    /* scratch of one inference: layer outputs, a conv layer's units before the pool,
     * the quantized inputs of a layer, one unit's gathered inputs and their indices,
     * and the MAC codes of one unit (activations: every word slot; weights: one) */
    double *buf[2], *units;
    qv *qa, *ga;
    int *idx;
    uint32_t *ac[MAX_SLOTS], *wc;
} ctx;

/* ---- formats ---- */

static lq_format fmt_of(const scheme_def *d, int bits, int fsr, int is_signed)
{
    lq_format f = lq_format_default();
    f.scheme = d->scheme;
    f.bits = bits;
    f.fsr = fsr;
    f.rounding = LQ_NEAREST;
    f.is_signed = d->scheme == LQ_SLQ ? true : is_signed;
    f.max_words = d->words;
    f.theta = 0;
    return f;
}

/* Weights are signed; activations (pixels, ReLU outputs) unsigned but for SLQ, unless
 * a layer's inputs take negative values (your own data, a layer without ReLU below). */
static lq_format fmt_w(const cell *c, int k)
{
    return fmt_of(&c->ws, c->bits, c->wfsr[k], 1);
}

static lq_format fmt_a(const cell *c, int k)
{
    return fmt_of(&c->as, c->bits, c->afsr[k], c->asig[k]);
}

static qv quant(const lq_format *f, double x)
{
    qv q;
    memset(&q, 0, sizeof q);
    if (f->scheme == LQ_SLQ) {
        q.s = lq_slq_encode(f, x);
        q.v = lq_slq_value_double(f, &q.s);
    } else {
        q.code = lq_quantize(f, x);
        q.v = lq_dequantize(f, q.code);
    }
    return q;
}

static int floor_log2(double x)
{
    return lq_log2_round(x, 0, LQ_FLOOR);
}

/* Layer k's weights / input activations are quantized in cell c: the cell says so
 * and --layers selects the layer (the others stay double, as in the float row). */
static int qw_at(const ctx *x, const cell *c, int k)
{
    return c->qw && (x->qmask >> k & 1u);
}

static int qa_at(const ctx *x, const cell *c, int k)
{
    return c->qa && (x->qmask >> k & 1u);
}

/* ---- double-precision inference from exact decoded values ---- */

static void prep_weights(ctx *x, const cell *c)
{
    for (int k = 0; k < x->net->nlayers; k++) {
        const nn_layer *L = &x->net->l[k];
        lq_format f = fmt_w(c, k);
        for (long i = 0; i < nn_nweights(L); i++) {
            if (qw_at(x, c, k))
                x->wq[k][i] = quant(&f, L->w[i]);
            else
                x->wq[k][i].v = L->w[i];
        }
    }
}

/* How a cell's dot products are computed (docs/eval.md, "Which arithmetic computes
 * which cell"): double precision from the exact decoded values, exact integers
 * (linear x linear), or the MAC model. */
enum { INFER_DOUBLE, INFER_EXACT, INFER_MAC };
static int infer(ctx *x, const cell *c, int cell_method, const double *img, double *logits,
                 int check, int image);

/* Errors and mean cross-entropy of the first n images of s. */
static void score(ctx *x, const cell *c, const nn_data *s, int n, int *errors,
                  double *loss)
{
    double logits[NN_WIDTH_MAX];
    int nc = x->net->l[x->net->nlayers - 1].out;
    *errors = 0;
    *loss = 0;
    for (int i = 0; i < n; i++) {
        int p = infer(x, c, INFER_DOUBLE, s->x[i], logits, 0, -1);
        double mx = logits[p], sum = 0;
        *errors += p != s->y[i];
        for (int k = 0; k < nc; k++)
            sum += exp(logits[k] - mx);
        *loss += mx + log(sum) - logits[s->y[i]];
    }
    *loss /= n;
}

/* The FSR sweep: start every quantized tensor at floor(log2 max|x|) + 1 (no clipping),
 * then `passes` times, for each layer in order, its weights then its input
 * activations, try start-window .. start+1 and keep the FSR with the fewest errors on
 * the first `calib` training images (ties: lower mean cross-entropy, then the value
 * already held). */
static void choose_fsr(ctx *x, cell *c)
{
    int nl = x->net->nlayers, start_w[NN_LAYERS_MAX], start_a[NN_LAYERS_MAX];
    int best_e;
    double best_l;
    for (int k = 0; k < nl; k++) {
        start_w[k] = c->wfsr[k] = floor_log2(x->wmax[k]) + 1;
        start_a[k] = c->afsr[k] = floor_log2(x->amax[k]) + 1;
        c->asig[k] = x->asig[k];
    }
    if (!c->qw && !c->qa) {
        prep_weights(x, c);
        return;
    }
    prep_weights(x, c);
    score(x, c, x->train, x->calib, &best_e, &best_l);
    for (int p = 0; p < x->passes; p++)
        for (int k = 0; k < nl; k++)
            for (int t = 0; t < 2; t++) {
                int *v = t == 0 ? &c->wfsr[k] : &c->afsr[k];
                int st = t == 0 ? start_w[k] : start_a[k], keep = *v;
                if ((t == 0 && !qw_at(x, c, k)) || (t == 1 && !qa_at(x, c, k)))
                    continue;
                for (int f = st - x->window; f <= st + 1; f++) {
                    int e;
                    double l;
                    if (f == keep)
                        continue;
                    *v = f;
                    if (t == 0)
                        prep_weights(x, c);
                    score(x, c, x->train, x->calib, &e, &l);
                    if (e < best_e || (e == best_e && l < best_l)) {
                        best_e = e;
                        best_l = l;
                        keep = f;
                    }
                }
                *v = keep;
                if (t == 0)
                    prep_weights(x, c);
            }
}

/* ---- the MAC array model ---- */

/* The MAC's code of operand q in word slot `slot`. */
static uint32_t slot_code(const lq_format *f, const qv *q, int slot)
{
    if (f->scheme == LQ_SLQ)
        return slot < q->s.n ? nn_slq_mac_code(f->bits, q->s.k[slot]) : 0;
    return slot == 0 ? q->code : 0;
}

/* The MAC format standing for f: SLQ words are signed log2 codes. */
static lq_format mac_fmt(const lq_format *f)
{
    return hw_mac_format(f);
}

static int uses_mac(const cell *c)
{
    return c->qw && c->qa && c->ws.scheme != LQ_LINEAR;
}

static int mac_config(const ctx *x, const cell *c, int k, lq_mac_config *cfg)
{
    lq_format fw = fmt_w(c, k), fa = fmt_a(c, k);
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = c->as.scheme == LQ_LINEAR ? LQ_MAC_SHIFT : LQ_MAC_LOGLOG;
    cfg->lanes = x->lanes;
    cfg->w = mac_fmt(&fw);
    cfg->a = mac_fmt(&fa);
    cfg->sqrt2_frac = x->sqrt2_frac;
    cfg->frac = LQ_MAC_FRAC_EXACT;
    cfg->max_beats = MAC_MAX_BEATS;
    cfg->fault = x->fault;
    return 0;
}

/* A wide integer as __int128: 0, or -1 when it does not fit. */
static int wide_i128(const lq_wide *w, __int128 *out)
{
    uint64_t fill = (w->limb[1] >> 63) ? ~(uint64_t)0 : 0;
    for (int i = 2; i < LQ_MAC_LIMBS; i++)
        if (w->limb[i] != fill)
            return -1;
    *out = (__int128)(((unsigned __int128)w->limb[1] << 64) | w->limb[0]);
    return 0;
}

static double wide_double(const lq_wide *w)
{
    __int128 v;
    double s = 0;
    lq_wide m = *w;
    int neg = (int)(w->limb[LQ_MAC_LIMBS - 1] >> 63);
    if (wide_i128(w, &v) == 0)
        return (double)v;
    /* rare (more than 128 bits): the magnitude's limbs, summed. Not the signed limbs:
     * those of a negative value are mostly all ones, which a double rounds to 2^64,
     * so -1 * 2^64 + (2^64 - 1) came out 0 and every negative sum near +2^(64k). */
    if (neg) {
        lq_wide one;
        for (int i = 0; i < LQ_MAC_LIMBS; i++)
            m.limb[i] = ~m.limb[i];
        lq_wide_from_i64(&one, 1);
        lq_wide_add(&m, &one);
    }
    for (int i = LQ_MAC_LIMBS - 1; i >= 0; i--)
        s = s * 18446744073709551616.0 + (double)m.limb[i];
    return neg ? -s : s;
}

static int fixed_of(const lq_format *f, const qv *q, int frac, int p, int64_t *out)
{
    if (f->scheme == LQ_SLQ)
        return lq_slq_value_fixed(f, &q->s, frac, out);
    return lq_code_fixed(f, q->code, frac, p, out);
}

/* Fraction bits that make every value of f an integer (the LSB of linear codes, the
 * smallest exponent of log codes; sqrt(2) constants add p). */
static int frac_needed(const lq_format *f, int p)
{
    if (f->scheme == LQ_LINEAR)
        return -(f->fsr - f->bits + (f->is_signed ? 1 : 0));
    if (f->scheme == LQ_LOGSQRT2) {
        int e = lq_exp_min(f);
        return p - (e >= 0 ? e / 2 : -((1 - e) / 2));
    }
    return -lq_exp_min(f);
}

/* The independent dot product of one output: sum_i w_i a_i as an integer S with the
 * value S * 2^-(*frac). From exact fixed-point values of each operand, except
 * log-sqrt(2) times log-sqrt(2): there the hardware rounds sqrt(2) once on the
 * exponent sum (docs/mac.md), so the value is 2^floor(e/2) * (K_P / 2^P if e is odd)
 * with e = e_w + e_a, from lq_log_fields. */
static int exact_dot(const lq_format *fw, const lq_format *fa, const qv *w, const qv *a,
                     int n, int p, __int128 *sum, int *frac)
{
    *sum = 0;
    if (fw->scheme == LQ_LOGSQRT2 && fa->scheme == LQ_LOGSQRT2) {
        int emin = lq_exp_min(fw) + lq_exp_min(fa);
        int f = p - (emin >= 0 ? emin / 2 : -((1 - emin) / 2));
        uint32_t kp = lq_sqrt2_const(p);
        *frac = f;
        for (int i = 0; i < n; i++) {
            lq_logfields lw = lq_log_fields(fw, w[i].code), la = lq_log_fields(fa, a[i].code);
            int e, h;
            __int128 t;
            if (lw.zero || la.zero)
                continue;
            e = lw.exp + la.exp;
            h = e >= 0 ? e / 2 : -((1 - e) / 2);
            t = (e - 2 * h) ? (__int128)kp : (__int128)1 << p;
            t <<= h - p + f; /* >= 0 by the choice of f */
            *sum += (lw.sign ^ la.sign) ? -t : t;
        }
        return 0;
    }
    {
        int f1 = frac_needed(fw, p), f2 = frac_needed(fa, p);
        *frac = f1 + f2;
        for (int i = 0; i < n; i++) {
            int64_t x1, x2;
            if (fixed_of(fw, &w[i], f1, p, &x1) != 0 || fixed_of(fa, &a[i], f2, p, &x2) != 0)
                return -1;
            *sum += (__int128)x1 * x2;
        }
    }
    return 0;
}

/* v1 * 2^-f1 == v2 * 2^-f2, exactly. */
static int same_value(__int128 v1, int f1, __int128 v2, int f2)
{
    if (f1 < f2) {
        __int128 t = v1;
        int tf = f1;
        v1 = v2, f1 = f2, v2 = t, f2 = tf;
    }
    if (f1 - f2 > 100)
        return v1 == 0 && v2 == 0;
    /* compare v1 with v2 * 2^(f1 - f2) */
    if (f1 - f2 > 0 && (v2 > ((__int128)1 << (120 - (f1 - f2))) ||
                        -v2 > ((__int128)1 << (120 - (f1 - f2)))))
        return 0;
    return v1 == v2 * ((__int128)1 << (f1 - f2));
}

static void print_i128(__int128 v)
{
    char buf[48];
    int n = 0, neg = v < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;
    do {
        buf[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg)
        putchar('-');
    while (n)
        putchar(buf[--n]);
}

/* ---- export of one layer's beats (the files of gen/cmd/vectors.c) ---- */

/* One input beat {last, w[N-1..0], a[N-1..0]} (lane 0 in the LSBs) as one hex line,
 * the layout of in.hex (the vectors writer's packer); then its idle cycles in gap.hex. */
static void export_beat(export_rec *e, const uint32_t *a, const uint32_t *w, int last)
{
    bitword b;
    unsigned g = 0;
    b.n = 0;
    for (int i = 0; i < e->cfg.lanes; i++)
        bw_put(&b, a[i], e->cfg.a.bits);
    for (int i = 0; i < e->cfg.lanes; i++)
        bw_put(&b, w[i], e->cfg.w.bits);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(e->in, &b);
    if (e->stall > 0 && lq_rng_below(&e->rng, 100) < (uint64_t)e->stall)
        g = 1 + (unsigned)lq_rng_below(&e->rng, 4);
    file_printf(e->gap, "%02x\n", g);
    e->nin++;
}

/* The MAC model's dot product of one unit: weights w (the row), activations a (its
 * gathered inputs), n terms; check: also recompute it independently. The sum's value
 * into *v; 0, or -1 on a model error. */
static int mac_dot(ctx *x, const cell *c, int k, lq_mac_state *st, const qv *w, const qv *a,
                   int n, int check, int image, int unit, int row, double *v)
{
    const nn_layer *L = &x->net->l[k];
    lq_format fw = fmt_w(c, k), fa = fmt_a(c, k);
    int sw = fw.scheme == LQ_SLQ ? fw.max_words : 1;
    int sa = fa.scheme == LQ_SLQ ? fa.max_words : 1;
    int chunks = (n + x->lanes - 1) / x->lanes, nbeats = sw * sa * chunks, beat = 0;
    int exporting = k == x->ex.layer && image >= 0 && image < x->ex.images;
    lq_wide out;
    for (int s = 0; s < sa; s++)
        for (int i = 0; i < chunks * x->lanes; i++)
            x->ac[s][i] = i < n ? slot_code(&fa, &a[i], s) : 0;
    for (int s1 = 0; s1 < sw; s1++) {
        for (int i = 0; i < chunks * x->lanes; i++)
            x->wc[i] = i < n ? slot_code(&fw, &w[i], s1) : 0;
        for (int s2 = 0; s2 < sa; s2++)
            for (int ch = 0; ch < chunks; ch++) {
                beat++;
                if (exporting)
                    export_beat(&x->ex, x->ac[s2] + ch * x->lanes, x->wc + ch * x->lanes,
                                beat == nbeats);
                lq_mac_step(st, x->ac[s2] + ch * x->lanes, x->wc + ch * x->lanes,
                            beat == nbeats, &out);
            }
    }
    *v = ldexp(wide_double(&out), st->wd.out_lsb_exp);
    if (check) {
        __int128 ref, got;
        int rf;
        x->checked++;
        if (exact_dot(&fw, &fa, w, a, n, x->sqrt2_frac, &ref, &rf) != 0 ||
            wide_i128(&out, &got) != 0 || !same_value(got, -st->wd.out_lsb_exp, ref, rf)) {
            if (x->mismatches++ < 10) {
                char dec[170];
                printf("MISMATCH: %s weights, %s activations, %d bits, layer %d, test "
                       "image %d, output %d: MAC %s * 2^%d, independent ",
                       c->ws.name, c->as.name, c->bits, k + 1, image, unit,
                       lq_wide_dec(&out, dec), st->wd.out_lsb_exp);
                print_i128(ref);
                printf(" * 2^%d (fsr w %d a %d)\n", -rf, c->wfsr[k], c->afsr[k]);
            }
        }
    }
    if (exporting) { /* the sum this inference uses, and what it makes of it */
        char h[LQ_MAC_BITS_MAX / 4 + 8], dec[170];
        file_printf(x->ex.out, "%s\n", lq_wide_hex(&out, st->wd.out_bits, h));
        file_printf(x->ex.val, "%d %d %s %d %.17g %.17g\n", image, unit,
                    lq_wide_dec(&out, dec), st->wd.out_lsb_exp, L->b[row], *v + L->b[row]);
        x->ex.nout++;
    }
    return 0;
}

/* Inference of one image: every layer quantizes its inputs (qa_at), then each unit
 * (nn/nn.h: a dense output, or a conv output pixel of one channel) is the dot product
 * of its weight row with its gathered inputs (the conv window) by `method`, plus the
 * bias, then the ReLU; a pooled conv layer then max-pools its units. A layer that
 * --layers leaves out computes in double from its unquantized operands. check (MAC
 * only): recompute each MAC dot product independently. image: the test image (for
 * --check and --export-layer; -1 for the training set). Returns the class, or -1 on
 * a model error. */
static int infer(ctx *x, const cell *c, int cell_method, const double *img, double *logits,
                 int check, int image)
{
    const double *in = img;
    for (int k = 0; k < x->net->nlayers; k++) {
        const nn_layer *L = &x->net->l[k];
        int last = k == x->net->nlayers - 1, pooled = L->is_conv && L->c.pool == 2;
        int fanin = nn_fanin(L), nu = nn_units(L);
        double *z = last ? logits : x->buf[k & 1], *zu = pooled ? x->units : z;
        lq_format fw = fmt_w(c, k), fa = fmt_a(c, k);
        lq_mac_state st;
        int method = x->qmask >> k & 1u ? cell_method : INFER_DOUBLE;
        for (int i = 0; i < L->in; i++) {
            if (qa_at(x, c, k))
                x->qa[i] = quant(&fa, in[i]);
            else
                x->qa[i].v = in[i];
        }
        if (method == INFER_MAC) {
            lq_mac_config cfg;
            char msg[256];
            mac_config(x, c, k, &cfg);
            if (lq_mac_reset(&st, &cfg, msg, sizeof msg) != 0) {
                cli_error("MAC model refused layer %d of %s %s %d bits: %s", k + 1, c->ws.name,
                          c->as.name, c->bits, msg);
                return -1;
            }
            if (k == x->ex.layer && image >= 0 && image < x->ex.images && !x->ex.have_cfg) {
                x->ex.cfg = cfg;
                x->ex.wd = st.wd;
                x->ex.have_cfg = 1;
            }
        }
        for (int u = 0; u < nu; u++) {
            int row = nn_unit_row(L, u);
            const qv *w = x->wq[k] + (size_t)row * fanin, *a = x->qa;
            double v;
            if (L->is_conv)
                nn_unit_inputs(L, u, x->idx);
            if (L->is_conv && method != INFER_DOUBLE) { /* the window as one vector */
                for (int i = 0; i < fanin; i++)
                    x->ga[i] = x->qa[x->idx[i]];
                a = x->ga;
            }
            if (method == INFER_DOUBLE) {
                v = L->b[row]; /* the order of nn_layer_forward: the float row is its accuracy */
                if (L->is_conv)
                    for (int i = 0; i < fanin; i++)
                        v += w[i].v * a[x->idx[i]].v;
                else
                    for (int i = 0; i < fanin; i++)
                        v += w[i].v * a[i].v;
            } else if (method == INFER_EXACT) {
                __int128 s;
                int f;
                if (exact_dot(&fw, &fa, w, a, fanin, x->sqrt2_frac, &s, &f) != 0)
                    return -1;
                v = ldexp((double)s, -f) + L->b[row];
            } else {
                if (mac_dot(x, c, k, &st, w, a, fanin, check, image, u, row, &v) != 0)
                    return -1;
                v += L->b[row];
            }
            zu[u] = L->relu && v < 0 ? 0 : v;
        }
        if (pooled)
            nn_pool(L, zu, z, NULL);
        in = z;
    }
    return nn_argmax(logits, x->net->l[x->net->nlayers - 1].out);
}

/* Test accuracy of a cell whose FSRs are chosen (weights prepared). */
static double test_accuracy(ctx *x, const cell *c)
{
    double logits[NN_WIDTH_MAX];
    int ok = 0;
    for (int i = 0; i < x->test->n; i++) {
        int p;
        int method = uses_mac(c) ? INFER_MAC : c->qw && c->qa ? INFER_EXACT : INFER_DOUBLE;
        p = infer(x, c, method, x->test->x[i], logits, i < x->check, i);
        if (p < 0) {
            x->mac_fail = 1;
            return NAN;
        }
        ok += p == x->test->y[i];
    }
    return 100.0 * ok / x->test->n;
}

static void print_fsrs(const ctx *x, const cell *c, const char *what)
{
    printf("| %s | %s | %d |", c->ws.name, what, c->bits);
    for (int k = 0; k < x->net->nlayers; k++) {
        if (qw_at(x, c, k))
            printf(" %d", c->wfsr[k]);
        else
            printf(" -");
        printf(qa_at(x, c, k) ? " / %d" : " / -", c->afsr[k]);
        printf(" |");
    }
    printf("\n");
}

/* --layers: a comma separated list of layers 1..nlayers into a bit mask. */
static int parse_layers(const char *s, int nlayers, const char *wpath, unsigned *mask)
{
    char *copy = strdup(s), *save = NULL;
    int rc = 0;
    *mask = 0;
    if (!copy)
        return -1;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k;
        if (cli_int("--layers", t, 1, NN_LAYERS_MAX, &k) != 0) {
            rc = -1;
            break;
        }
        if (k > nlayers) {
            cli_error("--layers '%s': %s has %d layers", s, wpath, nlayers);
            rc = -1;
            break;
        }
        *mask |= 1u << (k - 1);
    }
    if (rc == 0 && *mask == 0) {
        cli_error("--layers '%s' names no layer", s);
        rc = -1;
    }
    free(copy);
    return rc;
}

static int parse_bits(const char *s, int *bits, int *n)
{
    char *copy = strdup(s), *save = NULL;
    int rc = 0;
    *n = 0;
    if (!copy)
        return -1;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*n == MAX_BITS_LIST || cli_int("--bits", t, 2, 8, &bits[*n]) != 0) {
            if (*n == MAX_BITS_LIST)
                cli_error("--bits '%s': at most %d widths", s, MAX_BITS_LIST);
            rc = -1;
            break;
        }
        (*n)++;
    }
    if (rc == 0 && *n == 0) {
        cli_error("--bits '%s' names no width", s);
        rc = -1;
    }
    free(copy);
    return rc;
}

/* --export-layer: run cell cl alone on the test set, recording its layer's beats, and
 * write the bench's files to dir (all or none). */
static int export_run(ctx *x, cell *cl, const char *dir, const lq_cmd *c)
{
    export_rec *e = &x->ex;
    lq_fileset fs;
    lq_file *rdy, *cnt, *vh, *args, *mcfg;
    tb_desc d;
    double acc;
    int rc = LQ_EXIT_FAIL;
    char args_line[256];
    enum { NRDY = 1024 };

    fileset_init(&fs);
    e->in = fileset_add(&fs, "in.hex");
    e->gap = fileset_add(&fs, "gap.hex");
    rdy = fileset_add(&fs, "rdy.hex");
    e->out = fileset_add(&fs, "out.hex");
    cnt = fileset_add(&fs, "count.hex");
    vh = fileset_add(&fs, "vectors.vh");
    args = fileset_add(&fs, "mac.args");
    mcfg = fileset_add(&fs, "mac.cfg");
    e->val = fileset_add(&fs, "values.txt");
    if (!e->in || !e->gap || !rdy || !e->out || !cnt || !vh || !args || !mcfg || !e->val) {
        cli_error("out of memory");
        goto done;
    }
    file_header(e->in, "//", c);
    file_header(e->gap, "//", c);
    file_header(rdy, "//", c);
    file_header(e->out, "//", c);
    file_header(cnt, "//", c);
    file_header(vh, "//", c);
    file_header(args, "#", c);
    file_header(mcfg, "#", c);
    file_header(e->val, "#", c);
    file_printf(e->val, "# layer %d of %s weights x %s activations, %d bits: one line per dot "
                "product:\n# image output mac_sum lsb_exp bias value "
                "(= mac_sum * 2^lsb_exp + bias, before the ReLU)\n",
                e->layer + 1, cl->ws.name, cl->as.name, cl->bits);
    choose_fsr(x, cl);
    acc = test_accuracy(x, cl);
    if (x->mac_fail)
        goto done;
    if (!e->have_cfg) {
        cli_error("--export-layer: no dot product was recorded");
        goto done;
    }
    for (int i = 0; i < NRDY; i++)
        file_printf(rdy, "%d\n",
                    !(e->stall > 0 && lq_rng_below(&e->rng, 100) < (uint64_t)e->stall));
    tb_desc_mac(&d, "logq_mac", &e->cfg, &e->wd);
    file_printf(cnt, "%08lx\n%08lx\n", e->nin, e->nout);
    file_printf(vh, "// The counts and widths of these vectors, for logq_mac_tb.v.\n");
    file_printf(vh, "`define VEC_BLOCK \"mac\"\n`define VEC_IN_BITS %d\n`define VEC_OUT_BITS %d\n",
                tb_in_bits(&d), tb_out_bits(&d));
    file_printf(vh, "`define VEC_NIN %ld\n`define VEC_NOUT %ld\n`define VEC_NRDY %d\n", e->nin,
                e->nout, NRDY);
    file_printf(vh, "`define VEC_SEED 1\n`define VEC_CMD \"");
    for (const char *p = c->cmdline; *p; p++)
        file_printf(vh, *p == '\\' || *p == '"' ? "\\%c" : "%c", *p);
    file_printf(vh, "\"\n");
    {
        const lq_mac_config *m = &e->cfg;
        snprintf(args_line, sizeof args_line,
                    "--mode %s --base %s --lanes %d --bits %d --fsr %d --%s --act-bits %d "
                    "--act-fsr %d --act-%s --sqrt2-frac %d --max-beats %ld",
                    lq_mac_mode_name(m->mode), m->w.scheme == LQ_LOGSQRT2 ? "sqrt2" : "2",
                    m->lanes, m->w.bits, m->w.fsr, m->w.is_signed ? "signed" : "unsigned",
                    m->a.bits, m->a.fsr, m->a.is_signed ? "signed" : "unsigned", m->sqrt2_frac,
                    m->max_beats);
        file_printf(args, "%s\n", args_line);
        file_printf(mcfg, "MODE_ID %d\nLANES %d\nW_BITS %d\nW_FSR %d\nW_SIGNED %d\n"
                    "A_SCHEME_ID %d\nA_BITS %d\nA_FSR %d\nA_SIGNED %d\nSQRT2_FRAC %d\n"
                    "MAX_BEATS %ld\nFRAC %d\nOUT_BITS %d\nOUT_LSB_EXP %d\n",
                    (int)m->mode, m->lanes, m->w.bits, m->w.fsr, m->w.is_signed ? 1 : 0,
                    (int)m->a.scheme, m->a.bits, m->a.fsr, m->a.is_signed ? 1 : 0,
                    m->sqrt2_frac, m->max_beats, e->wd.frac, e->wd.out_bits,
                    e->wd.out_lsb_exp);
    }
    if (tb_icarus_write(&fs, &d, c) != 0)
        goto done;
    if (fileset_commit(&fs, dir) != 0)
        goto done;
    printf("| %s weights | %s activations | %d bits | test accuracy %.2f %% |\n", cl->ws.name,
           cl->as.name, cl->bits, acc);
    printf("FSRs, weights / input activations:");
    for (int k = 0; k < x->net->nlayers; k++)
        printf("%s layer %d %d / %d", k ? "," : "", k + 1, cl->wfsr[k], cl->afsr[k]);
    printf("\nexport: layer %d (%d inputs, %d outputs; %d dot products of %d terms per image), "
           "the first %d test images: %ld beats, %ld dot products -> %s/\n", e->layer + 1,
           x->net->l[e->layer].in, x->net->l[e->layer].out, nn_units(&x->net->l[e->layer]),
           nn_fanin(&x->net->l[e->layer]), e->images, e->nin, e->nout, dir);
    printf("  MAC: %s (mac.args), output %d bits, LSB 2^%d\n", args_line, e->wd.out_bits,
           e->wd.out_lsb_exp);
    printf("  run: build/logq gen mac $(grep -v '^#' %s/mac.args) -o RTL_DIR && "
           "sim/xsim/verilator.sh RTL_DIR %s OUT && OUT/logq_mac_tb +vectors=%s\n", dir, dir,
           dir);
    rc = LQ_EXIT_OK;
    if (x->check) {
        printf("check: %ld MAC dot products of the first %d test images recomputed "
               "independently, %ld mismatches\n", x->checked, x->check, x->mismatches);
        if (x->mismatches)
            rc = LQ_EXIT_FAIL;
    }
done:
    fileset_free(&fs);
    return rc;
}

/* Every dot product must fit the MAC's K beats per vector: ceil(IN / lanes) beats per
 * pair of word slots, up to 3 x 3 for SLQ-L3 on both operands. */
static int check_beats(const nn_net *net, int lanes, const char *wpath)
{
    for (int k = 0; k < net->nlayers; k++) {
        int n = nn_fanin(&net->l[k]);
        long need = (long)((n + lanes - 1) / lanes) * 3 * 3;
        if (need > MAC_MAX_BEATS) {
            cli_error("%s: layer %d has %d inputs per dot product: %ld beats on %d lanes "
                      "(SLQ-L3 x SLQ-L3) exceed the MAC's %d; use more --lanes (at least %d)",
                      wpath, k + 1, n, need, lanes, MAC_MAX_BEATS,
                      (n * 9 + MAC_MAX_BEATS - 1) / MAC_MAX_BEATS);
            return -1;
        }
    }
    return 0;
}

/* --hw: the integer network (gen/nn/hw.c) of every W+A and shift-mode cell, with the
 * cell's FSRs; the table beside the double-bias accuracy. A cell the integer network
 * cannot build (sums wider than 62 bits) is shown as '-' with the reason. */
static int hw_table(const ctx *x, cell cl[4][NSCHEMES][MAX_BITS_LIST],
                    double res[4][NSCHEMES][MAX_BITS_LIST], const int *bits, int nbits)
{
    hw_row rows[2 * NSCHEMES];
    int n = 0;
    for (int m = 2; m < 4; m++)
        for (int s = 0; s < NSCHEMES; s++) {
            hw_row *r = &rows[n];
            if (m == 3 && schemes[s].scheme == LQ_LINEAR)
                continue;
            r->scheme = schemes[s].name;
            r->act = m == 3 ? "linear" : schemes[s].name;
            for (int b = 0; b < nbits; b++) {
                const cell *c = &cl[m][s][b];
                hw_spec sp;
                hw_net h;
                char msg[320];
                memset(&sp, 0, sizeof sp);
                sp.nlayers = x->net->nlayers;
                sp.sqrt2_frac = x->sqrt2_frac;
                sp.fault = x->fault;
                for (int k = 0; k < sp.nlayers; k++) {
                    sp.w[k] = fmt_w(c, k);
                    sp.a[k] = fmt_a(c, k);
                    sp.lanes[k] = x->lanes;
                    r->wfsr[b][k] = c->wfsr[k];
                    r->afsr[b][k] = c->afsr[k];
                }
                r->dbl[b] = res[m][s][b];
                r->hw[b] = NAN;
                r->why[b][0] = '\0';
                if (hw_build(&h, x->net, &sp, msg, sizeof msg) != 0) {
                    snprintf(r->why[b], sizeof r->why[b], "%s", msg);
                    continue;
                }
                r->hw[b] = hw_accuracy(&h, x->test);
                hw_free(&h);
            }
            n++;
        }
    hw_print_table(rows, n, bits, nbits, x->net->nlayers);
    return 0;
}

int cmd_eval(const lq_cmd *c)
{
    static const struct option opts[] = {
        {"weights", required_argument, 0, OPT_WEIGHTS},
        NN_DATA_OPTIONS,
        {"bits", required_argument, 0, OPT_BITS},
        {"calib", required_argument, 0, OPT_CALIB},
        {"window", required_argument, 0, OPT_WINDOW},
        {"passes", required_argument, 0, OPT_PASSES},
        {"lanes", required_argument, 0, OPT_LANES},
        {"sqrt2-frac", required_argument, 0, OPT_SQRT2},
        {"quick", no_argument, 0, OPT_QUICK},
        {"check", required_argument, 0, OPT_CHECK},
        {"fault", no_argument, 0, OPT_FAULT},
        {"export-layer", required_argument, 0, OPT_EX_LAYER},
        {"export-scheme", required_argument, 0, OPT_EX_SCHEME},
        {"export-act", required_argument, 0, OPT_EX_ACT},
        {"export-images", required_argument, 0, OPT_EX_IMAGES},
        {"stall", required_argument, 0, OPT_EX_STALL},
        {"out", required_argument, 0, 'o'},
        {"hw", no_argument, 0, OPT_HW},
        {"layers", required_argument, 0, OPT_LAYERS},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int hw = 0;
    const char *wpath = "build/data/digits-mlp.txt";
    const char *bits_arg = "3,4,5", *out_dir = NULL, *layers_arg = NULL;
    int ex_layer = 0, ex_scheme = -1, ex_linear = 0, ex_images = 20, ex_stall = 30;
    int calib = -1, window = 4, passes = 2, quick = 0, ch, r;
    int bits[MAX_BITS_LIST], nbits, rc = LQ_EXIT_FAIL, bits_set = 0, passes_set = 0;
    ctx x;
    nn_net net;
    nn_data_opts dopt;
    nn_data train, test;
    char msg[512];
    /* results[mode][scheme][bits]: mode 0 weights, 1 activations, 2 both, 3 mixed */
    double res[4][NSCHEMES][MAX_BITS_LIST];
    cell cells[4][NSCHEMES][MAX_BITS_LIST];
    double facc;

    memset(&x, 0, sizeof x);
    x.lanes = 16;
    x.sqrt2_frac = 16;
    nn_data_opts_init(&dopt);
    optind = 1;
    /* The integer options: their ranges and where the value goes. */
    const struct {
        int id;
        const char *name;
        int lo, hi, *dst;
    } iopt[] = {{OPT_EX_LAYER, "--export-layer", 1, NN_LAYERS_MAX, &ex_layer},
                {OPT_EX_IMAGES, "--export-images", 1, 100000, &ex_images},
                {OPT_EX_STALL, "--stall", 0, 90, &ex_stall},
                {OPT_CALIB, "--calib", 1, 1000000, &calib},
                {OPT_WINDOW, "--window", 0, 16, &window},
                {OPT_PASSES, "--passes", 0, 8, &passes},
                {OPT_LANES, "--lanes", 1, LQ_MAC_LANES_MAX, &x.lanes},
                {OPT_SQRT2, "--sqrt2-frac", 1, LQ_MAC_SQRT2_FRAC_MAX, &x.sqrt2_frac},
                {OPT_CHECK, "--check", 0, 1000000, &x.check}};
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if ((r = nn_data_option(ch, optarg, &dopt)) != 0) {
            if (r < 0)
                return LQ_EXIT_USAGE;
            continue;
        }
        int handled = 0;
        for (size_t k = 0; k < sizeof iopt / sizeof iopt[0]; k++)
            if (ch == iopt[k].id) {
                if (cli_int(iopt[k].name, optarg, iopt[k].lo, iopt[k].hi, iopt[k].dst) != 0)
                    return LQ_EXIT_USAGE;
                passes_set |= ch == OPT_PASSES;
                handled = 1;
            }
        if (handled)
            continue;
        switch (ch) {
        case 'h': fputs(eval_help, stdout); return LQ_EXIT_OK;
        case 'o': out_dir = optarg; break;
        case OPT_EX_SCHEME:
            ex_scheme = -1;
            for (int s = 1; s < NSCHEMES; s++)
                if (strcmp(optarg, schemes[s].name) == 0)
                    ex_scheme = s;
            if (ex_scheme < 0) {
                cli_error("--export-scheme '%s' is unknown (log2, logsqrt2, slq-L2, slq-L3: "
                          "the MAC takes log weights)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case OPT_EX_ACT:
            if (strcmp(optarg, "log") != 0 && strcmp(optarg, "linear") != 0) {
                cli_error("--export-act '%s' is unknown (log or linear)", optarg);
                return LQ_EXIT_USAGE;
            }
            ex_linear = strcmp(optarg, "linear") == 0;
            break;
        case OPT_WEIGHTS: wpath = optarg; break;
        case OPT_BITS: bits_arg = optarg; bits_set = 1; break;
        case OPT_QUICK: quick = 1; break;
        case OPT_FAULT: x.fault = 1; break;
        case OPT_HW: hw = 1; break;
        case OPT_LAYERS: layers_arg = optarg; break;
        default: return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("eval takes no file argument, got '%s' (use --weights)", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (quick) {
        if (!bits_set)
            bits_arg = "4";
        if (calib < 0)
            calib = 400;
        if (!passes_set)
            passes = 1;
    }
    if (parse_bits(bits_arg, bits, &nbits) != 0)
        return LQ_EXIT_USAGE;
    if (ex_layer || out_dir) {
        if (!ex_layer || !out_dir || ex_scheme < 0) {
            cli_error("an export needs --export-layer, --export-scheme and -o DIR together");
            return LQ_EXIT_USAGE;
        }
        if (nbits != 1) {
            cli_error("--export-layer needs exactly one --bits width, got '%s'", bits_arg);
            return LQ_EXIT_USAGE;
        }
    }
    if (nn_load_conv(wpath, &net, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    x.qmask = (1u << net.nlayers) - 1;
    if (layers_arg && parse_layers(layers_arg, net.nlayers, wpath, &x.qmask) != 0) {
        nn_free(&net);
        return LQ_EXIT_USAGE;
    }
    if (x.qmask != (1u << net.nlayers) - 1 && (hw || ex_layer)) {
        cli_error("--layers %s: --hw and --export-layer quantize every layer", layers_arg);
        nn_free(&net);
        return LQ_EXIT_USAGE;
    }
    if (ex_layer > net.nlayers) {
        cli_error("--export-layer %d: %s has %d layers", ex_layer, wpath, net.nlayers);
        nn_free(&net);
        return LQ_EXIT_USAGE;
    }
    if (check_beats(&net, x.lanes, wpath) != 0) {
        nn_free(&net);
        return LQ_EXIT_USAGE;
    }
    if ((rc = nn_data_open(&dopt, &train, &test)) != LQ_EXIT_OK) {
        nn_free(&net);
        return rc;
    }
    rc = LQ_EXIT_FAIL;
    if (net.l[0].in != train.nfeat || net.l[net.nlayers - 1].out < train.nclass) {
        cli_error("%s: the network has %d inputs and %d outputs; the data (%s) has %d "
                  "features and labels 0..%d", wpath, net.l[0].in, net.l[net.nlayers - 1].out,
                  nn_data_describe(&dopt, msg, sizeof msg), train.nfeat, train.nclass - 1);
        rc = LQ_EXIT_USAGE;
        goto done;
    }
    if (ex_layer && ex_images > test.n) {
        cli_error("--export-images %d: the test set has %d images", ex_images, test.n);
        rc = LQ_EXIT_USAGE;
        goto done;
    }
    x.ex.layer = ex_layer - 1;
    x.ex.images = ex_images;
    x.ex.stall = ex_stall;
    lq_rng_seed(&x.ex.rng, 1);
    x.net = &net;
    x.train = &train;
    x.test = &test;
    x.calib = calib < 0 || calib > train.n ? train.n : calib;
    x.window = window;
    x.passes = passes;
    {
        size_t act = (size_t)nn_act_max(&net), lanes_pad = NN_FANIN_MAX + LQ_MAC_LANES_MAX;
        x.buf[0] = malloc(2 * act * sizeof(double));
        x.buf[1] = x.buf[0] ? x.buf[0] + act : NULL;
        x.units = malloc(act * sizeof(double));
        x.qa = calloc(act, sizeof(qv));
        x.ga = calloc(NN_FANIN_MAX, sizeof(qv));
        x.idx = malloc(NN_FANIN_MAX * sizeof(int));
        x.wc = malloc(lanes_pad * sizeof(uint32_t));
        int oom = !x.buf[0] || !x.units || !x.qa || !x.ga || !x.idx || !x.wc;
        for (int s = 0; s < MAX_SLOTS; s++)
            oom |= !(x.ac[s] = malloc(lanes_pad * sizeof(uint32_t)));
        if (oom) {
            cli_error("out of memory");
            goto done;
        }
    }
    for (int k = 0; k < net.nlayers; k++) {
        long nw = nn_nweights(&net.l[k]);
        x.wq[k] = calloc((size_t)nw, sizeof(qv));
        if (!x.wq[k]) {
            cli_error("out of memory");
            goto done;
        }
        for (long i = 0; i < nw; i++)
            if (fabs(net.l[k].w[i]) > x.wmax[k])
                x.wmax[k] = fabs(net.l[k].w[i]);
        if (x.wmax[k] == 0)
            x.wmax[k] = 1;
    }
    { /* the largest input of each layer over the calibration images, float network */
        for (int i = 0; i < x.calib; i++) {
            const double *in = train.x[i];
            for (int k = 0; k < net.nlayers; k++) {
                const nn_layer *L = &net.l[k];
                for (int q = 0; q < L->in; q++) {
                    if (fabs(in[q]) > x.amax[k])
                        x.amax[k] = fabs(in[q]);
                    if (in[q] < 0)
                        x.asig[k] = 1;
                }
                nn_layer_forward(L, in, x.buf[k & 1], x.units, NULL);
                in = x.buf[k & 1];
            }
        }
        for (int k = 0; k < net.nlayers; k++)
            if (x.amax[k] == 0)
                x.amax[k] = 1;
    }

    {
        cell fc;
        memset(&fc, 0, sizeof fc);
        fc.ws = fc.as = float_def;
        fc.bits = 8;
        choose_fsr(&x, &fc);
        facc = test_accuracy(&x, &fc);
    }
    printf("logq eval: %s, %d test images (%s), FSRs chosen on %d training "
           "images (window %d, %d pass%s)\n", wpath, test.n,
           nn_data_describe(&dopt, msg, sizeof msg), x.calib, x.window,
           x.passes, x.passes == 1 ? "" : "es");
    printf("MAC model: %d lanes, exact fraction bits, sqrt(2) constant with %d fraction "
           "bits\n", x.lanes, x.sqrt2_frac);
    if (x.qmask != (1u << net.nlayers) - 1) {
        printf("quantized layers (--layers):");
        for (int k = 0; k < net.nlayers; k++)
            if (x.qmask >> k & 1u)
                printf(" %d", k + 1);
        printf("; the others compute in double\n");
    }
    printf("rerun: %s\n", c->cmdline);
    printf("float test accuracy: %.2f %%\n\n", facc);
    fflush(stdout);
    if (ex_layer) {
        cell *cl = &cells[0][0][0];
        memset(cl, 0, sizeof *cl);
        cl->ws = schemes[ex_scheme];
        cl->as = ex_linear ? schemes[0] : schemes[ex_scheme];
        cl->bits = bits[0];
        cl->qw = cl->qa = 1;
        rc = export_run(&x, cl, out_dir, c);
        goto done;
    }

    for (int m = 0; m < 4; m++)
        for (int s = 0; s < NSCHEMES; s++)
            for (int b = 0; b < nbits; b++) {
                cell *cl = &cells[m][s][b];
                memset(cl, 0, sizeof *cl);
                cl->ws = cl->as = schemes[s];
                cl->bits = bits[b];
                cl->qw = m != 1;
                cl->qa = m != 0;
                res[m][s][b] = NAN;
                if (m == 3) {
                    if (schemes[s].scheme == LQ_LINEAR)
                        continue;
                    cl->as = schemes[0]; /* linear activations */
                }
                choose_fsr(&x, cl);
                res[m][s][b] = test_accuracy(&x, cl);
                if (x.mac_fail)
                    goto done;
            }

    printf("Test accuracy (%%) by quantized operand, scheme and bits (sign included):\n\n");
    printf("| scheme |");
    for (int m = 0; m < 3; m++)
        for (int b = 0; b < nbits; b++)
            printf(" %s %db |", m == 0 ? "W" : m == 1 ? "A" : "W+A", bits[b]);
    printf("\n|---|");
    for (int i = 0; i < 3 * nbits; i++)
        printf("---:|");
    printf("\n| float |");
    for (int i = 0; i < 3 * nbits; i++)
        printf(" %.2f |", facc);
    printf("\n");
    for (int s = 0; s < NSCHEMES; s++) {
        printf("| %s |", schemes[s].name);
        for (int m = 0; m < 3; m++)
            for (int b = 0; b < nbits; b++)
                printf(" %.2f |", res[m][s][b]);
        printf("\n");
    }
    printf("\nLog weights with linear activations (W+A, the MAC's shift mode):\n\n| weights |");
    for (int b = 0; b < nbits; b++)
        printf(" %db |", bits[b]);
    printf("\n|---|");
    for (int b = 0; b < nbits; b++)
        printf("---:|");
    printf("\n");
    for (int s = 1; s < NSCHEMES; s++) {
        printf("| %s |", schemes[s].name);
        for (int b = 0; b < nbits; b++)
            printf(" %.2f |", res[3][s][b]);
        printf("\n");
    }

    printf("\nSLQ weights (FSRs of the W column): mean words and bits per weight:\n\n"
           "| scheme | bits | words/weight | bits tagged | bits special |\n"
           "|---|---:|---:|---:|---:|\n");
    for (int s = 0; s < NSCHEMES; s++) {
        if (schemes[s].scheme != LQ_SLQ)
            continue;
        for (int b = 0; b < nbits; b++) {
            const cell *cl = &cells[0][s][b];
            double words = 0, tag = 0, spc = 0;
            long n = 0;
            for (int k = 0; k < net.nlayers; k++) {
                lq_format f = fmt_w(cl, k);
                if (!qw_at(&x, cl, k))
                    continue;
                for (long i = 0; i < nn_nweights(&net.l[k]); i++) {
                    lq_slq_value v = lq_slq_encode(&f, net.l[k].w[i]);
                    words += v.n;
                    tag += lq_slq_value_bits(&f, LQ_FRAMING_TAG, v.n);
                    spc += lq_slq_value_bits(&f, LQ_FRAMING_SPECIAL, v.n);
                    n++;
                }
            }
            printf("| %s | %d | %.4f | %.4f | %.4f |\n", schemes[s].name, bits[b], words / n,
                   tag / n, spc / n);
        }
    }

    printf("\nChosen FSRs, per layer 'weights / input activations':\n\n| scheme | quantized "
           "| bits |");
    for (int k = 0; k < net.nlayers; k++)
        printf(" layer %d |", k + 1);
    printf("\n|---|---|---:|");
    for (int k = 0; k < net.nlayers; k++)
        printf("---|");
    printf("\n");
    for (int m = 0; m < 4; m++)
        for (int s = 0; s < NSCHEMES; s++)
            for (int b = 0; b < nbits; b++) {
                static const char *what[4] = {"W", "A", "W+A", "W + linear A"};
                if (m == 3 && schemes[s].scheme == LQ_LINEAR)
                    continue;
                print_fsrs(&x, &cells[m][s][b], what[m]);
            }
    rc = LQ_EXIT_OK;
    if (hw && hw_table(&x, cells, res, bits, nbits) != 0)
        rc = LQ_EXIT_USAGE;
    if (x.check) {
        printf("\ncheck: %ld MAC dot products of the first %d test images recomputed "
               "independently, %ld mismatches\n", x.checked, x.check, x.mismatches);
        if (x.mismatches)
            rc = LQ_EXIT_FAIL;
    }
done:
    for (int k = 0; k < NN_LAYERS_MAX; k++)
        free(x.wq[k]);
    free(x.buf[0]);
    free(x.units);
    free(x.qa);
    free(x.ga);
    free(x.idx);
    free(x.wc);
    for (int s = 0; s < MAX_SLOTS; s++)
        free(x.ac[s]);
    nn_free(&net);
    nn_data_free(&train);
    nn_data_free(&test);
    return rc;
}
