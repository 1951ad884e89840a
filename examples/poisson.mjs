// A PDE residual with a Laplacian: -Δu = 2 pi² sin(pi x) sin(pi y) on the unit square,
// u = 0 on its boundary. The exact solution is u = sin(pi x) sin(pi y). Adam, then L-BFGS
// (the usual PINN recipe), in float64.
import { init, Mlp, fit, mean } from 'jetfit';
import { initOptions, saveNetwork } from './environment.mjs';

await init(initOptions());
const PI = Math.PI;
const adamSteps = Number(process.env.ADAM_STEPS ?? 2000);
const lbfgsSteps = Number(process.env.LBFGS_STEPS ?? 3000);
const n = Number(process.env.GRID ?? 32);

// interior collocation points (a grid) with the source term, and boundary points
const interior = [],
  source = [];
for (let i = 0; i < n; i++)
  for (let j = 0; j < n; j++) {
    const x = (i + 0.5) / n,
      y = (j + 0.5) / n;
    interior.push([x, y]);
    source.push(2 * PI * PI * Math.sin(PI * x) * Math.sin(PI * y));
  }
const boundary = [];
for (let k = 0; k < 2 * n; k++) {
  const s = (k + 0.5) / (2 * n);
  boundary.push([s, 0], [s, 1], [0, s], [1, s]);
}

const net = new Mlp({ sizes: [2, 32, 32, 32, 1], activation: 'tanh', dtype: 'float64', seed: 2 });
const history = await fit(net, {
  terms: {
    pde: {
      points: interior,
      columns: { f: source },
      loss: ({ u, data }) => mean(u.laplacian().add(data.f).square()), // mean((Δu + f)²)
    },
    boundary: {
      points: boundary,
      loss: ({ u }) => mean(u.square()), // u = 0 on the boundary
      weight: 10,
    },
  },
  phases: [
    { optimizer: { type: 'adam', lr: 1e-3 }, steps: adamSteps },
    { optimizer: 'lbfgs', steps: lbfgsSteps },
  ],
});

// relative L2 error against the exact solution on a finer grid
let num = 0,
  den = 0;
const test = [];
for (let i = 0; i <= 100; i++) for (let j = 0; j <= 100; j++) test.push([i / 100, j / 100]);
const u = net.evaluate(test).y;
test.forEach(([x, y], k) => {
  const exact = Math.sin(PI * x) * Math.sin(PI * y);
  num += (u[k] - exact) ** 2;
  den += exact ** 2;
});
const err = Math.sqrt(num / den);
console.log(
  `loss ${history.loss[0].toExponential(3)} -> ${history.loss.at(-1).toExponential(3)} in ${history.steps} steps (${history.stopReason}), ${history.seconds.toFixed(1)} s`,
);
console.log(`relative L2 error against sin(pi x) sin(pi y): ${err.toExponential(3)}`);
saveNetwork(net);
net.dispose();
const bound = Number(process.env.BOUND ?? 1e-3);
if (!(err < bound)) {
  console.error(`error above ${bound}`);
  process.exit(1);
}
