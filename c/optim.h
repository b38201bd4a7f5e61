/* optim.h: internal to the core and its tests: the scalar reference of the optimizer update. */
#ifndef NN_OPTIM_H
#define NN_OPTIM_H

#include "layer.h"

/* One update of step t (1-based) by o's rule, one float at a time: p [n] and state [3][n] change
 * in place from g [n]. nn_optim_step's vector rules must give the same bits. */
void nn_optim_update_ref(const nn_optim *o, int64_t t, float *p, const float *g, float *state, size_t n);

#endif
