// The standard workloads (W1..W6 of docs/workloads.md): network shapes, batches, their data,
// and one training step's engine work written against jetfit's public API (forward jets,
// the loss's cotangents, parameter gradients). Shared by the benchmarks; problem() gives
// the same points and targets to the peers.
import { mean, mse, Mlp } from 'jetfit';

const PI = Math.PI;
/** Burgers viscosity ν = 0.01/π */
export const NU = 0.01 / PI;

function uniform(n, seed, lo = 0, hi = 1) {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

/**
 * Sizes, batch and loss of each workload (WORKLOADS table). `loss` names the loss:
 * 'derivative' mean((f' − cos x)²); 'sobolev' mean((f − g)²) + mean(Σᵢ (∂ᵢf − ∂ᵢg)²);
 * 'laplacian' mean((Δu + f)²) (+ mean(u_b²) on the boundary points); 'burgers'
 * mean((u_t + u u_x − ν u_xx)²) + mean((u − u₀)²) on the initial/boundary points.
 */
export const WORKLOADS = {
  W1: { sizes: [1, 64, 64, 1], batch: 256, loss: 'derivative', what: "f from f' alone" },
  W2: { sizes: [2, 64, 64, 64, 1], batch: 512, loss: 'sobolev', what: 'value + gradient' },
  W3: { sizes: [2, 50, 50, 50, 50, 1], batch: 1024, boundary: 256, loss: 'laplacian', what: 'Poisson, Laplacian' },
  W4: { sizes: [2, 256, 256, 256, 1], batch: 1024, loss: 'sobolev', what: 'wide Sobolev' },
  W5: { sizes: [2, 20, 20, 20, 20, 20, 20, 20, 20, 1], batch: 10000, boundary: 100, loss: 'burgers', what: 'Burgers PINN' },
  W6: { sizes: [16, 128, 128, 128, 1], batch: 512, loss: 'laplacian', what: 'Laplacian in 16-D' },
};

/**
 * The data of a workload in float64: points x [B][n] and the loss's targets, and for W3
 * and W5 the boundary points xb [nb][n] with their values ub.
 *   derivative: c = cos x;  sobolev: g, gx, gy;  laplacian: f;  burgers: ub = u₀ or 0.
 */
export function problem(id) {
  const w = WORKLOADS[id];
  if (!w) throw new Error(`unknown workload ${id}; expected one of ${Object.keys(WORKLOADS).join(', ')}`);
  const n = w.sizes[0],
    B = w.batch;
  const out = { id, ...w, n, B };
  if (w.loss === 'derivative') {
    out.x = uniform(B, 11, -PI, PI);
    out.c = out.x.map(Math.cos);
  } else if (w.loss === 'sobolev') {
    const x = uniform(B * n, 12, -1, 1);
    out.x = x;
    out.g = new Float64Array(B);
    out.gx = new Float64Array(B);
    out.gy = new Float64Array(B);
    for (let p = 0; p < B; p++) {
      const a = x[2 * p],
        b = x[2 * p + 1];
      out.g[p] = Math.sin(PI * a) * Math.cos(PI * b);
      out.gx[p] = PI * Math.cos(PI * a) * Math.cos(PI * b);
      out.gy[p] = -PI * Math.sin(PI * a) * Math.sin(PI * b);
    }
  } else if (w.loss === 'laplacian') {
    const x = uniform(B * n, 13, n === 2 ? 0 : -1, 1);
    out.x = x;
    out.f = new Float64Array(B);
    for (let p = 0; p < B; p++) out.f[p] = n === 2 ? 2 * PI * PI * Math.sin(PI * x[2 * p]) * Math.sin(PI * x[2 * p + 1]) : -1;
    if (w.boundary) {
      const nb = w.boundary,
        s = uniform(nb, 14);
      out.xb = new Float64Array(2 * nb);
      for (let k = 0; k < nb; k++) {
        const side = k % 4;
        out.xb[2 * k] = side === 0 ? 0 : side === 1 ? 1 : s[k];
        out.xb[2 * k + 1] = side === 2 ? 0 : side === 3 ? 1 : s[k];
      }
      out.ub = new Float64Array(nb);
    }
  } else {
    // (x, t) in [-1, 1] × [0, 1]; initial points at t = 0, boundary points at x = ±1
    const xs = uniform(B, 15, -1, 1),
      ts = uniform(B, 16, 0, 1);
    out.x = new Float64Array(2 * B);
    for (let p = 0; p < B; p++) {
      out.x[2 * p] = xs[p];
      out.x[2 * p + 1] = ts[p];
    }
    const nb = w.boundary,
      s = uniform(nb, 17);
    out.xb = new Float64Array(2 * nb);
    out.ub = new Float64Array(nb);
    for (let k = 0; k < nb; k++) {
      if (k < nb / 2) {
        out.xb[2 * k] = 2 * s[k] - 1;
        out.xb[2 * k + 1] = 0;
        out.ub[k] = -Math.sin(PI * out.xb[2 * k]);
      } else {
        out.xb[2 * k] = k % 2 ? 1 : -1;
        out.xb[2 * k + 1] = s[k];
      }
    }
  }
  return out;
}

/** The engine's jet request for each loss, and the columns per point it carries. */
const REQUEST = {
  derivative: { jacobian: true },
  sobolev: { jacobian: true },
  laplacian: { hessian: 'laplacian' },
  // u_t + u u_x − ν u_xx needs u_xx only; the engine API's nearest request is the diagonal
  // (fit asks for exactly u, u_x, u_t, u_xx).
  burgers: { jacobian: true, hessian: 'diag' },
};

/**
 * A prepared workload: `step()` runs forward jets, the loss (cotangents), and the
 * backward pass into the network's gradient buffer; `evaluate()` only the jets;
 * `lossAndGradient()` returns both (the reference the peers are checked against).
 */
export function prepare(id, dtype, seed = 1) {
  const P = problem(id);
  const { sizes, n, B, loss: kind } = P;
  const net = new Mlp({ sizes, activation: 'tanh', dtype, seed });
  const X = dtype === 'float64' ? Float64Array : Float32Array;
  const x = X.from(P.x);
  const request = REQUEST[kind];
  let cot, lossOf;
  /** the loss's data columns, for writing the same loss with fit */
  let columns;
  if (kind === 'derivative') {
    columns = { c: P.c };
    cot = { jacobian: new X(B) };
    lossOf = (r) => {
      let loss = 0;
      for (let p = 0; p < B; p++) {
        const e = r.jacobian[p] - P.c[p];
        loss += (e * e) / B;
        cot.jacobian[p] = (2 * e) / B;
      }
      return loss;
    };
  } else if (kind === 'sobolev') {
    columns = { g: P.g, gx: P.gx, gy: P.gy };
    cot = { y: new X(B), jacobian: new X(2 * B) };
    lossOf = (r) => {
      let loss = 0;
      for (let p = 0; p < B; p++) {
        const e = r.y[p] - P.g[p],
          dx = r.jacobian[2 * p] - P.gx[p],
          dy = r.jacobian[2 * p + 1] - P.gy[p];
        loss += (e * e + dx * dx + dy * dy) / B;
        cot.y[p] = (2 * e) / B;
        cot.jacobian[2 * p] = (2 * dx) / B;
        cot.jacobian[2 * p + 1] = (2 * dy) / B;
      }
      return loss;
    };
  } else if (kind === 'laplacian') {
    columns = { f: P.f };
    cot = { laplacian: new X(B) };
    lossOf = (r) => {
      let loss = 0;
      for (let p = 0; p < B; p++) {
        const e = r.laplacian[p] + P.f[p];
        loss += (e * e) / B;
        cot.laplacian[p] = (2 * e) / B;
      }
      return loss;
    };
  } else {
    columns = {};
    cot = { y: new X(B), jacobian: new X(2 * B), hessianDiag: new X(2 * B) };
    lossOf = (r) => {
      let loss = 0;
      for (let p = 0; p < B; p++) {
        const u = r.y[p],
          ux = r.jacobian[2 * p],
          ut = r.jacobian[2 * p + 1],
          uxx = r.hessianDiag[2 * p];
        const e = ut + u * ux - NU * uxx,
          s = (2 * e) / B;
        loss += (e * e) / B;
        cot.y[p] = s * ux;
        cot.jacobian[2 * p] = s * u;
        cot.jacobian[2 * p + 1] = s;
        cot.hessianDiag[2 * p] = -NU * s;
      }
      return loss;
    };
  }
  let boundary = null;
  if (P.xb) {
    const nb = P.boundary,
      cb = { y: new X(nb) };
    boundary = {
      x: X.from(P.xb),
      cot: cb,
      lossOf: (r) => {
        let l = 0;
        for (let k = 0; k < nb; k++) {
          const e = r.y[k] - P.ub[k];
          l += (e * e) / nb;
          cb.y[k] = (2 * e) / nb;
        }
        return l;
      },
    };
  }
  const cotFixed = Object.fromEntries(Object.entries(cot).map(([k, v]) => [k, v.map((_, i) => Math.sin(i + 1) * 1e-3)]));
  const firstOrder = kind === 'derivative' || kind === 'sobolev';
  const engineColumns = firstOrder ? 1 + n : kind === 'laplacian' ? n + 2 : 5;
  return {
    id,
    dtype,
    net,
    x,
    columns,
    problem: P,
    batch: B + (boundary ? P.boundary : 0),
    boundaryX: boundary?.x,
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
    /** the loss and its gradient per layer ({ W [out][in], b }) at the current parameters */
    lossAndGradient() {
      const pass = net.forward(x, request);
      let loss = lossOf(pass);
      if (!boundary) return { loss, gradient: pass.backward(cot) };
      pass.backwardInPlace(cot);
      const pb = net.forward(boundary.x);
      loss += boundary.lossOf(pb);
      return { loss, gradient: pb.backward(boundary.cot, { accumulate: true }) };
    },
    evaluate() {
      return net.evaluate(x, request);
    },
    /**
     * Useful GEMM flops of one step (real, unpadded sizes), for the mode the engine uses:
     * forward jets (K columns per point: 1 + n for a Jacobian, n + 2 with the Laplacian;
     * `columns` overrides, e.g. 4 for fit's Burgers jets u, u_x, u_t, u_xx) or, for a
     * value/Jacobian loss with fewer outputs than inputs, reverse mode.
     */
    flops(columns = engineColumns) {
      const L = sizes.length - 1,
        m = sizes[L];
      const reverse = firstOrder && m < n;
      const K = columns;
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
        if (boundary) f += 2 * P.boundary * sizes[l] * sizes[l + 1] * (l === 0 ? 2 : 3);
      }
      return f;
    },
  };
}

