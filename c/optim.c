/* optim.c: torch.optim's update rules (1.13, single-tensor path) over the flat parameter vector:
 * SGD, Adagrad, RMSprop, Adam, AdamW. Scalars are computed in double and used as float, as torch does. */
#include <math.h>
#include <string.h>

#include "layer.h"
#include "optim.h"
#include "parallel.h"
#include "simd.h"

static const char *const optim_names[] = {"sgd", "adagrad", "rmsprop", "adam", "adamw"};
static const char *const hyper_names[NN_HP_COUNT] = {
    "lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "alpha",
    "eps", "centered", "beta1", "beta2", "amsgrad", "lr_decay", "initial_accumulator_value"};

nn_status nn_set_optimizer(nn_net *net, nn_optim_kind kind) {
    if (!net) return nn_fail(NN_ERR_INVALID, "no network");
    if ((unsigned)kind > NN_OPTIM_ADAMW) return nn_fail(NN_ERR_INVALID, "optimizer: unknown kind %d", (int)kind);
    nn_optim *o = &net->optim;
    memset(o, 0, sizeof *o);
    o->kind = kind;
    double *h = o->hyper;
    switch (kind) {
    case NN_OPTIM_SGD: h[NN_HP_LR] = 0.01; break; /* torch requires lr; 0.01 is only our starting point */
    case NN_OPTIM_ADAGRAD: h[NN_HP_LR] = 0.01; h[NN_HP_EPS] = 1e-10; break;
    case NN_OPTIM_RMSPROP: h[NN_HP_LR] = 0.01; h[NN_HP_ALPHA] = 0.99; h[NN_HP_EPS] = 1e-8; break;
    case NN_OPTIM_ADAM:
    case NN_OPTIM_ADAMW:
        h[NN_HP_LR] = 1e-3; h[NN_HP_BETA1] = 0.9; h[NN_HP_BETA2] = 0.999; h[NN_HP_EPS] = 1e-8;
        h[NN_HP_WEIGHT_DECAY] = kind == NN_OPTIM_ADAMW ? 1e-2 : 0.0;
        break;
    }
    if (net->optim_state) memset(net->optim_state, 0, net->optim_state_count * sizeof(float));
    return NN_OK;
}

nn_status nn_set_hyper(nn_net *net, nn_hyper which, double value) {
    if (!net) return nn_fail(NN_ERR_INVALID, "no network");
    if ((unsigned)which >= NN_HP_COUNT) return nn_fail(NN_ERR_INVALID, "optimizer: unknown hyper-parameter %d", (int)which);
    const char *name = hyper_names[which];
    if (!isfinite(value)) return nn_fail(NN_ERR_INVALID, "optimizer.%s: must be a finite number", name);
    switch (which) {
    case NN_HP_NESTEROV: case NN_HP_MAXIMIZE: case NN_HP_CENTERED: case NN_HP_AMSGRAD:
        if (value != 0.0 && value != 1.0) return nn_fail(NN_ERR_INVALID, "optimizer.%s: must be true or false", name);
        break;
    case NN_HP_BETA1: case NN_HP_BETA2:
        if (!(value >= 0.0 && value < 1.0))
            return nn_fail(NN_ERR_INVALID, "optimizer.%s: must be in [0, 1), got %g", name, value);
        break;
    case NN_HP_DAMPENING:
        if (!(value >= 0.0 && value <= 1.0))
            return nn_fail(NN_ERR_INVALID, "optimizer.%s: must be in [0, 1], got %g", name, value);
        break;
    default:
        if (value < 0.0) return nn_fail(NN_ERR_INVALID, "optimizer.%s: must be >= 0, got %g", name, value);
        break;
    }
    net->optim.hyper[which] = value;
    return NN_OK;
}

double nn_get_hyper(const nn_net *net, nn_hyper which) {
    return net && (unsigned)which < NN_HP_COUNT ? net->optim.hyper[which] : 0.0;
}

