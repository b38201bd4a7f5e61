/* pool_probe.c: the cost of the thread pool's fork-join itself, for tests/bench/pool_probe.mjs,
 * which builds this file with the core as a threaded wasm module and times these exports. */
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
