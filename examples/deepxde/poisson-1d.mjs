// DeepXDE's "Poisson equation in 1D with Dirichlet boundary conditions":
//   −u'' = π² sin(πx) on [−1, 1], u(±1) = 0; exact u = sin(πx).
import { dirichlet, fit, init, Interval, Mlp, problem } from 'jetfit';
import { report } from './report.mjs';

await init();
const PI = Math.PI;
const geometry = new Interval(-1, 1);
const pde = problem({
  geometry,
  pde: ({ u, x }) =>
    u.d2(0, 0).add(
      x[0]
        .mul(PI)
        .sin()
        .mul(PI * PI),
    ),
  conditions: { boundary: dirichlet(geometry, 0, { count: 2, method: 'grid' }) },
  points: { count: 16, method: 'grid' },
  solution: ([x]) => Math.sin(PI * x),
});
const net = new Mlp({ sizes: [1, 20, 20, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, {
  ...pde,
  phases: [
    { optimizer: { type: 'adam', lr: 1e-3 }, steps: Number(process.env.ADAM_STEPS ?? 2000) },
    { optimizer: 'lm', steps: Number(process.env.SECOND_STEPS ?? 200) },
  ],
});
const test = geometry.sampleInterior(100, { method: 'grid' });
report('poisson-1d', { history, net, exact: ([x]) => Math.sin(PI * x), test, plot: { x: [-1, 1] }, bound: 1e-4 });
