// The exported ABI of the WebAssembly core (assembly/index.ts): byte offsets into
// `memory` and numbers, nothing else.

/** A pass over a plan (assembly/mlp.ts, mlp-reverse.ts): the plan's byte offset. */
export type PlanKernel = (plan: number) => void;
/** C (mode: 0 +=, 1 =, 2 = + bias) op(A)·B; strides in elements (assembly/gemm/gemm.ts). */
export type GemmKernel = (
  A: number,
  sam: number,
  sak: number,
  B: number,
  ldb: number,
  C: number,
  ldc: number,
  M: number,
  N: number,
  K: number,
  mode: number,
  bias: number,
) => void;
/** An activation and its derivatives up to `order` over n elements (assembly/activations.ts). */
export type ActivateKernel = (act: number, Z: number, A: number, S1: number, S2: number, S3: number, n: number, order: number) => void;
/** Adam/AdamW in place on n parameters (assembly/optim.ts). */
export type AdamKernel = (
  P: number,
  G: number,
  M: number,
  V: number,
  n: number,
  step: number,
  root: number,
  b1: number,
  b2: number,
  eps: number,
  decay: number,
  l2: number,
) => void;
/** SGD (momentum, Nesterov) in place on n parameters. */
export type SgdKernel = (P: number, G: number, U: number, n: number, lr: number, mu: number, nesterov: number, wd: number) => void;
/** max |x_i| over n elements at X; NaN if any is NaN, Infinity if any is infinite (assembly/norms.ts). */
export type MaxAbsKernel = (X: number, n: number) => number;
/** y = H·x for a dense symmetric n×n float64 H, rows ld apart (assembly/dense.ts). */
export type SymmetricProductKernel = (H: number, ld: number, n: number, x: number, y: number) => void;
/** H ← scale·H + auu·u uᵀ + auv·(u vᵀ + v uᵀ) + avv·v vᵀ, then out = H·g (assembly/dense.ts). */
export type SymmetricRankTwoUpdateKernel = (
  H: number,
  ld: number,
  n: number,
  scale: number,
  u: number,
  v: number,
  auu: number,
  auv: number,
  avv: number,
  g: number,
  out: number,
) => void;

/** Backward pass keeping per-point parameter Jacobian rows (assembly/rows.ts): rows at `rows`, `stride` bytes apart, laid out like the gradient buffer at `grads`. */
export type BackwardRowsKernel = (plan: number, rows: number, stride: number, grads: number) => void;
/** In-place Cholesky of an n×n float64 matrix, rows ld apart; 0, or i + 1 for a non-positive pivot i (assembly/dense.ts). */
export type CholeskyKernel = (A: number, ld: number, n: number) => number;
/** Solves L Lᵀ x = b in place with L from the Cholesky kernel. */
export type CholeskySolveKernel = (L: number, ld: number, n: number, b: number) => void;

/** Functions and memory exported by jetfit.wasm / jetfit-relaxed.wasm: each kernel for f32 and f64. */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  /** 1 in the relaxed-SIMD (fused multiply-add) build, 0 in the portable SIMD build. */
  relaxed_simd(): number;
  forward_f32: PlanKernel;
  forward_f64: PlanKernel;
  backward_f32: PlanKernel;
  backward_f64: PlanKernel;
  forward_reverse_f32: PlanKernel;
  forward_reverse_f64: PlanKernel;
  backward_reverse_f32: PlanKernel;
  backward_reverse_f64: PlanKernel;
  gemm_f32: GemmKernel;
  gemm_f64: GemmKernel;
  activate_f32: ActivateKernel;
  activate_f64: ActivateKernel;
  adam_f32: AdamKernel;
  adam_f64: AdamKernel;
  sgd_f32: SgdKernel;
  sgd_f64: SgdKernel;
  max_abs_f32: MaxAbsKernel;
  max_abs_f64: MaxAbsKernel;
  symmetric_product_f64: SymmetricProductKernel;
  symmetric_rank_two_update_f64: SymmetricRankTwoUpdateKernel;
  backward_rows_f32: BackwardRowsKernel;
  backward_rows_f64: BackwardRowsKernel;
  cholesky_f64: CholeskyKernel;
  cholesky_solve_f64: CholeskySolveKernel;
}

/** Names every core module must export, one per member of CoreExports (a missing or extra name is a compile error). */
const EXPORTS: Record<keyof CoreExports, true> = {
  memory: true,
  heap_base: true,
  relaxed_simd: true,
  forward_f32: true,
  forward_f64: true,
  backward_f32: true,
  backward_f64: true,
  forward_reverse_f32: true,
  forward_reverse_f64: true,
  backward_reverse_f32: true,
  backward_reverse_f64: true,
  gemm_f32: true,
  gemm_f64: true,
  activate_f32: true,
  activate_f64: true,
  adam_f32: true,
  adam_f64: true,
  sgd_f32: true,
  sgd_f64: true,
  max_abs_f32: true,
  max_abs_f64: true,
  symmetric_product_f64: true,
  symmetric_rank_two_update_f64: true,
  backward_rows_f32: true,
  backward_rows_f64: true,
  cholesky_f64: true,
  cholesky_solve_f64: true,
};

/** Names every core module must export; checked when a module is loaded (test/runtime/abi.test.ts checks there are no others). */
export const REQUIRED_EXPORTS = Object.keys(EXPORTS) as (keyof CoreExports)[];
