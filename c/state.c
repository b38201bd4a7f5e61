/* state.c: what makes a run reproducible and resumable besides the weights: the seed and its
 * random streams, and the position in the epoch order (nn_train_step, in train.c, advances it). */
#include <stdlib.h>
#include <string.h>

#include "layer.h"

void nn_seed(nn_net *net, uint64_t seed) {
    if (!net) return;
    net->seed = seed;
    nn_rng_seed(&net->init_rng, seed, NN_STREAM_INIT);
    nn_rng_seed(&net->dropout_rng, seed, NN_STREAM_DROPOUT);
    nn_rng_seed(&net->shuffle_rng, seed, NN_STREAM_SHUFFLE);
    nn_reset_epoch(net);
}

void nn_reset_epoch(nn_net *net) {
    if (!net) return;
    net->order_pos = 0;
    net->epoch = 0;
    net->order_count = 0; /* refilled, and reshuffled, at the next step */
}

size_t nn_epoch_position(const nn_net *net) { return net ? net->order_pos : 0; }
const uint32_t *nn_epoch_order(const nn_net *net) { return net && net->order_count ? net->order : NULL; }
size_t nn_epoch_order_count(const nn_net *net) { return net ? net->order_count : 0; }
int64_t nn_epoch(const nn_net *net) { return net ? net->epoch : 0; }

void nn_rng_state(const nn_net *net, uint64_t *out) {
    if (!net || !out) return;
    const nn_rng *streams[3] = {&net->init_rng, &net->dropout_rng, &net->shuffle_rng};
    for (int i = 0; i < 3; i++) {
        out[2 * i] = streams[i]->state;
        out[2 * i + 1] = streams[i]->inc;
    }
}

nn_status nn_set_rng_state(nn_net *net, const uint64_t *state) {
    if (!net || !state) return nn_fail(NN_ERR_INVALID, "random state: no network or no state");
    for (int i = 0; i < 3; i++)
        if ((state[2 * i + 1] & 1u) == 0)
            return nn_fail(NN_ERR_INVALID, "random state: stream %d has an even increment (not saved by nn_rng_state)", i);
    nn_rng *streams[3] = {&net->init_rng, &net->dropout_rng, &net->shuffle_rng};
    for (int i = 0; i < 3; i++) {
        streams[i]->state = state[2 * i];
        streams[i]->inc = state[2 * i + 1];
    }
    return NN_OK;
}

nn_status nn_set_epoch_state(nn_net *net, const uint32_t *order, size_t count, size_t position, int64_t epoch) {
    if (!net) return nn_fail(NN_ERR_INVALID, "epoch state: no network");
    if (epoch < 0) return nn_fail(NN_ERR_INVALID, "epoch state: epoch %lld is negative", (long long)epoch);
    if (count == 0) {
        if (position != 0) return nn_fail(NN_ERR_INVALID, "epoch state: position %zu without an order", position);
        net->order_count = 0;
        net->order_pos = 0;
        net->epoch = epoch;
        return NN_OK;
    }
    if (!order) return nn_fail(NN_ERR_INVALID, "epoch state: no order");
    if (count > UINT32_MAX) return nn_fail(NN_ERR_INVALID, "epoch state: %zu samples is too many", count);
    if (position >= count)
        return nn_fail(NN_ERR_INVALID, "epoch state: position %zu is outside the %zu samples", position, count);
    /* A permutation: every index below count exactly once (checked with a bit set). */
    uint8_t *seen = calloc((count + 7) / 8, 1);
    if (!seen) return nn_fail(NN_ERR_NOMEM, "out of memory checking an epoch order of %zu samples", count);
    for (size_t i = 0; i < count; i++) {
        uint32_t k = order[i];
        if (k >= count || (seen[k >> 3] >> (k & 7)) & 1u) {
            free(seen);
            return nn_fail(NN_ERR_INVALID, "epoch state: the order is not a permutation of the %zu samples (entry %zu is %u)",
                           count, i, k);
        }
        seen[k >> 3] |= (uint8_t)(1u << (k & 7));
    }
    free(seen);
    if (net->order_count != count) {
        uint32_t *grown = realloc(net->order, count * sizeof(uint32_t));
        if (!grown) return nn_fail(NN_ERR_NOMEM, "out of memory for the epoch order of %zu samples", count);
        net->order = grown;
    }
    memcpy(net->order, order, count * sizeof(uint32_t));
    net->order_count = count;
    net->order_pos = position;
    net->epoch = epoch;
    return NN_OK;
}
