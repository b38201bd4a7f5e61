/* synth.c: the 2-D teaching sets (XOR, circles, spirals, two Gaussians), points in [-1, 1]^2 drawn
 * from a seed's own stream in float32. */
#include <math.h>

#include "error.h"
#include "rng.h"

nn_status nn_synth_generate(nn_synth_kind kind, uint64_t seed, size_t count, float noise, float *x, uint8_t *labels) {
    if (!x || !labels || count < 1 || count > 1000000)
        return nn_fail(NN_ERR_INVALID, "2-D data: count must be 1 to 1000000, got %zu", count);
    if (!(noise >= 0.0f && noise <= 1.0f)) return nn_fail(NN_ERR_INVALID, "2-D data: noise must be from 0 to 1");
    nn_rng r;
    nn_rng_seed(&r, seed, NN_STREAM_SYNTH);
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
