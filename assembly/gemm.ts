// GEMM: C[M][N] (= or +=) op(A)[M][K] · B[K][N]  (+ bias[N] on every row).
//
// Layout: every matrix row-major with its own row stride in bytes. B and C are read and
// written a vector at a time along N, so N must be a multiple of the lane count
// (4 for f32, 2 for f64); callers pad feature dimensions to that. A is addressed through
// two byte strides, so the same kernel serves A (sam = lda, sak = size) and Aᵀ
// (sam = size, sak = lda): the three products of a layer (Z = A·Wᵀ, Ā = Z̄·W, W̄ = Z̄ᵀ·A)
// are all this one kernel.
//
// Register tile: 4 rows × 2 vectors (4×8 f32, 4×4 f64), eight accumulators. V8 on x64
// uses only xmm0–xmm15, and larger tiles spill. K is blocked by KC so that, for the long
// reductions of W̄ = Z̄ᵀ·A, the A and B panels of one block stay in L1/L2.
//
// Contract: M, K ≥ 0; N a multiple of the lane count; pointers 16-byte aligned for B and
// C rows (A may be unaligned). mode 0: C += product; mode 1: C = product;
// mode 2: C = product + bias (bias: N elements).
import { lanes, vfma } from './simd';

const KC: i32 = 128;

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

// The same 4×2 and 4×1 tiles on packed operands (the weight gradient of wide layers):
// A a strip of kc × 4 (element (r, k) at (4k + r)·S), B a strip of kc × tile width.
// Every offset is a constant, so V8 keeps A's four row addresses as loop invariants and
// steps one pointer per operand, where with the strides as arguments (the generic tiles,
// even inlined with constant arguments) it recomputes each row address at every k
// (256×256×3072 Aᵀ·B: 24 → 28 GFLOP/s f32). For A·B the generic tile already runs at
// the FMA units' limit (8 accumulators, 2 FMA ports, latency 4).
// @ts-ignore: decorator
@inline function tile4x2p<T>(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
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
  const end = A + <usize>kc * 4 * sizeof<T>();
  while (pa < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = vfma<T>(a, b0, c00); c01 = vfma<T>(a, b1, c01);
    a = v128.load_splat<T>(pa, sizeof<T>());
    c10 = vfma<T>(a, b0, c10); c11 = vfma<T>(a, b1, c11);
    a = v128.load_splat<T>(pa, 2 * sizeof<T>());
    c20 = vfma<T>(a, b0, c20); c21 = vfma<T>(a, b1, c21);
    a = v128.load_splat<T>(pa, 3 * sizeof<T>());
    c30 = vfma<T>(a, b0, c30); c31 = vfma<T>(a, b1, c31);
    pa += 4 * sizeof<T>(); pb += 32;
  }
  v128.store(C, c00); v128.store(C, c01, 16);
  v128.store(C + ldc, c10); v128.store(C + ldc, c11, 16);
  v128.store(C + 2 * ldc, c20); v128.store(C + 2 * ldc, c21, 16);
  v128.store(C + 3 * ldc, c30); v128.store(C + 3 * ldc, c31, 16);
}

// @ts-ignore: decorator
@inline function tile4x1p<T>(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128, c1: v128, c2: v128, c3: v128;
  if (init == 0) {
    c0 = v128.load(C); c1 = v128.load(C + ldc); c2 = v128.load(C + 2 * ldc); c3 = v128.load(C + 3 * ldc);
  } else if (init == 2) {
    c0 = v128.load(bias); c1 = c0; c2 = c0; c3 = c0;
  } else {
    c0 = v128.splat<T>(<T>0); c1 = c0; c2 = c0; c3 = c0;
  }
  let pa = A, pb = B;
  const end = A + <usize>kc * 4 * sizeof<T>();
  while (pa < end) {
    const b0 = v128.load(pb);
    c0 = vfma<T>(v128.load_splat<T>(pa), b0, c0);
    c1 = vfma<T>(v128.load_splat<T>(pa, sizeof<T>()), b0, c1);
    c2 = vfma<T>(v128.load_splat<T>(pa, 2 * sizeof<T>()), b0, c2);
    c3 = vfma<T>(v128.load_splat<T>(pa, 3 * sizeof<T>()), b0, c3);
    pa += 4 * sizeof<T>(); pb += 16;
  }
  v128.store(C, c0); v128.store(C + ldc, c1); v128.store(C + 2 * ldc, c2); v128.store(C + 3 * ldc, c3);
}

