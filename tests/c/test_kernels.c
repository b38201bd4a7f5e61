/* test_kernels.c: the fast kernels against their naive references, bit for bit where the
 * summation order is the same: GEMM at the benchmark networks' shapes and the blocking edges
 * (K past one cache block, ragged 16/8/4/1 column tails, odd rows). */
#include <stdint.h>

#include "../../c/gemm.h"
#include "../../c/rng.h"
#include "check.h"

static void fill(float *x, size_t n, uint64_t seed, float scale) {
    nn_rng r;
    nn_rng_seed(&r, seed, 5);
    for (size_t i = 0; i < n; i++) x[i] = scale * (2.0f * nn_rng_uniform(&r) - 1.0f);
}

static void test_gemm_shapes(void) {
    /* M, N, K: the networks' products, then edges of the 2x16 block and of the K blocking */
    static const int sizes[][3] = {
        {64, 128, 784}, {128, 784, 64}, {64, 10, 128}, {64, 128, 10}, {10, 128, 64}, {8, 784, 25},
        {8, 25, 784},   {16, 196, 200}, {16, 200, 196}, {200, 196, 16}, {64, 10, 784}, {64, 784, 10},
        {1, 1, 1},      {1, 17, 3},    {3, 31, 257},  {5, 29, 513},   {2, 16, 256},  {7, 47, 600},
        {33, 13, 1},    {4, 4, 1000},  {6, 5, 40},    {9, 8, 7},      {3, 2, 300},   {11, 1, 9},
        {2, 24, 33},
    };
    int failures = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
        size_t big = (size_t)(M > N ? M : N) * K;
        float *A = malloc(sizeof(float) * big), *B = malloc(sizeof(float) * big);
        float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
        float *pack = malloc(sizeof(float) * (size_t)K * N);
        fill(A, big, 11 + s, 1.0f);
        fill(B, big, 211 + s, 1.0f);
        for (int layout = 0; layout < 3; layout++) {
            fill(C1, (size_t)M * N, 3 + s, 0.5f);
            memcpy(C2, C1, sizeof(float) * M * N);
            if (layout == 0) {
                nn_gemm_nn(M, N, K, A, K, B, N, C1, N);
                nn_gemm_ref(0, 0, M, N, K, A, K, B, N, C2, N);
            } else if (layout == 1) {
                nn_gemm_tn(M, N, K, A, M, B, N, C1, N);
                nn_gemm_ref(1, 0, M, N, K, A, M, B, N, C2, N);
            } else {
                nn_gemm_nt(M, N, K, A, K, B, K, C1, N, pack);
                nn_gemm_ref(0, 1, M, N, K, A, K, B, K, C2, N);
            }
            int same = memcmp(C1, C2, sizeof(float) * M * N) == 0;
            failures += !same;
            CHECK(same, "gemm layout %d %dx%dx%d differs from the reference", layout, M, N, K);
        }
        free(A); free(B); free(C1); free(C2); free(pack);
    }
    printf("  gemm: %zu shapes x 3 layouts, %d differ from the reference\n", sizeof sizes / sizeof sizes[0], failures);
}

int main(void) {
    test_gemm_shapes();
    return check_summary();
}
