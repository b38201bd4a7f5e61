/* data.c: data sets over caller-owned memory, the 2-D teaching sets, and the training loop
 * (epoch order, one step, evaluation, prediction). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "loss.h"

struct nn_data {
    const uint8_t *x8;
    const float *xf;
    const uint8_t *labels;
    size_t count;
    int features;
    float scale;
};

static nn_data *data_create(const uint8_t *x8, const float *xf, const uint8_t *labels, size_t count, int features,
                            float scale) {
    if ((!x8 && !xf) || !labels) {
        nn_fail(NN_ERR_INVALID, "data set: no samples or no labels");
        return NULL;
    }
    if (count < 1 || count > 100000000u || features < 1 || features > (1 << 24)) {
        nn_fail(NN_ERR_INVALID, "data set: %zu samples of %d features is out of range", count, features);
        return NULL;
    }
    if (!isfinite(scale)) {
        nn_fail(NN_ERR_INVALID, "data set: scale must be finite");
        return NULL;
    }
    nn_data *d = calloc(1, sizeof *d);
    if (!d) {
        nn_fail(NN_ERR_NOMEM, "out of memory for a data set");
        return NULL;
    }
    d->x8 = x8; d->xf = xf; d->labels = labels; d->count = count; d->features = features; d->scale = scale;
    return d;
}

nn_data *nn_data_create_u8(const uint8_t *x, const uint8_t *labels, size_t count, int features, float scale) {
    return data_create(x, NULL, labels, count, features, scale);
}

nn_data *nn_data_create_f32(const float *x, const uint8_t *labels, size_t count, int features) {
    return data_create(NULL, x, labels, count, features, 1.0f);
}

void nn_data_free(nn_data *data) { free(data); }
size_t nn_data_count(const nn_data *data) { return data ? data->count : 0; }

nn_status nn_data_gather(const nn_data *d, const uint32_t *indices, int n, float *out, int32_t *out_labels) {
    size_t F = (size_t)d->features;
    for (int i = 0; i < n; i++) {
        size_t s = indices[i];
        if (s >= d->count) return nn_fail(NN_ERR_INVALID, "sample index %zu is outside the %zu samples", s, d->count);
        float *o = out + (size_t)i * F;
        if (d->x8) {
            const uint8_t *src = d->x8 + s * F;
            for (size_t f = 0; f < F; f++) o[f] = (float)src[f] * d->scale;
        } else {
            memcpy(o, d->xf + s * F, F * sizeof(float));
        }
        if (out_labels) out_labels[i] = d->labels[s];
    }
    return NN_OK;
}

/* ---- 2-D sets: points in [-1, 1]^2 ---- */

nn_status nn_synth_generate(nn_synth_kind kind, uint64_t seed, size_t count, float noise, float *x, uint8_t *labels) {
    if (!x || !labels || count < 1 || count > 1000000)
        return nn_fail(NN_ERR_INVALID, "2-D data: count must be 1 to 1000000, got %zu", count);
    if (!(noise >= 0.0f && noise <= 1.0f)) return nn_fail(NN_ERR_INVALID, "2-D data: noise must be from 0 to 1");
    nn_rng r;
    nn_rng_seed(&r, seed, 7);
    for (size_t i = 0; i < count; i++) {
        float px, py;
        uint8_t label;
        switch (kind) {
        case NN_SYNTH_XOR:
            px = 2.0f * nn_rng_uniform(&r) - 1.0f;
            py = 2.0f * nn_rng_uniform(&r) - 1.0f;
            label = (px > 0.0f) != (py > 0.0f);
            break;
        case NN_SYNTH_CIRCLES: {
            label = (uint8_t)(i & 1);
            float radius = label ? 0.5f + 0.4f * nn_rng_uniform(&r) : 0.35f * nn_rng_uniform(&r);
            float angle = 6.2831853f * nn_rng_uniform(&r);
            px = radius * cosf(angle);
            py = radius * sinf(angle);
            break;
        }
        case NN_SYNTH_SPIRALS: {
            label = (uint8_t)(i & 1);
            float t = nn_rng_uniform(&r);
            float radius = 0.9f * t, angle = 1.75f * 6.2831853f * t + (label ? 3.14159265f : 0.0f);
            px = radius * cosf(angle);
            py = radius * sinf(angle);
            break;
        }
        case NN_SYNTH_GAUSSIANS:
            label = (uint8_t)(i & 1);
            px = (label ? 0.5f : -0.5f) + 0.2f * nn_rng_normal(&r);
            py = (label ? 0.5f : -0.5f) + 0.2f * nn_rng_normal(&r);
            break;
        default:
            return nn_fail(NN_ERR_INVALID, "2-D data: unknown kind %d", (int)kind);
        }
        x[2 * i] = px + noise * nn_rng_normal(&r);
        x[2 * i + 1] = py + noise * nn_rng_normal(&r);
        labels[i] = label;
    }
    return NN_OK;
}

/* ---- the training loop ---- */

