// Reverse mode for losses on the value and the Jacobian only (docs/modes.md): when the network has fewer outputs m than inputs n, the input gradient of
// each output costs one backward pass of B columns, and the parameter gradient of a
// loss on it is the adjoint of that backward pass followed by the adjoint of the
// forward pass: about 3 + 3m column passes per point against 3(1 + n) for forward jets.
//
// Per hidden layer l (0-based; a_l = s(z_l); y = W_L a_{L-1} + b_L), for output k:
//   h_l = dy_k/da_l,  g_l = s'(z_l) ⊙ h_l,  h_{l-1} = W_lᵀ g_l,  J_k = h_{-1}.
// Buffers use the plan (plan.ts) of mlp.ts, with these meanings in reverse mode:
//   Z (hidden)  [B][outP] pre-activation in forward, then z̄ in backward
//   A, S1, S2   [B][outP] activations and s', s''
//   G, H        [m][B][outP] g_l and h_l, one block per output
//   JAC         [m][B][inP0] the Jacobian, one block per output
//   G0, G1      cotangent ping-pong (h̄, then ā); SCRATCH2 [m][B][maxP] ḡ
//   G0 on entry to backward holds J̄ [m][B][inP0]; YBAR holds ȳ [B][mP]
import { forwardProduct, weightGradient, inputAdjoint } from './gemm/products';
import { GEMM_ACCUMULATE, GEMM_BIAS, GEMM_OVERWRITE } from './gemm/modes';
import { columnSums, multiplyAddColumnSums } from './reductions';
import { transpose } from './transpose';
import { activate } from './activations';
import { multiply, adjointOfScaling } from './jets';
import {
  H_LAYERS,
  H_BATCH,
  H_DIRS,
  H_KEEP,
  H_ACCUMULATE,
  H_X,
  H_G0,
  H_G1,
  H_OUTPUTS,
  H_JAC,
  H_YBAR,
  H_SCRATCH2,
  L_IN,
  L_OUT,
  L_IN_REAL,
  L_ACT,
  L_W,
  L_B,
  L_WT,
  L_Z,
  L_A,
  L_S1,
  L_S2,
  L_WBAR,
  L_BBAR,
  L_G,
  L_H,
  word,
  ptr,
  layerWord as lw,
  layerPtr as lp,
} from './plan';

export function forwardReverse<T>(plan: usize): void {
  const S = <usize>sizeof<T>();
  const layers = word(plan, H_LAYERS),
    B = word(plan, H_BATCH),
    m = word(plan, H_OUTPUTS);
  const jacobian = word(plan, H_DIRS) > 0;
  const order = (jacobian ? 1 : 0) + word(plan, H_KEEP);
  let Aprev = ptr(plan, H_X);
  for (let l = 0; l < layers; l++) {
    const inP = lw(plan, l, L_IN),
      outP = lw(plan, l, L_OUT);
    const Wt = lp(plan, l, L_WT),
      Z = lp(plan, l, L_Z);
    transpose<T>(Wt, lp(plan, l, L_W), outP, inP);
    forwardProduct<T>(Aprev, Wt, Z, B, inP, outP, GEMM_BIAS, lp(plan, l, L_B));
    if (l < layers - 1) {
      const A = lp(plan, l, L_A);
      activate<T>(lw(plan, l, L_ACT), Z, A, lp(plan, l, L_S1), lp(plan, l, L_S2), 0, B * outP, order);
      Aprev = A;
    }
  }
  if (!jacobian) return;
  // h_{L-1} = row k of W_L for every point, one block per output.
  const last = layers - 1;
  let inP = lw(plan, last, L_IN);
  let h = last > 0 ? lp(plan, last - 1, L_H) : ptr(plan, H_JAC);
  const WL = lp(plan, last, L_W);
  for (let k = 0; k < m; k++) {
    const src = WL + <usize>k * <usize>inP * S;
    const dst = h + <usize>k * <usize>B * <usize>inP * S;
    for (let p = 0; p < B; p++) memory.copy(dst + <usize>p * <usize>inP * S, src, <usize>inP * S);
  }
  for (let l = last - 1; l >= 0; l--) {
    const outP = lw(plan, l, L_OUT);
    inP = lw(plan, l, L_IN);
    const n = B * outP;
    const g = lp(plan, l, L_G),
      S1 = lp(plan, l, L_S1);
    for (let k = 0; k < m; k++) multiply<T>(g + <usize>k * <usize>n * S, S1, h + <usize>k * <usize>n * S, n);
    h = l > 0 ? lp(plan, l - 1, L_H) : ptr(plan, H_JAC);
    inputAdjoint<T>(g, lp(plan, l, L_W), h, m * B, inP, outP);
  }
}

