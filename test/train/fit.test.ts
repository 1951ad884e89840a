// fit: terms, history, callbacks, reproducibility, resuming, divergence and bad input.
import { describe, expect, it } from 'vitest';
import { fit, init, mean, mse, Mlp, parameter, type FitOptions } from '../../dist/index.js';

await init();

const N = 64;
const xs = Float64Array.from({ length: N }, (_, i) => -1 + (2 * (i + 0.5)) / N);
const sobolev = (batchSize: number | 'full' = 16): FitOptions => ({
  terms: {
    value: { points: xs, columns: { g: xs.map(Math.sin) }, batchSize, loss: ({ u, data }) => mse(u, data.g) },
    slope: { points: xs, columns: { dg: xs.map(Math.cos) }, batchSize, weight: 0.5, loss: ({ u, data }) => mse(u.d(0), data.dg) },
  },
  optimizer: { type: 'adam', lr: 1e-2 },
  progress: false,
  seed: 3,
});
/** The same terms for a run in phases (the optimizer then goes in each phase). */
const sobolevTerms = (batchSize: number | 'full' = 16): FitOptions => {
  const { optimizer: _, ...rest } = sobolev(batchSize);
  return rest;
};
const flatParams = (net: Mlp) => net.getParams().flatMap(({ W, b }) => [...W, ...b]);

