/* test_parity.c: checks the core against the PyTorch 1.13 fixtures in tests/golden/fixtures.
 *
 * Run from the repository root:
 *   gcc -std=c11 -O1 -g -fsanitize=address,undefined -ffp-contract=off -Ic \
 *       tests/c/test_parity.c $(ls c/[a-z]*.c) -lm -o test_parity && ./test_parity
 * Arguments: [fixtures dir] [-v]. -v prints every case with its worst error.
 *
 * The fixtures are written by tests/golden/make_fixtures.py (its docstring
 * describes the file format). The references there are torch's results computed
 * in float64 from float32 starting values, rounded once to float32, so the
 * tolerance below only has to absorb the core's own float32 rounding.
 *
 * Everything goes through the public API of nn.h. Two tricks keep it there:
 *  - The gradient with respect to a layer's input: the first layer never gets
 *    one (there is nothing before it), so every layer case puts an identity
 *    activation first. The gradient reaching that probe's output is the tested
 *    layer's input gradient.
 *  - The upstream gradient: the fixture's `dout` is exactly that of an MSE loss
 *    with reduction sum against one_hot(labels) over the output features,
 *    dout = 2 * (out - onehot), so the test sets that loss and calls nn_loss
 *    rather than writing into an internal gradient buffer. The gradient the
 *    loss hands the layer is compared too (`dout`), which tells a loss bug
 *    from a layer bug.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"

/* Tolerance: |got - expected| <= RTOL * |expected| + ATOL. */
#define RTOL 1e-5
#define ATOL 1e-6

#define MAX_ARRAYS 32
#define SPEC_LEN 4096

/* ------------------------------------------------------------ fixture files */

typedef struct {
    char name[64];
    char dtype[4]; /* f32, i32, f64 */
    size_t count;
    void *data;    /* heap, aligned, host byte order */
} fx_array;

typedef struct {
    char name[128];
    char group[32];
    char spec[SPEC_LEN]; /* " key=value key=value " (padded with spaces for lookup) */
    int narrays;
    fx_array arrays[MAX_ARRAYS];
} fixture;

static int host_is_little_endian(void) {
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static void byteswap(unsigned char *p, size_t count, size_t width) {
    for (size_t i = 0; i < count; i++, p += width)
        for (size_t a = 0, z = width - 1; a < z; a++, z--) {
            unsigned char t = p[a];
            p[a] = p[z];
            p[z] = t;
        }
}

static void fixture_free(fixture *fx) {
    for (int i = 0; i < fx->narrays; i++) free(fx->arrays[i].data);
    fx->narrays = 0;
}

/* Reads one text line from buf at *pos into line (NUL-terminated, no '\n'). */
static int read_line(const unsigned char *buf, size_t len, size_t *pos, char *line, size_t cap) {
    size_t n = 0;
    while (*pos < len && buf[*pos] != '\n') {
        if (n + 1 >= cap) return 0;
        line[n++] = (char)buf[(*pos)++];
    }
    if (*pos >= len) return 0;
    (*pos)++;
    line[n] = '\0';
    return 1;
}

/* Loads dir/name.bin. Returns 0 and writes a reason into err on failure. */
static int fixture_load(const char *dir, const char *name, fixture *fx, char *err, size_t errcap) {
    memset(fx, 0, sizeof *fx);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errcap, "cannot open %s", path);
        return 0;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(size > 0 ? (size_t)size : 1);
    if (!buf || size <= 0 || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        snprintf(err, errcap, "cannot read %s", path);
        return 0;
    }
    fclose(f);
    size_t len = (size_t)size, pos = 0;
    char line[SPEC_LEN];
    int ok = 0, n = 0;
    if (!read_line(buf, len, &pos, line, sizeof line) ||
        sscanf(line, "nnfix1 %127s %31s", fx->name, fx->group) != 2) {
        snprintf(err, errcap, "%s: bad first line", path);
        goto done;
    }
    if (!read_line(buf, len, &pos, line, sizeof line) || strncmp(line, "spec ", 5) != 0 ||
        strlen(line) + 2 >= sizeof fx->spec) {
        snprintf(err, errcap, "%s: bad spec line", path);
        goto done;
    }
    snprintf(fx->spec, sizeof fx->spec, " %s ", line + 5);
    if (!read_line(buf, len, &pos, line, sizeof line) || sscanf(line, "arrays %d", &n) != 1 || n < 0 ||
        n > MAX_ARRAYS) {
        snprintf(err, errcap, "%s: bad array count", path);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        fx_array *a = &fx->arrays[i];
        unsigned long long count = 0;
        if (!read_line(buf, len, &pos, line, sizeof line) ||
            sscanf(line, "%63s %3s %llu", a->name, a->dtype, &count) != 3) {
            snprintf(err, errcap, "%s: bad header of array %d", path, i);
            goto done;
        }
        size_t width = strcmp(a->dtype, "f64") == 0 ? 8 : 4;
        if (strcmp(a->dtype, "f32") && strcmp(a->dtype, "i32") && strcmp(a->dtype, "f64")) {
            snprintf(err, errcap, "%s: array %s has unknown dtype %s", path, a->name, a->dtype);
            goto done;
        }
        if (count > (len - pos) / width) {
            snprintf(err, errcap, "%s: array %s is truncated", path, a->name);
            goto done;
        }
        a->count = (size_t)count;
        a->data = malloc(a->count * width + 8);
        if (!a->data) {
            snprintf(err, errcap, "%s: out of memory", path);
            goto done;
        }
        memcpy(a->data, buf + pos, a->count * width);
        if (!host_is_little_endian()) byteswap(a->data, a->count, width);
        pos += a->count * width;
        fx->narrays = i + 1;
    }
    ok = 1;
done:
    free(buf);
    if (!ok) fixture_free(fx);
    return ok;
}