export function backwardReverse<T>(plan: usize): void {
  const S = <usize>sizeof<T>();
  const layers = word(plan, H_LAYERS),
    B = word(plan, H_BATCH),
    m = word(plan, H_OUTPUTS);
  const jacobian = word(plan, H_DIRS) > 0;
  const accumulate = word(plan, H_ACCUMULATE) !== 0;
  const first = accumulate ? GEMM_ACCUMULATE : GEMM_OVERWRITE;
  const last = layers - 1;
  let ping = ptr(plan, H_G0),
    pong = ptr(plan, H_G1);
  const gbar = ptr(plan, H_SCRATCH2);
  if (jacobian) {
    // Adjoint of the input-gradient pass, from the input up: h̄_{-1} = J̄.
    for (let l = 0; l < last; l++) {
      const inP = lw(plan, l, L_IN),
        outP = lw(plan, l, L_OUT);
      const n = B * outP;
      const g = lp(plan, l, L_G),
        h = lp(plan, l, L_H),
        Z = lp(plan, l, L_Z);
      const S1 = lp(plan, l, L_S1),
        S2 = lp(plan, l, L_S2);
      // h_{l-1} = W_lᵀ g_l:  W̄_l += g_lᵀ h̄_{l-1},  ḡ_l = h̄_{l-1} W_lᵀ
      weightGradient<T>(g, ping, lp(plan, l, L_WBAR), m * B, inP, outP, first);
      forwardProduct<T>(ping, lp(plan, l, L_WT), gbar, m * B, inP, outP, GEMM_OVERWRITE, 0);
      // g_l = s'(z_l) ⊙ h_l:  h̄_l = s' ⊙ ḡ_l,  z̄_l = Σ_k s'' ⊙ h_l ⊙ ḡ_l
      for (let k = 0; k < m; k++) {
        const o = <usize>k * <usize>n * S;
        adjointOfScaling<T>(Z, pong + o, S1, S2, h + o, gbar + o, n, k > 0);
      }
      const t = ping;
      ping = pong;
      pong = t;
    }
    // h_{L-1} = row k of W_L:  W̄_L[k] = Σ_points h̄_{L-1}^{(k)}
    const inP = lw(plan, last, L_IN),
      outP = lw(plan, last, L_OUT);
    const Wbar = lp(plan, last, L_WBAR);
    for (let k = 0; k < outP; k++) {
      const row = Wbar + <usize>k * <usize>inP * S;
      if (k < m) columnSums<T>(row, ping + <usize>k * <usize>B * <usize>inP * S, B, inP, accumulate);
      else if (!accumulate) memory.fill(row, 0, <usize>inP * S);
    }
  }
  // Adjoint of the forward pass, from the output down, with ȳ and the z̄ gathered above.
  const wmode = jacobian ? GEMM_ACCUMULATE : first;
  let zbar = ptr(plan, H_YBAR);
  for (let l = last; l >= 0; l--) {
    const inP = lw(plan, l, L_IN),
      outP = lw(plan, l, L_OUT);
    const _n = B * outP;
    if (l < last) {
      const Z = lp(plan, l, L_Z);
      // z̄_l (+)= s' ⊙ ā_l, with the bias gradient summed in the same pass
      multiplyAddColumnSums<T>(Z, lp(plan, l, L_S1), ping, lp(plan, l, L_BBAR), B, outP, jacobian, accumulate);
      zbar = Z;
    } else {
      columnSums<T>(lp(plan, l, L_BBAR), zbar, B, outP, accumulate);
    }
    const Aprev = l > 0 ? lp(plan, l - 1, L_A) : ptr(plan, H_X);
    weightGradient<T>(zbar, Aprev, lp(plan, l, L_WBAR), B, inP, outP, wmode);
    if (l > 0) {
      const inReal = lw(plan, l, L_IN_REAL);
      const Wbar = lp(plan, l, L_WBAR);
      if (inReal < inP)
        for (let o = 0; o < outP; o++) {
          memory.fill(Wbar + (<usize>o * <usize>inP + <usize>inReal) * S, 0, <usize>(inP - inReal) * S);
        }
      // ā_{l-1} = z̄_l W_l
      inputAdjoint<T>(zbar, lp(plan, l, L_W), pong, B, inP, outP);
      const t = ping;
      ping = pong;
      pong = t;
    }
  }
}
