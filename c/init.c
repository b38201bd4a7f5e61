/* init.c: torch.nn.init's initialisers (and PyTorch's own default for Linear/Conv2d), drawn from
 * the net's init stream, plus the lesson's MSRA formula as it is written. */
#include <math.h>

#include "layer.h"

float nn_calculate_gain(nn_gain nonlinearity, float param) {
    switch (nonlinearity) {
    case NN_GAIN_TANH: return 5.0f / 3.0f;
    case NN_GAIN_RELU: return sqrtf(2.0f);
    case NN_GAIN_LEAKY_RELU: return sqrtf(2.0f / (1.0f + param * param));
    case NN_GAIN_SELU: return 0.75f;
    default: return 1.0f; /* linear, sigmoid, conv */
    }
}

nn_status nn_layer_fans(const nn_net *net, int layer, int *fan_in, int *fan_out) {
    if (!net || layer < 0 || layer >= net->count) return nn_fail(NN_ERR_INVALID, "layer %d does not exist", layer);
    const nn_layer *l = &net->layers[layer];
    int receptive = l->kind == NN_LAYER_CONV2D ? l->kernel * l->kernel : 1;
    if (l->kind == NN_LAYER_DENSE || l->kind == NN_LAYER_CONV2D) {
        *fan_in = l->in_c * receptive;
        *fan_out = l->units * receptive;
        return NN_OK;
    }
    *fan_in = *fan_out = 0;
    return nn_fail(NN_ERR_INVALID, "layer %d (%s) has no weight matrix, so no fan-in or fan-out", layer,
                   nn_kind_name(l->kind));
}

static const char *const init_names[NN_INIT_KIND_COUNT] = {
    "torch_default", "zeros", "constant", "uniform", "normal", "xavier_uniform",
    "xavier_normal", "kaiming_uniform", "kaiming_normal", "msra_lesson"};

static void fill_uniform(nn_rng *r, float *x, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; i++) x[i] = lo + (hi - lo) * nn_rng_uniform(r);
}

static void fill_normal(nn_rng *r, float *x, size_t n, float mean, float std) {
    for (size_t i = 0; i < n; i++) x[i] = mean + std * nn_rng_normal(r);
}