/* The update rules below are written once on f32x4, lane by lane the same IEEE operations in the
 * same order as torch's scalar formulas (no FMA: the native build is -ffp-contract=off). Each rule
 * is an inline function of one vector of m lanes: m = 4 in the main loop, and 1-3 for the last
 * floats, which f32x4_load_first/store_first read and write without touching what lies past them.
 * The switches (maximize, weight decay, momentum...) are arguments: the common settings call it
 * with constants, so the compiler drops their tests from the loop (V8 would not), which halved the
 * time of a 100 k-parameter SGD step.
 *
 * The guarantee that a step producing NaN/Inf weights changes nothing rides in the same loop: each
 * rule first copies the weights and state it is about to overwrite into the backup, and adds
 * g - g and new_p - new_p into two accumulators, which stay 0 while everything is finite (x - x is
 * NaN for NaN and +-Inf; the order of the adds cannot matter). Separate passes for the backup and
 * the two checks had cost as much again as the update itself (tests/bench: 44 -> 24 us for 100 k
 * parameters with SGD momentum). */

typedef struct {
    f32x4 g, p; /* sums of g - g and of new p - new p */
} guard;

typedef struct {
    float *p, *s0, *s1, *s2; /* where the old weights and state slots go */
} backup;

static inline void guard_add(guard *gd, f32x4 g, f32x4 p_new) {
    gd->g = f32x4_add(gd->g, f32x4_sub(g, g));
    gd->p = f32x4_add(gd->p, f32x4_sub(p_new, p_new));
}

/* torch's direction, where every rule starts: the gradient, negated under maximize, plus wd * p
 * under (coupled) weight decay. */
static inline f32x4 direction(f32x4 g, f32x4 p, int maximize, int use_wd, f32x4 wd) {
    f32x4 d = g;
    if (maximize) d = f32x4_neg(d);
    if (use_wd) d = f32x4_add(d, f32x4_mul(wd, p));
    return d;
}

typedef struct {
    f32x4 lr, mom, wd, keep;
} sgd_consts;

static inline void sgd_vec(size_t i, int m, float *p, const float *g, float *buf, const backup *bk, guard *gd,
                           const sgd_consts *k, int maximize, int use_wd, int use_mom, int first, int nesterov) {
    f32x4 pi = f32x4_load_first(p + i, m), g0 = f32x4_load_first(g + i, m);
    f32x4_store_first(bk->p + i, pi, m);
    f32x4 d = direction(g0, pi, maximize, use_wd, k->wd);
    if (use_mom) {
        f32x4 b = d;
        if (!first) {
            f32x4 b0 = f32x4_load_first(buf + i, m);
            f32x4_store_first(bk->s0 + i, b0, m);
            b = f32x4_add(f32x4_mul(b0, k->mom), f32x4_mul(k->keep, d));
        } else {
            f32x4_store_first(bk->s0 + i, f32x4_load_first(buf + i, m), m);
        }
        f32x4_store_first(buf + i, b, m);
        d = nesterov ? f32x4_add(d, f32x4_mul(k->mom, b)) : b;
    }
    f32x4 p1 = f32x4_sub(pi, f32x4_mul(k->lr, d));
    f32x4_store_first(p + i, p1, m);
    guard_add(gd, g0, p1);
}

/* The guard and the backup pointers are copied into locals so they live in registers across the
 * loop, not in memory behind a pointer (which had doubled the step's time). */
static inline void sgd_run(float *p, const float *g, float *buf, size_t n, const backup *bk_in, guard *gd_out,
                           const sgd_consts *k, int maximize, int use_wd, int use_mom, int first, int nesterov) {
    const backup bk = *bk_in;
    const sgd_consts kc = *k;
    guard gd = *gd_out;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) sgd_vec(i, 4, p, g, buf, &bk, &gd, &kc, maximize, use_wd, use_mom, first, nesterov);
    if (i < n) sgd_vec(i, (int)(n - i), p, g, buf, &bk, &gd, &kc, maximize, use_wd, use_mom, first, nesterov);
    *gd_out = gd;
}

