// The standard workloads in TensorFlow.js 4.22, written the way a competent user writes
// them: input derivatives by nesting tf.grad inside the loss, the parameter gradient and
// the Adam step by optimizer.minimize. float32 only (TF.js has no float64).
//
// tanh is rebuilt with tf.customGrad. TF.js's own tanh gradient is computed from the saved
// output y as dy·(1 − y²), and that y is not connected back to the input on the tape, so a
// loss containing df/dx gets wrong weight gradients and a second derivative throws
// (tensorflow/tfjs#3252). The rebuilt tanh saves its input and recomputes tanh in the
// gradient, which the tape can differentiate again. `builtinTanh: true` builds the model
// with tf.tanh instead, to show the error.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** The peer's name in tables. */
export const name = 'TensorFlow.js';

/** Selects the backend ('wasm' or 'cpu'); every build() after this uses it. */
export async function setup(backend) {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend ${backend} did not start`);
  await tf.ready();
  return `TensorFlow.js ${tf.version.tfjs} (${backend})`;
}

const tanh = tf.customGrad((z, save) => {
  save([z]);
  return { value: tf.tanh(z), gradFunc: (dy, [zs]) => dy.mul(tf.scalar(1).sub(tanh(zs).square())) };
});

function transpose(W, out, inp) {
  const t = new Float32Array(out * inp);
  for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) t[i * out + o] = W[o * inp + i];
  return t;
}

/**
 * The workload P (bench/workloads.mjs problem()) on a network with jetfit's parameters
 * `params` (per layer W [out][in] row-major, b [out]).
 */
export function build(P, params, { lr = 1e-4, builtinTanh = false } = {}) {
  const { sizes, n, B } = P;
  const L = sizes.length - 1;
  const act = builtinTanh ? tf.tanh : tanh;
  // the user's layout: x [B][n], W [in][out], so a layer is x·W + b
  const layers = params.map(({ W, b }, l) => ({
    W: tf.variable(tf.tensor2d(transpose(W, sizes[l + 1], sizes[l]), [sizes[l], sizes[l + 1]])),
    b: tf.variable(tf.tensor1d(Float32Array.from(b))),
  }));
  const variables = layers.flatMap((l) => [l.W, l.b]);
  const model = (x) => {
    let a = x;
    layers.forEach(({ W, b }, l) => {
      const z = a.matMul(W).add(b);
      a = l < L - 1 ? act(z) : z;
    });
    return a;
  };
  const gradient = (x) => tf.grad((xx) => model(xx).sum())(x);
  /** column i of ∂²u/∂x_i² (reverse over reverse, one pass per direction) */
  const second = (x, i) =>
    tf
      .grad((xx) => gradient(xx).slice([0, i], [-1, 1]).sum())(x)
      .slice([0, i], [-1, 1]);
  const X = tf.tensor2d(Float32Array.from(P.x), [B, n]);
  const col = (a) => tf.tensor2d(Float32Array.from(a), [a.length, 1]);
  const data = {};
  if (P.loss === 'derivative') data.c = col(P.c);
  if (P.loss === 'sobolev') {
    data.g = col(P.g);
    data.dg = tf.concat([col(P.gx), col(P.gy)], 1);
  }
  if (P.loss === 'laplacian') data.f = col(P.f);
  if (P.xb) {
    data.xb = tf.tensor2d(Float32Array.from(P.xb), [P.xb.length / n, n]);
    data.ub = col(P.ub);
  }
  const nu = tf.scalar(P.loss === 'burgers' ? 0.01 / Math.PI : 0);

  const loss = () => {
    let l;
    if (P.loss === 'derivative') l = gradient(X).sub(data.c).square().mean();
    else if (P.loss === 'sobolev') {
      l = model(X).sub(data.g).square().mean().add(gradient(X).sub(data.dg).square().sum(1).mean());
    } else if (P.loss === 'laplacian') {
      let lap = second(X, 0);
      for (let i = 1; i < n; i++) lap = lap.add(second(X, i));
      l = lap.add(data.f).square().mean();
    } else {
      const u = model(X),
        g = gradient(X);
      const ux = g.slice([0, 0], [-1, 1]),
        ut = g.slice([0, 1], [-1, 1]);
      l = ut.add(u.mul(ux)).sub(second(X, 0).mul(nu)).square().mean();
    }
    if (data.xb) l = l.add(model(data.xb).sub(data.ub).square().mean());
    return l;
  };
  const optimizer = tf.train.adam(lr);
  return {
    /** the loss and its gradient in jetfit's layout (W [out][in], b), as float64 */
    lossAndGradient() {
      const { value, grads } = tf.variableGrads(loss, variables);
      const out = {
        loss: value.dataSync()[0],
        gradient: layers.map((layer, l) => {
          // a parameter the loss does not depend on (W1's last bias) has no entry: its gradient is 0
          const gW = grads[layer.W.name]?.dataSync() ?? new Float32Array(sizes[l] * sizes[l + 1]);
          const gb = grads[layer.b.name]?.dataSync() ?? new Float32Array(sizes[l + 1]);
          const W = new Float64Array(sizes[l + 1] * sizes[l]);
          for (let o = 0; o < sizes[l + 1]; o++) for (let i = 0; i < sizes[l]; i++) W[o * sizes[l] + i] = gW[i * sizes[l + 1] + o];
          return { W, b: Float64Array.from(gb) };
        }),
      };
      value.dispose();
      tf.dispose(grads);
      return out;
    },
    /** one Adam step; returns the loss before it (read back, as a training loop does) */
    step() {
      const cost = optimizer.minimize(loss, true, variables);
      const v = cost.dataSync()[0];
      cost.dispose();
      return v;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([variables, X, Object.values(data), nu]);
    },
  };
}
