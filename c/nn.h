/* nn.h: the public API of the training core (the only header JS and tests need).
 *
 * Ownership: every object returned by an nn_*_create function is owned by the
 * caller and freed with its nn_*_free twin. Pointers returned by accessors
 * (nn_params, nn_output...) point into the object and stay valid until the
 * object is freed or rebuilt; in wasm they are offsets into linear memory that
 * JS must re-view after any call that may grow memory.
 *
 * Status: every function that can fail returns nn_status. NN_OK is 0; any other
 * value means nothing was changed that the caller relies on, and
 * nn_last_error() holds one readable sentence saying what was wrong (which
 * layer, which field, which shape). Nothing here aborts or exits on bad input.
 *
 * Shapes: a sample is (channels, height, width); flat features are (F, 1, 1).
 * Batches are row-major [batch][channels][height][width], float32.
 */
#ifndef NN_H
#define NN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Must match web/src/engine/enums.js (tests/web/enums.test.js checks). */
typedef enum {
    NN_OK = 0,
    NN_ERR_INVALID = 1, /* a value out of range, an unknown kind, a call out of order */
    NN_ERR_SHAPE = 2,   /* a layer cannot take the shape it is given */
    NN_ERR_NOMEM = 3,   /* allocation failed or the memory budget would be exceeded */
    NN_ERR_NUMERIC = 4, /* loss or weights became NaN/Inf */
    NN_ERR_DATA = 5     /* malformed data file (IDX, safetensors) */
} nn_status;

/* Must match web/src/engine/enums.js. */
typedef enum {
    NN_LAYER_DENSE = 0,
    NN_LAYER_CONV2D = 1,
    NN_LAYER_MAXPOOL = 2,
    NN_LAYER_AVGPOOL = 3,
    NN_LAYER_FLATTEN = 4,
    NN_LAYER_DROPOUT = 5,
    NN_LAYER_BATCHNORM = 6,
    NN_LAYER_TANH = 7,
    NN_LAYER_SIGMOID = 8,
    NN_LAYER_RELU = 9,
    NN_LAYER_LEAKY_RELU = 10, /* param: negative_slope (torch default 0.01) */
    NN_LAYER_ELU = 11,        /* param: alpha (torch default 1.0) */
    NN_LAYER_SWISH = 12,      /* SiLU: x * sigmoid(x) */
    NN_LAYER_SOFTMAX = 13,    /* over the features of each sample */
    NN_LAYER_IDENTITY = 14,
    NN_LAYER_KIND_COUNT = 15
} nn_layer_kind;

/* Must match web/src/engine/enums.js. */
typedef enum {
    NN_LOSS_CROSS_ENTROPY = 0, /* softmax fused with negative log-likelihood */
    NN_LOSS_MSE = 1            /* mean squared error against one-hot targets */
} nn_loss_kind;

typedef enum { NN_REDUCTION_MEAN = 0, NN_REDUCTION_SUM = 1 } nn_reduction;

/* Must match web/src/engine/enums.js. */
typedef enum {
    NN_OPTIM_SGD = 0,
    NN_OPTIM_ADAGRAD = 1,
    NN_OPTIM_RMSPROP = 2,
    NN_OPTIM_ADAM = 3,
    NN_OPTIM_ADAMW = 4
} nn_optim_kind;

/* Hyper-parameters, set one at a time with nn_set_hyper. nn_set_optimizer
 * fills torch.optim's defaults for the kind first. Must match enums.js. */
