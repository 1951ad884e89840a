// The core's kernels for one dtype, bound once: a network calls `kernels.forward(plan)`,
// never `f64 ? exports.forward_f64 : exports.forward_f32`.
import type {
  AdamKernel,
  BackwardRowsKernel,
  CholeskyKernel,
  CholeskySolveKernel,
  CoreExports,
  GemmKernel,
  MaxAbsKernel,
  PlanKernel,
  SgdKernel,
  SymmetricProductKernel,
  SymmetricRankTwoUpdateKernel,
} from '../runtime/abi.js';
import type { DType } from '../base/dtype.js';

/** The kernels a network and its optimizers call, for its dtype (byte offsets and counts; see CoreExports). */
export interface Kernels {
  /** forward jets through every layer of a plan (assembly/mlp.ts) */
  forward: PlanKernel;
  /** their backward pass, parameter gradients into the gradient buffer */
  backward: PlanKernel;
  /** reverse mode: values, then the Jacobian by a backward pass per output (assembly/mlp-reverse.ts) */
  forwardReverse: PlanKernel;
  backwardReverse: PlanKernel;
  /** max |x_i| over n elements; NaN or Infinity when one is not finite */
  maxAbs: MaxAbsKernel;
  /** Adam/AdamW on n parameters in place (assembly/optim.ts) */
  adam: AdamKernel;
  /** SGD (momentum, Nesterov) on n parameters in place */
  sgd: SgdKernel;
  /** dense float64 y = H·x, whatever the dtype (assembly/dense.ts) */
  symmetricProduct: SymmetricProductKernel;
  /** dense float64 symmetric rank-two update of H, then H·g */
  symmetricRankTwoUpdate: SymmetricRankTwoUpdateKernel;
  /** float64 GEMM whatever the dtype (assembly/gemm/gemm.ts): Levenberg–Marquardt's JᵀJ */
  gemm64: GemmKernel;
  /** the backward pass keeping per-point parameter Jacobian rows (assembly/rows.ts) */
  backwardRows: BackwardRowsKernel;
  /** float64 Cholesky factorization in place, and the solve with it (assembly/dense.ts) */
  cholesky: CholeskyKernel;
  choleskySolve: CholeskySolveKernel;
}

/** The kernels of `dtype` from a loaded core. */
export function kernelsFor(ex: CoreExports, dtype: DType): Kernels {
  const dense = {
    symmetricProduct: ex.symmetric_product_f64,
    symmetricRankTwoUpdate: ex.symmetric_rank_two_update_f64,
    cholesky: ex.cholesky_f64,
    choleskySolve: ex.cholesky_solve_f64,
    gemm64: ex.gemm_f64,
  };
  return dtype === 'float64'
    ? {
        forward: ex.forward_f64,
        backward: ex.backward_f64,
        forwardReverse: ex.forward_reverse_f64,
        backwardReverse: ex.backward_reverse_f64,
        maxAbs: ex.max_abs_f64,
        adam: ex.adam_f64,
        sgd: ex.sgd_f64,
        backwardRows: ex.backward_rows_f64,
        ...dense,
      }
    : {
        forward: ex.forward_f32,
        backward: ex.backward_f32,
        forwardReverse: ex.forward_reverse_f32,
        backwardReverse: ex.backward_reverse_f32,
        maxAbs: ex.max_abs_f32,
        adam: ex.adam_f32,
        sgd: ex.sgd_f32,
        backwardRows: ex.backward_rows_f32,
        ...dense,
      };
}
