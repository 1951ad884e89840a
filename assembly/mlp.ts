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
import { forwardProduct, weightGradient, inputAdjoint } from './gemm/products';
import { GEMM_ACCUMULATE, GEMM_BIAS, GEMM_OVERWRITE } from './gemm/modes';
import { columnSums } from './reductions';
import { firstLayerRows, layerRows } from './rows';
import { transpose } from './transpose';
import { activate } from './activations';
import { forwardDirection, forwardPair, multiply, backwardDirection, backwardPair, backwardLaplacian } from './jets';
import {
  H_LAYERS,
  H_BATCH,
  H_DIRS,
  H_PAIRS,
  H_LAP,
  H_ORDER,
  H_KEEP,
  H_ACCUMULATE,
  H_DIRS_PTR,
  H_PAIRS_PTR,
  H_INPUT_JETS,
  H_X,
  H_G0,
  H_G1,
  H_SCRATCH,
  H_BLOCKS,
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
  L_S3,
  L_WBAR,
  L_BBAR,
  word,
  ptr,
  layerWord,
  layerPtr,
} from './plan';

// Elements per chunk of the elementwise rules: with K blocks of Z, A (or G) and three of
// s^(k), a chunk of every block fits in L1/L2 together.
const CHUNK: i32 = 512;

export function forward<T>(plan: usize): void {
  const S = <usize>sizeof<T>();
  const layers = word(plan, H_LAYERS),
    B = word(plan, H_BATCH);
  const nd = word(plan, H_DIRS),
    np = word(plan, H_PAIRS),
    lap = word(plan, H_LAP);
  const K = word(plan, H_BLOCKS);
  const order = word(plan, H_ORDER) + word(plan, H_KEEP);
  const dirs = ptr(plan, H_DIRS_PTR),
    pairs = ptr(plan, H_PAIRS_PTR);
  const inputJets = word(plan, H_INPUT_JETS) !== 0;
  let Aprev = ptr(plan, H_X);
  for (let l = 0; l < layers; l++) {
    const inP = layerWord(plan, l, L_IN),
      outP = layerWord(plan, l, L_OUT);
    const W = layerPtr(plan, l, L_W),
      b = layerPtr(plan, l, L_B),
      Wt = layerPtr(plan, l, L_WT);
    const Z = layerPtr(plan, l, L_Z),
      A = layerPtr(plan, l, L_A);
    const n = B * outP;
    const blk = <usize>n * S;
    transpose<T>(Wt, W, outP, inP);
    forwardProduct<T>(Aprev, Wt, Z, B, inP, outP, GEMM_BIAS, b);
    if (l === 0 && inputJets) {
      // an input map gave the input's jets in every block: the later layers' path
      if (K > 1) forwardProduct<T>(Aprev + <usize>B * <usize>inP * S, Wt, Z + blk, (K - 1) * B, inP, outP, GEMM_OVERWRITE, 0);
    } else if (l === 0) {
      // dz_d = column dirs[d] of W for every point; second-order blocks start at zero.
      for (let d = 0; d < nd; d++) {
        const src = Wt + <usize>load<u32>(dirs + ((<usize>d) << 2)) * <usize>outP * S;
        const dst = Z + <usize>(1 + d) * blk;
        for (let p = 0; p < B; p++) memory.copy(dst + <usize>p * <usize>outP * S, src, <usize>outP * S);
      }
      if (K > 1 + nd) memory.fill(Z + <usize>(1 + nd) * blk, 0, <usize>(K - 1 - nd) * blk);
    } else if (K > 1) {
      forwardProduct<T>(Aprev + <usize>B * <usize>inP * S, Wt, Z + blk, (K - 1) * B, inP, outP, GEMM_OVERWRITE, 0);
    }
    if (l < layers - 1) {
      const S1 = layerPtr(plan, l, L_S1),
        S2 = layerPtr(plan, l, L_S2),
        S3 = layerPtr(plan, l, L_S3);
      const act = layerWord(plan, l, L_ACT);
      // Chunk by chunk, so that every block of a chunk stays in cache across the rules.
      for (let c0 = 0; c0 < n; c0 += CHUNK) {
        const len = min(CHUNK, n - c0);
        const e = <usize>c0 * S;
        activate<T>(act, Z + e, A + e, S1 + e, S2 + e, S3 + e, len, order);
        const Alap = lap ? A + <usize>(K - 1) * blk + e : 0;
        if (lap) multiply<T>(Alap, S1 + e, Z + <usize>(K - 1) * blk + e, len);
        for (let d = 0; d < nd; d++) {
          const o = <usize>(1 + d) * blk + e;
          forwardDirection<T>(A + o, Z + o, S1 + e, S2 + e, Alap, len);
        }
        for (let q = 0; q < np; q++) {
          const a = <usize>load<u32>(pairs + ((<usize>q) << 3)),
            c = <usize>load<u32>(pairs + ((<usize>q) << 3) + 4);
          const o = <usize>(1 + nd + q) * blk + e;
          forwardPair<T>(A + o, Z + (1 + a) * blk + e, Z + (1 + c) * blk + e, Z + o, S1 + e, S2 + e, len);
        }
      }
    }
    Aprev = A;
  }
}

