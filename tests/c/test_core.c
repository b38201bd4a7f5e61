/* test_core.c: native unit tests of the core: GEMM order, gradients of dense/activations/losses,
 * initialiser statistics, the PRNG, the IDX reader, validation messages, divergence, determinism,
 * and learning the XOR question. */
#include <stdint.h>

#include "../../c/gemm.h"
#include "../../c/rng.h"
#include "check.h"

static void fill(float *x, size_t n, uint64_t seed, float scale) {
    nn_rng r;
    nn_rng_seed(&r, seed, 99);
    for (size_t i = 0; i < n; i++) x[i] = scale * (2.0f * nn_rng_uniform(&r) - 1.0f);
}

static void test_gemm(void) {
    /* odd sizes around the 4x8 register block, all three layouts: bit-identical to the reference */
    int sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 8, 16}, {5, 9, 3}, {13, 17, 11}, {64, 10, 128}, {7, 33, 1}, {5, 18, 300}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
        float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N);
        float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
        fill(A, (size_t)M * K, 1 + s, 1.0f);
        fill(B, (size_t)K * N, 100 + s, 1.0f);
        A[0] = -0.0f; /* products of -0 and +0: a sum of them must still start from +0 */
        for (int layout = 0; layout < 3; layout++) {
            fill(C1, (size_t)M * N, 7, 0.5f);
            memcpy(C2, C1, sizeof(float) * M * N);
            if (layout == 0) {
                nn_gemm_nn(M, N, K, A, K, B, N, C1, N);
                nn_gemm_ref(0, 0, M, N, K, A, K, B, N, C2, N);
            } else if (layout == 1) { /* A stored [K][M] */
                nn_gemm_tn(M, N, K, A, M, B, N, C1, N);
                nn_gemm_ref(1, 0, M, N, K, A, M, B, N, C2, N);
            } else { /* B stored [N][K] */
                nn_gemm_nt(M, N, K, A, K, B, K, C1, N);
                nn_gemm_ref(0, 1, M, N, K, A, K, B, K, C2, N);
            }
            CHECK(memcmp(C1, C2, sizeof(float) * M * N) == 0, "gemm layout %d %dx%dx%d differs from the reference",
                  layout, M, N, K);
        }
        for (int layout = 0; layout < 2; layout++) { /* C = ...: C1's NaNs are not read; C2 cleared, then += */
            for (int i = 0; i < M * N; i++) C1[i] = NAN;
            memset(C2, 0, sizeof(float) * M * N);
            if (layout == 0) {
                nn_gemm_nn_set(M, N, K, A, K, B, N, C1, N);
                nn_gemm_ref(0, 0, M, N, K, A, K, B, N, C2, N);
            } else {
                nn_gemm_tn_set(M, N, K, A, M, B, N, C1, N);
                nn_gemm_ref(1, 0, M, N, K, A, M, B, N, C2, N);
            }
            CHECK(memcmp(C1, C2, sizeof(float) * M * N) == 0, "gemm set layout %d %dx%dx%d differs from the reference",
                  layout, M, N, K);
        }
        for (int i = 0; i < M * N; i++) C1[i] = NAN; /* no products: the empty sum */
        nn_gemm_tn_set(M, N, 0, A, M, B, N, C1, N);
        int zeros = 1;
        for (int i = 0; i < M * N; i++) zeros &= C1[i] == 0.0f && !signbit(C1[i]);
        CHECK(zeros, "gemm set %dx%dx0 writes +0", M, N);
        free(A); free(B); free(C1); free(C2);
    }
}

static nn_net *mlp(int in, int hidden, nn_layer_kind act, float param, int out, int batch) {
    nn_net *net = nn_net_create(in, 1, 1);
    nn_add_dense(net, hidden, 1);
    nn_add_activation(net, act, param);
    nn_add_dense(net, out, 1);
    if (nn_build(net, batch) != NN_OK) printf("build: %s\n", nn_last_error());
    nn_seed(net, 3);
    nn_init_all(net, NN_INIT_XAVIER_NORMAL, 1.0f, 0, NN_FAN_IN, NN_GAIN_LINEAR);
    return net;
}

