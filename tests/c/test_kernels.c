/* test_kernels.c: the fast kernels against their naive references, bit for bit where the
 * summation order is the same: GEMM at the benchmark networks' shapes and the blocking edges
 * (K past one cache block, ragged 16/8/4/1 column tails, odd rows); the direct convolution
 * against im2col + the reference GEMM. */
#include <stdint.h>

#include "../../c/conv_direct.h"
#include "../../c/gemm.h"
#include "../../c/im2col.h"
#include "../../c/optim.h"
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
                nn_gemm_nt(M, N, K, A, K, B, K, C1, N);
                nn_gemm_ref(0, 1, M, N, K, A, K, B, K, C2, N);
            }
            int same = memcmp(C1, C2, sizeof(float) * M * N) == 0;
            failures += !same;
            CHECK(same, "gemm layout %d %dx%dx%d differs from the reference", layout, M, N, K);
        }
        free(A); free(B); free(C1); free(C2);
    }
    printf("  gemm: %zu shapes x 3 layouts, %d differ from the reference\n", sizeof sizes / sizeof sizes[0], failures);
}

/* One stride-1 convolution: the direct kernels against im2col + nn_gemm_ref, and the input
 * gradient against a naive loop in the direct kernel's order (and, loosely, against col2im). */
static void check_conv(int C, int H, int W, int OC, int k, int pad) {
    const int OH = H + 2 * pad - k + 1, OW = W + 2 * pad - k + 1, taps = C * k * k, hw = OH * OW;
    const int lanes = (OC + 7) / 8 * 8, dpad = k - 1 - pad;
    float *x = malloc(sizeof(float) * C * H * W), *w = malloc(sizeof(float) * OC * taps);
    float *dy = malloc(sizeof(float) * OC * hw), *col = malloc(sizeof(float) * taps * hw);
    float *y1 = malloc(sizeof(float) * OC * hw), *y2 = malloc(sizeof(float) * OC * hw);
    float *xp = malloc(sizeof(float) * nn_conv_padded_size(C, H, W, pad));
    float *dyp = malloc(sizeof(float) * nn_conv_padded_size(OC, OH, OW, dpad));
    float *dyT = malloc(sizeof(float) * hw * lanes), *dwT = malloc(sizeof(float) * taps * lanes);
    float *dw1 = malloc(sizeof(float) * OC * taps), *dw2 = malloc(sizeof(float) * OC * taps);
    float *wf = malloc(sizeof(float) * OC * taps), *dx1 = malloc(sizeof(float) * C * H * W);
    float *dx2 = malloc(sizeof(float) * C * H * W), *dx3 = malloc(sizeof(float) * C * H * W);
    float *dcol = malloc(sizeof(float) * taps * hw);
    fill(x, (size_t)C * H * W, 1, 1.0f);
    fill(w, (size_t)OC * taps, 2, 0.5f);
    fill(dy, (size_t)OC * hw, 3, 1.0f);
    fill(y1, (size_t)OC * hw, 4, 0.25f);
    memcpy(y2, y1, sizeof(float) * OC * hw);
    fill(dw1, (size_t)OC * taps, 5, 0.25f);
    memcpy(dw2, dw1, sizeof(float) * OC * taps);
    fill(dx1, (size_t)C * H * W, 6, 0.25f);
    memcpy(dx2, dx1, sizeof(float) * C * H * W);
    memcpy(dx3, dx1, sizeof(float) * C * H * W);

    /* the next sample of a batch copies only the interior: the borders from the first must hold */
    size_t padded = nn_conv_padded_size(C, H, W, pad);
    float *xp_full = malloc(sizeof(float) * padded), *other = malloc(sizeof(float) * C * H * W);
    nn_conv_pad(x, C, H, W, pad, xp_full, 0);
    fill(xp, padded, 9, 1.0f);
    fill(other, (size_t)C * H * W, 10, 1.0f);
    nn_conv_pad(other, C, H, W, pad, xp, 0); /* an earlier sample ... */
    nn_conv_pad(x, C, H, W, pad, xp, 1);     /* ... then this one, interior only */
    CHECK(memcmp(xp, xp_full, sizeof(float) * padded) == 0, "conv pad %dx%dx%d p%d: interior-only copy differs", C, H,
          W, pad);
    free(xp_full);
    free(other);
    nn_conv_direct(OC, C, k, w, xp, H + 2 * pad, W + 2 * pad, y1, 0, NULL);
    nn_im2col(x, C, H, W, k, 1, pad, OH, OW, col);
    nn_gemm_ref(0, 0, OC, hw, taps, w, taps, col, hw, y2, hw);
    CHECK(memcmp(y1, y2, sizeof(float) * OC * hw) == 0, "conv %dx%dx%d -> %d k%d p%d: direct forward differs from im2col",
          C, H, W, OC, k, pad);
    /* starting from the bias (set mode) is the same as writing the bias first and adding */
    float *bias = malloc(sizeof(float) * OC);
    fill(bias, (size_t)OC, 12, 1.0f);
    for (int o = 0; o < OC; o++)
        for (int i = 0; i < hw; i++) y2[(size_t)o * hw + i] = bias[o];
    nn_gemm_ref(0, 0, OC, hw, taps, w, taps, col, hw, y2, hw);
    fill(y1, (size_t)OC * hw, 13, 1.0f); /* whatever was there must not matter */
    nn_conv_direct(OC, C, k, w, xp, H + 2 * pad, W + 2 * pad, y1, 1, bias);
    CHECK(memcmp(y1, y2, sizeof(float) * OC * hw) == 0, "conv %dx%dx%d -> %d k%d p%d: direct forward from the bias differs",
          C, H, W, OC, k, pad);
    free(bias);

    /* two samples' worth, so the weight gradient is seen carrying over between calls */
    nn_transpose_pad(dw1, OC, taps, (size_t)taps, dwT, (size_t)lanes);
    nn_transpose_pad(dy, OC, hw, (size_t)hw, dyT, (size_t)lanes);
    for (int rep = 0; rep < 2; rep++) {
        nn_conv_direct_dw(C, k, xp, H + 2 * pad, W + 2 * pad, dyT, lanes, dwT);
        nn_gemm_ref(0, 1, OC, taps, hw, dy, hw, col, hw, dw2, taps);
    }
    nn_transpose_pad(dwT, taps, OC, (size_t)lanes, dw1, (size_t)taps);
    CHECK(memcmp(dw1, dw2, sizeof(float) * OC * taps) == 0,
          "conv %dx%dx%d -> %d k%d p%d: direct weight gradient differs from im2col", C, H, W, OC, k, pad);

    /* dx += the flipped weights over dy padded by k-1-pad; the naive loop adds in the same
     * (oc, ky, kx) order, so it must agree bit for bit */
    for (int c = 0; c < C; c++)
        for (int oc = 0; oc < OC; oc++)
            for (int t = 0; t < k * k; t++)
                wf[((size_t)c * OC + oc) * k * k + t] = w[((size_t)oc * C + c) * k * k + k * k - 1 - t];
    nn_conv_pad(dy, OC, OH, OW, dpad, dyp, 0);
    nn_conv_direct(C, OC, k, wf, dyp, OH + 2 * dpad, OW + 2 * dpad, dx1, 0, NULL);
    for (int c = 0; c < C; c++)
        for (int iy = 0; iy < H; iy++)
            for (int ix = 0; ix < W; ix++) {
                float acc = dx2[((size_t)c * H + iy) * W + ix];
                for (int oc = 0; oc < OC; oc++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            int oy = iy + pad - (k - 1 - ky), ox = ix + pad - (k - 1 - kx);
                            float d = oy >= 0 && oy < OH && ox >= 0 && ox < OW ? dy[((size_t)oc * OH + oy) * OW + ox] : 0.0f;
                            acc += w[((size_t)oc * C + c) * k * k + (size_t)(k - 1 - ky) * k + (k - 1 - kx)] * d;
                        }
                dx2[((size_t)c * H + iy) * W + ix] = acc;
            }
    CHECK(memcmp(dx1, dx2, sizeof(float) * C * H * W) == 0,
          "conv %dx%dx%d -> %d k%d p%d: direct input gradient differs from its naive loop", C, H, W, OC, k, pad);
    memset(dcol, 0, sizeof(float) * taps * hw);
    nn_gemm_ref(1, 0, taps, hw, OC, w, taps, dy, hw, dcol, hw);
    nn_col2im_add(dcol, C, H, W, k, 1, pad, OH, OW, dx3);
    double worst = 0;
    for (int i = 0; i < C * H * W; i++) {
        double e = fabs((double)dx1[i] - dx3[i]) / (1e-5 * (1.0 + fabs((double)dx3[i])) * taps);
        if (e > worst) worst = e;
    }
    CHECK(worst <= 1.0, "conv %dx%dx%d -> %d k%d p%d: direct input gradient is %.3g tolerances from col2im", C, H, W,
          OC, k, pad, worst);
    free(x); free(w); free(dy); free(col); free(y1); free(y2); free(xp); free(dyp); free(dyT); free(dwT);
    free(dw1); free(dw2); free(wf); free(dx1); free(dx2); free(dx3); free(dcol);
}