describe('fit', () => {
  it('trains several terms, each with its own batches and weight, and reports each', async () => {
    const net = new Mlp({ sizes: [1, 16, 1], dtype: 'float64', seed: 1 });
    const h = await fit(net, { ...sobolev(), steps: 300 });
    expect(h.steps).toBe(300);
    expect(h.loss.length).toBe(300);
    expect(h.terms.value!.length).toBe(300);
    expect(h.loss[5]).toBeCloseTo(h.terms.value![5]! + 0.5 * h.terms.slope![5]!, 12);
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0]! / 20);
    expect(h.epochs.length).toBe(300 / 4);
    expect(h.stopReason).toBe('completed');
    net.dispose();
  });

  it('the same seed gives bitwise-identical training; resuming a saved state continues exactly', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const a = new Mlp({ sizes: [1, 8, 8, 1], dtype, seed: 2 });
      const b = new Mlp({ sizes: [1, 8, 8, 1], dtype, seed: 2 });
      const c = new Mlp({ sizes: [1, 8, 8, 1], dtype, seed: 2 });
      const phases = [
        { optimizer: { type: 'adam' as const, lr: 5e-3 }, steps: 20 },
        { optimizer: { type: 'sgd' as const, lr: 1e-2, momentum: 0.9 }, steps: 20, batchSize: 8 },
      ];
      await fit(a, { ...sobolevTerms(), phases });
      await fit(b, { ...sobolevTerms(), phases });
      expect(flatParams(b)).toEqual(flatParams(a));
      // 25 steps (into the second phase), save, rebuild everything from JSON, resume
      const h1 = await fit(c, { ...sobolevTerms(), phases, onStep: (s) => s.step < 25 });
      expect(h1.stopReason).toBe('callback');
      const saved = JSON.stringify({ net: c.toJSON(), state: h1.state });
      c.dispose();
      const back = JSON.parse(saved);
      const d = Mlp.fromJSON(back.net);
      const h2 = await fit(d, { ...sobolevTerms(), phases, resume: back.state });
      expect(h2.steps).toBe(40);
      expect(flatParams(d)).toEqual(flatParams(a));
      a.dispose();
      b.dispose();
      d.dispose();
    }
  });

  it('phases can change batch sizes: Adam on minibatches, then L-BFGS on full batches', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const h = await fit(net, {
      ...sobolevTerms('full'),
      phases: [
        { optimizer: 'adam', steps: 40, batchSize: 8 },
        { optimizer: 'lbfgs', steps: 20, batchSize: { value: 'full' } },
      ],
    });
    expect(h.steps).toBeGreaterThan(40);
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[39]!);
    await expect(
      fit(net, { ...sobolevTerms('full'), phases: [{ optimizer: 'lbfgs', steps: 1, batchSize: { slope: 16 } }] }),
    ).rejects.toThrow(/phases\[0\]: L-BFGS needs full batches, but term 'slope' has batchSize 16 of 64 points/);
    await expect(fit(net, { ...sobolevTerms('full'), phases: [{ optimizer: 'adam', steps: 1, batchSize: { nope: 4 } }] })).rejects.toThrow(
      /phases\[0\].batchSize: no term named 'nope'/,
    );
    net.dispose();
  });

  it('toJSON / fromJSON round-trip exactly', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const net = new Mlp({ sizes: [3, 7, 2], activation: 'silu', dtype, seed: 9 });
      const copy = Mlp.fromJSON(JSON.stringify(net.toJSON()));
      expect(copy.dtype).toBe(dtype);
      expect(copy.activation).toBe('silu');
      expect(flatParams(copy)).toEqual(flatParams(net));
      const x = [0.1, 0.2, 0.3];
      expect(Array.from(copy.evaluate(x, { jacobian: true }).jacobian!)).toEqual(Array.from(net.evaluate(x, { jacobian: true }).jacobian!));
      net.dispose();
      copy.dispose();
    }
    expect(() => Mlp.fromJSON('{"format":"other"}')).toThrow(/expected an object saved by net.toJSON/);
    expect(() => Mlp.fromJSON('not json')).toThrow(/not valid JSON/);
  });

  it('a loss that turns NaN stops training, names the term, and keeps the last finite parameters', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const seen: number[][] = [];
    const err = await fit(net, {
      terms: {
        calm: { points: xs, loss: ({ u }) => mean(u.square()) },
        wild: { points: xs, loss: ({ u }) => mean(u.mul(3).exp()) },
      },
      optimizer: { type: 'sgd', lr: 10 },
      steps: 100,
      progress: false,
      onStep: () => {
        seen.push(flatParams(net));
      },
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/the loss became (NaN|Infinity) at step \d+ in term 'wild'/);
    const p = flatParams(net);
    expect(p.every(Number.isFinite)).toBe(true);
    // the parameters of the last step whose loss was finite
    expect(seen.length).toBeGreaterThan(0);
    const step = Number(/at step (\d+)/.exec((err as Error).message)![1]);
    expect(step).toBeGreaterThan(1);
    expect(p).toEqual(seen[step - 2]);
    net.dispose();
  });

  it('clips the gradient to clipNorm', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const before = flatParams(net);
    await fit(net, { ...sobolev('full'), optimizer: { type: 'sgd', lr: 1 }, steps: 1, clipNorm: 1e-3 });
    const moved = Math.hypot(...flatParams(net).map((p, i) => p - before[i]!));
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThanOrEqual(1e-3 * (1 + 1e-12));
    net.dispose();
  });

  it('schedules the learning rate (warm-up, then cosine)', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const h = await fit(net, {
      ...sobolev('full'),
      optimizer: { type: 'adam', lr: 1e-2 },
      steps: 20,
      schedule: { type: 'cosine', warmup: 4, minFactor: 0.1 },
    });
    expect(h.lr.slice(0, 4)).toEqual([2.5e-3, 5e-3, 7.5e-3, 1e-2]);
    expect(h.lr[19]!).toBeCloseTo(1e-3 + 9e-3 * 0.5 * (1 + Math.cos((Math.PI * 15) / 16)), 12);
    net.dispose();
  });

  it('stops early when the monitored loss stops improving, and restores the best', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const h = await fit(net, {
      ...sobolev('full'),
      optimizer: { type: 'sgd', lr: 1e-9 },
      epochs: 1000,
      earlyStopping: { patience: 3, minDelta: 1e-3 },
    });
    expect(h.stopReason).toBe('early-stopping');
    expect(h.steps).toBe(4);
    net.dispose();
  });

  it('accepts an AbortSignal and yields to the event loop', async () => {
    const net = new Mlp({ sizes: [1, 64, 64, 1], dtype: 'float64', seed: 1 });
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      if (ticks === 3) controller.abort();
    }, 10);
    const h = await fit(net, { ...sobolev('full'), steps: 1_000_000, signal: controller.signal });
    clearInterval(timer);
    expect(h.stopReason).toBe('aborted');
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(h.steps).toBeGreaterThan(0);
    net.dispose();
  });

  it('learns a trainable coefficient with the network (an inverse problem)', async () => {
    // u(x) = sin(2x) observed; the residual u'' + k u = 0 holds for k = 4
    const net = new Mlp({ sizes: [1, 24, 24, 1], dtype: 'float64', seed: 5 });
    const k = parameter(1, 'k');
    const pts = Float64Array.from({ length: 48 }, (_, i) => -1.5 + (3 * i) / 47);
    const h = await fit(net, {
      terms: {
        data: { points: pts, columns: { u: pts.map((x) => Math.sin(2 * x)) }, loss: ({ u, data }) => mse(u, data.u) },
        pde: { points: pts, loss: ({ u }) => mean(u.d2(0, 0).add(u.mul(k)).square()), weight: 0.1 },
      },
      phases: [
        { optimizer: { type: 'adam', lr: 1e-2 }, steps: 1500 },
        { optimizer: 'lbfgs', steps: 300 },
      ],
      progress: false,
    });
    expect(k.value).toBeCloseTo(4, 1);
    expect(h.parameters.k).toBe(k.value);
    net.dispose();
  });
});

