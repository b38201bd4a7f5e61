/* test_resume.c: checkpoints (random streams, epoch order and position, optimizer state) restore a
 * run that continues bit for bit; the setters refuse what they could not have written; the memory
 * budget names the largest batch that fits. */
#include "check.h"

#define FEATURES 12
#define SAMPLES 50
#define CLASSES 3
#define BATCH 8 /* 50 samples: 6 full batches and a short one per epoch */

/* A conv-free net with every stateful piece: dropout (its stream), batch-norm (running buffers),
 * Adam with AMSGrad (three state slots and the step counter), shuffling (the epoch order). */
static nn_net *make_net(void) {
    nn_net *net = nn_net_create(FEATURES, 1, 1);
    nn_add_dense(net, 16, 1);
    nn_add_batchnorm(net, 1e-5f, 0.1f);
    nn_add_activation(net, NN_LAYER_RELU, 0);
    nn_add_dropout(net, 0.3f);
    nn_add_dense(net, CLASSES, 1);
    if (nn_build(net, BATCH) != NN_OK) printf("build: %s\n", nn_last_error());
    nn_seed(net, 42);
    nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU);
    nn_set_optimizer(net, NN_OPTIM_ADAM);
    nn_set_hyper(net, NN_HP_LR, 0.01);
    nn_set_hyper(net, NN_HP_AMSGRAD, 1);
    return net;
}

typedef struct {
    float *params, *buffers, *state;
    uint32_t *order;
    size_t params_n, buffers_n, state_n, order_n, position;
    int64_t steps, epoch;
    uint64_t rng[NN_RNG_STATE_WORDS];
} checkpoint;

static checkpoint save(nn_net *net) {
    checkpoint c = {0};
    c.params_n = nn_param_count(net);
    c.buffers_n = nn_buffer_count(net);
    c.state_n = nn_optim_state_count(net);
    c.order_n = nn_epoch_order_count(net);
    c.params = malloc(c.params_n * sizeof(float));
    c.buffers = malloc((c.buffers_n + 1) * sizeof(float));
    c.state = malloc(c.state_n * sizeof(float));
    c.order = malloc((c.order_n + 1) * sizeof(uint32_t));
    memcpy(c.params, nn_params(net), c.params_n * sizeof(float));
    memcpy(c.buffers, nn_buffers(net), c.buffers_n * sizeof(float));
    memcpy(c.state, nn_optim_state(net), c.state_n * sizeof(float));
    if (c.order_n) memcpy(c.order, nn_epoch_order(net), c.order_n * sizeof(uint32_t));
    c.position = nn_epoch_position(net);
    c.steps = nn_optim_step_count(net);
    c.epoch = nn_epoch(net);
    nn_rng_state(net, c.rng);
    return c;
}

static nn_status restore(nn_net *net, const checkpoint *c) {
    memcpy(nn_params(net), c->params, c->params_n * sizeof(float));
    memcpy(nn_buffers(net), c->buffers, c->buffers_n * sizeof(float));
    memcpy(nn_optim_state(net), c->state, c->state_n * sizeof(float));
    nn_set_optim_step_count(net, c->steps);
    nn_status st = nn_set_rng_state(net, c->rng);
    if (st != NN_OK) return st;
    return nn_set_epoch_state(net, c->order, c->order_n, c->position, c->epoch);
}

static void release(checkpoint *c) {
    free(c->params); free(c->buffers); free(c->state); free(c->order);
}

static uint32_t bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static void test_resume_is_bit_identical(void) {
    static float x[SAMPLES * FEATURES];
    static uint8_t y[SAMPLES];
    for (int i = 0; i < SAMPLES * FEATURES; i++) x[i] = (float)((i * 7919) % 101) / 50.0f - 1.0f;
    for (int i = 0; i < SAMPLES; i++) y[i] = (uint8_t)(i % CLASSES);
    nn_data *data = nn_data_create_f32(x, y, SAMPLES, FEATURES);
    /* Checkpoints mid-epoch (step 10: position 24 of epoch 1) and at an epoch boundary (step 14). */
    const int at[] = {10, 14}, more = 20;
    for (int k = 0; k < 2; k++) {
        nn_net *whole = make_net();
        nn_step_result r;
        for (int s = 0; s < at[k]; s++) CHECK_OK(nn_train_step(whole, data, BATCH, 1, &r));
        checkpoint c = save(whole);
        CHECK(c.order_n == SAMPLES, "the order has every sample: %zu", c.order_n);
        CHECK(k == 1 ? c.position == 0 && c.epoch == 2 : c.position == 24 && c.epoch == 1,
              "position %zu, epoch %lld at step %d", c.position, (long long)c.epoch, at[k]);
        float expected[64];
        for (int s = 0; s < more; s++) {
            CHECK_OK(nn_train_step(whole, data, BATCH, 1, &r));
            expected[s] = r.loss;
        }
        /* A fresh net, seeded differently so nothing lines up by accident. */
        nn_net *resumed = make_net();
        nn_seed(resumed, 999);
        CHECK_OK(restore(resumed, &c));
        int same = 1;
        for (int s = 0; s < more; s++) {
            CHECK_OK(nn_train_step(resumed, data, BATCH, 1, &r));
            if (bits(r.loss) != bits(expected[s])) {
                if (same) printf("step %d after the checkpoint: %.9g vs %.9g\n", s + 1, (double)r.loss, (double)expected[s]);
                same = 0;
            }
        }
        CHECK(same, "resumed at step %d: the next %d losses are bit-identical", at[k], more);
        CHECK(memcmp(nn_params(resumed), nn_params(whole), nn_param_count(whole) * sizeof(float)) == 0,
              "and so are the weights");
        CHECK(nn_epoch(resumed) == nn_epoch(whole), "and the epoch");
        release(&c);
        nn_net_free(whole);
        nn_net_free(resumed);
    }
    nn_data_free(data);
}

