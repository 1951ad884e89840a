// GEMM: C[M][N] (= or +=) op(A)[M][K] · B[K][N]  (+ bias[N] on every row).
//
// Layout: every matrix row-major with its own row stride in bytes. B and C are read and
// written a vector at a time along N, so N must be a multiple of the lane count
// (4 for f32, 2 for f64); callers pad feature dimensions to that. A is addressed through
// two byte strides, so the same kernel serves A (sam = lda, sak = size) and Aᵀ
// (sam = size, sak = lda): the three products of a layer (Z = A·Wᵀ, Ā = Z̄·W, W̄ = Z̄ᵀ·A)
// are all this one kernel.
//
// Register tiles: MR rows × 2 vectors (5×8 f32, 5×4 f64, ten accumulators; 4 rows in
// the portable build) on packed operands wherever B is packed; 4 rows × 2 vectors (eight
// accumulators) reading A in place for the rows left over and the narrow weight gradients. V8 on x64 uses only
// xmm0–xmm15, which bounds the tile (see tileStrip2). K is blocked by KC so that, for the
// long reductions of W̄ = Z̄ᵀ·A, the A and B panels of one block stay in L1/L2.
//
// Contract: M, K ≥ 0; N a multiple of the lane count; pointers 16-byte aligned for B and
// C rows (A may be unaligned). mode 0: C += product; mode 1: C = product;
// mode 2: C = product + bias (bias: N elements).
import { lanes, transposeBlock, vfma } from './simd';

const KC: i32 = 128;
// Rows of the packed tiles: 5 with fused multiply-add; the portable build's separate
// multiply and add need a register more, and its 5-row tile spills (8-15 % slower), so
// it keeps 4 rows, each a broadcast load.
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 5 : 4;

// @ts-ignore: decorator
@inline function tile4x2<T>(A: usize, sam: usize, sak: usize, B: usize, ldb: usize,
                            C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (init == 0) {
    c00 = v128.load(C); c01 = v128.load(C, 16);
    c10 = v128.load(C + ldc); c11 = v128.load(C + ldc, 16);
    c20 = v128.load(C + 2 * ldc); c21 = v128.load(C + 2 * ldc, 16);
    c30 = v128.load(C + 3 * ldc); c31 = v128.load(C + 3 * ldc, 16);
  } else if (init == 2) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
    c10 = c00; c11 = c01; c20 = c00; c21 = c01; c30 = c00; c31 = c01;
  } else {
    c00 = v128.splat<T>(<T>0); c01 = c00; c10 = c00; c11 = c00;
    c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  }
  let pa = A, pb = B;
  const sam2 = sam + sam, sam3 = sam2 + sam;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = vfma<T>(a, b0, c00); c01 = vfma<T>(a, b1, c01);
    a = v128.load_splat<T>(pa + sam);
    c10 = vfma<T>(a, b0, c10); c11 = vfma<T>(a, b1, c11);
    a = v128.load_splat<T>(pa + sam2);
    c20 = vfma<T>(a, b0, c20); c21 = vfma<T>(a, b1, c21);
    a = v128.load_splat<T>(pa + sam3);
    c30 = vfma<T>(a, b0, c30); c31 = vfma<T>(a, b1, c31);
    pa += sak; pb += ldb;
  }
  v128.store(C, c00); v128.store(C, c01, 16);
  v128.store(C + ldc, c10); v128.store(C + ldc, c11, 16);
  v128.store(C + 2 * ldc, c20); v128.store(C + 2 * ldc, c21, 16);
  v128.store(C + 3 * ldc, c30); v128.store(C + 3 * ldc, c31, 16);
}

// @ts-ignore: decorator
@inline function tile4x1<T>(A: usize, sam: usize, sak: usize, B: usize, ldb: usize,
                            C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128, c1: v128, c2: v128, c3: v128;
  if (init == 0) {
    c0 = v128.load(C); c1 = v128.load(C + ldc); c2 = v128.load(C + 2 * ldc); c3 = v128.load(C + 3 * ldc);
  } else if (init == 2) {
    c0 = v128.load(bias); c1 = c0; c2 = c0; c3 = c0;
  } else {
    c0 = v128.splat<T>(<T>0); c1 = c0; c2 = c0; c3 = c0;
  }
  let pa = A, pb = B;
  const sam2 = sam + sam, sam3 = sam2 + sam;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    c0 = vfma<T>(v128.load_splat<T>(pa), b0, c0);
    c1 = vfma<T>(v128.load_splat<T>(pa + sam), b0, c1);
    c2 = vfma<T>(v128.load_splat<T>(pa + sam2), b0, c2);
    c3 = vfma<T>(v128.load_splat<T>(pa + sam3), b0, c3);
    pa += sak; pb += ldb;
  }
  v128.store(C, c0); v128.store(C + ldc, c1); v128.store(C + 2 * ldc, c2); v128.store(C + 3 * ldc, c3);
}

