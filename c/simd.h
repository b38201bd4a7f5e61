/* simd.h: the only file that includes wasm_simd128.h. A handful of 4-lane
 * float operations, mapped to WebAssembly SIMD in the wasm build and to plain
 * C (a struct of four floats, same lane order, same IEEE operations) elsewhere,
 * so kernels written once give bit-identical sums in both builds.
 * No fused multiply-add anywhere: simd128 has none, and the native build is
 * compiled with -ffp-contract=off so gcc does not invent one. */
#ifndef NN_SIMD_H
#define NN_SIMD_H

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

typedef v128_t f32x4;
static inline f32x4 f32x4_load(const float *p) { return wasm_v128_load(p); }
static inline void f32x4_store(float *p, f32x4 v) { wasm_v128_store(p, v); }
static inline f32x4 f32x4_splat(float x) { return wasm_f32x4_splat(x); }
static inline f32x4 f32x4_add(f32x4 a, f32x4 b) { return wasm_f32x4_add(a, b); }
static inline f32x4 f32x4_sub(f32x4 a, f32x4 b) { return wasm_f32x4_sub(a, b); }
static inline f32x4 f32x4_mul(f32x4 a, f32x4 b) { return wasm_f32x4_mul(a, b); }
static inline f32x4 f32x4_div(f32x4 a, f32x4 b) { return wasm_f32x4_div(a, b); }
static inline f32x4 f32x4_sqrt(f32x4 a) { return wasm_f32x4_sqrt(a); }
/* b < a ? a : b, lane-wise (wasm pmax): NaN in a is dropped, as x > 0 ? x : 0 would. */
static inline f32x4 f32x4_pmax(f32x4 a, f32x4 b) { return wasm_f32x4_pmax(a, b); }
static inline float f32x4_lane(f32x4 v, int i) {
    float t[4];
    wasm_v128_store(t, v);
    return t[i];
}
#define NN_SIMD_NAME "wasm-simd128"

#else

typedef struct { float v[4]; } f32x4;
static inline f32x4 f32x4_load(const float *p) { f32x4 r; for (int i = 0; i < 4; i++) r.v[i] = p[i]; return r; }
static inline void f32x4_store(float *p, f32x4 a) { for (int i = 0; i < 4; i++) p[i] = a.v[i]; }
static inline f32x4 f32x4_splat(float x) { f32x4 r; for (int i = 0; i < 4; i++) r.v[i] = x; return r; }
static inline f32x4 f32x4_add(f32x4 a, f32x4 b) { for (int i = 0; i < 4; i++) a.v[i] += b.v[i]; return a; }
static inline f32x4 f32x4_sub(f32x4 a, f32x4 b) { for (int i = 0; i < 4; i++) a.v[i] -= b.v[i]; return a; }
static inline f32x4 f32x4_mul(f32x4 a, f32x4 b) { for (int i = 0; i < 4; i++) a.v[i] *= b.v[i]; return a; }
static inline f32x4 f32x4_div(f32x4 a, f32x4 b) { for (int i = 0; i < 4; i++) a.v[i] /= b.v[i]; return a; }
static inline f32x4 f32x4_sqrt(f32x4 a);
static inline f32x4 f32x4_pmax(f32x4 a, f32x4 b) { for (int i = 0; i < 4; i++) a.v[i] = b.v[i] < a.v[i] ? a.v[i] : b.v[i]; return a; }
static inline float f32x4_lane(f32x4 v, int i) { return v.v[i]; }
#include <math.h>
static inline f32x4 f32x4_sqrt(f32x4 a) { for (int i = 0; i < 4; i++) a.v[i] = sqrtf(a.v[i]); return a; }
#define NN_SIMD_NAME "scalar"

#endif
#endif
