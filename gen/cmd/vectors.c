/* `logq vectors BLOCK [generator options] --count N --seed S -o DIR`: stimulus and
 * the C model's expected outputs as hex files for the self-checking bench of
 * gen/emit/tb_icarus.c (docs/xsim.md), and the bench itself (NAME_tb.v).
 *
 * Files in DIR: in.hex (one packed input beat a line, `last` in the top bit),
 * gap.hex (idle cycles before each beat), rdy.hex (out_ready, cycle c uses line
 * c mod NRDY), out.hex (the expected output items), count.hex (beats, outputs),
 * vectors.vh (the same counts, widths, seed and the command line, for the bench)
 * and NAME_tb.v. Every file starts with the generator version and the command line;
 * the same options give byte-identical files. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cmodel/logq.h"
#include "cmodel/mac.h"
#include "commands.h"
#include "emit/emit.h"
#include "blocks/blocks.h"
#include "emit/tb_icarus.h"
#include "emit/vectors.h"

static const char vectors_help[] =
    "usage: logq vectors BLOCK [generator options] [--count N] [--seed S] -o DIR\n"
    "\n"
    "Writes seeded stimulus, random stalls and the C model's expected outputs as hex\n"
    "files, and the self-checking Verilog-2005 bench NAME_tb.v that reads them\n"
    "(docs/xsim.md). Blocks: mac, logacc, slqdec, slqmac, quant; the generator options are\n"
    "those of `logq gen BLOCK` and must be the same as for the RTL.\n"
    "\n"
    "  --count N         vectors (frames for slqdec), 1-1000000 (default 200)\n"
    "  --seed S          random seed (default 1)\n"
    "  --stall PCT       % of cycles with in_valid or out_ready low, 0-90 (default 30)\n"
    "                    (other blocks: 0 = full rate, otherwise stalls in phases\n"
    "                    of 128 beats/cycles as in their Verilator benches)\n"
    "  --exhaustive      mac: every (a, w) pair, one beat per vector (one lane, at most\n"
    "                    20 input bits); --count is ignored\n"
    "  --wrong-model     test only: expected outputs from a deliberately wrong model\n"
    "                    (other blocks: every fifth output item off in its lowest bit)\n"
    "  -o, --out DIR     output directory (required)\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 success, 1 cannot write, 2 bad option (no file is written).\n";


static uint32_t mask32(int bits)
{
    return bits >= 32 ? 0xffffffffu : (1u << bits) - 1u;
}

static int wide_cmp(const lq_wide *x, const lq_wide *y)
{
    int sx = (int)(x->limb[LQ_MAC_LIMBS - 1] >> 63), sy = (int)(y->limb[LQ_MAC_LIMBS - 1] >> 63);
    if (sx != sy)
        return sx ? -1 : 1;
    for (int i = LQ_MAC_LIMBS - 1; i >= 0; i--)
        if (x->limb[i] != y->limb[i])
            return x->limb[i] < y->limb[i] ? -1 : 1;
    return 0;
}

/* Verilog string literal body: backslash and double quote escaped. */
static void verilog_string(lq_file *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            file_printf(f, "\\%c", *s);
        else
            file_printf(f, "%c", *s);
    }
}

/* ---- common to every block (vectors.h) ---- */

void bw_put(bitword *b, uint64_t v, int width)
{
    for (int i = 0; i < width && b->n < (int)sizeof b->bit; i++)
        b->bit[b->n++] = (unsigned char)(i < 64 ? (v >> i) & 1u : 0u);
}

void bw_hex(lq_file *f, const bitword *b)
{
    char line[sizeof b->bit / 4 + 4];
    int nd = (b->n + 3) / 4, k = 0;
    for (int d = nd - 1; d >= 0; d--) {
        int v = 0;
        for (int j = 3; j >= 0; j--) {
            int i = 4 * d + j;
            v = 2 * v + (i < b->n ? b->bit[i] : 0);
        }
        line[k++] = "0123456789abcdef"[v];
    }
    line[k++] = '\n';
    line[k] = '\0';
    file_puts(f, line);
}

