/* rng.h: the core's seeded PRNG (PCG32, O'Neill 2014), used for init, dropout and shuffling. */
#ifndef NN_RNG_H
#define NN_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state, inc;
} nn_rng;

/* The core's streams: one seed gives each use its own independent sequence. Must match the
 * STREAM_* constants of web/src/export/pytorch_script.py, whose PCG32 replays the shuffle and the
 * 2-D sets (tests/web/export/pcg32.test.js checks both the numbers and the draws). */
typedef enum {
    NN_STREAM_INIT = 1,    /* weight initialisation */
    NN_STREAM_DROPOUT = 2, /* dropout masks */
    NN_STREAM_SHUFFLE = 3, /* the epoch order */
    NN_STREAM_SYNTH = 7    /* the 2-D teaching sets (seeded on their own, not by nn_seed) */
} nn_rng_stream;

/* Streams differ by `stream` for the same seed (nn_rng_stream names the core's own). */
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
