/* net.c: the layer list, the memory budget and the one arena, the accessors, and forward/backward
 * orchestration. Seeding and the random state are state.c's; torch's defaults (loss, optimizer,
 * initial weights) are applied by model.c, above init.c, loss.c and optim.c. */
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"

#define NN_MAX_LAYERS 256
#define NN_MAX_DIM 65536
#define NN_MAX_FEATURES (1u << 24) /* per sample, per layer: 16 M floats */
#define NN_MAX_BATCH 65536

static size_t memory_budget = (size_t)1 << 30;

void *nn_malloc(size_t bytes) { return malloc(bytes ? bytes : 1); }
void nn_free(void *p) { free(p); }
void nn_set_memory_budget(size_t bytes) { memory_budget = bytes; }

size_t nn_heap_in_use(void) {
#if defined(__EMSCRIPTEN__)
    return (size_t)mallinfo().uordblks;
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return mallinfo2().uordblks;
#else
    return 0;
#endif
}
size_t nn_memory_budget(void) { return memory_budget; }

static const char *const kind_names[NN_LAYER_KIND_COUNT] = {
    "dense", "conv2d", "maxpool", "avgpool", "flatten", "dropout", "batchnorm", "tanh",
    "sigmoid", "relu", "leaky_relu", "elu", "swish", "softmax", "identity"};

const char *nn_kind_name(nn_layer_kind kind) {
    return (unsigned)kind < NN_LAYER_KIND_COUNT ? kind_names[kind] : "unknown";
}

const nn_layer_ops *nn_ops_for(nn_layer_kind kind) {
    switch (kind) {
    case NN_LAYER_DENSE: return &nn_dense_ops;
    case NN_LAYER_CONV2D: return &nn_conv2d_ops;
    case NN_LAYER_MAXPOOL: return &nn_maxpool_ops;
    case NN_LAYER_AVGPOOL: return &nn_avgpool_ops;
    case NN_LAYER_FLATTEN: return &nn_flatten_ops;
    case NN_LAYER_DROPOUT: return &nn_dropout_ops;
    case NN_LAYER_BATCHNORM: return &nn_batchnorm_ops;
    case NN_LAYER_TANH: case NN_LAYER_SIGMOID: case NN_LAYER_RELU: case NN_LAYER_LEAKY_RELU:
    case NN_LAYER_ELU: case NN_LAYER_SWISH: case NN_LAYER_SOFTMAX: case NN_LAYER_IDENTITY:
        return &nn_activation_ops;
    default: return NULL;
    }
}

nn_net *nn_net_new(int channels, int height, int width) {
    if (channels < 1 || height < 1 || width < 1 || channels > NN_MAX_DIM || height > NN_MAX_DIM ||
        width > NN_MAX_DIM || (uint64_t)channels * height * width > NN_MAX_FEATURES) {
        nn_fail(NN_ERR_SHAPE, "input shape %dx%dx%d: each size must be 1 to %d and their product at most %u", channels,
                height, width, NN_MAX_DIM, NN_MAX_FEATURES);
        return NULL;
    }
    nn_net *net = calloc(1, sizeof *net);
    if (!net) {
        nn_fail(NN_ERR_NOMEM, "out of memory creating the network");
        return NULL;
    }
    net->in_c = channels;
    net->in_h = height;
    net->in_w = width;
    return net;
}

void nn_net_free(nn_net *net) {
    if (!net) return;
    free(net->layers);
    free(net->arena);
    free(net->thread_ws);
    free(net->loss.class_weights);
    free(net->order);
    free(net);
}

/* Appends a copy of proto once its kind's shape check accepts the input shape. */
static nn_status add_layer(nn_net *net, const nn_layer *proto) {
    if (!net) return nn_fail(NN_ERR_INVALID, "no network");
    if (net->built) return nn_fail(NN_ERR_INVALID, "layers cannot be added after the network is built");
    if (net->count >= NN_MAX_LAYERS)
        return nn_fail(NN_ERR_INVALID, "too many layers: at most %d", NN_MAX_LAYERS);
    const nn_layer_ops *ops = nn_ops_for(proto->kind);
    if (!ops) return nn_fail(NN_ERR_INVALID, "layer %d: unknown kind %d", net->count, (int)proto->kind);
    nn_layer l = *proto;
    if (net->count == 0) {
        l.in_c = net->in_c; l.in_h = net->in_h; l.in_w = net->in_w;
    } else {
        const nn_layer *prev = &net->layers[net->count - 1];
        l.in_c = prev->out_c; l.in_h = prev->out_h; l.in_w = prev->out_w;
    }
    nn_status st = ops->shape(&l, net->count);
    if (st != NN_OK) return st;
    if (l.out_c < 1 || l.out_h < 1 || l.out_w < 1 ||
        (uint64_t)l.out_c * l.out_h * l.out_w > NN_MAX_FEATURES)
        return nn_fail(NN_ERR_SHAPE, "layer %d (%s): output %dx%dx%d is empty or larger than %u values per sample",
                       net->count, nn_kind_name(l.kind), l.out_c, l.out_h, l.out_w, NN_MAX_FEATURES);
    if (net->count == net->capacity) {
        int cap = net->capacity ? net->capacity * 2 : 8;
        nn_layer *grown = realloc(net->layers, (size_t)cap * sizeof *grown);
        if (!grown) return nn_fail(NN_ERR_NOMEM, "out of memory adding layer %d", net->count);
        net->layers = grown;
        net->capacity = cap;
    }
    net->layers[net->count++] = l;
    return NN_OK;
}

