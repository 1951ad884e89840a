// Packing the GEMM's operands into contiguous strips (and the block sizes KC and MR).
//
// Layout: packB writes a K block of B (kc rows, N columns, rows bldb bytes apart) as column
// strips two vectors wide (then one), each kc × width contiguous; packAStrips writes mc rows
// of A (or Aᵀ, through its byte strides) as strips of MR rows, element (r, k) of a strip at
// (MR·k + r)·S. Contract: N a multiple of the lane count; mc a multiple of MR.
import { lanes } from '../simd';
import { transposeBlock } from '../transpose';

export const KC: i32 = 128;
// Rows of the packed tiles: 5 with fused multiply-add; the portable build's separate
// multiply and add need a register more, and its 5-row tile spills (slower: bench/results/kernel-notes.md), so
// it keeps 4 rows, each a broadcast load.
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 5 : 4;

// Packing. Without it the tile's k loop walks B (and Aᵀ) with a stride of a whole row:
// for rows of 512 B or more, every k lands in the same few L1 sets and each load goes
// to L2. Each K block of B is copied once into column strips (tile width × kc,
// contiguous), and wherever B is packed, A too, a block of up to MC rows at a time, into
// strips of MR rows (kc × MR) for the packed tiles; the copies are small next to the products
// that reuse them (A: once per 2N flops). The weight gradient W̄ = Z̄ᵀ·A of a narrow layer
// (rows under 512 B) is the exception: its few tiles reuse each copy too seldom, and
// reading both operands in place is faster (bench/results/kernel-notes.md); its
// products (B·kc wide, KC = 128) stay in L1, and it keeps the 4-row tiles.
export const WORKSPACE: usize = 1 << 20;
export const packedB: usize = memory.data(<i32>WORKSPACE, 64);
export const packedA: usize = memory.data(<i32>WORKSPACE, 64);

export function packB<T>(dst: usize, B: usize, bldb: usize, kc: i32, N: i32, N2: i32): void {
  const S = <usize>sizeof<T>();
  const L = lanes<T>();
  for (let k = 0; k < kc; k++) {
    const src = B + <usize>k * bldb;
    let j = 0;
    for (; j < N2; j += 2 * L) {
      const d = dst + (<usize>j * <usize>kc + <usize>k * <usize>(2 * L)) * S;
      v128.store(d, v128.load(src + <usize>j * S));
      v128.store(d, v128.load(src + <usize>j * S, 16), 16);
    }
    if (j < N) v128.store(dst + (<usize>j * <usize>kc + <usize>k * <usize>L) * S, v128.load(src + <usize>j * S));
  }
}

// mc rows (a multiple of MR) of A, element (i, k) at A + i·bsam + k·bsak, into strips of
// MR rows: strip s at dst + s·MR·kc·S, element (r, k) of it at (MR·k + r)·S.
export function packAStrips<T>(dst: usize, A: usize, bsam: usize, bsak: usize, kc: i32, mc: i32): void {
  const S = <usize>sizeof<T>();
  if (bsam === S) {
    // Aᵀ: the MR rows of a k are contiguous
    for (let i = 0; i < mc; i += MR) {
      let d = dst + <usize>i * <usize>kc * S,
        src = A + <usize>i * S;
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load(src));
        if (sizeof<T>() === 8) v128.store(d, v128.load(src, 16), 16);
        if (MR === 5) store<T>(d + 4 * S, load<T>(src + 4 * S));
        d += <usize>MR * S;
        src += bsak;
      }
    }
    return;
  }
  // A: rows 0-3 of a strip by vector transposes (4×4 f32, 2×2 f64), row 4 (MR = 5) element-wise
  const L = lanes<T>();
  const kv = bsak === S ? kc - (kc % L) : 0;
  for (let i = 0; i < mc; i += MR) {
    const d = dst + <usize>i * <usize>kc * S;
    const r0 = A + <usize>i * bsam;
    for (let k = 0; k < kv; k += L) {
      const o = <usize>k * S,
        q = d + <usize>(MR * k) * S;
      // group k + t of the strip starts MR elements after group k + t - 1
      transposeBlock<T>(r0 + o, bsam, q, <usize>MR * S);
      if (sizeof<T>() === 8) transposeBlock<T>(r0 + 2 * bsam + o, bsam, q + 16, <usize>MR * S);
    }
    for (let r = 0; r < MR; r++) {
      const k1 = r < 4 ? kv : 0;
      let src = r0 + <usize>r * bsam + <usize>k1 * bsak,
        q = d + <usize>(MR * k1 + r) * S;
      for (let k = k1; k < kc; k++) {
        store<T>(q, load<T>(src));
        src += bsak;
        q += <usize>MR * S;
      }
    }
  }
}
