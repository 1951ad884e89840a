// Transposes: a register block, and a whole matrix by such blocks.
//
// Layout: row-major matrices, rows a given number of bytes apart (transposeBlock) or
// `cols` elements long (transpose). Contract: blocks are L×L (4×4 f32, 2×2 f64) of
// 16-byte-aligned rows; transpose takes any shape (by blocks where both sides are whole
// vectors, element by element otherwise).
import { lanes } from './simd';

// The L×L block at src (rows ss bytes apart) transposed into dst (rows ds bytes apart):
// 4×4 for f32, 2×2 for f64, in registers.
// @ts-ignore: decorator
@inline export function transposeBlock<T>(src: usize, ss: usize, dst: usize, ds: usize): void {
  const a0 = v128.load(src),
    a1 = v128.load(src + ss);
  if (sizeof<T>() === 4) {
    const a2 = v128.load(src + 2 * ss),
      a3 = v128.load(src + 3 * ss);
    const t0 = v128.shuffle<i32>(a0, a1, 0, 4, 1, 5),
      t1 = v128.shuffle<i32>(a0, a1, 2, 6, 3, 7);
    const t2 = v128.shuffle<i32>(a2, a3, 0, 4, 1, 5),
      t3 = v128.shuffle<i32>(a2, a3, 2, 6, 3, 7);
    v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
    v128.store(dst + ds, v128.shuffle<i64>(t0, t2, 1, 3));
    v128.store(dst + 2 * ds, v128.shuffle<i64>(t1, t3, 0, 2));
    v128.store(dst + 3 * ds, v128.shuffle<i64>(t1, t3, 1, 3));
  } else {
    v128.store(dst, v128.shuffle<i64>(a0, a1, 0, 2));
    v128.store(dst + ds, v128.shuffle<i64>(a0, a1, 1, 3));
  }
}

// dst[c][r] = src[r][c]; src is rows × cols, both row-major. The forward product needs
// Wᵀ ([in][out], out contiguous) so that B rows of the GEMM are contiguous. Padded
// feature dimensions are multiples of the lane count, so the transpose goes by blocks of
// 4×4 (f32) or 2×2 (f64) vectors; the element loop is for any other shape.
export function transpose<T>(dst: usize, src: usize, rows: i32, cols: i32): void {
  const S = <usize>sizeof<T>();
  const L = lanes<T>();
  if (rows % L === 0 && cols % L === 0) {
    const ls = <usize>cols * S,
      ld = <usize>rows * S;
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
