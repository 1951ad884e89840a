// DeepXDE's "Helmholtz equation over a 2D square domain": −Δu − k₀²u = k₀² sin(k₀x) sin(k₀y)
// on [0, 1]², u = 0 on the boundary, k₀ = 4π (n = 2); exact u = sin(k₀x) sin(k₀y).
import { dirichlet, fit, init, Mlp, problem, Rectangle } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const k0 = 4 * Math.PI;
const k2 = k0 * k0;
const geometry = new Rectangle([0, 0], [1, 1]);
const exact = ([x, y]) => Math.sin(k0 * x) * Math.sin(k0 * y);
const f = ({ x }) => x[0].mul(k0).sin().mul(x[1].mul(k0).sin());
const pde = problem({
  geometry,
  pde: (c) => c.u.laplacian().add(c.u.mul(k2)).add(f(c).mul(k2)),
  conditions: { boundary: dirichlet(geometry, 0, { count: 160, method: 'grid' }) },
  points: { count: 900, method: 'hammersley' },
  solution: exact,
});
const net = new Mlp({ sizes: [2, 40, 40, 1], activation: 'sin', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('ssbroyden', 2000, 3000) });
const test = geometry.sampleInterior(2500, { method: 'grid' });
report('helmholtz', { history, net, exact, test, plot: { x: [0, 1], y: [0, 1] }, bound: 1e-3 });