nn_status nn_add_dense(nn_net *net, int out_features, int bias) {
    nn_layer l = {.kind = NN_LAYER_DENSE, .units = out_features, .has_bias = bias != 0};
    return add_layer(net, &l);
}

nn_status nn_add_conv2d(nn_net *net, int out_channels, int kernel, int stride, int padding, int bias) {
    nn_layer l = {.kind = NN_LAYER_CONV2D, .units = out_channels, .kernel = kernel, .stride = stride,
                  .padding = padding, .has_bias = bias != 0};
    return add_layer(net, &l);
}

nn_status nn_add_pool(nn_net *net, nn_layer_kind kind, int kernel, int stride, int padding) {
    if (kind != NN_LAYER_MAXPOOL && kind != NN_LAYER_AVGPOOL)
        return nn_fail(NN_ERR_INVALID, "layer %d: pool kind must be maxpool or avgpool", net ? net->count : 0);
    nn_layer l = {.kind = kind, .kernel = kernel, .stride = stride, .padding = padding};
    return add_layer(net, &l);
}

nn_status nn_add_flatten(nn_net *net) {
    nn_layer l = {.kind = NN_LAYER_FLATTEN};
    return add_layer(net, &l);
}

nn_status nn_add_dropout(nn_net *net, float p) {
    nn_layer l = {.kind = NN_LAYER_DROPOUT, .drop_p = p};
    return add_layer(net, &l);
}

nn_status nn_add_batchnorm(nn_net *net, float eps, float momentum) {
    nn_layer l = {.kind = NN_LAYER_BATCHNORM, .eps = eps, .momentum = momentum};
    return add_layer(net, &l);
}

nn_status nn_add_activation(nn_net *net, nn_layer_kind kind, float param) {
    if (kind < NN_LAYER_TANH || kind > NN_LAYER_IDENTITY)
        return nn_fail(NN_ERR_INVALID, "layer %d: kind %d is not an activation", net ? net->count : 0, (int)kind);
    /* param is the one setting an activation may have: leaky ReLU's slope or ELU's alpha */
    nn_layer l = {.kind = kind};
    if (kind == NN_LAYER_LEAKY_RELU) l.negative_slope = param;
    if (kind == NN_LAYER_ELU) l.alpha = param;
    return add_layer(net, &l);
}

/* ---- the arena ---- */

typedef struct {
    uint64_t params, buffers, optim, workspace, acts, aux, input, total_bytes;
} arena_plan;

static uint64_t align16(uint64_t bytes) { return (bytes + 15) & ~(uint64_t)15; }

/* Sizes of everything nn_build allocates for max_batch samples, without the budget check. */
static nn_status plan_sizes(const nn_net *net, int max_batch, arena_plan *p) {
    memset(p, 0, sizeof *p);
    for (int i = 0; i < net->count; i++) {
        const nn_layer *l = &net->layers[i];
        const nn_layer_ops *ops = nn_ops_for(l->kind);
        p->params += l->w_count + l->b_count;
        p->buffers += l->buf_count;
        p->acts += (uint64_t)max_batch * nn_out_size(l);
        uint64_t aux = ops->aux_size ? ops->aux_size(l, max_batch) : 0;
        if (aux > ((uint64_t)1 << 40)) /* saturated by the layer: no budget could hold it */
            return nn_fail(NN_ERR_NOMEM, "layer %d (%s): its scratch memory at batch %d is beyond any budget", i,
                           nn_kind_name(l->kind), max_batch);
        p->aux += align16(aux);
        if (ops->workspace_size) {
            uint64_t ws = ops->workspace_size(l, max_batch);
            if (ws > p->workspace) p->workspace = ws;
        }
    }
    p->optim = 3 * p->params; /* the most any optimizer keeps: Adam+AMSGrad m, v, v_max */
    p->input = (uint64_t)max_batch * ((uint64_t)net->in_c * net->in_h * net->in_w);
    /* params, grads, backup of params, optimizer state, backup of state, buffers, workspace,
     * outputs and their gradients, the gathered batch; then the aux scratch, up to 15 bytes of
     * alignment for each of the 12 other blocks (256 covers them), and the batch's labels and
     * indices (4 bytes each per sample) */
    uint64_t floats = 3 * p->params + 2 * p->optim + p->buffers + p->workspace + 2 * p->acts + p->input;
    p->total_bytes = floats * sizeof(float) + p->aux + 16 * 16 + (uint64_t)max_batch * 8;
    return NN_OK;
}

