// The standard workloads in jax-js 0.1.25 (JAX for JavaScript, wasm device), written the
// way a competent user writes them: input derivatives by forward mode (jvp, and jvp of
// jvp for second derivatives), the parameter gradient by valueAndGrad, the whole loss and
// gradient under jit, and an Adam step as a second jitted function (jax-js has no optax
// on npm). float32.
//
// Forward mode is the choice a careful user makes here: reverse-over-reverse losses
// (vmap of grad, hessian) give wrong weight gradients on the wasm device in float32, and
// forward mode is also the cheaper way to input derivatives of a scalar network.
// Arrays are reference counted: every function consumes its arguments, `.ref` keeps one.
import { defaultDevice, init, jit, jvp, numpy as np, tree, valueAndGrad } from '@jax-js/jax';

/** The peer's name in tables. */
export const name = 'jax-js';

/** Starts the wasm device (plain init() needs `navigator`, which Node 20 lacks). */
export async function setup() {
  const devices = await init('cpu', 'wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (got ${devices.join(', ')})`);
  defaultDevice('wasm');
  return 'jax-js 0.1.25 (wasm, jit)';
}

function mlp(params, x) {
  let a = x;
  params.forEach(({ W, b }, l) => {
    const z = np.dot(a, W).add(b);
    a = l < params.length - 1 ? np.tanh(z) : z;
  });
  return a;
}

/** the directional derivative of the network along `e` at x, and its value */
const directional = (p, x, e) => jvp((xx) => mlp(p, xx), [x], [e]);

/** ∂²u/∂e² at x: forward over forward */
function second(p, x, e) {
  const [inner, d2] = jvp((xx) => directional(p, xx, e.ref)[1], [x], [e]);
  inner.dispose();
  return d2;
}

const LOSSES = {
  derivative(p, { x, e, c }) {
    const [u, ux] = directional(p, x, e[0]);
    u.dispose();
    return np.square(ux.sub(c)).mean();
  },
  sobolev(p, { x, e, g, gx, gy }) {
    const [u, ux] = directional(tree.ref(p), x.ref, e[0]);
    const [u2, uy] = directional(p, x, e[1]);
    u2.dispose();
    return np
      .square(u.sub(g))
      .mean()
      .add(np.square(ux.sub(gx)).mean())
      .add(np.square(uy.sub(gy)).mean());
  },
  laplacian(p, { x, e, f }) {
    let lap = null;
    e.forEach((ei, i) => {
      const last = i === e.length - 1;
      const d2 = second(last ? p : tree.ref(p), last ? x : x.ref, ei);
      lap = lap ? lap.add(d2) : d2;
    });
    return np.square(lap.add(f)).mean();
  },
  burgers(p, { x, e, nu }) {
    const [u, ux] = directional(tree.ref(p), x.ref, e[0].ref);
    const [u2, ut] = directional(tree.ref(p), x.ref, e[1]);
    u2.dispose();
    const uxx = second(p, x, e[0]);
    return np.square(ut.add(u.mul(ux)).sub(uxx.mul(nu))).mean();
  },
};

function lossOf(kind, p, data) {
  const { xb, ub, ...rest } = data;
  if (!xb) return LOSSES[kind](p, rest);
  const l = LOSSES[kind](tree.ref(p), rest);
  return l.add(np.square(mlp(p, xb).sub(ub)).mean());
}

function transpose(W, rows, cols) {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = W[r * cols + c];
  return t;
}

/**
 * The workload P (bench/workloads.mjs problem()) on a network with jetfit's parameters
 * `params` (per layer W [out][in] row-major, b [out]).
 */
export function build(P, params, { lr = 1e-4 } = {}) {
  const { sizes, n, B } = P;
  const col = (a) => np.array(Float32Array.from(a)).reshape([a.length, 1]);
  // the user's layout: x [B][n], W [in][out], so a layer is x·W + b
  let p = params.map(({ W, b }, l) => ({
    W: np.array(transpose(W, sizes[l + 1], sizes[l])).reshape([sizes[l], sizes[l + 1]]),
    b: np.array(Float32Array.from(b)),
  }));
  const data = { x: np.array(Float32Array.from(P.x)).reshape([B, n]) };
  // tangent directions e_i: the unit vector i at every point
  data.e = Array.from({ length: n }, (_, i) => {
    const t = new Float32Array(B * n);
    for (let q = 0; q < B; q++) t[q * n + i] = 1;
    return np.array(t).reshape([B, n]);
  });
  if (P.loss === 'derivative') data.c = col(P.c);
  if (P.loss === 'sobolev') Object.assign(data, { g: col(P.g), gx: col(P.gx), gy: col(P.gy) });
  if (P.loss === 'laplacian') data.f = col(P.f);
  if (P.loss === 'burgers') data.nu = np.array(new Float32Array([0.01 / Math.PI]));
  if (P.xb) Object.assign(data, { xb: np.array(Float32Array.from(P.xb)).reshape([P.xb.length / n, n]), ub: col(P.ub) });

  const lossAndGrad = jit(valueAndGrad((q, d) => lossOf(P.loss, q, d)));
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  const adam = jit((q, m, v, g, rate) => {
    const m2 = tree.map((mi, gi) => mi.mul(b1).add(gi.mul(1 - b1)), m, tree.ref(g));
    const v2 = tree.map((vi, gi) => vi.mul(b2).add(np.square(gi).mul(1 - b2)), v, g);
    const q2 = tree.map((qi, mi, vi) => qi.sub(mi.mul(rate.ref).div(np.sqrt(vi).add(eps))), q, tree.ref(m2), tree.ref(v2));
    rate.dispose();
    return [q2, m2, v2];
  });
  let m = tree.map((a) => np.zerosLike(a.ref), p),
    v = tree.map((a) => np.zerosLike(a.ref), p),
    t = 0;
  return {
    /** the loss and its gradient in jetfit's layout (W [out][in], b), as float64 */
    lossAndGradient() {
      const [loss, g] = lossAndGrad(tree.ref(p), tree.ref(data));
      const out = {
        loss: loss.js(),
        gradient: g.map(({ W, b }, l) => ({
          W: Float64Array.from(transpose(W.dataSync(), sizes[l], sizes[l + 1])),
          b: Float64Array.from(b.dataSync()),
        })),
      };
      return out;
    },
    /** one Adam step; returns the loss before it (read back, as a training loop does) */
    step() {
      const [loss, g] = lossAndGrad(tree.ref(p), tree.ref(data));
      t++;
      const rate = np.array(new Float32Array([(lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)]));
      [p, m, v] = adam(p, m, v, g, rate);
      return loss.js();
    },
    dispose() {
      tree.dispose([p, m, v, data]);
      lossAndGrad.dispose?.();
      adam.dispose?.();
    },
  };
}
