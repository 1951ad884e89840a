// The standard workloads (W1..W6): network shapes, batches, and one training step's
// engine work written against jetfit's public API (forward jets, the loss's cotangents,
// parameter gradients). Shared by the benchmarks.
import { Mlp } from 'jetfit';

const PI = Math.PI;

function uniform(n, seed, lo = 0, hi = 1) {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

/** Sizes, batch and jets of each workload (WORKLOADS table). */
export const WORKLOADS = {
  W1: { sizes: [1, 64, 64, 1], batch: 256, jets: 'jacobian', what: 'f from f\' alone' },
  W2: { sizes: [2, 64, 64, 64, 1], batch: 512, jets: 'sobolev', what: 'value + gradient' },
  W3: { sizes: [2, 50, 50, 50, 50, 1], batch: 1024, boundary: 256, jets: 'laplacian', what: 'Poisson, Laplacian' },
  W4: { sizes: [2, 256, 256, 256, 1], batch: 1024, jets: 'sobolev', what: 'wide Sobolev' },
  W6: { sizes: [16, 128, 128, 128, 1], batch: 512, jets: 'laplacian', what: 'Laplacian in 16-D' },
};

/**
 * A prepared workload: `step()` runs forward jets, the loss (cotangents), and the
 * backward pass into the network's gradient buffer; `evaluate()` only the jets.
 */
export function prepare(id, dtype, seed = 1) {
  const w = WORKLOADS[id];
  const net = new Mlp({ sizes: w.sizes, activation: 'tanh', dtype, seed });
  const n = w.sizes[0], B = w.batch;
  const X = dtype === 'float64' ? Float64Array : Float32Array;
  let x, request, cot, lossOf, boundary = null;
  /** the loss's data columns, for writing the same loss with fit */
  let columns;
  if (w.jets === 'jacobian') {
    x = X.from(uniform(B, 11, -PI, PI));
    const target = x.map(Math.cos);
    columns = { c: target };
    cot = { jacobian: new X(B) };
    request = { jacobian: true };
    lossOf = (r) => {
      let loss = 0;
      for (let p = 0; p < B; p++) { const e = r.jacobian[p] - target[p]; loss += e * e / B; cot.jacobian[p] = 2 * e / B; }
      return loss;
    };
  } else if (w.jets === 'sobolev') {
    x = X.from(uniform(B * n, 12, -1, 1));
    const g = new X(B), dg = new X(2 * B);
    for (let p = 0; p < B; p++) {
      const a = x[2 * p], b = x[2 * p + 1];
      g[p] = Math.sin(PI * a) * Math.cos(PI * b);
      dg[2 * p] = PI * Math.cos(PI * a) * Math.cos(PI * b);
      dg[2 * p + 1] = -PI * Math.sin(PI * a) * Math.sin(PI * b);
    }
    columns = { g, gx: dg.filter((_, i) => i % 2 === 0), gy: dg.filter((_, i) => i % 2 === 1) };
    cot = { y: new X(B), jacobian: new X(2 * B) };
    request = { jacobian: true };
    lossOf = (r) => {
      let loss = 0;
      for (let p = 0; p < B; p++) {
        const e = r.y[p] - g[p]; loss += e * e / B; cot.y[p] = 2 * e / B;
        for (let i = 0; i < 2; i++) { const d = r.jacobian[2 * p + i] - dg[2 * p + i]; loss += d * d / B; cot.jacobian[2 * p + i] = 2 * d / B; }
      }
      return loss;
    };
  } else {
    x = X.from(uniform(B * n, 13, n === 2 ? 0 : -1, 1));
    const f = new X(B);
    for (let p = 0; p < B; p++) f[p] = n === 2 ? 2 * PI * PI * Math.sin(PI * x[2 * p]) * Math.sin(PI * x[2 * p + 1]) : -1;
    columns = { f };
    cot = { laplacian: new X(B) };
    request = { hessian: 'laplacian' };
    lossOf = (r) => {
      let loss = 0;
      for (let p = 0; p < B; p++) { const e = r.laplacian[p] + f[p]; loss += e * e / B; cot.laplacian[p] = 2 * e / B; }
      return loss;
    };
    if (w.boundary) {
      const nb = w.boundary, s = uniform(nb, 14), xb = new X(2 * nb);
      for (let k = 0; k < nb; k++) {
        const side = k % 4;
        xb[2 * k] = side === 0 ? 0 : side === 1 ? 1 : s[k];
        xb[2 * k + 1] = side === 2 ? 0 : side === 3 ? 1 : s[k];
      }
      const cb = { y: new X(nb) };
      boundary = { x: xb, cot: cb, lossOf: (r) => { let l = 0; for (let k = 0; k < nb; k++) { l += r.y[k] * r.y[k] / nb; cb.y[k] = 2 * r.y[k] / nb; } return l; } };
    }
  }
  const cotFixed = Object.fromEntries(Object.entries(cot).map(([k, v]) => [k, v.map((_, i) => Math.sin(i + 1) * 1e-3)]));
  return {
    id, dtype, net, x, columns, batch: B + (boundary ? w.boundary : 0), boundaryX: boundary?.x,
    /** forward jets and parameter gradients with fixed cotangents: the engine's share of a step */
    engineStep() {
      net.forward(x, request).backwardInPlace(cotFixed);
      if (boundary) net.forward(boundary.x).backwardInPlace(boundary.cot, { accumulate: true });
    },
    step() {
      const pass = net.forward(x, request);
      let loss = lossOf(pass);
      pass.backwardInPlace(cot);
      if (boundary) {
        const pb = net.forward(boundary.x);
        loss += boundary.lossOf(pb);
        pb.backwardInPlace(boundary.cot, { accumulate: true });
      }
      return loss;
    },
    evaluate() {
      return net.evaluate(x, request);
    },
    /**
     * Useful GEMM flops of one step (real, unpadded sizes), for the mode the engine uses:
     * forward jets (K = 1 + n, or n + 2 with the Laplacian, columns per point) or, for a
     * value/Jacobian loss with fewer outputs than inputs, reverse mode.
     */
    flops() {
      const sizes = w.sizes, L = sizes.length - 1, m = sizes[L];
      const firstOrder = w.jets === 'jacobian' || w.jets === 'sobolev';
      const reverse = firstOrder && m < n;
      const K = firstOrder ? 1 + n : n + 2;
      let f = 0;
      for (let l = 0; l < L; l++) {
        const mn = 2 * B * sizes[l] * sizes[l + 1];
        if (reverse) {
          // forward, Jacobian backward (hidden), its adjoint (two products, hidden), adjoint of forward
          const hidden = l < L - 1;
          f += mn * (1 + (hidden ? 3 * m : 0) + 1 + (l > 0 ? 1 : 0));
        } else {
          // Z = A·Wᵀ and W̄ = Z̄ᵀ·A over K·B columns (layer 1: value columns only), Ā = Z̄·W above layer 1
          f += mn * (l === 0 ? 2 : 3 * K);
        }
        if (boundary) f += 2 * w.boundary * sizes[l] * sizes[l + 1] * (l === 0 ? 2 : 3);
      }
      return f;
    },
  };
}

/**
 * The command line shared by the benchmarks: --quick (W1 only, one repeat), --only W2,W3,
 * and named options; `runs` lists the [workload, dtype] pairs to measure.
 */
export function benchArgs(argv = process.argv.slice(2)) {
  const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const quick = argv.includes('--quick');
  const only = opt('--only')?.split(',');
  const runs = Object.keys(WORKLOADS)
    .filter((id) => (!only || only.includes(id)) && (!quick || id === 'W1'))
    .flatMap((id) => ['float32', 'float64'].map((dtype) => [id, dtype]));
  return { quick, opt, runs };
}
