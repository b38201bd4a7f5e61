/* gemm.h: the matrix products training needs, each with one defined summation
 * order: every C element starts from its current value and adds A*B products
 * in increasing k, one at a time. Blocking and SIMD change which elements are
 * computed together, never that order, so the scalar reference, the native
 * build and the wasm build give the same bits. */
#ifndef NN_GEMM_H
#define NN_GEMM_H

#include <stddef.h>

/* C[M][N] += A[M][K] * B[K][N]      (row strides lda, ldb, ldc) */
void nn_gemm_nn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
/* C[M][N] += A^T * B, A stored [K][M] */
void nn_gemm_tn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
/* C[M][N] += A * B^T, B stored [N][K] (B^T is packed through a small static panel) */
void nn_gemm_nt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
/* C = A B and C = A^T B: the same sums started from +0.0f, C neither read nor cleared first (the
 * bits of clearing C and calling nn_gemm_nn / nn_gemm_tn, one pass over C fewer). */
void nn_gemm_nn_set(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
void nn_gemm_tn_set(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
/* The naive triple loop for C += op(A) op(B), kept as the reference the tests compare against. */
void nn_gemm_ref(int trans_a, int trans_b, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
                 float *C, int ldc);

#endif