describe('bad input', () => {
  const net = new Mlp({ sizes: [2, 4, 1], seed: 1 });
  const pts = [
    [0, 1],
    [1, 0],
  ];
  const run = (o: Partial<FitOptions>) => fit(net, { steps: 1, progress: false, ...o } as FitOptions);
  it('names what is wrong', async () => {
    await expect(run({ data: { points: pts }, loss: ({ u }) => u as never })).rejects.toThrow(
      /the loss must return a scalar .* got a field; reduce it with mean\(\) or sum\(\)/,
    );
    await expect(run({ data: { points: pts }, loss: ({ u }) => mean(u.d(2)) })).rejects.toThrow(
      /d\(i\): input index 2 is out of range; the network has 2 inputs \(indices 0..1\)/,
    );
    await expect(run({ data: { points: pts }, loss: ({ u, data }) => mse(u, data.target!) })).rejects.toThrow(
      /data column 'target' is missing; the term has no data columns/,
    );
    await expect(run({ data: { points: pts, columns: { t: [1, 2, 3] } }, loss: ({ u, data }) => mse(u, data.t!) })).rejects.toThrow(
      /data column 't': has 3 values, expected 2 \(one per point\)/,
    );
    await expect(run({ data: { points: pts, columns: { t: [1, NaN] } }, loss: ({ u }) => mse(u) })).rejects.toThrow(
      /data column 't': entry 1 is NaN/,
    );
    await expect(run({ data: { points: pts, columns: { t: new BigInt64Array(2) as never } }, loss: ({ u }) => mse(u) })).rejects.toThrow(
      /expected floating-point numbers .* got a BigInt64Array/,
    );
    await expect(run({ data: { points: new BigInt64Array(4) as never }, loss: ({ u }) => mse(u) })).rejects.toThrow(
      /points: expected points as a Float32Array, Float64Array/,
    );
    await expect(run({ data: { points: [] }, loss: ({ u }) => mse(u) })).rejects.toThrow(/term 'loss': points: empty batch/);
    await expect(run({ data: { points: [[1, 2, 3]] }, loss: ({ u }) => mse(u) })).rejects.toThrow(
      /ragged rows|row 0 has 3 entries, expected 2/,
    );
    await expect(run({ data: { points: pts }, loss: ({ u }) => mean(u.laplacian().d(0)) })).rejects.toThrow(/third derivatives/);
    await expect(run({ terms: {} })).rejects.toThrow(/no loss terms/);
    await expect(run({ data: { points: pts }, loss: ({ u }) => mse(u), steps: undefined })).rejects.toThrow(
      /say how long to train: steps or epochs/,
    );
    await expect(run({ terms: { a: { points: pts, loss: ({ u }) => mse(u), weight: -1 } } })).rejects.toThrow(
      /term 'a': weight must be a finite number ≥ 0/,
    );
    await expect(run({ data: { points: pts }, loss: ({ u }) => mse(u), resume: { version: 1, params: [1] } as never })).rejects.toThrow(
      /resume\.version: expected 2 \(a state saved by this version of fit\), got 1/,
    );
  });
  it('a failed fit leaves the network as it was', async () => {
    const before = flatParams(net);
    await expect(run({ data: { points: pts }, loss: ({ u }) => mean(u.d(5)) })).rejects.toThrow();
    expect(flatParams(net)).toEqual(before);
  });
});
