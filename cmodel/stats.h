/* Error statistics of a quantizer over a set of values. */
#ifndef LOGQ_STATS_H
#define LOGQ_STATS_H

#include <stdint.h>

typedef struct {
    uint64_t n;        /* values */
    uint64_t words;    /* code words (1 per value except for SLQ) */
    double sum_abs;    /* sum of |x - q| */
    double max_abs;    /* largest |x - q| */
    double sum_sq;     /* sum of (x - q)^2 */
    double sum_rel;    /* sum of |x - q| / |x| over the non-zero x */
    uint64_t n_rel;    /* non-zero x */
} lq_stats;

void lq_stats_init(lq_stats *s);
void lq_stats_add(lq_stats *s, double x, double q, int words);
double lq_stats_mean_abs(const lq_stats *s);
double lq_stats_rms(const lq_stats *s);
double lq_stats_mean_words(const lq_stats *s);
double lq_stats_mean_rel(const lq_stats *s);

#endif
