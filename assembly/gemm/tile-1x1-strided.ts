// GEMM register tile 1 row × 1 vector, A read in place (the M and N tails).
//
// Layout: C rows row-major, ldc bytes apart; B rows ldb bytes apart (in place, or a packed
// column strip); A element (r, k) at A + r·sam + k·sak (bytes), so the same tile reads A
// and Aᵀ. Contract: kc ≥ 1; init 0 (GEMM_ACCUMULATE): C += A·B; 1 (GEMM_OVERWRITE):
// C = A·B; 2 (GEMM_BIAS): C = A·B + bias (one row of the tile's width). B, C, bias 16-byte aligned.
import { vfma } from '../simd';

// @ts-ignore: decorator
@inline export function tile1x1<T>(A: usize, sak: usize, B: usize, ldb: usize, C: usize, kc: i32, init: i32, bias: usize): void {
  let c0: v128;
  if (init === 0) c0 = v128.load(C);
  else if (init === 2) c0 = v128.load(bias);
  else c0 = v128.splat<T>(<T>0);
  let pa = A,
    pb = B;
  for (let k = 0; k < kc; k++) {
    c0 = vfma<T>(v128.load_splat<T>(pa), v128.load(pb), c0);
    pa += sak;
    pb += ldb;
  }
  v128.store(C, c0);
}
