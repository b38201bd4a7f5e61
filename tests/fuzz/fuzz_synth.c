/* fuzz_synth.c: nn_synth_generate with any kind, seed, count and noise. A count it refuses must
 * not be written (its buffers here are one point long, so a write is an ASan report); a set it
 * makes must have finite points and labels 0 or 1. */
#include <math.h>
#include <stdlib.h>

#include "input.h"
#include "nn.h"

#define MAX_POINTS 4096 /* allocated per run; larger accepted counts are folded below it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_input in = {data, size, 0};
    int kind = (int)(take_u32(&in) % 6u) - 1; /* -1 .. 4: two unknown kinds */
    uint64_t seed = take_u64(&in);
    uint64_t raw = take_u64(&in);
    size_t count = (size_t)raw;
    float noise = take_u8(&in) < 128 ? take_param(&in) : take_float(&in);
    int accepted_count = count >= 1 && count <= 1000000;
    if (accepted_count && count > MAX_POINTS) count = 1 + count % MAX_POINTS;
    size_t room = accepted_count ? count : 1;
    float *x = malloc(room * 2 * sizeof(float));
    uint8_t *labels = malloc(room);
    nn_status st = nn_synth_generate((nn_synth_kind)kind, seed, count, noise, x, labels);
    if (st == NN_OK) {
        if (!accepted_count || kind < 0 || kind > 3 || !(noise >= 0.0f && noise <= 1.0f)) abort();
        for (size_t i = 0; i < count; i++) {
            if (!isfinite(x[2 * i]) || !isfinite(x[2 * i + 1]) || labels[i] > 1) abort();
        }
    } else if (nn_last_error()[0] == '\0') {
        abort();
    }
    free(x);
    free(labels);
    return 0;
}
