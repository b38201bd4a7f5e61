/* gemm.c: SIMD matrix products with a fixed k-order (see gemm.h), and the naive reference. */
#include "gemm.h"
#include "parallel.h"

#include <string.h>

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

/* The register block is 2 rows of C by 16 columns (four vectors), k innermost: 8 accumulators,
 * 4 loads of B and 2 splats of A per k. Under V8 it measured ~53 GFLOP/s against ~43 for 4x8
 * (tests/bench/gemm_bench.c); 12 or more accumulators spill, because V8 gives wasm 16 xmm
 * registers and, without FMA, every product needs a temporary. Fewer than 8 accumulators wait on
 * the add latency, so narrow edges are not done with narrow blocks: a ragged panel of 9-15
 * columns is zero-padded to 16 (the extra lanes are computed and dropped), one of 1-8 columns
 * to 8 and done 4 rows at a time (4x8, 8 accumulators).
 *
 * Each block loads its C values, adds a(r,k) * b(k,j) for k = 0, 1, ... one at a time, and stores
 * them back: blocking over K calls it again with the next k range, which keeps the order. */

/* Shape: C[R][4V] += A[R][K] * B[K][4V]; a(r, k) = a[r][k * sk], B row k at b + k * ldb. Only the
 * first `valid` columns of C are read and written (a ragged panel, whose B is zero past them).
 * With `zero` the accumulators start at +0.0f instead of C, which C is not read for: the same
 * bits as clearing C first, without the pass that clears it. */
#define DEFINE_BLOCK(R, V)                                                                               \
    static inline void block_##R##x##V(int K, const float *const *a, size_t sk, const float *b, size_t ldb, \
                                       float *const *c, int valid, int zero) {                           \
        f32x4 acc[R][V];                                                                                 \
        const float *ap[R];                                                                              \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {                                                                    \
            ap[r] = a[r];                                                                                \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) acc[r][v] = zero ? f32x4_splat(0.0f) : f32x4_load_first(c[r] + 4 * v, valid - 4 * v); \
        }                                                                                                \
        for (int k = 0; k < K; k++, b += ldb) {                                                          \
            f32x4 bv[V];                                                                                 \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) bv[v] = f32x4_load(b + 4 * v);                                   \
            _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {                                                                \
                f32x4 s = f32x4_splat(*ap[r]);                                                           \
                ap[r] += sk;                                                                             \
                _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) acc[r][v] = f32x4_add(acc[r][v], f32x4_mul(s, bv[v]));       \
            }                                                                                            \
        }                                                                                                \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)                                                                      \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) f32x4_store_first(c[r] + 4 * v, acc[r][v], valid - 4 * v);      \
    }

DEFINE_BLOCK(2, 4)
DEFINE_BLOCK(1, 4)
DEFINE_BLOCK(4, 2)
DEFINE_BLOCK(2, 2)
DEFINE_BLOCK(1, 2)

/* K is cut into near-equal blocks of at most this many, so a panel of B (kc x 16 floats, 16 KB)
 * stays in L1 while every row of A passes it. */
#define NN_GEMM_KC 256

/* A ragged or transposed panel of B is copied here, zero-padded to its block width: one buffer
 * per part of a threaded product (static: no allocation per call). */
static float panel_bufs[NN_MAX_THREADS][NN_GEMM_KC * 16];

/* One panel of B, [K][width] at stride ldb (width 16 or 8, zero-padded past w valid columns),
 * against every row of A, k in one block. a(i, k) = A[i * si + k * sk]. Columns past w of C are
 * neither read nor written. */
static void panel(int M, int w, int width, int K, const float *A, size_t si, size_t sk, const float *B, size_t ldb,
                  float *C, size_t ldc, int zero) {
    const int R = width == 16 ? 2 : 4;
    for (int i = 0; i < M; i += R) {
        int rows = M - i < R ? M - i : R;
        const float *a[4];
        float *c[4];
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) { /* a short row block repeats its last row; the blocks below skip it */
            a[r] = A + (size_t)(i + (r < rows ? r : rows - 1)) * si;
            c[r] = C + (size_t)(i + (r < rows ? r : rows - 1)) * ldc;
        }
        if (width == 16) {
            if (rows == 2) block_2x4(K, a, sk, B, ldb, c, w, zero);
            else block_1x4(K, a, sk, B, ldb, c, w, zero);
        } else if (rows == 4) {
            block_4x2(K, a, sk, B, ldb, c, w, zero);
        } else {
            if (rows >= 2) block_2x2(K, a, sk, B, ldb, c, w, zero);
            if (rows != 2) block_1x2(K, a + (rows - 1), sk, B, ldb, c + (rows - 1), w, zero);
        }
    }
}

static int k_block(int K) {
    int blocks = (K + NN_GEMM_KC - 1) / NN_GEMM_KC;
    return blocks > 1 ? (K + blocks - 1) / blocks : K;
}

static int panel_width(int w) { return w > 8 ? 16 : 8; }

