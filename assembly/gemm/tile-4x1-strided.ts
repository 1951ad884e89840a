// GEMM register tile 4 rows × 1 vector, A read in place (the N tail of the 4-row tiles).
//
// Layout: C rows row-major, ldc bytes apart; B rows ldb bytes apart (in place, or a packed
// column strip); A element (r, k) at A + r·sam + k·sak (bytes), so the same tile reads A
// and Aᵀ. Contract: kc ≥ 1; init 0 (GEMM_ACCUMULATE): C += A·B; 1 (GEMM_OVERWRITE):
// C = A·B; 2 (GEMM_BIAS): C = A·B + bias (one row of the tile's width). B, C, bias 16-byte aligned.
import { vfma } from '../simd';

// @ts-ignore: decorator
@inline export function tile4x1<T>(
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
  let c0: v128, c1: v128, c2: v128, c3: v128;
  if (init === 0) {
    c0 = v128.load(C);
    c1 = v128.load(C + ldc);
    c2 = v128.load(C + 2 * ldc);
    c3 = v128.load(C + 3 * ldc);
  } else if (init === 2) {
    c0 = v128.load(bias);
    c1 = c0;
    c2 = c0;
    c3 = c0;
  } else {
    c0 = v128.splat<T>(<T>0);
    c1 = c0;
    c2 = c0;
    c3 = c0;
  }
  let pa = A,
    pb = B;
  const sam2 = sam + sam,
    sam3 = sam2 + sam;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    c0 = vfma<T>(v128.load_splat<T>(pa), b0, c0);
    c1 = vfma<T>(v128.load_splat<T>(pa + sam), b0, c1);
    c2 = vfma<T>(v128.load_splat<T>(pa + sam2), b0, c2);
    c3 = vfma<T>(v128.load_splat<T>(pa + sam3), b0, c3);
    pa += sak;
    pb += ldb;
  }
  v128.store(C, c0);
  v128.store(C + ldc, c1);
  v128.store(C + 2 * ldc, c2);
  v128.store(C + 3 * ldc, c3);
}
