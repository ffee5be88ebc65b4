/* The vector files every block's `logq vectors` writes (vectors.h, docs/xsim.md):
 * packed hex words, the stall generator, the common options, and the files around
 * the stimulus (rdy.hex, count.hex, vectors.vh, the bench), committed all together. */
#include "emit/vectors.h"
#include "emit/verilog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

long vec_rnd(vec_out *v, long n)
{
    return (long)lq_rng_below(&v->rng, (uint64_t)n);
}

int vec_corrupt_words(vec_out *v, uint32_t *words, int nw, int bits)
{
    int q = (int)vec_rnd(v, nw);
    switch (vec_rnd(v, 3)) {
    case 0: words[q] = (uint32_t)lq_rng_u64(&v->rng) & ((1u << bits) - 1u); break;
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
    return nw;
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

const char *const vec_head_files[4] = {"in.hex", "gap.hex", "rdy.hex", "out.hex"};
const char *const vec_tail_files[2] = {"count.hex", "vectors.vh"};
const vec_common vec_defaults = {NULL, 200, 30, 0, 0, 1};

int vec_begin(vec_out *v, lq_fileset *fs, const vec_common *o, int phased, const lq_cmd *c)
{
    memset(v, 0, sizeof *v);
    v->stall = o->stall;
    v->phased = phased;
    v->pv = 100;
    lq_rng_seed(&v->rng, o->seed);
    fileset_init(fs);
    v->in = fileset_add(fs, vec_head_files[0]);
    v->gap = fileset_add(fs, vec_head_files[1]);
    v->rdy = fileset_add(fs, vec_head_files[2]);
    v->out = fileset_add(fs, vec_head_files[3]);
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

int vec_write(vec_out *v, lq_fileset *fs, const vec_common *o, const tb_desc *d,
              const lq_cmd *c)
{
    lq_file *cnt = fileset_add(fs, vec_tail_files[0]), *vh = fileset_add(fs, vec_tail_files[1]);
    if (!cnt || !vh) {
        cli_error("out of memory");
        fileset_free(fs);
        return LQ_EXIT_FAIL;
    }
    file_header(cnt, "//", c);
    file_header(vh, "//", c);
    if (v->phased) {
        /* m_ready in phases of 128 cycles: always, 50 %, 90 %, 20 % */
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
    vw_string(vh, c->cmdline);
    file_printf(vh, "\"\n");
    return LQ_EXIT_OK;
}

int vec_finish(vec_out *v, lq_fileset *fs, const vec_common *o, const tb_desc *d,
               const lq_cmd *c)
{
    int rc;
    if (vec_write(v, fs, o, d, c) != LQ_EXIT_OK)
        return LQ_EXIT_FAIL;
    if (tb_icarus_write(fs, d, c) != 0) {
        fileset_free(fs);
        return LQ_EXIT_FAIL;
    }
    rc = fileset_commit(fs, o->dir);
    if (rc != 0) {
        fileset_free(fs);
        return LQ_EXIT_FAIL;
    }
    printf("logq vectors %s: %ld beats, %ld %s, seed %llu, stall %d%% -> %s/ (", d->block, v->nin,
           v->nout, d->out_per_vector ? "vectors" : "output items", o->seed, o->stall, o->dir);
    for (int i = 0; i < fs->n; i++)
        printf("%s%s", i ? " " : "", fs->files[i].name);
    printf(")\n");
    printf("  run: sim/icarus/run.sh RTL_DIR %s   (RTL_DIR from `logq gen %s` with the same "
           "options)\n", o->dir, d->block);
    fileset_free(fs);
    return LQ_EXIT_OK;
}

