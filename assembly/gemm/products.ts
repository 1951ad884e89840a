// The three products of a layer, named: each is one gemm() call with its operand layout.
//
// Layout: X [rows][inP] (a layer's input columns, inP contiguous), Wt [inP][outP] (the
// transposed weights), W [outP][inP], Z and G [rows][outP]; all row-major, padded widths.
// Contract: rows ≥ 0; mode as in modes.ts; bias (outP elements) read only with GEMM_BIAS.
import { gemm } from './gemm';

// Z (= / += / = + bias) X · Wᵀ: the forward product, rows × outP from rows × inP.
// @ts-ignore: decorator
@inline export function forwardProduct<T>(
  X: usize,
  Wt: usize,
  Z: usize,
  rows: i32,
  inP: i32,
  outP: i32,
  mode: i32,
  bias: usize,
): void {
  gemm<T>(X, inP, 1, Wt, outP, Z, outP, rows, outP, inP, mode, bias);
}

// W̄ (= or +=) Gᵀ · X: the weight gradient, outP × inP, a reduction over the rows.
// @ts-ignore: decorator
@inline export function weightGradient<T>(G: usize, X: usize, Wbar: usize, rows: i32, inP: i32, outP: i32, mode: i32): void {
  gemm<T>(G, 1, outP, X, inP, Wbar, inP, outP, inP, rows, mode, 0);
}

// X̄ = G · W: the cotangent of the layer's input, rows × inP from rows × outP.
// @ts-ignore: decorator
@inline export function inputAdjoint<T>(G: usize, W: usize, Xbar: usize, rows: i32, inP: i32, outP: i32): void {
  gemm<T>(G, outP, 1, W, inP, Xbar, inP, rows, inP, outP, 1, 0);
}