static void test_gradients(void) {
    enum { IN = 5, HID = 7, OUT = 3, B = 6 };
    float x[B * IN];
    int32_t labels[B] = {0, 2, 1, 1, 0, 2};
    fill(x, B * IN, 11, 1.5f);
    struct { nn_layer_kind kind; float param; const char *name; } acts[] = {
        {NN_LAYER_TANH, 0, "tanh"}, {NN_LAYER_SIGMOID, 0, "sigmoid"}, {NN_LAYER_RELU, 0, "relu"},
        {NN_LAYER_LEAKY_RELU, 0.1f, "leaky_relu"}, {NN_LAYER_ELU, 0.7f, "elu"}, {NN_LAYER_SWISH, 0, "swish"},
        {NN_LAYER_SOFTMAX, 0, "softmax"}, {NN_LAYER_IDENTITY, 0, "identity"}};
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
        nn_net *net = mlp(IN, HID, acts[a].kind, acts[a].param, OUT, B);
        int bad = gradcheck_params(net, x, labels, B, 1e-2f, 1e-2f, acts[a].name);
        CHECK(bad == 0, "%s: %d parameter gradients disagree with finite differences", acts[a].name, bad);
        nn_net_free(net);
    }
    /* every loss configuration, on a net whose output is the loss input */
    float weights[OUT] = {0.5f, 2.0f, 1.0f};
    struct { nn_loss_kind kind; nn_reduction red; float smoothing; const float *w; const char *name; } losses[] = {
        {NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_MEAN, 0, NULL, "ce mean"},
        {NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_SUM, 0, NULL, "ce sum"},
        {NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_MEAN, 0.2f, NULL, "ce mean smoothing"},
        {NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_SUM, 0.2f, weights, "ce sum smoothing weights"},
        {NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_MEAN, 0.1f, weights, "ce mean smoothing weights"},
        {NN_LOSS_MSE, NN_REDUCTION_MEAN, 0, NULL, "mse mean"},
        {NN_LOSS_MSE, NN_REDUCTION_SUM, 0, NULL, "mse sum"}};
    for (size_t l = 0; l < sizeof losses / sizeof losses[0]; l++) {
        nn_net *net = mlp(IN, HID, NN_LAYER_TANH, 0, OUT, B);
        CHECK_OK(nn_set_loss(net, losses[l].kind, losses[l].red, losses[l].smoothing, losses[l].w));
        int bad = gradcheck_params(net, x, labels, B, 1e-2f, 1e-2f, losses[l].name);
        CHECK(bad == 0, "%s: %d parameter gradients disagree", losses[l].name, bad);
        nn_net_free(net);
    }
}

static void test_softmax_stability(void) {
    nn_net *net = nn_net_create(3, 1, 1);
    nn_add_activation(net, NN_LAYER_IDENTITY, 0);
    CHECK_OK(nn_build(net, 2));
    float x[6] = {1000.0f, 999.0f, -1000.0f, -1e30f, 0.0f, 5.0f};
    int32_t labels[2] = {0, 2};
    float loss = 0;
    CHECK_OK(nn_forward(net, x, 2, 1));
    CHECK_OK(nn_loss(net, labels, 2, &loss, NULL));
    CHECK(isfinite(loss) && fabsf(loss - 0.16005f) < 1e-3f, "huge logits give a finite loss, got %g", loss);
    nn_net_free(net);
}

