/* dense.c: the fully connected layer, torch.nn.Linear (weight [out][in], bias [out]). */
#include <string.h>

#include "gemm.h"
#include "layer.h"
#include "simd.h"

#define NN_MAX_UNITS (1 << 20)

static nn_status dense_shape(nn_layer *l, int index) {
    if (l->units < 1 || l->units > NN_MAX_UNITS)
        return nn_fail(NN_ERR_SHAPE, "layer %d (dense): units must be 1 to %d, got %d", index, NN_MAX_UNITS, l->units);
    if (l->in_h * l->in_w != 1)
        return nn_fail(NN_ERR_SHAPE, "layer %d (dense): needs flat features, got %dx%dx%d (put a flatten layer before it)",
                       index, l->in_c, l->in_h, l->in_w);
    if ((uint64_t)l->units * l->in_c > (1u << 28))
        return nn_fail(NN_ERR_SHAPE, "layer %d (dense): %d x %d = %.0f M weights is more than 268 M", index, l->in_c,
                       l->units, (double)l->units * l->in_c / 1e6);
    l->out_c = l->units;
    l->out_h = l->out_w = 1;
    l->w_count = (size_t)l->units * l->in_c;
    l->b_count = l->has_bias ? (size_t)l->units : 0;
    return NN_OK;
}

/* inp [B][K] -> out [B][N] = inp W^T + b, with W [N][K]. */
static void dense_forward(nn_net *net, nn_layer *l, const float *inp, int B, int training) {
    (void)net;
    (void)training;
    int K = l->in_c, N = l->units;
    /* the GEMM adds onto out, so each row starts as the bias: bias first, then the products in
     * order. A loop, not memcpy: this emscripten hands copies of 512 bytes and more to JavaScript. */
    for (int b = 0; b < B; b++) {
        float *o = l->out + (size_t)b * N;
        if (l->b) f32_copy_short(o, l->b, N);
        else memset(o, 0, (size_t)N * sizeof(float));
    }
    nn_gemm_nt(B, N, K, inp, K, l->w, K, l->out, N);
}

/* dout [B][N]: dinp [B][K] += dout W; dW [N][K] += dout^T inp; db [N] += sum_b dout. While
 * net->backward_writes, = instead of += (the products start from +0.0f, db from a +0.0f sum). */
static void dense_backward(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    int K = l->in_c, N = l->units, write = net->backward_writes;
    if (dinp) (write ? nn_gemm_nn_set : nn_gemm_nn)(B, K, N, l->dout, N, l->w, K, dinp, K);
    (write ? nn_gemm_tn_set : nn_gemm_tn)(N, K, B, l->dout, N, inp, K, l->dw, K);
    if (l->db) /* four outputs at a time, each summed over b in order */
        for (int n = 0; n < N; n += 4) {
            const int m = N - n < 4 ? N - n : 4;
            f32x4 acc = write ? f32x4_splat(0.0f) : f32x4_load_first(l->db + n, m);
            for (int b = 0; b < B; b++) acc = f32x4_add(acc, f32x4_load_first(l->dout + (size_t)b * N + n, m));
            f32x4_store_first(l->db + n, acc, m);
        }
}

const nn_layer_ops nn_dense_ops = {"dense", dense_shape, NULL, NULL, dense_forward, dense_backward, 1};
