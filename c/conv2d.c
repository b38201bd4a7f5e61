/* conv2d.c: torch.nn.Conv2d (square kernel, stride, zero padding, optional bias): stride 1 by the
 * direct kernels of conv_direct.c, other strides as im2col + GEMM. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv_direct.h"
#include "gemm.h"
#include "im2col.h"
#include "layer.h"
#include "parallel.h"
#include "simd.h"

/* a * b for non-negative sizes, or -1 once the product passes INT_MAX: every
 * count here must fit the int loops and the int GEMM arguments. */
static int64_t mul_int(int64_t a, int64_t b) {
    if (a < 0 || b < 0) return -1;
    if (a != 0 && b > INT_MAX / a) return -1;
    return a * b;
}

/* A 1x1 kernel with stride 1 and no padding makes the column matrix the input
 * itself, so the copy (and its fold back) is skipped. */
static int conv2d_is_pointwise(const nn_layer *l) { return l->kernel == 1 && l->stride == 1 && l->padding == 0; }

/* Stride 1 goes through conv_direct.c, which reads the padded image in place: at the MNIST
 * shapes writing im2col columns cost as much as the GEMM. The input gradient is the forward
 * kernel run on dy padded by kernel - 1 - padding with flipped weights, so the padding must not
 * pass kernel - 1 (torch allows more; such layers keep im2col). */
static int conv2d_is_direct(const nn_layer *l) {
    return l->stride == 1 && l->padding <= l->kernel - 1 && !conv2d_is_pointwise(l);
}

/* Width of the transposed dy and weight-gradient matrices of the direct path: the register
 * blocks read 8 or 16 channels at a time, so the channels are zero-padded to a multiple of 8. */
static int conv2d_lanes(const nn_layer *l) { return (l->units + 7) / 8 * 8; }

/* The direct path's workspace, in floats, and where each part starts. */
typedef struct {
    size_t xp, dyT, dwT, dyp, wf, total;
} direct_plan;

static direct_plan conv2d_direct_plan(const nn_layer *l) {
    const size_t taps = (size_t)l->in_c * l->kernel * l->kernel, out_hw = (size_t)l->out_h * l->out_w;
    const size_t lanes = (size_t)conv2d_lanes(l);
    direct_plan p;
    p.xp = 0;
    p.dyT = p.xp + nn_conv_padded_size(l->in_c, l->in_h, l->in_w, l->padding);
    p.dwT = p.dyT + out_hw * lanes;
    p.dyp = p.dwT + taps * lanes;
    p.wf = p.dyp + nn_conv_padded_size(l->units, l->out_h, l->out_w, l->kernel - 1 - l->padding);
    p.total = p.wf + taps * (size_t)l->units;
    return p;
}

static nn_status conv2d_shape(nn_layer *l, int index) {
    if (l->units < 1)
        return nn_fail(NN_ERR_INVALID, "layer %d (conv2d): out_channels must be at least 1, got %d", index, l->units);
    if (l->kernel < 1)
        return nn_fail(NN_ERR_INVALID, "layer %d (conv2d): kernel must be at least 1, got %d", index, l->kernel);
    if (l->stride < 1)
        return nn_fail(NN_ERR_INVALID, "layer %d (conv2d): stride must be at least 1, got %d", index, l->stride);
    if (l->padding < 0)
        return nn_fail(NN_ERR_INVALID, "layer %d (conv2d): padding must be 0 or more, got %d", index, l->padding);
    int64_t padded_h = (int64_t)l->in_h + 2 * (int64_t)l->padding;
    int64_t padded_w = (int64_t)l->in_w + 2 * (int64_t)l->padding;
    /* keeps every index computed from the padding inside int */
    if (padded_h > INT_MAX || padded_w > INT_MAX)
        return nn_fail(NN_ERR_SHAPE, "layer %d (conv2d): padding %d makes the padded input of %dx%d larger than 2^31",
                       index, l->padding, l->in_h, l->in_w);
    if (l->kernel > padded_h || l->kernel > padded_w)
        return nn_fail(NN_ERR_SHAPE,
                       "layer %d (conv2d): kernel %d is larger than its padded input %lldx%lld "
                       "(input %dx%dx%d, padding %d)",
                       index, l->kernel, (long long)padded_h, (long long)padded_w, l->in_c, l->in_h, l->in_w,
                       l->padding);
    int64_t out_h = (padded_h - l->kernel) / l->stride + 1;
    int64_t out_w = (padded_w - l->kernel) / l->stride + 1;
    int64_t out_hw = mul_int(out_h, out_w);
    int64_t out_size = mul_int(l->units, out_hw);
    if (out_size < 0)
        return nn_fail(NN_ERR_SHAPE, "layer %d (conv2d): output %dx%lldx%lld has more than 2^31 values", index,
                       l->units, (long long)out_h, (long long)out_w);
    int64_t taps = mul_int(mul_int(l->in_c, l->kernel), l->kernel);
    int64_t weights = mul_int(taps, l->units);
    if (weights < 0)
        return nn_fail(NN_ERR_SHAPE, "layer %d (conv2d): weight %dx%dx%dx%d has more than 2^31 values", index,
                       l->units, l->in_c, l->kernel, l->kernel);
    /* the backward pass keeps two column matrices in the workspace */
    if (mul_int(mul_int(taps, out_hw), 2) < 0)
        return nn_fail(NN_ERR_SHAPE,
                       "layer %d (conv2d): its im2col workspace (%lld taps x %lld positions, twice) "
                       "has more than 2^31 values",
                       index, (long long)taps, (long long)out_hw);
    l->out_c = l->units;
    l->out_h = (int)out_h;
    l->out_w = (int)out_w;
    l->w_count = (size_t)weights;
    l->b_count = l->has_bias ? (size_t)l->units : 0;
    l->buf_count = 0;
    return NN_OK;
}

