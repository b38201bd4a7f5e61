/* im2col.h: unfolding one image into convolution columns, and folding column gradients back. */
#ifndef NN_IM2COL_H
#define NN_IM2COL_H

/* Both work on one sample. A column row is one (channel, ky, kx) tap, a
 * column is one output position, so a convolution becomes
 * out[units][out_h*out_w] += weight[units][C*k*k] * col[C*k*k][out_h*out_w].
 * Taps that fall into the zero padding read as 0 (im2col) and are dropped
 * (col2im). */

/* inp [C][H][W] -> col [C*k*k][out_h*out_w] (overwritten) */
void nn_im2col(const float *inp, int C, int H, int W, int kernel, int stride, int padding, int out_h, int out_w,
               float *col);

/* dinp [C][H][W] += fold(dcol [C*k*k][out_h*out_w]); each dinp element
 * receives its taps in increasing row order, so the sum order is fixed. */
void nn_col2im_add(const float *dcol, int C, int H, int W, int kernel, int stride, int padding, int out_h,
                   int out_w, float *dinp);

#endif
