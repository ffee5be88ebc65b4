/* `logq slq encode|decode`: SLQ weight streams as files for the hardware (docs/slq.md,
 * "Stream files"). encode: weights -> DIR/NAME.hex ($readmemh) and DIR/NAME.bin, with
 * bits per weight and error statistics. decode: a stream file -> values, malformed
 * groups reported with the offset of the word that revealed them. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "emit/emit.h"

static const char slq_help[] =
    "usage: logq slq encode --bits W --fsr F --framing tag|special [--max-words L]\n"
    "                       [--rounding nearest|floor] [--theta T] [--vector K]\n"
    "                       [--name NAME] -o DIR [FILE]\n"
    "       logq slq decode --bits W --fsr F --framing tag|special [--max-words L]\n"
    "                       [--in hex|bin] FILE\n"
    "\n"
    "encode reads one weight per line (decimal; blank and '#' lines skipped) from FILE\n"
    "or standard input, encodes each with SLQ (as `logq quant --scheme slq`), and writes\n"
    "the weight stream as DIR/NAME.hex and DIR/NAME.bin (NAME defaults to 'weights');\n"
    "every K weights form one frame (vector), ending with `last` (default: all weights\n"
    "one frame). It prints words, bits per weight and the error statistics.\n"
    "\n"
    "decode reads a stream file (.bin is binary, anything else hex; --in overrides) and\n"
    "prints one value per good weight (%.17g), '# dropped ...' for each malformed group\n"
    "and '# end of vector N' after each frame; that output can be fed back to encode.\n"
    "\n"
    "Files (docs/slq.md): hex: one stream word per line, hex digits of {last, word}\n"
    "(bit SW is last, SW = W + 1 tagged, W special); '//' comments allowed. bin: one\n"
    "little-endian 16-bit unit per stream word, bit 15 = last, bits SW-1..0 the word,\n"
    "the bits between zero.\n"
    "\n"
    "Exit status: 0 success; 1 (decode) the stream is malformed: an SLQ error\n"
    "(docs/formats.md 4.4) or a last frame without `last`; the first bad word's offset is\n"
    "printed; 2 bad option, unreadable file, or a file that is not a stream file (bad hex\n"
    "line, word too wide, odd binary length, reserved bits set): the message gives the\n"
    "offset.\n";

enum { OPT_VECTOR = CLI_FMT_END + 1, OPT_NAME, OPT_IN };

typedef struct {
    lq_format f;
    lq_framing fr;
    int sw;               /* stream word width */
} slq_ctx;

