/* test_layers_spatial.c: conv2d, max/avg pool, batch-norm and dropout through the public API:
 * forward against naive references, finite-difference gradients, and shape errors.
 *
 * Build (from the repository root):
 *   gcc -std=c11 -O1 -g -fsanitize=address,undefined -ffp-contract=off -Ic \
 *       tests/c/test_layers_spatial.c c/[a-z]*.c -lm
 *
 * How the gradient checks work: every test net starts with an identity layer,
 * so the gradient reaching layer 0's output (nn_layer_output_grad) is the
 * gradient with respect to the input x. The objective is a fixed random linear
 * functional of the net's output, J = sum_i r_i * out_i, summed in double: the
 * backward pass is fed r by writing it into the last layer's output gradient
 * after nn_loss (which only marks the gradient as present). Compared with a
 * float32 loss this keeps the finite differences' rounding noise at the level
 * of the outputs themselves, and for the linear layers (conv2d, avg-pool,
 * dropout with a fixed mask) the central difference is then exact up to that
 * noise. Inputs and parameters are multiples of 2^-12 and steps are powers of
 * two, so x +- h is exact in float32. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn.h"

/* ---- deterministic test values ---- */

static uint64_t test_rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t test_u32(void) {
    /* splitmix64: independent of the core's PCG so tests do not share its streams */
    uint64_t z = (test_rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* A multiple of 2^-12 in [-scale, scale]: exact in float32, and stays exact when stepped by 2^-8. */
static float test_value(float scale) {
    int k = (int)(test_u32() % 8193u) - 4096;
    return scale * (float)k / 4096.0f;
}

static void fill_values(float *a, size_t n, float scale) {
    for (size_t i = 0; i < n; i++) a[i] = test_value(scale);
}

/* Distinct values spaced 2^-6 apart in shuffled order, so no finite-difference
 * step (2^-8) can change which input wins a max-pool window. */
static void fill_distinct(float *a, size_t n) {
    for (size_t i = 0; i < n; i++) a[i] = ((float)i - (float)(n / 2)) / 64.0f;
    for (size_t i = n; i > 1; i--) {
        size_t j = test_u32() % i;
        float t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* ---- the gradient-check harness ---- */

typedef struct {
    nn_net *net;
    int B;
    int training;
    int reseed;        /* nn_seed(net, seed) before every forward: dropout then draws the same mask */
    uint64_t seed;
    float *x;          /* [B][in size] */
    float *r;          /* [B][out size]: the objective's coefficients */
    int32_t *labels;   /* [B] zeros: nn_loss needs some */
} harness;

static harness harness_make(nn_net *net, int B, int training) {
    harness h = {.net = net, .B = B, .training = training, .reseed = 0, .seed = 1};
    size_t in = (size_t)B * nn_input_size(net), out = (size_t)B * nn_output_size(net);
    h.x = calloc(in, sizeof(float));
    h.r = calloc(out, sizeof(float));
    h.labels = calloc((size_t)B, sizeof(int32_t));
    fill_values(h.x, in, 1.0f);
    fill_values(h.r, out, 1.0f);
    return h;
}

static void harness_free(harness *h) {
    free(h->x);
    free(h->r);
    free(h->labels);
    nn_net_free(h->net);
}

/* J = sum r_i out_i in double; *magnitude gets sum |r_i out_i| (the rounding-noise scale). */
static double objective(harness *h, double *magnitude) {
    if (h->reseed) nn_seed(h->net, h->seed);
    if (nn_forward(h->net, h->x, h->B, h->training) != NN_OK) return NAN;
    const float *out = nn_output(h->net);
    size_t n = (size_t)h->B * nn_output_size(h->net);
    double j = 0.0, m = 0.0;
    for (size_t i = 0; i < n; i++) {
        j += (double)h->r[i] * out[i];
        m += fabs((double)h->r[i] * out[i]);
    }
    if (magnitude) *magnitude = m;
    return j;
}

/* One forward + backward of J; parameter gradients stay in nn_grads, the input
 * gradient is copied into dx ([B][in size]) when dx is not NULL. */
static nn_status analytic_gradients(harness *h, float *dx) {
    nn_zero_grad(h->net);
    if (isnan(objective(h, NULL))) return NN_ERR_INVALID;
    float loss;
    nn_status st = nn_loss(h->net, h->labels, h->B, &loss, NULL);
    if (st != NN_OK && st != NN_ERR_NUMERIC) return st;
    int last = nn_layer_count(h->net) - 1;
    memcpy(nn_layer_output_grad(h->net, last), h->r, (size_t)h->B * nn_output_size(h->net) * sizeof(float));
    st = nn_backward(h->net);
    if (st != NN_OK) return st;
    if (dx) memcpy(dx, nn_layer_output_grad(h->net, 0), (size_t)h->B * nn_input_size(h->net) * sizeof(float));
    return NN_OK;
}

typedef struct {
    int checked, bad;
    double worst; /* largest |analytic - numeric| / (tolerance) seen */
} grad_stats;

/* Compares analytic[i] with finite differences of J in the values target[0..n)
 * (parameters or inputs). The tolerance is an absolute floor from J's rounding
 * noise (float32 outputs, so about 2^-24 * sum |r out| per evaluation, divided
 * by the step) plus rtol relative. Where the left and right one-sided slopes
 * differ (a kink: a max-pool tie being crossed) the analytic value may match
 * either side, as ggml's test-backend-ops accepts. */
static void compare_fd(harness *h, float *target, const float *analytic, size_t n, float step, double rtol,
                       const char *what, grad_stats *gs) {
    double magnitude;
    double mid = objective(h, &magnitude);
    double noise = 4.0 * magnitude * ldexp(1.0, -24) / step + 1e-6;
    for (size_t i = 0; i < n; i++) {
        float saved = target[i];
        target[i] = saved + step;
        double up = objective(h, NULL);
        target[i] = saved - step;
        double down = objective(h, NULL);
        target[i] = saved;
        double central = (up - down) / (2.0 * step);
        double right = (up - mid) / step, left = (mid - down) / step;
        double a = analytic[i];
        double tol = noise + rtol * fmax(fabs(a), fabs(central));
        double err = fabs(a - central);
        int ok = err <= tol;
        if (!ok && fabs(right - left) > 2.0 * tol) {
            double side = fmin(fabs(a - right), fabs(a - left));
            ok = side <= noise + rtol * fabs(a);
            if (ok) err = side;
        }
        gs->checked++;
        if (err / tol > gs->worst) gs->worst = err / tol;
        if (!ok) {
            if (gs->bad < 5)
                printf("  %s[%zu]: analytic %.7g numeric %.7g (left %.7g right %.7g, tol %.2g)\n", what, i, a,
                       central, left, right, tol);
            gs->bad++;
        }
    }
}

/* Gradient check of layer `layer`'s weight and bias and of the input. */
static void gradcheck(harness *h, int layer, float step, double rtol, const char *name) {
    nn_net *net = h->net;
    size_t in = (size_t)h->B * nn_input_size(net);
    size_t np = nn_param_count(net);
    float *dx = malloc(in * sizeof(float));
    float *grads = malloc((np ? np : 1) * sizeof(float));
    nn_status st = analytic_gradients(h, dx);
    CHECK(st == NN_OK, "%s: backward failed: %s", name, nn_last_error());
    if (st != NN_OK) {
        free(dx);
        free(grads);
        return;
    }
    memcpy(grads, nn_grads(net), np * sizeof(float));
    grad_stats gs = {0};
    static const nn_param_role roles[2] = {NN_PARAM_WEIGHT, NN_PARAM_BIAS};
    static const char *const role_names[2] = {"weight", "bias"};
    for (int r = 0; r < 2; r++) {
        size_t off = nn_layer_param_offset(net, layer, roles[r]);
        size_t count = nn_layer_param_count(net, layer, roles[r]);
        if (!count) continue;
        char what[96];
        snprintf(what, sizeof what, "%s d%s", name, role_names[r]);
        grad_stats one = {0};
        compare_fd(h, nn_params(net) + off, grads + off, count, step, rtol, what, &one);
        CHECK(one.bad == 0, "%s: %d of %d gradients disagree with finite differences", what, one.bad, one.checked);
        gs.checked += one.checked;
        gs.bad += one.bad;
        gs.worst = fmax(gs.worst, one.worst);
    }
    char what[96];
    snprintf(what, sizeof what, "%s dinput", name);
    grad_stats one = {0};
    compare_fd(h, h->x, dx, in, step, rtol, what, &one);
    CHECK(one.bad == 0, "%s: %d of %d gradients disagree with finite differences", what, one.bad, one.checked);
    gs.checked += one.checked;
    gs.worst = fmax(gs.worst, one.worst);
    printf("  %-44s %5d gradients, worst error %.2f of tolerance\n", name, gs.checked, gs.worst);
    free(dx);
    free(grads);
}

/* ---- naive references ---- */

static int out_dim(int size, int kernel, int stride, int padding) { return (size + 2 * padding - kernel) / stride + 1; }

/* x [B][C][H][W], w [OC][C][k][k], bias [OC] or NULL -> y [B][OC][OH][OW], in double */
static void naive_conv2d(const float *x, int B, int C, int H, int W, const float *w, const float *bias, int OC,
                         int k, int s, int p, double *y) {
    int OH = out_dim(H, k, s, p), OW = out_dim(W, k, s, p);
    for (int b = 0; b < B; b++)
        for (int oc = 0; oc < OC; oc++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    double acc = bias ? bias[oc] : 0.0;
                    for (int c = 0; c < C; c++)
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * s - p + ky, ix = ox * s - p + kx;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                                acc += (double)w[((oc * C + c) * k + ky) * k + kx] *
                                       x[((b * C + c) * H + iy) * W + ix];
                            }
                    y[((b * OC + oc) * OH + oy) * OW + ox] = acc;
                }
}

/* x [B][C][H][W] -> y [B][C][OH][OW]; max ignores padding, avg divides by k*k (count_include_pad) */
static void naive_pool(int is_max, const float *x, int B, int C, int H, int W, int k, int s, int p, double *y) {
    int OH = out_dim(H, k, s, p), OW = out_dim(W, k, s, p);
    for (int bc = 0; bc < B * C; bc++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                double acc = is_max ? -INFINITY : 0.0;
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        int iy = oy * s - p + ky, ix = ox * s - p + kx;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        double v = x[(bc * H + iy) * W + ix];
                        acc = is_max ? fmax(acc, v) : acc + v;
                    }
                y[(bc * OH + oy) * OW + ox] = is_max ? acc : acc / (k * k);
            }
}

/* Largest |got - want| / (atol + rtol |want|) over n values. */
static double worst_ratio(const float *got, const double *want, size_t n, double atol, double rtol) {
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - want[i]) / (atol + rtol * fabs(want[i]));
        if (!(e <= worst)) worst = e; /* NaN counts as the worst */
    }
    return worst;
}

