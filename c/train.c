/* train.c: the training loop over a data set: the epoch order, one step (forward, loss, backward,
 * optimizer), evaluation and prediction. At the top of the core's order, beside model.c. */
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "layer.h"
#include "loss.h"
#include "softmax.h"

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
    if (nn_data_features(data) != nn_input_size(net))
        return nn_fail(NN_ERR_SHAPE, "the data has %d features per sample but the network takes %d", nn_data_features(data),
                       nn_input_size(net));
    if (batch_size < 1 || batch_size > net->max_batch)
        return nn_fail(NN_ERR_INVALID, "batch size %d: the network was built for 1 to %d", batch_size, net->max_batch);
    nn_status st;
    if (net->order_count != nn_data_count(data) || net->order_pos == 0) {
        if ((st = start_epoch(net, nn_data_count(data), shuffle)) != NN_OK) return st;
    }
    size_t left = nn_data_count(data) - net->order_pos;
    int n = left < (size_t)batch_size ? (int)left : batch_size;
    if ((st = nn_data_gather(data, net->order + net->order_pos, n, net->input_copy, net->batch_y)) != NN_OK) return st;
    float loss = 0.0f;
    int correct = 0;
    if ((st = nn_forward(net, net->input_copy, n, 1)) != NN_OK) return st;
    if ((st = nn_loss(net, net->batch_y, n, &loss, &correct)) != NN_OK) return st;
    if ((st = nn_backward_params(net)) != NN_OK) return st; /* writes the gradients: no zeroing first */
    if ((st = nn_optim_step(net)) != NN_OK) return st;
    net->order_pos += (size_t)n;
    int64_t epoch = net->epoch;
    int end = net->order_pos == nn_data_count(data);
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
    if (nn_data_features(data) != nn_input_size(net))
        return nn_fail(NN_ERR_SHAPE, "the data has %d features per sample but the network takes %d", nn_data_features(data),
                       nn_input_size(net));
    if (batch_size < 1 || batch_size > net->max_batch) batch_size = net->max_batch;
    int C = nn_output_size(net);
    if (confusion) memset(confusion, 0, (size_t)C * C * sizeof(int32_t));
    double nll = 0, nll_d = 0, smooth = 0, smooth_d = 0;
    size_t correct = 0;
    nn_status st;
    for (size_t start = 0; start < nn_data_count(data); start += (size_t)batch_size) {
        size_t left = nn_data_count(data) - start;
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
        total = ((1.0 - eps) * nll + (eps != 0.0 ? eps / C * smooth : 0.0)) / (double)nn_data_count(data);
    else
        total = (1.0 - eps) * nll / nll_d + (eps != 0.0 ? eps / C * smooth / smooth_d : 0.0);
    net->has_output_grad = 0;
    if (loss) *loss = (float)total;
    if (accuracy) *accuracy = (float)((double)correct / (double)nn_data_count(data));
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
                /* Divided by the sum rather than multiplied by its inverse, as nn_softmax does: the
                 * page has always shown these probabilities, and the two differ in the last bit. */
                float s = nn_softmax_exp(o, C, p, NULL);
                for (int c = 0; c < C; c++) p[c] /= s;
            } else {
                memcpy(p, o, (size_t)C * sizeof(float));
            }
        }
    }
    net->has_output_grad = 0;
    return NN_OK;
}