static void test_init_statistics(void) {
    nn_net *net = nn_net_create(300, 1, 1);
    nn_add_dense(net, 200, 1);
    CHECK_OK(nn_build(net, 1));
    int fi, fo;
    CHECK_OK(nn_layer_fans(net, 0, &fi, &fo));
    CHECK(fi == 300 && fo == 200, "dense fans %d %d", fi, fo);
    struct { nn_init_kind kind; float a, b; nn_fan_mode mode; nn_gain gain; double mean, std, bound; const char *name; } cases[] = {
        {NN_INIT_TORCH_DEFAULT, 0, 0, 0, 0, 0, 1 / sqrt(3.0 * 300), 1 / sqrt(300.0), "torch_default"},
        {NN_INIT_UNIFORM, -0.2f, 0.4f, 0, 0, 0.1, 0.6 / sqrt(12.0), 0, "uniform"},
        {NN_INIT_NORMAL, 0.5f, 0.03f, 0, 0, 0.5, 0.03, 0, "normal"},
        {NN_INIT_XAVIER_UNIFORM, 1.0f, 0, 0, 0, 0, sqrt(2.0 / 500), sqrt(6.0 / 500), "xavier_uniform"},
        {NN_INIT_XAVIER_NORMAL, 2.0f, 0, 0, 0, 0, 2 * sqrt(2.0 / 500), 0, "xavier_normal"},
        {NN_INIT_KAIMING_UNIFORM, 0, 0, NN_FAN_IN, NN_GAIN_RELU, 0, sqrt(2.0 / 300), sqrt(6.0 / 300), "kaiming_uniform"},
        {NN_INIT_KAIMING_NORMAL, 0, 0, NN_FAN_OUT, NN_GAIN_RELU, 0, sqrt(2.0 / 200), 0, "kaiming_normal fan_out"},
        {NN_INIT_KAIMING_NORMAL, 0.2f, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU, 0, sqrt(2.0 / 1.04 / 300), 0, "kaiming_normal leaky"},
        {NN_INIT_MSRA_LESSON, 0, 0, 0, 0, 0, sqrt(1.0 / 300), 0, "msra_lesson"},
        {NN_INIT_CONSTANT, 0.25f, 0, 0, 0, 0.25, 0, 0, "constant"},
        {NN_INIT_ZEROS, 0, 0, 0, 0, 0, 0, 0, "zeros"}};
    size_t n = nn_layer_param_count(net, 0, NN_PARAM_WEIGHT);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        CHECK_OK(nn_init_param(net, 0, NN_PARAM_WEIGHT, cases[c].kind, cases[c].a, cases[c].b, cases[c].mode, cases[c].gain));
        float st[4];
        nn_histogram(nn_params(net) + nn_layer_param_offset(net, 0, NN_PARAM_WEIGHT), n, 0, 0, 0, NULL, st);
        /* 60 000 samples: the sample mean is within 5 standard errors, the std within 2 % */
        double se = cases[c].std / sqrt((double)n);
        CHECK(fabs(st[2] - cases[c].mean) <= 5 * se + 1e-7, "%s: mean %g expected %g", cases[c].name, st[2], cases[c].mean);
        CHECK(fabs(st[3] - cases[c].std) <= 0.02 * cases[c].std + 1e-7, "%s: std %g expected %g", cases[c].name, st[3], cases[c].std);
        if (cases[c].bound > 0)
            CHECK(st[0] >= -cases[c].bound && st[1] <= cases[c].bound && st[1] > 0.99 * cases[c].bound,
                  "%s: range [%g, %g] expected within +-%g and reaching it", cases[c].name, st[0], st[1], cases[c].bound);
    }
    CHECK(nn_init_param(net, 0, NN_PARAM_BIAS, NN_INIT_XAVIER_UNIFORM, 1, 0, 0, 0) == NN_ERR_INVALID &&
              strstr(nn_last_error(), "fan-in"), "xavier on a bias is refused: %s", nn_last_error());
    CHECK(fabsf(nn_calculate_gain(NN_GAIN_TANH, 0) - 5.0f / 3.0f) < 1e-7f, "tanh gain");
    CHECK(fabsf(nn_calculate_gain(NN_GAIN_LEAKY_RELU, 0.01f) - sqrtf(2.0f / 1.0001f)) < 1e-7f, "leaky gain");
    nn_net_free(net);

    nn_net *conv = nn_net_create(16, 12, 12);
    CHECK_OK(nn_add_conv2d(conv, 32, 5, 1, 0, 1));
    CHECK_OK(nn_build(conv, 1));
    CHECK_OK(nn_layer_fans(conv, 0, &fi, &fo));
    CHECK(fi == 16 * 25 && fo == 32 * 25, "conv fans %d %d", fi, fo);
    nn_net_free(conv);
}

