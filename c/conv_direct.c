/* conv_direct.c: stride-1 convolution straight from a zero-padded image (see conv_direct.h). */
#include "conv_direct.h"

#include <string.h>

#include "simd.h"

/* Why direct: at the playground's shapes (5x5 kernels on 28x28 and 14x14 images, 8 and 16
 * channels) writing the im2col matrix cost about as much as the GEMM that read it. Here the
 * "B matrix" of a GEMM is the padded image itself: tap (c, ky, kx) of output row oy, columns
 * x0..x0+15, is the 16 floats at xp[c][oy + ky][x0 + kx]. So the register blocks are those of
 * gemm.c (2 output channels x 16 columns, or 4 x 8 on narrow images), with B rows found by
 * offset instead of by a fixed stride. A block whose columns run past the image's width computes
 * the extra lanes from the neighbouring row (or the slack) and drops them. */

size_t nn_conv_padded_size(int C, int H, int W, int pad) {
    return (size_t)C * (size_t)(H + 2 * pad) * (size_t)(W + 2 * pad) + NN_CONV_SLACK;
}

/* Rows here are a few dozen floats: inline loops, where memset/memcpy calls would cost more
 * than the copying. */
static inline void zero_short(float *dst, size_t n) {
    const f32x4 zero = f32x4_splat(0.0f);
    const size_t whole = n / 4 * 4;
    for (size_t i = 0; i < whole; i += 4) f32x4_store(dst + i, zero);
    for (size_t i = whole; i < n; i++) dst[i] = 0.0f;
}

void nn_conv_pad(const float *x, int C, int H, int W, int pad, float *xp, int borders_ready) {
    const size_t Wp = (size_t)W + 2 * (size_t)pad, Hp = (size_t)H + 2 * (size_t)pad;
    if (borders_ready) { /* at the first layer the pads cost as much as a tenth of the convolution */
        for (int c = 0; c < C; c++)
            for (int y = 0; y < H; y++)
                f32_copy_short(xp + ((size_t)c * Hp + (size_t)y + pad) * Wp + pad, x + ((size_t)c * H + y) * W, W);
        return;
    }
    for (int c = 0; c < C; c++) {
        float *plane = xp + (size_t)c * Hp * Wp;
        const float *src = x + (size_t)c * H * W;
        zero_short(plane, (size_t)pad * Wp + pad); /* top rows and the first row's left border */
        for (int y = 0; y < H; y++) {
            float *row = plane + ((size_t)y + pad) * Wp + pad;
            f32_copy_short(row, src + (size_t)y * W, W);
            zero_short(row + W, 2 * (size_t)pad); /* this row's right border, the next one's left */
        }
        zero_short(plane + ((size_t)H + pad) * Wp + pad, (size_t)pad * Wp - pad); /* bottom rows */
    }
    zero_short(xp + (size_t)C * Hp * Wp, NN_CONV_SLACK);
}

/* ---- forward: out[r][lane] += sum over taps of w[r][tap] * xp[tap offset + lane] ---- */

/* Shape: c[R][4V] += w[R][K] * B[K][4V], B row t at x + off[t]; with start, c[r][.] = start[r] +
 * the products instead (the forward's bias: no pass writing it first). Only the first `valid`
 * columns of c are read and written (a block at the image's right edge); the lanes past them are
 * computed from whatever B holds there and dropped. */
#define DEFINE_CONV_BLOCK(R, V)                                                                          \
    static inline void conv_block_##R##x##V(int K, const size_t *off, const float *const *w, const float *x, \
                                            float *const *c, int valid, const float *start) {            \
        f32x4 acc[R][V];                                                                                 \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)                                                                      \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++)                                                                  \
                acc[r][v] = start ? f32x4_splat(start[r]) : f32x4_load_first(c[r] + 4 * v, valid - 4 * v); \
        for (int t = 0; t < K; t++) {                                                                    \
            const float *b = x + off[t];                                                                 \
            f32x4 bv[V];                                                                                 \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) bv[v] = f32x4_load(b + 4 * v);                                   \
            _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {                                                                \
                f32x4 s = f32x4_splat(w[r][t]);                                                          \
                _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) acc[r][v] = f32x4_add(acc[r][v], f32x4_mul(s, bv[v]));       \
            }                                                                                            \
        }                                                                                                \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)                                                                      \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) f32x4_store_first(c[r] + 4 * v, acc[r][v], valid - 4 * v);      \
    }

