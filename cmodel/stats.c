/* Error statistics. */
#include "stats.h"

#include <math.h>

void lq_stats_init(lq_stats *s)
{
    s->n = 0;
    s->words = 0;
    s->sum_abs = 0.0;
    s->max_abs = 0.0;
    s->sum_sq = 0.0;
    s->sum_rel = 0.0;
    s->n_rel = 0;
}

void lq_stats_add(lq_stats *s, double x, double q, int words)
{
    double e = fabs(x - q);
    s->n++;
    s->words += (uint64_t)words;
    s->sum_abs += e;
    s->sum_sq += e * e;
    if (e > s->max_abs)
        s->max_abs = e;
    if (x != 0.0) {
        s->sum_rel += e / fabs(x);
        s->n_rel++;
    }
}

double lq_stats_mean_abs(const lq_stats *s)
{
    return s->n ? s->sum_abs / (double)s->n : 0.0;
}

double lq_stats_rms(const lq_stats *s)
{
    return s->n ? sqrt(s->sum_sq / (double)s->n) : 0.0;
}

double lq_stats_mean_words(const lq_stats *s)
{
    return s->n ? (double)s->words / (double)s->n : 0.0;
}

double lq_stats_mean_rel(const lq_stats *s)
{
    return s->n_rel ? s->sum_rel / (double)s->n_rel : 0.0;
}
