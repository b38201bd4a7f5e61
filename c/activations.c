/* activations.c: element-wise activations and softmax, with torch.nn's formulas and backward rules. */
#include <math.h>

#include "layer.h"
#include "simd.h"
#include "softmax.h"

/* The largest |negative_slope| and alpha: must match LIMITS.activation_param of schema.js. */
#define NN_ACTIVATION_PARAM_MAX 1000.0f

static nn_status activation_shape(nn_layer *l, int index) {
    if (l->kind == NN_LAYER_SOFTMAX && l->in_h * l->in_w != 1)
        return nn_fail(NN_ERR_SHAPE, "layer %d (softmax): needs flat features, got %dx%dx%d (put a flatten layer before it)",
                       index, l->in_c, l->in_h, l->in_w);
    /* torch takes any slope and any alpha, and its formulas below hold for all of them (a slope
       above 1 or below 0, an alpha of 0 or 20); these are the schema's caps (schema.js), stated in
       its words, so a value refused here is refused in the same sentence on the page. */
    const float slope = l->negative_slope, alpha = l->alpha;
    if (l->kind == NN_LAYER_LEAKY_RELU && !(slope >= -NN_ACTIVATION_PARAM_MAX && slope <= NN_ACTIVATION_PARAM_MAX))
        return nn_fail(NN_ERR_INVALID, "layer %d (leaky_relu): negative_slope must be a number from -1000 to 1000, got %g",
                       index, (double)slope);
    if (l->kind == NN_LAYER_ELU && !(alpha >= 0.0f && alpha <= NN_ACTIVATION_PARAM_MAX))
        return nn_fail(NN_ERR_INVALID, "layer %d (elu): alpha must be a number from 0 to 1000, got %g", index,
                       (double)alpha);
    l->out_c = l->in_c;
    l->out_h = l->in_h;
    l->out_w = l->in_w;
    return NN_OK;
}

static float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

/* x, y: [B][F]; softmax over each row. */
static void softmax_rows(const float *x, float *y, int B, int F) {
    for (int b = 0; b < B; b++) nn_softmax(x + (size_t)b * F, F, y + (size_t)b * F);
}

/* inp, out: [B][size] */
static void activation_forward(nn_net *net, nn_layer *l, const float *x, int B, int training) {
    (void)net; (void)training;
    size_t n = (size_t)B * nn_out_size(l), i = 0;
    float *y = l->out;
    switch (l->kind) {
    case NN_LAYER_RELU: {
        f32x4 zero = f32x4_splat(0.0f);
        for (; i + 4 <= n; i += 4) f32x4_store(y + i, f32x4_pmax(f32x4_load(x + i), zero));
        for (; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    }
    case NN_LAYER_LEAKY_RELU:
        for (; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : x[i] * l->negative_slope;
        break;
    case NN_LAYER_TANH:
        for (; i < n; i++) y[i] = tanhf(x[i]);
        break;
    case NN_LAYER_SIGMOID:
        for (; i < n; i++) y[i] = sigmoidf(x[i]);
        break;
    case NN_LAYER_ELU:
        for (; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : l->alpha * expm1f(x[i]);
        break;
    case NN_LAYER_SWISH:
        for (; i < n; i++) y[i] = x[i] * sigmoidf(x[i]);
        break;
    case NN_LAYER_SOFTMAX:
        softmax_rows(x, y, B, nn_out_size(l));
        break;
    default: /* identity */
        for (; i < n; i++) y[i] = x[i];
        break;
    }
}

/* What dx[i] holds before this backward adds to it: +0.0f while the net has backward write
 * (nothing is read), so dx[i] = 0.0f + v has the bits of adding v to a cleared dx. */
static inline float dx_before(const float *dx, size_t i, int write) { return write ? 0.0f : dx[i]; }

/* dout, x, y: [B][size]; dinp += dout * f'(x), or = 0.0f + ... while net->backward_writes. */
static void activation_backward(nn_net *net, nn_layer *l, const float *x, float *dx, int B) {
    if (!dx) return;
    const int w = net->backward_writes;
    size_t n = (size_t)B * nn_out_size(l), i = 0;
    const float *y = l->out, *dy = l->dout;
    switch (l->kind) {
    case NN_LAYER_RELU: { /* torch: gradient 0 at x == 0 */
        const f32x4 zero = f32x4_splat(0.0f);
        if (w)
            for (; i + 4 <= n; i += 4)
                f32x4_store(dx + i, f32x4_add(zero, f32x4_select_gt(f32x4_load(x + i), zero, f32x4_load(dy + i), zero)));
        else
            for (; i + 4 <= n; i += 4)
                f32x4_store(dx + i, f32x4_add(f32x4_load(dx + i),
                                              f32x4_select_gt(f32x4_load(x + i), zero, f32x4_load(dy + i), zero)));
        for (; i < n; i++) dx[i] = dx_before(dx, i, w) + (x[i] > 0.0f ? dy[i] : 0.0f);
        break;
    }
    case NN_LAYER_LEAKY_RELU:
        for (; i < n; i++) dx[i] = dx_before(dx, i, w) + (x[i] > 0.0f ? dy[i] : dy[i] * l->negative_slope);
        break;
    case NN_LAYER_TANH:
        for (; i < n; i++) dx[i] = dx_before(dx, i, w) + dy[i] * (1.0f - y[i] * y[i]);
        break;
    case NN_LAYER_SIGMOID:
        for (; i < n; i++) dx[i] = dx_before(dx, i, w) + dy[i] * (1.0f - y[i]) * y[i];
        break;
    case NN_LAYER_ELU: /* torch differentiates alpha*(exp(x)-1) from the input */
        for (; i < n; i++) dx[i] = dx_before(dx, i, w) + (x[i] > 0.0f ? dy[i] : dy[i] * l->alpha * expf(x[i]));
        break;
    case NN_LAYER_SWISH:
        for (; i < n; i++) {
            float s = sigmoidf(x[i]);
            dx[i] = dx_before(dx, i, w) + dy[i] * (s * (1.0f + x[i] * (1.0f - s)));
        }
        break;
    case NN_LAYER_SOFTMAX: {
        int F = nn_out_size(l);
        for (int b = 0; b < B; b++) {
            const float *yr = y + (size_t)b * F, *dr = dy + (size_t)b * F;
            float *xr = dx + (size_t)b * F;
            float dot = 0.0f;
            for (int k = 0; k < F; k++) dot += dr[k] * yr[k];
            for (int k = 0; k < F; k++) xr[k] = dx_before(xr, (size_t)k, w) + yr[k] * (dr[k] - dot);
        }
        break;
    }
    default:
        for (; i < n; i++) dx[i] = dx_before(dx, i, w) + dy[i];
        break;
    }
}

const nn_layer_ops nn_activation_ops = {"activation", activation_shape, NULL, NULL, activation_forward,
                                        activation_backward, 1};
