// The plan JavaScript writes into linear memory once per (batch size, jet kind): u32
// words, a header of PLAN_HEADER words, then LAYER_WORDS words per layer. The field
// offsets are mirrored in src/runtime/abi.ts.
import { lanes, transposeBlock } from './simd';
export const PLAN_HEADER = 32;
export const LAYER_WORDS = 16;

// header
export const H_LAYERS = 0, H_BATCH = 1, H_DIRS = 2, H_PAIRS = 3, H_LAP = 4, H_ORDER = 5, H_KEEP = 6,
             H_ACCUMULATE = 7, H_DIRS_PTR = 8, H_PAIRS_PTR = 9, H_X = 10, H_G0 = 11, H_G1 = 12,
             H_SCRATCH = 13, H_BLOCKS = 14, H_OUTPUTS = 16, H_JAC = 17, H_YBAR = 18, H_SCRATCH2 = 19;
// per layer
export const L_IN = 0, L_OUT = 1, L_IN_REAL = 2, L_ACT = 3, L_W = 4, L_B = 5, L_WT = 6, L_Z = 7, L_A = 8,
             L_S1 = 9, L_S2 = 10, L_S3 = 11, L_WBAR = 12, L_BBAR = 13, L_G = 14, L_H = 15;

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
