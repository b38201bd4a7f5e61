/* activations.c: element-wise activations and softmax, with torch.nn's formulas and backward rules. */
#include <math.h>

#include "layer.h"
#include "parallel.h"
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

/* Every activation is element by element (softmax row by row), so each is cut over threads by
 * contiguous ranges: of whole groups of 4 floats (a part's vector loop meets the same lanes, and
 * only the last part has a scalar tail, as on one thread) or of rows. Below this many floats per
 * part (fewer for the kinds that call exp or tanh) a job stays on one thread. */
#define ACT_PAR_MIN_FLOATS (1 << 14)
#define ACT_PAR_MIN_FLOATS_EXP (1 << 11)

typedef struct {
    const nn_layer *l;
    const float *x, *y, *dy; /* input, output, output gradient: [B][size] */
    float *out;              /* forward: y; backward: dx */
    int write;               /* backward: dx = 0.0f + ..., not dx += ... */
} act_job;

static int act_parts(const nn_layer *l, size_t n) {
    int cheap = l->kind == NN_LAYER_RELU || l->kind == NN_LAYER_LEAKY_RELU || l->kind == NN_LAYER_IDENTITY;
    return nn_par_parts(n, cheap ? ACT_PAR_MIN_FLOATS : ACT_PAR_MIN_FLOATS_EXP);
}

/* x [rows][F] -> y [rows][F]: softmax over each row of [r0, r1). */
static void softmax_rows(void *ctx, size_t r0, size_t r1) {
    const act_job *j = ctx;
    const size_t F = (size_t)nn_out_size(j->l);
    for (size_t b = r0; b < r1; b++) nn_softmax(j->x + b * F, (int)F, j->out + b * F);
}

/* Floats [begin, end) of inp, out: [B][size] */
static void activation_forward_range(void *ctx, size_t begin, size_t end) {
    const act_job *j = ctx;
    const nn_layer *l = j->l;
    const size_t n = end - begin;
    const float *x = j->x + begin;
    float *y = j->out + begin;
    size_t i = 0;
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
    default: /* identity */
        for (; i < n; i++) y[i] = x[i];
        break;
    }
}

/* inp, out: [B][size] */
static void activation_forward(nn_net *net, nn_layer *l, const float *x, int B, int training) {
    (void)net; (void)training;
    const size_t n = (size_t)B * nn_out_size(l);
    act_job j = {l, x, l->out, NULL, l->out, 0};
    if (l->kind == NN_LAYER_SOFTMAX) nn_par_for(softmax_rows, &j, B, 1, act_parts(l, n));
    else nn_par_for(activation_forward_range, &j, n, 4, act_parts(l, n));
}

/* What dx[i] holds before this backward adds to it: +0.0f while the net has backward write
 * (nothing is read), so dx[i] = 0.0f + v has the bits of adding v to a cleared dx. */
static inline float dx_before(const float *dx, size_t i, int write) { return write ? 0.0f : dx[i]; }

/* Rows [r0, r1) of softmax's backward: dx += y * (dy - dy . y), each row's dot in order. */
static void softmax_backward_rows(void *ctx, size_t r0, size_t r1) {
    const act_job *j = ctx;
    const int F = nn_out_size(j->l), w = j->write;
    for (size_t b = r0; b < r1; b++) {
        const float *yr = j->y + (size_t)b * F, *dr = j->dy + (size_t)b * F;
        float *xr = j->out + (size_t)b * F;
        float dot = 0.0f;
        for (int k = 0; k < F; k++) dot += dr[k] * yr[k];
        for (int k = 0; k < F; k++) xr[k] = dx_before(xr, (size_t)k, w) + yr[k] * (dr[k] - dot);
    }
}

/* Floats [begin, end) of dout, x, y: [B][size]; dinp += dout * f'(x), or = 0.0f + ... while the
 * net has backward write. */
static void activation_backward_range(void *ctx, size_t begin, size_t end) {
    const act_job *j = ctx;
    const nn_layer *l = j->l;
    const int w = j->write;
    const size_t n = end - begin;
    const float *x = j->x + begin, *y = j->y + begin, *dy = j->dy + begin;
    float *dx = j->out + begin;
    size_t i = 0;
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
    default:
        for (; i < n; i++) dx[i] = dx_before(dx, i, w) + dy[i];
        break;
    }
}

/* dout, x, y: [B][size]; dinp += dout * f'(x), or = 0.0f + ... while net->backward_writes. */
static void activation_backward(nn_net *net, nn_layer *l, const float *x, float *dx, int B) {
    if (!dx) return;
    const size_t n = (size_t)B * nn_out_size(l);
    act_job j = {l, x, l->out, l->dout, dx, net->backward_writes};
    if (l->kind == NN_LAYER_SOFTMAX) nn_par_for(softmax_backward_rows, &j, B, 1, act_parts(l, n));
    else nn_par_for(activation_backward_range, &j, n, 4, act_parts(l, n));
}

const nn_layer_ops nn_activation_ops = {"activation", activation_shape, NULL, NULL, activation_forward,
                                        activation_backward, 1};
