/* simd.h: the only file that includes wasm_simd128.h. A handful of 4-lane
 * float operations, mapped to WebAssembly SIMD in the wasm build and to plain
 * C (a struct of four floats, same lane order, same IEEE operations) elsewhere,
 * so kernels written once give bit-identical sums in both builds.
 * No fused multiply-add anywhere: simd128 has none, and the native build is
 * compiled with -ffp-contract=off so gcc does not invent one. */
#ifndef NN_SIMD_H
#define NN_SIMD_H

#include <stddef.h>
#include <stdint.h>

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
/* -a: flips the sign bit, as scalar negation does (0 - a would turn +0 into +0, not -0). */
static inline f32x4 f32x4_neg(f32x4 a) { return wasm_f32x4_neg(a); }
/* a > b ? x : y, lane-wise (false for NaN, as the C comparison). */
static inline f32x4 f32x4_select_gt(f32x4 a, f32x4 b, f32x4 x, f32x4 y) {
    return wasm_v128_bitselect(x, y, wasm_f32x4_gt(a, b));
}
/* Lanes 0, 2 of a then 0, 2 of b / lanes 1, 3 of a then 1, 3 of b: the even and odd columns of 8 floats. */
static inline f32x4 f32x4_even(f32x4 a, f32x4 b) { return wasm_i32x4_shuffle(a, b, 0, 2, 4, 6); }
static inline f32x4 f32x4_odd(f32x4 a, f32x4 b) { return wasm_i32x4_shuffle(a, b, 1, 3, 5, 7); }
/* One step of a running argmax in scan order, lane-wise: v takes over when v > best or v is NaN
 * (so the first maximum wins ties and a NaN, once seen, stays unless a later NaN replaces it). */
static inline void f32x4_argmax_step(f32x4 *best, f32x4 *best_at, f32x4 v, f32x4 v_at) {
    v128_t take = wasm_v128_or(wasm_f32x4_gt(v, *best), wasm_f32x4_ne(v, v));
    *best = wasm_v128_bitselect(v, *best, take);
    *best_at = wasm_v128_bitselect(v_at, *best_at, take);
}
/* Lanes holding whole numbers below 2^24, stored as int32. */
static inline void f32x4_store_i32(int32_t *p, f32x4 v) { wasm_v128_store(p, wasm_i32x4_trunc_sat_f32x4(v)); }
/* The first n floats at p (none if n <= 0, four if n >= 4) in the low lanes, zeros above;
 * nothing past p + n is read. */
