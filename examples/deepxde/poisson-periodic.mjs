// A periodic problem (DeepXDE's PeriodicBC): −u'' + u = (4π² + 1) sin 2πx on [0, 1] with u
// and u' periodic; exact u = sin 2πx. The condition pairs x = 0 with its image x = 1.
import { fit, init, Interval, Mlp, periodic, problem } from 'jetfit';
import { report } from './report.mjs';

await init();
const PI = Math.PI;
const geometry = new Interval(0, 1);
const pde = problem({
  geometry,
  pde: ({ u, x }) =>
    u
      .d2(0, 0)
      .neg()
      .add(u)
      .sub(
        x[0]
          .mul(2 * PI)
          .sin()
          .mul(4 * PI * PI + 1),
      ),
  conditions: { periodic: periodic(geometry, 0, { count: 1, derivative: 1 }) },
  points: { count: 64, method: 'grid' },
  solution: ([x]) => Math.sin(2 * PI * x),
});
const net = new Mlp({ sizes: [1, 16, 16, 1], activation: 'tanh', dtype: 'float64', seed: 1 });
const history = await fit(net, {
  ...pde,
  phases: [
    { optimizer: { type: 'adam', lr: 1e-2 }, steps: Number(process.env.ADAM_STEPS ?? 1000) },
    { optimizer: 'ssbroyden', steps: Number(process.env.SECOND_STEPS ?? 1000) },
  ],
});
const test = geometry.sampleInterior(101, { method: 'grid' });
report('poisson-periodic', { history, net, exact: ([x]) => Math.sin(2 * PI * x), test, plot: { x: [0, 1] }, bound: 1e-3 });
