// DeepXDE's "Poisson equation in 1D with Dirichlet/Neumann" and "... Dirichlet/Robin
// boundary conditions": u'' = 2 on [−1, 1], u(−1) = 0, and u'(1) = 4 (Neumann) or
// u'(1) = u(1) (Robin: u − u' = 0); both have the exact solution u = (x + 1)².
import { dirichlet, fit, init, Interval, Mlp, neumann, problem, robin } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const geometry = new Interval(-1, 1);
const left = dirichlet(geometry, 0, { count: 1, on: ([x]) => x < 0 });
const right = { count: 1, on: ([x]) => x > 0 };
for (const [name, condition] of [
  ['poisson-neumann', neumann(geometry, 4, right)],
  ['poisson-robin', robin(geometry, { a: 1, b: -1 }, 0, right)],
]) {
  const pde = problem({
    geometry,
    pde: ({ u }) => u.d2(0, 0).sub(2),
    conditions: { left, right: condition },
    points: { count: 16, method: 'grid' },
  });
  const net = new Mlp({ sizes: [1, 20, 20, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
  const history = await fit(net, { ...pde, phases: recipe('lm', 2000, 200) });
  const test = geometry.sampleInterior(100, { method: 'grid' });
  report(name, { history, net, exact: ([x]) => (x + 1) ** 2, test, plot: { x: [-1, 1] }, bound: 1e-4, part: name });
}