void nn_reset_epoch(nn_net *net) {
    if (!net) return;
    net->order_pos = 0;
    net->epoch = 0;
    net->order_count = 0; /* refilled, and reshuffled, at the next step */
}

size_t nn_epoch_position(const nn_net *net) { return net ? net->order_pos : 0; }
const uint32_t *nn_epoch_order(const nn_net *net) { return net && net->order_count ? net->order : NULL; }
size_t nn_epoch_order_count(const nn_net *net) { return net ? net->order_count : 0; }
int64_t nn_epoch(const nn_net *net) { return net ? net->epoch : 0; }

void nn_rng_state(const nn_net *net, uint64_t *out) {
    if (!net || !out) return;
    const nn_rng *streams[3] = {&net->init_rng, &net->dropout_rng, &net->shuffle_rng};
    for (int i = 0; i < 3; i++) {
        out[2 * i] = streams[i]->state;
        out[2 * i + 1] = streams[i]->inc;
    }
}

nn_status nn_set_rng_state(nn_net *net, const uint64_t *state) {
    if (!net || !state) return nn_fail(NN_ERR_INVALID, "random state: no network or no state");
    for (int i = 0; i < 3; i++)
        if ((state[2 * i + 1] & 1u) == 0)
            return nn_fail(NN_ERR_INVALID, "random state: stream %d has an even increment (not saved by nn_rng_state)", i);
    nn_rng *streams[3] = {&net->init_rng, &net->dropout_rng, &net->shuffle_rng};
    for (int i = 0; i < 3; i++) {
        streams[i]->state = state[2 * i];
        streams[i]->inc = state[2 * i + 1];
    }
    return NN_OK;
}

nn_status nn_set_epoch_state(nn_net *net, const uint32_t *order, size_t count, size_t position, int64_t epoch) {
    if (!net) return nn_fail(NN_ERR_INVALID, "epoch state: no network");
    if (epoch < 0) return nn_fail(NN_ERR_INVALID, "epoch state: epoch %lld is negative", (long long)epoch);
    if (count == 0) {
        if (position != 0) return nn_fail(NN_ERR_INVALID, "epoch state: position %zu without an order", position);
        net->order_count = 0;
        net->order_pos = 0;
        net->epoch = epoch;
        return NN_OK;
    }
    if (!order) return nn_fail(NN_ERR_INVALID, "epoch state: no order");
    if (count > UINT32_MAX) return nn_fail(NN_ERR_INVALID, "epoch state: %zu samples is too many", count);
    if (position >= count)
        return nn_fail(NN_ERR_INVALID, "epoch state: position %zu is outside the %zu samples", position, count);
    /* A permutation: every index below count exactly once (checked with a bit set). */
    uint8_t *seen = calloc((count + 7) / 8, 1);
    if (!seen) return nn_fail(NN_ERR_NOMEM, "out of memory checking an epoch order of %zu samples", count);
    for (size_t i = 0; i < count; i++) {
        uint32_t k = order[i];
        if (k >= count || (seen[k >> 3] >> (k & 7)) & 1u) {
            free(seen);
            return nn_fail(NN_ERR_INVALID, "epoch state: the order is not a permutation of the %zu samples (entry %zu is %u)",
                           count, i, k);
        }
        seen[k >> 3] |= (uint8_t)(1u << (k & 7));
    }
    free(seen);
    if (net->order_count != count) {
        uint32_t *grown = realloc(net->order, count * sizeof(uint32_t));
        if (!grown) return nn_fail(NN_ERR_NOMEM, "out of memory for the epoch order of %zu samples", count);
        net->order = grown;
    }
    memcpy(net->order, order, count * sizeof(uint32_t));
    net->order_count = count;
    net->order_pos = position;
    net->epoch = epoch;
    return NN_OK;
}

static nn_status start_epoch(nn_net *net, size_t count, int shuffle) {
    if (net->order_count != count) {
        uint32_t *order = realloc(net->order, count * sizeof(uint32_t));
        if (!order) return nn_fail(NN_ERR_NOMEM, "out of memory for the epoch order of %zu samples", count);
        net->order = order;
        net->order_count = count;
    }
    for (size_t i = 0; i < count; i++) net->order[i] = (uint32_t)i;
    if (shuffle) nn_rng_shuffle(&net->shuffle_rng, net->order, (uint32_t)count);
    net->order_pos = 0;
    return NN_OK;
}

