// The standard workloads are written twice: as fit() losses (fields) and as hand-written
// cotangents for the engine (the reference the peers are checked against). Both must be
// the same loss with the same gradient, or the benchmark compares against the wrong thing.
import { beforeAll, expect, it } from 'vitest';
import { fit, init, Mlp } from 'jetfit';
// @ts-expect-error: plain JavaScript module of the benchmarks
import { fitOptions, prepare, WORKLOADS } from '../../bench/workloads.mjs';

beforeAll(async () => {
  await init();
});

type Layer = { W: ArrayLike<number>; b: ArrayLike<number> };
const flat = (layers: Layer[]): number[] => layers.flatMap((l) => [...Array.from(l.W), ...Array.from(l.b)]);

for (const id of Object.keys(WORKLOADS)) {
  it(`${id}: fit's loss and gradient equal the engine reference's (float64)`, async () => {
    const w = prepare(id, 'float64');
    const reference = w.lossAndGradient();
    const net = new Mlp({ sizes: WORKLOADS[id].sizes, dtype: 'float64', seed: 1 });
    const before = flat(net.getParams());
    expect(before).toEqual(flat(w.net.getParams()));
    // one plain gradient step with lr = 1: the parameters move by exactly minus the gradient
    const h = await fit(net, { ...fitOptions(id), optimizer: { type: 'sgd', lr: 1 }, steps: 1, progress: false });
    const after = flat(net.getParams());
    const g = before.map((p, i) => p - after[i]!);
    const ref = flat(reference.gradient);
    expect(Math.abs(h.loss[0]! / reference.loss - 1)).toBeLessThan(1e-12);
    let d = 0,
      s = 0;
    g.forEach((x, i) => {
      d += (x - ref[i]!) ** 2;
      s += ref[i]! ** 2;
    });
    expect(Math.sqrt(d / s)).toBeLessThan(1e-9);
    expect(s).toBeGreaterThan(0);
    net.dispose();
    w.net.dispose();
  });
}