/* p, g, buf: [n] */
static void sgd_step(const double *h, int64_t t, float *p, const float *g, float *buf, size_t n, const backup *bk,
                     guard *gd) {
    const sgd_consts k = {f32x4_splat((float)h[NN_HP_LR]), f32x4_splat((float)h[NN_HP_MOMENTUM]),
                          f32x4_splat((float)h[NN_HP_WEIGHT_DECAY]), f32x4_splat((float)(1.0 - h[NN_HP_DAMPENING]))};
    const int use_wd = (float)h[NN_HP_WEIGHT_DECAY] != 0.0f, use_mom = (float)h[NN_HP_MOMENTUM] != 0.0f;
    const int nesterov = h[NN_HP_NESTEROV] != 0.0, maximize = h[NN_HP_MAXIMIZE] != 0.0, first = t == 1;
    if (!maximize && !use_wd && !nesterov) { /* plain SGD, with or without momentum */
        if (!use_mom) sgd_run(p, g, buf, n, bk, gd, &k, 0, 0, 0, 0, 0);
        else if (first) sgd_run(p, g, buf, n, bk, gd, &k, 0, 0, 1, 1, 0);
        else sgd_run(p, g, buf, n, bk, gd, &k, 0, 0, 1, 0, 0);
    } else {
        sgd_run(p, g, buf, n, bk, gd, &k, maximize, use_wd, use_mom, first, nesterov);
    }
}

/* The accumulator starts at initial_accumulator_value on step 1: read, backed up, then replaced. */
static void adagrad_step(const double *h, int64_t t, float *p, const float *g, float *sum, size_t n,
                         const backup *bk_in, guard *gd_out) {
    const backup bkc = *bk_in, *bk = &bkc;
    guard gdc = *gd_out, *gd = &gdc;
    const f32x4 wd = f32x4_splat((float)h[NN_HP_WEIGHT_DECAY]), eps = f32x4_splat((float)h[NN_HP_EPS]);
    const f32x4 clr = f32x4_splat((float)(h[NN_HP_LR] / (1.0 + (double)(t - 1) * h[NN_HP_LR_DECAY])));
    const f32x4 initial = f32x4_splat((float)h[NN_HP_INITIAL_ACCUMULATOR]);
    const int use_wd = (float)h[NN_HP_WEIGHT_DECAY] != 0.0f, maximize = h[NN_HP_MAXIMIZE] != 0.0;
    for (size_t i = 0; i < n; i += 4) {
        const int m = n - i < 4 ? (int)(n - i) : 4;
        f32x4 pi = f32x4_load_first(p + i, m), g0 = f32x4_load_first(g + i, m);
        f32x4 s0 = f32x4_load_first(sum + i, m);
        f32x4_store_first(bk->p + i, pi, m);
        f32x4_store_first(bk->s0 + i, s0, m);
        const f32x4 d = direction(g0, pi, maximize, use_wd, wd);
        f32x4 s = f32x4_add(t == 1 ? initial : s0, f32x4_mul(d, d));
        f32x4_store_first(sum + i, s, m);
        f32x4 p1 = f32x4_sub(pi, f32x4_mul(clr, f32x4_div(d, f32x4_add(f32x4_sqrt(s), eps))));
        f32x4_store_first(p + i, p1, m);
        guard_add(gd, g0, p1);
    }
    *gd_out = gdc;
}

