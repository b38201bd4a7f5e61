/* idx.c: the IDX file format of MNIST (big-endian header, unsigned bytes), checked before use. */
#include "error.h"

nn_status nn_idx_parse(const uint8_t *buf, size_t len, int *ndims, uint32_t *dims, const uint8_t **data) {
    if (!buf || len < 4) return nn_fail(NN_ERR_DATA, "IDX file: %zu bytes is too short for a header", len);
    if (buf[0] != 0 || buf[1] != 0)
        return nn_fail(NN_ERR_DATA, "IDX file: bad magic number %02x%02x%02x%02x (not an IDX file, or still gzip'ed)",
                       buf[0], buf[1], buf[2], buf[3]);
    if (buf[2] != 0x08) return nn_fail(NN_ERR_DATA, "IDX file: element type 0x%02x is not unsigned bytes (0x08)", buf[2]);
    int n = buf[3];
    if (n < 1 || n > 4) return nn_fail(NN_ERR_DATA, "IDX file: %d dimensions, expected 1 to 4", n);
    size_t header = 4 + 4 * (size_t)n;
    if (len < header) return nn_fail(NN_ERR_DATA, "IDX file: truncated in its header (%zu bytes)", len);
    uint64_t total = 1;
    for (int i = 0; i < n; i++) {
        const uint8_t *p = buf + 4 + 4 * i;
        dims[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (dims[i] == 0) return nn_fail(NN_ERR_DATA, "IDX file: dimension %d is zero", i);
        total *= dims[i];
        if (total > ((uint64_t)1 << 32))
            return nn_fail(NN_ERR_DATA, "IDX file: dimensions describe more than 4 GB of data");
    }
    if ((uint64_t)(len - header) < total)
        return nn_fail(NN_ERR_DATA, "IDX file: truncated: header promises %llu bytes of data, file has %zu",
                       (unsigned long long)total, len - header);
    if ((uint64_t)(len - header) > total)
        return nn_fail(NN_ERR_DATA, "IDX file: %llu unexpected bytes after the data",
                       (unsigned long long)((uint64_t)(len - header) - total));
    *ndims = n;
    *data = buf + header;
    return NN_OK;
}
