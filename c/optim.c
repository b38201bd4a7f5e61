/* optim.c: torch.optim's update rules (1.13, single-tensor path) over the flat parameter vector:
 * SGD, Adagrad, RMSprop, Adam, AdamW. Scalars are computed in double and used as float, as torch does. */
#include <math.h>
#include <string.h>

#include "layer.h"

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

static int all_finite(const float *x, size_t n) {
    /* x - x is 0 for finite x and NaN for NaN and +-Inf: one branch-free pass. */
    float acc = 0.0f;
    for (size_t i = 0; i < n; i++) acc += x[i] - x[i];
    return acc == 0.0f;
}

/* p, g, state slots s0..s2: [n] */
static void sgd_step(const double *h, int64_t t, float *p, const float *g, float *buf, size_t n) {
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

static void adagrad_step(const double *h, int64_t t, float *p, const float *g, float *sum, size_t n) {
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

static void rmsprop_step(const double *h, float *p, const float *g, float *sq, float *gavg, float *buf, size_t n) {
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

static void adam_step(const double *h, int64_t t, int decoupled, float *p, const float *g, float *m, float *v,
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

nn_status nn_optim_step(nn_net *net) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    nn_optim *o = &net->optim;
    const double *h = o->hyper;
    if (o->kind == NN_OPTIM_SGD && h[NN_HP_NESTEROV] != 0.0 && (h[NN_HP_MOMENTUM] <= 0.0 || h[NN_HP_DAMPENING] != 0.0))
        return nn_fail(NN_ERR_INVALID, "optimizer: Nesterov momentum requires a momentum above 0 and zero dampening");
    size_t n = net->param_count;
    int64_t t = o->t + 1;
    if (!all_finite(net->grads, n))
        return nn_fail(NN_ERR_NUMERIC, "gradients became NaN/Inf at step %lld; the weights were kept", (long long)t);
    memcpy(net->param_backup, net->params, n * sizeof(float));
    memcpy(net->state_backup, net->optim_state, net->optim_state_count * sizeof(float));
    float *p = net->params, *s0 = net->optim_state, *s1 = s0 + n, *s2 = s1 + n;
    switch (o->kind) {
    case NN_OPTIM_SGD: sgd_step(h, t, p, net->grads, s0, n); break;
    case NN_OPTIM_ADAGRAD: adagrad_step(h, t, p, net->grads, s0, n); break;
    case NN_OPTIM_RMSPROP: rmsprop_step(h, p, net->grads, s0, s1, s2, n); break;
    case NN_OPTIM_ADAM: adam_step(h, t, 0, p, net->grads, s0, s1, s2, n); break;
    case NN_OPTIM_ADAMW: adam_step(h, t, 1, p, net->grads, s0, s1, s2, n); break;
    }
    if (!all_finite(p, n)) {
        memcpy(net->params, net->param_backup, n * sizeof(float));
        memcpy(net->optim_state, net->state_backup, net->optim_state_count * sizeof(float));
        return nn_fail(NN_ERR_NUMERIC, "weights became NaN/Inf at step %lld (%s); the last finite weights were kept",
                       (long long)t, optim_names[o->kind]);
    }
    o->t = t;
    return NN_OK;
}
