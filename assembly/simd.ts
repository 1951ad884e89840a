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
