// Vectorised transcendental functions on v128 lanes of T (f32x4 or f64x2).
//
// exp: Cody–Waite reduction x = n·ln2 + r with |r| ≤ ln2/2, 2^n built in the exponent
// bits (n is read off the mantissa of x·log2e + 1.5·2^p, which rounds to nearest),
// then a minimax polynomial (f32, Cephes expf) or the Padé form (f64, Cephes exp) for
// e^r. Arguments are clamped to the range where 2^n is a normal number, so the result
// is finite and never a denormal-scaled surprise. Relative error: about 1 ulp.
//
// expm1 from the same pieces: with e^x = 2^n (1 + q), q = e^r - 1 from the polynomial
// without adding 1, e^x - 1 = 2^n q + (2^n - 1). No cancellation: for n = 0 it is q
// itself, and for n != 0, |e^x - 1| > 0.29. tanh needs both e and e - 1 (see
// activations.ts), so the pieces are exported: vexpArgument, vexpm1Reduced, vpow2.
//
// Constants are loaded from a table rather than splatted: V8 on x64 builds a v128
// constant from two 64-bit immediates at every use in a loop (four instructions), a
// load is one; the exponential's 16 constants were a sixth of the tanh kernel's time.
import { vfma } from './simd';

// The constants, each repeated across a v128 (f32: 4 lanes, f64: 2), at 16-byte offsets.
// biome-ignore format: a table of vector lanes, one constant a row
const F32 = memory.data<f32>([
  -87.3, -87.3, -87.3, -87.3, 88.0, 88.0, 88.0, 88.0,                        // 0, 16: clamp
  12582912.0, 12582912.0, 12582912.0, 12582912.0,                            // 32: 1.5·2^23
  1.4426950408889634, 1.4426950408889634, 1.4426950408889634, 1.4426950408889634, // 48: log2 e
  0.693359375, 0.693359375, 0.693359375, 0.693359375,                        // 64: ln2 high
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,            // 80: ln2 low
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,        // 96: P
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,        // 176
], 16);
// biome-ignore format: a table of vector lanes, one constant a row
const F64 = memory.data<f64>([
  -708.0, -708.0, 709.0, 709.0,                                              // 0, 16: clamp
  6755399441055744.0, 6755399441055744.0,                                    // 32: 1.5·2^52
  1.4426950408889634, 1.4426950408889634,                                    // 48: log2 e
  6.93145751953125e-1, 6.93145751953125e-1,                                  // 64: ln2 high
  1.42860682030941723212e-6, 1.42860682030941723212e-6,                      // 80: ln2 low
  1.26177193074810590878e-4, 1.26177193074810590878e-4,                      // 96: P
  3.02994407707441961300e-2, 3.02994407707441961300e-2,
  9.99999999999999999910e-1, 9.99999999999999999910e-1,
  3.00198505138664455042e-6, 3.00198505138664455042e-6,                      // 144: Q
  2.52448340349684104192e-3, 2.52448340349684104192e-3,
  2.27265548208155028766e-1, 2.27265548208155028766e-1,
  2.00000000000000000009e0, 2.00000000000000000009e0,                        // 192
], 16);
const EXPONENT32 = memory.data<i32>([0x4b400000 - 127, 0x4b400000 - 127, 0x4b400000 - 127, 0x4b400000 - 127], 16);
const EXPONENT64 = memory.data<i64>([0x4338000000000000 - 1023, 0x4338000000000000 - 1023], 16);

// @ts-ignore: decorator
@inline function k<T>(offset: usize): v128 {
  return v128.load(sizeof<T>() === 4 ? F32 + offset : F64 + offset);
}

/** x clamped to where 2^n stays a normal number (NaN passes through) */
// @ts-ignore: decorator
@inline export function vexpClamp<T>(x: v128): v128 {
  return v128.pmin<T>(v128.pmax<T>(x, k<T>(0)), k<T>(16));
}

/** x·log2 e + 1.5·2^p for a clamped x: its low mantissa bits hold n = round(x log2 e) */
// @ts-ignore: decorator
@inline export function vexpArgument<T>(x: v128): v128 {
  return vfma<T>(x, k<T>(48), k<T>(32));
}

/** e^r - 1 for the reduced r = x - n ln2 (x clamped; t from vexpArgument) */
// @ts-ignore: decorator
@inline export function vexpm1Reduced<T>(x: v128, t: v128): v128 {
  const n = v128.sub<T>(t, k<T>(32));
  let r = v128.sub<T>(x, v128.mul<T>(n, k<T>(64)));
  if (sizeof<T>() === 4) {
    r = v128.sub<T>(r, v128.mul<T>(n, k<T>(80)));
    let p = k<T>(96);
    p = vfma<T>(p, r, k<T>(112));
    p = vfma<T>(p, r, k<T>(128));
    p = vfma<T>(p, r, k<T>(144));
    p = vfma<T>(p, r, k<T>(160));
    p = vfma<T>(p, r, k<T>(176));
    return vfma<T>(p, v128.mul<T>(r, r), r);
  }
  r = v128.sub<T>(r, v128.mul<T>(n, k<T>(80)));
  const xx = v128.mul<T>(r, r);
  let p = k<T>(96);
  p = vfma<T>(p, xx, k<T>(112));
  p = vfma<T>(p, xx, k<T>(128));
  p = v128.mul<T>(p, r);
  let q = k<T>(144);
  q = vfma<T>(q, xx, k<T>(160));
  q = vfma<T>(q, xx, k<T>(176));
  q = vfma<T>(q, xx, k<T>(192));
  // Padé: e^r = 1 + 2p/(q - p)
  return v128.div<T>(v128.add<T>(p, p), v128.sub<T>(q, p));
}

/** 2^n from vexpArgument's result */
// @ts-ignore: decorator
@inline export function vpow2<T>(t: v128): v128 {
  if (sizeof<T>() === 4) return i32x4.shl(i32x4.sub(t, v128.load(EXPONENT32)), 23);
  return i64x2.shl(i64x2.sub(t, v128.load(EXPONENT64)), 52);
}

// @ts-ignore: decorator
@inline export function vexp<T>(x: v128): v128 {
  x = vexpClamp<T>(x);
  const t = vexpArgument<T>(x);
  const s = vpow2<T>(t);
  return vfma<T>(s, vexpm1Reduced<T>(x, t), s);
}
