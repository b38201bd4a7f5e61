/* input.h: reads a fuzzer's bytes as a sequence of typed values (what every harness here
 * shares). Past the end of the input every value is 0, so any prefix is a valid program. */
#ifndef NN_FUZZ_INPUT_H
#define NN_FUZZ_INPUT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size, at;
} fuzz_input;

static inline uint8_t take_u8(fuzz_input *in) { return in->at < in->size ? in->data[in->at++] : 0; }

static inline uint32_t take_u32(fuzz_input *in) {
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) x |= (uint32_t)take_u8(in) << (8 * i);
    return x;
}

static inline uint64_t take_u64(fuzz_input *in) {
    uint64_t lo = take_u32(in);
    return lo | (uint64_t)take_u32(in) << 32;
}

/* Any float bit pattern: NaN, infinities, denormals, -0 included. */
static inline float take_float(fuzz_input *in) {
    uint32_t bits = take_u32(in);
    float x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

static inline double take_double(fuzz_input *in) {
    uint64_t bits = take_u64(in);
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* An int that is usually small and sensible (the shapes that build) but sometimes any int32
 * (negative, zero, huge): one selector byte decides. */
static inline int take_size(fuzz_input *in, int usual_max) {
    uint8_t how = take_u8(in);
    if (how < 200) return 1 + (int)(take_u8(in) % (unsigned)usual_max);
    if (how < 230) return (int)(take_u8(in)) - 128;
    return (int)take_u32(in);
}

/* A padding: usually 0 to usual_max - 1, sometimes any int (take_size less one, without the
 * harness itself overflowing when take_size gave INT_MIN). */
static inline int take_padding(fuzz_input *in, int usual_max) {
    int size = take_size(in, usual_max);
    return size == INT_MIN ? INT_MAX : size - 1;
}

/* A float that is usually in [0, 1] and sometimes any bit pattern. */
static inline float take_param(fuzz_input *in) {
    uint8_t how = take_u8(in);
    if (how < 200) return (float)take_u8(in) / 255.0f;
    return take_float(in);
}

#endif
