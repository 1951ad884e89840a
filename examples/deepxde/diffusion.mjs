// DeepXDE's "Diffusion equation": u_t = u_xx − e^{−t}(sin πx − π² sin πx) on [−1, 1] × [0, 1],
// u(x, 0) = sin πx, u(±1, t) = 0; exact u = e^{−t} sin πx. Inputs (x, t): d(1) = ∂/∂t.
import { dirichlet, fit, init, initial, Interval, Mlp, problem, SpaceTime } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const PI = Math.PI;
const geometry = new SpaceTime(new Interval(-1, 1), 0, 1);
const exact = ([x, t]) => Math.exp(-t) * Math.sin(PI * x);
const source = ({ x }) => x[1].neg().exp().mul(x[0].mul(PI).sin());
const pde = problem({
  geometry,
  pde: (c) =>
    c.u
      .d(1)
      .sub(c.u.d2(0, 0))
      .add(source(c).mul(1 - PI * PI)),
  conditions: { boundary: dirichlet(geometry, 0, { count: 20 }), initial: initial(geometry, ([x]) => Math.sin(PI * x), { count: 20 }) },
  points: 400,
  solution: exact,
});
const net = new Mlp({ sizes: [2, 32, 32, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('ssbroyden', 2000, 1000) });
const test = geometry.sampleInterior(2000, { method: 'hammersley' });
report('diffusion', { history, net, exact, test, plot: { x: [-1, 1], y: [0, 1], xLabel: 'x', yLabel: 't' }, bound: 1e-3 });
