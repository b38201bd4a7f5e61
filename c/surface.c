/* surface.c: the optimizer lab's 2-D loss surfaces with their exact gradients, and a network whose
 * parameters are a bare vector, so that nn_optim_step (torch's rules of optim.c) moves a point.
 *
 * The surfaces are evaluated in double from the float point and the gradient is rounded to float
 * once, as the optimizer's input: near Rosenbrock's or Beale's minimum the loss is 1e-10 or less,
 * and float arithmetic there (100 (y - x^2)^2 with x^2 rounded) would draw noise on the log-scaled
 * map and blur the spread that the lab measures near the minimum. Only + - * / are used, so the
 * numbers are the same bits natively and in wasm. */
#include <math.h>
#include <stdlib.h>

#include "layer.h"
#include "nn.h"
#include "rng.h"

/* The rng stream the gradient noise and the sparse mask draw from (init uses others). */
#define SURFACE_STREAM 0x5eedULL

struct nn_surface {
    nn_surface_kind kind;
    double condition, scale_x, noise, sparsity;
    nn_rng rng;
};

nn_net *nn_vector_net_create(size_t n) {
    if (n == 0 || n > 1u << 20) {
        nn_fail(NN_ERR_INVALID, "vector: length must be in 1..%u, got %zu", 1u << 20, n);
        return NULL;
    }
    /* One dense layer 1 -> n without bias: its n weights are the vector, and every optimizer
     * call of nn.h (set, hyper, state, step with its NaN guard) works on it unchanged. */
    nn_net *net = nn_net_create(1, 1, 1);
    if (!net) return NULL;
    if (nn_add_dense(net, (int)n, 0) != NN_OK || nn_build(net, 1) != NN_OK) {
        nn_net_free(net);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) net->params[i] = 0.0f;
    nn_zero_grad(net);
    return net;
}

nn_surface *nn_surface_create(nn_surface_kind kind, double condition, double scale_x, double noise, double sparsity,
                              uint64_t seed) {
    if ((unsigned)kind >= NN_SURFACE_KIND_COUNT) {
        nn_fail(NN_ERR_INVALID, "surface: unknown kind %d", (int)kind);
        return NULL;
    }
    if (!(condition >= 1.0 && condition <= 1e6)) {
        nn_fail(NN_ERR_INVALID, "surface.condition: must be in [1, 1e6], got %g", condition);
        return NULL;
    }
    if (!(scale_x > 0.0 && scale_x <= 1e6)) {
        nn_fail(NN_ERR_INVALID, "surface.scale_x: must be in (0, 1e6], got %g", scale_x);
        return NULL;
    }
    if (!(noise >= 0.0 && noise <= 1e3)) {
        nn_fail(NN_ERR_INVALID, "surface.noise: must be in [0, 1000], got %g", noise);
        return NULL;
    }
    if (!(sparsity > 0.0 && sparsity <= 1.0)) {
        nn_fail(NN_ERR_INVALID, "surface.sparsity: must be in (0, 1], got %g", sparsity);
        return NULL;
    }
    nn_surface *s = calloc(1, sizeof *s);
    if (!s) {
        nn_fail(NN_ERR_NOMEM, "surface: out of memory");
        return NULL;
    }
    s->kind = kind;
    s->condition = condition;
    s->scale_x = scale_x;
    s->noise = noise;
    s->sparsity = sparsity;
    nn_rng_seed(&s->rng, seed, SURFACE_STREAM);
    return s;
}

void nn_surface_free(nn_surface *s) { free(s); }

/* f(x, y) and, when grad is not NULL, its exact gradient grad[2]. scale_x multiplies the x term of
 * the separable surfaces (saddle, ravine, sparse), which multiplies their x gradient by it. */
