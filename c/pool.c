/* pool.c: torch.nn.MaxPool2d and AvgPool2d (square kernel, stride, padding; floor mode; avg counts padding). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "layer.h"
#include "parallel.h"
#include "simd.h"

/* Both kinds share torch's rules: padding at most half the kernel (so every
 * window holds at least one real input), and the padded input at least as
 * large as the kernel. */
static nn_status pool_shape(nn_layer *l, int index, const char *name) {
    if (l->kernel < 1)
        return nn_fail(NN_ERR_INVALID, "layer %d (%s): kernel must be at least 1, got %d", index, name, l->kernel);
    if (l->stride < 1)
        return nn_fail(NN_ERR_INVALID, "layer %d (%s): stride must be at least 1, got %d", index, name, l->stride);
    if (l->padding < 0)
        return nn_fail(NN_ERR_INVALID, "layer %d (%s): padding must be 0 or more, got %d", index, name, l->padding);
    if (l->padding > l->kernel / 2)
        return nn_fail(NN_ERR_INVALID,
                       "layer %d (%s): padding %d is more than half the kernel %d (torch requires padding <= kernel/2)",
                       index, name, l->padding, l->kernel);
    int64_t padded_h = (int64_t)l->in_h + 2 * (int64_t)l->padding;
    int64_t padded_w = (int64_t)l->in_w + 2 * (int64_t)l->padding;
    /* keeps every index computed from the padding inside int */
    if (padded_h > INT_MAX || padded_w > INT_MAX)
        return nn_fail(NN_ERR_SHAPE, "layer %d (%s): padding %d makes the padded input of %dx%d larger than 2^31",
                       index, name, l->padding, l->in_h, l->in_w);
    if (l->kernel > padded_h || l->kernel > padded_w)
        return nn_fail(NN_ERR_SHAPE,
                       "layer %d (%s): kernel %d is larger than its padded input %lldx%lld (input %dx%dx%d, padding %d)",
                       index, name, l->kernel, (long long)padded_h, (long long)padded_w, l->in_c, l->in_h, l->in_w,
                       l->padding);
    int64_t out_h = (padded_h - l->kernel) / l->stride + 1;
    int64_t out_w = (padded_w - l->kernel) / l->stride + 1;
    /* padding can make the output a little larger than the input; with
     * padding <= kernel/2, out_h <= in_h + 1, so this product fits int64 */
    if ((int64_t)l->in_c * out_h * out_w > INT_MAX)
        return nn_fail(NN_ERR_SHAPE, "layer %d (%s): output %dx%lldx%lld has more than 2^31 values", index, name,
                       l->in_c, (long long)out_h, (long long)out_w);
    l->out_c = l->in_c;
    l->out_h = (int)out_h;
    l->out_w = (int)out_w;
    l->w_count = l->b_count = l->buf_count = 0;
    return NN_OK;
}

static nn_status maxpool_shape(nn_layer *l, int index) { return pool_shape(l, index, "maxpool"); }
static nn_status avgpool_shape(nn_layer *l, int index) { return pool_shape(l, index, "avgpool"); }

/* One int32 winner per output value; saturates so an absurd batch fails the
 * memory budget instead of wrapping. */
static size_t maxpool_aux_size(const nn_layer *l, int max_batch) {
    size_t per_sample = (size_t)nn_out_size(l) * sizeof(int32_t);
    if (max_batch > 0 && per_sample > SIZE_MAX / (size_t)max_batch) return SIZE_MAX;
    return per_sample * (size_t)(max_batch > 0 ? max_batch : 0);
}

static size_t avgpool_aux_size(const nn_layer *l, int max_batch) {
    (void)l;
    (void)max_batch;
    return 0;
}

/* The window of output index o along one axis, clipped to the real input [0, size). */
static inline void pool_window(int o, int stride, int padding, int kernel, int size, int *start, int *end) {
    int s = o * stride - padding, e = s + kernel;
    *start = s < 0 ? 0 : s;
    *end = e > size ? size : e;
}

/* Shape: x [H][W] -> y [out_h][out_w], win [out_h][out_w]; kernel 2, stride 2, padding 0 (the
 * usual pool, and most of a CNN's pooling time when scanned one window at a time). Four windows
 * at a time: 8 floats of each input row split into even and odd columns give the four candidates
 * of four windows, taken in the same scan order with the same rule as the general loop, so the
 * values and the winners are the same. Indices ride along as floats (exact below 2^24). */
