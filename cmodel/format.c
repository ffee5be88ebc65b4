/* Format parameters: defaults, names and the check that refuses what cannot be built. */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

lq_format lq_format_default(void)
{
    lq_format f;
    memset(&f, 0, sizeof f);
    f.scheme = LQ_LOG2;
    f.bits = 5;
    f.fsr = 0;
    f.rounding = LQ_NEAREST;
    f.is_signed = true;
    f.max_words = 2;
    f.theta = 0.0;
    return f;
}

int lq_mag_bits(const lq_format *f)
{
    if (f->scheme == LQ_SLQ)
        return f->bits - 1;
    return f->is_signed ? f->bits - 1 : f->bits;
}

/* The exponent scale: 1 for log2 and SLQ, 2 for half steps. */
static int exp_scale(const lq_format *f)
{
    return f->scheme == LQ_LOGSQRT2 ? 2 : 1;
}

int lq_exp_max(const lq_format *f)
{
    return exp_scale(f) * f->fsr - 1;
}

int lq_exp_min(const lq_format *f)
{
    return exp_scale(f) * f->fsr - (1 << lq_mag_bits(f)) + 1;
}

static int fail(char *msg, size_t len, const char *what)
{
    if (msg && len)
        snprintf(msg, len, "%s", what);
    return -1;
}

int lq_format_check(const lq_format *f, char *msg, size_t len)
{
    char buf[256];
    int lo_bits = 1, hi_bits = LQ_LOG_BITS_MAX;

    switch (f->scheme) {
    case LQ_LINEAR: hi_bits = LQ_LINEAR_BITS_MAX; break;
    case LQ_LOG2:
    case LQ_LOGSQRT2: lo_bits = f->is_signed ? 2 : 1; break;
    case LQ_SLQ: lo_bits = 2; break;
    default: return fail(msg, len, "unknown scheme");
    }
    if (f->bits < lo_bits || f->bits > hi_bits) {
        snprintf(buf, sizeof buf, "--bits %d is out of range for %s%s (%d to %d)", f->bits,
                 f->is_signed || f->scheme == LQ_SLQ ? "signed " : "unsigned ",
                 lq_scheme_name(f->scheme), lo_bits, hi_bits);
        return fail(msg, len, buf);
    }
    if (f->fsr < -LQ_FSR_ABS_MAX || f->fsr > LQ_FSR_ABS_MAX) {
        snprintf(buf, sizeof buf, "--fsr %d is out of range (%d to %d)", f->fsr,
                 -LQ_FSR_ABS_MAX, LQ_FSR_ABS_MAX);
        return fail(msg, len, buf);
    }
    if (f->rounding != LQ_NEAREST && f->rounding != LQ_FLOOR)
        return fail(msg, len, "unknown rounding");
    if (f->scheme == LQ_SLQ && !f->is_signed)
        return fail(msg, len, "--unsigned is not available for slq: SLQ words are signed");
    if (f->scheme == LQ_LINEAR) {
        /* The step 2^(fsr - bits [+ 1]) and the full scale must be normal doubles. */
        int s = f->fsr - f->bits + (f->is_signed ? 1 : 0);
        if (s < -1000) {
            snprintf(buf, sizeof buf, "--fsr %d with --bits %d makes the step 2^%d, too small",
                     f->fsr, f->bits, s);
            return fail(msg, len, buf);
        }
    } else {
        int sc = exp_scale(f);
        int lo = lq_exp_min(f), hi = lq_exp_max(f);
        /* Every level, and every SLQ residue, stays a normal double. */
        if (lo < -1000 * sc || hi > 1000 * sc) {
            snprintf(buf, sizeof buf,
                     "--fsr %d with --bits %d puts the levels at 2^%g .. 2^%g, outside the "
                     "supported range 2^-1000 .. 2^1000",
                     f->fsr, f->bits, (double)lo / sc, (double)hi / sc);
            return fail(msg, len, buf);
        }
    }
    if (f->scheme == LQ_SLQ) {
        if (f->max_words < 1 || f->max_words > LQ_SLQ_WORDS_MAX) {
            snprintf(buf, sizeof buf, "--max-words %d is out of range (1 to %d)", f->max_words,
                     LQ_SLQ_WORDS_MAX);
            return fail(msg, len, buf);
        }
        if (!(f->theta >= 0.0) || f->theta > ldexp(1.0, f->fsr)) {
            snprintf(buf, sizeof buf, "--theta %.17g is out of range (0 to 2^fsr = %.17g)",
                     f->theta, ldexp(1.0, f->fsr));
            return fail(msg, len, buf);
        }
    }
    return 0;
}

static const char *const scheme_names[] = {"linear", "log2", "logsqrt2", "slq"};
static const char *const rounding_names[] = {"nearest", "floor"};
static const char *const framing_names[] = {"none", "tag", "special"};

const char *lq_scheme_name(lq_scheme s)
{
    return (unsigned)s < 4 ? scheme_names[s] : "?";
}

const char *lq_rounding_name(lq_rounding r)
{
    return (unsigned)r < 2 ? rounding_names[r] : "?";
}

const char *lq_framing_name(lq_framing fr)
{
    return (unsigned)fr < 3 ? framing_names[fr] : "?";
}

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int lq_scheme_parse(const char *s, lq_scheme *out)
{
    int i = parse_name(s, scheme_names, 4);
    if (i < 0)
        return -1;
    *out = (lq_scheme)i;
    return 0;
}

int lq_rounding_parse(const char *s, lq_rounding *out)
{
    int i = parse_name(s, rounding_names, 2);
    if (i < 0)
        return -1;
    *out = (lq_rounding)i;
    return 0;
}

int lq_framing_parse(const char *s, lq_framing *out)
{
    int i = parse_name(s, framing_names, 3);
    if (i < 0)
        return -1;
    *out = (lq_framing)i;
    return 0;
}
