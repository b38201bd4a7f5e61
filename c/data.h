/* data.h: internal to the core: what the training loop asks of a data set besides nn.h's calls. */
#ifndef NN_DATA_H
#define NN_DATA_H

#include "nn.h"

/* Features per sample (0 for NULL). */
int nn_data_features(const nn_data *data);

#endif
