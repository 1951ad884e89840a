// GEMM register tile 1 row × 2 vectors, A read in place (the M tail).
//
// Layout: C rows row-major, ldc bytes apart; B rows ldb bytes apart (in place, or a packed
// column strip); A element (r, k) at A + r·sam + k·sak (bytes), so the same tile reads A
// and Aᵀ. Contract: kc ≥ 1; init 0 (GEMM_ACCUMULATE): C += A·B; 1 (GEMM_OVERWRITE):
// C = A·B; 2 (GEMM_BIAS): C = A·B + bias (one row of the tile's width). B, C, bias 16-byte aligned.
import { vfma } from '../simd';

// @ts-ignore: decorator
@inline export function tile1x2<T>(A: usize, sak: usize, B: usize, ldb: usize, C: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128, c1: v128;
  if (init === 0) {
    c0 = v128.load(C);
    c1 = v128.load(C, 16);
  } else if (init === 2) {
    c0 = v128.load(bias);
    c1 = v128.load(bias, 16);
  } else {
    c0 = v128.splat<T>(<T>0);
    c1 = c0;
  }
  let pa = A,
    pb = B;
  for (let k = 0; k < kc; k++) {
    const a = v128.load_splat<T>(pa);
    c0 = vfma<T>(a, v128.load(pb), c0);
    c1 = vfma<T>(a, v128.load(pb, 16), c1);
    pa += sak;
    pb += ldb;
  }
  v128.store(C, c0);
  v128.store(C, c1, 16);
}
