/* fuzz_idx.c: nn_idx_parse on arbitrary bytes (the MNIST files come over the network). It must
 * accept exactly the well-formed IDX files, point into the buffer it was given, and never read
 * past it (AddressSanitizer watches the exact-size buffer libFuzzer passes). */
#include <stdio.h>
#include <stdlib.h>

#include "nn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int ndims = -1;
    uint32_t dims[4] = {0};
    const uint8_t *values = NULL;
    nn_status st = nn_idx_parse(data, size, &ndims, dims, &values);
    if (st != NN_OK) {
        if (st != NN_ERR_DATA || nn_last_error()[0] == '\0') abort();
        return 0;
    }
    if (ndims < 1 || ndims > 4) abort();
    size_t header = 4 + 4 * (size_t)ndims;
    if (values != data + header) abort();
    uint64_t total = 1;
    for (int i = 0; i < ndims; i++) total *= dims[i];
    if (total != size - header) abort();
    /* Read every value the caller would: ASan reports a byte outside the input. */
    unsigned sum = 0;
    for (uint64_t i = 0; i < total; i++) sum += values[i];
    return (int)(sum & 0);
}