static size_t conv2d_aux_size(const nn_layer *l, int max_batch) {
    (void)l;
    (void)max_batch;
    return 0;
}

/* Per sample (samples run one after another): the column matrix, and a second matrix of the same
 * size for the column gradient (a pointwise layer's input gradient needs none). */
static size_t conv2d_workspace_size(const nn_layer *l, int max_batch) {
    (void)max_batch;
    if (conv2d_is_direct(l)) return conv2d_direct_plan(l).total;
    size_t col = (size_t)l->in_c * l->kernel * l->kernel * (size_t)l->out_h * l->out_w;
    return conv2d_is_pointwise(l) ? col : 2 * col;
}

/* Threads: each part of a direct convolution needs its own padded input (and, backward, its own
 * transposed dy and padded dy). Part 0 uses the workspace; the others use net->thread_ws, grown
 * on first use. Returns the parts that fit (1 when the memory cannot be had: same bits, slower).
 * The forward and the input gradient, cut by sample, take up to NN_PAR_SPLIT parts a thread
 * (nn_par_split): parts of a few samples each go to whichever thread is free, so one that a
 * neighbour slows down does less of the layer, instead of the others waiting for its half. In
 * `node tests/bench/threads.mjs` (16 rounds) W2 and W3's medians on 2 threads moved by -1 to +4 %
 * alone and +2 to +12 % with the products split as well (which cost W1 5 %, so they are not).
 * The weight gradient stays at one part a thread: each part transposes all of dy. */
static int conv2d_parts(nn_net *net, int want, size_t per_part) {
    if (want > NN_MAX_THREADS) want = NN_MAX_THREADS;
    if (want <= 1 || nn_par_threads() <= 1) return 1;
    size_t need = (size_t)(want - 1) * per_part;
    if (net->thread_ws_count < need) {
        float *ws = realloc(net->thread_ws, need * sizeof(float));
        if (!ws) return 1;
        net->thread_ws = ws;
        net->thread_ws_count = need;
    }
    return want;
}

static float *part_ws(nn_net *net, float *own, int part, size_t per_part) {
    return part == 0 ? own : net->thread_ws + (size_t)(part - 1) * per_part;
}

typedef struct {
    nn_net *net;
    nn_layer *l;
    const float *inp;
    float *dinp;
    int B;
} conv_job;

/* Samples [b0, b1) of the forward: each output starts from its bias, then the taps in order. */
static void forward_part(void *ctx, int part, int parts) {
    const conv_job *j = ctx;
    nn_layer *l = j->l;
    const size_t in_size = (size_t)nn_in_size(l), out_size = (size_t)nn_out_size(l);
    const int pad = l->padding;
    const size_t xp_size = nn_conv_padded_size(l->in_c, l->in_h, l->in_w, pad);
    float *xp = part_ws(j->net, j->net->workspace + conv2d_direct_plan(l).xp, part, xp_size);
    int b0, b1;
    nn_par_range(j->B, 1, part, parts, &b0, &b1);
    for (int b = b0; b < b1; b++) {
        nn_conv_pad(j->inp + (size_t)b * in_size, l->in_c, l->in_h, l->in_w, pad, xp, b > b0);
        nn_conv_direct(l->units, l->in_c, l->kernel, l->w, xp, l->in_h + 2 * pad, l->in_w + 2 * pad,
                       l->out + (size_t)b * out_size, 1, l->b_count ? l->b : NULL);
    }
}

