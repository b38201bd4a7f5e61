/* fuzz_net.c: the network-building path with fuzzer-chosen ints and floats, as a hostile link
 * would drive it if the page's schema let anything through: nn_net_create, every nn_add_*,
 * nn_build_bytes and nn_build under a small memory budget, then (when it builds) init, loss,
 * optimizer and hyper-parameters, and a training step, an evaluation and a prediction on
 * fuzzer-chosen inputs and labels. Every call must either work or return a status with a
 * message; nothing may crash, read out of bounds, overflow or leak. */
#include <math.h>
#include <stdlib.h>

#include "input.h"
#include "nn.h"

#define BUDGET (4u << 20) /* keeps every build small */
#define MAX_LAYERS 12
/* Multiply-adds (or window reads) per forward pass above which a net that builds is not trained.
 * The memory budget does not bound the work: a pool's window and a stride-1 convolution's taps
 * take no memory, and a max pool of kernel 350 over a 700 x 700 input fits in 4 MB yet reads
 * 1.5e10 values a pass (minutes under the sanitizers). Such nets are still planned and built. */
#define MAX_WORK (1u << 22)

static void expect_message(nn_status st) {
    if (st != NN_OK && nn_last_error()[0] == '\0') abort();
}

/* Values in a layer's output (0 before the first layer: the input's). */
static double out_values(const nn_net *net, int layers, int in_values) {
    if (layers == 0) return in_values;
    int shape[3];
    nn_layer_out_shape(net, layers - 1, shape);
    return (double)shape[0] * shape[1] * shape[2];
}

/* Adds a fuzzer-chosen layer; *work grows by the multiply-adds (or reads) per sample of a
 * forward pass through it when it was added. */
static void add_layer(nn_net *net, fuzz_input *in, int in_channels, double *work) {
    const int before = nn_layer_count(net);
    const double in_values = out_values(net, before, nn_input_size(net));
    double per_output = 1; /* activations, dropout, batch norm, flatten */
    nn_status st;
    uint8_t kind = take_u8(in) % 16;
    switch (kind) {
    case 0:
        per_output = in_values;
        expect_message(st = nn_add_dense(net, take_size(in, 64), take_u8(in) & 1));
        break;
    case 1: {
        int filters = take_size(in, 8), kernel = take_size(in, 7), stride = take_size(in, 3);
        int padding = take_padding(in, 4);
        int shape[3] = {in_channels, 0, 0};
        if (before > 0) nn_layer_out_shape(net, before - 1, shape);
        per_output = (double)shape[0] * kernel * kernel;
        expect_message(st = nn_add_conv2d(net, filters, kernel, stride, padding, take_u8(in) & 1));
        break;
    }
    case 2:
    case 3: {
        int kernel = take_size(in, 4), stride = take_size(in, 4), padding = take_padding(in, 3);
        per_output = (double)kernel * kernel;
        /* Sometimes a kind that is not a pool at all. */
        nn_layer_kind k = take_u8(in) < 240 ? (kind == 2 ? NN_LAYER_MAXPOOL : NN_LAYER_AVGPOOL) : (nn_layer_kind)take_u8(in);
        expect_message(st = nn_add_pool(net, k, kernel, stride, padding));
        break;
    }
    case 4: expect_message(st = nn_add_flatten(net)); break;
    case 5: expect_message(st = nn_add_dropout(net, take_param(in))); break;
    case 6: {
        float eps = take_u8(in) < 200 ? 1e-5f : take_float(in);
        expect_message(st = nn_add_batchnorm(net, eps, take_param(in)));
        break;
    }
    default: {
        /* Activations, and sometimes a kind number that is not one. */
        nn_layer_kind k = take_u8(in) < 240 ? (nn_layer_kind)(NN_LAYER_TANH + kind % 8) : (nn_layer_kind)(int8_t)take_u8(in);
        expect_message(st = nn_add_activation(net, k, take_param(in)));
        break;
    }
    }
    if (st == NN_OK) *work += out_values(net, before + 1, 0) * per_output;
}