/**
 * fit options for a workload: the same loss as prepare()'s step, written as the user
 * writes it (fields, one term per point set).
 */
export function fitOptions(id) {
  const P = problem(id);
  if (P.loss === 'derivative') return { data: { points: P.x, columns: { c: P.c } }, loss: ({ u, data }) => mse(u.d(0), data.c) };
  if (P.loss === 'sobolev') {
    return {
      data: { points: P.x, columns: { g: P.g, gx: P.gx, gy: P.gy } },
      loss: ({ u, data }) =>
        mse(u, data.g)
          .add(mse(u.d(0), data.gx))
          .add(mse(u.d(1), data.gy)),
    };
  }
  const terms =
    P.loss === 'laplacian'
      ? { pde: { points: P.x, columns: { f: P.f }, loss: ({ u, data }) => mean(u.laplacian().add(data.f).square()) } }
      : {
          pde: {
            points: P.x,
            loss: ({ u }) =>
              mean(
                u
                  .d(1)
                  .add(u.mul(u.d(0)))
                  .sub(u.d2(0, 0).mul(NU))
                  .square(),
              ),
          },
        };
  if (P.xb) terms.boundary = { points: P.xb, columns: { ub: P.ub }, loss: ({ u, data }) => mse(u, data.ub) };
  return { terms };
}

/**
 * The command line shared by the benchmarks: --quick (W1 only, one repeat), --only W2,W3,
 * and named options; `runs` lists the [workload, dtype] pairs to measure.
 */
export function benchArgs(argv = process.argv.slice(2)) {
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const only = opt('--only')?.split(',');
  const runs = Object.keys(WORKLOADS)
    .filter((id) => (!only || only.includes(id)) && (!quick || id === 'W1'))
    .flatMap((id) => ['float32', 'float64'].map((dtype) => [id, dtype]));
  return { quick, opt, runs };
}