typedef enum {
    NN_HP_LR = 0,
    NN_HP_MOMENTUM = 1,     /* SGD, RMSprop */
    NN_HP_DAMPENING = 2,    /* SGD */
    NN_HP_WEIGHT_DECAY = 3, /* all; AdamW's is decoupled */
    NN_HP_NESTEROV = 4,     /* SGD, 0 or 1 */
    NN_HP_MAXIMIZE = 5,     /* all, 0 or 1 */
    NN_HP_ALPHA = 6,        /* RMSprop smoothing constant */
    NN_HP_EPS = 7,          /* Adagrad, RMSprop, Adam, AdamW */
    NN_HP_CENTERED = 8,     /* RMSprop, 0 or 1 */
    NN_HP_BETA1 = 9,        /* Adam, AdamW */
    NN_HP_BETA2 = 10,       /* Adam, AdamW */
    NN_HP_AMSGRAD = 11,     /* Adam, AdamW, 0 or 1 */
    NN_HP_LR_DECAY = 12,    /* Adagrad */
    NN_HP_INITIAL_ACCUMULATOR = 13, /* Adagrad */
    NN_HP_COUNT = 14
} nn_hyper;

/* Initialisers, as torch.nn.init names them. Must match enums.js. */
typedef enum {
    NN_INIT_TORCH_DEFAULT = 0, /* nn.Linear/nn.Conv2d reset_parameters: weight kaiming_uniform(a=sqrt 5), bias U(+-1/sqrt fan_in) */
    NN_INIT_ZEROS = 1,
    NN_INIT_CONSTANT = 2,      /* a = value */
    NN_INIT_UNIFORM = 3,       /* U(a, b) */
    NN_INIT_NORMAL = 4,        /* N(mean a, std b) */
    NN_INIT_XAVIER_UNIFORM = 5,/* a = gain */
    NN_INIT_XAVIER_NORMAL = 6, /* a = gain */
    NN_INIT_KAIMING_UNIFORM = 7, /* a = negative slope, mode, nonlinearity */
    NN_INIT_KAIMING_NORMAL = 8,  /* a = negative slope, mode, nonlinearity */
    NN_INIT_MSRA_LESSON = 9,   /* N(0, std sqrt(1/fan_in)), the lesson's formula as written */
    NN_INIT_KIND_COUNT = 10
} nn_init_kind;

typedef enum { NN_FAN_IN = 0, NN_FAN_OUT = 1 } nn_fan_mode;

/* torch.nn.init.calculate_gain's nonlinearities. Must match enums.js. */
typedef enum {
    NN_GAIN_LINEAR = 0, NN_GAIN_SIGMOID = 1, NN_GAIN_TANH = 2,
    NN_GAIN_RELU = 3, NN_GAIN_LEAKY_RELU = 4, NN_GAIN_SELU = 5
} nn_gain;

typedef enum { NN_PARAM_WEIGHT = 0, NN_PARAM_BIAS = 1 } nn_param_role;

typedef struct nn_net nn_net;

/* ---- errors and memory ---- */
const char *nn_last_error(void);
void *nn_malloc(size_t bytes);  /* for JS to place inputs in wasm memory */
void nn_free(void *p);
/* Refuse builds whose arena would exceed this many bytes (default 1 GiB). */
void nn_set_memory_budget(size_t bytes);
size_t nn_memory_budget(void);
/* Bytes the core's allocator has handed out and not yet had back (for leak tests; 0 where the
 * C library cannot tell). */
size_t nn_heap_in_use(void);

/* ---- threads ---- */
/* Threads the products and convolutions of later steps use (1 to 8, default 1). Every output
 * is summed in the same order whatever the count, so no number changes. Native builds start the
 * threads here; in wasm, n - 1 workers must already be in nn_thread_main, else NN_ERR_INVALID. */
nn_status nn_set_threads(int n);
int nn_get_threads(void);
/* wasm: a worker's instance on the shared memory serves as thread id (1..7) here, forever. */
void nn_thread_main(int id);

/* ---- building a network ---- */
/* A net with torch's starting choices: seed 0, cross-entropy (mean), SGD with its defaults.
 * NULL + last error on a bad shape. */