/* The largest batch below max_batch whose arena fits the budget (0 when not even 1 fits). The
 * arena grows with the batch, so a binary search finds it. */
static int largest_batch_that_fits(const nn_net *net, int max_batch) {
    int lo = 0, hi = max_batch - 1; /* lo fits (0 trivially), answer in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        arena_plan p;
        if (plan_sizes(net, mid, &p) == NN_OK && p.total_bytes <= memory_budget) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

static nn_status plan_arena(const nn_net *net, int max_batch, arena_plan *p) {
    if (!net) return nn_fail(NN_ERR_INVALID, "no network");
    if (net->count == 0) return nn_fail(NN_ERR_INVALID, "the network has no layers");
    if (max_batch < 1 || max_batch > NN_MAX_BATCH)
        return nn_fail(NN_ERR_INVALID, "batch size %d: must be 1 to %d", max_batch, NN_MAX_BATCH);
    nn_status st = plan_sizes(net, max_batch, p);
    if (st != NN_OK) return st;
    if (p->total_bytes > memory_budget) {
        char advice[160];
        int fits = largest_batch_that_fits(net, max_batch);
        if (fits > 0) {
            snprintf(advice, sizeof advice, "the largest batch that fits is %d; or use fewer or smaller layers", fits);
        } else {
            arena_plan one;
            plan_sizes(net, 1, &one);
            snprintf(advice, sizeof advice, "even a batch of 1 needs %.1f MB: use fewer or smaller layers",
                     one.total_bytes / 1048576.0);
        }
        return nn_fail(NN_ERR_NOMEM,
                       "this network needs %.1f MB at batch %d, over the memory budget of %.0f MB "
                       "(%.1f M parameters, %.1f M activation values): %s",
                       p->total_bytes / 1048576.0, max_batch, memory_budget / 1048576.0, p->params / 1e6,
                       2.0 * p->acts / 1e6, advice);
    }
    return NN_OK;
}

size_t nn_build_bytes(const nn_net *net, int max_batch) {
    arena_plan p;
    if (plan_arena(net, max_batch, &p) != NN_OK) return 0;
    return (size_t)p.total_bytes;
}

nn_status nn_net_allocate(nn_net *net, int max_batch) {
    if (!net) return nn_fail(NN_ERR_INVALID, "no network");
    if (net->built) return nn_fail(NN_ERR_INVALID, "the network is already built");
    arena_plan p;
    nn_status st = plan_arena(net, max_batch, &p);
    if (st != NN_OK) return st;
    char *arena = calloc(1, (size_t)p.total_bytes);
    if (!arena) {
        return nn_fail(NN_ERR_NOMEM,
                       "out of memory: could not allocate %.1f MB for the network (within the budget of %.0f MB, "
                       "but the browser or the machine refused it): use a smaller batch or fewer or smaller layers",
                       (double)p.total_bytes / 1048576.0, memory_budget / 1048576.0);
    }
    char *cursor = arena;
#define TAKE(ptr, type, count) \
    do { ptr = (type *)(void *)cursor; cursor += align16((uint64_t)(count) * sizeof(type)); } while (0)
    TAKE(net->params, float, p.params);
    TAKE(net->grads, float, p.params);
    TAKE(net->param_backup, float, p.params);
    TAKE(net->optim_state, float, p.optim);
    TAKE(net->state_backup, float, p.optim);
    TAKE(net->buffers, float, p.buffers);
    TAKE(net->workspace, float, p.workspace);
    TAKE(net->input_copy, float, p.input);
    net->param_count = (size_t)p.params;
    net->buffer_count = (size_t)p.buffers;
    net->optim_state_count = (size_t)p.optim;
    net->workspace_count = (size_t)p.workspace;
    /* All output gradients lie in one block so one memset clears them. */
    float *outs, *douts;
    TAKE(outs, float, p.acts);
    TAKE(douts, float, p.acts);
    size_t poff = 0, boff = 0, aoff = 0;
    for (int i = 0; i < net->count; i++) {
        nn_layer *l = &net->layers[i];
        const nn_layer_ops *ops = nn_ops_for(l->kind);
        l->w_off = poff; poff += l->w_count;
        l->b_off = poff; poff += l->b_count;
        l->w = l->w_count ? net->params + l->w_off : NULL;
        l->dw = l->w_count ? net->grads + l->w_off : NULL;
        l->b = l->b_count ? net->params + l->b_off : NULL;
        l->db = l->b_count ? net->grads + l->b_off : NULL;
        l->buf_off = boff;
        l->buffers = l->buf_count ? net->buffers + boff : NULL;
        boff += l->buf_count;
        l->out = outs + aoff;
        l->dout = douts + aoff;
        aoff += (size_t)max_batch * nn_out_size(l);
        l->aux_bytes = ops->aux_size ? ops->aux_size(l, max_batch) : 0;
        l->aux = NULL;
        if (l->aux_bytes) TAKE(l->aux, char, l->aux_bytes);
    }
    /* A flatten layer's output is its input, value for value: it reads it in place (W1 and W2
     * copied 200 and 50 KB a step). Its own block stays reserved, so the budget is unchanged. */
    for (int i = 0; i < net->count; i++)
        if (net->layers[i].kind == NN_LAYER_FLATTEN) net->layers[i].out = i ? net->layers[i - 1].out : net->input_copy;
    TAKE(net->batch_y, int32_t, max_batch);
    TAKE(net->batch_idx, uint32_t, max_batch);
#undef TAKE
    net->arena = arena;
    net->arena_bytes = (size_t)p.total_bytes;
    net->max_batch = max_batch;
    net->built = 1;
    /* batch-norm running statistics start at mean 0, variance 1 */
    for (int i = 0; i < net->count; i++) {
        nn_layer *l = &net->layers[i];
        if (l->kind == NN_LAYER_BATCHNORM)
            for (size_t c = 0; c < l->buf_count / 2; c++) l->buffers[l->buf_count / 2 + c] = 1.0f;
    }
    return NN_OK;
}

