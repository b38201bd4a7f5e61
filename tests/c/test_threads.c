/* test_threads.c: training splits its products and convolutions over threads by output block,
 * so the weights after STEPS steps are the same bits for 1, 2, 3 and 4 threads; and the split
 * products match the reference at shapes that cut panels and rows unevenly. Under the sanitizers
 * 4 threads on a 2-core machine run some 50 times slower than the wasm build, so this native check
 * keeps 20 steps of batch 16 (16 s); tests/web/engine/threads.test.js runs the 100 steps. */
#include <stdint.h>

#include "../../c/gemm.h"
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

/* The weights after STEPS steps of the network on `threads` threads (caller frees). */
static float *train(nn_net *(*make)(void), nn_optim_kind optim, const nn_data *d, int threads, size_t *count) {
    CHECK_OK(nn_set_threads(threads));
    CHECK(nn_get_threads() == threads, "threads set to %d", threads);
    nn_net *net = make();
    CHECK_OK(nn_build(net, BATCH));
    nn_set_optimizer(net, optim);
    if (optim == NN_OPTIM_SGD) nn_set_hyper(net, NN_HP_MOMENTUM, 0.9);
    nn_seed(net, 7);
    CHECK_OK(nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU));
    nn_step_result r;
    for (int s = 0; s < STEPS; s++) CHECK_OK(nn_train_step(net, d, BATCH, 1, &r));
    *count = nn_param_count(net);
    float *w = malloc(*count * sizeof(float));
    memcpy(w, nn_params(net), *count * sizeof(float));
    nn_net_free(net);
    return w;
}

static void test_same_weights(const char *name, nn_net *(*make)(void), nn_optim_kind optim, const nn_data *d) {
    size_t n1, n;
    float *one = train(make, optim, d, 1, &n1);
    for (int t = 2; t <= 4; t++) {
        float *w = train(make, optim, d, t, &n);
        size_t differ = 0;
        for (size_t i = 0; i < n; i++) differ += memcmp(&w[i], &one[i], sizeof(float)) != 0;
        CHECK(n == n1 && differ == 0, "%s: %d threads: %zu of %zu weights differ from 1 thread after %d steps", name, t,
              differ, n, STEPS);
        free(w);
    }
    free(one);
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

int main(void) {
    uint8_t *x = malloc((size_t)SAMPLES * 784), *y = malloc(SAMPLES);
    nn_rng r;
    nn_rng_seed(&r, 1, 1);
    for (int i = 0; i < SAMPLES * 784; i++) x[i] = (uint8_t)(nn_rng_uniform(&r) * 256.0f);
    for (int i = 0; i < SAMPLES; i++) y[i] = (uint8_t)(x[i * 784 + 400] % 10);
    nn_data *d = nn_data_create_u8(x, y, SAMPLES, 784, 1.0f / 255.0f);
    test_split_products();
    test_same_weights("MLP 784-128-10, SGD momentum", mlp, NN_OPTIM_SGD, d);
    test_same_weights("CNN conv5-pool-conv3-bn-pool-10, Adam", cnn, NN_OPTIM_ADAM, d);
    CHECK(nn_set_threads(9) == NN_ERR_INVALID, "9 threads are refused");
    nn_data_free(d);
    free(x);
    free(y);
    return check_summary();
}
