// The elementwise jet rules of JETS.md, forward and backward, one block at a time.
//
// Layout: a layer's jet is K blocks of n = B·width elements each ([K][B][width],
// width contiguous): the value block, one block per first-order direction d, one per
// second-order pair q = (a, b), and optionally the forward-Laplacian block. A rule
// reads and writes whole blocks, so every loop is a plain vector loop (n is a
// multiple of the lane count). Z* are pre-activation blocks, A* post-activation,
// S1..S3 the activation derivatives at the value block, G* cotangents.
import { lanes, vfma, vsplat } from './simd';

// Forward, direction d: da = s' dz; with a Laplacian block also lap += s'' dz².
export function forwardDirection<T>(Ad: usize, Zd: usize, S1: usize, S2: usize, Alap: usize, n: i32): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const zd = v128.load(Zd + o);
    v128.store(Ad + o, v128.mul<T>(v128.load(S1 + o), zd));
    if (Alap) v128.store(Alap + o, vfma<T>(v128.mul<T>(v128.load(S2 + o), zd), zd, v128.load(Alap + o)));
  }
}

// Forward, pair (a, b): dda_ab = s'' dz_a dz_b + s' ddz_ab.
export function forwardPair<T>(Aq: usize, Za: usize, Zb: usize, Zq: usize, S1: usize, S2: usize, n: i32): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const t = v128.mul<T>(v128.mul<T>(v128.load(S2 + o), v128.load(Za + o)), v128.load(Zb + o));
    v128.store(Aq + o, vfma<T>(v128.load(S1 + o), v128.load(Zq + o), t));
  }
}

// out = a * b (the start of the Laplacian rule, lap = s' lz, and the scaling of cotangents).
export function multiply<T>(out: usize, a: usize, b: usize, n: i32): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(out + o, v128.mul<T>(v128.load(a + o), v128.load(b + o)));
  }
}

// Backward, direction d (in place; G0 already holds s' ā):
//   z̄ += s'' dz_d da'̄_d (+ s''' dz_d² lap'̄)
//   dz̄_d = s' da'̄_d (+ 2 s'' dz_d lap'̄)
export function backwardDirection<T>(G0: usize, Gd: usize, Zd: usize, S1: usize, S2: usize, S3: usize,
                                     Glap: usize, n: i32): void {
  const L = lanes<T>();
  if (Glap) {
    for (let i = 0; i < n; i += L) {
      const o = <usize>i * sizeof<T>();
      const zd = v128.load(Zd + o), gd = v128.load(Gd + o), gl = v128.load(Glap + o);
      const s2 = v128.load(S2 + o);
      const inner = vfma<T>(v128.mul<T>(v128.load(S3 + o), zd), gl, v128.mul<T>(s2, gd));
      v128.store(G0 + o, vfma<T>(zd, inner, v128.load(G0 + o)));
      v128.store(Gd + o, vfma<T>(v128.load(S1 + o), gd, v128.mul<T>(v128.add<T>(s2, s2), v128.mul<T>(zd, gl))));
    }
  } else {
    for (let i = 0; i < n; i += L) {
      const o = <usize>i * sizeof<T>();
      const zd = v128.load(Zd + o), gd = v128.load(Gd + o);
      v128.store(G0 + o, vfma<T>(v128.mul<T>(v128.load(S2 + o), zd), gd, v128.load(G0 + o)));
      v128.store(Gd + o, v128.mul<T>(v128.load(S1 + o), gd));
    }
  }
}

// Backward, pair q = (a, b) (in place; after the directions):
//   z̄ += (s''' dz_a dz_b + s'' ddz_q) dda'̄_q;  dz̄_a += s'' dz_b dda'̄_q;  dz̄_b += s'' dz_a dda'̄_q
//   ddz̄_q = s' dda'̄_q
export function backwardPair<T>(G0: usize, Ga: usize, Gb: usize, Gq: usize, Za: usize, Zb: usize, Zq: usize,
                                S1: usize, S2: usize, S3: usize, n: i32): void {
  const L = lanes<T>();
  const same = Ga == Gb;
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const za = v128.load(Za + o), zb = v128.load(Zb + o), gq = v128.load(Gq + o);
    const s2 = v128.load(S2 + o);
    const w = vfma<T>(v128.mul<T>(v128.load(S3 + o), za), zb, v128.mul<T>(s2, v128.load(Zq + o)));
    v128.store(G0 + o, vfma<T>(w, gq, v128.load(G0 + o)));
    const s2g = v128.mul<T>(s2, gq);
    if (same) {
      v128.store(Ga + o, vfma<T>(v128.add<T>(s2g, s2g), za, v128.load(Ga + o)));
    } else {
      v128.store(Ga + o, vfma<T>(s2g, zb, v128.load(Ga + o)));
      v128.store(Gb + o, vfma<T>(s2g, za, v128.load(Gb + o)));
    }
    v128.store(Gq + o, v128.mul<T>(v128.load(S1 + o), gq));
  }
}