/* ---- conv2d ---- */

static void test_conv2d_case(int C, int H, int W, int OC, int k, int s, int p, int bias, int B) {
    char name[96];
    snprintf(name, sizeof name, "conv2d %dx%dx%d->%d k%d s%d p%d%s B%d", C, H, W, OC, k, s, p, bias ? "" : " nobias", B);
    nn_net *net = nn_net_create(C, H, W);
    CHECK(net != NULL, "%s: create: %s", name, nn_last_error());
    if (!net) return;
    CHECK_OK(nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    CHECK_OK(nn_add_conv2d(net, OC, k, s, p, bias));
    CHECK_OK(nn_add_flatten(net));
    CHECK_OK(nn_build(net, B));
    nn_seed(net, 42);
    CHECK_OK(nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU));
    int OH = out_dim(H, k, s, p), OW = out_dim(W, k, s, p);
    int shape[3];
    nn_layer_out_shape(net, 1, shape);
    CHECK(shape[0] == OC && shape[1] == OH && shape[2] == OW, "%s: out shape %dx%dx%d, want %dx%dx%d", name,
          shape[0], shape[1], shape[2], OC, OH, OW);
    CHECK(nn_layer_param_count(net, 1, NN_PARAM_WEIGHT) == (size_t)OC * C * k * k, "%s: weight count", name);
    CHECK(nn_layer_param_count(net, 1, NN_PARAM_BIAS) == (size_t)(bias ? OC : 0), "%s: bias count", name);
    /* values on the 2^-12 grid, so finite-difference steps stay exact */
    float *w = nn_params(net) + nn_layer_param_offset(net, 1, NN_PARAM_WEIGHT);
    fill_values(w, (size_t)OC * C * k * k, 0.5f);
    float *b = bias ? nn_params(net) + nn_layer_param_offset(net, 1, NN_PARAM_BIAS) : NULL;
    if (b) fill_values(b, (size_t)OC, 0.5f);

    harness h = harness_make(net, B, 1);
    size_t out_n = (size_t)B * OC * OH * OW;
    double *want = malloc(out_n * sizeof(double));
    naive_conv2d(h.x, B, C, H, W, w, b, OC, k, s, p, want);
    CHECK_OK(nn_forward(net, h.x, B, 1));
    /* float32 sums of up to C*k*k products of values <= 1 */
    double ratio = worst_ratio(nn_layer_output(net, 1), want, out_n, 1e-5 * C * k * k, 1e-5);
    CHECK(ratio <= 1.0, "%s: forward differs from the naive convolution (worst %.3g of tolerance)", name, ratio);
    free(want);

    gradcheck(&h, 1, 1.0f / 256.0f, 1e-3, name);
    harness_free(&h);
}