/* Shape: B [kn][ldb], w columns -> P[kn][width], zero past w. */
static void pack_b(int w, int width, int kn, const float *B, size_t ldb, float *P) {
    for (int k = 0; k < kn; k++) {
        memcpy(P + (size_t)k * width, B + (size_t)k * ldb, (size_t)w * sizeof(float));
        memset(P + (size_t)k * width + w, 0, (size_t)(width - w) * sizeof(float));
    }
}

/* C[M][N] += A B with a(i, k) = A[i * si + k * sk] and B [K][N]: full panels read B in place.
 * zero: C starts at +0.0f (the first k block does not read it). */
static void gemm_b_rows(int M, int N, int K, const float *A, size_t si, size_t sk, const float *B, int ldb,
                        float *C, int ldc, float *panel_buf, int zero) {
    int kc = k_block(K);
    for (int k0 = 0; k0 < K; k0 += kc) {
        int kn = K - k0 < kc ? K - k0 : kc;
        const float *Ak = A + (size_t)k0 * sk, *Bk = B + (size_t)k0 * ldb;
        for (int j = 0; j < N; j += 16) {
            int w = N - j < 16 ? N - j : 16, width = panel_width(w);
            if (w == width) {
                panel(M, w, width, kn, Ak, si, sk, Bk + j, (size_t)ldb, C + j, (size_t)ldc, zero && k0 == 0);
            } else {
                pack_b(w, width, kn, Bk + j, (size_t)ldb, panel_buf);
                panel(M, w, width, kn, Ak, si, sk, panel_buf, (size_t)width, C + j, (size_t)ldc, zero && k0 == 0);
            }
        }
    }
}


/* Shape: B [w][ldb] rows j (w <= width), k in [0, kn) -> P[kn][width] with P[k][j] = B[j][k],
 * zero past w. 4x4 blocks go through registers; the ragged edges are copied one float at a time. */
static void pack_bt(int w, int width, int kn, const float *B, size_t ldb, float *P) {
    int j = 0;
    for (; j + 4 <= w; j += 4) {
        const float *b0 = B + (size_t)j * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
        int k = 0;
        for (; k + 4 <= kn; k += 4) {
            f32x4 r0 = f32x4_load(b0 + k), r1 = f32x4_load(b1 + k), r2 = f32x4_load(b2 + k), r3 = f32x4_load(b3 + k);
            f32x4_transpose(&r0, &r1, &r2, &r3);
            float *p = P + (size_t)k * width + j;
            f32x4_store(p, r0);
            f32x4_store(p + width, r1);
            f32x4_store(p + 2 * width, r2);
            f32x4_store(p + 3 * width, r3);
        }
        for (; k < kn; k++) {
            float *p = P + (size_t)k * width + j;
            p[0] = b0[k]; p[1] = b1[k]; p[2] = b2[k]; p[3] = b3[k];
        }
    }
    for (; j < w; j++)
        for (int k = 0; k < kn; k++) P[(size_t)k * width + j] = B[(size_t)j * ldb + k];
    for (; j < width; j++)
        for (int k = 0; k < kn; k++) P[(size_t)k * width + j] = 0.0f;
}

static void gemm_bt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc,
                    float *panel_buf, int zero) {
    /* B^T goes through panel_buf, one kc x 16 panel at a time */
    int kc = k_block(K);
    for (int k0 = 0; k0 < K; k0 += kc) {
        int kn = K - k0 < kc ? K - k0 : kc;
        for (int j = 0; j < N; j += 16) {
            int w = N - j < 16 ? N - j : 16, width = panel_width(w);
            pack_bt(w, width, kn, B + (size_t)j * ldb + k0, (size_t)ldb, panel_buf);
            panel(M, w, width, kn, A + k0, (size_t)lda, 1, panel_buf, (size_t)width, C + j, (size_t)ldc,
                  zero && k0 == 0);
        }
    }
}

/* A transposed A (A^T B, the weight gradient of a dense layer: A is dout [B][units]) read in place
 * gives each k of a row pair its own cache line, 32 KB of them for W1's 128 x 784 x 64, read again
 * for each of the 49 panels of B. So A^T is packed, a block of rows at a time, into rows of kn
 * contiguous floats (at most NN_GEMM_AT floats, 16 KB: they stay in L1 beside a panel of B) and
 * every panel of B passes that block. Each C element still adds its products in increasing k. */
#define NN_GEMM_AT 4096
static float at_bufs[NN_MAX_THREADS][NN_GEMM_AT];

