/* Seeded pseudo-random numbers (xoshiro256** seeded by splitmix64): the same seed
 * gives the same sequence on every machine. The state is the caller's. */
#ifndef LOGQ_RNG_H
#define LOGQ_RNG_H

#include <stdint.h>

typedef struct { uint64_t s[4]; } lq_rng;

void lq_rng_seed(lq_rng *r, uint64_t seed);
uint64_t lq_rng_u64(lq_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t lq_rng_below(lq_rng *r, uint64_t n);
/* Uniform double in [0, 1) with 53 random bits. */
double lq_rng_uniform(lq_rng *r);
/* Standard normal (Box-Muller) and Laplace with scale 1 (inverse CDF). */
double lq_rng_gauss(lq_rng *r);
double lq_rng_laplace(lq_rng *r);

#endif
