/* gemm_bench.c: GFLOP/s of a packed register-blocked micro-kernel (the ceiling) and of the
 * core's GEMMs at the exact shapes the two benchmark networks use.
 *
 * W1 = MLP 784-128-10, W2 = conv 8x5x5 p2, pool 2, conv 16x5x5 p2, pool 2, dense 10; batch 64.
 * Built with emcc -O3 -msimd128 for the numbers that matter (tests/bench/run.sh), or natively.
 *
 *   gemm_bench [seconds per measurement, 0.1] [rounds, 3] [--json]
 *
 * --json prints the same measurements as one JSON object (what `npm run bench` reads, see
 * web/bench/gemm.js): {simd, rounds, seconds, kernels: [{name, gflops}], ceiling: {name, gflops},
 * products: [{net, what, m, n, k, gflops, per_step, us_per_step, in_step}]}: per_step is calls per
 * training step, in_step 1 for the products training runs today (0: the im2col lowering). */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/conv_direct.h"
#include "../../c/gemm.h"
#include "../../c/simd.h"
#include "bench.h"

/* ---- the ceiling: C[R][4V] += Apanel[K][R] * Bpanel[K][4V], operands packed once ---- */

#define DEFINE_MICRO(R, V)                                                                          \
    static void micro_##R##x##V(int K, const float *ap, const float *bp, float *c, int ldc) {       \
        f32x4 acc[R][V];                                                                            \
        for (int r = 0; r < R; r++)                                                                 \
            for (int v = 0; v < V; v++) acc[r][v] = f32x4_load(c + (size_t)r * ldc + 4 * v);        \
        for (int k = 0; k < K; k++, ap += R, bp += 4 * V) {                                         \
            f32x4 b[V];                                                                             \
            for (int v = 0; v < V; v++) b[v] = f32x4_load(bp + 4 * v);                              \
            for (int r = 0; r < R; r++) {                                                           \
                f32x4 a = f32x4_splat(ap[r]);                                                       \
                for (int v = 0; v < V; v++) acc[r][v] = f32x4_add(acc[r][v], f32x4_mul(a, b[v]));   \
            }                                                                                       \
        }                                                                                           \
        for (int r = 0; r < R; r++)                                                                 \
            for (int v = 0; v < V; v++) f32x4_store(c + (size_t)r * ldc + 4 * v, acc[r][v]);        \
    }

DEFINE_MICRO(4, 2)
DEFINE_MICRO(4, 1)
DEFINE_MICRO(8, 1)
DEFINE_MICRO(2, 4)
DEFINE_MICRO(3, 3)
DEFINE_MICRO(6, 2)
DEFINE_MICRO(4, 3)
DEFINE_MICRO(8, 2)
DEFINE_MICRO(1, 8)
DEFINE_MICRO(2, 3)
DEFINE_MICRO(2, 5)
DEFINE_MICRO(2, 6)
DEFINE_MICRO(3, 4)
DEFINE_MICRO(1, 4)

typedef void (*micro_fn)(int, const float *, const float *, float *, int);
typedef struct {
    const char *name;
    int rows, vecs;
    micro_fn fn;
} micro_variant;

static const micro_variant variants[] = {
    {"4x8 (4 rows x 2 vectors)", 4, 2, micro_4x2}, {"4x4", 4, 1, micro_4x1},   {"8x4", 8, 1, micro_8x1},
    {"2x16", 2, 4, micro_2x4},                     {"3x12", 3, 3, micro_3x3},  {"6x8", 6, 2, micro_6x2},
    {"4x12", 4, 3, micro_4x3},                     {"8x8 (16 accumulators)", 8, 2, micro_8x2},
    {"1x32", 1, 8, micro_1x8},                     {"2x12", 2, 3, micro_2x3},  {"2x20", 2, 5, micro_2x5},
    {"2x24", 2, 6, micro_2x6},                     {"3x16", 3, 4, micro_3x4},  {"1x16", 1, 4, micro_1x4},
};

/* Seconds per call: the fastest of many short timed batches of calls (about 5 ms each). The
 * machine is shared, so the minimum, not the mean, is what the code can do: slower batches
 * measured someone else. */