DEFINE_CONV_BLOCK(2, 4)
DEFINE_CONV_BLOCK(1, 4)
DEFINE_CONV_BLOCK(4, 2)
DEFINE_CONV_BLOCK(2, 2)
DEFINE_CONV_BLOCK(1, 2)

/* Lanes of the block that covers columns x0.. of a row of width OW: 16 while 9 or more remain,
 * else 8 (done 4 channels at a time, so the block still holds 8 accumulators). */
static int block_width(int left) { return left > 8 ? 16 : 8; }

/* Taps are taken in chunks of this many, each with a table of its offsets into the padded image
 * (one flat loop over taps, as in the GEMM); a chunk adds onto what the previous one stored. */
#define NN_CONV_TAP_CHUNK 512

void nn_conv_direct(int OC, int C, int k, const float *w, const float *xp, int Hp, int Wp, float *out, int set,
                    const float *bias) {
    const int OH = Hp - k + 1, OW = Wp - k + 1, taps = C * k * k;
    const size_t out_plane = (size_t)OH * OW;
    size_t off[NN_CONV_TAP_CHUNK]; /* size_t: a padded image of many channels may pass 2^31 floats natively */
    for (int t0 = 0; t0 < taps; t0 += NN_CONV_TAP_CHUNK) {
        const int K = taps - t0 < NN_CONV_TAP_CHUNK ? taps - t0 : NN_CONV_TAP_CHUNK;
        for (int t = 0; t < K; t++) {
            int tap = t0 + t, ci = tap / (k * k), ky = tap / k % k, kx = tap % k;
            off[t] = ((size_t)ci * Hp + ky) * Wp + kx;
        }
        for (int x0 = 0; x0 < OW; x0 += 16) {
            const int left = OW - x0, width = block_width(left), valid = left < width ? left : width;
            const int R = width == 16 ? 2 : 4;
            for (int o = 0; o < OC; o += R) {
                const int rows = OC - o < R ? OC - o : R;
                const float *wr[4];
                float first[4]; /* the starting values when this chunk sets the output */
                _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {
                    wr[r] = w + (size_t)(o + (r < rows ? r : rows - 1)) * taps + t0;
                    first[r] = bias ? bias[o + (r < rows ? r : rows - 1)] : 0.0f;
                }
                const float *start = set && t0 == 0 ? first : NULL;
                for (int oy = 0; oy < OH; oy++) {
                    const float *x = xp + (size_t)oy * Wp + x0;
                    float *c[4];
                    _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)
                        c[r] = out + (size_t)(o + (r < rows ? r : rows - 1)) * out_plane + (size_t)oy * OW + x0;
                    if (width == 16) {
                        if (rows == 2) conv_block_2x4(K, off, wr, x, c, valid, start);
                        else conv_block_1x4(K, off, wr, x, c, valid, start);
                    } else if (rows == 4) {
                        conv_block_4x2(K, off, wr, x, c, valid, start);
                    } else {
                        if (rows >= 2) conv_block_2x2(K, off, wr, x, c, valid, start);
                        if (rows != 2)
                            conv_block_1x2(K, off, wr + (rows - 1), x, c + (rows - 1), valid,
                                           start ? start + (rows - 1) : NULL);
                    }
                }
            }
        }
    }
}

/* ---- weight gradient: dwT[tap][lane] += sum over positions of xp[tap offset + position] * dyT[position][lane] ---- */

