// Sobolev training: fit values and gradients together. The target g(x, y) =
// sin(pi x) cos(pi y) is sampled with its gradient at a few hundred points; matching
// the gradient too gives a much better fit (of the function and of its derivatives)
// than the values alone would from so few samples.
import { init, Mlp, fit, mse } from 'jetfit';
import { initOptions, saveNetwork } from './environment.mjs';

await init(initOptions());
const PI = Math.PI;
const g = (x, y) => Math.sin(PI * x) * Math.cos(PI * y);
const gx = (x, y) => PI * Math.cos(PI * x) * Math.cos(PI * y);
const gy = (x, y) => -PI * Math.sin(PI * x) * Math.sin(PI * y);
const steps = Number(process.env.STEPS ?? 4000);
const N = 256;
const points = [],
  value = [],
  dx = [],
  dy = [];
let s = 12345;
const rand = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return (s / 2 ** 32) * 2 - 1;
};
for (let i = 0; i < N; i++) {
  const x = rand(),
    y = rand();
  points.push([x, y]);
  value.push(g(x, y));
  dx.push(gx(x, y));
  dy.push(gy(x, y));
}
const net = new Mlp({ sizes: [2, 64, 64, 64, 1], activation: 'tanh', dtype: 'float64', seed: 3 });
const history = await fit(net, {
  data: { points, columns: { value, dx, dy } },
  // values and both partial derivatives
  loss: ({ u, data }) =>
    mse(u, data.value)
      .add(mse(u.d(0), data.dx))
      .add(mse(u.d(1), data.dy)),
  batchSize: 128,
  optimizer: { type: 'adam', lr: 2e-3 },
  schedule: { type: 'cosine', minFactor: 0.02 },
  steps,
});
// Relative L2 errors of the value and of the gradient on a test grid.
const test = [];
for (let i = 0; i < 41; i++) for (let j = 0; j < 41; j++) test.push([-1 + i / 20, -1 + j / 20]);
const r = net.evaluate(test, { jacobian: true });
let ev = 0,
  nv = 0,
  eg = 0,
  ng = 0;
test.forEach(([x, y], k) => {
  ev += (r.y[k] - g(x, y)) ** 2;
  nv += g(x, y) ** 2;
  eg += (r.jacobian[2 * k] - gx(x, y)) ** 2 + (r.jacobian[2 * k + 1] - gy(x, y)) ** 2;
  ng += gx(x, y) ** 2 + gy(x, y) ** 2;
});
const errValue = Math.sqrt(ev / nv),
  errGrad = Math.sqrt(eg / ng);
console.log(
  `loss ${history.loss[0].toExponential(3)} -> ${history.loss.at(-1).toExponential(3)} in ${history.steps} steps, ${history.seconds.toFixed(2)} s`,
);
console.log(`relative L2 error: value ${errValue.toExponential(3)}, gradient ${errGrad.toExponential(3)}`);
saveNetwork(net);
net.dispose();
const bound = Number(process.env.BOUND ?? 1e-2);
if (!(errValue < bound && errGrad < 3 * bound)) {
  console.error(`error above ${bound}`);
  process.exit(1);
}
