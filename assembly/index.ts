// The exported ABI: raw pointers (byte offsets into the exported memory) and numbers.
// JavaScript owns the memory above heap_base() and plans every buffer; nothing here
// allocates. Each kernel exists for f32 and f64.
import { gemm } from './gemm/gemm';
import { activate } from './activations';
import { forward, backward } from './mlp';
import { forwardReverse, backwardReverse } from './mlp-reverse';
import { adam, sgd } from './optim';
import { maxAbs } from './norms';
import { cholesky, choleskySolve, symmetricProduct, symmetricRankTwoUpdate } from './dense';

export function heap_base(): usize {
  return __heap_base;
}

/** 1 in the relaxed-SIMD build (fused multiply-add), 0 in the portable one. */
export function relaxed_simd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

export function forward_f32(plan: usize): void {
  forward<f32>(plan);
}
export function forward_f64(plan: usize): void {
  forward<f64>(plan);
}
export function backward_f32(plan: usize): void {
  backward<f32>(plan);
}
export function backward_f64(plan: usize): void {
  backward<f64>(plan);
}
// The backward pass with per-point parameter Jacobian rows instead of summed gradients (assembly/rows.ts).
export function backward_rows_f32(plan: usize, rows: usize, stride: usize, grads: usize): void {
  backward<f32>(plan, rows, stride, grads);
}
export function backward_rows_f64(plan: usize, rows: usize, stride: usize, grads: usize): void {
  backward<f64>(plan, rows, stride, grads);
}

export function forward_reverse_f32(plan: usize): void {
  forwardReverse<f32>(plan);
}
export function forward_reverse_f64(plan: usize): void {
  forwardReverse<f64>(plan);
}
export function backward_reverse_f32(plan: usize): void {
  backwardReverse<f32>(plan);
}
export function backward_reverse_f64(plan: usize): void {
  backwardReverse<f64>(plan);
}

export function gemm_f32(
  A: usize,
  sam: i32,
  sak: i32,
  B: usize,
  ldb: i32,
  C: usize,
  ldc: i32,
  M: i32,
  N: i32,
  K: i32,
  mode: i32,
  bias: usize,
): void {
  gemm<f32>(A, sam, sak, B, ldb, C, ldc, M, N, K, mode, bias);
}
export function gemm_f64(
  A: usize,
  sam: i32,
  sak: i32,
  B: usize,
  ldb: i32,
  C: usize,
  ldc: i32,
  M: i32,
  N: i32,
  K: i32,
  mode: i32,
  bias: usize,
): void {
  gemm<f64>(A, sam, sak, B, ldb, C, ldc, M, N, K, mode, bias);
}

export function activate_f32(act: i32, Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  activate<f32>(act, Z, A, S1, S2, S3, n, order);
}
export function activate_f64(act: i32, Z: usize, A: usize, S1: usize, S2: usize, S3: usize, n: i32, order: i32): void {
  activate<f64>(act, Z, A, S1, S2, S3, n, order);
}

export function adam_f32(
  P: usize,
  G: usize,
  M: usize,
  V: usize,
  n: i32,
  step: f64,
  root: f64,
  b1: f64,
  b2: f64,
  eps: f64,
  decay: f64,
  l2: f64,
): void {
  adam<f32>(P, G, M, V, n, step, root, b1, b2, eps, decay, l2);
}
export function adam_f64(
  P: usize,
  G: usize,
  M: usize,
  V: usize,
  n: i32,
  step: f64,
  root: f64,
  b1: f64,
  b2: f64,
  eps: f64,
  decay: f64,
  l2: f64,
): void {
  adam<f64>(P, G, M, V, n, step, root, b1, b2, eps, decay, l2);
}
export function sgd_f32(P: usize, G: usize, U: usize, n: i32, lr: f64, mu: f64, nesterov: i32, wd: f64): void {
  sgd<f32>(P, G, U, n, lr, mu, nesterov, wd);
}
export function sgd_f64(P: usize, G: usize, U: usize, n: i32, lr: f64, mu: f64, nesterov: i32, wd: f64): void {
  sgd<f64>(P, G, U, n, lr, mu, nesterov, wd);
}

export function max_abs_f32(X: usize, n: i32): f64 {
  return maxAbs<f32>(X, n);
}
export function max_abs_f64(X: usize, n: i32): f64 {
  return maxAbs<f64>(X, n);
}

// Dense quasi-Newton kernels: float64 only (the inverse-Hessian approximation is float64 for every network).
export function symmetric_product_f64(H: usize, ld: i32, n: i32, x: usize, y: usize): void {
  symmetricProduct(H, ld, n, x, y);
}
export function symmetric_rank_two_update_f64(
  H: usize,
  ld: i32,
  n: i32,
  scale: f64,
  u: usize,
  v: usize,
  auu: f64,
  auv: f64,
  avv: f64,
  g: usize,
  out: usize,
): void {
  symmetricRankTwoUpdate(H, ld, n, scale, u, v, auu, auv, avv, g, out);
}
export function cholesky_f64(A: usize, ld: i32, n: i32): i32 {
  return cholesky(A, ld, n);
}
export function cholesky_solve_f64(L: usize, ld: i32, n: i32, b: usize): void {
  choleskySolve(L, ld, n, b);
}
