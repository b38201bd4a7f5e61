/* norm.c: torch.nn.BatchNorm1d on (F,1,1) inputs and BatchNorm2d on (C,H,W): per-channel batch normalisation. */
#include <math.h>
#include <stdint.h>

#include "layer.h"
#include "parallel.h"
#include "simd.h"

/* aux: this header, then mean, inv_std, scale, shift, each [C]. mean and
 * inv_std are what the last forward normalised with (batch statistics in
 * training, running ones in eval); scale = gamma * inv_std and
 * shift = beta - mean * scale turn the forward into one multiply-add, as
 * torch's CPU kernel does. */
typedef struct {
    int32_t training; /* whether the last forward used batch statistics */
    int32_t pad[3];
} batchnorm_state;

static float *batchnorm_stats(const nn_layer *l) { return (float *)((char *)l->aux + sizeof(batchnorm_state)); }

static nn_status batchnorm_shape(nn_layer *l, int index) {
    const char *which = l->in_h * l->in_w == 1 ? "batchnorm1d" : "batchnorm2d";
    if (!(l->eps > 0.0f) || isinf(l->eps))
        return nn_fail(NN_ERR_INVALID, "layer %d (batchnorm): eps must be a positive number, got %g (input %dx%dx%d, %s)",
                       index, (double)l->eps, l->in_c, l->in_h, l->in_w, which);
    if (!(l->momentum >= 0.0f && l->momentum <= 1.0f))
        return nn_fail(NN_ERR_INVALID, "layer %d (batchnorm): momentum must be between 0 and 1, got %g", index,
                       (double)l->momentum);
    l->out_c = l->in_c;
    l->out_h = l->in_h;
    l->out_w = l->in_w;
    l->w_count = l->b_count = (size_t)l->in_c;
    l->buf_count = 2 * (size_t)l->in_c;
    return NN_OK;
}

static size_t batchnorm_aux_size(const nn_layer *l, int max_batch) {
    (void)max_batch;
    return sizeof(batchnorm_state) + 4 * (size_t)l->in_c * sizeof(float);
}

/* Every channel's statistics, normalisation and gradients involve only that channel, each in one
 * fixed order: forward and backward are cut over threads by contiguous ranges of channels, each
 * channel on one thread from start to end. Below this many floats per part a job stays on one
 * thread. */
#define BN_PAR_MIN_FLOATS (1 << 14)

typedef struct {
    nn_layer *l;
    const float *inp;
    float *dinp;
    int B, training, write;
} bn_job;

/* inp [B][C][HW], gamma/beta [C] (l->w, l->b), running mean/var [C] (l->buffers)
 * -> out [B][C][HW], for channels [c0, c1). Statistics are summed in double (torch's CPU
 * accumulator type for float) over the B*HW values of each channel, in
 * sample-major order; the variance takes a second pass around the mean
 * rather than E[x^2] - mean^2, which cancels badly. */
static void batchnorm_forward_channels(void *ctx, size_t c0, size_t c1) {
    const bn_job *j = ctx;
    nn_layer *l = j->l;
    const int C = l->in_c, hw = l->in_h * l->in_w, B = j->B;
    const size_t sample = (size_t)C * hw;
    const float eps = l->eps, momentum = l->momentum;
    const float *inp = j->inp;
    float *running_mean = l->buffers, *running_var = l->buffers + C;
    float *mean = batchnorm_stats(l), *inv_std = mean + C, *scale = inv_std + C, *shift = scale + C;
    const double count = (double)B * hw;
    for (size_t c = c0; c < c1; c++) {
        if (j->training) {
            double sum = 0.0;
            for (int b = 0; b < B; b++) {
                const float *x = inp + b * sample + c * hw;
                for (int i = 0; i < hw; i++) sum += x[i];
            }
            double mu = sum / count, sq = 0.0;
            for (int b = 0; b < B; b++) {
                const float *x = inp + b * sample + c * hw;
                for (int i = 0; i < hw; i++) {
                    double d = x[i] - mu;
                    sq += d * d;
                }
            }
            double var = sq / count;
            /* torch refuses one value per channel in training; the unbiased
             * estimate is undefined there, so the biased one (0) stands in */
            double unbiased = count > 1.0 ? sq / (count - 1.0) : var;
            mean[c] = (float)mu;
            inv_std[c] = (float)(1.0 / sqrt(var + (double)eps));
            running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * (float)mu;
            running_var[c] = (1.0f - momentum) * running_var[c] + momentum * (float)unbiased;
        } else {
            mean[c] = running_mean[c];
            inv_std[c] = 1.0f / sqrtf(running_var[c] + eps);
        }
        scale[c] = l->w[c] * inv_std[c];
        shift[c] = l->b[c] - mean[c] * scale[c];
        const f32x4 vs = f32x4_splat(scale[c]), vt = f32x4_splat(shift[c]);
        for (int b = 0; b < B; b++) {
            const float *x = inp + b * sample + c * hw;
            float *y = l->out + b * sample + c * hw;
            int i = 0;
            for (; i + 4 <= hw; i += 4) f32x4_store(y + i, f32x4_add(f32x4_mul(f32x4_load(x + i), vs), vt));
            for (; i < hw; i++) y[i] = x[i] * scale[c] + shift[c];
        }
    }
}