void vec_gap(vec_out *v)
{
    unsigned g = 0;
    if (v->phased) {
        /* phases of valid percentages as the Verilator benches: full rate, light,
         * half, heavy; a gap is a run of idle cycles of that probability */
        static const int pvs[] = {100, 90, 50, 20, 100};
        if (v->nin % 128 == 0)
            v->pv = v->stall == 0 ? 100 : pvs[lq_rng_below(&v->rng, 5)];
        while (g < 40 && lq_rng_below(&v->rng, 100) >= (uint64_t)v->pv)
            g++;
    } else if (v->stall > 0 && lq_rng_below(&v->rng, 100) < (uint64_t)v->stall) {
        g = 1 + (unsigned)lq_rng_below(&v->rng, 4);
    }
    file_printf(v->gap, "%02x\n", g);
}

void vec_item(vec_out *v, bitword *b)
{
    if (v->wrong && v->nout % 5 == 2 && b->n > 0)
        b->bit[0] ^= 1u;
    bw_hex(v->out, b);
    v->nout++;
}

int vec_common_option(int ch, const char *arg, vec_common *o)
{
    switch (ch) {
    case 'o': o->dir = arg; return 1;
    case VEC_OPT_COUNT: return cli_int("--count", arg, 1, 1000000, &o->count) != 0 ? -1 : 1;
    case VEC_OPT_STALL: return cli_int("--stall", arg, 0, 90, &o->stall) != 0 ? -1 : 1;
    case VEC_OPT_EXHAUSTIVE: o->exhaustive = 1; return 1;
    case VEC_OPT_WRONG: o->wrong = 1; return 1;
    case VEC_OPT_SEED: {
        char *end;
        if (!*arg || !isdigit((unsigned char)arg[0])) {
            cli_error("--seed '%s' is not a non-negative integer", arg);
            return -1;
        }
        o->seed = strtoull(arg, &end, 10);
        if (*end || o->seed > 0x7fffffffULL) {
            cli_error("--seed '%s' is not an integer 0-2147483647", arg);
            return -1;
        }
        return 1;
    }
    default: return 0;
    }
}

enum { NRDY = 1024 };

int vec_begin(vec_out *v, lq_fileset *fs, const vec_common *o, int phased, const lq_cmd *c)
{
    memset(v, 0, sizeof *v);
    v->stall = o->stall;
    v->phased = phased;
    v->pv = 100;
    lq_rng_seed(&v->rng, o->seed);
    fileset_init(fs);
    v->in = fileset_add(fs, "in.hex");
    v->gap = fileset_add(fs, "gap.hex");
    v->rdy = fileset_add(fs, "rdy.hex");
    v->out = fileset_add(fs, "out.hex");
    if (!v->in || !v->gap || !v->rdy || !v->out) {
        cli_error("out of memory");
        fileset_free(fs);
        return LQ_EXIT_FAIL;
    }
    file_header(v->in, "//", c);
    file_header(v->gap, "//", c);
    file_header(v->rdy, "//", c);
    file_header(v->out, "//", c);
    return LQ_EXIT_OK;
}