static void test_rng(void) {
    nn_rng a, b;
    nn_rng_seed(&a, 42, 1);
    nn_rng_seed(&b, 42, 1);
    int same = 1;
    for (int i = 0; i < 1000; i++) same &= nn_rng_u32(&a) == nn_rng_u32(&b);
    CHECK(same, "same seed, same stream");
    nn_rng_seed(&b, 42, 2);
    CHECK(nn_rng_u32(&a) != nn_rng_u32(&b), "streams differ");
    uint32_t perm[1000], seen[1000] = {0};
    for (uint32_t i = 0; i < 1000; i++) perm[i] = i;
    nn_rng_shuffle(&a, perm, 1000);
    int moved = 0, valid = 1;
    for (uint32_t i = 0; i < 1000; i++) {
        moved += perm[i] != i;
        if (perm[i] >= 1000 || seen[perm[i]]++) valid = 0;
    }
    CHECK(valid && moved > 900, "shuffle is a permutation that moves most items (%d moved)", moved);
    double s = 0, s2 = 0;
    for (int i = 0; i < 100000; i++) {
        double v = nn_rng_normal(&a);
        s += v;
        s2 += v * v;
    }
    CHECK(fabs(s / 1e5) < 0.02 && fabs(s2 / 1e5 - 1) < 0.02, "normal: mean %g var %g", s / 1e5, s2 / 1e5);
}

static void test_idx(void) {
    uint8_t good[4 + 12 + 2 * 2 * 3] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3};
    for (int i = 0; i < 12; i++) good[16 + i] = (uint8_t)i;
    int nd;
    uint32_t dims[4];
    const uint8_t *data;
    CHECK_OK(nn_idx_parse(good, sizeof good, &nd, dims, &data));
    CHECK(nd == 3 && dims[0] == 2 && dims[2] == 3 && data == good + 16, "idx dims");
    CHECK(nn_idx_parse(good, sizeof good - 1, &nd, dims, &data) == NN_ERR_DATA && strstr(nn_last_error(), "truncated"),
          "truncated: %s", nn_last_error());
    uint8_t gz[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
    CHECK(nn_idx_parse(gz, sizeof gz, &nd, dims, &data) == NN_ERR_DATA && strstr(nn_last_error(), "magic"),
          "gzip'ed: %s", nn_last_error());
    uint8_t huge[] = {0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 9};
    CHECK(nn_idx_parse(huge, sizeof huge, &nd, dims, &data) == NN_ERR_DATA, "huge dims refused: %s", nn_last_error());
    CHECK(nn_idx_parse(good, 3, &nd, dims, &data) == NN_ERR_DATA, "3 bytes refused");
}

/* torch takes any slope and alpha; the core takes the schema's ranges, [-1000, 1000] and [0, 1000],
   and refuses beyond them in the schema's words. */
static void test_activation_params(void) {
    nn_net *net = nn_net_create(4, 1, 1);
    const float slopes[] = {-1000.0f, -0.2f, 0.0f, 0.01f, 1.0f, 1.5f, 1000.0f};
    for (size_t i = 0; i < sizeof slopes / sizeof *slopes; i++)
        CHECK(nn_add_activation(net, NN_LAYER_LEAKY_RELU, slopes[i]) == NN_OK, "slope %g taken: %s", (double)slopes[i],
              nn_last_error());
    const float alphas[] = {0.0f, 0.5f, 1.0f, 20.0f, 1000.0f};
    for (size_t i = 0; i < sizeof alphas / sizeof *alphas; i++)
        CHECK(nn_add_activation(net, NN_LAYER_ELU, alphas[i]) == NN_OK, "alpha %g taken: %s", (double)alphas[i],
              nn_last_error());
    const float bad_slopes[] = {-1000.5f, 1000.5f, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_slopes / sizeof *bad_slopes; i++)
        CHECK(nn_add_activation(net, NN_LAYER_LEAKY_RELU, bad_slopes[i]) == NN_ERR_INVALID &&
                  strstr(nn_last_error(), "(leaky_relu): negative_slope must be a number from -1000 to 1000, got "),
              "slope %g refused: %s", (double)bad_slopes[i], nn_last_error());
    const float bad_alphas[] = {-0.1f, 1000.5f, NAN, -INFINITY};
    for (size_t i = 0; i < sizeof bad_alphas / sizeof *bad_alphas; i++)
        CHECK(nn_add_activation(net, NN_LAYER_ELU, bad_alphas[i]) == NN_ERR_INVALID &&
                  strstr(nn_last_error(), "(elu): alpha must be a number from 0 to 1000, got "),
              "alpha %g refused: %s", (double)bad_alphas[i], nn_last_error());
    nn_net_free(net);
}