typedef void (*work_fn)(void *ctx);
static double time_per_call(work_fn fn, void *ctx, double min_seconds) {
    fn(ctx); /* warm caches and the JIT's tiers */
    int reps = 1;
    double best = 1e30, spent = 0;
    for (;;) { /* grow the batch to about 5 ms */
        double t0 = bench_now();
        for (int r = 0; r < reps; r++) fn(ctx);
        double dt = bench_now() - t0;
        spent += dt;
        if (dt >= 0.005) break;
        reps = dt <= 0 ? reps * 10 : (int)(reps * (0.006 / dt)) + 1;
    }
    for (int trial = 0; trial < 10 || spent < min_seconds; trial++) {
        double t0 = bench_now();
        for (int r = 0; r < reps; r++) fn(ctx);
        double dt = bench_now() - t0;
        spent += dt;
        if (dt / reps < best) best = dt / reps;
    }
    return best;
}

typedef struct {
    const micro_variant *v;
    int M, N, K;
    float *ap, *bp, *c;
} ceiling_ctx;

static void ceiling_run(void *p) {
    ceiling_ctx *x = p;
    int R = x->v->rows, W = 4 * x->v->vecs;
    for (int j = 0; j < x->N; j += W)
        for (int i = 0; i < x->M; i += R)
            x->v->fn(x->K, x->ap + (size_t)i * x->K, x->bp + (size_t)j * x->K, x->c + (size_t)i * x->N + j, x->N);
}

static double ceiling(const micro_variant *v, int size, double min_seconds) {
    ceiling_ctx x = {v, size / v->rows * v->rows, size / (4 * v->vecs) * (4 * v->vecs), size, 0, 0, 0};
    x.ap = malloc(sizeof(float) * x.M * x.K);
    x.bp = malloc(sizeof(float) * x.N * x.K);
    x.c = calloc((size_t)x.M * x.N, sizeof(float));
    bench_fill(x.ap, (size_t)x.M * x.K, 1);
    bench_fill(x.bp, (size_t)x.N * x.K, 2);
    double s = time_per_call(ceiling_run, &x, min_seconds);
    bench_sink = x.c[0];
    free(x.ap); free(x.bp); free(x.c);
    return 2.0 * x.M * x.N * x.K / s * 1e-9;
}

/* ---- the core's products at the networks' shapes ---- */

/* _SET: C = the product, as a dense layer's backward writes its gradients in a training step */
typedef enum { L_NN, L_TN, L_NT, L_NN_SET, L_TN_SET, CONV_FORWARD, CONV_DW, CONV_DX } layout;
typedef struct {
    const char *net, *what;
    layout lay;
    int M, N, K;   /* GEMM sizes; for the convolutions the equivalent im2col GEMM's */
    int per_step;  /* calls per training step of batch 64 */
    int in_step;   /* 1: what training runs today; 0: the im2col lowering, kept for stride != 1 */
    int C, H, W, OC, k, pad; /* convolutions: one sample */
} shape;

/* As dense.c and conv2d.c call them: the dense layers once per batch, the convolutions once per
 * sample (direct kernels from the padded image, timed with their padding and transposes). */
static const shape shapes[] = {
    {"W1", "dense1 forward   x[64x784] W1^T", L_NT, 64, 128, 784, 1, 1},
    {"W1", "dense1 dW        dout^T x", L_TN_SET, 128, 784, 64, 1, 1},
    {"W1", "dense2 forward", L_NT, 64, 10, 128, 1, 1},
    {"W1", "dense2 dinp      dout W", L_NN_SET, 64, 128, 10, 1, 1},
    {"W1", "dense2 dW", L_TN_SET, 10, 128, 64, 1, 1},
    {"W2", "conv1 forward    direct 1x28x28 -> 8", CONV_FORWARD, 8, 784, 25, 64, 1, 1, 28, 28, 8, 5, 2},
    {"W2", "conv1 dW         direct", CONV_DW, 8, 25, 784, 64, 1, 1, 28, 28, 8, 5, 2},
    {"W2", "conv2 forward    direct 8x14x14 -> 16", CONV_FORWARD, 16, 196, 200, 64, 1, 8, 14, 14, 16, 5, 2},
    {"W2", "conv2 dW         direct", CONV_DW, 16, 200, 196, 64, 1, 8, 14, 14, 16, 5, 2},
    {"W2", "conv2 dinp       direct, flipped W", CONV_DX, 200, 196, 16, 64, 1, 8, 14, 14, 16, 5, 2},
    {"W2", "dense forward    x[64x784] W^T", L_NT, 64, 10, 784, 1, 1},
    {"W2", "dense dinp", L_NN_SET, 64, 784, 10, 1, 1},
    {"W2", "dense dW", L_TN_SET, 10, 784, 64, 1, 1},
    {"im2col", "conv1 forward    W[8x25] col[25x784]", L_NN, 8, 784, 25, 64, 0},
    {"im2col", "conv1 dW         dy col^T", L_NT, 8, 25, 784, 64, 0},
    {"im2col", "conv2 forward    W[16x200] col[200x196]", L_NN, 16, 196, 200, 64, 0},
    {"im2col", "conv2 dW         dy col^T", L_NT, 16, 200, 196, 64, 0},
    {"im2col", "conv2 dcol       W^T dy", L_TN, 200, 196, 16, 64, 0},
};

