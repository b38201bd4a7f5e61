/* loss.c: softmax cross-entropy (torch.nn.CrossEntropyLoss: class weights, label smoothing,
 * mean/sum) and mean squared error against one-hot targets (torch.nn.MSELoss). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "loss.h"
#include "softmax.h"

nn_status nn_set_loss(nn_net *net, nn_loss_kind kind, nn_reduction reduction, float label_smoothing,
                      const float *class_weights) {
    if (!net) return nn_fail(NN_ERR_INVALID, "no network");
    if (kind != NN_LOSS_CROSS_ENTROPY && kind != NN_LOSS_MSE)
        return nn_fail(NN_ERR_INVALID, "loss: unknown kind %d", (int)kind);
    if (reduction != NN_REDUCTION_MEAN && reduction != NN_REDUCTION_SUM)
        return nn_fail(NN_ERR_INVALID, "loss.reduction: must be mean or sum");
    if (!(label_smoothing >= 0.0f && label_smoothing <= 1.0f))
        return nn_fail(NN_ERR_INVALID, "loss.label_smoothing: must be from 0 to 1, got %g", (double)label_smoothing);
    if (kind == NN_LOSS_MSE && (label_smoothing != 0.0f || class_weights))
        return nn_fail(NN_ERR_INVALID, "loss: label smoothing and class weights apply to cross-entropy only");
    float *weights = NULL;
    if (class_weights) {
        int classes = nn_output_size(net);
        for (int c = 0; c < classes; c++)
            if (!(class_weights[c] >= 0.0f) || !isfinite(class_weights[c]))
                return nn_fail(NN_ERR_INVALID, "loss.weight[%d]: must be a finite number >= 0, got %g", c,
                               (double)class_weights[c]);
        weights = malloc((size_t)classes * sizeof(float));
        if (!weights) return nn_fail(NN_ERR_NOMEM, "out of memory for class weights");
        memcpy(weights, class_weights, (size_t)classes * sizeof(float));
    }
    free(net->loss.class_weights);
    net->loss.kind = kind;
    net->loss.reduction = reduction;
    net->loss.label_smoothing = label_smoothing;
    net->loss.class_weights = weights;
    return NN_OK;
}

static int argmax(const float *x, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* out, grad: [B][C]. Writes dL/dout into grad (may be NULL). The loss is
 * numerator / denominator: the caller combines batches. */
nn_status nn_loss_parts(const nn_net *net, const float *out, const int32_t *labels, int B, float *grad,
                        nn_loss_parts_t *parts) {
    int C = nn_output_size(net);
    for (int b = 0; b < B; b++)
        if (labels[b] < 0 || labels[b] >= C)
            return nn_fail(NN_ERR_INVALID, "label %d of sample %d is outside the %d outputs of the network",
                           (int)labels[b], b, C);
    const nn_loss_cfg *cfg = &net->loss;
    int correct = 0;
    if (cfg->kind == NN_LOSS_MSE) {
        double sum = 0.0;
        float scale = cfg->reduction == NN_REDUCTION_MEAN ? 2.0f / ((float)B * (float)C) : 2.0f;
        for (int b = 0; b < B; b++) {
            const float *o = out + (size_t)b * C;
            for (int c = 0; c < C; c++) {
                float diff = o[c] - (c == labels[b] ? 1.0f : 0.0f);
                sum += (double)diff * diff;
                if (grad) grad[(size_t)b * C + c] = scale * diff;
            }
            correct += argmax(o, C) == labels[b];
        }
        parts->nll = sum;
        parts->nll_denominator = cfg->reduction == NN_REDUCTION_MEAN ? (double)B * C : 1.0;
        parts->smooth = 0.0;
        parts->smooth_denominator = 1.0;
        parts->loss = (float)(parts->nll / parts->nll_denominator);
        parts->correct = correct;
        return NN_OK;
    }
    /* Cross-entropy. With weights w and smoothing e over C classes (torch 1.13):
     *   loss = (1-e) * sum_n w_yn * nll_n / D + e/C * sum_n sum_c w_c * (-log p_nc) / D'
     * D = sum_n w_yn (mean) or 1 (sum); D' = D with weights, N without (mean), 1 (sum).
     * One pass over the rows: each row's shifted exponentials are made once, into its gradient
     * row, and give both the log-sum-exp (max + log of their sum, as nn_log_sum_exp) and the
     * softmax (times 1 / their sum, as nn_softmax). D is summed first, over the labels alone. */
    const float *w = cfg->class_weights;
    float eps = cfg->label_smoothing;
    double nll = 0.0, smooth = 0.0, target_weight = 0.0, weight_total = 0.0;
    for (int c = 0; c < C; c++) weight_total += w ? w[c] : 1.0;
    for (int b = 0; b < B; b++) target_weight += w ? w[labels[b]] : 1.0f;
    int mean = cfg->reduction == NN_REDUCTION_MEAN;
    double d_nll = mean ? target_weight : 1.0;
    double d_smooth = mean ? (w ? target_weight : (double)B) : 1.0;
    float g_nll = (float)((1.0 - eps) / d_nll), g_smooth = (float)(eps / C / d_smooth);
    for (int b = 0; b < B; b++) {
        const float *z = out + (size_t)b * C;
        float *g = grad ? grad + (size_t)b * C : NULL; /* never overlaps out */
        float m, sum = nn_softmax_exp(z, C, g, &m);
        float lse = m + logf(sum);
        float wy = w ? w[labels[b]] : 1.0f;
        nll += (double)wy * (lse - z[labels[b]]);
        if (eps != 0.0f)
            for (int c = 0; c < C; c++) smooth += (double)(w ? w[c] : 1.0f) * (lse - z[c]);
        correct += argmax(z, C) == labels[b];
        if (g) {
            float inv = 1.0f / sum;
            for (int c = 0; c < C; c++) {
                float p = g[c] * inv;
                float v = g_nll * wy * (p - (c == labels[b] ? 1.0f : 0.0f));
                if (eps != 0.0f) v += g_smooth * (p * (float)weight_total - (w ? w[c] : 1.0f));
                g[c] = v;
            }
        }
    }
    parts->nll = nll;
    parts->nll_denominator = d_nll;
    parts->smooth = smooth;
    parts->smooth_denominator = d_smooth;
    parts->loss = (float)((1.0 - eps) * (d_nll > 0 ? nll / d_nll : (nll > 0 ? INFINITY : NAN)) +
                          (eps != 0.0f ? eps / C * smooth / d_smooth : 0.0));
    parts->correct = correct;
    return NN_OK;
}

nn_status nn_loss(nn_net *net, const int32_t *labels, int batch, float *loss, int *correct) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    if (!labels) return nn_fail(NN_ERR_INVALID, "no labels");
    if (batch != net->last_batch)
        return nn_fail(NN_ERR_INVALID, "loss over %d labels after a forward of %d samples", batch, net->last_batch);
    nn_layer *last = &net->layers[net->count - 1];
    nn_loss_parts_t parts;
    nn_status st = nn_loss_parts(net, last->out, labels, batch, last->dout, &parts);
    if (st != NN_OK) return st;
    if (loss) *loss = parts.loss;
    if (correct) *correct = parts.correct;
    net->has_output_grad = 1;
    if (!isfinite(parts.loss))
        return nn_fail(NN_ERR_NUMERIC, "loss became NaN/Inf at step %lld", (long long)net->optim.t + 1);
    return NN_OK;
}
