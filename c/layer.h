/* layer.h: the internal layer record, the per-kind operations table, and the net. */
#ifndef NN_LAYER_H
#define NN_LAYER_H

#include "error.h"
#include "nn.h"
#include "rng.h"

typedef struct nn_layer nn_layer;

struct nn_layer {
    nn_layer_kind kind;
    int in_c, in_h, in_w;    /* input shape of one sample */
    int out_c, out_h, out_w; /* output shape of one sample */
    /* kind-specific settings */
    int units;               /* dense: out features; conv2d: out channels */
    int kernel, stride, padding, has_bias;
    float negative_slope;    /* leaky_relu */
    float alpha;             /* elu */
    float drop_p;            /* dropout: the probability of zeroing a value */
    float eps, momentum;     /* batch-norm: variance floor, running-statistics momentum */
    /* placement, as offsets (floats) into the flat buffers; filled by nn_build */
    size_t w_off, w_count, b_off, b_count;
    size_t buf_off, buf_count;           /* net->buffers: running mean, running var */
    size_t aux_bytes;                    /* per-layer scratch kept between forward and backward */
    /* resolved pointers (valid after nn_build) */
    float *w, *b, *dw, *db;
    float *buffers;
    float *out, *dout;       /* [max_batch][out size] */
    void *aux;               /* max-pool winners, dropout mask, batch-norm mean/invstd... */
};

static inline int nn_in_size(const nn_layer *l) { return l->in_c * l->in_h * l->in_w; }
static inline int nn_out_size(const nn_layer *l) { return l->out_c * l->out_h * l->out_w; }

/* What every layer kind provides. `inp` is the previous layer's output
 * ([B][in size]); backward accumulates into dinp (may be NULL for the first
 * layer) and into l->dw, l->db. */
typedef struct {
    const char *name;
    /* Checks settings against the input shape; fills out shape, w_count,
     * b_count, buf_count. Sets the last error (naming the layer) on failure. */
    nn_status (*shape)(nn_layer *l, int index);
    /* Bytes of aux scratch for a batch of max_batch. */
    size_t (*aux_size)(const nn_layer *l, int max_batch);
    /* Floats of shared workspace (im2col columns...) needed, may be NULL. */
    size_t (*workspace_size)(const nn_layer *l, int max_batch);
    void (*forward)(nn_net *net, nn_layer *l, const float *inp, int B, int training);
    void (*backward)(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B);
    /* 1: while net->backward_writes is set, backward writes (=) dinp, dw and db instead of adding
     * to them, with the bits adding to zeros would give (0.0f + x, not x: -0 becomes +0). For the
     * other kinds the net clears what they add to, as before. */
    int writes;
} nn_layer_ops;

extern const nn_layer_ops nn_dense_ops, nn_conv2d_ops, nn_maxpool_ops, nn_avgpool_ops,
    nn_flatten_ops, nn_dropout_ops, nn_batchnorm_ops, nn_activation_ops;

const nn_layer_ops *nn_ops_for(nn_layer_kind kind);
const char *nn_kind_name(nn_layer_kind kind);

typedef struct {
    nn_optim_kind kind;
    double hyper[NN_HP_COUNT];
    int64_t t; /* steps taken */
} nn_optim;

typedef struct {
    nn_loss_kind kind;
    nn_reduction reduction;
    float label_smoothing;
    float *class_weights; /* NULL or [classes], heap */
} nn_loss_cfg;

struct nn_net {
    int in_c, in_h, in_w;
    nn_layer *layers;
    int count, capacity;
    int max_batch;          /* 0 until built */
    int built;
    /* one arena holds everything below */
    void *arena;
    size_t arena_bytes;
    float *params, *grads;  size_t param_count;
    float *buffers;         size_t buffer_count;
    float *optim_state;     size_t optim_state_count; /* up to 3 x param_count */
    float *param_backup, *state_backup; /* the last finite weights and state, restored on NaN/Inf */
    float *workspace;       size_t workspace_count;
    float *thread_ws;       size_t thread_ws_count; /* heap: the extra threads' share of the workspace */
    float *input_copy;      /* [max_batch][in size]: the batch the last forward saw */
    int last_batch;
    int has_output_grad;    /* nn_loss filled the last layer's dout */
    int backward_writes;    /* set during nn_backward_params: see nn_layer_ops.writes */
    nn_loss_cfg loss;
    nn_optim optim;
    nn_rng init_rng, dropout_rng, shuffle_rng;
    uint64_t seed;
    /* epoch order for nn_train_step (heap: its length is the data set's, not the arena's) */
    uint32_t *order; size_t order_count, order_pos; int64_t epoch;
    int32_t *batch_y; uint32_t *batch_idx; /* in the arena, [max_batch]: labels and indices of a batch */
};

/* net.c's halves of nn_net_create and nn_build (model.c completes them with torch's defaults, which
 * live above net.c): a bare net with no loss, optimizer or seed set, and the arena with weights
 * still zero. */
nn_net *nn_net_new(int channels, int height, int width);
/* nn_backward for a training step: only what the parameters' gradients need. The layers before
 * the first one with parameters get no output gradient (nn_layer_output_grad keeps what an
 * earlier nn_backward left there); W1 as the page builds it (flatten first) skipped a product
 * of 64 x 784 x 128 whose result nobody read. The gradients are written, not added: the same
 * bits as nn_zero_grad then nn_backward, without the pass that clears them first. */
nn_status nn_backward_params(nn_net *net);
nn_status nn_net_allocate(nn_net *net, int max_batch);

#endif