static void rmsprop_step(const double *h, float *p, const float *g, float *sq, float *gavg, float *buf, size_t n,
                         const backup *bk_in, guard *gd_out) {
    const backup bkc = *bk_in, *bk = &bkc;
    guard gdc = *gd_out, *gd = &gdc;
    const f32x4 lr = f32x4_splat((float)h[NN_HP_LR]), alpha = f32x4_splat((float)h[NN_HP_ALPHA]);
    const f32x4 eps = f32x4_splat((float)h[NN_HP_EPS]), wd = f32x4_splat((float)h[NN_HP_WEIGHT_DECAY]);
    const f32x4 mom = f32x4_splat((float)h[NN_HP_MOMENTUM]), rest = f32x4_splat((float)(1.0 - h[NN_HP_ALPHA]));
    const int use_wd = (float)h[NN_HP_WEIGHT_DECAY] != 0.0f, use_mom = (float)h[NN_HP_MOMENTUM] > 0.0f;
    const int centered = h[NN_HP_CENTERED] != 0.0, maximize = h[NN_HP_MAXIMIZE] != 0.0;
    for (size_t i = 0; i < n; i += 4) {
        const int m = n - i < 4 ? (int)(n - i) : 4;
        f32x4 pi = f32x4_load_first(p + i, m), g0 = f32x4_load_first(g + i, m);
        f32x4 sq0 = f32x4_load_first(sq + i, m);
        f32x4_store_first(bk->p + i, pi, m);
        f32x4_store_first(bk->s0 + i, sq0, m);
        const f32x4 d = direction(g0, pi, maximize, use_wd, wd);
        f32x4 s = f32x4_add(f32x4_mul(sq0, alpha), f32x4_mul(rest, f32x4_mul(d, d)));
        f32x4_store_first(sq + i, s, m);
        f32x4 avg, p1;
        if (centered) {
            f32x4 ga0 = f32x4_load_first(gavg + i, m);
            f32x4_store_first(bk->s1 + i, ga0, m);
            f32x4 ga = f32x4_add(f32x4_mul(ga0, alpha), f32x4_mul(rest, d));
            f32x4_store_first(gavg + i, ga, m);
            avg = f32x4_add(f32x4_sqrt(f32x4_sub(s, f32x4_mul(ga, ga))), eps);
        } else {
            if (use_mom) f32x4_store_first(bk->s1 + i, f32x4_load_first(gavg + i, m), m); /* a restore puts slot 1 back too */
            avg = f32x4_add(f32x4_sqrt(s), eps);
        }
        if (use_mom) {
            f32x4 b0 = f32x4_load_first(buf + i, m);
            f32x4_store_first(bk->s2 + i, b0, m);
            f32x4 b = f32x4_add(f32x4_mul(b0, mom), f32x4_div(d, avg));
            f32x4_store_first(buf + i, b, m);
            p1 = f32x4_sub(pi, f32x4_mul(lr, b));
        } else {
            p1 = f32x4_sub(pi, f32x4_mul(lr, f32x4_div(d, avg)));
        }
        f32x4_store_first(p + i, p1, m);
        guard_add(gd, g0, p1);
    }
    *gd_out = gdc;
}

typedef struct {
    f32x4 fb1, fb2, r1, r2, eps, wd, step_size, bc2_sqrt, shrink;
} adam_consts;

static inline void adam_vec(size_t i, int m, float *p, const float *g, float *mt, float *vt, float *vmax,
                            const backup *bk, guard *gd, const adam_consts *k, int maximize, int decoupled, int use_wd,
                            int amsgrad) {
    f32x4 pi = f32x4_load_first(p + i, m), g0 = f32x4_load_first(g + i, m);
    f32x4 m0 = f32x4_load_first(mt + i, m), v0 = f32x4_load_first(vt + i, m);
    f32x4_store_first(bk->p + i, pi, m);
    f32x4_store_first(bk->s0 + i, m0, m);
    f32x4_store_first(bk->s1 + i, v0, m);
    const f32x4 d = direction(g0, pi, maximize, use_wd && !decoupled, k->wd);
    if (decoupled) pi = f32x4_mul(pi, k->shrink);
    f32x4 m1 = f32x4_add(f32x4_mul(m0, k->fb1), f32x4_mul(k->r1, d));
    f32x4 v1 = f32x4_add(f32x4_mul(v0, k->fb2), f32x4_mul(k->r2, f32x4_mul(d, d)));
    f32x4_store_first(mt + i, m1, m);
    f32x4_store_first(vt + i, v1, m);
    f32x4 second = v1;
    if (amsgrad) {
        f32x4 vm = f32x4_load_first(vmax + i, m);
        f32x4_store_first(bk->s2 + i, vm, m);
        second = f32x4_select_gt(vm, v1, vm, v1); /* vmax > v ? vmax : v */
        f32x4_store_first(vmax + i, second, m);
    }
    f32x4 denom = f32x4_add(f32x4_div(f32x4_sqrt(second), k->bc2_sqrt), k->eps);
    f32x4 p1 = f32x4_sub(pi, f32x4_mul(k->step_size, f32x4_div(m1, denom)));
    f32x4_store_first(p + i, p1, m);
    guard_add(gd, g0, p1);
}

