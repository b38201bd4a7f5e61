/* parallel.c: the thread pool behind parallel.h. One job at a time: the caller publishes it by
 * bumping `generation` and waking the workers, runs part 0 itself, and waits until `pending` is 0:
 * every active worker (id < threads) acknowledges every job, the ones with no part at once, so no
 * active worker can still be reading a job when the next is written. Inactive workers take no
 * part; nn_set_threads activates one only once it is parked at the current generation. Waiting is a futex on Linux and memory.atomic.wait32 in
 * wasm, after a short spin, because a job (one product of a step) lasts only tens of microseconds. */
#define _GNU_SOURCE /* syscall() for the futex */
#include "parallel.h"

#include <sched.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "error.h"

#if defined(__EMSCRIPTEN__) && defined(__wasm_atomics__)
#define NN_THREADS_WASM 1
#elif defined(__linux__) && !defined(__EMSCRIPTEN__)
#define NN_THREADS_POSIX 1
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

static struct {
    _Atomic int32_t generation; /* bumped once per job */
    _Atomic int32_t pending;    /* parts of the current job that workers have not finished */
    _Atomic int32_t alive;      /* workers serving jobs (ids 1..alive) */
    _Atomic int32_t parked[NN_MAX_THREADS]; /* the generation each worker last waited at */
    nn_par_fn fn;
    void *ctx;
    int parts;
    int threads; /* what nn_set_threads asked for, at most 1 + alive */
} pool = {.threads = 1};

enum { SPINS = 20000 };

static void wait_while(_Atomic int32_t *addr, int32_t value) {
    for (int i = 0; i < SPINS; i++)
        if (atomic_load(addr) != value) return;
    while (atomic_load(addr) == value) {
#if defined(NN_THREADS_WASM)
        __builtin_wasm_memory_atomic_wait32((int32_t *)addr, value, -1);
#elif defined(NN_THREADS_POSIX)
        syscall(SYS_futex, (int32_t *)addr, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
#endif
    }
}

static void wake_all(_Atomic int32_t *addr) {
#if defined(NN_THREADS_WASM)
    __builtin_wasm_memory_atomic_notify((int32_t *)addr, NN_MAX_THREADS);
#elif defined(NN_THREADS_POSIX)
    syscall(SYS_futex, (int32_t *)addr, FUTEX_WAKE_PRIVATE, NN_MAX_THREADS, NULL, NULL, 0);
#else
    (void)addr;
#endif
}

#if defined(NN_THREADS_WASM) || defined(NN_THREADS_POSIX)
static void serve(int id) {
    int32_t seen = atomic_load(&pool.generation);
    atomic_store(&pool.parked[id], seen);
    atomic_fetch_add(&pool.alive, 1);
    for (;;) {
        wait_while(&pool.generation, seen);
        seen = atomic_load(&pool.generation);
        if (id < pool.threads) {
            if (id < pool.parts) pool.fn(pool.ctx, id, pool.parts);
            if (atomic_fetch_sub(&pool.pending, 1) == 1) wake_all(&pool.pending);
        }
        atomic_store(&pool.parked[id], seen);
    }
}
#endif

int nn_par_threads(void) { return pool.threads; }

void nn_par_run(nn_par_fn fn, void *ctx, int parts) {
    if (parts > pool.threads) parts = pool.threads;
    if (parts <= 1) {
        fn(ctx, 0, 1);
        return;
    }
    pool.fn = fn;
    pool.ctx = ctx;
    pool.parts = parts;
    atomic_store(&pool.pending, pool.threads - 1);
    atomic_fetch_add(&pool.generation, 1);
    wake_all(&pool.generation);
    fn(ctx, 0, parts);
    for (int32_t left; (left = atomic_load(&pool.pending)) != 0;) wait_while(&pool.pending, left);
}

void nn_par_range(int n, int align, int part, int parts, int *begin, int *end) {
    int groups = (n + align - 1) / align;
    int g0 = (int)((long long)groups * part / parts), g1 = (int)((long long)groups * (part + 1) / parts);
    *begin = g0 * align < n ? g0 * align : n;
    *end = g1 * align < n ? g1 * align : n;
}

int nn_par_parts(size_t work, size_t min_per_part) {
    size_t parts = min_per_part ? work / min_per_part : work;
    return parts < 1 ? 1 : parts < (size_t)pool.threads ? (int)parts : pool.threads;
}

typedef struct {
    nn_par_range_fn fn;
    void *ctx;
    size_t n, align;
} range_job;

static void range_part(void *ctx, int part, int parts) {
    const range_job *j = ctx;
    const size_t groups = (j->n + j->align - 1) / j->align;
    size_t begin = groups * (size_t)part / (size_t)parts * j->align, end = groups * (size_t)(part + 1) / (size_t)parts * j->align;
    if (end > j->n) end = j->n;
    if (begin < end) j->fn(j->ctx, begin, end);
}

void nn_par_for(nn_par_range_fn fn, void *ctx, size_t n, size_t align, int parts) {
    if (n == 0) return;
    if (align < 1) align = 1;
    const size_t groups = (n + align - 1) / align;
    if ((size_t)parts > groups) parts = (int)groups;
    if (parts <= 1) {
        fn(ctx, 0, n);
        return;
    }
    range_job j = {fn, ctx, n, align};
    nn_par_run(range_part, &j, parts);
}

#if defined(NN_THREADS_POSIX)
static void *posix_worker(void *arg) {
    serve((int)(intptr_t)arg);
    return NULL;
}
#endif

void nn_thread_main(int id) {
#if defined(NN_THREADS_WASM)
    if (id >= 1 && id < NN_MAX_THREADS) serve(id);
#else
    (void)id; /* native threads are started by nn_set_threads */
#endif
}

nn_status nn_set_threads(int n) {
    if (n < 1 || n > NN_MAX_THREADS) return nn_fail(NN_ERR_INVALID, "threads: must be 1 to %d, got %d", NN_MAX_THREADS, n);
#if defined(NN_THREADS_POSIX)
    while (atomic_load(&pool.alive) + 1 < n) { /* start the missing workers; they serve until exit */
        int id = atomic_load(&pool.alive) + 1;
        pthread_t t;
        if (pthread_create(&t, NULL, posix_worker, (void *)(intptr_t)id) != 0)
            return nn_fail(NN_ERR_NOMEM, "threads: could not start thread %d", id);
        pthread_detach(t);
        while (atomic_load(&pool.alive) < id) sched_yield();
    }
#endif
    if (n > atomic_load(&pool.alive) + 1)
        return nn_fail(NN_ERR_INVALID, "threads: %d asked for, but only %d run (no shared memory here?)", n,
                       (int)atomic_load(&pool.alive) + 1);
    for (int id = pool.threads; id < n; id++) /* a worker joins once it waits for the next job */
        while (atomic_load(&pool.parked[id]) != atomic_load(&pool.generation)) sched_yield();
    pool.threads = n;
    return NN_OK;
}

int nn_get_threads(void) { return pool.threads; }
