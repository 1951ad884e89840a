// A gradient penalty: mean((|grad f| - 1)^2) added to a data loss. Fit the signed
// distance to a circle of radius 0.5 from samples of the circle only (f = 0 there, and
// grad f = the outward normal, as a scanner gives points with normals): the data says
// nothing away from the circle; the eikonal penalty |grad f| = 1 on random points of the
// square makes f the distance function there. Error against |x| - 0.5 away from the
// kink at the centre.
import { init, Mlp, fit, mean, mse } from 'jetfit';
import { initOptions, saveNetwork } from './environment.mjs';

await init(initOptions());
const steps = Number(process.env.STEPS ?? 3000);
const R = 0.5;
const onCircle = [],
  nx = [],
  ny = [];
for (let k = 0; k < 128; k++) {
  const a = (2 * Math.PI * k) / 128;
  onCircle.push([R * Math.cos(a), R * Math.sin(a)]);
  nx.push(Math.cos(a));
  ny.push(Math.sin(a));
}
let s = 99;
const rand = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return (s / 2 ** 32) * 2 - 1;
};
const square = Array.from({ length: 1024 }, () => [rand(), rand()]);

const net = new Mlp({ sizes: [2, 64, 64, 1], activation: 'tanh', dtype: 'float64', seed: 4 });
const history = await fit(net, {
  terms: {
    surface: {
      points: onCircle,
      columns: { nx, ny },
      loss: ({ u, data }) =>
        mse(u)
          .add(mse(u.d(0), data.nx))
          .add(mse(u.d(1), data.ny)),
    },
    eikonal: {
      points: square,
      batchSize: 256,
      weight: 0.1,
      // |grad f| = sqrt(f_x² + f_y²); the penalty mean((|grad f| - 1)²)
      loss: ({ u }) => mean(u.d(0).square().add(u.d(1).square()).sqrt().sub(1).square()),
    },
  },
  optimizer: { type: 'adam', lr: 2e-3 },
  schedule: { type: 'cosine', minFactor: 0.05 },
  steps,
});
const test = [];
for (let i = 0; i <= 40; i++) for (let j = 0; j <= 40; j++) test.push([-0.8 + (1.6 * i) / 40, -0.8 + (1.6 * j) / 40]);
const f = net.evaluate(test).y;
let err = 0;
test.forEach(([x, y], k) => {
  const r = Math.hypot(x, y);
  if (r >= 0.2) err = Math.max(err, Math.abs(f[k] - (r - R)));
});
console.log(
  `loss ${history.loss[0].toExponential(3)} -> ${history.loss.at(-1).toExponential(3)} in ${history.steps} steps, ${history.seconds.toFixed(2)} s`,
);
console.log(`max |f - (|x| - ${R})| on [-0.8, 0.8]^2 outside |x| < 0.2: ${err.toExponential(3)}`);
saveNetwork(net);
net.dispose();
const bound = Number(process.env.BOUND ?? 0.08);
if (!(err < bound)) {
  console.error(`error above ${bound}`);
  process.exit(1);
}