static void test_validation_messages(void) {
    nn_net *net = nn_net_create(1, 28, 28);
    CHECK(nn_add_dense(net, 10, 1) == NN_ERR_SHAPE && strstr(nn_last_error(), "flatten"),
          "dense on an image asks for flatten: %s", nn_last_error());
    CHECK(nn_add_dense(net, -3, 1) == NN_ERR_SHAPE && strstr(nn_last_error(), "layer 0 (dense)"),
          "negative units: %s", nn_last_error());
    CHECK(nn_add_activation(net, NN_LAYER_LEAKY_RELU, 5000.0f) == NN_ERR_INVALID, "slope 5000 refused");
    CHECK(nn_add_activation(net, NN_LAYER_SOFTMAX, 0) == NN_ERR_SHAPE, "softmax on an image refused");
    CHECK(nn_build(net, 4) == NN_ERR_INVALID && strstr(nn_last_error(), "no layers"), "empty net: %s", nn_last_error());
    CHECK_OK(nn_add_flatten(net));
    CHECK_OK(nn_add_dense(net, 100000, 1));
    CHECK_OK(nn_add_dense(net, 100000, 1) == NN_ERR_SHAPE ? NN_OK : NN_ERR_INVALID); /* 1e10 weights */
    size_t before = nn_memory_budget();
    nn_set_memory_budget(64u << 20);
    CHECK(nn_build(net, 64) == NN_ERR_NOMEM && strstr(nn_last_error(), "memory budget"), "budget: %s", nn_last_error());
    nn_set_memory_budget(before);
    nn_net_free(net);
    CHECK(nn_net_create(0, 28, 28) == NULL && strstr(nn_last_error(), "input shape"), "bad input shape");
    nn_net *small = mlp(2, 3, NN_LAYER_RELU, 0, 2, 4);
    CHECK(nn_set_hyper(small, NN_HP_LR, NAN) == NN_ERR_INVALID && strstr(nn_last_error(), "lr"), "NaN lr: %s", nn_last_error());
    CHECK(nn_set_hyper(small, NN_HP_BETA1, 1.0) == NN_ERR_INVALID, "beta1 1 refused");
    CHECK(nn_set_hyper(small, NN_HP_MOMENTUM, -1) == NN_ERR_INVALID, "negative momentum refused");
    float x[4 * 2] = {0};
    int32_t labels[4] = {0, 1, 5, 0};
    CHECK_OK(nn_forward(small, x, 4, 1));
    CHECK(nn_loss(small, labels, 4, NULL, NULL) == NN_ERR_INVALID && strstr(nn_last_error(), "label 5"), "bad label: %s",
          nn_last_error());
    CHECK(nn_forward(small, x, 5, 1) == NN_ERR_INVALID, "batch over max refused");
    nn_net_free(small);
    nn_net *bn = nn_net_create(4, 1, 1);
    nn_add_batchnorm(bn, 1e-5f, 0.1f);
    CHECK_OK(nn_build(bn, 2));
    CHECK(nn_forward(bn, x, 1, 1) == NN_ERR_SHAPE && strstr(nn_last_error(), "more than 1 value per channel"),
          "batch-norm refuses a training batch of 1: %s", nn_last_error());
    CHECK_OK(nn_forward(bn, x, 1, 0));
    nn_net_free(bn);
}

static nn_net *xor_net(nn_layer_kind act, uint64_t seed) {
    nn_net *net = nn_net_create(2, 1, 1);
    nn_add_dense(net, 4, 1);
    nn_add_activation(net, act, 0);
    nn_add_dense(net, 2, 1);
    nn_build(net, 32);
    nn_seed(net, seed);
    nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, 0, 0);
    nn_set_optimizer(net, NN_OPTIM_ADAM);
    nn_set_hyper(net, NN_HP_LR, 0.03);
    return net;
}

static float train_xor(nn_layer_kind act, int steps, uint64_t seed) {
    enum { N = 400 };
    float x[N * 2];
    uint8_t y[N];
    nn_synth_generate(NN_SYNTH_XOR, 5, N, 0.0f, x, y);
    nn_data *d = nn_data_create_f32(x, y, N, 2);
    nn_net *net = xor_net(act, seed);
    nn_step_result r;
    for (int s = 0; s < steps; s++)
        if (nn_train_step(net, d, 32, 1, &r) != NN_OK) break;
    float acc = 0;
    nn_evaluate(net, d, 100, NULL, &acc, NULL, NULL);
    nn_net_free(net);
    nn_data_free(d);
    return acc;
}

