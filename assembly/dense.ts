// Dense symmetric-matrix kernels of the quasi-Newton optimizers (src/train/dense-quasi-newton.ts):
// the product H·x and the symmetric rank-two update of the inverse-Hessian approximation H.
// They are float64 whatever the network's dtype, and they dominate an iteration beside the
// gradient (each is one pass over n² elements).
//
// Layout: H is n×n, row-major, rows `ld` elements apart (ld even, so every row is 16-byte
// aligned); entries past column n in a row are padding, kept zero. Vectors are ld long,
// 16-byte aligned, zero past n.
//
// Contract: these use separate multiplies and adds, never fused ones, even in the relaxed
// build: every entry is computed by a formula symmetric in (i, j), so a symmetric H stays
// exactly symmetric, and results are the same in both builds.

// y = H·x over the first n entries of y (y must not alias x).
export function symmetricProduct(H: usize, ld: i32, n: i32, x: usize, y: usize): void {
  const row = (<usize>ld) << 3;
  for (let i = 0; i < n; i++) {
    f64.store(y + ((<usize>i) << 3), rowDot(H + <usize>i * row, x, ld));
  }
}

// Σ_j row[j]·x[j] over ld entries, two lanes and two accumulators (a fixed order).
// @ts-ignore: decorator
@inline function rowDot(r: usize, x: usize, ld: i32): f64 {
  let a0 = f64x2.splat(0),
    a1 = a0;
  let j = 0;
  for (; j + 4 <= ld; j += 4) {
    const o = (<usize>j) << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(r + o), v128.load(x + o)));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(r + o + 16), v128.load(x + o + 16)));
  }
  if (j < ld) {
    const o = (<usize>j) << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(r + o), v128.load(x + o)));
  }
  const a = f64x2.add(a0, a1);
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

// H ← scale·H + auu·u uᵀ + auv·(u vᵀ + v uᵀ) + avv·v vᵀ, then out = H·g with the new H,
// in the same pass (row i is final once updated). Entry (i, j) is
// ((scale·H_ij + auu·(u_i u_j)) + auv·(u_i v_j + v_i u_j)) + avv·(v_i v_j): the same
// value at (j, i). out must not alias g, u or v.
export function symmetricRankTwoUpdate(
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
  const row = (<usize>ld) << 3;
  const vs = f64x2.splat(scale),
    vuu = f64x2.splat(auu),
    vuv = f64x2.splat(auv),
    vvv = f64x2.splat(avv);
  for (let i = 0; i < n; i++) {
    const r = H + <usize>i * row;
    const ui = f64x2.splat(f64.load(u + ((<usize>i) << 3))),
      vi = f64x2.splat(f64.load(v + ((<usize>i) << 3)));
    for (let j = 0; j < ld; j += 2) {
      const o = (<usize>j) << 3;
      const uj = v128.load(u + o),
        vj = v128.load(v + o);
      let h = f64x2.add(f64x2.mul(vs, v128.load(r + o)), f64x2.mul(vuu, f64x2.mul(ui, uj)));
      h = f64x2.add(h, f64x2.mul(vuv, f64x2.add(f64x2.mul(ui, vj), f64x2.mul(vi, uj))));
      h = f64x2.add(h, f64x2.mul(vvv, f64x2.mul(vi, vj)));
      v128.store(r + o, h);
    }
    f64.store(out + ((<usize>i) << 3), rowDot(r, g, ld));
  }
}

// Σ_{k<len} a[k]·b[k] for len ≥ 0 (any parity), two lanes then a scalar tail.
// @ts-ignore: decorator
@inline function dotTo(a: usize, b: usize, len: i32): f64 {
  let acc = f64x2.splat(0);
  let k = 0;
  for (; k + 2 <= len; k += 2) {
    const o = (<usize>k) << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(a + o), v128.load(b + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (k < len) s += f64.load(a + ((<usize>k) << 3)) * f64.load(b + ((<usize>k) << 3));
  return s;
}

// Cholesky factorization A = L Lᵀ in place, row by row (Cholesky–Banachiewicz): the lower
// triangle of A (row-major, rows ld apart) becomes L; the strict upper triangle is left
// as it was. Returns 0, or i + 1 when the pivot of row i is not positive (A is not
// positive definite to working precision; L is then partial).
export function cholesky(A: usize, ld: i32, n: i32): i32 {
  const row = (<usize>ld) << 3;
  for (let i = 0; i < n; i++) {
    const ri = A + <usize>i * row;
    for (let j = 0; j <= i; j++) {
      const rj = A + <usize>j * row;
      const s = f64.load(ri + ((<usize>j) << 3)) - dotTo(ri, rj, j);
      if (i === j) {
        if (!(s > 0)) return i + 1;
        f64.store(ri + ((<usize>i) << 3), Math.sqrt(s));
      } else {
        f64.store(ri + ((<usize>j) << 3), s / f64.load(rj + ((<usize>j) << 3)));
      }
    }
  }
  return 0;
}

// Solves L Lᵀ x = b in place (b becomes x) with L from cholesky(): forward substitution by
// row dot products, then back substitution by row axpys (Lᵀ's columns are L's rows).
export function choleskySolve(L: usize, ld: i32, n: i32, b: usize): void {
  const row = (<usize>ld) << 3;
  for (let i = 0; i < n; i++) {
    const ri = L + <usize>i * row;
    const v = (f64.load(b + ((<usize>i) << 3)) - dotTo(ri, b, i)) / f64.load(ri + ((<usize>i) << 3));
    f64.store(b + ((<usize>i) << 3), v);
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = L + <usize>i * row;
    const x = f64.load(b + ((<usize>i) << 3)) / f64.load(ri + ((<usize>i) << 3));
    f64.store(b + ((<usize>i) << 3), x);
    const vx = f64x2.splat(x);
    let k = 0;
    for (; k + 2 <= i; k += 2) {
      const o = (<usize>k) << 3;
      v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(vx, v128.load(ri + o))));
    }
    if (k < i) f64.store(b + ((<usize>k) << 3), f64.load(b + ((<usize>k) << 3)) - x * f64.load(ri + ((<usize>k) << 3)));
  }
}