// With rows ≠ 0, the parameter gradients are kept per point instead (rows.ts): row p of
// the Jacobian at rows + p·stride bytes, laid out like the flat gradient buffer, whose
// address is grads (the plan's W̄ and b̄ point into it); W̄ and b̄ are left untouched.
export function backward<T>(plan: usize, rows: usize = 0, stride: usize = 0, grads: usize = 0): void {
  const S = <usize>sizeof<T>();
  const layers = word(plan, H_LAYERS),
    B = word(plan, H_BATCH);
  const nd = word(plan, H_DIRS),
    np = word(plan, H_PAIRS),
    lap = word(plan, H_LAP);
  const K = word(plan, H_BLOCKS);
  const accumulate = word(plan, H_ACCUMULATE) !== 0;
  const mode = accumulate ? GEMM_ACCUMULATE : GEMM_OVERWRITE;
  const dirs = ptr(plan, H_DIRS_PTR),
    pairs = ptr(plan, H_PAIRS_PTR);
  const scratch = ptr(plan, H_SCRATCH);
  const inputJets = word(plan, H_INPUT_JETS) !== 0;
  let G = ptr(plan, H_G0),
    other = ptr(plan, H_G1);
  for (let l = layers - 1; l >= 0; l--) {
    const inP = layerWord(plan, l, L_IN),
      outP = layerWord(plan, l, L_OUT);
    const W = layerPtr(plan, l, L_W),
      Z = layerPtr(plan, l, L_Z);
    const Wbar = layerPtr(plan, l, L_WBAR),
      bbar = layerPtr(plan, l, L_BBAR);
    const n = B * outP;
    const blk = <usize>n * S;
    if (l < layers - 1) {
      const S1 = layerPtr(plan, l, L_S1),
        S2 = layerPtr(plan, l, L_S2),
        S3 = layerPtr(plan, l, L_S3);
      for (let c0 = 0; c0 < n; c0 += CHUNK) {
        const len = min(CHUNK, n - c0);
        const e = <usize>c0 * S;
        const G0 = G + e,
          s1 = S1 + e,
          s2 = S2 + e,
          s3 = S3 + e;
        const Glap = lap ? G + <usize>(K - 1) * blk + e : 0;
        multiply<T>(G0, s1, G0, len);
        for (let d = 0; d < nd; d++) {
          const o = <usize>(1 + d) * blk + e;
          backwardDirection<T>(G0, G + o, Z + o, s1, s2, s3, Glap, len);
        }
        for (let q = 0; q < np; q++) {
          const a = <usize>load<u32>(pairs + ((<usize>q) << 3)),
            c = <usize>load<u32>(pairs + ((<usize>q) << 3) + 4);
          const o = <usize>(1 + nd + q) * blk + e;
          backwardPair<T>(
            G0,
            G + (1 + a) * blk + e,
            G + (1 + c) * blk + e,
            G + o,
            Z + (1 + a) * blk + e,
            Z + (1 + c) * blk + e,
            Z + o,
            s1,
            s2,
            s3,
            len,
          );
        }
        if (lap) backwardLaplacian<T>(G0, Glap, Z + <usize>(K - 1) * blk + e, s1, s2, len);
      }
    }
    if (rows !== 0) {
      const wOff = Wbar - grads,
        bOff = bbar - grads;
      if (l === 0 && !inputJets) firstLayerRows<T>(G, ptr(plan, H_X), B, inP, outP, nd, dirs, rows, stride, wOff, bOff);
      else
        layerRows<T>(
          G,
          l === 0 ? ptr(plan, H_X) : layerPtr(plan, l - 1, L_A),
          K,
          B,
          inP,
          layerWord(plan, l, L_IN_REAL),
          outP,
          rows,
          stride,
          wOff,
          bOff,
        );
      if (l > 0) {
        inputAdjoint<T>(G, W, other, K * B, inP, outP);
        const t = G;
        G = other;
        other = t;
      }
      continue;
    }
    columnSums<T>(bbar, G, B, outP, accumulate);
    if (l === 0 && inputJets) {
      weightGradient<T>(G, ptr(plan, H_X), Wbar, K * B, inP, outP, mode);
      const inReal = layerWord(plan, l, L_IN_REAL);
      if (inReal < inP)
        for (let o = 0; o < outP; o++) {
          memory.fill(Wbar + (<usize>o * <usize>inP + <usize>inReal) * S, 0, <usize>(inP - inReal) * S);
        }
    } else if (l === 0) {
      // A_0 is x for the value block and the constant seed e_d for direction d.
      weightGradient<T>(G, ptr(plan, H_X), Wbar, B, inP, outP, mode);
      for (let d = 0; d < nd; d++) {
        columnSums<T>(scratch, G + <usize>(1 + d) * blk, B, outP, false);
        const col = Wbar + <usize>load<u32>(dirs + ((<usize>d) << 2)) * S;
        for (let o = 0; o < outP; o++) {
          const p = col + <usize>o * <usize>inP * S;
          store<T>(p, load<T>(p) + load<T>(scratch + <usize>o * S));
        }
      }
    } else {
      const Aprev = layerPtr(plan, l - 1, L_A);
      weightGradient<T>(G, Aprev, Wbar, K * B, inP, outP, mode);
      // Padded input features of this layer hold s(0), which is not 0 for every activation:
      // their weights are not parameters, so their gradient is kept at exactly zero.
      const inReal = layerWord(plan, l, L_IN_REAL);
      if (inReal < inP)
        for (let o = 0; o < outP; o++) {
          memory.fill(Wbar + (<usize>o * <usize>inP + <usize>inReal) * S, 0, <usize>(inP - inReal) * S);
        }
      inputAdjoint<T>(G, W, other, K * B, inP, outP);
      const t = G;
      G = other;
      other = t;
    }
  }
}
