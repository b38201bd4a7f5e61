/* parallel.c: the thread pool behind parallel.h. One job at a time. The caller publishes a job
 * as one 32-bit ticket (job number, parts, next unclaimed part), bumps `generation` to wake the
 * workers, and then, like every awake worker, claims parts by compare-and-swap on the ticket and
 * runs them until none is left; it returns once `done` counts every part. Which thread runs a
 * part changes no bit: a part's output and scratch (gemm's panel buffers, the convolutions'
 * per-part workspaces) belong to its index, not to a thread. So when a worker is late (asleep, or
 * without a core because other work runs) the caller takes its part instead of waiting for it.
 * A claim names the job, so a worker that wakes after its job is over claims nothing of the
 * next one by mistake, and reads the job's function only after a claim, when the job cannot end
 * before its part is done. The job number has 24 bits: a claim that succeeds found the ticket
 * exactly as it read it, so even a worker 2^24 jobs late takes a real unclaimed part of the job
 * that runs then, with that job's part count. The ticket was 64 bits until Node 20's baseline
 * compiler (V8 11.3's Liftoff) hung the pool after a change that only reordered nn_par_run's
 * locals (W1 on 2 threads: 5 of 8 runs; 0 of 4 with --no-liftoff, 0 of 8 with this ticket), so
 * the pool keeps to 32-bit atomics. Waiting polls first, then sleeps (a futex on Linux,
 * memory.atomic.wait32 in wasm); a side that changes a value wakes sleepers only when some
 * counted themselves in. */
#define _GNU_SOURCE /* syscall() for the futex */
#include "parallel.h"

#include <sched.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

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

/* The ticket: job number (mod 2^24) << 8 | parts << 4 | next part (parts <= NN_MAX_THREADS < 16). */
#define TICKET_PARTS(t) ((int)(((t) >> 4) & 15))
#define TICKET_NEXT(t) ((int)((t) & 15))

/* What the caller writes once per job and what the workers write per part lie on separate cache
 * lines. */
static struct {
    _Alignas(64) _Atomic int32_t ticket;
    _Atomic int32_t generation; /* bumped once per job: what sleeping workers wait on */
    _Atomic int32_t threads;    /* what nn_set_threads asked for, at most 1 + alive */
    nn_par_fn fn;
    void *ctx;
    int64_t jobs; /* the caller's count, for the ticket */
    _Alignas(64) _Atomic int32_t done; /* parts of the current job finished */
    _Atomic int32_t caller_sleeps;     /* the caller waits on `done` (not only polls) */
    _Atomic int32_t sleepers;          /* workers waiting on `generation` (not only polling) */
    _Atomic int32_t alive;             /* workers serving jobs (ids 1..alive) */
} pool = {.threads = 1};

/* How many times a thread polls before it sleeps, some 2.5 ms in wasm. A wake from sleep costs
 * tens of microseconds or more (on a virtual machine an idle CPU is woken through the host): a
 * worker that wakes late gives up that much of its part to the caller, and a caller asleep at the
 * end of a job (W2's parts take a few hundred microseconds) holds the step up for it. With
 * 200,000 polls, a tenth, the median step on 2 threads was 1 to 16 % slower in 22 of 24
 * comparisons of W1, W2 and W3, and 2 and 16 % faster in the other two (`node
 * tests/bench/threads.mjs --core`, both builds taking turns in one process). The price:
 * after the last job of a burst (a slice of the page's training) the workers burn these
 * milliseconds before they sleep (`node tests/bench/pool_probe.mjs`: 2.77 ms of CPU time, against
 * 0.55 with 200,000). */
#ifndef NN_PAR_SPINS
#define NN_PAR_SPINS 2000000
#endif
static int spins = NN_PAR_SPINS;

void nn_par_set_spins(int n) { spins = n < 0 ? 0 : n; }

