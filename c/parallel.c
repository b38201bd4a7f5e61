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

/* The caller's fields and the workers' fields lie on separate cache lines, so a worker finishing
 * a part does not pull away the line the caller is about to bump, nor the reverse. */
static struct {
    _Alignas(64) _Atomic int32_t generation; /* bumped once per job */
    nn_par_fn fn;
    void *ctx;
    int parts;
    int threads; /* what nn_set_threads asked for, at most 1 + alive */
    _Alignas(64) _Atomic int32_t pending; /* parts of the current job that workers have not finished */
    _Atomic int32_t caller_sleeps;        /* the caller waits on `pending` (not only spins) */
    _Atomic int32_t sleepers;             /* workers waiting on `generation` (not only spinning) */
    _Atomic int32_t alive;                /* workers serving jobs (ids 1..alive) */
    struct {
        _Alignas(64) _Atomic int32_t generation; /* the generation this worker last waited at */
    } parked[NN_MAX_THREADS];
} pool = {.threads = 1};

/* How many times a thread polls before it sleeps. A poll costs about a nanosecond; a wake from
 * sleep tens of microseconds (in wasm under Node about 20 to 50), more than the serial stretch
 * between two jobs of a step, so the threads poll for a while first. */
static int spins = 200000;

void nn_par_set_spins(int n) { spins = n < 0 ? 0 : n; }

static void sleep_on(_Atomic int32_t *addr, int32_t value) {
#if defined(NN_THREADS_WASM)
    __builtin_wasm_memory_atomic_wait32((int32_t *)addr, value, -1);
#elif defined(NN_THREADS_POSIX)
    syscall(SYS_futex, (int32_t *)addr, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
#else
    (void)addr;
    (void)value;
#endif
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

/* Waits until *addr is no longer `value`: polls, then sleeps, counting itself in *sleeping while
 * it may sleep. The side that changes *addr wakes it only when *sleeping is not 0 (a wake is a
 * system call natively and a runtime call in wasm). No wake is lost: both sides use sequentially
 * consistent atomics, so either the changer sees the count (and wakes), or this side sees the
 * new value, and the futex or wait32 compares the value again as it goes to sleep. */
static void wait_while(_Atomic int32_t *addr, int32_t value, _Atomic int32_t *sleeping) {
    for (int i = 0; i < spins; i++)
        if (atomic_load(addr) != value) return;
    while (atomic_load(addr) == value) {
        atomic_fetch_add(sleeping, 1);
        if (atomic_load(addr) == value) sleep_on(addr, value);
        atomic_fetch_sub(sleeping, 1);
    }
}

#if defined(NN_THREADS_WASM) || defined(NN_THREADS_POSIX)
static void serve(int id) {
    int32_t seen = atomic_load(&pool.generation);
    atomic_store(&pool.parked[id].generation, seen);
    atomic_fetch_add(&pool.alive, 1);
    for (;;) {
        wait_while(&pool.generation, seen, &pool.sleepers);
        seen = atomic_load(&pool.generation);
        if (id < pool.threads) {
            if (id < pool.parts) pool.fn(pool.ctx, id, pool.parts);
            if (atomic_fetch_sub(&pool.pending, 1) == 1 && atomic_load(&pool.caller_sleeps)) wake_all(&pool.pending);
        }
        atomic_store(&pool.parked[id].generation, seen);
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
    if (atomic_load(&pool.sleepers)) wake_all(&pool.generation);
    fn(ctx, 0, parts);
    for (int32_t left; (left = atomic_load(&pool.pending)) != 0;) wait_while(&pool.pending, left, &pool.caller_sleeps);
}

void nn_par_range(int n, int align, int part, int parts, int *begin, int *end) {
    int groups = (n + align - 1) / align;
    int g0 = (int)((long long)groups * part / parts), g1 = (int)((long long)groups * (part + 1) / parts);
    *begin = g0 * align < n ? g0 * align : n;
    *end = g1 * align < n ? g1 * align : n;
}

static size_t min_work_override;

void nn_par_set_min_work(size_t work) { min_work_override = work; }

int nn_par_parts(size_t work, size_t min_per_part) {
    if (min_work_override) min_per_part = min_work_override;
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
        while (atomic_load(&pool.parked[id].generation) != atomic_load(&pool.generation)) sched_yield();
    pool.threads = n;
    return NN_OK;
}

int nn_get_threads(void) { return pool.threads; }