int vec_finish(vec_out *v, lq_fileset *fs, const vec_common *o, const tb_desc *d,
               const lq_cmd *c)
{
    lq_file *cnt = fileset_add(fs, "count.hex"), *vh = fileset_add(fs, "vectors.vh");
    int rc;
    if (!cnt || !vh) {
        cli_error("out of memory");
        fileset_free(fs);
        return LQ_EXIT_FAIL;
    }
    file_header(cnt, "//", c);
    file_header(vh, "//", c);
    if (v->phased) {
        /* out_ready in phases of 128 cycles: always, 50 %, 90 %, 20 % */
        static const int prs[] = {100, 100, 50, 90, 20};
        int pr = 100;
        for (int i = 0; i < NRDY; i++) {
            if (i % 128 == 0)
                pr = o->stall == 0 ? 100 : prs[lq_rng_below(&v->rng, 5)];
            file_printf(v->rdy, "%d\n", lq_rng_below(&v->rng, 100) < (uint64_t)pr);
        }
    } else {
        for (int i = 0; i < NRDY; i++)
            file_printf(v->rdy, "%d\n",
                        !(o->stall > 0 && lq_rng_below(&v->rng, 100) < (uint64_t)o->stall));
    }
    file_printf(cnt, "%08lx\n%08lx\n", v->nin, v->nout);
    file_printf(vh, "// The counts and widths of these vectors, for %s_tb.v.\n", d->module);
    file_printf(vh, "`define VEC_BLOCK \"%s\"\n`define VEC_IN_BITS %d\n`define VEC_OUT_BITS %d\n",
                d->block, tb_in_bits(d), tb_out_bits(d));
    file_printf(vh, "`define VEC_NIN %ld\n`define VEC_NOUT %ld\n`define VEC_NRDY %d\n", v->nin,
                v->nout, NRDY);
    if (d->nsides > 0)
        file_printf(vh, "`define VEC_NT %ld\n`define VEC_SIDE_BITS %d\n", v->nt, tb_side_bits(d));
    file_printf(vh, "`define VEC_SEED %llu\n`define VEC_CMD \"", o->seed);
    verilog_string(vh, c->cmdline);
    file_printf(vh, "\"\n");
    if (tb_icarus_write(fs, d, c) != 0) {
        fileset_free(fs);
        return LQ_EXIT_FAIL;
    }
    rc = fileset_commit(fs, o->dir);
    fileset_free(fs);
    if (rc != 0)
        return LQ_EXIT_FAIL;
    printf("logq vectors %s: %ld beats, %ld %s, seed %llu, stall %d%% -> %s/ (in.hex gap.hex "
           "rdy.hex out.hex count.hex vectors.vh %s_tb.v)\n",
           d->block, v->nin, v->nout, d->out_per_vector ? "vectors" : "output items", o->seed, o->stall, o->dir, d->module);
    printf("  run: sim/icarus/run.sh RTL_DIR %s   (RTL_DIR from `logq gen %s` with the same "
           "options)\n", o->dir, d->block);
    return LQ_EXIT_OK;
}

/* ---- the MAC ---- */

typedef struct {
    lq_mac_config cfg;
    lq_mac_widths wd;
    const char *name;
    int exhaustive;
} mac_vec;

void tb_desc_mac(tb_desc *d, const char *name, const lq_mac_config *cfg, const lq_mac_widths *wd)
{
    memset(d, 0, sizeof *d);
    d->block = "mac";
    d->module = name;
    d->in_valid = "in_valid";
    d->in_ready = "in_ready";
    d->in[0] = (tb_port){"in_a", cfg->lanes * cfg->a.bits};
    d->in[1] = (tb_port){"in_w", cfg->lanes * cfg->w.bits};
    d->in[2] = (tb_port){"in_last", 1};
    d->nin = 3;
    d->out_valid = "out_valid";
    d->out_ready = "out_ready";
    d->out[0] = (tb_port){"out_sum", wd->out_bits};
    d->nout = 1;
    d->out_data_reset = 1;
    d->out_per_vector = 1;
    d->latency = 16;
}

static void mac_beat(vec_out *v, lq_mac_state *st, const mac_vec *m, const uint32_t *a,
                     const uint32_t *w, int last)
{
    static bitword b;
    lq_wide out;
    char h[LQ_MAC_BITS_MAX / 4 + 8];
    int N = m->cfg.lanes;
    b.n = 0;
    for (int i = 0; i < N; i++)
        bw_put(&b, a[i], m->cfg.a.bits);
    for (int i = 0; i < N; i++)
        bw_put(&b, w[i], m->cfg.w.bits);
    bw_put(&b, (uint64_t)(last != 0), 1);
    bw_hex(v->in, &b);
    vec_gap(v);
    v->nin++;
    if (lq_mac_step(st, a, w, last, &out)) {
        file_printf(v->out, "%s\n", lq_wide_hex(&out, m->wd.out_bits, h));
        v->nout++;
    }
}

