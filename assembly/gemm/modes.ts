// What a GEMM does with C: the `mode` argument of gemm() and the `init` of each tile.
export const GEMM_ACCUMULATE: i32 = 0; // C += product
export const GEMM_OVERWRITE: i32 = 1; // C = product
export const GEMM_BIAS: i32 = 2; // C = product + bias (one row, added to every row)
