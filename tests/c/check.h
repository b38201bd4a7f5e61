/* check.h: the small test harness the C tests share: CHECK counting, and a
 * finite-difference gradient check over every parameter of a net. */
#ifndef NN_TEST_CHECK_H
#define NN_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"

static int checks_passed, checks_failed;

#define CHECK(cond, ...)                                            \
    do {                                                            \
        if (cond) {                                                 \
            checks_passed++;                                        \
        } else {                                                    \
            checks_failed++;                                        \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);             \
            printf(__VA_ARGS__);                                    \
            printf("\n");                                           \
        }                                                           \
    } while (0)

#define CHECK_OK(expr) CHECK((expr) == NN_OK, "%s: %s", #expr, nn_last_error())

static int check_summary(void) {
    printf("%d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed ? 1 : 0;
}

static inline float loss_at(nn_net *net, const float *x, const int32_t *labels, int batch) {
    float loss = NAN;
    if (nn_forward(net, x, batch, 1) != NN_OK) return NAN;
    nn_loss(net, labels, batch, &loss, NULL);
    return loss;
}

/* Compares analytic parameter gradients with central differences of the loss.
 * A parameter whose two sides disagree sharply (a kink, e.g. ReLU at 0 or a max-pool
 * tie crossing) is accepted when the analytic value matches either one-sided slope.
 * Returns the number of mismatches; prints the first few. */
static inline int gradcheck_params(nn_net *net, const float *x, const int32_t *labels, int batch, float h, float tol,
                                   const char *what) {
    size_t n = nn_param_count(net);
    if (nn_forward(net, x, batch, 1) != NN_OK) { printf("%s: forward: %s\n", what, nn_last_error()); return 1; }
    float loss;
    if (nn_loss(net, labels, batch, &loss, NULL) != NN_OK) { printf("%s: loss: %s\n", what, nn_last_error()); return 1; }
    nn_zero_grad(net);
    nn_backward(net);
    float *analytic = malloc(n * sizeof(float));
    memcpy(analytic, nn_grads(net), n * sizeof(float));
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float *p = nn_params(net);
        float saved = p[i];
        p[i] = saved + h;
        double up = loss_at(net, x, labels, batch);
        p = nn_params(net);
        p[i] = saved - h;
        double down = loss_at(net, x, labels, batch);
        p = nn_params(net);
        p[i] = saved;
        double mid = loss_at(net, x, labels, batch);
        double central = (up - down) / (2.0 * h);
        double right = (up - mid) / h, left = (mid - down) / h;
        double a = analytic[i];
        double scale = fmax(fmax(fabs(a), fabs(central)), 1e-2);
        int ok = fabs(a - central) <= tol * scale;
        /* A kink between the probes (ReLU at 0, ELU's second derivative at 0, a max-pool
         * tie) makes the one-sided slopes disagree: the analytic value must then lie
         * between them, as either side of the kink is a valid subgradient. */
        if (!ok && fabs(right - left) > tol * scale)
            ok = a >= fmin(left, right) - tol * scale && a <= fmax(left, right) + tol * scale;
        if (!ok) {
            if (bad < 4)
                printf("  %s: param %zu analytic %.6g numeric %.6g (left %.6g right %.6g)\n", what, i, a, central,
                       left, right);
            bad++;
        }
    }
    free(analytic);
    return bad;
}

#endif
