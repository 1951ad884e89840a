// What every DeepXDE example prints and writes: the training summary, the relative L2
// error against the exact solution (when there is one) on test points, the wall time, and
// an SVG plot under examples/plots/. Exits non-zero when the error is above BOUND.
import { mkdirSync, writeFileSync } from 'node:fs';
import { heatMap, lineChart } from 'jetfit';
import { saveNetwork } from '../environment.mjs';

/**
 * The training recipe: Adam (lr 1e-3) for `adam` steps, then `second` ('lm', 'ssbroyden', ...)
 * for `steps`; ADAM_STEPS and SECOND_STEPS override the counts (the tests run short).
 */
export function recipe(second, adam, steps, lr = 1e-3) {
  return [
    { optimizer: { type: 'adam', lr }, steps: Number(process.env.ADAM_STEPS ?? adam) },
    { optimizer: second, steps: Number(process.env.SECOND_STEPS ?? steps) },
  ];
}

/**
 * history: fit's; net; exact: a function of a point, or null; plot: { x: [lo, hi], y?:
 * [lo, hi] (a heat map of u over x × y, else a line of u over x), at?: (x, y) => point };
 * part: the network's name when an example trains several (JETFIT_SAVE gets `-part`).
 */
export function report(name, { history, net, exact, test, plot, bound, part }) {
  const u = net.evaluate(test).y;
  let err = NaN;
  if (exact) {
    let num = 0,
      den = 0;
    test.forEach((p, k) => {
      const e = exact(p);
      num += (u[k] - e) ** 2;
      den += e * e;
    });
    err = Math.sqrt(num / den);
  }
  console.log(
    `loss ${history.loss[0].toExponential(3)} -> ${history.loss.at(-1).toExponential(3)} in ${history.steps} steps, ${history.seconds.toFixed(1)} s`,
  );
  if (exact) console.log(`${name}: relative L2 error ${err.toExponential(3)}`);
  const dir = new URL('../plots/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const at = plot.at ?? ((x, y) => (y === undefined ? [x] : [x, y]));
  let svg;
  if (plot.y) {
    const nx = 80,
      ny = 80;
    const pts = [];
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        pts.push(at(plot.x[0] + ((i + 0.5) * (plot.x[1] - plot.x[0])) / nx, plot.y[0] + ((j + 0.5) * (plot.y[1] - plot.y[0])) / ny));
    const inside = plot.inside ?? (() => true);
    const values = net.evaluate(pts).y.map((v, k) => (inside(pts[k]) ? v : Number.NaN));
    svg = heatMap({ values, nx, ny, x: plot.x, y: plot.y, title: `${name}: u`, xLabel: plot.xLabel, yLabel: plot.yLabel });
  } else {
    const xs = Array.from({ length: 200 }, (_, i) => plot.x[0] + (i * (plot.x[1] - plot.x[0])) / 199);
    const y = net.evaluate(xs.map((x) => at(x))).y;
    const series = [{ name: 'network', points: xs.map((x, i) => [x, y[i]]) }];
    if (exact) series.push({ name: 'exact', points: xs.map((x) => [x, exact(at(x))]) });
    svg = lineChart({ title: name, series }, { x: 'x', y: 'u' });
  }
  writeFileSync(new URL(`${name}.svg`, dir), svg);
  saveNetwork(net, part);
  const b = Number(process.env.BOUND ?? bound);
  if (exact && !(err < b)) {
    console.error(`error above ${b}`);
    process.exit(1);
  }
  return err;
}
