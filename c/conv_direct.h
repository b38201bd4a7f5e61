/* conv_direct.h: stride-1 convolution kernels that read a zero-padded image in place, with no
 * im2col matrix: forward (and, with flipped weights, the input gradient) and the weight gradient.
 *
 * Sum orders, fixed whatever the blocking (so native and wasm give the same bits):
 *  - nn_conv_direct: each output starts from its current value and adds its taps in increasing
 *    (channel, ky, kx), one at a time: the order nn_gemm_nn gives on an im2col matrix, so the
 *    forward is bit-identical to im2col + GEMM.
 *  - nn_conv_direct_dw: each weight-gradient element starts from its current value and adds the
 *    output positions in increasing (oy, ox), as nn_gemm_nt on an im2col matrix does. */
#ifndef NN_CONV_DIRECT_H
#define NN_CONV_DIRECT_H

#include <stddef.h>

/* Floats read past the end of a padded image (a row's last block of 16 lanes may run over the
 * row by up to 15); nn_conv_pad zeroes them, and buffers must leave room for them. */
#define NN_CONV_SLACK 16

/* Floats of one padded image [C][H + 2 pad][W + 2 pad] plus the slack. */
size_t nn_conv_padded_size(int C, int H, int W, int pad);

/* x [C][H][W] -> xp [C][H + 2 pad][W + 2 pad] with zero borders, then NN_CONV_SLACK zeros.
 * borders_ready: xp already holds zero borders and slack from an earlier call of the same shape
 * (the next sample of a batch), so only the interior is copied. */
void nn_conv_pad(const float *x, int C, int H, int W, int pad, float *xp, int borders_ready);

/* out [OC][Hp - k + 1][Wp - k + 1] += w [OC][C][k][k] (*) xp [C][Hp][Wp] (plus slack), stride 1.
 * set: out is overwritten, each value starting from bias[oc] (0 when bias is NULL) instead of
 * from what out held: the same bits as setting out to the bias first, without that pass. */
void nn_conv_direct(int OC, int C, int k, const float *w, const float *xp, int Hp, int Wp, float *out, int set,
                    const float *bias);

/* dwT [C*k*k][ldw] += xp [C][Hp][Wp] (*) dyT [OH*OW][ldw], where OH = Hp - k + 1, OW = Wp - k + 1:
 * dwT[(c*k + ky)*k + kx][o] += sum over (oy, ox) of xp[c][oy + ky][ox + kx] * dyT[oy*OW + ox][o].
 * ldw, the width of both transposed matrices, is a multiple of 8, zero-padded past the real
 * channels (the padded columns of dwT receive zeros times inputs and are not read). */
void nn_conv_direct_dw(int C, int k, const float *xp, int Hp, int Wp, const float *dyT, int ldw, float *dwT);

/* The rows [t0, t1) of nn_conv_direct_dw's dwT alone, tap = (c*k + ky)*k + kx counting c from
 * xp's first channel: each element's sum is the same, so threads may split the taps. */
void nn_conv_direct_dw_taps(int t0, int t1, int k, const float *xp, int Hp, int Wp, const float *dyT, int ldw,
                            float *dwT);

/* Shape: a [rows][lda] -> at [cols][ldt]: at[j][i] = a[i][j] for j < cols, and columns
 * rows..ldt-1 of at zeroed. */
void nn_transpose_pad(const float *a, int rows, int cols, size_t lda, float *at, size_t ldt);

#endif
