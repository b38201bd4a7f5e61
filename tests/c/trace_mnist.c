/* trace_mnist.c: the native build's losses for the first steps of web/experiments/mlp.json or
 * cnn.json, one per line, so tests/web/native-parity.test.js can compare them with the wasm build.
 * Usage: trace_mnist DATA_DIR mlp|cnn STEPS SEED  (DATA_DIR holds the raw IDX files) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"

static uint8_t *read_file(const char *dir, const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int fail(const char *what) {
    fprintf(stderr, "trace_mnist: %s: %s\n", what, nn_last_error());
    return 2;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: trace_mnist DATA_DIR mlp|cnn STEPS SEED\n");
        return 2;
    }
    int cnn = strcmp(argv[2], "cnn") == 0, steps = atoi(argv[3]);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    size_t xl, yl;
    uint8_t *xb = read_file(argv[1], "train-images-idx3-ubyte", &xl), *yb = read_file(argv[1], "train-labels-idx1-ubyte", &yl);
    if (!xb || !yb) {
        fprintf(stderr, "trace_mnist: cannot read the IDX files in %s\n", argv[1]);
        return 2;
    }
    int nd;
    uint32_t dims[4];
    const uint8_t *x, *y;
    if (nn_idx_parse(xb, xl, &nd, dims, &x) != NN_OK) return fail("images");
    size_t count = dims[0];
    if (nn_idx_parse(yb, yl, &nd, dims, &y) != NN_OK) return fail("labels");
    nn_data *data = nn_data_create_u8(x, y, count, 784, 1.0f / 255.0f);
    nn_net *net = nn_net_create(1, 28, 28);
    if (cnn) {
        nn_add_conv2d(net, 8, 5, 1, 2, 1);
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
        nn_add_conv2d(net, 16, 5, 1, 2, 1);
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_pool(net, NN_LAYER_MAXPOOL, 2, 2, 0);
        nn_add_flatten(net);
        nn_add_dense(net, 10, 1);
    } else {
        nn_add_flatten(net);
        nn_add_dense(net, 128, 1);
        nn_add_activation(net, NN_LAYER_RELU, 0);
        nn_add_dense(net, 10, 1);
    }
    if (nn_build(net, 64) != NN_OK) return fail("build");
    nn_seed(net, seed);
    nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LINEAR);
    if (cnn) {
        nn_set_optimizer(net, NN_OPTIM_ADAM);
    } else {
        nn_set_optimizer(net, NN_OPTIM_SGD);
        nn_set_hyper(net, NN_HP_LR, 0.1);
        nn_set_hyper(net, NN_HP_MOMENTUM, 0.9);
    }
    nn_step_result r;
    for (int s = 0; s < steps; s++) {
        if (nn_train_step(net, data, 64, 1, &r) != NN_OK) return fail("step");
        printf("%.9g\n", r.loss);
    }
    nn_net_free(net);
    nn_data_free(data);
    free(xb);
    free(yb);
    return 0;
}
