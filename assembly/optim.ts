// Fused optimizer updates on the flat parameter buffer, in place.
//
// Layout: P (parameters), G (gradient) and the optimizer's state buffers are flat arrays
// of n elements of T, n a multiple of the lane count (every layer's padded size is),
// 16-byte aligned. Padding entries have zero parameters and gradients and stay zero.
import { lanes, vfma, vsplat } from './simd';

// Adam / AdamW: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²;
// p = p (1 - decay) - step · m / (√v · root + eps), with g = G + l2 · p.
// step = lr / (1 - b1^t), root = 1 / √(1 - b2^t); decay = lr · wd for AdamW (else 0),
// l2 = wd for Adam's coupled weight decay (else 0).
export function adam<T>(
  P: usize,
  G: usize,
  M: usize,
  V: usize,
  n: i32,
  step: f64,
  root: f64,
  b1: f64,
  b2: f64,
  eps: f64,
  decay: f64,
  l2: f64,
): void {
  const L = lanes<T>();
  const vb1 = vsplat<T>(b1),
    vc1 = vsplat<T>(1 - b1),
    vb2 = vsplat<T>(b2),
    vc2 = vsplat<T>(1 - b2);
  const vstep = vsplat<T>(step),
    vroot = vsplat<T>(root),
    veps = vsplat<T>(eps);
  const vkeep = vsplat<T>(1 - decay),
    vl2 = vsplat<T>(l2);
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const p = v128.load(P + o);
    const g = vfma<T>(vl2, p, v128.load(G + o));
    const m = vfma<T>(vb1, v128.load(M + o), v128.mul<T>(vc1, g));
    const v = vfma<T>(vb2, v128.load(V + o), v128.mul<T>(vc2, v128.mul<T>(g, g)));
    v128.store(M + o, m);
    v128.store(V + o, v);
    const denom = vfma<T>(v128.sqrt<T>(v), vroot, veps);
    v128.store(P + o, v128.sub<T>(v128.mul<T>(p, vkeep), v128.div<T>(v128.mul<T>(vstep, m), denom)));
  }
}

// SGD with momentum mu (0: none) and Nesterov: d = g + wd p; u = mu u + d;
// p -= lr (nesterov ? d + mu u : u); without momentum p -= lr d.
export function sgd<T>(P: usize, G: usize, U: usize, n: i32, lr: f64, mu: f64, nesterov: i32, wd: f64): void {
  const L = lanes<T>();
  const vlr = vsplat<T>(lr),
    vmu = vsplat<T>(mu),
    vwd = vsplat<T>(wd);
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const p = v128.load(P + o);
    const d = vfma<T>(vwd, p, v128.load(G + o));
    let step = d;
    if (mu !== 0) {
      const u = vfma<T>(vmu, v128.load(U + o), d);
      v128.store(U + o, u);
      step = nesterov ? vfma<T>(vmu, u, d) : u;
    }
    v128.store(P + o, v128.sub<T>(p, v128.mul<T>(vlr, step)));
  }
}
