// Per-point parameter Jacobian rows: the weight and bias gradients of one layer kept per
// point instead of summed over the batch (weightGradient and columnSums sum them). What
// Gauss-Newton and Levenberg–Marquardt need: row p is the gradient of point p's share of
// Σ (cotangent × jet) alone.
//
// Layout: G is [K][B][outP] (the layer's pre-activation cotangents, K jet blocks), Aprev
// [K][B][inP] (the layer's input jets); both row-major, feature dimension contiguous and
// padded to the lane count. Row p of J starts at J + p·stride bytes and is laid out like
// the flat parameter buffer; wOff and bOff are the byte offsets of this layer's W
// [outP][inP] and b [outP] within it. Contract: every W entry of the row (padding
// included) is overwritten; input features at or past inReal get exactly zero (they hold
// s(0), not parameters); bias entries get the value block's cotangent.
import { lanes, vfma, vsplat } from './simd';

// J[p][W][o][i] = Σ_k G[k][p][o] · Aprev[k][p][i];  J[p][b][o] = G[0][p][o].
export function layerRows<T>(
  G: usize,
  Aprev: usize,
  K: i32,
  B: i32,
  inP: i32,
  inReal: i32,
  outP: i32,
  J: usize,
  stride: usize,
  wOff: usize,
  bOff: usize,
): void {
  const L = lanes<T>();
  const S = <usize>sizeof<T>();
  const gBlock = <usize>B * <usize>outP * S,
    aBlock = <usize>B * <usize>inP * S;
  for (let p = 0; p < B; p++) {
    const row = J + <usize>p * stride;
    const g = G + <usize>p * <usize>outP * S,
      a = Aprev + <usize>p * <usize>inP * S;
    for (let o = 0; o < outP; o++) {
      const dst = row + wOff + <usize>o * <usize>inP * S;
      for (let i = 0; i < inP; i += L) {
        const e = <usize>i * S;
        let acc = vsplat<T>(0);
        for (let k = 0; k < K; k++) {
          const gk = v128.splat<T>(load<T>(g + <usize>k * gBlock + <usize>o * S));
          acc = vfma<T>(gk, v128.load(a + <usize>k * aBlock + e), acc);
        }
        v128.store(dst + e, acc);
      }
      if (inReal < inP) memory.fill(dst + <usize>inReal * S, 0, <usize>(inP - inReal) * S);
      store<T>(row + bOff + <usize>o * S, load<T>(g + <usize>o * S));
    }
  }
}

// The first layer: its input jets are x (value block) and the constant seeds e_d (block
// 1 + d is 1 at input dirs[d]), which are never stored: J[p][W][o][i] = G[0][p][o]·x[p][i]
// + Σ_d [i = dirs[d]] G[1+d][p][o]. dirs is nd u32 input indices.
export function firstLayerRows<T>(
  G: usize,
  X: usize,
  B: i32,
  inP: i32,
  outP: i32,
  nd: i32,
  dirs: usize,
  J: usize,
  stride: usize,
  wOff: usize,
  bOff: usize,
): void {
  const L = lanes<T>();
  const S = <usize>sizeof<T>();
  const gBlock = <usize>B * <usize>outP * S;
  for (let p = 0; p < B; p++) {
    const row = J + <usize>p * stride;
    const g = G + <usize>p * <usize>outP * S,
      x = X + <usize>p * <usize>inP * S;
    for (let o = 0; o < outP; o++) {
      const dst = row + wOff + <usize>o * <usize>inP * S;
      const g0 = v128.splat<T>(load<T>(g + <usize>o * S));
      for (let i = 0; i < inP; i += L) v128.store(dst + <usize>i * S, v128.mul<T>(g0, v128.load(x + <usize>i * S)));
      for (let d = 0; d < nd; d++) {
        const at = dst + <usize>load<u32>(dirs + ((<usize>d) << 2)) * S;
        store<T>(at, load<T>(at) + load<T>(g + <usize>(1 + d) * gBlock + <usize>o * S));
      }
      store<T>(row + bOff + <usize>o * S, load<T>(g + <usize>o * S));
    }
  }
}
