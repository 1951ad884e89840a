// The plan JavaScript writes into linear memory once per (batch size, jet kind): u32
// words, a header of PLAN_HEADER words, then LAYER_WORDS words per layer. The offsets are
// defined once, in src/runtime/layout.ts, which both compilers read.
import { lanes, transposeBlock } from './simd';
export { PLAN_HEADER, LAYER_WORDS, H_LAYERS, H_BATCH, H_DIRS, H_PAIRS, H_LAP, H_ORDER, H_KEEP, H_ACCUMULATE, H_DIRS_PTR,
         H_PAIRS_PTR, H_X, H_G0, H_G1, H_SCRATCH, H_BLOCKS, H_OUTPUTS, H_JAC, H_YBAR, H_SCRATCH2, L_IN, L_OUT, L_IN_REAL,
         L_ACT, L_W, L_B, L_WT, L_Z, L_A, L_S1, L_S2, L_S3, L_WBAR, L_BBAR, L_G, L_H } from '../src/runtime/layout';
import { PLAN_HEADER, LAYER_WORDS } from '../src/runtime/layout';

// @ts-ignore: decorator
@inline export function word(plan: usize, i: i32): i32 {
  return <i32>load<u32>(plan + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function ptr(plan: usize, i: i32): usize {
  return <usize>load<u32>(plan + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function layerWord(plan: usize, l: i32, f: i32): i32 {
  return word(plan, PLAN_HEADER + l * LAYER_WORDS + f);
}
// @ts-ignore: decorator
@inline export function layerPtr(plan: usize, l: i32, f: i32): usize {
  return ptr(plan, PLAN_HEADER + l * LAYER_WORDS + f);
}

// dst[c][r] = src[r][c]; src is rows × cols, both row-major. The forward product needs
// Wᵀ ([in][out], out contiguous) so that B rows of the GEMM are contiguous. Padded
// feature dimensions are multiples of the lane count, so the transpose goes by blocks of
// 4×4 (f32) or 2×2 (f64) vectors; the element loop is for any other shape.
export function transpose<T>(dst: usize, src: usize, rows: i32, cols: i32): void {
  const S = <usize>sizeof<T>();
  const L = lanes<T>();
  if (rows % L == 0 && cols % L == 0) {
    const ls = <usize>cols * S, ld = <usize>rows * S;
    for (let r = 0; r < rows; r += L) {
      for (let c = 0; c < cols; c += L) {
        transposeBlock<T>(src + <usize>r * ls + <usize>c * S, ls, dst + <usize>c * ld + <usize>r * S, ld);
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * <usize>cols * S;
    for (let c = 0; c < cols; c++) store<T>(dst + (<usize>c * <usize>rows + <usize>r) * S, load<T>(s + <usize>c * S));
  }
}