static void test_conv_direct(void) {
    /* C, H, W, OC, k, pad: the networks' two layers, then the block edges (output widths below 8,
     * between 8 and 16, past 16; channel counts that leave 1, 2 or 3 rows; 24 gradient lanes; more
     * than one chunk of taps) */
    static const int shapes[][6] = {
        {1, 28, 28, 8, 5, 2}, {8, 14, 14, 16, 5, 2}, {3, 7, 9, 5, 3, 1}, {2, 5, 6, 3, 3, 0},  {4, 10, 3, 17, 3, 2},
        {1, 1, 1, 1, 1, 0},   {2, 9, 20, 9, 2, 1},   {3, 6, 33, 2, 4, 3}, {5, 4, 40, 7, 3, 1}, {1, 3, 17, 1, 1, 0},
        {12, 6, 7, 3, 5, 2},  {20, 5, 18, 6, 4, 1}, /* more than 256 taps: the kernel's tap chunks */
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        check_conv(shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], shapes[i][4], shapes[i][5]);
    printf("  direct convolution: %zu shapes checked\n", sizeof shapes / sizeof shapes[0]);
}

/* Max-pool 2x2 stride 2 (the SIMD path) against the scan torch's CPU kernel does: first maximum
 * wins ties, a NaN takes over; checked on values with many ties and a few NaNs, through the
 * output and through where the gradient lands (an identity layer first gives the input gradient). */