// @ts-ignore: decorator
@inline function tile1x2<T>(A: usize, sak: usize, B: usize, ldb: usize,
                            C: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128, c1: v128;
  if (init == 0) { c0 = v128.load(C); c1 = v128.load(C, 16); }
  else if (init == 2) { c0 = v128.load(bias); c1 = v128.load(bias, 16); }
  else { c0 = v128.splat<T>(<T>0); c1 = c0; }
  let pa = A, pb = B;
  for (let k = 0; k < kc; k++) {
    const a = v128.load_splat<T>(pa);
    c0 = vfma<T>(a, v128.load(pb), c0);
    c1 = vfma<T>(a, v128.load(pb, 16), c1);
    pa += sak; pb += ldb;
  }
  v128.store(C, c0); v128.store(C, c1, 16);
}

// @ts-ignore: decorator
@inline function tile1x1<T>(A: usize, sak: usize, B: usize, ldb: usize,
                            C: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128;
  if (init == 0) c0 = v128.load(C);
  else if (init == 2) c0 = v128.load(bias);
  else c0 = v128.splat<T>(<T>0);
  let pa = A, pb = B;
  for (let k = 0; k < kc; k++) {
    c0 = vfma<T>(v128.load_splat<T>(pa), v128.load(pb), c0);
    pa += sak; pb += ldb;
  }
  v128.store(C, c0);
}

// The tiles on packed operands: A a strip of kc × MR (element (r, k) at (MR·k + r)·S),
// B a strip of kc × tile width. With MR = 5 (the relaxed-SIMD build): Ten accumulators: FMA latency on this class of x64 core
// needs more than eight independent chains to keep both FMA ports busy (a loop of
// register-only FMAs: 39 GFLOP/s with 8 chains, 45 with 10), and the 4×2 tile's eight
// are the most that fit the 16 xmm registers V8 uses when A comes as broadcast loads
// (V8 issues all of a step's loads first, so five broadcasts spill two accumulators).
// Here rows 0-3 arrive as one vector and each lane is broadcast by a shuffle next to its
// use, row 4 by one broadcast load: 10 accumulators + 2 of B + A (2 in f64) + 1 temporary, no
// spill (checked in V8's code), and every offset a constant.
// @ts-ignore: decorator
@inline function lane<T>(v: v128, i: i32): v128 {
  if (sizeof<T>() == 4) {
    if (i == 0) return v128.shuffle<i32>(v, v, 0, 0, 0, 0);
    if (i == 1) return v128.shuffle<i32>(v, v, 1, 1, 1, 1);
    if (i == 2) return v128.shuffle<i32>(v, v, 2, 2, 2, 2);
    return v128.shuffle<i32>(v, v, 3, 3, 3, 3);
  }
  return i == 0 ? v128.shuffle<i64>(v, v, 0, 0) : v128.shuffle<i64>(v, v, 1, 1);
}

// Row r < 4 of a packed A step at pa, broadcast: a lane of av (f32; f64 rows 0-1) or aw
// (f64 rows 2-3) with MR = 5, a broadcast load with MR = 4.
// @ts-ignore: decorator
@inline function rowA<T>(pa: usize, av: v128, aw: v128, r: i32): v128 {
  if (MR == 4) return v128.load_splat<T>(pa + <usize>r * sizeof<T>());
  if (sizeof<T>() == 4) return lane<T>(av, r);
  return lane<T>(r < 2 ? av : aw, r & 1);
}

