/* test_threads.c: training splits every piece of a step over threads (products and convolutions
 * by output block; pooling, activations, batch norm, the optimizer and the gather by ranges), so
 * the weights after STEPS steps are the same bits for 1, 2, 3 and 4 threads; the split products
 * match the reference at shapes that cut panels and rows unevenly; the optimizer's NaN/Inf guard
 * keeps every weight whichever part fails; a job cut into more parts than threads runs each part
 * once. With nn_par_set_min_work(1) even the small shapes
 * here are cut as finely as the threads allow, ranges that do not divide evenly included. Under
 * the sanitizers 4 threads on a 2-core machine run some 50 times slower than the wasm build, so
 * this native check keeps 20 steps of batch 16 (W3's shapes: 4 steps of 64);
 * tests/web/engine/threads.test.js runs the 100 steps. */
#include <stdint.h>

#include "../../c/gemm.h"
#include "../../c/parallel.h"
#include "../../c/rng.h"
#include "check.h"

enum { STEPS = 20, BATCH = 16, SAMPLES = 1024 };

static nn_net *mlp(void) {
    nn_net *net = nn_net_create(1, 28, 28);
    nn_add_flatten(net);
    nn_add_dense(net, 128, 1);
    nn_add_activation(net, NN_LAYER_RELU, 0);
    nn_add_dense(net, 10, 1);
    return net;
}

static nn_net *cnn(void) {
    nn_net *net = nn_net_create(1, 28, 28);
    nn_add_conv2d(net, 8, 5, 1, 2, 1);
    nn_add_activation(net, NN_LAYER_RELU, 0);
    nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
    nn_add_conv2d(net, 16, 3, 1, 1, 1);
    nn_add_batchnorm(net, 1e-5f, 0.1f);
    nn_add_activation(net, NN_LAYER_RELU, 0);
    nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
    nn_add_flatten(net);
    nn_add_dense(net, 10, 1);
    return net;
}

/* W3 (web/experiments/cnn-bn.json): three times conv 3x3 (8, 16, 32), batch norm, ReLU, max-pool 2. */
static nn_net *w3(void) {
    nn_net *net = nn_net_create(1, 28, 28);
    for (int c = 8; c <= 32; c *= 2) {
        nn_add_conv2d(net, c, 3, 1, 1, 1);
        nn_add_batchnorm(net, 1e-5f, 0.1f);
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
    }
    nn_add_flatten(net);
    nn_add_dense(net, 10, 1);
    return net;
}

/* Every kind that splits, at sizes no thread count divides: a 3x13x11 input (3 channels: a
 * weight gradient cut by taps on 4 threads, by channels on 2 and 3), odd planes, the general
 * pooling loops, each activation, a pointwise and a stride-2 convolution (im2col), batch norm
 * 2d and 1d, dropout. */
static nn_net *odd(void) {
    nn_net *net = nn_net_create(3, 13, 11);
    nn_add_conv2d(net, 5, 3, 1, 1, 1);           /* 5x13x11 */
    nn_add_batchnorm(net, 1e-5f, 0.1f);
    nn_add_activation(net, NN_LAYER_TANH, 0);
    nn_add_pool(net, NN_LAYER_AVGPOOL, 3, 2, 1); /* 5x7x6 */
    nn_add_conv2d(net, 7, 2, 1, 0, 1);           /* 7x6x5 */
    nn_add_activation(net, NN_LAYER_SWISH, 0);
    nn_add_pool(net, NN_LAYER_MAXPOOL, 3, 2, 1); /* 7x3x3 */
    nn_add_activation(net, NN_LAYER_LEAKY_RELU, 0.1f);
    nn_add_conv2d(net, 6, 1, 1, 0, 0);           /* pointwise: 6x3x3 */
    nn_add_activation(net, NN_LAYER_ELU, 1.0f);
    nn_add_conv2d(net, 4, 3, 2, 1, 1);           /* stride 2: 4x2x2 */
    nn_add_flatten(net);
    nn_add_dense(net, 9, 1);
    nn_add_batchnorm(net, 1e-5f, 0.1f);
    nn_add_activation(net, NN_LAYER_SIGMOID, 0);
    nn_add_dropout(net, 0.2f);
    nn_add_dense(net, 10, 1);
    return net;
}