nn_net *nn_net_create(int channels, int height, int width);
void nn_net_free(nn_net *net);
nn_status nn_add_dense(nn_net *net, int out_features, int bias);
nn_status nn_add_conv2d(nn_net *net, int out_channels, int kernel, int stride, int padding, int bias);
nn_status nn_add_pool(nn_net *net, nn_layer_kind kind, int kernel, int stride, int padding);
nn_status nn_add_flatten(nn_net *net);
nn_status nn_add_dropout(nn_net *net, float p);
nn_status nn_add_batchnorm(nn_net *net, float eps, float momentum);
nn_status nn_add_activation(nn_net *net, nn_layer_kind kind, float param);
/* Allocates parameters, gradients, optimizer state and activations for up to
 * max_batch samples, in one arena, and initialises the weights as torch's layers do
 * (nn_init_all with NN_INIT_TORCH_DEFAULT). Layers cannot be added after this. */
nn_status nn_build(nn_net *net, int max_batch);
/* Bytes nn_build would allocate; 0 + last error when the stack is invalid. */
size_t nn_build_bytes(const nn_net *net, int max_batch);

/* ---- shapes and parameters ---- */
int nn_layer_count(const nn_net *net);
nn_layer_kind nn_layer_kind_of(const nn_net *net, int layer);
/* out_shape: 3 ints (c, h, w) */
void nn_layer_out_shape(const nn_net *net, int layer, int *out_shape);
/* Offset and count (floats) of a layer's weight or bias in the flat parameter
 * buffer; count 0 if the layer has none. */
size_t nn_layer_param_offset(const nn_net *net, int layer, nn_param_role role);
size_t nn_layer_param_count(const nn_net *net, int layer, nn_param_role role);
size_t nn_param_count(const nn_net *net);
float *nn_params(nn_net *net);
float *nn_grads(nn_net *net);
/* Non-trainable state (batch-norm running mean and variance), saved with the weights. */
size_t nn_buffer_count(const nn_net *net);
float *nn_buffers(nn_net *net);
size_t nn_layer_buffer_offset(const nn_net *net, int layer);
/* Optimizer state (moments), nn_optim_state_count floats; step counter separate. */
size_t nn_optim_state_count(const nn_net *net);
float *nn_optim_state(nn_net *net);
int64_t nn_optim_step_count(const nn_net *net);
void nn_set_optim_step_count(nn_net *net, int64_t t);

/* ---- initialisation ---- */
/* Seeds the init, dropout and shuffle streams and restarts the epoch order (nn_reset_epoch). */
void nn_seed(nn_net *net, uint64_t seed);
/* Initialises one layer's weight or bias. a, b: see nn_init_kind. */
nn_status nn_init_param(nn_net *net, int layer, nn_param_role role, nn_init_kind kind,
                        float a, float b, nn_fan_mode mode, nn_gain nonlinearity);
/* Every layer with the given weight init and torch-default biases; batch-norm gets 1 and 0. */
nn_status nn_init_all(nn_net *net, nn_init_kind kind, float a, float b, nn_fan_mode mode, nn_gain nonlinearity);
/* fan_in/fan_out as torch.nn.init._calculate_fan_in_and_fan_out computes them for the weight. */
nn_status nn_layer_fans(const nn_net *net, int layer, int *fan_in, int *fan_out);
float nn_calculate_gain(nn_gain nonlinearity, float param);

/* ---- loss and optimizer ---- */
/* class_weights: NULL or one weight per class (copied). */
nn_status nn_set_loss(nn_net *net, nn_loss_kind kind, nn_reduction reduction,
                      float label_smoothing, const float *class_weights);
nn_status nn_set_optimizer(nn_net *net, nn_optim_kind kind);
nn_status nn_set_hyper(nn_net *net, nn_hyper which, double value);
double nn_get_hyper(const nn_net *net, nn_hyper which);

/* ---- one step, in pieces (tests, the page's Step button) ---- */
/* x: [batch][in features]; training 1 uses batch statistics and dropout. */
nn_status nn_forward(nn_net *net, const float *x, int batch, int training);
float *nn_output(nn_net *net); /* [batch][out features] of the last forward */
int nn_output_size(const nn_net *net); /* out features per sample */
int nn_input_size(const nn_net *net);
/* Loss of the last forward against integer labels; also fills the output's
 * gradient for nn_backward. correct: number of argmax hits (may be NULL). */