static void mac_vectors(vec_out *v, const mac_vec *m, long count)
{
    static uint32_t a[LQ_MAC_LANES_MAX], w[LQ_MAC_LANES_MAX];
    const lq_mac_config *c = &m->cfg;
    int N = c->lanes, AB = c->a.bits, WB = c->w.bits, bw = m->wd.w_mag;
    uint32_t wx[8], ax[8];
    int nwx = 0, nax = 0;
    lq_mac_state st;
    char msg[256];
    long K = c->max_beats;

    lq_mac_reset(&st, c, msg, sizeof msg);
    if (m->exhaustive) {
        uint64_t total = (uint64_t)1 << (AB + WB);
        for (uint64_t k = 0; k < total; k++) {
            a[0] = (uint32_t)(k >> WB) & mask32(AB);
            w[0] = (uint32_t)k & mask32(WB);
            mac_beat(v, &st, m, a, w, 1);
        }
        return;
    }
    /* corner codes: zero, the smallest and largest magnitudes, the negative zero */
    {
        uint32_t wmax = (1u << bw) - 1u, sb = c->w.is_signed ? 1u << bw : 0u;
        uint32_t wl[8] = {0u, 1u, wmax, wmax > 1 ? wmax - 1 : wmax, sb | 1u, sb | wmax, sb, 0u};
        nwx = c->w.is_signed ? 7 : 4;
        memcpy(wx, wl, sizeof wl);
    }
    if (c->mode == LQ_MAC_LOGLOG) {
        int ba = m->wd.a_mag;
        uint32_t amax = (1u << ba) - 1u, sb = c->a.is_signed ? 1u << ba : 0u;
        uint32_t al[8] = {0u, 1u, amax, amax > 1 ? amax - 1 : amax, sb | 1u, sb | amax, sb, 0u};
        nax = c->a.is_signed ? 7 : 4;
        memcpy(ax, al, sizeof al);
    } else {
        uint32_t lo = c->a.is_signed ? 1u << (AB - 1) : 0u;
        uint32_t hi = c->a.is_signed ? mask32(AB - 1) : mask32(AB);
        uint32_t al[5] = {lo, hi, 0u, mask32(AB), 1u & mask32(AB)};
        nax = 5;
        memcpy(ax, al, sizeof al);
    }
    for (long vec = 0; vec < count; vec++) {
        uint64_t r = lq_rng_below(&v->rng, 100);
        int kind = r < 55 ? 0 : r < 92 ? 1 : 2;
        long len;
        uint32_t best_a = 0, best_w = 0;
        if (kind == 2 && K > 256)
            kind = 1;
        if (vec < (1L << (WB < 12 ? WB : 12)) / N + 1 && vec < count / 2)
            kind = 3; /* sweep every weight code first */
        if (kind == 2) {
            /* the largest or smallest product, K times: the width limit */
            int sign = lq_rng_below(&v->rng, 2) ? 1 : -1, have = 0;
            lq_wide best, p;
            len = K;
            for (int i = 0; i < nax; i++)
                for (int j = 0; j < nwx; j++) {
                    lq_mac_product(c, &m->wd, ax[i], wx[j], &p);
                    if (!have || (sign > 0 ? wide_cmp(&p, &best) > 0 : wide_cmp(&p, &best) < 0)) {
                        best = p;
                        best_a = ax[i];
                        best_w = wx[j];
                        have = 1;
                    }
                }
        } else {
            long cap = lq_rng_below(&v->rng, 8) == 0 ? K : (K < 16 ? K : 16);
            if (cap > 256)
                cap = 256;
            len = 1 + (long)lq_rng_below(&v->rng, (uint64_t)cap);
        }
        for (long beat = 0; beat < len; beat++) {
            for (int i = 0; i < N; i++) {
                switch (kind) {
                case 0:
                    a[i] = (uint32_t)lq_rng_u64(&v->rng) & mask32(AB);
                    w[i] = (uint32_t)lq_rng_u64(&v->rng) & mask32(WB);
                    break;
                case 1:
                    a[i] = lq_rng_below(&v->rng, 2) ? (uint32_t)lq_rng_u64(&v->rng) & mask32(AB)
                                                    : ax[lq_rng_below(&v->rng, (uint64_t)nax)];
                    w[i] = lq_rng_below(&v->rng, 2) ? (uint32_t)lq_rng_u64(&v->rng) & mask32(WB)
                                                    : wx[lq_rng_below(&v->rng, (uint64_t)nwx)];
                    break;
                case 2:
                    a[i] = best_a;
                    w[i] = best_w;
                    break;
                default:
                    w[i] = (uint32_t)(vec * N + i) & mask32(WB);
                    a[i] = (uint32_t)lq_rng_u64(&v->rng) & mask32(AB);
                    break;
                }
            }
            mac_beat(v, &st, m, a, w, beat + 1 == len);
        }
    }
}

