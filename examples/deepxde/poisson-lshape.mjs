// DeepXDE's "Poisson equation over L-shaped domain": −Δu = 1 on [−1, 1]² without [0, 1]²,
// u = 0 on the boundary. No closed-form solution: it prints the residual's RMS on test
// points (evaluateField) and plots u.
import { dirichlet, evaluateField, fit, init, Mlp, Polygon, problem } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
// biome-ignore format: the vertices read best on one line
const geometry = new Polygon([[0, 0], [1, 0], [1, -1], [-1, -1], [-1, 1], [0, 1]]);
const residual = ({ u }) => u.laplacian().add(1);
const pde = problem({ geometry, pde: residual, conditions: { boundary: dirichlet(geometry, 0, { count: 120 }) }, points: 1200 });
const net = new Mlp({ sizes: [2, 32, 32, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('ssbroyden', 3000, 1000) });
const test = geometry.sampleInterior(2000, { method: 'hammersley' });
const r = evaluateField(net, test, residual);
console.log(
  `poisson-lshape: RMS of the residual on ${test.length} test points ${Math.sqrt(r.reduce((s, v) => s + v * v, 0) / r.length).toExponential(3)}`,
);
report('poisson-lshape', { history, net, exact: null, test, plot: { x: [-1, 1], y: [-1, 1], inside: (p) => geometry.inside(p) } });
