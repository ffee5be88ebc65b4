/* `logq vectors logacc|slqdec`: the stimulus and expected outputs of the log-domain
 * accumulator and the SLQ decoder for the bench of gen/emit/tb_icarus.c (docs/xsim.md).
 * The stimulus mirrors the biasing of their Verilator benches (sim/verilator/
 * logacc_tb.cpp, slqdec_tb.cpp: C++, so mirrored here, not shared); the expected
 * outputs come from the C models (cmodel/logacc.c, cmodel/slqhw.c). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/logacc.h"
#include "cmodel/logq.h"
#include "cmodel/slqhw.h"
#include "blocks/blocks.h"
#include "emit/vectors.h"

/* ---- port lists (also used by the generators' --tb) ---- */

void tb_desc_logacc(tb_desc *d, const char *name, int lanes, int exp_bits, int state_bits,
                    int latency)
{
    memset(d, 0, sizeof *d);
    d->block = "logacc";
    d->module = name;
    d->in_valid = "s_valid";
    d->in_ready = "s_ready";
    d->in[0] = (tb_port){"s_data", lanes * (exp_bits + 2)};
    d->in[1] = (tb_port){"s_last", 1};
    d->nin = 2;
    d->out_valid = "m_valid";
    d->out_ready = "m_ready";
    d->out[0] = (tb_port){"m_pos_z", 1};
    d->out[1] = (tb_port){"m_pos", state_bits};
    d->out[2] = (tb_port){"m_neg_z", 1};
    d->out[3] = (tb_port){"m_neg", state_bits};
    d->nout = 4;
    d->out_data_reset = 0; /* the output registers hold data only: checked while m_valid */
    d->out_per_vector = 1;
    d->latency = latency;
}

void tb_desc_slqdec(tb_desc *d, const char *name, int bits, int stream_bits)
{
    memset(d, 0, sizeof *d);
    d->block = "slqdec";
    d->module = name;
    d->in_valid = "s_valid";
    d->in_ready = "s_ready";
    d->in[0] = (tb_port){"s_data", stream_bits};
    d->in[1] = (tb_port){"s_last", 1};
    d->nin = 2;
    d->out_valid = "m_valid";
    d->out_ready = "m_ready";
    d->out[0] = (tb_port){"m_err", 3};
    d->out[1] = (tb_port){"m_neg", 1};
    d->out[2] = (tb_port){"m_zero", 1};
    d->out[3] = (tb_port){"m_shift", bits - 1};
    d->out[4] = (tb_port){"m_first", 1};
    d->out[5] = (tb_port){"m_wlast", 1};
    d->out[6] = (tb_port){"m_vlast", 1};
    d->nout = 7;
    d->out_data_reset = 0; /* the term buffer is not reset: checked while m_valid */
    d->out_per_vector = 0; /* one item per term, not per frame */
    d->latency = 2;
}

