// The elementwise jet rules of docs/jets.md, forward and backward, one block at a time.
//
// Layout: a layer's jet is K blocks of n = B·width elements each ([K][B][width],
// width contiguous): the value block, one block per first-order direction d, one per
// second-order pair q = (a, b), and optionally the forward-Laplacian block. A rule
// reads and writes whole blocks, so every loop is a plain vector loop (n is a
// multiple of the lane count). Z* are pre-activation blocks, A* post-activation,
// S1..S3 the activation derivatives at the value block, G* cotangents. Each forward rule
// is followed by its adjoint.
import { lanes, vfma } from './simd';

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

// Backward, direction d (in place; G0 already holds s' ā):
//   z̄ += s'' dz_d da'̄_d (+ s''' dz_d² lap'̄)
//   dz̄_d = s' da'̄_d (+ 2 s'' dz_d lap'̄)
export function backwardDirection<T>(G0: usize, Gd: usize, Zd: usize, S1: usize, S2: usize, S3: usize, Glap: usize, n: i32): void {
  const L = lanes<T>();
  if (Glap) {
    for (let i = 0; i < n; i += L) {
      const o = <usize>i * sizeof<T>();
      const zd = v128.load(Zd + o),
        gd = v128.load(Gd + o),
        gl = v128.load(Glap + o);
      const s2 = v128.load(S2 + o);
      const inner = vfma<T>(v128.mul<T>(v128.load(S3 + o), zd), gl, v128.mul<T>(s2, gd));
      v128.store(G0 + o, vfma<T>(zd, inner, v128.load(G0 + o)));
      v128.store(Gd + o, vfma<T>(v128.load(S1 + o), gd, v128.mul<T>(v128.add<T>(s2, s2), v128.mul<T>(zd, gl))));
    }
  } else {
    for (let i = 0; i < n; i += L) {
      const o = <usize>i * sizeof<T>();
      const zd = v128.load(Zd + o),
        gd = v128.load(Gd + o);
      v128.store(G0 + o, vfma<T>(v128.mul<T>(v128.load(S2 + o), zd), gd, v128.load(G0 + o)));
      v128.store(Gd + o, v128.mul<T>(v128.load(S1 + o), gd));
    }
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

// Backward, pair q = (a, b) (in place; after the directions):
//   z̄ += (s''' dz_a dz_b + s'' ddz_q) dda'̄_q;  dz̄_a += s'' dz_b dda'̄_q;  dz̄_b += s'' dz_a dda'̄_q
//   ddz̄_q = s' dda'̄_q
export function backwardPair<T>(
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
  const L = lanes<T>();
  const same = Ga === Gb;
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const za = v128.load(Za + o),
      zb = v128.load(Zb + o),
      gq = v128.load(Gq + o);
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

// out = a * b (the start of the Laplacian rule, lap = s' lz, and the scaling of cotangents).
export function multiply<T>(out: usize, a: usize, b: usize, n: i32): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(out + o, v128.mul<T>(v128.load(a + o), v128.load(b + o)));
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

// Reverse mode, adjoint of g = s' ⊙ h for one output (see mlp-reverse.ts), in one pass:
//   z̄ (= or +=) s'' ⊙ h ⊙ ḡ,   h̄ = s' ⊙ ḡ
export function adjointOfScaling<T>(Zbar: usize, Hbar: usize, S1: usize, S2: usize, H: usize, Gbar: usize, n: i32, accumulate: bool): void {
  const L = lanes<T>();
  for (let i = 0; i < n; i += L) {
    const o = <usize>i * sizeof<T>();
    const gb = v128.load(Gbar + o);
    const t = v128.mul<T>(v128.load(S2 + o), v128.load(H + o));
    v128.store(Zbar + o, accumulate ? vfma<T>(t, gb, v128.load(Zbar + o)) : v128.mul<T>(t, gb));
    v128.store(Hbar + o, v128.mul<T>(v128.load(S1 + o), gb));
  }
}