static void test_xor(void) {
    float linear = train_xor(NN_LAYER_IDENTITY, 1500, 1), tanh_acc = train_xor(NN_LAYER_TANH, 1500, 1);
    CHECK(linear < 0.7f, "a linear network cannot learn XOR: %.3f", linear);
    CHECK(tanh_acc > 0.95f, "one tanh layer of 4 learns XOR: %.3f", tanh_acc);
}

static void test_divergence_and_determinism(void) {
    enum { N = 256 };
    float x[N * 2];
    uint8_t y[N];
    nn_synth_generate(NN_SYNTH_CIRCLES, 9, N, 0.05f, x, y);
    nn_data *d = nn_data_create_f32(x, y, N, 2);
    /* lr 1e6 must stop with a message and keep finite weights */
    nn_net *net = xor_net(NN_LAYER_IDENTITY, 2); /* a linear net's logits grow without bound */
    nn_set_optimizer(net, NN_OPTIM_SGD);
    nn_set_hyper(net, NN_HP_LR, 1e6);
    nn_step_result r;
    nn_status st = NN_OK;
    int steps = 0;
    for (; steps < 200 && st == NN_OK; steps++) st = nn_train_step(net, d, 32, 1, &r);
    CHECK(st == NN_ERR_NUMERIC && strstr(nn_last_error(), "NaN/Inf at step"), "divergence stops: %d %s", st, nn_last_error());
    float stats[4];
    nn_histogram(nn_params(net), nn_param_count(net), 0, 0, 0, NULL, stats);
    CHECK(isfinite(stats[0]) && isfinite(stats[1]), "weights stay finite after divergence");
    nn_net_free(net);
    /* two runs, same seed: the same bits */
    float losses[2][50];
    float *weights[2];
    for (int run = 0; run < 2; run++) {
        nn_net *n2 = xor_net(NN_LAYER_TANH, 77);
        for (int s = 0; s < 50; s++) {
            nn_train_step(n2, d, 16, 1, &r);
            losses[run][s] = r.loss;
        }
        weights[run] = malloc(nn_param_count(n2) * sizeof(float));
        memcpy(weights[run], nn_params(n2), nn_param_count(n2) * sizeof(float));
        if (run == 1)
            CHECK(memcmp(weights[0], weights[1], nn_param_count(n2) * sizeof(float)) == 0, "same weights, bit for bit");
        nn_net_free(n2);
    }
    CHECK(memcmp(losses[0], losses[1], sizeof losses[0]) == 0, "same losses, bit for bit");
    free(weights[0]);
    free(weights[1]);
    nn_data_free(d);
}

static void test_initial_loss(void) {
    /* the lesson's check: an untrained 10-class model starts near ln 10 */
    enum { N = 512, F = 64 };
    float *x = malloc(sizeof(float) * N * F);
    uint8_t y[N];
    fill(x, (size_t)N * F, 3, 1.0f);
    for (int i = 0; i < N; i++) y[i] = (uint8_t)(i % 10);
    nn_data *d = nn_data_create_f32(x, y, N, F);
    nn_net *net = nn_net_create(F, 1, 1);
    nn_add_dense(net, 32, 1);
    nn_add_activation(net, NN_LAYER_RELU, 0);
    nn_add_dense(net, 10, 1);
    CHECK_OK(nn_build(net, 64));
    float loss, acc;
    CHECK_OK(nn_evaluate(net, d, 64, &loss, &acc, NULL, NULL));
    CHECK(fabsf(loss - logf(10.0f)) < 0.1f, "initial loss %g is within 0.1 of ln 10", loss);
    nn_net_free(net);
    nn_data_free(d);
    free(x);
}

/* The networks of test_step_skips_nothing_read, on 1x5x5 inputs and C classes. kind 0: an MLP
 * after an activation and a flatten (the layers before the first with parameters get no gradient);
 * kind 1: a CNN whose conv, batch norm, max-pool and dropout only add to their gradients (the step
 * clears them first) between kinds that write theirs (dense, activations, flatten). */