static void batchnorm_forward(nn_net *net, nn_layer *l, const float *inp, int B, int training) {
    (void)net;
    ((batchnorm_state *)l->aux)->training = training ? 1 : 0;
    bn_job j = {l, inp, NULL, B, training, 0};
    nn_par_for(batchnorm_forward_channels, &j, (size_t)l->in_c, 1,
               nn_par_parts((size_t)B * nn_in_size(l), BN_PAR_MIN_FLOATS));
}

/* dout [B][C][HW] -> dgamma [C] +=, dbeta [C] +=, dinp [B][C][HW] += (skipped when NULL), for
 * channels [c0, c1); = instead of += (from +0.0f) while the net has backward write.
 * In training the gradient also flows through the batch mean and variance:
 * dx = gamma*inv_std * (dy - mean(dy) - xhat * mean(dy*xhat)), xhat = (x-mean)*inv_std;
 * in eval the statistics are constants and dx = dy * gamma * inv_std. */
static void batchnorm_backward_channels(void *ctx, size_t c0, size_t c1) {
    const bn_job *j = ctx;
    nn_layer *l = j->l;
    const int C = l->in_c, hw = l->in_h * l->in_w, B = j->B, write = j->write;
    const size_t sample = (size_t)C * hw;
    const int training = ((const batchnorm_state *)l->aux)->training;
    const float *mean = batchnorm_stats(l), *inv_std = mean + C;
    const float *inp = j->inp;
    float *dinp = j->dinp;
    const double count = (double)B * hw;
    const f32x4 zero = f32x4_splat(0.0f);
    for (size_t c = c0; c < c1; c++) {
        const float mu = mean[c], is = inv_std[c];
        double sum_dy = 0.0, sum_dy_xc = 0.0; /* xc = x - mean */
        for (int b = 0; b < B; b++) {
            const float *x = inp + b * sample + c * hw;
            const float *dy = l->dout + b * sample + c * hw;
            for (int i = 0; i < hw; i++) {
                sum_dy += dy[i];
                sum_dy_xc += (double)dy[i] * (double)(x[i] - mu);
            }
        }
        l->db[c] = (write ? 0.0f : l->db[c]) + (float)sum_dy;
        l->dw[c] = (write ? 0.0f : l->dw[c]) + (float)(sum_dy_xc * is);
        if (!dinp) continue;
        const float gain = l->w[c] * is;
        const f32x4 vgain = f32x4_splat(gain);
        if (!training) {
            for (int b = 0; b < B; b++) {
                const float *dy = l->dout + b * sample + c * hw;
                float *dx = dinp + b * sample + c * hw;
                int i = 0;
                for (; i + 4 <= hw; i += 4)
                    f32x4_store(dx + i, f32x4_add(write ? zero : f32x4_load(dx + i), f32x4_mul(f32x4_load(dy + i), vgain)));
                for (; i < hw; i++) dx[i] = (write ? 0.0f : dx[i]) + dy[i] * gain;
            }
            continue;
        }
        /* torch's form: proj = xc * (sum(dy*xc) * inv_std^2 / N), dx = (dy - mean(dy) - proj) * gamma * inv_std */
        const float proj_k = (float)(sum_dy_xc * (double)is * (double)is / count);
        const float mean_dy = (float)(sum_dy / count);
        const f32x4 vmu = f32x4_splat(mu), vk = f32x4_splat(proj_k), vmdy = f32x4_splat(mean_dy);
        for (int b = 0; b < B; b++) {
            const float *x = inp + b * sample + c * hw;
            const float *dy = l->dout + b * sample + c * hw;
            float *dx = dinp + b * sample + c * hw;
            int i = 0;
            for (; i + 4 <= hw; i += 4) {
                f32x4 proj = f32x4_mul(f32x4_sub(f32x4_load(x + i), vmu), vk);
                f32x4 g = f32x4_sub(f32x4_sub(f32x4_load(dy + i), vmdy), proj);
                f32x4_store(dx + i, f32x4_add(write ? zero : f32x4_load(dx + i), f32x4_mul(g, vgain)));
            }
            for (; i < hw; i++) {
                float proj = (x[i] - mu) * proj_k;
                float g = (dy[i] - mean_dy) - proj;
                dx[i] = (write ? 0.0f : dx[i]) + g * gain;
            }
        }
    }
}

static void batchnorm_backward(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    bn_job j = {l, inp, dinp, B, 0, net->backward_writes};
    nn_par_for(batchnorm_backward_channels, &j, (size_t)l->in_c, 1,
               nn_par_parts((size_t)B * nn_in_size(l) * (dinp ? 2 : 1), BN_PAR_MIN_FLOATS));
}

const nn_layer_ops nn_batchnorm_ops = {
    .name = "batchnorm",
    .shape = batchnorm_shape,
    .aux_size = batchnorm_aux_size,
    .workspace_size = NULL,
    .forward = batchnorm_forward,
    .backward = batchnorm_backward,
    .writes = 1,
};