/* inp [B][in_c][in_h][in_w] -> out [B][units][out_h][out_w], stride 1; workspace xp [in_c][in_h + 2p][in_w + 2p].
 * Samples are independent: split by sample (conv2d_parts). */
static void conv2d_forward_direct(nn_net *net, nn_layer *l, const float *inp, int B) {
    conv_job j = {net, l, inp, NULL, B};
    int parts = conv2d_parts(net, nn_par_split(B), nn_conv_padded_size(l->in_c, l->in_h, l->in_w, l->padding));
    nn_par_run(forward_part, &j, parts);
}

/* Per part, its own dyT, xp, dyp, in that order. */
static size_t backward_part_size(const nn_layer *l) {
    const size_t out_hw = (size_t)l->out_h * l->out_w;
    return out_hw * (size_t)conv2d_lanes(l) + nn_conv_padded_size(l->in_c, l->in_h, l->in_w, l->padding) +
           nn_conv_padded_size(l->units, l->out_h, l->out_w, l->kernel - 1 - l->padding);
}

/* Which rows of dW^T (taps, (channel, ky, kx)) part `part` of `parts` sums, and the input channels
 * [*c0, *c1) they read. With at least as many input channels as parts the cut falls between whole
 * channels, so each part pads only its own; with fewer (a first layer reads 1 channel) it falls
 * between taps, and each part pads the channels its taps read. */
static void weight_grad_taps(const nn_layer *l, int part, int parts, int *t0, int *t1, int *c0, int *c1) {
    const int kk = l->kernel * l->kernel;
    nn_par_range(l->in_c * kk, l->in_c >= parts ? kk : 1, part, parts, t0, t1);
    *c0 = *t0 / kk;
    *c1 = *t1 > *t0 ? (*t1 - 1) / kk + 1 : *c0;
}

/* The weight (and bias) gradient for the taps of this part, every sample in order: each element of
 * dW^T adds sample after sample, position after position, whatever the split. Every part has all
 * of dyT, so each also sums the bias gradient of its own share of the output channels (groups of
 * 4, one vector), each channel sample after sample, position after position. */
static void weight_grad_part(void *ctx, int part, int parts) {
    const conv_job *j = ctx;
    nn_layer *l = j->l;
    const int k = l->kernel, pad = l->padding, units = l->units, lanes = conv2d_lanes(l), out_hw = l->out_h * l->out_w;
    const size_t in_size = (size_t)nn_in_size(l), out_size = (size_t)nn_out_size(l), plane = (size_t)l->in_h * l->in_w;
    const direct_plan p = conv2d_direct_plan(l);
    float *dyT = part_ws(j->net, j->net->workspace + p.dyT, part, backward_part_size(l));
    float *xp = part == 0 ? j->net->workspace + p.xp : dyT + (size_t)out_hw * lanes;
    float *dwT = j->net->workspace + p.dwT;
    int t0, t1, c0, c1, oc0, oc1;
    weight_grad_taps(l, part, parts, &t0, &t1, &c0, &c1);
    nn_par_range(l->b_count ? units : 0, 4, part, parts, &oc0, &oc1);
    for (int b = 0; b < j->B; b++) {
        nn_transpose_pad(l->dout + (size_t)b * out_size, units, out_hw, (size_t)out_hw, dyT, (size_t)lanes);
        /* db[oc] += dy[oc][0] + dy[oc][1] + ..., four channels per vector */
        int oc = oc0;
        for (; oc + 4 <= oc1; oc += 4) {
            f32x4 acc = f32x4_load(l->db + oc);
            for (int i = 0; i < out_hw; i++) acc = f32x4_add(acc, f32x4_load(dyT + (size_t)i * lanes + oc));
            f32x4_store(l->db + oc, acc);
        }
        for (; oc < oc1; oc++) {
            float acc = l->db[oc];
            for (int i = 0; i < out_hw; i++) acc += dyT[(size_t)i * lanes + oc];
            l->db[oc] = acc;
        }
        if (t0 >= t1) continue;
        const int first = c0 * k * k;
        nn_conv_pad(j->inp + (size_t)b * in_size + (size_t)c0 * plane, c1 - c0, l->in_h, l->in_w, pad, xp, b > 0);
        nn_conv_direct_dw_taps(t0 - first, t1 - first, k, xp, l->in_h + 2 * pad, l->in_w + 2 * pad, dyT, lanes,
                               dwT + (size_t)first * lanes);
    }
}

