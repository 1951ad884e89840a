// The whole forward and backward pass of an MLP over stacked jet columns, driven by a
// plan (plan.ts) that JavaScript writes into linear memory once per (batch size, jet
// kind): one call from JavaScript per pass, none per layer or per point.
//
// Buffers (all 16-byte aligned, feature dimensions padded to the lane count):
//   X         [B][inP] input points (value block of layer 0; its derivative blocks are
//             the seeds e_d and are never stored)
//   W         [outP][inP] row-major, b [outP]   (inside the flat parameter buffer)
//   Wt        [inP][outP] scratch for the forward product Z = A·Wᵀ
//   Z, A      [K][B][outP] pre- and post-activation jets (A = Z for the output layer)
//   S1..S3    [B][outP] activation derivatives at the value block
//   Wbar, bbar  as W and b (inside the flat gradient buffer)
//   G0, G1    [K][B][max outP] cotangent ping-pong; the caller writes the output
//             cotangents into G0 before backward
import { gemm } from './gemm';
import { activate } from './activations';
import { forwardDirection, forwardPair, multiply, backwardDirection, backwardPair,
         backwardLaplacian, columnSums } from './jets';
import { H_LAYERS, H_BATCH, H_DIRS, H_PAIRS, H_LAP, H_ORDER, H_KEEP, H_ACCUMULATE, H_DIRS_PTR, H_PAIRS_PTR,
         H_X, H_G0, H_G1, H_SCRATCH, H_BLOCKS, L_IN, L_OUT, L_IN_REAL, L_ACT, L_W, L_B, L_WT, L_Z, L_A,
         L_S1, L_S2, L_S3, L_WBAR, L_BBAR, word, ptr, layerWord, layerPtr, transpose } from './plan';

export function forward<T>(plan: usize): void {
  const S = <usize>sizeof<T>();
  const layers = word(plan, H_LAYERS), B = word(plan, H_BATCH);
  const nd = word(plan, H_DIRS), np = word(plan, H_PAIRS), lap = word(plan, H_LAP);
  const K = word(plan, H_BLOCKS);
  const order = word(plan, H_ORDER) + word(plan, H_KEEP);
  const dirs = ptr(plan, H_DIRS_PTR), pairs = ptr(plan, H_PAIRS_PTR);
  let Aprev = ptr(plan, H_X);
  for (let l = 0; l < layers; l++) {
    const inP = layerWord(plan, l, L_IN), outP = layerWord(plan, l, L_OUT);
    const W = layerPtr(plan, l, L_W), b = layerPtr(plan, l, L_B), Wt = layerPtr(plan, l, L_WT);
    const Z = layerPtr(plan, l, L_Z), A = layerPtr(plan, l, L_A);
    const n = B * outP;
    const blk = <usize>n * S;
    transpose<T>(Wt, W, outP, inP);
    gemm<T>(Aprev, inP, 1, Wt, outP, Z, outP, B, outP, inP, 2, b);
    if (l == 0) {
      // dz_d = column dirs[d] of W for every point; second-order blocks start at zero.
      for (let d = 0; d < nd; d++) {
        const src = Wt + <usize>load<u32>(dirs + (<usize>d << 2)) * <usize>outP * S;
        const dst = Z + <usize>(1 + d) * blk;
        for (let p = 0; p < B; p++) memory.copy(dst + <usize>p * <usize>outP * S, src, <usize>outP * S);
      }
      if (K > 1 + nd) memory.fill(Z + <usize>(1 + nd) * blk, 0, <usize>(K - 1 - nd) * blk);
    } else if (K > 1) {
      gemm<T>(Aprev + <usize>B * <usize>inP * S, inP, 1, Wt, outP, Z + blk, outP, (K - 1) * B, outP, inP, 1, 0);
    }
    if (l < layers - 1) {
      const S1 = layerPtr(plan, l, L_S1), S2 = layerPtr(plan, l, L_S2), S3 = layerPtr(plan, l, L_S3);
      activate<T>(layerWord(plan, l, L_ACT), Z, A, S1, S2, S3, n, order);
      const Alap = lap ? A + <usize>(K - 1) * blk : 0;
      if (lap) multiply<T>(Alap, S1, Z + <usize>(K - 1) * blk, n);
      for (let d = 0; d < nd; d++) {
        const o = <usize>(1 + d) * blk;
        forwardDirection<T>(A + o, Z + o, S1, S2, Alap, n);
      }
      for (let q = 0; q < np; q++) {
        const a = <usize>load<u32>(pairs + (<usize>q << 3)), c = <usize>load<u32>(pairs + (<usize>q << 3) + 4);
        const o = <usize>(1 + nd + q) * blk;
        forwardPair<T>(A + o, Z + (1 + a) * blk, Z + (1 + c) * blk, Z + o, S1, S2, n);
      }
    }
    Aprev = A;
  }
}

