/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void lq_rng_seed(lq_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t lq_rng_u64(lq_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t lq_rng_below(lq_rng *r, uint64_t n)
{
    uint64_t lim = -n % n; /* 2^64 mod n: reject the short top range */
    uint64_t x;
    do
        x = lq_rng_u64(r);
    while (x < lim);
    return x % n;
}

double lq_rng_uniform(lq_rng *r)
{
    return (double)(lq_rng_u64(r) >> 11) * 0x1.0p-53;
}

double lq_rng_gauss(lq_rng *r)
{
    double u1 = 1.0 - lq_rng_uniform(r); /* (0, 1] */
    double u2 = lq_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double lq_rng_laplace(lq_rng *r)
{
    double u = lq_rng_uniform(r) - 0.5; /* [-0.5, 0.5) */
    double a = 1.0 - 2.0 * fabs(u);     /* (0, 1] */
    return u < 0 ? log(a) : -log(a);
}
