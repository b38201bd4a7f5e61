/* dropout.c: torch.nn.Dropout (inverted: kept values scaled by 1/(1-p) in training, identity in eval). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "layer.h"
#include "simd.h"

/* aux: this header, then mask [max_batch][size] (0 or 1/(1-p)). The header
 * tells backward whether the last forward applied a mask, so a backward after
 * an eval forward passes the gradient through unchanged. 16 bytes keep the
 * mask as aligned as the aux block itself. */
typedef struct {
    int32_t masked;
    int32_t pad[3];
} dropout_state;

static float *dropout_mask(const nn_layer *l) { return (float *)((char *)l->aux + sizeof(dropout_state)); }

static nn_status dropout_shape(nn_layer *l, int index) {
    if (!(l->drop_p >= 0.0f && l->drop_p <= 1.0f))
        return nn_fail(NN_ERR_INVALID, "layer %d (dropout): p must be between 0 and 1, got %g", index,
                       (double)l->drop_p);
    l->out_c = l->in_c;
    l->out_h = l->in_h;
    l->out_w = l->in_w;
    l->w_count = l->b_count = l->buf_count = 0;
    return NN_OK;
}

static size_t dropout_aux_size(const nn_layer *l, int max_batch) {
    size_t per_sample = (size_t)nn_in_size(l) * sizeof(float);
    size_t batch = (size_t)(max_batch > 0 ? max_batch : 0);
    /* saturate so an absurd batch fails the memory budget instead of wrapping */
    if (batch && per_sample > (SIZE_MAX - sizeof(dropout_state)) / batch) return SIZE_MAX;
    return sizeof(dropout_state) + per_sample * batch;
}

/* out[n] = a[n] * b[n] (or += when accumulate), n = B * size */
static void mul_elementwise(float *out, const float *a, const float *b, size_t n, int accumulate) {
    size_t i = 0;
    if (accumulate) {
        for (; i + 4 <= n; i += 4)
            f32x4_store(out + i, f32x4_add(f32x4_load(out + i), f32x4_mul(f32x4_load(a + i), f32x4_load(b + i))));
        for (; i < n; i++) out[i] += a[i] * b[i];
    } else {
        for (; i + 4 <= n; i += 4) f32x4_store(out + i, f32x4_mul(f32x4_load(a + i), f32x4_load(b + i)));
        for (; i < n; i++) out[i] = a[i] * b[i];
    }
}

/* inp [B][size] -> out [B][size]; mask (aux) [B][size] drawn from net->dropout_rng
 * in sample-major order, one uniform per value, so a seed fixes the mask. */
static void dropout_forward(nn_net *net, nn_layer *l, const float *inp, int B, int training) {
    dropout_state *state = (dropout_state *)l->aux;
    const size_t n = (size_t)B * (size_t)nn_in_size(l);
    const float p = l->drop_p;
    /* torch returns the input untouched (and draws nothing) for p = 0 or eval */
    if (!training || p == 0.0f) {
        state->masked = 0;
        memcpy(l->out, inp, n * sizeof(float));
        return;
    }
    state->masked = 1;
    float *mask = dropout_mask(l);
    /* p = 1 drops everything; 1/(1-p) would be inf and 0*inf NaN */
    const float scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
    for (size_t i = 0; i < n; i++) mask[i] = nn_rng_uniform(&net->dropout_rng) >= p ? scale : 0.0f;
    mul_elementwise(l->out, inp, mask, n, 0);
}

/* dout [B][size] -> dinp [B][size] += dout * mask */
static void dropout_backward(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    (void)net;
    (void)inp;
    if (!dinp) return;
    const dropout_state *state = (const dropout_state *)l->aux;
    const size_t n = (size_t)B * (size_t)nn_in_size(l);
    if (state->masked) {
        mul_elementwise(dinp, l->dout, dropout_mask(l), n, 1);
    } else {
        size_t i = 0;
        for (; i + 4 <= n; i += 4)
            f32x4_store(dinp + i, f32x4_add(f32x4_load(dinp + i), f32x4_load(l->dout + i)));
        for (; i < n; i++) dinp[i] += l->dout[i];
    }
}

const nn_layer_ops nn_dropout_ops = {
    .name = "dropout",
    .shape = dropout_shape,
    .aux_size = dropout_aux_size,
    .workspace_size = NULL,
    .forward = dropout_forward,
    .backward = dropout_backward,
};