// Packing. Without it the tile's k loop walks B (and Aᵀ) with a stride of a whole row:
// for rows of 512 B or more, every k lands in the same few L1 sets and each load goes
// to L2. Each K block of B is copied once into column strips (tile width × kc,
// contiguous) and, when A is read transposed, each 4-row strip of A into kc × 4; the
// copies are small next to the products that reuse them. The weight gradient
// W̄ = Z̄ᵀ·A of a narrow layer (rows under 512 B) is the exception: its few tiles reuse
// each copy too seldom, and reading both operands in place is 20-30 % faster
// (52×52×5120: 24 → 32 GFLOP/s f32); its products (B·kc wide, KC = 128) stay in L1.
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

// A is read transposed (element (i, k) at A + i·S + k·bsak): strips of 4 rows, kc × 4.
function packAT<T>(dst: usize, A: usize, bsak: usize, kc: i32, M4: i32): void {
  const S = <usize>sizeof<T>();
  for (let k = 0; k < kc; k++) {
    const src = A + <usize>k * bsak;
    for (let i = 0; i < M4; i += 4) {
      const d = dst + (<usize>i * <usize>kc + <usize>k * 4) * S;
      v128.store(d, v128.load(src + <usize>i * S));
      if (sizeof<T>() == 8) v128.store(d, v128.load(src + <usize>i * S, 16), 16);
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
  const M4 = M & ~3;
  const N2 = N - N % (2 * L);
  const transposedA = sam == 1 && sak != 1;
  // Pack when there are enough tiles to reuse the copies and the strips fit the workspace;
  // for Aᵀ·B only where rows are long enough to thrash L1 (see Packing).
  let kcMax = KC;
  // (measured: f64 rows of exactly 512 B, the 64-wide layers, are still faster in place)
  const longRows: usize = sizeof<T>() == 4 ? 512 : 513;
  const packBOk = M >= 8 && (bldb >= longRows || !transposedA) && <usize>N * S * 16 <= WORKSPACE;
  const packAOk = transposedA && bsak >= longRows && M4 >= 4 && N >= 4 * L && <usize>M4 * S * 16 <= WORKSPACE;
  if (packBOk) kcMax = min(kcMax, <i32>(WORKSPACE / (<usize>N * S)));
  if (packAOk) kcMax = min(kcMax, <i32>(WORKSPACE / (<usize>M4 * S)));
  for (let k0 = 0; k0 < K; k0 += kcMax) {
    const kc = min(kcMax, K - k0);
    const init = k0 == 0 ? mode : 0;
    const Ak = A + <usize>k0 * bsak;
    const Bk = B + <usize>k0 * bldb;
    if (packBOk) packB<T>(packedB, Bk, bldb, kc, N, N2);
    if (packAOk) packAT<T>(packedA, Ak, bsak, kc, M4);
    // Tile (i, j) reads B at Bt + j·tb with row stride ldbt, and A at At + i·ta.
    const Bt = packBOk ? packedB : Bk;
    const tb = packBOk ? <usize>kc * S : S;
    const At = packAOk ? packedA : Ak;
    const ta = packAOk ? <usize>kc * S : bsam;
    const asam = packAOk ? S : bsam, asak = packAOk ? <usize>4 * S : bsak;
    const ldb2 = packBOk ? <usize>(2 * L) * S : bldb, ldb1 = packBOk ? <usize>L * S : bldb;
    for (let i = 0; i < M4; i += 4) {
      const Ci = C + <usize>i * bldc;
      let j = 0;
      if (packBOk && packAOk) {
        // both operands packed: the constant-stride tiles
        const Ai = At + <usize>i * ta;
        for (; j < N2; j += 2 * L) {
          const o = <usize>j * S;
          tile4x2p<T>(Ai, Bt + <usize>j * tb, Ci + o, bldc, kc, init, bias + o);
        }
        if (j < N) {
          const o = <usize>j * S;
          tile4x1p<T>(Ai, Bt + <usize>j * tb, Ci + o, bldc, kc, init, bias + o);
        }
        continue;
      }
      const Ai = At + <usize>i * ta;
      for (; j < N2; j += 2 * L) {
        const o = <usize>j * S;
        tile4x2<T>(Ai, asam, asak, Bt + <usize>j * tb, ldb2, Ci + o, bldc, kc, init, bias + o);
      }
      if (j < N) {
        const o = <usize>j * S;
        tile4x1<T>(Ai, asam, asak, Bt + <usize>j * tb, ldb1, Ci + o, bldc, kc, init, bias + o);
      }
    }
    for (let i = M4; i < M; i++) {
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