static void check_maxpool(int C, int H, int W) {
    const int OH = H / 2, OW = W / 2, B = 2, in = C * H * W, out = C * OH * OW;
    nn_net *net = nn_net_create(C, H, W);
    nn_add_activation(net, NN_LAYER_IDENTITY, 0);
    nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
    CHECK_OK(nn_build(net, B));
    nn_set_loss(net, NN_LOSS_MSE, NN_REDUCTION_SUM, 0, NULL);
    float *x = malloc(sizeof(float) * B * in), *want = malloc(sizeof(float) * B * out);
    float *dx = calloc((size_t)B * in, sizeof(float));
    int32_t *labels = calloc(B, sizeof(int32_t));
    nn_rng r;
    nn_rng_seed(&r, 42, 1);
    for (int i = 0; i < B * in; i++) {
        float u = nn_rng_uniform(&r);
        x[i] = u < 0.02f ? NAN : (float)(int)(u * 6.0f) - 2.0f; /* few values: ties everywhere */
        if (u > 0.98f) x[i] = -INFINITY;
    }
    CHECK_OK(nn_forward(net, x, B, 1));
    nn_loss(net, labels, B, NULL, NULL); /* NaN outputs make the loss NaN; its gradient is filled all the same */
    const float *dy = nn_layer_output_grad(net, 1);
    for (int p = 0; p < B * C; p++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                const float *plane = x + (size_t)p * H * W;
                float best = -INFINITY;
                int at = 2 * oy * W + 2 * ox;
                for (int iy = 2 * oy; iy < 2 * oy + 2; iy++)
                    for (int ix = 2 * ox; ix < 2 * ox + 2; ix++)
                        if (plane[iy * W + ix] > best || isnan(plane[iy * W + ix])) {
                            best = plane[iy * W + ix];
                            at = iy * W + ix;
                        }
                size_t o = ((size_t)p * OH + oy) * OW + ox;
                want[o] = best;
                dx[(size_t)p * H * W + at] += dy[o];
            }
    nn_zero_grad(net);
    CHECK_OK(nn_backward(net));
    CHECK(memcmp(nn_output(net), want, sizeof(float) * B * out) == 0, "maxpool %dx%dx%d: values differ", C, H, W);
    CHECK(memcmp(nn_layer_output_grad(net, 0), dx, sizeof(float) * B * in) == 0,
          "maxpool %dx%dx%d: the gradient lands on other winners", C, H, W);
    free(x); free(want); free(dx); free(labels);
    nn_net_free(net);
}