static inline void adam_run(float *p, const float *g, float *mt, float *vt, float *vmax, size_t n,
                            const backup *bk_in, guard *gd_out, const adam_consts *k_in, int maximize, int decoupled,
                            int use_wd, int amsgrad) {
    const backup bk = *bk_in;
    const adam_consts k = *k_in;
    guard gd = *gd_out;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) adam_vec(i, 4, p, g, mt, vt, vmax, &bk, &gd, &k, maximize, decoupled, use_wd, amsgrad);
    if (i < n) adam_vec(i, (int)(n - i), p, g, mt, vt, vmax, &bk, &gd, &k, maximize, decoupled, use_wd, amsgrad);
    *gd_out = gd;
}

static void adam_step(const double *h, int64_t t, int decoupled, float *p, const float *g, float *mt, float *vt,
                      float *vmax, size_t n, const backup *bk, guard *gd) {
    const double lr = h[NN_HP_LR], b1 = h[NN_HP_BETA1], b2 = h[NN_HP_BETA2];
    const adam_consts k = {
        f32x4_splat((float)b1), f32x4_splat((float)b2), f32x4_splat((float)(1.0 - b1)), f32x4_splat((float)(1.0 - b2)),
        f32x4_splat((float)h[NN_HP_EPS]), f32x4_splat((float)h[NN_HP_WEIGHT_DECAY]),
        f32x4_splat((float)(lr / (1.0 - pow(b1, (double)t)))), f32x4_splat((float)sqrt(1.0 - pow(b2, (double)t))),
        f32x4_splat((float)(1.0 - lr * h[NN_HP_WEIGHT_DECAY]))};
    const int use_wd = (float)h[NN_HP_WEIGHT_DECAY] != 0.0f;
    const int amsgrad = h[NN_HP_AMSGRAD] != 0.0, maximize = h[NN_HP_MAXIMIZE] != 0.0;
    if (!maximize && !amsgrad) { /* Adam without weight decay, and AdamW */
        if (decoupled) adam_run(p, g, mt, vt, vmax, n, bk, gd, &k, 0, 1, 0, 0);
        else if (!use_wd) adam_run(p, g, mt, vt, vmax, n, bk, gd, &k, 0, 0, 0, 0);
        else adam_run(p, g, mt, vt, vmax, n, bk, gd, &k, 0, 0, 1, 0);
    } else {
        adam_run(p, g, mt, vt, vmax, n, bk, gd, &k, maximize, decoupled, use_wd, amsgrad);
    }
}

/* ---- the reference: torch's formulas one float at a time, as first written; tests check the
 * vector rules above against it bit for bit ---- */

static void sgd_step_ref(const double *h, int64_t t, float *p, const float *g, float *buf, size_t n) {
    float lr = (float)h[NN_HP_LR], mom = (float)h[NN_HP_MOMENTUM], wd = (float)h[NN_HP_WEIGHT_DECAY];
    float keep = (float)(1.0 - h[NN_HP_DAMPENING]);
    int nesterov = h[NN_HP_NESTEROV] != 0.0, maximize = h[NN_HP_MAXIMIZE] != 0.0;
    for (size_t i = 0; i < n; i++) {
        float d = maximize ? -g[i] : g[i];
        if (wd != 0.0f) d = d + wd * p[i];
        if (mom != 0.0f) {
            buf[i] = t == 1 ? d : buf[i] * mom + keep * d;
            d = nesterov ? d + mom * buf[i] : buf[i];
        }
        p[i] = p[i] - lr * d;
    }
}

static void adagrad_step_ref(const double *h, int64_t t, float *p, const float *g, float *sum, size_t n) {
    float wd = (float)h[NN_HP_WEIGHT_DECAY], eps = (float)h[NN_HP_EPS];
    float clr = (float)(h[NN_HP_LR] / (1.0 + (double)(t - 1) * h[NN_HP_LR_DECAY]));
    int maximize = h[NN_HP_MAXIMIZE] != 0.0;
    if (t == 1)
        for (size_t i = 0; i < n; i++) sum[i] = (float)h[NN_HP_INITIAL_ACCUMULATOR];
    for (size_t i = 0; i < n; i++) {
        float d = maximize ? -g[i] : g[i];
        if (wd != 0.0f) d = d + wd * p[i];
        sum[i] = sum[i] + d * d;
        p[i] = p[i] - clr * (d / (sqrtf(sum[i]) + eps));
    }
}

