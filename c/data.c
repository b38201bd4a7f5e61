/* data.c: data sets over caller-owned memory (bytes scaled on the way out, or floats), and
 * gathering a batch from them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "error.h"
#include "parallel.h"
#include "simd.h"

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
int nn_data_features(const nn_data *data) { return data ? data->features : 0; }


/* One byte of every 64-byte line of the samples about to be copied, all loads independent of each
 * other, so the memory fetches them at once: a shuffled batch is n samples scattered over the whole
 * set (47 MB for MNIST, beyond the caches), and copied one by one the CPU waited on them one by one
 * (W1: 53 us of gather a step in wasm). */
static void touch_samples(const nn_data *d, const uint32_t *indices, int n, size_t bytes_per_sample) {
    /* Read by nobody: keeps the loads from being dropped as dead code. A local, so the threads of
     * a gather do not store to one place (an _Atomic global made this emscripten's gather twice
     * as slow). */
    volatile uint8_t touched;
    const uint8_t *base = d->x8 ? d->x8 : (const uint8_t *)(const void *)d->xf;
    uint8_t acc = 0;
    for (int i = 0; i < n; i++) {
        if (indices[i] >= d->count) continue;
        const uint8_t *p = base + (size_t)indices[i] * bytes_per_sample;
        for (size_t b = 0; b < bytes_per_sample; b += 64) acc ^= p[b];
        acc ^= p[bytes_per_sample - 1];
    }
    touched = acc;
    (void)touched;
}

/* Samples are gathered by contiguous ranges of the batch over threads (each reads its own samples'
 * lines first, so both threads' memory fetches overlap), once the batch has this many values per
 * part: MNIST's batch of 64 is 50,176. */
#define GATHER_PAR_MIN_VALUES (1 << 14)

typedef struct {
    const nn_data *d;
    const uint32_t *indices;
    float *out;
    int32_t *out_labels;
} gather_job;

static void gather_range(void *ctx, size_t i0, size_t i1) {
    const gather_job *j = ctx;
    const nn_data *d = j->d;
    const size_t F = (size_t)d->features;
    touch_samples(d, j->indices + i0, (int)(i1 - i0), F * (d->x8 ? 1 : sizeof(float)));
    for (size_t i = i0; i < i1; i++) {
        size_t s = j->indices[i];
        float *o = j->out + i * F;
        if (d->x8) {
            f32_from_u8_scaled(o, d->x8 + s * F, F, d->scale); /* SIMD in wasm */
        } else {
            memcpy(o, d->xf + s * F, F * sizeof(float));
        }
        if (j->out_labels) j->out_labels[i] = d->labels[s];
    }
}

nn_status nn_data_gather(const nn_data *d, const uint32_t *indices, int n, float *out, int32_t *out_labels) {
    for (int i = 0; i < n; i++) /* checked first: a bad index changes nothing */
        if (indices[i] >= d->count)
            return nn_fail(NN_ERR_INVALID, "sample index %zu is outside the %zu samples", (size_t)indices[i], d->count);
    if (n <= 0) return NN_OK;
    gather_job j = {d, indices, out, out_labels};
    nn_par_for(gather_range, &j, (size_t)n, 1, nn_par_parts((size_t)n * (size_t)d->features, GATHER_PAR_MIN_VALUES));
    return NN_OK;
}