nn_status nn_train_step(nn_net *net, const nn_data *data, int batch_size, int shuffle, nn_step_result *result) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    if (!data) return nn_fail(NN_ERR_INVALID, "no data set");
    if (data->features != nn_input_size(net))
        return nn_fail(NN_ERR_SHAPE, "the data has %d features per sample but the network takes %d", data->features,
                       nn_input_size(net));
    if (batch_size < 1 || batch_size > net->max_batch)
        return nn_fail(NN_ERR_INVALID, "batch size %d: the network was built for 1 to %d", batch_size, net->max_batch);
    nn_status st;
    if (net->order_count != data->count || net->order_pos == 0) {
        if ((st = start_epoch(net, data->count, shuffle)) != NN_OK) return st;
    }
    size_t left = data->count - net->order_pos;
    int n = left < (size_t)batch_size ? (int)left : batch_size;
    if ((st = nn_data_gather(data, net->order + net->order_pos, n, net->input_copy, net->batch_y)) != NN_OK) return st;
    float loss = 0.0f;
    int correct = 0;
    if ((st = nn_forward(net, net->input_copy, n, 1)) != NN_OK) return st;
    if ((st = nn_loss(net, net->batch_y, n, &loss, &correct)) != NN_OK) return st;
    nn_zero_grad(net);
    if ((st = nn_backward(net)) != NN_OK) return st;
    if ((st = nn_optim_step(net)) != NN_OK) return st;
    net->order_pos += (size_t)n;
    int64_t epoch = net->epoch;
    int end = net->order_pos == data->count;
    if (end) {
        net->order_pos = 0;
        net->epoch++;
    }
    if (result) {
        result->loss = loss;
        result->correct = correct;
        result->batch = n;
        result->epoch = epoch;
        result->epoch_end = end;
    }
    return NN_OK;
}

nn_status nn_evaluate(nn_net *net, const nn_data *data, int batch_size, float *loss, float *accuracy,
                      int32_t *confusion, uint8_t *predictions) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    if (!data) return nn_fail(NN_ERR_INVALID, "no data set");
    if (data->features != nn_input_size(net))
        return nn_fail(NN_ERR_SHAPE, "the data has %d features per sample but the network takes %d", data->features,
                       nn_input_size(net));
    if (batch_size < 1 || batch_size > net->max_batch) batch_size = net->max_batch;
    int C = nn_output_size(net);
    if (confusion) memset(confusion, 0, (size_t)C * C * sizeof(int32_t));
    double nll = 0, nll_d = 0, smooth = 0, smooth_d = 0;
    size_t correct = 0;
    nn_status st;
    for (size_t start = 0; start < data->count; start += (size_t)batch_size) {
        size_t left = data->count - start;
        int n = left < (size_t)batch_size ? (int)left : batch_size;
        for (int i = 0; i < n; i++) net->batch_idx[i] = (uint32_t)(start + i);
        if ((st = nn_data_gather(data, net->batch_idx, n, net->input_copy, net->batch_y)) != NN_OK) return st;
        if ((st = nn_forward(net, net->input_copy, n, 0)) != NN_OK) return st;
        const float *out = nn_output(net);
        nn_loss_parts_t parts;
        if ((st = nn_loss_parts(net, out, net->batch_y, n, NULL, &parts)) != NN_OK) return st;
        nll += parts.nll; nll_d += parts.nll_denominator;
        smooth += parts.smooth; smooth_d += parts.smooth_denominator;
        correct += (size_t)parts.correct;
        for (int i = 0; i < n; i++) {
            const float *o = out + (size_t)i * C;
            int best = 0;
            for (int c = 1; c < C; c++)
                if (o[c] > o[best]) best = c;
            if (confusion) confusion[(size_t)net->batch_y[i] * C + best]++;
            if (predictions) predictions[start + i] = (uint8_t)best;
        }
    }
    /* Combine batches as one batch of the whole set would: the mean of the per-sample loss. */
    double eps = net->loss.kind == NN_LOSS_CROSS_ENTROPY ? net->loss.label_smoothing : 0.0;
    double total;
    if (net->loss.reduction == NN_REDUCTION_SUM) /* the summed loss, per sample */
        total = ((1.0 - eps) * nll + (eps != 0.0 ? eps / C * smooth : 0.0)) / (double)data->count;
    else
        total = (1.0 - eps) * nll / nll_d + (eps != 0.0 ? eps / C * smooth / smooth_d : 0.0);
    net->has_output_grad = 0;
    if (loss) *loss = (float)total;
    if (accuracy) *accuracy = (float)((double)correct / (double)data->count);
    return NN_OK;
}

nn_status nn_predict(nn_net *net, const float *x, int n, float *probs) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    if (!x || !probs || n < 1) return nn_fail(NN_ERR_INVALID, "predict: no input");
    int C = nn_output_size(net), F = nn_input_size(net);
    for (int start = 0; start < n; start += net->max_batch) {
        int m = n - start < net->max_batch ? n - start : net->max_batch;
        nn_status st = nn_forward(net, x + (size_t)start * F, m, 0);
        if (st != NN_OK) return st;
        const float *out = nn_output(net);
        for (int i = 0; i < m; i++) {
            const float *o = out + (size_t)i * C;
            float *p = probs + (size_t)(start + i) * C;
            if (net->loss.kind == NN_LOSS_CROSS_ENTROPY) {
                float mx = o[0], s = 0.0f;
                for (int c = 1; c < C; c++) mx = o[c] > mx ? o[c] : mx;
                for (int c = 0; c < C; c++) s += (p[c] = expf(o[c] - mx));
                for (int c = 0; c < C; c++) p[c] /= s;
            } else {
                memcpy(p, o, (size_t)C * sizeof(float));
            }
        }
    }
    net->has_output_grad = 0;
    return NN_OK;
}
