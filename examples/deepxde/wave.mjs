// The wave equation of DeepXDE's "Wave propagation ..." example, u_tt = C² u_xx on [0, 1] ×
// [0, 1] with C = 2, u = 0 at x = 0 and 1, u_t(x, 0) = 0 (an initial rate), and its first
// mode as the initial value, u(x, 0) = sin πx; exact u = sin πx cos 2πt. (DeepXDE adds a
// second mode, ½ sin 4πx, for its multi-scale Fourier architecture.) Inputs (x, t).
import { dirichlet, fit, init, initial, Interval, Mlp, problem, SpaceTime } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const PI = Math.PI;
const geometry = new SpaceTime(new Interval(0, 1), 0, 1);
const exact = ([x, t]) => Math.sin(PI * x) * Math.cos(2 * PI * t);
const pde = problem({
  geometry,
  pde: ({ u }) => u.d2(1, 1).sub(u.d2(0, 0).mul(4)),
  conditions: {
    boundary: dirichlet(geometry, 0, { count: 100 }),
    initial: initial(geometry, ([x]) => Math.sin(PI * x), { count: 100 }),
    rate: initial(geometry, 0, { count: 100, rate: true }),
  },
  points: { count: 1000, method: 'hammersley' },
  solution: exact,
});
const net = new Mlp({ sizes: [2, 32, 32, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('ssbroyden', 2000, 2000) });
const test = geometry.sampleInterior(3000, { method: 'halton' });
report('wave', { history, net, exact, test, plot: { x: [0, 1], y: [0, 1], xLabel: 'x', yLabel: 't' }, bound: 1e-3 });