static void rmsprop_step_ref(const double *h, float *p, const float *g, float *sq, float *gavg, float *buf, size_t n) {
    float lr = (float)h[NN_HP_LR], alpha = (float)h[NN_HP_ALPHA], eps = (float)h[NN_HP_EPS];
    float wd = (float)h[NN_HP_WEIGHT_DECAY], mom = (float)h[NN_HP_MOMENTUM], rest = (float)(1.0 - h[NN_HP_ALPHA]);
    int centered = h[NN_HP_CENTERED] != 0.0, maximize = h[NN_HP_MAXIMIZE] != 0.0;
    for (size_t i = 0; i < n; i++) {
        float d = maximize ? -g[i] : g[i];
        if (wd != 0.0f) d = d + wd * p[i];
        sq[i] = sq[i] * alpha + rest * (d * d);
        float avg;
        if (centered) {
            gavg[i] = gavg[i] * alpha + rest * d;
            avg = sqrtf(sq[i] - gavg[i] * gavg[i]) + eps;
        } else {
            avg = sqrtf(sq[i]) + eps;
        }
        if (mom > 0.0f) {
            buf[i] = buf[i] * mom + d / avg;
            p[i] = p[i] - lr * buf[i];
        } else {
            p[i] = p[i] - lr * (d / avg);
        }
    }
}

static void adam_step_ref(const double *h, int64_t t, int decoupled, float *p, const float *g, float *m, float *v,
                      float *vmax, size_t n) {
    double lr = h[NN_HP_LR], b1 = h[NN_HP_BETA1], b2 = h[NN_HP_BETA2];
    float fb1 = (float)b1, fb2 = (float)b2, r1 = (float)(1.0 - b1), r2 = (float)(1.0 - b2);
    float eps = (float)h[NN_HP_EPS], wd = (float)h[NN_HP_WEIGHT_DECAY];
    float step_size = (float)(lr / (1.0 - pow(b1, (double)t)));
    float bc2_sqrt = (float)sqrt(1.0 - pow(b2, (double)t));
    float shrink = (float)(1.0 - lr * h[NN_HP_WEIGHT_DECAY]);
    int amsgrad = h[NN_HP_AMSGRAD] != 0.0, maximize = h[NN_HP_MAXIMIZE] != 0.0;
    for (size_t i = 0; i < n; i++) {
        float d = maximize ? -g[i] : g[i];
        if (decoupled) p[i] = p[i] * shrink;
        else if (wd != 0.0f) d = d + wd * p[i];
        m[i] = m[i] * fb1 + r1 * d;
        v[i] = v[i] * fb2 + r2 * (d * d);
        float second = v[i];
        if (amsgrad) {
            vmax[i] = vmax[i] > v[i] ? vmax[i] : v[i];
            second = vmax[i];
        }
        float denom = sqrtf(second) / bc2_sqrt + eps;
        p[i] = p[i] - step_size * (m[i] / denom);
    }
}

void nn_optim_update_ref(const nn_optim *o, int64_t t, float *p, const float *g, float *state, size_t n) {
    const double *h = o->hyper;
    float *s0 = state, *s1 = s0 + n, *s2 = s1 + n;
    switch (o->kind) {
    case NN_OPTIM_SGD: sgd_step_ref(h, t, p, g, s0, n); break;
    case NN_OPTIM_ADAGRAD: adagrad_step_ref(h, t, p, g, s0, n); break;
    case NN_OPTIM_RMSPROP: rmsprop_step_ref(h, p, g, s0, s1, s2, n); break;
    case NN_OPTIM_ADAM: adam_step_ref(h, t, 0, p, g, s0, s1, s2, n); break;
    case NN_OPTIM_ADAMW: adam_step_ref(h, t, 1, p, g, s0, s1, s2, n); break;
    }
}

/* How many of the three state slots this step writes (the backup covers no more). */
static size_t state_slots(const nn_optim *o) {
    const double *h = o->hyper;
    switch (o->kind) {
    case NN_OPTIM_SGD: return (float)h[NN_HP_MOMENTUM] != 0.0f ? 1 : 0;
    case NN_OPTIM_ADAGRAD: return 1;
    case NN_OPTIM_RMSPROP: return (float)h[NN_HP_MOMENTUM] > 0.0f ? 3 : h[NN_HP_CENTERED] != 0.0 ? 2 : 1;
    case NN_OPTIM_ADAM:
    case NN_OPTIM_ADAMW: return h[NN_HP_AMSGRAD] != 0.0 ? 3 : 2;
    }
    return 3;
}

