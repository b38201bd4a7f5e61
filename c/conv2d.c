/* conv2d.c: torch.nn.Conv2d (square kernel, stride, zero padding, optional bias): stride 1 by the
 * direct kernels of conv_direct.c, other strides as im2col + GEMM. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "conv_direct.h"
#include "gemm.h"
#include "im2col.h"
#include "layer.h"
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

/* inp [B][in_c][in_h][in_w] -> out [B][units][out_h][out_w], stride 1; workspace xp [in_c][in_h + 2p][in_w + 2p] */
static void conv2d_forward_direct(nn_net *net, nn_layer *l, const float *inp, int B) {
    const size_t in_size = (size_t)nn_in_size(l), out_size = (size_t)nn_out_size(l);
    const int pad = l->padding;
    float *xp = net->workspace + conv2d_direct_plan(l).xp;
    for (int b = 0; b < B; b++) { /* each output starts from its bias, then the taps in order */
        nn_conv_pad(inp + (size_t)b * in_size, l->in_c, l->in_h, l->in_w, pad, xp, b > 0);
        nn_conv_direct(l->units, l->in_c, l->kernel, l->w, xp, l->in_h + 2 * pad, l->in_w + 2 * pad,
                       l->out + (size_t)b * out_size, 1, l->b_count ? l->b : NULL);
    }
}

/* dout [B][units][out_h*out_w] -> dweight [units][in_c*k*k] +=, dbias [units] +=, dinp [B][in_c][in_h][in_w] +=,
 * stride 1. Per sample: dyT = dy^T (channels padded to `lanes`), whose rows also sum into the bias
 * gradient; dW^T += the padded input against dyT; dinp += the flipped weights run over dy padded by
 * kernel - 1 - padding. dW^T lives in the workspace for the whole batch. */
static void conv2d_backward_direct(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    const int k = l->kernel, pad = l->padding, dpad = k - 1 - pad, units = l->units, lanes = conv2d_lanes(l);
    const int taps = l->in_c * k * k, out_hw = l->out_h * l->out_w;
    const size_t in_size = (size_t)nn_in_size(l), out_size = (size_t)nn_out_size(l);
    const direct_plan p = conv2d_direct_plan(l);
    float *xp = net->workspace + p.xp, *dyT = net->workspace + p.dyT, *dwT = net->workspace + p.dwT;
    float *dyp = net->workspace + p.dyp, *wf = net->workspace + p.wf;
    nn_transpose_pad(l->dw, units, taps, (size_t)taps, dwT, (size_t)lanes);
    if (dinp) /* wf[c][oc][ky][kx] = w[oc][c][k-1-ky][k-1-kx] */
        for (int c = 0; c < l->in_c; c++)
            for (int oc = 0; oc < units; oc++) {
                const float *src = l->w + ((size_t)oc * l->in_c + c) * k * k;
                float *dst = wf + ((size_t)c * units + oc) * k * k;
                for (int t = 0; t < k * k; t++) dst[t] = src[k * k - 1 - t];
            }
    for (int b = 0; b < B; b++) {
        const float *dy = l->dout + (size_t)b * out_size;
        nn_transpose_pad(dy, units, out_hw, (size_t)out_hw, dyT, (size_t)lanes);
        if (l->b_count) { /* db[oc] += dy[oc][0] + dy[oc][1] + ..., four channels per vector */
            int oc = 0;
            for (; oc + 4 <= units; oc += 4) {
                f32x4 acc = f32x4_load(l->db + oc);
                for (int i = 0; i < out_hw; i++) acc = f32x4_add(acc, f32x4_load(dyT + (size_t)i * lanes + oc));
                f32x4_store(l->db + oc, acc);
            }
            for (; oc < units; oc++) {
                float acc = l->db[oc];
                for (int i = 0; i < out_hw; i++) acc += dyT[(size_t)i * lanes + oc];
                l->db[oc] = acc;
            }
        }
        nn_conv_pad(inp + (size_t)b * in_size, l->in_c, l->in_h, l->in_w, pad, xp, b > 0);
        nn_conv_direct_dw(l->in_c, k, xp, l->in_h + 2 * pad, l->in_w + 2 * pad, dyT, lanes, dwT);
        if (!dinp) continue;
        nn_conv_pad(dy, units, l->out_h, l->out_w, dpad, dyp, b > 0);
        nn_conv_direct(l->in_c, units, k, wf, dyp, l->out_h + 2 * dpad, l->out_w + 2 * dpad, dinp + (size_t)b * in_size,
                       0, NULL);
    }
    nn_transpose_pad(dwT, taps, units, (size_t)lanes, l->dw, (size_t)taps);
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
};