typedef struct {
    const char *name;
    nn_net *(*make)(void);
    nn_optim_kind optim;
    int batch, steps;
    size_t min_work; /* nn_par_set_min_work: 0 for the kernels' own thresholds */
} run_cfg;

/* The weights after cfg->steps steps of the network on `threads` threads (caller frees). */
static float *train(const run_cfg *cfg, const nn_data *d, int threads, size_t *count) {
    CHECK_OK(nn_set_threads(threads));
    CHECK(nn_get_threads() == threads, "threads set to %d", threads);
    nn_par_set_min_work(cfg->min_work);
    nn_net *net = cfg->make();
    CHECK_OK(nn_build(net, cfg->batch));
    nn_set_optimizer(net, cfg->optim);
    if (cfg->optim == NN_OPTIM_SGD) nn_set_hyper(net, NN_HP_MOMENTUM, 0.9);
    nn_seed(net, 7);
    CHECK_OK(nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU));
    nn_step_result r;
    for (int s = 0; s < cfg->steps; s++) CHECK_OK(nn_train_step(net, d, cfg->batch, 1, &r));
    *count = nn_param_count(net) + nn_buffer_count(net);
    float *w = malloc(*count * sizeof(float));
    memcpy(w, nn_params(net), nn_param_count(net) * sizeof(float));
    if (nn_buffer_count(net)) /* batch norm's running statistics too */
        memcpy(w + nn_param_count(net), nn_buffers(net), nn_buffer_count(net) * sizeof(float));
    nn_net_free(net);
    nn_par_set_min_work(0);
    return w;
}

static void test_same_weights(const run_cfg *cfg, const nn_data *d) {
    size_t n1, n;
    float *one = train(cfg, d, 1, &n1);
    for (int t = 2; t <= 4; t++) {
        float *w = train(cfg, d, t, &n);
        size_t differ = 0;
        for (size_t i = 0; i < n; i++) differ += memcmp(&w[i], &one[i], sizeof(float)) != 0;
        CHECK(n == n1 && differ == 0, "%s%s: %d threads: %zu of %zu weights differ from 1 thread after %d steps",
              cfg->name, cfg->min_work ? " (every job cut)" : "", t, differ, n, cfg->steps);
        free(w);
    }
    free(one);
}

/* A step whose gradients hold a NaN, or whose weights overflow, in any one part of the
 * optimizer's split changes no weight and no state, on any thread count. */
static void test_optimizer_guard(const nn_data *d) {
    for (int kind = 0; kind < 2; kind++) {
        const nn_optim_kind optim = kind ? NN_OPTIM_ADAM : NN_OPTIM_SGD;
        for (int threads = 1; threads <= 4; threads++) {
            CHECK_OK(nn_set_threads(threads));
            nn_par_set_min_work(1);
            nn_net *net = mlp();
            CHECK_OK(nn_build(net, 4));
            nn_set_optimizer(net, optim);
            if (optim == NN_OPTIM_SGD) nn_set_hyper(net, NN_HP_MOMENTUM, 0.9);
            nn_seed(net, 3);
            CHECK_OK(nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU));
            nn_step_result r;
            CHECK_OK(nn_train_step(net, d, 4, 1, &r)); /* the state is not zero from here on */
            const size_t n = nn_param_count(net), state = nn_optim_state_count(net);
            float *p0 = malloc(n * sizeof(float)), *s0 = malloc(state * sizeof(float));
            memcpy(p0, nn_params(net), n * sizeof(float));
            memcpy(s0, nn_optim_state(net), state * sizeof(float));
            const int64_t t0 = nn_optim_step_count(net);
            /* a bad value near the start, in the middle and at the end: in a different part each time */
            const size_t at[3] = {5, n / 2 + 3, n - 2};
            for (int bad = 0; bad < 6; bad++) {
                float *g = nn_grads(net);
                for (size_t i = 0; i < n; i++) g[i] = 1e-3f * (float)((i % 7) + 1);
                if (bad < 3) {
                    g[at[bad]] = NAN;
                } else { /* a finite gradient that carries its weight past FLT_MAX */
                    nn_set_hyper(net, NN_HP_LR, 1e38);
                    g[at[bad - 3]] = 1e30f;
                }
                CHECK(nn_optim_step(net) == NN_ERR_NUMERIC, "%s, %d threads, bad value %d: the step is refused",
                      kind ? "Adam" : "SGD", threads, bad);
                CHECK(memcmp(nn_params(net), p0, n * sizeof(float)) == 0 &&
                          memcmp(nn_optim_state(net), s0, state * sizeof(float)) == 0 && nn_optim_step_count(net) == t0,
                      "%s, %d threads, bad value %d: weights, state and step count kept", kind ? "Adam" : "SGD", threads,
                      bad);
            }
            free(p0);
            free(s0);
            nn_net_free(net);
            nn_par_set_min_work(0);
        }
    }
    CHECK_OK(nn_set_threads(1));
}

