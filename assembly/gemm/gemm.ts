// GEMM: C[M][N] (= or +=) op(A)[M][K] · B[K][N]  (+ bias[N] on every row).
//
// Layout: every matrix row-major with its own row stride in bytes. B and C are read and
// written a vector at a time along N, so N must be a multiple of the lane count
// (4 for f32, 2 for f64); callers pad feature dimensions to that. A is addressed through
// two byte strides, so the same kernel serves A (sam = lda, sak = size) and Aᵀ
// (sam = size, sak = lda): the three products of a layer (Z = A·Wᵀ, Ā = Z̄·W, W̄ = Z̄ᵀ·A)
// are all this one kernel.
//
// Register tiles (one file each): MR rows × 2 vectors (5×8 f32, 5×4 f64, ten accumulators;
// 4 rows in the portable build) on packed operands wherever B is packed (tile-mr-packed.ts);
// 4 rows × 2 vectors (eight accumulators) reading A in place for the rows left over and the
// narrow weight gradients (tile-4x2-strided.ts and its tails). V8 on x64 uses only
// xmm0–xmm15, which bounds the tile. K is blocked by KC so that, for the
// long reductions of W̄ = Z̄ᵀ·A, the A and B panels of one block stay in L1/L2.
//
// Contract: M, K ≥ 0; N a multiple of the lane count; pointers 16-byte aligned for B and
// C rows (A may be unaligned). mode 0: C += product; mode 1: C = product;
// mode 2: C = product + bias (bias: N elements).
import { lanes } from '../simd';
import { KC, MR, WORKSPACE, packB, packAStrips, packedA, packedB } from './packing';
import { tile4x2 } from './tile-4x2-strided';
import { tile4x1 } from './tile-4x1-strided';
import { tile1x2 } from './tile-1x2-strided';
import { tile1x1 } from './tile-1x1-strided';
import { tileStrip1, tileStrip2 } from './tile-mr-packed';

/** Strides sam, sak, ldb, ldc are in elements. See the file comment for the contract. */
export function gemm<T>(
  A: usize,
  sam: i32,
  sak: i32,
  B: usize,
  ldb: i32,
  C: usize,
  ldc: i32,
  M: i32,
  N: i32,
  K: i32,
  mode: i32,
  bias: usize,
): void {
  const S = <usize>sizeof<T>();
  const L = lanes<T>();
  const bsam = <usize>sam * S,
    bsak = <usize>sak * S,
    bldb = <usize>ldb * S,
    bldc = <usize>ldc * S;
  if (K === 0) {
    // An empty reduction still defines C (zero or bias) unless accumulating.
    if (mode !== 0)
      for (let i = 0; i < M; i++) {
        const row = C + <usize>i * bldc;
        for (let j = 0; j < N; j += L) {
          v128.store(row + <usize>j * S, mode === 2 ? v128.load(bias + <usize>j * S) : v128.splat<T>(<T>0));
        }
      }
    return;
  }
  const N2 = N - (N % (2 * L));
  const transposedA = sam === 1 && sak !== 1;
  // Pack when there are enough tiles to reuse the copies and the strips fit the workspace;
  // for Aᵀ·B only where rows are long enough to thrash L1 (see Packing).
  let kcMax = KC;
  // (f64 rows of exactly 512 B, the 64-wide layers, are still faster in place)
  const longRows: usize = sizeof<T>() === 4 ? 512 : 513;
  const packed = M >= 8 && (bldb >= longRows || !transposedA) && <usize>N * S * 16 <= WORKSPACE;
  if (packed) kcMax = min(kcMax, <i32>(WORKSPACE / (<usize>N * S)));
  // rows of A in the packed tiles, and how many are packed at a time
  const Mp = packed ? M - (M % MR) : 0;
  const MC = (<i32>(WORKSPACE / (<usize>kcMax * S)) / MR) * MR;
  for (let k0 = 0; k0 < K; k0 += kcMax) {
    const kc = min(kcMax, K - k0);
    const init = k0 === 0 ? mode : 0;
    const Ak = A + <usize>k0 * bsak;
    const Bk = B + <usize>k0 * bldb;
    if (packed) packB<T>(packedB, Bk, bldb, kc, N, N2);
    // Tile (i, j) reads B at Bt + j·tb with row stride ldb2 (two vectors wide) or ldb1.
    const Bt = packed ? packedB : Bk;
    const tb = packed ? <usize>kc * S : S;
    const ldb2 = packed ? <usize>(2 * L) * S : bldb,
      ldb1 = packed ? <usize>L * S : bldb;
    for (let i0 = 0; i0 < Mp; i0 += MC) {
      const mc = min(MC, Mp - i0);
      packAStrips<T>(packedA, Ak + <usize>i0 * bsam, bsam, bsak, kc, mc);
      for (let i = 0; i < mc; i += MR) {
        const Ai = packedA + <usize>i * <usize>kc * S;
        const Ci = C + <usize>(i0 + i) * bldc;
        let j = 0;
        for (; j < N2; j += 2 * L) {
          const o = <usize>j * S;
          tileStrip2<T>(Ai, Bt + <usize>j * tb, Ci + o, bldc, kc, init, bias + o);
        }
        if (j < N) {
          const o = <usize>j * S;
          tileStrip1<T>(Ai, Bt + <usize>j * tb, Ci + o, bldc, kc, init, bias + o);
        }
      }
    }
    // The rows left (all of them where nothing is packed): A read in place.
    let i = Mp;
    for (; i + 4 <= M; i += 4) {
      const Ai = Ak + <usize>i * bsam;
      const Ci = C + <usize>i * bldc;
      let j = 0;
      for (; j < N2; j += 2 * L) {
        const o = <usize>j * S;
        tile4x2<T>(Ai, bsam, bsak, Bt + <usize>j * tb, ldb2, Ci + o, bldc, kc, init, bias + o);
      }
      if (j < N) {
        const o = <usize>j * S;
        tile4x1<T>(Ai, bsam, bsak, Bt + <usize>j * tb, ldb1, Ci + o, bldc, kc, init, bias + o);
      }
    }
    for (; i < M; i++) {
      const Ai = Ak + <usize>i * bsam;
      const Ci = C + <usize>i * bldc;
      let j = 0;
      for (; j < N2; j += 2 * L) {
        const o = <usize>j * S;
        tile1x2<T>(Ai, bsak, Bt + <usize>j * tb, ldb2, Ci + o, kc, init, bias + o);
      }
      if (j < N) {
        const o = <usize>j * S;
        tile1x1<T>(Ai, bsak, Bt + <usize>j * tb, ldb1, Ci + o, kc, init, bias + o);
      }
    }
  }
}