static void train_a_little(nn_net *net, int batch, fuzz_input *in) {
    nn_seed(net, take_u64(in));
    expect_message(nn_init_all(net, (nn_init_kind)(take_u8(in) % 12), take_param(in), take_param(in),
                               (nn_fan_mode)(take_u8(in) % 3), (nn_gain)(take_u8(in) % 7)));
    int layers = nn_layer_count(net);
    if (layers > 0)
        expect_message(nn_init_param(net, take_u8(in) % layers, (nn_param_role)(take_u8(in) % 2),
                                     (nn_init_kind)(take_u8(in) % 12), take_param(in), take_param(in),
                                     (nn_fan_mode)(take_u8(in) % 2), (nn_gain)(take_u8(in) % 6)));
    int classes = nn_output_size(net);
    float *weights = NULL;
    if (take_u8(in) < 40 && classes > 0 && classes <= 4096) {
        weights = malloc((size_t)classes * sizeof(float));
        for (int c = 0; c < classes; c++) weights[c] = take_param(in);
    }
    expect_message(nn_set_loss(net, (nn_loss_kind)(take_u8(in) % 3), (nn_reduction)(take_u8(in) % 3), take_param(in), weights));
    free(weights);
    expect_message(nn_set_optimizer(net, (nn_optim_kind)(take_u8(in) % 6)));
    for (int k = take_u8(in) % 4; k > 0; k--) {
        double value = take_u8(in) < 200 ? (double)take_param(in) : take_double(in);
        expect_message(nn_set_hyper(net, (nn_hyper)(take_u8(in) % (NN_HP_COUNT + 1)), value));
    }

    int features = nn_input_size(net);
    int n = 1 + take_u8(in) % (unsigned)batch;
    size_t count = (size_t)n * features;
    float *x = malloc(count * sizeof(float));
    for (size_t i = 0; i < count; i++) x[i] = take_u8(in) < 250 ? (float)take_u8(in) / 64.0f - 2.0f : take_float(in);
    int32_t *labels = malloc((size_t)n * sizeof(int32_t));
    uint8_t *labels8 = malloc((size_t)n);
    for (int i = 0; i < n; i++) {
        labels[i] = take_u8(in) < 250 ? (int32_t)(take_u8(in) % (classes > 0 ? classes : 1)) : (int32_t)take_u32(in);
        labels8[i] = (uint8_t)labels[i];
    }
    /* The step in pieces, then the training loop's own step over a data set, then evaluation. */
    float loss = 0;
    int correct = 0;
    nn_status st = nn_forward(net, x, n, 1);
    expect_message(st);
    if (st == NN_OK && (st = nn_loss(net, labels, n, &loss, &correct)) == NN_OK) {
        nn_zero_grad(net);
        expect_message(nn_backward(net));
        expect_message(nn_optim_step(net));
    }
    expect_message(st);
    nn_data *data = nn_data_create_f32(x, labels8, (size_t)n, features);
    if (data) {
        nn_step_result r;
        for (int k = 0; k < 3; k++) expect_message(nn_train_step(net, data, take_size(in, batch), take_u8(in) & 1, &r));
        float acc;
        int32_t *confusion = classes > 0 && classes <= 256 ? malloc((size_t)classes * classes * sizeof(int32_t)) : NULL;
        uint8_t *predictions = malloc((size_t)n);
        /* Labels outside the outputs must be refused before they index the confusion matrix. */
        expect_message(nn_evaluate(net, data, take_size(in, batch), &loss, &acc, confusion, predictions));
        free(confusion);
        free(predictions);
        nn_data_free(data);
    }
    float *probs = classes > 0 ? malloc((size_t)n * classes * sizeof(float)) : NULL;
    if (probs) expect_message(nn_predict(net, x, n, probs));
    free(probs);
    /* The statistics the page asks for, over every tensor. */
    uint32_t counts[40];
    float stats[4];
    nn_histogram(nn_params(net), nn_param_count(net), 40, -1.0f, 1.0f, counts, stats);
    nn_histogram(nn_grads(net), nn_param_count(net), 40, stats[0], stats[1], counts, stats);
    free(x);
    free(labels);
    free(labels8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_input in = {data, size, 0};
    nn_set_memory_budget(BUDGET);
    int c = take_size(&in, 3), h = take_size(&in, 12), w = take_size(&in, 12);
    nn_net *net = nn_net_create(c, h, w);
    if (!net) {
        expect_message(NN_ERR_SHAPE);
        return 0;
    }
    int layers = take_u8(&in) % (MAX_LAYERS + 1);
    double work = 0;
    for (int i = 0; i < layers; i++) add_layer(net, &in, c, &work);
    int batch = take_size(&in, 16);
    size_t bytes = nn_build_bytes(net, batch);
    nn_status st = nn_build(net, batch);
    expect_message(st);
    if ((st == NN_OK) != (bytes > 0)) abort(); /* the plan and the build agree */
    if (st == NN_OK && work * batch <= MAX_WORK) train_a_little(net, batch, &in);
    else if (nn_build(net, batch) == NN_OK) abort(); /* refused twice alike */
    nn_net_free(net);
    return 0;
}
