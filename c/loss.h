/* loss.h: the loss as numerator and denominator, so evaluation can sum it over many batches. */
#ifndef NN_LOSS_H
#define NN_LOSS_H

#include "nn.h"

typedef struct {
    double nll, nll_denominator;       /* cross-entropy term (or MSE sum) and what divides it */
    double smooth, smooth_denominator; /* label-smoothing term, cross-entropy only */
    float loss;                        /* the loss of this batch as torch reports it */
    int correct;                       /* argmax hits */
} nn_loss_parts_t;

nn_status nn_loss_parts(const nn_net *net, const float *out, const int32_t *labels, int B, float *grad,
                        nn_loss_parts_t *parts);

#endif
