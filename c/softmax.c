/* softmax.c: the max-shifted exponentials that softmax and log-sum-exp share, one float at a time
 * in increasing order, so every caller gets the same bits from the same row. */
#include <math.h>
#include <stddef.h>

#include "softmax.h"

float nn_softmax_exp(const float *z, int n, float *e, float *max_out) {
    float m = z[0];
    for (int i = 1; i < n; i++) m = z[i] > m ? z[i] : m;
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        float v = expf(z[i] - m);
        if (e) e[i] = v;
        sum += v;
    }
    if (max_out) *max_out = m;
    return sum;
}

void nn_softmax(const float *z, int n, float *p) {
    float inv = 1.0f / nn_softmax_exp(z, n, p, NULL);
    for (int i = 0; i < n; i++) p[i] *= inv;
}

float nn_log_sum_exp(const float *z, int n) {
    float m;
    float sum = nn_softmax_exp(z, n, NULL, &m);
    return m + logf(sum);
}