static fx_array *fx_get(fixture *fx, const char *name) {
    for (int i = 0; i < fx->narrays; i++)
        if (strcmp(fx->arrays[i].name, name) == 0) return &fx->arrays[i];
    return NULL;
}

static const float *fx_f32(fixture *fx, const char *name, size_t *count) {
    fx_array *a = fx_get(fx, name);
    if (!a || strcmp(a->dtype, "f32") != 0) return NULL;
    if (count) *count = a->count;
    return a->data;
}

static const int32_t *fx_i32(fixture *fx, const char *name, size_t *count) {
    fx_array *a = fx_get(fx, name);
    if (!a || strcmp(a->dtype, "i32") != 0) return NULL;
    if (count) *count = a->count;
    return a->data;
}

/* The value of key in the spec, copied into out; 0 if absent. */
static int spec_str(const fixture *fx, const char *key, char *out, size_t cap) {
    char pat[128];
    snprintf(pat, sizeof pat, " %s=", key);
    const char *p = strstr(fx->spec, pat);
    if (!p) return 0;
    p += strlen(pat);
    size_t n = 0;
    while (p[n] && p[n] != ' ') n++;
    if (n + 1 > cap) return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

static int spec_has(const fixture *fx, const char *key) {
    char tmp[256];
    return spec_str(fx, key, tmp, sizeof tmp);
}

static double spec_num(const fixture *fx, const char *key, double fallback) {
    char tmp[256];
    if (!spec_str(fx, key, tmp, sizeof tmp)) return fallback;
    return strtod(tmp, NULL);
}

static int spec_int(const fixture *fx, const char *key, int fallback) {
    return (int)spec_num(fx, key, fallback);
}

/* ----------------------------------------------------------- case results */

typedef struct {
    const char *name;
    int failed;
    char detail[2048];
    double worst_rel;       /* worst relative error over every compared array */
    double worst_ratio;     /* worst error over its allowance (fails above 1) */
    char worst_what[64];
} result;

static void fail(result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void fail(result *r, const char *fmt, ...) {
    size_t used = strlen(r->detail);
    if (used + 4 >= sizeof r->detail) return;
    if (used) {
        strcat(r->detail, "; ");
        used += 2;
    }
    va_list args;
    va_start(args, fmt);
    vsnprintf(r->detail + used, sizeof r->detail - used, fmt, args);
    va_end(args);
    r->failed = 1;
}

/* Compares n values; records the worst element (by error over allowance). */
static int check_close(result *r, const char *what, const float *got, const float *expected, size_t n,
                       double rtol, double atol) {
    if (!got) {
        fail(r, "%s: the core returned no buffer", what);
        return 0;
    }
    if (!expected) {
        fail(r, "%s: missing in the fixture", what);
        return 0;
    }
    double worst_ratio = 0.0, worst_rel = 0.0;
    size_t worst_i = 0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double g = got[i], e = expected[i];
        double err = fabs(g - e);
        double allowed = rtol * fabs(e) + atol;
        double ratio = isfinite(g) ? err / allowed : INFINITY;
        if (!(ratio <= 1.0)) bad = 1;
        if (!(ratio <= worst_ratio)) {
            worst_ratio = ratio;
            worst_i = i;
            worst_rel = isfinite(g) ? err / fmax(fabs(e), 1e-30) : INFINITY;
        }
    }
    double rel_all = 0.0; /* the worst plain relative error, with the absolute floor */
    for (size_t i = 0; i < n; i++) {
        double rel = fabs((double)got[i] - expected[i]) / fmax(fabs((double)expected[i]), atol / rtol);
        if (!(rel <= rel_all)) rel_all = isnan(rel) ? INFINITY : rel;
    }
    if (!(worst_ratio <= r->worst_ratio)) r->worst_ratio = worst_ratio;
    if (rel_all > r->worst_rel || isinf(rel_all)) {
        r->worst_rel = rel_all;
        snprintf(r->worst_what, sizeof r->worst_what, "%s", what);
    }
    if (bad)
        fail(r, "%s: max rel err %.3g (at [%zu] of %zu: expected %.9g got %.9g)", what, worst_rel, worst_i, n,
             (double)expected[worst_i], (double)got[worst_i]);
    return !bad;
}

static int check_scalar(result *r, const char *what, double got, double expected, double rtol, double atol) {
    float g = (float)got, e = (float)expected;
    return check_close(r, what, &g, &e, 1, rtol, atol);
}

#define TRY(r, call)                                                                                  \
    do {                                                                                              \
        nn_status st_ = (call);                                                                       \
        if (st_ != NN_OK) {                                                                           \
            fail((r), "%s returned %d: %s", #call, (int)st_, nn_last_error());                        \
            goto out;                                                                                 \
        }                                                                                             \
    } while (0)

/* Copies a fixture array into a layer's weight or bias, checking the count. */
static int load_param(result *r, nn_net *net, int layer, nn_param_role role, fixture *fx, const char *name) {
    size_t n = 0;
    const float *v = fx_f32(fx, name, &n);
    size_t have = nn_layer_param_count(net, layer, role);
    if (!v) {
        fail(r, "fixture has no %s", name);
        return 0;
    }
    if (have != n) {
        fail(r, "layer %d %s: the core has %zu values, torch %zu", layer, name, have, n);
        return 0;
    }
    memcpy(nn_params(net) + nn_layer_param_offset(net, layer, role), v, n * sizeof(float));
    return 1;
}

static int check_param(result *r, nn_net *net, const float *base, int layer, nn_param_role role, fixture *fx,
                       const char *name, const char *what, double rtol, double atol) {
    size_t n = 0;
    const float *e = fx_f32(fx, name, &n);
    if (!e) {
        fail(r, "fixture has no %s", name);
        return 0;
    }
    if (nn_layer_param_count(net, layer, role) != n) {
        fail(r, "%s: the core has %zu values, torch %zu", what, nn_layer_param_count(net, layer, role), n);
        return 0;
    }
    return check_close(r, what, base + nn_layer_param_offset(net, layer, role), e, n, rtol, atol);
}

/* ------------------------------------------------- activations and layers */

static int activation_kind(const char *name, nn_layer_kind *kind) {
    static const struct { const char *name; nn_layer_kind kind; } table[] = {
        {"tanh", NN_LAYER_TANH}, {"sigmoid", NN_LAYER_SIGMOID}, {"relu", NN_LAYER_RELU},
        {"leaky_relu", NN_LAYER_LEAKY_RELU}, {"elu", NN_LAYER_ELU}, {"silu", NN_LAYER_SWISH},
        {"softmax", NN_LAYER_SOFTMAX}, {"identity", NN_LAYER_IDENTITY}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0) {
            *kind = table[i].kind;
            return 1;
        }
    return 0;
}

/* act and layer groups: probe identity, the tested layer, MSE-sum upstream. */
static void run_layer_case(fixture *fx, result *r) {
    char what[64];
    int B = spec_int(fx, "batch", 0);
    int in_c = spec_int(fx, "in_c", 1), in_h = spec_int(fx, "in_h", 1), in_w = spec_int(fx, "in_w", 1);
    size_t nx = 0, nlabels = 0, nout = 0;
    const float *x = fx_f32(fx, "x", &nx);
    const int32_t *labels = fx_i32(fx, "labels", &nlabels);
    const float *out = fx_f32(fx, "out", &nout);
    int has_weight = fx_get(fx, "weight") != NULL, has_bias = fx_get(fx, "bias") != NULL;
    nn_net *net = nn_net_create(in_c, in_h, in_w);
    if (!net) {
        fail(r, "nn_net_create: %s", nn_last_error());
        return;
    }
    if (!x || !labels || !out || nlabels != (size_t)B || nx != (size_t)B * in_c * in_h * in_w) {
        fail(r, "malformed fixture");
        goto out;
    }
    TRY(r, nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    if (strcmp(fx->group, "act") == 0) {
        nn_layer_kind kind;
        spec_str(fx, "act", what, sizeof what);
        if (!activation_kind(what, &kind)) {
            fail(r, "unknown activation %s", what);
            goto out;
        }
        TRY(r, nn_add_activation(net, kind, (float)spec_num(fx, "param", 0.0)));
    } else {
        spec_str(fx, "layer", what, sizeof what);
        if (strcmp(what, "dense") == 0) {
            TRY(r, nn_add_dense(net, spec_int(fx, "units", 0), has_bias));
        } else if (strcmp(what, "conv2d") == 0) {
            TRY(r, nn_add_conv2d(net, spec_int(fx, "units", 0), spec_int(fx, "kernel", 0),
                                 spec_int(fx, "stride", 1), spec_int(fx, "padding", 0), has_bias));
        } else if (strcmp(what, "maxpool") == 0 || strcmp(what, "avgpool") == 0) {
            TRY(r, nn_add_pool(net, what[0] == 'm' ? NN_LAYER_MAXPOOL : NN_LAYER_AVGPOOL,
                               spec_int(fx, "kernel", 0), spec_int(fx, "stride", 0), spec_int(fx, "padding", 0)));
        } else if (strcmp(what, "batchnorm") == 0) {
            TRY(r, nn_add_batchnorm(net, (float)spec_num(fx, "eps", 1e-5), (float)spec_num(fx, "momentum", 0.1)));
        } else {
            fail(r, "unknown layer %s", what);
            goto out;
        }
        int shape[3];
        nn_layer_out_shape(net, 1, shape);
        if (shape[0] != spec_int(fx, "out_c", 0) || shape[1] != spec_int(fx, "out_h", 1) ||
            shape[2] != spec_int(fx, "out_w", 1)) {
            fail(r, "output shape %dx%dx%d, torch %dx%dx%d", shape[0], shape[1], shape[2], spec_int(fx, "out_c", 0),
                 spec_int(fx, "out_h", 1), spec_int(fx, "out_w", 1));
            goto out;
        }
    }
    TRY(r, nn_build(net, B));
    if ((size_t)B * nn_output_size(net) != nout) {
        fail(r, "output has %d features, torch %zu", nn_output_size(net), nout / (size_t)B);
        goto out;
    }
    if (has_weight && !load_param(r, net, 1, NN_PARAM_WEIGHT, fx, "weight")) goto out;
    if (has_bias && !load_param(r, net, 1, NN_PARAM_BIAS, fx, "bias")) goto out;
    int is_bn = fx_get(fx, "running_mean") != NULL;
    int channels = spec_int(fx, "in_c", 1);
    if (is_bn) {
        /* Buffers hold [running mean C][running var C]; start them where torch does. */
        if (nn_buffer_count(net) < (size_t)(2 * channels)) {
            fail(r, "batch-norm has %zu buffer values, expected %d", nn_buffer_count(net), 2 * channels);
            goto out;
        }
        float *buf = nn_buffers(net) + nn_layer_buffer_offset(net, 1);
        for (int c = 0; c < channels; c++) {
            buf[c] = 0.0f;
            buf[channels + c] = 1.0f;
        }
    }
    TRY(r, nn_set_loss(net, NN_LOSS_MSE, NN_REDUCTION_SUM, 0.0f, NULL));
    nn_zero_grad(net);
    TRY(r, nn_forward(net, x, B, 1));
    check_close(r, "out", nn_layer_output(net, 1), out, nout, RTOL, ATOL);
    float loss = 0.0f;
    TRY(r, nn_loss(net, labels, B, &loss, NULL));
    TRY(r, nn_backward(net));
    check_close(r, "dout", nn_layer_output_grad(net, 1), fx_f32(fx, "dout", NULL), nout, RTOL, ATOL);
    check_close(r, "dx", nn_layer_output_grad(net, 0), fx_f32(fx, "dx", NULL), nx, RTOL, ATOL);
    if (has_weight) check_param(r, net, nn_grads(net), 1, NN_PARAM_WEIGHT, fx, "dweight", "dweight", RTOL, ATOL);
    if (has_bias) check_param(r, net, nn_grads(net), 1, NN_PARAM_BIAS, fx, "dbias", "dbias", RTOL, ATOL);
    if (is_bn) {
        const float *buf = nn_buffers(net) + nn_layer_buffer_offset(net, 1);
        check_close(r, "running_mean", buf, fx_f32(fx, "running_mean", NULL), (size_t)channels, RTOL, ATOL);
        check_close(r, "running_var", buf + channels, fx_f32(fx, "running_var", NULL), (size_t)channels, RTOL,
                    ATOL);
    }
out:
    nn_net_free(net);
}

/* ------------------------------------------------------------------ losses */

static void run_loss_case(fixture *fx, result *r) {
    char kind[32] = "", reduction[16] = "";
    spec_str(fx, "loss", kind, sizeof kind);
    spec_str(fx, "reduction", reduction, sizeof reduction);
    int B = spec_int(fx, "batch", 0), K = spec_int(fx, "classes", 0);
    size_t nz = 0;
    const float *logits = fx_f32(fx, "logits", &nz);
    const int32_t *labels = fx_i32(fx, "labels", NULL);
    const float *weight = fx_f32(fx, "weight", NULL);
    const float *expected_loss = fx_f32(fx, "loss", NULL);
    nn_net *net = nn_net_create(K, 1, 1);
    if (!net) {
        fail(r, "nn_net_create: %s", nn_last_error());
        return;
    }
    if (!logits || !labels || !expected_loss || nz != (size_t)B * K) {
        fail(r, "malformed fixture");
        goto out;
    }
    /* An identity layer passes the logits through unchanged. */
    TRY(r, nn_add_activation(net, NN_LAYER_IDENTITY, 0.0f));
    TRY(r, nn_build(net, B));
    TRY(r, nn_set_loss(net, strcmp(kind, "mse") == 0 ? NN_LOSS_MSE : NN_LOSS_CROSS_ENTROPY,
                       strcmp(reduction, "sum") == 0 ? NN_REDUCTION_SUM : NN_REDUCTION_MEAN,
                       (float)spec_num(fx, "smoothing", 0.0), weight));
    TRY(r, nn_forward(net, logits, B, 1));
    float loss = NAN;
    TRY(r, nn_loss(net, labels, B, &loss, NULL));
    check_scalar(r, "loss", loss, expected_loss[0], RTOL, ATOL);
    TRY(r, nn_backward(net));
    check_close(r, "dlogits", nn_layer_output_grad(net, 0), fx_f32(fx, "dlogits", NULL), nz, RTOL, ATOL);
out:
    nn_net_free(net);
}

/* -------------------------------------------------------------- optimizers */

static const struct { const char *name; nn_hyper which; } hyper_table[] = {
    {"lr", NN_HP_LR}, {"momentum", NN_HP_MOMENTUM}, {"dampening", NN_HP_DAMPENING},
    {"weight_decay", NN_HP_WEIGHT_DECAY}, {"nesterov", NN_HP_NESTEROV}, {"maximize", NN_HP_MAXIMIZE},
    {"alpha", NN_HP_ALPHA}, {"eps", NN_HP_EPS}, {"centered", NN_HP_CENTERED}, {"beta1", NN_HP_BETA1},
    {"beta2", NN_HP_BETA2}, {"amsgrad", NN_HP_AMSGRAD}, {"lr_decay", NN_HP_LR_DECAY},
    {"initial_accumulator", NN_HP_INITIAL_ACCUMULATOR}};
#define HYPER_TABLE_COUNT (sizeof hyper_table / sizeof hyper_table[0])

static int optim_kind(const char *name, nn_optim_kind *kind) {
    static const struct { const char *name; nn_optim_kind kind; } table[] = {
        {"sgd", NN_OPTIM_SGD}, {"adagrad", NN_OPTIM_ADAGRAD}, {"rmsprop", NN_OPTIM_RMSPROP},
        {"adam", NN_OPTIM_ADAM}, {"adamw", NN_OPTIM_ADAMW}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0) {
            *kind = table[i].kind;
            return 1;
        }
    return 0;
}

/* Linear(in -> out) + cross-entropy (mean) on a fixed batch, `steps` updates.
 * Tolerance: the fixture's trajectory is float64; the core's float32 drifts
 * from it by rounding that compounds a little each step, and the summation
 * order of the 6-term dot products differs. Twenty steps stay within RTOL. */
static void run_optim_case(fixture *fx, result *r) {
    char name[32] = "", key[64];
    spec_str(fx, "optim", name, sizeof name);
    int steps = spec_int(fx, "steps", 0), in_f = spec_int(fx, "in_f", 0), out_f = spec_int(fx, "out_f", 0);
    int B = spec_int(fx, "batch", 0);
    size_t np = (size_t)out_f * in_f + (size_t)out_f, nparams = 0, nlosses = 0;
    const float *x = fx_f32(fx, "x", NULL);
    const int32_t *labels = fx_i32(fx, "labels", NULL);
    const float *losses = fx_f32(fx, "losses", &nlosses);
    const float *params = fx_f32(fx, "params", &nparams);
    nn_optim_kind kind;
    nn_net *net = nn_net_create(in_f, 1, 1);
    if (!net) {
        fail(r, "nn_net_create: %s", nn_last_error());
        return;
    }
    if (!x || !labels || !losses || !params || nlosses != (size_t)steps || nparams != np * steps ||
        !optim_kind(name, &kind)) {
        fail(r, "malformed fixture");
        goto out;
    }
    TRY(r, nn_add_dense(net, out_f, 1));
    TRY(r, nn_build(net, B));
    TRY(r, nn_set_loss(net, NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_MEAN, 0.0f, NULL));
    TRY(r, nn_set_optimizer(net, kind));
    /* Only what the torch call passed; the rest must be the core's defaults. */
    for (size_t i = 0; i < HYPER_TABLE_COUNT; i++) {
        snprintf(key, sizeof key, "hp.%s", hyper_table[i].name);
        if (spec_has(fx, key)) TRY(r, nn_set_hyper(net, hyper_table[i].which, spec_num(fx, key, 0.0)));
    }
    /* torch's resolved param_group (its defaults included) against the core's. */
    for (size_t i = 0; i < HYPER_TABLE_COUNT; i++) {
        snprintf(key, sizeof key, "all.%s", hyper_table[i].name);
        if (!spec_has(fx, key)) continue;
        double want = spec_num(fx, key, 0.0), got = nn_get_hyper(net, hyper_table[i].which);
        if (!(fabs(got - want) <= 1e-6 * fabs(want) + 1e-12))
            fail(r, "hyper-parameter %s is %.9g, torch's group has %.9g", hyper_table[i].name, got, want);
    }
    if (!load_param(r, net, 0, NN_PARAM_WEIGHT, fx, "weight0") || !load_param(r, net, 0, NN_PARAM_BIAS, fx, "bias0"))
        goto out;
    size_t w_off = nn_layer_param_offset(net, 0, NN_PARAM_WEIGHT), w_n = (size_t)out_f * in_f;
    size_t b_off = nn_layer_param_offset(net, 0, NN_PARAM_BIAS);
    float *got_losses = calloc((size_t)steps, sizeof(float));
    if (!got_losses) {
        fail(r, "out of memory");
        goto out;
    }
    for (int s = 0; s < steps && !r->failed; s++) {
        char what[64];
        nn_zero_grad(net);
        nn_status st = nn_forward(net, x, B, 1);
        if (st == NN_OK) st = nn_loss(net, labels, B, &got_losses[s], NULL);
        if (st == NN_OK) st = nn_backward(net);
        if (st == NN_OK) st = nn_optim_step(net);
        if (st != NN_OK) {
            fail(r, "step %d: status %d: %s", s + 1, (int)st, nn_last_error());
            break;
        }
        const float *want = params + (size_t)s * np;
        snprintf(what, sizeof what, "weight after step %d", s + 1);
        check_close(r, what, nn_params(net) + w_off, want, w_n, RTOL, ATOL);
        snprintf(what, sizeof what, "bias after step %d", s + 1);
        check_close(r, what, nn_params(net) + b_off, want + w_n, (size_t)out_f, RTOL, ATOL);
    }
    if (!r->failed) check_close(r, "losses", got_losses, losses, (size_t)steps, RTOL, ATOL);
    free(got_losses);
out:
    nn_net_free(net);
}

/* ------------------------------------------------------------ initialisers */

static int gain_kind(const char *name, nn_gain *g) {
    static const struct { const char *name; nn_gain g; } table[] = {
        {"linear", NN_GAIN_LINEAR}, {"sigmoid", NN_GAIN_SIGMOID}, {"tanh", NN_GAIN_TANH},
        {"relu", NN_GAIN_RELU}, {"leaky_relu", NN_GAIN_LEAKY_RELU}, {"selu", NN_GAIN_SELU}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0) {
            *g = table[i].g;
            return 1;
        }
    return 0;
}

/* The two torch modules: nn.Linear(300, 100) and nn.Conv2d(16, 32, 5). */
static nn_net *init_net(result *r, int conv) {
    nn_net *net = conv ? nn_net_create(16, 12, 12) : nn_net_create(300, 1, 1);
    if (!net) {
        fail(r, "nn_net_create: %s", nn_last_error());
        return NULL;
    }
    nn_status st = conv ? nn_add_conv2d(net, 32, 5, 1, 0, 1) : nn_add_dense(net, 100, 1);
    if (st == NN_OK) st = nn_build(net, 1);
    if (st != NN_OK) {
        fail(r, "building the %s net: %s", conv ? "conv" : "linear", nn_last_error());
        nn_net_free(net);
        return NULL;
    }
    return net;
}

static void run_init_case(fixture *fx, result *r) {
    for (int conv = 0; conv < 2; conv++) {
        nn_net *net = init_net(r, conv);
        if (!net) return;
        int fan_in = -1, fan_out = -1;
        nn_status st = nn_layer_fans(net, 0, &fan_in, &fan_out);
        const char *which = conv ? "conv" : "linear";
        char key[64];
        snprintf(key, sizeof key, "fan_in.%s", which);
        int want_in = spec_int(fx, key, -2);
        snprintf(key, sizeof key, "fan_out.%s", which);
        int want_out = spec_int(fx, key, -2);
        if (st != NN_OK)
            fail(r, "nn_layer_fans(%s): %s", which, nn_last_error());
        else if (fan_in != want_in || fan_out != want_out)
            fail(r, "fans of %s: core (%d, %d), torch (%d, %d)", which, fan_in, fan_out, want_in, want_out);
        nn_net_free(net);
    }
    /* gain.<nonlinearity> or gain.<nonlinearity>_<param> */
    const char *p = fx->spec;
    while ((p = strstr(p, " gain.")) != NULL) {
        char key[64], nl[64];
        p += 1;
        size_t n = strcspn(p, "=");
        if (n >= sizeof key) break;
        memcpy(key, p, n);
        key[n] = '\0';
        snprintf(nl, sizeof nl, "%s", key + 5);
        double param = 0.0;
        char *us = strrchr(nl, '_');
        if (us && strncmp(nl, "leaky_relu_", 11) == 0) {
            param = strtod(us + 1, NULL);
            *us = '\0';
        } else if (strcmp(nl, "leaky_relu") == 0) {
            param = 0.01;
        }
        nn_gain g;
        if (!gain_kind(nl, &g)) {
            fail(r, "unknown nonlinearity %s", nl);
            continue;
        }
        check_scalar(r, key, nn_calculate_gain(g, (float)param), spec_num(fx, key, 0.0), 1e-6, 0.0);
    }
}

static int init_kind(const char *name, nn_init_kind *k) {
    static const struct { const char *name; nn_init_kind k; } table[] = {
        {"torch_default", NN_INIT_TORCH_DEFAULT}, {"zeros", NN_INIT_ZEROS}, {"constant", NN_INIT_CONSTANT},
        {"uniform", NN_INIT_UNIFORM}, {"normal", NN_INIT_NORMAL}, {"xavier_uniform", NN_INIT_XAVIER_UNIFORM},
        {"xavier_normal", NN_INIT_XAVIER_NORMAL}, {"kaiming_uniform", NN_INIT_KAIMING_UNIFORM},
        {"kaiming_normal", NN_INIT_KAIMING_NORMAL}, {"msra_lesson", NN_INIT_MSRA_LESSON}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0) {
            *k = table[i].k;
            return 1;
        }
    return 0;
}

/* Sample statistics of the core's initialiser against the distribution torch
 * draws from (mean, std, support from torch.nn.init's formulas). Bounds are
 * five standard errors: the sample std's is about std / sqrt(2 n) (less for
 * uniform), the mean's std / sqrt(n). */
static void run_initdist_case(fixture *fx, result *r) {
    char kind_name[32] = "", layer[16] = "", mode[16] = "", nl[32] = "", role[16] = "";
    spec_str(fx, "init", kind_name, sizeof kind_name);
    spec_str(fx, "layer", layer, sizeof layer);
    spec_str(fx, "mode", mode, sizeof mode);
    spec_str(fx, "nonlinearity", nl, sizeof nl);
    spec_str(fx, "role", role, sizeof role);
    nn_init_kind kind;
    nn_gain gain;
    if (!init_kind(kind_name, &kind) || !gain_kind(nl, &gain)) {
        fail(r, "unknown init %s or nonlinearity %s", kind_name, nl);
        return;
    }
    nn_net *net = init_net(r, strcmp(layer, "conv") == 0);
    if (!net) return;
    nn_param_role pr = strcmp(role, "bias") == 0 ? NN_PARAM_BIAS : NN_PARAM_WEIGHT;
    nn_seed(net, 12345);
    TRY(r, nn_init_param(net, 0, pr, kind, (float)spec_num(fx, "a", 0.0), (float)spec_num(fx, "b", 0.0),
                         strcmp(mode, "fan_out") == 0 ? NN_FAN_OUT : NN_FAN_IN, gain));
    size_t n = nn_layer_param_count(net, 0, pr);
    const float *w = nn_params(net) + nn_layer_param_offset(net, 0, pr);
    double mean = 0.0, m2 = 0.0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) mean += w[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        m2 += (w[i] - mean) * (w[i] - mean);
        lo = fmin(lo, w[i]);
        hi = fmax(hi, w[i]);
    }
    double std = sqrt(m2 / (double)n);
    double want_mean = spec_num(fx, "mean", 0.0), want_std = spec_num(fx, "std", 0.0);
    double want_lo = spec_num(fx, "lo", -1e30), want_hi = spec_num(fx, "hi", 1e30);
    if (want_std == 0.0) {
        for (size_t i = 0; i < n; i++)
            if (w[i] != (float)want_mean) {
                fail(r, "value [%zu] is %.9g, expected every value %.9g", i, (double)w[i], want_mean);
                break;
            }
        goto out;
    }
    double se_mean = want_std / sqrt((double)n), se_std = want_std / sqrt(2.0 * (double)n);
    if (fabs(mean - want_mean) > 5.0 * se_mean)
        fail(r, "sample mean %.6g, expected %.6g (+- %.3g)", mean, want_mean, 5.0 * se_mean);
    if (fabs(std - want_std) > 5.0 * se_std)
        fail(r, "sample std %.6g, expected %.6g (+- %.3g; torch drew %.6g)", std, want_std, 5.0 * se_std,
             spec_num(fx, "torch_std", 0.0));
    if (r->worst_rel < fabs(std - want_std) / want_std) {
        r->worst_rel = fabs(std - want_std) / want_std;
        snprintf(r->worst_what, sizeof r->worst_what, "sample std");
    }
    if (want_lo > -1e29) {
        /* uniform: inside the support (float rounding aside) and reaching near both ends */
        double slack = 1e-6 * fmax(fabs(want_lo), fabs(want_hi)), edge = (want_hi - want_lo) * 8.0 / (double)n;
        if (lo < want_lo - slack || hi > want_hi + slack)
            fail(r, "samples span [%.6g, %.6g], outside U(%.6g, %.6g)", lo, hi, want_lo, want_hi);
        else if (lo > want_lo + edge || hi < want_hi - edge)
            fail(r, "samples span [%.6g, %.6g], not reaching the ends of U(%.6g, %.6g)", lo, hi, want_lo, want_hi);
    } else if (fabs(lo - want_mean) > 6.5 * want_std || fabs(hi - want_mean) > 6.5 * want_std) {
        fail(r, "samples span [%.6g, %.6g]: beyond 6.5 std of N(%.6g, %.6g)", lo, hi, want_mean, want_std);
    }
out:
    nn_net_free(net);
}

/* ------------------------------------------------------------- end to end */

/* MLP flatten -> 784x16 -> ReLU -> 16x10, CE mean, SGD lr 0.1 momentum 0.9.
 * use_train_step 0: the pieces (forward/loss/backward/step) on the fixture's
 * order; 1: nn_train_step over an nn_data without shuffling, whose order must be
 * the data set's order (the fixture's order is exactly that).
 * Tolerance: the hidden layer sums 784 products per unit in float32 against a
 * float64 reference; after ten momentum steps the losses agree to ~1e-6. */
static void run_e2e_case(fixture *fx, result *r, int use_train_step) {
    int n = spec_int(fx, "n", 0), B = spec_int(fx, "batch", 0), steps = spec_int(fx, "steps", 0);
    int hidden = spec_int(fx, "hidden", 0), classes = spec_int(fx, "classes", 0);
    int C = spec_int(fx, "in_c", 1), H = spec_int(fx, "in_h", 1), W = spec_int(fx, "in_w", 1);
    int F = C * H * W;
    size_t nx = 0, norder = 0, nlosses = 0;
    const float *x = fx_f32(fx, "x", &nx);
    const int32_t *labels = fx_i32(fx, "labels", NULL);
    const int32_t *order = fx_i32(fx, "order", &norder);
    const float *losses = fx_f32(fx, "losses", &nlosses);
    float *batch_x = NULL, *got_losses = NULL;
    int32_t *batch_y = NULL;
    uint8_t *labels_u8 = NULL;
    nn_data *data = NULL;
    nn_net *net = nn_net_create(C, H, W);
    if (!net) {
        fail(r, "nn_net_create: %s", nn_last_error());
        return;
    }
    if (!x || !labels || !order || !losses || nx != (size_t)n * F || norder != (size_t)steps * B ||
        nlosses != (size_t)steps) {
        fail(r, "malformed fixture");
        goto out;
    }
    TRY(r, nn_add_flatten(net));
    TRY(r, nn_add_dense(net, hidden, 1));
    TRY(r, nn_add_activation(net, NN_LAYER_RELU, 0.0f));
    TRY(r, nn_add_dense(net, classes, 1));
    TRY(r, nn_build(net, B));
    TRY(r, nn_set_loss(net, NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_MEAN, 0.0f, NULL));
    TRY(r, nn_set_optimizer(net, NN_OPTIM_SGD));
    TRY(r, nn_set_hyper(net, NN_HP_LR, spec_num(fx, "lr", 0.1)));
    TRY(r, nn_set_hyper(net, NN_HP_MOMENTUM, spec_num(fx, "momentum", 0.0)));
    if (!load_param(r, net, 1, NN_PARAM_WEIGHT, fx, "w1") || !load_param(r, net, 1, NN_PARAM_BIAS, fx, "b1") ||
        !load_param(r, net, 3, NN_PARAM_WEIGHT, fx, "w2") || !load_param(r, net, 3, NN_PARAM_BIAS, fx, "b2"))
        goto out;
    batch_x = malloc((size_t)B * F * sizeof(float));
    batch_y = malloc((size_t)B * sizeof(int32_t));
    got_losses = calloc((size_t)steps, sizeof(float));
    labels_u8 = malloc((size_t)n);
    if (!batch_x || !batch_y || !got_losses || !labels_u8) {
        fail(r, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) labels_u8[i] = (uint8_t)labels[i];
    if (use_train_step) {
        data = nn_data_create_f32(x, labels_u8, (size_t)n, F);
        if (!data) {
            fail(r, "nn_data_create_f32: %s", nn_last_error());
            goto out;
        }
        nn_reset_epoch(net);
    }
    for (int s = 0; s < steps; s++) {
        if (use_train_step) {
            nn_step_result res;
            TRY(r, nn_train_step(net, data, B, 0, &res));
            if (res.batch != B) {
                fail(r, "step %d took %d samples, expected %d", s + 1, res.batch, B);
                goto out;
            }
            got_losses[s] = res.loss;
        } else {
            for (int j = 0; j < B; j++) {
                int idx = order[s * B + j];
                memcpy(batch_x + (size_t)j * F, x + (size_t)idx * F, (size_t)F * sizeof(float));
                batch_y[j] = labels[idx];
            }
            nn_zero_grad(net);
            TRY(r, nn_forward(net, batch_x, B, 1));
            TRY(r, nn_loss(net, batch_y, B, &got_losses[s], NULL));
            TRY(r, nn_backward(net));
            TRY(r, nn_optim_step(net));
        }
    }
    check_close(r, "losses", got_losses, losses, (size_t)steps, RTOL, ATOL);
    check_param(r, net, nn_params(net), 1, NN_PARAM_WEIGHT, fx, "w1_final", "w1 after the last step", RTOL, ATOL);
    check_param(r, net, nn_params(net), 1, NN_PARAM_BIAS, fx, "b1_final", "b1 after the last step", RTOL, ATOL);
    check_param(r, net, nn_params(net), 3, NN_PARAM_WEIGHT, fx, "w2_final", "w2 after the last step", RTOL, ATOL);
    check_param(r, net, nn_params(net), 3, NN_PARAM_BIAS, fx, "b2_final", "b2 after the last step", RTOL, ATOL);
out:
    nn_data_free(data);
    free(batch_x);
    free(batch_y);
    free(got_losses);
    free(labels_u8);
    nn_net_free(net);
}

/* -------------------------------------------------------------------- main */

static int passed = 0, failed = 0, verbose = 0;

static void report(result *r) {
    if (r->failed) {
        failed++;
        printf("FAIL %s: %s\n", r->name, r->detail);
    } else {
        passed++;
        if (verbose)
            printf("ok   %s (worst rel err %.3g in %s; worst error/allowance %.2f)\n", r->name, r->worst_rel,
                   r->worst_what[0] ? r->worst_what : "-", r->worst_ratio);
    }
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *dir = "tests/golden/fixtures";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            dir = argv[i];
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/index.txt", dir);
    FILE *index = fopen(path, "r");
    if (!index) {
        printf("cannot open %s (run from the repository root, or pass the fixtures directory)\n", path);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    char line[512];
    static fixture fx;
    while (fgets(line, sizeof line, index)) {
        char group[64], name[256], name2[300], err[1400];
        if (sscanf(line, "%63s %255s", group, name) != 2) continue;
        result r;
        memset(&r, 0, sizeof r);
        r.name = name;
        if (!fixture_load(dir, name, &fx, err, sizeof err)) {
            fail(&r, "%s", err);
            report(&r);
            continue;
        }
        if (strcmp(group, "act") == 0 || strcmp(group, "layer") == 0) {
            run_layer_case(&fx, &r);
        } else if (strcmp(group, "loss") == 0) {
            run_loss_case(&fx, &r);
        } else if (strcmp(group, "optim") == 0) {
            run_optim_case(&fx, &r);
        } else if (strcmp(group, "init") == 0) {
            run_init_case(&fx, &r);
        } else if (strcmp(group, "initdist") == 0) {
            run_initdist_case(&fx, &r);
        } else if (strcmp(group, "e2e") == 0) {
            run_e2e_case(&fx, &r, 0);
            report(&r);
            snprintf(name2, sizeof name2, "%s_train_step", name);
            memset(&r, 0, sizeof r);
            r.name = name2;
            run_e2e_case(&fx, &r, 1);
        } else {
            fail(&r, "unknown group %s", group);
        }
        report(&r);
        fixture_free(&fx);
    }
    fclose(index);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
