// Activations and their first three derivatives, over a block of n contiguous elements.
//
// activate(act, Z, A, S1, S2, S3, n, order): A = s(Z), and for order ≥ 1, 2, 3 also
// S1 = s'(Z), S2 = s''(Z), S3 = s'''(Z). Layout: plain arrays of n elements of T, n a
// multiple of the lane count (feature dimensions are padded), 16-byte aligned. Unused
// outputs may be null pointers. The jet rules need s^(k) up to the jet order, and the
// backward pass one more.
import { lanes, vfma, vsplat } from './simd';
import { vexp, vexpArgument, vexpClamp, vexpm1Reduced, vpow2 } from './vmath';

import { ACT_IDENTITY, ACT_TANH, ACT_SIN, ACT_SIGMOID, ACT_SOFTPLUS, ACT_SILU, ACT_GELU, ACT_RELU } from '../src/runtime/layout';
export { ACT_IDENTITY, ACT_TANH, ACT_SIN, ACT_SIGMOID, ACT_SOFTPLUS, ACT_SILU, ACT_GELU, ACT_RELU };

// Small constants as loads from a table, not splats: V8 on x64 rebuilds a v128 constant
// at every use in a loop (see vmath.ts).
const C32 = memory.data<f32>([1, 1, 1, 1, -2, -2, -2, -2, 4, 4, 4, 4, 6, 6, 6, 6], 16);
const C64 = memory.data<f64>([1, 1, -2, -2, 4, 4, 6, 6], 16);
const ONE: usize = 0,
  MINUS_TWO: usize = 16,
  FOUR: usize = 32,
  SIX: usize = 48;
// @ts-ignore: decorator
@inline function c<T>(offset: usize): v128 {
  return v128.load(sizeof<T>() === 4 ? C32 + offset : C64 + offset);
}

// @ts-ignore: decorator
@inline function put(p: usize, o: usize, v: v128): void {
  v128.store(p + o, v);
}

// Saturated units have tiny derivatives (1 - t², σ(1 - σ)); computing them by
// subtracting from 1 would leave only rounding noise in float32. So the complement
// 1 - σ(x) = e^{-x}/(1 + e^{-x}) is formed directly from the same exponential.

// tanh from one exponential e = e^{-2|z|} and its e - 1 (same pieces, no cancellation):
// tanh|z| = (1 - e)/(1 + e), sech² z = 4e/(1 + e)². Both stay accurate from z = 0 (where
// 1 - e would cancel if formed by subtraction) to saturated units (where 1 - tanh² would).
function tanhBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const z = v128.load(Z + o);
    const ax = v128.abs<T>(z);
    const x = vexpClamp<T>(v128.mul<T>(ax, c<T>(MINUS_TWO)));
    const t = vexpArgument<T>(x);
    const s = vpow2<T>(t),
      q = vexpm1Reduced<T>(x, t);
    const e = vfma<T>(s, q, s);
    const em = vfma<T>(s, q, v128.sub<T>(s, c<T>(ONE))); // e - 1, exact where it is small
    const d = v128.div<T>(c<T>(ONE), v128.add<T>(c<T>(ONE), e));
    const th = v128.or(v128.mul<T>(v128.neg<T>(em), d), v128.xor(z, ax)); // sign of z
    put(A, o, th);
    if (order >= 1) {
      const s1 = v128.mul<T>(v128.mul<T>(c<T>(FOUR), e), v128.mul<T>(d, d));
      put(S1, o, s1);
      if (order >= 2) {
        put(S2, o, v128.mul<T>(v128.mul<T>(c<T>(MINUS_TWO), th), s1));
        // third derivative: s'(6t² - 2)
        if (order >= 3) put(S3, o, v128.mul<T>(s1, vfma<T>(c<T>(SIX), v128.mul<T>(th, th), c<T>(MINUS_TWO))));
      }
    }
  }
}

function sigmoidBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const L = lanes<T>();
  const one = vsplat<T>(1.0),
    six = vsplat<T>(6.0);
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const e = vexp<T>(v128.neg<T>(v128.load(Z + o)));
    const s = v128.div<T>(one, v128.add<T>(one, e));
    put(A, o, s);
    if (order >= 1) {
      const c = v128.mul<T>(e, s); // 1 - σ
      const s1 = v128.mul<T>(s, c);
      put(S1, o, s1);
      if (order >= 2) {
        put(S2, o, v128.mul<T>(s1, v128.sub<T>(c, s)));
        // third derivative: s'(1 - 6s + 6s²) = s'(1 - 6 s')
        if (order >= 3) put(S3, o, v128.mul<T>(s1, v128.sub<T>(one, v128.mul<T>(six, s1))));
      }
    }
  }
}

// silu(z) = z σ(z); the k-th derivative of z·g is z g^(k) + k g^(k-1).
function siluBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const L = lanes<T>();
  const one = vsplat<T>(1.0),
    two = vsplat<T>(2.0),
    three = vsplat<T>(3.0),
    six = vsplat<T>(6.0);
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const z = v128.load(Z + o);
    const e = vexp<T>(v128.neg<T>(z));
    const g = v128.div<T>(one, v128.add<T>(one, e));
    put(A, o, v128.mul<T>(z, g));
    if (order >= 1) {
      const c = v128.mul<T>(e, g);
      const g1 = v128.mul<T>(g, c);
      put(S1, o, vfma<T>(z, g1, g));
      if (order >= 2) {
        const g2 = v128.mul<T>(g1, v128.sub<T>(c, g));
        put(S2, o, vfma<T>(z, g2, v128.mul<T>(two, g1)));
        if (order >= 3) {
          const g3 = v128.mul<T>(g1, v128.sub<T>(one, v128.mul<T>(six, g1)));
          put(S3, o, vfma<T>(z, g3, v128.mul<T>(three, g2)));
        }
      }
    }
  }
}

// gelu(z) = z g(z), g = (1 + tanh u)/2 = σ(2u), u = c(z + a z³): derivatives of tanh(u(z))
// by Faà di Bruno (τk = tanh^(k) at u), then the product rule as for silu.
function geluBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const L = lanes<T>();
  const c = 0.7978845608028654,
    a = 0.044715;
  const one = vsplat<T>(1.0),
    half = vsplat<T>(0.5),
    two = vsplat<T>(2.0),
    three = vsplat<T>(3.0);
  const mtwo = vsplat<T>(-2.0),
    six = vsplat<T>(6.0),
    four = vsplat<T>(4.0);
  const vc = vsplat<T>(c),
    vca3 = vsplat<T>(3.0 * a * c),
    vca6 = vsplat<T>(6.0 * a * c),
    va = vsplat<T>(a);
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const z = v128.load(Z + o);
    const z2 = v128.mul<T>(z, z);
    const u = v128.mul<T>(vc, vfma<T>(va, v128.mul<T>(z2, z), z));
    const e = vexp<T>(v128.mul<T>(mtwo, u));
    const g = v128.div<T>(one, v128.add<T>(one, e)); // σ(2u)
    put(A, o, v128.mul<T>(z, g));
    if (order >= 1) {
      const gc = v128.mul<T>(e, g); // 1 - σ(2u)
      const t = v128.sub<T>(g, gc); // tanh u
      const tau1 = v128.mul<T>(four, v128.mul<T>(g, gc));
      const u1 = vfma<T>(vca3, z2, vc);
      const g1 = v128.mul<T>(half, v128.mul<T>(tau1, u1));
      put(S1, o, vfma<T>(z, g1, g));
      if (order >= 2) {
        const u2 = v128.mul<T>(vca6, z);
        const tau2 = v128.mul<T>(v128.mul<T>(mtwo, t), tau1);
        const u1s = v128.mul<T>(u1, u1);
        const g2 = v128.mul<T>(half, vfma<T>(tau2, u1s, v128.mul<T>(tau1, u2)));
        put(S2, o, vfma<T>(z, g2, v128.mul<T>(two, g1)));
        if (order >= 3) {
          const tau3 = v128.mul<T>(tau1, vfma<T>(six, v128.mul<T>(t, t), mtwo));
          // T3 = τ3 u'³ + 3 τ2 u' u'' + τ1 u'''
          let T3 = v128.mul<T>(tau1, vca6);
          T3 = vfma<T>(v128.mul<T>(three, tau2), v128.mul<T>(u1, u2), T3);
          T3 = vfma<T>(tau3, v128.mul<T>(u1s, u1), T3);
          put(S3, o, vfma<T>(z, v128.mul<T>(half, T3), v128.mul<T>(three, g2)));
        }
      }
    }
  }
}

function identityBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const L = lanes<T>();
  const one = vsplat<T>(1.0),
    zero = vsplat<T>(0.0);
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    if (A !== Z) put(A, o, v128.load(Z + o));
    if (order >= 1) put(S1, o, one);
    if (order >= 2) put(S2, o, zero);
    if (order >= 3) put(S3, o, zero);
  }
}

// ReLU: s'' = s''' = 0 almost everywhere; the engine refuses second-order jets through it.
function reluBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const L = lanes<T>();
  const one = vsplat<T>(1.0),
    zero = vsplat<T>(0.0);
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const z = v128.load(Z + o);
    const pos = v128.gt<T>(z, zero);
    put(A, o, v128.and(z, pos));
    if (order >= 1) put(S1, o, v128.and(one, pos));
    if (order >= 2) put(S2, o, zero);
    if (order >= 3) put(S3, o, zero);
  }
}

// sin and softplus are scalar: they are rarer, and the library routines are exact to an ulp.
function sinBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const S = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) {
    const o = <usize>i * S;
    const z = load<T>(Z + o);
    let s: T, c: T;
    if (sizeof<T>() === 4) {
      s = <T>Mathf.sin(<f32>z);
      c = <T>Mathf.cos(<f32>z);
    } else {
      s = <T>Math.sin(<f64>z);
      c = <T>Math.cos(<f64>z);
    }
    store<T>(A + o, s);
    if (order >= 1) store<T>(S1 + o, c);
    if (order >= 2) store<T>(S2 + o, -s);
    if (order >= 3) store<T>(S3 + o, -c);
  }
}

function softplusBlock<T>(Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  const S = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) {
    const o = <usize>i * S;
    const z = load<T>(Z + o);
    let sp: T, g: T;
    // softplus(z) = max(z, 0) + log1p(e^{-|z|}), stable for every z.
    if (sizeof<T>() === 4) {
      const e = Mathf.exp(-Mathf.abs(<f32>z));
      sp = <T>(Mathf.max(<f32>z, 0) + <f32>Math.log1p(<f64>e));
      g = <T>(z >= 0 ? 1 / (1 + e) : e / (1 + e));
    } else {
      const e = Math.exp(-Math.abs(<f64>z));
      sp = <T>(Math.max(<f64>z, 0) + Math.log1p(e));
      g = <T>(z >= 0 ? 1 / (1 + e) : e / (1 + e));
    }
    store<T>(A + o, sp);
    if (order >= 1) {
      store<T>(S1 + o, g);
      const g1 = g * (<T>1 - g);
      if (order >= 2) store<T>(S2 + o, g1);
      if (order >= 3) store<T>(S3 + o, g1 * (<T>1 - <T>2 * g));
    }
  }
}

export function activate<T>(act: i32, Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  switch (act) {
    case ACT_TANH:
      tanhBlock<T>(Z, A, S1, S2, S3, n, order);
      break;
    case ACT_SIN:
      sinBlock<T>(Z, A, S1, S2, S3, n, order);
      break;
    case ACT_SIGMOID:
      sigmoidBlock<T>(Z, A, S1, S2, S3, n, order);
      break;
    case ACT_SOFTPLUS:
      softplusBlock<T>(Z, A, S1, S2, S3, n, order);
      break;
    case ACT_SILU:
      siluBlock<T>(Z, A, S1, S2, S3, n, order);
      break;
    case ACT_GELU:
      geluBlock<T>(Z, A, S1, S2, S3, n, order);
      break;
    case ACT_RELU:
      reluBlock<T>(Z, A, S1, S2, S3, n, order);
      break;
    default:
      identityBlock<T>(Z, A, S1, S2, S3, n, order);
  }
}
