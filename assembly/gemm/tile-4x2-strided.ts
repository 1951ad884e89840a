// GEMM register tile 4 rows × 2 vectors (8×… f32: 4×8, f64: 4×4), A read in place (eight accumulators).
//
// Layout: C rows row-major, ldc bytes apart; B rows ldb bytes apart (in place, or a packed
// column strip); A element (r, k) at A + r·sam + k·sak (bytes), so the same tile reads A
// and Aᵀ. Contract: kc ≥ 1; init 0 (GEMM_ACCUMULATE): C += A·B; 1 (GEMM_OVERWRITE):
// C = A·B; 2 (GEMM_BIAS): C = A·B + bias (one row of the tile's width). B, C, bias 16-byte aligned.
import { vfma } from '../simd';

// @ts-ignore: decorator
@inline export function tile4x2<T>(
  A: usize,
  sam: usize,
  sak: usize,
  B: usize,
  ldb: usize,
  C: usize,
  ldc: usize,
  kc: i32,
  init: i32,
  bias: usize,
): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (init === 0) {
    c00 = v128.load(C);
    c01 = v128.load(C, 16);
    c10 = v128.load(C + ldc);
    c11 = v128.load(C + ldc, 16);
    c20 = v128.load(C + 2 * ldc);
    c21 = v128.load(C + 2 * ldc, 16);
    c30 = v128.load(C + 3 * ldc);
    c31 = v128.load(C + 3 * ldc, 16);
  } else if (init === 2) {
    c00 = v128.load(bias);
    c01 = v128.load(bias, 16);
    c10 = c00;
    c11 = c01;
    c20 = c00;
    c21 = c01;
    c30 = c00;
    c31 = c01;
  } else {
    c00 = v128.splat<T>(<T>0);
    c01 = c00;
    c10 = c00;
    c11 = c00;
    c20 = c00;
    c21 = c00;
    c30 = c00;
    c31 = c00;
  }
  let pa = A,
    pb = B;
  const sam2 = sam + sam,
    sam3 = sam2 + sam;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb),
      b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = vfma<T>(a, b0, c00);
    c01 = vfma<T>(a, b1, c01);
    a = v128.load_splat<T>(pa + sam);
    c10 = vfma<T>(a, b0, c10);
    c11 = vfma<T>(a, b1, c11);
    a = v128.load_splat<T>(pa + sam2);
    c20 = vfma<T>(a, b0, c20);
    c21 = vfma<T>(a, b1, c21);
    a = v128.load_splat<T>(pa + sam3);
    c30 = vfma<T>(a, b0, c30);
    c31 = vfma<T>(a, b1, c31);
    pa += sak;
    pb += ldb;
  }
  v128.store(C, c00);
  v128.store(C, c01, 16);
  v128.store(C + ldc, c10);
  v128.store(C + ldc, c11, 16);
  v128.store(C + 2 * ldc, c20);
  v128.store(C + 2 * ldc, c21, 16);
  v128.store(C + 3 * ldc, c30);
  v128.store(C + 3 * ldc, c31, 16);
}