// @ts-ignore: decorator
@inline function tileStrip2<T>(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128, c40: v128, c41: v128;
  if (init == 0) {
    c00 = v128.load(C); c01 = v128.load(C, 16);
    c10 = v128.load(C + ldc); c11 = v128.load(C + ldc, 16);
    c20 = v128.load(C + 2 * ldc); c21 = v128.load(C + 2 * ldc, 16);
    c30 = v128.load(C + 3 * ldc); c31 = v128.load(C + 3 * ldc, 16);
    c40 = MR == 5 ? v128.load(C + 4 * ldc) : c00; c41 = MR == 5 ? v128.load(C + 4 * ldc, 16) : c01;
  } else if (init == 2) {
    c00 = v128.load(bias); c01 = v128.load(bias, 16);
    c10 = c00; c11 = c01; c20 = c00; c21 = c01; c30 = c00; c31 = c01; c40 = c00; c41 = c01;
  } else {
    c00 = v128.splat<T>(<T>0); c01 = c00; c10 = c00; c11 = c00;
    c20 = c00; c21 = c00; c30 = c00; c31 = c00; c40 = c00; c41 = c00;
  }
  let pa = A, pb = B;
  const end = A + <usize>kc * MR * sizeof<T>();
  while (pa < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    // rows 0-3: one vector (f32) or two (f64) with MR = 5, broadcast loads with MR = 4
    const av = MR == 5 ? v128.load(pa) : b0;
    const aw = MR == 5 && sizeof<T>() == 8 ? v128.load(pa, 16) : av;
    let a = rowA<T>(pa, av, aw, 0);
    c00 = vfma<T>(a, b0, c00); c01 = vfma<T>(a, b1, c01);
    a = rowA<T>(pa, av, aw, 1);
    c10 = vfma<T>(a, b0, c10); c11 = vfma<T>(a, b1, c11);
    a = rowA<T>(pa, av, aw, 2);
    c20 = vfma<T>(a, b0, c20); c21 = vfma<T>(a, b1, c21);
    a = rowA<T>(pa, av, aw, 3);
    c30 = vfma<T>(a, b0, c30); c31 = vfma<T>(a, b1, c31);
    if (MR == 5) {
      const a4 = v128.load_splat<T>(pa, 4 * sizeof<T>());
      c40 = vfma<T>(a4, b0, c40); c41 = vfma<T>(a4, b1, c41);
    }
    pa += MR * sizeof<T>(); pb += 32;
  }
  v128.store(C, c00); v128.store(C, c01, 16);
  v128.store(C + ldc, c10); v128.store(C + ldc, c11, 16);
  v128.store(C + 2 * ldc, c20); v128.store(C + 2 * ldc, c21, 16);
  v128.store(C + 3 * ldc, c30); v128.store(C + 3 * ldc, c31, 16);
  if (MR == 5) { v128.store(C + 4 * ldc, c40); v128.store(C + 4 * ldc, c41, 16); }
}

// @ts-ignore: decorator
@inline function tileStrip1<T>(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128, c1: v128, c2: v128, c3: v128, c4: v128;
  if (init == 0) {
    c0 = v128.load(C); c1 = v128.load(C + ldc); c2 = v128.load(C + 2 * ldc); c3 = v128.load(C + 3 * ldc);
    c4 = MR == 5 ? v128.load(C + 4 * ldc) : c0;
  } else if (init == 2) {
    c0 = v128.load(bias); c1 = c0; c2 = c0; c3 = c0; c4 = c0;
  } else {
    c0 = v128.splat<T>(<T>0); c1 = c0; c2 = c0; c3 = c0; c4 = c0;
  }
  let pa = A, pb = B;
  const end = A + <usize>kc * MR * sizeof<T>();
  while (pa < end) {
    const b0 = v128.load(pb);
    c0 = vfma<T>(v128.load_splat<T>(pa), b0, c0);
    c1 = vfma<T>(v128.load_splat<T>(pa, sizeof<T>()), b0, c1);
    c2 = vfma<T>(v128.load_splat<T>(pa, 2 * sizeof<T>()), b0, c2);
    c3 = vfma<T>(v128.load_splat<T>(pa, 3 * sizeof<T>()), b0, c3);
    if (MR == 5) c4 = vfma<T>(v128.load_splat<T>(pa, 4 * sizeof<T>()), b0, c4);
    pa += MR * sizeof<T>(); pb += 16;
  }
  v128.store(C, c0); v128.store(C + ldc, c1); v128.store(C + 2 * ldc, c2); v128.store(C + 3 * ldc, c3);
  if (MR == 5) v128.store(C + 4 * ldc, c4);
}

// Packing. Without it the tile's k loop walks B (and Aᵀ) with a stride of a whole row:
// for rows of 512 B or more, every k lands in the same few L1 sets and each load goes
// to L2. Each K block of B is copied once into column strips (tile width × kc,
// contiguous), and wherever B is packed, A too, a block of up to MC rows at a time, into
// strips of MR rows (kc × MR) for the packed tiles; the copies are small next to the products
// that reuse them (A: once per 2N flops). The weight gradient W̄ = Z̄ᵀ·A of a narrow layer
// (rows under 512 B) is the exception: its few tiles reuse each copy too seldom, and
// reading both operands in place is 20-30 % faster (52×52×5120: 24 → 32 GFLOP/s f32); its
// products (B·kc wide, KC = 128) stay in L1, and it keeps the 4-row tiles.
const WORKSPACE: usize = 1 << 20;
const packedB: usize = memory.data(<i32>WORKSPACE, 64);
const packedA: usize = memory.data(<i32>WORKSPACE, 64);