/* The batch gather cut by sample gives the same floats and labels; a bad index changes nothing. */
static void test_gather(const nn_data *d) {
    enum { N = 37 };
    uint32_t idx[N];
    for (int i = 0; i < N; i++) idx[i] = (uint32_t)((i * 613 + 5) % SAMPLES);
    float *one = malloc(sizeof(float) * N * 784), *out = malloc(sizeof(float) * N * 784);
    int32_t y1[N], y[N];
    CHECK_OK(nn_data_gather(d, idx, N, one, y1));
    for (int threads = 2; threads <= 4; threads++) {
        CHECK_OK(nn_set_threads(threads));
        nn_par_set_min_work(1);
        memset(out, 0, sizeof(float) * N * 784);
        CHECK_OK(nn_data_gather(d, idx, N, out, y));
        CHECK(memcmp(out, one, sizeof(float) * N * 784) == 0 && memcmp(y, y1, sizeof y) == 0,
              "gather of %d samples on %d threads = on 1", N, threads);
        idx[N - 1] = SAMPLES; /* one past the end */
        for (int i = 0; i < N * 784; i++) out[i] = -1.0f;
        CHECK(nn_data_gather(d, idx, N, out, y) == NN_ERR_INVALID, "a bad index is refused on %d threads", threads);
        CHECK(out[0] == -1.0f && out[N * 784 - 1] == -1.0f, "a refused gather writes nothing (%d threads)", threads);
        idx[N - 1] = 3;
        CHECK_OK(nn_data_gather(d, idx, N, one, y1)); /* for the next round */
        nn_par_set_min_work(0);
    }
    CHECK_OK(nn_set_threads(1));
    free(one);
    free(out);
}

static void test_split_products(void) {
    /* shapes around the split: fewer panels than parts, ragged last panel, 1-3 row tails */
    int shapes[][3] = {{64, 128, 784}, {128, 784, 64}, {7, 33, 300}, {130, 10, 600}, {5, 200, 70}, {64, 17, 999}};
    nn_rng r;
    nn_rng_seed(&r, 11, 3);
    CHECK_OK(nn_set_threads(3));
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N);
        float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
        for (int i = 0; i < M * K; i++) A[i] = nn_rng_uniform(&r) - 0.5f;
        for (int i = 0; i < K * N; i++) B[i] = nn_rng_uniform(&r) - 0.5f;
        for (int layout = 0; layout < 3; layout++) {
            for (int i = 0; i < M * N; i++) C1[i] = C2[i] = nn_rng_uniform(&r);
            if (layout == 0) { nn_gemm_nn(M, N, K, A, K, B, N, C1, N); nn_gemm_ref(0, 0, M, N, K, A, K, B, N, C2, N); }
            if (layout == 1) { nn_gemm_tn(M, N, K, A, M, B, N, C1, N); nn_gemm_ref(1, 0, M, N, K, A, M, B, N, C2, N); }
            if (layout == 2) { nn_gemm_nt(M, N, K, A, K, B, K, C1, N); nn_gemm_ref(0, 1, M, N, K, A, K, B, K, C2, N); }
            CHECK(memcmp(C1, C2, sizeof(float) * M * N) == 0, "gemm %dx%dx%d layout %d on 3 threads = the reference", M,
                  N, K, layout);
        }
        free(A); free(B); free(C1); free(C2);
    }
    CHECK_OK(nn_set_threads(1));
}

