// DeepXDE's "Inverse problem for the diffusion equation": u_t = C u_xx − e^{−t}(sin πx −
// π² sin πx) with the coefficient C unknown (true value 1), learnt from observations of
// u = e^{−t} sin πx at 10 points at t = 1, with the initial and boundary conditions.
import { dirichlet, fit, init, initial, Interval, Mlp, observations, parameter, problem, SpaceTime } from 'jetfit';
import { recipe, report } from './report.mjs';
import { initOptions } from '../environment.mjs';

await init(initOptions());
const PI = Math.PI;
const geometry = new SpaceTime(new Interval(-1, 1), 0, 1);
const exact = ([x, t]) => Math.exp(-t) * Math.sin(PI * x);
const C = parameter(2, 'C');
const seen = Array.from({ length: 10 }, (_, k) => [-1 + (2 * k) / 9, 1]);
const source = ({ x }) => x[1].neg().exp().mul(x[0].mul(PI).sin());
const pde = problem({
  geometry,
  pde: (c) =>
    c.u
      .d(1)
      .sub(c.u.d2(0, 0).mul(C))
      .add(source(c).mul(1 - PI * PI)),
  conditions: {
    boundary: dirichlet(geometry, 0, { count: 20 }),
    initial: initial(geometry, ([x]) => Math.sin(PI * x), { count: 20 }),
    data: observations(seen, seen.map(exact)),
  },
  points: 400,
  solution: exact,
});
const net = new Mlp({ sizes: [2, 32, 32, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, { ...pde, phases: recipe('ssbroyden', 2000, 1000) });
console.log(`diffusion-inverse: C = ${C.value.toFixed(6)} (true 1, started at 2)`);
const test = geometry.sampleInterior(2000, { method: 'hammersley' });
report('diffusion-inverse', { history, net, exact, test, plot: { x: [-1, 1], y: [0, 1], xLabel: 'x', yLabel: 't' }, bound: 1e-3 });
if (!(Math.abs(C.value - 1) < Number(process.env.C_BOUND ?? 1e-3))) throw new Error(`C = ${C.value}: too far from 1`);