int cmd_vectors(const lq_cmd *c)
{
    static const struct option opts[] = {
        MAC_OPTIONS,
        VEC_COMMON_OPTIONS,
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    mac_vec m;
    mac_opts mo;
    vec_common o = {NULL, 200, 30, 0, 0, 1};
    int ch, rc;
    lq_fileset fs;
    lq_cmd sub;
    vec_out v;
    tb_desc d;

    if (c->argc < 2) {
        fputs(vectors_help, stderr);
        return LQ_EXIT_USAGE;
    }
    if (strcmp(c->argv[1], "--help") == 0 || strcmp(c->argv[1], "-h") == 0) {
        fputs(vectors_help, stdout);
        return LQ_EXIT_OK;
    }
    sub = *c;
    sub.argc = c->argc - 1;
    sub.argv = c->argv + 1;
    if (strcmp(c->argv[1], "logacc") == 0)
        return vectors_logacc(&sub);
    if (strcmp(c->argv[1], "slqdec") == 0)
        return vectors_slqdec(&sub);
    if (strcmp(c->argv[1], "slqmac") == 0)
        return vectors_slqmac(&sub);
    if (strcmp(c->argv[1], "quant") == 0)
        return vectors_quant(&sub);
    if (strcmp(c->argv[1], "mac") != 0) {
        cli_error("vectors: unknown block '%s' (mac, logacc, slqdec, slqmac, quant)", c->argv[1]);
        return LQ_EXIT_USAGE;
    }

    memset(&m, 0, sizeof m);
    mac_opts_init(&mo);
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(sub.argc, sub.argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(vectors_help, stdout);
            return LQ_EXIT_OK;
        }
        /* --pipeline is the RTL's business: the vectors do not depend on it */
        if ((rc = mac_option(&mo, ch, optarg)) == 0)
            rc = vec_common_option(ch, optarg, &o);
        if (rc < 0)
            return LQ_EXIT_USAGE;
        if (rc == 0)
            return cli_bad_option(&sub);
    }
    if (optind < sub.argc) {
        cli_error("unexpected argument '%s'", sub.argv[optind]);
        return LQ_EXIT_USAGE;
    }
    if (!o.dir) {
        cli_error("-o DIR is required");
        return LQ_EXIT_USAGE;
    }
    mo.cfg.fault = o.wrong;
    if (mac_opts_finish(&mo, &m.wd) != 0)
        return LQ_EXIT_USAGE;
    m.cfg = mo.cfg;
    m.name = mo.name;
    m.exhaustive = o.exhaustive;
    if (m.exhaustive && (m.cfg.lanes != 1 || m.cfg.a.bits + m.cfg.w.bits > 20)) {
        cli_error("--exhaustive needs --lanes 1 and at most 20 input bits (here %d lanes, %d bits)",
                  m.cfg.lanes, m.cfg.a.bits + m.cfg.w.bits);
        return LQ_EXIT_USAGE;
    }

    if ((rc = vec_begin(&v, &fs, &o, 0, c)) != LQ_EXIT_OK)
        return rc;
    mac_vectors(&v, &m, o.count);
    tb_desc_mac(&d, m.name, &m.cfg, &m.wd);
    return vec_finish(&v, &fs, &o, &d, c);
}