nn_status nn_loss(nn_net *net, const int32_t *labels, int batch, float *loss, int *correct);
void nn_zero_grad(nn_net *net);
nn_status nn_backward(nn_net *net);     /* accumulates into nn_grads */
nn_status nn_optim_step(nn_net *net);   /* refuses NaN/Inf weights afterwards, keeping the old ones */

/* ---- data sets and the training loop ---- */
typedef struct nn_data nn_data;
/* Bytes scaled by `scale` (1/255 for MNIST) or floats as they are. The data
 * set copies nothing: x and y must outlive it (JS allocates them with nn_malloc). */
nn_data *nn_data_create_u8(const uint8_t *x, const uint8_t *labels, size_t count, int features, float scale);
nn_data *nn_data_create_f32(const float *x, const uint8_t *labels, size_t count, int features);
void nn_data_free(nn_data *data);
size_t nn_data_count(const nn_data *data);
/* Copies samples [indices] as floats into out ([n][features]) and labels into out_labels. */
nn_status nn_data_gather(const nn_data *data, const uint32_t *indices, int n, float *out, int32_t *out_labels);

/* The 2-D teaching sets, generated from a seed: x [count][2] floats, labels 0/1 (or 0..classes-1 for spirals). */
typedef enum { NN_SYNTH_XOR = 0, NN_SYNTH_CIRCLES = 1, NN_SYNTH_SPIRALS = 2, NN_SYNTH_GAUSSIANS = 3 } nn_synth_kind;
nn_status nn_synth_generate(nn_synth_kind kind, uint64_t seed, size_t count, float noise, float *x, uint8_t *labels);

/* One training step on the next mini-batch of `data` in the net's epoch order
 * (reshuffled with the shuffle stream at each epoch start when shuffle is set;
 * the last batch of an epoch may be short, as torch's DataLoader). */
typedef struct {
    float loss;
    int correct;
    int batch;          /* samples in this step */
    int64_t epoch;      /* epoch this step belonged to (0-based) */
    int epoch_end;      /* 1 if this step finished the epoch */
} nn_step_result;
nn_status nn_train_step(nn_net *net, const nn_data *data, int batch_size, int shuffle, nn_step_result *result);
/* Restarts the epoch order: the next step starts epoch 0 (reshuffled when shuffling). */
void nn_reset_epoch(nn_net *net);
/* Position in the current epoch, and the permutation itself (nn_epoch_order_count entries;
 * 0 and NULL before the first step, or after nn_reset_epoch). */
size_t nn_epoch_position(const nn_net *net);
const uint32_t *nn_epoch_order(const nn_net *net);
size_t nn_epoch_order_count(const nn_net *net);
/* Epochs completed by nn_train_step since the last nn_reset_epoch. */
int64_t nn_epoch(const nn_net *net);

/* ---- resuming a run (checkpoints) ----
 * A run continues bit for bit from: the parameters, nn_buffers, nn_optim_state and
 * nn_optim_step_count, the random streams below, and the epoch state. */
/* (state, increment) of the init, dropout and shuffle streams. Must match RNG_STATE_WORDS in
 * web/src/engine/core.js (tests/web/engine/checkpoint.test.js checks). */
#define NN_RNG_STATE_WORDS 6
/* Copies the streams into out[NN_RNG_STATE_WORDS]. */
void nn_rng_state(const nn_net *net, uint64_t *out);
/* Restores streams read by nn_rng_state; refuses an even increment (not a PCG32 stream). */
nn_status nn_set_rng_state(nn_net *net, const uint64_t *state);
/* Restores the epoch order (a permutation of 0..count-1, copied), the position in it (below
 * count) and the epoch counter. count 0 (with position 0) means "no order yet": the next step
 * starts an epoch. Refuses anything else without changing the net. */
nn_status nn_set_epoch_state(nn_net *net, const uint32_t *order, size_t count, size_t position, int64_t epoch);

