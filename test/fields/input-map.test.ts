// Input maps that belong to the model: the network sees features of x, every jet is with
// respect to x (against the raw network on mapped points by the chain rule, and against
// finite differences), parameter gradients and Jacobian rows through the map against finite
// differences, periodic features make a periodic solution without a condition, toJSON keeps
// the map; bad maps refused by name.
import { describe, expect, it } from 'vitest';
import { fit, fourierFeatures, init, inputMap, mean, Mlp, scaleInputs } from '../../dist/index.js';
import { fdParams, flat } from '../helpers.js';

await init();
const TWO_PI = 2 * Math.PI;
const periodicFeatures = inputMap(({ x }) => [x[0]!.mul(TWO_PI).cos(), x[0]!.mul(TWO_PI).sin(), x[0]!.mul(2 * TWO_PI).sin()]);

describe('input maps', () => {
  it('scaleInputs: jets with respect to x are the raw network’s on the mapped points, by the chain rule', () => {
    const a = new Mlp({ sizes: [2, 6, 1], activation: 'tanh', dtype: 'float64', seed: 3, input: scaleInputs([0, 0], [2, 4]) });
    const b = new Mlp({ sizes: [2, 6, 1], activation: 'tanh', dtype: 'float64', seed: 3 });
    b.setParams(a.getParams());
    const x = [
      [0.5, 1],
      [1.5, 3.2],
      [1, 2],
      [0, 4],
    ];
    const ja = a.evaluate(x, { jacobian: true, hessian: 'full' });
    const jb = b.evaluate(
      x.map(([u, v]) => [u! - 1, v! / 2 - 1]),
      { jacobian: true, hessian: 'full' },
    );
    const s = [1, 0.5];
    x.forEach((_, p) => {
      expect(ja.y[p]).toBeCloseTo(jb.y[p]!, 15);
      for (let i = 0; i < 2; i++) expect(ja.jacobian![2 * p + i]).toBeCloseTo(jb.jacobian![2 * p + i]! * s[i]!, 15);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) expect(ja.hessian![4 * p + 2 * i + j]).toBeCloseTo(jb.hessian![4 * p + 2 * i + j]! * s[i]! * s[j]!, 14);
    });
    a.dispose();
    b.dispose();
  });

  it('periodic features: derivatives against finite differences in x, and u periodic exactly', () => {
    const net = new Mlp({ sizes: [1, 8, 8, 1], activation: 'tanh', dtype: 'float64', seed: 2, input: periodicFeatures });
    const y = (t: number) => net.evaluate([[t]]).y[0]!;
    const h = 1e-4;
    for (const t of [0.1, 0.37, 0.8]) {
      const j = net.evaluate([[t]], { jacobian: true, hessian: 'diag', laplacian: true });
      expect(j.jacobian![0]).toBeCloseTo((y(t + h) - y(t - h)) / (2 * h), 5);
      expect(j.hessianDiag![0]).toBeCloseTo((y(t + h) - 2 * y(t) + y(t - h)) / (h * h), 3);
      expect(j.laplacian![0]).toBe(j.hessianDiag![0]);
      expect(y(t + 1)).toBeCloseTo(y(t), 13);
    }
    net.dispose();
  });

  it('parameter gradients and Jacobian rows through the map, against finite differences', () => {
    const net = new Mlp({
      sizes: [2, 5, 1],
      activation: 'tanh',
      dtype: 'float64',
      seed: 5,
      input: inputMap(({ x }) => [x[0]!.mul(3).sin(), x[1]!.mul(x[0]!), x[1]!]),
    });
    const x = [
      [0.2, 0.7],
      [-0.4, 0.1],
      [0.9, -0.3],
    ];
    const c = { y: [0.3, -0.2, 0.5], laplacian: [1, 0.5, -0.7] };
    const loss = () => {
      const j = net.evaluate(x, { laplacian: true });
      return c.y.reduce((s, v, p) => s + v * j.y[p]! + c.laplacian[p]! * j.laplacian![p]!, 0);
    };
    const fd = flat(fdParams(net, loss));
    const g = flat(net.gradients(x, c));
    for (const [q, v] of fd.entries()) expect(Math.abs(v - g[q]!)).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(v)));
    const rows = net.forward(x, { laplacian: true }).jacobianRows(c);
    for (let q = 0; q < g.length; q++) expect(rows.reduce((s, r) => s + r[q]!, 0)).toBeCloseTo(g[q]!, 12);
    net.dispose();
  });

  it('trains a periodic solution with no periodic condition: −u″ + u = (4π² + 1) sin 2πx, to 1e-3', async () => {
    const net = new Mlp({ sizes: [1, 16, 1], activation: 'tanh', dtype: 'float64', seed: 1, input: periodicFeatures });
    await fit(net, {
      data: { points: Array.from({ length: 32 }, (_, i) => [(i + 0.5) / 32]) },
      loss: ({ u, x }) =>
        mean(
          u
            .d2(0, 0)
            .neg()
            .add(u)
            .sub(
              x[0]!
                .mul(TWO_PI)
                .sin()
                .mul(TWO_PI * TWO_PI + 1),
            )
            .square(),
        ),
      phases: [
        { optimizer: { type: 'adam', lr: 1e-2 }, steps: 300 },
        { optimizer: 'lm', steps: 100 },
      ],
      progress: false,
    });
    const grid = Array.from({ length: 101 }, (_, i) => [i / 50 - 1]);
    const u = net.evaluate(grid).y;
    let num = 0,
      den = 0;
    grid.forEach(([t], i) => {
      num += (u[i]! - Math.sin(TWO_PI * t!)) ** 2;
      den += Math.sin(TWO_PI * t!) ** 2;
    });
    expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
    net.dispose();
  });

  it('fourierFeatures: 2·count features cos/sin(2π Bx), reproducible from the seed, derivatives exact', () => {
    const make = (seed: number) =>
      new Mlp({ sizes: [2, 6, 1], dtype: 'float64', seed: 1, input: fourierFeatures({ inputs: 2, count: 5, scale: [1, 3], seed }) });
    const a = make(4),
      b = make(4),
      c = make(5);
    expect(a.getParams()[0]!.W.length).toBe(6 * 10);
    const x = [[0.2, -0.4]];
    expect(a.evaluate(x).y[0]).toBe(b.evaluate(x).y[0]);
    expect(a.evaluate(x).y[0]).not.toBe(c.evaluate(x).y[0]);
    const h = 1e-5,
      y = (p: number[]) => a.evaluate([p]).y[0]!;
    const j = a.evaluate(x, { jacobian: true });
    expect(j.jacobian![1]).toBeCloseTo((y([0.2, -0.4 + h]) - y([0.2, -0.4 - h])) / (2 * h), 6);
    expect(() => fourierFeatures({ inputs: 2, count: 0, scale: 1 })).toThrow(
      /fourierFeatures: count: expected a whole number in \[1, 1000000\], got 0/,
    );
    expect(() => fourierFeatures({ inputs: 2, count: 3, scale: [1] })).toThrow(
      /fourierFeatures: scale: expected a finite number > 0, or one per input \(2\), got \[1\]/,
    );
    for (const n of [a, b, c]) n.dispose();
  });

  it('toJSON keeps the map (bitwise), and bad maps are refused by name', () => {
    const net = new Mlp({ sizes: [1, 4, 1], dtype: 'float64', seed: 1, input: periodicFeatures });
    const back = Mlp.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
    expect(back.getParams()[0]!.W.length).toBe(4 * 3);
    expect(Array.from(back.evaluate([[0.3], [0.9]], { laplacian: true }).laplacian!)).toEqual(
      Array.from(net.evaluate([[0.3], [0.9]], { laplacian: true }).laplacian!),
    );
    expect(() => new Mlp({ sizes: [1, 4, 1], input: inputMap((() => 3) as never) })).toThrow(
      /inputMap: the map must return an array of fields/,
    );
    expect(() => new Mlp({ sizes: [1, 4, 1], input: inputMap(({ x }) => [x[1]!]) })).toThrow(/x\[1\]: the network has 1 input/);
    expect(() => new Mlp({ sizes: [1, 4, 1], input: 'scale' as never })).toThrow(/input: expected an input map/);
    expect(() => scaleInputs([0, 1], [1, 1])).toThrow(/scaleInputs\(lower, upper\): coordinate 1 needs finite lower < upper/);
    const doc = net.toJSON() as { input: { features: unknown[] } };
    doc.input.features = [['nope', ['x', 0]]];
    expect(() => Mlp.fromJSON(doc as never)).toThrow(/Mlp\.fromJSON: input: the function 'nope' cannot be saved/);
    net.dispose();
    back.dispose();
  });
});
