/* gemm.c: SIMD matrix products with a fixed k-order (see gemm.h), and the naive reference. */
#include "gemm.h"

#include "simd.h"

void nn_gemm_ref(int trans_a, int trans_b, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
                 float *C, int ldc) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float acc = C[(size_t)i * ldc + j];
            for (int k = 0; k < K; k++) {
                float a = trans_a ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                float b = trans_b ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
                acc += a * b;
            }
            C[(size_t)i * ldc + j] = acc;
        }
}

/* Register block: 4 rows of C by 8 columns (two vectors), k innermost.
 * a(i, k) is read through (row stride sa_i, k stride sa_k) so the same
 * kernel serves A and A^T. */
static void gemm_rows(int M, int N, int K, const float *A, size_t sa_i, size_t sa_k, const float *B, int ldb,
                      float *C, int ldc) {
    int i = 0;
    for (; i + 4 <= M; i += 4) {
        const float *a0 = A + (size_t)i * sa_i, *a1 = a0 + sa_i, *a2 = a1 + sa_i, *a3 = a2 + sa_i;
        float *c0 = C + (size_t)i * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        int j = 0;
        for (; j + 8 <= N; j += 8) {
            f32x4 r00 = f32x4_load(c0 + j), r01 = f32x4_load(c0 + j + 4);
            f32x4 r10 = f32x4_load(c1 + j), r11 = f32x4_load(c1 + j + 4);
            f32x4 r20 = f32x4_load(c2 + j), r21 = f32x4_load(c2 + j + 4);
            f32x4 r30 = f32x4_load(c3 + j), r31 = f32x4_load(c3 + j + 4);
            const float *bk = B + j;
            for (int k = 0; k < K; k++, bk += ldb) {
                f32x4 b0 = f32x4_load(bk), b1 = f32x4_load(bk + 4);
                size_t ka = (size_t)k * sa_k;
                f32x4 s0 = f32x4_splat(a0[ka]), s1 = f32x4_splat(a1[ka]);
                f32x4 s2 = f32x4_splat(a2[ka]), s3 = f32x4_splat(a3[ka]);
                r00 = f32x4_add(r00, f32x4_mul(s0, b0)); r01 = f32x4_add(r01, f32x4_mul(s0, b1));
                r10 = f32x4_add(r10, f32x4_mul(s1, b0)); r11 = f32x4_add(r11, f32x4_mul(s1, b1));
                r20 = f32x4_add(r20, f32x4_mul(s2, b0)); r21 = f32x4_add(r21, f32x4_mul(s2, b1));
                r30 = f32x4_add(r30, f32x4_mul(s3, b0)); r31 = f32x4_add(r31, f32x4_mul(s3, b1));
            }
            f32x4_store(c0 + j, r00); f32x4_store(c0 + j + 4, r01);
            f32x4_store(c1 + j, r10); f32x4_store(c1 + j + 4, r11);
            f32x4_store(c2 + j, r20); f32x4_store(c2 + j + 4, r21);
            f32x4_store(c3 + j, r30); f32x4_store(c3 + j + 4, r31);
        }
        for (; j + 4 <= N; j += 4) {
            f32x4 r0 = f32x4_load(c0 + j), r1 = f32x4_load(c1 + j), r2 = f32x4_load(c2 + j), r3 = f32x4_load(c3 + j);
            const float *bk = B + j;
            for (int k = 0; k < K; k++, bk += ldb) {
                f32x4 b0 = f32x4_load(bk);
                size_t ka = (size_t)k * sa_k;
                r0 = f32x4_add(r0, f32x4_mul(f32x4_splat(a0[ka]), b0));
                r1 = f32x4_add(r1, f32x4_mul(f32x4_splat(a1[ka]), b0));
                r2 = f32x4_add(r2, f32x4_mul(f32x4_splat(a2[ka]), b0));
                r3 = f32x4_add(r3, f32x4_mul(f32x4_splat(a3[ka]), b0));
            }
            f32x4_store(c0 + j, r0); f32x4_store(c1 + j, r1); f32x4_store(c2 + j, r2); f32x4_store(c3 + j, r3);
        }
        for (; j < N; j++) {
            float r0 = c0[j], r1 = c1[j], r2 = c2[j], r3 = c3[j];
            for (int k = 0; k < K; k++) {
                float b = B[(size_t)k * ldb + j];
                size_t ka = (size_t)k * sa_k;
                r0 += a0[ka] * b; r1 += a1[ka] * b; r2 += a2[ka] * b; r3 += a3[ka] * b;
            }
            c0[j] = r0; c1[j] = r1; c2[j] = r2; c3[j] = r3;
        }
    }
    for (; i < M; i++) {
        const float *a0 = A + (size_t)i * sa_i;
        float *c0 = C + (size_t)i * ldc;
        int j = 0;
        for (; j + 4 <= N; j += 4) {
            f32x4 r0 = f32x4_load(c0 + j);
            const float *bk = B + j;
            for (int k = 0; k < K; k++, bk += ldb)
                r0 = f32x4_add(r0, f32x4_mul(f32x4_splat(a0[(size_t)k * sa_k]), f32x4_load(bk)));
            f32x4_store(c0 + j, r0);
        }
        for (; j < N; j++) {
            float r0 = c0[j];
            for (int k = 0; k < K; k++) r0 += a0[(size_t)k * sa_k] * B[(size_t)k * ldb + j];
            c0[j] = r0;
        }
    }
}

void nn_gemm_nn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    gemm_rows(M, N, K, A, (size_t)lda, 1, B, ldb, C, ldc);
}

void nn_gemm_tn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    gemm_rows(M, N, K, A, 1, (size_t)lda, B, ldb, C, ldc);
}

void nn_gemm_nt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc,
                float *pack) {
    /* pack B^T as [K][N] so the kernel streams contiguous rows */
    for (int j = 0; j < N; j++)
        for (int k = 0; k < K; k++) pack[(size_t)k * N + j] = B[(size_t)j * ldb + k];
    gemm_rows(M, N, K, A, (size_t)lda, 1, pack, N, C, ldc);
}