static void gemm_at(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc,
                    float *panel_buf, float *at_buf, int zero) {
    int kc = k_block(K);
    for (int k0 = 0; k0 < K; k0 += kc) {
        int kn = K - k0 < kc ? K - k0 : kc;
        int mb = NN_GEMM_AT / kn / 4 * 4; /* rows a block: at least 16, as kn <= 256 */
        const float *Bk = B + (size_t)k0 * ldb;
        for (int i0 = 0; i0 < M; i0 += mb) {
            int rows = M - i0 < mb ? M - i0 : mb;
            /* at_buf[r][k] = A[k0 + k][i0 + r]: pack_bt's transpose, with A's k as its rows */
            pack_bt(kn, kn, rows, A + (size_t)k0 * lda + i0, (size_t)lda, at_buf);
            float *Ci = C + (size_t)i0 * ldc;
            for (int j = 0; j < N; j += 16) {
                int w = N - j < 16 ? N - j : 16, width = panel_width(w);
                if (w == width) {
                    panel(rows, w, width, kn, at_buf, (size_t)kn, 1, Bk + j, (size_t)ldb, Ci + j, (size_t)ldc,
                          zero && k0 == 0);
                } else {
                    pack_b(w, width, kn, Bk + j, (size_t)ldb, panel_buf);
                    panel(rows, w, width, kn, at_buf, (size_t)kn, 1, panel_buf, (size_t)width, Ci + j, (size_t)ldc,
                          zero && k0 == 0);
                }
            }
        }
    }
}

/* ---- threads: each part computes a block of C's columns (whole panels of 16) or, when there are
 * fewer panels than parts, of its rows, exactly as one thread computes them ---- */

typedef enum { GEMM_NN, GEMM_TN, GEMM_NT } gemm_kind;

typedef struct {
    gemm_kind kind;
    int M, N, K, lda, ldb, ldc;
    const float *A, *B;
    float *C;
    int zero; /* C = the product: C is written, not read */
} gemm_job;

static void gemm_block(const gemm_job *j, int r0, int r1, int c0, int c1, float *buf, float *at_buf) {
    if (r0 >= r1 || c0 >= c1) return;
    float *C = j->C + (size_t)r0 * j->ldc + c0;
    int M = r1 - r0, N = c1 - c0;
    switch (j->kind) {
    case GEMM_NN:
        gemm_b_rows(M, N, j->K, j->A + (size_t)r0 * j->lda, (size_t)j->lda, 1, j->B + c0, j->ldb, C, j->ldc, buf,
                    j->zero);
        break;
    case GEMM_TN:
        gemm_at(M, N, j->K, j->A + r0, j->lda, j->B + c0, j->ldb, C, j->ldc, buf, at_buf, j->zero);
        break;
    case GEMM_NT:
        gemm_bt(M, N, j->K, j->A + (size_t)r0 * j->lda, j->lda, j->B + (size_t)c0 * j->ldb, j->ldb, C, j->ldc, buf,
                j->zero);
        break;
    }
}

static void gemm_part(void *ctx, int part, int parts) {
    const gemm_job *j = ctx;
    int b, e;
    if ((j->N + 15) / 16 >= parts) {
        nn_par_range(j->N, 16, part, parts, &b, &e);
        gemm_block(j, 0, j->M, b, e, panel_bufs[part], at_bufs[part]);
    } else {
        nn_par_range(j->M, 4, part, parts, &b, &e);
        gemm_block(j, b, e, 0, j->N, panel_bufs[part], at_bufs[part]);
    }
}

/* Below this many multiply-adds a product runs on one thread: waking the others costs more. A
 * fork-join costs a microsecond or two, a multiply-add some 0.05 ns on one thread; W2's dense
 * layer (64 x 784 x 10, 0.5 M) gains: 49 -> 38 us forward, 77 -> 50 us backward on 2 threads. */
#define NN_GEMM_PAR_MIN (1 << 17)

static void gemm_run(gemm_kind kind, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
                     int ldc, int zero) {
    gemm_job j = {kind, M, N, K, lda, ldb, ldc, A, B, C, zero};
    if (zero && K < 1) { /* no k block to start from zero: the empty sum */
        for (int i = 0; i < M; i++) memset(C + (size_t)i * ldc, 0, (size_t)N * sizeof(float));
        return;
    }
    int parts = nn_par_threads();
    int blocks = (N + 15) / 16 > (M + 3) / 4 ? (N + 15) / 16 : (M + 3) / 4;
    if (parts > blocks) parts = blocks;
    if ((long long)M * N * K < NN_GEMM_PAR_MIN) parts = 1;
    nn_par_run(gemm_part, &j, parts);
}

void nn_gemm_nn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    gemm_run(GEMM_NN, M, N, K, A, lda, B, ldb, C, ldc, 0);
}

void nn_gemm_tn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    gemm_run(GEMM_TN, M, N, K, A, lda, B, ldb, C, ldc, 0);
}

void nn_gemm_nt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    gemm_run(GEMM_NT, M, N, K, A, lda, B, ldb, C, ldc, 0);
}

void nn_gemm_nn_set(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    gemm_run(GEMM_NN, M, N, K, A, lda, B, ldb, C, ldc, 1);
}

void nn_gemm_tn_set(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    gemm_run(GEMM_TN, M, N, K, A, lda, B, ldb, C, ldc, 1);
}