/* Samples [b0, b1) of the input gradient: the flipped weights over dy padded by kernel - 1 - padding;
 * while the net has backward write, each sample's dinp is overwritten from +0.0f instead of added to. */
static void input_grad_part(void *ctx, int part, int parts) {
    const conv_job *j = ctx;
    nn_layer *l = j->l;
    const int k = l->kernel, dpad = k - 1 - l->padding, units = l->units;
    const size_t in_size = (size_t)nn_in_size(l), out_size = (size_t)nn_out_size(l);
    const direct_plan p = conv2d_direct_plan(l);
    float *dyp = part == 0 ? j->net->workspace + p.dyp
                           : part_ws(j->net, NULL, part, backward_part_size(l)) + (size_t)l->out_h * l->out_w * conv2d_lanes(l) +
                                 nn_conv_padded_size(l->in_c, l->in_h, l->in_w, l->padding);
    int b0, b1;
    nn_par_range(j->B, 1, part, parts, &b0, &b1);
    for (int b = b0; b < b1; b++) {
        nn_conv_pad(l->dout + (size_t)b * out_size, units, l->out_h, l->out_w, dpad, dyp, b > b0);
        nn_conv_direct(l->in_c, units, k, j->net->workspace + p.wf, dyp, l->out_h + 2 * dpad, l->out_w + 2 * dpad,
                       j->dinp + (size_t)b * in_size, j->net->backward_writes, NULL);
    }
}

/* dout [B][units][out_h*out_w] -> dweight [units][in_c*k*k] +=, dbias [units] +=, dinp [B][in_c][in_h][in_w] +=,
 * stride 1 (= instead of +=, from +0.0f, while the net has backward write). dyT = dy^T (channels
 * padded to `lanes`), whose rows also sum into the bias gradient; dW^T += the padded input
 * against dyT (split over threads by taps: weight_grad_taps); dinp += the flipped weights run
 * over dy padded by kernel - 1 - padding (split by sample). dW^T lives in the workspace for the
 * whole batch. */
static void conv2d_backward_direct(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    const int k = l->kernel, units = l->units, lanes = conv2d_lanes(l), taps = l->in_c * k * k;
    const direct_plan p = conv2d_direct_plan(l);
    float *dwT = net->workspace + p.dwT, *wf = net->workspace + p.wf;
    conv_job j = {net, l, inp, dinp, B};
    if (net->backward_writes) {
        memset(dwT, 0, (size_t)taps * lanes * sizeof(float));
        if (l->b_count) memset(l->db, 0, l->b_count * sizeof(float));
    } else {
        nn_transpose_pad(l->dw, units, taps, (size_t)taps, dwT, (size_t)lanes);
    }
    const int threads = nn_par_threads();
    const int want = l->in_c >= threads ? l->in_c : taps; /* parts: weight_grad_taps */
    nn_par_run(weight_grad_part, &j, conv2d_parts(net, want < threads ? want : threads, backward_part_size(l)));
    nn_transpose_pad(dwT, taps, units, (size_t)lanes, l->dw, (size_t)taps);
    if (!dinp) return;
    for (int c = 0; c < l->in_c; c++) /* wf[c][oc][ky][kx] = w[oc][c][k-1-ky][k-1-kx] */
        for (int oc = 0; oc < units; oc++) {
            const float *src = l->w + ((size_t)oc * l->in_c + c) * k * k;
            float *dst = wf + ((size_t)c * units + oc) * k * k;
            for (int t = 0; t < k * k; t++) dst[t] = src[k * k - 1 - t];
        }
    nn_par_run(input_grad_part, &j, conv2d_parts(net, nn_par_split(B), backward_part_size(l)));
}

/* inp [B][in_c][in_h][in_w], weight [units][in_c*k*k], bias [units] or none,
 * out [B][units][out_h*out_w]; workspace col [in_c*k*k][out_h*out_w] */