/* Sleeps while *addr is `value`, for at most timeout_ns. */
static void sleep_on(_Atomic int32_t *addr, int32_t value, int64_t timeout_ns) {
#if defined(NN_THREADS_WASM)
    __builtin_wasm_memory_atomic_wait32((int32_t *)addr, value, timeout_ns);
#elif defined(NN_THREADS_POSIX)
    struct timespec limit = {(time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000)};
    syscall(SYS_futex, (int32_t *)addr, FUTEX_WAIT_PRIVATE, value, &limit, NULL, 0);
#else
    (void)addr;
    (void)value;
    (void)timeout_ns;
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
 * it may sleep. No wake should be lost: both sides use sequentially consistent atomics, so either
 * the side that changes *addr sees the count (and wakes), or this side sees the new value; and
 * the futex or wait32 compares the value again as it goes to sleep. Yet in wasm under Node, with
 * a variant that let workers poll less after missing jobs, a caller was seen asleep on a finished
 * job (`done` complete, its count still in), cause not found; so every sleep is also bounded by
 * timeout_ns, and a lost wake would cost that much time, not the page. */
static void wait_while(_Atomic int32_t *addr, int32_t value, _Atomic int32_t *sleeping, int64_t timeout_ns) {
    for (int i = 0; i < spins; i++)
        if (atomic_load(addr) != value) return;
    while (atomic_load(addr) == value) {
        atomic_fetch_add(sleeping, 1);
        if (atomic_load(addr) == value) sleep_on(addr, value, timeout_ns);
        atomic_fetch_sub(sleeping, 1);
    }
}

/* The caller sleeps only inside a job, so a short bound; an idle worker, a long one. */
enum { CALLER_SLEEP_NS = 1000000, WORKER_SLEEP_NS = 100000000 };

/* Claims and runs parts of the job on the ticket until none is left. */
static void claim_parts(void) {
    int32_t t = atomic_load(&pool.ticket);
    while (TICKET_NEXT(t) < TICKET_PARTS(t)) {
        if (!atomic_compare_exchange_weak(&pool.ticket, &t, t + 1)) continue; /* t now holds the ticket */
        const int parts = TICKET_PARTS(t);
        pool.fn(pool.ctx, TICKET_NEXT(t), parts);
        if (atomic_fetch_add(&pool.done, 1) == parts - 1 && atomic_load(&pool.caller_sleeps)) wake_all(&pool.done);
        t = atomic_load(&pool.ticket);
    }
}

#if defined(NN_THREADS_WASM) || defined(NN_THREADS_POSIX)
static void serve(int id) {
    int32_t seen = atomic_load(&pool.generation);
    atomic_fetch_add(&pool.alive, 1);
    for (;;) {
        wait_while(&pool.generation, seen, &pool.sleepers, WORKER_SLEEP_NS);
        seen = atomic_load(&pool.generation);
        if (id < atomic_load(&pool.threads)) claim_parts();
    }
}
#endif

int nn_par_threads(void) { return atomic_load(&pool.threads); }

void nn_par_run(nn_par_fn fn, void *ctx, int parts) {
    if (parts > NN_MAX_THREADS) parts = NN_MAX_THREADS;
    if (atomic_load(&pool.threads) <= 1) parts = 1;
    if (parts <= 1) {
        fn(ctx, 0, 1);
        return;
    }
    pool.fn = fn;
    pool.ctx = ctx;
    atomic_store(&pool.done, 0);
    atomic_store(&pool.ticket, (int32_t)((uint32_t)++pool.jobs << 8 | (uint32_t)parts << 4));
    atomic_fetch_add(&pool.generation, 1);
    if (atomic_load(&pool.sleepers)) wake_all(&pool.generation);
    claim_parts();
    for (int32_t d; (d = atomic_load(&pool.done)) != parts;) wait_while(&pool.done, d, &pool.caller_sleeps, CALLER_SLEEP_NS);
}

void nn_par_span(size_t n, size_t align, int part, int parts, size_t *begin, size_t *end) {
    const size_t groups = (n + align - 1) / align;
    /* 64-bit products: groups * parts passes 2^32 in wasm's 32-bit size_t for a big enough n */
    const size_t g0 = (size_t)((uint64_t)groups * (uint64_t)part / (uint64_t)parts);
    const size_t g1 = (size_t)((uint64_t)groups * (uint64_t)(part + 1) / (uint64_t)parts);
    *begin = g0 * align < n ? g0 * align : n;
    *end = g1 * align < n ? g1 * align : n;
}

void nn_par_range(int n, int align, int part, int parts, int *begin, int *end) {
    size_t b, e;
    nn_par_span((size_t)n, (size_t)align, part, parts, &b, &e);
    *begin = (int)b;
    *end = (int)e;
}

int nn_par_split(int n) {
    const int threads = atomic_load(&pool.threads);
    int parts = threads * NN_PAR_SPLIT < NN_MAX_THREADS ? threads * NN_PAR_SPLIT : NN_MAX_THREADS;
    if (threads <= 1) parts = 1;
    return n < parts ? (n < 1 ? 1 : n) : parts;
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
    size_t begin, end;
    nn_par_span(j->n, j->align, part, parts, &begin, &end);
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
    atomic_store(&pool.threads, n); /* between jobs: a worker takes part from the next one on */
    return NN_OK;
}

int nn_get_threads(void) { return atomic_load(&pool.threads); }