static void maxpool_2x2_plane(const float *x, int W, int out_h, int out_w, float *y, int32_t *win) {
    static const float lane_step[4] = {0.0f, 2.0f, 4.0f, 6.0f};
    const f32x4 steps = f32x4_load(lane_step), one = f32x4_splat(1.0f), row = f32x4_splat((float)W);
    const f32x4 row_one = f32x4_splat((float)W + 1.0f);
    for (int oy = 0; oy < out_h; oy++) {
        const float *r0 = x + (size_t)2 * oy * W, *r1 = r0 + W;
        float *yr = y + (size_t)oy * out_w;
        int32_t *wr = win + (size_t)oy * out_w;
        int ox = 0;
        for (; ox + 4 <= out_w; ox += 4) {
            f32x4 a0 = f32x4_load(r0 + 2 * ox), a1 = f32x4_load(r0 + 2 * ox + 4);
            f32x4 b0 = f32x4_load(r1 + 2 * ox), b1 = f32x4_load(r1 + 2 * ox + 4);
            f32x4 at = f32x4_add(f32x4_splat((float)(2 * oy * W + 2 * ox)), steps);
            f32x4 best = f32x4_even(a0, a1), best_at = at;
            f32x4_argmax_step(&best, &best_at, f32x4_odd(a0, a1), f32x4_add(at, one));
            f32x4_argmax_step(&best, &best_at, f32x4_even(b0, b1), f32x4_add(at, row));
            f32x4_argmax_step(&best, &best_at, f32x4_odd(b0, b1), f32x4_add(at, row_one));
            f32x4_store(yr + ox, best);
            f32x4_store_i32(wr + ox, best_at);
        }
        if (ox < out_w) { /* the last 1-3 windows: the same steps on a partial vector, only their floats read */
            const int left = out_w - ox, m = 2 * left; /* input floats of each row they cover */
            f32x4 a0 = f32x4_load_first(r0 + 2 * ox, m), a1 = f32x4_load_first(r0 + 2 * ox + 4, m - 4);
            f32x4 b0 = f32x4_load_first(r1 + 2 * ox, m), b1 = f32x4_load_first(r1 + 2 * ox + 4, m - 4);
            f32x4 at = f32x4_add(f32x4_splat((float)(2 * oy * W + 2 * ox)), steps);
            f32x4 best = f32x4_even(a0, a1), best_at = at;
            f32x4_argmax_step(&best, &best_at, f32x4_odd(a0, a1), f32x4_add(at, one));
            f32x4_argmax_step(&best, &best_at, f32x4_even(b0, b1), f32x4_add(at, row));
            f32x4_argmax_step(&best, &best_at, f32x4_odd(b0, b1), f32x4_add(at, row_one));
            float vals[4];
            int32_t idx[4];
            f32x4_store(vals, best);
            f32x4_store_i32(idx, best_at);
            for (int i = 0; i < left; i++) {
                yr[ox + i] = vals[i];
                wr[ox + i] = idx[i];
            }
        }
    }
}

/* Pooling is independent plane by plane (one channel of one sample), so every kind here is cut
 * over threads by contiguous ranges of planes; each output is made by one thread as one thread
 * would make it. Below this many input floats per part a job stays on one thread. */
#define POOL_PAR_MIN_FLOATS (1 << 14)

typedef struct {
    nn_layer *l;
    const float *inp;
    float *dinp;
    int write; /* backward: dinp is cleared plane by plane first, not by the net */
} pool_job;

/* Runs fn (a kind's per-plane loop) over the batch's B*C planes of job j, split over threads. */
static void over_planes(nn_par_range_fn fn, pool_job j, int B) {
    nn_par_for(fn, &j, (size_t)B * j.l->in_c, 1, nn_par_parts((size_t)B * nn_in_size(j.l), POOL_PAR_MIN_FLOATS));
}

/* inp [B][C][H][W] -> out [B][C][out_h][out_w]; winners (aux) [B][C][out_h][out_w],
 * each an index y*W + x into its input plane. Padding never wins (torch pads
 * with -inf); on ties the first maximum in row-major scan order wins, and a
 * NaN always takes over, as torch's CPU kernel does. Planes [p0, p1). */
static void maxpool_forward_planes(void *ctx, size_t p0, size_t p1) {
    const pool_job *j = ctx;
    const nn_layer *l = j->l;
    const int H = l->in_h, W = l->in_w;
    const size_t out_hw = (size_t)l->out_h * l->out_w;
    int32_t *winners = (int32_t *)l->aux;
    if (l->kernel == 2 && l->stride == 2 && l->padding == 0) {
        for (size_t p = p0; p < p1; p++)
            maxpool_2x2_plane(j->inp + (size_t)p * H * W, W, l->out_h, l->out_w, l->out + (size_t)p * out_hw,
                              winners + (size_t)p * out_hw);
        return;
    }
    for (size_t p = p0; p < p1; p++) {
        const float *x = j->inp + (size_t)p * H * W;
        float *y = l->out + (size_t)p * out_hw;
        int32_t *win = winners + (size_t)p * out_hw;
        for (int oy = 0; oy < l->out_h; oy++) {
            int y0, y1;
            pool_window(oy, l->stride, l->padding, l->kernel, H, &y0, &y1);
            for (int ox = 0; ox < l->out_w; ox++) {
                int x0, x1;
                pool_window(ox, l->stride, l->padding, l->kernel, W, &x0, &x1);
                float best = -INFINITY;
                int32_t best_at = y0 * W + x0;
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++) {
                        float v = x[iy * W + ix];
                        if (v > best || isnan(v)) {
                            best = v;
                            best_at = iy * W + ix;
                        }
                    }
                y[oy * l->out_w + ox] = best;
                win[oy * l->out_w + ox] = best_at;
            }
        }
    }
}