typedef struct {
    const shape *s;
    float *A, *B, *C;
    float *xp, *dyT, *dwT; /* convolutions */
    int calls;             /* after the first, the padded image's borders are in place, as for a batch's later samples */
} shape_ctx;

static void shape_run(void *p) {
    shape_ctx *x = p;
    const shape *s = x->s;
    const int OH = s->H + 2 * s->pad - s->k + 1, OW = s->W + 2 * s->pad - s->k + 1, lanes = (s->OC + 7) / 8 * 8;
    const int dpad = s->k - 1 - s->pad;
    switch (s->lay) {
    case L_NN: nn_gemm_nn(s->M, s->N, s->K, x->A, s->K, x->B, s->N, x->C, s->N); break;
    case L_TN: nn_gemm_tn(s->M, s->N, s->K, x->A, s->M, x->B, s->N, x->C, s->N); break;
    case L_NN_SET: nn_gemm_nn_set(s->M, s->N, s->K, x->A, s->K, x->B, s->N, x->C, s->N); break;
    case L_TN_SET: nn_gemm_tn_set(s->M, s->N, s->K, x->A, s->M, x->B, s->N, x->C, s->N); break;
    case L_NT: nn_gemm_nt(s->M, s->N, s->K, x->A, s->K, x->B, s->K, x->C, s->N); break;
    case CONV_FORWARD: /* A: weights, B: the image, C: the output */
        nn_conv_pad(x->B, s->C, s->H, s->W, s->pad, x->xp, x->calls++ > 0);
        nn_conv_direct(s->OC, s->C, s->k, x->A, x->xp, s->H + 2 * s->pad, s->W + 2 * s->pad, x->C, 1, x->A);
        break;
    case CONV_DW: /* A: dy, B: the image */
        nn_transpose_pad(x->A, s->OC, OH * OW, (size_t)OH * OW, x->dyT, (size_t)lanes);
        nn_conv_pad(x->B, s->C, s->H, s->W, s->pad, x->xp, x->calls++ > 0);
        nn_conv_direct_dw(s->C, s->k, x->xp, s->H + 2 * s->pad, s->W + 2 * s->pad, x->dyT, lanes, x->dwT);
        break;
    case CONV_DX: /* A: flipped weights, B: dy, C: dx */
        nn_conv_pad(x->B, s->OC, OH, OW, dpad, x->xp, x->calls++ > 0);
        nn_conv_direct(s->C, s->OC, s->k, x->A, x->xp, OH + 2 * dpad, OW + 2 * dpad, x->C, 0, NULL);
        break;
    }
}

/* Each measurement is repeated in `rounds` passes over the whole table and the fastest pass kept,
 * so a neighbour's burst of work spoils one pass, not the row. */
