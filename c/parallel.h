/* parallel.h: a fork-join over a small fixed set of threads, for kernels that split their output
 * into blocks. Each block is computed by one thread exactly as one thread would compute it, so the
 * result has the same bits whatever the thread count; reductions stay on one thread.
 *
 * Native builds start POSIX threads. The wasm build has no thread API of its own: the embedder
 * starts one worker per extra thread, each with its own instance of the module on the shared
 * memory and its own stack, and each calls nn_thread_main, which serves jobs until the page goes. */
#ifndef NN_PARALLEL_H
#define NN_PARALLEL_H

#include <stddef.h>

#define NN_MAX_THREADS 8

/* Parts a thread may take of a job cut finer than the threads (nn_par_split). */
#define NN_PAR_SPLIT 4

/* One block of a job: part in [0, parts), each run by a different thread (part 0 by the caller). */
typedef void (*nn_par_fn)(void *ctx, int part, int parts);

/* How many threads a job may use now (1 when no others run). */
int nn_par_threads(void);

/* Runs fn(ctx, p, parts) for every p in [0, parts) and returns when all are done. parts is cut to
 * NN_MAX_THREADS (its per-part scratch is indexed by part), and to 1 when no other thread runs: 1
 * runs fn on the caller alone. More parts than threads are claimed as threads come free, so a
 * thread that a neighbour slows down takes fewer (nn_par_split). Not reentrant: a part must not
 * start a job. */
void nn_par_run(nn_par_fn fn, void *ctx, int parts);

/* How many parts a job of `n` independent items is worth cutting into when each thread may take
 * several: up to NN_PAR_SPLIT a thread, at most NN_MAX_THREADS and n; 1 on one thread. */
int nn_par_split(int n);

/* How many parts a job of `work` units (floats touched, multiply-adds...) is worth cutting into when
 * each part should have at least `min_per_part` of them: 1 to nn_par_threads(). A fork-join costs
 * microseconds, so a small job stays on the caller. */
int nn_par_parts(size_t work, size_t min_per_part);

/* Tests: every job then takes min_per_part = `work` (1 cuts each job as finely as the threads
 * allow, so small shapes exercise the splits); 0 restores each kernel's own. */
void nn_par_set_min_work(size_t work);

/* One contiguous range [begin, end) of a job's items. */
typedef void (*nn_par_range_fn)(void *ctx, size_t begin, size_t end);

/* Cuts n items into `parts` contiguous ranges of whole groups of `align` (nn_par_range) and runs
 * fn on each, part 0 on the caller; an empty range is not run. Items must be independent: each
 * output is made by exactly one range, in the order one thread would make it. */
void nn_par_for(nn_par_range_fn fn, void *ctx, size_t n, size_t align, int parts);

/* [*begin, *end) of n items (of `align` each, the last group possibly short) that part p of
 * `parts` takes: contiguous and near equal. */
void nn_par_range(int n, int align, int part, int parts, int *begin, int *end);

/* The same for counts beyond int (a parameter vector, nn_par_for's items). */
void nn_par_span(size_t n, size_t align, int part, int parts, size_t *begin, size_t *end);

/* How many times a waiting thread polls before it sleeps (benchmarks try other values). */
void nn_par_set_spins(int n);

#endif
