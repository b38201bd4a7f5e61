/* fuzz_histogram.c: nn_histogram and nn_l2_norm on arbitrary floats (NaN, infinities, denormals),
 * bin counts and ranges. Every value must land in exactly one bin, whatever the range. */
#include <math.h>
#include <stdlib.h>

#include "input.h"
#include "nn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_input in = {data, size, 0};
    /* Usually up to 100 bins (the page uses 40), sometimes up to 65530 or none at all. */
    uint32_t pick = take_u32(&in);
    int bins = (pick & 0xF0000000u) ? (int)(pick % 106u) - 5 : (int)(pick % 65536u) - 5;
    float lo = take_float(&in), hi = take_float(&in);
    int with_counts = take_u8(&in) & 1;
    size_t n = (in.size - in.at) / 4;
    float *x = malloc((n ? n : 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) x[i] = take_float(&in);
    uint32_t *counts = with_counts && bins > 0 ? malloc((size_t)bins * sizeof(uint32_t)) : NULL;
    float stats[4];
    nn_histogram(x, n, bins, lo, hi, counts, stats);
    if (counts) {
        uint64_t total = 0;
        for (int b = 0; b < bins; b++) total += counts[b];
        if (total != n) abort(); /* every value counted once */
    }
    if (n == 0 && (stats[0] != 0.0f || stats[1] != 0.0f)) abort();
    float norm = nn_l2_norm(x, n);
    if (norm < 0.0f) abort();
    free(counts);
    free(x);
    return 0;
}
