// Helpers shared by every kernel: the lane count of a v128 for the element type T
// (4 for f32, 2 for f64) and a multiply-add that becomes a fused FMA in the
// relaxed-SIMD build and a separate mul + add in the portable build.

// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return 16 / <i32>sizeof<T>();
}

// a * b + c, per lane.
// @ts-ignore: decorator
@inline export function vfma<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

// @ts-ignore: decorator
@inline export function vsplat<T>(x: f64): v128 {
  return v128.splat<T>(<T>x);
}

// The L×L block at src (rows ss bytes apart) transposed into dst (rows ds bytes apart):
// 4×4 for f32, 2×2 for f64, in registers.
// @ts-ignore: decorator
@inline export function transposeBlock<T>(src: usize, ss: usize, dst: usize, ds: usize): void {
  const a0 = v128.load(src), a1 = v128.load(src + ss);
  if (sizeof<T>() == 4) {
    const a2 = v128.load(src + 2 * ss), a3 = v128.load(src + 3 * ss);
    const t0 = v128.shuffle<i32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(a0, a1, 2, 6, 3, 7);
    const t2 = v128.shuffle<i32>(a2, a3, 0, 4, 1, 5), t3 = v128.shuffle<i32>(a2, a3, 2, 6, 3, 7);
    v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
    v128.store(dst + ds, v128.shuffle<i64>(t0, t2, 1, 3));
    v128.store(dst + 2 * ds, v128.shuffle<i64>(t1, t3, 0, 2));
    v128.store(dst + 3 * ds, v128.shuffle<i64>(t1, t3, 1, 3));
  } else {
    v128.store(dst, v128.shuffle<i64>(a0, a1, 0, 2));
    v128.store(dst + ds, v128.shuffle<i64>(a0, a1, 1, 3));
  }
}