static int ident_ok(const char *s)
{
    if (!*s || strlen(s) > 48 || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

/* ---- logacc ---- */

typedef struct {
    vec_out *v;
    lq_logacc m;
    int emin, emax;
} lacc_vec;

static long rnd(vec_out *v, long n)
{
    return (long)lq_rng_below(&v->rng, (uint64_t)n);
}

static int lacc_clamp(const lacc_vec *g, long e)
{
    return (int)(e < g->emin ? g->emin : e > g->emax ? g->emax : e);
}

/* A difference on a segment boundary of the correction or around its cut-off
 * (logacc_tb.cpp: boundary_offset). */
static long lacc_boundary(lacc_vec *g)
{
    vec_out *v = g->v;
    int unit = g->m.cfg.half ? 2 : 1;
    long dcut = (long)g->m.dcut;
    long cut = g->m.cfg.corr == LQ_CORR_PAPER ? dcut : (dcut >> g->m.cfg.frac) + 1;
    switch (rnd(v, 4)) {
    case 0: return 0;
    case 1: return unit * (rnd(v, 3) - 1 + cut) * (rnd(v, 2) ? 1 : -1);
    case 2: return rnd(v, 2 * cut * unit + 3) - cut * unit - 1;
    default: return rnd(v, 2) ? 1 : -1;
    }
}

static void lacc_beat(lacc_vec *g, const lq_lterm *t, int last)
{
    static bitword b;
    vec_out *v = g->v;
    int n = g->m.cfg.lanes, E = g->m.cfg.exp_bits, SW = g->m.state_bits;
    uint64_t em = ((uint64_t)1 << E) - 1u, sm = SW >= 64 ? ~0ull : ((uint64_t)1 << SW) - 1u;
    lq_logacc_out o;
    b.n = 0;
    for (int i = 0; i < n; i++)
        bw_put(&b, ((uint64_t)(uint32_t)t[i].exp & em) | ((uint64_t)(t[i].sign & 1) << E) |
                       ((uint64_t)(t[i].zero & 1) << (E + 1)), E + 2);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    if (lq_logacc_step(&g->m, t, last, &o)) {
        b.n = 0;
        bw_put(&b, (uint64_t)o.pos.zero, 1);
        bw_put(&b, (uint64_t)o.pos.v & sm, SW);
        bw_put(&b, (uint64_t)o.neg.zero, 1);
        bw_put(&b, (uint64_t)o.neg.v & sm, SW);
        vec_item(v, &b);
    }
}

/* One vector (logacc_tb.cpp: gen_vector): clusters of exponents where errors hide,
 * zero terms with garbage in their ignored fields, all-zero vectors, lengths 1-3
 * (45 %), up to 24, up to 325 and up to 3300 beats. */
static void lacc_vector(lacc_vec *g)
{
    vec_out *v = g->v;
    lq_lterm t[LQ_LOGACC_LANES_MAX];
    int n = g->m.cfg.lanes;
    long len, r = rnd(v, 100);
    int mode = (int)rnd(v, 8);
    if (r < 45)
        len = 1 + rnd(v, 3);
    else if (r < 85)
        len = 1 + rnd(v, 24);
    else if (r < 97)
        len = 25 + rnd(v, 300);
    else
        len = 300 + rnd(v, 3000);
    long base = g->emin + rnd(v, (long)g->emax - g->emin + 1);
    if (rnd(v, 5) == 0)
        base = rnd(v, 2) ? g->emax : g->emin;
    int pzero = rnd(v, 4) == 0 ? 60 : (int)rnd(v, 20);
    int allzero = rnd(v, 25) == 0;
    int psign = rnd(v, 3) == 0 ? 0 : rnd(v, 3) == 0 ? 100 : 50;
    for (long b = 0; b < len; b++) {
        for (int i = 0; i < n; i++) {
            long e;
            t[i].zero = allzero || rnd(v, 100) < pzero;
            t[i].sign = rnd(v, 100) < psign;
            switch (mode) {
            case 0: e = base; break;
            case 1: e = base + lacc_boundary(g); break;
            case 2: e = rnd(v, 2) ? g->emax : g->emax - rnd(v, 3); break;
            case 3: e = rnd(v, 2) ? g->emin : g->emin + rnd(v, 3); break;
            case 4: e = base + rnd(v, 5) - 2; break;
            case 5: e = base - b; break;
            default: e = g->emin + rnd(v, (long)g->emax - g->emin + 1); break;
            }
            t[i].exp = lacc_clamp(g, e);
            if (t[i].zero && rnd(v, 2)) {
                t[i].sign = (int)rnd(v, 2);
                t[i].exp = lacc_clamp(g, g->emin + rnd(v, (long)g->emax - g->emin + 1));
            }
        }
        lacc_beat(g, t, b + 1 == len);
    }
}

/* Register stages of a --pipeline spec (as gen/blocks/logacc.c counts them), for the
 * deadlock timeout only; -1 when the spec is bad. */
static int lacc_stages(const char *spec, int levels)
{
    char buf[128], *tok, *save = NULL;
    int reg[24] = {0}, n = 0;
    if (strlen(spec) >= sizeof buf || levels > 22)
        return -1;
    strcpy(buf, spec);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "none") == 0) {
        } else if (strcmp(tok, "input") == 0) {
            reg[0] = 1;
        } else if (strcmp(tok, "sum") == 0) {
            reg[levels] = 1;
        } else if (strcmp(tok, "full") == 0) {
            for (int j = 0; j <= levels; j++)
                reg[j] = 1;
        } else if (strncmp(tok, "tree:", 5) == 0) {
            int k;
            if (cli_int("--pipeline tree:k", tok + 5, 1, 16, &k) != 0)
                return -1;
            for (int j = k; j <= levels; j += k)
                reg[j] = 1;
        } else {
            cli_error("--pipeline item '%s' is unknown (none, input, tree:k, sum, full)", tok);
            return -1;
        }
    }
    for (int j = 0; j <= levels; j++)
        n += reg[j];
    return n;
}