static void test_maxpool(void) {
    check_maxpool(3, 9, 13);
    check_maxpool(2, 28, 28);
    check_maxpool(1, 8, 16);
    check_maxpool(4, 14, 14);
    check_maxpool(2, 6, 10);
    check_maxpool(1, 2, 3);
}

/* Every optimizer and each of its switches, five steps on 4*k+3 parameters (so the partial last
 * vector is used): nn_optim_step's vector rules against the scalar reference, bit for bit. */
static void test_optimizers(void) {
    typedef struct {
        nn_optim_kind kind;
        nn_hyper which[3];
        double value[3];
    } config;
    static const config configs[] = {
        {NN_OPTIM_SGD, {NN_HP_LR, NN_HP_LR, NN_HP_LR}, {0.1, 0.1, 0.1}},
        {NN_OPTIM_SGD, {NN_HP_MOMENTUM, NN_HP_DAMPENING, NN_HP_WEIGHT_DECAY}, {0.9, 0.3, 0.01}},
        {NN_OPTIM_SGD, {NN_HP_MOMENTUM, NN_HP_NESTEROV, NN_HP_MAXIMIZE}, {0.8, 1, 1}},
        {NN_OPTIM_ADAGRAD, {NN_HP_LR_DECAY, NN_HP_INITIAL_ACCUMULATOR, NN_HP_WEIGHT_DECAY}, {0.1, 0.5, 0.02}},
        {NN_OPTIM_ADAGRAD, {NN_HP_MAXIMIZE, NN_HP_LR, NN_HP_LR}, {1, 0.3, 0.3}},
        {NN_OPTIM_RMSPROP, {NN_HP_LR, NN_HP_LR, NN_HP_LR}, {0.01, 0.01, 0.01}},
        {NN_OPTIM_RMSPROP, {NN_HP_CENTERED, NN_HP_MOMENTUM, NN_HP_WEIGHT_DECAY}, {1, 0.9, 0.1}},
        {NN_OPTIM_RMSPROP, {NN_HP_CENTERED, NN_HP_MAXIMIZE, NN_HP_ALPHA}, {1, 1, 0.5}},
        {NN_OPTIM_RMSPROP, {NN_HP_MOMENTUM, NN_HP_LR, NN_HP_LR}, {0.5, 0.02, 0.02}},
        {NN_OPTIM_ADAM, {NN_HP_LR, NN_HP_LR, NN_HP_LR}, {0.01, 0.01, 0.01}},
        {NN_OPTIM_ADAM, {NN_HP_AMSGRAD, NN_HP_WEIGHT_DECAY, NN_HP_MAXIMIZE}, {1, 0.1, 1}},
        {NN_OPTIM_ADAMW, {NN_HP_BETA1, NN_HP_BETA2, NN_HP_EPS}, {0.5, 0.6, 1e-3}},
        {NN_OPTIM_ADAMW, {NN_HP_AMSGRAD, NN_HP_WEIGHT_DECAY, NN_HP_LR}, {1, 0.5, 0.2}},
    };
    int failures = 0;
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        nn_net *net = nn_net_create(7, 1, 1);
        nn_add_dense(net, 5, 1); /* 40 parameters */
        nn_add_dense(net, 1, 0); /* and 5: 45 = 4*11 + 1 */
        CHECK_OK(nn_build(net, 1));
        CHECK_OK(nn_set_optimizer(net, configs[c].kind));
        for (int i = 0; i < 3; i++) CHECK_OK(nn_set_hyper(net, configs[c].which[i], configs[c].value[i]));
        size_t n = nn_param_count(net), ns = nn_optim_state_count(net);
        float *p = malloc(n * sizeof(float)), *state = malloc(ns * sizeof(float));
        /* state as a reloaded run might leave it: every slot non-zero (and >= 0, as second moments are) */
        fill(nn_optim_state(net), ns, 77, 0.1f);
        for (size_t i = 0; i < ns; i++) nn_optim_state(net)[i] = fabsf(nn_optim_state(net)[i]);
        memcpy(p, nn_params(net), n * sizeof(float));
        memcpy(state, nn_optim_state(net), ns * sizeof(float));
        int same = 1;
        for (int t = 1; t <= 5; t++) {
            fill(nn_grads(net), n, 100 + t, t == 3 ? 1e-3f : 1.0f);
            nn_optim_update_ref(&net->optim, t, p, nn_grads(net), state, n);
            CHECK_OK(nn_optim_step(net));
            same &= memcmp(p, nn_params(net), n * sizeof(float)) == 0;
            same &= memcmp(state, nn_optim_state(net), ns * sizeof(float)) == 0;
        }
        failures += !same;
        CHECK(same, "optimizer config %zu (kind %d): the vector update differs from the scalar reference", c,
              (int)configs[c].kind);
        /* a NaN gradient (first or last float), then an update that overflows: refused, nothing changed */
        for (int bad = 0; bad < 3; bad++) {
            memcpy(p, nn_params(net), n * sizeof(float));
            memcpy(state, nn_optim_state(net), ns * sizeof(float));
            fill(nn_grads(net), n, 300 + bad, 1.0f);
            if (bad < 2) nn_grads(net)[bad ? n - 1 : 0] = NAN;
            else CHECK_OK(nn_set_hyper(net, NN_HP_LR, 1e39));
            nn_status st = nn_optim_step(net);
            CHECK(st == NN_ERR_NUMERIC, "optimizer config %zu: a %s step was not refused (%d)", c,
                  bad < 2 ? "NaN-gradient" : "overflowing", (int)st);
            CHECK(memcmp(p, nn_params(net), n * sizeof(float)) == 0 &&
                      memcmp(state, nn_optim_state(net), ns * sizeof(float)) == 0,
                  "optimizer config %zu: a refused step changed the weights or the state", c);
        }
        free(p);
        free(state);
        nn_net_free(net);
    }
    printf("  optimizers: %zu configurations x 5 steps, %d differ from the reference\n",
           sizeof configs / sizeof configs[0], failures);
}

int main(void) {
    test_gemm_shapes();
    test_optimizers();
    test_conv_direct();
    test_maxpool();
    return check_summary();
}