static float lanes_sum(f32x4 v) { return f32x4_lane(v, 0) + f32x4_lane(v, 1) + f32x4_lane(v, 2) + f32x4_lane(v, 3); }

/* The update is element by element, so threads take contiguous ranges of the parameter vector
 * (whole cache lines of 16 floats; each element's bits do not depend on where a range starts).
 * Each part keeps its own guard; the step is finite when every part's is, so the verdict and the
 * restore that follows do not depend on the thread count. Below this many parameters per part
 * the pass stays on one thread. */
#define OPTIM_PAR_MIN_PARAMS (1 << 14)

typedef struct {
    const nn_optim *o;
    int64_t t;
    nn_net *net;
    int grads_bad[NN_MAX_THREADS], weights_bad[NN_MAX_THREADS];
} optim_job;

static void optim_part(void *ctx, int part, int parts) {
    optim_job *j = ctx;
    nn_net *net = j->net;
    const double *h = j->o->hyper;
    const int64_t t = j->t;
    const size_t n = net->param_count;
    size_t begin, end;
    nn_par_span(n, 16, part, parts, &begin, &end);
    const size_t m = end - begin;
    float *p = net->params + begin, *s0 = net->optim_state + begin, *s1 = s0 + n, *s2 = s1 + n;
    const float *g = net->grads + begin;
    const backup bk = {net->param_backup + begin, net->state_backup + begin, net->state_backup + n + begin,
                       net->state_backup + 2 * n + begin};
    guard gd = {f32x4_splat(0.0f), f32x4_splat(0.0f)};
    switch (j->o->kind) {
    case NN_OPTIM_SGD: sgd_step(h, t, p, g, s0, m, &bk, &gd); break;
    case NN_OPTIM_ADAGRAD: adagrad_step(h, t, p, g, s0, m, &bk, &gd); break;
    case NN_OPTIM_RMSPROP: rmsprop_step(h, p, g, s0, s1, s2, m, &bk, &gd); break;
    case NN_OPTIM_ADAM: adam_step(h, t, 0, p, g, s0, s1, s2, m, &bk, &gd); break;
    case NN_OPTIM_ADAMW: adam_step(h, t, 1, p, g, s0, s1, s2, m, &bk, &gd); break;
    }
    j->grads_bad[part] = lanes_sum(gd.g) != 0.0f;
    j->weights_bad[part] = lanes_sum(gd.p) != 0.0f;
}

nn_status nn_optim_step(nn_net *net) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    nn_optim *o = &net->optim;
    const double *h = o->hyper;
    if (o->kind == NN_OPTIM_SGD && h[NN_HP_NESTEROV] != 0.0 && (h[NN_HP_MOMENTUM] <= 0.0 || h[NN_HP_DAMPENING] != 0.0))
        return nn_fail(NN_ERR_INVALID, "optimizer: Nesterov momentum requires a momentum above 0 and zero dampening");
    const size_t n = net->param_count;
    const int64_t t = o->t + 1;
    optim_job j = {.o = o, .t = t, .net = net};
    const int parts = nn_par_parts(n, OPTIM_PAR_MIN_PARAMS);
    nn_par_run(optim_part, &j, parts);
    int grads_bad = 0, weights_bad = 0;
    for (int part = 0; part < parts; part++) {
        grads_bad |= j.grads_bad[part];
        weights_bad |= j.weights_bad[part];
    }
    if (grads_bad || weights_bad) { /* put back what the step overwrote */
        memcpy(net->params, net->param_backup, n * sizeof(float));
        memcpy(net->optim_state, net->state_backup, state_slots(o) * n * sizeof(float));
        if (grads_bad)
            return nn_fail(NN_ERR_NUMERIC, "gradients became NaN/Inf at step %lld; the weights were kept", (long long)t);
        return nn_fail(NN_ERR_NUMERIC, "weights became NaN/Inf at step %lld (%s); the last finite weights were kept",
                       (long long)t, optim_names[o->kind]);
    }
    o->t = t;
    return NN_OK;
}