/* Shape: c[R][4V] += A[R][OH*OW] * dyT[OH*OW][4V], a(r, (oy, ox)) = a[r][oy*Wp + ox]. */
#define DEFINE_DW_BLOCK(R, V)                                                                            \
    static inline void dw_block_##R##x##V(int OH, int OW, const float *const *a, size_t Wp, const float *b, \
                                          size_t ldb, float *const *c) {                                 \
        f32x4 acc[R][V];                                                                                 \
        const float *ar[R];                                                                              \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {                                                                    \
            ar[r] = a[r];                                                                                \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) acc[r][v] = f32x4_load(c[r] + 4 * v);                           \
        }                                                                                                \
        for (int oy = 0; oy < OH; oy++) {                                                                \
            for (int ox = 0; ox < OW; ox++, b += ldb) {                                                  \
                f32x4 bv[V];                                                                             \
                _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) bv[v] = f32x4_load(b + 4 * v);                               \
                _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {                                                            \
                    f32x4 s = f32x4_splat(ar[r][ox]);                                                    \
                    _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) acc[r][v] = f32x4_add(acc[r][v], f32x4_mul(s, bv[v]));   \
                }                                                                                        \
            }                                                                                            \
            _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) ar[r] += Wp;                                                     \
        }                                                                                                \
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)                                                                      \
            _Pragma("GCC unroll 4") for (int v = 0; v < V; v++) f32x4_store(c[r] + 4 * v, acc[r][v]);                            \
    }

DEFINE_DW_BLOCK(2, 4)
DEFINE_DW_BLOCK(1, 4)
DEFINE_DW_BLOCK(4, 2)
DEFINE_DW_BLOCK(2, 2)
DEFINE_DW_BLOCK(1, 2)

void nn_conv_direct_dw(int C, int k, const float *xp, int Hp, int Wp, const float *dyT, int ldw, float *dwT) {
    nn_conv_direct_dw_taps(0, C * k * k, k, xp, Hp, Wp, dyT, ldw, dwT);
}

void nn_conv_direct_dw_taps(int t0, int t1, int k, const float *xp, int Hp, int Wp, const float *dyT, int ldw,
                            float *dwT) {
    const int OH = Hp - k + 1, OW = Wp - k + 1;
    const size_t plane = (size_t)Hp * Wp;
    for (int j = 0; j < ldw; j += 16) {
        const int width = ldw - j >= 16 ? 16 : 8, R = width == 16 ? 2 : 4;
        for (int t = t0; t < t1; t += R) {
            const int rows = t1 - t < R ? t1 - t : R;
            const float *a[4];
            float *c[4];
            _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {
                int tap = t + (r < rows ? r : rows - 1), ci = tap / (k * k), ky = tap / k % k, kx = tap % k;
                a[r] = xp + (size_t)ci * plane + (size_t)ky * Wp + kx;
                c[r] = dwT + (size_t)tap * ldw + j;
            }
            if (width == 16) {
                if (rows == 2) dw_block_2x4(OH, OW, a, (size_t)Wp, dyT + j, (size_t)ldw, c);
                else dw_block_1x4(OH, OW, a, (size_t)Wp, dyT + j, (size_t)ldw, c);
            } else if (rows == 4) {
                dw_block_4x2(OH, OW, a, (size_t)Wp, dyT + j, (size_t)ldw, c);
            } else {
                if (rows >= 2) dw_block_2x2(OH, OW, a, (size_t)Wp, dyT + j, (size_t)ldw, c);
                if (rows != 2) dw_block_1x2(OH, OW, a + (rows - 1), (size_t)Wp, dyT + j, (size_t)ldw, c + (rows - 1));
            }
        }
    }
}

void nn_transpose_pad(const float *a, int rows, int cols, size_t lda, float *at, size_t ldt) {
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
        const float *a0 = a + (size_t)i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        int j = 0;
        for (; j + 4 <= cols; j += 4) {
            f32x4 r0 = f32x4_load(a0 + j), r1 = f32x4_load(a1 + j), r2 = f32x4_load(a2 + j), r3 = f32x4_load(a3 + j);
            f32x4_transpose(&r0, &r1, &r2, &r3);
            float *t = at + (size_t)j * ldt + i;
            f32x4_store(t, r0);
            f32x4_store(t + ldt, r1);
            f32x4_store(t + 2 * ldt, r2);
            f32x4_store(t + 3 * ldt, r3);
        }
        for (; j < cols; j++) {
            float *t = at + (size_t)j * ldt + i;
            t[0] = a0[j]; t[1] = a1[j]; t[2] = a2[j]; t[3] = a3[j];
        }
    }
    for (; i < rows; i++)
        for (int j = 0; j < cols; j++) at[(size_t)j * ldt + i] = a[(size_t)i * lda + j];
    if (ldt > (size_t)rows)
        for (int j = 0; j < cols; j++) memset(at + (size_t)j * ldt + rows, 0, (ldt - (size_t)rows) * sizeof(float));
}
