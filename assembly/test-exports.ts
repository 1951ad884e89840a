// A test build of the core (build/jetfit-test*.wasm, never shipped): everything the real
// build exports, plus each kernel on its own, so that test/assembly/kernels.test.ts can
// reach every tile and rule regardless of the dispatch heuristics.
export * from './index';
import { tile4x2 } from './gemm/tile-4x2-strided';
import { tile4x1 } from './gemm/tile-4x1-strided';
import { tile1x2 } from './gemm/tile-1x2-strided';
import { tile1x1 } from './gemm/tile-1x1-strided';
import { tileStrip1, tileStrip2 } from './gemm/tile-mr-packed';
import { MR, packAStrips, packB } from './gemm/packing';
import { backwardDirection, backwardLaplacian, backwardPair, adjointOfScaling, forwardDirection, forwardPair, multiply } from './jets';
import { columnSums, multiplyAddColumnSums } from './reductions';
import { transpose } from './transpose';

export function mr(): i32 {
  return MR;
}

// Strides in bytes, as the tiles take them.
export function tile4x2_f32(
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
  tile4x2<f32>(A, sam, sak, B, ldb, C, ldc, kc, init, bias);
}
export function tile4x2_f64(
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
  tile4x2<f64>(A, sam, sak, B, ldb, C, ldc, kc, init, bias);
}
export function tile4x1_f32(
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
  tile4x1<f32>(A, sam, sak, B, ldb, C, ldc, kc, init, bias);
}
export function tile4x1_f64(
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
  tile4x1<f64>(A, sam, sak, B, ldb, C, ldc, kc, init, bias);
}
export function tile1x2_f32(A: usize, sak: usize, B: usize, ldb: usize, C: usize, kc: i32, init: i32, bias: usize): void {
  tile1x2<f32>(A, sak, B, ldb, C, kc, init, bias);
}
export function tile1x2_f64(A: usize, sak: usize, B: usize, ldb: usize, C: usize, kc: i32, init: i32, bias: usize): void {
  tile1x2<f64>(A, sak, B, ldb, C, kc, init, bias);
}
export function tile1x1_f32(A: usize, sak: usize, B: usize, ldb: usize, C: usize, kc: i32, init: i32, bias: usize): void {
  tile1x1<f32>(A, sak, B, ldb, C, kc, init, bias);
}
export function tile1x1_f64(A: usize, sak: usize, B: usize, ldb: usize, C: usize, kc: i32, init: i32, bias: usize): void {
  tile1x1<f64>(A, sak, B, ldb, C, kc, init, bias);
}
export function strip2_f32(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  tileStrip2<f32>(A, B, C, ldc, kc, init, bias);
}
export function strip2_f64(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  tileStrip2<f64>(A, B, C, ldc, kc, init, bias);
}
export function strip1_f32(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  tileStrip1<f32>(A, B, C, ldc, kc, init, bias);
}
export function strip1_f64(A: usize, B: usize, C: usize, ldc: usize, kc: i32, init: i32, bias: usize): void {
  tileStrip1<f64>(A, B, C, ldc, kc, init, bias);
}
export function pack_b_f32(dst: usize, B: usize, bldb: usize, kc: i32, N: i32, N2: i32): void {
  packB<f32>(dst, B, bldb, kc, N, N2);
}
export function pack_b_f64(dst: usize, B: usize, bldb: usize, kc: i32, N: i32, N2: i32): void {
  packB<f64>(dst, B, bldb, kc, N, N2);
}
export function pack_a_f32(dst: usize, A: usize, bsam: usize, bsak: usize, kc: i32, mc: i32): void {
  packAStrips<f32>(dst, A, bsam, bsak, kc, mc);
}
export function pack_a_f64(dst: usize, A: usize, bsam: usize, bsak: usize, kc: i32, mc: i32): void {
  packAStrips<f64>(dst, A, bsam, bsak, kc, mc);
}

export function forward_direction_f64(Ad: usize, Zd: usize, S1: usize, S2: usize, Alap: usize, n: i32): void {
  forwardDirection<f64>(Ad, Zd, S1, S2, Alap, n);
}
export function backward_direction_f64(G0: usize, Gd: usize, Zd: usize, S1: usize, S2: usize, S3: usize, Glap: usize, n: i32): void {
  backwardDirection<f64>(G0, Gd, Zd, S1, S2, S3, Glap, n);
}
export function forward_pair_f64(Aq: usize, Za: usize, Zb: usize, Zq: usize, S1: usize, S2: usize, n: i32): void {
  forwardPair<f64>(Aq, Za, Zb, Zq, S1, S2, n);
}
export function backward_pair_f64(
  G0: usize,
  Ga: usize,
  Gb: usize,
  Gq: usize,
  Za: usize,
  Zb: usize,
  Zq: usize,
  S1: usize,
  S2: usize,
  S3: usize,
  n: i32,
): void {
  backwardPair<f64>(G0, Ga, Gb, Gq, Za, Zb, Zq, S1, S2, S3, n);
}
export function multiply_f64(out: usize, a: usize, b: usize, n: i32): void {
  multiply<f64>(out, a, b, n);
}
export function backward_laplacian_f64(G0: usize, Glap: usize, Zlap: usize, S1: usize, S2: usize, n: i32): void {
  backwardLaplacian<f64>(G0, Glap, Zlap, S1, S2, n);
}
export function adjoint_of_scaling_f64(
  Zbar: usize,
  Hbar: usize,
  S1: usize,
  S2: usize,
  H: usize,
  Gbar: usize,
  n: i32,
  accumulate: bool,
): void {
  adjointOfScaling<f64>(Zbar, Hbar, S1, S2, H, Gbar, n, accumulate);
}
export function column_sums_f32(out: usize, G: usize, rows: i32, cols: i32, accumulate: bool): void {
  columnSums<f32>(out, G, rows, cols, accumulate);
}
export function column_sums_f64(out: usize, G: usize, rows: i32, cols: i32, accumulate: bool): void {
  columnSums<f64>(out, G, rows, cols, accumulate);
}
export function multiply_add_column_sums_f64(
  Z: usize,
  S1: usize,
  G: usize,
  sums: usize,
  rows: i32,
  cols: i32,
  addTo: bool,
  accumulate: bool,
): void {
  multiplyAddColumnSums<f64>(Z, S1, G, sums, rows, cols, addTo, accumulate);
}
export function transpose_f32(dst: usize, src: usize, rows: i32, cols: i32): void {
  transpose<f32>(dst, src, rows, cols);
}
export function transpose_f64(dst: usize, src: usize, rows: i32, cols: i32): void {
  transpose<f64>(dst, src, rows, cols);
}