nn_status nn_init_param(nn_net *net, int layer, nn_param_role role, nn_init_kind kind, float a, float b,
                        nn_fan_mode mode, nn_gain nonlinearity) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    if (layer < 0 || layer >= net->count) return nn_fail(NN_ERR_INVALID, "layer %d does not exist", layer);
    if ((unsigned)kind >= NN_INIT_KIND_COUNT) return nn_fail(NN_ERR_INVALID, "layer %d: unknown init %d", layer, (int)kind);
    if (!isfinite(a) || !isfinite(b))
        return nn_fail(NN_ERR_INVALID, "layer %d: init %s needs finite numbers", layer, init_names[kind]);
    nn_layer *l = &net->layers[layer];
    const char *which = role == NN_PARAM_BIAS ? "bias" : "weight";
    float *x = role == NN_PARAM_BIAS ? l->b : l->w;
    size_t n = role == NN_PARAM_BIAS ? l->b_count : l->w_count;
    if (!x) return NN_OK; /* nothing to initialise: no bias, or a layer without parameters */
    int fan_in = 0, fan_out = 0;
    int has_fans = l->kind == NN_LAYER_DENSE || l->kind == NN_LAYER_CONV2D;
    if (has_fans) nn_layer_fans(net, layer, &fan_in, &fan_out);
    nn_rng *r = &net->init_rng;
    int needs_matrix = kind >= NN_INIT_XAVIER_UNIFORM;
    if (needs_matrix && (role == NN_PARAM_BIAS || !has_fans))
        return nn_fail(NN_ERR_INVALID,
                       "layer %d (%s) %s: %s needs a weight matrix's fan-in and fan-out; use zeros, constant, "
                       "uniform, normal or torch_default",
                       layer, nn_kind_name(l->kind), which, init_names[kind]);
    switch (kind) {
    case NN_INIT_TORCH_DEFAULT:
        if (l->kind == NN_LAYER_BATCHNORM) {
            for (size_t i = 0; i < n; i++) x[i] = role == NN_PARAM_BIAS ? 0.0f : 1.0f;
        } else {
            /* weight: kaiming_uniform(a=sqrt 5) = U(+-1/sqrt fan_in); bias: U(+-1/sqrt fan_in) */
            float bound = fan_in > 0 ? 1.0f / sqrtf((float)fan_in) : 0.0f;
            fill_uniform(r, x, n, -bound, bound);
        }
        break;
    case NN_INIT_ZEROS:
        for (size_t i = 0; i < n; i++) x[i] = 0.0f;
        break;
    case NN_INIT_CONSTANT:
        for (size_t i = 0; i < n; i++) x[i] = a;
        break;
    case NN_INIT_UNIFORM:
        if (!(a <= b)) return nn_fail(NN_ERR_INVALID, "layer %d %s: uniform needs a <= b, got a=%g b=%g", layer, which, (double)a, (double)b);
        fill_uniform(r, x, n, a, b);
        break;
    case NN_INIT_NORMAL:
        if (!(b >= 0.0f)) return nn_fail(NN_ERR_INVALID, "layer %d %s: normal needs std >= 0, got %g", layer, which, (double)b);
        fill_normal(r, x, n, a, b);
        break;
    case NN_INIT_XAVIER_UNIFORM: {
        float bound = a * sqrtf(6.0f / (float)(fan_in + fan_out));
        fill_uniform(r, x, n, -bound, bound);
        break;
    }
    case NN_INIT_XAVIER_NORMAL:
        fill_normal(r, x, n, 0.0f, a * sqrtf(2.0f / (float)(fan_in + fan_out)));
        break;
    case NN_INIT_KAIMING_UNIFORM:
    case NN_INIT_KAIMING_NORMAL: {
        if ((unsigned)nonlinearity > NN_GAIN_SELU)
            return nn_fail(NN_ERR_INVALID, "layer %d %s: unknown nonlinearity %d", layer, which, (int)nonlinearity);
        int fan = mode == NN_FAN_OUT ? fan_out : fan_in;
        float std = nn_calculate_gain(nonlinearity, a) / sqrtf((float)fan);
        if (kind == NN_INIT_KAIMING_UNIFORM) fill_uniform(r, x, n, -sqrtf(3.0f) * std, sqrtf(3.0f) * std);
        else fill_normal(r, x, n, 0.0f, std);
        break;
    }
    case NN_INIT_MSRA_LESSON:
        fill_normal(r, x, n, 0.0f, sqrtf(1.0f / (float)fan_in));
        break;
    default:
        break;
    }
    return NN_OK;
}

nn_status nn_init_all(nn_net *net, nn_init_kind kind, float a, float b, nn_fan_mode mode, nn_gain nonlinearity) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    for (int i = 0; i < net->count; i++) {
        nn_layer *l = &net->layers[i];
        if (!l->w_count && !l->b_count) continue;
        int matrix = l->kind == NN_LAYER_DENSE || l->kind == NN_LAYER_CONV2D;
        nn_init_kind wk = matrix ? kind : NN_INIT_TORCH_DEFAULT; /* batch-norm keeps 1 and 0 */
        nn_status st = nn_init_param(net, i, NN_PARAM_WEIGHT, wk, a, b, mode, nonlinearity);
        /* zeros and constant set biases too (the lesson's all-zero and same-sign cases); other
         * kinds leave biases at torch's default, as torch.nn.init applied to .weight would */
        nn_init_kind bk = kind == NN_INIT_ZEROS || kind == NN_INIT_CONSTANT ? kind : NN_INIT_TORCH_DEFAULT;
        if (st == NN_OK && !(l->kind == NN_LAYER_BATCHNORM))
            st = nn_init_param(net, i, NN_PARAM_BIAS, bk, a, b, mode, nonlinearity);
        else if (st == NN_OK)
            st = nn_init_param(net, i, NN_PARAM_BIAS, NN_INIT_TORCH_DEFAULT, 0, 0, mode, nonlinearity);
        if (st != NN_OK) return st;
    }
    return NN_OK;
}