static void conv2d_forward(nn_net *net, nn_layer *l, const float *inp, int B, int training) {
    (void)training;
    if (conv2d_is_direct(l)) {
        conv2d_forward_direct(net, l, inp, B);
        return;
    }
    const int taps = l->in_c * l->kernel * l->kernel, out_hw = l->out_h * l->out_w;
    const size_t in_size = (size_t)nn_in_size(l), out_size = (size_t)nn_out_size(l);
    const int pointwise = conv2d_is_pointwise(l);
    float *col = net->workspace;
    for (int b = 0; b < B; b++) {
        const float *x = inp + (size_t)b * in_size;
        float *y = l->out + (size_t)b * out_size;
        /* the GEMM adds onto y, so y starts as the bias: bias first, then taps in order */
        for (int oc = 0; oc < l->units; oc++) {
            float start = l->b_count ? l->b[oc] : 0.0f;
            float *row = y + (size_t)oc * out_hw;
            for (int i = 0; i < out_hw; i++) row[i] = start;
        }
        const float *cols = x;
        if (!pointwise) {
            nn_im2col(x, l->in_c, l->in_h, l->in_w, l->kernel, l->stride, l->padding, l->out_h, l->out_w, col);
            cols = col;
        }
        nn_gemm_nn(l->units, out_hw, taps, l->w, taps, cols, out_hw, y, out_hw);
    }
}

/* dout [B][units][out_h*out_w] -> dweight [units][in_c*k*k] +=, dbias [units] +=,
 * dinp [B][in_c][in_h][in_w] += (skipped when NULL) */
static void conv2d_backward(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    if (conv2d_is_direct(l)) {
        conv2d_backward_direct(net, l, inp, dinp, B);
        return;
    }
    const int taps = l->in_c * l->kernel * l->kernel, out_hw = l->out_h * l->out_w;
    const size_t in_size = (size_t)nn_in_size(l), out_size = (size_t)nn_out_size(l);
    const size_t col_count = (size_t)taps * out_hw;
    const int pointwise = conv2d_is_pointwise(l);
    float *col = net->workspace;
    float *dcol = net->workspace + col_count; /* the input's column gradients, after the columns */
    if (net->backward_writes) { /* this path only adds: what it adds to starts cleared */
        if (dinp) memset(dinp, 0, (size_t)B * in_size * sizeof(float));
        memset(l->dw, 0, l->w_count * sizeof(float));
        if (l->b_count) memset(l->db, 0, l->b_count * sizeof(float));
    }
    for (int b = 0; b < B; b++) {
        const float *x = inp + (size_t)b * in_size;
        const float *dy = l->dout + (size_t)b * out_size;
        if (l->b_count) {
            for (int oc = 0; oc < l->units; oc++) {
                const float *row = dy + (size_t)oc * out_hw;
                float acc = l->db[oc];
                for (int i = 0; i < out_hw; i++) acc += row[i];
                l->db[oc] = acc;
            }
        }
        const float *cols = x;
        if (!pointwise) {
            nn_im2col(x, l->in_c, l->in_h, l->in_w, l->kernel, l->stride, l->padding, l->out_h, l->out_w, col);
            cols = col;
        }
        /* dweight[units][taps] += dy[units][out_hw] * cols[taps][out_hw]^T */
        nn_gemm_nt(l->units, taps, out_hw, dy, out_hw, cols, out_hw, l->dw, taps);
        if (!dinp) continue;
        float *dx = dinp + (size_t)b * in_size;
        if (pointwise) {
            /* dx[in_c][hw] += weight[units][in_c]^T * dy[units][hw] */
            nn_gemm_tn(taps, out_hw, l->units, l->w, taps, dy, out_hw, dx, out_hw);
        } else {
            /* dcol[taps][out_hw] = weight^T * dy, then fold the taps back onto the input */
            memset(dcol, 0, col_count * sizeof(float));
            nn_gemm_tn(taps, out_hw, l->units, l->w, taps, dy, out_hw, dcol, out_hw);
            nn_col2im_add(dcol, l->in_c, l->in_h, l->in_w, l->kernel, l->stride, l->padding, l->out_h, l->out_w,
                          dx);
        }
    }
}

const nn_layer_ops nn_conv2d_ops = {
    .name = "conv2d",
    .shape = conv2d_shape,
    .aux_size = conv2d_aux_size,
    .workspace_size = conv2d_workspace_size,
    .forward = conv2d_forward,
    .backward = conv2d_backward,
    .writes = 1,
};
