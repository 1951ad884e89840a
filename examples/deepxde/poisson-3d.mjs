// A 3-D problem: −Δu = 3π² sin(πx) sin(πy) sin(πz) in the unit cube, u = 0 on its
// boundary; exact u = sin(πx) sin(πy) sin(πz). The plot is the slice z = 1/2.
import { Box, dirichlet, fit, init, Mlp, problem } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const PI = Math.PI;
const geometry = new Box([0, 0, 0], [1, 1, 1]);
const exact = ([x, y, z]) => Math.sin(PI * x) * Math.sin(PI * y) * Math.sin(PI * z);
const s = (f) => f.mul(PI).sin();
const pde = problem({
  geometry,
  pde: ({ u, x }) =>
    u.laplacian().add(
      s(x[0])
        .mul(s(x[1]))
        .mul(s(x[2]))
        .mul(3 * PI * PI),
    ),
  conditions: { boundary: dirichlet(geometry, 0, { count: 600, method: 'sobol' }) },
  points: { count: 1500, method: 'sobol' },
  solution: exact,
});
const net = new Mlp({ sizes: [3, 20, 20, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('ssbroyden', 2000, 3000) });
const test = geometry.sampleInterior(3000, { method: 'halton' });
report('poisson-3d', { history, net, exact, test, plot: { x: [0, 1], y: [0, 1], at: (x, y) => [x, y, 0.5] }, bound: 1e-3 });
