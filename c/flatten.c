/* flatten.c: (C, H, W) -> (C*H*W, 1, 1), torch.nn.Flatten; the values keep their order. */
#include <string.h>

#include "layer.h"

static nn_status flatten_shape(nn_layer *l, int index) {
    (void)index;
    l->out_c = l->in_c * l->in_h * l->in_w;
    l->out_h = l->out_w = 1;
    return NN_OK;
}

static void flatten_forward(nn_net *net, nn_layer *l, const float *inp, int B, int training) {
    (void)net; (void)training;
    if (l->out != inp) memcpy(l->out, inp, (size_t)B * nn_out_size(l) * sizeof(float)); /* net.c points out at inp */
}

static void flatten_backward(nn_net *net, nn_layer *l, const float *inp, float *dinp, int B) {
    (void)inp;
    if (!dinp) return;
    size_t n = (size_t)B * nn_out_size(l);
    if (net->backward_writes)
        for (size_t i = 0; i < n; i++) dinp[i] = 0.0f + l->dout[i];
    else
        for (size_t i = 0; i < n; i++) dinp[i] += l->dout[i];
}

const nn_layer_ops nn_flatten_ops = {"flatten", flatten_shape, NULL, NULL, flatten_forward, flatten_backward, 1};
