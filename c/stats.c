/* stats.c: one-pass statistics of a float vector for the page's charts. */
#include <math.h>
#include <string.h>

#include "nn.h"

void nn_histogram(const float *x, size_t n, int bins, float lo, float hi, uint32_t *counts, float *stats) {
    /* Two loops, each only when its output is asked for: the page asks for the statistics first
     * (to choose the range) and then for the counts alone. */
    if (counts && bins > 0) {
        memset(counts, 0, (size_t)bins * sizeof(uint32_t));
        float width = hi > lo ? (hi - lo) / (float)bins : 0.0f;
        for (size_t i = 0; i < n; i++) {
            /* Clamped while still a float: converting NaN or a value beyond INT_MAX to int is
             * undefined in C (and traps in wasm without the saturating conversions). */
            float at = width > 0.0f ? floorf((x[i] - lo) / width) : 0.0f;
            int b;
            if (!(at >= 0.0f)) b = 0; /* NaN lands in the first bin */
            else if (at >= (float)bins) b = bins - 1;
            else b = (int)at;
            counts[b]++;
        }
    }
    if (stats) {
        double sum = 0.0, sq = 0.0;
        float mn = INFINITY, mx = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            sum += v;
            sq += (double)v * v;
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
        }
        double mean = n ? sum / (double)n : 0.0;
        double var = n ? sq / (double)n - mean * mean : 0.0;
        stats[0] = n ? mn : 0.0f;
        stats[1] = n ? mx : 0.0f;
        stats[2] = (float)mean;
        stats[3] = (float)sqrt(var > 0.0 ? var : 0.0);
    }
}

float nn_l2_norm(const float *x, size_t n) {
    double sq = 0.0;
    for (size_t i = 0; i < n; i++) sq += (double)x[i] * x[i];
    return (float)sqrt(sq);
}
