// DeepXDE's "Poisson equation in 1D with Dirichlet boundary conditions":
//   −u'' = π² sin(πx) on [−1, 1], u(±1) = 0; exact u = sin(πx).
import { dirichlet, fit, init, Interval, Mlp, problem } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const PI = Math.PI;
const PI2 = PI * PI;
const geometry = new Interval(-1, 1);
const exact = ([x]) => Math.sin(PI * x);
const pde = problem({
  geometry,
  pde: ({ u, x }) => u.d2(0, 0).add(x[0].mul(PI).sin().mul(PI2)),
  conditions: { boundary: dirichlet(geometry, 0, { count: 2, method: 'grid' }) },
  points: { count: 16, method: 'grid' },
  solution: exact,
});
const net = new Mlp({ sizes: [1, 20, 20, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('lm', 2000, 200) });
const test = geometry.sampleInterior(100, { method: 'grid' });
report('poisson-1d', { history, net, exact, test, plot: { x: [-1, 1] }, bound: 1e-4 });