/* ---- accessors ---- */

int nn_layer_count(const nn_net *net) { return net ? net->count : 0; }

nn_layer_kind nn_layer_kind_of(const nn_net *net, int layer) {
    return net && layer >= 0 && layer < net->count ? net->layers[layer].kind : NN_LAYER_KIND_COUNT;
}

void nn_layer_out_shape(const nn_net *net, int layer, int *out_shape) {
    if (!net || layer < 0 || layer >= net->count) {
        out_shape[0] = out_shape[1] = out_shape[2] = 0;
        return;
    }
    const nn_layer *l = &net->layers[layer];
    out_shape[0] = l->out_c; out_shape[1] = l->out_h; out_shape[2] = l->out_w;
}

static const nn_layer *layer_at(const nn_net *net, int layer) {
    return net && layer >= 0 && layer < net->count ? &net->layers[layer] : NULL;
}

size_t nn_layer_param_offset(const nn_net *net, int layer, nn_param_role role) {
    const nn_layer *l = layer_at(net, layer);
    if (!l) return 0;
    return role == NN_PARAM_BIAS ? l->b_off : l->w_off;
}

size_t nn_layer_param_count(const nn_net *net, int layer, nn_param_role role) {
    const nn_layer *l = layer_at(net, layer);
    if (!l) return 0;
    return role == NN_PARAM_BIAS ? l->b_count : l->w_count;
}

size_t nn_param_count(const nn_net *net) {
    if (!net) return 0;
    if (net->built) return net->param_count;
    size_t n = 0;
    for (int i = 0; i < net->count; i++) n += net->layers[i].w_count + net->layers[i].b_count;
    return n;
}

float *nn_params(nn_net *net) { return net ? net->params : NULL; }
float *nn_grads(nn_net *net) { return net ? net->grads : NULL; }
size_t nn_buffer_count(const nn_net *net) { return net ? net->buffer_count : 0; }
float *nn_buffers(nn_net *net) { return net ? net->buffers : NULL; }
size_t nn_layer_buffer_offset(const nn_net *net, int layer) {
    const nn_layer *l = layer_at(net, layer);
    return l ? l->buf_off : 0;
}
size_t nn_optim_state_count(const nn_net *net) { return net ? net->optim_state_count : 0; }
float *nn_optim_state(nn_net *net) { return net ? net->optim_state : NULL; }
int64_t nn_optim_step_count(const nn_net *net) { return net ? net->optim.t : 0; }
void nn_set_optim_step_count(nn_net *net, int64_t t) {
    if (net && t >= 0) net->optim.t = t;
}