// Backward, Laplacian block (last, in place): z̄ += s'' lz lap'̄;  lz̄ = s' lap'̄.
export function backwardLaplacian<T>(G0: usize, Glap: usize, Zlap: usize, S1: usize, S2: usize, n: i32): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const gl = v128.load(Glap + o);
    v128.store(G0 + o, vfma<T>(v128.mul<T>(v128.load(S2 + o), v128.load(Zlap + o)), gl, v128.load(G0 + o)));
    v128.store(Glap + o, v128.mul<T>(v128.load(S1 + o), gl));
  }
}

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
    let a0 = vsplat<T>(0.0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    let p = G + oj;
    for (let r = 0; r < rows; r++) {
      a0 = v128.add<T>(a0, v128.load(p)); a1 = v128.add<T>(a1, v128.load(p, 16));
      a2 = v128.add<T>(a2, v128.load(p, 32)); a3 = v128.add<T>(a3, v128.load(p, 48));
      a4 = v128.add<T>(a4, v128.load(p, 64)); a5 = v128.add<T>(a5, v128.load(p, 80));
      a6 = v128.add<T>(a6, v128.load(p, 96)); a7 = v128.add<T>(a7, v128.load(p, 112));
      p += ld;
    }
    if (accumulate) {
      a0 = v128.add<T>(a0, v128.load(out + oj)); a1 = v128.add<T>(a1, v128.load(out + oj, 16));
      a2 = v128.add<T>(a2, v128.load(out + oj, 32)); a3 = v128.add<T>(a3, v128.load(out + oj, 48));
      a4 = v128.add<T>(a4, v128.load(out + oj, 64)); a5 = v128.add<T>(a5, v128.load(out + oj, 80));
      a6 = v128.add<T>(a6, v128.load(out + oj, 96)); a7 = v128.add<T>(a7, v128.load(out + oj, 112));
    }
    v128.store(out + oj, a0); v128.store(out + oj, a1, 16); v128.store(out + oj, a2, 32); v128.store(out + oj, a3, 48);
    v128.store(out + oj, a4, 64); v128.store(out + oj, a5, 80); v128.store(out + oj, a6, 96); v128.store(out + oj, a7, 112);
  }
  for (; j < cols; j += L) {
    const oj = <usize>j * S;
    let a0 = vsplat<T>(0.0), a1 = a0;
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

// Reverse mode, adjoint of g = s' ⊙ h for one output (see mlp-reverse.ts), in one pass:
//   z̄ (= or +=) s'' ⊙ h ⊙ ḡ,   h̄ = s' ⊙ ḡ
export function adjointOfScaling<T>(Zbar: usize, Hbar: usize, S1: usize, S2: usize, H: usize, Gbar: usize,
                                   n: i32, accumulate: bool): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const gb = v128.load(Gbar + o);
    const t = v128.mul<T>(v128.load(S2 + o), v128.load(H + o));
    v128.store(Zbar + o, accumulate ? vfma<T>(t, gb, v128.load(Zbar + o)) : v128.mul<T>(t, gb));
    v128.store(Hbar + o, v128.mul<T>(v128.load(S1 + o), gb));
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
export function multiplyAddColumnSums<T>(Z: usize, S1: usize, G: usize, sums: usize, rows: i32, cols: i32,
                                         addTo: bool, accumulate: bool): void {
  const L = lanes<T>();
  const S = <usize>sizeof<T>();
  const ld = <usize>cols * S;
  let j = 0;
  for (; j + 4 * L <= cols; j += 4 * L) {
    const oj = <usize>j * S;
    let a0 = vsplat<T>(0.0), a1 = a0, a2 = a0, a3 = a0;
    let o = oj;
    for (let r = 0; r < rows; r++) {
      let z = fmaOrMul<T>(v128.load(S1 + o), v128.load(G + o), Z + o, addTo);
      v128.store(Z + o, z); a0 = v128.add<T>(a0, z);
      z = fmaOrMul<T>(v128.load(S1 + o, 16), v128.load(G + o, 16), Z + o + 16, addTo);
      v128.store(Z + o, z, 16); a1 = v128.add<T>(a1, z);
      z = fmaOrMul<T>(v128.load(S1 + o, 32), v128.load(G + o, 32), Z + o + 32, addTo);
      v128.store(Z + o, z, 32); a2 = v128.add<T>(a2, z);
      z = fmaOrMul<T>(v128.load(S1 + o, 48), v128.load(G + o, 48), Z + o + 48, addTo);
      v128.store(Z + o, z, 48); a3 = v128.add<T>(a3, z);
      o += ld;
    }
    if (accumulate) {
      a0 = v128.add<T>(a0, v128.load(sums + oj)); a1 = v128.add<T>(a1, v128.load(sums + oj, 16));
      a2 = v128.add<T>(a2, v128.load(sums + oj, 32)); a3 = v128.add<T>(a3, v128.load(sums + oj, 48));
    }
    v128.store(sums + oj, a0); v128.store(sums + oj, a1, 16); v128.store(sums + oj, a2, 32); v128.store(sums + oj, a3, 48);
  }
  for (; j < cols; j += L) {
    const oj = <usize>j * S;
    let a0 = vsplat<T>(0.0);
    let o = oj;
    for (let r = 0; r < rows; r++) {
      const z = fmaOrMul<T>(v128.load(S1 + o), v128.load(G + o), Z + o, addTo);
      v128.store(Z + o, z); a0 = v128.add<T>(a0, z);
      o += ld;
    }
    if (accumulate) a0 = v128.add<T>(a0, v128.load(sums + oj));
    v128.store(sums + oj, a0);
  }
}
