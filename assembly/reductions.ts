// Column sums over the rows of a block: the bias gradients (Σ over points of z̄), alone
// or fused with the elementwise product that makes z̄.
//
// Layout: G, Z, S1 are row-major [rows][cols] with cols contiguous and a multiple of the
// lane count, 16-byte aligned; out and sums hold cols elements. Contract: `accumulate`
// adds into out/sums instead of overwriting them.
import { lanes, vfma, vsplat } from './simd';

// out[j] (= or +=) Σ_r G[r][j] over rows × cols (cols a multiple of the lane count).
// A strip of up to 8 vectors of columns at a time, each strip summed over every row in
// registers: the rows are read front to back, 128 contiguous bytes per row (walking one
// vector column down all rows re-read each cache line from L2 once per vector).
export function columnSums<T>(out: usize, G: usize, rows: i32, cols: i32, accumulate: bool): void {
  const L = lanes<T>();
  const S = <usize>sizeof<T>();
  const ld = <usize>cols * S;
  let j = 0;
  for (; j + 8 * L <= cols; j += 8 * L) {
    const oj = <usize>j * S;
    let a0 = vsplat<T>(0.0),
      a1 = a0,
      a2 = a0,
      a3 = a0,
      a4 = a0,
      a5 = a0,
      a6 = a0,
      a7 = a0;
    let p = G + oj;
    for (let r = 0; r < rows; r++) {
      a0 = v128.add<T>(a0, v128.load(p));
      a1 = v128.add<T>(a1, v128.load(p, 16));
      a2 = v128.add<T>(a2, v128.load(p, 32));
      a3 = v128.add<T>(a3, v128.load(p, 48));
      a4 = v128.add<T>(a4, v128.load(p, 64));
      a5 = v128.add<T>(a5, v128.load(p, 80));
      a6 = v128.add<T>(a6, v128.load(p, 96));
      a7 = v128.add<T>(a7, v128.load(p, 112));
      p += ld;
    }
    if (accumulate) {
      a0 = v128.add<T>(a0, v128.load(out + oj));
      a1 = v128.add<T>(a1, v128.load(out + oj, 16));
      a2 = v128.add<T>(a2, v128.load(out + oj, 32));
      a3 = v128.add<T>(a3, v128.load(out + oj, 48));
      a4 = v128.add<T>(a4, v128.load(out + oj, 64));
      a5 = v128.add<T>(a5, v128.load(out + oj, 80));
      a6 = v128.add<T>(a6, v128.load(out + oj, 96));
      a7 = v128.add<T>(a7, v128.load(out + oj, 112));
    }
    v128.store(out + oj, a0);
    v128.store(out + oj, a1, 16);
    v128.store(out + oj, a2, 32);
    v128.store(out + oj, a3, 48);
    v128.store(out + oj, a4, 64);
    v128.store(out + oj, a5, 80);
    v128.store(out + oj, a6, 96);
    v128.store(out + oj, a7, 112);
  }
  for (; j < cols; j += L) {
    const oj = <usize>j * S;
    let a0 = vsplat<T>(0.0),
      a1 = a0;
    let p = G + oj;
    let r = 0;
    for (; r + 2 <= rows; r += 2) {
      a0 = v128.add<T>(a0, v128.load(p));
      a1 = v128.add<T>(a1, v128.load(p + ld));
      p += 2 * ld;
    }
    if (r < rows) a0 = v128.add<T>(a0, v128.load(p));
    let s = v128.add<T>(a0, a1);
    if (accumulate) s = v128.add<T>(s, v128.load(out + oj));
    v128.store(out + oj, s);
  }
}

// a·b + (the vector at c) when add, else a·b
// @ts-ignore: decorator
@inline function fmaOrMul<T>(a: v128, b: v128, c: usize, add: bool): v128 {
  return add ? vfma<T>(a, b, v128.load(c)) : v128.mul<T>(a, b);
}

// Z (= or +=) S1 ⊙ G over rows × cols (+= when addTo), and sums[j] (= or +=) Σ_r Z[r][j]
// of the result, in one read of the blocks (in reverse mode: a hidden layer's z̄ from its
// ā, and the bias gradient). Strips of 4 vectors of columns summed in registers down all
// rows, then single vectors for the rest.
export function multiplyAddColumnSums<T>(
  Z: usize,
  S1: usize,
  G: usize,
  sums: usize,
  rows: i32,
  cols: i32,
  addTo: bool,
  accumulate: bool,
): void {
  const L = lanes<T>();
  const S = <usize>sizeof<T>();
  const ld = <usize>cols * S;
  let j = 0;
  for (; j + 4 * L <= cols; j += 4 * L) {
    const oj = <usize>j * S;
    let a0 = vsplat<T>(0.0),
      a1 = a0,
      a2 = a0,
      a3 = a0;
    let o = oj;
    for (let r = 0; r < rows; r++) {
      let z = fmaOrMul<T>(v128.load(S1 + o), v128.load(G + o), Z + o, addTo);
      v128.store(Z + o, z);
      a0 = v128.add<T>(a0, z);
      z = fmaOrMul<T>(v128.load(S1 + o, 16), v128.load(G + o, 16), Z + o + 16, addTo);
      v128.store(Z + o, z, 16);
      a1 = v128.add<T>(a1, z);
      z = fmaOrMul<T>(v128.load(S1 + o, 32), v128.load(G + o, 32), Z + o + 32, addTo);
      v128.store(Z + o, z, 32);
      a2 = v128.add<T>(a2, z);
      z = fmaOrMul<T>(v128.load(S1 + o, 48), v128.load(G + o, 48), Z + o + 48, addTo);
      v128.store(Z + o, z, 48);
      a3 = v128.add<T>(a3, z);
      o += ld;
    }
    if (accumulate) {
      a0 = v128.add<T>(a0, v128.load(sums + oj));
      a1 = v128.add<T>(a1, v128.load(sums + oj, 16));
      a2 = v128.add<T>(a2, v128.load(sums + oj, 32));
      a3 = v128.add<T>(a3, v128.load(sums + oj, 48));
    }
    v128.store(sums + oj, a0);
    v128.store(sums + oj, a1, 16);
    v128.store(sums + oj, a2, 32);
    v128.store(sums + oj, a3, 48);
  }
  for (; j < cols; j += L) {
    const oj = <usize>j * S;
    let a0 = vsplat<T>(0.0);
    let o = oj;
    for (let r = 0; r < rows; r++) {
      const z = fmaOrMul<T>(v128.load(S1 + o), v128.load(G + o), Z + o, addTo);
      v128.store(Z + o, z);
      a0 = v128.add<T>(a0, z);
      o += ld;
    }
    if (accumulate) a0 = v128.add<T>(a0, v128.load(sums + oj));
    v128.store(sums + oj, a0);
  }
}