/* A batch smaller than the one built for, and backward accumulating (+=) on a second call. */
static void test_conv2d_accumulates(void) {
    nn_net *net = nn_net_create(2, 6, 5);
    CHECK_OK(nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    CHECK_OK(nn_add_conv2d(net, 3, 3, 1, 1, 1));
    CHECK_OK(nn_build(net, 4));
    nn_seed(net, 3);
    nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU);
    harness h = harness_make(net, 3, 1);
    size_t np = nn_param_count(net), in = (size_t)3 * nn_input_size(net);
    float *once = malloc(np * sizeof(float));
    float *dx = malloc(in * sizeof(float));
    CHECK_OK(analytic_gradients(&h, dx));
    memcpy(once, nn_grads(net), np * sizeof(float));
    /* a second backward over the same forward without zeroing: parameter grads
     * double. Not bit for bit: the GEMM adds each product onto the running
     * value (g + p0 + p1 ...), not a separate sum onto g. */
    CHECK_OK(nn_backward(net));
    const float *twice = nn_grads(net);
    float largest = 0.0f;
    for (size_t i = 0; i < np; i++) largest = fmaxf(largest, fabsf(once[i]));
    int bad = 0;
    for (size_t i = 0; i < np; i++) bad += fabsf(twice[i] - 2.0f * once[i]) > 1e-5f * largest;
    CHECK(bad == 0, "conv2d: %d gradients did not accumulate across two backward calls", bad);
    /* the input gradient is rebuilt (the net zeroes it), so it must equal the first one */
    bad = 0;
    for (size_t i = 0; i < in; i++) bad += nn_layer_output_grad(net, 0)[i] != dx[i];
    CHECK(bad == 0, "conv2d: input gradient changed between two identical backward calls (%d values)", bad);
    free(once);
    free(dx);
    harness_free(&h);
}

