/* softmax.h: softmax over one row, written once for the softmax layer, the loss and prediction. */
#ifndef NN_SOFTMAX_H
#define NN_SOFTMAX_H

/* z [n] -> e [n] = exp(z - max z), shifted by the max so exp never overflows; returns their float
 * sum, added in increasing i. e may be NULL (only the sum is wanted) or z; max_out may be NULL. */
float nn_softmax_exp(const float *z, int n, float *e, float *max_out);

/* z [n] -> p [n] = softmax(z): the shifted exps times 1 / their sum. p may be z. */
void nn_softmax(const float *z, int n, float *p);

/* log(sum exp z), as max z + log of the shifted sum (the cross-entropy's normaliser). */
float nn_log_sum_exp(const float *z, int n);

#endif
