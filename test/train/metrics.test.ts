// fit's metrics: relative L2 and max error against a solution (a function or values, one
// or several outputs) every metricsEvery steps and after the last, equal to the same
// errors computed from evaluate; bad metrics refused by name before the first step.
import { describe, expect, it } from 'vitest';
import { fit, init, mean, mse, Mlp } from '../../dist/index.js';

await init();

const points = Array.from({ length: 30 }, (_, i) => [-1 + (2 * i) / 29]);
const target = points.map(([x]) => Math.sin(2 * x!));

describe('metrics', () => {
  it('measures every metricsEvery steps and after the last, as evaluate says', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 2 });
    const check = points.filter((_, i) => i % 3 === 1);
    const h = await fit(net, {
      data: { points, columns: { y: target } },
      loss: ({ u, data }) => mse(u, data.y),
      optimizer: { type: 'adam', lr: 1e-2 },
      steps: 35,
      metrics: {
        sine: { points: check, solution: ([x]) => Math.sin(2 * x!) },
        values: { points: check, solution: check.map(([x]) => Math.sin(2 * x!)) },
      },
      metricsEvery: 10,
      progress: false,
    });
    expect(h.metrics.sine!.steps).toEqual([10, 20, 30, 35]);
    expect(h.metrics.values!.relativeL2).toEqual(h.metrics.sine!.relativeL2);
    const y = net.evaluate(check).y;
    let sq = 0,
      norm = 0,
      max = 0;
    check.forEach(([x], i) => {
      const e = y[i]! - Math.sin(2 * x!);
      sq += e * e;
      norm += Math.sin(2 * x!) ** 2;
      max = Math.max(max, Math.abs(e));
    });
    expect(h.metrics.sine!.relativeL2.at(-1)).toBeCloseTo(Math.sqrt(sq / norm), 14);
    expect(h.metrics.sine!.maxError.at(-1)).toBeCloseTo(max, 14);
    expect(h.metrics.sine!.relativeL2.at(-1)!).toBeLessThan(h.metrics.sine!.relativeL2[0]!);
    net.dispose();
  });

  it('several outputs: the solution gives one value per output', async () => {
    const net = new Mlp({ sizes: [1, 6, 2], dtype: 'float64', seed: 3 });
    const h = await fit(net, {
      data: { points },
      loss: ({ outputs }) => mean(outputs[0]!.square()).add(mean(outputs[1]!.sub(1).square())),
      steps: 5,
      metrics: { both: { points: [[0], [0.5]], solution: () => [0, 1] } },
      progress: false,
    });
    expect(h.metrics.both!.steps).toEqual([5]);
    const y = net.evaluate([[0], [0.5]]).y;
    const e = Math.sqrt((y[0]! ** 2 + (y[1]! - 1) ** 2 + y[2]! ** 2 + (y[3]! - 1) ** 2) / 2);
    expect(h.metrics.both!.relativeL2[0]).toBeCloseTo(e, 14);
    net.dispose();
  });

  it('refuses bad metrics by name before the first step', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const before = Array.from(net.parameterView());
    const run = (extra: object) => fit(net, { data: { points }, loss: ({ u }) => mse(u), steps: 3, progress: false, ...extra });
    await expect(run({ metrics: { e: { points, solution: [1, 2] } } })).rejects.toThrow(
      /fit: metrics\.e\.solution: expected 30 values \(30 points × 1 outputs\), got 2/,
    );
    await expect(run({ metrics: { e: { points, solution: () => Number.NaN } } })).rejects.toThrow(/metrics\.e\.solution: value 0 is NaN/);
    await expect(run({ metrics: { e: { points, solution: () => [1, 2] } } })).rejects.toThrow(
      /returned 2 values at points\[0\]; expected 1/,
    );
    await expect(run({ metrics: { e: { points: [[Number.NaN]], solution: [0] } } })).rejects.toThrow(/metrics\.e\.points/);
    await expect(run({ metrics: { e: { points, soluton: [] } } })).rejects.toThrow(/unknown option "soluton".*did you mean "solution"/);
    await expect(run({ metrics: [1] })).rejects.toThrow(/fit: metrics: expected named metrics/);
    await expect(run({ metricsEvery: 0 })).rejects.toThrow(/fit: metricsEvery: expected a whole number ≥ 1, got 0/);
    expect(Array.from(net.parameterView())).toEqual(before);
    net.dispose();
  });
});
