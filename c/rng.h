/* rng.h: the core's seeded PRNG (PCG32, O'Neill 2014), used for init, dropout and shuffling. */
#ifndef NN_RNG_H
#define NN_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state, inc;
} nn_rng;

/* Streams differ by `stream` for the same seed (init, dropout, shuffle...). */
void nn_rng_seed(nn_rng *r, uint64_t seed, uint64_t stream);
uint32_t nn_rng_u32(nn_rng *r);
/* Uniform in [0, 1) with 24 random bits: exact in float32. */
float nn_rng_uniform(nn_rng *r);
/* Unbiased integer in [0, n), n > 0 (Lemire's method with rejection). */
uint32_t nn_rng_below(nn_rng *r, uint32_t n);
/* Standard normal (Box-Muller, one value per call, no cached pair). */
float nn_rng_normal(nn_rng *r);
/* Fisher-Yates shuffle of a[0..n). */
void nn_rng_shuffle(nn_rng *r, uint32_t *a, uint32_t n);

#endif
