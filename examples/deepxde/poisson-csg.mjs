// −Δu = 4 on (disk ∪ rectangle) without a small disk, cut by a rectangle; u = 1 − x² − y² on
// the boundary; exact u = 1 − x² − y² (a manufactured solution, right on any domain).
// Geometry by set operations, as DeepXDE's `geom1 | geom2`, `-`, `&`.
import { difference, Disk, dirichlet, fit, init, intersection, Mlp, problem, Rectangle, union } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const shape = difference(union(new Disk([0, 0], 1), new Rectangle([0, -0.5], [1.5, 0.5])), new Disk([0.6, 0], 0.2));
const geometry = intersection(shape, new Rectangle([-1, -1], [1.5, 0.8]));
const exact = ([x, y]) => 1 - x * x - y * y;
const pde = problem({
  geometry,
  pde: ({ u }) => u.laplacian().add(4),
  conditions: { boundary: dirichlet(geometry, exact, { count: 200 }) },
  points: { count: 1000, method: 'sobol' },
  solution: exact,
});
const net = new Mlp({ sizes: [2, 20, 20, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('lm', 1000, 200) });
const test = geometry.sampleInterior(2000, { method: 'halton' });
report('poisson-csg', { history, net, exact, test, plot: { x: [-1, 1.5], y: [-1, 1], inside: (p) => geometry.inside(p) }, bound: 1e-4 });