static double surface_eval(const nn_surface *s, double x, double y, double *grad) {
    const double a = s->scale_x;
    double f, gx, gy;
    switch (s->kind) {
    case NN_SURFACE_SADDLE: /* a x^2 - y^2: a minimum along x, a maximum along y */
        f = a * x * x - y * y;
        gx = 2.0 * a * x;
        gy = -2.0 * y;
        break;
    case NN_SURFACE_RAVINE: /* (a x^2 + k y^2) / 2: a valley along x with walls k times steeper */
        f = 0.5 * (a * x * x + s->condition * y * y);
        gx = a * x;
        gy = s->condition * y;
        break;
    case NN_SURFACE_ROSENBROCK: { /* (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1) */
        const double u = 1.0 - x, v = y - x * x;
        f = u * u + 100.0 * v * v;
        gx = -2.0 * u - 400.0 * x * v;
        gy = 200.0 * v;
        break;
    }
    case NN_SURFACE_BEALE: { /* minimum 0 at (3, 0.5) */
        const double y2 = y * y, y3 = y2 * y;
        const double t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y2, t3 = 2.625 - x + x * y3;
        f = t1 * t1 + t2 * t2 + t3 * t3;
        gx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0));
        gy = 2.0 * x * (t1 + 2.0 * y * t2 + 3.0 * y2 * t3);
        break;
    }
    case NN_SURFACE_HIMMELBLAU: { /* four minima of 0, e.g. (3, 2) */
        const double u = x * x + y - 11.0, v = x + y * y - 7.0;
        f = u * u + v * v;
        gx = 4.0 * x * u + 2.0 * v;
        gy = 2.0 * u + 4.0 * y * v;
        break;
    }
    case NN_SURFACE_SPARSE: /* (a x^2 + y^2 / 10) / 2: y is a rare, weak feature (only a share
                             * `sparsity` of gradients carry it, and they are small) */
    default:
        f = 0.5 * (a * x * x + 0.1 * y * y);
        gx = a * x;
        gy = 0.1 * y;
        break;
    }
    if (grad) {
        grad[0] = gx;
        grad[1] = gy;
    }
    return f;
}

double nn_surface_value(const nn_surface *s, double x, double y) {
    return s ? surface_eval(s, x, y, NULL) : NAN;
}

nn_status nn_surface_gradient(nn_surface *s, nn_net *net, double *loss) {
    if (!s || !net || !net->built) return nn_fail(NN_ERR_INVALID, "surface: no surface or no built vector");
    if (net->param_count != 2) return nn_fail(NN_ERR_INVALID, "surface: the vector must hold 2 numbers, not %zu", net->param_count);
    double g[2];
    const double f = surface_eval(s, net->params[0], net->params[1], g);
    /* A fixed number of draws per step, whatever the settings, so a seed gives one noise sequence. */
    const float mask = nn_rng_uniform(&s->rng), n0 = nn_rng_normal(&s->rng), n1 = nn_rng_normal(&s->rng);
    if (s->kind == NN_SURFACE_SPARSE && !(mask < s->sparsity)) g[1] = 0.0;
    if (s->noise > 0.0) {
        g[0] += s->noise * n0;
        g[1] += s->noise * n1;
    }
    /* The gradient is the optimizer's input: set, not accumulated, as after zero_grad + backward. */
    net->grads[0] = (float)g[0];
    net->grads[1] = (float)g[1];
    if (loss) *loss = f;
    return NN_OK;
}

nn_status nn_surface_grid(const nn_surface *s, double x0, double x1, double y0, double y1, int width, int height,
                          float *out) {
    if (!s || !out) return nn_fail(NN_ERR_INVALID, "surface grid: no surface or no output");
    if (width < 2 || height < 2 || width > 4096 || height > 4096)
        return nn_fail(NN_ERR_INVALID, "surface grid: %d x %d is outside 2..4096", width, height);
    if (!(isfinite(x0) && isfinite(x1) && isfinite(y0) && isfinite(y1) && x1 > x0 && y1 > y0))
        return nn_fail(NN_ERR_INVALID, "surface grid: the ranges must be finite and increasing");
    /* out: [height][width], row 0 at y1 (the top of a picture) */
    for (int r = 0; r < height; r++) {
        const double y = y1 - (y1 - y0) * r / (height - 1);
        for (int c = 0; c < width; c++) {
            const double x = x0 + (x1 - x0) * c / (width - 1);
            out[(size_t)r * width + c] = (float)surface_eval(s, x, y, NULL);
        }
    }
    return NN_OK;
}