/* conv2d as the first layer (no input gradient to write), in a stack with pooling and dense. */
static void test_conv2d_stack(void) {
    nn_net *net = nn_net_create(1, 9, 8);
    CHECK_OK(nn_add_conv2d(net, 4, 3, 1, 1, 1));
    CHECK_OK(nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0));
    CHECK_OK(nn_add_conv2d(net, 3, 2, 1, 0, 0));
    CHECK_OK(nn_add_pool(net, NN_LAYER_AVGPOOL, 2, 1, 1));
    CHECK_OK(nn_add_flatten(net));
    CHECK_OK(nn_add_dense(net, 5, 1));
    CHECK_OK(nn_build(net, 2));
    nn_seed(net, 11);
    CHECK_OK(nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU));
    int shape[3];
    nn_layer_out_shape(net, 3, shape);
    CHECK(shape[0] == 3 && shape[1] == 4 && shape[2] == 4, "stack: avgpool out %dx%dx%d, want 3x4x4", shape[0],
          shape[1], shape[2]);
    fill_values(nn_params(net), nn_param_count(net), 0.5f);
    harness h = harness_make(net, 2, 1);
    fill_distinct(h.x, (size_t)2 * 9 * 8); /* keeps the max-pool away from ties */
    nn_status st = analytic_gradients(&h, NULL);
    CHECK(st == NN_OK, "stack: backward: %s", nn_last_error());
    size_t np = nn_param_count(net);
    float *grads = malloc(np * sizeof(float));
    memcpy(grads, nn_grads(net), np * sizeof(float));
    grad_stats gs = {0};
    /* the max-pool winners can still change when a weight moves; either side is accepted then */
    compare_fd(&h, nn_params(net), grads, np, 1.0f / 256.0f, 2e-3, "stack params", &gs);
    CHECK(gs.bad == 0, "stack (conv first, no input gradient): %d of %d gradients disagree", gs.bad, gs.checked);
    printf("  %-44s %5d gradients, worst error %.2f of tolerance\n", "conv-maxpool-conv-avgpool-dense", gs.checked,
           gs.worst);
    free(grads);
    harness_free(&h);
}

static void test_conv2d(void) {
    printf("conv2d\n");
    test_conv2d_case(3, 7, 5, 5, 3, 1, 1, 1, 3);
    test_conv2d_case(3, 7, 5, 5, 3, 2, 0, 1, 2);
    test_conv2d_case(3, 7, 5, 5, 2, 2, 1, 0, 3);
    test_conv2d_case(3, 7, 5, 5, 1, 1, 0, 1, 3);  /* pointwise: the column matrix is the input */
    test_conv2d_case(3, 7, 5, 5, 1, 2, 0, 1, 2);  /* 1x1 with stride: not pointwise */
    test_conv2d_case(3, 7, 5, 5, 5, 3, 2, 1, 2);
    test_conv2d_case(3, 7, 5, 5, 4, 1, 0, 1, 2);
    test_conv2d_case(2, 5, 5, 3, 7, 1, 1, 1, 2);  /* kernel as large as the padded input: 1x1 output */
    test_conv2d_case(1, 6, 6, 1, 3, 1, 4, 1, 1);  /* padding beyond the kernel: border outputs are bias only */
    test_conv2d_case(2, 12, 11, 9, 3, 1, 1, 1, 2); /* wide enough for every GEMM register block and tail */
    test_conv2d_accumulates();
    test_conv2d_stack();
}

/* ---- pooling ---- */