int main(int argc, char **argv) {
    double min_seconds = 0.1;
    int rounds = 3, json = 0, positional = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else if (positional++ == 0) min_seconds = atof(argv[i]);
        else rounds = atoi(argv[i]);
    }
    if (!(min_seconds >= 0) || rounds < 1) {
        fprintf(stderr, "usage: gemm_bench [seconds per measurement] [rounds >= 1] [--json]\n");
        return 2;
    }
    enum { NV = sizeof variants / sizeof variants[0], NS = sizeof shapes / sizeof shapes[0] };
    double variant_g[NV] = {0}, shape_s[NS];
    for (size_t i = 0; i < NS; i++) shape_s[i] = 1e30;
    for (int round = 0; round < rounds; round++) {
        for (size_t v = 0; v < NV; v++) {
            double g = ceiling(&variants[v], 256, min_seconds);
            if (g > variant_g[v]) variant_g[v] = g;
        }
        for (size_t i = 0; i < NS; i++) {
            const shape *s = &shapes[i];
            shape_ctx x = {s, 0, 0, 0, 0, 0, 0, 0};
            size_t big = (size_t)s->M * s->K + (size_t)s->K * s->N + (size_t)s->M * s->N; /* room for any operand */
            x.A = malloc(sizeof(float) * big);
            x.B = malloc(sizeof(float) * big);
            x.C = calloc(big, sizeof(float));
            x.xp = calloc(big + 4096, sizeof(float));
            x.dyT = calloc(big, sizeof(float));
            x.dwT = calloc(big, sizeof(float));
            bench_fill(x.A, big, 3);
            bench_fill(x.B, big, 4);
            double sec = time_per_call(shape_run, &x, min_seconds);
            if (sec < shape_s[i]) shape_s[i] = sec;
            bench_sink = x.C[0] + x.dwT[0];
            free(x.A); free(x.B); free(x.C); free(x.xp); free(x.dyT); free(x.dwT);
        }
    }
    double best = 0;
    const char *best_name = "";
    for (size_t v = 0; v < NV; v++)
        if (variant_g[v] > best) { best = variant_g[v]; best_name = variants[v].name; }
    if (json) { /* the names hold no quotes or backslashes, so they are printed as they are */
        printf("{\"simd\": \"%s\", \"rounds\": %d, \"seconds\": %g,\n \"kernels\": [", NN_SIMD_NAME, rounds, min_seconds);
        for (size_t v = 0; v < NV; v++)
            printf("%s\n  {\"name\": \"%s\", \"gflops\": %.4f}", v ? "," : "", variants[v].name, variant_g[v]);
        printf("],\n \"ceiling\": {\"name\": \"%s\", \"gflops\": %.4f},\n \"products\": [", best_name, best);
        for (size_t i = 0; i < NS; i++) {
            const shape *s = &shapes[i];
            printf("%s\n  {\"net\": \"%s\", \"what\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"gflops\": %.4f, "
                   "\"per_step\": %d, \"us_per_step\": %.3f, \"in_step\": %d}",
                   i ? "," : "", s->net, s->what, s->M, s->N, s->K, 2.0 * s->M * s->N * s->K / shape_s[i] * 1e-9,
                   s->per_step, shape_s[i] * s->per_step * 1e6, s->in_step);
        }
        printf("]}\n");
        return 0;
    }
    printf("gemm_bench (%s): GFLOP/s, one thread, fastest of %d rounds\n\n", NN_SIMD_NAME, rounds);
    for (size_t v = 0; v < NV; v++)
        printf("  ceiling 256^3 packed micro-kernel %-26s %6.2f\n", variants[v].name, variant_g[v]);
    printf("  ceiling: %.2f GFLOP/s (%s)\n\n", best, best_name);
    printf("  %-6s %-42s %-13s %8s %7s %10s\n", "net", "product", "M x N x K", "GFLOP/s", "ceiling", "us/step");
    double step_us[2] = {0, 0}, step_flop[2] = {0, 0};
    for (size_t i = 0; i < NS; i++) {
        const shape *s = &shapes[i];
        double sec = shape_s[i], flop = 2.0 * s->M * s->N * s->K, g = flop / sec * 1e-9;
        char dims[32];
        snprintf(dims, sizeof dims, "%dx%dx%d", s->M, s->N, s->K);
        printf("  %-6s %-42s %-13s %8.2f %6.0f%% %10.1f\n", s->net, s->what, dims, g, 100.0 * g / best,
               sec * s->per_step * 1e6);
        if (!s->in_step) continue;
        int w = s->net[1] == '2';
        step_us[w] += sec * s->per_step * 1e6;
        step_flop[w] += flop * s->per_step;
    }
    for (int w = 0; w < 2; w++)
        printf("\n  W%d: all products of one step: %.0f us, %.2f GFLOP/s (%.0f%% of the ceiling)", w + 1, step_us[w],
               step_flop[w] / step_us[w] * 1e-3, 100.0 * step_flop[w] / step_us[w] * 1e-3 / best);
    printf("\n");
    return 0;
}
