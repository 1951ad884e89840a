// Vectorised transcendental functions on v128 lanes of T (f32x4 or f64x2).
//
// exp: Cody–Waite reduction x = n·ln2 + r with |r| ≤ ln2/2, 2^n built in the exponent
// bits (n is read off the mantissa of x·log2e + 1.5·2^p, which rounds to nearest),
// then a minimax polynomial (f32, Cephes expf) or the Padé form (f64, Cephes exp) for
// e^r. Arguments are clamped to the range where 2^n is a normal number, so the result
// is finite and never a denormal-scaled surprise. Relative error: about 1 ulp.
//
// tanh: the small-argument part, a rational (f64) or polynomial (f32) approximation for
// |x| < 0.625 where (1 - e^{-2|x|})/(1 + e^{-2|x|}) would cancel (Cephes tanh/tanhf);
// the activation kernel forms the other branch from the exponential it needs anyway.
import { vfma, vsplat } from './simd';

// @ts-ignore: decorator
@inline export function vexp<T>(x: v128): v128 {
  if (sizeof<T>() == 4) {
    x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.0));
    const magic = f32x4.splat(12582912.0); // 1.5 * 2^23
    const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.4426950408889634)), magic);
    const n = f32x4.sub(t, magic);
    let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
    r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
    const z = f32x4.mul(r, r);
    let p = f32x4.splat(1.9875691500e-4);
    p = vfma<f32>(p, r, f32x4.splat(1.3981999507e-3));
    p = vfma<f32>(p, r, f32x4.splat(8.3334519073e-3));
    p = vfma<f32>(p, r, f32x4.splat(4.1665795894e-2));
    p = vfma<f32>(p, r, f32x4.splat(1.6666665459e-1));
    p = vfma<f32>(p, r, f32x4.splat(5.0000001201e-1));
    const e = f32x4.add(vfma<f32>(p, z, r), f32x4.splat(1.0));
    const scale = i32x4.shl(i32x4.add(i32x4.sub(t, i32x4.splat(0x4B400000)), i32x4.splat(127)), 23);
    return f32x4.mul(e, scale);
  } else {
    x = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-708.0)), f64x2.splat(709.0));
    const magic = f64x2.splat(6755399441055744.0); // 1.5 * 2^52
    const t = f64x2.add(f64x2.mul(x, f64x2.splat(1.4426950408889634)), magic);
    const n = f64x2.sub(t, magic);
    let r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(6.93145751953125e-1)));
    r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(1.42860682030941723212e-6)));
    const xx = f64x2.mul(r, r);
    let p = f64x2.splat(1.26177193074810590878e-4);
    p = vfma<f64>(p, xx, f64x2.splat(3.02994407707441961300e-2));
    p = vfma<f64>(p, xx, f64x2.splat(9.99999999999999999910e-1));
    p = f64x2.mul(p, r);
    let q = f64x2.splat(3.00198505138664455042e-6);
    q = vfma<f64>(q, xx, f64x2.splat(2.52448340349684104192e-3));
    q = vfma<f64>(q, xx, f64x2.splat(2.27265548208155028766e-1));
    q = vfma<f64>(q, xx, f64x2.splat(2.00000000000000000009e0));
    const e = f64x2.add(f64x2.splat(1.0), f64x2.mul(f64x2.splat(2.0), f64x2.div(p, f64x2.sub(q, p))));
    const scale = i64x2.shl(i64x2.add(i64x2.sub(t, i64x2.splat(0x4338000000000000)), i64x2.splat(1023)), 52);
    return f64x2.mul(e, scale);
  }
}

// tanh for |x| < 0.625 (valid there only): x + x·z·P(z)/Q(z), z = x².
// @ts-ignore: decorator
@inline export function vtanhSmall<T>(x: v128): v128 {
  const z = v128.mul<T>(x, x);
  if (sizeof<T>() == 4) {
    let p = f32x4.splat(-5.70498872745e-3);
    p = vfma<f32>(p, z, f32x4.splat(2.06390887954e-2));
    p = vfma<f32>(p, z, f32x4.splat(-5.37397155531e-2));
    p = vfma<f32>(p, z, f32x4.splat(1.33314422036e-1));
    p = vfma<f32>(p, z, f32x4.splat(-3.33332819422e-1));
    return vfma<f32>(f32x4.mul(p, z), x, x);
  }
  let p = f64x2.splat(-9.64399179425052238628e-1);
  p = vfma<f64>(p, z, f64x2.splat(-9.92877231001918586564e1));
  p = vfma<f64>(p, z, f64x2.splat(-1.61468768441708447952e3));
  let q = f64x2.add(z, f64x2.splat(1.12811678491632931402e2));
  q = vfma<f64>(q, z, f64x2.splat(2.23548839060100448583e3));
  q = vfma<f64>(q, z, f64x2.splat(4.84406305325125486048e3));
  return vfma<f64>(f64x2.mul(z, f64x2.div(p, q)), x, x);
}