static inline f32x4 f32x4_load_first(const float *p, int n) {
    f32x4 r = wasm_f32x4_splat(0.0f);
    if (n >= 4) return wasm_v128_load(p);
    switch (n) {
    case 3: r = wasm_f32x4_replace_lane(r, 2, p[2]); /* fall through */
    case 2: r = wasm_f32x4_replace_lane(r, 1, p[1]); /* fall through */
    case 1: r = wasm_f32x4_replace_lane(r, 0, p[0]); /* fall through */
    default: return r;
    }
}
/* Stores the first n lanes of v at p (none if n <= 0, four if n >= 4); nothing past p + n is written. */
static inline void f32x4_store_first(float *p, f32x4 v, int n) {
    if (n >= 4) {
        wasm_v128_store(p, v);
        return;
    }
    switch (n) {
    case 3: p[2] = wasm_f32x4_extract_lane(v, 2); /* fall through */
    case 2: p[1] = wasm_f32x4_extract_lane(v, 1); /* fall through */
    case 1: p[0] = wasm_f32x4_extract_lane(v, 0); /* fall through */
    default: return;
    }
}
/* In place: lane j of row i goes to lane i of row j. Moves bits, computes nothing. */
static inline void f32x4_transpose(f32x4 *r0, f32x4 *r1, f32x4 *r2, f32x4 *r3) {
    f32x4 t0 = wasm_i32x4_shuffle(*r0, *r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(*r0, *r1, 2, 6, 3, 7);
    f32x4 t2 = wasm_i32x4_shuffle(*r2, *r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(*r2, *r3, 2, 6, 3, 7);
    *r0 = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
    *r1 = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
    *r2 = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
    *r3 = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}
/* o[i] = (float)src[i] * scale for i < n, 16 bytes a time. A byte b becomes a float exactly as
 * (bits of 2^23 | b) - 2^23: this LLVM turns the integer-to-float conversion of extended bytes into
 * 16 scalar conversions (4x slower than the loop it replaced), and the subtraction is exact. */
static inline f32x4 f32x4_from_u32_small(v128_t u) { /* lanes below 2^23 */
    return wasm_f32x4_sub(wasm_v128_or(u, wasm_i32x4_splat(0x4B000000)), wasm_f32x4_splat(8388608.0f));
}
static inline void f32_from_u8_scaled(float *o, const uint8_t *src, size_t n, float scale) {
    const f32x4 s = wasm_f32x4_splat(scale);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        v128_t b = wasm_v128_load(src + i), lo = wasm_u16x8_extend_low_u8x16(b), hi = wasm_u16x8_extend_high_u8x16(b);
        wasm_v128_store(o + i, wasm_f32x4_mul(f32x4_from_u32_small(wasm_u32x4_extend_low_u16x8(lo)), s));
        wasm_v128_store(o + i + 4, wasm_f32x4_mul(f32x4_from_u32_small(wasm_u32x4_extend_high_u16x8(lo)), s));
        wasm_v128_store(o + i + 8, wasm_f32x4_mul(f32x4_from_u32_small(wasm_u32x4_extend_low_u16x8(hi)), s));
        wasm_v128_store(o + i + 12, wasm_f32x4_mul(f32x4_from_u32_small(wasm_u32x4_extend_high_u16x8(hi)), s));
    }
    for (; i < n; i++) o[i] = (float)src[i] * scale;
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
static inline f32x4 f32x4_neg(f32x4 a) { for (int i = 0; i < 4; i++) a.v[i] = -a.v[i]; return a; }
static inline f32x4 f32x4_select_gt(f32x4 a, f32x4 b, f32x4 x, f32x4 y) {
    for (int i = 0; i < 4; i++) x.v[i] = a.v[i] > b.v[i] ? x.v[i] : y.v[i];
    return x;
}
static inline f32x4 f32x4_even(f32x4 a, f32x4 b) { f32x4 r = {{a.v[0], a.v[2], b.v[0], b.v[2]}}; return r; }
static inline f32x4 f32x4_odd(f32x4 a, f32x4 b) { f32x4 r = {{a.v[1], a.v[3], b.v[1], b.v[3]}}; return r; }
static inline void f32x4_argmax_step(f32x4 *best, f32x4 *best_at, f32x4 v, f32x4 v_at) {
    for (int i = 0; i < 4; i++)
        if (v.v[i] > best->v[i] || v.v[i] != v.v[i]) {
            best->v[i] = v.v[i];
            best_at->v[i] = v_at.v[i];
        }
}
static inline void f32x4_store_i32(int32_t *p, f32x4 v) { for (int i = 0; i < 4; i++) p[i] = (int32_t)v.v[i]; }
static inline f32x4 f32x4_load_first(const float *p, int n) {
    if (n >= 4) return f32x4_load(p);
    f32x4 r = {{0.0f, 0.0f, 0.0f, 0.0f}};
    for (int i = 0; i < n && i < 4; i++) r.v[i] = p[i];
    return r;
}
static inline void f32x4_store_first(float *p, f32x4 v, int n) {
    if (n >= 4) {
        f32x4_store(p, v);
        return;
    }
    for (int i = 0; i < n; i++) p[i] = v.v[i];
}
static inline void f32x4_transpose(f32x4 *r0, f32x4 *r1, f32x4 *r2, f32x4 *r3) {
    f32x4 in[4] = {*r0, *r1, *r2, *r3}, out[4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) out[j].v[i] = in[i].v[j];
    *r0 = out[0]; *r1 = out[1]; *r2 = out[2]; *r3 = out[3];
}
static inline void f32_from_u8_scaled(float *o, const uint8_t *src, size_t n, float scale) {
    for (size_t i = 0; i < n; i++) o[i] = (float)src[i] * scale;
}
#define NN_SIMD_NAME "scalar"

#endif

/* dst[0..n) = src[0..n) for short rows (a block's edge, an image row, a bias): inline, where a
 * memcpy call costs more than the copy (and this emscripten hands copies of 512 bytes and more to
 * JavaScript). */
static inline void f32_copy_short(float *dst, const float *src, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) f32x4_store(dst + i, f32x4_load(src + i));
    for (; i < n; i++) dst[i] = src[i];
}
#endif
