// The largest magnitude in a flat buffer, in one SIMD pass: what fit uses to decide that
// every parameter after an update is finite (and how large the gradient is).
//
// Layout: X is a flat array of n elements of T, n a multiple of the lane count (every
// padded buffer is), 16-byte aligned. Contract: returns max |x_i| as f64; NaN if any
// element is NaN (wasm's min/max propagate NaN), Infinity if any is ±Infinity; 0 for n = 0.
import { lanes } from './simd';

export function maxAbs<T>(X: usize, n: i32): f64 {
  const L = lanes<T>();
  let m0 = v128.splat<T>(<T>0),
    m1 = m0;
  let i = 0;
  // two accumulators, so that consecutive maxima do not wait on each other
  for (; i + 2 * L <= n; i += 2 * L) {
    const o = <usize>i * sizeof<T>();
    m0 = v128.max<T>(m0, v128.abs<T>(v128.load(X + o)));
    m1 = v128.max<T>(m1, v128.abs<T>(v128.load(X + o + 16)));
  }
  if (i < n) m0 = v128.max<T>(m0, v128.abs<T>(v128.load(X + <usize>i * sizeof<T>())));
  const m = v128.max<T>(m0, m1);
  if (sizeof<T>() === 4) {
    return <f64>max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  }
  return max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
}
