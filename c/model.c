/* model.c: nn_net_create and nn_build, a network as torch starts one: net.c's bare layer list and
 * arena, then seed 0, cross-entropy, SGD (nn_net_create) and torch's default initialisation of
 * every layer (nn_build). Above init.c, loss.c and optim.c, which net.c must not call. */
#include "layer.h"

nn_net *nn_net_create(int channels, int height, int width) {
    nn_net *net = nn_net_new(channels, height, width);
    if (!net) return NULL;
    nn_seed(net, 0);
    nn_set_loss(net, NN_LOSS_CROSS_ENTROPY, NN_REDUCTION_MEAN, 0.0f, NULL);
    nn_set_optimizer(net, NN_OPTIM_SGD);
    return net;
}

nn_status nn_build(nn_net *net, int max_batch) {
    nn_status st = nn_net_allocate(net, max_batch);
    if (st != NN_OK) return st;
    return nn_init_all(net, NN_INIT_TORCH_DEFAULT, 0, 0, NN_FAN_IN, NN_GAIN_LEAKY_RELU);
}