static void maxpool_forward(nn_net *net, nn_layer *l, const float *inp, int B, int training) {
    (void)net;
    (void)training;
    over_planes(maxpool_forward_planes, (pool_job){l, inp, NULL, 0}, B);
}

/* dout [B][C][out_h][out_w] -> dinp [B][C][H][W] += at each window's winner (=, from +0.0f, while
 * the net has backward write: the plane is cleared here, where it is about to be used). */
static void maxpool_backward_planes(void *ctx, size_t p0, size_t p1) {
    const pool_job *j = ctx;
    const nn_layer *l = j->l;
    const size_t in_hw = (size_t)l->in_h * l->in_w, out_hw = (size_t)l->out_h * l->out_w;
    const int32_t *winners = (const int32_t *)l->aux;
    for (size_t p = p0; p < p1; p++) {
        float *dx = j->dinp + (size_t)p * in_hw;
        const float *dy = l->dout + (size_t)p * out_hw;
        const int32_t *win = winners + (size_t)p * out_hw;
        if (j->write) memset(dx, 0, in_hw * sizeof(float));
        for (size_t o = 0; o < out_hw; o++) dx[win[o]] += dy[o];
    }
}

static void maxpool_backward(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    (void)inp;
    if (!dinp) return;
    over_planes(maxpool_backward_planes, (pool_job){l, NULL, dinp, net->backward_writes}, B);
}

/* inp [B][C][H][W] -> out [B][C][out_h][out_w]. count_include_pad=True with
 * floor mode: a window never reaches past the padding, so the divisor is
 * always kernel*kernel; padded taps add nothing to the sum. Planes [p0, p1). */
static void avgpool_forward_planes(void *ctx, size_t p0, size_t p1) {
    const pool_job *j = ctx;
    const nn_layer *l = j->l;
    const int H = l->in_h, W = l->in_w;
    const float divisor = (float)((int64_t)l->kernel * l->kernel);
    for (size_t p = p0; p < p1; p++) {
        const float *x = j->inp + (size_t)p * H * W;
        float *y = l->out + (size_t)p * l->out_h * l->out_w;
        for (int oy = 0; oy < l->out_h; oy++) {
            int y0, y1;
            pool_window(oy, l->stride, l->padding, l->kernel, H, &y0, &y1);
            for (int ox = 0; ox < l->out_w; ox++) {
                int x0, x1;
                pool_window(ox, l->stride, l->padding, l->kernel, W, &x0, &x1);
                float sum = 0.0f;
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++) sum += x[iy * W + ix];
                y[oy * l->out_w + ox] = sum / divisor;
            }
        }
    }
}

static void avgpool_forward(nn_net *net, nn_layer *l, const float *inp, int B, int training) {
    (void)net;
    (void)training;
    over_planes(avgpool_forward_planes, (pool_job){l, inp, NULL, 0}, B);
}

/* dout [B][C][out_h][out_w] -> dinp [B][C][H][W] += dout / (k*k) over each window's real taps
 * (the plane cleared first while the net has backward write). Planes [p0, p1). */
static void avgpool_backward_planes(void *ctx, size_t p0, size_t p1) {
    const pool_job *j = ctx;
    const nn_layer *l = j->l;
    const int H = l->in_h, W = l->in_w;
    const float divisor = (float)((int64_t)l->kernel * l->kernel);
    for (size_t p = p0; p < p1; p++) {
        float *dx = j->dinp + (size_t)p * H * W;
        const float *dy = l->dout + (size_t)p * l->out_h * l->out_w;
        if (j->write) memset(dx, 0, (size_t)H * W * sizeof(float));
        for (int oy = 0; oy < l->out_h; oy++) {
            int y0, y1;
            pool_window(oy, l->stride, l->padding, l->kernel, H, &y0, &y1);
            for (int ox = 0; ox < l->out_w; ox++) {
                int x0, x1;
                pool_window(ox, l->stride, l->padding, l->kernel, W, &x0, &x1);
                float share = dy[oy * l->out_w + ox] / divisor;
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++) dx[iy * W + ix] += share;
            }
        }
    }
}

static void avgpool_backward(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    (void)inp;
    if (!dinp) return;
    over_planes(avgpool_backward_planes, (pool_job){l, NULL, dinp, net->backward_writes}, B);
}

const nn_layer_ops nn_maxpool_ops = {
    .name = "maxpool",
    .shape = maxpool_shape,
    .aux_size = maxpool_aux_size,
    .workspace_size = NULL,
    .forward = maxpool_forward,
    .backward = maxpool_backward,
    .writes = 1,
};

const nn_layer_ops nn_avgpool_ops = {
    .name = "avgpool",
    .shape = avgpool_shape,
    .aux_size = avgpool_aux_size,
    .workspace_size = NULL,
    .forward = avgpool_forward,
    .backward = avgpool_backward,
    .writes = 1,
};