static nn_net *step_net(int kind, int C) {
    nn_net *net = nn_net_create(1, 5, 5);
    if (kind == 0) {
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_flatten(net);
        nn_add_dense(net, 8, 1);
        nn_add_activation(net, NN_LAYER_TANH, 0);
    } else {
        nn_add_conv2d(net, 3, 3, 1, 1, 1);
        nn_add_batchnorm(net, 1e-5f, 0.1f);
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
        nn_add_dropout(net, 0.25f);
        nn_add_flatten(net);
        nn_add_dense(net, 6, 1);
        nn_add_activation(net, NN_LAYER_LEAKY_RELU, 0.1f);
    }
    nn_add_dense(net, C, 1);
    return net;
}

/* nn_train_step skips what nobody reads (the input gradients of the layers before the first with
 * parameters; a flatten layer's copy; clearing the gradients its backward then writes): its weights
 * and losses must be, bit for bit, those of the plain forward, loss, zero_grad, backward (which
 * adds) and optimizer step on the same batches. */
static void test_step_skips_nothing_read(void) {
    enum { N = 35, F = 25, B = 7, C = 3, STEPS = 15 }; /* 15 steps of 7 cross two epochs */
    uint8_t x[N * F], y[N];
    nn_rng r;
    nn_rng_seed(&r, 5, 1);
    for (int i = 0; i < N * F; i++) x[i] = (uint8_t)(nn_rng_uniform(&r) * 256.0f);
    for (int i = 0; i < N; i++) y[i] = (uint8_t)(i % C);
    const float scale = 1.0f / 255.0f;
    nn_data *d = nn_data_create_u8(x, y, N, F, scale);
    for (int kind = 0; kind < 2; kind++) {
        nn_net *nets[2];
        for (int k = 0; k < 2; k++) {
            nets[k] = step_net(kind, C);
            CHECK_OK(nn_build(nets[k], B));
            nn_set_optimizer(nets[k], NN_OPTIM_SGD);
            nn_set_hyper(nets[k], NN_HP_MOMENTUM, 0.9);
            nn_seed(nets[k], 3);
            CHECK_OK(nn_init_all(nets[k], NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU));
        }
        float xb[B * F];
        int32_t yb[B];
        int same_loss = 1;
        for (int s = 0, at = 0; s < STEPS; s++, at = (at + B) % N) {
            nn_step_result res;
            CHECK_OK(nn_train_step(nets[0], d, B, 0, &res));
            for (int i = 0; i < B * F; i++) xb[i] = (float)x[at * F + i] * scale;
            for (int i = 0; i < B; i++) yb[i] = y[at + i];
            float loss;
            CHECK_OK(nn_forward(nets[1], xb, B, 1));
            CHECK_OK(nn_loss(nets[1], yb, B, &loss, NULL));
            nn_zero_grad(nets[1]);
            CHECK_OK(nn_backward(nets[1]));
            CHECK_OK(nn_optim_step(nets[1]));
            same_loss &= memcmp(&loss, &res.loss, sizeof loss) == 0;
        }
        CHECK(same_loss, "net %d: the same loss at every step", kind);
        CHECK(memcmp(nn_params(nets[0]), nn_params(nets[1]), nn_param_count(nets[0]) * sizeof(float)) == 0,
              "net %d: the same weights after %d steps, bit for bit", kind, STEPS);
        CHECK(memcmp(nn_grads(nets[0]), nn_grads(nets[1]), nn_param_count(nets[0]) * sizeof(float)) == 0,
              "net %d: the same gradients after %d steps, bit for bit", kind, STEPS);
        if (kind == 0)
            CHECK(memcmp(nn_layer_output(nets[1], 1), nn_layer_output(nets[1], 0), sizeof(float) * B * F) == 0,
                  "flatten's output is its input");
        for (int k = 0; k < 2; k++) nn_net_free(nets[k]);
    }
    nn_data_free(d);
}

int main(void) {
    test_gemm();
    test_gradients();
    test_softmax_stability();
    test_init_statistics();
    test_rng();
    test_idx();
    test_validation_messages();
    test_activation_params();
    test_xor();
    test_divergence_and_determinism();
    test_initial_loss();
    test_step_skips_nothing_read();
    return check_summary();
}