export function backward<T>(plan: usize): void {
  const S = <usize>sizeof<T>();
  const layers = word(plan, H_LAYERS), B = word(plan, H_BATCH);
  const nd = word(plan, H_DIRS), np = word(plan, H_PAIRS), lap = word(plan, H_LAP);
  const K = word(plan, H_BLOCKS);
  const accumulate = word(plan, H_ACCUMULATE) != 0;
  const mode = accumulate ? 0 : 1;
  const dirs = ptr(plan, H_DIRS_PTR), pairs = ptr(plan, H_PAIRS_PTR);
  const scratch = ptr(plan, H_SCRATCH);
  let G = ptr(plan, H_G0), other = ptr(plan, H_G1);
  for (let l = layers - 1; l >= 0; l--) {
    const inP = layerWord(plan, l, L_IN), outP = layerWord(plan, l, L_OUT);
    const W = layerPtr(plan, l, L_W), Z = layerPtr(plan, l, L_Z);
    const Wbar = layerPtr(plan, l, L_WBAR), bbar = layerPtr(plan, l, L_BBAR);
    const n = B * outP;
    const blk = <usize>n * S;
    if (l < layers - 1) {
      const S1 = layerPtr(plan, l, L_S1), S2 = layerPtr(plan, l, L_S2), S3 = layerPtr(plan, l, L_S3);
      const Glap = lap ? G + <usize>(K - 1) * blk : 0;
      multiply<T>(G, S1, G, n);
      for (let d = 0; d < nd; d++) {
        const o = <usize>(1 + d) * blk;
        backwardDirection<T>(G, G + o, Z + o, S1, S2, S3, Glap, n);
      }
      for (let q = 0; q < np; q++) {
        const a = <usize>load<u32>(pairs + (<usize>q << 3)), c = <usize>load<u32>(pairs + (<usize>q << 3) + 4);
        const o = <usize>(1 + nd + q) * blk;
        backwardPair<T>(G, G + (1 + a) * blk, G + (1 + c) * blk, G + o, Z + (1 + a) * blk, Z + (1 + c) * blk,
                        Z + o, S1, S2, S3, n);
      }
      if (lap) backwardLaplacian<T>(G, Glap, Z + <usize>(K - 1) * blk, S1, S2, n);
    }
    columnSums<T>(bbar, G, B, outP, accumulate);
    if (l == 0) {
      // A_0 is x for the value block and the constant seed e_d for direction d.
      gemm<T>(G, 1, outP, ptr(plan, H_X), inP, Wbar, inP, outP, inP, B, mode, 0);
      for (let d = 0; d < nd; d++) {
        columnSums<T>(scratch, G + <usize>(1 + d) * blk, B, outP, false);
        const col = Wbar + <usize>load<u32>(dirs + (<usize>d << 2)) * S;
        for (let o = 0; o < outP; o++) {
          const p = col + <usize>o * <usize>inP * S;
          store<T>(p, load<T>(p) + load<T>(scratch + <usize>o * S));
        }
      }
    } else {
      const Aprev = layerPtr(plan, l - 1, L_A);
      gemm<T>(G, 1, outP, Aprev, inP, Wbar, inP, outP, inP, K * B, mode, 0);
      // Padded input features of this layer hold s(0), which is not 0 for every activation:
      // their weights are not parameters, so their gradient is kept at exactly zero.
      const inReal = layerWord(plan, l, L_IN_REAL);
      if (inReal < inP) for (let o = 0; o < outP; o++) {
        memory.fill(Wbar + (<usize>o * <usize>inP + <usize>inReal) * S, 0, <usize>(inP - inReal) * S);
      }
      gemm<T>(G, outP, 1, W, inP, other, inP, K * B, inP, outP, 1, 0);
      const t = G; G = other; other = t;
    }
  }
}
