/* Waveform dumps in memory, as read from VCD (vcd.c) or FST (fstread.c) through
 * read.h, and their comparison (wavediff.c); `logq wavediff` (gen/cmd/wavediff.c)
 * drives them. This storage depends on no reader: the readers fill it.
 *
 * A dump is a list of signals (hierarchical path, width) each pointing at a trace:
 * the time-ordered value changes of one variable (VCD identifier code or FST
 * handle; aliases share a trace). Times are kept in femtoseconds, so dumps with
 * different timescales compare directly. Several changes at one time keep the last
 * (the value a dump shows at the end of that time step). A value is `width`
 * characters, most significant bit first, each one of 0 1 x z; a real is 8 bytes
 * (a double). Before its first change every signal is all x. */
#ifndef LOGQ_WAVE_H
#define LOGQ_WAVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { WAVE_MAX_WIDTH = 65536 };      /* wider variables are refused as malformed */
enum { WAVE_ERR_LEN = 1024 };

typedef struct {
    uint64_t t;      /* fs */
    size_t off;      /* value at pool[off .. off+size) */
} wave_change;

typedef struct {
    int width;       /* bits (reals: 64) */
    int is_real;
    int ignored;     /* a string variable: not compared */
    wave_change *ch;
    size_t n, cap;
} wave_trace;

typedef struct {
    char *path;      /* dotted hierarchical path as in the file, range text dropped */
    int trace;
} wave_signal;

typedef struct {
    char file[256];      /* name for messages */
    const char *format;  /* "VCD" or "FST" */
    int tick_exp;        /* the timescale unit, a power of ten of seconds (-12: ps) */
    uint64_t tick_fs;    /* femtoseconds per time tick */
    uint64_t t_end;      /* last time seen, fs */
    wave_signal *sig;
    size_t nsig, capsig;
    wave_trace *tr;
    size_t ntr, captr;
    unsigned char *pool; /* value bytes */
    size_t pool_len, pool_cap;
    size_t nchanges;
    char err[WAVE_ERR_LEN]; /* the first error: "FILE:LINE: ..." */
} wave_dump;

void wave_init(wave_dump *d, const char *file, const char *format);
void wave_free(wave_dump *d);
/* Printf into d->err (first error wins); always returns -1. */
int wave_error(wave_dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* New trace; its index, or -1 (out of memory, d->err set). */
int wave_add_trace(wave_dump *d, int width, int is_real);
/* New signal on trace tr; path is copied. 0 or -1. */
int wave_add_signal(wave_dump *d, const char *path, int tr);
/* Bytes of one value of trace tr. */
size_t wave_value_size(const wave_trace *tr);
/* Append a change at time t (fs, not before the trace's last change) and return
 * where to write its wave_value_size() bytes (a change at the same time as the last
 * one is overwritten in place), or NULL (out of memory, d->err set). The pointer is
 * valid until the next call. */
unsigned char *wave_add_change(wave_dump *d, int tr, uint64_t t);
/* Set the timescale from "1ps", "10 ns", ...: mult in {1,10,100}, unit s..fs.
 * 0 or -1. */
int wave_set_timescale(wave_dump *d, int mult, int exp10);

/* Comparison options and result (wavediff.c). */
typedef struct {
    const char *scope_a, *scope_b;  /* NULL: whole dump */
    const char *signals;            /* comma-separated names or globs below the scope */
    uint64_t from_fs;
    long max_print;                 /* differences listed */
    int xz_wild;                    /* an x or z bit matches anything */
    int strict;                     /* a signal in one dump only is a difference */
    int time_exp;                   /* printing unit, power of ten of seconds */
} wave_diff_opts;

typedef struct {
    size_t compared, differing, only_a, only_b, width_mismatch;
    uint64_t ndiff;          /* value differences found */
    uint64_t first_fs;       /* time of the first one */
    char err[WAVE_ERR_LEN];  /* bad input: unknown scope, nothing to compare */
    /* Signals to show in a viewer, as indexes into a->sig: the nshow_diff differing
     * ones by time of their first difference, then the others compared, in file
     * order, up to WAVE_SHOW_MAX in all. Freed by wave_diff_result_free. */
    size_t *show;
    size_t nshow, nshow_diff;
} wave_diff_result;

enum { WAVE_SHOW_MAX = 64 };
void wave_diff_result_free(wave_diff_result *r);

/* Compare a and b, printing differences and a summary to out (NULL: silent).
 * 0 agree, 1 differ, 2 bad input (r->err says why). */
int wave_diff(const wave_dump *a, const wave_dump *b, const wave_diff_opts *o,
              wave_diff_result *r, FILE *out);
/* Parse a time "250", "250ns", "1.5 us" to fs; a bare number is in units of
 * 10^default_exp s. 0 or -1. */
int wave_parse_time(const char *s, int default_exp, uint64_t *fs);
/* "ps", "ns", ... for 10^exp s (exp a multiple of 3 from -15 to 0). */
const char *wave_unit_name(int exp);

/* Grow *p (an array of elements of sz bytes, *cap allocated) to hold at least need,
 * doubling from 16; 0, or -1 when out of memory (*p and *cap unchanged). */
int wave_grow(void **p, size_t *cap, size_t need, size_t sz);

#endif
