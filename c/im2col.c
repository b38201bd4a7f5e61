/* im2col.c: the im2col / col2im pair behind conv2d (see im2col.h). */
#include "im2col.h"

#include <stdint.h>
#include <string.h>

#include "simd.h"

/* Output positions o in [*lo, *hi) whose input index o*stride - padding + tap
 * lies inside [0, size); the rest read padding. Computing the range once per
 * tap keeps the bounds test out of the inner loops. */
static void valid_range(int size, int out_size, int stride, int padding, int tap, int *lo, int *hi) {
    /* In 64 bits: the shape check bounds the padded size, not padding + stride, and both may be
     * near 2^31 (found by tests/fuzz/fuzz_net.c). */
    int64_t first = (int64_t)padding - tap; /* smallest o*stride that lands on index 0 */
    int64_t l = first <= 0 ? 0 : (first + stride - 1) / stride;
    /* largest o with o*stride - padding + tap <= size - 1 */
    int64_t last_num = (int64_t)size - 1 + padding - tap;
    int64_t h = last_num < 0 ? 0 : last_num / stride + 1;
    if (h > out_size) h = out_size;
    if (l > h) l = h;
    *lo = (int)l;
    *hi = (int)h;
}

/* inp [C][H][W], col [C*k*k][out_h*out_w] */
void nn_im2col(const float *inp, int C, int H, int W, int kernel, int stride, int padding, int out_h, int out_w,
               float *col) {
    size_t out_hw = (size_t)out_h * out_w;
    for (int c = 0; c < C; c++) {
        const float *plane = inp + (size_t)c * H * W;
        for (int ky = 0; ky < kernel; ky++) {
            int ylo, yhi;
            valid_range(H, out_h, stride, padding, ky, &ylo, &yhi);
            for (int kx = 0; kx < kernel; kx++) {
                int xlo, xhi;
                valid_range(W, out_w, stride, padding, kx, &xlo, &xhi);
                float *row = col + ((size_t)(c * kernel + ky) * kernel + kx) * out_hw;
                memset(row, 0, (size_t)ylo * out_w * sizeof(float));
                for (int oy = ylo; oy < yhi; oy++) {
                    float *dst = row + (size_t)oy * out_w;
                    const float *src = plane + (size_t)(oy * stride - padding + ky) * W;
                    int shift = kx - padding; /* input column = ox * stride + shift */
                    for (int ox = 0; ox < xlo; ox++) dst[ox] = 0.0f;
                    if (stride == 1) {
                        if (xhi > xlo) memcpy(dst + xlo, src + xlo + shift, (size_t)(xhi - xlo) * sizeof(float));
                    } else {
                        for (int ox = xlo; ox < xhi; ox++) dst[ox] = src[ox * stride + shift];
                    }
                    for (int ox = xhi; ox < out_w; ox++) dst[ox] = 0.0f;
                }
                memset(row + (size_t)yhi * out_w, 0, (size_t)(out_h - yhi) * out_w * sizeof(float));
            }
        }
    }
}

/* dcol [C*k*k][out_h*out_w], dinp [C][H][W] (accumulated) */
void nn_col2im_add(const float *dcol, int C, int H, int W, int kernel, int stride, int padding, int out_h,
                   int out_w, float *dinp) {
    size_t out_hw = (size_t)out_h * out_w;
    for (int c = 0; c < C; c++) {
        float *plane = dinp + (size_t)c * H * W;
        for (int ky = 0; ky < kernel; ky++) {
            int ylo, yhi;
            valid_range(H, out_h, stride, padding, ky, &ylo, &yhi);
            for (int kx = 0; kx < kernel; kx++) {
                int xlo, xhi;
                valid_range(W, out_w, stride, padding, kx, &xlo, &xhi);
                const float *row = dcol + ((size_t)(c * kernel + ky) * kernel + kx) * out_hw;
                for (int oy = ylo; oy < yhi; oy++) {
                    const float *src = row + (size_t)oy * out_w;
                    float *dst = plane + (size_t)(oy * stride - padding + ky) * W;
                    int shift = kx - padding; /* input column = ox * stride + shift */
                    int ox = xlo;
                    if (stride == 1) {
                        /* one add per element either way, so SIMD and scalar agree bit for bit */
                        for (; ox + 4 <= xhi; ox += 4)
                            f32x4_store(dst + ox + shift,
                                        f32x4_add(f32x4_load(dst + ox + shift), f32x4_load(src + ox)));
                        for (; ox < xhi; ox++) dst[ox + shift] += src[ox];
                    } else {
                        for (; ox < xhi; ox++) dst[ox * stride + shift] += src[ox];
                    }
                }
            }
        }
    }
}