function packB<T>(dst: usize, B: usize, bldb: usize, kc: i32, N: i32, N2: i32): void {
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
function packAStrips<T>(dst: usize, A: usize, bsam: usize, bsak: usize, kc: i32, mc: i32): void {
  const S = <usize>sizeof<T>();
  if (bsam == S) {
    // Aᵀ: the MR rows of a k are contiguous
    for (let i = 0; i < mc; i += MR) {
      let d = dst + <usize>i * <usize>kc * S, src = A + <usize>i * S;
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load(src));
        if (sizeof<T>() == 8) v128.store(d, v128.load(src, 16), 16);
        if (MR == 5) store<T>(d + 4 * S, load<T>(src + 4 * S));
        d += <usize>MR * S; src += bsak;
      }
    }
    return;
  }
  // A: rows 0-3 of a strip by vector transposes (4×4 f32, 2×2 f64), row 4 (MR = 5) element-wise
  const L = lanes<T>();
  const kv = bsak == S ? kc - kc % L : 0;
  for (let i = 0; i < mc; i += MR) {
    const d = dst + <usize>i * <usize>kc * S;
    const r0 = A + <usize>i * bsam;
    for (let k = 0; k < kv; k += L) {
      const o = <usize>k * S, q = d + <usize>(MR * k) * S;
      // group k + t of the strip starts MR elements after group k + t - 1
      transposeBlock<T>(r0 + o, bsam, q, <usize>MR * S);
      if (sizeof<T>() == 8) transposeBlock<T>(r0 + 2 * bsam + o, bsam, q + 16, <usize>MR * S);
    }
    for (let r = 0; r < MR; r++) {
      const k1 = r < 4 ? kv : 0;
      let src = r0 + <usize>r * bsam + <usize>k1 * bsak, q = d + <usize>(MR * k1 + r) * S;
      for (let k = k1; k < kc; k++) {
        store<T>(q, load<T>(src));
        src += bsak; q += <usize>MR * S;
      }
    }
  }
}

/** Strides sam, sak, ldb, ldc are in elements. See the file comment for the contract. */
export function gemm<T>(A: usize, sam: i32, sak: i32, B: usize, ldb: i32, C: usize, ldc: i32,
                        M: i32, N: i32, K: i32, mode: i32, bias: usize): void {
  const S = <usize>sizeof<T>();
  const L = lanes<T>();
  const bsam = <usize>sam * S, bsak = <usize>sak * S, bldb = <usize>ldb * S, bldc = <usize>ldc * S;
  if (K == 0) {
    // An empty reduction still defines C (zero or bias) unless accumulating.
    if (mode != 0) for (let i = 0; i < M; i++) {
      const row = C + <usize>i * bldc;
      for (let j = 0; j < N; j += L) {
        v128.store(row + <usize>j * S, mode == 2 ? v128.load(bias + <usize>j * S) : v128.splat<T>(<T>0));
      }
    }
    return;
  }
  const N2 = N - N % (2 * L);
  const transposedA = sam == 1 && sak != 1;
  // Pack when there are enough tiles to reuse the copies and the strips fit the workspace;
  // for Aᵀ·B only where rows are long enough to thrash L1 (see Packing).
  let kcMax = KC;
  // (measured: f64 rows of exactly 512 B, the 64-wide layers, are still faster in place)
  const longRows: usize = sizeof<T>() == 4 ? 512 : 513;
  const packed = M >= 8 && (bldb >= longRows || !transposedA) && <usize>N * S * 16 <= WORKSPACE;
  if (packed) kcMax = min(kcMax, <i32>(WORKSPACE / (<usize>N * S)));
  // rows of A in the packed tiles, and how many are packed at a time
  const Mp = packed ? M - M % MR : 0;
  const MC = <i32>(WORKSPACE / (<usize>kcMax * S)) / MR * MR;
  for (let k0 = 0; k0 < K; k0 += kcMax) {
    const kc = min(kcMax, K - k0);
    const init = k0 == 0 ? mode : 0;
    const Ak = A + <usize>k0 * bsak;
    const Bk = B + <usize>k0 * bldb;
    if (packed) packB<T>(packedB, Bk, bldb, kc, N, N2);
    // Tile (i, j) reads B at Bt + j·tb with row stride ldb2 (two vectors wide) or ldb1.
    const Bt = packed ? packedB : Bk;
    const tb = packed ? <usize>kc * S : S;
    const ldb2 = packed ? <usize>(2 * L) * S : bldb, ldb1 = packed ? <usize>L * S : bldb;
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