int vectors_logacc(const lq_cmd *c)
{
    enum { O_LANES = 1, O_BASE, O_EXP, O_FRAC, O_CORR, O_PIPE, O_NAME };
    static const struct option opts[] = {
        {"lanes", required_argument, 0, O_LANES},
        {"base", required_argument, 0, O_BASE},
        {"exp-bits", required_argument, 0, O_EXP},
        {"frac", required_argument, 0, O_FRAC},
        {"correction", required_argument, 0, O_CORR},
        {"pipeline", required_argument, 0, O_PIPE},
        {"name", required_argument, 0, O_NAME},
        VEC_COMMON_OPTIONS,
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    lq_logacc_cfg cfg = {.lanes = 4, .half = 0, .exp_bits = 8, .frac = 6,
                         .corr = LQ_CORR_TABLE, .fault = 0};
    vec_common o = {NULL, 200, 30, 0, 0, 1};
    const char *name = "logacc", *pipeline = "tree:2";
    lacc_vec g;
    vec_out v;
    lq_fileset fs;
    tb_desc d;
    char msg[256];
    int ch, rc, stages;

    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            printf("usage: logq vectors logacc [the options of logq gen logacc] [--count N]\n"
                   "       [--seed S] [--stall PCT] [--wrong-model] -o DIR (docs/xsim.md)\n");
            return LQ_EXIT_OK;
        case O_LANES:
            if (cli_int("--lanes", optarg, 1, LQ_LOGACC_LANES_MAX, &cfg.lanes) != 0)
                return LQ_EXIT_USAGE;
            break;
        case O_BASE:
            if (strcmp(optarg, "2") == 0) {
                cfg.half = 0;
            } else if (strcmp(optarg, "sqrt2") == 0) {
                cfg.half = 1;
            } else {
                cli_error("--base '%s' is unknown (2 or sqrt2)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case O_EXP:
            if (cli_int("--exp-bits", optarg, LQ_LOGACC_EXP_BITS_MIN, LQ_LOGACC_EXP_BITS_MAX,
                        &cfg.exp_bits) != 0)
                return LQ_EXIT_USAGE;
            break;
        case O_FRAC:
            if (cli_int("--frac", optarg, 0, LQ_LOGACC_FRAC_MAX_PAPER, &cfg.frac) != 0)
                return LQ_EXIT_USAGE;
            break;
        case O_CORR:
            if (lq_logacc_corr_parse(optarg, &cfg.corr) != 0) {
                cli_error("--correction '%s' is unknown (paper or table)", optarg);
                return LQ_EXIT_USAGE;
            }
            break;
        case O_PIPE: pipeline = optarg; break;
        case O_NAME:
            if (!ident_ok(optarg)) {
                cli_error("--name '%s' is not a usable Verilog identifier", optarg);
                return LQ_EXIT_USAGE;
            }
            name = optarg;
            break;
        default:
            if ((rc = vec_common_option(ch, optarg, &o)) != 0) {
                if (rc < 0)
                    return LQ_EXIT_USAGE;
                break;
            }
            return cli_bad_option(c);
        }
    }
    if (optind < c->argc) {
        cli_error("unexpected argument '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!o.dir) {
        cli_error("-o DIR is required");
        return LQ_EXIT_USAGE;
    }
    if (o.exhaustive) {
        cli_error("--exhaustive is for the mac only");
        return LQ_EXIT_USAGE;
    }
    memset(&g, 0, sizeof g);
    if (lq_logacc_init(&g.m, &cfg, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if ((stages = lacc_stages(pipeline, g.m.levels)) < 0) {
        lq_logacc_free(&g.m);
        return LQ_EXIT_USAGE;
    }
    g.emin = -(1 << (cfg.exp_bits - 1));
    g.emax = (1 << (cfg.exp_bits - 1)) - 1;
    if ((rc = vec_begin(&v, &fs, &o, 1, c)) != LQ_EXIT_OK) {
        lq_logacc_free(&g.m);
        return rc;
    }
    v.wrong = o.wrong;
    g.v = &v;
    for (int i = 0; i < o.count; i++)
        lacc_vector(&g);
    tb_desc_logacc(&d, name, cfg.lanes, cfg.exp_bits, g.m.state_bits, stages + 1);
    rc = vec_finish(&v, &fs, &o, &d, c);
    lq_logacc_free(&g.m);
    return rc;
}

/* ---- slqdec ---- */

enum { SLQ_FRAME_MAX = 1024 };

typedef struct {
    uint32_t w[SLQ_FRAME_MAX];
    int n;
} slq_frame;

typedef struct {
    vec_out *v;
    lq_format f;
    lq_framing fr;
    int sw;
    uint32_t swmask;
    lq_slqhw_dec dec;
} slqd_vec;

static void frame_push(slq_frame *s, uint32_t w)
{
    if (s->n < SLQ_FRAME_MAX)
        s->w[s->n++] = w;
}

static lq_format slqd_fmt(const slqd_vec *g, int floor_rounding)
{
    lq_format f = g->f;
    f.rounding = floor_rounding ? LQ_FLOOR : LQ_NEAREST;
    f.is_signed = true;
    f.theta = 0.0;
    return f;
}

/* Gaussian weights in either rounding; kind 1 adds zero weights, kind 2 the paper's
 * 0.4375 when W = 5 and FSR = 0 (slqdec_tb.cpp: good_frame). */
static void slqd_good(slqd_vec *g, slq_frame *s, int kind)
{
    vec_out *v = g->v;
    lq_format f = slqd_fmt(g, (int)rnd(v, 2));
    int k = 1 + (int)rnd(v, 12);
    double scale = ldexp(1.0, f.fsr - 1 - (int)rnd(v, 4));
    for (int i = 0; i < k; i++) {
        double x = lq_rng_gauss(&v->rng) * scale;
        uint32_t w[2 * LQ_SLQ_WORDS_MAX + 2];
        if (kind == 1 && rnd(v, 3) == 0)
            x = 0.0;
        if (kind == 2 && f.bits == 5 && f.fsr == 0)
            x = rnd(v, 2) ? 0.4375 : -0.4375;
        lq_slq_value val = lq_slq_encode(&f, x);
        int n = lq_slq_frame_value(&f, g->fr, &val, w);
        for (int j = 0; j < n; j++)
            frame_push(s, w[j]);
    }
}

/* A group of exactly n value words (n may exceed L: malformed). */
static void slqd_raw_group(slqd_vec *g, slq_frame *s, int n, int allow_zero)
{
    vec_out *v = g->v;
    int kmax = (1 << (g->f.bits - 1)) - 1;
    lq_format f = slqd_fmt(g, 0);
    for (int i = 0; i < n; i++) {
        int k = 1 + (int)rnd(v, kmax);
        if (rnd(v, 2))
            k = -k;
        if (allow_zero && rnd(v, 4) == 0)
            k = 0;
        uint32_t w = lq_slq_word(&f, k);
        if (g->fr == LQ_FRAMING_TAG) {
            frame_push(s, w | ((i + 1 < n ? 1u : 0u) << f.bits));
        } else {
            if (i > 0)
                frame_push(s, lq_slq_special(&f));
            frame_push(s, w);
        }
    }
}

/* Random words biased to -M, 0 and the tag bit. */
static uint32_t slqd_random_word(slqd_vec *g)
{
    vec_out *v = g->v;
    lq_format f = slqd_fmt(g, 0);
    switch (rnd(v, 6)) {
    case 0: return (lq_slq_special(&f) | (uint32_t)(rnd(v, 2) << f.bits)) & g->swmask;
    case 1: return (uint32_t)(rnd(v, 2) << f.bits) & g->swmask;
    default: return (uint32_t)lq_rng_u64(&v->rng) & g->swmask;
    }
}

static void slqd_frame(slqd_vec *g, slq_frame *s)
{
    vec_out *v = g->v;
    int kind = (int)rnd(v, 9), L = g->f.max_words;
    s->n = 0;
    switch (kind) {
    case 0: case 1: case 2: slqd_good(g, s, kind); break;
    case 3:
        for (int k = 1 + (int)rnd(v, 6); k > 0; k--)
            slqd_raw_group(g, s, 1 + (int)rnd(v, L), 0);
        break;
    case 4:
        for (int k = 1 + (int)rnd(v, 4); k > 0; k--)
            slqd_raw_group(g, s, 1 + (int)rnd(v, L + 2), 1);
        break;
    case 5: case 6: { /* a good frame with 1-3 mutations */
        slqd_good(g, s, 0);
        for (int m = 1 + (int)rnd(v, 3); m > 0; m--) {
            int p = (int)rnd(v, s->n);
            switch (rnd(v, 4)) {
            case 0: s->w[p] = slqd_random_word(g); break;
            case 1: s->w[p] ^= 1u << rnd(v, g->sw); break;
            case 2:
                if (s->n < SLQ_FRAME_MAX) {
                    memmove(s->w + p + 1, s->w + p, (size_t)(s->n - p) * sizeof s->w[0]);
                    s->w[p] = slqd_random_word(g);
                    s->n++;
                }
                break;
            default:
                if (s->n > 1) {
                    memmove(s->w + p, s->w + p + 1, (size_t)(s->n - p - 1) * sizeof s->w[0]);
                    s->n--;
                }
                break;
            }
        }
        break;
    }
    default: /* garbage; sometimes a one-word frame */
        for (int k = 1 + (int)rnd(v, kind == 7 ? 1 : 10); k > 0; k--)
            frame_push(s, slqd_random_word(g));
        break;
    }
}

static void slqd_word(slqd_vec *g, uint32_t w, int last)
{
    static bitword b;
    vec_out *v = g->v;
    lq_slqhw_beat out[LQ_SLQHW_BEATS_MAX];
    int nb;
    b.n = 0;
    bw_put(&b, w, g->sw);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    nb = lq_slqhw_dec_step(&g->dec, w, last, out);
    for (int i = 0; i < nb; i++) {
        b.n = 0;
        bw_put(&b, (uint64_t)out[i].err, 3);
        bw_put(&b, (uint64_t)out[i].neg, 1);
        bw_put(&b, (uint64_t)out[i].zero, 1);
        bw_put(&b, (uint64_t)out[i].shift, g->f.bits - 1);
        bw_put(&b, (uint64_t)out[i].first, 1);
        bw_put(&b, (uint64_t)out[i].wlast, 1);
        bw_put(&b, (uint64_t)out[i].vlast, 1);
        vec_item(v, &b);
    }
}

int vectors_slqdec(const lq_cmd *c)
{
    enum { O_NAME = CLI_FMT_END + 1 };
    static const struct option opts[] = {
        CLI_FORMAT_OPTIONS,
        {"name", required_argument, 0, O_NAME},
        VEC_COMMON_OPTIONS,
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    static slq_frame s;
    vec_common o = {NULL, 200, 30, 0, 0, 1};
    lq_format f = lq_format_default();
    lq_framing fr = LQ_FRAMING_NONE;
    const char *uname = NULL;
    char name[80], msg[256];
    int have_bits = 0, ch, rc;
    slqd_vec g;
    vec_out v;
    lq_fileset fs;
    tb_desc d;

    f.scheme = LQ_SLQ;
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            printf("usage: logq vectors slqdec [the options of logq gen slqdec] [--count FRAMES]\n"
                   "       [--seed S] [--stall PCT] [--wrong-model] -o DIR (docs/xsim.md)\n");
            return LQ_EXIT_OK;
        } else if (ch == O_NAME) {
            if (!ident_ok(optarg)) {
                cli_error("--name '%s' is not a usable Verilog identifier", optarg);
                return LQ_EXIT_USAGE;
            }
            uname = optarg;
        } else if ((rc = vec_common_option(ch, optarg, &o)) != 0) {
            if (rc < 0)
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
        cli_error("unexpected argument '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (f.scheme != LQ_SLQ) {
        cli_error("vectors slqdec decodes slq streams, not --scheme %s", lq_scheme_name(f.scheme));
        return LQ_EXIT_USAGE;
    }
    if (!have_bits || fr == LQ_FRAMING_NONE || !o.dir) {
        cli_error("vectors slqdec needs %s", !have_bits ? "--bits" : !o.dir ? "-o DIR" : "--framing");
        return LQ_EXIT_USAGE;
    }
    if (o.exhaustive) {
        cli_error("--exhaustive is for the mac only");
        return LQ_EXIT_USAGE;
    }
    if (lq_format_check(&f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if (uname)
        snprintf(name, sizeof name, "%s", uname);
    else
        snprintf(name, sizeof name, "slqdec_w%d_l%d_%s", f.bits, f.max_words, lq_framing_name(fr));

    memset(&g, 0, sizeof g);
    g.f = f;
    g.fr = fr;
    g.sw = lq_slq_stream_width(&f, fr);
    g.swmask = (1u << g.sw) - 1u;
    lq_slqhw_dec_reset(&g.dec, &f, fr);
    if ((rc = vec_begin(&v, &fs, &o, 1, c)) != LQ_EXIT_OK)
        return rc;
    v.wrong = o.wrong;
    g.v = &v;
    for (int i = 0; i < o.count; i++) {
        slqd_frame(&g, &s);
        for (int j = 0; j < s.n; j++)
            slqd_word(&g, s.w[j], j + 1 == s.n);
    }
    tb_desc_slqdec(&d, name, f.bits, g.sw);
    return vec_finish(&v, &fs, &o, &d, c);
}

/* ---- slqmac ---- */

void tb_desc_slqmac(tb_desc *d, const char *name, int lanes, int bits, int act_bits, int acc_bits)
{
    memset(d, 0, sizeof *d);
    d->block = "slqmac";
    d->module = name;
    d->in_valid = "s_act_valid";
    d->in_ready = "s_act_ready";
    d->in[0] = (tb_port){"s_act_data", act_bits};
    d->in[1] = (tb_port){"s_act_last", 1};
    d->nin = 2;
    d->out_valid = "m_valid";
    d->out_ready = "m_ready";
    d->out[0] = (tb_port){"m_data", lanes * acc_bits};
    d->out[1] = (tb_port){"m_err", lanes};
    d->nout = 2;
    d->out_data_reset = 0; /* the output register holds data only: checked while m_valid */
    d->out_per_vector = 1;
    d->latency = 4 * LQ_SLQ_WORDS_MAX;
    d->nsides = lanes;
    d->side_valid = "s_t_valid";
    d->side_ready = "s_t_ready";
    d->side[0] = (tb_port){"s_t_err", 3};
    d->side[1] = (tb_port){"s_t_neg", 1};
    d->side[2] = (tb_port){"s_t_zero", 1};
    d->side[3] = (tb_port){"s_t_shift", bits - 1};
    d->side[4] = (tb_port){"s_t_wlast", 1};
    d->side[5] = (tb_port){"s_t_vlast", 1};
    d->nside = 6;
}

/* A growing array of beats of one lane. */
typedef struct {
    lq_slqhw_beat *b;
    size_t n, cap;
} beat_list;

static int beats_add(beat_list *l, const lq_slqhw_beat *b, int n)
{
    if (n <= 0)
        return 0;
    if (l->n + (size_t)n > l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        while (cap < l->n + (size_t)n)
            cap *= 2;
        lq_slqhw_beat *p = realloc(l->b, cap * sizeof *p);
        if (!p)
            return -1;
        l->b = p;
        l->cap = cap;
    }
    memcpy(l->b + l->n, b, (size_t)n * sizeof *b);
    l->n += (size_t)n;
    return 0;
}

typedef struct {
    int N, W, A, F, ACC;
} smac_par;

/* Stimulus as sim/verilator/slqmac_tb.cpp: vectors of 1-12 activations with corners
 * (max, min, 0, +-1); per lane a frame of Gaussian weights (zeros included) in either
 * rounding, encoded and decoded by the models; 20 % of the vectors corrupted in some
 * lanes (a random word, a deleted or a repeated word: error beats, frames that end
 * early or late). The model consumes the beats; only whole vectors are driven. */
static int smac_vectors(vec_out *v, const smac_par *p, lq_format f, lq_framing fr, long count,
                        lq_file *ft, lq_file *ftg, lq_file *fto)
{
    static bitword b;
    beat_list *lanes = calloc((size_t)p->N, sizeof *lanes);
    int64_t *act = NULL;
    unsigned char *alast = NULL;
    size_t nact = 0, capact = 0;
    lq_slqhw_dec *dec = calloc((size_t)p->N, sizeof *dec);
    int64_t amax = ((int64_t)1 << (p->A - 1)) - 1;
    uint64_t accm = p->ACC >= 64 ? ~0ull : ((uint64_t)1 << p->ACC) - 1u;
    int rc = -1, swidth = lq_slq_stream_width(&f, fr);
    if (!lanes || !dec)
        goto out;
    for (int j = 0; j < p->N; j++)
        lq_slqhw_dec_reset(&dec[j], &f, fr);
    for (long vi = 0; vi < count; vi++) {
        int k = 1 + (int)rnd(v, 12);
        int corrupt = v->stall > 0 && rnd(v, 5) == 0;
        f.rounding = rnd(v, 2) ? LQ_FLOOR : LQ_NEAREST;
        if (nact + (size_t)k > capact) {
            size_t cap = capact ? 2 * capact : 256;
            int64_t *a2 = realloc(act, cap * sizeof *a2);
            unsigned char *l2 = a2 ? realloc(alast, cap) : NULL;
            if (a2)
                act = a2;
            if (!a2 || !l2)
                goto out;
            alast = l2;
            capact = cap;
        }
        for (int i = 0; i < k; i++) {
            int64_t x;
            switch (rnd(v, 8)) {
            case 0: x = amax; break;
            case 1: x = -amax - 1; break;
            case 2: x = rnd(v, 3) - 1; break;
            default: x = (int64_t)lq_rng_below(&v->rng, (uint64_t)(2 * amax + 2)) - amax - 1;
            }
            act[nact] = x;
            alast[nact++] = (unsigned char)(i == k - 1);
        }
        for (int j = 0; j < p->N; j++) {
            uint32_t words[12 * 2 * LQ_SLQ_WORDS_MAX + 4];
            int nw = 0;
            double scale = ldexp(1.0, f.fsr - 1 - (int)rnd(v, 3));
            for (int i = 0; i < k; i++) {
                double x = rnd(v, 6) == 0 ? 0.0 : lq_rng_gauss(&v->rng) * scale;
                lq_slq_value val = lq_slq_encode(&f, x);
                nw += lq_slq_frame_value(&f, fr, &val, words + nw);
            }
            if (corrupt && rnd(v, 2)) {
                int q = (int)rnd(v, nw);
                switch (rnd(v, 3)) {
                case 0: words[q] = (uint32_t)lq_rng_u64(&v->rng) & ((1u << swidth) - 1u); break;
                case 1:
                    memmove(words + q, words + q + 1, (size_t)(nw - q - 1) * sizeof words[0]);
                    nw--;
                    break;
                default:
                    memmove(words + q + 1, words + q, (size_t)(nw - q) * sizeof words[0]);
                    nw++;
                    break;
                }
                if (nw == 0)
                    words[nw++] = 0;
            }
            for (int i = 0; i < nw; i++) {
                lq_slqhw_beat hb[LQ_SLQHW_BEATS_MAX];
                int nb = lq_slqhw_dec_step(&dec[j], words[i], i + 1 == nw, hb);
                if (beats_add(&lanes[j], hb, nb) != 0)
                    goto out;
            }
        }
    }
    {
        /* the model; stop at the first step a lane cannot complete */
        lq_slqmac m;
        const lq_slqhw_beat *bp[LQ_SLQMAC_LANES_MAX];
        size_t bn[LQ_SLQMAC_LANES_MAX], pos[LQ_SLQMAC_LANES_MAX];
        int64_t o[LQ_SLQMAC_LANES_MAX];
        int e[LQ_SLQMAC_LANES_MAX];
        size_t drive = 0, a;
        long off = 0;
        lq_slqmac_reset(&m, p->N, p->A, p->F, p->ACC);
        for (int j = 0; j < p->N; j++) {
            bp[j] = lanes[j].b;
            bn[j] = lanes[j].n;
            pos[j] = 0;
        }
        for (a = 0; a < nact; a++) {
            int r = lq_slqmac_step(&m, act[a], alast[a], bp, bn, pos, o, e);
            if (r < 0)
                break;
            if (r == 1) {
                b.n = 0;
                for (int j = 0; j < p->N; j++)
                    bw_put(&b, (uint64_t)o[j] & accm, p->ACC);
                for (int j = 0; j < p->N; j++)
                    bw_put(&b, (uint64_t)(e[j] != 0), 1);
                vec_item(v, &b);
                drive = a + 1;
            }
        }
        for (a = 0; a < drive; a++) {
            b.n = 0;
            bw_put(&b, (uint64_t)act[a] & (((uint64_t)1 << p->A) - 1u), p->A);
            bw_put(&b, alast[a], 1);
            bw_hex(v->in, &b);
            vec_gap(v);
            v->nin++;
        }
        /* the lanes' beats, each lane with its own stalls */
        for (int j = 0; j < p->N; j++) {
            file_printf(fto, "%08lx\n", off);
            for (size_t i = 0; i < lanes[j].n; i++) {
                const lq_slqhw_beat *hb = &lanes[j].b[i];
                unsigned g = 0;
                b.n = 0;
                bw_put(&b, (uint64_t)hb->err, 3);
                bw_put(&b, (uint64_t)hb->neg, 1);
                bw_put(&b, (uint64_t)hb->zero, 1);
                bw_put(&b, (uint64_t)hb->shift, p->W - 1);
                bw_put(&b, (uint64_t)hb->wlast, 1);
                bw_put(&b, (uint64_t)hb->vlast, 1);
                bw_hex(ft, &b);
                if (v->stall > 0 && lq_rng_below(&v->rng, 100) < (uint64_t)v->stall)
                    g = 1 + (unsigned)lq_rng_below(&v->rng, 4);
                file_printf(ftg, "%02x\n", g);
                off++;
            }
        }
        file_printf(fto, "%08lx\n", off);
        v->nt = off;
    }
    rc = 0;
out:
    if (rc != 0)
        cli_error("out of memory");
    if (lanes)
        for (int j = 0; j < p->N; j++)
            free(lanes[j].b);
    free(lanes);
    free(dec);
    free(act);
    free(alast);
    return rc;
}

int vectors_slqmac(const lq_cmd *c)
{
    enum { O_NAME = CLI_FMT_END + 1, O_LANES, O_ACT, O_FRAC, O_ACC };
    static const struct option opts[] = {
        CLI_FORMAT_OPTIONS,
        {"lanes", required_argument, 0, O_LANES},
        {"act-bits", required_argument, 0, O_ACT},
        {"frac", required_argument, 0, O_FRAC},
        {"acc-bits", required_argument, 0, O_ACC},
        {"name", required_argument, 0, O_NAME},
        VEC_COMMON_OPTIONS,
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    vec_common o = {NULL, 200, 30, 0, 0, 1};
    lq_format f = lq_format_default();
    lq_framing fr = LQ_FRAMING_NONE;
    const char *uname = NULL;
    char name[80], msg[256];
    int have_bits = 0, ch, rc, smax;
    smac_par p = {16, 5, 8, -1, -1};
    vec_out v;
    lq_fileset fs;
    lq_file *ft, *ftg, *fto;
    tb_desc d;

    f.scheme = LQ_SLQ;
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            printf("usage: logq vectors slqmac [the options of logq gen slqmac] [--framing FR]\n"
                   "       [--count N] [--seed S] [--stall PCT] [--wrong-model] -o DIR\n"
                   "(--max-words, --fsr, --framing shape the weight streams; docs/xsim.md)\n");
            return LQ_EXIT_OK;
        } else if (ch == O_NAME) {
            if (!ident_ok(optarg)) {
                cli_error("--name '%s' is not a usable Verilog identifier", optarg);
                return LQ_EXIT_USAGE;
            }
            uname = optarg;
        } else if (ch == O_LANES) {
            if (cli_int("--lanes", optarg, 1, LQ_SLQMAC_LANES_MAX, &p.N) != 0)
                return LQ_EXIT_USAGE;
        } else if (ch == O_ACT) {
            if (cli_int("--act-bits", optarg, 2, 32, &p.A) != 0)
                return LQ_EXIT_USAGE;
        } else if (ch == O_FRAC) {
            if (cli_int("--frac", optarg, 0, 60, &p.F) != 0)
                return LQ_EXIT_USAGE;
        } else if (ch == O_ACC) {
            if (cli_int("--acc-bits", optarg, 2, 64, &p.ACC) != 0)
                return LQ_EXIT_USAGE;
        } else if ((rc = vec_common_option(ch, optarg, &o)) != 0) {
            if (rc < 0)
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
        cli_error("unexpected argument '%s'", c->argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (f.scheme != LQ_SLQ) {
        cli_error("vectors slqmac takes slq weights, not --scheme %s", lq_scheme_name(f.scheme));
        return LQ_EXIT_USAGE;
    }
    if (!have_bits || !o.dir) {
        cli_error("vectors slqmac needs %s", !have_bits ? "--bits" : "-o DIR");
        return LQ_EXIT_USAGE;
    }
    if (o.exhaustive) {
        cli_error("--exhaustive is for the mac only");
        return LQ_EXIT_USAGE;
    }
    if (lq_format_check(&f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return LQ_EXIT_USAGE;
    }
    if (fr == LQ_FRAMING_NONE)
        fr = LQ_FRAMING_TAG;
    /* the defaults and checks of gen/blocks/slqmac.c */
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
    if (uname)
        snprintf(name, sizeof name, "%s", uname);
    else
        snprintf(name, sizeof name, "slqmac_n%d_w%d_a%d", p.N, p.W, p.A);

    if ((rc = vec_begin(&v, &fs, &o, 1, c)) != LQ_EXIT_OK)
        return rc;
    v.wrong = o.wrong;
    ft = fileset_add(&fs, "t.hex");
    ftg = fileset_add(&fs, "tgap.hex");
    fto = fileset_add(&fs, "toff.hex");
    if (!ft || !ftg || !fto) {
        cli_error("out of memory");
        fileset_free(&fs);
        return LQ_EXIT_FAIL;
    }
    file_header(ft, "//", c);
    file_header(ftg, "//", c);
    file_header(fto, "//", c);
    if (smac_vectors(&v, &p, f, fr, o.count, ft, ftg, fto) != 0) {
        fileset_free(&fs);
        return LQ_EXIT_FAIL;
    }
    tb_desc_slqmac(&d, name, p.N, p.W, p.A, p.ACC);
    return vec_finish(&v, &fs, &o, &d, c);
}