int nn_input_size(const nn_net *net) { return net ? net->in_c * net->in_h * net->in_w : 0; }
int nn_output_size(const nn_net *net) {
    if (!net) return 0;
    if (net->count == 0) return nn_input_size(net);
    return nn_out_size(&net->layers[net->count - 1]);
}
float *nn_output(nn_net *net) { return net && net->count ? net->layers[net->count - 1].out : NULL; }
float *nn_layer_output(nn_net *net, int layer) {
    return net && net->built && layer >= 0 && layer < net->count ? net->layers[layer].out : NULL;
}
float *nn_layer_output_grad(nn_net *net, int layer) {
    return net && net->built && layer >= 0 && layer < net->count ? net->layers[layer].dout : NULL;
}

/* ---- forward and backward ---- */

nn_status nn_forward(nn_net *net, const float *x, int batch, int training) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    if (!x) return nn_fail(NN_ERR_INVALID, "no input");
    if (batch < 1 || batch > net->max_batch)
        return nn_fail(NN_ERR_INVALID, "batch of %d samples: the network was built for 1 to %d", batch,
                       net->max_batch);
    if (training)
        for (int i = 0; i < net->count; i++) {
            const nn_layer *l = &net->layers[i];
            if (l->kind == NN_LAYER_BATCHNORM && batch * l->in_h * l->in_w == 1)
                return nn_fail(NN_ERR_SHAPE,
                               "layer %d (batchnorm): needs more than 1 value per channel when training, got a batch "
                               "of 1 (use a larger batch, or a batch size that does not leave 1 sample at the end of "
                               "an epoch)",
                               i);
        }
    /* Keep our own copy so backward does not depend on the caller's buffer. */
    size_t n = (size_t)batch * nn_input_size(net);
    if (x != net->input_copy) memcpy(net->input_copy, x, n * sizeof(float));
    const float *inp = net->input_copy;
    for (int i = 0; i < net->count; i++) {
        nn_layer *l = &net->layers[i];
        nn_ops_for(l->kind)->forward(net, l, inp, batch, training);
        inp = l->out;
    }
    net->last_batch = batch;
    net->has_output_grad = 0;
    return NN_OK;
}

void nn_zero_grad(nn_net *net) {
    if (net && net->built) memset(net->grads, 0, net->param_count * sizeof(float));
}

/* Backward through layers first..count-1: layer `first` gets no input gradient. write: every
 * gradient this backward makes (parameters' and outputs') is written; a layer kind that can only
 * add gets its share cleared just before it runs. Otherwise the parameters' gradients accumulate. */
static nn_status backward_from(nn_net *net, int first, int write) {
    if (!net || !net->built) return nn_fail(NN_ERR_INVALID, "the network is not built");
    if (!net->has_output_grad) return nn_fail(NN_ERR_INVALID, "backward needs a forward and a loss first");
    int B = net->last_batch;
    /* Gradients of every output but the last (which the loss wrote) accumulate from zero. */
    if (!write)
        for (int i = first; i + 1 < net->count; i++)
            memset(net->layers[i].dout, 0, (size_t)B * nn_out_size(&net->layers[i]) * sizeof(float));
    net->backward_writes = write;
    for (int i = net->count - 1; i >= first; i--) {
        nn_layer *l = &net->layers[i];
        const nn_layer_ops *ops = nn_ops_for(l->kind);
        const float *inp = i ? net->layers[i - 1].out : net->input_copy;
        float *dinp = i > first ? net->layers[i - 1].dout : NULL;
        if (write && !ops->writes) {
            if (dinp) memset(dinp, 0, (size_t)B * nn_in_size(l) * sizeof(float));
            if (l->w_count + l->b_count) memset(net->grads + l->w_off, 0, (l->w_count + l->b_count) * sizeof(float));
        }
        ops->backward(net, l, inp, dinp, B);
    }
    net->backward_writes = 0;
    return NN_OK;
}

nn_status nn_backward(nn_net *net) { return backward_from(net, 0, 0); }

nn_status nn_backward_params(nn_net *net) {
    int first = 0;
    if (net && net->built)
        while (first < net->count && net->layers[first].w_count + net->layers[first].b_count == 0) first++;
    return backward_from(net, first, 1);
}
