/* pool_probe.c: for tests/bench/pool_probe.mjs, which builds this file with the core as a threaded
 * wasm module: the cost of the thread pool's fork-join itself, and a training step timed piece by
 * piece on the threads the core runs (train_bench's breakdown is single-threaded in wasm). */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include "../../c/parallel.h"

static volatile int sink;

static void empty_part(void *ctx, int part, int parts) {
    (void)ctx;
    (void)part;
    (void)parts;
}

/* Busy work on the caller alone, between jobs: about `spins` dependent additions. */
static void serial_work(int spins) {
    int acc = sink;
    for (int i = 0; i < spins; i++) acc = acc * 3 + i;
    sink = acc;
}

/* `jobs` empty jobs on every thread, each after `gap` spins of work on the caller alone. */
void probe_forkjoin(int jobs, int gap) {
    for (int i = 0; i < jobs; i++) {
        if (gap) serial_work(gap);
        nn_par_run(empty_part, 0, NN_MAX_THREADS);
    }
}

/* The same serial work without the jobs, to subtract. */
void probe_serial(int jobs, int gap) {
    for (int i = 0; i < jobs; i++) serial_work(gap);
}

/* ---- one training step timed piece by piece, on the threads the core runs ---- */

#include <stdio.h>
#include <string.h>

#include "../../c/layer.h"
#include "../../c/nn.h"
#include "bench.h"

enum { MAX_LAYERS = 32 };

typedef struct {
    double gather, forward[MAX_LAYERS], loss, clear, backward[MAX_LAYERS], optim;
} piece_times;

/* The steps nn_train_step takes (batch `batch`, the epoch's order), each piece timed. */
static void timed_step(nn_net *net, const nn_data *data, int batch, piece_times *t) {
    if (net->order_pos + (size_t)batch > nn_data_count(data)) net->order_pos = 0;
    double t0 = bench_now();
    nn_data_gather(data, net->order + net->order_pos, batch, net->input_copy, net->batch_y);
    net->order_pos += (size_t)batch;
    t->gather = bench_now() - t0;
    const float *inp = net->input_copy;
    for (int i = 0; i < net->count && i < MAX_LAYERS; i++) {
        nn_layer *l = &net->layers[i];
        t0 = bench_now();
        nn_ops_for(l->kind)->forward(net, l, inp, batch, 1);
        t->forward[i] = bench_now() - t0;
        inp = l->out;
    }
    net->last_batch = batch;
    float loss;
    t0 = bench_now();
    nn_loss(net, net->batch_y, batch, &loss, NULL);
    t->loss = bench_now() - t0;
    int first = 0;
    while (first < net->count && net->layers[first].w_count + net->layers[first].b_count == 0) first++;
    net->backward_writes = 1;
    t->clear = 0;
    for (int i = net->count - 1; i >= first; i--) {
        nn_layer *l = &net->layers[i];
        const nn_layer_ops *ops = nn_ops_for(l->kind);
        float *dinp = i > first ? net->layers[i - 1].dout : NULL;
        t0 = bench_now();
        if (!ops->writes) {
            if (dinp) memset(dinp, 0, (size_t)batch * nn_in_size(l) * sizeof(float));
            if (l->w_count + l->b_count) memset(net->grads + l->w_off, 0, (l->w_count + l->b_count) * sizeof(float));
        }
        double t1 = bench_now();
        t->clear += t1 - t0;
        ops->backward(net, l, i ? net->layers[i - 1].out : net->input_copy, dinp, batch);
        t->backward[i] = bench_now() - t1;
    }
    net->backward_writes = 0;
    t0 = bench_now();
    nn_optim_step(net);
    t->optim = bench_now() - t0;
}

/* Prints the fastest time of each piece over `steps` steps of a built net whose epoch has begun
 * (a Session's after a few steps). */
void probe_profile(nn_net *net, const nn_data *data, int batch, int steps) {
    piece_times best, cur;
    memset(&best, 0x7f, sizeof best);
    for (int s = 0; s < steps; s++) {
        timed_step(net, data, batch, &cur);
        double *b = (double *)&best, *c = (double *)&cur;
        for (size_t i = 0; i < sizeof best / sizeof(double); i++)
            if (c[i] < b[i]) b[i] = c[i];
    }
    double sum = best.gather + best.loss + best.clear + best.optim;
    printf("    %-24s %8.1f\n", "gather batch", best.gather * 1e6);
    for (int i = 0; i < net->count && i < MAX_LAYERS; i++) {
        char label[48];
        snprintf(label, sizeof label, "%d %s forward", i, nn_kind_name(net->layers[i].kind));
        printf("    %-24s %8.1f\n", label, best.forward[i] * 1e6);
        sum += best.forward[i];
    }
    printf("    %-24s %8.1f\n    %-24s %8.1f\n", "loss", best.loss * 1e6, "clear gradients", best.clear * 1e6);
    for (int i = net->count - 1; i >= 0 && i < MAX_LAYERS; i--) {
        if (best.backward[i] > 1e3) continue; /* not run: before the first layer with parameters */
        char label[48];
        snprintf(label, sizeof label, "%d %s backward", i, nn_kind_name(net->layers[i].kind));
        printf("    %-24s %8.1f\n", label, best.backward[i] * 1e6);
        sum += best.backward[i];
    }
    printf("    %-24s %8.1f\n    %-24s %8.1f\n", "optimizer step", best.optim * 1e6, "sum", sum * 1e6);
}
