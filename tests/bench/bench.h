/* bench.h: the clock and the sink the benchmarks share (native and wasm alike). */
#ifndef NN_BENCH_H
#define NN_BENCH_H

#include <stdint.h>
#include <time.h>

/* Seconds on a monotonic clock (each bench defines _POSIX_C_SOURCE before its first include); emscripten maps it to performance.now(). */
static inline double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Folding results into a global keeps the optimiser from deleting the work. */
static volatile float bench_sink;

/* A fixed, cheap fill so every run sees the same operands. */
static inline void bench_fill(float *x, size_t n, uint32_t seed) {
    uint32_t s = seed * 2654435761u + 1u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)(s >> 8) * (1.0f / 16777216.0f) - 0.5f;
    }
}

#endif