static void test_setters_refuse(void) {
    nn_net *net = make_net();
    uint64_t rng[NN_RNG_STATE_WORDS];
    nn_rng_state(net, rng);
    for (int i = 0; i < 3; i++) CHECK(rng[2 * i + 1] & 1u, "stream %d increment is odd", i);
    uint64_t bad[NN_RNG_STATE_WORDS];
    memcpy(bad, rng, sizeof bad);
    bad[3] = 4;
    CHECK(nn_set_rng_state(net, bad) == NN_ERR_INVALID && strstr(nn_last_error(), "even increment"), "even increment: %s",
          nn_last_error());
    uint64_t now[NN_RNG_STATE_WORDS];
    nn_rng_state(net, now);
    CHECK(memcmp(now, rng, sizeof now) == 0, "a refused state changes nothing");

    uint32_t order[5] = {4, 2, 0, 1, 3};
    CHECK_OK(nn_set_epoch_state(net, order, 5, 2, 3));
    CHECK(nn_epoch_position(net) == 2 && nn_epoch(net) == 3 && nn_epoch_order_count(net) == 5, "restored");
    CHECK(nn_epoch_order(net)[0] == 4 && nn_epoch_order(net)[4] == 3, "order copied");
    uint32_t twice[5] = {4, 2, 2, 1, 3};
    CHECK(nn_set_epoch_state(net, twice, 5, 0, 0) == NN_ERR_INVALID && strstr(nn_last_error(), "permutation"),
          "a repeated index: %s", nn_last_error());
    uint32_t outside[5] = {4, 2, 0, 1, 5};
    CHECK(nn_set_epoch_state(net, outside, 5, 0, 0) == NN_ERR_INVALID, "an index outside");
    CHECK(nn_set_epoch_state(net, order, 5, 5, 0) == NN_ERR_INVALID, "a position at the end");
    CHECK(nn_set_epoch_state(net, order, 5, 1, -1) == NN_ERR_INVALID, "a negative epoch");
    CHECK(nn_set_epoch_state(net, NULL, 0, 1, 0) == NN_ERR_INVALID, "a position without an order");
    CHECK(nn_epoch_position(net) == 2 && nn_epoch(net) == 3 && nn_epoch_order(net)[0] == 4, "refusals changed nothing");
    CHECK_OK(nn_set_epoch_state(net, NULL, 0, 0, 7));
    CHECK(nn_epoch_order(net) == NULL && nn_epoch_order_count(net) == 0 && nn_epoch(net) == 7, "no order yet");
    nn_net_free(net);
}

static void test_budget_names_the_batch_that_fits(void) {
    nn_net *net = nn_net_create(1, 28, 28);
    nn_add_flatten(net);
    nn_add_dense(net, 256, 1);
    nn_add_activation(net, NN_LAYER_RELU, 0);
    nn_add_dense(net, 10, 1);
    size_t before = nn_memory_budget();
    nn_set_memory_budget(64u << 20);
    CHECK(nn_build(net, 8192) == NN_ERR_NOMEM, "batch 8192 is over 64 MB");
    const char *msg = nn_last_error();
    const char *at = strstr(msg, "the largest batch that fits is ");
    CHECK(at != NULL, "the message names a batch: %s", msg);
    int fits = at ? atoi(at + strlen("the largest batch that fits is ")) : 0;
    CHECK(fits > 0 && nn_build_bytes(net, fits) > 0 && nn_build_bytes(net, fits + 1) == 0,
          "batch %d fits and %d does not", fits, fits + 1);
    nn_set_memory_budget(1u << 20);
    CHECK(nn_build(net, 4) == NN_ERR_NOMEM && strstr(nn_last_error(), "even a batch of 1 needs"), "nothing fits: %s",
          nn_last_error());
    nn_set_memory_budget(before);
    nn_net_free(net);
}

int main(void) {
    (void)gradcheck_params;
    test_resume_is_bit_identical();
    test_setters_refuse();
    test_budget_names_the_batch_that_fits();
    return check_summary();
}