/* Loss and accuracy over a whole data set in eval mode. confusion: NULL or
 * [classes][classes] int32 counts (row = true label), zeroed first.
 * predictions: NULL or one predicted label per sample. */
nn_status nn_evaluate(nn_net *net, const nn_data *data, int batch_size, float *loss, float *accuracy,
                      int32_t *confusion, uint8_t *predictions);
/* Softmax probabilities (or raw outputs for MSE) for n samples, eval mode. */
nn_status nn_predict(nn_net *net, const float *x, int n, float *probs);

/* ---- statistics for the page ---- */
/* Counts of x in `bins` equal bins over [lo, hi] (values outside are clamped
 * to the end bins; counts may be NULL, or bins 0, to skip them); also writes min, max, mean,
 * std into stats[4] (may be NULL to skip them). Each output asked for costs one pass over x. */
void nn_histogram(const float *x, size_t n, int bins, float lo, float hi, uint32_t *counts, float *stats);
/* L2 norm of a vector. */
float nn_l2_norm(const float *x, size_t n);
/* Activations of a layer's output from the last forward ([batch][features]). */
float *nn_layer_output(nn_net *net, int layer);
/* The gradient reaching a layer's output in the last backward. */
float *nn_layer_output_grad(nn_net *net, int layer);

/* ---- files ---- */
/* IDX (MNIST) parsing: validates magic, dims and size. On success *data
 * points into buf (no copy) and dims[0..ndims) are filled (at most 4). */
nn_status nn_idx_parse(const uint8_t *buf, size_t len, int *ndims, uint32_t *dims, const uint8_t **data);

/* ---- the optimizer lab: a point on a 2-D loss surface ---- */
/* A built network whose parameters are a bare vector of n floats (one bias-free dense layer
 * 1 -> n, zeros): nn_params, nn_grads, nn_set_optimizer, nn_set_hyper, nn_optim_state and
 * nn_optim_step work on it as on any net, with the same update rules. Free with nn_net_free. */
nn_net *nn_vector_net_create(size_t n);

/* Must match web/src/engine/enums.js. */
typedef enum {
    NN_SURFACE_SADDLE = 0,     /* a x^2 - y^2 */
    NN_SURFACE_RAVINE = 1,     /* (a x^2 + condition y^2) / 2 */
    NN_SURFACE_ROSENBROCK = 2, /* (1 - x)^2 + 100 (y - x^2)^2 */
    NN_SURFACE_BEALE = 3,
    NN_SURFACE_HIMMELBLAU = 4, /* four minima */
    NN_SURFACE_SPARSE = 5,     /* (a x^2 + y^2 / 10) / 2, y's gradient only in a share `sparsity` of steps */
    NN_SURFACE_KIND_COUNT = 6
} nn_surface_kind;

typedef struct nn_surface nn_surface;
/* a = scale_x multiplies the x term of the saddle, ravine and sparse surfaces (1: as written);
 * noise: the std of Gaussian noise added to each gradient coordinate; the noise and the sparse
 * mask come from the core's PCG32 seeded with `seed`. NULL + last error on a bad value. */
nn_surface *nn_surface_create(nn_surface_kind kind, double condition, double scale_x, double noise, double sparsity,
                              uint64_t seed);
void nn_surface_free(nn_surface *s);
/* The loss at (x, y), exact (no noise). */
double nn_surface_value(const nn_surface *s, double x, double y);
/* Sets the gradient of a 2-vector net (nn_vector_net_create(2)) at its parameters, with the
 * noise and the sparse mask of the next step; *loss (may be NULL) is the exact loss there. */
nn_status nn_surface_gradient(nn_surface *s, nn_net *net, double *loss);
/* The loss on a width x height grid over [x0, x1] x [y0, y1] into out [height][width] (row 0 at y1). */
nn_status nn_surface_grid(const nn_surface *s, double x0, double x1, double y0, double y1, int width, int height,
                          float *out);

#ifdef __cplusplus
}
#endif
#endif