static int slq_parse(const lq_cmd *c, slq_ctx *x, int *vec, const char **name,
                     const char **out, int *in_fmt)
{
    static const struct option opts[] = {
        CLI_FORMAT_OPTIONS,
        {"vector", required_argument, 0, OPT_VECTOR},
        {"name", required_argument, 0, OPT_NAME},
        {"in", required_argument, 0, OPT_IN},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int ch, have_bits = 0, have_fsr = 0;
    char msg[256];
    x->f = lq_format_default();
    x->f.scheme = LQ_SLQ;
    x->fr = LQ_FRAMING_NONE;
    optind = 1;
    opterr = 1;
    while ((ch = getopt_long(c->argc, c->argv, "ho:", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(slq_help, stdout);
            return 1;
        } else if (ch == 'o') {
            *out = optarg;
        } else if (ch == OPT_VECTOR) {
            if (cli_int("--vector", optarg, 0, 1 << 30, vec) != 0)
                return -1;
        } else if (ch == OPT_NAME) {
            *name = optarg;
        } else if (ch == OPT_IN) {
            if (strcmp(optarg, "hex") == 0) {
                *in_fmt = 1;
            } else if (strcmp(optarg, "bin") == 0) {
                *in_fmt = 2;
            } else {
                cli_error("--in '%s' is unknown (hex or bin)", optarg);
                return -1;
            }
        } else if (ch >= CLI_FMT_BASE && ch < CLI_FMT_END) {
            if (cli_format_option(ch, optarg, &x->f, &x->fr) != 0)
                return -1;
            have_bits |= ch == CLI_FMT_BITS;
            have_fsr |= ch == CLI_FMT_FSR;
        } else {
            /* getopt_long said what was wrong; argv[0] is encode or decode */
            fprintf(stderr, "logq: see 'logq slq %s --help'\n", c->argv[0]);
            return -1;
        }
    }
    if (x->f.scheme != LQ_SLQ) {
        cli_error("slq %s needs --scheme slq, not %s", c->argv[0], lq_scheme_name(x->f.scheme));
        return -1;
    }
    if (!have_bits || !have_fsr || x->fr == LQ_FRAMING_NONE) {
        cli_error("slq %s needs %s", c->argv[0],
                  !have_bits ? "--bits" : !have_fsr ? "--fsr" : "--framing");
        return -1;
    }
    if (lq_format_check(&x->f, msg, sizeof msg) != 0) {
        cli_error("%s", msg);
        return -1;
    }
    x->sw = lq_slq_stream_width(&x->f, x->fr);
    return 0;
}

static int slq_encode(const lq_cmd *c)
{
    slq_ctx x;
    int vec = 0, in_fmt = 0, rc, digits;
    const char *name = "weights", *out = NULL;
    char fname[300];
    double *vals = NULL;
    size_t n = 0;
    long nwords = 0, nbits = 0;
    lq_stats st;
    lq_fileset fs;
    lq_file *hx, *bn;

    rc = slq_parse(c, &x, &vec, &name, &out, &in_fmt);
    if (rc != 0)
        return rc > 0 ? LQ_EXIT_OK : LQ_EXIT_USAGE;
    if (!out) {
        cli_error("slq encode needs -o DIR");
        return LQ_EXIT_USAGE;
    }
    if (optind < c->argc - 1) {
        cli_error("slq encode takes one input file, got '%s' and '%s'", c->argv[optind],
                  c->argv[optind + 1]);
        return LQ_EXIT_USAGE;
    }
    if (!*name || strchr(name, '/') || strlen(name) > 200) {
        cli_error("--name '%s' is not a plain file name", name);
        return LQ_EXIT_USAGE;
    }
    if (cli_read_numbers(optind < c->argc ? c->argv[optind] : NULL, &vals, &n) != 0)
        return LQ_EXIT_USAGE;

    fileset_init(&fs);
    snprintf(fname, sizeof fname, "%s.hex", name);
    hx = fileset_add(&fs, fname);
    snprintf(fname, sizeof fname, "%s.bin", name);
    bn = fileset_add(&fs, fname);
    if (!hx || !bn) {
        fileset_free(&fs);
        free(vals);
        cli_error("out of memory");
        return LQ_EXIT_FAIL;
    }
    file_header(hx, "//", c);
    file_printf(hx, "// SLQ weight stream, %s framing, W = %d, L = %d, FSR = %d: one word per\n"
                    "// line, hex of {last, word} (bit %d = last, end of a vector).\n",
                lq_framing_name(x.fr), x.f.bits, x.f.max_words, x.f.fsr, x.sw);
    digits = (x.sw + 1 + 3) / 4;
    lq_stats_init(&st);
    for (size_t i = 0; i < n; i++) {
        lq_slq_value v = lq_slq_encode(&x.f, vals[i]);
        uint32_t w[2 * LQ_SLQ_WORDS_MAX];
        int nw = lq_slq_frame_value(&x.f, x.fr, &v, w);
        int frame_end = i + 1 == n || (vec > 0 && (i + 1) % (size_t)vec == 0);
        lq_stats_add(&st, vals[i], lq_slq_value_double(&x.f, &v), v.n);
        for (int j = 0; j < nw; j++) {
            int fl = frame_end && j == nw - 1;
            uint32_t u = w[j] | ((uint32_t)fl << x.sw);
            file_printf(hx, "%0*x\n", digits, u);
            /* %c of 0 appends a NUL byte: file_printf counts what vsnprintf wrote. */
            file_printf(bn, "%c%c", (int)(w[j] & 0xffu), (int)((w[j] >> 8) | ((uint32_t)fl << 7)));
        }
        nwords += nw;
        nbits += lq_slq_value_bits(&x.f, x.fr, v.n);
    }
    rc = fileset_commit(&fs, out);
    fileset_free(&fs);
    if (rc != 0) {
        free(vals);
        return LQ_EXIT_FAIL;
    }
    printf("wrote %s/%s.hex and %s/%s.bin: %zu weights, %ld stream words of %d bits, %s "
           "framing\n", out, name, out, name, n, nwords, x.sw, lq_framing_name(x.fr));
    printf("stats: weights %zu\n", n);
    if (n > 0) {
        printf("stats: mean_words %.6f\n", lq_stats_mean_words(&st));
        printf("stats: bits_per_weight %.6f\n", (double)nbits / (double)n);
        printf("stats: mean_abs_error %.17g\n", lq_stats_mean_abs(&st));
        printf("stats: max_abs_error %.17g\n", st.max_abs);
        printf("stats: rms_error %.17g\n", lq_stats_rms(&st));
    }
    free(vals);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("error writing standard output");
        return LQ_EXIT_FAIL;
    }
    return LQ_EXIT_OK;
}

/* One stream word of a file: its value (word | last << sw); 0 ok, 1 end, -1 bad. */
typedef struct {
    FILE *fp;
    int bin;
    int sw;
    long line;       /* hex: line number */
    long index;      /* words read */
    char *buf;
    size_t cap;
    char why[200];
} slq_reader;

static int reader_next(slq_reader *r, uint32_t *word, int *last)
{
    if (r->bin) {
        int b0 = getc(r->fp), b1;
        uint32_t u;
        if (b0 == EOF)
            return ferror(r->fp) ? -1 : 1;
        b1 = getc(r->fp);
        if (b1 == EOF) {
            snprintf(r->why, sizeof r->why, "byte %ld: odd file length (half a 16-bit word)",
                     2 * r->index);
            return -1;
        }
        u = (uint32_t)b0 | ((uint32_t)b1 << 8);
        if (u & 0x7fffu & ~((1u << r->sw) - 1u)) {
            snprintf(r->why, sizeof r->why, "word %ld (byte %ld): 0x%04x has reserved bits set",
                     r->index, 2 * r->index, u);
            return -1;
        }
        *word = u & ((1u << r->sw) - 1u);
        *last = (int)(u >> 15);
        r->index++;
        return 0;
    }
    for (;;) {
        ssize_t got = getline(&r->buf, &r->cap, r->fp);
        char *s, *e;
        unsigned long v;
        if (got < 0)
            return ferror(r->fp) ? -1 : 1;
        r->line++;
        if ((size_t)got != strlen(r->buf)) {
            snprintf(r->why, sizeof r->why, "line %ld: a NUL byte (not a hex file?)", r->line);
            return -1;
        }
        s = r->buf;
        while (*s == ' ' || *s == '\t')
            s++;
        e = strstr(s, "//");
        if (e)
            *e = '\0';
        e = s + strlen(s);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (*s == '\0')
            continue;
        if (strspn(s, "0123456789abcdefABCDEF") != strlen(s) || strlen(s) > 8) {
            snprintf(r->why, sizeof r->why, "line %ld (word %ld): '%.40s' is not a hex word",
                     r->line, r->index, s);
            return -1;
        }
        v = strtoul(s, NULL, 16);
        if (v >> (r->sw + 1)) {
            snprintf(r->why, sizeof r->why,
                     "line %ld (word %ld): 0x%lx is wider than %d bits ({last, word})", r->line,
                     r->index, v, r->sw + 1);
            return -1;
        }
        *word = (uint32_t)v & ((1u << r->sw) - 1u);
        *last = (int)((v >> r->sw) & 1u);
        r->index++;
        return 0;
    }
}

static int slq_decode(const lq_cmd *c)
{
    slq_ctx x;
    int vec = 0, in_fmt = 0, rc, last = 0, st = LQ_EXIT_OK;
    const char *name = NULL, *out = NULL, *path;
    slq_reader rd;
    lq_slq_dec d;
    long first_bad = -1, nerr = 0, nvals = 0, frames = 0;
    uint32_t word;

    rc = slq_parse(c, &x, &vec, &name, &out, &in_fmt);
    if (rc != 0)
        return rc > 0 ? LQ_EXIT_OK : LQ_EXIT_USAGE;
    if (optind != c->argc - 1) {
        cli_error("slq decode takes one stream file");
        return LQ_EXIT_USAGE;
    }
    path = c->argv[optind];
    memset(&rd, 0, sizeof rd);
    rd.sw = x.sw;
    rd.bin = in_fmt ? in_fmt == 2 : (strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".bin"));
    rd.fp = fopen(path, rd.bin ? "rb" : "r");
    if (!rd.fp) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return LQ_EXIT_USAGE;
    }
    lq_slq_dec_reset(&d, &x.f, x.fr);
    while ((rc = reader_next(&rd, &word, &last)) == 0) {
        lq_slq_dec_out o;
        lq_slq_dec_step(&d, word, last, &o);
        for (int i = 0; i < o.nvalues; i++) {
            printf("%.17g\n", lq_slq_value_double(&x.f, &o.values[i]));
            nvals++;
        }
        if (o.error != LQ_SLQ_OK) {
            printf("# dropped: error %d (%s) at word %ld\n", (int)o.error,
                   lq_slq_error_name(o.error), o.error_offset);
            if (first_bad < 0)
                first_bad = o.error_offset;
            nerr++;
        }
        if (last)
            printf("# end of vector %ld\n", frames++);
    }
    if (rc < 0) {
        if (rd.why[0])
            cli_error("%s: %s", path, rd.why);
        else
            cli_error("error reading '%s': %s", path, strerror(errno));
        st = LQ_EXIT_USAGE;
    } else if (rd.index > 0 && !last) {
        printf("# the stream ends inside a frame (no last) after word %ld\n", rd.index - 1);
        if (first_bad < 0)
            first_bad = rd.index - 1;
        nerr++;
    }
    free(rd.buf);
    fclose(rd.fp);
    if (st == LQ_EXIT_OK && nerr > 0) {
        cli_error("%s: malformed stream: %ld error(s), the first at word %ld", path, nerr,
                  first_bad);
        st = LQ_EXIT_FAIL;
    }
    printf("# %ld words, %ld values, %ld vectors, %ld errors\n", rd.index, nvals, frames, nerr);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("error writing standard output");
        return LQ_EXIT_FAIL;
    }
    return st;
}

int cmd_slq(const lq_cmd *c)
{
    lq_cmd sub;
    if (c->argc < 2 || strcmp(c->argv[1], "--help") == 0 || strcmp(c->argv[1], "-h") == 0) {
        fputs(slq_help, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? LQ_EXIT_USAGE : LQ_EXIT_OK;
    }
    sub = *c;
    sub.argc = c->argc - 1;
    sub.argv = c->argv + 1;
    if (strcmp(c->argv[1], "encode") == 0)
        return slq_encode(&sub);
    if (strcmp(c->argv[1], "decode") == 0)
        return slq_decode(&sub);
    cli_error("slq: unknown action '%s' (encode or decode)", c->argv[1]);
    return LQ_EXIT_USAGE;
}