static void count_part(void *ctx, int part, int parts) {
    int *seen = ctx;
    seen[part] += 1;
    seen[NN_MAX_THREADS] = parts;
}

/* More parts than threads: every part runs once, whichever thread claims it; one thread runs the
 * job whole, as part 0 of 1; nn_par_split gives up to NN_PAR_SPLIT parts a thread. */
static void test_parts_beyond_threads(void) {
    for (int threads = 1; threads <= 3; threads++) {
        CHECK_OK(nn_set_threads(threads));
        for (int round = 0; round < 200; round++) {
            int seen[NN_MAX_THREADS + 1] = {0};
            nn_par_run(count_part, seen, 100); /* cut to NN_MAX_THREADS */
            const int parts = threads == 1 ? 1 : NN_MAX_THREADS;
            int ok = seen[NN_MAX_THREADS] == parts;
            for (int p = 0; p < NN_MAX_THREADS; p++) ok &= seen[p] == (p < parts);
            if (!ok || round == 199) CHECK(ok, "%d thread(s): %d parts, each run once (round %d)", threads, parts, round);
            if (!ok) break;
        }
    }
    CHECK_OK(nn_set_threads(1));
    CHECK(nn_par_split(64) == 1, "one thread: no split");
    CHECK_OK(nn_set_threads(2));
    CHECK(nn_par_split(64) == 2 * NN_PAR_SPLIT, "2 threads: %d parts of 64 items", 2 * NN_PAR_SPLIT);
    CHECK(nn_par_split(5) == 5, "2 threads: 5 items, 5 parts");
    CHECK_OK(nn_set_threads(3));
    CHECK(nn_par_split(64) == NN_MAX_THREADS, "3 threads: at most %d parts", NN_MAX_THREADS);
    CHECK_OK(nn_set_threads(1));
}

int main(void) {
    uint8_t *x = malloc((size_t)SAMPLES * 784), *y = malloc(SAMPLES);
    nn_rng r;
    nn_rng_seed(&r, 1, 1);
    for (int i = 0; i < SAMPLES * 784; i++) x[i] = (uint8_t)(nn_rng_uniform(&r) * 256.0f);
    for (int i = 0; i < SAMPLES; i++) y[i] = (uint8_t)(x[i * 784 + 400] % 10);
    nn_data *d = nn_data_create_u8(x, y, SAMPLES, 784, 1.0f / 255.0f);
    nn_data *d_odd = nn_data_create_u8(x, y, SAMPLES, 3 * 13 * 11, 1.0f / 255.0f);
    test_split_products();
    test_parts_beyond_threads();
    const run_cfg runs[] = {
        {"MLP 784-128-10, SGD momentum", mlp, NN_OPTIM_SGD, BATCH, STEPS, 0},
        {"CNN conv5-pool-conv3-bn-pool-10, Adam", cnn, NN_OPTIM_ADAM, BATCH, STEPS, 0},
        {"CNN conv5-pool-conv3-bn-pool-10, Adam", cnn, NN_OPTIM_ADAM, BATCH, STEPS, 1},
        {"MLP 784-128-10, SGD momentum", mlp, NN_OPTIM_SGD, 5, STEPS, 1},
        {"W3 3x(conv3-bn-relu-pool), batch 64, Adam", w3, NN_OPTIM_ADAM, 64, 4, 0},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) test_same_weights(&runs[i], d);
    const run_cfg odd_runs[] = {
        {"odd 3x13x11 net, batch 13, Adam", odd, NN_OPTIM_ADAM, 13, STEPS, 1},
        {"odd 3x13x11 net, batch 13, SGD momentum", odd, NN_OPTIM_SGD, 13, STEPS, 1},
    };
    for (size_t i = 0; i < sizeof odd_runs / sizeof odd_runs[0]; i++) test_same_weights(&odd_runs[i], d_odd);
    test_optimizer_guard(d);
    test_gather(d);
    CHECK(nn_set_threads(9) == NN_ERR_INVALID, "9 threads are refused");
    nn_data_free(d);
    nn_data_free(d_odd);
    free(x);
    free(y);
    return check_summary();
}