static void test_pool_case(nn_layer_kind kind, int C, int H, int W, int k, int s, int p, int B) {
    int is_max = kind == NN_LAYER_MAXPOOL;
    char name[96];
    snprintf(name, sizeof name, "%s %dx%dx%d k%d s%d p%d B%d", is_max ? "maxpool" : "avgpool", C, H, W, k, s, p, B);
    nn_net *net = nn_net_create(C, H, W);
    CHECK_OK(nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    CHECK_OK(nn_add_pool(net, kind, k, s, p));
    CHECK_OK(nn_build(net, B));
    int OH = out_dim(H, k, s, p), OW = out_dim(W, k, s, p);
    int shape[3];
    nn_layer_out_shape(net, 1, shape);
    CHECK(shape[0] == C && shape[1] == OH && shape[2] == OW, "%s: out shape %dx%dx%d, want %dx%dx%d", name, shape[0],
          shape[1], shape[2], C, OH, OW);
    harness h = harness_make(net, B, 1);
    if (is_max) fill_distinct(h.x, (size_t)B * C * H * W);
    size_t out_n = (size_t)B * C * OH * OW;
    double *want = malloc(out_n * sizeof(double));
    naive_pool(is_max, h.x, B, C, H, W, k, s, p, want);
    CHECK_OK(nn_forward(net, h.x, B, 1));
    double ratio = worst_ratio(nn_layer_output(net, 1), want, out_n, is_max ? 1e-12 : 1e-6, is_max ? 0.0 : 1e-6);
    CHECK(ratio <= 1.0, "%s: forward differs from the naive pooling (worst %.3g of tolerance)", name, ratio);
    free(want);
    gradcheck(&h, 1, 1.0f / 256.0f, 1e-3, name);
    harness_free(&h);
}

/* Ties: the gradient goes to the first maximum in row-major scan order, as
 * torch's CPU kernel does, and a finite difference across the tie matches one
 * side of the kink. */
static void test_maxpool_ties(void) {
    nn_net *net = nn_net_create(1, 4, 4);
    CHECK_OK(nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    CHECK_OK(nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0));
    CHECK_OK(nn_build(net, 1));
    harness h = harness_make(net, 1, 1);
    /* window (0,0): all four equal; (0,1): the two right ones tie; (1,0): bottom row ties; (1,1): one max */
    const float x[16] = {0.5f, 0.5f, 0.25f, 0.75f,  /* */
                         0.5f, 0.5f, 0.25f, 0.75f,  /* */
                         0.0f, -1.0f, 1.0f, 0.125f, /* */
                         0.25f, 0.25f, 0.5f, 0.25f};
    memcpy(h.x, x, sizeof x);
    for (int i = 0; i < 4; i++) h.r[i] = 1.0f;
    float dx[16];
    CHECK_OK(analytic_gradients(&h, dx));
    const float out_want[4] = {0.5f, 0.75f, 0.25f, 1.0f};
    const float dx_want[16] = {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0};
    int bad = 0;
    for (int i = 0; i < 4; i++) bad += nn_output(net)[i] != out_want[i];
    CHECK(bad == 0, "maxpool ties: forward picked wrong values");
    bad = 0;
    for (int i = 0; i < 16; i++) bad += dx[i] != dx_want[i];
    CHECK(bad == 0, "maxpool ties: the gradient did not go to the first maximum in scan order (%d wrong)", bad);
    grad_stats gs = {0};
    compare_fd(&h, h.x, dx, 16, 1.0f / 256.0f, 1e-3, "maxpool ties dinput", &gs);
    CHECK(gs.bad == 0, "maxpool ties: %d of 16 input gradients match neither side of the kink", gs.bad);
    harness_free(&h);
}

static void test_pools(void) {
    printf("pooling\n");
    static const nn_layer_kind kinds[2] = {NN_LAYER_MAXPOOL, NN_LAYER_AVGPOOL};
    for (int i = 0; i < 2; i++) {
        test_pool_case(kinds[i], 3, 7, 5, 2, 2, 0, 2); /* odd sizes: the last row and column are dropped */
        test_pool_case(kinds[i], 3, 7, 5, 3, 2, 1, 2);
        test_pool_case(kinds[i], 2, 6, 7, 3, 1, 1, 2); /* overlapping windows */
        test_pool_case(kinds[i], 2, 5, 5, 2, 1, 1, 1); /* padding = kernel/2 for an even kernel */
        test_pool_case(kinds[i], 1, 9, 4, 4, 3, 2, 3);
        test_pool_case(kinds[i], 6, 1, 1, 1, 1, 0, 2); /* flat features, 1x1 window */
    }
    test_maxpool_ties();
}

/* ---- batch-norm ---- */

/* Sets gamma, beta and the running statistics to distinct values so nothing hides behind 1 and 0. */
static void batchnorm_fill(nn_net *net, int layer, int C) {
    float *g = nn_params(net) + nn_layer_param_offset(net, layer, NN_PARAM_WEIGHT);
    float *b = nn_params(net) + nn_layer_param_offset(net, layer, NN_PARAM_BIAS);
    for (int c = 0; c < C; c++) {
        g[c] = 0.5f + (float)(test_u32() % 2048u) / 2048.0f;
        b[c] = test_value(0.5f);
    }
}

static void test_batchnorm_case(int C, int H, int W, int B) {
    char name[96];
    snprintf(name, sizeof name, "batchnorm%s %dx%dx%d B%d", H * W == 1 ? "1d" : "2d", C, H, W, B);
    const float eps = 1e-5f, momentum = 0.1f;
    nn_net *net = nn_net_create(C, H, W);
    CHECK_OK(nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    CHECK_OK(nn_add_batchnorm(net, eps, momentum));
    CHECK_OK(nn_add_flatten(net));
    CHECK_OK(nn_build(net, B));
    CHECK(nn_layer_param_count(net, 1, NN_PARAM_WEIGHT) == (size_t)C &&
              nn_layer_param_count(net, 1, NN_PARAM_BIAS) == (size_t)C,
          "%s: gamma and beta should have %d values each", name, C);
    CHECK(nn_buffer_count(net) == 2 * (size_t)C, "%s: %zu buffers, want %d", name, nn_buffer_count(net), 2 * C);
    batchnorm_fill(net, 1, C);
    const float *g = nn_params(net) + nn_layer_param_offset(net, 1, NN_PARAM_WEIGHT);
    const float *beta = nn_params(net) + nn_layer_param_offset(net, 1, NN_PARAM_BIAS);
    float *running = nn_buffers(net) + nn_layer_buffer_offset(net, 1);
    CHECK(running[0] == 0.0f && running[C] == 1.0f, "%s: running stats should start at 0 and 1", name);

    harness h = harness_make(net, B, 1);
    /* a per-channel offset and scale, so the statistics are not all near 0 and 1 */
    const int hw = H * W;
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++)
            for (int i = 0; i < hw; i++) {
                float *v = &h.x[((size_t)b * C + c) * hw + i];
                *v = *v * (float)(1 + c % 3) + (float)(c % 4) * 0.5f;
            }
    /* the reference: batch mean, biased variance for normalising, unbiased for the running variance */
    size_t n = (size_t)B * C * hw;
    double *want = malloc(n * sizeof(double));
    double *mean = calloc((size_t)C, sizeof(double)), *var = calloc((size_t)C, sizeof(double));
    double count = (double)B * hw;
    for (int c = 0; c < C; c++) {
        for (int b = 0; b < B; b++)
            for (int i = 0; i < hw; i++) mean[c] += h.x[((size_t)b * C + c) * hw + i];
        mean[c] /= count;
        for (int b = 0; b < B; b++)
            for (int i = 0; i < hw; i++) {
                double d = h.x[((size_t)b * C + c) * hw + i] - mean[c];
                var[c] += d * d;
            }
        var[c] /= count;
        for (int b = 0; b < B; b++)
            for (int i = 0; i < hw; i++) {
                size_t at = ((size_t)b * C + c) * hw + i;
                want[at] = (h.x[at] - mean[c]) / sqrt(var[c] + eps) * g[c] + beta[c];
            }
    }
    CHECK_OK(nn_forward(net, h.x, B, 1));
    double ratio = worst_ratio(nn_layer_output(net, 1), want, n, 1e-5, 1e-5);
    CHECK(ratio <= 1.0, "%s: training forward differs from the reference (worst %.3g of tolerance)", name, ratio);
    int bad = 0;
    for (int c = 0; c < C; c++) {
        double rm = momentum * mean[c], rv = (1.0 - momentum) + momentum * var[c] * count / (count - 1.0);
        bad += fabs(running[c] - rm) > 1e-5 * (1.0 + fabs(rm)) || fabs(running[C + c] - rv) > 1e-5 * (1.0 + rv);
    }
    CHECK(bad == 0, "%s: running mean/var after one step differ from torch's update in %d channels", name, bad);

    /* eval: the running statistics, fixed; set them to something unlike the batch */
    for (int c = 0; c < C; c++) {
        running[c] = test_value(1.0f);
        running[C + c] = 0.25f + (float)(test_u32() % 1024u) / 512.0f;
    }
    float saved_rm = running[0], saved_rv = running[C];
    CHECK_OK(nn_forward(net, h.x, B, 0));
    for (int c = 0; c < C; c++)
        for (int b = 0; b < B; b++)
            for (int i = 0; i < hw; i++) {
                size_t at = ((size_t)b * C + c) * hw + i;
                want[at] = (h.x[at] - running[c]) / sqrt((double)running[C + c] + eps) * g[c] + beta[c];
            }
    ratio = worst_ratio(nn_layer_output(net, 1), want, n, 1e-5, 1e-5);
    CHECK(ratio <= 1.0, "%s: eval forward differs from the reference (worst %.3g of tolerance)", name, ratio);
    CHECK(running[0] == saved_rm && running[C] == saved_rv, "%s: eval forward changed the running stats", name);
    free(want);
    free(mean);
    free(var);

    /* the gradient through the batch statistics: smooth but not linear, so a smaller step */
    gradcheck(&h, 1, 1.0f / 1024.0f, 5e-3, name);
    char eval_name[112];
    snprintf(eval_name, sizeof eval_name, "%s eval", name);
    h.training = 0;
    gradcheck(&h, 1, 1.0f / 256.0f, 1e-3, eval_name);
    harness_free(&h);
}

static void test_batchnorm(void) {
    printf("batch-norm\n");
    test_batchnorm_case(6, 1, 1, 5);  /* BatchNorm1d */
    test_batchnorm_case(7, 1, 1, 2);  /* two samples: the smallest batch torch trains on */
    test_batchnorm_case(3, 4, 5, 3);  /* BatchNorm2d */
    test_batchnorm_case(2, 3, 3, 1);  /* one sample, nine values per channel */
}

/* ---- dropout ---- */

static void test_dropout(void) {
    printf("dropout\n");
    const int C = 2, H = 5, W = 7, B = 4;
    const float p = 0.3f;
    nn_net *net = nn_net_create(C, H, W);
    CHECK_OK(nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    CHECK_OK(nn_add_dropout(net, p));
    CHECK_OK(nn_build(net, B));
    harness h = harness_make(net, B, 1);
    size_t n = (size_t)B * C * H * W;
    for (size_t i = 0; i < n; i++)
        if (h.x[i] == 0.0f) h.x[i] = 0.125f; /* a dropped value must be told apart from a zero input */
    const float scale = 1.0f / (1.0f - p);

    nn_seed(net, 5);
    float *dx = malloc(n * sizeof(float)), *first = malloc(n * sizeof(float));
    h.reseed = 1;
    h.seed = 5;
    CHECK_OK(analytic_gradients(&h, dx));
    const float *out = nn_output(net);
    int kept = 0, bad = 0, bad_grad = 0;
    for (size_t i = 0; i < n; i++) {
        int keep = out[i] != 0.0f;
        kept += keep;
        bad += keep ? out[i] != h.x[i] * scale : 0;
        /* backward must apply exactly the forward's mask */
        bad_grad += dx[i] != (keep ? h.r[i] * scale : 0.0f);
    }
    memcpy(first, out, n * sizeof(float));
    CHECK(bad == 0, "dropout: %d kept values are not x/(1-p)", bad);
    CHECK(bad_grad == 0, "dropout: %d input gradients do not follow the mask", bad_grad);
    double kept_share = (double)kept / (double)n;
    /* 280 draws at 0.7: a 4-sigma band */
    CHECK(kept_share > 0.59 && kept_share < 0.81, "dropout: kept %.3f of the values, want about %.2f", kept_share,
          1.0 - p);
    printf("  dropout p=%.1f kept %d of %zu\n", (double)p, kept, n);

    /* the same seed gives the same mask; a new draw (no reseed) a different one */
    nn_seed(net, 5);
    CHECK_OK(nn_forward(net, h.x, B, 1));
    CHECK(memcmp(first, nn_output(net), n * sizeof(float)) == 0, "dropout: the same seed gave a different mask");
    CHECK_OK(nn_forward(net, h.x, B, 1));
    CHECK(memcmp(first, nn_output(net), n * sizeof(float)) != 0, "dropout: two draws gave the same mask");

    /* with the mask fixed by reseeding, dropout is linear: finite differences agree */
    gradcheck(&h, 1, 1.0f / 256.0f, 1e-3, "dropout p=0.3 fixed mask");

    /* eval: identity, and the gradient passes through untouched */
    h.training = 0;
    h.reseed = 0;
    CHECK_OK(analytic_gradients(&h, dx));
    CHECK(memcmp(nn_output(net), h.x, n * sizeof(float)) == 0, "dropout: eval forward is not the identity");
    CHECK(memcmp(dx, h.r, n * sizeof(float)) == 0, "dropout: eval backward is not the identity");
    harness_free(&h);
    free(first);

    /* p = 0 keeps everything; p = 1 drops everything without NaN */
    static const float ps[2] = {0.0f, 1.0f};
    for (int t = 0; t < 2; t++) {
        net = nn_net_create(3, 1, 1);
        CHECK_OK(nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
        CHECK_OK(nn_add_dropout(net, ps[t]));
        CHECK_OK(nn_build(net, 3));
        h = harness_make(net, 3, 1);
        CHECK_OK(analytic_gradients(&h, dx));
        bad = 0;
        for (int i = 0; i < 9; i++) {
            float want = ps[t] == 0.0f ? h.x[i] : 0.0f, want_dx = ps[t] == 0.0f ? h.r[i] : 0.0f;
            bad += nn_output(net)[i] != want || dx[i] != want_dx;
        }
        CHECK(bad == 0, "dropout p=%g: %d values wrong in forward or backward", (double)ps[t], bad);
        harness_free(&h);
    }
    free(dx);
}

/* ---- errors ---- */

static int add_conv_k7(nn_net *n) { return nn_add_conv2d(n, 2, 7, 1, 0, 1); }
static int add_conv_k7_p1(nn_net *n) { return nn_add_conv2d(n, 2, 7, 1, 1, 1); }
static int add_conv_s0(nn_net *n) { return nn_add_conv2d(n, 2, 3, 0, 0, 1); }
static int add_conv_pneg(nn_net *n) { return nn_add_conv2d(n, 2, 3, 1, -1, 1); }
static int add_conv_k0(nn_net *n) { return nn_add_conv2d(n, 2, 0, 1, 0, 1); }
static int add_conv_units0(nn_net *n) { return nn_add_conv2d(n, 0, 3, 1, 0, 1); }
static int add_conv_huge_padding(nn_net *n) { return nn_add_conv2d(n, 1, 1, 1 << 30, 1 << 30, 1); }
static int add_max_p2(nn_net *n) { return nn_add_pool(n, NN_LAYER_MAXPOOL, 3, 1, 2); }
static int add_avg_p2(nn_net *n) { return nn_add_pool(n, NN_LAYER_AVGPOOL, 2, 2, 2); }
static int add_max_k9(nn_net *n) { return nn_add_pool(n, NN_LAYER_MAXPOOL, 9, 1, 0); }
static int add_avg_s0(nn_net *n) { return nn_add_pool(n, NN_LAYER_AVGPOOL, 2, 0, 0); }
static int add_max_pneg(nn_net *n) { return nn_add_pool(n, NN_LAYER_MAXPOOL, 2, 2, -1); }
static int add_drop_big(nn_net *n) { return nn_add_dropout(n, 1.5f); }
static int add_drop_neg(nn_net *n) { return nn_add_dropout(n, -0.1f); }
static int add_drop_nan(nn_net *n) { return nn_add_dropout(n, NAN); }
static int add_bn_eps0(nn_net *n) { return nn_add_batchnorm(n, 0.0f, 0.1f); }
static int add_bn_momentum(nn_net *n) { return nn_add_batchnorm(n, 1e-5f, 2.0f); }

/* Adds an identity layer then the bad one (so it is layer 1) and checks the
 * status and that the message names the layer, the kind and each given word. */
static void expect_error(int c, int h, int w, int (*add)(nn_net *), nn_status status, const char *const *words) {
    nn_net *net = nn_net_create(c, h, w);
    CHECK(net != NULL, "create %dx%dx%d: %s", c, h, w, nn_last_error());
    if (!net) return;
    nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f);
    nn_status st = (nn_status)add(net);
    const char *msg = nn_last_error();
    int named = strstr(msg, "layer 1") != NULL;
    for (const char *const *word = words; *word; word++) named = named && strstr(msg, *word) != NULL;
    CHECK(st == status && named, "want status %d and a message naming layer 1, %s...; got status %d: \"%s\"",
          (int)status, words[0], (int)st, msg);
    printf("  %d: %s\n", (int)st, msg);
    /* the net stays usable: the bad layer was not added */
    CHECK(nn_layer_count(net) == 1, "a rejected layer was added anyway");
    CHECK(nn_build(net, 2) == NN_OK, "the net cannot be built after a rejected layer: %s", nn_last_error());
    nn_net_free(net);
}

static void test_errors(void) {
    printf("errors\n");
    expect_error(1, 4, 4, add_conv_k7, NN_ERR_SHAPE, (const char *const[]){"conv2d", "kernel 7", "4x4", NULL});
    expect_error(3, 5, 4, add_conv_k7_p1, NN_ERR_SHAPE, (const char *const[]){"conv2d", "kernel 7", "7x6", NULL});
    expect_error(1, 8, 8, add_conv_s0, NN_ERR_INVALID, (const char *const[]){"conv2d", "stride", NULL});
    expect_error(1, 8, 8, add_conv_pneg, NN_ERR_INVALID, (const char *const[]){"conv2d", "padding", "-1", NULL});
    expect_error(1, 8, 8, add_conv_k0, NN_ERR_INVALID, (const char *const[]){"conv2d", "kernel", NULL});
    expect_error(1, 8, 8, add_conv_units0, NN_ERR_INVALID, (const char *const[]){"conv2d", "out_channels", NULL});
    expect_error(1, 4, 4, add_conv_huge_padding, NN_ERR_SHAPE, (const char *const[]){"conv2d", "padding", "2^31", NULL});
    expect_error(1, 8, 8, add_max_p2, NN_ERR_INVALID, (const char *const[]){"maxpool", "padding 2", "kernel 3", NULL});
    expect_error(1, 8, 8, add_avg_p2, NN_ERR_INVALID, (const char *const[]){"avgpool", "padding 2", "kernel 2", NULL});
    expect_error(2, 8, 5, add_max_k9, NN_ERR_SHAPE, (const char *const[]){"maxpool", "kernel 9", "8x5", NULL});
    expect_error(1, 8, 8, add_avg_s0, NN_ERR_INVALID, (const char *const[]){"avgpool", "stride", NULL});
    expect_error(1, 8, 8, add_max_pneg, NN_ERR_INVALID, (const char *const[]){"maxpool", "padding", NULL});
    expect_error(4, 1, 1, add_drop_big, NN_ERR_INVALID, (const char *const[]){"dropout", "1.5", NULL});
    expect_error(4, 1, 1, add_drop_neg, NN_ERR_INVALID, (const char *const[]){"dropout", "-0.1", NULL});
    expect_error(4, 1, 1, add_drop_nan, NN_ERR_INVALID, (const char *const[]){"dropout", "p", NULL});
    expect_error(4, 1, 1, add_bn_eps0, NN_ERR_INVALID, (const char *const[]){"batchnorm", "eps", NULL});
    expect_error(4, 1, 1, add_bn_momentum, NN_ERR_INVALID, (const char *const[]){"batchnorm", "momentum", NULL});

    /* absurd sizes: counts past 2^31 are refused with a message, never wrapped */
    nn_net *net = nn_net_create(1, 4096, 4096);
    nn_status st = nn_add_conv2d(net, 512, 1, 1, 0, 1);
    CHECK(st != NN_OK && strstr(nn_last_error(), "conv2d"), "conv2d 512 x 4096x4096 output: status %d \"%s\"",
          (int)st, nn_last_error());
    printf("  %d: %s\n", (int)st, nn_last_error());
    nn_net_free(net);
    net = nn_net_create(65536, 16, 16);
    st = nn_add_conv2d(net, 65536, 3, 16, 1, 1);
    CHECK(st == NN_ERR_SHAPE && strstr(nn_last_error(), "weight"), "conv2d 65536x65536x3x3 weight: status %d \"%s\"",
          (int)st, nn_last_error());
    printf("  %d: %s\n", (int)st, nn_last_error());
    nn_net_free(net);
}

int main(void) {
    test_conv2d();
    test_pools();
    test_batchnorm();
    test_dropout();
    test_errors();
    return check_summary();
}
